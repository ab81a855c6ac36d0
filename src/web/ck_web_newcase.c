/* ck_web_newcase: a court officer's "Create a case at court" form (GET and
 * POST /court/cases/new, permission case:create).
 *
 * The form's values become a case bundle (the API's JSON) and go through the
 * API's own path: ck_bundle_from_json validates it exactly as POST
 * /api/v1/cases does, and ck_access_create stores it, refusing a case that
 * would land outside the officer's case:create scope. The web adds only what
 * a form needs: dates typed as three numbers, and each refusal shown by the
 * field it names. */
#include "ck_bundle.h"
#include "ck_org.h"
#include "ck_web.h"
#include <stdio.h>
#include <string.h>

#define NEW_CASE_TITLE "Create a case at court"

/* The bundle path each form field fills, so a refusal naming the path is
 * shown by the field (and its label replaces the path). */
static const struct {
    const char *path, *field, *label;
} paths[] = {
    {"crn", "crn", "Case reference number"},
    {"team", "team", "Team"},
    {"person.forename", "forename", "First name"},
    {"person.surname", "surname", "Last name"},
    {"person.date_of_birth", "date_of_birth", "Date of birth"},
    {"person.gender", "gender", "Gender"},
    {"events[0].offences[0].category", "offence_category", "Offence"},
    {"events[0].offences[0].code", "offence_code", "Offence code"},
    {"events[0].offences[0].domestic_abuse", "domestic_abuse", "Domestic abuse"},
    {"events[0].reports[0].type", "report_type", "Report"},
    {"events[0].reports[0].requested", "report_requested", "Date the report was requested"},
};
#define N_PATHS (sizeof paths / sizeof *paths)

static const char *const gender_opts[] = {"M", "Male", "F", "Female", "X", "Other", "U", "Not known", NULL, NULL};
static const char *const yes_no_opts[] = {"yes", "Yes", "no", "No", NULL, NULL};
static const char *const report_opts[] = {"oral", "Oral report", "fast", "Fast delivery report", "standard",
                                          "Standard report", NULL, NULL};

/* "drug_possession_supply" as "Drug possession supply". */
static const char *category_label(ck_http_req *r, const char *code)
{
    char *s = ck_arena_strdup(ck_http_arena(r), code);
    for (char *p = s; *p; p++)
        if (*p == '_') *p = ' ';
    if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 'a' + 'A');
    return s;
}

/* The form's fields with what was typed and their errors; the team list is
 * the teams of the officer's PDU. False when it has answered. */
static bool render_form(ck_http_req *r, const ck_session *s, ck_db *db, json_t *page, unsigned status)
{
    ck_arena *a = ck_http_arena(r);
    ck_org_record *teams = NULL;
    size_t n_teams = 0;
    char err[512];
    if (s->pdu[0] && ck_org_list(db, CK_ORG_TEAM, s->pdu, a, &teams, &n_teams, err, sizeof err) != CK_OK) {
        json_decref(page);
        ck_http_log("%s web: teams: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return false;
    }
    const char **team_opts = ck_arena_array(a, 2 * n_teams + 2, sizeof *team_opts);
    for (size_t i = 0; i < n_teams; i++) {
        team_opts[2 * i] = teams[i].code;
        team_opts[2 * i + 1] = teams[i].name ? teams[i].name : teams[i].code;
    }
    size_t n_cat = 0;
    while (ck_vocab_offence_category[n_cat]) n_cat++;
    const char **cat_opts = ck_arena_array(a, 2 * n_cat + 2, sizeof *cat_opts);
    for (size_t i = 0; i < n_cat; i++) {
        cat_opts[2 * i] = ck_vocab_offence_category[i];
        cat_opts[2 * i + 1] = category_label(r, ck_vocab_offence_category[i]);
    }
    json_t *f = json_array();
    json_array_append_new(f, ck_web_form_field(r, page, "text", "crn", "Case reference number (CRN)",
                                               "As nDelius gives it, for example X123456", NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "forename", "First name", NULL, NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "surname", "Last name", NULL, NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "date", "date_of_birth", "Date of birth",
                                               "For example, 27 3 1990", NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "radios", "gender", "Gender", NULL, gender_opts));
    json_array_append_new(f, ck_web_form_field(r, page, "select", "team", "Team",
                                               "The team of your probation delivery unit that will hold the case",
                                               team_opts));
    json_array_append_new(f, ck_web_form_field(r, page, "select", "offence_category", "Main offence", NULL, cat_opts));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "offence_code", "Offence code",
                                               "Optional: the Home Office offence code, for example 10501", NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "radios", "domestic_abuse", "Is it a domestic abuse offence?",
                                               NULL, yes_no_opts));
    json_array_append_new(f, ck_web_form_field(r, page, "radios", "report_type", "Report requested", NULL, report_opts));
    json_array_append_new(f, ck_web_form_field(r, page, "date", "report_requested", "Date the report was requested",
                                               "For example, 27 3 2026", NULL));
    ck_web_render_form(r, status, page,
                       &(ck_web_form){.heading = NEW_CASE_TITLE,
                                      .intro = "The person, the court event with its main offence, and the "
                                               "pre-sentence report the court asked for. The case is checked as the "
                                               "API checks a new case.",
                                      .action = "/court/cases/new", .submit = "Create the case", .cancel = "/court"},
                       f);
    return true;
}

