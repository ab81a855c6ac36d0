/* Every role's work in the web app (issue 14, points 1-4): each role's home
 * at "/" and its navigation, drawn from the one permission matrix; court
 * work across the court officer's PDU and a new case at court; quality
 * assurance choosing a PDU; accounts managed by an administrator. A fresh
 * SQLite database with the management fixture's PDU (tests/ck_test_manage.h),
 * an account for each of its staff, one for quality assurance and one for
 * an administrator; real sockets. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_manage.h"
#include "ck_web.h"
#include <ctype.h>

static ck_date pinned_today(void) { return ck_test_date(CK_TEST_MANAGE_TODAY); }

typedef tw_server fixture;

static int setup(void **state)
{
    static fixture f;
    ck_db *db = tw_fresh_db(&f, "web-roles");
    ck_app app = {.engine = ck_engine_default(), .today = pinned_today};
    ck_test_manage_fixture(db, &app.engine);
    tw_accounts(db);
    tw_add_user(db, "quality", CK_ROLE_QA, NULL);
    tw_add_user(db, "clerk", CK_ROLE_ADMIN, NULL);
    ck_db_close(db);
    tw_start(&f, app, NULL, NULL, 2);
    *state = &f;
    return 0;
}

typedef struct who {
    char cookie[128], csrf[80];
} who;

static who as(const fixture *f, const char *username)
{
    who w;
    tw_sign_in_as(f->port, username, w.cookie, sizeof w.cookie);
    tw_csrf(f->port, w.cookie, "/", w.csrf, sizeof w.csrf);
    return w;
}

/* GET path; expects the status and every needle in the body; the caller
 * frees the response. */
static th_resp get(const fixture *f, const who *w, const char *path, int status, const char *const *needles)
{
    th_resp r = tw_req(f->port, "GET", path, w->cookie, NULL);
    if (r.status != status) fail_msg("GET %s: %d, expected %d\n%.3000s", path, r.status, status, r.body);
    for (size_t i = 0; needles && needles[i]; i++)
        if (!strstr(r.body, needles[i])) fail_msg("GET %s: no \"%s\" in the page\n%.6000s", path, needles[i], strstr(r.body, "<main") ? strstr(r.body, "<main") : r.body);
    return r;
}

static void get_ok(const fixture *f, const who *w, const char *path, int status, const char *const *needles)
{
    th_resp r = get(f, w, path, status, needles);
    th_resp_free(&r);
}

/* POSTs "csrf=...&" + fields; expects the status and each needle in the body
 * or the head; the caller frees the response. */
static th_resp post(const fixture *f, const who *w, const char *path, const char *fields, int status,
                    const char *const *needles)
{
    char form[4096];
    snprintf(form, sizeof form, "csrf=%s%s%s", w->csrf, *fields ? "&" : "", fields);
    th_resp r = tw_req(f->port, "POST", path, w->cookie, form);
    if (r.status != status) fail_msg("POST %s: %d, expected %d\n%.3000s", path, r.status, status, strstr(r.body, "<main") ? strstr(r.body, "<main") : r.body);
    for (size_t i = 0; needles && needles[i]; i++)
        if (!strstr(r.body, needles[i]) && !strstr(r.head, needles[i]))
            fail_msg("POST %s: no \"%s\" in the answer\n%.6000s", path, needles[i], r.body);
    return r;
}

static void post_ok(const fixture *f, const who *w, const char *path, const char *fields, int status,
                    const char *const *needles)
{
    th_resp r = post(f, w, path, fields, status, needles);
    th_resp_free(&r);
}

/* The accounts of the fixture, one per role. */
static const struct {
    const char *username;
    ck_role role;
    const char *home_needle; /* what the home page says */
} accounts[] = {
    {"n07p001", CK_ROLE_PRACTITIONER, "My work"},
    {"n07p009", CK_ROLE_SPO, "Appointments without an outcome"},
    {"n07p012", CK_ROLE_HEAD_OF_PDU, "PDU dashboard"},
    {"n07p011", CK_ROLE_COURT_OFFICER, "Checks outstanding for reports"},
    {"n07p010", CK_ROLE_VLO, "Releases in the next 8 weeks"},
    {"quality", CK_ROLE_QA, "Choose a probation delivery unit"},
    {"clerk", CK_ROLE_ADMIN, "Add an account"},
};
#define N_ACCOUNTS (sizeof accounts / sizeof *accounts)

