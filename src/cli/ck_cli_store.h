/* ck_cli_store: what the database commands (migrate, import, export,
 * recompute) share: opening a database that is ready for use, and
 * throughput lines on standard error for runs of minutes. */
#ifndef CK_CLI_STORE_H
#define CK_CLI_STORE_H
#include "ck_db.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Opens url for command cmd and checks that the schema is migrated and
 * matches the case descriptors. NULL with the reason printed. */
ck_db *ck_cli_store_open(const char *cmd, const char *url);

/* Command-line option `name` with a value at argv[*i]: 1 and *val (and *i
 * moved past the value) when argv[*i] is that option, 0 when it is not, -1
 * with a message when its value is missing. */
int ck_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val);

/* A command's options when all of them take a value: argv[1..] must be
 * --help / -h (help(stdout) is printed and *done set) or one of the names in
 * `opts`, each followed by its value, stored through `val`. 0 to go on, else
 * the exit status (0 after help; 2, with a message, for anything else). */
typedef struct ck_cli_optdef {
    const char *name; /* "--db" */
    const char **val;
} ck_cli_optdef;
int ck_cli_opts(const char *cmd, int argc, char **argv, const ck_cli_optdef *opts, size_t n, void (*help)(FILE *to),
                bool *done);

/* At most one line a second, so a person sees that a long run is alive and
 * how fast it goes. */
typedef struct ck_progress {
    const char *label; /* "cases-001.jsonl", "recompute" */
    const char *unit;  /* "cases" */
    double start, last;
} ck_progress;

void ck_progress_start(ck_progress *p, const char *label, const char *unit);
/* "LABEL: DONE[/TOTAL] UNIT, R UNIT/s, Ts elapsed" when a second has passed
 * since the last line (total 0: unknown). */
void ck_progress_tick(ck_progress *p, size_t done, size_t total);
double ck_progress_elapsed(const ck_progress *p); /* seconds since start */

#endif
