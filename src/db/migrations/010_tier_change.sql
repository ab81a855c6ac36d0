-- The last change of a case's stored tier (issue 13, "Needs your attention":
-- "a changed tier"). Whatever writes "tier" (store/ck_caseload on a case
-- write, store/ck_store's batch update on recompute and import) keeps the
-- tier it replaces and the date of the change in the same statement, so My
-- work can list the changes of a whole caseload without recomputing any tier.
-- Tiers stored before this have no known change: both start NULL.
ALTER TABLE "cases" ADD COLUMN "tier_previous" TEXT;
ALTER TABLE "cases" ADD COLUMN "tier_changed_on" DATE;

-- A holder's recent changes, from the index.
CREATE INDEX "cases_staff_tier_changed" ON "cases" ("staff_code", "tier_changed_on");
