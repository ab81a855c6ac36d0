/* ck_auth: identification, CSRF, permissions and case scope before every
 * handler; sign-in and sign-out (see ck_auth.h). */
#include "ck_auth.h"
#include "ck_access.h"
#include "ck_app.h"
#include "ck_audit.h"
#include "ck_form.h"
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SIGN_IN_FAILED "Sign-in failed: the username or password is not right, or the account cannot sign in now."
#define BEARER_REALM "Bearer realm=\"casekeeper\""

/* What bearer tokens' look-ups found, kept while the auth epoch they were
 * read at is the database's (services/ck_users ck_auth_epoch): any write to
 * an account, a token, staff, a team or a PDU moves the epoch on in its own
 * transaction, so no revocation, disabled account or new role outlives its
 * commit, on this server or another on the same database. Keyed by the
 * token's SHA-256 (the token itself is not kept); one entry a slot, the
 * last looked-up token winning it. */
#define TOKEN_CACHE_SLOTS 256

typedef struct token_entry {
    unsigned char key[crypto_hash_sha256_BYTES];
    bool used;
    int64_t epoch, expires_at; /* expires_at 0: never */
    ck_principal p;
} token_entry;

typedef struct token_cache {
    pthread_mutex_t mu;
    token_entry slots[TOKEN_CACHE_SLOTS];
} token_cache;

struct ck_auth {
    ck_auth_config cfg;
    token_cache *tokens;
};

/* What the hook attaches to a request. */
typedef struct auth_ctx {
    ck_principal p;
    char token[CK_TOKEN_HEX + 1]; /* the session token; "" for an API token */
    char csrf[CK_TOKEN_HEX + 1];  /* "" for an API token */
    /* GET /api/v1/worklist by bearer token: the page's version, read in the
     * same statement as the auth epoch (ck_auth_worklist_version). */
    bool wl_known;
    char wl_scope[CK_WORKLIST_SCOPE_MAX];
    ck_worklist_version wl;
    /* The same request when its token was found in the token cache and
     * the database not asked (ck_auth_worklist_unconfirmed): p is what the
     * token was at token_epoch, to be confirmed by the page's guarded audit
     * or by ck_auth_confirm. */
    bool unconfirmed;
    int64_t token_epoch;
} auth_ctx;

ck_auth *ck_auth_new(const ck_auth_config *cfg)
{
    if (sodium_init() < 0) return NULL;
    ck_auth *a = ck_calloc(1, sizeof *a);
    a->cfg = *cfg;
    a->tokens = ck_calloc(1, sizeof *a->tokens);
    pthread_mutex_init(&a->tokens->mu, NULL);
    if (!a->cfg.idle_s) a->cfg.idle_s = CK_SESSION_IDLE_S;
    if (!a->cfg.absolute_s) a->cfg.absolute_s = CK_SESSION_ABSOLUTE_S;
    return a;
}

void ck_auth_free(ck_auth *a)
{
    if (!a) return;
    pthread_mutex_destroy(&a->tokens->mu);
    sodium_memzero(a->tokens, sizeof *a->tokens);
    ck_free(a->tokens);
    ck_free(a);
}

bool ck_auth_loopback(const char *host)
{
    return ck_http_loopback_address(host) || (host && strcmp(host, "localhost") == 0);
}

bool ck_auth_routes_valid(const ck_route *routes, char *err, size_t err_len)
{
    for (const ck_route *r = routes; r && r->method; r++)
        if (!ck_perm_known(r->permission)) {
            snprintf(err, err_len, "route %s %s: unknown permission \"%s\" (docs/security.md lists them)", r->method,
                     r->pattern, r->permission ? r->permission : "");
            return false;
        }
    return true;
}

static const ck_auth *auth_of(const ck_http_req *r)
{
    const ck_app *app = ck_http_app(r);
    return app ? app->auth : NULL;
}

static int64_t now_of(const ck_auth *a) { return a->cfg.now ? a->cfg.now() : (int64_t)time(NULL); }
int64_t ck_auth_now(const ck_auth *a) { return a ? now_of(a) : (int64_t)time(NULL); }

static const char *cookie_name(const ck_auth *a) { return a->cfg.plain_http ? CK_AUTH_COOKIE_PLAIN : CK_AUTH_COOKIE_SECURE; }

static void set_cookie(ck_http_req *r, const ck_auth *a, const char *token)
{
    char line[256];
    snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly;%s SameSite=Strict%s", cookie_name(a), token ? token : "",
             a->cfg.plain_http ? "" : " Secure;", token ? "" : "; Max-Age=0");
    ck_http_header_add(r, "Set-Cookie", line);
}

