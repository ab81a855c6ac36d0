/* ck_web_mgmt: the pages over many cases: team (SPO), court, victim liaison
 * (VLO) and the PDU dashboard. Each asks store/ck_caseload for exactly what it
 * shows, a page at a time, so its cost follows the page and not the number of
 * cases held. */
#include "ck_court.h"
#include "ck_facts.h"
#include "ck_org.h"
#include "ck_web.h"
#include <stdlib.h>
#include "ck_workforce.h"
#include "ck_staffing.h"
#include "ck_inspection.h"
#include "ck_web_names.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define RELEASE_AHEAD_DAYS 56 /* victim liaison: releases in the next 8 weeks */
#define CHART_BAR_MAX 400     /* px: the longest bar of a chart */
#define LIST_MAX 100          /* rows of one list on a page; the total is shown beside it */
#define UNALLOCATED_PAGE 50

static void server_error(ck_http_req *r, const ck_session *s, const char *what, const char *err)
{
    ck_http_log("%s web: %s: %s", ck_http_request_id(r), what, err);
    ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
}

/* The PDU of the signed-in account, or an error page answered (false). */
static bool session_pdu(ck_http_req *r, const ck_session *s, char *pdu, size_t pdu_len)
{
    if (s->pdu[0] && pdu && (size_t)snprintf(pdu, pdu_len, "%s", s->pdu) < pdu_len) return true;
    ck_web_error_page(r, s, 404, "Your account has no probation delivery unit",
                      "This page shows your probation delivery unit, found from your staff record's team. Ask an "
                      "administrator to link your account to your staff record.");
    return false;
}

/* The start of a page about the reader's own PDU: signed in, the store open
 * and the PDU known. False when it has answered. */
static bool pdu_begin(ck_http_req *r, ck_session *s, ck_db **db, char pdu[CK_ORG_CODE_MAX + 1])
{
    if (!ck_web_guard(r, s)) return false;
    *db = ck_web_db(r, s);
    return *db && session_pdu(r, s, pdu, CK_ORG_CODE_MAX + 1);
}

/* Obligations with the person they are about. */
static json_t *worklist_json(ck_http_req *r, const ck_worklist *wl)
{
    json_t *a = json_array();
    for (size_t i = 0; i < wl->n; i++) {
        const ck_worklist_item *it = &wl->items[i];
        json_t *j = ck_web_obligation(r, it->crn, &it->o);
        json_object_set_new(j, "crn", json_string(it->crn));
        json_object_set_new(j, "person", json_string(ck_web_person_name(r, it->forename, it->surname)));
        json_object_set_new(j, "staff_code", json_string(it->staff_code ? it->staff_code : ""));
        json_object_set_new(j, "team", json_string(it->team ? it->team : ""));
        const char *colon = strchr(it->o.subject, ':');
        if (colon) json_object_set_new(j, "subject_id", json_string(colon + 1));
        json_array_append_new(a, j);
    }
    return a;
}

/* One list of obligations of `rules` for the page: page.<key> and
 * page.<key>_total. False when it has answered with an error page. */
static bool rule_list(ck_http_req *r, const ck_session *s, ck_db *db, json_t *page, const char *key,
                      ck_rule_query q)
{
    ck_worklist *wl = NULL;
    char err[512];
    q.filter = ck_web_case_filter(r, s);
    if (ck_caseload_rule_obligations(db, &q, &wl, err, sizeof err) != CK_OK) {
        server_error(r, s, key, err);
        return false;
    }
    json_object_set_new(page, key, worklist_json(r, wl));
    json_object_set_new(page, ck_arena_printf(ck_http_arena(r), "%s_total", key), json_integer((json_int_t)wl->total));
    json_object_set_new(page, ck_arena_printf(ck_http_arena(r), "%s_more", key), json_boolean(wl->total > wl->n));
    json_object_set_new(page, "list_max", json_integer(LIST_MAX));
    ck_worklist_free(wl);
    return true;
}

/* ---- Team --------------------------------------------------------------- */

void ck_web_team(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    const char *team;
    /* The reader's team, or ?team= another the team:read scope reaches. */
    if (!db || !ck_web_pick_team(r, &s, db, CK_PERM_TEAM_READ, &team)) return;
    bool own = ck_streq(team, s.team);
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    size_t page_no = ck_web_page_number(r);
    ck_team_summary *t = NULL;
    ck_caseload *un = NULL;
    char err[512];
    ck_caseload_query q = {.team = team, .unallocated = true, .as_of = today, .limit = UNALLOCATED_PAGE,
                           .offset = (page_no - 1) * UNALLOCATED_PAGE, .filter = ck_web_case_filter(r, &s)};
    if (ck_caseload_team(db, team, today, &t, err, sizeof err) != CK_OK ||
        ck_caseload_list(db, &q, &un, err, sizeof err) != CK_OK) {
        ck_team_summary_free(t);
        server_error(r, &s, "team", err);
        return;
    }
    json_t *people = json_array();
    for (size_t i = 0; i < t->n; i++) {
        const ck_team_member *m = &t->members[i];
        const char *name = m->surname ? ck_web_person_name(r, m->forename, m->surname) : m->staff_code;
        json_array_append_new(people, json_pack("{s:s, s:s, s:s, s:I, s:I}", "staff", m->staff_code, "name", name,
                                                "grade", ck_grade_label(m->grade), "cases", (json_int_t)m->cases,
                                                "overdue", (json_int_t)m->overdue));
    }
    json_t *page = ck_web_page(r, &s, "Team", "team");
    static const char *const no_outcome[] = {"OUTCOME", NULL};
    if (!rule_list(r, &s, db, page, "no_outcome",
                   (ck_rule_query){.team = team, .rules = no_outcome, .statuses = 1u << CK_ST_OVERDUE,
                                   .as_of = today, .limit = LIST_MAX})) {
        json_decref(people);
        json_decref(page);
        ck_team_summary_free(t);
        ck_caseload_free(un);
        return;
    }
    json_object_set_new(page, "people", people);
    json_object_set_new(page, "unallocated", ck_web_caseload_rows(r, un));
    json_object_set_new(page, "pagination",
                        ck_web_pagination(r, own ? "/team" : ck_arena_printf(ck_http_arena(r), "/team?team=%s", team),
                                          page_no, UNALLOCATED_PAGE, un->total));
    json_object_set_new(page, "unallocated_total", json_integer((json_int_t)un->total));
    json_object_set_new(page, "cases", json_integer((json_int_t)t->cases));
    json_object_set_new(page, "overdue", json_integer((json_int_t)t->overdue));
    json_object_set_new(page, "team", json_string(team));
    json_object_set_new(page, "team_name", json_string(ck_web_team_name(ck_web_names_new(r, db), team)));
    /* The allocate form offers the reader's own team's staff. */
    json_object_set_new(page, "can_allocate", json_boolean(own && ck_web_allowed(&s, "allocate")));
    json_object_set_new(page, "can_read_pdu", json_boolean(ck_web_allowed(&s, "pdu:read")));
    const char *allocated = ck_http_query(r, "allocated");
    if (allocated) {
        json_object_set_new(page, "saved", json_string(allocated));
        json_object_set_new(page, "saved_text", json_string(ck_arena_printf(ck_http_arena(r), "Case %s allocated. Its obligations are up to date.", allocated)));
    }
    ck_team_summary_free(t);
    ck_caseload_free(un);
    ck_web_render(r, 200, "team.html", page);
}

