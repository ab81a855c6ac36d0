/* ck_web_accounts: accounts in the web app, for administrators (permission
 * user:admin): list, add, disable, enable, unlock, reset a password, change
 * the role or staff link, and API tokens (create, revoke).
 *
 * Every change goes through services/ck_users, the functions `casekeeper
 * user` and `casekeeper token` call: the same rules (a username's
 * characters, a password's length, a role that needs a staff code, a token's
 * scopes held by the role) and the same audit entries, written in the
 * change's own transaction as the signed-in administrator. A generated
 * password or a new token is shown once, on the answer to the POST that
 * made it (never stored, never cached: responses are no-store), as the CLI
 * prints it once. The forms post the session's CSRF token like every form. */
#include "ck_users.h"
#include "ck_web.h"
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void failed(ck_http_req *r, const ck_session *s, const char *what, const char *err)
{
    ck_http_log("%s web: %s: %s", ck_http_request_id(r), what, err);
    ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
}

static const char *account_href(ck_http_req *r, const char *name, const char *rest)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "/accounts/");
    ck_buf_escape(&b, CK_ESC_URL, name, strlen(name));
    ck_buf_puts(&b, rest);
    const char *out = ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&b));
    ck_buf_free(&b);
    return out;
}

static const char *state_text(const ck_user *u)
{
    return u->disabled ? "Disabled" : u->locked ? "Locked" : !u->has_password ? "API tokens only" : "Active";
}

static json_t *user_json(ck_http_req *r, const ck_user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "username", u->username, "role",
                     ck_web_role_label(u->role), "role_code",
                     (unsigned)u->role < CK_ROLE_COUNT ? ck_role_names[u->role] : "", "staff", u->staff, "state",
                     state_text(u), "disabled", u->disabled, "locked", u->locked, "href",
                     account_href(r, u->username, ""));
}

/* The role choices of the forms, with their labels. */
static const char *const *role_opts(ck_http_req *r)
{
    const char **o = ck_arena_array(ck_http_arena(r), 2 * CK_ROLE_COUNT + 2, sizeof *o);
    for (int i = 0; i < CK_ROLE_COUNT; i++) {
        o[2 * i] = ck_role_names[i];
        o[2 * i + 1] = ck_web_role_label((ck_role)i);
    }
    return o;
}

/* ---- The list ----------------------------------------------------------- */

static bool add_row(void *ctx, const ck_user *u)
{
    void **c = ctx;
    json_array_append_new(c[1], user_json(c[0], u));
    return true;
}

void ck_web_accounts(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    json_t *rows = json_array();
    void *ctx[2] = {r, rows};
    char err[512];
    if (ck_user_list(db, add_row, ctx, err, sizeof err) != CK_OK) {
        json_decref(rows);
        failed(r, &s, "accounts", err);
        return;
    }
    json_t *page = ck_web_page(r, &s, "Accounts", "accounts");
    json_object_set_new(page, "accounts", rows);
    const char *done = ck_http_query(r, "done");
    if (done) {
        json_object_set_new(page, "saved", json_string("account"));
        json_object_set_new(page, "saved_text", json_string(done));
    }
    ck_web_render(r, 200, "accounts/list.html", page);
}

/* ---- Adding ------------------------------------------------------------- */

static void add_form(ck_http_req *r, json_t *page, unsigned status)
{
    json_t *f = json_array();
    json_array_append_new(f, ck_web_form_field(r, page, "text", "username", "Username",
                                               "Lower case letters, digits, full stops, hyphens and underscores, "
                                               "for example pat.one",
                                               NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "radios", "role", "Role", NULL, role_opts(r)));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "staff", "Staff code",
                                               "The staff record the person works as, for example N07P001. Every "
                                               "role but quality assurance and administrator needs one.",
                                               NULL));
    ck_web_render_form(r, status, page,
                       &(ck_web_form){.heading = "Add an account",
                                      .intro = "A password is made for the account and shown once, on the next "
                                               "page. Give it to the person; they cannot be shown it again.",
                                      .action = "/accounts/new", .submit = "Add the account", .cancel = "/accounts"},
                       f);
}

void ck_web_account_new(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    add_form(r, ck_web_page(r, &s, "Add an account", "accounts"), 200);
}

/* A refusal of ck_users ("staff: ...") by the form field it names. */
static void users_error(json_t *page, const char *err, const char *fallback)
{
    /* The name ck_users gives a value, and the field that holds it. */
    static const char *const fields[] = {"username", "username", "role", "role", "staff", "staff", "scope", "scopes",
                                         "expires", "expires", NULL, NULL};
    size_t n = strcspn(err, ":");
    for (size_t i = 0; fields[i]; i += 2)
        if (strlen(fields[i]) == n && strncmp(err, fields[i], n) == 0) {
            ck_web_form_error(page, fields[i + 1], "%s", err);
            return;
        }
    ck_web_form_error(page, fallback, "%s", err);
}

