/* The tier V2 and OGRS3 against HMPPS's own tests (issue 20).
 *
 * Every row names the reference test or scenario it comes from:
 *  - ministryofjustice/hmpps-tier src/test/kotlin/.../integration/v2 (the *Test.kt files)
 *    ("v2 <Class>: <test>"), whose defaults (ResponseGenerator,
 *    IntegrationTestBase) are: a man, RSR 23, OGRS 21, registrations dated
 *    2021-02-01, a conviction of type NC (custody), and for
 *    restOfSetupWithMaleOffenderNoSevereNeeds a current assessment with no needs;
 *  - its BDD features src/test/resources/.../integration/bdd (the .feature files)
 *    ("bdd <feature>: <scenario>"). Two features (calculateROSHScore.6.4,
 *    MAPPA.6.7) still give very high RoSH and MAPPA M2/M3 30 points, the
 *    model before V2; the V2 calculator (ProtectLevelCalculator) gives 150,
 *    and the rows follow the calculator.
 *  - hmpps-arns-risk-actuarial-api OGRS3RiskProducerServiceTest (OGRS3).
 * Scenarios that set a score directly ("an offender scores 21 change
 * points", "an OGRS score of 59%") are rows over the pure functions; the
 * others are cases. Casekeeper's OGRS is its own OGRS3, so a row asks for a
 * person whose OGRS3 2-year score gives the reference's OGRS points:
 * OG_21 (a 2-year score in 20-29: 2 points, the reference's default 21),
 * OG_LOW (under 10: 0 points, the reference's "0"), OG_NONE (no offending
 * history: OGRS3 missing, 0 points, the reference's null). */
#include "ck_test.h"
#include "ck_facts.h"
#include "ck_ogrs3.h"
#include "ck_requirements.h"
#include "ck_rulecfg.h"
#include "ck_str.h"
#include "ck_tier.h"

#define CAP 8
#define ASOF "2025-06-02"

static ck_date D(const char *s) { return ck_test_date(s); }

enum { OG_21, OG_LOW, OG_NONE };
enum { NO_OASYS, OASYS };

typedef struct row {
    const char *ref;
    const char *gender;
    const char *sentences; /* "custody", "community_order", "custody,community_order"; "" none;
                              a '-' prefix: terminated the day before as_of; ":curfew+unpaid_work":
                              the requirements of that event (the reference's requirement codes
                              as Casekeeper's types: X restrictive is curfew, F non-restrictive
                              is rehabilitation_activity, W unpaid_work) */
    int32_t rsr;           /* hundredths; CK_NOINT none */
    int ogrs;
    const char *regs;      /* "MAPP:M2", "RHRH", "HREG:M2@2016-06-28", comma separated */
    int oasys;
    const char *needs;     /* "all:severe", "accommodation:standard,alcohol_misuse:no_need"; NULL none */
    int breaches;          /* breaches initiated 2025-03-01 on the first event */
    const char *tier;
    int protect_points;    /* -1: not checked */
    int change_points;     /* -1: not checked */
    const char *missing;   /* the missing keys in order, comma separated; NULL: not checked */
} row;

static ck_case *new_case(const row *r)
{
    ck_case *c = ck_case_new();
    c->crn = "X000001";
    c->person.gender = r->gender;
    if (r->ogrs == OG_LOW) {
        c->person.date_of_birth = D("1970-01-01"); /* 55 at the sentence: 1 sanction, first at 55 */
        c->person.has_offending_history = true;
        c->person.offending_history = (ck_history){1, 55};
    } else {
        c->person.date_of_birth = D("1980-01-01"); /* 45: 5 sanctions, first at 20 */
        c->person.has_offending_history = r->ogrs == OG_21;
        c->person.offending_history = (ck_history){5, 20};
    }
    c->events = ck_arena_array(&c->arena, CAP, sizeof *c->events);
    c->registrations = ck_arena_array(&c->arena, CAP, sizeof *c->registrations);
    c->assessments = ck_arena_array(&c->arena, CAP, sizeof *c->assessments);
    c->breaches = ck_arena_array(&c->arena, CAP, sizeof *c->breaches);
    return c;
}

