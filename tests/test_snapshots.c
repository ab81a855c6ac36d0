/* The nightly inspection snapshots (issue 16): the nightly job computes
 * every PDU's months from one pass over the obligations of all PDUs
 * (services/ck_inspection, ck_inspection_snapshots_refresh). Over several
 * simulated days on generated data, crossing the end of a month, with the
 * incremental recompute of each day before it, every snapshot a night
 * writes must be byte for byte the text a full computation of that PDU and
 * month gives (ck_inspection_compute, one PDU's own stream, encoded the same
 * way): on the first night all twelve months of every PDU, then each PDU's
 * current month each night and, the night after a month ends, that month's
 * final row. On both backends. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_manage.h"
#include "ck_manage_json.h"
#include "ck_nightly.h"
#include "ck_buf.h"
#include "ck_gen.h"
#include "ck_gen_load.h"
#include "ck_txn.h"
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

static void nights(void **state)
{
    ck_test_db *f = *state;
    ck_db *db = ck_test_db_get(state);
    char err[1024];
    ck_date start = ck_test_date(START);
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.n_cases = f->kind == CK_DB_PG ? CASES_PG : CASES_SQLITE;
    o.as_of = start;
    ck_gen *g = ck_gen_new(&o);
    ck_engine eng = ck_engine_default();
    ok(ck_gen_load(db, g, &eng, NULL, NULL, err, sizeof err), err);
    ck_gen_free(g);
    ck_manage_cfg mc;
    ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);

    size_t compared = 0, month_ends = 0, counted = 0;
    for (ck_date d = start; d < start + DAYS; d++) {
        char day[CK_DATE_STRLEN];
        ck_date_fmt(d, day);
        ok(ck_cases_recompute(db, &eng, d, false, 64, NULL, NULL, NULL, NULL, err, sizeof err), err);
        snaps before, after;
        snaps_read(db, &before);
        size_t written = 0;
        ok(ck_nightly_snapshots(db, eng.cfg, d, ck_inspection_snapshot_text, &written, err, sizeof err), err);
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
            ok(ck_inspection_compute(db, eng.cfg, &mc.bands, NULL, s->pdu, &p, &x, err, sizeof err), err);
            char *want = ck_inspection_snapshot_text(x);
            if (strcmp(want, s->report) != 0) {
                size_t k = 0;
                while (want[k] && want[k] == s->report[k]) k++;
                k = k > 200 ? k - 200 : 0;
                fail_msg("%s: the snapshot of %s %s differs from a full computation\n  nightly: ...%.400s\n  full:    "
                         "...%.400s", day, s->pdu, s->month, s->report + k, want + k);
            }
            if (x->cases) counted++;
            if (s->computed_on == d && d > start && strncmp(s->month, day, 7) != 0) month_ends++;
            free(want);
            ck_inspection_free(x);
            compared++;
        }
        /* What the night says it wrote is what changed in the table. */
        assert_int_equal(seen, written);
        snaps_free(&before);
        snaps_free(&after);
        /* A second run the same night writes nothing. */
        ok(ck_nightly_snapshots(db, eng.cfg, d, ck_inspection_snapshot_text, &written, err, sizeof err), err);
        assert_int_equal(written, 0);
    }
    print_message("%d nights: %zu snapshots compared, %zu with counted cases, %zu final rows of a month that "
                  "ended\n", DAYS, compared, counted, month_ends);
    /* Not vacuous: PDUs with figures, the first night's whole history, a
     * current month each night and the month that ended. */
    assert_true(counted > 0);
    assert_true(compared > (size_t)CK_INSPECTION_HISTORY_MONTHS + DAYS);
    assert_true(month_ends > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {CK_DB_TEST(nights)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
