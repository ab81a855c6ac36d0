/* casekeeper token: API bearer tokens (store/ck_users), audited as the
 * command line's principal. */
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include "ck_users.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "token"

static void help(void)
{
    char perms[512];
    ck_perm_list(CK_PERM_ALL, perms, sizeof perms);
    ck_cli_usage(CMD, stdout);
    printf("\n"
           "  add --user NAME --scope PERM,... [--label TEXT] [--expires-days N]\n"
           "      a new token for an account, narrowed to the permissions listed (each must be\n"
           "      held by the account's role). The token is printed once on standard output;\n"
           "      only its SHA-256 is kept. Clients send it as \"Authorization: Bearer TOKEN\".\n"
           "  list [--user NAME]   tokens: id, account, scopes, label, state\n"
           "  revoke ID\n"
           "\n"
           "Permissions: %s.\n"
           "  --db URL   sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
           "             sqlite:casekeeper.db)\n"
           "Exit status: 0 done; 1 the database failed or refused; 2 bad usage or input.\n",
           perms);
}

static bool print_token(void *ctx, const ck_api_token *t)
{
    int64_t now = *(const int64_t *)ctx;
    char scopes[512];
    ck_perm_list(t->scopes, scopes, sizeof scopes);
    const char *state = t->revoked ? "revoked" : t->expires_at && t->expires_at <= now ? "expired" : "active";
    printf("%-6" PRId64 " %-24s %-8s %s%s%s\n", t->id, t->username, state, scopes, t->label[0] ? "  # " : "", t->label);
    return true;
}

int ck_cmd_token(int argc, char **argv)
{
    static const char *const allowed[] = {"--user", "--scope", "--label", "--expires-days", NULL};
    ck_cli_admin_args a;
    int rc = ck_cli_admin_parse(CMD, argc, argv, allowed, help, &a);
    if (rc) return rc < 0 ? 0 : rc;
    char err[1024];
    int64_t now = ck_cli_now(), expires = 0;
    uint32_t scopes = 0;
    bool add = strcmp(a.sub, "add") == 0, revoke = strcmp(a.sub, "revoke") == 0;
    int64_t id = 0;
    if (!add && !revoke && strcmp(a.sub, "list") != 0) {
        ck_cli_error(CMD, "unknown subcommand \"%s\" (add, list, revoke)", a.sub);
        return 2;
    }
    if (add) {
        const char *days = ck_cli_admin_opt(&a, "--expires-days");
        if (!ck_cli_admin_opt(&a, "--user")) {
            ck_cli_error(CMD, "add: --user NAME is required");
            return 2;
        }
        if (!ck_perm_parse_list(ck_cli_admin_opt(&a, "--scope"), &scopes, err, sizeof err)) {
            ck_cli_error(CMD, "--scope: %s", err);
            return 2;
        }
        if (days && (!*days || !ck_token_expiry(days, now, &expires, err, sizeof err))) {
            ck_cli_error(CMD, "--expires-days: expected a whole number from 1 to %d, got \"%s\"", CK_TOKEN_MAX_DAYS, days);
            return 2;
        }
    }
    if (revoke) {
        char *end;
        id = a.arg ? strtoll(a.arg, &end, 10) : 0;
        if (!a.arg || !*a.arg || *end || id <= 0) {
            ck_cli_error(CMD, "revoke: expected a token id (casekeeper token list shows them)");
            return 2;
        }
    }
    ck_principal by;
    ck_cli_admin_principal(&by);
    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(a.db));
    if (!db) return 1;
    ck_rc st;
    char token[CK_API_TOKEN_LEN + 1];
    if (add) {
        st = ck_token_add(db, &by, ck_cli_admin_opt(&a, "--user"), scopes, ck_cli_admin_opt(&a, "--label"), now,
                          expires, token, &id, err, sizeof err);
        if (st == CK_OK) {
            printf("%s\n", token);
            fprintf(stderr, "casekeeper %s: token %" PRId64 " added; it is shown only this once\n", CMD, id);
        }
    } else if (revoke) {
        st = ck_token_revoke(db, &by, id, err, sizeof err);
    } else {
        st = ck_token_list(db, ck_cli_admin_opt(&a, "--user"), print_token, &now, err, sizeof err);
    }
    if (st != CK_OK) ck_cli_error(CMD, "%s", err);
    ck_db_close(db);
    return st == CK_OK ? 0 : st == CK_ERR_INVALID || st == CK_ERR_NOTFOUND ? 2 : 1;
}
