/* store/ck_req_store on SQLite and PostgreSQL: the requirements in force on
 * many cases with the hours and days done towards each, counted in one query
 * as core/ck_requirements counts them on one case. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_test_manage.h"
#include "ck_bundle.h"
#include "ck_casewrite.h"
#include "ck_req_store.h"
#include "ck_requirements.h"
#include "ck_str.h"

#define BUNDLE "tests/data/bundle_requirements.json"

static void org(ck_db *db)
{
    static const char *const lines[] = {
        "{\"kind\":\"region\",\"code\":\"R1\",\"name\":\"London\"}",
        "{\"kind\":\"pdu\",\"code\":\"P1\",\"region\":\"R1\",\"name\":\"North\"}",
        "{\"kind\":\"team\",\"code\":\"T1\",\"pdu\":\"P1\",\"name\":\"Team one\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P004\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Kim\",\"surname\":\"Ahmed\"}",
    };
    ck_test_load_org(db, lines, sizeof lines / sizeof *lines);
}

static json_t *requirement(json_t *j, size_t i)
{
    return json_array_get(json_object_get(json_array_get(json_object_get(j, "events"), 0), "requirements"), i);
}

/* The bundle's case as crn, held by staff, changed by edit (NULL: as it is). */
static ck_case *put(ck_db *db, const char *crn, const char *staff, void (*edit)(json_t *j))
{
    json_t *j = ck_test_load_json(BUNDLE);
    json_object_set_new(j, "crn", json_string(crn));
    json_object_set_new(j, "team", json_string("T1"));
    json_object_set_new(json_array_get(json_object_get(j, "allocations"), 0), "staff_code", json_string(staff));
    if (edit) edit(j);
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (!c) fail_msg("bundle: %s", err);
    ck_engine eng = ck_engine_default();
    ck_test_ok(ck_cases_create(db, &eng, c, ck_test_date("2025-05-01"), err, sizeof err), err);
    json_decref(j);
    return c;
}

/* An unpaid work session after the date the tests read at: not counted yet. */
static void later_session(json_t *j)
{
    json_array_append_new(json_object_get(j, "contacts"),
                          json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:i}", "id", "C8", "event", "E1", "date",
                                    "2025-05-10", "type", "UPWS", "national_standard", 0, "appointment", 1, "outcome",
                                    "ATTC", "booked_on", "2025-05-01", "hours", 5));
}

/* Unpaid work terminated, RAR ended, the programme not yet started at
 * 2025-05-01: of its requirements only the curfew and monitoring remain. */
static void ended(json_t *j)
{
    json_object_set_new(requirement(j, 0), "terminated_on", json_string("2025-04-15"));
    json_object_set_new(requirement(j, 0), "terminated_reason", json_string("Revoked"));
    json_object_set_new(requirement(j, 1), "end", json_string("2025-04-30"));
    json_object_set_new(requirement(j, 4), "start", json_string("2025-06-01"));
}

/* R190001 (N07P001) with a session after the date the tests read at, which
 * it returns; R190002 (N07P001) with its requirements ended; R190003
 * (N07P004) as the bundle is. */
static ck_case *fill(ck_db *db)
{
    org(db);
    ck_case_free(put(db, "R190002", "N07P001", ended));
    ck_case_free(put(db, "R190003", "N07P004", NULL));
    return put(db, "R190001", "N07P001", later_session);
}

static const ck_req_row *find(const ck_req_rows *l, const char *crn, const char *type)
{
    for (size_t i = 0; i < l->n; i++)
        if (ck_streq(l->rows[i].crn, crn) && ck_streq(l->rows[i].type, type)) return &l->rows[i];
    return NULL;
}