/* The session token the request's cookie carries, or NULL (none, or the
 * name sent twice: a planted duplicate is trusted no more than the other). */
static const char *presented_session(ck_http_req *r, const ck_auth *a)
{
    const char *v = NULL;
    ck_cookie_get(ck_http_arena(r), ck_http_header(r, "Cookie"), cookie_name(a), &v);
    return v;
}

static bool state_changing(const ck_http_req *r)
{
    const char *m = ck_http_method(r);
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

/* The Origin (else Referer) of the request is this server's own. */
static bool same_origin(ck_http_req *r, bool require)
{
    const char *host = ck_http_header(r, "Host"), *origin = ck_http_header(r, "Origin");
    const char *referer = ck_http_header(r, "Referer");
    if (!origin && !referer) return !require;
    if (!host || !*host) return false;
    char own[320];
    int n = snprintf(own, sizeof own, "%s://%s", ck_http_tls(r) ? "https" : "http", host);
    if (n < 0 || (size_t)n >= sizeof own) return false;
    if (origin) return strcmp(origin, own) == 0;
    return strncmp(referer, own, (size_t)n) == 0 && (referer[n] == '/' || referer[n] == '\0');
}

static bool csrf_ok(ck_http_req *r, const auth_ctx *ctx)
{
    const char *given = ck_http_header(r, CK_AUTH_CSRF_HEADER);
    if (!given) given = ck_http_form(r, CK_AUTH_CSRF_FIELD);
    return given && strlen(given) == CK_TOKEN_HEX && sodium_memcmp(given, ctx->csrf, CK_TOKEN_HEX) == 0;
}

static ck_db *db_or_503(ck_http_req *r)
{
    char err[512];
    ck_db *db = ck_http_db(r, err, sizeof err);
    if (!db) {
        ck_http_log("%s: database: %s", ck_http_request_id(r), err);
        ck_http_error(r, 503, "the database is unavailable");
    }
    return db;
}

static void db_failed(ck_http_req *r, const char *err)
{
    ck_http_log("%s: auth: database error: %s", ck_http_request_id(r), err);
    ck_http_error(r, 503, "the database failed; the server log has the details under this X-Request-Id");
}

static void unauthorized(ck_http_req *r, const char *detail)
{
    ck_http_header_add(r, "WWW-Authenticate", BEARER_REALM);
    ck_http_error(r, 401, detail);
}

static auth_ctx *new_ctx(ck_http_req *r, const ck_principal *p)
{
    auth_ctx *ctx = ck_arena_alloc(ck_http_arena(r), sizeof *ctx);
    ctx->p = *p;
    snprintf(ctx->p.client, sizeof ctx->p.client, "%s", ck_http_client(r));
    snprintf(ctx->p.request_id, sizeof ctx->p.request_id, "%s", ck_http_request_id(r));
    ck_http_set_principal(r, ctx);
    return ctx;
}

/* The account behind bearer token tok: from the cache while the auth epoch
 * is the one it was read at and the token has not expired, else looked up
 * (and kept). The epoch is read before the look-up, so an entry is never
 * newer than its epoch says: a change committed meanwhile only costs the
 * next request a look-up. */
/* The scope of the worklist page r asks for (store/ck_worklist), when r is
 * a GET /api/v1/worklist naming one holder. */
static bool worklist_scope(ck_http_req *r, char scope[CK_WORKLIST_SCOPE_MAX])
{
    if (strcmp(ck_http_method(r), "GET") != 0 || strcmp(ck_http_path(r), "/api/v1/worklist") != 0) return false;
    ck_worklist_query q = {.staff = ck_http_query(r, "staff"), .team = ck_http_query(r, "team"),
                           .pdu = ck_http_query(r, "pdu")};
    if ((q.staff != NULL) + (q.team != NULL) + (q.pdu != NULL) != 1) return false;
    ck_access_worklist_scope(&q, scope);
    return true;
}

/* The auth epoch; for a worklist page (wl_scope not "") the page's version
 * with it, one statement for both (a round trip less on PostgreSQL: the
 * cached page's check costs nothing more than the token's). */
static ck_rc read_epoch(ck_db *db, const char *wl_scope, int64_t *epoch, ck_worklist_version *wl, char *err,
                        size_t err_len)
{
    if (!wl_scope[0]) return ck_auth_epoch(db, epoch, err, err_len);
    ck_rc rc = ck_worklist_version_read(db, wl_scope, wl, err, err_len);
    *epoch = wl->epoch;
    return rc;
}

static token_entry *token_slot(token_cache *c, const char *tok, unsigned char key[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256(key, (const unsigned char *)tok, strlen(tok));
    return &c->slots[((size_t)key[0] | (size_t)key[1] << 8) % TOKEN_CACHE_SLOTS];
}

/* The account kept for bearer token tok, whatever the epoch it was looked
 * up at (in *epoch), if it has not expired. Not to be trusted alone: only
 * a statement that checks *epoch against the database's may act on it
 * (ck_auth_worklist_unconfirmed). */
static bool token_kept(const ck_auth *a, const char *tok, ck_principal *p, int64_t *epoch)
{
    unsigned char key[crypto_hash_sha256_BYTES];
    token_cache *c = a->tokens;
    token_entry *e = token_slot(c, tok, key);
    int64_t now = now_of(a);
    pthread_mutex_lock(&c->mu);
    bool kept = e->used && sodium_memcmp(e->key, key, sizeof key) == 0 && (e->expires_at == 0 || now < e->expires_at);
    if (kept) {
        *p = e->p;
        *epoch = e->epoch;
    }
    pthread_mutex_unlock(&c->mu);
    return kept;
}

static ck_rc token_principal(const ck_auth *a, ck_db *db, const char *tok, const char *wl_scope,
                             ck_worklist_version *wl, ck_principal *p, char *err, size_t err_len)
{
    int64_t now = now_of(a), epoch = 0, until = 0;
    ck_rc rc = read_epoch(db, wl_scope, &epoch, wl, err, err_len);
    if (rc != CK_OK) return rc;
    unsigned char key[crypto_hash_sha256_BYTES];
    token_cache *c = a->tokens;
    token_entry *e = token_slot(c, tok, key);
    pthread_mutex_lock(&c->mu);
    bool hit = e->used && e->epoch == epoch && sodium_memcmp(e->key, key, sizeof key) == 0 &&
               (e->expires_at == 0 || now < e->expires_at);
    if (hit) *p = e->p;
    pthread_mutex_unlock(&c->mu);
    if (hit) return CK_OK;
    rc = ck_token_lookup_until(db, tok, now, p, &until, err, err_len);
    if (rc != CK_OK) return rc;
    pthread_mutex_lock(&c->mu);
    memcpy(e->key, key, sizeof key);
    e->used = true;
    e->epoch = epoch;
    e->expires_at = until;
    e->p = *p;
    pthread_mutex_unlock(&c->mu);
    return CK_OK;
}

/* Whether p has the permission of r's route. */
static bool route_allows(const ck_http_req *r, const ck_principal *p)
{
    const char *name = ck_http_route(r)->permission;
    ck_perm perm;
    return ck_perm_parse(name, strlen(name), &perm) && ck_principal_may(p, perm);
}

/* Attaches the caller, when there is one; *stale when the request carried
 * a session cookie that is no session. False after answering (a bad bearer
 * token, a database failure). `speculate`: a worklist page's bearer token
 * found in the token cache, and allowed the route, is attached unconfirmed,
 * without asking the database (auth_ctx.unconfirmed). */
static bool identify(ck_http_req *r, const ck_auth *a, ck_db *db, bool speculate, bool *stale)
{
    *stale = false;
    char err[512];
    ck_principal p;
    const char *authz = ck_http_header(r, "Authorization");
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0) {
            unauthorized(r, "send an API token as Authorization: Bearer TOKEN");
            return false;
        }
        const char *tok = authz + 7;
        while (*tok == ' ') tok++;
        char wl_scope[CK_WORKLIST_SCOPE_MAX] = "";
        if (!worklist_scope(r, wl_scope)) wl_scope[0] = '\0';
        int64_t kept_epoch = 0;
        if (speculate && wl_scope[0] && token_kept(a, tok, &p, &kept_epoch) && route_allows(r, &p)) {
            auth_ctx *ctx = new_ctx(r, &p);
            ctx->unconfirmed = true;
            ctx->token_epoch = kept_epoch;
            memcpy(ctx->wl_scope, wl_scope, sizeof wl_scope);
            return true;
        }
        ck_worklist_version wl = {0};
        ck_rc rc = token_principal(a, db, tok, wl_scope, &wl, &p, err, sizeof err);
        if (rc == CK_ERR_NOTFOUND) {
            unauthorized(r, "the API token is not valid (unknown, revoked or expired)");
            return false;
        }
        if (rc != CK_OK) {
            db_failed(r, err);
            return false;
        }
        auth_ctx *ctx = new_ctx(r, &p);
        if (wl_scope[0]) {
            ctx->wl_known = true;
            memcpy(ctx->wl_scope, wl_scope, sizeof wl_scope);
            ctx->wl = wl;
        }
        return true;
    }
    const char *tok = presented_session(r, a);
    if (!tok) return true;
    ck_rc rc = ck_session_lookup(db, tok, now_of(a), a->cfg.idle_s, a->cfg.absolute_s, &p, err, sizeof err);
    if (rc == CK_ERR_NOTFOUND) {
        *stale = true;
        return true;
    }
    if (rc != CK_OK) {
        db_failed(r, err);
        return false;
    }
    auth_ctx *ctx = new_ctx(r, &p);
    snprintf(ctx->token, sizeof ctx->token, "%s", tok);
    ck_session_csrf(tok, ctx->csrf);
    return true;
}

