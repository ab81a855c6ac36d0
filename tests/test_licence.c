/* Licence conditions (issue 19, point 3): the bundle's rules on
 * events[].licence_conditions and victims[].conditions_told, each refusal
 * naming its field; the round trip through the bundle and the store on
 * SQLite and PostgreSQL; and the segregation of victims' details: a
 * non-contact condition names its victim by id only, and the victim's name
 * reaches victim liaison staff alone, whoever wrote the condition. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_security.h"
#include "ck_cases.h"
#include "ck_licence.h"

static ck_date as_of(void) { return ck_date_ymd(2025, 11, 3); }

/* Conditions of the example's custody event E1 (victim V1 is E1's). */
#define CONDITIONS                                                                                                  \
    "[{\"id\":\"L1\",\"type\":\"standard\",\"start\":\"2025-09-05\",\"end\":null,\"victim_related\":null,"         \
    "\"victim_id\":null,\"detail\":null},"                                                                         \
    "{\"id\":\"L2\",\"type\":\"non_contact\",\"start\":\"2025-09-05\",\"end\":null,\"victim_related\":true,"       \
    "\"victim_id\":\"V1\",\"detail\":null},"                                                                       \
    "{\"id\":\"L3\",\"type\":\"exclusion_zone\",\"start\":\"2025-09-05\",\"end\":\"2026-03-05\","                   \
    "\"victim_related\":true,\"victim_id\":null,\"detail\":\"The area of Leeds inside the ring road\"},"           \
    "{\"id\":\"L4\",\"type\":\"curfew\",\"start\":\"2025-09-05\",\"end\":null,\"victim_related\":false,"           \
    "\"victim_id\":null,\"detail\":\"7pm to 7am\"}]"
#define TOLD "[{\"condition\":\"L2\",\"date\":\"2025-09-01\",\"how\":\"phone\",\"told_by\":\"N07V001\"}]"

static json_t *example(void)
{
    json_error_t je;
    json_t *j = json_load_file(SEC_EXAMPLE, 0, &je);
    if (!j) fail_msg("%s: %s", SEC_EXAMPLE, je.text);
    return j;
}

static json_t *json_of(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
    if (!v) fail_msg("bad test JSON %s: %s", text, je.text);
    return v;
}

/* The example with CONDITIONS on E1 and TOLD on V1. New reference. */
static json_t *with_conditions(void)
{
    json_t *j = example();
    json_object_set_new(json_array_get(json_object_get(j, "events"), 0), "licence_conditions", json_of(CONDITIONS));
    json_object_set_new(json_array_get(json_object_get(j, "victims"), 0), "conditions_told", json_of(TOLD));
    return j;
}

/* ---- The bundle's rules ------------------------------------------------------------- */

typedef struct bad {
    const char *cond, *key; /* on condition `cond` (L1..L4; NULL: the told record), set key to value */
    const char *value;      /* JSON; NULL deletes */
    const char *error;      /* exact message; NULL: still valid (a control) */
} bad;

static const bad bads[] = {
    {"L4", "type", "\"house_arrest\"",
     "events[0].licence_conditions[3].type: \"house_arrest\" is not one of standard, non_contact, exclusion_zone, "
     "approved_premises, curfew, electronic_monitoring, drug_testing, polygraph, disclose_relationships"},
    {"L4", "start", NULL, "events[0].licence_conditions[3].start: required"},
    {"L4", "start", "\"5 9 2025\"", "events[0].licence_conditions[3].start: expected a date YYYY-MM-DD, got \"5 9 2025\""},
    {"L3", "end", "\"2025-09-04\"",
     "events[0].licence_conditions[2].end: 2025-09-04 is before start 2025-09-05; expected on or after start"},
    {"L1", "victim_related", "true",
     "events[0].licence_conditions[0].victim_related: type standard is not victim-related; expected false or null"},
    {"L4", "victim_id", "\"V1\"",
     "events[0].licence_conditions[3].victim_id: only a non_contact condition names a victim; expected no victim_id "
     "on curfew"},
    {"L2", "victim_related", "false",
     "events[0].licence_conditions[1].victim_related: a condition that names a victim is victim-related; expected "
     "victim_related true"},
    {"L2", "victim_id", NULL,
     "events[0].licence_conditions[1].detail: type non_contact needs the person not to contact; expected detail "
     "(or victim_id for a victim of the case)"},
    {"L3", "detail", "\"\"",
     "events[0].licence_conditions[2].detail: type exclusion_zone needs the exclusion zone; expected detail"},
    {"L2", "victim_id", "\"V9\"",
     "events[0].licence_conditions[1].victim_id: \"V9\" is not the id of a victim of event E1 in this case"},
    {"L4", "id", "\"L1\"",
     "events[0].licence_conditions[3].id: \"L1\" is already the id of a licence condition of event E1; ids must be "
     "unique"},
    {"L4", "colour", "\"red\"",
     "events[0].licence_conditions[3].colour: unknown key; expected one of id, type, start, end, victim_related, "
     "victim_id, detail"},
    {NULL, "condition", "\"L9\"",
     "victims[0].conditions_told[0].condition: \"L9\" is not the id of a licence condition in this case"},
    {NULL, "how", "\"pigeon\"", "victims[0].conditions_told[0].how: \"pigeon\" is not one of letter, phone, meeting, email"},
    {NULL, "date", NULL, "victims[0].conditions_told[0].date: required"},
    /* Controls: still valid. */
    {"L2", "detail", "\"Not to contact the victim directly or through others\"", NULL},
    {"L4", "end", "\"2025-09-05\"", NULL},
    {NULL, "told_by", NULL, NULL},
};