static void add_event(ck_case *c, const char *spec, size_t len)
{
    bool terminated = len && spec[0] == '-';
    if (terminated) spec++, len--;
    const char *reqs = memchr(spec, ':', len);
    size_t reqs_len = reqs ? len - (size_t)(reqs + 1 - spec) : 0;
    if (reqs) len = (size_t)(reqs++ - spec);
    ck_event *e = &c->events[c->n_events];
    static const char *const ids[] = {"E1", "E2", "E3", "E4"};
    assert_true(c->n_events < 4);
    e->id = ids[c->n_events++];
    e->offences = ck_arena_array(&c->arena, 1, sizeof *e->offences);
    e->offences[0] = (ck_offence){"O1", NULL, "violence", 1, 0, CK_NODATE};
    e->n_offences = 1;
    e->has_sentence = true;
    bool custody = len == 7 && strncmp(spec, "custody", 7) == 0;
    e->sentence = (ck_sentence){custody ? "custody" : "community_order", D("2025-01-06"), custody ? 18 : 12,
                                custody ? D("2025-01-06") : CK_NODATE, D("2026-01-05"), CK_NODATE,
                                terminated ? D("2025-06-01") : CK_NODATE};
    e->requirements = ck_arena_array(&c->arena, 4, sizeof *e->requirements);
    while (reqs && reqs_len) {
        size_t n = 0;
        while (n < reqs_len && reqs[n] != '+') n++;
        const char *type = ck_vocab_find(ck_vocab_requirement_type, reqs, n);
        assert_non_null(type);
        assert_true(e->n_requirements < 4);
        e->requirements[e->n_requirements++] =
            (ck_requirement){"R", type, CK_NOINT, D("2025-01-06"), CK_NODATE, CK_NODATE, NULL, NULL};
        reqs += n + (n < reqs_len);
        reqs_len -= n + (n < reqs_len);
    }
}

static void add_reg(ck_case *c, const char *spec, size_t len)
{
    char buf[64];
    assert_true(len < sizeof buf);
    memcpy(buf, spec, len);
    buf[len] = '\0';
    char *at = strchr(buf, '@'), *colon = strchr(buf, ':');
    if (at) *at++ = '\0';
    if (colon) *colon++ = '\0';
    ck_registration *g = &c->registrations[c->n_registrations++];
    const char *level = colon ? ck_vocab_find(ck_vocab_mappa_level, colon, strlen(colon)) : NULL;
    if (colon) assert_non_null(level);
    *g = (ck_registration){"G", ck_vocab_find(ck_vocab_register, buf, strlen(buf)), D(at ? at : "2021-02-01"),
                           CK_NODATE, level, NULL, CK_NODATE, NULL, 0};
    assert_non_null(g->type);
}

static void set_needs(ck_needs *n, const char *spec)
{
    const char **fields[] = {&n->accommodation, &n->education_training_employment, &n->relationships,
                             &n->lifestyle_associates, &n->drug_misuse, &n->alcohol_misuse,
                             &n->thinking_behaviour, &n->attitudes};
    static const char *const names[] = {"accommodation", "education_training_employment", "relationships",
                                        "lifestyle_associates", "drug_misuse", "alcohol_misuse",
                                        "thinking_behaviour", "attitudes"};
    while (*spec) {
        size_t len = strcspn(spec, ",");
        const char *colon = memchr(spec, ':', len);
        assert_non_null(colon);
        const char *sev = ck_vocab_find(ck_vocab_need_severity, colon + 1, len - (size_t)(colon + 1 - spec));
        assert_non_null(sev);
        bool all = (size_t)(colon - spec) == 3 && strncmp(spec, "all", 3) == 0, found = all;
        for (size_t i = 0; i < 8; i++)
            if (all || (strlen(names[i]) == (size_t)(colon - spec) && strncmp(spec, names[i], (size_t)(colon - spec)) == 0)) {
                *fields[i] = sev;
                found = true;
            }
        assert_true(found);
        spec += len + (spec[len] == ',');
    }
}

static ck_case *build(const row *r)
{
    ck_case *c = new_case(r);
    for (const char *s = r->sentences; *s;) {
        size_t len = strcspn(s, ",");
        add_event(c, s, len);
        s += len + (s[len] == ',');
    }
    for (const char *s = r->regs ? r->regs : ""; *s;) {
        size_t len = strcspn(s, ",");
        add_reg(c, s, len);
        s += len + (s[len] == ',');
    }
    if (r->rsr != CK_NOINT)
        c->assessments[c->n_assessments++] = (ck_assessment){"AR", "rsr", D("2025-04-01"), NULL, r->rsr, false, {0}};
    if (r->oasys == OASYS) {
        ck_assessment *a = &c->assessments[c->n_assessments++];
        *a = (ck_assessment){"AO", "oasys", D("2025-05-01"), NULL, CK_NOINT, true, {0}};
        if (r->needs) set_needs(&a->needs, r->needs);
    }
    for (int i = 0; i < r->breaches; i++)
        c->breaches[c->n_breaches++] = (ck_breach){i ? "B2" : "B1", c->n_events > (size_t)i ? c->events[i].id : "E1",
                                                   D("2025-03-01"), CK_NODATE, CK_NODATE, NULL};
    return c;
}