/* ---- Allocation --------------------------------------------------------- */

/* Each practitioner's capacity now and with case crn (permille, -1 when
 * unknown), from the case's ranking; someone it leaves out has none. */
typedef struct capacity_of {
    const char *staff;
    int now, after;
} capacity_of;

static capacity_of *capacities(ck_http_req *r, const ck_session *s, ck_db *db, const char *crn, size_t *n)
{
    *n = 0;
    char err[512];
    ck_manage_cfg mc;
    ck_workforce *wf = NULL;
    ck_alloc_ranking rk = {0};
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    if (ck_manage_cfg_load(db, &mc, err, sizeof err) != CK_OK ||
        ck_alloc_rank_case(db, &ck_web_of(r)->app.engine, &mc, crn, today, &wf, &rk, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: capacity for the allocate form: %s", ck_http_request_id(r), err); /* shown without */
        ck_workforce_free(wf);
        (void)s;
        return NULL;
    }
    capacity_of *out = ck_arena_array(ck_http_arena(r), rk.n ? rk.n : 1, sizeof *out);
    for (size_t i = 0; i < rk.n; i++)
        out[(*n)++] = (capacity_of){ck_arena_strdup(ck_http_arena(r), wf->staff[rk.choices[i].candidate].code),
                                    rk.choices[i].capacity_permille, rk.choices[i].capacity_after_permille};
    ck_alloc_ranking_free(&rk);
    ck_workforce_free(wf);
    return out;
}

static const capacity_of *capacity_find(const capacity_of *c, size_t n, const char *staff)
{
    for (size_t i = 0; i < n; i++)
        if (ck_streq(c[i].staff, staff)) return &c[i];
    return NULL;
}

/* The allocate form: the case, the team's staff in post with their
 * caseloads and capacity now and with the case. False when it has
 * answered. */
static bool allocate_page(ck_http_req *r, const ck_session *s, ck_db *db, const ck_case *c, json_t *page,
                          ck_team_summary **team)
{
    char err[512];
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    if (ck_caseload_team(db, s->team, today, team, err, sizeof err) != CK_OK) {
        server_error(r, s, "allocate", err);
        return false;
    }
    size_t n_caps = 0;
    const capacity_of *caps = capacities(r, s, db, c->crn, &n_caps);
    const char *chosen = json_string_value(json_object_get(json_object_get(page, "values"), "staff"));
    json_t *opts = json_array();
    for (size_t i = 0, k = 0; i < (*team)->n; i++) {
        const ck_team_member *m = &(*team)->members[i];
        if (!m->surname || !ck_streq(m->status, "in_post")) continue;
        const capacity_of *cap = capacity_find(caps, n_caps, m->staff_code);
        const char *capacity =
            !cap || cap->now < 0 ? ""
                           : ck_arena_printf(ck_http_arena(r), ", at %d.%d%% of capacity, %d.%d%% with this case%s",
                                             cap->now / 10, cap->now % 10, cap->after / 10, cap->after % 10,
                                             cap->after > CK_STAFFING_OVER_PERMILLE ? " (over capacity)" : "");
        json_array_append_new(
            opts, json_pack("{s:s, s:s, s:s, s:b}", "value", m->staff_code, "id",
                            k++ ? ck_arena_printf(ck_http_arena(r), "staff-%zu", k) : "staff", "text",
                            ck_arena_printf(ck_http_arena(r), "%s %s (%s), %zu cases, %zu overdue%s",
                                            m->forename ? m->forename : "", m->surname, m->grade ? m->grade : "",
                                            m->cases, m->overdue, capacity),
                            "selected", ck_streq(chosen, m->staff_code)));
    }
    json_object_set_new(page, "staff_options", opts);
    json_object_set_new(page, "case", ck_web_case_header(r, c, today));
    return true;
}

/* The start date of an allocation, drawn by partials/field.html like every
 * form's dates, with what was typed and its error. */
static void allocate_render(ck_http_req *r, unsigned status, json_t *page)
{
    json_t *from = ck_web_form_field(r, page, "date", "from", "Date the allocation starts", "Leave empty for today", NULL);
    json_object_set_new(page, "fields", json_pack("[o]", from));
    ck_web_render(r, status, "allocate.html", json_incref(page));
}

/* Who may allocate which case is the role matrix's allocate scope
 * (an SPO their team, a head of PDU their PDU), checked by the authorize
 * hook and again by the store as the allocation is saved. */
static bool allocate_begin(ck_http_req *r, ck_session *s, ck_db **db, ck_case **c)
{
    if (!ck_web_guard(r, s)) return false;
    *db = ck_web_db(r, s);
    return *db && ck_web_load_case(r, s, *db, c);
}

void ck_web_allocate_form(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_case *c;
    if (!allocate_begin(r, &s, &db, &c)) return;
    json_t *page = ck_web_page(r, &s, "Allocate a case", "team");
    ck_team_summary *t = NULL;
    if (allocate_page(r, &s, db, c, page, &t)) allocate_render(r, 200, page);
    json_decref(page);
    ck_team_summary_free(t);
    ck_case_free(c);
}

void ck_web_allocate_post(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    ck_case *c;
    if (!allocate_begin(r, &s, &db, &c)) return;
    json_t *page = ck_web_page(r, &s, "Allocate a case", "team");
    static const char *const fields[] = {"staff", NULL};
    ck_web_keep_values(r, page, fields);
    ck_team_summary *t = NULL;
    if (!allocate_page(r, &s, db, c, page, &t)) {
        json_decref(page);
        ck_case_free(c);
        return;
    }
    ck_date today = ck_app_today(&ck_web_of(r)->app), from;
    const char *staff = ck_web_field(r, "staff");
    const ck_team_member *who = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (ck_streq(t->members[i].staff_code, staff) && ck_streq(t->members[i].status, "in_post")) who = &t->members[i];
    if (!who) ck_web_form_error(page, "staff", "Select who to allocate the case to");
    if (ck_web_date_field(r, page, "from", "Date the allocation starts", false, &from) && from == CK_NODATE) from = today;
    if (from != CK_NODATE && from > today) ck_web_form_error(page, "from", "Date the allocation starts must be today or in the past");
    if (ck_allocation_current(c, from == CK_NODATE ? today : from))
        ck_web_form_error(page, "staff", "The case is already allocated: reallocate it from the workforce pages");
    /* Over 100% with the case: not from this form, which keeps no reason;
     * the allocation board warns, asks why and keeps the answer. */
    size_t n_caps = 0;
    const capacity_of *caps = who ? capacities(r, &s, db, c->crn, &n_caps) : NULL;
    const capacity_of *cap = who ? capacity_find(caps, n_caps, who->staff_code) : NULL;
    if (cap && cap->after > CK_STAFFING_OVER_PERMILLE)
        ck_web_form_error(page, "staff",
                          "%s %s would be at %d.%d%% of capacity with this case. Choose someone else, or allocate it "
                          "from the allocation board, which asks why",
                          who->forename ? who->forename : "", who->surname ? who->surname : "", cap->after / 10,
                          cap->after % 10);
    char err[512];
    ck_rc rc = CK_ERR_INVALID;
    if (!ck_web_form_has_errors(page)) {
        unsigned char raw[5];
        char hex[2 * sizeof raw + 1];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
        ck_allocation al = {.id = ck_arena_printf(ck_http_arena(r), "L%s", hex), .from = from, .to = CK_NODATE,
                            .staff_code = who->staff_code, .grade = who->grade, .staff_left_on = CK_NODATE,
                            .staff_long_term_absence_from = CK_NODATE};
        rc = ck_access_add(db, s.p, CK_PERM_CASE_ALLOCATE, &ck_web_of(r)->app.engine, c->crn, "allocations", &al,
                           today, NULL, err, sizeof err);
        if (rc == CK_OK) {
            ck_buf loc = CK_BUF_INIT;
            ck_buf_puts(&loc, "/team?allocated=");
            ck_buf_escape(&loc, CK_ESC_URL, c->crn, strlen(c->crn));
            ck_web_redirect(r, ck_buf_cstr(&loc));
            ck_buf_free(&loc);
        } else if (rc == CK_ERR_DB) {
            server_error(r, &s, "allocate", err);
        } else {
            ck_web_form_error(page, "staff", "%s", err);
        }
    }
    if (rc != CK_OK && rc != CK_ERR_DB) {
        json_object_set_new(page, "title", json_string("Error: Allocate a case"));
        allocate_render(r, 400, page);
    }
    json_decref(page);
    ck_team_summary_free(t);
    ck_case_free(c);
}

/* ---- Court -------------------------------------------------------------- */

/* Whether the reader's check:write scope reaches the case of a court list
 * row (all rows are of the PDU or team the page shows): a practitioner
 * reads the PDU's court work but asks for checks only in their team. */
static bool may_check(const ck_session *s, const json_t *o)
{
    ck_place place = {0};
    snprintf(place.staff, sizeof place.staff, "%s", json_string_value(json_object_get(o, "staff_code")));
    snprintf(place.team, sizeof place.team, "%s", json_string_value(json_object_get(o, "team")));
    snprintf(place.pdu, sizeof place.pdu, "%s", s->pdu);
    snprintf(place.region, sizeof place.region, "%s", s->p->place.region);
    return ck_scope_covers(s->p, ck_principal_scope(s->p, CK_PERM_CHECK_WRITE), &place);
}

/* Each outstanding check's action: record the reply to the check already
 * asked for, else ask for it; none for a case the reader may not change.
 * Each report's: ask for a check. False when it has answered. */
static bool check_actions(ck_http_req *r, const ck_session *s, ck_db *db, json_t *checks, json_t *reports)
{
    size_t i;
    json_t *o;
    json_array_foreach(reports, i, o) json_object_set_new(o, "may_check", json_boolean(may_check(s, o)));
    json_array_foreach(checks, i, o) {
        if (!may_check(s, o)) {
            json_object_del(o, "action_href");
            json_object_del(o, "action_text");
            continue;
        }
        const char *crn = json_string_value(json_object_get(o, "crn"));
        const char *rule = json_string_value(json_object_get(o, "rule"));
        const char *kind = ck_streq(rule, "CHILD_CHECK") ? "childrens_services" : "police_da";
        const char *id = NULL;
        char err[512];
        if (ck_court_open_check(db, crn, kind, ck_http_arena(r), &id, err, sizeof err) != CK_OK) {
            server_error(r, s, "court checks", err);
            return false;
        }
        ck_buf href = CK_BUF_INIT;
        ck_buf_puts(&href, "/cases/");
        ck_buf_escape(&href, CK_ESC_URL, crn, strlen(crn));
        if (id) {
            ck_buf_puts(&href, "/checks/");
            ck_buf_escape(&href, CK_ESC_URL, id, strlen(id));
            ck_buf_puts(&href, "/receive");
        } else {
            ck_buf_printf(&href, "/checks/new?rule=%s", rule);
        }
        json_object_set_new(o, "action_href", json_string(ck_buf_cstr(&href)));
        json_object_set_new(o, "action_text", json_string(id ? "Record the reply" : "Request the check"));
        ck_buf_free(&href);
    }
    return true;
}

/* The court work of the reader's court:read scope: the PDU's (a court
 * officer covers the courts of the whole PDU, not one team's cases). */
void ck_web_court(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    bool by_team = ck_principal_scope(s.p, CK_PERM_COURT_READ) == CK_SCOPE_TEAM;
    const char *team = by_team ? s.team : NULL, *pdu = by_team ? NULL : s.pdu;
    if (!(team ? team : pdu)[0]) {
        session_pdu(r, &s, NULL, 0);
        return;
    }
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    static const char *const reports[] = {"REPORT_DUE", NULL};
    static const char *const checks[] = {"DA_CHECK", "CHILD_CHECK", NULL};
    json_t *page = ck_web_page(r, &s, "Court work", "court");
    if (!rule_list(r, &s, db, page, "reports",
                   (ck_rule_query){.team = team, .pdu = pdu, .rules = reports, .as_of = today, .limit = LIST_MAX}) ||
        !rule_list(r, &s, db, page, "checks",
                   (ck_rule_query){.team = team, .pdu = pdu, .rules = checks, .subject_prefix = "report:",
                                   .as_of = today, .limit = LIST_MAX}) ||
        !check_actions(r, &s, db, json_object_get(page, "checks"), json_object_get(page, "reports"))) {
        json_decref(page);
        return;
    }
    json_object_set_new(page, "can_create", json_boolean(ck_web_allowed(&s, "case:create")));
    json_object_set_new(page, "scope", json_string(by_team ? "team" : "probation delivery unit"));
    json_object_set_new(page, "created", json_string(ck_http_query(r, "created") ? ck_http_query(r, "created") : ""));
    ck_web_render(r, 200, "court.html", page);
}

/* ---- Victim liaison ----------------------------------------------------- */

void ck_web_victims(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    char pdu[CK_ORG_CODE_MAX + 1];
    if (!pdu_begin(r, &s, &db, pdu)) return;
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    static const char *const referral[] = {"VCS_REFERRAL", NULL};
    static const char *const first[] = {"VCS_FIRST_CONTACT", NULL};
    static const char *const other[] = {"VCS_FLAG", "VCS_REPRESENTATIONS", "VCS_RELEASE_NOTICE", "VCS_RECALL_NOTICE",
                                        "VCS_NONSTATUTORY", NULL};
    json_t *page = ck_web_page(r, &s, "Victim liaison", "victims");
    if (!rule_list(r, &s, db, page, "referrals", (ck_rule_query){.pdu = pdu, .rules = referral, .as_of = today, .limit = LIST_MAX}) ||
        !rule_list(r, &s, db, page, "to_contact", (ck_rule_query){.pdu = pdu, .rules = first, .as_of = today, .limit = LIST_MAX}) ||
        !rule_list(r, &s, db, page, "other", (ck_rule_query){.pdu = pdu, .rules = other, .as_of = today, .limit = LIST_MAX})) {
        json_decref(page);
        return;
    }
    ck_release_list *rl = NULL;
    char err[512];
    if (ck_caseload_releases_in(db, ck_web_case_filter(r, &s), pdu, today, today + RELEASE_AHEAD_DAYS, &rl, err,
                                sizeof err) != CK_OK) {
        json_decref(page);
        server_error(r, &s, "releases", err);
        return;
    }
    json_t *releases = json_array();
    for (size_t i = 0; i < rl->n; i++) {
        const ck_release *x = &rl->items[i];
        json_array_append_new(releases, json_pack("{s:s, s:s, s:s, s:s, s:b}", "crn", x->crn, "person",
                                                  ck_web_person_name(r, x->forename, x->surname),
                                                  "release", ck_web_date_long(r, x->release), "victim", x->victim,
                                                  "notified", x->notified));
    }
    ck_release_list_free(rl);
    json_object_set_new(page, "releases", releases);
    json_object_set_new(page, "pdu", json_string(pdu));
    json_object_set_new(page, "pdu_name", json_string(ck_web_pdu_name(ck_web_names_new(r, db), pdu)));
    ck_web_render(r, 200, "victims.html", page);
}

/* ---- PDU dashboard ------------------------------------------------------ */

/* A horizontal bar chart as numbers for an SVG drawn by the template: each
 * bar's width is scaled to the largest (counts come most first). */
static json_t *bars(const ck_count *counts, size_t n, bool rules)
{
    size_t max = n && counts[0].n ? counts[0].n : 1;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const ck_count *c = &counts[i];
        const char *label = rules ? ck_web_rule_name(c->key) : c->name ? c->name : c->key[0] ? c->key : "No team";
        json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "key", c->key, "label", label, "count",
                                           (json_int_t)c->n, "width", (json_int_t)(c->n * CHART_BAR_MAX / max), "y",
                                           (json_int_t)i * 30, "text_y", (json_int_t)i * 30 + 15));
    }
    return a;
}

