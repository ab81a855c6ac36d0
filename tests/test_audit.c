/* The audit log's hash chain (store/ck_audit) on SQLite and PostgreSQL:
 * verification finds an altered, removed, reordered or truncated entry and
 * names the first; concurrent appends from many connections keep one chain;
 * search by actor, CRN and dates; casekeeper audit verify and search. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_audit.h"
#include "ck_cli.h"
#include "ck_txn.h"
#include <pthread.h>
#include <sodium.h>

static void expect_rc(ck_rc got, ck_rc want, const char *err)
{
    if (got != want) fail_msg("rc %d, expected %d: %s", got, want, err);
}

static void append(ck_db *db, const char *actor, const char *action, const char *crn, const char *detail)
{
    char err[512];
    ck_principal p;
    ck_principal_system(&p, actor);
    snprintf(p.client, sizeof p.client, "192.0.2.7");
    snprintf(p.request_id, sizeof p.request_id, "req-%s", action);
    expect_rc(ck_audit_record(db, &p, action, crn, crn ? "contacts/C1" : NULL, detail, err, sizeof err), CK_OK, err);
}

static void exec(ck_db *db, const char *sql)
{
    if (ck_db_exec(db, sql) != CK_DB_OK) fail_msg("%s: %s", sql, ck_db_errmsg(db));
}

/* Verifies; returns the first bad entry (0 when intact) with why. */
static int64_t verify(ck_db *db, int64_t *entries, char *why, size_t why_len)
{
    char err[512], head[CK_AUDIT_HASH_HEX + 1];
    int64_t n = 0, bad = 0;
    expect_rc(ck_audit_verify(db, &n, &bad, why, why_len, head, err, sizeof err), CK_OK, err);
    if (entries) *entries = n;
    return bad;
}

static void five(ck_db *db)
{
    append(db, "alice", "case.read", "X1", NULL);
    append(db, "bob", "record.add", "X2", "note");
    append(db, "alice", "case.search", NULL, "q=smith results=3");
    append(db, "carol", "case.read", "X1", NULL);
    append(db, "alice", "victim.read", "X3", "victims=1");
}

static void test_chain_intact(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char why[256];
    int64_t n = -1;
    assert_int_equal(verify(db, &n, why, sizeof why), 0);
    assert_int_equal(n, 0);
    five(db);
    assert_int_equal(verify(db, &n, why, sizeof why), 0);
    assert_int_equal(n, 5);
    /* Each hash is recomputable from its content and the previous hash. */
    ck_stmt *st = ck_db_prepare(db, "SELECT \"seq\", \"at\", \"actor\", \"action\", \"crn\", \"record\", \"client\", "
                                    "\"request_id\", \"detail\", \"prev_hash\", \"hash\" FROM \"audit_log\" WHERE \"seq\" = 2");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    ck_audit_entry e = {ck_stmt_int(st, 0), ck_stmt_text(st, 1), ck_stmt_text(st, 2), ck_stmt_text(st, 3),
                        ck_stmt_text(st, 4), ck_stmt_text(st, 5), ck_stmt_text(st, 6), ck_stmt_text(st, 7),
                        ck_stmt_text(st, 8), ck_stmt_text(st, 9), ck_stmt_text(st, 10)};
    char h[CK_AUDIT_HASH_HEX + 1];
    ck_audit_hash(e.prev_hash, &e, h);
    assert_string_equal(h, e.hash);
    assert_string_equal(e.actor, "bob");
    assert_string_equal(e.client, "192.0.2.7");
    assert_string_equal(e.request_id, "req-record.add");
    assert_string_equal(e.record, "contacts/C1");
    ck_stmt_reset(st);
    /* An append outside a transaction is refused: it must share the change's. */
    char err[256];
    ck_principal p;
    ck_principal_system(&p, "x");
    expect_rc(ck_audit_append(db, &p, "case.read", NULL, NULL, NULL, err, sizeof err), CK_ERR_DB, err);
}

/* One way of tampering with the five entries of five(): the statements that
 * do it, the entry verification must name first, and what its reason says. */
typedef struct tampering {
    const char *sql[4];
    int64_t first_bad;
    const char *why[2];
} tampering;

