/* Managing the service on SQLite and PostgreSQL: workload from stored cases,
 * a leaver's cases reallocated in one action (the ALLOCATE leaver obligation
 * met, the cases gone from the leaver's worklist), the grade rule refusing an
 * allocation, the inspection figures of a hand-checked case, snapshots and
 * history, and the QA audit. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_manage.h"
#include "ck_manage_json.h"
#include "ck_nightly.h"
#include "ck_str.h"
#include "ck_court.h"
#include "ck_facts.h"
#include "ck_caseload.h"
#include "ck_org.h"

#define D ck_test_date
#define ok ck_test_ok

static const char *const ORG[] = {
    "{\"kind\":\"region\",\"code\":\"R1\",\"name\":\"London\"}",
    "{\"kind\":\"pdu\",\"code\":\"P1\",\"region\":\"R1\",\"name\":\"Lambeth\"}",
    "{\"kind\":\"team\",\"code\":\"T1\",\"pdu\":\"P1\",\"name\":\"Brixton 1\",\"office\":\"Brixton\"}",
    "{\"kind\":\"team\",\"code\":\"T2\",\"pdu\":\"P1\",\"name\":\"Brixton 2\",\"office\":\"Brixton\"}",
    "{\"kind\":\"pdu\",\"code\":\"P2\",\"region\":\"R1\",\"name\":\"Southwark\"}",
    "{\"kind\":\"team\",\"code\":\"T3\",\"pdu\":\"P2\",\"name\":\"Walworth\",\"office\":\"Walworth\"}",
    "{\"kind\":\"staff\",\"code\":\"S1\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Ann\",\"surname\":\"One\"}",
    "{\"kind\":\"staff\",\"code\":\"S2\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Bea\",\"surname\":\"Two\"}",
    "{\"kind\":\"staff\",\"code\":\"S3\",\"team\":\"T1\",\"grade\":\"PSO\",\"forename\":\"Cy\",\"surname\":\"Three\"}",
    "{\"kind\":\"staff\",\"code\":\"S4\",\"team\":\"T2\",\"grade\":\"PO\",\"forename\":\"Di\",\"surname\":\"Four\","
    "\"agency\":true}",
    "{\"kind\":\"vacancy\",\"team\":\"T1\",\"grade\":\"PO\",\"since\":\"2025-03-01\"}",
};

static void load_org(ck_db *db) { ck_test_load_org(db, ORG, sizeof ORG / sizeof ORG[0]); }

/* A community order allocated to PO `staff` in team T1 (ck_test_put_case). */
static void put_case(ck_db *db, const char *crn, const char *staff, const char *rosh, const char *more, const char *as_of)
{
    ck_test_put_case(db, crn, "T1", staff, "PO", rosh, more, as_of);
}

/* A case of put_case's, created on 2025-06-02 (staff NULL: unallocated). */
typedef struct held {
    const char *crn, *staff, *rosh;
} held;

/* The test's database holding the organisation and the n cases. */
static ck_db *org_with(void **state, const held *cases, size_t n)
{
    ck_db *db = ck_test_db_get(state);
    load_org(db);
    for (size_t i = 0; i < n; i++) put_case(db, cases[i].crn, cases[i].staff, cases[i].rosh, "", "2025-06-02");
    return db;
}

static const ck_obligation *find_ob(const ck_result *r, const char *rule, const char *subject)
{
    for (size_t i = 0; i < r->n_obligations; i++)
        if (ck_streq(r->obligations[i].rule, rule) && (!subject || ck_streq(r->obligations[i].subject, subject)))
            return &r->obligations[i];
    return NULL;
}

/* Open and overdue obligations on a staff member's (or, team set, a team's) worklist. */
static size_t worklist_of(ck_db *db, const char *staff, const char *team, ck_date as_of)
{
    char err[512];
    ck_worklist_query q = {.staff = staff, .team = team, .as_of = as_of, .limit = 10,
                           .statuses = (1u << CK_ST_OVERDUE) | (1u << CK_ST_OPEN)};
    ck_worklist *w = NULL;
    ok(ck_cases_worklist(db, &q, &w, err, sizeof err), err);
    size_t n = w->total;
    ck_worklist_free(w);
    return n;
}

