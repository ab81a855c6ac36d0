/* Attacks on the server over real sockets, on SQLite and PostgreSQL:
 *   - the authorization matrix, generated from the route table: every route
 *     x every role x every case placement (own, team, PDU, region, far,
 *     excluded), expected allow or deny from the role matrix (core/ck_roles);
 *   - victims' details in no response to anyone but victim liaison staff;
 *   - CSRF (missing or wrong token, foreign or missing Origin), login CSRF,
 *     session fixation, planted duplicate cookies, idle and absolute
 *     timeouts, sign-out, one answer for every failed sign-in;
 *   - SQL injection and path traversal payloads in every parameter of
 *     every route: never a 500, never data the caller may not see, and the
 *     database and audit chain intact afterwards;
 *   - security headers, HSTS only over TLS from the trusted proxy, and a
 *     server that refuses to start with a permission nobody checks. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_security.h"
#include "ck_api.h"
#include "ck_auth.h"
#include "ck_web.h"
#include <stdatomic.h>

#define AS_OF_Y 2025, 11, 3
#define MARKER "VICTIM-"
#define N_CASE_ROUTE_PLACES SEC_N_CASES

static ck_date pinned_today(void) { return ck_date_ymd(AS_OF_Y); }

static _Atomic int64_t clock_now = SEC_NOW;
static int64_t test_clock(void) { return atomic_load(&clock_now); }

typedef struct world {
    const char *name;
    char url[1024];
    char dir[64];
    char missing[256];
    ck_http_server *srv;
    uint16_t port;
    ck_web *web;
    ck_route *routes; /* the web's, then the API's: what casekeeper serve serves */
    ck_auth *auth;
    char tokens[CK_ROLE_COUNT][CK_API_TOKEN_LEN + 1];
} world;

static world *W;

/* ---- Fixtures ------------------------------------------------------------------- */

static bool build_world(world *w, bool wipe)
{
    char err[512];
    ck_db *db = ck_db_open(w->url, err, sizeof err);
    if (!db) {
        snprintf(w->missing, sizeof w->missing, "cannot open %s: %.100s", w->name, err);
        return false;
    }
    bool ok = (!wipe || ck_db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") == CK_DB_OK) &&
              ck_db_migrate(db, NULL) == CK_DB_OK;
    if (!ok) {
        snprintf(w->missing, sizeof w->missing, "%s: %.200s", w->name, ck_db_errmsg(db));
    } else {
        sec_world(db, true, pinned_today());
        for (int r = 0; r < CK_ROLE_COUNT; r++) sec_token(db, r, w->tokens[r]);
    }
    ck_db_close(db);
    return ok;
}

static void start(world *w)
{
    char err[256];
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    w->auth = ck_auth_new(&(ck_auth_config){.plain_http = true, .now = test_clock});
    app.auth = w->auth;
    w->web = ck_web_new(&(ck_web_config){0}, &app, err, sizeof err);
    if (!w->web) {
        snprintf(w->missing, sizeof w->missing, "web: %.200s", err);
        return;
    }
    w->routes = ck_web_server_routes();
    ck_http_config cfg = {.port = 0, .threads = 4, .routes = w->routes, .db_url = w->url, .app = ck_web_app(w->web),
                          .on_error = ck_web_on_error, .authorize = ck_auth_authorize, .trusted_proxy = "127.0.0.1"};
    w->srv = ck_http_start(&cfg, err, sizeof err);
    if (!w->srv) snprintf(w->missing, sizeof w->missing, "server: %.200s", err);
    else w->port = ck_http_port(w->srv);
}

static int setup_sqlite(void **state)
{
    static world w = {.name = "SQLite"};
    (void)state;
    W = &w;
    snprintf(w.dir, sizeof w.dir, "/tmp/ck-sec.XXXXXX");
    if (!mkdtemp(w.dir)) return -1;
    snprintf(w.url, sizeof w.url, "sqlite:%s/sec.db", w.dir);
    if (build_world(&w, false)) start(&w);
    return 0;
}

static int setup_pg(void **state)
{
    static world w = {.name = "PostgreSQL"};
    (void)state;
    W = &w;
    const char *url = ck_test_pg_url();
    if (!url) {
        snprintf(w.missing, sizeof w.missing, "CK_TEST_PG is not set: PostgreSQL tests cannot run");
        return 0;
    }
    snprintf(w.url, sizeof w.url, "%s", url);
    if (build_world(&w, true)) start(&w);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ck_http_stop(W->srv);
    W->srv = NULL;
    ck_web_free(W->web);
    ck_free(W->routes);
    ck_auth_free(W->auth);
    if (W->dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", W->dir);
        if (system(cmd) != 0) return -1;
    }
    return 0;
}

static void need_world(void)
{
    if (W->missing[0] || !W->srv) fail_msg("%s", W->missing[0] ? W->missing : "the server did not start");
    atomic_store(&clock_now, SEC_NOW);
}

/* ---- Requests ------------------------------------------------------------------- */

typedef struct hreq {
    const char *method, *path;
    const char *token;   /* Authorization: Bearer */
    const char *cookie;  /* Cookie: (whole header value) */
    const char *csrf;    /* X-CSRF-Token */
    const char *origin, *referer;
    const char *xff, *xfp; /* X-Forwarded-For / -Proto */
    const char *ctype, *body;
    const char *if_match; /* If-Match */
} hreq;

static void add_header(char *extra, size_t cap, size_t *n, const char *name, const char *v)
{
    if (v) *n += (size_t)snprintf(extra + *n, cap - *n, "%s: %s\r\n", name, v);
}

static th_resp send_req(const hreq *q)
{
    char extra[2048] = "", bearer[CK_API_TOKEN_LEN + 16];
    size_t n = 0;
    if (q->token) {
        snprintf(bearer, sizeof bearer, "Bearer %s", q->token);
        add_header(extra, sizeof extra, &n, "Authorization", bearer);
    }
    add_header(extra, sizeof extra, &n, "Cookie", q->cookie);
    add_header(extra, sizeof extra, &n, "X-CSRF-Token", q->csrf);
    add_header(extra, sizeof extra, &n, "Origin", q->origin);
    add_header(extra, sizeof extra, &n, "Referer", q->referer);
    add_header(extra, sizeof extra, &n, "X-Forwarded-For", q->xff);
    add_header(extra, sizeof extra, &n, "X-Forwarded-Proto", q->xfp);
    add_header(extra, sizeof extra, &n, "If-Match", q->if_match);
    th_conn c;
    th_resp r;
    bool head = strcmp(q->method, "HEAD") == 0;
    if (!th_connect(&c, W->port) ||
        !th_send(&c, q->method, q->path, extra, q->ctype ? q->ctype : "application/json", q->body) ||
        !th_recv_ex(&c, &r, head))
        fail_msg("%s %s: no response", q->method, q->path);
    th_close(&c);
    return r;
}

static const char *own_origin(void)
{
    static char o[64];
    snprintf(o, sizeof o, "http://127.0.0.1");
    return o;
}

/* ---- Sessions --------------------------------------------------------------------- */

typedef struct session {
    char cookie[128]; /* "ck_session=..." */
    char csrf[CK_TOKEN_HEX + 1];
} session;

/* Signs in over HTTP; fails the test unless it worked. extra_cookie is sent
 * along (a planted session id). */
static void sign_in(const char *user, const char *pw, const char *extra_cookie, session *s)
{
    char body[256];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
    th_resp r = send_req(&(hreq){.method = "POST", .path = "/api/v1/session", .cookie = extra_cookie,
                                 .origin = own_origin(), .body = body});
    if (r.status != 200) fail_msg("sign in as %s: %d %s", user, r.status, r.body);
    char v[256];
    if (!th_header(&r, "Set-Cookie", v, sizeof v)) fail_msg("sign in: no Set-Cookie");
    assert_non_null(strstr(v, "HttpOnly"));
    assert_non_null(strstr(v, "SameSite=Strict"));
    assert_null(strstr(v, "Secure")); /* this server is the plain-http demo */
    snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)strcspn(v, ";"), v);
    json_t *j = json_loads(r.body, 0, NULL);
    snprintf(s->csrf, sizeof s->csrf, "%s", json_string_value(json_object_get(j, "csrf_token")));
    assert_int_equal(strlen(s->csrf), CK_TOKEN_HEX);
    json_decref(j);
    th_resp_free(&r);
}

