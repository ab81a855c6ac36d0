/* The working-day calendar, from the rulebook's "Terms" and the GOV.UK list. */
#include "ck_test.h"
#include "ck_cal.h"
#include <pthread.h>

static ck_date D(const char *s)
{
    ck_date d = CK_NODATE;
    assert_true(ck_date_parse(s, strlen(s), &d));
    return d;
}

static void assert_date(ck_date got, const char *want)
{
    char buf[CK_DATE_STRLEN];
    assert_string_equal(ck_date_fmt(got, buf), want);
}

/* holiday is a bank holiday and no working day: the working day after
 * `before` is `after`, and the one before `after` is `before`. */
static void assert_skipped(const ck_calendar *cal, const char *before, const char *holiday, const char *after)
{
    assert_true(ck_is_bank_holiday(cal, D(holiday)));
    assert_false(ck_is_working_day(cal, D(holiday)));
    assert_date(ck_wd_add(cal, D(before), 1), after);
    assert_date(ck_wd_sub(cal, D(after), 1), before);
}

/* A calendar parsed from json, covering the years first..last. */
static ck_calendar *parse_ok(const char *json, int first, int last)
{
    char err[256] = "";
    ck_calendar *cal = ck_calendar_parse(json, strlen(json), err, sizeof err);
    if (!cal) fail_msg("%s", err);
    int lo = 0, hi = 0;
    ck_calendar_range(cal, &lo, &hi);
    assert_int_equal(lo, first);
    assert_int_equal(hi, last);
    return cal;
}

static void test_rulebook_examples(void **state)
{
    (void)state;
    const ck_calendar *cal = ck_calendar_default();
    /* Rulebook v3's corrected example: Thursday 2025-04-17 + 1 WD = Tuesday
     * 2025-04-22 (Good Friday and Easter Monday skipped). */
    assert_int_equal(ck_date_weekday(D("2025-04-17")), 3); /* 0 = Monday */
    assert_int_equal(ck_date_weekday(D("2025-04-22")), 1);
    assert_date(ck_wd_add(cal, D("2025-04-17"), 1), "2025-04-22");
    assert_date(ck_wd_sub(cal, D("2026-12-29"), 1), "2026-12-24");
}

static void test_easter_2025(void **state)
{
    (void)state;
    const ck_calendar *cal = ck_calendar_default();
    assert_true(ck_is_bank_holiday(cal, D("2025-04-18")));
    assert_true(ck_is_bank_holiday(cal, D("2025-04-21")));
    assert_false(ck_is_bank_holiday(cal, D("2025-04-17")));
    assert_false(ck_is_bank_holiday(cal, D("2025-04-19"))); /* a Saturday, not a holiday */
    assert_false(ck_is_working_day(cal, D("2025-04-19")));
    assert_true(ck_is_working_day(cal, D("2025-04-22")));
    /* Example 01: sentence Thu 17 April; early May bank holiday 5 May also skipped. */
    assert_date(ck_wd_add(cal, D("2025-04-17"), 3), "2025-04-24");
    assert_date(ck_wd_add(cal, D("2025-04-17"), 5), "2025-04-28");
    assert_date(ck_wd_add(cal, D("2025-04-17"), 10), "2025-05-06");
    assert_date(ck_wd_add(cal, D("2025-04-17"), 15), "2025-05-13");
    /* Stepping from inside the holiday. */
    assert_date(ck_wd_add(cal, D("2025-04-18"), 1), "2025-04-22");
    assert_date(ck_wd_sub(cal, D("2025-04-22"), 1), "2025-04-17");
}

static void test_christmas_substitute_days(void **state)
{
    (void)state;
    const ck_calendar *cal = ck_calendar_default();
    /* 2027: Christmas on a Saturday, Boxing Day on a Sunday: Monday and Tuesday off. */
    assert_true(ck_is_bank_holiday(cal, D("2027-12-27")));
    assert_true(ck_is_bank_holiday(cal, D("2027-12-28")));
    assert_true(ck_is_working_day(cal, D("2027-12-24")));
    assert_date(ck_wd_add(cal, D("2027-12-24"), 1), "2027-12-29");
    assert_date(ck_wd_sub(cal, D("2027-12-29"), 1), "2027-12-24");
    /* 2026: Boxing Day on a Saturday, substitute Monday 28th. */
    assert_true(ck_is_bank_holiday(cal, D("2026-12-28")));
    assert_date(ck_wd_add(cal, D("2026-12-24"), 1), "2026-12-29");
}

