/* Checks on what the case store holds (include after ck_test.h). */
#ifndef CK_TEST_STORE_H
#define CK_TEST_STORE_H
#include "ck_test_json.h"
#include "ck_bundle.h"
#include "ck_cases.h"

/* The example bundle (tests/data/bundle_example.json) as a case whose CRN
 * is crn (the caller's string, kept by pointer). Free with ck_case_free. */
static inline ck_case *ck_test_example_case(const char *crn)
{
    size_t len;
    char err[1024], *text = ck_test_slurp("tests/data/bundle_example.json", &len);
    ck_case *c = ck_bundle_parse(text, len, err, sizeof err);
    free(text);
    if (!c) fail_msg("tests/data/bundle_example.json: %s", err);
    c->crn = crn;
    return c;
}

/* The stored obligations of crn equal a fresh evaluation at as_of; returns
 * how many there are. */
static inline size_t ck_test_expect_fresh(ck_db *db, const char *crn, ck_date as_of)
{
    char err[512];
    ck_case *c = NULL;
    ck_result *stored = NULL;
    if (ck_cases_get(db, crn, &c, err, sizeof err) != CK_OK) fail_msg("%s: %s", crn, err);
    if (ck_cases_obligations(db, crn, as_of, &stored, err, sizeof err) != CK_OK) fail_msg("%s: %s", crn, err);
    ck_engine eng = ck_engine_default();
    ck_result *fresh = ck_rules_evaluate(c, as_of, eng.cal, eng.cfg);
    size_t n = fresh->n_obligations;
    json_t *g = ck_result_to_json(crn, as_of, stored, true), *w = ck_result_to_json(crn, as_of, fresh, true);
    ck_assert_json_equal(g, w);
    json_decref(g), json_decref(w);
    ck_result_free(stored), ck_result_free(fresh);
    ck_case_free(c);
    return n;
}

#endif
