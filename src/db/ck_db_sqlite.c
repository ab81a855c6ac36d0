/* ck_db_sqlite: the SQLite backend of ck_db (see ck_db_int.h). */
#include "ck_db_int.h"
#include "ck_mem.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* The transaction-control statements every request runs (BEGIN and COMMIT),
 * prepared once per connection: sqlite3_exec parsed each of them on every
 * call, about 4 % of a cached case read's CPU (bench/RESULTS.md, "The case
 * caches"). */
typedef enum sq_ctl {
    SQ_BEGIN_WRITE,
    SQ_BEGIN_READ,
    SQ_COMMIT,
    SQ_ROLLBACK,
    SQ_NCTL
} sq_ctl;

static const char *const sq_ctl_sql[SQ_NCTL] = {
    [SQ_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [SQ_BEGIN_READ] = "BEGIN DEFERRED",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
};

typedef struct sq_db {
    ck_db base;
    sqlite3 *h;
    sqlite3_stmt *ctl[SQ_NCTL]; /* prepared on first use */
    bool reading;               /* inside a ck_db_begin_read snapshot: writes refused */
} sq_db;

typedef struct sq_stmt {
    ck_stmt base;
    sqlite3_stmt *h;
} sq_stmt;

static sqlite3 *conn(ck_db *db) { return ((sq_db *)db)->h; }
static sqlite3_stmt *handle(ck_stmt *st) { return ((sq_stmt *)st)->h; }

static int map_code(int code)
{
    switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return CK_DB_CONSTRAINT;
    default:
        return CK_DB_ERROR;
    }
}

/* SQLite's messages name tables, columns and constraints, never values. */
static int fail(ck_db *db, const char *sql)
{
    int code = sqlite3_extended_errcode(conn(db));
    ck_db_seterr(db, sql, "SQLite error %d (%s): %s", code, sqlite3_errstr(code), sqlite3_errmsg(conn(db)));
    return map_code(code);
}

static bool reading(ck_db *db) { return ((sq_db *)db)->reading; }

/* A write inside a read snapshot fails at once, naming the statement,
 * instead of upgrading the snapshot to the write lock. */
static int refuse_write(ck_db *db, const char *sql)
{
    ck_db_seterr(db, sql, "SQLite: a write inside a read-only snapshot (ck_db_begin_read): refused");
    return CK_DB_ERROR;
}

/* ck_db_exec inside a read snapshot: each statement of the text checked
 * before it runs. */
static int exec_reading(ck_db *db, const char *sql)
{
    const char *next = sql;
    while (next && *next) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(conn(db), next, -1, &st, &tail) != SQLITE_OK) return fail(db, sql);
        next = tail;
        if (!st) continue; /* whitespace or a comment */
        if (!sqlite3_stmt_readonly(st)) {
            sqlite3_finalize(st);
            return refuse_write(db, sql);
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return fail(db, sql);
    }
    return CK_DB_OK;
}

static int sq_exec(ck_db *db, const char *sql)
{
    if (reading(db)) return exec_reading(db, sql);
    return sqlite3_exec(conn(db), sql, NULL, NULL, NULL) == SQLITE_OK ? CK_DB_OK : fail(db, sql);
}

/* Runs one transaction-control statement, prepared once. */
static int sq_run_ctl(ck_db *db, sq_ctl which)
{
    sq_db *d = (sq_db *)db;
    const char *sql = sq_ctl_sql[which];
    if (!d->ctl[which] && sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &d->ctl[which], NULL) != SQLITE_OK)
        return fail(db, sql);
    int rc = sqlite3_step(d->ctl[which]);
    int out = rc == SQLITE_DONE || rc == SQLITE_ROW ? CK_DB_OK : fail(db, sql);
    sqlite3_reset(d->ctl[which]);
    return out;
}

