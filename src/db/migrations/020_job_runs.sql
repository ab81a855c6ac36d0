-- Several servers on one PostgreSQL database (issue 16): the jobs only one
-- server may run at a time, and a record of every run of the nightly job.
--
-- The reminders' lease (016) becomes the named lease of every such job
-- (store/ck_jobs): one row a job, held by one server until "until" (seconds
-- since 1970, UTC), renewed as it works, taken over by another once passed.
-- "scheduler" is the reminders', "nightly" the nightly recompute's.
ALTER TABLE "reminder_lease" RENAME TO "leases";
INSERT INTO "leases" ("name", "holder", "until") VALUES ('nightly', NULL, 0);

-- One row a run of a job (services/ck_nightly): which server ran it, for
-- which date, when, how far it got and whether it finished. The nightly
-- recompute writes a batch of cases per transaction and, after each, the
-- run's progress here: "after" is the CRN of the last case done, so a run
-- that stopped (the server killed) is completed from there by the next one
-- for the same date, on this server or another. Times are seconds since 1970
-- (UTC); "ended_at" is NULL while it runs or when the server died under it.
CREATE TABLE "job_runs" (
    "job" TEXT NOT NULL,
    "as_of" DATE NOT NULL,
    "server" TEXT NOT NULL,
    "started_at" BIGINT NOT NULL,
    "ended_at" BIGINT,
    "resumed_after" TEXT,          -- the CRN it started after (NULL: from the first case)
    "after" TEXT,                  -- the CRN of the last case done
    "cases_evaluated" BIGINT NOT NULL DEFAULT 0,
    "finished" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    PRIMARY KEY ("job", "as_of", "server", "started_at")
);
