/* ck_web: the web app's shared machinery (see ck_web.h). */
#include "ck_web.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const ck_web_grades[] = {"PO", "PQiP", "PSO", "SPO", "VLO", "court_officer", "head_of_pdu", NULL};
const char *const ck_web_grade_labels[] = {
    "Probation officer", "Probation officer in training (PQiP)", "Probation services officer",
    "Senior probation officer", "Victim liaison officer", "Court officer", "Head of PDU", NULL};

/* Which grades hold which permission, until staff accounts and roles exist.
 * Victims' details are for victim liaison staff only. */
static const struct {
    const char *permission;
    const char *grades; /* space-separated */
} grants[] = {
    {"case:read", "PO PQiP PSO SPO VLO court_officer head_of_pdu"},
    {"case:write", "PO PQiP PSO SPO court_officer"},
    {"court:read", "PO SPO court_officer head_of_pdu"},
    {"team:read", "SPO head_of_pdu"},
    {"pdu:read", "SPO head_of_pdu"},
    {"victim:read", "VLO"},
    {"victim:write", "VLO"},
    /* Managing the service (web/ck_web_manage). */
    {"workforce:read", "SPO head_of_pdu"},
    {"allocate", "SPO head_of_pdu"},
    {"inspection:read", "SPO head_of_pdu"},
    {"inspection:write", "head_of_pdu"},
    {"qa", "SPO head_of_pdu"},
};

bool ck_web_allowed(const char *grade, const char *permission)
{
    if (!grade || !permission) return false;
    if (strcmp(permission, "public") == 0) return true;
    size_t gl = strlen(grade);
    for (size_t i = 0; i < sizeof grants / sizeof *grants; i++) {
        if (strcmp(grants[i].permission, permission) != 0) continue;
        for (const char *p = grants[i].grades; *p;) {
            size_t n = strcspn(p, " ");
            if (n == gl && memcmp(p, grade, n) == 0) return true;
            p += n + (p[n] == ' ');
        }
    }
    return false;
}

static bool has_templates(const char *dir)
{
    char p[PATH_MAX];
    struct stat sb;
    return (size_t)snprintf(p, sizeof p, "%s/templates", dir) < sizeof p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool ck_web_find_root(char *out, size_t out_len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        /* build/casekeeper, build/dbg/casekeeper, build/dbg/tests/test_x */
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash || slash == exe) break;
            *slash = '\0';
            if (has_templates(exe)) {
                if ((size_t)snprintf(out, out_len, "%s", exe) >= out_len) return false;
                return true;
            }
        }
    }
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && has_templates(cwd)) return (size_t)snprintf(out, out_len, "%s", cwd) < out_len;
    return false;
}

ck_web *ck_web_new(const ck_web_config *cfg, const ck_app *app, char *err, size_t err_len)
{
    char root[PATH_MAX], tdir[PATH_MAX], nm[PATH_MAX], st[PATH_MAX];
    if (cfg->root) {
        snprintf(root, sizeof root, "%s", cfg->root);
    } else if (!ck_web_find_root(root, sizeof root)) {
        snprintf(err, err_len, "web: cannot find the templates/ directory beside the binary or in the working directory");
        return NULL;
    }
    if ((cfg->templates_dir ? (size_t)snprintf(tdir, sizeof tdir, "%s", cfg->templates_dir)
                            : (size_t)snprintf(tdir, sizeof tdir, "%s/templates", root)) >= sizeof tdir ||
        (size_t)snprintf(nm, sizeof nm, "%s/node_modules", root) >= sizeof nm ||
        (size_t)snprintf(st, sizeof st, "%s/static", root) >= sizeof st) {
        snprintf(err, err_len, "web: %s: path too long", root);
        return NULL;
    }

    ck_web *w = ck_calloc(1, sizeof *w);
    w->tmpl = ck_tmpl_set_new();
    w->app = *app;
    w->secure_cookies = cfg->secure_cookies;
    if (!ck_tmpl_load_dir(w->tmpl, tdir, err, err_len) || !ck_tmpl_link(w->tmpl, err, err_len) ||
        !(w->assets = ck_assets_load(nm, st, err, err_len))) {
        ck_web_free(w);
        return NULL;
    }
    w->sessions = ck_sessions_new(cfg->session_idle_s);
    if (!w->sessions) {
        snprintf(err, err_len, "web: libsodium could not start");
        ck_web_free(w);
        return NULL;
    }
    snprintf(w->asset_prefix, sizeof w->asset_prefix, "/assets/%s", ck_assets_version(w->assets));
    return w;
}

void ck_web_free(ck_web *w)
{
    if (!w) return;
    ck_tmpl_set_free(w->tmpl);
    ck_assets_free(w->assets);
    ck_sessions_free(w->sessions);
    ck_free(w);
}

