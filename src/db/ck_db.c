/* ck_db: URL dispatch, the per-connection statement cache, placeholder
 * scanning, bind checking and migrations, over the backends of ck_db_int.h. */
#include "ck_db_int.h"
#include "ck_buf.h"
#include "ck_embedded.h"
#include "ck_mem.h"
#include "ck_str.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CK_DB_CACHE_MAX 256      /* idle statements kept per connection */
#define CK_DB_MAX_PARAMS 65535   /* PostgreSQL's wire limit; SQLite's is lower and it says so */
#define CK_DB_SQL_SNIPPET 120    /* bytes of SQL quoted in an error */
#define CK_DB_MIGRATIONS_DIR "src/db/migrations/"
/* pg_advisory_xact_lock key shared by every Casekeeper migration runner:
 * the bytes of "CkMigrat". */
#define CK_DB_MIGRATE_LOCK_KEY INT64_C(0x436b4d6967726174)

/* ---- errors ---------------------------------------------------------- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool ck_db_fold(char *out, size_t room, const char *in)
{
    size_t len = 0;
    bool space = false;
    const char *p = in;
    while (is_space(*p)) p++;
    for (; *p; p++) {
        if (is_space(*p)) { space = true; continue; }
        if (len + (space ? 2 : 1) >= room) break;
        if (space) out[len++] = ' ';
        space = false;
        out[len++] = *p;
    }
    out[len] = '\0';
    while (is_space(*p)) p++;
    return *p == '\0';
}

void ck_db_seterr(ck_db *db, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
    if (!sql) return;
    char snippet[CK_DB_SQL_SNIPPET + 1];
    bool whole = ck_db_fold(snippet, sizeof snippet, sql);
    size_t len = strlen(db->err);
    snprintf(db->err + len, sizeof db->err - len, " [SQL: %s%s]", snippet, whole ? "" : "...");
}

/* ---- placeholders ---------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80;
}
/* Both lexers accept $ inside an identifier: "a$1" is a name, not a$ + $1. */
static bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

/* Returns the index just past a quoted run that starts at sql[i] (the quote),
 * where a doubled quote stands for itself; backslash escapes when esc. */
static size_t skip_quoted(const char *sql, size_t n, size_t i, char q, bool esc)
{
    for (i++; i < n; i++) {
        if (esc && sql[i] == '\\' && i + 1 < n) { i++; continue; }
        if (sql[i] != q) continue;
        if (sql[i + 1] != q) return i + 1;
        i++;
    }
    return n;
}

/* PostgreSQL nests block comments; SQLite does not, but SQL that is valid
 * on both never nests, so following PostgreSQL loses nothing. */
static size_t skip_block_comment(const char *sql, size_t n, size_t i)
{
    int depth = 0;
    while (i < n) {
        if (sql[i] == '/' && sql[i + 1] == '*') { depth++; i += 2; continue; }
        if (sql[i] == '*' && sql[i + 1] == '/') {
            i += 2;
            if (--depth == 0) return i;
            continue;
        }
        i++;
    }
    return n;
}

/* sql[i] is '$' not inside a name. A PostgreSQL dollar quote $tag$...$tag$
 * returns the index past its end; anything else returns i. */
static size_t skip_dollar_quote(const char *sql, size_t n, size_t i)
{
    size_t j = i + 1;
    if (sql[j] != '$') {
        if (!is_ident_start(sql[j])) return i;
        while (j < n && (is_ident_start(sql[j]) || is_digit(sql[j]))) j++;
        if (sql[j] != '$') return i;
    }
    size_t taglen = j - i + 1;
    const char *end = NULL;
    for (const char *p = sql + j + 1; (p = strchr(p, '$')) != NULL; p++) {
        if (strncmp(p, sql + i, taglen) == 0) { end = p; break; }
    }
    return end ? (size_t)(end - sql) + taglen : n;
}

int ck_db_scan_params(const char *sql, char *out)
{
    size_t n = strlen(sql);
    if (out) memcpy(out, sql, n + 1);
    int max = 0;
    size_t i = 0;
    while (i < n) {
        char c = sql[i];
        if (c == '\'') {
            bool esc = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !is_ident_char(sql[i - 2]));
            i = skip_quoted(sql, n, i, '\'', esc);
        } else if (c == '"') {
            i = skip_quoted(sql, n, i, '"', false);
        } else if (c == '-' && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n') i++;
        } else if (c == '/' && sql[i + 1] == '*') {
            i = skip_block_comment(sql, n, i);
        } else if (c == '$' && (i == 0 || !is_ident_char(sql[i - 1]))) {
            if (!is_digit(sql[i + 1])) {
                size_t j = skip_dollar_quote(sql, n, i);
                i = j > i ? j : i + 1;
                continue;
            }
            long v = 0;
            size_t j = i + 1;
            for (; is_digit(sql[j]); j++) {
                v = v * 10 + (sql[j] - '0');
                if (v > CK_DB_MAX_PARAMS) return -1;
            }
            if (v == 0) return -1;
            if (v > max) max = (int)v;
            if (out) out[i] = '?';
            i = j;
        } else {
            i++;
        }
    }
    return max;
}