static void check_rows(const row *rows, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        ck_case *c = build(r);
        ck_tier *t = malloc(sizeof *t);
        assert_non_null(t);
        ck_tier_case(c, D(ASOF), ck_rulecfg_default(), t);
        char missing[256];
        ck_tier_missing_keys(t, missing, sizeof missing);
        bool ok = strcmp(t->tier, r->tier) == 0 &&
                  (r->protect_points < 0 || t->protect_points == r->protect_points) &&
                  (r->change_points < 0 || t->change_points == r->change_points) &&
                  (!r->missing || strcmp(missing, r->missing) == 0) && t->provisional == (t->missing.n > 0);
        /* The OGRS profiles give what they promise (else the row proves nothing). */
        if (r->ogrs == OG_21) ok = ok && t->ogrs3.status == CK_SCORE_OK && t->ogrs3.p2 >= 20 && t->ogrs3.p2 <= 29;
        if (r->ogrs == OG_LOW) ok = ok && t->ogrs3.status == CK_SCORE_OK && t->ogrs3.p2 < 10;
        if (r->ogrs == OG_NONE) ok = ok && t->ogrs3.status != CK_SCORE_OK;
        if (!ok) {
            print_error("%s: expected %s (protect %d, change %d, missing \"%s\"), got %s (protect %d, change %d, "
                        "missing \"%s\", OGRS3 2-year %d)\n",
                        r->ref, r->tier, r->protect_points, r->change_points, r->missing ? r->missing : "*", t->tier,
                        t->protect_points, t->change_points, missing, t->ogrs3.p2);
            failed++;
        }
        free(t);
        ck_case_free(c);
    }
    assert_int_equal(failed, 0);
}

#define NONE CK_NOINT

/* ---- integration/v2 ----------------------------------------------------------- */