static json_int_t percent(const ck_timeliness *t)
{
    size_t all = t->on_time + t->late + t->overdue;
    return (json_int_t)(all ? t->on_time * 100 / all : 0);
}

static json_t *rate(const char *key, const char *label, const ck_timeliness *t)
{
    size_t all = t->on_time + t->late + t->overdue;
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "key", key, "label", label, "on_time",
                     (json_int_t)t->on_time, "late", (json_int_t)t->late, "overdue", (json_int_t)t->overdue, "total",
                     (json_int_t)all, "percent", percent(t));
}

/* The inspection's victims key question (rulebook, "From obligations to an
 * inspection rating") and the two safeguarding checks: the timeliness the
 * PDU and region dashboards and the monthly trend report. */
static const char *const vcs_rules[] = {"VCS_REFERRAL", "VCS_FIRST_CONTACT", "VCS_RELEASE_NOTICE", NULL};
static const char *const da_rules[] = {"DA_CHECK", NULL};
static const char *const child_rules[] = {"CHILD_CHECK", NULL};
static const char *const *const rate_groups[] = {vcs_rules, da_rules, child_rules};
static const char *const rate_labels[] = {"Victim contact scheme", "Police domestic abuse checks",
                                          "Children's services checks"};
static const char *const rate_dashes[] = {"", "8 4", "2 4"}; /* tells the chart's lines apart without colour */
static const char *const rate_keys[] = {"vcs", "da", "child"}; /* ?group= and ?sort= in addresses */
#define N_RATES (sizeof rate_groups / sizeof *rate_groups)
_Static_assert(N_RATES <= CK_TREND_GROUPS_MAX, "the trend reports every rate group");

