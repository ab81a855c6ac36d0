/* The nightly inspection snapshots (issue 16): the nightly job computes
 * every PDU's months from each case's row of the inspection cache
 * (services/ck_inspection_cache, rebuilt only for the cases that changed;
 * ck_inspection_snapshots_refresh). Over several simulated days on
 * generated data, crossing the end of a month, with cases written during
 * the day and the incremental recompute of each day before the night,
 * every snapshot a night writes must be byte for byte the text a full
 * computation of that PDU and month from the obligations gives
 * (ck_inspection_compute, one PDU's own stream, encoded the same way): on
 * the first night all twelve months of every PDU, then each PDU's current
 * month each night and, the night after a month ends, that month's final
 * row; and the same after nights killed mid-way (SIGKILL at a commit). On
 * both backends. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_manage.h"
#include "ck_manage_json.h"
#include "ck_nightly.h"
#include "ck_buf.h"
#include "ck_gen.h"
#include "ck_gen_load.h"
#include "ck_txn.h"
#include "ck_inspection_cache.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ok ck_test_ok
#define START "2025-10-27" /* a few days before a month ends */
#define DAYS 8
#define CASES_SQLITE 180
#define CASES_PG 90

typedef struct snap {
    char pdu[32], month[16];
    ck_date computed_on;
    char *report;
} snap;

typedef struct snaps {
    snap *v;
    size_t n;
} snaps;

static void snaps_read(ck_db *db, snaps *out)
{
    memset(out, 0, sizeof *out);
    ck_stmt *st = ck_db_prepare(db, "SELECT \"pdu\", \"month\", \"computed_on\", \"report\" FROM "
                                    "\"inspection_snapshots\" ORDER BY \"pdu\", \"month\"");
    assert_non_null(st);
    size_t cap = 0;
    while (ck_stmt_step(st) == CK_DB_ROW) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 64;
            out->v = ck_realloc(out->v, cap * sizeof *out->v);
        }
        snap *s = &out->v[out->n++];
        snprintf(s->pdu, sizeof s->pdu, "%s", ck_stmt_text(st, 0));
        snprintf(s->month, sizeof s->month, "%s", ck_stmt_text(st, 1));
        s->computed_on = ck_stmt_date(st, 2);
        s->report = ck_strdup(ck_stmt_text(st, 3));
    }
    ck_stmt_reset(st);
}

static void snaps_free(snaps *s)
{
    for (size_t i = 0; i < s->n; i++) ck_free(s->v[i].report);
    ck_free(s->v);
}

/* Whether s was written by the night between before and now: new, or
 * taken again. */
static bool written_now(const snaps *before, const snap *s)
{
    for (size_t i = 0; i < before->n; i++) {
        const snap *b = &before->v[i];
        if (strcmp(b->pdu, s->pdu) == 0 && strcmp(b->month, s->month) == 0)
            return b->computed_on != s->computed_on || strcmp(b->report, s->report) != 0;
    }
    return true;
}

/* The counts of what the nights compared, so a test can show it is not
 * vacuous. */
typedef struct tally {
    size_t compared, counted, month_ends;
} tally;

/* The snapshots of night d (after its recompute): every snapshot the night
 * writes is compared with a full computation of its PDU and month, the
 * night's count with what changed in the table, and a second run the same
 * night writes nothing. */
