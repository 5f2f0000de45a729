-- govservice schema 3: trust. Settings the store was created with (a simulation store takes
-- back-dated actions; any other keeps the server's clock), and the outbox of notifications
-- (written in the action's transaction, delivered after commit, with retries).

CREATE TABLE govservice_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Times of the outbox are UTC RFC 3339 text (+00:00), so that they compare as text.
-- next_attempt_at: when a notice may be tried (NULL once automatic attempts are over);
-- claimed_by: who holds it until then (its writer, a deliverer); waiting_for: a JSON list
-- of the plugins still to be told (NULL: all).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT,
    claimed_by TEXT,
    waiting_for TEXT,
    delivered_at TEXT
);
CREATE INDEX outbox_undelivered ON outbox (id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE delivered_at IS NULL;
