/* ck_users: accounts, sign-in, sessions and API tokens (see ck_users.h). */
#include "ck_users.h"
#include "ck_audit.h"
#include "ck_events.h"
#include "ck_txn.h"
#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The principal's account and its place in the organisation, selected the
 * same way for sessions, tokens and sign-in. */
#define PRINCIPAL_COLS "\"users\".\"user_id\", \"users\".\"username\", \"users\".\"role\", \"users\".\"disabled\", " \
    "\"users\".\"locked\", \"staff\".\"code\", \"staff\".\"team\", \"teams\".\"pdu\", \"pdus\".\"region\", " \
    "\"staff\".\"forename\", \"staff\".\"surname\""
#define PRINCIPAL_JOINS " LEFT JOIN \"staff\" ON \"staff\".\"code\" = \"users\".\"staff_code\"" \
    " LEFT JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\"" \
    " LEFT JOIN \"pdus\" ON \"pdus\".\"code\" = \"teams\".\"pdu\""
#define N_PRINCIPAL_COLS 11

/* Runs a bound statement that returns no rows; n rows changed into *changed. */
static ck_rc run(ck_db *db, ck_stmt *st, const char *what, int64_t *changed, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_exec(db, st, what, err, err_len);
    if (rc == CK_OK && changed) *changed = ck_db_changes(db);
    return rc;
}

static void copy_text(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

/* ---- Tokens and hashes ------------------------------------------------------------- */

static void sha256_hex(const char *s, char out[CK_TOKEN_HEX + 1])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, CK_TOKEN_HEX + 1, d, sizeof d);
}

static void random_hex(char out[CK_TOKEN_HEX + 1])
{
    unsigned char raw[CK_TOKEN_HEX / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, CK_TOKEN_HEX + 1, raw, sizeof raw);
}

static bool is_hex(const char *s, size_t n)
{
    if (!s || strlen(s) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return false;
    return true;
}

void ck_session_csrf(const char *token, char out[CK_TOKEN_HEX + 1])
{
    /* Domain-separated from the stored hash, so neither gives the other. */
    char buf[sizeof "casekeeper-csrf\n" + CK_TOKEN_HEX];
    snprintf(buf, sizeof buf, "casekeeper-csrf\n%s", token ? token : "");
    sha256_hex(buf, out);
    sodium_memzero(buf, sizeof buf);
}

/* ---- Passwords ------------------------------------------------------------------- */

static sem_t pw_sem;
static pthread_once_t pw_once = PTHREAD_ONCE_INIT;
static atomic_uint pw_running, pw_peak;
static char dummy_hash[CK_PWHASH_STRBYTES];

static void pw_init(void)
{
    if (sodium_init() < 0) abort(); /* without a CSPRNG nothing here is safe */
    sem_init(&pw_sem, 0, CK_PWHASH_MAX_CONCURRENT);
    char pw[CK_PASSWORD_GEN_LEN + 1];
    ck_password_generate(pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        abort();
}

static void pw_enter(void)
{
    pthread_once(&pw_once, pw_init);
    while (sem_wait(&pw_sem) != 0) {
    }
    unsigned now = atomic_fetch_add(&pw_running, 1) + 1, peak = atomic_load(&pw_peak);
    while (now > peak && !atomic_compare_exchange_weak(&pw_peak, &peak, now)) {
    }
}

static void pw_leave(void)
{
    atomic_fetch_sub(&pw_running, 1);
    sem_post(&pw_sem);
}

unsigned ck_password_peak(void) { return atomic_load(&pw_peak); }

bool ck_password_ok(const char *pw, char *why, size_t why_len)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n < CK_PASSWORD_MIN) {
        snprintf(why, why_len, "password: expected at least %d characters (a passphrase of a few words is good)",
                 CK_PASSWORD_MIN);
        return false;
    }
    if (n > CK_PASSWORD_MAX) {
        snprintf(why, why_len, "password: expected at most %d characters", CK_PASSWORD_MAX);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
            snprintf(why, why_len, "password: control characters are not allowed");
            return false;
        }
    return true;
}

bool ck_password_hash(const char *pw, char out[CK_PWHASH_STRBYTES])
{
    pw_enter();
    int rc = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    pw_leave();
    return rc == 0;
}

bool ck_password_verify(const char *stored, const char *pw)
{
    pw_enter();
    size_t n = pw ? strlen(pw) : 0;
    /* Over-long input is checked too (and fails), so its cost tells nothing. */
    bool ok = crypto_pwhash_str_verify(stored ? stored : dummy_hash, pw ? pw : "", n) == 0 && stored &&
              n <= CK_PASSWORD_MAX;
    pw_leave();
    return ok;
}

void ck_password_generate(char out[CK_PASSWORD_GEN_LEN + 1])
{
    /* No look-alikes (0/O, 1/l/I), so it can be read out and typed. */
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < CK_PASSWORD_GEN_LEN; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[CK_PASSWORD_GEN_LEN] = '\0';
}

