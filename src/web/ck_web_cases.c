/* ck_web_cases: the caseload, search and the case pages (My work: ck_web_work). */
#include "ck_attention.h"
#include "ck_cal.h"
#include "ck_caseload.h"
#include "ck_explain.h"
#include "ck_facts.h"
#include "ck_tier.h"
#include "ck_appt.h"
#include "ck_web.h"
#include "ck_web_consent.h"
#include "ck_web_names.h"
#include "ck_web_plain.h"
#include "ck_web_requirements.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEARCH_PAGE 20
#define CASELOAD_PAGE 50     /* rows of a caseload page */

/* What meets each rule, for the link beside an obligation. `path` is under
 * /cases/CRN/ and may name the subject's id ({id}); NULL: no form here, and
 * `who` says who acts instead ("Victim liaison" rows get the officer's name
 * and the referral date on the case page). */
static const struct rule_action {
    const char *rule, *name, *path, *text, *who;
} rule_actions[] = {
    {"ALLOCATE", "Allocate the case", NULL, NULL, "Senior probation officer, from the team page"},
    {"INDUCTION", "Induction appointment", "appointments/new", "Book an appointment", NULL},
    {"CONTACT", "Next contact", "appointments/new", "Book an appointment", NULL},
    {"NEXT_APPOINTMENT", "Book the next appointment", "appointments/new", "Book an appointment", NULL},
    {"OUTCOME", "Record the outcome", "contacts/{id}/outcome", "Record an outcome", NULL},
    {"ADDRESS", "Confirm an address", "changes/new", "Record a change of circumstances", NULL},
    {"TERMINATE", "Terminate the sentence", NULL, NULL, "Case administrator"},
    {"REVIEW_APPOINTMENT", "Review appointment", "appointments/new", "Book an appointment", NULL},
    {"ENFORCE", "Enforcement action", "contacts/{id}/enforcement", "Record enforcement action", NULL},
    {"BREACH_PACK", "Send the breach pack", NULL, NULL, "Probation practitioner, with the enforcement hub"},
    {"RECALL_DECISION", "Recall decision", "decisions/new", "Record a decision", NULL},
    {"ROSH_INITIAL", "Initial RoSH assessment", "assessments/new", "Record a RoSH assessment", NULL},
    {"ROSH_REVIEW", "RoSH review", "assessments/new", "Record a RoSH assessment", NULL},
    {"ROSH_CHANGE", "RoSH after a significant change", "assessments/new", "Record a RoSH assessment", NULL},
    {"SENTENCE_PLAN", "Sentence plan", "assessments/new", "Record an assessment", NULL},
    {"OVERSIGHT", "Management oversight", "assessments/new", "Record an assessment", NULL},
    {"DA_CHECK", "Police domestic abuse check", "checks/new", "Request or record a check", NULL},
    {"CHILD_CHECK", "Children's services check", "checks/new", "Request or record a check", NULL},
    {"DA_FLAG_DECISION", "Domestic abuse flag decision", "registrations/new", "Add a registration", NULL},
    {"REG_REVIEW", "Registration review", "registrations/{id}/review", "Review the registration", NULL},
    {"MAPPA_IDENTIFY", "Identify MAPPA eligibility", "registrations/new", "Add a registration", NULL},
    {"VCS_REFERRAL", "Victim contact scheme referral", NULL, NULL, CK_WEB_VICTIM_LIAISON},
    {"VCS_FIRST_CONTACT", "First contact with the victim", NULL, NULL, CK_WEB_VICTIM_LIAISON},
    {"VCS_FLAG", "Victim flag (INVI)", "registrations/new", "Add a registration", NULL},
    {"VCS_REPRESENTATIONS", "Victim representations", NULL, NULL, CK_WEB_VICTIM_LIAISON},
    {"VCS_RELEASE_NOTICE", "Tell the victim about the release", NULL, NULL, CK_WEB_VICTIM_LIAISON},
    {"VCS_RECALL_NOTICE", "Tell the victim about the recall", NULL, NULL, CK_WEB_VICTIM_LIAISON},
    {"VCS_NONSTATUTORY", "Non-statutory victim contact", "decisions/new", "Record a decision", NULL},
    {"REPORT_DUE", "Pre-sentence report due", NULL, NULL, "Court team"},
};

static const struct rule_action *rule_action(const char *rule)
{
    for (size_t i = 0; i < sizeof rule_actions / sizeof *rule_actions; i++)
        if (strcmp(rule_actions[i].rule, rule) == 0) return &rule_actions[i];
    return NULL;
}

const char *ck_web_rule_name(const char *rule)
{
    const struct rule_action *a = rule_action(rule);
    return a ? a->name : rule;
}

static const char *short_date(ck_http_req *r, ck_date d)
{
    if (d == CK_NODATE) return "";
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    return ck_arena_printf(ck_http_arena(r), "%d %s %d", dd, mon[m - 1], y);
}

