-- govservice schema 5: the indexes that count the running cases by due date (supervision's
-- due_counts) hold open cases only. PostgreSQL's were made so from the start (`WHERE open`,
-- schemas 1 and 2); SQLite's are made so by its schema 5. This one says so on them, so
-- that both dialects are at schema 5 with the same indexes.

COMMENT ON INDEX cases_open_due_region IS 'open cases only (WHERE open): supervision due counts';
COMMENT ON INDEX cases_open_due_department IS 'open cases only (WHERE open): supervision due counts';
COMMENT ON INDEX cases_open_due_station IS 'open cases only (WHERE open): supervision due counts';