static void night(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, ck_date d, ck_date start, tally *t)
{
    char err[1024], day[CK_DATE_STRLEN];
    ck_date_fmt(d, day);
    snaps before, after;
    snaps_read(db, &before);
    size_t written = 0;
    ok(ck_nightly_snapshots(db, eng->cfg, d, ck_inspection_snapshot_text, &written, err, sizeof err), err);
    snaps_read(db, &after);
    size_t seen = 0;
    for (size_t i = 0; i < after.n; i++) {
        const snap *s = &after.v[i];
        if (!written_now(&before, s)) continue;
        seen++;
        /* The row's period: the twelve months to the day before its
         * computed_on, as ck_inspection_snapshot stores it. */
        ck_inspect_period p = ck_inspect_default_period(s->computed_on);
        ck_inspection *x = NULL;
        ok(ck_inspection_compute(db, eng->cfg, &mc->bands, NULL, s->pdu, &p, &x, err, sizeof err), err);
        char *want = ck_inspection_snapshot_text(x);
        if (strcmp(want, s->report) != 0) {
            size_t k = 0;
            while (want[k] && want[k] == s->report[k]) k++;
            k = k > 200 ? k - 200 : 0;
            fail_msg("%s: the snapshot of %s %s differs from a full computation\n  nightly: ...%.400s\n  full:    "
                     "...%.400s", day, s->pdu, s->month, s->report + k, want + k);
        }
        if (x->cases) t->counted++;
        if (s->computed_on == d && d > start && strncmp(s->month, day, 7) != 0) t->month_ends++;
        free(want);
        ck_inspection_free(x);
        t->compared++;
    }
    /* What the night says it wrote is what changed in the table. */
    assert_int_equal(seen, written);
    snaps_free(&before);
    snaps_free(&after);
    /* A second run the same night writes nothing. */
    ok(ck_nightly_snapshots(db, eng->cfg, d, ck_inspection_snapshot_text, &written, err, sizeof err), err);
    assert_int_equal(written, 0);
}

/* The generated cases a test runs its nights on. */
typedef struct world {
    ck_db *db;
    ck_engine eng;
    ck_manage_cfg mc;
    ck_date start; /* the first night */
} world;

static void load(void **state, world *w)
{
    ck_test_db *f = *state;
    char err[1024];
    w->db = ck_test_db_get(state);
    w->eng = ck_engine_default();
    w->start = ck_test_date(START);
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.n_cases = f->kind == CK_DB_PG ? CASES_PG : CASES_SQLITE;
    o.as_of = w->start;
    ck_gen *g = ck_gen_new(&o);
    ok(ck_gen_load(w->db, g, &w->eng, NULL, NULL, err, sizeof err), err);
    ck_gen_free(g);
    ok(ck_manage_cfg_load(w->db, &w->mc, err, sizeof err), err);
}

/* Cases written during the day, as a practitioner would: `n` cases from the
 * k-th each have their latest contact's date corrected, so the night must
 * read them again. */
