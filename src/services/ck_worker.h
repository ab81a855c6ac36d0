/* ck_worker: a background thread that does one round of work at once and
 * then again after the wait each round returns, until stopped: what the
 * appointment reminders (services/ck_reminders), the webhooks
 * (http/ck_webhooks), the server's nightly job (http/ck_api) and the systemd
 * watchdog pings (cli/ck_cli_systemd) each run on. A round in progress is
 * never cut short: stop waits for it. Waits are on the monotonic clock, so a
 * jump of the wall clock neither shortens nor stretches them. */
#ifndef CK_WORKER_H
#define CK_WORKER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ck_worker ck_worker;

/* One round's work; returns how long to wait before the next, in
 * milliseconds (0 or less: at once, after giving a stop the chance to land). */
typedef int64_t (*ck_worker_round)(void *ctx);

/* Starts the thread: round(ctx) at once, then after each round's wait.
 * NULL when the thread cannot start. */
ck_worker *ck_worker_start(ck_worker_round round, void *ctx);
/* How many rounds have ended, once at least one has and none is in
 * progress (it waits for that): what a test waits on. */
unsigned ck_worker_settle(ck_worker *w);
/* Wakes the thread, waits for the round in progress, joins. NULL-safe. */
void ck_worker_stop(ck_worker *w);

/* The wait of a round that runs every *period_s seconds. */
static inline int64_t ck_worker_every_s(int period_s) { return (int64_t)period_s * 1000; }

#endif
