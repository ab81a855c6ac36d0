/* ck_auth: who is calling, and whether they may; for the JSON API and the
 * web app alike (docs/security.md).
 *
 * ck_auth_authorize is the server's authorize hook (ck_http_config): before
 * every handler it
 *   1. identifies the caller: an "Authorization: Bearer" API token, else the
 *      session cookie (a cookie name sent twice counts as none);
 *   2. on a state-changing request (POST, PUT, PATCH, DELETE) made with a
 *      session cookie, checks the Origin (else Referer) is this server's own
 *      and the CSRF token (header X-CSRF-Token, or form field "csrf") is the
 *      session's, compared in constant time; a public state-changing route
 *      (sign-in) gets the Origin check whenever the browser sent one;
 *   3. checks the route's permission: "public" passes, "authenticated" needs
 *      anyone signed in (else 401), a matrix permission needs a role and
 *      credential that hold it (else 403);
 *   4. on a route naming a case ({crn}) with a case-bound permission, checks
 *      the case is in the caller's scope and not kept from them by a
 *      limited-access list (403 with the message to show; audited). An
 *      absent case passes, for the handler to answer 404. A route the app's
 *      decides_access names (ck_app) makes this decision in its handler's own
 *      read snapshot instead, and answers a refusal with ck_auth_deny.
 * Refusals are answered through ck_http_error, so the web app's on_error
 * renders them as pages (401: the sign-in page).
 *
 * One exception to step 1 asking the database: GET /api/v1/worklist of one
 * holder with a bearer token found in the token cache, whose account holds
 * the route's permission, is let through unconfirmed (what the token was
 * at the auth epoch it was looked up at). Its handler may then only answer
 * with a cached page whose audit entry the database records on condition
 * that the epoch and the page's versions still hold (services/ck_audit's
 * guard, one statement), or else call ck_auth_confirm, which identifies the
 * caller from the database as above before anything is read.
 *
 * Cookies: "__Host-ck_session=TOKEN; Path=/; HttpOnly; Secure;
 * SameSite=Strict". Only with plain_http (serving http on a loopback address
 * for the demo: casekeeper serve --plain-http) is the cookie
 * "ck_session=...; Path=/; HttpOnly; SameSite=Strict": without Secure, which
 * a browser would not send back over http. */
#ifndef CK_AUTH_H
#define CK_AUTH_H
#include "ck_http.h"
#include "ck_roles.h"
#include "ck_users.h"
#include "ck_worklist.h"

#define CK_AUTH_COOKIE_SECURE "__Host-ck_session"
#define CK_AUTH_COOKIE_PLAIN "ck_session"
#define CK_AUTH_CSRF_FIELD "csrf"
#define CK_AUTH_CSRF_HEADER "X-CSRF-Token"

typedef struct ck_auth_config {
    bool plain_http;          /* cookies without Secure: only for http on loopback (the demo) */
    int64_t idle_s;           /* 0: CK_SESSION_IDLE_S */
    int64_t absolute_s;       /* 0: CK_SESSION_ABSOLUTE_S */
    int64_t (*now)(void);     /* seconds since the epoch; NULL: the system clock (tests move time) */
} ck_auth_config;

typedef struct ck_auth ck_auth;
ck_auth *ck_auth_new(const ck_auth_config *cfg);
void ck_auth_free(ck_auth *a); /* NULL-safe */

/* Whether listening on host (a numeric address or name) serves only this
 * machine: 127.0.0.0/8, ::1, localhost. plain_http is allowed only then. */
bool ck_auth_loopback(const char *host);

/* Checks a route table before a server starts: every permission is one the
 * matrix knows (or "public" / "authenticated"). False with the route named. */
bool ck_auth_routes_valid(const ck_route *routes, char *err, size_t err_len);

/* The authorize hook. The server's app must be a ck_app (http/ck_api.h)
 * whose `auth` is set. */
bool ck_auth_authorize(ck_http_req *r);

