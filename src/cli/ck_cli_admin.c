#include "ck_cli_admin.h"
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_mem.h"
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PASSWORD_LINE_MAX 2048

void ck_cli_admin_principal(ck_principal *p)
{
    const struct passwd *pw = getpwuid(geteuid());
    char who[CK_USERNAME_MAX + 1];
    snprintf(who, sizeof who, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
    ck_principal_system(p, who);
}

int64_t ck_cli_now(void) { return (int64_t)time(NULL); }

static const char *allowed_name(const char *const *allowed, const char *opt, bool *flag)
{
    for (const char *const *a = allowed; *a; a++) {
        size_t n = strlen(*a);
        bool f = n && (*a)[n - 1] == '!';
        if (strlen(opt) == n - f && strncmp(opt, *a, n - f) == 0) {
            *flag = f;
            return *a;
        }
    }
    return NULL;
}

int ck_cli_admin_parse(const char *cmd, int argc, char **argv, const char *const *allowed, void (*help)(void),
                       ck_cli_admin_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            help();
            return -1;
        }
        if (strcmp(s, "--db") == 0) {
            if (ck_cli_opt(cmd, argc, argv, &i, "--db", &a->db) < 0) return 2;
            continue;
        }
        if (strncmp(s, "--", 2) != 0) {
            if (!a->sub) a->sub = s;
            else if (!a->arg) a->arg = s;
            else {
                ck_cli_error(cmd, "unexpected argument \"%s\"", s);
                return 2;
            }
            continue;
        }
        bool flag = false;
        if (!allowed_name(allowed, s, &flag) || a->n == CK_CLI_ADMIN_MAX_OPTS) {
            ck_cli_error(cmd, "unknown option \"%s\" (casekeeper %s --help lists them)", s, cmd);
            return 2;
        }
        const char *v = "";
        if (!flag && ck_cli_opt(cmd, argc, argv, &i, s, &v) < 0) return 2;
        a->names[a->n] = s;
        a->values[a->n++] = v;
    }
    if (!a->sub) {
        ck_cli_error(cmd, "which subcommand? (casekeeper %s --help lists them)", cmd);
        return 2;
    }
    return 0;
}

const char *ck_cli_admin_opt(const ck_cli_admin_args *a, const char *name)
{
    for (int i = a->n - 1; i >= 0; i--)
        if (strcmp(a->names[i], name) == 0) return a->values[i];
    return NULL;
}

char *ck_cli_admin_read_password(const char *cmd)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "Password: ");
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = ck_malloc(PASSWORD_LINE_MAX);
    bool got = fgets(line, PASSWORD_LINE_MAX, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got) {
        ck_cli_error(cmd, "no password on standard input");
        ck_cli_admin_wipe(line);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return line;
}

void ck_cli_admin_wipe(char *s)
{
    if (!s) return;
    sodium_memzero(s, strlen(s));
    ck_free(s);
}