/* "/cases/X1/contacts/C2/outcome?rule=ENFORCE&subject=contact%3AC2" */
static char *action_href(ck_http_req *r, const char *crn, const ck_obligation *o, const struct rule_action *a)
{
    ck_buf b = CK_BUF_INIT;
    const char *colon = strchr(o->subject, ':');
    const char *id = colon ? colon + 1 : "";
    ck_buf_puts(&b, "/cases/");
    ck_buf_escape(&b, CK_ESC_URL, crn, strlen(crn));
    ck_buf_putc(&b, '/');
    for (const char *p = a->path; *p;) {
        if (strncmp(p, "{id}", 4) == 0) {
            ck_buf_escape(&b, CK_ESC_URL, id, strlen(id));
            p += 4;
        } else {
            ck_buf_putc(&b, *p++);
        }
    }
    ck_buf_puts(&b, "?rule=");
    ck_buf_puts(&b, o->rule);
    ck_buf_puts(&b, "&subject=");
    ck_buf_escape(&b, CK_ESC_URL, o->subject, strlen(o->subject));
    char *s = ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&b));
    ck_buf_free(&b);
    return s;
}

json_t *ck_web_obligation(ck_http_req *r, const char *crn, const ck_obligation *o)
{
    return ck_web_obligation_plain(r, crn, o, NULL);
}

json_t *ck_web_obligation_plain(ck_http_req *r, const char *crn, const ck_obligation *o, const ck_obligation *detail)
{
    const struct rule_action *a = rule_action(o->rule);
    char due[CK_DATE_STRLEN];
    /* The stored row says what is due and its status; the engine's own
     * obligation (detail) adds what the due date counts from. */
    ck_obligation plain = *o;
    if (detail) {
        plain.basis = detail->basis;
        plain.amount = detail->amount;
        plain.why = detail->why;
        plain.high_risk = detail->high_risk;
        plain.stage = detail->stage;
        plain.period = detail->period;
    } else {
        plain.basis = CK_NODATE;
    }
    ck_buf sentence = CK_BUF_INIT;
    ck_web_plain_sentence(&sentence, &plain);
    /* The explanation's words are written out here, where the page shows them. */
    const char *explanation = o->explain ? ck_explain_text(o->explain, ck_http_arena(r)) : "";
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s%}", "rule", o->rule, "name",
                          ck_web_rule_name(o->rule), "subject", o->subject, "due", ck_date_fmt(o->due, due),
                          "due_text", short_date(r, o->due), "status", ck_status_name(o->status), "severity",
                          ck_severity_name(o->severity), "explanation", explanation,
                          "met_text", short_date(r, o->met_on), "sentence", ck_buf_cstr(&sentence), sentence.len);
    ck_buf_free(&sentence);
    if (a && a->path) {
        json_object_set_new(j, "action_href", json_string(action_href(r, crn, o, a)));
        json_object_set_new(j, "action_text", json_string(a->text));
    } else if (a && a->who) {
        json_object_set_new(j, "who", json_string(a->who));
    }
    return j;
}

/* ---- The case header ---------------------------------------------------- */

/* Registers the header and the caseload call out, with their labels
 * (peer-systems.md §4). */
static const struct {
    const char *type, *label, *colour;
} header_flags[] = {
    {"ADVP", "Domestic abuse perpetrator", "govuk-tag--red"},
    {"RCPR", "Child protection", "govuk-tag--red"},
    {"RCCO", "Child concerns", "govuk-tag--orange"},
    {"RVHR", "Very high RoSH register", "govuk-tag--red"},
    {"ALSH", "Self-harm risk", "govuk-tag--orange"},
    {"STRG", "Street gangs", "govuk-tag--orange"},
    {"IIOM", "IOM", "govuk-tag--blue"},
    {"INVI", "Victim contact", "govuk-tag--purple"},
};

const char *ck_web_register_label(const char *type, const char **colour)
{
    for (size_t k = 0; k < sizeof header_flags / sizeof *header_flags; k++)
        if (ck_streq(header_flags[k].type, type)) {
            if (colour) *colour = header_flags[k].colour;
            return header_flags[k].label;
        }
    return NULL;
}

static const char *rosh_label(const char *level)
{
    return !level ? "" : strcmp(level, "very_high") == 0 ? "Very high" : strcmp(level, "high") == 0 ? "High"
                      : strcmp(level, "medium") == 0 ? "Medium" : "Low";
}

/* What an assessment found, for people: the RoSH level, the RSR score
 * ("6.25%"), or the OASys needs that are not "no need" ("Accommodation
 * need: Severe need; ..."); "" when none of these. */
static const char *assessment_result(ck_http_req *r, const ck_assessment *a)
{
    if (a->level) return rosh_label(a->level);
    if (a->score != CK_NOINT) return ck_arena_printf(ck_http_arena(r), "%d.%02d%%", (int)a->score / 100, (int)a->score % 100);
    if (!a->has_needs) return "";
    static const char *const keys[] = {"accommodation", "education_training_employment", "relationships",
                                       "lifestyle_associates", "drug_misuse", "alcohol_misuse", "thinking_behaviour",
                                       "attitudes"};
    const char *const values[] = {a->needs.accommodation, a->needs.education_training_employment,
                                  a->needs.relationships, a->needs.lifestyle_associates, a->needs.drug_misuse,
                                  a->needs.alcohol_misuse, a->needs.thinking_behaviour, a->needs.attitudes};
    ck_buf b = CK_BUF_INIT;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!values[i] || strcmp(values[i], "no_need") == 0) continue;
        ck_buf_printf(&b, "%s%s: %s", b.len ? "; " : "", ck_web_field_label("assessments", keys[i], keys[i]),
                      ck_web_choice_label("assessments", keys[i], values[i], values[i]));
    }
    const char *out = b.len ? ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&b)) : "No needs identified";
    ck_buf_free(&b);
    return out;
}

