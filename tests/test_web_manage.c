/* The management pages over a real store and real sockets: a fresh SQLite
 * database per test holding the PDU of ck_test_manage.h, the server's one
 * route table. Each page is fetched with the grade it is for (and refused to
 * the others); the forms are posted with errors, then validly, and what they
 * changed is read back from the store. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_web.h"
#include "ck_facts.h"

static ck_date pinned_today(void) { return ck_test_date(CK_TEST_MANAGE_TODAY); }

typedef struct fixture {
    tw_server s;
    ck_db *db; /* the test's own connection, to read back */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->db = tw_fresh_db(&f->s, "web-manage");
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    ck_test_manage_fixture(f->db, &app.engine);
    tw_accounts(f->db);
    tw_add_user(f->db, "auditor", CK_ROLE_QA, NULL);
    tw_start(&f->s, app, NULL, NULL, 2);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ck_db_close(f->db);
    tw_stop(&f->s);
    free(f);
    return 0;
}

typedef tw_who who;

static who as(const fixture *f, const char *staff, const char *grade, const char *team)
{
    return tw_who_signed_in(f->s.port, staff, grade, team);
}

/* GET path; expects the status and every needle in the body. Returns the
 * response for more checks (the caller frees). */
static th_resp get(const fixture *f, const who *w, const char *path, int status, const char *const *needles)
{
    th_resp r = tw_req(f->s.port, "GET", path, w->cookie, NULL);
    if (r.status != status) fail_msg("GET %s: %d, expected %d\n%.3000s", path, r.status, status, r.body);
    for (size_t i = 0; needles && needles[i]; i++)
        if (!strstr(r.body, needles[i])) fail_msg("GET %s: no \"%s\" in the page", path, needles[i]);
    return r;
}

static void get_ok(const fixture *f, const who *w, const char *path, int status, const char *const *needles)
{
    th_resp r = get(f, w, path, status, needles);
    th_resp_free(&r);
}

/* POSTs form (the session's CSRF token put first); expects the status. */
static th_resp post(const fixture *f, const who *w, const char *path, const char *form, int status)
{
    char body[2048];
    snprintf(body, sizeof body, "csrf=%s&%s", w->csrf, form);
    th_resp r = tw_req(f->s.port, "POST", path, w->cookie, body);
    if (r.status != status) fail_msg("POST %s: %d, expected %d\n%.3000s", path, r.status, status, r.body);
    return r;
}

static void location(const th_resp *r, const char *want)
{
    char loc[256];
    if (!th_header(r, "Location", loc, sizeof loc)) fail_msg("no Location");
    assert_string_equal(loc, want);
}

static ck_manage_cfg cfg_of(ck_db *db)
{
    ck_manage_cfg mc;
    char err[512];
    ck_test_ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);
    return mc;
}

/* ---- Inspection ---------------------------------------------------------------- */

