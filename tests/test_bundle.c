/* The case bundle codec: round trips, canonical form, every kind of bad input
 * with its exact message, redaction, single-record parse and patch. */
#include "ck_test.h"
#include "ck_test_json.h"
#include "ck_bundle.h"
#include "ck_consent.h"
#include "ck_facts.h"
#include "ck_json_arena.h"
#include "ck_str.h"
#include <dirent.h>
#include <pthread.h>

#define EXAMPLE "tests/data/bundle_example.json"

static json_t *load_json(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!j) fail_msg("%s: line %d: %s", path, e.line, e.text);
    return j;
}

static ck_case *parse_ok(const char *text)
{
    char err[1024];
    ck_case *c = ck_bundle_parse(text, strlen(text), err, sizeof err);
    if (!c) fail_msg("unexpected parse error: %s", err);
    return c;
}

static ck_case *parse_file_ok(const char *path)
{
    size_t len;
    char *text = ck_test_slurp(path, &len);
    if (!text) fail_msg("cannot read %s", path);
    char err[1024];
    ck_case *c = ck_bundle_parse(text, len, err, sizeof err);
    if (!c) fail_msg("%s: %s", path, err);
    free(text);
    return c;
}


/* ---- Round trips -------------------------------------------------------------- */

#define PERSON "tests/data/bundle_person.json"

/* The person on probation's details (extension keys) parse, write back
 * canonical and equal, and a bundle without them writes none of them. */
static void person_details_round_trip(void **state)
{
    (void)state;
    json_t *want = load_json(PERSON);
    ck_case *c = parse_file_ok(PERSON);
    const ck_person *p = &c->person;
    assert_string_equal(p->phone, "07700 900123");
    assert_string_equal(p->email, "sam.example@example.com");
    assert_string_equal(p->pronouns, "he/him");
    assert_string_equal(p->preferred_language, "Polish");
    assert_int_equal(p->interpreter_required, 1);
    assert_int_equal(p->n_aliases, 2);
    assert_null(p->aliases[1].forename);
    assert_string_equal(p->aliases[1].surname, "Smith");
    assert_int_equal(p->n_disabilities, 2);
    assert_string_equal(p->disabilities[0].kind, "Dyslexia");
    assert_null(p->disabilities[1].adjustments);
    assert_true(p->has_consent);
    assert_string_equal(p->consent.mobile, "07700 900123");
    assert_ptr_equal(p->consent.language, ck_vocab_consent_language[1]);
    assert_int_equal(p->consent.withdrawn_on, CK_NODATE);
    assert_false(ck_consent_active(&p->consent, ck_date_ymd(2025, 1, 9)));
    assert_true(ck_consent_active(&p->consent, ck_date_ymd(2025, 1, 10)));
    assert_string_equal(p->addresses[1].postcode, "E8 2AB");
    assert_null(p->addresses[0].line2);
    assert_int_equal(c->changes[0].n_household, 2);
    assert_ptr_equal(c->changes[0].household[1].relationship, ck_vocab_relationship[3]);
    assert_int_equal(c->changes[0].household[1].child, 1);
    assert_int_equal(c->changes[0].lives_alone, CK_NULL);
    assert_int_equal(c->changes[2].lives_alone, 0);
    json_t *got = ck_bundle_to_json(c, 0);
    ck_assert_json_equal(got, want);
    json_decref(got);
    ck_buf line = CK_BUF_INIT;
    assert_true(ck_bundle_write(c, 0, &line));
    char *compact = json_dumps(want, JSON_COMPACT);
    assert_string_equal(ck_buf_cstr(&line), compact);
    free(compact);
    ck_buf_free(&line);
    json_decref(want);

    /* Where he lives and with whom, as the case page reads it. */
    assert_null(ck_household_current(c, ck_date_ymd(2025, 10, 1)));
    assert_ptr_equal(ck_household_current(c, ck_date_ymd(2025, 10, 2)), &c->changes[0]);
    assert_ptr_equal(ck_household_current(c, ck_date_ymd(2025, 11, 3)), &c->changes[1]); /* CH3 says nothing */
    assert_ptr_equal(ck_main_address_current(c, ck_date_ymd(2024, 10, 31)), &p->addresses[0]);
    assert_ptr_equal(ck_main_address_current(c, ck_date_ymd(2024, 11, 1)), &p->addresses[1]);
    assert_null(ck_main_address_current(c, ck_date_ymd(2023, 3, 5)));
    ck_case_free(c);

    /* Without them, none of the keys is written: shared bundles round-trip unchanged. */
    c = parse_file_ok(EXAMPLE);
    assert_true(ck_bundle_write(c, 0, &line));
    json_t *j = json_loads(ck_buf_cstr(&line), 0, NULL);
    assert_non_null(j);
    json_t *person = json_object_get(j, "person");
    static const char *const absent[] = {"phone", "email", "pronouns", "preferred_language", "interpreter_required",
                                         "aliases", "disabilities", "consent"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        if (json_object_get(person, absent[i])) fail_msg("person.%s written for a bundle without it", absent[i]);
    assert_null(json_object_get(json_array_get(json_object_get(person, "addresses"), 0), "postcode"));
    assert_null(json_object_get(json_array_get(json_object_get(j, "changes"), 0), "household"));
    assert_null(json_object_get(json_array_get(json_object_get(j, "changes"), 0), "lives_alone"));
    json_decref(j);
    ck_buf_free(&line);
    ck_case_free(c);
}

/* UK mobile numbers as people type them, in the form Notify is sent. */
static void uk_mobile_numbers(void **state)
{
    (void)state;
    static const char *const good[][2] = {{"07700 900123", "+447700900123"},  {"07700900123", "+447700900123"},
                                          {"+44 7700 900123", "+447700900123"}, {"+44 (0)7700 900123", "+447700900123"},
                                          {"0044 7700-900-123", "+447700900123"}, {"447700900123", "+447700900123"}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        char out[CK_MOBILE_MAX];
        if (!ck_uk_mobile(good[i][0], out)) fail_msg("\"%s\" refused", good[i][0]);
        assert_string_equal(out, good[i][1]);
    }
    static const char *const bad[] = {"", "0207 946 0000", "07700 90012", "077009001234", "+4407700900123x",
                                      "+1 202 555 0100", "7700 900123", "07700 900 12 3+", "++447700900123", NULL};
    for (size_t i = 0; bad[i]; i++)
        if (ck_uk_mobile(bad[i], NULL)) fail_msg("\"%s\" accepted", bad[i]);
    assert_true(ck_email_ok("sam.example@example.com"));
    static const char *const bad_email[] = {"sam@example", "sam example@example.com", "@example.com", "sam@@example.com",
                                            "sam@example..com", "sam@.example.com", "sam@example.com.", NULL};
    for (size_t i = 0; bad_email[i]; i++)
        if (ck_email_ok(bad_email[i])) fail_msg("\"%s\" accepted", bad_email[i]);
}

static void example_round_trips_equal(void **state)
{
    (void)state;
    json_t *want = load_json(EXAMPLE);
    ck_case *c = parse_file_ok(EXAMPLE);
    assert_string_equal(c->crn, "X123456");
    assert_null(c->team);
    assert_int_equal(c->n_events, 1);
    assert_true(c->events[0].has_sentence);
    assert_string_equal(c->events[0].sentence.type, "custody");
    assert_int_equal(c->events[0].sentence.length_months, 18);
    assert_int_equal(c->events[0].sentence.pss_end_date, CK_NODATE);
    assert_false(c->events[0].has_victim_referral_outcome);
    assert_int_equal(c->person.date_of_birth, ck_date_ymd(1988, 2, 29));
    assert_true(c->person.has_offending_history);
    assert_int_equal(c->person.offending_history.age_at_first_sanction, 17);
    assert_int_equal(c->n_contacts, 3);
    assert_int_equal(c->contacts[2].outcome_on, CK_NODATE);
    assert_null(c->contacts[2].outcome);
    assert_int_equal(c->checks[1].relevant_information, CK_NULL);
    assert_int_equal(c->checks[0].relevant_information, 1);
    /* Vocabulary values point into the tables, so rules compare pointers or strings alike. */
    assert_ptr_equal(c->events[0].sentence.type, ck_vocab_sentence_type[2]);
    assert_string_equal(c->victims[0].name, "Alex Sample");

    json_t *got = ck_bundle_to_json(c, 0);
    ck_assert_json_equal(got, want);

    /* The compact line parses back to the same case, and writing is deterministic. */
    ck_buf line = CK_BUF_INIT, again = CK_BUF_INIT;
    assert_true(ck_bundle_write(c, 0, &line));
    /* The document's example is canonical: compact output is its compact dump, byte for byte. */
    char *compact = json_dumps(want, JSON_COMPACT);
    assert_string_equal(ck_buf_cstr(&line), compact);
    free(compact);
    ck_case *c2 = parse_ok(ck_buf_cstr(&line));
    assert_true(ck_bundle_write(c2, 0, &again));
    assert_string_equal(ck_buf_cstr(&line), ck_buf_cstr(&again));
    json_t *got2 = ck_bundle_to_json(c2, 0);
    ck_assert_json_equal(got2, want);

    json_decref(got2);
    ck_case_free(c2);
    ck_buf_free(&line);
    ck_buf_free(&again);
    json_decref(got);
    ck_case_free(c);
    json_decref(want);
}

static void shared_examples_parse(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/examples", CK_SHARED_DIR);
    DIR *d = opendir(dir);
    if (!d) fail_msg("cannot open %s", dir);
    int parsed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        if (n > 14 && strcmp(e->d_name + n - 14, ".expected.json") == 0) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ck_case *c = parse_file_ok(path);
        assert_non_null(c->crn);
        assert_true(c->n_events > 0);
        /* Canonical output of a parsed example parses back to the same JSON. */
        json_t *j1 = ck_bundle_to_json(c, 0);
        char *text = json_dumps(j1, 0);
        ck_case *c2 = parse_ok(text);
        json_t *j2 = ck_bundle_to_json(c2, 0);
        ck_assert_json_equal(j2, j1);
        json_decref(j1);
        json_decref(j2);
        free(text);
        ck_case_free(c2);
        ck_case_free(c);
        parsed++;
    }
    closedir(d);
    assert_int_equal(parsed, 3);
}

