-- What the caseload, team, court, victim liaison and PDU pages read
-- (store/ck_caseload.c), so each request's work follows what the page shows.

-- The tier (core/ck_tier) needs the whole case, so it is derived on every
-- write and by the daily recompute, like the holder columns, and stored with
-- the date it was computed at.
ALTER TABLE "cases" ADD COLUMN "tier" TEXT;
ALTER TABLE "cases" ADD COLUMN "tier_as_of" DATE;

-- Team caseloads count cases per staff member from the index alone.
CREATE INDEX "cases_team_staff" ON "cases" ("team_code", "staff_code");

-- "Last seen" and "next appointment" of one case: the newest or oldest
-- contact from a date, one index step instead of the whole history.
CREATE INDEX "contacts_case_date" ON "contacts" ("case_id", "date");

-- One rule's obligations in a PDU (victim liaison, timeliness rates), read
-- from the index alone.
CREATE INDEX "obligations_pdu_rule" ON "obligations" ("pdu_code", "rule", "status", "due");
-- The PDU dashboard's overdue counts by rule and by team, from the index
-- alone (bench/web_pages.sh measured 0.8 s a request for a PDU of 2,576
-- cases without it: every overdue row was read from the table).
CREATE INDEX "obligations_pdu_overdue" ON "obligations" ("pdu_code", "status", "due", "rule", "team_code");

-- Every stored tier is missing until the next recompute: forget the last
-- recompute date so the server recomputes every case when it next starts.
DELETE FROM "meta" WHERE "key" = 'obligations_as_of';
