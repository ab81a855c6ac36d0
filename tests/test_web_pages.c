/* The web pages over a real store: a fresh SQLite database holding the shared
 * example cases, the web and API routes on one server, real sockets. Each
 * page type is fetched signed in with the grade it is for, and the forms are
 * posted with errors and then validly. */
#include "ck_test.h"
#include "ck_explain.h"
/* An obligation's explanation written out (core/ck_explain), in r's arena. */
#define EXPL(r, o) ck_explain_text((o)->explain, &((ck_result *)(r))->arena)
#include "ck_ctypes.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_bundle.h"
#include "ck_casewrite.h"
#include "ck_org.h"
#include "ck_web.h"
#include <ctype.h>
#include <pthread.h>
#include <signal.h>

#define TODAY "2025-06-02"

static ck_date pinned_today(void)
{
    ck_date d;
    ck_date_parse(TODAY, 10, &d);
    return d;
}

typedef tw_server fixture;


/* Example 01 (S000001, Pat Officer's) with the person on probation's own
 * details: an address with its street and postcode, phone, email, an alias,
 * language, a disability, and a partner and a child living with him from a
 * change of circumstances (dated before the RoSH assessment, so no rule
 * asks for anything new). */
static void put_person_example(ck_db *db, const ck_engine *eng)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/examples/01_easter_2025_co.json", CK_SHARED_DIR);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) fail_msg("%s: %s", path, je.text);
    json_t *p = json_object_get(j, "person");
    json_object_update_new(json_array_get(json_object_get(p, "addresses"), 0),
                       json_pack("{s:s, s:s, s:s, s:s}", "line1", "14 Larkspur Row", "line2", "Synthetic Estate", "town",
                                 "London", "postcode", "N7 2AB"));
    json_object_update_new(p, json_pack("{s:s, s:s, s:s, s:s, s:b, s:[{s:s, s:s}], s:[{s:s, s:s}]}", "phone",
                                        "07700 900123", "email", "test.person@example.com", "pronouns", "he/him",
                                        "preferred_language", "Polish", "interpreter_required", 1, "aliases",
                                        "forename", "Testy", "surname", "Persson", "disabilities", "kind", "Dyslexia",
                                        "adjustments", "Letters in plain English"));
    json_array_append_new(json_object_get(j, "changes"),
                          json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:b}, {s:s, s:s, s:b}]}", "id", "H0", "date",
                                    "2025-05-01", "kind", "relationship", "note", "Moved in with his partner",
                                    "household", "name", "Jo Partner", "relationship", "partner", "child", 0, "name",
                                    "Alex Partner", "relationship", "stepchild", "child", 1));
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    json_decref(j);
    if (!c) fail_msg("%s: %s", path, err);
    c->team = ck_arena_strdup(&c->arena, "N07T01");
    if (ck_cases_create(db, eng, c, pinned_today(), err, sizeof err) != CK_OK) fail_msg("%s: %s", path, err);
    ck_case_free(c);
}

static int setup(void **state)
{
    static fixture f;
    ck_db *db = tw_fresh_db(&f, "web-pages");
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    /* The organisation the pages scope by (team N07T01 and its staff), and
     * the management pages' PDU around it; an account for each of its staff. */
    ck_test_manage_fixture(db, &app.engine);
    tw_accounts(db);
    /* The roles no staff member's grade gives: the browser suite signs in
     * as each role (tests/e2e/narrow.test.mjs, roles.test.mjs). */
    tw_add_user(db, "qa", CK_ROLE_QA, NULL);
    tw_add_user(db, "admin", CK_ROLE_ADMIN, NULL);
    put_person_example(db, &app.engine);
    ck_test_put_example(db, &app.engine, "04_breach_mandatory_co.json", "N07T01", pinned_today());
    ck_test_put_example(db, &app.engine, "09_vcs_opted_in_release_soon.json", "N07T01", pinned_today());
    ck_db_close(db);
    tw_start(&f, app, NULL, NULL, 2);
    *state = &f;
    return 0;
}

static th_resp req(const fixture *f, const char *method, const char *path, const char *cookie, const char *form)
{
    return tw_req(f->port, method, path, cookie, form);
}


typedef tw_who who;

static who sign_in(const fixture *f, const char *staff, const char *grade)
{
    return tw_who_signed_in(f->port, staff, grade, "N07T01");
}

/* GET path as w; expects status and every needle in the body. */
static void page_has(const fixture *f, const who *w, const char *path, int status, const char *const *needles)
{
    th_resp r = req(f, "GET", path, w->cookie, NULL);
    if (r.status != status) fail_msg("GET %s: %d, expected %d\n%.2000s", path, r.status, status, r.body);
    for (size_t i = 0; needles && needles[i]; i++)
        if (!strstr(r.body, needles[i])) fail_msg("GET %s: no \"%s\" in the page", path, needles[i]);
    th_resp_free(&r);
}

static void test_my_work(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const needles[] = {"<h1 class=\"govuk-heading-l\">My work</h1>", "href=\"/cases/S000001\"",
                                   "Test Person", "aria-current=\"page\"", NULL};
    page_has(f, &w, "/", 200, needles);
}

static void test_caseload(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const mine[] = {"My caseload", "S000001", "aria-sort=\"ascending\"", "6 May 2025", NULL};
    page_has(f, &w, "/caseload", 200, mine);
    const char *const sorted[] = {"aria-sort=\"descending\"", NULL};
    page_has(f, &w, "/caseload?sort=crn&order=desc", 200, sorted);
    const char *const filtered[] = {"0 cases", NULL};
    page_has(f, &w, "/caseload?q=nobody-by-this-name", 200, filtered);
    const char *const bad[] = {"<a href=\"#tier\">Tier must be letters and numbers, like B or B2</a>", NULL};
    page_has(f, &w, "/caseload?tier=B%25", 400, bad);
}

static void test_case_tabs(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const overview[] = {"CRN S000001", "Tier", "RoSH", "Overdue and due", "Book an appointment", NULL};
    page_has(f, &w, "/cases/S000001", 200, overview);
    static const char *const tabs[] = {"activity", "sentence", "risk", "checks", "compliance", "appointments", "personal"};
    for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++) {
        char path[64];
        snprintf(path, sizeof path, "/cases/S000001/%s", tabs[i]);
        const char *const n[] = {"moj-sub-navigation", "aria-current=\"page\" href=\"", NULL};
        page_has(f, &w, path, 200, n);
    }
    const char *const compliance[] = {"Breach status", "Warnings in the last 12 months", NULL};
    page_has(f, &w, "/cases/S000004/compliance", 200, compliance);
    page_has(f, &w, "/cases/S000001/nonsense", 404, NULL);
    const char *const missing[] = {"Case not found", NULL};
    page_has(f, &w, "/cases/X999999", 404, missing);
}

/* The summary strip on every case page and the Personal details tab: names,
 * not codes, and where he lives and with whom at a glance. */
static void test_person_and_strip(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const strip[] = {"aria-label=\"Case summary\"", "<strong>Test Person</strong>", "CRN S000001",
                                 "Tier ", "RoSH <strong class=\"govuk-tag govuk-tag--yellow\">Medium</strong>",
                                 "Not MAPPA", "Probation practitioner: <strong>Pat Officer</strong>, Camden North",
                                 "<strong>Lives at:</strong> 14 Larkspur Row, Synthetic Estate, London N7 2AB.",
                                 "<strong>Lives with:</strong> Jo Partner (partner); Alex Partner (stepchild, under 18) "
                                 "(since 1 May 2025).",
                                 "Pat Officer, Probation practitioner", NULL};
    static const char *const pages[] = {"/cases/S000001", "/cases/S000001/activity", "/cases/S000001/risk",
                                        "/cases/S000001/personal", "/cases/S000001/appointments/new",
                                        "/cases/S000001/changes/new"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) page_has(f, &w, pages[i], 200, strip);
    const char *const personal[] = {"07700 900123", "test.person@example.com", "Testy Persson", "he/him", "Polish",
                                    "Interpreter needed</dt><dd class=\"govuk-summary-list__value\">Yes",
                                    "<strong>Dyslexia</strong>: Letters in plain English",
                                    "Jo Partner, partner", "Alex Partner, stepchild (under 18)",
                                    "Moved in with his partner", "Relationship", NULL};
    page_has(f, &w, "/cases/S000001/personal", 200, personal);
    /* The header names the signed-in user, not the staff code. */
    th_resp r = req(f, "GET", "/cases/S000001", w.cookie, NULL);
    assert_null(strstr(r.body, "N07P001"));
    assert_null(strstr(r.body, "N07T01"));
    th_resp_free(&r);
    /* Sentence types, offence categories and assessment kinds in words. */
    const char *const sentence[] = {"Community order", "Theft (04901), main", NULL};
    page_has(f, &w, "/cases/S000001/sentence", 200, sentence);
    const char *const event_option[] = {"E1: Community order from ", NULL};
    page_has(f, &w, "/cases/S000001/appointments/new", 200, event_option);
    const char *const risk[] = {"RoSH assessment completed 14 May 2025: Medium", "Sentence plan completed", NULL};
    page_has(f, &w, "/cases/S000001/risk", 200, risk);
    /* A case without the details says so rather than showing nothing. */
    const char *const bare[] = {"<strong>Lives with:</strong> Not recorded.", "Street and postcode not recorded",
                                NULL};
    page_has(f, &w, "/cases/S000004/personal", 200, bare);
}

