/* The case store and service on SQLite and PostgreSQL: round trips of every
 * example bundle, whole-case and record writes, stored obligations, the
 * report-completion rule, worklists and search. */
#include "ck_test.h"
#include "ck_txn.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_org.h"
#include "ck_org_codec.h"
#include "ck_store.h"
#include <dirent.h>

#define EXAMPLE "tests/data/bundle_example.json"
#define EXAMPLE_AS_OF "2025-11-03"


static ck_case *case_from_json(const json_t *j)
{
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (!c) fail_msg("bundle: %s", err);
    return c;
}

static ck_case *load_case(const char *path)
{
    json_t *j = ck_test_load_json(path);
    ck_case *c = case_from_json(j);
    json_decref(j);
    return c;
}

static void expect_rc(ck_rc got, ck_rc want, const char *err)
{
    if (got != want) fail_msg("rc %d, expected %d: %s", got, want, err);
}

/* The stored case equals `want` in canonical JSON. */
static void expect_stored(ck_db *db, const char *crn, json_t *want)
{
    char err[1024];
    ck_case *got = NULL;
    expect_rc(ck_cases_get(db, crn, &got, err, sizeof err), CK_OK, err);
    json_t *g = ck_bundle_to_json(got, 0);
    ck_assert_json_equal(g, want);
    json_decref(g);
    ck_case_free(got);
}

/* The stored obligations of crn, read at as_of, are what the engine gives
 * for the stored case evaluated at `evaluated` (the same date unless the
 * statuses are read later). */
static void expect_obligations(ck_db *db, const char *crn, ck_date evaluated, ck_date as_of)
{
    char err[1024];
    ck_case *c = NULL;
    ck_result *stored = NULL;
    expect_rc(ck_cases_get(db, crn, &c, err, sizeof err), CK_OK, err);
    expect_rc(ck_cases_obligations(db, crn, as_of, &stored, err, sizeof err), CK_OK, err);
    ck_engine eng = ck_engine_default();
    ck_result *fresh = ck_rules_evaluate(c, evaluated, eng.cal, eng.cfg);
    /* Statuses at a later date: unmet ones are re-read against as_of. */
    for (size_t i = 0; i < fresh->n_obligations; i++) {
        ck_obligation *o = &fresh->obligations[i];
        if (o->status == CK_ST_OPEN || o->status == CK_ST_OVERDUE) o->status = ck_status_at(o->due, CK_NODATE, as_of);
    }
    qsort(fresh->obligations, fresh->n_obligations, sizeof *fresh->obligations, ck_store_obligation_cmp);
    json_t *g = ck_result_to_json(crn, as_of, stored, true), *w = ck_result_to_json(crn, as_of, fresh, true);
    assert_true(fresh->n_obligations > 0);
    ck_assert_json_equal(g, w);
    json_decref(g);
    json_decref(w);
    /* unmet_only (the case page's overview): exactly the open and overdue
     * ones, in the same order. */
    int64_t id = 0;
    ck_result *unmet = NULL;
    expect_rc(ck_txn_begin_read(db, err, sizeof err), CK_OK, err);
    ck_rc rc = ck_store_find(db, crn, CK_LOCK_NONE, &id, err, sizeof err);
    if (rc == CK_OK) rc = ck_store_get_obligations(db, id, as_of, true, &unmet, err, sizeof err);
    expect_rc(ck_txn_finish(db, rc, err, sizeof err), CK_OK, err);
    size_t k = 0;
    for (size_t i = 0; i < stored->n_obligations; i++) {
        const ck_obligation *o = &stored->obligations[i];
        if (o->status != CK_ST_OPEN && o->status != CK_ST_OVERDUE) continue;
        assert_true(k < unmet->n_obligations);
        assert_string_equal(unmet->obligations[k].rule, o->rule);
        assert_string_equal(unmet->obligations[k].subject, o->subject);
        assert_int_equal(unmet->obligations[k].status, o->status);
        k++;
    }
    assert_int_equal(k, unmet->n_obligations);
    ck_result_free(unmet);
    ck_result_free(stored);
    ck_result_free(fresh);
    ck_case_free(c);
}