static void expect_found(void **state, const tampering *t)
{
    ck_db *db = ck_test_db_get(state);
    char why[256];
    five(db);
    for (size_t i = 0; i < sizeof t->sql / sizeof *t->sql && t->sql[i]; i++) exec(db, t->sql[i]);
    assert_int_equal(verify(db, NULL, why, sizeof why), t->first_bad);
    for (size_t i = 0; i < sizeof t->why / sizeof *t->why && t->why[i]; i++)
        if (!strstr(why, t->why[i])) fail_msg("no \"%s\" in \"%s\"", t->why[i], why);
}

static void test_altered(void **state)
{
    expect_found(state, &(tampering){{"UPDATE \"audit_log\" SET \"actor\" = 'mallory' WHERE \"seq\" = 3"},
                                     3, {"entry 3", "altered"}});
}

static void test_altered_with_rehash(void **state)
{
    /* Changing an entry and recomputing its own hash still breaks the next link. */
    expect_found(state, &(tampering){{"UPDATE \"audit_log\" SET \"detail\" = 'nothing to see', \"hash\" = "
                                      "'1111111111111111111111111111111111111111111111111111111111111111' "
                                      "WHERE \"seq\" = 2"},
                                     2, {NULL}});
}

static void test_removed(void **state)
{
    expect_found(state, &(tampering){{"DELETE FROM \"audit_log\" WHERE \"seq\" = 2"}, 2, {"removed"}});
}

static void test_removed_and_renumbered(void **state)
{
    expect_found(state, &(tampering){{"DELETE FROM \"audit_log\" WHERE \"seq\" = 2",
                                      "UPDATE \"audit_log\" SET \"seq\" = \"seq\" - 1 WHERE \"seq\" = 3",
                                      "UPDATE \"audit_log\" SET \"seq\" = \"seq\" - 1 WHERE \"seq\" = 4",
                                      "UPDATE \"audit_log\" SET \"seq\" = \"seq\" - 1 WHERE \"seq\" = 5"},
                                     2, {NULL}});
}

static void test_reordered(void **state)
{
    expect_found(state, &(tampering){{"UPDATE \"audit_log\" SET \"seq\" = 100 WHERE \"seq\" = 3",
                                      "UPDATE \"audit_log\" SET \"seq\" = 3 WHERE \"seq\" = 4",
                                      "UPDATE \"audit_log\" SET \"seq\" = 4 WHERE \"seq\" = 100"},
                                     3, {"entry 3"}});
}

static void test_truncated(void **state)
{
    expect_found(state, &(tampering){{"DELETE FROM \"audit_log\" WHERE \"seq\" = 5"}, 5, {"head"}});
}

/* Every field of the canonical content is in the hash (ck_audit.h): each one
 * of entry 2, altered alone without rehashing, is found and named; put back,
 * the chain holds again. Entry 1 has no detail: an empty one is a change too. */
static void test_every_field_hashed(void **state)
{
    ck_db *db = ck_test_db_get(state);
    static const char *const cols[] = {"at", "actor", "action", "crn", "record", "client", "request_id", "detail"};
    char why[256], sql[256];
    five(db);
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        snprintf(sql, sizeof sql, "UPDATE \"audit_log\" SET \"%s\" = \"%s\" || 'x' WHERE \"seq\" = 2", cols[i], cols[i]);
        exec(db, sql);
        if (verify(db, NULL, why, sizeof why) != 2 || !strstr(why, "altered"))
            fail_msg("%s altered: \"%s\"", cols[i], why);
        snprintf(sql, sizeof sql,
                 "UPDATE \"audit_log\" SET \"%s\" = substr(\"%s\", 1, length(\"%s\") - 1) WHERE \"seq\" = 2",
                 cols[i], cols[i], cols[i]);
        exec(db, sql);
        assert_int_equal(verify(db, NULL, why, sizeof why), 0);
    }
    exec(db, "UPDATE \"audit_log\" SET \"detail\" = '' WHERE \"seq\" = 1");
    assert_int_equal(verify(db, NULL, why, sizeof why), 1);
    assert_non_null(strstr(why, "altered"));
}

/* The stored prev_hash must name the entry before: altered alone (the hash
 * still computed over the true previous hash) it is found. */
