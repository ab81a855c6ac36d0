#include "ck_cli.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The command table: add a line here when a command lands. */
const ck_command ck_commands[] = {
    {"obligations", ck_cmd_obligations,
     "obligations --as-of DATE [--all] [--bank-holidays FILE] [--rules-config FILE] FILE",
     "the obligations of one case bundle file, without a database"},
    {"migrate", ck_cmd_migrate, "migrate [--db URL]", "create or update the database schema"},
    {"import", ck_cmd_import, "import [--db URL] [--as-of DATE] FILE|DIR...",
     "import organisation records and case bundles, each file all-or-nothing"},
    {"export", ck_cmd_export, "export [--db URL] [--out FILE]", "every case as canonical JSON lines"},
    {"serve", ck_cmd_serve, "serve [--db URL] [--listen HOST:PORT] [--threads N] [--bank-holidays FILE] [--rules-config FILE]",
     "the HTTP server (web pages and JSON API); prints \"listening on URL\" first"},
    {"recompute", ck_cmd_recompute, "recompute [--db URL] [--as-of DATE] [--batch N]",
     "evaluate and store every case's obligations at a date"},
    {"generate", ck_cmd_generate,
     "generate --as-of DATE --out DIR [--scale london|national|N] [--seed N] [--practice inspected|good] [--param NAME=VALUE]...",
     "write Synthetic London (or national) demo data: organisation and case bundles"},
    {"inspection", ck_cmd_inspection,
     "inspection [--db URL] [--as-of DATE] [--pdu CODE] [--from DATE --to DATE] [--format json|table|csv]",
     "each PDU's key-question percentages, standard ratings and points out of 27"},
    {"workforce", ck_cmd_workforce, "workforce [--db URL] [--as-of DATE] [--pdu CODE] [--format json|table|csv]",
     "vacancies, agency share, sickness, caseload distribution and capacity by team"},
    {"allocate", ck_cmd_allocate,
     "allocate [--db URL] [--as-of DATE] (--case CRN --staff CODE | --reallocate-from STAFF [--staff CODE])",
     "allocate a case, or reallocate a leaver's whole caseload in one transaction"},
    {"user", ck_cmd_user, "user add|disable|enable|reset-password|unlock|list [NAME] [--db URL] [options]",
     "accounts: add, disable, reset a password (read from stdin or generated), list"},
    {"token", ck_cmd_token, "token add|list|revoke [--user NAME] [--scope PERM,...] [--db URL]",
     "API bearer tokens narrowed to scopes (only a hash is stored)"},
    {"access", ck_cmd_access, "access show|exclude|restrict|remove|clear --crn CRN [--user NAME] [--db URL]",
     "limited-access cases: exclusion and restriction lists and their messages"},
    {"audit", ck_cmd_audit, "audit verify|search [--user NAME] [--crn CRN] [--from DATE] [--to DATE] [--db URL]",
     "check the audit log's hash chain; search it"},
    {"stats", ck_cmd_stats, "stats [--db URL] [--as-of DATE] [--pdu CODE] [--format table|json]",
     "obligation counts, on-time rates and practice indicators by rule and PDU"},
    {"demo", ck_cmd_demo, "demo [--db sqlite:PATH] [--listen HOST:PORT] [--as-of DATE] [--scale london|N]",
     "Synthetic London in a fresh SQLite database, served, with staff to sign in as (make run)"},
    {NULL, NULL, NULL, NULL},
};

const char *ck_cli_db_url(const char *opt)
{
    if (opt && *opt) return opt;
    const char *env = getenv("CASEKEEPER_DB");
    return env && *env ? env : "sqlite:casekeeper.db";
}

bool ck_cli_parse_date(const char *cmd, const char *opt, const char *val, ck_date *out)
{
    if (val && ck_date_parse(val, strlen(val), out)) return true;
    ck_cli_error(cmd, "%s: expected a date YYYY-MM-DD, got \"%s\"", opt, val ? val : "");
    return false;
}

void ck_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "casekeeper %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void ck_cli_usage(const char *cmd, FILE *to)
{
    for (const ck_command *c = ck_commands; c->name; c++)
        if (strcmp(c->name, cmd) == 0) fprintf(to, "usage: casekeeper %s\n", c->usage);
}

bool ck_cli_read_file(const char *cmd, const char *path, size_t limit, ck_buf *out)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "standard input" : path;
    ck_buf_init(out, limit);
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        ck_cli_error(cmd, "%s: %s", name, strerror(errno));
        return false;
    }
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (!ck_buf_append(out, chunk, n)) break;
    int read_errno = ferror(f) ? errno : 0;
    if (!is_stdin) fclose(f);
    if (out->overflowed) {
        ck_cli_error(cmd, "%s: larger than %zu bytes; is it the right file?", name, limit);
        return false;
    }
    if (read_errno) {
        ck_cli_error(cmd, "%s: %s", name, strerror(read_errno));
        return false;
    }
    return true;
}