static void test_state_funeral(void **state)
{
    (void)state;
    assert_skipped(ck_calendar_default(), "2022-09-16", "2022-09-19", "2022-09-20");
}

static void test_leap_day(void **state)
{
    (void)state;
    const ck_calendar *cal = ck_calendar_default();
    assert_true(ck_is_working_day(cal, D("2024-02-29")));
    assert_date(ck_wd_add(cal, D("2024-02-28"), 1), "2024-02-29");
    assert_date(ck_wd_add(cal, D("2024-02-29"), 1), "2024-03-01");
    assert_date(ck_wd_sub(cal, D("2024-03-01"), 1), "2024-02-29");
    assert_date(ck_date_add_days(D("2024-02-28"), 1), "2024-02-29");
    /* Every fourth year, but not a century unless divisible by 400. */
    assert_true(ck_date_valid(2000, 2, 29));
    assert_false(ck_date_valid(2100, 2, 29));
    assert_false(ck_date_valid(2025, 2, 29));
    assert_date(ck_date_add_months(D("2000-01-31"), 1), "2000-02-29");
}

static void test_month_end_clamping(void **state)
{
    (void)state;
    assert_date(ck_date_add_months(D("2025-01-31"), 1), "2025-02-28");
    assert_date(ck_date_add_months(D("2024-01-31"), 1), "2024-02-29");
    assert_date(ck_date_add_months(D("2024-02-29"), 12), "2025-02-28");
    assert_date(ck_date_add_months(D("2025-03-31"), -1), "2025-02-28");
    assert_date(ck_date_add_months(D("2024-03-31"), -1), "2024-02-29");
    assert_date(ck_date_add_months(D("2025-05-31"), -3), "2025-02-28");
    assert_date(ck_date_add_months(D("2025-01-15"), -3), "2024-10-15");
    assert_date(ck_date_add_months(D("2025-08-31"), 1), "2025-09-30");
}

static void test_zero_steps(void **state)
{
    (void)state;
    const ck_calendar *cal = ck_calendar_default();
    /* D + 0 WD = D, even when D is not a working day. */
    assert_date(ck_wd_add(cal, D("2025-04-17"), 0), "2025-04-17");
    assert_date(ck_wd_add(cal, D("2025-04-19"), 0), "2025-04-19");
    assert_date(ck_wd_add(cal, D("2025-12-25"), 0), "2025-12-25");
    assert_date(ck_wd_sub(cal, D("2025-04-19"), 0), "2025-04-19");
}

static void test_backward_steps(void **state)
{
    (void)state;
    const ck_calendar *cal = ck_calendar_default();
    assert_date(ck_wd_sub(cal, D("2025-05-06"), 1), "2025-05-02"); /* over 5 May and a weekend */
    assert_date(ck_wd_sub(cal, D("2025-05-06"), 10), "2025-04-17");
    assert_date(ck_wd_sub(cal, D("2025-01-02"), 1), "2024-12-31"); /* New Year's Day */
    assert_date(ck_wd_sub(cal, D("2025-04-21"), 1), "2025-04-17"); /* from a holiday */
}

static void test_default_range(void **state)
{
    (void)state;
    int lo = 0, hi = 0;
    ck_calendar_range(ck_calendar_default(), &lo, &hi);
    assert_int_equal(lo, 2019);
    assert_int_equal(hi, 2027);
    /* Outside the covered years only weekends are non-working. */
    const ck_calendar *cal = ck_calendar_default();
    assert_true(ck_is_working_day(cal, D("2030-12-25")));
    assert_false(ck_is_bank_holiday(cal, D("2018-12-25")));
    assert_false(ck_is_working_day(cal, D("2030-12-28")));
}

static void *get_default(void *out)
{
    *(const ck_calendar **)out = ck_calendar_default();
    return NULL;
}

