/* casekeeper serve: the HTTP server (JSON API) on one database.
 *
 * The first line on standard output is the bound address ("listening on
 * http://127.0.0.1:43121"), flushed at once, so a script or test that asked
 * for port 0 learns the port; everything else goes to standard error. SIGINT
 * and SIGTERM stop the server cleanly: running requests finish, connections
 * are closed, exit status 0. */
#include "ck_api.h"
#include "ck_cal.h"
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_http.h"
#include "ck_rulecfg.h"
#include "ck_store.h"
#include "ck_web.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "serve"
#define DEFAULT_LISTEN "127.0.0.1:8080"
#define MAX_THREADS 1024
/* Calendars and rule configurations are kilobytes; this bounds a wrong file. */
#define INPUT_LIMIT ((size_t)16 << 20)

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Serves the JSON API (/health, /api/v1/...) on HOST:PORT until SIGINT or SIGTERM.\n"
            "Applies any missing database migrations first. Prints \"listening on URL\" as the\n"
            "first line of standard output; logs go to standard error. Stored obligations are\n"
            "recomputed for every case at start when the last recompute was before today, and\n"
            "after each midnight UTC.\n"
            "\n"
            "  --db URL               sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB,\n"
            "                         else sqlite:casekeeper.db)\n"
            "  --listen HOST:PORT     address to bind (default " DEFAULT_LISTEN "; port 0 picks a\n"
            "                         free port; IPv6 as [::1]:8080)\n"
            "  --threads N            worker threads (default: two per CPU core)\n"
            "  --templates DIR        page templates (default: templates/ beside the build directory)\n"
            "  --bank-holidays FILE   a GOV.UK bank-holidays.json instead of the shipped copy\n"
            "  --rules-config FILE    key = value overrides of the shipped config/rules.conf\n"
            "\n"
            "Request bodies over %zu MiB are refused (413).\n"
            "Exit status: 0 stopped by a signal; 1 the server could not start; 2 bad options.\n",
            CK_HTTP_MAX_BODY >> 20);
}

typedef struct options {
    const char *db, *listen, *holidays, *config;
    unsigned threads;
    const char *templates;
} options;

/* 0 to go on, else the exit status; *done when --help was answered. */
static int parse_options(int argc, char **argv, options *o, bool *done)
{
    *done = false;
    for (int i = 1; i < argc; i++) {
        const char *threads = NULL;
        int got;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            *done = true;
            return 0;
        }
        if ((got = ck_cli_opt(CMD, argc, argv, &i, "--db", &o->db)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--listen", &o->listen)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--bank-holidays", &o->holidays)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--rules-config", &o->config)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--templates", &o->templates)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--threads", &threads))) {
            if (got < 0) return 2;
        } else {
            ck_cli_error(CMD, "unknown argument \"%s\" (casekeeper %s --help lists the options)", argv[i], CMD);
            return 2;
        }
        if (!threads) continue;
        char *end;
        unsigned long n = strtoul(threads, &end, 10);
        if (!*threads || *end || threads[0] == '-' || n < 1 || n > MAX_THREADS) {
            ck_cli_error(CMD, "--threads: expected a whole number from 1 to %d, got \"%s\"", MAX_THREADS, threads);
            return 2;
        }
        o->threads = (unsigned)n;
    }
    return 0;
}

typedef struct engine_files {
    ck_calendar *cal;
    ck_rules_config *cfg;
} engine_files;

/* The engine from the shipped data, overridden by the files given. */
static bool load_engine(const options *o, ck_engine *eng, engine_files *own)
{
    char err[1024];
    ck_buf text = CK_BUF_INIT;
    *eng = ck_engine_default();
    if (o->holidays) {
        bool read = ck_cli_read_file(CMD, o->holidays, INPUT_LIMIT, &text);
        own->cal = read ? ck_calendar_parse(ck_buf_cstr(&text), text.len, err, sizeof err) : NULL;
        ck_buf_free(&text);
        if (!own->cal) {
            if (read) ck_cli_error(CMD, "--bank-holidays %s: %s", o->holidays, err);
            return false;
        }
        eng->cal = own->cal;
    }
    if (o->config) {
        bool read = ck_cli_read_file(CMD, o->config, INPUT_LIMIT, &text);
        own->cfg = read ? ck_rulecfg_parse(ck_buf_cstr(&text), text.len, err, sizeof err) : NULL;
        ck_buf_free(&text);
        if (!own->cfg) {
            if (read) ck_cli_error(CMD, "--rules-config %s: %s", o->config, err);
            return false;
        }
        eng->cfg = own->cfg;
    }
    return true;
}

