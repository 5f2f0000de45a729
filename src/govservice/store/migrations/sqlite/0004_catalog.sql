-- govservice schema 4: versions of the catalog, per region. A version is what a region's
-- centre offers from a day on (an import, or an adjustment: 调整); its entries map each
-- item code to the item version it holds (a row of items). Versions are never changed.
-- adjustment: the adjustment's JSON document (NULL for an import); imported: what an
-- import said of itself (who decided, the decision's number, the title), NULL otherwise.

CREATE TABLE catalog_versions (
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    effective TEXT NOT NULL,
    adjustment TEXT,
    imported TEXT,
    size INTEGER NOT NULL,
    PRIMARY KEY (region, number)
) WITHOUT ROWID;

CREATE TABLE catalog_entries (
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    code TEXT NOT NULL,
    item_version INTEGER NOT NULL,
    PRIMARY KEY (region, number, code),
    FOREIGN KEY (region, number) REFERENCES catalog_versions (region, number),
    FOREIGN KEY (code, item_version) REFERENCES items (code, version)
) WITHOUT ROWID;
