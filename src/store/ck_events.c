/* ck_events: the outbox of domain events (see ck_events.h). */
#include "ck_events.h"
#include "ck_buf.h"
#include "ck_case.h"
#include "ck_store.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CASE_URL "/api/v1/cases/{crn}"
#define CONTACTS_URL "/api/v1/cases/{crn}/contacts"
#define OBLIGATIONS_URL "/api/v1/cases/{crn}/obligations"
#define STAFF_URL "/api/v1/manage/workforce/staff/{subject}"
#define USERS_URL "/api/v1/users"

const ck_event_type ck_event_types[] = {
    {"case.created", NULL, true, CASE_URL, CK_EVENT_FOR_CASE, "A case was created (by the API, a form or an import)."},
    {"case.updated", NULL, false, CASE_URL, CK_EVENT_FOR_CASE,
     "A case was replaced whole, or a record with no event type of its own was added or changed."},
    {"contact.recorded", "contacts", true, CONTACTS_URL, CK_EVENT_FOR_CASE, "A contact that is not an appointment was recorded."},
    {"contact.updated", "contacts", false, CONTACTS_URL, CK_EVENT_FOR_CASE, "A contact that is not an appointment was changed."},
    {"appointment.booked", "contacts", true, CONTACTS_URL, CK_EVENT_FOR_CASE, "An appointment was booked."},
    {"appointment.updated", "contacts", false, CONTACTS_URL, CK_EVENT_FOR_CASE,
     "An appointment was changed: cancelled, rescheduled, moved or given its outcome."},
    {"allocation.changed", "allocations", true, CASE_URL, CK_EVENT_FOR_CASE,
     "The case's practitioner or team changed (an allocation, a handover, a leaver's caseload)."},
    {"registration.added", "registrations", true, CASE_URL, CK_EVENT_FOR_CASE, "A registration (a risk flag) was added."},
    {"registration.updated", "registrations", false, CASE_URL, CK_EVENT_FOR_CASE, "A registration was reviewed or changed."},
    {"registration.removed", NULL, false, CASE_URL, CK_EVENT_FOR_CASE, "A registration was ended (deregistered)."},
    {"sentence.added", "events", true, CASE_URL, CK_EVENT_FOR_CASE, "An event (a conviction and its sentence) was added."},
    {"sentence.updated", "events", false, CASE_URL, CK_EVENT_FOR_CASE, "An event or its sentence was changed."},
    {"requirement.changed", NULL, false, CASE_URL, CK_EVENT_FOR_CASE, "A requirement of an order was added, changed or ended."},
    {"licence_condition.changed", NULL, false, CASE_URL, CK_EVENT_FOR_CASE,
     "A licence condition was added, changed or ended."},
    {"enforcement.recorded", "enforcement", true, CASE_URL, CK_EVENT_FOR_CASE, "An enforcement action was recorded."},
    {"breach.recorded", "breaches", true, CASE_URL, CK_EVENT_FOR_CASE, "A breach was recorded."},
    {"recall.recorded", "recalls", true, CASE_URL, CK_EVENT_FOR_CASE, "A recall was recorded."},
    {"assessment.recorded", "assessments", true, CASE_URL, CK_EVENT_FOR_CASE, "An assessment was recorded."},
    {"obligation.overdue", NULL, false, OBLIGATIONS_URL, CK_EVENT_FOR_CASE,
     "An obligation became overdue (the nightly job; one event per obligation, once)."},
    {"access.granted", NULL, false, CASE_URL, CK_EVENT_FOR_CASE,
     "Someone was put on the case's limited-access lists (excluded, or named as one of the few who may see it)."},
    {"access.removed", NULL, false, CASE_URL, CK_EVENT_FOR_CASE,
     "Someone was taken off the case's limited-access lists, or the lists were cleared."},
    {"staff.joined", NULL, false, STAFF_URL, CK_EVENT_FOR_STAFF, "A staff member joined (or came back)."},
    {"staff.left", NULL, false, STAFF_URL, CK_EVENT_FOR_STAFF, "A staff member left."},
    {"staff.absent", NULL, false, STAFF_URL, CK_EVENT_FOR_STAFF, "A staff member began a long-term absence."},
    {"staff.moved", NULL, false, STAFF_URL, CK_EVENT_FOR_STAFF, "A staff member moved to another team."},
    {"account.created", NULL, false, USERS_URL, CK_EVENT_FOR_ADMIN, "An account was added."},
    {"account.role_changed", NULL, false, USERS_URL, CK_EVENT_FOR_ADMIN,
     "An account's role or linked staff member changed."},
    {"account.disabled", NULL, false, USERS_URL, CK_EVENT_FOR_ADMIN, "An account was disabled."},
    {"account.enabled", NULL, false, USERS_URL, CK_EVENT_FOR_ADMIN, "A disabled account was enabled again."},
    {"account.token_issued", NULL, false, USERS_URL, CK_EVENT_FOR_ADMIN, "An API token was issued to an account."},
    {"account.token_revoked", NULL, false, USERS_URL, CK_EVENT_FOR_ADMIN, "An account's API token was revoked."},
    {NULL, NULL, false, NULL, CK_EVENT_FOR_CASE, NULL},
};