/* The navigation's links in a page, in order, into hrefs (at most max). */
static size_t nav_links(const char *body, char hrefs[][64], size_t max)
{
    const char *p = strstr(body, "id=\"navigation\"");
    const char *end = p ? strstr(p, "</ul>") : NULL;
    size_t n = 0;
    static const char pat[] = "class=\"govuk-service-navigation__link\" href=\"";
    while (p && (p = strstr(p, pat)) && p < end && n < max) {
        p += sizeof pat - 1;
        size_t k = strcspn(p, "\"");
        assert_true(k < 64);
        memcpy(hrefs[n], p, k);
        hrefs[n++][k] = '\0';
    }
    return n;
}

/* Every role has a home it may open, and "/" shows it: the role's own page,
 * not an empty My work. The navigation holds exactly the pages the role's
 * permissions open (the matrix, route by route), each of which opens. */
static void test_homes_and_navigation(void **state)
{
    fixture *f = *state;
    for (int role = 0; role < CK_ROLE_COUNT; role++) {
        const char *home = ck_web_home_of((ck_role)role);
        assert_non_null(home);
        const ck_route *rt = ck_web_page_route(home);
        if (!rt) fail_msg("%s's home %s is not a page", ck_role_names[role], home);
        ck_perm perm;
        assert_true(ck_perm_parse(rt->permission, strlen(rt->permission), &perm));
        if (ck_role_scope((ck_role)role, perm) == CK_SCOPE_NONE)
            fail_msg("%s may not open its home %s", ck_role_names[role], home);
    }
    static const char *const nav_pages[] = {"/my-work", "/caseload", "/search",     "/court",       "/team",
                                            "/pdu",     "/region",   "/victims",    "/inspection",  "/workforce",
                                            "/allocations", "/qa",   "/accounts"};
    for (size_t i = 0; i < N_ACCOUNTS; i++) {
        who w = as(f, accounts[i].username);
        const char *const needles[] = {accounts[i].home_needle, NULL};
        th_resp r = get(f, &w, "/", 200, needles);
        char hrefs[32][64];
        size_t n = nav_links(r.body, hrefs, 32);
        th_resp_free(&r);
        for (size_t k = 0; k < sizeof nav_pages / sizeof *nav_pages; k++) {
            const ck_route *rt = ck_web_page_route(nav_pages[k]);
            assert_non_null(rt);
            ck_perm perm;
            assert_true(ck_perm_parse(rt->permission, strlen(rt->permission), &perm));
            bool may = ck_role_scope(accounts[i].role, perm) != CK_SCOPE_NONE, shown = false;
            for (size_t j = 0; j < n; j++) shown = shown || strcmp(hrefs[j], nav_pages[k]) == 0;
            if (may != shown)
                fail_msg("%s: %s is %s the navigation", accounts[i].username, nav_pages[k], shown ? "in" : "not in");
            /* What the navigation offers opens (a picker is a page too). */
            if (shown) get_ok(f, &w, nav_pages[k], 200, NULL);
        }
    }
}

/* A refusal links to the account's home, which opens: no loop back into
 * the refusal. An administrator lands on accounts, not on a 403. */
static void test_refusals_lead_home(void **state)
{
    fixture *f = *state;
    who admin = as(f, "clerk");
    const char *const refused[] = {"You cannot see this page", "href=\"/\">Go to Accounts</a>", NULL};
    get_ok(f, &admin, "/caseload", 403, refused);
    const char *const home[] = {"<h1 class=\"govuk-heading-l\">Accounts</h1>", NULL};
    get_ok(f, &admin, "/", 200, home);
    who po = as(f, "n07p001");
    const char *const po_refused[] = {"href=\"/\">Go to My work</a>", NULL};
    get_ok(f, &po, "/accounts", 403, po_refused);
    /* A court officer's refused page leads to court work. */
    who court = as(f, "n07p011");
    const char *const court_refused[] = {"href=\"/\">Go to Court</a>", NULL};
    get_ok(f, &court, "/team", 403, court_refused);
}