json_t *ck_web_case_header(ck_http_req *r, const ck_case *c, ck_date today)
{
    const ck_web *w = ck_web_of(r);
    const char *name = ck_web_person_name(r, c->person.forename, c->person.surname);
    char dob[CK_DATE_STRLEN];
    json_t *h = json_pack("{s:s, s:s, s:s, s:s}", "crn", c->crn, "name", name, "dob",
                          ck_date_fmt(c->person.date_of_birth, dob), "dob_text",
                          ck_web_date_long(r, c->person.date_of_birth));
    ck_tier *t = ck_malloc(sizeof *t);
    ck_tier_case(c, today, w->app.engine.cfg, t);
    json_object_set_new(h, "tier", json_string(t->tier));
    if (t->provisional) {
        const char *keys[CK_MISSING_MAX];
        for (size_t i = 0; i < t->missing.n; i++) keys[i] = t->missing.item[i].input;
        char text[512];
        json_object_set_new(h, "tier_provisional", json_true());
        json_object_set_new(h, "tier_missing", json_string(ck_web_tier_missing_text(keys, t->missing.n, text, sizeof text)));
    }
    if (t->ogrs3.status == CK_SCORE_OK)
        json_object_set_new(h, "ogrs3", json_pack("{s:i, s:i, s:s}", "p1", t->ogrs3.p1, "p2", t->ogrs3.p2, "band",
                                                  ck_ogrs3_band_name(t->ogrs3.band)));
    /* The RoSH the tier read: the latest of the RoSH registrations and
     * assessments, and the page says which (issue 20). */
    if (t->rosh.level) {
        json_object_set_new(h, "rosh", json_string(rosh_label(t->rosh.level)));
        json_object_set_new(h, "rosh_level", json_string(t->rosh.level));
        json_object_set_new(h, "rosh_source", json_string(t->rosh.register_type ? "registered" : "assessed"));
        json_object_set_new(h, "rosh_date", json_string(ck_web_date_long(r, t->rosh.date)));
    }
    ck_free(t);
    json_t *flags = json_array();
    for (size_t i = 0; i < c->n_registrations; i++) {
        const ck_registration *g = &c->registrations[i];
        if (!ck_registration_in_force(g, today)) continue;
        if (strcmp(g->type, "MAPP") == 0) {
            json_object_set_new(h, "mappa", json_pack("{s:s, s:s}", "level",
                                                      ck_web_choice_label("registrations", "level", g->level, ""),
                                                      "category",
                                                      ck_web_choice_label("registrations", "category", g->category, "")));
            continue;
        }
        const char *colour, *label = ck_web_register_label(g->type, &colour);
        if (label) json_array_append_new(flags, json_pack("{s:s, s:s}", "label", label, "colour", colour));
    }
    json_object_set_new(h, "flags", flags);
    int in_scheme = 0;
    for (size_t i = 0; i < c->n_victims; i++) in_scheme += ck_streq(c->victims[i].opted, "in");
    json_object_set_new(h, "victims_in_scheme", json_integer(in_scheme));
    ck_web_case_strip(r, c, today, h);
    return h;
}

/* Answers a failed read of the case the path names. */
static void case_read_failed(ck_http_req *r, const ck_session *s, ck_rc rc, const char *err)
{
    if (rc == CK_ERR_DENIED) {
        ck_web_error_page(r, s, 403, "You cannot see this case", err);
    } else if (rc == CK_ERR_NOTFOUND) {
        ck_web_error_page(r, s, 404, "Case not found", "There is no case with that CRN. Check it, or search for the person.");
    } else {
        ck_http_log("%s web: loading a case: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
    }
}

bool ck_web_load_case(ck_http_req *r, const ck_session *s, ck_db *db, ck_case **out)
{
    char err[512];
    /* Victims' details come back only for victim liaison staff of the case's
     * region: for everyone else the store does not even read them. */
    ck_rc rc = ck_access_get(db, s->p, ck_http_param(r, "crn"), out, err, sizeof err);
    if (rc == CK_OK) return true;
    case_read_failed(r, s, rc, err);
    return false;
}

/* What the case page asks the web's case cache for, inside the read's
 * snapshot: the case as loaded at that version, with or without victims'
 * details (the page renders per reader; only the loaded case is shared). */
typedef struct page_read {
    ck_case_cache *cache;
    const char *crn;
    unsigned view; /* CK_VIEW_*: what was loaded, the key's variant */
    ck_cached *hit; /* held */
} page_read;

static bool page_held(void *ctx, int64_t version, unsigned view, size_t *n_victims)
{
    page_read *pr = ctx;
    pr->view = view;
    ck_case_cache_key k = {pr->crn, version, view};
    pr->hit = ck_case_cache_get(pr->cache, &k, n_victims);
    return pr->hit != NULL;
}

static void drop_case(void *c) { ck_case_free(c); }

/* The case the path names, held (read-only, shared; ck_cached_release it),
 * and its obligations at today (*res, the caller's; with unmet_only just the
 * open and overdue ones), from one read snapshot audited once; false after
 * answering. */
bool ck_web_load_case_page(ck_http_req *r, const ck_session *s, ck_db *db, ck_date today, bool unmet_only,
                           bool contacts, ck_cached **held, ck_result **res, ck_overview **sum)
{
    char err[512];
    page_read pr = {ck_web_of(r)->page_cases, ck_http_param(r, "crn"), 0, NULL};
    ck_case *c = NULL;
    int64_t version = 0;
    ck_access_case_read how = {.held = page_held, .ctx = &pr, .obligations = res, .as_of = today,
                               .unmet_only = unmet_only, .without_contacts = !contacts, .summary = sum};
    ck_rc rc = ck_access_get_held(db, s->p, pr.crn, &how, &c, &version, err, sizeof err);
    if (rc != CK_OK) {
        ck_cached_release(pr.hit);
        case_read_failed(r, s, rc, err);
        return false;
    }
    if (pr.hit) {
        *held = pr.hit;
        return true;
    }
    ck_case_cache_key k = {pr.crn, version, pr.view};
    *held = ck_case_cache_put(pr.cache, &k, c, drop_case, c->n_victims);
    return true;
}

/* ---- Caseload ----------------------------------------------------------- */

const char *ck_web_tier_missing_text(const char *const *keys, size_t n, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
        int w = snprintf(out + used, len - used, "%s%s", sep, ck_tier_missing_label(keys[i]));
        if (w < 0) break;
        used += (size_t)w;
    }
    return out;
}

