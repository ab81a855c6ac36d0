/* ck_cli_admin: what the security administration commands (user, token,
 * access, audit) share: one subcommand word, options, the database, and the
 * principal the audit log names for the command line. */
#ifndef CK_CLI_ADMIN_H
#define CK_CLI_ADMIN_H
#include "ck_db.h"
#include "ck_roles.h"
#include <stdbool.h>
#include <stdint.h>

/* "cli:" and the operating-system user running the command. */
void ck_cli_admin_principal(ck_principal *p);

/* Seconds since the epoch, now. */
int64_t ck_cli_now(void);

/* Parsed options of one admin command: the subcommand, one positional
 * argument at most, and `--name value` pairs from a list of allowed names
 * (flags are listed with a trailing '!' and take no value). */
#define CK_CLI_ADMIN_MAX_OPTS 12
typedef struct ck_cli_admin_args {
    const char *sub, *arg;
    const char *db;
    const char *names[CK_CLI_ADMIN_MAX_OPTS];
    const char *values[CK_CLI_ADMIN_MAX_OPTS]; /* flags: "" when given */
    int n;
} ck_cli_admin_args;

/* Parses argv (argv[0] is the command) against `allowed` (NULL-terminated,
 * "--db" always allowed). 0 to go on, 2 after printing what is wrong, or -1
 * after answering --help with help(). */
int ck_cli_admin_parse(const char *cmd, int argc, char **argv, const char *const *allowed, void (*help)(void),
                       ck_cli_admin_args *a);
/* The value of an option, or NULL when not given. */
const char *ck_cli_admin_opt(const ck_cli_admin_args *a, const char *name);

/* A password from standard input (one line; no echo on a terminal), or NULL
 * with the reason printed. The caller wipes and frees it (ck_cli_admin_wipe). */
char *ck_cli_admin_read_password(const char *cmd);
void ck_cli_admin_wipe(char *s);

#endif
