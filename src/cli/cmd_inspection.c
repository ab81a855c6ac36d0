/* casekeeper inspection: each PDU's key-question percentages, standard
 * ratings and points out of 27, from the stored obligations. */
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_inspection.h"
#include "ck_manage_json.h"
#include "ck_rulecfg.h"
#include "ck_workforce.h"
#include <stdio.h>
#include <string.h>

#define CMD "inspection"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Continuous inspection: for each PDU (or the one given), the percentage of each\n"
            "key question (obligations due in the period met on time; share of days with no\n"
            "overdue contact), each standard's rating from its lowest key question, the\n"
            "organisational standards as the head of PDU entered them, and the points out of\n"
            "27 with the overall band.\n"
            "\n"
            "  --db URL          sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB)\n"
            "  --as-of DATE      the date the figures are read at (default: today)\n"
            "  --pdu CODE        one PDU (default: every PDU)\n"
            "  --from DATE       first day of the period (default: 12 months before --to)\n"
            "  --to DATE         last day of the period (default: the day before --as-of)\n"
            "  --format F        json (default), table or csv\n"
            "\n"
            "Exit status: 0 done; 1 the database failed; 2 bad options or an unknown PDU.\n");
}

int ck_cmd_inspection(int argc, char **argv)
{
    const char *db_opt = NULL, *as_of_opt = NULL, *pdu = NULL, *from_opt = NULL, *to_opt = NULL, *format = "json";
    const ck_cli_optdef opts[] = {{"--db", .val = &db_opt},    {"--as-of", .val = &as_of_opt}, {"--pdu", .val = &pdu},
                                  {"--from", .val = &from_opt}, {"--to", .val = &to_opt},       {"--format", .val = &format}};
    int parsed = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNEXPECTED);
    if (parsed != CK_CLI_GO) return parsed;
    ck_date as_of = ck_date_today();
    if (as_of_opt && !ck_cli_parse_date(CMD, "--as-of", as_of_opt, &as_of)) return 2;
    ck_inspect_period p = ck_inspect_default_period(as_of);
    if (to_opt) {
        if (!ck_cli_parse_date(CMD, "--to", to_opt, &p.to)) return 2;
        p.from = ck_inspect_default_period(p.to + 1).from;
    }
    if (from_opt && !ck_cli_parse_date(CMD, "--from", from_opt, &p.from)) return 2;
    ck_cli_format fmt;
    if (!ck_cli_parse_format(CMD, format, &fmt)) return 2;
    bool json = fmt == CK_CLI_JSON, table = fmt == CK_CLI_TABLE;
    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(db_opt));
    if (!db) return 1;
    char err[1024];
    ck_manage_cfg mc;
    ck_arena a;
    ck_arena_init(&a);
    const char **pdus = &pdu;
    size_t n = 1;
    ck_rc rc = ck_manage_cfg_load(db, &mc, err, sizeof err);
    if (rc == CK_OK && !pdu) rc = ck_inspection_pdus(db, NULL, &a, &pdus, &n, err, sizeof err);
    json_t *all = json_array();
    ck_buf out = CK_BUF_INIT;
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        ck_inspection *x = NULL;
        rc = ck_inspection_compute(db, ck_rulecfg_default(), &mc.bands, NULL, pdus[i], &p, &x, err, sizeof err);
        if (rc != CK_OK) break;
        if (json) json_array_append_new(all, ck_inspection_to_json(x));
        else {
            if (i && table) ck_buf_putc(&out, '\n');
            size_t mark = out.len;
            ck_inspection_render(x, table, &out);
            /* One CSV header for all PDUs. */
            if (!table && i) {
                const char *nl = memchr(out.data + mark, '\n', out.len - mark);
                size_t cut = (size_t)(nl - (out.data + mark)) + 1;
                memmove(out.data + mark, out.data + mark + cut, out.len - mark - cut + 1);
                out.len -= cut;
            }
        }
        ck_inspection_free(x);
    }
    ck_db_close(db);
    ck_arena_free(&a);
    int status = 0;
    if (rc != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        status = rc == CK_ERR_NOTFOUND || rc == CK_ERR_INVALID ? 2 : 1;
    } else if (json) {
        json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
    } else {
        fputs(ck_buf_cstr(&out), stdout);
    }
    json_decref(all);
    ck_buf_free(&out);
    return status;
}