/* An obligation written straight into a buffer (the API's worklist) is the
 * text jansson dumps for ck_obligation_to_json: escapes, UTF-8, nulls. */
static void obligation_members_write_as_jansson(void **state)
{
    (void)state;
    const char *subjects[] = {"contact:C2", "q\"b\\s/\n\t\r\b\f\x01\x1f\x7f caf\xc3\xa9 \xe2\x82\xac", ""};
    for (size_t i = 0; i < sizeof subjects / sizeof *subjects; i++) {
        ck_obligation o = {.rule = "ENFORCE", .subject = subjects[i], .due = ck_date_ymd(2025, 1, 31),
                           .met_on = i == 1 ? CK_NODATE : ck_date_ymd(2025, 2, 3), .status = (ck_status)i,
                           .severity = (ck_severity)(i % 3)};
        ck_buf b = CK_BUF_INIT;
        ck_obligation_write_members(&b, &o);
        assert_int_equal(ck_buf_cstr(&b)[0], ','); /* each member after a comma, as documented */
        json_t *j = ck_obligation_to_json(&o);
        char *want = json_dumps(j, JSON_COMPACT);
        char got[1024];
        snprintf(got, sizeof got, "{%s}", ck_buf_cstr(&b) + 1);
        assert_string_equal(got, want);
        free(want);
        json_decref(j);
        ck_buf_free(&b);
    }
}

static void minimal_bundle_writes_canonical(void **state)
{
    (void)state;
    ck_case *c = parse_ok("{\"crn\": \"X1\", \"person\": {}}");
    ck_buf out = CK_BUF_INIT;
    assert_true(ck_bundle_write(c, 0, &out));
    assert_string_equal(ck_buf_cstr(&out),
        "{\"crn\":\"X1\",\"person\":{\"forename\":null,\"surname\":null,\"date_of_birth\":null,"
        "\"gender\":null,\"addresses\":[],\"no_fixed_abode_since\":null,\"offending_history\":null},"
        "\"allocations\":[],\"events\":[],\"contacts\":[],\"enforcement\":[],\"breaches\":[],"
        "\"recalls\":[],\"registrations\":[],\"registration_decisions\":[],\"assessments\":[],"
        "\"checks\":[],\"changes\":[],\"decisions\":[],\"victims\":[]}");
    ck_buf_free(&out);
    ck_case_free(c);
}

