-- govservice schema 8: training of grassroots staff and the records of the quarterly
-- assessment of window staff (issue 13). doc: the record's JSON document; the other
-- columns are taken from it, for the queries. Sessions and records are never changed.

CREATE TABLE training_sessions (
    id TEXT PRIMARY KEY,
    held_on TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX training_sessions_held_on ON training_sessions (held_on, id);

CREATE TABLE training_attendance (
    session_id TEXT NOT NULL REFERENCES training_sessions (id),
    station_code TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (session_id, station_code, name)
) WITHOUT ROWID;

CREATE TABLE staff_records (
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    station_code TEXT NOT NULL,
    name TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (year, quarter, station_code, name)
) WITHOUT ROWID;

CREATE TABLE discipline_records (
    id INTEGER PRIMARY KEY,
    station_code TEXT NOT NULL,
    name TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX discipline_records_on ON discipline_records (recorded_on);
