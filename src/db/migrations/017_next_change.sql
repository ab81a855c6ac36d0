-- Incremental recompute (issue 16): each case keeps the next date on which
-- what its evaluation stores (obligations, failures to comply, holder, tier
-- and workload profile) can change other than by a due date passing
-- (core/ck_horizon). Every case write and every evaluation stores it; the
-- nightly job and `casekeeper recompute` evaluate only the cases whose date
-- has come: one index range, "next_change" <= the date.
--
-- Cases stored before this, and any row a writer leaves without one, get
-- the earliest date, so the next recompute evaluates them: never later than
-- needed, only sooner.
ALTER TABLE "cases" ADD COLUMN "next_change" DATE NOT NULL DEFAULT '0001-01-01';
CREATE INDEX "cases_next_change" ON "cases" ("next_change");