/* ---- Accounts ------------------------------------------------------------------ */

bool ck_username_ok(const char *s, char *why, size_t why_len)
{
    size_t n = s ? strlen(s) : 0;
    bool ok = n >= 1 && n <= CK_USERNAME_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
    if (!ok)
        snprintf(why, why_len, "username: expected 1 to %d of a-z, 0-9, '.', '_' and '-', got \"%.80s\"",
                 CK_USERNAME_MAX, s ? s : "");
    return ok;
}

bool ck_role_needs_staff(ck_role role) { return role != CK_ROLE_QA && role != CK_ROLE_ADMIN; }

static ck_rc staff_exists(ck_db *db, const char *code, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT 1 FROM \"staff\" WHERE \"code\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, code);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK;
    if (rc != CK_DB_DONE) return ck_txn_db_fail(db, "staff", err, err_len);
    return ck_txn_fail(CK_ERR_INVALID, err, err_len,
                "staff: the organisation has no staff member %s (import the organisation first)", code);
}

/* An account's role and staff link, by the same rules for add and
 * set-role: a role an account may hold, and a staff code (*staff "" is
 * none, made NULL) for every role that needs one. */
static bool role_staff_ok(ck_role role, const char **staff, char *err, size_t err_len)
{
    if ((unsigned)role >= CK_ROLE_COUNT) {
        snprintf(err, err_len, "role: not an account's role");
        return false;
    }
    if (*staff && !**staff) *staff = NULL;
    if (!*staff && ck_role_needs_staff(role)) {
        snprintf(err, err_len, "staff: a %s account needs a staff code (its scope comes from the staff member's team)",
                 ck_role_names[role]);
        return false;
    }
    return true;
}

/* An account.* event (store/ck_events) about account id: its number, never
 * its username, which may be a person's name. */
static void account_event(ck_db *db, const char *type, int64_t id)
{
    char subject[24];
    snprintf(subject, sizeof subject, "%" PRId64, id);
    ck_events_add_about(db, type, subject);
}

ck_rc ck_user_add(ck_db *db, const ck_principal *by, const char *username, ck_role role, const char *staff,
                  const char *password, int64_t now, int64_t *id, char *err, size_t err_len)
{
    if (!ck_username_ok(username, err, err_len)) return CK_ERR_INVALID;
    if (!role_staff_ok(role, &staff, err, err_len)) return CK_ERR_INVALID;
    char hash[CK_PWHASH_STRBYTES];
    if (password) {
        if (!ck_password_ok(password, err, err_len)) return CK_ERR_INVALID;
        if (!ck_password_hash(password, hash)) return ck_txn_fail(CK_ERR_DB, err, err_len, "password: hashing failed");
    }
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    if (staff) rc = staff_exists(db, staff, err, err_len);
    ck_stmt *st = rc == CK_OK ? ck_txn_prepare(db, "INSERT INTO \"users\" (\"username\", \"role\", \"staff_code\", "
                                            "\"password_hash\", \"disabled\", \"locked\", \"created_at\") VALUES "
                                            "($1, $2, $3, $4, 0, 0, $5) ON CONFLICT (\"username\") DO NOTHING "
                                            "RETURNING \"user_id\"",
                                        err, err_len)
                                : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (st) {
        ck_stmt_bind_text(st, 1, username);
        ck_stmt_bind_text(st, 2, ck_role_names[role]);
        ck_stmt_bind_text(st, 3, staff);
        ck_stmt_bind_text(st, 4, password ? hash : NULL);
        ck_stmt_bind_int(st, 5, now);
        int s = ck_stmt_step(st);
        if (s == CK_DB_ROW) account_event(db, "account.created", ck_stmt_int(st, 0));
        if (s == CK_DB_ROW && id) *id = ck_stmt_int(st, 0);
        ck_stmt_reset(st);
        if (s == CK_DB_DONE) rc = ck_txn_fail(CK_ERR_EXISTS, err, err_len, "username: %s is taken", username);
        else if (s != CK_DB_ROW) rc = ck_txn_db_fail(db, "users", err, err_len);
    }
    char detail[96];
    snprintf(detail, sizeof detail, "role=%s%s%s", ck_role_names[role], staff ? " staff=" : "", staff ? staff : "");
    if (rc == CK_OK) rc = ck_audit_append(db, by, "user.add", NULL, username, detail, err, err_len);
    sodium_memzero(hash, sizeof hash);
    return ck_txn_finish(db, rc, err, err_len);
}

static void read_user(ck_stmt *st, ck_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = ck_stmt_int(st, 0);
    copy_text(u->username, sizeof u->username, ck_stmt_text(st, 1));
    if (!ck_role_parse(ck_stmt_text(st, 2), &u->role)) u->role = CK_ROLE_COUNT; /* unknown: no permissions */
    copy_text(u->staff, sizeof u->staff, ck_stmt_text(st, 3));
    u->has_password = !ck_stmt_null(st, 4);
    u->disabled = ck_stmt_int(st, 5) != 0;
    u->locked = ck_stmt_int(st, 6) != 0;
    u->created_at = ck_stmt_int(st, 7);
}

