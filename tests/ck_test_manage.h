/* Organisations and cases for the tests of managing the service (include
 * after ck_test.h): the store tests, the API and web page tests, and the
 * browser suite's server (test_web_pages --serve) share them. */
#ifndef CK_TEST_MANAGE_H
#define CK_TEST_MANAGE_H
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_inspection.h"
#include "ck_manage_json.h"
#include "ck_org.h"
#include "ck_org_codec.h"
#include "ck_workforce.h"
#include <jansson.h>

static inline void ck_test_ok(ck_rc rc, const char *err)
{
    if (rc != CK_OK) fail_msg("rc %d: %s", rc, err);
}

/* Imports organisation.jsonl lines in one transaction. */
static inline void ck_test_load_org(ck_db *db, const char *const *lines, size_t n)
{
    char err[512];
    ck_arena a;
    ck_arena_init(&a);
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    ck_org_import *imp = ck_org_import_new(db);
    for (size_t i = 0; i < n; i++) {
        ck_org_record r;
        if (ck_org_parse(lines[i], strlen(lines[i]), &a, &r, err, sizeof err) != CK_OK ||
            ck_org_import_put(imp, &r, err, sizeof err) != CK_OK)
            fail_msg("organisation line %zu: %s", i, err);
    }
    ck_org_import_free(imp);
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    ck_arena_free(&a);
}

/* Stores example `name` of the shared folder (CK_SHARED_DIR/examples), held
 * by `team`, evaluated at as_of. */
static inline void ck_test_put_example(ck_db *db, const ck_engine *eng, const char *name, const char *team,
                                       ck_date as_of)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/examples/%s", CK_SHARED_DIR, name);
    size_t len;
    char *text = ck_test_slurp(path, &len);
    if (!text) fail_msg("cannot read %s", path);
    ck_case *c = ck_bundle_parse(text, len, err, sizeof err);
    if (!c) fail_msg("%s: %s", path, err);
    c->team = ck_arena_strdup(&c->arena, team);
    if (ck_cases_create(db, eng, c, as_of, err, sizeof err) != CK_OK) fail_msg("%s: %s", path, err);
    ck_case_free(c);
    free(text);
}

/* A community order from 2025-01-06 to 2026-01-05 for theft, held by team
 * `team`, allocated to `staff` of `grade` from 2025-01-07 (staff NULL:
 * unallocated), with a RoSH assessment of level `rosh` completed 2025-02-20
 * (NULL: none) and extra top-level lists spliced in (`more`, "" for none),
 * created at as_of. */
static inline void ck_test_put_case(ck_db *db, const char *crn, const char *team, const char *staff, const char *grade,
                                    const char *rosh, const char *more, const char *as_of)
{
    char json[4096], alloc[256] = "", assess[256] = "";
    if (staff)
        snprintf(alloc, sizeof alloc,
                 "{\"id\":\"AL1\",\"from\":\"2025-01-07\",\"staff_code\":\"%s\",\"grade\":\"%s\"}", staff, grade);
    if (rosh)
        snprintf(assess, sizeof assess, "{\"id\":\"AS1\",\"kind\":\"rosh\",\"completed\":\"2025-02-20\",\"level\":\"%s\"}",
                 rosh);
    snprintf(json, sizeof json,
             "{\"crn\":\"%s\",\"team\":\"%s\",\"person\":{\"forename\":\"P\",\"surname\":\"Q\"},"
             "\"allocations\":[%s],\"assessments\":[%s],"
             "\"events\":[{\"id\":\"E1\",\"offences\":[{\"id\":\"O1\",\"category\":\"theft\",\"main\":true}],"
             "\"sentence\":{\"type\":\"community_order\",\"date\":\"2025-01-06\",\"end_date\":\"2026-01-05\"}}]%s}",
             crn, team, alloc, assess, more);
    char err[1024];
    json_error_t je;
    json_t *j = json_loads(json, 0, &je);
    if (!j) fail_msg("json: %s", je.text);
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    if (!c) fail_msg("bundle: %s", err);
    json_decref(j);
    ck_engine eng = ck_engine_default();
    ck_test_ok(ck_cases_create(db, &eng, c, ck_test_date(as_of), err, sizeof err), err);
    ck_case_free(c);
}

/* ---- The PDU the web pages and the browser tests show ------------------------
 * Camden and Islington (N07PDU1, London N07), on 2025-06-02:
 *  - team N07T01 (the web tests' default team): a PO, a PO, an SPO, a VLO, a
 *    court officer and the head of PDU, N07P012;
 *  - team N07T02: SPO N07P020; PO N07P021, who left on 2025-05-20 still
 *    holding M000001-M000003 (lost: an ALLOCATE leaver obligation each,
 *    overdue); PO N07P022 with M000004-M000005 and 36.5 of her 37 hours
 *    reduced (over capacity); PSO N07P023 with M000007;
 *    agency PQiP N07P024; PO N07P025 on long-term absence; a PO vacancy and
 *    four funded PO posts; M000006 never allocated (RoSH high: POs only);
 *  - none of the M cases has its police or children's check (A2 fails for
 *    each), and the head of PDU rated leadership Good with evidence.
 * Cases already in the database (the page tests' examples) get the
 * organisation's holders by a recompute. */