static void omitted_keys_write_canonical(void **state)
{
    (void)state;
    /* Optional keys omitted, null lists, empty lists, keys out of order. */
    ck_case *c = parse_ok(
        "{\"person\": {\"gender\": \"F\", \"addresses\": null}, \"crn\": \"Y2\", \"events\": [{\"id\": \"E1\","
        " \"sentence\": {\"date\": \"2025-03-03\", \"type\": \"sso\", \"end_date\": \"2026-03-02\"}}],"
        " \"contacts\": [{\"id\": \"C1\", \"event\": \"E1\", \"date\": \"2025-03-10\", \"type\": \"COAI\"}],"
        " \"victims\": [], \"recalls\": null}");
    assert_int_equal(c->contacts[0].appointment, CK_NULL);
    assert_int_equal(c->events[0].sentence.length_months, CK_NOINT);
    assert_int_equal(c->events[0].sentence.release_date, CK_NODATE);
    ck_buf out = CK_BUF_INIT;
    assert_true(ck_bundle_write(c, 0, &out));
    assert_string_equal(ck_buf_cstr(&out),
        "{\"crn\":\"Y2\",\"person\":{\"forename\":null,\"surname\":null,\"date_of_birth\":null,"
        "\"gender\":\"F\",\"addresses\":[],\"no_fixed_abode_since\":null,\"offending_history\":null},"
        "\"allocations\":[],\"events\":[{\"id\":\"E1\",\"offences\":[],\"sentence\":{\"type\":\"sso\","
        "\"date\":\"2025-03-03\",\"length_months\":null,\"release_date\":null,\"end_date\":\"2026-03-02\","
        "\"pss_end_date\":null,\"terminated_on\":null},\"reports\":[],\"victim_referral_outcome\":null}],"
        "\"contacts\":[{\"id\":\"C1\",\"event\":\"E1\",\"date\":\"2025-03-10\",\"type\":\"COAI\","
        "\"national_standard\":null,\"appointment\":null,\"outcome\":null,\"outcome_on\":null,"
        "\"booked_on\":null}],\"enforcement\":[],\"breaches\":[],\"recalls\":[],\"registrations\":[],"
        "\"registration_decisions\":[],\"assessments\":[],\"checks\":[],\"changes\":[],\"decisions\":[],"
        "\"victims\":[]}");
    ck_buf_free(&out);
    ck_case_free(c);
}

static void team_extension_written_only_when_set(void **state)
{
    (void)state;
    ck_case *c = parse_ok("{\"crn\": \"X1\", \"team\": \"N07T01\", \"person\": {}}");
    assert_string_equal(c->team, "N07T01");
    json_t *j = ck_bundle_to_json(c, 0);
    assert_string_equal(json_string_value(json_object_get(j, "team")), "N07T01");
    /* Descriptor order: team right after crn. */
    const char *first = json_object_iter_key(json_object_iter(j));
    const char *second = json_object_iter_key(json_object_iter_next(j, json_object_iter(j)));
    assert_string_equal(first, "crn");
    assert_string_equal(second, "team");
    json_decref(j);
    ck_case_free(c);

    c = parse_ok("{\"crn\": \"X1\", \"team\": null, \"person\": {}}");
    j = ck_bundle_to_json(c, 0);
    assert_null(json_object_get(j, "team"));
    json_decref(j);
    ck_case_free(c);
}

static void redaction_blanks_only_victim_details(void **state)
{
    (void)state;
    ck_case *c = parse_file_ok(EXAMPLE);
    json_t *plain = ck_bundle_to_json(c, 0);
    json_t *red = ck_bundle_to_json(c, CK_BUNDLE_REDACT_VICTIMS);
    json_t *pv = json_array_get(json_object_get(plain, "victims"), 0);
    json_t *rv = json_array_get(json_object_get(red, "victims"), 0);
    static const char *const sensitive[] = {"name", "address", "phone", "email", "notes"};
    for (size_t i = 0; i < sizeof sensitive / sizeof *sensitive; i++) {
        json_t *v = json_object_get(rv, sensitive[i]);
        assert_non_null(v); /* the key stays: canonical form has every key */
        assert_true(json_is_null(v));
    }
    assert_string_equal(json_string_value(json_object_get(pv, "phone")), "020 7946 0000");
    /* Everything else is untouched. */
    for (size_t i = 0; i < sizeof sensitive / sizeof *sensitive; i++) json_object_del(pv, sensitive[i]);
    for (size_t i = 0; i < sizeof sensitive / sizeof *sensitive; i++) json_object_del(rv, sensitive[i]);
    ck_assert_json_equal(red, plain);

    ck_buf line = CK_BUF_INIT;
    assert_true(ck_bundle_write(c, CK_BUNDLE_REDACT_VICTIMS, &line));
    assert_null(strstr(ck_buf_cstr(&line), "Alex Sample"));
    assert_null(strstr(ck_buf_cstr(&line), "020 7946"));
    assert_null(strstr(ck_buf_cstr(&line), "6pm"));
    assert_non_null(strstr(ck_buf_cstr(&line), "\"scheme\":\"statutory\""));
    ck_buf_free(&line);
    json_decref(plain);
    json_decref(red);
    ck_case_free(c);
}

static void write_stops_at_buffer_cap(void **state)
{
    (void)state;
    ck_case *c = parse_file_ok(EXAMPLE);
    ck_buf small;
    ck_buf_init(&small, 100);
    assert_false(ck_bundle_write(c, 0, &small));
    ck_buf_free(&small);
    ck_case_free(c);
}

/* ---- Bad bundles --------------------------------------------------------------- */

/* Sets (or with value NULL deletes) the member at `path` ("events[0].sentence.type")
 * of the example; an index equal to an array's size appends. */
