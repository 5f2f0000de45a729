-- govservice schema 1: records as JSON documents beside the columns queries filter on.

CREATE TABLE items (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    status TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (code, version)
) WITHOUT ROWID;
CREATE INDEX items_region ON items (region, code);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL,
    open INTEGER NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    station_code TEXT,
    handler TEXT,
    item_code TEXT NOT NULL,
    item_version INTEGER NOT NULL,
    green_channel INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    promised_due TEXT,
    legal_due TEXT,
    queue_key TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX cases_queue ON cases (queue_key);
CREATE INDEX cases_state_region ON cases (state, region);
CREATE INDEX cases_open_due_region ON cases (open, promised_due, region);
CREATE INDEX cases_open_due_department ON cases (open, promised_due, department);
CREATE INDEX cases_department ON cases (department, state);
CREATE INDEX cases_station ON cases (station_code) WHERE station_code IS NOT NULL;
CREATE INDEX cases_handler ON cases (handler) WHERE handler IS NOT NULL;
CREATE INDEX cases_item ON cases (item_code);

CREATE TABLE stations (
    code TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    region TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT,
    doc TEXT NOT NULL
);
CREATE INDEX stations_region ON stations (region, code);

CREATE TABLE intermediaries (
    credit_code TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    region TEXT NOT NULL,
    status TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX intermediaries_region ON intermediaries (region, credit_code);

CREATE TABLE blacklist_entries (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    region TEXT NOT NULL,
    subject_number TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    doc TEXT NOT NULL
);
CREATE INDEX blacklist_subject ON blacklist_entries (subject_number);
CREATE INDEX blacklist_region ON blacklist_entries (region, id);
