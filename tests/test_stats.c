/* casekeeper stats (store/ck_stats) on SQLite and PostgreSQL: a small
 * dataset whose counts were worked out by hand, and a generated London-like
 * sample whose figures must be exactly what the rules engine and the
 * practice tally give for the same cases, and close to the generator's
 * parameters. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_bundle.h"
#include "ck_gen_load.h"
#include "ck_org.h"
#include "ck_org_codec.h"
#include "ck_stats.h"
#include <math.h>

static ck_date day(const char *s)
{
    ck_date d = CK_NODATE;
    assert_true(ck_date_parse(s, strlen(s), &d));
    return d;
}

static void ok(ck_rc rc, const char *err)
{
    if (rc != CK_OK) fail_msg("ck_rc %d: %s", rc, err);
}

static void exec_ok(ck_db *db, const char *sql)
{
    if (ck_db_exec(db, sql) != CK_DB_OK) fail_msg("%s", ck_db_errmsg(db));
}

/* ---- A dataset counted by hand ------------------------------------------------------ */

static const char *const ORG[] = {
    "{\"kind\": \"region\", \"code\": \"LDN\", \"name\": \"London\"}",
    "{\"kind\": \"pdu\", \"code\": \"P1\", \"region\": \"LDN\", \"name\": \"Camden and Islington\"}",
    "{\"kind\": \"pdu\", \"code\": \"P2\", \"region\": \"LDN\", \"name\": \"Hackney and City\"}",
    "{\"kind\": \"pdu\", \"code\": \"P3\", \"region\": \"LDN\", \"name\": \"Lambeth\"}",
    "{\"kind\": \"team\", \"code\": \"T1\", \"pdu\": \"P1\", \"name\": \"Camden 1\"}",
    "{\"kind\": \"team\", \"code\": \"T2\", \"pdu\": \"P2\", \"name\": \"Hackney 1\"}",
};

/* A: P1, allocated first to a leaver (AL1), then to someone in post.
 * B: P1, allocated to someone on long-term absence (AL9). C: P2. D: a team
 * the organisation does not know, so no PDU. */
static const char *const CASES[] = {
    "{\"crn\": \"A1\", \"team\": \"T1\", \"person\": {\"forename\": \"Ann\", \"surname\": \"A\"}, \"allocations\": ["
    "{\"id\": \"AL1\", \"from\": \"2025-01-02\", \"to\": \"2025-04-28\", \"staff_code\": \"S1\", "
    "\"staff_left_on\": \"2025-04-28\"},"
    "{\"id\": \"AL2\", \"from\": \"2025-06-01\", \"staff_code\": \"S2\"}]}",
    "{\"crn\": \"B1\", \"team\": \"T1\", \"person\": {\"forename\": \"Bob\", \"surname\": \"B\"}, \"allocations\": ["
    "{\"id\": \"AL9\", \"from\": \"2025-01-02\", \"staff_code\": \"S3\", "
    "\"staff_long_term_absence_from\": \"2025-04-01\"}]}",
    "{\"crn\": \"C1\", \"team\": \"T2\", \"person\": {\"forename\": \"Cat\", \"surname\": \"C\"}}",
    "{\"crn\": \"D1\", \"team\": \"T9\", \"person\": {\"forename\": \"Dan\", \"surname\": \"D\"}}",
};

/* Seen at 2025-06-10: due before it is past. Statuses as stored. */
static const struct {
    const char *crn, *rule, *subject, *due, *status;
} OBLIGATIONS[] = {
    {"A1", "ALLOCATE", "case", "2025-01-10", "met"},
    {"A1", "ALLOCATE", "allocation:AL1", "2025-05-01", "unmet"}, /* overdue, a leaver's */
    {"A1", "DA_CHECK", "event:E1", "2025-02-01", "unmet"},       /* overdue */
    {"A1", "DA_CHECK", "report:R1", "2025-07-01", "unmet"},      /* open */
    {"A1", "CONTACT", "contact:C1", "2025-03-01", "met_late"},
    {"A1", "CONTACT", "contact:C2", "2025-07-01", "unmet"},      /* open */
    {"A1", "VCS_REFERRAL", "event:E1", "2025-03-01", "unmet"},   /* overdue */
    {"B1", "ALLOCATE", "case", "2025-06-20", "unmet"},           /* open */
    {"B1", "ALLOCATE", "allocation:AL9", "2025-05-01", "unmet"}, /* overdue, absence not leaving */
    {"B1", "DA_CHECK", "event:E1", "2025-03-01", "met"},
    {"B1", "VCS_REFERRAL", "event:E1", "2025-04-01", "met"},
    {"B1", "VCS_REFERRAL", "event:E2", "2025-05-01", "met_late"},
    {"C1", "ALLOCATE", "case", "2025-01-01", "unmet"},           /* overdue */
    {"C1", "ROSH_INITIAL", "event:E1", "2025-02-01", "met"},
    {"C1", "ROSH_REVIEW", "assessment:AS1", "2025-05-01", "met_late"},
    {"C1", "OVERSIGHT", "assessment:AS1", "2025-06-20", "unmet"}, /* open */
    {"D1", "CONTACT", "contact:C1", "2025-05-01", "met"},
};

