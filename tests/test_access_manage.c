/* Management writes through the access layer (store/ck_access), on SQLite
 * and PostgreSQL: checked, written and audited in one transaction, a refusal
 * or a failed audit append leaves nothing behind; and the command line's
 * writes (import, allocate, access, recompute) leave audit records naming
 * the operator. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_cli.h"
#include "ck_test_manage.h"
#include "ck_access.h"
#include "ck_audit.h"
#include "ck_cli.h"
#include "ck_users.h"
#include <pwd.h>
#include <sodium.h>

/* Why a case goes to someone over capacity (required then). */
#define OVER_REASON "the only officer trained in this area"

static ck_date today(void) { return ck_test_date(CK_TEST_MANAGE_TODAY); }

static void principal(ck_principal *p, const char *username, ck_role role, const char *staff, const char *team)
{
    ck_principal_system(p, username);
    p->role = role;
    snprintf(p->place.staff, sizeof p->place.staff, "%s", staff);
    snprintf(p->place.team, sizeof p->place.team, "%s", team);
    snprintf(p->place.pdu, sizeof p->place.pdu, "N07PDU1");
    snprintf(p->place.region, sizeof p->place.region, "N07");
}

static int64_t count(ck_db *db, const char *sql, const char *a, const char *b)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    if (a) ck_stmt_bind_text(st, 1, a);
    if (b) ck_stmt_bind_text(st, 2, b);
    if (ck_stmt_step(st) != CK_DB_ROW) fail_msg("%s", ck_db_errmsg(db));
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

/* Entries with this action and actor. */
static int64_t audited(ck_db *db, const char *action, const char *actor)
{
    return count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = $1 AND \"actor\" = $2", action, actor);
}

static int64_t allocations_to(ck_db *db, const char *crn, const char *staff)
{
    return count(db, "SELECT count(*) FROM \"allocations\" JOIN \"cases\" ON \"cases\".\"case_id\" = "
                     "\"allocations\".\"case_id\" WHERE \"cases\".\"crn\" = $1 AND \"allocations\".\"staff_code\" = $2",
                 crn, staff);
}

static void chain_holds(ck_db *db)
{
    int64_t n = 0, bad = 0;
    char why[256], head[CK_AUDIT_HASH_HEX + 1], err[512];
    ck_test_ok(ck_audit_verify(db, &n, &bad, why, sizeof why, head, err, sizeof err), err);
    if (bad) fail_msg("audit chain: %s", why);
}

