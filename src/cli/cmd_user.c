/* casekeeper user: accounts (store/ck_users). Every change is audited as
 * "cli:<operating-system user>". */
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include "ck_mem.h"
#include "ck_users.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define CMD "user"

static void help(void)
{
    ck_cli_usage(CMD, stdout);
    char roles[256] = "";
    for (int i = 0; i < CK_ROLE_COUNT; i++)
        snprintf(roles + strlen(roles), sizeof roles - strlen(roles), "%s%s", i ? ", " : "", ck_role_names[i]);
    printf("\n"
           "  add NAME --role ROLE [--staff CODE] [--password-stdin | --no-password]\n"
           "      a new account. ROLE is one of %s; every role but qa and admin\n"
           "      needs the staff code it works as (its scope comes from that staff member's\n"
           "      team). The password is read from standard input with --password-stdin, else\n"
           "      generated and printed once on standard output; --no-password makes an\n"
           "      account for API tokens only.\n"
           "  disable NAME       refuses its sign-in and tokens and ends its sessions\n"
           "  enable NAME\n"
           "  reset-password NAME [--password-stdin]\n"
           "                     a new password (generated and printed once unless read from\n"
           "                     standard input); also unlocks it and ends its sessions\n"
           "  unlock NAME        after too many failed sign-ins\n"
           "  set-role NAME --role ROLE [--staff CODE]\n"
           "                     a new role and staff link (the rules of add); ends its sessions\n"
           "  list               every account: name, role, staff code, state\n"
           "\n"
           "  --db URL   sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
           "             sqlite:casekeeper.db)\n"
           "\n"
           "Passwords: at least %d characters; hashed with Argon2id, never stored.\n"
           "Exit status: 0 done; 1 the database failed or refused; 2 bad usage or input.\n",
           roles, CK_PASSWORD_MIN);
}

static bool print_user(void *ctx, const ck_user *u)
{
    (void)ctx;
    printf("%-24s %-14s %-10s %s%s%s\n", u->username,
           (unsigned)u->role < CK_ROLE_COUNT ? ck_role_names[u->role] : "(unknown)", u->staff[0] ? u->staff : "-",
           u->disabled ? "disabled" : "active", u->locked ? ", locked" : "", u->has_password ? "" : ", no password");
    return true;
}

static int status_of(ck_rc rc) { return rc == CK_OK ? 0 : rc == CK_ERR_INVALID || rc == CK_ERR_EXISTS ? 2 : 1; }

/* The password to set: from standard input, or generated (then printed
 * once when the change succeeds). NULL after printing why. */
static char *new_password(const ck_cli_admin_args *a, bool *generated)
{
    *generated = !ck_cli_admin_opt(a, "--password-stdin");
    if (!*generated) return ck_cli_admin_read_password(CMD);
    char *pw = ck_malloc(CK_PASSWORD_GEN_LEN + 1);
    ck_password_generate(pw);
    return pw;
}

int ck_cmd_user(int argc, char **argv)
{
    static const char *const allowed[] = {"--role", "--staff", "--password-stdin!", "--no-password!", NULL};
    ck_cli_admin_args a;
    int rc = ck_cli_admin_parse(CMD, argc, argv, allowed, help, &a);
    if (rc) return rc < 0 ? 0 : rc;
    bool list = strcmp(a.sub, "list") == 0;
    if (!list && !a.arg) {
        ck_cli_error(CMD, "%s: which account? (casekeeper user %s NAME)", a.sub, a.sub);
        return 2;
    }
    char err[1024];
    ck_principal by;
    ck_cli_admin_principal(&by);
    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(a.db));
    if (!db) return 1;
    ck_rc st = CK_OK;
    char *pw = NULL;
    bool generated = false;
    if (list) {
        st = ck_user_list(db, print_user, NULL, err, sizeof err);
    } else if (strcmp(a.sub, "add") == 0 || strcmp(a.sub, "set-role") == 0) {
        ck_role role;
        const char *r = ck_cli_admin_opt(&a, "--role");
        if (!ck_role_parse(r, &role)) {
            ck_cli_error(CMD, "--role: expected one of practitioner, spo, head_of_pdu, court_officer, vlo, qa, admin; "
                              "got \"%s\"", r ? r : "");
            ck_db_close(db);
            return 2;
        }
        if (a.sub[0] == 's') {
            st = ck_user_set_role(db, &by, a.arg, role, ck_cli_admin_opt(&a, "--staff"), err, sizeof err);
            goto done;
        }
        if (!ck_cli_admin_opt(&a, "--no-password") && !(pw = new_password(&a, &generated))) {
            ck_db_close(db);
            return 2;
        }
        st = ck_user_add(db, &by, a.arg, role, ck_cli_admin_opt(&a, "--staff"), pw, ck_cli_now(), NULL, err,
                         sizeof err);
    } else if (strcmp(a.sub, "disable") == 0 || strcmp(a.sub, "enable") == 0) {
        st = ck_user_set_disabled(db, &by, a.arg, a.sub[0] == 'd', err, sizeof err);
    } else if (strcmp(a.sub, "reset-password") == 0) {
        if (!(pw = new_password(&a, &generated))) {
            ck_db_close(db);
            return 2;
        }
        st = ck_user_set_password(db, &by, a.arg, pw, err, sizeof err);
    } else if (strcmp(a.sub, "unlock") == 0) {
        st = ck_user_unlock(db, &by, a.arg, err, sizeof err);
    } else {
        ck_cli_error(CMD, "unknown subcommand \"%s\" (add, disable, enable, reset-password, unlock, set-role, list)", a.sub);
        ck_db_close(db);
        return 2;
    }
done:
    if (st != CK_OK) ck_cli_error(CMD, "%s", err);
    else if (pw && generated) printf("%s\n", pw); /* shown once: only its hash is kept */
    else if (!list) fprintf(stderr, "casekeeper %s: %s %s: done\n", CMD, a.sub, a.arg);
    ck_cli_admin_wipe(pw);
    ck_db_close(db);
    return status_of(st);
}
