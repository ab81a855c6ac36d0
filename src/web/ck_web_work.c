/* ck_web_work: My work (every overdue and due-soon obligation of the
 * signed-in practitioner's caseload, filtered, sorted and paged by a GET
 * form, so it works without JavaScript) and "Needs your attention" on My
 * work and on the case overview. */
#include "ck_attention.h"
#include "ck_req_store.h"
#include "ck_requirements.h"
#include "ck_web.h"
#include <stdlib.h>
#include <string.h>

#define WORKLIST_MAX 5000 /* one practitioner's open obligations; more is said on the page */
#define WORK_PAGE 25      /* rows of a My work page */
#define ATTENTION_MAX 10  /* items of each kind under "Needs your attention" */
#define REVIEW_AHEAD_DAYS 14 /* a registration review this close is "due for review" */
#define TIER_LOOKBACK_DAYS 28 /* a tier changed this many days ago or less has "changed" */

/* The due windows of the filter: overdue, plus open ones due within `days`
 * of today (-1: every open one, 0: none). */
static const struct {
    const char *key, *label;
    int days;
} windows[] = {
    {"28", "Overdue or due in the next 4 weeks", 28},
    {"7", "Overdue or due in the next 7 days", 7},
    {"overdue", "Overdue only", 0},
    {"all", "Everything overdue or due", -1},
};

static const char *const sev_labels[] = {"Critical", "High", "Normal"};

/* ---- Needs your attention ------------------------------------------------- */

static const char *check_words(const char *kind)
{
    return ck_streq(kind, "police_da") ? "Police domestic abuse check" : "Children's services check";
}

static void attention_add(json_t *list, const char *person, const char *crn, const char *text, const char *href,
                          const char *action)
{
    json_t *j = json_pack("{s:s}", "text", text);
    /* No link for a reader who may not open the form (head of PDU, QA). */
    if (href) {
        json_object_set_new(j, "action_href", json_string(href));
        json_object_set_new(j, "action_text", json_string(action));
    }
    if (person) json_object_set_new(j, "person", json_string(person));
    if (crn) json_object_set_new(j, "crn", json_string(crn));
    json_array_append_new(list, j);
}

/* "/cases/X1/contacts/C2/outcome" */
static const char *case_path(ck_http_req *r, const char *crn, const char *kind, const char *id, const char *verb)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "/cases/");
    ck_buf_escape(&b, CK_ESC_URL, crn, strlen(crn));
    ck_buf_printf(&b, "/%s/", kind);
    if (id) {
        ck_buf_escape(&b, CK_ESC_URL, id, strlen(id));
        ck_buf_printf(&b, "/%s", verb);
    } else {
        ck_buf_puts(&b, verb);
    }
    const char *s = ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&b));
    ck_buf_free(&b);
    return s;
}

static const char *subject_id(const char *subject)
{
    const char *colon = strchr(subject, ':');
    return colon ? colon + 1 : subject;
}

/* The stored tier changes of the last TIER_LOOKBACK_DAYS (ck_attention):
 * of the cases `staff` holds that f lets the reader see, each with the
 * person's name, or of the one case `crn`; *left: how many more there
 * are; the link to a new assessment only when can_write. False when the
 * read failed (logged). */