const char *ck_web_tier_label(const char *tier)
{
    return !tier ? "" : strcmp(tier, "NOT_SUPERVISED") == 0 ? "Not supervised" : tier;
}

/* "Domestic abuse perpetrator, MAPPA M2" for one caseload row. */
static const char *row_flags(ck_http_req *r, const ck_caseload_row *row)
{
    ck_buf b = CK_BUF_INIT;
    for (size_t i = 0; i < row->n_registers; i++) {
        const char *label = ck_web_register_label(row->registers[i], NULL);
        if (!label) continue;
        if (b.len) ck_buf_puts(&b, ", ");
        ck_buf_puts(&b, label);
    }
    if (row->mappa_level) ck_buf_printf(&b, "%sMAPPA %s", b.len ? ", " : "", row->mappa_level);
    const char *out = ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&b));
    ck_buf_free(&b);
    return out;
}

const char *ck_web_tier_missing_stored(const char *stored, char *out, size_t len)
{
    out[0] = '\0';
    if (!stored || !*stored) return out;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", stored);
    const char *keys[CK_MISSING_MAX];
    size_t n = 0;
    for (char *save = NULL, *k = strtok_r(copy, ",", &save); k && n < CK_MISSING_MAX; k = strtok_r(NULL, ",", &save))
        keys[n++] = k;
    return ck_web_tier_missing_text(keys, n, out, len);
}

json_t *ck_web_caseload_rows(ck_http_req *r, const ck_caseload *l)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const ck_caseload_row *row = &l->rows[i];
        const char *name = ck_web_person_name(r, row->forename, row->surname);
        char missing[512];
        ck_web_tier_missing_stored(row->tier_missing, missing, sizeof missing);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "crn", row->crn,
                                              "name", name, "tier", ck_web_tier_label(row->tier), "rosh",
                                              rosh_label(row->rosh_level), "rosh_level",
                                              row->rosh_level ? row->rosh_level : "", "flags", row_flags(r, row),
                                              "staff", row->staff_code ? row->staff_code : "", "last_seen",
                                              short_date(r, row->last_seen), "next", short_date(r, row->next_appt),
                                              "overdue", row->overdue));
        if (missing[0]) json_object_set_new(json_array_get(rows, i), "tier_missing", json_string(missing));
    }
    return rows;
}

json_t *ck_web_pagination(ck_http_req *r, const char *base, size_t page, size_t per_page, size_t total)
{
    size_t pages = total ? (total + per_page - 1) / per_page : 1;
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:I}", "page", (json_int_t)page, "pages", (json_int_t)pages, "total",
                          (json_int_t)total, "from", (json_int_t)(total ? (page - 1) * per_page + 1 : 0), "to",
                          (json_int_t)(page * per_page < total ? page * per_page : total));
    const char *sep = strchr(base, '?') ? "&" : "?";
    if (page > 1)
        json_object_set_new(p, "prev", json_string(ck_arena_printf(ck_http_arena(r), "%s%spage=%zu", base, sep, page - 1)));
    if (page < pages)
        json_object_set_new(p, "next", json_string(ck_arena_printf(ck_http_arena(r), "%s%spage=%zu", base, sep, page + 1)));
    return p;
}

size_t ck_web_page_number(ck_http_req *r)
{
    const char *v = ck_http_query(r, "page");
    char *end;
    unsigned long n = v ? strtoul(v, &end, 10) : 1;
    return v && (*end || n == 0 || n > 100000) ? 1 : (size_t)n;
}

static const char *const sort_keys[] = {"name", "crn", "tier", "last_seen", "next", "overdue", NULL};
static const char *const sort_labels[] = {"Name", "CRN", "Tier", "Last seen", "Next appointment", "Overdue", NULL};