/* ---- open / close ---------------------------------------------------- */

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

ck_db *ck_db_open(const char *url, char *err, size_t err_len)
{
    char scratch[1];
    if (!err || !err_len) { err = scratch; err_len = sizeof scratch; }
    err[0] = '\0';
    if (!url || !*url) {
        snprintf(err, err_len, "database URL is empty: expected sqlite:PATH or postgresql://...");
        return NULL;
    }
    const ck_db_driver *drv;
    const char *target;
    if (starts(url, "sqlite:")) {
        drv = &ck_db_sqlite_driver;
        target = url + strlen("sqlite:");
    } else if (starts(url, "postgresql://") || starts(url, "postgres://")) {
        drv = &ck_db_pg_driver;
        target = url;
    } else {
        /* Quote only the scheme: the rest of a URL may hold a password. */
        const char *colon = strchr(url, ':');
        int k = colon ? (int)(colon - url) : 0;
        snprintf(err, err_len, "database URL must start with sqlite: or postgresql:// (scheme \"%.*s\")",
                 k > 20 ? 20 : k, url);
        return NULL;
    }
    uint64_t t0 = ck_metrics_now_us();
    ck_db *db = drv->open(target, err, err_len);
    ck_histogram_observe(&ck_db_stats.connect_seconds, ck_metrics_since_us(t0));
    if (db) {
        db->drv = drv;
        db->url = ck_strdup(url);
    }
    return db;
}

ck_db *ck_db_open_again(const ck_db *db, char *err, size_t err_len)
{
    const char *target = db->url + (db->drv->kind == CK_DB_SQLITE ? strlen("sqlite:") : 0);
    /* Each in-memory SQLite connection is a database of its own. */
    if (db->drv->kind == CK_DB_SQLITE && (strcmp(target, ":memory:") == 0 || !*target)) {
        snprintf(err, err_len, "an in-memory SQLite database has no second connection");
        return NULL;
    }
    return ck_db_open(db->url, err, err_len);
}

ck_db_checkpointer *ck_db_checkpointer_start(const char *url, int pages, int max_mib, char *err, size_t err_len)
{
    /* Only an SQLite file has a WAL to checkpoint; anything else gets a
     * handle that does nothing. */
    const char *path = url && starts(url, "sqlite:") ? url + strlen("sqlite:") : NULL;
    return ck_db_sqlite_checkpointer_start(path, pages, max_mib, err, err_len);
}

void ck_db_checkpointer_stop(ck_db_checkpointer *c) { ck_db_sqlite_checkpointer_stop(c); }

void ck_db_checkpointer_counts(ck_db_checkpointer *c, uint64_t *passive, uint64_t *truncated)
{
    ck_db_sqlite_checkpointer_counts(c, passive, truncated);
}

static void list_unlink(ck_db *db, ck_stmt *st)
{
    if (st->prev) st->prev->next = st->next; else db->lru_head = st->next;
    if (st->next) st->next->prev = st->prev; else db->lru_tail = st->prev;
    st->prev = st->next = NULL;
}

static void list_push(ck_db *db, ck_stmt *st)
{
    st->prev = NULL;
    st->next = db->lru_head;
    if (db->lru_head) db->lru_head->prev = st; else db->lru_tail = st;
    db->lru_head = st;
}

static size_t ptr_slot(const char *p)
{
    uintptr_t u = (uintptr_t)p;
    return (size_t)((u >> 3) ^ (u >> 11)) & (CK_DB_PTR_SLOTS - 1);
}

static void stmt_destroy(ck_stmt *st, bool closing)
{
    ck_db *db = st->db;
    ck_stmt **pp = &db->buckets[st->hash & (CK_DB_CACHE_BUCKETS - 1)];
    while (*pp != st) pp = &(*pp)->chain;
    *pp = st->chain;
    for (size_t i = 0; i < CK_DB_PTR_SLOTS; i++)
        if (db->by_ptr[i] == st) db->by_ptr[i] = NULL;
    list_unlink(db, st);
    db->drv->finalize(st, closing);
    db->nstmt--;
    ck_free(st->sql);
    ck_free(st);
}

