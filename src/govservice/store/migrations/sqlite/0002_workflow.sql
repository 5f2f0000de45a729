-- govservice schema 2: the case workflow. Columns for the public progress lookup, joint
-- review, supervision of completions and rectifications; joint-review projects; and the
-- tamper-evident trail of case events (步步留痕), one hash chain over every event.

ALTER TABLE cases ADD COLUMN tracking_code TEXT;
ALTER TABLE cases ADD COLUMN project_id TEXT;
ALTER TABLE cases ADD COLUMN completed_on TEXT;
ALTER TABLE cases ADD COLUMN rectification_due TEXT;
UPDATE cases SET completed_on = date(json_extract(doc, '$.completed_at'), '+8 hours')
    WHERE json_extract(doc, '$.completed_at') IS NOT NULL;
CREATE UNIQUE INDEX cases_tracking_code ON cases (tracking_code) WHERE tracking_code IS NOT NULL;
CREATE INDEX cases_project ON cases (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX cases_completed_department ON cases (completed_on, department)
    WHERE completed_on IS NOT NULL;
CREATE INDEX cases_rectification_due ON cases (rectification_due)
    WHERE rectification_due IS NOT NULL;
CREATE INDEX cases_open_due_station ON cases (open, promised_due, station_code);

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    region TEXT NOT NULL,
    state TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX projects_region ON projects (region, id);

-- doc is the canonical JSON of {"seq", "case_id", "event"}; hash is the SHA-256 of the
-- previous event's hash followed by doc. ledger_head holds the last link, so that cutting
-- events off the end is found as well.
CREATE TABLE case_events (
    seq INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, seq);
CREATE TABLE ledger_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