#define USER_COLS "\"user_id\", \"username\", \"role\", \"staff_code\", \"password_hash\", \"disabled\", \"locked\", " \
                  "\"created_at\""

ck_rc ck_user_get(ck_db *db, const char *username, ck_user *out, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT " USER_COLS " FROM \"users\" WHERE \"username\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, username);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) read_user(st, out);
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK;
    if (rc == CK_DB_DONE) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "username: no account %.80s", username ? username : "");
    return ck_txn_db_fail(db, "users", err, err_len);
}

ck_rc ck_user_list(ck_db *db, bool (*fn)(void *ctx, const ck_user *u), void *ctx, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT " USER_COLS " FROM \"users\" ORDER BY \"username\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_rc out = CK_OK;
    while (ck_txn_next(db, st, "users", &out, err, err_len)) {
        ck_user u;
        read_user(st, &u);
        if (!fn(ctx, &u)) break;
    }
    ck_stmt_reset(st);
    return out;
}

static ck_rc end_user_sessions(ck_db *db, int64_t user_id, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "DELETE FROM \"sessions\" WHERE \"user_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, user_id);
    return run(db, st, "sessions", NULL, err, err_len);
}

static ck_rc clear_failures(ck_db *db, const char *username, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "DELETE FROM \"sign_in_failures\" WHERE \"kind\" = 'user' AND \"key\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, username);
    return run(db, st, "sign-in failures", NULL, err, err_len);
}

/* One account change: begins, finds the account, runs `sql` with $1 the
 * user id (and $2 text2 when given), applies the side effects, audits,
 * commits. */
