/* Contact notes (issue 13) on SQLite and PostgreSQL: notes, the sensitive
 * flag and who recorded a contact round-trip through the store and the
 * bundle; the notes' length and characters are checked; the activity log's
 * full-text search means the same on both backends (stemming, every word,
 * no match, quotes and SQL in notes and queries, highlighting) and its
 * filters; the sensitive rule of services/ck_access, on reads, searches and
 * writes; and the migration runner's per-backend blocks. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_test_security.h"
#include "ck_activity.h"
#include "ck_cases.h"
#include "ck_ctypes.h"

#define AS_OF_Y 2025, 11, 3

static ck_date as_of(void) { return ck_date_ymd(AS_OF_Y); }

static void expect_rc(ck_rc got, ck_rc want, const char *err)
{
    if (got != want) fail_msg("rc %d, expected %d: %s", got, want, err);
}

/* Notes that must come back byte for byte, and that a search must treat as
 * text: paragraphs, quotes of both kinds, SQL and FTS5 / tsquery syntax. */
#define NOTE_SQL "Did not attend; said \"it's fine\" to O'Brien'); DROP TABLE \"contacts\";-- NEAR(x y) OR * a:b & !c | d"
#define NOTE_PARAS "Attended on time and discussed the curfew.\n\nAgreed to bring a payslip next week.\r\nCafé job – ok."

static const char *const log_contacts =
    "[{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2025-09-05\",\"type\":\"COAP\",\"national_standard\":true,"
    "\"appointment\":true,\"outcome\":\"ATTC\",\"outcome_on\":\"2025-09-05\",\"notes\":\"Attended on time and discussed "
    "the curfew.\",\"recorded_by\":\"N07P001\"},"
    "{\"id\":\"C2\",\"event\":\"E1\",\"date\":\"2025-09-12\",\"type\":\"COAP\",\"national_standard\":true,"
    "\"appointment\":true,\"outcome\":\"AAME\",\"outcome_on\":\"2025-09-12\",\"notes\":\"He attends the hostel "
    "meetings weekly.\"},"
    "{\"id\":\"C3\",\"event\":\"E1\",\"date\":\"2025-09-19\",\"type\":\"COAP\",\"national_standard\":true,"
    "\"appointment\":true,\"outcome\":\"UAAB\",\"outcome_on\":\"2025-09-19\",\"notes\":\"Did not attend; said \\\"it's "
    "fine\\\" to O'Brien'); DROP TABLE \\\"contacts\\\";-- NEAR(x y) OR * a:b & !c | d\"},"
    "{\"id\":\"C4\",\"event\":\"E1\",\"date\":\"2025-10-01\",\"type\":\"CLOB\",\"national_standard\":false,"
    "\"appointment\":false,\"notes\":\"Housing worker phoned about the tenancy.\",\"sensitive\":true},"
    "{\"id\":\"C5\",\"event\":\"E1\",\"date\":\"2025-10-02\",\"type\":\"C070\",\"national_standard\":false,"
    "\"appointment\":false}]";

/* ---- Round trip and validation --------------------------------------------------- */

static void test_round_trip(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[1024];
    json_error_t je;
    json_t *cs = json_pack("[{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:b, s:s}, {s:s, s:s, s:s, s:s, s:s}]", "id", "C1",
                           "event", "E1", "date", "2025-09-05", "type", "COAP", "national_standard", 1, "appointment", 1,
                           "notes", NOTE_PARAS, "sensitive", 1, "recorded_by", "N07P001", "id", "C2", "event", "E1",
                           "date", "2025-09-06", "type", "CTOB", "notes", NOTE_SQL);
    char *text = json_dumps(cs, 0);
    json_decref(cs);
    ck_case *c = sec_example_with("N000001", text);
    free(text);
    ck_engine eng = ck_engine_default();
    expect_rc(ck_cases_create(db, &eng, c, as_of(), err, sizeof err), CK_OK, err);
    ck_case *got = NULL;
    expect_rc(ck_cases_get(db, "N000001", &got, err, sizeof err), CK_OK, err);
    assert_string_equal(got->contacts[0].notes, NOTE_PARAS);
    assert_int_equal(got->contacts[0].sensitive, 1);
    assert_string_equal(got->contacts[0].recorded_by, "N07P001");
    assert_string_equal(got->contacts[1].notes, NOTE_SQL);
    assert_int_equal(got->contacts[1].sensitive, CK_NULL);
    assert_null(got->contacts[1].recorded_by);
    /* The bundle says the same, and keys never set are not written. */
    json_t *want = ck_bundle_to_json(c, 0), *have = ck_bundle_to_json(got, 0);
    ck_assert_json_equal(have, want);
    json_t *c2 = json_array_get(json_object_get(have, "contacts"), 1);
    assert_null(json_object_get(c2, "sensitive"));
    assert_null(json_object_get(c2, "recorded_by"));
    json_decref(want), json_decref(have);
    /* A bundle without the keys (the shared format) is unchanged. */
    ck_case *plain = sec_example_with("N000002", "[{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2025-09-05\",\"type\":\"COAP\"}]");
    json_t *pj = ck_bundle_to_json(plain, 0);
    json_t *pc = json_array_get(json_object_get(pj, "contacts"), 0);
    assert_null(json_object_get(pc, "notes"));
    assert_null(json_object_get(pc, "sensitive"));
    json_decref(pj);
    ck_case_free(plain);
    (void)je;
    ck_case_free(got);
    ck_case_free(c);
}

