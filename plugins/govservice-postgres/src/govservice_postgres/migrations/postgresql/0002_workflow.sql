-- govservice schema 2 (PostgreSQL): the case workflow, as SQLite schema 2. Columns for the
-- public progress lookup, joint review, supervision of completions and rectifications;
-- joint-review projects; and the tamper-evident trail of case events (步步留痕).

ALTER TABLE cases ADD COLUMN tracking_code text COLLATE "C";
ALTER TABLE cases ADD COLUMN project_id text COLLATE "C";
ALTER TABLE cases ADD COLUMN completed_on date;
ALTER TABLE cases ADD COLUMN rectification_due date;
UPDATE cases SET completed_on =
    ((doc::jsonb ->> 'completed_at')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
    WHERE doc::jsonb ? 'completed_at';
CREATE UNIQUE INDEX cases_tracking_code ON cases (tracking_code) WHERE tracking_code IS NOT NULL;
CREATE INDEX cases_project ON cases (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX cases_completed_department ON cases (completed_on, department)
    WHERE completed_on IS NOT NULL;
CREATE INDEX cases_rectification_due ON cases (rectification_due)
    WHERE rectification_due IS NOT NULL;
CREATE INDEX cases_open_due_station ON cases (promised_due) INCLUDE (station_code) WHERE open;

CREATE TABLE projects (
    id text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    state text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX projects_region ON projects (region, id);

-- doc is the canonical JSON of {"seq", "case_id", "event"}; hash is the SHA-256 of the
-- previous event's hash followed by doc. ledger_head holds the last link (and is the row
-- locked to append, so that appends are serialized).
CREATE TABLE case_events (
    seq bigint PRIMARY KEY,
    case_id text COLLATE "C" NOT NULL,
    doc text NOT NULL,
    prev_hash text COLLATE "C" NOT NULL,
    hash text COLLATE "C" NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, seq);
CREATE TABLE ledger_head (
    id integer PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL,
    hash text COLLATE "C" NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
