/* The management API over real HTTP, on SQLite and on PostgreSQL: the
 * server's one route table over a fresh database per test holding the PDU
 * of ck_test_manage.h. Figures are checked against the store's own; writes
 * are read back through the API and the store. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_http.h"
#include "ck_test_json.h"
#include "ck_test_manage.h"
#include "ck_auth.h"
#include "ck_api_manage.h"
#include "ck_web.h"

static ck_date pinned_today(void) { return ck_test_date(CK_TEST_MANAGE_TODAY); }

typedef struct server {
    ck_web *web;
    ck_route *routes;
    ck_http_server *srv;
    uint16_t port;
    ck_db *db;
} server;

static server S;

/* This suite tests what the management API does, not who may call it
 * (test_security does): every request runs as the system principal. */
static bool as_system(ck_http_req *r)
{
    ck_principal p;
    ck_principal_system(&p, "test_api_manage");
    ck_auth_attach(r, &p);
    return true;
}

/* The fixture's PDU in this test's database, served. */
static void start(void **state)
{
    char err[512];
    S.db = ck_test_db_get(state);
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    ck_test_manage_fixture(S.db, &app.engine);
    S.web = ck_web_new(&(ck_web_config){0}, &app, err, sizeof err);
    if (!S.web) fail_msg("%s", err);
    S.routes = ck_web_server_routes();
    ck_http_config cfg = {.port = th_server_port(), .threads = 2, .routes = S.routes, .db_url = ck_test_db_url(state, 0),
                          .app = ck_web_app(S.web), .authorize = as_system};
    S.srv = ck_http_start(&cfg, err, sizeof err);
    if (!S.srv) fail_msg("%s", err);
    S.port = ck_http_port(S.srv);
}

static void stop(void)
{
    ck_http_stop(S.srv);
    ck_web_free(S.web);
    ck_free(S.routes);
    memset(&S, 0, sizeof S);
}

/* One request; headers (may be NULL) are extra header lines. */
static th_resp call(const char *method, const char *path, const char *headers, const char *body)
{
    th_conn c;
    th_resp r;
    if (!th_connect(&c, S.port) || !th_send(&c, method, path, headers, "application/json", body) || !th_recv(&c, &r))
        fail_msg("%s %s: no response", method, path);
    th_close(&c);
    return r;
}

/* Calls with a JSON body (text, may be NULL), checks the status, returns the
 * body as JSON (the caller's). */
static json_t *expect(const char *method, const char *path, const char *body, int status)
{
    th_resp r = call(method, path, NULL, body);
    if (r.status != status) fail_msg("%s %s: status %d, expected %d: %.400s", method, path, r.status, status, r.body);
    json_error_t je;
    json_t *j = json_loads(r.body, 0, &je);
    if (!j) fail_msg("%s %s: not JSON: %.200s", method, path, r.body);
    th_resp_free(&r);
    return j;
}

/* A 400 problem whose error names `field`. */
static void expect_invalid(const char *method, const char *path, const char *body, const char *field)
{
    json_t *p = expect(method, path, body, 400);
    assert_string_equal(json_string_value(json_object_get(p, "type")), "urn:casekeeper:problem:invalid");
    const char *got = json_string_value(json_object_get(json_array_get(json_object_get(p, "errors"), 0), "path"));
    if (!ck_streq(got, field)) fail_msg("%s %s: error path \"%s\", expected \"%s\"", method, path, got, field);
    json_decref(p);
}

static json_t *find(const json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) if (ck_streq(json_string_value(json_object_get(o, key)), value)) return o;
    return NULL;
}

