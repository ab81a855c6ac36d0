/* ck_web_manage: the pages of managing the service (see ck_web_manage.h). */
#include "ck_web_manage.h"
#include "ck_access.h"
#include "ck_caseload.h"
#include "ck_inspection.h"
#include "ck_manage_json.h"
#include "ck_org.h"
#include "ck_web.h"
#include "ck_web_names.h"
#include "ck_workforce.h"
#include "ck_staffing.h"
#include "ck_txn.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_MAX 1024
#define TREND_MONTHS CK_INSPECTION_HISTORY_MONTHS

/* What every page here starts from: the session, the database, today and
 * the PDU of the signed-in team. */
typedef struct mctx {
    ck_http_req *r;
    ck_session s;
    ck_db *db;
    ck_date today;
    const char *pdu, *pdu_name; /* in the request's arena */
    const char *pdu_query;      /* "pdu=CODE" for a PDU not the reader's own, else "" */
} mctx;

/* Who a QA sample or answer names: the staff member, else (quality
 * assurance accounts have no staff record) the account. */
static const char *who_did(const mctx *m) { return m->s.staff[0] ? m->s.staff : m->s.username; }

static ck_arena *arena(const mctx *m) { return ck_http_arena(m->r); }
static const ck_engine *engine(const mctx *m) { return &ck_web_of(m->r)->app.engine; }

static void not_found(mctx *m)
{
    ck_web_error_page(m->r, &m->s, 404, "Page not found", "If you typed the web address, check it is correct.");
}

/* A store failure as a page: 404 for what is not there, 403 with the access
 * layer's reason for what the account's scope does not reach, the refusal's
 * own words for a product rule, 500 (details in the log only) for the
 * database. */
static void store_failed(mctx *m, ck_rc rc, const char *err)
{
    if (rc == CK_ERR_NOTFOUND) {
        not_found(m);
    } else if (rc == CK_ERR_DENIED) {
        ck_web_error_page(m->r, &m->s, 403, "You cannot do this", err);
    } else if (rc == CK_ERR_DB) {
        ck_http_log("%s web: %s", ck_http_request_id(m->r), err);
        ck_web_error_page(m->r, &m->s, 500, "Sorry, there is a problem with the service", "Try again later.");
    } else {
        ck_web_error_page(m->r, &m->s, rc == CK_ERR_CONFLICT ? 409 : 400, "This cannot be done", err);
    }
}

/* The guard, the database and the PDU the page is about: ?pdu= (or the
 * posted field pdu) when the route's permission reaches it, else the
 * signed-in account's own (ck_web_pick_pdu; a reader with none, such as
 * quality assurance, chooses one). A QA sample's pages need none given: the
 * sample names its PDU (sample_of). False when it has answered. */
static bool open_page(ck_http_req *r, mctx *m)
{
    memset(m, 0, sizeof *m);
    m->r = r;
    if (!ck_web_guard(r, &m->s) || !(m->db = ck_web_db(r, &m->s))) return false;
    m->today = ck_app_today(&ck_web_of(r)->app);
    ck_perm perm = CK_PERM_QA;
    ck_auth_route_perm(r, &perm);
    const char *asked = ck_http_query(r, "pdu");
    if (!asked) asked = ck_http_form(r, "pdu");
    if (!m->s.pdu[0] && !(asked && *asked) && ck_http_param(r, "id") && strncmp(ck_http_path(r), "/qa/", 4) == 0)
        return true;
    ck_org_record pdu;
    if (!ck_web_pick_pdu(r, &m->s, m->db, perm, "pdu", &pdu)) return false;
    m->pdu = pdu.code;
    m->pdu_name = pdu.name ? pdu.name : pdu.code;
    /* Links and forms keep a PDU that is not the reader's own. */
    bool own = ck_streq(pdu.code, m->s.pdu);
    m->pdu_query = own ? "" : ck_arena_printf(arena(m), "pdu=%s", pdu.code);
    return true;
}

static bool manage_cfg(mctx *m, ck_manage_cfg *mc)
{
    char err[ERR_MAX];
    ck_rc rc = ck_manage_cfg_load(m->db, mc, err, sizeof err);
    if (rc != CK_OK) store_failed(m, CK_ERR_DB, err); /* a bad setting is the deployment's */
    return rc == CK_OK;
}

static json_t *page_of(mctx *m, const char *title, const char *nav)
{
    json_t *page = ck_web_page(m->r, &m->s, title, nav);
    json_object_set_new(page, "pdu", json_pack("{s:s, s:s, s:s}", "code", m->pdu, "name", m->pdu_name, "query",
                                               m->pdu_query ? m->pdu_query : ""));
    return page;
}

/* The name of a store report's person ({forename, surname}). */
static const char *json_name(mctx *m, const json_t *o)
{
    return ck_web_person_name(m->r, json_string_value(json_object_get(o, "forename")),
                              json_string_value(json_object_get(o, "surname")));
}

static json_t *long_date(mctx *m, ck_date d) { return json_string(ck_web_date_long(m->r, d)); }

/* The date in member `key` of a store report ("YYYY-MM-DD"); CK_NODATE when
 * it is null or absent. */
static ck_date date_in(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    ck_date d = CK_NODATE;
    if (s) ck_date_parse(s, strlen(s), &d);
    return d;
}

/* "57.3%" from permille; "" when unknown. */
static json_t *permille_text(mctx *m, bool known, int permille)
{
    return json_string(known ? ck_arena_printf(arena(m), "%d.%d%%", permille / 10, permille % 10) : "");
}

static json_t *percent_text(mctx *m, double pct)
{
    return json_string(pct < 0 ? "" : ck_arena_printf(arena(m), "%.1f%%", pct));
}

static json_t *field(mctx *m, json_t *page, const char *kind, const char *name, const char *label, const char *hint,
                     const char *const *opts)
{
    return ck_web_form_field(m->r, page, kind, name, label, hint, opts);
}

static void title_error(mctx *m, json_t *page, const char *title)
{
    if (ck_web_form_has_errors(page))
        json_object_set_new(page, "title", json_string(ck_arena_printf(arena(m), "Error: %s", title)));
}

/* ---- Inspection ---------------------------------------------------------------- */

static const char *rating_colour(bool rated, ck_rating r)
{
    static const char *const colours[] = {"govuk-tag--red", "govuk-tag--yellow", "govuk-tag--turquoise",
                                          "govuk-tag--green"};
    return rated && (unsigned)r <= CK_RATING_OUTSTANDING ? colours[r] : "govuk-tag--grey";
}

static json_t *rating_json(bool rated, ck_rating r)
{
    return json_pack("{s:s, s:s, s:b}", "text", rated ? ck_rating_title(r) : "Not rated", "colour",
                     rating_colour(rated, r), "rated", rated);
}

/* The period of ?from= and ?to= (YYYY-MM-DD), else the default; false after
 * answering a date that is not one. */
static bool period_of(mctx *m, ck_inspect_period *p)
{
    *p = ck_inspect_default_period(m->today);
    const char *from = ck_http_query(m->r, "from"), *to = ck_http_query(m->r, "to");
    bool ok = true;
    if (to && *to) {
        ok = ck_date_parse(to, strlen(to), &p->to);
        p->from = ck_inspect_default_period(p->to + 1).from;
    }
    if (ok && from && *from) ok = ck_date_parse(from, strlen(from), &p->from);
    if (ok && p->from <= p->to && p->to < m->today) return true;
    ck_web_error_page(m->r, &m->s, 400, "The period is not valid",
                      "The period's first and last days must be real dates, YYYY-MM-DD, the first on or before "
                      "the last, and the last before today.");
    return false;
}

/* "from=...&to=..." for the links that keep the period. */
static const char *period_query(mctx *m, const ck_inspect_period *p)
{
    char f[CK_DATE_STRLEN], t[CK_DATE_STRLEN];
    return ck_arena_printf(arena(m), "from=%s&to=%s%s%s", ck_date_fmt(p->from, f), ck_date_fmt(p->to, t),
                           m->pdu_query[0] ? "&" : "", m->pdu_query);
}

