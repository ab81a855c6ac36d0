/* ck_web: the web app staff use, served by Casekeeper itself.
 *
 * Server-rendered HTML on the GOV.UK Design System and MoJ Frontend. Every
 * page works without JavaScript (JavaScript only enhances) and on a phone.
 * A handler is thin: check the session (ck_web_guard), query, build a json_t,
 * render a template (ck_web_render). Templates live in the repo's templates/
 * directory and static files come from node_modules/ and static/, all read
 * once at start (ck_web_new). ck_web_find_root finds them: in the source tree
 * the binary was built in (build/casekeeper, build/dbg/casekeeper), in an
 * installed tree beside the binary (BIN/../share/casekeeper, as make install
 * and the .deb lay them out, wherever that tree was unpacked), in the data
 * directory compiled in (CK_DATADIR, $(PREFIX)/share/casekeeper), else in the
 * working directory; `serve --assets-dir` names one (ck_web_config.root).
 *
 * To serve it: ck_http_config.app = ck_web_app(web) (the API's ck_app, which
 * the ck_web begins with, so API and web handlers share one server), routes =
 * ck_web_server_routes(), on_error = ck_web_on_error.
 *
 * Access: the server's authorize hook (http/ck_auth_authorize, required in
 * ck_http_config.authorize) checks every route's permission against the
 * signed-in account's role, a page about one case against the case's scope
 * and limited-access lists, and every POST for the session's CSRF token
 * (form field "csrf") and Origin, before the handler runs. Handlers then
 * read and write case data only through store/ck_access with the caller's
 * principal (ck_session.p), which loads victims' details only for victim
 * liaison staff, keeps limited-access cases out of every list, and writes
 * the audit log. Signing in is by username and password (casekeeper user). */
#ifndef CK_WEB_H
#define CK_WEB_H
#include "ck_access.h"
#include "ck_api.h"
#include "ck_assets.h"
#include "ck_auth.h"
#include "ck_cases.h"
#include "ck_caseload.h"
#include "ck_http.h"
#include "ck_org_record.h"
#include "ck_session.h"
#include "ck_tmpl.h"
#include <jansson.h>

typedef struct ck_web_config {
    const char *root;          /* repo directory holding templates/, static/, node_modules/; NULL: ck_web_find_root */
    const char *templates_dir; /* overrides root/templates */
} ck_web_config;

typedef struct ck_web {
    ck_app app; /* first, so the server's one app pointer serves API and web handlers */
    ck_tmpl_set *tmpl;
    ck_assets *assets;
    char asset_prefix[64]; /* "/assets/<version>" */
    ck_case_cache *own_case_cache; /* made by ck_web_new when the app brought none */
    ck_wl_cache *own_wl_cache;     /* made by ck_web_new when the app brought none */
    ck_case_cache *page_cases;     /* cases as the case page loaded them (ck_web_case) */
} ck_web;

/* Loads templates and static files; app (copied) is the engine and clock the
 * API uses. NULL with the reason in err (a template that does not compile
 * names its file:line; a missing file says to run npm ci). */
ck_web *ck_web_new(const ck_web_config *cfg, const ck_app *app, char *err, size_t err_len);
void ck_web_free(ck_web *w); /* NULL-safe; after the server has stopped */
static inline ck_app *ck_web_app(ck_web *w) { return &w->app; }
/* The server's one route table (ck_http_routes_join): the web pages, the
 * JSON API, the management API and /metrics, for ck_http_config.routes. The caller
 * frees it with ck_free after ck_http_stop. */
ck_route *ck_web_server_routes(void);

/* Writes the repo root (the directory with templates/ in it) into out: beside
 * the binary's build directory, else the working directory. False when
 * neither has templates/. */
bool ck_web_find_root(char *out, size_t out_len);

/* The web app's routes (ends with a NULL method). */
extern const ck_route ck_web_routes[];

/* HTML error page for the core's 404/405/413/500 (ck_http_config.on_error). */
void ck_web_on_error(ck_http_req *r, unsigned status, const char *detail);

/* ---- For handlers ------------------------------------------------------- */

/* A role for people ("Senior probation officer"). */
const char *ck_web_role_label(ck_role role);
/* The web route GET path (a literal pattern), or NULL. */
const ck_route *ck_web_page_route(const char *path);
/* Whether the signed-in account's role holds the permission of the web
 * route that answers method and path ("/cases/X1/checks/new?rule=..."):
 * to show a link or button only to those it is for. */
