/* The nightly job for several servers on one database (services/ck_nightly,
 * store/ck_jobs), on SQLite and PostgreSQL: two servers at once, one runs
 * and the other skips; a server killed mid-run (a child process sent
 * SIGKILL) leaves whole batches and its progress, and another server
 * completes the day from there once its lease has lapsed, with the same
 * obligations as a recompute that was never interrupted; a server stopping
 * between batches gives its lease back; each run is recorded. Lease times
 * are fixed instants, never the wall clock's. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_audit.h"
#include "ck_bundle.h"
#include "ck_buf.h"
#include "ck_cases.h"
#include "ck_jobs.h"
#include "ck_nightly.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#define EXAMPLE "tests/data/bundle_example.json"
#define N_CASES 7
#define BATCH 2
#define LEASE_S 120
#define T0 ((int64_t)1773100800) /* 00:00 UTC on 10 March 2026 */
#define CREATED "2026-03-09"
#define AS_OF "2026-03-10"

/* N_CASES copies of the example case, X100001 onwards, written at CREATED. */
static void add_cases(ck_db *db, const ck_engine *eng)
{
    size_t len;
    char *text = ck_test_slurp(EXAMPLE, &len), err[1024];
    for (int i = 1; i <= N_CASES; i++) {
        ck_case *c = ck_bundle_parse(text, len, err, sizeof err);
        if (!c) fail_msg("%s", err);
        char crn[16];
        snprintf(crn, sizeof crn, "X1%05d", i);
        c->crn = crn;
        if (ck_cases_create(db, eng, c, ck_test_date(CREATED), err, sizeof err) != CK_OK) fail_msg("%s: %s", crn, err);
        ck_case_free(c);
    }
    free(text);
}

static ck_nightly_opts opts(const char *server, int64_t now)
{
    return (ck_nightly_opts){.server = server, .now = now, .lease_s = LEASE_S, .batch = BATCH};
}

static size_t runs(ck_db *db, ck_job_run *out, size_t max)
{
    size_t n = 0;
    char err[512];
    if (ck_jobs_runs(db, CK_NIGHTLY_JOB, out, max, &n, err, sizeof err) != CK_OK) fail_msg("%s", err);
    return n;
}

static int64_t count(ck_db *db, const char *sql)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("%s: %s", sql, ck_db_errmsg(db));
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

static int64_t recompute_entries(ck_db *db)
{
    return count(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" = 'cases.recompute'");
}

static ck_date recomputed_on(ck_db *db)
{
    ck_date d = CK_NODATE;
    char err[512];
    ck_rc rc = ck_cases_recomputed_on(db, &d, err, sizeof err);
    if (rc != CK_OK && rc != CK_ERR_NOTFOUND) fail_msg("%s", err);
    return d; /* CK_NODATE: never recomputed */
}

/* Every stored obligation with its case's CRN, in one order: what two
 * databases holding the same cases must agree on. */
static char *obligations_dump(ck_db *db)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT c.\"crn\", o.\"rule\", o.\"subject\", o.\"due\", o.\"met_on\", o.\"status\", "
                                    "o.\"severity\" FROM \"obligations\" o JOIN \"cases\" c ON c.\"case_id\" = o.\"case_id\" "
                                    "ORDER BY 1, 2, 3, 4");
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    ck_buf b = CK_BUF_INIT;
    while (ck_stmt_step(st) == CK_DB_ROW)
        for (int i = 0; i < 7; i++) {
            const char *v = ck_stmt_text(st, i);
            ck_buf_printf(&b, "%s%c", v ? v : "-", i == 6 ? '\n' : '|');
        }
    ck_stmt_reset(st);
    return ck_buf_steal(&b);
}

/* ---- Two servers at once -------------------------------------------------------- */

typedef struct race {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int returned; /* servers whose ck_nightly_run has returned */
} race;

typedef struct server {
    race *race;
    const char *url, *name;
    const ck_engine *eng;
    ck_rc rc;
    ck_nightly_result res;
    char err[512];
} server;

/* The running server holds on after its first batch until the other
 * server's call has returned: the two certainly overlap. */
static bool wait_for_other(void *ctx, size_t done, size_t total)
{
    (void)total;
    server *s = ctx;
    if (done != BATCH) return true;
    pthread_mutex_lock(&s->race->mu);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60; /* a bound on a broken run, not a measurement */
    while (s->race->returned == 0 && pthread_cond_timedwait(&s->race->cv, &s->race->mu, &until) == 0) {
    }
    pthread_mutex_unlock(&s->race->mu);
    return true;
}

