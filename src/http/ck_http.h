/* ck_http: the HTTP server core (libmicrohttpd) and its router.
 *
 * One server serves a static route table of {method, pattern, handler,
 * permission}. A pattern is literal segments and {name} segments
 * ("/api/v1/cases/{crn}/contacts/{id}"); a {name} segment matches one
 * non-empty path segment and is read back with ck_http_param. The first row
 * that matches wins, so list literal rows before parameter rows that overlap
 * them. A GET row also answers HEAD. A path no row matches is a 404 problem;
 * a path that matches only rows of other methods is a 405 with Allow.
 *
 * Every route must declare a permission ("public" for everyone, otherwise
 * "case:read", "case:write", ...): ck_http_start refuses a table in which one
 * does not, so no route can be added without deciding who may call it. The
 * core does not interpret permissions: the server's authorize hook (the
 * security module's ck_auth_authorize) runs before every handler, and
 * ck_http_start refuses a table with any non-public route when no hook is
 * configured, so a permission can never go unchecked.
 *
 * The core knows nothing of cases: one request/response API (headers, query
 * parameters, cookies, form and JSON bodies, status, content type) serves the
 * JSON API and the HTML web app alike. Every response carries an X-Request-Id
 * (the trusted proxy's own when it sends a well-formed one, else a new one),
 * the security headers, and Cache-Control: no-store unless the handler sets
 * its own Cache-Control (static assets may be cached; data may not). A
 * request that reached us over TLS (X-Forwarded-Proto: https from the
 * trusted proxy) also gets Strict-Transport-Security.
 *
 * Threads: libmicrohttpd runs an epoll thread pool; a handler runs on one
 * worker thread and may block (database work). Each worker thread opens its
 * own database connection on first use (ck_http_db); ck_http_stop closes them
 * after the workers have stopped.
 *
 * Limits: a request body over max_body (default CK_HTTP_MAX_BODY) is answered
 * 413 without being buffered: at once when Content-Length says so, else once
 * the upload ends (the excess is discarded unread); an upload that goes on
 * past twice the limit is cut off by closing the connection. Idle connections
 * are closed after timeout_s seconds (libmicrohttpd's timeout, which every
 * byte received resets). A connection that has not delivered one whole
 * request, headers and body, within request_deadline_s of its start (or of
 * its previous response) is closed however steadily it trickles bytes (a
 * slow-header attack). One address may hold at most per_address_limit
 * connections at once; more are closed as soon as they are accepted. */
#ifndef CK_HTTP_H
#define CK_HTTP_H
#include "ck_buf.h"
#include "ck_date.h"
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_metrics.h"
#include "ck_str.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CK_HTTP_MAX_BODY ((size_t)8 << 20) /* 8 MiB: a large case bundle is well under 1 MiB */
#define CK_HTTP_TIMEOUT_S 30u              /* idle keep-alive connections */
#define CK_HTTP_REQUEST_DEADLINE_S 30u     /* receiving one whole request */
#define CK_HTTP_MAX_PARAMS 8               /* {name} segments in one pattern */
#define CK_HTTP_REQUEST_ID_MAX 64          /* longest X-Request-Id accepted from a proxy */

/* One request and the response being built for it. Valid only during the
 * handler call; everything it returns lives until the response is sent. */
typedef struct ck_http_req ck_http_req;
typedef struct ck_http_server ck_http_server;

typedef void (*ck_http_handler)(ck_http_req *r);

typedef struct ck_route {
    const char *method;     /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
    const char *pattern;    /* "/api/v1/cases/{crn}" */
    ck_http_handler handler;
    const char *permission; /* required: "public", "case:read", ... */
} ck_route;

typedef struct ck_http_config {
    const char *host;       /* numeric address or host name; NULL: 127.0.0.1 */
    uint16_t port;          /* 0: a free port (ck_http_port tells which) */
    unsigned threads;       /* worker threads; 0: two per online core */
    size_t max_body;        /* request body cap in bytes; 0: CK_HTTP_MAX_BODY */
    unsigned timeout_s;     /* idle connection timeout; 0: CK_HTTP_TIMEOUT_S */
    unsigned request_deadline_s; /* receiving one whole request; 0: CK_HTTP_REQUEST_DEADLINE_S */
    unsigned per_address_limit;  /* connections one client address may hold; 0: no limit */
    const ck_route *routes; /* ends with a row whose method is NULL */
    const char *db_url;     /* opened once per worker thread by ck_http_db; may be NULL */
    void *db_audit_sink;    /* set on each of those connections (ck_db_set_audit_sink); may be NULL */
    void *app;              /* handed to handlers through ck_http_app */
    bool access_log;        /* one line per request in the log (base/ck_log; route pattern, never the path) */
    /* Renders the core's own errors (404, 405, 413, 500); NULL: problem+json.
     * The web app sets it to answer browsers with an HTML page. */
    void (*on_error)(ck_http_req *r, unsigned status, const char *detail);
    /* Runs after routing and before the handler of every routed request
     * (public routes too, so a signed-in user is known everywhere). Returns
     * false after answering (401, 403, ...); the handler then does not run.
     * Required when any route's permission is not "public". */
    bool (*authorize)(ck_http_req *r);
    /* The numeric address of the reverse proxy (nginx) in front, whose
     * X-Forwarded-For and X-Forwarded-Proto are believed; NULL: none, and
     * those headers are ignored. */
    const char *trusted_proxy;
} ck_http_config;