static ck_rc change_user(ck_db *db, const ck_principal *by, const char *username, const char *sql, const char *text2,
                         bool end_sessions, bool clear, const char *action, const char *event, char *err,
                         size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_user u;
    rc = ck_user_get(db, username, &u, err, err_len);
    ck_stmt *st = rc == CK_OK ? ck_txn_prepare(db, sql, err, err_len) : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (st) {
        ck_stmt_bind_int(st, 1, u.id);
        if (text2) ck_stmt_bind_text(st, 2, text2);
        rc = run(db, st, "users", NULL, err, err_len);
    }
    if (rc == CK_OK && end_sessions) rc = end_user_sessions(db, u.id, err, err_len);
    if (rc == CK_OK && clear) rc = clear_failures(db, u.username, err, err_len);
    if (rc == CK_OK && event) account_event(db, event, u.id);
    if (rc == CK_OK) rc = ck_audit_append(db, by, action, NULL, u.username, NULL, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_user_set_disabled(ck_db *db, const ck_principal *by, const char *username, bool disabled, char *err,
                           size_t err_len)
{
    return change_user(db, by, username,
                       disabled ? "UPDATE \"users\" SET \"disabled\" = 1 WHERE \"user_id\" = $1"
                                : "UPDATE \"users\" SET \"disabled\" = 0 WHERE \"user_id\" = $1",
                       NULL, disabled, false, disabled ? "user.disable" : "user.enable",
                       disabled ? "account.disabled" : "account.enabled", err, err_len);
}

ck_rc ck_user_set_password(ck_db *db, const ck_principal *by, const char *username, const char *password,
                           char *err, size_t err_len)
{
    if (!ck_password_ok(password, err, err_len)) return CK_ERR_INVALID;
    char hash[CK_PWHASH_STRBYTES];
    if (!ck_password_hash(password, hash)) return ck_txn_fail(CK_ERR_DB, err, err_len, "password: hashing failed");
    ck_rc rc = change_user(db, by, username,
                           "UPDATE \"users\" SET \"password_hash\" = $2, \"locked\" = 0 WHERE \"user_id\" = $1", hash,
                           true, true, "user.reset_password", NULL, err, err_len);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

ck_rc ck_user_unlock(ck_db *db, const ck_principal *by, const char *username, char *err, size_t err_len)
{
    return change_user(db, by, username, "UPDATE \"users\" SET \"locked\" = 0 WHERE \"user_id\" = $1", NULL, false,
                       true, "user.unlock", NULL, err, err_len);
}

ck_rc ck_user_set_role(ck_db *db, const ck_principal *by, const char *username, ck_role role, const char *staff,
                       char *err, size_t err_len)
{
    if (!role_staff_ok(role, &staff, err, err_len)) return CK_ERR_INVALID;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_user u;
    rc = ck_user_get(db, username, &u, err, err_len);
    if (rc == CK_OK && staff) rc = staff_exists(db, staff, err, err_len);
    ck_stmt *st = rc == CK_OK ? ck_txn_prepare(db, "UPDATE \"users\" SET \"role\" = $2, \"staff_code\" = $3 WHERE "
                                                   "\"user_id\" = $1", err, err_len)
                              : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (st) {
        ck_stmt_bind_int(st, 1, u.id);
        ck_stmt_bind_text(st, 2, ck_role_names[role]);
        ck_stmt_bind_text(st, 3, staff);
        rc = run(db, st, "users", NULL, err, err_len);
    }
    if (rc == CK_OK) rc = end_user_sessions(db, u.id, err, err_len);
    if (rc == CK_OK) account_event(db, "account.role_changed", u.id);
    char detail[96];
    snprintf(detail, sizeof detail, "role=%s%s%s", ck_role_names[role], staff ? " staff=" : "", staff ? staff : "");
    if (rc == CK_OK) rc = ck_audit_append(db, by, "user.set_role", NULL, u.username, detail, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

/* ---- Principals ---------------------------------------------------------------- */

/* Fills who from the PRINCIPAL_COLS at column `first`; false when the account
 * may not act (disabled, locked, or a role this version does not know). */
static bool read_principal(ck_stmt *st, int first, ck_principal *who)
{
    memset(who, 0, sizeof *who);
    who->user_id = ck_stmt_int(st, first);
    copy_text(who->username, sizeof who->username, ck_stmt_text(st, first + 1));
    bool role_ok = ck_role_parse(ck_stmt_text(st, first + 2), &who->role);
    bool active = ck_stmt_int(st, first + 3) == 0 && ck_stmt_int(st, first + 4) == 0;
    copy_text(who->place.staff, sizeof who->place.staff, ck_stmt_text(st, first + 5));
    copy_text(who->place.team, sizeof who->place.team, ck_stmt_text(st, first + 6));
    copy_text(who->place.pdu, sizeof who->place.pdu, ck_stmt_text(st, first + 7));
    copy_text(who->place.region, sizeof who->place.region, ck_stmt_text(st, first + 8));
    /* The name pages greet the user by, read with the account so no page
     * has to look it up again. */
    const char *fore = ck_stmt_text(st, first + 9), *sur = ck_stmt_text(st, first + 10);
    if (sur && *sur)
        snprintf(who->name, sizeof who->name, "%.*s%s%.*s", CK_NAME_PART_MAX, fore ? fore : "", fore && *fore ? " " : "",
                 CK_NAME_PART_MAX, sur);
    who->scopes = CK_PERM_ALL;
    return role_ok && active;
}

static void set_origin(ck_principal *who, const char *client, const char *request_id)
{
    copy_text(who->client, sizeof who->client, client);
    copy_text(who->request_id, sizeof who->request_id, request_id);
}

/* ---- Sign-in ---------------------------------------------------------------- */

static int64_t backoff(int64_t failures, int64_t free_failures)
{
    if (failures < free_failures) return 0;
    int64_t shift = failures - free_failures;
    return shift >= 10 ? CK_SIGNIN_MAX_BACKOFF_S
                       : ((int64_t)1 << shift) < CK_SIGNIN_MAX_BACKOFF_S ? (int64_t)1 << shift : CK_SIGNIN_MAX_BACKOFF_S;
}

/* Whether either key is blocked at now. */
static ck_rc throttled(ck_db *db, const char *user_key, const char *addr_key, int64_t now, bool *out, char *err,
                       size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT COUNT(*) FROM \"sign_in_failures\" WHERE \"blocked_until\" > $3 AND "
                              "((\"kind\" = 'user' AND \"key\" = $1) OR (\"kind\" = 'addr' AND \"key\" = $2))",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, user_key);
    ck_stmt_bind_text(st, 2, addr_key);
    ck_stmt_bind_int(st, 3, now);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) *out = ck_stmt_int(st, 0) > 0;
    ck_stmt_reset(st);
    return rc == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, "sign-in failures", err, err_len);
}

/* Counts one more failure for (kind, key) and sets its back-off; *failures
 * gets the new count. Atomic per row: the upsert locks it. */
static ck_rc count_failure(ck_db *db, const char *kind, const char *key, int64_t now, int64_t *failures, char *err,
                           size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db,
                          "INSERT INTO \"sign_in_failures\" (\"kind\", \"key\", \"failures\", \"last_failure\", "
                          "\"blocked_until\") VALUES ($1, $2, 1, $3, 0) ON CONFLICT (\"kind\", \"key\") DO UPDATE SET "
                          "\"failures\" = CASE WHEN \"sign_in_failures\".\"last_failure\" < $4 THEN 1 "
                          "ELSE \"sign_in_failures\".\"failures\" + 1 END, \"last_failure\" = $3",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, kind);
    ck_stmt_bind_text(st, 2, key);
    ck_stmt_bind_int(st, 3, now);
    ck_stmt_bind_int(st, 4, now - CK_SIGNIN_FORGET_S);
    ck_rc rc = run(db, st, "sign-in failures", NULL, err, err_len);
    if (rc != CK_OK) return rc;
    st = ck_txn_prepare(db, "SELECT \"failures\" FROM \"sign_in_failures\" WHERE \"kind\" = $1 AND \"key\" = $2", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, kind);
    ck_stmt_bind_text(st, 2, key);
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) *failures = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (s != CK_DB_ROW) return ck_txn_db_fail(db, "sign-in failures", err, err_len);
    bool user = strcmp(kind, "user") == 0;
    int64_t wait = user ? backoff(*failures, CK_SIGNIN_FREE_FAILURES)
                   : *failures >= CK_SIGNIN_ADDR_LOCK_FAILURES ? CK_SIGNIN_ADDR_LOCK_S
                                                               : backoff(*failures, CK_SIGNIN_ADDR_FREE_FAILURES);
    st = ck_txn_prepare(db, "UPDATE \"sign_in_failures\" SET \"blocked_until\" = $3 WHERE \"kind\" = $1 AND \"key\" = $2",
                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, kind);
    ck_stmt_bind_text(st, 2, key);
    ck_stmt_bind_int(st, 3, now + wait);
    return run(db, st, "sign-in failures", NULL, err, err_len);
}

