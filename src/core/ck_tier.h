/* ck_tier: the HMPPS tier, version 2 (the "Unified Tiering Model").
 *
 * A tier is a protect level A-D (risk of harm) and a change level 0-3 (need
 * and mandate to change), e.g. "B2", with "S" appended while the person is
 * not being actively supervised. Source: domain/rules-and-sources.md §5.1-5.2,
 * from ministryofjustice/hmpps-tier (ProtectLevelCalculator, ChangeLevelCalculator,
 * MandateForChange, AdditionalFactorsForWomen, DeliusApiService).
 *
 * Protect points: RSR 7.00-99.99% 20, 3.00-6.99% 10; RoSH very high 150, high
 * 20, medium 10; MAPPA level M2/M3 150, M1 5; 2 for each distinct complexity
 * register in force (RMDO ALSH RVLN RCCO RCPR RCHD RPIR RVAD STRG RTAO); for
 * women 2 each for OASys 6.9 parenting, 11.2/11.4 impulsivity or temper (once),
 * and enforcement activity. Total = sum - min(RSR, RoSH points): >= 150 A,
 * 20-149 B, 10-19 C, else D.
 *
 * Change level: 0 with no mandate for change; 2 with no OASys assessment;
 * else needs points + OGRS 2-year % / 10 + 2 for an IOM nominal (IIOM):
 * >= 20 3, 10-19 2, else 1.
 *
 * What Casekeeper does not hold, and how the tier goes on without it (each is
 * a line of the result and, where an input is unknown, a missing entry):
 *  - RSR: not held; 0 points, so the RoSH points always count in full.
 *  - The women-only OASys answers (6.9, 11.2, 11.4): not held; 0 points.
 *  - Sentence requirements: not held. The source finds a mandate in custody
 *    or a CO/SSO with a non-restrictive requirement other than unpaid work;
 *    here every CO/SSO in force counts as having a mandate.
 *  - OASys needs scores: not held. A case with a current OASys assessment
 *    (RoSH or sentence plan, within the configured rosh_max_age_weeks) is scored as the source scores an
 *    assessment without needs answers: 0 needs points, plus OGRS/10 and IOM.
 *    A case with none takes the source's rule for no assessment: level 2.
 *  - The OGRS score: Casekeeper's own OGRS3 (ck_ogrs3) 2-year %; when it
 *    cannot be computed, 0 points.
 */
#ifndef CK_TIER_H
#define CK_TIER_H
#include "ck_case.h"
#include "ck_ogrs3.h"
#include "ck_rulecfg.h"
#include "ck_scores.h"

/* ---- The rules, as pure functions of their inputs ----------------------- */

/* RSR in hundredths of a percent (6.99% is 699); CK_NOINT (not known) is 0. */
int ck_tier_rsr_points(int32_t rsr_centi);
int ck_tier_rosh_points(const char *level);       /* rosh level vocabulary; NULL 0 */
int ck_tier_mappa_points(const char *level);      /* "M1".."M3"; NULL 0 */

typedef struct ck_protect_points {
    int rsr, rosh, mappa, complexity, women;
} ck_protect_points;

/* The sum less the lower of the RSR and RoSH points (only the higher counts). */
int ck_tier_protect_total(const ck_protect_points *p);
char ck_tier_protect_level(int total);            /* 'A'..'D' */

typedef struct ck_change_input {
    bool mandate;      /* custody or a CO/SSO in force */
    bool assessment;   /* a current OASys assessment */
    int needs_points;  /* sum of need weighting x severity (Casekeeper: 0, not held) */
    int ogrs_percent;  /* OGRS 2-year %; -1 when not known (0 points) */
    bool iom;          /* an IIOM registration in force */
} ck_change_input;

/* OGRS 2-year % / 10, whole points (0 for an unknown score, -1). */
int ck_tier_ogrs_points(int ogrs_percent);
/* The change level 0..3; the points total (0 when a rule fixed the level) in
 * *points when points is not NULL. */
int ck_tier_change_level(const ck_change_input *in, int *points);

/* ---- The tier of a case --------------------------------------------------- */

/* One input of the tier and the points it gave, for showing why. */
typedef struct ck_tier_line {
    char input[32];  /* "rsr", "rosh", "mappa", "complexity:RMDO", "women:parenting",
                        "women:self_control", "women:enforcement", "rsr_rosh_overlap",
                        "mandate", "oasys", "needs", "ogrs", "iom" */
    int points;
    char why[200];
} ck_tier_line;

/* Room for every input: protect has at most 17 (RSR, RoSH, MAPPA, ten
 * complexity registers, three factors for women, the RSR/RoSH overlap),
 * change at most 5 (mandate, OASys, needs, OGRS, IOM). */
#define CK_TIER_PROTECT_LINES 20
#define CK_TIER_CHANGE_LINES 8

typedef struct ck_tier {
    char tier[16];        /* "B2", "A3S", or "NOT_SUPERVISED" */
    bool supervised;      /* false: no event is active; only ogrs3 is set below */
    char protect;         /* 'A'..'D' */
    int protect_points;   /* after the RSR/RoSH rule */
    int change;           /* 0..3 */
    int change_points;    /* 0 when a rule fixed the level */
    bool unsupervised;    /* the "S" suffix */
    char why_unsupervised[200];
    size_t n_protect, n_change;
    ck_tier_line protect_lines[CK_TIER_PROTECT_LINES];
    ck_tier_line change_lines[CK_TIER_CHANGE_LINES];
    ck_ogrs3 ogrs3;       /* the OGRS3 of the case at as_of, whether or not it was used */
    ck_missing_list missing;
} ck_tier;

/* The tier of `c` at as_of. From the rules configuration (the one place the
 * numbers the rulebook and the tier share are kept): the probation reset
 * switch and date, and the age at which an OASys assessment is out of date.
 * "S" is appended when a PRC registration is in force, or when every
 * supervision period active at as_of is a licence or PSS on which the reset
 * has stopped contact. Fills *out completely; never fails. */
void ck_tier_case(const ck_case *c, ck_date as_of, const ck_rules_config *cfg, ck_tier *out);

/* The line for `input` in either list, or NULL (for tests and the UI). */
const ck_tier_line *ck_tier_line_find(const ck_tier *t, const char *input);

#endif
