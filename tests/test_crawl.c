/* The crawler: on generated demo data (casekeeper generate, imported), signs
 * in as each role but victim liaison, follows every link of every page it
 * can reach (and the JSON API behind them), and finds no victim's name,
 * address, phone number, email or notes anywhere. As a control, victim
 * liaison does see them on its victim pages, so the check itself works.
 * Licence conditions are covered: the generator gives cases with victims a
 * non-contact condition naming each victim (by id), so the crawl must meet
 * pages that list one, as "Not to contact a named victim" for every other
 * role, and as "Not to contact <name>, a victim" for victim liaison.
 * The server's log of the whole crawl (JSON, one line a request, as `serve
 * --log-format json` writes it) holds no name of anyone in the database
 * (people on probation, victims, household members, staff) and no CRN.
 * SQLite, the web and API routes on one server, real sockets. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_api.h"
#include "ck_cli.h"
#include "ck_gen.h"
#include "ck_log.h"
#include "ck_web.h"
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>

#define CASES 240
#define MAX_PAGES 600 /* per role: every page type many times over */

static ck_date as_of(void) { return ck_date_ymd(2025, 11, 3); }

typedef struct secrets {
    char **s;
    size_t n;
} secrets;

typedef struct crawl {
    char dir[64], db_url[128], log_path[96];
    int log_fd;
    tw_server s;
    secrets secret;
    secrets names; /* every person's name and every CRN: none may reach the log */
    char staff[CK_ROLE_COUNT][CK_CODE_MAX + 1];
} crawl;

static crawl C;

/* Pages met that list a non-contact condition protecting a victim: without
 * the name (every role but victim liaison), with it (victim liaison). */
static size_t unnamed_conditions[CK_ROLE_COUNT], named_conditions[CK_ROLE_COUNT];

/* ---- Fixture: generate, import, accounts ------------------------------------------- */

static void run_cmd(int (*cmd)(int, char **), char **argv)
{
    int argc = 0;
    while (argv[argc]) argc++;
    if (cmd(argc, argv) != 0) fail_msg("casekeeper %s failed", argv[0]);
}

static void add_secret(secrets *s, const char *v)
{
    if (!v || strlen(v) < 6) return; /* too short to be told from other text */
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->s[i], v) == 0) return;
    s->s = realloc(s->s, (s->n + 2) * sizeof *s->s);
    s->s[s->n++] = strdup(v);
    /* As a page writes it: HTML-escaped (names with apostrophes). */
    ck_buf b = CK_BUF_INIT;
    ck_buf_escape(&b, CK_ESC_HTML, v, strlen(v));
    if (strcmp(ck_buf_cstr(&b), v) != 0) s->s[s->n++] = ck_buf_steal(&b);
    ck_buf_free(&b);
}

/* Every victim's details, but a name that is also an offender's, a staff
 * member's or one of an offender's household (which pages rightly show: the
 * generator draws them all from the same lists of names, so the same name
 * can be a victim in one case and a partner in another). */
static void collect_secrets(ck_db *db, secrets *s)
{
    static const char *const cols[] = {"name", "address", "phone", "email", "notes"};
    for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT DISTINCT \"%s\" FROM \"victims\" WHERE \"%s\" IS NOT NULL AND \"%s\" NOT IN "
                 "(SELECT \"person_forename\" || ' ' || \"person_surname\" FROM \"cases\" WHERE \"person_surname\" "
                 "IS NOT NULL UNION SELECT \"forename\" || ' ' || \"surname\" FROM \"staff\" "
                 "UNION SELECT \"name\" FROM \"household_members\")",
                 cols[k], cols[k], cols[k]);
        ck_stmt *st = ck_db_prepare(db, sql);
        if (!st) fail_msg("%s", ck_db_errmsg(db));
        while (ck_stmt_step(st) == CK_DB_ROW) add_secret(s, ck_stmt_text(st, 0));
        ck_stmt_reset(st);
    }
}

/* Every name of a person in the database (whole names, and surnames long
 * enough not to be ordinary words of the log) and every CRN. */
