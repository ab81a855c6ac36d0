-- The nightly job costs what changed (issue 16). The record of a nightly run
-- says what it did: how many of the cases it evaluated changed, and which
-- pass it was. A pass over the due cases ('due') has no resume point: a case
-- it evaluated stores a next change after the date and is no longer due, so
-- a run after a stopped one simply takes the cases still due; only a pass
-- over every case ('all') resumes after a CRN ("resumed_after", "after").
ALTER TABLE "job_runs" ADD COLUMN "cases_changed" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "job_runs" ADD COLUMN "pass" TEXT;

-- The nightly obligation.overdue events (store/ck_events) read the unmet
-- obligations whose due date fell since the last run: one range of this
-- index, instead of a scan of every obligation. Partial, so it holds only
-- the unmet rows (a tenth of them), and costs an import little.
CREATE INDEX "obligations_unmet_due" ON "obligations" ("due") WHERE "status" = 'unmet';
