/* Licence conditions on the web (issue 19, point 3): a practitioner adds
 * conditions to a licence on the forms (every invalid field named) and ends
 * one; the sentence tab lists them in plain words; the victim behind a
 * non-contact condition is named to victim liaison only, and no page, form
 * or JSON answer any other role gets holds the victim's name; victim
 * liaison sees, per victim in the scheme, the conditions to tell them about,
 * records that they were told (audited) and sees it done. SQLite, the web
 * and API routes on one server, real sockets. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_bundle.h"
#include "ck_web.h"

#define TODAY "2025-06-02"
#define CRN "S000009"
#define VICTIM_NAME "Robin Quillfeather"

static ck_date pinned_today(void)
{
    ck_date d;
    ck_date_parse(TODAY, 10, &d);
    return d;
}

typedef tw_server fixture;

/* Example 09 (S000009: custody, release on 29 December 2026, victim V1 in
 * the scheme and V2 out of it), held by team N07T01, with V1's name. */
static void put_case(ck_db *db, const ck_engine *eng)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/examples/09_vcs_opted_in_release_soon.json", CK_SHARED_DIR);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) fail_msg("%s: %s", path, je.text);
    json_object_set_new(json_array_get(json_object_get(j, "victims"), 0), "name", json_string(VICTIM_NAME));
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    json_decref(j);
    if (!c) fail_msg("%s: %s", path, err);
    c->team = ck_arena_strdup(&c->arena, "N07T01");
    if (ck_cases_create(db, eng, c, pinned_today(), err, sizeof err) != CK_OK) fail_msg("%s", err);
    ck_case_free(c);
}

static int setup(void **state)
{
    static fixture f;
    ck_db *db = tw_fresh_db(&f, "web-licence");
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    ck_test_manage_fixture(db, &app.engine);
    tw_accounts(db);
    tw_add_user(db, "qa", CK_ROLE_QA, NULL);
    tw_add_user(db, "admin", CK_ROLE_ADMIN, NULL);
    put_case(db, &app.engine);
    ck_db_close(db);
    tw_start(&f, app, NULL, NULL, 2);
    *state = &f;
    return 0;
}

typedef tw_who who;

static who as_staff(const fixture *f, const char *staff, const char *grade)
{
    return tw_who_signed_in(f->port, staff, grade, "N07T01");
}

static who as_user(const fixture *f, const char *username)
{
    who w = {.version = ""};
    tw_sign_in_as(f->port, username, w.cookie, sizeof w.cookie);
    tw_csrf(f->port, w.cookie, "/", w.csrf, sizeof w.csrf);
    return w;
}

/* GET path: the status, and the body (caller frees). */
static th_resp get(const fixture *f, const who *w, const char *path, int status)
{
    th_resp r = tw_req(f->port, "GET", path, w->cookie, NULL);
    if (r.status != status) fail_msg("GET %s: %d, expected %d\n%.2000s", path, r.status, status, r.body);
    return r;
}

static void has(const th_resp *r, const char *path, const char *needle)
{
    if (strstr(r->body, needle)) return;
    /* The page in full, for the one reading the failure. */
    FILE *out = fopen("test-output/test_web_licence.html", "a");
    if (out) {
        fputs(r->body, out);
        fclose(out);
    }
    fail_msg("GET %s: no \"%s\" in the page (test-output/test_web_licence.html)", path, needle);
}

static void lacks(const th_resp *r, const char *path, const char *needle)
{
    if (strstr(r->body, needle)) fail_msg("GET %s: \"%s\" should not be there", path, needle);
}

/* Opens the form at path (its CSRF token and case version into w), posts
 * `fields` with them; returns the answer. */
static th_resp post_form(const fixture *f, who *w, const char *path, const char *fields)
{
    th_resp r = get(f, w, path, 200);
    tw_value_after(r.body, "name=\"csrf\" value=\"", w->csrf, sizeof w->csrf);
    tw_value_after(r.body, "name=\"version\" value=\"", w->version, sizeof w->version);
    th_resp_free(&r);
    char form[2048];
    snprintf(form, sizeof form, "csrf=%s&version=%s&%s", w->csrf, w->version, fields);
    return tw_req(f->port, "POST", path, w->cookie, form);
}

/* Posts `fields` to the form at path, expects it refused (400) with every
 * needle in the page. */
static void refused(const fixture *f, who *w, const char *path, const char *fields, const char *const *needles)
{
    th_resp r = post_form(f, w, path, fields);
    if (r.status != 400) fail_msg("POST %s %s: %d, expected 400", path, fields, r.status);
    for (size_t i = 0; needles[i]; i++) has(&r, path, needles[i]);
    th_resp_free(&r);
}
#define REFUSED(f, w, path, fields, ...) refused(f, w, path, fields, (const char *const[]){__VA_ARGS__, NULL})

#define ADD "/cases/" CRN "/events/E1/condition"