typedef struct signin_user {
    bool found;
    ck_principal who;
    bool active;
    char hash[CK_PWHASH_STRBYTES];
    bool has_hash;
} signin_user;

static ck_rc find_for_signin(ck_db *db, const char *username, signin_user *u, char *err, size_t err_len)
{
    memset(u, 0, sizeof *u);
    ck_stmt *st = ck_txn_prepare(db, "SELECT " PRINCIPAL_COLS ", \"users\".\"password_hash\" FROM \"users\"" PRINCIPAL_JOINS
                              " WHERE \"users\".\"username\" = $1",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, username);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        u->found = true;
        u->active = read_principal(st, 0, &u->who);
        const char *h = ck_stmt_text(st, N_PRINCIPAL_COLS);
        u->has_hash = h && strlen(h) < sizeof u->hash;
        if (u->has_hash) copy_text(u->hash, sizeof u->hash, h);
    }
    ck_stmt_reset(st);
    return rc == CK_DB_ROW || rc == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "users", err, err_len);
}

ck_rc ck_sign_in(ck_db *db, const char *username, const char *password, const char *client, const char *request_id,
                 int64_t now, bool *ok, char token[CK_TOKEN_HEX + 1], ck_principal *who, char *err, size_t err_len)
{
    *ok = false;
    token[0] = '\0';
    /* The name as typed, lower-cased and cut to the longest account name:
     * the throttle's key whether or not it is an account. */
    char key[CK_USERNAME_MAX + 1];
    size_t n = 0;
    for (const char *p = username ? username : ""; *p && n < CK_USERNAME_MAX; p++)
        key[n++] = (char)tolower((unsigned char)*p);
    key[n] = '\0';
    const char *addr = client && *client ? client : "-";

    bool blocked = false;
    ck_rc rc = throttled(db, key, addr, now, &blocked, err, err_len);
    if (rc != CK_OK) return rc;
    signin_user u;
    if (!blocked && (rc = find_for_signin(db, key, &u, err, err_len)) != CK_OK) return rc;
    if (blocked) memset(&u, 0, sizeof u);
    /* The slow check runs outside any transaction, and for a blocked or
     * unknown name against the dummy hash, so every refusal costs alike. */
    bool match = ck_password_verify(!blocked && u.has_hash ? u.hash : NULL, password);
    bool success = match && !blocked && u.found && u.active;
    const char *why = blocked ? "throttled" : !u.found ? "unknown account" : !u.has_hash ? "no password"
                      : !match ? "wrong password" : !u.active ? "disabled or locked" : NULL;

    if ((rc = ck_txn_begin_write(db, err, err_len)) != CK_OK) return rc;
    if (success) {
        char th[CK_TOKEN_HEX + 1];
        random_hex(token);
        sha256_hex(token, th);
        ck_stmt *st = ck_txn_prepare(db, "INSERT INTO \"sessions\" (\"token_hash\", \"user_id\", \"created_at\", \"last_seen\") "
                                  "VALUES ($1, $2, $3, $3)",
                              err, err_len);
        rc = st ? CK_OK : CK_ERR_DB;
        if (st) {
            ck_stmt_bind_text(st, 1, th);
            ck_stmt_bind_int(st, 2, u.who.user_id);
            ck_stmt_bind_int(st, 3, now);
            rc = run(db, st, "sessions", NULL, err, err_len);
        }
        if (rc == CK_OK) rc = clear_failures(db, key, err, err_len);
        if (rc == CK_OK && crypto_pwhash_str_needs_rehash(u.hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
            char fresh[CK_PWHASH_STRBYTES];
            st = ck_password_hash(password, fresh)
                     ? ck_txn_prepare(db, "UPDATE \"users\" SET \"password_hash\" = $2 WHERE \"user_id\" = $1", err, err_len)
                     : NULL;
            if (st) {
                ck_stmt_bind_int(st, 1, u.who.user_id);
                ck_stmt_bind_text(st, 2, fresh);
                rc = run(db, st, "users", NULL, err, err_len);
            }
            sodium_memzero(fresh, sizeof fresh);
        }
        set_origin(&u.who, client, request_id);
        u.who.via_session = true;
        if (rc == CK_OK) rc = ck_audit_append(db, &u.who, "session.sign_in", NULL, NULL, NULL, err, err_len);
    } else {
        int64_t user_failures = 0, addr_failures = 0;
        if (!blocked) {
            rc = count_failure(db, "user", key, now, &user_failures, err, err_len);
            if (rc == CK_OK) rc = count_failure(db, "addr", addr, now, &addr_failures, err, err_len);
        }
        if (rc == CK_OK && u.found && user_failures >= CK_SIGNIN_LOCK_FAILURES) {
            ck_stmt *st = ck_txn_prepare(db, "UPDATE \"users\" SET \"locked\" = 1 WHERE \"user_id\" = $1", err, err_len);
            rc = st ? CK_OK : CK_ERR_DB;
            if (st) {
                ck_stmt_bind_int(st, 1, u.who.user_id);
                rc = run(db, st, "users", NULL, err, err_len);
            }
            if (rc == CK_OK) why = "wrong password; account locked";
        }
        if (rc == CK_OK) {
            ck_stmt *st = ck_txn_prepare(db, "DELETE FROM \"sign_in_failures\" WHERE \"last_failure\" < $1 AND "
                                      "\"blocked_until\" < $2",
                                  err, err_len);
            rc = st ? CK_OK : CK_ERR_DB;
            if (st) {
                ck_stmt_bind_int(st, 1, now - CK_SIGNIN_FORGET_S);
                ck_stmt_bind_int(st, 2, now);
                rc = run(db, st, "sign-in failures", NULL, err, err_len);
            }
        }
        /* The name is recorded only when it is an account: a name that is
         * not may be a password typed into the wrong box. */
        ck_principal anon;
        memset(&anon, 0, sizeof anon);
        copy_text(anon.username, sizeof anon.username, "anonymous");
        set_origin(&anon, client, request_id);
        if (rc == CK_OK)
            rc = ck_audit_append(db, &anon, "session.sign_in_failed", NULL, u.found ? u.who.username : NULL, why, err,
                                 err_len);
    }
    sodium_memzero(u.hash, sizeof u.hash);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc == CK_OK && success) {
        *ok = true;
        *who = u.who;
    } else {
        sodium_memzero(token, CK_TOKEN_HEX + 1);
    }
    return rc;
}

