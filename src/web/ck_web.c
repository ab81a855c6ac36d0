/* ck_web: the web app's shared machinery (see ck_web.h). */
#include "ck_web.h"
#include "ck_cell_labels.h"
#include "ck_datadir.h"
#include "ck_web_names.h"
#include "ck_web_plain.h"
#include <limits.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool ck_web_allowed(const ck_session *s, const char *permission)
{
    ck_perm perm;
    return s && permission && ck_perm_parse(permission, strlen(permission), &perm) && ck_principal_may(s->p, perm);
}

/* What the layout calls a role, for people. */
static const char *const role_labels[CK_ROLE_SYSTEM + 1] = {
    [CK_ROLE_PRACTITIONER] = "Probation practitioner", [CK_ROLE_SPO] = "Senior probation officer",
    [CK_ROLE_HEAD_OF_PDU] = "Head of PDU",             [CK_ROLE_COURT_OFFICER] = "Court officer",
    [CK_ROLE_VLO] = "Victim liaison officer",          [CK_ROLE_QA] = "Quality assurance",
    [CK_ROLE_ADMIN] = "Administrator",                 [CK_ROLE_SYSTEM] = "System",
};

const char *ck_web_role_label(ck_role role)
{
    return (unsigned)role <= CK_ROLE_SYSTEM && role_labels[role] ? role_labels[role] : "Unknown role";
}

static bool has_templates(const char *dir)
{
    char p[PATH_MAX];
    struct stat sb;
    return (size_t)snprintf(p, sizeof p, "%s/templates", dir) < sizeof p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The running binary's path (symbolic links resolved). */
static bool exe_path(char *exe, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", exe, len - 1);
    if (n <= 0) return false;
    exe[n] = '\0';
    return true;
}

bool ck_web_find_root(char *out, size_t out_len)
{
    char exe[PATH_MAX], p[PATH_MAX];
    if (exe_path(exe, sizeof exe)) {
        /* The source tree: build/casekeeper, build/dbg/casekeeper, build/dbg/tests/test_x */
        char walk[PATH_MAX];
        snprintf(walk, sizeof walk, "%s", exe);
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(walk, '/');
            if (!slash || slash == walk) break;
            *slash = '\0';
            if (has_templates(walk)) return (size_t)snprintf(out, out_len, "%s", walk) < out_len;
        }
        /* An installed tree, wherever it was unpacked: BIN/../share/casekeeper
         * (make install, the .deb, or a copy of either under another root). */
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if ((size_t)snprintf(p, sizeof p, "%s/../share/casekeeper", exe) < sizeof p && has_templates(p) &&
                realpath(p, walk))
                return (size_t)snprintf(out, out_len, "%s", walk) < out_len;
        }
    }
    /* The prefix the binary was built for (make PREFIX=...). */
    if (has_templates(CK_DATADIR)) return (size_t)snprintf(out, out_len, "%s", CK_DATADIR) < out_len;
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
        snprintf(err, err_len,
                 "web: cannot find the web files (templates/, static/, node_modules/) beside the binary, in its "
                 "../share/casekeeper, in %s or in the working directory; give --assets-dir DIR",
                 CK_DATADIR);
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
    /* The server's cache of rendered cases, unless the caller brought one. */
    if (!w->app.case_cache) w->app.case_cache = w->own_case_cache = ck_case_cache_new();
    if (!w->app.wl_cache && w->app.engine.cfg) {
        const ck_rules_config *rc = w->app.engine.cfg;
        w->app.wl_cache = w->own_wl_cache = ck_wl_cache_new((size_t)rc->server_worklist_cache_entries,
                                                            (size_t)rc->server_worklist_cache_mib << 20);
    }
    if (!w->app.decides_access) w->app.decides_access = ck_api_decides_access;
    w->page_cases = ck_case_cache_new();
    if (!ck_tmpl_load_dir(w->tmpl, tdir, err, err_len) || !ck_tmpl_link(w->tmpl, err, err_len) ||
        !(w->assets = ck_assets_load(nm, st, err, err_len))) {
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
    ck_case_cache_free(w->own_case_cache);
    ck_wl_cache_free(w->own_wl_cache);
    ck_case_cache_free(w->page_cases);
    ck_free(w);
}

/* ---- Responses ---------------------------------------------------------- */

/* The sections of the navigation. Which a role sees is not listed here: an
 * item shows when the role holds the permission of the route its href
 * names (ck_web_routes), so the navigation and the server's refusals come
 * from the one matrix (core/ck_roles). */
