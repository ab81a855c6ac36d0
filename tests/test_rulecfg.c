/* The rules configuration: the shipped values, overrides, errors, provenance. */
#include "ck_test.h"
#include "ck_rulecfg.h"

static void test_shipped_values(void **state)
{
    (void)state;
    const ck_rules_config *c = ck_rulecfg_default();
    assert_ptr_equal(c, ck_rulecfg_default());
    /* Spot checks against the rulebook. */
    assert_int_equal(c->allocate_wd, 3);
    assert_int_equal(c->allocate_high_risk_wd, 1);
    assert_int_equal(c->contact_first_weeks, 12);
    assert_int_equal(c->contact_second_weeks, 24);
    assert_int_equal(c->contact_later_days, 28);
    assert_true(c->probation_reset);
    char d[CK_DATE_STRLEN];
    assert_string_equal(ck_date_fmt(c->probation_reset_from, d), "2024-06-07");
    assert_int_equal(c->enforce_wd, 10);
    assert_int_equal(c->breach_warning_months, 12);
    assert_int_equal(c->rosh_max_age_weeks, 55);
    assert_int_equal(c->vcs_first_contact_wd, 20);
    assert_int_equal(c->rating_outstanding_pct, 80);
    assert_int_equal(c->rating_good_pct, 65);
    assert_int_equal(c->rating_requires_improvement_pct, 50);
    /* peer-systems.md 1.4 */
    assert_int_equal(ck_rulecfg_review_months(c, "ADVP"), 3);
    assert_int_equal(ck_rulecfg_review_months(c, "RHRH"), 6);
    assert_int_equal(ck_rulecfg_review_months(c, "INLL"), 12);
    assert_int_equal(ck_rulecfg_review_months(c, "RRR"), 1);
    assert_int_equal(ck_rulecfg_review_months(c, "REG30"), 0);
    assert_int_equal(ck_rulecfg_review_months(c, "NOPE"), 0);
    assert_int_equal(ck_rulecfg_review_months(c, NULL), 0);
}

typedef struct seen {
    int n, local;
    const char *want_key, *want_value, *want_source;
    bool want_local, found;
    int stop_after;
} seen;

static bool collect(void *ctx, const char *key, const char *value, const char *source, bool local_default)
{
    seen *s = ctx;
    s->n++;
    s->local += local_default;
    assert_non_null(source);
    assert_true(source[0] != '\0');
    if (s->want_key && strcmp(key, s->want_key) == 0) {
        s->found = true;
        assert_string_equal(value, s->want_value);
        if (s->want_source) assert_string_equal(source, s->want_source);
        assert_int_equal(local_default, s->want_local);
    }
    return s->stop_after == 0 || s->n < s->stop_after;
}

static void test_each_lists_sources(void **state)
{
    (void)state;
    seen s = {.want_key = "enforce_wd", .want_value = "10", .want_source = "NS 2000/2005", .want_local = false};
    ck_rulecfg_each(ck_rulecfg_default(), collect, &s);
    assert_true(s.found);
    assert_true(s.n > 53 + 40); /* the scalar keys plus one review period per register code */
    assert_true(s.local > 10 && s.local < s.n);

    seen t = {.want_key = "outcome_wd", .want_value = "1", .want_source = "local default", .want_local = true};
    ck_rulecfg_each(ck_rulecfg_default(), collect, &t);
    assert_true(t.found);
    seen u = {.want_key = "probation_reset", .want_value = "on", .want_local = false};
    ck_rulecfg_each(ck_rulecfg_default(), collect, &u);
    assert_true(u.found);
    seen v = {.want_key = "review_months.INVI", .want_value = "3", .want_local = false};
    ck_rulecfg_each(ck_rulecfg_default(), collect, &v);
    assert_true(v.found);
    seen w = {.stop_after = 3};
    ck_rulecfg_each(ck_rulecfg_default(), collect, &w);
    assert_int_equal(w.n, 3);
}

