/* The derived scores: OGRS3, tier V2, workload. Every expected value is
 * worked out by hand from the source tables in
 * ../shared/domain/rules-and-sources.md (§4.1, §5.1-5.2, §6), and the
 * arithmetic is in the comment beside it. */
#include "ck_test.h"
#include "ck_facts.h"
#include "ck_ogrs3.h"
#include "ck_tier.h"
#include "ck_workload.h"
#include "ck_str.h"
#include <math.h>

#define CAP 8
/* The shipped rules configuration: probation reset on from 2024-06-07, an
 * OASys assessment current for 55 weeks. */
#define CFG ck_rulecfg_default()

static ck_date D(const char *s)
{
    ck_date d = CK_NODATE;
    assert_true(ck_date_parse(s, strlen(s), &d));
    return d;
}

static ck_date opt_date(const char *s) { return s ? D(s) : CK_NODATE; }

/* A person with room for CAP records of each kind the scores read.
 * total / first: CK_NOINT for no offending history. */
static ck_case *person(const char *gender, const char *dob, int total, int first)
{
    ck_case *c = ck_case_new();
    c->crn = "X000001";
    c->person.gender = gender;
    c->person.date_of_birth = opt_date(dob);
    if (total != CK_NOINT) {
        c->person.has_offending_history = true;
        c->person.offending_history = (ck_history){total, first};
    }
    c->events = ck_arena_array(&c->arena, CAP, sizeof *c->events);
    c->registrations = ck_arena_array(&c->arena, CAP, sizeof *c->registrations);
    c->assessments = ck_arena_array(&c->arena, CAP, sizeof *c->assessments);
    c->breaches = ck_arena_array(&c->arena, CAP, sizeof *c->breaches);
    c->recalls = ck_arena_array(&c->arena, CAP, sizeof *c->recalls);
    return c;
}

/* An event with one main offence of `category` (NULL: no offence). */
static ck_event *sentence(ck_case *c, const char *id, const char *type, const char *date, const char *end,
                          const char *category)
{
    assert_true(c->n_events < CAP);
    ck_event *e = &c->events[c->n_events++];
    e->id = id;
    e->offences = ck_arena_array(&c->arena, 2, sizeof *e->offences);
    if (category) {
        e->offences[0] = (ck_offence){"O1", NULL, category, 1, 0, CK_NODATE};
        e->n_offences = 1;
    }
    e->has_sentence = true;
    e->sentence = (ck_sentence){type, D(date), ck_streq(type, "custody") ? 18 : CK_NOINT, CK_NODATE,
                                opt_date(end), CK_NODATE, CK_NODATE};
    return e;
}

static ck_registration *reg(ck_case *c, const char *id, const char *type, const char *date, const char *level)
{
    assert_true(c->n_registrations < CAP);
    ck_registration *r = &c->registrations[c->n_registrations++];
    *r = (ck_registration){id, type, D(date), CK_NODATE, level, NULL, CK_NODATE, NULL, 0};
    return r;
}

static void assess(ck_case *c, const char *id, const char *kind, const char *completed, const char *level)
{
    assert_true(c->n_assessments < CAP);
    c->assessments[c->n_assessments++] = (ck_assessment){id, kind, D(completed), level, CK_NOINT, false, {0}};
}

static int line_points(const ck_tier *t, const char *input)
{
    const ck_tier_line *l = ck_tier_line_find(t, input);
    assert_non_null(l);
    return l->points;
}

/* ---- Facts -------------------------------------------------------------------- */

static void test_age_is_completed_years(void **state)
{
    (void)state;
    assert_int_equal(ck_age_on(D("1995-03-01"), D("2025-02-28")), 29);
    assert_int_equal(ck_age_on(D("1995-03-01"), D("2025-03-01")), 30);
    /* A 29 February birthday is reached on 1 March in other years (java.time.Period). */
    assert_int_equal(ck_age_on(D("2000-02-29"), D("2018-02-28")), 17);
    assert_int_equal(ck_age_on(D("2000-02-29"), D("2018-03-01")), 18);
    assert_int_equal(ck_age_on(D("2000-02-29"), D("2020-02-29")), 20);
    assert_int_equal(ck_age_on(D("2000-01-01"), D("1999-12-31")), -1);
    assert_int_equal(ck_age_on(CK_NODATE, D("1999-12-31")), -1);
}

static void test_periods_and_registrations(void **state)
{
    (void)state;
    ck_case *c = person("M", "1990-01-01", CK_NOINT, CK_NOINT);
    ck_event *e = sentence(c, "E1", "custody", "2024-01-10", "2025-10-03", "violence");
    e->sentence.release_date = D("2025-01-06");
    e->sentence.pss_end_date = D("2026-10-02");
    ck_period p[2];
    /* Licence 2025-01-06..2025-10-03, PSS from the day after end_date. */
    assert_int_equal(ck_event_periods(c, e, D("2025-02-01"), p), 2);
    assert_int_equal(p[0].kind, CK_PERIOD_LICENCE);
    assert_int_equal(p[0].start, D("2025-01-06"));
    assert_int_equal(p[0].last, D("2025-10-03"));
    assert_int_equal(p[1].kind, CK_PERIOD_PSS);
    assert_int_equal(p[1].start, D("2025-10-04"));
    /* A recall ends the licence the day before; one dated after as_of is not yet known. */
    c->recalls[c->n_recalls++] = (ck_recall){"RC1", "E1", D("2025-03-01")};
    assert_int_equal(ck_event_periods(c, e, D("2025-02-01"), p), 2);
    assert_int_equal(p[0].last, D("2025-10-03"));
    assert_int_equal(ck_event_periods(c, e, D("2025-03-01"), p), 2);
    assert_int_equal(p[0].last, D("2025-02-28"));

    /* In force from its date; de-registered on D means not in force on D. */
    ck_registration *m = reg(c, "G1", "MAPP", "2025-01-10", "M2");
    m->deregistered = D("2025-03-01");
    assert_true(ck_registration_in_force(m, D("2025-02-28")));
    assert_false(ck_registration_in_force(m, D("2025-03-01")));
    assert_false(ck_registration_in_force(m, D("2025-01-09")));
    /* Two MAPP registrations on one day: the higher level. */
    reg(c, "G2", "MAPP", "2025-04-01", "M3");
    reg(c, "G3", "MAPP", "2025-04-01", "M1");
    assert_string_equal(ck_registration_current(c, "MAPP", D("2025-05-01"))->id, "G2");
    ck_case_free(c);
}

/* ---- OGRS3 ---------------------------------------------------------------------- */

