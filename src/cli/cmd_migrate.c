/* casekeeper migrate: brings the database schema up to date (the SQL files
 * embedded from src/db/migrations, each applied once, in order). */
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_db.h"
#include "ck_store.h"
#include <stdio.h>
#include <string.h>

#define CMD "migrate"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Creates or updates the database schema: applies, in order and each in its own\n"
            "transaction, the migrations the database has not had yet. Safe to run again.\n"
            "\n"
            "  --db URL   sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "             sqlite:casekeeper.db)\n"
            "\n"
            "Exit status: 0 up to date; 1 the database failed; 2 bad options.\n");
}

int ck_cmd_migrate(int argc, char **argv)
{
    const char *db_opt = NULL;
    const ck_cli_optdef opts[] = {{"--db", .val = &db_opt}};
    int rc = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNEXPECTED);
    if (rc != CK_CLI_GO) return rc;
    char err[1024];
    ck_db *db = ck_db_open(ck_cli_db_url(db_opt), err, sizeof err);
    if (!db) {
        ck_cli_error(CMD, "%s", err);
        return 1;
    }
    int applied = 0;
    rc = 1;
    if (ck_db_migrate(db, &applied) != CK_DB_OK) ck_cli_error(CMD, "%s", ck_db_errmsg(db));
    else if (ck_store_verify(db, err, sizeof err) != CK_OK) ck_cli_error(CMD, "%s", err);
    else {
        fprintf(stderr, "casekeeper %s: schema version %d (%d migration%s applied)\n", CMD, ck_db_schema_version(db),
                applied, applied == 1 ? "" : "s");
        rc = 0;
    }
    ck_db_close(db);
    return rc;
}