/* A key question in the rules' names ("Police domestic abuse check and
 * children's services check met on time"), not the rulebook's codes. */
static const char *measure_title(mctx *m, int k)
{
    const ck_measure_def *d = &ck_measures[k];
    size_t n = 0;
    while (n < sizeof d->rules / sizeof *d->rules && d->rules[n]) n++;
    ck_buf b = CK_BUF_INIT;
    if (d->kind == CK_MEASURE_CONTACT_DAYS) ck_buf_puts(&b, "Share of days with no overdue ");
    for (size_t i = 0; i < n; i++) {
        if (i) ck_buf_puts(&b, i + 1 == n ? " and " : ", ");
        const char *name = ck_web_rule_name(d->rules[i]);
        /* Lower-case a joined name's first letter unless its first word is
         * an initialism ("RoSH"). */
        size_t w = strcspn(name, " ");
        bool plain = true;
        for (size_t c = 1; c < w; c++)
            if (name[c] >= 'A' && name[c] <= 'Z') plain = false;
        if ((i || b.len) && plain && name[0] >= 'A' && name[0] <= 'Z') {
            ck_buf_printf(&b, "%c%s", name[0] - 'A' + 'a', name + 1);
        } else {
            ck_buf_puts(&b, name);
        }
    }
    ck_buf_puts(&b, d->kind == CK_MEASURE_ON_TIME ? " met on time" : d->kind == CK_MEASURE_MET ? " met" : "");
    const char *out = ck_arena_strdup(arena(m), ck_buf_cstr(&b));
    ck_buf_free(&b);
    return out;
}

static json_t *standards_json(mctx *m, const ck_inspection *x, const char *query)
{
    json_t *out = json_array();
    for (int s = 0; s < CK_STANDARDS; s++) {
        const ck_standard_score *ss = &x->score.standards[s];
        json_t *o = json_pack("{s:s, s:s, s:o, s:i, s:b}", "key", ck_standard_key((ck_standard)s), "title",
                              ck_standard_title((ck_standard)s), "rating", rating_json(ss->rated, ss->rating), "points",
                              ss->rated ? (int)ss->rating : 0, "case", ck_standard_is_case((ck_standard)s));
        if (ck_standard_is_case((ck_standard)s)) {
            json_t *qs = json_array();
            for (int k = 0; k < CK_MEASURES; k++) {
                if ((int)ck_measures[k].standard != s) continue;
                const ck_met_count *c = &x->score.measures[k];
                double pct = ck_met_pct(c);
                json_t *q = json_pack("{s:s, s:s, s:I, s:I, s:s, s:b, s:b}", "key", ck_measures[k].key, "title",
                                      measure_title(m, k), "met", (json_int_t)c->met, "counted", (json_int_t)c->counted,
                                      "unit", ck_measures[k].kind == CK_MEASURE_CONTACT_DAYS ? "case-days" : "obligations",
                                      "failing", c->met < c->counted, "lowest", ss->lowest_measure == k);
                json_object_set_new(q, "percent", json_string(pct < 0 ? "Nothing due yet"
                                                                      : ck_arena_printf(arena(m), "%.2f%%", pct)));
                json_object_set_new(q, "href", json_string(ck_arena_printf(arena(m), "/inspection/key-questions/%s?%s",
                                                                           ck_measures[k].key, query)));
                json_array_append_new(qs, q);
            }
            json_object_set_new(o, "questions", qs);
        } else {
            const ck_org_entry *e = &x->org[s];
            json_object_set_new(o, "href", json_string(ck_arena_printf(arena(m), "/inspection/standards/%s",
                                                                       ck_standard_key((ck_standard)s))));
            if (e->set)
                json_object_set_new(o, "entry", json_pack("{s:s, s:s, s:o}", "evidence", e->evidence ? e->evidence : "",
                                                          "by", ck_web_staff_name(ck_web_names_new(m->r, m->db), e->entered_by), "on",
                                                          long_date(m, e->entered_on)));
        }
        json_array_append_new(out, o);
    }
    return out;
}

/* The monthly points as an SVG line chart (coordinates worked out here, so
 * the template only places them) and as table rows. */
#define TREND_W 640
#define TREND_H 260
#define TREND_LEFT 48
#define TREND_TOP 16
#define TREND_PLOT_W 560
#define TREND_PLOT_H 200

static int trend_y(json_int_t points)
{
    return TREND_TOP + (int)((CK_INSPECT_MAX_POINTS - points) * TREND_PLOT_H / CK_INSPECT_MAX_POINTS);
}

static json_t *trend_json(mctx *m, const json_t *hist, const ck_inspect_bands *bands)
{
    static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    size_t n = json_array_size(hist), i;
    json_t *points = json_array(), *rows = json_array(), *h;
    ck_buf line = CK_BUF_INIT;
    json_array_foreach(hist, i, h)
    {
        const char *month = json_string_value(json_object_get(h, "month"));
        json_int_t pts = json_integer_value(json_object_get(h, "points"));
        int y = 0, mo = 0;
        if (!month || sscanf(month, "%d-%d", &y, &mo) != 2 || mo < 1 || mo > 12) continue;
        int x = TREND_LEFT + (n > 1 ? (int)(i * TREND_PLOT_W / (n - 1)) : TREND_PLOT_W / 2);
        ck_buf_printf(&line, "%s%d,%d", line.len ? " " : "", x, trend_y(pts));
        ck_rating band;
        bool rated = ck_rating_parse(json_string_value(json_object_get(h, "band")), &band);
        json_array_append_new(points, json_pack("{s:i, s:i, s:i, s:s, s:I}", "x", x, "y", trend_y(pts), "label_y",
                                                TREND_TOP + TREND_PLOT_H + 20, "label", month_names[mo - 1],
                                                "points", pts));
        json_array_append_new(rows, json_pack("{s:s, s:I, s:o, s:s}", "month",
                                              ck_arena_printf(arena(m), "%s %d", month_names[mo - 1], y), "points", pts,
                                              "band", rating_json(rated, band), "source",
                                              ck_streq(json_string_value(json_object_get(h, "source")), "snapshot")
                                                  ? "Recorded by the nightly update"
                                                  : "Worked out now"));
    }
    json_t *grid = json_array();
    const int marks[] = {0, bands->requires_improvement_min, bands->good_min, bands->outstanding_min,
                         CK_INSPECT_MAX_POINTS};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        json_array_append_new(grid, json_pack("{s:i, s:i, s:i}", "y", trend_y(marks[k]), "text_y", trend_y(marks[k]) + 4,
                                              "value", marks[k]));
    json_t *t = json_pack("{s:i, s:i, s:i, s:i, s:s, s:o, s:o, s:o}", "width", TREND_W, "height", TREND_H, "left",
                          TREND_LEFT, "right", TREND_LEFT + TREND_PLOT_W, "line", ck_buf_cstr(&line), "points", points,
                          "rows", rows, "grid", grid);
    ck_buf_free(&line);
    return t;
}