/* Male, 30, first sanction, violence, community order.
 *   age/gender (male 30-34)      -1.326
 *   status (first time)          +0.12614
 *   copas ln(1/(10+30-30)) = ln 0.1 = -2.302585093 (unrounded); x 1.25112 = -2.8808102615
 *   offence (violence)           +0
 *   S = -4.0806702615
 *   1 yr: x = 1.40256 + S = -2.6781164008, e^x = 0.0686924, p = 0.0642771 -> 0.06428 -> 6%
 *   2 yr: x = 2.1217 + S = -1.9589764008, e^x = 0.1410027, p = 0.1235779 -> 0.12358 -> 12%: low */
static void test_ogrs3_first_time_offender(void **state)
{
    (void)state;
    ck_case *c = person("M", "1995-03-01", 1, 30);
    sentence(c, "E1", "community_order", "2025-03-01", "2026-02-28", "violence");
    ck_ogrs3 r;
    ck_ogrs3_case(c, D("2025-06-01"), &r);
    assert_int_equal(r.status, CK_SCORE_OK);
    assert_string_equal(r.event, "E1");
    assert_int_equal(r.age_at_conviction, 30);
    assert_int_equal(r.age_at_follow_up, 30);
    assert_int_equal(r.follow_up, D("2025-03-01"));
    assert_true(fabs(r.age_gender - -1.326) < 1e-12);
    assert_true(fabs(r.conviction_status - 0.12614) < 1e-12);
    assert_true(fabs(r.copas - -2.8808102615) < 1e-9);
    assert_true(fabs(r.total - -4.0806702615) < 1e-9);
    assert_int_equal(r.p1, 6);
    assert_int_equal(r.p2, 12);
    assert_int_equal(r.band, CK_OGRS3_LOW);
    assert_string_equal(ck_ogrs3_band_name(r.band), "low");
    assert_int_equal(r.missing.n, 0);
    ck_case_free(c);
}

/* The 74/75 boundary: male, 18, 3 sanctions, first at 17. Only the offence differs.
 *   age/gender (male 18-20) -0.6251; status (repeat) +0.46306
 *   copas ln(3/(10+18-17)) = ln(3/11) = -1.2992830 -> -1.29928; x 1.25112 = -1.6255551936
 *   absconding/bail +0.7334: S = -1.0541951936
 *     1 yr x = 0.3483648064, p = 0.586221 -> 0.58622 -> 59%
 *     2 yr x = 1.0675048064, p = 0.744122 -> 0.74412 -> 74%: medium
 *   soliciting +0.7606: S = -1.0269951936
 *     1 yr x = 0.3755648064, p = 0.592803 -> 0.59280 -> 59%
 *     2 yr x = 1.0947048064, p = 0.749267 -> 0.74927 -> 74.927 rounds to 75%: high */
static void test_ogrs3_band_boundary(void **state)
{
    (void)state;
    ck_case *c = person("M", "2007-01-10", 3, 17);
    ck_event *e = sentence(c, "E1", "community_order", "2025-06-02", "2026-06-01", "absconding_bail");
    ck_ogrs3 r;
    ck_ogrs3_case(c, D("2025-06-02"), &r);
    assert_int_equal(r.status, CK_SCORE_OK);
    assert_int_equal(r.p1, 59);
    assert_int_equal(r.p2, 74);
    assert_int_equal(r.band, CK_OGRS3_MEDIUM);
    e->offences[0].category = "soliciting";
    ck_ogrs3_case(c, D("2025-06-02"), &r);
    assert_int_equal(r.p1, 59);
    assert_int_equal(r.p2, 75);
    assert_int_equal(r.band, CK_OGRS3_HIGH);
    ck_case_free(c);

    /* The 49/50 boundary from explicit inputs: male 18, 2 sanctions, first at 11.
     *   copas ln(2/17) = -2.1400662 -> -2.14007; x 1.25112 = -2.6774843784
     *   theft +0.6612: S = -2.1783243784; 2 yr x = -0.0566243784, p = 0.485848 -> 49%: low
     *   absconding +0.7334: S = -2.1061243784; 2 yr x = 0.0155756216, p = 0.503894 -> 50%: medium */
    ck_ogrs3_input in = {"M", D("2007-01-10"), D("2025-06-02"), D("2025-06-02"), 2, 11, "theft"};
    ck_ogrs3_compute(&in, &r);
    assert_int_equal(r.p1, 32); /* 1 yr x = -0.7757643784, p = 0.315233 */
    assert_int_equal(r.p2, 49);
    assert_int_equal(r.band, CK_OGRS3_LOW);
    in.category = "absconding_bail";
    ck_ogrs3_compute(&in, &r);
    assert_int_equal(r.p1, 33); /* 1 yr x = -0.7035643784, p = 0.331022 */
    assert_int_equal(r.p2, 50);
    assert_int_equal(r.band, CK_OGRS3_MEDIUM);
}

/* Custody: follow-up starts on release, which moves the age band.
 * Male born 1995-08-20, sentenced 2024-06-01 (28), released 2025-09-01 (30),
 * 5 sanctions, first at 15, domestic burglary.
 *   age/gender uses 30 (male 30-34) -1.326, not 28 (-1.1667); status +0.46306
 *   copas uses 28: ln(5/(10+28-15)) = ln(5/23) = -1.5260563 -> -1.52606; x 1.25112 = -1.9092841872
 *   offence -0.1239. S = -2.8961241872
 *   1 yr x = -1.4935641872, p = 0.183387 -> 18%;  2 yr x = -0.7744241872, p = 0.315523 -> 32%: low */
static void test_ogrs3_custody_follow_up_from_release(void **state)
{
    (void)state;
    ck_case *c = person("M", "1995-08-20", 5, 15);
    ck_event *e = sentence(c, "E1", "custody", "2024-06-01", "2026-06-01", "burglary_domestic");
    e->sentence.release_date = D("2025-09-01");
    ck_ogrs3 r;
    ck_ogrs3_case(c, D("2025-06-01"), &r); /* a known future release date counts */
    assert_int_equal(r.status, CK_SCORE_OK);
    assert_int_equal(r.age_at_conviction, 28);
    assert_int_equal(r.age_at_follow_up, 30);
    assert_true(fabs(r.age_gender - -1.326) < 1e-12);
    assert_int_equal(r.p1, 18);
    assert_int_equal(r.p2, 32);
    ck_case_free(c);
}

/* Female, 41 (the day before her birthday), 12 sanctions, first at 15, theft, SSO.
 *   age/gender (female 40-49) -1.5247; status +0.46306
 *   copas ln(12/(10+41-15)) = ln(1/3) = -1.0986123 -> -1.09861; x 1.25112 = -1.3744929432
 *   theft +0.6612. S = -1.7749329432
 *   1 yr x = -0.3723729432, p = 0.407968 -> 41%;  2 yr x = 0.3467670568, p = 0.585833 -> 59%: medium
 * And a very high one: male 18, 15 sanctions, first at 12, theft.
 *   copas ln(15/16) = -0.0645385 -> -0.06454; x 1.25112 = -0.0807472848
 *   S = -0.6251 + 0.46306 - 0.0807472848 + 0.6612 = 0.4184127152
 *   1 yr x = 1.8209727152, p = 0.860677 -> 86%;  2 yr x = 2.5401127152, p = 0.926905 -> 93%: very high */
