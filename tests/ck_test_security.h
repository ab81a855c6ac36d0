/* The security suites' world (include after ck_test.h): an organisation of
 * two regions, three PDUs and four teams; one account per role, each linked
 * to a staff member of team T1 in PDU P1 (region R1) where the role needs
 * one; and cases placed around them, each with a victim whose details are
 * markers no response to anyone but victim liaison staff may ever contain.
 *
 *   region R1: PDU P1 (teams T1, T2), PDU P2 (team T3)
 *   region R2: PDU P3 (team T4)
 *
 * The cases (sec_cases) are held by: the practitioner herself (own), a
 * colleague in T1 (team), a practitioner in T2 (pdu), one in T3 (region),
 * one in T4 (far), and a T1 case that excludes every account (excluded). */
#ifndef CK_TEST_SECURITY_H
#define CK_TEST_SECURITY_H
#include "ck_access.h"
#include "ck_audit.h"
#include "ck_bundle.h"
#include "ck_org.h"
#include "ck_org_codec.h"
#include "ck_roles.h"
#include "ck_users.h"
#include <jansson.h>

#define SEC_EXAMPLE "tests/data/bundle_example.json"

/* The example bundle (SEC_EXAMPLE) as crn with these contacts (the JSON
 * text of an array), and without its enforcement and decisions, which
 * name the example's own contacts: as JSON, and parsed. */
static inline json_t *sec_example_json(const char *crn, const char *contacts)
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

static inline ck_case *sec_example_with(const char *crn, const char *contacts)
{
    json_t *j = sec_example_json(crn, contacts);
    char err[1024];
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    json_decref(j);
    if (!c) fail_msg("bundle: %s", err);
    return c;
}
#define SEC_PASSWORD "correct horse battery staple"
#define SEC_NOW ((int64_t)1762160000) /* 2025-11-03 08:53 UTC */

static const char *const sec_org[] = {
    "{\"kind\":\"region\",\"code\":\"R1\",\"name\":\"North\"}",
    "{\"kind\":\"region\",\"code\":\"R2\",\"name\":\"South\"}",
    "{\"kind\":\"pdu\",\"code\":\"P1\",\"region\":\"R1\",\"name\":\"P one\"}",
    "{\"kind\":\"pdu\",\"code\":\"P2\",\"region\":\"R1\",\"name\":\"P two\"}",
    "{\"kind\":\"pdu\",\"code\":\"P3\",\"region\":\"R2\",\"name\":\"P three\"}",
    "{\"kind\":\"team\",\"code\":\"T1\",\"pdu\":\"P1\",\"name\":\"T one\"}",
    "{\"kind\":\"team\",\"code\":\"T2\",\"pdu\":\"P1\",\"name\":\"T two\"}",
    "{\"kind\":\"team\",\"code\":\"T3\",\"pdu\":\"P2\",\"name\":\"T three\"}",
    "{\"kind\":\"team\",\"code\":\"T4\",\"pdu\":\"P3\",\"name\":\"T four\"}",
    "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"One\"}",
    "{\"kind\":\"staff\",\"code\":\"N07P002\",\"team\":\"T1\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Two\"}",
    "{\"kind\":\"staff\",\"code\":\"N07P003\",\"team\":\"T2\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Three\"}",
    "{\"kind\":\"staff\",\"code\":\"N07P004\",\"team\":\"T3\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Four\"}",
    "{\"kind\":\"staff\",\"code\":\"N07P005\",\"team\":\"T4\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Five\"}",
    "{\"kind\":\"staff\",\"code\":\"N07S001\",\"team\":\"T1\",\"grade\":\"SPO\",\"forename\":\"Sam\",\"surname\":\"Senior\"}",
    "{\"kind\":\"staff\",\"code\":\"N07H001\",\"team\":\"T1\",\"grade\":\"head_of_pdu\",\"forename\":\"Hal\",\"surname\":\"Head\"}",
    "{\"kind\":\"staff\",\"code\":\"N07C001\",\"team\":\"T2\",\"grade\":\"court_officer\",\"forename\":\"Cal\",\"surname\":\"Court\"}",
    "{\"kind\":\"staff\",\"code\":\"N07V001\",\"team\":\"T1\",\"grade\":\"VLO\",\"forename\":\"Val\",\"surname\":\"Liaison\"}",
};

