/* casekeeper serve: the HTTP server (web pages and JSON API) on one
 * database; the start-up itself is ck_cli_serve's. */
#include "ck_cli.h"
#include "ck_cli_serve.h"
#include "ck_cli_store.h"
#include "ck_datadir.h"
#include "ck_http.h"
#include "ck_log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "serve"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Serves the JSON API (/health, /api/v1/...) on HOST:PORT until SIGINT or SIGTERM,\n"
            "which stop it gracefully: new connections are refused, those accepted are answered\n"
            "within server_shutdown_deadline_s (config/rules.conf), queued audit records are\n"
            "written, exit status 0. Under systemd it reports readiness (Type=notify).\n"
            "Applies any missing database migrations first. Prints \"listening on URL\" as the\n"
            "first line of standard output; logs go to standard error. Stored obligations are\n"
            "recomputed for every case at start when the last recompute was before today, and\n"
            "after each midnight UTC.\n"
            "\n"
            "  --db URL               sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB,\n"
            "                         else sqlite:casekeeper.db)\n"
            "  --listen HOST:PORT     address to bind (default " CK_SERVE_DEFAULT_LISTEN "; port 0 picks a\n"
            "                         free port; IPv6 as [::1]:8080)\n"
            "  --threads N            worker threads (default: two per CPU core this process may run on)\n"
            "  --assets-dir DIR       the web files: DIR/templates, DIR/static and DIR/node_modules\n"
            "                         (default: the source tree the binary was built in, else\n"
            "                         BIN/../share/casekeeper beside an installed binary, else\n"
            "                         " CK_DATADIR ")\n"
            "  --templates DIR        page templates (default: the templates/ of the web files)\n"
            "  --bank-holidays FILE   a GOV.UK bank-holidays.json instead of the shipped copy\n"
            "  --rules-config FILE    key = value overrides of the shipped config/rules.conf\n"
            "  --trusted-proxy ADDR   the reverse proxy in front (nginx, terminating TLS), by\n"
            "                         numeric address: its X-Forwarded-For names the client and\n"
            "                         its X-Forwarded-Proto: https turns on HSTS and the https\n"
            "                         origin for the CSRF check (docs/nginx.conf)\n"
            "  --log-format FORMAT    text (default: one line a person reads) or json (one JSON\n"
            "                         object a line, for a log shipper): every request, with its\n"
            "                         request id, route pattern, status, duration, user id and\n"
            "                         bytes, and every job run; never names or CRNs\n"
            "  --plain-http           the demo over plain http: the session cookie goes without\n"
            "                         Secure (a browser would not send it back over http).\n"
            "                         Refused unless --listen is a loopback address.\n"
            "\n"
            "Every route but /health and sign-in needs a signed-in user or an API token\n"
            "(casekeeper user, casekeeper token; docs/security.md).\n"
            "Request bodies over %zu MiB are refused (413). The limits under load (connections\n"
            "per client address, the deadline for receiving a whole request, the idle timeout)\n"
            "are the server_* keys of config/rules.conf, overridden with --rules-config.\n"
            "Exit status: 0 stopped by a signal; 1 the server could not start; 2 bad options.\n",
            CK_HTTP_MAX_BODY >> 20);
}

static bool parse_log_format(const char *cmd, const char *name, const char *val, void *out)
{
    if (!ck_log_parse_format(val, out)) {
        ck_cli_error(cmd, "%s: expected text or json, got \"%s\"", name, val);
        return false;
    }
    return true;
}

static bool parse_threads(const char *cmd, const char *name, const char *val, void *out)
{
    char *end;
    unsigned long n = strtoul(val, &end, 10);
    if (!*val || *end || val[0] == '-' || n < 1 || n > CK_SERVE_MAX_THREADS) {
        ck_cli_error(cmd, "%s: expected a whole number from 1 to %d, got \"%s\"", name, CK_SERVE_MAX_THREADS, val);
        return false;
    }
    *(unsigned *)out = (unsigned)n;
    return true;
}

/* CK_CLI_GO to go on, else the exit status. */
static int parse_options(int argc, char **argv, ck_serve_options *o, ck_log_format *format)
{
    const ck_cli_optdef opts[] = {{"--plain-http", .flag = &o->plain_http},
                                  {"--db", .val = &o->db},
                                  {"--trusted-proxy", .val = &o->proxy},
                                  {"--listen", .val = &o->listen},
                                  {"--bank-holidays", .val = &o->holidays},
                                  {"--rules-config", .val = &o->config},
                                  {"--templates", .val = &o->templates},
                                  {"--assets-dir", .val = &o->assets_dir},
                                  {"--threads", .parse = parse_threads, .out = &o->threads},
                                  {"--log-format", .parse = parse_log_format, .out = format}};
    return ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNKNOWN_ARG);
}

int ck_cmd_serve(int argc, char **argv)
{
    ck_serve_options o = {0};
    ck_log_format format = CK_LOG_TEXT;
    int rc = parse_options(argc, argv, &o, &format);
    if (rc != CK_CLI_GO) return rc;
    ck_log_set_format(format);
    return ck_cli_serve(CMD, &o);
}
