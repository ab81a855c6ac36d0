/* ck_cli_serve: the server start-up `serve` and `demo` share (see
 * ck_cli_serve.h). */
#include "ck_cli_serve.h"
#include "ck_audit.h"
#include "ck_api.h"
#include "ck_auth.h"
#include "ck_cal.h"
#include "ck_cli.h"
#include "ck_cli_systemd.h"
#include "ck_http.h"
#include "ck_metrics_text.h"
#include "ck_reminders.h"
#include "ck_webhooks.h"
#include "ck_rulecfg.h"
#include "ck_store.h"
#include "ck_web.h"
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Calendars and rule configurations are kilobytes; this bounds a wrong file. */
#define INPUT_LIMIT ((size_t)16 << 20)

typedef struct engine_files {
    ck_calendar *cal;
    ck_rules_config *cfg;
} engine_files;

/* The engine from the shipped data, overridden by the files given. */
static bool load_engine(const char *cmd, const ck_serve_options *o, ck_engine *eng, engine_files *own)
{
    char err[1024];
    ck_buf text = CK_BUF_INIT;
    *eng = ck_engine_default();
    if (o->holidays) {
        bool read = ck_cli_read_file(cmd, o->holidays, INPUT_LIMIT, NULL, &text);
        own->cal = read ? ck_calendar_parse(ck_buf_cstr(&text), text.len, err, sizeof err) : NULL;
        ck_buf_free(&text);
        if (!own->cal) {
            if (read) ck_cli_error(cmd, "--bank-holidays %s: %s", o->holidays, err);
            return false;
        }
        eng->cal = own->cal;
    }
    if (o->config) {
        bool read = ck_cli_read_file(cmd, o->config, INPUT_LIMIT, NULL, &text);
        own->cfg = read ? ck_rulecfg_parse(ck_buf_cstr(&text), text.len, err, sizeof err) : NULL;
        ck_buf_free(&text);
        if (!own->cfg) {
            if (read) ck_cli_error(cmd, "--rules-config %s: %s", o->config, err);
            return false;
        }
        eng->cfg = own->cfg;
    }
    return true;
}

/* Brings the schema up to date and checks that it matches the case
 * descriptors, before any worker opens a connection. */
static bool prepare_database(const char *cmd, const char *url)
{
    char err[1024];
    ck_db *db = ck_db_open(url, err, sizeof err);
    if (!db) {
        ck_cli_error(cmd, "--db: %s", err);
        return false;
    }
    int applied = 0;
    bool ok = ck_db_migrate(db, &applied) == CK_DB_OK;
    if (!ok) {
        ck_cli_error(cmd, "migrating the database: %s", ck_db_errmsg(db));
    } else {
        if (applied)
            ck_http_log("applied %d migration%s; schema version %d", applied, applied == 1 ? "" : "s",
                        ck_db_schema_version(db));
        ok = ck_store_verify(db, err, sizeof err) == CK_OK;
        if (!ok) ck_cli_error(cmd, "the database schema does not match this version: %s", err);
    }
    ck_db_close(db);
    return ok;
}

/* The watchdog's check before each ping: the server still completes a TCP
 * connection on its address within 5 s. The connection is closed unused. */
typedef struct probe_target {
    char host[256];
    uint16_t port;
} probe_target;

