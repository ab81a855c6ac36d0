/* One set of figures (issue 14), on SQLite and PostgreSQL: over a generated
 * organisation and its cases, the PDU dashboard, the region dashboard, the
 * workforce page, the inspection page and `casekeeper stats` count the same
 * cases for each PDU (ck_caseload.h, CK_PDU_CASES_MEANING) and the same
 * overdue obligations; the inspection headline is its history's last row;
 * funded posts come from the organisation data. Read from the store, from
 * the command line's JSON and from the pages a head of PDU is served. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_http.h"
#include "ck_test_web.h"
#include "ck_test_cli.h"
#include "ck_test_manage.h"
#include "ck_caseload.h"
#include "ck_cli.h"
#include "ck_gen.h"
#include "ck_gen_load.h"
#include "ck_inspection.h"
#include "ck_manage_json.h"
#include "ck_nightly.h"
#include "ck_stats.h"
#include "ck_web.h"
#include "ck_workforce.h"

#define ok ck_test_ok
#define CASES 700
#define AS_OF "2025-11-03"

static ck_date as_of_day(void) { return ck_test_date(AS_OF); }

/* Runs `casekeeper stats` and parses what it prints on standard output. */
static json_t *stats_json(const char *url)
{
    char err[2048];
    fflush(stdout);
    int saved = dup(1);
    FILE *tmp = tmpfile();
    if (saved < 0 || !tmp) fail_msg("cannot capture the standard output of stats");
    dup2(fileno(tmp), 1);
    const char *const args[] = {"stats", "--db", url, "--as-of", AS_OF, "--format", "json", NULL};
    int rc = ck_test_run_cmd(err, sizeof err, ck_cmd_stats, args);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    if (rc != 0) fail_msg("stats: %d %s", rc, err);
    rewind(tmp);
    json_error_t je;
    json_t *j = json_loadf(tmp, 0, &je);
    fclose(tmp);
    if (!j) fail_msg("stats: not JSON: %s", je.text);
    return j;
}

static const json_t *stats_pdu(const json_t *stats, const char *pdu)
{
    size_t i;
    const json_t *g;
    json_array_foreach(json_object_get(stats, "pdus"), i, g)
        if (ck_streq(json_string_value(json_object_get(g, "pdu")), pdu)) return g;
    fail_msg("stats: no PDU %s", pdu);
    return NULL;
}

/* The whole number after `pat` in a page (commas allowed); -1 when absent. */
static long number_after(const char *body, const char *pat)
{
    const char *p = body ? strstr(body, pat) : NULL;
    if (!p) return -1;
    p += strlen(pat);
    long v = 0;
    bool any = false;
    for (; *p && (isdigit((unsigned char)*p) || *p == ','); p++)
        if (*p != ',') {
            v = v * 10 + (*p - '0');
            any = true;
        }
    return any ? v : -1;
}

/* The number in the last row of the inspection page's monthly table. */
static long last_trend_points(const char *body)
{
    const char *table = strstr(body, "id=\"trend\"");
    assert_non_null(table);
    const char *last = NULL; /* the numeric cell of the last row: its tag may carry more attributes */
    for (const char *p = table; (p = strstr(p, "govuk-table__cell--numeric\"")); p++) last = p;
    assert_non_null(last);
    return number_after(last, ">");
}

/* Each PDU's workforce and allocation board as JSON, with every held case's
 * profile (tier, WMT type and points, RoSH and MAPP levels), by PDU; *kinds
 * counts the cases with a RoSH level, a MAPP level, a licence type and the
 * court reports in preparation, so a comparison of them is not empty. */
