/* ck_nightly: the nightly job for several servers on one database. Each
 * server's daily thread (http/ck_api) calls ck_nightly_run once a day; only
 * the server holding the "nightly" lease (store/ck_jobs) works, the others
 * skip and ask again later. Under the lease it recomputes every case's
 * obligations at the day's date when that is not done yet, a batch of cases
 * per transaction, recording after each batch how far it got in the run's
 * row of "job_runs"; then the caller's follow-up (the inspection snapshots)
 * runs, still under the lease. A server that dies mid-run leaves every
 * batch either written whole or not at all, and its lease lapses after
 * nightly_lease_s (config/rules.conf): the next run for that date, on any
 * server, goes on from the last case done (a pass over every case) or takes
 * the cases still due (a pass over the due ones). Each run is recorded in
 * job_runs (server, date, pass, cases evaluated and changed, start and end,
 * finished or not) and a
 * finished one in the audit log ("cases.recompute"). */
#ifndef CK_NIGHTLY_H
#define CK_NIGHTLY_H
#include "ck_cases.h"
#include "ck_inspection.h"
#include "ck_jobs.h"
#include "ck_rc.h"
#include <stdint.h>

#define CK_NIGHTLY_JOB "nightly" /* its lease's and its runs' name */

typedef struct ck_nightly_opts {
    const char *server; /* this server's name (ck_jobs_server_name) */
    int64_t now;        /* seconds since 1970 at the start: the lease's clock, run on by the monotonic clock */
    int64_t lease_s;    /* how long the lease lasts unrenewed (nightly_lease_s) */
    size_t batch;       /* cases per transaction */
    /* Called after each batch with the cases done by this run and the
     * number of cases; false stops the run (the server is stopping), which
     * then ends unfinished, to be completed by the next. NULL: never stops. */
    bool (*go_on)(void *ctx, size_t done, size_t total);
    /* Called under the lease as the recompute starts, with the date of the
     * last one (CK_NODATE: never) and whether it goes on from a run that
     * did not finish; NULL: nothing. */
    void (*starting)(void *ctx, ck_date last, bool resuming);
    /* Runs under the lease after the recompute, or alone when it was done
     * already; NULL: nothing. */
    ck_rc (*then)(void *ctx, ck_db *db, ck_date as_of, char *err, size_t err_len);
    void *ctx;
} ck_nightly_opts;

typedef enum ck_nightly_outcome {
    CK_NIGHTLY_BUSY,    /* another server holds the lease: nothing done */
    CK_NIGHTLY_DONE,    /* the recompute at as_of was done already; `then` ran */
    CK_NIGHTLY_RAN,     /* this call recomputed (the rest of) the cases; `then` ran */
} ck_nightly_outcome;

typedef struct ck_nightly_result {
    ck_nightly_outcome outcome;
    size_t evaluated, total;          /* cases evaluated by this run, cases in all */
    size_t changed;                   /* evaluated cases whose stored values changed */
    bool all;                         /* every case was evaluated, not only the due ones */
    bool resumed;                     /* a pass over every case going on from one that did not finish */
    char resumed_after[CK_JOB_CRN_MAX]; /* ... after this CRN ("" from the first case); a pass over
                                         * the due cases never resumes: it takes those still due */
} ck_nightly_result;

/* The nightly job at as_of on db (no transaction open). A failure of the
 * recompute or of `then` is returned with the run recorded as not finished
 * and the lease given back, so it can be tried again soon; CK_ERR_CONFLICT
 * when go_on stopped it or the lease was lost to another server mid-run
 * (this server stalled past nightly_lease_s). */
ck_rc ck_nightly_run(ck_db *db, const ck_engine *eng, ck_date as_of, const ck_nightly_opts *o, ck_nightly_result *out,
                     char *err, size_t err_len);

/* What follows the recompute each night, under the nightly lease, for the
 * server's job and `casekeeper recompute` alike: obligation.overdue events
 * for what became overdue since the last run (store/ck_events; once each),
 * the events older than events_keep_days (cfg) before `now` expired, then
 * the inspection snapshots of the last CK_INSPECTION_HISTORY_MONTHS months
 * of every PDU at as_of that the management pages read (ck_nightly_snapshots;
 * encode gives their stored text). Each part runs whatever the others did;
 * the first failure is returned, with its message in err and the counts of
 * what did run in *out. */
typedef struct ck_nightly_after_result {
    size_t overdue, expired, snapshots;
    double snapshots_s; /* wall seconds the snapshots took */
} ck_nightly_after_result;
ck_rc ck_nightly_after(ck_db *db, const ck_rules_config *cfg, ck_date as_of, int64_t now,
                       char *(*encode)(const ck_inspection *x), ck_nightly_after_result *out, char *err,
                       size_t err_len);
/* The snapshots alone, with the bands of the settings (ck_manage_cfg_load). */
ck_rc ck_nightly_snapshots(ck_db *db, const ck_rules_config *cfg, ck_date as_of,
                           char *(*encode)(const ck_inspection *x), size_t *written, char *err, size_t err_len);

#endif
