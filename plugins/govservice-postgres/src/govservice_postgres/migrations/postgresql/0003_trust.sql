-- govservice schema 3 (PostgreSQL): trust, as SQLite schema 3. Settings the store was created
-- with (a simulation store takes back-dated actions; any other keeps the server's clock), and
-- the outbox of notifications (written in the action's transaction, delivered after commit,
-- with retries).

CREATE TABLE govservice_settings (
    name text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    case_id text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    doc text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    delivered_at timestamptz
);
CREATE INDEX outbox_undelivered ON outbox (id) WHERE delivered_at IS NULL;
