#include "ck_nightly.h"
#include "ck_audit.h"
#include "ck_txn.h"
#include "ck_events.h"
#include "ck_workforce.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct run {
    ck_db *db;
    const ck_nightly_opts *o;
    struct timespec started;
    ck_job_run rec;
    bool lost; /* the lease went to another server mid-run */
    size_t changed; /* cases whose stored values changed (the audit record) */
    const ck_recompute_stats *st; /* the pass's counts so far, for each batch's progress record */
    char err[256];
} run;

/* The lease's clock: the caller's instant, run on by the monotonic clock
 * (so a test's fixed instant stays meaningful, and a jump of the wall clock
 * does not shorten or stretch a lease). */
static int64_t run_now(const run *r)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return r->o->now + (int64_t)(t.tv_sec - r->started.tv_sec);
}

static ck_rc take_lease(ck_db *db, const ck_nightly_opts *o, int64_t now, bool *held, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, ck_jobs_lease(db, CK_NIGHTLY_JOB, o->server, now, now + o->lease_s, held, err, err_len),
                         err, err_len);
}

static void give_back(ck_db *db, const ck_nightly_opts *o)
{
    char err[256];
    /* When this fails the lease lapses on its own after lease_s. */
    if (ck_txn_begin_write(db, err, sizeof err) == CK_OK)
        ck_txn_finish(db, ck_jobs_release(db, CK_NIGHTLY_JOB, o->server, err, sizeof err), err, sizeof err);
}

/* After each batch has committed: the lease renewed and the run's progress
 * recorded, in one transaction; false stops the recompute. */
static bool on_batch(void *ctx, size_t done, size_t total, const char *last_crn)
{
    run *r = ctx;
    r->rec.cases_evaluated = (int64_t)done;
    /* So a run killed mid-way still says how many it changed. */
    if (r->st) r->rec.cases_changed = (int64_t)r->st->changed;
    if (last_crn) snprintf(r->rec.after, sizeof r->rec.after, "%s", last_crn); /* a pass over every case */
    int64_t now = run_now(r);
    bool held = false;
    ck_rc rc = ck_txn_begin_write(r->db, r->err, sizeof r->err);
    if (rc == CK_OK) {
        rc = ck_jobs_lease(r->db, CK_NIGHTLY_JOB, r->o->server, now, now + r->o->lease_s, &held, r->err, sizeof r->err);
        /* Progress is recorded only while the lease is ours: a server that
         * lost it must not move the point another server resumes from. */
        if (rc == CK_OK && held) rc = ck_jobs_run_save(r->db, &r->rec, r->err, sizeof r->err);
        rc = ck_txn_finish(r->db, rc, r->err, sizeof r->err);
    }
    if (rc != CK_OK) return false;
    if (!held) {
        r->lost = true;
        return false;
    }
    return r->o->go_on ? r->o->go_on(r->o->ctx, done, total) : true;
}

