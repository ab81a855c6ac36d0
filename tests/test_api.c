/* The JSON API: a real server on port 0 in this process, over a fresh SQLite
 * database and over PostgreSQL (CK_TEST_PG), spoken to over real sockets. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_api.h"
#include "ck_auth.h"
#include "ck_bundle.h"
#include "ck_cli.h"
#include "ck_metrics_text.h"
#include "ck_access.h"
#include "ck_users.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#define EXAMPLE "tests/data/bundle_example.json"
#define AS_OF "2025-11-03"

static ck_date pinned_today(void) { return ck_date_ymd(2025, 11, 3); }
static ck_date next_day(void) { return ck_date_ymd(2025, 11, 4); }

typedef struct backend {
    const char *name;
    char url[1024];
    char dir[64];       /* SQLite: the temporary directory of the file */
    char missing[160];  /* why this backend cannot run, "" when it can */
    ck_http_server *srv;
    uint16_t port;
    ck_app app;
} backend;

static backend *B; /* the backend of the group running */

/* ---- Fixtures ------------------------------------------------------------------ */

static bool migrate_fresh(backend *b, bool wipe)
{
    char err[512];
    ck_db *db = ck_db_open(b->url, err, sizeof err);
    if (!db) {
        snprintf(b->missing, sizeof b->missing, "cannot open %s: %.100s", b->name, err);
        return false;
    }
    /* PostgreSQL's test database is shared by the suites: start from an empty schema. */
    bool ok = (!wipe || ck_db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") == CK_DB_OK) &&
              ck_db_migrate(db, NULL) == CK_DB_OK;
    if (!ok) snprintf(b->missing, sizeof b->missing, "%s: %.120s", b->name, ck_db_errmsg(db));
    ck_db_close(db);
    return ok;
}

/* This suite tests what the API does, not who may call it (test_security
 * does): every request runs as the system principal, which holds every
 * permission over every case but never sees victims' details. */
static int64_t wl_reader_id; /* the account X-Test-As: wlqa reads as (test_worklist_cache) */

static bool as_system(ck_http_req *r)
{
    ck_principal p;
    ck_principal_system(&p, "test_api");
    /* The worklist cache's test reads as a quality-assurance account too:
     * it sees every case but the limited ones that list it. */
    if (ck_http_header(r, "X-Test-As")) {
        memset(&p, 0, sizeof p);
        p.user_id = wl_reader_id;
        snprintf(p.username, sizeof p.username, "wlqa");
        p.role = CK_ROLE_QA;
        p.scopes = CK_PERM_ALL;
    }
    ck_auth_attach(r, &p);
    return true;
}

static void start_server(backend *b)
{
    char err[256];
    b->app.engine = ck_engine_default();
    b->app.today = pinned_today;
    /* Every read of this suite goes through the rendered-case cache, as the
     * server's do (ck_web_new makes one). */
    if (!b->app.case_cache) b->app.case_cache = ck_case_cache_new();
    /* And every worklist read through the page cache, as a server's does. */
    if (!b->app.wl_cache) b->app.wl_cache = ck_wl_cache_new(64, 1 << 20);
    ck_http_config cfg = {.port = th_server_port(), .threads = 4, .routes = ck_api_routes, .db_url = b->url, .app = &b->app,
                          .authorize = as_system};
    b->srv = ck_http_start(&cfg, err, sizeof err);
    if (!b->srv) {
        snprintf(b->missing, sizeof b->missing, "server: %.120s", err);
        return;
    }
    b->port = ck_http_port(b->srv);
}

static int setup_sqlite(void **state)
{
    static backend sqlite = {.name = "SQLite"};
    (void)state;
    B = &sqlite;
    snprintf(B->dir, sizeof B->dir, "/tmp/ck-api.XXXXXX");
    if (!mkdtemp(B->dir)) return -1;
    snprintf(B->url, sizeof B->url, "sqlite:%s/api.db", B->dir);
    if (migrate_fresh(B, false)) start_server(B);
    return 0;
}

static int setup_pg(void **state)
{
    static backend pg = {.name = "PostgreSQL"};
    (void)state;
    B = &pg;
    const char *url = ck_test_pg_url();
    if (!url) {
        snprintf(B->missing, sizeof B->missing, "CK_TEST_PG is not set: PostgreSQL tests cannot run");
        return 0;
    }
    snprintf(B->url, sizeof B->url, "%s", url);
    if (migrate_fresh(B, true)) start_server(B);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ck_http_stop(B->srv);
    B->srv = NULL;
    ck_case_cache_free(B->app.case_cache);
    B->app.case_cache = NULL;
    ck_wl_cache_free(B->app.wl_cache);
    B->app.wl_cache = NULL;
    if (B->dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", B->dir);
        if (system(cmd) != 0) return -1;
    }
    return 0;
}

/* Every test starts here: a backend that could not start is a failure, never a skip. */
static void need_backend(void)
{
    if (B->missing[0] || !B->srv) fail_msg("%s", B->missing[0] ? B->missing : "the server did not start");
}

/* ---- HTTP helpers ------------------------------------------------------------------ */

static th_resp call(const char *method, const char *path, const json_t *body)
{
    th_resp r;
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    if (!th_request(B->port, method, path, text, &r)) fail_msg("%s %s: no response", method, path);
    free(text);
    return r;
}

/* One request with extra header lines ("If-Match: \"3\"\r\n"). */
static th_resp call_h(const char *method, const char *path, const char *extra, const json_t *body)
{
    th_resp r;
    th_conn c;
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    bool ok = th_connect(&c, B->port) && th_send(&c, method, path, extra, NULL, text) && th_recv(&c, &r);
    th_close(&c);
    free(text);
    if (!ok) fail_msg("%s %s: no response", method, path);
    return r;
}

/* The version an ETag names ("7" gives 7); fails on anything else. */
static long etag_version(const th_resp *r)
{
    char v[64], *end;
    if (!th_header(r, "ETag", v, sizeof v)) fail_msg("no ETag in: %.300s", r->head);
    size_t n = strlen(v);
    if (n < 3 || v[0] != '"' || v[n - 1] != '"') fail_msg("ETag %s is not a strong, quoted tag", v);
    long ver = strtol(v + 1, &end, 10);
    if (end != v + n - 1 || ver < 1) fail_msg("ETag %s does not name a version", v);
    return ver;
}

static json_t *body_json(const th_resp *r)
{
    json_error_t je;
    json_t *j = json_loads(r->body, 0, &je);
    if (!j) fail_msg("response body is not JSON (%s): %.200s", je.text, r->body);
    return j;
}

/* Calls and checks the status; returns the JSON body (caller decrefs). */
static json_t *expect(const char *method, const char *path, const json_t *body, int status)
{
    th_resp r = call(method, path, body);
    if (r.status != status) fail_msg("%s %s: status %d, expected %d: %.300s", method, path, r.status, status, r.body);
    json_t *j = r.body_len ? body_json(&r) : NULL;
    th_resp_free(&r);
    return j;
}

/* A 400 problem whose first error names `path`; returns its message. */
static void expect_invalid(const char *method, const char *url, const json_t *body, const char *path)
{
    json_t *p = expect(method, url, body, 400);
    assert_string_equal(json_string_value(json_object_get(p, "type")), "urn:casekeeper:problem:invalid");
    assert_int_equal(json_integer_value(json_object_get(p, "status")), 400);
    json_t *e = json_array_get(json_object_get(p, "errors"), 0);
    const char *got = json_string_value(json_object_get(e, "path"));
    if (!got || strcmp(got, path) != 0) fail_msg("%s %s: error path \"%s\", expected \"%s\"", method, url, got, path);
    assert_non_null(json_string_value(json_object_get(e, "message")));
    json_decref(p);
}

static json_t *example(const char *crn)
{
    json_error_t je;
    json_t *j = json_load_file(EXAMPLE, 0, &je);
    if (!j) fail_msg("%s: %s", EXAMPLE, je.text);
    json_object_set_new(j, "crn", json_string(crn));
    return j;
}

/* The example as every reader sees it for now: victims' details withheld. */
static json_t *redacted(json_t *bundle)
{
    json_t *v, *out = json_deep_copy(bundle);
    size_t i;
    const char *const sensitive[] = {"name", "address", "phone", "email", "notes"};
    json_array_foreach(json_object_get(out, "victims"), i, v)
        for (size_t k = 0; k < sizeof sensitive / sizeof sensitive[0]; k++) json_object_set_new(v, sensitive[k], json_null());
    return out;
}

static void create(json_t *bundle)
{
    json_decref(expect("POST", "/api/v1/cases", bundle, 201));
}

static void create_example(const char *crn)
{
    json_t *b = example(crn);
    create(b);
    json_decref(b);
}

static json_t *record_post(const char *crn, const char *list, const char *json, int status)
{
    char url[160];
    json_t *body = json_loads(json, 0, NULL);
    assert_non_null(body);
    snprintf(url, sizeof url, "/api/v1/cases/%s/%s", crn, list);
    json_t *r = expect("POST", url, body, status);
    json_decref(body);
    return r;
}

/* The status of obligation rule/subject of crn at AS_OF; NULL when there is none. */
static char *obligation_status(const char *crn, const char *rule, const char *subject)
{
    char url[160];
    snprintf(url, sizeof url, "/api/v1/cases/%s/obligations?as_of=" AS_OF "&all=true", crn);
    json_t *res = expect("GET", url, NULL, 200), *o;
    size_t i;
    char *status = NULL;
    json_array_foreach(json_object_get(res, "obligations"), i, o)
        if (strcmp(json_string_value(json_object_get(o, "rule")), rule) == 0 &&
            strcmp(json_string_value(json_object_get(o, "subject")), subject) == 0)
            status = strdup(json_string_value(json_object_get(o, "status")));
    json_decref(res);
    return status;
}

static void assert_status(const char *crn, const char *rule, const char *subject, const char *want)
{
    char *got = obligation_status(crn, rule, subject);
    if (!want && got) fail_msg("%s %s of %s exists (%s); expected none", rule, subject, crn, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("%s %s of %s is %s; expected %s", rule, subject, crn, got ? got : "absent", want);
    free(got);
}

/* ---- Tests ------------------------------------------------------------------- */

static void test_health(void **state)
{
    (void)state;
    need_backend();
    th_resp r = call("GET", "/health", NULL);
    char v[64];
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"status\":\"ok\"}");
    assert_string_equal(th_header(&r, "Cache-Control", v, sizeof v), "no-store");
    th_resp_free(&r);
}

static void test_create_get_conflict(void **state)
{
    (void)state;
    need_backend();
    json_t *bundle = example("X123456"), *want = redacted(bundle);
    th_resp r = call("POST", "/api/v1/cases", bundle);
    char v[128];
    assert_int_equal(r.status, 201);
    assert_string_equal(th_header(&r, "Location", v, sizeof v), "/api/v1/cases/X123456");
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "application/json");
    assert_string_equal(th_header(&r, "Cache-Control", v, sizeof v), "no-store");
    json_t *created = body_json(&r);
    assert_true(json_equal(created, want));
    th_resp_free(&r);

    json_t *got = expect("GET", "/api/v1/cases/X123456", NULL, 200);
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_COMPACT);
        fail_msg("GET differs from the example (victims redacted): %s", g);
    }
    /* Nothing of the victim's identity leaves the server. */
    th_resp raw = call("GET", "/api/v1/cases/X123456", NULL);
    assert_null(strstr(raw.body, "Alex Sample"));
    assert_null(strstr(raw.body, "020 7946"));
    th_resp_free(&raw);

    json_t *again = expect("POST", "/api/v1/cases", bundle, 409);
    assert_int_equal(json_integer_value(json_object_get(again, "status")), 409);
    assert_string_equal(json_string_value(json_object_get(again, "title")), "Conflict");
    json_decref(again), json_decref(got), json_decref(created), json_decref(want), json_decref(bundle);
}