static void test_search(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const found[] = {"href=\"/cases/S000001\"", NULL};
    page_has(f, &w, "/search?q=S000001", 200, found);
    const char *const form[] = {"CRN, name or date of birth", NULL};
    page_has(f, &w, "/search", 200, form);
}

static void test_book_appointment(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    th_resp r = req(f, "GET", "/cases/S000001/appointments/new", w.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Book an appointment"));
    assert_non_null(strstr(r.body, "<option value=\"COAP\""));
    tw_value_after(r.body, "name=\"csrf\" value=\"", w.csrf, sizeof w.csrf);
    th_resp_free(&r);

    char form[512];
    /* Every invalid field is named, and what was typed comes back. */
    snprintf(form, sizeof form, "csrf=%s&event=E1&type=&date-day=31&date-month=2&date-year=2026", w.csrf);
    r = req(f, "POST", "/cases/S000001/appointments/new", w.cookie, form);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<a href=\"#type\">Select the type of appointment</a>"));
    assert_non_null(strstr(r.body, "<a href=\"#date-day\">Date of the appointment must be a real date</a>"));
    assert_non_null(strstr(r.body, "name=\"date-day\" type=\"text\" inputmode=\"numeric\" value=\"31\""));
    assert_non_null(strstr(r.body, "<title>Error: Book an appointment – Casekeeper</title>"));
    th_resp_free(&r);

    snprintf(form, sizeof form, "csrf=%s&event=E1&type=COAP&date-day=10&date-month=6&date-year=2025"
                                "&start_time=9:30&end_time=10:15&location=video", w.csrf);
    r = req(f, "POST", "/cases/S000001/appointments/new", w.cookie, form);
    if (r.status != 303) fail_msg("%d %.3000s", r.status, r.body);
    th_resp_free(&r);
    const char *const booked[] = {"10 June 2025", "9:30am to 10:15am", "COAP appointment", "Booked", NULL};
    page_has(f, &w, "/cases/S000001/appointments", 200, booked);

    /* Without the CSRF token nothing is saved. */
    r = req(f, "POST", "/cases/S000001/appointments/new", w.cookie,
            "event=E1&type=COAP&date-day=11&date-month=6&date-year=2025");
    assert_int_equal(r.status, 403);
    th_resp_free(&r);
}

static void test_other_forms(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    static const char *const forms[] = {"/cases/S000001/contacts/new", "/cases/S000001/registrations/new",
                                        "/cases/S000001/checks/new", "/cases/S000001/assessments/new",
                                        "/cases/S000001/changes/new", "/cases/S000001/decisions/new"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        const char *const n[] = {"<form method=\"post\"", "name=\"csrf\"", NULL};
        page_has(f, &w, forms[i], 200, n);
    }
    page_has(f, &w, "/cases/S000001/frobs/new", 404, NULL);
    th_resp r = req(f, "GET", "/cases/S000001/changes/new", w.cookie, NULL);
    tw_value_after(r.body, "name=\"csrf\" value=\"", w.csrf, sizeof w.csrf);
    th_resp_free(&r);
    char form[512];
    snprintf(form, sizeof form, "csrf=%s&kind=relationship&date-day=1&date-month=6&date-year=2025&note=New+%%3Cpartner%%3E", w.csrf);
    r = req(f, "POST", "/cases/S000001/changes/new", w.cookie, form);
    if (r.status != 303) fail_msg("%d %.3000s", r.status, r.body);
    th_resp_free(&r);
    const char *const saved[] = {"Relationship</strong>. New &lt;partner&gt;", NULL};
    page_has(f, &w, "/cases/S000001/personal", 200, saved);
}

static void test_grades_pages(void **state)
{
    fixture *f = *state;
    who spo = sign_in(f, "N07P009", "SPO");
    const char *const team[] = {"<h1 class=\"govuk-heading-l\">Camden North</h1>", "Caseloads", "Unallocated cases", NULL};
    page_has(f, &spo, "/team", 200, team);
    const char *const pdu[] = {"PDU dashboard", "<svg class=\"ck-chart\"", "Timeliness", NULL};
    page_has(f, &spo, "/pdu", 200, pdu);
    page_has(f, &spo, "/victims", 403, NULL);

    who vlo = sign_in(f, "N07P010", "VLO");
    const char *const victims[] = {"Victim liaison", "Releases in the next 8 weeks", NULL};
    page_has(f, &vlo, "/victims", 200, victims);
    page_has(f, &vlo, "/cases/S000001/appointments/new", 403, NULL);

    who court = sign_in(f, "N07P011", "court_officer");
    const char *const c[] = {"Court work", "Reports requested", NULL};
    page_has(f, &court, "/court", 200, c);
}

/* The cells of the month-by-month table's row for `month`, in order: the
 * overdue count, then each group's on-time percentage (each a link when
 * there are cases behind it); "*" takes any. */
static void trend_row(const char *body, const char *month, const char *const *cells)
{
    char th[64];
    snprintf(th, sizeof th, "\">%s</th>", month);
    const char *p = strstr(body, th);
    if (!p) fail_msg("no row for %s in the month table", month);
    const char *end = strstr(p, "</tr>");
    for (size_t i = 0; cells[i]; i++) {
        /* The next numeric cell with that text (its tag carries a
         * data-label too). */
        size_t n = strlen(cells[i]);
        for (;;) {
            const char *at = strstr(p, "numeric\"");
            if (at) at = strchr(at, '>');
            if (!at || at > end) fail_msg("%s: cell %zu is not %s", month, i, cells[i]);
            p = at + 1;
            const char *text = p;
            if (strncmp(text, "<a ", 3) == 0) text = strchr(text, '>') + 1; /* a number links to its cases */
            if (ck_streq(cells[i], "*") || (strncmp(text, cells[i], n) == 0 && text[n] == '<')) break;
        }
    }
}

/* The PDU dashboard's months and the region dashboard, before any form
 * changes the fixture's obligations. */
static void test_dashboard_trends(void **state)
{
    fixture *f = *state;
    who spo = sign_in(f, "N07P009", "SPO");
    th_resp r = req(f, "GET", "/pdu", spo.cookie, NULL);
    assert_int_equal(r.status, 200);
    size_t rows = 0;
    for (const char *p = r.body; (p = strstr(p, "ck-trend-month")); p++) rows++;
    assert_int_equal(rows, 12);
    assert_non_null(strstr(r.body, "Jul 2024</th>")); /* twelve months back from 2 June 2025 */
    /* Example 01 (S000001): the DA check of event E1 due 6 May 2025 was
     * received that day (on time, 100%) and the children's services check
     * due the same day a day later (late, 0%); no VCS obligation fell due in
     * May ("-"). The fixture's only VCS referral (S000009) is due 16 June, so
     * June judges none yet. */
    trend_row(r.body, "May 2025", (const char *const[]){"-", "100", "0", NULL});
    trend_row(r.body, "Jun 2025", (const char *const[]){"*", "-", NULL});
    assert_non_null(strstr(r.body, "<polyline class=\"ck-chart__line\""));
    th_resp_free(&r);

    const char *const region[] = {"Region dashboard", "London", "Score out of 27", "aria-sort=\"ascending\"",
                                  "<a class=\"govuk-link\" href=\"/pdu\">Camden and Islington</a>",
                                  "href=\"/pdu/cases?\"", "href=\"/pdu/overdue?\"", "href=\"/region\"", NULL};
    page_has(f, &spo, "/region", 200, region);
    const char *const own[] = {"Camden and Islington: ", NULL};
    page_has(f, &spo, "/pdu?code=N07PDU1", 200, own);
    page_has(f, &spo, "/pdu?code=N99PDU9", 404, NULL);
    who po = sign_in(f, "N07P001", "PO");
    page_has(f, &po, "/region", 403, NULL);
}