/* ---- Responses ---------------------------------------------------------- */

static const struct {
    const char *key, *href, *text, *permission;
} nav_items[] = {
    {"work", "/", "My work", "case:read"},
    {"caseload", "/caseload", "Caseload", "case:read"},
    {"search", "/search", "Search", "case:read"},
    {"court", "/court", "Court", "court:read"},
    {"team", "/team", "Team", "team:read"},
    {"pdu", "/pdu", "PDU dashboard", "pdu:read"},
    {"victims", "/victims", "Victim liaison", "victim:read"},
    {"inspection", "/inspection", "Inspection", "inspection:read"},
    {"workforce", "/workforce", "Workforce", "workforce:read"},
    {"allocations", "/allocations", "Allocations", "allocate"},
    {"qa", "/qa", "Case audit", "qa"},
};

static const char *grade_label(const char *grade)
{
    for (size_t i = 0; ck_web_grades[i]; i++)
        if (strcmp(ck_web_grades[i], grade) == 0) return ck_web_grade_labels[i];
    return grade;
}

json_t *ck_web_page(ck_http_req *r, const ck_session *s, const char *title, const char *nav)
{
    const ck_web *w = ck_web_of(r);
    json_t *page = json_pack("{s:s, s:s, s:s, s:[], s:{}, s:{}}", "title", title, "asset", w->asset_prefix,
                             "path", ck_http_path(r), "errors", "error", "values");
    if (!s) return page;
    json_object_set_new(page, "user", json_pack("{s:s, s:s, s:s, s:s}", "staff", s->staff, "grade", s->grade,
                                                "grade_label", grade_label(s->grade), "team", s->team));
    json_object_set_new(page, "csrf", json_string(s->csrf));
    json_t *items = json_array();
    for (size_t i = 0; i < sizeof nav_items / sizeof *nav_items; i++) {
        if (!ck_web_allowed(s->grade, nav_items[i].permission)) continue;
        json_array_append_new(items, json_pack("{s:s, s:s, s:b}", "href", nav_items[i].href, "text",
                                               nav_items[i].text, "current", nav && strcmp(nav, nav_items[i].key) == 0));
    }
    json_object_set_new(page, "nav", items);
    return page;
}

void ck_web_render(ck_http_req *r, unsigned status, const char *name, json_t *page)
{
    const ck_web *w = ck_web_of(r);
    char err[256];
    ck_buf *out = ck_http_out(r);
    size_t mark = out->len;
    if (!ck_tmpl_render(w->tmpl, name, page, out, err, sizeof err)) {
        ck_http_log("%s web: rendering %s: %s", ck_http_request_id(r), name, err);
        out->len = mark;
        out->overflowed = false;
        ck_buf_puts(out, "The page could not be shown. Try again later.\n");
        ck_http_content_type(r, "text/plain; charset=utf-8");
        ck_http_status(r, 500);
    } else {
        ck_http_content_type(r, "text/html; charset=utf-8");
        ck_http_status(r, status);
    }
    json_decref(page);
}

void ck_web_redirect(ck_http_req *r, const char *location)
{
    ck_http_status(r, 303);
    ck_http_header_add(r, "Location", location);
}

void ck_web_error_page(ck_http_req *r, const ck_session *s, unsigned status, const char *title, const char *message)
{
    json_t *page = ck_web_page(r, s, title, NULL);
    json_object_set_new(page, "status", json_integer(status));
    json_object_set_new(page, "message", json_string(message));
    ck_web_render(r, status, "error.html", page);
}

void ck_web_on_error(ck_http_req *r, unsigned status, const char *detail)
{
    (void)detail; /* for logs, never shown: it may name internals */
    const char *title = status == 404 ? "Page not found"
                        : status == 405 ? "This page cannot do that"
                        : status == 413 ? "What you sent is too large"
                                        : "Sorry, there is a problem with the service";
    const char *msg = status == 404 ? "If you typed the web address, check it is correct."
                      : status == 405 ? "Go back and use the page's own links and buttons."
                      : status == 413 ? "Go back and send less text or a smaller file."
                                      : "Try again later.";
    ck_web_error_page(r, NULL, status, title, msg);
}

/* ---- Sessions and access ------------------------------------------------ */

static const char *session_cookie(const ck_web *w) { return w->secure_cookies ? "__Host-ck_session" : "ck_session"; }

static void set_cookie(ck_http_req *r, const char *name, const char *value, bool clear)
{
    const ck_web *w = ck_web_of(r);
    char line[256];
    snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, clear ? "" : value,
             w->secure_cookies ? "; Secure" : "", clear ? "; Max-Age=0" : "");
    ck_http_header_add(r, "Set-Cookie", line);
}

/* A `next` that stays on this site, else "/". */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "/";
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20) return "/";
    return next;
}