/* Brings the schema up to date and checks that it matches the case
 * descriptors, before any worker opens a connection. */
static bool prepare_database(const char *url)
{
    char err[1024];
    ck_db *db = ck_db_open(url, err, sizeof err);
    if (!db) {
        ck_cli_error(CMD, "--db: %s", err);
        return false;
    }
    int applied = 0;
    bool ok = ck_db_migrate(db, &applied) == CK_DB_OK;
    if (!ok) {
        ck_cli_error(CMD, "migrating the database: %s", ck_db_errmsg(db));
    } else {
        if (applied)
            ck_http_log("applied %d migration%s; schema version %d", applied, applied == 1 ? "" : "s",
                        ck_db_schema_version(db));
        ok = ck_store_verify(db, err, sizeof err) == CK_OK;
        if (!ok) ck_cli_error(CMD, "the database schema does not match this version: %s", err);
    }
    ck_db_close(db);
    return ok;
}

int ck_cmd_serve(int argc, char **argv)
{
    options o = {0};
    bool done;
    int rc = parse_options(argc, argv, &o, &done);
    if (rc || done) return rc;

    char host[256], err[1024];
    uint16_t port;
    if (!ck_http_parse_listen(o.listen ? o.listen : DEFAULT_LISTEN, host, sizeof host, &port, err, sizeof err)) {
        ck_cli_error(CMD, "--listen: %s", err);
        return 2;
    }
    engine_files own = {0};
    ck_app app = {0};
    if (!load_engine(&o, &app.engine, &own)) {
        ck_calendar_free(own.cal);
        ck_rulecfg_free(own.cfg);
        return 2;
    }
    const char *url = ck_cli_db_url(o.db);
    ck_http_server *srv = NULL;
    ck_api_daily *daily = NULL;
    ck_web *web = NULL;
    ck_route *routes = NULL;
    rc = 1;
    if (!prepare_database(url)) goto out;

    /* Blocked here before any thread starts, so every thread inherits the
     * mask and the signals reach only the sigwait below. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

    /* One server, one route table: the web pages, the JSON API and the
     * management API. The web owns the app struct (it begins with the API's
     * ck_app). */
    web = ck_web_new(&(ck_web_config){.templates_dir = o.templates}, &app, err, sizeof err);
    if (!web) {
        ck_cli_error(CMD, "%s", err);
        goto unblock;
    }
    routes = ck_web_server_routes();
    ck_http_config cfg = {.host = host, .port = port, .threads = o.threads, .routes = routes,
                          .db_url = url, .app = ck_web_app(web), .on_error = ck_web_on_error,
                          .access_log = true};
    srv = ck_http_start(&cfg, err, sizeof err);
    if (!srv) {
        ck_cli_error(CMD, "%s", err);
        goto unblock;
    }
    if (printf("listening on %s\n", ck_http_url(srv)) < 0 || fflush(stdout) != 0) {
        ck_cli_error(CMD, "writing standard output: %s", strerror(errno));
        goto unblock;
    }
    daily = ck_api_daily_start(url, ck_web_app(web), err, sizeof err);
    if (!daily) {
        ck_cli_error(CMD, "the daily recompute could not start: %s", err);
        goto unblock;
    }
    int sig = 0;
    sigwait(&stop_signals, &sig);
    ck_http_log("stopping on %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    rc = 0;
unblock:
    ck_http_stop(srv);
    srv = NULL;
    ck_api_daily_stop(daily);
    ck_web_free(web);
    ck_free(routes);
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
out:
    ck_calendar_free(own.cal);
    ck_rulecfg_free(own.cfg);
    return rc;
}