static void test_add_conditions(void **state)
{
    fixture *f = *state;
    who po = as_staff(f, "N07P001", "PO");
    th_resp r = get(f, &po, "/cases/" CRN "/sentence", 200);
    has(&r, "sentence", "No licence conditions recorded.");
    has(&r, "sentence", "href=\"" ADD "\"");
    th_resp_free(&r);
    r = get(f, &po, ADD, 200);
    has(&r, ADD, "Not to contact a named person");
    has(&r, ADD, "<option value=\"V1\">Victim V1, referred on 9 June 2025</option>");
    lacks(&r, ADD, VICTIM_NAME);
    th_resp_free(&r);

    /* Every invalid field is named, in the form's words. */
    REFUSED(f, &po, ADD, "type=&start-day=&start-month=&start-year=",
            "<a href=\"#type\">Select the licence condition</a>",
            "<a href=\"#start-day\">Enter the date the condition starts</a>");
    REFUSED(f, &po, ADD, "type=non_contact&start-day=29&start-month=12&start-year=2026&end-day=1&end-month=12&end-year=2026",
            "<a href=\"#end-day\">Date the condition ends must be on or after the date it starts</a>",
            "<a href=\"#detail\">Enter who they must not contact, or select the victim</a>");
    REFUSED(f, &po, ADD, "type=curfew&start-day=29&start-month=12&start-year=2026&victim_id=V1",
            "<a href=\"#victim_id\">Only a condition not to contact someone can name a victim</a>");
    REFUSED(f, &po, ADD, "type=standard&start-day=29&start-month=12&start-year=2026&victim_related=yes",
            "The standard licence conditions cannot be to protect a victim");
    REFUSED(f, &po, ADD, "type=exclusion_zone&start-day=29&start-month=12&start-year=2026&victim_related=yes",
            "<a href=\"#detail\">Enter the exclusion zone</a>");

    /* Valid: the standard conditions, a non-contact naming V1, an exclusion zone. */
    static const char *const ok[] = {
        "type=standard&start-day=29&start-month=12&start-year=2026",
        "type=non_contact&start-day=29&start-month=12&start-year=2026&victim_related=yes&victim_id=V1",
        "type=exclusion_zone&start-day=29&start-month=12&start-year=2026&end-day=28&end-month=6&end-year=2027"
        "&victim_related=yes&detail=The+streets+inside+the+ring+road",
        "type=curfew&start-day=29&start-month=12&start-year=2026&victim_related=no&detail=7pm+to+7am",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        r = post_form(f, &po, ADD, ok[i]);
        if (r.status != 303) fail_msg("%s: %d %.3000s", ok[i], r.status, r.body);
        if (!strstr(r.head, "Location: /cases/" CRN "/sentence?saved=events")) fail_msg("%s", r.head);
        th_resp_free(&r);
    }
    r = get(f, &po, "/cases/" CRN "/sentence", 200);
    has(&r, "sentence", "The standard licence conditions");
    has(&r, "sentence", "Not commit any offence");
    has(&r, "sentence", "Not to contact a named victim");
    has(&r, "sentence", "Not to enter an exclusion zone");
    has(&r, "sentence", "The streets inside the ring road");
    has(&r, "sentence", "Starts on 29 December 2026.");
    has(&r, "sentence", "Starts on 29 December 2026 and ends on 28 June 2027.");
    has(&r, "sentence", "Victim-related");
    lacks(&r, "sentence", VICTIM_NAME);
    th_resp_free(&r);

    /* Ending one: the date is checked, then saved. */
    char cond[64];
    r = get(f, &po, "/cases/" CRN "/sentence", 200);
    tw_text_after(r.body, "<a class=\"govuk-link\" href=\"/cases/" CRN "/conditions/", "/", cond, sizeof cond);
    th_resp_free(&r);
    char end[160];
    snprintf(end, sizeof end, "/cases/" CRN "/conditions/%s/end", cond);
    REFUSED(f, &po, end, "end-day=1&end-month=1&end-year=2026",
            "Date the condition ends must be on or after the date it started, 29 December 2026");
    r = post_form(f, &po, end, "end-day=30&end-month=12&end-year=2026");
    if (r.status != 303) fail_msg("%d %.3000s", r.status, r.body);
    th_resp_free(&r);
    r = get(f, &po, "/cases/" CRN "/sentence", 200);
    has(&r, "sentence", "Starts on 29 December 2026 and ends on 30 December 2026");
    th_resp_free(&r);
    r = get(f, &po, "/cases/" CRN "/conditions/NOPE/end", 404);
    th_resp_free(&r);
}

/* Every role that may read the case: the conditions, never the victim's
 * name (but victim liaison's), on the case's pages, its forms and its JSON. */