static void test_invalid_bundle(void **state)
{
    (void)state;
    need_backend();
    json_t *b = example("X100001");
    json_t *sentence = json_object_get(json_array_get(json_object_get(b, "events"), 0), "sentence");
    json_object_set_new(sentence, "type", json_string("custodial"));
    expect_invalid("POST", "/api/v1/cases", b, "events[0].sentence.type");
    json_object_set_new(sentence, "type", json_string("custody"));
    json_object_set_new(b, "foo bar", json_true());
    expect_invalid("POST", "/api/v1/cases", b, "[\"foo bar\"]");
    json_object_del(b, "foo bar");
    json_object_set_new(json_array_get(json_object_get(b, "contacts"), 1), "event", json_string("E9"));
    expect_invalid("POST", "/api/v1/cases", b, "contacts[1].event");
    json_object_set_new(json_array_get(json_object_get(b, "contacts"), 1), "event", json_string("E1"));
    json_object_set_new(b, "recalls", json_pack("[{s:s, s:s, s:s}]", "id", "RC1", "event", "E1", "date", "2026-08-01"));
    expect_invalid("POST", "/api/v1/cases", b, "recalls[0].date");
    json_decref(b);
    /* Nothing was stored by any of them. */
    json_decref(expect("GET", "/api/v1/cases/X100001", NULL, 404));

    /* Not JSON, not an object, not sent as JSON (straight to the server:
     * a validating proxy answers a malformed body itself). */
    th_conn c;
    th_resp r;
    assert_true(th_connect_direct(&c, B->port));
    assert_true(th_send(&c, "POST", "/api/v1/cases", NULL, "application/json", "{\"crn\": "));
    assert_true(th_recv(&c, &r));
    assert_int_equal(r.status, 400);
    json_t *p = body_json(&r);
    json_t *e = json_array_get(json_object_get(p, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "path")), "");
    assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "line 1"));
    json_decref(p);
    th_resp_free(&r);
    assert_true(th_send(&c, "POST", "/api/v1/cases", NULL, "application/json", "[1, 2]"));
    assert_true(th_recv(&c, &r));
    assert_int_equal(r.status, 400);
    th_resp_free(&r);
    assert_true(th_send(&c, "POST", "/api/v1/cases", NULL, "application/x-www-form-urlencoded", "crn=X1"));
    assert_true(th_recv(&c, &r));
    assert_int_equal(r.status, 415);
    th_resp_free(&r);
    th_close(&c);
}

static void test_replace(void **state)
{
    (void)state;
    need_backend();
    create_example("X200001");
    json_t *b = example("X200002");
    expect_invalid("PUT", "/api/v1/cases/X200001", b, "crn");
    th_resp nf = call_h("PUT", "/api/v1/cases/X200002", "If-Match: \"1\"\r\n", b);
    assert_int_equal(nf.status, 404);
    th_resp_free(&nf);
    json_object_set_new(b, "crn", json_string("X200001"));
    json_object_set_new(json_object_get(b, "person"), "surname", json_string("Renamed"));
    th_resp g = call("GET", "/api/v1/cases/X200001", NULL);
    char if_match[96];
    snprintf(if_match, sizeof if_match, "If-Match: \"%ld\"\r\n", etag_version(&g));
    th_resp_free(&g);
    th_resp r = call_h("PUT", "/api/v1/cases/X200001", if_match, b);
    if (r.status != 200) fail_msg("PUT: %d %.300s", r.status, r.body);
    json_t *put = body_json(&r);
    th_resp_free(&r);
    json_t *got = expect("GET", "/api/v1/cases/X200001", NULL, 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(got, "person"), "surname")), "Renamed");
    assert_true(json_equal(put, got));
    json_decref(put), json_decref(got), json_decref(b);
}