static void test_ogrs3_female_and_very_high(void **state)
{
    (void)state;
    ck_case *c = person("F", "1983-02-28", 12, 15);
    sentence(c, "E1", "sso", "2025-02-27", "2026-02-26", "theft");
    ck_ogrs3 r;
    ck_ogrs3_case(c, D("2025-03-10"), &r);
    assert_int_equal(r.status, CK_SCORE_OK);
    assert_int_equal(r.age_at_conviction, 41);
    assert_int_equal(r.p1, 41);
    assert_int_equal(r.p2, 59);
    assert_int_equal(r.band, CK_OGRS3_MEDIUM);
    ck_case_free(c);

    ck_ogrs3_input in = {"M", D("2007-01-10"), D("2025-06-02"), D("2025-06-02"), 15, 12, "theft"};
    ck_ogrs3_compute(&in, &r);
    assert_int_equal(r.p1, 86);
    assert_int_equal(r.p2, 93);
    assert_int_equal(r.band, CK_OGRS3_VERY_HIGH);
}

/* Scores in; expects a computed score with these percentages and band. */
static void expect_score(const ck_ogrs3_input *in, int p1, int p2, ck_ogrs3_band band, ck_ogrs3 *r)
{
    ck_ogrs3_compute(in, r);
    assert_int_equal(r->status, CK_SCORE_OK);
    assert_int_equal(r->missing.n, 0);
    assert_int_equal(r->p1, p1);
    assert_int_equal(r->p2, p2);
    assert_int_equal(r->band, band);
}

/* The 89/90 boundary (rules-and-sources.md §4.1: "90+ Very High"): male 18,
 * 12 sanctions, first at 10. Only the offence differs.
 *   age/gender (male 18-20) -0.6251; status (repeat) +0.46306
 *   copas ln(12/(10+18-10)) = ln(2/3) = -0.4054651 -> -0.40547; x 1.25112 = -0.5072916264
 *   theft +0.6612: S = -0.0081316264
 *     1 yr x = 1.3944283736, p = 0.801298 -> 80%;  2 yr x = 2.1135683736, p = 0.892215 -> 89%: high
 *   absconding/bail +0.7334: S = 0.0640683736
 *     1 yr x = 1.4666283736, p = 0.812544 -> 81%;  2 yr x = 2.1857683736, p = 0.898964 -> 0.89896 -> 90%: very high */
static void test_ogrs3_very_high_boundary(void **state)
{
    (void)state;
    ck_ogrs3 r;
    ck_ogrs3_input in = {"M", D("2007-01-10"), D("2025-06-02"), D("2025-06-02"), 12, 10, "theft"};
    expect_score(&in, 80, 89, CK_OGRS3_HIGH, &r);
    in.category = "absconding_bail";
    expect_score(&in, 81, 90, CK_OGRS3_VERY_HIGH, &r);
    assert_string_equal(ck_ogrs3_band_name(r.band), "very_high");
}

/* Age 10 is where OGRS3 starts (the age of criminal responsibility): a boy
 * whose 10th birthday is the conviction date, first sanctioned at 10 (that
 * same conviction), is scored.
 *   age/gender (male 10-11) 0; status (first) +0.12614
 *   copas ln(1/(10+10-10)) = ln 0.1 (unrounded); x 1.25112 = -2.8808102615
 *   theft +0.6612: S = -2.0934764008
 *     1 yr x = -0.6909164008, p = 0.333829 -> 33%;  2 yr x = 0.0282235992, p = 0.507055 -> 51%: medium
 * The day before his birthday he is 9: invalid. */
static void test_ogrs3_age_ten(void **state)
{
    (void)state;
    ck_ogrs3 r;
    ck_ogrs3_input in = {"M", D("2015-06-02"), D("2025-06-02"), D("2025-06-02"), 1, 10, "theft"};
    expect_score(&in, 33, 51, CK_OGRS3_MEDIUM, &r);
    assert_int_equal(r.age_at_conviction, 10);
    assert_int_equal(r.age_at_follow_up, 10);
    assert_true(fabs(r.age_gender - 0.0) < 1e-12);
    assert_true(fabs(r.copas - -2.8808102615) < 1e-9);
    in.conviction = in.follow_up = D("2025-06-01");
    ck_ogrs3_compute(&in, &r);
    assert_int_equal(r.status, CK_SCORE_INVALID);
    assert_non_null(strstr(ck_missing_find(&r.missing, "date_of_birth")->why, "age 9"));
}

/* asPercentage then sanitisePercentage: 100% is shown as 99%. Female 11
 * (born 2014-01-10, convicted 2025-06-02), 36 sanctions, first at 10, soliciting.
 *   age/gender (female 10-11) +0.785; status +0.46306
 *   copas ln(36/(10+11-10)) = ln(36/11) = 1.1856236; x 1.25112 = 1.4833574806 (unrounded)
 *   soliciting +0.7606: S = 3.4920174806
 *   1 yr x = 4.8945728944, p = 0.992564 -> 99%;  2 yr x = 5.6137128944, p = 0.996366 -> 0.99637 -> 100%: shown 99 */
static void test_ogrs3_percentage_capped(void **state)
{
    (void)state;
    ck_ogrs3 r;
    ck_ogrs3_input in = {"F", D("2014-01-10"), D("2025-06-02"), D("2025-06-02"), 36, 10, "soliciting"};
    expect_score(&in, 99, 99, CK_OGRS3_VERY_HIGH, &r);
    assert_true(fabs(r.total - 3.4920174806) < 1e-9);
}

/* Two events sentenced on one day: the one listed last (the most recently
 * recorded) is the current one. */
static void test_ogrs3_two_sentences_one_day(void **state)
{
    (void)state;
    ck_case *c = person("M", "1995-03-01", 1, 30);
    sentence(c, "E1", "community_order", "2025-03-01", "2026-02-28", "theft");
    sentence(c, "E2", "community_order", "2025-03-01", "2026-02-28", "violence");
    ck_ogrs3 r;
    ck_ogrs3_case(c, D("2025-06-01"), &r);
    assert_int_equal(r.status, CK_SCORE_OK);
    assert_string_equal(r.event, "E2");
    assert_string_equal(r.category, "violence");
    ck_case_free(c);
}

