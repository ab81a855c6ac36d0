/* ck_tier: the HMPPS tier, version 2 (the "Unified Tiering Model").
 *
 * A tier is a protect level A-D (risk of harm) and a change level 0-3 (need
 * and mandate to change), e.g. "B2", with "S" appended while the person is
 * not being actively supervised. Exactly as ministryofjustice/hmpps-tier's V2
 * calculators (service/calculation ProtectLevelCalculator, ChangeLevelCalculator,
 * MandateForChange, AdditionalFactorsForWomen; service/api DeliusApiService);
 * domain/rules-and-sources.md §5.1-5.2:
 *
 * Protect points: RSR 7.00-99.99% 20, 3.00-6.99% 10; RoSH very high 150, high
 * 20, medium 10 (the latest-dated of the RoSH registrations and assessments,
 * ck_rosh_latest); MAPPA level M2/M3 150, M1 5; 2 for each distinct complexity
 * register in force (RMDO ALSH RVLN RCCO RCPR RCHD RPIR RVAD STRG RTAO); for
 * women 2 each for OASys 6.9 parenting, 11.2/11.4 impulsivity or temper (once),
 * and enforcement activity. Total = sum - min(RSR, RoSH points): >= 150 A,
 * 20-149 B, 10-19 C, else D.
 *
 * Change level: 0 with no mandate for change (ck_mandate_for_change: no
 * event in force is custody or has a non-restrictive requirement in force
 * other than unpaid work; no active
 * sentence at all is therefore "A0".."D0", as V2 gives); 2 with no OASys
 * assessment; else needs points (weighting x severity: thinking and
 * behaviour and attitudes weigh 2, the other six 1; standard 1, severe 2) +
 * OGRS 2-year % / 10 + 2 for an IOM nominal (IIOM): >= 20 3, 10-19 2, else 1.
 * "S": a PRC registration in force, or (Casekeeper's reading of the same
 * register, which nDelius sets for the reset) the probation reset has stopped
 * contact on every period in force.
 *
 * An input Casekeeper does not have is counted as the reference counts an
 * absent one (0 points), and the tier is provisional: `missing` names it.
 * The keys, each with its name for people in ck_tier_missing_label:
 *   rsr            no RSR recorded (0 points)
 *   rosh           no RoSH registration or assessment (0 points)
 *   requirements   a CO/SSO in force with no requirements recorded (no mandate from it)
 *   oasys.needs    an OASys assessment without needs (0 needs points)
 *   oasys.women    a woman's OASys 6.9/11.2/11.4 answers (not held: 0 points)
 *   ogrs3          OGRS3 cannot be computed (0 points)
 *   gender         not recorded or unknown (the factors for women not applied)
 *   mappa.level    a MAPP registration without a level (0 points)
 */
#ifndef CK_TIER_H
#define CK_TIER_H
#include "ck_case.h"
#include "ck_facts.h"
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
    bool mandate;      /* custody, or a non-restrictive requirement other than unpaid work, in force */
    bool assessment;   /* a current OASys assessment */
    int needs_points;  /* sum of need weighting x severity (ck_tier_needs_points) */
    int ogrs_percent;  /* OGRS 2-year %; -1 when not known (0 points) */
    bool iom;          /* an IIOM registration in force */
} ck_change_input;

/* The needs points of an OASys needs record: weighting x severity summed;
 * an absent need counts 0. */
int ck_tier_needs_points(const ck_needs *n);

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

/* The points of each input (after the rules: a women's factor is 0 for a man). */
typedef struct ck_tier_points {
    int rsr, rosh, mappa, complexity, women, protect; /* protect: the total after the RSR/RoSH rule */
    int needs, ogrs, iom, change;                     /* change: the total (0 when a rule fixed the level) */
} ck_tier_points;

typedef struct ck_tier {
    char tier[16];        /* "B2", "A3S", "D0" */
    bool supervised;      /* an event is active at as_of (else the change level is 0) */
    char protect;         /* 'A'..'D' */
    int protect_points;   /* after the RSR/RoSH rule */
    int change;           /* 0..3 */
    int change_points;    /* 0 when a rule fixed the level */
    bool unsupervised;    /* the "S" suffix */
    bool provisional;     /* an input is missing: see `missing` */
    ck_tier_points points;
    ck_rosh_found rosh;   /* the RoSH used; level NULL when none */
    char why_unsupervised[200];
    size_t n_protect, n_change;
    ck_tier_line protect_lines[CK_TIER_PROTECT_LINES];
    ck_tier_line change_lines[CK_TIER_CHANGE_LINES];
    ck_ogrs3 ogrs3;       /* the OGRS3 of the case at as_of, whether or not it was used */
    ck_missing_list missing;
    /* The earliest day after as_of on which a date the tier worked out (an
     * OASys assessment going out of date, a year since a breach or recall,
     * the day the probation reset stops contact) turns a comparison with
     * as_of the other way; CK_NODATE: none (core/ck_horizon). */
    ck_date changes_on;
} ck_tier;

/* The keys of t's missing inputs, comma separated ("rsr,rosh"; "" when the
 * tier is complete), as the store keeps them; cut short to fit out. */
const char *ck_tier_missing_keys(const ck_tier *t, char *out, size_t len);

/* The name for people of a missing-input key above ("RSR", "sentence
 * requirements"); the key itself when it is not one of them. */
const char *ck_tier_missing_label(const char *key);

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
