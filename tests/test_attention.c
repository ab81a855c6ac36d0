/* store/ck_attention on SQLite and PostgreSQL: the unanswered safeguarding
 * checks of one holder's cases (oldest first, the reader's case filter
 * applied, totals beyond the limit), the tier changes the tier writers keep
 * (store/ck_caseload on a case write, ck_store_put_profiles on recompute and
 * import) and the victim liaison officer of a team's PDU (in post only). */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_manage.h"
#include "ck_attention.h"
#include "ck_caseload.h"
#include "ck_store.h"
#include "ck_txn.h"

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

/* The case's stored tier columns: tier, tier_previous and tier_missing (""
 * when NULL) and tier_changed_on. */
typedef struct stored_tier {
    int64_t id;
    char tier[16], previous[16], missing[160];
    ck_date changed_on, as_of;
} stored_tier;

static stored_tier read_tier(ck_db *db, const char *crn)
{
    stored_tier t = {0};
    ck_stmt *st = ck_db_prepare(db, "SELECT \"case_id\", \"tier\", \"tier_previous\", \"tier_changed_on\", \"tier_as_of\","
                                    " \"tier_missing\" FROM \"cases\" WHERE \"crn\" = $1");
    assert_non_null(st);
    ck_stmt_bind_text(st, 1, crn);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    t.id = ck_stmt_int(st, 0);
    snprintf(t.tier, sizeof t.tier, "%s", ck_stmt_text(st, 1) ? ck_stmt_text(st, 1) : "");
    snprintf(t.previous, sizeof t.previous, "%s", ck_stmt_text(st, 2) ? ck_stmt_text(st, 2) : "");
    t.changed_on = ck_stmt_date(st, 3);
    t.as_of = ck_stmt_date(st, 4);
    snprintf(t.missing, sizeof t.missing, "%s", ck_stmt_text(st, 5) ? ck_stmt_text(st, 5) : "");
    ck_stmt_reset(st);
    return t;
}

/* One case write's tier (ck_caseload_store_profile) or a recompute's batch
 * (ck_store_put_profiles), each in a write transaction as their callers run
 * them. The rest of the profile is marked incomplete: never read as one. */
static void set_tier(ck_db *db, const char *crn, const char *tier, const char *on, bool batch)
{
    char err[512];
    int64_t id = read_tier(db, crn).id;
    ck_test_ok(ck_txn_begin_write(db, err, sizeof err), err);
    ck_wprofile p = {.complete = false, .tier_missing = "rsr"};
    snprintf(p.tier, sizeof p.tier, "%s", tier);
    const ck_wprofile *pp = &p;
    ck_rc rc = batch ? ck_store_put_profiles(db, 1, &id, &pp, ck_test_date(on), err, sizeof err)
                     : ck_caseload_store_profile(db, id, &p, ck_test_date(on), err, sizeof err);
    ck_test_ok(ck_txn_finish(db, rc, err, sizeof err), err);
}

