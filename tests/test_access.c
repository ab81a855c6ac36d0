/* Scope, limited access and victim segregation in the store itself
 * (store/ck_access), on SQLite and PostgreSQL: what each role can read and
 * change, what searches and worklists show, and that victims' details are
 * never loaded for anyone but victim liaison staff. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_security.h"

#define AS_OF_Y 2025, 11, 3

static void expect_rc(ck_rc got, ck_rc want, const char *err)
{
    if (got != want) fail_msg("rc %d, expected %d: %s", got, want, err);
}

static ck_date as_of(void) { return ck_date_ymd(AS_OF_Y); }

/* Every role against every case: ck_access_check answers as the matrix says. */
/* The test's database holding the security world at as_of(). */
static ck_db *world(void **state)
{
    ck_db *db = ck_test_db_get(state);
    sec_world(db, false, as_of());
    return db;
}

static void test_scope_matrix(void **state)
{
    ck_db *db = world(state);
    char err[512];
    /* The store placed each case where the fixture says. */
    ck_principal sys;
    ck_principal_system(&sys, "test");
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        ck_principal p;
        sec_principal(db, r, &p);
        for (int perm = 0; perm < CK_PERM_COUNT; perm++) {
            if (!ck_perm_is_case((ck_perm)perm)) continue;
            for (int i = 0; i < SEC_N_CASES; i++) {
                ck_rc rc = ck_access_check(db, &p, (ck_perm)perm, sec_cases[i].crn, CK_LOCK_NONE, NULL, err, sizeof err);
                bool want = sec_expect(r, (ck_perm)perm, i);
                if ((rc == CK_OK) != want || (rc != CK_OK && rc != CK_ERR_DENIED))
                    fail_msg("%s %s on the %s case: rc %d (%s), expected %s", ck_role_names[r], ck_perm_names[perm],
                             sec_cases[i].label, rc, err, want ? "allowed" : "denied");
                if (i == SEC_EXCLUDED) assert_string_equal(err, SEC_EXCLUSION_MESSAGE);
            }
        }
    }
    expect_rc(ck_access_check(db, &sys, CK_PERM_CASE_READ, "NOSUCH1", CK_LOCK_NONE, NULL, err, sizeof err),
              CK_ERR_NOTFOUND, err);
}

static bool has_marker(const ck_case *c, int i)
{
    for (size_t v = 0; v < c->n_victims; v++) {
        const ck_victim *x = &c->victims[v];
        const char *vals[] = {x->name, x->address, x->phone, x->email, x->notes};
        for (size_t k = 0; k < 5; k++) {
            char m[64];
            sec_victim_marker(i, sec_victim_fields[k], m, sizeof m);
            if (vals[k] && strcmp(vals[k], m) == 0) return true;
            if (vals[k]) fail_msg("victim field %s holds \"%s\"", sec_victim_fields[k], vals[k]);
        }
    }
    return false;
}

static void test_victims_loaded_only_for_vlo(void **state)
{
    ck_db *db = world(state);
    char err[512];
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        ck_principal p;
        sec_principal(db, r, &p);
        for (int i = 0; i < SEC_N_CASES; i++) {
            ck_case *c = NULL;
            ck_rc rc = ck_access_get(db, &p, sec_cases[i].crn, &c, err, sizeof err);
            if (!sec_expect(r, CK_PERM_CASE_READ, i)) {
                expect_rc(rc, CK_ERR_DENIED, err);
                assert_null(c);
                continue;
            }
            expect_rc(rc, CK_OK, err);
            assert_int_equal(c->n_victims, 1); /* that there are victims is not secret */
            assert_int_not_equal(c->victims[0].referred, CK_NODATE);
            bool shown = has_marker(c, i);
            bool want = r == CK_ROLE_VLO && sec_expect(r, CK_PERM_VICTIM_READ, i);
            if (shown != want)
                fail_msg("%s reading the %s case: victims' details %s", ck_role_names[r], sec_cases[i].label,
                         shown ? "shown" : "withheld");
            ck_case_free(c);
        }
    }
}

/* A replace by someone who may not write victims keeps them as stored; one
 * that would move the case needs allocate. */
