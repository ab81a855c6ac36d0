/* The case overview's read (issue 16, point 5) on SQLite and PostgreSQL: a
 * case with 5,000 contacts whose overview read loads none of them
 * (services/ck_access without_contacts, store/ck_store ck_store_load_view),
 * while what the overview shows of them (store/ck_overview_store: the
 * appointments without an outcome from a partial index, unpaid work hours
 * summed per requirement) is what the whole case gives. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_test_manage.h"
#include "ck_access.h"
#include "ck_bundle.h"
#include "ck_overview_store.h"
#include "ck_requirements.h"
#include "ck_str.h"

#define BUNDLE "tests/data/bundle_requirements.json"
#define EXTRA 5000   /* contacts added to the bundle's seven */
#define NO_OUTCOME 1000 /* every this many, an appointment without an outcome */
#define UPW_EVERY 100   /* every this many, an hour of unpaid work */

static void org(ck_db *db)
{
    static const char *const lines[] = {
        "{\"kind\":\"region\",\"code\":\"R1\",\"name\":\"London\"}",
        "{\"kind\":\"pdu\",\"code\":\"P1\",\"region\":\"R1\",\"name\":\"North\"}",
        "{\"kind\":\"team\",\"code\":\"T1\",\"pdu\":\"P1\",\"name\":\"Team one\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
    };
    ck_test_load_org(db, lines, sizeof lines / sizeof *lines);
}

/* The bundle's case as R190001 with EXTRA more contacts: appointments from
 * 6 March 2025 on, every NO_OUTCOME-th without an outcome (the last one after
 * the date the tests read at), every UPW_EVERY-th an unpaid work session of
 * an hour. */
static ck_case *put(ck_db *db)
{
    json_t *j = ck_test_load_json(BUNDLE);
    json_object_set_new(j, "crn", json_string("R190001"));
    json_object_set_new(j, "team", json_string("T1"));
    json_object_set_new(json_array_get(json_object_get(j, "allocations"), 0), "staff_code", json_string("N07P001"));
    json_t *contacts = json_object_get(j, "contacts");
    ck_date first = ck_test_date("2025-03-06");
    for (int i = 0; i < EXTRA; i++) {
        char id[16], d[CK_DATE_STRLEN];
        snprintf(id, sizeof id, "X%d", i);
        ck_date on = i == EXTRA - 1 ? ck_test_date("2026-02-01") : first + i % 280;
        bool upw = i % UPW_EVERY == 1;
        json_t *k = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "id", id, "event", "E1", "date",
                              ck_date_fmt(on, d), "type", upw ? "UPWS" : "COAI", "national_standard", 0,
                              "appointment", 1, "booked_on", "2025-03-05");
        if (i % NO_OUTCOME != NO_OUTCOME - 1) {
            json_object_set_new(k, "outcome", json_string("ATTC"));
            json_object_set_new(k, "outcome_on", json_string(ck_date_fmt(on, d)));
        }
        if (upw) json_object_set_new(k, "hours", json_integer(1));
        json_array_append_new(contacts, k);
    }
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (!c) fail_msg("bundle: %s", err);
    ck_engine eng = ck_engine_default();
    ck_test_ok(ck_cases_create(db, &eng, c, ck_test_date("2025-05-01"), err, sizeof err), err);
    json_decref(j);
    return c;
}

static void test_overview_reads_no_contacts(void **state)
{
    ck_db *db = ck_test_db_get(state);
    org(db);
    ck_case *whole = put(db);
    assert_int_equal(whole->n_contacts, EXTRA + 7);
    ck_principal sys;
    ck_principal_system(&sys, "test");
    ck_date d = ck_test_date("2026-01-01");
    char err[512];
    ck_case *c = NULL;
    ck_result *res = NULL;
    ck_overview *sum = NULL;
    int64_t version = 0;
    ck_access_case_read how = {.obligations = &res, .as_of = d, .unmet_only = true, .without_contacts = true,
                               .summary = &sum};
    ck_test_ok(ck_access_get_held(db, &sys, "R190001", &how, &c, &version, err, sizeof err), err);
    /* No contact was loaded; everything else was. */
    assert_int_equal(c->n_contacts, 0);
    assert_null(c->contacts);
    assert_int_equal(c->n_events, whole->n_events);
    assert_int_equal(c->events[0].n_requirements, whole->events[0].n_requirements);
    assert_int_equal(c->n_allocations, whole->n_allocations);
    assert_int_equal(version, c->version);
    assert_true(version >= 1);

    /* The appointments without an outcome before d, in the case's order, as
     * the whole case lists them: the bundle's own and every NO_OUTCOME-th
     * added one but the last (dated after d). */
    size_t want = 0;
    for (size_t i = 0; i < whole->n_contacts; i++) {
        const ck_contact *k = &whole->contacts[i];
        if (k->appointment != 1 || k->outcome || k->date >= d) continue;
        assert_true(want < sum->n_no_outcome);
        assert_string_equal(sum->no_outcome[want].id, k->id);
        assert_int_equal(sum->no_outcome[want].date, k->date);
        want++;
    }
    assert_int_equal(sum->n_no_outcome, want);
    assert_true(want >= EXTRA / NO_OUTCOME - 1);

    /* The unpaid work requirements in force with the hours worked: what the
     * whole case gives, and behind schedule decided alike. */
    size_t in_force = 0;
    for (size_t i = 0; i < whole->events[0].n_requirements; i++) {
        const ck_requirement *q = &whole->events[0].requirements[i];
        ck_req_progress p;
        ck_requirement_progress(whole, &whole->events[0], q, d, 6, &p);
        const ck_req_row *row = NULL;
        for (size_t k = 0; k < sum->requirements->n; k++)
            if (ck_streq(sum->requirements->rows[k].id, q->id)) row = &sum->requirements->rows[k];
        if ((p.status != CK_REQ_ACTIVE || !p.type || p.type->progress != CK_REQ_PROGRESS_HOURS) && !row) continue;
        in_force++;
        assert_non_null(row);
        ck_req_progress s;
        ck_requirement_progress_of(ck_req_type_find(row->type), row->amount, row->used, row->start, row->last_day,
                                   row->terminated_on, d, 6, &s);
        assert_int_equal(s.done, p.done);
        assert_int_equal(s.overrunning, p.overrunning);
        if (ck_streq(q->type, "unpaid_work")) {
            assert_int_equal(row->used, 13 + EXTRA / UPW_EVERY); /* the bundle's 13 hours, and an hour each */
            assert_true(s.overrunning);
        }
    }
    assert_int_equal(sum->requirements->n, in_force);

    /* Only open and overdue obligations came with it. */
    for (size_t i = 0; i < res->n_obligations; i++)
        assert_true(res->obligations[i].status == CK_ST_OPEN || res->obligations[i].status == CK_ST_OVERDUE);
    ck_overview_free(sum);
    ck_result_free(res);
    ck_case_free(c);

    /* The pages that show contacts still get every one. */
    ck_test_ok(ck_access_get(db, &sys, "R190001", &c, err, sizeof err), err);
    assert_int_equal(c->n_contacts, EXTRA + 7);
    ck_case_free(c);
    ck_case_free(whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_overview_reads_no_contacts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