static const struct {
    const char *key, *href, *text;
} nav_items[] = {
    {"work", "/my-work", "My work"},
    {"caseload", "/caseload", "Caseload"},
    {"diary", "/diary", "Diary"},
    {"search", "/search", "Search"},
    {"court", "/court", "Court"},
    {"team", "/team", "Team"},
    {"pdu", "/pdu", "PDU dashboard"},
    {"region", "/region", "Region dashboard"},
    {"victims", "/victims", "Victim liaison"},
    {"inspection", "/inspection", "Inspection"},
    {"workforce", "/workforce", "Workforce"},
    {"allocations", "/allocations", "Allocations"},
    {"qa", "/qa", "Case audit"},
    {"accounts", "/accounts", "Accounts"},
};

/* Each role's home: the page it needs first, shown at "/" and after
 * signing in. It must be a GET route of ck_web_routes whose permission the
 * role holds (test_web_roles checks every role). */
static const char *const role_home[CK_ROLE_COUNT] = {
    [CK_ROLE_PRACTITIONER] = "/my-work", [CK_ROLE_SPO] = "/team",   [CK_ROLE_HEAD_OF_PDU] = "/pdu",
    [CK_ROLE_COURT_OFFICER] = "/court",  [CK_ROLE_VLO] = "/victims", [CK_ROLE_QA] = "/qa",
    [CK_ROLE_ADMIN] = "/accounts",
};

const ck_route *ck_web_page_route(const char *path)
{
    for (const ck_route *rt = ck_web_routes; rt->method; rt++)
        if (strcmp(rt->method, "GET") == 0 && strcmp(rt->pattern, path) == 0) return rt;
    return NULL;
}

/* Whether route pattern matches path (no query): literal segments equal,
 * a {name} segment any one non-empty segment. */
static bool pattern_matches(const char *pat, const char *path)
{
    while (*pat && *path) {
        if (*pat != '/' || *path != '/') return false;
        pat++, path++;
        size_t pn = strcspn(pat, "/"), sn = strcspn(path, "/?");
        if (pat[0] == '{') {
            if (sn == 0) return false;
        } else if (pn != sn || strncmp(pat, path, pn) != 0) {
            return false;
        }
        pat += pn, path += sn;
    }
    return !*pat && (!*path || *path == '?');
}

bool ck_web_may_open(const ck_session *s, const char *method, const char *path)
{
    /* The first row that matches answers, as in the server's router. */
    for (const ck_route *rt = ck_web_routes; rt->method; rt++)
        if (strcmp(rt->method, method) == 0 && pattern_matches(rt->pattern, path))
            return ck_web_allowed(s, rt->permission);
    return false;
}

const char *ck_web_home_of(ck_role role) { return (unsigned)role < CK_ROLE_COUNT ? role_home[role] : NULL; }

/* Whether the signed-in account may open the page at path (a literal GET
 * route). */
static bool may_open(const ck_session *s, const char *path)
{
    const ck_route *rt = ck_web_page_route(path);
    return rt && ck_web_allowed(s, rt->permission);
}

void ck_web_home(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    const char *home = ck_web_home_of(s.p->role);
    const ck_route *rt = home ? ck_web_page_route(home) : NULL;
    /* The hook checked only "authenticated" for "/": the home's own
     * permission is checked here, as the hook would for its route. */
    if (!rt || !ck_web_allowed(&s, rt->permission)) {
        ck_web_error_page(r, &s, 403, "Your account has no home page",
                          "Your role cannot open any page of Casekeeper. Ask an administrator to check your account.");
        return;
    }
    rt->handler(r);
}

json_t *ck_web_page(ck_http_req *r, const ck_session *s, const char *title, const char *nav)
{
    const ck_web *w = ck_web_of(r);
    json_t *page = json_pack("{s:s, s:s, s:s, s:[], s:{}, s:{}}", "title", title, "asset", w->asset_prefix,
                             "path", ck_http_path(r), "errors", "error", "values");
    if (!s) return page;
    json_object_set_new(page, "user", json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", s->username, "staff",
                                                s->staff[0] ? s->staff : s->username, "name", ck_web_user_name(s),
                                                "role_label",
                                                role_labels[s->p->role] ? role_labels[s->p->role] : "",
                                                "team", s->team));
    json_object_set_new(page, "csrf", json_string(s->csrf ? s->csrf : ""));
    json_t *items = json_array();
    for (size_t i = 0; i < sizeof nav_items / sizeof *nav_items; i++) {
        if (!may_open(s, nav_items[i].href)) continue;
        /* A diary is a staff member's: an account without one has none. */
        if (strcmp(nav_items[i].key, "diary") == 0 && !s->staff[0]) continue;
        json_array_append_new(items, json_pack("{s:s, s:s, s:b}", "href", nav_items[i].href, "text",
                                               nav_items[i].text, "current", nav && strcmp(nav, nav_items[i].key) == 0));
    }
    json_object_set_new(page, "nav", items);
    return page;
}

