/* Incremental recompute (issue 16 point 1): over a year of simulated days on
 * generated data, database 0 runs the nightly job's incremental recompute
 * (only the cases whose next change has come, core/ck_horizon) and database
 * 1 a full recompute, each day; what each stores for every case must be
 * identical: obligations and failures to comply, holder, tier and workload
 * profile (and the tier's last change).
 *
 * Both start from the same generated load, so they agree on day 0. Each
 * day, a case whose stored rows changed in either database is compared row
 * by row (a case neither touched is as it was yesterday in both); every
 * 60 days and on the last day every case is compared. A next change noted
 * too late shows as a case the full run changed and the incremental one did
 * not. On both backends.
 *
 * digest_hides_nothing: a full recompute trusting the stored obligation
 * digests stores what one comparing every row stores. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_manage.h"
#include "ck_buf.h"
#include "ck_cases.h"
#include "ck_gen.h"
#include "ck_gen_load.h"
#include "ck_txn.h"
#include "ck_workforce.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ok ck_test_ok
#define START "2025-10-01"
#define DAYS 365
#define FULL_EVERY 60
/* Enough cases for leavers, releases, licences and recalls to happen within
 * the year, few enough that a full recompute a day stays quick under ASan. */
#define CASES_SQLITE 40
#define CASES_PG 20

/* Appends what is stored for the cases of `where` (a condition on "cases",
 * $1 the CRN list as text "|A|B|" or NULL for every case) to out, one line
 * a row, in CRN order. */
static void dump(ck_db *db, const char *crns, ck_buf *out)
{
    static const char *const sql[] = {
        "SELECT \"crn\", 'case', COALESCE(\"staff_code\", '-'), COALESCE(\"team_code\", '-'), "
        "COALESCE(\"pdu_code\", '-'), COALESCE(\"tier\", '-'), COALESCE(\"tier_missing\", '-'), "
        "COALESCE(\"wmt_type\", '-'), COALESCE(\"rosh_level\", '-'), COALESCE(\"mappa_level\", '-'), "
        "COALESCE(\"court_reports\", '-'), COALESCE(\"tier_previous\", '-'), "
        "COALESCE(CAST(\"tier_changed_on\" AS TEXT), '-'), "
        "CASE WHEN \"profile_as_of\" IS NULL THEN 'incomplete' ELSE 'complete' END "
        "FROM \"cases\" WHERE CAST($1 AS TEXT) IS NULL OR CAST($1 AS TEXT) LIKE '%|' || \"crn\" || '|%' ORDER BY \"crn\"",
        "SELECT \"cases\".\"crn\", \"rule\", \"subject\", CAST(\"due\" AS TEXT), "
        "COALESCE(CAST(\"met_on\" AS TEXT), '-'), \"status\", CAST(\"severity\" AS TEXT), \"explanation\", "
        "COALESCE(\"obligations\".\"staff_code\", '-'), COALESCE(\"obligations\".\"team_code\", '-'), "
        "COALESCE(\"obligations\".\"pdu_code\", '-') "
        "FROM \"obligations\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" "
        "WHERE CAST($1 AS TEXT) IS NULL OR CAST($1 AS TEXT) LIKE '%|' || \"cases\".\"crn\" || '|%' "
        "ORDER BY \"cases\".\"crn\", \"rule\", \"subject\"",
        "SELECT \"cases\".\"crn\", 'ftc', CAST(\"ord\" AS TEXT), \"event\", CAST(\"count\" AS TEXT), "
        "COALESCE(CAST(\"since\" AS TEXT), '-') "
        "FROM \"failures_to_comply\" \"f\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"f\".\"case_id\" "
        "WHERE CAST($1 AS TEXT) IS NULL OR CAST($1 AS TEXT) LIKE '%|' || \"cases\".\"crn\" || '|%' ORDER BY \"cases\".\"crn\", \"ord\"",
    };
    char err[512];
    ok(ck_txn_begin_read(db, err, sizeof err), err);
    for (size_t q = 0; q < sizeof sql / sizeof *sql; q++) {
        ck_stmt *st = ck_db_prepare(db, sql[q]);
        assert_non_null(st);
        ck_stmt_bind_text(st, 1, crns);
        int rc;
        while ((rc = ck_stmt_step(st)) == CK_DB_ROW) {
            for (int c = 0; c < ck_stmt_ncols(st); c++) {
                const char *v = ck_stmt_text(st, c);
                ck_buf_printf(out, "%s%s", c ? " | " : "", v ? v : "NULL");
            }
            ck_buf_putc(out, '\n');
        }
        assert_int_equal(rc, CK_DB_DONE);
        ck_stmt_reset(st);
    }
    ok(ck_txn_finish(db, CK_OK, err, sizeof err), err);
}

