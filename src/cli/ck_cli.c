#include "ck_cli.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The command table: add a line here when a command lands. */
const ck_command ck_commands[] = {
    {"obligations", ck_cmd_obligations,
     "obligations --as-of DATE [--all] [--bank-holidays FILE] [--rules-config FILE] FILE",
     "the obligations of one case bundle file, without a database"},
    {"generate", ck_cmd_generate,
     "generate --as-of DATE --out DIR [--scale london|national|N] [--seed N] [--practice inspected|good] [--param NAME=VALUE]...",
     "write Synthetic London (or national) demo data: organisation and case bundles"},
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