static json_t *workforce_figures(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const ck_stats *s,
                                 size_t kinds[4])
{
    char err[1024];
    json_t *all = json_object();
    memset(kinds, 0, 4 * sizeof *kinds);
    for (size_t i = 0; i < s->n_pdus; i++) {
        const char *pdu = s->pdus[i].pdu;
        if (!pdu) continue;
        ck_workforce *w = NULL;
        ok(ck_workforce_load(db, eng->cfg, NULL, pdu, as_of_day(), &w, err, sizeof err), err);
        json_t *j = ck_workforce_to_json(w), *cases = json_array();
        for (size_t k = 0; k < w->n_staff; k++) {
            const ck_wf_staff *p = &w->staff[k];
            kinds[3] += p->n_reports;
            for (size_t c = 0; c < p->n_cases; c++) {
                const ck_wf_case *wc = &p->cases[c];
                kinds[0] += wc->rosh != NULL;
                kinds[1] += wc->mappa != NULL;
                kinds[2] += wc->has_type && wc->type == CK_WMT_LICENCE;
                json_array_append_new(cases, json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:s?, s:s?}", "staff", p->code,
                                                       "crn", wc->crn, "tier", wc->tier, "has_type", wc->has_type,
                                                       "type", wc->has_type ? (int)wc->type : -1, "points", wc->points,
                                                       "rosh", wc->rosh, "mappa", wc->mappa));
            }
        }
        json_object_set_new(j, "profiles", cases);
        ck_workforce_free(w);
        ck_alloc_board *b = NULL;
        ok(ck_alloc_board_load(db, eng, mc, pdu, NULL, as_of_day(), &b, err, sizeof err), err);
        json_object_set_new(j, "board", ck_alloc_board_to_json(b, 50));
        ck_alloc_board_free(b);
        json_object_set_new(all, pdu, j);
    }
    return all;
}

/* Follows every link of body whose address starts with prefix and whose text
 * starts with a number, and checks the page behind it lists that many
 * ("Showing 1 to .. of N", or no rows for 0). Returns how many it followed. */
static size_t links_agree(int port, const char *cookie, const char *body, const char *prefix)
{
    size_t followed = 0;
    char pat[64];
    snprintf(pat, sizeof pat, "href=\"%s", prefix);
    for (const char *p = strstr(body, pat); p; p = strstr(p + 1, pat)) {
        const char *href = p + strlen("href=\""), *end = strchr(href, '"');
        assert_non_null(end);
        if (!isdigit((unsigned char)end[2])) continue; /* '">' then the number */
        if (memmem(href, (size_t)(end - href), "status=judged", 13)) continue; /* a rate: a percentage, not a count */
        long want = number_after(end, ">");
        char url[512];
        size_t n = 0;
        for (const char *q = href; q < end && n + 1 < sizeof url; n++) { /* the attribute's &amp; is & */
            url[n] = *q;
            q += strncmp(q, "&amp;", 5) == 0 ? 5 : 1;
        }
        url[n] = '\0';
        th_resp r = tw_req(port, "GET", url, cookie, NULL);
        assert_int_equal(r.status, 200);
        long got = want == 0 && !strstr(r.body, "Showing ") ? 0 : number_after(strstr(r.body, "Showing "), " of ");
        if (got != want) fail_msg("%s says %ld, its page lists %ld", url, want, got);
        th_resp_free(&r);
        followed++;
    }
    return followed;
}