bool ck_web_guard(ck_http_req *r, ck_session *s)
{
    ck_web *w = ck_web_of(r);
    if (!ck_sessions_get(w->sessions, ck_http_cookie(r, session_cookie(w)), s)) {
        if (strcmp(ck_http_method(r), "POST") == 0) {
            ck_web_error_page(r, NULL, 403, "You have been signed out",
                              "Your session ended, so what you sent was not saved. Sign in and try again.");
            return false;
        }
        ck_buf loc = CK_BUF_INIT;
        ck_buf_puts(&loc, "/sign-in?next=");
        ck_buf_escape(&loc, CK_ESC_URL, ck_http_path(r), strlen(ck_http_path(r)));
        ck_web_redirect(r, ck_buf_cstr(&loc));
        ck_buf_free(&loc);
        return false;
    }
    const ck_route *rt = ck_http_route(r);
    if (!ck_web_allowed(s->grade, rt->permission)) {
        ck_web_error_page(r, s, 403, "You cannot see this page", "Your role does not give access to it.");
        return false;
    }
    if (strcmp(ck_http_method(r), "POST") == 0 && !ck_session_token_eq(ck_http_form(r, "csrf"), s->csrf)) {
        ck_web_error_page(r, s, 403, "This form has expired",
                          "What you sent was not saved. Go back, reload the page and try again.");
        return false;
    }
    return true;
}

ck_db *ck_web_db(ck_http_req *r, const ck_session *s)
{
    char err[256];
    ck_db *db = ck_http_db(r, err, sizeof err);
    if (!db) {
        ck_http_log("%s web: database: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, s, 503, "Sorry, there is a problem with the service", "Try again later.");
    }
    return db;
}

/* ---- Forms -------------------------------------------------------------- */

void ck_web_form_error(json_t *page, const char *field, const char *fmt, ...)
{
    json_t *by_field = json_object_get(page, "error");
    if (json_object_get(by_field, field)) return;
    char msg[256], href[80];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(href, sizeof href, "#%s", field);
    json_object_set_new(by_field, field, json_string(msg));
    json_array_append_new(json_object_get(page, "errors"), json_pack("{s:s, s:s}", "text", msg, "href", href));
}

bool ck_web_form_has_errors(const json_t *page) { return json_array_size(json_object_get(page, "errors")) > 0; }

const char *ck_web_field(ck_http_req *r, const char *name)
{
    const char *v = ck_http_form(r, name);
    if (!v) return "";
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n')) n--;
    return ck_arena_strndup(ck_http_arena(r), v, n);
}

void ck_web_keep_values(ck_http_req *r, json_t *page, const char *const *names)
{
    json_t *values = json_object_get(page, "values");
    for (size_t i = 0; names[i]; i++) json_object_set_new(values, names[i], json_string(ck_web_field(r, names[i])));
}

static bool parse_uint(const char *s, int *out)
{
    if (!*s || strlen(s) > 4) return false;
    int v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return true;
}

bool ck_web_date_field(ck_http_req *r, json_t *page, const char *name, const char *label, bool required, ck_date *out)
{
    static const char *const parts[] = {"day", "month", "year"};
    const char *v[3];
    json_t *values = json_object_get(page, "values");
    for (int i = 0; i < 3; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s-%s", name, parts[i]);
        v[i] = ck_web_field(r, key);
        json_object_set_new(values, key, json_string(v[i]));
    }
    *out = CK_NODATE;
    if (!*v[0] && !*v[1] && !*v[2]) {
        if (!required) return true;
        ck_web_form_error(page, name, "Enter %s", label);
        return false;
    }
    for (int i = 0; i < 3; i++)
        if (!*v[i]) {
            ck_web_form_error(page, name, "%s must include a %s", label, parts[i]);
            return false;
        }
    int d, m, y;
    if (!parse_uint(v[0], &d) || !parse_uint(v[1], &m) || !parse_uint(v[2], &y) || y < 1900 || y > 2199 ||
        !ck_date_valid(y, m, d)) {
        ck_web_form_error(page, name, "%s must be a real date", label);
        return false;
    }
    *out = ck_date_ymd(y, m, d);
    return true;
}

const char *ck_web_date_long(ck_http_req *r, ck_date d)
{
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    if (d == CK_NODATE) return "";
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    return ck_arena_printf(ck_http_arena(r), "%d %s %d", dd, months[m - 1], y);
}

/* ---- Static files ------------------------------------------------------- */

static void serve_asset(ck_http_req *r, const char *name)
{
    const ck_web *w = ck_web_of(r);
    const ck_asset *a = strcmp(ck_http_param(r, "version"), ck_assets_version(w->assets)) == 0
                            ? ck_assets_find(w->assets, name)
                            : NULL;
    if (!a) {
        /* Plain text: an asset URL is never a page a person reads. */
        ck_http_status(r, 404);
        ck_http_content_type(r, "text/plain; charset=utf-8");
        ck_buf_puts(ck_http_out(r), "Not found\n");
        return;
    }
    ck_http_status(r, 200);
    ck_http_content_type(r, a->content_type);
    ck_http_header_add(r, "Cache-Control", "public, max-age=31536000, immutable");
    ck_http_static_body(r, a->data, a->len);
}

void ck_web_asset(ck_http_req *r) { serve_asset(r, ck_http_param(r, "file")); }

void ck_web_asset_in_dir(ck_http_req *r)
{
    char name[256];
    if ((size_t)snprintf(name, sizeof name, "%s/%s", ck_http_param(r, "dir"), ck_http_param(r, "file")) >= sizeof name)
        name[0] = '\0';
    serve_asset(r, name);
}

/* ---- Sign in and out ---------------------------------------------------- */

static const char pre_cookie[] = "ck_signin";

static bool code_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (!n || n > max) return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
    return true;
}

