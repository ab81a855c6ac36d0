/* ck_audit: the audit log's hash chain (see ck_audit.h). */
#include "ck_audit.h"
#include "ck_buf.h"
#include "ck_txn.h"
#include "ck_worklist.h"
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CANON_HEADER "casekeeper-audit-v1\n"
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

#define ENTRY_COLS "\"seq\", \"at\", \"actor\", \"action\", \"crn\", \"record\", \"client\", \"request_id\", " \
                   "\"detail\", \"prev_hash\", \"hash\""

static ck_rc db_fail(ck_db *db, const char *what, char *err, size_t err_len)
{
    snprintf(err, err_len, "audit log: %s: %s", what, ck_db_errmsg(db));
    return CK_ERR_DB;
}

static void put_field(crypto_hash_sha256_state *h, const char *s)
{
    char len[32];
    if (!s) {
        crypto_hash_sha256_update(h, (const unsigned char *)"-\n", 2);
        return;
    }
    size_t n = strlen(s);
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
    crypto_hash_sha256_update(h, (const unsigned char *)s, n);
    crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

void ck_audit_hash(const char *prev, const ck_audit_entry *e, char out[CK_AUDIT_HASH_HEX + 1])
{
    unsigned char prev_raw[crypto_hash_sha256_BYTES] = {0}, digest[crypto_hash_sha256_BYTES];
    size_t got = 0;
    /* A malformed stored prev_hash hashes as whatever bytes it decodes to:
     * the entry then fails verification, which is the point. */
    sodium_hex2bin(prev_raw, sizeof prev_raw, prev ? prev : "", prev ? strlen(prev) : 0, NULL, &got, NULL);
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev_raw, sizeof prev_raw);
    crypto_hash_sha256_update(&h, (const unsigned char *)CANON_HEADER, sizeof CANON_HEADER - 1);
    char seq[32];
    snprintf(seq, sizeof seq, "%" PRId64, e->seq);
    const char *fields[] = {seq, e->at, e->actor, e->action, e->crn, e->record, e->client, e->request_id, e->detail};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) put_field(&h, fields[i]);
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(out, CK_AUDIT_HASH_HEX + 1, digest, sizeof digest);
}

static void now_utc(char out[CK_AUDIT_AT_LEN])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, CK_AUDIT_AT_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, CK_AUDIT_AT_LEN - n, ".%06ldZ", ts.tv_nsec / 1000);
}

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

/* The chain's head as the open transaction sees it, locked (see ck_audit.h). */
typedef struct chain_head {
    int64_t seq;
    char hash[CK_AUDIT_HASH_HEX + 1];
} chain_head;

/* Reads and (PostgreSQL) locks the chain's head. `async`: on PostgreSQL the
 * same statement also sets synchronous_commit off for this transaction only
 * (set_config(..., true) is SET LOCAL), a round trip fewer than a SET LOCAL
 * of its own (write_batch says why off). */
static ck_rc head_lock(ck_db *db, bool async, chain_head *h, char *err, size_t err_len)
{
    bool pg = ck_db_kind(db) == CK_DB_PG;
    ck_stmt *st = ck_db_prepare(db, pg && async ? "SELECT \"seq\", \"hash\", set_config('synchronous_commit', 'off', true) "
                                                  "FROM \"audit_head\" WHERE \"id\" = 1 FOR UPDATE"
                                    : pg ? "SELECT \"seq\", \"hash\" FROM \"audit_head\" WHERE \"id\" = 1 FOR UPDATE"
                                         : "SELECT \"seq\", \"hash\" FROM \"audit_head\" WHERE \"id\" = 1");
    if (!st) return db_fail(db, "prepare", err, err_len);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        h->seq = ck_stmt_int(st, 0);
        snprintf(h->hash, sizeof h->hash, "%s", ck_stmt_text(st, 1) ? ck_stmt_text(st, 1) : "");
    }
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK;
    if (rc == CK_DB_DONE) {
        snprintf(err, err_len, "audit log: the head row is missing (was migration 002 applied?)");
        return CK_ERR_DB;
    }
    return db_fail(db, "head", err, err_len);
}

