-- govservice schema 6: evaluations of stations against their standards (达标评估), kept as
-- history: a row per evaluation, never changed; `seq` keeps the order they were added in.
-- The station's standing on a day is derived from them (govservice.stations.standing).

CREATE TABLE station_evaluations (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    station_code text COLLATE "C" NOT NULL REFERENCES stations (code),
    standard text COLLATE "C" NOT NULL,
    on_date date NOT NULL,
    doc text NOT NULL
);
CREATE INDEX station_evaluations_station ON station_evaluations (station_code, on_date, seq);
CREATE INDEX stations_parent ON stations (parent_code) WHERE parent_code IS NOT NULL;
