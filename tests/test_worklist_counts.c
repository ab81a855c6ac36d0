/* Staff, team and PDU worklists counted from the indexes (services/ck_cases,
 * ck_access_worklist), on SQLite and PostgreSQL: whatever path a count takes
 * (the holder's index range less the limited cases' refused rows, or every
 * row joined to its case), each role's total and rows are exactly the
 * system's rows of the cases that role may read, page by page too. A
 * limited case in scope is left out for a user without access and kept for
 * one with access. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_security.h"

#define AS_OF_Y 2025, 11, 3

static ck_date as_of(void) { return ck_date_ymd(AS_OF_Y); }

static void expect_ok(ck_rc rc, const char *err)
{
    if (rc != CK_OK) fail_msg("rc %d: %s", rc, err);
}

/* What the test has changed of the world's limited access. */
typedef struct lao_state {
    int excluded_reader;   /* the role lifted off the excluded case's list, or -1 */
    bool pdu_restricted;   /* the SEC_PDU case restricted to the head of PDU */
} lao_state;

/* Whether role r may read case i as things stand. The excluded case sits
 * where SEC_TEAM does. */
static bool visible(const lao_state *s, int r, int i)
{
    if (i == SEC_EXCLUDED) return r == s->excluded_reader && sec_expect(r, CK_PERM_CASE_READ, SEC_TEAM);
    if (i == SEC_PDU && s->pdu_restricted && r != CK_ROLE_HEAD_OF_PDU) return false;
    return sec_expect(r, CK_PERM_CASE_READ, i);
}

static int case_of(const char *crn)
{
    for (int i = 0; i < SEC_N_CASES; i++)
        if (strcmp(sec_cases[i].crn, crn) == 0) return i;
    fail_msg("worklist row of unknown case %s", crn);
    return -1;
}

typedef struct holder {
    const char *staff, *team, *pdu;
} holder;

static const holder holders[] = {
    {"N07P002", NULL, NULL}, /* holds SEC_TEAM and SEC_EXCLUDED */
    {"N07P001", NULL, NULL}, {NULL, "T1", NULL}, {NULL, "T2", NULL}, {NULL, "T3", NULL},
    {NULL, NULL, "P1"},      {NULL, NULL, "P2"}, {NULL, NULL, "P3"},
};

static ck_worklist *read_list(ck_db *db, const ck_principal *p, const holder *h, unsigned statuses, size_t limit,
                              size_t offset)
{
    char err[512];
    ck_worklist_query q = {.staff = h->staff, .team = h->team, .pdu = h->pdu, .statuses = statuses,
                           .as_of = as_of(), .limit = limit, .offset = offset};
    ck_worklist *w = NULL;
    expect_ok(ck_access_worklist(db, p, &q, &w, err, sizeof err), err);
    return w;
}

static bool same_row(const ck_worklist_item *a, const ck_worklist_item *b)
{
    return strcmp(a->crn, b->crn) == 0 && strcmp(a->o.rule, b->o.rule) == 0 &&
           strcmp(a->o.subject, b->o.subject) == 0 && a->o.status == b->o.status && a->o.severity == b->o.severity;
}

/* Every role's worklist of every holder against the system's, filtered by
 * hand; `pages` also reads each in pages of 3. Returns how many rows of a
 * limited case (one kept from someone in scope) the system's lists held. */
static size_t check_all(ck_db *db, const lao_state *s, bool pages)
{
    ck_principal sys;
    ck_principal_system(&sys, "test");
    /* Met and met late alone: segments with no due-date bound (as_of unused). */
    static const unsigned statuses[] = {0u /* overdue and open */, ~0u, 1u << CK_ST_MET_LATE | 1u << CK_ST_MET};
    size_t limited_rows = 0;
    for (size_t h = 0; h < sizeof holders / sizeof *holders; h++) {
        for (size_t k = 0; k < sizeof statuses / sizeof *statuses; k++) {
            ck_worklist *all = read_list(db, &sys, &holders[h], statuses[k], 500, 0);
            assert_int_equal(all->n, all->total);
            for (size_t j = 0; j < all->n; j++) {
                int i = case_of(all->items[j].crn);
                limited_rows += i == SEC_EXCLUDED || (i == SEC_PDU && s->pdu_restricted);
            }
            for (int r = 0; r < CK_ROLE_COUNT; r++) {
                ck_principal p;
                sec_principal(db, r, &p);
                size_t want = 0;
                for (size_t j = 0; j < all->n; j++) want += visible(s, r, case_of(all->items[j].crn));
                ck_worklist *w = read_list(db, &p, &holders[h], statuses[k], 500, 0);
                if (w->total != want || w->n != want)
                    fail_msg("%s, worklist of %s: %zu rows (total %zu), expected %zu", ck_role_names[r],
                             holders[h].staff ? holders[h].staff : holders[h].team ? holders[h].team : holders[h].pdu,
                             w->n, w->total, want);
                size_t at = 0;
                for (size_t j = 0; j < all->n; j++) {
                    if (!visible(s, r, case_of(all->items[j].crn))) continue;
                    if (!same_row(&w->items[at], &all->items[j]))
                        fail_msg("%s: row %zu is %s %s, expected %s %s", ck_role_names[r], at, w->items[at].crn,
                                 w->items[at].o.rule, all->items[j].crn, all->items[j].o.rule);
                    at++;
                }
                if (pages) {
                    for (size_t off = 0; off < want; off += 3) {
                        ck_worklist *pg = read_list(db, &p, &holders[h], statuses[k], 3, off);
                        assert_int_equal(pg->total, want);
                        assert_int_equal(pg->n, want - off < 3 ? want - off : 3);
                        for (size_t j = 0; j < pg->n; j++) assert_true(same_row(&pg->items[j], &w->items[off + j]));
                        ck_worklist_free(pg);
                    }
                }
                ck_worklist_free(w);
            }
            ck_worklist_free(all);
        }
    }
    return limited_rows;
}

