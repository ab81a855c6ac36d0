/* ck_db_pg: the PostgreSQL backend of ck_db (see ck_db_int.h), on libpq.
 *
 * One PGconn per ck_db. Statements are prepared once per connection under a
 * name of their own and run with PQsendQueryPrepared in single-row mode, so
 * rows arrive one PGresult at a time and a big SELECT holds one row in
 * memory. The connection carries one query at a time: before any other
 * command, the statement whose rows are still on the wire (d->active) is
 * "parked": its remaining results are read into its own queue, and its later
 * steps come from there. */
#include "ck_db_int.h"
#include "ck_buf.h"
#include "ck_mem.h"
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum pg_phase {
    PG_IDLE,   /* not sent */
    PG_WIRE,   /* sent; results come from the connection */
    PG_PARKED, /* sent; results come from the queue */
    PG_DONE    /* final result seen, connection drained */
} pg_phase;

typedef struct pg_stmt {
    ck_stmt base;
    char name[32];
    unsigned gen;     /* connection generation it was prepared in */
    char **vals;      /* nparams values as text; NULL is SQL NULL */
    PGresult *row;    /* the current row (a PGRES_SINGLE_TUPLE result) */
    PGresult **queue; /* parked results */
    size_t qhead, qlen, qcap;
    pg_phase phase;
} pg_stmt;

typedef struct pg_db {
    ck_db base;
    PGconn *conn;
    pg_stmt *active;   /* the statement whose results are on the wire */
    unsigned gen;      /* bumped by a reconnect, which loses prepared statements */
    unsigned long long names;
    int64_t changes;
    bool tx;           /* a transaction was open when last seen */
} pg_db;

static pg_db *dbof(ck_stmt *st) { return (pg_db *)st->db; }

/* ---- errors ---------------------------------------------------------- */

/* Server errors give the SQLSTATE and the primary message only: DETAIL
 * repeats row and key values. Data exceptions (class 22) quote the
 * offending value in the primary message too ("invalid input syntax for type
 * date: \"...\""), so there quoted text and whatever follows ": " are
 * withheld. libpq's own errors (no SQLSTATE) are about the connection and
 * carry no data. */
static int fail(ck_db *db, const PGresult *r, const char *sql)
{
    pg_db *d = (pg_db *)db;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char text[512];
    if (!state || !msg) {
        const char *raw = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(d->conn);
        ck_db_fold(text, sizeof text, raw);
        ck_db_seterr(db, sql, "PostgreSQL: %s", *text ? text : "unknown error");
        return CK_DB_ERROR;
    }
    if (strncmp(state, "22", 2) == 0) {
        ck_buf b;
        ck_buf_init(&b, sizeof text - 1);
        for (const char *p = msg; *p; p++) {
            if (*p == '"') {
                const char *q = strchr(p + 1, '"');
                ck_buf_puts(&b, "(withheld)");
                if (!q) break;
                p = q;
            } else if (p[0] == ':' && p[1] == ' ') {
                ck_buf_puts(&b, ": (withheld)");
                break;
            } else {
                ck_buf_putc(&b, *p);
            }
        }
        snprintf(text, sizeof text, "%s", ck_buf_cstr(&b));
        ck_buf_free(&b);
    } else {
        ck_db_fold(text, sizeof text, msg);
    }
    ck_db_seterr(db, sql, "PostgreSQL SQLSTATE %s: %s", state, text);
    return strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0 ? CK_DB_CONSTRAINT : CK_DB_ERROR;
}

/* ---- connection ------------------------------------------------------- */

