/* The web app's machinery over real sockets: sign-in by account, sessions,
 * access by role, CSRF, error pages, static files and their headers. The pages over
 * case data are tested in the browser suite (tests/suites/e2e.sh). */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_org.h"
#include "ck_web.h"

static void h_page(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_web_error_page(r, &s, 200, "Protected", s.staff);
}

static const ck_route routes[] = {
    {"GET", "/sign-in", ck_web_sign_in, "public"},
    {"POST", "/sign-in", ck_web_sign_in_post, "public"},
    {"POST", "/sign-out", ck_web_sign_out, "authenticated"},
    {"GET", "/assets/{version}/{file}", ck_web_asset, "public"},
    {"GET", "/assets/{version}/{dir}/{file}", ck_web_asset_in_dir, "public"},
    {"GET", "/page", h_page, "case:read"},
    {"POST", "/page", h_page, "case:write"},
    {"GET", "/victims", h_page, "victim:read"},
    {NULL, NULL, NULL, NULL},
};

typedef tw_server fixture;

/* A fresh database holding team N07T01's practitioner, senior and victim
 * liaison officer, with accounts. */
static void make_accounts(fixture *f)
{
    static const char *const org[] = {
        "{\"kind\":\"region\",\"code\":\"N07\",\"name\":\"London\"}",
        "{\"kind\":\"pdu\",\"code\":\"N07PDU1\",\"region\":\"N07\",\"name\":\"Camden and Islington\"}",
        "{\"kind\":\"team\",\"code\":\"N07T01\",\"pdu\":\"N07PDU1\",\"name\":\"Camden North\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"N07T01\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P009\",\"team\":\"N07T01\",\"grade\":\"SPO\",\"forename\":\"Sam\",\"surname\":\"Senior\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P010\",\"team\":\"N07T01\",\"grade\":\"VLO\",\"forename\":\"Val\",\"surname\":\"Liaison\"}",
    };
    ck_db *db = tw_fresh_db(f, "web");
    ck_test_load_org(db, org, sizeof org / sizeof *org);
    tw_add_user(db, "po", CK_ROLE_PRACTITIONER, "N07P001");
    tw_add_user(db, "spo", CK_ROLE_SPO, "N07P009");
    tw_add_user(db, "vlo", CK_ROLE_VLO, "N07P010");
    ck_db_close(db);
}

static int setup(void **state)
{
    static fixture f;
    make_accounts(&f);
    tw_start(&f, (ck_app){0}, routes, NULL, 2);
    *state = &f;
    return 0;
}

/* One request with optional cookie header and form body. */
static th_resp req(const fixture *f, const char *method, const char *path, const char *cookie, const char *form)
{
    return tw_req(f->port, method, path, cookie, form);
}

static void test_pages_need_sign_in(void **state)
{
    fixture *f = *state;
    th_resp r = req(f, "GET", "/page", NULL, NULL);
    char v[128];
    assert_int_equal(r.status, 303);
    assert_string_equal(th_header(&r, "Location", v, sizeof v), "/sign-in?next=%2Fpage");
    th_resp_free(&r);
    r = req(f, "GET", "/page", "ck_session=0000000000000000000000000000000000000000000000000000000000000000", NULL);
    assert_int_equal(r.status, 303);
    th_resp_free(&r);
    /* A write without a session is refused, not redirected (nothing is saved). */
    r = req(f, "POST", "/page", NULL, "x=1");
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.body, "You have been signed out"));
    th_resp_free(&r);
}

static void test_sign_in_page(void **state)
{
    fixture *f = *state;
    th_resp r = req(f, "GET", "/sign-in?next=%2Fcases%2FX1", NULL, NULL);
    char v[256];
    assert_int_equal(r.status, 200);
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    assert_string_equal(th_header(&r, "Cache-Control", v, sizeof v), "no-store");
    assert_non_null(th_header(&r, "Content-Security-Policy", v, sizeof v));
    assert_non_null(strstr(v, "default-src 'self'"));
    assert_non_null(strstr(r.body, "<input type=\"hidden\" name=\"next\" value=\"/cases/X1\">"));
    assert_non_null(strstr(r.body, "type=\"password\""));
    assert_non_null(strstr(r.body, "autocomplete=\"current-password\""));
    /* No inline script: every <script> has a src. */
    for (const char *p = strstr(r.body, "<script"); p; p = strstr(p + 1, "<script"))
        assert_true(strncmp(p, "<script src=", 12) == 0 || strncmp(p, "<script type=\"module\" src=", 26) == 0);
    th_resp_free(&r);
    /* An off-site next is dropped. */
    r = req(f, "GET", "/sign-in?next=%2F%2Fevil.example", NULL, NULL);
    assert_non_null(strstr(r.body, "name=\"next\" value=\"/\""));
    th_resp_free(&r);
}