static ck_rc head_store(ck_db *db, const chain_head *h, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "UPDATE \"audit_head\" SET \"seq\" = $1, \"hash\" = $2 WHERE \"id\" = 1");
    if (!st) return db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, h->seq);
    ck_stmt_bind_text(st, 2, h->hash);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    return rc == CK_DB_DONE ? CK_OK : db_fail(db, "head", err, err_len);
}

/* The entry after h recording n for p, timestamped now, its hash in hash. */
static ck_audit_entry next_entry(const chain_head *h, const ck_principal *p, const ck_audit_note *n,
                                 char at[CK_AUDIT_AT_LEN], char hash[CK_AUDIT_HASH_HEX + 1])
{
    now_utc(at);
    ck_audit_entry e = {h->seq + 1, at, p->username, n->action, nonempty(n->crn), nonempty(n->record),
                        nonempty(p->client), nonempty(p->request_id), nonempty(n->detail), h->hash, NULL};
    ck_audit_hash(h->hash, &e, hash);
    return e;
}

/* Inserts the entry after h and moves h on to it. */
static ck_rc chain_add(ck_db *db, chain_head *h, const ck_principal *p, const ck_audit_note *n, char *err,
                       size_t err_len)
{
    /* Timestamped under the lock, so times never run backwards along the chain. */
    char at[CK_AUDIT_AT_LEN], hash[CK_AUDIT_HASH_HEX + 1];
    ck_audit_entry e = next_entry(h, p, n, at, hash);
    ck_stmt *st = ck_db_prepare(db, "INSERT INTO \"audit_log\" (" ENTRY_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, "
                                    "$8, $9, $10, $11)");
    if (!st) return db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, e.seq);
    const char *vals[] = {e.at, e.actor, e.action, e.crn, e.record, e.client, e.request_id, e.detail, h->hash, hash};
    for (int i = 0; i < 10; i++) ck_stmt_bind_text(st, i + 2, vals[i]);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (rc != CK_DB_DONE) return db_fail(db, "insert", err, err_len);
    h->seq = e.seq;
    memcpy(h->hash, hash, sizeof h->hash);
    return CK_OK;
}

static ck_rc ready(ck_db *db, char *err, size_t err_len)
{
    if (!ck_db_in_tx(db) || ck_db_in_read_tx(db)) {
        snprintf(err, err_len, "audit log: an append must run inside the write transaction of what it records");
        return CK_ERR_DB;
    }
    if (sodium_init() < 0) {
        snprintf(err, err_len, "audit log: libsodium could not be initialised");
        return CK_ERR_DB;
    }
    return CK_OK;
}

ck_rc ck_audit_append_notes(ck_db *db, const ck_principal *p, const ck_audit_note *notes, size_t n, char *err,
                          size_t err_len)
{
    chain_head h;
    ck_rc rc = ready(db, err, err_len);
    if (rc == CK_OK) rc = head_lock(db, false, &h, err, err_len);
    for (size_t i = 0; rc == CK_OK && i < n; i++) rc = chain_add(db, &h, p, &notes[i], err, err_len);
    return rc == CK_OK ? head_store(db, &h, err, err_len) : rc;
}

ck_rc ck_audit_append(ck_db *db, const ck_principal *p, const char *action, const char *crn, const char *record,
                      const char *detail, char *err, size_t err_len)
{
    ck_audit_note n = {action, crn, record, detail};
    return ck_audit_append_notes(db, p, &n, 1, err, err_len);
}

/* CK_ERR_STALE when g is given and no longer holds (checked by the open
 * transaction's next statement, so as of now). */
static ck_rc guard_check(ck_db *db, const ck_audit_guard *g, char *err, size_t err_len)
{
    if (!g) return CK_OK;
    bool holds = false;
    ck_rc rc = ck_worklist_version_holds(db, g->scope, &g->v, &holds, err, err_len);
    if (rc != CK_OK || holds) return rc;
    snprintf(err, err_len, "audit log: the page read has changed since (%s): not recorded", g->scope);
    return CK_ERR_STALE;
}