/* No lost updates: GET sends the case's version as a strong ETag; PUT must
 * send it back (428 without), a stale one is 412 naming the current
 * version, a matching one writes and moves the ETag on. Record writes may
 * send If-Match and need not: an append to a case that changed is no
 * conflict. */
static void test_if_match(void **state)
{
    (void)state;
    need_backend();
    create_example("X210001");
    json_t *b = example("X210001");
    th_resp g = call("GET", "/api/v1/cases/X210001", NULL);
    assert_int_equal(g.status, 200);
    long v1 = etag_version(&g);
    th_resp_free(&g);

    /* Without If-Match: 428, nothing written. */
    json_object_set_new(json_object_get(b, "person"), "surname", json_string("Without"));
    th_resp r = call_h("PUT", "/api/v1/cases/X210001", NULL, b);
    assert_int_equal(r.status, 428);
    char v[160];
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "application/problem+json");
    json_t *p = body_json(&r);
    assert_non_null(strstr(json_string_value(json_object_get(p, "detail")), "If-Match is required"));
    json_decref(p), th_resp_free(&r);

    /* Not an ETag: 400 naming the header. */
    r = call_h("PUT", "/api/v1/cases/X210001", "If-Match: 3\r\n", b);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "If-Match"));
    th_resp_free(&r);

    /* The current version: written, and the ETag moves on. */
    char cur[96], stale[96];
    snprintf(cur, sizeof cur, "If-Match: \"%ld\"\r\n", v1);
    json_object_set_new(json_object_get(b, "person"), "surname", json_string("First"));
    r = call_h("PUT", "/api/v1/cases/X210001", cur, b);
    if (r.status != 200) fail_msg("PUT with the current ETag: %d %.300s", r.status, r.body);
    long v2 = etag_version(&r);
    assert_true(v2 > v1);
    th_resp_free(&r);
    g = call("GET", "/api/v1/cases/X210001", NULL);
    assert_int_equal(etag_version(&g), v2);
    th_resp_free(&g);

    /* The same (now stale) ETag again: 412 naming the current version; the
     * case keeps the first writer's change. */
    json_object_set_new(json_object_get(b, "person"), "surname", json_string("Second"));
    r = call_h("PUT", "/api/v1/cases/X210001", cur, b);
    assert_int_equal(r.status, 412);
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "application/problem+json");
    assert_int_equal(etag_version(&r), v2);
    p = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(p, "type")), "urn:casekeeper:problem:stale");
    assert_int_equal(json_integer_value(json_object_get(p, "current_version")), v2);
    snprintf(stale, sizeof stale, "\"%ld\"", v2);
    assert_string_equal(json_string_value(json_object_get(p, "current_etag")), stale);
    assert_string_equal(json_string_value(json_object_get(p, "changed_by")), "test_api");
    assert_non_null(strstr(json_string_value(json_object_get(p, "detail")), stale));
    json_decref(p), th_resp_free(&r);
    json_t *got = expect("GET", "/api/v1/cases/X210001", NULL, 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(got, "person"), "surname")), "First");
    json_decref(got);

    /* A record appended without If-Match to the case that changed: written. */
    json_t *contact = json_loads("{\"id\":\"C70\",\"event\":\"E1\",\"date\":\"2025-10-20\",\"type\":\"COAP\","
                                 "\"national_standard\":true,\"appointment\":true,\"booked_on\":\"2025-10-03\"}",
                                 0, NULL);
    r = call_h("POST", "/api/v1/cases/X210001/contacts", NULL, contact);
    json_decref(contact);
    if (r.status != 201) fail_msg("append: %d %.300s", r.status, r.body);
    long v3 = etag_version(&r);
    assert_true(v3 > v2);
    th_resp_free(&r);
    /* ... with a stale If-Match: 412, not written; with the current one: written. */
    json_t *outcome = json_pack("{s:s, s:s}", "outcome", "ATTC", "outcome_on", "2025-10-20");
    r = call_h("PATCH", "/api/v1/cases/X210001/contacts/C70", cur, outcome);
    assert_int_equal(r.status, 412);
    assert_int_equal(etag_version(&r), v3);
    th_resp_free(&r);
    snprintf(cur, sizeof cur, "If-Match: \"%ld\"\r\n", v3);
    r = call_h("PATCH", "/api/v1/cases/X210001/contacts/C70", cur, outcome);
    if (r.status != 200) fail_msg("PATCH with the current ETag: %d %.300s", r.status, r.body);
    assert_true(etag_version(&r) > v3);
    th_resp_free(&r);
    json_decref(outcome), json_decref(b);
}

/* ---- Many writers at once ----------------------------------------------------------- */

#define CW_CRN "X220001"
#define CW_APPENDERS 3
#define CW_APPENDS 12
#define CW_RENAMES 6

typedef struct cw_worker {
    int id;
    int acked;      /* appends answered 201, or renames answered 200 */
    int stale;      /* renames answered 412 (then retried) */
    int other;      /* any other answer: a failure */
    char first_other[200];
} cw_worker;

static void cw_other(cw_worker *w, const char *what, const th_resp *r)
{
    if (!w->other++) snprintf(w->first_other, sizeof w->first_other, "%s: %d %.120s", what, r->status, r->body);
}

/* Appends contacts with no If-Match. */
static void *cw_append(void *arg)
{
    cw_worker *w = arg;
    for (int i = 0; i < CW_APPENDS; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"id\":\"W%d-%d\",\"event\":\"E1\",\"date\":\"2025-10-%02d\",\"type\":\"COAP\","
                 "\"national_standard\":true,\"appointment\":false}",
                 w->id, i, 6 + i);
        th_conn c;
        th_resp r = {0};
        bool ok = th_connect(&c, B->port) && th_send(&c, "POST", "/api/v1/cases/" CW_CRN "/contacts", NULL, NULL, body) &&
                  th_recv(&c, &r);
        th_close(&c);
        if (ok && r.status == 201) w->acked++;
        else cw_other(w, "append", &r);
        th_resp_free(&r);
    }
    return NULL;
}

/* Renames the person with whole-case PUTs: GET, change, PUT with If-Match,
 * again from the GET on 412. */
static void *cw_rename(void *arg)
{
    cw_worker *w = arg;
    for (int i = 0; i < CW_RENAMES && w->other == 0;) {
        th_conn c;
        th_resp g = {0}, r = {0};
        bool ok = th_connect(&c, B->port) && th_send(&c, "GET", "/api/v1/cases/" CW_CRN, NULL, NULL, NULL) &&
                  th_recv(&c, &g);
        char etag[64], extra[96];
        json_t *j = ok && g.status == 200 ? json_loads(g.body, 0, NULL) : NULL;
        if (!j || !th_header(&g, "ETag", etag, sizeof etag)) {
            cw_other(w, "get", &g);
            th_close(&c), th_resp_free(&g), json_decref(j);
            break;
        }
        char name[32];
        snprintf(name, sizeof name, "Renamed%d", i);
        json_object_set_new(json_object_get(j, "person"), "surname", json_string(name));
        char *text = json_dumps(j, JSON_COMPACT);
        snprintf(extra, sizeof extra, "If-Match: %s\r\n", etag);
        ok = th_send(&c, "PUT", "/api/v1/cases/" CW_CRN, extra, NULL, text) && th_recv(&c, &r);
        if (ok && r.status == 200) w->acked++, i++;
        else if (ok && r.status == 412) w->stale++;
        else cw_other(w, "put", &r);
        free(text), json_decref(j);
        th_close(&c), th_resp_free(&g), th_resp_free(&r);
    }
    return NULL;
}

/* Appenders and whole-case writers on one case at once, over a real server:
 * no 5xx, no acknowledged append lost to a PUT made from an older read. */
