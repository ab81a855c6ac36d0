/* ck_events: domain events, the outbox other systems read
 * (migrations/021_events.sql; docs/api.md "Events").
 *
 * An event is thin: its type, the case's CRN, when, and the URL of the
 * detail (from the type, ck_event_types). Never a name or any other personal
 * data: a reader asks the API for the detail with its own access.
 *
 * Writers queue events on the connection (ck_events_add) inside their write
 * transaction; they are written to the outbox just before that transaction
 * commits (ck_db's hook), in queue order, and forgotten when it rolls back,
 * so an event exists exactly when its change does. The store queues them
 * itself where case rows are written (store/ck_store: a case inserted or
 * rewritten, a record added or changed, the holder changed), so no caller
 * has to remember to.
 *
 * Ids: at commit, under a lock held until the commit (on PostgreSQL an
 * advisory transaction lock, on SQLite the write lock every write
 * transaction holds), each event gets the highest id plus one. So ids
 * increase in commit order without gaps, and a poller that asks for the
 * events after the last id it saw never misses one committed later: no
 * transaction still running can hold a smaller id. The lock is taken last,
 * after every row lock of the transaction, and held only for the inserts
 * and the commit. */
#ifndef CK_EVENTS_H
#define CK_EVENTS_H
#include "ck_case.h"
#include "ck_date.h"
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"
#include "ck_roles.h"
#include "ck_worklist.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who may read an event: the readers of its case (case events), those who
 * may read the workforce figures of the staff member's place (staff events),
 * or administrators of accounts only (account events). */
typedef enum ck_event_audience {
    CK_EVENT_FOR_CASE,
    CK_EVENT_FOR_STAFF,
    CK_EVENT_FOR_ADMIN,
} ck_event_audience;

/* The one table of event types: the name, the bundle list whose records
 * raise it (NULL: raised by name), whether a new record (true) or a changed
 * one raises it, the URL of its detail ("{crn}" stands for the CRN,
 * "{subject}" for the subject), who may read it, and what it means
 * (docs/api.md copies these words). */
typedef struct ck_event_type {
    const char *name;
    const char *list;
    bool is_new;
    const char *detail;
    ck_event_audience audience;
    const char *meaning;
} ck_event_type;
extern const ck_event_type ck_event_types[]; /* ends with a NULL name */
const ck_event_type *ck_event_type_find(const char *name);
/* The type a record write raises: list[ord] of kind list written new or
 * changed. Contacts that are appointments raise appointment.*, others
 * contact.*; a registration changed to have a deregistration date raises
 * registration.removed. case.updated for lists the table does not name. */
const char *ck_event_record_type(const char *list, const void *rec, bool is_new);

/* A hash of the records recs[0..n) of kind (every field, lists within
 * included), to tell whether a write changed them: the writer of an event
 * (a court event) compares its requirements and licence conditions before
 * and after and raises requirement.changed or licence_condition.changed. */
uint64_t ck_events_fingerprint(const ck_entity *kind, const void *recs, size_t n);

/* Queues an event of type (a name in ck_event_types) for crn on db's open
 * write transaction. The same type for the same case twice within a few
 * events of one transaction is queued once (one change touches several rows). */
void ck_events_add(ck_db *db, const char *type, const char *crn);
/* The same for an event that must be written once ever: a second event with
 * the same key (in this transaction or any before) is not written. */
void ck_events_add_once(ck_db *db, const char *type, const char *crn, const char *key);
/* Queues an event that is not about a case (a staff.* or account.* type):
 * subject is the staff code or the account's number as text, never a name. */
void ck_events_add_about(ck_db *db, const char *type, const char *subject);
/* How many events are queued on db's open transaction (tests). */
size_t ck_events_queued(ck_db *db);

/* One page of the outbox. seen is false for an event the caller's filter
 * refuses (its case is outside the reader's reach): such an event is not
 * returned but still moves the cursor. */
typedef struct ck_event_row {
    int64_t id;
    const char *type, *crn; /* crn "" for an event not about a case */
    const char *subject;    /* the staff code or account number; NULL for a case event */
    int64_t occurred_at;    /* seconds since 1970, UTC */
} ck_event_row;
typedef struct ck_event_page {
    ck_arena arena;
    ck_event_row *items;
    size_t n;
    int64_t next;   /* the cursor to ask after next: the last id read, or after when none */
    bool more;      /* events after next were there when read */
    int64_t oldest; /* the oldest event kept (0: none yet) */
    bool expired;   /* events after `after` and before oldest were expired (ck_events_expire) */
} ck_event_page;
/* What a reader may see: case events whose case meets cases; staff events
 * when staff_visible says yes to the staff member's place now (NULL: none);
 * account events when accounts. */
typedef struct ck_event_filter {
    const ck_case_filter *cases;
    bool (*staff_visible)(void *ctx, const ck_place *staff);
    void *ctx;
    bool accounts;
} ck_event_filter;
/* Events with id > after, up to limit read (1..1000), of which those filter
 * lets through (NULL: all) are returned. *out is the caller's. */
ck_rc ck_events_page(ck_db *db, int64_t after, size_t limit, const ck_event_filter *filter, ck_event_page **out,
                     char *err, size_t err_len);
void ck_event_page_free(ck_event_page *p); /* NULL-safe */

/* The nightly job's obligation.overdue events: one for each obligation,
 * unmet, that became overdue since the last run (due on or after the day of
 * the last run and before today; at the first run, due yesterday), once
 * ever (keyed by case, rule, subject and due date). Runs in its own write
 * transaction (or the caller's), recording today as the last run. *added
 * (may be NULL) gets how many were queued. */
ck_rc ck_events_overdue(ck_db *db, ck_date today, size_t *added, char *err, size_t err_len);

/* Retention: deletes the events that occurred before `before` (seconds
 * since 1970), oldest first, at most batch (1..100000) a transaction, so a
 * long backlog never holds the write lock long. Only a run of the oldest is
 * deleted (an event is kept while an older one is), and the newest event
 * always stays, so ids never restart and the kept ones have no gap: a reader
 * asking after an id before the oldest kept one is told (page.expired).
 * *deleted (may be NULL) gets how many went. */
ck_rc ck_events_expire(ck_db *db, int64_t before, size_t batch, size_t *deleted, char *err, size_t err_len);
/* The nightly job's batch: small enough that a write waits on it briefly. */
#define CK_EVENTS_EXPIRE_BATCH 5000

/* A webhook's delivery state (services/ck_webhooks), by its name. A name
 * never seen reads as all zero (nothing delivered). */
typedef struct ck_webhook_cursor {
    int64_t delivered_to;
    int attempts;
    int64_t next_attempt_at;
    char error[256];
} ck_webhook_cursor;
ck_rc ck_events_cursor_get(ck_db *db, const char *name, ck_webhook_cursor *out, char *err, size_t err_len);
ck_rc ck_events_cursor_set(ck_db *db, const char *name, const ck_webhook_cursor *c, char *err, size_t err_len);

#endif