static int status_of(const hreq *q)
{
    th_resp r = send_req(q);
    int s = r.status;
    th_resp_free(&r);
    return s;
}

/* ---- The matrix ------------------------------------------------------------------- */

/* A path for route rt with {crn} and {id} filled (ids of the example bundle). */
static void fill_path(const ck_route *rt, const char *crn, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = rt->pattern; *p && len + 1 < n;) {
        if (strncmp(p, "{crn}", 5) == 0) {
            len += (size_t)snprintf(out + len, n - len, "%s", crn);
            p += 5;
        } else if (strncmp(p, "{id}", 4) == 0) {
            const char *id = strstr(rt->pattern, "/contacts/") || strstr(rt->pattern, "{kind}") ? "C1"
                             : strstr(rt->pattern, "/checks/")                                  ? "K1"
                             : strstr(rt->pattern, "/victims/")                                 ? "V1"
                             : strstr(rt->pattern, "qa")                                        ? "1"
                                                                                                : "G1";
            len += (size_t)snprintf(out + len, n - len, "%s", id);
            p += 4;
        } else if (*p == '{') {
            /* The web's other parameters: a case tab, an action, a static file. */
            static const struct {
                const char *name, *value;
            } fill[] = {{"{tab}", "overview"},   {"{kind}", "contacts"},     {"{verb}", "outcome"},
                        {"{version}", "0"},      {"{dir}", "images"},        {"{file}", "favicon.svg"},
                        {"{code}", "N07P001"},   {"{team}", "T1"},           {"{key}", "assessment"},
                        {"{standard}", "leadership"}, {"{name}", "nobody"}, {"{token}", "not-a-token.ics"}};
            size_t k = 0;
            while (k < sizeof fill / sizeof *fill && strncmp(p, fill[k].name, strlen(fill[k].name)) != 0) k++;
            if (k == sizeof fill / sizeof *fill) fail_msg("route %s: a parameter this test cannot fill", rt->pattern);
            len += (size_t)snprintf(out + len, n - len, "%s", fill[k].value);
            p += strlen(fill[k].name);
        } else {
            out[len++] = *p++;
            out[len] = '\0';
        }
    }
}

/* Whether role r may call route rt on case i (-1: a route naming no case). */
static bool expected(int r, const ck_route *rt, int i)
{
    if (strcmp(rt->permission, CK_PERMISSION_PUBLIC) == 0 || strcmp(rt->permission, CK_PERMISSION_AUTHENTICATED) == 0)
        return true;
    ck_perm perm;
    if (!ck_perm_parse(rt->permission, strlen(rt->permission), &perm)) fail_msg("route %s: bad permission", rt->pattern);
    if (ck_role_scope((ck_role)r, perm) == CK_SCOPE_NONE) return false;
    return i < 0 || !ck_perm_is_case(perm) || sec_expect(r, perm, i);
}

static void check_call(int r, const ck_route *rt, int i, const char *path, size_t *allowed, size_t *denied)
{
    bool body = strcmp(rt->method, "GET") != 0 && strcmp(rt->method, "DELETE") != 0;
    bool session_route = strcmp(rt->pattern, "/api/v1/session") == 0;
    th_resp resp = send_req(&(hreq){.method = rt->method, .path = path, .token = W->tokens[r],
                                    .body = body ? (session_route ? "{}" : "{\"probe\":true}") : NULL});
    bool want = expected(r, rt, i);
    const char *where = i < 0 ? "-" : sec_cases[i].label;
    /* A route naming no case may still name a unit in its query (the
     * management API): how far the role reaches is test_unit_scope's. */
    if (want && i < 0 && resp.status == 403 && strstr(resp.body, "reaches for your role")) want = false;
    if (want && (resp.status == 401 || resp.status == 403))
        fail_msg("%s %s %s on the %s case: %d, expected to be let through: %s", ck_role_names[r], rt->method, path, where,
                 resp.status, resp.body);
    if (!want && resp.status != 403)
        fail_msg("%s %s %s on the %s case: %d, expected 403: %s", ck_role_names[r], rt->method, path, where, resp.status,
                 resp.body);
    if (resp.status >= 500) fail_msg("%s %s %s: %d %s", ck_role_names[r], rt->method, path, resp.status, resp.body);
    ck_perm perm;
    bool holds = ck_perm_parse(rt->permission, strlen(rt->permission), &perm) &&
                 ck_role_scope((ck_role)r, perm) != CK_SCOPE_NONE;
    if (!want && holds && i == SEC_EXCLUDED && !strstr(resp.body, SEC_EXCLUSION_MESSAGE))
        fail_msg("%s %s %s on the excluded case: the message is missing: %s", ck_role_names[r], rt->method, path,
                 resp.body);
    if (r != CK_ROLE_VLO && strstr(resp.body, MARKER))
        fail_msg("%s %s %s: a victim's details in the answer: %.300s", ck_role_names[r], rt->method, path, resp.body);
    ++*(want ? allowed : denied);
    th_resp_free(&resp);
}

static void test_authorization_matrix(void **state)
{
    (void)state;
    need_world();
    size_t allowed = 0, denied = 0, routes = 0;
    for (const ck_route *rt = W->routes; rt->method; rt++, routes++) {
        bool names_case = strstr(rt->pattern, "{crn}") != NULL;
        for (int r = 0; r < CK_ROLE_COUNT; r++) {
            char path[256];
            if (!names_case) {
                fill_path(rt, "", path, sizeof path);
                /* Search and worklist need a query to get past validation; fine either way. */
                check_call(r, rt, -1, path, &allowed, &denied);
                continue;
            }
            for (int i = 0; i < N_CASE_ROUTE_PLACES; i++) {
                fill_path(rt, sec_cases[i].crn, path, sizeof path);
                check_call(r, rt, i, path, &allowed, &denied);
            }
        }
        /* Nobody signed in: only public routes answer; a web page sends the
         * browser to sign in, anything else is 401. */
        char path[256];
        fill_path(rt, sec_cases[SEC_OWN].crn, path, sizeof path);
        bool body = strcmp(rt->method, "GET") != 0 && strcmp(rt->method, "DELETE") != 0;
        th_resp resp = send_req(&(hreq){.method = rt->method, .path = path, .origin = own_origin(),
                                        .body = body ? "{}" : NULL});
        bool web_get = strncmp(path, "/api/", 5) != 0 && strcmp(rt->method, "GET") == 0;
        if (strcmp(rt->permission, CK_PERMISSION_PUBLIC) != 0 &&
            (web_get ? resp.status != 303 || !strstr(resp.head, "Location: /sign-in") : resp.status != 401))
            fail_msg("anonymous %s %s: %d, expected %s", rt->method, path, resp.status,
                     web_get ? "303 to sign in" : "401");
        th_resp_free(&resp);
    }
    /* The matrix has both answers in it, for every role. */
    assert_true(routes >= 50);
    assert_true(allowed > 100);
    assert_true(denied > 100);
    print_message("matrix: %zu routes, %zu calls allowed, %zu denied as expected\n", routes, allowed, denied);
}