static bool authorize(ck_http_req *r, bool speculate)
{
    const ck_auth *a = auth_of(r);
    const char *perm_name = ck_http_route(r)->permission;
    if (!a) {
        ck_http_log("%s: the server has no ck_auth: refusing", ck_http_request_id(r));
        ck_http_error(r, 503, "the server is not configured for sign-in");
        return false;
    }
    ck_db *db = db_or_503(r);
    bool stale = false;
    bool is_public = strcmp(perm_name, CK_PERMISSION_PUBLIC) == 0;
    /* A public route's Authorization header is not ours to check: GOV.UK
     * Notify's receipts carry their own token (http/ck_api_notify). */
    bool foreign_token = is_public && ck_http_header(r, "Authorization");
    if (!db || (!foreign_token && !identify(r, a, db, speculate, &stale))) return false;
    const auth_ctx *ctx = ck_http_principal(r);
    if (ctx) ck_http_set_user(r, ctx->p.user_id);
    /* A dead session's cookie is of no use to keep; sign-in (public) sets
     * the new one itself. */
    if (stale && !is_public) set_cookie(r, a, NULL);
    if (is_public) {
        /* Sign-in is public: a browser's cross-site post to it (login CSRF)
         * shows itself by its Origin. */
        if (state_changing(r) && !same_origin(r, false)) {
            ck_http_error(r, 403, "this request came from another site");
            return false;
        }
        return true;
    }
    if (!ctx) {
        unauthorized(r, "sign in, or send an API token");
        return false;
    }
    if (ctx->p.via_session && state_changing(r)) {
        if (!same_origin(r, true)) {
            ck_http_error(r, 403, "this request came from another site (or did not say where from)");
            return false;
        }
        if (!csrf_ok(r, ctx)) {
            ck_http_error(r, 403, "the form or request is missing this session's CSRF token; reload and try again");
            return false;
        }
    }
    if (strcmp(perm_name, CK_PERMISSION_AUTHENTICATED) == 0) return true;
    ck_perm perm;
    if (!ck_perm_parse(perm_name, strlen(perm_name), &perm)) {
        ck_http_log("%s: route %s has unknown permission %s: refusing", ck_http_request_id(r),
                    ck_http_route(r)->pattern, perm_name);
        ck_http_error(r, 500, "the server's route table is wrong");
        return false;
    }
    if (!ck_principal_may(&ctx->p, perm)) {
        char detail[128];
        snprintf(detail, sizeof detail, "your %s does not include %s",
                 ctx->p.via_session ? "role" : "role or this token's scopes", perm_name);
        ck_http_error(r, 403, detail);
        return false;
    }
    const char *crn = ck_http_param(r, "crn");
    if (!crn || !ck_perm_is_case(perm)) return true;
    const ck_app *app = ck_http_app(r);
    if (app->decides_access && app->decides_access(ck_http_route(r))) return true;
    char err[1024];
    ck_rc rc = ck_access_check(db, &ctx->p, perm, crn, CK_LOCK_NONE, NULL, err, sizeof err);
    if (rc == CK_OK || rc == CK_ERR_NOTFOUND) return true;
    if (rc != CK_ERR_DENIED) {
        db_failed(r, err);
        return false;
    }
    ck_auth_deny(r, err);
    return false;
}

