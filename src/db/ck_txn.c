#include "ck_txn.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

ck_rc ck_txn_fail(ck_rc rc, char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return rc;
}

ck_rc ck_txn_db_fail(ck_db *db, const char *what, char *err, size_t err_len)
{
    return ck_txn_fail(CK_ERR_DB, err, err_len, "%s: %s", what, ck_db_errmsg(db));
}

ck_rc ck_txn_begin_write(ck_db *db, char *err, size_t err_len)
{
    return ck_db_begin_write(db) == CK_DB_OK ? CK_OK : ck_txn_db_fail(db, "begin", err, err_len);
}

ck_rc ck_txn_begin_read(ck_db *db, char *err, size_t err_len)
{
    return ck_db_begin_read(db) == CK_DB_OK ? CK_OK : ck_txn_db_fail(db, "begin read", err, err_len);
}

ck_rc ck_txn_export_snapshot(ck_db *db, char **id, char *err, size_t err_len)
{
    *id = NULL;
    if (ck_db_kind(db) != CK_DB_PG) return ck_txn_fail(CK_ERR_DB, err, err_len, "export snapshot: PostgreSQL only");
    ck_stmt *st = ck_txn_prepare(db, "SELECT pg_export_snapshot()", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_rc rc = CK_OK;
    if (ck_txn_next(db, st, "export snapshot", &rc, err, err_len) && ck_stmt_text(st, 0))
        *id = ck_strdup(ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    if (rc == CK_OK && !*id) rc = ck_txn_fail(CK_ERR_DB, err, err_len, "export snapshot: no snapshot id");
    return rc;
}

ck_rc ck_txn_begin_read_at(ck_db *db, const char *id, char *err, size_t err_len)
{
    if (ck_db_kind(db) != CK_DB_PG) return ck_txn_fail(CK_ERR_DB, err, err_len, "import snapshot: PostgreSQL only");
    /* SET TRANSACTION SNAPSHOT takes no parameter: the id goes into the text,
     * so it must be what pg_export_snapshot gives (hex digits and dashes). */
    if (!id || !*id || strspn(id, "0123456789ABCDEFabcdef-") != strlen(id) || strlen(id) > 64)
        return ck_txn_fail(CK_ERR_DB, err, err_len, "import snapshot: not a snapshot id");
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    char sql[128];
    snprintf(sql, sizeof sql, "SET TRANSACTION SNAPSHOT '%s'", id);
    if (ck_db_exec(db, sql) != CK_DB_OK) {
        rc = ck_txn_db_fail(db, "import snapshot", err, err_len);
        ck_db_rollback(db);
    }
    return rc;
}

ck_rc ck_txn_finish(ck_db *db, ck_rc rc, char *err, size_t err_len)
{
    if (rc == CK_OK && ck_db_commit(db) != CK_DB_OK) rc = ck_txn_db_fail(db, "commit", err, err_len);
    if (rc != CK_OK) ck_db_rollback(db);
    return rc;
}

ck_rc ck_txn_join_write(ck_db *db, bool *own, char *err, size_t err_len)
{
    *own = false;
    if (ck_db_in_read_tx(db))
        return ck_txn_fail(CK_ERR_DB, err, err_len, "a write inside a read transaction: begin a write transaction");
    if (ck_db_in_tx(db)) return CK_OK;
    *own = true;
    return ck_txn_begin_write(db, err, err_len);
}

ck_rc ck_txn_join_read(ck_db *db, bool *own, char *err, size_t err_len)
{
    *own = !ck_db_in_tx(db);
    return *own ? ck_txn_begin_read(db, err, err_len) : CK_OK;
}

ck_rc ck_txn_end(ck_db *db, bool own, ck_rc rc, char *err, size_t err_len)
{
    return own ? ck_txn_finish(db, rc, err, err_len) : rc;
}

ck_stmt *ck_txn_prepare(ck_db *db, const char *sql, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) ck_txn_db_fail(db, "prepare", err, err_len);
    return st;
}

ck_rc ck_txn_exec(ck_db *db, ck_stmt *st, const char *what, char *err, size_t err_len)
{
    int s = ck_stmt_step(st);
    ck_rc rc = s == CK_DB_DONE || s == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, what, err, err_len);
    ck_stmt_reset(st);
    return rc;
}

bool ck_txn_next(ck_db *db, ck_stmt *st, const char *what, ck_rc *rc, char *err, size_t err_len)
{
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) return true;
    if (s != CK_DB_DONE) *rc = ck_txn_db_fail(db, what, err, err_len);
    return false;
}

ck_rc ck_txn_column(ck_db *db, ck_stmt *st, const char *what, ck_arena *a, const char ***out, size_t *n, char *err,
                    size_t err_len)
{
    *out = NULL;
    *n = 0;
    const char **v = NULL;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, what, &rc, err, err_len)) {
        v = ck_realloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = ck_arena_strdup(a, ck_stmt_text(st, 0));
    }
    ck_stmt_reset(st);
    if (*n) {
        *out = ck_arena_array(a, *n, sizeof **out);
        memcpy((void *)*out, v, *n * sizeof *v);
    }
    ck_free(v);
    return rc;
}