static json_int_t jint(const json_t *o, const char *key) { return json_integer_value(json_object_get(o, key)); }
static const char *jstr(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* ---- Workforce ---------------------------------------------------------------- */

static void test_workforce(void **state)
{
    start(state);
    json_t *j = expect("GET", "/api/v1/manage/workforce?pdu=N07PDU1", NULL, 200);
    json_t *teams = json_object_get(j, "teams"), *t2 = find(teams, "code", "N07T02");
    assert_int_equal(json_array_size(teams), 2);
    assert_non_null(t2);
    /* N07T02: SPO, PO, PSO, agency PQiP in post; one absent; one left. */
    assert_int_equal(jint(t2, "in_post"), 4);
    assert_int_equal(jint(t2, "long_term_absence"), 1);
    assert_int_equal(jint(t2, "left"), 1);
    assert_int_equal(jint(t2, "agency"), 1);
    assert_int_equal(jint(t2, "vacancies"), 1);
    /* A number, however written: a proxy may write 4.0 as 4 (tests/suites/openapi.sh). */
    assert_true(json_number_value(json_object_get(t2, "posts_fte")) == 4.0);
    assert_int_equal(jint(json_object_get(j, "total"), "in_post"), 10);
    json_t *ana = find(json_object_get(j, "staff"), "code", "N07P022");
    assert_true(json_is_true(json_object_get(ana, "over_capacity")));
    assert_string_equal(jstr(find(json_object_get(j, "staff"), "code", "N07P021"), "status"), "left");
    assert_int_equal(jint(json_object_get(j, "caseload_distribution"), "over_120"), 1);
    json_decref(j);

    /* One practitioner's breakdown: two community cases and their points. */
    j = expect("GET", "/api/v1/manage/workforce/staff/N07P022", NULL, 200);
    assert_string_equal(jstr(j, "pdu"), "N07PDU1");
    assert_int_equal(json_array_size(json_object_get(j, "cases")), 2);
    assert_int_equal(jint(json_object_get(j, "cases_by_type"), "community"), 2);
    json_int_t sum = 0;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(j, "cases"), i, c) sum += jint(c, "points");
    assert_true(sum > 0); /* else a total left at 0 would match too */
    assert_int_equal(jint(j, "case_points"), sum);
    /* 0.5 of 37 hours: floor(2176 x 0.5 / 37) = 29 available points. */
    assert_int_equal(jint(j, "available_points"), 29);
    json_decref(j);
    json_decref(expect("GET", "/api/v1/manage/workforce/staff/NOBODY", NULL, 404));

    /* CSV, asked for either way; formulas in names neutralised. */
    static const char *const evil[] = {
        "{\"kind\":\"team\",\"code\":\"N07T03\",\"pdu\":\"N07PDU1\",\"name\":\"+cmd|' /C calc'!A0\"}"};
    ck_test_load_org(S.db, evil, 1);
    for (int k = 0; k < 2; k++) {
        th_resp r = k ? call("GET", "/api/v1/manage/workforce?pdu=N07PDU1", "Accept: text/csv\r\n", NULL)
                      : call("GET", "/api/v1/manage/workforce?pdu=N07PDU1&format=csv", NULL, NULL);
        char v[128];
        assert_int_equal(r.status, 200);
        assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "text/csv; charset=utf-8");
        assert_string_equal(th_header(&r, "Content-Disposition", v, sizeof v),
                            "attachment; filename=\"workforce-N07PDU1-2025-06-02.csv\"");
        assert_true(strncmp(r.body, "team,name,in_post,fte_in_post,posts_fte,vacancies,", 50) == 0);
        assert_non_null(strstr(r.body, "\nN07T03,\"'+cmd|' /C calc'!A0\",0,"));
        assert_non_null(strstr(r.body, "\ntotal,Total,10,"));
        th_resp_free(&r);
    }
    /* The region's figures hold the PDU's. */
    j = expect("GET", "/api/v1/manage/workforce?region=N07", NULL, 200);
    assert_string_equal(jstr(j, "region"), "N07");
    assert_int_equal(jint(json_object_get(j, "total"), "in_post"), 10);
    json_decref(j);
    expect_invalid("GET", "/api/v1/manage/workforce", NULL, "pdu");
    expect_invalid("GET", "/api/v1/manage/workforce?pdu=N07PDU1&region=N07", NULL, "pdu");
    expect_invalid("GET", "/api/v1/manage/workforce?pdu=N07PDU1&format=xlsx", NULL, "format");
    expect_invalid("GET", "/api/v1/manage/workforce?pdu=N07PDU1&as_of=2025-13-01", NULL, "as_of");
    json_decref(expect("GET", "/api/v1/manage/workforce?pdu=N07PDU9", NULL, 404));
    stop();
}

/* ---- Allocation --------------------------------------------------------------- */

static size_t team_allocate_items(void)
{
    json_t *w = expect("GET", "/api/v1/worklist?team=N07T02&limit=500", NULL, 200), *it;
    size_t i, n = 0;
    json_array_foreach(json_object_get(w, "items"), i, it) n += ck_streq(jstr(it, "rule"), "ALLOCATE");
    json_decref(w);
    return n;
}