static void create_ok(ck_db *db, const ck_case *c, ck_date as_of)
{
    char err[1024];
    ck_engine eng = ck_engine_default();
    expect_rc(ck_cases_create(db, &eng, c, as_of, err, sizeof err), CK_OK, err);
}

/* What the record tests start from: the example case stored at its as_of
 * by the default engine. */
typedef struct stored {
    ck_db *db;
    ck_engine eng;
    ck_date as_of;
    ck_case *c; /* the caller frees it */
} stored;

static stored store_example(void **state)
{
    stored s = {ck_test_db_get(state), ck_engine_default(), ck_test_date(EXAMPLE_AS_OF), load_case(EXAMPLE)};
    create_ok(s.db, s.c, s.as_of);
    return s;
}

static void roundtrip(ck_db *db, const char *path, ck_date as_of)
{
    ck_case *c = load_case(path);
    create_ok(db, c, as_of);
    json_t *want = ck_bundle_to_json(c, 0);
    expect_stored(db, c->crn, want);
    expect_obligations(db, c->crn, as_of, as_of);
    json_decref(want);
    ck_case_free(c);
}

static void test_roundtrip(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[1024];
    expect_rc(ck_store_verify(db, err, sizeof err), CK_OK, err);
    roundtrip(db, EXAMPLE, ck_test_date(EXAMPLE_AS_OF));
    char dir[512];
    snprintf(dir, sizeof dir, "%s/examples", CK_SHARED_DIR);
    DIR *d = opendir(dir);
    if (!d) fail_msg("%s: cannot open the shared examples", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 || strstr(e->d_name, ".expected.")) continue;
        char path[1024], asof_path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(asof_path, sizeof asof_path, "%s/%.*s.asof", dir, (int)(len - 5), e->d_name);
        char *asof = ck_test_slurp(asof_path, NULL);
        if (!asof) fail_msg("%s: missing", asof_path);
        roundtrip(db, path, ck_test_date(strtok(asof, " \r\n")));
        free(asof);
        n++;
    }
    closedir(d);
    assert_true(n >= 3);
    size_t count = 0;
    expect_rc(ck_cases_count(db, &count, err, sizeof err), CK_OK, err);
    assert_int_equal(count, (size_t)n + 1);
}

/* The person on probation's details (addresses with lines and postcode,
 * phone, email, aliases, language, disabilities, household members of a
 * change) are stored and read back whole, and a replace keeps them. */
static void test_person_details(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_date as_of = ck_test_date(EXAMPLE_AS_OF);
    roundtrip(db, "tests/data/bundle_person.json", as_of);
    ck_case *c = load_case("tests/data/bundle_person.json");
    c->person.phone = "07700 900999";
    c->person.n_aliases = 1;
    c->changes[1].household[2].child = 0;
    char err[1024];
    ck_engine eng = ck_engine_default();
    expect_rc(ck_cases_replace(db, &eng, c, as_of, err, sizeof err), CK_OK, err);
    json_t *want = ck_bundle_to_json(c, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(want, "person"), "phone")), "07700 900999");
    expect_stored(db, c->crn, want);
    json_decref(want);
    ck_case_free(c);
}