ck_rc ck_audit_reads_if(ck_db *db, const ck_principal *p, const ck_audit_note *notes, size_t n,
                        const ck_audit_guard *g, char *err, size_t err_len)
{
    if (n == 0) return CK_OK;
    ck_audit_appender *a = ck_db_audit_sink(db);
    if (a) return ck_audit_appender_submit_if(a, p, notes, n, g, err, err_len);
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = guard_check(db, g, err, err_len);
    if (rc == CK_OK) rc = ck_audit_append_notes(db, p, notes, n, err, err_len);
    return ck_txn_finish(db, rc, err, err_len); /* CK_ERR_STALE rolls back: nothing written */
}

ck_rc ck_audit_reads(ck_db *db, const ck_principal *p, const ck_audit_note *notes, size_t n, char *err,
                     size_t err_len)
{
    return ck_audit_reads_if(db, p, notes, n, NULL, err, err_len);
}

ck_rc ck_audit_record(ck_db *db, const ck_principal *p, const char *action, const char *crn, const char *record,
                      const char *detail, char *err, size_t err_len)
{
    ck_audit_note n = {action, crn, record, detail};
    return ck_audit_reads(db, p, &n, 1, err, err_len);
}

/* ---- The appender ---------------------------------------------------------------------- */

/* One reader's entries, on the reader's stack while it waits. */
typedef struct pending {
    const ck_principal *p;
    const ck_audit_note *notes;
    size_t n;
    const ck_audit_guard *g; /* NULL: none */
    bool stale;              /* g did not hold: nothing of it written */
    bool done;
    ck_rc rc;
    char err[256];
    struct pending *next;
} pending;

struct ck_audit_appender {
    ck_db *db; /* the appender thread's own connection */
    pthread_t thread;
    pthread_mutex_t mu; /* guards what follows */
    pthread_cond_t work, done;
    pending *head, *tail; /* queued, not yet taken */
    bool stop;
    bool busy; /* a batch is being written (by the thread or a reader): one at a time */
    uint64_t batches, entries, fast; /* fast: batches of one statement (fast_batch) */
    /* The appender thread's own (not guarded by mu): the head its last
     * batch left, while known (fast_batch). */
    chain_head last;
    bool last_known, last_fast; /* last_fast: the last batch took fast_batch */
};

ck_audit_metrics ck_audit_stats = {.batch_entries = CK_HISTOGRAM_INIT(ck_metrics_sizes)};

/* Writes one batch in one write transaction: all its entries or none.
 *
 * Everything the appender carries records a read or a refusal (writes append
 * their entry in their own transaction), so on PostgreSQL its commit does not
 * wait for the WAL flush (synchronous_commit off for this transaction only):
 * the entries are in the database's WAL buffers when the reader is answered,
 * so they survive the server being killed (kill -9), and reach disk within
 * the WAL writer's delay (3 x wal_writer_delay, 600 ms by default) or with
 * the next write's synchronous commit, whichever is first; a power loss or
 * PostgreSQL crash before that loses them (the chain stays intact: its head
 * row is in the same transaction). Writes keep synchronous_commit on. SQLite
 * runs WAL with synchronous=NORMAL for every connection: no commit waits for
 * fsync there, reads and writes alike (ck_db.h). */
static ck_rc write_batch(ck_db *db, pending *batch, chain_head *left, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    chain_head h;
    if (rc == CK_OK) rc = ready(db, err, err_len);
    if (rc == CK_OK) rc = head_lock(db, true, &h, err, err_len);
    /* Guards checked under the head's lock, each by a statement of its own
     * (a fresh snapshot on PostgreSQL): a reader whose page moved on gets
     * CK_ERR_STALE and none of its entries are written; the others are. */
    for (pending *q = batch; rc == CK_OK && q; q = q->next) {
        q->stale = false;
        if (!q->g) continue;
        rc = guard_check(db, q->g, err, err_len);
        if (rc == CK_ERR_STALE) q->stale = true, rc = CK_OK;
    }
    for (pending *q = batch; rc == CK_OK && q; q = q->next)
        for (size_t i = 0; rc == CK_OK && !q->stale && i < q->n; i++)
            rc = chain_add(db, &h, q->p, &q->notes[i], err, err_len);
    if (rc == CK_OK) rc = head_store(db, &h, err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc == CK_OK) *left = h;
    return rc;
}