const ck_event_type *ck_event_type_find(const char *name)
{
    for (const ck_event_type *t = ck_event_types; name && t->name; t++)
        if (strcmp(t->name, name) == 0) return t;
    return NULL;
}

const char *ck_event_record_type(const char *list, const void *rec, bool is_new)
{
    if (ck_streq(list, "contacts")) {
        const ck_contact *k = rec;
        bool appt = k && k->appointment == 1;
        return appt ? (is_new ? "appointment.booked" : "appointment.updated")
                    : (is_new ? "contact.recorded" : "contact.updated");
    }
    if (ck_streq(list, "registrations") && !is_new) {
        const ck_registration *g = rec;
        return g && g->deregistered != CK_NODATE ? "registration.removed" : "registration.updated";
    }
    if (ck_streq(list, "allocations")) return "allocation.changed";
    for (const ck_event_type *t = ck_event_types; t->name; t++)
        if (t->list && ck_streq(t->list, list) && t->is_new == is_new) return t->name;
    return "case.updated";
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

static uint64_t fp_rec(uint64_t h, const ck_entity *e, const void *rec)
{
    const char *base = rec;
    for (size_t i = 0; i < e->n_fields; i++) {
        const ck_field *f = &e->fields[i];
        const char *at = base + f->off;
        switch (f->type) {
        case CK_F_STR:
        case CK_F_ENUM: {
            const char *s = *(const char *const *)at;
            h = s ? fnv(h, s, strlen(s) + 1) : fnv(h, "\x01", 1);
            break;
        }
        case CK_F_DATE: h = fnv(h, at, sizeof(ck_date)); break;
        case CK_F_INT:
        case CK_F_CENTI: h = fnv(h, at, sizeof(int32_t)); break;
        case CK_F_BOOL: h = fnv(h, at, sizeof(ck_tri)); break;
        case CK_F_OBJ:
            if (f->aux_off != SIZE_MAX && !*(const bool *)(base + f->aux_off)) h = fnv(h, "\x02", 1);
            else h = fp_rec(h, f->sub, at);
            break;
        case CK_F_LIST: h = fnv(h, "\x03", 1); h ^= ck_events_fingerprint(f->sub, *(const void *const *)at,
                                                                         *(const size_t *)(base + f->aux_off));
            break;
        }
    }
    return h;
}

uint64_t ck_events_fingerprint(const ck_entity *kind, const void *recs, size_t n)
{
    uint64_t h = fnv(UINT64_C(0xcbf29ce484222325), &n, sizeof n);
    for (size_t i = 0; i < n; i++) h = fp_rec(h, kind, (const char *)recs + i * kind->size);
    return h;
}

/* ---- The queue on a connection ------------------------------------------------- */

/* How far back a repeat of (type, CRN) is looked for: one write's events are
 * queued together, so a short look-back catches them without making a large
 * import's queue quadratic. */
#define REPEAT_LOOKBACK 8
/* Rows per INSERT at commit (5 parameters each). */
#define FLUSH_ROWS 64
/* The advisory lock that orders ids on PostgreSQL ("CkEvents"). */
#define EVENTS_LOCK_KEY INT64_C(0x436b4576656e7473)

typedef struct queued {
    const ck_event_type *type;
    char *crn, *key, *subject; /* owned; key NULL unless once, subject NULL for a case event */
    int64_t at;
} queued;

typedef struct outbox {
    queued *v;
    size_t n, cap;
} outbox;

static void outbox_clear(void *ctx)
{
    outbox *o = ctx;
    for (size_t i = 0; i < o->n; i++) {
        ck_free(o->v[i].crn);
        ck_free(o->v[i].key);
        ck_free(o->v[i].subject);
    }
    o->n = 0;
}

static void outbox_destroy(void *ctx)
{
    outbox *o = ctx;
    outbox_clear(o);
    ck_free(o->v);
    ck_free(o);
}

/* A statement failed: give it back (the connection keeps its message). */
static int fail_sql(ck_stmt *st)
{
    ck_stmt_reset(st);
    return CK_DB_ERROR;
}

/* Runs a statement of no result rows to its end. */
static int run(ck_stmt *st)
{
    if (!st) return CK_DB_ERROR;
    int s = ck_stmt_step(st);
    if (s != CK_DB_DONE && s != CK_DB_ROW) return fail_sql(st);
    ck_stmt_reset(st);
    return CK_DB_OK;
}

/* Inserts rows[0..n) with ids from *next: the last column their key
 * (`keyed`) or their subject. */
static int insert_rows(ck_db *db, const queued *const *rows, size_t n, bool keyed, int64_t *next)
{
    ck_buf sql = CK_BUF_INIT;
    ck_buf_printf(&sql, "INSERT INTO \"domain_events\" (\"id\", \"type\", \"crn\", \"occurred_at\", \"%s\") VALUES ",
                  keyed ? "dedupe" : "subject");
    for (size_t i = 0; i < n; i++)
        ck_buf_printf(&sql, "%s(CAST($%zu AS BIGINT), $%zu, $%zu, CAST($%zu AS BIGINT), $%zu)", i ? ", " : "",
                      5 * i + 1, 5 * i + 2, 5 * i + 3, 5 * i + 4, 5 * i + 5);
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&sql));
    ck_buf_free(&sql);
    if (!st) return CK_DB_ERROR;
    for (size_t i = 0; i < n; i++) {
        ck_stmt_bind_int(st, (int)(5 * i + 1), *next + (int64_t)i);
        ck_stmt_bind_text(st, (int)(5 * i + 2), rows[i]->type->name);
        ck_stmt_bind_text(st, (int)(5 * i + 3), rows[i]->crn);
        ck_stmt_bind_int(st, (int)(5 * i + 4), rows[i]->at);
        ck_stmt_bind_text(st, (int)(5 * i + 5), keyed ? rows[i]->key : rows[i]->subject);
    }
    int rc = run(st);
    if (rc == CK_DB_OK) *next += (int64_t)n;
    return rc;
}

