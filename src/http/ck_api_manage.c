/* ck_api_manage: see ck_api_manage.h. */
#include "ck_api_manage.h"
#include "ck_access.h"
#include "ck_api.h"
#include "ck_auth.h"
#include "ck_inspection.h"
#include "ck_manage_json.h"
#include "ck_org.h"
#include "ck_workforce.h"
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_MAX 2048

static const ck_app *app_of(const ck_http_req *r) { return ck_http_app(r); }
static ck_date today_of(const ck_http_req *r) { return ck_app_today(app_of(r)); }

/* ---- Who may: the caller's scope over units, staff and cases ---------------------- *
 * The authorize hook has checked the caller's role holds the route's
 * permission; how far it reaches is checked here against what a request
 * names in its query or body (a PDU, a region, a staff member), with
 * store/ck_access, before anything is read. Writes are checked, made and
 * audited in one transaction by store/ck_access's management writes. */

static bool reached(ck_http_req *r, ck_rc rc, const char *err)
{
    if (rc != CK_OK) ck_api_problem_rc(r, rc, err);
    return rc == CK_OK;
}

static ck_perm route_perm(const ck_http_req *r)
{
    ck_perm perm = CK_PERM_INSPECTION_READ;
    ck_auth_route_perm(r, &perm);
    return perm;
}

/* The PDU or region (pdu NULL; both NULL: everywhere). */
static bool unit_ok(ck_http_req *r, const char *pdu, const char *region)
{
    char err[ERR_MAX];
    ck_db *db = ck_api_db(r);
    return db && reached(r, ck_access_unit(db, ck_auth_principal(r), route_perm(r), pdu, region, err, sizeof err), err);
}

static bool staff_ok(ck_http_req *r, ck_db *db, const char *code)
{
    char err[ERR_MAX];
    return !code || reached(r, ck_access_staff(db, ck_auth_principal(r), route_perm(r), code, err, sizeof err), err);
}

/* ---- Query parameters ------------------------------------------------------------ */

/* Exactly one of ?pdu= and ?region=; false after answering. */
static bool unit_query(ck_http_req *r, const char **pdu, const char **region)
{
    const char *p = ck_http_query(r, "pdu"), *g = ck_http_query(r, "region");
    *pdu = p && *p ? p : NULL;
    *region = g && *g ? g : NULL;
    if (!*pdu == !*region) {
        ck_api_invalid(r, "pdu: give exactly one of pdu or region (a code)");
        return false;
    }
    return unit_ok(r, *pdu, *region);
}

/* ?as_of= (default today), then ?to= (default the day before as_of) and
 * ?from= (default twelve months to `to`); false after answering. */
static bool period_query(ck_http_req *r, ck_inspect_period *p)
{
    ck_date as_of;
    if (!ck_api_query_date(r, "as_of", today_of(r), &as_of)) return false;
    *p = ck_inspect_default_period(as_of);
    ck_date to = p->to;
    if (!ck_api_query_date(r, "to", to, &p->to)) return false;
    if (p->to != to) p->from = ck_inspect_default_period(p->to + 1).from;
    return ck_api_query_date(r, "from", p->from, &p->from);
}

/* Whether the answer is CSV: ?format=csv (or json), else Accept: text/csv.
 * False after answering a format it does not know. */
static bool csv_wanted(ck_http_req *r, bool *csv)
{
    const char *f = ck_http_query(r, "format");
    *csv = false;
    if (f) {
        *csv = strcmp(f, "csv") == 0;
        if (*csv || strcmp(f, "json") == 0) return true;
        ck_api_invalid(r, "format: expected json or csv, got \"%.40s\"", f);
        return false;
    }
    const char *accept = ck_http_header(r, "Accept");
    *csv = accept && strstr(accept, "text/csv") != NULL;
    return true;
}

/* ---- Bodies ------------------------------------------------------------------------ */

/* Refuses a body key not in `allowed` (NULL-terminated), as the bundle
 * parser refuses unknown keys: a misspelt field is an error, not ignored. */