/* One account per role (index = ck_role), with its staff code. */
static const struct {
    const char *username, *staff;
} sec_users[CK_ROLE_COUNT] = {
    [CK_ROLE_PRACTITIONER] = {"prac", "N07P001"}, [CK_ROLE_SPO] = {"spo", "N07S001"},
    [CK_ROLE_HEAD_OF_PDU] = {"head", "N07H001"},  [CK_ROLE_COURT_OFFICER] = {"court", "N07C001"},
    [CK_ROLE_VLO] = {"vlo", "N07V001"},           [CK_ROLE_QA] = {"qa", NULL},
    [CK_ROLE_ADMIN] = {"admin", NULL},
};

typedef enum sec_where { SEC_OWN, SEC_TEAM, SEC_PDU, SEC_REGION, SEC_FAR, SEC_EXCLUDED, SEC_N_CASES } sec_where;

static const struct {
    const char *crn, *staff, *label;
    ck_place place; /* where the store must derive it to be */
} sec_cases[SEC_N_CASES] = {
    [SEC_OWN] = {"S100001", "N07P001", "own", {"N07P001", "T1", "P1", "R1"}},
    [SEC_TEAM] = {"S100002", "N07P002", "team", {"N07P002", "T1", "P1", "R1"}},
    [SEC_PDU] = {"S100003", "N07P003", "pdu", {"N07P003", "T2", "P1", "R1"}},
    [SEC_REGION] = {"S100004", "N07P004", "region", {"N07P004", "T3", "P2", "R1"}},
    [SEC_FAR] = {"S100005", "N07P005", "far", {"N07P005", "T4", "P3", "R2"}},
    [SEC_EXCLUDED] = {"S100006", "N07P002", "excluded", {"N07P002", "T1", "P1", "R1"}},
};

#define SEC_EXCLUSION_MESSAGE "Excluded: contact Pat Two in T1."

/* Victim markers of case i: strings no one but victim liaison staff may see. */
static inline void sec_victim_marker(int i, const char *what, char *out, size_t n)
{
    snprintf(out, n, "VICTIM-%s-%d-Zq", what, i);
}
static const char *const sec_victim_fields[] = {"name", "address", "phone", "email", "notes"};

static inline void sec_org_import(ck_db *db)
{
    char err[512];
    ck_arena a;
    ck_arena_init(&a);
    ck_org_import *imp = ck_org_import_new(db);
    if (ck_db_begin_write(db) != CK_DB_OK) fail_msg("begin: %s", ck_db_errmsg(db));
    for (size_t i = 0; i < sizeof sec_org / sizeof *sec_org; i++) {
        ck_org_record r;
        if (ck_org_parse(sec_org[i], strlen(sec_org[i]), &a, &r, err, sizeof err) != CK_OK ||
            ck_org_import_put(imp, &r, err, sizeof err) != CK_OK)
            fail_msg("org line %zu: %s", i, err);
    }
    if (ck_db_commit(db) != CK_DB_OK) fail_msg("commit: %s", ck_db_errmsg(db));
    ck_org_import_free(imp);
    ck_arena_free(&a);
}

/* The example bundle as case i: its CRN, allocated to its staff member, with
 * one victim carrying case i's markers. New reference. */
static inline json_t *sec_case_json(int i)
{
    json_error_t je;
    json_t *j = json_load_file(SEC_EXAMPLE, 0, &je);
    if (!j) fail_msg("%s: %s", SEC_EXAMPLE, je.text);
    json_object_set_new(j, "crn", json_string(sec_cases[i].crn));
    json_t *al = json_array_get(json_object_get(j, "allocations"), 0);
    json_object_set_new(al, "staff_code", json_string(sec_cases[i].staff));
    json_t *v = json_array_get(json_object_get(j, "victims"), 0);
    for (size_t k = 0; k < sizeof sec_victim_fields / sizeof *sec_victim_fields; k++) {
        char m[64];
        sec_victim_marker(i, sec_victim_fields[k], m, sizeof m);
        json_object_set_new(v, sec_victim_fields[k], json_string(m));
    }
    return j;
}