static void set_path(json_t *root, const char *path, const char *value)
{
    json_t *cur = root;
    ck_str rest = ck_str_c(path);
    while (rest.n) {
        size_t k = strcspn(rest.p, ".[");
        if (k > rest.n) k = rest.n;
        bool is_index = rest.p[0] == '[';
        char key[128];
        size_t idx = 0;
        if (is_index) {
            idx = strtoul(rest.p + 1, NULL, 10);
            k = (size_t)(strchr(rest.p, ']') - rest.p) + 1;
        } else {
            snprintf(key, sizeof key, "%.*s", (int)k, rest.p);
        }
        rest = ck_str_make(rest.p + k, rest.n - k);
        if (rest.n && rest.p[0] == '.') rest = ck_str_make(rest.p + 1, rest.n - 1);
        if (rest.n == 0) {
            json_t *v = NULL;
            if (value) {
                json_error_t e;
                v = json_loads(value, JSON_DECODE_ANY, &e);
                if (!v) fail_msg("bad test value %s: %s", value, e.text);
            }
            if (is_index && !v) json_array_remove(cur, idx);
            else if (is_index && idx == json_array_size(cur)) json_array_append_new(cur, v);
            else if (is_index) json_array_set_new(cur, idx, v);
            else if (!v) json_object_del(cur, key);
            else json_object_set_new(cur, key, v);
            return;
        }
        cur = is_index ? json_array_get(cur, idx) : json_object_get(cur, key);
        if (!cur) fail_msg("test path %s does not exist in the example", path);
    }
}

typedef struct bad_case {
    const char *path;  /* member of the example to change; NULL: `value` is the whole text */
    const char *value; /* JSON text of the new value; NULL deletes the member */
    const char *error; /* exact message */
} bad_case;