static void test_tier_change_stored(void **state)
{
    ck_db *db = fill(state);
    /* The first tier stored (by ck_cases_create) is no change. */
    stored_tier t = read_tier(db, "A000001");
    assert_true(t.tier[0] != '\0');
    assert_string_equal(t.previous, "");
    assert_int_equal(t.changed_on, CK_NODATE);
    const char *first = strcmp(t.tier, "C2") == 0 ? "C3" : "C2";
    for (int batch = 0; batch < 2; batch++) {
        const char *next = batch ? "B2" : first, *prev = batch ? first : t.tier;
        const char *on = batch ? "2025-05-20" : "2025-05-01", *later = batch ? "2025-05-25" : "2025-05-10";
        set_tier(db, "A000001", next, on, batch);
        stored_tier c = read_tier(db, "A000001");
        assert_string_equal(c.tier, next);
        assert_string_equal(c.previous, prev);
        assert_string_equal(c.missing, "rsr"); /* written with the tier, by both writers */
        assert_int_equal(c.changed_on, ck_test_date(on));
        /* The same tier again: only the date it was computed at moves. */
        set_tier(db, "A000001", next, later, batch);
        c = read_tier(db, "A000001");
        assert_string_equal(c.tier, next);
        assert_string_equal(c.previous, prev);
        assert_int_equal(c.changed_on, ck_test_date(on));
        assert_int_equal(c.as_of, ck_test_date(later));
    }
    /* A recompute of the unchanged case through the case write path. */
    char err[512];
    ck_engine eng = ck_engine_default();
    set_tier(db, "A000002", "D1", "2025-04-01", false);
    stored_tier before = read_tier(db, "A000002");
    ck_case *c = NULL;
    ck_test_ok(ck_cases_get(db, "A000002", &c, err, sizeof err), err);
    ck_test_ok(ck_txn_begin_write(db, err, sizeof err), err);
    ck_rc rc = ck_caseload_refresh(db, before.id, c, NULL, ck_test_date(TODAY), eng.cfg, err, sizeof err);
    ck_test_ok(ck_txn_finish(db, rc, err, sizeof err), err);
    ck_wprofile recomputed;
    ck_wprofile_of(c, ck_test_date(TODAY), eng.cfg, &recomputed);
    ck_case_free(c);
    stored_tier after = read_tier(db, "A000002");
    assert_string_equal(after.tier, recomputed.tier);
    /* What a provisional tier lacks is stored with it (issue 20). */
    assert_string_equal(after.missing, recomputed.tier_missing);
    assert_string_equal(after.previous, "D1");
    assert_int_equal(after.changed_on, ck_test_date(TODAY));
    ck_test_ok(ck_cases_get(db, "A000002", &c, err, sizeof err), err);
    ck_test_ok(ck_txn_begin_write(db, err, sizeof err), err);
    rc = ck_caseload_refresh(db, before.id, c, NULL, ck_test_date("2025-06-03"), eng.cfg, err, sizeof err);
    ck_case_free(c);
    ck_test_ok(ck_txn_finish(db, rc, err, sizeof err), err);
    after = read_tier(db, "A000002");
    assert_string_equal(after.previous, "D1");
    assert_int_equal(after.changed_on, ck_test_date(TODAY));
}

static void test_tier_changes(void **state)
{
    ck_db *db = fill(state);
    set_tier(db, "A000001", "C2", "2025-05-01", false);
    set_tier(db, "A000001", "B2", "2025-05-20", true);
    set_tier(db, "A000002", "D1", "2025-04-01", false);
    set_tier(db, "A000002", "D2", "2025-04-20", false);
    set_tier(db, "A000003", "A1", "2025-05-01", false);
    set_tier(db, "A000003", "A2", "2025-05-21", false);
    ck_tier_changes *l = NULL;
    char err[512];
    ck_test_ok(ck_attention_tier_changes(db, "N07P001", NULL, NULL, ck_test_date("2025-05-05"), 10, &l, err, sizeof err),
               err);
    assert_int_equal(l->total, 1);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->items[0].crn, "A000001");
    assert_string_equal(l->items[0].previous, "C2");
    assert_string_equal(l->items[0].tier, "B2");
    assert_string_equal(l->items[0].tier_missing, "rsr");
    assert_int_equal(l->items[0].changed_on, ck_test_date("2025-05-20"));
    assert_string_equal(l->items[0].surname, "Q");
    ck_tier_changes_free(l);
    /* Newest first; a limit keeps the total. */
    ck_test_ok(ck_attention_tier_changes(db, "N07P001", NULL, NULL, ck_test_date("2025-04-01"), 1, &l, err, sizeof err),
               err);
    assert_int_equal(l->total, 2);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->items[0].crn, "A000001");
    ck_tier_changes_free(l);
    /* The reader's filter. */
    ck_case_filter f = {.sql = "\"cases\".\"crn\" = $1", .binds = {"A000002"}, .n_binds = 1};
    ck_test_ok(ck_attention_tier_changes(db, "N07P001", NULL, &f, ck_test_date("2025-04-01"), 10, &l, err, sizeof err),
               err);
    assert_int_equal(l->total, 1);
    assert_string_equal(l->items[0].previous, "D1");
    assert_string_equal(l->items[0].tier, "D2");
    ck_tier_changes_free(l);
    /* One case by CRN; ending supervision is not a changed tier. */
    ck_test_ok(ck_attention_tier_changes(db, NULL, "A000003", NULL, ck_test_date("2025-05-05"), 10, &l, err, sizeof err),
               err);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->items[0].tier, "A2");
    ck_tier_changes_free(l);
    set_tier(db, "A000003", "NOT_SUPERVISED", "2025-05-30", false);
    ck_test_ok(ck_attention_tier_changes(db, NULL, "A000003", NULL, ck_test_date("2025-05-05"), 10, &l, err, sizeof err),
               err);
    assert_int_equal(l->total, 0);
    ck_tier_changes_free(l);
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
        CK_DB_TEST(test_tier_change_stored),
        CK_DB_TEST(test_tier_changes),
        CK_DB_TEST(test_liaison),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