static const row v2_rows[] = {
    {"v2 TierCalculationV2Test: no NSis returned Female Offender", "F", "custody", NONE, OG_NONE, NULL, NO_OASYS,
     NULL, 0, "D2", 0, 0, "rsr,rosh"},
    {"v2 TierCalculationV2Test: Does write back when tier is unchanged", "M", "custody", 2300, OG_21, "MAPP:M2",
     NO_OASYS, NULL, 0, "A2", 170, 0, "rosh"},
    {"v2 TierCalculationV2Test: Does write back when calculation result differs but tier is unchanged (second)", "M",
     "custody", 2300, OG_LOW, "MAPP:M2", OASYS, "all:severe", 0, "A3", 170, 20, "rosh"},
    {"v2 TierCalculationV2Test: writes back when change level is changed (second)", "M", "custody", 2300, OG_21,
     "MAPP:M2", OASYS, NULL, 0, "A1", 170, 2, "rosh"},
    {"v2 TierCalculationV2Test: calculation is done based on san threshold (no need)", "M", "custody", 2300, OG_21,
     NULL, OASYS, "all:no_need", 0, "B1", 20, 2, "rosh"},
    {"v2 TierCalculationV2Test: calculation is done based on san threshold (standard)", "M", "custody", 2300, OG_21,
     NULL, OASYS, "all:standard", 0, "B2", 20, 12, "rosh"},
    {"v2 TierCalculationV2Test: calculation is done based on san threshold (severe)", "M", "custody", 2300, OG_21,
     NULL, OASYS, "all:severe", 0, "B3", 20, 22, "rosh"},
    {"v2 TierCalculationV2Test: writes back when protect level is changed (M2)", "M", "custody", 2300, OG_21,
     "MAPP:M2", OASYS, NULL, 0, "A1", 170, 2, "rosh"},
    {"v2 TierCalculationV2Test: writes back when protect level is changed (M1)", "M", "custody", 2300, OG_21,
     "MAPP:M1", OASYS, NULL, 0, "B1", 25, 2, "rosh"},
    {"v2 TierCalculationV2Test: returns latest tier calculation (M2 then M1)", "M", "custody", 2300, OG_21,
     "MAPP:M1", OASYS, NULL, 0, "B1", 25, 2, "rosh"},
    {"v2 NoAssessmentFoundTest: changeLevel should be 2 if assessment returns 404", "M", "custody", 2300, OG_21,
     "MAPP:M2", NO_OASYS, NULL, 0, "A2", 170, 0, "rosh"},
    /* No sentence: Casekeeper's OGRS3 has no conviction to score (the change level is 0 whatever it is). */
    {"v2 NoSentenceTest: Tier is calculated with change level zero when no sentence is found", "M", "", 2300, OG_NONE,
     "MAPP:M2", OASYS, NULL, 0, "A0", 170, 0, "rosh"},
    {"v2 ProtectTierATest: Tier is A with Mappa M2", "M", "custody", 2300, OG_21, "MAPP:M2", OASYS, NULL, 0, "A1",
     170, 2, "rosh"},
    {"v2 ProtectTierATest: Tier is A with Mappa M3", "M", "custody", 2300, OG_21, "MAPP:M3", OASYS, NULL, 0, "A1",
     170, 2, "rosh"},
    {"v2 ProtectTierATest: Tier is A with ROSH VERY HIGH", "M", "custody", 2300, OG_21, "RVHR", OASYS, NULL, 0, "A1",
     150, 2, ""},
    {"v2 ProtectTierATest: Tier is B with low Mappa but 31 points", "M", "custody", 2300, OG_21,
     "MAPP:M1,RHRH,RCCO,RCPR,RCHD", OASYS, NULL, 0, "B1", 31, 2, ""},
    {"v2 RegistrationEdgeCasesTest: calculate change and protect when no registrations are found", "M", "custody",
     2300, OG_21, NULL, OASYS, NULL, 0, "B1", 20, 2, "rosh"},
    {"v2 RegistrationEdgeCasesTest: calculate change and protect when registration level is missing", "M", "custody",
     2300, OG_21, "STRG", OASYS, NULL, 0, "B1", 22, 2, "rosh"},
    {"v2 RegistrationEdgeCasesTest: uses latest registration - two mappa registrations present", "M", "custody", NONE,
     OG_NONE, "MAPP:M1@2020-02-01,MAPP:M2@2021-02-01", NO_OASYS, NULL, 0, "A2", 150, 0, "rsr,rosh"},
    {"v2 RegistrationEdgeCasesTest: exclude historic registrations from tier calculation", "M", "custody", NONE,
     OG_NONE, "HREG:M2", NO_OASYS, NULL, 0, "D2", 0, 0, "rsr,rosh"},
    /* The reference's MAPP level M0 is no MAPPA level; Casekeeper's nearest is a MAPP without a level. */
    {"v2 RegistrationEdgeCasesTest: uses mappa registration when latest is non-mappa but has mappa registration level",
     "M", "custody", 2300, OG_21, "HREG:M2@2016-06-28,MAPP@2008-10-24", NO_OASYS, NULL, 0, "B2", 20, 0,
     "rosh,mappa.level"},
    {"v2 RegistrationEdgeCasesTest: uses two thirds registration to add suffix to tier", "M", "custody", 2300, OG_21,
     "HREG:M2@2016-06-28,PRC@2024-03-22", NO_OASYS, NULL, 0, "B2S", 20, 0, "rosh"},
    {"v2 MandateForChangeTest: do not calculate change for terminated custodial sentence", "M", "-custody", 2300,
     OG_21, "MAPP:M2", OASYS, NULL, 0, "A0", 170, 0, "rosh"},
    {"v2 MandateForChangeTest: calculate change for concurrent custodial and non-custodial sentence", "M",
     "custody,community_order:curfew", 2300, OG_21, "MAPP:M2", OASYS, NULL, 0, "A1", 170, 2, "rosh"},
    {"v2 MandateForChangeTest: calculate change for terminated non-custodial sentence and current non-custodial "
     "sentence with non-restrictive requirements", "M", "community_order:rehabilitation_activity,community_order",
     2300, OG_21, "MAPP:M2", OASYS, NULL, 0, "A1", 170, 2, "rosh"},
    /* The reference's terminated conviction is an NC with a non-restrictive requirement; here a CO. */
    {"v2 MandateForChangeTest: do not calculate change for terminated non-custodial sentence with non-restrictive "
     "requirements", "M", "-community_order:rehabilitation_activity", 2300, OG_21, "MAPP:M2", OASYS, NULL, 0, "A0",
     170, 0, "rosh"},
    {"v2 MandateForChangeTest: do not calculate change when only restrictive requirements are present on a "
     "non-custodial sentence", "M", "community_order:curfew", 2300, OG_21, "MAPP:M2", OASYS, NULL, 0, "A0", 170, 0,
     "rosh"},
    {"v2 MandateForChangeTest: calculate change with restrictive and non-restrictive requirements on a non-custodial "
     "sentence", "M", "community_order:rehabilitation_activity+curfew", 2300, OG_21, "MAPP:M2", OASYS, NULL, 0, "A1",
     170, 2, "rosh"},
    {"v2 MandateForChangeTest: do not calculate change when no requirements are present on a non-custodial sentence",
     "M", "community_order", 2300, OG_21, "MAPP:M2", OASYS, NULL, 0, "A0", 170, 0, "rosh,requirements"},
};