static const bad_case bad_cases[] = {
    {"events[0].sentence.type", "\"custodial\"",
     "events[0].sentence.type: \"custodial\" is not one of community_order, sso, custody, hospital_order"},
    {"contacts[2].date", "20250101", "contacts[2].date: expected a date YYYY-MM-DD, got 20250101"},
    {"events[0].sentence.date", NULL, "events[0].sentence.date: required"},
    {"events[0].id", "null", "events[0].id: required, got null"},
    {"checks[0].requested", "\"2025-02-30\"",
     "checks[0].requested: expected a date YYYY-MM-DD, got \"2025-02-30\" (no such day)"},
    {"checks[0].received", "\"2025-2-5\"", "checks[0].received: expected a date YYYY-MM-DD, got \"2025-2-5\""},
    {"changes[0].date", "\"05/10/2025\"", "changes[0].date: expected a date YYYY-MM-DD, got \"05/10/2025\""},
    {"events[0].sentenc", "{}",
     "events[0].sentenc: unknown key; expected one of id, offences, sentence, reports, victim_referral_outcome, "
     "requirements, licence_conditions"},
    {"person.offending_history.total", "3",
     "person.offending_history.total: unknown key; expected one of total_sanctions, age_at_first_sanction"},
    {"person.first name", "\"Sam\"",
     "person[\"first name\"]: unknown key; expected one of forename, surname, date_of_birth, gender, "
     "addresses, no_fixed_abode_since, offending_history, phone, email, pronouns, preferred_language, "
     "interpreter_required, aliases, disabilities, consent"},
    /* Consent to reminders (docs/formats.md "Extension: consent to reminders"). */
    {"person.consent", "{\"mobile\": \"07700 900123\", \"language\": \"english\"}", "person.consent.given_on: required"},
    {"person.consent", "{\"mobile\": \"07700 900123\", \"language\": \"polish\", \"given_on\": \"2025-01-10\"}",
     "person.consent.language: \"polish\" is not one of english, welsh"},
    {"person.consent", "{\"language\": \"english\", \"given_on\": \"2025-01-10\"}",
     "person.consent.mobile: a mobile number or an email address is required for reminders"},
    {"person.consent", "{\"mobile\": \"0207 946 0000\", \"language\": \"english\", \"given_on\": \"2025-01-10\"}",
     "person.consent.mobile: expected a UK mobile number, like 07700 900 982 or +44 7700 900982"},
    {"person.consent", "{\"email\": \"sam@example\", \"language\": \"english\", \"given_on\": \"2025-01-10\"}",
     "person.consent.email: expected an email address, like name@example.com"},
    {"person.consent", "{\"email\": \"sam@example.com\", \"language\": \"english\", \"given_on\": \"2025-01-10\", "
     "\"withdrawn_on\": \"2025-01-09\"}",
     "person.consent.withdrawn_on: expected a date on or after the date consent was given"},
    {"person.consent", "{\"mobile\": \"07700 90012\", \"language\": \"english\", \"given_on\": \"2025-01-10\"}",
     "person.consent.mobile: expected a UK mobile number, like 07700 900 982 or +44 7700 900982"},
    {"person.consent", "{\"mobile\": \"+44 7700 900123\", \"language\": \"english\", \"given_on\": \"2025-01-10\"}", NULL},
    /* The person on probation's own details (docs/formats.md "Extensions"). */
    {"person.phone", "7700900123", "person.phone: expected a string, got 7700900123"},
    {"person.email", "[\"a@example.com\"]", "person.email: expected a string, got an array"},
    {"person.interpreter_required", "\"yes\"", "person.interpreter_required: expected true or false, got \"yes\""},
    {"person.aliases", "\"Sammy\"", "person.aliases: expected an array, got \"Sammy\""},
    {"person.aliases", "[{\"forename\": \"Sammy\"}]", "person.aliases[0].surname: required"},
    {"person.disabilities", "[{\"kind\": \"Dyslexia\", \"adjustment\": \"large print\"}]",
     "person.disabilities[0].adjustment: unknown key; expected one of kind, adjustments"},
    {"person.disabilities", "[{\"kind\": \"Dyslexia\", \"adjustments\": 3}]",
     "person.disabilities[0].adjustments: expected a string, got 3"},
    {"person.addresses[0].postcode", "2", "person.addresses[0].postcode: expected a string, got 2"},
    {"person.addresses[0].line1", "\"1 Quill Street\"", NULL},
    {"changes[0].household", "[{\"name\": \"Jo\", \"relationship\": \"girlfriend\"}]",
     "changes[0].household[0].relationship: \"girlfriend\" is not one of partner, spouse, child, stepchild, parent, "
     "sibling, relative, friend, lodger, other"},
    {"changes[0].household", "[{\"relationship\": \"partner\"}]", "changes[0].household[0].name: required"},
    {"changes[0].household", "[{\"name\": \"Jo\", \"relationship\": \"child\", \"child\": \"yes\"}]",
     "changes[0].household[0].child: expected true or false, got \"yes\""},
    {"changes[0].lives_alone", "1", "changes[0].lives_alone: expected true or false, got 1"},
    {"changes[0]", "{\"id\": \"CH1\", \"date\": \"2025-10-02\", \"kind\": \"relationship\", \"lives_alone\": true, "
     "\"household\": [{\"name\": \"Jo\", \"relationship\": \"partner\"}]}",
     "changes[0].lives_alone: true with 1 household member; expected false or null when anyone lives with them"},
    {"changes[0]", "{\"id\": \"CH1\", \"date\": \"2025-10-02\", \"kind\": \"arrest\", "
     "\"household\": [{\"name\": \"Jo\", \"relationship\": \"partner\"}]}",
     "changes[0].household: household members apply only to kind address, household or relationship; expected no "
     "household"},
    {"changes[0]", "{\"id\": \"CH1\", \"date\": \"2025-10-02\", \"kind\": \"charge\", \"lives_alone\": true}",
     "changes[0].lives_alone: lives_alone applies only to kind address, household or relationship; expected false or "
     "null"},
    {"changes[0]", "{\"id\": \"CH1\", \"date\": \"2025-10-02\", \"kind\": \"address\", \"lives_alone\": true}", NULL},
    {"changes[0]", "{\"id\": \"CH1\", \"date\": \"2025-10-02\", \"kind\": \"household\", \"lives_alone\": true}", NULL},
    {"contacts[1].id", "\"C1\"", "contacts[1].id: \"C1\" is already the id of contacts[0]; ids must be unique"},
    {"events[1]", "{\"id\": \"E2\", \"reports\": [{\"id\": \"R1\", \"type\": \"oral\", \"requested\": \"2025-01-02\"}]}",
     "events[1].reports[0].id: \"R1\" is already the id of a report of event E1"},
    {"contacts[0].event", "\"E9\"", "contacts[0].event: \"E9\" is not the id of an event in this case"},
    {"enforcement[0].contact", "\"C9\"", "enforcement[0].contact: \"C9\" is not the id of a contact in this case"},
    {"checks[1].report", "\"R2\"", "checks[1].report: \"R2\" is not the id of a report in this case"},
    {"victims[0].event", "\"E2\"", "victims[0].event: \"E2\" is not the id of an event in this case"},
    {"events[0].sentence", "{\"type\": \"community_order\", \"date\": \"2025-01-06\"}",
     "events[0].sentence.end_date: a date (YYYY-MM-DD) is required for a community_order"},
    {"events[0].sentence.length_months", NULL,
     "events[0].sentence.length_months: a number of months is required for custody"},
    {"events[0].sentence.length_months", "-1",
     "events[0].sentence.length_months: expected a number of months of 0 or more"},
    {"assessments[0].level", "null",
     "assessments[0].level: a level (low, medium, high, very_high) is required for a completed rosh"},
    {"assessments[1].level", "\"low\"", "assessments[1].level: a level applies only to kind rosh; expected null"},
    {"enforcement[0].action", "\"no_further_action\"",
     "enforcement[0].reason: a reason is required for no_further_action"},
    {"person.offending_history.total_sanctions", "\"4\"",
     "person.offending_history.total_sanctions: expected an integer, got \"4\""},
    {"events[0].sentence.length_months", "18.5", "events[0].sentence.length_months: expected an integer, got 18.5"},
    {"events[0].sentence.length_months", "3000000000",
     "events[0].sentence.length_months: expected an integer from -2147483647 to 2147483647, got 3000000000"},
    /* INT32_MIN is the model's "absent" (CK_NOINT): as a value it must be
     * refused, not read as a missing length (or, where optional, dropped). */
    {"events[0].sentence.length_months", "-2147483648",
     "events[0].sentence.length_months: expected an integer from -2147483647 to 2147483647, got -2147483648"},
    {"person.offending_history.total_sanctions", "-2147483648",
     "person.offending_history.total_sanctions: expected an integer from -2147483647 to 2147483647, got -2147483648"},
    {"person.offending_history.age_at_first_sanction", "2147483648",
     "person.offending_history.age_at_first_sanction: expected an integer from -2147483647 to 2147483647, got "
     "2147483648"},
    /* Controls at the ends of the range ("0 or more" months). */
    {"events[0].sentence.length_months", "2147483647", NULL},
    {"events[0].sentence.length_months", "0", NULL},
    {"person.offending_history.total_sanctions", "-2147483647", NULL},
    {"contacts[0].national_standard", "\"yes\"", "contacts[0].national_standard: expected true or false, got \"yes\""},
    {"contacts[0].appointment", "1", "contacts[0].appointment: expected true or false, got 1"},
    {"crn", "123456", "crn: expected a string, got 123456"},
    {"crn", NULL, "crn: required"},
    {"crn", "\"x-1\"", "crn: expected 1 to 16 capital letters and digits (e.g. X123456)"},
    {"crn", "\"ABCDEFGHIJ1234567\"", "crn: expected 1 to 16 capital letters and digits (e.g. X123456)"},
    {"crn", "\"ABCDEFGHIJ123456\"", NULL},
    /* A level is required only for a completed rosh. */
    {"assessments[0].completed", "null", NULL},
    {"assessments[0]", "{\"id\": \"AS1\", \"kind\": \"rosh\"}", NULL},
    {"person", NULL, "person: required"},
    {"person", "[]", "person: expected an object, got an array"},
    {"person.gender", "\"male\"", "person.gender: \"male\" is not one of M, F, X, U"},
    {"events[0].offences[0].category", "\"assault\"",
     "events[0].offences[0].category: \"assault\" is not one of violence, robbery, sexual_child, "
     "sexual_adult, drug_import, drug_possession_supply, burglary_domestic, burglary_other, theft, "
     "theft_from_vehicle, taking_vehicle, handling, fraud, criminal_damage, public_order, drink_driving, "
     "other_motoring, absconding_bail, soliciting, other, terrorism"},
    {"events[0].reports[0].type", "\"full\"", "events[0].reports[0].type: \"full\" is not one of oral, fast, standard"},
    {"contacts[1].outcome", "\"ATTX\"",
     "contacts[1].outcome: \"ATTX\" is not one of ATTC, AFTC, ATSH, ATSS, AFDA, AFTA, UAAB, ABNS, ATFI, "
     "UBHV, AAAA, AACL, AAEM, AAFC, AAHO, AAME, AARC, AARE, AASD, CO05, CO10, RSOF, RSSR, CO40, TCLN, "
     "TDRT, TRFS, TADM"},
    {"registrations[0].level", "\"M4\"", "registrations[0].level: \"M4\" is not one of M1, M2, M3"},
    {"registrations[0].reviews[0].date", NULL, "registrations[0].reviews[0].date: required"},
    {"registration_decisions[0].type", "\"MAPPA\"", "registration_decisions[0].type: \"MAPPA\" is not one of NOTMAPPA"},
    {"victims[0].scheme", "\"voluntary\"", "victims[0].scheme: \"voluntary\" is not one of statutory, non_statutory, vns"},
    {"victims[0].opted", "true", "victims[0].opted: expected one of in, out, got true"},
    {"events[0].victim_referral_outcome", "{\"date\": \"2025-01-10\", \"outcome\": \"declined\"}",
     "events[0].victim_referral_outcome.outcome: \"declined\" is not one of no_identifiable_victim, declined_at_referral"},
    {"decisions[0].rule", "\"DA_FLAG\"",
     "decisions[0].rule: \"DA_FLAG\" is not one of ALLOCATE, INDUCTION, CONTACT, NEXT_APPOINTMENT, OUTCOME, "
     "ADDRESS, TERMINATE, REVIEW_APPOINTMENT, ENFORCE, BREACH_PACK, RECALL_DECISION, ROSH_INITIAL, "
     "ROSH_REVIEW, ROSH_CHANGE, SENTENCE_PLAN, OVERSIGHT, DA_CHECK, CHILD_CHECK, DA_FLAG_DECISION, "
     "REG_REVIEW, MAPPA_IDENTIFY, VCS_REFERRAL, VCS_FIRST_CONTACT, VCS_FLAG, VCS_REPRESENTATIONS, "
     "VCS_RELEASE_NOTICE, VCS_RECALL_NOTICE, VCS_NONSTATUTORY, REPORT_DUE"},
    {"decisions[0].subject", "\"person:1\"",
     "decisions[0].subject: \"person:1\" is not a subject; expected \"case\" or KIND:ID with KIND one of "
     "event, contact, victim, registration, report, change, check, breach, assessment, allocation, recall, "
     "enforcement"},
    {"person.addresses[1]", "{\"id\": \"A1\", \"from\": \"2023-01-01\", \"kind\": \"main\"}",
     "person.addresses[1].id: \"A1\" is already the id of person.addresses[0]; ids must be unique"},
    {"allocations[0].staff_code", "\"\"", "allocations[0].staff_code: expected a non-empty string, got \"\""},
    {"contacts", "{}", "contacts: expected an array, got an object"},
    {"contacts[0]", "\"C1\"", "contacts[0]: expected an object, got \"C1\""},
    {"breaches[0]", "{\"id\": \"B1\", \"event\": \"E1\"}", "breaches[0].initiated: required"},
    {"recalls[0]", "{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2025-13-01\"}",
     "recalls[0].date: expected a date YYYY-MM-DD, got \"2025-13-01\" (no such day)"},
    /* v3: a recall lies within its event's licence as sentenced (2025-09-05..2026-07-05). */
    {"recalls", "[{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2026-07-06\"}]",
     "recalls[0].date: 2026-07-06 is not within the licence as sentenced of event E1 (outside 2025-09-05..2026-07-05)"},
    {"recalls", "[{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2025-09-04\"}]",
     "recalls[0].date: 2025-09-04 is not within the licence as sentenced of event E1 (outside 2025-09-05..2026-07-05)"},
    {"recalls", "[{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2025-09-05\"}]", NULL},
    {"recalls", "[{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2026-07-05\"}]", NULL},
    {"events[0].sentence.type", "\"community_order\"",
     NULL /* the example has no recall, so a community order is fine */},
    /* Only a custody licence can be recalled, whatever dates another sentence carries. */
    {NULL,
     "{\"crn\": \"X1\", \"person\": {}, \"events\": [{\"id\": \"E1\", \"sentence\": {\"type\": \"community_order\", "
     "\"date\": \"2025-01-06\", \"release_date\": \"2025-03-03\", \"end_date\": \"2026-01-05\"}}], "
     "\"recalls\": [{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2025-04-01\"}]}",
     "recalls[0].date: 2025-04-01 is not within a licence: event E1 is not a custody sentence with a release date and "
     "an end date, and only a licence can be recalled"},
    {"changes[0].kind", "\"job\"",
     "changes[0].kind: \"job\" is not one of address, relationship, household, arrest, charge, conviction, mappa_level"},
    {"team", "7", "team: expected a string, got 7"},
    {"changes[0].note", "\"a very long note that goes on and on and on and on and on\"", NULL},
    {"favourite_colour", "\"blue\"",
     "favourite_colour: unknown key; expected one of crn, team, person, allocations, events, contacts, "
     "enforcement, breaches, recalls, registrations, registration_decisions, assessments, checks, changes, "
     "decisions, victims"},
    {"person.date_of_birth", "\"a date of birth that is far too long to quote back whole\"",
     "person.date_of_birth: expected a date YYYY-MM-DD, got \"a date of birth that is far too long to ...\""},
    /* Whole texts. */
    {NULL, "[]", "expected a JSON object (one case bundle), got an array"},
    {NULL, "{\"crn\": \"X1\",\n \"crn\": \"X2\", \"person\": {}}",
     "line 2 column 6: duplicate object key near '\"crn\"'"},
    {NULL, "{\"crn\": \"X1\", \"person\": {\"gender\": \"M\", \"gender\": \"F\"}}",
     "line 1 column 48: duplicate object key near '\"gender\"'"},
    {NULL, "{\"crn\": \"X1\",\n \"person\": {}", "line 2 column 13: '}' expected near end of file"},
    {NULL, "", "line 1 column 0: '[' or '{' expected near end of file"},
    {NULL, "{\"crn\": \"X1\", \"person\": {}} {}", "line 1 column 29: end of file expected near '{'"},
};