static void *server_main(void *arg)
{
    server *s = arg;
    ck_db *db = ck_db_open(s->url, s->err, sizeof s->err);
    if (!db) {
        s->rc = CK_ERR_DB;
    } else {
        ck_nightly_opts o = opts(s->name, T0);
        o.go_on = wait_for_other;
        o.ctx = s;
        s->rc = ck_nightly_run(db, s->eng, ck_test_date(AS_OF), &o, &s->res, s->err, sizeof s->err);
        ck_db_close(db);
    }
    pthread_mutex_lock(&s->race->mu);
    s->race->returned++;
    pthread_cond_broadcast(&s->race->cv);
    pthread_mutex_unlock(&s->race->mu);
    return NULL;
}

static void two_servers_at_once_one_runs(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    add_cases(db, &eng);
    race r = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    server s[2] = {{&r, ck_test_db_url(state, 0), "server-a", &eng, CK_OK, {0}, ""},
                   {&r, ck_test_db_url(state, 0), "server-b", &eng, CK_OK, {0}, ""}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&t[i], NULL, server_main, &s[i]), 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++)
        if (s[i].rc != CK_OK) fail_msg("%s: %s", s[i].name, s[i].err);
    int ran = (s[0].res.outcome == CK_NIGHTLY_RAN) + (s[1].res.outcome == CK_NIGHTLY_RAN);
    int busy = (s[0].res.outcome == CK_NIGHTLY_BUSY) + (s[1].res.outcome == CK_NIGHTLY_BUSY);
    assert_int_equal(ran, 1);
    assert_int_equal(busy, 1);
    const server *runner = s[0].res.outcome == CK_NIGHTLY_RAN ? &s[0] : &s[1];
    assert_int_equal(runner->res.evaluated, N_CASES);
    assert_false(runner->res.resumed);

    ck_job_run rec[4];
    assert_int_equal(runs(db, rec, 4), 1);
    assert_string_equal(rec[0].server, runner->name);
    assert_true(rec[0].finished);
    assert_int_equal(rec[0].as_of, ck_test_date(AS_OF));
    assert_int_equal(rec[0].cases_evaluated, N_CASES);
    assert_int_equal(rec[0].started_at, T0);
    assert_true(rec[0].ended_at >= T0);
    assert_string_equal(rec[0].after, "X100007");
    assert_string_equal(rec[0].pass, "all"); /* the first: no basis recorded yet */
    assert_int_equal(rec[0].cases_changed, (int64_t)runner->res.changed);
    assert_int_equal(recompute_entries(db), 1);
    assert_int_equal(recomputed_on(db), ck_test_date(AS_OF));

    /* Later that night the other server finds the day done: no second run. */
    ck_nightly_result res;
    char err[512];
    ck_nightly_opts o = opts("server-b", T0 + 3600);
    assert_int_equal(ck_nightly_run(db, &eng, ck_test_date(AS_OF), &o, &res, err, sizeof err), CK_OK);
    assert_int_equal(res.outcome, CK_NIGHTLY_DONE);
    assert_int_equal(runs(db, rec, 4), 1);
    assert_int_equal(recompute_entries(db), 1);
    /* The next night is a pass over the due cases: recorded as such, with no
     * resume point, and not as going on from anything. */
    o = opts("server-b", T0 + 86400);
    assert_int_equal(ck_nightly_run(db, &eng, ck_test_date(AS_OF) + 1, &o, &res, err, sizeof err), CK_OK);
    assert_int_equal(res.outcome, CK_NIGHTLY_RAN);
    assert_false(res.all);
    assert_false(res.resumed);
    assert_string_equal(res.resumed_after, "");
    assert_int_equal(runs(db, rec, 4), 2);
    assert_string_equal(rec[0].pass, "due");
    assert_string_equal(rec[0].resumed_after, "");
    assert_string_equal(rec[0].after, "");
    assert_int_equal(rec[0].cases_evaluated, (int64_t)res.evaluated);
    assert_int_equal(rec[0].cases_changed, (int64_t)res.changed);
    int64_t entries = 0, bad = -1;
    char why[256], head[CK_AUDIT_HASH_HEX + 1];
    assert_int_equal(ck_audit_verify(db, &entries, &bad, why, sizeof why, head, err, sizeof err), CK_OK);
    assert_int_equal(bad, 0);
}