static void test_ogrs3_missing_inputs(void **state)
{
    (void)state;
    /* Nothing sentenced yet, no history, gender X: every missing input is named. */
    ck_case *c = person("X", "1990-05-05", CK_NOINT, CK_NOINT);
    ck_ogrs3 r;
    ck_ogrs3_case(c, D("2025-06-01"), &r);
    assert_int_equal(r.status, CK_SCORE_MISSING);
    assert_string_equal(r.event, "");
    const char *keys[] = {"gender", "total_sanctions", "age_at_first_sanction", "conviction_date",
                          "follow_up_date", "offence_category"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) assert_non_null(ck_missing_find(&r.missing, keys[i]));
    assert_null(ck_missing_find(&r.missing, "date_of_birth"));
    assert_non_null(strstr(ck_missing_find(&r.missing, "gender")->why, "male and female only"));
    assert_int_equal(r.p1, 0);

    /* Custody without a release date, a terrorism offence, gender U, no date of birth. */
    c->person.gender = "U";
    c->person.date_of_birth = CK_NODATE;
    c->person.has_offending_history = true;
    c->person.offending_history = (ck_history){4, 16};
    sentence(c, "E1", "custody", "2025-01-06", "2027-01-05", "terrorism");
    ck_ogrs3_case(c, D("2025-06-01"), &r);
    assert_int_equal(r.status, CK_SCORE_MISSING);
    assert_non_null(strstr(ck_missing_find(&r.missing, "follow_up_date")->why, "no release date"));
    assert_non_null(strstr(ck_missing_find(&r.missing, "offence_category")->why, "terrorism"));
    assert_non_null(ck_missing_find(&r.missing, "date_of_birth"));
    assert_non_null(ck_missing_find(&r.missing, "gender"));
    assert_null(ck_missing_find(&r.missing, "total_sanctions"));
    assert_int_equal(r.missing.n, 4);

    /* Two offences, neither marked main: which one is the current offence is not known. */
    ck_event *e = &c->events[0];
    e->offences[1] = (ck_offence){"O2", NULL, "robbery", 0, 0, CK_NODATE};
    e->offences[0].main = 0;
    e->n_offences = 2;
    ck_ogrs3_case(c, D("2025-06-01"), &r);
    assert_non_null(strstr(ck_missing_find(&r.missing, "offence_category")->why, "0 offences marked main"));
    ck_case_free(c);
}

static void test_ogrs3_invalid_inputs(void **state)
{
    (void)state;
    ck_ogrs3 r;
    /* First sanction at 25, current conviction at 20. */
    ck_ogrs3_input in = {"M", D("2005-01-01"), D("2025-06-01"), D("2025-06-01"), 3, 25, "theft"};
    ck_ogrs3_compute(&in, &r);
    assert_int_equal(r.status, CK_SCORE_INVALID);
    assert_non_null(ck_missing_find(&r.missing, "age_at_first_sanction"));
    /* No sanction at all: the count includes the current one. */
    in.total_sanctions = 0;
    in.age_at_first_sanction = 15;
    ck_ogrs3_compute(&in, &r);
    assert_int_equal(r.status, CK_SCORE_INVALID);
    assert_non_null(ck_missing_find(&r.missing, "total_sanctions"));
    /* Nine at conviction: OGRS3 starts at 10. */
    in = (ck_ogrs3_input){"F", D("2016-01-01"), D("2025-06-01"), D("2025-06-01"), 1, 9, "theft"};
    ck_ogrs3_compute(&in, &r);
    assert_int_equal(r.status, CK_SCORE_INVALID);
    assert_non_null(strstr(ck_missing_find(&r.missing, "date_of_birth")->why, "age 9"));
}

/* ---- Tier: protect level -------------------------------------------------------- */

static void test_protect_level_boundaries(void **state)
{
    (void)state;
    assert_int_equal(ck_tier_protect_level(150), 'A');
    assert_int_equal(ck_tier_protect_level(149), 'B');
    assert_int_equal(ck_tier_protect_level(20), 'B');
    assert_int_equal(ck_tier_protect_level(19), 'C');
    assert_int_equal(ck_tier_protect_level(10), 'C');
    assert_int_equal(ck_tier_protect_level(9), 'D');
    assert_int_equal(ck_tier_protect_level(0), 'D');
}

static void test_rsr_and_rosh_only_the_higher_counts(void **state)
{
    (void)state;
    /* RSR bands in hundredths: 3.00-6.99 is 10, 7.00-99.99 is 20. */
    assert_int_equal(ck_tier_rsr_points(299), 0);
    assert_int_equal(ck_tier_rsr_points(300), 10);
    assert_int_equal(ck_tier_rsr_points(699), 10);
    assert_int_equal(ck_tier_rsr_points(700), 20);
    assert_int_equal(ck_tier_rsr_points(9999), 20);
    assert_int_equal(ck_tier_rsr_points(CK_NOINT), 0);
    /* RSR 7.00% (20) and RoSH high (20): 20 + 20 - min(20, 20) = 20, B, not 40. */
    ck_protect_points p = {20, 20, 0, 0, 0};
    assert_int_equal(ck_tier_protect_total(&p), 20);
    /* RSR 3.00% (10) and RoSH high (20): 10 + 20 - 10 = 20. */
    p = (ck_protect_points){10, 20, 0, 0, 0};
    assert_int_equal(ck_tier_protect_total(&p), 20);
    /* RSR 7.00% (20) and RoSH medium (10): 20 + 10 - 10 = 20: RSR outranks RoSH. */
    p = (ck_protect_points){20, 10, 0, 0, 0};
    assert_int_equal(ck_tier_protect_total(&p), 20);
    /* RSR 20 + RoSH very high 150 + M1 5 + two factors 4 - 20 = 159: A. */
    p = (ck_protect_points){20, 150, 5, 4, 0};
    assert_int_equal(ck_tier_protect_total(&p), 159);
    assert_int_equal(ck_tier_protect_level(ck_tier_protect_total(&p)), 'A');
}

/* A man serving a custodial sentence (a mandate for change whatever the
 * requirements), no OASys assessment (change 2), protect from the
 * registrations and RoSH given. */
static ck_case *co_case(void)
{
    ck_case *c = person("M", "1990-01-01", CK_NOINT, CK_NOINT);
    sentence(c, "E1", "custody", "2025-01-06", "2026-01-05", "violence");
    return c;
}