static int set_pragmas(ck_db *db, const char *path)
{
    sqlite3 *h = conn(db);
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, CK_DB_SQLITE_BUSY_MS);
    /* Double-quoted strings become identifiers only, as in PostgreSQL, so a
     * query that would fail there fails here too. */
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    if (sq_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL") != CK_DB_OK) return CK_DB_ERROR;
    /* A statement inside a transaction keeps a journal of the pages it
     * changes, to undo itself alone; past 64 KiB (one multi-row INSERT into
     * an indexed table) SQLite spills it to a temporary file, which made
     * writes cost twice their time in write(2) and malloc trimming. Kept in
     * memory it is freed with the statement; nothing in it was ever durable. */
    if (sq_exec(db, "PRAGMA temp_store = MEMORY") != CK_DB_OK) return CK_DB_ERROR;

    /* WAL lets readers run beside the one writer. An in-memory database
     * answers "memory" and cannot do otherwise. */
    sqlite3_stmt *st;
    const char *sql = "PRAGMA journal_mode = WAL";
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) return fail(db, sql);
    int rc = sqlite3_step(st);
    char mode[16] = "";
    if (rc == SQLITE_ROW) snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return fail(db, sql);
    bool memory = strcmp(path, ":memory:") == 0 || *path == '\0';
    if (strcmp(mode, "wal") != 0 && !(memory && strcmp(mode, "memory") == 0)) {
        ck_db_seterr(db, NULL, "SQLite: the database stays in journal mode \"%s\", not WAL", mode);
        return CK_DB_ERROR;
    }
    return CK_DB_OK;
}

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; nothing here reads those counts, and a bulk import's writer took
 * that lock and its barrier millions of times (5% of its CPU). Settable
 * only before SQLite initialises, hence once, before the first open. */
static void configure_once(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static ck_db *sq_open(const char *path, char *err, size_t err_len)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_once);
    sq_db *d = ck_calloc(1, sizeof *d);
    /* NOMUTEX: a connection belongs to one thread (ck_db.h). */
    int rc = sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "SQLite: cannot open %s: %s", path, d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
    } else if (set_pragmas(&d->base, path) != CK_DB_OK) {
        snprintf(err, err_len, "%s", d->base.err);
        rc = SQLITE_ERROR;
    }
    if (rc == SQLITE_OK) return &d->base;
    sqlite3_close(d->h);
    ck_free(d);
    return NULL;
}

static void sq_close(ck_db *db)
{
    sq_db *d = (sq_db *)db;
    for (int i = 0; i < SQ_NCTL; i++) sqlite3_finalize(d->ctl[i]);
    sqlite3_close(conn(db));
    ck_free(db);
}

static bool sq_in_tx(ck_db *db) { return !sqlite3_get_autocommit(conn(db)); }

static int sq_begin(ck_db *db) { return sq_run_ctl(db, SQ_BEGIN_WRITE); }

/* DEFERRED takes no lock until the first SELECT, which then reads one WAL
 * snapshot and never waits for the writer. A write inside it fails at once
 * (sq_step, sq_exec) instead of upgrading to the write lock. Not PRAGMA
 * query_only: setting any flag pragma expires every prepared statement of
 * the connection, so each read re-prepared every statement it ran (47 % of
 * a case JSON read's instructions, bench/RESULTS.md "req17"). */
static int sq_begin_read(ck_db *db)
{
    int rc = sq_run_ctl(db, SQ_BEGIN_READ);
    ((sq_db *)db)->reading = rc == CK_DB_OK;
    return rc;
}

static void sq_end_read(ck_db *db) { ((sq_db *)db)->reading = false; }