void ck_db_close(ck_db *db)
{
    if (!db) return;
    while (db->lru_head) stmt_destroy(db->lru_head, true);
    if (db->hook.destroy) db->hook.destroy(db->hook.ctx);
    char *url = db->url;
    db->drv->close(db);
    ck_free(url);
}

ck_db_backend ck_db_kind(const ck_db *db) { return db->drv->kind; }
const char *ck_db_errmsg(const ck_db *db) { return db ? db->err : "no database connection"; }
bool ck_db_ping(ck_db *db) { return db && db->drv->ping(db); }
ck_db_metrics ck_db_stats = {
    .tx_seconds = {CK_HISTOGRAM_INIT(ck_metrics_seconds), CK_HISTOGRAM_INIT(ck_metrics_seconds)},
    .begin_wait_seconds = CK_HISTOGRAM_INIT(ck_metrics_seconds),
    .connect_seconds = CK_HISTOGRAM_INIT(ck_metrics_seconds),
};

int ck_db_begin_write(ck_db *db)
{
    uint64_t t0 = ck_metrics_now_us();
    int rc = db->drv->begin(db);
    ck_histogram_observe(&ck_db_stats.begin_wait_seconds, ck_metrics_since_us(t0));
    db->tx_began_us = rc == CK_DB_OK ? ck_metrics_now_us() : 0;
    return rc;
}

int ck_db_begin_read(ck_db *db)
{
    int rc = db->drv->begin_read(db);
    db->read_tx = rc == CK_DB_OK;
    db->tx_began_us = rc == CK_DB_OK ? ck_metrics_now_us() : 0;
    return rc;
}

/* Called once the transaction is over, whichever way it ended: counted
 * once (a failed commit is counted by the rollback that follows it). */
static void tx_ended(ck_db *db, ck_db_tx_end how)
{
    if (db->drv->in_tx(db)) return;
    ck_db_tx_kind kind = db->read_tx ? CK_DB_TX_READ : CK_DB_TX_WRITE;
    if (db->tx_began_us) {
        ck_counter_add(&ck_db_stats.tx[kind][how], 1);
        ck_histogram_observe(&ck_db_stats.tx_seconds[kind], ck_metrics_since_us(db->tx_began_us));
        db->tx_began_us = 0;
    }
    if (!db->read_tx) return;
    db->read_tx = false;
    if (db->drv->end_read) db->drv->end_read(db);
}

static void hook_ended(ck_db *db)
{
    if (db->hook.ended) db->hook.ended(db->hook.ctx);
}

int ck_db_commit(ck_db *db)
{
    if (db->hook.before_commit && db->drv->in_tx(db) && !db->read_tx &&
        db->hook.before_commit(db, db->hook.ctx) != CK_DB_OK) {
        char why[CK_DB_ERRMSG_MAX];
        snprintf(why, sizeof why, "%s", db->err);
        db->drv->rollback(db);
        tx_ended(db, CK_DB_TX_ROLLBACK);
        hook_ended(db);
        snprintf(db->err, sizeof db->err, "%s", why);
        return CK_DB_ERROR;
    }
    int rc = db->drv->commit(db);
    if (rc == CK_DB_OK) tx_ended(db, CK_DB_TX_COMMIT);
    else if (!db->drv->in_tx(db)) tx_ended(db, CK_DB_TX_ROLLBACK); /* the failed commit rolled it back */
    /* The queued events went with the commit, or with the rollback a failed
     * commit made; a transaction still open keeps them for its rollback. */
    if (!db->drv->in_tx(db)) hook_ended(db);
    return rc;
}

int ck_db_rollback(ck_db *db)
{
    int rc = db->drv->rollback(db);
    tx_ended(db, CK_DB_TX_ROLLBACK);
    hook_ended(db);
    return rc;
}

void ck_db_set_hook(ck_db *db, const ck_db_hook *h)
{
    if (h) db->hook = *h;
    else memset(&db->hook, 0, sizeof db->hook);
}

void *ck_db_hook_ctx(const ck_db *db) { return db->hook.ctx; }

bool ck_db_in_tx(ck_db *db) { return db->drv->in_tx(db); }
bool ck_db_in_read_tx(ck_db *db) { return db->read_tx && db->drv->in_tx(db); }
void ck_db_set_audit_sink(ck_db *db, void *sink) { db->audit_sink = sink; }
void *ck_db_audit_sink(const ck_db *db) { return db->audit_sink; }
int64_t ck_db_changes(ck_db *db) { return db->drv->changes(db); }

