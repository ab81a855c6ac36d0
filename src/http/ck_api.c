#include "ck_api.h"
#include "ck_api_events.h"
#include "ck_manage_json.h"
#include "ck_access.h"
#include "ck_auth.h"
#include "ck_bundle.h"
#include "ck_ctypes.h"
#include "ck_api_doc.h"
#include "ck_log.h"
#include "ck_nightly.h"
#include "ck_worker.h"
#include <inttypes.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROBLEM_INVALID "urn:casekeeper:problem:invalid"
#define PROBLEM_STALE "urn:casekeeper:problem:stale"
#define PROBLEM_IF_MATCH "urn:casekeeper:problem:if-match-required"
#define ERR_MAX 4096 /* a ck_bundle message with its path and vocabulary list */


/* ---- Victims: the one place -----------------------------------------------
 * Every case and record this API writes out takes its flags from this
 * function: victims' names, addresses and contact details are written only
 * for a caller whose victim:read scope covers the case (victim liaison staff
 * of its region). The store (ck_access) has already left them unloaded for
 * everyone else; this is the second lock on the same door. */
static unsigned victim_redaction_for(ck_http_req *r, const char *crn)
{
    const ck_principal *p = ck_auth_principal(r);
    if (!p || !ck_principal_may(p, CK_PERM_VICTIM_READ)) return CK_BUNDLE_REDACT_VICTIMS;
    char err[256];
    ck_db *db = ck_http_db(r, err, sizeof err);
    return db && ck_access_check(db, p, CK_PERM_VICTIM_READ, crn, CK_LOCK_NONE, NULL, err, sizeof err) == CK_OK
               ? 0
               : CK_BUNDLE_REDACT_VICTIMS;
}

/* ---- Problems --------------------------------------------------------------- */

/* Length of the JSON path that starts a ck_bundle message
 * ("events[0].sentence.type: ..." gives 23), 0 when the message names none
 * ("line 1 column 2: ..." names a place in the text, not a path). */
static size_t message_path_len(const char *m)
{
    static const char ident[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    const char *p = m;
    for (;;) {
        if (*p == '[') {
            p++;
            if (*p == '"') {
                for (p++; *p && *p != '"'; p++)
                    if (*p == '\\' && p[1]) p++;
                if (*p++ != '"') return 0;
            } else {
                size_t d = strspn(p, "0123456789");
                if (d == 0) return 0;
                p += d;
            }
            if (*p++ != ']') return 0;
        } else {
            size_t n = strspn(p, ident);
            if (n == 0) return 0;
            p += n;
        }
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p != '[') break;
    }
    return p[0] == ':' && p[1] == ' ' ? (size_t)(p - m) : 0;
}

/* 400 from a "path: message" error (ck_bundle's and ck_cases' form). */
static void problem_invalid(ck_http_req *r, const char *err)
{
    size_t n = message_path_len(err);
    char *path = ck_strndup(err, n);
    json_t *e = json_object();
    json_object_set_new(e, "path", ck_http_json_text(path));
    json_object_set_new(e, "message", ck_http_json_text(n ? err + n + 2 : err));
    ck_free(path);
    json_t *errors = json_array();
    json_array_append_new(errors, e);
    ck_http_problem(r, 400, PROBLEM_INVALID, "Invalid request", err, errors);
}

