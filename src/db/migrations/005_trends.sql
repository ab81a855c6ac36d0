-- The PDU dashboard's month-by-month trend (store/ck_caseload.c,
-- ck_caseload_trend): what was overdue at each month's end, from when each
-- obligation fell due and was met, and the timeliness of the obligations
-- due in each month, by rule. Both read from this index alone: without it
-- every obligation of the PDU was read from the table (bench/web_pages.sh:
-- 0.44 s a request for a PDU of 2,576 cases, 0.29 s of it the first query).
CREATE INDEX "obligations_pdu_due" ON "obligations" ("pdu_code", "due", "met_on", "rule", "status");