static ck_rc delete_session(ck_db *db, const char *hash, int64_t *changed, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "DELETE FROM \"sessions\" WHERE \"token_hash\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, hash);
    return run(db, st, "sessions", changed, err, err_len);
}

ck_rc ck_session_lookup(ck_db *db, const char *token, int64_t now, int64_t idle_s, int64_t absolute_s,
                        ck_principal *who, char *err, size_t err_len)
{
    if (!is_hex(token, CK_TOKEN_HEX)) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no session");
    char hash[CK_TOKEN_HEX + 1];
    sha256_hex(token, hash);
    ck_stmt *st = ck_txn_prepare(db, "SELECT " PRINCIPAL_COLS ", \"sessions\".\"created_at\", \"sessions\".\"last_seen\" "
                              "FROM \"sessions\" JOIN \"users\" ON \"users\".\"user_id\" = \"sessions\".\"user_id\""
                              PRINCIPAL_JOINS " WHERE \"sessions\".\"token_hash\" = $1",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, hash);
    int rc = ck_stmt_step(st);
    bool usable = false;
    int64_t created = 0, seen = 0;
    if (rc == CK_DB_ROW) {
        usable = read_principal(st, 0, who);
        created = ck_stmt_int(st, N_PRINCIPAL_COLS);
        seen = ck_stmt_int(st, N_PRINCIPAL_COLS + 1);
    }
    ck_stmt_reset(st);
    if (rc != CK_DB_ROW && rc != CK_DB_DONE) return ck_txn_db_fail(db, "sessions", err, err_len);
    if (rc == CK_DB_DONE) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no session");
    if (!usable || now - seen > idle_s || now - created > absolute_s || now < created) {
        ck_rc d = delete_session(db, hash, NULL, err, err_len);
        return d != CK_OK ? d : ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "session ended");
    }
    if (now - seen >= CK_SESSION_TOUCH_S) {
        st = ck_txn_prepare(db, "UPDATE \"sessions\" SET \"last_seen\" = $2 WHERE \"token_hash\" = $1", err, err_len);
        if (!st) return CK_ERR_DB;
        ck_stmt_bind_text(st, 1, hash);
        ck_stmt_bind_int(st, 2, now);
        ck_rc u = run(db, st, "sessions", NULL, err, err_len);
        if (u != CK_OK) return u;
    }
    who->via_session = true;
    return CK_OK;
}

