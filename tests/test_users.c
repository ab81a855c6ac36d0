/* Accounts, passwords, sign-in throttling, sessions and API tokens
 * (store/ck_users) on SQLite and PostgreSQL. Times are passed in, so
 * timeouts and back-off are tested by moving the clock, never by waiting. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_security.h"
#include <pthread.h>
#include <strings.h>

static void expect_rc(ck_rc got, ck_rc want, const char *err)
{
    if (got != want) fail_msg("rc %d, expected %d: %s", got, want, err);
}

static ck_principal sys_principal(void)
{
    ck_principal p;
    ck_principal_system(&p, "test");
    return p;
}

/* A sign-in at `now`; returns whether it succeeded (token into tok). */
static bool sign_in(ck_db *db, const char *user, const char *pw, const char *addr, int64_t now,
                    char tok[CK_TOKEN_HEX + 1])
{
    char err[512], spare[CK_TOKEN_HEX + 1];
    bool ok = false;
    ck_principal who;
    expect_rc(ck_sign_in(db, user, pw, addr, "req-1", now, &ok, tok ? tok : spare, &who, err, sizeof err), CK_OK, err);
    if (ok && strcasecmp(who.username, user) != 0) fail_msg("signed in as %s, not %s", who.username, user);
    return ok;
}

static int64_t count(ck_db *db, const char *sql)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("%s: %s", sql, ck_db_errmsg(db));
    if (ck_stmt_step(st) != CK_DB_ROW) fail_msg("%s: %s", sql, ck_db_errmsg(db));
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

static void test_accounts(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    ck_principal sys = sys_principal();
    sec_org_import(db);
    int64_t id = 0;
    expect_rc(ck_user_add(db, &sys, "pat.one", CK_ROLE_PRACTITIONER, "N07P001", SEC_PASSWORD, SEC_NOW, &id, err,
                          sizeof err),
              CK_OK, err);
    assert_true(id > 0);
    expect_rc(ck_user_add(db, &sys, "pat.one", CK_ROLE_QA, NULL, NULL, SEC_NOW, NULL, err, sizeof err), CK_ERR_EXISTS,
              err);
    expect_rc(ck_user_add(db, &sys, "Pat One", CK_ROLE_QA, NULL, NULL, SEC_NOW, NULL, err, sizeof err), CK_ERR_INVALID,
              err);
    assert_non_null(strstr(err, "username"));
    expect_rc(ck_user_add(db, &sys, "nostaff", CK_ROLE_VLO, NULL, NULL, SEC_NOW, NULL, err, sizeof err),
              CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "staff"));
    expect_rc(ck_user_add(db, &sys, "ghost", CK_ROLE_SPO, "N07X999", NULL, SEC_NOW, NULL, err, sizeof err),
              CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "N07X999"));
    expect_rc(ck_user_add(db, &sys, "shortpw", CK_ROLE_QA, NULL, "short", SEC_NOW, NULL, err, sizeof err),
              CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "password"));
    expect_rc(ck_user_add(db, &sys, "auditor", CK_ROLE_QA, NULL, NULL, SEC_NOW, NULL, err, sizeof err), CK_OK, err);

    ck_user u;
    expect_rc(ck_user_get(db, "pat.one", &u, err, sizeof err), CK_OK, err);
    assert_int_equal(u.role, CK_ROLE_PRACTITIONER);
    assert_string_equal(u.staff, "N07P001");
    assert_true(u.has_password);
    assert_false(u.disabled || u.locked);
    expect_rc(ck_user_get(db, "auditor", &u, err, sizeof err), CK_OK, err);
    assert_false(u.has_password);
    assert_string_equal(u.staff, "");
    /* The stored hash is Argon2id, never the password. */
    assert_int_equal(count(db, "SELECT COUNT(*) FROM \"users\" WHERE \"password_hash\" LIKE '$argon2id$%'"), 1);
    ck_role r;
    assert_false(ck_role_parse("system", &r));
}