/* The page rendered into out[mark..] with each table cell naming its column
 * (ck_cell_labels.h); as rendered when it has no table or the labels would
 * pass out's cap. */
static void label_cells(ck_buf *out, size_t mark)
{
    if (out->len == mark) return;
    size_t limit = out->limit ? out->limit : CK_BUF_DEFAULT_LIMIT;
    ck_buf lab;
    ck_buf_init(&lab, limit - mark);
    if (ck_cell_labels(out->data + mark, out->len - mark, &lab)) {
        out->len = mark;
        ck_buf_append(out, lab.data, lab.len);
    }
    ck_buf_free(&lab);
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
        label_cells(out, mark);
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
    /* A way on: the account's home, unless this page is it (a link back to
     * the page that refused would be a loop). */
    const char *home = s ? ck_web_home_of(s->p->role) : NULL;
    const char *here = ck_http_path(r);
    if (home && strcmp(here, "/") != 0 && strcmp(here, home) != 0 && may_open(s, home))
        for (size_t i = 0; i < sizeof nav_items / sizeof *nav_items; i++)
            if (strcmp(nav_items[i].href, home) == 0)
                json_object_set_new(page, "home", json_pack("{s:s, s:s}", "href", "/", "text", nav_items[i].text));
    json_object_set_new(page, "message", json_string(message));
    ck_web_render(r, status, "error.html", page);
}

/* A `next` that stays on this site, else "/". */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "/";
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20) return "/";
    return next;
}

static void to_sign_in(ck_http_req *r)
{
    ck_buf loc = CK_BUF_INIT;
    ck_buf_puts(&loc, "/sign-in?next=");
    ck_buf_escape(&loc, CK_ESC_URL, ck_http_path(r), strlen(ck_http_path(r)));
    ck_web_redirect(r, ck_buf_cstr(&loc));
    ck_buf_free(&loc);
}

/* The signed-in account as a session view (NULL when nobody is). */
static bool session_of(ck_http_req *r, ck_session *s)
{
    const ck_principal *p = ck_auth_principal(r);
    if (!p) return false;
    s->p = p;
    s->csrf = ck_auth_csrf(r);
    s->username = p->username;
    s->staff = p->place.staff;
    s->team = p->place.team;
    s->pdu = p->place.pdu;
    return true;
}

void ck_web_on_error(ck_http_req *r, unsigned status, const char *detail)
{
    bool get = strcmp(ck_http_method(r), "GET") == 0 || strcmp(ck_http_method(r), "HEAD") == 0;
    if (status == 401 && get) {
        to_sign_in(r);
        return;
    }
    ck_session s;
    bool signed_in = session_of(r, &s);
    if (status == 401) {
        ck_web_error_page(r, NULL, 401, "You have been signed out",
                          "Your session ended, so what you sent was not saved. Sign in and try again.");
        return;
    }
    /* A refusal's detail is written for people (http/ck_auth): why the role
     * or scope does not reach, or the limited-access message to show. Other
     * details are for logs, never shown: they may name internals. */
    const char *title = status == 403 ? "You cannot see this page"
                        : status == 404 ? "Page not found"
                        : status == 405 ? "This page cannot do that"
                        : status == 413 ? "What you sent is too large"
                        : status == 400 ? "What you sent could not be read"
                                        : "Sorry, there is a problem with the service";
    const char *msg = status == 403 && detail ? detail
                      : status == 404 ? "If you typed the web address, check it is correct."
                      : status == 405 ? "Go back and use the page's own links and buttons."
                      : status == 413 ? "Go back and send less text or a smaller file."
                      : status == 400 ? "Go back and try again."
                                      : "Try again later.";
    ck_web_error_page(r, signed_in ? &s : NULL, status, title, msg);
}

/* ---- Sessions and access ------------------------------------------------ */

bool ck_web_guard(ck_http_req *r, ck_session *s)
{
    if (session_of(r, s)) return true;
    /* Only on a public route can nobody be signed in: the hook answers 401
     * on every other. */
    to_sign_in(r);
    return false;
}