static json_t *condition_json(json_t *j, const char *id)
{
    json_t *list = json_object_get(json_array_get(json_object_get(j, "events"), 0), "licence_conditions"), *lc;
    size_t i;
    json_array_foreach(list, i, lc) if (strcmp(json_string_value(json_object_get(lc, "id")), id) == 0) return lc;
    fail_msg("no condition %s", id);
    return NULL;
}

static void test_rules_name_the_field(void **state)
{
    (void)state;
    int wrong = 0;
    for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
        const bad *b = &bads[i];
        json_t *j = with_conditions();
        json_t *rec = b->cond ? condition_json(j, b->cond)
                              : json_array_get(json_object_get(json_array_get(json_object_get(j, "victims"), 0),
                                                               "conditions_told"), 0);
        if (b->value) json_object_set_new(rec, b->key, json_of(b->value));
        else json_object_del(rec, b->key);
        char *text = json_dumps(j, 0);
        json_decref(j);
        char err[1024] = "";
        ck_case *c = ck_bundle_parse(text, strlen(text), err, sizeof err);
        free(text);
        if (!b->error && !c) {
            print_error("case %zu: unexpected error %s\n", i, err);
            wrong++;
        } else if (b->error && (c || strcmp(err, b->error) != 0)) {
            print_error("case %zu:\n got:  %s\n want: %s\n", i, c ? "(parsed)" : err, b->error);
            wrong++;
        }
        ck_case_free(c);
    }
    assert_int_equal(wrong, 0);
}

/* Conditions belong to a licence: not on a community order. */
static void test_custody_only(void **state)
{
    (void)state;
    json_t *j = with_conditions();
    json_t *s = json_object_get(json_array_get(json_object_get(j, "events"), 0), "sentence");
    json_object_set_new(s, "type", json_string("community_order"));
    json_object_set_new(s, "release_date", json_null());
    json_object_set_new(j, "recalls", json_array());
    char err[1024] = "";
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    json_decref(j);
    assert_null(c);
    assert_string_equal(err, "events[0].licence_conditions: event E1 is not a custody sentence; expected licence "
                             "conditions only on a custody event's licence");
}

/* The bundle writes back what it read; a bundle without conditions writes
 * no key for them (the shared format round-trips unchanged). */
static void test_bundle_round_trip(void **state)
{
    (void)state;
    json_t *j = with_conditions();
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (!c) fail_msg("%s", err);
    assert_int_equal(c->events[0].n_licence_conditions, 4);
    assert_string_equal(c->events[0].licence_conditions[1].victim_id, "V1");
    assert_int_equal(c->victims[0].n_conditions_told, 1);
    json_t *back = ck_bundle_to_json(c, 0);
    json_t *want = json_object_get(json_array_get(json_object_get(j, "events"), 0), "licence_conditions");
    json_t *got = json_object_get(json_array_get(json_object_get(back, "events"), 0), "licence_conditions");
    assert_true(json_equal(want, got));
    assert_true(json_equal(json_object_get(json_array_get(json_object_get(j, "victims"), 0), "conditions_told"),
                           json_object_get(json_array_get(json_object_get(back, "victims"), 0), "conditions_told")));
    json_decref(back);
    ck_case_free(c);
    json_decref(j);

    json_t *plain = example();
    c = ck_bundle_from_json(plain, err, sizeof err);
    if (!c) fail_msg("%s", err);
    back = ck_bundle_to_json(c, 0);
    assert_null(json_object_get(json_array_get(json_object_get(back, "events"), 0), "licence_conditions"));
    assert_null(json_object_get(json_array_get(json_object_get(back, "victims"), 0), "conditions_told"));
    json_decref(back);
    ck_case_free(c);
    json_decref(plain);
}

/* Who is told of what: victim-related conditions of the victim's own event,
 * naming no victim or this one. */