static void test_prev_hash_altered(void **state)
{
    expect_found(state, &(tampering){{"UPDATE \"audit_log\" SET \"prev_hash\" = "
                                      "'1111111111111111111111111111111111111111111111111111111111111111' "
                                      "WHERE \"seq\" = 3"},
                                     3, {"entry 3", "does not follow"}});
}

/* The last entry removed and the head's hash set to the new last entry's,
 * its sequence number left: the head's seq gives it away. */
static void test_truncated_head_rehashed(void **state)
{
    expect_found(state, &(tampering){{"DELETE FROM \"audit_log\" WHERE \"seq\" = 5",
                                      "UPDATE \"audit_head\" SET \"hash\" = "
                                      "(SELECT \"hash\" FROM \"audit_log\" WHERE \"seq\" = 4) WHERE \"id\" = 1"},
                                     5, {"entry 5", "head"}});
}

/* The head's hash altered, every entry intact: the log does not end where
 * its head says. */
static void test_head_hash_altered(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char why[256];
    five(db);
    exec(db, "UPDATE \"audit_head\" SET \"hash\" = "
             "'2222222222222222222222222222222222222222222222222222222222222222' WHERE \"id\" = 1");
    assert_int_not_equal(verify(db, NULL, why, sizeof why), 0);
    assert_non_null(strstr(why, "head"));
}

/* ck_audit_hash against the format ck_audit.h documents, computed here
 * independently: SHA-256 over the previous hash's 32 bytes, the line
 * "casekeeper-audit-v1\n", then seq, at, actor, action, crn, record, client,
 * request_id, detail, each as "LEN:BYTES\n" or "-\n" for NULL. */
