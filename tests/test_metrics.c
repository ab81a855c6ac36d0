/* /metrics and the JSON log, on both backends, over real sockets:
 *
 * - the page passes `promtool check metrics` (Debian's prometheus package)
 *   and its figures move with what the server does: requests by route and
 *   status, read transactions, the audit appender's batches, the nightly
 *   recompute's runs and cases; the service figures (overdue obligations by
 *   PDU and rule, unallocated cases by PDU) agree with the database;
 * - who may read it: a direct loopback client, or the bearer token of
 *   metrics_token_file; a request the trusted proxy forwarded (from its
 *   address, with a forwarding header), a wrong token or a token too short
 *   get the same 404 as a path that is not there;
 * - the JSON access log: one object a line with the request's id, route
 *   pattern, status, duration, user id and bytes, and no CRN anywhere. */
#include "ck_test.h"
#include "ck_test_cli.h"
#include "ck_test_db.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_api.h"
#include "ck_caseload.h"
#include "ck_cli.h"
#include "ck_gen.h"
#include "ck_log.h"
#include "ck_metrics_text.h"
#include "ck_rulecfg.h"
#include <fcntl.h>
#include <jansson.h>

#define CASES 30
#define TOKEN "metrics-test-token-0123456789abcdefghij" /* 39 characters */

static ck_date as_of(void) { return ck_date_ymd(2025, 11, 3); }
static ck_date day_after(void) { return ck_date_ymd(2025, 11, 4); }

/* ---- Fixture ----------------------------------------------------------------------- */

typedef struct mserver {
    ck_rules_config *cfg;
    ck_web *web;
    ck_auth *auth;
    ck_route *routes;
    ck_audit_appender *appender;
    ck_http_server *srv;
    uint16_t port;
} mserver;

/* The whole server's routes over url, with the rules config overridden by
 * conf (NULL: none) and the given trusted proxy (NULL: none). */
static void mstart(mserver *m, const char *url, const char *conf, const char *proxy, bool access_log)
{
    char err[512];
    ck_app app = {.engine = ck_engine_default(), .today = as_of};
    if (conf) {
        m->cfg = ck_rulecfg_parse(conf, strlen(conf), err, sizeof err);
        if (!m->cfg) fail_msg("rules config: %s", err);
        app.engine.cfg = m->cfg;
    }
    m->auth = ck_auth_new(&(ck_auth_config){.plain_http = true});
    app.auth = m->auth;
    m->web = ck_web_new(&(ck_web_config){0}, &app, err, sizeof err);
    if (!m->web) fail_msg("%s", err);
    m->routes = ck_web_server_routes();
    m->appender = ck_audit_appender_start(url, err, sizeof err);
    if (!m->appender) fail_msg("%s", err);
    ck_http_config hc = {.threads = 2, .routes = m->routes, .db_url = url, .db_audit_sink = m->appender,
                         .app = ck_web_app(m->web), .on_error = ck_web_on_error, .authorize = ck_auth_authorize,
                         .trusted_proxy = proxy, .access_log = access_log};
    m->srv = ck_http_start(&hc, err, sizeof err);
    if (!m->srv) fail_msg("%s", err);
    m->port = ck_http_port(m->srv);
}

static void mstop(mserver *m)
{
    ck_http_stop(m->srv);
    ck_audit_appender_stop(m->appender);
    ck_web_free(m->web);
    ck_auth_free(m->auth);
    ck_free(m->routes);
    ck_rulecfg_free(m->cfg);
    memset(m, 0, sizeof *m);
}

/* Generated cases imported into the test's database 0 at as_of. */
static void generated_cases(void **state)
{
    char err[512], dir[64], as_of_s[CK_DATE_STRLEN];
    snprintf(dir, sizeof dir, "/tmp/ck-metrics.XXXXXX");
    if (!mkdtemp(dir)) fail_msg("mkdtemp");
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.as_of = as_of();
    o.n_cases = CASES;
    ck_gen *g = ck_gen_new(&o);
    if (!ck_gen_write_dir(g, dir, err, sizeof err)) fail_msg("generate: %s", err);
    ck_gen_free(g);
    ck_date_fmt(as_of(), as_of_s);
    const char *import[] = {"import", "--db", ck_test_db_url(state, 0), "--as-of", as_of_s, dir, NULL};
    if (ck_test_run_cmd(err, sizeof err, ck_cmd_import, import) != 0) fail_msg("import: %s", err);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fail_msg("%s", cmd);
}

