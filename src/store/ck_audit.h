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
 * before the commit, and the lock is held only for the commit itself.
 *
 * Entries name accounts by username and cases by CRN; the detail is a short
 * note ("contacts/C12", "q=smith", "results=3"). The log is personal data
 * too: it is read through `casekeeper audit`, never served over HTTP. */
#ifndef CK_AUDIT_H
#define CK_AUDIT_H
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_roles.h"

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

/* Appends one entry by p (its username, client and request id) inside the
 * caller's open transaction; make it the last statement before the commit.
 * CK_ERR_DB with the reason in err (also when no transaction is open). */
ck_rc ck_audit_append(ck_db *db, const ck_principal *p, const char *action, const char *crn, const char *record,
                      const char *detail, char *err, size_t err_len);
/* The same in a transaction of its own (must be called outside one). */
ck_rc ck_audit_record(ck_db *db, const ck_principal *p, const char *action, const char *crn, const char *record,
                      const char *detail, char *err, size_t err_len);

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
