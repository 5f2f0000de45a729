-- govservice schema 1 (PostgreSQL): records as JSON documents beside the columns queries
-- filter on; the same tables, keys and indexes as the SQLite schema 1.
--
-- doc is text, not jsonb: the JSON text stored is the JSON text read back, byte for byte.
-- Every text column uses the "C" collation, so orders, pages and groups follow code points
-- (as SQLite and Python do), whatever the locale of the database.

CREATE TABLE items (
    code text COLLATE "C" NOT NULL,
    version integer NOT NULL,
    region text COLLATE "C" NOT NULL,
    department text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX items_region ON items (region, code);

CREATE TABLE cases (
    id text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    state text COLLATE "C" NOT NULL,
    open boolean NOT NULL,
    region text COLLATE "C" NOT NULL,
    department text COLLATE "C" NOT NULL,
    station_code text COLLATE "C",
    handler text COLLATE "C",
    item_code text COLLATE "C" NOT NULL,
    item_version integer NOT NULL,
    green_channel boolean NOT NULL,
    received_at timestamptz NOT NULL,
    promised_due date,
    legal_due date,
    queue_key text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX cases_queue ON cases (queue_key);
CREATE INDEX cases_state_region ON cases (state, region);
CREATE INDEX cases_department ON cases (department, state);
CREATE INDEX cases_station ON cases (station_code) WHERE station_code IS NOT NULL;
CREATE INDEX cases_handler ON cases (handler) WHERE handler IS NOT NULL;
CREATE INDEX cases_item ON cases (item_code);
-- The supervision query (overdue and near-due open cases by region or department) reads
-- only these small partial indexes: open cases by promised due date, with the group.
CREATE INDEX cases_open_due_region ON cases (promised_due) INCLUDE (region) WHERE open;
CREATE INDEX cases_open_due_department ON cases (promised_due) INCLUDE (department) WHERE open;

CREATE TABLE stations (
    code text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    level text COLLATE "C" NOT NULL,
    parent_code text COLLATE "C",
    doc text NOT NULL
);
CREATE INDEX stations_region ON stations (region, code);

CREATE TABLE intermediaries (
    credit_code text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX intermediaries_region ON intermediaries (region, credit_code);

CREATE TABLE blacklist_entries (
    id text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    subject_number text COLLATE "C" NOT NULL,
    valid_from date NOT NULL,
    valid_until date,
    doc text NOT NULL
);
CREATE INDEX blacklist_subject ON blacklist_entries (subject_number);
CREATE INDEX blacklist_region ON blacklist_entries (region, id);
