/* ck_web_mgmt: the pages over many cases: team (SPO), court, victim liaison
 * (VLO) and the PDU dashboard. Each scans the cases in scope once, then reads
 * their stored obligations, and counts. */
#include "ck_web.h"
#include <stdio.h>
#include <string.h>

#define RELEASE_AHEAD_DAYS 56 /* victim liaison: releases in the next 8 weeks */
#define CHART_BAR_MAX 400     /* px: the longest bar of a chart */

/* What a page keeps of each case in scope (the case itself is gone once the
 * scan's callback returns). */
typedef struct row {
    char crn[17];
    const char *name, *staff, *team;
    json_t *reports;  /* court: outstanding reports */
    json_t *releases; /* victims: opted-in victims' release dates (no details) */
    ck_result *res;
} row;

typedef struct scan {
    ck_http_req *r;
    const char *team; /* NULL: every case */
    ck_date today;
    row *rows;
    size_t n, cap;
} scan;

static bool scan_case(void *ctx, const ck_case *c)
{
    scan *sc = ctx;
    if (sc->team && !ck_streq(c->team, sc->team)) return true;
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 64;
        sc->rows = ck_realloc(sc->rows, sc->cap * sizeof *sc->rows);
    }
    ck_arena *a = ck_http_arena(sc->r);
    row *rw = &sc->rows[sc->n++];
    memset(rw, 0, sizeof *rw);
    snprintf(rw->crn, sizeof rw->crn, "%s", c->crn);
    rw->name = ck_arena_printf(a, "%s %s", c->person.forename ? c->person.forename : "",
                               c->person.surname ? c->person.surname : "");
    const ck_allocation *al = ck_web_current_allocation(c, sc->today);
    rw->staff = al ? ck_arena_strdup(a, al->staff_code) : NULL;
    rw->team = ck_arena_strdup(a, c->team ? c->team : "");
    rw->reports = json_array();
    rw->releases = json_array();
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        for (size_t k = 0; k < e->n_reports; k++)
            if (e->reports[k].completed == CK_NODATE)
                json_array_append_new(rw->reports, json_pack("{s:s, s:s, s:s}", "id", e->reports[k].id, "type",
                                                             e->reports[k].type, "requested",
                                                             ck_web_date_long(sc->r, e->reports[k].requested)));
        if (!e->has_sentence || e->sentence.release_date == CK_NODATE || e->sentence.release_date < sc->today ||
            e->sentence.release_date > sc->today + RELEASE_AHEAD_DAYS)
            continue;
        for (size_t v = 0; v < c->n_victims; v++)
            if (ck_streq(c->victims[v].event, e->id) && ck_streq(c->victims[v].opted, "in"))
                json_array_append_new(rw->releases, json_pack("{s:s, s:s, s:b}", "release",
                                                              ck_web_date_long(sc->r, e->sentence.release_date),
                                                              "victim", c->victims[v].id, "notified",
                                                              c->victims[v].release_notified != CK_NODATE));
    }
    return true;
}

static void scan_free(scan *sc)
{
    for (size_t i = 0; i < sc->n; i++) {
        json_decref(sc->rows[i].reports);
        json_decref(sc->rows[i].releases);
        ck_result_free(sc->rows[i].res);
    }
    ck_free(sc->rows);
}