static void test_concurrent_writes(void **state)
{
    (void)state;
    need_backend();
    json_t *b = example(CW_CRN);
    json_object_set_new(b, "victims", json_array()); /* the system principal reads them redacted */
    create(b);
    size_t before = json_array_size(json_object_get(b, "contacts"));
    json_decref(b);
    pthread_t t[CW_APPENDERS + 2];
    cw_worker w[CW_APPENDERS + 2];
    for (int i = 0; i < CW_APPENDERS + 2; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].id = i;
        assert_int_equal(pthread_create(&t[i], NULL, i < CW_APPENDERS ? cw_append : cw_rename, &w[i]), 0);
    }
    for (int i = 0; i < CW_APPENDERS + 2; i++) pthread_join(t[i], NULL);
    int appended = 0;
    for (int i = 0; i < CW_APPENDERS + 2; i++) {
        if (w[i].other) fail_msg("worker %d: %d unexpected answers, first %s", i, w[i].other, w[i].first_other);
        if (i < CW_APPENDERS) appended += w[i].acked;
        else assert_int_equal(w[i].acked, CW_RENAMES);
    }
    assert_int_equal(appended, CW_APPENDERS * CW_APPENDS);
    json_t *got = expect("GET", "/api/v1/cases/" CW_CRN, NULL, 200);
    json_t *contacts = json_object_get(got, "contacts");
    assert_int_equal(json_array_size(contacts), before + (size_t)appended);
    for (int i = 0; i < CW_APPENDERS; i++)
        for (int k = 0; k < CW_APPENDS; k++) {
            char id[32];
            snprintf(id, sizeof id, "W%d-%d", i, k);
            bool found = false;
            size_t x;
            json_t *ct;
            json_array_foreach(contacts, x, ct) found = found || ck_streq(json_string_value(json_object_get(ct, "id")), id);
            if (!found) fail_msg("acknowledged contact %s is missing", id);
        }
    const char *surname = json_string_value(json_object_get(json_object_get(got, "person"), "surname"));
    assert_non_null(strstr(surname, "Renamed"));
    json_decref(got);
}

static void test_not_found_and_methods(void **state)
{
    (void)state;
    need_backend();
    json_t *p = expect("GET", "/api/v1/cases/NOSUCH1", NULL, 404);
    assert_string_equal(json_string_value(json_object_get(p, "title")), "Not Found");
    json_decref(p);
    json_decref(record_post("NOSUCH1", "contacts",
                            "{\"id\":\"C9\",\"event\":\"E1\",\"date\":\"2025-10-01\",\"type\":\"COAP\"}", 404));
    json_decref(expect("GET", "/api/v1/cases/NOSUCH1/obligations", NULL, 404));
    json_decref(expect("GET", "/api/v1/nothing", NULL, 404));
    th_resp r = call("DELETE", "/api/v1/cases/X123456", NULL);
    char v[64];
    assert_int_equal(r.status, 405);
    assert_string_equal(th_header(&r, "Allow", v, sizeof v), "GET, HEAD, PUT");
    th_resp_free(&r);
}

static void test_failed_appointment_creates_enforce(void **state)
{
    (void)state;
    need_backend();
    create_example("X300001");
    json_t *c = record_post("X300001", "contacts",
                            "{\"id\":\"C4\",\"event\":\"E1\",\"date\":\"2025-10-20\",\"type\":\"COAP\","
                            "\"national_standard\":true,\"appointment\":true,\"booked_on\":\"2025-10-03\"}",
                            201);
    assert_string_equal(json_string_value(json_object_get(c, "id")), "C4");
    assert_true(json_is_null(json_object_get(c, "outcome")));
    json_decref(c);
    assert_status("X300001", "ENFORCE", "contact:C4", NULL);
    assert_status("X300001", "OUTCOME", "contact:C4", "overdue");

    json_t *outcome = json_pack("{s:s, s:s}", "outcome", "UAAB", "outcome_on", "2025-10-20");
    json_t *patched = expect("PATCH", "/api/v1/cases/X300001/contacts/C4", outcome, 200);
    assert_string_equal(json_string_value(json_object_get(patched, "outcome")), "UAAB");
    assert_string_equal(json_string_value(json_object_get(patched, "type")), "COAP"); /* kept */
    json_decref(patched), json_decref(outcome);
    /* Failure on 2025-10-20: enforcement due 10 working days later, 2025-11-03. */
    assert_status("X300001", "ENFORCE", "contact:C4", "open");
    assert_status("X300001", "OUTCOME", "contact:C4", "met");

    json_decref(record_post("X300001", "enforcement",
                            "{\"id\":\"EN2\",\"event\":\"E1\",\"contact\":\"C4\",\"date\":\"2025-10-22\","
                            "\"action\":\"second_warning\"}",
                            201));
    assert_status("X300001", "ENFORCE", "contact:C4", "met");

    /* PATCH refusals: a bad value names its key; ids are fixed; unknown records are 404. */
    json_t *bad = json_pack("{s:s}", "outcome", "XXXX");
    expect_invalid("PATCH", "/api/v1/cases/X300001/contacts/C4", bad, "outcome");
    json_decref(bad);
    bad = json_pack("{s:s}", "id", "C5");
    expect_invalid("PATCH", "/api/v1/cases/X300001/contacts/C4", bad, "id");
    json_decref(expect("PATCH", "/api/v1/cases/X300001/contacts/C99", bad, 404));
    json_decref(bad);
}

static void test_check_received(void **state)
{
    (void)state;
    need_backend();
    create_example("X300002");
    char *before = obligation_status("X300002", "CHILD_CHECK", "report:R1");
    assert_non_null(before);
    assert_string_not_equal(before, "met");
    free(before);
    json_t *recv = json_pack("{s:s, s:b}", "received", "2024-12-05", "relevant_information", 0);
    json_t *k = expect("PATCH", "/api/v1/cases/X300002/checks/K2", recv, 200);
    assert_string_equal(json_string_value(json_object_get(k, "received")), "2024-12-05");
    assert_string_equal(json_string_value(json_object_get(k, "kind")), "childrens_services");
    json_decref(k), json_decref(recv);
    assert_status("X300002", "CHILD_CHECK", "report:R1", "met");
}

static void test_registration_review(void **state)
{
    (void)state;
    need_backend();
    create_example("X300003");
    json_t *g = record_post("X300003", "registrations/G1/reviews", "{\"date\":\"2025-07-01\",\"next_review\":\"2025-10-01\"}",
                            201);
    assert_string_equal(json_string_value(json_object_get(g, "next_review")), "2025-10-01");
    json_t *reviews = json_object_get(g, "reviews");
    assert_int_equal(json_array_size(reviews), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(reviews, 1), "date")), "2025-07-01");
    json_decref(g);
    json_t *c = expect("GET", "/api/v1/cases/X300003", NULL, 200);
    json_t *stored = json_array_get(json_object_get(c, "registrations"), 0);
    assert_string_equal(json_string_value(json_object_get(stored, "next_review")), "2025-10-01");
    assert_int_equal(json_array_size(json_object_get(stored, "reviews")), 2);
    json_decref(c);

    json_t *body = json_pack("{s:s}", "date", "2025-08-01");
    expect_invalid("POST", "/api/v1/cases/X300003/registrations/G1/reviews", body, "next_review");
    json_object_set_new(body, "next_review", json_string("2025-08-01"));
    expect_invalid("POST", "/api/v1/cases/X300003/registrations/G1/reviews", body, "next_review");
    json_object_set_new(body, "next_review", json_string("2025-11-01"));
    json_object_set_new(body, "date", json_string("2025-13-01"));
    expect_invalid("POST", "/api/v1/cases/X300003/registrations/G1/reviews", body, "date");
    json_object_set_new(body, "date", json_string("2025-08-01"));
    json_decref(expect("POST", "/api/v1/cases/X300003/registrations/G9/reviews", body, 404));
    json_decref(body);
}