int ck_db_exec(ck_db *db, const char *sql)
{
    if (!sql) { ck_db_seterr(db, NULL, "ck_db_exec: no SQL"); return CK_DB_ERROR; }
    return db->drv->exec(db, sql);
}

/* ---- bulk rows --------------------------------------------------------- */

#define CK_COPY_FLUSH (256 * 1024) /* bytes of COPY data sent at a time */

struct ck_copy {
    ck_db *db;
    char *sql;     /* the COPY or INSERT text, for errors */
    bool insert;   /* no COPY: a one-row INSERT per row */
    ck_stmt *st;   /* the INSERT of the current row, from the statement cache */
    ck_buf data;   /* with COPY: rows not yet sent */
    int ncols, col; /* values given in the current row */
    int rc;        /* the first failure */
};

static void put_ident(ck_buf *b, const char *name)
{
    ck_buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"') ck_buf_putc(b, '"');
        ck_buf_putc(b, *p);
    }
    ck_buf_putc(b, '"');
}

ck_copy *ck_copy_begin(ck_db *db, const char *table, const char *const *cols, int ncols)
{
    bool copy = db->drv->copy_begin != NULL;
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, copy ? "COPY " : "INSERT INTO ");
    put_ident(&b, table);
    ck_buf_puts(&b, " (");
    for (int i = 0; i < ncols; i++) {
        if (i) ck_buf_puts(&b, ", ");
        put_ident(&b, cols[i]);
    }
    if (copy) {
        ck_buf_puts(&b, ") FROM STDIN");
    } else {
        ck_buf_puts(&b, ") VALUES (");
        for (int i = 0; i < ncols; i++) ck_buf_printf(&b, "%s$%d", i ? ", " : "", i + 1);
        ck_buf_putc(&b, ')');
    }
    ck_copy *c = ck_calloc(1, sizeof *c);
    c->db = db;
    c->sql = ck_buf_steal(&b);
    c->ncols = ncols;
    c->insert = !copy;
    /* The INSERT is prepared now to report bad SQL at once, and handed back
     * to the cache after each row (the pointer makes finding it again cheap). */
    if (copy ? db->drv->copy_begin(db, c->sql) == CK_DB_OK : (c->st = ck_db_prepare(db, c->sql)) != NULL) return c;
    ck_free(c->sql);
    ck_free(c);
    return NULL;
}

/* Appends one COPY text-format value: tab-separated, \N for NULL, and the
 * bytes COPY reads as separators or escapes written as escapes. */
static void copy_put(ck_copy *c, const char *s)
{
    ck_buf *b = &c->data;
    if (c->col++) ck_buf_putc(b, '\t');
    if (!s) {
        ck_buf_puts(b, "\\N");
        return;
    }
    for (const char *p = s;; p++) {
        size_t run = strcspn(p, "\\\t\n\r");
        ck_buf_append(b, p, run);
        p += run;
        if (!*p) break;
        ck_buf_putc(b, '\\');
        ck_buf_putc(b, *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : '\\');
    }
}

/* The INSERT to bind the current row's values to, or NULL for COPY. */
static ck_stmt *row_stmt(ck_copy *c)
{
    if (c->insert && !c->st) c->st = ck_db_prepare(c->db, c->sql);
    return c->st;
}

void ck_copy_null(ck_copy *c)
{
    if (row_stmt(c)) ck_stmt_bind_null(c->st, ++c->col);
    else if (!c->insert) copy_put(c, NULL);
}

void ck_copy_text(ck_copy *c, const char *s)
{
    if (row_stmt(c)) ck_stmt_bind_text(c->st, ++c->col, s);
    else if (!c->insert) copy_put(c, s);
}

void ck_copy_int(ck_copy *c, int64_t v)
{
    if (c->insert) {
        if (row_stmt(c)) ck_stmt_bind_int(c->st, ++c->col, v);
        return;
    }
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    copy_put(c, buf);
}

void ck_copy_date(ck_copy *c, ck_date d)
{
    char buf[CK_DATE_STRLEN];
    ck_copy_text(c, d == CK_NODATE ? NULL : ck_date_fmt(d, buf));
}