static void test_inspection_page(void **state)
{
    fixture *f = *state;
    who head = as(f, "N07P012", "head_of_pdu", "N07T01");
    /* The page shows the store's own figures for the default period. */
    ck_manage_cfg mc = cfg_of(f->db);
    ck_inspect_period p = ck_inspect_default_period(pinned_today());
    ck_inspection *x = NULL;
    char err[512], points[96], a2[160];
    ck_test_ok(ck_inspection_compute(f->db, ck_rulecfg_default(), &mc.bands, NULL, "N07PDU1", &p, &x, err, sizeof err), err);
    snprintf(points, sizeof points, "ck-score__points\">%d <span class=\"govuk-body-l\">out of 27</span>", x->score.points);
    int a2_index = ck_measure_find("A2");
    snprintf(a2, sizeof a2, "(%lld of %lld obligations)", (long long)x->score.measures[a2_index].met,
             (long long)x->score.measures[a2_index].counted);
    assert_true(x->score.measures[a2_index].met < x->score.measures[a2_index].counted);
    const char *const needles[] = {points, "Camden and Islington", "Overall: <strong class=\"govuk-tag",
                                   ck_rating_title(x->score.band), "Staff survey March 2025: 78% say",
                                   "href=\"/inspection/key-questions/A2?from=2024-06-02&amp;to=2025-06-01\"", a2,
                                   "href=\"/inspection/standards/staff\"", "<polyline class=\"ck-chart__line\"",
                                   "Points out of 27 each month", "Jun 2025", "aria-current=\"page\"", NULL};
    ck_inspection_free(x);
    get_ok(f, &head, "/inspection", 200, needles);
    const char *const period[] = {"1 January 2025 to 31 March 2025", "from=2025-01-01&amp;to=2025-03-31", NULL};
    get_ok(f, &head, "/inspection?from=2025-01-01&to=2025-03-31", 200, period);
    get_ok(f, &head, "/inspection?to=2025-02-30", 400, NULL);
    get_ok(f, &head, "/inspection?from=2025-03-01&to=2025-01-01", 400, NULL);

    /* An SPO reads it but has no rating links; a practitioner may not. */
    who spo = as(f, "N07P009", "SPO", "N07T01");
    const char *const read_only[] = {"out of 27</span>", "Camden and Islington", NULL};
    th_resp r = get(f, &spo, "/inspection", 200, read_only);
    assert_null(strstr(r.body, "/inspection/standards/"));
    th_resp_free(&r);
    who po = as(f, "N07P001", "PO", "N07T01");
    get_ok(f, &po, "/inspection", 403, NULL);
    const char *const home[] = {"href=\"/search\"", NULL};
    r = get(f, &po, "/", 200, home);
    assert_null(strstr(r.body, "href=\"/inspection\""));
    th_resp_free(&r);
    /* Quality assurance has no PDU of its own and reads every one: it
     * chooses the PDU, then sees that PDU's page. */
    who qa;
    tw_sign_in_as(f->s.port, "auditor", qa.cookie, sizeof qa.cookie);
    const char *const picker[] = {"Choose a probation delivery unit", "href=\"/inspection?pdu=", NULL};
    get_ok(f, &qa, "/inspection", 200, picker);
    const char *const chosen[] = {"out of 27</span>", "Camden and Islington", NULL};
    get_ok(f, &qa, "/inspection?pdu=N07PDU1", 200, chosen);
    get_ok(f, &qa, "/inspection?pdu=NOPE", 404, NULL);
}

static void test_drill_down(void **state)
{
    fixture *f = *state;
    who head = as(f, "N07P012", "head_of_pdu", "N07T01");
    ck_inspect_period p = ck_inspect_default_period(pinned_today());
    ck_failure_list *items = NULL;
    char err[512], count[64];
    ck_test_ok(ck_inspection_failures(f->db, NULL, "N07PDU1", &p, "A2", &items, err, sizeof err), err);
    snprintf(count, sizeof count, "%zu obligations that were not met on time", items->n);
    ck_failure_list_free(items);
    const char *const needles[] = {"A2: Police domestic abuse check and children", count,
                                   "href=\"/cases/M000001\"", "Police domestic abuse check",
                                   "no police domestic-abuse check received", "Overdue", "20 January 2025", NULL};
    get_ok(f, &head, "/inspection/key-questions/A2", 200, needles);
    const char *const contact[] = {"contact links that were overdue", NULL};
    get_ok(f, &head, "/inspection/key-questions/I2", 200, contact);
    get_ok(f, &head, "/inspection/key-questions/Z9", 404, NULL);
}