static void test_concerns_victim(void **state)
{
    (void)state;
    json_t *j = with_conditions();
    json_t *v2 = json_deep_copy(json_array_get(json_object_get(j, "victims"), 0));
    json_object_set_new(v2, "id", json_string("V2"));
    json_object_del(v2, "conditions_told");
    json_array_append_new(json_object_get(j, "victims"), v2);
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    json_decref(j);
    if (!c) fail_msg("%s", err);
    const ck_event *e = &c->events[0];
    const ck_victim *a = &c->victims[0], *b = &c->victims[1];
    assert_false(ck_licence_concerns_victim(e, &e->licence_conditions[0], a)); /* standard */
    assert_true(ck_licence_concerns_victim(e, &e->licence_conditions[1], a));  /* names V1 */
    assert_false(ck_licence_concerns_victim(e, &e->licence_conditions[1], b));
    assert_true(ck_licence_concerns_victim(e, &e->licence_conditions[2], b)); /* exclusion zone, no one named */
    assert_false(ck_licence_concerns_victim(e, &e->licence_conditions[3], a)); /* not victim-related */
    assert_non_null(ck_licence_told(a, "L2"));
    assert_null(ck_licence_told(b, "L2"));
    assert_null(ck_licence_told(a, "L3"));
    ck_case_free(c);
    /* Every type has its words; every way of telling too. */
    size_t n;
    const ck_licence_type *t = ck_licence_types(&n);
    for (size_t i = 0; i < n; i++) assert_string_equal(ck_vocab_licence_condition[i], t[i].code);
    assert_null(ck_vocab_licence_condition[n]);
    for (size_t i = 0; ck_vocab_told_how[i]; i++) assert_non_null(ck_told_how_label(ck_vocab_told_how[i]));
    assert_null(ck_told_how_label("pigeon"));
}

/* ---- The store and the segregation of victims -------------------------------------- */

static bool add_conditions(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)ctx;
    json_t *patch = json_pack("{s:o}", "licence_conditions", json_of(CONDITIONS));
    bool ok = ck_bundle_patch_record(patch, &ck_entity_event, rec, &c->arena, "events[0]", err, err_len);
    json_decref(patch);
    return ok;
}

static bool add_told(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)ctx;
    json_t *patch = json_pack("{s:o}", "conditions_told", json_of(TOLD));
    bool ok = ck_bundle_patch_record(patch, &ck_entity_victim, rec, &c->arena, "victims[0]", err, err_len);
    json_decref(patch);
    return ok;
}

/* A practitioner records the conditions (their write keeps the victims they
 * cannot see), victim liaison records that the victim was told; then each
 * role reads the case: everyone gets the conditions and the victim's id,
 * only victim liaison the victim's name. */
static void test_store_and_segregation(void **state)
{
    ck_db *db = ck_test_db_get(state);
    sec_world(db, false, as_of());
    ck_engine eng = ck_engine_default();
    char err[1024];
    const char *crn = sec_cases[SEC_OWN].crn;
    ck_principal po, vlo;
    sec_principal(db, CK_ROLE_PRACTITIONER, &po);
    sec_principal(db, CK_ROLE_VLO, &vlo);
    ck_write_check wc = {0};
    if (ck_access_update(db, &po, CK_PERM_CASE_WRITE, &eng, crn, "events", "E1", add_conditions, NULL, as_of(), &wc,
                         err, sizeof err) != CK_OK)
        fail_msg("conditions: %s", err);
    /* A practitioner cannot record what a victim was told. */
    assert_int_equal(ck_access_update(db, &po, CK_PERM_VICTIM_WRITE, &eng, crn, "victims", "V1", add_told, NULL,
                                      as_of(), &wc, err, sizeof err),
                     CK_ERR_DENIED);
    if (ck_access_update(db, &vlo, CK_PERM_VICTIM_WRITE, &eng, crn, "victims", "V1", add_told, NULL, as_of(), &wc, err,
                         sizeof err) != CK_OK)
        fail_msg("told: %s", err);
    char name[64];
    sec_victim_marker(SEC_OWN, "name", name, sizeof name);
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        ck_principal p;
        sec_principal(db, r, &p);
        ck_case *c = NULL;
        ck_rc rc = ck_access_get(db, &p, crn, &c, err, sizeof err);
        if (rc != CK_OK) {
            assert_int_equal(rc, CK_ERR_DENIED); /* out of the role's scope: nothing to leak */
            continue;
        }
        const ck_event *e = &c->events[0];
        assert_int_equal(e->n_licence_conditions, 4);
        assert_string_equal(e->licence_conditions[1].type, "non_contact");
        assert_string_equal(e->licence_conditions[1].victim_id, "V1");
        assert_int_equal(e->licence_conditions[1].victim_related, 1);
        assert_string_equal(e->licence_conditions[2].detail, "The area of Leeds inside the ring road");
        assert_int_equal(e->licence_conditions[2].end, ck_date_ymd(2026, 3, 5));
        assert_int_equal(c->victims[0].n_conditions_told, 1);
        assert_string_equal(c->victims[0].conditions_told[0].how, "phone");
        if (r == CK_ROLE_VLO) assert_string_equal(c->victims[0].name, name);
        else assert_null(c->victims[0].name);
        /* Nothing in the bundle a role reads names the victim but victim liaison's. */
        json_t *j = ck_bundle_to_json(c, 0);
        char *text = json_dumps(j, 0);
        json_decref(j);
        if ((strstr(text, name) != NULL) != (r == CK_ROLE_VLO))
            fail_msg("%s: the victim's name %s the case as read", ck_role_names[r],
                     r == CK_ROLE_VLO ? "is not in" : "is in");
        free(text);
        ck_case_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_name_the_field),
        cmocka_unit_test(test_custody_only),
        cmocka_unit_test(test_bundle_round_trip),
        cmocka_unit_test(test_concerns_victim),
        CK_DB_TEST(test_store_and_segregation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