/* The most entries fast_batch writes in its one statement (one prepared
 * statement per count up to it); a bigger batch takes write_batch. */
#define FAST_MAX 16
/* Parameters of each entry in fast_batch: its 11 columns, then the guard
 * of its reader (on the reader's first entry; NULL on the others). */
#define FAST_COLS 11
#define FAST_PARAMS (FAST_COLS + 4)

/* A batch on PostgreSQL in one round trip, when the head is still the one
 * this appender's last batch left (*h): one statement, its own transaction,
 * that moves the head on only if it is still at *h (compare and swap under
 * the row's lock) and inserts the entries only if it did, with
 * synchronous_commit off for that transaction (write_batch says why). The
 * entries are hashed and timestamped from *h before the statement; if the
 * head has moved (a write's own entry, another server's appender), nothing
 * is written and *done stays false: write_batch then appends under the lock.
 * Against BEGIN, the head's SELECT FOR UPDATE, an INSERT per entry, the
 * head's UPDATE and COMMIT: one round trip instead of five or more.
 *
 * Readers' guards are part of the compare: the head moves only if every
 * guard of the batch holds in the statement's snapshot (taken after each
 * reader queued its entries, so nothing committed before a request came
 * in is missed). If one does not, nothing is written either, and
 * write_batch sorts the batch out reader by reader. */
static ck_rc fast_batch(ck_db *db, chain_head *h, pending *batch, size_t n, bool *done, char *err, size_t err_len)
{
    *done = false;
    ck_buf sql = CK_BUF_INIT;
    ck_buf_puts(&sql, "WITH \"h\" AS (UPDATE \"audit_head\" SET \"seq\" = CAST($1 AS BIGINT), \"hash\" = $2 "
                      "WHERE \"id\" = 1 AND \"seq\" = CAST($3 AS BIGINT) AND \"hash\" = $4");
    for (size_t i = 0; i < n; i++) {
        ck_buf_puts(&sql, " AND ");
        ck_worklist_version_cond(&sql, 5 + FAST_PARAMS * (int)i + FAST_COLS);
    }
    ck_buf_puts(&sql, " RETURNING set_config('synchronous_commit', 'off', true)) INSERT INTO \"audit_log\" (" ENTRY_COLS ") ");
    for (size_t i = 0; i < n; i++) {
        int b = 5 + FAST_PARAMS * (int)i;
        ck_buf_printf(&sql, "%sSELECT CAST($%d AS BIGINT)", i ? " UNION ALL " : "", b);
        for (int c = 1; c < FAST_COLS; c++) ck_buf_printf(&sql, ", CAST($%d AS TEXT)", b + c);
        ck_buf_puts(&sql, " FROM \"h\"");
    }
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&sql));
    ck_buf_free(&sql);
    if (!st) return db_fail(db, "prepare", err, err_len);
    chain_head next = *h;
    int b = 5;
    for (pending *q = batch; q; q = q->next)
        for (size_t i = 0; i < q->n; i++) {
            char at[CK_AUDIT_AT_LEN], hash[CK_AUDIT_HASH_HEX + 1];
            ck_audit_entry e = next_entry(&next, q->p, &q->notes[i], at, hash);
            ck_stmt_bind_int(st, b, e.seq);
            const char *vals[] = {e.at, e.actor, e.action, e.crn, e.record, e.client, e.request_id, e.detail,
                                  next.hash, hash};
            for (int c = 0; c < 10; c++) ck_stmt_bind_text(st, b + 1 + c, vals[c]); /* copied */
            const ck_audit_guard *g = i == 0 ? q->g : NULL;
            ck_worklist_version_bind(st, b + FAST_COLS, g ? g->scope : NULL, g ? &g->v : NULL);
            b += FAST_PARAMS;
            next.seq = e.seq;
            memcpy(next.hash, hash, sizeof next.hash);
        }
    ck_stmt_bind_int(st, 1, next.seq);
    ck_stmt_bind_text(st, 2, next.hash);
    ck_stmt_bind_int(st, 3, h->seq);
    ck_stmt_bind_text(st, 4, h->hash);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (rc != CK_DB_DONE) return db_fail(db, "append", err, err_len);
    if (ck_db_changes(db) != (int64_t)n) return CK_OK; /* the head had moved: nothing written */
    *h = next;
    *done = true;
    return CK_OK;
}

