-- govservice schema 9 (PostgreSQL): the intermediary supermarket (issue 14), as SQLite
-- schema 9: the list of intermediary services, needs, selections, engagements, the
-- quarterly grades of the agencies, and the side table of which agency offers which listed
-- service (kept by the store from the agency's document). doc: the record's JSON document;
-- the other columns are taken from it. Every write of these records (and of
-- intermediaries) is a link of the trail (case_events, case_id "<kind>/<key>").

CREATE TABLE intermediary_services (
    code text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX intermediary_services_region ON intermediary_services (region, code);

CREATE TABLE needs (
    id text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    service_code text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX needs_region ON needs (region, id);
CREATE INDEX needs_service ON needs (service_code, id);

CREATE TABLE selections (
    id text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    need_id text COLLATE "C" NOT NULL,
    result text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX selections_region ON selections (region, id);
CREATE INDEX selections_need ON selections (need_id, id);
CREATE INDEX selections_result ON selections (result, id);

CREATE TABLE engagements (
    id text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    credit_code text COLLATE "C" NOT NULL,
    need_id text COLLATE "C" NOT NULL,
    selection_id text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX engagements_region ON engagements (region, id);
CREATE INDEX engagements_agency ON engagements (credit_code, id);
CREATE INDEX engagements_need ON engagements (need_id, id);
CREATE INDEX engagements_selection ON engagements (selection_id, id);

CREATE TABLE agency_quarters (
    key text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL DEFAULT 1,
    region text COLLATE "C" NOT NULL,
    credit_code text COLLATE "C" NOT NULL,
    period text COLLATE "C" NOT NULL,
    doc text NOT NULL
);
CREATE INDEX agency_quarters_region ON agency_quarters (region, key);
CREATE INDEX agency_quarters_agency ON agency_quarters (credit_code, period);
CREATE INDEX agency_quarters_period ON agency_quarters (period, credit_code);

CREATE TABLE intermediary_offers (
    service_code text COLLATE "C" NOT NULL,
    credit_code text COLLATE "C" NOT NULL REFERENCES intermediaries (credit_code),
    PRIMARY KEY (service_code, credit_code)
);
CREATE INDEX intermediary_offers_agency ON intermediary_offers (credit_code);
INSERT INTO intermediary_offers (service_code, credit_code)
    SELECT DISTINCT offer ->> 'service_code', intermediaries.credit_code
    FROM intermediaries, jsonb_array_elements(
        COALESCE(intermediaries.doc::jsonb -> 'services', '[]'::jsonb)) AS offer
    WHERE offer ->> 'service_code' IS NOT NULL;

-- The agencies stored before this schema have no link in the trail: they are listed here,
-- once, so that `govservice audit verify` counts them (not a break) until `govservice audit
-- attest` chains each of them once. An agency stored later without a link is a break.
CREATE TABLE unchained_before_9 (
    subject text COLLATE "C" PRIMARY KEY
);
INSERT INTO unchained_before_9 (subject)
    SELECT 'intermediary/' || credit_code FROM intermediaries;