/* Inserts rows v[0..n) (none with a key) with ids from *next. */
static int insert_plain(ck_db *db, const queued *v, size_t n, int64_t *next)
{
    const queued *rows[FLUSH_ROWS];
    for (size_t i = 0; i < n; i++) rows[i] = &v[i];
    return insert_rows(db, rows, n, false, next);
}

/* Inserts the keyed rows v[0..n) whose key is not taken, by a stored event
 * or by an earlier row of v, with ids from *next, so ids stay without gaps:
 * one statement reads which keys are taken and one inserts the rest, where a
 * statement a row cost the nightly job a round trip for each of its
 * thousands of obligation.overdue events on PostgreSQL. Nothing else writes
 * events meanwhile (outbox_flush holds the ids' lock, or SQLite's write
 * lock). */
static int insert_keyed(ck_db *db, const queued *v, size_t n, int64_t *next)
{
    ck_buf sql = CK_BUF_INIT;
    ck_buf_puts(&sql, "SELECT \"dedupe\" FROM \"domain_events\" WHERE \"dedupe\" IN (");
    for (size_t i = 0; i < n; i++) ck_buf_printf(&sql, "%s$%zu", i ? ", " : "", i + 1);
    ck_buf_puts(&sql, ")");
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&sql));
    if (!st) {
        ck_buf_free(&sql);
        return CK_DB_ERROR;
    }
    for (size_t i = 0; i < n; i++) ck_stmt_bind_text(st, (int)i + 1, v[i].key);
    bool taken[FLUSH_ROWS] = {false};
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        const char *key = ck_stmt_text(st, 0);
        for (size_t i = 0; i < n; i++)
            if (strcmp(v[i].key, key) == 0) taken[i] = true;
    }
    if (s != CK_DB_DONE) {
        ck_buf_free(&sql);
        return fail_sql(st);
    }
    ck_stmt_reset(st);
    const queued *put[FLUSH_ROWS];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        bool again = taken[i];
        for (size_t j = 0; j < m && !again; j++) again = strcmp(put[j]->key, v[i].key) == 0;
        if (!again) put[m++] = &v[i];
    }
    ck_buf_free(&sql);
    return m ? insert_rows(db, put, m, true, next) : CK_DB_OK;
}