static void test_org_standard(void **state)
{
    fixture *f = *state;
    who head = as(f, "N07P012", "head_of_pdu", "N07T01");
    const char *const form[] = {"Rate Staff", "name=\"rating\" type=\"radio\" value=\"outstanding\"",
                                "<textarea class=\"govuk-textarea\" id=\"evidence\"", NULL};
    get_ok(f, &head, "/inspection/standards/staff", 200, form);
    get_ok(f, &head, "/inspection/standards/planning", 404, NULL);

    th_resp r = post(f, &head, "/inspection/standards/staff", "rating=&evidence=", 400);
    assert_non_null(strstr(r.body, "<a href=\"#rating\">Select a rating</a>"));
    assert_non_null(strstr(r.body, "<a href=\"#evidence\">Enter the evidence for the rating</a>"));
    assert_non_null(strstr(r.body, "<title>Error: Rate Staff"));
    th_resp_free(&r);
    r = post(f, &head, "/inspection/standards/staff", "rating=good&evidence=Vacancy+rate+6%25+%3Cdown%3E", 303);
    location(&r, "/inspection?saved=staff");
    th_resp_free(&r);
    const char *const saved[] = {"Staff rating saved", "Vacancy rate 6% &lt;down&gt;", "Entered by Hana Head on 2 June 2025",
                                 NULL};
    get_ok(f, &head, "/inspection?saved=staff", 200, saved);
    /* In the store, it counts: the staff standard is rated Good. */
    ck_manage_cfg mc = cfg_of(f->db);
    ck_inspect_period p = ck_inspect_default_period(pinned_today() + 1);
    ck_inspection *x = NULL;
    char err[512];
    ck_test_ok(ck_inspection_compute(f->db, ck_rulecfg_default(), &mc.bands, NULL, "N07PDU1", &p, &x, err, sizeof err), err);
    assert_true(x->org[CK_STD_STAFF].set);
    assert_int_equal(x->org[CK_STD_STAFF].rating, CK_RATING_GOOD);
    ck_inspection_free(x);

    /* Without the token, or without the grade, nothing is saved. */
    r = tw_req(f->s.port, "POST", "/inspection/standards/staff", head.cookie, "rating=good&evidence=x");
    assert_int_equal(r.status, 403);
    th_resp_free(&r);
    who spo = as(f, "N07P009", "SPO", "N07T01");
    r = post(f, &spo, "/inspection/standards/staff", "rating=outstanding&evidence=x", 403);
    th_resp_free(&r);
}

/* ---- Workforce ------------------------------------------------------------------ */

static void test_workforce_pages(void **state)
{
    fixture *f = *state;
    who spo = as(f, "N07P020", "SPO", "N07T02");
    const char *const report[] = {"<h1 class=\"govuk-heading-l\">Workforce</h1>", "href=\"/workforce/teams/N07T02\"",
                                  "Camden South", "Vacancies", "1 (9.1% of staff)", "Caseload distribution",
                                  "<svg class=\"ck-chart\"", "Over 120%", "href=\"/workforce/download\"", NULL};
    get_ok(f, &spo, "/workforce", 200, report);

    /* Capacity per practitioner: Ana Able's hours are nearly all reduced. */
    const char *const team[] = {"Capacity: Camden South", "Ana Able", "Over capacity", "Lee Leaver", "Left", "Agency",
                                "href=\"/cases/M000004\"", "36.5 hours of reductions", NULL};
    get_ok(f, &spo, "/workforce/teams/N07T02", 200, team);
    get_ok(f, &spo, "/workforce/teams/N07T99", 404, NULL);

    /* The CSV: one row per team and the total, formulas neutralised. */
    static const char *const evil[] = {
        "{\"kind\":\"team\",\"code\":\"N07T03\",\"pdu\":\"N07PDU1\",\"name\":\"=HYPERLINK(\\\"x\\\")\"}"};
    ck_test_load_org(f->db, evil, 1);
    th_resp r = get(f, &spo, "/workforce/download", 200, NULL);
    char v[128];
    assert_non_null(th_header(&r, "Content-Type", v, sizeof v));
    assert_string_equal(v, "text/csv; charset=utf-8");
    assert_non_null(th_header(&r, "Content-Disposition", v, sizeof v));
    assert_string_equal(v, "attachment; filename=\"workforce-N07PDU1-2025-06-02.csv\"");
    assert_true(strncmp(r.body, "team,name,in_post,", 18) == 0);
    assert_non_null(strstr(r.body, "\nN07T02,Camden South,4,"));
    assert_non_null(strstr(r.body, "\nN07T03,\"'=HYPERLINK(\"\"x\"\")\","));
    assert_non_null(strstr(r.body, "\ntotal,Total,"));
    th_resp_free(&r);

    who po = as(f, "N07P022", "PO", "N07T02");
    get_ok(f, &po, "/workforce", 403, NULL);
    get_ok(f, &po, "/workforce/download", 403, NULL);
}