/* A token is narrowed to its scopes: the role's other permissions stay shut. */
/* What the management API names in its query or body (a PDU, a region, a
 * staff member, a case) is checked against the scope of the route's
 * permission: a role reaches its own PDU (or region), not others. */
static void test_unit_scope(void **state)
{
    (void)state;
    need_world();
    static const struct {
        int role;
        const char *method, *path, *body;
        int status;
    } calls[] = {
        {CK_ROLE_SPO, "GET", "/api/v1/manage/workforce?pdu=P1", NULL, 200},
        {CK_ROLE_SPO, "GET", "/api/v1/manage/workforce?pdu=P3", NULL, 403},
        {CK_ROLE_SPO, "GET", "/api/v1/manage/workforce?region=R1", NULL, 403},
        {CK_ROLE_QA, "GET", "/api/v1/manage/workforce?pdu=P3", NULL, 200},
        {CK_ROLE_HEAD_OF_PDU, "GET", "/api/v1/manage/inspection?pdu=P2", NULL, 403},
        {CK_ROLE_HEAD_OF_PDU, "GET", "/api/v1/manage/workforce/staff/N07P005", NULL, 403},
        {CK_ROLE_HEAD_OF_PDU, "GET", "/api/v1/manage/workforce/staff/N07P003", NULL, 200},
        {CK_ROLE_SPO, "GET", "/api/v1/manage/qa/samples", NULL, 403},
        {CK_ROLE_SPO, "GET", "/api/v1/manage/qa/samples?pdu=P1", NULL, 200},
        /* An SPO allocates within the team: a T2 case or practitioner is beyond. */
        {CK_ROLE_SPO, "POST", "/api/v1/manage/allocations", "{\"crn\":\"S100003\",\"staff_code\":\"N07P001\"}", 403},
        {CK_ROLE_SPO, "POST", "/api/v1/manage/allocations", "{\"crn\":\"S100002\",\"staff_code\":\"N07P003\"}", 403},
        {CK_ROLE_SPO, "POST", "/api/v1/manage/staff/N07P003/leaving", "{\"kind\":\"left\",\"date\":\"2025-11-01\"}", 403},
        {CK_ROLE_HEAD_OF_PDU, "POST", "/api/v1/manage/staff/N07P005/reallocate", "{}", 403},
        {CK_ROLE_HEAD_OF_PDU, "POST", "/api/v1/manage/inspection/organisational",
         "{\"pdu\":\"P3\",\"standard\":\"leadership\",\"rating\":\"good\",\"evidence\":\"x\",\"entered_by\":\"h\"}",
         403},
    };
    for (size_t k = 0; k < sizeof calls / sizeof *calls; k++) {
        th_resp resp = send_req(&(hreq){.method = calls[k].method, .path = calls[k].path,
                                        .token = W->tokens[calls[k].role], .body = calls[k].body});
        if (resp.status != calls[k].status)
            fail_msg("%s %s %s: %d, expected %d: %.300s", ck_role_names[calls[k].role], calls[k].method, calls[k].path,
                     resp.status, calls[k].status, resp.body);
        th_resp_free(&resp);
    }
}

static void test_token_scopes(void **state)
{
    (void)state;
    need_world();
    char err[512], tok[CK_API_TOKEN_LEN + 1];
    ck_db *db = ck_db_open(W->url, err, sizeof err);
    assert_non_null(db);
    ck_principal sys;
    ck_principal_system(&sys, "test");
    assert_int_equal(ck_token_add(db, &sys, "prac", 1u << CK_PERM_CASE_READ, "read only", SEC_NOW, 0, tok, NULL, err,
                                  sizeof err),
                     CK_OK);
    ck_db_close(db);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[SEC_OWN].crn);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .token = tok}), 200);
    snprintf(path, sizeof path, "/api/v1/cases/%s/contacts", sec_cases[SEC_OWN].crn);
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = path, .token = tok, .body = "{}"}), 403);
    /* Malformed, unknown and non-bearer credentials: 401, never a session's worth. */
    snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[SEC_OWN].crn);
    const char *bad[] = {"ckt_", "ckt_zzzz", "' OR '1'='1", "ckt_0000000000000000000000000000000000000000000000000000000000000000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .token = bad[i]}), 401);
}

/* ---- Victims ------------------------------------------------------------------------ */

static void expect_no_marker_if(int r, const char *method, const char *path, const char *body, const char *if_match,
                                int *status)
{
    th_resp resp = send_req(&(hreq){.method = method, .path = path, .token = W->tokens[r], .body = body,
                                    .if_match = if_match});
    if (resp.status >= 500) fail_msg("%s %s %s: %d", ck_role_names[r], method, path, resp.status);
    if (strstr(resp.body, MARKER))
        fail_msg("%s %s %s: a victim's details in the answer: %.300s", ck_role_names[r], method, path, resp.body);
    if (status) *status = resp.status;
    th_resp_free(&resp);
}

static void expect_no_marker(int r, const char *method, const char *path, const char *body, int *status)
{
    expect_no_marker_if(r, method, path, body, NULL, status);
}

/* The access.denied entries of the audit log for a case read through the API. */
static int64_t denied_reads(ck_db *db, const char *crn)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" = 'access.denied' "
                                    "AND \"crn\" = $1 AND \"record\" = '/api/v1/cases/{crn}' AND \"detail\" = 'case:read'");
    ck_stmt_bind_text(st, 1, crn);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

/* A case read refused by scope or limited access (decided once, in the
 * read's own snapshot) is answered 403 and audited as access.denied, each
 * time; an allowed read is not. */
static void test_case_read_refusals_audited(void **state)
{
    (void)state;
    need_world();
    char err[512];
    ck_db *db = ck_db_open(W->url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    int refused = 0;
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        if (ck_role_scope((ck_role)r, CK_PERM_CASE_READ) == CK_SCOPE_NONE) continue;
        for (int i = 0; i < SEC_N_CASES; i++) {
            char path[128];
            snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[i].crn);
            int64_t before = denied_reads(db, sec_cases[i].crn);
            th_resp resp = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[r]});
            bool want = sec_expect(r, CK_PERM_CASE_READ, i);
            if (resp.status != (want ? 200 : 403))
                fail_msg("%s GET %s: %d, expected %d", ck_role_names[r], path, resp.status, want ? 200 : 403);
            th_resp_free(&resp);
            assert_int_equal(denied_reads(db, sec_cases[i].crn), before + (want ? 0 : 1));
            refused += !want;
        }
    }
    assert_true(refused > 0);
    ck_db_close(db);
}

