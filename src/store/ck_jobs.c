#include "ck_jobs.h"
#include "ck_txn.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void copy(char *dst, size_t n, const char *s) { snprintf(dst, n, "%s", s ? s : ""); }

void ck_jobs_server_name(char *out, size_t out_len)
{
    char host[64] = "";
    if (gethostname(host, sizeof host - 1) != 0) copy(host, sizeof host, "unknown");
    unsigned char nonce[6];
    char hex[13];
    randombytes_buf(nonce, sizeof nonce);
    sodium_bin2hex(hex, sizeof hex, nonce, sizeof nonce);
    snprintf(out, out_len, "%s:%ld:%s", host, (long)getpid(), hex);
}

ck_rc ck_jobs_lease(ck_db *db, const char *name, const char *holder, int64_t now, int64_t until, bool *held,
                    char *err, size_t err_len)
{
    *held = false;
    ck_stmt *st = ck_txn_prepare(db,
                                 "UPDATE \"leases\" SET \"holder\" = $2, \"until\" = $3 WHERE \"name\" = $1 "
                                 "AND (\"holder\" = $2 OR \"holder\" IS NULL OR \"until\" < $4)",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, name);
    ck_stmt_bind_text(st, 2, holder);
    ck_stmt_bind_int(st, 3, until);
    ck_stmt_bind_int(st, 4, now);
    ck_rc rc = ck_txn_exec(db, st, "lease", err, err_len);
    if (rc != CK_OK) return rc;
    if (ck_db_changes(db) == 1) {
        *held = true;
        return CK_OK;
    }
    /* Held by another, or no such lease: a misspelt name must not read as
     * "someone else is on it" for ever. */
    st = ck_txn_prepare(db, "SELECT 1 FROM \"leases\" WHERE \"name\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, name);
    int s = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (s == CK_DB_ROW) return CK_OK;
    if (s == CK_DB_DONE) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "lease: no lease is named \"%s\"", name);
    return ck_txn_db_fail(db, "lease", err, err_len);
}

ck_rc ck_jobs_lease_holder(ck_db *db, const char *name, char *holder, size_t holder_len, int64_t *until, char *err,
                           size_t err_len)
{
    copy(holder, holder_len, "");
    *until = 0;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"holder\", \"until\" FROM \"leases\" WHERE \"name\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, name);
    ck_rc rc = CK_OK;
    bool found = ck_txn_next(db, st, "lease", &rc, err, err_len);
    if (found) {
        copy(holder, holder_len, ck_stmt_null(st, 0) ? "" : ck_stmt_text(st, 0));
        *until = ck_stmt_int(st, 1);
    }
    ck_stmt_reset(st);
    if (rc == CK_OK && !found) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "lease: no lease is named \"%s\"", name);
    return rc;
}

ck_rc ck_jobs_release(ck_db *db, const char *name, const char *holder, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(
        db, "UPDATE \"leases\" SET \"holder\" = NULL, \"until\" = 0 WHERE \"name\" = $1 AND \"holder\" = $2", err,
        err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, name);
    ck_stmt_bind_text(st, 2, holder);
    return ck_txn_exec(db, st, "lease release", err, err_len);
}

static void bind_key(ck_stmt *st, const ck_job_run *r)
{
    ck_stmt_bind_text(st, 1, r->job);
    ck_stmt_bind_date(st, 2, r->as_of);
    ck_stmt_bind_text(st, 3, r->server);
    ck_stmt_bind_int(st, 4, r->started_at);
}

static const char *or_null(const char *s) { return s && *s ? s : NULL; }

ck_rc ck_jobs_run_start(ck_db *db, const ck_job_run *r, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db,
                                 "INSERT INTO \"job_runs\" (\"job\", \"as_of\", \"server\", \"started_at\", "
                                 "\"resumed_after\", \"after\", \"pass\") VALUES ($1, $2, $3, $4, $5, $5, $6)",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    bind_key(st, r);
    ck_stmt_bind_text(st, 5, or_null(r->resumed_after));
    ck_stmt_bind_text(st, 6, or_null(r->pass));
    return ck_txn_exec(db, st, "job run", err, err_len);
}