int ck_copy_row(ck_copy *c)
{
    if (c->insert && !row_stmt(c) && c->rc == CK_DB_OK) c->rc = CK_DB_ERROR; /* the cache could not prepare it */
    if (c->rc != CK_DB_OK) {
        c->col = 0;
        ck_stmt_reset(c->st);
        c->st = NULL;
        return c->rc;
    }
    if (c->col != c->ncols) {
        ck_db_seterr(c->db, c->sql, "ck_copy_row: %d values for %d columns", c->col, c->ncols);
        c->rc = CK_DB_ERROR;
    } else if (c->st) {
        int rc = ck_stmt_step(c->st);
        if (rc != CK_DB_DONE) c->rc = rc < 0 ? rc : CK_DB_ERROR;
    } else {
        ck_buf_putc(&c->data, '\n');
        if (c->data.len >= CK_COPY_FLUSH) {
            c->rc = c->db->drv->copy_data(c->db, c->data.data, c->data.len);
            ck_buf_reset(&c->data);
        }
    }
    c->col = 0;
    ck_stmt_reset(c->st);
    c->st = NULL;
    return c->rc;
}

int ck_copy_end(ck_copy *c)
{
    if (!c) return CK_DB_ERROR;
    int rc = c->rc;
    if (c->insert) {
        ck_stmt_reset(c->st);
    } else {
        /* The command is ended whatever happened, so the connection is
         * usable again (for the rollback). */
        if (rc == CK_DB_OK && c->data.len) rc = c->db->drv->copy_data(c->db, c->data.data, c->data.len);
        int end = c->db->drv->copy_end(c->db, rc == CK_DB_OK ? c->sql : NULL);
        if (rc == CK_DB_OK) rc = end;
    }
    ck_buf_free(&c->data);
    ck_free(c->sql);
    ck_free(c);
    return rc;
}

/* ---- the statement cache --------------------------------------------- */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (; *s; s++) h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

static ck_stmt *hand_out(ck_db *db, ck_stmt *st, const char *sql)
{
    st->busy = true;
    st->key = sql;
    db->by_ptr[ptr_slot(sql)] = st;
    list_unlink(db, st);
    list_push(db, st);
    return st;
}

static void evict(ck_db *db)
{
    ck_stmt *st = db->lru_tail;
    while (st && db->nstmt > CK_DB_CACHE_MAX) {
        ck_stmt *prev = st->prev;
        if (!st->busy) stmt_destroy(st, false);
        st = prev;
    }
}

ck_stmt *ck_db_prepare(ck_db *db, const char *sql)
{
    if (!sql) { ck_db_seterr(db, NULL, "ck_db_prepare: no SQL"); return NULL; }
    /* Identity fast path: the same literal comes back on every call. The
     * text is still compared, because a heap buffer freed and reused at the
     * same address may hold other SQL; what the path saves is the hash and
     * the chain walk. */
    ck_stmt *st = db->by_ptr[ptr_slot(sql)];
    if (st && st->key == sql && !st->busy && strcmp(st->sql, sql) == 0) return hand_out(db, st, sql);

    uint64_t h = fnv1a(sql);
    ck_stmt **bucket = &db->buckets[h & (CK_DB_CACHE_BUCKETS - 1)];
    for (st = *bucket; st; st = st->chain)
        if (st->hash == h && !st->busy && strcmp(st->sql, sql) == 0) return hand_out(db, st, sql);

    int nparams = ck_db_scan_params(sql, NULL);
    if (nparams < 0) {
        ck_db_seterr(db, sql, "placeholders run from $1 to $%d", CK_DB_MAX_PARAMS);
        return NULL;
    }
    st = ck_calloc(1, db->drv->stmt_size);
    st->db = db;
    st->sql = ck_strdup(sql);
    st->hash = h;
    st->nparams = nparams;
    if (db->drv->prepare(st) != CK_DB_OK) {
        ck_free(st->sql);
        ck_free(st);
        return NULL;
    }
    st->chain = *bucket;
    *bucket = st;
    list_push(db, st);
    db->nstmt++;
    hand_out(db, st, sql);
    evict(db);
    return st;
}

void ck_stmt_reset(ck_stmt *st)
{
    if (!st) return;
    st->db->drv->reset(st);
    st->state = CK_ST_FRESH;
    st->bind_why = NULL;
    st->bind_err = 0;
    st->busy = false;
}

/* ---- binds ----------------------------------------------------------- */

static bool bind_check(ck_stmt *st, int i)
{
    if (!st || st->bind_why) return false;
    st->bind_err = i;
    if (st->state != CK_ST_FRESH) st->bind_why = "bound after a step without ck_stmt_reset";
    else if (i < 1 || i > st->nparams) st->bind_why = "no such placeholder";
    return st->bind_why == NULL;
}