void ck_web_inspection(ck_http_req *r)
{
    mctx m;
    ck_inspect_period p;
    ck_manage_cfg mc;
    if (!open_page(r, &m) || !period_of(&m, &p) || !manage_cfg(&m, &mc)) return;
    const char *from = ck_http_query(r, "from"), *to = ck_http_query(r, "to");
    bool asked = (from && *from) || (to && *to);
    char err[ERR_MAX];
    ck_inspection *x = NULL;
    ck_inspection_months *months = NULL;
    ck_pdu_cases *counts = NULL;
    size_t n_counts = 0;
    const ck_rules_config *cfg = engine(&m)->cfg;
    /* The history's rows are read from the snapshots the nightly job
     * writes; without a period asked for, the headline is the last row
     * itself (ck_inspection.h, "Months"), so the two cannot disagree. */
    ck_rc rc = ck_inspection_history(m.db, cfg, &mc.bands, m.pdu, TREND_MONTHS, m.today, &months, err, sizeof err);
    json_t *hist = rc == CK_OK ? ck_inspection_history_json(months) : NULL;
    if (rc == CK_OK && (asked || !months->n))
        rc = ck_inspection_compute(m.db, cfg, &mc.bands, NULL, m.pdu, &p, &x, err, sizeof err);
    else if (rc == CK_OK) {
        const ck_inspection_month *last = &months->months[months->n - 1];
        x = last->computed ? last->computed : ck_inspection_from_snapshot(last->snapshot);
        if (last->computed) months->months[months->n - 1].computed = NULL; /* x owns it now */
        if (!x) rc = ck_txn_fail(CK_ERR_DB, err, sizeof err, "inspection_snapshots: %s is not a report", last->month);
    }
    if (rc == CK_OK) rc = ck_caseload_pdu_cases(m.db, NULL, m.pdu, arena(&m), &counts, &n_counts, err, sizeof err);
    ck_inspection_months_free(months);
    if (rc != CK_OK) {
        json_decref(hist);
        ck_inspection_free(x);
        store_failed(&m, rc, err);
        return;
    }
    p = x->period;
    ck_pdu_cases cases = ck_pdu_cases_find(counts, n_counts, m.pdu);
    json_t *page = page_of(&m, "Inspection", "inspection");
    const char *query = period_query(&m, &p);
    json_object_set_new(page, "score", json_pack("{s:i, s:i, s:o, s:i, s:I}", "points", x->score.points, "max",
                                                 CK_INSPECT_MAX_POINTS, "band", rating_json(true, x->score.band),
                                                 "unrated", x->score.unrated, "cases", (json_int_t)x->cases));
    json_object_set_new(page, "cases", ck_web_pdu_cases_json(&cases));
    json_object_set_new(page, "period", json_pack("{s:o, s:o}", "from", long_date(&m, p.from), "to", long_date(&m, p.to)));
    json_object_set_new(page, "standards", standards_json(&m, x, query));
    json_object_set_new(page, "trend", trend_json(&m, hist, &mc.bands));
    json_object_set_new(page, "can_rate", json_boolean(ck_web_allowed(&m.s, "inspection:write")));
    const char *saved = ck_http_query(r, "saved");
    ck_standard sd;
    if (saved && ck_standard_parse(saved, &sd)) json_object_set_new(page, "saved", json_string(ck_standard_title(sd)));
    json_decref(hist);
    ck_inspection_free(x);
    ck_web_render(r, 200, "manage/inspection.html", page);
}

void ck_web_inspection_failures(ck_http_req *r)
{
    mctx m;
    ck_inspect_period p;
    if (!open_page(r, &m)) return;
    int k = ck_measure_find(ck_http_param(r, "key"));
    if (k < 0) {
        not_found(&m);
        return;
    }
    if (!period_of(&m, &p)) return;
    char err[ERR_MAX];
    ck_failure_list *fl = NULL;
    ck_rc rc = ck_inspection_failures(m.db, NULL, m.pdu, &p, ck_measures[k].key, &fl, err, sizeof err);
    if (rc == CK_OK)
        rc = ck_access_drop_unseen(m.db, m.s.p, fl->items, sizeof *fl->items, offsetof(ck_inspection_failure, crn),
                                   &fl->n, err, sizeof err);
    if (rc != CK_OK) {
        ck_failure_list_free(fl);
        store_failed(&m, rc, err);
        return;
    }
    json_t *items = ck_inspection_failures_json(fl);
    ck_failure_list_free(fl);
    size_t total = json_array_size(items), pageno = ck_web_page_number(r);
    if ((pageno - 1) * CK_WEB_DRILL_PAGE >= total) pageno = 1;
    json_t *rows = json_array(), *it;
    ck_web_names *names = ck_web_names_new(r, m.db);
    size_t i;
    json_array_foreach(items, i, it)
    {
        if (i < (pageno - 1) * CK_WEB_DRILL_PAGE || i >= pageno * CK_WEB_DRILL_PAGE) continue;
        ck_date due = date_in(it, "due"), met = date_in(it, "met_on");
        const char *rule = json_string_value(json_object_get(it, "rule"));
        bool overdue = ck_streq(json_string_value(json_object_get(it, "status")), "overdue");
        const char *staff = json_string_value(json_object_get(it, "staff_code"));
        json_array_append_new(rows, json_pack("{s:s, s:s, s:O, s:s, s:O, s:o, s:o, s:s, s:O}", "person", json_name(&m, it),
                                              "staff", staff ? ck_web_staff_name(names, staff) : "Unallocated", "crn", json_object_get(it, "crn"),
                                              "rule", ck_web_rule_name(rule), "subject", json_object_get(it, "subject"),
                                              "due", long_date(&m, due), "met", long_date(&m, met), "status",
                                              overdue ? "Overdue" : met != CK_NODATE ? "Met late" : "Not met",
                                              "explanation", json_object_get(it, "explanation")));
    }
    json_decref(items);
    const char *title = ck_arena_printf(arena(&m), "%s: failing cases", ck_measures[k].key);
    json_t *page = page_of(&m, title, "inspection");
    const char *base = ck_arena_printf(arena(&m), "/inspection/key-questions/%s?%s", ck_measures[k].key,
                                       period_query(&m, &p));
    json_object_set_new(page, "question", json_pack("{s:s, s:s, s:s}", "key", ck_measures[k].key, "title",
                                                    measure_title(&m, k), "standard",
                                                    ck_standard_title(ck_measures[k].standard)));
    json_object_set_new(page, "period", json_pack("{s:o, s:o}", "from", long_date(&m, p.from), "to", long_date(&m, p.to)));
    json_object_set_new(page, "rows", rows);
    json_object_set_new(page, "total", json_integer((json_int_t)total));
    json_object_set_new(page, "contact_days", json_boolean(ck_measures[k].kind == CK_MEASURE_CONTACT_DAYS));
    json_object_set_new(page, "pagination", ck_web_pagination(r, base, pageno, CK_WEB_DRILL_PAGE, total));
    ck_web_render(r, 200, "manage/failures.html", page);
}

static const char *const rating_options[] = {"outstanding", "Outstanding", "good", "Good",
                                             "requires_improvement", "Requires improvement",
                                             "inadequate", "Inadequate", NULL, NULL};

/* The organisational standard of the route, or a 404 answered. */
static bool org_standard(mctx *m, ck_standard *s)
{
    if (ck_standard_parse(ck_http_param(m->r, "standard"), s) && !ck_standard_is_case(*s)) return true;
    not_found(m);
    return false;
}

static void org_form(mctx *m, ck_standard s, json_t *page, unsigned status)
{
    const char *title = ck_arena_printf(arena(m), "Rate %s", ck_standard_title(s));
    json_object_set_new(page, "title", json_string(title));
    title_error(m, page, title);
    json_object_set_new(page, "heading", json_string(title));
    json_object_set_new(page, "standard", json_string(ck_standard_title(s)));
    json_object_set_new(page, "action", json_string(ck_http_path(m->r)));
    json_t *fields = json_array();
    json_array_append_new(fields, field(m, page, "radios", "rating", "Rating", NULL, rating_options));
    json_array_append_new(fields, field(m, page, "textarea", "evidence", "Evidence",
                                        "What the rating rests on: the audits, surveys and figures an inspector "
                                        "would ask to see", NULL));
    json_object_set_new(page, "fields", fields);
    ck_web_render(m->r, status, "manage/org_standard.html", page);
}

void ck_web_org_standard_form(ck_http_req *r)
{
    mctx m;
    ck_standard s;
    if (!open_page(r, &m) || !org_standard(&m, &s)) return;
    org_form(&m, s, page_of(&m, "", "inspection"), 200);
}

#define EVIDENCE_MAX 4000

