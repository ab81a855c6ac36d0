/* The web pages over a real store: a fresh SQLite database holding the shared
 * example cases, the web and API routes on one server, real sockets. Each
 * page type is fetched signed in with the grade it is for, and the forms are
 * posted with errors and then validly. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_bundle.h"
#include "ck_web.h"
#include <pthread.h>
#include <signal.h>

#define TODAY "2025-06-02"

static ck_date pinned_today(void)
{
    ck_date d;
    ck_date_parse(TODAY, 10, &d);
    return d;
}

typedef struct fixture {
    char db_path[64], db_url[80];
    ck_web *web;
    ck_route *routes;
    ck_http_server *srv;
    uint16_t port;
} fixture;

static void import_example(ck_db *db, const ck_engine *eng, const char *name)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/examples/%s", CK_SHARED_DIR, name);
    size_t len;
    char *text = ck_test_slurp(path, &len);
    if (!text) fail_msg("cannot read %s", path);
    ck_case *c = ck_bundle_parse(text, len, err, sizeof err);
    if (!c) fail_msg("%s: %s", path, err);
    c->team = ck_arena_strdup(&c->arena, "N07T01");
    if (ck_cases_create(db, eng, c, pinned_today(), err, sizeof err) != CK_OK) fail_msg("%s: %s", path, err);
    ck_case_free(c);
    free(text);
}

static int setup(void **state)
{
    static fixture f;
    char err[512];
    snprintf(f.db_path, sizeof f.db_path, "/tmp/ck-web-pages-%d.db", (int)getpid());
    unlink(f.db_path);
    snprintf(f.db_url, sizeof f.db_url, "sqlite:%s", f.db_path);
    ck_db *db = ck_db_open(f.db_url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    if (ck_db_migrate(db, NULL) != CK_DB_OK) fail_msg("%s", ck_db_errmsg(db));
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    import_example(db, &app.engine, "01_easter_2025_co.json");
    import_example(db, &app.engine, "04_breach_mandatory_co.json");
    import_example(db, &app.engine, "09_vcs_opted_in_release_soon.json");
    ck_test_manage_fixture(db, &app.engine); /* the management pages' PDU */
    ck_db_close(db);

    ck_web_config cfg = {0};
    f.web = ck_web_new(&cfg, &app, err, sizeof err);
    if (!f.web) fail_msg("%s", err);
    f.routes = ck_web_server_routes();
    ck_http_config hc = {.threads = 2, .routes = f.routes, .db_url = f.db_url, .app = ck_web_app(f.web),
                         .on_error = ck_web_on_error};
    f.srv = ck_http_start(&hc, err, sizeof err);
    if (!f.srv) fail_msg("%s", err);
    f.port = ck_http_port(f.srv);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ck_http_stop(f->srv);
    ck_web_free(f->web);
    ck_free(f->routes);
    unlink(f->db_path);
    return 0;
}

static th_resp req(const fixture *f, const char *method, const char *path, const char *cookie, const char *form)
{
    return tw_req(f->port, method, path, cookie, form);
}


typedef struct who {
    char cookie[128], csrf[80];
} who;

static who sign_in(const fixture *f, const char *staff, const char *grade)
{
    who w;
    tw_sign_in(f->port, staff, grade, "N07T01", w.cookie, sizeof w.cookie);
    return w;
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
    const char *const mine[] = {"My caseload", "S000001", "aria-sort=\"ascending\"", NULL};
    page_has(f, &w, "/caseload", 200, mine);
    const char *const sorted[] = {"aria-sort=\"descending\"", NULL};
    page_has(f, &w, "/caseload?sort=crn&order=desc", 200, sorted);
    const char *const filtered[] = {"0 cases", NULL};
    page_has(f, &w, "/caseload?q=nobody-by-this-name", 200, filtered);
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
    assert_non_null(strstr(r.body, "<a href=\"#type\">Select the appointment type</a>"));
    assert_non_null(strstr(r.body, "<a href=\"#date\">Date of the appointment must be a real date</a>"));
    assert_non_null(strstr(r.body, "name=\"date-day\" type=\"text\" inputmode=\"numeric\" value=\"31\""));
    assert_non_null(strstr(r.body, "<title>Error: Book an appointment – Casekeeper</title>"));
    th_resp_free(&r);

    snprintf(form, sizeof form, "csrf=%s&event=E1&type=COAP&date-day=10&date-month=6&date-year=2025", w.csrf);
    r = req(f, "POST", "/cases/S000001/appointments/new", w.cookie, form);
    if (r.status != 303) fail_msg("%d %.3000s", r.status, r.body);
    th_resp_free(&r);
    const char *const booked[] = {"10 June 2025", "COAP appointment", "Booked", NULL};
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
    const char *const saved[] = {"relationship. New &lt;partner&gt;", NULL};
    page_has(f, &w, "/cases/S000001/personal", 200, saved);
}

static void test_grades_pages(void **state)
{
    fixture *f = *state;
    who spo = sign_in(f, "N07P009", "SPO");
    const char *const team[] = {"Team N07T01", "Caseloads", "Unallocated cases", NULL};
    page_has(f, &spo, "/team", 200, team);
    const char *const pdu[] = {"PDU dashboard", "<svg class=\"ck-chart\"", "Timeliness", NULL};
    page_has(f, &spo, "/pdu", 200, pdu);
    page_has(f, &spo, "/victims", 403, NULL);

    who vlo = sign_in(f, "N07P010", "VLO");
    const char *const victims[] = {"Victim liaison", "Releases in the next 8 weeks", NULL};
    page_has(f, &vlo, "/victims", 200, victims);
    page_has(f, &vlo, "/cases/S000001/appointments/new", 403, NULL);

    who court = sign_in(f, "N07P011", "court_officer");
    const char *const c[] = {"Court work", "Reports due", NULL};
    page_has(f, &court, "/court", 200, c);
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
    printf("listening on %s\n", ck_http_url(((fixture *)state)->srv));
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    teardown(&state);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_my_work),         cmocka_unit_test(test_caseload),
        cmocka_unit_test(test_case_tabs),       cmocka_unit_test(test_search),
        cmocka_unit_test(test_book_appointment), cmocka_unit_test(test_other_forms),
        cmocka_unit_test(test_grades_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
