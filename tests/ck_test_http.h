/* A tiny HTTP/1.1 client for the server tests: real sockets, keep-alive,
 * Content-Length bodies (all the server sends). Include after ck_test.h. */
#ifndef CK_TEST_HTTP_H
#define CK_TEST_HTTP_H
#include <arpa/inet.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct th_conn {
    int fd;
    char in[1 << 18]; /* bytes read past the last response; a response must fit (the OpenAPI document is ~200 KiB) */
    size_t n;
} th_conn;

typedef struct th_resp {
    int status;
    char *head; /* status line and headers, NUL-terminated */
    char *body; /* NUL-terminated */
    size_t body_len;
} th_resp;

static inline void th_resp_free(th_resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* tests/suites/openapi.sh runs the API tests through Stoplight Prism: with
 * CK_TEST_SERVER_PORT set, their servers listen on that port (th_server_port),
 * and with CK_TEST_PROXY_PORT set too, th_connect goes to the proxy on that
 * port instead, which forwards to the server. Unset: port 0, direct. */
static inline uint16_t th_server_port(void)
{
    const char *v = getenv("CK_TEST_SERVER_PORT");
    return v ? (uint16_t)strtoul(v, NULL, 10) : 0;
}

/* Connects to 127.0.0.1:port; a read that waits 10 s fails rather than hangs. */
static inline bool th_connect_direct(th_conn *c, uint16_t port)
{
    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) return false;
    struct timeval tv = {10, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect(c->fd, (struct sockaddr *)&a, sizeof a) == 0;
}

/* The same, through the proxy when one is set (above). Prism answers a body
 * that is not JSON itself and never forwards it: a test of that server
 * answer connects with th_connect_direct. */
static inline bool th_connect(th_conn *c, uint16_t port)
{
    const char *proxy = getenv("CK_TEST_PROXY_PORT");
    if (proxy && port && port == th_server_port()) port = (uint16_t)strtoul(proxy, NULL, 10);
    return th_connect_direct(c, port);
}

static inline void th_close(th_conn *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
}

static inline bool th_write(th_conn *c, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t k = send(c->fd, s, n, MSG_NOSIGNAL);
        if (k <= 0) return false;
        s += k, n -= (size_t)k;
    }
    return true;
}

/* Sends one request. extra: more header lines, each ending "\r\n" (may be NULL). */
static inline bool th_send(th_conn *c, const char *method, const char *path, const char *extra,
                           const char *ctype, const char *body)
{
    char head[4096];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s", method, path, extra ? extra : "");
    if (body) n += snprintf(head + n, sizeof head - (size_t)n, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                            ctype ? ctype : "application/json", blen);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    return th_write(c, head, (size_t)n) && (!blen || th_write(c, body, blen));
}

static inline bool th_fill(th_conn *c)
{
    if (c->n == sizeof c->in) return false;
    ssize_t k = recv(c->fd, c->in + c->n, sizeof c->in - c->n, 0);
    if (k <= 0) return false;
    c->n += (size_t)k;
    return true;
}

/* The value of header `name` in r (copied into out), or NULL. */
static inline const char *th_header(const th_resp *r, const char *name, char *out, size_t out_len)
{
    size_t nl = strlen(name);
    for (const char *line = strstr(r->head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            const char *v = h + nl + 1, *e = strstr(v, "\r\n");
            while (*v == ' ') v++;
            size_t vn = e ? (size_t)(e - v) : strlen(v);
            if (vn >= out_len) vn = out_len - 1;
            memcpy(out, v, vn);
            out[vn] = '\0';
            return out;
        }
    }
    return NULL;
}

/* Reads one response (no body after a HEAD request when head_request). */
static inline bool th_recv_ex(th_conn *c, th_resp *r, bool head_request)
{
    memset(r, 0, sizeof *r);
    char *end;
    while (!(end = memmem(c->in, c->n, "\r\n\r\n", 4)))
        if (!th_fill(c)) return false;
    size_t hn = (size_t)(end - c->in) + 2;
    r->head = strndup(c->in, hn);
    if (sscanf(r->head, "HTTP/1.1 %d", &r->status) != 1) return false;
    char v[32];
    size_t blen = th_header(r, "Content-Length", v, sizeof v) ? strtoul(v, NULL, 10) : 0;
    if (head_request) blen = 0;
    size_t total = hn + 2 + blen;
    while (c->n < total)
        if (!th_fill(c)) return false;
    r->body = strndup(c->in + hn + 2, blen);
    r->body_len = blen;
    memmove(c->in, c->in + total, c->n - total);
    c->n -= total;
    return true;
}
static inline bool th_recv(th_conn *c, th_resp *r) { return th_recv_ex(c, r, false); }

/* True when the server closed the connection (reads EOF). */
static inline bool th_peer_closed(th_conn *c)
{
    char b;
    return c->n == 0 && recv(c->fd, &b, 1, 0) == 0;
}

/* One request on a fresh connection. */
static inline bool th_request(uint16_t port, const char *method, const char *path, const char *body, th_resp *r)
{
    th_conn c;
    bool ok = th_connect(&c, port) && th_send(&c, method, path, NULL, NULL, body) && th_recv(&c, r);
    th_close(&c);
    return ok;
}

#endif
