/* Sentence requirements (issue 19): the type table, validation of each type
 * in the bundle with errors naming the field, the tier's mandate for change
 * from requirements, and the store's round trip on both backends. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_requirements.h"
#include "ck_str.h"

#define BUNDLE "tests/data/bundle_requirements.json"

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) fail_msg("%s: %s", path, je.text);
    return j;
}

static ck_case *from_json(const json_t *j)
{
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (!c) fail_msg("bundle: %s", err);
    return c;
}

/* The error the bundle gives after `edit` set key of requirement i (or of
 * the event when i < 0) to the JSON value `v`. */
static void expect_error(const char *key, int i, const char *v, const char *want)
{
    json_t *j = load_json(BUNDLE);
    json_t *ev = json_array_get(json_object_get(j, "events"), 0);
    json_t *target = i < 0 ? ev : json_array_get(json_object_get(ev, "requirements"), (size_t)i);
    json_error_t je;
    json_t *val = json_loads(v, JSON_DECODE_ANY, &je);
    if (!val) fail_msg("bad test value %s", v);
    json_object_set_new(target, key, val);
    char err[1024] = "";
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (c) fail_msg("%s = %s on requirement %d: accepted, expected \"%s\"", key, v, i, want);
    if (!strstr(err, want)) fail_msg("%s = %s: got \"%s\", expected it to contain \"%s\"", key, v, err, want);
    json_decref(j);
}

/* ---- The table ------------------------------------------------------------ */

static void test_table(void **state)
{
    (void)state;
    size_t n = 0;
    const ck_req_type *t = ck_req_types(&n);
    size_t nv = 0;
    while (ck_vocab_requirement_type[nv]) nv++;
    assert_int_equal(n, nv);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(t[i].code, ck_vocab_requirement_type[i]);
        assert_ptr_equal(ck_req_type_find(t[i].code), &t[i]);
        assert_true(t[i].name && t[i].name[0] && t[i].source && t[i].source[0]);
        /* A type with progress has an amount to count it against. */
        if (t[i].progress != CK_REQ_PROGRESS_NONE) assert_int_not_equal(t[i].unit, CK_REQ_NO_AMOUNT);
    }
    /* HMPPS tier's restrictive ones, and unpaid work is not. */
    const char *restrictive[] = {"curfew", "exclusion", "prohibited_activity", "foreign_travel_prohibition"};
    for (size_t i = 0; i < 4; i++) assert_true(ck_req_type_find(restrictive[i])->restrictive);
    const char *not_restrictive[] = {"unpaid_work", "rehabilitation_activity", "programme", "residence",
                                     "mental_health_treatment", "drug_rehabilitation", "alcohol_treatment"};
    for (size_t i = 0; i < 7; i++) assert_false(ck_req_type_find(not_restrictive[i])->restrictive);
    assert_null(ck_req_type_find("community_service"));
    assert_int_equal(ck_req_type_find("unpaid_work")->unit, CK_REQ_HOURS);
    assert_int_equal(ck_req_type_find("rehabilitation_activity")->unit, CK_REQ_DAYS);
    assert_int_equal(ck_req_type_find("curfew")->unit, CK_REQ_HOURS_A_DAY);
    assert_string_equal(ck_req_unit_name(CK_REQ_HOURS_A_DAY), "hours a day");
}

/* ---- The bundle ------------------------------------------------------------- */