void ck_stmt_bind_null(ck_stmt *st, int i)
{
    if (bind_check(st, i)) st->db->drv->bind_null(st, i, &st->bind_why);
}

void ck_stmt_bind_textn(ck_stmt *st, int i, const char *s, size_t n)
{
    if (!s) { ck_stmt_bind_null(st, i); return; }
    if (!bind_check(st, i)) return;
    /* PostgreSQL text cannot hold NUL; refusing it on both keeps them alike. */
    if (memchr(s, '\0', n)) st->bind_why = "text holds a NUL byte";
    else st->db->drv->bind_text(st, i, s, n, &st->bind_why);
}

void ck_stmt_bind_text(ck_stmt *st, int i, const char *s) { ck_stmt_bind_textn(st, i, s, s ? strlen(s) : 0); }

void ck_stmt_bind_int(ck_stmt *st, int i, int64_t v)
{
    if (bind_check(st, i)) st->db->drv->bind_int(st, i, v, &st->bind_why);
}

void ck_stmt_bind_date(ck_stmt *st, int i, ck_date d)
{
    if (d == CK_NODATE) { ck_stmt_bind_null(st, i); return; }
    char buf[CK_DATE_STRLEN];
    ck_stmt_bind_textn(st, i, ck_date_fmt(d, buf), CK_DATE_STRLEN - 1);
}

/* ---- step and columns -------------------------------------------------- */

int ck_stmt_step(ck_stmt *st)
{
    if (!st) return CK_DB_ERROR;
    ck_db *db = st->db;
    if (!st->busy) {
        ck_db_seterr(db, st->sql, "ck_stmt_step on a statement already given back by ck_stmt_reset");
        return CK_DB_ERROR;
    }
    if (st->state == CK_ST_FINISHED) return st->last_rc;
    int rc;
    if (st->bind_why) {
        ck_db_seterr(db, st->sql, "parameter $%d: %s (the statement has %d)", st->bind_err, st->bind_why,
                     st->nparams);
        rc = CK_DB_ERROR;
    } else {
        rc = db->drv->step(st);
    }
    if (rc == CK_DB_ROW) {
        st->state = CK_ST_RUNNING;
    } else {
        st->state = CK_ST_FINISHED;
        st->last_rc = rc;
    }
    return rc;
}

int ck_stmt_ncols(ck_stmt *st)
{
    return st && st->state == CK_ST_RUNNING ? st->db->drv->ncols(st) : 0;
}

static bool col_ok(ck_stmt *st, int col) { return col >= 0 && col < ck_stmt_ncols(st); }

bool ck_stmt_null(ck_stmt *st, int col) { return !col_ok(st, col) || st->db->drv->is_null(st, col); }

const char *ck_stmt_text(ck_stmt *st, int col)
{
    return col_ok(st, col) ? st->db->drv->text(st, col) : NULL;
}

int64_t ck_stmt_int(ck_stmt *st, int col)
{
    return col_ok(st, col) ? st->db->drv->integer(st, col) : 0;
}

ck_date ck_stmt_date(ck_stmt *st, int col)
{
    const char *s = ck_stmt_text(st, col);
    ck_date d;
    if (!s || strlen(s) < 10 || (s[10] && s[10] != ' ' && s[10] != 'T')) return CK_NODATE;
    return ck_date_parse(s, 10, &d) ? d : CK_NODATE;
}

/* ---- migrations ------------------------------------------------------ */

typedef struct mig {
    const char *name, *sql;
    int version;
} mig;

static int mig_cmp(const void *a, const void *b) { return strcmp(((const mig *)a)->name, ((const mig *)b)->name); }

/* "NNN_what.sql" gives NNN; -1 when the name does not have that shape. */
static int mig_version(const char *name)
{
    size_t nd = strspn(name, "0123456789"), n = strlen(name);
    if (nd == 0 || nd > 9 || name[nd] != '_' || n < nd + 1 + 1 + 4 || strcmp(name + n - 4, ".sql") != 0) return -1;
    return atoi(name);
}

/* Replaces {{ID}} and {{BLOB}}, and keeps the text between {{SQLITE}} (or
 * {{PG}}) and {{END}} only on that backend: the few statements that cannot
 * be written once (a full-text index is an FTS5 table on SQLite, a GIN index
 * over a tsvector on PostgreSQL). False with db->err naming the first
 * unknown or misplaced token. */