ck_rc ck_jobs_run_save(ck_db *db, const ck_job_run *r, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db,
                                 "UPDATE \"job_runs\" SET \"after\" = $5, \"cases_evaluated\" = $6, \"ended_at\" = $7, "
                                 "\"finished\" = $8, \"error\" = $9, \"cases_changed\" = $10, \"pass\" = $11 WHERE \"job\" = $1 AND \"as_of\" = $2 "
                                 "AND \"server\" = $3 AND \"started_at\" = $4",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    bind_key(st, r);
    ck_stmt_bind_text(st, 5, or_null(r->after));
    ck_stmt_bind_int(st, 6, r->cases_evaluated);
    if (r->ended_at) ck_stmt_bind_int(st, 7, r->ended_at);
    else ck_stmt_bind_null(st, 7);
    ck_stmt_bind_int(st, 8, r->finished ? 1 : 0);
    ck_stmt_bind_text(st, 9, r->finished ? NULL : or_null(r->error));
    ck_stmt_bind_int(st, 10, r->cases_changed);
    ck_stmt_bind_text(st, 11, or_null(r->pass));
    return ck_txn_exec(db, st, "job run", err, err_len);
}

ck_rc ck_jobs_resume_point(ck_db *db, const char *job, ck_date as_of, char *out, size_t out_len, bool *found,
                           char *err, size_t err_len)
{
    *found = false;
    copy(out, out_len, "");
    /* Each run that resumes starts where the one before it stopped, so the
     * newest unfinished run got furthest (its own point, else the one it
     * started from when it died before its first batch). */
    ck_stmt *st = ck_txn_prepare(db,
                                 "SELECT COALESCE(\"after\", \"resumed_after\") FROM \"job_runs\" WHERE \"job\" = $1 "
                                 "AND \"as_of\" = $2 AND \"finished\" = 0 AND COALESCE(\"pass\", 'all') = 'all' ORDER BY \"started_at\" DESC, \"server\" DESC "
                                 "LIMIT 1",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, job);
    ck_stmt_bind_date(st, 2, as_of);
    ck_rc rc = CK_OK;
    if (ck_txn_next(db, st, "job runs", &rc, err, err_len)) {
        *found = true;
        copy(out, out_len, ck_stmt_text(st, 0));
    }
    ck_stmt_reset(st);
    return rc;
}

ck_rc ck_jobs_runs(ck_db *db, const char *job, ck_job_run *out, size_t max, size_t *n, char *err, size_t err_len)
{
    *n = 0;
    ck_stmt *st = ck_txn_prepare(db,
                                 "SELECT \"as_of\", \"server\", \"started_at\", \"ended_at\", \"resumed_after\", "
                                 "\"after\", \"cases_evaluated\", \"finished\", \"error\", \"cases_changed\", \"pass\" FROM \"job_runs\" "
                                 "WHERE \"job\" = $1 ORDER BY \"started_at\" DESC, \"server\" DESC LIMIT $2",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, job);
    ck_stmt_bind_int(st, 2, (int64_t)max);
    ck_rc rc = CK_OK;
    while (*n < max && ck_txn_next(db, st, "job runs", &rc, err, err_len)) {
        ck_job_run *r = &out[(*n)++];
        memset(r, 0, sizeof *r);
        copy(r->job, sizeof r->job, job);
        r->as_of = ck_stmt_date(st, 0);
        copy(r->server, sizeof r->server, ck_stmt_text(st, 1));
        r->started_at = ck_stmt_int(st, 2);
        r->ended_at = ck_stmt_int(st, 3);
        copy(r->resumed_after, sizeof r->resumed_after, ck_stmt_text(st, 4));
        copy(r->after, sizeof r->after, ck_stmt_text(st, 5));
        r->cases_evaluated = ck_stmt_int(st, 6);
        r->finished = ck_stmt_int(st, 7) != 0;
        copy(r->error, sizeof r->error, ck_stmt_text(st, 8));
        r->cases_changed = ck_stmt_int(st, 9);
        copy(r->pass, sizeof r->pass, ck_stmt_text(st, 10));
    }
    ck_stmt_reset(st);
    return rc;
}
