/* store/ck_caseload and store/ck_casewrite on SQLite and PostgreSQL: the
 * queries behind the caseload, team, court, victim liaison and PDU pages
 * against the shared example cases, checked against what the rules engine
 * and the case itself say; and the outcome classification of the rulebook. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_manage.h"
#include "ck_bundle.h"
#include "ck_caseload.h"
#include "ck_casewrite.h"
#include "ck_facts.h"
#include "ck_org.h"
#include "ck_str.h"
#include <sqlite3.h>

static ck_date day(const char *s)
{
    ck_date d;
    assert_true(ck_date_parse(s, strlen(s), &d));
    return d;
}

static void org(ck_db *db)
{
    static const char *const lines[] = {
        "{\"kind\":\"region\",\"code\":\"R1\",\"name\":\"London\"}",
        "{\"kind\":\"pdu\",\"code\":\"P1\",\"region\":\"R1\",\"name\":\"North\"}",
        "{\"kind\":\"pdu\",\"code\":\"P2\",\"region\":\"R1\",\"name\":\"South\"}",
        "{\"kind\":\"region\",\"code\":\"R2\",\"name\":\"Wales\"}",
        "{\"kind\":\"pdu\",\"code\":\"P3\",\"region\":\"R2\",\"name\":\"Cardiff\"}",
        "{\"kind\":\"team\",\"code\":\"T1\",\"pdu\":\"P1\",\"name\":\"Team one\"}",
        "{\"kind\":\"team\",\"code\":\"T2\",\"pdu\":\"P1\",\"name\":\"Team two\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P004\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Kim\",\"surname\":\"Ahmed\"}",
    };
    ck_test_load_org(db, lines, sizeof lines / sizeof *lines);
}

/* Three cases: S000001 (N07P001) and S000004 (N07P004) in team T1, the
 * unallocated S000009 in team T2, all in PDU P1. */
static ck_db *fill(void **state)
{
    ck_db *db = ck_test_db_get(state);
    org(db);
    ck_engine eng = ck_engine_default();
    ck_test_put_example(db, &eng, "01_easter_2025_co.json", "T1", day("2025-06-02"));
    ck_test_put_example(db, &eng, "04_breach_mandatory_co.json", "T1", day("2025-06-02"));
    ck_test_put_example(db, &eng, "09_vcs_opted_in_release_soon.json", "T2", day("2026-12-10"));
    return db;
}

static size_t overdue_of(ck_db *db, const char *crn, ck_date as_of)
{
    ck_result *r = NULL;
    char err[512];
    if (ck_cases_obligations(db, crn, as_of, &r, err, sizeof err) != CK_OK) fail_msg("%s", err);
    size_t n = 0;
    for (size_t i = 0; i < r->n_obligations; i++) n += r->obligations[i].status == CK_ST_OVERDUE;
    ck_result_free(r);
    return n;
}