void ck_web_org_standard_post(ck_http_req *r)
{
    mctx m;
    ck_standard s;
    if (!open_page(r, &m) || !org_standard(&m, &s)) return;
    json_t *page = page_of(&m, "", "inspection");
    static const char *const names[] = {"rating", "evidence", NULL};
    ck_web_keep_values(r, page, names);
    const char *rating = ck_web_field(r, "rating"), *evidence = ck_web_field(r, "evidence");
    ck_rating rt;
    if (!ck_rating_parse(rating, &rt)) ck_web_form_error(page, "rating", "Select a rating");
    if (!*evidence) ck_web_form_error(page, "evidence", "Enter the evidence for the rating");
    else if (strlen(evidence) > EVIDENCE_MAX)
        ck_web_form_error(page, "evidence", "Evidence must be %d characters or fewer", EVIDENCE_MAX);
    if (ck_web_form_has_errors(page)) {
        org_form(&m, s, page, 400);
        return;
    }
    char err[ERR_MAX];
    ck_rc rc = ck_access_org_rating(m.db, m.s.p, m.pdu, s, rt, evidence, m.s.staff, m.today, err, sizeof err);
    if (rc != CK_OK) {
        json_decref(page);
        store_failed(&m, rc, err);
        return;
    }
    json_decref(page);
    ck_web_redirect(r, ck_arena_printf(arena(&m), "/inspection?saved=%s", ck_standard_key(s)));
}

/* ---- Workforce ------------------------------------------------------------------ */

static bool workforce_of(mctx *m, ck_workforce **w)
{
    char err[ERR_MAX];
    ck_rc rc = ck_workforce_load(m->db, engine(m)->cfg, NULL, m->pdu, m->today, w, err, sizeof err);
    if (rc != CK_OK) store_failed(m, rc, err);
    return rc == CK_OK;
}

static json_t *staffing_row(mctx *m, const ck_wf_team *t, bool link)
{
    const ck_staffing *g = &t->staffing;
    json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:b}", "code", t->code, "name",
                          t->name ? t->name : t->code, "in_post", (json_int_t)g->in_post, "fte",
                          ck_arena_printf(arena(m), "%.1f", g->fte_in_post), "posts",
                          ck_arena_printf(arena(m), "%.1f", t->posts_fte), "vacancies", (json_int_t)t->vacancies,
                          "agency", (json_int_t)g->agency, "absent", (json_int_t)g->long_term_absence, "cases",
                          (json_int_t)g->cases, "capacity", permille_text(m, g->capacity_known, g->capacity_permille),
                          "over", g->over);
    if (link)
        json_object_set_new(o, "href", json_string(ck_arena_printf(arena(m), "/workforce/teams/%s%s%s", t->code,
                                                                   m->pdu_query[0] ? "?" : "", m->pdu_query)));
    return o;
}

/* The caseload distribution as an SVG bar chart and table rows. */
#define HIST_H 220
#define HIST_BAR_W 80
#define HIST_GAP 24
#define HIST_TOP 24
#define HIST_PLOT_H 160

static json_t *histogram_json(const json_t *dist)
{
    static const struct {
        const char *key, *label;
    } bands[] = {{"under_50", "Under 50%"},  {"50_to_80", "50 to 80%"},   {"80_to_100", "80 to 100%"},
                 {"100_to_120", "100 to 120%"}, {"over_120", "Over 120%"}, {"unknown", "No figure"}};
    json_int_t max = 1;
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
        json_int_t v = json_integer_value(json_object_get(dist, bands[i].key));
        if (v > max) max = v;
    }
    json_t *bars = json_array();
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
        json_int_t v = json_integer_value(json_object_get(dist, bands[i].key));
        int h = (int)(v * HIST_PLOT_H / max), x = HIST_GAP + (int)i * (HIST_BAR_W + HIST_GAP);
        json_array_append_new(bars, json_pack("{s:s, s:I, s:i, s:i, s:i, s:i, s:i, s:i, s:b}", "label", bands[i].label,
                                              "count", v, "x", x, "y", HIST_TOP + HIST_PLOT_H - h, "height", h,
                                              "mid", x + HIST_BAR_W / 2, "count_y", HIST_TOP + HIST_PLOT_H - h - 6,
                                              "label_y", HIST_TOP + HIST_PLOT_H + 18, "over", i == 3 || i == 4));
    }
    int width = HIST_GAP + (int)(sizeof bands / sizeof bands[0]) * (HIST_BAR_W + HIST_GAP);
    return json_pack("{s:i, s:i, s:i, s:i, s:o}", "width", width, "height", HIST_H, "bar_width", HIST_BAR_W, "base",
                     HIST_TOP + HIST_PLOT_H, "bars", bars);
}

void ck_web_workforce(ck_http_req *r)
{
    mctx m;
    ck_workforce *w = NULL;
    if (!open_page(r, &m) || !workforce_of(&m, &w)) return;
    char err[ERR_MAX];
    ck_pdu_cases *counts;
    size_t n_counts;
    ck_rc rc = ck_caseload_pdu_cases(m.db, NULL, m.pdu, arena(&m), &counts, &n_counts, err, sizeof err);
    if (rc != CK_OK) {
        ck_workforce_free(w);
        store_failed(&m, rc, err);
        return;
    }
    ck_pdu_cases cases = ck_pdu_cases_find(counts, n_counts, m.pdu);
    json_t *report = ck_workforce_to_json(w);
    json_t *teams = json_array();
    for (size_t i = 0; i + 1 < w->n_teams; i++) json_array_append_new(teams, staffing_row(&m, &w->teams[i], true));
    json_t *page = page_of(&m, "Workforce", "workforce");
    json_object_set_new(page, "teams", teams);
    json_object_set_new(page, "total", staffing_row(&m, &w->teams[w->n_teams - 1], false));
    json_object_set_new(page, "cases", ck_web_pdu_cases_json(&cases));
    json_t *agency = json_object_get(report, "agency_share_percent"), *sick = json_object_get(report, "sickness_percent");
    json_object_set_new(page, "agency_share", percent_text(&m, json_is_real(agency) ? json_real_value(agency) : -1));
    json_object_set_new(page, "sickness", percent_text(&m, json_is_real(sick) ? json_real_value(sick) : -1));
    json_object_set_new(page, "histogram", histogram_json(json_object_get(report, "caseload_distribution")));
    json_object_set_new(page, "as_of", long_date(&m, m.today));
    json_decref(report);
    ck_workforce_free(w);
    ck_web_render(r, 200, "manage/workforce.html", page);
}

void ck_web_workforce_csv(ck_http_req *r)
{
    mctx m;
    ck_workforce *w = NULL;
    if (!open_page(r, &m) || !workforce_of(&m, &w)) return;
    ck_workforce_render(w, false, ck_http_out(r));
    ck_workforce_free(w);
    ck_http_csv_download(r, "workforce", m.pdu, m.today);
}

static const char *status_text(const char *status)
{
    return ck_streq(status, "left") ? "Left" : ck_streq(status, "long_term_absence") ? "Long-term absence" : "In post";
}

static json_t *practitioner_json(mctx *m, const ck_wf_staff *p)
{
    json_t *j = ck_wf_staff_to_json(p, m->today);
    json_object_set_new(j, "name", json_string(ck_web_person_name(m->r, p->forename, p->surname)));
    json_object_set_new(j, "status_text", json_string(status_text(json_string_value(json_object_get(j, "status")))));
    json_object_set_new(j, "capacity", permille_text(m, p->wmt.capacity_known, p->wmt.capacity_permille));
    json_object_set_new(j, "available_hours", json_string(ck_arena_printf(arena(m), "%.1f", p->wmt.available_hours)));
    json_object_set_new(j, "n_cases", json_integer((json_int_t)p->n_cases));
    json_object_set_new(j, "n_reports", json_integer((json_int_t)p->n_reports));
    return j;
}

