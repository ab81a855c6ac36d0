/* ck_inspect: continuous inspection, from obligations to a score out of 27.
 * Pure: no I/O, no clock; the store feeds it one case's obligations at a time.
 *
 * The framework (domain/rules-and-sources.md §8): the 2021-2023 PDU
 * inspections gave 27 points, 9 standards each rated Outstanding 3, Good 2,
 * Requires improvement 1, Inadequate 0 (9 x 3 = 27). Four are organisational
 * (1.1 leadership, 1.2 staff, 1.3 services, 1.4 information and facilities),
 * entered by a head of PDU with evidence; five are case standards, which
 * Casekeeper computes from every case (the rulebook's last section):
 * assessment, planning, implementation and delivery, reviewing, victims.
 *
 * Key questions. The rulebook lists, for each case standard, clauses such as
 * "ROSH_INITIAL met on time, DA_CHECK and CHILD_CHECK met on time,
 * DA_FLAG_DECISION met". Each clause is one key question with one percentage;
 * rules joined in a clause ("and", or a list before one qualifier) are pooled:
 *   assessment      A1 ROSH_INITIAL on time; A2 DA_CHECK + CHILD_CHECK on time;
 *                   A3 DA_FLAG_DECISION met (late or not)
 *   planning        P1 SENTENCE_PLAN on time
 *   implementation  I1 INDUCTION on time; I2 share of days with no overdue
 *                   CONTACT; I3 ENFORCE on time
 *   reviewing       R1 ROSH_CHANGE + ROSH_REVIEW on time
 *   victims         V1 VCS_REFERRAL + VCS_FIRST_CONTACT + VCS_RELEASE_NOTICE on time
 *
 * Counting, for a period [from, to] seen at as_of:
 *  - An obligation counts when its due date is in the period and it is
 *    decided at as_of: met on or before as_of, or due before as_of (an open
 *    one, not yet due, is not yet a failure). It succeeds when met on or
 *    before its due date ("met" measures: met on or before as_of).
 *  - I2 counts case-days. Day d (from <= d <= min(to, as_of)) is a day of the
 *    case under contact when a CONTACT obligation of the case runs on it:
 *    from its contact's date to the day it was met (or, unmet, to the end).
 *    The day is overdue when a CONTACT obligation was due before d and not
 *    met by d. Share = days not overdue / days under contact.
 *  - A percentage is met / counted; with nothing counted it has no value.
 *  - A standard's rating follows its LOWEST key question with a value
 *    (thresholds rating_*_pct of config/rules.conf, compared exactly: 79.99%
 *    is Good, 80% Outstanding); a standard with no value is not rated and
 *    scores 0, and says so.
 *  - Points = the sum of the 9 ratings; the overall band from the points
 *    (settings inspection.band.*, seeded by migrations/003_manage.sql). */
#ifndef CK_INSPECT_H
#define CK_INSPECT_H
#include "ck_rulecfg.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ck_rating {
    CK_RATING_INADEQUATE = 0,
    CK_RATING_REQUIRES_IMPROVEMENT = 1,
    CK_RATING_GOOD = 2,
    CK_RATING_OUTSTANDING = 3,
} ck_rating;

/* "inadequate", "requires_improvement", "good", "outstanding" */
const char *ck_rating_name(ck_rating r);
const char *ck_rating_title(ck_rating r); /* "Requires improvement" */
bool ck_rating_parse(const char *s, ck_rating *out);

typedef struct ck_rating_thresholds {
    int outstanding_pct, good_pct, requires_improvement_pct;
} ck_rating_thresholds;

ck_rating_thresholds ck_inspect_thresholds(const ck_rules_config *cfg);
/* The rating of met/counted (counted > 0), exactly: met * 100 >= pct * counted. */
ck_rating ck_inspect_rate(int64_t met, int64_t counted, const ck_rating_thresholds *t);

/* The lowest points of each overall band above Inadequate. */
typedef struct ck_inspect_bands {
    int requires_improvement_min, good_min, outstanding_min;
} ck_inspect_bands;

/* Applies one setting "inspection.band.requires_improvement_min" (good_min,
 * outstanding_min); other prefixes are ignored (true). False with
 * "KEY: expected ..." in err. */
bool ck_inspect_bands_set(ck_inspect_bands *b, const char *key, const char *value, char *err, size_t err_len);
/* The band of a score; false with a message when the minima are not
 * increasing within 1..27. */
bool ck_inspect_bands_check(const ck_inspect_bands *b, char *err, size_t err_len);
ck_rating ck_inspect_band(int points, const ck_inspect_bands *b);

#define CK_INSPECT_MAX_POINTS 27

