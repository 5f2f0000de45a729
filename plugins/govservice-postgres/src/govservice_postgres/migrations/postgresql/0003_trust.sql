-- govservice schema 3 (PostgreSQL): trust, as SQLite schema 3. Settings the store was created
-- with (a simulation store takes back-dated actions; any other keeps the server's clock), and
-- the outbox of notifications (written in the action's transaction, delivered after commit,
-- with retries).

CREATE TABLE govservice_settings (
    name text COLLATE "C" PRIMARY KEY,
    value text COLLATE "C" NOT NULL
);

-- next_attempt_at: when a notice may be tried (NULL once automatic attempts are over);
-- claimed_by: who holds it until then (its writer, a deliverer); waiting_for: a JSON list
-- of the plugins still to be told (NULL: all).
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    case_id text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    doc text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text COLLATE "C",
    next_attempt_at timestamptz,
    claimed_by text COLLATE "C",
    waiting_for text COLLATE "C",
    delivered_at timestamptz
);
CREATE INDEX outbox_undelivered ON outbox (id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE delivered_at IS NULL;