static void test_hash_format(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    static const char prev[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    ck_audit_entry e = {42, "2025-11-03T10:22:33.123456Z", "alice", "case.read", NULL, "", "192.0.2.7", NULL,
                        "q=smith", prev, NULL};
    static const char canon[] = "casekeeper-audit-v1\n"
                                "2:42\n"
                                "27:2025-11-03T10:22:33.123456Z\n"
                                "5:alice\n"
                                "9:case.read\n"
                                "-\n"
                                "0:\n"
                                "9:192.0.2.7\n"
                                "-\n"
                                "7:q=smith\n";
    unsigned char buf[32 + sizeof canon], digest[crypto_hash_sha256_BYTES];
    size_t got = 0;
    assert_int_equal(sodium_hex2bin(buf, 32, prev, 64, NULL, &got, NULL), 0);
    assert_int_equal(got, 32);
    memcpy(buf + 32, canon, sizeof canon - 1);
    crypto_hash_sha256(digest, buf, 32 + sizeof canon - 1);
    char want[CK_AUDIT_HASH_HEX + 1], h[CK_AUDIT_HASH_HEX + 1];
    sodium_bin2hex(want, sizeof want, digest, sizeof digest);
    ck_audit_hash(prev, &e, h);
    assert_string_equal(h, want);
    /* The first entry follows no entry: 32 zero bytes. */
    memset(buf, 0, 32);
    crypto_hash_sha256(digest, buf, 32 + sizeof canon - 1);
    sodium_bin2hex(want, sizeof want, digest, sizeof digest);
    ck_audit_hash("0000000000000000000000000000000000000000000000000000000000000000", &e, h);
    assert_string_equal(h, want);
}

typedef struct worker {
    const char *url;
    int id;
    char err[512];
} worker;

enum { THREADS = 8, PER_THREAD = 25 };

static void *append_many(void *arg)
{
    worker *w = arg;
    ck_db *db = ck_db_open(w->url, w->err, sizeof w->err);
    if (!db) return NULL;
    ck_principal p;
    char who[32];
    snprintf(who, sizeof who, "worker%d", w->id);
    ck_principal_system(&p, who);
    for (int i = 0; i < PER_THREAD; i++)
        if (ck_audit_record(db, &p, "case.read", "X1", NULL, NULL, w->err, sizeof w->err) != CK_OK) break;
    ck_db_close(db);
    return NULL;
}

/* Appends from many connections at once are serialised: one chain, no gaps. */
static void test_concurrent_appends(void **state)
{
    ck_db *db = ck_test_db_get(state);
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){ck_test_db_url(state, 0), i, ""};
        assert_int_equal(pthread_create(&t[i], NULL, append_many, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        if (w[i].err[0]) fail_msg("worker %d: %s", i, w[i].err);
    char why[256];
    int64_t n;
    assert_int_equal(verify(db, &n, why, sizeof why), 0);
    assert_int_equal(n, THREADS * PER_THREAD);
}

/* ---- The appender ------------------------------------------------------------------ */

typedef struct reader {
    ck_audit_appender *a;
    int id;
    char err[512];
} reader;

enum { READERS = 8, PER_READER = 30 };

/* Each submit is two entries that must land next to each other. */
static void *submit_many(void *arg)
{
    reader *r = arg;
    ck_principal p;
    char who[32];
    snprintf(who, sizeof who, "reader%d", r->id);
    ck_principal_system(&p, who);
    for (int i = 0; i < PER_READER; i++) {
        char crn[16];
        snprintf(crn, sizeof crn, "R%d-%d", r->id, i);
        ck_audit_note notes[2] = {{"case.read", crn, NULL, NULL}, {"victim.read", crn, "victims", "victims=1"}};
        if (ck_audit_appender_submit(r->a, &p, notes, 2, r->err, sizeof r->err) != CK_OK) break;
    }
    return NULL;
}

/* Writers appending in their own transactions (as case writes do) while
 * readers go through appenders: the chain takes both. */
static void *write_many(void *arg)
{
    worker *w = arg;
    ck_db *db = ck_db_open(w->url, w->err, sizeof w->err);
    if (!db) return NULL;
    ck_principal p;
    ck_principal_system(&p, "writer");
    for (int i = 0; i < PER_THREAD; i++) {
        if (ck_txn_begin_write(db, w->err, sizeof w->err) != CK_OK) break;
        ck_rc rc = ck_audit_append(db, &p, "record.add", "W1", "contacts/C1", NULL, w->err, sizeof w->err);
        if (ck_txn_finish(db, rc, w->err, sizeof w->err) != CK_OK) break;
    }
    ck_db_close(db);
    return NULL;
}

/* Two appenders on one database (two servers on one PostgreSQL, or two on
 * one SQLite file) and writers, all at once: one chain, every entry in it
 * once, each reader's pair of entries adjacent and in order. */
static void test_two_appenders(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    ck_audit_appender *a[2];
    for (int i = 0; i < 2; i++) {
        a[i] = ck_audit_appender_start(ck_test_db_url(state, 0), err, sizeof err);
        if (!a[i]) fail_msg("%s", err);
    }
    pthread_t rt[READERS], wt[2];
    reader r[READERS];
    worker w[2];
    for (int i = 0; i < READERS; i++) {
        r[i] = (reader){a[i % 2], i, ""};
        assert_int_equal(pthread_create(&rt[i], NULL, submit_many, &r[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        w[i] = (worker){ck_test_db_url(state, 0), i, ""};
        assert_int_equal(pthread_create(&wt[i], NULL, write_many, &w[i]), 0);
    }
    for (int i = 0; i < READERS; i++) pthread_join(rt[i], NULL);
    for (int i = 0; i < 2; i++) pthread_join(wt[i], NULL);
    uint64_t batches[2], entries[2];
    for (int i = 0; i < 2; i++) {
        ck_audit_appender_counts(a[i], &batches[i], &entries[i]);
        ck_audit_appender_stop(a[i]);
    }
    for (int i = 0; i < READERS; i++)
        if (r[i].err[0]) fail_msg("reader %d: %s", i, r[i].err);
    for (int i = 0; i < 2; i++)
        if (w[i].err[0]) fail_msg("writer %d: %s", i, w[i].err);
    assert_int_equal(entries[0] + entries[1], READERS * PER_READER * 2);
    assert_true(batches[0] >= 1 && batches[0] <= entries[0]);
    char why[256];
    int64_t n;
    if (verify(db, &n, why, sizeof why) != 0) fail_msg("%s", why);
    assert_int_equal(n, READERS * PER_READER * 2 + 2 * PER_THREAD);
    /* Every victim.read directly follows the case.read of the same submit. */
    ck_stmt *st = ck_db_prepare(db, "SELECT count(*) FROM \"audit_log\" \"v\" JOIN \"audit_log\" \"c\" ON "
                                    "\"c\".\"seq\" = \"v\".\"seq\" - 1 WHERE \"v\".\"action\" = 'victim.read' AND "
                                    "\"c\".\"action\" = 'case.read' AND \"c\".\"crn\" = \"v\".\"crn\" AND "
                                    "\"c\".\"actor\" = \"v\".\"actor\"");
    assert_non_null(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), READERS * PER_READER);
    ck_stmt_reset(st);
}

/* An appender on the test's database, and the system account "reader" whose
 * entries it is given. */
static ck_audit_appender *reader_appender(void **state, ck_principal *p)
{
    char err[512];
    ck_audit_appender *a = ck_audit_appender_start(ck_test_db_url(state, 0), err, sizeof err);
    if (!a) fail_msg("%s", err);
    ck_principal_system(p, "reader");
    return a;
}

/* The appender's one-statement batches (PostgreSQL): taken while the head
 * is where the appender left it, not after a write moved it on (then the
 * batch is appended under the head's lock, once), and the chain holds. */
static void test_appender_head_moved(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    ck_principal p;
    ck_audit_appender *a = reader_appender(state, &p);
    ck_audit_note note = {"case.read", "X1", NULL, NULL};
    expect_rc(ck_audit_appender_submit(a, &p, &note, 1, err, sizeof err), CK_OK, err); /* head unknown yet */
    expect_rc(ck_audit_appender_submit(a, &p, &note, 1, err, sizeof err), CK_OK, err); /* where it left it */
    append(db, "writer", "record.add", "X2", NULL);                                     /* moves the head */
    expect_rc(ck_audit_appender_submit(a, &p, &note, 1, err, sizeof err), CK_OK, err); /* moved: under the lock */
    ck_audit_note two[2] = {{"case.read", "X3", NULL, NULL}, {"victim.read", "X3", "victims", NULL}};
    expect_rc(ck_audit_appender_submit(a, &p, two, 2, err, sizeof err), CK_OK, err);
    uint64_t fast = ck_audit_appender_fast(a), batches, entries;
    ck_audit_appender_counts(a, &batches, &entries);
    ck_audit_appender_stop(a);
    assert_int_equal(batches, 4);
    assert_int_equal(entries, 5);
    assert_int_equal(fast, ck_db_kind(db) == CK_DB_PG ? 2 : 0);
    char why[256];
    int64_t n;
    if (verify(db, &n, why, sizeof why) != 0) fail_msg("%s", why);
    assert_int_equal(n, 6);
    ck_stmt *st = ck_db_prepare(db, "SELECT \"crn\" FROM \"audit_log\" ORDER BY \"seq\"");
    const char *want[] = {"X1", "X1", "X2", "X1", "X3", "X3"};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_string_equal(ck_stmt_text(st, 0), want[i]);
    }
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);
}

/* Guarded reads (ck_audit_reads_if; a worklist page served from the page
 * cache): recorded while the auth epoch and the page's versions are the
 * ones given, refused with CK_ERR_STALE and nothing recorded once any of
 * the three has moved on, through the appender (its one-statement batch on
 * PostgreSQL, the batch under the head's lock otherwise) and without it. */
static void test_guarded_reads(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    ck_principal p;
    ck_audit_appender *a = reader_appender(state, &p);
    ck_audit_note note = {"worklist.read", NULL, NULL, "staff=N1 results=0"};
    ck_audit_guard g = {.scope = "s:N1"};
    expect_rc(ck_worklist_version_read(db, g.scope, &g.v, err, sizeof err), CK_OK, err);
    expect_rc(ck_audit_appender_submit_if(a, &p, &note, 1, &g, err, sizeof err), CK_OK, err); /* head unknown yet */
    expect_rc(ck_audit_appender_submit_if(a, &p, &note, 1, &g, err, sizeof err), CK_OK, err); /* one statement on PG */
    const char *moves[] = {"UPDATE \"worklist_versions\" SET \"n\" = \"n\" + 1 WHERE \"scope\" = '*'",
                           "INSERT INTO \"worklist_versions\" (\"scope\", \"n\") VALUES ('s:N1', 7)",
                           "UPDATE \"auth_epoch\" SET \"n\" = \"n\" + 1 WHERE \"id\" = 1"};
    int recorded = 2;
    for (size_t i = 0; i < sizeof moves / sizeof *moves; i++) {
        exec(db, moves[i]);
        expect_rc(ck_audit_appender_submit_if(a, &p, &note, 1, &g, err, sizeof err), CK_ERR_STALE, err);
        assert_non_null(strstr(err, "s:N1"));
        expect_rc(ck_audit_reads_if(db, &p, &note, 1, &g, err, sizeof err), CK_ERR_STALE, err);
        expect_rc(ck_worklist_version_read(db, g.scope, &g.v, err, sizeof err), CK_OK, err);
        expect_rc(ck_audit_appender_submit_if(a, &p, &note, 1, &g, err, sizeof err), CK_OK, err);
        expect_rc(ck_audit_reads_if(db, &p, &note, 1, &g, err, sizeof err), CK_OK, err);
        recorded += 2;
    }
    assert_int_equal(g.v.scope, 7);
    /* Unguarded entries are not held back by a guard that fails beside them. */
    expect_rc(ck_audit_appender_submit_if(a, &p, &note, 1, NULL, err, sizeof err), CK_OK, err);
    recorded++;
    uint64_t fast = ck_audit_appender_fast(a), batches, entries;
    ck_audit_appender_counts(a, &batches, &entries);
    ck_audit_appender_stop(a);
    assert_int_equal(entries, (uint64_t)recorded - 3);
    /* On PostgreSQL a guarded batch is still one statement: the second
     * one, and each fresh one after a stale one (which wrote nothing, so
     * the head stayed where the appender left it). The last one follows a
     * direct append, which moved the head. */
    assert_int_equal(fast, ck_db_kind(db) == CK_DB_PG ? 4 : 0);
    char why[256];
    int64_t n;
    if (verify(db, &n, why, sizeof why) != 0) fail_msg("%s", why);
    assert_int_equal(n, recorded);
}

/* A read transaction held open on one connection (a long inspection page)
 * stops neither the appender nor a writer on others, and a write inside a
 * read transaction is refused rather than taking the write lock. */
static void test_read_tx_blocks_nobody(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    five(db);
    ck_db *reader_db = ck_db_open(ck_test_db_url(state, 0), err, sizeof err);
    if (!reader_db) fail_msg("%s", err);
    expect_rc(ck_txn_begin_read(reader_db, err, sizeof err), CK_OK, err);
    assert_true(ck_db_in_read_tx(reader_db));
    ck_stmt *st = ck_db_prepare(reader_db, "SELECT count(*) FROM \"audit_log\"");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 5);
    ck_stmt_reset(st);
    ck_audit_appender *a = ck_audit_appender_start(ck_test_db_url(state, 0), err, sizeof err);
    if (!a) fail_msg("%s", err);
    ck_principal p;
    ck_principal_system(&p, "other");
    ck_audit_note note = {"case.read", "X1", NULL, NULL};
    expect_rc(ck_audit_appender_submit(a, &p, &note, 1, err, sizeof err), CK_OK, err);
    ck_audit_appender_stop(a);
    append(db, "writer", "record.add", "X2", NULL); /* a write transaction on a third connection */
    /* The reader still sees its snapshot: five entries, not seven. */
    st = ck_db_prepare(reader_db, "SELECT count(*) FROM \"audit_log\"");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 5);
    ck_stmt_reset(st);
    /* An audit append needs a write transaction; so does any write. */
    expect_rc(ck_audit_append(reader_db, &p, "case.read", NULL, NULL, NULL, err, sizeof err), CK_ERR_DB, err);
    assert_int_not_equal(ck_db_exec(reader_db, "UPDATE \"audit_head\" SET \"seq\" = 0"), CK_DB_OK);
    ck_db_rollback(reader_db);
    assert_false(ck_db_in_read_tx(reader_db));
    /* After it the connection writes again. */
    expect_rc(ck_audit_record(reader_db, &p, "case.read", "X3", NULL, NULL, err, sizeof err), CK_OK, err);
    ck_db_close(reader_db);
    char why[256];
    int64_t n;
    if (verify(db, &n, why, sizeof why) != 0) fail_msg("%s", why);
    assert_int_equal(n, 8);
}