static void test_replace_keeps_victims(void **state)
{
    ck_db *db = world(state);
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_principal prac, vlo, spo;
    sec_principal(db, CK_ROLE_PRACTITIONER, &prac);
    sec_principal(db, CK_ROLE_VLO, &vlo);
    sec_principal(db, CK_ROLE_SPO, &spo);
    ck_case *c = NULL, *stored = NULL;
    expect_rc(ck_access_get(db, &prac, sec_cases[SEC_OWN].crn, &c, err, sizeof err), CK_OK, err);
    c->victims[0].name = "Blanked by a round trip";
    expect_rc(ck_access_replace(db, &prac, &eng, c, as_of(), NULL, &stored, err, sizeof err), CK_OK, err);
    assert_null(stored->victims[0].name);
    ck_case_free(stored);
    expect_rc(ck_access_get(db, &vlo, sec_cases[SEC_OWN].crn, &stored, err, sizeof err), CK_OK, err);
    assert_true(has_marker(stored, SEC_OWN));
    ck_case_free(stored);

    /* Reallocating through a replace: a practitioner may not, an SPO may. */
    ck_allocation *al = &c->allocations[0];
    al->staff_code = "N07P002";
    expect_rc(ck_access_replace(db, &prac, &eng, c, as_of(), NULL, NULL, err, sizeof err), CK_ERR_DENIED, err);
    assert_non_null(strstr(err, "allocate"));
    expect_rc(ck_access_replace(db, &spo, &eng, c, as_of(), NULL, NULL, err, sizeof err), CK_OK, err);
    ck_case_free(c);

    /* Victim records need victim:write whatever the caller says the route needs. */
    ck_victim v = {.id = "V9", .event = "E1", .scheme = "statutory", .name = "New Victim"};
    v.referred = v.first_contact = v.opted_on = v.representations = CK_NODATE;
    v.release_notified = v.recall_notified = CK_NODATE;
    expect_rc(ck_access_add(db, &prac, CK_PERM_CASE_WRITE, &eng, sec_cases[SEC_OWN].crn, "victims", &v, as_of(), NULL, err,
                            sizeof err),
              CK_ERR_DENIED, err);
    expect_rc(ck_access_add(db, &vlo, CK_PERM_VICTIM_WRITE, &eng, sec_cases[SEC_OWN].crn, "victims", &v, as_of(), NULL, err,
                            sizeof err),
              CK_OK, err);
}

static void test_search_and_worklists_filtered(void **state)
{
    ck_db *db = world(state);
    char err[512];
    for (int r = 0; r < CK_ROLE_COUNT; r++) {
        ck_principal p;
        sec_principal(db, r, &p);
        size_t want = 0;
        for (int i = 0; i < SEC_N_CASES; i++) want += sec_expect(r, CK_PERM_CASE_READ, i);
        ck_case_list *l = NULL;
        expect_rc(ck_access_search(db, &p, "S1000", 100, 0, &l, err, sizeof err), CK_OK, err);
        if (l->total != want || l->n != want)
            fail_msg("%s: search found %zu (total %zu), expected %zu", ck_role_names[r], l->n, l->total, want);
        for (size_t k = 0; k < l->n; k++)
            for (int i = 0; i < SEC_N_CASES; i++)
                if (strcmp(l->items[k].crn, sec_cases[i].crn) == 0 && !sec_expect(r, CK_PERM_CASE_READ, i))
                    fail_msg("%s: search shows the %s case", ck_role_names[r], sec_cases[i].label);
        ck_case_list_free(l);
        /* The excluded case's team worklist: its obligations never appear. */
        ck_worklist_query q = {.team = "T1", .statuses = ~0u, .as_of = as_of(), .limit = 500};
        ck_worklist *w = NULL;
        expect_rc(ck_access_worklist(db, &p, &q, &w, err, sizeof err), CK_OK, err);
        for (size_t k = 0; k < w->n; k++)
            for (int i = 0; i < SEC_N_CASES; i++)
                if (strcmp(w->items[k].crn, sec_cases[i].crn) == 0 && !sec_expect(r, CK_PERM_CASE_READ, i))
                    fail_msg("%s: worklist shows the %s case", ck_role_names[r], sec_cases[i].label);
        if (sec_expect(r, CK_PERM_CASE_READ, SEC_TEAM) && w->total == 0)
            fail_msg("%s: the T1 worklist is empty", ck_role_names[r]);
        ck_worklist_free(w);
    }
}

