/* ck_db_sqlite: the SQLite backend of ck_db (see ck_db_int.h). */
#include "ck_db_int.h"
#include "ck_mem.h"
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    ck_db_checkpointer *ckpt;   /* the checkpointer its commits tell, holding a reference; NULL: SQLite's own */
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

/* ---- The checkpointer (ck_db.h) -------------------------------------------------------- */

struct ck_db_checkpointer {
    char *path;       /* the file, resolved; NULL for a handle that does nothing */
    sqlite3 *h;       /* its own connection, used by its thread only */
    pthread_t thread;
    pthread_mutex_t mu; /* guards what follows, but refs and next (ckpt_mu) */
    pthread_cond_t work;
    int pages;      /* frames not yet copied that start a checkpoint */
    int max_frames; /* the WAL's bound, in frames */
    int64_t max_bytes; /* the same in bytes */
    int frames;     /* the WAL's length after the latest commit through any attached connection */
    int copied;     /* frames the latest checkpoint had copied (the WAL starts over below it) */
    bool stop;
    uint64_t passive, truncated;
    int refs;                  /* the thread's, and one per attached connection; under ckpt_mu */
    ck_db_checkpointer *next;  /* the running ones, under ckpt_mu */
};

/* The checkpointers running in this process, by file: a connection opened on
 * one of their files attaches to it. */
static pthread_mutex_t ckpt_mu = PTHREAD_MUTEX_INITIALIZER;
static ck_db_checkpointer *ckpt_running;

/* The file a path names, so that two spellings of it attach alike; the path
 * itself when it cannot be resolved (not created yet). Owned by the caller. */
static char *resolve(const char *path)
{
    char *r = realpath(path, NULL);
    if (r) {
        char *out = ck_strdup(r);
        free(r);
        return out;
    }
    return ck_strdup(path);
}

/* Whether enough frames wait to be copied. Below `copied` the WAL has
 * started over (a writer found every frame copied): count from 0. */
static bool ckpt_due(const ck_db_checkpointer *c)
{
    int base = c->frames < c->copied ? 0 : c->copied;
    return c->frames - base >= c->pages;
}

/* SQLite calls this after each commit of an attached connection, outside
 * its locks, with the WAL's length; instead of checkpointing there (SQLite's
 * default hook), wake the checkpointer. */
