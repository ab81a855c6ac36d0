/* Managing the service, the pure parts: group capacity, allocation ranking,
 * rating thresholds and the score, the inspection counting, the QA sample.
 * Every expected number is worked out by hand in the comment beside it. */
#include "ck_test.h"
#include "ck_alloc.h"
#include "ck_inspect.h"
#include "ck_sample.h"
#include "ck_staffing.h"
#include "ck_str.h"

static ck_date D(const char *s)
{
    ck_date d = CK_NODATE;
    assert_true(ck_date_parse(s, strlen(s), &d));
    return d;
}

/* The shipped allocation settings, as migrations/003_manage.sql seeds them. */
static ck_alloc_rules seeded_rules(void)
{
    ck_alloc_rules r;
    memset(&r, 0, sizeof r);
    char err[256];
    assert_true(ck_alloc_rules_set(&r, "allocate.grades", "PO PQiP PSO", err, sizeof err));
    assert_true(ck_alloc_rules_set(&r, "allocate.max_rosh.PSO", "medium", err, sizeof err));
    assert_true(ck_alloc_rules_set(&r, "allocate.max_mappa.PSO", "M1", err, sizeof err));
    return r;
}

/* ---- Workload arithmetic ---------------------------------------------------- */

static void test_group_capacity(void **state)
{
    (void)state;
    ck_wmt_case po_cases[10], pso_cases[10];
    for (int i = 0; i < 10; i++) {
        po_cases[i] = (ck_wmt_case){"B2", CK_WMT_COMMUNITY};  /* 115 points each */
        pso_cases[i] = (ck_wmt_case){"C1", CK_WMT_COMMUNITY}; /* 50 points each */
    }
    ck_wmt po, pso;
    ck_wmt_input a = {"PO", 37, po_cases, 10, NULL, 0, NULL, 0};
    ck_wmt_input b = {"PSO", 18.5, pso_cases, 10, NULL, 0, NULL, 0};
    ck_wmt_compute(&a, D("2025-06-02"), &po);
    ck_wmt_compute(&b, D("2025-06-02"), &pso);
    /* PO: 10 x 115 = 1150 points of 2176 x 37/37 = 2176: 52.849% -> 528 permille. */
    assert_int_equal(po.total_points, 1150);
    assert_int_equal(po.capacity_permille, 528);
    /* PSO half-time: 500 points of floor(2176 x 18.5/37) = 1088: 45.956% -> 460. */
    assert_int_equal(pso.available_points, 1088);
    assert_int_equal(pso.capacity_permille, 460);
    ck_staffing team = {0};
    ck_staffing_add(&team, "in_post", false, 1.0, 10, &po);
    ck_staffing_add(&team, "in_post", true, 0.5, 10, &pso);
    /* A leaver's cases are still the team's until they are reallocated. */
    ck_wmt gone = {0};
    ck_staffing_add(&team, "left", false, 1.0, 3, &gone);
    ck_staffing_finish(&team);
    /* Team: 1650 / 3264 = 0.505515 -> 505.5 permille, half up 506; not the
     * mean of 528 and 460 (494). */
    assert_int_equal(team.points, 1650);
    assert_int_equal(team.available_points, 3264);
    assert_int_equal(team.capacity_permille, 506);
    assert_int_equal(team.in_post, 2);
    assert_int_equal(team.agency, 1);
    assert_true(team.fte_in_post > 1.49 && team.fte_in_post < 1.51);
    assert_int_equal(team.cases, 23);
    assert_int_equal(team.left, 1);
    assert_false(team.over);

    /* Over capacity is above 100%: 2176 points of 2176 is 100.0%, not over;
     * 2177 points is 100.046% -> 1000 permille, still not over (a tenth of
     * a percent is the unit); 2178 points is 100.092% -> 1001, over. */
    assert_int_equal(ck_wmt_capacity_permille(2177, 2176), 1000);
    assert_int_equal(ck_wmt_capacity_permille(2178, 2176), 1001);
    /* Half up at exactly half a permille: 1 of 2000 is 0.5 -> 1; 3 of 2000
     * is 1.5 -> 2. */
    assert_int_equal(ck_wmt_capacity_permille(1, 2000), 1);
    assert_int_equal(ck_wmt_capacity_permille(3, 2000), 2);
    assert_int_equal(ck_wmt_capacity_permille(0, 2000), 0);
    ck_wmt w = {.capacity_known = true, .capacity_permille = 1000};
    assert_false(ck_staffing_over(&w));
    w.capacity_permille = 1001;
    assert_true(ck_staffing_over(&w));
    w.capacity_known = false;
    assert_false(ck_staffing_over(&w));
}

