/* Appointments as practitioners book them (issue 15), the data model: the
 * appointment keys of a contact round-trip through the bundle and the store
 * on SQLite and PostgreSQL; each bad value is refused naming its field;
 * the default officer; overlaps; and a cancelled appointment owes no
 * outcome and books nothing for the rules. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_test_security.h"
#include "ck_test_manage.h"
#include "ck_appt.h"
#include "ck_diary.h"
#include "ck_cases.h"
#include "ck_rules.h"

static ck_date as_of(void) { return ck_date_ymd(2025, 11, 3); }

static json_t *example_json(const char *crn, const char *contacts)
{
    json_error_t je;
    json_t *j = json_load_file(SEC_EXAMPLE, 0, &je);
    if (!j) fail_msg("%s: %s", SEC_EXAMPLE, je.text);
    json_t *cs = json_loads(contacts, 0, &je);
    if (!cs) fail_msg("contacts: %s", je.text);
    json_object_set_new(j, "crn", json_string(crn));
    json_object_set_new(j, "contacts", cs);
    json_object_set_new(j, "enforcement", json_array());
    json_object_set_new(j, "decisions", json_array());
    return j;
}

static ck_case *example_with(const char *crn, const char *contacts)
{
    json_t *j = example_json(crn, contacts);
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    json_decref(j);
    if (!c) fail_msg("bundle: %s", err);
    return c;
}

/* The parser's error for one contact (an appointment on 2025-10-03 unless
 * `extra` says otherwise; `extra` is the rest of its JSON object). */
static const char *refused(const char *extra, char *err, size_t len)
{
    char contacts[1024];
    snprintf(contacts, sizeof contacts,
             "[{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2025-10-03\",\"type\":\"COAP\",\"national_standard\":true,"
             "\"appointment\":true,\"booked_on\":\"2025-09-26\"%s},"
             "{\"id\":\"C2\",\"event\":\"E1\",\"date\":\"2025-10-10\",\"type\":\"COAP\",\"appointment\":true}]",
             extra);
    json_t *j = example_json("N000009", contacts);
    ck_case *c = ck_bundle_from_json(j, err, len);
    json_decref(j);
    if (c) {
        ck_case_free(c);
        snprintf(err, len, "(accepted)");
    }
    return err;
}

#define APPT_C3                                                                                                    \
    "{\"id\":\"C3\",\"event\":\"E1\",\"date\":\"2025-10-03\",\"type\":\"COAP\",\"national_standard\":true,"         \
    "\"appointment\":true,\"booked_on\":\"2025-09-26\",\"start_time\":\"09:30\",\"end_time\":\"10:15\","            \
    "\"officer\":\"N07P002\",\"location\":\"N07OFF01\",\"sequence\":2}"

