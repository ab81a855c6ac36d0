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
 * caller can answer 409 rather than 500.
 *
 * Error messages carry the SQLite result code or the PostgreSQL SQLSTATE and
 * the start of the SQL text, never a parameter value (values are personal
 * data): PostgreSQL's DETAIL lines are dropped and the quoted values in its
 * data-exception (class 22) messages are withheld. So never splice values into
 * SQL text; bind them. Nothing here prints or logs.
 *
 * SQLite: WAL, foreign_keys=ON, synchronous=NORMAL, busy_timeout
 * CK_DB_SQLITE_BUSY_MS, double-quoted string literals disabled (as in
 * PostgreSQL, "x" is always an identifier). Declare date columns DATE: SQLite
 * gives them NUMERIC affinity, which keeps 'YYYY-MM-DD' text as text.
 *
 * PostgreSQL: parameters travel as text and the server infers their types,
 * so write CAST($1 AS INTEGER) where the context does not say. One connection
 * runs one query at a time: starting another statement (or exec, begin,
 * commit...) while one is still streaming rows first reads that one's
 * remaining rows into memory, so nesting works but loses the bounded memory of
 * streaming; stream big results without nesting other statements. A lost
 * connection is re-opened before the next statement outside a transaction
 * (settings made with ck_db_exec, such as SET search_path, do not survive it:
 * put those in the URL's options). */
#ifndef CK_DB_H
#define CK_DB_H
#include "ck_date.h"
#include "ck_metrics.h"
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

/* How long an SQLite writer waits for another connection's write lock before
 * failing with "database is locked". Write transactions here are one case or
 * one recompute batch (milliseconds to well under a second), so 5 s lets a
 * burst of queued writers through under load, yet stays below the time a
 * browser or proxy waits for an answer: past it the request fails cleanly
 * instead of hanging. */
#define CK_DB_SQLITE_BUSY_MS 5000

/* url: "sqlite:PATH" (PATH may be ":memory:"), or "postgresql://..." /
 * "postgres://...". Returns NULL and writes err on failure. */
ck_db *ck_db_open(const char *url, char *err, size_t err_len);
void ck_db_close(ck_db *db); /* NULL-safe; finalizes cached statements */
/* Another connection to db's database, opened with db's URL (for work split
 * over threads, one connection each); NULL with err for an in-memory SQLite
 * database, which no second connection can reach. */
ck_db *ck_db_open_again(const ck_db *db, char *err, size_t err_len);
ck_db_backend ck_db_kind(const ck_db *db);

/* SQLite: WAL checkpoints off the commit path, for a server.
 *
 * By default SQLite checkpoints inside the COMMIT that takes the WAL past
 * 1000 pages: that connection copies the WAL's pages into the database file
 * and fsyncs both before its commit returns (with synchronous=NORMAL these
 * are the only fsyncs), so whoever waits for that commit (every reader whose
 * audit entry is in the audit appender's batch) waits for the copy and the
 * disk. While a checkpointer runs for a database file, every connection
 * opened on that file (by path, in this process) has its automatic
 * checkpoints off, and this thread, over a connection of its own,
 * checkpoints in PASSIVE mode (never blocking a writer or a reader) once a
 * commit leaves at least `pages` WAL frames not yet copied. A WAL that a
 * steady stream of commits keeps from starting over (it restarts only when
 * a writer finds every frame copied) is bounded: past `max_mib` MiB the
 * checkpointer copies what it can, then checkpoints in TRUNCATE mode, which
 * makes writers wait for its copy of the last few frames and the truncation
 * (rare: only when the WAL reached the bound).
 *
 * Durability is unchanged: a commit is in the WAL (synchronous=NORMAL, so
 * in the operating system's cache; not lost to kill -9) whoever copies it
 * later, and a checkpoint stopped midway is redone by the next. Start it
 * before the connections it is for (one opened earlier keeps checkpointing
 * in its own commits) and stop it after they are closed; with none running,
 * the last connection to close checkpoints the rest as before.
 * PostgreSQL and in-memory SQLite: a handle that does nothing. NULL with the
 * reason in err (the thread or its connection could not start, a
 * checkpointer already runs for that file). */
typedef struct ck_db_checkpointer ck_db_checkpointer;
ck_db_checkpointer *ck_db_checkpointer_start(const char *url, int pages, int max_mib, char *err, size_t err_len);
void ck_db_checkpointer_stop(ck_db_checkpointer *c); /* NULL-safe; waits for a checkpoint in progress */
/* Checkpoints run so far: PASSIVE ones and, of those, how many went on to
 * TRUNCATE because the WAL had reached the bound (tests, benchmarks). */
void ck_db_checkpointer_counts(ck_db_checkpointer *c, uint64_t *passive, uint64_t *truncated);
const char *ck_db_errmsg(const ck_db *db);
bool ck_db_ping(ck_db *db);  /* true when the database answers (GET /health) */

/* Transactions, read or write, said at the start.
 *
 * A write transaction is BEGIN IMMEDIATE on SQLite (writers queue on the one
 * write lock up front, waiting up to CK_DB_SQLITE_BUSY_MS, instead of failing
 * on upgrade) and BEGIN (READ COMMITTED) on PostgreSQL.
 *
 * A read transaction sees one snapshot of the database and never takes the
 * write lock, so it neither waits for writers nor makes them wait, however
 * long it runs: BEGIN DEFERRED with query_only on SQLite (WAL lets it read
 * beside the writer; each connection is its own reader), REPEATABLE READ
 * READ ONLY on PostgreSQL. A write inside it fails. */
int ck_db_begin_write(ck_db *db);
int ck_db_begin_read(ck_db *db);
bool ck_db_in_read_tx(ck_db *db); /* true while a read transaction is open */
/* On failure (a deferred constraint, or on PostgreSQL an earlier statement of
 * the transaction failed) the transaction is rolled back and no longer open.
 * After a statement fails inside a transaction, roll back: PostgreSQL has
 * aborted the whole transaction, SQLite undid only that statement. */
int ck_db_commit(ck_db *db);
int ck_db_rollback(ck_db *db); /* safe to call when no transaction is open */
/* One hook per connection around the end of a transaction, for an outbox
 * kept in memory until commit (store/ck_events): ck_db_commit first calls
 * before_commit inside the still-open transaction, and when it fails rolls
 * back and fails the commit (its message in ck_db_errmsg); after any commit
 * or rollback it calls ended. destroy frees ctx at ck_db_close. Writing
 * last, just before COMMIT, keeps whatever lock before_commit takes for the
 * shortest time and after every row lock the transaction takes. */
typedef struct ck_db_hook {
    int (*before_commit)(ck_db *db, void *ctx);
    void (*ended)(void *ctx);
    void (*destroy)(void *ctx);
    void *ctx;
} ck_db_hook;
void ck_db_set_hook(ck_db *db, const ck_db_hook *h); /* NULL removes it (destroy not called) */
void *ck_db_hook_ctx(const ck_db *db);               /* the hook's ctx; NULL when none */
bool ck_db_in_tx(ck_db *db);   /* true while a transaction is open (also an aborted one) */

/* What every connection of the process did, for /metrics: transactions by
 * kind and outcome with their time from begin to end, the time a write
 * transaction's begin waited (on SQLite the write lock, up to
 * CK_DB_SQLITE_BUSY_MS; on PostgreSQL a round trip, its row locks being
 * taken later), and the time opening a connection took. */
typedef enum ck_db_tx_kind { CK_DB_TX_WRITE, CK_DB_TX_READ, CK_DB_TX_KINDS } ck_db_tx_kind;
typedef enum ck_db_tx_end { CK_DB_TX_COMMIT, CK_DB_TX_ROLLBACK, CK_DB_TX_ENDS } ck_db_tx_end;
typedef struct ck_db_metrics {
    ck_counter tx[CK_DB_TX_KINDS][CK_DB_TX_ENDS];
    ck_histogram tx_seconds[CK_DB_TX_KINDS];
    ck_histogram begin_wait_seconds; /* write transactions only */
    ck_histogram connect_seconds;
} ck_db_metrics;
extern ck_db_metrics ck_db_stats;

/* Runs SQL text without parameters (may hold several statements; outside a
 * transaction PostgreSQL runs them as one, SQLite one by one). */
int ck_db_exec(ck_db *db, const char *sql);

/* A prepared statement from the connection's cache; NULL on error (bad SQL,
 * more than one statement). Bind, step, read, then ck_stmt_reset to give it
 * back (reset also clears binds). A statement not yet given back is not handed
 * out again: preparing the same SQL meanwhile gives a second statement, so
 * nested use of one query works. The cache holds up to 256 statements,
 * dropping the least recently used idle ones beyond that.
 *
 * Bind index i is the placeholder number ($1 is 1); a parameter left unbound
 * is NULL. A bad index, or binding after a step without a reset, makes the
 * next ck_stmt_step fail with a message naming the parameter. Stepping on
 * after CK_DB_DONE (or an error) gives the same answer again; the statement
 * re-runs only after a reset. ck_stmt_reset mid-stream discards the rest of
 * the rows (on PostgreSQL they are read off the connection and dropped: ask
 * for one row with LIMIT 1, not by resetting early). NULL-safe. */
ck_stmt *ck_db_prepare(ck_db *db, const char *sql);
void ck_stmt_bind_null(ck_stmt *st, int i);
void ck_stmt_bind_text(ck_stmt *st, int i, const char *s);          /* NULL binds NULL; copied */
void ck_stmt_bind_textn(ck_stmt *st, int i, const char *s, size_t n);
void ck_stmt_bind_int(ck_stmt *st, int i, int64_t v);
void ck_stmt_bind_date(ck_stmt *st, int i, ck_date d);              /* CK_NODATE binds NULL */
int ck_stmt_step(ck_stmt *st);                                      /* CK_DB_ROW, CK_DB_DONE or error */
int ck_stmt_ncols(ck_stmt *st);                                     /* of the current row; 0 before one */
bool ck_stmt_null(ck_stmt *st, int col);                            /* columns are 0-based */
const char *ck_stmt_text(ck_stmt *st, int col);                     /* NULL for NULL; valid until next step/reset */
int64_t ck_stmt_int(ck_stmt *st, int col);                          /* 0 for NULL; PostgreSQL booleans give 1/0 */
ck_date ck_stmt_date(ck_stmt *st, int col);                         /* CK_NODATE for NULL or not a date; a timestamp gives its date */
void ck_stmt_reset(ck_stmt *st);
/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t ck_db_changes(ck_db *db);

/* The audit appender (store/ck_audit.h) that audit records of reads made on
 * this connection go through; NULL (the default) when they are appended in a
 * transaction of their own. The database layer only keeps the pointer. */
void ck_db_set_audit_sink(ck_db *db, void *sink);
void *ck_db_audit_sink(const ck_db *db);

/* Bulk rows into one table, for imports: on PostgreSQL one COPY ... FROM
 * STDIN, whose rows stream in one command and are parsed without a plan or
 * an expression per value (several times the speed of multi-row INSERTs); on
 * SQLite a cached one-row INSERT stepped per row, which is as fast as SQLite
 * goes. table and cols are identifiers (quoted here), never input.
 *
 * Inside a transaction, and nothing else runs on the connection between
 * begin and end. Give each row's values in column order, then ck_copy_row.
 * Errors (a constraint, a value the column refuses) may surface only at
 * ck_copy_end, as CK_DB_ERROR or CK_DB_CONSTRAINT with ck_db_errmsg: then
 * roll back. ck_copy_end always frees c (NULL-safe, returning an error). */
typedef struct ck_copy ck_copy;
ck_copy *ck_copy_begin(ck_db *db, const char *table, const char *const *cols, int ncols); /* NULL on error */
void ck_copy_null(ck_copy *c);
void ck_copy_text(ck_copy *c, const char *s); /* NULL gives NULL */
void ck_copy_int(ck_copy *c, int64_t v);
void ck_copy_date(ck_copy *c, ck_date d);     /* CK_NODATE gives NULL */
int ck_copy_row(ck_copy *c);                  /* CK_DB_OK, or the first error so far */
int ck_copy_end(ck_copy *c);

/* Versioned migrations (src/db/migrations/NNN_name.sql, embedded in the
 * binary). Applies the missing ones in order, each in its own transaction,
 * recording them in schema_migrations(version, name, applied_at). Returns
 * CK_DB_OK or an error; *applied gets how many ran (may be NULL). A failing
 * migration is rolled back, stops the run, and ck_db_errmsg names it.
 *
 * Concurrent runs (several servers starting at once) are safe: each migration
 * transaction first takes pg_advisory_xact_lock on PostgreSQL, or the write
 * lock (BEGIN IMMEDIATE) on SQLite, then re-checks whether it was applied.
 * Must be called outside a transaction.
 *
 * Migration SQL is written once for both backends; the runner replaces two
 * tokens anywhere in the text (any other {{...}} is an error):
 *   {{ID}}    INTEGER PRIMARY KEY (SQLite, the rowid alias) /
 *             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY (PostgreSQL)
 *   {{BLOB}}  BLOB / BYTEA
 * A migration that depends on a later one's table is a bug the name order
 * makes visible: they run in strcmp order of their names. */
int ck_db_migrate(ck_db *db, int *applied);
int ck_db_schema_version(ck_db *db); /* highest applied, 0 when none, <0 on error */

/* The same runner over an explicit list (tests). name is "NNN_what.sql"
 * (NNN the version: digits, unique); the list need not be sorted. */
typedef struct ck_migration {
    const char *name;
    const char *sql;
} ck_migration;
int ck_db_migrate_list(ck_db *db, const ck_migration *list, size_t n, int *applied);

#endif