#define TREND_LEFT 60     /* px: room for the y axis labels */
#define TREND_STEP 50     /* px between months */
#define TREND_HEIGHT 200  /* px: the plot's height */

/* The monthly trend as numbers for the template's SVG and table: overdue at
 * each month end as bars scaled to the largest, each group's on-time rate as
 * a line over 0-100%. Months with nothing due have no rate ("-") and no
 * point. */
static void trend_json(ck_http_req *r, json_t *page, const ck_trend_month *m)
{
    size_t max = 1;
    for (size_t i = 0; i < CK_TREND_MONTHS; i++)
        if (m[i].overdue > max) max = m[i].overdue;
    static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    json_t *months = json_array();
    ck_buf pts[N_RATES] = {CK_BUF_INIT}; /* the rest zeroed, as CK_BUF_INIT is */
    for (size_t i = 0; i < CK_TREND_MONTHS; i++) {
        int y, mo, d;
        ck_date_split(m[i].start, &y, &mo, &d);
        json_int_t x = TREND_LEFT + (json_int_t)i * TREND_STEP;
        json_int_t h = (json_int_t)(m[i].overdue * TREND_HEIGHT / max);
        json_t *rates = json_array();
        for (size_t g = 0; g < N_RATES; g++) {
            const ck_timeliness *t = &m[i].group[g];
            size_t all = t->on_time + t->late + t->overdue;
            json_array_append_new(rates, json_pack("{s:s, s:s, s:I, s:s}", "key", rate_keys[g], "label", rate_labels[g],
                                                   "judged", (json_int_t)all, "percent",
                                                   all ? ck_arena_printf(ck_http_arena(r), "%lld", (long long)percent(t)) : "-"));
            if (all)
                ck_buf_printf(&pts[g], "%s%lld,%lld", pts[g].len ? " " : "", (long long)x + 15,
                              (long long)(TREND_HEIGHT - percent(t) * TREND_HEIGHT / 100));
        }
        char end[CK_DATE_STRLEN];
        json_array_append_new(months, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "month",
                                                ck_arena_printf(ck_http_arena(r), "%04d-%02d", y, mo), "at",
                                                i == CK_TREND_MONTHS - 1 ? "" /* today: overdue now */
                                                                         : ck_arena_strdup(ck_http_arena(r), ck_date_fmt(m[i].end, end)),
                                                "label",
                                                ck_arena_printf(ck_http_arena(r), "%s %d", month_names[mo - 1], y),
                                                "short", month_names[mo - 1], "overdue", (json_int_t)m[i].overdue,
                                                "x", x, "y", (json_int_t)TREND_HEIGHT - h, "height", h, "text_x",
                                                x + 2, "rates", rates));
    }
    json_t *lines = json_array();
    for (size_t g = 0; g < N_RATES; g++) {
        json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:I}", "label", rate_labels[g], "points",
                                               ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&pts[g])), "dash",
                                               rate_dashes[g], "legend_y", (json_int_t)(TREND_HEIGHT + 40 + g * 20)));
        ck_buf_free(&pts[g]);
    }
    json_t *labels = json_array();
    for (size_t g = 0; g < N_RATES; g++) json_array_append_new(labels, json_string(rate_labels[g]));
    json_object_set_new(page, "trend", months);
    json_object_set_new(page, "trend_lines", lines);
    json_object_set_new(page, "rate_labels", labels);
    json_object_set_new(page, "trend_width", json_integer(TREND_LEFT + CK_TREND_MONTHS * TREND_STEP));
    json_object_set_new(page, "trend_plot", json_integer(TREND_HEIGHT));
    json_object_set_new(page, "trend_axis", json_integer(TREND_HEIGHT + 16));
    json_object_set_new(page, "trend_height", json_integer(TREND_HEIGHT + 40 + (json_int_t)N_RATES * 20));
    json_object_set_new(page, "trend_max", json_integer((json_int_t)max));
}

