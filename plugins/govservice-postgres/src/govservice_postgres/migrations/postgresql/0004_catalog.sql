-- govservice schema 4 (PostgreSQL): versions of the catalog, per region, as SQLite schema 4.
-- A version is what a region's centre offers from a day on (an import, or an adjustment:
-- 调整); its entries map each item code to the item version it holds (a row of items).
-- Versions are never changed. adjustment: the adjustment's JSON document (NULL for an
-- import); imported: what an import said of itself, NULL otherwise.

CREATE TABLE catalog_versions (
    region text COLLATE "C" NOT NULL,
    number integer NOT NULL,
    effective date NOT NULL,
    adjustment text COLLATE "C",
    imported text COLLATE "C",
    size integer NOT NULL,
    PRIMARY KEY (region, number)
);

CREATE TABLE catalog_entries (
    region text COLLATE "C" NOT NULL,
    number integer NOT NULL,
    code text COLLATE "C" NOT NULL,
    item_version integer NOT NULL,
    PRIMARY KEY (region, number, code),
    FOREIGN KEY (region, number) REFERENCES catalog_versions (region, number),
    FOREIGN KEY (code, item_version) REFERENCES items (code, version)
);