/* The server keeps what a bearer token's look-up found (http/ck_auth), but
 * never past a write to accounts or tokens committed by anyone else (here
 * the test's own connection, as another server on the same database would):
 * a revoked token is refused on its very next request, and a disabled
 * account's token too. */
static void test_token_cache_follows_revocation(void **state)
{
    (void)state;
    need_world();
    char err[512], tok[CK_API_TOKEN_LEN + 1], path[128];
    ck_db *db = ck_db_open(W->url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    ck_principal sys;
    ck_principal_system(&sys, "test");
    int r = CK_ROLE_PRACTITIONER;
    const char *user = sec_users[r].username;
    int64_t id = 0;
    if (ck_token_add(db, &sys, user, sec_held(r), NULL, SEC_NOW, 0, tok, &id, err, sizeof err) != CK_OK)
        fail_msg("%s", err);
    snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[SEC_OWN].crn);
    const hreq get = {.method = "GET", .path = path, .token = tok};
    for (int i = 0; i < 3; i++) assert_int_equal(status_of(&get), 200); /* the second and third from the cache */
    if (ck_token_revoke(db, &sys, id, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(status_of(&get), 401);
    assert_int_equal(status_of(&get), 401);
    /* Another token of the account, cached; then the account disabled and enabled again. */
    if (ck_token_add(db, &sys, user, sec_held(r), NULL, SEC_NOW, 0, tok, &id, err, sizeof err) != CK_OK)
        fail_msg("%s", err);
    for (int i = 0; i < 2; i++) assert_int_equal(status_of(&get), 200);
    if (ck_user_set_disabled(db, &sys, user, true, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(status_of(&get), 401);
    if (ck_user_set_disabled(db, &sys, user, false, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(status_of(&get), 200);
    if (ck_token_revoke(db, &sys, id, err, sizeof err) != CK_OK) fail_msg("%s", err);
    /* The same on a worklist page, whose repeat reads are answered from the
     * page cache with the token taken from the token cache unconfirmed (the
     * epoch checked in the audit's statement): the revocation and the
     * disabled account are seen all the same. */
    snprintf(path, sizeof path, "/api/v1/worklist?staff=%s", sec_users[r].staff);
    const hreq wl = {.method = "GET", .path = path, .token = tok};
    for (int round = 0; round < 2; round++) {
        if (ck_token_add(db, &sys, user, sec_held(r), NULL, SEC_NOW, 0, tok, &id, err, sizeof err) != CK_OK)
            fail_msg("%s", err);
        uint64_t hits = ck_counter_get(&ck_wl_cache_stats.hits);
        for (int i = 0; i < 3; i++) assert_int_equal(status_of(&wl), 200);
        if (ck_counter_get(&ck_wl_cache_stats.hits) != hits + 2) fail_msg("round %d: repeat reads were not hits", round);
        ck_rc rc = round == 0 ? ck_token_revoke(db, &sys, id, err, sizeof err)
                              : ck_user_set_disabled(db, &sys, user, true, err, sizeof err);
        if (rc != CK_OK) fail_msg("%s", err);
        assert_int_equal(status_of(&wl), 401);
    }
    if (ck_user_set_disabled(db, &sys, user, false, err, sizeof err) != CK_OK) fail_msg("%s", err);
    if (ck_token_revoke(db, &sys, id, err, sizeof err) != CK_OK) fail_msg("%s", err);
    ck_db_close(db);
}

/* The worklist page cache (http/ck_wl_cache) with a bearer token, whose
 * identification reads the page's version with the auth epoch: a reader
 * newly excluded from a case no longer gets the page that listed it, and
 * gets it again when lifted; only a repeat read of an unchanged page is a
 * hit. */
static void test_worklist_cache_follows_limited_access(void **state)
{
    (void)state;
    need_world();
    char err[512];
    ck_db *db = ck_db_open(W->url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    ck_principal sys;
    ck_principal_system(&sys, "test");
    const char *crn = sec_cases[SEC_OWN].crn, *qa = sec_users[CK_ROLE_QA].username;
    const hreq get = {.method = "GET", .path = "/api/v1/worklist?pdu=P1&limit=500", .token = W->tokens[CK_ROLE_QA]};
    for (int step = 0; step < 3; step++) {
        th_resp first = send_req(&get);
        uint64_t hits = ck_counter_get(&ck_wl_cache_stats.hits);
        th_resp again = send_req(&get);
        assert_int_equal(first.status, 200);
        assert_int_equal(again.status, 200);
        assert_string_equal(first.body, again.body);
        if (ck_counter_get(&ck_wl_cache_stats.hits) != hits + 1) fail_msg("step %d: a repeat read was not a hit", step);
        bool listed = strstr(first.body, crn) != NULL;
        if (listed != (step != 1)) fail_msg("step %d: %s %s on the page", step, crn, listed ? "is" : "is not");
        th_resp_free(&first), th_resp_free(&again);
        ck_rc rc = step == 0 ? ck_lao_add(db, &sys, crn, CK_LAO_EXCLUSION, qa, NULL, err, sizeof err)
                 : step == 1 ? ck_lao_remove(db, &sys, crn, CK_LAO_EXCLUSION, qa, err, sizeof err)
                             : CK_OK;
        if (rc != CK_OK) fail_msg("%s", err);
    }
    ck_db_close(db);
}

/* The server keeps rendered cases (http/ck_case_cache): what victim liaison
 * read first, with the details, is never what anyone else is answered with
 * for the same case at the same version, and the other way round. */
static void test_victims_cached_per_reader(void **state)
{
    (void)state;
    need_world();
    for (int i = 0; i < SEC_N_CASES; i++) {
        char path[128], m[64];
        snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[i].crn);
        sec_victim_marker(i, "phone", m, sizeof m);
        bool want = sec_expect(CK_ROLE_VLO, CK_PERM_VICTIM_READ, i);
        for (int round = 0; round < 2; round++) {
            th_resp resp = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[CK_ROLE_VLO]});
            if ((strstr(resp.body, m) != NULL) != want)
                fail_msg("vlo GET %s (round %d): %d, victims' details %s", path, round, resp.status,
                         want ? "missing" : "shown");
            th_resp_free(&resp);
            for (int r = 0; r < CK_ROLE_COUNT; r++)
                if (r != CK_ROLE_VLO) expect_no_marker(r, "GET", path, NULL, NULL);
        }
    }
}

/* Sensitive contact notes (issue 13) over HTTP: GET /api/v1/cases/{crn}/
 * contacts answers every role as the case read does, carries and finds a
 * sensitive note only for the case's team, the head of its PDU and QA (the
 * rule written out here by hand), never in the case JSON for anyone else,
 * and refuses bad parameters naming them. */
static bool sensitive_expect(int r, int i)
{
    if (r == CK_ROLE_QA) return true;
    const char *staff = sec_users[r].staff;
    if (!staff) return false;
    const ck_place *c = &sec_cases[i].place;
    const char *team = r == CK_ROLE_COURT_OFFICER ? "T2" : "T1";
    return strcmp(staff, c->staff) == 0 || strcmp(team, c->team) == 0 ||
           (r == CK_ROLE_HEAD_OF_PDU && strcmp(c->pdu, "P1") == 0);
}

static void test_sensitive_notes_api(void **state)
{
    (void)state;
    need_world();
    char err[512];
    ck_db *db = ck_db_open(W->url, err, sizeof err);
    if (!db) fail_msg("open: %s", err);
    ck_principal sys;
    ck_principal_system(&sys, "test");
    ck_engine eng = ck_engine_default();
    for (int i = 0; i < SEC_N_CASES; i++) {
        ck_contact k = {.id = "CSN1", .event = "E1", .date = pinned_today(), .type = "CLOB", .national_standard = 0,
                        .appointment = 0, .outcome_on = CK_NODATE, .booked_on = CK_NODATE,
                        .notes = "Disclosed a new partner: Zqsensitivemarker.", .sensitive = 1, .hours = CK_NOINT};
        ck_contact plain = k;
        plain.id = "CSN2", plain.notes = "Talked about the hostel curfew.", plain.sensitive = CK_NULL;
        if (ck_access_add(db, &sys, CK_PERM_CASE_WRITE, &eng, sec_cases[i].crn, "contacts", &k, pinned_today(), NULL,
                          err, sizeof err) != CK_OK ||
            ck_access_add(db, &sys, CK_PERM_CASE_WRITE, &eng, sec_cases[i].crn, "contacts", &plain, pinned_today(),
                          NULL, err, sizeof err) != CK_OK)
            fail_msg("add: %s", err);
    }
    ck_db_close(db);
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        for (int i = 0; i < SEC_N_CASES; i++) {
            bool read = sec_expect(r, CK_PERM_CASE_READ, i), want = read && sensitive_expect(r, i);
            static const char *const tails[] = {"/contacts?q=zqsensitivemarker", "/contacts?type=CLOB", ""};
            for (size_t k = 0; k < sizeof tails / sizeof *tails; k++) {
                char path[160];
                snprintf(path, sizeof path, "/api/v1/cases/%s%s", sec_cases[i].crn, tails[k]);
                th_resp resp = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[r]});
                if (resp.status != (read ? 200 : 403))
                    fail_msg("%s GET %s: %d, expected %d", ck_role_names[r], path, resp.status, read ? 200 : 403);
                bool shown = strstr(resp.body, "Zqsensitivemarker") != NULL;
                if (shown != want)
                    fail_msg("%s GET %s: the sensitive note is %s", ck_role_names[r], path, shown ? "shown" : "missing");
                if (read && k == 1 && !strstr(resp.body, "hostel curfew"))
                    fail_msg("%s GET %s: the plain note is missing", ck_role_names[r], path);
                th_resp_free(&resp);
            }
        }
    }
    /* Words found, marked and escaped; quotes and SQL are only words. */
    char path[256];
    snprintf(path, sizeof path, "/api/v1/cases/%s/contacts?q=Curfews%%20hostel&hide_system=true", sec_cases[SEC_OWN].crn);
    th_resp resp = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[CK_ROLE_PRACTITIONER]});
    assert_int_equal(resp.status, 200);
    json_t *j = json_loads(resp.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    json_t *it = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(it, "highlight")),
                        "Talked about the <mark>hostel</mark> <mark>curfew</mark>.");
    assert_string_equal(json_string_value(json_object_get(it, "type_name")), "Letter/Fax to PoP");
    json_decref(j);
    th_resp_free(&resp);
    snprintf(path, sizeof path, "/api/v1/cases/%s/contacts?q=%%27%%29%%3B%%20DROP%%20TABLE%%20contacts%%3B--%%20%%22",
             sec_cases[SEC_OWN].crn);
    resp = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[CK_ROLE_PRACTITIONER]});
    assert_int_equal(resp.status, 200);
    th_resp_free(&resp);
    /* Bad parameters: 400 naming each. */
    static const struct {
        const char *query, *name;
    } bad[] = {{"from=2025-13-01", "from"},      {"to=yesterday", "to"},         {"from=2025-10-02&to=2025-10-01", "to"},
               {"type=NOPE", "type"},           {"category=Nope", "category"},  {"compliance=some", "compliance"},
               {"hide_system=maybe", "hide_system"}, {"limit=0", "limit"},     {"offset=-1", "offset"}};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        snprintf(path, sizeof path, "/api/v1/cases/%s/contacts?%s", sec_cases[SEC_OWN].crn, bad[k].query);
        resp = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[CK_ROLE_PRACTITIONER]});
        char named[64];
        snprintf(named, sizeof named, "%s: ", bad[k].name);
        if (resp.status != 400 || !strstr(resp.body, named))
            fail_msg("GET %s: %d %s, expected 400 naming %s", path, resp.status, resp.body, bad[k].name);
        th_resp_free(&resp);
    }
    char longq[700] = "/api/v1/cases/S100001/contacts?q=";
    for (size_t n = strlen(longq); n < 600; n++) longq[n] = 'a';
    resp = send_req(&(hreq){.method = "GET", .path = longq, .token = W->tokens[CK_ROLE_PRACTITIONER]});
    assert_int_equal(resp.status, 400);
    assert_non_null(strstr(resp.body, "q: "));
    th_resp_free(&resp);
}