static void test_caseload_rows(void **state)
{
    ck_db *db = fill(state);
    char err[512];
    ck_date as_of = day("2025-06-02");
    ck_caseload *l = NULL;
    ck_caseload_query q = {.staff = "N07P001", .as_of = as_of, .limit = 50};
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->n, 1);
    assert_int_equal(l->total, 1);
    const ck_caseload_row *row = &l->rows[0];
    assert_string_equal(row->crn, "S000001");
    /* Last seen: C2 on 6 May (attended); C3 on 13 May has no outcome. */
    assert_int_equal(row->last_seen, day("2025-05-06"));
    assert_int_equal(row->next_appt, CK_NODATE);
    assert_int_equal((size_t)row->overdue, overdue_of(db, "S000001", as_of));
    assert_non_null(row->tier);
    /* RoSH as the rulebook's term reads the whole case. */
    ck_case *c = NULL;
    assert_int_equal(ck_cases_get(db, "S000001", &c, err, sizeof err), CK_OK);
    const ck_assessment *rosh = ck_rosh_current(c, as_of);
    assert_non_null(rosh);
    assert_string_equal(row->rosh_level, rosh->level);
    assert_int_equal(row->rosh_date, rosh->completed);
    ck_case_free(c);

    /* Sorted, paged, filtered within a team. */
    ck_caseload_free(l);
    q = (ck_caseload_query){.team = "T1", .sort = CK_CASELOAD_CRN, .desc = true, .as_of = as_of, .limit = 1};
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->total, 2);
    assert_string_equal(l->rows[0].crn, "S000004");
    ck_caseload_free(l);
    q.offset = 1;
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->rows[0].crn, "S000001");
    ck_caseload_free(l);
    for (int s = CK_CASELOAD_NAME; s <= CK_CASELOAD_OVERDUE; s++) {
        q = (ck_caseload_query){.pdu = "P1", .sort = (ck_caseload_sort)s, .as_of = as_of, .limit = 10};
        assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
        assert_int_equal(l->n, 3);
        ck_caseload_free(l);
    }
    q = (ck_caseload_query){.team = "T1", .q = "s0000", .as_of = as_of, .limit = 10};
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->total, 2);
    ck_caseload_free(l);
    q.q = "zzzz";
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->total, 0);
    ck_caseload_free(l);
    q = (ck_caseload_query){.team = "T2", .unallocated = true, .as_of = as_of, .limit = 10};
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->rows[0].crn, "S000009");
    assert_null(l->rows[0].staff_code);
    /* INVI in force from 15 July 2025: not yet on 2 June 2025. */
    assert_int_equal(l->rows[0].n_registers, 0);
    ck_caseload_free(l);
    q.as_of = day("2026-12-10");
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->rows[0].n_registers, 1);
    assert_string_equal(l->rows[0].registers[0], "INVI");
    ck_caseload_free(l);

    /* Bad queries name the field. */
    q = (ck_caseload_query){.team = "T1", .staff = "X", .as_of = as_of, .limit = 10};
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_ERR_INVALID);
    q = (ck_caseload_query){.team = "T1", .tier = "B%", .as_of = as_of, .limit = 10};
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_ERR_INVALID);
    assert_non_null(strstr(err, "tier"));
}