/* ---- Allocation ----------------------------------------------------------------- */

static size_t allocate_items(ck_db *db, const char *team)
{
    char err[512];
    ck_worklist_query q = {.team = team, .as_of = pinned_today(), .limit = 500,
                           .statuses = (1u << CK_ST_OVERDUE) | (1u << CK_ST_OPEN)};
    ck_worklist *w = NULL;
    ck_test_ok(ck_cases_worklist(db, &q, &w, err, sizeof err), err);
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++) n += strcmp(w->items[i].o.rule, "ALLOCATE") == 0;
    ck_worklist_free(w);
    return n;
}

static void test_reallocate_leaver(void **state)
{
    fixture *f = *state;
    who spo = as(f, "N07P020", "SPO", "N07T02");
    const char *const board[] = {"Reallocate Lee Leaver's cases", "id=\"case-M000001\"", "id=\"case-M000003\"",
                                 "id=\"case-M000006\"", "Lost", "Unallocated", "(M000001), best first",
                                 "name=\"from\" value=\"N07P021\"", NULL};
    get_ok(f, &spo, "/allocations", 200, board);
    /* Four ALLOCATE obligations on the team's worklist: three lost, one never allocated. */
    assert_int_equal(allocate_items(f->db, "N07T02"), 4);

    /* First the plan to check: each case by name, who takes it, their
     * capacity after; nothing moves yet. */
    th_resp r = post(f, &spo, "/allocations/reallocate", "from=N07P021&scope=team", 200);
    const char *const plan[] = {"Check the reallocation of Lee Leaver's cases", "(M000001)", "(M000002)",
                                "(M000003)", "Capacity after", "name=\"confirm\" value=\"yes\"", NULL};
    for (const char *const *p = plan; *p; p++)
        if (!strstr(r.body, *p)) fail_msg("the plan has no \"%s\"", *p);
    th_resp_free(&r);
    assert_int_equal(allocate_items(f->db, "N07T02"), 4);
    /* Confirmed: done, each case listed with its new practitioner. */
    r = post(f, &spo, "/allocations/reallocate", "from=N07P021&scope=team&confirm=yes", 200);
    assert_non_null(strstr(r.body, "Cases reallocated"));
    assert_non_null(strstr(r.body, "New practitioner"));
    size_t rows = 0;
    for (const char *p = r.body; (p = strstr(p, "href=\"/cases/M00000")); p++) rows++;
    assert_int_equal(rows, 3);
    th_resp_free(&r);
    const char *const after[] = {"Nobody who has left", "id=\"case-M000006\"", NULL};
    r = get(f, &spo, "/allocations", 200, after);
    assert_null(strstr(r.body, "id=\"case-M000001\""));
    assert_null(strstr(r.body, "id=\"case-M000002\""));
    assert_null(strstr(r.body, "id=\"case-M000003\""));
    th_resp_free(&r);
    assert_int_equal(allocate_items(f->db, "N07T02"), 1);
    ck_case *c = NULL;
    char err[512];
    ck_test_ok(ck_cases_get(f->db, "M000001", &c, err, sizeof err), err);
    assert_string_not_equal(ck_allocation_current(c, pinned_today())->staff_code, "N07P021");
    ck_case_free(c);

    /* The never-allocated high-RoSH case: the PSO may not take it. */
    r = post(f, &spo, "/allocations", "crn=M000006&staff=N07P023", 409);
    assert_non_null(strstr(r.body, "may not hold case M000006"));
    th_resp_free(&r);
    r = post(f, &spo, "/allocations", "crn=M000006&staff=N07P024&scope=pdu", 303);
    location(&r, "/allocations?allocated=M000006&to=N07P024&scope=pdu");
    th_resp_free(&r);
    const char *const done[] = {"Case M000006 allocated to N07P024.", "Every case has a practitioner in post.", NULL};
    get_ok(f, &spo, "/allocations?allocated=M000006&to=N07P024", 200, done);
    assert_int_equal(allocate_items(f->db, "N07T02"), 0);

    /* A practitioner's role may not reallocate. */
    who po = as(f, "N07P022", "PO", "N07T02");
    r = post(f, &po, "/allocations/reallocate", "from=N07P021", 403);
    th_resp_free(&r);
}

