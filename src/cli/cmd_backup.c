/* casekeeper backup and restore: a consistent copy of the whole database
 * while the server runs, and putting one back (db/ck_db_backup). */
#include "ck_cli.h"
#include "ck_db_backup.h"
#include <stdio.h>
#include <string.h>

static void backup_help(FILE *to)
{
    ck_cli_usage("backup", to);
    fprintf(to,
            "\n"
            "Copies the whole database into FILE as of one moment, while the server goes on\n"
            "writing: SQLite through its online backup API (FILE is an SQLite database),\n"
            "PostgreSQL with pg_dump --format=custom (FILE is for pg_restore). FILE is written\n"
            "beside itself as FILE.partial and renamed when whole, so it is never half written.\n"
            "Every write the server acknowledged before the backup started is in it.\n"
            "\n"
            "  --db URL     sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "               sqlite:casekeeper.db)\n"
            "  --out FILE   the backup file (replaced if it exists)\n"
            "\n"
            "Exit status: 0 written; 1 the backup failed; 2 bad options.\n");
}

int ck_cmd_backup(int argc, char **argv)
{
    const char *db = NULL, *out = NULL;
    const ck_cli_optdef opts[] = {{"--db", .val = &db}, {"--out", .val = &out}};
    int rc = ck_cli_opts("backup", argc, argv, opts, sizeof opts / sizeof *opts, backup_help, CK_CLI_UNEXPECTED);
    if (rc != CK_CLI_GO) return rc;
    if (!out || !*out) {
        ck_cli_error("backup", "--out: expected the file to write the backup to");
        return 2;
    }
    char err[1024];
    if (!ck_db_backup(ck_cli_db_url(db), out, err, sizeof err)) {
        ck_cli_error("backup", "%s", err);
        return 1;
    }
    fprintf(stderr, "casekeeper backup: wrote %s\n", out);
    return 0;
}

static void restore_help(FILE *to)
{
    ck_cli_usage("restore", to);
    fprintf(to,
            "\n"
            "Puts a backup made by casekeeper backup into the database. Refuses a database\n"
            "that holds any table unless --force is given, which replaces its content. Stop\n"
            "the server first; start it again afterwards (it applies any newer migrations).\n"
            "\n"
            "  --db URL      sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "                sqlite:casekeeper.db); of the same kind as the backup\n"
            "  --from FILE   the backup file\n"
            "  --force       replace the content of a database that is not empty\n"
            "\n"
            "Exit status: 0 restored; 1 the restore failed; 2 bad options, or the database is\n"
            "not empty and --force was not given.\n");
}

int ck_cmd_restore(int argc, char **argv)
{
    const char *db = NULL, *from = NULL;
    bool force = false;
    const ck_cli_optdef opts[] = {{"--db", .val = &db}, {"--from", .val = &from}, {"--force", .flag = &force}};
    int rc = ck_cli_opts("restore", argc, argv, opts, sizeof opts / sizeof *opts, restore_help, CK_CLI_UNEXPECTED);
    if (rc != CK_CLI_GO) return rc;
    if (!from || !*from) {
        ck_cli_error("restore", "--from: expected the backup file to restore");
        return 2;
    }
    char err[1024];
    ck_db_restore_rc r = ck_db_restore(ck_cli_db_url(db), from, force, err, sizeof err);
    if (r != CK_RESTORE_OK) {
        ck_cli_error("restore", "%s", err);
        return r == CK_RESTORE_NOT_EMPTY ? 2 : 1;
    }
    fprintf(stderr, "casekeeper restore: restored %s\n", from);
    return 0;
}