/* Scans, then loads each case's obligations. False when it has answered. */
static bool run_scan(ck_http_req *r, const ck_session *s, const char *team, scan *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->r = r;
    sc->team = team;
    sc->today = ck_app_today(&ck_web_of(r)->app);
    ck_db *db = ck_web_db(r, s);
    if (!db) return false;
    char err[512];
    ck_rc rc = ck_cases_each(db, scan_case, sc, err, sizeof err);
    for (size_t i = 0; rc == CK_OK && i < sc->n; i++)
        rc = ck_cases_obligations(db, sc->rows[i].crn, sc->today, &sc->rows[i].res, err, sizeof err);
    if (rc != CK_OK) {
        scan_free(sc);
        ck_http_log("%s web: scanning cases: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return false;
    }
    return true;
}

static bool rule_is(const ck_obligation *o, const char *prefix) { return strncmp(o->rule, prefix, strlen(prefix)) == 0; }
static bool pending(const ck_obligation *o) { return o->status == CK_ST_OVERDUE || o->status == CK_ST_OPEN; }

static json_t *with_case(ck_http_req *r, const row *rw, const ck_obligation *o)
{
    json_t *j = ck_web_obligation(r, rw->crn, o);
    json_object_set_new(j, "crn", json_string(rw->crn));
    json_object_set_new(j, "person", json_string(rw->name));
    return j;
}

/* ---- Team --------------------------------------------------------------- */

void ck_web_team(ck_http_req *r)
{
    ck_session s;
    scan sc;
    if (!ck_web_guard(r, &s) || !run_scan(r, &s, s.team, &sc)) return;
    json_t *staff = json_object(), *unallocated = json_array();
    size_t overdue_total = 0;
    for (size_t i = 0; i < sc.n; i++) {
        const row *rw = &sc.rows[i];
        int overdue = 0;
        for (size_t k = 0; k < rw->res->n_obligations; k++) overdue += rw->res->obligations[k].status == CK_ST_OVERDUE;
        overdue_total += (size_t)overdue;
        if (!rw->staff) {
            json_array_append_new(unallocated, json_pack("{s:s, s:s, s:i}", "crn", rw->crn, "name", rw->name, "overdue", overdue));
            continue;
        }
        json_t *p = json_object_get(staff, rw->staff);
        if (!p) {
            p = json_pack("{s:s, s:i, s:i}", "staff", rw->staff, "cases", 0, "overdue", 0);
            json_object_set_new(staff, rw->staff, p);
        }
        json_object_set_new(p, "cases", json_integer(json_integer_value(json_object_get(p, "cases")) + 1));
        json_object_set_new(p, "overdue", json_integer(json_integer_value(json_object_get(p, "overdue")) + overdue));
    }
    json_t *people = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(staff, key, v) json_array_append(people, v);
    json_decref(staff);
    json_t *page = ck_web_page(r, &s, "Team", "team");
    json_object_set_new(page, "people", people);
    json_object_set_new(page, "unallocated", unallocated);
    json_object_set_new(page, "cases", json_integer((json_int_t)sc.n));
    json_object_set_new(page, "overdue", json_integer((json_int_t)overdue_total));
    json_object_set_new(page, "team", json_string(s.team));
    scan_free(&sc);
    ck_web_render(r, 200, "team.html", page);
}

/* ---- Court -------------------------------------------------------------- */

void ck_web_court(ck_http_req *r)
{
    ck_session s;
    scan sc;
    if (!ck_web_guard(r, &s) || !run_scan(r, &s, s.team, &sc)) return;
    json_t *reports = json_array(), *checks = json_array();
    for (size_t i = 0; i < sc.n; i++) {
        const row *rw = &sc.rows[i];
        for (size_t k = 0; k < rw->res->n_obligations; k++) {
            const ck_obligation *o = &rw->res->obligations[k];
            if (!pending(o)) continue;
            if (rule_is(o, "REPORT_DUE")) json_array_append_new(reports, with_case(r, rw, o));
            else if ((rule_is(o, "DA_CHECK") || rule_is(o, "CHILD_CHECK")) && strncmp(o->subject, "report:", 7) == 0)
                json_array_append_new(checks, with_case(r, rw, o));
        }
    }
    scan_free(&sc);
    json_t *page = ck_web_page(r, &s, "Court work", "court");
    json_object_set_new(page, "reports", reports);
    json_object_set_new(page, "checks", checks);
    ck_web_render(r, 200, "court.html", page);
}

/* ---- Victim liaison ----------------------------------------------------- */

void ck_web_victims(ck_http_req *r)
{
    ck_session s;
    scan sc;
    if (!ck_web_guard(r, &s) || !run_scan(r, &s, NULL, &sc)) return;
    json_t *referrals = json_array(), *contact = json_array(), *releases = json_array(), *other = json_array();
    for (size_t i = 0; i < sc.n; i++) {
        const row *rw = &sc.rows[i];
        for (size_t k = 0; k < rw->res->n_obligations; k++) {
            const ck_obligation *o = &rw->res->obligations[k];
            if (!pending(o) || !rule_is(o, "VCS_")) continue;
            json_t *target = strcmp(o->rule, "VCS_REFERRAL") == 0        ? referrals
                             : strcmp(o->rule, "VCS_FIRST_CONTACT") == 0 ? contact
                                                                         : other;
            json_array_append_new(target, with_case(r, rw, o));
        }
        size_t k;
        json_t *rel;
        json_array_foreach(rw->releases, k, rel)
        {
            json_t *j = json_deep_copy(rel);
            json_object_set_new(j, "crn", json_string(rw->crn));
            json_object_set_new(j, "person", json_string(rw->name));
            json_array_append_new(releases, j);
        }
    }
    scan_free(&sc);
    json_t *page = ck_web_page(r, &s, "Victim liaison", "victims");
    json_object_set_new(page, "referrals", referrals);
    json_object_set_new(page, "to_contact", contact);
    json_object_set_new(page, "releases", releases);
    json_object_set_new(page, "other", other);
    ck_web_render(r, 200, "victims.html", page);
}

/* ---- PDU dashboard ------------------------------------------------------ */


static void count(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

/* A horizontal bar chart as numbers for an SVG drawn by the template: each
 * bar's width is scaled to the largest. */
static json_t *bars(json_t *counts)
{
    json_int_t max = 1;
    const char *key;
    json_t *v;
    json_object_foreach(counts, key, v) if (json_integer_value(v) > max) max = json_integer_value(v);
    json_t *a = json_array();
    size_t i = 0;
    json_object_foreach(counts, key, v)
    {
        json_int_t n = json_integer_value(v);
        json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "key", key, "label", ck_web_rule_name(key),
                                           "count", n, "width", n * CHART_BAR_MAX / max, "y", (json_int_t)i * 30,
                                           "text_y", (json_int_t)i * 30 + 15));
        i++;
    }
    return a;
}