ck_rc ck_session_end(ck_db *db, const ck_principal *by, const char *token, char *err, size_t err_len)
{
    if (!is_hex(token, CK_TOKEN_HEX)) return CK_OK;
    char hash[CK_TOKEN_HEX + 1];
    sha256_hex(token, hash);
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t changed = 0;
    rc = delete_session(db, hash, &changed, err, err_len);
    if (rc == CK_OK && changed) rc = ck_audit_append(db, by, "session.sign_out", NULL, NULL, NULL, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

/* ---- API tokens ------------------------------------------------------------------ */

ck_rc ck_token_add(ck_db *db, const ck_principal *by, const char *username, uint32_t scopes, const char *label,
                   int64_t now, int64_t expires_at, char token[CK_API_TOKEN_LEN + 1], int64_t *id, char *err,
                   size_t err_len)
{
    token[0] = '\0';
    if (sodium_init() < 0) return ck_txn_fail(CK_ERR_DB, err, err_len, "libsodium could not be initialised");
    if (!scopes) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "scope: give at least one permission");
    ck_user u;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_user_get(db, username, &u, err, err_len);
    for (int i = 0; rc == CK_OK && i < CK_PERM_COUNT; i++)
        if ((scopes & (1u << i)) && ck_role_scope(u.role, (ck_perm)i) == CK_SCOPE_NONE)
            rc = ck_txn_fail(CK_ERR_INVALID, err, err_len, "scope: %s is not held by %s's role (%s)", ck_perm_names[i],
                      u.username, (unsigned)u.role < CK_ROLE_COUNT ? ck_role_names[u.role] : "unknown");
    char raw[CK_TOKEN_HEX + 1], hash[CK_TOKEN_HEX + 1], scope_text[512];
    random_hex(raw);
    snprintf(token, CK_API_TOKEN_LEN + 1, CK_API_TOKEN_PREFIX "%s", raw);
    sha256_hex(token, hash);
    ck_perm_list(scopes, scope_text, sizeof scope_text);
    ck_stmt *st = rc == CK_OK ? ck_txn_prepare(db, "INSERT INTO \"api_tokens\" (\"token_hash\", \"user_id\", \"scopes\", "
                                            "\"label\", \"created_at\", \"expires_at\", \"revoked\") VALUES ($1, $2, "
                                            "$3, $4, $5, $6, 0) RETURNING \"token_id\"",
                                        err, err_len)
                              : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    int64_t tid = 0;
    if (st) {
        ck_stmt_bind_text(st, 1, hash);
        ck_stmt_bind_int(st, 2, u.id);
        ck_stmt_bind_text(st, 3, scope_text);
        ck_stmt_bind_text(st, 4, label && *label ? label : NULL);
        ck_stmt_bind_int(st, 5, now);
        if (expires_at) ck_stmt_bind_int(st, 6, expires_at);
        int s = ck_stmt_step(st);
        if (s == CK_DB_ROW) tid = ck_stmt_int(st, 0);
        ck_stmt_reset(st);
        if (s != CK_DB_ROW) rc = ck_txn_db_fail(db, "api tokens", err, err_len);
        else account_event(db, "account.token_issued", u.id);
    }
    char detail[600];
    snprintf(detail, sizeof detail, "token=%" PRId64 " scopes=%s", tid, scope_text);
    if (rc == CK_OK) rc = ck_audit_append(db, by, "token.add", NULL, u.username, detail, err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    sodium_memzero(raw, sizeof raw);
    if (rc != CK_OK) sodium_memzero(token, CK_API_TOKEN_LEN + 1);
    else if (id) *id = tid;
    return rc;
}

ck_rc ck_token_lookup(ck_db *db, const char *token, int64_t now, ck_principal *who, char *err, size_t err_len)
{
    int64_t until;
    return ck_token_lookup_until(db, token, now, who, &until, err, err_len);
}

ck_rc ck_auth_epoch(ck_db *db, int64_t *n, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"n\" FROM \"auth_epoch\" WHERE \"id\" = 1", err, err_len);
    if (!st) return CK_ERR_DB;
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) *n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK;
    return rc == CK_DB_DONE ? ck_txn_fail(CK_ERR_DB, err, err_len, "auth_epoch: the row is missing (migration 031)")
                            : ck_txn_db_fail(db, "auth epoch", err, err_len);
}