static void test_v2_integration(void **state)
{
    (void)state;
    check_rows(v2_rows, sizeof v2_rows / sizeof v2_rows[0]);
}

/* ---- BDD features, as cases ------------------------------------------------------ */

static const row bdd_rows[] = {
    {"bdd calculateRSRScore.6.2: RSR 7.1 No ROSH 20 points scored", "M", "custody", 710, OG_21, NULL, NO_OASYS, NULL,
     0, "B2", 20, 0, "rosh"},
    {"bdd calculateRSRScore.6.2: RSR 7.0 No ROSH 20 points scored", "M", "custody", 700, OG_21, NULL, NO_OASYS, NULL,
     0, "B2", 20, 0, "rosh"},
    {"bdd calculateRSRScore.6.2: RSR 6.9 No ROSH 10 points scored", "M", "custody", 690, OG_21, NULL, NO_OASYS, NULL,
     0, "C2", 10, 0, "rosh"},
    {"bdd calculateRSRScore.6.2: RSR 3.1 No ROSH 10 points scored", "M", "custody", 310, OG_21, NULL, NO_OASYS, NULL,
     0, "C2", 10, 0, "rosh"},
    {"bdd calculateRSRScore.6.2: RSR 3.0 No ROSH 10 points scored", "M", "custody", 300, OG_21, NULL, NO_OASYS, NULL,
     0, "C2", 10, 0, "rosh"},
    {"bdd calculateRSRScore.6.2: RSR 2.9 No ROSH 0 points scored", "M", "custody", 290, OG_21, NULL, NO_OASYS, NULL,
     0, "D2", 0, 0, "rosh"},
    {"bdd ROSHandRSRRule.6.5: ROSH 150 points RSR 20 points so 150 points scored", "M", "custody", 700, OG_21, "RVHR",
     NO_OASYS, NULL, 0, "A2", 150, 0, ""},
    {"bdd ROSHandRSRRule.6.5: ROSH 10 points RSR 20 points so 20 points scored", "M", "custody", 700, OG_21, "RMRH",
     NO_OASYS, NULL, 0, "B2", 20, 0, ""},
    {"bdd calculateROSHScore.6.4: ROSH very high (V2: 150) points scored", "M", "custody", NONE, OG_21, "RVHR",
     NO_OASYS, NULL, 0, "A2", 150, 0, "rsr"},
    {"bdd calculateROSHScore.6.4: ROSH high 20 points scored", "M", "custody", NONE, OG_21, "RHRH", NO_OASYS, NULL, 0,
     "B2", 20, 0, "rsr"},
    {"bdd calculateROSHScore.6.4: ROSH medium 10 points scored", "M", "custody", NONE, OG_21, "RMRH", NO_OASYS, NULL,
     0, "C2", 10, 0, "rsr"},
    {"bdd calculateROSHScore.6.4: ROSH low 0 points scored", "M", "custody", NONE, OG_21, "RLRH", NO_OASYS, NULL, 0,
     "D2", 0, 0, "rsr"},
    {"bdd MAPPA.6.7: MAPPA M Level 3 scores (V2: 150) points", "M", "custody", 0, OG_21, "MAPP:M3", NO_OASYS, NULL, 0,
     "A2", 150, 0, "rosh"},
    {"bdd MAPPA.6.7: MAPPA M Level 2 scores (V2: 150) points", "M", "custody", 0, OG_21, "MAPP:M2", NO_OASYS, NULL, 0,
     "A2", 150, 0, "rosh"},
    {"bdd MAPPA.6.7: MAPPA M Level 1 scores 5 points", "M", "custody", 0, OG_21, "MAPP:M1", NO_OASYS, NULL, 0, "D2", 5,
     0, "rosh"},
    {"bdd MAPPA.6.7: No active MAPPA scores 0 points", "M", "custody", 0, OG_21, NULL, NO_OASYS, NULL, 0, "D2", 0, 0,
     "rosh"},
    {"bdd criminogenicNeeds.8.4: NO NEED for ACCOMMODATION scores 0 points", "M", "custody", 0, OG_LOW, "RLRH", OASYS,
     "accommodation:no_need", 0, "D1", 0, 0, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for ACCOMMODATION scores 1 point", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "accommodation:standard", 0, "D1", 0, 1, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for ACCOMMODATION scores 2 points", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "accommodation:severe", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for EDUCATION_TRAINING_AND_EMPLOYABILITY scores 1 point", "M",
     "custody", 0, OG_LOW, "RLRH", OASYS, "education_training_employment:standard", 0, "D1", 0, 1, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for EDUCATION_TRAINING_AND_EMPLOYABILITY scores 2 points", "M",
     "custody", 0, OG_LOW, "RLRH", OASYS, "education_training_employment:severe", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for RELATIONSHIPS scores 1 point", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "relationships:standard", 0, "D1", 0, 1, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for RELATIONSHIPS scores 2 points", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "relationships:severe", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for LIFESTYLE_AND_ASSOCIATES scores 1 point", "M", "custody", 0, OG_LOW,
     "RLRH", OASYS, "lifestyle_associates:standard", 0, "D1", 0, 1, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for LIFESTYLE_AND_ASSOCIATES scores 2 points", "M", "custody", 0, OG_LOW,
     "RLRH", OASYS, "lifestyle_associates:severe", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for DRUG_MISUSE scores 1 point", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "drug_misuse:standard", 0, "D1", 0, 1, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for DRUG_MISUSE scores 2 points", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "drug_misuse:severe", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for ALCOHOL_MISUSE scores 1 point", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "alcohol_misuse:standard", 0, "D1", 0, 1, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for ALCOHOL_MISUSE scores 2 points", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "alcohol_misuse:severe", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: NO NEED for THINKING_AND_BEHAVIOUR scores 0 points", "M", "custody", 0, OG_LOW,
     "RLRH", OASYS, "thinking_behaviour:no_need", 0, "D1", 0, 0, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for THINKING_AND_BEHAVIOUR scores 2 points", "M", "custody", 0, OG_LOW,
     "RLRH", OASYS, "thinking_behaviour:standard", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for THINKING_AND_BEHAVIOUR scores 4 points", "M", "custody", 0, OG_LOW,
     "RLRH", OASYS, "thinking_behaviour:severe", 0, "D1", 0, 4, ""},
    {"bdd criminogenicNeeds.8.4: STANDARD need for ATTITUDES scores 2 points", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "attitudes:standard", 0, "D1", 0, 2, ""},
    {"bdd criminogenicNeeds.8.4: SEVERE need for ATTITUDES scores 4 points", "M", "custody", 0, OG_LOW, "RLRH", OASYS,
     "attitudes:severe", 0, "D1", 0, 4, ""},
    {"bdd criminogenicNeeds.8.4: Different needs of different severities combine", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "accommodation:standard,alcohol_misuse:no_need", 0, "D1", 0, 1, ""},
    {"bdd criminogenicNeeds.8.4: Different needs of the same severity combine", "M", "custody", 0, OG_LOW, "RLRH",
     OASYS, "accommodation:standard,alcohol_misuse:standard", 0, "D1", 0, 2, ""},
    {"bdd IOM.8.6: IOM scores 2 points", "M", "custody", 0, OG_LOW, "RLRH,IIOM", OASYS, "all:no_need", 0, "D1", 0, 2,
     ""},
    {"bdd mandateForChange.9.5: Custodial sentence has mandate for change", "M", "custody", 0, OG_LOW, "RLRH", OASYS,
     "all:no_need", 0, "D1", 0, 0, ""},
    {"bdd mandateForChange.9.5: Non-custodial sentence with only unpaid work has no mandate for change", "M",
     "community_order:unpaid_work", 0, OG_LOW, "RLRH", OASYS, "all:no_need", 0, "D0", 0, 0, ""},
    /* "Non-custodial sentence with order extended and unpaid work": order extended (W1) is no Casekeeper requirement. */
    {"bdd mandateForChange.9.5: Non-custodial sentence with non-restrictive requirements has a mandate for change",
     "M", "community_order:rehabilitation_activity", 0, OG_LOW, "RLRH", OASYS, "all:no_need", 0, "D1", 0, 0, ""},
    {"bdd mandateForChange.9.5: Sentence with no assessment has change level 2", "M", "custody", 0, OG_LOW, "RLRH",
     NO_OASYS, NULL, 0, "D2", 0, 0, ""},
    {"bdd additionalFactorsFemaleBreachRecall.6.11.1: Male offender with Previous Enforcement Activity scores no "
     "points", "M", "custody", 0, OG_21, "RLRH", NO_OASYS, NULL, 1, "D2", 0, 0, ""},
    {"bdd additionalFactorsFemaleBreachRecall.6.11.1: Female offender with Previous Enforcement Activity and an active "
     "conviction scores 2 points", "F", "custody", 0, OG_21, "RLRH", NO_OASYS, NULL, 1, "D2", 2, 0, ""},
    {"bdd additionalFactorsFemaleBreachRecall.6.11.1: Female offender with D2 and 9 protect points and Previous "
     "Enforcement Activity to C2", "F", "custody", 0, OG_21, "RLRH,MAPP:M1,RCCO,RCPR", NO_OASYS, NULL, 1, "C2", 11, 0,
     ""},
    {"bdd additionalFactorsFemaleBreachRecall.6.11.1: Female offender with Previous Enforcement Activity and two "
     "active convictions scores 2 points", "F", "custody,custody", 0, OG_21, "RLRH", NO_OASYS, NULL, 2, "D2", 2, 0,
     ""},
};