/* The file's first day (New Year's Day 2019) and its last covered day are
 * inside it: the covered years run from 1 January of the first to 31
 * December of the last. */
static void test_file_edges(void **state)
{
    (void)state;
    assert_skipped(ck_calendar_default(), "2018-12-31", "2019-01-01", "2019-01-02");
    /* A file whose last holiday is 31 December: that day is a holiday, and a
     * file listed out of date order covers its earliest to its latest year. */
    static const char EDGES[] = "{\"england-and-wales\":{\"events\":["
                                "{\"date\":\"2029-12-31\"},{\"date\":\"2028-01-03\"},{\"date\":\"2029-12-30\"}]}}";
    ck_calendar *c = parse_ok(EDGES, 2028, 2029);
    assert_true(ck_is_bank_holiday(c, D("2028-01-03")));
    assert_true(ck_is_bank_holiday(c, D("2029-12-30"))); /* a Sunday, listed anyway */
    assert_false(ck_is_bank_holiday(c, D("2030-01-01")));
    /* Friday 28 December 2029 + 1 WD: Monday 31 is the holiday, so Tuesday 1 January 2030. */
    assert_skipped(c, "2029-12-28", "2029-12-31", "2030-01-01");
    ck_calendar_free(c);
}

/* "D - n WD: the same, stepping backward": a negative count to ck_wd_add is
 * D - n WD, and to ck_wd_sub is D + n WD (the rulebook's examples). */
static void test_negative_counts(void **state)
{
    (void)state;
    const ck_calendar *cal = ck_calendar_default();
    assert_date(ck_wd_add(cal, D("2026-12-29"), -1), "2026-12-24");
    assert_date(ck_wd_add(cal, D("2025-04-22"), -1), "2025-04-17");
    assert_date(ck_wd_add(cal, D("2025-05-06"), -10), "2025-04-17");
    assert_date(ck_wd_sub(cal, D("2025-04-17"), -1), "2025-04-22");
    assert_date(ck_wd_sub(cal, D("2026-12-24"), -1), "2026-12-29");
}

static void test_default_once(void **state)
{
    (void)state;
    pthread_t t[4];
    const ck_calendar *got[4];
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&t[i], NULL, get_default, &got[i]), 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) assert_ptr_equal(got[i], ck_calendar_default());
}

/* A newer file in the full GOV.UK shape: three divisions, notes, bunting. */
static const char NEWER[] =
    "{\"england-and-wales\":{\"division\":\"england-and-wales\",\"events\":["
    "{\"title\":\"New Year's Day\",\"date\":\"2028-01-03\",\"notes\":\"Substitute day\",\"bunting\":true},"
    "{\"title\":\"Good Friday\",\"date\":\"2028-04-14\",\"notes\":\"\",\"bunting\":false},"
    "{\"title\":\"Extra\",\"date\":\"2029-06-01\",\"notes\":\"\",\"bunting\":true}]},"
    "\"scotland\":{\"division\":\"scotland\",\"events\":[{\"title\":\"2nd January\",\"date\":\"2028-01-04\"}]},"
    "\"northern-ireland\":{\"division\":\"northern-ireland\",\"events\":[]}}";

static void test_newer_file(void **state)
{
    (void)state;
    ck_calendar *cal = parse_ok(NEWER, 2028, 2029);
    assert_true(ck_is_bank_holiday(cal, D("2028-01-03")));
    assert_false(ck_is_bank_holiday(cal, D("2028-01-04"))); /* Scotland only */
    assert_true(ck_is_bank_holiday(cal, D("2029-06-01")));
    assert_date(ck_wd_add(cal, D("2027-12-31"), 1), "2028-01-04");
    assert_date(ck_wd_add(cal, D("2028-04-13"), 1), "2028-04-17");
    /* The new file replaces the shipped list: 2025 is outside it. */
    assert_true(ck_is_working_day(cal, D("2025-04-18")));
    ck_calendar_free(cal);
    ck_calendar_free(NULL);
}

