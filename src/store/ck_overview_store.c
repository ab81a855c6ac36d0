/* ck_overview_store: see ck_overview_store.h. */
#include "ck_overview_store.h"
#include "ck_buf.h"
#include "ck_requirements.h"
#include "ck_txn.h"
#include <string.h>

void ck_overview_free(ck_overview *s)
{
    if (!s) return;
    ck_req_rows_free(s->requirements);
    ck_arena_free(&s->arena);
    ck_free(s);
}

/* The WHERE matches the partial index "contacts_no_outcome" word for word,
 * so SQLite and PostgreSQL both read it and never the case's other contacts. */
static const char no_outcome_sql[] =
    "SELECT \"id\", \"date\" FROM \"contacts\" WHERE \"case_id\" = $1 AND \"appointment\" = 1"
    " AND \"outcome\" IS NULL AND \"date\" < $2 ORDER BY \"ord\"";

static ck_rc read_no_outcome(ck_db *db, int64_t id, ck_date as_of, ck_overview *s, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, no_outcome_sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_date(st, 2, as_of);
    ck_rc rc = CK_OK;
    size_t cap = 0;
    while (ck_txn_next(db, st, "contacts without an outcome", &rc, err, err_len)) {
        if (s->n_no_outcome == cap) {
            cap = cap ? cap * 2 : 8;
            ck_overview_appt *grown = ck_arena_array(&s->arena, cap, sizeof *grown);
            if (s->n_no_outcome) memcpy(grown, s->no_outcome, s->n_no_outcome * sizeof *grown);
            s->no_outcome = grown;
        }
        ck_overview_appt *a = &s->no_outcome[s->n_no_outcome++];
        a->id = ck_arena_strdup(&s->arena, ck_stmt_text(st, 0));
        a->date = ck_stmt_date(st, 1);
    }
    ck_stmt_reset(st);
    return rc;
}

/* The requirements whose progress is hours (unpaid work) in force at $2
 * (ck_requirement_in_force) of case $1, the types bound from $3. */
#define LAST_DAY "COALESCE(\"r\".\"end\", \"e\".\"sentence_end_date\")"
static const char in_force_head[] =
    "SELECT \"r\".\"id\", \"r\".\"type\", \"r\".\"amount\", \"r\".\"start\", " LAST_DAY ", \"r\".\"terminated_on\", \"e\".\"id\""
    " FROM \"requirements\" \"r\" JOIN \"events\" \"e\" ON \"e\".\"case_id\" = \"r\".\"case_id\""
    " AND \"e\".\"ord\" = \"r\".\"parent_ord\" WHERE \"r\".\"case_id\" = $1 AND \"r\".\"start\" <= $2"
    " AND (" LAST_DAY " IS NULL OR " LAST_DAY " >= $2)"
    " AND (\"r\".\"terminated_on\" IS NULL OR \"r\".\"terminated_on\" > $2) AND \"r\".\"type\" IN (";
/* Hours worked at the event's sessions from a requirement's start to as_of,
 * by contact type (which types count is core's: ck_req_counts_type), from the
 * partial index "contacts_hours" (migrations/025_overview.sql) alone. */
static const char hours_sql[] =
    "SELECT \"type\", SUM(\"hours\") FROM \"contacts\" WHERE \"case_id\" = $1 AND \"event\" = $2"
    " AND \"hours\" IS NOT NULL AND \"date\" >= $3 AND \"date\" <= $4 GROUP BY \"type\"";

static ck_rc hours_worked(ck_db *db, int64_t id, const char *event, ck_req_row *q, ck_date as_of, char *err,
                          size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, hours_sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_text(st, 2, event);
    ck_stmt_bind_date(st, 3, q->start);
    ck_stmt_bind_date(st, 4, as_of);
    const ck_req_type *t = ck_req_type_find(q->type);
    ck_rc rc = CK_OK;
    int64_t total = 0;
    while (ck_txn_next(db, st, "hours worked", &rc, err, err_len))
        if (ck_req_counts_type(t, ck_stmt_text(st, 0))) total += ck_stmt_int(st, 1);
    ck_stmt_reset(st);
    q->used = total < 0 ? 0 : total > INT32_MAX ? INT32_MAX : (int32_t)total;
    return rc;
}