void ck_web_caseload(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    const char *sort = ck_http_query(r, "sort");
    if (!sort || !ck_vocab_find(sort_keys, sort, strlen(sort))) sort = "name";
    size_t sort_i = 0;
    while (strcmp(sort_keys[sort_i], sort) != 0) sort_i++;
    bool desc = ck_streq(ck_http_query(r, "order"), "desc");
    const char *filter = ck_http_query(r, "tier"), *q = ck_http_query(r, "q");
    size_t page_no = ck_web_page_number(r);
    ck_caseload_query cq = {.staff = s.staff, .q = q, .tier = filter, .sort = (ck_caseload_sort)sort_i, .desc = desc,
                            .as_of = ck_app_today(&ck_web_of(r)->app), .limit = CASELOAD_PAGE,
                            .offset = (page_no - 1) * CASELOAD_PAGE, .filter = ck_web_case_filter(r, &s)};
    json_t *page = ck_web_page(r, &s, "My caseload", "caseload");
    ck_caseload *l = NULL;
    char err[512];
    ck_rc rc = ck_caseload_list(db, &cq, &l, err, sizeof err);
    if (rc == CK_ERR_INVALID) {
        ck_web_form_error(page, strncmp(err, "tier", 4) == 0 ? "tier" : "q", "%s",
                          strncmp(err, "tier", 4) == 0 ? "Tier must be letters and numbers, like B or B2"
                                                       : "Enter a name or a CRN");
    } else if (rc != CK_OK) {
        json_decref(page);
        ck_http_log("%s web: caseload: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    ck_buf base = CK_BUF_INIT;
    ck_buf_printf(&base, "/caseload?sort=%s&order=%s&q=", sort, desc ? "desc" : "asc");
    if (q) ck_buf_escape(&base, CK_ESC_URL, q, strlen(q));
    ck_buf_puts(&base, "&tier=");
    if (filter) ck_buf_escape(&base, CK_ESC_URL, filter, strlen(filter));
    json_t *rows = l ? ck_web_caseload_rows(r, l) : json_array();
    json_object_set_new(page, "rows", rows);
    if (l && !ck_web_caseload_requirements(r, db, l, rows, cq.as_of)) {
        ck_buf_free(&base);
        ck_caseload_free(l);
        json_decref(page);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    json_object_set_new(page, "pagination", ck_web_pagination(r, ck_buf_cstr(&base), page_no, CASELOAD_PAGE, l ? l->total : 0));
    json_object_set_new(page, "count", json_integer(l ? (json_int_t)l->total : 0));
    ck_buf_free(&base);
    ck_caseload_free(l);
    json_t *cols = json_array();
    for (size_t i = 0; sort_keys[i]; i++) {
        bool cur = strcmp(sort_keys[i], sort) == 0;
        const char *next_order = cur && !desc ? "desc" : "asc";
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:s}", "key", sort_keys[i], "label", sort_labels[i],
                                              "order", next_order, "aria",
                                              cur ? (desc ? "descending" : "ascending") : "none"));
    }
    json_object_set_new(page, "columns", cols);
    json_object_set_new(page, "sort", json_string(sort));
    json_object_set_new(page, "q", json_string(q ? q : ""));
    json_object_set_new(page, "tier_filter", json_string(filter ? filter : ""));
    ck_web_render(r, ck_web_form_has_errors(page) ? 400 : 200, "caseload.html", page);
}

/* ---- Search ------------------------------------------------------------- */

void ck_web_search(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    json_t *page = ck_web_page(r, &s, "Search", "search");
    const char *q = ck_http_query(r, "q");
    json_object_set_new(page, "q", json_string(q ? q : ""));
    if (q && *q) {
        ck_db *db = ck_web_db(r, &s);
        if (!db) {
            json_decref(page);
            return;
        }
        ck_case_list *l = NULL;
        char err[512];
        if (ck_access_search(db, s.p, q, SEARCH_PAGE, 0, &l, err, sizeof err) != CK_OK) {
            ck_web_form_error(page, "q", "Enter a CRN, a name or a date of birth (YYYY-MM-DD)");
        } else {
            json_t *rows = json_array();
            ck_web_names *names = ck_web_names_new(r, db);
            for (size_t i = 0; i < l->n; i++)
                json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s}", "crn", l->items[i].crn, "name",
                                                      ck_web_person_name(r, l->items[i].forename, l->items[i].surname),
                                                      "dob", ck_web_date_long(r, l->items[i].date_of_birth), "team",
                                                      ck_web_team_name(names, l->items[i].team)));
            json_object_set_new(page, "results", rows);
            json_object_set_new(page, "total", json_integer((json_int_t)l->total));
            json_object_set_new(page, "searched", json_true());
            ck_case_list_free(l);
        }
    }
    ck_web_render(r, ck_web_form_has_errors(page) ? 400 : 200, "search.html", page);
}

/* ---- The case pages ----------------------------------------------------- */

static const struct {
    const char *key, *label;
} tabs[] = {
    {"overview", "Overview"},          {"activity", "Activity log"}, {"sentence", "Sentence"},
    {"risk", "Risk and registrations"}, {"checks", "Safeguarding checks"},
    {"compliance", "Compliance"},      {"appointments", "Appointments"}, {"personal", "Personal details"},
};

json_t *ck_web_case_tabs(const char *current)
{
    json_t *tl = json_array();
    for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++)
        json_array_append_new(tl, json_pack("{s:s, s:s, s:b}", "key", tabs[i].key, "label", tabs[i].label, "current",
                                            strcmp(tabs[i].key, current) == 0));
    return tl;
}

/* The stored obligations, each with its plain-English sentence from what
 * its due date was worked out from, kept with its explanation's recipe
 * (core/ck_explain): the page does not run the engine again. */