static bool mig_subst(ck_db *db, const mig *m, ck_buf *out)
{
    const char *p = m->sql;
    int block = 0; /* 0 outside a block, 1 in one that is kept, -1 in one that is skipped */
    for (;;) {
        const char *open = strstr(p, "{{");
        if (!open) break;
        const char *close = strstr(open + 2, "}}");
        size_t k = close ? (size_t)(close - open - 2) : 0;
        const char *with = NULL;
#define TOKEN(s) (close && k == sizeof s - 1 && strncmp(open + 2, s, k) == 0)
        bool start_sqlite = TOKEN("SQLITE"), start_pg = TOKEN("PG"), end = TOKEN("END");
        if (TOKEN("ID")) with = db->drv->id_type;
        else if (TOKEN("BLOB")) with = db->drv->blob_type;
#undef TOKEN
        if ((start_sqlite || start_pg) && block == 0) {
            if (open > p) ck_buf_append(out, p, (size_t)(open - p));
            block = (db->drv->kind == CK_DB_SQLITE) == start_sqlite ? 1 : -1;
            p = close + 2;
            continue;
        }
        if (end && block != 0) {
            if (block > 0) ck_buf_append(out, p, (size_t)(open - p));
            block = 0;
            p = close + 2;
            continue;
        }
        if (!with) {
            ck_db_seterr(db, NULL, "migration %s: unknown or misplaced token \"%.*s\" (expected {{ID}}, {{BLOB}}, "
                         "or {{SQLITE}} or {{PG}} ... {{END}})", m->name,
                         close ? (int)(k > 40 ? 44 : k + 4) : 2, open);
            return false;
        }
        if (block >= 0) {
            ck_buf_append(out, p, (size_t)(open - p));
            ck_buf_puts(out, with);
        }
        p = close + 2;
    }
    if (block != 0) {
        ck_db_seterr(db, NULL, "migration %s: a {{SQLITE}} or {{PG}} block has no {{END}}", m->name);
        return false;
    }
    ck_buf_puts(out, p);
    return !out->overflowed;
}

/* Runs sql with $1 bound to text (when not NULL); *out gets the first column
 * of the first row (0 when none). */
static int query_int(ck_db *db, const char *sql, const char *text, int64_t *out)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) return CK_DB_ERROR;
    if (text) ck_stmt_bind_text(st, 1, text);
    int rc = ck_stmt_step(st);
    *out = rc == CK_DB_ROW ? ck_stmt_int(st, 0) : 0;
    ck_stmt_reset(st);
    return rc < 0 ? rc : CK_DB_OK;
}

/* Opens a migration transaction holding the runner's lock. */
static int mig_begin(ck_db *db)
{
    if (ck_db_begin_write(db) != CK_DB_OK) return CK_DB_ERROR;
    if (!db->drv->migrate_lock_sql) return CK_DB_OK;
    ck_stmt *st = ck_db_prepare(db, db->drv->migrate_lock_sql);
    int rc = CK_DB_ERROR;
    if (st) {
        ck_stmt_bind_int(st, 1, CK_DB_MIGRATE_LOCK_KEY);
        rc = ck_stmt_step(st);
        ck_stmt_reset(st);
    }
    if (rc == CK_DB_ROW) return CK_DB_OK;
    ck_db_rollback(db);
    return CK_DB_ERROR;
}

static void mig_fail(ck_db *db, const char *name)
{
    char why[CK_DB_ERRMSG_MAX];
    memcpy(why, db->err, sizeof why);
    ck_db_seterr(db, NULL, "migration %s failed: %s", name, why);
}

/* Inside the migration transaction: 1 when m is already recorded (by another
 * runner, perhaps), 0 when not, <0 on error or a name that does not match. */
static int mig_recorded(ck_db *db, const mig *m)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT name FROM schema_migrations WHERE version = $1");
    if (!st) return CK_DB_ERROR;
    ck_stmt_bind_int(st, 1, m->version);
    int rc = ck_stmt_step(st), answer = CK_DB_ERROR;
    if (rc == CK_DB_DONE) {
        answer = 0;
    } else if (rc == CK_DB_ROW) {
        const char *have = ck_stmt_text(st, 0);
        if (ck_streq(have, m->name)) answer = 1;
        else ck_db_seterr(db, NULL, "version %d is recorded as %s", m->version, have ? have : "(null)");
    }
    ck_stmt_reset(st);
    return answer;
}