/* The court officer works the whole PDU: a new case at court, checked as
 * the API checks it, then its outstanding check asked for and its reply
 * recorded from the court page. */
static void test_court_work(void **state)
{
    fixture *f = *state;
    who court = as(f, "n07p011");
    const char *const form[] = {"Create a case at court", "name=\"report_requested-day\"", "Camden South", NULL};
    get_ok(f, &court, "/court/cases/new", 200, form);
    /* Nothing typed: the bundle's own refusal, by the CRN field. */
    const char *const empty[] = {"There is a problem", "href=\"#report_requested\"", NULL};
    post_ok(f, &court, "/court/cases/new", "crn=", 400, empty);
    /* Each refusal by the field it names: the API's own checks (CRN, report
     * type, offence category), the store's (team), the form's (no date). */
    static const struct {
        const char *crn, *type, *category, *team, *needle;
    } refused[] = {
        {"", "fast", "theft", "N07T02", "href=\"#crn\""},
        {"C900001", "long", "theft", "N07T02", "href=\"#report_type\""},
        {"C900001", "fast", "shoplifting", "N07T02", "href=\"#offence_category\""},
        {"C900001", "fast", "theft", "NOPE", "href=\"#team\""},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        char fields[512];
        snprintf(fields, sizeof fields,
                 "crn=%s&surname=Newman&report_type=%s&report_requested-day=28&report_requested-month=5&"
                 "report_requested-year=2025&offence_category=%s&team=%s",
                 refused[i].crn, refused[i].type, refused[i].category, refused[i].team);
        const char *const needles[] = {refused[i].needle, NULL};
        post_ok(f, &court, "/court/cases/new", fields, 400, needles);
    }
    const char *const labelled[] = {"Report: ", NULL};
    post_ok(f, &court, "/court/cases/new",
            "crn=C900001&surname=Newman&report_type=long&report_requested-day=28&report_requested-month=5&"
            "report_requested-year=2025&offence_category=theft&team=N07T02",
            400, labelled);
    /* In the officer's PDU but another team than the officer's own. */
    const char *const made[] = {"Location: /court?created=C900001", NULL};
    post_ok(f, &court, "/court/cases/new",
            "crn=C900001&forename=Nia&surname=Newman&date_of_birth-day=1&date_of_birth-month=2&date_of_birth-year=1990&"
            "gender=F&report_type=fast&report_requested-day=28&report_requested-month=5&report_requested-year=2025&"
            "offence_category=theft&domestic_abuse=yes&team=N07T02",
            303, made);
    const char *const taken[] = {"href=\"#crn\"", NULL};
    post_ok(f, &court, "/court/cases/new",
            "crn=C900001&surname=Again&report_type=fast&report_requested-day=28&report_requested-month=5&"
            "report_requested-year=2025&offence_category=theft&team=N07T02",
            409, taken);
    /* The court page covers the PDU: the new case of team N07T02 is there,
     * its police check to be asked for. */
    const char *const listed[] = {"Case C900001 created", "Nia Newman", "Pre-sentence report due",
                                  "href=\"/cases/C900001/checks/new?rule=DA_CHECK\">Request the check", NULL};
    get_ok(f, &court, "/court?created=C900001", 200, listed);
    const char *const tab[] = {"Request a check", NULL};
    get_ok(f, &court, "/cases/C900001/checks", 200, tab);
    post_ok(f, &court, "/cases/C900001/checks/new",
            "kind=police_da&requested-day=29&requested-month=5&requested-year=2025", 303, NULL);
    th_resp r = get(f, &court, "/court", 200, NULL);
    /* The check asked for now waits for its reply: the link records it. */
    const char *reply = strstr(r.body, "/receive\">Record the reply");
    assert_non_null(reply);
    const char *start = reply;
    while (start > r.body && *start != '"') start--;
    char path[160];
    snprintf(path, sizeof path, "%.*s/receive", (int)(reply - start - 1), start + 1);
    th_resp_free(&r);
    assert_int_equal(strncmp(path, "/cases/C900001/checks/K", 23), 0);
    r = get(f, &court, path, 200, NULL);
    char version[24], fields[160];
    tw_value_after(r.body, "name=\"version\" value=\"", version, sizeof version);
    th_resp_free(&r);
    snprintf(fields, sizeof fields, "version=%s&received-day=30&received-month=5&received-year=2025&relevant=no", version);
    post_ok(f, &court, path, fields, 303, NULL);
    r = get(f, &court, "/court", 200, NULL);
    assert_null(strstr(r.body, "/cases/C900001/checks/new?rule=DA_CHECK"));
    assert_non_null(strstr(r.body, "/cases/C900001/checks/new?rule=CHILD_CHECK"));
    th_resp_free(&r);
    /* On a case, the court officer is offered the checks' forms and no
     * other: the links follow the permission of the form's route. */
    r = get(f, &court, "/cases/M000001", 200, NULL);
    assert_non_null(strstr(r.body, "/cases/M000001/checks/new?rule=DA_CHECK"));
    assert_null(strstr(r.body, "/cases/M000001/appointments/new"));
    th_resp_free(&r);
    who spo = as(f, "n07p020");
    r = get(f, &spo, "/cases/M000001", 200, NULL);
    assert_non_null(strstr(r.body, "/cases/M000001/checks/new?rule=DA_CHECK"));
    th_resp_free(&r);
    /* Only case:create opens the form. */
    who po = as(f, "n07p001");
    get_ok(f, &po, "/court/cases/new", 403, NULL);
    /* A practitioner reads the PDU's court work but is offered checks only
     * for the cases of their own team. */
    const char *const po_court[] = {"Nia Newman", NULL};
    r = get(f, &po, "/court", 200, po_court);
    assert_null(strstr(r.body, "/cases/C900001/checks/new"));
    assert_null(strstr(r.body, "Create a case at court"));
    th_resp_free(&r);
}