static void test_protect_levels_of_cases(void **state)
{
    (void)state;
    ck_tier t;
    ck_date asof = D("2025-06-02");

    /* RoSH very high: 150 -> A (the 149/150 boundary is unreachable from a case). */
    ck_case *c = co_case();
    assess(c, "AS1", "rosh", "2024-01-10", "very_high"); /* older than 55 weeks: no OASys for change */
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.protect_points, 150);
    assert_string_equal(t.tier, "A2");
    ck_case_free(c);

    /* RoSH high 20 -> B. A later medium replaces it: 10 -> C. */
    c = co_case();
    assess(c, "AS1", "rosh", "2024-01-10", "high");
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.protect_points, 20);
    assert_int_equal(t.protect, 'B');
    assess(c, "AS2", "rosh", "2024-02-01", "medium");
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.protect_points, 10);
    assert_int_equal(t.protect, 'C');
    /* + MAPPA M1 5 + RMDO 2 + ALSH 2 = 19 -> C. */
    reg(c, "G1", "MAPP", "2025-01-10", "M1");
    reg(c, "G2", "RMDO", "2025-01-10", NULL);
    reg(c, "G3", "ALSH", "2025-01-10", NULL);
    /* A second RMDO counts once (distinct); an ended RVLN and an ADVP count nothing. */
    reg(c, "G4", "RMDO", "2025-02-10", NULL);
    reg(c, "G5", "RVLN", "2025-01-10", NULL)->deregistered = D("2025-05-01");
    reg(c, "G6", "ADVP", "2025-01-10", NULL);
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(line_points(&t, "mappa"), 5);
    assert_int_equal(line_points(&t, "complexity:RMDO"), 2);
    assert_int_equal(line_points(&t, "complexity:ALSH"), 2);
    assert_null(ck_tier_line_find(&t, "complexity:RVLN"));
    assert_int_equal(t.protect_points, 19);
    assert_string_equal(t.tier, "C2");
    /* RoSH high again (two on one day: the higher): 20 + 5 + 4 = 29 -> B. */
    assess(c, "AS3", "rosh", "2024-03-01", "medium");
    assess(c, "AS4", "rosh", "2024-03-01", "high");
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(line_points(&t, "rosh"), 20);
    assert_int_equal(t.protect_points, 29);
    assert_int_equal(t.protect, 'B');
    ck_case_free(c);

    /* M1 5 + RMDO 2 + ALSH 2 = 9 -> D; + RoSH low (0) still 9; + RVLN 11 -> C. */
    c = co_case();
    reg(c, "G1", "MAPP", "2025-01-10", "M1");
    reg(c, "G2", "RMDO", "2025-01-10", NULL);
    reg(c, "G3", "ALSH", "2025-01-10", NULL);
    assess(c, "AS1", "rosh", "2024-01-10", "low");
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.protect_points, 9);
    assert_int_equal(t.protect, 'D');
    reg(c, "G4", "RVLN", "2025-01-10", NULL);
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.protect_points, 11);
    assert_int_equal(t.protect, 'C');
    ck_case_free(c);
}

static void test_mappa_m1_versus_m2(void **state)
{
    (void)state;
    ck_tier t;
    ck_case *c = co_case();
    ck_registration *m = reg(c, "G1", "MAPP", "2025-01-10", "M1");
    ck_tier_case(c, D("2025-06-02"), CFG, &t);
    assert_int_equal(line_points(&t, "mappa"), 5); /* M1: 5 -> D */
    assert_string_equal(t.tier, "D2");
    m->level = "M2";
    ck_tier_case(c, D("2025-01-09"), CFG, &t); /* the day before it was registered */
    assert_int_equal(line_points(&t, "mappa"), 0);
    ck_tier_case(c, D("2025-06-02"), CFG, &t);
    assert_int_equal(line_points(&t, "mappa"), 150); /* M2: 150 -> A */
    assert_string_equal(t.tier, "A2");
    /* De-registered before as_of: no MAPPA points. */
    m->deregistered = D("2025-06-01");
    ck_tier_case(c, D("2025-06-02"), CFG, &t);
    assert_int_equal(line_points(&t, "mappa"), 0);
    assert_string_equal(t.tier, "D2");
    /* A MAPP registration without a level: 0 points, and the level is missing. */
    m->deregistered = CK_NODATE;
    m->level = NULL;
    ck_tier_case(c, D("2025-06-02"), CFG, &t);
    assert_int_equal(line_points(&t, "mappa"), 0);
    assert_non_null(ck_missing_find(&t.missing, "mappa.level"));
    ck_case_free(c);
}

static void test_tier_missing_inputs_and_women(void **state)
{
    (void)state;
    ck_tier t;
    /* A man with no RSR and no RoSH recorded: both missing (0 points, said), provisional. */
    ck_case *c = co_case();
    ck_tier_case(c, D("2025-06-02"), CFG, &t);
    assert_int_equal(line_points(&t, "rsr"), 0);
    assert_non_null(ck_missing_find(&t.missing, "rsr"));
    assert_non_null(ck_missing_find(&t.missing, "rosh"));
    assert_null(ck_missing_find(&t.missing, "oasys.women"));
    assert_true(t.provisional);
    assert_null(ck_tier_line_find(&t, "women:enforcement"));
    /* Gender not known: whether the women's factors apply is missing. */
    c->person.gender = "U";
    ck_tier_case(c, D("2025-06-02"), CFG, &t);
    assert_non_null(ck_missing_find(&t.missing, "gender"));
    ck_case_free(c);

    /* A woman: M1 5 + RMDO 2 + RVLN 2 + a breach 11 months old on her active order 2 = 11 -> C.
     * With a current OASys, its answers for the other two factors are missing (0 points). */
    c = person("F", "1990-01-01", CK_NOINT, CK_NOINT);
    sentence(c, "E1", "community_order", "2024-06-01", "2026-05-31", "theft");
    assess(c, "AS1", "sentence_plan", "2025-06-01", NULL);
    reg(c, "G1", "MAPP", "2024-06-10", "M1");
    reg(c, "G2", "RMDO", "2024-06-10", NULL);
    reg(c, "G3", "RVLN", "2024-06-10", NULL);
    c->breaches[c->n_breaches++] = (ck_breach){"B1", "E1", D("2024-08-01"), CK_NODATE, CK_NODATE, NULL};
    ck_tier_case(c, D("2025-07-31"), CFG, &t);
    assert_int_equal(line_points(&t, "women:enforcement"), 2);
    assert_int_equal(line_points(&t, "women:oasys"), 0);
    assert_non_null(ck_missing_find(&t.missing, "oasys.women"));
    assert_int_equal(t.protect_points, 11);
    assert_int_equal(t.protect, 'C');
    /* A year old on 2025-08-01 (2024-08-01 is not after 2025-08-01 - 12 months): 9 -> D. */
    ck_tier_case(c, D("2025-08-01"), CFG, &t);
    assert_int_equal(line_points(&t, "women:enforcement"), 0);
    assert_int_equal(t.protect_points, 9);
    assert_int_equal(t.protect, 'D');
    /* A withdrawn breach is no enforcement activity. */
    c->breaches[0].outcome = "withdrawn";
    ck_tier_case(c, D("2025-07-31"), CFG, &t);
    assert_int_equal(line_points(&t, "women:enforcement"), 0);
    ck_case_free(c);
}

/* ---- Tier: change level --------------------------------------------------------- */