static void test_bdd_cases(void **state)
{
    (void)state;
    check_rows(bdd_rows, sizeof bdd_rows / sizeof bdd_rows[0]);
}

/* The 55-week currency of an OASys assessment (bdd mandateForChange.9.5: "Sentence
 * with out of date assessment has change level 2": 55 weeks and one day ago). */
static void test_bdd_out_of_date_assessment(void **state)
{
    (void)state;
    row r = {"bdd mandateForChange.9.5: Sentence with out of date assessment has change level 2", "M", "custody", 0,
             OG_LOW, "RLRH", OASYS, "all:severe", 0, "D3", 0, 20, ""};
    ck_case *c = build(&r);
    ck_tier *t = malloc(sizeof *t);
    ck_tier_case(c, D(ASOF), ck_rulecfg_default(), t);
    assert_string_equal(t->tier, "D3");
    /* 55 weeks and one day before as_of: out of date, level 2. */
    c->assessments[c->n_assessments - 1].completed = D(ASOF) - 7 * 55 - 1;
    ck_tier_case(c, D(ASOF), ck_rulecfg_default(), t);
    assert_string_equal(t->tier, "D2");
    assert_int_equal(t->change_points, 0);
    free(t);
    ck_case_free(c);
}

/* ---- BDD features that set a score directly: the pure functions ------------------ */