/* Which PDU the dashboard shows: the reader's own, or ?code= when their
 * pdu:read scope covers it (a region or national scope; a reader with no PDU
 * of its own chooses one). False when it has answered. */
static bool dashboard_pdu(ck_http_req *r, const ck_session *s, ck_db *db, char *pdu, size_t pdu_len)
{
    ck_org_record rec;
    if (!ck_web_pick_pdu(r, s, db, CK_PERM_PDU_READ, "code", &rec)) return false;
    return (size_t)snprintf(pdu, pdu_len, "%s", rec.code) < pdu_len;
}

/* The guard, the database and the PDU a dashboard page shows
 * (dashboard_pdu); false when it has answered. */
static bool dashboard_begin(ck_http_req *r, ck_session *s, ck_db **db, char pdu[CK_ORG_CODE_MAX + 1])
{
    if (!ck_web_guard(r, s) || !(*db = ck_web_db(r, s))) return false;
    return dashboard_pdu(r, s, *db, pdu, CK_ORG_CODE_MAX + 1);
}

/* "code=X&" for a PDU other than the reader's own, "" for their own. */
static const char *code_query(ck_http_req *r, const ck_session *s, const char *pdu)
{
    return ck_streq(pdu, s->pdu) ? "" : ck_arena_printf(ck_http_arena(r), "code=%s&", pdu);
}

json_t *ck_web_pdu_cases_json(const ck_pdu_cases *c)
{
    return json_pack("{s:I, s:I, s:I, s:s}", "total", (json_int_t)(c->allocated + c->unallocated), "allocated",
                     (json_int_t)c->allocated, "unallocated", (json_int_t)c->unallocated, "meaning",
                     CK_PDU_CASES_MEANING);
}

void ck_web_pdu(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    char pdu[CK_ORG_CODE_MAX + 1];
    if (!dashboard_begin(r, &s, &db, pdu)) return;
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    ck_pdu_summary *p = NULL;
    ck_timeliness t[N_RATES];
    ck_trend_month trend[CK_TREND_MONTHS];
    char err[512];
    ck_rc rc = ck_caseload_pdu(db, pdu, today, &p, err, sizeof err);
    for (size_t i = 0; i < N_RATES && rc == CK_OK; i++)
        rc = ck_caseload_timeliness(db, pdu, rate_groups[i], today, &t[i], err, sizeof err);
    if (rc == CK_OK) rc = ck_caseload_trend(db, pdu, rate_groups, N_RATES, today, trend, err, sizeof err);
    if (rc != CK_OK) {
        ck_pdu_summary_free(p);
        server_error(r, &s, "pdu", err);
        return;
    }
    json_t *page = ck_web_page(r, &s, "PDU dashboard", "pdu");
    json_object_set_new(page, "chart_height", json_integer((json_int_t)p->n_by_rule * 30));
    json_object_set_new(page, "team_chart_height", json_integer((json_int_t)p->n_by_team * 30));
    json_object_set_new(page, "by_rule", bars(p->by_rule, p->n_by_rule, true));
    json_object_set_new(page, "by_team", bars(p->by_team, p->n_by_team, false));
    json_t *rates = json_array();
    for (size_t i = 0; i < N_RATES; i++) json_array_append_new(rates, rate(rate_keys[i], rate_labels[i], &t[i]));
    json_object_set_new(page, "rates", rates);
    trend_json(r, page, trend);
    json_object_set_new(page, "cases", ck_web_pdu_cases_json(&p->cases));
    json_object_set_new(page, "pdu", json_string(pdu));
    json_object_set_new(page, "code_query", json_string(code_query(r, &s, pdu)));
    json_object_set_new(page, "pdu_name", json_string(ck_web_pdu_name(ck_web_names_new(r, db), pdu)));
    ck_pdu_summary_free(p);
    ck_web_render(r, 200, "pdu.html", page);
}

/* ---- Behind the dashboards' numbers ----------------------------------------- */

#define DRILL_PAGE 50 /* rows of a drill-down page: one screenful or two */

/* ?staff=CODE of a drill-down: a member of staff of a team in the PDU, into
 * *code and *name (the request's arena); both NULL when the address names
 * none. False when it has answered (404 for anyone else). */
static bool drill_staff(ck_http_req *r, const ck_session *s, ck_db *db, const char *pdu, const char **code,
                        const char **name)
{
    *code = *name = NULL;
    const char *staff = ck_http_query(r, "staff");
    if (!staff || !*staff) return true;
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record who = {0}, their = {0};
    char err[512];
    ck_rc rc = ck_org_get(db, CK_ORG_STAFF, staff, &a, &who, err, sizeof err);
    if (rc == CK_OK && who.team) rc = ck_org_get(db, CK_ORG_TEAM, who.team, &a, &their, err, sizeof err);
    bool ours = rc == CK_OK && ck_streq(their.pdu, pdu);
    if (ours) {
        *code = ck_arena_strdup(ck_http_arena(r), who.code);
        *name = ck_web_staff_name(ck_web_names_new(r, db), *code);
    }
    ck_arena_free(&a);
    if (!ours)
        ck_web_error_page(r, s, 404, "Page not found", "There is no such member of staff in this probation delivery unit.");
    return ours;
}