static void expect_error(const char *json, const char *want)
{
    char err[256] = "";
    ck_calendar *cal = ck_calendar_parse(json, strlen(json), err, sizeof err);
    assert_null(cal);
    if (!strstr(err, want)) fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_error("{\"england-and-wales\": {\"events\": [", "line 1");
    expect_error("", "line");
    expect_error("[1, 2]", "expected a JSON object");
    expect_error("{\"scotland\": {\"events\": []}}", "england-and-wales: expected an object");
    expect_error("{\"england-and-wales\": {\"events\": []}}", "england-and-wales.events: expected a non-empty array");
    expect_error("{\"england-and-wales\": {\"events\": [{\"date\": \"2025-01-01\"}, {\"date\": \"2025-02-30\"}]}}",
                 "england-and-wales.events[1].date: expected a date YYYY-MM-DD, got \"2025-02-30\"");
    expect_error("{\"england-and-wales\": {\"events\": [{\"title\": \"x\"}]}}",
                 "england-and-wales.events[0].date: expected a date");
    expect_error("{\"england-and-wales\": {\"events\": [\"2025-01-01\"]}}", "england-and-wales.events[0]: expected an object");
}

/* British Summer Time: 2026 runs from 01:00 UTC on 29 March to 01:00 UTC on
 * 25 October (the last Sundays). */
static void test_uk_local_time(void **state)
{
    (void)state;
    int64_t mar29 = (int64_t)ck_date_ymd(2026, 3, 29) * 86400, oct25 = (int64_t)ck_date_ymd(2026, 10, 25) * 86400;
    assert_int_equal(ck_date_uk_local(mar29 + 3599), mar29 + 3599);
    assert_int_equal(ck_date_uk_local(mar29 + 3600), mar29 + 7200);
    assert_int_equal(ck_date_uk_local(oct25 + 3599), oct25 + 7199);
    assert_int_equal(ck_date_uk_local(oct25 + 3600), oct25 + 3600);
    int64_t dec6 = (int64_t)ck_date_ymd(2026, 12, 6) * 86400 + 14 * 3600;
    assert_int_equal(ck_date_uk_local(dec6), dec6);
    int64_t jul1 = (int64_t)ck_date_ymd(2026, 7, 1) * 86400 + 23 * 3600 + 30 * 60; /* 00:30 on 2 July in London */
    assert_int_equal(ck_date_uk_local(jul1), (int64_t)ck_date_ymd(2026, 7, 2) * 86400 + 30 * 60);
}

/* ck_date_parse takes exactly YYYY-MM-DD of a real date: every day of four
 * years (a leap year among them) round-trips through ck_date_fmt, and
 * anything else is refused. */
static void test_date_parse_strict(void **state)
{
    (void)state;
    char buf[CK_DATE_STRLEN];
    ck_date d;
    for (ck_date x = ck_date_ymd(1999, 1, 1); x <= ck_date_ymd(2002, 12, 31); x++) {
        ck_date_fmt(x, buf);
        assert_true(ck_date_parse(buf, 10, &d));
        assert_int_equal(d, x);
    }
    assert_true(ck_date_parse("2024-02-29", 10, &d));
    assert_true(ck_date_parse("0001-01-01", 10, &d));
    assert_true(ck_date_parse("9999-12-31", 10, &d));
    const char *bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31", "0000-01-01",
                         "2026-1a-01", "20x6-01-01", "2026-01-0/", " 026-01-01", "2026/01/01", "2026-01-1:",
                         "-026-01-01", "2026-01-01"};
    for (size_t i = 0; i + 1 < sizeof bad / sizeof *bad; i++) assert_false(ck_date_parse(bad[i], 10, &d));
    assert_false(ck_date_parse(bad[13], 9, &d));
    assert_false(ck_date_parse(NULL, 10, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse_strict),
        cmocka_unit_test(test_uk_local_time),
        cmocka_unit_test(test_rulebook_examples),
        cmocka_unit_test(test_easter_2025),
        cmocka_unit_test(test_christmas_substitute_days),
        cmocka_unit_test(test_state_funeral),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test(test_month_end_clamping),
        cmocka_unit_test(test_zero_steps),
        cmocka_unit_test(test_backward_steps),
        cmocka_unit_test(test_default_range),
        cmocka_unit_test(test_file_edges),
        cmocka_unit_test(test_negative_counts),
        cmocka_unit_test(test_default_once),
        cmocka_unit_test(test_newer_file),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