static void test_board_and_reallocation(void **state)
{
    start(state);
    json_t *b = expect("GET", "/api/v1/manage/allocations?pdu=N07PDU1&team=N07T02", NULL, 200);
    json_t *items = json_object_get(b, "items");
    assert_int_equal(json_array_size(items), 4);
    /* Never allocated, due 6 Jan + 3 WD, comes first; then the leaver's. */
    assert_string_equal(jstr(json_array_get(items, 0), "crn"), "M000006");
    assert_string_equal(jstr(json_array_get(items, 0), "kind"), "unallocated");
    json_t *lost = find(items, "crn", "M000002");
    assert_string_equal(jstr(lost, "kind"), "lost");
    assert_string_equal(jstr(lost, "staff_code"), "N07P021");
    assert_string_equal(jstr(lost, "status"), "overdue");
    assert_string_equal(jstr(lost, "due"), "2025-05-23");
    assert_true(json_array_size(json_object_get(lost, "candidates")) <= CK_API_MANAGE_CANDIDATES);
    /* The high-RoSH case is never offered to the PSO, who is told why. */
    json_t *high = json_array_get(items, 0);
    assert_null(find(json_object_get(high, "candidates"), "staff_code", "N07P023"));
    assert_non_null(strstr(jstr(find(json_object_get(high, "excluded"), "staff_code", "N07P023"), "why"), "RoSH"));
    assert_string_equal(jstr(json_array_get(json_object_get(b, "gone"), 0), "staff_code"), "N07P021");
    assert_int_equal(jint(json_array_get(json_object_get(b, "gone"), 0), "cases"), 3);
    json_decref(b);
    b = expect("GET", "/api/v1/manage/allocations?pdu=N07PDU1&candidates=1", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(b, "items"), 0), "candidates")), 1);
    json_decref(b);
    expect_invalid("GET", "/api/v1/manage/allocations", NULL, "pdu");
    expect_invalid("GET", "/api/v1/manage/allocations?pdu=N07PDU1&candidates=0", NULL, "candidates");
    json_decref(expect("GET", "/api/v1/manage/allocations?pdu=N07PDU1&team=N07T09", NULL, 404));

    /* The leaver's caseload in one action: the lost cases leave the worklist. */
    assert_int_equal(team_allocate_items(), 4);
    json_decref(expect("POST", "/api/v1/manage/staff/N07P021/reallocate", "{\"to\": \"N07P025\"}", 409));
    json_t *m = expect("POST", "/api/v1/manage/staff/N07P021/reallocate", "{}", 200);
    assert_int_equal(json_array_size(json_object_get(m, "moved")), 3);
    assert_string_equal(jstr(json_array_get(json_object_get(m, "moved"), 0), "crn"), "M000001");
    json_decref(m);
    assert_int_equal(team_allocate_items(), 1);
    m = expect("POST", "/api/v1/manage/staff/N07P021/reallocate", "{}", 200);
    assert_int_equal(json_array_size(json_object_get(m, "moved")), 0);
    json_decref(m);
    expect_invalid("POST", "/api/v1/manage/staff/N07P021/reallocate", "{\"too\": \"N07P022\"}", "too");

    /* One case: the grade rule, then a PO over capacity (a reason required,
     * as on the web), then not twice. */
    json_decref(expect("POST", "/api/v1/manage/allocations", "{\"crn\": \"M000006\", \"staff_code\": \"N07P023\"}", 409));
    expect_invalid("POST", "/api/v1/manage/allocations", "{\"crn\": \"M000006\", \"staff_code\": \"N07P022\"}", "reason");
    expect_invalid("POST", "/api/v1/manage/allocations",
                   "{\"crn\": \"M000006\", \"staff_code\": \"N07P022\", \"reason\": \" \"}", "reason");
    assert_int_equal(team_allocate_items(), 1);
    json_t *a = expect("POST", "/api/v1/manage/allocations",
                       "{\"crn\": \"M000006\", \"staff_code\": \"N07P022\", \"reason\": \"covering a colleague\"}", 201);
    assert_string_equal(jstr(a, "from"), CK_TEST_MANAGE_TODAY);
    json_decref(a);
    json_decref(expect("POST", "/api/v1/manage/allocations", "{\"crn\": \"M000006\", \"staff_code\": \"N07P022\"}", 409));
    assert_int_equal(team_allocate_items(), 0);
    json_decref(expect("POST", "/api/v1/manage/allocations", "{\"crn\": \"Z999999\", \"staff_code\": \"N07P022\"}", 404));
    expect_invalid("POST", "/api/v1/manage/allocations", "{\"staff_code\": \"N07P022\"}", "crn");
    expect_invalid("POST", "/api/v1/manage/allocations", "[1]", "");
    th_conn conn;
    th_resp r;
    assert_true(th_connect(&conn, S.port) &&
                th_send(&conn, "POST", "/api/v1/manage/allocations", NULL, "text/plain", "crn=M000006") &&
                th_recv(&conn, &r));
    th_close(&conn);
    assert_int_equal(r.status, 415);
    th_resp_free(&r);
    stop();
}