/* ck_db's before_commit: the queue into the outbox under the ids' lock. */
static int outbox_flush(ck_db *db, void *ctx)
{
    outbox *o = ctx;
    if (o->n == 0) return CK_DB_OK;
    if (ck_db_kind(db) == CK_DB_PG) {
        ck_stmt *st = ck_db_prepare(db, "SELECT pg_advisory_xact_lock(CAST($1 AS BIGINT))");
        if (!st) return CK_DB_ERROR;
        ck_stmt_bind_int(st, 1, EVENTS_LOCK_KEY);
        if (run(st) != CK_DB_OK) return CK_DB_ERROR;
    }
    /* Read after the lock: READ COMMITTED gives this statement a snapshot
     * that holds every event committed by the lock's previous holder. */
    ck_stmt *st = ck_db_prepare(db, "SELECT COALESCE(MAX(\"id\"), 0) FROM \"domain_events\"");
    if (!st) return CK_DB_ERROR;
    if (ck_stmt_step(st) != CK_DB_ROW) return fail_sql(st);
    int64_t next = ck_stmt_int(st, 0) + 1;
    ck_stmt_reset(st);
    size_t i = 0;
    while (i < o->n) {
        size_t j = i;
        if (o->v[i].key) {
            while (j < o->n && j - i < FLUSH_ROWS && o->v[j].key) j++;
            if (insert_keyed(db, o->v + i, j - i, &next) != CK_DB_OK) return CK_DB_ERROR;
            i = j;
            continue;
        }
        while (j < o->n && j - i < FLUSH_ROWS && !o->v[j].key) j++;
        if (insert_plain(db, o->v + i, j - i, &next) != CK_DB_OK) return CK_DB_ERROR;
        i = j;
    }
    return CK_DB_OK;
}

static outbox *outbox_of(ck_db *db)
{
    outbox *o = ck_db_hook_ctx(db);
    if (o) return o;
    o = ck_calloc(1, sizeof *o);
    ck_db_hook h = {outbox_flush, outbox_clear, outbox_destroy, o};
    ck_db_set_hook(db, &h);
    return o;
}

static void queue(ck_db *db, const char *type, const char *crn, const char *key, const char *subject)
{
    const ck_event_type *t = ck_event_type_find(type);
    /* A type not in the table, or a case event without its case (or another
     * without its subject), is a bug of the caller. */
    if (!t || !crn || (t->audience == CK_EVENT_FOR_CASE) != (subject == NULL)) abort();
    outbox *o = outbox_of(db);
    if (!key)
        for (size_t i = o->n, k = 0; i > 0 && k < REPEAT_LOOKBACK; i--, k++) {
            const queued *q = &o->v[i - 1];
            if (q->type == t && !q->key && strcmp(q->crn, crn) == 0 &&
                ((!q->subject && !subject) || ck_streq(q->subject, subject)))
                return;
        }
    if (o->n == o->cap) {
        size_t bytes;
        o->cap = o->cap ? o->cap * 2 : 16;
        if (!ck_mul(o->cap, sizeof *o->v, &bytes)) abort();
        o->v = ck_realloc(o->v, bytes);
    }
    o->v[o->n++] = (queued){t, ck_strdup(crn), key ? ck_strdup(key) : NULL, subject ? ck_strdup(subject) : NULL,
                            (int64_t)time(NULL)};
}

void ck_events_add(ck_db *db, const char *type, const char *crn) { queue(db, type, crn, NULL, NULL); }

void ck_events_add_once(ck_db *db, const char *type, const char *crn, const char *key)
{
    queue(db, type, crn, key, NULL);
}

void ck_events_add_about(ck_db *db, const char *type, const char *subject)
{
    if (!subject) abort();
    queue(db, type, "", NULL, subject);
}

size_t ck_events_queued(ck_db *db)
{
    const outbox *o = ck_db_hook_ctx(db);
    return o ? o->n : 0;
}

/* ---- Reading ------------------------------------------------------------------ */