void ck_web_workforce_team(ck_http_req *r)
{
    mctx m;
    ck_workforce *w = NULL;
    if (!open_page(r, &m)) return;
    const char *code = ck_http_param(r, "team");
    const ck_wf_team *team = NULL;
    if (!workforce_of(&m, &w)) return;
    for (size_t i = 0; i + 1 < w->n_teams && !team; i++)
        if (ck_streq(w->teams[i].code, code)) team = &w->teams[i];
    if (!team) {
        ck_workforce_free(w);
        not_found(&m);
        return;
    }
    json_t *people = json_array();
    size_t over = 0;
    for (size_t i = 0; i < w->n_staff; i++) {
        const ck_wf_staff *p = &w->staff[i];
        if (!ck_streq(p->team, code) || (!p->in_post && !p->n_cases)) continue;
        over += p->over;
        json_array_append_new(people, practitioner_json(&m, p));
    }
    const char *title = ck_arena_printf(arena(&m), "Capacity: %s", team->name ? team->name : team->code);
    json_t *page = page_of(&m, title, "workforce");
    json_object_set_new(page, "team", staffing_row(&m, team, false));
    json_object_set_new(page, "people", people);
    json_object_set_new(page, "over", json_integer((json_int_t)over));
    json_object_set_new(page, "as_of", long_date(&m, m.today));
    ck_workforce_free(w);
    ck_web_render(r, 200, "manage/team_capacity.html", page);
}

/* ---- Allocation ------------------------------------------------------------------ */

#define LEAVING_DATE "Date they left or their absence began"

static const char *const leave_kinds[] = {"left", "Left the service", "long_term_absence",
                                          "Began long-term absence", NULL, NULL};

/* The board's scope: the signed-in team, or ?scope=pdu the whole PDU. */
static const char *board_team(mctx *m)
{
    const char *scope = ck_http_query(m->r, "scope");
    if (!scope) scope = ck_http_form(m->r, "scope");
    return ck_streq(scope, "pdu") ? NULL : m->s.team;
}

static json_t *board_page(mctx *m, const ck_alloc_board *b, json_t *page)
{
    /* Limited-access cases the account may not see are not on its board. */
    char err[ERR_MAX];
    ck_rc rc;
    json_t *j = ck_alloc_board_json_for(m->db, m->s.p, b, CK_WEB_BOARD_CANDIDATES, &rc, err, sizeof err), *it, *c;
    size_t i, k;
    if (rc != CK_OK) ck_http_log("%s web: allocation board: %s", ck_http_request_id(m->r), err); /* shown empty */
    const char *scope = b->team ? "team" : "pdu";
    json_array_foreach(json_object_get(j, "items"), i, it)
    {
        ck_date due = date_in(it, "due");
        bool lost = ck_streq(json_string_value(json_object_get(it, "kind")), "lost");
        json_object_set_new(it, "due_text", long_date(m, due));
        json_object_set_new(it, "kind_text", json_string(lost ? "Lost" : "Unallocated"));
        json_object_set_new(it, "person", json_string(json_name(m, it)));
        json_object_set_new(it, "overdue", json_boolean(due < m->today));
        json_array_foreach(json_object_get(it, "candidates"), k, c)
        {
            json_object_set_new(c, "name", json_string(json_name(m, c)));
            json_object_set_new(c, "now", percent_text(m, json_real_value(json_object_get(c, "capacity_percent"))));
            json_object_set_new(c, "after", percent_text(m, json_real_value(json_object_get(c, "capacity_after_percent"))));
            json_object_set_new(c, "id", json_string(ck_arena_printf(arena(m), "allocate-%zu-%zu", i, k)));
        }
    }
    json_array_foreach(json_object_get(j, "gone"), i, c)
    {
        json_object_set_new(c, "name", json_string(json_name(m, c)));
        json_object_set_new(c, "status_text", json_string(status_text(json_string_value(json_object_get(c, "status")))));
    }
    json_object_set(page, "items", json_object_get(j, "items"));
    json_object_set(page, "gone", json_object_get(j, "gone"));
    json_object_set_new(page, "scope", json_string(scope));
    json_object_set_new(page, "team", json_string(m->s.team));
    json_decref(j);
    /* Who may be recorded as leaving: practitioners in post in the scope. */
    const char **opts = ck_arena_array(arena(m), 2 * b->wf->n_staff + 2, sizeof *opts);
    size_t n = 0;
    for (size_t s = 0; s < b->wf->n_staff; s++) {
        const ck_wf_staff *p = &b->wf->staff[s];
        if (!p->in_post || (b->team && !ck_streq(p->team, b->team))) continue;
        opts[n++] = p->code;
        opts[n++] = ck_arena_printf(arena(m), "%s %s (%s, %s)", p->forename ? p->forename : "",
                                    p->surname ? p->surname : "", p->code, p->grade ? p->grade : "no grade");
    }
    json_t *fields = json_array();
    json_array_append_new(fields, field(m, page, "select", "staff", "Practitioner", NULL, opts));
    json_array_append_new(fields, field(m, page, "radios", "kind", "What happened", NULL, leave_kinds));
    json_array_append_new(fields, field(m, page, "date", "date", LEAVING_DATE, "For example, 27 3 2025", NULL));
    json_object_set_new(page, "leaving_fields", fields);
    return page;
}

/* The board page, with `page` (errors of the leaving form, or a banner)
 * when given. */
static void show_board(mctx *m, json_t *page, unsigned status)
{
    ck_manage_cfg mc;
    if (!manage_cfg(m, &mc)) {
        json_decref(page);
        return;
    }
    char err[ERR_MAX];
    ck_alloc_board *b = NULL;
    ck_rc rc = ck_alloc_board_load(m->db, engine(m), &mc, m->pdu, board_team(m), m->today, &b, err, sizeof err);
    if (rc != CK_OK) {
        json_decref(page);
        store_failed(m, rc, err);
        return;
    }
    board_page(m, b, page);
    ck_alloc_board_free(b);
    title_error(m, page, "Allocations");
    ck_web_render(m->r, status, "manage/allocations.html", page);
}

/* A code from a form or the query: capital letters, digits and '_'. */
static bool code_ok(const char *s)
{
    return *s && strlen(s) <= CK_ORG_CODE_MAX && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(s);
}

void ck_web_allocations(ck_http_req *r)
{
    mctx m;
    if (!open_page(r, &m)) return;
    json_t *page = page_of(&m, "Allocations", "allocations");
    const char *crn = ck_http_query(r, "allocated"), *to = ck_http_query(r, "to"),
               *from = ck_http_query(r, "reallocated"), *moved = ck_http_query(r, "moved"),
               *left = ck_http_query(r, "recorded"), *cases = ck_http_query(r, "cases");
    const char *banner = NULL;
    if (crn && to && code_ok(crn) && code_ok(to))
        banner = ck_arena_printf(arena(&m), "Case %s allocated to %s.", crn, to);
    else if (from && moved && code_ok(from) && strspn(moved, "0123456789") == strlen(moved) && *moved)
        banner = ck_arena_printf(arena(&m), "All %s of %s's cases reallocated.", moved, from);
    else if (left && cases && code_ok(left) && strspn(cases, "0123456789") == strlen(cases) && *cases)
        banner = ck_arena_printf(arena(&m), "Recorded for %s. %s of their cases now need a practitioner.", left, cases);
    if (banner) json_object_set_new(page, "banner", json_string(banner));
    show_board(&m, page, 200);
}

static const char *back_to_board(mctx *m)
{
    return ck_streq(ck_http_form(m->r, "scope"), "pdu") ? "&scope=pdu" : "";
}

/* "Jo Bloggs (X123456)" for a case, its CRN alone when it names nobody. */
static const char *case_label(mctx *m, const char *crn, const char *forename, const char *surname)
{
    if (!forename && !surname) return crn;
    return ck_arena_printf(arena(m), "%s (%s)", ck_web_person_name(m->r, forename, surname), crn);
}

/* Where allocating crn to staff would leave them, from the case's ranking:
 * *choice NULL when staff is not among those who may take it (the store
 * then refuses and says why). */