static void test_restriction(void **state)
{
    ck_db *db = world(state);
    char err[512];
    ck_principal sys, prac, spo;
    ck_principal_system(&sys, "test");
    sec_principal(db, CK_ROLE_PRACTITIONER, &prac);
    sec_principal(db, CK_ROLE_SPO, &spo);
    const char *crn = sec_cases[SEC_TEAM].crn;
    expect_rc(ck_lao_add(db, &sys, crn, CK_LAO_RESTRICTION, "spo", "Restricted: ask Sam Senior.", err, sizeof err),
              CK_OK, err);
    ck_case *c = NULL;
    expect_rc(ck_access_get(db, &prac, crn, &c, err, sizeof err), CK_ERR_DENIED, err);
    assert_string_equal(err, "Restricted: ask Sam Senior.");
    expect_rc(ck_access_get(db, &spo, crn, &c, err, sizeof err), CK_OK, err);
    ck_case_free(c);
    ck_case_list *l = NULL;
    expect_rc(ck_access_search(db, &prac, crn, 10, 0, &l, err, sizeof err), CK_OK, err);
    assert_int_equal(l->total, 0);
    ck_case_list_free(l);
    /* Emptying the list keeps everyone out; clearing lets them back. */
    expect_rc(ck_lao_remove(db, &sys, crn, CK_LAO_RESTRICTION, "spo", err, sizeof err), CK_OK, err);
    expect_rc(ck_access_get(db, &spo, crn, &c, err, sizeof err), CK_ERR_DENIED, err);
    expect_rc(ck_lao_clear(db, &sys, crn, err, sizeof err), CK_OK, err);
    expect_rc(ck_access_get(db, &prac, crn, &c, err, sizeof err), CK_OK, err);
    ck_case_free(c);
    ck_lao lao;
    expect_rc(ck_lao_get(db, crn, &lao, NULL, NULL, err, sizeof err), CK_OK, err);
    assert_false(lao.restricted);
}

/* "The system principal (the operator's tools) is not subject to" limited
 * access (ck_access.h): it reads the excluded case and a restricted one. */
static void test_system_not_limited(void **state)
{
    ck_db *db = world(state);
    char err[512];
    ck_principal sys;
    ck_principal_system(&sys, "test");
    ck_case *c = NULL;
    expect_rc(ck_access_get(db, &sys, sec_cases[SEC_EXCLUDED].crn, &c, err, sizeof err), CK_OK, err);
    ck_case_free(c);
    expect_rc(ck_lao_add(db, &sys, sec_cases[SEC_TEAM].crn, CK_LAO_RESTRICTION, "spo", NULL, err, sizeof err), CK_OK,
              err);
    expect_rc(ck_access_get(db, &sys, sec_cases[SEC_TEAM].crn, &c, err, sizeof err), CK_OK, err);
    ck_case_free(c);
}

/* A unit (a PDU, or a region by name): a PDU-wide role reaches its own PDU
 * only, a region-wide one its own region only, ALL everything. */