/* ---- A server killed mid-run ---------------------------------------------------- */

static bool die_after_two_batches(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    (void)total;
    if (done == 2 * BATCH) raise(SIGKILL);
    return true;
}

typedef struct {
    const char *url;
    const ck_engine *eng;
} run_ctx;

static int nightly_child(void *ctx)
{
    const run_ctx *rc = ctx;
    char err[512];
    ck_db *db = ck_db_open(rc->url, err, sizeof err);
    if (!db) return 3;
    ck_nightly_opts o = opts("server-a", T0);
    o.go_on = die_after_two_batches;
    ck_nightly_result res;
    ck_nightly_run(db, rc->eng, ck_test_date(AS_OF), &o, &res, err, sizeof err);
    return 4; /* not killed: the test fails */
}

/* Runs the nightly job as server-a in a child process that is killed after
 * its second batch, as `kill -9` would. */
static void killed_run(const char *url, const ck_engine *eng)
{
    if (!ck_test_killed_child(nightly_child, &(run_ctx){url, eng})) fail_msg("the child was not killed");
}

/* Every case's stored obligations made stale (a due date moved, the digest
 * forgotten), so a recompute changes every case it evaluates. */
static void stale(ck_db *db)
{
    if (ck_db_exec(db, "UPDATE \"obligations\" SET \"due\" = '2000-01-03'") != CK_DB_OK ||
        ck_db_exec(db, "UPDATE \"cases\" SET \"obl_digest\" = NULL") != CK_DB_OK)
        fail_msg("%s", ck_db_errmsg(db));
}

