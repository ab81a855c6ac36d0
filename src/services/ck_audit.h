/* ck_audit: the audit log, an append-only hash chain in the database.
 *
 * Every read of a case or of victims' details and every write is appended
 * (who, when, what, which record, from where, which request). Each entry's
 * hash is SHA-256 over the previous entry's hash and the entry's canonical
 * content (seq, at, actor, action, crn, record, client, request_id, detail;
 * each written as "LEN:BYTES\n", or "-\n" for NULL, after the line
 * "casekeeper-audit-v1\n"), so changing, removing or reordering any entry
 * breaks the chain from there on, and ck_audit_verify names the first entry
 * that does not hold.
 *
 * Appends are serialised by locking the chain's head row (audit_head) until
 * the transaction ends: FOR UPDATE on PostgreSQL; on SQLite every write
 * transaction already holds the database's write lock. So append last, just
 * before the commit, and the lock is held only for the commit itself. With
 * several servers on one PostgreSQL database every appender queues on that
 * row, so there is one chain: no two entries get one seq, none is lost.
 *
 * A write appends its entry in its own transaction (ck_audit_append), so the
 * change and its record commit or roll back together. A read has nothing to
 * commit: its entries go to the audit appender (below), one connection per
 * server that writes the entries queued by all readers in batches, one write
 * transaction per batch (group commit): a reader that finds nobody writing
 * writes the batch itself, else the appender's thread takes what queued
 * meanwhile once the batch being written is done. The reader waits for its
 * batch's commit before it answers, so no read is served unrecorded, but
 * readers never queue on the database's write lock themselves.
 *
 * Entries name accounts by username and cases by CRN; the detail is a short
 * note ("contacts/C12", "q=smith", "results=3"). The log is personal data
 * too: it is read through `casekeeper audit`, never served over HTTP. */
#ifndef CK_AUDIT_H
#define CK_AUDIT_H
#include "ck_db.h"
#include "ck_metrics.h"
#include "ck_rc.h"
#include "ck_roles.h"
#include "ck_worklist.h"

#define CK_AUDIT_HASH_HEX 64
#define CK_AUDIT_AT_LEN 28 /* "2025-11-03T10:22:33.123456Z" + NUL */

typedef struct ck_audit_entry {
    int64_t seq;
    const char *at;         /* UTC, microseconds */
    const char *actor;      /* the principal's username ("cli:alice" for the command line) */
    const char *action;     /* "case.read", "record.add", "victim.read", "user.add", ... */
    const char *crn;        /* may be NULL */
    const char *record;     /* "contacts/C12", a username, ...; may be NULL */
    const char *client;     /* address; may be NULL */
    const char *request_id; /* may be NULL */
    const char *detail;     /* may be NULL */
    const char *prev_hash, *hash;
} ck_audit_entry;

/* One entry of what p did, without the who. */
typedef struct ck_audit_note {
    const char *action, *crn, *record, *detail; /* as in ck_audit_entry; crn, record and detail may be NULL */
} ck_audit_note;

/* Appends one entry by p (its username, client and request id) inside the
 * caller's open write transaction; make it the last statement before the
 * commit. CK_ERR_DB with the reason in err (also when no transaction, or a
 * read transaction, is open). */
ck_rc ck_audit_append(ck_db *db, const ck_principal *p, const char *action, const char *crn, const char *record,
                      const char *detail, char *err, size_t err_len);
/* The same for n entries, in order, locking the head once. */
ck_rc ck_audit_append_notes(ck_db *db, const ck_principal *p, const ck_audit_note *notes, size_t n, char *err,
                            size_t err_len);

/* Records entries of something that wrote nothing (a read, a refusal), all
 * or none, once any read transaction is over: through db's audit appender
 * (ck_db_audit_sink) when it has one, waiting for the batch's commit, else
 * in a write transaction of its own. Must be called outside a write
 * transaction. CK_ERR_DB with the reason when they could not be recorded:
 * then do not answer with what was read. */
ck_rc ck_audit_reads(ck_db *db, const ck_principal *p, const ck_audit_note *notes, size_t n, char *err,
                     size_t err_len);