static void test_change_level_rules(void **state)
{
    (void)state;
    int points;
    ck_change_input in = {false, true, 30, 99, true};
    assert_int_equal(ck_tier_change_level(&in, &points), 0); /* no mandate: 0, whatever else */
    assert_int_equal(points, 0);
    in = (ck_change_input){true, false, 30, 99, true};
    assert_int_equal(ck_tier_change_level(&in, &points), 2); /* no assessment: 2 */
    /* needs + OGRS/10 + IOM 2: 0 + 79/10 = 7 -> 1; 0 + 7 + 2 = 9 -> 1 */
    in = (ck_change_input){true, true, 0, 79, false};
    assert_int_equal(ck_tier_change_level(&in, &points), 1);
    assert_int_equal(points, 7);
    in.iom = true;
    assert_int_equal(ck_tier_change_level(&in, &points), 1);
    assert_int_equal(points, 9);
    /* The boundaries: 0 + 80/10 + 2 = 10 -> 2; 19 -> 2; 20 -> 3. */
    in = (ck_change_input){true, true, 0, 80, true};
    assert_int_equal(ck_tier_change_level(&in, &points), 2);
    assert_int_equal(points, 10);
    in = (ck_change_input){true, true, 9, 99, true}; /* 9 + 9 + 2 = 20 */
    assert_int_equal(ck_tier_change_level(&in, &points), 3);
    in.needs_points = 8;                                /* 19 */
    assert_int_equal(ck_tier_change_level(&in, &points), 2);
    in = (ck_change_input){true, true, 0, -1, false};   /* OGRS unknown: 0 -> 1 */
    assert_int_equal(ck_tier_change_level(&in, &points), 1);
}

static void test_change_levels_of_cases(void **state)
{
    (void)state;
    ck_tier t;
    ck_date asof = D("2025-06-02");
    /* A hospital order only: no mandate for change, 0. */
    ck_case *c = person("M", "2007-01-10", 15, 12);
    sentence(c, "E1", "hospital_order", "2025-01-06", NULL, "theft");
    ck_tier_case(c, asof, CFG, &t);
    assert_string_equal(t.tier, "D0");
    ck_case_free(c);

    /* A community order with no requirements recorded: no mandate (0), and
     * provisional for want of the requirements. */
    c = person("M", "2007-01-10", 15, 12);
    sentence(c, "E1", "community_order", "2025-06-02", "2026-06-01", "theft");
    ck_tier_case(c, asof, CFG, &t);
    assert_string_equal(t.tier, "D0");
    assert_non_null(ck_missing_find(&t.missing, "requirements"));
    ck_case_free(c);

    /* Custody and no OASys assessment in 55 weeks (2024-05-01 is 397 days before): 2. */
    c = person("M", "2007-01-10", 15, 12);
    sentence(c, "E1", "custody", "2025-06-02", "2026-06-01", "theft")->sentence.release_date = D("2025-06-02");
    assess(c, "AS1", "rosh", "2024-05-01", "low");
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.change, 2);
    assert_int_equal(t.change_points, 0);
    assert_null(ck_tier_line_find(&t, "ogrs"));
    /* "Older than 55 weeks" is out of date: one exactly 55 weeks (385 days)
     * old, 2024-05-13, still counts (needs 0 + OGRS3 93% / 10 = 9 -> 1); one
     * a day older does not (2). */
    assess(c, "AS4", "rosh", "2024-05-13", "low");
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.change, 1);
    c->assessments[c->n_assessments - 1].completed = D("2024-05-12");
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.change, 2);
    c->n_assessments--;
    /* A deployment that keeps OASys current for 60 weeks (420 days): it counts,
     * needs 0 + OGRS3 93% / 10 = 9 -> 1. */
    char err[200];
    const char *weeks = "rosh_max_age_weeks = 60\n";
    ck_rules_config *cfg = ck_rulecfg_parse(weeks, strlen(weeks), err, sizeof err);
    assert_non_null(cfg);
    ck_tier_case(c, asof, cfg, &t);
    assert_int_equal(t.change, 1);
    ck_rulecfg_free(cfg);
    /* A sentence plan completed after as_of is not yet known. */
    assess(c, "AS3", "sentence_plan", "2025-06-03", NULL);
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.change, 2);
    /* A current sentence plan (OASys): needs 0 (missing) + OGRS3 93% / 10 = 9 -> 1
     * (this man's OGRS3 is the very high example above: 93%). */
    assess(c, "AS2", "sentence_plan", "2025-06-01", NULL);
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.ogrs3.p2, 93);
    assert_int_equal(line_points(&t, "ogrs"), 9);
    assert_int_equal(line_points(&t, "needs"), 0);
    assert_non_null(ck_missing_find(&t.missing, "oasys.needs"));
    assert_int_equal(t.change_points, 9);
    assert_string_equal(t.tier, "D1");
    /* An IOM nominal: 9 + 2 = 11 -> 2. */
    reg(c, "G1", "IIOM", "2025-06-02", NULL);
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(line_points(&t, "iom"), 2);
    assert_int_equal(t.change_points, 11);
    assert_string_equal(t.tier, "D2");
    /* No offending history: OGRS3 missing, 0 points, said: 0 + 2 = 2 -> 1. */
    c->person.has_offending_history = false;
    ck_tier_case(c, asof, CFG, &t);
    assert_int_equal(t.ogrs3.status, CK_SCORE_MISSING);
    assert_int_equal(line_points(&t, "ogrs"), 0);
    assert_non_null(ck_missing_find(&t.missing, "ogrs3"));
    assert_string_equal(t.tier, "D1");
    ck_case_free(c);
}

/* ---- Tier: S suffix and not supervised ----------------------------------------- */

/* Licence 2025-01-06 to 2025-10-03: L = 271 days (both counted), two-thirds
 * T = start + floor(542 / 3) = start + 180 = 2025-07-05; contact stops on
 * T + 1 = 2025-07-06 (after the reset took effect on 2024-06-07). */