/* One batch: fast_batch while the head is known (PostgreSQL, where each
 * statement is a round trip), else write_batch. */
static ck_rc append_batch(ck_audit_appender *a, pending *batch, size_t n, char *err, size_t err_len)
{
    a->last_fast = false;
    for (pending *q = batch; q; q = q->next) q->stale = false;
    if (a->last_known && n <= FAST_MAX && ck_db_kind(a->db) == CK_DB_PG && !ck_db_in_tx(a->db)) {
        ck_rc rc = fast_batch(a->db, &a->last, batch, n, &a->last_fast, err, err_len);
        if (rc == CK_OK && a->last_fast) return CK_OK;
    }
    a->last_known = false;
    ck_rc rc = write_batch(a->db, batch, &a->last, err, err_len);
    a->last_known = rc == CK_OK;
    return rc;
}

/* Writes everything queued as one batch (the longer a commit takes, the
 * more readers share the next one) and answers its readers. Called with
 * a->mu held and a->busy false; returns with it held. */
static void run_batch(ck_audit_appender *a)
{
    a->busy = true;
    pending *batch = a->head;
    a->head = a->tail = NULL;
    size_t taken = 0;
    for (pending *q = batch; q; q = q->next) taken += q->n;
    ck_gauge_add(&ck_audit_stats.queued, -(int64_t)taken);
    pthread_mutex_unlock(&a->mu);
    char err[256] = "";
    ck_rc rc = append_batch(a, batch, taken, err, sizeof err);
    /* A failure the database may not repeat (a lost connection, which
     * ck_db re-opens outside a transaction): one more try. */
    if (rc == CK_ERR_DB) rc = append_batch(a, batch, taken, err, sizeof err);
    pthread_mutex_lock(&a->mu);
    size_t n = 0;
    for (pending *q = batch; q; q = q->next) {
        q->rc = rc == CK_OK && q->stale ? CK_ERR_STALE : rc;
        if (q->rc == CK_ERR_STALE) snprintf(q->err, sizeof q->err, "audit log: the page read has changed since (%s): not recorded", q->g->scope);
        else snprintf(q->err, sizeof q->err, "%s", err);
        q->done = true;
        n += q->rc == CK_OK ? q->n : 0;
    }
    if (rc == CK_OK) {
        a->fast += a->last_fast;
        a->batches++;
        a->entries += n;
        ck_histogram_observe(&ck_audit_stats.batch_entries, n);
    } else {
        ck_counter_add(&ck_audit_stats.batches_failed, 1);
    }
    a->busy = false;
    if (a->head || a->stop) pthread_cond_signal(&a->work); /* queued meanwhile: the thread takes them */
    pthread_cond_broadcast(&a->done);
}

static void *appender_main(void *arg)
{
    ck_audit_appender *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (a->busy || (!a->head && !a->stop)) pthread_cond_wait(&a->work, &a->mu);
        if (!a->head) break; /* stopping, nothing is left, and no reader is writing */
        run_batch(a);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

ck_audit_appender *ck_audit_appender_start(const char *db_url, char *err, size_t err_len)
{
    if (sodium_init() < 0) {
        snprintf(err, err_len, "audit log: libsodium could not be initialised");
        return NULL;
    }
    ck_db *db = ck_db_open(db_url, err, err_len);
    if (!db) return NULL;
    ck_audit_appender *a = ck_calloc(1, sizeof *a);
    a->db = db;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->work, NULL);
    pthread_cond_init(&a->done, NULL);
    int rc = pthread_create(&a->thread, NULL, appender_main, a);
    if (rc == 0) return a;
    snprintf(err, err_len, "audit appender: cannot start its thread: %s", strerror(rc));
    pthread_cond_destroy(&a->done);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->mu);
    ck_db_close(db);
    ck_free(a);
    return NULL;
}