static int ckpt_hook(void *arg, sqlite3 *h, const char *schema, int frames)
{
    (void)h;
    (void)schema;
    ck_db_checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    c->frames = frames;
    if (ckpt_due(c)) pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

static void checkpointer_attach(sq_db *d, const char *path)
{
    pthread_mutex_lock(&ckpt_mu);
    if (!ckpt_running) {
        pthread_mutex_unlock(&ckpt_mu);
        return;
    }
    char *file = resolve(path);
    ck_db_checkpointer *c = ckpt_running;
    while (c && strcmp(c->path, file) != 0) c = c->next;
    if (c) {
        c->refs++;
        d->ckpt = c;
        /* Replaces SQLite's automatic checkpoint, which is this hook's default. */
        sqlite3_wal_hook(d->h, ckpt_hook, c);
        /* When a commit starts the WAL over, it cuts the file back to the
         * bound: the file does not keep a burst's length. */
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA journal_size_limit = %lld", (long long)c->max_bytes);
        sqlite3_exec(d->h, sql, NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&ckpt_mu);
    ck_free(file);
}

static void checkpointer_release(ck_db_checkpointer *c)
{
    if (!c) return;
    pthread_mutex_lock(&ckpt_mu);
    bool last = --c->refs == 0;
    pthread_mutex_unlock(&ckpt_mu);
    if (!last) return;
    pthread_cond_destroy(&c->work);
    pthread_mutex_destroy(&c->mu);
    ck_free(c->path);
    ck_free(c);
}

/* How soon the checkpointer tries again when its last pass left work (a
 * reader still needed frames, or the TRUNCATE at the bound found a writer or
 * a reader in the way), whether or not anything was committed since. */
#define CKPT_RETRY_MS 50

/* How long the TRUNCATE at the bound waits for the write lock and for
 * readers still on the WAL's frames (each a few milliseconds in a server),
 * holding writers back meanwhile; a longer reader (a report) makes it give up
 * until the next try instead of stalling the writers behind it. */
#define CKPT_BUSY_MS 20

/* One pass; true when it left nothing to do. PASSIVE copies what no reader
 * still needs from the WAL, beside the writers and readers, and syncs the WAL
 * then the database file. The WAL starts over only when a writer's own
 * transaction began with every frame copied and no reader is on the WAL:
 * under a steady stream of commits (the audit appender's) and reads that is
 * almost never (with SQLite's own checkpoints it happened because the
 * committing writer stalled for the copy and its fsyncs, long enough for the
 * readers to leave). So past the bound, TRUNCATE: it holds writers back while
 * it copies the frames committed since the PASSIVE pass and waits for the
 * readers on older frames, then empties the file. */
static bool ckpt_pass(ck_db_checkpointer *c, int *log, int *done, bool *truncated)
{
    *truncated = false;
    int rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, log, done);
    if (rc != SQLITE_OK || *log < 0 || *done < *log) return false;
    if (*log < c->max_frames) return true;
    rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, log, done);
    *truncated = rc == SQLITE_OK;
    return rc == SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
    ck_db_checkpointer *c = arg;
    bool again = false; /* the last pass left work */
    pthread_mutex_lock(&c->mu);
    for (;;) {
        if (again) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += CKPT_RETRY_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            while (!c->stop && pthread_cond_timedwait(&c->work, &c->mu, &until) == 0) {}
        } else {
            while (!c->stop && !ckpt_due(c)) pthread_cond_wait(&c->work, &c->mu);
        }
        if (c->stop) break;
        pthread_mutex_unlock(&c->mu);
        int log = -1, done = -1;
        bool truncated;
        bool finished = ckpt_pass(c, &log, &done, &truncated);
        pthread_mutex_lock(&c->mu);
        c->passive++;
        c->truncated += truncated;
        if (log >= 0) c->frames = log;
        c->copied = done >= 0 ? done : c->frames;
        again = !finished && c->frames >= c->pages;
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

ck_db_checkpointer *ck_db_sqlite_checkpointer_start(const char *path, int pages, int max_mib, char *err,
                                                    size_t err_len)
{
    ck_db_checkpointer *c = ck_calloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->work, NULL);
    c->refs = 1;
    /* In memory, or told not to: SQLite's automatic checkpoints as before. */
    if (!path || !*path || strcmp(path, ":memory:") == 0 || pages <= 0) return c;
    c->pages = pages;
    c->path = resolve(path);
    int rc = sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    sqlite3_stmt *st = NULL;
    int page = 0;
    /* Reading the journal mode opens the connection's WAL: until then a
     * checkpoint through it does nothing (and says -1 frames). */
    if (rc == SQLITE_OK) rc = sqlite3_exec(c->h, "PRAGMA journal_mode", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(c->h, "PRAGMA page_size", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) page = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK || page <= 0) {
        snprintf(err, err_len, "SQLite checkpointer: cannot open %s: %s", path,
                 c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(c->h, CKPT_BUSY_MS);
    c->max_bytes = (int64_t)(max_mib > 0 ? max_mib : 1) << 20;
    int64_t frames = c->max_bytes / (page + 24); /* a frame: 24 bytes of header */
    c->max_frames = frames > INT_MAX ? INT_MAX : (int)frames;
    pthread_mutex_lock(&ckpt_mu);
    for (ck_db_checkpointer *o = ckpt_running; o; o = o->next)
        if (strcmp(o->path, c->path) == 0) {
            pthread_mutex_unlock(&ckpt_mu);
            snprintf(err, err_len, "SQLite checkpointer: one already runs for %s", path);
            goto fail;
        }
    int trc = pthread_create(&c->thread, NULL, checkpointer_main, c);
    if (trc != 0) {
        pthread_mutex_unlock(&ckpt_mu);
        snprintf(err, err_len, "SQLite checkpointer: cannot start its thread: %s", strerror(trc));
        goto fail;
    }
    c->next = ckpt_running;
    ckpt_running = c;
    pthread_mutex_unlock(&ckpt_mu);
    return c;
fail:
    sqlite3_close(c->h);
    c->h = NULL;
    ck_free(c->path);
    c->path = NULL;
    checkpointer_release(c);
    return NULL;
}

void ck_db_sqlite_checkpointer_stop(ck_db_checkpointer *c)
{
    if (!c) return;
    if (c->path) {
        /* No connection opened from now on attaches; those attached keep
         * their reference (their hook's argument) until they close. */
        pthread_mutex_lock(&ckpt_mu);
        for (ck_db_checkpointer **p = &ckpt_running; *p; p = &(*p)->next)
            if (*p == c) {
                *p = c->next;
                break;
            }
        pthread_mutex_unlock(&ckpt_mu);
        pthread_mutex_lock(&c->mu);
        c->stop = true;
        pthread_cond_signal(&c->work);
        pthread_mutex_unlock(&c->mu);
        pthread_join(c->thread, NULL);
        sqlite3_close(c->h);
    }
    checkpointer_release(c);
}

void ck_db_sqlite_checkpointer_counts(ck_db_checkpointer *c, uint64_t *passive, uint64_t *truncated)
{
    pthread_mutex_lock(&c->mu);
    *passive = c->passive;
    *truncated = c->truncated;
    pthread_mutex_unlock(&c->mu);
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
    if (rc == SQLITE_OK) {
        checkpointer_attach(d, path);
        return &d->base;
    }
    sqlite3_close(d->h);
    ck_free(d);
    return NULL;
}

static void sq_close(ck_db *db)
{
    sq_db *d = (sq_db *)db;
    for (int i = 0; i < SQ_NCTL; i++) sqlite3_finalize(d->ctl[i]);
    sqlite3_close(conn(db));
    checkpointer_release(d->ckpt);
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
