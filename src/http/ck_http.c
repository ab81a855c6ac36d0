#include "ck_http.h"
#include "ck_form.h"
#include "ck_log.h"
#include "ck_par.h"
#include <ctype.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Sent on every response, errors included. The web app's pages load only
 * their own scripts and styles, post forms only to us, and no page may be
 * framed (clickjacking). */
static const struct {
    const char *name, *value;
} security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    /* same-origin, not no-referrer: under no-referrer browsers send
     * "Origin: null" even on our own form posts, and the CSRF defence
     * checks the Origin. Other sites still get nothing. */
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};
/* Only over TLS: a browser that saw it refuses plain http to us for two years. */
#define HSTS "max-age=63072000; includeSubDomains"
#define FORWARDED_ADDR_MAX 45 /* the longest IPv6 text form */

static const char *const known_methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", NULL};

/* A connection, from accept to close, for the request deadline: the time
 * since which it has been receiving a request (headers and body) that has
 * not yet reached a handler. libmicrohttpd's own timeout is an idle timeout
 * that every byte resets, so a client sending a header line every few
 * seconds would hold its connection for ever without this. */
typedef struct conn_slot {
    struct conn_slot *prev, *next;
    int fd;
    bool receiving; /* false while a handler runs and its response is sent */
    bool cut;       /* shut down by the sweep; libmicrohttpd closes it */
    unsigned served; /* responses completed on it (a drain waits for those with none) */
    struct timespec since;
} conn_slot;

struct ck_http_server {
    struct MHD_Daemon *daemon;
    const ck_route *routes;
    size_t n_routes;
    ck_http_route_stats *stats; /* one per route row, then one for requests no row answered */
    size_t max_body;
    char *db_url;
    void *db_audit_sink;
    void *app;
    bool access_log;
    void (*on_error)(ck_http_req *r, unsigned status, const char *detail);
    bool (*authorize)(ck_http_req *r);
    char *trusted_proxy;
    uint64_t id; /* tells this server's thread-local connections from a previous server's */
    uint16_t port;
    char url[80];
    pthread_mutex_t db_lock; /* guards dbs */
    ck_db **dbs;
    size_t n_dbs;
    /* The request deadline: every open connection, and the sweep thread that
     * shuts down those receiving one request for longer than deadline_s. */
    unsigned deadline_s;
    pthread_mutex_t conn_lock; /* guards conns, stopping */
    pthread_cond_t sweep_wake;
    conn_slot *conns;
    bool stopping, sweeping;
    pthread_t sweeper;
    atomic_bool draining; /* ck_http_drain: every response closes its connection */
};

typedef struct header {
    const char *name, *value;
    struct header *next;
} header;

struct ck_http_req {
    ck_http_server *srv;
    struct MHD_Connection *conn;
    ck_arena arena;
    const char *method, *path;
    const ck_route *route;
    unsigned route_status; /* 404 or 405 when no row answers; 0 when routed */
    const char *pnames[CK_HTTP_MAX_PARAMS], *pvalues[CK_HTTP_MAX_PARAMS];
    size_t n_params;
    ck_buf body;
    size_t received; /* bytes uploaded, kept or not */
    bool too_large;
    bool form_parsed;
    ck_form form;
    char client[64]; /* "" until asked for */
    void *principal;
    int64_t user_id; /* for the log; 0: nobody signed in */
    char request_id[CK_HTTP_REQUEST_ID_MAX + 1];
    struct timespec started;
    /* the response */
    unsigned status;
    header *headers, **tail;
    bool bad_header, has_cache_control;
    const char *content_type;
    ck_buf out;
    const void *static_body;
    size_t static_len;
    /* static_body is held, not static: released (shared_release(shared_ctx))
     * once libmicrohttpd has sent it, or when the response is dropped. */
    void (*shared_release)(void *);
    void *shared_ctx;
};

static atomic_uint_fast64_t next_server_id = 1;
static _Thread_local uint64_t tls_db_owner;
static _Thread_local ck_db *tls_db;

/* ---- Logging -------------------------------------------------------------- */

/* Every line goes through base/ck_log, text or JSON as `serve --log-format` chose. */
void ck_http_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ck_log_vmsg(fmt, ap);
    va_end(ap);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    ck_log_vmsg(fmt, ap);
}

/* ---- Route table ---------------------------------------------------------- */

static bool method_known(const char *m)
{
    for (const char *const *k = known_methods; *k; k++)
        if (strcmp(*k, m) == 0) return true;
    return false;
}

/* Checks one pattern's shape; returns NULL or what is wrong. */
static const char *pattern_problem(const char *p)
{
    if (!p || p[0] != '/') return "the pattern must start with /";
    size_t params = 0;
    for (const char *s = p + 1; *s;) {
        const char *end = strchr(s, '/');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n == 0) return "the pattern has an empty segment";
        bool open = s[0] == '{', close = s[n - 1] == '}';
        if (open != close || (open && n < 3)) return "a parameter segment must be {name}";
        if (open && ++params > CK_HTTP_MAX_PARAMS) return "too many {name} segments";
        if (!open && (memchr(s, '{', n) || memchr(s, '}', n))) return "braces only around a whole segment";
        s += n + (end ? 1 : 0);
        if (end && !*s) return "the pattern ends with /";
    }
    return NULL;
}