/* ---- Allocation ranking ----------------------------------------------------- */

#define N_CANDS 6

typedef struct cands_fixture {
    ck_wmt_case load[N_CANDS][20];
    ck_alloc_candidate c[N_CANDS];
} cands_fixture;

/* A PO in post with `cases` community B2 cases (115 points each). */
static void cand(cands_fixture *f, size_t i, const char *code, const char *grade, const char *team,
                 const char *office, int cases)
{
    for (int k = 0; k < cases; k++) f->load[i][k] = (ck_wmt_case){"B2", CK_WMT_COMMUNITY};
    f->c[i] = (ck_alloc_candidate){code, grade, team, office, "P1", true,
                                   {grade, 37, f->load[i], (size_t)cases, NULL, 0, NULL, 0}};
}

static size_t rank_of(const ck_alloc_ranking *r, const ck_alloc_candidate *c, const char *code)
{
    for (size_t i = 0; i < r->n; i++)
        if (ck_streq(c[r->choices[i].candidate].staff_code, code)) return i;
    return SIZE_MAX;
}

static bool excluded(const ck_alloc_ranking *r, const ck_alloc_candidate *c, const char *code, const char *why_part)
{
    for (size_t i = 0; i < r->n_excluded; i++)
        if (ck_streq(c[r->excluded[i].candidate].staff_code, code)) return strstr(r->excluded[i].why, why_part) != NULL;
    return false;
}

static void test_alloc_grade_rule(void **state)
{
    (void)state;
    ck_alloc_rules r = seeded_rules();
    char why[200];
    assert_true(ck_alloc_grade_allows(&r, "PSO", "low", NULL, why, sizeof why));
    assert_true(ck_alloc_grade_allows(&r, "PSO", "medium", "M1", why, sizeof why));
    assert_false(ck_alloc_grade_allows(&r, "PSO", "high", NULL, why, sizeof why));
    assert_non_null(strstr(why, "RoSH high"));
    assert_false(ck_alloc_grade_allows(&r, "PSO", "low", "M2", why, sizeof why));
    assert_non_null(strstr(why, "MAPPA level M2"));
    assert_true(ck_alloc_grade_allows(&r, "PO", "very_high", "M3", why, sizeof why));
    assert_true(ck_alloc_grade_allows(&r, "PQiP", "high", NULL, why, sizeof why));
    assert_false(ck_alloc_grade_allows(&r, "SPO", "low", NULL, why, sizeof why));
    assert_false(ck_alloc_grade_allows(&r, "VLO", NULL, NULL, why, sizeof why));
    /* Settings are checked. */
    assert_false(ck_alloc_rules_set(&r, "allocate.max_rosh.PSO", "severe", why, sizeof why));
    assert_non_null(strstr(why, "allocate.max_rosh.PSO: expected low, medium"));
    assert_false(ck_alloc_rules_set(&r, "allocate.max_mappa.PSO", "M4", why, sizeof why));
    assert_false(ck_alloc_rules_set(&r, "allocate.maximum", "1", why, sizeof why));
    /* A deployment lets PQiPs hold only medium RoSH. */
    assert_true(ck_alloc_rules_set(&r, "allocate.max_rosh.PQiP", "medium", why, sizeof why));
    assert_false(ck_alloc_grade_allows(&r, "PQiP", "high", NULL, why, sizeof why));
}