static void test_parse_and_write(void **state)
{
    (void)state;
    json_t *want = load_json(BUNDLE);
    ck_case *c = from_json(want);
    const ck_event *e = &c->events[0];
    assert_int_equal(e->n_requirements, 5);
    assert_string_equal(e->requirements[0].type, "unpaid_work");
    assert_int_equal(e->requirements[0].amount, 120);
    assert_int_equal(e->requirements[0].end, CK_NODATE);
    assert_int_equal(e->requirements[3].amount, CK_NOINT);
    assert_string_equal(e->requirements[4].terminated_reason, "Programme no longer suitable: moved out of the area");
    assert_null(e->requirements[0].terminated_reason);
    assert_int_equal(c->contacts[1].hours, 7);
    assert_int_equal(c->contacts[0].hours, CK_NOINT);
    json_t *got = ck_bundle_to_json(c, 0);
    ck_assert_json_equal(got, want);
    /* A bundle without requirements or hours writes neither key. */
    c->events[0].n_requirements = 0;
    for (size_t i = 0; i < c->n_contacts; i++) c->contacts[i].hours = CK_NOINT;
    json_t *bare = ck_bundle_to_json(c, 0);
    assert_null(json_object_get(json_array_get(json_object_get(bare, "events"), 0), "requirements"));
    assert_null(json_object_get(json_array_get(json_object_get(bare, "contacts"), 1), "hours"));
    json_decref(bare);
    json_decref(got);
    json_decref(want);
    ck_case_free(c);
}

/* Each type's amount: required where the type has a unit, within its
 * statutory bounds, refused where it has none. */