static void test_sign_in_errors(void **state)
{
    fixture *f = *state;
    th_resp r = req(f, "POST", "/sign-in", NULL, "username=%3Cb%3E&password=");
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<title>Error: Sign in – Casekeeper</title>"));
    assert_non_null(strstr(r.body, "govuk-error-summary"));
    assert_non_null(strstr(r.body, "<a href=\"#password\">Enter your password</a>"));
    /* What was typed comes back, escaped; the password never does. */
    assert_non_null(strstr(r.body, "value=\"&lt;b&gt;\""));
    assert_null(strstr(r.body, "<b>"));
    th_resp_free(&r);
    /* A wrong password and an unknown name get the same answer. */
    char first[16384];
    r = req(f, "POST", "/sign-in", NULL, "username=po&password=not+the+password");
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.body, "The username or password is not right"));
    assert_null(strstr(r.body, "not the password"));
    snprintf(first, sizeof first, "%s", strstr(r.body, "<main") ? strstr(r.body, "<main") : r.body);
    th_resp_free(&r);
    r = req(f, "POST", "/sign-in", NULL, "username=nosuchperson&password=not+the+password");
    assert_int_equal(r.status, 401);
    const char *main_part = strstr(r.body, "<main") ? strstr(r.body, "<main") : r.body;
    /* The pages differ only in the name echoed back. */
    assert_int_equal(strlen(main_part) - strlen("nosuchperson"), strlen(first) - strlen("po"));
    th_resp_free(&r);
    /* A sign-in posted from another site is refused (login CSRF). */
    th_conn c;
    assert_true(th_connect(&c, f->port));
    assert_true(th_send(&c, "POST", "/sign-in", "Origin: http://evil.example\r\n", "application/x-www-form-urlencoded",
                        "username=po&password=a+web+test+passphrase"));
    assert_true(th_recv(&c, &r));
    th_close(&c);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.head, "Set-Cookie: ck_session="));
    th_resp_free(&r);
}

static void test_session_csrf_and_sign_out(void **state)
{
    fixture *f = *state;
    char cookie[128], csrf[80], form[256];
    tw_sign_in_as(f->port, "po", cookie, sizeof cookie);
    tw_csrf(f->port, cookie, "/page", csrf, sizeof csrf);
    th_resp r = req(f, "GET", "/page", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Pat Officer, Probation practitioner"));
    assert_non_null(strstr(r.body, "action=\"/sign-out\""));
    th_resp_free(&r);

    r = req(f, "POST", "/page", cookie, "x=1");
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "CSRF token"));
    th_resp_free(&r);
    r = req(f, "POST", "/page", cookie, "csrf=0123");
    assert_int_equal(r.status, 403);
    th_resp_free(&r);
    snprintf(form, sizeof form, "csrf=%s", csrf);
    r = req(f, "POST", "/page", cookie, form);
    assert_int_equal(r.status, 200);
    th_resp_free(&r);

    /* A probation practitioner may not see victim liaison pages. */
    r = req(f, "GET", "/victims", cookie, NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "You cannot see this page"));
    th_resp_free(&r);

    r = req(f, "POST", "/sign-out", cookie, form);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.head, "ck_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    th_resp_free(&r);
    /* The old cookie no longer works: the session ended on the server. */
    r = req(f, "GET", "/page", cookie, NULL);
    assert_int_equal(r.status, 303);
    th_resp_free(&r);
}

static void test_roles(void **state)
{
    fixture *f = *state;
    char cookie[128], csrf[80];
    tw_sign_in_as(f->port, "vlo", cookie, sizeof cookie);
    tw_csrf(f->port, cookie, "/victims", csrf, sizeof csrf);
    th_resp r = req(f, "GET", "/victims", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "href=\"/victims\""));
    assert_null(strstr(r.body, "href=\"/team\""));
    th_resp_free(&r);
    char form[256];
    snprintf(form, sizeof form, "csrf=%s", csrf);
    r = req(f, "POST", "/page", cookie, form); /* case:write: not a VLO's */
    assert_int_equal(r.status, 403);
    th_resp_free(&r);
    tw_sign_in_as(f->port, "spo", cookie, sizeof cookie);
    tw_csrf(f->port, cookie, "/page", csrf, sizeof csrf);
    r = req(f, "GET", "/page", cookie, NULL);
    assert_non_null(strstr(r.body, "href=\"/team\""));
    assert_null(strstr(r.body, "href=\"/victims\""));
    th_resp_free(&r);
}