static void test_notes_checked(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[1024];
    ck_engine eng = ck_engine_default();
    /* 4,000 characters of two bytes each are fine; 4,001 are not. */
    char *notes = malloc(2 * (CK_CONTACT_NOTES_MAX + 1) + 1);
    for (int i = 0; i <= CK_CONTACT_NOTES_MAX; i++) memcpy(notes + 2 * i, "\xc3\xa9", 2);
    notes[2 * CK_CONTACT_NOTES_MAX] = '\0';
    json_t *cs = json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "id", "C1", "event", "E1", "date", "2025-09-05", "type",
                           "COAP", "notes", notes);
    char *text = json_dumps(cs, 0);
    ck_case *c = sec_example_with("N000003", text);
    expect_rc(ck_cases_create(db, &eng, c, as_of(), err, sizeof err), CK_OK, err);
    ck_case_free(c);
    free(text);
    json_decref(cs);
    notes[2 * CK_CONTACT_NOTES_MAX] = '\xc3';
    notes[2 * CK_CONTACT_NOTES_MAX + 1] = '\xa9';
    notes[2 * CK_CONTACT_NOTES_MAX + 2] = '\0';
    cs = json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "id", "C1", "event", "E1", "date", "2025-09-05", "type", "COAP",
                   "notes", notes);
    text = json_dumps(cs, 0);
    json_decref(cs);
    /* The bundle parser refuses it, naming the field... */
    json_t *j = json_load_file(SEC_EXAMPLE, 0, NULL);
    json_object_set_new(j, "crn", json_string("N000004"));
    json_object_set_new(j, "contacts", json_loads(text, 0, NULL));
    json_object_set_new(j, "enforcement", json_array());
    json_object_set_new(j, "decisions", json_array());
    assert_null(ck_bundle_from_json(j, err, sizeof err));
    if (!strstr(err, "contacts[0].notes: expected at most 4000 characters, got 4001")) fail_msg("error: %s", err);
    json_decref(j);
    free(text);
    free(notes);
    /* ...and so does the store, for a record made in memory. */
    ck_contact k = {.id = "C9", .event = "E1", .date = as_of(), .type = "CTOB", .national_standard = 0,
                    .appointment = 0, .outcome_on = CK_NODATE, .booked_on = CK_NODATE, .notes = "bell\a",
                    .sensitive = CK_NULL, .hours = CK_NOINT};
    expect_rc(ck_cases_add(db, &eng, "N000003", "contacts", &k, as_of(), err, sizeof err), CK_ERR_INVALID, err);
    if (!strstr(err, "notes: expected text without control characters")) fail_msg("error: %s", err);
}

/* ---- Search ---------------------------------------------------------------------- */

/* The ids the activity query finds on case crn, newest first, "C3 C1". */
static char *found(ck_db *db, const char *crn, ck_activity_query q, size_t *total)
{
    char err[1024];
    int64_t id = 0;
    if (!q.limit) q.limit = 50;
    if (q.from == 0) q.from = CK_NODATE;
    if (q.to == 0) q.to = CK_NODATE;
    expect_rc(ck_store_find(db, crn, CK_LOCK_NONE, &id, err, sizeof err), CK_OK, err);
    ck_activity *a = NULL;
    expect_rc(ck_activity_find(db, id, &q, &a, err, sizeof err), CK_OK, err);
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; i < a->n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", a->items[i].id);
    if (total) *total = a->total;
    ck_activity_free(a);
    return out;
}