static void test_alloc_ranking(void **state)
{
    (void)state;
    ck_alloc_rules r = seeded_rules();
    cands_fixture *f = calloc(1, sizeof *f);
    /* Capacity of a full-time PO: n x 115 / 2176. */
    cand(f, 0, "S01", "PO", "T1", "O1", 18);  /* 2070 -> 95.1%; +115 = 2185 -> 100.4%: over after */
    cand(f, 1, "S02", "PO", "T2", "O1", 10);  /* other team, same office: 1265 -> 58.1% after */
    cand(f, 2, "S03", "PSO", "T1", "O1", 4);  /* same team: 575 -> 26.4% after */
    cand(f, 3, "S04", "PO", "T1", "O1", 4);   /* same team, same load as S03: tie, by code */
    cand(f, 4, "S05", "PO", "T9", "O9", 0);   /* same PDU, other office: 5.3% after */
    cand(f, 5, "S06", "PO", "T1", "O1", 0);
    f->c[5].in_post = false;                   /* left */
    ck_alloc_case c = {"X1", "medium", NULL, true, {"B2", CK_WMT_COMMUNITY}, "T1", "O1", "P1", NULL};
    ck_alloc_ranking rk;
    ck_alloc_rank(&r, &c, f->c, N_CANDS, D("2025-06-02"), &rk);
    /* Same team first (S03, S04 tie on 26.4%: by code), then same office
     * (S02), then same PDU (S05, lowest capacity of all but further away),
     * and S01 last: over 100% after, although in the same team. */
    assert_int_equal(rk.n, 5);
    assert_int_equal(rank_of(&rk, f->c, "S03"), 0);
    assert_int_equal(rank_of(&rk, f->c, "S04"), 1);
    assert_int_equal(rank_of(&rk, f->c, "S02"), 2);
    assert_int_equal(rank_of(&rk, f->c, "S05"), 3);
    assert_int_equal(rank_of(&rk, f->c, "S01"), 4);
    assert_true(rk.choices[4].over_after);
    assert_int_equal(rk.choices[4].capacity_after_permille, 1004); /* 2185/2176 = 1.00414 */
    assert_int_equal(rk.choices[0].capacity_after_permille, 264);  /* 575/2176 = 0.26425 */
    assert_int_equal(rk.choices[0].locality, CK_ALLOC_SAME_TEAM);
    assert_int_equal(rk.choices[2].locality, CK_ALLOC_SAME_OFFICE);
    assert_int_equal(rk.choices[3].locality, CK_ALLOC_SAME_PDU);
    assert_true(excluded(&rk, f->c, "S06", "not in post"));
    ck_alloc_ranking_free(&rk);

    /* A high-RoSH case: the PSO is excluded by the grade rule; the case's
     * own practitioner is never offered. */
    c.rosh = "high";
    c.from_staff = "S04";
    ck_alloc_rank(&r, &c, f->c, N_CANDS, D("2025-06-02"), &rk);
    assert_int_equal(rk.n, 3);
    assert_true(excluded(&rk, f->c, "S03", "RoSH high"));
    assert_true(excluded(&rk, f->c, "S04", "moved from"));
    assert_int_equal(rank_of(&rk, f->c, "S02"), 0);
    ck_alloc_ranking_free(&rk);

    /* Ties are deterministic whatever the input order: the same ranking
     * with the candidates reversed. */
    c.rosh = "low";
    c.from_staff = NULL;
    ck_alloc_candidate rev[N_CANDS];
    for (size_t i = 0; i < N_CANDS; i++) rev[i] = f->c[N_CANDS - 1 - i];
    ck_alloc_rank(&r, &c, rev, N_CANDS, D("2025-06-02"), &rk);
    assert_string_equal(rev[rk.choices[0].candidate].staff_code, "S03");
    assert_string_equal(rev[rk.choices[1].candidate].staff_code, "S04");
    ck_alloc_ranking_free(&rk);
    free(f);
}

static void test_alloc_plan_spreads(void **state)
{
    (void)state;
    ck_alloc_rules r = seeded_rules();
    cands_fixture *f = calloc(1, sizeof *f);
    cand(f, 0, "S01", "PO", "T1", "O1", 2);
    cand(f, 1, "S02", "PO", "T1", "O1", 3);
    ck_alloc_case cases[3];
    for (int i = 0; i < 3; i++)
        cases[i] = (ck_alloc_case){"X", "low", NULL, true, {"B2", CK_WMT_COMMUNITY}, "T1", "O1", "P1", "S09"};
    size_t pick[3];
    ck_alloc_plan(&r, cases, 3, f->c, 2, D("2025-06-02"), pick, NULL);
    /* S01 2 -> 3 cases (345 pts, 15.9%) beats S02 at 4 (460, 21.1%); then
     * S01 at 3 and S02 at 3 tie on the next (4 cases each): S01 by code;
     * then S01 has 4, S02 3 -> S02. */
    assert_int_equal(pick[0], 0);
    assert_int_equal(pick[1], 0);
    assert_int_equal(pick[2], 1);
    /* Nobody may take a MAPPA level 3 case when only PSOs are in post. */
    cand(f, 0, "S01", "PSO", "T1", "O1", 0);
    cases[0].mappa_level = "M3";
    ck_alloc_plan(&r, cases, 1, f->c, 1, D("2025-06-02"), pick, NULL);
    assert_int_equal(pick[0], SIZE_MAX);
    free(f);
}