bool ck_auth_authorize(ck_http_req *r) { return authorize(r, true); }

bool ck_auth_confirm(ck_http_req *r)
{
    const auth_ctx *ctx = ck_http_principal(r);
    if (!ctx || !ctx->unconfirmed) return true;
    ck_http_set_principal(r, NULL);
    return authorize(r, false);
}

void ck_auth_deny(ck_http_req *r, const char *why)
{
    const ck_principal *p = ck_auth_principal(r);
    ck_db *db = p ? db_or_503(r) : NULL;
    if (!db) return;
    const ck_route *route = ck_http_route(r);
    char audit_err[512];
    if (ck_audit_record(db, p, "access.denied", ck_http_param(r, "crn"), route->pattern, route->permission,
                        audit_err, sizeof audit_err) != CK_OK) {
        db_failed(r, audit_err);
        return;
    }
    ck_http_error(r, 403, why);
}

/* ---- For handlers ------------------------------------------------------------------ */

bool ck_auth_worklist_version(const ck_http_req *r, const char *scope, ck_worklist_version *v)
{
    const auth_ctx *ctx = ck_http_principal(r);
    if (!ctx || !ctx->wl_known || strcmp(ctx->wl_scope, scope) != 0) return false;
    *v = ctx->wl;
    return true;
}