static bool collect(void *ctx, const ck_audit_entry *e)
{
    ck_buf *b = ctx;
    ck_buf_printf(b, "%lld:%s:%s;", (long long)e->seq, e->actor, e->action);
    return true;
}

static void test_search(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[256];
    five(db);
    ck_buf b = CK_BUF_INIT;
    ck_audit_query q = {"alice", NULL, CK_NODATE, CK_NODATE};
    expect_rc(ck_audit_search(db, &q, collect, &b, err, sizeof err), CK_OK, err);
    assert_string_equal(ck_buf_cstr(&b), "1:alice:case.read;3:alice:case.search;5:alice:victim.read;");
    ck_buf_reset(&b);
    q = (ck_audit_query){NULL, "X1", CK_NODATE, CK_NODATE};
    expect_rc(ck_audit_search(db, &q, collect, &b, err, sizeof err), CK_OK, err);
    assert_string_equal(ck_buf_cstr(&b), "1:alice:case.read;4:carol:case.read;");
    /* Dates are inclusive days: today finds all five, yesterday none. */
    ck_buf_reset(&b);
    ck_date today = ck_date_today();
    q = (ck_audit_query){NULL, NULL, today, today};
    expect_rc(ck_audit_search(db, &q, collect, &b, err, sizeof err), CK_OK, err);
    assert_non_null(strstr(ck_buf_cstr(&b), "5:alice"));
    ck_buf_reset(&b);
    q = (ck_audit_query){NULL, NULL, CK_NODATE, today - 1};
    expect_rc(ck_audit_search(db, &q, collect, &b, err, sizeof err), CK_OK, err);
    assert_string_equal(ck_buf_cstr(&b), "");
    ck_buf_free(&b);
}