/* GET /pdu/cases: the PDU's cases (CK_PDU_CASES_MEANING), those with the
 * most overdue first, with the person's name, the practitioner and how much
 * is overdue; ?unallocated=1 only those nobody holds. */
void ck_web_pdu_cases(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    char pdu[CK_ORG_CODE_MAX + 1];
    if (!dashboard_begin(r, &s, &db, pdu)) return;
    const char *staff, *staff_name;
    if (!drill_staff(r, &s, db, pdu, &staff, &staff_name)) return;
    size_t pageno = ck_web_page_number(r);
    bool unallocated = !staff && ck_streq(ck_http_query(r, "unallocated"), "1");
    ck_caseload_query q = {.staff = staff, .pdu = staff ? NULL : pdu, .unallocated = unallocated,
                           .sort = CK_CASELOAD_OVERDUE, .desc = true,
                           .as_of = ck_app_today(&ck_web_of(r)->app), .limit = DRILL_PAGE,
                           .offset = (pageno - 1) * DRILL_PAGE, .filter = ck_web_case_filter(r, &s)};
    ck_caseload *l = NULL;
    char err[512];
    if (ck_caseload_list(db, &q, &l, err, sizeof err) != CK_OK) {
        server_error(r, &s, "pdu cases", err);
        return;
    }
    ck_arena *ra = ck_http_arena(r);
    json_t *page = ck_web_page(r, &s,
                               staff         ? ck_arena_printf(ra, "Cases held by %s", staff_name)
                               : unallocated ? "Unallocated cases"
                                             : "The unit's cases",
                               "pdu");
    const char *base = ck_arena_printf(ra, "/pdu/cases?%s%s%s", code_query(r, &s, pdu),
                                       unallocated ? "unallocated=1" : staff ? "staff=" : "", staff ? staff : "");
    json_object_set_new(page, "rows", ck_web_caseload_rows(r, l));
    json_object_set_new(page, "pagination", ck_web_pagination(r, base, pageno, DRILL_PAGE, l->total));
    json_object_set_new(page, "pdu", json_string(pdu));
    json_object_set_new(page, "meaning", json_string(CK_PDU_CASES_MEANING));
    json_object_set_new(page, "back", json_string(ck_arena_printf(ck_http_arena(r), "/pdu?%s", code_query(r, &s, pdu))));
    ck_caseload_free(l);
    ck_web_render(r, 200, "pdu_cases.html", page);
}

/* Which obligations a drill-down lists, by ?status=: the stored statuses,
 * the words of its heading and of its empty table. One row each. */
static const struct drill_status {
    const char *key, *heading, *intro, *none;
    unsigned mask;
} drill_statuses[] = {
    {"overdue", "overdue", "Each obligation not met and past its due date", "Nothing is overdue.",
     1u << CK_ST_OVERDUE},
    {"on_time", "met on time", "Each obligation met by its due date", "Nothing was met on time.", 1u << CK_ST_MET},
    {"late", "met late", "Each obligation met after its due date", "Nothing was met late.", 1u << CK_ST_MET_LATE},
    {"judged", "met or overdue",
     "Each obligation whose timeliness is known: met (on time or late) or past its due date; the on-time rate is "
     "the share met on time",
     "Nothing was due.", (1u << CK_ST_OVERDUE) | (1u << CK_ST_MET) | (1u << CK_ST_MET_LATE)},
};

static const struct drill_status *drill_status_find(const char *key)
{
    if (!key || !*key) return &drill_statuses[0];
    for (size_t i = 0; i < sizeof drill_statuses / sizeof *drill_statuses; i++)
        if (ck_streq(key, drill_statuses[i].key)) return &drill_statuses[i];
    return NULL;
}