/* Above 100% with the case: a warning first, and the allocation only with
 * a reason, which the audit record keeps. Ana Able (N07P022) has nearly all
 * her hours reduced. */
static void test_allocate_over_capacity(void **state)
{
    fixture *f = *state;
    who spo = as(f, "N07P020", "SPO", "N07T02");
    th_resp r = post(f, &spo, "/allocations", "crn=M000006&staff=N07P022", 200);
    const char *const warn[] = {"Allocate over capacity", "id=\"over-warning\"", "Ana Able is at", "would be at",
                                "name=\"reason\"", "name=\"confirm\" value=\"over\"", NULL};
    for (const char *const *p = warn; *p; p++)
        if (!strstr(r.body, *p)) fail_msg("the warning has no \"%s\"", *p);
    th_resp_free(&r);
    assert_int_equal(allocate_items(f->db, "N07T02"), 4); /* nothing allocated yet */
    r = post(f, &spo, "/allocations", "crn=M000006&staff=N07P022&confirm=over&reason=+", 400);
    assert_non_null(strstr(r.body, "Enter why the case goes to someone over capacity"));
    th_resp_free(&r);
    assert_int_equal(allocate_items(f->db, "N07T02"), 4);
    r = post(f, &spo, "/allocations", "crn=M000006&staff=N07P022&confirm=over&reason=Only+PO+who+knows+the+family", 303);
    location(&r, "/allocations?allocated=M000006&to=N07P022");
    th_resp_free(&r);
    assert_int_equal(allocate_items(f->db, "N07T02"), 3);
    ck_stmt *st = ck_db_prepare(f->db, "SELECT \"detail\" FROM \"audit_log\" WHERE \"action\" = 'manage.allocate' AND "
                                       "\"crn\" = 'M000006'");
    assert_non_null(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "N07P022; over capacity: Only PO who knows the family");
    ck_stmt_reset(st);
    /* Someone with room takes a case at once. */
    r = post(f, &spo, "/allocations", "crn=M000001&staff=N07P024", 303);
    th_resp_free(&r);
}

/* The team's allocate form shows each practitioner's capacity with the
 * case, and sends an allocation over capacity to the board, which asks why. */
static void test_team_form_over_capacity(void **state)
{
    fixture *f = *state;
    who spo = as(f, "N07P020", "SPO", "N07T02");
    const char *const form[] = {"Ana Able (PO)", "with this case (over capacity)", NULL};
    get_ok(f, &spo, "/team/allocate/M000006", 200, form);
    th_resp r = post(f, &spo, "/team/allocate/M000006", "staff=N07P022", 400);
    assert_non_null(strstr(r.body, "Ana Able would be at"));
    assert_non_null(strstr(r.body, "allocation board"));
    th_resp_free(&r);
    assert_int_equal(allocate_items(f->db, "N07T02"), 4); /* nothing allocated */
}

static void test_record_leaving(void **state)
{
    fixture *f = *state;
    who spo = as(f, "N07P020", "SPO", "N07T02");
    th_resp r = post(f, &spo, "/allocations/leaving", "staff=&kind=&date-day=&date-month=&date-year=", 400);
    assert_non_null(strstr(r.body, "<a href=\"#staff\">Select the practitioner</a>"));
    assert_non_null(strstr(r.body, "<a href=\"#kind\">Select whether they left or began long-term absence</a>"));
    assert_non_null(strstr(r.body, "<a href=\"#date-day\">Enter the date they left or their absence began</a>"));
    th_resp_free(&r);
    r = post(f, &spo, "/allocations/leaving", "staff=N07P022&kind=left&date-day=3&date-month=6&date-year=2025", 400);
    assert_non_null(strstr(r.body, "Date they left or their absence began must be today or in the past"));
    assert_non_null(strstr(r.body, "<option value=\"N07P022\" selected>"));
    th_resp_free(&r);
    r = post(f, &spo, "/allocations/leaving", "staff=N07P022&kind=long_term_absence&date-day=2&date-month=6&date-year=2025",
             303);
    location(&r, "/allocations?recorded=N07P022&cases=2");
    th_resp_free(&r);
    const char *const board[] = {"Recorded for N07P022. 2 of their cases now need a practitioner.",
                                 "Reallocate Ana Able's cases", "Long-term absence", "id=\"case-M000004\"",
                                 NULL};
    get_ok(f, &spo, "/allocations?recorded=N07P022&cases=2", 200, board);
}