/* Quality assurance reads every PDU: it chooses one, then audits it. */
static void test_qa_across_its_scope(void **state)
{
    fixture *f = *state;
    who qa = as(f, "quality");
    const char *const pick[] = {"Choose a probation delivery unit", "href=\"/qa?pdu=N07PDU1\"", NULL};
    get_ok(f, &qa, "/qa", 200, pick);
    const char *const audit[] = {"Case audit", "Camden and Islington", "name=\"pdu\" value=\"N07PDU1\"", NULL};
    get_ok(f, &qa, "/qa?pdu=N07PDU1", 200, audit);
    th_resp r = post(f, &qa, "/qa",
                     "pdu=N07PDU1&per_team=1&from-day=1&from-month=3&from-year=2025&to-day=31&to-month=5&to-year=2025",
                     303, NULL);
    char loc[64];
    tw_text_after(r.head, "Location: ", "\r", loc, sizeof loc);
    th_resp_free(&r);
    assert_int_equal(strncmp(loc, "/qa/", 4), 0);
    const char *const sample[] = {"Sample ", "href=\"/qa?pdu=N07PDU1\"", NULL};
    get_ok(f, &qa, loc, 200, sample);
    const char *const dash_pick[] = {"href=\"/pdu?code=N07PDU1\"", NULL};
    get_ok(f, &qa, "/pdu", 200, dash_pick);
    const char *const dash[] = {"PDU dashboard", NULL};
    get_ok(f, &qa, "/pdu?code=N07PDU1", 200, dash);
    const char *const region_pick[] = {"href=\"/region?region=N07\"", NULL};
    get_ok(f, &qa, "/region", 200, region_pick);
    const char *const region[] = {"London", "href=\"/pdu?code=N07PDU1\"", NULL};
    get_ok(f, &qa, "/region?region=N07", 200, region);
    const char *const wf[] = {"Camden and Islington", "/workforce/teams/N07T01?pdu=N07PDU1", NULL};
    get_ok(f, &qa, "/workforce?pdu=N07PDU1", 200, wf);
    get_ok(f, &qa, "/workforce/teams/N07T01?pdu=N07PDU1", 200, NULL);
    const char *const insp[] = {"out of 27</span>", NULL};
    get_ok(f, &qa, "/inspection?pdu=N07PDU1", 200, insp);
    get_ok(f, &qa, "/pdu?code=NOPE", 404, NULL);
    /* The team page: a PDU, then a team; read only. */
    const char *const team_pdu[] = {"href=\"/team?pdu=N07PDU1\"", NULL};
    get_ok(f, &qa, "/team", 200, team_pdu);
    const char *const teams[] = {"Choose a team", "href=\"/team?team=N07T02\"", "Camden South", NULL};
    get_ok(f, &qa, "/team?pdu=N07PDU1", 200, teams);
    const char *const team[] = {"Camden South", "Ana Able", "Senior probation officer (SPO)", NULL};
    r = get(f, &qa, "/team?team=N07T02", 200, team);
    assert_null(strstr(r.body, "/team/allocate/"));
    th_resp_free(&r);
    get_ok(f, &qa, "/team?team=NOPE", 404, NULL);
    /* A head of PDU still sees only their own PDU, and its teams; an SPO
     * their own team. */
    who head = as(f, "n07p012");
    get_ok(f, &head, "/inspection?pdu=NOPE", 404, NULL);
    get_ok(f, &head, "/team?team=N07T02", 200, team);
    who spo = as(f, "n07p009");
    get_ok(f, &spo, "/team?team=N07T02", 404, NULL);
    const char *const own[] = {"Camden North", NULL};
    get_ok(f, &spo, "/team?team=N07T01", 200, own);
}

