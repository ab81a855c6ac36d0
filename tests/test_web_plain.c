/* The plain-English pages of issue 13 over a real store: My work's filters,
 * sort and paging (a GET form), "Needs your attention" on My work and the
 * case overview, obligations in sentences with who acts, the warning before
 * asking again for a check not yet answered, and form errors per the GOV.UK
 * guidance. A fresh SQLite database: the shared examples 01 and 09, and 30
 * community orders held by N07P001 (P000001-P000030), P000001 with an
 * appointment without an outcome, a police check with no reply and a
 * registration due for review; P000002's tier changed on 12 May 2025 (in
 * the last 4 weeks), P000003's on 20 April (before them). */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_web.h"
#include "ck_caseload.h"
#include "ck_txn.h"

#define TODAY "2025-06-02"
#define N_CASES 30

static ck_date pinned_today(void) { return ck_test_date(TODAY); }

typedef tw_server fixture;

static char tier_now[16]; /* the tier of P000002 and P000003 as the engine derives it */
static char tier_before[16]; /* the tier they had before, another one */

/* Stores `tier` as crn's tier on `on`, as a case write does. */
static void set_tier(ck_db *db, const char *crn, const char *tier, const char *on)
{
    char err[512];
    ck_stmt *st = ck_db_prepare(db, "SELECT \"case_id\", \"tier\" FROM \"cases\" WHERE \"crn\" = $1");
    assert_non_null(st);
    ck_stmt_bind_text(st, 1, crn);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int64_t id = ck_stmt_int(st, 0);
    if (!tier_now[0]) snprintf(tier_now, sizeof tier_now, "%s", ck_stmt_text(st, 1));
    ck_stmt_reset(st);
    if (!tier_before[0]) snprintf(tier_before, sizeof tier_before, "%s", strcmp(tier_now, "C2") ? "C2" : "D2");
    ck_test_ok(ck_txn_begin_write(db, err, sizeof err), err);
    ck_wprofile p = {.complete = false}; /* the tier alone: the profile is never read as one */
    snprintf(p.tier, sizeof p.tier, "%s", tier ? tier : tier_before);
    ck_rc rc = ck_caseload_store_profile(db, id, &p, ck_test_date(on), err, sizeof err);
    ck_test_ok(ck_txn_finish(db, rc, err, sizeof err), err);
}

static int setup(void **state)
{
    static fixture f;
    ck_db *db = tw_fresh_db(&f, "web-plain");
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    ck_test_manage_fixture(db, &app.engine);
    tw_accounts(db);
    ck_test_put_example(db, &app.engine, "01_easter_2025_co.json", "N07T01", pinned_today());
    ck_test_put_example(db, &app.engine, "09_vcs_opted_in_release_soon.json", "N07T01", pinned_today());
    for (int i = 1; i <= N_CASES; i++) {
        char crn[16];
        snprintf(crn, sizeof crn, "P%06d", i);
        const char *more =
            i == 1 ? ",\"checks\":[{\"id\":\"K1\",\"kind\":\"police_da\",\"requested\":\"2025-05-20\"}],"
                     "\"contacts\":[{\"id\":\"C1\",\"event\":\"E1\",\"type\":\"COAP\",\"date\":\"2025-05-28\","
                     "\"national_standard\":true,\"appointment\":true}],"
                     "\"registrations\":[{\"id\":\"G1\",\"type\":\"RHRH\",\"date\":\"2024-12-10\"}]"
                   : "";
        ck_test_put_case(db, crn, "N07T01", "N07P001", "PO", NULL, more, TODAY);
    }
    set_tier(db, "P000002", NULL, "2025-04-20");
    set_tier(db, "P000002", tier_now, "2025-05-12");
    set_tier(db, "P000003", NULL, "2025-04-10");
    set_tier(db, "P000003", tier_now, "2025-04-20");
    ck_db_close(db);
    tw_start(&f, app, NULL, NULL, 2);
    *state = &f;
    return 0;
}

typedef tw_who who;

static who sign_in(const fixture *f, const char *staff, const char *grade)
{
    return tw_who_signed_in(f->port, staff, grade, "N07T01");
}

