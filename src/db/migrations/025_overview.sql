-- The case overview's appointments without an outcome (store/ck_overview),
-- read from this index instead of every contact of the case (issue 16,
-- point 5): a case with years of history has thousands of contacts, and only
-- a few appointments wait for an outcome. Partial, so it stays small: an
-- appointment leaves it when its outcome is recorded.
CREATE INDEX "contacts_no_outcome" ON "contacts" ("case_id", "date") WHERE "appointment" = 1 AND "outcome" IS NULL;
-- The hours worked towards an unpaid work requirement, summed from this
-- covering index of the sessions that carry hours, not from every contact.
CREATE INDEX "contacts_hours" ON "contacts" ("case_id", "event", "date", "type", "hours") WHERE "hours" IS NOT NULL;
