/* ck_worker: a background thread that does one round of work now and then
 * every period seconds until stopped: what the appointment reminders (services/ck_reminders) and the webhooks
 * (http/ck_webhooks) each run on. A round in progress is never cut short:
 * stop waits for it. */
#ifndef CK_WORKER_H
#define CK_WORKER_H
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_worker ck_worker;

/* Starts the thread: round(ctx) at once, then every period_s seconds (read
 * through *period_s before each wait, so a caller's config may hold it).
 * NULL when the thread cannot start. */
ck_worker *ck_worker_start(void (*round)(void *ctx), void *ctx, const int *period_s);
/* Wakes the thread, waits for the round in progress, joins. NULL-safe. */
void ck_worker_stop(ck_worker *w);

#endif
