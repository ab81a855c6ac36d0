-- pgbench script for bench/run.sh: the worklist API's page as plain SQL,
-- straight against PostgreSQL with no Casekeeper in between (the yardstick
-- for GET /api/v1/worklist?HOLDER=...&status=overdue,open&limit=50).
-- bench/run.sh writes one copy per holder, replacing @COL@ (staff_code,
-- team_code or pdu_code), @HOLDER@ and @AS_OF@; pgbench picks a copy at
-- random per transaction, as wrk rotates over the same holders. The same
-- rows as the API: the total of open and overdue obligations, then the
-- first 50, overdue before open, critical first, by due date, rule, subject
-- and CRN, with the case's names.
SELECT COUNT(*) FROM "obligations" WHERE "@COL@" = '@HOLDER@' AND "status" = 'unmet';
SELECT o."rule", o."subject", o."due", o."met_on", o."explanation", o."staff_code", o."team_code",
       c."crn", c."person_forename", c."person_surname"
  FROM "obligations" o JOIN "cases" c ON c."case_id" = o."case_id"
 WHERE o."@COL@" = '@HOLDER@' AND o."status" = 'unmet'
 ORDER BY o."due" >= '@AS_OF@', o."severity", o."due", o."rule", o."subject", c."crn"
 LIMIT 50;
