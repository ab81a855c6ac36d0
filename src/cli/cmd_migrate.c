/* casekeeper migrate: brings the database schema up to date (the SQL files
 * embedded from src/store/migrations, each applied once, in order). */
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
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return 0;
        }
        int got = ck_cli_opt(CMD, argc, argv, &i, "--db", &db_opt);
        if (got < 0) return 2;
        if (got) continue;
        ck_cli_error(CMD, "unexpected argument \"%s\"", argv[i]);
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    char err[1024];
    ck_db *db = ck_db_open(ck_cli_db_url(db_opt), err, sizeof err);
    if (!db) {
        ck_cli_error(CMD, "%s", err);
        return 1;
    }
    int applied = 0;
    int rc = 1;
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