static void bad_bundles_name_the_path(void **state)
{
    (void)state;
    size_t n = sizeof bad_cases / sizeof *bad_cases;
    assert_true(n >= 30);
    int wrong = 0; /* every case is tried, so one run shows every mismatch */
    for (size_t i = 0; i < n; i++) {
        const bad_case *b = &bad_cases[i];
        char *text;
        if (b->path) {
            json_t *j = load_json(EXAMPLE);
            set_path(j, b->path, b->value);
            text = json_dumps(j, JSON_INDENT(2));
            json_decref(j);
        } else {
            text = strdup(b->value);
        }
        char err[2048] = "";
        ck_case *c = ck_bundle_parse(text, strlen(text), err, sizeof err);
        if (!b->error && !c) {
            /* Controls: a change that is still valid must parse. */
            print_error("case %zu (%s): unexpected error %s\n", i, b->path, err);
            wrong++;
        } else if (b->error && (c || strcmp(err, b->error) != 0)) {
            print_error("case %zu (%s):\n got:  %s\n want: %s\n", i, b->path ? b->path : b->value,
                        c ? "(parsed)" : err, b->error);
            wrong++;
        }
        ck_case_free(c);
        free(text);
    }
    assert_int_equal(wrong, 0);
}

static void over_long_string_is_refused(void **state)
{
    (void)state;
    json_t *j = load_json(EXAMPLE);
    char *note = malloc(CK_BUNDLE_MAX_STRING + 2);
    memset(note, 'x', CK_BUNDLE_MAX_STRING + 1);
    note[CK_BUNDLE_MAX_STRING + 1] = '\0';
    json_t *change = json_array_get(json_object_get(j, "changes"), 0);
    json_object_set_new(change, "note", json_string(note));
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    assert_null(c);
    assert_string_equal(err, "changes[0].note: expected a string of at most 10000 bytes, got 10001 bytes");

    /* Exactly at the limit is fine. */
    note[CK_BUNDLE_MAX_STRING] = '\0';
    json_object_set_new(change, "note", json_string(note));
    c = ck_bundle_from_json(j, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(strlen(c->changes[0].note), CK_BUNDLE_MAX_STRING);
    ck_case_free(c);
    free(note);
    json_decref(j);
}

static void over_long_list_is_refused(void **state)
{
    (void)state;
    json_t *j = load_json(EXAMPLE);
    json_t *many = json_array();
    for (int i = 0; i <= CK_BUNDLE_MAX_LIST; i++) json_array_append_new(many, json_object());
    json_object_set_new(j, "contacts", many);
    char err[1024];
    assert_null(ck_bundle_from_json(j, err, sizeof err));
    assert_string_equal(err, "contacts: expected at most 100000 records, got 100001");
    json_decref(j);
}

static void error_buffer_may_be_small(void **state)
{
    (void)state;
    char err[8];
    assert_null(ck_bundle_parse("{\"crn\": 1, \"person\": {}}", 24, err, sizeof err));
    assert_string_equal(err, "crn: ex");
    assert_null(ck_bundle_parse("[]", 2, NULL, 0));
}

/* ---- Single records -------------------------------------------------------------- */

static json_t *obj(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j) fail_msg("bad test JSON: %s", e.text);
    return j;
}

