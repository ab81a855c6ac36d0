/* casekeeper access: limited-access cases (nDelius LAO): exclusion and
 * restriction lists with their messages (store/ck_access). */
#include "ck_access.h"
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include <stdio.h>
#include <string.h>

#define CMD "access"

static void help(void)
{
    ck_cli_usage(CMD, stdout);
    printf("\n"
           "  show --crn CRN\n"
           "  exclude --crn CRN --user NAME [--message TEXT]\n"
           "      NAME may not see the case; TEXT is what the excluded are shown.\n"
           "  restrict --crn CRN --user NAME [--message TEXT]\n"
           "      only the users listed this way may see the case (the first one restricts\n"
           "      it); TEXT is what everyone else is shown.\n"
           "  remove --crn CRN --user NAME --list exclusion|restriction\n"
           "      takes NAME off a list (a restricted case stays restricted, even when its\n"
           "      list is empty)\n"
           "  clear --crn CRN   lifts every control\n"
           "\n"
           "Controls apply to every role, in searches and worklists (the case is absent) as\n"
           "in direct reads (the message is shown). Every change is audited.\n"
           "  --db URL   sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
           "             sqlite:casekeeper.db)\n"
           "Exit status: 0 done; 1 the database failed; 2 bad usage, or no such case or user.\n");
}

static bool print_listed(void *ctx, ck_lao_list list, const char *username)
{
    (void)ctx;
    printf("  %s: %s\n", list == CK_LAO_EXCLUSION ? "excluded" : "permitted", username);
    return true;
}

int ck_cmd_access(int argc, char **argv)
{
    static const char *const allowed[] = {"--crn", "--user", "--message", "--list", NULL};
    ck_cli_admin_args a;
    int rc = ck_cli_admin_parse(CMD, argc, argv, allowed, help, &a);
    if (rc) return rc < 0 ? 0 : rc;
    const char *crn = ck_cli_admin_opt(&a, "--crn"), *user = ck_cli_admin_opt(&a, "--user");
    const char *list = ck_cli_admin_opt(&a, "--list");
    static const char *const subs[] = {"show", "exclude", "restrict", "remove", "clear"};
    int sub = -1;
    for (int i = 0; i < 5; i++)
        if (strcmp(a.sub, subs[i]) == 0) sub = i;
    if (sub < 0) {
        ck_cli_error(CMD, "unknown subcommand \"%s\" (show, exclude, restrict, remove, clear)", a.sub);
        return 2;
    }
    bool needs_user = sub >= 1 && sub <= 3;
    if (!crn || (needs_user && !user) || a.arg) {
        ck_cli_error(CMD, "%s: expected --crn CRN%s", a.sub, needs_user ? " --user NAME" : "");
        return 2;
    }
    if (sub == 3 && (!list || (strcmp(list, "exclusion") != 0 && strcmp(list, "restriction") != 0))) {
        ck_cli_error(CMD, "remove: --list: expected exclusion or restriction");
        return 2;
    }
    ck_principal by;
    ck_cli_admin_principal(&by);
    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(a.db));
    if (!db) return 1;
    char err[1024];
    ck_rc st = CK_OK;
    ck_lao lao;
    switch (sub) {
    case 0:
        st = ck_lao_get(db, crn, &lao, NULL, NULL, err, sizeof err);
        if (st != CK_OK) break;
        printf("%s: %s\n", crn, lao.restricted ? "restricted to the permitted users" : "not restricted");
        if (lao.exclusion_message[0]) printf("  exclusion message: %s\n", lao.exclusion_message);
        if (lao.restriction_message[0]) printf("  restriction message: %s\n", lao.restriction_message);
        st = ck_lao_get(db, crn, &lao, print_listed, NULL, err, sizeof err);
        break;
    case 1:
    case 2:
        st = ck_lao_add(db, &by, crn, sub == 1 ? CK_LAO_EXCLUSION : CK_LAO_RESTRICTION, user,
                        ck_cli_admin_opt(&a, "--message"), err, sizeof err);
        break;
    case 3:
        st = ck_lao_remove(db, &by, crn, list[0] == 'e' ? CK_LAO_EXCLUSION : CK_LAO_RESTRICTION, user, err, sizeof err);
        break;
    default: st = ck_lao_clear(db, &by, crn, err, sizeof err); break;
    }
    if (st != CK_OK) ck_cli_error(CMD, "%s", err);
    ck_db_close(db);
    return st == CK_OK ? 0 : st == CK_ERR_DB ? 1 : 2;
}