static int64_t int_of(ck_db *db, const char *sql)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("%s: %s", sql, ck_db_errmsg(db));
    int64_t v = ck_stmt_step(st) == CK_DB_ROW ? ck_stmt_int(st, 0) : -1;
    ck_stmt_reset(st);
    return v;
}

/* ---- Reading the page ---------------------------------------------------------------- */

static th_resp get(uint16_t port, const char *path, const char *extra)
{
    th_conn c;
    th_resp r;
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, "GET", path, extra, NULL, NULL));
    if (!th_recv(&c, &r)) fail_msg("GET %s: no response", path);
    th_close(&c);
    return r;
}

/* The value of the series written exactly `series` ("name{labels}"); -1
 * when the page has no such line. */
static double value_of(const char *page, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = page; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ') return strtod(p + n + 1, NULL);
    return -1;
}

/* The sum of every series of family `name` (lines "name{" or "name "). */
static double family_sum(const char *page, const char *name, size_t *lines)
{
    size_t n = strlen(name);
    double sum = 0;
    *lines = 0;
    for (const char *p = page; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, n) != 0 || (p[n] != '{' && p[n] != ' ')) continue;
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
        sum += strtod(strrchr(line, ' ') + 1, NULL);
        ++*lines;
    }
    return sum;
}

static char *scrape(uint16_t port)
{
    th_resp r = get(port, "/metrics", NULL);
    if (r.status != 200) fail_msg("GET /metrics: %d\n%.500s", r.status, r.body);
    char ct[128];
    assert_non_null(th_header(&r, "Content-Type", ct, sizeof ct));
    assert_string_equal(ct, CK_METRICS_CONTENT_TYPE);
    char *page = r.body;
    r.body = NULL;
    th_resp_free(&r);
    return page;
}

/* promtool's verdict on page (its lint included): fails the test with what it said. */
static void promtool_passes(const char *page)
{
    char path[] = "/tmp/ck-metrics-page.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(page);
    assert_true(write(fd, page, n) == (ssize_t)n);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "promtool check metrics < %s 2>&1", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char said[4096] = "";
    size_t got = fread(said, 1, sizeof said - 1, p);
    said[got] = '\0';
    int rc = pclose(p);
    unlink(path);
    if (rc != 0) fail_msg("promtool check metrics (status %d):\n%s", rc, said);
}

/* ---- Tests ---------------------------------------------------------------------------- */

