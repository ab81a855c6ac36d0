/* Helpers for the web tests: one request with a cookie and a form body, and
 * reading a value out of a page or its headers; accounts to sign in with.
 * the web app served on a free port. Include after ck_test_http.h. */
#ifndef CK_TEST_WEB_H
#define CK_TEST_WEB_H
#include "ck_audit.h"
#include "ck_auth.h"
#include "ck_users.h"
#include "ck_web.h"
#include <ctype.h>
#include <time.h>

#define TW_PASSWORD "a web test passphrase"
/* What a browser on this site sends with every POST (th_send's Host is
 * 127.0.0.1): the CSRF defence checks it. */
#define TW_ORIGIN "http://127.0.0.1"

static inline th_resp tw_req(uint16_t port, const char *method, const char *path, const char *cookie, const char *form)
{
    th_conn c;
    th_resp r;
    char extra[512] = "";
    int n = 0;
    if (cookie) n += snprintf(extra + n, sizeof extra - (size_t)n, "Cookie: %s\r\n", cookie);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        snprintf(extra + n, sizeof extra - (size_t)n, "Origin: " TW_ORIGIN "\r\n");
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, method, path, extra, "application/x-www-form-urlencoded", form));
    if (!th_recv(&c, &r)) fail_msg("%s %s: no complete response", method, path);
    th_close(&c);
    return r;
}

/* The web app on a server of its own, as the web tests run it: sign-in over
 * plain HTTP, a free port on 127.0.0.1; with tw_fresh_db, over a database
 * of its own. */
typedef struct tw_server {
    char db_path[64], db_url[80]; /* tw_fresh_db's, removed by tw_stop */
    ck_auth *auth;
    ck_web *web;
    ck_route *own_routes; /* ck_web_server_routes, when no table was given */
    ck_http_server *srv;
    ck_audit_appender *appender; /* the server's, as `casekeeper serve` runs one */
    uint16_t port;
    bool access_log; /* set before tw_start: one log line per request, as `serve` writes */
} tw_server;

/* A fresh, migrated SQLite database for s, its file named after `name` and
 * this process; returns it open (the caller closes it). */
static inline ck_db *tw_fresh_db(tw_server *s, const char *name)
{
    static int seq;
    char err[512];
    snprintf(s->db_path, sizeof s->db_path, "/tmp/ck-%s-%d-%d.db", name, (int)getpid(), ++seq);
    unlink(s->db_path);
    snprintf(s->db_url, sizeof s->db_url, "sqlite:%s", s->db_path);
    ck_db *db = ck_db_open(s->db_url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    if (ck_db_migrate(db, NULL) != CK_DB_OK) fail_msg("%s", ck_db_errmsg(db));
    return db;
}

/* Starts the web app of `app` (its auth is set here) serving `routes` (NULL:
 * the server's own table, ck_web_server_routes) over db_url (NULL: s's own,
 * from tw_fresh_db) with `threads` workers; fails the test when it cannot. */
static inline void tw_start(tw_server *s, ck_app app, const ck_route *routes, const char *db_url, unsigned threads)
{
    char err[512];
    s->auth = ck_auth_new(&(ck_auth_config){.plain_http = true});
    app.auth = s->auth;
    s->web = ck_web_new(&(ck_web_config){0}, &app, err, sizeof err);
    if (!s->web) fail_msg("%s", err);
    s->own_routes = routes ? NULL : ck_web_server_routes();
    const char *url = db_url ? db_url : s->db_url;
    /* An in-memory database is the connection's own: another connection,
     * the appender's, would not see it. */
    if (!strstr(url, ":memory:")) {
        s->appender = ck_audit_appender_start(url, err, sizeof err);
        if (!s->appender) fail_msg("%s", err);
    }
    ck_http_config hc = {.threads = threads, .routes = routes ? routes : s->own_routes, .db_url = url,
                         .db_audit_sink = s->appender, .app = ck_web_app(s->web), .on_error = ck_web_on_error,
                         .authorize = ck_auth_authorize, .access_log = s->access_log};
    s->srv = ck_http_start(&hc, err, sizeof err);
    if (!s->srv) fail_msg("%s", err);
    s->port = ck_http_port(s->srv);
}

/* Stops what tw_start started and removes tw_fresh_db's database. */
static inline void tw_stop(tw_server *s)
{
    if (!s) return; /* a group setup that failed before it made the server */
    ck_http_stop(s->srv);
    ck_audit_appender_stop(s->appender);
    ck_web_free(s->web);
    ck_auth_free(s->auth);
    ck_free(s->own_routes);
    if (s->db_path[0]) unlink(s->db_path);
}

/* A cmocka teardown for a fixture that is a tw_server. */
static inline int tw_teardown(void **state)
{
    tw_stop(*state);
    return 0;
}

/* What follows `pat` in text, up to any character of `stop`, into out. */
static inline void tw_text_after(const char *text, const char *pat, const char *stop, char *out, size_t out_len)
{
    const char *p = strstr(text, pat);
    if (!p) fail_msg("no %s in the response", pat);
    p += strlen(pat);
    size_t n = strcspn(p, stop);
    assert_true(n < out_len);
    memcpy(out, p, n);
    out[n] = '\0';
}

/* What follows `pat` in text, up to a quote, semicolon or CR, into out. */
static inline void tw_value_after(const char *text, const char *pat, char *out, size_t out_len)
{
    tw_text_after(text, pat, "\";\r", out, out_len);
}

/* The role an account of a staff member of this grade holds. */
static inline ck_role tw_role_of(const char *grade)
{
    return strcmp(grade, "SPO") == 0             ? CK_ROLE_SPO
           : strcmp(grade, "VLO") == 0           ? CK_ROLE_VLO
           : strcmp(grade, "court_officer") == 0 ? CK_ROLE_COURT_OFFICER
           : strcmp(grade, "head_of_pdu") == 0   ? CK_ROLE_HEAD_OF_PDU
                                                 : CK_ROLE_PRACTITIONER;
}

/* An account with password TW_PASSWORD (the database must hold the staff
 * member when one is given). */
static inline void tw_add_user(ck_db *db, const char *username, ck_role role, const char *staff)
{
    char err[512];
    ck_principal sys;
    ck_principal_system(&sys, "test");
    if (ck_user_add(db, &sys, username, role, staff, TW_PASSWORD, (int64_t)time(NULL), NULL, err, sizeof err) != CK_OK)
        fail_msg("user %s: %s", username, err);
}

/* An account for every staff member of the organisation in db, named by the
 * staff code in lower case, with the role the staff member's grade is for. */
static inline void tw_accounts(ck_db *db)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT \"code\", \"grade\" FROM \"staff\" ORDER BY \"code\"");
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    size_t n = 0;
    char codes[64][CK_CODE_MAX + 1], grades[64][32];
    while (ck_stmt_step(st) == CK_DB_ROW && n < 64) {
        snprintf(codes[n], sizeof codes[n], "%s", ck_stmt_text(st, 0));
        snprintf(grades[n++], sizeof grades[0], "%s", ck_stmt_text(st, 1));
    }
    ck_stmt_reset(st);
    for (size_t i = 0; i < n; i++) {
        char name[CK_CODE_MAX + 1];
        for (size_t k = 0; k <= strlen(codes[i]); k++) name[k] = (char)tolower((unsigned char)codes[i][k]);
        tw_add_user(db, name, tw_role_of(grades[i]), codes[i]);
    }
}

