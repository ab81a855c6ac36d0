/* ck_cli_store: what the database commands (migrate, import, export,
 * recompute) share: opening a database that is ready for use, and
 * throughput lines on standard error for runs of minutes. */
#ifndef CK_CLI_STORE_H
#define CK_CLI_STORE_H
#include "ck_db.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Opens url for command cmd and checks that the schema is migrated and
 * matches the case descriptors. NULL with the reason printed. */
ck_db *ck_cli_store_open(const char *cmd, const char *url);

/* At most one line a second, so a person sees that a long run is alive and
 * how fast it goes. */
typedef struct ck_progress {
    const char *label; /* "cases-001.jsonl", "recompute" */
    const char *unit;  /* "cases" */
    double start, last;
} ck_progress;

void ck_progress_start(ck_progress *p, const char *label, const char *unit);
/* "LABEL: DONE[/TOTAL] UNIT, R UNIT/s, Ts elapsed" when a second has passed
 * since the last line (total 0: unknown). */
void ck_progress_tick(ck_progress *p, size_t done, size_t total);
double ck_progress_elapsed(const ck_progress *p); /* seconds since start */
/* Whether `every` seconds have passed since the last line (or the start):
 * then the caller prints its own line, and the next is due `every` later. */
bool ck_progress_due(ck_progress *p, double every);

#endif