/* Validates the route table, binds and starts the workers. NULL on error with
 * the reason in err (a route without permission, an address in use, ...). */
ck_http_server *ck_http_start(const ck_http_config *cfg, char *err, size_t err_len);
/* A graceful stop's first half (SIGTERM), before ck_http_stop: stops
 * accepting (MHD_quiesce_daemon; the listening socket is closed, so a new
 * client's connect is refused) and waits up to deadline_s seconds for every
 * connection already accepted to get its response; responses from now on
 * close their connection. Returns how many connections still owed a
 * response when the deadline passed (0: all answered). NULL-safe. */
unsigned ck_http_drain(ck_http_server *s, unsigned deadline_s);
/* Stops accepting, waits for running handlers, closes the workers' database
 * connections, frees the server. NULL-safe. Without ck_http_drain first,
 * connections are closed whether or not their request was answered. */
void ck_http_stop(ck_http_server *s);
uint16_t ck_http_port(const ck_http_server *s);
/* "http://127.0.0.1:43121" ("http://[::1]:8080" for IPv6). */
const char *ck_http_url(const ck_http_server *s);

/* One route table from several: the rows of tables[0], then tables[1], ...
 * (tables ends with NULL; each table ends with a row whose method is NULL),
 * ending with a NULL row, for ck_http_config.routes when one server serves
 * several modules' routes. The caller frees it with ck_free after
 * ck_http_stop. */
ck_route *ck_http_routes_join(const ck_route *const *tables);

/* Splits "HOST:PORT" ("[::1]:8080" for IPv6) into host (NUL-terminated, at
 * most host_len bytes with the NUL) and port. False with a message in err. */
bool ck_http_parse_listen(const char *s, char *host, size_t host_len, uint16_t *port, char *err, size_t err_len);

/* A message line in the log (base/ck_log: text or JSON), shared by the
 * server's own messages. Callers never pass personal data. */
void ck_http_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- Request ------------------------------------------------------------ */

const char *ck_http_method(const ck_http_req *r); /* "HEAD" is reported as sent */
const char *ck_http_path(const ck_http_req *r);   /* percent-decoded, without the query */
const ck_route *ck_http_route(const ck_http_req *r);
const char *ck_http_request_id(const ck_http_req *r);
void *ck_http_app(const ck_http_req *r);
ck_arena *ck_http_arena(ck_http_req *r);          /* freed when the response is sent */
/* A {name} path parameter; NULL when the pattern has none of that name. */
const char *ck_http_param(const ck_http_req *r, const char *name);
/* A query-string parameter, percent-decoded; NULL when absent ("" for "?a"). */
const char *ck_http_query(const ck_http_req *r, const char *name);
const char *ck_http_header(const ck_http_req *r, const char *name); /* case-insensitive */
const char *ck_http_cookie(const ck_http_req *r, const char *name);
/* The request body as received (not NUL-terminated; n == 0 when none). */
ck_str ck_http_body(const ck_http_req *r);
/* True when Content-Type is `type` (parameters such as charset ignored). */
bool ck_http_content_type_is(const ck_http_req *r, const char *type);
/* A field of an application/x-www-form-urlencoded body, decoded ('+' is a
 * space); NULL when absent. The body is parsed on first use. */
const char *ck_http_form(ck_http_req *r, const char *name);
/* This worker thread's database connection, opened on first use. NULL with
 * the reason in err when it cannot be opened or no db_url was configured. */
ck_db *ck_http_db(ck_http_req *r, char *err, size_t err_len);
/* The client's numeric address: the peer's, or when the peer is the trusted
 * proxy the last address of its X-Forwarded-For. Never NULL. */
const char *ck_http_client(ck_http_req *r);
/* Whether the client reached us over TLS (X-Forwarded-Proto: https from the
 * trusted proxy). */
bool ck_http_tls(const ck_http_req *r);
/* What the authorize hook attached to the request (it lives in the
 * request's arena), or NULL. */