static ck_db *log_case(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_case *c = sec_example_with("N000010", log_contacts);
    expect_rc(ck_cases_create(db, &eng, c, as_of(), err, sizeof err), CK_OK, err);
    ck_case_free(c);
    return db;
}

static void expect_found(ck_db *db, const char *q, const char *want)
{
    const char *got = found(db, "N000010", (ck_activity_query){.q = q, .sensitive_visible = true}, NULL);
    if (strcmp(got, want) != 0) fail_msg("search \"%s\": found \"%s\", expected \"%s\"", q, got, want);
}

static void test_search(void **state)
{
    ck_db *db = log_case(state);
    /* Stemming: every form of "attend", in the query and in the notes. */
    expect_found(db, "attending", "C3 C2 C1");
    expect_found(db, "ATTENDED", "C3 C2 C1");
    /* Several words: every one must match, in any order. */
    expect_found(db, "curfew attends", "C1");
    expect_found(db, "hostel curfew", "");
    expect_found(db, "zebra", "");
    /* Quotes, SQL and query syntax are words, never operators. */
    expect_found(db, "DROP TABLE contacts", "C3");
    expect_found(db, "\"it's fine\"", "C3");
    expect_found(db, "O'Brien'); --", "C3");
    expect_found(db, "NEAR(x y) OR *", "C3");
    expect_found(db, "a:b & !c | d", "C3");
    expect_found(db, "\" OR 1=1 --", "");
    expect_found(db, "attend -curfew", "C1");
    /* No words (punctuation, stop words only): no keyword filter. */
    expect_found(db, "\"*()^:", "C5 C4 C3 C2 C1");
    expect_found(db, "the and of", "C5 C4 C3 C2 C1");
    /* The table is still there, and the words are marked in the notes. */
    char err[1024];
    int64_t id = 0;
    expect_rc(ck_store_find(db, "N000010", CK_LOCK_NONE, &id, err, sizeof err), CK_OK, err);
    ck_activity *a = NULL;
    ck_activity_query q = {.q = "curfew attends", .from = CK_NODATE, .to = CK_NODATE, .sensitive_visible = true,
                           .limit = 10};
    expect_rc(ck_activity_find(db, id, &q, &a, err, sizeof err), CK_OK, err);
    assert_int_equal(a->n, 1);
    assert_int_equal(a->n_words, 2);
    assert_string_equal(a->items[0].highlight, "\x01" "Attended\x02 on time and discussed the \x01" "curfew\x02.");
    assert_string_equal(a->items[0].notes, "Attended on time and discussed the curfew.");
    assert_string_equal(a->items[0].recorded_by_name ? a->items[0].recorded_by_name : "(none)", "(none)");
    ck_activity_free(a);
}

static void test_search_words(void **state)
{
    (void)state;
    char w[CK_ACTIVITY_MAX_WORDS][CK_ACTIVITY_WORD_MAX + 1];
    assert_int_equal(ck_activity_words("The \"Curfew\"; DROP--curfew café", w), 3);
    assert_string_equal(w[0], "curfew");
    assert_string_equal(w[1], "drop");
    assert_string_equal(w[2], "caf\xc3\xa9");
    assert_int_equal(ck_activity_words("", w), 0);
    assert_int_equal(ck_activity_words(NULL, w), 0);
}

