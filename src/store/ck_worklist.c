/* ck_worklist: see ck_worklist.h. */
#include "ck_worklist.h"
#include "ck_case.h"
#include "ck_txn.h"
#include <pthread.h>
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

/* The three numbers of a page's version as SQL, the scope being parameter
 * $k: one text for the read and the check, so both read the same rows the
 * same way (a scope never bumped has no row and reads 0). */
static void version_exprs(ck_buf *b, int k, const char *sep, const char *const cmp[3])
{
    ck_buf_printf(b, "COALESCE((SELECT \"n\" FROM \"auth_epoch\" WHERE \"id\" = 1), 0)%s%s", cmp[0], sep);
    ck_buf_printf(b, "COALESCE((SELECT \"n\" FROM \"worklist_versions\" WHERE \"scope\" = $%d), 0)%s%s", k, cmp[1], sep);
    ck_buf_printf(b, "COALESCE((SELECT \"n\" FROM \"worklist_versions\" WHERE \"scope\" = '*'), 0)%s", cmp[2]);
}

/* The read's and the check's statements, built once: the read runs on every
 * worklist read that is not a page-cache hit, the check on every hit whose
 * guard takes the audit appender's locked path (every hit on SQLite, inside
 * its write transaction). */
static char read_sql[768], holds_sql[1024];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void keep_sql(char *dst, size_t n, ck_buf *b)
{
    if ((size_t)snprintf(dst, n, "%s", ck_buf_cstr(b)) >= n) abort(); /* the buffer's size is this file's */
    ck_buf_free(b);
}

static void build_sql(void)
{
    static const char *const none[3] = {"", "", ""};
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "SELECT ");
    version_exprs(&b, 1, ", ", none);
    keep_sql(read_sql, sizeof read_sql, &b);
    b = (ck_buf)CK_BUF_INIT;
    ck_buf_puts(&b, "SELECT CASE WHEN ");
    ck_worklist_version_cond(&b, 1);
    ck_buf_puts(&b, " THEN 1 ELSE 0 END");
    keep_sql(holds_sql, sizeof holds_sql, &b);
}

ck_rc ck_worklist_version_read(ck_db *db, const char *scope, ck_worklist_version *v, char *err, size_t err_len)
{
    /* One statement, so on PostgreSQL one round trip for all three. */
    pthread_once(&sql_once, build_sql);
    ck_stmt *st = ck_txn_prepare(db, read_sql, err, err_len);
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

void ck_worklist_version_cond(ck_buf *b, int k)
{
    char cmp[3][48];
    for (int i = 0; i < 3; i++) snprintf(cmp[i], sizeof cmp[i], " = CAST($%d AS BIGINT)", k + 1 + i);
    const char *const c[3] = {cmp[0], cmp[1], cmp[2]};
    ck_buf_printf(b, "(CAST($%d AS TEXT) IS NULL OR (", k);
    version_exprs(b, k, " AND ", c);
    ck_buf_puts(b, "))");
}

void ck_worklist_version_bind(ck_stmt *st, int k, const char *scope, const ck_worklist_version *v)
{
    ck_stmt_bind_text(st, k, scope);
    ck_stmt_bind_int(st, k + 1, v ? v->epoch : 0);
    ck_stmt_bind_int(st, k + 2, v ? v->scope : 0);
    ck_stmt_bind_int(st, k + 3, v ? v->all : 0);
}

ck_rc ck_worklist_version_holds(ck_db *db, const char *scope, const ck_worklist_version *v, bool *holds, char *err,
                                size_t err_len)
{
    pthread_once(&sql_once, build_sql);
    ck_stmt *st = ck_txn_prepare(db, holds_sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_worklist_version_bind(st, 1, scope, v);
    int got = ck_stmt_step(st);
    if (got == CK_DB_ROW) *holds = ck_stmt_int(st, 0) == 1;
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
