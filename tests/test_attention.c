/* store/ck_attention on SQLite and PostgreSQL: the unanswered safeguarding
 * checks of one holder's cases (oldest first, the reader's case filter
 * applied, totals beyond the limit), and the victim liaison officer of a
 * team's PDU (in post only). */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_manage.h"
#include "ck_attention.h"

#define TODAY "2025-06-02"

static void org(ck_db *db)
{
    static const char *const lines[] = {
        "{\"kind\":\"region\",\"code\":\"R1\",\"name\":\"London\"}",
        "{\"kind\":\"pdu\",\"code\":\"P1\",\"region\":\"R1\",\"name\":\"North\"}",
        "{\"kind\":\"pdu\",\"code\":\"P2\",\"region\":\"R1\",\"name\":\"South\"}",
        "{\"kind\":\"team\",\"code\":\"T1\",\"pdu\":\"P1\",\"name\":\"Team one\"}",
        "{\"kind\":\"team\",\"code\":\"T2\",\"pdu\":\"P1\",\"name\":\"Victim liaison\"}",
        "{\"kind\":\"team\",\"code\":\"T3\",\"pdu\":\"P2\",\"name\":\"Team three\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P002\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Kim\",\"surname\":\"Ahmed\"}",
        "{\"kind\":\"staff\",\"code\":\"N07V001\",\"team\":\"T2\",\"grade\":\"VLO\",\"forename\":\"Vic\",\"surname\":\"Gone\","
        "\"left_on\":\"2025-05-01\"}",
        "{\"kind\":\"staff\",\"code\":\"N07V002\",\"team\":\"T2\",\"grade\":\"VLO\",\"forename\":\"Val\",\"surname\":\"Liaison\"}",
    };
    ck_test_load_org(db, lines, sizeof lines / sizeof *lines);
}

#define CHECK(id, kind, req, rec)                                                                          \
    "{\"id\":\"" id "\",\"kind\":\"" kind "\",\"requested\":\"" req "\",\"received\":" rec "}"

static ck_db *fill(void **state)
{
    ck_db *db = ck_test_db_get(state);
    org(db);
    /* N07P001: two unanswered on A000001 (one police, one children's), one
     * answered; one unanswered on A000002. N07P002: one unanswered. */
    ck_test_put_case(db, "A000001", "T1", "N07P001", "PO", NULL,
                     ",\"checks\":[" CHECK("K1", "police_da", "2025-05-20", "null") "," CHECK(
                         "K2", "childrens_services", "2025-05-21", "null") "," CHECK("K3", "police_da", "2025-04-01",
                                                                                    "\"2025-04-10\"") "]",
                     TODAY);
    ck_test_put_case(db, "A000002", "T1", "N07P001", "PO", NULL,
                     ",\"checks\":[" CHECK("K1", "police_da", "2025-03-02", "null") "]", TODAY);
    ck_test_put_case(db, "A000003", "T1", "N07P002", "PO", NULL,
                     ",\"checks\":[" CHECK("K1", "police_da", "2025-05-02", "null") "]", TODAY);
    return db;
}

static void test_pending_checks(void **state)
{
    ck_db *db = fill(state);
    ck_pending_checks *l = NULL;
    char err[512];
    ck_test_ok(ck_attention_pending_checks(db, "N07P001", NULL, 10, &l, err, sizeof err), err);
    assert_int_equal(l->total, 3);
    assert_int_equal(l->n, 3);
    /* Oldest request first; the answered K3 is not there. */
    assert_string_equal(l->items[0].crn, "A000002");
    assert_string_equal(l->items[1].id, "K1");
    assert_string_equal(l->items[1].kind, "police_da");
    assert_string_equal(l->items[2].id, "K2");
    assert_string_equal(l->items[2].kind, "childrens_services");
    assert_int_equal(l->items[2].requested, ck_test_date("2025-05-21"));
    assert_string_equal(l->items[0].forename, "P");
    ck_pending_checks_free(l);
    /* A limit keeps the total. */
    ck_test_ok(ck_attention_pending_checks(db, "N07P001", NULL, 1, &l, err, sizeof err), err);
    assert_int_equal(l->total, 3);
    assert_int_equal(l->n, 1);
    ck_pending_checks_free(l);
    /* The reader's filter: only A000001. */
    ck_case_filter f = {.sql = "\"cases\".\"crn\" = $1", .binds = {"A000001"}, .n_binds = 1};
    ck_test_ok(ck_attention_pending_checks(db, "N07P001", &f, 10, &l, err, sizeof err), err);
    assert_int_equal(l->total, 2);
    assert_string_equal(l->items[0].crn, "A000001");
    ck_pending_checks_free(l);
    ck_test_ok(ck_attention_pending_checks(db, "N07P009", NULL, 10, &l, err, sizeof err), err);
    assert_int_equal(l->total, 0);
    assert_int_equal(l->n, 0);
    ck_pending_checks_free(l);
}

static void test_liaison(void **state)
{
    ck_db *db = fill(state);
    ck_arena a;
    ck_arena_init(&a);
    const char *name = NULL;
    char err[512];
    /* N07V001 left: the one in post, in another team of the same PDU. */
    ck_test_ok(ck_attention_liaison(db, "T1", ck_test_date(TODAY), &a, &name, err, sizeof err), err);
    assert_non_null(name);
    assert_string_equal(name, "Val Liaison");
    /* Before N07V001 left, the first by code. */
    ck_test_ok(ck_attention_liaison(db, "T1", ck_test_date("2025-04-01"), &a, &name, err, sizeof err), err);
    assert_string_equal(name, "Vic Gone");
    /* A PDU with none, and no team. */
    ck_test_ok(ck_attention_liaison(db, "T3", ck_test_date(TODAY), &a, &name, err, sizeof err), err);
    assert_null(name);
    ck_test_ok(ck_attention_liaison(db, NULL, ck_test_date(TODAY), &a, &name, err, sizeof err), err);
    assert_null(name);
    ck_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_pending_checks),
        CK_DB_TEST(test_liaison),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