static void test_stored_tier_follows_writes(void **state)
{
    ck_db *db = fill(state);
    char err[512];
    ck_date as_of = day("2025-06-02");
    ck_caseload *l = NULL;
    ck_caseload_query q = {.staff = "N07P001", .as_of = as_of, .limit = 5};
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    char before[16];
    snprintf(before, sizeof before, "%s", l->rows[0].tier);
    ck_caseload_free(l);
    /* A very high RoSH makes the protect level A (150 points). */
    ck_assessment a = {.id = "AS9", .kind = "rosh", .completed = day("2025-06-01"), .level = "very_high", .score = CK_NOINT};
    ck_engine eng = ck_engine_default();
    assert_int_equal(ck_cases_add(db, &eng, "S000001", "assessments", &a, as_of, err, sizeof err), CK_OK);
    assert_int_equal(ck_caseload_list(db, &q, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->rows[0].tier[0], 'A');
    assert_string_not_equal(l->rows[0].tier, before);
    assert_string_equal(l->rows[0].rosh_level, "very_high");
    assert_int_equal(l->rows[0].rosh_date, day("2025-06-01"));
    ck_caseload_free(l);
}

static void test_team_pdu_and_rules(void **state)
{
    ck_db *db = fill(state);
    char err[512];
    ck_date as_of = day("2025-06-02");
    ck_team_summary *t = NULL;
    assert_int_equal(ck_caseload_team(db, "T1", as_of, &t, err, sizeof err), CK_OK);
    assert_int_equal(t->cases, 2);
    assert_int_equal(t->unallocated, 0);
    assert_int_equal(t->n, 2);
    assert_string_equal(t->members[0].surname, "Ahmed");
    assert_int_equal(t->members[0].cases, 1);
    assert_int_equal(t->members[0].overdue, overdue_of(db, "S000004", as_of));
    assert_int_equal(t->overdue, overdue_of(db, "S000001", as_of) + overdue_of(db, "S000004", as_of));
    ck_team_summary_free(t);

    ck_pdu_summary *p = NULL;
    assert_int_equal(ck_caseload_pdu(db, "P1", as_of, &p, err, sizeof err), CK_OK);
    assert_int_equal(p->cases.allocated + p->cases.unallocated, 3);
    size_t by_rule = 0, by_team = 0;
    for (size_t i = 0; i < p->n_by_rule; i++) by_rule += p->by_rule[i].n;
    for (size_t i = 0; i < p->n_by_team; i++) by_team += p->by_team[i].n;
    /* Both breakdowns count each of the PDU's overdue obligations once. */
    size_t overdue = overdue_of(db, "S000001", as_of) + overdue_of(db, "S000004", as_of) +
                     overdue_of(db, "S000009", as_of);
    assert_true(overdue > 0);
    assert_int_equal(by_rule, overdue);
    assert_int_equal(by_team, overdue);
    assert_true(p->n_by_team >= 1);
    assert_string_equal(p->by_team[0].name, ck_streq(p->by_team[0].key, "T1") ? "Team one" : "Team two");
    ck_pdu_summary_free(p);

    static const char *const checks[] = {"DA_CHECK", "CHILD_CHECK", NULL};
    ck_timeliness tl;
    assert_int_equal(ck_caseload_timeliness(db, "P1", checks, as_of, &tl, err, sizeof err), CK_OK);
    /* The PDU's judged checks are T1's four (below): S000001's child check late. */
    assert_int_equal(tl.on_time, 3);
    assert_int_equal(tl.late, 1);
    assert_int_equal(tl.overdue, 0);

    /* S000009 was evaluated on 10 December 2026: the release notice of V1 is open. */
    static const char *const notice[] = {"VCS_RELEASE_NOTICE", NULL};
    ck_worklist *w = NULL;
    ck_rule_query rq = {.pdu = "P1", .rules = notice, .as_of = day("2026-12-10"), .limit = 10};
    assert_int_equal(ck_caseload_rule_obligations(db, &rq, &w, err, sizeof err), CK_OK);
    assert_int_equal(w->total, 1);
    assert_string_equal(w->items[0].crn, "S000009");
    assert_string_equal(w->items[0].o.subject, "victim:V1");
    assert_int_equal(w->items[0].o.status, CK_ST_OPEN);
    ck_worklist_free(w);
    /* T1's two cases each have a DA and a child check on event E1, all done
     * (S000001's child check late): the status and subject filters narrow them. */
    rq = (ck_rule_query){.team = "T1", .rules = checks, .subject_prefix = "event:", .as_of = as_of,
                         .statuses = 1u << CK_ST_MET | 1u << CK_ST_MET_LATE, .limit = 10};
    assert_int_equal(ck_caseload_rule_obligations(db, &rq, &w, err, sizeof err), CK_OK);
    assert_int_equal(w->total, 4);
    for (size_t i = 0; i < w->n; i++) assert_int_equal(strncmp(w->items[i].o.subject, "event:", 6), 0);
    ck_worklist_free(w);
    rq.statuses = 1u << CK_ST_MET;
    assert_int_equal(ck_caseload_rule_obligations(db, &rq, &w, err, sizeof err), CK_OK);
    assert_int_equal(w->total, 3);
    ck_worklist_free(w);
    rq.subject_prefix = "report:";
    assert_int_equal(ck_caseload_rule_obligations(db, &rq, &w, err, sizeof err), CK_OK);
    assert_int_equal(w->total, 0);
    ck_worklist_free(w);

    ck_release_list *rl = NULL;
    assert_int_equal(ck_caseload_releases(db, "P1", day("2026-12-10"), day("2027-02-04"), &rl, err, sizeof err), CK_OK);
    assert_int_equal(rl->n, 1);
    assert_string_equal(rl->items[0].victim, "V1");
    assert_int_equal(rl->items[0].release, day("2026-12-29"));
    assert_false(rl->items[0].notified);
    ck_release_list_free(rl);
    assert_int_equal(ck_caseload_releases(db, "P1", day("2027-01-01"), day("2027-02-04"), &rl, err, sizeof err), CK_OK);
    assert_int_equal(rl->n, 0);
    ck_release_list_free(rl);
}

/* The rule groups of the PDU and region dashboards' rates. */
static const char *const vcs_rules[] = {"VCS_REFERRAL", "VCS_FIRST_CONTACT", "VCS_RELEASE_NOTICE", NULL};
static const char *const check_rules[] = {"DA_CHECK", "CHILD_CHECK", NULL};

/* The region dashboard's figures are the PDU dashboard's, a PDU a row, and
 * a region's PDUs are its own. */
static void test_region(void **state)
{
    ck_db *db = fill(state);
    char err[512];
    ck_date as_of = day("2025-06-02");
    static const char *const da[] = {"DA_CHECK", NULL};
    static const char *const *const groups[] = {vcs_rules, check_rules, da};
    ck_region_summary *g = NULL;
    assert_int_equal(ck_caseload_region(db, "R1", groups, 3, as_of, &g, err, sizeof err), CK_OK);
    assert_string_equal(g->name, "London");
    assert_int_equal(g->n, 2);
    assert_string_equal(g->pdus[0].code, "P1"); /* North before South */
    assert_string_equal(g->pdus[1].code, "P2");
    assert_int_equal(g->pdus[0].cases.allocated + g->pdus[0].cases.unallocated, 3);
    assert_int_equal(g->pdus[1].cases.allocated + g->pdus[1].cases.unallocated, 0);
    assert_int_equal(g->pdus[1].overdue, 0);
    ck_pdu_summary *p = NULL;
    assert_int_equal(ck_caseload_pdu(db, "P1", as_of, &p, err, sizeof err), CK_OK);
    size_t overdue = 0;
    for (size_t i = 0; i < p->n_by_rule; i++) overdue += p->by_rule[i].n;
    ck_pdu_summary_free(p);
    assert_true(overdue > 0);
    assert_int_equal(g->pdus[0].overdue, overdue);
    size_t judged = 0;
    for (size_t k = 0; k < 3; k++) {
        ck_timeliness t;
        assert_int_equal(ck_caseload_timeliness(db, "P1", groups[k], as_of, &t, err, sizeof err), CK_OK);
        assert_int_equal(g->pdus[0].group[k].on_time, t.on_time);
        assert_int_equal(g->pdus[0].group[k].late, t.late);
        assert_int_equal(g->pdus[0].group[k].overdue, t.overdue);
        assert_int_equal(g->pdus[1].group[k].on_time + g->pdus[1].group[k].late + g->pdus[1].group[k].overdue, 0);
        judged += t.on_time + t.late + t.overdue;
    }
    assert_true(judged >= 3); /* DA_CHECK counts in two groups */
    ck_region_summary_free(g);

    assert_int_equal(ck_caseload_region(db, "R2", groups, 3, as_of, &g, err, sizeof err), CK_OK);
    assert_int_equal(g->n, 1);
    assert_string_equal(g->pdus[0].code, "P3");
    ck_region_summary_free(g);
    assert_int_equal(ck_caseload_region(db, "R9", groups, 3, as_of, &g, err, sizeof err), CK_ERR_NOTFOUND);
    assert_null(g);
    static const char *const none[] = {NULL};
    static const char *const *const bad[] = {vcs_rules, none};
    assert_int_equal(ck_caseload_region(db, "R1", bad, 2, as_of, &g, err, sizeof err), CK_ERR_INVALID);
    assert_non_null(strstr(err, "groups[1]"));
    assert_int_equal(ck_caseload_region(db, "", groups, 3, as_of, &g, err, sizeof err), CK_ERR_INVALID);
    assert_non_null(strstr(err, "region"));
}

/* What SQLite did for the statements over "obligations" run while `on`:
 * sorts (a temporary B-tree for GROUP BY or ORDER BY) and steps of a full
 * scan, from each statement's counters when it finishes (a trace on every
 * connection opened after plan_watch). */
static struct {
    bool on;
    int sorts, scan_steps, statements;
} plan;

static int plan_trace(unsigned type, void *ctx, void *p, void *x)
{
    (void)type, (void)ctx, (void)x;
    sqlite3_stmt *st = p;
    const char *sql = sqlite3_sql(st);
    int sorts = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 1);
    int steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
    if (plan.on && sql && strstr(sql, "FROM \"obligations\"")) {
        plan.sorts += sorts;
        plan.scan_steps += steps;
        plan.statements++;
    }
    return 0;
}

