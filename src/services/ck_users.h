/* ck_users: accounts, passwords, sign-in, browser sessions and API tokens.
 *
 * Passwords are hashed with Argon2id (libsodium crypto_pwhash_str, the
 * "interactive" limits: 64 MiB and two passes each). At most
 * CK_PWHASH_MAX_CONCURRENT hashes run at once, process-wide (a semaphore), so
 * a burst of sign-ins queues instead of exhausting memory.
 *
 * Session and API tokens are 32 random bytes; only their SHA-256 is stored.
 * A session's CSRF token is derived from the session token (ck_session_csrf),
 * so it is never stored either.
 *
 * Sign-in throttling counts failures in a row per account name as typed and
 * per client address, whether or not the account exists, and answers every
 * refusal alike (the caller shows one generic message), so nothing tells
 * which names are accounts:
 *   - per account: from the CK_SIGNIN_FREE_FAILURES-th failure on, no
 *     attempt is checked for 1, 2, 4, ... seconds (at most
 *     CK_SIGNIN_MAX_BACKOFF_S); at CK_SIGNIN_LOCK_FAILURES the account is
 *     locked until an administrator unlocks it or resets its password;
 *   - per address: back-off the same way from CK_SIGNIN_ADDR_FREE_FAILURES;
 *     at CK_SIGNIN_ADDR_LOCK_FAILURES the address is locked out for
 *     CK_SIGNIN_ADDR_LOCK_S;
 *   - failures older than CK_SIGNIN_FORGET_S are forgotten; a success clears
 *     the account's count (not the address's).
 *
 * Times are whole seconds since the epoch, passed in by the caller (the
 * server's clock; tests pass their own). Every change to accounts, sessions
 * and tokens is written to the audit log in the same transaction, by the
 * principal `by`. Functions return CK_OK or a ck_rc with a message in err. */
#ifndef CK_USERS_H
#define CK_USERS_H
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_roles.h"
#include <stdint.h>

#define CK_PWHASH_MAX_CONCURRENT 4
#define CK_PWHASH_STRBYTES 128 /* crypto_pwhash_STRBYTES */
#define CK_PASSWORD_MIN 12     /* characters (bytes): a passphrase, no composition rules */
#define CK_PASSWORD_MAX 1024
#define CK_PASSWORD_GEN_LEN 24 /* generated passwords: 24 characters, about 120 bits */
#define CK_TOKEN_HEX 64        /* a session token: 32 random bytes as hex */
#define CK_API_TOKEN_PREFIX "ckt_"
#define CK_API_TOKEN_LEN (4 + CK_TOKEN_HEX)

#define CK_SIGNIN_FREE_FAILURES 3
#define CK_SIGNIN_LOCK_FAILURES 10
#define CK_SIGNIN_ADDR_FREE_FAILURES 10
#define CK_SIGNIN_ADDR_LOCK_FAILURES 50
#define CK_SIGNIN_ADDR_LOCK_S 3600
#define CK_SIGNIN_MAX_BACKOFF_S 900
#define CK_SIGNIN_FORGET_S 86400

#define CK_SESSION_IDLE_S (30 * 60)       /* signed out after 30 minutes without a request */
#define CK_SESSION_ABSOLUTE_S (10 * 3600) /* and 10 hours after signing in, whatever */
#define CK_SESSION_TOUCH_S 60             /* last_seen is written at most once a minute */

/* ---- Passwords ------------------------------------------------------------------ */

/* Whether pw is acceptable (CK_PASSWORD_MIN to CK_PASSWORD_MAX bytes, no
 * control characters); false with the reason in why. */
bool ck_password_ok(const char *pw, char *why, size_t why_len);
/* Hashes pw into out; false when libsodium could not (out of memory). Blocks
 * while CK_PWHASH_MAX_CONCURRENT hashes or checks are running. */
bool ck_password_hash(const char *pw, char out[CK_PWHASH_STRBYTES]);
/* Checks pw against a stored hash; with stored NULL checks against a fixed
 * dummy hash (and fails), so an unknown account costs what a known one does. */
bool ck_password_verify(const char *stored, const char *pw);
/* A random password of CK_PASSWORD_GEN_LEN letters and digits. */
void ck_password_generate(char out[CK_PASSWORD_GEN_LEN + 1]);
/* The most hashes or checks that ever ran at once in this process (tests). */
unsigned ck_password_peak(void);

/* ---- Accounts ---------------------------------------------------------------------- */

typedef struct ck_user {
    int64_t id;
    char username[CK_USERNAME_MAX + 1];
    ck_role role;
    char staff[CK_CODE_MAX + 1]; /* "" when not linked to a staff record */
    bool disabled, locked, has_password;
    int64_t created_at;
} ck_user;

/* 1 to CK_USERNAME_MAX of a-z 0-9 . _ - (callers lower-case what people type). */
bool ck_username_ok(const char *s, char *why, size_t why_len);
/* Whether role needs a staff record to have any scope (all but qa and admin). */
bool ck_role_needs_staff(ck_role role);

/* password may be NULL (API tokens only). CK_ERR_EXISTS for a taken name,
 * CK_ERR_INVALID naming what is wrong (name, password, a role that needs a
 * staff code, a staff code the organisation does not have). */