static void hand_dataset(ck_db *db)
{
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_date as_of = day("2025-06-10");
    ok(ck_db_begin_write(db) == CK_DB_OK ? CK_OK : CK_ERR_DB, ck_db_errmsg(db));
    ck_org_import *imp = ck_org_import_new(db);
    for (size_t i = 0; i < sizeof ORG / sizeof *ORG; i++) {
        ck_arena a;
        ck_arena_init(&a);
        ck_org_record r;
        ok(ck_org_parse(ORG[i], strlen(ORG[i]), &a, &r, err, sizeof err), err);
        ok(ck_org_import_put(imp, &r, err, sizeof err), err);
        ck_arena_free(&a);
    }
    ck_org_import_free(imp);
    ok(ck_db_commit(db) == CK_DB_OK ? CK_OK : CK_ERR_DB, ck_db_errmsg(db));
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        ck_case *c = ck_bundle_parse(CASES[i], strlen(CASES[i]), err, sizeof err);
        if (!c) fail_msg("%s", err);
        ok(ck_cases_create(db, &eng, c, as_of, err, sizeof err), err);
        ck_case_free(c);
    }
    /* The engine's own obligations give way to the hand-made ones. */
    exec_ok(db, "DELETE FROM \"obligations\"");
    for (size_t i = 0; i < sizeof OBLIGATIONS / sizeof *OBLIGATIONS; i++) {
        ck_stmt *st = ck_db_prepare(db, "SELECT \"case_id\", \"pdu_code\" FROM \"cases\" WHERE \"crn\" = $1");
        assert_non_null(st);
        ck_stmt_bind_text(st, 1, OBLIGATIONS[i].crn);
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        int64_t id = ck_stmt_int(st, 0);
        char *pdu = ck_stmt_null(st, 1) ? NULL : strdup(ck_stmt_text(st, 1));
        ck_stmt_reset(st);
        bool met = strcmp(OBLIGATIONS[i].status, "unmet") != 0;
        st = ck_db_prepare(db, "INSERT INTO \"obligations\" (\"case_id\", \"rule\", \"subject\", \"due\", "
                               "\"met_on\", \"status\", \"severity\", \"explanation\", \"pdu_code\") "
                               "VALUES ($1, $2, $3, $4, $5, $6, 1, 'by hand', $7)");
        assert_non_null(st);
        ck_stmt_bind_int(st, 1, id);
        ck_stmt_bind_text(st, 2, OBLIGATIONS[i].rule);
        ck_stmt_bind_text(st, 3, OBLIGATIONS[i].subject);
        ck_stmt_bind_date(st, 4, day(OBLIGATIONS[i].due));
        ck_stmt_bind_date(st, 5, met ? day(OBLIGATIONS[i].due) : CK_NODATE);
        ck_stmt_bind_text(st, 6, OBLIGATIONS[i].status);
        ck_stmt_bind_text(st, 7, pdu);
        if (ck_stmt_step(st) != CK_DB_DONE) fail_msg("%s", ck_db_errmsg(db));
        ck_stmt_reset(st);
        free(pdu);
    }
}

static const ck_stats_counts *rule_counts(const ck_stats_group *g, const char *rule)
{
    for (size_t i = 0; i < g->n_rules; i++)
        if (strcmp(g->rules[i].rule, rule) == 0) return &g->rules[i].n;
    return NULL;
}