static void test_filters(void **state)
{
    ck_db *db = log_case(state);
    size_t total = 0;
    ck_activity_query q = {.sensitive_visible = true};
    assert_string_equal(found(db, "N000010", q, &total), "C5 C4 C3 C2 C1");
    assert_int_equal(total, 5);
    /* Paged: the total is of every match. */
    q.limit = 2, q.offset = 2;
    assert_string_equal(found(db, "N000010", q, &total), "C3 C2");
    assert_int_equal(total, 5);
    q.limit = 0, q.offset = 0;
    q.from = ck_date_ymd(2025, 9, 12), q.to = ck_date_ymd(2025, 10, 1);
    assert_string_equal(found(db, "N000010", q, NULL), "C4 C3 C2");
    q.from = q.to = CK_NODATE;
    q.category = "Appointments";
    assert_string_equal(found(db, "N000010", q, NULL), "C3 C2 C1");
    q.category = "Communication with person on probation";
    assert_string_equal(found(db, "N000010", q, NULL), "C4");
    q.category = NULL;
    q.type = "CLOB";
    assert_string_equal(found(db, "N000010", q, NULL), "C4");
    q.type = NULL;
    q.compliance = CK_COMPLY_FAILURES;
    assert_string_equal(found(db, "N000010", q, NULL), "C3");
    q.compliance = CK_COMPLY_ACCEPTABLE;
    assert_string_equal(found(db, "N000010", q, NULL), "C2");
    q.compliance = CK_COMPLY_ANY;
    q.hide_system = true; /* C070, "Case Allocated", is Administrative */
    assert_string_equal(found(db, "N000010", q, NULL), "C4 C3 C2 C1");
    /* Filters and words together. */
    q.q = "attended";
    q.category = "Appointments";
    assert_string_equal(found(db, "N000010", q, NULL), "C3 C2 C1");
    /* A sensitive note is neither searched nor returned for a reader who may
     * not see it; its contact still is, marked as withheld. */
    q = (ck_activity_query){.q = "tenancy", .sensitive_visible = true};
    assert_string_equal(found(db, "N000010", q, NULL), "C4");
    q.sensitive_visible = false;
    assert_string_equal(found(db, "N000010", q, NULL), "");
    char err[1024];
    int64_t id = 0;
    expect_rc(ck_store_find(db, "N000010", CK_LOCK_NONE, &id, err, sizeof err), CK_OK, err);
    ck_activity *a = NULL;
    q = (ck_activity_query){.from = CK_NODATE, .to = CK_NODATE, .type = "CLOB", .limit = 5};
    expect_rc(ck_activity_find(db, id, &q, &a, err, sizeof err), CK_OK, err);
    assert_int_equal(a->n, 1);
    assert_null(a->items[0].notes);
    assert_true(a->items[0].notes_withheld);
    ck_activity_free(a);
}

/* A contact rewritten (the store deletes and re-inserts a case's rows) is
 * found by its new notes and not by its old ones. */
static void test_search_follows_writes(void **state)
{
    ck_db *db = log_case(state);
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_case *c = sec_example_with("N000010", "[{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2025-09-05\",\"type\":\"COAP\","
                                         "\"notes\":\"Rewritten: discussed budgeting.\"}]");
    expect_rc(ck_cases_replace(db, &eng, c, as_of(), err, sizeof err), CK_OK, err);
    ck_case_free(c);
    expect_found(db, "curfew", "");
    expect_found(db, "budget", "C1");
}

/* ---- The sensitive rule ------------------------------------------------------------ */

