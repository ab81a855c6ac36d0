/* The HTTP core against a test route table, over real sockets. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_http.h"

#define TEST_MAX_BODY 1024

static void h_hello(ck_http_req *r)
{
    ck_http_status(r, 200);
    ck_http_content_type(r, "text/plain; charset=utf-8");
    ck_buf_puts(ck_http_out(r), "hello");
}

static void h_item(ck_http_req *r)
{
    ck_http_json(r, 200, json_pack("{s:s, s:s}", "id", ck_http_param(r, "id"), "method", ck_http_method(r)));
}

static void h_sub(ck_http_req *r)
{
    ck_http_json(r, 200, json_pack("{s:s, s:s}", "id", ck_http_param(r, "id"), "sub", ck_http_param(r, "sub")));
}

static void h_echo(ck_http_req *r)
{
    ck_str b = ck_http_body(r);
    ck_http_status(r, 200);
    ck_http_content_type(r, "application/octet-stream");
    ck_buf_append(ck_http_out(r), b.p, b.n);
}

static void h_query(ck_http_req *r)
{
    const char *q = ck_http_query(r, "q"), *flag = ck_http_query(r, "flag");
    const char *hdr = ck_http_header(r, "x-test"), *cookie = ck_http_cookie(r, "session");
    ck_http_json(r, 200, json_pack("{s:s?, s:s?, s:s?, s:s?, s:b}", "q", q, "flag", flag, "header", hdr,
                                   "cookie", cookie, "json", ck_http_content_type_is(r, "application/json")));
}

static void h_form(ck_http_req *r)
{
    ck_http_json(r, 200, json_pack("{s:s?, s:s?, s:s?}", "a", ck_http_form(r, "a"), "b", ck_http_form(r, "b"),
                                   "missing", ck_http_form(r, "missing")));
}

static void h_static(ck_http_req *r)
{
    static const char css[] = "body{margin:0}";
    ck_http_status(r, 200);
    ck_http_content_type(r, "text/css");
    ck_http_header_add(r, "Cache-Control", "public, max-age=3600");
    ck_http_static_body(r, css, sizeof css - 1);
}

static void h_bad_header(ck_http_req *r)
{
    ck_http_header_add(r, "X-Injected", "a\r\nSet-Cookie: x=1");
    ck_http_json(r, 200, json_pack("{s:s}", "secret", "must not be sent"));
}

static void h_no_status(ck_http_req *r) { ck_buf_puts(ck_http_out(r), "forgot the status"); }

static void h_cookie(ck_http_req *r)
{
    ck_http_header_add(r, "Set-Cookie", "a=1; HttpOnly");
    ck_http_header_add(r, "Set-Cookie", "b=2; HttpOnly");
    ck_http_status(r, 204);
}

static void h_no_db(ck_http_req *r)
{
    char err[256];
    ck_db *db = ck_http_db(r, err, sizeof err);
    ck_http_problem(r, db ? 200 : 503, NULL, NULL, db ? NULL : err, NULL);
}

/* Which connection served: its address, to see connections reused per thread. */
static void h_which_db(ck_http_req *r)
{
    char err[256], id[32];
    ck_db *db = ck_http_db(r, err, sizeof err);
    if (!db) {
        ck_http_problem(r, 503, NULL, NULL, err, NULL);
        return;
    }
    snprintf(id, sizeof id, "%p", (void *)db);
    ck_http_json(r, 200, json_pack("{s:s, s:b}", "db", id, "ping", ck_db_ping(db)));
}

static const ck_route test_routes[] = {
    {"GET", "/hello", h_hello, "public"},
    {"GET", "/items/{id}", h_item, "case:read"},
    {"PUT", "/items/{id}", h_item, "case:write"},
    {"GET", "/items/{id}/sub/{sub}", h_sub, "case:read"},
    {"POST", "/echo", h_echo, "public"},
    {"GET", "/query", h_query, "public"},
    {"POST", "/form", h_form, "public"},
    {"GET", "/static.css", h_static, "public"},
    {"GET", "/bad-header", h_bad_header, "public"},
    {"GET", "/no-status", h_no_status, "public"},
    {"POST", "/cookie", h_cookie, "public"},
    {"GET", "/no-db", h_no_db, "public"},
    {NULL, NULL, NULL, NULL},
};