static bool routes_valid(const ck_route *routes, bool authorized, char *err, size_t err_len)
{
    if (!routes || !routes[0].method) {
        snprintf(err, err_len, "the route table is empty");
        return false;
    }
    for (const ck_route *r = routes; r->method; r++) {
        const char *pat = r->pattern ? r->pattern : "(null)";
        const char *why = pattern_problem(r->pattern);
        if (!why && !method_known(r->method)) why = "unknown method";
        if (!why && !r->handler) why = "no handler";
        if (!why && (!r->permission || !r->permission[0]))
            why = "no permission (every route declares one: \"public\" or the permission it needs)";
        if (!why && !authorized && strcmp(r->permission, "public") != 0)
            why = "its permission would go unchecked: the server has no authorize hook";
        for (const ck_route *q = routes; !why && q < r; q++)
            if (strcmp(q->method, r->method) == 0 && strcmp(q->pattern, r->pattern) == 0) why = "listed twice";
        if (why) {
            snprintf(err, err_len, "route %s %s: %s", r->method, pat, why);
            return false;
        }
    }
    return true;
}

/* Matches path against pattern; on success records the {name} values in r
 * when r is given (copies in its arena). */
static bool route_match(const char *pattern, const char *path, ck_http_req *r)
{
    const char *p = pattern, *s = path;
    if (r) r->n_params = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/') return false;
        p++, s++;
        size_t pn = strcspn(p, "/"), sn = strcspn(s, "/");
        if (p[0] == '{') {
            if (sn == 0) return false;
            if (r) {
                r->pnames[r->n_params] = ck_arena_strndup(&r->arena, p + 1, pn - 2);
                r->pvalues[r->n_params++] = ck_arena_strndup(&r->arena, s, sn);
            }
        } else if (pn != sn || memcmp(p, s, pn) != 0) {
            return false;
        }
        p += pn, s += sn;
    }
    return !*p && !*s;
}

static void route_request(ck_http_req *r)
{
    /* HEAD is GET without the body; libmicrohttpd leaves the body out. */
    const char *m = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
    bool path_known = false;
    for (const ck_route *rt = r->srv->routes; rt->method; rt++) {
        if (!route_match(rt->pattern, r->path, NULL)) continue;
        path_known = true;
        if (strcmp(rt->method, m) == 0) {
            route_match(rt->pattern, r->path, r);
            r->route = rt;
            return;
        }
    }
    r->route_status = path_known ? 405 : 404;
}

/* "GET, HEAD, PUT": the methods the routes matching this path answer. */
static void allow_header(ck_http_req *r)
{
    ck_buf b = CK_BUF_INIT;
    for (const ck_route *rt = r->srv->routes; rt->method; rt++) {
        if (!route_match(rt->pattern, r->path, NULL)) continue;
        bool seen = false;
        for (const ck_route *q = r->srv->routes; q < rt; q++)
            if (strcmp(q->method, rt->method) == 0 && route_match(q->pattern, r->path, NULL)) seen = true;
        if (seen) continue;
        ck_buf_printf(&b, "%s%s", b.len ? ", " : "", rt->method);
        if (strcmp(rt->method, "GET") == 0) ck_buf_puts(&b, ", HEAD");
    }
    ck_http_header_add(r, "Allow", ck_buf_cstr(&b));
    ck_buf_free(&b);
}

/* ---- Request life cycle --------------------------------------------------- */

static void core_error(ck_http_req *r, unsigned status, const char *detail);
static bool from_proxy(const ck_http_req *r, char *peer, size_t peer_len);

static bool request_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > CK_HTTP_REQUEST_ID_MAX) return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

static ck_http_req *req_new(ck_http_server *s, struct MHD_Connection *conn, const char *url, const char *method)
{
    ck_http_req *r = ck_calloc(1, sizeof *r);
    r->srv = s;
    r->conn = conn;
    ck_arena_init(&r->arena);
    r->method = ck_arena_strdup(&r->arena, method);
    r->path = ck_arena_strdup(&r->arena, url);
    r->tail = &r->headers;
    ck_buf_init(&r->body, s->max_body);
    ck_buf_init(&r->out, 0);
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    /* The trusted proxy's ID is kept so its log and ours line up; anyone
     * else's, and anything odd, is replaced (a client could otherwise pick
     * the ID its requests are logged and audited under). */
    char peer[64];
    const char *given =
        from_proxy(r, peer, sizeof peer) ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id") : NULL;
    if (request_id_ok(given)) {
        snprintf(r->request_id, sizeof r->request_id, "%s", given);
    } else {
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(r->request_id, sizeof r->request_id, raw, sizeof raw);
    }
    return r;
}

/* Gives back a held body that no response took over. */
static void release_shared(ck_http_req *r)
{
    if (!r->shared_release) return;
    r->shared_release(r->shared_ctx);
    r->shared_release = NULL;
    r->shared_ctx = NULL;
}