/* total, met, met_late, open, overdue of one rule in a group. */
static void expect_rule(const ck_stats_group *g, const char *rule, size_t total, size_t met, size_t late, size_t open,
                        size_t overdue)
{
    const ck_stats_counts *n = rule_counts(g, rule);
    if (!n) fail_msg("%s: no %s", g->pdu ? g->pdu : "total", rule);
    if (n->total != total || n->met != met || n->met_late != late || n->open != open || n->overdue != overdue)
        fail_msg("%s %s: %zu %zu %zu %zu %zu, expected %zu %zu %zu %zu %zu", g->pdu ? g->pdu : "total", rule,
                 n->total, n->met, n->met_late, n->open, n->overdue, total, met, late, open, overdue);
}

static void expect_practice(const ck_stats_group *g, ck_practice_id p, size_t num, size_t den)
{
    if (g->practice.num[p] != num || g->practice.den[p] != den)
        fail_msg("%s %s: %zu of %zu, expected %zu of %zu", g->pdu ? g->pdu : "total", ck_practice_defs[p].name,
                 g->practice.num[p], g->practice.den[p], num, den);
}

/* A rule's counts in a group, as expect_rule takes them. */
typedef struct rule_want {
    const char *rule;
    size_t total, met, late, open, overdue;
} rule_want;

static void expect_rules(const ck_stats_group *g, const rule_want *w, size_t n)
{
    for (size_t i = 0; i < n; i++) expect_rule(g, w[i].rule, w[i].total, w[i].met, w[i].late, w[i].open, w[i].overdue);
}

/* A practice's tally in a group, as expect_practice takes it. */
typedef struct practice_want {
    ck_practice_id p;
    size_t num, den;
} practice_want;

static void expect_practices(const ck_stats_group *g, const practice_want *w, size_t n)
{
    for (size_t i = 0; i < n; i++) expect_practice(g, w[i].p, w[i].num, w[i].den);
}