static void collect_names(ck_db *db, secrets *s)
{
    static const char *const sql[] = {
        "SELECT \"person_forename\" || ' ' || \"person_surname\" FROM \"cases\" WHERE \"person_surname\" IS NOT NULL",
        "SELECT \"person_surname\" FROM \"cases\" WHERE \"person_surname\" IS NOT NULL",
        "SELECT \"crn\" FROM \"cases\"",
        "SELECT \"name\" FROM \"victims\" WHERE \"name\" IS NOT NULL",
        "SELECT \"name\" FROM \"household_members\" WHERE \"name\" IS NOT NULL",
        "SELECT \"forename\" || ' ' || \"surname\" FROM \"staff\"",
        "SELECT \"surname\" FROM \"staff\"",
    };
    for (size_t k = 0; k < sizeof sql / sizeof *sql; k++) {
        ck_stmt *st = ck_db_prepare(db, sql[k]);
        if (!st) fail_msg("%s", ck_db_errmsg(db));
        while (ck_stmt_step(st) == CK_DB_ROW) add_secret(s, ck_stmt_text(st, 0));
        ck_stmt_reset(st);
    }
}

/* A staff member of each role's grade near the busiest practitioner, so
 * every role's pages have cases to show. */
static void choose_staff(ck_db *db)
{
    char sql[512], team[64] = "", pdu[64] = "", region[64] = "";
    ck_test_db_text(db, "SELECT \"staff_code\" FROM \"cases\" WHERE \"staff_code\" IS NOT NULL GROUP BY \"staff_code\" "
                "ORDER BY COUNT(*) DESC, \"staff_code\" LIMIT 1",
            C.staff[CK_ROLE_PRACTITIONER], sizeof C.staff[0]);
    snprintf(sql, sizeof sql, "SELECT \"team\" FROM \"staff\" WHERE \"code\" = '%s'", C.staff[CK_ROLE_PRACTITIONER]);
    ck_test_db_text(db, sql, team, sizeof team);
    snprintf(sql, sizeof sql, "SELECT \"pdu\" FROM \"teams\" WHERE \"code\" = '%s'", team);
    ck_test_db_text(db, sql, pdu, sizeof pdu);
    snprintf(sql, sizeof sql, "SELECT \"region\" FROM \"pdus\" WHERE \"code\" = '%s'", pdu);
    ck_test_db_text(db, sql, region, sizeof region);
    static const struct {
        ck_role role;
        const char *grade;
    } want[] = {{CK_ROLE_SPO, "SPO"}, {CK_ROLE_HEAD_OF_PDU, "head_of_pdu"}, {CK_ROLE_COURT_OFFICER, "court_officer"},
                {CK_ROLE_VLO, "VLO"}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        /* Nearest first: the team, the PDU, the region, anywhere. */
        snprintf(sql, sizeof sql,
                 "SELECT \"staff\".\"code\" FROM \"staff\" JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\" "
                 "JOIN \"pdus\" ON \"pdus\".\"code\" = \"teams\".\"pdu\" WHERE \"staff\".\"grade\" = '%s' ORDER BY "
                 "CASE WHEN \"teams\".\"code\" = '%s' THEN 0 WHEN \"pdus\".\"code\" = '%s' THEN 1 WHEN "
                 "\"pdus\".\"region\" = '%s' THEN 2 ELSE 3 END, \"staff\".\"code\" LIMIT 1",
                 want[i].grade, team, pdu, region);
        ck_test_db_text(db, sql, C.staff[want[i].role], sizeof C.staff[0]);
        if (!C.staff[want[i].role][0])
            snprintf(C.staff[want[i].role], sizeof C.staff[0], "%s", C.staff[CK_ROLE_PRACTITIONER]);
    }
}