static void req_free(ck_http_req *r)
{
    if (!r) return;
    release_shared(r);
    ck_buf_free(&r->body);
    ck_buf_free(&r->out);
    ck_arena_free(&r->arena);
    ck_free(r);
}

/* ---- Request deadline --------------------------------------------------- */

static conn_slot *slot_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Marks the connection as receiving a request (the clock starts now) or as
 * past that (its request reached the handler or was refused). */
static void slot_receiving(ck_http_server *s, struct MHD_Connection *conn, bool receiving)
{
    conn_slot *c = slot_of(conn);
    if (!c) return;
    pthread_mutex_lock(&s->conn_lock);
    c->receiving = receiving;
    if (receiving) clock_gettime(CLOCK_MONOTONIC, &c->since);
    pthread_mutex_unlock(&s->conn_lock);
}

/* libmicrohttpd calls CLOSED before it closes the socket, and the sweep
 * shuts sockets down only under conn_lock, so it never touches a descriptor
 * that was closed and reused by another connection. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    ck_http_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_slot *c = ck_calloc(1, sizeof *c);
        c->fd = ci ? ci->connect_fd : -1;
        c->receiving = true;
        clock_gettime(CLOCK_MONOTONIC, &c->since);
        pthread_mutex_lock(&s->conn_lock);
        c->next = s->conns;
        if (s->conns) s->conns->prev = c;
        s->conns = c;
        pthread_mutex_unlock(&s->conn_lock);
        *socket_context = c;
        return;
    }
    conn_slot *c = *socket_context;
    if (!c) return;
    pthread_mutex_lock(&s->conn_lock);
    if (c->prev) c->prev->next = c->next;
    else s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    pthread_mutex_unlock(&s->conn_lock);
    ck_free(c);
    *socket_context = NULL;
}

/* Once a second (or a quarter of the deadline, when that is shorter), shuts
 * down the connections that have been receiving one request for longer than
 * the deadline: libmicrohttpd then reads end-of-file and closes them. */
static void *sweep(void *arg)
{
    ck_http_server *s = arg;
    long step_ms = s->deadline_s >= 4 ? 1000 : (long)s->deadline_s * 250;
    pthread_mutex_lock(&s->conn_lock);
    while (!s->stopping) {
        struct timespec wake;
        clock_gettime(CLOCK_REALTIME, &wake);
        wake.tv_nsec += step_ms * 1000000L;
        wake.tv_sec += wake.tv_nsec / 1000000000L;
        wake.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&s->sweep_wake, &s->conn_lock, &wake);
        if (s->stopping) break;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        unsigned cut = 0;
        for (conn_slot *c = s->conns; c; c = c->next) {
            if (!c->receiving || c->cut || c->fd < 0 || now.tv_sec - c->since.tv_sec < (time_t)s->deadline_s) continue;
            shutdown(c->fd, SHUT_RDWR);
            c->cut = true;
            cut++;
        }
        if (cut)
            ck_http_log("closed %u connection%s that had not sent a whole request within %us", cut, cut == 1 ? "" : "s",
                        s->deadline_s);
    }
    pthread_mutex_unlock(&s->conn_lock);
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    req_free(*con_cls);
    *con_cls = NULL;
    conn_slot *c = slot_of(conn);
    ck_http_server *s = cls;
    if (c) {
        pthread_mutex_lock(&s->conn_lock);
        c->served++;
        pthread_mutex_unlock(&s->conn_lock);
    }
    /* A kept-alive connection's next request has the whole deadline again. */
    slot_receiving(cls, conn, true);
}

void ck_http_error(ck_http_req *r, unsigned status, const char *detail) { core_error(r, status, detail); }

static void core_error(ck_http_req *r, unsigned status, const char *detail)
{
    /* API clients always get problem+json; on_error (the web's HTML error
     * page) is for everything else. */
    if (r->srv->on_error && strncmp(ck_http_path(r), "/api/", 5) != 0)
        r->srv->on_error(r, status, detail);
    else
        ck_http_problem(r, status, NULL, NULL, detail, NULL);
}

/* Forgets whatever the handler built, for an error response instead. */
static void response_reset(ck_http_req *r)
{
    r->status = 0;
    r->headers = NULL;
    r->tail = &r->headers;
    r->bad_header = r->has_cache_control = false;
    r->content_type = NULL;
    release_shared(r);
    r->static_body = NULL;
    r->static_len = 0;
    ck_buf_reset(&r->out);
}