static void test_bdd_points(void **state)
{
    (void)state;
    /* bdd assessAndProtectAxis.7.1 (the 150 row: the V2 threshold). */
    static const struct { const char *ref; int points; char level; } protect[] = {
        {"150 points scored Protect Level A", 150, 'A'}, {"29 points scored Protect Level B", 29, 'B'},
        {"21 points scored Protect Level B", 21, 'B'},   {"20 points scored Protect Level B", 20, 'B'},
        {"19 points scored Protect Level C", 19, 'C'},   {"11 points scored Protect Level C", 11, 'C'},
        {"10 points scored Protect Level C", 10, 'C'},   {"9 points scored Protect Level D", 9, 'D'},
        {"0 points scored Protect Level D", 0, 'D'},
    };
    for (size_t i = 0; i < sizeof protect / sizeof protect[0]; i++) {
        if (ck_tier_protect_level(protect[i].points) != protect[i].level) print_error("%s\n", protect[i].ref);
        assert_int_equal(ck_tier_protect_level(protect[i].points), protect[i].level);
    }
    /* bdd changeTierThresholds.10.1: needs points alone, a current assessment, a mandate. */
    static const struct { const char *ref; int points, level; } change[] = {
        {"Scoring over 20 points results in a change level of '3'", 21, 3},
        {"Scoring exactly 20 points results in a change level of '3'", 20, 3},
        {"Scoring less than 20 points does not result in a change level of '3'", 19, 2},
        {"Scoring over 10 points results in a change level of '2'", 11, 2},
        {"Scoring exactly 10 points results in a change level of '2'", 10, 2},
        {"Scoring less than 10 points results in a change level of '1'", 9, 1},
    };
    for (size_t i = 0; i < sizeof change / sizeof change[0]; i++) {
        ck_change_input in = {true, true, change[i].points, -1, false};
        int points;
        if (ck_tier_change_level(&in, &points) != change[i].level) print_error("%s\n", change[i].ref);
        assert_int_equal(ck_tier_change_level(&in, &points), change[i].level);
        assert_int_equal(points, change[i].points);
    }
    /* bdd OGRS.8.2 */
    static const struct { int percent, points; } ogrs[] = {{59, 5}, {51, 5}, {50, 5}, {100, 10}, {90, 9}, {80, 8},
                                                          {70, 7},  {60, 6}, {40, 4}, {30, 3},   {20, 2}, {10, 1},
                                                          {9, 0}};
    for (size_t i = 0; i < sizeof ogrs / sizeof ogrs[0]; i++) {
        if (ck_tier_ogrs_points(ogrs[i].percent) != ogrs[i].points) print_error("OGRS %d%%\n", ogrs[i].percent);
        assert_int_equal(ck_tier_ogrs_points(ogrs[i].percent), ogrs[i].points);
    }
    /* bdd calculateRSRScore.6.2: RSR 999.99 No ROSH 0 points scored (no assessment can hold it: over 99.99). */
    assert_int_equal(ck_tier_rsr_points(99999), 0);
    assert_int_equal(ck_tier_rsr_points(9999), 20);
}

