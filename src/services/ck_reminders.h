/* ck_reminders: appointment reminders to people on probation, by text and
 * email through GOV.UK Notify (issue 15; README "Appointment reminders").
 *
 * The scheduler runs in the server (ck_reminders_start), waking every
 * reminder_poll_s seconds. Each round (ck_reminders_tick):
 *  1. takes or renews the lease (store/ck_reminder_store): when several
 *     servers share a PostgreSQL database only the holder works;
 *  2. plans: for every appointment without an outcome on a case whose
 *     consent holds today (core/ck_consent), an outbox row a message: a
 *     booking message when it was booked today or yesterday, and a reminder
 *     reminder_lead_days before it from reminder_hour (Europe/London) unless
 *     it was booked on or after that day (the booking message says it all).
 *     One row for each channel the consent gives (mobile: text; email).
 *     Rows are keyed by a reference made from the case, appointment, date,
 *     kind and channel, so planning again adds nothing;
 *  3. sends what is due: checks again that the appointment stands (no
 *     outcome, same date, not past) and consent still holds (else the row is
 *     cancelled), marks the row "sending" and commits before the request,
 *     and after any attempt whose answer was not seen (no answer, 429, 5xx,
 *     a crash or restart) first asks Notify for the reference before sending
 *     again, so a message is never sent twice. A sent message becomes a
 *     contact on the case (type CMOB, "eMail/Text to PoP", from the contact
 *     types table) in the same transaction as its row. Failures are tried
 *     again after reminder_retry_s, doubling; after reminder_max_attempts, or
 *     when Notify refuses the message, the row is "failed" with Notify's
 *     message, which the case's Personal details tab shows.
 * Messages carry only the date, time, place and the service phone number
 * (the templates' personalisation), in English or in Welsh as consented.
 * Delivery receipts (ck_reminders_receipt) set "delivered" or "failed". */
#ifndef CK_REMINDERS_H
#define CK_REMINDERS_H
#include "ck_cases.h"
#include "ck_notify.h"
#include "ck_metrics.h"
#include "ck_rc.h"
#include "ck_reminder_store.h"
#include <time.h>

/* The contact type of a message sent (data/contact-types.csv). */
#define CK_REMINDER_CONTACT_TYPE "CMOB"

typedef struct ck_reminders_ctx {
    const ck_engine *eng;   /* its cfg holds the notify_* and reminder_* keys */
    ck_notify *notify;      /* the client */
    const char *holder;     /* this server's name for the lease */
} ck_reminders_ctx;

/* What one round did. */
typedef struct ck_reminders_round {
    bool held;                              /* this server held the lease */
    size_t planned, sent, retried, failed, cancelled;
} ck_reminders_round;

/* What the process's reminder rounds (ck_reminders_tick) did, for
 * /metrics: messages by what became of them (the fields of
 * ck_reminders_round, in the order of CK_REMINDERS_OUTCOMES), and rounds
 * that failed as a whole. */
#define CK_REMINDERS_OUTCOMES {"planned", "sent", "retried", "failed", "cancelled"}
typedef struct ck_reminders_metrics {
    ck_counter messages[5]; /* planned, sent, retried, failed, cancelled */
    ck_counter rounds_failed;
} ck_reminders_metrics;
extern ck_reminders_metrics ck_reminders_stats;

/* One round at `now` on db (no transaction open). */
ck_rc ck_reminders_tick(ck_db *db, const ck_reminders_ctx *ctx, time_t now, ck_reminders_round *round, char *err,
                        size_t err_len);

/* Whether the configuration can send: false with a message naming the key
 * when notify_api_key_file is set but something the reminders need is not.
 * *enabled says whether reminders are on (notify_api_key_file set). */
bool ck_reminders_config_ok(const ck_rules_config *cfg, bool *enabled, char *err, size_t err_len);

/* A delivery receipt from Notify: its id, our reference and its status
 * ("delivered", "permanent-failure", "temporary-failure",
 * "technical-failure"). CK_ERR_INVALID for another status, CK_ERR_NOTFOUND
 * when no message matches. */
ck_rc ck_reminders_receipt(ck_db *db, const char *notify_id, const char *reference, const char *status, time_t now,
                           char *err, size_t err_len);

/* The date, hour and minute in Europe/London at t (base/ck_date's
 * ck_date_uk_local: GMT, or BST from 01:00 UTC on the last Sunday of March
 * to 01:00 UTC on the last Sunday of October). */
void ck_london_time(time_t t, ck_date *date, int *hour, int *minute);

/* The scheduler's thread on its own connection to db_url. NULL with err
 * when the configuration or the key file is wrong; reminders off (no
 * notify_api_key_file) is not an error: *running says whether it runs. */
typedef struct ck_reminders ck_reminders;
ck_reminders *ck_reminders_start(const char *db_url, const ck_engine *eng, bool *running, char *err, size_t err_len);
void ck_reminders_stop(ck_reminders *r); /* NULL-safe; waits for the round in progress */

/* Reads the first line of path (a key or token file) into out; false with
 * err naming key when it cannot. */
bool ck_reminders_read_secret(const char *key, const char *path, char *out, size_t out_len, char *err, size_t err_len);

#endif