static void test_leaving(void **state)
{
    start(state);
    json_t *j = expect("POST", "/api/v1/manage/staff/N07P022/leaving", "{\"kind\": \"long_term_absence\", \"date\": \"2025-06-02\"}",
                       200);
    assert_int_equal(jint(j, "cases"), 2);
    json_decref(j);
    /* Her cases are lost now, and the store says she is absent. */
    json_t *b = expect("GET", "/api/v1/manage/allocations?pdu=N07PDU1&team=N07T02", NULL, 200);
    assert_string_equal(jstr(find(json_object_get(b, "items"), "crn", "M000004"), "kind"), "lost");
    assert_string_equal(jstr(find(json_object_get(b, "gone"), "staff_code", "N07P022"), "status"), "long_term_absence");
    json_decref(b);
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record rec;
    char err[512];
    ck_test_ok(ck_org_get(S.db, CK_ORG_STAFF, "N07P022", &a, &rec, err, sizeof err), err);
    assert_string_equal(rec.status, "long_term_absence");
    ck_arena_free(&a);
    expect_invalid("POST", "/api/v1/manage/staff/N07P022/leaving", "{\"kind\": \"retired\", \"date\": \"2025-06-02\"}", "kind");
    expect_invalid("POST", "/api/v1/manage/staff/N07P022/leaving", "{\"kind\": \"left\", \"date\": \"2025-06-03\"}", "date");
    expect_invalid("POST", "/api/v1/manage/staff/N07P022/leaving", "{\"kind\": \"left\"}", "date");
    json_decref(expect("POST", "/api/v1/manage/staff/NOBODY/leaving", "{\"kind\": \"left\", \"date\": \"2025-06-01\"}", 404));
    stop();
}

/* ---- Inspection ---------------------------------------------------------------- */