static void test_victim_added_and_redacted(void **state)
{
    (void)state;
    need_backend();
    create_example("X300004");
    json_t *v = record_post("X300004", "victims",
                            "{\"id\":\"V2\",\"event\":\"E1\",\"referred\":\"2025-02-03\",\"scheme\":\"statutory\","
                            "\"name\":\"Jo Private\",\"phone\":\"07700 900123\",\"notes\":\"call after 5\"}",
                            201);
    assert_string_equal(json_string_value(json_object_get(v, "id")), "V2");
    assert_true(json_is_null(json_object_get(v, "name")));
    assert_true(json_is_null(json_object_get(v, "phone")));
    json_decref(v);
    th_resp r = call("GET", "/api/v1/cases/X300004", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"V2\""));
    assert_null(strstr(r.body, "Jo Private"));
    assert_null(strstr(r.body, "07700"));
    th_resp_free(&r);
    /* The victim's referral starts the first-contact clock. */
    assert_status("X300004", "VCS_FIRST_CONTACT", "victim:V2", "overdue");
}

/* The person on probation's own details (docs/formats.md, an extension) go
 * in and come out of the case API whole, and a change of circumstances
 * posted with a household keeps it. Victims' details stay withheld. */
static void test_person_details(void **state)
{
    (void)state;
    need_backend();
    json_error_t je;
    json_t *bundle = json_load_file("tests/data/bundle_person.json", 0, &je);
    if (!bundle) fail_msg("%s", je.text);
    json_object_set_new(bundle, "crn", json_string("X300077"));
    create(bundle);
    json_t *want = redacted(bundle), *got = expect("GET", "/api/v1/cases/X300077", NULL, 200);
    if (!json_equal(got, want)) fail_msg("GET differs from the bundle posted: %s", json_dumps(got, JSON_COMPACT));
    json_decref(got);
    json_t *ch = record_post("X300077", "changes",
                             "{\"id\":\"CH9\",\"date\":\"2025-10-30\",\"kind\":\"address\",\"lives_alone\":true}", 201);
    assert_true(json_is_true(json_object_get(ch, "lives_alone")));
    json_decref(ch);
    json_t *bad = record_post("X300077", "changes",
                              "{\"id\":\"CH10\",\"date\":\"2025-10-30\",\"kind\":\"household\",\"household\":"
                              "[{\"name\":\"Jo\",\"relationship\":\"girlfriend\"}]}",
                              400);
    const char *path = json_string_value(json_object_get(json_array_get(json_object_get(bad, "errors"), 0), "path"));
    assert_non_null(path);
    assert_string_equal(path, "household[0].relationship");
    json_decref(bad), json_decref(want), json_decref(bundle);
}

/* The rendered-case cache answers a second read of an unchanged case, and
 * never after a write: each write bumps the version the entry is keyed by. */
static void test_case_cache_follows_writes(void **state)
{
    (void)state;
    need_backend();
    create_example("X300009");
    uint64_t hits0, hits1, misses;
    th_resp a = call("GET", "/api/v1/cases/X300009", NULL);
    assert_int_equal(a.status, 200);
    ck_case_cache_counts(B->app.case_cache, &hits0, &misses);
    th_resp b = call("GET", "/api/v1/cases/X300009", NULL);
    assert_int_equal(b.status, 200);
    ck_case_cache_counts(B->app.case_cache, &hits1, &misses);
    assert_int_equal(hits1, hits0 + 1);
    assert_string_equal(a.body, b.body);
    assert_int_equal(etag_version(&a), etag_version(&b));
    assert_string_equal(th_header(&b, "Content-Type", (char[64]){0}, 64), "application/json");
    /* An appended contact: the next read shows it, under a new ETag. */
    json_decref(record_post("X300009", "contacts",
                            "{\"id\":\"C77\",\"event\":\"E1\",\"date\":\"2025-10-21\",\"type\":\"COAP\"}", 201));
    th_resp c = call("GET", "/api/v1/cases/X300009", NULL);
    assert_int_equal(c.status, 200);
    assert_non_null(strstr(c.body, "\"C77\""));
    assert_null(strstr(a.body, "\"C77\""));
    assert_true(etag_version(&c) > etag_version(&a));
    /* A replace through PUT: the next read is the replaced case. */
    json_t *changed = body_json(&c);
    json_object_set_new(json_object_get(changed, "person"), "gender", json_string("X"));
    char if_match[64];
    snprintf(if_match, sizeof if_match, "If-Match: \"%ld\"\r\n", etag_version(&c));
    th_resp put = call_h("PUT", "/api/v1/cases/X300009", if_match, changed);
    assert_int_equal(put.status, 200);
    th_resp d = call("GET", "/api/v1/cases/X300009", NULL);
    json_t *dj = body_json(&d);
    assert_string_equal(json_string_value(json_object_get(json_object_get(dj, "person"), "gender")), "X");
    assert_true(etag_version(&d) > etag_version(&c));
    json_decref(dj);
    json_decref(changed);
    th_resp_free(&a);
    th_resp_free(&b);
    th_resp_free(&c);
    th_resp_free(&put);
    th_resp_free(&d);
}

static void test_other_sub_resources(void **state)
{
    (void)state;
    need_backend();
    create_example("X300005");
    const struct {
        const char *list, *json;
    } adds[] = {
        {"registrations", "{\"id\":\"G2\",\"type\":\"RCCO\",\"date\":\"2025-10-01\"}"},
        {"registration_decisions", "{\"id\":\"RD2\",\"type\":\"NOTMAPPA\",\"date\":\"2025-10-02\",\"reason\":\"x\"}"},
        {"checks", "{\"id\":\"K3\",\"kind\":\"police_da\",\"requested\":\"2025-10-01\"}"},
        {"assessments", "{\"id\":\"AS4\",\"kind\":\"rosh\",\"completed\":\"2025-10-10\",\"level\":\"medium\"}"},
        {"changes", "{\"id\":\"CH2\",\"date\":\"2025-10-05\",\"kind\":\"address\",\"note\":\"moved\"}"},
        {"decisions", "{\"id\":\"D2\",\"rule\":\"DA_FLAG_DECISION\",\"subject\":\"check:K1\",\"date\":\"2025-10-06\","
                      "\"reason\":\"reviewed\"}"},
        {"breaches", "{\"id\":\"B1\",\"event\":\"E1\",\"initiated\":\"2025-10-07\"}"},
        {"recalls", "{\"id\":\"RC1\",\"event\":\"E1\",\"date\":\"2025-10-08\"}"},
        {"allocations", "{\"id\":\"AL2\",\"from\":\"2025-10-09\",\"staff_code\":\"N07P002\",\"grade\":\"PO\"}"},
    };
    for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++) {
        json_t *want = json_loads(adds[i].json, 0, NULL), *got = record_post("X300005", adds[i].list, adds[i].json, 201);
        const char *k;
        json_t *val;
        json_object_foreach(want, k, val)
            if (!json_equal(json_object_get(got, k), val)) fail_msg("%s: %s differs in the 201 body", adds[i].list, k);
        json_decref(want), json_decref(got);
    }
    json_t *c = expect("GET", "/api/v1/cases/X300005", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(c, "breaches")), 1);
    assert_int_equal(json_array_size(json_object_get(c, "recalls")), 1);
    assert_int_equal(json_array_size(json_object_get(c, "allocations")), 2);
    assert_int_equal(json_array_size(json_object_get(c, "changes")), 2);
    json_decref(c);
    /* The recall (2025-10-08) is a significant change; the RoSH assessment added
     * after it (2025-10-10) meets it, and the new RCCO registration is one too. */
    assert_status("X300005", "ROSH_CHANGE", "recall:RC1", "met");
    assert_status("X300005", "ROSH_CHANGE", "registration:G2", "met");
    assert_status("X300005", "BREACH_PACK", "breach:B1", NULL); /* a licence, not a CO/SSO */

    /* A record that breaks the format names its key; a taken id is a conflict. */
    json_t *p = record_post("X300005", "assessments",
                            "{\"id\":\"AS5\",\"kind\":\"rosh\",\"completed\":\"2025-10-10\",\"level\":\"extreme\"}", 400);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(p, "errors"), 0), "path")),
                        "level");
    json_decref(p);
    json_decref(record_post("X300005", "breaches", "{\"id\":\"B1\",\"event\":\"E1\",\"initiated\":\"2025-10-09\"}", 409));
    /* v3: a recall outside the licence as sentenced (2025-09-05..2026-07-05) is
     * refused with the licence dates, and nothing is written. */
    json_t *outside = record_post("X300005", "recalls", "{\"id\":\"RC3\",\"event\":\"E1\",\"date\":\"2026-07-06\"}", 400);
    assert_non_null(strstr(json_string_value(json_object_get(outside, "detail")), "2025-09-05..2026-07-05"));
    json_decref(outside);
    c = expect("GET", "/api/v1/cases/X300005", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(c, "recalls")), 1);
    json_decref(c);
    json_t *bad_ref = record_post("X300005", "recalls", "{\"id\":\"RC2\",\"event\":\"E7\",\"date\":\"2025-10-08\"}", 400);
    assert_non_null(strstr(json_string_value(json_object_get(bad_ref, "detail")), "event"));
    json_decref(bad_ref);
}