static bool server_accepts(void *ctx)
{
    const probe_target *t = ctx;
    char service[8];
    snprintf(service, sizeof service, "%u", t->port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV}, *res = NULL;
    /* A wildcard address is probed on loopback. */
    const char *host = strcmp(t->host, "0.0.0.0") == 0 ? "127.0.0.1" : strcmp(t->host, "::") == 0 ? "::1" : t->host;
    if (getaddrinfo(host, service, &hints, &res) != 0) return false;
    bool ok = false;
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        if (connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
            ok = true;
        } else if (errno == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            ok = poll(&p, 1, 5000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return ok;
}

int ck_cli_serve(const char *cmd, const ck_serve_options *o)
{
    int rc;
    char host[256], err[1024];
    uint16_t port;
    if (!ck_http_parse_listen(o->listen ? o->listen : CK_SERVE_DEFAULT_LISTEN, host, sizeof host, &port, err, sizeof err)) {
        ck_cli_error(cmd, "--listen: %s", err);
        return 2;
    }
    if (o->plain_http && !ck_auth_loopback(host)) {
        ck_cli_error(cmd, "--plain-http: only for the demo on a loopback address (127.0.0.1, ::1), not %s; put "
                          "TLS in front (docs/nginx.conf)", host);
        return 2;
    }
    engine_files own = {0};
    ck_app app = {.today = o->today};
    if (!load_engine(cmd, o, &app.engine, &own)) {
        ck_calendar_free(own.cal);
        ck_rulecfg_free(own.cfg);
        return 2;
    }
    if (!ck_metrics_config_ok(app.engine.cfg, err, sizeof err)) {
        ck_cli_error(cmd, "%s", err);
        ck_calendar_free(own.cal);
        ck_rulecfg_free(own.cfg);
        return 2;
    }
    const char *url = ck_cli_db_url(o->db);
    ck_http_server *srv = NULL;
    ck_api_daily *daily = NULL;
    ck_auth *auth = NULL;
    ck_web *web = NULL;
    ck_route *routes = NULL;
    ck_audit_appender *appender = NULL;
    ck_db_checkpointer *checkpointer = NULL;
    ck_reminders *reminders = NULL;
    ck_systemd_watchdog *watchdog = NULL;
    probe_target probe = {0};
    ck_webhooks *webhooks = NULL;
    rc = 1;
    if (!prepare_database(cmd, url)) goto out;
    /* The limits under load come from the one configuration file (config/rules.conf). */
    const ck_rules_config *limits = app.engine.cfg;

    /* Blocked here before any thread starts, so every thread inherits the
     * mask and the signals reach only the sigwait below. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

    /* Before any connection the server serves with opens: theirs then leave
     * WAL checkpoints to it (db/ck_db.h). */
    checkpointer = ck_db_checkpointer_start(url, limits->server_wal_checkpoint_pages, limits->server_wal_max_mib, err,
                                            sizeof err);
    if (!checkpointer) {
        ck_cli_error(cmd, "%s", err);
        goto unblock;
    }

    auth = ck_auth_new(&(ck_auth_config){.plain_http = o->plain_http});
    if (!auth) {
        ck_cli_error(cmd, "libsodium could not be initialised");
        goto unblock;
    }
    app.auth = auth;
    if (o->plain_http) ck_http_log("--plain-http: session cookies without Secure, for the demo on %s only", host);
    /* One server, one route table: the web pages, the JSON API and the
     * management API. The web owns the app struct (it begins with the API's
     * ck_app). */
    web = ck_web_new(&(ck_web_config){.root = o->assets_dir, .templates_dir = o->templates}, &app, err, sizeof err);
    if (!web) {
        ck_cli_error(cmd, "%s", err);
        goto unblock;
    }
    routes = ck_web_server_routes(); /* web pages, JSON API, management API */
    if (!ck_auth_routes_valid(routes, err, sizeof err)) {
        ck_cli_error(cmd, "%s", err);
        goto unblock;
    }
    /* Reads are audited through one appender, so readers never queue on the
     * database's write lock (store/ck_audit.h). */
    appender = ck_audit_appender_start(url, err, sizeof err);
    if (!appender) {
        ck_cli_error(cmd, "the audit appender could not start: %s", err);
        goto unblock;
    }
    ck_http_config cfg = {.host = host, .port = port, .threads = o->threads, .routes = routes,
                          .db_url = url, .db_audit_sink = appender, .app = ck_web_app(web),
                          .on_error = ck_web_on_error, .access_log = true, .authorize = ck_auth_authorize,
                          .trusted_proxy = o->proxy, .timeout_s = (unsigned)limits->server_idle_timeout_s,
                          .request_deadline_s = (unsigned)limits->server_request_deadline_s,
                          .per_address_limit = (unsigned)limits->server_connections_per_address};
    srv = ck_http_start(&cfg, err, sizeof err);
    if (!srv) {
        ck_cli_error(cmd, "%s", err);
        goto unblock;
    }
    if (printf("listening on %s\n", ck_http_url(srv)) < 0 || fflush(stdout) != 0) {
        ck_cli_error(cmd, "writing standard output: %s", strerror(errno));
        goto unblock;
    }
    if (o->on_listening && !o->on_listening(o->ctx, ck_http_url(srv))) goto unblock;
    daily = ck_api_daily_start(url, ck_web_app(web), err, sizeof err);
    if (!daily) {
        ck_cli_error(cmd, "the daily recompute could not start: %s", err);
        goto unblock;
    }
    /* Appointment reminders through GOV.UK Notify, when configured
     * (notify_* keys of config/rules.conf). */
    bool reminding = false;
    reminders = ck_reminders_start(url, &app.engine, &reminding, err, sizeof err);
    if (!reminders) {
        ck_cli_error(cmd, "appointment reminders: %s", err);
        goto unblock;
    }
    if (reminding) ck_http_log("appointment reminders: sending through %s", app.engine.cfg->notify_base_url);
    bool hooking = false; /* domain events to the webhooks_file's webhooks, when configured */
    webhooks = ck_webhooks_start(url, app.engine.cfg, &hooking, err, sizeof err);
    if (!webhooks) {
        ck_cli_error(cmd, "webhooks: %s", err);
        goto unblock;
    }
    if (hooking) ck_http_log("webhooks: delivering domain events");
    /* systemd (Type=notify): ready once listening and every thread runs. */
    snprintf(probe.host, sizeof probe.host, "%s", host);
    probe.port = ck_http_port(srv);
    watchdog = ck_systemd_watchdog_start(server_accepts, &probe);
    ck_systemd_ready(ck_http_url(srv));
    int sig = 0;
    sigwait(&stop_signals, &sig);
    /* A graceful stop: refuse new connections, answer those accepted within
     * the deadline (config/rules.conf), then stop the workers; the audit
     * appender below writes what they queued. */
    unsigned deadline = (unsigned)limits->server_shutdown_deadline_s;
    ck_http_log("stopping on %s: answering the requests accepted (deadline %us)", sig == SIGINT ? "SIGINT" : "SIGTERM",
                deadline);
    ck_systemd_stopping("answering the requests accepted");
    ck_systemd_watchdog_stop(watchdog);
    watchdog = NULL;
    unsigned left = ck_http_drain(srv, deadline);
    if (left)
        ck_http_log("the shutdown deadline (%us) passed with %u connection%s unanswered; closing them", deadline, left,
                    left == 1 ? "" : "s");
    rc = 0;
unblock:
    ck_systemd_watchdog_stop(watchdog);
    ck_http_stop(srv);
    srv = NULL;
    ck_audit_appender_stop(appender); /* after the workers, which wait on it; writes what is queued */
    if (rc == 0) ck_http_log("stopped");
    ck_api_daily_stop(daily);
    ck_reminders_stop(reminders);
    ck_webhooks_stop(webhooks);
    ck_web_free(web);
    ck_db_checkpointer_stop(checkpointer); /* after every connection it serves */
    ck_free(routes);
    ck_auth_free(auth);
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
out:
    ck_calendar_free(own.cal);
    ck_rulecfg_free(own.cfg);
    return rc;
}
