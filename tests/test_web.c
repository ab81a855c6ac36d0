/* The web app's machinery over real sockets: sign-in, sessions, access by
 * grade, CSRF, error pages, static files and their headers. The pages over
 * case data are tested in the browser suite (tests/suites/e2e.sh). */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
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
    {"POST", "/sign-out", ck_web_sign_out, "case:read"},
    {"GET", "/assets/{version}/{file}", ck_web_asset, "public"},
    {"GET", "/assets/{version}/{dir}/{file}", ck_web_asset_in_dir, "public"},
    {"GET", "/page", h_page, "case:read"},
    {"POST", "/page", h_page, "case:write"},
    {"GET", "/victims", h_page, "victim:read"},
    {NULL, NULL, NULL, NULL},
};

typedef struct fixture {
    ck_web *web;
    ck_http_server *srv;
    uint16_t port;
} fixture;

static int setup(void **state)
{
    static fixture f;
    char err[512];
    ck_web_config cfg = {0};
    ck_app app = {0};
    f.web = ck_web_new(&cfg, &app, err, sizeof err);
    if (!f.web) fail_msg("%s", err);
    ck_http_config hc = {.port = 0, .threads = 2, .routes = routes, .app = ck_web_app(f.web), .on_error = ck_web_on_error};
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
    return 0;
}

/* One request with optional cookie header and form body. */
static th_resp req(const fixture *f, const char *method, const char *path, const char *cookie, const char *form)
{
    return tw_req(f->port, method, path, cookie, form);
}

/* The value of cookie `name` set by r ("name=value"), copied into out. */
static bool set_cookie_value(const th_resp *r, const char *name, char *out, size_t out_len)
{
    size_t nl = strlen(name);
    for (const char *p = strstr(r->head, "Set-Cookie: "); p; p = strstr(p + 1, "Set-Cookie: ")) {
        const char *v = p + 12;
        if (strncmp(v, name, nl) == 0 && v[nl] == '=') {
            size_t n = strcspn(v, ";\r");
            if (n >= out_len) return false;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

static void form_value(const char *body, const char *name, char *out, size_t out_len)
{
    char pat[64];
    snprintf(pat, sizeof pat, "name=\"%s\" value=\"", name);
    tw_value_after(body, pat, out, out_len);
}

/* Signs in; *cookie gets "ck_session=..." and *csrf the session's token. */
static void sign_in(const fixture *f, const char *grade, char *cookie, size_t cookie_len, char *csrf, size_t csrf_len)
{
    th_resp r = req(f, "GET", "/sign-in", NULL, NULL);
    assert_int_equal(r.status, 200);
    char pre[128], token[80], form[512];
    assert_true(set_cookie_value(&r, "ck_signin", pre, sizeof pre));
    form_value(r.body, "csrf", token, sizeof token);
    th_resp_free(&r);
    snprintf(form, sizeof form, "csrf=%s&next=%%2Fpage&staff=N07P001&grade=%s&team=N07T01", token, grade);
    r = req(f, "POST", "/sign-in", pre, form);
    assert_int_equal(r.status, 303);
    char loc[64];
    assert_string_equal(th_header(&r, "Location", loc, sizeof loc), "/page");
    assert_true(set_cookie_value(&r, "ck_session", cookie, cookie_len));
    assert_non_null(strstr(r.head, "HttpOnly; SameSite=Lax"));
    th_resp_free(&r);
    r = req(f, "GET", "/page", cookie, NULL);
    assert_int_equal(r.status, 200);
    form_value(r.body, "csrf", csrf, csrf_len);
    th_resp_free(&r);
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
    assert_int_equal(r.status, 403);
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
    th_resp r = req(f, "GET", "/sign-in", NULL, NULL);
    char pre[128], token[80], form[512];
    assert_true(set_cookie_value(&r, "ck_signin", pre, sizeof pre));
    form_value(r.body, "csrf", token, sizeof token);
    th_resp_free(&r);

    /* Without the sign-in form's token. */
    r = req(f, "POST", "/sign-in", pre, "csrf=bad&staff=N07P001&grade=PO&team=N07T01");
    assert_int_equal(r.status, 403);
    th_resp_free(&r);

    snprintf(form, sizeof form, "csrf=%s&staff=%%3Cb%%3E&grade=Boss&team=", token);
    r = req(f, "POST", "/sign-in", pre, form);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<title>Error: Sign in – Casekeeper</title>"));
    assert_non_null(strstr(r.body, "govuk-error-summary"));
    assert_non_null(strstr(r.body, "<a href=\"#staff\">Staff code must be capital letters and numbers, like N07P001</a>"));
    assert_non_null(strstr(r.body, "<a href=\"#grade\">Select your role</a>"));
    assert_non_null(strstr(r.body, "<a href=\"#team\">Enter your team code</a>"));
    /* What was typed comes back, escaped. */
    assert_non_null(strstr(r.body, "value=\"&lt;b&gt;\""));
    assert_null(strstr(r.body, "<b>"));
    th_resp_free(&r);
}

static void test_session_csrf_and_sign_out(void **state)
{
    fixture *f = *state;
    char cookie[128], csrf[80], form[256];
    sign_in(f, "PO", cookie, sizeof cookie, csrf, sizeof csrf);
    th_resp r = req(f, "GET", "/page", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "N07P001, Probation officer"));
    assert_non_null(strstr(r.body, "action=\"/sign-out\""));
    th_resp_free(&r);

    r = req(f, "POST", "/page", cookie, "x=1");
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "This form has expired"));
    th_resp_free(&r);
    r = req(f, "POST", "/page", cookie, "csrf=0123");
    assert_int_equal(r.status, 403);
    th_resp_free(&r);
    snprintf(form, sizeof form, "csrf=%s", csrf);
    r = req(f, "POST", "/page", cookie, form);
    assert_int_equal(r.status, 200);
    th_resp_free(&r);

    /* A probation officer may not see victim liaison pages. */
    r = req(f, "GET", "/victims", cookie, NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "You cannot see this page"));
    th_resp_free(&r);

    r = req(f, "POST", "/sign-out", cookie, form);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.head, "ck_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
    th_resp_free(&r);
    /* The old cookie no longer works: the session ended on the server. */
    r = req(f, "GET", "/page", cookie, NULL);
    assert_int_equal(r.status, 303);
    th_resp_free(&r);
}

static void test_grades(void **state)
{
    fixture *f = *state;
    char cookie[128], csrf[80];
    sign_in(f, "VLO", cookie, sizeof cookie, csrf, sizeof csrf);
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
    assert_true(ck_web_allowed("SPO", "team:read"));
    assert_false(ck_web_allowed("PO", "team:read"));
    assert_false(ck_web_allowed("SPO", "victim:read"));
    assert_false(ck_web_allowed("PO", "no:such"));
    assert_true(ck_web_allowed("anyone", "public"));
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
        cmocka_unit_test(test_grades),
        cmocka_unit_test(test_assets),
        cmocka_unit_test(test_error_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
