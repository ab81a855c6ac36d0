/* casekeeper recompute: every case's obligations evaluated again at a date
 * (what the server does once a day, since statuses such as "overdue" and
 * the current allocation depend on the date). */
#include "ck_audit.h"
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include "ck_cases.h"
#include "ck_events.h"
#include "ck_manage_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "recompute"
#define DEFAULT_BATCH 1000 /* cases per transaction: memory stays bounded, commits stay few */

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Evaluates the rulebook on every case at DATE and stores the obligations, a batch\n"
            "of cases per transaction, with progress on standard error and the time per\n"
            "10,000 cases at the end. Then writes the monthly inspection snapshots of every\n"
            "PDU that are not yet up to date at DATE (what the inspection and region pages\n"
            "read), and the obligation.overdue events of what became overdue since the last\n"
            "run (docs/api.md \"Events\"), as the server does each night.\n"
            "\n"
            "  --db URL       sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "                 sqlite:casekeeper.db)\n"
            "  --as-of DATE   the date to evaluate at (default: today)\n"
            "  --batch N      cases per transaction (default 1000)\n"
            "\n"
            "Exit status: 0 done; 1 the database failed; 2 bad options.\n");
}

static void on_progress(void *ctx, size_t done, size_t total) { ck_progress_tick(ctx, done, total); }

static int run(const char *url, ck_date as_of, size_t batch)
{
    ck_db *db = ck_cli_store_open(CMD, url);
    if (!db) return 1;
    ck_engine eng = ck_engine_default();
    ck_progress prog;
    ck_progress_start(&prog, CMD, "cases");
    char err[1024];
    size_t n = 0;
    ck_rc rc = ck_cases_count(db, &n, err, sizeof err);
    if (rc == CK_OK) rc = ck_cases_recompute_all(db, &eng, as_of, batch, on_progress, &prog, err, sizeof err);
    /* A recompute is one transaction per batch; its record follows the last
     * one (who ran it, at which date, over how many cases). */
    char d[CK_DATE_STRLEN], detail[96];
    snprintf(detail, sizeof detail, "as_of=%s cases=%zu", ck_date_fmt(as_of, d), n);
    ck_principal by;
    ck_cli_admin_principal(&by);
    if (rc == CK_OK) rc = ck_audit_record(db, &by, "cases.recompute", NULL, NULL, detail, err, sizeof err);
    /* Then what the management pages read, as the server's nightly job does. */
    size_t snapshots = 0;
    if (rc == CK_OK) rc = ck_inspection_snapshots_nightly(db, eng.cfg, as_of, &snapshots, err, sizeof err);
    if (rc == CK_OK) rc = ck_events_overdue(db, as_of, NULL, err, sizeof err);
    ck_db_close(db);
    if (rc != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        return 1;
    }
    double secs = ck_progress_elapsed(&prog);
    fprintf(stderr, "casekeeper %s: %zu cases at %s in %.2fs (%.2fs per 10,000 cases); %zu inspection snapshots\n",
            CMD, n, ck_date_fmt(as_of, d), secs, n ? secs * 10000.0 / (double)n : 0.0, snapshots);
    return 0;
}

int ck_cmd_recompute(int argc, char **argv)
{
    const char *db_opt = NULL, *as_of_opt = NULL, *batch_opt = NULL;
    const ck_cli_optdef opts[] = {{"--db", .val = &db_opt}, {"--as-of", .val = &as_of_opt}, {"--batch", .val = &batch_opt}};
    int rc = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNEXPECTED);
    if (rc != CK_CLI_GO) return rc;
    ck_date as_of = ck_date_today();
    if (as_of_opt && !ck_cli_parse_date(CMD, "--as-of", as_of_opt, &as_of)) return 2;
    size_t batch = DEFAULT_BATCH;
    if (batch_opt) {
        char *end;
        unsigned long v = strtoul(batch_opt, &end, 10);
        if (*end || v == 0 || v > 100000 || batch_opt[0] == '-') {
            ck_cli_error(CMD, "--batch: expected a number of cases from 1 to 100000, got \"%s\"", batch_opt);
            return 2;
        }
        batch = v;
    }
    return run(ck_cli_db_url(db_opt), as_of, batch);
}