const ck_case_filter *ck_web_case_filter(ck_http_req *r, const ck_session *s)
{
    ck_access_filter *f = ck_arena_alloc(ck_http_arena(r), sizeof *f);
    ck_access_filter_for(s->p, CK_PERM_CASE_READ, f);
    return &f->f;
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

static void form_error_v(json_t *page, const char *field, const char *anchor, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void form_error_v(json_t *page, const char *field, const char *anchor, const char *fmt, va_list ap)
{
    json_t *by_field = json_object_get(page, "error");
    if (json_object_get(by_field, field)) return;
    char msg[256], href[80];
    vsnprintf(msg, sizeof msg, fmt, ap);
    snprintf(href, sizeof href, "#%s", anchor);
    json_object_set_new(by_field, field, json_string(msg));
    json_array_append_new(json_object_get(page, "errors"), json_pack("{s:s, s:s}", "text", msg, "href", href));
}

void ck_web_form_error(json_t *page, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    form_error_v(page, field, field, fmt, ap);
    va_end(ap);
}

void ck_web_form_error_at(json_t *page, const char *field, const char *anchor, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    form_error_v(page, field, anchor, fmt, ap);
    va_end(ap);
}

void ck_web_render_form(ck_http_req *r, unsigned status, json_t *page, const ck_web_form *f, json_t *fields)
{
    json_object_set_new(page, "fields", fields);
    json_object_set_new(page, "caption", json_string(f->caption ? f->caption : ""));
    json_object_set_new(page, "heading", json_string(f->heading));
    json_object_set_new(page, "intro", json_string(f->intro ? f->intro : ""));
    json_object_set_new(page, "action_url", json_string(f->action));
    json_object_set_new(page, "submit", json_string(f->submit));
    json_object_set_new(page, "cancel", json_string(f->cancel));
    if (ck_web_form_has_errors(page))
        json_object_set_new(page, "title", json_string(ck_arena_printf(ck_http_arena(r), "Error: %s", f->heading)));
    ck_web_render(r, status, "form.html", page);
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
    /* The error summary links to the input at fault: the day, or the part
     * missing (GOV.UK date input). */
    char day[80];
    snprintf(day, sizeof day, "%s-day", name);
    if (!*v[0] && !*v[1] && !*v[2]) {
        if (!required) return true;
        /* "Enter the date of the appointment", not the label pasted in. */
        bool lower = label[0] >= 'A' && label[0] <= 'Z' && label[1] >= 'a' && label[1] <= 'z';
        ck_web_form_error_at(page, name, day, "Enter the %c%s", lower ? label[0] - 'A' + 'a' : label[0], label + 1);
        return false;
    }
    for (int i = 0; i < 3; i++)
        if (!*v[i]) {
            char part[80];
            snprintf(part, sizeof part, "%s-%s", name, parts[i]);
            ck_web_form_error_at(page, name, part, "%s must include a %s", label, parts[i]);
            return false;
        }
    int d, m, y;
    if (!parse_uint(v[0], &d) || !parse_uint(v[1], &m) || !parse_uint(v[2], &y) || y < 1900 || y > 2199 ||
        !ck_date_valid(y, m, d)) {
        ck_web_form_error_at(page, name, day, "%s must be a real date", label);
        return false;
    }
    *out = ck_date_ymd(y, m, d);
    return true;
}

void ck_web_date_values(ck_http_req *r, json_t *page, const char *name, ck_date d)
{
    ck_arena *a = ck_http_arena(r);
    json_t *values = json_object_get(page, "values");
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    json_object_set_new(values, ck_arena_printf(a, "%s-day", name), json_sprintf("%d", dd));
    json_object_set_new(values, ck_arena_printf(a, "%s-month", name), json_sprintf("%d", m));
    json_object_set_new(values, ck_arena_printf(a, "%s-year", name), json_sprintf("%d", y));
}

json_t *ck_web_form_field(ck_http_req *r, const json_t *page, const char *kind, const char *name, const char *label,
                          const char *hint, const char *const *opts)
{
    ck_arena *a = ck_http_arena(r);
    json_t *values = json_object_get(page, "values");
    const char *cur = json_string_value(json_object_get(values, name));
    json_t *fd = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", kind, "name", name, "label", label, "hint",
                           hint ? hint : "", "value", cur ? cur : "");
    json_t *e = json_object_get(json_object_get(page, "error"), name);
    if (e) json_object_set(fd, "error", e);
    if (opts) {
        json_t *o = json_array();
        for (size_t i = 0; opts[2 * i]; i++)
            json_array_append_new(o, json_pack("{s:s, s:s, s:s, s:b}", "id",
                                               i == 0 ? name : ck_arena_printf(a, "%s-%zu", name, i), "value",
                                               opts[2 * i], "text", opts[2 * i + 1], "selected", ck_streq(cur, opts[2 * i])));
        json_object_set_new(fd, "options", o);
    }
    if (strcmp(kind, "date") == 0) {
        static const char *const parts[] = {"day", "month", "year"};
        for (int k = 0; k < 3; k++) {
            const char *v = json_string_value(json_object_get(values, ck_arena_printf(a, "%s-%s", name, parts[k])));
            json_object_set_new(fd, parts[k], json_string(v ? v : ""));
        }
    }
    return fd;
}

const char *ck_web_person_name(ck_http_req *r, const char *forename, const char *surname)
{
    return ck_arena_printf(ck_http_arena(r), "%s %s", forename ? forename : "", surname ? surname : "");
}

const char *ck_web_date_long(ck_http_req *r, ck_date d)
{
    ck_buf b = CK_BUF_INIT;
    ck_web_plain_date(&b, d);
    const char *s = ck_arena_strndup(ck_http_arena(r), ck_buf_cstr(&b), b.len);
    ck_buf_free(&b);
    return s;
}

const char *ck_web_time_long(ck_http_req *r, int64_t t)
{
    int64_t local = ck_date_uk_local(t);
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t secs = local - days * 86400;
    int h = (int)(secs / 3600), m = (int)(secs % 3600 / 60);
    const char *date = ck_web_date_long(r, (ck_date)days);
    /* GOV.UK style: 9am, 5:30pm, midday, midnight. */
    if (m == 0 && h == 0) return ck_arena_printf(ck_http_arena(r), "midnight on %s", date);
    if (m == 0 && h == 12) return ck_arena_printf(ck_http_arena(r), "midday on %s", date);
    int h12 = h % 12 ? h % 12 : 12;
    const char *ampm = h < 12 ? "am" : "pm";
    if (m == 0) return ck_arena_printf(ck_http_arena(r), "%d%s on %s", h12, ampm, date);
    return ck_arena_printf(ck_http_arena(r), "%d:%02d%s on %s", h12, m, ampm, date);
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

#define SIGN_IN_FAILED "The username or password is not right, or the account cannot sign in just now"

static void sign_in_form(ck_http_req *r, json_t *page, unsigned status)
{
    json_object_set_new(page, "next", json_string(safe_next(ck_http_query(r, "next") ? ck_http_query(r, "next")
                                                                                         : ck_http_form(r, "next"))));
    ck_web_render(r, status, "sign_in.html", page);
}

void ck_web_sign_in(ck_http_req *r)
{
    if (ck_auth_principal(r)) {
        ck_web_redirect(r, safe_next(ck_http_query(r, "next")));
        return;
    }
    sign_in_form(r, ck_web_page(r, NULL, "Sign in", NULL), 200);
}

/* The form posts no CSRF token: there is no session yet. The authorize
 * hook refuses a sign-in posted from another site by its Origin, and the
 * session it starts is always a new one. */
void ck_web_sign_in_post(ck_http_req *r)
{
    json_t *page = ck_web_page(r, NULL, "Sign in", NULL);
    static const char *const fields[] = {"username", NULL};
    ck_web_keep_values(r, page, fields);
    const char *user = ck_web_field(r, "username"), *pw = ck_http_form(r, "password");
    unsigned status = 400;
    if (!*user) ck_web_form_error(page, "username", "Enter your username");
    if (!pw || !*pw) ck_web_form_error(page, "password", "Enter your password");
    if (!ck_web_form_has_errors(page)) {
        char err[512];
        bool ok = false;
        if (ck_auth_sign_in(r, user, pw, &ok, err, sizeof err) != CK_OK) {
            json_decref(page);
            ck_http_log("%s web: sign-in: %s", ck_http_request_id(r), err);
            ck_web_error_page(r, NULL, 503, "Sorry, there is a problem with the service", "Try again later.");
            return;
        }
        if (ok) {
            json_decref(page);
            ck_web_redirect(r, safe_next(ck_http_form(r, "next")));
            return;
        }
        ck_web_form_error(page, "username", SIGN_IN_FAILED);
        status = 401;
    }
    json_object_set_new(page, "title", json_string("Error: Sign in"));
    sign_in_form(r, page, status);
}

void ck_web_sign_out(ck_http_req *r)
{
    char err[512];
    if (ck_auth_sign_out(r, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: sign-out: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, NULL, 503, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    ck_web_redirect(r, "/sign-in");
}