/* A condition on a read's entries (a worklist page served from the page
 * cache, http/ck_wl_cache): the page's scope is still at version v
 * (store/ck_worklist), checked by the database in the statement or
 * transaction that appends the entries, so as of after the caller asked. */
typedef struct ck_audit_guard {
    const char *scope;
    ck_worklist_version v;
} ck_audit_guard;
/* As ck_audit_reads, the entries recorded only if g holds (NULL: always):
 * CK_ERR_STALE, nothing recorded, when it does not. The check and the
 * append take no round trip more than the append alone on PostgreSQL (the
 * appender's one-statement batch), so a caller may check a version this
 * way instead of reading it first. */
ck_rc ck_audit_reads_if(ck_db *db, const ck_principal *p, const ck_audit_note *notes, size_t n,
                        const ck_audit_guard *g, char *err, size_t err_len);
/* One such entry. */
ck_rc ck_audit_record(ck_db *db, const ck_principal *p, const char *action, const char *crn, const char *record,
                      const char *detail, char *err, size_t err_len);

/* ---- The audit appender -------------------------------------------------------------- */

typedef struct ck_audit_appender ck_audit_appender;
/* Starts the appender (its thread, for batches queued while one is being
 * written) over a connection of its own to db_url (a
 * file or server database: an in-memory SQLite database would be another
 * database). NULL with the reason in err. */
ck_audit_appender *ck_audit_appender_start(const char *db_url, char *err, size_t err_len);
/* Writes what is queued, then stops the thread. NULL-safe. */
void ck_audit_appender_stop(ck_audit_appender *a);
/* Queues p's entries (kept together, in order) and waits for the commit of
 * the batch that holds them (written by the caller itself when no batch was
 * being written). Safe from any thread. */
ck_rc ck_audit_appender_submit(ck_audit_appender *a, const ck_principal *p, const ck_audit_note *notes, size_t n,
                               char *err, size_t err_len);
/* The same, written only if g holds (ck_audit_reads_if); NULL g: always. */
ck_rc ck_audit_appender_submit_if(ck_audit_appender *a, const ck_principal *p, const ck_audit_note *notes, size_t n,
                                  const ck_audit_guard *g, char *err, size_t err_len);
/* Batches committed and entries written so far (for tests and benchmarks). */
void ck_audit_appender_counts(ck_audit_appender *a, uint64_t *batches, uint64_t *entries);
/* Of those batches, how many took one statement without a transaction of
 * their own (PostgreSQL, the chain's head where this appender left it). */
uint64_t ck_audit_appender_fast(ck_audit_appender *a);
/* Every appender of the process, for /metrics: entries queued and not yet
 * taken into a batch, the entries of each batch committed, and the batches
 * that failed (their readers were answered with an error). */
typedef struct ck_audit_metrics {
    ck_gauge queued;
    ck_histogram batch_entries;
    ck_counter batches_failed;
} ck_audit_metrics;
extern ck_audit_metrics ck_audit_stats;

/* Walks the whole chain. CK_OK when it could be read: then *bad is 0 when
 * every entry holds, else the seq of the first entry that does not, with why
 * in why ("entry 17: its content does not match its hash (altered)").
 * *entries is how many were read; head gets the last hash. */
ck_rc ck_audit_verify(ck_db *db, int64_t *entries, int64_t *bad, char *why, size_t why_len,
                      char head[CK_AUDIT_HASH_HEX + 1], char *err, size_t err_len);

/* Entries matching every condition given (NULL: any), in seq order. from and
 * to are dates (YYYY-MM-DD, UTC), both inclusive. fn returns false to stop. */
typedef struct ck_audit_query {
    const char *actor, *crn;
    ck_date from, to; /* CK_NODATE: unbounded */
} ck_audit_query;
ck_rc ck_audit_search(ck_db *db, const ck_audit_query *q, bool (*fn)(void *ctx, const ck_audit_entry *e), void *ctx,
                      char *err, size_t err_len);

/* The hash of entry e after an entry whose hash was prev (hex). */
void ck_audit_hash(const char *prev, const ck_audit_entry *e, char out[CK_AUDIT_HASH_HEX + 1]);

#endif