/* Accounts (with SEC_PASSWORD when `passwords`, else token-only), every case
 * of sec_cases, and the excluded case's exclusion of every account. */
static inline void sec_world(ck_db *db, bool passwords, ck_date as_of)
{
    char err[1024];
    ck_principal sys;
    ck_principal_system(&sys, "test");
    sec_org_import(db);
    for (int r = 0; r < CK_ROLE_COUNT; r++)
        if (ck_user_add(db, &sys, sec_users[r].username, (ck_role)r, sec_users[r].staff, passwords ? SEC_PASSWORD : NULL,
                        SEC_NOW, NULL, err, sizeof err) != CK_OK)
            fail_msg("user %s: %s", sec_users[r].username, err);
    ck_engine eng = ck_engine_default();
    for (int i = 0; i < SEC_N_CASES; i++) {
        json_t *j = sec_case_json(i);
        ck_case *c = ck_bundle_from_json(j, err, sizeof err);
        json_decref(j);
        if (!c) fail_msg("case %d: %s", i, err);
        if (ck_cases_create(db, &eng, c, as_of, err, sizeof err) != CK_OK) fail_msg("create %d: %s", i, err);
        ck_case_free(c);
    }
    for (int r = 0; r < CK_ROLE_COUNT; r++)
        if (ck_lao_add(db, &sys, sec_cases[SEC_EXCLUDED].crn, CK_LAO_EXCLUSION, sec_users[r].username,
                       SEC_EXCLUSION_MESSAGE, err, sizeof err) != CK_OK)
            fail_msg("exclude %s: %s", sec_users[r].username, err);
}

/* Every permission role r holds, as a bit set. */
static inline uint32_t sec_held(int r)
{
    uint32_t held = 0;
    for (int k = 0; k < CK_PERM_COUNT; k++)
        if (ck_role_scope((ck_role)r, (ck_perm)k) != CK_SCOPE_NONE) held |= 1u << k;
    return held;
}

/* A new API token of role r's account with every permission the role holds. */
static inline void sec_token(ck_db *db, int r, char token[CK_API_TOKEN_LEN + 1])
{
    char err[512];
    ck_principal sys;
    ck_principal_system(&sys, "test");
    if (ck_token_add(db, &sys, sec_users[r].username, sec_held(r), NULL, SEC_NOW, 0, token, NULL, err, sizeof err) !=
        CK_OK)
        fail_msg("token for %s: %s", sec_users[r].username, err);
}

/* The principal of role r's account. */
static inline void sec_principal(ck_db *db, int r, ck_principal *p)
{
    char err[512], token[CK_API_TOKEN_LEN + 1];
    sec_token(db, r, token);
    if (ck_token_lookup(db, token, SEC_NOW, p, err, sizeof err) != CK_OK) fail_msg("lookup: %s", err);
}

/* Whether role r's scope for perm covers case i (the matrix, applied by hand). */
static inline bool sec_expect(int r, ck_perm perm, int i)
{
    if (i == SEC_EXCLUDED) return false;
    ck_scope s = ck_role_scope((ck_role)r, perm);
    const ck_place *c = &sec_cases[i].place;
    static const ck_place t1 = {"", "T1", "P1", "R1"}, t2 = {"", "T2", "P1", "R1"}, none = {"", "", "", ""};
    const ck_place *me = !sec_users[r].staff ? &none : r == CK_ROLE_COURT_OFFICER ? &t2 : &t1;
    const char *staff = sec_users[r].staff ? sec_users[r].staff : "";
    switch (s) {
    case CK_SCOPE_NONE: return false;
    case CK_SCOPE_ALL: return true;
    case CK_SCOPE_TEAM: return strcmp(staff, c->staff) == 0 || strcmp(me->team, c->team) == 0;
    case CK_SCOPE_PDU: return strcmp(staff, c->staff) == 0 || strcmp(me->pdu, c->pdu) == 0;
    case CK_SCOPE_REGION: return strcmp(staff, c->staff) == 0 || strcmp(me->region, c->region) == 0;
    }
    return false;
}

#endif
