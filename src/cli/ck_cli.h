/* ck_cli: the `casekeeper` subcommands. Each is `int ck_cmd_X(int argc, char **argv)`
 * with argv[0] the subcommand name; returns the process exit status
 * (0 success, 1 failure, 2 bad usage or bad input). Shared option handling
 * lives here so every command spells --db, --as-of and --help the same way. */
#ifndef CK_CLI_H
#define CK_CLI_H
#include "ck_buf.h"
#include "ck_date.h"
#include <stdbool.h>
#include <stddef.h>
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
/* Command-line option `name` with a value at argv[*i]: 1 and *val (and *i
 * moved past the value) when argv[*i] is that option, 0 when it is not, -1
 * with a message when its value is missing. */
int ck_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val);

/* The same as an option table's parse hook (ck_cli_optdef): out is a ck_date. */
bool ck_cli_opt_date(const char *cmd, const char *name, const char *val, void *out);

/* One option of a command's table: a flag, or one that takes a value (val,
 * list or parse, or val and parse). */
typedef struct ck_cli_optdef {
    const char *name;  /* "--db" */
    const char **val;  /* the value that follows (the last given wins) */
    bool *flag;        /* an option without a value: set true when given */
    const char **list; /* a repeatable option: its values in order, at most max */
    size_t *n, max;    /* list: how many so far; more than max is bad usage */
    /* When set, called on each value as soon as it is read (after val or
     * list has it), so its complaint comes before any later argument's;
     * false means it printed why, and the exit status is 2. */
    bool (*parse)(const char *cmd, const char *name, const char *val, void *out);
    void *out;
} ck_cli_optdef;

/* How a command words bad usage. Each command has printed one of these since
 * it landed and scripts match them, so a command keeps its own:
 *   UNEXPECTED      `unexpected argument "X"` and the usage line
 *   UNKNOWN_ARG     `unknown argument "X" (casekeeper CMD --help lists the options)`
 *   UNKNOWN_OPTION  `unknown option "X" (casekeeper CMD --help lists them)`, and
 *                   `--x: expected a value` for a missing value
 *   UNKNOWN_USAGE   `unknown option "X"` and the usage line
 * A missing value is otherwise `--x needs a value` and the usage line. */
typedef enum ck_cli_wording {
    CK_CLI_UNEXPECTED,
    CK_CLI_UNKNOWN_ARG,
    CK_CLI_UNKNOWN_OPTION,
    CK_CLI_UNKNOWN_USAGE,
} ck_cli_wording;

typedef struct ck_cli_spec {
    const char *cmd;
    const ck_cli_optdef *opts;
    size_t n_opts;
    void (*help)(FILE *to); /* --help and -h print this to stdout */
    ck_cli_wording wording;
    /* Positional arguments, those not starting with '-' and "-" itself, go to
     * pos (NULL: the command takes none, so they are unknown arguments), at
     * most max_pos of them; one more is bad usage worded
     * `expected POS_NAME, got "LAST KEPT" and "X"` (pos_name "one FILE"). */
    const char **pos;
    size_t *n_pos, max_pos;
    const char *pos_name;
    bool dashdash; /* "--" makes every later argument positional */
} ck_cli_spec;

/* Parses argv[1..] (argv[0] is the command) against s, in order: the first
 * bad argument is the one reported. CK_CLI_GO to go on, else the exit
 * status: 0 after --help, 2 with the message printed for bad usage. */
#define CK_CLI_GO (-1)
int ck_cli_parse(const ck_cli_spec *s, int argc, char **argv);
/* The same for a command without positional arguments. */
int ck_cli_opts(const char *cmd, int argc, char **argv, const ck_cli_optdef *opts, size_t n_opts, void (*help)(FILE *to),
                ck_cli_wording wording);

/* A report's --format. */
typedef enum ck_cli_format { CK_CLI_JSON, CK_CLI_TABLE, CK_CLI_CSV } ck_cli_format;
/* Parses json, table or csv; prints "CMD: --format: expected json, table or
 * csv, got ..." and returns false for anything else. */
bool ck_cli_parse_format(const char *cmd, const char *val, ck_cli_format *out);

/* Prints "casekeeper CMD: message" to stderr. */
void ck_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the usage line of cmd to `to`. */
void ck_cli_usage(const char *cmd, FILE *to);

/* The whole of `path` ("-": standard input) into out (initialised here with
 * `limit` as its cap). False with "casekeeper CMD: PATH: reason" printed;
 * out is then the caller's to free all the same. A file over the limit is
 * "larger than LIMIT bytes; is it the right file?", or, with `expected`
 * ("one case bundle"), "larger than N MiB; expected EXPECTED". */
bool ck_cli_read_file(const char *cmd, const char *path, size_t limit, const char *expected, ck_buf *out);

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
int ck_cmd_backup(int argc, char **argv);
int ck_cmd_restore(int argc, char **argv);

#endif
