/* ck_db: the one small storage interface, over SQLite and PostgreSQL 15.
 *
 * SQL is written once with $1..$N placeholders; the SQLite backend rewrites
 * them to ?1..?N (SQLite reads "$1" as a named parameter). Dates travel as
 * 'YYYY-MM-DD' text (SQLite TEXT, PostgreSQL DATE with DateStyle ISO), booleans
 * as integers 0/1 in both.
 *
 * A ck_db is one connection and is not thread-safe: one per thread. Prepared
 * statements are cached per connection by SQL text (the pointer identity of a
 * string literal is a fast path), so callers prepare on every use.
 *
 * Errors: functions returning int give CK_DB_OK (0) or CK_DB_ERROR (<0);
 * ck_db_errmsg tells why. Constraint violations are CK_DB_CONSTRAINT so a
 * caller can answer 409 rather than 500. */
#ifndef CK_DB_H
#define CK_DB_H
#include "ck_date.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ck_db ck_db;
typedef struct ck_stmt ck_stmt;
typedef enum ck_db_backend { CK_DB_SQLITE, CK_DB_PG } ck_db_backend;

enum {
    CK_DB_OK = 0,
    CK_DB_ROW = 1,        /* ck_stmt_step: a row is ready */
    CK_DB_DONE = 2,       /* ck_stmt_step: no more rows */
    CK_DB_ERROR = -1,
    CK_DB_CONSTRAINT = -2 /* unique / foreign key violation */
};

/* url: "sqlite:PATH" (PATH may be ":memory:"), or "postgresql://..." /
 * "postgres://...". Returns NULL and writes err on failure. */
ck_db *ck_db_open(const char *url, char *err, size_t err_len);
void ck_db_close(ck_db *db); /* NULL-safe; finalizes cached statements */
ck_db_backend ck_db_kind(const ck_db *db);
const char *ck_db_errmsg(const ck_db *db);
bool ck_db_ping(ck_db *db);  /* true when the database answers (GET /health) */

/* Transactions. ck_db_begin is BEGIN IMMEDIATE on SQLite (writers queue on the
 * lock up front instead of failing on upgrade) and BEGIN on PostgreSQL. */
int ck_db_begin(ck_db *db);
int ck_db_commit(ck_db *db);
int ck_db_rollback(ck_db *db); /* safe to call when no transaction is open */

/* Runs SQL text without parameters (may hold several statements). */
int ck_db_exec(ck_db *db, const char *sql);

/* A prepared statement from the connection's cache; NULL on error. Bind,
 * step, read, then ck_stmt_reset to give it back (reset also clears binds). */
ck_stmt *ck_db_prepare(ck_db *db, const char *sql);
void ck_stmt_bind_null(ck_stmt *st, int i);
void ck_stmt_bind_text(ck_stmt *st, int i, const char *s);          /* NULL binds NULL; copied */
void ck_stmt_bind_textn(ck_stmt *st, int i, const char *s, size_t n);
void ck_stmt_bind_int(ck_stmt *st, int i, int64_t v);
void ck_stmt_bind_date(ck_stmt *st, int i, ck_date d);              /* CK_NODATE binds NULL */
int ck_stmt_step(ck_stmt *st);                                      /* CK_DB_ROW, CK_DB_DONE or error */
int ck_stmt_ncols(ck_stmt *st);
bool ck_stmt_null(ck_stmt *st, int col);                            /* columns are 0-based */
const char *ck_stmt_text(ck_stmt *st, int col);                     /* NULL for NULL; valid until next step/reset */
int64_t ck_stmt_int(ck_stmt *st, int col);
ck_date ck_stmt_date(ck_stmt *st, int col);                         /* CK_NODATE for NULL */
void ck_stmt_reset(ck_stmt *st);
/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t ck_db_changes(ck_db *db);

/* Versioned migrations (src/store/migrations/NNN_name.sql, embedded in the
 * binary). Applies the missing ones in order, each in its own transaction,
 * recording them in schema_migrations. Returns CK_DB_OK or an error; *applied
 * gets how many ran (may be NULL). */
int ck_db_migrate(ck_db *db, int *applied);
int ck_db_schema_version(ck_db *db); /* highest applied, 0 when none, <0 on error */

#endif