static void test_workforce_figures(void **state)
{
    ck_db *db = org_with(state, (const held[]){{"A000001", "S1", "low"}, {"A000002", "S1", "medium"}}, 2);
    char err[512];
    ok(ck_workforce_set_posts(db, "T1", "PO", 3, err, sizeof err), err);
    ok(ck_workforce_add_reduction(db, "S2", "PSO L&D", -1, D("2025-05-01"), CK_NODATE, err, sizeof err), err);
    assert_int_equal(ck_workforce_add_reduction(db, "S2", "Court duty", -1, D("2025-05-01"), CK_NODATE, err, sizeof err),
                     CK_ERR_INVALID);
    assert_non_null(strstr(err, "hours:"));
    ck_workforce *w = NULL;
    ok(ck_workforce_load(db, ck_rulecfg_default(), NULL, "P1", D("2025-06-02"), &w, err, sizeof err), err);
    assert_int_equal(w->n_staff, 4);
    const ck_wf_staff *s1 = ck_workforce_find(w, "S1");
    assert_int_equal(s1->n_cases, 2);
    /* Each case: a CO in force, no OASys needs -> change level from the
     * tier's own rules; the points are whatever WMT gives the tier, and the
     * total is their sum. */
    long sum = 0;
    for (size_t i = 0; i < s1->n_cases; i++) {
        assert_true(s1->cases[i].has_type);
        assert_int_equal(s1->cases[i].type, CK_WMT_COMMUNITY);
        assert_int_equal(s1->cases[i].points, ck_wmt_case_points(s1->cases[i].tier, CK_WMT_COMMUNITY));
        sum += s1->cases[i].points;
    }
    assert_int_equal(s1->wmt.total_points, sum);
    assert_true(s1->wmt.capacity_known);
    /* S2: PSO L&D is 20% of 37 h = 7.4 h from 2025-05-01 (expires 6 months
     * later): 29.6 h available -> floor(2176 x 29.6 / 37) = 1740 points. */
    const ck_wf_staff *s2 = ck_workforce_find(w, "S2");
    assert_int_equal(s2->wmt.available_points, 1740);
    /* Teams: T1 has 3 in post, 3 funded PO posts and 1 vacancy; T2 one
     * agency PO; the total row adds them. */
    assert_int_equal(w->n_teams, 3);
    assert_string_equal(w->teams[0].code, "T1");
    assert_int_equal(w->teams[0].staffing.in_post, 3);
    assert_int_equal(w->teams[0].vacancies, 1);
    assert_true(w->teams[0].posts_fte > 2.99 && w->teams[0].posts_fte < 3.01);
    assert_int_equal(w->teams[0].staffing.cases, 2);
    assert_int_equal(w->teams[1].staffing.agency, 1);
    assert_string_equal(w->teams[2].code, "total");
    assert_int_equal(w->teams[2].staffing.in_post, 4);
    ck_workforce_free(w);
}

static void test_leaver_reallocated(void **state)
{
    ck_db *db = org_with(state, (const held[]){{"A000001", "S1", "low"}, {"A000002", "S1", "low"}}, 2);
    char err[512];
    ck_engine eng = ck_engine_default();
    ck_date today = D("2025-06-02");
    size_t before = worklist_of(db, "S1", NULL, today);
    assert_true(before > 0);

    /* S1 leaves on 2025-06-02: both cases get an ALLOCATE (leaver)
     * obligation on allocation AL1, due L + 3 WD = 2025-06-05. */
    size_t touched = 0;
    ok(ck_workforce_staff_leaves(db, &eng, "S1", today, false, today, &touched, err, sizeof err), err);
    assert_int_equal(touched, 2);
    ck_result *r = NULL;
    ok(ck_cases_obligations(db, "A000001", today, &r, err, sizeof err), err);
    const ck_obligation *o = find_ob(r, "ALLOCATE", "allocation:AL1");
    assert_non_null(o);
    assert_int_equal(o->status, CK_ST_OPEN);
    char d[CK_DATE_STRLEN];
    assert_string_equal(ck_date_fmt(o->due, d), "2025-06-05");
    ck_result_free(r);
    ck_alloc_needs *needs = NULL;
    ok(ck_alloc_needs_load(db, "P1", &needs, err, sizeof err), err);
    assert_int_equal(needs->n, 2);
    ck_alloc_needs_free(needs);

    /* Reallocated in one action: the plan spreads them (S2 then S3, both in
     * T1 with no cases: tie on capacity, by code; then S3 is lower). */
    ck_manage_cfg mc;
    ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);
    ck_alloc_moves *m = NULL;
    ok(ck_alloc_reallocate(db, &eng, &mc, "S1", NULL, today, &m, err, sizeof err), err);
    assert_int_equal(m->n, 2);
    assert_string_equal(m->crn[0], "A000001");
    assert_string_equal(m->staff[0], "S2");
    assert_string_equal(m->staff[1], "S3");
    ck_alloc_moves_free(m);

    ok(ck_cases_obligations(db, "A000001", today, &r, err, sizeof err), err);
    o = find_ob(r, "ALLOCATE", "allocation:AL1");
    assert_non_null(o);
    assert_int_equal(o->status, CK_ST_MET);
    ck_result_free(r);
    /* The lost cases left S1's worklist and are on the new holders'. */
    assert_int_equal(worklist_of(db, "S1", NULL, today), 0);
    assert_true(worklist_of(db, "S2", NULL, today) > 0);
    ok(ck_alloc_needs_load(db, "P1", &needs, err, sizeof err), err);
    assert_int_equal(needs->n, 0);
    ck_alloc_needs_free(needs);
    /* The new allocation ended the old one on the handover day. */
    ck_case *c = NULL;
    ok(ck_cases_get(db, "A000001", &c, err, sizeof err), err);
    assert_int_equal(c->n_allocations, 2);
    assert_string_equal(ck_date_fmt(c->allocations[0].to, d), "2025-06-02");
    assert_string_equal(ck_date_fmt(c->allocations[0].staff_left_on, d), "2025-06-02");
    assert_string_equal(c->allocations[1].staff_code, "S2");
    ck_case_free(c);
}

/* The allocation board: a never-allocated high-RoSH case and a leaver's
 * case, ranked against the PDU's workforce loaded once. */
