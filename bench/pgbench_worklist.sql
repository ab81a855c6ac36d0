-- pgbench script for bench/run.sh: the worklist API's page as plain SQL,
-- straight against PostgreSQL with no Casekeeper in between (the yardstick
-- for GET /api/v1/worklist?HOLDER=...&status=overdue,open&limit=50).
-- bench/run.sh (plain_sql_for) writes one copy per holder: the count, then
-- the page with @SEGMENTS@ replaced by the segment below once per (status,
-- severity), joined by UNION ALL, with @SEV@ and @DUE_FROM@/@DUE_TO@ filled
-- in, and @COL@ (staff_code, team_code or pdu_code), @HOLDER@ and @AS_OF@
-- replaced; pgbench picks a copy at random per transaction, as wrk rotates
-- over the same holders.
--
-- The same work as Casekeeper's and the same rows (bench/run.sh checks them
-- against the API for one holder of each kind): the total as one grouped
-- count over the holder's (status, severity, due) index range, then the
-- first 50 rows, read segment by segment as Casekeeper reads them, each
-- segment one index range: overdue (unmet, due before as_of) then open,
-- within each critical, high, normal, within each by due date, rule,
-- subject and CRN. UNION ALL runs its branches in order and the outer
-- LIMIT stops as soon as 50 rows are out, so a later segment is only read
-- when the earlier ones held fewer than 50 rows. (Until 2026-12-07 the page
-- sorted every open row of the holder by an expression, which for a PDU is
-- thousands of rows: an unfair yardstick, 33 ms against Casekeeper's 5.)
SELECT "status", "severity", CASE WHEN "due" < '@AS_OF@' THEN 1 ELSE 0 END, COUNT(*)
  FROM "obligations" WHERE "@COL@" = '@HOLDER@' AND "status" = 'unmet' GROUP BY 1, 2, 3;
-- page
SELECT * FROM (
@SEGMENTS@
) "page" LIMIT 50;
-- the segment template (overdue: due from 0001-01-01 to before as_of; open: from as_of to before 9999-12-31)
--  (SELECT o."rule", o."subject", o."due", o."met_on", o."explanation", o."staff_code", o."team_code",
--          c."crn", c."person_forename", c."person_surname"
--     FROM "obligations" o JOIN "cases" c ON c."case_id" = o."case_id"
--    WHERE o."@COL@" = '@HOLDER@' AND o."status" = 'unmet' AND o."severity" = @SEV@
--      AND o."due" >= '@DUE_FROM@' AND o."due" < '@DUE_TO@'
--    ORDER BY o."due", o."rule", o."subject", c."crn" LIMIT 50)