static bool tier_changes(ck_http_req *r, ck_db *db, json_t *list, const char *staff, const char *crn,
                         const ck_case_filter *f, ck_date today, bool can_write, size_t *left)
{
    ck_tier_changes *tc = NULL;
    char err[512];
    if (ck_attention_tier_changes(db, staff, crn, f, today - TIER_LOOKBACK_DAYS, ATTENTION_MAX, &tc, err, sizeof err) !=
        CK_OK) {
        ck_http_log("%s web: tier changes: %s", ck_http_request_id(r), err);
        return false;
    }
    for (size_t i = 0; i < tc->n; i++) {
        const ck_tier_change *t = &tc->items[i];
        char missing[512];
        ck_web_tier_missing_stored(t->tier_missing, missing, sizeof missing);
        attention_add(list, staff ? ck_web_person_name(r, t->forename, t->surname) : NULL, staff ? t->crn : NULL,
                      ck_arena_printf(ck_http_arena(r), "Tier changed from %s to %s on %s%s%s%s", t->previous, t->tier,
                                      ck_web_date_long(r, t->changed_on), missing[0] ? " (provisional: no " : "",
                                      missing, missing[0] ? ")" : ""),
                      can_write ? case_path(r, t->crn, "assessments", NULL, "new") : NULL, "Review the risk assessment");
    }
    *left = tc->total - tc->n;
    ck_tier_changes_free(tc);
    return true;
}

/* Why over-running unpaid work (core/ck_requirements decides) is flagged. */
static const char *behind_text(ck_http_req *r, const ck_req_progress *p, int pace)
{
    return ck_arena_printf(ck_http_arena(r),
                           "Unpaid work is behind schedule: %d hours are left and at %d hours a week only %d can be "
                           "worked before %s",
                           p->remaining, pace, p->workable, ck_web_date_long(r, p->last_day));
}

/* My work's over-running unpaid work: the active unpaid work requirements
 * of the cases staff holds, with the hours worked, in one query
 * (store/ck_req_store), judged by the function the case page uses. At most
 * ATTENTION_MAX; *more counts the rest. false (logged) when the store fails. */
static bool work_behind(ck_http_req *r, const ck_session *s, ck_db *db, json_t *list, ck_date today, size_t *more)
{
    ck_req_rows *l = NULL;
    char err[512];
    if (ck_req_rows_hours(db, s->staff, ck_web_case_filter(r, s), today, &l, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: unpaid work behind schedule: %s", ck_http_request_id(r), err);
        return false;
    }
    int pace = ck_web_of(r)->app.engine.cfg->upw_pace_hours_week;
    size_t shown = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ck_req_row *q = &l->rows[i];
        ck_req_progress p;
        ck_requirement_progress_of(ck_req_type_find(q->type), q->amount, q->used, q->start, q->last_day,
                                   q->terminated_on, today, pace, &p);
        if (!p.overrunning) continue;
        if (shown == ATTENTION_MAX) {
            (*more)++;
            continue;
        }
        shown++;
        ck_buf href = CK_BUF_INIT;
        ck_buf_puts(&href, "/cases/");
        ck_buf_escape(&href, CK_ESC_URL, q->crn, strlen(q->crn));
        ck_buf_puts(&href, "/sentence");
        attention_add(list, ck_web_person_name(r, q->forename, q->surname), q->crn, behind_text(r, &p, pace),
                      ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&href)), "View the sentence");
        ck_buf_free(&href);
    }
    ck_req_rows_free(l);
    return true;
}