static void test_allocation_board(void **state)
{
    ck_db *db = org_with(state, (const held[]){{"B000001", NULL, "high"}, {"B000002", "S1", "low"}}, 2);
    char err[512];
    ck_engine eng = ck_engine_default();
    ck_date today = D("2025-06-02");
    ok(ck_workforce_staff_leaves(db, &eng, "S1", D("2025-05-28"), false, today, NULL, err, sizeof err), err);
    ck_manage_cfg mc;
    ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);
    ck_alloc_board *b = NULL;
    ok(ck_alloc_board_load(db, &eng, &mc, "P1", NULL, today, &b, err, sizeof err), err);
    assert_int_equal(b->n, 2);
    /* B000002's leaver obligation is due 28 May + 3 WD = 2 June; B000001
     * was due 6 Jan + 1 WD (high risk at sentence? no RoSH then: + 3 WD). */
    assert_string_equal(b->cases[0].crn, "B000001");
    assert_false(b->cases[0].lost);
    assert_null(b->cases[0].staff_code);
    assert_string_equal(b->cases[1].crn, "B000002");
    assert_true(b->cases[1].lost);
    assert_string_equal(b->cases[1].staff_code, "S1");
    /* The PSO is never offered the high-RoSH case; the leaver is offered
     * neither. */
    assert_int_equal(b->cases[0].ranking.n, 2);
    for (size_t i = 0; i < b->n; i++)
        for (size_t k = 0; k < b->cases[i].ranking.n; k++) {
            const char *code = b->wf->staff[b->cases[i].ranking.choices[k].candidate].code;
            assert_string_not_equal(code, "S1");
            if (i == 0) assert_string_not_equal(code, "S3");
        }
    assert_int_equal(b->cases[1].ranking.n, 3);
    assert_int_equal(b->n_gone, 1);
    assert_string_equal(b->gone[0]->code, "S1");
    json_t *j = ck_alloc_board_to_json(b, 2);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *lost = json_array_get(items, 1);
    assert_string_equal(json_string_value(json_object_get(lost, "kind")), "lost");
    assert_string_equal(json_string_value(json_object_get(lost, "status")), "open");
    assert_int_equal(json_array_size(json_object_get(lost, "candidates")), 2);
    assert_int_equal(json_integer_value(json_object_get(lost, "ranked")), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "status")), "overdue");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "gone"), 0), "cases")), 1);
    json_decref(j);
    ck_alloc_board_free(b);

    /* A team's board: T2 holds neither case. */
    ok(ck_alloc_board_load(db, &eng, &mc, "P1", "T2", today, &b, err, sizeof err), err);
    assert_int_equal(b->n, 0);
    assert_int_equal(b->n_gone, 0);
    ck_alloc_board_free(b);
    assert_int_equal(ck_alloc_board_load(db, &eng, &mc, "P1", "T9", today, &b, err, sizeof err), CK_ERR_NOTFOUND);
    assert_non_null(strstr(err, "team:"));
    assert_int_equal(ck_alloc_board_load(db, &eng, &mc, "P9", NULL, today, &b, err, sizeof err), CK_ERR_NOTFOUND);
    assert_null(b);

    /* Reallocating the leaver empties the board of the lost case. */
    ok(ck_alloc_reallocate(db, &eng, &mc, "S1", NULL, today, NULL, err, sizeof err), err);
    ok(ck_alloc_board_load(db, &eng, &mc, "P1", NULL, today, &b, err, sizeof err), err);
    assert_int_equal(b->n, 1);
    assert_string_equal(b->cases[0].crn, "B000001");
    assert_int_equal(b->n_gone, 0);
    ck_alloc_board_free(b);
}

static ck_rc move_team(ck_case *c, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    c->team = ck_arena_strdup(&c->arena, ctx);
    return CK_OK;
}

static ck_rc refuse(ck_case *c, void *ctx, char *err, size_t err_len)
{
    (void)ctx;
    c->team = NULL;
    snprintf(err, err_len, "team: refused");
    return CK_ERR_CONFLICT;
}

/* A write inside the caller's transaction derives the holder and stores
 * the obligations as every other write does, and leaves the transaction to
 * the caller. The case is unallocated, so its own team holds it (an
 * allocated case is held by its practitioner's team: test_holder). */
static void test_edit_in_tx(void **state)
{
    ck_db *db = org_with(state, (const held[]){{"E000001", NULL, "low"}}, 1);
    char err[512];
    ck_engine eng = ck_engine_default();
    ck_date today = D("2025-06-02");
    size_t t1 = worklist_of(db, NULL, "T1", today);
    assert_true(t1 > 0);
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    assert_int_equal(ck_cases_edit_in_tx(db, &eng, "E000001", refuse, NULL, today, err, sizeof err), CK_ERR_CONFLICT);
    assert_string_equal(err, "team: refused");
    assert_int_equal(ck_cases_edit_in_tx(db, &eng, "NOSUCH1", move_team, "T2", today, err, sizeof err),
                     CK_ERR_NOTFOUND);
    assert_true(ck_db_in_tx(db));
    ck_db_rollback(db);
    assert_int_equal(worklist_of(db, NULL, "T1", today), t1);

    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    ok(ck_cases_edit_in_tx(db, &eng, "E000001", move_team, "T2", today, err, sizeof err), err);
    assert_true(ck_db_in_tx(db));
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    assert_int_equal(worklist_of(db, NULL, "T1", today), 0);
    assert_int_equal(worklist_of(db, NULL, "T2", today), t1);
    ck_case *c = NULL;
    ok(ck_cases_get(db, "E000001", &c, err, sizeof err), err);
    assert_string_equal(c->team, "T2");
    assert_null(ck_allocation_current(c, today));
    ck_case_free(c);
}

/* "A PDU's cases" (ck_caseload.h): an allocated case is held by its
 * practitioner's team and PDU whatever team the case names; an unallocated
 * one by its own team's. Each page and `casekeeper stats` count by that. */