/* This suite tests the core, not who may call it (test_security does):
 * every caller may. */
static bool allow_all(ck_http_req *r)
{
    (void)r;
    return true;
}

static ck_http_server *srv;
static uint16_t port;

static int start_server(void **state)
{
    (void)state;
    char err[256];
    ck_http_config cfg = {.port = 0, .threads = 2, .max_body = TEST_MAX_BODY, .routes = test_routes,
                          .authorize = allow_all};
    srv = ck_http_start(&cfg, err, sizeof err);
    if (!srv) fprintf(stderr, "ck_http_start: %s\n", err);
    port = srv ? ck_http_port(srv) : 0;
    return srv ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    ck_http_stop(srv);
    return 0;
}

static bool has_header(const th_resp *r, const char *name, const char *value)
{
    char v[512];
    return th_header(r, name, v, sizeof v) && strcmp(v, value) == 0;
}

static void test_url_and_port(void **state)
{
    (void)state;
    char want[64];
    assert_true(port > 0);
    snprintf(want, sizeof want, "http://127.0.0.1:%u", port);
    assert_string_equal(ck_http_url(srv), want);
}

static void test_keep_alive(void **state)
{
    (void)state;
    th_conn c;
    th_resp a, b, d;
    char v[64];
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, "GET", "/hello", NULL, NULL, NULL));
    assert_true(th_recv(&c, &a));
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body, "hello");
    assert_null(th_header(&a, "Connection", v, sizeof v));
    assert_true(th_send(&c, "GET", "/items/7", NULL, NULL, NULL));
    assert_true(th_recv(&c, &b));
    assert_int_equal(b.status, 200);
    assert_string_equal(b.body, "{\"id\":\"7\",\"method\":\"GET\"}");
    assert_null(th_header(&b, "Connection", v, sizeof v));
    /* Still open: a third request, with a body, is answered on it too. */
    assert_true(th_send(&c, "POST", "/echo", NULL, "text/plain", "abc"));
    assert_true(th_recv(&c, &d));
    assert_int_equal(d.status, 200);
    assert_string_equal(d.body, "abc");
    th_resp_free(&a), th_resp_free(&b), th_resp_free(&d);
    th_close(&c);
}

static void test_pipelined(void **state)
{
    (void)state;
    th_conn c;
    th_resp a, b;
    const char two[] = "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_true(th_connect(&c, port));
    assert_true(th_write(&c, two, sizeof two - 1));
    assert_true(th_recv(&c, &a));
    assert_true(th_recv(&c, &b));
    assert_string_equal(a.body, "{\"id\":\"1\",\"method\":\"GET\"}");
    assert_string_equal(b.body, "{\"id\":\"2\",\"method\":\"GET\"}");
    th_resp_free(&a), th_resp_free(&b);
    th_close(&c);
}

static void test_not_found(void **state)
{
    (void)state;
    const char *paths[] = {"/nope", "/items", "/items/", "/items/7/extra", "/hello/", "/"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        th_resp r;
        char v[128];
        assert_true(th_request(port, "GET", paths[i], NULL, &r));
        assert_int_equal(r.status, 404);
        assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "application/problem+json");
        json_t *j = json_loads(r.body, 0, NULL);
        assert_non_null(j);
        assert_string_equal(json_string_value(json_object_get(j, "type")), "about:blank");
        assert_string_equal(json_string_value(json_object_get(j, "title")), "Not Found");
        assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
        assert_non_null(json_string_value(json_object_get(j, "detail")));
        json_decref(j);
        th_resp_free(&r);
    }
}