/* The unpaid work requirements in force, each with its hours worked. */
static ck_rc read_hours(ck_db *db, int64_t id, ck_date as_of, ck_req_rows *l, char *err, size_t err_len)
{
    size_t nt;
    const ck_req_type *types = ck_req_types(&nt);
    ck_buf sql = CK_BUF_INIT;
    ck_buf_puts(&sql, in_force_head);
    int n = 0;
    for (size_t i = 0; i < nt; i++) {
        if (types[i].progress != CK_REQ_PROGRESS_HOURS) continue;
        ck_buf_printf(&sql, "%s$%d", n ? ", " : "", 3 + n);
        n++;
    }
    ck_buf_puts(&sql, ") ORDER BY \"r\".\"parent_ord\", \"r\".\"ord\"");
    if (n == 0) {
        ck_buf_free(&sql);
        return CK_OK;
    }
    ck_stmt *st = ck_txn_prepare(db, ck_buf_cstr(&sql), err, err_len);
    ck_buf_free(&sql);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_date(st, 2, as_of);
    for (size_t i = 0, k = 0; i < nt; i++)
        if (types[i].progress == CK_REQ_PROGRESS_HOURS) ck_stmt_bind_text(st, 3 + (int)k++, types[i].code);
    ck_rc rc = CK_OK;
    size_t cap = 0;
    const char **events = NULL;
    while (ck_txn_next(db, st, "requirements", &rc, err, err_len)) {
        if (l->n == cap) {
            cap = cap ? cap * 2 : 4;
            ck_req_row *grown = ck_arena_array(&l->arena, cap, sizeof *grown);
            const char **ev = ck_arena_array(&l->arena, cap, sizeof *ev);
            if (l->n) {
                memcpy(grown, l->rows, l->n * sizeof *grown);
                memcpy(ev, events, l->n * sizeof *ev);
            }
            l->rows = grown;
            events = ev;
        }
        ck_req_row *q = &l->rows[l->n];
        memset(q, 0, sizeof *q);
        q->id = ck_arena_strdup(&l->arena, ck_stmt_text(st, 0));
        q->type = ck_arena_strdup(&l->arena, ck_stmt_text(st, 1));
        int64_t amount = ck_stmt_int(st, 2);
        q->amount = ck_stmt_null(st, 2) || amount < 0 || amount > INT32_MAX ? CK_NOINT : (int32_t)amount;
        q->start = ck_stmt_date(st, 3);
        q->last_day = ck_stmt_date(st, 4);
        q->terminated_on = ck_stmt_date(st, 5);
        events[l->n++] = ck_arena_strdup(&l->arena, ck_stmt_text(st, 6));
    }
    ck_stmt_reset(st);
    for (size_t i = 0; rc == CK_OK && i < l->n; i++) rc = hours_worked(db, id, events[i], &l->rows[i], as_of, err, err_len);
    return rc;
}

ck_rc ck_overview_read(ck_db *db, int64_t id, ck_date as_of, ck_overview **out, char *err, size_t err_len)
{
    ck_overview *s = ck_calloc(1, sizeof *s);
    ck_arena_init(&s->arena);
    s->requirements = ck_calloc(1, sizeof *s->requirements);
    ck_arena_init(&s->requirements->arena);
    ck_rc rc = read_no_outcome(db, id, as_of, s, err, err_len);
    if (rc == CK_OK) rc = read_hours(db, id, as_of, s->requirements, err, err_len);
    if (rc != CK_OK) {
        ck_overview_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}