static void test_victims_never_leak(void **state)
{
    (void)state;
    need_world();
    static const char *const lists[] = {"/api/v1/cases?q=S1000&limit=100", "/api/v1/cases?q=Example",
                                        "/api/v1/worklist?team=T1&status=overdue,open,met,met_late&limit=500",
                                        "/api/v1/worklist?pdu=P1&limit=500", "/api/v1/worklist?staff=N07P001",
                                        "/api/v1/session", "/api/v1/users"};
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        if (r == CK_ROLE_VLO) continue;
        for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) expect_no_marker(r, "GET", lists[k], NULL, NULL);
        for (int i = 0; i < SEC_N_CASES; i++) {
            char path[128];
            snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[i].crn);
            expect_no_marker(r, "GET", path, NULL, NULL);
            snprintf(path, sizeof path, "/api/v1/cases/%s/obligations?all=true", sec_cases[i].crn);
            expect_no_marker(r, "GET", path, NULL, NULL);
        }
    }
    /* Victim liaison sees them for the cases of their region, not beyond. */
    for (int i = 0; i < SEC_N_CASES; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[i].crn);
        th_resp resp = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[CK_ROLE_VLO]});
        bool want = sec_expect(CK_ROLE_VLO, CK_PERM_VICTIM_READ, i);
        char m[64];
        sec_victim_marker(i, "phone", m, sizeof m);
        if ((strstr(resp.body, m) != NULL) != want)
            fail_msg("vlo GET %s: %d, victims' details %s", path, resp.status, want ? "missing" : "shown");
        th_resp_free(&resp);
    }
    /* A practitioner's round trip (GET, PUT back) answers redacted and keeps
     * the victims as they were. */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[SEC_OWN].crn);
    th_resp got = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[CK_ROLE_PRACTITIONER]});
    assert_int_equal(got.status, 200);
    int st = 0;
    char etag[32];
    assert_non_null(th_header(&got, "ETag", etag, sizeof etag));
    expect_no_marker_if(CK_ROLE_PRACTITIONER, "PUT", path, got.body, etag, &st);
    assert_int_equal(st, 200);
    th_resp_free(&got);
    th_resp v = send_req(&(hreq){.method = "GET", .path = path, .token = W->tokens[CK_ROLE_VLO]});
    char m[64];
    sec_victim_marker(SEC_OWN, "notes", m, sizeof m);
    assert_non_null(strstr(v.body, m));
    th_resp_free(&v);
}