bool ck_auth_worklist_unconfirmed(const ck_http_req *r, const char *scope, int64_t *token_epoch)
{
    const auth_ctx *ctx = ck_http_principal(r);
    if (!ctx || !ctx->unconfirmed || strcmp(ctx->wl_scope, scope) != 0) return false;
    *token_epoch = ctx->token_epoch;
    return true;
}

const ck_principal *ck_auth_principal(const ck_http_req *r)
{
    const auth_ctx *ctx = ck_http_principal(r);
    return ctx ? &ctx->p : NULL;
}

bool ck_auth_may(const ck_http_req *r, ck_perm perm) { return ck_principal_may(ck_auth_principal(r), perm); }

const char *ck_auth_csrf(const ck_http_req *r)
{
    const auth_ctx *ctx = ck_http_principal(r);
    return ctx && ctx->csrf[0] ? ctx->csrf : NULL;
}

void ck_auth_attach(ck_http_req *r, const ck_principal *p) { new_ctx(r, p); }

const ck_principal *ck_auth_require(ck_http_req *r)
{
    const ck_principal *p = ck_auth_principal(r);
    if (!p) unauthorized(r, "sign in, or send an API token");
    return p;
}

bool ck_auth_route_perm(const ck_http_req *r, ck_perm *out)
{
    const char *name = ck_http_route(r)->permission;
    return ck_perm_parse(name, strlen(name), out);
}

ck_rc ck_auth_sign_in(ck_http_req *r, const char *username, const char *password, bool *ok, char *err,
                      size_t err_len)
{
    *ok = false;
    const ck_auth *a = auth_of(r);
    char dberr[512];
    ck_db *db = ck_http_db(r, dberr, sizeof dberr);
    if (!a || !db) {
        snprintf(err, err_len, "%s", a ? dberr : "the server has no ck_auth");
        return CK_ERR_DB;
    }
    /* Whatever session the request carried ends here: the session after
     * sign-in is always a new one (no fixation). */
    const char *old = presented_session(r, a);
    const ck_principal *before = ck_auth_principal(r);
    ck_principal anon; /* no permissions: it only names the audit entry */
    memset(&anon, 0, sizeof anon);
    snprintf(anon.username, sizeof anon.username, "anonymous");
    snprintf(anon.client, sizeof anon.client, "%s", ck_http_client(r));
    snprintf(anon.request_id, sizeof anon.request_id, "%s", ck_http_request_id(r));
    ck_rc rc = old ? ck_session_end(db, before ? before : &anon, old, err, err_len) : CK_OK;
    if (rc != CK_OK) return rc;
    ck_http_set_principal(r, NULL);
    char token[CK_TOKEN_HEX + 1];
    ck_principal who;
    rc = ck_sign_in(db, username, password, ck_http_client(r), ck_http_request_id(r), now_of(a), ok, token, &who, err,
                    err_len);
    if (rc != CK_OK || !*ok) {
        if (old) set_cookie(r, a, NULL);
        return rc;
    }
    auth_ctx *ctx = new_ctx(r, &who);
    snprintf(ctx->token, sizeof ctx->token, "%s", token);
    ck_session_csrf(token, ctx->csrf);
    set_cookie(r, a, token);
    sodium_memzero(token, sizeof token);
    return CK_OK;
}