static void test_sensitive_rule(void **state)
{
    (void)state;
    const ck_place own = {"N07P001", "T1", "P1", "R1"}, team = {"N07P002", "T1", "P1", "R1"},
                   pdu = {"N07P003", "T2", "P1", "R1"}, region = {"N07P004", "T3", "P2", "R1"};
    struct {
        ck_role role;
        ck_place me;
        bool own, team, pdu, region;
    } rows[] = {
        {CK_ROLE_PRACTITIONER, {"N07P001", "T1", "P1", "R1"}, true, true, false, false},
        {CK_ROLE_SPO, {"N07S001", "T1", "P1", "R1"}, true, true, false, false},
        {CK_ROLE_HEAD_OF_PDU, {"N07H001", "T9", "P1", "R1"}, true, true, true, false},
        {CK_ROLE_COURT_OFFICER, {"N07C001", "T2", "P1", "R1"}, false, false, true, false},
        {CK_ROLE_VLO, {"N07V001", "T8", "P1", "R1"}, false, false, false, false},
        {CK_ROLE_QA, {"", "", "", ""}, true, true, true, true},
        {CK_ROLE_ADMIN, {"", "", "", ""}, false, false, false, false},
        /* A practitioner's own case held in another team is still theirs. */
        {CK_ROLE_PRACTITIONER, {"N07P003", "T7", "P1", "R1"}, false, false, true, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ck_principal p = {.role = rows[i].role, .place = rows[i].me, .scopes = CK_PERM_ALL};
        const ck_place *places[] = {&own, &team, &pdu, &region};
        const bool want[] = {rows[i].own, rows[i].team, rows[i].pdu, rows[i].region};
        for (size_t k = 0; k < 4; k++)
            if (ck_access_sensitive_visible(&p, places[k]) != want[k])
                fail_msg("row %zu (%s) place %zu: expected %s", i, ck_role_names[rows[i].role], k,
                         want[k] ? "visible" : "withheld");
    }
    /* An unknown place ("") matches no one's unknown place. */
    ck_principal nobody = {.role = CK_ROLE_PRACTITIONER, .scopes = CK_PERM_ALL};
    const ck_place unknown = {"", "", "", ""};
    assert_false(ck_access_sensitive_visible(&nobody, &unknown));
    ck_principal sys;
    ck_principal_system(&sys, "test");
    assert_true(ck_access_sensitive_visible(&sys, &unknown));
}

/* Sensitive notes through the access layer, in the security world: every
 * role's read of every case it may read carries them only as the rule says,
 * and its search finds them only then. */
static void test_sensitive_access(void **state)
{
    ck_db *db = ck_test_db_get(state);
    sec_world(db, false, as_of());
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_principal sys;
    ck_principal_system(&sys, "test");
    for (int i = 0; i < SEC_N_CASES; i++) {
        ck_contact k = {.id = "CS1", .event = "E1", .date = as_of(), .type = "CTOB", .national_standard = 0,
                        .appointment = 0, .outcome_on = CK_NODATE, .booked_on = CK_NODATE,
                        .notes = "Disclosed a new partner. Zqsecretword.", .sensitive = 1, .hours = CK_NOINT};
        expect_rc(ck_access_add(db, &sys, CK_PERM_CASE_WRITE, &eng, sec_cases[i].crn, "contacts", &k, as_of(), NULL,
                                err, sizeof err),
                  CK_OK, err);
    }
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        ck_principal p;
        sec_principal(db, r, &p);
        for (int i = 0; i < SEC_N_CASES; i++) {
            if (!sec_expect(r, CK_PERM_CASE_READ, i)) continue;
            bool want = ck_access_sensitive_visible(&p, &sec_cases[i].place);
            ck_case *c = NULL;
            expect_rc(ck_access_get(db, &p, sec_cases[i].crn, &c, err, sizeof err), CK_OK, err);
            const ck_contact *k = ck_case_contact(c, "CS1");
            assert_non_null(k);
            assert_int_equal(k->sensitive, 1);
            if ((k->notes != NULL) != want)
                fail_msg("%s reading %s: sensitive notes %s", ck_role_names[r], sec_cases[i].label,
                         want ? "missing" : "shown");
            ck_case_free(c);
            ck_activity_query q = {.q = "zqsecretword", .from = CK_NODATE, .to = CK_NODATE, .limit = 10};
            ck_activity *a = NULL;
            expect_rc(ck_access_activity(db, &p, sec_cases[i].crn, &q, &a, err, sizeof err), CK_OK, err);
            if ((a->n == 1) != want)
                fail_msg("%s searching %s: %zu found", ck_role_names[r], sec_cases[i].label, a->n);
            ck_activity_free(a);
        }
    }
    /* The rule by hand for the world's places: the team (T1) case is seen by
     * its team, the head of PDU and QA; the PDU (T2) case only by the head
     * and QA among these accounts, though a practitioner may read it. */
    ck_principal prac, head, qa;
    sec_principal(db, CK_ROLE_PRACTITIONER, &prac);
    sec_principal(db, CK_ROLE_HEAD_OF_PDU, &head);
    sec_principal(db, CK_ROLE_QA, &qa);
    assert_true(ck_access_sensitive_visible(&prac, &sec_cases[SEC_TEAM].place));
    assert_false(ck_access_sensitive_visible(&prac, &sec_cases[SEC_PDU].place));
    assert_true(ck_access_sensitive_visible(&head, &sec_cases[SEC_PDU].place));
    assert_false(ck_access_sensitive_visible(&head, &sec_cases[SEC_REGION].place));
    assert_true(ck_access_sensitive_visible(&qa, &sec_cases[SEC_FAR].place));
    /* A contact added by an account says who recorded it. */
    ck_contact k = {.id = "CS2", .event = "E1", .date = as_of(), .type = "CTOB", .national_standard = 0,
                    .appointment = 0, .outcome_on = CK_NODATE, .booked_on = CK_NODATE, .sensitive = CK_NULL,
                    .recorded_by = "someone-else", .hours = CK_NOINT};
    expect_rc(ck_access_add(db, &prac, CK_PERM_CASE_WRITE, &eng, sec_cases[SEC_OWN].crn, "contacts", &k, as_of(), NULL,
                            err, sizeof err),
              CK_OK, err);
    ck_case *c = NULL;
    expect_rc(ck_access_get(db, &prac, sec_cases[SEC_OWN].crn, &c, err, sizeof err), CK_OK, err);
    assert_string_equal(ck_case_contact(c, "CS2")->recorded_by, "N07P001");
    ck_case_free(c);
    /* Someone who may see a sensitive contact's notes may change them with
     * an outcome, and is then who recorded it. */
    ck_contact_note note = {"Changed.", CK_NULL, NULL};
    ck_principal spo;
    sec_principal(db, CK_ROLE_SPO, &spo);
    expect_rc(ck_access_outcome(db, &spo, CK_PERM_CASE_WRITE, &eng, sec_cases[SEC_TEAM].crn, "CS1", "ATTC", as_of(),
                                NULL, &note, as_of(), NULL, err, sizeof err),
              CK_OK, err);
    c = NULL;
    expect_rc(ck_access_get(db, &spo, sec_cases[SEC_TEAM].crn, &c, err, sizeof err), CK_OK, err);
    assert_string_equal(ck_case_contact(c, "CS1")->notes, "Changed.");
    assert_string_equal(ck_case_contact(c, "CS1")->recorded_by, "N07S001");
    ck_case_free(c);
}