static struct MHD_Response *build_response(ck_http_req *r, size_t *len_out)
{
    struct MHD_Response *resp;
    size_t len;
    if (r->static_body && r->shared_release) {
        len = r->static_len;
        resp = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)r->static_body, r->shared_release,
                                                                      r->shared_ctx);
        /* The response holds it now, and gives it back when destroyed. */
        if (resp) r->shared_release = NULL, r->shared_ctx = NULL;
    } else if (r->static_body) {
        len = r->static_len;
        resp = MHD_create_response_from_buffer(len, (void *)r->static_body, MHD_RESPMEM_PERSISTENT);
    } else {
        len = r->out.len;
        resp = MHD_create_response_from_buffer_with_free_callback(len, ck_buf_steal(&r->out), ck_free);
    }
    if (!resp) return NULL;
    *len_out = len;
    bool ok = MHD_add_response_header(resp, "X-Request-Id", r->request_id) == MHD_YES;
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        ok = ok && MHD_add_response_header(resp, security_headers[i].name, security_headers[i].value) == MHD_YES;
    if (!r->has_cache_control) ok = ok && MHD_add_response_header(resp, "Cache-Control", "no-store") == MHD_YES;
    if (ck_http_tls(r)) ok = ok && MHD_add_response_header(resp, "Strict-Transport-Security", HSTS) == MHD_YES;
    if (r->content_type) ok = ok && MHD_add_response_header(resp, "Content-Type", r->content_type) == MHD_YES;
    /* Draining: the connection closes after this response, so the client
     * asks again on a new one (to the next server) instead of finding its
     * kept-alive connection closed under a request. */
    if (atomic_load(&r->srv->draining)) ok = ok && MHD_add_response_header(resp, "Connection", "close") == MHD_YES;
    for (header *h = r->headers; h && ok; h = h->next)
        ok = MHD_add_response_header(resp, h->name, h->value) == MHD_YES;
    if (!ok) {
        MHD_destroy_response(resp);
        return NULL;
    }
    return resp;
}

/* The request's figures, counted under its route row (or as answered by
 * no row), and its access log line: the pattern, never the path, since
 * paths and queries carry CRNs and names. */
static void request_done(ck_http_req *r, size_t len)
{
    ck_http_server *s = r->srv;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long us = (long)(now.tv_sec - r->started.tv_sec) * 1000000L + (now.tv_nsec - r->started.tv_nsec) / 1000;
    if (us < 0) us = 0;
    ck_http_route_stats *st = &s->stats[r->route ? (size_t)(r->route - s->routes) : s->n_routes];
    ck_histogram_observe(&st->seconds, (uint64_t)us);
    ck_counter_add(&st->by_status[ck_http_status_slot(r->status)], 1);
    if (!s->access_log) return;
    const char *pattern = r->route ? r->route->pattern : "-";
    if (ck_log_get_format() == CK_LOG_TEXT) {
        /* The fields in the order bench/ reads them, the user last. */
        char user[24] = "-";
        if (r->user_id) snprintf(user, sizeof user, "%lld", (long long)r->user_id);
        ck_http_log("%s %s %s %u %zu %ldus user=%s", r->request_id, r->method, pattern, r->status, len, us, user);
        return;
    }
    ck_log_field f[] = {CK_LF_STR("request_id", r->request_id), CK_LF_STR("method", r->method),
                        CK_LF_STR("route", pattern), CK_LF_INT("status", r->status),
                        CK_LF_NUM("duration_ms", (double)us / 1000.0), CK_LF_STR("user", NULL),
                        CK_LF_INT("bytes", len)};
    if (r->user_id) f[5] = CK_LF_INT("user", r->user_id);
    ck_log_event("request", f, sizeof f / sizeof *f);
}

static enum MHD_Result send_response(ck_http_req *r)
{
    if (r->status == 0 || r->bad_header) {
        ck_http_log("%s %s %s: the handler %s; answering 500", r->request_id, r->method,
                    r->route ? r->route->pattern : "-",
                    r->bad_header ? "set a header value holding CR or LF" : "set no status");
        response_reset(r);
        core_error(r, 500, "the server could not build this response");
    }
    size_t len = 0;
    struct MHD_Response *resp = build_response(r, &len);
    if (!resp) {
        /* Only our own error page is left; if even that fails, drop the connection. */
        ck_http_log("%s: libmicrohttpd refused the response headers; answering 500", r->request_id);
        response_reset(r);
        ck_http_problem(r, 500, NULL, NULL, NULL, NULL);
        resp = build_response(r, &len);
        if (!resp) return MHD_NO;
    }
    enum MHD_Result rc = MHD_queue_response(r->conn, r->status, resp);
    MHD_destroy_response(resp);
    request_done(r, len);
    return rc;
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    bool *ok = cls;
    *ok = *ok && ck_utf8_valid(key, strlen(key)) && (!value || ck_utf8_valid(value, strlen(value)));
    return *ok ? MHD_YES : MHD_NO;
}

/* Whether the path, the query and a form body are well-formed UTF-8: only
 * text that is reaches a handler (and the database). */
static bool request_text_valid(ck_http_req *r)
{
    bool ok = ck_utf8_valid(r->path, strlen(r->path));
    if (ok) MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &ok);
    if (ok && ck_http_content_type_is(r, "application/x-www-form-urlencoded")) {
        ck_http_form(r, "");
        for (size_t i = 0; ok && i < r->form.n; i++)
            ok = ck_utf8_valid(r->form.names[i], strlen(r->form.names[i])) &&
                 ck_utf8_valid(r->form.values[i], strlen(r->form.values[i]));
    }
    return ok;
}