static void test_exists_and_invalid(void **state)
{
    stored s = store_example(state);
    char err[1024];
    expect_rc(ck_cases_create(s.db, &s.eng, s.c, s.as_of, err, sizeof err), CK_ERR_EXISTS, err);
    assert_non_null(strstr(err, "X123456"));

    /* A reference to no event, a required date absent, a word outside its
     * vocabulary: each refused, naming the field, and nothing stored. */
    s.c->crn = "X000002";
    s.c->contacts[1].event = "E9";
    expect_rc(ck_cases_create(s.db, &s.eng, s.c, s.as_of, err, sizeof err), CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "contacts[1].event"));
    s.c->contacts[1].event = "E1";
    s.c->contacts[0].date = CK_NODATE;
    expect_rc(ck_cases_create(s.db, &s.eng, s.c, s.as_of, err, sizeof err), CK_ERR_INVALID, err);
    assert_string_equal(err, "contacts[0].date: required");
    s.c->contacts[0].date = s.as_of;
    s.c->events[0].offences[0].category = "custodial";
    expect_rc(ck_cases_create(s.db, &s.eng, s.c, s.as_of, err, sizeof err), CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "events[0].offences[0].category: \"custodial\" is not one of"));
    size_t n = 0;
    expect_rc(ck_cases_count(s.db, &n, err, sizeof err), CK_OK, err);
    assert_int_equal(n, 1);
    ck_case *none = NULL;
    expect_rc(ck_cases_get(s.db, "X000002", &none, err, sizeof err), CK_ERR_NOTFOUND, err);
    assert_null(none);
    ck_case_free(s.c);
}

static void test_replace(void **state)
{
    stored s = store_example(state);
    char err[1024];
    s.c->person.surname = "Changed";
    s.c->n_contacts = 1;
    s.c->n_enforcement = 0;
    s.c->n_victims = 0;
    s.c->team = "T9";
    s.c->events[0].has_sentence = false;
    expect_rc(ck_cases_replace(s.db, &s.eng, s.c, s.as_of, err, sizeof err), CK_OK, err);
    json_t *want = ck_bundle_to_json(s.c, 0);
    expect_stored(s.db, "X123456", want);
    expect_obligations(s.db, "X123456", s.as_of, s.as_of);
    ck_case_list *l = NULL;
    expect_rc(ck_cases_search(s.db, "chan", 10, 0, &l, err, sizeof err), CK_OK, err);
    assert_int_equal(l->total, 1);
    assert_string_equal(l->items[0].team, "T9");
    ck_case_list_free(l);
    s.c->crn = "X999999";
    expect_rc(ck_cases_replace(s.db, &s.eng, s.c, s.as_of, err, sizeof err), CK_ERR_NOTFOUND, err);
    json_decref(want);
    ck_case_free(s.c);
}

/* Adds the JSON record `rec` to `list` and checks the stored case is the
 * original with the record appended, and its obligations recomputed. */
static void add_ok(ck_db *db, json_t *want, const char *list, const char *rec_json, ck_date as_of)
{
    char err[1024];
    ck_engine eng = ck_engine_default();
    const ck_entity *kind = ck_store_list_entity(list, err, sizeof err);
    if (!kind) fail_msg("%s", err);
    json_t *rec = json_loads(rec_json, 0, NULL);
    assert_non_null(rec);
    ck_arena a;
    ck_arena_init(&a);
    void *r = ck_arena_alloc(&a, kind->size);
    if (!ck_bundle_parse_record(rec, kind, r, &a, list, err, sizeof err)) fail_msg("%s", err);
    expect_rc(ck_cases_add(db, &eng, "X123456", list, r, as_of, err, sizeof err), CK_OK, err);
    json_t *target = want;
    const char *dot = strchr(list, '.');
    if (dot) target = json_object_get(want, "person");
    json_array_append_new(json_object_get(target, dot ? dot + 1 : list), ck_bundle_record_to_json(r, kind, 0));
    expect_stored(db, "X123456", want);
    expect_obligations(db, "X123456", as_of, as_of);
    /* The same id again is refused. */
    expect_rc(ck_cases_add(db, &eng, "X123456", list, r, as_of, err, sizeof err), CK_ERR_EXISTS, err);
    json_decref(rec);
    ck_arena_free(&a);
}

