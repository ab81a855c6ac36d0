#include "ck_figures.h"
#include "ck_txn.h"
#include <string.h>

/* Rows of (pdu, [rule,] n) of st (bound) into a growing array in f's arena. */
static ck_rc collect(ck_db *db, ck_stmt *st, bool with_rule, ck_service_figures *f, ck_figure **out, size_t *n,
                     char *err, size_t err_len)
{
    ck_rc rc = CK_OK;
    size_t cap = 0;
    while (ck_txn_next(db, st, "service figures", &rc, err, err_len)) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            ck_figure *grown = ck_arena_array(&f->arena, cap, sizeof *grown);
            if (*n) memcpy(grown, *out, *n * sizeof *grown);
            *out = grown;
        }
        ck_figure *x = &(*out)[(*n)++];
        x->pdu = ck_arena_strdup(&f->arena, ck_stmt_text(st, 0));
        x->rule = with_rule ? ck_arena_strdup(&f->arena, ck_stmt_text(st, 1)) : NULL;
        x->n = ck_stmt_int(st, with_rule ? 2 : 1);
    }
    ck_stmt_reset(st);
    return rc;
}

static ck_rc read_in_snapshot(ck_db *db, ck_date as_of, ck_service_figures *f, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db,
                                 "SELECT \"pdu_code\", \"rule\", COUNT(*) FROM \"obligations\" "
                                 "WHERE \"status\" = 'unmet' AND \"due\" < $1 GROUP BY \"pdu_code\", \"rule\" "
                                 "ORDER BY \"pdu_code\", \"rule\"",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_date(st, 1, as_of);
    ck_rc rc = collect(db, st, true, f, &f->overdue, &f->n_overdue, err, err_len);
    if (rc != CK_OK) return rc;
    st = ck_txn_prepare(db,
                        "SELECT \"pdu_code\", COUNT(*) FROM \"cases\" WHERE \"staff_code\" IS NULL "
                        "GROUP BY \"pdu_code\" ORDER BY \"pdu_code\"",
                        err, err_len);
    if (!st) return CK_ERR_DB;
    return collect(db, st, false, f, &f->unallocated, &f->n_unallocated, err, err_len);
}

ck_rc ck_service_figures_read(ck_db *db, ck_date as_of, ck_service_figures *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    ck_arena_init(&out->arena);
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, read_in_snapshot(db, as_of, out, err, err_len), err, err_len);
}

void ck_service_figures_free(ck_service_figures *f)
{
    if (f) ck_arena_free(&f->arena);
}