static void test_validation_each_type(void **state)
{
    (void)state;
    static const struct {
        const char *type, *amount, *want;
    } bad[] = {
        {"unpaid_work", "null", "requirements[0].amount: a number of hours is required for unpaid_work"},
        {"unpaid_work", "39", "expected 40 to 300 hours for unpaid_work"},
        {"unpaid_work", "301", "expected 40 to 300 hours for unpaid_work"},
        {"rehabilitation_activity", "0", "expected at least 1 days for rehabilitation_activity, got 0"},
        {"rehabilitation_activity", "null", "a number of days is required for rehabilitation_activity"},
        {"programme", "null", "a number of days is required for programme"},
        {"curfew", "1", "expected 2 to 20 hours a day for curfew"},
        {"curfew", "21", "expected 2 to 20 hours a day for curfew"},
        {"alcohol_abstinence", "121", "expected 1 to 120 days for alcohol_abstinence"},
        {"attendance_centre", "11", "expected 12 to 36 hours for attendance_centre"},
        {"attendance_centre", "37", "expected 12 to 36 hours for attendance_centre"},
        {"prohibited_activity", "5", "type prohibited_activity has no amount; expected null"},
        {"exclusion", "5", "type exclusion has no amount"},
        {"residence", "5", "type residence has no amount"},
        {"foreign_travel_prohibition", "1", "has no amount"},
        {"mental_health_treatment", "1", "has no amount"},
        {"drug_rehabilitation", "1", "has no amount"},
        {"alcohol_treatment", "1", "has no amount"},
        {"electronic_monitoring", "1", "has no amount"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *j = load_json(BUNDLE);
        json_t *r = json_array_get(json_object_get(json_array_get(json_object_get(j, "events"), 0), "requirements"), 0);
        json_object_set_new(r, "type", json_string(bad[i].type));
        json_error_t je;
        json_object_set_new(r, "amount", json_loads(bad[i].amount, JSON_DECODE_ANY, &je));
        char err[1024] = "";
        ck_case *c = ck_bundle_from_json(j, err, sizeof err);
        if (c) fail_msg("%s with amount %s: accepted", bad[i].type, bad[i].amount);
        if (!strstr(err, "events[0].requirements[0].amount") || !strstr(err, bad[i].want))
            fail_msg("%s with amount %s: got \"%s\", expected \"%s\"", bad[i].type, bad[i].amount, err, bad[i].want);
        json_decref(j);
    }
    /* And every type at an amount it accepts. */
    static const struct {
        const char *type;
        int amount; /* -1: none */
    } good[] = {{"unpaid_work", 40}, {"unpaid_work", 300}, {"rehabilitation_activity", 1}, {"programme", 30},
                {"curfew", 2}, {"curfew", 20}, {"alcohol_abstinence", 120}, {"attendance_centre", 12},
                {"prohibited_activity", -1}, {"exclusion", -1}, {"residence", -1}, {"foreign_travel_prohibition", -1},
                {"mental_health_treatment", -1}, {"drug_rehabilitation", -1}, {"alcohol_treatment", -1},
                {"electronic_monitoring", -1}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        json_t *j = load_json(BUNDLE);
        json_t *r = json_array_get(json_object_get(json_array_get(json_object_get(j, "events"), 0), "requirements"), 0);
        json_object_set_new(r, "type", json_string(good[i].type));
        json_object_set_new(r, "amount", good[i].amount < 0 ? json_null() : json_integer(good[i].amount));
        ck_case *c = from_json(j);
        assert_string_equal(c->events[0].requirements[0].type, good[i].type);
        ck_case_free(c);
        json_decref(j);
    }
}

static void test_validation_fields(void **state)
{
    (void)state;
    expect_error("type", 0, "\"community_service\"", "events[0].requirements[0].type");
    expect_error("type", 0, "null", "events[0].requirements[0].type");
    expect_error("start", 0, "null", "events[0].requirements[0].start");
    expect_error("start", 0, "\"2025-02-28\"", "events[0].requirements[0].start: 2025-02-28 is before the sentence date 2025-03-03");
    expect_error("end", 0, "\"2025-03-02\"", "events[0].requirements[0].end: expected a date on or after start");
    expect_error("end", 0, "\"2026-03-03\"", "events[0].requirements[0].end: 2026-03-03 is after the order's end 2026-03-02");
    expect_error("terminated_on", 0, "\"2025-03-01\"", "events[0].requirements[0].terminated_on: expected a date on or after start");
    expect_error("terminated_reason", 0, "\"Revoked\"", "events[0].requirements[0].terminated_reason: a reason applies only to a terminated requirement");
    expect_error("id", 1, "\"RQ1\"", "events[0].requirements[1].id: \"RQ1\" is already the id of a requirement of event E1");
    expect_error("amount", 0, "\"120\"", "events[0].requirements[0].amount");
    /* Requirements belong to a community order or SSO. */
    json_t *j = load_json(BUNDLE);
    json_t *s = json_object_get(json_array_get(json_object_get(j, "events"), 0), "sentence");
    json_object_set_new(s, "type", json_string("custody"));
    json_object_set_new(s, "length_months", json_integer(12));
    char err[1024] = "";
    assert_null(ck_bundle_from_json(j, err, sizeof err));
    assert_non_null(strstr(err, "events[0].requirements[0]: requirements belong to a community_order or sso; event E1 is custody"));
    json_decref(j);
}

static void test_contact_hours(void **state)
{
    (void)state;
    static const struct {
        int contact;
        const char *type;
        int hours;
        const char *want;
    } bad[] = {
        {0, "COAI", 3, "contacts[0].hours: hours worked apply only to a contact of an unpaid work type; expected null for type COAI"},
        {1, "UPWS", 0, "contacts[1].hours: expected 1 to 24 hours worked, got 0"},
        {1, "UPWS", 25, "contacts[1].hours: expected 1 to 24 hours worked, got 25"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *j = load_json(BUNDLE);
        json_t *k = json_array_get(json_object_get(j, "contacts"), (size_t)bad[i].contact);
        json_object_set_new(k, "type", json_string(bad[i].type));
        json_object_set_new(k, "hours", json_integer(bad[i].hours));
        char err[1024] = "";
        assert_null(ck_bundle_from_json(j, err, sizeof err));
        if (!strstr(err, bad[i].want)) fail_msg("got \"%s\", expected \"%s\"", err, bad[i].want);
        json_decref(j);
    }
}

/* ---- Mandate for change --------------------------------------------------------- */

static void test_mandate(void **state)
{
    (void)state;
    json_t *j = load_json(BUNDLE);
    ck_case *c = from_json(j);
    ck_event *e = &c->events[0];
    ck_mandate m;

    /* RAR in force (RQ2): a mandate, from that requirement. */
    ck_mandate_for_change(c, ck_test_date("2025-05-01"), &m);
    assert_true(m.mandate);
    assert_ptr_equal(m.event, e);
    assert_string_equal(m.requirement->id, "RQ2");
    assert_null(m.unrecorded);

    /* Only unpaid work and restrictive ones (curfew, monitoring): none. */
    e->requirements[1].terminated_on = ck_test_date("2025-04-30");
    e->requirements[1].terminated_reason = "Revoked on application";
    ck_mandate_for_change(c, ck_test_date("2025-05-01"), &m);
    assert_true(m.mandate); /* RQ5, the programme, is in force from 2025-04-01 */
    assert_string_equal(m.requirement->id, "RQ5");
    ck_mandate_for_change(c, ck_test_date("2025-09-01"), &m); /* the programme terminated that day */
    assert_false(m.mandate);
    assert_null(m.event);
    assert_null(m.requirement);
    assert_null(m.unrecorded);

    /* Before the requirement starts, and the day after its end: not in force. */
    e->requirements[1].terminated_on = CK_NODATE;
    e->requirements[1].start = ck_test_date("2025-06-01");
    e->requirements[1].end = ck_test_date("2025-08-31");
    ck_mandate_for_change(c, ck_test_date("2025-09-02"), &m);
    assert_false(m.mandate);
    ck_mandate_for_change(c, ck_test_date("2025-08-31"), &m);
    assert_true(m.mandate);
    assert_string_equal(m.requirement->id, "RQ2");

    /* No requirement recorded: no mandate, and the order is named as unrecorded. */
    e->n_requirements = 0;
    ck_mandate_for_change(c, ck_test_date("2025-09-02"), &m);
    assert_false(m.mandate);
    assert_ptr_equal(m.unrecorded, e);
    assert_ptr_equal(ck_requirements_unrecorded(c, ck_test_date("2025-09-02")), e);
    /* After the order ends it is not in force: nothing to record. */
    assert_null(ck_requirements_unrecorded(c, ck_test_date("2026-03-03")));

    /* Custody in force: a mandate whatever the requirements. */
    e->sentence.type = "custody";
    e->sentence.length_months = 12;
    ck_mandate_for_change(c, ck_test_date("2025-09-02"), &m);
    assert_true(m.mandate);
    assert_ptr_equal(m.event, e);
    assert_null(m.requirement);
    assert_null(m.unrecorded);
    ck_case_free(c);
    json_decref(j);
}

/* ---- Progress ------------------------------------------------------------------- */

static ck_req_progress progress_of(const ck_case *c, size_t i, const char *d, int pace)
{
    ck_req_progress p;
    ck_requirement_progress(c, &c->events[0], &c->events[0].requirements[i], ck_test_date(d), pace, &p);
    return p;
}

static void test_progress(void **state)
{
    (void)state;
    json_t *j = load_json(BUNDLE);
    ck_case *c = from_json(j);
    /* Unpaid work: 7 + 6 hours worked of 120. */
    ck_req_progress p = progress_of(c, 0, "2025-05-01", 6);
    assert_int_equal(p.status, CK_REQ_ACTIVE);
    assert_int_equal(p.done, 13);
    assert_int_equal(p.remaining, 107);
    assert_int_equal(p.last_day, ck_test_date("2026-03-02")); /* the order's end */
    assert_int_equal(p.workable, 6 * 306 / 7);                 /* 306 days from 1 May to 2 March, both counted */
    assert_false(p.overrunning);
    /* A session dated after the date does not count yet. */
    assert_int_equal(progress_of(c, 0, "2025-03-21", 6).done, 7);
    /* Two months from the end, 107 hours cannot be worked at 6 a week (61 days: 52 hours). */
    p = progress_of(c, 0, "2026-01-01", 6);
    assert_int_equal(p.workable, 52);
    assert_true(p.overrunning);
    /* At 13 hours a week they can (113). */
    p = progress_of(c, 0, "2026-01-01", 13);
    assert_int_equal(p.workable, 113);
    assert_false(p.overrunning);
    /* After the last day: completed, whatever is left, and not flagged. */
    p = progress_of(c, 0, "2026-03-03", 6);
    assert_int_equal(p.status, CK_REQ_COMPLETED);
    assert_false(p.overrunning);
    assert_int_equal(p.remaining, 107);
    /* All hours worked: completed before the end. */
    c->events[0].requirements[0].amount = 40;
    c->contacts[1].hours = 24;
    c->contacts[2].hours = 16;
    p = progress_of(c, 0, "2025-05-01", 6);
    assert_int_equal(p.status, CK_REQ_COMPLETED);
    assert_int_equal(p.remaining, 0);
    /* Hours on another event's session do not count. */
    c->contacts[2].event = "E2";
    assert_int_equal(progress_of(c, 0, "2025-05-01", 6).done, 24);

    /* RAR: RARP and CRSAPT attended on one day count once; an unacceptable
     * absence (C6) not at all. */
    p = progress_of(c, 1, "2025-05-01", 6);
    assert_int_equal(p.done, 1);
    assert_int_equal(p.remaining, 19);
    assert_int_equal(p.workable, CK_NOINT); /* only unpaid work has a pace */
    c->contacts[5].outcome = "ATTC";
    assert_int_equal(progress_of(c, 1, "2025-05-01", 6).done, 2);

    /* Programme: one session attended; none counted after its termination. */
    p = progress_of(c, 4, "2025-05-01", 6);
    assert_int_equal(p.done, 1);
    assert_int_equal(p.remaining, 23);
    c->contacts[6].date = ck_test_date("2025-09-01");
    p = progress_of(c, 4, "2025-10-01", 6);
    assert_int_equal(p.status, CK_REQ_TERMINATED);
    assert_int_equal(p.done, 0);
    assert_string_equal(ck_req_status_name(p.status), "terminated");

    /* Curfew: nothing to count; active until its end, then completed. */
    p = progress_of(c, 2, "2025-06-02", 6);
    assert_int_equal(p.status, CK_REQ_ACTIVE);
    assert_int_equal(p.remaining, CK_NOINT);
    assert_int_equal(progress_of(c, 2, "2025-06-03", 6).status, CK_REQ_COMPLETED);
    /* Before its start: not started. */
    assert_int_equal(progress_of(c, 4, "2025-03-31", 6).status, CK_REQ_NOT_STARTED);
    ck_case_free(c);
    json_decref(j);
}

/* ---- Storage ------------------------------------------------------------------ */

static void test_store_round_trip(void **state)
{
    ck_db *db = ck_test_db_get(state);
    json_t *want = load_json(BUNDLE);
    ck_case *c = from_json(want);
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_date as_of = ck_test_date("2025-05-01");
    if (ck_cases_create(db, &eng, c, as_of, err, sizeof err) != CK_OK) fail_msg("create: %s", err);
    ck_case *got = NULL;
    if (ck_cases_get(db, c->crn, &got, err, sizeof err) != CK_OK) fail_msg("get: %s", err);
    json_t *g = ck_bundle_to_json(got, 0);
    ck_assert_json_equal(g, want);
    json_decref(g);
    ck_case_free(got);
    /* A replace that ends one requirement and drops another keeps the rest. */
    c->events[0].requirements[0].terminated_on = ck_test_date("2025-04-30");
    c->events[0].requirements[0].terminated_reason = "Revoked: started full-time work";
    c->events[0].n_requirements = 4;
    if (ck_cases_replace(db, &eng, c, as_of, err, sizeof err) != CK_OK) fail_msg("replace: %s", err);
    if (ck_cases_get(db, c->crn, &got, err, sizeof err) != CK_OK) fail_msg("get: %s", err);
    assert_int_equal(got->events[0].n_requirements, 4);
    assert_string_equal(got->events[0].requirements[0].terminated_reason, "Revoked: started full-time work");
    assert_int_equal(got->events[0].requirements[0].terminated_on, ck_test_date("2025-04-30"));
    assert_int_equal(got->contacts[2].hours, 6);
    ck_case_free(got);
    ck_case_free(c);
    json_decref(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_parse_and_write),
        cmocka_unit_test(test_validation_each_type),
        cmocka_unit_test(test_validation_fields),
        cmocka_unit_test(test_contact_hours),
        cmocka_unit_test(test_mandate),
        cmocka_unit_test(test_progress),
        CK_DB_TEST(test_store_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