/* casekeeper audit verify: exit 0 when intact, 1 naming the first bad entry. */
static int run_cli(char *const *argv, char *out, size_t out_len)
{
    char path[] = "/tmp/ck-audit-out.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) fail_msg("mkstemp");
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    dup2(fd, 1);
    dup2(fd, 2);
    int argc = 0;
    while (argv[argc]) argc++;
    int rc = -1;
    for (const ck_command *c = ck_commands; c->name; c++)
        if (strcmp(c->name, argv[0]) == 0) rc = c->run(argc, (char **)argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, out, out_len - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return rc;
}

static void test_cli(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char url[1100], out[8192];
    snprintf(url, sizeof url, "%s", ck_test_db_url(state, 0));
    five(db);
    char *verify_argv[] = {"audit", "verify", "--db", url, NULL};
    assert_int_equal(run_cli(verify_argv, out, sizeof out), 0);
    assert_non_null(strstr(out, "5 entries"));
    char *search_argv[] = {"audit", "search", "--db", url, "--user", "alice", "--crn", "X3", NULL};
    assert_int_equal(run_cli(search_argv, out, sizeof out), 0);
    assert_non_null(strstr(out, "\"action\":\"victim.read\""));
    assert_null(strstr(out, "case.search"));
    char *bad_argv[] = {"audit", "search", "--db", url, "--from", "yesterday", NULL};
    assert_int_equal(run_cli(bad_argv, out, sizeof out), 2);
    exec(db, "UPDATE \"audit_log\" SET \"crn\" = 'X9' WHERE \"seq\" = 4");
    assert_int_equal(run_cli(verify_argv, out, sizeof out), 1);
    assert_non_null(strstr(out, "entry 4"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_chain_intact),      CK_DB_TEST(test_altered), CK_DB_TEST(test_altered_with_rehash),
        CK_DB_TEST(test_removed),           CK_DB_TEST(test_removed_and_renumbered), CK_DB_TEST(test_reordered),
        CK_DB_TEST(test_truncated),         CK_DB_TEST(test_concurrent_appends), CK_DB_TEST(test_search),
        CK_DB_TEST(test_cli),               CK_DB_TEST(test_two_appenders), CK_DB_TEST(test_appender_head_moved), CK_DB_TEST(test_guarded_reads),
        CK_DB_TEST(test_read_tx_blocks_nobody),
        CK_DB_TEST(test_every_field_hashed), CK_DB_TEST(test_prev_hash_altered),
        CK_DB_TEST(test_truncated_head_rehashed), CK_DB_TEST(test_head_hash_altered),
        cmocka_unit_test(test_hash_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