/* "October 2026" */
static const char *month_words(ck_http_req *r, ck_date d)
{
    static const char *const names[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    return ck_arena_printf(ck_http_arena(r), "%s %d", names[m - 1], y);
}

/* "&key=value" onto the drill-down's address when value is set. Every value
 * has been checked against its table or parsed (codes, rule names, dates),
 * so none needs escaping. */
static void drill_param(ck_buf *b, const char *key, const char *value)
{
    if (!value || !*value) return;
    ck_buf_printf(b, "%s%s=%s", b->len ? "&" : "", key, value);
}

/* GET /pdu/overdue: the obligations behind a dashboard number, each with
 * the person's name, the practitioner and what it is. Narrowed by the PDU
 * (?code=), one of its teams (?team=) or staff (?staff=), one rule (?rule=)
 * or one of the dashboards' rate groups (?group=); by ?status= (overdue, the
 * default; on_time; late; judged: all three); by ?month=YYYY-MM (due in that
 * month: a trend row's rate); or, for a trend month's bar, ?at=YYYY-MM-DD
 * (overdue at the end of that day as things stood then). */
void ck_web_pdu_overdue(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    char pdu[CK_ORG_CODE_MAX + 1];
    if (!dashboard_begin(r, &s, &db, pdu)) return;
    ck_arena *ra = ck_http_arena(r);
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    const char *rule = ck_http_query(r, "rule"), *team = ck_http_query(r, "team"), *staff = ck_http_query(r, "staff"),
               *group = ck_http_query(r, "group"), *month = ck_http_query(r, "month"), *at = ck_http_query(r, "at");
    const char *one[] = {NULL, NULL};
    const char *const *rules = ck_rule_ids;
    const char *what = "All work";
    if (rule && *rule) {
        if (!(one[0] = ck_vocab_find(ck_vocab_rule, rule, strlen(rule)))) {
            ck_web_error_page(r, &s, 404, "Page not found", "There is no such rule.");
            return;
        }
        rules = one;
        what = ck_web_rule_name(one[0]);
    } else if (group && *group) {
        size_t g = 0;
        while (g < N_RATES && !ck_streq(group, rate_keys[g])) g++;
        if (g == N_RATES) {
            ck_web_error_page(r, &s, 404, "Page not found", "There is no such kind of work.");
            return;
        }
        rules = rate_groups[g];
        what = rate_labels[g];
    }
    const struct drill_status *st = drill_status_find(ck_http_query(r, "status"));
    ck_date from = 0, to = 0, when = 0;
    int y, m;
    char extra;
    if (month && *month) {
        if (sscanf(month, "%4d-%2d%c", &y, &m, &extra) != 2 || !ck_date_valid(y, m, 1) || y < 1971) st = NULL;
        else from = ck_date_ymd(y, m, 1), to = ck_date_add_months(from, 1) - 1;
    }
    if (at && *at && !ck_date_parse(at, strlen(at), &when)) st = NULL;
    if (!st || (when && when < 1)) {
        ck_web_error_page(r, &s, 404, "Page not found",
                          "The address asks for a status, month or date this page does not know.");
        return;
    }
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record t = {0};
    char err[512];
    if (team && *team) {
        ck_rc rc = ck_org_get(db, CK_ORG_TEAM, team, &a, &t, err, sizeof err);
        if (rc != CK_OK || !ck_streq(t.pdu, pdu)) {
            ck_arena_free(&a);
            ck_web_error_page(r, &s, 404, "Page not found", "There is no such team in this probation delivery unit.");
            return;
        }
    }
    ck_web_names *names = ck_web_names_new(r, db);
    const char *where = t.code ? ck_web_team_name(names, t.code) : NULL, *staff_name = NULL;
    if (!t.code && !drill_staff(r, &s, db, pdu, &staff, &staff_name)) {
        ck_arena_free(&a);
        return;
    }
    if (t.code) staff = NULL;
    if (staff) where = staff_name;
    size_t pageno = ck_web_page_number(r);
    ck_rule_query q = {.staff = staff, .team = staff ? NULL : t.code, .pdu = staff || t.code ? NULL : pdu,
                       .rules = rules, .statuses = st->mask, .as_of = today, .due_from = from, .due_to = to,
                       .overdue_at = when, .limit = DRILL_PAGE, .offset = (pageno - 1) * DRILL_PAGE,
                       .filter = ck_web_case_filter(r, &s)};
    ck_worklist *wl = NULL;
    if (ck_caseload_rule_obligations(db, &q, &wl, err, sizeof err) != CK_OK) {
        ck_arena_free(&a);
        server_error(r, &s, "pdu overdue", err);
        return;
    }
    const char *state = when ? ck_arena_printf(ra, "overdue at the end of %s", ck_web_date_long(r, when))
                             : st->heading;
    const char *heading = from ? ck_arena_printf(ra, "%s: due in %s, %s", what, month_words(r, from), state)
                               : ck_arena_printf(ra, "%s: %s", what, state);
    json_t *page = ck_web_page(r, &s, where ? ck_arena_printf(ra, "%s, %s", heading, where) : heading, "pdu");
    json_t *rows = worklist_json(r, wl);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const ck_worklist_item *it = &wl->items[i];
        json_object_set_new(row, "staff", json_string(ck_web_staff_name(names, it->staff_code)));
        json_object_set_new(row, "rule_name", json_string(ck_web_rule_name(it->o.rule)));
        json_object_set_new(row, "state", json_string(it->o.status == CK_ST_MET        ? "Met on time"
                                                      : it->o.status == CK_ST_MET_LATE ? "Met late"
                                                      : it->o.status == CK_ST_OVERDUE  ? "Overdue"
                                                                                       : "Not yet due"));
    }
    ck_buf b = CK_BUF_INIT;
    if (!ck_streq(pdu, s.pdu)) drill_param(&b, "code", pdu);
    drill_param(&b, "rule", one[0]);
    drill_param(&b, "group", one[0] ? NULL : group);
    drill_param(&b, "team", t.code);
    drill_param(&b, "staff", staff);
    drill_param(&b, "status", st == drill_statuses ? NULL : st->key);
    drill_param(&b, "month", from ? month : NULL);
    drill_param(&b, "at", when ? at : NULL);
    const char *base = ck_arena_printf(ra, "/pdu/overdue?%s", ck_buf_cstr(&b));
    ck_buf_free(&b);
    json_object_set_new(page, "rows", rows);
    json_object_set_new(page, "heading", json_string(heading));
    json_object_set_new(page, "intro", json_string(when ? "Each obligation that was past its due date and not met "
                                                          "at the end of that day, as things stood then"
                                                        : st->intro));
    json_object_set_new(page, "none", json_string(st->none));
    json_object_set_new(page, "show_state", json_boolean(!when && st != drill_statuses));
    json_object_set_new(page, "where", where ? json_string(where) : json_null());
    json_object_set_new(page, "pagination", ck_web_pagination(r, base, pageno, DRILL_PAGE, wl->total));
    json_object_set_new(page, "total", json_integer((json_int_t)wl->total));
    json_object_set_new(page, "pdu", json_string(pdu));
    json_object_set_new(page, "pdu_name", json_string(ck_web_pdu_name(names, pdu)));
    json_object_set_new(page, "back", json_string(ck_arena_printf(ra, "/pdu?%s", code_query(r, &s, pdu))));
    ck_worklist_free(wl);
    ck_arena_free(&a);
    ck_web_render(r, 200, "pdu_overdue.html", page);
}

/* ---- Region dashboard --------------------------------------------------- */

#define SMALL_BAR 100 /* px: the longest of a column's small bars */

/* One PDU's row as the table sorts it. */
typedef struct region_row {
    const ck_region_pdu *x;
    bool scored;
    int points;
    size_t cases;
    json_int_t rate[N_RATES]; /* -1: nothing judged */
} region_row;

/* The region table's columns in order: these four, then one a rate group
 * (rate_keys). */
static const char *const region_sorts[] = {"name", "score", "cases", "overdue"};
#define N_REGION_COLS (sizeof region_sorts / sizeof *region_sorts + N_RATES)

typedef struct region_sort {
    int key;
    bool desc;
} region_sort;

static int region_cmp(const void *a, const void *b, void *ctx)
{
    const region_row *x = a, *y = b;
    region_sort sort_by = *(const region_sort *)ctx;
    long long d = 0;
    switch (sort_by.key) {
    case 1: d = (long long)(x->scored ? x->points : -1) - (y->scored ? y->points : -1); break;
    case 2: d = (long long)x->cases - (long long)y->cases; break;
    case 3: d = (long long)x->x->overdue - (long long)y->x->overdue; break;
    case 0: break; /* by name, below */
    default: d = x->rate[sort_by.key - 4] - y->rate[sort_by.key - 4]; break;
    }
    int c = d < 0 ? -1 : d > 0;
    if (sort_by.desc) c = -c;
    return c ? c : strcmp(x->x->name ? x->x->name : "", y->x->name ? y->x->name : "");
}

static const char *region_col_key(size_t k)
{
    return k < N_REGION_COLS - N_RATES ? region_sorts[k] : rate_keys[k - (N_REGION_COLS - N_RATES)];
}

/* The region's PDUs as one table a laptop screen holds: each PDU's score out
 * of 27 (from the nightly snapshot), its cases and overdue obligations with
 * small bars, and the on-time rates, sorted on the server by ?sort= and
 * ?order= (no script needed); every number links to what is behind it. */