/* ---- For handlers (the API's and the web app's) --------------------------------- */

/* The caller, or NULL when nobody is signed in (public routes). Lives as
 * long as the request. */
const ck_principal *ck_auth_principal(const ck_http_req *r);
/* The version of the worklist page of scope (store/ck_worklist) read with
 * the auth epoch when r came with a bearer token: true and *v set when r's
 * identification read it (GET /api/v1/worklist of that holder), else false
 * and the caller reads it itself. */
bool ck_auth_worklist_version(const ck_http_req *r, const char *scope, ck_worklist_version *v);
/* True when r's caller was let through unconfirmed (see the top), for a
 * worklist page of scope, with the auth epoch the token's account was read
 * at in *token_epoch. */
bool ck_auth_worklist_unconfirmed(const ck_http_req *r, const char *scope, int64_t *token_epoch);
/* Confirms an unconfirmed caller from the database as the authorize hook
 * does (the auth epoch and the page's version read, the token looked up
 * again if the epoch moved, the route's permission checked): true when r
 * may go on (ck_auth_principal may now differ, ck_auth_worklist_version
 * has the version), false after answering (401, 403, 503). True at once for
 * a caller already confirmed. */
bool ck_auth_confirm(ck_http_req *r);
/* Whether the caller holds perm at all (any scope). */
bool ck_auth_may(const ck_http_req *r, ck_perm perm);
/* The session's CSRF token, for forms (field CK_AUTH_CSRF_FIELD) and
 * scripts (header CK_AUTH_CSRF_HEADER); NULL when the caller is not a
 * browser session. */
const char *ck_auth_csrf(const ck_http_req *r);
/* The caller, or NULL after answering 401 (for handlers of public routes
 * that need a caller after all). */
const ck_principal *ck_auth_require(ck_http_req *r);
/* A case access refusal (why: the message ck_access gave): audited as
 * access.denied with the route and its permission, then answered 403 (503
 * when the audit fails). For handlers of decides_access routes. */
void ck_auth_deny(ck_http_req *r, const char *why);
/* Makes p (copied) the request's caller, as the hook does. For callers the
 * operator trusts in-process: the API's own tests give their requests the
 * system principal this way. */
void ck_auth_attach(ck_http_req *r, const ck_principal *p);
/* The route's matrix permission; false for "public" and "authenticated". */
bool ck_auth_route_perm(const ck_http_req *r, ck_perm *out);

/* Signs in with a username and password: on success starts a new session
 * (ending any session the request carried: a session id set before sign-in
 * is never carried over), sets the cookie, and makes the new account the
 * request's principal. CK_OK with *ok; *ok false for every kind of refusal,
 * for which callers show one generic message. Other ck_rc: the database
 * failed (err). */
ck_rc ck_auth_sign_in(ck_http_req *r, const char *username, const char *password, bool *ok, char *err,
                      size_t err_len);
/* Ends the request's session on the server and clears the cookie. */
ck_rc ck_auth_sign_out(ck_http_req *r, char *err, size_t err_len);

/* Handlers of the session API (listed in ck_api_routes):
 *   POST /api/v1/session    public: sign in, JSON {"username", "password"};
 *                           200 {"user": ..., "csrf_token": ...} and the cookie,
 *                           or 401 with one message for every refusal
 *   GET /api/v1/session     authenticated: who am I, my permissions, the CSRF token
 *   DELETE /api/v1/session  authenticated: sign out (204)
 *   GET /api/v1/users       user:admin: the accounts (no case data) */
void ck_auth_h_sign_in(ck_http_req *r);
void ck_auth_h_session(ck_http_req *r);
void ck_auth_h_sign_out(ck_http_req *r);
void ck_auth_h_users(ck_http_req *r);

/* Seconds since the epoch by a's clock (its config's now, else the system
 * clock; the system clock when a is NULL): what accounts and tokens made on
 * the web are stamped with, as sessions are. */
int64_t ck_auth_now(const ck_auth *a);

#endif