static json_t *with_person(const char *crn, const char *surname, const char *staff)
{
    json_t *b = example(crn);
    json_object_set_new(json_object_get(b, "person"), "surname", json_string(surname));
    json_object_set_new(json_array_get(json_object_get(b, "allocations"), 0), "staff_code", json_string(staff));
    return b;
}

static size_t set_size(json_t *page) { return json_array_size(json_object_get(page, "items")); }

static void test_search(void **state)
{
    (void)state;
    need_backend();
    const char *people[][2] = {{"X400001", "Quixley"}, {"X400002", "Quixleyson"}, {"X400003", "Zebedee"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *b = with_person(people[i][0], people[i][1], "N07P001");
        create(b);
        json_decref(b);
    }
    json_t *all = expect("GET", "/api/v1/cases?q=quixley", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(all, "total")), 2);
    assert_int_equal(set_size(all), 2);
    assert_int_equal(json_integer_value(json_object_get(all, "limit")), CK_API_SEARCH_LIMIT);
    assert_int_equal(json_integer_value(json_object_get(all, "offset")), 0);
    json_t *first = json_array_get(json_object_get(all, "items"), 0);
    assert_non_null(json_string_value(json_object_get(first, "crn")));
    assert_string_equal(json_string_value(json_object_get(first, "forename")), "Sam");
    assert_string_equal(json_string_value(json_object_get(first, "date_of_birth")), "1988-02-29");

    json_t *p1 = expect("GET", "/api/v1/cases?q=quixley&limit=1", NULL, 200);
    json_t *p2 = expect("GET", "/api/v1/cases?q=quixley&limit=1&offset=1", NULL, 200);
    assert_int_equal(set_size(p1), 1);
    assert_int_equal(set_size(p2), 1);
    assert_int_equal(json_integer_value(json_object_get(p2, "total")), 2);
    const char *a = json_string_value(json_object_get(json_array_get(json_object_get(p1, "items"), 0), "crn"));
    const char *b = json_string_value(json_object_get(json_array_get(json_object_get(p2, "items"), 0), "crn"));
    assert_string_not_equal(a, b);
    assert_true((strcmp(a, "X400001") == 0 || strcmp(a, "X400002") == 0) &&
                (strcmp(b, "X400001") == 0 || strcmp(b, "X400002") == 0));

    json_t *by_crn = expect("GET", "/api/v1/cases?q=X40000", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(by_crn, "total")), 3);
    json_t *none = expect("GET", "/api/v1/cases?q=nobodyatall", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(none, "total")), 0);
    assert_int_equal(set_size(none), 0);
    json_decref(all), json_decref(p1), json_decref(p2), json_decref(by_crn), json_decref(none);

    expect_invalid("GET", "/api/v1/cases?q=a&limit=0", NULL, "limit");
    expect_invalid("GET", "/api/v1/cases?q=a&limit=101", NULL, "limit");
    expect_invalid("GET", "/api/v1/cases?q=a&offset=-1", NULL, "offset");
    expect_invalid("GET", "/api/v1/cases?q=a&limit=ten", NULL, "limit");
}

static int status_rank(const char *s)
{
    const char *order[] = {"overdue", "open", "met_late", "met"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, order[i]) == 0) return i;
    fail_msg("unknown status %s", s);
    return -1;
}

static int severity_rank(const char *s)
{
    const char *order[] = {"critical", "high", "normal"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, order[i]) == 0) return i;
    fail_msg("unknown severity %s", s);
    return -1;
}

static const char *sget(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The rulebook's worklist order: status, severity, due date, then rule and subject. */
static int item_cmp(json_t *a, json_t *b)
{
    int d = status_rank(sget(a, "status")) - status_rank(sget(b, "status"));
    if (!d) d = severity_rank(sget(a, "severity")) - severity_rank(sget(b, "severity"));
    if (!d) d = strcmp(sget(a, "due"), sget(b, "due"));
    if (!d) d = strcmp(sget(a, "rule"), sget(b, "rule"));
    if (!d) d = strcmp(sget(a, "subject"), sget(b, "subject"));
    return d;
}

static void test_worklist(void **state)
{
    (void)state;
    need_backend();
    json_t *b1 = with_person("X500001", "Worklist", "N07P900"), *b2 = with_person("X500002", "Worklist", "N07P900");
    create(b1), create(b2);
    json_decref(b1), json_decref(b2);

    json_t *all = expect("GET", "/api/v1/worklist?staff=N07P900&as_of=" AS_OF "&limit=500", NULL, 200);
    json_t *items = json_object_get(all, "items"), *it;
    size_t n = json_array_size(items), i;
    assert_true(n >= 4);
    assert_int_equal(json_integer_value(json_object_get(all, "total")), n);
    bool seen[2] = {false, false};
    json_array_foreach(items, i, it) {
        const char *st = sget(it, "status"), *crn = sget(it, "crn");
        assert_true(strcmp(st, "overdue") == 0 || strcmp(st, "open") == 0);
        assert_string_equal(sget(it, "staff_code"), "N07P900");
        assert_string_equal(sget(it, "surname"), "Worklist");
        seen[strcmp(crn, "X500002") == 0] = true;
        if (i) assert_true(item_cmp(json_array_get(items, i - 1), it) <= 0);
    }
    assert_true(seen[0] && seen[1]);

    /* Pages of 3 put together are the whole list, in order. */
    size_t got = 0;
    for (size_t off = 0; off < n; off += 3) {
        char url[160];
        snprintf(url, sizeof url, "/api/v1/worklist?staff=N07P900&as_of=" AS_OF "&limit=3&offset=%zu", off);
        json_t *page = expect("GET", url, NULL, 200), *pit;
        assert_int_equal(json_integer_value(json_object_get(page, "total")), n);
        assert_int_equal(json_integer_value(json_object_get(page, "offset")), off);
        json_array_foreach(json_object_get(page, "items"), i, pit) {
            assert_true(json_equal(pit, json_array_get(items, got)));
            got++;
        }
        json_decref(page);
    }
    assert_int_equal(got, n);

    json_t *overdue = expect("GET", "/api/v1/worklist?staff=N07P900&as_of=" AS_OF "&status=overdue", NULL, 200);
    json_array_foreach(json_object_get(overdue, "items"), i, it) assert_string_equal(sget(it, "status"), "overdue");
    assert_true(json_integer_value(json_object_get(overdue, "total")) > 0);
    assert_true((size_t)json_integer_value(json_object_get(overdue, "total")) < n);
    json_t *nobody = expect("GET", "/api/v1/worklist?staff=N07P999", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(nobody, "total")), 0);
    json_decref(all), json_decref(overdue), json_decref(nobody);

    expect_invalid("GET", "/api/v1/worklist", NULL, "staff");
    expect_invalid("GET", "/api/v1/worklist?staff=N07P900&team=T1", NULL, "staff");
    expect_invalid("GET", "/api/v1/worklist?staff=N07P900&status=late", NULL, "status");
    expect_invalid("GET", "/api/v1/worklist?staff=N07P900&as_of=03/11/2025", NULL, "as_of");
    expect_invalid("GET", "/api/v1/worklist?staff=N07P900&limit=501", NULL, "limit");
}

