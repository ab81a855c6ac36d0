/* ck_session: signed-in web sessions, held in the server's memory.
 *
 * A minimal session for the web app until staff accounts exist: whoever signs
 * in states a staff code, grade and team. What it does give already is what
 * any session must: an unguessable token (32 random bytes, in an HttpOnly
 * cookie), an idle timeout, sign-out that really ends the session on the
 * server, and a per-session CSRF token that every form carries.
 *
 * Thread-safe (one mutex); tokens are compared in constant time. Sessions are
 * lost on restart, which signs everyone out. */
#ifndef CK_SESSION_H
#define CK_SESSION_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CK_SESSION_TOKEN_LEN 64 /* hex characters */
#define CK_SESSION_MAX 10000    /* live sessions; sign-in is refused past it */

typedef struct ck_session {
    char token[CK_SESSION_TOKEN_LEN + 1];
    char csrf[CK_SESSION_TOKEN_LEN + 1];
    char staff[16], grade[16], team[16];
    time_t last_seen; /* CLOCK_MONOTONIC seconds */
} ck_session;

typedef struct ck_sessions ck_sessions;

ck_sessions *ck_sessions_new(unsigned idle_s); /* idle_s 0: 8 hours */
void ck_sessions_free(ck_sessions *s);         /* NULL-safe */

/* Starts a session; *out gets a copy (token and csrf filled). False when the
 * table is full of live sessions or a field does not fit. */
bool ck_sessions_create(ck_sessions *s, const char *staff, const char *grade, const char *team, ck_session *out);
/* Copies the live session with this token into *out and marks it seen; false
 * when there is none (unknown, ended or idle too long). token may be NULL. */
bool ck_sessions_get(ck_sessions *s, const char *token, ck_session *out);
/* Ends the session (no-op when unknown). */
void ck_sessions_end(ck_sessions *s, const char *token);

/* Random 32 bytes as 64 hex characters + NUL (tokens, pre-sign-in CSRF). */
void ck_session_random_hex(char out[CK_SESSION_TOKEN_LEN + 1]);
/* Constant-time comparison of a presented token with the expected one; false
 * when either is NULL or the lengths differ. */
bool ck_session_token_eq(const char *given, const char *expected);

#endif
