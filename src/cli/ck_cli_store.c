#include "ck_cli_store.h"
#include "ck_cli.h"
#include "ck_store.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

#define INTERVAL 1.0 /* seconds between progress lines */

ck_db *ck_cli_store_open(const char *cmd, const char *url)
{
    char err[1024];
    ck_db *db = ck_db_open(url, err, sizeof err);
    if (!db) {
        ck_cli_error(cmd, "%s", err);
        return NULL;
    }
    int v = ck_db_schema_version(db);
    if (v <= 0) {
        if (v < 0) ck_cli_error(cmd, "%s", ck_db_errmsg(db));
        else ck_cli_error(cmd, "the database has no schema yet: run casekeeper migrate --db %s", url);
        ck_db_close(db);
        return NULL;
    }
    if (ck_store_verify(db, err, sizeof err) != CK_OK) {
        ck_cli_error(cmd, "%s (run casekeeper migrate)", err);
        ck_db_close(db);
        return NULL;
    }
    return db;
}

int ck_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val)
{
    if (strcmp(argv[*i], name) != 0) return 0;
    if (*i + 1 >= argc) {
        ck_cli_error(cmd, "%s needs a value", name);
        ck_cli_usage(cmd, stderr);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int ck_cli_opts(const char *cmd, int argc, char **argv, const ck_cli_optdef *opts, size_t n, void (*help)(FILE *to),
                bool *done)
{
    *done = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            *done = true;
            return 0;
        }
        int got = 0;
        for (size_t k = 0; k < n && !got; k++) got = ck_cli_opt(cmd, argc, argv, &i, opts[k].name, opts[k].val);
        if (got < 0) return 2;
        if (got) continue;
        ck_cli_error(cmd, "unknown argument \"%s\" (casekeeper %s --help lists the options)", argv[i], cmd);
        return 2;
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ck_progress_start(ck_progress *p, const char *label, const char *unit)
{
    p->label = label;
    p->unit = unit;
    p->start = p->last = now();
}

double ck_progress_elapsed(const ck_progress *p) { return now() - p->start; }

void ck_progress_tick(ck_progress *p, size_t done, size_t total)
{
    double t = now();
    if (t - p->last < INTERVAL) return;
    p->last = t;
    double secs = t - p->start;
    if (total)
        fprintf(stderr, "%s: %zu/%zu %s (%.0f%%), %.0f %s/s, %.1fs elapsed\n", p->label, done, total, p->unit,
                100.0 * (double)done / (double)total, (double)done / secs, p->unit, secs);
    else
        fprintf(stderr, "%s: %zu %s, %.0f %s/s, %.1fs elapsed\n", p->label, done, p->unit, (double)done / secs,
                p->unit, secs);
}