void ck_audit_appender_stop(ck_audit_appender *a)
{
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->done);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->mu);
    ck_db_close(a->db);
    ck_free(a);
}

ck_rc ck_audit_appender_submit(ck_audit_appender *a, const ck_principal *p, const ck_audit_note *notes, size_t n,
                               char *err, size_t err_len)
{
    return ck_audit_appender_submit_if(a, p, notes, n, NULL, err, err_len);
}

ck_rc ck_audit_appender_submit_if(ck_audit_appender *a, const ck_principal *p, const ck_audit_note *notes, size_t n,
                                  const ck_audit_guard *g, char *err, size_t err_len)
{
    if (n == 0) return CK_OK;
    pending me = {.p = p, .notes = notes, .n = n, .g = g};
    pthread_mutex_lock(&a->mu);
    if (a->stop) {
        pthread_mutex_unlock(&a->mu);
        snprintf(err, err_len, "audit log: the appender is stopping");
        return CK_ERR_DB;
    }
    if (a->tail) a->tail->next = &me; else a->head = &me;
    a->tail = &me;
    ck_gauge_add(&ck_audit_stats.queued, (int64_t)n);
    /* Nobody writing: this reader writes the batch itself, on the
     * appender's connection, rather than wake the thread and wait to be
     * woken (two hand-offs between threads per read when readers come one
     * at a time). While a batch is being written, the thread takes what
     * queues meanwhile, as one batch, once it is done. */
    if (!a->busy) run_batch(a);
    else pthread_cond_signal(&a->work);
    while (!me.done) pthread_cond_wait(&a->done, &a->mu);
    pthread_mutex_unlock(&a->mu);
    if (me.rc != CK_OK) snprintf(err, err_len, "%s", me.err);
    return me.rc;
}

void ck_audit_appender_counts(ck_audit_appender *a, uint64_t *batches, uint64_t *entries)
{
    pthread_mutex_lock(&a->mu);
    *batches = a->batches;
    *entries = a->entries;
    pthread_mutex_unlock(&a->mu);
}

uint64_t ck_audit_appender_fast(ck_audit_appender *a)
{
    pthread_mutex_lock(&a->mu);
    uint64_t n = a->fast;
    pthread_mutex_unlock(&a->mu);
    return n;
}

/* An entry read from the current row (strings valid until the next step). */
static void read_entry(ck_stmt *st, ck_audit_entry *e)
{
    e->seq = ck_stmt_int(st, 0);
    e->at = ck_stmt_text(st, 1);
    e->actor = ck_stmt_text(st, 2);
    e->action = ck_stmt_text(st, 3);
    e->crn = ck_stmt_text(st, 4);
    e->record = ck_stmt_text(st, 5);
    e->client = ck_stmt_text(st, 6);
    e->request_id = ck_stmt_text(st, 7);
    e->detail = ck_stmt_text(st, 8);
    e->prev_hash = ck_stmt_text(st, 9);
    e->hash = ck_stmt_text(st, 10);
}

/* Why entry e (expected to be number `want`, after an entry hashed `prev`)
 * breaks the chain, or NULL when it holds. */
static const char *entry_fault(const ck_audit_entry *e, int64_t want, const char *prev)
{
    if (e->seq > want) return "is missing (removed)";
    if (e->seq != want) return "is out of order";
    if (!e->prev_hash || strcmp(e->prev_hash, prev) != 0) return "does not follow the entry before it (moved, or one before it removed)";
    char h[CK_AUDIT_HASH_HEX + 1];
    ck_audit_hash(prev, e, h);
    if (!e->hash || strcmp(h, e->hash) != 0) return "does not match its hash (altered)";
    return NULL;
}

