/* ck_webhooks: domain events pushed to the configured webhooks
 * (config/rules.conf webhooks_file; docs/api.md "Webhooks").
 *
 * A worker thread in the server (like the reminders') wakes every
 * webhook_poll_s seconds. Each round (ck_webhooks_tick):
 *  1. takes or renews the lease "webhooks" (store/ck_reminder_store's lease
 *     table): with several servers on one PostgreSQL only the holder sends;
 *  2. for each webhook whose retry time has come, reads the events after its
 *     cursor (store/ck_events, every event: a webhook is trusted with all)
 *     and POSTs up to webhook_batch of them as one JSON body, the same
 *     event objects as GET /api/v1/events:
 *       {"webhook": NAME, "events": [...]}
 *     signed (ck_webhooks_sign) in the header
 *       X-Casekeeper-Signature: t=UNIX_TIME,v1=HEX
 *     where HEX is HMAC-SHA256 (libsodium) with the webhook's secret over
 *     "UNIX_TIME." followed by the body. A 2xx answer moves the cursor past
 *     the batch (stored per webhook); anything else is tried again after
 *     webhook_retry_s, doubling up to webhook_retry_max_s, with the same
 *     events, so a receiver gets every event in order, at least once (an
 *     answer lost after it was accepted means the batch comes again: the
 *     ids let the receiver drop repeats).
 * HTTP through services/ck_notify's client (libcurl). Logs counts, names of
 * webhooks and HTTP statuses, never an event's CRN. */
#ifndef CK_WEBHOOKS_H
#define CK_WEBHOOKS_H
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_rulecfg.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CK_WEBHOOK_NAME_MAX 64
#define CK_WEBHOOK_URL_MAX 1024
#define CK_WEBHOOK_SECRET_MAX 256
#define CK_WEBHOOK_SIG_HEADER "X-Casekeeper-Signature"

typedef struct ck_webhook {
    char name[CK_WEBHOOK_NAME_MAX], url[CK_WEBHOOK_URL_MAX], secret[CK_WEBHOOK_SECRET_MAX];
} ck_webhook;

/* Reads the webhooks file: one "NAME URL SECRET_FILE" a line, blank lines
 * and "#" comments skipped. *out (ck_free) and *n; false with err naming the
 * line and what was expected. */
bool ck_webhooks_load(const char *path, ck_webhook **out, size_t *n, char *err, size_t err_len);

/* The signature header's value for body at t: "t=T,v1=HEX" into out. */
void ck_webhooks_sign(const char *secret, int64_t t, const char *body, size_t len, char *out, size_t out_len);
/* Whether header is a good signature of body with secret, made within
 * max_skew_s of now (a receiver's check; the tests use it). */
bool ck_webhooks_verify(const char *secret, const char *header, const char *body, size_t len, int64_t now,
                        long max_skew_s);

/* What one round did. */
typedef struct ck_webhooks_round {
    bool held;
    size_t delivered, failed; /* events accepted; POSTs that failed */
} ck_webhooks_round;

/* One round at now on db (no transaction open). */
ck_rc ck_webhooks_tick(ck_db *db, const ck_rules_config *cfg, const ck_webhook *hooks, size_t n, const char *holder,
                       time_t now, ck_webhooks_round *round, char *err, size_t err_len);

/* The worker thread on its own connection to db_url. NULL with err when the
 * webhooks file or a secret cannot be read; no webhooks_file is not an
 * error (*running false). */
typedef struct ck_webhooks ck_webhooks;
ck_webhooks *ck_webhooks_start(const char *db_url, const ck_rules_config *cfg, bool *running, char *err,
                               size_t err_len);
void ck_webhooks_stop(ck_webhooks *w); /* NULL-safe; waits for the round in progress */

#endif