static bool content_length_over(const char *cl, size_t max)
{
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    return end != cl && n > max;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    ck_http_server *s = cls;
    ck_http_req *r = *con_cls;
    if (!r) {
        /* First call: headers only. Queueing a response here makes
         * libmicrohttpd 0.9.75 close the connection, so only a request we
         * refuse outright (its body will not be read) is answered now. */
        r = req_new(s, conn, url, method);
        *con_cls = r;
        route_request(r);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && content_length_over(cl, s->max_body)) {
            r->too_large = true;
            slot_receiving(s, conn, false);
            core_error(r, 413, "the request body is larger than the server accepts");
            return send_response(r);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        size_t cutoff;
        if (!ck_add(r->received, n, &r->received) || !ck_mul(s->max_body, 2, &cutoff) || r->received > cutoff)
            return MHD_NO;
        /* Bodies of unrouted requests and the excess of oversized ones are discarded unread. */
        if (r->too_large || r->route_status) return MHD_YES;
        if (!ck_buf_append(&r->body, upload_data, n)) {
            r->too_large = true;
            ck_buf_free(&r->body);
        }
        return MHD_YES;
    }
    slot_receiving(s, conn, false); /* the whole request is in: the deadline no longer applies */
    if (r->too_large) {
        core_error(r, 413, "the request body is larger than the server accepts");
    } else if (r->route_status == 404) {
        core_error(r, 404, "there is no resource at this path");
    } else if (r->route_status == 405) {
        allow_header(r);
        char detail[96];
        snprintf(detail, sizeof detail, "%.16s is not allowed on this resource (see Allow)", r->method);
        core_error(r, 405, detail);
    } else if (!request_text_valid(r)) {
        core_error(r, 400, "the request's path, query or form is not valid UTF-8");
    } else if (!s->authorize || s->authorize(r)) {
        r->route->handler(r);
    }
    return send_response(r);
}

/* ---- Server --------------------------------------------------------------- */

bool ck_http_parse_listen(const char *s, char *host, size_t host_len, uint16_t *port, char *err, size_t err_len)
{
    const char *colon, *h = s;
    size_t hn;
    if (!s || !*s) {
        snprintf(err, err_len, "expected HOST:PORT, got nothing");
        return false;
    }
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') {
            snprintf(err, err_len, "\"%s\": expected [IPv6]:PORT", s);
            return false;
        }
        h = s + 1, hn = (size_t)(close - h), colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || memchr(s, ':', (size_t)(colon - s))) {
            snprintf(err, err_len, "\"%s\": expected HOST:PORT (IPv6 as [::1]:PORT)", s);
            return false;
        }
        hn = (size_t)(colon - s);
    }
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (hn == 0 || hn >= host_len || !colon[1] || *end || colon[1] == '-' || colon[1] == '+' || p > 65535) {
        snprintf(err, err_len, "\"%s\": expected HOST:PORT with a port from 0 to 65535", s);
        return false;
    }
    memcpy(host, h, hn);
    host[hn] = '\0';
    *port = (uint16_t)p;
    return true;
}

/* Binds our own socket so a failure comes back with its reason rather than
 * only in libmicrohttpd's log. Returns the listening socket or -1. */