static void test_s_suffix(void **state)
{
    (void)state;
    ck_tier t;
    ck_case *c = person("M", "1990-01-01", CK_NOINT, CK_NOINT);
    ck_event *e = sentence(c, "E1", "custody", "2024-01-10", "2025-10-03", "violence");
    e->sentence.release_date = D("2025-01-06");
    ck_tier_case(c, D("2025-07-05"), CFG, &t);
    assert_string_equal(t.tier, "D2");
    ck_tier_case(c, D("2025-07-06"), CFG, &t);
    assert_string_equal(t.tier, "D2S");
    assert_non_null(strstr(t.why_unsupervised, "2025-07-06"));
    /* The reset switched off: supervised. */
    char err[200];
    const char *off = "probation_reset = off\n";
    ck_rules_config *cfg = ck_rulecfg_parse(off, strlen(off), err, sizeof err);
    assert_non_null(cfg);
    ck_tier_case(c, D("2025-07-06"), cfg, &t);
    assert_string_equal(t.tier, "D2");
    ck_rulecfg_free(cfg);
    /* Exempt: very high RoSH (150 -> A; a current OASys -> 0 needs + 0 OGRS + 0 IOM = 1). */
    assess(c, "AS1", "rosh", "2025-01-10", "very_high");
    ck_tier_case(c, D("2025-07-06"), CFG, &t);
    assert_string_equal(t.tier, "A1");
    c->n_assessments = 0;
    /* Recalled: the licence ended, the sentence is still in force (custody): no S. */
    c->recalls[c->n_recalls++] = (ck_recall){"RC1", "E1", D("2025-03-01")};
    ck_tier_case(c, D("2025-07-06"), CFG, &t);
    assert_string_equal(t.tier, "D2");
    ck_case_free(c);

    /* A community order is not touched by the reset; a PRC registration gives S. */
    c = co_case();
    ck_tier_case(c, D("2025-12-01"), CFG, &t);
    assert_string_equal(t.tier, "D2");
    reg(c, "G1", "PRC", "2025-11-01", NULL);
    ck_tier_case(c, D("2025-12-01"), CFG, &t);
    assert_string_equal(t.tier, "D2S");
    assert_non_null(strstr(t.why_unsupervised, "PRC"));
    ck_case_free(c);
}

/* No active sentence: V2 gives the protect level with change 0 (hmpps-tier
 * v2 NoSentenceTest: MAPPA M2 and no sentence is "A0"). */
static void test_not_supervised(void **state)
{
    (void)state;
    ck_tier t;
    ck_case *c = person("M", "1995-03-01", 1, 28);
    ck_tier_case(c, D("2025-06-01"), CFG, &t);
    assert_string_equal(t.tier, "D0");
    assert_false(t.supervised);
    reg(c, "G1", "MAPP", "2025-01-01", "M2");
    ck_tier_case(c, D("2025-06-01"), CFG, &t);
    assert_string_equal(t.tier, "A0");
    c->n_registrations = 0;
    /* The order ended before as_of; one terminated early likewise. */
    ck_event *e = sentence(c, "E1", "custody", "2024-01-02", "2024-12-31", "violence");
    e->sentence.release_date = D("2024-01-02");
    ck_tier_case(c, D("2025-06-01"), CFG, &t);
    assert_string_equal(t.tier, "D0");
    ck_tier_case(c, D("2024-12-31"), CFG, &t);
    assert_true(t.supervised);
    e->sentence.terminated_on = D("2024-10-01");
    ck_tier_case(c, D("2024-12-31"), CFG, &t);
    assert_string_equal(t.tier, "D0");
    /* OGRS3 is still computed for the case (28 at the sentence on 2024-01-02). */
    assert_int_equal(t.ogrs3.status, CK_SCORE_OK);
    ck_case_free(c);
}

/* ---- Workload -------------------------------------------------------------------- */

static void test_workload_points(void **state)
{
    (void)state;
    /* §6.2 seed: community A3 206, licence B2 132, custody C1 23, licence A0 0; S tiers 0. */
    assert_int_equal(ck_wmt_case_points("A3", CK_WMT_COMMUNITY), 206);
    assert_int_equal(ck_wmt_case_points("B2", CK_WMT_LICENCE), 132);
    assert_int_equal(ck_wmt_case_points("C1", CK_WMT_CUSTODY), 23);
    assert_int_equal(ck_wmt_case_points("D0", CK_WMT_COMMUNITY), 29);
    assert_int_equal(ck_wmt_case_points("A0", CK_WMT_LICENCE), 0);
    assert_int_equal(ck_wmt_case_points("A3S", CK_WMT_LICENCE), 0);
    assert_int_equal(ck_wmt_case_points("NOT_SUPERVISED", CK_WMT_COMMUNITY), -1);
    assert_int_equal(ck_wmt_case_points("E1", CK_WMT_COMMUNITY), -1);
    assert_int_equal(ck_wmt_report_points("standard"), 138);
    assert_int_equal(ck_wmt_report_points("fast"), 65);
    assert_int_equal(ck_wmt_report_points("oral"), 0);
    int target;
    double hours;
    ck_wmt_grade("PQiP", &target, &hours);
    assert_int_equal(target, 2176);
    assert_true(hours == 37);
    ck_wmt_grade("SPO", &target, &hours);
    assert_true(hours == 0);
}

/* A PO on 37 hours at 2025-06-02:
 *   cases  A3 community 206 + B2 licence 132 + C1 custody 23 + B1S licence 0
 *          + one NOT_SUPERVISED (not a tier: 0, counted apart) = 361
 *   reports standard 138 + fast 65 + oral 0 = 203;  total 564
 *   reductions: NQO 7.4 h in force; 10 h that expired on 2025-06-02 and
 *               5 h from 2025-06-03 do not count -> available 37 - 7.4 = 29.6 h
 *   available points = floor(2176 x 29.6 / 37) = floor(1740.8) = 1740
 *   capacity = 564 / 1740 = 0.324137... -> 0.324 -> 32.4% */
