/* ck_overview_store: see ck_overview_store.h. */
#include "ck_overview_store.h"
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

ck_rc ck_overview_read(ck_db *db, int64_t id, const char *crn, ck_date as_of, ck_overview **out, char *err,
                           size_t err_len)
{
    ck_overview *s = ck_calloc(1, sizeof *s);
    ck_arena_init(&s->arena);
    ck_rc rc = read_no_outcome(db, id, as_of, s, err, err_len);
    if (rc == CK_OK) rc = ck_req_rows_of_cases(db, &crn, 1, as_of, &s->requirements, err, err_len);
    if (rc != CK_OK) {
        ck_overview_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}