/* "|CRN|CRN|" of the case ids (of database db). */
static void crn_list(ck_db *db, const int64_t *ids, size_t n, ck_buf *out)
{
    ck_buf_putc(out, '|');
    for (size_t i = 0; i < n; i++) {
        ck_stmt *st = ck_db_prepare(db, "SELECT \"crn\" FROM \"cases\" WHERE \"case_id\" = $1");
        assert_non_null(st);
        ck_stmt_bind_int(st, 1, ids[i]);
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        ck_buf_printf(out, "%s|", ck_stmt_text(st, 0));
        ck_stmt_reset(st);
    }
}

/* The first line where a and b differ, for the failure message. */
static void expect_same(ck_buf *inc, ck_buf *full, const char *day, const char *what)
{
    const char *a = ck_buf_cstr(inc), *b = ck_buf_cstr(full);
    if (strcmp(a, b) == 0) return;
    size_t i = 0;
    while (a[i] && a[i] == b[i]) i++;
    while (i && a[i - 1] != '\n') i--;
    fail_msg("%s, %s: incremental and full recompute differ at\n  incremental: %.300s\n  full:        %.300s", day,
             what, a + i, b + i);
}

static size_t count(ck_db *db, const char *sql, ck_date d)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    assert_non_null(st);
    if (d != CK_NODATE) ck_stmt_bind_date(st, 1, d);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    size_t n = (size_t)ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

/* Makes the person on probation turn 18 during the year. */
static ck_rc under_18(ck_case *c, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    c->person.date_of_birth = *(const ck_date *)ctx;
    return CK_OK;
}

/* The same changes in both databases at the start, as the service makes
 * them: practitioners who will leave or go on long-term absence during the
 * year (services/ck_workforce marks their allocations), and people who turn
 * 18 during it. */