ck_rc ck_audit_verify(ck_db *db, int64_t *entries, int64_t *bad, char *why, size_t why_len,
                      char head[CK_AUDIT_HASH_HEX + 1], char *err, size_t err_len)
{
    *entries = 0;
    *bad = 0;
    why[0] = '\0';
    snprintf(head, CK_AUDIT_HASH_HEX + 1, "%s", GENESIS);
    if (sodium_init() < 0) {
        snprintf(err, err_len, "audit log: libsodium could not be initialised");
        return CK_ERR_DB;
    }
    /* One read transaction, so the chain and its head are one snapshot. */
    if (ck_db_begin_read(db) != CK_DB_OK) return db_fail(db, "begin", err, err_len);
    ck_stmt *st = ck_db_prepare(db, "SELECT " ENTRY_COLS " FROM \"audit_log\" ORDER BY \"seq\"");
    if (!st) {
        ck_db_rollback(db);
        return db_fail(db, "prepare", err, err_len);
    }
    ck_rc out = CK_OK;
    while (ck_txn_next(db, st, "audit log: read", &out, err, err_len)) {
        ck_audit_entry e;
        read_entry(st, &e);
        int64_t want = *entries + 1;
        const char *fault = entry_fault(&e, want, head);
        if (fault) {
            *bad = want;
            snprintf(why, why_len, "entry %" PRId64 " %s", want, fault);
            break;
        }
        ++*entries;
        snprintf(head, CK_AUDIT_HASH_HEX + 1, "%s", e.hash);
    }
    ck_stmt_reset(st);
    if (out == CK_OK && *bad == 0) {
        st = ck_db_prepare(db, "SELECT \"seq\", \"hash\" FROM \"audit_head\" WHERE \"id\" = 1");
        int rc = st ? ck_stmt_step(st) : CK_DB_ERROR;
        if (rc == CK_DB_ROW) {
            int64_t hseq = ck_stmt_int(st, 0);
            const char *hh = ck_stmt_text(st, 1);
            if (hseq != *entries || !hh || strcmp(hh, head) != 0) {
                *bad = *entries + 1;
                snprintf(why, why_len,
                         "entry %" PRId64 " is missing: the log ends at entry %" PRId64
                         " but its head records entry %" PRId64 " (entries removed from the end, or the head altered)",
                         *bad, *entries, hseq);
            }
        } else {
            out = rc == CK_DB_DONE ? CK_ERR_DB : db_fail(db, "head", err, err_len);
            if (rc == CK_DB_DONE) snprintf(err, err_len, "audit log: the head row is missing");
        }
        ck_stmt_reset(st);
    }
    ck_db_rollback(db);
    return out;
}

ck_rc ck_audit_search(ck_db *db, const ck_audit_query *q, bool (*fn)(void *ctx, const ck_audit_entry *e), void *ctx,
                      char *err, size_t err_len)
{
    /* "at" is ISO text, so a day's bounds are text bounds: [from, to + 1 day). */
    char from[CK_DATE_STRLEN] = "", to[CK_DATE_STRLEN] = "";
    if (q->from != CK_NODATE) ck_date_fmt(q->from, from);
    if (q->to != CK_NODATE) ck_date_fmt(ck_date_add_days(q->to, 1), to);
    ck_stmt *st = ck_db_prepare(db, "SELECT " ENTRY_COLS " FROM \"audit_log\" WHERE (CAST($1 AS TEXT) IS NULL OR "
                                    "\"actor\" = $1) AND (CAST($2 AS TEXT) IS NULL OR \"crn\" = $2) AND "
                                    "(CAST($3 AS TEXT) IS NULL OR \"at\" >= $3) AND (CAST($4 AS TEXT) IS NULL OR "
                                    "\"at\" < $4) ORDER BY \"seq\"");
    if (!st) return db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, q->actor);
    ck_stmt_bind_text(st, 2, q->crn);
    ck_stmt_bind_text(st, 3, from[0] ? from : NULL);
    ck_stmt_bind_text(st, 4, to[0] ? to : NULL);
    ck_rc out = CK_OK;
    while (ck_txn_next(db, st, "audit log: search", &out, err, err_len)) {
        ck_audit_entry e;
        read_entry(st, &e);
        if (!fn(ctx, &e)) break;
    }
    ck_stmt_reset(st);
    return out;
}
