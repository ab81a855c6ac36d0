/* ck_ogrs3: the Offender Group Reconviction Scale, version 3.
 *
 * Howard et al. (2009), exactly as HMPPS computes it: domain/rules-and-sources.md
 * §4.1, from hmpps-arns-risk-actuarial-api @ 6d39dc3c
 * (OGRS3TransformationHelper.kt, OGRS3RiskProducerService.kt, NumbersUtils.kt):
 *
 *   copas  = ln((1 + previous sanctions) / (10 + age at conviction - age at first sanction)),
 *            unrounded (the reference rounded it to 5 dp until October 2025)
 *   S      = age/gender term + status term + 1.25112 x copas + offence term
 *   p1, p2 = logistic(1.40256 + S), logistic(2.1217 + S), each rounded to 5 dp,
 *            then to a whole percentage (half up), then held within 1..99
 *   band   = on p2: 0-49 low, 50-74 medium, 75-89 high, 90+ very high
 *
 * Ages are completed years (java.time.Period). The age/gender term uses the
 * age at the start of follow-up; the copas term the age at the current
 * conviction: the main offence's conviction_date when the bundle has it,
 * else the sentence date stands for it (the conviction is on or before it,
 * and the two are usually the same day). The coefficient tables are in ck_ogrs3.c, once. */
#ifndef CK_OGRS3_H
#define CK_OGRS3_H
#include "ck_case.h"
#include "ck_scores.h"

typedef enum ck_ogrs3_band {
    CK_OGRS3_LOW, CK_OGRS3_MEDIUM, CK_OGRS3_HIGH, CK_OGRS3_VERY_HIGH
} ck_ogrs3_band;

const char *ck_ogrs3_band_name(ck_ogrs3_band b); /* "low", "medium", "high", "very_high" */

/* The scale's inputs, for a caller that has them outside a case. Absent:
 * strings NULL, dates CK_NODATE, integers CK_NOINT. */
typedef struct ck_ogrs3_input {
    const char *gender;            /* "M" or "F"; "X", "U" or NULL has no coefficient */
    ck_date date_of_birth;
    ck_date conviction;            /* the current conviction (Casekeeper: the sentence date) */
    ck_date follow_up;             /* the start of follow-up (time at risk) */
    int32_t total_sanctions;       /* including the current one; >= 1 */
    int32_t age_at_first_sanction;
    const char *category;          /* an offence category of ck_vocab_offence_category */
} ck_ogrs3_input;

typedef struct ck_ogrs3 {
    ck_score_status status;
    /* The inputs as used (meaningful once found; -1 / CK_NODATE otherwise). */
    char event[64];                /* ck_ogrs3_case: id of the current event, "" when none */
    char category[32];
    ck_date follow_up;
    int age_at_conviction, age_at_follow_up;
    /* Set only when status is OK: the four terms, their sum S, the result. */
    double age_gender, conviction_status, copas, offence, total;
    int p1, p2;                    /* whole percentages, 1..99 */
    ck_ogrs3_band band;
    ck_missing_list missing;       /* keys: gender, date_of_birth, total_sanctions,
                                      age_at_first_sanction, conviction_date,
                                      follow_up_date, offence_category */
} ck_ogrs3;

/* The scale from explicit inputs. Always fills *out: status OK with the
 * result, MISSING naming every absent input, or INVALID naming the input at
 * fault (no sanction; under 10 at conviction or follow-up; first sanction
 * after the current conviction). */
void ck_ogrs3_compute(const ck_ogrs3_input *in, ck_ogrs3 *out);

/* The scale for a case at as_of. The current event is the one with the latest
 * sentence dated on or before as_of (two on one day: the one listed last);
 * its offence is the one marked main (an event with a single offence: that
 * one; none or several marked main: missing). Follow-up starts on the
 * sentence date for a community order or SSO, and on the release date for
 * custody and a hospital order (detention: time at risk starts on leaving);
 * no release date: missing. Terrorism has no OGRS3 coefficient: missing. */
void ck_ogrs3_case(const ck_case *c, ck_date as_of, ck_ogrs3 *out);

/* The offence term for a category; false when it has none (terrorism, or not
 * a category). */
bool ck_ogrs3_offence_coefficient(const char *category, double *out);

#endif