/* Parses (or patches) one record of `kind` from `text`, with the kind's name
 * as the path; returns the message, "" on success. */
static const char *apply(const char *text, const ck_entity *kind, void *rec, ck_arena *arena, bool patch)
{
    static char err[2048];
    json_t *in = obj(text);
    bool ok = patch ? ck_bundle_patch_record(in, kind, rec, arena, kind->name, err, sizeof err)
                    : ck_bundle_parse_record(in, kind, rec, arena, kind->name, err, sizeof err);
    json_decref(in);
    return ok ? "" : err;
}

static void assert_record_json(const void *rec, const ck_entity *kind, unsigned flags, const char *want_text)
{
    json_t *got = ck_bundle_record_to_json(rec, kind, flags), *want = obj(want_text);
    ck_assert_json_equal(got, want);
    json_decref(got);
    json_decref(want);
}

static void record_parse_and_write(void **state)
{
    (void)state;
    ck_arena arena;
    ck_arena_init(&arena);
    ck_contact ct;
    assert_string_equal(apply("{\"id\": \"C9\", \"event\": \"E1\", \"date\": \"2025-10-10\", \"type\": \"COAP\","
                              " \"appointment\": true, \"outcome\": \"ATTC\"}", &ck_entity_contact, &ct, &arena, false), "");
    assert_string_equal(ct.id, "C9");
    assert_int_equal(ct.date, ck_date_ymd(2025, 10, 10));
    assert_int_equal(ct.appointment, 1);
    assert_int_equal(ct.national_standard, CK_NULL);
    assert_int_equal(ct.booked_on, CK_NODATE);
    assert_record_json(&ct, &ck_entity_contact, 0,
                       "{\"id\": \"C9\", \"event\": \"E1\", \"date\": \"2025-10-10\", \"type\": \"COAP\","
                       " \"national_standard\": null, \"appointment\": true, \"outcome\": \"ATTC\","
                       " \"outcome_on\": null, \"booked_on\": null}");

    assert_string_equal(apply("{\"id\": \"C9\", \"event\": \"E1\", \"type\": \"COAP\"}", &ck_entity_contact, &ct, &arena, false),
                        "contact.date: required");
    assert_string_equal(apply("[1]", &ck_entity_contact, &ct, &arena, false),
                        "contact: expected an object, got an array");
    ck_enforcement en;
    assert_string_equal(apply("{\"id\": \"EN2\", \"event\": \"E1\", \"date\": \"2025-10-10\","
                              " \"action\": \"no_further_action\", \"reason\": \"  \"}", &ck_entity_enforcement, &en, &arena, false),
                        "enforcement.reason: a reason is required for no_further_action");

    /* The victim record alone, redacted. */
    ck_victim v;
    assert_string_equal(apply("{\"id\": \"V1\", \"event\": \"E1\", \"name\": \"A Person\", \"phone\": \"0\"}",
                              &ck_entity_victim, &v, &arena, false), "");
    assert_record_json(&v, &ck_entity_victim, CK_BUNDLE_REDACT_VICTIMS,
                       "{\"id\": \"V1\", \"event\": \"E1\", \"referred\": null, \"first_contact\": null, \"scheme\": null,"
                       " \"opted\": null, \"opted_on\": null, \"representations\": null, \"release_notified\": null,"
                       " \"recall_notified\": null, \"name\": null, \"address\": null, \"phone\": null, \"email\": null,"
                       " \"notes\": null}");
    assert_string_equal(v.name, "A Person"); /* redaction is of the output, not the record */
    ck_arena_free(&arena);
}

