-- govservice schema 10 (PostgreSQL): the blacklists (issue 15), as SQLite schema 10. An
-- entry's penalty period (惩戒期) is penalty_from/penalty_until (were valid_from/
-- valid_until), its publication period (公示期) publish_from/publish_until; the other new
-- columns are taken from its document, for matching across sources. The documents stored
-- before are rewritten to the new fields, and these columns filled, by the data step of
-- this schema (govservice.store.migrations.steps), in the same transaction. Every write
-- of an entry is now a link of the trail (case_events, case_id "blacklist-entry/<id>").

ALTER TABLE blacklist_entries RENAME COLUMN valid_from TO penalty_from;
ALTER TABLE blacklist_entries RENAME COLUMN valid_until TO penalty_until;
ALTER TABLE blacklist_entries
    ADD COLUMN subject_kind text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN organisation_code text COLLATE "C",
    ADD COLUMN normalised_name text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN subject_region text COLLATE "C",
    ADD COLUMN source_kind text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN source_record_id text COLLATE "C",
    ADD COLUMN publish_from date,
    ADD COLUMN publish_until date,
    ADD COLUMN revoked_on date;
CREATE INDEX blacklist_organisation ON blacklist_entries (organisation_code);
CREATE INDEX blacklist_name ON blacklist_entries (normalised_name, subject_region);
CREATE INDEX blacklist_source ON blacklist_entries (source_kind, region, source_record_id);

-- The entries stored before this schema have no link in the trail: listed with the
-- agencies of schema 9, once, so that `govservice audit verify` counts them (not a break)
-- until `govservice audit attest` chains each of them once.
INSERT INTO unchained_before_9 (subject)
    SELECT 'blacklist-entry/' || id FROM blacklist_entries;