static void test_rows_of_cases(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_case *a = fill(db);
    ck_date d = ck_test_date("2025-05-01");
    char err[512];
    ck_req_rows *l = NULL;
    const char *const crns[] = {"R190001", "R190002"};
    ck_test_ok(ck_req_rows_of_cases(db, crns, 2, d, &l, err, sizeof err), err);
    /* R190001: all five (the curfew and monitoring end on 2 June); R190002: two. */
    assert_int_equal(l->n, 7);
    const ck_req_row *upw = find(l, "R190001", "unpaid_work");
    assert_non_null(upw);
    assert_int_equal(upw->amount, 120);
    assert_int_equal(upw->used, 13); /* 7 + 6; the 5 hours of 10 May are after the date */
    assert_int_equal(upw->start, ck_test_date("2025-03-03"));
    assert_int_equal(upw->last_day, ck_test_date("2026-03-02")); /* the order's end: the requirement has none */
    assert_string_equal(upw->forename, "Jordan");
    const ck_req_row *rar = find(l, "R190001", "rehabilitation_activity");
    assert_int_equal(rar->used, 1); /* RARP and CRSAPT on one day count once; the absence not at all */
    const ck_req_row *prog = find(l, "R190001", "programme");
    assert_int_equal(prog->used, 1);
    assert_int_equal(prog->terminated_on, ck_test_date("2025-09-01"));
    const ck_req_row *curfew = find(l, "R190001", "curfew");
    assert_int_equal(curfew->amount, 8);
    assert_int_equal(curfew->used, 0);
    assert_int_equal(curfew->last_day, ck_test_date("2025-06-02"));
    assert_int_equal(find(l, "R190001", "electronic_monitoring")->amount, CK_NOINT);
    /* Terminated, ended and not yet started requirements are not listed. */
    assert_null(find(l, "R190002", "unpaid_work"));
    assert_null(find(l, "R190002", "rehabilitation_activity"));
    assert_null(find(l, "R190002", "programme"));
    assert_non_null(find(l, "R190002", "curfew"));
    assert_null(find(l, "R190003", "unpaid_work")); /* not asked for */
    /* The same numbers as the case page's count over the whole case. */
    for (size_t i = 0; i < a->events[0].n_requirements; i++) {
        const ck_requirement *r = &a->events[0].requirements[i];
        ck_req_progress p;
        ck_requirement_progress(a, &a->events[0], r, d, 6, &p);
        const ck_req_row *row = find(l, "R190001", r->type);
        assert_non_null(row);
        assert_int_equal(row->used, p.done);
    }
    ck_req_rows_free(l);

    /* Later: the 10 May session counts; after the order's end nothing is in force. */
    ck_test_ok(ck_req_rows_of_cases(db, crns, 1, ck_test_date("2025-05-10"), &l, err, sizeof err), err);
    assert_int_equal(find(l, "R190001", "unpaid_work")->used, 18);
    ck_req_rows_free(l);
    ck_test_ok(ck_req_rows_of_cases(db, crns, 2, ck_test_date("2026-03-03"), &l, err, sizeof err), err);
    assert_int_equal(l->n, 0);
    ck_req_rows_free(l);
    /* None asked: none; too many: an error naming the argument. */
    ck_test_ok(ck_req_rows_of_cases(db, crns, 0, d, &l, err, sizeof err), err);
    assert_int_equal(l->n, 0);
    ck_req_rows_free(l);
    assert_int_equal(ck_req_rows_of_cases(db, crns, CK_REQ_CASES_MAX + 1, d, &l, err, sizeof err), CK_ERR_INVALID);
    assert_null(l);
    assert_non_null(strstr(err, "crns"));
    ck_case_free(a);
}

static void test_rows_hours(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_case *a = fill(db);
    char err[512];
    ck_req_rows *l = NULL;
    ck_test_ok(ck_req_rows_hours(db, "N07P001", NULL, ck_test_date("2025-05-10"), &l, err, sizeof err), err);
    /* Only unpaid work, only N07P001's, not the terminated one of R190002. */
    assert_int_equal(l->n, 1);
    assert_string_equal(l->rows[0].crn, "R190001");
    assert_string_equal(l->rows[0].type, "unpaid_work");
    assert_int_equal(l->rows[0].used, 18);
    /* The decision is core's: 102 hours left by 2 March is not over-running at 6 a week. */
    ck_req_progress p;
    const ck_req_row *r = &l->rows[0];
    ck_requirement_progress_of(ck_req_type_find(r->type), r->amount, r->used, r->start, r->last_day, r->terminated_on,
                               ck_test_date("2025-05-10"), 6, &p);
    assert_int_equal(p.remaining, 102);
    assert_false(p.overrunning);
    ck_req_rows_free(l);
    ck_test_ok(ck_req_rows_hours(db, "N07P004", NULL, ck_test_date("2026-01-01"), &l, err, sizeof err), err);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->rows[0].crn, "R190003");
    assert_int_equal(l->rows[0].used, 13);
    r = &l->rows[0];
    ck_requirement_progress_of(ck_req_type_find(r->type), r->amount, r->used, r->start, r->last_day, r->terminated_on,
                               ck_test_date("2026-01-01"), 6, &p);
    assert_int_equal(p.remaining, 107);
    assert_true(p.overrunning);
    ck_req_rows_free(l);
    ck_case_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_rows_of_cases),
        CK_DB_TEST(test_rows_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