static void test_inspection(void **state)
{
    start(state);
    char err[512];
    ck_manage_cfg mc;
    ck_test_ok(ck_manage_cfg_load(S.db, &mc, err, sizeof err), err);
    ck_inspect_period p = ck_inspect_default_period(pinned_today());
    ck_inspection *x = NULL;
    ck_test_ok(ck_inspection_compute(S.db, ck_rulecfg_default(), &mc.bands, NULL, "N07PDU1", &p, &x, err, sizeof err), err);
    json_t *want = ck_inspection_to_json(x);
    ck_inspection_free(x);
    json_t *j = expect("GET", "/api/v1/manage/inspection?pdu=N07PDU1", NULL, 200);
    assert_true(ck_json_same(j, want));
    assert_int_equal(jint(j, "max_points"), 27);
    assert_string_equal(jstr(j, "from"), "2024-06-02");
    assert_string_equal(jstr(j, "to"), "2025-06-01");
    json_decref(want);
    json_decref(j);
    j = expect("GET", "/api/v1/manage/inspection?pdu=N07PDU1&to=2025-03-31", NULL, 200);
    assert_string_equal(jstr(j, "from"), "2024-04-01");
    json_decref(j);
    j = expect("GET", "/api/v1/manage/inspection?region=N07&from=2025-01-01&to=2025-03-31", NULL, 200);
    assert_string_equal(jstr(j, "region"), "N07");
    json_decref(j);
    th_resp r = call("GET", "/api/v1/manage/inspection?pdu=N07PDU1&format=csv", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_true(strncmp(r.body, "unit,standard,key_question,met,counted,percent,rating,points\n", 61) == 0);
    assert_non_null(strstr(r.body, "\nN07PDU1,leadership,,,,,good,2\n"));
    th_resp_free(&r);
    expect_invalid("GET", "/api/v1/manage/inspection?pdu=N07PDU1&from=2025-04-01&to=2025-03-01", NULL, "to");
    json_decref(expect("GET", "/api/v1/manage/inspection?pdu=N07PDU9", NULL, 404));

    /* Drill-down: every failing check of the M cases, each with why. */
    json_t *f = expect("GET", "/api/v1/manage/inspection/failures?pdu=N07PDU1&key_question=A2", NULL, 200);
    json_t *items = json_object_get(f, "items"), *it;
    size_t i, m_cases = 0;
    json_array_foreach(items, i, it)
    {
        assert_true(strlen(jstr(it, "explanation")) > 0);
        m_cases += strncmp(jstr(it, "crn"), "M", 1) == 0;
    }
    assert_int_equal(m_cases, 14); /* 7 cases x (DA_CHECK + CHILD_CHECK) */
    assert_string_equal(jstr(f, "standard"), "assessment");
    json_decref(f);
    expect_invalid("GET", "/api/v1/manage/inspection/failures?pdu=N07PDU1&key_question=Z9", NULL, "key_question");

    /* An organisational rating with its evidence, then counted. */
    json_t *e = expect("POST", "/api/v1/manage/inspection/organisational",
                       "{\"pdu\": \"N07PDU1\", \"standard\": \"services\", \"rating\": \"requires_improvement\", "
                       "\"evidence\": \"Two commissioned services lapsed\", \"entered_by\": \"N07P012\"}",
                       201);
    assert_string_equal(jstr(e, "entered_on"), CK_TEST_MANAGE_TODAY);
    json_decref(e);
    j = expect("GET", "/api/v1/manage/inspection?pdu=N07PDU1&as_of=2025-06-03", NULL, 200);
    json_t *services = find(json_object_get(j, "standards"), "key", "services");
    assert_string_equal(jstr(services, "rating"), "requires_improvement");
    assert_string_equal(jstr(services, "evidence"), "Two commissioned services lapsed");
    json_decref(j);
    expect_invalid("POST", "/api/v1/manage/inspection/organisational",
                   "{\"pdu\": \"N07PDU1\", \"standard\": \"planning\", \"rating\": \"good\", \"evidence\": \"x\", "
                   "\"entered_by\": \"h\"}", "standard");
    expect_invalid("POST", "/api/v1/manage/inspection/organisational",
                   "{\"pdu\": \"N07PDU1\", \"standard\": \"staff\", \"rating\": \"good\", \"evidence\": \" \", "
                   "\"entered_by\": \"h\"}", "evidence");
    json_decref(expect("POST", "/api/v1/manage/inspection/organisational",
                       "{\"pdu\": \"N07PDU9\", \"standard\": \"staff\", \"rating\": \"good\", \"evidence\": \"x\", "
                       "\"entered_by\": \"h\"}", 404));

    /* Monthly history, oldest first. */
    json_t *h = expect("GET", "/api/v1/manage/inspection/history?pdu=N07PDU1&months=3", NULL, 200);
    json_t *months = json_object_get(h, "months");
    assert_int_equal(json_array_size(months), 3);
    assert_string_equal(jstr(json_array_get(months, 0), "month"), "2025-04");
    assert_string_equal(jstr(json_array_get(months, 2), "month"), "2025-06");
    json_decref(h);
    expect_invalid("GET", "/api/v1/manage/inspection/history?pdu=N07PDU1&months=0", NULL, "months");
    stop();
}

/* ---- Quality-assurance case audit ---------------------------------------------- */

static void test_case_audit(void **state)
{
    start(state);
    const char *draw = "{\"pdu\": \"N07PDU1\", \"per_team\": 2, \"from\": \"2025-01-01\", \"to\": \"2025-05-31\", "
                       "\"seed\": 7, \"drawn_by\": \"N07P020\"}";
    th_resp r = call("POST", "/api/v1/manage/qa/samples", NULL, draw);
    assert_int_equal(r.status, 201);
    char loc[96];
    assert_non_null(th_header(&r, "Location", loc, sizeof loc));
    json_t *s1 = json_loads(r.body, 0, NULL);
    th_resp_free(&r);
    json_t *s2 = expect("POST", "/api/v1/manage/qa/samples", draw, 201);
    /* Only N07T02 holds cases here: two of them, the same for the same seed. */
    json_t *c1 = json_object_get(s1, "cases"), *c2 = json_object_get(s2, "cases");
    assert_int_equal(json_array_size(c1), 2);
    for (size_t i = 0; i < 2; i++)
        assert_string_equal(jstr(json_array_get(c1, i), "crn"), jstr(json_array_get(c2, i), "crn"));
    char crn[17], path[128];
    snprintf(crn, sizeof crn, "%s", jstr(json_array_get(c1, 0), "crn"));
    snprintf(path, sizeof path, "%s/answers", loc);
    json_decref(s1);
    json_decref(s2);

    char body[512];
    snprintf(body, sizeof body, "{\"crn\": \"%s\", \"question\": \"assessment\", \"sufficient\": true, "
                                "\"note\": \"Checks made by phone\", \"answered_by\": \"N07P020\"}", crn);
    json_decref(expect("POST", path, body, 201));
    snprintf(body, sizeof body, "{\"crn\": \"%s\", \"question\": \"planning\", \"sufficient\": false, "
                                "\"answered_by\": \"N07P020\"}", crn);
    json_decref(expect("POST", path, body, 201));
    snprintf(body, sizeof body, "{\"crn\": \"%s\", \"question\": \"leadership\", \"sufficient\": true, \"answered_by\": \"q\"}",
             crn);
    expect_invalid("POST", path, body, "question");
    snprintf(body, sizeof body, "{\"crn\": \"%s\", \"question\": \"planning\", \"sufficient\": \"yes\", \"answered_by\": \"q\"}",
             crn);
    expect_invalid("POST", path, body, "sufficient");
    json_decref(expect("POST", path, "{\"crn\": \"S000001\", \"question\": \"planning\", \"sufficient\": true, "
                                     "\"answered_by\": \"q\"}", 404));

    /* The computed judgements: no police or children's check on any M case,
     * so assessment is not sufficient (a disagreement); planning agrees. */
    snprintf(path, sizeof path, "%s/disagreements", loc);
    json_t *d = expect("GET", path, NULL, 200);
    assert_int_equal(jint(d, "disagreements"), 1);
    json_t *item = json_array_get(json_object_get(d, "items"), 0);
    assert_string_equal(jstr(item, "crn"), crn);
    assert_string_equal(jstr(item, "question"), "assessment");
    assert_string_equal(jstr(item, "note"), "Checks made by phone");
    assert_true(json_is_false(json_object_get(item, "computed")));
    json_decref(d);
    json_t *list = expect("GET", "/api/v1/manage/qa/samples?pdu=N07PDU1", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(list, "items")), 2);
    json_decref(list);
    json_t *rep = expect("GET", loc, NULL, 200);
    assert_int_equal(jint(rep, "seed"), 7);
    json_decref(rep);
    json_decref(expect("GET", "/api/v1/manage/qa/samples/999999", NULL, 404));
    json_decref(expect("GET", "/api/v1/manage/qa/samples/abc", NULL, 404));
    expect_invalid("POST", "/api/v1/manage/qa/samples",
                   "{\"pdu\": \"N07PDU1\", \"per_team\": 0, \"from\": \"2025-01-01\", \"to\": \"2025-05-31\", "
                   "\"drawn_by\": \"x\"}", "per_team");
    /* Without a seed, one is drawn and kept with the sample. */
    json_t *s3 = expect("POST", "/api/v1/manage/qa/samples",
                        "{\"pdu\": \"N07PDU1\", \"per_team\": 1, \"from\": \"2025-01-01\", \"to\": \"2025-05-31\", "
                        "\"drawn_by\": \"x\"}", 201);
    assert_true(json_is_integer(json_object_get(s3, "seed")));
    json_decref(s3);
    stop();
}

