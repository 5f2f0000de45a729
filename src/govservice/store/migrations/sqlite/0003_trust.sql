-- govservice schema 3: trust. Settings the store was created with (a simulation store takes
-- back-dated actions; any other keeps the server's clock), and the outbox of notifications
-- (written in the action's transaction, delivered after commit, with retries).

CREATE TABLE govservice_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at TEXT
);
CREATE INDEX outbox_undelivered ON outbox (id) WHERE delivered_at IS NULL;