static size_t write_cases(ck_db *db, const ck_engine *eng, ck_date d, size_t k, size_t n)
{
    char err[1024];
    ck_stmt *st = ck_db_prepare(db, "SELECT \"crn\" FROM \"cases\" ORDER BY \"case_id\"");
    assert_non_null(st);
    char crns[8][32];
    size_t got = 0;
    for (size_t i = 0; got < n && got < 8 && ck_stmt_step(st) == CK_DB_ROW; i++)
        if (i >= k) snprintf(crns[got++], sizeof crns[0], "%s", ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    size_t written = 0;
    for (size_t i = 0; i < got; i++) {
        ck_case *c = NULL;
        ok(ck_cases_get(db, crns[i], &c, err, sizeof err), err);
        /* Its latest contact moved six weeks earlier: the obligations it
         * met are met late or not at all, and its links run differently. */
        ck_contact *last = NULL;
        for (size_t j = 0; j < c->n_contacts; j++)
            if (!last || c->contacts[j].date > last->date) last = &c->contacts[j];
        if (last && last->date != CK_NODATE) {
            last->date -= 42;
            if (last->outcome_on != CK_NODATE && last->outcome_on > last->date) last->outcome_on = last->date;
            if (last->booked_on != CK_NODATE && last->booked_on > last->date) last->booked_on = last->date;
            ok(ck_cases_replace(db, eng, c, d, err, sizeof err), err);
            written++;
        }
        ck_case_free(c);
    }
    return written;
}

/* Day d up to its night: from the second day, n cases from the k-th
 * written; then the day's recompute. How many were written. */
static size_t day(world *w, ck_date d, size_t k, size_t n)
{
    char err[1024];
    size_t written = d > w->start ? write_cases(w->db, &w->eng, d, k, n) : 0;
    ok(ck_cases_recompute(w->db, &w->eng, d, false, 64, NULL, NULL, NULL, NULL, err, sizeof err), err);
    return written;
}

static void nights(void **state)
{
    world w;
    load(state, &w);
    tally t = {0};
    size_t written = 0;
    for (ck_date d = w.start; d < w.start + DAYS; d++) {
        written += day(&w, d, (size_t)(d - w.start) * 7, 3);
        night(w.db, &w.eng, &w.mc, d, w.start, &t);
    }
    /* A night after every case changed (their versions moved on): every
     * case's cached rows are replaced, more cases than one DELETE names;
     * a row left behind or written twice would show in the figures, or
     * fail the write. */
    ck_date d = w.start + DAYS;
    day(&w, d, 0, 0);
    char err[512];
    ok(ck_db_exec(w.db, "UPDATE \"cases\" SET \"version\" = \"version\" + 1") == CK_DB_OK ? CK_OK : CK_ERR_DB,
       ck_db_errmsg(w.db));
    night(w.db, &w.eng, &w.mc, d, w.start, &t);
    size_t rebuilt = 0;
    ok(ck_inspection_cache_refresh(w.db, ck_inspect_default_period(d).from, 0, &rebuilt, err, sizeof err), err);
    assert_int_equal(rebuilt, 0); /* the night rebuilt them all */
    print_message("%d nights: %zu snapshots compared, %zu with counted cases, %zu final rows of a month that "
                  "ended, %zu cases written between nights\n", DAYS, t.compared, t.counted, t.month_ends, written);
    /* Not vacuous: PDUs with figures, the first night's whole history, a
     * current month each night and the month that ended, cases written. */
    assert_true(t.counted > 0);
    assert_true(t.compared > (size_t)CK_INSPECTION_HISTORY_MONTHS + DAYS);
    assert_true(t.month_ends > 0);
    assert_true(written > 0);
}

/* ---- A run killed mid-way ------------------------------------------------------------ */

typedef struct killer {
    int commits, at;
} killer;

static int kill_at_commit(ck_db *db, void *ctx)
{
    (void)db;
    killer *k = ctx;
    if (++k->commits == k->at) raise(SIGKILL);
    return 0;
}

/* The night's snapshots run in a child process killed, as `kill -9` would,
 * just before its at-th commit: the inspection cache is rebuilt a few case
 * ids per transaction (so there are several), then the snapshots. True
 * when the child was killed (false: it finished first). */
typedef struct {
    const char *url;
    ck_date d;
    int at;
} night_ctx;

static int night_child(void *ctx)
{
    const night_ctx *n = ctx;
    char err[512];
    ck_db *db = ck_db_open(n->url, err, sizeof err);
    if (!db) return 3;
    killer k = {0, n->at};
    ck_db_set_hook(db, &(ck_db_hook){kill_at_commit, NULL, NULL, &k});
    size_t rebuilt = 0, written = 0;
    ck_engine eng = ck_engine_default();
    if (ck_inspection_cache_refresh(db, ck_inspect_default_period(n->d).from, 16, &rebuilt, err, sizeof err) != CK_OK)
        return 5;
    if (ck_nightly_snapshots(db, eng.cfg, n->d, ck_inspection_snapshot_text, &written, err, sizeof err) != CK_OK)
        return 6;
    return 0;
}

static bool killed_night(const char *url, ck_date d, int at)
{
    return ck_test_killed_child(night_child, &(night_ctx){url, d, at});
}

/* Nights each killed mid-way, at a different commit, then run again: the
 * run after a killed one writes what a full computation gives, whatever
 * the killed one left done. */
static void killed_nights(void **state)
{
    world w;
    load(state, &w);
    tally t = {0};
    size_t killed = 0;
    for (ck_date d = w.start; d < w.start + DAYS; d++) {
        day(&w, d, (size_t)(d - w.start) * 5, 4);
        /* The first night, every case stale, is read by ranges of 16 ids
         * (whole ranges, as the ids are dense); commits 9, 1, 2, 3...:
         * within the rebuild and, on later nights, after it. */
        int at = d == w.start ? 9 : (int)(d - w.start);
        killed += killed_night(ck_test_db_url(state, 0), d, at);
        night(w.db, &w.eng, &w.mc, d, w.start, &t);
    }
    print_message("%d nights, %zu killed mid-way: %zu snapshots compared\n", DAYS, killed, t.compared);
    assert_true(killed > 0);
    assert_true(t.compared > (size_t)DAYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {CK_DB_TEST(nights), CK_DB_TEST(killed_nights)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