void ck_web_region(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    ck_org_record region;
    if (!db || !ck_web_pick_region(r, &s, db, CK_PERM_PDU_READ, &region)) return;
    const char *pdu = s.pdu;
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    ck_region_summary *g = NULL;
    char err[512];
    ck_rc rc = ck_caseload_region(db, region.code, rate_groups, N_RATES, today, &g, err, sizeof err);
    if (rc == CK_ERR_INVALID || rc == CK_ERR_NOTFOUND) {
        ck_web_error_page(r, &s, 404, "Your probation delivery unit has no region",
                          "This page shows the region of your probation delivery unit. Ask an administrator to "
                          "import the organisation with your unit's region.");
        return;
    }
    ck_manage_cfg mc;
    ck_inspection_score_row *scores = NULL;
    size_t n_scores = 0;
    if (rc == CK_OK) rc = ck_manage_cfg_load(db, &mc, err, sizeof err);
    if (rc == CK_OK)
        rc = ck_inspection_scores(db, region.code, today, ck_http_arena(r), &scores, &n_scores, err, sizeof err);
    if (rc != CK_OK) {
        ck_region_summary_free(g);
        server_error(r, &s, "region", err);
        return;
    }
    region_row *rows = ck_calloc(g->n ? g->n : 1, sizeof *rows);
    size_t max_cases = 1, max_overdue = 1;
    for (size_t i = 0; i < g->n; i++) {
        region_row *w = &rows[i];
        w->x = &g->pdus[i];
        w->cases = w->x->cases.allocated + w->x->cases.unallocated;
        for (size_t k = 0; k < n_scores; k++)
            if (ck_streq(scores[k].pdu, w->x->code)) {
                w->scored = scores[k].known;
                w->points = scores[k].points;
            }
        for (size_t k = 0; k < N_RATES; k++) {
            const ck_timeliness *t = &w->x->group[k];
            w->rate[k] = t->on_time + t->late + t->overdue ? percent(t) : -1;
        }
        if (w->cases > max_cases) max_cases = w->cases;
        if (w->x->overdue > max_overdue) max_overdue = w->x->overdue;
    }
    const char *sort = ck_http_query(r, "sort"), *order = ck_http_query(r, "order");
    region_sort by = {0, ck_streq(order, "desc")};
    for (size_t k = 0; sort && k < N_REGION_COLS; k++)
        if (ck_streq(sort, region_col_key(k))) by.key = (int)k;
    qsort_r(rows, g->n, sizeof *rows, region_cmp, &by);

    ck_arena *a = ck_http_arena(r);
    ck_scope scope = ck_principal_scope(s.p, CK_PERM_PDU_READ);
    json_t *pdus = json_array();
    for (size_t i = 0; i < g->n; i++) {
        const region_row *w = &rows[i];
        ck_place place = {0};
        snprintf(place.pdu, sizeof place.pdu, "%s", w->x->code);
        snprintf(place.region, sizeof place.region, "%s", region.code);
        bool own = ck_streq(w->x->code, pdu), reach = own || ck_scope_covers(s.p, scope, &place);
        const char *q = own ? "" : ck_arena_printf(a, "code=%s", w->x->code);
        json_t *rates = json_array();
        for (size_t k = 0; k < N_RATES; k++) {
            json_t *t = json_pack("{s:s, s:s}", "text",
                                  w->rate[k] < 0 ? "-" : ck_arena_printf(a, "%lld%%", (long long)w->rate[k]), "label",
                                  rate_labels[k]);
            if (reach && w->rate[k] >= 0)
                json_object_set_new(t, "href", json_string(ck_arena_printf(a, "/pdu/overdue?%s%sgroup=%s&status=judged", q,
                                                                          *q ? "&" : "", rate_keys[k])));
            json_array_append_new(rates, t);
        }
        json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "code", w->x->code, "name", w->x->name, "cases",
                              (json_int_t)w->cases, "cases_bar", (json_int_t)(w->cases * SMALL_BAR / max_cases),
                              "overdue", (json_int_t)w->x->overdue, "overdue_bar",
                              (json_int_t)(w->x->overdue * SMALL_BAR / max_overdue), "rates", rates);
        if (w->scored) {
            ck_rating band = ck_inspect_band(w->points, &mc.bands);
            json_object_set_new(j, "score", json_pack("{s:i, s:I, s:s}", "points", w->points, "bar",
                                                      (json_int_t)(w->points * SMALL_BAR / CK_INSPECT_MAX_POINTS),
                                                      "band", ck_rating_title(band)));
        }
        if (reach) {
            json_object_set_new(j, "href", json_string(own ? "/pdu" : ck_arena_printf(a, "/pdu?%s", q)));
            json_object_set_new(j, "cases_href", json_string(ck_arena_printf(a, "/pdu/cases?%s", q)));
            json_object_set_new(j, "overdue_href", json_string(ck_arena_printf(a, "/pdu/overdue?%s", q)));
            if (ck_principal_may(s.p, CK_PERM_INSPECTION_READ))
                json_object_set_new(j, "score_href", json_string(own ? "/inspection" : ck_arena_printf(a, "/inspection?pdu=%s", w->x->code)));
        }
        json_array_append_new(pdus, j);
    }
    /* Each column heading sorts by it; again the other way round (the
     * region picked, ?region=, kept). */
    const char *picked = ck_http_query(r, "region");
    const char *region_q = picked && *picked ? ck_arena_printf(a, "region=%s&", region.code) : "";
    static const char *const labels[] = {"Probation delivery unit", "Score out of 27", "Cases", "Overdue"};
    json_t *heads = json_array();
    for (int k = 0; k < (int)N_REGION_COLS; k++) {
        bool current = k == by.key;
        const char *label = k < 4 ? labels[k] : ck_arena_printf(a, "%s on time", rate_labels[k - 4]);
        json_array_append_new(heads, json_pack("{s:s, s:s, s:s, s:b}", "label", label, "href",
                                               ck_arena_printf(a, "/region?%ssort=%s&order=%s", region_q, region_col_key((size_t)k),
                                                               current && !by.desc ? "desc" : "asc"),
                                               "sort", current ? (by.desc ? "descending" : "ascending") : "none",
                                               "numeric", k > 0));
    }
    ck_free(rows);
    json_t *page = ck_web_page(r, &s, "Region dashboard", "region");
    json_object_set_new(page, "heads", heads);
    json_object_set_new(page, "pdus", pdus);
    json_object_set_new(page, "region", json_string(g->name));
    json_object_set_new(page, "cases_meaning", json_string(CK_PDU_CASES_MEANING));
    ck_region_summary_free(g);
    ck_web_render(r, 200, "region.html", page);
}