typedef enum ck_standard {
    CK_STD_LEADERSHIP,
    CK_STD_STAFF,
    CK_STD_SERVICES,
    CK_STD_INFORMATION,
    CK_STD_ASSESSMENT,
    CK_STD_PLANNING,
    CK_STD_IMPLEMENTATION,
    CK_STD_REVIEWING,
    CK_STD_VICTIMS,
} ck_standard;
#define CK_STANDARDS 9
#define CK_ORG_STANDARDS 4 /* the first four */

/* "leadership", "staff", "services", "information_facilities", "assessment",
 * "planning", "implementation_delivery", "reviewing", "victims" */
const char *ck_standard_key(ck_standard s);
const char *ck_standard_title(ck_standard s);
bool ck_standard_parse(const char *s, ck_standard *out);
static inline bool ck_standard_is_case(ck_standard s) { return s >= CK_STD_ASSESSMENT; }

typedef enum ck_measure_kind { CK_MEASURE_ON_TIME, CK_MEASURE_MET, CK_MEASURE_CONTACT_DAYS } ck_measure_kind;

typedef struct ck_measure_def {
    const char *key;   /* "A1" */
    ck_standard standard;
    const char *title; /* "ROSH_INITIAL met on time" */
    const char *rules[4]; /* NULL-terminated */
    ck_measure_kind kind;
} ck_measure_def;

#define CK_MEASURES 9
extern const ck_measure_def ck_measures[CK_MEASURES];
int ck_measure_find(const char *key); /* index, or -1 */

/* One stored obligation, as the inspection reads it. */
typedef struct ck_inspect_item {
    const char *rule;
    ck_date due, met_on;  /* met_on CK_NODATE when unmet */
    ck_date contact_date; /* CONTACT: the date of the contact it follows; else unused */
} ck_inspect_item;

typedef struct ck_inspect_period {
    ck_date from, to, as_of;
} ck_inspect_period;

/* The period read when none is asked for: the twelve months up to the day
 * before as_of (the last whole day), seen at as_of. */
ck_inspect_period ck_inspect_default_period(ck_date as_of);

typedef struct ck_met_count {
    int64_t met, counted;
} ck_met_count;

/* Whether `it` counts for on-time/met measure m in the period, and if so
 * whether it succeeded. False for a CONTACT_DAYS measure. */
bool ck_inspect_item_counts(const ck_inspect_period *p, int m, const ck_inspect_item *it, bool *success);
/* Whether CONTACT obligation `it` was overdue on some day of the period
 * (the drill-down of I2). */
bool ck_inspect_contact_overdue(const ck_inspect_period *p, const ck_inspect_item *it);

/* Running totals over many cases. */
typedef struct ck_inspect_acc {
    ck_inspect_period period;
    ck_met_count counts[CK_MEASURES];
    size_t cases;  /* cases with at least one counted obligation or day */
    uint8_t *days; /* scratch: one byte per day of the period */
    size_t n_days;
} ck_inspect_acc;

void ck_inspect_init(ck_inspect_acc *a, const ck_inspect_period *p);
/* Adds one case's obligations; this case's contribution to each measure goes
 * to case_out (may be NULL), so a caller can tell which cases failed what. */
void ck_inspect_add_case(ck_inspect_acc *a, const ck_inspect_item *items, size_t n, ck_met_count case_out[CK_MEASURES]);
void ck_inspect_free(ck_inspect_acc *a);

/* An organisational standard as entered (rated false: nobody has yet). */
typedef struct ck_org_rating {
    bool rated;
    ck_rating rating;
} ck_org_rating;

typedef struct ck_standard_score {
    bool rated;
    ck_rating rating;
    int lowest_measure; /* case standards: the key question that set the rating, -1 when none */
} ck_standard_score;

typedef struct ck_inspect_score {
    ck_met_count measures[CK_MEASURES];
    ck_standard_score standards[CK_STANDARDS];
    int points;     /* 0..27 */
    ck_rating band; /* overall */
    int unrated;    /* standards that scored 0 for want of evidence */
} ck_inspect_score;

/* Rates every standard from the counts and the organisational entries
 * (org[i] for standard i < CK_ORG_STANDARDS) and adds up the points. */
void ck_inspect_score_compute(const ck_met_count measures[CK_MEASURES], const ck_org_rating org[CK_ORG_STANDARDS],
                              const ck_rating_thresholds *t, const ck_inspect_bands *b, ck_inspect_score *out);

/* A percentage for display, 2 dp: 100 * met / counted; -1 when counted is 0. */
double ck_met_pct(const ck_met_count *c);

#endif