static void sign_in_form(ck_http_req *r, json_t *page, unsigned status)
{
    char token[CK_SESSION_TOKEN_LEN + 1];
    ck_session_random_hex(token);
    set_cookie(r, pre_cookie, token, false);
    json_object_set_new(page, "csrf", json_string(token));
    json_object_set_new(page, "next", json_string(safe_next(ck_http_query(r, "next") ? ck_http_query(r, "next")
                                                                                         : ck_http_form(r, "next"))));
    json_t *grades = json_array();
    const char *chosen = json_string_value(json_object_get(json_object_get(page, "values"), "grade"));
    for (size_t i = 0; ck_web_grades[i]; i++)
        json_array_append_new(grades, json_pack("{s:s, s:s, s:b}", "value", ck_web_grades[i], "text",
                                                ck_web_grade_labels[i], "checked", ck_streq(chosen, ck_web_grades[i])));
    json_object_set_new(page, "grades", grades);
    ck_web_render(r, status, "sign_in.html", page);
}

void ck_web_sign_in(ck_http_req *r)
{
    ck_web *w = ck_web_of(r);
    ck_session s;
    if (ck_sessions_get(w->sessions, ck_http_cookie(r, session_cookie(w)), &s)) {
        ck_web_redirect(r, safe_next(ck_http_query(r, "next")));
        return;
    }
    sign_in_form(r, ck_web_page(r, NULL, "Sign in", NULL), 200);
}

void ck_web_sign_in_post(ck_http_req *r)
{
    ck_web *w = ck_web_of(r);
    if (!ck_session_token_eq(ck_http_form(r, "csrf"), ck_http_cookie(r, pre_cookie))) {
        ck_web_error_page(r, NULL, 403, "This form has expired", "Go back, reload the page and sign in again.");
        return;
    }
    json_t *page = ck_web_page(r, NULL, "Sign in", NULL);
    static const char *const fields[] = {"staff", "grade", "team", NULL};
    ck_web_keep_values(r, page, fields);
    const char *staff = ck_web_field(r, "staff"), *grade = ck_web_field(r, "grade"), *team = ck_web_field(r, "team");
    if (!*staff)
        ck_web_form_error(page, "staff", "Enter your staff code");
    else if (!code_ok(staff, 15))
        ck_web_form_error(page, "staff", "Staff code must be capital letters and numbers, like N07P001");
    if (!ck_vocab_find(ck_web_grades, grade, strlen(grade))) ck_web_form_error(page, "grade", "Select your role");
    if (!*team)
        ck_web_form_error(page, "team", "Enter your team code");
    else if (!code_ok(team, 15))
        ck_web_form_error(page, "team", "Team code must be capital letters and numbers, like N07T01");
    ck_session s;
    if (!ck_web_form_has_errors(page) && !ck_sessions_create(w->sessions, staff, grade, team, &s)) {
        ck_web_error_page(r, NULL, 503, "Sorry, there is a problem with the service",
                          "Too many people are signed in. Try again later.");
        json_decref(page);
        return;
    }
    if (ck_web_form_has_errors(page)) {
        json_object_set_new(page, "title", json_string("Error: Sign in"));
        sign_in_form(r, page, 400);
        return;
    }
    json_decref(page);
    set_cookie(r, pre_cookie, NULL, true);
    set_cookie(r, session_cookie(w), s.token, false);
    ck_web_redirect(r, safe_next(ck_http_form(r, "next")));
}

void ck_web_sign_out(ck_http_req *r)
{
    ck_web *w = ck_web_of(r);
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_sessions_end(w->sessions, s.token);
    set_cookie(r, session_cookie(w), NULL, true);
    ck_web_redirect(r, "/sign-in");
}
