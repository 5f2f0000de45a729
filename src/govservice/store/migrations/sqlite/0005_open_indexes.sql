-- govservice schema 5: the indexes that count the running cases by due date (supervision's
-- due_counts, whose condition is `open = 1`) hold open cases only, as PostgreSQL's do
-- (`WHERE open`). Most cases of a centre are closed; a closed case is no longer written into
-- them, and a case that closes leaves them.

DROP INDEX cases_open_due_region;
DROP INDEX cases_open_due_department;
DROP INDEX cases_open_due_station;
CREATE INDEX cases_open_due_region ON cases (open, promised_due, region) WHERE open = 1;
CREATE INDEX cases_open_due_department ON cases (open, promised_due, department) WHERE open = 1;
CREATE INDEX cases_open_due_station ON cases (open, promised_due, station_code) WHERE open = 1;