static void test_no_name_but_for_victim_liaison(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *staff, *grade, *username;
    } roles[] = {{"N07P001", "PO", NULL}, {"N07P009", "SPO", NULL}, {NULL, NULL, "qa"}, {NULL, NULL, "admin"},
                 {"N07P010", "VLO", NULL}};
    static const char *const paths[] = {"/cases/" CRN, "/cases/" CRN "/sentence", "/cases/" CRN "/activity",
                                        "/cases/" CRN "/risk", ADD, "/api/v1/cases/" CRN,
                                        "/api/v1/cases/" CRN "/obligations?all=true", "/my-work", "/victims"};
    for (size_t k = 0; k < sizeof roles / sizeof *roles; k++) {
        who w = roles[k].staff ? as_staff(f, roles[k].staff, roles[k].grade) : as_user(f, roles[k].username);
        bool vlo = roles[k].grade && strcmp(roles[k].grade, "VLO") == 0;
        int seen = 0;
        for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
            th_resp r = tw_req(f->port, "GET", paths[i], w.cookie, NULL);
            if (r.status >= 500) fail_msg("GET %s: %d", paths[i], r.status);
            if (strstr(r.body, VICTIM_NAME)) {
                if (!vlo) fail_msg("%s GET %s: the victim's name is in the answer", roles[k].grade ? roles[k].grade
                                                                                                  : roles[k].username,
                                   paths[i]);
                seen++;
            }
            if (r.status == 200 && strcmp(paths[i], "/cases/" CRN "/sentence") == 0)
                has(&r, paths[i], vlo ? "Not to contact " VICTIM_NAME ", a victim" : "Not to contact a named victim");
            th_resp_free(&r);
        }
        if (vlo) assert_true(seen > 0); /* the control: the name is there to be found */
    }
}

/* Victim liaison: per victim, the conditions to tell them about; the form;
 * done afterwards; audited. The practitioner may not use the form. */
static void test_victim_told(void **state)
{
    fixture *f = *state;
    who po = as_staff(f, "N07P001", "PO");
    th_resp denied = get(f, &po, "/cases/" CRN "/victims/V1/told", 403);
    th_resp_free(&denied);
    who vlo = as_staff(f, "N07P010", "VLO");
    const char *v1 = "/cases/" CRN "/victims/V1";
    th_resp r = get(f, &vlo, v1, 200);
    has(&r, v1, "Licence conditions to tell them about");
    has(&r, v1, "The licence starts on 29 December 2026.");
    has(&r, v1, "Not to contact " VICTIM_NAME ", a victim");
    has(&r, v1, "Not to enter an exclusion zone");
    lacks(&r, v1, "To keep to a curfew"); /* not victim-related */
    lacks(&r, v1, "The standard licence conditions");
    has(&r, v1, "Not told yet");
    has(&r, v1, "href=\"/cases/" CRN "/victims/V1/told\"");
    th_resp_free(&r);
    /* V2 opted out: nothing to record. */
    r = get(f, &vlo, "/cases/" CRN "/victims/V2", 200);
    has(&r, "V2", "They have not opted in to the scheme");
    lacks(&r, "V2", "/victims/V2/told\"");
    th_resp_free(&r);

    const char *told = "/cases/" CRN "/victims/V1/told";
    r = get(f, &vlo, told, 200);
    has(&r, told, "They are being told of:");
    has(&r, told, "Not to contact " VICTIM_NAME ", a victim");
    th_resp_free(&r);
    REFUSED(f, &vlo, told, "date-day=3&date-month=6&date-year=2025&how=phone",
            "Date they were told must be today or in the past");
    REFUSED(f, &vlo, told, "date-day=2&date-month=6&date-year=2025&how=",
            "<a href=\"#how\">Select how the victim was told</a>");
    r = post_form(f, &vlo, told, "date-day=2&date-month=6&date-year=2025&how=phone");
    if (r.status != 303) fail_msg("%d %.3000s", r.status, r.body);
    if (!strstr(r.head, "Location: /cases/" CRN "/victims/V1?saved=victims")) fail_msg("%s", r.head);
    th_resp_free(&r);
    r = get(f, &vlo, v1, 200);
    has(&r, v1, "Done");
    has(&r, v1, "Told on 2 June 2025 by phone, by Val Liaison");
    lacks(&r, v1, "Not told yet");
    lacks(&r, v1, "href=\"/cases/" CRN "/victims/V1/told\"");
    th_resp_free(&r);
    /* Nothing left to tell: the form says so. */
    REFUSED(f, &vlo, told, "date-day=2&date-month=6&date-year=2025&how=letter",
            "There are no licence conditions left to tell the victim about");

    /* Audited as victim liaison's update of the victim's record. */
    char err[512];
    ck_db *db = ck_db_open(f->db_url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"actor\" = 'n07p010' AND "
                                    "\"action\" = 'record.update' AND \"record\" = 'victims/V1'");
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 1);
    ck_stmt_reset(st);
    ck_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_conditions),
        cmocka_unit_test(test_no_name_but_for_victim_liaison),
        cmocka_unit_test(test_victim_told),
    };
    return cmocka_run_group_tests(tests, setup, tw_teardown);
}