static void counts_by_hand(void **state)
{
    ck_db *db = ck_test_db_get(state);
    hand_dataset(db);
    char err[1024];
    ck_stats *s = NULL;
    ok(ck_stats_compute(db, day("2025-06-10"), NULL, &s, err, sizeof err), err);

    const ck_stats_group *t = &s->total;
    assert_int_equal(t->n_rules, 7);
    /* Rulebook order: ALLOCATE, CONTACT, ROSH_INITIAL, ROSH_REVIEW, OVERSIGHT, DA_CHECK, VCS_REFERRAL. */
    assert_string_equal(t->rules[0].rule, "ALLOCATE");
    assert_string_equal(t->rules[1].rule, "CONTACT");
    assert_string_equal(t->rules[6].rule, "VCS_REFERRAL");
    static const rule_want total_rules[] = {
        {"ALLOCATE", 5, 1, 0, 1, 3},
        {"DA_CHECK", 3, 1, 0, 1, 1},
        {"CONTACT", 3, 1, 1, 1, 0},
        {"VCS_REFERRAL", 3, 1, 1, 0, 1},
        {"ROSH_INITIAL", 1, 1, 0, 0, 0},
        {"ROSH_REVIEW", 1, 0, 1, 0, 0},
        {"OVERSIGHT", 1, 0, 0, 1, 0},
    };
    expect_rules(t, total_rules, sizeof total_rules / sizeof *total_rules);
    assert_int_equal(t->all.total, 17);
    assert_int_equal(t->all.met, 5);
    assert_int_equal(t->all.met_late, 3);
    assert_int_equal(t->all.open, 4);
    assert_int_equal(t->all.overdue, 5);
    assert_true(ck_stats_on_time_rate(rule_counts(t, "ALLOCATE")) == 0.25);
    assert_true(ck_stats_on_time_rate(rule_counts(t, "VCS_REFERRAL")) == 1.0 / 3);
    assert_true(ck_stats_on_time_rate(rule_counts(t, "OVERSIGHT")) == -1);
    assert_true(ck_stats_on_time_rate(&t->all) == 5.0 / 13);

    static const practice_want total_practices[] = {
        {CK_PRACTICE_VCS_NOT_OFFERED, 1, 3},
        {CK_PRACTICE_VCS_FIRST_CONTACT_LATE, 0, 0},
        {CK_PRACTICE_DA_CHECK_MISSED, 1, 2},
        {CK_PRACTICE_CHILD_CHECK_MISSED, 0, 0},
        {CK_PRACTICE_ROSH_LATE, 1, 1},
        {CK_PRACTICE_OVERSIGHT_MISSED, 0, 0},
        {CK_PRACTICE_INSUFFICIENT_CONTACT, 1, 2},
        {CK_PRACTICE_LOST, 1, 3},
        {CK_PRACTICE_UNALLOCATED, 1, 2},
    };
    expect_practices(t, total_practices, sizeof total_practices / sizeof *total_practices);
    assert_true(ck_practice_rate(&t->practice, CK_PRACTICE_OVERSIGHT_MISSED) == -1);

    /* P1, P2, then the cases of no PDU; P3 holds none and is not listed. */
    assert_int_equal(s->n_pdus, 3);
    const ck_stats_group *p1 = &s->pdus[0], *p2 = &s->pdus[1], *none = &s->pdus[2];
    assert_string_equal(p1->pdu, "P1");
    assert_string_equal(p1->name, "Camden and Islington");
    assert_string_equal(p2->pdu, "P2");
    assert_null(none->pdu);
    assert_null(none->name);
    assert_int_equal(p1->n_rules, 4);
    static const rule_want p1_rules[] = {
        {"ALLOCATE", 4, 1, 0, 1, 2},
        {"DA_CHECK", 3, 1, 0, 1, 1},
        {"CONTACT", 2, 0, 1, 1, 0},
        {"VCS_REFERRAL", 3, 1, 1, 0, 1},
    };
    expect_rules(p1, p1_rules, sizeof p1_rules / sizeof *p1_rules);
    assert_int_equal(p2->n_rules, 4);
    expect_rule(p2, "ALLOCATE", 1, 0, 0, 0, 1);
    expect_rule(p2, "OVERSIGHT", 1, 0, 0, 1, 0);
    assert_int_equal(none->n_rules, 1);
    expect_rule(none, "CONTACT", 1, 1, 0, 0, 0);
    static const practice_want p1_practices[] = {
        {CK_PRACTICE_LOST, 1, 2},
        {CK_PRACTICE_UNALLOCATED, 0, 1},
        {CK_PRACTICE_INSUFFICIENT_CONTACT, 1, 1},
    };
    expect_practices(p1, p1_practices, sizeof p1_practices / sizeof *p1_practices);
    static const practice_want p2_practices[] = {
        {CK_PRACTICE_LOST, 0, 1},
        {CK_PRACTICE_UNALLOCATED, 1, 1},
        {CK_PRACTICE_ROSH_LATE, 1, 1},
    };
    expect_practices(p2, p2_practices, sizeof p2_practices / sizeof *p2_practices);
    expect_practice(none, CK_PRACTICE_INSUFFICIENT_CONTACT, 0, 1);
    ck_stats_free(s);

    /* A month later the open ALLOCATE of B1 (due 2025-06-20) is overdue too. */
    ok(ck_stats_compute(db, day("2025-07-10"), NULL, &s, err, sizeof err), err);
    expect_rule(&s->total, "ALLOCATE", 5, 1, 0, 0, 4);
    expect_practice(&s->total, CK_PRACTICE_UNALLOCATED, 2, 3);
    ck_stats_free(s);

    /* One PDU: the same figures as its group, and it is the total. */
    ok(ck_stats_compute(db, day("2025-06-10"), "P2", &s, err, sizeof err), err);
    assert_int_equal(s->n_pdus, 1);
    assert_string_equal(s->pdus[0].name, "Hackney and City");
    expect_rule(&s->total, "ALLOCATE", 1, 0, 0, 0, 1);
    expect_rule(&s->total, "ROSH_REVIEW", 1, 0, 1, 0, 0);
    assert_int_equal(s->total.all.total, 4);
    expect_practice(&s->total, CK_PRACTICE_ROSH_LATE, 1, 1);
    ck_stats_free(s);
    /* A PDU with no obligations shows, with nothing in it. */
    ok(ck_stats_compute(db, day("2025-06-10"), "P3", &s, err, sizeof err), err);
    assert_int_equal(s->n_pdus, 1);
    assert_int_equal(s->total.all.total, 0);
    assert_int_equal(s->pdus[0].n_rules, 0);
    ck_stats_free(s);
    assert_int_equal(ck_stats_compute(db, day("2025-06-10"), "P9", &s, err, sizeof err), CK_ERR_NOTFOUND);
    assert_null(s);
    assert_non_null(strstr(err, "--pdu"));
    assert_non_null(strstr(err, "P9"));
}