/* ---- The worklist page cache ------------------------------------------------------ */

/* Another server on the same database: with a page cache of its own (a
 * second server behind nginx) or with none (what every cached page must
 * equal). */
typedef struct other_server {
    ck_http_server *srv;
    uint16_t port;
    ck_app app;
} other_server;

static void other_start(other_server *o, bool cached)
{
    char err[256];
    memset(o, 0, sizeof *o);
    o->app.engine = ck_engine_default();
    o->app.today = pinned_today;
    if (cached) o->app.wl_cache = ck_wl_cache_new(64, 1 << 20);
    /* Port 0 always: the suite's own server takes CK_TEST_SERVER_PORT (the
     * openapi suite's proxy forwards there), and these are asked directly. */
    ck_http_config cfg = {.port = 0, .threads = 2, .routes = ck_api_routes, .db_url = B->url,
                          .app = &o->app, .authorize = as_system};
    o->srv = ck_http_start(&cfg, err, sizeof err);
    if (!o->srv) fail_msg("second server: %s", err);
    o->port = ck_http_port(o->srv);
}

static void other_stop(other_server *o)
{
    ck_http_stop(o->srv);
    ck_wl_cache_free(o->app.wl_cache);
}

/* The body of a 200 to GET path on port (extra: header lines or NULL). */
static char *wl_get(uint16_t port, const char *path, const char *extra)
{
    th_conn c;
    th_resp r = {0};
    bool ok = th_connect(&c, port) && th_send(&c, "GET", path, extra, NULL, NULL) && th_recv(&c, &r);
    th_close(&c);
    if (!ok || r.status != 200) fail_msg("GET %s on port %u: status %d: %.300s", path, port, r.status, r.body);
    char *body = strdup(r.body);
    th_resp_free(&r);
    return body;
}

static uint64_t wl_hits(void) { return ck_counter_get(&ck_wl_cache_stats.hits); }

/* The page from the suite's server and from the second cached one, each
 * equal to the uncached server's; returns that (caller frees). */
static char *wl_coherent(const other_server *second, const other_server *plain, const char *path, const char *extra,
                         const char *what)
{
    char *want = wl_get(plain->port, path, extra), *a = wl_get(B->port, path, extra),
         *b = wl_get(second->port, path, extra);
    if (strcmp(a, want) != 0) fail_msg("%s, %s: the cached page differs from an uncached read:\n%s\n%s", what, path, a, want);
    if (strcmp(b, want) != 0) fail_msg("%s, %s: the second server's page differs from an uncached read:\n%s\n%s", what, path, b,
                 want);
    free(a), free(b);
    return want;
}

/* Fills both caches with path's page, checks a repeat read is a hit, runs
 * write, and checks both servers then answer what an uncached read does,
 * and (changes) that the write did change the page. */
static void wl_across(const other_server *second, const other_server *plain, const char *path, const char *extra,
                      const char *what, void (*write)(void), bool changes)
{
    char *before = wl_coherent(second, plain, path, extra, what);
    uint64_t h = wl_hits();
    free(wl_get(B->port, path, extra));
    free(wl_get(second->port, path, extra));
    if (wl_hits() != h + 2) fail_msg("%s: a repeat read of %s was not a hit on both servers", what, path);
    write();
    h = wl_hits();
    char *after = wl_coherent(second, plain, path, extra, what);
    if (changes && strcmp(before, after) == 0) fail_msg("%s: the write did not change %s (the test proves nothing)", what, path);
    if (wl_hits() != h) fail_msg("%s: a page read before the write was served after it", what);
    free(before), free(after);
}

#define WL_PAGE "/api/v1/worklist?staff=N07P931&as_of=" AS_OF "&limit=500"
#define WL_PDU_PAGE "/api/v1/worklist?staff=N07P932&as_of=" AS_OF "&limit=500"

