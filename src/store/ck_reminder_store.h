/* ck_reminder_store: the appointment reminders' outbox and lease, in SQL
 * (src/db/migrations/016_reminders.sql). What to send and when is
 * services/ck_reminders' to decide; this only reads and writes rows. Every
 * function runs in the caller's transaction, if any. */
#ifndef CK_REMINDER_STORE_H
#define CK_REMINDER_STORE_H
#include "ck_date.h"
#include "ck_db.h"
#include "ck_rc.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CK_REM_REF_MAX 48  /* a reference with its NUL */
#define CK_REM_ID_MAX 64   /* a CRN, contact id or Notify id with its NUL */
#define CK_REM_ERR_MAX 256 /* a stored error with its NUL (longer ones are cut) */

/* Takes or renews the lease of the one sending server: *held is true when
 * holder has it until `until` (it was free, expired at now, or holder's). */
ck_rc ck_remstore_lease(ck_db *db, const char *holder, int64_t now, int64_t until, bool *held, char *err,
                        size_t err_len);
/* The same for another worker's lease, a row of "reminder_lease" by name
 * ("webhooks": services/ck_webhooks, migrations/021_events.sql). */
ck_rc ck_remstore_lease_named(ck_db *db, const char *name, const char *holder, int64_t now, int64_t until,
                              bool *held, char *err, size_t err_len);

/* An appointment a reminder may be planned for: no outcome, on or after
 * `from`, on a case whose consent holds on `from`. */
typedef struct ck_rem_candidate {
    char crn[CK_REM_ID_MAX], contact_id[CK_REM_ID_MAX];
    ck_date date, booked_on;
    bool mobile, email; /* which the consent gives */
} ck_rem_candidate;

/* Calls fn for every candidate dated from..to, or dated from or later and
 * booked on or after booked_since; fn returns false to stop. */
ck_rc ck_remstore_candidates(ck_db *db, ck_date from, ck_date to, ck_date booked_since,
                             bool (*fn)(void *ctx, const ck_rem_candidate *c), void *ctx, char *err, size_t err_len);

/* Adds a queued row unless the reference has one; *added says which. */
ck_rc ck_remstore_plan(ck_db *db, const char *reference, const char *crn, const char *contact_id, ck_date on,
                       const char *kind, const char *channel, int64_t now, bool *added, char *err, size_t err_len);

typedef struct ck_reminder {
    char reference[CK_REM_REF_MAX], crn[CK_REM_ID_MAX], contact_id[CK_REM_ID_MAX];
    ck_date appointment_on;
    char kind[16], channel[8], status[16];
    int attempts;
    int64_t next_attempt_at, created_at, updated_at;
    char notify_id[CK_REM_ID_MAX], error[CK_REM_ERR_MAX];
} ck_reminder;

/* Up to max rows to work on at now (queued, sending or retry, due), oldest
 * first, into out; *n how many. */
ck_rc ck_remstore_due(ck_db *db, int64_t now, ck_reminder *out, size_t max, size_t *n, char *err, size_t err_len);

/* A case's rows, newest appointment first (at most max). */
ck_rc ck_remstore_for_case(ck_db *db, const char *crn, ck_reminder *out, size_t max, size_t *n, char *err,
                           size_t err_len);

/* Sets a row's status, attempts, next attempt, Notify id (NULL: kept) and
 * error (NULL: cleared). A row a delivery receipt has already settled
 * (delivered or failed with a notify id) keeps its status. */
ck_rc ck_remstore_set(ck_db *db, const char *reference, const char *status, int attempts, int64_t next_attempt_at,
                      const char *notify_id, const char *error, int64_t now, char *err, size_t err_len);

/* A delivery receipt: the row sent as notify_id (or, failing that, with
 * reference) gets status and error. *found false when no row matches. */
ck_rc ck_remstore_receipt(ck_db *db, const char *notify_id, const char *reference, const char *status,
                          const char *error, int64_t now, bool *found, char *err, size_t err_len);

/* The office with code (organisation data, kind "office") in words for a
 * message: "NAME, ADDRESS", into out; *found false when there is none. */
ck_rc ck_remstore_office(ck_db *db, const char *code, char *out, size_t out_len, bool *found, char *err,
                         size_t err_len);

#endif