static bool body_keys(ck_http_req *r, json_t *body, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++) known = strcmp(key, allowed[i]) == 0;
        if (known) continue;
        char list[256] = "";
        for (size_t i = 0, n = 0; allowed[i]; i++)
            n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s", i ? ", " : "", allowed[i]);
        ck_api_invalid(r, "%.60s: not a field of this request (expected %s)", key, list);
        return false;
    }
    return true;
}

/* A non-empty string member; NULL when absent and not required. */
static bool body_text(ck_http_req *r, json_t *body, const char *key, bool required, const char *what,
                      const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if ((!v || json_is_null(v)) && !required) return true;
    if (!json_is_string(v) || !json_string_value(v)[strspn(json_string_value(v), " \t\r\n")]) {
        ck_api_invalid(r, "%s: expected %s", key, what);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

static bool body_date(ck_http_req *r, json_t *body, const char *key, bool required, ck_date *out)
{
    const char *s;
    *out = CK_NODATE;
    if (!body_text(r, body, key, required, "a date YYYY-MM-DD", &s)) return false;
    if (!s || ck_date_parse(s, strlen(s), out)) return true;
    ck_api_invalid(r, "%s: expected a date YYYY-MM-DD, got \"%.40s\"", key, s);
    return false;
}

static bool body_int(ck_http_req *r, json_t *body, const char *key, bool required, json_int_t min, json_int_t max,
                     json_int_t *out)
{
    json_t *v = json_object_get(body, key);
    if ((!v || json_is_null(v)) && !required) return true;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        ck_api_invalid(r, "%s: expected a whole number from %lld to %lld", key, (long long)min, (long long)max);
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

/* ---- Workforce --------------------------------------------------------------------- */

/* CK_ERR_NOTFOUND naming the field for an unknown PDU or region. */
static ck_rc unit_exists(ck_db *db, const char *pdu, const char *region, char *err, size_t err_len)
{
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record rec;
    ck_rc rc = ck_org_get(db, pdu ? CK_ORG_PDU : CK_ORG_REGION, pdu ? pdu : region, &a, &rec, err, err_len);
    ck_arena_free(&a);
    if (rc == CK_ERR_NOTFOUND)
        snprintf(err, err_len, "%s: no %s with code %s", pdu ? "pdu" : "region", pdu ? "PDU" : "region",
                 pdu ? pdu : region);
    return rc;
}

/* GET /api/v1/manage/workforce?pdu=|region=&as_of=[&format=csv] */
static void h_workforce(ck_http_req *r)
{
    const char *pdu, *region;
    ck_date as_of;
    bool csv;
    if (!unit_query(r, &pdu, &region) || !ck_api_query_date(r, "as_of", today_of(r), &as_of) || !csv_wanted(r, &csv))
        return;
    ck_db *db = ck_api_db(r);
    if (!db) return;
    char err[ERR_MAX];
    ck_workforce *w = NULL;
    ck_rc rc = unit_exists(db, pdu, region, err, sizeof err);
    if (rc == CK_OK) rc = ck_workforce_load(db, app_of(r)->engine.cfg, region, pdu, as_of, &w, err, sizeof err);
    if (rc != CK_OK) {
        ck_api_problem_rc(r, rc, err);
        return;
    }
    if (csv) {
        ck_workforce_render(w, false, ck_http_out(r));
        ck_http_csv_download(r, "workforce", pdu ? pdu : region, as_of);
    } else {
        json_t *j = ck_workforce_to_json(w);
        json_object_set_new(j, pdu ? "pdu" : "region", json_string(pdu ? pdu : region));
        ck_http_json(r, 200, j);
    }
    ck_workforce_free(w);
}

/* GET /api/v1/manage/workforce/staff/{code}?as_of=: one practitioner's
 * workload breakdown, counted as their PDU's report counts it. */
static void h_staff_workload(ck_http_req *r)
{
    const char *code = ck_http_param(r, "code");
    ck_date as_of;
    if (!ck_api_query_date(r, "as_of", today_of(r), &as_of)) return;
    ck_db *db = ck_api_db(r);
    if (!db || !staff_ok(r, db, code)) return;
    char err[ERR_MAX];
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record staff, team;
    ck_workforce *w = NULL;
    ck_rc rc = ck_org_get(db, CK_ORG_STAFF, code, &a, &staff, err, sizeof err);
    if (rc == CK_OK) rc = ck_org_get(db, CK_ORG_TEAM, staff.team, &a, &team, err, sizeof err);
    if (rc == CK_OK) rc = ck_workforce_load(db, app_of(r)->engine.cfg, NULL, team.pdu, as_of, &w, err, sizeof err);
    const ck_wf_staff *p = rc == CK_OK ? ck_workforce_find(w, code) : NULL;
    if (rc == CK_ERR_NOTFOUND || (rc == CK_OK && !p)) {
        snprintf(err, sizeof err, "code: no staff member %.40s", code);
        rc = CK_ERR_NOTFOUND;
    }
    if (rc != CK_OK) {
        ck_api_problem_rc(r, rc, err);
    } else {
        json_t *j = ck_wf_staff_to_json(p, as_of);
        json_object_set_new(j, "pdu", json_string(team.pdu));
        json_object_set_new(j, "as_of", ck_api_date_json(as_of));
        ck_http_json(r, 200, j);
    }
    ck_workforce_free(w);
    ck_arena_free(&a);
}

/* ---- Allocation -------------------------------------------------------------------- */

static bool manage_cfg(ck_http_req *r, ck_db *db, ck_manage_cfg *mc)
{
    char err[ERR_MAX];
    ck_rc rc = ck_manage_cfg_load(db, mc, err, sizeof err);
    if (rc == CK_OK) return true;
    /* A bad setting is the deployment's fault, not the caller's. */
    ck_api_problem_rc(r, CK_ERR_DB, err);
    return false;
}

/* GET /api/v1/manage/allocations?pdu=&team=&as_of=&candidates=: the cases
 * that need a practitioner, each with its ranked candidates. */
static void h_board(ck_http_req *r)
{
    const char *pdu = ck_http_query(r, "pdu"), *team = ck_http_query(r, "team");
    ck_date as_of;
    size_t k;
    if (!pdu || !*pdu) {
        ck_api_invalid(r, "pdu: expected the code of a PDU");
        return;
    }
    if (team && !*team) team = NULL;
    if (!ck_api_query_date(r, "as_of", today_of(r), &as_of) ||
        !ck_api_query_count(r, "candidates", CK_API_MANAGE_CANDIDATES, 1, CK_API_MANAGE_CANDIDATES_MAX, &k))
        return;
    ck_db *db = ck_api_db(r);
    ck_manage_cfg mc;
    if (!db || !unit_ok(r, pdu, NULL) || !manage_cfg(r, db, &mc)) return;
    char err[ERR_MAX];
    ck_alloc_board *b = NULL;
    ck_rc rc = ck_alloc_board_load(db, &app_of(r)->engine, &mc, pdu, team, as_of, &b, err, sizeof err);
    if (rc != CK_OK) {
        ck_api_problem_rc(r, rc, err);
        return;
    }
    json_t *j = ck_alloc_board_json_for(db, ck_auth_principal(r), b, k, &rc, err, sizeof err);
    ck_alloc_board_free(b);
    if (rc != CK_OK) {
        json_decref(j);
        ck_api_problem_rc(r, rc, err);
        return;
    }
    ck_http_json(r, 200, j);
}

/* POST /api/v1/manage/allocations {"crn", "staff_code", "reason"}: from
 * today; the reason is required when the staff member would be over
 * capacity with the case (services/ck_workforce's rule). */
static void h_allocate(ck_http_req *r)
{
    static const char *const keys[] = {"crn", "staff_code", "reason", NULL};
    json_t *body = ck_api_body_object(r);
    const char *crn, *staff, *reason;
    bool ok = body && body_keys(r, body, keys) && body_text(r, body, "crn", true, "the CRN of a case", &crn) &&
              body_text(r, body, "staff_code", true, "the code of a staff member", &staff) &&
              body_text(r, body, "reason", false, "why the case goes to someone over capacity", &reason);
    ck_db *db = ok ? ck_api_db(r) : NULL;
    ck_manage_cfg mc;
    if (db && manage_cfg(r, db, &mc)) {
        char err[ERR_MAX];
        ck_date today = today_of(r);
        ck_rc rc = ck_access_allocate(db, ck_auth_principal(r), &app_of(r)->engine, &mc, crn, staff, reason, today, err,
                                      sizeof err);
        if (rc != CK_OK) {
            ck_api_problem_rc(r, rc, err);
        } else {
            ck_http_json(r, 201, json_pack("{s:s, s:s, s:o}", "crn", crn, "staff_code", staff, "from",
                                           ck_api_date_json(today)));
        }
    }
    json_decref(body);
}

/* POST /api/v1/manage/staff/{code}/reallocate {"to": optional staff code}:
 * every case the practitioner holds, in one transaction. */
static void h_reallocate(ck_http_req *r)
{
    static const char *const keys[] = {"to", NULL};
    json_t *body = ck_api_body_object(r);
    const char *to;
    bool ok = body && body_keys(r, body, keys) && body_text(r, body, "to", false, "the code of a staff member", &to);
    ck_db *db = ok ? ck_api_db(r) : NULL;
    ck_manage_cfg mc;
    const char *from = ck_http_param(r, "code");
    if (db && manage_cfg(r, db, &mc)) {
        char err[ERR_MAX];
        ck_alloc_moves *m = NULL;
        ck_rc rc = ck_access_reallocate(db, ck_auth_principal(r), &app_of(r)->engine, &mc, from, to, today_of(r), &m,
                                        err, sizeof err);
        if (rc != CK_OK) {
            ck_api_problem_rc(r, rc, err);
        } else {
            json_t *moved = json_array();
            for (size_t i = 0; i < m->n; i++)
                json_array_append_new(moved, json_pack("{s:s, s:s}", "crn", m->crn[i], "staff_code", m->staff[i]));
            ck_http_json(r, 200, json_pack("{s:s, s:o}", "staff_code", from, "moved", moved));
        }
        ck_alloc_moves_free(m);
    }
    json_decref(body);
}

/* POST /api/v1/manage/staff/{code}/leaving {"kind": "left" |
 * "long_term_absence", "date"}: the staff record, then every case they hold
 * recomputed (an ALLOCATE leaver obligation each), in one transaction. */
static void h_leaving(ck_http_req *r)
{
    static const char *const keys[] = {"kind", "date", NULL};
    json_t *body = ck_api_body_object(r);
    const char *kind;
    ck_date on;
    bool ok = body && body_keys(r, body, keys) &&
              body_text(r, body, "kind", true, "left or long_term_absence", &kind) && body_date(r, body, "date", true, &on);
    if (ok && strcmp(kind, "left") != 0 && strcmp(kind, "long_term_absence") != 0) {
        ck_api_invalid(r, "kind: expected left or long_term_absence, got \"%.40s\"", kind);
        ok = false;
    }
    ck_date today = today_of(r);
    if (ok && on > today) {
        ck_api_invalid(r, "date: expected a date on or before today: record a leaver or an absence once it has begun");
        ok = false;
    }
    ck_db *db = ok ? ck_api_db(r) : NULL;
    const char *code = ck_http_param(r, "code");
    if (db) {
        char err[ERR_MAX];
        size_t n = 0;
        bool absence = strcmp(kind, "long_term_absence") == 0;
        ck_rc rc = ck_access_staff_leaves(db, ck_auth_principal(r), &app_of(r)->engine, code, on, absence, today, &n,
                                          err, sizeof err);
        if (rc != CK_OK) {
            ck_api_problem_rc(r, rc, err);
        } else {
            ck_http_json(r, 200, json_pack("{s:s, s:s, s:o, s:I}", "staff_code", code, "kind", kind, "date",
                                           ck_api_date_json(on), "cases", (json_int_t)n));
        }
    }
    json_decref(body);
}

/* ---- Inspection -------------------------------------------------------------------- */

/* GET /api/v1/manage/inspection?pdu=|region=&from=&to=&as_of=[&format=csv] */
static void h_inspection(ck_http_req *r)
{
    const char *pdu, *region;
    ck_inspect_period p;
    bool csv;
    if (!unit_query(r, &pdu, &region) || !period_query(r, &p) || !csv_wanted(r, &csv)) return;
    ck_db *db = ck_api_db(r);
    ck_manage_cfg mc;
    if (!db || !manage_cfg(r, db, &mc)) return;
    char err[ERR_MAX];
    ck_inspection *x = NULL;
    ck_rc rc = ck_inspection_compute(db, app_of(r)->engine.cfg, &mc.bands, region, pdu, &p, &x, err, sizeof err);
    if (rc != CK_OK) {
        ck_api_problem_rc(r, rc, err);
        return;
    }
    if (csv) {
        ck_inspection_render(x, false, ck_http_out(r));
        ck_http_csv_download(r, "inspection", pdu ? pdu : region, p.as_of);
    } else {
        ck_http_json(r, 200, ck_inspection_to_json(x));
    }
    ck_inspection_free(x);
}

/* GET /api/v1/manage/inspection/failures?pdu=|region=&key_question=&from=&to=&as_of= */
static void h_failures(ck_http_req *r)
{
    const char *pdu, *region, *kq = ck_http_query(r, "key_question");
    ck_inspect_period p;
    if (!unit_query(r, &pdu, &region) || !period_query(r, &p)) return;
    int m = ck_measure_find(kq);
    if (m < 0) {
        ck_api_invalid(r, "key_question: expected one of A1 A2 A3 P1 I1 I2 I3 R1 V1, got \"%.40s\"", kq ? kq : "");
        return;
    }
    ck_db *db = ck_api_db(r);
    if (!db) return;
    char err[ERR_MAX];
    ck_failure_list *fl = NULL;
    ck_rc rc = unit_exists(db, pdu, region, err, sizeof err);
    if (rc == CK_OK) rc = ck_inspection_failures(db, region, pdu, &p, kq, &fl, err, sizeof err);
    if (rc == CK_OK)
        rc = ck_access_drop_unseen(db, ck_auth_principal(r), fl->items, sizeof *fl->items,
                                   offsetof(ck_inspection_failure, crn), &fl->n, err, sizeof err);
    if (rc != CK_OK) {
        ck_failure_list_free(fl);
        ck_api_problem_rc(r, rc, err);
        return;
    }
    json_t *items = ck_inspection_failures_json(fl);
    ck_failure_list_free(fl);
    json_t *j = json_object();
    json_object_set_new(j, pdu ? "pdu" : "region", json_string(pdu ? pdu : region));
    json_object_set_new(j, "key_question", json_string(ck_measures[m].key));
    json_object_set_new(j, "title", json_string(ck_measures[m].title));
    json_object_set_new(j, "standard", json_string(ck_standard_key(ck_measures[m].standard)));
    json_object_set_new(j, "from", ck_api_date_json(p.from));
    json_object_set_new(j, "to", ck_api_date_json(p.to));
    json_object_set_new(j, "as_of", ck_api_date_json(p.as_of));
    json_object_set_new(j, "items", items);
    ck_http_json(r, 200, j);
}

/* POST /api/v1/manage/inspection/organisational {"pdu", "standard",
 * "rating", "evidence", "entered_by"}: a head of PDU's rating, from today. */
static void h_org_rating(ck_http_req *r)
{
    static const char *const keys[] = {"pdu", "standard", "rating", "evidence", "entered_by", NULL};
    json_t *body = ck_api_body_object(r);
    const char *pdu, *std, *rating, *evidence, *by;
    bool ok = body && body_keys(r, body, keys) && body_text(r, body, "pdu", true, "the code of a PDU", &pdu) &&
              body_text(r, body, "standard", true, "leadership, staff, services or information_facilities", &std) &&
              body_text(r, body, "rating", true, "outstanding, good, requires_improvement or inadequate", &rating) &&
              body_text(r, body, "evidence", true, "the evidence for the rating", &evidence) &&
              body_text(r, body, "entered_by", true, "who entered the rating", &by);
    ck_standard s = CK_STD_LEADERSHIP;
    ck_rating rt = CK_RATING_INADEQUATE;
    if (ok && (!ck_standard_parse(std, &s) || ck_standard_is_case(s))) {
        ck_api_invalid(r, "standard: expected leadership, staff, services or information_facilities, got \"%.40s\"", std);
        ok = false;
    }
    if (ok && !ck_rating_parse(rating, &rt)) {
        ck_api_invalid(r, "rating: expected outstanding, good, requires_improvement or inadequate, got \"%.40s\"", rating);
        ok = false;
    }
    ck_db *db = ok ? ck_api_db(r) : NULL;
    if (db) {
        char err[ERR_MAX];
        ck_date today = today_of(r);
        ck_rc rc = ck_access_org_rating(db, ck_auth_principal(r), pdu, s, rt, evidence, by, today, err, sizeof err);
        if (rc != CK_OK)
            ck_api_problem_rc(r, rc, err);
        else
            ck_http_json(r, 201, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "pdu", pdu, "standard", ck_standard_key(s),
                                           "rating", ck_rating_name(rt), "evidence", evidence, "entered_by", by,
                                           "entered_on", ck_api_date_json(today)));
    }
    json_decref(body);
}

/* GET /api/v1/manage/inspection/history?pdu=&months=&as_of= */
static void h_history(ck_http_req *r)
{
    const char *pdu = ck_http_query(r, "pdu");
    ck_date as_of;
    size_t months;
    if (!pdu || !*pdu) {
        ck_api_invalid(r, "pdu: expected the code of a PDU");
        return;
    }
    if (!ck_api_query_date(r, "as_of", today_of(r), &as_of) ||
        !ck_api_query_count(r, "months", CK_API_HISTORY_MONTHS, 1, 120, &months))
        return;
    ck_db *db = ck_api_db(r);
    ck_manage_cfg mc;
    if (!db || !unit_ok(r, pdu, NULL) || !manage_cfg(r, db, &mc)) return;
    char err[ERR_MAX];
    ck_inspection_months *h = NULL;
    ck_rc rc = unit_exists(db, pdu, NULL, err, sizeof err);
    if (rc == CK_OK)
        rc = ck_inspection_history(db, app_of(r)->engine.cfg, &mc.bands, pdu, (int)months, as_of, &h, err, sizeof err);
    if (rc != CK_OK)
        ck_api_problem_rc(r, rc, err);
    else
        ck_http_json(r, 200, json_pack("{s:s, s:o, s:o}", "pdu", pdu, "as_of", ck_api_date_json(as_of), "months",
                                       ck_inspection_history_json(h)));
    ck_inspection_months_free(h);
}

/* ---- Quality-assurance case audit -------------------------------------------------- */

/* The {id} of a sample whose PDU the caller's qa scope reaches; false after
 * answering (404, 403). */
static bool sample_id(ck_http_req *r, int64_t *id)
{
    const char *s = ck_http_param(r, "id");
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || !isdigit((unsigned char)s[0]) || v <= 0) {
        ck_http_problem(r, 404, NULL, NULL, "no such sample", NULL);
        return false;
    }
    *id = v;
    ck_db *db = ck_api_db(r);
    if (!db) return false;
    char err[ERR_MAX];
    ck_qa_sample_report *rep = NULL;
    ck_rc rc = ck_qa_report(db, *id, today_of(r), &rep, err, sizeof err);
    bool ok = reached(r, rc, err) && unit_ok(r, rep->pdu, NULL);
    ck_qa_report_free(rep);
    return ok;
}

static void send_report(ck_http_req *r, ck_db *db, int64_t id, unsigned status, bool disagreements_only)
{
    char err[ERR_MAX];
    ck_qa_sample_report *qr = NULL;
    ck_rc rc = ck_qa_report(db, id, today_of(r), &qr, err, sizeof err);
    if (rc != CK_OK) {
        ck_api_problem_rc(r, rc, err);
        return;
    }
    json_t *rep = ck_qa_report_to_json(qr);
    ck_qa_report_free(qr);
    if (status == 201) {
        char loc[96];
        snprintf(loc, sizeof loc, "/api/v1/manage/qa/samples/%lld", (long long)id);
        ck_http_header_add(r, "Location", loc);
    }
    if (!disagreements_only) {
        ck_http_json(r, status, rep);
        return;
    }
    json_t *j = json_object();
    json_object_set(j, "sample_id", json_object_get(rep, "sample_id"));
    json_object_set(j, "pdu", json_object_get(rep, "pdu"));
    json_object_set(j, "disagreements", json_object_get(rep, "disagreements"));
    json_object_set_new(j, "items", ck_qa_disagreements(rep));
    json_decref(rep);
    ck_http_json(r, status, j);
}

/* POST /api/v1/manage/qa/samples {"pdu", "per_team", "from", "to", "seed"
 * (optional: a random one, kept with the sample), "drawn_by"} */
static void h_qa_draw(ck_http_req *r)
{
    static const char *const keys[] = {"pdu", "per_team", "from", "to", "seed", "drawn_by", NULL};
    json_t *body = ck_api_body_object(r);
    const char *pdu, *by;
    json_int_t per_team = 0, seed = -1;
    ck_date from, to;
    bool ok = body && body_keys(r, body, keys) && body_text(r, body, "pdu", true, "the code of a PDU", &pdu) &&
              body_int(r, body, "per_team", true, 1, 1000, &per_team) && body_date(r, body, "from", true, &from) &&
              body_date(r, body, "to", true, &to) && body_int(r, body, "seed", false, 0, INT32_MAX, &seed) &&
              body_text(r, body, "drawn_by", true, "who drew the sample", &by);
    ck_db *db = ok ? ck_api_db(r) : NULL;
    if (db) {
        char err[ERR_MAX];
        int64_t id = 0;
        uint64_t s = seed >= 0 ? (uint64_t)seed : randombytes_uniform(INT32_MAX);
        ck_rc rc = ck_access_qa_draw(db, ck_auth_principal(r), pdu, (int)per_team, s, from, to, by, today_of(r), &id,
                                     err, sizeof err);
        if (rc != CK_OK) {
            ck_api_problem_rc(r, rc, err);
        } else {
            send_report(r, db, id, 201, false);
        }
    }
    json_decref(body);
}

/* GET /api/v1/manage/qa/samples?pdu= */
static void h_qa_list(ck_http_req *r)
{
    const char *pdu = ck_http_query(r, "pdu");
    if (pdu && !*pdu) pdu = NULL;
    ck_db *db = ck_api_db(r);
    if (!db || !unit_ok(r, pdu, NULL)) return;
    char err[ERR_MAX];
    ck_qa_sample_list *l = NULL;
    ck_rc rc = ck_qa_samples(db, pdu, &l, err, sizeof err);
    if (rc != CK_OK)
        ck_api_problem_rc(r, rc, err);
    else
        ck_http_json(r, 200, json_pack("{s:o}", "items", ck_qa_samples_json(l)));
    ck_qa_sample_list_free(l);
}

/* GET /api/v1/manage/qa/samples/{id} */
static void h_qa_report(ck_http_req *r)
{
    int64_t id;
    ck_db *db = sample_id(r, &id) ? ck_api_db(r) : NULL;
    if (db) send_report(r, db, id, 200, false);
}

/* GET /api/v1/manage/qa/samples/{id}/disagreements */
static void h_qa_disagreements(ck_http_req *r)
{
    int64_t id;
    ck_db *db = sample_id(r, &id) ? ck_api_db(r) : NULL;
    if (db) send_report(r, db, id, 200, true);
}

/* POST /api/v1/manage/qa/samples/{id}/answers {"crn", "question" (a case
 * standard), "sufficient": true|false, "note", "answered_by"} */
static void h_qa_answer(ck_http_req *r)
{
    static const char *const keys[] = {"crn", "question", "sufficient", "note", "answered_by", NULL};
    int64_t id;
    if (!sample_id(r, &id)) return;
    json_t *body = ck_api_body_object(r);
    const char *crn, *question, *note, *by;
    bool ok = body && body_keys(r, body, keys) && body_text(r, body, "crn", true, "the CRN of a sampled case", &crn) &&
              body_text(r, body, "question", true, "assessment, planning, implementation_delivery, reviewing or victims",
                        &question) &&
              body_text(r, body, "note", false, "a note (text)", &note) &&
              body_text(r, body, "answered_by", true, "who answered", &by);
    json_t *sufficient = ok ? json_object_get(body, "sufficient") : NULL;
    if (ok && !json_is_boolean(sufficient)) {
        ck_api_invalid(r, "sufficient: expected true or false");
        ok = false;
    }
    ck_standard q = CK_STD_ASSESSMENT;
    if (ok && (!ck_standard_parse(question, &q) || !ck_standard_is_case(q))) {
        ck_api_invalid(r, "question: expected assessment, planning, implementation_delivery, reviewing or victims, "
                          "got \"%.40s\"", question);
        ok = false;
    }
    ck_db *db = ok ? ck_api_db(r) : NULL;
    if (db) {
        char err[ERR_MAX];
        ck_date today = today_of(r);
        ck_rc rc = ck_access_qa_answer(db, ck_auth_principal(r), id, crn, q, json_is_true(sufficient), note, by, today,
                                       err, sizeof err);
        if (rc != CK_OK)
            ck_api_problem_rc(r, rc, err);
        else
            ck_http_json(r, 201, json_pack("{s:I, s:s, s:s, s:b, s:s?, s:s, s:o}", "sample_id", (json_int_t)id, "crn",
                                           crn, "question", ck_standard_key(q), "sufficient", json_is_true(sufficient),
                                           "note", note, "answered_by", by, "answered_on", ck_api_date_json(today)));
    }
    json_decref(body);
}

/* Literal rows before the {param} rows they overlap. */
const ck_route ck_api_manage_routes[] = {
    {"GET", "/api/v1/manage/workforce", h_workforce, "workforce:read"},
    {"GET", "/api/v1/manage/workforce/staff/{code}", h_staff_workload, "workforce:read"},
    {"GET", "/api/v1/manage/allocations", h_board, "allocate"},
    {"POST", "/api/v1/manage/allocations", h_allocate, "allocate"},
    {"POST", "/api/v1/manage/staff/{code}/reallocate", h_reallocate, "allocate"},
    {"POST", "/api/v1/manage/staff/{code}/leaving", h_leaving, "allocate"},
    {"GET", "/api/v1/manage/inspection", h_inspection, "inspection:read"},
    {"GET", "/api/v1/manage/inspection/failures", h_failures, "inspection:read"},
    {"GET", "/api/v1/manage/inspection/history", h_history, "inspection:read"},
    {"POST", "/api/v1/manage/inspection/organisational", h_org_rating, "inspection:write"},
    {"GET", "/api/v1/manage/qa/samples", h_qa_list, "qa"},
    {"POST", "/api/v1/manage/qa/samples", h_qa_draw, "qa"},
    {"GET", "/api/v1/manage/qa/samples/{id}", h_qa_report, "qa"},
    {"GET", "/api/v1/manage/qa/samples/{id}/disagreements", h_qa_disagreements, "qa"},
    {"POST", "/api/v1/manage/qa/samples/{id}/answers", h_qa_answer, "qa"},
    {NULL, NULL, NULL, NULL},
};
