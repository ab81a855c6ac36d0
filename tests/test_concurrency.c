/* Many people at once, on a real server over SQLite and PostgreSQL: readers
 * of a case (JSON API), writers adding contacts to it, the head of PDU
 * loading the inspection pages and a read transaction held open for the
 * whole run (a long computation) all at the same time. No request may fail
 * with a 5xx, every acknowledged write must be in the case afterwards, every
 * answered read must be in the audit log, and the chain must verify. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_audit.h"
#include "ck_txn.h"
#include <pthread.h>

enum { READERS = 4, WRITERS = 3, READS = 20, WRITES = 8, PAGE_LOADS = 3 };

static ck_date pinned_today(void) { return ck_test_date(CK_TEST_MANAGE_TODAY); }

typedef struct run {
    uint16_t port;
    char token[CK_API_TOKEN_LEN + 1]; /* a practitioner's: case:read, case:write */
    char head_cookie[128];            /* the head of PDU's session */
} run;

typedef struct client {
    const run *r;
    int id;
    int ok;                     /* requests answered as expected */
    bool acked[WRITES];         /* writers: which contacts got 201 */
    char fault[512];            /* the first unexpected answer */
} client;

/* One request on a connection of its own; the status, or 0 with no answer. */
static int request(const client *c, const char *method, const char *path, const char *cookie, const char *body)
{
    th_conn conn;
    th_resp resp;
    char extra[512] = "";
    if (cookie) snprintf(extra, sizeof extra, "Cookie: %s\r\n", cookie);
    else snprintf(extra, sizeof extra, "Authorization: Bearer %s\r\n", c->r->token);
    if (!th_connect(&conn, c->r->port)) return 0;
    bool sent = th_send(&conn, method, path, extra, "application/json", body);
    bool got = sent && th_recv(&conn, &resp);
    th_close(&conn);
    if (!got) return 0;
    int status = resp.status;
    th_resp_free(&resp);
    return status;
}

static void note(client *c, const char *what, int status, int want)
{
    if (status == want) {
        c->ok++;
        return;
    }
    if (!c->fault[0]) snprintf(c->fault, sizeof c->fault, "client %d: %s answered %d, expected %d", c->id, what, status, want);
}

static void *reader_main(void *arg)
{
    client *c = arg;
    for (int i = 0; i < READS; i++) note(c, "GET /api/v1/cases/M000004", request(c, "GET", "/api/v1/cases/M000004", NULL, NULL), 200);
    return NULL;
}

static void *writer_main(void *arg)
{
    client *c = arg;
    for (int i = 0; i < WRITES; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"id\":\"CW%d%02d\",\"event\":\"E1\",\"date\":\"2025-05-%02d\",\"type\":\"COAP\"}",
                 c->id, i, 10 + i);
        int status = request(c, "POST", "/api/v1/cases/M000004/contacts", NULL, body);
        c->acked[i] = status == 201;
        note(c, "POST /api/v1/cases/M000004/contacts", status, 201);
    }
    return NULL;
}

static void *inspector_main(void *arg)
{
    client *c = arg;
    for (int i = 0; i < PAGE_LOADS; i++) {
        note(c, "GET /inspection", request(c, "GET", "/inspection", c->r->head_cookie, NULL), 200);
        note(c, "GET /inspection/key-questions/A2", request(c, "GET", "/inspection/key-questions/A2", c->r->head_cookie, NULL),
             200);
    }
    return NULL;
}

static int64_t count(ck_db *db, const char *sql, const char *text)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    if (text) ck_stmt_bind_text(st, 1, text);
    if (ck_stmt_step(st) != CK_DB_ROW) fail_msg("%s", ck_db_errmsg(db));
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

static void test_readers_writers_and_inspection(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    ck_test_manage_fixture(db, &app.engine);
    tw_accounts(db);
    run r;
    char err[512];
    ck_principal sys;
    ck_principal_system(&sys, "test");
    ck_test_ok(ck_token_add(db, &sys, "n07p022", (1u << CK_PERM_CASE_READ) | (1u << CK_PERM_CASE_WRITE), NULL,
                            (int64_t)time(NULL), 0, r.token, NULL, err, sizeof err),
               err);
    int64_t audited_before = count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = $1", "case.read");
    tw_server s;
    memset(&s, 0, sizeof s);
    tw_start(&s, app, NULL, url, 4);
    r.port = s.port;
    tw_sign_in_as(s.port, "n07p012", r.head_cookie, sizeof r.head_cookie);

    /* A long read: a read transaction held open across the whole run. */
    ck_db *longread = ck_db_open(url, err, sizeof err);
    if (!longread) fail_msg("%s", err);
    ck_test_ok(ck_txn_begin_read(longread, err, sizeof err), err);
    int64_t contacts_seen = count(longread, "SELECT count(*) FROM \"contacts\"", NULL);

    client c[READERS + WRITERS + 1];
    pthread_t t[READERS + WRITERS + 1];
    for (int i = 0; i < READERS + WRITERS + 1; i++) {
        c[i] = (client){.r = &r, .id = i};
        void *(*fn)(void *) = i < READERS ? reader_main : i < READERS + WRITERS ? writer_main : inspector_main;
        assert_int_equal(pthread_create(&t[i], NULL, fn, &c[i]), 0);
    }
    for (int i = 0; i < READERS + WRITERS + 1; i++) pthread_join(t[i], NULL);

    /* The long read still sees its snapshot, and ends without trouble. */
    assert_int_equal(count(longread, "SELECT count(*) FROM \"contacts\"", NULL), contacts_seen);
    ck_test_ok(ck_txn_finish(longread, CK_OK, err, sizeof err), err);
    ck_db_close(longread);
    tw_stop(&s);

    for (int i = 0; i < READERS + WRITERS + 1; i++)
        if (c[i].fault[0]) fail_msg("%s", c[i].fault);
    /* Every acknowledged contact is in the case. */
    ck_case *kase = NULL;
    ck_test_ok(ck_cases_get(db, "M000004", &kase, err, sizeof err), err);
    int acked = 0;
    for (int i = READERS; i < READERS + WRITERS; i++)
        for (int k = 0; k < WRITES; k++) {
            if (!c[i].acked[k]) continue;
            acked++;
            char id[16];
            snprintf(id, sizeof id, "CW%d%02d", c[i].id, k);
            bool found = false;
            for (size_t j = 0; j < kase->n_contacts && !found; j++) found = strcmp(kase->contacts[j].id, id) == 0;
            if (!found) fail_msg("contact %s was acknowledged but is not in the case", id);
        }
    ck_case_free(kase);
    assert_int_equal(acked, WRITERS * WRITES);
    /* Every answered read is in the audit log, and the chain holds. */
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = $1", "case.read") - audited_before,
                     READERS * READS);
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = $1", "record.add"),
                     WRITERS * WRITES);
    int64_t n = 0, bad = 0;
    char why[256], head[CK_AUDIT_HASH_HEX + 1];
    ck_test_ok(ck_audit_verify(db, &n, &bad, why, sizeof why, head, err, sizeof err), err);
    if (bad) fail_msg("audit chain: %s", why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_readers_writers_and_inspection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
