/* ck_req_store: see ck_req_store.h. */
#include "ck_req_store.h"
#include "ck_buf.h"
#include "ck_ctypes.h"
#include "ck_requirements.h"
#include "ck_rules.h"
#include "ck_txn.h"
#include <stdio.h>
#include <string.h>

void ck_req_rows_free(ck_req_rows *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}

/* A query being built: its SQL and its text binds from $(first) on ($1 is
 * always as_of). */
typedef struct query {
    ck_buf sql;
    const char **binds;
    int n, cap, first;
} query;

static int bind_add(query *q, const char *v)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 64;
        q->binds = ck_realloc(q->binds, (size_t)q->cap * sizeof *q->binds);
    }
    q->binds[q->n++] = v;
    return q->first + q->n - 1;
}

/* " IN ($a, $b, ...)" of the codes keep() lets through from list; false
 * (nothing written) when none does. */
static bool in_list(query *q, const char *const *codes, size_t n, const ck_req_type *t,
                    bool (*keep)(const ck_req_type *t, const char *code))
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!keep(t, codes[i])) continue;
        ck_buf_printf(&q->sql, "%s$%d", kept++ ? ", " : " IN (", bind_add(q, codes[i]));
    }
    if (kept) ck_buf_puts(&q->sql, ")");
    return kept > 0;
}

static bool attended(const ck_req_type *t, const char *code)
{
    (void)t;
    return ck_outcome_attended(code);
}

#define LAST_DAY "COALESCE(\"requirements\".\"end\", \"events\".\"sentence_end_date\")"

/* The column of what has been done towards each requirement: for every type
 * with progress, the sum of hours or the count of days of its event's
 * counted contacts from its start to as_of ($1). A requirement listed here
 * is in force at as_of, so no contact after its last day or termination is
 * on or before as_of. */
static void used_column(query *q)
{
    size_t nt, nc, no = 0;
    const ck_req_type *types = ck_req_types(&nt);
    const ck_ctype *all = ck_ctypes_all(&nc);
    const char **ctypes = ck_malloc((nc ? nc : 1) * sizeof *ctypes);
    for (size_t i = 0; i < nc; i++) ctypes[i] = all[i].code;
    while (ck_vocab_outcome[no]) no++;
    ck_buf_puts(&q->sql, "CASE");
    for (size_t i = 0; i < nt; i++) {
        const ck_req_type *t = &types[i];
        if (t->progress == CK_REQ_PROGRESS_NONE) continue;
        ck_buf_printf(&q->sql, " WHEN \"requirements\".\"type\" = $%d THEN (SELECT ", bind_add(q, t->code));
        ck_buf_puts(&q->sql, t->progress == CK_REQ_PROGRESS_HOURS ? "COALESCE(SUM(\"k\".\"hours\"), 0)"
                                                                   : "COUNT(DISTINCT \"k\".\"date\")");
        ck_buf_puts(&q->sql, " FROM \"contacts\" \"k\" WHERE \"k\".\"case_id\" = \"requirements\".\"case_id\""
                             " AND \"k\".\"event\" = \"events\".\"id\" AND \"k\".\"date\" >= \"requirements\".\"start\""
                             " AND \"k\".\"date\" <= $1 AND \"k\".\"type\"");
        bool any = in_list(q, ctypes, nc, t, ck_req_counts_type);
        if (any && t->progress == CK_REQ_PROGRESS_HOURS) ck_buf_puts(&q->sql, " AND \"k\".\"hours\" IS NOT NULL");
        if (any && t->progress == CK_REQ_PROGRESS_DAYS) {
            ck_buf_puts(&q->sql, " AND \"k\".\"outcome\"");
            any = in_list(q, ck_vocab_outcome, no, t, attended);
        }
        if (!any) ck_buf_puts(&q->sql, " IS NULL AND 1 = 0"); /* nothing counts: 0 */
        ck_buf_puts(&q->sql, ")");
    }
    ck_buf_puts(&q->sql, " ELSE 0 END");
    ck_free(ctypes);
}

static void read_row(ck_stmt *st, ck_arena *a, ck_req_row *r)
{
    r->crn = ck_arena_strdup(a, ck_stmt_text(st, 0));
    r->forename = ck_stmt_null(st, 1) ? NULL : ck_arena_strdup(a, ck_stmt_text(st, 1));
    r->surname = ck_stmt_null(st, 2) ? NULL : ck_arena_strdup(a, ck_stmt_text(st, 2));
    r->type = ck_arena_strdup(a, ck_stmt_text(st, 3));
    int64_t amount = ck_stmt_int(st, 4), used = ck_stmt_int(st, 8);
    r->amount = ck_stmt_null(st, 4) || amount < 0 || amount > INT32_MAX ? CK_NOINT : (int32_t)amount;
    r->used = used < 0 ? 0 : used > INT32_MAX ? INT32_MAX : (int32_t)used;
    r->start = ck_stmt_date(st, 5);
    r->last_day = ck_stmt_date(st, 6);
    r->terminated_on = ck_stmt_date(st, 7);
    r->id = ck_arena_strdup(a, ck_stmt_text(st, 9));
}

/* Runs q (its selection already in q->sql after the FROM and the in-force
 * condition) with as_of at $1, the selection's binds from $2. */