void ck_http_set_principal(ck_http_req *r, void *p);
void *ck_http_principal(const ck_http_req *r);
/* The signed-in account's id, for the access log (the authorize hook sets
 * it); 0, the default, logs no user. */
void ck_http_set_user(ck_http_req *r, int64_t user_id);
/* Whether the peer is on this machine (127.0.0.0/8, ::1) and the request
 * was not forwarded: one from the trusted proxy's address that carries a
 * forwarding header (X-Forwarded-For, X-Forwarded-Proto, X-Real-IP,
 * Forwarded; nginx always sets the first two) came from elsewhere, even when
 * nginx runs on this machine. A local client connecting directly, such as
 * Prometheus beside nginx, sends none. */
bool ck_http_direct_loopback(ck_http_req *r);
/* Whether a numeric address is this machine's (127.0.0.0/8, ::1, or
 * 127.x mapped into IPv6). */
bool ck_http_loopback_address(const char *addr);
ck_http_server *ck_http_server_of(const ck_http_req *r);

/* ---- Response ----------------------------------------------------------- */

void ck_http_status(ck_http_req *r, unsigned status);
/* Adds a header (name and value copied). Repeats are kept (Set-Cookie). A
 * value holding CR or LF makes the response a 500: it would split headers. */
void ck_http_header_add(ck_http_req *r, const char *name, const char *value);
void ck_http_content_type(ck_http_req *r, const char *type);
/* 200 with the body written to ck_http_out as a CSV download named
 * "WHAT-UNIT-DATE.csv"; unit's characters other than letters and digits
 * become '-', so a code cannot break the header. */
void ck_http_csv_download(ck_http_req *r, const char *what, const char *unit, ck_date as_of);
/* The response body; append to it. Capped at CK_BUF_DEFAULT_LIMIT. */
ck_buf *ck_http_out(ck_http_req *r);
/* A body that outlives the server (embedded assets): sent without copying. */
void ck_http_static_body(ck_http_req *r, const void *data, size_t len);
/* A body held by a reference (a cache entry): sent without copying, and
 * release(ctx) called once it has been sent or the response is dropped. */
void ck_http_shared_body(ck_http_req *r, const void *data, size_t len, void (*release)(void *), void *ctx);
/* status + application/json body; takes the reference to j. */
void ck_http_json(ck_http_req *r, unsigned status, json_t *j);
/* An RFC 9457 problem (application/problem+json): {type, title, status,
 * detail[, errors]}. type NULL means "about:blank" and title NULL the status
 * phrase. errors (reference taken; may be NULL) is an array of
 * {"path": ..., "message": ...}. detail may be NULL. */
void ck_http_problem(ck_http_req *r, unsigned status, const char *type, const char *title,
                     const char *detail, json_t *errors);
/* The same with extension members (reference taken; may be NULL) added to
 * the problem object beside type, title, status and detail, which they
 * cannot replace: {"current_version": 5}. */
void ck_http_problem_with(ck_http_req *r, unsigned status, const char *type, const char *title,
                          const char *detail, json_t *members);
/* A JSON string of s (null for NULL), never NULL: bytes that are not valid UTF-8 become '?'
 * (messages may quote what a client sent). */
json_t *ck_http_json_text(const char *s);
/* What json_dump writes for ck_http_json_text(s), appended to b: for a
 * response written straight into ck_http_out. */
void ck_http_json_text_write(ck_buf *b, const char *s);
/* An error answered the server's way: its on_error renderer, else a
 * problem with detail (the authorize hook's 401s and 403s go this way). */
void ck_http_error(ck_http_req *r, unsigned status, const char *detail);
/* "Not Found" for 404, ... ; "Error" for a status it does not know. */
const char *ck_http_reason(unsigned status);

/* ---- Metrics ------------------------------------------------------------
 *
 * Every response is counted under its route row (by status) and its time,
 * from the request's arrival to its response being queued, observed in the
 * row's histogram; a request no row answers (404, 405, a 413 before
 * routing) under an extra row after the last. The server's statuses are
 * those ck_http_reason knows, each a slot, and one slot for any other. */
#define CK_HTTP_STATUS_SLOTS 22
typedef struct ck_http_route_stats {
    ck_histogram seconds;
    ck_counter by_status[CK_HTTP_STATUS_SLOTS];
} ck_http_route_stats;
size_t ck_http_status_slot(unsigned status);
unsigned ck_http_slot_status(size_t slot); /* 0 for the slot of other statuses */
/* The route rows (n of them), row i (NULL for i == n, the unrouted), and the
 * figures of row i (0 <= i <= n). */
size_t ck_http_route_rows(const ck_http_server *s);
const ck_route *ck_http_route_row(const ck_http_server *s, size_t i);
const ck_http_route_stats *ck_http_route_stats_of(const ck_http_server *s, size_t i);

#endif
