/* ck_jobs: what lets several servers share one database for the jobs only
 * one of them may run at a time (src/db/migrations/020_job_runs.sql): named
 * leases ("scheduler" for the reminders, "nightly" for the nightly
 * recompute) and the record of each run of a job. What a job does, and when
 * it takes its lease, is its service's to decide; this only reads and
 * writes rows. Every function runs in the caller's transaction, if any. */
#ifndef CK_JOBS_H
#define CK_JOBS_H
#include "ck_date.h"
#include "ck_db.h"
#include "ck_rc.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CK_JOB_NAME_MAX 96 /* a server's name with its NUL */
#define CK_JOB_CRN_MAX 64  /* a CRN with its NUL */

/* This process's name as a lease holder and in the record of its runs:
 * "host:pid:random", unique to the process even when two servers share a
 * host and a pid namespace is reused. */
void ck_jobs_server_name(char *out, size_t out_len);

/* Takes or renews lease `name` for holder until `until`: *held is true when
 * holder has it now (it was free, had expired at now, or was holder's
 * already). One UPDATE, so two servers asking at once cannot both get it.
 * CK_ERR_NOTFOUND when no lease has that name. */
ck_rc ck_jobs_lease(ck_db *db, const char *name, const char *holder, int64_t now, int64_t until, bool *held,
                    char *err, size_t err_len);
/* Who holds lease `name` and until when (seconds since 1970), for telling a
 * second runner whom it waits for: holder "" when nobody does.
 * CK_ERR_NOTFOUND when no lease has that name. */
ck_rc ck_jobs_lease_holder(ck_db *db, const char *name, char *holder, size_t holder_len, int64_t *until, char *err,
                           size_t err_len);
/* Gives lease `name` back when holder has it (so another need not wait for
 * it to expire); nothing when it does not. */
ck_rc ck_jobs_release(ck_db *db, const char *name, const char *holder, char *err, size_t err_len);

/* One run of a job, keyed by (job, as_of, server, started_at). */
typedef struct ck_job_run {
    char job[32];
    ck_date as_of;
    char server[CK_JOB_NAME_MAX];
    int64_t started_at, ended_at; /* ended_at 0: running, or its server died */
    char resumed_after[CK_JOB_CRN_MAX], after[CK_JOB_CRN_MAX]; /* "" for none */
    int64_t cases_evaluated;
    int64_t cases_changed; /* of those, the cases whose stored values changed */
    char pass[8];          /* "all": every case, resumable after a CRN; "due": the due cases, no resume point; "" unknown */
    bool finished;
    char error[256];
} ck_job_run;

/* Records run r as started (its key, pass and resumed_after; the rest as new). */
ck_rc ck_jobs_run_start(ck_db *db, const ck_job_run *r, char *err, size_t err_len);
/* Records r as it stands: its progress (after, cases_evaluated, cases_changed) while it
 * runs (ended_at 0), then its end, finished or not with r->error. */
ck_rc ck_jobs_run_save(ck_db *db, const ck_job_run *r, char *err, size_t err_len);
/* The CRN after which the unfinished passes over every case ("all") of job
 * at as_of got furthest, in out ("" when none got past the start or there is
 * none); *found says whether there is one. A pass over the due cases leaves
 * no point to resume from. */
ck_rc ck_jobs_resume_point(ck_db *db, const char *job, ck_date as_of, char *out, size_t out_len, bool *found,
                           char *err, size_t err_len);
/* Up to max runs of job, newest first (started_at, then server), into out;
 * *n how many. */
ck_rc ck_jobs_runs(ck_db *db, const char *job, ck_job_run *out, size_t max, size_t *n, char *err, size_t err_len);

#endif
