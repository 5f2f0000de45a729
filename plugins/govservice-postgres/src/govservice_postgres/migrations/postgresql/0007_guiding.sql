-- govservice schema 7 (PostgreSQL): the guiding catalog of convenience services
-- (便民服务事项指导性目录), as SQLite schema 7: versions per issuing region, each in force
-- from its day until the next one's, naming for each level of station the items a station
-- of that level must offer (应进必进). Versions are never changed. said: what the version
-- said of itself (title, decided_by, decision_number) as JSON.

CREATE TABLE guiding_versions (
    region text COLLATE "C" NOT NULL,
    number integer NOT NULL,
    effective date NOT NULL,
    said text COLLATE "C" NOT NULL,
    size integer NOT NULL,
    PRIMARY KEY (region, number)
);

CREATE TABLE guiding_entries (
    region text COLLATE "C" NOT NULL,
    number integer NOT NULL,
    level text COLLATE "C" NOT NULL,
    code text COLLATE "C" NOT NULL,
    PRIMARY KEY (region, number, level, code),
    FOREIGN KEY (region, number) REFERENCES guiding_versions (region, number)
);