/* Ends the run's record: finished with its audit entry, or not with why. */
static ck_rc end_run(run *r, bool finished, const char *why, char *err, size_t err_len)
{
    r->rec.ended_at = run_now(r);
    r->rec.finished = finished;
    snprintf(r->rec.error, sizeof r->rec.error, "%s", finished ? "" : why);
    ck_rc rc = ck_txn_begin_write(r->db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_jobs_run_save(r->db, &r->rec, err, err_len);
    if (rc == CK_OK && finished) {
        char d[CK_DATE_STRLEN], detail[256];
        snprintf(detail, sizeof detail, "as_of=%s cases=%lld changed=%zu pass=%s server=%s resumed_after=%s",
                 ck_date_fmt(r->rec.as_of, d), (long long)r->rec.cases_evaluated, r->changed, r->rec.pass,
                 r->rec.server,
                 r->rec.resumed_after[0] ? r->rec.resumed_after : "-");
        ck_principal by;
        ck_principal_system(&by, "server:nightly");
        rc = ck_audit_append(r->db, &by, "cases.recompute", NULL, NULL, detail, err, err_len);
    }
    return ck_txn_finish(r->db, rc, err, err_len);
}

/* The recompute at as_of under the lease, from where an unfinished run for
 * that date stopped. */
static ck_rc recompute(ck_db *db, const ck_engine *eng, ck_date as_of, ck_date last, const ck_nightly_opts *o,
                       ck_nightly_result *out, char *err, size_t err_len)
{
    run r = {.db = db, .o = o};
    clock_gettime(CLOCK_MONOTONIC, &r.started);
    /* The pass decided first, so its record says what it is: only a pass
     * over every case resumes after a CRN; one over the due cases has no
     * such point (a case it evaluated is no longer due). */
    bool all = true;
    ck_rc rc = ck_cases_recompute_needs_all(db, eng, as_of, &all, err, err_len);
    if (rc != CK_OK) return rc;
    char after[CK_JOB_CRN_MAX] = "";
    bool found = false;
    if (all) rc = ck_jobs_resume_point(db, CK_NIGHTLY_JOB, as_of, after, sizeof after, &found, err, err_len);
    if (rc != CK_OK) return rc;
    out->resumed = found;
    if (o->starting) o->starting(o->ctx, last, found);
    snprintf(out->resumed_after, sizeof out->resumed_after, "%s", after);
    snprintf(r.rec.job, sizeof r.rec.job, "%s", CK_NIGHTLY_JOB);
    snprintf(r.rec.server, sizeof r.rec.server, "%s", o->server);
    snprintf(r.rec.resumed_after, sizeof r.rec.resumed_after, "%s", after);
    snprintf(r.rec.after, sizeof r.rec.after, "%s", after);
    snprintf(r.rec.pass, sizeof r.rec.pass, "%s", all ? "all" : "due");
    r.rec.as_of = as_of;
    r.rec.started_at = o->now;
    if ((rc = ck_txn_begin_write(db, err, err_len)) != CK_OK) return rc;
    if ((rc = ck_txn_finish(db, ck_jobs_run_start(db, &r.rec, err, err_len), err, err_len)) != CK_OK) return rc;

    /* Only the due cases, unless what the stored values rest on changed
     * (ck_cases_recompute). */
    ck_recompute_stats st = {0};
    r.st = &st;
    rc = ck_cases_recompute(db, eng, as_of, all, o->batch, all ? after : NULL, on_batch, &r, &st, err, err_len);
    out->changed = r.changed = st.changed;
    out->all = st.all;
    r.rec.cases_changed = (int64_t)st.changed;
    /* The basis changed between the decision and the pass: it went over
     * every case, from the first. */
    if (st.all && !all) snprintf(r.rec.pass, sizeof r.rec.pass, "all");
    if (rc == CK_ERR_CONFLICT && r.err[0]) snprintf(err, err_len, "%s", r.err); /* the lease's own failure */
    if (rc == CK_ERR_CONFLICT && r.lost) snprintf(err, err_len, "the nightly lease went to another server mid-run");
    out->evaluated = (size_t)r.rec.cases_evaluated;
    if (ck_cases_count(db, &out->total, r.err, sizeof r.err) != CK_OK) out->total = out->evaluated;
    if (r.lost) return rc; /* the run's row is another server's to complete */
    char end_err[256];
    ck_rc end = end_run(&r, rc == CK_OK, rc == CK_OK ? "" : err, end_err, sizeof end_err);
    if (rc != CK_OK) return rc;
    if (end != CK_OK) snprintf(err, err_len, "%s", end_err);
    return end;
}

ck_rc ck_nightly_run(ck_db *db, const ck_engine *eng, ck_date as_of, const ck_nightly_opts *o, ck_nightly_result *out,
                     char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    out->outcome = CK_NIGHTLY_BUSY;
    bool held = false;
    ck_rc rc = take_lease(db, o, o->now, &held, err, err_len);
    if (rc != CK_OK || !held) return rc;
    /* Under the lease, so no other server is between reading this date and
     * recording a later one. */
    ck_date last = CK_NODATE;
    rc = ck_cases_recomputed_on(db, &last, err, err_len);
    if (rc == CK_ERR_NOTFOUND) rc = CK_OK; /* never recomputed: last stays CK_NODATE */
    out->outcome = CK_NIGHTLY_DONE;
    if (rc == CK_OK && (last == CK_NODATE || last < as_of)) {
        out->outcome = CK_NIGHTLY_RAN;
        rc = recompute(db, eng, as_of, last, o, out, err, err_len);
    }
    if (rc == CK_OK && o->then) rc = o->then(o->ctx, db, as_of, err, err_len);
    give_back(db, o);
    return rc;
}

ck_rc ck_nightly_snapshots(ck_db *db, const ck_rules_config *cfg, ck_date as_of,
                           char *(*encode)(const ck_inspection *x), size_t *written, char *err, size_t err_len)
{
    *written = 0;
    ck_manage_cfg mc;
    ck_rc rc = ck_manage_cfg_load(db, &mc, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_inspection_snapshots_refresh(db, cfg, &mc.bands, CK_INSPECTION_HISTORY_MONTHS, as_of, encode, written,
                                           err, err_len);
}

ck_rc ck_nightly_after(ck_db *db, const ck_rules_config *cfg, ck_date as_of, int64_t now,
                       char *(*encode)(const ck_inspection *x), ck_nightly_after_result *out, char *err,
                       size_t err_len)
{
    memset(out, 0, sizeof *out);
    char part_err[1024] = "";
    ck_rc first = ck_events_overdue(db, as_of, &out->overdue, part_err, sizeof part_err);
    if (first != CK_OK) snprintf(err, err_len, "overdue events: %s", part_err);
    int64_t before = now - (int64_t)cfg->events_keep_days * 86400;
    ck_rc rc = ck_events_expire(db, before, CK_EVENTS_EXPIRE_BATCH, &out->expired, part_err, sizeof part_err);
    if (rc != CK_OK && first == CK_OK) {
        snprintf(err, err_len, "expiring events: %s", part_err);
        first = rc;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = ck_nightly_snapshots(db, cfg, as_of, encode, &out->snapshots, part_err, sizeof part_err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->snapshots_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc != CK_OK && first == CK_OK) {
        snprintf(err, err_len, "inspection snapshots: %s", part_err);
        first = rc;
    }
    return first;
}