/* The page that shows a new secret (a password or a token) once. */
static void show_secret(ck_http_req *r, const ck_session *s, const char *title, const char *name, const char *what,
                        const char *secret)
{
    json_t *page = ck_web_page(r, s, title, "accounts");
    json_object_set_new(page, "username", json_string(name));
    json_object_set_new(page, "what", json_string(what));
    json_object_set_new(page, "secret", json_string(secret));
    json_object_set_new(page, "href", json_string(account_href(r, name, "")));
    ck_web_render(r, 200, "accounts/secret.html", page);
}

void ck_web_account_add(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    json_t *page = ck_web_page(r, &s, "Add an account", "accounts");
    static const char *const kept[] = {"username", "role", "staff", NULL};
    ck_web_keep_values(r, page, kept);
    const char *name = ck_web_field(r, "username"), *role_s = ck_web_field(r, "role");
    ck_role role;
    if (!ck_role_parse(role_s, &role)) ck_web_form_error(page, "role", "Select the account's role");
    char pw[CK_PASSWORD_GEN_LEN + 1], err[512];
    ck_rc rc = CK_ERR_INVALID;
    if (!ck_web_form_has_errors(page)) {
        ck_password_generate(pw);
        rc = ck_user_add(db, s.p, name, role, ck_web_field(r, "staff"), pw, ck_auth_now(ck_web_of(r)->app.auth), NULL, err, sizeof err);
        if (rc == CK_OK) {
            json_decref(page);
            show_secret(r, &s, "Account added", name, "password", pw);
        } else if (rc == CK_ERR_DB) {
            json_decref(page);
            failed(r, &s, "add account", err);
        } else {
            users_error(page, err, "username");
        }
        sodium_memzero(pw, sizeof pw);
    }
    if (rc != CK_OK && rc != CK_ERR_DB) add_form(r, page, rc == CK_ERR_EXISTS ? 409 : 400);
}

/* ---- One account -------------------------------------------------------- */

/* The account the route's {name} names, or a 404 page (false). */
static bool account_of(ck_http_req *r, const ck_session *s, ck_db *db, ck_user *u)
{
    char err[512];
    ck_rc rc = ck_user_get(db, ck_http_param(r, "name"), u, err, sizeof err);
    if (rc == CK_OK) return true;
    if (rc == CK_ERR_NOTFOUND)
        ck_web_error_page(r, s, 404, "Account not found", "There is no account with that username.");
    else
        failed(r, s, "account", err);
    return false;
}

/* The guard, the database and the account of the route; false when it
 * has answered. */
static bool open_account(ck_http_req *r, ck_session *s, ck_db **db, ck_user *u)
{
    return ck_web_guard(r, s) && (*db = ck_web_db(r, s)) && account_of(r, s, *db, u);
}

static bool add_token(void *ctx, const ck_api_token *t)
{
    void **c = ctx;
    ck_http_req *r = c[0];
    int64_t now = *(const int64_t *)c[2];
    char scopes[512];
    ck_perm_list(t->scopes, scopes, sizeof scopes);
    const char *state = t->revoked ? "Revoked" : t->expires_at && t->expires_at <= now ? "Expired" : "Active";
    json_array_append_new(c[1], json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)t->id, "label",
                                          t->label, "scopes", scopes, "state", state, "created",
                                          ck_web_time_long(r, t->created_at), "expires",
                                          t->expires_at ? ck_web_time_long(r, t->expires_at) : "Never", "active",
                                          !t->revoked && !(t->expires_at && t->expires_at <= now)));
    return true;
}

void ck_web_account(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_user u;
    if (!open_account(r, &s, &db, &u)) return;
    json_t *tokens = json_array();
    int64_t now = ck_auth_now(ck_web_of(r)->app.auth);
    void *ctx[3] = {r, tokens, &now};
    char err[512];
    if (ck_token_list(db, u.username, add_token, ctx, err, sizeof err) != CK_OK) {
        json_decref(tokens);
        failed(r, &s, "tokens", err);
        return;
    }
    json_t *page = ck_web_page(r, &s, ck_arena_printf(ck_http_arena(r), "Account %s", u.username), "accounts");
    json_object_set_new(page, "account", user_json(r, &u));
    json_object_set_new(page, "tokens", tokens);
    json_object_set_new(page, "created", json_string(ck_web_time_long(r, u.created_at)));
    const char *done = ck_http_query(r, "done");
    if (done) {
        json_object_set_new(page, "saved", json_string("account"));
        json_object_set_new(page, "saved_text", json_string(done));
    }
    ck_web_render(r, 200, "accounts/account.html", page);
}