static void test_unit_reach(void **state)
{
    ck_db *db = world(state);
    char err[512];
    ck_principal prac, vlo, qa;
    sec_principal(db, CK_ROLE_PRACTITIONER, &prac);
    sec_principal(db, CK_ROLE_VLO, &vlo);
    sec_principal(db, CK_ROLE_QA, &qa);
    expect_rc(ck_access_unit(db, &prac, CK_PERM_CASE_READ, "P1", NULL, err, sizeof err), CK_OK, err);
    expect_rc(ck_access_unit(db, &prac, CK_PERM_CASE_READ, "P2", NULL, err, sizeof err), CK_ERR_DENIED, err);
    expect_rc(ck_access_unit(db, &prac, CK_PERM_CASE_READ, NULL, "R1", err, sizeof err), CK_ERR_DENIED, err);
    expect_rc(ck_access_unit(db, &vlo, CK_PERM_CASE_READ, NULL, "R1", err, sizeof err), CK_OK, err);
    expect_rc(ck_access_unit(db, &vlo, CK_PERM_CASE_READ, NULL, "R2", err, sizeof err), CK_ERR_DENIED, err);
    expect_rc(ck_access_unit(db, &vlo, CK_PERM_CASE_READ, "P2", NULL, err, sizeof err), CK_OK, err);
    expect_rc(ck_access_unit(db, &vlo, CK_PERM_CASE_READ, "P3", NULL, err, sizeof err), CK_ERR_DENIED, err);
    expect_rc(ck_access_unit(db, &qa, CK_PERM_CASE_READ, "P3", NULL, err, sizeof err), CK_OK, err);
    expect_rc(ck_access_unit(db, &prac, CK_PERM_PDU_READ, "P1", NULL, err, sizeof err), CK_ERR_DENIED, err);
    expect_rc(ck_access_unit(db, &prac, CK_PERM_CASE_READ, "P9", NULL, err, sizeof err), CK_ERR_NOTFOUND, err);
}

/* A list of items naming cases (a drill-down's, an allocation board's) keeps
 * only the cases the principal may read, in their order; an item without a
 * CRN is dropped too (ck_access.h). */
typedef struct item {
    int tag;
    const char *crn;
} item;

static void test_drop_unseen(void **state)
{
    ck_db *db = world(state);
    char err[512];
    ck_principal prac;
    sec_principal(db, CK_ROLE_PRACTITIONER, &prac);
    item items[SEC_N_CASES + 2];
    size_t n = 0;
    for (int i = 0; i < SEC_N_CASES; i++) items[n++] = (item){i, sec_cases[i].crn};
    items[n++] = (item){SEC_N_CASES, "NOSUCH1"};
    items[n++] = (item){SEC_N_CASES + 1, NULL};
    expect_rc(ck_access_drop_unseen(db, &prac, items, sizeof *items, offsetof(item, crn), &n, err, sizeof err), CK_OK,
              err);
    size_t k = 0;
    for (int i = 0; i < SEC_N_CASES; i++) {
        if (!sec_expect(CK_ROLE_PRACTITIONER, CK_PERM_CASE_READ, i)) continue;
        if (k >= n || items[k].tag != i || strcmp(items[k].crn, sec_cases[i].crn) != 0)
            fail_msg("the %s case is not kept in its place", sec_cases[i].label);
        k++;
    }
    assert_int_equal(n, k);
    assert_true(k > 0 && k < SEC_N_CASES);
}

static void test_scope_covers(void **state)
{
    (void)state;
    ck_principal p;
    memset(&p, 0, sizeof p);
    p.role = CK_ROLE_PRACTITIONER;
    p.scopes = CK_PERM_ALL;
    ck_place nobody, mine = {"N07P001", "T1", "P1", "R1"}, elsewhere = {"N07P001", "T4", "P3", "R2"};
    memset(&nobody, 0, sizeof nobody);
    for (ck_scope s = CK_SCOPE_TEAM; s <= CK_SCOPE_REGION; s++) {
        assert_false(ck_scope_covers(&p, s, &nobody)); /* no staff record, a case nobody holds */
        assert_false(ck_scope_covers(&p, s, &mine));
    }
    assert_true(ck_scope_covers(&p, CK_SCOPE_ALL, &nobody));
    assert_false(ck_scope_covers(&p, CK_SCOPE_NONE, &nobody));
    p.place = mine;
    for (ck_scope s = CK_SCOPE_TEAM; s <= CK_SCOPE_REGION; s++) {
        assert_true(ck_scope_covers(&p, s, &mine));
        assert_true(ck_scope_covers(&p, s, &elsewhere)); /* his own case, held far away */
        assert_false(ck_scope_covers(&p, s, &nobody));
    }
    /* A credential's scopes (an API token's) narrow the role: without
     * case:write in them, the practitioner has no case:write at all. */
    p.scopes = 1u << CK_PERM_CASE_READ;
    assert_int_equal(ck_principal_scope(&p, CK_PERM_CASE_READ), CK_SCOPE_PDU);
    assert_int_equal(ck_principal_scope(&p, CK_PERM_CASE_WRITE), CK_SCOPE_NONE);
    p.scopes = CK_PERM_ALL;
    assert_int_equal(ck_principal_scope(&p, CK_PERM_CASE_WRITE), CK_SCOPE_TEAM);
    /* A case held in T2 of P1 by someone else. */
    ck_place t2 = {"N07P003", "T2", "P1", "R1"};
    assert_false(ck_scope_covers(&p, CK_SCOPE_TEAM, &t2));
    assert_true(ck_scope_covers(&p, CK_SCOPE_PDU, &t2));
}