/* ---- Ratings ------------------------------------------------------------------ */

static void test_rating_boundaries(void **state)
{
    (void)state;
    ck_rating_thresholds t = ck_inspect_thresholds(ck_rulecfg_default()); /* 80 / 65 / 50 */
    assert_int_equal(t.outstanding_pct, 80);
    assert_int_equal(ck_inspect_rate(7999, 10000, &t), CK_RATING_GOOD);        /* 79.99% */
    assert_int_equal(ck_inspect_rate(8000, 10000, &t), CK_RATING_OUTSTANDING); /* 80.00% */
    assert_int_equal(ck_inspect_rate(6499, 10000, &t), CK_RATING_REQUIRES_IMPROVEMENT);
    assert_int_equal(ck_inspect_rate(6500, 10000, &t), CK_RATING_GOOD);
    assert_int_equal(ck_inspect_rate(4999, 10000, &t), CK_RATING_INADEQUATE);
    assert_int_equal(ck_inspect_rate(5000, 10000, &t), CK_RATING_REQUIRES_IMPROVEMENT);
    assert_int_equal(ck_inspect_rate(0, 3, &t), CK_RATING_INADEQUATE);
    assert_int_equal(ck_inspect_rate(4, 5, &t), CK_RATING_OUTSTANDING); /* exactly 80% in small numbers */
    /* Percentages shown to 2 dp. */
    ck_met_count c = {7999, 10000};
    assert_true(ck_met_pct(&c) > 79.985 && ck_met_pct(&c) < 79.995);
    c = (ck_met_count){0, 0};
    assert_true(ck_met_pct(&c) < 0);
}

static void test_score_lowest_wins(void **state)
{
    (void)state;
    ck_rating_thresholds t = ck_inspect_thresholds(ck_rulecfg_default());
    ck_inspect_bands b = {0};
    char err[200];
    assert_true(ck_inspect_bands_set(&b, "inspection.band.requires_improvement_min", "6", err, sizeof err));
    assert_true(ck_inspect_bands_set(&b, "inspection.band.good_min", "15", err, sizeof err));
    assert_true(ck_inspect_bands_set(&b, "inspection.band.outstanding_min", "24", err, sizeof err));
    assert_true(ck_inspect_bands_check(&b, err, sizeof err));
    assert_false(ck_inspect_bands_set(&b, "inspection.band.good_min", "28", err, sizeof err));
    ck_met_count m[CK_MEASURES] = {0};
    m[ck_measure_find("A1")] = (ck_met_count){9, 10};  /* 90% */
    m[ck_measure_find("A2")] = (ck_met_count){13, 20}; /* 65%: the lowest, Good */
    m[ck_measure_find("A3")] = (ck_met_count){1, 1};
    m[ck_measure_find("P1")] = (ck_met_count){8, 10};  /* 80%: Outstanding */
    m[ck_measure_find("I1")] = (ck_met_count){10, 10};
    m[ck_measure_find("I2")] = (ck_met_count){49, 100}; /* 49%: Inadequate sets the standard */
    m[ck_measure_find("R1")] = (ck_met_count){5, 10};  /* 50%: Requires improvement */
    /* Victims: nothing counted, not rated. */
    ck_org_rating org[CK_ORG_STANDARDS] = {{true, CK_RATING_GOOD}, {true, CK_RATING_REQUIRES_IMPROVEMENT},
                                           {false, CK_RATING_INADEQUATE}, {true, CK_RATING_OUTSTANDING}};
    ck_inspect_score s;
    ck_inspect_score_compute(m, org, &t, &b, &s);
    assert_int_equal(s.standards[CK_STD_ASSESSMENT].rating, CK_RATING_GOOD);
    assert_int_equal(s.standards[CK_STD_ASSESSMENT].lowest_measure, ck_measure_find("A2"));
    assert_int_equal(s.standards[CK_STD_PLANNING].rating, CK_RATING_OUTSTANDING);
    assert_int_equal(s.standards[CK_STD_IMPLEMENTATION].rating, CK_RATING_INADEQUATE);
    assert_int_equal(s.standards[CK_STD_IMPLEMENTATION].lowest_measure, ck_measure_find("I2"));
    assert_int_equal(s.standards[CK_STD_REVIEWING].rating, CK_RATING_REQUIRES_IMPROVEMENT);
    assert_false(s.standards[CK_STD_VICTIMS].rated);
    assert_false(s.standards[CK_STD_SERVICES].rated);
    /* Points: org 2 + 1 + 0 (services unrated) + 3 = 6; case 2 + 3 + 0 + 1 +
     * 0 (victims unrated) = 6; total 12 of 27: 6 <= 12 < 15, Requires
     * improvement. */
    assert_int_equal(s.points, 12);
    assert_int_equal(s.unrated, 2);
    assert_int_equal(s.band, CK_RATING_REQUIRES_IMPROVEMENT);
    assert_int_equal(ck_inspect_band(0, &b), CK_RATING_INADEQUATE);
    assert_int_equal(ck_inspect_band(5, &b), CK_RATING_INADEQUATE);
    assert_int_equal(ck_inspect_band(15, &b), CK_RATING_GOOD);
    assert_int_equal(ck_inspect_band(24, &b), CK_RATING_OUTSTANDING);
    assert_int_equal(ck_inspect_band(27, &b), CK_RATING_OUTSTANDING);
}