static json_t *obligations_json(ck_http_req *r, const char *crn, const ck_result *res, bool open_only)
{
    json_t *a = json_array();
    for (size_t i = 0; i < res->n_obligations; i++) {
        const ck_obligation *o = &res->obligations[i];
        if (open_only && o->status != CK_ST_OVERDUE && o->status != CK_ST_OPEN) continue;
        ck_explain_basis b;
        ck_obligation detail = {.basis = CK_NODATE};
        if (ck_explain_basis_read(o->explain, &b))
            detail = (ck_obligation){.basis = b.basis, .amount = b.amount, .why = (ck_why)b.why,
                                     .high_risk = b.high_risk, .stage = b.stage, .period = b.period};
        json_array_append_new(a, ck_web_obligation_plain(r, crn, o, &detail));
    }
    return a;
}

/* The earliest referral date, on or before today, of the victims a VCS
 * obligation is about (its victim, or the victims of its event); CK_NODATE
 * when none was referred by then (a later date is not yet known, as the
 * rules see it). Only dates: a practitioner never sees who the victims are. */
static ck_date referred_on(const ck_case *c, const char *subject, ck_date today)
{
    const char *colon = strchr(subject, ':');
    const char *id = colon ? colon + 1 : "";
    bool victim = strncmp(subject, "victim:", 7) == 0;
    ck_date best = CK_NODATE;
    for (size_t i = 0; i < c->n_victims; i++) {
        const ck_victim *v = &c->victims[i];
        if (strcmp(victim ? v->id : v->event ? v->event : "", id) != 0 || v->referred == CK_NODATE ||
            v->referred > today)
            continue;
        if (best == CK_NODATE || v->referred < best) best = v->referred;
    }
    return best;
}

/* "Victim liaison: Jo Bloggs, referred on 3 March 2026" on the rows victim
 * liaison meets (the PDU's officer from ck_attention). False on a database
 * error. */
static bool victim_liaison_rows(ck_http_req *r, ck_db *db, const ck_case *c, ck_date today, json_t *obs)
{
    const char *vlo = NULL;
    bool looked = false;
    for (size_t i = 0; i < json_array_size(obs); i++) {
        json_t *o = json_array_get(obs, i);
        if (!ck_streq(json_string_value(json_object_get(o, "who")), CK_WEB_VICTIM_LIAISON)) continue;
        if (!looked) {
            char err[512];
            if (ck_attention_liaison(db, c->team, today, ck_http_arena(r), &vlo, err, sizeof err) != CK_OK) {
                ck_http_log("%s web: victim liaison officer: %s", ck_http_request_id(r), err);
                return false;
            }
            looked = true;
        }
        ck_date ref = referred_on(c, json_string_value(json_object_get(o, "subject")), today);
        const char *when = ref == CK_NODATE ? "not referred yet"
                                            : ck_arena_printf(ck_http_arena(r), "referred on %s", ck_web_date_long(r, ref));
        json_object_set_new(o, "who", json_string(ck_arena_printf(ck_http_arena(r), "%s: %s, %s", CK_WEB_VICTIM_LIAISON,
                                                                  vlo ? vlo : "no officer in post in this PDU", when)));
    }
    return true;
}


static json_t *contacts_json(ck_http_req *r, const ck_case *c, ck_date today, int which /* 0 all, 1 appointments */)
{
    json_t *a = json_array();
    /* Newest first: the activity log is read from the top. */
    for (size_t k = c->n_contacts; k-- > 0;) {
        const ck_contact *ct = &c->contacts[k];
        if (which == 1 && ct->appointment != 1) continue;
        char d[CK_DATE_STRLEN];
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "id", ct->id, "date", ck_date_fmt(ct->date, d),
                              "date_text", ck_web_date_long(r, ct->date), "type", ct->type, "outcome",
                              ct->outcome ? ct->outcome : "", "appointment", ct->appointment == 1, "future",
                              ct->date > today, "ns", ck_web_yes_no(ct->national_standard));
        bool live = ck_appt_live(ct) && !ct->outcome; /* may still be rescheduled or cancelled */
        if (live && ct->date <= today) json_object_set_new(j, "needs_outcome", json_true());
        json_object_set_new(j, "live", json_boolean(live));
        json_object_set_new(j, "cancelled", json_boolean(ct->cancelled == 1));
        if (ct->start_time)
            json_object_set_new(j, "when", json_string(ck_arena_printf(ck_http_arena(r), "%s to %s",
                                                                       ck_web_clock(r, ct->start_time),
                                                                       ck_web_clock(r, ct->end_time))));
        json_array_append_new(a, j);
    }
    return a;
}

static json_t *registrations_json(ck_http_req *r, const ck_case *c, ck_date today)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->n_registrations; i++) {
        const ck_registration *g = &c->registrations[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i}", "id", g->id, "type",
                                           ck_web_choice_label("registrations", "type", g->type, g->type),
                                           "date", ck_web_date_long(r, g->date), "next_review",
                                           ck_web_date_long(r, g->next_review), "level",
                                           ck_web_choice_label("registrations", "level", g->level, ""), "category",
                                           ck_web_choice_label("registrations", "category", g->category, ""), "deregistered",
                                           ck_web_date_long(r, g->deregistered), "current", ck_registration_in_force(g, today),
                                           "reviews", (int)g->n_reviews));
    }
    return a;
}

