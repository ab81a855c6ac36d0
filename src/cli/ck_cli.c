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
    {"serve", ck_cmd_serve,
     "serve [--db URL] [--listen HOST:PORT] [--threads N] [--bank-holidays FILE] [--rules-config FILE] [--assets-dir DIR]",
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
     "allocate [--db URL] [--as-of DATE] (--case CRN --staff CODE [--reason TEXT] | --reallocate-from STAFF [--staff CODE])",
     "allocate a case, or reallocate a leaver's whole caseload in one transaction"},
    {"user", ck_cmd_user, "user add|disable|enable|reset-password|unlock|list [NAME] [--db URL] [options]",
     "accounts: add, disable, reset a password (read from stdin or generated), list"},
    {"token", ck_cmd_token, "token add|list|revoke [--user NAME] [--scope PERM,...] [--db URL]",
     "API bearer tokens narrowed to scopes (only a hash is stored)"},
    {"access", ck_cmd_access, "access show|exclude|restrict|remove|clear --crn CRN [--user NAME] [--db URL]",
     "limited-access cases: exclusion and restriction lists and their messages"},
    {"audit", ck_cmd_audit, "audit verify|search [--user NAME] [--crn CRN] [--from DATE] [--to DATE] [--db URL]",
     "check the audit log's hash chain; search it"},
    {"backup", ck_cmd_backup, "backup [--db URL] --out FILE",
     "a consistent copy of the whole database while the server writes"},
    {"restore", ck_cmd_restore, "restore [--db URL] --from FILE [--force]",
     "put a backup into an empty database (--force: replace a database's content)"},
    {"stats", ck_cmd_stats, "stats [--db URL] [--as-of DATE] [--pdu CODE] [--format table|json]",
     "obligation counts, on-time rates and practice indicators by rule and PDU"},
    {"demo", ck_cmd_demo, "demo [--db sqlite:PATH] [--listen HOST:PORT] [--as-of DATE] [--scale london|N] [--rules-config FILE]",
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

bool ck_cli_opt_date(const char *cmd, const char *name, const char *val, void *out)
{
    return ck_cli_parse_date(cmd, name, val, out);
}

bool ck_cli_parse_format(const char *cmd, const char *val, ck_cli_format *out)
{
    static const char *const names[] = {[CK_CLI_JSON] = "json", [CK_CLI_TABLE] = "table", [CK_CLI_CSV] = "csv"};
    for (size_t f = 0; f < sizeof names / sizeof *names; f++)
        if (strcmp(val, names[f]) == 0) {
            *out = (ck_cli_format)f;
            return true;
        }
    ck_cli_error(cmd, "--format: expected json, table or csv, got \"%s\"", val);
    return false;
}

static void needs_value(const char *cmd, const char *name)
{
    ck_cli_error(cmd, "%s needs a value", name);
    ck_cli_usage(cmd, stderr);
}

int ck_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val)
{
    if (strcmp(argv[*i], name) != 0) return 0;
    if (*i + 1 >= argc) {
        needs_value(cmd, name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

static const ck_cli_optdef *find_opt(const ck_cli_spec *s, const char *arg)
{
    for (size_t k = 0; k < s->n_opts; k++)
        if (strcmp(s->opts[k].name, arg) == 0) return &s->opts[k];
    return NULL;
}

static void unknown(const ck_cli_spec *s, const char *arg)
{
    switch (s->wording) {
    case CK_CLI_UNEXPECTED:
        ck_cli_error(s->cmd, "unexpected argument \"%s\"", arg);
        ck_cli_usage(s->cmd, stderr);
        break;
    case CK_CLI_UNKNOWN_ARG:
        ck_cli_error(s->cmd, "unknown argument \"%s\" (casekeeper %s --help lists the options)", arg, s->cmd);
        break;
    case CK_CLI_UNKNOWN_OPTION:
        ck_cli_error(s->cmd, "unknown option \"%s\" (casekeeper %s --help lists them)", arg, s->cmd);
        break;
    case CK_CLI_UNKNOWN_USAGE:
        ck_cli_error(s->cmd, "unknown option \"%s\"", arg);
        ck_cli_usage(s->cmd, stderr);
        break;
    }
}

static void missing_value(const ck_cli_spec *s, const char *name)
{
    if (s->wording == CK_CLI_UNKNOWN_OPTION) ck_cli_error(s->cmd, "%s: expected a value", name);
    else needs_value(s->cmd, name);
}

/* The value of option o; false with the message printed. */
static bool take_value(const ck_cli_spec *s, const ck_cli_optdef *o, const char *v)
{
    if (o->list) {
        if (*o->n == o->max) {
            ck_cli_error(s->cmd, "%s: too many (at most %zu)", o->name, o->max);
            return false;
        }
        o->list[(*o->n)++] = v;
    } else if (o->val) {
        *o->val = v;
    }
    return !o->parse || o->parse(s->cmd, o->name, v, o->out);
}

int ck_cli_parse(const ck_cli_spec *s, int argc, char **argv)
{
    bool positional_only = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (s->pos && (positional_only || a[0] != '-' || a[1] == '\0')) {
            if (*s->n_pos == s->max_pos) {
                ck_cli_error(s->cmd, "expected %s, got \"%s\" and \"%s\"", s->pos_name, s->pos[s->max_pos - 1], a);
                return 2;
            }
            s->pos[(*s->n_pos)++] = a;
            continue;
        }
        if (s->dashdash && strcmp(a, "--") == 0) {
            positional_only = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            s->help(stdout);
            return 0;
        }
        const ck_cli_optdef *o = find_opt(s, a);
        if (!o) {
            unknown(s, a);
            return 2;
        }
        if (o->flag) {
            *o->flag = true;
            continue;
        }
        if (i + 1 >= argc) {
            missing_value(s, a);
            return 2;
        }
        if (!take_value(s, o, argv[++i])) return 2;
    }
    return CK_CLI_GO;
}

int ck_cli_opts(const char *cmd, int argc, char **argv, const ck_cli_optdef *opts, size_t n_opts, void (*help)(FILE *to),
                ck_cli_wording wording)
{
    const ck_cli_spec s = {.cmd = cmd, .opts = opts, .n_opts = n_opts, .help = help, .wording = wording};
    return ck_cli_parse(&s, argc, argv);
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

bool ck_cli_read_file(const char *cmd, const char *path, size_t limit, const char *expected, ck_buf *out)
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
        if (expected) ck_cli_error(cmd, "%s: larger than %zu MiB; expected %s", name, limit >> 20, expected);
        else ck_cli_error(cmd, "%s: larger than %zu bytes; is it the right file?", name, limit);
        return false;
    }
    if (read_errno) {
        ck_cli_error(cmd, "%s: %s", name, strerror(read_errno));
        return false;
    }
    return true;
}