static void record_patch(void **state)
{
    (void)state;
    ck_arena arena;
    ck_arena_init(&arena);
    ck_contact ct;
    assert_string_equal(apply("{\"id\": \"C9\", \"event\": \"E1\", \"date\": \"2025-10-10\", \"type\": \"COAP\","
                              " \"appointment\": true, \"booked_on\": \"2025-10-01\"}", &ck_entity_contact, &ct, &arena, false), "");

    /* Present keys change, null clears, absent keys stay. */
    assert_string_equal(apply("{\"outcome\": \"UAAB\", \"outcome_on\": \"2025-10-10\", \"booked_on\": null}",
                              &ck_entity_contact, &ct, &arena, true), "");
    const char *patched = "{\"id\": \"C9\", \"event\": \"E1\", \"date\": \"2025-10-10\", \"type\": \"COAP\","
                          " \"national_standard\": null, \"appointment\": true, \"outcome\": \"UAAB\","
                          " \"outcome_on\": \"2025-10-10\", \"booked_on\": null}";
    assert_record_json(&ct, &ck_entity_contact, 0, patched);

    /* A bad patch leaves the record as it was, even for the keys before the bad one. */
    assert_string_equal(apply("{\"type\": \"COAI\", \"outcome\": \"NOPE\"}", &ck_entity_contact, &ct, &arena, true),
                        "contact.outcome: \"NOPE\" is not one of ATTC, AFTC, ATSH, ATSS, AFDA, AFTA, UAAB, "
                        "ABNS, ATFI, UBHV, AAAA, AACL, AAEM, AAFC, AAHO, AAME, AARC, AARE, AASD, CO05, "
                        "CO10, RSOF, RSSR, CO40, TCLN, TDRT, TRFS, TADM");
    assert_record_json(&ct, &ck_entity_contact, 0, patched);
    assert_string_equal(apply("{\"date\": null}", &ck_entity_contact, &ct, &arena, true),
                        "contact.date: required, got null");
    assert_string_equal(apply("{\"dat\": \"2025-10-11\"}", &ck_entity_contact, &ct, &arena, true),
                        "contact.dat: unknown key; expected one of id, event, date, type, national_standard, "
                        "appointment, outcome, outcome_on, booked_on, notes, sensitive, recorded_by, hours, start_time, "
                        "end_time, officer, location, cancelled, change_reason, rescheduled_to, sequence");
    assert_record_json(&ct, &ck_entity_contact, 0, patched);

    /* The record's own check runs on the patched whole. */
    ck_enforcement en;
    assert_string_equal(apply("{\"id\": \"EN1\", \"event\": \"E1\", \"date\": \"2025-10-10\", \"action\": \"first_warning\"}",
                              &ck_entity_enforcement, &en, &arena, false), "");
    assert_string_equal(apply("{\"action\": \"no_further_action\"}", &ck_entity_enforcement, &en, &arena, true),
                        "enforcement.reason: a reason is required for no_further_action");
    assert_string_equal(en.action, "first_warning");
    assert_string_equal(apply("{\"action\": \"no_further_action\", \"reason\": \"Hospital letter seen\"}",
                              &ck_entity_enforcement, &en, &arena, true), "");
    assert_string_equal(en.action, "no_further_action");
    assert_string_equal(en.reason, "Hospital letter seen");

    /* A nested object is replaced whole. */
    ck_event ev;
    assert_string_equal(apply("{\"id\": \"E1\", \"sentence\": {\"type\": \"custody\", \"date\": \"2025-01-06\","
                              " \"length_months\": 18, \"end_date\": \"2026-07-05\"}}", &ck_entity_event, &ev, &arena, false), "");
    assert_string_equal(apply("{\"sentence\": {\"type\": \"hospital_order\", \"date\": \"2025-02-01\"}}",
                              &ck_entity_event, &ev, &arena, true), "");
    assert_string_equal(ev.sentence.type, "hospital_order");
    assert_int_equal(ev.sentence.length_months, CK_NOINT);
    assert_int_equal(ev.sentence.end_date, CK_NODATE);
    assert_string_equal(apply("{\"sentence\": null}", &ck_entity_event, &ev, &arena, true), "");
    assert_false(ev.has_sentence);
    ck_arena_free(&arena);
}

static void patch_of_a_whole_case_keeps_its_arena(void **state)
{
    (void)state;
    ck_case *c = parse_file_ok(EXAMPLE);
    assert_string_equal(apply("{\"team\": \"N07T02\", \"contacts\": []}", &ck_entity_case, c, &c->arena, true), "");
    assert_string_equal(c->team, "N07T02");
    assert_int_equal(c->n_contacts, 0);
    assert_string_equal(c->crn, "X123456");
    ck_case_free(c); /* ASan: the team string allocated during the patch is freed with the arena */
}

/* ---- Parsing in jansson's arena (casekeeper import) ----------------------------- */

static void *parse_in_thread(void *state)
{
    example_round_trips_equal(state);
    bad_bundles_name_the_path(state);
    return NULL;
}

/* With the arena installed, as the import does: the same cases and the
 * same messages (which show values through json_dumps, freed from the
 * arena) on the main thread and on a thread that exits after. */
static void parses_alike_in_the_arena(void **state)
{
    ck_json_arena_install();
    example_round_trips_equal(state);
    bad_bundles_name_the_path(state);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, parse_in_thread, state), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_round_trips_equal),
        cmocka_unit_test(person_details_round_trip),
        cmocka_unit_test(shared_examples_parse),
        cmocka_unit_test(obligation_members_write_as_jansson),
        cmocka_unit_test(minimal_bundle_writes_canonical),
        cmocka_unit_test(omitted_keys_write_canonical),
        cmocka_unit_test(team_extension_written_only_when_set),
        cmocka_unit_test(redaction_blanks_only_victim_details),
        cmocka_unit_test(write_stops_at_buffer_cap),
        cmocka_unit_test(bad_bundles_name_the_path),
        cmocka_unit_test(over_long_string_is_refused),
        cmocka_unit_test(over_long_list_is_refused),
        cmocka_unit_test(error_buffer_may_be_small),
        cmocka_unit_test(uk_mobile_numbers),
        cmocka_unit_test(record_parse_and_write),
        cmocka_unit_test(record_patch),
        cmocka_unit_test(patch_of_a_whole_case_keeps_its_arena),
        cmocka_unit_test(parses_alike_in_the_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