struct token_find {
    int64_t id;
    bool found;
};
static bool find_token(void *ctx, const ck_api_token *t)
{
    struct token_find *f = ctx;
    if (t->id == f->id) f->found = true;
    return !f->found;
}

/* POST /accounts/{name}/{verb}: disable, enable, unlock, reset-password,
 * revoke (field token: the id). Each is one ck_users call, audited there. */
void ck_web_account_action(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_user u;
    if (!open_account(r, &s, &db, &u)) return;
    const char *verb = ck_http_param(r, "verb");
    char err[512], pw[CK_PASSWORD_GEN_LEN + 1] = "";
    const char *done = NULL;
    ck_rc rc;
    if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0) {
        rc = ck_user_set_disabled(db, s.p, u.username, verb[0] == 'd', err, sizeof err);
        done = verb[0] == 'd' ? "Account disabled. Its sessions have ended." : "Account enabled.";
    } else if (strcmp(verb, "unlock") == 0) {
        rc = ck_user_unlock(db, s.p, u.username, err, sizeof err);
        done = "Account unlocked.";
    } else if (strcmp(verb, "reset-password") == 0) {
        ck_password_generate(pw);
        rc = ck_user_set_password(db, s.p, u.username, pw, err, sizeof err);
    } else if (strcmp(verb, "revoke") == 0) {
        /* Only a token of this account: the page it was posted from. */
        const char *id_s = ck_web_field(r, "token");
        char *end;
        long long id = strtoll(id_s, &end, 10);
        struct token_find tf = {.id = *id_s && !*end && id > 0 ? (int64_t)id : 0};
        rc = tf.id ? ck_token_list(db, u.username, find_token, &tf, err, sizeof err) : CK_OK;
        if (rc == CK_OK && !tf.found) rc = CK_ERR_NOTFOUND;
        if (rc == CK_OK) rc = ck_token_revoke(db, s.p, tf.id, err, sizeof err);
        if (rc == CK_ERR_NOTFOUND) snprintf(err, sizeof err, "The account has no such token.");
        done = "Token revoked. It no longer works.";
    } else {
        ck_web_error_page(r, &s, 404, "Page not found", "If you typed the web address, check it is correct.");
        return;
    }
    if (rc == CK_OK && pw[0]) {
        show_secret(r, &s, "Password reset", u.username, "password", pw);
    } else if (rc == CK_OK) {
        ck_buf loc = CK_BUF_INIT;
        ck_buf_puts(&loc, account_href(r, u.username, "?done="));
        ck_buf_escape(&loc, CK_ESC_URL, done, strlen(done));
        ck_web_redirect(r, ck_buf_cstr(&loc));
        ck_buf_free(&loc);
    } else if (rc == CK_ERR_DB) {
        failed(r, &s, verb, err);
    } else {
        ck_web_error_page(r, &s, rc == CK_ERR_NOTFOUND ? 404 : 400, "This cannot be done", err);
    }
    sodium_memzero(pw, sizeof pw);
}

/* ---- Role and staff link ------------------------------------------------ */

static void role_form(ck_http_req *r, const ck_user *u, json_t *page, unsigned status)
{
    json_t *f = json_array();
    json_array_append_new(f, ck_web_form_field(r, page, "radios", "role", "Role", NULL, role_opts(r)));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "staff", "Staff code",
                                               "The staff record the person works as. Every role but quality "
                                               "assurance and administrator needs one; leave empty for none.",
                                               NULL));
    ck_web_render_form(r, status, page,
                       &(ck_web_form){.caption = u->username, .heading = "Change the role or staff link",
                                      .intro = "The account's sessions end, so its next sign-in has the new role.",
                                      .action = account_href(r, u->username, "/role"), .submit = "Save the role",
                                      .cancel = account_href(r, u->username, "")},
                       f);
}

void ck_web_account_role_form(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_user u;
    if (!open_account(r, &s, &db, &u)) return;
    json_t *page = ck_web_page(r, &s, "Change the role or staff link", "accounts");
    json_t *values = json_object_get(page, "values");
    if ((unsigned)u.role < CK_ROLE_COUNT) json_object_set_new(values, "role", json_string(ck_role_names[u.role]));
    json_object_set_new(values, "staff", json_string(u.staff));
    role_form(r, &u, page, 200);
}