static void add_leavers_and_minors(ck_db *db, const ck_engine *eng, ck_date start)
{
    char err[1024], codes[3][32] = {{0}}, crns[2][32] = {{0}};
    ck_stmt *st = ck_db_prepare(db, "SELECT DISTINCT \"staff_code\" FROM \"cases\" WHERE \"staff_code\" IS NOT NULL "
                                    "ORDER BY \"staff_code\" LIMIT 3");
    assert_non_null(st);
    for (int i = 0; i < 3 && ck_stmt_step(st) == CK_DB_ROW; i++) snprintf(codes[i], sizeof codes[i], "%s", ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    st = ck_db_prepare(db, "SELECT \"crn\" FROM \"cases\" ORDER BY \"crn\" DESC LIMIT 2");
    assert_non_null(st);
    for (int i = 0; i < 2 && ck_stmt_step(st) == CK_DB_ROW; i++) snprintf(crns[i], sizeof crns[i], "%s", ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    static const int after[3] = {20, 100, 200};
    for (int i = 0; i < 3; i++) {
        assert_true(codes[i][0]);
        ok(ck_workforce_staff_leaves(db, eng, codes[i], start + after[i], i == 2, start, NULL, err, sizeof err), err);
    }
    for (int i = 0; i < 2; i++) {
        ck_date dob = ck_date_add_months(start, -17 * 12) - 100 * (i + 1);
        ok(ck_txn_begin_write(db, err, sizeof err), err);
        ok(ck_txn_finish(db, ck_cases_edit_in_tx(db, eng, crns[i], under_18, &dob, start, err, sizeof err), err,
                         sizeof err), err);
    }
}

/* Dates the nightly run takes one way only (core/ck_horizon): appointments
 * booked ahead with an outcome showing on the day, later or not at all, one
 * cancelled, one not booked, and a registration's next review, a review, an
 * assessment, an enforcement action and a check dated ahead, spread over the
 * year so that each comes while the year runs. */
typedef struct ahead {
    ck_date start;
    int k; /* which case: its dates are shifted so the cases differ */
} ahead;

/* List `f` of record r (T records) copied into arena a with `extra` more
 * records after the existing ones; gives the first of them. */
#define GROW(a, r, f, T, extra)                                          \
    ({                                                                   \
        T *g_ = ck_arena_array((a), (r)->n_##f + (extra), sizeof(T));    \
        if ((r)->n_##f) memcpy(g_, (r)->f, (r)->n_##f * sizeof(T));      \
        (r)->f = g_;                                                     \
        (r)->n_##f += (extra);                                           \
        &g_[(r)->n_##f - (extra)];                                       \
    })

static ck_rc dates_ahead(ck_case *c, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    const ahead *h = ctx;
    ck_date at = h->start + 10 + 7 * h->k;
    const ck_contact *model = NULL;
    for (size_t i = 0; i < c->n_contacts && !model; i++)
        if (c->contacts[i].appointment == 1 && c->contacts[i].outcome) model = &c->contacts[i];
    if (model) {
        ck_contact m = *model;
        ck_contact *k = GROW(&c->arena, c, contacts, ck_contact, 6);
        for (int i = 0; i < 6; i++) {
            char id[32];
            snprintf(id, sizeof id, "CAHEAD%d", i);
            k[i] = m;
            k[i].id = ck_arena_strdup(&c->arena, id);
            k[i].date = at + 40 * i;
            k[i].booked_on = h->start;
            k[i].outcome_on = CK_NODATE;
            k[i].notes = NULL;
            k[i].start_time = k[i].end_time = NULL;
            k[i].rescheduled_to = k[i].change_reason = NULL;
            k[i].cancelled = CK_NULL;
        }
        k[0].outcome = NULL;                  /* no outcome yet */
        k[1].outcome_on = k[1].date;          /* attended: shows on the day */
        k[2].outcome_on = k[2].date + 3;      /* recorded three days later */
        k[4].outcome = NULL, k[4].cancelled = 1; /* cancelled */
        k[4].change_reason = "The person asked to move it";
        k[5].outcome = NULL, k[5].booked_on = CK_NODATE; /* not booked */
    }
    for (size_t i = 0; i < c->n_registrations; i++) {
        ck_registration *g = &c->registrations[i];
        if (g->deregistered != CK_NODATE) continue;
        g->next_review = at + 90;
        ck_review *r = GROW(&c->arena, g, reviews, ck_review, 1);
        r->date = at + 120;
        break;
    }
    if (c->n_assessments) {
        ck_assessment m = c->assessments[0];
        ck_assessment *a = GROW(&c->arena, c, assessments, ck_assessment, 1);
        *a = m;
        a->id = ck_arena_strdup(&c->arena, "AAHEAD");
        a->completed = at + 150;
    }
    if (c->n_enforcement) {
        ck_enforcement e = c->enforcement[0];
        ck_enforcement *n = GROW(&c->arena, c, enforcement, ck_enforcement, 1);
        *n = e;
        n->id = ck_arena_strdup(&c->arena, "NAHEAD");
        n->date = at + 180;
    }
    if (c->n_checks) {
        ck_check k = c->checks[0];
        ck_check *n = GROW(&c->arena, c, checks, ck_check, 1);
        *n = k;
        n->id = ck_arena_strdup(&c->arena, "KAHEAD");
        n->requested = at + 200;
        n->received = at + 230;
    }
    return CK_OK;
}

static void add_dates_ahead(ck_db *db, const ck_engine *eng, ck_date start)
{
    char err[1024], crns[8][32] = {{0}};
    ck_stmt *st = ck_db_prepare(db, "SELECT \"crn\" FROM \"cases\" ORDER BY \"crn\" LIMIT 8");
    assert_non_null(st);
    int n = 0;
    while (n < 8 && ck_stmt_step(st) == CK_DB_ROW) snprintf(crns[n++], sizeof crns[0], "%s", ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    for (int i = 0; i < n; i++) {
        ahead h = {start, i};
        ok(ck_txn_begin_write(db, err, sizeof err), err);
        ok(ck_txn_finish(db, ck_cases_edit_in_tx(db, eng, crns[i], dates_ahead, &h, start, err, sizeof err), err,
                         sizeof err), err);
    }
}

/* Opens database 1 beside database 0 and loads both with the same generated
 * cases (n of them, CK_INCREMENTAL_CASES when set), the leavers and the
 * minors, at start. Returns database 1 (the caller closes it). */
static ck_db *load_pair(void **state, ck_db *db0, const ck_engine *eng, ck_date start, size_t *n)
{
    ck_test_db *f = *state;
    char err[1024];
    ck_db *db1 = ck_db_open(ck_test_db_url(state, 1), err, sizeof err);
    assert_non_null(db1);
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.n_cases = f->kind == CK_DB_PG ? CASES_PG : CASES_SQLITE;
    /* A longer look on demand (CK_INCREMENTAL_CASES=300 took 10 minutes on
     * a loaded 2-core machine): the same checks over more cases. */
    const char *more = getenv("CK_INCREMENTAL_CASES");
    if (more && atoi(more) > 0) o.n_cases = (size_t)atoi(more) / (f->kind == CK_DB_PG ? 2 : 1);
    o.as_of = start;
    ck_gen *g = ck_gen_new(&o);
    ok(ck_gen_load(db0, g, eng, NULL, NULL, err, sizeof err), err);
    ok(ck_gen_load(db1, g, eng, NULL, NULL, err, sizeof err), err);
    ck_gen_free(g);
    add_leavers_and_minors(db0, eng, start);
    add_leavers_and_minors(db1, eng, start);
    add_dates_ahead(db0, eng, start);
    add_dates_ahead(db1, eng, start);
    *n = o.n_cases;
    return db1;
}

static void year_of_days(void **state)
{
    ck_db *inc = ck_test_db_get(state);
    char err[1024];
    ck_date start = ck_test_date(START);
    ck_engine eng = ck_engine_default();
    size_t n_cases;
    ck_db *full = load_pair(state, inc, &eng, start, &n_cases);

    /* The data has what makes a case change without a write. */
    ck_date end = start + DAYS;
    size_t leavers = count(inc, "SELECT COUNT(*) FROM \"allocations\" WHERE \"staff_left_on\" > $1 "
                                "OR \"staff_long_term_absence_from\" > $1", start);
    size_t minors = count(inc, "SELECT COUNT(*) FROM \"cases\" WHERE \"person_date_of_birth\" > $1",
                          ck_date_add_months(start, -18 * 12));
    size_t releases = count(inc, "SELECT COUNT(*) FROM \"events\" WHERE \"sentence_release_date\" > $1", start);
    size_t licences = count(inc, "SELECT COUNT(*) FROM \"events\" WHERE \"sentence_type\" = 'custody' "
                                 "AND \"sentence_release_date\" <= $1", start);
    size_t ending = count(inc, "SELECT COUNT(*) FROM \"events\" WHERE \"sentence_end_date\" > $1", start);
    print_message("%zu cases: %zu allocations whose practitioner leaves or goes on long-term absence, %zu under "
                  "18, %zu releases to come, %zu released on licence, %zu sentences ending after %s\n",
                  n_cases, leavers, minors, releases, licences, ending, START);
    assert_true(leavers > 0 && minors > 0 && releases > 0 && licences > 0 && ending > 0);

    size_t evaluated = 0, changed = 0, changed_inc = 0;
    for (ck_date d = start; d <= end; d++) {
        char day[CK_DATE_STRLEN];
        ck_date_fmt(d, day);
        ck_recompute_stats si = {.list_changed = true}, sf = {.list_changed = true};
        ok(ck_cases_recompute(inc, &eng, d, false, 64, NULL, NULL, NULL, &si, err, sizeof err), err);
        ok(ck_cases_recompute(full, &eng, d, true, 64, NULL, NULL, NULL, &sf, err, sizeof err), err);
        /* Only the first run (no basis recorded by the import) is whole. */
        if (d > start && si.all) fail_msg("%s: the incremental run evaluated every case", day);
        if (d > start) {
            evaluated += si.evaluated;
            changed += sf.changed;
            changed_inc += si.changed;
        }
        bool whole = d == end || (d - start) % FULL_EVERY == 0;
        ck_buf a = CK_BUF_INIT, b = CK_BUF_INIT, crns = CK_BUF_INIT;
        if (!whole) {
            crn_list(full, sf.changed_ids, sf.changed, &crns);
            crn_list(inc, si.changed_ids, si.changed, &crns);
        }
        dump(inc, whole ? NULL : ck_buf_cstr(&crns), &a);
        dump(full, whole ? NULL : ck_buf_cstr(&crns), &b);
        expect_same(&a, &b, day, whole ? "every case" : "the cases either run changed");
        if (!whole && si.changed != sf.changed)
            fail_msg("%s: the incremental run changed %zu cases, the full one %zu", day, si.changed, sf.changed);
        ck_buf_free(&a);
        ck_buf_free(&b);
        ck_buf_free(&crns);
        ck_free(si.changed_ids);
        ck_free(sf.changed_ids);
    }
    print_message("%d days: the incremental runs evaluated %zu cases (the full ones %zu) and changed %zu (the full "
                  "ones %zu)\n", DAYS, evaluated, (size_t)DAYS * n_cases, changed_inc, changed);
    /* Not vacuous: cases changed with the date, and the incremental runs
     * evaluated far fewer cases than the full ones. */
    assert_true(changed >= n_cases);
    assert_true(evaluated * 4 < (size_t)DAYS * n_cases);
    ck_db_close(full);
}

static void exec_sql(ck_db *db, const char *sql)
{
    char err[512];
    ok(ck_txn_begin_write(db, err, sizeof err), err);
    ck_stmt *st = ck_db_prepare(db, sql);
    assert_non_null(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);
    ok(ck_txn_finish(db, CK_OK, err, sizeof err), err);
}

/* A full recompute reads back only the cases whose stored obligation digest
 * (migration 027) differs from their fresh one. Over days of changes, database
 * 0 trusts the digests and database 1 forgets them before every run, so it
 * compares every row as before the digest: both must store the same and
 * change the same cases. And a case without a digest is compared row by row:
 * a row damaged behind the store's back is repaired. */
#define DIGEST_DAYS 120
#define DIGEST_STEP 3
static void digest_hides_nothing(void **state)
{
    ck_db *trust = ck_test_db_get(state);
    char err[1024];
    ck_date start = ck_test_date(START);
    ck_engine eng = ck_engine_default();
    size_t n_cases;
    ck_db *forget = load_pair(state, trust, &eng, start, &n_cases);
    assert_true(count(trust, "SELECT COUNT(*) FROM \"cases\" WHERE \"obl_digest\" IS NULL", CK_NODATE) == 0);
    size_t changed = 0;
    for (ck_date d = start; d <= start + DIGEST_DAYS; d += DIGEST_STEP) {
        char day[CK_DATE_STRLEN];
        ck_date_fmt(d, day);
        exec_sql(forget, "UPDATE \"cases\" SET \"obl_digest\" = NULL");
        ck_recompute_stats st = {0}, sf = {0};
        ok(ck_cases_recompute(trust, &eng, d, true, 16, NULL, NULL, NULL, &st, err, sizeof err), err);
        ok(ck_cases_recompute(forget, &eng, d, true, 16, NULL, NULL, NULL, &sf, err, sizeof err), err);
        ck_buf a = CK_BUF_INIT, b = CK_BUF_INIT;
        dump(trust, NULL, &a);
        dump(forget, NULL, &b);
        expect_same(&a, &b, day, "every case");
        ck_buf_free(&a);
        ck_buf_free(&b);
        if (st.changed != sf.changed)
            fail_msg("%s: trusting the digests changed %zu cases, comparing every row %zu", day, st.changed, sf.changed);
        if (d > start) changed += st.changed;
    }
    assert_true(changed > 0); /* not vacuous: the days changed cases */
    /* A damaged row with its digest forgotten is found and put right. */
    ck_date last = start + DIGEST_DAYS - DIGEST_DAYS % DIGEST_STEP;
    exec_sql(forget, "UPDATE \"obligations\" SET \"explanation\" = 'damaged' WHERE \"case_id\" = "
                     "(SELECT MIN(\"case_id\") FROM \"obligations\")");
    exec_sql(forget, "UPDATE \"cases\" SET \"obl_digest\" = NULL");
    ck_recompute_stats sf = {0};
    ok(ck_cases_recompute(forget, &eng, last, true, 16, NULL, NULL, NULL, &sf, err, sizeof err), err);
    assert_int_equal(sf.changed, 1);
    ck_buf a = CK_BUF_INIT, b = CK_BUF_INIT;
    dump(trust, NULL, &a);
    dump(forget, NULL, &b);
    expect_same(&a, &b, "after the damage", "every case");
    ck_buf_free(&a);
    ck_buf_free(&b);
    assert_true(count(forget, "SELECT COUNT(*) FROM \"cases\" WHERE \"obl_digest\" IS NULL", CK_NODATE) == 0);
    ck_db_close(forget);
}

int main(void)
{
    const struct CMUnitTest tests[] = {CK_DB_TEST(year_of_days), CK_DB_TEST(digest_hides_nothing)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
