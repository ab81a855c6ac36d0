-- One B-tree fewer over the obligations (issue 16): a national import spent
-- 456 s of its time building seven of them. The PDU worklist index now
-- carries the rule and team too, so the PDU dashboard's overdue counts by
-- rule and by team (store/ck_caseload.c) read it alone, one range of the
-- PDU's unmet rows, as the worklist's grouped count does (services/ck_cases):
-- "obligations_pdu_overdue", which held the same columns in another order,
-- goes.
DROP INDEX "obligations_pdu_overdue";
DROP INDEX "obligations_pdu";
CREATE INDEX "obligations_pdu" ON "obligations" ("pdu_code", "status", "severity", "due", "rule", "team_code");