/* ---- Sessions and CSRF ------------------------------------------------------------ */

static const char contact[] = "{\"id\":\"%s\",\"event\":\"E1\",\"date\":\"2025-10-20\",\"type\":\"COAP\","
                              "\"national_standard\":true,\"appointment\":true,\"outcome\":null,\"outcome_on\":null,"
                              "\"booked_on\":\"2025-10-13\"}";

static void test_csrf(void **state)
{
    (void)state;
    need_world();
    session s;
    sign_in("prac", SEC_PASSWORD, NULL, &s);
    char path[128], body[512], referer[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s/contacts", sec_cases[SEC_OWN].crn);
    snprintf(referer, sizeof referer, "%s/cases/%s", own_origin(), sec_cases[SEC_OWN].crn);
    char wrong[CK_TOKEN_HEX + 1];
    memcpy(wrong, s.csrf, sizeof wrong);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    snprintf(body, sizeof body, contact, "C90");
    /* GET needs no token. */
    snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[SEC_OWN].crn);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = s.cookie}), 200);
    snprintf(path, sizeof path, "/api/v1/cases/%s/contacts", sec_cases[SEC_OWN].crn);
    struct {
        const char *csrf, *origin, *referer;
        int want;
        const char *what;
    } cases[] = {
        {NULL, own_origin(), NULL, 403, "no token"},
        {wrong, own_origin(), NULL, 403, "wrong token"},
        {"", own_origin(), NULL, 403, "empty token"},
        {s.csrf, "http://evil.example", NULL, 403, "foreign Origin"},
        {s.csrf, "null", NULL, 403, "Origin null"},
        {s.csrf, NULL, NULL, 403, "neither Origin nor Referer"},
        {s.csrf, NULL, "http://evil.example/x", 403, "foreign Referer"},
        {s.csrf, NULL, "http://127.0.0.1.evil.example/", 403, "look-alike Referer"},
        {s.csrf, own_origin(), NULL, 201, "token and Origin"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int st = status_of(&(hreq){.method = "POST", .path = path, .cookie = s.cookie, .csrf = cases[i].csrf,
                                   .origin = cases[i].origin, .referer = cases[i].referer, .body = body});
        if (st != cases[i].want) fail_msg("CSRF, %s: %d, expected %d", cases[i].what, st, cases[i].want);
    }
    /* A same-site Referer stands in for a missing Origin. */
    snprintf(body, sizeof body, contact, "C91");
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = path, .cookie = s.cookie, .csrf = s.csrf,
                                       .referer = referer, .body = body}),
                     201);
    /* The token as a form field works too (what the web app's forms send):
     * the form body is not JSON, so the handler answers 415, past the check. */
    char form[128];
    snprintf(form, sizeof form, "csrf=%s", s.csrf);
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = path, .cookie = s.cookie, .origin = own_origin(),
                                       .ctype = "application/x-www-form-urlencoded", .body = form}),
                     415);
    /* An API token is no ambient credential: no CSRF token needed. */
    snprintf(body, sizeof body, contact, "C92");
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = path, .token = W->tokens[CK_ROLE_PRACTITIONER],
                                       .body = body}),
                     201);
    /* Login CSRF: a sign-in posted from another site is refused. */
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = "/api/v1/session", .origin = "http://evil.example",
                                       .body = "{\"username\":\"prac\",\"password\":\"" SEC_PASSWORD "\"}"}),
                     403);
    /* And a cross-site HTML form cannot send JSON. */
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = "/api/v1/session", .origin = own_origin(),
                                       .ctype = "application/x-www-form-urlencoded",
                                       .body = "username=prac&password=x"}),
                     415);
}

static void test_session_fixation_and_cookies(void **state)
{
    (void)state;
    need_world();
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[SEC_OWN].crn);
    /* An id chosen by an attacker before sign-in is not the session after it. */
    const char *planted = "ck_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    session s;
    sign_in("prac", SEC_PASSWORD, planted, &s);
    assert_string_not_equal(s.cookie, planted);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = planted}), 401);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = s.cookie}), 200);
    /* An attacker's own live session planted in a victim's browser ends when
     * the victim signs in, so the attacker cannot ride it. */
    session attacker, victim;
    sign_in("qa", SEC_PASSWORD, NULL, &attacker);
    sign_in("prac", SEC_PASSWORD, attacker.cookie, &victim);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = attacker.cookie}), 401);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = victim.cookie}), 200);
    /* The session cookie sent twice (cookie tossing) counts as none. */
    char twice[300];
    snprintf(twice, sizeof twice, "%s; %s", victim.cookie, planted);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = twice}), 401);
    /* Other cookies alongside do not matter. */
    snprintf(twice, sizeof twice, "theme=dark; %s; lang=en", victim.cookie);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = twice}), 200);
}

static void test_timeouts_and_sign_out(void **state)
{
    (void)state;
    need_world();
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", sec_cases[SEC_OWN].crn);
    session s;
    sign_in("spo", SEC_PASSWORD, NULL, &s);
    /* Idle: 29 minutes between requests is fine; 31 is not. */
    atomic_fetch_add(&clock_now, CK_SESSION_IDLE_S - 60);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = s.cookie}), 200);
    atomic_fetch_add(&clock_now, CK_SESSION_IDLE_S + 60);
    th_resp r = send_req(&(hreq){.method = "GET", .path = path, .cookie = s.cookie});
    assert_int_equal(r.status, 401);
    char v[256];
    assert_non_null(th_header(&r, "Set-Cookie", v, sizeof v)); /* the dead cookie is cleared */
    assert_non_null(strstr(v, "Max-Age=0"));
    th_resp_free(&r);
    /* Absolute: busy all day, still signed out after 10 hours. */
    atomic_store(&clock_now, SEC_NOW);
    sign_in("spo", SEC_PASSWORD, NULL, &s);
    for (int64_t t = 0; t < CK_SESSION_ABSOLUTE_S; t += CK_SESSION_IDLE_S - 60) {
        atomic_store(&clock_now, SEC_NOW + t);
        assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = s.cookie}), 200);
    }
    atomic_store(&clock_now, SEC_NOW + CK_SESSION_ABSOLUTE_S + 1);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = s.cookie}), 401);
    /* Sign-out ends it on the server: the cookie, replayed, is dead. */
    atomic_store(&clock_now, SEC_NOW);
    sign_in("spo", SEC_PASSWORD, NULL, &s);
    assert_int_equal(status_of(&(hreq){.method = "DELETE", .path = "/api/v1/session", .cookie = s.cookie}), 403);
    assert_int_equal(status_of(&(hreq){.method = "DELETE", .path = "/api/v1/session", .cookie = s.cookie,
                                       .csrf = s.csrf, .origin = own_origin()}),
                     204);
    assert_int_equal(status_of(&(hreq){.method = "GET", .path = path, .cookie = s.cookie}), 401);
}