static int setup(void **state)
{
    (void)state;
    char err[512];
    snprintf(C.dir, sizeof C.dir, "/tmp/ck-crawl.XXXXXX");
    if (!mkdtemp(C.dir)) return -1;
    char data[96], db_path[96], as_of_s[CK_DATE_STRLEN];
    snprintf(data, sizeof data, "%s/data", C.dir);
    snprintf(db_path, sizeof db_path, "%s/crawl.db", C.dir);
    snprintf(C.db_url, sizeof C.db_url, "sqlite:%s", db_path);
    ck_date_fmt(as_of(), as_of_s);

    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.as_of = as_of();
    o.n_cases = CASES;
    ck_gen *g = ck_gen_new(&o);
    if (!ck_gen_write_dir(g, data, err, sizeof err)) fail_msg("generate: %s", err);
    ck_gen_free(g);
    char *migrate[] = {"migrate", "--db", C.db_url, NULL};
    run_cmd(ck_cmd_migrate, migrate);
    char *import[] = {"import", "--db", C.db_url, "--as-of", as_of_s, data, NULL};
    run_cmd(ck_cmd_import, import);

    ck_db *db = ck_db_open(C.db_url, err, sizeof err);
    if (!db) fail_msg("%s", err);
    choose_staff(db);
    for (int r = 0; r < CK_ROLE_COUNT; r++)
        tw_add_user(db, ck_role_names[r], (ck_role)r, ck_role_needs_staff((ck_role)r) ? C.staff[r] : NULL);
    collect_secrets(db, &C.secret);
    collect_names(db, &C.names);
    ck_db_close(db);
    if (C.secret.n < 50) fail_msg("only %zu victims' details to look for", C.secret.n);
    if (C.names.n < CASES) fail_msg("only %zu names and CRNs to look for", C.names.n);

    /* The server's log as `serve --log-format json` writes it, to a file. */
    snprintf(C.log_path, sizeof C.log_path, "%s/serve.log", C.dir);
    C.log_fd = open(C.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (C.log_fd < 0) fail_msg("%s: cannot create", C.log_path);
    ck_log_set_fd(C.log_fd);
    ck_log_set_format(CK_LOG_JSON);
    ck_app app = {.engine = ck_engine_default(), .today = as_of};
    C.s.access_log = true;
    tw_start(&C.s, app, NULL, C.db_url, 4);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tw_stop(&C.s);
    ck_log_set_fd(-1);
    ck_log_set_format(CK_LOG_TEXT);
    if (C.log_fd > 0) close(C.log_fd);
    for (size_t i = 0; i < C.secret.n; i++) free(C.secret.s[i]);
    free(C.secret.s);
    for (size_t i = 0; i < C.names.n; i++) free(C.names.s[i]);
    free(C.names.s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", C.dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- Crawling ---------------------------------------------------------------------- */

typedef struct frontier {
    char **url;
    size_t n, next;
} frontier;

static void visit_later(frontier *f, const char *url, size_t n)
{
    if (n == 0 || n > 300 || f->n >= MAX_PAGES) return;
    for (size_t i = 0; i < f->n; i++)
        if (strlen(f->url[i]) == n && strncmp(f->url[i], url, n) == 0) return;
    f->url = realloc(f->url, (f->n + 1) * sizeof *f->url);
    f->url[f->n++] = strndup(url, n);
}

/* Same-site links of a page ("&amp;" undone), but static files and sign-out. */
static void links_of(frontier *f, const char *body)
{
    for (const char *p = strstr(body, "href=\"/"); p; p = strstr(p + 1, "href=\"/")) {
        const char *u = p + 6;
        size_t n = strcspn(u, "\"");
        if (u[1] == '/' || strncmp(u, "/assets/", 8) == 0 || strncmp(u, "/sign-out", 9) == 0) continue;
        char url[320];
        size_t k = 0;
        for (size_t i = 0; i < n && k + 1 < sizeof url; i++) {
            if (strncmp(u + i, "&amp;", 5) == 0) i += 4;
            url[k++] = u[i];
        }
        url[k] = '\0';
        visit_later(f, url, k);
        /* Behind a case page, its JSON too. */
        if (strncmp(url, "/cases/", 7) == 0) {
            size_t crn = strcspn(url + 7, "/?");
            char api[128];
            int m = snprintf(api, sizeof api, "/api/v1/cases/%.*s", (int)crn, url + 7);
            visit_later(f, api, (size_t)m);
            m = snprintf(api, sizeof api, "/api/v1/cases/%.*s/obligations?all=true", (int)crn, url + 7);
            visit_later(f, api, (size_t)m);
        }
    }
}

static const char *leaked(const char *body)
{
    for (size_t i = 0; i < C.secret.n; i++)
        if (strstr(body, C.secret.s[i])) return C.secret.s[i];
    return NULL;
}

/* Signs in as role r's account; returns the cookie. */
static void sign_in(int r, char *cookie, size_t n)
{
    char form[256];
    snprintf(form, sizeof form, "username=%s&password=a+web+test+passphrase", ck_role_names[r]);
    th_resp resp = tw_req(C.s.port, "POST", "/sign-in", NULL, form);
    if (resp.status != 303) fail_msg("sign in as %s: %d", ck_role_names[r], resp.status);
    char v[CK_TOKEN_HEX + 8];
    tw_value_after(resp.head, "Set-Cookie: ck_session=", v, sizeof v);
    snprintf(cookie, n, "ck_session=%s", v);
    th_resp_free(&resp);
}

/* Crawls as role r; returns how many pages answered 200, and the number of
 * victims' details seen in *seen (NULL: fails on the first). */
static size_t crawl_as(int r, size_t *seen)
{
    char cookie[128];
    sign_in(r, cookie, sizeof cookie);
    static const char *const seeds[] = {"/",      "/caseload", "/search?q=a", "/team",           "/court",
                                        "/victims", "/pdu",    "/api/v1/session", "/api/v1/users", "/api/v1/cases?q=a&limit=100"};
    frontier f = {0};
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) visit_later(&f, seeds[i], strlen(seeds[i]));
    size_t ok = 0;
    while (f.next < f.n) {
        const char *url = f.url[f.next++];
        th_resp resp = tw_req(C.s.port, "GET", url, cookie, NULL);
        if (resp.status >= 500) fail_msg("%s GET %s: %d", ck_role_names[r], url, resp.status);
        if (resp.status == 303 && strstr(resp.head, "Location: /sign-in"))
            fail_msg("%s GET %s: signed out mid-crawl", ck_role_names[r], url);
        const char *what = leaked(resp.body);
        if (what && !seen) fail_msg("%s GET %s: a victim's details (\"%s\") in the answer", ck_role_names[r], url, what);
        if (what) ++*seen;
        if (strstr(resp.body, "Not to contact a named victim")) unnamed_conditions[r]++;
        if (what && strstr(resp.body, ", a victim")) named_conditions[r]++;
        if (resp.status == 200) {
            ok++;
            links_of(&f, resp.body);
        }
        th_resp_free(&resp);
    }
    for (size_t i = 0; i < f.n; i++) free(f.url[i]);
    free(f.url);
    return ok;
}

static void test_no_victim_details_for_other_roles(void **state)
{
    (void)state;
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        if (r == CK_ROLE_VLO) continue;
        size_t pages = crawl_as(r, NULL);
        print_message("%s: %zu pages and API answers, no victim's details among %zu searched for\n", ck_role_names[r],
                      pages, C.secret.n);
        /* Every role but admin reaches case pages, and among them
         * licences with a condition protecting a victim. */
        if (r != CK_ROLE_ADMIN && pages < 20) fail_msg("%s reached only %zu pages", ck_role_names[r], pages);
        if (r != CK_ROLE_ADMIN && unnamed_conditions[r] == 0)
            fail_msg("%s met no page with a non-contact condition protecting a victim", ck_role_names[r]);
        print_message("%s: %zu pages with such a condition\n", ck_role_names[r], unnamed_conditions[r]);
    }
}

/* The control: the same crawl as victim liaison finds victims' details, so
 * a leak to the others would have been found. */
static void test_victim_liaison_sees_them(void **state)
{
    (void)state;
    size_t seen = 0;
    size_t pages = crawl_as(CK_ROLE_VLO, &seen);
    print_message("vlo: %zu pages, victims' details on %zu, a victim named behind a condition on %zu\n", pages, seen,
                  named_conditions[CK_ROLE_VLO]);
    assert_true(seen > 0);
    assert_true(named_conditions[CK_ROLE_VLO] > 0);
}

/* After both crawls: the server's log names no one. The server is
 * stopped first, so every request's line has been written. */
static void test_log_names_no_one(void **state)
{
    (void)state;
    tw_stop(&C.s);
    memset(&C.s, 0, sizeof C.s);
    FILE *f = fopen(C.log_path, "r");
    assert_non_null(f);
    char line[4096];
    size_t lines = 0, requests = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        for (size_t i = 0; i < C.names.n; i++)
            if (strstr(line, C.names.s[i])) fail_msg("\"%s\" in the server's log: %s", C.names.s[i], line);
        for (size_t i = 0; i < C.secret.n; i++)
            if (strstr(line, C.secret.s[i])) fail_msg("a victim's details (\"%s\") in the server's log: %s",
                                                      C.secret.s[i], line);
        json_t *j = json_loads(line, 0, NULL);
        if (!json_is_object(j)) fail_msg("a log line that is not a JSON object: %s", line);
        if (ck_streq(json_string_value(json_object_get(j, "event")), "request")) requests++;
        json_decref(j);
    }
    fclose(f);
    print_message("the server's log: %zu lines, %zu of them requests, none with any of %zu names and CRNs\n", lines,
                  requests, C.names.n);
    /* The crawl went through the log: every role's sign-in and pages. */
    assert_true(requests > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_victim_details_for_other_roles),
        cmocka_unit_test(test_victim_liaison_sees_them),
        cmocka_unit_test(test_log_names_no_one),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