/* ---- Saving forms: errors first, then a valid save that changes the case
 * and its obligations as the rulebook says. --------------------------------- */

/* GETs path as w and keeps the form's CSRF token in w. */
static void open_form(const fixture *f, who *w, const char *path)
{
    th_resp r = req(f, "GET", path, w->cookie, NULL);
    if (r.status != 200) fail_msg("GET %s: %d\n%.2000s", path, r.status, r.body);
    tw_value_after(r.body, "name=\"csrf\" value=\"", w->csrf, sizeof w->csrf);
    w->version[0] = '\0'; /* the case's forms carry one; others (allocation) do not */
    if (strstr(r.body, "name=\"version\"")) tw_value_after(r.body, "name=\"version\" value=\"", w->version, sizeof w->version);
    th_resp_free(&r);
}

/* POSTs "csrf=...&version=...&" + fields (the version the form was opened
 * at); expects status; each needle must be in the body. */
static void post_form(const fixture *f, const who *w, const char *path, const char *fields, int status,
                      const char *const *needles)
{
    char form[2048];
    snprintf(form, sizeof form, "csrf=%s&version=%s&%s", w->csrf, w->version, fields);
    th_resp r = req(f, "POST", path, w->cookie, form);
    if (r.status != status) fail_msg("POST %s: %d, expected %d\n%.3000s", path, r.status, status, r.body);
    for (size_t i = 0; needles && needles[i]; i++)
        if (!strstr(r.body, needles[i]) && !strstr(r.head, needles[i]))
            fail_msg("POST %s: no \"%s\" in the answer\n%.3000s", path, needles[i], r.body);
    th_resp_free(&r);
}

/* The stored status of obligation rule/subject of crn ("" when absent); an
 * explanation into expl when not NULL. */
static const char *stored_status(const fixture *f, const char *crn, const char *rule, const char *subject, char *expl,
                                 size_t expl_len)
{
    static char status[16];
    char err[512];
    ck_db *db = ck_db_open(f->db_url, err, sizeof err);
    ck_result *res = NULL;
    if (!db || ck_cases_obligations(db, crn, pinned_today(), &res, err, sizeof err) != CK_OK) fail_msg("%s", err);
    status[0] = '\0';
    for (size_t i = 0; i < res->n_obligations; i++) {
        const ck_obligation *o = &res->obligations[i];
        if (strcmp(o->rule, rule) != 0 || strcmp(o->subject, subject) != 0) continue;
        snprintf(status, sizeof status, "%s", ck_status_name(o->status));
        if (expl) snprintf(expl, expl_len, "%s", EXPL(res, o));
    }
    ck_result_free(res);
    ck_db_close(db);
    return status;
}

static ck_case *stored_case(const fixture *f, const char *crn)
{
    char err[512];
    ck_db *db = ck_db_open(f->db_url, err, sizeof err);
    ck_case *c = NULL;
    if (!db || ck_cases_get(db, crn, &c, err, sizeof err) != CK_OK) fail_msg("%s", err);
    ck_db_close(db);
    return c;
}

/* Adds a record straight to the store (what an earlier session recorded). */
static void store_add(const fixture *f, const char *crn, const char *list, const void *rec)
{
    char err[512];
    ck_db *db = ck_db_open(f->db_url, err, sizeof err);
    ck_engine eng = ck_engine_default();
    if (!db || ck_cases_add(db, &eng, crn, list, rec, pinned_today(), err, sizeof err) != CK_OK) fail_msg("%s", err);
    ck_db_close(db);
}

/* An NS office appointment on 30 May 2025 (event E1) with no outcome yet,
 * added straight to the store; returns its date. */
static ck_date store_appointment(const fixture *f, const char *crn, const char *id)
{
    ck_contact ct = {.id = id, .event = "E1", .date = 0, .type = "COAP", .national_standard = 1, .appointment = 1,
                     .outcome_on = CK_NODATE, .booked_on = CK_NODATE, .hours = CK_NOINT};
    ck_date_parse("2025-05-30", 10, &ct.date);
    store_add(f, crn, "contacts", &ct);
    return ct.date;
}

/* The id after `pat` in text, up to a slash, quote or question mark. */
static void id_after(const char *text, const char *pat, char *out, size_t out_len)
{
    tw_text_after(text, pat, "/\"?", out, out_len);
}

/* Appointments as practitioners book them (issue 15): typed times checked,
 * a weekly series, the clash warning and its confirmation, the diary,
 * reschedule and cancel, and the OUTCOME obligations following them. */
static void test_appointments(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *path = "/cases/S000001/appointments/new";
    open_form(f, &w, path);
    const char *const bad[] = {"Start time must be a time on the 24-hour clock, like 09:30",
                               "Date of the appointment must be today or in the future",
                               "Number of weeks must be a whole number from 1 to 26",
                               "Select where the appointment is", NULL};
    post_form(f, &w, path,
              "event=E1&type=COAP&date-day=30&date-month=5&date-year=2025&start_time=25:00&end_time=10:00"
              "&location=the+pub&weeks=30&officer=N07P001", 400, bad);
    const char *const bad2[] = {"End time must be after the start time", NULL};
    post_form(f, &w, path,
              "event=E1&type=COAP&date-day=16&date-month=6&date-year=2025&start_time=10:00&end_time=09:59"
              "&location=video&officer=N07P001", 400, bad2);
    /* Three weeks from 16 June, typed "10.00". */
    post_form(f, &w, path,
              "event=E1&type=COAP&date-day=16&date-month=6&date-year=2025&start_time=10.00&end_time=10:45"
              "&location=video&officer=N07P001&weeks=3", 303, NULL);
    const char *const series[] = {"16 June 2025", "23 June 2025", "30 June 2025", "10am to 10:45am", NULL};
    page_has(f, &w, "/cases/S000001/appointments", 200, series);
    /* Overlapping the second week: a warning first, booked once confirmed. */
    open_form(f, &w, path);
    const char *const clash[] = {"This appointment overlaps another",
                                 "Test Person already has an appointment on 23 June 2025 from 10am to 10:45am",
                                 "Book anyway", "name=\"confirm\" value=\"yes\"", NULL};
    post_form(f, &w, path,
              "event=E1&type=COAP&date-day=23&date-month=6&date-year=2025&start_time=10:30&end_time=11:00"
              "&location=phone&officer=N07P001", 200, clash);
    post_form(f, &w, path,
              "event=E1&type=COAP&date-day=23&date-month=6&date-year=2025&start_time=10:30&end_time=11:00"
              "&location=phone&officer=N07P001&confirm=yes", 303, NULL);
    /* The diary's week and day. */
    const char *const week[] = {"Week beginning 16 June 2025", "10am to 10:45am", "Video call", "Test Person", NULL};
    page_has(f, &w, "/diary?view=week&date=2025-06-18", 200, week);
    const char *const day[] = {"23 June 2025", "10:30am to 11am", "Phone call", NULL};
    page_has(f, &w, "/diary?view=day&date=2025-06-23", 200, day);

    /* Two past appointments without an outcome owe OUTCOME and are listed. */
    for (int i = 1; i <= 2; i++) {
        ck_contact ct = {.id = i == 1 ? "CPAST1" : "CPAST2", .event = "E1", .date = pinned_today() - 7 - i,
                         .type = "COAP", .national_standard = 1, .appointment = 1, .outcome_on = CK_NODATE,
                         .booked_on = CK_NODATE, .sequence = CK_NOINT, .hours = CK_NOINT};
        store_add(f, "S000001", "contacts", &ct);
    }
    assert_string_not_equal(stored_status(f, "S000001", "OUTCOME", "contact:CPAST1", NULL, 0), "");
    const char *const listed[] = {"Appointments without an outcome", "/cases/S000001/contacts/CPAST1/outcome",
                                  "/cases/S000001/contacts/CPAST2/outcome", NULL};
    page_has(f, &w, "/diary/without-outcome", 200, listed);
    /* Cancelled, CPAST1 owes nothing and leaves the list. */
    open_form(f, &w, "/cases/S000001/contacts/CPAST1/cancel");
    const char *const why[] = {"Enter why the appointment is being cancelled", NULL};
    post_form(f, &w, "/cases/S000001/contacts/CPAST1/cancel", "reason=", 400, why);
    post_form(f, &w, "/cases/S000001/contacts/CPAST1/cancel", "reason=Order+revoked+by+the+court", 303, NULL);
    assert_string_equal(stored_status(f, "S000001", "OUTCOME", "contact:CPAST1", NULL, 0), "");
    /* Rescheduled at the person's request, CPAST2's OUTCOME is met and a new
     * appointment is booked. */
    open_form(f, &w, "/cases/S000001/contacts/CPAST2/reschedule");
    post_form(f, &w, "/cases/S000001/contacts/CPAST2/reschedule",
              "date-day=7&date-month=7&date-year=2025&start_time=14:00&end_time=14:30&asked=RSOF"
              "&reason=Hospital+appointment", 303, NULL);
    /* Recorded today, over a week after the appointment: met, late. */
    assert_string_equal(stored_status(f, "S000001", "OUTCOME", "contact:CPAST2", NULL, 0), "met_late");
    ck_case *c = stored_case(f, "S000001");
    const ck_contact *old = ck_case_contact(c, "CPAST2"), *gone = ck_case_contact(c, "CPAST1");
    assert_string_equal(old->outcome, "RSOF");
    assert_string_equal(old->change_reason, "Hospital appointment");
    assert_int_equal(old->sequence, 1);
    const ck_contact *repl = ck_case_contact(c, old->rescheduled_to);
    assert_non_null(repl);
    assert_string_equal(repl->start_time, "14:00");
    assert_string_equal(repl->officer, "N07P001");
    assert_null(repl->outcome);
    assert_int_equal(gone->cancelled, 1);
    assert_string_equal(gone->change_reason, "Order revoked by the court");
    ck_case_free(c);
    th_resp r = req(f, "GET", "/diary/without-outcome", w.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "CPAST1"));
    assert_null(strstr(r.body, "CPAST2"));
    th_resp_free(&r);
    /* Neither a cancelled nor a rescheduled appointment can be changed again. */
    page_has(f, &w, "/cases/S000001/contacts/CPAST1/reschedule", 404, NULL);
    page_has(f, &w, "/cases/S000001/contacts/CPAST2/cancel", 404, NULL);
    /* The SPO's team diary shows the officer. */
    who spo = sign_in(f, "N07P009", "SPO");
    const char *const team[] = {"Team diary", "Test Person", NULL};
    page_has(f, &spo, "/diary/team?view=week&date=2025-06-16", 200, team);
}

