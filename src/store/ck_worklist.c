/* ck_worklist: see ck_worklist.h. */
#include "ck_worklist.h"
#include "ck_case.h"
#include "ck_txn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ck_case_filter_sql(ck_buf *b, const ck_case_filter *f, int shift)
{
    ck_buf_puts(b, " AND ");
    ck_case_filter_cond(b, f, shift);
}

void ck_case_filter_cond(ck_buf *b, const ck_case_filter *f, int shift)
{
    ck_buf_putc(b, '(');
    for (const char *p = f->sql; *p; p++) {
        if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            char *end;
            long k = strtol(p + 1, &end, 10);
            ck_buf_printf(b, "$%ld", k + shift);
            p = end - 1;
        } else {
            ck_buf_putc(b, *p);
        }
    }
    ck_buf_putc(b, ')');
}

void ck_worklist_item_read(ck_stmt *st, ck_arena *a, ck_worklist_item *it)
{
    const char *rule = ck_stmt_text(st, 0);
    const char *interned = ck_vocab_find(ck_vocab_rule, rule, strlen(rule));
    it->o.rule = interned ? interned : ck_arena_strdup(a, rule);
    it->o.subject = ck_arena_strdup(a, ck_stmt_text(st, 1));
    it->o.due = ck_stmt_date(st, 2);
    it->o.met_on = ck_stmt_date(st, 3);
    it->o.explain = ck_arena_strdup(a, ck_stmt_text(st, 4));
    it->staff_code = ck_arena_strdup(a, ck_stmt_text(st, 5));
    it->team = ck_arena_strdup(a, ck_stmt_text(st, 6));
    it->crn = ck_arena_strdup(a, ck_stmt_text(st, 7));
    it->forename = ck_arena_strdup(a, ck_stmt_text(st, 8));
    it->surname = ck_arena_strdup(a, ck_stmt_text(st, 9));
}

void ck_worklist_free(ck_worklist *w)
{
    if (!w) return;
    ck_arena_free(&w->arena);
    ck_free(w);
}

void ck_worklist_scope(char out[CK_WORKLIST_SCOPE_MAX], char kind, const char *code)
{
    snprintf(out, CK_WORKLIST_SCOPE_MAX, "%c:%s", kind, code);
}

ck_rc ck_worklist_version_read(ck_db *db, const char *scope, ck_worklist_version *v, char *err, size_t err_len)
{
    /* One statement, so on PostgreSQL one round trip for all three. */
    ck_stmt *st = ck_txn_prepare(db,
                                 "SELECT (SELECT \"n\" FROM \"auth_epoch\" WHERE \"id\" = 1), "
                                 "(SELECT \"n\" FROM \"worklist_versions\" WHERE \"scope\" = $1), "
                                 "(SELECT \"n\" FROM \"worklist_versions\" WHERE \"scope\" = '*')",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, scope);
    int got = ck_stmt_step(st);
    if (got == CK_DB_ROW) {
        v->epoch = ck_stmt_int(st, 0);
        v->scope = ck_stmt_int(st, 1);
        v->all = ck_stmt_int(st, 2);
    }
    ck_stmt_reset(st);
    return got == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, "worklist versions", err, err_len);
}

static ck_rc exec_sql(ck_db *db, const char *sql, const char *what, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    return st ? ck_txn_exec(db, st, what, err, err_len) : CK_ERR_DB;
}

ck_rc ck_worklist_bulk_begin(ck_db *db, char *err, size_t err_len)
{
    return exec_sql(db, "INSERT INTO \"worklist_bulk\" (\"id\") VALUES (1)", "worklist_bulk", err, err_len);
}

ck_rc ck_worklist_bulk_end(ck_db *db, char *err, size_t err_len)
{
    ck_rc rc = exec_sql(db, "DELETE FROM \"worklist_bulk\"", "worklist_bulk", err, err_len);
    if (rc != CK_OK) return rc;
    return exec_sql(db, "UPDATE \"worklist_versions\" SET \"n\" = \"n\" + 1 WHERE \"scope\" = '*'", "worklist_versions",
                    err, err_len);
}
