/* Requirement progress on the pages over many cases (issue 19 point 2): the
 * caseload's Requirements column and My work's unpaid work behind schedule,
 * over a real store on a server of their own (the page tests' organisation,
 * cases from tests/data/bundle_requirements.json), at 2 June 2025 with the
 * configured pace of 6 hours a week. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_json.h"
#include "ck_test_manage.h"
#include "ck_bundle.h"
#include "ck_casewrite.h"
#include "ck_web.h"

#define TODAY "2025-06-02"
#define BUNDLE "tests/data/bundle_requirements.json"

static ck_date pinned_today(void) { return ck_test_date(TODAY); }

/* The bundle's case as crn for Pat Officer (N07P001) in team N07T01, with
 * the order ending on `end` and, when `bare`, no requirements. */
static void put(ck_db *db, const ck_engine *eng, const char *crn, const char *surname, const char *end, bool bare)
{
    json_t *j = ck_test_load_json(BUNDLE);
    json_object_set_new(j, "crn", json_string(crn));
    json_object_set_new(json_object_get(j, "person"), "surname", json_string(surname));
    json_t *ev = json_array_get(json_object_get(j, "events"), 0);
    json_object_set_new(json_object_get(ev, "sentence"), "end_date", json_string(end));
    if (bare) json_object_set_new(ev, "requirements", json_array());
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (!c) fail_msg("bundle: %s", err);
    json_decref(j);
    c->team = ck_arena_strdup(&c->arena, "N07T01");
    ck_test_ok(ck_cases_create(db, eng, c, pinned_today(), err, sizeof err), err);
    ck_case_free(c);
}

static int setup(void **state)
{
    static tw_server f;
    ck_db *db = tw_fresh_db(&f, "web-req");
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    ck_test_manage_fixture(db, &app.engine);
    tw_accounts(db);
    /* R190001: 13 of 120 hours worked, the order ending 30 September: 107
     * hours left, and 121 days at 6 a week give only 103. R190005: the same
     * hours with the order ending 2 March 2026 (274 days: 234 hours), on time.
     * R190009: no requirement recorded. */
    put(db, &app.engine, "R190001", "Reyes", "2025-09-30", false);
    put(db, &app.engine, "R190005", "Ortiz", "2026-03-02", false);
    put(db, &app.engine, "R190009", "Quinn", "2026-03-02", true);
    ck_db_close(db);
    tw_start(&f, app, NULL, NULL, 2);
    *state = &f;
    return 0;
}

/* The body of GET path signed in as staff, expecting 200. */
static char *page(tw_server *f, const char *staff, const char *path)
{
    char cookie[128];
    tw_sign_in(f->port, staff, "PO", "N07T01", cookie, sizeof cookie);
    th_resp r = tw_req(f->port, "GET", path, cookie, NULL);
    if (r.status != 200) fail_msg("GET %s: %d\n%.2000s", path, r.status, r.body);
    char *body = strdup(r.body);
    th_resp_free(&r);
    return body;
}

/* The table row of the caseload page that links to crn. */
static char *row_of(const char *body, const char *crn)
{
    char href[64];
    snprintf(href, sizeof href, "href=\"/cases/%s\"", crn);
    const char *at = strstr(body, href);
    if (!at) fail_msg("no row for %s", crn);
    const char *end = strstr(at, "</tr>");
    assert_non_null(end);
    return strndup(at, (size_t)(end - at));
}

static void must_have(const char *text, const char *needle)
{
    if (!strstr(text, needle)) fail_msg("no \"%s\" in:\n%.3000s", needle, text);
}

static void test_caseload_column(void **state)
{
    tw_server *f = *state;
    char *body = page(f, "N07P001", "/caseload?sort=crn");
    must_have(body, ">Requirements</th>");
    char *row = row_of(body, "R190001");
    /* In the table's order: unpaid work, RAR (two contacts on 20 March count
     * once, the absence of 27 March not at all), the curfew and monitoring
     * (their last day is today), the programme (one session). */
    must_have(row, ">Unpaid work: 107 of 120 hours remaining</span>"
                   "<span class=\"govuk-!-display-block\">RAR: 1 of 20 days used</span>"
                   "<span class=\"govuk-!-display-block\">Curfew</span>"
                   "<span class=\"govuk-!-display-block\">Electronic monitoring</span>"
                   "<span class=\"govuk-!-display-block\">Programme: 1 of 24 days attended</span>");
    must_have(row, "Unpaid work behind schedule");
    free(row);
    row = row_of(body, "R190005");
    must_have(row, ">Unpaid work: 107 of 120 hours remaining<");
    assert_null(strstr(row, "behind schedule"));
    free(row);
    row = row_of(body, "R190009");
    must_have(row, "data-label=\"Requirements\">None</td>");
    free(row);
    free(body);
}

static void test_my_work_flag(void **state)
{
    tw_server *f = *state;
    char *body = page(f, "N07P001", "/my-work");
    must_have(body, "Needs your attention");
    must_have(body, "<a class=\"govuk-link\" href=\"/cases/R190001\">Jordan Reyes</a>: Unpaid work is behind schedule: "
                    "107 hours are left and at 6 hours a week only 103 can be worked before 30 September 2025. "
                    "<a class=\"govuk-notification-banner__link\" href=\"/cases/R190001/sentence\">View the sentence");
    /* On time, and without requirements: not flagged. */
    assert_null(strstr(body, "href=\"/cases/R190005\">Jordan Ortiz</a>: Unpaid work"));
    assert_null(strstr(body, "href=\"/cases/R190009\">Jordan Quinn</a>: Unpaid work"));
    free(body);
    /* Another practitioner's My work does not list Pat Officer's case. */
    body = page(f, "N07P004", "/my-work");
    assert_null(strstr(body, "R190001"));
    free(body);
}

/* The case overview's "Needs your attention" names whose it is, and links
 * to no form, for a reader who can act on none of it (the head of PDU). */
static void test_case_attention_reader(void **state)
{
    tw_server *f = *state;
    char *body = page(f, "N07P001", "/cases/R190001");
    must_have(body, "Needs your attention");
    must_have(body, ">Record unpaid work hours<");
    free(body);
    char cookie[128];
    tw_sign_in_as(f->port, "n07p012", cookie, sizeof cookie);
    th_resp r = tw_req(f->port, "GET", "/cases/R190001", cookie, NULL);
    assert_int_equal(r.status, 200);
    must_have(r.body, "Needs attention from the probation practitioner");
    must_have(r.body, "Unpaid work is behind schedule");
    assert_null(strstr(r.body, "Needs your attention"));
    assert_null(strstr(r.body, "Record unpaid work hours"));
    assert_null(strstr(r.body, "/requirements/"));
    th_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caseload_column),
        cmocka_unit_test(test_case_attention_reader),
        cmocka_unit_test(test_my_work_flag),
    };
    return cmocka_run_group_tests(tests, setup, tw_teardown);
}