static void test_passwords(void **state)
{
    (void)state;
    char h[CK_PWHASH_STRBYTES], why[200], gen[CK_PASSWORD_GEN_LEN + 1], gen2[CK_PASSWORD_GEN_LEN + 1];
    assert_true(ck_password_hash(SEC_PASSWORD, h));
    assert_true(ck_password_verify(h, SEC_PASSWORD));
    assert_false(ck_password_verify(h, "correct horse battery stapler"));
    assert_false(ck_password_verify(NULL, SEC_PASSWORD));
    assert_false(ck_password_ok("eleven char", why, sizeof why));
    assert_true(ck_password_ok("twelve chars", why, sizeof why));
    assert_false(ck_password_ok("tab\there is bad", why, sizeof why));
    ck_password_generate(gen);
    ck_password_generate(gen2);
    assert_int_equal(strlen(gen), CK_PASSWORD_GEN_LEN);
    assert_true(ck_password_ok(gen, why, sizeof why));
    assert_string_not_equal(gen, gen2);
}

static void *hash_one(void *arg)
{
    char h[CK_PWHASH_STRBYTES];
    *(bool *)arg = ck_password_hash("a burst of sign-ins", h);
    return NULL;
}

/* Twelve hashes at once never run more than CK_PWHASH_MAX_CONCURRENT at a
 * time (each holds 64 MiB), yet do run side by side. */
static void test_hash_concurrency_bounded(void **state)
{
    (void)state;
    enum { N = 12 };
    pthread_t t[N];
    bool ok[N];
    for (int i = 0; i < N; i++) assert_int_equal(pthread_create(&t[i], NULL, hash_one, &ok[i]), 0);
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_true(ok[i]);
    }
    unsigned peak = ck_password_peak();
    if (peak > CK_PWHASH_MAX_CONCURRENT || peak < 2)
        fail_msg("peak concurrent hashes %u, expected 2..%d", peak, CK_PWHASH_MAX_CONCURRENT);
}