/* Audit entries by the administrator of an action on an account. */
static int audited(const fixture *f, const char *action, const char *record)
{
    char err[512];
    ck_db *db = ck_db_open(f->db_url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"actor\" = 'clerk' AND \"action\" = $1 "
                                    "AND \"record\" = $2");
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    ck_stmt_bind_text(st, 1, action);
    ck_stmt_bind_text(st, 2, record);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int n = (int)ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    ck_db_close(db);
    return n;
}

/* The shown-once secret of a page. */
static void secret_of(const th_resp *r, char *out, size_t out_len)
{
    tw_text_after(r->body, "<strong id=\"secret\" class=\"ck-secret\">", "<", out, out_len);
}

static int sign_in_status(const fixture *f, const char *username, const char *password)
{
    char form[256];
    snprintf(form, sizeof form, "username=%s&password=%s&next=%%2F", username, password);
    th_resp r = tw_req(f->port, "POST", "/sign-in", NULL, form);
    int status = r.status;
    th_resp_free(&r);
    return status;
}

/* An administrator manages accounts in the web by the CLI's rules, each
 * change audited as the administrator. */
static void test_accounts(void **state)
{
    fixture *f = *state;
    who admin = as(f, "clerk");
    const char *const list[] = {"n07p001", "Probation practitioner", "quality", NULL};
    get_ok(f, &admin, "/accounts", 200, list);
    /* ck_users' refusals, by the field they name. */
    const char *const bad_name[] = {"href=\"#username\"", "username: expected 1 to 64", NULL};
    post_ok(f, &admin, "/accounts/new", "username=Pat+One&role=practitioner&staff=N07P001", 400, bad_name);
    const char *const no_staff[] = {"href=\"#staff\"", "needs a staff code", NULL};
    post_ok(f, &admin, "/accounts/new", "username=pat.two&role=practitioner&staff=", 400, no_staff);
    const char *const no_role[] = {"href=\"#role\"", NULL};
    post_ok(f, &admin, "/accounts/new", "username=pat.two&staff=N07P004", 400, no_role);
    const char *const taken[] = {"href=\"#username\"", "is taken", NULL};
    post_ok(f, &admin, "/accounts/new", "username=quality&role=qa", 409, taken);
    /* Without the CSRF token nothing is added. */
    th_resp r = tw_req(f->port, "POST", "/accounts/new", admin.cookie, "username=pat.two&role=practitioner&staff=N07P004");
    assert_int_equal(r.status, 403);
    th_resp_free(&r);
    const char *const added[] = {"Account added", "This is the only time it is shown", NULL};
    r = post(f, &admin, "/accounts/new", "username=pat.two&role=practitioner&staff=N07P004", 200, added);
    char pw[64];
    secret_of(&r, pw, sizeof pw);
    th_resp_free(&r);
    assert_int_equal(strlen(pw), CK_PASSWORD_GEN_LEN);
    assert_int_equal(sign_in_status(f, "pat.two", pw), 303);
    assert_int_equal(audited(f, "user.add", "pat.two"), 1);
    /* The account page shows no password again. */
    r = get(f, &admin, "/accounts/pat.two", 200, NULL);
    assert_null(strstr(r.body, pw));
    th_resp_free(&r);

    post_ok(f, &admin, "/accounts/pat.two/disable", "", 303, NULL);
    assert_int_equal(sign_in_status(f, "pat.two", pw), 401);
    const char *const disabled[] = {"Account disabled", "Enable the account", NULL};
    get_ok(f, &admin, "/accounts/pat.two?done=Account+disabled.", 200, disabled);
    post_ok(f, &admin, "/accounts/pat.two/enable", "", 303, NULL);
    assert_int_equal(sign_in_status(f, "pat.two", pw), 303);
    post_ok(f, &admin, "/accounts/pat.two/unlock", "", 303, NULL);
    r = post(f, &admin, "/accounts/pat.two/reset-password", "", 200, added + 1);
    char pw2[64];
    secret_of(&r, pw2, sizeof pw2);
    th_resp_free(&r);
    assert_string_not_equal(pw, pw2);
    assert_int_equal(sign_in_status(f, "pat.two", pw), 401);
    assert_int_equal(sign_in_status(f, "pat.two", pw2), 303);

    /* Role and staff link: the rules of add. */
    const char *const role_bad[] = {"href=\"#staff\"", "no staff member N07X999", NULL};
    post_ok(f, &admin, "/accounts/pat.two/role", "role=spo&staff=N07X999", 400, role_bad);
    post_ok(f, &admin, "/accounts/pat.two/role", "role=qa&staff=", 303, NULL);
    const char *const now_qa[] = {"Quality assurance", NULL};
    get_ok(f, &admin, "/accounts/pat.two", 200, now_qa);

    /* API tokens: scopes the role holds, shown once, revoked. */
    const char *const not_held[] = {"href=\"#scopes\"", "not held", NULL};
    post_ok(f, &admin, "/accounts/pat.two/tokens/new", "scopes=case:write&label=&expires=", 400, not_held);
    const char *const bad_scope[] = {"href=\"#scopes\"", NULL};
    post_ok(f, &admin, "/accounts/pat.two/tokens/new", "scopes=case:reed&label=&expires=", 400, bad_scope);
    const char *const bad_days[] = {"href=\"#expires\"", NULL};
    post_ok(f, &admin, "/accounts/pat.two/tokens/new", "scopes=case:read&label=&expires=0", 400, bad_days);
    const char *const made[] = {"API token created", "ckt_", NULL};
    r = post(f, &admin, "/accounts/pat.two/tokens/new", "scopes=case:read&label=export&expires=30", 200, made);
    char token[CK_API_TOKEN_LEN + 8];
    secret_of(&r, token, sizeof token);
    th_resp_free(&r);
    r = get(f, &admin, "/accounts/pat.two", 200, NULL);
    assert_null(strstr(r.body, token));
    char id[16];
    tw_text_after(r.body, "name=\"token\" value=\"", "\"", id, sizeof id);
    th_resp_free(&r);
    char field[64];
    snprintf(field, sizeof field, "token=%s", id);
    post_ok(f, &admin, "/accounts/n07p001/revoke", field, 404, NULL); /* another account's token */
    post_ok(f, &admin, "/accounts/pat.two/revoke", field, 303, NULL);
    const char *const revoked[] = {"Revoked", NULL};
    get_ok(f, &admin, "/accounts/pat.two", 200, revoked);

    static const char *const actions[] = {"user.disable", "user.enable", "user.unlock", "user.reset_password",
                                          "user.set_role", NULL};
    for (size_t i = 0; actions[i]; i++)
        if (audited(f, actions[i], "pat.two") != 1) fail_msg("%s not audited once", actions[i]);
    get_ok(f, &admin, "/accounts/nobody", 404, NULL);
    /* Nobody else manages accounts. */
    who head = as(f, "n07p012");
    get_ok(f, &head, "/accounts", 403, NULL);
    post_ok(f, &head, "/accounts/pat.two/disable", "", 403, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_homes_and_navigation), cmocka_unit_test(test_refusals_lead_home),
        cmocka_unit_test(test_court_work),           cmocka_unit_test(test_qa_across_its_scope),
        cmocka_unit_test(test_accounts),
    };
    return cmocka_run_group_tests(tests, setup, tw_teardown);
}