static void killed_mid_run_completed_by_another(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    add_cases(db, &eng);
    stale(db);
    /* The same cases recomputed without interruption, for comparison. */
    char err[512];
    ck_db *ref = ck_db_open(ck_test_db_url(state, 1), err, sizeof err);
    if (!ref) fail_msg("%s", err);
    add_cases(ref, &eng);
    stale(ref);
    ck_recompute_stats ref_st = {0};
    if (ck_cases_recompute(ref, &eng, ck_test_date(AS_OF), true, BATCH, NULL, NULL, NULL, &ref_st, err, sizeof err) !=
        CK_OK)
        fail_msg("%s", err);

    killed_run(ck_test_db_url(state, 0), &eng);
    ck_job_run rec[4];
    assert_int_equal(runs(db, rec, 4), 1);
    assert_false(rec[0].finished);
    assert_int_equal(rec[0].ended_at, 0);
    assert_int_equal(rec[0].cases_evaluated, 2 * BATCH);
    assert_string_equal(rec[0].after, "X100004");
    assert_int_equal(recomputed_on(db), CK_NODATE); /* not the day's: it did not finish */
    assert_int_equal(recompute_entries(db), 0);

    /* Another server while the dead one's lease has not lapsed: it skips. */
    ck_nightly_result res;
    ck_nightly_opts o = opts("server-b", T0 + 10);
    assert_int_equal(ck_nightly_run(db, &eng, ck_test_date(AS_OF), &o, &res, err, sizeof err), CK_OK);
    assert_int_equal(res.outcome, CK_NIGHTLY_BUSY);
    assert_int_equal(runs(db, rec, 4), 1);

    /* Once it has: it completes the day from the last case done. (The dead
     * server renewed its lease at T0 plus the seconds its batches took, a
     * few at most: an hour on, it has certainly lapsed.) */
    o = opts("server-b", T0 + 3600);
    if (ck_nightly_run(db, &eng, ck_test_date(AS_OF), &o, &res, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(res.outcome, CK_NIGHTLY_RAN);
    assert_true(res.resumed);
    assert_string_equal(res.resumed_after, "X100004");
    assert_int_equal(res.evaluated, N_CASES - 2 * BATCH);
    assert_int_equal(runs(db, rec, 4), 2);
    assert_string_equal(rec[0].server, "server-b");
    assert_true(rec[0].finished);
    assert_string_equal(rec[0].resumed_after, "X100004");
    assert_int_equal(rec[0].cases_evaluated, N_CASES - 2 * BATCH);
    assert_string_equal(rec[1].server, "server-a");
    assert_false(rec[1].finished);
    /* The killed run's batches recorded what they changed; with the
     * completing run's, what one uninterrupted pass changes. */
    assert_int_equal(rec[1].cases_changed, 2 * BATCH);
    assert_int_equal(rec[1].cases_changed + rec[0].cases_changed, (int64_t)ref_st.changed);
    assert_int_equal(ref_st.changed, N_CASES);
    assert_int_equal(recomputed_on(db), ck_test_date(AS_OF));
    assert_int_equal(recompute_entries(db), 1);

    char *got = obligations_dump(db), *want = obligations_dump(ref);
    assert_true(strlen(want) > 0);
    assert_string_equal(got, want);
    free(got);
    free(want);
    ck_db_close(ref);
}

/* ---- A server stopping between batches ----------------------------------------- */

static bool stop_after_one_batch(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    (void)total;
    return done < BATCH;
}

static void stopping_gives_the_lease_back(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    add_cases(db, &eng);
    ck_nightly_result res;
    char err[512];
    ck_nightly_opts o = opts("server-a", T0);
    o.go_on = stop_after_one_batch;
    assert_int_equal(ck_nightly_run(db, &eng, ck_test_date(AS_OF), &o, &res, err, sizeof err), CK_ERR_CONFLICT);
    assert_int_equal(res.outcome, CK_NIGHTLY_RAN);
    assert_int_equal(res.evaluated, BATCH);
    ck_job_run rec[4];
    assert_int_equal(runs(db, rec, 4), 1);
    assert_false(rec[0].finished);
    assert_true(rec[0].ended_at >= T0);
    assert_true(strstr(rec[0].error, "stopped after") != NULL);

    /* At once, not after the lease's time: server-a gave it back. */
    o = opts("server-b", T0 + 1);
    if (ck_nightly_run(db, &eng, ck_test_date(AS_OF), &o, &res, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(res.outcome, CK_NIGHTLY_RAN);
    assert_string_equal(res.resumed_after, "X100002");
    assert_int_equal(res.evaluated, N_CASES - BATCH);
    assert_int_equal(recomputed_on(db), ck_test_date(AS_OF));
}

/* ---- The leases themselves ------------------------------------------------------- */

static bool lease(ck_db *db, const char *name, const char *holder, int64_t now)
{
    bool held = false;
    char err[512];
    ck_rc rc = ck_jobs_lease(db, name, holder, now, now + LEASE_S, &held, err, sizeof err);
    if (rc != CK_OK) fail_msg("%s", err);
    return held;
}

static void named_leases(void **state)
{
    ck_db *db = ck_test_db_get(state);
    assert_true(lease(db, CK_NIGHTLY_JOB, "server-a", T0));
    assert_true(lease(db, CK_NIGHTLY_JOB, "server-a", T0 + 60)); /* renewed */
    assert_false(lease(db, CK_NIGHTLY_JOB, "server-b", T0 + 60 + LEASE_S - 1));
    /* Each lease is its own: the reminders' is free. */
    assert_true(lease(db, "scheduler", "server-b", T0));
    char err[512];
    /* Giving back a lease one does not hold changes nothing. */
    assert_int_equal(ck_jobs_release(db, CK_NIGHTLY_JOB, "server-b", err, sizeof err), CK_OK);
    assert_false(lease(db, CK_NIGHTLY_JOB, "server-b", T0 + 61));
    assert_int_equal(ck_jobs_release(db, CK_NIGHTLY_JOB, "server-a", err, sizeof err), CK_OK);
    assert_true(lease(db, CK_NIGHTLY_JOB, "server-b", T0 + 61));
    /* Lapsed: another takes it over. */
    assert_true(lease(db, CK_NIGHTLY_JOB, "server-a", T0 + 61 + LEASE_S + 1));
    bool held = true;
    assert_int_equal(ck_jobs_lease(db, "nightly-typo", "server-a", T0, T0 + 1, &held, err, sizeof err),
                     CK_ERR_NOTFOUND);
    assert_false(held);
    assert_true(strstr(err, "nightly-typo") != NULL);

    char a[CK_JOB_NAME_MAX], b[CK_JOB_NAME_MAX];
    ck_jobs_server_name(a, sizeof a);
    ck_jobs_server_name(b, sizeof b);
    assert_string_not_equal(a, b); /* two servers in one process still differ */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(two_servers_at_once_one_runs),
        CK_DB_TEST(killed_mid_run_completed_by_another),
        CK_DB_TEST(stopping_gives_the_lease_back),
        CK_DB_TEST(named_leases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
