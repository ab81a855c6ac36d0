/* ck_cli_serve: running the HTTP server (web pages and JSON API) on one
 * database until SIGINT or SIGTERM: what `serve` and `demo` share.
 *
 * The first line on standard output is the bound address ("listening on
 * http://127.0.0.1:43121"), flushed at once, so a script or test that asked
 * for port 0 learns the port; logs go to standard error. SIGINT and SIGTERM
 * stop the server gracefully: no new connection is accepted, those accepted
 * are answered within server_shutdown_deadline_s (config/rules.conf), the
 * audit records queued are written, and the exit status is 0. Under systemd
 * (Type=notify) it reports READY=1, STOPPING=1 and the watchdog
 * (ck_cli_systemd). */
#ifndef CK_CLI_SERVE_H
#define CK_CLI_SERVE_H
#include "ck_date.h"
#include <stdbool.h>

#define CK_SERVE_DEFAULT_LISTEN "127.0.0.1:8080"
#define CK_SERVE_MAX_THREADS 1024

typedef struct ck_serve_options {
    const char *db;        /* URL; NULL: ck_cli_db_url(NULL) */
    const char *listen;    /* HOST:PORT; NULL: CK_SERVE_DEFAULT_LISTEN */
    const char *holidays;  /* a bank-holidays.json instead of the shipped copy; may be NULL */
    const char *config;    /* rules.conf overrides; may be NULL */
    const char *templates; /* page templates directory; NULL: assets_dir/templates */
    const char *assets_dir; /* holding templates/, static/, node_modules/; NULL: ck_web_find_root */
    unsigned threads;      /* 0: two per CPU core */
    const char *proxy;     /* the trusted reverse proxy's numeric address; may be NULL */
    bool plain_http;       /* session cookies without Secure: loopback addresses only */
    ck_date (*today)(void); /* the server's date; NULL: today (UTC) */
    /* Called once the server listens, after the "listening on" line, with
     * the server's URL; false stops the server (exit status 1). May be NULL. */
    bool (*on_listening)(void *ctx, const char *url);
    void *ctx;
} ck_serve_options;

/* Applies missing migrations, starts the server and the daily recompute, and
 * runs until SIGINT or SIGTERM. Messages name the command `cmd`. Returns the
 * exit status: 0 stopped by a signal, 1 the server could not start, 2 a bad
 * --listen, --bank-holidays or --rules-config, or plain_http on an address
 * that is not loopback. */
int ck_cli_serve(const char *cmd, const ck_serve_options *o);

#endif
