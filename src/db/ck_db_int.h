/* ck_db_int: the contract between ck_db.c and its backends (ck_db_sqlite.c,
 * ck_db_pg.c). Nothing outside src/db/ck_db*.c includes it.
 *
 * ck_db.c owns URL dispatch, the statement cache, placeholder scanning, bind
 * checking, error text and migrations; a backend owns its connection and its
 * statements. A backend's structs embed ck_db / ck_stmt as their first member
 * (the SQLite VFS pattern): the backend allocates its ck_db in open, the
 * common layer allocates stmt_size bytes per statement, and each side reaches
 * its own part with a plain cast. */
#ifndef CK_DB_INT_H
#define CK_DB_INT_H
#include "ck_db.h"

#define CK_DB_ERRMSG_MAX 1024
#define CK_DB_CACHE_BUCKETS 512 /* power of two, twice the cache cap */
#define CK_DB_PTR_SLOTS 64      /* power of two */

typedef struct ck_db_driver ck_db_driver;

typedef enum ck_stmt_state {
    CK_ST_FRESH,   /* binds allowed, not yet stepped */
    CK_ST_RUNNING, /* stepped, rows may follow */
    CK_ST_FINISHED /* done or failed: step repeats last_rc */
} ck_stmt_state;

struct ck_db {
    const ck_db_driver *drv;
    char err[CK_DB_ERRMSG_MAX];
    /* The statement cache: a hash table keyed by SQL text, a by-pointer
     * table for the identity fast path, and a list in recency order (head is
     * the most recently handed out) for eviction. */
    ck_stmt *buckets[CK_DB_CACHE_BUCKETS];
    ck_stmt *by_ptr[CK_DB_PTR_SLOTS];
    ck_stmt *lru_head, *lru_tail;
    size_t nstmt;
    bool read_tx;     /* the open transaction was begun by ck_db_begin_read */
    uint64_t tx_began_us; /* ck_metrics_now_us at the open transaction's begin; 0 when none is timed */
    void *audit_sink; /* ck_db_set_audit_sink */
    ck_db_hook hook;  /* ck_db_set_hook; before_commit NULL when none */
    char *url;        /* as opened, for ck_db_open_again */
};

struct ck_stmt {
    ck_db *db;
    char *sql;         /* owned copy of the caller's text ($N placeholders): the key */
    const char *key;   /* the caller's pointer when last handed out */
    uint64_t hash;
    int nparams;       /* highest $N */
    bool busy;         /* handed out and not yet reset */
    ck_stmt_state state;
    int last_rc;       /* when FINISHED */
    int bind_err;      /* first bad parameter number, 0 when none */
    const char *bind_why;
    ck_stmt *chain;    /* hash bucket */
    ck_stmt *prev, *next; /* recency list */
};

struct ck_db_driver {
    ck_db_backend kind;
    size_t stmt_size;
    const char *id_type, *blob_type; /* migration tokens {{ID}}, {{BLOB}} */
    /* Takes the migration lock inside a transaction ($1 the key); NULL when
     * ck_db_begin_write already holds it. */
    const char *migrate_lock_sql;
    /* One row, one integer column: 1 when table $1 exists, else 0. */
    const char *has_table_sql;
    /* Returns the backend's ck_db (zeroed common part) or NULL with err. */
    ck_db *(*open)(const char *target, char *err, size_t err_len);
    void (*close)(ck_db *db); /* every statement is finalized first */
    int (*exec)(ck_db *db, const char *sql);
    int (*begin)(ck_db *db);      /* a write transaction */
    int (*begin_read)(ck_db *db); /* a snapshot read-only transaction */
    void (*end_read)(ck_db *db);  /* after a read transaction ended; may be NULL */
    int (*commit)(ck_db *db);
    int (*rollback)(ck_db *db);
    bool (*in_tx)(ck_db *db);
    bool (*ping)(ck_db *db);
    int64_t (*changes)(ck_db *db);
    /* st->sql, st->nparams are set; prepares the backend's part. */
    int (*prepare)(ck_stmt *st);
    /* closing: the connection is about to go, skip server round trips. */
    void (*finalize)(ck_stmt *st, bool closing);
    /* Indexes are checked by the caller (1..nparams). Return false when the
     * backend refuses the value (too big), with a static reason in *why. */
    bool (*bind_null)(ck_stmt *st, int i, const char **why);
    bool (*bind_text)(ck_stmt *st, int i, const char *s, size_t n, const char **why);
    bool (*bind_int)(ck_stmt *st, int i, int64_t v, const char **why);
    int (*step)(ck_stmt *st);
    int (*ncols)(ck_stmt *st);
    bool (*is_null)(ck_stmt *st, int col); /* col is checked by the caller */
    /* NULL for NULL: one call where asking is_null first cost as much again
     * (a recompute reads millions of columns). */
    const char *(*text)(ck_stmt *st, int col);
    int64_t (*integer)(ck_stmt *st, int col); /* 0 for NULL */
    void (*reset)(ck_stmt *st); /* drops rows and binds */
    /* COPY FROM STDIN (sql the whole command), its data in any pieces, its
     * end and outcome. NULL when the backend has none: ck_copy then steps a
     * one-row INSERT. */
    int (*copy_begin)(ck_db *db, const char *sql);
    int (*copy_data)(ck_db *db, const char *buf, size_t n);
    int (*copy_end)(ck_db *db, const char *sql);
};

extern const ck_db_driver ck_db_sqlite_driver;
extern const ck_db_driver ck_db_pg_driver;

/* ck_db_checkpointer_start for an SQLite file (ck_db_sqlite.c): path as in
 * the URL after "sqlite:". */
ck_db_checkpointer *ck_db_sqlite_checkpointer_start(const char *path, int pages, int max_mib, char *err,
                                                    size_t err_len);
void ck_db_sqlite_checkpointer_stop(ck_db_checkpointer *c);
void ck_db_sqlite_checkpointer_counts(ck_db_checkpointer *c, uint64_t *passive, uint64_t *truncated);

/* Sets db->err: the formatted text, then " [SQL: ...]" with the start of sql
 * (whitespace folded) when sql is not NULL. */
void ck_db_seterr(ck_db *db, const char *sql, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copies in to out (room bytes, room > 0) with runs of whitespace folded to
 * one space and the ends trimmed, so multi-line text reads on one line.
 * Returns false when it had to cut. */
bool ck_db_fold(char *out, size_t room, const char *in);

/* Scans SQL for $N placeholders outside string literals, quoted identifiers,
 * comments and dollar-quoted bodies. Returns the highest N (0 when none), or
 * -1 when a placeholder is $0 or too large. When out is not NULL (strlen(sql)
 * + 1 bytes) it gets the text with each such $N written ?N (same length). */
int ck_db_scan_params(const char *sql, char *out);

#endif