static int listen_on(const char *host, uint16_t port, ck_http_server *s, char *err, size_t err_len)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_len, "%s: %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0) {
            struct sockaddr_storage ss;
            socklen_t sl = sizeof ss;
            char num[64];
            getsockname(fd, (struct sockaddr *)&ss, &sl);
            getnameinfo((struct sockaddr *)&ss, sl, num, sizeof num, NULL, 0, NI_NUMERICHOST);
            s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                     : ((struct sockaddr_in *)&ss)->sin_port);
            snprintf(s->url, sizeof s->url, ss.ss_family == AF_INET6 ? "http://[%s]:%u" : "http://%s:%u", num,
                     s->port);
            break;
        }
        snprintf(err, err_len, "%s:%u: %s", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

ck_http_server *ck_http_start(const ck_http_config *cfg, char *err, size_t err_len)
{
    if (!routes_valid(cfg->routes, cfg->authorize != NULL, err, err_len)) return NULL;
    if (sodium_init() < 0) {
        snprintf(err, err_len, "libsodium could not be initialised");
        return NULL;
    }
    ck_http_server *s = ck_calloc(1, sizeof *s);
    s->routes = cfg->routes;
    while (s->routes[s->n_routes].method) s->n_routes++;
    s->stats = ck_calloc(s->n_routes + 1, sizeof *s->stats);
    for (size_t i = 0; i <= s->n_routes; i++) ck_histogram_init(&s->stats[i].seconds, &ck_metrics_seconds);
    s->max_body = cfg->max_body ? cfg->max_body : CK_HTTP_MAX_BODY;
    s->db_url = ck_strdup(cfg->db_url);
    s->db_audit_sink = cfg->db_audit_sink;
    s->app = cfg->app;
    s->access_log = cfg->access_log;
    s->on_error = cfg->on_error;
    s->authorize = cfg->authorize;
    s->trusted_proxy = ck_strdup(cfg->trusted_proxy);
    s->id = atomic_fetch_add(&next_server_id, 1);
    s->deadline_s = cfg->request_deadline_s ? cfg->request_deadline_s : CK_HTTP_REQUEST_DEADLINE_S;
    pthread_mutex_init(&s->db_lock, NULL);
    pthread_mutex_init(&s->conn_lock, NULL);
    pthread_cond_init(&s->sweep_wake, NULL);

    int fd = listen_on(cfg->host ? cfg->host : "127.0.0.1", cfg->port, s, err, err_len);
    if (fd < 0) {
        ck_http_stop(s);
        return NULL;
    }
    unsigned threads = cfg->threads;
    if (threads == 0) threads = 2 * ck_par_cores();
    s->daemon = MHD_start_daemon(
        /* ITC: MHD_quiesce_daemon (ck_http_drain) needs it with a thread pool. */
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : CK_HTTP_TIMEOUT_S,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_address_limit,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_END);
    if (!s->daemon) {
        close(fd);
        snprintf(err, err_len, "libmicrohttpd could not start on %s (see the log above)", s->url);
        ck_http_stop(s);
        return NULL;
    }
    if (pthread_create(&s->sweeper, NULL, sweep, s) != 0) {
        snprintf(err, err_len, "the request deadline's thread could not start");
        ck_http_stop(s);
        return NULL;
    }
    s->sweeping = true;
    return s;
}

/* Connections that still owe a response: a request in a handler or being
 * sent, or one accepted that has not yet had its first response. A
 * kept-alive connection idle after a response owes nothing. */
static unsigned busy_connections(ck_http_server *s)
{
    unsigned n = 0;
    pthread_mutex_lock(&s->conn_lock);
    for (conn_slot *c = s->conns; c; c = c->next)
        if (!c->receiving || c->served == 0) n++;
    pthread_mutex_unlock(&s->conn_lock);
    return n;
}

unsigned ck_http_drain(ck_http_server *s, unsigned deadline_s)
{
    if (!s || !s->daemon) return 0;
    atomic_store(&s->draining, true);
    int fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET) {
        /* Connections the kernel completed that nobody accepted yet are
         * handed to the workers rather than reset by the close; from then
         * on a client's connect is refused. */
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        for (;;) {
            struct sockaddr_storage ss;
            socklen_t sl = sizeof ss;
            int c = accept4(fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
            if (c < 0) {
                if (errno == EINTR) continue;
                break;
            }
            MHD_add_connection(s->daemon, c, (struct sockaddr *)&ss, sl); /* closes c when it fails */
        }
        close(fd);
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        unsigned busy = busy_connections(s);
        if (busy == 0) return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= (time_t)deadline_s) return busy;
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000000L}, NULL);
    }
}

void ck_http_stop(ck_http_server *s)
{
    if (!s) return;
    if (s->sweeping) {
        pthread_mutex_lock(&s->conn_lock);
        s->stopping = true;
        pthread_cond_signal(&s->sweep_wake);
        pthread_mutex_unlock(&s->conn_lock);
        pthread_join(s->sweeper, NULL);
    }
    if (s->daemon) MHD_stop_daemon(s->daemon); /* joins the workers: no handler runs after this */
    pthread_cond_destroy(&s->sweep_wake);
    pthread_mutex_destroy(&s->conn_lock);
    for (size_t i = 0; i < s->n_dbs; i++) ck_db_close(s->dbs[i]);
    ck_free(s->dbs);
    pthread_mutex_destroy(&s->db_lock);
    ck_free(s->db_url);
    ck_free(s->trusted_proxy);
    ck_free(s->stats);
    ck_free(s);
}

uint16_t ck_http_port(const ck_http_server *s) { return s->port; }
const char *ck_http_url(const ck_http_server *s) { return s->url; }

/* ---- Request accessors ---------------------------------------------------- */

const char *ck_http_method(const ck_http_req *r) { return r->method; }
const char *ck_http_path(const ck_http_req *r) { return r->path; }
const ck_route *ck_http_route(const ck_http_req *r) { return r->route; }
const char *ck_http_request_id(const ck_http_req *r) { return r->request_id; }
void *ck_http_app(const ck_http_req *r) { return r->srv->app; }
ck_arena *ck_http_arena(ck_http_req *r) { return &r->arena; }
ck_str ck_http_body(const ck_http_req *r) { return ck_str_make(r->body.data, r->body.len); }

const char *ck_http_param(const ck_http_req *r, const char *name)
{
    for (size_t i = 0; i < r->n_params; i++)
        if (strcmp(r->pnames[i], name) == 0) return r->pvalues[i];
    return NULL;
}

const char *ck_http_query(const ck_http_req *r, const char *name)
{
    const char *v = NULL;
    if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, NULL) != MHD_YES)
        return NULL;
    return v ? v : "";
}