static int sq_commit(ck_db *db)
{
    int rc = sq_run_ctl(db, SQ_COMMIT);
    /* A failed COMMIT (deferred foreign key) leaves the transaction open;
     * the contract is that it is over. */
    if (rc != CK_DB_OK && sq_in_tx(db)) sqlite3_exec(conn(db), "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int sq_rollback(ck_db *db) { return sq_in_tx(db) ? sq_run_ctl(db, SQ_ROLLBACK) : CK_DB_OK; }

static bool sq_ping(ck_db *db) { return sqlite3_exec(conn(db), "SELECT 1", NULL, NULL, NULL) == SQLITE_OK; }

static int64_t sq_changes(ck_db *db) { return sqlite3_changes64(conn(db)); }

static int sq_prepare(ck_stmt *st)
{
    ck_db *db = st->db;
    char *sql = ck_malloc(strlen(st->sql) + 1);
    ck_db_scan_params(st->sql, sql);
    sqlite3_stmt *h = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(conn(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &h, &tail);
    if (rc != SQLITE_OK) {
        ck_free(sql);
        return fail(db, st->sql);
    }
    /* A second statement would be silently ignored; PostgreSQL refuses it. */
    sqlite3_stmt *extra = NULL;
    if (h && tail && *tail) sqlite3_prepare_v2(conn(db), tail, -1, &extra, NULL);
    ck_free(sql);
    const char *why = !h ? "no statement in the SQL text"
                    : extra ? "more than one statement: use ck_db_exec"
                    : sqlite3_bind_parameter_count(h) != st->nparams ? "placeholders other than $1..$N"
                    : NULL;
    sqlite3_finalize(extra);
    if (why) {
        sqlite3_finalize(h);
        ck_db_seterr(db, st->sql, "ck_db_prepare: %s", why);
        return CK_DB_ERROR;
    }
    ((sq_stmt *)st)->h = h;
    return CK_DB_OK;
}

static void sq_finalize(ck_stmt *st, bool closing)
{
    (void)closing;
    sqlite3_finalize(handle(st));
}

static bool bound(int rc, const char **why)
{
    if (rc == SQLITE_OK) return true;
    *why = rc == SQLITE_TOOBIG ? "value too large" : "SQLite refused the value";
    return false;
}

static bool sq_bind_null(ck_stmt *st, int i, const char **why)
{
    return bound(sqlite3_bind_null(handle(st), i), why);
}

static bool sq_bind_text(ck_stmt *st, int i, const char *s, size_t n, const char **why)
{
    return bound(sqlite3_bind_text64(handle(st), i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8), why);
}

static bool sq_bind_int(ck_stmt *st, int i, int64_t v, const char **why)
{
    return bound(sqlite3_bind_int64(handle(st), i, v), why);
}

static int sq_step(ck_stmt *st)
{
    if (reading(st->db) && !sqlite3_stmt_readonly(handle(st))) return refuse_write(st->db, st->sql);
    int rc = sqlite3_step(handle(st));
    if (rc == SQLITE_ROW) return CK_DB_ROW;
    if (rc == SQLITE_DONE) return CK_DB_DONE;
    return fail(st->db, st->sql);
}

static int sq_ncols(ck_stmt *st) { return sqlite3_data_count(handle(st)); }
static bool sq_is_null(ck_stmt *st, int col) { return sqlite3_column_type(handle(st), col) == SQLITE_NULL; }
/* sqlite3_column_text gives NULL for NULL (and "" for an empty text). */
static const char *sq_text(ck_stmt *st, int col) { return (const char *)sqlite3_column_text(handle(st), col); }
static int64_t sq_integer(ck_stmt *st, int col) { return sqlite3_column_int64(handle(st), col); }

static void sq_reset(ck_stmt *st)
{
    sqlite3_reset(handle(st));
    sqlite3_clear_bindings(handle(st));
}

const ck_db_driver ck_db_sqlite_driver = {
    .kind = CK_DB_SQLITE,
    .stmt_size = sizeof(sq_stmt),
    .id_type = "INTEGER PRIMARY KEY",
    .blob_type = "BLOB",
    .migrate_lock_sql = NULL,
    .has_table_sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .begin = sq_begin,
    .begin_read = sq_begin_read,
    .end_read = sq_end_read,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_tx = sq_in_tx,
    .ping = sq_ping,
    .changes = sq_changes,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_null = sq_bind_null,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .step = sq_step,
    .ncols = sq_ncols,
    .is_null = sq_is_null,
    .text = sq_text,
    .integer = sq_integer,
    .reset = sq_reset,
};