/* The event of uid in the JSON that tests/ical_check.py printed, or NULL. */
static json_t *ical_event(json_t *feed, const char *uid)
{
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(feed, "events"), i, ev)
        if (ck_streq(json_string_value(json_object_get(ev, "uid")), uid)) return ev;
    return NULL;
}

static const char *ical_str(json_t *ev, const char *when, const char *key)
{
    return json_string_value(json_object_get(json_object_get(ev, when), key));
}

/* The practitioner's calendar feed, read by Python's icalendar: times in
 * Europe/London on both sides of the October clock change, a cancellation
 * as STATUS:CANCELLED with SEQUENCE raised, only the allowed properties and
 * nothing of the person's other details; revoked, the address is gone. */
static void test_calendar_feed(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const off[] = {"Your appointments in Outlook", "turned off", NULL};
    page_has(f, &w, "/diary/calendar", 200, off);
    open_form(f, &w, "/cases/S000001/appointments/new");
    post_form(f, &w, "/cases/S000001/appointments/new",
              "event=E1&type=COAP&date-day=24&date-month=10&date-year=2025&start_time=10:00&end_time=11:00"
              "&location=video&officer=N07P001&weeks=2", 303, NULL);
    ck_case *c = stored_case(f, "S000001");
    char before[64] = "", after[64] = "";
    for (size_t i = 0; i < c->n_contacts; i++) {
        const ck_contact *k = &c->contacts[i];
        if (k->date == ck_date_ymd(2025, 10, 24)) snprintf(before, sizeof before, "%s", k->id);
        if (k->date == ck_date_ymd(2025, 10, 31)) snprintf(after, sizeof after, "%s", k->id);
    }
    ck_case_free(c);
    assert_true(before[0] && after[0]);
    char path[160], form[256];
    snprintf(path, sizeof path, "/cases/S000001/contacts/%s/cancel", after);
    open_form(f, &w, path);
    post_form(f, &w, path, "reason=Court+hearing+that+day", 303, NULL);

    /* Turned on: the address is shown once. */
    snprintf(form, sizeof form, "csrf=%s", w.csrf);
    th_resp r = req(f, "POST", "/diary/calendar", w.cookie, form);
    assert_int_equal(r.status, 200);
    char feed_path[160];
    tw_text_after(r.body, "/calendar/", "<\"", feed_path + 10, sizeof feed_path - 10);
    memcpy(feed_path, "/calendar/", 10);
    assert_non_null(strstr(feed_path, ".ics"));
    th_resp_free(&r);
    page_has(f, &w, "/diary/calendar", 200, (const char *const[]){"turned on", NULL});
    r = req(f, "GET", "/diary/calendar", w.cookie, NULL);
    assert_null(strstr(r.body, feed_path)); /* never shown again */
    th_resp_free(&r);

    /* The feed needs no session: its token is the credential. */
    r = req(f, "GET", feed_path, NULL, NULL);
    if (r.status != 200) fail_msg("GET feed: %d %.500s", r.status, r.body);
    assert_non_null(strstr(r.head, "text/calendar"));
    static const char *const never[] = {"07700 900123", "test.person@example.com", "Jo Partner", "Synthetic note",
                                        "Court hearing", "14 Larkspur"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (strstr(r.body, never[i])) fail_msg("the feed holds \"%s\"", never[i]);
    char file[] = "/tmp/ck-feed-XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, r.body, r.body_len), (ssize_t)r.body_len);
    close(fd);
    th_resp_free(&r);
    char cmd[256], out[65536];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/ical_check.py %s", file);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int rc = pclose(p);
    unlink(file);
    if (rc != 0) fail_msg("ical_check.py failed (%d): %s", rc, out);
    json_error_t je;
    json_t *feed = json_loads(out, 0, &je);
    if (!feed) fail_msg("ical_check.py: %s: %s", je.text, out);
    assert_string_equal(json_string_value(json_object_get(feed, "version")), "2.0");
    assert_string_equal(json_string_value(json_array_get(json_object_get(feed, "timezones"), 0)), "Europe/London");
    char uid[128];
    snprintf(uid, sizeof uid, "S000001-%s@casekeeper", before);
    json_t *bst = ical_event(feed, uid);
    snprintf(uid, sizeof uid, "S000001-%s@casekeeper", after);
    json_t *gmt = ical_event(feed, uid);
    assert_non_null(bst);
    assert_non_null(gmt);
    /* 10am in London is 09:00 UTC in summer time, 10:00 UTC after the clocks go back. */
    assert_string_equal(ical_str(bst, "start", "utc"), "2025-10-24T09:00:00Z");
    assert_string_equal(ical_str(bst, "end", "utc"), "2025-10-24T10:00:00Z");
    assert_string_equal(ical_str(bst, "start", "tzid"), "Europe/London");
    assert_true(json_real_value(json_object_get(json_object_get(bst, "start"), "offset_hours")) == 1.0);
    assert_string_equal(ical_str(gmt, "start", "utc"), "2025-10-31T10:00:00Z");
    assert_string_equal(ical_str(gmt, "start", "local"), "2025-10-31T10:00");
    assert_true(json_real_value(json_object_get(json_object_get(gmt, "start"), "offset_hours")) == 0.0);
    assert_string_equal(json_string_value(json_object_get(bst, "status")), "CONFIRMED");
    assert_string_equal(json_string_value(json_object_get(gmt, "status")), "CANCELLED");
    assert_int_equal(json_integer_value(json_object_get(bst, "sequence")), 0);
    assert_int_equal(json_integer_value(json_object_get(gmt, "sequence")), 1);
    assert_string_equal(json_string_value(json_object_get(bst, "location")), "Video call");
    assert_non_null(strstr(json_string_value(json_object_get(bst, "summary")), "Test Person (S000001)"));
    static const char *const allowed[] = {"DTEND", "DTSTAMP", "DTSTART", "LOCATION", "SEQUENCE", "STATUS", "SUMMARY", "UID"};
    size_t i, k;
    json_t *ev, *prop;
    json_array_foreach(json_object_get(feed, "events"), i, ev)
        json_array_foreach(json_object_get(ev, "properties"), k, prop) {
            bool ok = false;
            for (size_t a = 0; a < sizeof allowed / sizeof *allowed; a++) ok = ok || ck_streq(allowed[a], json_string_value(prop));
            if (!ok) fail_msg("event property %s is not allowed in the feed", json_string_value(prop));
        }
    json_decref(feed);

    /* Turned off, the address answers nothing; a made-up one never did. */
    open_form(f, &w, "/diary/calendar");
    snprintf(form, sizeof form, "csrf=%s", w.csrf);
    r = req(f, "POST", "/diary/calendar/off", w.cookie, form);
    assert_int_equal(r.status, 303);
    th_resp_free(&r);
    const char *const gone[] = {feed_path, "/calendar/not-a-token.ics"};
    for (size_t g = 0; g < 2; g++) {
        r = req(f, "GET", gone[g], NULL, NULL);
        assert_int_equal(r.status, 404);
        th_resp_free(&r);
    }
}

static void test_failure_then_warning(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    open_form(f, &w, "/cases/S000001/contacts/C3/outcome");
    const char *const errs[] = {"<a href=\"#outcome\">Select the outcome of the appointment</a>", "<a href=\"#reason\">Enter the reason for taking no further action</a>", NULL};
    post_form(f, &w, "/cases/S000001/contacts/C3/outcome", "action=no_further_action", 400, errs);
    assert_string_equal(stored_status(f, "S000001", "ENFORCE", "contact:C3", NULL, 0), "");

    /* A failure to attend, enforcement not yet decided: ENFORCE appears. */
    post_form(f, &w, "/cases/S000001/contacts/C3/outcome", "outcome=AFTA&outcome_on-day=13&outcome_on-month=5&outcome_on-year=2025", 303, NULL);
    assert_string_equal(stored_status(f, "S000001", "ENFORCE", "contact:C3", NULL, 0), "overdue");
    const char *const due[] = {"Enforcement action", "/cases/S000001/contacts/C3/enforcement?rule=ENFORCE", NULL};
    page_has(f, &w, "/cases/S000001", 200, due);

    open_form(f, &w, "/cases/S000001/contacts/C3/enforcement?rule=ENFORCE&subject=contact%3AC3");
    const char *const e2[] = {"<a href=\"#action\">Select the enforcement action</a>", "<a href=\"#date-day\">Date of the decision must be a real date</a>", NULL};
    post_form(f, &w, "/cases/S000001/contacts/C3/enforcement", "date-day=40&date-month=5&date-year=2025", 400, e2);
    /* Decided within 10 working days of the failure (due 28 May). */
    post_form(f, &w, "/cases/S000001/contacts/C3/enforcement", "action=first_warning&date-day=27&date-month=5&date-year=2025", 303, NULL);
    assert_string_equal(stored_status(f, "S000001", "ENFORCE", "contact:C3", NULL, 0), "met");
    const char *const shown[] = {"First warning, for the appointment on 13 May 2025", NULL};
    page_has(f, &w, "/cases/S000001/compliance", 200, shown);
    /* A contact that is not a failure has no enforcement form. */
    page_has(f, &w, "/cases/S000001/contacts/C2/enforcement", 404, NULL);
}

/* Rulebook v3: a recall can be asked for only during a licence; post-sentence
 * supervision cannot be recalled (CJA 2003 s.256AC). L000001's licence ran
 * from 10 July 2023 to 8 January 2024, its PSS to the end of 2025: failure C1
 * fell in the licence, C2 in the PSS. */
static void test_recall_only_on_licence(void **state)
{
    fixture *f = *state;
    static const char json[] =
        "{\"crn\":\"L000001\",\"team\":\"N07T01\",\"person\":{\"forename\":\"Lee\",\"surname\":\"Ward\"},"
        "\"allocations\":[{\"id\":\"AL1\",\"from\":\"2023-07-10\",\"staff_code\":\"N07P001\",\"grade\":\"PO\"}],"
        "\"events\":[{\"id\":\"E1\",\"offences\":[{\"id\":\"O1\",\"category\":\"theft\",\"main\":true}],"
        "\"sentence\":{\"type\":\"custody\",\"date\":\"2023-01-09\",\"length_months\":12,"
        "\"release_date\":\"2023-07-10\",\"end_date\":\"2024-01-08\",\"pss_end_date\":\"2025-12-31\"}}],"
        "\"contacts\":[{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2023-09-04\",\"type\":\"COAP\","
        "\"national_standard\":true,\"appointment\":true,\"outcome\":\"AFTA\"},"
        "{\"id\":\"C2\",\"event\":\"E1\",\"date\":\"2025-05-19\",\"type\":\"COAP\","
        "\"national_standard\":true,\"appointment\":true,\"outcome\":\"AFTA\"}]}";
    char err[512];
    ck_case *c = ck_bundle_parse(json, strlen(json), err, sizeof err);
    if (!c) fail_msg("%s", err);
    ck_db *db = ck_db_open(f->db_url, err, sizeof err);
    ck_engine eng = ck_engine_default();
    if (!db || ck_cases_create(db, &eng, c, pinned_today(), err, sizeof err) != CK_OK) fail_msg("%s", err);
    ck_db_close(db);
    ck_case_free(c);

    who w = sign_in(f, "N07P001", "PO");
    const char *const offered[] = {"value=\"recall_requested\"", "Recall requested", NULL};
    page_has(f, &w, "/cases/L000001/contacts/C1/enforcement", 200, offered);
    th_resp r = req(f, "GET", "/cases/L000001/contacts/C2/enforcement", w.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "recall_requested"));
    assert_non_null(strstr(r.body, "value=\"breach_initiated\""));
    th_resp_free(&r);
    r = req(f, "GET", "/cases/S000001/contacts/C3/outcome", w.cookie, NULL); /* a community order */
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "recall_requested"));
    th_resp_free(&r);

    /* Posted anyway (an old form, a crafted request): refused, nothing saved. */
    open_form(f, &w, "/cases/L000001/contacts/C2/enforcement");
    const char *const refused[] = {"A recall can only be requested during the licence, from 10 July 2023 to 8 January 2024",
                                   NULL};
    post_form(f, &w, "/cases/L000001/contacts/C2/enforcement", "action=recall_requested", 400, refused);
    post_form(f, &w, "/cases/L000001/contacts/C1/enforcement",
              "action=recall_requested&date-day=9&date-month=1&date-year=2024", 400, refused);
    c = stored_case(f, "L000001");
    assert_int_equal(c->n_enforcement, 0);
    ck_case_free(c);

    /* Within the licence it is saved, and RECALL_DECISION follows it. */
    open_form(f, &w, "/cases/L000001/contacts/C1/enforcement");
    post_form(f, &w, "/cases/L000001/contacts/C1/enforcement",
              "action=recall_requested&date-day=5&date-month=9&date-year=2023", 303, NULL);
    c = stored_case(f, "L000001");
    assert_int_equal(c->n_enforcement, 1);
    char subject[64];
    snprintf(subject, sizeof subject, "enforcement:%s", c->enforcement[0].id);
    ck_case_free(c);
    assert_string_equal(stored_status(f, "L000001", "RECALL_DECISION", subject, NULL, 0), "overdue");
}