static void figures_agree(void **state)
{
    ck_test_db *f = *state;
    ck_db *db = ck_test_db_get(state);
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.n_cases = CASES;
    o.as_of = as_of_day();
    ck_gen *g = ck_gen_new(&o);
    ck_engine eng = ck_engine_default();
    char err[1024];
    ok(ck_gen_load(db, g, &eng, NULL, NULL, err, sizeof err), err);
    ck_gen_free(g);
    size_t written = 0;
    ok(ck_nightly_snapshots(db, eng.cfg, o.as_of, ck_inspection_snapshot_text, &written, err, sizeof err), err);
    assert_true(written > 0);
    ck_manage_cfg mc;
    ok(ck_manage_cfg_load(db, &mc, err, sizeof err), err);

    ck_stats *s = NULL;
    ok(ck_stats_compute(db, o.as_of, NULL, &s, err, sizeof err), err);
    json_t *cli = stats_json(f->url[0]);
    size_t all_cases = 0, pdus = 0;
    const char *region = NULL, *head = NULL, *head_pdu = NULL, *spo = NULL;
    ck_arena a;
    ck_arena_init(&a);
    for (size_t i = 0; i < s->n_pdus; i++) {
        const ck_stats_group *sg = &s->pdus[i];
        size_t cases = sg->cases.allocated + sg->cases.unallocated;
        all_cases += cases;
        if (!sg->pdu) continue;
        pdus++;
        /* casekeeper stats prints what ck_stats counts. */
        const json_t *cg = stats_pdu(cli, sg->pdu);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(cg, "cases"), "total")), cases);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(cg, "all_rules"), "overdue")),
                         sg->all.overdue);
        /* The PDU dashboard: the same cases, the same overdue obligations. */
        ck_pdu_summary *dash = NULL;
        ok(ck_caseload_pdu(db, sg->pdu, o.as_of, &dash, err, sizeof err), err);
        assert_int_equal(dash->cases.allocated, sg->cases.allocated);
        assert_int_equal(dash->cases.unallocated, sg->cases.unallocated);
        size_t overdue = 0;
        for (size_t k = 0; k < dash->n_by_rule; k++) overdue += dash->by_rule[k].n;
        assert_int_equal(overdue, sg->all.overdue);
        ck_pdu_summary_free(dash);
        /* The workforce page: its staff hold the allocated ones; funded posts
         * come from the organisation data. */
        ck_workforce *w = NULL;
        ok(ck_workforce_load(db, eng.cfg, NULL, sg->pdu, o.as_of, &w, err, sizeof err), err);
        const ck_wf_team *total = &w->teams[w->n_teams - 1];
        assert_int_equal(total->staffing.cases, sg->cases.allocated);
        assert_true(total->posts_fte > 0);
        assert_true(total->posts_fte >= total->vacancies);
        for (size_t k = 0; k < w->n_staff && !head; k++)
            if (ck_streq(w->staff[k].grade, "head_of_pdu") && w->staff[k].in_post) {
                head = ck_arena_strdup(&a, w->staff[k].code);
                head_pdu = ck_arena_strdup(&a, sg->pdu);
                region = ck_arena_strdup(&a, w->staff[k].region);
            }
        for (size_t k = 0; k < w->n_staff && head_pdu && ck_streq(head_pdu, sg->pdu) && !spo; k++)
            if (ck_streq(w->staff[k].grade, "SPO") && w->staff[k].in_post) spo = ck_arena_strdup(&a, w->staff[k].code);
        ck_workforce_free(w);
        /* The inspection: the headline (the default period, computed now)
         * is the history's last row, read from the nightly snapshot. */
        ck_inspection_months *h = NULL;
        ok(ck_inspection_history(db, eng.cfg, &mc.bands, sg->pdu, CK_INSPECTION_HISTORY_MONTHS, o.as_of, &h, err,
                                 sizeof err), err);
        assert_int_equal(h->n, CK_INSPECTION_HISTORY_MONTHS);
        assert_non_null(h->months[h->n - 1].snapshot);
        ck_inspection *last = ck_inspection_from_snapshot(h->months[h->n - 1].snapshot), *now = NULL;
        assert_non_null(last);
        ck_inspect_period p = ck_inspect_default_period(o.as_of);
        ok(ck_inspection_compute(db, eng.cfg, &mc.bands, NULL, sg->pdu, &p, &now, err, sizeof err), err);
        json_t *x = ck_inspection_to_json(last), *y = ck_inspection_to_json(now);
        assert_true(json_equal(x, y));
        assert_true(now->cases <= cases);
        json_decref(x);
        json_decref(y);
        ck_inspection_free(last);
        ck_inspection_free(now);
        ck_inspection_months_free(h);
    }
    assert_true(pdus > 1);
    assert_int_equal(all_cases, CASES);
    assert_non_null(head);

    /* The region dashboard: each PDU's cases as above. */
    static const char *const da[] = {"DA_CHECK", NULL};
    static const char *const *const groups[] = {da};
    ck_region_summary *rg = NULL;
    ok(ck_caseload_region(db, region, groups, 1, o.as_of, &rg, err, sizeof err), err);
    for (size_t i = 0; i < rg->n; i++) {
        const json_t *cg = stats_pdu(cli, rg->pdus[i].code);
        assert_int_equal(rg->pdus[i].cases.allocated + rg->pdus[i].cases.unallocated,
                         json_integer_value(json_object_get(json_object_get(cg, "cases"), "total")));
    }
    ck_region_summary_free(rg);

    /* The pages a head of PDU is served say the same. */
    long want = -1, want_overdue = -1;
    for (size_t i = 0; i < s->n_pdus; i++)
        if (ck_streq(s->pdus[i].pdu, head_pdu)) {
            want = (long)(s->pdus[i].cases.allocated + s->pdus[i].cases.unallocated);
            want_overdue = (long)s->pdus[i].all.overdue;
        }
    tw_add_user(db, "head", CK_ROLE_HEAD_OF_PDU, head);
    tw_server srv = {0};
    ck_app app = {.engine = eng, .today = as_of_day};
    tw_start(&srv, app, NULL, f->url[0], 2);
    char cookie[256];
    tw_sign_in_as(srv.port, "head", cookie, sizeof cookie);
    th_resp r = tw_req(srv.port, "GET", "/pdu", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(number_after(strstr(r.body, "id=\"cases-total\""), ">"), want);
    /* Every number on the dashboard opens the list it counts: overdue by
     * rule and team, timeliness (4 a kind of work), each month's bar and rates. */
    assert_true(links_agree(srv.port, cookie, r.body, "/pdu/overdue") >= 3 * 3 + 12);
    assert_true(links_agree(srv.port, cookie, r.body, "/pdu/cases") >= 2);
    th_resp_free(&r);
    r = tw_req(srv.port, "GET", "/region", cookie, NULL);
    assert_true(links_agree(srv.port, cookie, r.body, "/pdu/") >= 2);
    th_resp_free(&r);
    /* The team page: each practitioner's cases and overdue. */
    assert_non_null(spo);
    tw_add_user(db, "spo", CK_ROLE_SPO, spo);
    char spo_cookie[256];
    tw_sign_in_as(srv.port, "spo", spo_cookie, sizeof spo_cookie);
    r = tw_req(srv.port, "GET", "/team", spo_cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_true(links_agree(srv.port, spo_cookie, r.body, "/pdu/cases?staff=") >= 2);
    assert_true(links_agree(srv.port, spo_cookie, r.body, "/pdu/overdue?staff=") >= 2);
    th_resp_free(&r);
    /* Behind the numbers: the lists they count. */
    r = tw_req(srv.port, "GET", "/pdu/cases", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(number_after(strstr(r.body, "Showing "), " of "), want);
    th_resp_free(&r);
    r = tw_req(srv.port, "GET", "/pdu/overdue", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(number_after(strstr(r.body, "Showing "), " of "), want_overdue);
    th_resp_free(&r);
    r = tw_req(srv.port, "GET", "/region?sort=score", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "Not yet worked out")); /* every PDU's score from last night's snapshot */
    th_resp_free(&r);
    r = tw_req(srv.port, "GET", "/workforce", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(number_after(strstr(r.body, "id=\"cases-total\""), ">"), want);
    assert_null(strstr(r.body, "of 0.0 funded posts"));
    th_resp_free(&r);
    r = tw_req(srv.port, "GET", "/inspection", cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(number_after(r.body, "of the unit's "), want);
    assert_int_equal(number_after(r.body, "ck-score__points\">"), last_trend_points(r.body));
    th_resp_free(&r);
    tw_stop(&srv);

    /* The workforce and the allocation board read each case's stored
     * profile (migration 011), written with every case at the load: the
     * same figures as from the cases loaded whole, which is what a profile
     * not stored at the date asked for makes them do. */
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"cases\" WHERE \"profile_as_of\" = $1");
    assert_non_null(st);
    ck_stmt_bind_date(st, 1, as_of_day());
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), CASES);
    ck_stmt_reset(st);
    size_t kinds[4], kinds_whole[4];
    json_t *stored = workforce_figures(db, &eng, &mc, s, kinds);
    assert_int_equal(ck_db_exec(db, "UPDATE \"cases\" SET \"profile_as_of\" = NULL"), CK_DB_OK);
    json_t *whole = workforce_figures(db, &eng, &mc, s, kinds_whole);
    if (!json_equal(stored, whole)) {
        char *x = json_dumps(stored, JSON_SORT_KEYS), *y = json_dumps(whole, JSON_SORT_KEYS);
        fail_msg("stored profiles: %.600s\nwhole cases: %.600s", x, y);
    }
    /* The generated cases held by staff have no court report in preparation
     * (test_manage_store's test_profile_stored has them). */
    for (int k = 0; k < 3; k++)
        if (!kinds[k]) fail_msg("kind %d: none (rosh %zu, mappa %zu, licence %zu, reports %zu)", k, kinds[0], kinds[1], kinds[2], kinds[3]);
    json_decref(stored);
    json_decref(whole);

    ck_arena_free(&a);
    json_decref(cli);
    ck_stats_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {CK_DB_TEST(figures_agree)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