static bool capacity_after(mctx *m, const ck_manage_cfg *mc, const char *crn, const char *staff, ck_workforce **wf,
                           ck_alloc_ranking *rk, const ck_alloc_choice **choice)
{
    char err[ERR_MAX];
    *choice = NULL;
    ck_rc rc = ck_alloc_rank_case(m->db, engine(m), mc, crn, m->today, wf, rk, err, sizeof err);
    if (rc != CK_OK) {
        store_failed(m, rc, err);
        return false;
    }
    *choice = ck_alloc_choice_of(*wf, rk, staff);
    return true;
}

/* Allocating over capacity: the warning, and the reason asked for before
 * it is done (recorded with the allocation's audit record). */
static void over_capacity_page(mctx *m, const char *crn, const ck_wf_staff *p, const ck_alloc_choice *ch,
                               const char *reason, bool missing)
{
    char err[ERR_MAX];
    const char *forename = NULL, *surname = NULL;
    ck_rc rc = ck_caseload_names(m->db, crn, arena(m), &forename, &surname, err, sizeof err);
    if (rc != CK_OK) {
        store_failed(m, rc, err);
        return;
    }
    json_t *page = page_of(m, "Allocate over capacity", "allocations");
    json_object_set_new(page, "case", json_pack("{s:s, s:s}", "crn", crn, "label", case_label(m, crn, forename, surname)));
    json_object_set_new(page, "who", json_pack("{s:s, s:s, s:o, s:o}", "code", p->code, "name",
                                              ck_web_person_name(m->r, p->forename, p->surname), "now",
                                              permille_text(m, ch->capacity_permille >= 0, ch->capacity_permille),
                                              "after", permille_text(m, true, ch->capacity_after_permille)));
    json_object_set_new(page, "scope", json_string(ck_streq(ck_http_form(m->r, "scope"), "pdu") ? "pdu" : "team"));
    json_object_set_new(json_object_get(page, "values"), "reason", json_string(reason ? reason : ""));
    if (missing) ck_web_form_error(page, "reason", "Enter why the case goes to someone over capacity");
    json_t *fields = json_array();
    json_array_append_new(fields, field(m, page, "textarea", "reason", "Why allocate to them anyway",
                                        "For example: the only practitioner trained for this case; reduced caseload "
                                        "from next month. This is kept with the allocation.", NULL));
    json_object_set_new(page, "fields", fields);
    title_error(m, page, "Allocate over capacity");
    ck_web_render(m->r, missing ? 400 : 200, "manage/allocate_over.html", page);
}

void ck_web_allocate_one(ck_http_req *r)
{
    mctx m;
    ck_manage_cfg mc;
    if (!open_page(r, &m) || !manage_cfg(&m, &mc)) return;
    const char *crn = ck_web_field(r, "crn"), *staff = ck_web_field(r, "staff");
    if (!code_ok(crn) || !code_ok(staff)) {
        ck_web_error_page(r, &m.s, 400, "This cannot be done", "Choose the case and the practitioner from the list.");
        return;
    }
    /* Above 100% with the case: shown first, and done only with a reason
     * (services/ck_workforce's rule, which the allocation itself enforces). */
    const char *reason = ck_web_field(r, "reason");
    bool has_reason = ck_alloc_reason_given(reason);
    ck_workforce *wf = NULL;
    ck_alloc_ranking rk = {0};
    const ck_alloc_choice *ch = NULL;
    if (!capacity_after(&m, &mc, crn, staff, &wf, &rk, &ch)) return;
    bool over = ck_alloc_needs_reason(ch);
    if (over && !has_reason)
        over_capacity_page(&m, crn, &wf->staff[ch->candidate], ch, reason, ck_streq(ck_web_field(r, "confirm"), "over"));
    ck_alloc_ranking_free(&rk);
    ck_workforce_free(wf);
    if (over && !has_reason) return;
    char err[ERR_MAX];
    ck_rc rc = ck_access_allocate(m.db, m.s.p, engine(&m), &mc, crn, staff, reason, m.today, err,
                                  sizeof err);
    if (rc != CK_OK) {
        store_failed(&m, rc, err);
        return;
    }
    ck_web_redirect(r, ck_arena_printf(arena(&m), "/allocations?allocated=%s&to=%s%s", crn, staff, back_to_board(&m)));
}

/* A leaver's moves for manage/reallocate.html: each case, who takes it and
 * their capacity after it. */
static json_t *moves_json(mctx *m, const ck_alloc_moves *mv)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < mv->n; i++) {
        const ck_alloc_move_info *in = &mv->info[i];
        json_array_append_new(
            rows, json_pack("{s:s, s:s, s:s, s:s, s:o, s:b}", "crn", mv->crn[i], "case",
                            case_label(m, mv->crn[i], in->forename, in->surname), "to",
                            in->staff_forename || in->staff_surname
                                ? ck_web_person_name(m->r, in->staff_forename, in->staff_surname)
                                : mv->staff[i],
                            "staff_code", mv->staff[i], "after",
                            permille_text(m, in->capacity_after_permille >= 0, in->capacity_after_permille), "over",
                            in->capacity_after_permille > CK_STAFFING_OVER_PERMILLE));
    }
    return rows;
}

/* Reallocating a leaver's cases: without confirm, the plan to check (case,
 * to whom, capacity after); with it, done in one step and each case listed
 * with its new practitioner. */
void ck_web_reallocate(ck_http_req *r)
{
    mctx m;
    ck_manage_cfg mc;
    if (!open_page(r, &m) || !manage_cfg(&m, &mc)) return;
    const char *from = ck_web_field(r, "from");
    if (!code_ok(from)) {
        ck_web_error_page(r, &m.s, 400, "This cannot be done", "Choose the practitioner from the list.");
        return;
    }
    bool confirmed = ck_streq(ck_web_field(r, "confirm"), "yes");
    char err[ERR_MAX];
    ck_alloc_moves *moves = NULL;
    ck_rc rc = confirmed ? ck_access_reallocate(m.db, m.s.p, engine(&m), &mc, from, NULL, m.today, &moves, err, sizeof err)
                         : ck_access_reallocate_preview(m.db, m.s.p, engine(&m), &mc, from, m.today, &moves, err,
                                                        sizeof err);
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record who;
    if (rc == CK_OK) rc = ck_org_get(m.db, CK_ORG_STAFF, from, &a, &who, err, sizeof err);
    if (rc != CK_OK) {
        ck_arena_free(&a);
        ck_alloc_moves_free(moves);
        store_failed(&m, rc, err);
        return;
    }
    json_t *page = page_of(&m, confirmed ? "Cases reallocated" : "Check the reallocation", "allocations");
    json_object_set_new(page, "from", json_pack("{s:s, s:s}", "code", from, "name",
                                                ck_web_person_name(r, who.forename, who.surname)));
    json_object_set_new(page, "moves", moves_json(&m, moves));
    json_object_set_new(page, "done", json_boolean(confirmed));
    json_object_set_new(page, "scope", json_string(ck_streq(ck_http_form(r, "scope"), "pdu") ? "pdu" : "team"));
    ck_arena_free(&a);
    ck_alloc_moves_free(moves);
    ck_web_render(r, 200, "manage/reallocate.html", page);
}

void ck_web_record_leaving(ck_http_req *r)
{
    mctx m;
    if (!open_page(r, &m)) return;
    json_t *page = page_of(&m, "Allocations", "allocations");
    static const char *const names[] = {"staff", "kind", NULL};
    ck_web_keep_values(r, page, names);
    const char *staff = ck_web_field(r, "staff"), *kind = ck_web_field(r, "kind");
    ck_date on;
    if (!code_ok(staff)) ck_web_form_error(page, "staff", "Select the practitioner");
    if (!ck_streq(kind, "left") && !ck_streq(kind, "long_term_absence"))
        ck_web_form_error(page, "kind", "Select whether they left or began long-term absence");
    if (ck_web_date_field(r, page, "date", LEAVING_DATE, true, &on) && on > m.today)
        ck_web_form_error(page, "date", "%s must be today or in the past", LEAVING_DATE);
    size_t n = 0;
    char err[ERR_MAX];
    if (!ck_web_form_has_errors(page)) {
        ck_rc rc = ck_access_staff_leaves(m.db, m.s.p, engine(&m), staff, on, ck_streq(kind, "long_term_absence"),
                                          m.today, &n, err, sizeof err);
        if (rc == CK_ERR_NOTFOUND || rc == CK_ERR_INVALID) {
            ck_web_form_error(page, "staff", "Select the practitioner");
        } else if (rc != CK_OK) {
            json_decref(page);
            store_failed(&m, rc, err);
            return;
        }
    }
    if (ck_web_form_has_errors(page)) {
        show_board(&m, page, 400);
        return;
    }
    json_decref(page);
    ck_web_redirect(r, ck_arena_printf(arena(&m), "/allocations?recorded=%s&cases=%zu%s", staff, n, back_to_board(&m)));
}