static json_t *rate(const char *label, int on_time, int late, int overdue)
{
    int done = on_time + late, all = done + overdue;
    return json_pack("{s:s, s:i, s:i, s:i, s:i, s:i}", "label", label, "on_time", on_time, "late", late, "overdue",
                     overdue, "total", all, "percent", all ? on_time * 100 / all : 0);
}

void ck_web_pdu(ck_http_req *r)
{
    ck_session s;
    scan sc;
    if (!ck_web_guard(r, &s) || !run_scan(r, &s, NULL, &sc)) return;
    json_t *by_rule = json_object(), *by_team = json_object();
    int vcs[3] = {0}, da[3] = {0}, child[3] = {0};
    for (size_t i = 0; i < sc.n; i++) {
        const row *rw = &sc.rows[i];
        for (size_t k = 0; k < rw->res->n_obligations; k++) {
            const ck_obligation *o = &rw->res->obligations[k];
            int bucket = o->status == CK_ST_MET ? 0 : o->status == CK_ST_MET_LATE ? 1 : o->status == CK_ST_OVERDUE ? 2 : -1;
            if (o->status == CK_ST_OVERDUE) {
                count(by_rule, o->rule);
                count(by_team, rw->team[0] ? rw->team : "No team");
            }
            if (bucket < 0) continue;
            if (rule_is(o, "VCS_")) vcs[bucket]++;
            else if (strcmp(o->rule, "DA_CHECK") == 0) da[bucket]++;
            else if (strcmp(o->rule, "CHILD_CHECK") == 0) child[bucket]++;
        }
    }
    size_t ncases = sc.n;
    scan_free(&sc);
    json_t *page = ck_web_page(r, &s, "PDU dashboard", "pdu");
    json_t *rule_bars = bars(by_rule), *team_bars = bars(by_team);
    json_object_set_new(page, "chart_height", json_integer((json_int_t)json_array_size(rule_bars) * 30));
    json_object_set_new(page, "team_chart_height", json_integer((json_int_t)json_array_size(team_bars) * 30));
    json_object_set_new(page, "by_rule", rule_bars);
    json_object_set_new(page, "by_team", team_bars);
    json_decref(by_rule);
    json_decref(by_team);
    json_object_set_new(page, "rates", json_pack("[o, o, o]", rate("Victim contact scheme", vcs[0], vcs[1], vcs[2]),
                                                 rate("Police domestic abuse checks", da[0], da[1], da[2]),
                                                 rate("Children's services checks", child[0], child[1], child[2])));
    json_object_set_new(page, "cases", json_integer((json_int_t)ncases));
    ck_web_render(r, 200, "pdu.html", page);
}