static void test_holder(void **state)
{
    ck_db *db = org_with(state, (const held[]){{"H000001", "S1", "low"}, {"H000002", NULL, "low"}}, 2);
    char err[512];
    ck_engine eng = ck_engine_default();
    ck_date today = D("2025-06-02");
    size_t t1 = worklist_of(db, NULL, "T1", today);
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    ok(ck_cases_edit_in_tx(db, &eng, "H000001", move_team, "T3", today, err, sizeof err), err);
    ok(ck_cases_edit_in_tx(db, &eng, "H000002", move_team, "T3", today, err, sizeof err), err);
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    size_t t3 = worklist_of(db, NULL, "T3", today);
    assert_true(t3 > 0);                                   /* the unallocated case moved to T3 */
    assert_int_equal(worklist_of(db, NULL, "T1", today), t1 - t3); /* S1's stayed with S1's team */
    ck_arena a;
    ck_arena_init(&a);
    ck_pdu_cases *rows;
    size_t n;
    ok(ck_caseload_pdu_cases(db, NULL, NULL, &a, &rows, &n, err, sizeof err), err);
    ck_pdu_cases p1 = ck_pdu_cases_find(rows, n, "P1"), p2 = ck_pdu_cases_find(rows, n, "P2");
    assert_int_equal(p1.allocated, 1);
    assert_int_equal(p1.unallocated, 0);
    assert_int_equal(p2.allocated, 0);
    assert_int_equal(p2.unallocated, 1);
    ok(ck_caseload_pdu_cases(db, "R1", NULL, &a, &rows, &n, err, sizeof err), err);
    assert_int_equal(n, 2);
    ok(ck_caseload_pdu_cases(db, NULL, "P9", &a, &rows, &n, err, sizeof err), err);
    assert_int_equal(n, 0);
    assert_int_equal(ck_pdu_cases_find(rows, n, "P9").allocated, 0);
    ck_arena_free(&a);
}

static void test_grade_rule_refuses(void **state)
{
    ck_db *db = org_with(state, (const held[]){{"B000001", NULL, "high"}}, 1);
    char err[512];
    ck_engine eng = ck_engine_default();
    ck_manage_cfg mc;
    ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);
    ck_date today = D("2025-06-02");
    assert_int_equal(ck_alloc_allocate(db, &eng, &mc, "B000001", "S3", NULL, today, NULL, err, sizeof err), CK_ERR_CONFLICT);
    assert_non_null(strstr(err, "RoSH high"));
    /* The ranking never offers the PSO; a PO in the case's team comes first. */
    ck_workforce *w = NULL;
    ck_alloc_ranking rk;
    ok(ck_alloc_rank_case(db, &eng, &mc, "B000001", today, &w, &rk, err, sizeof err), err);
    assert_int_equal(rk.n, 3);
    assert_string_equal(w->staff[rk.choices[0].candidate].team, "T1");
    for (size_t i = 0; i < rk.n; i++) assert_string_not_equal(w->staff[rk.choices[i].candidate].code, "S3");
    ck_alloc_ranking_free(&rk);
    ck_workforce_free(w);
    ok(ck_alloc_allocate(db, &eng, &mc, "B000001", "S2", NULL, today, NULL, err, sizeof err), err);
    ck_result *r = NULL;
    ok(ck_cases_obligations(db, "B000001", today, &r, err, sizeof err), err);
    assert_int_equal(find_ob(r, "ALLOCATE", "case")->status, CK_ST_MET_LATE);
    ck_result_free(r);
    /* A deployment widens the rule: PSOs may hold high RoSH. */
    ok(ck_manage_setting_put(db, "allocate.max_rosh.PSO", "high", err, sizeof err), err);
    assert_int_equal(ck_manage_setting_put(db, "allocate.max_rosh.PSO", "huge", err, sizeof err), CK_ERR_INVALID);
    assert_int_equal(ck_manage_setting_put(db, "inspection.band.good_min", "3", err, sizeof err), CK_ERR_INVALID);
    ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);
    ok(ck_alloc_allocate(db, &eng, &mc, "B000001", "S3", NULL, D("2025-06-03"), NULL, err, sizeof err), err);
}

/* One case, hand-checked against the rulebook. Community order sentenced
 * Monday 2025-01-06, evaluated and inspected on 2025-04-01 for the period
 * 2025-01-01 to 2025-03-31:
 *  - ROSH_INITIAL due 2025-01-06 + 15 WD = 2025-01-27; RoSH completed
 *    2025-02-20: late. A1 = 0/1.
 *  - DA_CHECK and CHILD_CHECK due + 10 WD = 2025-01-20, no checks: both
 *    overdue. A2 = 0/2. A3: no police check, no DA_FLAG_DECISION: none.
 *  - SENTENCE_PLAN due 2025-01-27, completed 2025-01-10: on time. P1 = 1/1.
 *  - INDUCTION due + 5 WD = 2025-01-13; attended NS contact 2025-01-08: on
 *    time. I1 = 1/1.
 *  - CONTACT from 2025-01-08 due + 7 days = 2025-01-15, never met: runs
 *    8 Jan - 31 Mar (24 + 28 + 31 = 83 days), overdue from 16 Jan (16 + 28
 *    + 31 = 75 days): 8 days not overdue. I2 = 8/83 = 9.64%.
 *  - ROSH_REVIEW due 2025-02-20 + 52 weeks: after the period. R1, V1 none.
 * Ratings: Assessment 0% Inadequate 0; Planning 100% Outstanding 3;
 * Implementation lowest I2 9.64% Inadequate 0; Reviewing and Victims not
 * rated 0. Leadership entered as Good 2. Points 0 + 3 + 0 + 2 = 5 < 6:
 * Inadequate overall; 5 standards unrated (3 organisational, 2 case). */