static void test_override(void **state)
{
    (void)state;
    const char text[] =
        "# a deployment's file\n"
        "allocate_wd = 2   # source: Regional policy 2026\n"
        "\n"
        "  probation_reset=off\r\n"
        "probation_reset_from = 2024-09-10\n"
        "review_months.ADVP = 6\n"
        "contact_later_days = 21";
    char err[256] = "";
    ck_rules_config *c = ck_rulecfg_parse(text, strlen(text), err, sizeof err);
    assert_non_null(c);
    assert_int_equal(c->allocate_wd, 2);
    assert_false(c->probation_reset);
    assert_int_equal(c->contact_later_days, 21);
    assert_int_equal(ck_rulecfg_review_months(c, "ADVP"), 6);
    /* Untouched keys keep the shipped values and sources. */
    assert_int_equal(c->enforce_wd, 10);
    assert_int_equal(ck_rulecfg_review_months(c, "RCPR"), 3);
    seen s = {.want_key = "allocate_wd", .want_value = "2", .want_source = "Regional policy 2026", .want_local = false};
    ck_rulecfg_each(c, collect, &s);
    assert_true(s.found);
    seen t = {.want_key = "probation_reset", .want_value = "off",
              .want_source = "local setting (shipped: on, Probation Reset (HMPPS, June 2024))", .want_local = true};
    ck_rulecfg_each(c, collect, &t);
    assert_true(t.found);
    seen u = {.want_key = "enforce_wd", .want_value = "10", .want_source = "NS 2000/2005", .want_local = false};
    ck_rulecfg_each(c, collect, &u);
    assert_true(u.found);
    ck_rulecfg_free(c);
    ck_rulecfg_free(NULL);
    /* The shipped configuration is unchanged by an override. */
    assert_int_equal(ck_rulecfg_default()->allocate_wd, 3);
    assert_true(ck_rulecfg_default()->probation_reset);
}

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    ck_rules_config *c = ck_rulecfg_parse(text, strlen(text), err, sizeof err);
    if (c) {
        ck_rulecfg_free(c);
        fail_msg("\"%s\" was accepted", text);
    }
    if (!strstr(err, want)) fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("allocate_wd = 3\nalocate_wd = 3\n", "line 2: unknown key \"alocate_wd\"");
    expect_error("review_months.XYZ = 3", "line 1: unknown key \"review_months.XYZ\"");
    expect_error("\n\nenforce_wd = ten", "line 3: enforce_wd: expected a whole number from 0 to 60, got \"ten\"");
    expect_error("enforce_wd = -1", "line 1: enforce_wd: expected a whole number");
    expect_error("enforce_wd = 61", "line 1: enforce_wd: expected a whole number from 0 to 60, got \"61\"");
    expect_error("enforce_wd =", "line 1: enforce_wd: expected a whole number");
    expect_error("enforce_wd 10", "line 1: expected `key = value`");
    expect_error("= 10", "line 1: expected `key = value`");
    expect_error("probation_reset = yes", "line 1: probation_reset: expected on or off, got \"yes\"");
    expect_error("probation_reset_from = 2024-02-30", "line 1: probation_reset_from: expected a date YYYY-MM-DD");
    expect_error("outcome_wd = 1\noutcome_wd = 2", "line 2: outcome_wd is already set on line 1");
    expect_error("review_months.MAPP = 121", "line 1: review_months.MAPP: expected a whole number from 0 to 120");
    expect_error("x\ncontact_first_weeks = 30", "line 1: expected `key = value`");
    expect_error("# ok\ncontact_first_weeks = 30", "line 2: contact_first_weeks (30) must be less than contact_second_weeks (24)");
    expect_error("rating_good_pct = 85", "line 1: rating_good_pct (85) must be less than rating_outstanding_pct (80)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_values),
        cmocka_unit_test(test_each_lists_sources),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