static void test_add_record(void **state)
{
    stored s = store_example(state);
    json_t *want = ck_bundle_to_json(s.c, 0);
    add_ok(s.db, want, "contacts",
           "{\"id\": \"C4\", \"event\": \"E1\", \"date\": \"2025-10-10\", \"type\": \"COAP\", "
           "\"national_standard\": true, \"appointment\": true, \"outcome\": \"ATTC\", \"outcome_on\": \"2025-10-10\"}",
           s.as_of);
    add_ok(s.db, want, "registrations",
           "{\"id\": \"G2\", \"type\": \"MAPP\", \"date\": \"2025-10-01\", \"level\": \"M2\", \"category\": \"M1\", "
           "\"reviews\": [{\"date\": \"2025-10-20\"}, {\"date\": \"2025-10-30\"}]}",
           s.as_of);
    add_ok(s.db, want, "person.addresses", "{\"id\": \"A2\", \"from\": \"2025-10-15\", \"kind\": \"bail\"}", s.as_of);

    char err[1024];
    ck_contact ct = s.c->contacts[0];
    expect_rc(ck_cases_add(s.db, &s.eng, "X123456", "contact", &ct, s.as_of, err, sizeof err), CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "contacts"));
    ct.id = "C9";
    ct.event = "E7";
    expect_rc(ck_cases_add(s.db, &s.eng, "X123456", "contacts", &ct, s.as_of, err, sizeof err), CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "contacts[4].event"));
    ct.event = "E1";
    expect_rc(ck_cases_add(s.db, &s.eng, "X999999", "contacts", &ct, s.as_of, err, sizeof err), CK_ERR_NOTFOUND, err);
    expect_stored(s.db, "X123456", want);
    json_decref(want);
    ck_case_free(s.c);
}

/* An edit that records an outcome on contact C3. */
static bool edit_outcome(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)ctx, (void)err, (void)err_len;
    ck_contact *ct = rec;
    ct->outcome = "ATTC";
    ct->outcome_on = ct->date;
    return true;
}

/* An edit that adds a review to a registration (a list inside a record). */
static bool edit_review(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    ck_registration *g = rec;
    ck_review *r = ck_arena_array(&c->arena, g->n_reviews + 1, sizeof *r);
    memcpy(r, g->reviews, g->n_reviews * sizeof *r);
    r[g->n_reviews++].date = *(const ck_date *)ctx;
    g->reviews = r;
    g->next_review = *(const ck_date *)ctx + 91;
    return true;
}

static bool edit_refuse(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)rec, (void)ctx;
    snprintf(err, err_len, "outcome: refused by the caller");
    return false;
}

static void test_update_record(void **state)
{
    stored s = store_example(state);
    char err[1024];
    ck_result *before = NULL;
    expect_rc(ck_cases_obligations(s.db, "X123456", s.as_of, &before, err, sizeof err), CK_OK, err);

    expect_rc(ck_cases_update(s.db, &s.eng, "X123456", "contacts", "C3", edit_outcome, NULL, s.as_of, err, sizeof err),
              CK_OK, err);
    edit_outcome(s.c, &s.c->contacts[2], NULL, NULL, 0);
    ck_date review = ck_test_date("2025-10-09");
    expect_rc(ck_cases_update(s.db, &s.eng, "X123456", "registrations", "G1", edit_review, &review, s.as_of, err,
                              sizeof err), CK_OK, err);
    edit_review(s.c, &s.c->registrations[0], &review, NULL, 0);
    json_t *want = ck_bundle_to_json(s.c, 0);
    expect_stored(s.db, "X123456", want);
    expect_obligations(s.db, "X123456", s.as_of, s.as_of);
    /* The outcome met OUTCOME for C3: the stored obligations changed. */
    ck_result *after = NULL;
    expect_rc(ck_cases_obligations(s.db, "X123456", s.as_of, &after, err, sizeof err), CK_OK, err);
    json_t *jb = ck_result_to_json("X123456", s.as_of, before, true);
    json_t *ja = ck_result_to_json("X123456", s.as_of, after, true);
    assert_false(json_equal(jb, ja));
    json_decref(jb);
    json_decref(ja);
    ck_result_free(before);
    ck_result_free(after);

    expect_rc(ck_cases_update(s.db, &s.eng, "X123456", "contacts", "C8", edit_outcome, NULL, s.as_of, err, sizeof err),
              CK_ERR_NOTFOUND, err);
    expect_rc(ck_cases_update(s.db, &s.eng, "X123456", "contacts", "C1", edit_refuse, NULL, s.as_of, err, sizeof err),
              CK_ERR_INVALID, err);
    assert_string_equal(err, "outcome: refused by the caller");
    expect_stored(s.db, "X123456", want);
    json_decref(want);
    ck_case_free(s.c);
}