/* case:create: "the new case must land in the creator's case:create scope
 * (CK_ERR_DENIED, nothing written, otherwise)" (ck_access.h). The court
 * officer (PDU P1) creates a case held in P1, and is refused one held in P3. */
static void test_create_within_scope(void **state)
{
    ck_db *db = world(state);
    char err[512];
    ck_principal court, sys;
    sec_principal(db, CK_ROLE_COURT_OFFICER, &court);
    ck_principal_system(&sys, "test");
    ck_engine eng = ck_engine_default();
    static const struct { const char *crn; int held_like; ck_rc want; } tries[] = {
        {"S200001", SEC_PDU, CK_OK}, {"S200002", SEC_FAR, CK_ERR_DENIED}};
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        json_t *j = sec_case_json(tries[i].held_like);
        json_object_set_new(j, "crn", json_string(tries[i].crn));
        ck_case *c = ck_bundle_from_json(j, err, sizeof err);
        json_decref(j);
        assert_non_null(c);
        expect_rc(ck_access_create(db, &court, &eng, c, as_of(), err, sizeof err), tries[i].want, err);
        ck_case_free(c);
        ck_case *got = NULL;
        expect_rc(ck_access_get(db, &sys, tries[i].crn, &got, err, sizeof err),
                  tries[i].want == CK_OK ? CK_OK : CK_ERR_NOTFOUND, err);
        ck_case_free(got);
    }
}

static void test_reads_audited(void **state)
{
    ck_db *db = world(state);
    char err[512];
    ck_principal vlo;
    sec_principal(db, CK_ROLE_VLO, &vlo);
    snprintf(vlo.client, sizeof vlo.client, "198.51.100.4");
    snprintf(vlo.request_id, sizeof vlo.request_id, "req-42");
    ck_case *c = NULL;
    expect_rc(ck_access_get(db, &vlo, sec_cases[SEC_OWN].crn, &c, err, sizeof err), CK_OK, err);
    ck_case_free(c);
    ck_stmt *st = ck_db_prepare(db, "SELECT \"actor\", \"action\", \"crn\", \"client\", \"request_id\" FROM \"audit_log\" "
                                    "ORDER BY \"seq\" DESC LIMIT 2");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 1), "victim.read");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "vlo");
    assert_string_equal(ck_stmt_text(st, 1), "case.read");
    assert_string_equal(ck_stmt_text(st, 2), sec_cases[SEC_OWN].crn);
    assert_string_equal(ck_stmt_text(st, 3), "198.51.100.4");
    assert_string_equal(ck_stmt_text(st, 4), "req-42");
    ck_stmt_reset(st);
    /* A refused write leaves neither the change nor an audit entry. */
    int64_t n0, n1, bad;
    char why[256], head[CK_AUDIT_HASH_HEX + 1];
    expect_rc(ck_audit_verify(db, &n0, &bad, why, sizeof why, head, err, sizeof err), CK_OK, err);
    ck_engine eng = ck_engine_default();
    ck_contact k = {.id = "C9", .event = "E1", .type = "COAP", .hours = CK_NOINT};
    k.date = as_of();
    k.outcome_on = k.booked_on = CK_NODATE;
    expect_rc(ck_access_add(db, &vlo, CK_PERM_CASE_WRITE, &eng, sec_cases[SEC_OWN].crn, "contacts", &k, as_of(), NULL, err,
                            sizeof err),
              CK_ERR_DENIED, err);
    expect_rc(ck_audit_verify(db, &n1, &bad, why, sizeof why, head, err, sizeof err), CK_OK, err);
    assert_int_equal(n1, n0);
    assert_int_equal(bad, 0);
}