void ck_web_account_role_post(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_user u;
    if (!open_account(r, &s, &db, &u)) return;
    json_t *page = ck_web_page(r, &s, "Change the role or staff link", "accounts");
    static const char *const kept[] = {"role", "staff", NULL};
    ck_web_keep_values(r, page, kept);
    ck_role role;
    if (!ck_role_parse(ck_web_field(r, "role"), &role)) ck_web_form_error(page, "role", "Select the account's role");
    char err[512];
    ck_rc rc = CK_ERR_INVALID;
    if (!ck_web_form_has_errors(page))
        rc = ck_user_set_role(db, s.p, u.username, role, ck_web_field(r, "staff"), err, sizeof err);
    if (rc == CK_OK) {
        json_decref(page);
        ck_web_redirect(r, account_href(r, u.username, "?done=Role+and+staff+link+saved.+The+account%27s+sessions+have+ended."));
    } else if (rc == CK_ERR_DB) {
        json_decref(page);
        failed(r, &s, "role", err);
    } else {
        if (!ck_web_form_has_errors(page)) users_error(page, err, "role");
        role_form(r, &u, page, 400);
    }
}

/* ---- API tokens --------------------------------------------------------- */

static void token_form(ck_http_req *r, const ck_user *u, json_t *page, unsigned status)
{
    char held[512] = "";
    uint32_t bits = 0;
    for (int i = 0; i < CK_PERM_COUNT; i++)
        if (ck_role_scope(u->role, (ck_perm)i) != CK_SCOPE_NONE) bits |= 1u << i;
    ck_perm_list(bits, held, sizeof held);
    json_t *f = json_array();
    json_array_append_new(f, ck_web_form_field(r, page, "text", "scopes", "Permissions",
                                               ck_arena_printf(ck_http_arena(r),
                                                               "Separated by commas, from those of the account's "
                                                               "role: %s", held[0] ? held : "none"),
                                               NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "label", "What the token is for",
                                               "Optional, for example: nightly export", NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "expires", "Days until it expires",
                                               ck_arena_printf(ck_http_arena(r),
                                                               "Optional: 1 to %d; leave empty for a token that "
                                                               "does not expire", CK_TOKEN_MAX_DAYS),
                                               NULL));
    ck_web_render_form(r, status, page,
                       &(ck_web_form){.caption = u->username, .heading = "Create an API token",
                                      .intro = "The token is shown once, on the next page.",
                                      .action = account_href(r, u->username, "/tokens/new"),
                                      .submit = "Create the token", .cancel = account_href(r, u->username, "")},
                       f);
}

void ck_web_token_form(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_user u;
    if (!open_account(r, &s, &db, &u)) return;
    token_form(r, &u, ck_web_page(r, &s, "Create an API token", "accounts"), 200);
}

void ck_web_token_post(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_user u;
    if (!open_account(r, &s, &db, &u)) return;
    json_t *page = ck_web_page(r, &s, "Create an API token", "accounts");
    static const char *const kept[] = {"scopes", "label", "expires", NULL};
    ck_web_keep_values(r, page, kept);
    char err[1024];
    uint32_t scopes = 0;
    int64_t now = ck_auth_now(ck_web_of(r)->app.auth), expires = 0;
    /* The rules of `casekeeper token add`: ck_roles parses the list,
     * ck_users the expiry and whether the role holds each permission. */
    if (!ck_perm_parse_list(ck_web_field(r, "scopes"), &scopes, err, sizeof err))
        ck_web_form_error(page, "scopes", "Permissions: %s", err);
    if (!ck_token_expiry(ck_web_field(r, "expires"), now, &expires, err, sizeof err))
        ck_web_form_error(page, "expires", "%s", err);
    ck_rc rc = CK_ERR_INVALID;
    char token[CK_API_TOKEN_LEN + 1] = "";
    if (!ck_web_form_has_errors(page)) {
        const char *label = ck_web_field(r, "label");
        rc = ck_token_add(db, s.p, u.username, scopes, *label ? label : NULL, now, expires, token, NULL, err,
                          sizeof err);
    }
    if (rc == CK_OK) {
        json_decref(page);
        show_secret(r, &s, "API token created", u.username, "API token", token);
    } else if (rc == CK_ERR_DB) {
        json_decref(page);
        failed(r, &s, "token", err);
    } else {
        if (!ck_web_form_has_errors(page)) users_error(page, err, "scopes");
        token_form(r, &u, page, 400);
    }
    sodium_memzero(token, sizeof token);
}