#define CK_TEST_MANAGE_TODAY "2025-06-02"

static inline void ck_test_manage_fixture(ck_db *db, const ck_engine *eng)
{
    static const char *const org[] = {
        "{\"kind\":\"region\",\"code\":\"N07\",\"name\":\"London\"}",
        "{\"kind\":\"pdu\",\"code\":\"N07PDU1\",\"region\":\"N07\",\"name\":\"Camden and Islington\"}",
        "{\"kind\":\"office\",\"code\":\"N07OFF1\",\"pdu\":\"N07PDU1\",\"name\":\"Camden Probation Office\","
        "\"address\":\"1 Synthetic Street\"}",
        "{\"kind\":\"team\",\"code\":\"N07T01\",\"pdu\":\"N07PDU1\",\"name\":\"Camden North\",\"office\":\"Camden\"}",
        "{\"kind\":\"team\",\"code\":\"N07T02\",\"pdu\":\"N07PDU1\",\"name\":\"Camden South\",\"office\":\"Camden\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"N07T01\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P004\",\"team\":\"N07T01\",\"grade\":\"PO\",\"forename\":\"Kim\",\"surname\":\"Ahmed\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P009\",\"team\":\"N07T01\",\"grade\":\"SPO\",\"forename\":\"Sam\",\"surname\":\"Senior\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P010\",\"team\":\"N07T01\",\"grade\":\"VLO\",\"forename\":\"Val\",\"surname\":\"Liaison\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P011\",\"team\":\"N07T01\",\"grade\":\"court_officer\",\"forename\":\"Cal\",\"surname\":\"Court\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P012\",\"team\":\"N07T01\",\"grade\":\"head_of_pdu\",\"forename\":\"Hana\",\"surname\":\"Head\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P020\",\"team\":\"N07T02\",\"grade\":\"SPO\",\"forename\":\"Sol\",\"surname\":\"Supervisor\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P021\",\"team\":\"N07T02\",\"grade\":\"PO\",\"forename\":\"Lee\",\"surname\":\"Leaver\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P022\",\"team\":\"N07T02\",\"grade\":\"PO\",\"forename\":\"Ana\",\"surname\":\"Able\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P023\",\"team\":\"N07T02\",\"grade\":\"PSO\",\"forename\":\"Pip\",\"surname\":\"Support\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P024\",\"team\":\"N07T02\",\"grade\":\"PQiP\",\"forename\":\"Quinn\",\"surname\":\"Trainee\","
        "\"agency\":true}",
        "{\"kind\":\"staff\",\"code\":\"N07P025\",\"team\":\"N07T02\",\"grade\":\"PO\",\"forename\":\"Abe\",\"surname\":\"Away\","
        "\"status\":\"long_term_absence\",\"absence_from\":\"2025-04-01\"}",
        "{\"kind\":\"vacancy\",\"team\":\"N07T02\",\"grade\":\"PO\",\"since\":\"2025-03-01\"}",
    };
    char err[1024];
    ck_date today = ck_test_date(CK_TEST_MANAGE_TODAY);
    ck_test_load_org(db, org, sizeof org / sizeof org[0]);
    ck_test_ok(ck_cases_recompute_all(db, eng, today, 100, NULL, NULL, err, sizeof err), err);
    static const struct {
        const char *crn, *staff, *grade, *rosh;
    } cases[] = {
        {"M000001", "N07P021", "PO", "low"},   {"M000002", "N07P021", "PO", "medium"},
        {"M000003", "N07P021", "PO", "low"},   {"M000004", "N07P022", "PO", "low"},
        {"M000005", "N07P022", "PO", "medium"}, {"M000006", NULL, NULL, "high"},
        {"M000007", "N07P023", "PSO", "low"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_test_put_case(db, cases[i].crn, "N07T02", cases[i].staff, cases[i].grade, cases[i].rosh, "",
                         CK_TEST_MANAGE_TODAY);
    ck_test_ok(ck_workforce_set_posts(db, "N07T02", "PO", 4, err, sizeof err), err);
    ck_test_ok(ck_workforce_add_reduction(db, "N07P022", "Court duty", 36.5, ck_test_date("2025-05-01"), CK_NODATE, err,
                                          sizeof err), err);
    ck_test_ok(ck_workforce_staff_leaves(db, eng, "N07P021", ck_test_date("2025-05-20"), false, today, NULL, err,
                                         sizeof err), err);
    ck_test_ok(ck_inspection_org_put(db, "N07PDU1", CK_STD_LEADERSHIP, CK_RATING_GOOD,
                                     "Staff survey March 2025: 78% say their manager supports them", "N07P012",
                                     ck_test_date("2025-03-15"), err, sizeof err), err);
}

#endif