static int plan_hook(sqlite3 *h, const char **err, const struct sqlite3_api_routines *api)
{
    (void)err, (void)api;
    sqlite3_trace_v2(h, SQLITE_TRACE_PROFILE, plan_trace, NULL);
    return SQLITE_OK;
}

/* The PDU dashboard's month-by-month trend: each month's overdue count is
 * the PDU's obligations due before the month's end and not met by it, as
 * the stored rows say (whatever their status); and on SQLite the trend and
 * the timeliness rates read the PDU's rule index in its order (migration
 * 033): no sort and no full scan, which at London is what keeps them from
 * reading or sorting a PDU's 160,000 obligations. */
static void test_trend(void **state)
{
    ck_db *db = fill(state);
    char err[512];
    ck_date as_of = day("2025-06-02");
    static const char *const *const groups[] = {vcs_rules, check_rules};
    ck_trend_month out[CK_TREND_MONTHS];
    assert_int_equal(ck_caseload_trend(db, "P1", groups, 2, as_of, out, err, sizeof err), CK_OK);
    size_t overdue = 0, judged = 0;
    for (int i = 0; i < CK_TREND_MONTHS; i++) {
        char sql[256], d[CK_DATE_STRLEN], n[32];
        ck_date_fmt(out[i].end, d);
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM \"obligations\" WHERE \"pdu_code\" = 'P1' AND \"due\" < '%s' "
                 "AND (\"met_on\" IS NULL OR \"met_on\" > '%s')", d, d);
        ck_test_db_text(db, sql, n, sizeof n);
        assert_int_equal(out[i].overdue, strtoull(n, NULL, 10));
        overdue += out[i].overdue;
        judged += out[i].group[1].on_time + out[i].group[1].late + out[i].group[1].overdue;
    }
    assert_true(overdue > 0);
    assert_int_equal(judged, 4); /* T1's four checks (test_team_pdu_and_rules), due in May */
    if (((ck_test_db *)*state)->kind != CK_DB_SQLITE) return;

    assert_int_equal(sqlite3_auto_extension((void (*)(void))plan_hook), SQLITE_OK);
    ck_db *watched = ck_db_open(ck_test_db_url(state, 0), err, sizeof err);
    assert_non_null(watched);
    plan.on = true;
    ck_trend_month again[CK_TREND_MONTHS];
    assert_int_equal(ck_caseload_trend(watched, "P1", groups, 2, as_of, again, err, sizeof err), CK_OK);
    ck_timeliness t;
    assert_int_equal(ck_caseload_timeliness(watched, "P1", vcs_rules, as_of, &t, err, sizeof err), CK_OK);
    plan.on = false;
    ck_db_close(watched);
    sqlite3_cancel_auto_extension((void (*)(void))plan_hook);
    assert_int_equal(again[CK_TREND_MONTHS - 1].overdue, out[CK_TREND_MONTHS - 1].overdue);
    assert_int_equal(plan.statements, 3);
    assert_int_equal(plan.sorts, 0);
    assert_int_equal(plan.scan_steps, 0);
}