/* ck_db prints nothing: notices ("... does not exist, skipping") are dropped
 * rather than written to stderr by libpq's default processor. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void note_tx(pg_db *d)
{
    PGTransactionStatusType s = PQtransactionStatus(d->conn);
    if (s == PQTRANS_INTRANS || s == PQTRANS_INERROR) d->tx = true;
    else if (s == PQTRANS_IDLE) d->tx = false;
}

static void note_changes(pg_db *d, PGresult *r)
{
    const char *tag = PQcmdStatus(r);
    if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 || strncmp(tag, "DELETE", 6) == 0 ||
        strncmp(tag, "MERGE", 5) == 0)
        d->changes = strtoll(PQcmdTuples(r), NULL, 10);
}

static int session(pg_db *d)
{
    PQsetNoticeProcessor(d->conn, quiet, NULL);
    static const char *sql = "SET DateStyle = ISO; SET client_encoding = 'UTF8'";
    PGresult *r = PQexec(d->conn, sql);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? CK_DB_OK : fail(&d->base, r, sql);
    PQclear(r);
    return rc;
}

static ck_db *pg_open(const char *url, char *err, size_t err_len)
{
    pg_db *d = ck_calloc(1, sizeof *d);
    d->conn = PQconnectdb(url);
    if (PQstatus(d->conn) != CONNECTION_OK) {
        char text[512];
        ck_db_fold(text, sizeof text, PQerrorMessage(d->conn));
        snprintf(err, err_len, "PostgreSQL: cannot connect: %s", text);
    } else if (session(d) != CK_DB_OK) {
        snprintf(err, err_len, "%s", d->base.err);
    } else {
        return &d->base;
    }
    PQfinish(d->conn);
    ck_free(d);
    return NULL;
}

static void pg_close(ck_db *db)
{
    PQfinish(((pg_db *)db)->conn);
    ck_free(db);
}

static void queue_push(pg_stmt *s, PGresult *r)
{
    if (s->qlen == s->qcap) {
        size_t cap = s->qcap ? s->qcap * 2 : 64, bytes;
        if (!ck_mul(cap, sizeof *s->queue, &bytes)) abort();
        s->queue = ck_realloc(s->queue, bytes);
        s->qcap = cap;
    }
    s->queue[s->qlen++] = r;
}

static void queue_free(pg_stmt *s)
{
    for (size_t i = s->qhead; i < s->qlen; i++) PQclear(s->queue[i]);
    ck_free(s->queue);
    s->queue = NULL;
    s->qhead = s->qlen = s->qcap = 0;
}

/* Frees the connection for another command (see the top of the file). */
static void park(pg_db *d)
{
    pg_stmt *a = d->active;
    if (!a) return;
    PGresult *r;
    while ((r = PQgetResult(d->conn)) != NULL) queue_push(a, r);
    a->phase = PG_PARKED;
    d->active = NULL;
    note_tx(d);
}

/* Makes the connection ready for a new command: nothing on the wire, and
 * re-opened if it was lost outside a transaction (inside one, the work is
 * gone and the caller must hear so from the failure, then roll back). */
static int ready(pg_db *d, const char *sql)
{
    park(d);
    if (PQstatus(d->conn) == CONNECTION_OK) return CK_DB_OK;
    if (d->tx) {
        ck_db_seterr(&d->base, sql, "PostgreSQL: the connection was lost inside a transaction");
        return CK_DB_ERROR;
    }
    PQreset(d->conn);
    if (PQstatus(d->conn) != CONNECTION_OK) return fail(&d->base, NULL, sql);
    d->gen++;
    return session(d);
}

/* Runs one command without parameters and checks its result. */
static int run(pg_db *d, const char *sql, PGresult **keep)
{
    if (ready(d, sql) != CK_DB_OK) return CK_DB_ERROR;
    PGresult *r = PQexec(d->conn, sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = CK_DB_OK;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) note_changes(d, r);
    else rc = fail(&d->base, r, sql);
    note_tx(d);
    if (keep && rc == CK_DB_OK) *keep = r;
    else PQclear(r);
    return rc;
}

static int pg_exec(ck_db *db, const char *sql) { return run((pg_db *)db, sql, NULL); }
static int pg_begin(ck_db *db) { return run((pg_db *)db, "BEGIN", NULL); }
/* One snapshot for the whole read, and no row locks or writes in it. */
static int pg_begin_read(ck_db *db)
{
    return run((pg_db *)db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL);
}

static int pg_commit(ck_db *db)
{
    pg_db *d = (pg_db *)db;
    PGresult *r = NULL;
    int rc = run(d, "COMMIT", &r);
    /* COMMIT of a transaction in which a statement failed succeeds and
     * reports ROLLBACK: for the caller that is a failed commit. */
    if (rc == CK_DB_OK && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
        ck_db_seterr(db, NULL, "PostgreSQL: COMMIT rolled back the transaction, a statement in it had failed");
        rc = CK_DB_ERROR;
    }
    PQclear(r);
    if (PQstatus(d->conn) != CONNECTION_OK) d->tx = false;
    return rc;
}

