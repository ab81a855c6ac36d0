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

bool ck_progress_due(ck_progress *p, double every)
{
    double t = now();
    if (t - p->last < every) return false;
    p->last = t;
    return true;
}

void ck_progress_tick(ck_progress *p, size_t done, size_t total)
{
    if (!ck_progress_due(p, INTERVAL)) return;
    double t = p->last;
    double secs = t - p->start;
    if (total)
        fprintf(stderr, "%s: %zu/%zu %s (%.0f%%), %.0f %s/s, %.1fs elapsed\n", p->label, done, total, p->unit,
                100.0 * (double)done / (double)total, (double)done / secs, p->unit, secs);
    else
        fprintf(stderr, "%s: %zu %s, %.0f %s/s, %.1fs elapsed\n", p->label, done, p->unit, (double)done / secs,
                p->unit, secs);
}