static void test_outcome_with_enforcement(void **state)
{
    ck_db *db = fill(state);
    char err[512];
    ck_engine eng = ck_engine_default();
    ck_date as_of = day("2025-06-02");
    ck_enforcement en = {.id = "EN9", .date = day("2025-05-14"), .action = "first_warning"};
    assert_int_equal(ck_casewrite_outcome(db, &eng, "S000001", "C3", "AFTA", day("2025-05-13"), &en, as_of, err, sizeof err),
                     CK_OK);
    ck_case *c = NULL;
    assert_int_equal(ck_cases_get(db, "S000001", &c, err, sizeof err), CK_OK);
    assert_string_equal(ck_case_contact(c, "C3")->outcome, "AFTA");
    assert_string_equal(c->enforcement[c->n_enforcement - 1].contact, "C3");
    assert_string_equal(c->enforcement[c->n_enforcement - 1].event, "E1");
    ck_case_free(c);
    ck_result *r = NULL;
    assert_int_equal(ck_cases_obligations(db, "S000001", as_of, &r, err, sizeof err), CK_OK);
    bool met = false;
    for (size_t i = 0; i < r->n_obligations; i++)
        if (ck_streq(r->obligations[i].rule, "ENFORCE") && ck_streq(r->obligations[i].subject, "contact:C3"))
            met = r->obligations[i].status == CK_ST_MET;
    assert_true(met);
    ck_result_free(r);
    /* Refusals write nothing. */
    assert_int_equal(ck_casewrite_outcome(db, &eng, "S000001", "C9", "AFTA", as_of, NULL, as_of, err, sizeof err),
                     CK_ERR_NOTFOUND);
    assert_int_equal(ck_casewrite_outcome(db, &eng, "S000001", "C2", "NOPE", as_of, NULL, as_of, err, sizeof err),
                     CK_ERR_INVALID);
    assert_non_null(strstr(err, "contacts[1].outcome"));
    ck_enforcement bad = {.id = "EN10", .date = as_of, .action = "no_further_action"};
    assert_int_equal(ck_casewrite_outcome(db, &eng, "S000001", "C2", "UAAB", as_of, &bad, as_of, err, sizeof err),
                     CK_ERR_INVALID);
    assert_int_equal(ck_cases_get(db, "S000001", &c, err, sizeof err), CK_OK);
    assert_string_equal(ck_case_contact(c, "C2")->outcome, "ATTC");
    ck_case_free(c);
}