static void test_workload_capacity(void **state)
{
    (void)state;
    const ck_wmt_case cases[] = {
        {"A3", CK_WMT_COMMUNITY}, {"B2", CK_WMT_LICENCE}, {"C1", CK_WMT_CUSTODY},
        {"B1S", CK_WMT_LICENCE}, {"NOT_SUPERVISED", CK_WMT_COMMUNITY}};
    const char *const reports[] = {"standard", "fast", "oral"};
    const ck_wmt_reduction reductions[] = {
        {7.4, "Newly qualified officer", D("2025-01-06"), D("2025-10-06")},
        {10, "Court duty", D("2025-03-01"), D("2025-06-02")},
        {5, "Court duty", D("2025-06-03"), CK_NODATE}};
    ck_wmt_input in = {"PO", 37, cases, 5, reports, 3, reductions, 3};
    ck_wmt w;
    ck_wmt_compute(&in, D("2025-06-02"), &w);
    assert_int_equal(w.case_points, 361);
    assert_int_equal(w.report_points, 203);
    assert_int_equal(w.total_points, 564);
    assert_int_equal(w.untiered, 1);
    assert_int_equal(w.cases_by_type[CK_WMT_LICENCE], 2);
    assert_int_equal(w.reductions_in_force, 1);
    assert_true(fabs(w.reduction_hours - 7.4) < 1e-9);
    assert_true(fabs(w.available_hours - 29.6) < 1e-9);
    assert_int_equal(w.nominal_target, 2176);
    assert_int_equal(w.available_points, 1740);
    assert_true(w.capacity_known);
    assert_int_equal(w.capacity_permille, 324);

    /* A day earlier the 10 h reduction is still in force: 37 - 17.4 = 19.6 h,
     * floor(2176 x 19.6 / 37) = floor(1152.69) = 1152; 564 / 1152 = 0.48958 -> 0.490 -> 49.0%. */
    ck_wmt_compute(&in, D("2025-06-01"), &w);
    assert_int_equal(w.reductions_in_force, 2);
    assert_int_equal(w.available_points, 1152);
    assert_int_equal(w.capacity_permille, 490);

    /* A PSO on 22.5 h with four community B2s and a licence A3:
     *   4 x 115 + 219 = 679; floor(2176 x 22.5 / 37) = floor(1323.24) = 1323;
     *   679 / 1323 = 0.51323 -> 0.513 -> 51.3%. With a second A3 licence:
     *   898 / 1323 = 0.67876 -> 0.679 -> 67.9%. */
    const ck_wmt_case pso_cases[] = {
        {"B2", CK_WMT_COMMUNITY}, {"B2", CK_WMT_COMMUNITY}, {"B2", CK_WMT_COMMUNITY},
        {"B2", CK_WMT_COMMUNITY}, {"A3", CK_WMT_LICENCE}, {"A3", CK_WMT_LICENCE}};
    in = (ck_wmt_input){"PSO", 22.5, pso_cases, 5, NULL, 0, NULL, 0};
    ck_wmt_compute(&in, D("2025-06-02"), &w);
    assert_int_equal(w.total_points, 679);
    assert_int_equal(w.available_points, 1323);
    assert_int_equal(w.capacity_permille, 513);
    in.n_cases = 6;
    ck_wmt_compute(&in, D("2025-06-02"), &w);
    assert_int_equal(w.capacity_permille, 679);

    /* An SPO: no default contracted hours in the WMT, so no capacity figure. */
    in = (ck_wmt_input){"SPO", 37, cases, 1, NULL, 0, NULL, 0};
    ck_wmt_compute(&in, D("2025-06-02"), &w);
    assert_false(w.capacity_known);
    assert_int_equal(w.available_points, 0);
    assert_non_null(strstr(w.why, "SPO"));
    /* Fully reduced (long-term sickness, 100%): no available hours. */
    ck_wmt_reduction sick;
    assert_true(ck_wmt_reduction_default("Long Term Sickness", 37, D("2025-05-01"), &sick));
    in = (ck_wmt_input){"PO", 37, cases, 1, NULL, 0, &sick, 1};
    ck_wmt_compute(&in, D("2025-06-02"), &w);
    assert_false(w.capacity_known);
    assert_true(w.available_hours == 0);
}

static void test_workload_reductions(void **state)
{
    (void)state;
    /* PQiP first 6 months: 80% of 37 h = 29.6 h, for 6 months (clamped to month end). */
    ck_wmt_reduction r;
    assert_true(ck_wmt_reduction_default("PQiP first 6 months", 37, D("2025-08-31"), &r));
    assert_true(fabs(r.hours - 29.6) < 1e-9);
    assert_int_equal(r.expires, D("2026-02-28"));
    assert_true(ck_wmt_reduction_in_force(&r, D("2026-02-27")));
    assert_false(ck_wmt_reduction_in_force(&r, D("2026-02-28")));
    assert_false(ck_wmt_reduction_in_force(&r, D("2025-08-30")));
    /* Trade union facility time is a ceiling of 50%, with no expiry. */
    const ck_wmt_reduction_reason *tu = ck_wmt_reduction_reason_find("Trade union facility time");
    assert_non_null(tu);
    assert_int_equal(tu->percent, 50);
    assert_true(tu->maximum);
    assert_true(ck_wmt_reduction_default("Trade union facility time", 37, D("2025-01-01"), &r));
    assert_int_equal(r.expires, CK_NODATE);
    assert_false(ck_wmt_reduction_default("Court duty", 37, D("2025-01-01"), &r));
}

static void test_workload_case_type_of_case(void **state)
{
    (void)state;
    ck_wmt_case_type type;
    ck_case *c = person("M", "1990-01-01", CK_NOINT, CK_NOINT);
    ck_event *e = sentence(c, "E1", "custody", "2024-01-10", "2025-10-03", "violence");
    e->sentence.release_date = D("2025-01-06");
    e->sentence.pss_end_date = D("2026-10-02");
    assert_true(ck_wmt_case_type_of(c, D("2024-12-01"), &type)); /* before release */
    assert_int_equal(type, CK_WMT_CUSTODY);
    assert_true(ck_wmt_case_type_of(c, D("2025-02-01"), &type)); /* licence */
    assert_int_equal(type, CK_WMT_LICENCE);
    assert_true(ck_wmt_case_type_of(c, D("2025-11-01"), &type)); /* PSS counts as licence */
    assert_int_equal(type, CK_WMT_LICENCE);
    sentence(c, "E2", "sso", "2025-11-01", "2026-11-01", "theft");
    assert_true(ck_wmt_case_type_of(c, D("2025-11-01"), &type)); /* licence outranks community */
    assert_int_equal(type, CK_WMT_LICENCE);
    assert_true(ck_wmt_case_type_of(c, D("2026-10-03"), &type)); /* PSS over: the SSO */
    assert_int_equal(type, CK_WMT_COMMUNITY);
    assert_false(ck_wmt_case_type_of(c, D("2026-11-02"), &type));
    ck_case_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age_is_completed_years),
        cmocka_unit_test(test_periods_and_registrations),
        cmocka_unit_test(test_ogrs3_first_time_offender),
        cmocka_unit_test(test_ogrs3_band_boundary),
        cmocka_unit_test(test_ogrs3_custody_follow_up_from_release),
        cmocka_unit_test(test_ogrs3_female_and_very_high),
        cmocka_unit_test(test_ogrs3_very_high_boundary),
        cmocka_unit_test(test_ogrs3_age_ten),
        cmocka_unit_test(test_ogrs3_percentage_capped),
        cmocka_unit_test(test_ogrs3_two_sentences_one_day),
        cmocka_unit_test(test_ogrs3_missing_inputs),
        cmocka_unit_test(test_ogrs3_invalid_inputs),
        cmocka_unit_test(test_protect_level_boundaries),
        cmocka_unit_test(test_rsr_and_rosh_only_the_higher_counts),
        cmocka_unit_test(test_protect_levels_of_cases),
        cmocka_unit_test(test_mappa_m1_versus_m2),
        cmocka_unit_test(test_tier_missing_inputs_and_women),
        cmocka_unit_test(test_change_level_rules),
        cmocka_unit_test(test_change_levels_of_cases),
        cmocka_unit_test(test_s_suffix),
        cmocka_unit_test(test_not_supervised),
        cmocka_unit_test(test_workload_points),
        cmocka_unit_test(test_workload_capacity),
        cmocka_unit_test(test_workload_reductions),
        cmocka_unit_test(test_workload_case_type_of_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