const char *ck_http_header(const ck_http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *ck_http_cookie(const ck_http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

bool ck_http_content_type_is(const ck_http_req *r, const char *type)
{
    const char *ct = ck_http_header(r, "Content-Type");
    if (!ct) return false;
    size_t n = strcspn(ct, "; \t");
    return n == strlen(type) && strncasecmp(ct, type, n) == 0;
}

const char *ck_http_form(ck_http_req *r, const char *name)
{
    if (!r->form_parsed) {
        ck_str b = ck_http_body(r);
        ck_form_parse(&r->arena, b.p ? b.p : "", b.n, &r->form);
        r->form_parsed = true;
    }
    return ck_form_get(&r->form, name);
}

ck_db *ck_http_db(ck_http_req *r, char *err, size_t err_len)
{
    ck_http_server *s = r->srv;
    if (tls_db_owner == s->id && tls_db) return tls_db;
    if (!s->db_url) {
        snprintf(err, err_len, "the server has no database configured");
        return NULL;
    }
    ck_db *db = ck_db_open(s->db_url, err, err_len);
    if (!db) return NULL;
    ck_db_set_audit_sink(db, s->db_audit_sink);
    pthread_mutex_lock(&s->db_lock);
    s->dbs = ck_realloc(s->dbs, (s->n_dbs + 1) * sizeof *s->dbs);
    s->dbs[s->n_dbs++] = db;
    pthread_mutex_unlock(&s->db_lock);
    tls_db_owner = s->id;
    tls_db = db;
    return db;
}

/* Whether the peer is the trusted proxy. */
static bool from_proxy(const ck_http_req *r, char *peer, size_t peer_len)
{
    peer[0] = '\0';
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa)
        getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), peer,
                    (socklen_t)peer_len, NULL, 0, NI_NUMERICHOST);
    return r->srv->trusted_proxy && peer[0] && strcmp(peer, r->srv->trusted_proxy) == 0;
}

const char *ck_http_client(ck_http_req *r)
{
    if (r->client[0]) return r->client;
    char peer[64];
    bool proxied = from_proxy(r, peer, sizeof peer);
    snprintf(r->client, sizeof r->client, "%s", peer[0] ? peer : "-");
    const char *xff = proxied ? ck_http_header(r, "X-Forwarded-For") : NULL;
    if (xff) {
        /* The proxy appends the address it saw: the last entry is the one it vouches for. */
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ') last++;
        size_t n = strcspn(last, " ");
        if (n && n <= FORWARDED_ADDR_MAX && strspn(last, "0123456789abcdefABCDEF:.") == n)
            snprintf(r->client, sizeof r->client, "%.*s", (int)n, last);
    }
    return r->client;
}

bool ck_http_tls(const ck_http_req *r)
{
    char peer[64];
    const char *proto = ck_http_header(r, "X-Forwarded-Proto");
    return proto && strcmp(proto, "https") == 0 && from_proxy(r, peer, sizeof peer);
}

void ck_http_set_principal(ck_http_req *r, void *p) { r->principal = p; }
void ck_http_set_user(ck_http_req *r, int64_t user_id) { r->user_id = user_id; }
ck_http_server *ck_http_server_of(const ck_http_req *r) { return r->srv; }

bool ck_http_loopback_address(const char *addr)
{
    return addr && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 || strncmp(addr, "::ffff:127.", 11) == 0);
}

/* The headers a proxy adds to what it forwards (docs/nginx.conf sets the
 * first two on every request). */
static const char *const forwarding_headers[] = {"X-Forwarded-For", "X-Forwarded-Proto", "X-Real-IP", "Forwarded"};

bool ck_http_direct_loopback(ck_http_req *r)
{
    char peer[64];
    bool proxy = from_proxy(r, peer, sizeof peer);
    if (!ck_http_loopback_address(peer)) return false;
    for (size_t i = 0; proxy && i < sizeof forwarding_headers / sizeof *forwarding_headers; i++)
        if (ck_http_header(r, forwarding_headers[i])) return false;
    return true;
}
void *ck_http_principal(const ck_http_req *r) { return r->principal; }

/* ---- Response ------------------------------------------------------------- */

void ck_http_status(ck_http_req *r, unsigned status) { r->status = status; }

void ck_http_header_add(ck_http_req *r, const char *name, const char *value)
{
    if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n")) {
        r->bad_header = true;
        return;
    }
    if (strcasecmp(name, "Cache-Control") == 0) r->has_cache_control = true;
    header *h = ck_arena_alloc(&r->arena, sizeof *h);
    h->name = ck_arena_strdup(&r->arena, name);
    h->value = ck_arena_strdup(&r->arena, value);
    *r->tail = h;
    r->tail = &h->next;
}

void ck_http_content_type(ck_http_req *r, const char *type)
{
    if (strpbrk(type, "\r\n")) {
        r->bad_header = true;
        return;
    }
    r->content_type = ck_arena_strdup(&r->arena, type);
}

ck_buf *ck_http_out(ck_http_req *r) { return &r->out; }

void ck_http_csv_download(ck_http_req *r, const char *what, const char *unit, ck_date as_of)
{
    char name[128], d[CK_DATE_STRLEN];
    int n = snprintf(name, sizeof name, "attachment; filename=\"%.40s-", what);
    for (const char *p = unit; p && *p && n < (int)sizeof name - 32; p++)
        name[n++] = isalnum((unsigned char)*p) ? *p : '-';
    snprintf(name + n, sizeof name - (size_t)n, "-%s.csv\"", ck_date_fmt(as_of, d));
    ck_http_status(r, 200);
    ck_http_content_type(r, "text/csv; charset=utf-8");
    ck_http_header_add(r, "Content-Disposition", name);
}

