-- govservice schema 8 (PostgreSQL): training of grassroots staff and the records of the
-- quarterly assessment of window staff, as SQLite schema 8. doc: the record's JSON
-- document; the other columns are taken from it. Sessions and records are never changed.

CREATE TABLE training_sessions (
    id text COLLATE "C" PRIMARY KEY,
    held_on date NOT NULL,
    doc text COLLATE "C" NOT NULL
);
CREATE INDEX training_sessions_held_on ON training_sessions (held_on, id);

CREATE TABLE training_attendance (
    session_id text COLLATE "C" NOT NULL REFERENCES training_sessions (id),
    station_code text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    PRIMARY KEY (session_id, station_code, name)
);

CREATE TABLE staff_records (
    year integer NOT NULL,
    quarter integer NOT NULL,
    station_code text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    doc text COLLATE "C" NOT NULL,
    PRIMARY KEY (year, quarter, station_code, name)
);

CREATE TABLE discipline_records (
    id bigserial PRIMARY KEY,
    station_code text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    recorded_on date NOT NULL,
    doc text COLLATE "C" NOT NULL
);
CREATE INDEX discipline_records_on ON discipline_records (recorded_on);