static bool edit_complete(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)err, (void)err_len;
    ck_event *e = rec;
    e->reports[1].completed = ck_test_date("2025-10-20");
    e->reports[1].outstanding_checks_reason = ctx;
    return true;
}

/* Recording a report as complete while its checks are unmet needs a reason;
 * history brought in whole does not. */
static void test_report_completion(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    ck_date as_of = ck_test_date(EXAMPLE_AS_OF);
    char err[1024];
    json_t *j = ck_test_load_json(EXAMPLE);
    json_t *reports = json_object_get(json_array_get(json_object_get(j, "events"), 0), "reports");
    json_array_append_new(reports, json_pack("{s:s, s:s, s:s}", "id", "R2", "type", "standard", "requested",
                                             "2025-10-01"));
    ck_case *c = case_from_json(j);
    create_ok(db, c, as_of);
    expect_rc(ck_cases_update(db, &eng, "X123456", "events", "E1", edit_complete, NULL, as_of, err, sizeof err),
              CK_ERR_CONFLICT, err);
    assert_non_null(strstr(err, "events[0].reports[1].completed"));
    assert_non_null(strstr(err, "outstanding_checks_reason"));
    expect_rc(ck_cases_update(db, &eng, "X123456", "events", "E1", edit_complete, "Police have not replied", as_of,
                              err, sizeof err), CK_OK, err);
    edit_complete(c, &c->events[0], "Police have not replied", NULL, 0);
    json_t *want = ck_bundle_to_json(c, 0);
    expect_stored(db, "X123456", want);
    json_decref(want);
    json_decref(j);
    ck_case_free(c);
}

/* ---- Worklists ---------------------------------------------------------------- */

static void org_line(ck_db *db, ck_org_import *imp, const char *line)
{
    char err[1024];
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record r;
    expect_rc(ck_org_parse(line, strlen(line), &a, &r, err, sizeof err), CK_OK, err);
    expect_rc(ck_org_import_put(imp, &r, err, sizeof err), CK_OK, err);
    ck_arena_free(&a);
    (void)db;
}

static void small_org(ck_db *db)
{
    char err[1024];
    expect_rc(ck_db_begin_write(db) == CK_DB_OK ? CK_OK : CK_ERR_DB, CK_OK, ck_db_errmsg(db));
    ck_org_import *imp = ck_org_import_new(db);
    org_line(db, imp, "{\"kind\": \"region\", \"code\": \"LDN\", \"name\": \"London\"}");
    org_line(db, imp, "{\"kind\": \"pdu\", \"code\": \"P1\", \"region\": \"LDN\", \"name\": \"Camden and Islington\"}");
    org_line(db, imp, "{\"kind\": \"team\", \"code\": \"T1\", \"pdu\": \"P1\", \"name\": \"Camden 1\"}");
    org_line(db, imp, "{\"kind\": \"team\", \"code\": \"T2\", \"pdu\": \"P1\", \"name\": \"Camden 2\"}");
    org_line(db, imp, "{\"kind\": \"staff\", \"code\": \"N07P001\", \"team\": \"T1\", \"grade\": \"PO\", "
                      "\"forename\": \"Ann\", \"surname\": \"One\"}");
    org_line(db, imp, "{\"kind\": \"staff\", \"code\": \"N07P002\", \"team\": \"T2\", \"grade\": \"PQiP\", "
                      "\"forename\": \"Bob\", \"surname\": \"Two\"}");
    ck_org_import_free(imp);
    expect_rc(ck_db_commit(db) == CK_DB_OK ? CK_OK : CK_ERR_DB, CK_OK, ck_db_errmsg(db));
    (void)err;
}