/* ---- Quality-assurance case audit ------------------------------------------------- */

static void test_case_audit(void **state)
{
    fixture *f = *state;
    who spo = as(f, "N07P020", "SPO", "N07T02");
    const char *const index[] = {"Case audit", "No sample has been drawn yet.", "name=\"per_team\" type=\"text\" value=\"2\"",
                                 "name=\"from-day\" type=\"text\" inputmode=\"numeric\" value=\"2\"", NULL};
    get_ok(f, &spo, "/qa", 200, index);
    th_resp r = post(f, &spo, "/qa", "per_team=0&from-day=1&from-month=4&from-year=2025&to-day=1&to-month=3&to-year=2025",
                     400);
    assert_non_null(strstr(r.body, "<a href=\"#per_team\">Cases from each team must be a whole number"));
    assert_non_null(strstr(r.body, "<a href=\"#to\">Last day of the period must be on or after the first day</a>"));
    th_resp_free(&r);
    r = post(f, &spo, "/qa", "per_team=2&from-day=1&from-month=1&from-year=2025&to-day=31&to-month=5&to-year=2025", 303);
    char loc[64];
    assert_non_null(th_header(&r, "Location", loc, sizeof loc));
    assert_true(strncmp(loc, "/qa/", 4) == 0);
    th_resp_free(&r);
    /* N07T02 holds the M cases: two are drawn. */
    r = get(f, &spo, loc, 200, NULL);
    assert_non_null(strstr(r.body, "team N07T02"));
    const char *p = strstr(r.body, "href=\"/cases/M");
    assert_non_null(p);
    char crn[8];
    memcpy(crn, p + 13, 7);
    crn[7] = '\0';
    th_resp_free(&r);
    char path[128], form[256];
    snprintf(path, sizeof path, "%s/cases/%s", loc, crn);
    const char *const qform[] = {"Audit case", "Was the work on assessment sufficient?", "name=\"assessment-note\"", NULL};
    get_ok(f, &spo, path, 200, qform);
    r = post(f, &spo, path, "assessment=&planning=", 400);
    assert_non_null(strstr(r.body, "Select sufficient or not sufficient for at least one standard"));
    th_resp_free(&r);
    /* The auditor finds the assessment sufficient; the record has no police
     * or children's check, so Casekeeper does not: a disagreement. */
    snprintf(form, sizeof form, "assessment=yes&assessment-note=Checks+by+phone&planning=no");
    r = post(f, &spo, path, form, 303);
    th_resp_free(&r);
    char dis[96];
    snprintf(dis, sizeof dis, "%s/disagreements", loc);
    const char *const report[] = {crn, "Assessment", "Sufficient", "Not sufficient", "Checks by phone",
                                  "1 January 2025 to 31 May 2025", NULL};
    get_ok(f, &spo, dis, 200, report);
    const char *const listed[] = {"Sample ", "Answers", "1 January 2025 to 31 May 2025", NULL};
    get_ok(f, &spo, "/qa", 200, listed);
    get_ok(f, &spo, "/qa/999999", 404, NULL);
    get_ok(f, &spo, "/qa/x1", 404, NULL);
    snprintf(path, sizeof path, "%s/cases/S000001", loc);
    get_ok(f, &spo, path, 404, NULL);
    who vlo = as(f, "N07P010", "VLO", "N07T01");
    get_ok(f, &vlo, "/qa", 403, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inspection_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drill_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_standard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workforce_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reallocate_leaver, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocate_over_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_team_form_over_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_leaving, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_audit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