static int mig_run(ck_db *db, const mig *m)
{
    ck_buf sql = CK_BUF_INIT;
    bool ok = mig_subst(db, m, &sql) && ck_db_exec(db, ck_buf_cstr(&sql)) == CK_DB_OK;
    ck_buf_free(&sql);
    if (!ok) return CK_DB_ERROR;

    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    ck_stmt *st = ck_db_prepare(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
    if (!st) return CK_DB_ERROR;
    ck_stmt_bind_int(st, 1, m->version);
    ck_stmt_bind_text(st, 2, m->name);
    ck_stmt_bind_text(st, 3, stamp);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    return rc == CK_DB_DONE ? CK_DB_OK : CK_DB_ERROR;
}

/* Applies one migration in its own transaction unless it is recorded. */
static int mig_apply(ck_db *db, const mig *m, int *applied)
{
    int rc = mig_begin(db);
    int done = rc == CK_DB_OK ? mig_recorded(db, m) : CK_DB_ERROR;
    if (done == 0) rc = mig_run(db, m);
    else if (done < 0) rc = CK_DB_ERROR;
    if (rc == CK_DB_OK) rc = ck_db_commit(db);
    if (rc != CK_DB_OK) {
        mig_fail(db, m->name);
        ck_db_rollback(db);
        return CK_DB_ERROR;
    }
    if (done == 0) (*applied)++;
    return CK_DB_OK;
}

int ck_db_migrate_list(ck_db *db, const ck_migration *list, size_t n, int *applied)
{
    int count = 0;
    if (applied) *applied = 0;
    if (ck_db_in_tx(db)) {
        ck_db_seterr(db, NULL, "migrations must run outside a transaction");
        return CK_DB_ERROR;
    }
    mig *ms = ck_calloc(n ? n : 1, sizeof *ms);
    int rc = CK_DB_OK;
    for (size_t i = 0; i < n && rc == CK_DB_OK; i++) {
        ms[i] = (mig){list[i].name, list[i].sql, -1};
        if (!ms[i].name || !ms[i].sql || (ms[i].version = mig_version(ms[i].name)) < 0) {
            ck_db_seterr(db, NULL, "migration \"%s\": the name must be NNN_what.sql and the SQL present",
                         ms[i].name ? ms[i].name : "(null)");
            rc = CK_DB_ERROR;
        }
    }
    if (rc == CK_DB_OK) qsort(ms, n, sizeof *ms, mig_cmp);
    for (size_t i = 1; i < n && rc == CK_DB_OK; i++) {
        if (ms[i].version == ms[i - 1].version) {
            ck_db_seterr(db, NULL, "migrations %s and %s have the same version", ms[i - 1].name, ms[i].name);
            rc = CK_DB_ERROR;
        }
    }
    if (rc == CK_DB_OK) {
        /* Created under the lock: two runners' CREATE TABLE IF NOT EXISTS can
         * otherwise collide in PostgreSQL's catalog. */
        rc = mig_begin(db);
        if (rc == CK_DB_OK && ck_db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                             "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                             "applied_at TEXT NOT NULL)") != CK_DB_OK) {
            ck_db_rollback(db);
            rc = CK_DB_ERROR;
        }
        if (rc == CK_DB_OK) rc = ck_db_commit(db);
    }
    for (size_t i = 0; i < n && rc == CK_DB_OK; i++) rc = mig_apply(db, &ms[i], &count);
    ck_free(ms);
    if (applied) *applied = count;
    return rc == CK_DB_OK ? CK_DB_OK : CK_DB_ERROR;
}

int ck_db_migrate(ck_db *db, int *applied)
{
    size_t n = 0, k = strlen(CK_DB_MIGRATIONS_DIR);
    for (const ck_embedded_file *f = ck_embedded_files; f->path; f++)
        if (strncmp(f->path, CK_DB_MIGRATIONS_DIR, k) == 0) n++;
    ck_migration *list = ck_calloc(n ? n : 1, sizeof *list);
    n = 0;
    for (const ck_embedded_file *f = ck_embedded_files; f->path; f++)
        if (strncmp(f->path, CK_DB_MIGRATIONS_DIR, k) == 0) list[n++] = (ck_migration){f->path + k, f->data};
    int rc = ck_db_migrate_list(db, list, n, applied);
    ck_free(list);
    return rc;
}

int ck_db_schema_version(ck_db *db)
{
    int64_t v = 0;
    if (query_int(db, db->drv->has_table_sql, "schema_migrations", &v) != CK_DB_OK) return CK_DB_ERROR;
    if (v && query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, &v) != CK_DB_OK)
        return CK_DB_ERROR;
    return (int)v;
}
