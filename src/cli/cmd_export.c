/* casekeeper export: every case as canonical JSON lines (case-bundle.md),
 * streamed in CRN order, so an export imports back unchanged. */
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_cli.h"
#include "ck_cli_store.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CMD "export"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Writes every case as one canonical case bundle a line (JSON lines), in CRN order,\n"
            "victims' details included: the file is as sensitive as the database. With --out,\n"
            "the file appears only once complete.\n"
            "\n"
            "  --db URL     sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "               sqlite:casekeeper.db)\n"
            "  --out FILE   write to FILE instead of standard output\n"
            "\n"
            "Exit status: 0 written; 1 the database or the output failed; 2 bad options.\n");
}

typedef struct exporter {
    FILE *out;
    ck_buf line;
    size_t n;
    bool failed; /* the output failed */
    ck_progress prog;
} exporter;

static bool write_case(void *ctx, const ck_case *c)
{
    exporter *x = ctx;
    ck_buf_reset(&x->line);
    if (!ck_bundle_write(c, 0, &x->line) || !ck_buf_putc(&x->line, '\n') ||
        fwrite(x->line.data, 1, x->line.len, x->out) != x->line.len) {
        x->failed = true;
        return false;
    }
    x->n++;
    ck_progress_tick(&x->prog, x->n, 0);
    return true;
}

static int run(const char *url, const char *out_path)
{
    ck_db *db = ck_cli_store_open(CMD, url);
    if (!db) return 1;
    char tmp[4096];
    exporter x = {stdout, CK_BUF_INIT, 0, false, {0}};
    if (out_path) {
        snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
        x.out = fopen(tmp, "wb");
        if (!x.out) {
            ck_cli_error(CMD, "%s: %s", tmp, strerror(errno));
            ck_db_close(db);
            return 1;
        }
    }
    ck_progress_start(&x.prog, CMD, "cases");
    char err[1024];
    ck_rc rc = ck_cases_each(db, write_case, &x, err, sizeof err);
    if (fflush(x.out) != 0) x.failed = true;
    if (out_path && fclose(x.out) != 0) x.failed = true;
    ck_buf_free(&x.line);
    ck_db_close(db);
    int status = 0;
    if (rc != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        status = 1;
    } else if (x.failed) {
        ck_cli_error(CMD, "%s: %s", out_path ? tmp : "standard output", strerror(errno));
        status = 1;
    } else if (out_path && rename(tmp, out_path) != 0) {
        ck_cli_error(CMD, "%s: %s", out_path, strerror(errno));
        status = 1;
    }
    if (status != 0 && out_path) remove(tmp);
    if (status == 0)
        fprintf(stderr, "casekeeper %s: %zu cases in %.2fs\n", CMD, x.n, ck_progress_elapsed(&x.prog));
    return status;
}

int ck_cmd_export(int argc, char **argv)
{
    const char *db_opt = NULL, *out = NULL;
    const ck_cli_optdef opts[] = {{"--db", .val = &db_opt}, {"--out", .val = &out}};
    int rc = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNEXPECTED);
    if (rc != CK_CLI_GO) return rc;
    return run(ck_cli_db_url(db_opt), out);
}