static const char INSPECTED[] =
    ",\"contacts\":[{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2025-01-08\",\"type\":\"COAI\","
    "\"national_standard\":true,\"appointment\":true,\"outcome\":\"ATTC\",\"outcome_on\":\"2025-01-08\","
    "\"booked_on\":\"2025-01-07\"}]";

static int64_t kq(const json_t *report, const char *standard, const char *key, const char *field)
{
    size_t i, k;
    json_t *s, *q;
    json_array_foreach(json_object_get(report, "standards"), i, s)
    {
        if (!ck_streq(json_string_value(json_object_get(s, "key")), standard)) continue;
        json_array_foreach(json_object_get(s, "key_questions"), k, q) if (ck_streq(json_string_value(json_object_get(q, "key")), key))
            return json_integer_value(json_object_get(q, field));
    }
    fail_msg("no key question %s/%s", standard, key);
    return -1;
}

static const char *rating_of(const json_t *report, const char *standard)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(report, "standards"), i, s) if (ck_streq(json_string_value(json_object_get(s, "key")), standard))
        return json_is_null(json_object_get(s, "rating")) ? "unrated" : json_string_value(json_object_get(s, "rating"));
    return "missing";
}

/* The store returns structs; these give the JSON the API serves of them
 * (http/ck_manage_json), which the assertions below read. */
static ck_rc failures_json(ck_db *db, const char *pdu, const ck_inspect_period *p, const char *kq, json_t **out,
                           char *err, size_t err_len)
{
    ck_failure_list *l = NULL;
    ck_rc rc = ck_inspection_failures(db, NULL, pdu, p, kq, &l, err, err_len);
    *out = rc == CK_OK ? ck_inspection_failures_json(l) : NULL;
    ck_failure_list_free(l);
    return rc;
}

static ck_rc history_json(ck_db *db, const ck_inspect_bands *bands, const char *pdu, int months, ck_date as_of,
                          json_t **out, char *err, size_t err_len)
{
    ck_inspection_months *h = NULL;
    ck_rc rc = ck_inspection_history(db, ck_rulecfg_default(), bands, pdu, months, as_of, &h, err, err_len);
    *out = rc == CK_OK ? ck_inspection_history_json(h) : NULL;
    ck_inspection_months_free(h);
    return rc;
}

static ck_rc qa_report_json(ck_db *db, int64_t id, ck_date as_of, json_t **out, char *err, size_t err_len)
{
    ck_qa_sample_report *r = NULL;
    ck_rc rc = ck_qa_report(db, id, as_of, &r, err, err_len);
    *out = rc == CK_OK ? ck_qa_report_to_json(r) : NULL;
    ck_qa_report_free(r);
    return rc;
}

static ck_rc qa_samples_json(ck_db *db, const char *pdu, json_t **out, char *err, size_t err_len)
{
    ck_qa_sample_list *l = NULL;
    ck_rc rc = ck_qa_samples(db, pdu, &l, err, err_len);
    *out = rc == CK_OK ? ck_qa_samples_json(l) : NULL;
    ck_qa_sample_list_free(l);
    return rc;
}