static void problem_invalidv(ck_http_req *r, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void problem_invalidv(ck_http_req *r, const char *fmt, va_list ap)
{
    char err[ERR_MAX];
    vsnprintf(err, sizeof err, fmt, ap);
    problem_invalid(r, err);
}

static void problem_invalidf(ck_http_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem_invalidf(ck_http_req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    problem_invalidv(r, fmt, ap);
    va_end(ap);
}

static void problem_rc(ck_http_req *r, ck_rc rc, const char *err)
{
    switch (rc) {
    case CK_ERR_NOTFOUND: ck_http_problem(r, 404, NULL, NULL, err, NULL); return;
    case CK_ERR_EXISTS:
    case CK_ERR_CONFLICT: ck_http_problem(r, 409, NULL, NULL, err, NULL); return;
    case CK_ERR_INVALID: problem_invalid(r, err); return;
    case CK_ERR_DENIED: ck_http_problem(r, 403, NULL, NULL, err, NULL); return;
    case CK_ERR_STALE: ck_http_problem(r, 412, PROBLEM_STALE, NULL, err, NULL); return;
    case CK_OK:
    case CK_ERR_DB: break;
    }
    /* Database messages stay in the server log: they may quote stored values. */
    ck_http_log("%s: database error: %s", ck_http_request_id(r), err);
    ck_http_problem(r, 500, NULL, NULL, "the database failed; the server log has the details under this X-Request-Id",
                    NULL);
}

/* ---- Versions: ETag and If-Match ---------------------------------------------------
 * A case's ETag is its store version as a strong entity tag ("3"). GET sends
 * it; PUT must send it back as If-Match (428 without), a record write may
 * (appending a contact to a case that changed meanwhile is no conflict, so
 * it is not required there); a stale one is 412 with the current version. */

static void set_etag(ck_http_req *r, int64_t version)
{
    char tag[32];
    snprintf(tag, sizeof tag, "\"%" PRId64 "\"", version);
    ck_http_header_add(r, "ETag", tag);
}

/* If-Match into wc (if_match 0 for "*": any version of a case that exists).
 * False after answering: 428 when `required` and absent, 400 when it is not
 * one strong ETag. */
static bool read_if_match(ck_http_req *r, bool required, ck_write_check *wc)
{
    memset(wc, 0, sizeof *wc);
    const char *v = ck_http_header(r, "If-Match");
    if (!v) {
        if (required)
            ck_http_problem(r, 428, PROBLEM_IF_MATCH, "If-Match is required",
                            "If-Match is required: GET the case, then send its ETag as If-Match with the PUT, so a "
                            "change someone made meanwhile is refused (412) instead of overwritten",
                            NULL);
        return !required;
    }
    while (*v == ' ' || *v == '\t') v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
    if (n == 1 && v[0] == '*') return true;
    size_t digits = n >= 3 ? strspn(v + 1, "0123456789") : 0;
    char *end = NULL;
    unsigned long long tag = digits ? strtoull(v + 1, &end, 10) : 0;
    if (v[0] == '"' && digits && digits <= 18 && digits + 2 == n && v[n - 1] == '"' && tag > 0) {
        wc->if_match = (int64_t)tag;
        return true;
    }
    problem_invalidf(r, "If-Match: expected one strong ETag as GET /api/v1/cases/{crn} sent it (for example "
                        "\"3\") or *, got %.40s", v);
    return false;
}

/* 412: the current version, who made it and when, as members a client can read. */
static void problem_stale(ck_http_req *r, const ck_write_check *wc, const char *err)
{
    char tag[32], at[32] = "", detail[ERR_MAX];
    snprintf(tag, sizeof tag, "\"%" PRId64 "\"", wc->now.version);
    set_etag(r, wc->now.version);
    json_t *m = json_pack("{s:I, s:s}", "current_version", (json_int_t)wc->now.version, "current_etag", tag);
    if (wc->now.changed_by[0]) json_object_set_new(m, "changed_by", ck_http_json_text(wc->now.changed_by));
    if (wc->now.changed_by_name[0])
        json_object_set_new(m, "changed_by_name", ck_http_json_text(wc->now.changed_by_name));
    if (wc->now.changed_at) {
        time_t t = (time_t)wc->now.changed_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_object_set_new(m, "changed_at", json_string(at));
    }
    const char *name = wc->now.changed_by_name;
    snprintf(detail, sizeof detail, "%s%s%s%s%s%s%s%s; GET the case again, make your change to it and send If-Match: %s",
             err, wc->now.changed_by[0] ? ", changed by " : "", wc->now.changed_by, name[0] ? " (" : "", name,
             name[0] ? ")" : "", at[0] ? " at " : "", at, tag);
    ck_http_problem_with(r, 412, PROBLEM_STALE, "The case has changed", detail, m);
}

/* The answer to a write that failed. */
static void problem_write(ck_http_req *r, ck_rc rc, const ck_write_check *wc, const char *err)
{
    if (rc == CK_ERR_STALE)
        problem_stale(r, wc, err);
    else
        problem_rc(r, rc, err);
}

/* ---- Request helpers ------------------------------------------------------------ */

static const ck_app *app_of(const ck_http_req *r) { return ck_http_app(r); }

/* The caller: every route but /health needs one, and the authorize hook has
 * refused requests without. */
static const ck_principal *who(ck_http_req *r) { return ck_auth_require(r); }

/* The route's permission (the hook has checked the caller holds it). */
static ck_perm route_perm(const ck_http_req *r)
{
    ck_perm perm = CK_PERM_CASE_WRITE;
    ck_auth_route_perm(r, &perm);
    return perm;
}

static ck_db *db_or_fail(ck_http_req *r)
{
    char err[512];
    ck_db *db = ck_http_db(r, err, sizeof err);
    if (!db) {
        ck_http_log("%s: database: %s", ck_http_request_id(r), err);
        ck_http_problem(r, 503, NULL, NULL, "the database is unavailable", NULL);
    }
    return db;
}

/* The body as a JSON object; NULL after answering 415 or 400. */
static json_t *body_object(ck_http_req *r)
{
    if (!ck_http_content_type_is(r, "application/json") && !ck_http_content_type_is(r, "application/merge-patch+json")) {
        ck_http_problem(r, 415, NULL, NULL, "send the body as Content-Type: application/json", NULL);
        return NULL;
    }
    ck_str b = ck_http_body(r);
    json_error_t je;
    json_t *j = json_loadb(b.p ? b.p : "", b.n, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        problem_invalidf(r, "line %d column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        problem_invalidf(r, "expected a JSON object");
        return NULL;
    }
    return j;
}

/* A query parameter that is a count from min to max (def when absent). */
static bool query_count(ck_http_req *r, const char *name, size_t def, size_t min, size_t max, size_t *out)
{
    const char *v = ck_http_query(r, name);
    if (!v) {
        *out = def;
        return true;
    }
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || v[0] == '-' || v[0] == '+' || n < min || n > max) {
        problem_invalidf(r, "%s: expected a whole number from %zu to %zu, got \"%.40s\"", name, min, max, v);
        return false;
    }
    *out = (size_t)n;
    return true;
}

static bool query_date(ck_http_req *r, const char *name, ck_date def, ck_date *out)
{
    const char *v = ck_http_query(r, name);
    if (!v) {
        *out = def;
        return true;
    }
    if (ck_date_parse(v, strlen(v), out)) return true;
    problem_invalidf(r, "%s: expected a date YYYY-MM-DD, got \"%.40s\"", name, v);
    return false;
}

/* "?all", "?all=true", "?all=1" are true; absent, "false" and "0" false. */
static bool query_flag(ck_http_req *r, const char *name, bool *out)
{
    const char *v = ck_http_query(r, name);
    *out = v && (!*v || strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
    if (!v || *out || strcmp(v, "false") == 0 || strcmp(v, "0") == 0) return true;
    problem_invalidf(r, "%s: expected true or false, got \"%.40s\"", name, v);
    return false;
}

/* Segment `from_end` of the matched route's pattern (0 = the last), so one
 * handler serves every list: ".../{crn}/contacts" gives "contacts". */
static ck_str route_segment(const ck_http_req *r, size_t from_end)
{
    const char *pat = ck_http_route(r)->pattern, *end = pat + strlen(pat);
    for (;;) {
        const char *slash = end;
        while (slash > pat && slash[-1] != '/') slash--;
        if (from_end-- == 0 || slash == pat) return ck_str_make(slash, (size_t)(end - slash));
        end = slash - 1;
    }
}

/* ---- Lists a record can be added to -------------------------------------------- */

static const struct api_list {
    const char *key; /* bundle key, URL segment and ck_cases_add list */
    const ck_entity *kind;
} api_lists[] = {
    {"contacts", &ck_entity_contact},
    {"registrations", &ck_entity_registration},
    {"registration_decisions", &ck_entity_reg_decision},
    {"checks", &ck_entity_check},
    {"assessments", &ck_entity_assessment},
    {"changes", &ck_entity_change},
    {"decisions", &ck_entity_decision},
    {"enforcement", &ck_entity_enforcement},
    {"breaches", &ck_entity_breach},
    {"recalls", &ck_entity_recall},
    {"allocations", &ck_entity_allocation},
    {"victims", &ck_entity_victim},
};

static const struct api_list *list_of(ck_str seg)
{
    for (size_t i = 0; i < sizeof api_lists / sizeof api_lists[0]; i++)
        if (ck_str_eqc(seg, api_lists[i].key)) return &api_lists[i];
    return NULL; /* unreachable for rows of ck_api_routes: each names a list above */
}

static const char *record_id(const void *rec, const ck_entity *kind)
{
    for (size_t i = 0; i < kind->n_fields; i++)
        if (strcmp(kind->fields[i].key, "id") == 0) return *(const char *const *)((const char *)rec + kind->fields[i].off);
    return NULL;
}

/* ---- Handlers ---------------------------------------------------------------- */

static void h_health(ck_http_req *r)
{
    char err[512];
    ck_db *db = ck_http_db(r, err, sizeof err);
    if (db && ck_db_ping(db)) {
        ck_http_json(r, 200, json_pack("{s:s}", "status", "ok"));
        return;
    }
    if (!db) ck_http_log("%s: health: %s", ck_http_request_id(r), err);
    ck_http_problem(r, 503, NULL, NULL, "the database does not answer", NULL);
}

static void send_case(ck_http_req *r, unsigned status, const ck_case *c)
{
    ck_http_json(r, status, ck_bundle_to_json(c, victim_redaction_for(r, c->crn)));
}

/* A whole case from the body; NULL after answering. */
static ck_case *body_case(ck_http_req *r)
{
    json_t *body = body_object(r);
    if (!body) return NULL;
    char err[ERR_MAX];
    ck_case *c = ck_bundle_from_json(body, err, sizeof err);
    json_decref(body);
    if (!c) problem_invalid(r, err);
    return c;
}

static void h_case_create(ck_http_req *r)
{
    const ck_principal *p = who(r);
    ck_case *c = p ? body_case(r) : NULL;
    ck_db *db = c ? db_or_fail(r) : NULL;
    if (!db) {
        ck_case_free(c);
        return;
    }
    char err[ERR_MAX];
    const ck_app *app = app_of(r);
    ck_rc rc = ck_access_create(db, p, &app->engine, c, ck_app_today(app), err, sizeof err);
    if (rc != CK_OK) {
        problem_rc(r, rc, err);
    } else {
        ck_buf loc = CK_BUF_INIT;
        ck_buf_puts(&loc, "/api/v1/cases/");
        ck_buf_escape(&loc, CK_ESC_URL, c->crn, strlen(c->crn));
        ck_http_header_add(r, "Location", ck_buf_cstr(&loc));
        ck_buf_free(&loc);
        send_case(r, 201, c);
    }
    ck_case_free(c);
}

static void h_case_replace(ck_http_req *r)
{
    const char *crn = ck_http_param(r, "crn");
    const ck_principal *p = who(r);
    ck_case *c = p ? body_case(r) : NULL;
    if (!c) return;
    if (strcmp(c->crn, crn) != 0) {
        problem_invalidf(r, "crn: \"%.40s\" does not match the case in the URL (%.40s); a case's CRN cannot be changed",
                         c->crn, crn);
        ck_case_free(c);
        return;
    }
    ck_write_check wc;
    ck_db *db = read_if_match(r, true, &wc) ? db_or_fail(r) : NULL;
    if (db) {
        char err[ERR_MAX];
        const ck_app *app = app_of(r);
        ck_case *stored = NULL;
        ck_rc rc = ck_access_replace(db, p, &app->engine, c, ck_app_today(app), &wc, &stored, err, sizeof err);
        if (rc != CK_OK) {
            problem_write(r, rc, &wc, err);
        } else {
            set_etag(r, wc.now.version);
            send_case(r, 200, stored);
        }
        ck_case_free(stored);
    }
    ck_case_free(c);
}

/* A case's JSON as the API's cache keeps it. */
typedef struct json_bytes {
    size_t len;
    char data[];
} json_bytes;

/* What h_case_get asks the cache for, inside the read's snapshot. */
typedef struct case_read {
    ck_case_cache *cache;
    const char *crn;
    unsigned redaction;
    unsigned view;  /* what the store decided (CK_VIEW_*), for the entry put after a miss */
    ck_cached *hit; /* held */
} case_read;

/* The variant of the key: the bytes differ by what was loaded (victims'
 * details, sensitive notes) and by the redaction they were written with. */
/* The view's bits (CK_VIEW_*, below 8) and then the redaction's, so no two
 * variants share a key. */
static unsigned case_variant(unsigned view, unsigned redaction) { return view | redaction << 3; }

static bool case_held(void *ctx, int64_t version, unsigned view, size_t *n_victims)
{
    case_read *cr = ctx;
    cr->view = view;
    ck_case_cache_key k = {cr->crn, version, case_variant(view, cr->redaction)};
    cr->hit = ck_case_cache_get(cr->cache, &k, n_victims);
    return cr->hit != NULL;
}

static void release_cached(void *held) { ck_cached_release(held); }

static void h_case_get(ck_http_req *r)
{
    const ck_principal *p = who(r);
    ck_db *db = p ? db_or_fail(r) : NULL;
    if (!db) return;
    char err[ERR_MAX];
    const char *crn = ck_http_param(r, "crn");
    case_read cr = {app_of(r)->case_cache, crn, victim_redaction_for(r, crn), 0, NULL};
    ck_case *c = NULL;
    int64_t version = 0;
    ck_access_case_read how = {.held = cr.cache ? case_held : NULL, .ctx = &cr, .as_of = CK_NODATE};
    ck_rc rc = ck_access_get_held(db, p, crn, &how, &c, &version, err, sizeof err);
    if (rc != CK_OK) {
        ck_cached_release(cr.hit);
        if (rc == CK_ERR_DENIED) ck_auth_deny(r, err); /* the route decides_access: this is the decision */
        else problem_rc(r, rc, err);
        return;
    }
    set_etag(r, version);
    if (cr.hit) {
        /* Sent from the entry itself (a case's JSON is often over 100 KB;
         * copying it was 44 % of a cached read's instructions); the response
         * keeps the hold until it is sent. */
        const json_bytes *jb = ck_cached_value(cr.hit);
        ck_http_shared_body(r, jb->data, jb->len, release_cached, cr.hit);
        ck_http_status(r, 200);
        ck_http_content_type(r, "application/json");
        return;
    }
    ck_http_json(r, 200, ck_bundle_to_json(c, cr.redaction));
    const ck_buf *out = ck_http_out(r);
    if (cr.cache && out->len && !out->overflowed) {
        json_bytes *jb = ck_malloc(sizeof *jb + out->len);
        jb->len = out->len;
        memcpy(jb->data, out->data, out->len);
        ck_case_cache_key k = {crn, version, case_variant(cr.view, cr.redaction)};
        ck_cached_release(ck_case_cache_put(cr.cache, &k, jb, ck_free, c->n_victims));
    }
    ck_case_free(c);
}

/* h_case_get decides access in ck_access_get_held's snapshot. */
bool ck_api_decides_access(const ck_route *route) { return route->handler == h_case_get; }

static json_t *page(json_t *items, size_t total, size_t limit, size_t offset)
{
    return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset);
}

json_t *ck_api_date_json(ck_date d)
{
    char s[CK_DATE_STRLEN];
    return d == CK_NODATE ? json_null() : json_string(ck_date_fmt(d, s));
}

/* What a row of a list (search, worklist) shows of its case. */
static json_t *case_row(const char *crn, const char *forename, const char *surname, const char *staff_code,
                        const char *team)
{
    json_t *j = json_object();
    json_object_set_new(j, "crn", ck_http_json_text(crn));
    json_object_set_new(j, "forename", ck_http_json_text(forename));
    json_object_set_new(j, "surname", ck_http_json_text(surname));
    json_object_set_new(j, "staff_code", ck_http_json_text(staff_code));
    json_object_set_new(j, "team", ck_http_json_text(team));
    return j;
}

static void h_case_search(ck_http_req *r)
{
    size_t limit, offset;
    const char *q = ck_http_query(r, "q");
    if (!query_count(r, "limit", CK_API_SEARCH_LIMIT, 1, CK_API_SEARCH_MAX, &limit) ||
        !query_count(r, "offset", 0, 0, SIZE_MAX / 2, &offset))
        return;
    const ck_principal *p = who(r);
    ck_db *db = p ? db_or_fail(r) : NULL;
    if (!db) return;
    char err[ERR_MAX];
    ck_case_list *l = NULL;
    ck_rc rc = ck_access_search(db, p, q ? q : "", limit, offset, &l, err, sizeof err);
    if (rc != CK_OK) {
        problem_rc(r, rc, err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const ck_case_summary *s = &l->items[i];
        json_t *it = case_row(s->crn, s->forename, s->surname, s->staff_code, s->team);
        json_object_set_new(it, "date_of_birth", ck_api_date_json(s->date_of_birth));
        json_array_append_new(items, it);
    }
    ck_http_json(r, 200, page(items, l->total, limit, offset));
    ck_case_list_free(l);
}

static void h_add_record(ck_http_req *r)
{
    const struct api_list *list = list_of(route_segment(r, 0));
    const ck_principal *p = who(r);
    json_t *body = p ? body_object(r) : NULL;
    if (!body) return;
    char err[ERR_MAX];
    void *rec = ck_arena_alloc(ck_http_arena(r), list->kind->size);
    bool ok = ck_bundle_parse_record(body, list->kind, rec, ck_http_arena(r), "", err, sizeof err);
    json_decref(body);
    if (!ok) {
        problem_invalid(r, err);
        return;
    }
    ck_write_check wc;
    ck_db *db = read_if_match(r, false, &wc) ? db_or_fail(r) : NULL;
    if (!db) return;
    const ck_app *app = app_of(r);
    const char *crn = ck_http_param(r, "crn");
    ck_rc rc = ck_access_add(db, p, route_perm(r), &app->engine, crn, list->key, rec, ck_app_today(app), &wc, err,
                             sizeof err);
    if (rc != CK_OK) {
        problem_write(r, rc, &wc, err);
    } else {
        set_etag(r, wc.now.version);
        ck_http_json(r, 201, ck_bundle_record_to_json(rec, list->kind, victim_redaction_for(r, crn)));
    }
}

typedef struct patch_ctx {
    const json_t *changes;
    const ck_entity *kind;
    unsigned flags;
    json_t *out; /* the record as changed */
} patch_ctx;

static bool patch_edit(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    patch_ctx *pc = ctx;
    const json_t *id = json_object_get(pc->changes, "id");
    const char *current = record_id(rec, pc->kind);
    if (id && !(json_is_string(id) && current && strcmp(json_string_value(id), current) == 0)) {
        snprintf(err, err_len, "id: a record's id cannot be changed");
        return false;
    }
    if (!ck_bundle_patch_record(pc->changes, pc->kind, rec, &c->arena, "", err, err_len)) return false;
    json_decref(pc->out);
    pc->out = ck_bundle_record_to_json(rec, pc->kind, pc->flags);
    return true;
}

static void h_patch_record(ck_http_req *r)
{
    const struct api_list *list = list_of(route_segment(r, 1));
    const ck_principal *p = who(r);
    json_t *body = p ? body_object(r) : NULL;
    ck_write_check wc;
    ck_db *db = body && read_if_match(r, false, &wc) ? db_or_fail(r) : NULL;
    if (!db) {
        json_decref(body);
        return;
    }
    char err[ERR_MAX];
    const ck_app *app = app_of(r);
    const char *crn = ck_http_param(r, "crn");
    patch_ctx pc = {body, list->kind, victim_redaction_for(r, crn), NULL};
    ck_rc rc = ck_access_update(db, p, route_perm(r), &app->engine, crn, list->key, ck_http_param(r, "id"), patch_edit,
                                &pc, ck_app_today(app), &wc, err, sizeof err);
    if (rc != CK_OK) {
        json_decref(pc.out);
        problem_write(r, rc, &wc, err);
    } else {
        set_etag(r, wc.now.version);
        ck_http_json(r, 200, pc.out);
    }
    json_decref(body);
}

typedef struct review_ctx {
    ck_review review;
    ck_date next_review;
    unsigned flags;
    json_t *out; /* the registration as changed */
} review_ctx;

static bool review_edit(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    review_ctx *rc = ctx;
    ck_registration *g = rec;
    ck_review *reviews = ck_arena_array(&c->arena, g->n_reviews + 1, sizeof *reviews);
    if (g->n_reviews) memcpy(reviews, g->reviews, g->n_reviews * sizeof *reviews);
    reviews[g->n_reviews] = rc->review;
    g->reviews = reviews;
    g->n_reviews++;
    g->next_review = rc->next_review;
    json_decref(rc->out);
    rc->out = ck_bundle_record_to_json(g, &ck_entity_registration, rc->flags);
    return true;
}

/* POST .../registrations/{id}/reviews {"date", "next_review"}: the rulebook's
 * REG_REVIEW says a review must set the next review date, so both are required. */
static void h_add_review(ck_http_req *r)
{
    const ck_principal *p = who(r);
    json_t *body = p ? body_object(r) : NULL;
    if (!body) return;
    char err[ERR_MAX];
    const char *crn = ck_http_param(r, "crn");
    review_ctx rc = {.flags = victim_redaction_for(r, crn)};
    const char *nv = json_string_value(json_object_get(body, "next_review"));
    bool next_ok = nv && ck_date_parse(nv, strlen(nv), &rc.next_review);
    json_t *review = json_copy(body);
    json_object_del(review, "next_review");
    bool ok = ck_bundle_parse_record(review, &ck_entity_review, &rc.review, ck_http_arena(r), "", err, sizeof err);
    json_decref(review);
    json_decref(body);
    if (!ok) {
        problem_invalid(r, err);
        return;
    }
    if (!next_ok) {
        problem_invalidf(r, "next_review: expected a date YYYY-MM-DD (a review sets when the next one is due)");
        return;
    }
    if (rc.next_review <= rc.review.date) {
        problem_invalidf(r, "next_review: expected a date after the review's date");
        return;
    }
    ck_write_check wc;
    ck_db *db = read_if_match(r, false, &wc) ? db_or_fail(r) : NULL;
    if (!db) return;
    const ck_app *app = app_of(r);
    ck_rc st = ck_access_update(db, p, route_perm(r), &app->engine, crn, "registrations", ck_http_param(r, "id"),
                                review_edit, &rc, ck_app_today(app), &wc, err, sizeof err);
    if (st != CK_OK) {
        json_decref(rc.out);
        problem_write(r, st, &wc, err);
    } else {
        set_etag(r, wc.now.version);
        ck_http_json(r, 201, rc.out);
    }
}

static void h_obligations(ck_http_req *r)
{
    const char *crn = ck_http_param(r, "crn");
    ck_date as_of;
    bool all;
    if (!query_date(r, "as_of", ck_app_today(app_of(r)), &as_of) || !query_flag(r, "all", &all)) return;
    const ck_principal *p = who(r);
    ck_db *db = p ? db_or_fail(r) : NULL;
    if (!db) return;
    char err[ERR_MAX];
    ck_result *res = NULL;
    ck_rc rc = ck_access_obligations(db, p, crn, as_of, &res, err, sizeof err);
    if (rc != CK_OK)
        problem_rc(r, rc, err);
    else
        ck_http_json(r, 200, ck_result_to_json(crn, as_of, res, all));
    ck_result_free(res);
}

/* The store's highlighted notes as HTML: the text escaped, matches in
 * <mark> (marks cannot come from notes, which hold no control characters). */
static json_t *highlight_html(const char *h)
{
    ck_buf b = CK_BUF_INIT;
    for (const char *p = h; *p;) {
        size_t n = strcspn(p, "\x01\x02");
        ck_buf_escape(&b, CK_ESC_HTML, p, n);
        p += n;
        if (*p) ck_buf_puts(&b, *p++ == CK_ACTIVITY_MARK_ON ? "<mark>" : "</mark>");
    }
    json_t *j = json_string(ck_buf_cstr(&b));
    ck_buf_free(&b);
    return j;
}

static json_t *activity_item_json(const ck_activity_item *it)
{
    const ck_ctype *t = ck_ctype_find(it->type);
    json_t *j = json_object();
    json_object_set_new(j, "id", ck_http_json_text(it->id));
    json_object_set_new(j, "event", ck_http_json_text(it->event));
    json_object_set_new(j, "date", ck_api_date_json(it->date));
    json_object_set_new(j, "type", ck_http_json_text(it->type));
    json_object_set_new(j, "type_name", t ? json_string(t->name) : json_null());
    json_object_set_new(j, "category", t ? json_string(t->category) : json_null());
    json_object_set_new(j, "outcome", it->outcome ? json_string(it->outcome) : json_null());
    const char *on = ck_outcome_name(it->outcome);
    json_object_set_new(j, "outcome_name", on ? json_string(on) : json_null());
    json_object_set_new(j, "outcome_on", ck_api_date_json(it->outcome_on));
    json_object_set_new(j, "national_standard", it->national_standard == CK_NULL ? json_null() : json_boolean(it->national_standard));
    json_object_set_new(j, "appointment", it->appointment == CK_NULL ? json_null() : json_boolean(it->appointment));
    json_object_set_new(j, "sensitive", json_boolean(it->sensitive == 1));
    json_object_set_new(j, "recorded_by", it->recorded_by ? ck_http_json_text(it->recorded_by) : json_null());
    json_object_set_new(j, "recorded_by_name", it->recorded_by_name ? ck_http_json_text(it->recorded_by_name) : json_null());
    json_object_set_new(j, "notes", it->notes ? ck_http_json_text(it->notes) : json_null());
    json_object_set_new(j, "notes_withheld", json_boolean(it->notes_withheld));
    json_object_set_new(j, "highlight", it->highlight ? highlight_html(it->highlight) : json_null());
    return j;
}

/* GET /api/v1/cases/{crn}/contacts: the activity log's search
 * (store/ck_activity), access as for the case read. */
static void h_contacts_search(ck_http_req *r)
{
    size_t limit, offset;
    ck_activity_query q = {.q = ck_http_query(r, "q")};
    if (q.q && strlen(q.q) > CK_ACTIVITY_QUERY_MAX) {
        problem_invalidf(r, "q: expected at most %d characters of keywords", CK_ACTIVITY_QUERY_MAX);
        return;
    }
    if (!query_date(r, "from", CK_NODATE, &q.from) || !query_date(r, "to", CK_NODATE, &q.to) ||
        !query_flag(r, "hide_system", &q.hide_system) ||
        !query_count(r, "limit", CK_API_SEARCH_LIMIT, 1, CK_API_SEARCH_MAX, &limit) ||
        !query_count(r, "offset", 0, 0, SIZE_MAX / 2, &offset))
        return;
    if (q.from != CK_NODATE && q.to != CK_NODATE && q.to < q.from) {
        problem_invalidf(r, "to: expected a date on or after from");
        return;
    }
    q.type = ck_http_query(r, "type");
    if (q.type && !ck_ctype_find(q.type)) {
        problem_invalidf(r, "type: expected a contact type code of data/contact-types.csv, got \"%.40s\"", q.type);
        return;
    }
    const char *cat = ck_http_query(r, "category");
    for (const char *const *k = ck_ctype_categories(); cat && *k; k++)
        if (strcmp(*k, cat) == 0) q.category = *k;
    if (cat && !q.category) {
        problem_invalidf(r, "category: expected a contact type category (a group of data/contact-types.csv), got \"%.40s\"", cat);
        return;
    }
    const char *comp = ck_http_query(r, "compliance");
    if (comp && strcmp(comp, "failures") == 0) q.compliance = CK_COMPLY_FAILURES;
    else if (comp && strcmp(comp, "acceptable") == 0) q.compliance = CK_COMPLY_ACCEPTABLE;
    else if (comp) {
        problem_invalidf(r, "compliance: expected failures or acceptable, got \"%.40s\"", comp);
        return;
    }
    q.limit = limit;
    q.offset = offset;
    const ck_principal *p = who(r);
    ck_db *db = p ? db_or_fail(r) : NULL;
    if (!db) return;
    char err[ERR_MAX];
    ck_activity *a = NULL;
    ck_rc rc = ck_access_activity(db, p, ck_http_param(r, "crn"), &q, &a, err, sizeof err);
    if (rc != CK_OK) {
        problem_rc(r, rc, err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < a->n; i++) json_array_append_new(items, activity_item_json(&a->items[i]));
    ck_http_json(r, 200, page(items, a->total, limit, offset));
    ck_activity_free(a);
}

/* "overdue,open" into a mask of 1 << ck_status. */
static bool query_statuses(ck_http_req *r, unsigned *mask)
{
    const char *v = ck_http_query(r, "status");
    *mask = 0;
    if (!v) {
        *mask = 1u << CK_ST_OVERDUE | 1u << CK_ST_OPEN;
        return true;
    }
    ck_str rest = ck_str_c(v), item;
    while (rest.p) {
        rest = ck_str_cut(rest, ',', &item);
        ck_status st;
        if (!ck_status_parse(item.p, item.n, &st)) {
            problem_invalidf(r, "status: expected a comma-separated list of overdue, open, met_late, met; got \"%.40s\"",
                             v);
            return false;
        }
        *mask |= 1u << st;
    }
    return true;
}

/* The cache key of q's page for p: everything of the reader that decides
 * which cases it may see (the account, role, place, the credential's
 * scopes; what they are read from moves the auth epoch on) and every
 * parameter of the page. Fields are separated by a byte no code or date
 * holds, so no two keys run together. */
static bool worklist_key(char *key, size_t n, const ck_principal *p, const ck_worklist_query *q)
{
    char as_of[CK_DATE_STRLEN];
    ck_date_fmt(q->as_of, as_of);
    const char kind = q->staff ? 's' : q->team ? 't' : 'p';
    const char *holder = q->staff ? q->staff : q->team ? q->team : q->pdu;
    int len = snprintf(key, n, "%" PRId64 "\x1f%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%" PRIu32 "\x1f%c:%s\x1f%u\x1f%s\x1f%zu\x1f%zu",
             p->user_id, (int)p->role, p->place.staff, p->place.team, p->place.pdu, p->place.region, p->scopes, kind,
             holder, q->statuses, as_of, q->limit, q->offset);
    return len > 0 && (size_t)len < n; /* a cut key could name another page: not cached */
}

static void h_worklist(ck_http_req *r)
{
    ck_worklist_query q = {.staff = ck_http_query(r, "staff"), .team = ck_http_query(r, "team"),
                           .pdu = ck_http_query(r, "pdu")};
    if ((q.staff != NULL) + (q.team != NULL) + (q.pdu != NULL) != 1) {
        problem_invalidf(r, "staff: give exactly one of staff, team or pdu");
        return;
    }
    if (!query_statuses(r, &q.statuses) || !query_date(r, "as_of", ck_app_today(app_of(r)), &q.as_of) ||
        !query_count(r, "limit", CK_API_WORKLIST_LIMIT, 1, CK_API_WORKLIST_MAX, &q.limit) ||
        !query_count(r, "offset", 0, 0, SIZE_MAX / 2, &q.offset))
        return;
    const ck_principal *p = who(r);
    ck_db *db = p ? db_or_fail(r) : NULL;
    if (!db) return;
    char err[ERR_MAX];
    ck_buf *out = ck_http_out(r);
    ck_buf_reset(out);
    ck_wl_cache *cache = app_of(r)->wl_cache;
    ck_worklist_version ver;
    char key[512], scope[CK_WORKLIST_SCOPE_MAX];
    ck_access_worklist_scope(&q, scope);
    if (cache && !worklist_key(key, sizeof key, p, &q)) cache = NULL;
    /* A bearer token from the token cache, not yet checked against the
     * database (ck_auth_confirm): a kept page read at the token's epoch is
     * answered if the database records its audit entry, which it does only
     * while the epoch and the page's versions are still the kept ones (one
     * statement on PostgreSQL: the check costs no round trip of its own).
     * Anything else confirms the caller first. */
    int64_t token_epoch = 0;
    if (ck_auth_worklist_unconfirmed(r, scope, &token_epoch)) {
        size_t total = 0;
        if (cache && ck_wl_cache_peek(cache, key, out, &total, &ver) && ver.epoch == token_epoch) {
            ck_rc rc = ck_access_worklist_served(db, p, &q, total, &ver, err, sizeof err);
            if (rc == CK_OK) {
                ck_wl_cache_counted(true);
                ck_http_status(r, 200);
                ck_http_content_type(r, "application/json");
                return;
            }
            if (rc != CK_ERR_STALE) {
                ck_buf_reset(out);
                problem_rc(r, rc, err);
                return;
            }
        }
        ck_buf_reset(out);
    }
    if (!ck_auth_confirm(r)) return; /* at once when the caller is confirmed already */
    p = who(r);
    if (cache && !worklist_key(key, sizeof key, p, &q)) cache = NULL;
    /* A repeat read of an unchanged page: its version (read with the auth
     * epoch when a bearer token identified the reader, else one statement
     * here), then the audit; none of the page's queries (http/ck_wl_cache). */
    if (cache) {
        ck_rc rc = ck_auth_worklist_version(r, scope, &ver) ? CK_OK
                                                             : ck_access_worklist_version(db, &q, &ver, err, sizeof err);
        if (rc != CK_OK) {
            problem_rc(r, rc, err);
            return;
        }
        size_t total = 0;
        if (ck_wl_cache_get(cache, key, &ver, out, &total)) {
            rc = ck_access_worklist_served(db, p, &q, total, NULL, err, sizeof err);
            if (rc != CK_OK) {
                ck_buf_reset(out);
                problem_rc(r, rc, err);
                return;
            }
            ck_http_status(r, 200);
            ck_http_content_type(r, "application/json");
            return;
        }
    }
    ck_worklist *w = NULL;
    ck_rc rc = ck_access_worklist(db, p, &q, &w, err, sizeof err);
    if (rc != CK_OK) {
        problem_rc(r, rc, err);
        return;
    }
    /* Written straight into the body, the same bytes as the page() of
     * case_row() objects updated with ck_obligation_to_json() that jansson
     * would dump: building those objects cost as much as the page's query. */
    ck_buf_puts(out, "{\"items\":[");
    for (size_t i = 0; i < w->n; i++) {
        const ck_worklist_item *it = &w->items[i];
        const char *keys[] = {"crn", "forename", "surname", "staff_code", "team"};
        const char *vals[] = {it->crn, it->forename, it->surname, it->staff_code, it->team};
        for (size_t k = 0; k < 5; k++) {
            ck_buf_printf(out, "%s\"%s\":", k ? "," : i ? ",{" : "{", keys[k]);
            ck_http_json_text_write(out, vals[k]);
        }
        ck_obligation_write_members(out, &it->o);
        ck_buf_putc(out, '}');
    }
    ck_buf_printf(out, "],\"total\":%zu,\"limit\":%zu,\"offset\":%zu}", w->total, q.limit, q.offset);
    /* Kept at the version read before the page: never newer than the page. */
    if (cache && !out->overflowed) ck_wl_cache_put(cache, key, &ver, out->data, out->len, w->total);
    ck_http_status(r, 200);
    ck_http_content_type(r, "application/json");
    ck_worklist_free(w);
}

const ck_route ck_api_routes[] = {
    {"GET", "/health", h_health, "public"},
    {"POST", "/api/v1/session", ck_auth_h_sign_in, "public"},
    {"GET", "/api/v1/session", ck_auth_h_session, "authenticated"},
    {"DELETE", "/api/v1/session", ck_auth_h_sign_out, "authenticated"},
    {"GET", "/api/v1/users", ck_auth_h_users, "user:admin"},
    {"GET", "/api/v1/cases", h_case_search, "case:read"},
    {"POST", "/api/v1/cases", h_case_create, "case:create"},
    {"GET", "/api/v1/cases/{crn}", h_case_get, "case:read"},
    {"PUT", "/api/v1/cases/{crn}", h_case_replace, "case:write"},
    {"GET", "/api/v1/cases/{crn}/obligations", h_obligations, "case:read"},
    {"GET", "/api/v1/cases/{crn}/contacts", h_contacts_search, "case:read"},
    {"POST", "/api/v1/cases/{crn}/contacts", h_add_record, "case:write"},
    {"PATCH", "/api/v1/cases/{crn}/contacts/{id}", h_patch_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/registrations", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/registrations/{id}/reviews", h_add_review, "case:write"},
    {"POST", "/api/v1/cases/{crn}/registration_decisions", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/checks", h_add_record, "check:write"},
    {"PATCH", "/api/v1/cases/{crn}/checks/{id}", h_patch_record, "check:write"},
    {"POST", "/api/v1/cases/{crn}/assessments", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/changes", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/decisions", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/enforcement", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/breaches", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/recalls", h_add_record, "case:write"},
    {"POST", "/api/v1/cases/{crn}/allocations", h_add_record, "allocate"},
    {"POST", "/api/v1/cases/{crn}/victims", h_add_record, "victim:write"},
    {"GET", "/api/v1/worklist", h_worklist, "case:read"},
    {"GET", "/api/v1/openapi.json", ck_api_doc_openapi, "public"},
    {"GET", "/api/v1/events", ck_api_events_list, "authenticated"},
    {NULL, NULL, NULL, NULL},
};

/* ---- For the API's other modules ------------------------------------------------ */

void ck_api_problem_rc(ck_http_req *r, ck_rc rc, const char *err) { problem_rc(r, rc, err); }

void ck_api_invalid(ck_http_req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    problem_invalidv(r, fmt, ap);
    va_end(ap);
}

ck_db *ck_api_db(ck_http_req *r) { return db_or_fail(r); }
json_t *ck_api_body_object(ck_http_req *r) { return body_object(r); }

bool ck_api_query_count(ck_http_req *r, const char *name, size_t def, size_t min, size_t max, size_t *out)
{
    return query_count(r, name, def, min, max, out);
}

bool ck_api_query_date(ck_http_req *r, const char *name, ck_date def, ck_date *out)
{
    return query_date(r, name, def, out);
}

/* ---- Daily recompute ---------------------------------------------------------- */

#define DAILY_RETRY_S 600 /* after a failure, try again this soon rather than tomorrow */
#define DAY_S 86400

struct ck_api_daily {
    ck_db *db;
    const ck_app *app;
    char server[CK_JOB_NAME_MAX]; /* this server's name for the lease and the record of its runs */
    ck_worker *worker;            /* the thread (services/ck_worker): one daily_check a round */
    atomic_bool stop;             /* set before the worker stops: a run in progress ends at its next batch */
    atomic_uint runs;             /* runs that recomputed and finished on this server */
};

typedef struct daily_progress {
    ck_api_daily *d;
    size_t done, total;
} daily_progress;

/* After each batch: goes on unless the server is stopping (the run then
 * ends unfinished and the next one, here or on another server, completes it). */
static bool daily_go_on(void *ctx, size_t done, size_t total)
{
    daily_progress *p = ctx;
    p->done = done;
    p->total = total;
    return !atomic_load(&p->d->stop);
}

static void daily_starting(void *ctx, ck_date last, bool resuming)
{
    daily_progress *p = ctx;
    char today_s[CK_DATE_STRLEN], last_s[CK_DATE_STRLEN];
    ck_http_log("daily recompute at %s: starting on this server (last at %s)%s",
                ck_date_fmt(ck_app_today(p->d->app), today_s), last == CK_NODATE ? "never" : ck_date_fmt(last, last_s),
                resuming ? ", going on from a run that did not finish" : "");
}

ck_api_daily_metrics ck_api_daily_stats = {.seconds = CK_HISTOGRAM_INIT(ck_metrics_job_seconds)};

/* One run of the recompute into the metrics and the log (one event line;
 * a failure's reason follows as a message). */
static void daily_record(const char *today_s, bool ok, size_t cases, double secs)
{
    ck_api_daily_metrics *m = &ck_api_daily_stats;
    ck_histogram_observe(&m->seconds, (uint64_t)(secs * 1e6));
    ck_counter_add(&m->cases, cases);
    ck_counter_add(ok ? &m->runs_ok : &m->runs_failed, 1);
    if (ok) ck_gauge_set(&m->last_success_unix, (int64_t)time(NULL));
    const ck_log_field f[] = {CK_LF_STR("date", today_s), CK_LF_STR("outcome", ok ? "done" : "failed"),
                              CK_LF_INT("cases", cases), CK_LF_NUM("duration_s", secs)};
    ck_log_event("nightly_recompute", f, sizeof f / sizeof *f);
}

/* After the obligations, under the nightly lease: overdue events, expiry,
 * the inspection snapshots (services/ck_nightly's ck_nightly_after; the
 * snapshots not yet fresh only, so a restart on the same day costs little). */
static ck_rc daily_after(void *ctx, ck_db *db, ck_date today, char *err, size_t err_len)
{
    const daily_progress *p = ctx;
    char today_s[CK_DATE_STRLEN];
    ck_date_fmt(today, today_s);
    ck_nightly_after_result a;
    ck_rc rc = ck_nightly_after(db, p->d->app->engine.cfg, today, (int64_t)time(NULL), ck_inspection_snapshot_text, &a,
                                err, err_len);
    ck_http_log("after the recompute at %s: %zu overdue events, %zu events expired, %zu inspection snapshots "
                "written in %.1f s%s%s",
                today_s, a.overdue, a.expired, a.snapshots, a.snapshots_s, rc == CK_OK ? "" : "; failed: ",
                rc == CK_OK ? "" : err);
    return rc;
}

/* The nightly job (services/ck_nightly): when this server gets the lease,
 * recomputes every case if the last recompute was before today, then the
 * snapshots. Returns the seconds to wait before the next check: until just
 * after midnight UTC when done, soon after a failure, the lease's length
 * when another server has it (by then it has finished, or died and its
 * lease lapsed). Logs counts and dates only: never a name or a CRN. */
static int64_t daily_check(ck_api_daily *d)
{
    char err[1024], today_s[CK_DATE_STRLEN];
    const ck_rules_config *cfg = d->app->engine.cfg;
    ck_date today = ck_app_today(d->app);
    ck_date_fmt(today, today_s);
    daily_progress p = {d, 0, 0};
    ck_nightly_opts o = {.server = d->server, .now = (int64_t)time(NULL), .lease_s = cfg->nightly_lease_s,
                         .batch = CK_API_RECOMPUTE_BATCH, .go_on = daily_go_on, .starting = daily_starting,
                         .then = daily_after, .ctx = &p};
    ck_nightly_result res;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_rc rc = ck_nightly_run(d->db, &d->app->engine, today, &o, &res, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    bool ran = res.outcome == CK_NIGHTLY_RAN;
    if (ran && rc == CK_OK) atomic_fetch_add(&d->runs, 1);
    if (ran) {
        daily_record(today_s, rc == CK_OK, res.evaluated, secs);
        if (rc == CK_OK)
            ck_http_log("daily recompute at %s: done on this server, %zu of %zu cases evaluated (%s), %zu changed, "
                        "in %.1f s",
                        today_s, res.evaluated, res.total, res.all ? "every case" : "next change come", res.changed,
                        secs);
        else
            ck_http_log("daily recompute at %s: failed after %zu of %zu cases (%.1f s): %s", today_s, res.evaluated,
                        res.total, secs, err);
    } else if (rc != CK_OK) {
        ck_http_log("daily job at %s: failed: %s", today_s, err);
    } else if (res.outcome == CK_NIGHTLY_BUSY) {
        ck_http_log("daily recompute at %s: another server has the nightly lease; checking again in %d s", today_s,
                    cfg->nightly_lease_s);
        return cfg->nightly_lease_s;
    }
    if (rc != CK_OK) return DAILY_RETRY_S;
    time_t now = time(NULL);
    return ((int64_t)now / DAY_S + 1) * DAY_S + 1 - (int64_t)now;
}

/* The worker's round: one check, then its wait in milliseconds. */
static int64_t daily_round(void *ctx) { return daily_check(ctx) * 1000; }

ck_api_daily *ck_api_daily_start(const char *db_url, const ck_app *app, char *err, size_t err_len)
{
    ck_db *db = ck_db_open(db_url, err, err_len);
    if (!db) return NULL;
    ck_api_daily *d = ck_calloc(1, sizeof *d);
    d->db = db;
    d->app = app;
    ck_jobs_server_name(d->server, sizeof d->server);
    atomic_init(&d->stop, false);
    atomic_init(&d->runs, 0);
    d->worker = ck_worker_start(daily_round, d);
    if (!d->worker) {
        snprintf(err, err_len, "cannot start the nightly job's thread");
        ck_db_close(db);
        ck_free(d);
        return NULL;
    }
    return d;
}

unsigned ck_api_daily_settle(ck_api_daily *d)
{
    ck_worker_settle(d->worker);
    return atomic_load(&d->runs);
}

void ck_api_daily_stop(ck_api_daily *d)
{
    if (!d) return;
    atomic_store(&d->stop, true);
    ck_worker_stop(d->worker);
    ck_db_close(d->db);
    ck_free(d);
}