static ck_rc run(ck_db *db, query *q, const char *const *sel, int n_sel, ck_date as_of, ck_req_rows **out, char *err,
                 size_t err_len)
{
    ck_req_rows *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    size_t cap = 0;
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&q->sql));
    ck_rc rc = CK_OK;
    if (!st) {
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
        goto done;
    }
    ck_stmt_bind_date(st, 1, as_of);
    for (int i = 0; i < n_sel; i++) ck_stmt_bind_text(st, 2 + i, sel[i]);
    for (int i = 0; i < q->n; i++) ck_stmt_bind_text(st, q->first + i, q->binds[i]);
    while (ck_txn_next(db, st, "requirements", &rc, err, err_len)) {
        if (l->n == cap) {
            cap = cap ? cap * 2 : 32;
            ck_req_row *grown = ck_arena_array(&l->arena, cap, sizeof *grown);
            if (l->n) memcpy(grown, l->rows, l->n * sizeof *grown);
            l->rows = grown;
        }
        read_row(st, &l->arena, &l->rows[l->n++]);
    }
    ck_stmt_reset(st);
done:
    if (rc != CK_OK) {
        ck_req_rows_free(l);
        l = NULL;
    }
    *out = l;
    return rc;
}

/* The SELECT up to the selection: the columns, the joins and the in-force
 * condition (ck_requirement_in_force at $1). */
static void head(query *q)
{
    ck_buf_puts(&q->sql, "SELECT \"cases\".\"crn\", \"cases\".\"person_forename\", \"cases\".\"person_surname\", "
                         "\"requirements\".\"type\", \"requirements\".\"amount\", \"requirements\".\"start\", " LAST_DAY
                         ", \"requirements\".\"terminated_on\", ");
    used_column(q);
    ck_buf_puts(&q->sql, ", \"requirements\".\"id\" FROM \"requirements\" JOIN \"events\""
                         " ON \"events\".\"case_id\" = \"requirements\".\"case_id\""
                         " AND \"events\".\"ord\" = \"requirements\".\"parent_ord\""
                         " JOIN \"cases\" ON \"cases\".\"case_id\" = \"requirements\".\"case_id\""
                         " WHERE \"requirements\".\"start\" <= $1 AND (" LAST_DAY " IS NULL OR " LAST_DAY " >= $1)"
                         " AND (\"requirements\".\"terminated_on\" IS NULL"
                         " OR \"requirements\".\"terminated_on\" > $1)");
}

#define ORDER " ORDER BY \"cases\".\"crn\", \"events\".\"ord\", \"requirements\".\"ord\""

ck_rc ck_req_rows_of_cases(ck_db *db, const char *const *crns, size_t n, ck_date as_of, ck_req_rows **out,
                           char *err, size_t err_len)
{
    *out = NULL;
    if (n > CK_REQ_CASES_MAX) {
        snprintf(err, err_len, "crns: expected at most %d cases, got %zu", CK_REQ_CASES_MAX, n);
        return CK_ERR_INVALID;
    }
    if (n == 0) {
        *out = ck_calloc(1, sizeof **out);
        ck_arena_init(&(*out)->arena);
        return CK_OK;
    }
    query q = {CK_BUF_INIT, NULL, 0, 0, 2 + (int)n};
    head(&q);
    ck_buf_puts(&q.sql, " AND \"cases\".\"crn\" IN (");
    for (size_t i = 0; i < n; i++) ck_buf_printf(&q.sql, "%s$%zu", i ? ", " : "", i + 2);
    ck_buf_puts(&q.sql, ")" ORDER);
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc == CK_OK) rc = ck_txn_end(db, own, run(db, &q, crns, (int)n, as_of, out, err, err_len), err, err_len);
    ck_buf_free(&q.sql);
    ck_free(q.binds);
    return rc;
}

ck_rc ck_req_rows_hours(ck_db *db, const char *staff, const ck_case_filter *f, ck_date as_of, ck_req_rows **out,
                        char *err, size_t err_len)
{
    *out = NULL;
    int nf = f ? f->n_binds : 0;
    const char **sel = ck_malloc((size_t)(1 + nf) * sizeof *sel);
    sel[0] = staff;
    for (int i = 0; i < nf; i++) sel[1 + i] = f->binds[i];
    query q = {CK_BUF_INIT, NULL, 0, 0, 3 + nf};
    head(&q);
    ck_buf_puts(&q.sql, " AND \"cases\".\"staff_code\" = $2");
    if (f) ck_case_filter_sql(&q.sql, f, 2);
    size_t nt;
    const ck_req_type *types = ck_req_types(&nt);
    ck_buf_puts(&q.sql, " AND \"requirements\".\"type\" IN (");
    for (size_t i = 0, k = 0; i < nt; i++)
        if (types[i].progress == CK_REQ_PROGRESS_HOURS)
            ck_buf_printf(&q.sql, "%s$%d", k++ ? ", " : "", bind_add(&q, types[i].code));
    ck_buf_puts(&q.sql, ")" ORDER);
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc == CK_OK) rc = ck_txn_end(db, own, run(db, &q, sel, 1 + nf, as_of, out, err, err_len), err, err_len);
    ck_buf_free(&q.sql);
    ck_free(q.binds);
    ck_free(sel);
    return rc;
}