static void test_counts_follow_access(void **state)
{
    ck_db *db = ck_test_db_get(state);
    sec_world(db, false, as_of());
    char err[512];
    ck_principal sys;
    ck_principal_system(&sys, "test");

    /* Every account is excluded from SEC_EXCLUDED, in scope of most. */
    lao_state s = {.excluded_reader = -1};
    assert_true(check_all(db, &s, true) > 0);

    /* Lifted for the head of PDU: their P1 worklist counts it, no one else's. */
    expect_ok(ck_lao_remove(db, &sys, sec_cases[SEC_EXCLUDED].crn, CK_LAO_EXCLUSION, "head", err, sizeof err), err);
    s.excluded_reader = CK_ROLE_HEAD_OF_PDU;
    check_all(db, &s, false);

    /* A restriction naming the head of PDU: everyone else loses SEC_PDU,
     * those who see every case included. */
    expect_ok(ck_lao_add(db, &sys, sec_cases[SEC_PDU].crn, CK_LAO_RESTRICTION, "head", NULL, err, sizeof err), err);
    s.pdu_restricted = true;
    check_all(db, &s, true);

    /* Cleared: back in everyone's counts. */
    expect_ok(ck_lao_clear(db, &sys, sec_cases[SEC_PDU].crn, err, sizeof err), err);
    s.pdu_restricted = false;
    check_all(db, &s, false);
}

/* The head of PDU's own PDU worklist, the path that counts from the index
 * alone: a restricted case they may not read leaves the counts and the
 * rows; named on the restriction, it is back. */
static void test_limited_case_in_scope(void **state)
{
    ck_db *db = ck_test_db_get(state);
    sec_world(db, false, as_of());
    char err[512];
    ck_principal sys, head, qa;
    ck_principal_system(&sys, "test");
    sec_principal(db, CK_ROLE_HEAD_OF_PDU, &head);
    sec_principal(db, CK_ROLE_QA, &qa);
    const holder p1 = {NULL, NULL, "P1"};
    ck_worklist *before = read_list(db, &head, &p1, ~0u, 500, 0);
    size_t own = 0;
    for (size_t j = 0; j < before->n; j++) own += strcmp(before->items[j].crn, sec_cases[SEC_OWN].crn) == 0;
    assert_true(own > 0);

    expect_ok(ck_lao_add(db, &sys, sec_cases[SEC_OWN].crn, CK_LAO_RESTRICTION, "qa", NULL, err, sizeof err), err);
    ck_worklist *without = read_list(db, &head, &p1, ~0u, 500, 0);
    assert_int_equal(without->total, before->total - own);
    for (size_t j = 0; j < without->n; j++) assert_string_not_equal(without->items[j].crn, sec_cases[SEC_OWN].crn);
    ck_worklist *with_qa = read_list(db, &qa, &p1, ~0u, 500, 0);
    assert_int_equal(with_qa->total, before->total);

    expect_ok(ck_lao_add(db, &sys, sec_cases[SEC_OWN].crn, CK_LAO_RESTRICTION, "head", NULL, err, sizeof err), err);
    ck_worklist *with = read_list(db, &head, &p1, ~0u, 500, 0);
    assert_int_equal(with->total, before->total);
    assert_int_equal(with->n, before->n);
    for (size_t j = 0; j < with->n; j++) assert_true(same_row(&with->items[j], &before->items[j]));
    ck_worklist_free(before);
    ck_worklist_free(without);
    ck_worklist_free(with_qa);
    ck_worklist_free(with);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_counts_follow_access),
        CK_DB_TEST(test_limited_case_in_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