static void test_outcome_and_action_together(void **state)
{
    fixture *f = *state;
    ck_date may30 = store_appointment(f, "S000004", "CX1");
    who w = sign_in(f, "N07P004", "PO");
    open_form(f, &w, "/cases/S000004/contacts/CX1/outcome");
    const char *const errs[] = {"<a href=\"#action\">Enforcement action is only for a failure to comply</a>",
                                "value=\"ATTC\" checked", NULL};
    post_form(f, &w, "/cases/S000004/contacts/CX1/outcome", "outcome=ATTC&action=first_warning", 400, errs);
    ck_case *c = stored_case(f, "S000004");
    assert_null(ck_case_contact(c, "CX1")->outcome);
    size_t n_enf = c->n_enforcement;
    ck_case_free(c);

    /* One save: the outcome and the warning. A warning within 12 months
     * went before, so the warning does not meet ENFORCE: breach mandatory. */
    post_form(f, &w, "/cases/S000004/contacts/CX1/outcome", "outcome=UAAB&action=first_warning", 303, NULL);
    c = stored_case(f, "S000004");
    assert_string_equal(ck_case_contact(c, "CX1")->outcome, "UAAB");
    assert_int_equal(c->n_enforcement, n_enf + 1);
    assert_string_equal(c->enforcement[n_enf].contact, "CX1");
    assert_string_equal(c->enforcement[n_enf].action, "first_warning");
    char expl[512] = "";
    assert_string_equal(stored_status(f, "S000004", "ENFORCE", "contact:CX1", expl, sizeof expl), "open");
    assert_non_null(strstr(expl, "breach mandatory"));

    /* All or nothing: an enforcement id the case already has refuses the
     * outcome as well. */
    store_appointment(f, "S000004", "CX2");
    char err[512];
    ck_db *db = ck_db_open(f->db_url, err, sizeof err);
    ck_engine eng = ck_engine_default();
    ck_enforcement dup = {.id = c->enforcement[n_enf].id, .date = may30, .action = "breach_initiated"};
    assert_int_equal(ck_casewrite_outcome(db, &eng, "S000004", "CX2", "AFTA", may30, &dup, pinned_today(), err, sizeof err),
                     CK_ERR_EXISTS);
    ck_case_free(c);
    c = stored_case(f, "S000004");
    assert_null(ck_case_contact(c, "CX2")->outcome);
    assert_int_equal(c->n_enforcement, n_enf + 1);
    ck_case_free(c);
    ck_db_close(db);
}