ck_rc ck_user_add(ck_db *db, const ck_principal *by, const char *username, ck_role role, const char *staff,
                  const char *password, int64_t now, int64_t *id, char *err, size_t err_len);
ck_rc ck_user_get(ck_db *db, const char *username, ck_user *out, char *err, size_t err_len);
/* Disabling also ends the account's sessions (its tokens are refused while
 * it is disabled). */
ck_rc ck_user_set_disabled(ck_db *db, const ck_principal *by, const char *username, bool disabled, char *err,
                           size_t err_len);
/* Sets a new password, unlocks the account, clears its failure count and
 * ends its sessions. */
ck_rc ck_user_set_password(ck_db *db, const ck_principal *by, const char *username, const char *password,
                           char *err, size_t err_len);
ck_rc ck_user_unlock(ck_db *db, const ck_principal *by, const char *username, char *err, size_t err_len);
/* Gives the account a new role and staff link (staff "" or NULL: none), by
 * the rules of ck_user_add (a role that needs a staff code, a staff code the
 * organisation has), and ends its sessions so it signs in as what it now is.
 * CK_ERR_NOTFOUND for no such account. */
ck_rc ck_user_set_role(ck_db *db, const ck_principal *by, const char *username, ck_role role, const char *staff,
                       char *err, size_t err_len);
/* Every account in username order; fn returns false to stop. */
ck_rc ck_user_list(ck_db *db, bool (*fn)(void *ctx, const ck_user *u), void *ctx, char *err, size_t err_len);

/* ---- Sign-in and sessions ----------------------------------------------------------- */

/* Checks a sign-in by username and password from client (an address) at now.
 * CK_OK with *ok: true with a new session token in token and the account in
 * *who; false for every kind of refusal (unknown name, wrong password,
 * disabled, locked, throttled), which are told apart only in the audit log.
 * Any other ck_rc is a database failure. */
ck_rc ck_sign_in(ck_db *db, const char *username, const char *password, const char *client, const char *request_id,
                 int64_t now, bool *ok, char token[CK_TOKEN_HEX + 1], ck_principal *who, char *err, size_t err_len);
/* The live session with this token at now (touching it): CK_OK with *who
 * filled (via_session set), CK_ERR_NOTFOUND when there is none, it timed out
 * (idle_s since last seen, absolute_s since signing in; an expired one is
 * deleted) or its account is disabled or locked. token may be NULL. */
ck_rc ck_session_lookup(ck_db *db, const char *token, int64_t now, int64_t idle_s, int64_t absolute_s,
                        ck_principal *who, char *err, size_t err_len);
/* Ends the session (no-op when unknown), audited as by `by` when it existed. */
ck_rc ck_session_end(ck_db *db, const ck_principal *by, const char *token, char *err, size_t err_len);
/* The CSRF token of a session token (64 hex characters). */
void ck_session_csrf(const char *token, char out[CK_TOKEN_HEX + 1]);

/* ---- API tokens -------------------------------------------------------------------- */

typedef struct ck_api_token {
    int64_t id;
    char username[CK_USERNAME_MAX + 1];
    uint32_t scopes;
    char label[128];
    int64_t created_at, expires_at; /* expires_at 0: never */
    bool revoked;
} ck_api_token;

#define CK_TOKEN_MAX_DAYS 3650 /* the longest a token may last */

/* A token's expiry from days as typed ("" or NULL: never, *expires_at 0),
 * counted from now; false with the reason in err (a whole number from 1 to
 * CK_TOKEN_MAX_DAYS). */
bool ck_token_expiry(const char *days, int64_t now, int64_t *expires_at, char *err, size_t err_len);

/* A new token for username with the given scopes (each must be held by the
 * user's role: CK_ERR_INVALID naming the first that is not), expiring at
 * expires_at (0: never). The token (CK_API_TOKEN_LEN characters) is written
 * to token and never again available. */
ck_rc ck_token_add(ck_db *db, const ck_principal *by, const char *username, uint32_t scopes, const char *label,
                   int64_t now, int64_t expires_at, char token[CK_API_TOKEN_LEN + 1], int64_t *id, char *err,
                   size_t err_len);
/* The account behind a bearer token at now, with scopes narrowed to the
 * token's. CK_ERR_NOTFOUND for an unknown, revoked or expired token or a
 * disabled or locked account. */
ck_rc ck_token_lookup(ck_db *db, const char *token, int64_t now, ck_principal *who, char *err, size_t err_len);
/* The same, and when the token expires (*expires_at; 0: never). */
ck_rc ck_token_lookup_until(ck_db *db, const char *token, int64_t now, ck_principal *who, int64_t *expires_at,
                            char *err, size_t err_len);
/* The count every write to accounts, tokens, staff, teams or PDUs moves on
 * (migration 031's triggers, in the writer's transaction): what a token's
 * look-up found holds while it is unchanged (http/ck_auth's cache). */
ck_rc ck_auth_epoch(ck_db *db, int64_t *n, char *err, size_t err_len);
ck_rc ck_token_revoke(ck_db *db, const ck_principal *by, int64_t id, char *err, size_t err_len);
/* Tokens of username (NULL: all), oldest first. */
ck_rc ck_token_list(ck_db *db, const char *username, bool (*fn)(void *ctx, const ck_api_token *t), void *ctx,
                    char *err, size_t err_len);

#endif