/* ---- Quality-assurance case audit ------------------------------------------------ */

/* The sample of the route, in the signed-in PDU, as its report; false after
 * answering (404 for a sample of another PDU too). */
static bool sample_of(mctx *m, int64_t *id, json_t **report)
{
    const char *s = ck_http_param(m->r, "id");
    *report = NULL;
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 15) {
        not_found(m);
        return false;
    }
    *id = strtoll(s, NULL, 10);
    char err[ERR_MAX];
    ck_qa_sample_report *qr = NULL;
    ck_rc rc = ck_qa_report(m->db, *id, m->today, &qr, err, sizeof err);
    if (rc == CK_OK && !m->pdu) {
        /* No PDU chosen (a reader with none of its own): the sample's, when
         * the qa scope reaches it. */
        ck_org_record pdu;
        rc = ck_org_get(m->db, CK_ORG_PDU, qr->pdu, arena(m), &pdu, err, sizeof err);
        ck_place place = {0};
        if (rc == CK_OK) {
            snprintf(place.pdu, sizeof place.pdu, "%s", pdu.code);
            snprintf(place.region, sizeof place.region, "%s", pdu.region ? pdu.region : "");
            if (!ck_scope_covers(m->s.p, ck_principal_scope(m->s.p, CK_PERM_QA), &place)) rc = CK_ERR_NOTFOUND;
        }
        if (rc == CK_OK) {
            m->pdu = pdu.code;
            m->pdu_name = pdu.name ? pdu.name : pdu.code;
            m->pdu_query = ck_arena_printf(arena(m), "pdu=%s", pdu.code);
        }
    }
    if (rc == CK_OK && !ck_streq(qr->pdu, m->pdu)) rc = CK_ERR_NOTFOUND;
    if (rc != CK_OK) {
        ck_qa_report_free(qr);
        store_failed(m, rc, err);
        return false;
    }
    *report = ck_qa_report_to_json(qr);
    ck_qa_report_free(qr);
    return true;
}

static const char *judgement_text(const json_t *v)
{
    return json_is_true(v) ? "Sufficient" : json_is_false(v) ? "Not sufficient" : "Nothing due";
}

static json_t *sample_summary(mctx *m, const json_t *rep)
{
    return json_pack("{s:O, s:O, s:o, s:o, s:O}", "id", json_object_get(rep, "sample_id"), "seed",
                     json_object_get(rep, "seed"), "from", long_date(m, date_in(rep, "from")), "to",
                     long_date(m, date_in(rep, "to")), "disagreements", json_object_get(rep, "disagreements"));
}

static void qa_index(mctx *m, json_t *page, unsigned status)
{
    char err[ERR_MAX];
    ck_qa_sample_list *l = NULL;
    ck_rc rc = ck_qa_samples(m->db, m->pdu, &l, err, sizeof err);
    if (rc != CK_OK) {
        json_decref(page);
        store_failed(m, rc, err);
        return;
    }
    json_t *list = ck_qa_samples_json(l);
    ck_qa_sample_list_free(l);
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s)
    {
        json_object_set_new(s, "drawn_text", long_date(m, date_in(s, "drawn_on")));
        json_object_set_new(s, "period_text",
                            json_string(ck_arena_printf(arena(m), "%s to %s", ck_web_date_long(m->r, date_in(s, "from")),
                                                        ck_web_date_long(m->r, date_in(s, "to")))));
    }
    json_object_set_new(page, "samples", list);
    json_t *fields = json_array();
    json_array_append_new(fields, field(m, page, "text", "per_team", "Cases from each team", NULL, NULL));
    json_array_append_new(fields, field(m, page, "date", "from", "First day of the period", "For example, 1 4 2025", NULL));
    json_array_append_new(fields, field(m, page, "date", "to", "Last day of the period", "For example, 30 6 2025", NULL));
    json_object_set_new(page, "fields", fields);
    title_error(m, page, "Case audit");
    ck_web_render(m->r, status, "manage/qa.html", page);
}

void ck_web_qa(ck_http_req *r)
{
    mctx m;
    if (!open_page(r, &m)) return;
    json_t *page = page_of(&m, "Case audit", "qa");
    ck_inspect_period p = ck_inspect_default_period(m.today);
    json_object_set_new(json_object_get(page, "values"), "per_team", json_sprintf("%d", CK_WEB_QA_PER_TEAM));
    ck_web_date_values(r, page, "from", p.from);
    ck_web_date_values(r, page, "to", p.to);
    qa_index(&m, page, 200);
}

void ck_web_qa_draw(ck_http_req *r)
{
    mctx m;
    if (!open_page(r, &m)) return;
    json_t *page = page_of(&m, "Case audit", "qa");
    static const char *const names[] = {"per_team", NULL};
    ck_web_keep_values(r, page, names);
    const char *per = ck_web_field(r, "per_team");
    int per_team = 0;
    if (!*per || strlen(per) > 4 || strspn(per, "0123456789") != strlen(per) || (per_team = atoi(per)) < 1 ||
        per_team > 1000)
        ck_web_form_error(page, "per_team", "Cases from each team must be a whole number from 1 to 1000");
    ck_date from, to;
    bool dates = ck_web_date_field(r, page, "from", "First day of the period", true, &from);
    dates = ck_web_date_field(r, page, "to", "Last day of the period", true, &to) && dates;
    if (dates && from > to) ck_web_form_error(page, "to", "Last day of the period must be on or after the first day");
    if (dates && to >= m.today) ck_web_form_error(page, "to", "Last day of the period must be in the past");
    if (ck_web_form_has_errors(page)) {
        qa_index(&m, page, 400);
        return;
    }
    char err[ERR_MAX];
    int64_t id = 0;
    /* A fresh seed each draw, kept with the sample so it can be drawn again. */
    ck_rc rc = ck_access_qa_draw(m.db, m.s.p, m.pdu, per_team, randombytes_uniform(INT32_MAX), from, to, who_did(&m),
                                 m.today, &id, err, sizeof err);
    json_decref(page);
    if (rc != CK_OK) {
        store_failed(&m, rc, err);
        return;
    }
    ck_web_redirect(r, ck_arena_printf(arena(&m), "/qa/%lld", (long long)id));
}

void ck_web_qa_sample(ck_http_req *r)
{
    mctx m;
    int64_t id;
    json_t *rep;
    if (!open_page(r, &m) || !sample_of(&m, &id, &rep)) return;
    json_t *cases = json_array(), *c;
    size_t i;
    json_array_foreach(json_object_get(rep, "cases"), i, c)
    {
        json_t *answers = json_object_get(c, "answers"), *computed = json_object_get(c, "computed");
        json_t *qs = json_array();
        for (int s = CK_STD_ASSESSMENT; s < CK_STANDARDS; s++) {
            const char *key = ck_standard_key((ck_standard)s);
            json_t *a = NULL, *x;
            size_t k;
            json_array_foreach(answers, k, x) if (ck_streq(json_string_value(json_object_get(x, "question")), key)) a = x;
            json_array_append_new(qs, json_pack("{s:s, s:s, s:s, s:b}", "title", ck_standard_title((ck_standard)s),
                                                "computed", judgement_text(json_object_get(computed, key)), "auditor",
                                                a ? judgement_text(json_object_get(a, "auditor")) : "Not answered",
                                                "disagree", a && json_is_false(json_object_get(a, "agree"))));
        }
        const char *crn = json_string_value(json_object_get(c, "crn"));
        json_array_append_new(cases, json_pack("{s:s, s:O, s:o, s:s}", "crn", crn, "team", json_object_get(c, "team"),
                                               "questions", qs, "href",
                                               ck_arena_printf(arena(&m), "/qa/%lld/cases/%s", (long long)id, crn)));
    }
    const char *title = ck_arena_printf(arena(&m), "Sample %lld", (long long)id);
    json_t *page = page_of(&m, title, "qa");
    json_object_set_new(page, "sample", sample_summary(&m, rep));
    json_object_set_new(page, "cases", cases);
    const char *saved = ck_http_query(r, "saved");
    if (saved && code_ok(saved)) json_object_set_new(page, "saved", json_string(saved));
    json_decref(rep);
    ck_web_render(r, 200, "manage/qa_sample.html", page);
}