/* No lost updates in the forms: an edit of a record posted from a form
 * opened before someone else changed the case is refused with who changed
 * it and when, and what was typed stays in the form; saving it again from
 * there is a decision and succeeds. Appending a record is no conflict. */
static void test_stale_edit(void **state)
{
    fixture *f = *state;
    store_appointment(f, "S000009", "CX7");
    store_appointment(f, "S000009", "CX8");
    who pat = sign_in(f, "N07P001", "PO"), kim = sign_in(f, "N07P004", "PO");
    open_form(f, &pat, "/cases/S000009/contacts/CX7/outcome");
    who pat_contact = pat;
    open_form(f, &pat_contact, "/cases/S000009/contacts/new");
    /* Kim records the other appointment's outcome meanwhile. */
    open_form(f, &kim, "/cases/S000009/contacts/CX8/outcome");
    post_form(f, &kim, "/cases/S000009/contacts/CX8/outcome", "outcome=ATTC", 303, NULL);

    const char *const refused[] = {"govuk-error-summary", "This case was changed by Kim Ahmed at ",
                                   " since you opened it", "value=\"AAAA\" checked", NULL};
    post_form(f, &pat, "/cases/S000009/contacts/CX7/outcome",
              "outcome=AAAA&outcome_on-day=30&outcome_on-month=5&outcome_on-year=2025", 409, refused);
    ck_case *c = stored_case(f, "S000009");
    assert_null(ck_case_contact(c, "CX7")->outcome); /* not saved */
    assert_string_equal(ck_case_contact(c, "CX8")->outcome, "ATTC");
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)c->version);
    ck_case_free(c);
    /* The answer types the date back and carries the current version. */
    char form[512];
    snprintf(form, sizeof form, "csrf=%s&version=%s&outcome=AAAA&outcome_on-day=30&outcome_on-month=5&outcome_on-year=2025",
             pat.csrf, pat.version);
    th_resp r = req(f, "POST", "/cases/S000009/contacts/CX7/outcome", pat.cookie, form);
    assert_int_equal(r.status, 409);
    char kept[24], carried[24];
    tw_value_after(r.body, "name=\"outcome_on-day\" type=\"text\" inputmode=\"numeric\" value=\"", kept, sizeof kept);
    tw_value_after(r.body, "name=\"version\" value=\"", carried, sizeof carried);
    th_resp_free(&r);
    assert_string_equal(kept, "30");
    assert_string_equal(carried, now);
    /* Saved again from the refused form: a decision, and it is saved. */
    snprintf(pat.version, sizeof pat.version, "%s", carried);
    post_form(f, &pat, "/cases/S000009/contacts/CX7/outcome",
              "outcome=AAAA&outcome_on-day=30&outcome_on-month=5&outcome_on-year=2025", 303, NULL);
    c = stored_case(f, "S000009");
    assert_string_equal(ck_case_contact(c, "CX7")->outcome, "AAAA");
    ck_case_free(c);
    /* A contact added from a form opened before all that: no conflict. */
    post_form(f, &pat_contact, "/cases/S000009/contacts/new", "event=E1&type=COPT&date-day=2&date-month=6&date-year=2025",
              303, NULL);
}

static void test_add_contact(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    open_form(f, &w, "/cases/S000001/contacts/new");
    const char *const errs[] = {"<a href=\"#type\">Select the type of contact</a>", "<a href=\"#date-day\">Enter the date of the contact</a>", NULL};
    post_form(f, &w, "/cases/S000001/contacts/new", "event=E1&type=", 400, errs);
    th_resp r = req(f, "GET", "/cases/S000001/contacts/new", w.cookie, NULL);
    char type[32];
    tw_value_after(strstr(strstr(r.body, "name=\"type\""), "Choose</option>"), "<option value=\"", type, sizeof type);
    th_resp_free(&r);
    char fields[256];
    snprintf(fields, sizeof fields, "event=E1&type=%s&date-day=30&date-month=5&date-year=2025", type);
    /* The case page keeps the case as loaded (ck_web_case's cache): read
     * twice before the write, the second read is a hit... */
    uint64_t hits0, hits1, misses;
    for (int i = 0; i < 2; i++) {
        th_resp before = req(f, "GET", "/cases/S000001/activity", w.cookie, NULL);
        assert_int_equal(before.status, 200);
        assert_null(strstr(before.body, "30 May 2025"));
        th_resp_free(&before);
        ck_case_cache_counts(f->web->page_cases, i ? &hits1 : &hits0, &misses);
    }
    assert_int_equal(hits1, hits0 + 1);
    post_form(f, &w, "/cases/S000001/contacts/new", fields, 303, NULL);
    /* ...and after it the page shows the new contact (its type by name),
     * never the kept case. */
    const char *const shown[] = {"30 May 2025", ck_ctype_find(type)->name, NULL};
    page_has(f, &w, "/cases/S000001/activity", 200, shown);
    page_has(f, &w, "/cases/S000001/activity", 200, shown);
}

/* A form that makes another kind of record keeps its notes on a contact of
 * the matching type, which the activity log finds; notes are checked by the
 * field. */
static void test_notes_on_other_forms(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *const bad[] = {"<a href=\"#notes\">Notes must only include letters, numbers, punctuation and line "
                               "breaks</a>", NULL};
    post_form(f, &w, "/cases/S000001/checks/new",
              "kind=police_da&requested-day=1&requested-month=6&requested-year=2025&notes=bell%07", 400, bad);
    post_form(f, &w, "/cases/S000001/checks/new",
              "kind=police_da&requested-day=1&requested-month=6&requested-year=2025&notes=Asked+the+police+about+the+"
              "new+partners%0D%0A%0D%0A%3Cscript%3Ex%3C%2Fscript%3E&sensitive=yes",
              303, NULL);
    const char *const shown[] = {"Police Intelligence Check", "Sensitive", "about the new <mark>partners</mark>",
                                 "&lt;script&gt;x&lt;/script&gt;", NULL};
    page_has(f, &w, "/cases/S000001/activity?q=partner", 200, shown);
    th_resp r = req(f, "GET", "/cases/S000001/activity?q=partner", w.cookie, NULL);
    assert_null(strstr(r.body, "<script>x"));
    th_resp_free(&r);
    const char *const none[] = {"No contacts match these words", NULL};
    page_has(f, &w, "/cases/S000001/activity?q=partner&category=Appointments", 200, none);
    const char *const dates[] = {"Date to must be the same as or after date from", NULL};
    page_has(f, &w, "/cases/S000001/activity?from-day=2&from-month=6&from-year=2025&to-day=1&to-month=6&to-year=2025",
             400, dates);
}