/* The oldest event kept, 0 when there is none. */
static ck_rc oldest_kept(ck_db *db, int64_t *out, char *err, size_t err_len)
{
    *out = 0;
    ck_stmt *st = ck_txn_prepare(db, "SELECT MIN(\"id\") FROM \"domain_events\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_rc rc = CK_OK;
    if (ck_txn_next(db, st, "events", &rc, err, err_len) && !ck_stmt_null(st, 0)) *out = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return rc;
}

/* Whether the filter lets the event of row st (columns as ck_events_page
 * selects them) through. */
static bool visible(const ck_event_filter *f, ck_stmt *st, const ck_event_type *t)
{
    if (!f) return true;
    if (!t) return false; /* a type this build no longer knows: nobody's */
    switch (t->audience) {
    case CK_EVENT_FOR_CASE: return ck_stmt_int(st, 4) != 0;
    case CK_EVENT_FOR_ADMIN: return f->accounts;
    case CK_EVENT_FOR_STAFF: {
        if (!f->staff_visible || ck_stmt_null(st, 6)) return false; /* a staff member no longer on record */
        ck_place where;
        memset(&where, 0, sizeof where);
        snprintf(where.staff, sizeof where.staff, "%s", ck_stmt_text(st, 5));
        snprintf(where.team, sizeof where.team, "%s", ck_stmt_text(st, 6));
        snprintf(where.pdu, sizeof where.pdu, "%s", ck_stmt_text(st, 7));
        snprintf(where.region, sizeof where.region, "%s", ck_stmt_text(st, 8));
        return f->staff_visible(f->ctx, &where);
    }
    }
    return false;
}

ck_rc ck_events_page(ck_db *db, int64_t after, size_t limit, const ck_event_filter *filter, ck_event_page **out,
                     char *err, size_t err_len)
{
    *out = NULL;
    if (limit < 1 || limit > 1000) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "limit: expected 1 to 1000");
    int64_t oldest = 0;
    ck_rc rc = oldest_kept(db, &oldest, err, err_len);
    if (rc != CK_OK) return rc;
    /* Whether the reader may see the case, as a column, so an event it may
     * not see still moves the cursor past it; and the place of the staff
     * member a staff event is about, for the same reason. */
    const ck_case_filter *cases = filter ? filter->cases : NULL;
    ck_buf sql = CK_BUF_INIT;
    ck_buf_puts(&sql, "SELECT \"e\".\"id\", \"e\".\"type\", \"e\".\"crn\", \"e\".\"occurred_at\", ");
    if (cases) {
        ck_buf_puts(&sql, "CASE WHEN \"cases\".\"case_id\" IS NOT NULL");
        ck_case_filter_sql(&sql, cases, 2);
        ck_buf_puts(&sql, " THEN 1 ELSE 0 END");
    } else {
        ck_buf_puts(&sql, filter ? "0" : "1");
    }
    ck_buf_puts(&sql, ", \"e\".\"subject\", \"staff\".\"team\", \"teams\".\"pdu\", \"pdus\".\"region\" "
                      "FROM \"domain_events\" \"e\" LEFT JOIN \"cases\" ON \"cases\".\"crn\" = \"e\".\"crn\" "
                      "LEFT JOIN \"staff\" ON \"staff\".\"code\" = \"e\".\"subject\" "
                      "LEFT JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\" "
                      "LEFT JOIN \"pdus\" ON \"pdus\".\"code\" = \"teams\".\"pdu\" "
                      "WHERE \"e\".\"id\" > CAST($1 AS BIGINT) ORDER BY \"e\".\"id\" "
                      "LIMIT CAST($2 AS BIGINT)");
    ck_stmt *st = ck_txn_prepare(db, ck_buf_cstr(&sql), err, err_len);
    ck_buf_free(&sql);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, after);
    ck_stmt_bind_int(st, 2, (int64_t)limit + 1); /* one more says whether there are more */
    for (int i = 0; cases && i < cases->n_binds; i++) ck_stmt_bind_text(st, 3 + i, cases->binds[i]);
    ck_event_page *p = ck_calloc(1, sizeof *p);
    ck_arena_init(&p->arena);
    p->items = ck_arena_array(&p->arena, limit, sizeof *p->items);
    p->next = after;
    p->oldest = oldest;
    /* Ids have no gaps, so an id between after and the oldest kept is one
     * that expired. */
    p->expired = oldest > 0 && after + 1 < oldest;
    size_t read = 0;
    while (ck_txn_next(db, st, "events", &rc, err, err_len)) {
        if (read == limit) {
            p->more = true;
            break;
        }
        read++;
        p->next = ck_stmt_int(st, 0);
        const ck_event_type *t = ck_event_type_find(ck_stmt_text(st, 1));
        if (!visible(filter, st, t)) continue;
        ck_event_row *e = &p->items[p->n++];
        e->id = p->next;
        e->type = ck_arena_strdup(&p->arena, ck_stmt_text(st, 1));
        e->crn = ck_arena_strdup(&p->arena, ck_stmt_text(st, 2));
        e->subject = ck_stmt_null(st, 5) ? NULL : ck_arena_strdup(&p->arena, ck_stmt_text(st, 5));
        e->occurred_at = ck_stmt_int(st, 3);
    }
    ck_stmt_reset(st);
    if (rc != CK_OK) {
        ck_event_page_free(p);
        return rc;
    }
    *out = p;
    return CK_OK;
}