static json_t *checks_json(ck_http_req *r, const ck_case *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->n_checks; i++) {
        const ck_check *k = &c->checks[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", k->id, "kind",
                                           strcmp(k->kind, "police_da") == 0 ? "Police domestic abuse"
                                                                              : "Children's services",
                                           "requested", ck_web_date_long(r, k->requested), "received",
                                           ck_web_date_long(r, k->received), "relevant", ck_web_yes_no(k->relevant_information),
                                           "outstanding", k->received == CK_NODATE));
    }
    return a;
}

static json_t *events_json(ck_http_req *r, const ck_case *c, ck_date today, bool can_write)
{
    int pace = ck_web_of(r)->app.engine.cfg->upw_pace_hours_week;
    json_t *a = json_array();
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        json_t *offences = json_array();
        for (size_t k = 0; k < e->n_offences; k++)
            json_array_append_new(offences, json_pack("{s:s, s:s, s:b, s:b}", "code", e->offences[k].code, "category",
                                                      ck_web_offence_name(e->offences[k].category), "main", e->offences[k].main == 1,
                                                      "da", e->offences[k].domestic_abuse == 1));
        json_t *j = json_pack("{s:s, s:o}", "id", e->id, "offences", offences);
        if (e->has_sentence) {
            const ck_sentence *s = &e->sentence;
            json_object_set_new(j, "sentence", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", ck_web_sentence_name(s->type), "date",
                                                         ck_web_date_long(r, s->date), "release",
                                                         ck_web_date_long(r, s->release_date), "end",
                                                         ck_web_date_long(r, s->end_date), "pss_end",
                                                         ck_web_date_long(r, s->pss_end_date), "terminated",
                                                         ck_web_date_long(r, s->terminated_on)));
            if (s->length_months != CK_NOINT) json_object_set_new(json_object_get(j, "sentence"), "months", json_integer(s->length_months));
            if (ck_streq(s->type, "community_order") || ck_streq(s->type, "sso")) {
                json_object_set_new(j, "community", json_true());
                json_object_set_new(j, "requirements", ck_web_requirements_json(r, c, e, today, pace));
                json_object_set_new(j, "in_force", json_boolean(ck_event_active(e, today)));
            }
            /* A licence's conditions (custody only). */
            if (ck_streq(s->type, "custody")) {
                json_object_set_new(j, "licence", json_true());
                json_object_set_new(j, "conditions", ck_web_licence_json(r, c, e, today, can_write));
            }
        }
        json_array_append_new(a, j);
    }
    return a;
}

/* "the appointment on 13 May 2025": the contact an enforcement action is
 * about, as a person knows it (its id means nothing to them). */
static const char *contact_when(ck_http_req *r, const ck_case *c, const char *id)
{
    const ck_contact *ct = id ? ck_case_contact(c, id) : NULL;
    if (!ct) return "";
    return ck_arena_printf(ck_http_arena(r), "the %s on %s", ct->appointment == 1 ? "appointment" : "contact",
                           ck_web_date_long(r, ct->date));
}

static json_t *compliance_json(ck_http_req *r, const ck_case *c, const ck_result *res, ck_date today)
{
    json_t *ftc = json_array();
    for (size_t i = 0; i < res->n_ftc; i++)
        json_array_append_new(ftc, json_pack("{s:s, s:i, s:s}", "event", res->ftc[i].event, "count", res->ftc[i].count,
                                             "since", ck_web_date_long(r, res->ftc[i].since)));
    int warnings = 0;
    json_t *actions = json_array();
    ck_date year_ago = ck_date_add_months(today, -12);
    for (size_t i = 0; i < c->n_enforcement; i++) {
        const ck_enforcement *e = &c->enforcement[i];
        if (strstr(e->action, "warning") && e->date >= year_ago && e->date <= today) warnings++;
        json_array_append_new(actions, json_pack("{s:s, s:s, s:s, s:s}", "date", ck_web_date_long(r, e->date), "action",
                                                 ck_web_choice_label("contacts", "action", e->action, e->action), "contact", contact_when(r, c, e->contact), "reason",
                                                 e->reason ? e->reason : ""));
    }
    json_t *breaches = json_array();
    const char *status = "No breach";
    for (size_t i = 0; i < c->n_breaches; i++) {
        const ck_breach *b = &c->breaches[i];
        if (b->resolved == CK_NODATE) status = "Breach in progress";
        json_array_append_new(breaches, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", b->id, "initiated",
                                                  ck_web_date_long(r, b->initiated), "pack_sent",
                                                  ck_web_date_long(r, b->pack_sent), "resolved",
                                                  ck_web_date_long(r, b->resolved), "outcome",
                                                  b->outcome ? b->outcome : ""));
    }
    return json_pack("{s:o, s:i, s:o, s:o, s:s}", "ftc", ftc, "warnings_12m", warnings, "actions", actions,
                     "breaches", breaches, "breach_status", status);
}

/* Drops the links of list's rows to forms s may not open; whether any row
 * still has a link (or, with `who`, says who acts instead). */
static bool drop_closed_actions(const ck_session *s, json_t *list, bool who)
{
    json_t *o;
    size_t k;
    bool any = false;
    json_array_foreach(list, k, o) {
        const char *href = json_string_value(json_object_get(o, "action_href"));
        if (href && !ck_web_may_open(s, "GET", href)) json_object_del(o, "action_href");
        any |= json_object_get(o, "action_href") || (who && json_object_get(o, "who"));
    }
    return any;
}