static void test_sign_in_failures_alike(void **state)
{
    (void)state;
    need_world();
    const char *bodies[] = {"{\"username\":\"prac\",\"password\":\"not the password\"}",
                            "{\"username\":\"nosuchuser\",\"password\":\"not the password\"}",
                            "{\"username\":\"admin' --\",\"password\":\"' OR '1'='1\"}"};
    char first[1024] = "";
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        th_resp r = send_req(&(hreq){.method = "POST", .path = "/api/v1/session", .origin = own_origin(),
                                     .xff = "198.51.100.77", .body = bodies[i]});
        assert_int_equal(r.status, 401);
        if (!first[0]) snprintf(first, sizeof first, "%s", r.body);
        else assert_string_equal(r.body, first);
        th_resp_free(&r);
    }
    /* The address the trusted proxy vouched for is the one throttled and audited. */
    char err[512];
    ck_db *db = ck_db_open(W->url, err, sizeof err);
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" = 'session.sign_in_failed' "
                                    "AND \"client\" = '198.51.100.77'");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 3);
    ck_stmt_reset(st);
    ck_db_close(db);
}

/* ---- Injection and traversal ----------------------------------------------------- */

static const char *const payloads[] = {
    "' OR '1'='1",
    "'; DROP TABLE cases; --",
    "\" OR \"\"=\"",
    "1) OR (1=1",
    "S100005' UNION SELECT name, address, phone, email, notes FROM victims --",
    "$1",
    "?1",
    "%s%s%s%n",
    "{{ID}}",
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2f",
    "..\\..\\windows\\win.ini",
    "%00",
    "S100001%00' OR 1=1",
    "\xc0\xae\xc0\xae/",
    "<script>alert(1)</script>",
    "S1%",
    "_",
    "*",
};

static void url_encode(const char *s, char *out, size_t n)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_escape(&b, CK_ESC_URL, s, strlen(s));
    snprintf(out, n, "%s", ck_buf_cstr(&b));
    ck_buf_free(&b);
}

/* What no practitioner may ever get back: another region's case, or a victim. */
static void expect_clean(const char *what, th_resp *resp)
{
    if (resp->status >= 500) fail_msg("%s: %d %s", what, resp->status, resp->body);
    if (strstr(resp->body, MARKER)) fail_msg("%s: a victim's details: %.300s", what, resp->body);
    if (strstr(resp->body, sec_cases[SEC_FAR].crn) && !strstr(what, sec_cases[SEC_FAR].crn))
        fail_msg("%s: the far case leaked: %.300s", what, resp->body);
    if (strstr(resp->body, "root:x:0:0")) fail_msg("%s: a file's contents: %.300s", what, resp->body);
}

static void test_injection_and_traversal(void **state)
{
    (void)state;
    need_world();
    static const char *const queries[] = {"q", "limit", "offset", "as_of", "all", "staff", "team", "pdu", "status"};
    size_t calls = 0;
    for (size_t k = 0; k < sizeof payloads / sizeof *payloads; k++) {
        char enc[512];
        url_encode(payloads[k], enc, sizeof enc);
        for (const ck_route *rt = W->routes; rt->method; rt++) {
            bool body = strcmp(rt->method, "GET") != 0 && strcmp(rt->method, "DELETE") != 0;
            char path[1024], what[2400];
            /* The payload in each path parameter, encoded and raw. */
            for (int raw = 0; raw < 2; raw++) {
                const char *v = raw ? payloads[k] : enc;
                size_t len = 0;
                for (const char *p = rt->pattern; *p && len + 1 < sizeof path;) {
                    if (*p == '{') {
                        len += (size_t)snprintf(path + len, sizeof path - len, "%s", v);
                        p = strchr(p, '}') + 1;
                    } else {
                        path[len++] = *p++;
                        path[len] = '\0';
                    }
                }
                if (!strchr(rt->pattern, '{') && raw) continue;
                if (raw && strpbrk(payloads[k], " \r\n")) continue; /* not a request line */
                th_resp r = send_req(&(hreq){.method = rt->method, .path = path,
                                             .token = W->tokens[CK_ROLE_PRACTITIONER], .body = body ? "{}" : NULL});
                snprintf(what, sizeof what, "%s %s", rt->method, path);
                expect_clean(what, &r);
                th_resp_free(&r);
                calls++;
            }
            /* The payload in every query parameter any route reads. */
            fill_path(rt, sec_cases[SEC_OWN].crn, path, sizeof path);
            for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
                char full[2048];
                snprintf(full, sizeof full, "%s?%s=%s", path, queries[q], enc);
                th_resp r = send_req(&(hreq){.method = rt->method, .path = full,
                                             .token = W->tokens[CK_ROLE_PRACTITIONER], .body = body ? "{}" : NULL});
                snprintf(what, sizeof what, "%s %s", rt->method, full);
                expect_clean(what, &r);
                th_resp_free(&r);
                calls++;
            }
            /* The payload as every string a body could carry. */
            if (body) {
                json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", payloads[k], "crn", payloads[k],
                                      "event", payloads[k], "type", payloads[k], "date", payloads[k], "username",
                                      payloads[k], "password", payloads[k], "staff_code", payloads[k]);
                char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
                if (text) {
                    th_resp r = send_req(&(hreq){.method = rt->method, .path = path,
                                                 .token = W->tokens[CK_ROLE_PRACTITIONER], .origin = own_origin(),
                                                 .body = text});
                    snprintf(what, sizeof what, "%s %s with %s", rt->method, path, text);
                    expect_clean(what, &r);
                    th_resp_free(&r);
                    calls++;
                }
                free(text);
                json_decref(j);
            }
        }
    }
    /* Nothing was dropped or bypassed: every case is still there, as the
     * system sees it, and the audit chain holds. */
    char err[512], why[256], head[CK_AUDIT_HASH_HEX + 1];
    ck_db *db = ck_db_open(W->url, err, sizeof err);
    assert_non_null(db);
    size_t n = 0;
    assert_int_equal(ck_cases_count(db, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, SEC_N_CASES);
    int64_t entries, bad;
    assert_int_equal(ck_audit_verify(db, &entries, &bad, why, sizeof why, head, err, sizeof err), CK_OK);
    if (bad) fail_msg("%s", why);
    ck_db_close(db);
    print_message("injection: %zu requests, none answered 500 or leaked\n", calls);
}

/* ---- Headers, TLS and start-up ---------------------------------------------------- */

static void test_headers_and_hsts(void **state)
{
    (void)state;
    need_world();
    const char *paths[] = {"/health", "/api/v1/cases/S100001", "/nothing-here", "/api/v1/users"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        th_resp r = send_req(&(hreq){.method = "GET", .path = paths[i], .token = W->tokens[CK_ROLE_QA]});
        char v[512];
        assert_non_null(th_header(&r, "Content-Security-Policy", v, sizeof v));
        assert_non_null(strstr(v, "frame-ancestors 'none'"));
        assert_non_null(strstr(v, "default-src 'self'"));
        assert_non_null(th_header(&r, "X-Content-Type-Options", v, sizeof v));
        assert_string_equal(v, "nosniff");
        assert_non_null(th_header(&r, "Referrer-Policy", v, sizeof v));
        assert_string_equal(v, "same-origin");
        assert_non_null(th_header(&r, "X-Frame-Options", v, sizeof v));
        assert_null(th_header(&r, "Strict-Transport-Security", v, sizeof v)); /* plain http */
        th_resp_free(&r);
        /* Over TLS, as the trusted proxy says: HSTS on every answer. */
        r = send_req(&(hreq){.method = "GET", .path = paths[i], .token = W->tokens[CK_ROLE_QA], .xfp = "https"});
        assert_non_null(th_header(&r, "Strict-Transport-Security", v, sizeof v));
        assert_non_null(strstr(v, "max-age="));
        th_resp_free(&r);
    }
    /* Behind TLS the CSRF origin is https: the http origin no longer passes. */
    session s;
    sign_in("prac", SEC_PASSWORD, NULL, &s);
    char path[128], body[512];
    snprintf(path, sizeof path, "/api/v1/cases/%s/contacts", sec_cases[SEC_OWN].crn);
    snprintf(body, sizeof body, contact, "C95");
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = path, .cookie = s.cookie, .csrf = s.csrf,
                                       .origin = "http://127.0.0.1", .xfp = "https", .body = body}),
                     403);
    assert_int_equal(status_of(&(hreq){.method = "POST", .path = path, .cookie = s.cookie, .csrf = s.csrf,
                                       .origin = "https://127.0.0.1", .xfp = "https", .body = body}),
                     201);
}