/* Signs in as `username` through the sign-in form; cookie gets
 * "ck_session=TOKEN" for the next requests. */
static inline void tw_sign_in_as(uint16_t port, const char *username, char *cookie, size_t cookie_len)
{
    char form[256];
    snprintf(form, sizeof form, "username=%s&password=%s&next=%%2F", username, TW_PASSWORD);
    for (char *p = form; *p; p++)
        if (*p == ' ') *p = '+';
    th_resp r = tw_req(port, "POST", "/sign-in", NULL, form);
    if (r.status != 303) fail_msg("sign in as %s: %d\n%.1000s", username, r.status, r.body);
    char value[CK_TOKEN_HEX + 8];
    tw_value_after(r.head, "Set-Cookie: ck_session=", value, sizeof value);
    assert_true(snprintf(cookie, cookie_len, "ck_session=%s", value) < (int)cookie_len);
    th_resp_free(&r);
}

/* Signs in as the account of staff member `staff` (tw_accounts): its grade
 * and team come from the organisation, the arguments only say which. */
static inline void tw_sign_in(uint16_t port, const char *staff, const char *grade, const char *team, char *cookie,
                              size_t cookie_len)
{
    (void)grade, (void)team;
    char name[CK_CODE_MAX + 1];
    snprintf(name, sizeof name, "%s", staff);
    for (char *p = name; *p; p++) *p = (char)tolower((unsigned char)*p);
    tw_sign_in_as(port, name, cookie, cookie_len);
}

/* The session's CSRF token as the forms of page `landing` carry it. */
static inline void tw_csrf(uint16_t port, const char *cookie, const char *landing, char *csrf, size_t csrf_len)
{
    th_resp r = tw_req(port, "GET", landing, cookie, NULL);
    tw_value_after(r.body, "name=\"csrf\" value=\"", csrf, csrf_len);
    th_resp_free(&r);
}

/* A signed-in browser as the page tests hold it: its session cookie, the
 * CSRF token of its forms and the version of the case the last form it
 * opened carried ("" before any). */
typedef struct tw_who {
    char cookie[128], csrf[80];
    char version[24];
} tw_who;

/* Signs in as staff (tw_sign_in's account of that grade in team) and reads
 * its forms' CSRF token from its home page. */
static inline tw_who tw_who_signed_in(uint16_t port, const char *staff, const char *grade, const char *team)
{
    tw_who w = {.version = ""};
    tw_sign_in(port, staff, grade, team, w.cookie, sizeof w.cookie);
    tw_csrf(port, w.cookie, "/", w.csrf, sizeof w.csrf);
    return w;
}

#endif