static void test_metrics_pass_promtool_and_move(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    generated_cases(state);
    tw_add_user(db, "quality", CK_ROLE_QA, NULL);
    mserver m = {0};
    mstart(&m, url, NULL, NULL, false);

    char *before = scrape(m.port);
    promtool_passes(before);
    for (int i = 0; i < 3; i++) {
        th_resp r = get(m.port, "/health", NULL);
        assert_int_equal(r.status, 200);
        th_resp_free(&r);
    }
    th_resp r = get(m.port, "/no/such/page", NULL);
    assert_int_equal(r.status, 404);
    th_resp_free(&r);
    /* A signed-in read of a case: audited through the appender. */
    char cookie[128], crn[32], path[96];
    tw_sign_in_as(m.port, "quality", cookie, sizeof cookie);
    ck_test_db_text(db, "SELECT MIN(\"crn\") FROM \"cases\"", crn, sizeof crn);
    snprintf(path, sizeof path, "/api/v1/cases/%s", crn);
    r = tw_req(m.port, "GET", path, cookie, NULL);
    assert_int_equal(r.status, 200);
    th_resp_free(&r);
    /* The nightly recompute, a day on. */
    ck_app app = {.engine = ck_engine_default(), .today = day_after};
    char err[512];
    ck_api_daily *d = ck_api_daily_start(url, &app, err, sizeof err);
    if (!d) fail_msg("%s", err);
    assert_int_equal(ck_api_daily_settle(d), 1);
    ck_api_daily_stop(d);
    /* One case nobody holds (after the recompute, which would give it back
     * its holder), so the unallocated figure is not empty. */
    assert_int_equal(ck_db_exec(db, "UPDATE \"cases\" SET \"staff_code\" = NULL WHERE \"crn\" = "
                                    "(SELECT MIN(\"crn\") FROM \"cases\" WHERE \"staff_code\" IS NOT NULL)"),
                     CK_DB_OK);

    char *after = scrape(m.port);
    promtool_passes(after);
    static const char health[] = "casekeeper_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"}";
    static const char unmatched[] = "casekeeper_http_requests_total{method=\"any\",route=\"unmatched\",status=\"404\"}";
    static const char read_case[] =
        "casekeeper_http_requests_total{method=\"GET\",route=\"/api/v1/cases/{crn}\",status=\"200\"}";
    double h0 = value_of(before, health), u0 = value_of(before, unmatched);
    assert_true(value_of(after, health) - (h0 < 0 ? 0 : h0) == 3);
    assert_true(value_of(after, unmatched) - (u0 < 0 ? 0 : u0) == 1);
    /* Counters are the process's: what this test added, exactly. */
    double c0 = value_of(before, read_case);
    assert_true(value_of(after, read_case) - (c0 < 0 ? 0 : c0) == 1);
    static const char health_n[] = "casekeeper_http_request_duration_seconds_count{method=\"GET\",route=\"/health\"}";
    double n0 = value_of(before, health_n);
    assert_true(value_of(after, health_n) - (n0 < 0 ? 0 : n0) == 3);
    static const char reads[] = "casekeeper_db_transactions_total{kind=\"read\",outcome=\"commit\"}";
    static const char writes[] = "casekeeper_db_transactions_total{kind=\"write\",outcome=\"commit\"}";
    assert_true(value_of(after, reads) > value_of(before, reads));
    assert_true(value_of(after, writes) > value_of(before, writes));
    assert_true(value_of(after, "casekeeper_audit_batch_entries_count") >
                value_of(before, "casekeeper_audit_batch_entries_count"));
    assert_true(value_of(after, "casekeeper_audit_queue_entries") >= 0);
    assert_true(value_of(after, "casekeeper_nightly_recompute_runs_total{outcome=\"done\"}") -
                    value_of(before, "casekeeper_nightly_recompute_runs_total{outcome=\"done\"}") ==
                1);
    assert_true(value_of(after, "casekeeper_nightly_recompute_cases_total") -
                    value_of(before, "casekeeper_nightly_recompute_cases_total") ==
                (double)int_of(db, "SELECT COUNT(*) FROM \"cases\""));
    assert_true(value_of(after, "casekeeper_nightly_recompute_last_success_timestamp_seconds") > 0);

    /* The service figures, against the database (as of the server's today). */
    assert_true(value_of(after, "casekeeper_service_figures_up") == 1);
    size_t lines;
    double overdue = family_sum(after, "casekeeper_obligations_overdue", &lines);
    int64_t want = int_of(db, "SELECT COUNT(*) FROM \"obligations\" WHERE \"status\" = 'unmet' AND \"due\" < "
                              "'2025-11-03'");
    assert_true(want > 0);
    if (overdue != (double)want) fail_msg("overdue obligations: /metrics says %.0f, the database %lld", overdue,
                                          (long long)want);
    assert_true(lines > 1);
    ck_arena a;
    ck_arena_init(&a);
    ck_pdu_cases *rows;
    size_t n_rows;
    assert_int_equal(ck_caseload_pdu_cases(db, NULL, NULL, &a, &rows, &n_rows, err, sizeof err), CK_OK);
    size_t unallocated = 0;
    for (size_t i = 0; i < n_rows; i++) {
        unallocated += rows[i].unallocated;
        if (!rows[i].unallocated || !rows[i].pdu) continue;
        char series[128];
        snprintf(series, sizeof series, "casekeeper_cases_unallocated{pdu=\"%s\"}", rows[i].pdu);
        assert_true(value_of(after, series) == (double)rows[i].unallocated);
    }
    ck_arena_free(&a);
    assert_true(unallocated >= 1);
    assert_true(family_sum(after, "casekeeper_cases_unallocated", &lines) == (double)unallocated);
    /* Codes and counts only: no CRN on the page. */
    assert_null(strstr(after, crn));
    free(before);
    free(after);
    mstop(&m);
}