static void wl_db_exec(const char *sql)
{
    char err[256];
    ck_db *db = ck_db_open(B->url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    if (ck_db_exec(db, sql) != CK_DB_OK) fail_msg("%s: %s", sql, ck_db_errmsg(db));
    ck_db_close(db);
}

static void wl_rename(void)
{
    th_resp g = call("GET", "/api/v1/cases/X690001", NULL);
    json_t *j = body_json(&g);
    char extra[96];
    snprintf(extra, sizeof extra, "If-Match: \"%ld\"\r\n", etag_version(&g));
    json_object_set_new(json_object_get(j, "person"), "surname", json_string("Renamedcache"));
    th_resp r = call_h("PUT", "/api/v1/cases/X690001", extra, j);
    if (r.status != 200) fail_msg("PUT: %d %.300s", r.status, r.body);
    th_resp_free(&g), th_resp_free(&r), json_decref(j);
}

/* A rename that writes no obligation row (a case write through the API
 * rewrites the case's obligations too, so their triggers bump the pages
 * anyway): only the trigger on "cases" can tell the cache. */
static void wl_rename_sql(void)
{
    wl_db_exec("UPDATE \"cases\" SET \"person_forename\" = 'Sqlrenamed' WHERE \"crn\" = 'X690001'");
}

static void wl_recompute(void)
{
    char *argv[] = {"recompute", "--db", B->url, "--as-of", "2026-09-01", "--all", NULL};
    if (ck_cmd_recompute(6, argv) != 0) fail_msg("recompute failed");
}

static void wl_reallocate(void)
{
    json_decref(record_post("X690002", "allocations",
                            "{\"id\":\"AL9\",\"from\":\"" AS_OF "\",\"staff_code\":\"N07P932\",\"grade\":\"PO\"}", 201));
}

static void wl_exclude(void)
{
    char err[256];
    ck_db *db = ck_db_open(B->url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    ck_principal sys;
    ck_principal_system(&sys, "test_api");
    if (ck_lao_add(db, &sys, "X690001", CK_LAO_EXCLUSION, "wlqa", NULL, err, sizeof err) != CK_OK) fail_msg("%s", err);
    ck_db_close(db);
}

static void wl_org(void)
{
    wl_db_exec("INSERT INTO \"regions\" (\"code\", \"name\") VALUES ('RWL', 'Cache'); "
               "INSERT INTO \"pdus\" (\"code\", \"region\", \"name\") VALUES ('PWL', 'RWL', 'Cache')");
}

static char wl_import_file[128];
static void wl_import(void)
{
    char *argv[] = {"import", "--db", B->url, "--as-of", AS_OF, "--quiet", wl_import_file, NULL};
    if (ck_cmd_import(7, argv) != 0) fail_msg("import failed");
}

static void test_worklist_cache(void **state)
{
    (void)state;
    need_backend();
    char err[256];
    ck_db *db = ck_db_open(B->url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    ck_principal sys;
    ck_principal_system(&sys, "test_api");
    if (ck_user_add(db, &sys, "wlqa", CK_ROLE_QA, NULL, NULL, 0, &wl_reader_id, err, sizeof err) != CK_OK)
        fail_msg("%s", err);
    ck_db_close(db);
    json_t *b1 = with_person("X690001", "Cacheone", "N07P931"), *b2 = with_person("X690002", "Cachetwo", "N07P931");
    create(b1), create(b2);
    json_decref(b1), json_decref(b2);
    other_server second, plain;
    other_start(&second, true);
    other_start(&plain, false);

    /* Each kind of write that changes a page, made through the suite's
     * server or beside both: the next page of either cached server is an
     * uncached read's. */
    wl_across(&second, &plain, WL_PAGE, NULL, "a case write", wl_rename, true);
    wl_across(&second, &plain, WL_PAGE, NULL, "a rename by SQL", wl_rename_sql, true);
    wl_across(&second, &plain, WL_PAGE, NULL, "a recompute", wl_recompute, true);
    wl_across(&second, &plain, WL_PDU_PAGE, NULL, "a reallocation (the new holder)", wl_reallocate, true);
    wl_across(&second, &plain, WL_PAGE, "X-Test-As: wlqa\r\n", "limited access", wl_exclude, true);
    /* The organisation moves the auth epoch on: a miss, whatever the page. */
    wl_across(&second, &plain, WL_PAGE, NULL, "an organisation change", wl_org, false);
    json_t *b3 = with_person("X690003", "Cachethree", "N07P931");
    snprintf(wl_import_file, sizeof wl_import_file, "%s/wl-import.json",
             B->dir[0] ? B->dir : "/tmp");
    if (json_dump_file(b3, wl_import_file, 0) != 0) fail_msg("cannot write %s", wl_import_file);
    json_decref(b3);
    wl_across(&second, &plain, WL_PAGE, NULL, "an import", wl_import, true);
    if (!B->dir[0]) remove(wl_import_file);

    /* The excluded reader's page lacks the case; the system's holds it. */
    char *qa = wl_get(B->port, WL_PAGE, "X-Test-As: wlqa\r\n"), *all = wl_get(B->port, WL_PAGE, NULL);
    assert_null(strstr(qa, "X690001"));
    assert_non_null(strstr(all, "X690001"));
    free(qa), free(all);
    /* Hits and misses are on /metrics. */
    ck_buf m = CK_BUF_INIT;
    ck_metrics_render(&m, B->srv, NULL);
    char line[96];
    snprintf(line, sizeof line, "casekeeper_worklist_cache_lookups_total{result=\"hit\"} %llu\n",
             (unsigned long long)wl_hits());
    if (!strstr(ck_buf_cstr(&m), line)) fail_msg("/metrics lacks \"%s\"", line);
    ck_buf_free(&m);
    other_stop(&second);
    other_stop(&plain);
}

static void test_obligations_query(void **state)
{
    (void)state;
    need_backend();
    create_example("X600001");
    json_t *open = expect("GET", "/api/v1/cases/X600001/obligations?as_of=" AS_OF, NULL, 200);
    json_t *all = expect("GET", "/api/v1/cases/X600001/obligations?as_of=" AS_OF "&all=true", NULL, 200), *o;
    size_t i;
    assert_string_equal(sget(open, "crn"), "X600001");
    assert_string_equal(sget(open, "as_of"), AS_OF);
    assert_true(json_is_array(json_object_get(open, "failures_to_comply")));
    json_array_foreach(json_object_get(open, "obligations"), i, o)
        assert_true(strcmp(sget(o, "status"), "open") == 0 || strcmp(sget(o, "status"), "overdue") == 0);
    assert_true(json_array_size(json_object_get(all, "obligations")) > json_array_size(json_object_get(open, "obligations")));
    /* Without as_of: the server's today (pinned here). */
    json_t *today = expect("GET", "/api/v1/cases/X600001/obligations", NULL, 200);
    assert_true(json_equal(today, open));
    json_decref(open), json_decref(all), json_decref(today);
    expect_invalid("GET", "/api/v1/cases/X600001/obligations?as_of=2025-02-30", NULL, "as_of");
    expect_invalid("GET", "/api/v1/cases/X600001/obligations?all=maybe", NULL, "all");
}

static void test_daily_recompute(void **state)
{
    (void)state;
    need_backend();
    char err[256];
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    /* Whatever ran before, after one settled run the stored date is today... */
    ck_api_daily *d = ck_api_daily_start(B->url, &app, err, sizeof err);
    if (!d) fail_msg("ck_api_daily_start: %s", err);
    ck_api_daily_settle(d);
    ck_api_daily_stop(d);
    /* ...so a restart the same day recomputes nothing, */
    d = ck_api_daily_start(B->url, &app, err, sizeof err);
    assert_non_null(d);
    assert_int_equal(ck_api_daily_settle(d), 0);
    ck_api_daily_stop(d);
    /* and one on the next day recomputes once. */
    app.today = next_day;
    d = ck_api_daily_start(B->url, &app, err, sizeof err);
    assert_non_null(d);
    assert_int_equal(ck_api_daily_settle(d), 1);
    assert_int_equal(ck_api_daily_settle(d), 1);
    ck_api_daily_stop(d);
}

/* ---- casekeeper serve, as a process --------------------------------------------- */

static void test_serve_command(void **state)
{
    (void)state;
    char dir[] = "/tmp/ck-serve.XXXXXX", db[128];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "sqlite:%s/serve.db", dir);
    int out[2];
    assert_int_equal(pipe(out), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* No other thread runs in this process yet (this test comes first), so the child may go on. */
        dup2(out[1], STDOUT_FILENO);
        close(out[0]), close(out[1]);
        char *argv[] = {"serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2", NULL};
        _exit(ck_cmd_serve(7, argv));
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[128] = "";
    assert_non_null(fgets(line, sizeof line, f));
    unsigned port = 0;
    if (sscanf(line, "listening on http://127.0.0.1:%u\n", &port) != 1) fail_msg("first line: %s", line);
    assert_true(port > 0 && port < 65536);
    th_resp r;
    assert_true(th_request((uint16_t)port, "GET", "/health", NULL, &r));
    assert_int_equal(r.status, 200);
    th_resp_free(&r);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* Nothing after the first line on standard output. */
    assert_null(fgets(line, sizeof line, f));
    fclose(f);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_serve_bad_options(void **state)
{
    (void)state;
    char *a1[] = {"serve", "--listen", "nowhere", NULL};
    char *a2[] = {"serve", "--threads", "0", NULL};
    char *a3[] = {"serve", "--rules-config", "/nonexistent/rules.conf", NULL};
    char *a4[] = {"serve", "--verbose", NULL};
    assert_int_equal(ck_cmd_serve(3, a1), 2);
    assert_int_equal(ck_cmd_serve(3, a2), 2);
    assert_int_equal(ck_cmd_serve(3, a3), 2);
    assert_int_equal(ck_cmd_serve(2, a4), 2);
}

int main(void)
{
    const struct CMUnitTest process[] = {
        cmocka_unit_test(test_serve_command),
        cmocka_unit_test(test_serve_bad_options),
    };
    const struct CMUnitTest api[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_create_get_conflict),
        cmocka_unit_test(test_invalid_bundle),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_if_match),
        cmocka_unit_test(test_concurrent_writes),
        cmocka_unit_test(test_not_found_and_methods),
        cmocka_unit_test(test_failed_appointment_creates_enforce),
        cmocka_unit_test(test_check_received),
        cmocka_unit_test(test_registration_review),
        cmocka_unit_test(test_victim_added_and_redacted),
        cmocka_unit_test(test_person_details),
        cmocka_unit_test(test_case_cache_follows_writes),
        cmocka_unit_test(test_other_sub_resources),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_worklist),
        cmocka_unit_test(test_obligations_query),
        cmocka_unit_test(test_daily_recompute),
        /* Last: its recompute at a later date would move the others' dates. */
        cmocka_unit_test(test_worklist_cache),
    };
    int failed = cmocka_run_group_tests_name("serve command", process, NULL, NULL);
    failed += cmocka_run_group_tests_name("api on SQLite", api, setup_sqlite, teardown);
    failed += cmocka_run_group_tests_name("api on PostgreSQL", api, setup_pg, teardown);
    return failed;
}
