/* casekeeper workforce: vacancies, agency share, sickness, caseload
 * distribution and capacity by team. */
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_rulecfg.h"
#include "ck_workforce.h"
#include <stdio.h>
#include <string.h>

#define CMD "workforce"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "The workforce of a PDU (or everyone): staff in post, funded posts and vacancies,\n"
            "agency staff, long-term absence, each team's cases and capacity (WMT workload\n"
            "points over available points; over capacity above 100%%), the caseload\n"
            "distribution and, in JSON, every practitioner's workload breakdown.\n"
            "\n"
            "  --db URL       sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB)\n"
            "  --as-of DATE   the date (default: today)\n"
            "  --pdu CODE     one PDU (default: everyone)\n"
            "  --format F     json (default), table or csv (one row per team and a total)\n"
            "\n"
            "Exit status: 0 done; 1 the database failed; 2 bad options.\n");
}

int ck_cmd_workforce(int argc, char **argv)
{
    const char *db_opt = NULL, *as_of_opt = NULL, *pdu = NULL, *format = "json";
    for (int i = 1; i < argc; i++) {
        int got;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return 0;
        }
        if ((got = ck_cli_opt(CMD, argc, argv, &i, "--db", &db_opt)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--as-of", &as_of_opt)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--pdu", &pdu)) ||
            (got = ck_cli_opt(CMD, argc, argv, &i, "--format", &format))) {
            if (got < 0) return 2;
            continue;
        }
        ck_cli_error(CMD, "unexpected argument \"%s\"", argv[i]);
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    ck_date as_of = ck_date_today();
    if (as_of_opt && !ck_cli_parse_date(CMD, "--as-of", as_of_opt, &as_of)) return 2;
    bool json = strcmp(format, "json") == 0, table = strcmp(format, "table") == 0;
    if (!json && !table && strcmp(format, "csv") != 0) {
        ck_cli_error(CMD, "--format: expected json, table or csv, got \"%s\"", format);
        return 2;
    }
    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(db_opt));
    if (!db) return 1;
    char err[1024];
    ck_workforce *w = NULL;
    ck_rc rc = ck_workforce_load(db, ck_rulecfg_default(), NULL, pdu, as_of, &w, err, sizeof err);
    ck_db_close(db);
    if (rc != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        return 1;
    }
    if (json) {
        json_t *j = ck_workforce_to_json(w);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(j);
    } else {
        ck_buf out = CK_BUF_INIT;
        ck_workforce_render(w, table, &out);
        fputs(ck_buf_cstr(&out), stdout);
        ck_buf_free(&out);
    }
    ck_workforce_free(w);
    return 0;
}