bool ck_web_may_open(const ck_session *s, const char *method, const char *path);
/* The path of a role's home page ("/my-work", "/team", ...; NULL for the
 * system): "/" shows it to the signed-in account. */
const char *ck_web_home_of(ck_role role);

/* Whether the signed-in account holds a permission ("case:write", ...; the
 * role matrix of core/ck_roles), to show or hide what it leads to. */
bool ck_web_allowed(const ck_session *s, const char *permission);

/* The signed-in account into *s (the authorize hook has already checked the
 * route). True with *s filled; false when it has answered (a redirect to
 * sign-in). */
bool ck_web_guard(ck_http_req *r, ck_session *s);

/* The web app of the server handling r. */
static inline ck_web *ck_web_of(const ck_http_req *r) { return (ck_web *)ck_http_app(r); }

/* A new page object with what the layout needs: title, asset prefix, the
 * signed-in user, csrf token and navigation (`nav` is the current section's
 * key: "work", "caseload", "search", "team", "pdu", "region", "court", "victims",
 * "inspection", "workforce", "allocations", "qa", "accounts";
 * may be NULL). s may be NULL (sign-in and error pages). */
json_t *ck_web_page(ck_http_req *r, const ck_session *s, const char *title, const char *nav);
/* Renders template `name` with `page` (reference taken) as the response, the
 * cells of its tables labelled with their columns (ck_cell_labels.h). A
 * render failure is logged and answered 500. */
void ck_web_render(ck_http_req *r, unsigned status, const char *name, json_t *page);
/* 303 See Other to a same-site path. */
void ck_web_redirect(ck_http_req *r, const char *location);
/* An error page with a heading and one paragraph. */
void ck_web_error_page(ck_http_req *r, const ck_session *s, unsigned status, const char *title, const char *message);
/* The database connection, or an error page answered (false). */
ck_db *ck_web_db(ck_http_req *r, const ck_session *s);

/* Form errors, the GOV.UK way: page.errors is the list for the error summary
 * ({text, href: "#field"}), page.error.<field> the message shown by the field.
 * The first error for a field wins. */