static int pg_rollback(ck_db *db)
{
    pg_db *d = (pg_db *)db;
    park(d);
    if (PQstatus(d->conn) != CONNECTION_OK || PQtransactionStatus(d->conn) == PQTRANS_IDLE) {
        d->tx = false; /* a lost connection took its transaction with it */
        return CK_DB_OK;
    }
    return run(d, "ROLLBACK", NULL);
}

static bool pg_in_tx(ck_db *db)
{
    pg_db *d = (pg_db *)db;
    switch (PQtransactionStatus(d->conn)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
        return true;
    case PQTRANS_IDLE:
        return false;
    default: /* ACTIVE while rows stream; UNKNOWN when the connection is gone */
        return d->tx;
    }
}

static bool pg_ping(ck_db *db) { return run((pg_db *)db, "SELECT 1", NULL) == CK_DB_OK; }
static int64_t pg_changes(ck_db *db) { return ((pg_db *)db)->changes; }

/* ---- statements ------------------------------------------------------- */

static int prepare_on_server(pg_stmt *s)
{
    pg_db *d = dbof(&s->base);
    snprintf(s->name, sizeof s->name, "ck_%llu", ++d->names);
    PGresult *r = PQprepare(d->conn, s->name, s->base.sql, 0, NULL);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? CK_DB_OK : fail(&d->base, r, s->base.sql);
    PQclear(r);
    note_tx(d);
    s->gen = d->gen;
    return rc;
}

static int pg_prepare(ck_stmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    if (ready(dbof(st), st->sql) != CK_DB_OK || prepare_on_server(s) != CK_DB_OK) return CK_DB_ERROR;
    s->vals = ck_calloc(st->nparams ? (size_t)st->nparams : 1, sizeof *s->vals);
    return CK_DB_OK;
}

static PGresult *next_result(pg_stmt *s)
{
    pg_db *d = dbof(&s->base);
    if (s->phase == PG_PARKED) return s->qhead < s->qlen ? s->queue[s->qhead++] : NULL;
    PGresult *r = PQgetResult(d->conn);
    if (!r) {
        d->active = NULL;
        note_tx(d);
    }
    return r;
}

/* Reads and drops what is left of s's results, one at a time (bounded
 * memory), leaving the connection idle. */
static void drain(pg_stmt *s)
{
    PGresult *r;
    if (s->phase == PG_WIRE || s->phase == PG_PARKED)
        while ((r = next_result(s)) != NULL) PQclear(r);
    queue_free(s);
    s->phase = PG_DONE;
}

static void clear_vals(pg_stmt *s)
{
    for (int i = 0; i < s->base.nparams; i++) {
        ck_free(s->vals[i]);
        s->vals[i] = NULL;
    }
}

static void pg_finalize(ck_stmt *st, bool closing)
{
    pg_stmt *s = (pg_stmt *)st;
    pg_db *d = dbof(st);
    PQclear(s->row);
    if (closing) {
        queue_free(s); /* PQfinish drops whatever is still on the wire */
    } else {
        drain(s);
        /* Server memory: an evicted statement is dropped there too. */
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        park(d);
        if (s->gen == d->gen && PQstatus(d->conn) == CONNECTION_OK) PQclear(PQexec(d->conn, sql));
    }
    if (s->vals) clear_vals(s);
    ck_free(s->vals);
}

static bool pg_bind_null(ck_stmt *st, int i, const char **why)
{
    (void)why;
    pg_stmt *s = (pg_stmt *)st;
    ck_free(s->vals[i - 1]);
    s->vals[i - 1] = NULL;
    return true;
}

static bool pg_bind_text(ck_stmt *st, int i, const char *v, size_t n, const char **why)
{
    (void)why;
    pg_stmt *s = (pg_stmt *)st;
    ck_free(s->vals[i - 1]);
    s->vals[i - 1] = ck_strndup(v, n);
    return true;
}

static bool pg_bind_int(ck_stmt *st, int i, int64_t v, const char **why)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return pg_bind_text(st, i, buf, strlen(buf), why);
}