void ck_web_case(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    const char *tab = ck_http_param(r, "tab");
    if (!tab) tab = "overview";
    size_t t = 0;
    while (t < sizeof tabs / sizeof *tabs && strcmp(tabs[t].key, tab) != 0) t++;
    if (t == sizeof tabs / sizeof *tabs) {
        ck_web_error_page(r, &s, 404, "Page not found", "If you typed the web address, check it is correct.");
        return;
    }
    ck_db *db = ck_web_db(r, &s);
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    ck_cached *held = NULL;
    ck_result *res = NULL;
    ck_overview *sum = NULL;
    /* Only what the tab shows: a case with years of history has thousands
     * of contacts and met obligations, and the overview lists none of them
     * (its appointments without an outcome and unpaid work hours come from
     * the summary's indexed reads). The tabs that show contacts, or count
     * them (the sentence's requirement progress, the compliance tab's
     * enforcement actions "for the appointment on ..."), load them. */
    bool overview = strcmp(tab, "overview") == 0;
    bool contacts = strcmp(tab, "appointments") == 0 || strcmp(tab, "sentence") == 0 || strcmp(tab, "compliance") == 0;
    if (!db || !ck_web_load_case_page(r, &s, db, today, overview, contacts, &held, &res, overview ? &sum : NULL))
        return;
    const ck_case *c = ck_cached_value(held);
    json_t *header = ck_web_case_header(r, c, today);
    const char *title = ck_arena_printf(ck_http_arena(r), "%s: %s", json_string_value(json_object_get(header, "name")),
                                        tabs[t].label);
    json_t *page = ck_web_page(r, &s, title, NULL);
    json_object_set_new(page, "case", header);
    json_object_set_new(page, "tab", json_string(tab));
    json_object_set_new(page, "tab_label", json_string(tabs[t].label));
    json_object_set_new(page, "tabs", ck_web_case_tabs(tab));
    bool can_write = ck_web_allowed(&s, "case:write"), can_check = ck_web_allowed(&s, "check:write");
    json_object_set_new(page, "can_write", json_boolean(can_write));
    /* Checks are court work too: their own permission (a court officer's). */
    json_object_set_new(page, "can_check", json_boolean(can_check));
    /* A reader who can act on none of it (head of PDU, QA) is told whose it is. */
    json_object_set_new(page, "attention_read_only", json_boolean(!can_write && !can_check));
    json_object_set_new(page, "saved", json_string(ck_http_query(r, "saved") ? ck_http_query(r, "saved") : ""));
    json_t *obs = obligations_json(r, c->crn, res, overview);
    /* Each action shown only to a role whose permission its form needs
     * (a court officer's checks, a practitioner's contacts); a reader who
     * may act on none (quality assurance) gets no empty Action column. */
    json_object_set_new(page, "obligation_actions", json_boolean(drop_closed_actions(&s, obs, true)));
    if (!victim_liaison_rows(r, db, c, today, obs)) {
        json_decref(obs);
        json_decref(page);
        ck_result_free(res);
        ck_overview_free(sum);
        ck_cached_release(held);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    json_object_set_new(page, "obligations", obs);
    json_t *attention = overview ? ck_web_case_attention(r, db, c, res, sum, today, can_write, can_check) : NULL;
    ck_overview_free(sum);
    if (overview && !attention) {
        json_decref(page);
        ck_result_free(res);
        ck_cached_release(held);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    if (attention) {
        drop_closed_actions(&s, attention, false);
        json_object_set_new(page, "attention", attention);
    }
    if (overview || strcmp(tab, "compliance") == 0) json_object_set_new(page, "compliance", compliance_json(r, c, res, today));
    /* (The activity log is its own page: ck_web_activity.c.) */
    if (strcmp(tab, "appointments") == 0) json_object_set_new(page, "contacts", contacts_json(r, c, today, 1));
    if (strcmp(tab, "risk") == 0) {
        json_object_set_new(page, "registrations", registrations_json(r, c, today));
        json_t *rosh = json_array();
        for (size_t i = 0; i < c->n_assessments; i++)
            json_array_append_new(rosh, json_pack("{s:s, s:s, s:s}", "kind",
                                                  ck_web_choice_label("assessments", "kind", c->assessments[i].kind,
                                                                      c->assessments[i].kind), "completed",
                                                  ck_web_date_long(r, c->assessments[i].completed), "level",
                                                  assessment_result(r, &c->assessments[i])));
        json_object_set_new(page, "assessments", rosh);
    }
    if (strcmp(tab, "checks") == 0) json_object_set_new(page, "checks", checks_json(r, c));
    if (strcmp(tab, "sentence") == 0) json_object_set_new(page, "events", events_json(r, c, today, ck_web_allowed(&s, "case:write")));
    if (strcmp(tab, "personal") == 0) {
        json_object_set_new(page, "personal", ck_web_personal(r, c, today));
        json_t *rem = ck_web_reminders_json(r, db, c, today);
        if (rem) json_object_set_new(page, "reminders", rem);
    }
    json_object_set_new(page, "victim_liaison", json_boolean(ck_web_allowed(&s, "victim:read")));
    ck_result_free(res);
    ck_cached_release(held);
    ck_web_render(r, 200, "case.html", page);
}