static void test_method_not_allowed(void **state)
{
    (void)state;
    th_resp r;
    char v[128];
    assert_true(th_request(port, "DELETE", "/items/7", NULL, &r));
    assert_int_equal(r.status, 405);
    assert_string_equal(th_header(&r, "Allow", v, sizeof v), "GET, HEAD, PUT");
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "application/problem+json");
    th_resp_free(&r);
    /* A body sent to a wrong method is discarded, and the answer is still 405. */
    assert_true(th_request(port, "POST", "/hello", "{\"x\":1}", &r));
    assert_int_equal(r.status, 405);
    assert_string_equal(th_header(&r, "Allow", v, sizeof v), "GET, HEAD");
    th_resp_free(&r);
    /* The parameter route answers PUT with the same handler. */
    assert_true(th_request(port, "PUT", "/items/9", "{}", &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"id\":\"9\",\"method\":\"PUT\"}");
    th_resp_free(&r);
}

static void test_head(void **state)
{
    (void)state;
    th_conn c;
    th_resp r;
    char v[32];
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, "HEAD", "/hello", NULL, NULL, NULL));
    assert_true(th_recv_ex(&c, &r, true));
    assert_int_equal(r.status, 200);
    assert_string_equal(th_header(&r, "Content-Length", v, sizeof v), "5");
    th_resp_free(&r);
    /* No body came: the next response on the connection parses cleanly. */
    assert_true(th_send(&c, "GET", "/hello", NULL, NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_string_equal(r.body, "hello");
    th_resp_free(&r);
    th_close(&c);
}

static void test_body_limit(void **state)
{
    (void)state;
    char *big = malloc(TEST_MAX_BODY + 2);
    memset(big, 'x', TEST_MAX_BODY + 1);
    big[TEST_MAX_BODY + 1] = '\0';
    th_conn c;
    th_resp r;

    /* Declared too large: 413 at once, and the connection is closed unread. */
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, "POST", "/echo", NULL, "text/plain", big));
    assert_true(th_recv(&c, &r));
    assert_int_equal(r.status, 413);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 413);
    json_decref(j);
    th_resp_free(&r);
    assert_true(th_peer_closed(&c));
    th_close(&c);

    /* Exactly the limit is accepted. */
    big[TEST_MAX_BODY] = '\0';
    assert_true(th_request(port, "POST", "/echo", big, &r));
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, TEST_MAX_BODY);
    th_resp_free(&r);

    /* Chunked, so the size is known only as it arrives: 413 once it ends. */
    assert_true(th_connect(&c, port));
    const char head[] = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_true(th_write(&c, head, sizeof head - 1));
    char chunk[16];
    for (int i = 0; i < 3; i++) {
        snprintf(chunk, sizeof chunk, "%x\r\n", 600);
        assert_true(th_write(&c, chunk, strlen(chunk)));
        assert_true(th_write(&c, big, 600));
        assert_true(th_write(&c, "\r\n", 2));
    }
    assert_true(th_write(&c, "0\r\n\r\n", 5));
    assert_true(th_recv(&c, &r));
    assert_int_equal(r.status, 413);
    th_resp_free(&r);
    th_close(&c);
    free(big);
}

static void test_upload_cut_off(void **state)
{
    (void)state;
    /* A chunked upload that goes on past twice the limit is cut off. */
    th_conn c;
    char buf[512], chunk[16];
    memset(buf, 'y', sizeof buf);
    assert_true(th_connect(&c, port));
    const char head[] = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_true(th_write(&c, head, sizeof head - 1));
    bool write_failed = false;
    for (int i = 0; i < 64 && !write_failed; i++) {
        snprintf(chunk, sizeof chunk, "%zx\r\n", sizeof buf);
        write_failed = !th_write(&c, chunk, strlen(chunk)) || !th_write(&c, buf, sizeof buf) ||
                       !th_write(&c, "\r\n", 2);
    }
    /* Either the writes failed or the server's side reads as closed. */
    assert_true(write_failed || th_peer_closed(&c));
    th_close(&c);
}