/* Versions: each write bumps the case's version once and names its author;
 * a write naming an older version is refused and writes nothing; the daily
 * recompute is not a write of the case. */
static void test_versions(void **state)
{
    ck_db *db = world(state);
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_principal prac, spo;
    sec_principal(db, CK_ROLE_PRACTITIONER, &prac);
    sec_principal(db, CK_ROLE_SPO, &spo);
    const char *crn = sec_cases[SEC_OWN].crn;
    ck_case *c = NULL;
    expect_rc(ck_access_get(db, &prac, crn, &c, err, sizeof err), CK_OK, err);
    int64_t v1 = c->version;
    assert_true(v1 >= 1);

    ck_write_check wc = {.if_match = v1};
    c->person.surname = "Versioned";
    expect_rc(ck_access_replace(db, &prac, &eng, c, as_of(), &wc, NULL, err, sizeof err), CK_OK, err);
    assert_int_equal(wc.now.version, v1 + 1);
    assert_string_equal(wc.now.changed_by, prac.username);
    assert_string_equal(wc.now.changed_by_name, "Pat One"); /* the account's staff member (N07P001) */
    assert_true(wc.now.changed_at > 0);

    /* The same version again is stale: refused, nothing written, the current version named. */
    c->person.surname = "Lost";
    wc = (ck_write_check){.if_match = v1};
    expect_rc(ck_access_replace(db, &spo, &eng, c, as_of(), &wc, NULL, err, sizeof err), CK_ERR_STALE, err);
    assert_int_equal(wc.now.version, v1 + 1);
    assert_string_equal(wc.now.changed_by, prac.username);
    assert_non_null(strstr(err, "version"));
    ck_case_free(c);
    expect_rc(ck_access_get(db, &prac, crn, &c, err, sizeof err), CK_OK, err);
    assert_string_equal(c->person.surname, "Versioned");
    assert_int_equal(c->version, v1 + 1);
    size_t contacts = c->n_contacts;
    ck_case_free(c);

    /* A record added with no check is written, bumps once and names its author. */
    ck_contact k = {.id = "CV1", .event = "E1", .type = "COAP", .national_standard = 1, .hours = CK_NOINT};
    k.date = as_of();
    k.outcome_on = k.booked_on = CK_NODATE;
    wc = (ck_write_check){0};
    expect_rc(ck_access_add(db, &spo, CK_PERM_CASE_WRITE, &eng, crn, "contacts", &k, as_of(), &wc, err, sizeof err),
              CK_OK, err);
    assert_int_equal(wc.now.version, v1 + 2);
    assert_string_equal(wc.now.changed_by, spo.username);
    /* ... and refused, unwritten, when it names an older version. */
    k.id = "CV2";
    wc = (ck_write_check){.if_match = v1 + 1};
    expect_rc(ck_access_add(db, &spo, CK_PERM_CASE_WRITE, &eng, crn, "contacts", &k, as_of(), &wc, err, sizeof err),
              CK_ERR_STALE, err);
    /* The nightly recompute changes no version. */
    expect_rc(ck_cases_recompute_all(db, &eng, as_of() + 1, 100, NULL, NULL, err, sizeof err), CK_OK, err);
    expect_rc(ck_access_get(db, &prac, crn, &c, err, sizeof err), CK_OK, err);
    assert_int_equal(c->n_contacts, contacts + 1);
    assert_int_equal(c->version, v1 + 2);
    ck_case_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_scope_matrix),          CK_DB_TEST(test_victims_loaded_only_for_vlo),
        CK_DB_TEST(test_replace_keeps_victims), CK_DB_TEST(test_search_and_worklists_filtered),
        CK_DB_TEST(test_restriction),           CK_DB_TEST(test_reads_audited),
        CK_DB_TEST(test_system_not_limited),    CK_DB_TEST(test_unit_reach),
        CK_DB_TEST(test_drop_unseen),           cmocka_unit_test(test_scope_covers),
        CK_DB_TEST(test_create_within_scope),
        CK_DB_TEST(test_versions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