/* ---- Migrations ----------------------------------------------------------------------- */

static void test_migration_blocks(void **state)
{
    ck_test_db *f = *state;
    ck_db *db = ck_test_db_get(state);
    bool pg = f->kind == CK_DB_PG;
    ck_migration ok[] = {{"900_blocks.sql", "CREATE TABLE \"both_x\" (\"a\" INTEGER);\n"
                                            "{{SQLITE}}CREATE TABLE \"only_sqlite\" (\"a\" INTEGER);{{END}}\n"
                                            "{{PG}}CREATE TABLE \"only_pg\" (\"a\" INTEGER);{{END}}\n"}};
    int applied = 0;
    if (ck_db_migrate_list(db, ok, 1, &applied) != CK_DB_OK) fail_msg("migrate: %s", ck_db_errmsg(db));
    assert_int_equal(applied, 1);
    assert_int_equal(ck_db_exec(db, "SELECT 1 FROM \"both_x\""), CK_DB_OK);
    assert_int_equal(ck_db_exec(db, pg ? "SELECT 1 FROM \"only_pg\"" : "SELECT 1 FROM \"only_sqlite\""), CK_DB_OK);
    assert_int_not_equal(ck_db_exec(db, pg ? "SELECT 1 FROM \"only_sqlite\"" : "SELECT 1 FROM \"only_pg\""), CK_DB_OK);
    ck_db_rollback(db);
    ck_migration open[] = {{"901_open.sql", "{{PG}}CREATE TABLE \"never\" (\"a\" INTEGER);"}};
    assert_int_not_equal(ck_db_migrate_list(db, open, 1, &applied), CK_DB_OK);
    if (!strstr(ck_db_errmsg(db), "has no {{END}}")) fail_msg("error: %s", ck_db_errmsg(db));
    ck_migration nested[] = {{"902_nested.sql", "{{PG}}{{SQLITE}}x{{END}}{{END}}"}};
    assert_int_not_equal(ck_db_migrate_list(db, nested, 1, &applied), CK_DB_OK);
    if (!strstr(ck_db_errmsg(db), "misplaced token")) fail_msg("error: %s", ck_db_errmsg(db));
}

/* ---- Names ------------------------------------------------------------------------------ */

static void test_names(void **state)
{
    (void)state;
    for (const char *const *o = ck_vocab_outcome; *o; o++)
        if (!ck_outcome_name(*o)) fail_msg("outcome %s has no name", *o);
    assert_string_equal(ck_outcome_name("UAAB"), "Unacceptable absence");
    assert_null(ck_outcome_name("NOPE"));
    const ck_ctype *t = ck_ctype_find("COAP");
    assert_non_null(t);
    assert_string_equal(t->category, "Appointments");
    assert_true(t->national_standard);
    assert_true(ck_ctype_system(ck_ctype_find("C070")->category));
    assert_false(ck_ctype_system(t->category));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_round_trip),
        CK_DB_TEST(test_notes_checked),
        CK_DB_TEST(test_search),
        CK_DB_TEST(test_filters),
        CK_DB_TEST(test_search_follows_writes),
        CK_DB_TEST(test_sensitive_access),
        CK_DB_TEST(test_migration_blocks),
        cmocka_unit_test(test_search_words),
        cmocka_unit_test(test_sensitive_rule),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