static void test_manage_writes_audited_in_one_transaction(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    ck_test_manage_fixture(db, &eng);
    char err[1024];
    ck_manage_cfg mc;
    ck_test_ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);
    ck_principal spo, po, head;
    principal(&spo, "n07p020", CK_ROLE_SPO, "N07P020", "N07T02");
    principal(&po, "n07p001", CK_ROLE_PRACTITIONER, "N07P001", "N07T01");
    principal(&head, "n07p012", CK_ROLE_HEAD_OF_PDU, "N07P012", "N07T01");

    /* A practitioner may not allocate: refused, nothing written or audited. */
    assert_int_equal(ck_access_allocate(db, &po, &eng, &mc, "M000006", "N07P022", NULL, today(), err, sizeof err),
                     CK_ERR_DENIED);
    assert_int_equal(allocations_to(db, "M000006", "N07P022"), 0);
    assert_int_equal(audited(db, "manage.allocate", "n07p001"), 0);

    /* With the audit log out of reach the append fails: the
     * allocation is rolled back with it. */
    assert_int_equal(ck_db_exec(db, "ALTER TABLE \"audit_log\" RENAME TO \"audit_log_away\""), CK_DB_OK);
    assert_int_equal(ck_access_allocate(db, &spo, &eng, &mc, "M000006", "N07P022", OVER_REASON, today(), err, sizeof err),
                     CK_ERR_DB);
    assert_non_null(strstr(err, "audit log"));
    assert_int_equal(allocations_to(db, "M000006", "N07P022"), 0);
    assert_int_equal(ck_db_exec(db, "ALTER TABLE \"audit_log_away\" RENAME TO \"audit_log\""), CK_DB_OK);

    /* N07P022 is over capacity with the case: refused without a reason (a
     * blank one is none), naming the field; nothing written or audited. */
    for (int blank = 0; blank < 2; blank++) {
        assert_int_equal(ck_access_allocate(db, &spo, &eng, &mc, "M000006", "N07P022", blank ? " \t" : NULL, today(),
                                            err, sizeof err),
                         CK_ERR_INVALID);
        assert_non_null(strstr(err, "reason: N07P022 would be at "));
        assert_non_null(strstr(err, "% of capacity with case M000006"));
        assert_int_equal(allocations_to(db, "M000006", "N07P022"), 0);
        assert_int_equal(audited(db, "manage.allocate", "n07p020"), 0);
    }

    /* Allowed with the reason: written, and audited (with the reason) in the
     * same transaction. */
    ck_test_ok(ck_access_allocate(db, &spo, &eng, &mc, "M000006", "N07P022", OVER_REASON, today(), err, sizeof err), err);
    assert_int_equal(allocations_to(db, "M000006", "N07P022"), 1);
    /* The case names who changed it last (a stale form is told so). */
    assert_int_equal(count(db, "SELECT count(*) FROM \"cases\" WHERE \"crn\" = $1 AND \"changed_by\" = $2", "M000006",
                           "n07p020"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = 'manage.allocate' AND "
                               "\"crn\" = $1 AND \"detail\" = $2",
                           "M000006", "N07P022; over capacity: " OVER_REASON),
                     1);

    /* The other management writes, each with its record. */
    ck_alloc_moves *moved = NULL;
    ck_test_ok(ck_access_reallocate(db, &spo, &eng, &mc, "N07P021", "N07P022", today(), &moved, err, sizeof err), err);
    assert_int_equal(moved->n, 3);
    ck_alloc_moves_free(moved);
    assert_int_equal(audited(db, "manage.reallocate", "n07p020"), 1);
    size_t cases = 0;
    ck_test_ok(ck_access_staff_leaves(db, &spo, &eng, "N07P023", today(), false, today(), &cases, err, sizeof err), err);
    assert_int_equal(audited(db, "manage.leaving", "n07p020"), 1);
    ck_test_ok(ck_access_org_rating(db, &head, "N07PDU1", CK_STD_STAFF, CK_RATING_GOOD, "Supervision audit", "n07p012",
                                    today(), err, sizeof err),
               err);
    assert_int_equal(audited(db, "manage.org_rating", "n07p012"), 1);
    /* A head of PDU rates only their own PDU. */
    assert_int_not_equal(ck_access_org_rating(db, &head, "N99PDU9", CK_STD_STAFF, CK_RATING_GOOD, "x", "n07p012", today(),
                                              err, sizeof err),
                         CK_OK);
    ck_principal sys;
    ck_principal_system(&sys, "qa.officer");
    int64_t sample = 0;
    ck_test_ok(ck_access_qa_draw(db, &sys, "N07PDU1", 2, 7, ck_test_date("2025-01-01"), ck_test_date("2025-05-31"),
                                 "qa.officer", today(), &sample, err, sizeof err),
               err);
    assert_int_equal(audited(db, "manage.qa_draw", "qa.officer"), 1);
    char crn[16] = "";
    ck_stmt *st = ck_db_prepare(db, "SELECT \"crn\" FROM \"qa_sample_cases\" WHERE \"sample_id\" = CAST($1 AS BIGINT) "
                                    "ORDER BY \"crn\" LIMIT 1");
    assert_non_null(st);
    ck_stmt_bind_int(st, 1, sample);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    snprintf(crn, sizeof crn, "%s", ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    ck_test_ok(ck_access_qa_answer(db, &sys, sample, crn, CK_STD_PLANNING, true, NULL, "qa.officer", today(), err,
                                   sizeof err),
               err);
    assert_int_equal(audited(db, "manage.qa_answer", "qa.officer"), 1);
    chain_holds(db);
}

/* ---- The command line ---------------------------------------------------------------- */

/* Runs a casekeeper command in this process; its exit status (its standard
 * error shown when it fails). */
static int run_cli(int (*cmd)(int, char **), const char *const *args)
{
    char err[4096];
    int rc = ck_test_run_cmd(err, sizeof err, cmd, args);
    if (rc != 0) fprintf(stderr, "%s: exit %d\n%s\n", args[0], rc, err);
    return rc;
}

