#include "ck_txn.h"
#include <stdarg.h>
#include <stdio.h>

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

ck_rc ck_txn_begin(ck_db *db, char *err, size_t err_len)
{
    return ck_db_begin(db) == CK_DB_OK ? CK_OK : ck_txn_db_fail(db, "begin", err, err_len);
}

ck_rc ck_txn_finish(ck_db *db, ck_rc rc, char *err, size_t err_len)
{
    if (rc == CK_OK && ck_db_commit(db) != CK_DB_OK) rc = ck_txn_db_fail(db, "commit", err, err_len);
    if (rc != CK_OK) ck_db_rollback(db);
    return rc;
}

ck_stmt *ck_txn_prepare(ck_db *db, const char *sql, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) ck_txn_db_fail(db, "prepare", err, err_len);
    return st;
}