static void test_inspection_figures(void **state)
{
    ck_db *db = ck_test_db_get(state);
    load_org(db);
    char more[1024];
    snprintf(more, sizeof more, "%s", INSPECTED);
    put_case(db, "C000001", "S1", "low", more, "2025-04-01");
    char err[1024];
    ck_engine eng = ck_engine_default();
    /* A sentence plan on 2025-01-10, by a record write. */
    ck_assessment plan = {"AS2", "sentence_plan", D("2025-01-10"), NULL, CK_NOINT, false, {0}};
    ok(ck_cases_add(db, &eng, "C000001", "assessments", &plan, D("2025-04-01"), err, sizeof err), err);
    ok(ck_inspection_org_put(db, "P1", CK_STD_LEADERSHIP, CK_RATING_GOOD, "Staff survey 2025; SPO supervision audit",
                             "head.pdu", D("2025-03-15"), err, sizeof err), err);
    assert_int_equal(ck_inspection_org_put(db, "P1", CK_STD_PLANNING, CK_RATING_GOOD, "x", "h", D("2025-03-15"), err,
                                           sizeof err), CK_ERR_INVALID);
    assert_int_equal(ck_inspection_org_put(db, "P1", CK_STD_STAFF, CK_RATING_GOOD, " ", "h", D("2025-03-15"), err,
                                           sizeof err), CK_ERR_INVALID);
    assert_non_null(strstr(err, "evidence:"));

    ck_manage_cfg mc;
    ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);
    ck_inspect_period p = {D("2025-01-01"), D("2025-03-31"), D("2025-04-01")};
    ck_inspection *x = NULL;
    ok(ck_inspection_compute(db, ck_rulecfg_default(), &mc.bands, NULL, "P1", &p, &x, err, sizeof err), err);
    json_t *j = ck_inspection_to_json(x);
    assert_int_equal(kq(j, "assessment", "A1", "met"), 0);
    assert_int_equal(kq(j, "assessment", "A1", "counted"), 1);
    assert_int_equal(kq(j, "assessment", "A2", "met"), 0);
    assert_int_equal(kq(j, "assessment", "A2", "counted"), 2);
    assert_int_equal(kq(j, "assessment", "A3", "counted"), 0);
    assert_int_equal(kq(j, "planning", "P1", "met"), 1);
    assert_int_equal(kq(j, "planning", "P1", "counted"), 1);
    assert_int_equal(kq(j, "implementation_delivery", "I1", "met"), 1);
    assert_int_equal(kq(j, "implementation_delivery", "I1", "counted"), 1);
    assert_int_equal(kq(j, "implementation_delivery", "I2", "met"), 8);
    assert_int_equal(kq(j, "implementation_delivery", "I2", "counted"), 83);
    assert_int_equal(kq(j, "reviewing", "R1", "counted"), 0);
    assert_string_equal(rating_of(j, "assessment"), "inadequate");
    assert_string_equal(rating_of(j, "planning"), "outstanding");
    assert_string_equal(rating_of(j, "implementation_delivery"), "inadequate");
    assert_string_equal(rating_of(j, "reviewing"), "unrated");
    assert_string_equal(rating_of(j, "leadership"), "good");
    assert_int_equal(json_integer_value(json_object_get(j, "points")), 5);
    assert_string_equal(json_string_value(json_object_get(j, "band")), "inadequate");
    assert_int_equal(json_integer_value(json_object_get(j, "unrated")), 5);
    json_decref(j);
    ck_inspection_free(x);

    /* The region pools its PDUs; it has no organisational entries. */
    ok(ck_inspection_compute(db, ck_rulecfg_default(), &mc.bands, "R1", NULL, &p, &x, err, sizeof err), err);
    assert_int_equal(x->score.points, 3);
    ck_inspection_free(x);

    /* Drill-down: A2 names both checks of C000001 with their explanations. */
    json_t *f = NULL;
    ok(failures_json(db, "P1", &p, "A2", &f, err, sizeof err), err);
    assert_int_equal(json_array_size(f), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "crn")), "C000001");
    assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "rule")), "CHILD_CHECK");
    assert_true(strlen(json_string_value(json_object_get(json_array_get(f, 0), "explanation"))) > 0);
    json_decref(f);
    ok(failures_json(db, "P1", &p, "I2", &f, err, sizeof err), err);
    assert_int_equal(json_array_size(f), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "subject")), "contact:C1");
    json_decref(f);
    assert_int_equal(failures_json(db, "P1", &p, "Z9", &f, err, sizeof err), CK_ERR_INVALID);

    /* History: January computed now, February stored as a snapshot. Each
     * month's row scores the twelve months to its last day. */
    ok(ck_inspection_snapshot(db, ck_rulecfg_default(), &mc.bands, "P1", D("2025-02-10"), D("2025-04-01"),
                              ck_inspection_snapshot_text, err, sizeof err), err);
    json_t *h = NULL;
    ok(history_json(db, &mc.bands, "P1", 3, D("2025-03-31"), &h, err, sizeof err), err);
    assert_int_equal(json_array_size(h), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "month")), "2025-01");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "source")), "computed");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 1), "source")), "snapshot");
    /* January (nothing before it): ROSH_INITIAL due 27 Jan, unmet at 1 Feb
     * -> A1 0/1; checks 0/2; plan 1/1 (due 27 Jan, met 10 Jan); induction
     * 1/1; I2 8 of 24 days; leadership not yet entered (15 Mar). Points:
     * planning 3. */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 0), "points")), 3);
    json_decref(h);
    /* Months without snapshots come from one pass over the obligations; each
     * is what computing its twelve months alone gives, and the last row is
     * the headline: the default period at the same date. */
    ok(history_json(db, &mc.bands, "P1", 4, D("2025-04-01"), &h, err, sizeof err), err);
    assert_int_equal(json_array_size(h), 4);
    static const char *const ends[] = {"2025-01-31", "2025-03-31"};
    static const size_t rows[] = {1, 3};
    for (size_t i = 0; i < 2; i++) {
        ck_inspect_period mp = ck_inspect_default_period(D(ends[i]) + 1);
        if (i == 1) assert_true(mp.from == ck_inspect_default_period(D("2025-04-01")).from);
        ok(ck_inspection_compute(db, ck_rulecfg_default(), &mc.bands, NULL, "P1", &mp, &x, err, sizeof err), err);
        json_t *row = json_array_get(h, rows[i]);
        assert_string_equal(json_string_value(json_object_get(row, "source")), "computed");
        assert_int_equal(json_integer_value(json_object_get(row, "points")), x->score.points);
        json_t *want = ck_inspection_to_json(x), *std;
        size_t k;
        json_array_foreach(json_object_get(want, "standards"), k, std)
            assert_true(json_equal(json_object_get(std, "rating"),
                                   json_object_get(json_object_get(row, "standards"),
                                                   json_string_value(json_object_get(std, "key")))));
        json_decref(want);
        ck_inspection_free(x);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "month")), "2024-12");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 3), "month")), "2025-03");
    json_decref(h);

    /* The nightly job stores every row not yet fresh (February's snapshot
     * is; the current month's is taken again each day), then nothing more
     * that day; read back, a snapshot is the figures it was made from. */
    size_t written = 0;
    ok(ck_nightly_snapshots(db, ck_rulecfg_default(), D("2025-04-01"), ck_inspection_snapshot_text, &written, err, sizeof err), err);
    assert_int_equal(written, 2 * CK_INSPECTION_HISTORY_MONTHS - 1); /* P1 and P2 */
    ok(ck_nightly_snapshots(db, ck_rulecfg_default(), D("2025-04-01"), ck_inspection_snapshot_text, &written, err, sizeof err), err);
    assert_int_equal(written, 0);
    ok(ck_nightly_snapshots(db, ck_rulecfg_default(), D("2025-04-02"), ck_inspection_snapshot_text, &written, err, sizeof err), err);
    assert_int_equal(written, 2); /* each PDU's April row, now to 1 April */
    ck_inspection_months *hm = NULL;
    ok(ck_inspection_history(db, ck_rulecfg_default(), &mc.bands, "P1", 12, D("2025-04-01"), &hm, err, sizeof err),
       err);
    assert_int_equal(hm->n, 12);
    assert_non_null(hm->months[11].snapshot);
    assert_string_equal(hm->months[11].month, "2025-03");
    ck_inspection *back = ck_inspection_from_snapshot(hm->months[11].snapshot);
    assert_non_null(back);
    p = ck_inspect_default_period(D("2025-04-01"));
    ok(ck_inspection_compute(db, ck_rulecfg_default(), &mc.bands, NULL, "P1", &p, &x, err, sizeof err), err);
    json_t *a = ck_inspection_to_json(back), *b = ck_inspection_to_json(x);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    ck_inspection_free(back);
    ck_inspection_free(x);
    ck_inspection_months_free(hm);
    assert_null(ck_inspection_from_snapshot("{\"points\": 3}"));
}