static void test_sign_in_and_sessions(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512], tok[CK_TOKEN_HEX + 1], csrf1[CK_TOKEN_HEX + 1], csrf2[CK_TOKEN_HEX + 1];
    sec_world(db, true, ck_date_ymd(2025, 11, 3));
    assert_true(sign_in(db, "vlo", SEC_PASSWORD, "10.0.0.1", SEC_NOW, tok));
    assert_int_equal(strlen(tok), CK_TOKEN_HEX);
    /* Only the hash is stored. */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"sessions\" WHERE \"token_hash\" = '%s'", tok);
    assert_int_equal(count(db, sql), 0);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM \"sessions\""), 1);

    ck_principal who;
    expect_rc(ck_session_lookup(db, tok, SEC_NOW + 60, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
              CK_OK, err);
    assert_string_equal(who.username, "vlo");
    assert_int_equal(who.role, CK_ROLE_VLO);
    assert_string_equal(who.place.staff, "N07V001");
    assert_string_equal(who.place.team, "T1");
    assert_string_equal(who.place.pdu, "P1");
    assert_string_equal(who.place.region, "R1");
    assert_true(who.via_session);
    ck_session_csrf(tok, csrf1);
    ck_session_csrf(tok, csrf2);
    assert_string_equal(csrf1, csrf2);
    assert_string_not_equal(csrf1, tok);

    /* Idle: a request every 29 minutes keeps it alive; 31 minutes of nothing ends it. */
    int64_t t = SEC_NOW;
    for (int i = 0; i < 5; i++) {
        t += CK_SESSION_IDLE_S - 60;
        expect_rc(ck_session_lookup(db, tok, t, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err), CK_OK,
                  err);
    }
    expect_rc(ck_session_lookup(db, tok, t + CK_SESSION_IDLE_S + 1, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err,
                                sizeof err),
              CK_ERR_NOTFOUND, err);
    /* Ended sessions are gone, not merely refused. */
    assert_int_equal(count(db, "SELECT COUNT(*) FROM \"sessions\""), 0);

    /* Absolute: however busy, 10 hours after signing in it ends. */
    assert_true(sign_in(db, "vlo", SEC_PASSWORD, "10.0.0.1", SEC_NOW, tok));
    for (t = SEC_NOW; t + 1200 <= SEC_NOW + CK_SESSION_ABSOLUTE_S; t += 1200)
        expect_rc(ck_session_lookup(db, tok, t, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err), CK_OK,
                  err);
    expect_rc(ck_session_lookup(db, tok, SEC_NOW + CK_SESSION_ABSOLUTE_S + 1, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S,
                                &who, err, sizeof err),
              CK_ERR_NOTFOUND, err);

    /* Sign-out ends it on the server. */
    assert_true(sign_in(db, "vlo", SEC_PASSWORD, "10.0.0.1", SEC_NOW, tok));
    expect_rc(ck_session_end(db, &who, tok, err, sizeof err), CK_OK, err);
    expect_rc(ck_session_lookup(db, tok, SEC_NOW, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
              CK_ERR_NOTFOUND, err);
    /* Malformed and unknown tokens are simply not sessions. */
    const char *bad[] = {NULL, "", "zz", "' OR 1=1 --", "0000000000000000000000000000000000000000000000000000000000000000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_rc(ck_session_lookup(db, bad[i], SEC_NOW, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
                  CK_ERR_NOTFOUND, err);

    /* Disabling an account ends its sessions and refuses sign-in; enabling lets it back. */
    ck_principal sys = sys_principal();
    assert_true(sign_in(db, "spo", SEC_PASSWORD, "10.0.0.2", SEC_NOW, tok));
    expect_rc(ck_user_set_disabled(db, &sys, "spo", true, err, sizeof err), CK_OK, err);
    expect_rc(ck_session_lookup(db, tok, SEC_NOW, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
              CK_ERR_NOTFOUND, err);
    assert_false(sign_in(db, "spo", SEC_PASSWORD, "10.0.0.2", SEC_NOW, NULL));
    expect_rc(ck_user_set_disabled(db, &sys, "spo", false, err, sizeof err), CK_OK, err);
    assert_true(sign_in(db, "spo", SEC_PASSWORD, "10.0.0.2", SEC_NOW, tok));
    /* A password reset ends sessions too. */
    expect_rc(ck_user_set_password(db, &sys, "spo", "a brand new passphrase", err, sizeof err), CK_OK, err);
    expect_rc(ck_session_lookup(db, tok, SEC_NOW, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
              CK_ERR_NOTFOUND, err);
    assert_false(sign_in(db, "spo", SEC_PASSWORD, "10.0.0.2", SEC_NOW, NULL));
    assert_true(sign_in(db, "SPO", "a brand new passphrase", "10.0.0.2", SEC_NOW, NULL)); /* names are lower-cased */
}

static void test_back_off_and_lock_out(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    ck_principal sys = sys_principal();
    sec_world(db, true, ck_date_ymd(2025, 11, 3));
    int64_t t = SEC_NOW;
    /* Free failures, then back-off: the right password is refused while it lasts. */
    for (int i = 0; i < CK_SIGNIN_FREE_FAILURES; i++) assert_false(sign_in(db, "prac", "wrong password!", "10.1.1.1", t, NULL));
    assert_false(sign_in(db, "prac", SEC_PASSWORD, "10.1.1.1", t, NULL));
    assert_true(sign_in(db, "prac", SEC_PASSWORD, "10.1.1.1", t + 2, NULL));
    /* A success clears the account's count: three more free failures. */
    t += 10;
    for (int i = 0; i < CK_SIGNIN_FREE_FAILURES - 1; i++) assert_false(sign_in(db, "prac", "wrong password!", "10.1.1.2", t, NULL));
    assert_true(sign_in(db, "prac", SEC_PASSWORD, "10.1.1.2", t, NULL));

    /* Ten failures in a row lock the account until an administrator unlocks it. */
    for (int i = 0; i < CK_SIGNIN_LOCK_FAILURES; i++) {
        t += CK_SIGNIN_MAX_BACKOFF_S + 1;
        assert_false(sign_in(db, "court", "wrong password!", "10.1.2.1", t, NULL));
    }
    ck_user u;
    expect_rc(ck_user_get(db, "court", &u, err, sizeof err), CK_OK, err);
    assert_true(u.locked);
    t += 7 * 86400;
    assert_false(sign_in(db, "court", SEC_PASSWORD, "10.1.2.1", t, NULL));
    expect_rc(ck_user_unlock(db, &sys, "court", err, sizeof err), CK_OK, err);
    assert_true(sign_in(db, "court", SEC_PASSWORD, "10.1.2.1", t, NULL));

    /* A name that is no account is throttled exactly alike. */
    t += 100;
    for (int i = 0; i < CK_SIGNIN_FREE_FAILURES; i++) assert_false(sign_in(db, "nobody", "whatever it is", "10.1.3.1", t, NULL));
    assert_int_equal(count(db, "SELECT COUNT(*) FROM \"sign_in_failures\" WHERE \"kind\" = 'user' AND \"key\" = 'nobody' "
                               "AND \"failures\" = 3"),
                     1);

    /* One address trying many names is locked out for an hour, other addresses are not. */
    t += 100;
    for (int i = 0; i < CK_SIGNIN_ADDR_LOCK_FAILURES; i++) {
        char name[32];
        snprintf(name, sizeof name, "guess%d", i);
        sign_in(db, name, "whatever it is", "203.0.113.9", t, NULL);
        t += CK_SIGNIN_MAX_BACKOFF_S + 1;
    }
    assert_false(sign_in(db, "qa", SEC_PASSWORD, "203.0.113.9", t, NULL));
    assert_true(sign_in(db, "qa", SEC_PASSWORD, "203.0.113.10", t, NULL));
    assert_true(sign_in(db, "qa", SEC_PASSWORD, "203.0.113.9", t + CK_SIGNIN_ADDR_LOCK_S + 1, NULL));

    /* The audit log tells the refusals apart; the caller never does. */
    assert_true(count(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" = 'session.sign_in_failed' AND "
                          "\"detail\" = 'throttled'") > 0);
    assert_true(count(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" = 'session.sign_in_failed' AND "
                          "\"record\" IS NULL AND \"detail\" = 'unknown account'") > 0);
}

static void test_tokens(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512], tok[CK_API_TOKEN_LEN + 1];
    ck_principal sys = sys_principal(), who;
    sec_world(db, false, ck_date_ymd(2025, 11, 3));
    uint32_t read = 1u << CK_PERM_CASE_READ;
    int64_t id = 0;
    expect_rc(ck_token_add(db, &sys, "prac", read, "reporting", SEC_NOW, 0, tok, &id, err, sizeof err), CK_OK, err);
    assert_int_equal(strlen(tok), CK_API_TOKEN_LEN);
    assert_memory_equal(tok, CK_API_TOKEN_PREFIX, strlen(CK_API_TOKEN_PREFIX));
    expect_rc(ck_token_lookup(db, tok, SEC_NOW, &who, err, sizeof err), CK_OK, err);
    assert_string_equal(who.username, "prac");
    assert_false(who.via_session);
    assert_int_equal(who.scopes, read);
    assert_true(ck_principal_may(&who, CK_PERM_CASE_READ));
    assert_false(ck_principal_may(&who, CK_PERM_CASE_WRITE)); /* the role has it; the token does not */

    /* A token cannot carry what the role does not hold. */
    expect_rc(ck_token_add(db, &sys, "prac", 1u << CK_PERM_VICTIM_READ, NULL, SEC_NOW, 0, tok, NULL, err, sizeof err),
              CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "victim:read"));
    uint32_t scopes;
    assert_false(ck_perm_parse_list("case:read,case:nuke", &scopes, err, sizeof err));
    assert_non_null(strstr(err, "case:nuke"));

    /* Revoked, expired, or of a disabled account: refused. */
    char tok2[CK_API_TOKEN_LEN + 1], tok3[CK_API_TOKEN_LEN + 1];
    expect_rc(ck_token_add(db, &sys, "prac", read, NULL, SEC_NOW, SEC_NOW + 3600, tok2, NULL, err, sizeof err), CK_OK, err);
    expect_rc(ck_token_lookup(db, tok2, SEC_NOW + 3599, &who, err, sizeof err), CK_OK, err);
    expect_rc(ck_token_lookup(db, tok2, SEC_NOW + 3600, &who, err, sizeof err), CK_ERR_NOTFOUND, err);
    expect_rc(ck_token_revoke(db, &sys, id, err, sizeof err), CK_OK, err);
    expect_rc(ck_token_lookup(db, tok, SEC_NOW, &who, err, sizeof err), CK_ERR_NOTFOUND, err);
    expect_rc(ck_token_add(db, &sys, "qa", read, NULL, SEC_NOW, 0, tok3, NULL, err, sizeof err), CK_OK, err);
    expect_rc(ck_user_set_disabled(db, &sys, "qa", true, err, sizeof err), CK_OK, err);
    expect_rc(ck_token_lookup(db, tok3, SEC_NOW, &who, err, sizeof err), CK_ERR_NOTFOUND, err);
    /* A session token is not an API token, nor the other way round. */
    expect_rc(ck_token_lookup(db, tok3 + strlen(CK_API_TOKEN_PREFIX), SEC_NOW, &who, err, sizeof err), CK_ERR_NOTFOUND,
              err);
    /* Nothing of a token is stored but its hash. */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"api_tokens\" WHERE \"token_hash\" LIKE '%%%s%%'",
             tok2 + strlen(CK_API_TOKEN_PREFIX) + 8);
    assert_int_equal(count(db, sql), 0);

    /* Every change above is in the audit log, and the chain holds. */
    int64_t n, bad;
    char why[256], head[CK_AUDIT_HASH_HEX + 1];
    expect_rc(ck_audit_verify(db, &n, &bad, why, sizeof why, head, err, sizeof err), CK_OK, err);
    if (bad) fail_msg("%s", why);
    assert_true(count(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" IN ('token.add', 'token.revoke', "
                          "'user.disable')") >= 5);
}

