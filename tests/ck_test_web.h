/* Helpers for the web tests: one request with a cookie and a form body, and
 * reading a value out of a page or its headers. Include after ck_test_http.h. */
#ifndef CK_TEST_WEB_H
#define CK_TEST_WEB_H
#include "ck_web.h"

/* The server `casekeeper serve` runs (web pages, API, management API) on
 * port 0 over db_url, with app's engine and clock; fails the test when it
 * cannot start. Stop it with tw_stop. */
typedef struct tw_server {
    ck_web *web;
    ck_route *routes;
    ck_http_server *srv;
    uint16_t port;
} tw_server;

static inline tw_server tw_start(const char *db_url, const ck_app *app)
{
    tw_server s;
    char err[512];
    s.web = ck_web_new(&(ck_web_config){0}, app, err, sizeof err);
    if (!s.web) fail_msg("%s", err);
    s.routes = ck_web_server_routes();
    ck_http_config hc = {.threads = 2, .routes = s.routes, .db_url = db_url, .app = ck_web_app(s.web),
                         .on_error = ck_web_on_error};
    s.srv = ck_http_start(&hc, err, sizeof err);
    if (!s.srv) fail_msg("%s", err);
    s.port = ck_http_port(s.srv);
    return s;
}

static inline void tw_stop(tw_server *s)
{
    ck_http_stop(s->srv);
    ck_web_free(s->web);
    ck_free(s->routes);
    memset(s, 0, sizeof *s);
}

static inline th_resp tw_req(uint16_t port, const char *method, const char *path, const char *cookie, const char *form)
{
    th_conn c;
    th_resp r;
    char extra[512] = "";
    if (cookie) snprintf(extra, sizeof extra, "Cookie: %s\r\n", cookie);
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, method, path, extra, "application/x-www-form-urlencoded", form));
    if (!th_recv(&c, &r)) fail_msg("%s %s: no complete response", method, path);
    th_close(&c);
    return r;
}

/* What follows `pat` in text, up to a quote, semicolon or CR, into out. */
static inline void tw_value_after(const char *text, const char *pat, char *out, size_t out_len)
{
    const char *p = strstr(text, pat);
    if (!p) fail_msg("no %s in the response", pat);
    p += strlen(pat);
    size_t n = strcspn(p, "\";\r");
    assert_true(n < out_len);
    memcpy(out, p, n);
    out[n] = '\0';
}

/* Signs in as a staff member of a grade and team through the sign-in form;
 * cookie gets "ck_session=TOKEN" for the next requests. */
static inline void tw_sign_in(uint16_t port, const char *staff, const char *grade, const char *team, char *cookie,
                              size_t cookie_len)
{
    th_resp r = tw_req(port, "GET", "/sign-in", NULL, NULL);
    char pre[128], token[80], form[512];
    tw_value_after(r.head, "Set-Cookie: ", pre, sizeof pre);
    pre[strcspn(pre, ";")] = '\0';
    tw_value_after(r.body, "name=\"csrf\" value=\"", token, sizeof token);
    th_resp_free(&r);
    snprintf(form, sizeof form, "csrf=%s&next=%%2F&staff=%s&grade=%s&team=%s", token, staff, grade, team);
    r = tw_req(port, "POST", "/sign-in", pre, form);
    assert_int_equal(r.status, 303);
    assert_true(cookie_len > 11);
    memcpy(cookie, "ck_session=", 11);
    tw_value_after(r.head, "Set-Cookie: ck_session=", cookie + 11, cookie_len - 11);
    cookie[strcspn(cookie, ";")] = '\0';
    th_resp_free(&r);
}

#endif