static const char *const answer_options[] = {"yes", "Sufficient", "no", "Not sufficient", NULL, NULL};

/* The page, the sample and its case of the route (*c points into *rep, the
 * caller's); false after answering (404 for a case not in the sample). */
static bool open_sampled_case(ck_http_req *r, mctx *m, int64_t *id, json_t **rep, json_t **c)
{
    if (!open_page(r, m) || !sample_of(m, id, rep)) return false;
    const char *crn = ck_http_param(r, "crn");
    size_t i;
    json_array_foreach(json_object_get(*rep, "cases"), i, *c) if (ck_streq(json_string_value(json_object_get(*c, "crn")), crn))
        return true;
    json_decref(*rep);
    not_found(m);
    return false;
}

/* A standard as a question names it: "victims", "implementation and delivery". */
static const char *standard_words(ck_standard s)
{
    static const char *const words[CK_STANDARDS] = {
        [CK_STD_ASSESSMENT] = "assessment",   [CK_STD_PLANNING] = "planning",
        [CK_STD_IMPLEMENTATION] = "implementation and delivery", [CK_STD_REVIEWING] = "reviewing",
        [CK_STD_VICTIMS] = "victims",
    };
    return (unsigned)s < CK_STANDARDS && words[s] ? words[s] : ck_standard_title(s);
}

static void qa_case_form(mctx *m, int64_t id, const json_t *c, json_t *page, unsigned status)
{
    const char *crn = json_string_value(json_object_get(c, "crn"));
    const char *title = ck_arena_printf(arena(m), "Audit case %s", crn);
    json_object_set_new(page, "title", json_string(title));
    title_error(m, page, title);
    json_object_set_new(page, "crn", json_string(crn));
    json_object_set_new(page, "sample", json_integer(id));
    json_object_set_new(page, "action", json_string(ck_http_path(m->r)));
    json_t *groups = json_array();
    for (int s = CK_STD_ASSESSMENT; s < CK_STANDARDS; s++) {
        const char *key = ck_standard_key((ck_standard)s);
        const char *label = ck_arena_printf(arena(m), "Was the work on %s sufficient?", standard_words((ck_standard)s));
        const char *note = ck_arena_printf(arena(m), "%s-note", key);
        json_array_append_new(groups, json_pack("[o, o]",
                                                field(m, page, "radios", key, label, "Leave unanswered if you did not look",
                                                      answer_options),
                                                field(m, page, "text", note, "Note (optional)", NULL, NULL)));
    }
    json_object_set_new(page, "groups", groups);
    ck_web_render(m->r, status, "manage/qa_case.html", page);
}

void ck_web_qa_case_form(ck_http_req *r)
{
    mctx m;
    int64_t id;
    json_t *rep, *c;
    if (!open_sampled_case(r, &m, &id, &rep, &c)) return;
    json_t *page = page_of(&m, "", "qa");
    json_t *values = json_object_get(page, "values"), *a;
    size_t k;
    json_array_foreach(json_object_get(c, "answers"), k, a)
    {
        const char *q = json_string_value(json_object_get(a, "question"));
        json_object_set_new(values, q, json_string(json_is_true(json_object_get(a, "auditor")) ? "yes" : "no"));
        const char *note = json_string_value(json_object_get(a, "note"));
        if (note) json_object_set_new(values, ck_arena_printf(arena(&m), "%s-note", q), json_string(note));
    }
    qa_case_form(&m, id, c, page, 200);
    json_decref(rep);
}

#define NOTE_MAX 2000

void ck_web_qa_case_post(ck_http_req *r)
{
    mctx m;
    int64_t id;
    json_t *rep, *c;
    if (!open_sampled_case(r, &m, &id, &rep, &c)) return;
    json_t *page = page_of(&m, "", "qa");
    json_t *values = json_object_get(page, "values");
    bool any = false;
    for (int s = CK_STD_ASSESSMENT; s < CK_STANDARDS; s++) {
        const char *key = ck_standard_key((ck_standard)s), *note = ck_arena_printf(arena(&m), "%s-note", key);
        const char *v = ck_web_field(r, key), *n = ck_web_field(r, note);
        json_object_set_new(values, key, json_string(v));
        json_object_set_new(values, note, json_string(n));
        const char *words = standard_words((ck_standard)s);
        if (*v && !ck_streq(v, "yes") && !ck_streq(v, "no"))
            ck_web_form_error(page, key, "Select whether the work on %s was sufficient", words);
        if (strlen(n) > NOTE_MAX)
            ck_web_form_error(page, note, "Note on %s must be %d characters or fewer", words, NOTE_MAX);
        if (*n && !*v) ck_web_form_error(page, key, "Select whether the work on %s was sufficient, or delete the note", words);
        any = any || *v;
    }
    if (!any) ck_web_form_error(page, "assessment", "Select sufficient or not sufficient for at least one standard");
    const char *crn = json_string_value(json_object_get(c, "crn"));
    char err[ERR_MAX];
    ck_rc rc = CK_OK;
    for (int s = CK_STD_ASSESSMENT; s < CK_STANDARDS && rc == CK_OK && !ck_web_form_has_errors(page); s++) {
        const char *key = ck_standard_key((ck_standard)s);
        const char *v = ck_web_field(r, key), *n = ck_web_field(r, ck_arena_printf(arena(&m), "%s-note", key));
        if (!*v) continue;
        rc = ck_access_qa_answer(m.db, m.s.p, id, crn, (ck_standard)s, ck_streq(v, "yes"), *n ? n : NULL, who_did(&m),
                                 m.today, err, sizeof err);
    }
    if (ck_web_form_has_errors(page)) {
        qa_case_form(&m, id, c, page, 400);
        json_decref(rep);
        return;
    }
    const char *loc = ck_arena_printf(arena(&m), "/qa/%lld?saved=%s", (long long)id, crn);
    json_decref(rep);
    json_decref(page);
    if (rc != CK_OK) {
        store_failed(&m, rc, err);
        return;
    }
    ck_web_redirect(r, loc);
}

void ck_web_qa_disagreements(ck_http_req *r)
{
    mctx m;
    int64_t id;
    json_t *rep;
    if (!open_page(r, &m) || !sample_of(&m, &id, &rep)) return;
    json_t *items = ck_qa_disagreements(rep), *d;
    size_t i;
    json_array_foreach(items, i, d)
    {
        ck_standard s;
        if (ck_standard_parse(json_string_value(json_object_get(d, "question")), &s))
            json_object_set_new(d, "question_text", json_string(ck_standard_title(s)));
        json_object_set_new(d, "auditor_text", json_string(judgement_text(json_object_get(d, "auditor"))));
        json_object_set_new(d, "computed_text", json_string(judgement_text(json_object_get(d, "computed"))));
    }
    const char *title = ck_arena_printf(arena(&m), "Sample %lld: disagreements", (long long)id);
    json_t *page = page_of(&m, title, "qa");
    json_object_set_new(page, "sample", sample_summary(&m, rep));
    json_object_set_new(page, "items", items);
    json_decref(rep);
    ck_web_render(r, 200, "manage/qa_disagreements.html", page);
}