static int pg_step(ck_stmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    pg_db *d = dbof(st);
    PQclear(s->row);
    s->row = NULL;
    if (s->phase == PG_IDLE) {
        if (ready(d, st->sql) != CK_DB_OK) return CK_DB_ERROR;
        if (s->gen != d->gen && prepare_on_server(s) != CK_DB_OK) return CK_DB_ERROR;
        if (!PQsendQueryPrepared(d->conn, s->name, st->nparams, (const char *const *)s->vals, NULL, NULL, 0))
            return fail(&d->base, NULL, st->sql);
        s->phase = PG_WIRE;
        d->active = s;
        if (!PQsetSingleRowMode(d->conn)) {
            drain(s);
            ck_db_seterr(&d->base, st->sql, "PostgreSQL: could not stream rows (single-row mode refused)");
            return CK_DB_ERROR;
        }
    }
    PGresult *r = next_result(s);
    int rc;
    switch (PQresultStatus(r)) {
    case PGRES_SINGLE_TUPLE:
        s->row = r;
        return CK_DB_ROW;
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
        note_changes(d, r);
        rc = CK_DB_DONE;
        break;
    default: /* an error, or the results ended without a final status */
        rc = fail(&d->base, r, st->sql);
        break;
    }
    PQclear(r);
    drain(s);
    return rc;
}

static int pg_ncols(ck_stmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    return s->row ? PQnfields(s->row) : 0;
}

static bool pg_is_null(ck_stmt *st, int col) { return PQgetisnull(((pg_stmt *)st)->row, 0, col); }
static const char *pg_text(ck_stmt *st, int col)
{
    const PGresult *r = ((pg_stmt *)st)->row;
    return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col);
}

static int64_t pg_integer(ck_stmt *st, int col)
{
    const char *v = PQgetvalue(((pg_stmt *)st)->row, 0, col);
    /* Booleans arrive as t/f; ck_db.h promises 1/0 as in SQLite. */
    if (v[0] == 't' && !v[1]) return 1;
    if (v[0] == 'f' && !v[1]) return 0;
    return strtoll(v, NULL, 10);
}

static void pg_reset(ck_stmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    PQclear(s->row);
    s->row = NULL;
    drain(s);
    s->phase = PG_IDLE;
    clear_vals(s);
}

/* ---- COPY FROM STDIN ---------------------------------------------------- */

static int pg_copy_begin(ck_db *db, const char *sql)
{
    pg_db *d = (pg_db *)db;
    if (ready(d, sql) != CK_DB_OK) return CK_DB_ERROR;
    PGresult *r = PQexec(d->conn, sql);
    int rc = PQresultStatus(r) == PGRES_COPY_IN ? CK_DB_OK : fail(db, r, sql);
    PQclear(r);
    note_tx(d);
    return rc;
}

static int pg_copy_data(ck_db *db, const char *buf, size_t n)
{
    pg_db *d = (pg_db *)db;
    /* A blocking connection: 1 once queued (libpq flushes as it fills). */
    while (n) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        if (PQputCopyData(d->conn, buf, chunk) != 1) return fail(db, NULL, "COPY");
        buf += chunk;
        n -= (size_t)chunk;
    }
    return CK_DB_OK;
}

/* sql NULL: abandon the COPY after an error on this side, whose message
 * stays the one ck_db_errmsg gives. */
static int pg_copy_end(ck_db *db, const char *sql)
{
    pg_db *d = (pg_db *)db;
    int rc = sql ? CK_DB_OK : CK_DB_ERROR;
    if (PQputCopyEnd(d->conn, sql ? NULL : "abandoned by the client") != 1 && sql) rc = fail(db, NULL, sql);
    PGresult *r;
    while ((r = PQgetResult(d->conn)) != NULL) {
        if (rc == CK_DB_OK && PQresultStatus(r) != PGRES_COMMAND_OK) rc = fail(db, r, sql);
        else if (rc == CK_DB_OK) note_changes(d, r);
        PQclear(r);
    }
    note_tx(d);
    return rc;
}

const ck_db_driver ck_db_pg_driver = {
    .kind = CK_DB_PG,
    .stmt_size = sizeof(pg_stmt),
    .id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .blob_type = "BYTEA",
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(CAST($1 AS BIGINT))",
    .has_table_sql = "SELECT CAST(to_regclass(CAST($1 AS TEXT)) IS NOT NULL AS INTEGER)",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_tx = pg_in_tx,
    .ping = pg_ping,
    .changes = pg_changes,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_null = pg_bind_null,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .step = pg_step,
    .ncols = pg_ncols,
    .is_null = pg_is_null,
    .text = pg_text,
    .integer = pg_integer,
    .reset = pg_reset,
    .copy_begin = pg_copy_begin,
    .copy_data = pg_copy_data,
    .copy_end = pg_copy_end,
};