void ck_event_page_free(ck_event_page *p)
{
    if (!p) return;
    ck_arena_free(&p->arena);
    ck_free(p);
}

/* ---- The nightly job's events ----------------------------------------------------- */

#define META_OVERDUE "events_overdue_on"

typedef struct overdue_row {
    char *crn, *key;
} overdue_row;

static ck_rc overdue_in_tx(ck_db *db, ck_date today, size_t *added, char *err, size_t err_len)
{
    char have[32], d1[CK_DATE_STRLEN], d2[CK_DATE_STRLEN];
    ck_date from = ck_date_add_days(today, -1);
    ck_rc rc = ck_store_meta_get(db, META_OVERDUE, have, sizeof have, err, err_len);
    if (rc == CK_OK && !ck_date_parse(have, strlen(have), &from))
        return ck_txn_fail(CK_ERR_DB, err, err_len, "meta: %s is \"%s\", not a date", META_OVERDUE, have);
    if (rc != CK_OK && rc != CK_ERR_NOTFOUND) return rc;
    if (from >= today) return CK_OK;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"cases\".\"crn\", \"obligations\".\"rule\", \"obligations\".\"subject\", "
                                     "\"obligations\".\"due\" FROM \"obligations\" JOIN \"cases\" ON "
                                     "\"cases\".\"case_id\" = \"obligations\".\"case_id\" "
                                     "WHERE \"obligations\".\"status\" = 'unmet' AND \"obligations\".\"due\" >= $1 "
                                     "AND \"obligations\".\"due\" < $2 ORDER BY \"obligations\".\"due\", "
                                     "\"cases\".\"crn\", \"obligations\".\"rule\", \"obligations\".\"subject\"",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_date(st, 1, from);
    ck_stmt_bind_date(st, 2, today);
    rc = CK_OK;
    /* Collected first, then queued: nothing else runs while it streams. */
    overdue_row *v = NULL;
    size_t n = 0, cap = 0;
    while (ck_txn_next(db, st, "obligations", &rc, err, err_len)) {
        if (n == cap) {
            size_t bytes;
            cap = cap ? cap * 2 : 64;
            if (!ck_mul(cap, sizeof *v, &bytes)) abort();
            v = ck_realloc(v, bytes);
        }
        ck_buf key = CK_BUF_INIT;
        ck_buf_printf(&key, "obligation.overdue:%s:%s:%s:%s", ck_stmt_text(st, 0), ck_stmt_text(st, 1),
                      ck_stmt_text(st, 2), ck_date_fmt(ck_stmt_date(st, 3), d1));
        v[n].crn = ck_strdup(ck_stmt_text(st, 0));
        v[n++].key = ck_strdup(ck_buf_cstr(&key));
        ck_buf_free(&key);
    }
    ck_stmt_reset(st);
    for (size_t i = 0; i < n; i++) {
        if (rc == CK_OK) ck_events_add_once(db, "obligation.overdue", v[i].crn, v[i].key);
        ck_free(v[i].crn);
        ck_free(v[i].key);
    }
    ck_free(v);
    if (rc == CK_OK && added) *added = n;
    if (rc == CK_OK) rc = ck_store_meta_set(db, META_OVERDUE, ck_date_fmt(today, d2), err, err_len);
    return rc;
}

ck_rc ck_events_overdue(ck_db *db, ck_date today, size_t *added, char *err, size_t err_len)
{
    if (added) *added = 0;
    bool own = false;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, overdue_in_tx(db, today, added, err, err_len), err, err_len);
}