static void test_qa_audit(void **state)
{
    ck_db *db = ck_test_db_get(state);
    load_org(db);
    put_case(db, "C000001", "S1", "low", INSPECTED, "2025-04-01");
    put_case(db, "C000002", "S1", "low", "", "2025-04-01");
    put_case(db, "C000003", "S1", "low", "", "2025-04-01");
    char err[1024];
    int64_t id1 = 0, id2 = 0;
    ok(ck_qa_draw(db, "P1", 2, 99, D("2025-01-01"), D("2025-03-31"), "qa.officer", D("2025-04-01"), &id1, err,
                  sizeof err), err);
    ok(ck_qa_draw(db, "P1", 2, 99, D("2025-01-01"), D("2025-03-31"), "qa.officer", D("2025-04-01"), &id2, err,
                  sizeof err), err);
    json_t *r1 = NULL, *r2 = NULL;
    ok(qa_report_json(db, id1, D("2025-04-01"), &r1, err, sizeof err), err);
    ok(qa_report_json(db, id2, D("2025-04-01"), &r2, err, sizeof err), err);
    json_t *c1 = json_object_get(r1, "cases"), *c2 = json_object_get(r2, "cases");
    assert_int_equal(json_array_size(c1), 2); /* 2 of T1's 3 cases */
    for (size_t i = 0; i < 2; i++)            /* the same seed draws the same cases */
        assert_string_equal(json_string_value(json_object_get(json_array_get(c1, i), "crn")),
                            json_string_value(json_object_get(json_array_get(c2, i), "crn")));
    char crn[17];
    snprintf(crn, sizeof crn, "%s", json_string_value(json_object_get(json_array_get(c1, 0), "crn")));
    /* Every case of this dataset failed its checks (A2 0/2) and has no
     * sentence plan (P1 0/1): the auditor finds assessment and planning
     * sufficient, two disagreements; implementation is not answered. */
    ok(ck_qa_answer(db, id1, crn, CK_STD_ASSESSMENT, true, "checks were requested by phone", "qa.officer",
                    D("2025-04-02"), err, sizeof err), err);
    ok(ck_qa_answer(db, id1, crn, CK_STD_PLANNING, true, NULL, "qa.officer", D("2025-04-02"), err, sizeof err), err);
    assert_int_equal(ck_qa_answer(db, id1, "ZZZ", CK_STD_PLANNING, false, NULL, "q", D("2025-04-02"), err, sizeof err),
                     CK_ERR_NOTFOUND);
    json_decref(r1);
    ok(qa_report_json(db, id1, D("2025-04-01"), &r1, err, sizeof err), err);
    assert_int_equal(json_integer_value(json_object_get(r1, "disagreements")), 2);
    json_t *d = ck_qa_disagreements(r1);
    assert_int_equal(json_array_size(d), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "crn")), crn);
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "question")), "assessment");
    assert_true(json_is_true(json_object_get(json_array_get(d, 0), "auditor")));
    assert_true(json_is_false(json_object_get(json_array_get(d, 0), "computed")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "note")), "checks were requested by phone");
    json_decref(d);
    json_decref(r1);
    json_t *list = NULL;
    ok(qa_samples_json(db, "P1", &list, err, sizeof err), err);
    assert_int_equal(json_array_size(list), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "sample_id")), id2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "answers")), 0);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "answers")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "cases")), 2);
    json_decref(list);
    ok(qa_samples_json(db, "P9", &list, err, sizeof err), err);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    json_decref(r2);
}

/* The organisation's lists (the web's PDU, region and team pickers) and the
 * court page's open check of a case. */