static void test_outcome_classes(void **state)
{
    (void)state;
    static const char *const attended[] = {"ATTC", "AFTC", "ATSH", "ATSS", "AFDA", "TCLN", "TDRT", "TRFS", "TADM"};
    static const char *const failures[] = {"AFTC", "ATSH", "AFTA", "UAAB", "ATFI", "UBHV"};
    static const char *const acceptable[] = {"AAAA", "AACL", "AAME", "AASD", "CO05", "CO10", "RSOF", "RSSR", "CO40"};
    size_t n_att = 0, n_fail = 0, n_acc = 0;
    for (size_t i = 0; ck_vocab_outcome[i]; i++) {
        n_att += ck_outcome_attended(ck_vocab_outcome[i]);
        n_fail += ck_outcome_failure(ck_vocab_outcome[i]);
        n_acc += ck_outcome_acceptable(ck_vocab_outcome[i]);
        assert_false(ck_outcome_acceptable(ck_vocab_outcome[i]) &&
                     (ck_outcome_attended(ck_vocab_outcome[i]) || ck_outcome_failure(ck_vocab_outcome[i])));
    }
    assert_int_equal(n_att, sizeof attended / sizeof *attended);
    assert_int_equal(n_fail, sizeof failures / sizeof *failures);
    assert_int_equal(n_acc, 14); /* nine AA.. codes and five others */
    for (size_t i = 0; i < sizeof attended / sizeof *attended; i++) assert_true(ck_outcome_attended(attended[i]));
    for (size_t i = 0; i < sizeof failures / sizeof *failures; i++) assert_true(ck_outcome_failure(failures[i]));
    for (size_t i = 0; i < sizeof acceptable / sizeof *acceptable; i++) assert_true(ck_outcome_acceptable(acceptable[i]));
    assert_false(ck_outcome_attended("AFTA"));
    assert_false(ck_outcome_failure("ABNS"));
    assert_false(ck_outcome_acceptable("AAZZ"));
    assert_false(ck_outcome_attended(NULL) || ck_outcome_failure(NULL) || ck_outcome_acceptable(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_caseload_rows),
        CK_DB_TEST(test_stored_tier_follows_writes),
        CK_DB_TEST(test_team_pdu_and_rules),
        CK_DB_TEST(test_region),
        CK_DB_TEST(test_trend),
        CK_DB_TEST(test_outcome_with_enforcement),
        cmocka_unit_test(test_outcome_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