ck_rc ck_token_lookup_until(ck_db *db, const char *token, int64_t now, ck_principal *who, int64_t *expires_at,
                            char *err, size_t err_len)
{
    *expires_at = 0;
    size_t plen = sizeof CK_API_TOKEN_PREFIX - 1;
    if (!token || strncmp(token, CK_API_TOKEN_PREFIX, plen) != 0 || !is_hex(token + plen, CK_TOKEN_HEX))
        return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no such token");
    char hash[CK_TOKEN_HEX + 1];
    sha256_hex(token, hash);
    ck_stmt *st = ck_txn_prepare(db, "SELECT " PRINCIPAL_COLS ", \"api_tokens\".\"scopes\", \"api_tokens\".\"expires_at\", "
                              "\"api_tokens\".\"revoked\" FROM \"api_tokens\" JOIN \"users\" ON \"users\".\"user_id\" = "
                              "\"api_tokens\".\"user_id\"" PRINCIPAL_JOINS " WHERE \"api_tokens\".\"token_hash\" = $1",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, hash);
    int rc = ck_stmt_step(st);
    bool usable = false;
    uint32_t scopes = 0;
    if (rc == CK_DB_ROW) {
        usable = read_principal(st, 0, who);
        char perr[256];
        if (!ck_perm_parse_list(ck_stmt_text(st, N_PRINCIPAL_COLS), &scopes, perr, sizeof perr)) usable = false;
        if (!ck_stmt_null(st, N_PRINCIPAL_COLS + 1)) {
            *expires_at = ck_stmt_int(st, N_PRINCIPAL_COLS + 1);
            if (*expires_at <= now) usable = false;
        }
        if (ck_stmt_int(st, N_PRINCIPAL_COLS + 2) != 0) usable = false;
    }
    ck_stmt_reset(st);
    if (rc != CK_DB_ROW && rc != CK_DB_DONE) return ck_txn_db_fail(db, "api tokens", err, err_len);
    if (!usable) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no such token");
    who->scopes = scopes;
    who->via_session = false;
    return CK_OK;
}

ck_rc ck_token_revoke(ck_db *db, const ck_principal *by, int64_t id, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, "UPDATE \"api_tokens\" SET \"revoked\" = 1 WHERE \"token_id\" = $1 "
                                     "RETURNING \"user_id\"", err, err_len);
    rc = st ? CK_OK : CK_ERR_DB;
    if (st) {
        ck_stmt_bind_int(st, 1, id);
        int s = ck_stmt_step(st);
        if (s == CK_DB_ROW) account_event(db, "account.token_revoked", ck_stmt_int(st, 0));
        ck_stmt_reset(st);
        if (s == CK_DB_DONE) rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "token: no token %" PRId64, id);
        else if (s != CK_DB_ROW) rc = ck_txn_db_fail(db, "api tokens", err, err_len);
    }
    char detail[48];
    snprintf(detail, sizeof detail, "token=%" PRId64, id);
    if (rc == CK_OK) rc = ck_audit_append(db, by, "token.revoke", NULL, NULL, detail, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_token_list(ck_db *db, const char *username, bool (*fn)(void *ctx, const ck_api_token *t), void *ctx,
                    char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"api_tokens\".\"token_id\", \"users\".\"username\", \"api_tokens\".\"scopes\", "
                              "\"api_tokens\".\"label\", \"api_tokens\".\"created_at\", \"api_tokens\".\"expires_at\", "
                              "\"api_tokens\".\"revoked\" FROM \"api_tokens\" JOIN \"users\" ON \"users\".\"user_id\" = "
                              "\"api_tokens\".\"user_id\" WHERE (CAST($1 AS TEXT) IS NULL OR \"users\".\"username\" = $1) "
                              "ORDER BY \"api_tokens\".\"token_id\"",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, username);
    ck_rc out = CK_OK;
    while (ck_txn_next(db, st, "api tokens", &out, err, err_len)) {
        ck_api_token t;
        memset(&t, 0, sizeof t);
        t.id = ck_stmt_int(st, 0);
        copy_text(t.username, sizeof t.username, ck_stmt_text(st, 1));
        char perr[256];
        if (!ck_perm_parse_list(ck_stmt_text(st, 2), &t.scopes, perr, sizeof perr)) t.scopes = 0;
        copy_text(t.label, sizeof t.label, ck_stmt_text(st, 3));
        t.created_at = ck_stmt_int(st, 4);
        t.expires_at = ck_stmt_int(st, 5);
        t.revoked = ck_stmt_int(st, 6) != 0;
        if (!fn(ctx, &t)) break;
    }
    ck_stmt_reset(st);
    return out;
}

bool ck_token_expiry(const char *days, int64_t now, int64_t *expires_at, char *err, size_t err_len)
{
    *expires_at = 0;
    if (!days || !*days) return true;
    char *end;
    long n = strtol(days, &end, 10);
    if (*end || n < 1 || n > CK_TOKEN_MAX_DAYS) {
        snprintf(err, err_len, "expires: expected a whole number of days from 1 to %d, got \"%.40s\"", CK_TOKEN_MAX_DAYS,
                 days);
        return false;
    }
    *expires_at = now + (int64_t)n * 86400;
    return true;
}