/* A new role and staff link by the rules of ck_user_add; the account's
 * sessions end, its next sign-in has the new role's place; audited. */
static void test_set_role(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512], tok[CK_TOKEN_HEX + 1];
    ck_principal sys = sys_principal(), who;
    sec_org_import(db);
    expect_rc(ck_user_add(db, &sys, "pat.one", CK_ROLE_PRACTITIONER, "N07P001", SEC_PASSWORD, SEC_NOW, NULL, err,
                          sizeof err),
              CK_OK, err);
    assert_true(sign_in(db, "pat.one", SEC_PASSWORD, "10.0.0.1", SEC_NOW, tok));
    expect_rc(ck_user_set_role(db, &sys, "pat.one", CK_ROLE_VLO, NULL, err, sizeof err), CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "staff"));
    expect_rc(ck_user_set_role(db, &sys, "pat.one", CK_ROLE_SPO, "N07X999", err, sizeof err), CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "N07X999"));
    expect_rc(ck_user_set_role(db, &sys, "nobody", CK_ROLE_QA, NULL, err, sizeof err), CK_ERR_NOTFOUND, err);
    expect_rc(ck_user_set_role(db, &sys, "pat.one", CK_ROLE_COUNT, NULL, err, sizeof err), CK_ERR_INVALID, err);
    /* Refusals changed nothing: the session still stands. */
    expect_rc(ck_session_lookup(db, tok, SEC_NOW + 1, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
              CK_OK, err);
    expect_rc(ck_user_set_role(db, &sys, "pat.one", CK_ROLE_SPO, "N07P003", err, sizeof err), CK_OK, err);
    ck_user u;
    expect_rc(ck_user_get(db, "pat.one", &u, err, sizeof err), CK_OK, err);
    assert_int_equal(u.role, CK_ROLE_SPO);
    assert_string_equal(u.staff, "N07P003");
    expect_rc(ck_session_lookup(db, tok, SEC_NOW + 2, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
              CK_ERR_NOTFOUND, err);
    assert_true(sign_in(db, "pat.one", SEC_PASSWORD, "10.0.0.1", SEC_NOW + 3, tok));
    expect_rc(ck_session_lookup(db, tok, SEC_NOW + 4, CK_SESSION_IDLE_S, CK_SESSION_ABSOLUTE_S, &who, err, sizeof err),
              CK_OK, err);
    assert_int_equal(who.role, CK_ROLE_SPO);
    assert_string_equal(who.place.team, "T2");
    /* QA and admin need no staff record: the link is dropped. */
    expect_rc(ck_user_set_role(db, &sys, "pat.one", CK_ROLE_QA, "", err, sizeof err), CK_OK, err);
    expect_rc(ck_user_get(db, "pat.one", &u, err, sizeof err), CK_OK, err);
    assert_string_equal(u.staff, "");
    assert_int_equal(count(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" = 'user.set_role' AND "
                               "\"record\" = 'pat.one'"),
                     2);
    /* A token's expiry, as the CLI and the web read it. */
    int64_t at = -1;
    assert_true(ck_token_expiry("", SEC_NOW, &at, err, sizeof err));
    assert_int_equal(at, 0);
    assert_true(ck_token_expiry("30", SEC_NOW, &at, err, sizeof err));
    assert_int_equal(at, SEC_NOW + 30 * 86400);
    assert_false(ck_token_expiry("0", SEC_NOW, &at, err, sizeof err));
    assert_false(ck_token_expiry("3651", SEC_NOW, &at, err, sizeof err));
    assert_false(ck_token_expiry("7d", SEC_NOW, &at, err, sizeof err));
    assert_non_null(strstr(err, "expires"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_accounts),
        cmocka_unit_test(test_passwords),
        cmocka_unit_test(test_hash_concurrency_bounded),
        CK_DB_TEST(test_sign_in_and_sessions),
        CK_DB_TEST(test_back_off_and_lock_out),
        CK_DB_TEST(test_tokens),
        CK_DB_TEST(test_set_role),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