typedef struct expected_item {
    char crn[17];
    ck_obligation o;
} expected_item;

static int expected_cmp(const void *a, const void *b)
{
    const expected_item *x = a, *y = b;
    int c = ck_store_obligation_cmp(&x->o, &y->o);
    return c ? c : strcmp(x->crn, y->crn);
}

/* Every stored obligation of `crns` with a status in mask, in worklist order. */
static size_t expected_list(ck_db *db, const char *const *crns, size_t n, unsigned mask, ck_date as_of,
                            expected_item *out, ck_result **keep)
{
    size_t k = 0;
    char err[1024];
    for (size_t i = 0; i < n; i++) {
        expect_rc(ck_cases_obligations(db, crns[i], as_of, &keep[i], err, sizeof err), CK_OK, err);
        for (size_t j = 0; j < keep[i]->n_obligations; j++) {
            if (!(mask & (1u << keep[i]->obligations[j].status))) continue;
            snprintf(out[k].crn, sizeof out[k].crn, "%s", crns[i]);
            out[k++].o = keep[i]->obligations[j];
        }
    }
    qsort(out, k, sizeof *out, expected_cmp);
    return k;
}

static void expect_worklist(ck_db *db, ck_worklist_query q, const char *const *crns, size_t n)
{
    char err[1024];
    expected_item want[600];
    ck_result *keep[8] = {0};
    unsigned mask = q.statuses ? q.statuses : (1u << CK_ST_OVERDUE) | (1u << CK_ST_OPEN);
    size_t total = expected_list(db, crns, n, mask, q.as_of, want, keep);
    assert_true(total > 0 && total < 600);
    /* Pages of 7 put together are the whole list, in order. */
    size_t seen = 0;
    for (q.offset = 0; q.offset < total + 7; q.offset += 7) {
        q.limit = 7;
        ck_worklist *w = NULL;
        expect_rc(ck_cases_worklist(db, &q, &w, err, sizeof err), CK_OK, err);
        assert_int_equal(w->total, total);
        for (size_t i = 0; i < w->n; i++, seen++) {
            const ck_worklist_item *it = &w->items[i];
            if (strcmp(it->crn, want[seen].crn) != 0 || strcmp(it->o.rule, want[seen].o.rule) != 0 ||
                strcmp(it->o.subject, want[seen].o.subject) != 0)
                fail_msg("item %zu: %s %s %s, expected %s %s %s", seen, it->crn, it->o.rule, it->o.subject,
                         want[seen].crn, want[seen].o.rule, want[seen].o.subject);
            assert_int_equal(it->o.status, want[seen].o.status);
            assert_int_equal(it->o.due, want[seen].o.due);
            assert_int_equal(it->o.severity, want[seen].o.severity);
            assert_non_null(it->surname);
        }
        ck_worklist_free(w);
    }
    assert_int_equal(seen, total);
    for (size_t i = 0; i < n; i++) ck_result_free(keep[i]);
}

