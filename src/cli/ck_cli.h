/* ck_cli: the `casekeeper` subcommands. Each is `int ck_cmd_X(int argc, char **argv)`
 * with argv[0] the subcommand name; returns the process exit status
 * (0 success, 1 failure, 2 bad usage or bad input). Shared option handling
 * lives here so every command spells --db, --as-of and --help the same way. */
#ifndef CK_CLI_H
#define CK_CLI_H
#include "ck_buf.h"
#include "ck_date.h"
#include <stdbool.h>
#include <stdio.h>

typedef struct ck_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;   /* one line: "obligations --as-of DATE [--all] FILE" */
    const char *summary; /* what it does, for --help */
} ck_command;

extern const ck_command ck_commands[]; /* ends with {NULL} */

/* The database URL: --db value, else $CASEKEEPER_DB, else "sqlite:casekeeper.db". */
const char *ck_cli_db_url(const char *opt);
/* Parses a --as-of value; prints "NAME: --as-of: expected YYYY-MM-DD" and returns false. */
bool ck_cli_parse_date(const char *cmd, const char *opt, const char *val, ck_date *out);
/* Prints "casekeeper CMD: message" to stderr. */
void ck_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the usage line of cmd to `to`. */
void ck_cli_usage(const char *cmd, FILE *to);

/* The whole of `path` ("-": standard input) into out (initialised here with
 * `limit` as its cap). False with "casekeeper CMD: PATH: reason" printed;
 * out is then the caller's to free all the same. */
bool ck_cli_read_file(const char *cmd, const char *path, size_t limit, ck_buf *out);

/* Commands (one file each under src/cli/). */
int ck_cmd_obligations(int argc, char **argv);
int ck_cmd_migrate(int argc, char **argv);
int ck_cmd_import(int argc, char **argv);
int ck_cmd_export(int argc, char **argv);
int ck_cmd_serve(int argc, char **argv);
int ck_cmd_recompute(int argc, char **argv);
int ck_cmd_generate(int argc, char **argv);
int ck_cmd_stats(int argc, char **argv);
int ck_cmd_demo(int argc, char **argv);
int ck_cmd_inspection(int argc, char **argv);
int ck_cmd_workforce(int argc, char **argv);
int ck_cmd_allocate(int argc, char **argv);
int ck_cmd_user(int argc, char **argv);
int ck_cmd_token(int argc, char **argv);
int ck_cmd_access(int argc, char **argv);
int ck_cmd_audit(int argc, char **argv);

#endif