static void test_cli_writes_audited(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    ck_test_manage_fixture(db, &eng);
    char url[1100], who[80];
    snprintf(url, sizeof url, "%s", ck_test_db_url(state, 0));
    const struct passwd *pw = getpwuid(geteuid());
    snprintf(who, sizeof who, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");

    /* import: who, the file's SHA-256, the CRNs it created. */
    char file[] = "/tmp/ck-am-import-XXXXXX";
    int fd = mkstemp(file);
    if (fd < 0) fail_msg("mkstemp");
    const char *lines =
        "{\"crn\":\"Q000001\",\"team\":\"N07T02\",\"person\":{\"forename\":\"A\",\"surname\":\"B\"},\"events\":[{\"id\":\"E1\","
        "\"offences\":[{\"id\":\"O1\",\"category\":\"theft\",\"main\":true}],\"sentence\":{\"type\":\"community_order\","
        "\"date\":\"2025-01-06\",\"end_date\":\"2026-01-05\"}}]}\n"
        "{\"crn\":\"Q000002\",\"team\":\"N07T02\",\"person\":{\"forename\":\"C\",\"surname\":\"D\"},\"events\":[{\"id\":\"E1\","
        "\"offences\":[{\"id\":\"O1\",\"category\":\"theft\",\"main\":true}],\"sentence\":{\"type\":\"community_order\","
        "\"date\":\"2025-01-06\",\"end_date\":\"2026-01-05\"}}]}\n";
    assert_int_equal(write(fd, lines, strlen(lines)), (ssize_t)strlen(lines));
    close(fd);
    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha[2 * crypto_hash_sha256_BYTES + 1], detail[128];
    crypto_hash_sha256(digest, (const unsigned char *)lines, strlen(lines));
    sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
    snprintf(detail, sizeof detail, "sha256=%s cases=2", sha);
    const char *const import_argv[] = {"import", "--db", url, "--as-of", CK_TEST_MANAGE_TODAY, file, NULL};
    assert_int_equal(run_cli(ck_cmd_import, import_argv), 0);
    unlink(file);
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = 'import' AND \"actor\" = $1 "
                               "AND \"detail\" = $2",
                           who, detail),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = 'case.import' AND \"actor\" = $1 "
                               "AND \"crn\" IN ('Q000001', 'Q000002')",
                           who, NULL),
                     2);

    /* allocate (over capacity: refused without --reason, the web's rule),
     * access, recompute. */
    const char *const refused_argv[] = {"allocate", "--db", url, "--case", "Q000001", "--staff", "N07P022", "--as-of",
                                        CK_TEST_MANAGE_TODAY, NULL};
    assert_int_equal(run_cli(ck_cmd_allocate, refused_argv), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = 'manage.allocate' AND "
                               "\"crn\" = $1",
                           "Q000001", NULL),
                     0);
    const char *const allocate_argv[] = {"allocate", "--db", url, "--case", "Q000001", "--staff", "N07P022", "--as-of",
                             CK_TEST_MANAGE_TODAY, "--reason", OVER_REASON, NULL};
    assert_int_equal(run_cli(ck_cmd_allocate, allocate_argv), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = 'manage.allocate' AND "
                               "\"actor\" = $1 AND \"crn\" = $2 AND \"detail\" = 'N07P022; over capacity: " OVER_REASON "'",
                           who, "Q000001"),
                     1);
    /* Its domain event, in the same transaction: one allocation.changed; the
     * refused attempt raised none. */
    assert_int_equal(count(db, "SELECT count(*) FROM \"domain_events\" WHERE \"type\" = $1 AND \"crn\" = $2",
                           "allocation.changed", "Q000001"),
                     1);
    ck_principal sys;
    ck_principal_system(&sys, "test");
    char err[512];
    ck_test_ok(ck_user_add(db, &sys, "kim", CK_ROLE_PRACTITIONER, "N07P004", "a long enough passphrase", 0, NULL, err,
                           sizeof err),
               err);
    const char *const access_argv[] = {"access", "exclude", "--db", url, "--crn", "Q000002", "--user", "kim", NULL};
    assert_int_equal(run_cli(ck_cmd_access, access_argv), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM \"audit_log\" WHERE \"action\" = 'lao.add' AND \"actor\" = $1 "
                               "AND \"crn\" = $2",
                           who, "Q000002"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM \"domain_events\" WHERE \"type\" = $1 AND \"crn\" = $2",
                           "access.granted", "Q000002"),
                     1);
    /* recompute: the exact counts. No recompute has run on this database, so
     * the first is a full one (every case evaluated, "all"); every case was
     * evaluated at this same date by the same engine when it was last
     * written, so none changes. */
    const char *const recompute_argv[] = {"recompute", "--db", url, "--as-of", CK_TEST_MANAGE_TODAY, NULL};
    assert_int_equal(run_cli(ck_cmd_recompute, recompute_argv), 0);
    assert_int_equal(audited(db, "cases.recompute", who), 1);
    ck_stmt *st = ck_db_prepare(db, "SELECT \"detail\" FROM \"audit_log\" WHERE \"action\" = 'cases.recompute'");
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "as_of=" CK_TEST_MANAGE_TODAY " cases=9 evaluated=9 changed=0 all");
    ck_stmt_reset(st);
    chain_holds(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_manage_writes_audited_in_one_transaction),
        CK_DB_TEST(test_cli_writes_audited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