static void test_round_trip(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[1024];
    const char *contacts =
        "[" APPT_C3 ","
        "{\"id\":\"C4\",\"event\":\"E1\",\"date\":\"2025-10-10\",\"type\":\"COAP\",\"national_standard\":true,"
        "\"appointment\":true,\"booked_on\":\"2025-09-26\",\"start_time\":\"14:00\",\"end_time\":\"14:30\","
        "\"location\":\"home visit\",\"outcome\":\"RSOF\",\"outcome_on\":\"2025-10-06\",\"rescheduled_to\":\"C5\","
        "\"change_reason\":\"Hospital appointment; \\\"can't\\\" move it\"},"
        "{\"id\":\"C5\",\"event\":\"E1\",\"date\":\"2025-10-13\",\"type\":\"COAP\",\"national_standard\":true,"
        "\"appointment\":true,\"booked_on\":\"2025-10-06\",\"start_time\":\"11:00\",\"end_time\":\"11:45\","
        "\"location\":\"video\",\"cancelled\":true,\"change_reason\":\"Order revoked\",\"sequence\":1},"
        "{\"id\":\"C6\",\"event\":\"E1\",\"date\":\"2025-10-14\",\"type\":\"COAP\"}]";
    ck_case *c = example_with("N000001", contacts);
    ck_engine eng = ck_engine_default();
    if (ck_cases_create(db, &eng, c, as_of(), err, sizeof err) != CK_OK) fail_msg("create: %s", err);
    ck_case *got = NULL;
    if (ck_cases_get(db, "N000001", &got, err, sizeof err) != CK_OK) fail_msg("get: %s", err);
    const ck_contact *k = ck_case_contact(got, "C3");
    assert_string_equal(k->start_time, "09:30");
    assert_string_equal(k->end_time, "10:15");
    assert_string_equal(k->officer, "N07P002");
    assert_string_equal(k->location, "N07OFF01");
    assert_int_equal(k->sequence, 2);
    assert_int_equal(k->cancelled, CK_NULL);
    k = ck_case_contact(got, "C4");
    assert_string_equal(k->rescheduled_to, "C5");
    assert_string_equal(k->change_reason, "Hospital appointment; \"can't\" move it");
    assert_int_equal(ck_case_contact(got, "C5")->cancelled, 1);
    json_t *want = ck_bundle_to_json(c, 0), *have = ck_bundle_to_json(got, 0);
    ck_assert_json_equal(have, want);
    /* Keys never set are not written: the shared format round-trips. */
    json_t *c6 = json_array_get(json_object_get(have, "contacts"), 3);
    assert_string_equal(json_string_value(json_object_get(c6, "id")), "C6");
    static const char *const keys[] = {"start_time", "end_time", "officer", "location", "cancelled",
                                       "change_reason", "rescheduled_to", "sequence"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (json_object_get(c6, keys[i])) fail_msg("%s written though never set", keys[i]);
    json_decref(want), json_decref(have);
    ck_case_free(got);
    ck_case_free(c);
}

static void expect_error(const char *extra, const char *want)
{
    char err[1024];
    const char *got = refused(extra, err, sizeof err);
    if (!strstr(got, want)) fail_msg("%s\n  got:      %s\n  expected: %s", extra, got, want);
}

static void test_fields_checked(void **state)
{
    (void)state;
    char err[1024];
    assert_string_equal(refused(",\"start_time\":\"00:00\",\"end_time\":\"23:59\"", err, sizeof err), "(accepted)");
    expect_error(",\"start_time\":\"9am\",\"end_time\":\"10:00\"",
                 "contacts[0].start_time: expected a time as HH:MM on the 24-hour clock, got \"9am\"");
    expect_error(",\"start_time\":\"09:00\",\"end_time\":\"24:00\"", "contacts[0].end_time: expected a time as HH:MM");
    expect_error(",\"start_time\":\"9:30\",\"end_time\":\"10:00\"", "contacts[0].start_time: expected a time as HH:MM");
    expect_error(",\"start_time\":\"09:60\",\"end_time\":\"10:00\"", "contacts[0].start_time: expected a time as HH:MM");
    expect_error(",\"start_time\":\"10:00\",\"end_time\":\"09:30\"",
                 "contacts[0].end_time: expected a time after the start time 10:00, got 09:30");
    expect_error(",\"start_time\":\"10:00\",\"end_time\":\"10:00\"", "contacts[0].end_time: expected a time after");
    expect_error(",\"start_time\":\"10:00\"", "contacts[0].end_time: expected an end time with the start time 10:00");
    expect_error(",\"end_time\":\"10:00\"", "contacts[0].start_time: expected a start time with the end time 10:00");
    expect_error(",\"start_time\":930", "contacts[0].start_time:");
    expect_error(",\"officer\":\"N07 P001\"", "contacts[0].officer: expected a staff code");
    expect_error(",\"location\":\"the pub\"",
                 "contacts[0].location: expected an office code or one of video, phone, home visit, got \"the pub\"");
    expect_error(",\"appointment\":false,\"start_time\":\"09:00\",\"end_time\":\"10:00\"",
                 "contacts[0].start_time: expected only on an appointment");
    expect_error(",\"cancelled\":true", "contacts[0].change_reason: expected a reason");
    expect_error(",\"cancelled\":true,\"change_reason\":\"  \"", "contacts[0].change_reason: expected a reason");
    expect_error(",\"change_reason\":\"why\"", "contacts[0].change_reason: expected only on a cancelled or rescheduled");
    expect_error(",\"rescheduled_to\":\"C2\",\"change_reason\":\"ill\"",
                 "contacts[0].outcome: expected RSOF (the person asked) or RSSR (the service asked)");
    expect_error(",\"outcome\":\"RSSR\",\"rescheduled_to\":\"C9\",\"change_reason\":\"ill\"",
                 "contacts[0].rescheduled_to: \"C9\" is not the id of another contact in this case");
    expect_error(",\"outcome\":\"RSSR\",\"rescheduled_to\":\"C1\",\"change_reason\":\"ill\"",
                 "contacts[0].rescheduled_to: \"C1\" is not the id of another contact");
    expect_error(",\"sequence\":-1", "contacts[0].sequence: expected 0 or more, got -1");
    assert_string_equal(refused(",\"outcome\":\"RSSR\",\"outcome_on\":\"2025-10-01\",\"rescheduled_to\":\"C2\","
                                "\"change_reason\":\"Officer on leave\"", err, sizeof err), "(accepted)");
}

static void test_helpers(void **state)
{
    (void)state;
    assert_int_equal(ck_appt_minutes("00:00"), 0);
    assert_int_equal(ck_appt_minutes("23:59"), 23 * 60 + 59);
    assert_int_equal(ck_appt_minutes("12:3"), -1);
    assert_int_equal(ck_appt_minutes(NULL), -1);
    assert_string_equal(ck_appt_place_label("home visit"), "Home visit");
    assert_null(ck_appt_place_label("N07OFF01"));
    ck_case *c = example_with("N000002", "[" APPT_C3 ",{\"id\":\"C4\",\"event\":\"E1\",\"date\":\"2025-10-03\","
                                         "\"type\":\"COAP\",\"appointment\":true,\"start_time\":\"10:15\","
                                         "\"end_time\":\"11:00\"}]");
    const ck_contact *a = &c->contacts[0], *b = &c->contacts[1];
    /* The officer it names, else the practitioner allocated on its date. */
    assert_string_equal(ck_appt_officer(c, a), "N07P002");
    assert_string_equal(ck_appt_officer(c, b), "N07P001");
    /* Back to back is no clash; a minute's overlap is. */
    assert_false(ck_appt_overlap(a, b));
    ck_contact b2 = *b;
    b2.start_time = "10:14";
    assert_true(ck_appt_overlap(a, &b2));
    assert_true(ck_appt_overlap(&b2, a));
    /* Without times an appointment takes the day; another date never clashes. */
    b2.start_time = b2.end_time = NULL;
    assert_true(ck_appt_overlap(a, &b2));
    b2.date = a->date + 1;
    assert_false(ck_appt_overlap(a, &b2));
    ck_case_free(c);
}

static const ck_obligation *find(const ck_result *r, const char *rule, const char *subject)
{
    for (size_t i = 0; i < r->n_obligations; i++)
        if (!strcmp(r->obligations[i].rule, rule) && !strcmp(r->obligations[i].subject, subject))
            return &r->obligations[i];
    return NULL;
}

/* C3 (2025-10-03) has no outcome: OUTCOME is owed, and C3 meets the
 * NEXT_APPOINTMENT of the attended C1. Cancelled, it owes nothing and books
 * nothing; rescheduled (RSSR) its OUTCOME is met and C4 books the next. */
static void test_rules_follow(void **state)
{
    (void)state;
    const char *base = "{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2025-09-05\",\"type\":\"COAI\","
                       "\"national_standard\":true,\"appointment\":true,\"outcome\":\"ATTC\","
                       "\"outcome_on\":\"2025-09-05\",\"booked_on\":\"2025-09-01\"},";
    char text[2048];
    snprintf(text, sizeof text, "[%s" APPT_C3 "]", base);
    ck_case *c = example_with("N000003", text);
    ck_date t = ck_date_ymd(2025, 10, 20);
    ck_result *r = ck_rules_evaluate(c, t, ck_calendar_default(), ck_rulecfg_default());
    assert_non_null(find(r, "OUTCOME", "contact:C3"));
    const ck_obligation *next = find(r, "NEXT_APPOINTMENT", "contact:C1");
    assert_non_null(next);
    assert_int_equal(next->met_on, ck_date_ymd(2025, 9, 26));
    ck_result_free(r);
    ck_case_free(c);

    snprintf(text, sizeof text,
             "[%s" APPT_C3 "]", base);
    text[strlen(text) - 2] = '\0'; /* reopen C3's object */
    strcat(text, ",\"cancelled\":true,\"change_reason\":\"Order revoked\"}]");
    c = example_with("N000004", text);
    r = ck_rules_evaluate(c, t, ck_calendar_default(), ck_rulecfg_default());
    assert_null(find(r, "OUTCOME", "contact:C3"));
    next = find(r, "NEXT_APPOINTMENT", "contact:C1");
    assert_non_null(next);
    assert_int_equal(next->met_on, CK_NODATE);
    ck_result_free(r);
    ck_case_free(c);

    snprintf(text, sizeof text, "[%s" APPT_C3 "]", base);
    text[strlen(text) - 2] = '\0';
    strcat(text, ",\"outcome\":\"RSSR\",\"outcome_on\":\"2025-10-01\",\"rescheduled_to\":\"C4\","
                 "\"change_reason\":\"Officer on a course\"},"
                 "{\"id\":\"C4\",\"event\":\"E1\",\"date\":\"2025-10-08\",\"type\":\"COAP\",\"national_standard\":true,"
                 "\"appointment\":true,\"booked_on\":\"2025-10-01\",\"start_time\":\"09:30\",\"end_time\":\"10:15\"}]");
    c = example_with("N000005", text);
    r = ck_rules_evaluate(c, t, ck_calendar_default(), ck_rulecfg_default());
    const ck_obligation *o = find(r, "OUTCOME", "contact:C3");
    assert_non_null(o);
    assert_int_equal(o->met_on, ck_date_ymd(2025, 10, 1));
    assert_non_null(find(r, "OUTCOME", "contact:C4"));
    assert_int_equal(find(r, "OUTCOME", "contact:C4")->met_on, CK_NODATE);
    ck_result_free(r);
    ck_case_free(c);
}

/* The diary's reads on both backends: an officer's and a team's
 * appointments, "without an outcome", the offices, and calendar feeds. */
static void test_diary_store(void **state)
{
    ck_db *db = ck_test_db_get(state);
    static const char *const org[] = {
        "{\"kind\":\"region\",\"code\":\"N07\",\"name\":\"London\"}",
        "{\"kind\":\"pdu\",\"code\":\"N07PDU1\",\"region\":\"N07\",\"name\":\"Camden\"}",
        "{\"kind\":\"office\",\"code\":\"N07OFF01\",\"pdu\":\"N07PDU1\",\"name\":\"Camden Office\"}",
        "{\"kind\":\"office\",\"code\":\"N07OFF02\",\"pdu\":\"N07PDU1\",\"name\":\"Archway Hub\",\"address\":\"2 Road\"}",
        "{\"kind\":\"team\",\"code\":\"N07T01\",\"pdu\":\"N07PDU1\",\"name\":\"Camden North\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"N07T01\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P002\",\"team\":\"N07T01\",\"grade\":\"PO\",\"forename\":\"Kim\",\"surname\":\"Ahmed\"}",
    };
    ck_test_load_org(db, org, sizeof org / sizeof org[0]);
    char err[1024];
    const char *contacts =
        "[" APPT_C3 ","
        "{\"id\":\"C4\",\"event\":\"E1\",\"date\":\"2025-10-01\",\"type\":\"COAP\",\"appointment\":true,"
        "\"start_time\":\"14:00\",\"end_time\":\"14:30\",\"location\":\"video\"},"
        "{\"id\":\"C5\",\"event\":\"E1\",\"date\":\"2025-10-01\",\"type\":\"COAP\",\"appointment\":true,"
        "\"start_time\":\"09:00\",\"end_time\":\"09:30\",\"cancelled\":true,\"change_reason\":\"Ill\"},"
        "{\"id\":\"C6\",\"event\":\"E1\",\"date\":\"2025-09-30\",\"type\":\"COAP\",\"appointment\":true,"
        "\"outcome\":\"ATTC\",\"outcome_on\":\"2025-09-30\"},"
        "{\"id\":\"C7\",\"event\":\"E1\",\"date\":\"2025-09-29\",\"type\":\"COAP\",\"appointment\":true}]";
    ck_case *c = example_with("N000010", contacts);
    c->team = ck_arena_strdup(&c->arena, "N07T01");
    ck_engine eng = ck_engine_default();
    if (ck_cases_create(db, &eng, c, as_of(), err, sizeof err) != CK_OK) fail_msg("create: %s", err);
    ck_case_free(c);
    ck_date from = ck_date_ymd(2025, 9, 1), to = ck_date_ymd(2025, 10, 31);
    /* The practitioner's: C3 is another officer's; in date and time order. */
    ck_diary *d = NULL;
    ck_diary_query q = {.officer = "N07P001", .from = from, .to = to};
    if (ck_diary_list(db, &q, &d, err, sizeof err) != CK_OK) fail_msg("%s", err);
    const char *want[] = {"C7", "C6", "C5", "C4"};
    assert_int_equal(d->n, 4);
    for (size_t i = 0; i < 4; i++) assert_string_equal(d->items[i].id, want[i]);
    assert_true(d->items[2].cancelled);
    assert_string_equal(d->items[3].officer_surname, "Officer");
    ck_diary_free(d);
    q.officer = "N07P002";
    if (ck_diary_list(db, &q, &d, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(d->n, 1);
    assert_string_equal(d->items[0].id, "C3");
    assert_string_equal(d->items[0].location_name, "Camden Office");
    assert_string_equal(d->items[0].start_time, "09:30");
    assert_int_equal(d->items[0].sequence, 2);
    ck_diary_free(d);
    /* The team's: every one; without an outcome up to 2 October: C7 and C4
     * (C3 is later, C5 cancelled, C6 has its outcome). */
    q = (ck_diary_query){.team = "N07T01", .from = from, .to = to};
    if (ck_diary_list(db, &q, &d, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(d->n, 5);
    ck_diary_free(d);
    q.without_outcome = true;
    q.to = ck_date_ymd(2025, 10, 2);
    if (ck_diary_list(db, &q, &d, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(d->n, 2);
    assert_string_equal(d->items[0].id, "C7");
    assert_string_equal(d->items[1].id, "C4");
    ck_diary_free(d);
    q.limit = 1;
    if (ck_diary_list(db, &q, &d, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(d->n, 1);
    assert_true(d->truncated);
    ck_diary_free(d);
    /* Offices by name; officers in post by surname. */
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record *offices;
    size_t n;
    if (ck_diary_offices(db, "N07PDU1", &a, &offices, &n, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(n, 2);
    assert_string_equal(offices[0].name, "Archway Hub");
    assert_string_equal(offices[0].address, "2 Road");
    ck_diary_officer *officers;
    if (ck_diary_officers(db, "N07T01", &a, &officers, &n, err, sizeof err) != CK_OK) fail_msg("%s", err);
    assert_int_equal(n, 2);
    assert_string_equal(officers[0].code, "N07P002");
    /* A feed: found by its hash, replaced, revoked. */
    bool on = true;
    const char *staff = NULL;
    ck_test_ok(ck_diary_feed_exists(db, "N07P001", &on, err, sizeof err), err);
    assert_false(on);
    ck_test_ok(ck_diary_feed_set(db, "N07P001", "hash-one", 1, err, sizeof err), err);
    ck_test_ok(ck_diary_feed_find(db, "hash-one", &a, &staff, err, sizeof err), err);
    assert_string_equal(staff, "N07P001");
    ck_test_ok(ck_diary_feed_set(db, "N07P001", "hash-two", 2, err, sizeof err), err);
    assert_int_equal(ck_diary_feed_find(db, "hash-one", &a, &staff, err, sizeof err), CK_ERR_NOTFOUND);
    ck_test_ok(ck_diary_feed_exists(db, "N07P001", &on, err, sizeof err), err);
    assert_true(on);
    ck_test_ok(ck_diary_feed_revoke(db, "N07P001", err, sizeof err), err);
    assert_int_equal(ck_diary_feed_find(db, "hash-two", &a, &staff, err, sizeof err), CK_ERR_NOTFOUND);
    ck_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_round_trip),
        CK_DB_TEST(test_diary_store),
        cmocka_unit_test(test_fields_checked),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_rules_follow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