/* ---- Retention ------------------------------------------------------------------ */

/* One batch: the ids of the oldest run of events before `before` (the newest
 * event kept whatever its age), deleted in the same transaction. */
static ck_rc expire_batch(ck_db *db, int64_t before, size_t batch, size_t *deleted, char *err, size_t err_len)
{
    *deleted = 0;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"id\", \"occurred_at\" FROM \"domain_events\" ORDER BY \"id\" "
                                     "LIMIT CAST($1 AS BIGINT)", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, (int64_t)batch + 1); /* one more: the newest is never deleted */
    ck_rc rc = CK_OK;
    int64_t last = 0, newest_seen = 0;
    size_t n = 0, read = 0;
    bool stopped = false;
    while (ck_txn_next(db, st, "events", &rc, err, err_len)) {
        read++;
        newest_seen = ck_stmt_int(st, 0);
        if (stopped) continue;
        if (ck_stmt_int(st, 1) >= before || n == batch) {
            stopped = true;
            continue;
        }
        last = newest_seen;
        n++;
    }
    ck_stmt_reset(st);
    if (rc != CK_OK) return rc;
    /* Everything read was old and nothing came after it: keep the newest. */
    if (!stopped && n > 0 && read == n && last == newest_seen) {
        n--;
        last--; /* ids have no gaps */
    }
    if (n == 0) return CK_OK;
    st = ck_txn_prepare(db, "DELETE FROM \"domain_events\" WHERE \"id\" <= CAST($1 AS BIGINT)", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, last);
    rc = ck_txn_exec(db, st, "events", err, err_len);
    if (rc == CK_OK) *deleted = n;
    return rc;
}

ck_rc ck_events_expire(ck_db *db, int64_t before, size_t batch, size_t *deleted, char *err, size_t err_len)
{
    if (deleted) *deleted = 0;
    if (batch < 1 || batch > 100000)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "batch: expected 1 to 100000 events");
    for (;;) {
        size_t n = 0;
        ck_rc rc = ck_txn_begin_write(db, err, err_len);
        if (rc != CK_OK) return rc;
        rc = ck_txn_finish(db, expire_batch(db, before, batch, &n, err, err_len), err, err_len);
        if (rc != CK_OK) return rc;
        if (deleted) *deleted += n;
        if (n < batch) return CK_OK;
    }
}

/* ---- Webhook cursors ---------------------------------------------------------------- */

ck_rc ck_events_cursor_get(ck_db *db, const char *name, ck_webhook_cursor *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"delivered_to\", \"attempts\", \"next_attempt_at\", \"error\" "
                                     "FROM \"webhook_cursors\" WHERE \"name\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, name);
    ck_rc rc = CK_OK;
    if (ck_txn_next(db, st, "webhook_cursors", &rc, err, err_len)) {
        out->delivered_to = ck_stmt_int(st, 0);
        out->attempts = (int)ck_stmt_int(st, 1);
        out->next_attempt_at = ck_stmt_int(st, 2);
        snprintf(out->error, sizeof out->error, "%s", ck_stmt_null(st, 3) ? "" : ck_stmt_text(st, 3));
    }
    ck_stmt_reset(st);
    return rc;
}

ck_rc ck_events_cursor_set(ck_db *db, const char *name, const ck_webhook_cursor *c, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "INSERT INTO \"webhook_cursors\" (\"name\", \"delivered_to\", \"attempts\", "
                                     "\"next_attempt_at\", \"error\") VALUES ($1, CAST($2 AS BIGINT), "
                                     "CAST($3 AS INTEGER), CAST($4 AS BIGINT), $5) ON CONFLICT (\"name\") DO UPDATE "
                                     "SET \"delivered_to\" = excluded.\"delivered_to\", \"attempts\" = "
                                     "excluded.\"attempts\", \"next_attempt_at\" = excluded.\"next_attempt_at\", "
                                     "\"error\" = excluded.\"error\"",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, name);
    ck_stmt_bind_int(st, 2, c->delivered_to);
    ck_stmt_bind_int(st, 3, c->attempts);
    ck_stmt_bind_int(st, 4, c->next_attempt_at);
    ck_stmt_bind_text(st, 5, c->error[0] ? c->error : NULL);
    return ck_txn_exec(db, st, "webhook_cursors", err, err_len);
}