/* ---- Counting obligations ------------------------------------------------------ */

static void test_inspect_counting(void **state)
{
    (void)state;
    /* Period January 2025, seen on 2025-02-01. */
    ck_inspect_period p = {D("2025-01-01"), D("2025-01-31"), D("2025-02-01")};
    ck_inspect_acc acc;
    ck_inspect_init(&acc, &p);
    assert_int_equal(acc.n_days, 31);
    ck_inspect_item case1[] = {
        {"ROSH_INITIAL", D("2025-01-20"), D("2025-01-20"), CK_NODATE},  /* A1: on time (met on the due day) */
        {"DA_CHECK", D("2025-01-10"), D("2025-01-13"), CK_NODATE},      /* A2: late */
        {"CHILD_CHECK", D("2025-01-10"), D("2025-01-09"), CK_NODATE},   /* A2: on time */
        {"DA_FLAG_DECISION", D("2025-01-15"), D("2025-01-30"), CK_NODATE}, /* A3: met late still counts as met */
        {"SENTENCE_PLAN", D("2025-02-03"), CK_NODATE, CK_NODATE},       /* due after the period: not counted */
        {"INDUCTION", D("2024-12-30"), D("2024-12-30"), CK_NODATE},     /* due before the period: not counted */
        {"ENFORCE", D("2025-01-31"), CK_NODATE, CK_NODATE},             /* I3: due 31st, unmet, as_of 1 Feb: overdue */
        /* CONTACT: contact 2024-12-20, due 2024-12-27, met 2025-01-10: runs
         * 1-10 Jan in the period, overdue 1-9 Jan (due < d, not met by d). */
        {"CONTACT", D("2024-12-27"), D("2025-01-10"), D("2024-12-20")},
        /* Next link: contact 2025-01-10, due 01-17, met 01-17: runs 10-17
         * Jan, never overdue. */
        {"CONTACT", D("2025-01-17"), D("2025-01-17"), D("2025-01-10")},
        /* Contact 2025-01-17, due 01-24, unmet: runs 17-31 Jan, overdue
         * 25-31 Jan (7 days). */
        {"CONTACT", D("2025-01-24"), CK_NODATE, D("2025-01-17")},
    };
    ck_met_count mine[CK_MEASURES];
    ck_inspect_add_case(&acc, case1, sizeof case1 / sizeof case1[0], mine);
    assert_int_equal(mine[ck_measure_find("A1")].met, 1);
    assert_int_equal(mine[ck_measure_find("A1")].counted, 1);
    assert_int_equal(mine[ck_measure_find("A2")].met, 1);
    assert_int_equal(mine[ck_measure_find("A2")].counted, 2);
    assert_int_equal(mine[ck_measure_find("A3")].met, 1);
    assert_int_equal(mine[ck_measure_find("P1")].counted, 0);
    assert_int_equal(mine[ck_measure_find("I1")].counted, 0);
    assert_int_equal(mine[ck_measure_find("I3")].met, 0);
    assert_int_equal(mine[ck_measure_find("I3")].counted, 1);
    /* I2: days under contact 1-31 Jan = 31; overdue 1-9 (9) and 25-31 (7) =
     * 16; not overdue 15. */
    assert_int_equal(mine[ck_measure_find("I2")].counted, 31);
    assert_int_equal(mine[ck_measure_find("I2")].met, 15);

    ck_inspect_item case2[] = {
        {"ROSH_INITIAL", D("2025-01-31"), CK_NODATE, CK_NODATE}, /* overdue at 1 Feb: fails */
        {"VCS_REFERRAL", D("2025-01-06"), D("2025-01-06"), CK_NODATE},
        {"VCS_FIRST_CONTACT", D("2025-01-28"), CK_NODATE, CK_NODATE},
        /* Contact 2025-01-27, due 02-03: runs 27-31 Jan, not overdue. */
        {"CONTACT", D("2025-02-03"), CK_NODATE, D("2025-01-27")},
    };
    ck_inspect_add_case(&acc, case2, sizeof case2 / sizeof case2[0], mine);
    assert_int_equal(mine[ck_measure_find("I2")].counted, 5);
    assert_int_equal(mine[ck_measure_find("I2")].met, 5);
    /* Totals: A1 1/2; V1 1/2; I2 (15 + 5) / (31 + 5) = 20/36. */
    assert_int_equal(acc.counts[ck_measure_find("A1")].met, 1);
    assert_int_equal(acc.counts[ck_measure_find("A1")].counted, 2);
    assert_int_equal(acc.counts[ck_measure_find("V1")].met, 1);
    assert_int_equal(acc.counts[ck_measure_find("V1")].counted, 2);
    assert_int_equal(acc.counts[ck_measure_find("I2")].met, 20);
    assert_int_equal(acc.counts[ck_measure_find("I2")].counted, 36);
    assert_int_equal(acc.cases, 2);
    /* A case with nothing in the period (a later obligation) is not one of
     * the period's cases. */
    ck_inspect_item case3[] = {{"ROSH_INITIAL", D("2025-03-03"), CK_NODATE, CK_NODATE}};
    ck_inspect_add_case(&acc, case3, 1, NULL);
    assert_int_equal(acc.cases, 2);
    /* An open obligation (due on or after as_of, unmet) is not yet counted. */
    ck_inspect_period later = {D("2025-01-01"), D("2025-01-31"), D("2025-01-20")};
    bool ok;
    ck_inspect_item open = {"ROSH_INITIAL", D("2025-01-25"), CK_NODATE, CK_NODATE};
    assert_false(ck_inspect_item_counts(&later, ck_measure_find("A1"), &open, &ok));
    /* Drill-down of I2 names the links that were overdue in the period. */
    assert_true(ck_inspect_contact_overdue(&p, &case1[7]));
    assert_false(ck_inspect_contact_overdue(&p, &case1[8]));
    assert_true(ck_inspect_contact_overdue(&p, &case1[9]));
    ck_inspect_free(&acc);
}

/* ---- Sample ------------------------------------------------------------------------ */

static void test_sample_reproducible(void **state)
{
    (void)state;
    size_t a[5], b[5], c[5];
    assert_int_equal(ck_sample_pick(20, 5, 42, a), 5);
    assert_int_equal(ck_sample_pick(20, 5, 42, b), 5);
    assert_int_equal(ck_sample_pick(20, 5, 43, c), 5);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    for (int i = 0; i < 5; i++) {
        assert_true(a[i] < 20);
        for (int j = 0; j < i; j++) assert_true(a[i] != a[j]);
    }
    /* Asking for more than there are gives them all, each once. */
    size_t all[3];
    assert_int_equal(ck_sample_pick(3, 10, 7, all), 3);
    assert_int_equal(all[0] + all[1] + all[2], 0 + 1 + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_capacity),       cmocka_unit_test(test_alloc_grade_rule),
        cmocka_unit_test(test_alloc_ranking),        cmocka_unit_test(test_alloc_plan_spreads),
        cmocka_unit_test(test_rating_boundaries),    cmocka_unit_test(test_score_lowest_wins),
        cmocka_unit_test(test_inspect_counting),     cmocka_unit_test(test_sample_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