/* Who lives with him, from the change of circumstances form: a partner and
 * a child in the fixed rows (an empty row between is ignored), shown on the
 * strip and the Personal details tab; a half-filled row and a household on
 * a change of another kind are refused, naming the row and the field. */
static void test_change_household(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    const char *path = "/cases/S000004/changes/new";
    const char *const asks[] = {"Does anyone live with them?", "No, they live alone", "Name of household member 4",
                                "<option value=\"stepchild\">Stepchild</option>", "Under 18", NULL};
    page_has(f, &w, path, 200, asks);
    open_form(f, &w, path);
    const char *const row[] = {"<a href=\"#member2_name\">Enter the name of household member 2</a>",
                               "<a href=\"#member1_relationship\">Select the relationship of household member 1</a>",
                               NULL};
    post_form(f, &w, path,
              "kind=household&date-day=1&date-month=6&date-year=2025&lives_alone=others&member1_name=Sam+Example"
              "&member2_relationship=child&member2_child=yes",
              400, row);
    const char *const kind[] = {"Select address, household or relationship to record who lives with them", NULL};
    post_form(f, &w, path,
              "kind=arrest&date-day=1&date-month=6&date-year=2025&lives_alone=others&member1_name=Sam+Example"
              "&member1_relationship=partner",
              400, kind);
    const char *const alone[] = {"<a href=\"#lives_alone\">Select yes if anyone lives with them</a>", NULL};
    post_form(f, &w, path,
              "kind=household&date-day=1&date-month=6&date-year=2025&lives_alone=alone&member1_name=Sam+Example"
              "&member1_relationship=partner",
              400, alone);
    const char *const none[] = {"<a href=\"#member1_name\">Enter the name of household member 1</a>", NULL};
    post_form(f, &w, path, "kind=household&date-day=1&date-month=6&date-year=2025&lives_alone=others", 400, none);
    post_form(f, &w, path,
              "kind=household&date-day=1&date-month=6&date-year=2025&note=Partner+and+her+son+moved+in"
              "&lives_alone=others&member1_name=Sam+Example&member1_relationship=partner"
              "&member3_name=Kit+Example&member3_relationship=stepchild&member3_child=yes",
              303, NULL);
    const char *const shown[] = {"<strong>Lives with:</strong> Sam Example (partner); Kit Example (stepchild, under 18) "
                                 "(since 1 June 2025).",
                                 "Sam Example, partner", "Kit Example, stepchild (under 18)",
                                 "Partner and her son moved in", NULL};
    page_has(f, &w, "/cases/S000004/personal", 200, shown);
    ck_case *c = stored_case(f, "S000004");
    const ck_change *ch = &c->changes[c->n_changes - 1];
    assert_int_equal(ch->n_household, 2);
    assert_int_equal(ch->lives_alone, 0);
    assert_string_equal(ch->household[1].name, "Kit Example");
    assert_int_equal(ch->household[1].child, 1);
    assert_int_equal(ch->household[0].child, 0);
    ck_case_free(c);
    /* Then he lives alone: the strip says so. */
    open_form(f, &w, path);
    post_form(f, &w, path, "kind=household&date-day=2&date-month=6&date-year=2025&lives_alone=alone", 303, NULL);
    const char *const lone[] = {"<strong>Lives with:</strong> nobody (lives alone)", NULL};
    page_has(f, &w, "/cases/S000004/personal", 200, lone);
}

static void test_registration_lifecycle(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    open_form(f, &w, "/cases/S000001/registrations/new");
    const char *const e1[] = {"<a href=\"#type\">Select the register</a>", "<a href=\"#date-day\">Date registered must be a real date</a>", NULL};
    post_form(f, &w, "/cases/S000001/registrations/new", "date-day=31&date-month=4&date-year=2025", 400, e1);
    const char *const e2[] = {"<a href=\"#level\">Select the MAPPA level</a>", "<a href=\"#category\">Select the MAPPA category</a>",
                              "<option value=\"MAPP\" selected>", NULL};
    post_form(f, &w, "/cases/S000001/registrations/new", "type=MAPP&date-day=20&date-month=5&date-year=2025", 400, e2);
    post_form(f, &w, "/cases/S000001/registrations/new", "type=ADVP&date-day=20&date-month=5&date-year=2025", 303, NULL);

    th_resp r = req(f, "GET", "/cases/S000001/risk", w.cookie, NULL);
    char id[32], subject[48];
    id_after(r.body, "/cases/S000001/registrations/G", id + 1, sizeof id - 1);
    id[0] = 'G'; /* web-made registration ids */
    th_resp_free(&r);
    snprintf(subject, sizeof subject, "registration:%s", id);
    assert_string_equal(stored_status(f, "S000001", "REG_REVIEW", subject, NULL, 0), "open");
    const char *const flag[] = {"Domestic abuse perpetrator", NULL};
    page_has(f, &w, "/cases/S000001", 200, flag);

    char path[128];
    snprintf(path, sizeof path, "/cases/S000001/registrations/%s/review", id);
    open_form(f, &w, path);
    const char *const e3[] = {"<a href=\"#next_review-day\">Enter the date of the next review</a>", NULL};
    post_form(f, &w, path, "date-day=1&date-month=6&date-year=2025", 400, e3);
    post_form(f, &w, path, "date-day=1&date-month=6&date-year=2025&next_review-day=1&next_review-month=9&next_review-year=2025", 303, NULL);
    /* The review meets this cycle; the obligation now tracks the next one. */
    char expl[512];
    assert_string_equal(stored_status(f, "S000001", "REG_REVIEW", subject, expl, sizeof expl), "open");
    assert_non_null(strstr(expl, "2025-09-01"));
    const char *const next[] = {"1 September 2025", NULL};
    page_has(f, &w, "/cases/S000001/risk", 200, next);

    snprintf(path, sizeof path, "/cases/S000001/registrations/%s/deregister", id);
    open_form(f, &w, path);
    const char *const e4[] = {"<a href=\"#date\">Date the registration ends must be after the date registered</a>", NULL};
    post_form(f, &w, path, "date-day=19&date-month=5&date-year=2025", 400, e4);
    post_form(f, &w, path, "date-day=2&date-month=6&date-year=2025", 303, NULL);
    const char *const ended[] = {"Ended 2 June 2025", NULL};
    page_has(f, &w, "/cases/S000001/risk", 200, ended);
    page_has(f, &w, path, 404, NULL); /* an ended registration cannot be ended again */
}

static void test_check_reply_and_decision(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P004", "PO");
    open_form(f, &w, "/cases/S000004/checks/new");
    const char *const e1[] = {"<a href=\"#kind\">Select the check you requested</a>", "<a href=\"#requested\">Date requested must be today or in the past</a>", NULL};
    post_form(f, &w, "/cases/S000004/checks/new", "requested-day=3&requested-month=6&requested-year=2025", 400, e1);
    post_form(f, &w, "/cases/S000004/checks/new", "kind=police_da&requested-day=30&requested-month=5&requested-year=2025", 303, NULL);
    th_resp r = req(f, "GET", "/cases/S000004/checks", w.cookie, NULL);
    char id[32], subject[48], path[128];
    id_after(r.body, "/cases/S000004/checks/K", id + 1, sizeof id - 1);
    id[0] = 'K'; /* the only check waiting for its reply */
    th_resp_free(&r);
    snprintf(path, sizeof path, "/cases/S000004/checks/%s/receive", id);
    snprintf(subject, sizeof subject, "check:%s", id);
    open_form(f, &w, path);
    const char *const e2[] = {"<a href=\"#received\">Date the reply was received must be on or after the date requested</a>",
                              "<a href=\"#relevant\">Select yes if the reply held relevant information</a>", NULL};
    post_form(f, &w, path, "received-day=29&received-month=5&received-year=2025", 400, e2);
    assert_string_equal(stored_status(f, "S000004", "DA_FLAG_DECISION", subject, NULL, 0), "");
    /* Relevant information: the rulebook asks for a flag decision. */
    post_form(f, &w, path, "received-day=2&received-month=6&received-year=2025&relevant=yes", 303, NULL);
    assert_string_equal(stored_status(f, "S000004", "DA_FLAG_DECISION", subject, NULL, 0), "open");

    open_form(f, &w, "/cases/S000004/decisions/new?rule=DA_FLAG_DECISION");
    char fields[256];
    const char *const e3[] = {"<a href=\"#reason\">Enter the reason for the decision</a>", "<a href=\"#date-day\">Enter the date of the decision</a>", NULL};
    snprintf(fields, sizeof fields, "rule=DA_FLAG_DECISION&subject=%s", subject);
    post_form(f, &w, "/cases/S000004/decisions/new", fields, 400, e3);
    snprintf(fields, sizeof fields, "rule=DA_FLAG_DECISION&subject=%s&date-day=2&date-month=6&date-year=2025"
                                    "&reason=Call-outs+predate+the+current+partner", subject);
    post_form(f, &w, "/cases/S000004/decisions/new", fields, 303, NULL);
    assert_string_equal(stored_status(f, "S000004", "DA_FLAG_DECISION", subject, NULL, 0), "met");
}