static void test_worklist(void **state)
{
    ck_db *db = ck_test_db_get(state);
    small_org(db);
    ck_date as_of = ck_test_date(EXAMPLE_AS_OF);
    /* Five copies of the example: three held by N07P001 (one of them with
     * its team set to T2, which does not move it: an allocated case is its
     * practitioner's team's), two by N07P002, one sentenced a month later. */
    static const char *const crns[] = {"A000001", "A000002", "A000003", "B000001", "B000002"};
    for (int i = 0; i < 5; i++) {
        ck_case *c = load_case(EXAMPLE);
        c->crn = crns[i];
        c->allocations[0].staff_code = i < 3 ? "N07P001" : "N07P002";
        if (i == 2) c->team = "T2";
        if (i == 4) c->events[0].sentence.date += 31;
        create_ok(db, c, as_of);
        ck_case_free(c);
    }
    ck_worklist_query q = {.staff = "N07P001", .as_of = as_of};
    expect_worklist(db, q, crns, 3);
    q = (ck_worklist_query){.team = "T1", .as_of = as_of};
    expect_worklist(db, q, crns, 3);
    static const char *const t2[] = {"B000001", "B000002"};
    q = (ck_worklist_query){.team = "T2", .as_of = as_of};
    expect_worklist(db, q, t2, 2);
    q = (ck_worklist_query){.pdu = "P1", .as_of = as_of, .statuses = 1u << CK_ST_OVERDUE};
    expect_worklist(db, q, crns, 5);
    q = (ck_worklist_query){.pdu = "P1", .as_of = as_of, .statuses = (1u << CK_ST_MET) | (1u << CK_ST_MET_LATE)};
    expect_worklist(db, q, crns, 5);
    /* Later, open obligations fall overdue without a recompute. */
    q = (ck_worklist_query){.staff = "N07P002", .as_of = as_of + 60};
    expect_worklist(db, q, t2, 2);

    char err[1024];
    ck_worklist *w = NULL;
    q = (ck_worklist_query){.staff = "N07P001", .team = "T1", .as_of = as_of, .limit = 5};
    expect_rc(ck_cases_worklist(db, &q, &w, err, sizeof err), CK_ERR_INVALID, err);
    q = (ck_worklist_query){.staff = "NOBODY", .as_of = as_of, .limit = 5};
    expect_rc(ck_cases_worklist(db, &q, &w, err, sizeof err), CK_OK, err);
    assert_int_equal(w->total, 0);
    assert_int_equal(w->n, 0);
    ck_worklist_free(w);
}

/* ---- Search ------------------------------------------------------------------- */

static void person(ck_db *db, const char *crn, const char *forename, const char *surname, const char *dob)
{
    ck_case *c = load_case(EXAMPLE);
    c->crn = crn;
    c->person.forename = forename;
    c->person.surname = surname;
    c->person.date_of_birth = ck_test_date(dob);
    create_ok(db, c, ck_test_date(EXAMPLE_AS_OF));
    ck_case_free(c);
}

/* The CRNs found for q, page by page, joined with spaces; total checked. */
static void expect_search(ck_db *db, const char *q, size_t limit, size_t offset, size_t total, const char *crns)
{
    char err[1024], got[256] = "";
    ck_case_list *l = NULL;
    expect_rc(ck_cases_search(db, q, limit, offset, &l, err, sizeof err), CK_OK, err);
    for (size_t i = 0; i < l->n; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "", l->items[i].crn);
    if (l->total != total || strcmp(got, crns) != 0)
        fail_msg("search \"%s\": total %zu [%s], expected %zu [%s]", q, l->total, got, total, crns);
    ck_case_list_free(l);
}

