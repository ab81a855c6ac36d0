/* casekeeper workforce: vacancies, agency share, sickness, caseload
 * distribution and capacity by team. */
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_manage_json.h"
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
    const ck_cli_optdef opts[] = {
        {"--db", .val = &db_opt}, {"--as-of", .val = &as_of_opt}, {"--pdu", .val = &pdu}, {"--format", .val = &format}};
    int parsed = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNEXPECTED);
    if (parsed != CK_CLI_GO) return parsed;
    ck_date as_of = ck_date_today();
    if (as_of_opt && !ck_cli_parse_date(CMD, "--as-of", as_of_opt, &as_of)) return 2;
    ck_cli_format fmt;
    if (!ck_cli_parse_format(CMD, format, &fmt)) return 2;
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
    if (fmt == CK_CLI_JSON) {
        json_t *j = ck_workforce_to_json(w);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(j);
    } else {
        ck_buf out = CK_BUF_INIT;
        ck_workforce_render(w, fmt == CK_CLI_TABLE, &out);
        fputs(ck_buf_cstr(&out), stdout);
        ck_buf_free(&out);
    }
    ck_workforce_free(w);
    return 0;
}
