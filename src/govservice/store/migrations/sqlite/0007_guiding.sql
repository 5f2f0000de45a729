-- govservice schema 7: the guiding catalog of convenience services (便民服务事项指导性目录),
-- per issuing region, versioned like the item catalog: a version is in force from its day
-- until the next one's; its entries name, for each level of station, the items a station of
-- that level must offer (应进必进). Versions are never changed. said: what the version said
-- of itself (title, decided_by, decision_number) as JSON. What a station offers is its
-- document's items (stations.doc), read by the coverage report.

CREATE TABLE guiding_versions (
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    effective TEXT NOT NULL,
    said TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (region, number)
) WITHOUT ROWID;

CREATE TABLE guiding_entries (
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    level TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (region, number, level, code),
    FOREIGN KEY (region, number) REFERENCES guiding_versions (region, number)
) WITHOUT ROWID;