void ck_web_new_case_form(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    json_t *page = ck_web_page(r, &s, NEW_CASE_TITLE, "court");
    json_object_set_new(json_object_get(page, "values"), "team", json_string(s.team));
    render_form(r, &s, db, page, 200);
}

/* A store or bundle refusal by the field its path names ("person.surname:
 * ..."), with the field's label for the path; else by the CRN. */
static void refusal(json_t *page, const char *err)
{
    size_t n = strcspn(err, ":");
    for (size_t i = 0; i < N_PATHS; i++)
        if (strlen(paths[i].path) == n && strncmp(err, paths[i].path, n) == 0 && err[n]) {
            const char *rest = err + n + 1;
            while (*rest == ' ') rest++;
            ck_web_form_error(page, paths[i].field, "%s: %s", paths[i].label, rest);
            return;
        }
    ck_web_form_error(page, "crn", "%s", err);
}

/* A text field into the bundle object at key when it was filled. */
static void put_text(ck_http_req *r, json_t *o, const char *key, const char *field)
{
    const char *v = ck_web_field(r, field);
    if (*v) json_object_set_new(o, key, json_string(v));
}

static void put_date(json_t *o, const char *key, ck_date d)
{
    char buf[CK_DATE_STRLEN];
    if (d != CK_NODATE) json_object_set_new(o, key, json_string(ck_date_fmt(d, buf)));
}

void ck_web_new_case_post(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    json_t *page = ck_web_page(r, &s, NEW_CASE_TITLE, "court");
    static const char *const kept[] = {"crn", "forename", "surname", "gender", "team", "offence_category",
                                       "offence_code", "domestic_abuse", "report_type", NULL};
    ck_web_keep_values(r, page, kept);
    ck_date dob, requested;
    bool dates_ok = ck_web_date_field(r, page, "date_of_birth", "Date of birth", false, &dob);
    dates_ok &= ck_web_date_field(r, page, "report_requested", "Date the report was requested", false, &requested);
    if (dates_ok && requested == CK_NODATE) {
        ck_web_form_error(page, "report_requested", "Enter the date the report was requested");
        dates_ok = false;
    }
    if (!dates_ok) {
        render_form(r, &s, db, page, 400);
        return;
    }
    /* The bundle as the API would be sent it: what was typed, nothing
     * guessed; its own rules say what is missing or wrong. */
    json_t *person = json_object(), *offence = json_pack("{s:s, s:b}", "id", "O1", "main", 1);
    put_text(r, person, "forename", "forename");
    put_text(r, person, "surname", "surname");
    put_text(r, person, "gender", "gender");
    put_date(person, "date_of_birth", dob);
    put_text(r, offence, "category", "offence_category");
    put_text(r, offence, "code", "offence_code");
    const char *da = ck_web_field(r, "domestic_abuse");
    if (*da) json_object_set_new(offence, "domestic_abuse", json_boolean(strcmp(da, "yes") == 0));
    json_t *report = json_pack("{s:s}", "id", "R1");
    put_text(r, report, "type", "report_type");
    put_date(report, "requested", requested);
    json_t *bundle = json_pack("{s:o, s:[{s:s, s:[o], s:n, s:[o]}]}", "person", person, "events", "id", "E1",
                               "offences", offence, "sentence", "reports", report);
    put_text(r, bundle, "crn", "crn");
    put_text(r, bundle, "team", "team");
    char err[1024];
    ck_case *c = ck_bundle_from_json(bundle, err, sizeof err);
    json_decref(bundle);
    ck_rc rc = CK_ERR_INVALID;
    if (c) {
        const ck_app *app = &ck_web_of(r)->app;
        rc = ck_access_create(db, s.p, &app->engine, c, ck_app_today(app), err, sizeof err);
    }
    if (rc == CK_OK) {
        ck_buf loc = CK_BUF_INIT;
        ck_buf_puts(&loc, "/court?created=");
        ck_buf_escape(&loc, CK_ESC_URL, c->crn, strlen(c->crn));
        ck_web_redirect(r, ck_buf_cstr(&loc));
        ck_buf_free(&loc);
        ck_case_free(c);
        json_decref(page);
        return;
    }
    ck_case_free(c);
    if (rc == CK_ERR_DB) {
        json_decref(page);
        ck_http_log("%s web: new case: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service",
                          "The case was not created. Try again later.");
        return;
    }
    /* A team outside the officer's PDU is the team field's fault. */
    if (rc == CK_ERR_DENIED) ck_web_form_error(page, "team", "Team: %s", err);
    else refusal(page, err);
    render_form(r, &s, db, page, rc == CK_ERR_EXISTS ? 409 : 400);
}