/* ---- A generated sample ------------------------------------------------------------------ */

#define SAMPLE 1500

/* Within four standard errors of p over den trials, plus the generator's own
 * tolerance (test_gen: 0.02 at London's scale). */
static bool close_to(double got, double p, size_t den)
{
    return fabs(got - p) <= 4 * sqrt(p * (1 - p) / (double)den) + 0.02;
}

static void generated_sample(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.n_cases = SAMPLE;
    o.as_of = day("2025-11-03");
    ck_gen *g = ck_gen_new(&o);
    ck_engine eng = ck_engine_default();
    char err[1024];
    ok(ck_gen_load(db, g, &eng, NULL, NULL, err, sizeof err), err);

    /* What the engine and the tally give for the same cases. */
    ck_practice_tally want;
    memset(&want, 0, sizeof want);
    size_t n_rules = 0;
    while (ck_rule_ids[n_rules]) n_rules++;
    ck_stats_counts *by_rule = calloc(n_rules, sizeof *by_rule);
    for (size_t i = 0; i < SAMPLE; i++) {
        ck_case *c = ck_gen_case(g, i);
        ck_result *r = ck_rules_evaluate(c, o.as_of, eng.cal, eng.cfg);
        ck_practice_tally_add(&want, c, r, o.as_of);
        for (size_t k = 0; k < r->n_obligations; k++) {
            const ck_obligation *ob = &r->obligations[k];
            size_t x = 0;
            while (strcmp(ck_rule_ids[x], ob->rule) != 0) x++;
            by_rule[x].total++;
            by_rule[x].met += ob->status == CK_ST_MET;
            by_rule[x].met_late += ob->status == CK_ST_MET_LATE;
            by_rule[x].open += ob->status == CK_ST_OPEN;
            by_rule[x].overdue += ob->status == CK_ST_OVERDUE;
        }
        ck_result_free(r);
        ck_case_free(c);
    }

    ck_stats *s = NULL;
    ok(ck_stats_compute(db, o.as_of, NULL, &s, err, sizeof err), err);
    size_t listed = 0;
    for (size_t x = 0; x < n_rules; x++) {
        if (!by_rule[x].total) continue;
        const ck_stats_counts *n = rule_counts(&s->total, ck_rule_ids[x]);
        assert_non_null(n);
        listed++;
        if (memcmp(n, &by_rule[x], sizeof *n) != 0)
            fail_msg("%s: stored %zu/%zu/%zu/%zu/%zu, engine %zu/%zu/%zu/%zu/%zu", ck_rule_ids[x], n->total, n->met,
                     n->met_late, n->open, n->overdue, by_rule[x].total, by_rule[x].met, by_rule[x].met_late,
                     by_rule[x].open, by_rule[x].overdue);
    }
    assert_int_equal(s->total.n_rules, listed);
    /* London's 18 PDUs, each holding some of the sample, adding up to the total. */
    assert_int_equal(s->n_pdus, 18);
    size_t sum = 0;
    for (size_t i = 0; i < s->n_pdus; i++) {
        assert_non_null(s->pdus[i].pdu);
        sum += s->pdus[i].all.total;
    }
    assert_int_equal(sum, s->total.all.total);
    for (size_t p = 0; p < CK_PRACTICE_N; p++) {
        size_t num = s->total.practice.num[p], den = s->total.practice.den[p];
        double got = ck_practice_rate(&s->total.practice, (ck_practice_id)p);
        print_message("%-24s injected %.3f stats %.4f (%zu of %zu)\n", ck_practice_defs[p].name, o.rate[p], got, num,
                      den);
        if (num != want.num[p] || den != want.den[p])
            fail_msg("%s: stats %zu of %zu, tally %zu of %zu", ck_practice_defs[p].name, num, den, want.num[p],
                     want.den[p]);
        assert_true(den > 0);
        if (!close_to(got, o.rate[p], den))
            fail_msg("%s: injected %.3f, stats found %.4f of %zu", ck_practice_defs[p].name, o.rate[p], got, den);
    }
    free(by_rule);
    ck_stats_free(s);
    ck_gen_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(counts_by_hand),
        CK_DB_TEST(generated_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
