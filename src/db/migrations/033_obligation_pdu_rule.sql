-- One B-tree fewer over the obligations (issue 16): each costs every import
-- a scan and a sort of every obligation (2.5 s of CPU at London for either
-- PDU index below, bench/RESULTS.md "Import on SQLite at London") and every
-- write of an obligation an entry. The PDU's rule index now carries "met_on"
-- too and serves what "obligations_pdu_due" (migration 005) did, read from
-- the index alone (store/ck_caseload.c):
--   * the trend's overdue at each month's end: the PDU's rows other than
--     met on time, counted by (rule, status, due, met_on), the index's order;
--   * the trend's timeliness by month: one range of (pdu, rule) per rule,
--     the due dates within it, no sort (before: every rule's rows in the
--     year, then a sort);
--   * the drill-down's "due in a month" and "overdue at a date" pages and the
--     region's and the statistics' counts by rule, as before by rule.
-- The PDU worklist index ("obligations_pdu") keeps the worklist, its counts
-- and the dashboard's overdue counts by rule and team.
DROP INDEX "obligations_pdu_due";
DROP INDEX "obligations_pdu_rule";
CREATE INDEX "obligations_pdu_rule" ON "obligations" ("pdu_code", "rule", "status", "due", "met_on");