void ck_http_static_body(ck_http_req *r, const void *data, size_t len)
{
    release_shared(r);
    r->static_body = data;
    r->static_len = len;
}

void ck_http_shared_body(ck_http_req *r, const void *data, size_t len, void (*release)(void *), void *ctx)
{
    ck_http_static_body(r, data, len);
    r->shared_release = release;
    r->shared_ctx = ctx;
}

static int dump_to_buf(const char *p, size_t n, void *ctx) { return ck_buf_append(ctx, p, n) ? 0 : -1; }

static void send_json(ck_http_req *r, unsigned status, const char *type, json_t *j)
{
    r->status = status;
    ck_http_content_type(r, type);
    ck_buf_reset(&r->out);
    if (json_dump_callback(j, dump_to_buf, &r->out, JSON_COMPACT) != 0) r->status = 0;
    json_decref(j);
}

void ck_http_json(ck_http_req *r, unsigned status, json_t *j) { send_json(r, status, "application/json", j); }

json_t *ck_http_json_text(const char *s)
{
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    char *copy = ck_strdup(s);
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80) *p = '?';
    j = json_string(copy);
    ck_free(copy);
    return j;
}

void ck_http_json_text_write(ck_buf *b, const char *s)
{
    if (!s) {
        ck_buf_puts(b, "null");
        return;
    }
    size_t n = strlen(s);
    if (ck_utf8_valid(s, n)) {
        ck_buf_escape(b, CK_ESC_JSON, s, n);
        return;
    }
    char *copy = ck_strdup(s); /* as ck_http_json_text: each byte of a broken sequence a '?' */
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80) *p = '?';
    ck_buf_escape(b, CK_ESC_JSON, copy, n);
    ck_free(copy);
}

void ck_http_problem_with(ck_http_req *r, unsigned status, const char *type, const char *title, const char *detail,
                          json_t *members)
{
    json_t *p = json_object();
    json_object_set_new(p, "type", json_string(type ? type : "about:blank"));
    json_object_set_new(p, "title", ck_http_json_text(title ? title : ck_http_reason(status)));
    json_object_set_new(p, "status", json_integer(status));
    if (detail) json_object_set_new(p, "detail", ck_http_json_text(detail));
    if (members) {
        json_object_update_missing(p, members);
        json_decref(members);
    }
    send_json(r, status, "application/problem+json", p);
}

void ck_http_problem(ck_http_req *r, unsigned status, const char *type, const char *title, const char *detail,
                     json_t *errors)
{
    ck_http_problem_with(r, status, type, title, detail, errors ? json_pack("{s:o}", "errors", errors) : NULL);
}

/* The statuses the server answers with, and their phrases: the one table
 * both the reason phrase and the metrics' status slots come from. */
static const struct {
    unsigned code;
    const char *reason;
} statuses[] = {
    {200, "OK"},
    {201, "Created"},
    {204, "No Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {409, "Conflict"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {415, "Unsupported Media Type"},
    {422, "Unprocessable Content"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {500, "Internal Server Error"},
    {503, "Service Unavailable"},
};
_Static_assert(sizeof statuses / sizeof *statuses + 1 == CK_HTTP_STATUS_SLOTS, "CK_HTTP_STATUS_SLOTS: one per status and one for the rest");

size_t ck_http_status_slot(unsigned status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
        if (statuses[i].code == status) return i;
    return CK_HTTP_STATUS_SLOTS - 1;
}

unsigned ck_http_slot_status(size_t slot) { return slot < CK_HTTP_STATUS_SLOTS - 1 ? statuses[slot].code : 0; }

const char *ck_http_reason(unsigned status)
{
    size_t i = ck_http_status_slot(status);
    return i < CK_HTTP_STATUS_SLOTS - 1 ? statuses[i].reason : "Error";
}

/* ---- Metrics ------------------------------------------------------------- */

size_t ck_http_route_rows(const ck_http_server *s) { return s->n_routes; }
const ck_route *ck_http_route_row(const ck_http_server *s, size_t i) { return i < s->n_routes ? &s->routes[i] : NULL; }
const ck_http_route_stats *ck_http_route_stats_of(const ck_http_server *s, size_t i)
{
    return i <= s->n_routes ? &s->stats[i] : NULL;
}

/* ---- Route tables ------------------------------------------------------- */

ck_route *ck_http_routes_join(const ck_route *const *tables)
{
    size_t n = 0;
    for (size_t t = 0; tables[t]; t++)
        for (const ck_route *row = tables[t]; row->method; row++) n++;
    ck_route *all = ck_calloc(n + 1, sizeof *all), *out = all;
    for (size_t t = 0; tables[t]; t++)
        for (const ck_route *row = tables[t]; row->method; row++) *out++ = *row;
    return all;
}