static void test_assets(void **state)
{
    fixture *f = *state;
    const char *ver = ck_assets_version(f->web->assets);
    assert_int_equal(strlen(ver), 16);
    static const struct {
        const char *name, *type;
    } files[] = {
        {"govuk-frontend.min.css", "text/css; charset=utf-8"},
        {"moj-frontend.min.css", "text/css; charset=utf-8"},
        {"govuk-frontend.min.js", "text/javascript; charset=utf-8"},
        {"app.mjs", "text/javascript; charset=utf-8"},
        {"js-enabled.js", "text/javascript; charset=utf-8"},
        {"fonts/bold-b542beb274-v2.woff2", "font/woff2"},
        {"images/favicon.svg", "image/svg+xml"},
        {"images/favicon.ico", "image/x-icon"},
        {"images/icon-arrow-black-down.svg", "image/svg+xml"}, /* MoJ's */
        {"manifest.json", "application/manifest+json"},
    };
    char path[256], v[128];
    th_resp r;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        /* HEAD: the test client's buffer is smaller than the stylesheets. */
        snprintf(path, sizeof path, "/assets/%s/%s", ver, files[i].name);
        th_conn c;
        assert_true(th_connect(&c, f->port));
        assert_true(th_send(&c, "HEAD", path, NULL, NULL, NULL));
        assert_true(th_recv_ex(&c, &r, true));
        th_close(&c);
        if (r.status != 200) fail_msg("%s: %d", path, r.status);
        assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), files[i].type);
        assert_string_equal(th_header(&r, "Cache-Control", v, sizeof v), "public, max-age=31536000, immutable");
        const ck_asset *a = ck_assets_find(f->web->assets, files[i].name);
        assert_non_null(a);
        assert_int_equal(strtoul(th_header(&r, "Content-Length", v, sizeof v), NULL, 10), a->len);
        th_resp_free(&r);
    }
    r = req(f, "GET", "/assets/x/js-enabled.js", NULL, NULL);
    assert_int_equal(r.status, 404);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/assets/%s/js-enabled.js", ver);
    r = req(f, "GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "document.body.className += ' js-enabled'"));
    th_resp_free(&r);
    /* The stylesheets' fonts and images point at this version. */
    char want[96];
    snprintf(want, sizeof want, "url(/assets/%s/fonts/", ver);
    const ck_asset *css = ck_assets_find(f->web->assets, "govuk-frontend.min.css");
    assert_non_null(memmem(css->data, css->len, want, strlen(want)));
    assert_null(memmem(css->data, css->len, "url(/assets/fonts/", 18));
    css = ck_assets_find(f->web->assets, "moj-frontend.min.css");
    snprintf(want, sizeof want, "url(/assets/%s/images/", ver);
    assert_non_null(memmem(css->data, css->len, want, strlen(want)));

    r = req(f, "GET", "/assets/0000000000000000/app.css", NULL, NULL);
    assert_int_equal(r.status, 404);
    th_resp_free(&r);
    const char *bad[] = {"..%2F..%2Fpackage.json", "fonts/..%2F..%2F..%2Fetc%2Fpasswd", "govuk-frontend.min.css.map",
                         "..", "images/..%2Fapp.css", "%2Fetc%2Fpasswd"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(path, sizeof path, "/assets/%s/%s", ver, bad[i]);
        r = req(f, "GET", path, NULL, NULL);
        if (r.status != 404) fail_msg("%s: %d", path, r.status);
        th_resp_free(&r);
    }
}

static void test_error_pages(void **state)
{
    fixture *f = *state;
    th_resp r = req(f, "GET", "/no/such/page", NULL, NULL);
    char v[64];
    assert_int_equal(r.status, 404);
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    assert_non_null(strstr(r.body, "<h1 class=\"govuk-heading-l\">Page not found</h1>"));
    th_resp_free(&r);
    r = req(f, "DELETE", "/sign-in", NULL, NULL);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.body, "This page cannot do that"));
    th_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_need_sign_in),
        cmocka_unit_test(test_sign_in_page),
        cmocka_unit_test(test_sign_in_errors),
        cmocka_unit_test(test_session_csrf_and_sign_out),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_assets),
        cmocka_unit_test(test_error_pages),
    };
    return cmocka_run_group_tests(tests, setup, tw_teardown);
}