static void test_search(void **state)
{
    ck_db *db = ck_test_db_get(state);
    person(db, "X100001", "Sam", "Example", "1988-02-29");
    person(db, "X100002", "Samantha", "O'Brien", "1990-01-01");
    person(db, "X100003", "Alex", "Samson", "1988-02-29");
    person(db, "Y200001", "Zoe", "Smith-Jones", "1975-12-31");
    /* Paging: all on one page, then pages of two. */
    expect_search(db, "sam", 10, 0, 3, "X100001 X100002 X100003");
    expect_search(db, "SAM", 2, 0, 3, "X100001 X100002");
    expect_search(db, "sam", 2, 2, 3, "X100003");
    /* What a query matches (one page holds it all): the total and the CRNs. */
    static const struct {
        const char *q;
        size_t total;
        const char *crns;
    } found[] = {
        {"o'br", 1, "X100002"},
        {"obrien", 1, "X100002"},
        {"Sam Exa", 1, "X100001"},
        {"example sam", 1, "X100001"},
        {"smithj", 1, "Y200001"},
        {"x1", 3, "X100001 X100002 X100003"},
        {"X100002", 1, "X100002"},
        {"1988-02-29", 2, "X100001 X100003"},
        {"nobody", 0, ""},
    };
    for (size_t i = 0; i < sizeof found / sizeof *found; i++)
        expect_search(db, found[i].q, 10, 0, found[i].total, found[i].crns);
    char err[1024];
    ck_case_list *l = NULL;
    expect_rc(ck_cases_search(db, "  ", 10, 0, &l, err, sizeof err), CK_ERR_INVALID, err);
    assert_non_null(strstr(err, "q:"));
    expect_rc(ck_cases_search(db, "1988-02-29", 10, 0, &l, err, sizeof err), CK_OK, err);
    assert_string_equal(l->items[0].surname, "Example");
    assert_string_equal(l->items[0].staff_code, "N07P001");
    assert_int_equal(l->items[0].date_of_birth, ck_test_date("1988-02-29"));
    ck_case_list_free(l);
}

static void test_org_lookup(void **state)
{
    ck_db *db = ck_test_db_get(state);
    small_org(db);
    char err[1024];
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record r;
    expect_rc(ck_org_get(db, CK_ORG_STAFF, "N07P002", &a, &r, err, sizeof err), CK_OK, err);
    assert_string_equal(r.team, "T2");
    assert_string_equal(r.grade, "PQiP");
    assert_string_equal(r.status, "in_post");
    assert_true(r.contracted_hours == CK_ORG_DEFAULT_HOURS);
    expect_rc(ck_org_get(db, CK_ORG_TEAM, "T2", &a, &r, err, sizeof err), CK_OK, err);
    assert_string_equal(r.pdu, "P1");
    expect_rc(ck_org_get(db, CK_ORG_PDU, "P1", &a, &r, err, sizeof err), CK_OK, err);
    assert_string_equal(r.region, "LDN");
    expect_rc(ck_org_get(db, CK_ORG_TEAM, "T7", &a, &r, err, sizeof err), CK_ERR_NOTFOUND, err);
    /* Strict lines: each error names the key. */
    static const struct { const char *line, *err; } bad[] = {
        {"{\"kind\": \"staff\", \"code\": \"S1\", \"team\": \"T1\", \"grade\": \"PO\", \"forename\": \"A\", "
         "\"surname\": \"B\", \"contracted_hours\": \"lots\"}", "staff.contracted_hours: expected a number of hours"},
        {"{\"kind\": \"team\", \"code\": \"T3\", \"pdu\": \"P1\", \"name\": \"x\", \"colour\": \"red\"}",
         "team: unknown key \"colour\""},
        {"{\"kind\": \"squad\", \"code\": \"Q\"}", "kind: expected one of region, pdu, team, staff, vacancy"},
        {"{\"kind\": \"vacancy\", \"grade\": \"PO\"}", "vacancy.team: required"},
        {"{\"kind\": \"staff\", \"code\": \"S1\", \"team\": \"T1\", \"grade\": \"Boss\", \"forename\": \"A\", "
         "\"surname\": \"B\"}", "staff.grade: expected one of PO, PQiP"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_rc(ck_org_parse(bad[i].line, strlen(bad[i].line), &a, &r, err, sizeof err), CK_ERR_INVALID, err);
        if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0) fail_msg("got \"%s\", expected \"%s...\"", err, bad[i].err);
    }
    ck_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_roundtrip),
        CK_DB_TEST(test_person_details),
        CK_DB_TEST(test_exists_and_invalid),
        CK_DB_TEST(test_replace),
        CK_DB_TEST(test_add_record),
        CK_DB_TEST(test_update_record),
        CK_DB_TEST(test_report_completion),
        CK_DB_TEST(test_worklist),
        CK_DB_TEST(test_search),
        CK_DB_TEST(test_org_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