json_t *ck_web_case_attention(ck_http_req *r, ck_db *db, const ck_case *c, const ck_result *res,
                              const ck_overview *sum, ck_date today, bool can_write, bool can_check)
{
    ck_arena *a = ck_http_arena(r);
    json_t *list = json_array();
    for (size_t i = 0; i < sum->n_no_outcome; i++) {
        const ck_overview_appt *ct = &sum->no_outcome[i];
        attention_add(list, NULL, NULL,
                      ck_arena_printf(a, "Appointment on %s has no outcome", ck_web_date_long(r, ct->date)),
                      can_write ? case_path(r, c->crn, "contacts", ct->id, "outcome") : NULL, "Record the outcome");
    }
    for (size_t i = 0; i < c->n_checks; i++) {
        const ck_check *k = &c->checks[i];
        if (k->requested == CK_NODATE || k->received != CK_NODATE) continue;
        attention_add(list, NULL, NULL,
                      ck_arena_printf(a, "%s requested on %s has had no reply", check_words(k->kind),
                                      ck_web_date_long(r, k->requested)),
                      can_check ? case_path(r, c->crn, "checks", k->id, "receive") : NULL, "Record the reply");
    }
    for (size_t i = 0; i < res->n_obligations; i++) {
        const ck_obligation *o = &res->obligations[i];
        if (strcmp(o->rule, "REG_REVIEW") != 0 || o->met_on != CK_NODATE || o->due > today + REVIEW_AHEAD_DAYS) continue;
        const char *id = subject_id(o->subject);
        const char *type = id;
        for (size_t k = 0; k < c->n_registrations; k++)
            if (strcmp(c->registrations[k].id, id) == 0) {
                const char *label = ck_web_register_label(c->registrations[k].type, NULL);
                type = label ? label : c->registrations[k].type;
            }
        attention_add(list, NULL, NULL,
                      ck_arena_printf(a, "%s registration is %s for review on %s", type,
                                      o->due < today ? "overdue" : "due", ck_web_date_long(r, o->due)),
                      can_write ? case_path(r, c->crn, "registrations", id, "review") : NULL, "Review the registration");
    }
    /* Unpaid work that cannot be finished at the configured pace before it
     * ends (core/ck_requirements), from the hours the summary summed. */
    int pace = ck_web_of(r)->app.engine.cfg->upw_pace_hours_week;
    for (size_t i = 0; i < sum->requirements->n; i++) {
        const ck_req_row *q = &sum->requirements->rows[i];
        ck_req_progress p;
        ck_requirement_progress_of(ck_req_type_find(q->type), q->amount, q->used, q->start, q->last_day,
                                   q->terminated_on, today, pace, &p);
        if (!p.overrunning) continue;
        attention_add(list, NULL, NULL, behind_text(r, &p, pace),
                      can_write ? case_path(r, c->crn, "requirements", q->id, "session") : NULL,
                      "Record unpaid work hours");
    }
    size_t left;
    if (!tier_changes(r, db, list, NULL, c->crn, NULL, today, can_write, &left)) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* My work's list: OUTCOME and REG_REVIEW obligations from the worklist,
 * unanswered checks from the store. */
static json_t *work_attention(ck_http_req *r, const ck_session *s, ck_db *db, const ck_worklist *wl, ck_date today,
                              bool *failed)
{
    ck_arena *a = ck_http_arena(r);
    json_t *list = json_array();
    size_t outcomes = 0, reviews = 0;
    for (size_t i = 0; i < wl->n; i++) {
        const ck_worklist_item *it = &wl->items[i];
        const char *person = ck_web_person_name(r, it->forename, it->surname);
        const char *id = subject_id(it->o.subject);
        if (strcmp(it->o.rule, "OUTCOME") == 0 && outcomes++ < ATTENTION_MAX)
            attention_add(list, person, it->crn, "Appointment without an outcome",
                          case_path(r, it->crn, "contacts", id, "outcome"), "Record the outcome");
        else if (strcmp(it->o.rule, "REG_REVIEW") == 0 && it->o.due <= today + REVIEW_AHEAD_DAYS &&
                 reviews++ < ATTENTION_MAX)
            attention_add(list, person, it->crn,
                          ck_arena_printf(a, "Registration %s for review on %s", it->o.due < today ? "overdue" : "due",
                                          ck_web_date_long(r, it->o.due)),
                          case_path(r, it->crn, "registrations", id, "review"), "Review the registration");
    }
    ck_pending_checks *pc = NULL;
    char err[512];
    if (ck_attention_pending_checks(db, s->staff, ck_web_case_filter(r, s), ATTENTION_MAX, &pc, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: unanswered checks: %s", ck_http_request_id(r), err);
        *failed = true;
        return list;
    }
    for (size_t i = 0; i < pc->n; i++) {
        const ck_pending_check *k = &pc->items[i];
        attention_add(list, ck_web_person_name(r, k->forename, k->surname), k->crn,
                      ck_arena_printf(a, "%s requested on %s has had no reply", check_words(k->kind),
                                      ck_web_date_long(r, k->requested)),
                      case_path(r, k->crn, "checks", k->id, "receive"), "Record the reply");
    }
    size_t more = (outcomes > ATTENTION_MAX ? outcomes - ATTENTION_MAX : 0) +
                  (reviews > ATTENTION_MAX ? reviews - ATTENTION_MAX : 0) + (pc->total - pc->n), tiers = 0;
    ck_pending_checks_free(pc);
    if (!work_behind(r, s, db, list, today, &more)) {
        *failed = true;
        return list;
    }
    if (!tier_changes(r, db, list, s->staff, NULL, ck_web_case_filter(r, s), today, ck_web_allowed(s, "case:write"), &tiers)) {
        *failed = true;
        return list;
    }
    more += tiers;
    if (more)
        json_array_append_new(list, json_pack("{s:s}", "text",
                                              ck_arena_printf(a, "And %zu more: filter the list below by rule", more)));
    return list;
}

/* ---- My work ---------------------------------------------------------------- */

typedef struct work_filter {
    int severity;     /* -1: all */
    const char *rule; /* NULL: all */
    size_t window;    /* index into windows[] */
    bool by_person;
} work_filter;

/* Reads the filter from the query string; a value that is not one of the
 * form's own gets an error naming the field (a hand-edited address). */
static void read_filter(ck_http_req *r, json_t *page, work_filter *f)
{
    *f = (work_filter){.severity = -1};
    const char *sev = ck_http_query(r, "severity"), *rule = ck_http_query(r, "rule"),
               *due = ck_http_query(r, "due"), *sort = ck_http_query(r, "sort");
    if (sev && *sev) {
        ck_severity v;
        if (ck_severity_parse(sev, strlen(sev), &v)) f->severity = (int)v;
        else ck_web_form_error(page, "severity", "Select a severity from the list");
    }
    if (rule && *rule) {
        for (size_t i = 0; ck_rule_ids[i] && !f->rule; i++)
            if (strcmp(ck_rule_ids[i], rule) == 0) f->rule = ck_rule_ids[i];
        if (!f->rule) ck_web_form_error(page, "rule", "Select what is needed from the list");
    }
    if (due && *due) {
        size_t i = 0;
        while (i < sizeof windows / sizeof *windows && strcmp(windows[i].key, due) != 0) i++;
        if (i < sizeof windows / sizeof *windows) f->window = i;
        else ck_web_form_error(page, "due", "Select when things are due from the list");
    }
    if (sort && *sort && strcmp(sort, "due") != 0) {
        if (strcmp(sort, "person") == 0) f->by_person = true;
        else ck_web_form_error(page, "sort", "Select how to sort from the list");
    }
}

static bool in_window(const ck_worklist_item *it, const work_filter *f, ck_date today)
{
    if (it->o.status == CK_ST_OVERDUE) return true;
    int days = windows[f->window].days;
    return days < 0 || (days > 0 && it->o.due <= today + days);
}

static int cmp_str0(const char *a, const char *b) { return strcasecmp(a ? a : "", b ? b : ""); }

static int cmp_due(const void *pa, const void *pb)
{
    const ck_worklist_item *a = *(const ck_worklist_item *const *)pa, *b = *(const ck_worklist_item *const *)pb;
    if (a->o.due != b->o.due) return a->o.due < b->o.due ? -1 : 1;
    if (a->o.severity != b->o.severity) return a->o.severity < b->o.severity ? -1 : 1;
    int c = strcmp(a->crn, b->crn);
    return c ? c : strcmp(a->o.rule, b->o.rule) ? strcmp(a->o.rule, b->o.rule) : strcmp(a->o.subject, b->o.subject);
}

static int cmp_person(const void *pa, const void *pb)
{
    const ck_worklist_item *a = *(const ck_worklist_item *const *)pa, *b = *(const ck_worklist_item *const *)pb;
    int c = cmp_str0(a->surname, b->surname);
    if (!c) c = cmp_str0(a->forename, b->forename);
    if (!c) c = strcmp(a->crn, b->crn);
    return c ? c : cmp_due(pa, pb);
}

/* One select of the filter form: {name, label, error, options}, the current
 * value selected. */
static void add_select(json_t *list, const json_t *page, const char *name, const char *label, const char *const *keys,
                       const char *const *labels, size_t n, const char *cur)
{
    json_t *o = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(o, json_pack("{s:s, s:s, s:b}", "value", keys[i], "text", labels[i], "selected",
                                           ck_streq(cur, keys[i])));
    json_t *sel = json_pack("{s:s, s:s, s:o}", "name", name, "label", label, "options", o);
    json_t *err = json_object_get(json_object_get(page, "error"), name);
    if (err) json_object_set(sel, "error", err);
    json_array_append_new(list, sel);
}

static void filter_form(ck_http_req *r, json_t *page, const work_filter *f)
{
    json_t *selects = json_array();
    static const char *const sev_keys[] = {"", "critical", "high", "normal"};
    static const char *const sev_text[] = {"All severities", "Critical", "High", "Normal"};
    add_select(selects, page, "severity", "Severity", sev_keys, sev_text, 4,
               f->severity < 0 ? "" : ck_severity_name((ck_severity)f->severity));
    size_t n_rules = 0;
    while (ck_rule_ids[n_rules]) n_rules++;
    const char **keys = ck_arena_array(ck_http_arena(r), n_rules + 1, sizeof *keys);
    const char **labels = ck_arena_array(ck_http_arena(r), n_rules + 1, sizeof *labels);
    keys[0] = "";
    labels[0] = "Everything";
    for (size_t i = 0; i < n_rules; i++) {
        keys[i + 1] = ck_rule_ids[i];
        labels[i + 1] = ck_web_rule_name(ck_rule_ids[i]);
    }
    add_select(selects, page, "rule", "What is needed", keys, labels, n_rules + 1, f->rule ? f->rule : "");
    const char *wkeys[sizeof windows / sizeof *windows], *wlabels[sizeof windows / sizeof *windows];
    for (size_t i = 0; i < sizeof windows / sizeof *windows; i++) {
        wkeys[i] = windows[i].key;
        wlabels[i] = windows[i].label;
    }
    add_select(selects, page, "due", "When", wkeys, wlabels, sizeof windows / sizeof *windows, windows[f->window].key);
    static const char *const sort_keys[] = {"due", "person"};
    static const char *const sort_text[] = {"Due date, earliest first", "Person, by surname"};
    add_select(selects, page, "sort", "Sort by", sort_keys, sort_text, 2, f->by_person ? "person" : "due");
    json_object_set_new(page, "selects", selects);
}

/* "/my-work?severity=&rule=&due=&sort=" with the filter's values, for links. */
static const char *filter_query(ck_http_req *r, const work_filter *f, int severity)
{
    return ck_arena_printf(ck_http_arena(r), "/my-work?severity=%s&rule=%s&due=%s&sort=%s",
                           severity < 0 ? "" : ck_severity_name((ck_severity)severity), f->rule ? f->rule : "",
                           windows[f->window].key, f->by_person ? "person" : "due");
}

void ck_web_my_work(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    ck_worklist_query q = {.staff = s.staff, .statuses = 1u << CK_ST_OVERDUE | 1u << CK_ST_OPEN,
                           .as_of = today, .limit = WORKLIST_MAX};
    ck_worklist *wl = NULL;
    char err[512];
    if (ck_access_worklist(db, s.p, &q, &wl, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: worklist: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    json_t *page = ck_web_page(r, &s, "My work", "work");
    work_filter f;
    read_filter(r, page, &f);
    filter_form(r, page, &f);
    bool failed = false;
    json_object_set_new(page, "attention", work_attention(r, &s, db, wl, today, &failed));
    if (failed) {
        json_decref(page);
        ck_worklist_free(wl);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    /* Counts per severity over the rule and window (so each count says what
     * choosing that severity would show), then the rows of the severity. */
    const ck_worklist_item **rows = ck_arena_array(ck_http_arena(r), wl->n ? wl->n : 1, sizeof *rows);
    size_t n = 0, per_sev[3] = {0}, overdue = 0, due = 0;
    for (size_t i = 0; i < wl->n; i++) {
        const ck_worklist_item *it = &wl->items[i];
        if ((f.rule && strcmp(f.rule, it->o.rule) != 0) || !in_window(it, &f, today)) continue;
        per_sev[it->o.severity]++;
        if (f.severity >= 0 && (int)it->o.severity != f.severity) continue;
        rows[n++] = it;
        if (it->o.status == CK_ST_OVERDUE) overdue++; else due++;
    }
    qsort(rows, n, sizeof *rows, f.by_person ? cmp_person : cmp_due);
    json_t *groups = json_array();
    for (int v = CK_SEV_CRITICAL; v <= CK_SEV_NORMAL; v++)
        json_array_append_new(groups, json_pack("{s:s, s:I, s:s, s:b}", "label", sev_labels[v], "count",
                                                (json_int_t)per_sev[v], "href", filter_query(r, &f, v), "current",
                                                f.severity == v));
    json_object_set_new(page, "groups", groups);
    json_object_set_new(page, "all_href", json_string(filter_query(r, &f, -1)));
    size_t page_no = ck_web_page_number(r), from = (page_no - 1) * WORK_PAGE;
    json_t *items = json_array();
    const char *vlo_team = NULL, *vlo = NULL; /* the last team looked up: a caseload is mostly one team's */
    bool vlo_known = false;
    for (size_t i = from; i < n && i < from + WORK_PAGE; i++) {
        json_t *j = ck_web_obligation(r, rows[i]->crn, &rows[i]->o);
        if (ck_streq(json_string_value(json_object_get(j, "who")), CK_WEB_VICTIM_LIAISON)) {
            if (!vlo_team || !ck_streq(vlo_team, rows[i]->team)) {
                vlo_team = rows[i]->team;
                vlo_known = ck_attention_liaison(db, rows[i]->team, today, ck_http_arena(r), &vlo, err, sizeof err) == CK_OK;
                if (!vlo_known) ck_http_log("%s web: victim liaison officer: %s", ck_http_request_id(r), err);
            }
            /* A failed look-up leaves the row saying only "Victim liaison". */
            if (vlo_known)
                json_object_set_new(j, "who", json_string(ck_arena_printf(ck_http_arena(r), "%s: %s", CK_WEB_VICTIM_LIAISON,
                                                                          vlo ? vlo : "no officer in post in this PDU")));
        }
        json_object_set_new(j, "crn", json_string(rows[i]->crn));
        json_object_set_new(j, "person", json_string(ck_web_person_name(r, rows[i]->forename, rows[i]->surname)));
        json_object_set_new(j, "severity_label", json_string(sev_labels[rows[i]->o.severity]));
        json_array_append_new(items, j);
    }
    json_object_set_new(page, "items", items);
    json_object_set_new(page, "pagination",
                        ck_web_pagination(r, filter_query(r, &f, f.severity), page_no, WORK_PAGE, n));
    json_object_set_new(page, "overdue", json_integer((json_int_t)overdue));
    json_object_set_new(page, "due_soon", json_integer((json_int_t)due));
    json_object_set_new(page, "window_label", json_string(windows[f.window].label));
    json_object_set_new(page, "truncated", json_boolean(wl->total > wl->n));
    json_object_set_new(page, "today", json_string(ck_web_date_long(r, today)));
    ck_worklist_free(wl);
    ck_web_render(r, ck_web_form_has_errors(page) ? 400 : 200, "my_work.html", page);
}