ck_rc ck_auth_sign_out(ck_http_req *r, char *err, size_t err_len)
{
    const ck_auth *a = auth_of(r);
    const auth_ctx *ctx = ck_http_principal(r);
    if (!a || !ctx || !ctx->token[0]) return CK_OK;
    char dberr[512];
    ck_db *db = ck_http_db(r, dberr, sizeof dberr);
    if (!db) {
        snprintf(err, err_len, "%s", dberr);
        return CK_ERR_DB;
    }
    ck_rc rc = ck_session_end(db, &ctx->p, ctx->token, err, err_len);
    if (rc == CK_OK) set_cookie(r, a, NULL);
    return rc;
}

/* ---- The session API ------------------------------------------------------------- */

static json_t *user_json(const ck_principal *p)
{
    json_t *perms = json_array();
    for (int i = 0; i < CK_PERM_COUNT; i++) {
        ck_scope s = ck_principal_scope(p, (ck_perm)i);
        if (s != CK_SCOPE_NONE)
            json_array_append_new(perms, json_pack("{s:s, s:s}", "permission", ck_perm_names[i], "scope",
                                                   ck_scope_names[s]));
    }
    const char *role = (unsigned)p->role <= CK_ROLE_SYSTEM ? ck_role_names[p->role] : "none";
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:o}", "username", p->username, "role", role, "staff_code",
                     p->place.staff[0] ? p->place.staff : NULL, "team", p->place.team[0] ? p->place.team : NULL, "pdu",
                     p->place.pdu[0] ? p->place.pdu : NULL, "region", p->place.region[0] ? p->place.region : NULL,
                     "permissions", perms);
}

static void session_json(ck_http_req *r, unsigned status)
{
    const auth_ctx *ctx = ck_http_principal(r);
    json_t *j = json_pack("{s:o, s:s, s:s?}", "user", user_json(&ctx->p), "via", ctx->token[0] ? "session" : "token",
                          "csrf_token", ctx->csrf[0] ? ctx->csrf : NULL);
    ck_http_json(r, status, j);
}

void ck_auth_h_sign_in(ck_http_req *r)
{
    if (!ck_http_content_type_is(r, "application/json")) {
        ck_http_problem(r, 415, NULL, NULL, "send {\"username\", \"password\"} as Content-Type: application/json",
                        NULL);
        return;
    }
    ck_str b = ck_http_body(r);
    json_t *body = json_loadb(b.p ? b.p : "", b.n, JSON_REJECT_DUPLICATES, NULL);
    const char *user = json_string_value(json_object_get(body, "username"));
    const char *pw = json_string_value(json_object_get(body, "password"));
    if (!user || !pw) {
        json_decref(body);
        ck_http_problem(r, 400, "urn:casekeeper:problem:invalid", "Invalid request",
                        "expected a JSON object {\"username\": \"...\", \"password\": \"...\"}", NULL);
        return;
    }
    char err[512];
    bool ok = false;
    ck_rc rc = ck_auth_sign_in(r, user, pw, &ok, err, sizeof err);
    json_decref(body);
    if (rc != CK_OK) db_failed(r, err);
    else if (!ok) ck_http_problem(r, 401, NULL, NULL, SIGN_IN_FAILED, NULL);
    else session_json(r, 200);
}

void ck_auth_h_session(ck_http_req *r) { session_json(r, 200); }

void ck_auth_h_sign_out(ck_http_req *r)
{
    char err[512];
    if (ck_auth_sign_out(r, err, sizeof err) != CK_OK) {
        db_failed(r, err);
        return;
    }
    ck_http_status(r, 204);
}

static bool add_user(void *ctx, const ck_user *u)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:s?, s:b, s:b}", "username", u->username, "role",
                                         (unsigned)u->role < CK_ROLE_COUNT ? ck_role_names[u->role] : "unknown",
                                         "staff_code", u->staff[0] ? u->staff : NULL, "disabled", u->disabled, "locked",
                                         u->locked));
    return true;
}

void ck_auth_h_users(ck_http_req *r)
{
    char err[512];
    ck_db *db = db_or_503(r);
    if (!db) return;
    json_t *items = json_array();
    ck_rc rc = ck_user_list(db, add_user, items, err, sizeof err);
    if (rc == CK_OK) rc = ck_audit_record(db, ck_auth_principal(r), "user.list", NULL, NULL, NULL, err, sizeof err);
    if (rc != CK_OK) {
        json_decref(items);
        db_failed(r, err);
        return;
    }
    ck_http_json(r, 200, json_pack("{s:o}", "items", items));
}