/* ---- OGRS3 ------------------------------------------------------------------------ */

typedef struct ogrs_row {
    const char *ref;
    const char *gender, *dob, *conviction, *follow_up;
    int total, first;
    const char *category;
    int p1, p2;
    const char *band;
} ogrs_row;

static const ogrs_row ogrs_rows[] = {
    /* The reference's fixtures (OGRS3RiskProducerServiceTest): offence 02700 weighs 0.7606
     * (soliciting), 11618 0.1599 (fraud and forgery). */
    {"OGRS3RiskProducerServiceTest: ACT-62 scenario 1", "M", "1965-12-07", "2025-05-13", "2026-12-06", 2, 47,
     "soliciting", 8, 16, "low"},
    {"OGRS3RiskProducerServiceTest: ACT-62 scenario 2", "M", "1991-07-17", "2021-08-05", "2021-12-12", 2, 21, "fraud",
     11, 20, "low"},
    /* Each band boundary (the band is on the 2-year score: 0-49 low, 50-74
     * medium, 75-89 high, 90+ very high), each side of it: men of 17
     * convicted and followed up on one day. */
    {"band boundary: low 49", "M", "2008-01-01", "2025-06-02", "2025-06-02", 3, 13, "robbery", 32, 49, "low"},
    {"band boundary: medium 50", "M", "2008-01-01", "2025-06-02", "2025-06-02", 2, 12, "violence", 33, 50, "medium"},
    {"band boundary: medium 74", "M", "2008-01-01", "2025-06-02", "2025-06-02", 4, 14, "violence", 58, 74, "medium"},
    {"band boundary: high 75", "M", "2008-01-01", "2025-06-02", "2025-06-02", 7, 14, "robbery", 60, 75, "high"},
    {"band boundary: high 89", "M", "2008-01-01", "2025-06-02", "2025-06-02", 7, 17, "violence", 80, 89, "high"},
    {"band boundary: very high 90", "M", "2008-01-01", "2025-06-02", "2025-06-02", 8, 17, "violence", 82, 90,
     "very_high"},
};

static void test_ogrs3_reference(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof ogrs_rows / sizeof ogrs_rows[0]; i++) {
        const ogrs_row *r = &ogrs_rows[i];
        ck_ogrs3_input in = {r->gender, D(r->dob), D(r->conviction), D(r->follow_up), r->total, r->first, r->category};
        ck_ogrs3 o;
        ck_ogrs3_compute(&in, &o);
        bool ok = o.status == CK_SCORE_OK && o.p1 == r->p1 && o.p2 == r->p2 &&
                  strcmp(ck_ogrs3_band_name(o.band), r->band) == 0;
        if (!ok) {
            print_error("%s: expected %d/%d %s, got status %s %d/%d %s\n", r->ref, r->p1, r->p2, r->band,
                        ck_score_status_name(o.status), o.p1, o.p2, ck_ogrs3_band_name(o.band));
            failed++;
        }
    }
    assert_int_equal(failed, 0);
    /* The reference's invalid inputs: under 10 at conviction; first sanction after it. */
    ck_ogrs3_input young = {"M", D("2000-01-01"), D("2009-01-01"), D("2026-12-06"), 2, 9, "soliciting"};
    ck_ogrs3 o;
    ck_ogrs3_compute(&young, &o);
    assert_int_equal(o.status, CK_SCORE_INVALID);
    ck_ogrs3_input late = {"M", D("1990-01-01"), D("2009-01-01"), D("2026-12-06"), 2, 40, "soliciting"};
    ck_ogrs3_compute(&late, &o);
    assert_int_equal(o.status, CK_SCORE_INVALID);
    assert_non_null(ck_missing_find(&o.missing, "age_at_first_sanction"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v2_integration),        cmocka_unit_test(test_bdd_cases),
        cmocka_unit_test(test_bdd_out_of_date_assessment), cmocka_unit_test(test_bdd_points),
        cmocka_unit_test(test_ogrs3_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