void ck_web_form_error(json_t *page, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with the summary linking to #anchor (a date's NAME-day input). */
void ck_web_form_error_at(json_t *page, const char *field, const char *anchor, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool ck_web_form_has_errors(const json_t *page);
/* A form field trimmed of surrounding spaces (arena copy); "" when absent. */
const char *ck_web_field(ck_http_req *r, const char *name);
/* Reads the GOV.UK date input NAME-day, NAME-month, NAME-year. Empty is
 * CK_NODATE with no error unless `required`; a bad date adds a form error
 * for NAME ("<label> must be a real date") and returns false. The typed
 * values are copied into page.values so the form shows them again. */
bool ck_web_date_field(ck_http_req *r, json_t *page, const char *name, const char *label, bool required, ck_date *out);
/* A field for templates/partials/field.html ("text", "textarea", "select",
 * "radios", "date"): what was typed (page.values, NAME-day.. for a date) and
 * its error (page.error.<name>). opts: NULL-terminated value, text pairs
 * (options get ids NAME, NAME-1, ... and `selected`); NULL for none. */
json_t *ck_web_form_field(ck_http_req *r, const json_t *page, const char *kind, const char *name, const char *label,
                          const char *hint, const char *const *opts);
/* Shows date d in the GOV.UK date input NAME (page.values.NAME-day, -month,
 * -year), as an edit form starts from a record. */
void ck_web_date_values(ck_http_req *r, json_t *page, const char *name, ck_date d);
/* A form of its own page (templates/form.html): `fields` (ck_web_form_field
 * objects, reference taken) under the heading, posted to `action`. The
 * title says "Error: " when page has errors. Renders page (reference taken). */
typedef struct ck_web_form {
    const char *caption, *heading, *intro, *action, *submit, *cancel; /* caption, intro may be NULL */
} ck_web_form;
void ck_web_render_form(ck_http_req *r, unsigned status, json_t *page, const ck_web_form *f, json_t *fields);
/* Copies the typed value of each named field into page.values.<name>. */
void ck_web_keep_values(ck_http_req *r, json_t *page, const char *const *names);

/* The label a form offers for `value` of field `name` on the forms for
 * /cases/CRN/KIND (ck_web_actions: "changes", "kind", "mappa_level" gives
 * "MAPPA level"), so a page names a value as the form that records it does;
 * `none` when no form offers it. */
const char *ck_web_choice_label(const char *kind, const char *name, const char *value, const char *none);
/* The label of field `name` on the forms of `kind` ("Accommodation need"), or none. */
const char *ck_web_field_label(const char *kind, const char *name, const char *none);

/* Which PDU a page about one PDU shows (ck_web_pick.c): ?PARAM=CODE (or
 * the posted field PARAM) when the reader's scope of perm reaches it, else
 * the reader's own PDU. A reader with none whose scope reaches further
 * (quality assurance: all) is shown a page to choose one, each a link to
 * this page with ?PARAM=CODE. *out (strings in the request's arena) and true,
 * or false when it has answered. */
bool ck_web_pick_pdu(ck_http_req *r, const ck_session *s, ck_db *db, ck_perm perm, const char *param,
                     ck_org_record *out);
/* The same for a region: ?region=CODE for a reader of scope all, else the
 * reader's own. */
bool ck_web_pick_region(ck_http_req *r, const ck_session *s, ck_db *db, ck_perm perm, ck_org_record *out);
/* The same for a team: ?team=CODE when the scope of perm reaches it, else
 * the reader's own; a reader with none chooses a PDU, then one of its teams.
 * *team is the code (the request's arena or the session's). */
bool ck_web_pick_team(ck_http_req *r, const ck_session *s, ck_db *db, ck_perm perm, const char **team);
/* The page to choose one of recs (n of them, named `what`): each a link to
 * path (NULL: this page's) with ?param=CODE. */
void ck_web_pick_page(ck_http_req *r, const ck_session *s, const char *what, const char *path, const char *param,
                      const ck_org_record *recs, size_t n);

/* ---- Handlers (one per route; see ck_web_routes.c) ---------------------- */
void ck_web_asset(ck_http_req *r);        /* GET /assets/{version}/{file} */
void ck_web_asset_in_dir(ck_http_req *r); /* GET /assets/{version}/{dir}/{file} */
void ck_web_sign_in(ck_http_req *r);
void ck_web_sign_in_post(ck_http_req *r);
void ck_web_sign_out(ck_http_req *r);
void ck_web_home(ck_http_req *r);     /* GET /: the signed-in role's home page */
void ck_web_my_work(ck_http_req *r);  /* GET /my-work */
void ck_web_caseload(ck_http_req *r); /* GET /caseload */
void ck_web_action_form(ck_http_req *r); /* GET /cases/{crn}/{kind}/new, /cases/{crn}/{kind}/{id}/{verb} */
void ck_web_action_post(ck_http_req *r);
void ck_web_check_form(ck_http_req *r);  /* GET /cases/{crn}/checks/new, /cases/{crn}/checks/{id}/{verb} */
void ck_web_check_post(ck_http_req *r);
void ck_web_team(ck_http_req *r);     /* GET /team (SPO) */
/* The diary (ck_web_diary.c): GET /diary, /diary/team, and their
 * /without-outcome lists. */
void ck_web_diary(ck_http_req *r);
void ck_web_team_diary(ck_http_req *r);
void ck_web_without_outcome(ck_http_req *r);
void ck_web_team_without_outcome(ck_http_req *r);
/* The calendar feed (ck_web_ical.c): GET /diary/calendar, POST
 * /diary/calendar (a new address, shown once), POST /diary/calendar/off,
 * and the public feed GET /calendar/{token} (TOKEN.ics). */
void ck_web_calendar(ck_http_req *r);
void ck_web_calendar_on(ck_http_req *r);
void ck_web_calendar_off(ck_http_req *r);
void ck_web_calendar_feed(ck_http_req *r);
void ck_web_court(ck_http_req *r);    /* GET /court */
void ck_web_new_case_form(ck_http_req *r); /* GET /court/cases/new (court officer) */
void ck_web_new_case_post(ck_http_req *r);
void ck_web_victims(ck_http_req *r);  /* GET /victims (VLO only) */
void ck_web_pdu(ck_http_req *r);      /* GET /pdu, /pdu?code= (another PDU the reader's pdu:read scope covers) */
void ck_web_region(ck_http_req *r);   /* GET /region: the PDUs of the reader's region */
void ck_web_pdu_cases(ck_http_req *r);   /* GET /pdu/cases: the cases behind the dashboards' case counts */
void ck_web_pdu_overdue(ck_http_req *r); /* GET /pdu/overdue: the obligations behind an overdue count */
/* A PDU's cases for a template: total, allocated, unallocated and what they
 * mean (CK_PDU_CASES_MEANING), the same on every page that counts them. */
struct ck_pdu_cases;
json_t *ck_web_pdu_cases_json(const struct ck_pdu_cases *c);
void ck_web_allocate_form(ck_http_req *r); /* GET /team/allocate/{crn} (SPO) */
void ck_web_allocate_post(ck_http_req *r);
void ck_web_victim_list(ck_http_req *r); /* GET /cases/{crn}/victims (VLO only) */
void ck_web_victim(ck_http_req *r);      /* GET /cases/{crn}/victims/{id} (VLO only) */
void ck_web_victim_form(ck_http_req *r); /* GET /cases/{crn}/victims/new, /cases/{crn}/victims/{id}/edit */
void ck_web_victim_post(ck_http_req *r);
void ck_web_victim_told_form(ck_http_req *r); /* GET /cases/{crn}/victims/{id}/told (victim:write) */
void ck_web_victim_told_post(ck_http_req *r);
void ck_web_search(ck_http_req *r);   /* GET /search?q= */
/* Accounts (administrators; ck_web_accounts.c). */
void ck_web_accounts(ck_http_req *r);            /* GET /accounts */
void ck_web_account_new(ck_http_req *r);         /* GET /accounts/new */
void ck_web_account_add(ck_http_req *r);         /* POST /accounts/new: the password shown once */
void ck_web_account(ck_http_req *r);             /* GET /accounts/{name} */
void ck_web_account_action(ck_http_req *r);      /* POST /accounts/{name}/{verb} */
void ck_web_account_role_form(ck_http_req *r);   /* GET /accounts/{name}/role */
void ck_web_account_role_post(ck_http_req *r);
void ck_web_token_form(ck_http_req *r);          /* GET /accounts/{name}/tokens/new */
void ck_web_token_post(ck_http_req *r);          /* POST: the token shown once */
void ck_web_case(ck_http_req *r);     /* GET /cases/{crn}[/{tab}] */

/* ---- Case views shared by the case pages and the forms ------------------ */

/* The label the victim forms give a value of their field `name` ("scheme":
 * "statutory" is "Statutory"); `none` when value is NULL or not one. */
const char *ck_web_victim_label(const char *name, const char *value, const char *none);

/* Licence conditions (ck_web_licence.c). A condition in plain words: its
 * type's words, and for a non-contact condition naming a victim "Not to
 * contact <name>" where the victim's name was loaded (victim liaison only),
 * else "Not to contact a named victim". */
const char *ck_web_licence_text(ck_http_req *r, const ck_case *c, const ck_licence_condition *lc);
/* Event e's conditions for the sentence tab: {id, text, detail, standard
 * (the standard conditions' words), start, end, status, victim_related,
 * end_href when `can_end` and it is in force}. */
json_t *ck_web_licence_json(ck_http_req *r, const ck_case *c, const ck_event *e, ck_date today, bool can_end);
/* What victim v is to be told of (the victim page): {licence_start,
 * conditions [{text, detail, start, end, told}], untold (how many not yet
 * told)}; NULL when v's event has no licence conditions. Who told them is
 * named from db's organisation (NULL: by their code). */
json_t *ck_web_victim_conditions(ck_http_req *r, ck_db *db, const ck_case *c, const ck_victim *v);

/* Who acts on the obligations victim liaison meets (the rows' `who`); the
 * pages add the officer's name. */
#define CK_WEB_VICTIM_LIAISON "Victim liaison"
/* A person's name for a rule ID ("Initial RoSH assessment"). */
const char *ck_web_rule_name(const char *rule);
/* An obligation for a template: rule, name, subject, due, status, severity,
 * explanation, and action_href/action_text: the form that meets it. */
json_t *ck_web_obligation(ck_http_req *r, const char *crn, const ck_obligation *o);
/* The same with `sentence`, its plain English (web/ck_web_plain), from
 * detail: the engine's obligation of the same rule and subject, which knows
 * what the due date counts from (NULL: "Due by D."). */
json_t *ck_web_obligation_plain(ck_http_req *r, const char *crn, const ck_obligation *o, const ck_obligation *detail);
/* "Needs your attention" on the case overview: appointments without an
 * outcome and unpaid work behind schedule (from sum, the overview's summary
 * of the contacts: c has none loaded), checks with no reply, registrations
 * due for review (from res, the case's open obligations) and a tier changed
 * in the last 4 weeks (as stored, store/ck_attention), each {text,
 * action_href, action_text} (web/ck_web_work); the action only when the
 * reader may open its form (can_write: case:write; can_check: check:write,
 * for a check's reply). NULL when the store could not be read (logged). */
json_t *ck_web_case_attention(ck_http_req *r, ck_db *db, const ck_case *c, const ck_result *res,
                              const ck_overview *sum, ck_date today, bool can_write, bool can_check);
/* The case header: name, CRN, date of birth, tier, OGRS3, RoSH, MAPPA,
 * register flags, victims in the scheme (a count, never who). */
json_t *ck_web_case_header(ck_http_req *r, const ck_case *c, ck_date today);
/* The case the path names as the case pages load it: held from the web's
 * case cache (read-only; ck_cached_release it), without its contacts unless
 * `contacts`, with its obligations at today in *res when res is not NULL
 * (only the open and overdue ones with unmet_only) and the overview's summary
 * of its contacts in *sum when sum is not NULL, one read snapshot audited
 * once; false after answering. */
bool ck_web_load_case_page(ck_http_req *r, const ck_session *s, ck_db *db, ck_date today, bool unmet_only,
                           bool contacts, ck_cached **held, ck_result **res, ck_overview **sum);
/* The case page's tabs (key, label, current), `current` the one shown. */
json_t *ck_web_case_tabs(const char *current);
/* A case's activity log: GET /cases/{crn}/activity (ck_web_activity.c). */
void ck_web_activity(ck_http_req *r);
/* Loads the case of the route's {crn} (victims redacted unless the session
 * may see them). False when it has answered (404 page, 500 page). */
bool ck_web_load_case(ck_http_req *r, const ck_session *s, ck_db *db, ck_case **out);
/* The allocation in force at d, or NULL (unallocated). */

/* The label of a register the header and caseload call out ("Domestic abuse
 * perpetrator"), and its tag colour class in *colour (may be NULL); NULL for
 * a register they do not show. */
const char *ck_web_register_label(const char *type, const char **colour);
/* The missing inputs of a provisional tier for people, "RSR, RoSH and
 * sentence requirements" (core/ck_tier's names), into out. */
const char *ck_web_tier_missing_text(const char *const *keys, size_t n, char *out, size_t len);
/* The same from a stored comma-separated list of keys ("rsr,rosh"); "" for NULL. */
const char *ck_web_tier_missing_stored(const char *stored, char *out, size_t len);
/* A stored tier for people: "Not supervised" for NOT_SUPERVISED, "" for NULL. */
const char *ck_web_tier_label(const char *tier);
/* Caseload rows for the caseload's and the team's tables. */
json_t *ck_web_caseload_rows(ck_http_req *r, const ck_caseload *l);
/* The ?page= of the request (1 when absent or not a page number), and the
 * GOV.UK pagination of a list: base is the list's URL with its other query
 * parameters. */
size_t ck_web_page_number(ck_http_req *r);
json_t *ck_web_pagination(ck_http_req *r, const char *base, size_t page, size_t per_page, size_t total);
/* The filter of the cases the signed-in account may see (store/ck_access):
 * every list of cases a page shows passes it to its query. */
const ck_case_filter *ck_web_case_filter(ck_http_req *r, const ck_session *s);

/* A person's name as every page shows it, "Forename Surname" (arena copy;
 * a NULL part is empty). */
const char *ck_web_person_name(ck_http_req *r, const char *forename, const char *surname);
/* "2025-04-17" as "17 April 2025" (GOV.UK style); "" for CK_NODATE. */
const char *ck_web_date_long(ck_http_req *r, ck_date d);
/* An appointment's "HH:MM" as GOV.UK writes times: "9:30am", "2pm",
 * "midday"; "" when it is not a time. */
const char *ck_web_clock(ck_http_req *r, const char *hhmm);
/* A moment (Unix seconds) as people in England and Wales read it, in UK
 * time: "2:05pm on 6 December 2026", "9am on ...", "midday on ...". */
const char *ck_web_time_long(ck_http_req *r, int64_t t);

#endif