static void test_headers_on_every_response(void **state)
{
    (void)state;
    const char *paths[] = {"/hello", "/items/3", "/nope", "/bad-header"};
    char first_id[512] = "";
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        th_resp r;
        char v[512];
        assert_true(th_request(port, "GET", paths[i], NULL, &r));
        assert_non_null(th_header(&r, "X-Request-Id", v, sizeof v));
        assert_int_equal(strlen(v), 32);
        assert_int_equal(strspn(v, "0123456789abcdef"), 32);
        assert_string_not_equal(v, first_id);
        snprintf(first_id, sizeof first_id, "%s", v);
        assert_non_null(th_header(&r, "Content-Security-Policy", v, sizeof v));
        assert_non_null(strstr(v, "default-src 'self'"));
        assert_non_null(strstr(v, "frame-ancestors 'none'"));
        assert_true(has_header(&r, "X-Content-Type-Options", "nosniff"));
        assert_true(has_header(&r, "Referrer-Policy", "same-origin"));
        assert_true(has_header(&r, "Cache-Control", "no-store"));
        th_resp_free(&r);
    }
}

static void test_request_id_from_proxy(void **state)
{
    (void)state;
    th_conn c;
    th_resp r;
    char v[128], err[256];
    /* A client that is not the trusted proxy cannot choose its request's ID. */
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, "GET", "/hello", "X-Request-Id: proxy-abc.123_X\r\n", NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_non_null(th_header(&r, "X-Request-Id", v, sizeof v));
    assert_int_equal(strlen(v), 32);
    th_resp_free(&r);
    th_close(&c);
    /* The trusted proxy's is kept, so its log and ours line up. */
    ck_http_config cfg = {.port = 0, .threads = 1, .routes = test_routes, .authorize = allow_all,
                          .trusted_proxy = "127.0.0.1"};
    ck_http_server *s = ck_http_start(&cfg, err, sizeof err);
    assert_non_null(s);
    assert_true(th_connect(&c, ck_http_port(s)));
    assert_true(th_send(&c, "GET", "/hello", "X-Request-Id: proxy-abc.123_X\r\n", NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_true(has_header(&r, "X-Request-Id", "proxy-abc.123_X"));
    th_resp_free(&r);
    /* Anything that could forge a log line is replaced, even from the proxy. */
    assert_true(th_send(&c, "GET", "/hello", "X-Request-Id: a b<script>\r\n", NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_non_null(th_header(&r, "X-Request-Id", v, sizeof v));
    assert_int_equal(strlen(v), 32);
    th_resp_free(&r);
    th_close(&c);
    ck_http_stop(s);
}

static void test_handler_cache_control_kept(void **state)
{
    (void)state;
    th_resp r;
    assert_true(th_request(port, "GET", "/static.css", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "body{margin:0}");
    assert_true(has_header(&r, "Cache-Control", "public, max-age=3600"));
    assert_true(has_header(&r, "Content-Type", "text/css"));
    assert_true(has_header(&r, "X-Content-Type-Options", "nosniff"));
    th_resp_free(&r);
}

static void test_handler_mistakes_are_500(void **state)
{
    (void)state;
    th_resp r;
    char v[64];
    assert_true(th_request(port, "GET", "/bad-header", NULL, &r));
    assert_int_equal(r.status, 500);
    assert_null(th_header(&r, "X-Injected", v, sizeof v));
    assert_null(th_header(&r, "Set-Cookie", v, sizeof v));
    assert_null(strstr(r.body, "must not be sent"));
    assert_true(has_header(&r, "Content-Type", "application/problem+json"));
    th_resp_free(&r);
    assert_true(th_request(port, "GET", "/no-status", NULL, &r));
    assert_int_equal(r.status, 500);
    assert_null(strstr(r.body, "forgot"));
    th_resp_free(&r);
}

static void test_repeated_headers(void **state)
{
    (void)state;
    th_resp r;
    assert_true(th_request(port, "POST", "/cookie", "", &r));
    assert_int_equal(r.status, 204);
    assert_non_null(strstr(r.head, "Set-Cookie: a=1; HttpOnly\r\n"));
    assert_non_null(strstr(r.head, "Set-Cookie: b=2; HttpOnly\r\n"));
    th_resp_free(&r);
}

static void test_query_header_cookie(void **state)
{
    (void)state;
    th_conn c;
    th_resp r;
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, "GET", "/query?q=Sam%20O%27Neil&flag", "X-Test: yes\r\nCookie: other=1; session=s3\r\n",
                        NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_string_equal(r.body, "{\"q\":\"Sam O'Neil\",\"flag\":\"\",\"header\":\"yes\",\"cookie\":\"s3\",\"json\":false}");
    th_resp_free(&r);
    assert_true(th_send(&c, "GET", "/query", "Content-Type: Application/JSON; charset=utf-8\r\n", NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_string_equal(r.body, "{\"q\":null,\"flag\":null,\"header\":null,\"cookie\":null,\"json\":true}");
    th_resp_free(&r);
    th_close(&c);
}

static void test_form_and_params(void **state)
{
    (void)state;
    th_conn c;
    th_resp r;
    assert_true(th_connect(&c, port));
    assert_true(th_send(&c, "POST", "/form", NULL, "application/x-www-form-urlencoded",
                        "a=x+y%26z&&b=%E2%9C%93&bad=%zz&a=second"));
    assert_true(th_recv(&c, &r));
    assert_string_equal(r.body, "{\"a\":\"x y&z\",\"b\":\"\xe2\x9c\x93\",\"missing\":null}");
    th_resp_free(&r);
    assert_true(th_send(&c, "GET", "/items/X1/sub/K%202", NULL, NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_string_equal(r.body, "{\"id\":\"X1\",\"sub\":\"K 2\"}");
    th_resp_free(&r);
    /* The path is decoded before routing: an encoded slash separates segments. */
    assert_true(th_send(&c, "GET", "/items/X1/sub/K%2F2", NULL, NULL, NULL));
    assert_true(th_recv(&c, &r));
    assert_int_equal(r.status, 404);
    th_resp_free(&r);
    th_close(&c);
}

static void test_no_database_configured(void **state)
{
    (void)state;
    th_resp r;
    assert_true(th_request(port, "GET", "/no-db", NULL, &r));
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "no database"));
    th_resp_free(&r);
}

/* ---- Start-up refusals ------------------------------------------------------ */

static void expect_refused(const ck_route *routes, const char *needle)
{
    char err[256] = "";
    ck_http_config cfg = {.port = 0, .threads = 1, .routes = routes};
    ck_http_server *s = ck_http_start(&cfg, err, sizeof err);
    if (s) ck_http_stop(s);
    assert_null(s);
    if (!strstr(err, needle)) fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

static void test_route_without_permission_refused(void **state)
{
    (void)state;
    const ck_route missing[] = {{"GET", "/a", h_hello, "public"}, {"GET", "/b", h_hello, NULL}, {NULL, NULL, NULL, NULL}};
    const ck_route empty[] = {{"GET", "/a", h_hello, ""}, {NULL, NULL, NULL, NULL}};
    expect_refused(missing, "route GET /b: no permission");
    expect_refused(empty, "route GET /a: no permission");
}

static void test_bad_route_tables_refused(void **state)
{
    (void)state;
    const ck_route none[] = {{NULL, NULL, NULL, NULL}};
    const ck_route rel[] = {{"GET", "a", h_hello, "public"}, {NULL, NULL, NULL, NULL}};
    const ck_route brace[] = {{"GET", "/a/{id", h_hello, "public"}, {NULL, NULL, NULL, NULL}};
    const ck_route slash[] = {{"GET", "/a/", h_hello, "public"}, {NULL, NULL, NULL, NULL}};
    const ck_route dup[] = {{"GET", "/a", h_hello, "public"}, {"GET", "/a", h_item, "public"}, {NULL, NULL, NULL, NULL}};
    const ck_route verb[] = {{"FETCH", "/a", h_hello, "public"}, {NULL, NULL, NULL, NULL}};
    const ck_route nohandler[] = {{"GET", "/a", NULL, "public"}, {NULL, NULL, NULL, NULL}};
    expect_refused(none, "empty");
    expect_refused(rel, "start with /");
    expect_refused(brace, "{name}");
    expect_refused(slash, "ends with /");
    expect_refused(dup, "listed twice");
    expect_refused(verb, "unknown method");
    expect_refused(nohandler, "no handler");
}

static void test_address_in_use(void **state)
{
    (void)state;
    char err[256] = "";
    ck_http_config cfg = {.port = port, .threads = 1, .routes = test_routes, .authorize = allow_all};
    ck_http_server *s = ck_http_start(&cfg, err, sizeof err);
    if (s) ck_http_stop(s);
    assert_null(s);
    assert_non_null(strstr(err, "in use"));
}

static void test_database_per_worker_thread(void **state)
{
    (void)state;
    const ck_route routes[] = {{"GET", "/db", h_which_db, "public"}, {NULL, NULL, NULL, NULL}};
    char err[256], seen[16][32];
    size_t n_seen = 0;
    ck_http_config cfg = {.port = 0, .threads = 2, .routes = routes, .db_url = "sqlite::memory:"};
    ck_http_server *s = ck_http_start(&cfg, err, sizeof err);
    assert_non_null(s);
    /* Sixteen connections over two workers: at most two connections ever
     * opened, each reused; ck_http_stop closes them (LeakSanitizer checks). */
    for (int i = 0; i < 16; i++) {
        th_resp r;
        assert_true(th_request(ck_http_port(s), "GET", "/db", NULL, &r));
        assert_int_equal(r.status, 200);
        json_t *j = json_loads(r.body, 0, NULL);
        const char *id = json_string_value(json_object_get(j, "db"));
        assert_non_null(id);
        assert_true(json_is_true(json_object_get(j, "ping")));
        bool known = false;
        for (size_t k = 0; k < n_seen; k++) known = known || strcmp(seen[k], id) == 0;
        if (!known) snprintf(seen[n_seen++], sizeof seen[0], "%s", id);
        json_decref(j);
        th_resp_free(&r);
    }
    assert_true(n_seen >= 1 && n_seen <= 2);
    ck_http_stop(s);
}

static void test_parse_listen(void **state)
{
    (void)state;
    char host[64], err[128];
    uint16_t p;
    assert_true(ck_http_parse_listen("127.0.0.1:0", host, sizeof host, &p, err, sizeof err));
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(p, 0);
    assert_true(ck_http_parse_listen("[::1]:8080", host, sizeof host, &p, err, sizeof err));
    assert_string_equal(host, "::1");
    assert_int_equal(p, 8080);
    assert_true(ck_http_parse_listen("localhost:65535", host, sizeof host, &p, err, sizeof err));
    assert_string_equal(host, "localhost");
    assert_int_equal(p, 65535);
    const char *bad[] = {"", "localhost", ":80", "h:", "h:65536", "h:-1", "h:8o", "::1:80", "[::1]80", NULL};
    for (const char **b = bad; *b; b++) {
        err[0] = '\0';
        if (ck_http_parse_listen(*b, host, sizeof host, &p, err, sizeof err)) fail_msg("accepted \"%s\"", *b);
        assert_non_null(strstr(err, "expected"));
    }
}

int main(void)
{
    const struct CMUnitTest served[] = {
        cmocka_unit_test(test_url_and_port),
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_pipelined),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_upload_cut_off),
        cmocka_unit_test(test_headers_on_every_response),
        cmocka_unit_test(test_request_id_from_proxy),
        cmocka_unit_test(test_handler_cache_control_kept),
        cmocka_unit_test(test_handler_mistakes_are_500),
        cmocka_unit_test(test_repeated_headers),
        cmocka_unit_test(test_query_header_cookie),
        cmocka_unit_test(test_form_and_params),
        cmocka_unit_test(test_no_database_configured),
        cmocka_unit_test(test_address_in_use),
    };
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_route_without_permission_refused),
        cmocka_unit_test(test_bad_route_tables_refused),
        cmocka_unit_test(test_parse_listen),
        cmocka_unit_test(test_database_per_worker_thread),
    };
    int failed = cmocka_run_group_tests_name("http server", served, start_server, stop_server);
    failed += cmocka_run_group_tests_name("http setup", plain, NULL, NULL);
    return failed;
}