static bool no_auth_needed(ck_http_req *r)
{
    (void)r;
    return true;
}

static void test_start_refuses_unchecked_routes(void **state)
{
    (void)state;
    char err[256];
    ck_http_config cfg = {.port = 0, .threads = 1, .routes = ck_api_routes};
    assert_null(ck_http_start(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "unchecked"));
    const ck_route typo[] = {{"GET", "/a", ck_api_routes[0].handler, "case:raed"}, {NULL, NULL, NULL, NULL}};
    assert_false(ck_auth_routes_valid(typo, err, sizeof err));
    assert_non_null(strstr(err, "case:raed"));
    assert_true(ck_auth_routes_valid(ck_api_routes, err, sizeof err));
    /* With a hook, a public-only table starts as before. */
    const ck_route open_routes[] = {{"GET", "/health", ck_api_routes[0].handler, "public"}, {NULL, NULL, NULL, NULL}};
    cfg.routes = open_routes;
    cfg.authorize = no_auth_needed;
    ck_http_server *s = ck_http_start(&cfg, err, sizeof err);
    assert_non_null(s);
    ck_http_stop(s);
    /* --plain-http is for loopback only. */
    assert_true(ck_auth_loopback("127.0.0.1"));
    assert_true(ck_auth_loopback("::1"));
    assert_false(ck_auth_loopback("0.0.0.0"));
    assert_false(ck_auth_loopback("10.0.0.5"));
}

/* docs/security.md shows the matrix: it must be core/ck_roles.c's, cell for
 * cell, with a row for every permission and a column for every role. */
static void test_documented_matrix_is_the_code(void **state)
{
    (void)state;
    char *doc = ck_test_slurp("docs/security.md", NULL);
    if (!doc) fail_msg("cannot read docs/security.md");
    const char *head = strstr(doc, "| permission |");
    if (!head) fail_msg("docs/security.md: no matrix table");
    /* The header names the roles in the code's order. */
    const char *p = strchr(head + 1, '|') + 1;
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " |");
        if (strlen(ck_role_names[r]) != n || strncmp(p, ck_role_names[r], n) != 0)
            fail_msg("docs/security.md: column %d is \"%.*s\", not %s", r + 1, (int)n, p, ck_role_names[r]);
        p = strchr(p, '|') + 1;
    }
    int rows = 0;
    const char *line = strchr(strchr(head, '\n') + 1, '\n'); /* past the header and the |---| line */
    for (; line && strncmp(line, "\n| `", 4) == 0; line = strchr(line + 1, '\n')) {
        const char *name = line + 4;
        size_t n = strcspn(name, "`");
        ck_perm perm;
        if (!ck_perm_parse(name, n, &perm)) fail_msg("docs/security.md: unknown permission %.*s", (int)n, name);
        const char *cell = strchr(name + n, '|') + 1;
        for (int r = 0; r < CK_ROLE_COUNT; r++) {
            while (*cell == ' ') cell++;
            size_t k = strcspn(cell, " |");
            ck_scope want = ck_role_scope((ck_role)r, perm);
            const char *doc_says = k == 1 && *cell == '-' ? "none" : NULL;
            char word[16];
            snprintf(word, sizeof word, "%.*s", (int)k, cell);
            if (!doc_says) doc_says = word;
            if (strcmp(doc_says, ck_scope_names[want]) != 0)
                fail_msg("docs/security.md: %s for %s says %s, the code %s", ck_perm_names[perm], ck_role_names[r],
                         doc_says, ck_scope_names[want]);
            cell = strchr(cell, '|') + 1;
        }
        rows++;
    }
    assert_int_equal(rows, CK_PERM_COUNT);
    free(doc);
}

/* A client that never finishes its request is cut off once the idle limit
 * passes, and one that declares a huge body is refused before sending it. */
static void test_slow_and_large_requests_cut_off(void **state)
{
    (void)state;
    char err[256];
    const ck_route open_routes[] = {{"POST", "/echo", ck_api_routes[0].handler, "public"}, {NULL, NULL, NULL, NULL}};
    ck_http_config cfg = {.port = 0, .threads = 1, .routes = open_routes, .authorize = no_auth_needed, .timeout_s = 1,
                          .max_body = 1024};
    ck_http_server *s = ck_http_start(&cfg, err, sizeof err);
    assert_non_null(s);
    th_conn c;
    assert_true(th_connect(&c, ck_http_port(s)));
    const char partial[] = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc";
    assert_true(th_write(&c, partial, sizeof partial - 1));
    /* The client stalls; the server closes (th_connect's 10 s read limit would fail this otherwise). */
    char b[512];
    ssize_t n;
    while ((n = recv(c.fd, b, sizeof b, 0)) > 0) {
    }
    assert_int_equal(n, 0);
    th_close(&c);
    assert_true(th_connect(&c, ck_http_port(s)));
    const char huge[] = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: 1000000000\r\n\r\n";
    th_resp r;
    assert_true(th_write(&c, huge, sizeof huge - 1) && th_recv(&c, &r));
    assert_int_equal(r.status, 413);
    th_resp_free(&r);
    th_close(&c);
    ck_http_stop(s);
}

int main(void)
{
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_start_refuses_unchecked_routes),
        cmocka_unit_test(test_slow_and_large_requests_cut_off),
        cmocka_unit_test(test_documented_matrix_is_the_code),
    };
    const struct CMUnitTest http[] = {
        cmocka_unit_test(test_authorization_matrix),   cmocka_unit_test(test_token_scopes),
        cmocka_unit_test(test_unit_scope),
        cmocka_unit_test(test_victims_never_leak),
        cmocka_unit_test(test_victims_cached_per_reader),     cmocka_unit_test(test_case_read_refusals_audited),
        cmocka_unit_test(test_token_cache_follows_revocation),     cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_worklist_cache_follows_limited_access),
        cmocka_unit_test(test_session_fixation_and_cookies), cmocka_unit_test(test_timeouts_and_sign_out),
        cmocka_unit_test(test_sign_in_failures_alike), cmocka_unit_test(test_headers_and_hsts),
        cmocka_unit_test(test_injection_and_traversal),
        cmocka_unit_test(test_sensitive_notes_api),
    };
    int failed = cmocka_run_group_tests_name("security", plain, NULL, NULL);
    failed += cmocka_run_group_tests_name("security over SQLite", http, setup_sqlite, teardown);
    failed += cmocka_run_group_tests_name("security over PostgreSQL", http, setup_pg, teardown);
    return failed ? 1 : 0;
}