/* A 404 exactly like a path that does not exist. */
static void expect_hidden(uint16_t port, const char *extra)
{
    th_resp r = get(port, "/metrics", extra), none = get(port, "/no-metrics-here", extra);
    if (r.status != 404) fail_msg("GET /metrics with \"%s\": %d, expected 404", extra ? extra : "", r.status);
    assert_int_equal(none.status, 404);
    char ct1[128], ct2[128];
    assert_non_null(th_header(&r, "Content-Type", ct1, sizeof ct1));
    assert_non_null(th_header(&none, "Content-Type", ct2, sizeof ct2));
    assert_string_equal(ct1, ct2);
    assert_string_equal(r.body, none.body);
    assert_null(strstr(r.body, "casekeeper_"));
    th_resp_free(&r);
    th_resp_free(&none);
}

static void expect_shown(uint16_t port, const char *extra)
{
    th_resp r = get(port, "/metrics", extra);
    if (r.status != 200) fail_msg("GET /metrics with \"%s\": %d, expected 200", extra ? extra : "", r.status);
    assert_non_null(strstr(r.body, "# TYPE casekeeper_http_requests_total counter"));
    th_resp_free(&r);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_who_may_read(void **state)
{
    ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    char dir[64], token_file[96], short_file[96], conf[256];
    snprintf(dir, sizeof dir, "/tmp/ck-metrics-token.XXXXXX");
    if (!mkdtemp(dir)) fail_msg("mkdtemp");
    snprintf(token_file, sizeof token_file, "%s/token", dir);
    snprintf(short_file, sizeof short_file, "%s/short", dir);
    write_file(token_file, TOKEN "\n");
    write_file(short_file, "too-short\n");

    /* No token configured, no proxy: a direct local client may; a header
     * naming another client is not believed from it. */
    mserver m = {0};
    mstart(&m, url, NULL, NULL, false);
    expect_shown(m.port, NULL);
    expect_shown(m.port, "X-Forwarded-For: 203.0.113.9\r\n");
    mstop(&m);

    /* Behind nginx on this machine: what the proxy forwards is not local
     * (it carries a forwarding header); Prometheus beside it is. */
    snprintf(conf, sizeof conf, "metrics_token_file = %s\n", token_file);
    mstart(&m, url, conf, "127.0.0.1", false);
    expect_hidden(m.port, "X-Forwarded-For: 127.0.0.1\r\n");
    expect_hidden(m.port, "X-Forwarded-Proto: https\r\n");
    expect_hidden(m.port, "X-Real-IP: 127.0.0.1\r\n");
    expect_hidden(m.port, "Forwarded: for=127.0.0.1\r\n");
    expect_shown(m.port, NULL);
    expect_hidden(m.port, "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer not-the-token-but-long-enough\r\n");
    expect_hidden(m.port, "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer " TOKEN "x\r\n");
    expect_hidden(m.port, "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Basic " TOKEN "\r\n");
    expect_shown(m.port, "Authorization: Bearer " TOKEN "\r\n");
    expect_shown(m.port, "X-Forwarded-For: 198.51.100.7\r\nAuthorization: Bearer " TOKEN "\r\n");
    mstop(&m);

    /* A proxy elsewhere: this machine's own client is direct again. */
    mstart(&m, url, NULL, "192.0.2.1", false);
    expect_shown(m.port, NULL);
    mstop(&m);

    /* A token too short is never accepted, and serve refuses to start on it. */
    snprintf(conf, sizeof conf, "metrics_token_file = %s\n", short_file);
    mstart(&m, url, conf, "127.0.0.1", false);
    expect_hidden(m.port, "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer too-short\r\n");
    char err[256];
    assert_false(ck_metrics_config_ok(m.cfg, err, sizeof err));
    assert_non_null(strstr(err, "metrics_token_file"));
    mstop(&m);
    snprintf(conf, sizeof conf, "metrics_token_file = %s/missing\n", dir);
    ck_rules_config *cfg = ck_rulecfg_parse(conf, strlen(conf), err, sizeof err);
    assert_non_null(cfg);
    assert_false(ck_metrics_config_ok(cfg, err, sizeof err));
    assert_non_null(strstr(err, "metrics_token_file"));
    ck_rulecfg_free(cfg);
    unlink(token_file);
    unlink(short_file);
    rmdir(dir);
}

/* The JSON access log: every line one object; the signed-in case read's
 * line has its id, pattern, status, user and bytes; no CRN anywhere. */
static void test_json_access_log(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    generated_cases(state);
    tw_add_user(db, "quality", CK_ROLE_QA, NULL);
    int64_t user_id = int_of(db, "SELECT \"user_id\" FROM \"users\" WHERE \"username\" = 'quality'");
    char log_path[] = "/tmp/ck-metrics-log.XXXXXX";
    int fd = mkstemp(log_path);
    assert_true(fd >= 0);
    ck_log_set_fd(fd);
    ck_log_set_format(CK_LOG_JSON);
    mserver m = {0};
    mstart(&m, url, NULL, NULL, true);
    char cookie[128], crn[32], path[96], id[80];
    tw_sign_in_as(m.port, "quality", cookie, sizeof cookie);
    ck_test_db_text(db, "SELECT MAX(\"crn\") FROM \"cases\"", crn, sizeof crn);
    snprintf(path, sizeof path, "/api/v1/cases/%s", crn);
    th_resp r = tw_req(m.port, "GET", path, cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(th_header(&r, "X-Request-Id", id, sizeof id));
    size_t body_len = r.body_len;
    th_resp_free(&r);
    mstop(&m);
    ck_log_set_fd(-1);
    ck_log_set_format(CK_LOG_TEXT);
    close(fd);

    FILE *f = fopen(log_path, "r");
    assert_non_null(f);
    char line[4096];
    size_t lines = 0, requests = 0;
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        lines++;
        if (strstr(line, crn)) fail_msg("the CRN %s in the log: %s", crn, line);
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        if (!json_is_object(j)) fail_msg("not a JSON object: %s (%s)", line, je.text);
        assert_true(json_is_string(json_object_get(j, "time")));
        const char *event = json_string_value(json_object_get(j, "event"));
        if (event && strcmp(event, "request") == 0) {
            requests++;
            assert_true(json_is_string(json_object_get(j, "request_id")));
            assert_true(json_is_string(json_object_get(j, "route")));
            assert_true(json_is_integer(json_object_get(j, "status")));
            assert_true(json_is_number(json_object_get(j, "duration_ms")));
            assert_true(json_is_integer(json_object_get(j, "bytes")));
            assert_non_null(json_object_get(j, "user"));
        }
        if (event && ck_streq(json_string_value(json_object_get(j, "request_id")), id)) {
            found = true;
            assert_string_equal(json_string_value(json_object_get(j, "route")), "/api/v1/cases/{crn}");
            assert_string_equal(json_string_value(json_object_get(j, "method")), "GET");
            assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
            assert_int_equal(json_integer_value(json_object_get(j, "user")), user_id);
            assert_int_equal(json_integer_value(json_object_get(j, "bytes")), body_len);
        }
        json_decref(j);
    }
    fclose(f);
    unlink(log_path);
    assert_true(requests >= 2); /* the sign-in and the read */
    assert_true(found);
    assert_true(lines >= requests);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_metrics_pass_promtool_and_move),
        CK_DB_TEST(test_who_may_read),
        CK_DB_TEST(test_json_access_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