/* Every route of the table declares one of the management permissions. */
static void test_routes_declare_permissions(void **state)
{
    (void)state;
    static const char *const allowed[] = {"workforce:read", "allocate", "inspection:read", "inspection:write", "qa"};
    size_t n = 0;
    for (const ck_route *rt = ck_api_manage_routes; rt->method; rt++, n++) {
        bool ok = false;
        for (size_t k = 0; k < sizeof allowed / sizeof allowed[0]; k++) ok = ok || ck_streq(rt->permission, allowed[k]);
        if (!ok) fail_msg("%s %s: permission %s", rt->method, rt->pattern, rt->permission);
    }
    /* The server's table holds every row of each table once, in order. */
    ck_route *all = ck_web_server_routes();
    size_t total = 0, web = 0, api = 0;
    while (all[total].method) total++;
    while (ck_web_routes[web].method) web++;
    while (ck_api_routes[api].method) api++;
    assert_int_equal(total, web + api + n);
    assert_ptr_equal(all[0].handler, ck_web_routes[0].handler);
    assert_ptr_equal(all[web + api].handler, ck_api_manage_routes[0].handler);
    ck_free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_declare_permissions),
        CK_DB_TEST(test_workforce),
        CK_DB_TEST(test_board_and_reallocation),
        CK_DB_TEST(test_leaving),
        CK_DB_TEST(test_inspection),
        CK_DB_TEST(test_case_audit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