static void test_org_lists_and_open_checks(void **state)
{
    ck_db *db = ck_test_db_get(state);
    load_org(db);
    char err[512];
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record *recs = NULL;
    size_t n = 0;
    ok(ck_org_list(db, CK_ORG_REGION, NULL, &a, &recs, &n, err, sizeof err), err);
    assert_int_equal(n, 1);
    assert_string_equal(recs[0].code, "R1");
    assert_string_equal(recs[0].name, "London");
    ok(ck_org_list(db, CK_ORG_PDU, NULL, &a, &recs, &n, err, sizeof err), err);
    assert_int_equal(n, 2); /* P1, and P2 (test_holder's other PDU) */
    assert_string_equal(recs[0].region, "R1");
    ok(ck_org_list(db, CK_ORG_PDU, "R1", &a, &recs, &n, err, sizeof err), err);
    assert_int_equal(n, 2);
    ok(ck_org_list(db, CK_ORG_PDU, "R9", &a, &recs, &n, err, sizeof err), err);
    assert_int_equal(n, 0);
    ok(ck_org_list(db, CK_ORG_TEAM, "P1", &a, &recs, &n, err, sizeof err), err);
    assert_int_equal(n, 2);
    assert_string_equal(recs[0].name, "Brixton 1");
    assert_string_equal(recs[1].code, "T2");
    assert_string_equal(recs[1].pdu, "P1");
    assert_int_equal(ck_org_list(db, CK_ORG_STAFF, "T1", &a, &recs, &n, err, sizeof err), CK_ERR_INVALID);

    /* K1 asked for and answered, K2 asked for later and waiting; no
     * children's services check at all. */
    put_case(db, "X100001", "S1", NULL,
             ",\"checks\":[{\"id\":\"K1\",\"kind\":\"police_da\",\"requested\":\"2025-05-01\",\"received\":\"2025-05-03\"},"
             "{\"id\":\"K2\",\"kind\":\"police_da\",\"requested\":\"2025-05-20\"}]",
             "2025-06-02");
    const char *id = NULL;
    ok(ck_court_open_check(db, "X100001", "police_da", &a, &id, err, sizeof err), err);
    assert_string_equal(id, "K2");
    ok(ck_court_open_check(db, "X100001", "childrens_services", &a, &id, err, sizeof err), err);
    assert_null(id);
    ok(ck_court_open_check(db, "X999999", "police_da", &a, &id, err, sizeof err), err);
    assert_null(id);
    ck_arena_free(&a);
}

/* The stored workload profile (migration 011) of a case with court reports
 * in preparation, a MAPP level and a RoSH level, written by the case write
 * path: the workforce reads it as it reads the case loaded whole (which it
 * does when the profile is not of the date asked for). */
static void test_profile_stored(void **state)
{
    ck_db *db = ck_test_db_get(state);
    load_org(db);
    const char *json =
        "{\"crn\":\"A000009\",\"team\":\"T1\",\"person\":{\"forename\":\"P\",\"surname\":\"Q\"},"
        "\"allocations\":[{\"id\":\"AL1\",\"from\":\"2025-01-07\",\"staff_code\":\"S1\",\"grade\":\"PO\"}],"
        "\"assessments\":[{\"id\":\"AS1\",\"kind\":\"rosh\",\"completed\":\"2025-02-20\",\"level\":\"high\"}],"
        "\"registrations\":[{\"id\":\"G1\",\"type\":\"MAPP\",\"date\":\"2025-01-10\",\"level\":\"M2\","
        "\"category\":\"M1\"}],"
        "\"events\":[{\"id\":\"E1\",\"offences\":[{\"id\":\"O1\",\"category\":\"theft\",\"main\":true}],"
        "\"sentence\":{\"type\":\"community_order\",\"date\":\"2025-01-06\",\"end_date\":\"2026-01-05\"},"
        "\"reports\":[{\"id\":\"R1\",\"type\":\"fast\",\"requested\":\"2025-05-20\"},"
        "{\"id\":\"R2\",\"type\":\"standard\",\"requested\":\"2025-04-01\",\"completed\":\"2025-04-20\"},"
        "{\"id\":\"R3\",\"type\":\"oral\",\"requested\":\"2025-05-28\"}]}]}";
    ck_test_create_case(db, json, "2025-06-02");
    char err[1024];
    ck_stmt *st = ck_db_prepare(db, "SELECT \"wmt_type\", \"rosh_level\", \"mappa_level\", \"court_reports\", "
                                    "\"profile_as_of\" FROM \"cases\" WHERE \"crn\" = 'A000009'");
    assert_non_null(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "community");
    assert_string_equal(ck_stmt_text(st, 1), "high");
    assert_string_equal(ck_stmt_text(st, 2), "M2");
    assert_string_equal(ck_stmt_text(st, 3), "fast,oral"); /* R2 was completed */
    assert_int_equal(ck_stmt_date(st, 4), D("2025-06-02"));
    ck_stmt_reset(st);
    /* Read from the stored profile (its date), then from the case (a later
     * date, no profile stored for it): the same figures at the same date. */
    json_t *seen[2];
    for (int whole = 0; whole < 2; whole++) {
        if (whole) assert_int_equal(ck_db_exec(db, "UPDATE \"cases\" SET \"profile_as_of\" = NULL"), CK_DB_OK);
        ck_workforce *w = NULL;
        ok(ck_workforce_load(db, ck_rulecfg_default(), NULL, "P1", D("2025-06-02"), &w, err, sizeof err), err);
        const ck_wf_staff *s1 = ck_workforce_find(w, "S1");
        assert_int_equal(s1->n_cases, 1);
        assert_int_equal(s1->n_reports, 2);
        assert_string_equal(s1->reports[0], "fast");
        assert_string_equal(s1->reports[1], "oral");
        assert_string_equal(s1->cases[0].rosh, "high");
        assert_string_equal(s1->cases[0].mappa, "M2");
        assert_true(s1->cases[0].has_type);
        assert_int_equal(s1->cases[0].type, CK_WMT_COMMUNITY);
        seen[whole] = ck_workforce_to_json(w);
        ck_workforce_free(w);
    }
    assert_true(json_equal(seen[0], seen[1]));
    json_decref(seen[0]);
    json_decref(seen[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_workforce_figures), CK_DB_TEST(test_leaver_reallocated), CK_DB_TEST(test_grade_rule_refuses),
        CK_DB_TEST(test_edit_in_tx), CK_DB_TEST(test_holder), CK_DB_TEST(test_allocation_board),
        CK_DB_TEST(test_inspection_figures), CK_DB_TEST(test_qa_audit), CK_DB_TEST(test_org_lists_and_open_checks),
        CK_DB_TEST(test_profile_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