/* The body of GET path as w (the caller frees it), expecting status. */
static char *get(const fixture *f, const who *w, const char *path, int status)
{
    th_resp r = tw_req(f->port, "GET", path, w->cookie, NULL);
    if (r.status != status) fail_msg("GET %s: %d, expected %d\n%.2000s", path, r.status, status, r.body);
    char *body = strdup(r.body);
    th_resp_free(&r);
    return body;
}

static void has(const char *body, const char *path, const char *const *needles)
{
    for (size_t i = 0; needles[i]; i++)
        if (!strstr(body, needles[i])) fail_msg("%s: no \"%s\" in\n%.3000s", path, needles[i], body);
}

/* GET path as w, expecting status and every needle. */
static void page_has(const fixture *f, const who *w, const char *path, int status, const char *const *needles)
{
    char *b = get(f, w, path, status);
    has(b, path, needles);
    free(b);
}

static void lacks(const char *body, const char *path, const char *const *needles)
{
    for (size_t i = 0; needles[i]; i++)
        if (strstr(body, needles[i])) fail_msg("%s: \"%s\" should not be there", path, needles[i]);
}

static size_t count(const char *body, const char *needle)
{
    size_t n = 0;
    for (const char *p = body; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* The part of the page after the filter form: the rows. */
static const char *rows_of(const char *body)
{
    const char *t = strstr(body, "<tbody");
    if (!t) fail_msg("no table in\n%.3000s", body);
    return t;
}

static void test_my_work_attention(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const needles[] = {
        "Needs your attention",
        "Appointment without an outcome",
        "href=\"/cases/P000001/contacts/C1/outcome\"",
        "Police domestic abuse check requested on 20 May 2025 has had no reply",
        "href=\"/cases/P000001/checks/K1/receive\"",
        "Registration due for review on 10 June 2025",
        "href=\"/cases/P000001/registrations/G1/review\"",
        NULL,
    };
    page_has(f, &w, "/", 200, needles);
    /* The stored tier change of the last 4 weeks, not the one before them. */
    char changed[96], earlier[96];
    snprintf(changed, sizeof changed, "Tier changed from %s to %s on 12 May 2025", tier_before, tier_now);
    snprintf(earlier, sizeof earlier, "Tier changed from %s to %s on 20 April 2025", tier_before, tier_now);
    char *b = get(f, &w, "/", 200);
    const char *const tier[] = {changed, "href=\"/cases/P000002\"", "href=\"/cases/P000002/assessments/new\"", NULL};
    has(b, "/", tier);
    assert_null(strstr(b, earlier));
    free(b);
    /* The case overview reads the same stored change. */
    const char *const overview[] = {changed, NULL};
    page_has(f, &w, "/cases/P000002", 200, overview);
    b = get(f, &w, "/cases/P000003", 200);
    assert_null(strstr(b, "Tier changed"));
    free(b);
}

static void test_my_work_paging_and_counts(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    char *b = get(f, &w, "/my-work?due=all", 200);
    /* Every open row of the 31 cases (30 P cases of 5 or more each): more
     * than one page, counted per severity. */
    const char *const p1[] = {"Showing 1 to 25 of ", "page=2", "Critical: ", "High: ", "Normal: ", NULL};
    has(b, "/my-work?due=all", p1);
    assert_int_equal(count(rows_of(b), "<tr class=\"govuk-table__row\">"), 25);
    int total = atoi(strstr(b, "Showing 1 to 25 of ") + strlen("Showing 1 to 25 of "));
    assert_true(total > 5 * N_CASES);
    int crit = atoi(strstr(b, "Critical: ") + 10), high = atoi(strstr(b, "High: ") + 6),
        normal = atoi(strstr(b, "Normal: ") + 8);
    assert_int_equal(crit + high + normal, total);
    free(b);
    b = get(f, &w, "/my-work?due=all&page=2", 200);
    const char *const p2[] = {"Showing 26 to 50 of ", "rel=\"prev\"", NULL};
    has(b, "/my-work?due=all&page=2", p2);
    free(b);
    /* Only one severity: the count of that group, and no row of another. */
    b = get(f, &w, "/my-work?due=all&severity=critical", 200);
    char want[64];
    snprintf(want, sizeof want, "of %d</p>", crit);
    const char *const c1[] = {want, "<span class=\"govuk-body-s\">Critical</span>", NULL};
    has(b, "critical", c1);
    const char *const c2[] = {"<span class=\"govuk-body-s\">High</span>", "<span class=\"govuk-body-s\">Normal</span>", NULL};
    lacks(rows_of(b), "critical", c2);
    free(b);
}

static void test_my_work_filters_and_sort(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    /* One rule: every row is that rule's. */
    char *b = get(f, &w, "/my-work?due=all&rule=ADDRESS", 200);
    const char *const addr[] = {"<strong>Confirm an address</strong>", "<option value=\"ADDRESS\" selected>", NULL};
    has(b, "rule", addr);
    const char *const other[] = {"<strong>Initial RoSH assessment</strong>", "<strong>Sentence plan</strong>", NULL};
    lacks(rows_of(b), "rule", other);
    free(b);
    /* Overdue only: no row due later. */
    b = get(f, &w, "/my-work?due=overdue", 200);
    const char *const due[] = {"govuk-tag--blue\">Due<", NULL};
    lacks(rows_of(b), "overdue", due);
    free(b);
    /* By due date the P cases (sentenced in January) come first; by person
     * "Test Person" (S000001) sorts before "P Q". */
    b = get(f, &w, "/my-work?due=all&sort=due", 200);
    const char *r = rows_of(b);
    assert_true(strstr(r, "/cases/P0000") < strstr(r, "/cases/S000001") || !strstr(r, "/cases/S000001"));
    free(b);
    b = get(f, &w, "/my-work?due=all&sort=person", 200);
    r = rows_of(b);
    assert_non_null(strstr(r, "/cases/S000001"));
    assert_true(strstr(r, "/cases/S000001") < strstr(r, "/cases/P0000"));
    free(b);
    /* A value the form does not offer: an error naming the field. */
    b = get(f, &w, "/my-work?severity=urgent&sort=age", 400);
    const char *const bad[] = {"<a href=\"#severity\">Select a severity from the list</a>",
                               "<a href=\"#sort\">Select how to sort from the list</a>", NULL};
    has(b, "bad filter", bad);
    free(b);
}

static void test_case_overview_plain(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const needles[] = {
        "Needs your attention",
        "Appointment on 28 May 2025 has no outcome",
        "href=\"/cases/P000001/contacts/C1/outcome\"",
        "Police domestic abuse check requested on 20 May 2025 has had no reply",
        "registration is due for review on 10 June 2025",
        /* An obligation as a sentence from its basis, the engine's line behind a disclosure. */
        "Sentenced on 6 January 2025; the first appointment (induction) is due by 13 January 2025, within 5 working "
        "days of the start of the order.",
        "<span class=\"govuk-details__summary-text\">How this was worked out",
        "(sentence + 5 WD)",
        NULL,
    };
    page_has(f, &w, "/cases/P000001", 200, needles);
}

static void test_victim_rows_say_who_acts(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const needles[] = {"Victim contact scheme referral", "Victim liaison: Val Liaison, not referred yet",
                                   NULL};
    page_has(f, &w, "/cases/S000009", 200, needles);
}

static void test_check_asked_again(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *path = "/cases/P000001/checks/new";
    char *b = get(f, &w, path, 200);
    const char *const open[] = {"govuk-warning-text", "Police domestic abuse call-out check requested on 20 May 2025 has had no reply",
                                "href=\"/cases/P000001/checks/K1/receive\"", NULL};
    has(b, path, open);
    tw_value_after(b, "name=\"version\" value=\"", w.version, sizeof w.version);
    free(b);
    char form[512];
    /* The same kind again: the form comes back (not an error) with the warning and a way on. */
    snprintf(form, sizeof form, "csrf=%s&version=%s&kind=police_da&requested-day=2&requested-month=6&requested-year=2025",
             w.csrf, w.version);
    th_resp r = tw_req(f->port, "POST", path, w.cookie, form);
    assert_int_equal(r.status, 200);
    const char *const warn[] = {"<span class=\"govuk-visually-hidden\">Warning</span> Police domestic abuse call-out check "
                                "requested on 20 May 2025 has had no reply",
                                "name=\"confirm\" value=\"yes\"", "Request another check", NULL};
    has(r.body, "POST check", warn);
    lacks(r.body, "POST check", (const char *const[]){"govuk-error-summary", NULL});
    th_resp_free(&r);
    /* Going on anyway saves it. */
    snprintf(form, sizeof form,
             "csrf=%s&version=%s&kind=police_da&requested-day=2&requested-month=6&requested-year=2025&confirm=yes", w.csrf,
             w.version);
    r = tw_req(f->port, "POST", path, w.cookie, form);
    assert_int_equal(r.status, 303);
    th_resp_free(&r);
    /* Another kind, with none waiting: saved at once. */
    snprintf(form, sizeof form, "csrf=%s&version=%s&kind=childrens_services&requested-day=2&requested-month=6&requested-year=2025",
             w.csrf, w.version);
    r = tw_req(f->port, "POST", path, w.cookie, form);
    assert_int_equal(r.status, 303);
    th_resp_free(&r);
}

static void test_error_messages(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *path = "/cases/P000002/appointments/new";
    char *b = get(f, &w, path, 200);
    tw_value_after(b, "name=\"version\" value=\"", w.version, sizeof w.version);
    free(b);
    char form[512];
    snprintf(form, sizeof form, "csrf=%s&version=%s", w.csrf, w.version);
    th_resp r = tw_req(f->port, "POST", path, w.cookie, form);
    assert_int_equal(r.status, 400);
    const char *const empty[] = {"<a href=\"#event\">Select the sentence</a>",
                                 "<a href=\"#type\">Select the type of appointment</a>",
                                 "<a href=\"#date-day\">Enter the date of the appointment</a>",
                                 "<p id=\"date-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> Enter the date of the appointment</p>",
                                 NULL};
    has(r.body, "empty appointment", empty);
    lacks(r.body, "empty appointment", (const char *const[]){"Enter Date", "Select Sentence", "Select Appointment", NULL});
    th_resp_free(&r);
    snprintf(form, sizeof form, "csrf=%s&version=%s&event=E1&type=COAP&date-day=31&date-month=2&date-year=2026", w.csrf,
             w.version);
    r = tw_req(f->port, "POST", path, w.cookie, form);
    assert_int_equal(r.status, 400);
    const char *const unreal[] = {"<a href=\"#date-day\">Date of the appointment must be a real date</a>", NULL};
    has(r.body, "31 February", unreal);
    th_resp_free(&r);
    snprintf(form, sizeof form, "csrf=%s&version=%s&event=E1&type=COAP&date-day=3&date-year=2026", w.csrf, w.version);
    r = tw_req(f->port, "POST", path, w.cookie, form);
    const char *const part[] = {"<a href=\"#date-month\">Date of the appointment must include a month</a>", NULL};
    has(r.body, "no month", part);
    th_resp_free(&r);
    /* A refusal from the store reads without the record's path in the case. */
    path = "/cases/P000002/decisions/new";
    snprintf(form, sizeof form,
             "csrf=%s&version=%s&rule=DA_FLAG_DECISION&subject=bogus&date-day=2&date-month=6&date-year=2025&reason=r",
             w.csrf, w.version);
    r = tw_req(f->port, "POST", path, w.cookie, form);
    assert_int_equal(r.status, 400);
    const char *const store[] = {"<a href=\"#subject\">", "is not a subject", NULL};
    has(r.body, "bad subject", store);
    lacks(r.body, "bad subject", (const char *const[]){"decisions[", NULL});
    th_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_my_work_attention),   cmocka_unit_test(test_my_work_paging_and_counts),
        cmocka_unit_test(test_my_work_filters_and_sort), cmocka_unit_test(test_case_overview_plain),
        cmocka_unit_test(test_victim_rows_say_who_acts), cmocka_unit_test(test_check_asked_again),
        cmocka_unit_test(test_error_messages),
    };
    return cmocka_run_group_tests(tests, setup, tw_teardown);
}