static void test_rosh_assessment(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P001", "PO");
    open_form(f, &w, "/cases/S000001/assessments/new");
    const char *const e1[] = {"<a href=\"#completed-day\">Enter the date the assessment was completed</a>", "<a href=\"#level\">Select the RoSH level</a>", NULL};
    post_form(f, &w, "/cases/S000001/assessments/new", "kind=rosh", 400, e1);
    post_form(f, &w, "/cases/S000001/assessments/new", "kind=rosh&level=high&completed-day=1&completed-month=6&completed-year=2025", 303, NULL);
    const char *const shown[] = {"govuk-tag--orange\">High</strong>", NULL};
    page_has(f, &w, "/cases/S000001", 200, shown);
    th_resp r = req(f, "GET", "/cases/S000001", w.cookie, NULL);
    char id[32], subject[48];
    id_after(r.body, "subject=assessment%3A", id, sizeof id);
    th_resp_free(&r);
    snprintf(subject, sizeof subject, "assessment:%s", id);
    /* High RoSH: management oversight within 5 WD, review within 26 weeks. */
    assert_string_equal(stored_status(f, "S000001", "OVERSIGHT", subject, NULL, 0), "open");
    assert_string_equal(stored_status(f, "S000001", "ROSH_REVIEW", subject, NULL, 0), "open");
}

static void test_vlo_first_contact(void **state)
{
    fixture *f = *state;
    ck_victim v = {.id = "V3", .event = "E1", .scheme = "statutory", .name = "Robin Example", .phone = "020 7946 0001",
                   .first_contact = CK_NODATE, .opted_on = CK_NODATE, .representations = CK_NODATE,
                   .release_notified = CK_NODATE, .recall_notified = CK_NODATE};
    ck_date_parse("2025-04-28", 10, &v.referred);
    store_add(f, "S000009", "victims", &v);
    assert_string_equal(stored_status(f, "S000009", "VCS_FIRST_CONTACT", "victim:V3", NULL, 0), "overdue");

    /* Everyone else sees that there is a victim, never who. */
    who po = sign_in(f, "N07P001", "PO");
    page_has(f, &po, "/cases/S000009/victims/V3", 403, NULL);
    th_resp r = req(f, "GET", "/cases/S000009", po.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "Robin Example"));
    th_resp_free(&r);

    who w = sign_in(f, "N07P010", "VLO");
    const char *const listed[] = {"Victims to contact", "/cases/S000009/victims/V3", "Overdue", NULL};
    page_has(f, &w, "/victims", 200, listed);
    const char *const record[] = {"Robin Example", "020 7946 0001", "Not yet", NULL};
    page_has(f, &w, "/cases/S000009/victims/V3", 200, record);
    open_form(f, &w, "/cases/S000009/victims/V3/edit");
    const char *const errs[] = {"<a href=\"#first_contact\">Date of the first contact must be today or in the past</a>",
                                "<a href=\"#opted_on\">Enter the date of the choice</a>",
                                "<a href=\"#email\">Enter an email address in the correct format, like name@example.com</a>",
                                "value=\"Robin Example\"", NULL};
    post_form(f, &w, "/cases/S000009/victims/V3/edit",
              "event=E1&scheme=statutory&referred-day=28&referred-month=4&referred-year=2025&first_contact-day=3"
              "&first_contact-month=6&first_contact-year=2025&opted=in&name=Robin+Example&email=robin",
              400, errs);
    const char *const saved[] = {"Location: /cases/S000009/victims/V3?saved=victims", NULL};
    post_form(f, &w, "/cases/S000009/victims/V3/edit",
              "event=E1&scheme=statutory&referred-day=28&referred-month=4&referred-year=2025&first_contact-day=20"
              "&first_contact-month=5&first_contact-year=2025&name=Robin+Example&phone=020+7946+0001",
              303, saved);
    assert_string_equal(stored_status(f, "S000009", "VCS_FIRST_CONTACT", "victim:V3", NULL, 0), "met");
    const char *const shown[] = {"20 May 2025", NULL};
    page_has(f, &w, "/cases/S000009/victims/V3", 200, shown);
}

static void test_spo_allocates(void **state)
{
    fixture *f = *state;
    who w = sign_in(f, "N07P009", "SPO");
    const char *const team[] = {"Unallocated cases", "/team/allocate/S000009", "Kim Ahmed", NULL};
    page_has(f, &w, "/team", 200, team);
    assert_string_equal(stored_status(f, "S000009", "ALLOCATE", "case", NULL, 0), "open");
    open_form(f, &w, "/team/allocate/S000009");
    const char *const errs[] = {"<a href=\"#staff\">Select who to allocate the case to</a>", NULL};
    post_form(f, &w, "/team/allocate/S000009", "staff=N07P999", 400, errs);
    const char *const done[] = {"Location: /team?allocated=S000009", NULL};
    post_form(f, &w, "/team/allocate/S000009", "staff=N07P004", 303, done);
    assert_string_equal(stored_status(f, "S000009", "ALLOCATE", "case", NULL, 0), "met");
    th_resp r = req(f, "GET", "/team", w.cookie, NULL);
    assert_null(strstr(r.body, "/team/allocate/S000009"));
    th_resp_free(&r);
    who po = sign_in(f, "N07P004", "PO");
    const char *const mine[] = {"S000009", NULL};
    page_has(f, &po, "/caseload", 200, mine);
    page_has(f, &po, "/team/allocate/S000001", 403, NULL);
}

/* `test_web_pages --serve`: the same fixture as a server for the browser
 * suite (tests/suites/e2e.sh): prints "listening on URL", serves until
 * SIGTERM or SIGINT. */
static int serve(void)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    void *state = NULL;
    setup(&state);
    /* The diary's browser test (tests/e2e/diary.test.mjs) clears an
     * appointment of its own from Kim Ahmed's "without an outcome" list. */
    ck_contact past = {.id = "CDIARY1", .event = "E1", .date = pinned_today() - 6, .type = "COAP",
                       .national_standard = 1, .appointment = 1, .outcome_on = CK_NODATE, .booked_on = CK_NODATE,
                       .start_time = "15:00", .end_time = "15:45", .location = "N07OFF1", .officer = "N07P004",
                       .cancelled = CK_NULL, .sequence = CK_NOINT, .hours = CK_NOINT};
    store_add(state, "S000004", "contacts", &past);
    printf("listening on %s\n", ck_http_url(((fixture *)state)->srv));
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    tw_teardown(&state);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dashboard_trends), cmocka_unit_test(test_my_work),         cmocka_unit_test(test_caseload),
        cmocka_unit_test(test_case_tabs),       cmocka_unit_test(test_person_and_strip), cmocka_unit_test(test_search),
        cmocka_unit_test(test_book_appointment), cmocka_unit_test(test_appointments),
        cmocka_unit_test(test_calendar_feed),
        cmocka_unit_test(test_other_forms),
        cmocka_unit_test(test_grades_pages),    cmocka_unit_test(test_failure_then_warning),
        cmocka_unit_test(test_recall_only_on_licence),
        cmocka_unit_test(test_outcome_and_action_together), cmocka_unit_test(test_add_contact),
        cmocka_unit_test(test_notes_on_other_forms),
        cmocka_unit_test(test_stale_edit),
        cmocka_unit_test(test_registration_lifecycle), cmocka_unit_test(test_check_reply_and_decision),
        cmocka_unit_test(test_rosh_assessment), cmocka_unit_test(test_vlo_first_contact),
        cmocka_unit_test(test_spo_allocates),           cmocka_unit_test(test_change_household),
    };
    return cmocka_run_group_tests(tests, setup, tw_teardown);
}
