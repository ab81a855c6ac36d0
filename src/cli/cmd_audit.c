/* casekeeper audit: verify the audit log's hash chain; search it. */
#include "ck_audit.h"
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define CMD "audit"

static void help(void)
{
    ck_cli_usage(CMD, stdout);
    printf("\n"
           "  verify   walks the whole hash chain. Exit 0 when every entry holds, printing how\n"
           "           many there are and the last hash (keep it elsewhere: a later verify that\n"
           "           ends on a different hash at that entry means the log was rewritten);\n"
           "           exit 1 naming the first entry that was altered, removed or moved.\n"
           "  search [--user NAME] [--crn CRN] [--from DATE] [--to DATE]\n"
           "           entries matching every condition given, oldest first, one JSON object a\n"
           "           line: seq, at, actor, action, crn, record, client, request_id, detail.\n"
           "           Dates are YYYY-MM-DD (UTC), both inclusive.\n"
           "\n"
           "  --db URL   sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
           "             sqlite:casekeeper.db)\n"
           "Exit status: 0 done (verify: intact); 1 the log is broken or the database failed;\n"
           "2 bad usage.\n");
}

static bool print_entry(void *ctx, const ck_audit_entry *e)
{
    (void)ctx;
    json_t *j = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "seq", (json_int_t)e->seq, "at",
                          e->at, "actor", e->actor, "action", e->action, "crn", e->crn, "record", e->record, "client",
                          e->client, "request_id", e->request_id, "detail", e->detail);
    char *line = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    bool ok = line && printf("%s\n", line) >= 0;
    free(line);
    json_decref(j);
    return ok;
}

static bool date_opt(const ck_cli_admin_args *a, const char *name, ck_date *out)
{
    const char *v = ck_cli_admin_opt(a, name);
    *out = CK_NODATE;
    return !v || ck_cli_parse_date(CMD, name, v, out);
}

int ck_cmd_audit(int argc, char **argv)
{
    static const char *const allowed[] = {"--user", "--crn", "--from", "--to", NULL};
    ck_cli_admin_args a;
    int rc = ck_cli_admin_parse(CMD, argc, argv, allowed, help, &a);
    if (rc) return rc < 0 ? 0 : rc;
    bool verify = strcmp(a.sub, "verify") == 0;
    if (!verify && strcmp(a.sub, "search") != 0) {
        ck_cli_error(CMD, "unknown subcommand \"%s\" (verify, search)", a.sub);
        return 2;
    }
    ck_audit_query q = {ck_cli_admin_opt(&a, "--user"), ck_cli_admin_opt(&a, "--crn"), CK_NODATE, CK_NODATE};
    if (!date_opt(&a, "--from", &q.from) || !date_opt(&a, "--to", &q.to)) return 2;
    if (a.arg || (verify && a.n)) {
        ck_cli_error(CMD, "%s takes no %s", a.sub, a.arg ? "arguments" : "options but --db");
        return 2;
    }
    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(a.db));
    if (!db) return 1;
    char err[1024];
    ck_rc st;
    rc = 0;
    if (verify) {
        int64_t n = 0, bad = 0;
        char why[512], head[CK_AUDIT_HASH_HEX + 1];
        st = ck_audit_verify(db, &n, &bad, why, sizeof why, head, err, sizeof err);
        if (st == CK_OK && bad) {
            printf("audit log broken: %s\n", why);
            rc = 1;
        } else if (st == CK_OK) {
            printf("audit log intact: %" PRId64 " entries, last hash %s\n", n, head);
        }
    } else {
        st = ck_audit_search(db, &q, print_entry, NULL, err, sizeof err);
    }
    if (st != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        rc = 1;
    }
    ck_db_close(db);
    return rc;
}
