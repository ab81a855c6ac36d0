/* ck_practice: the practice indicators, each the rate at which one kind of
 * rulebook obligation is not met as it should be. Defined once, here.
 *
 * Three parts of Casekeeper use them and must agree: the generator
 * (gen/ck_gen) makes cases with each indicator at a rate it is given; its
 * test measures the rate back from the rules engine's output with
 * ck_practice_tally_add; `casekeeper stats` counts the same from the stored
 * obligations in SQL built from this table (store/ck_stats). So the table
 * below is data that both the C tally and the SQL read, not prose.
 *
 * An indicator counts either obligations or cases:
 *   - per obligation: every obligation matching `counted` is one in the
 *     denominator, and one in the numerator as well when it has the fault;
 *   - per case: a case is one in the denominator when any of its obligations
 *     matches `counted`, and one in the numerator when, besides, any of its
 *     obligations matching `faulty` has the fault.
 * Only obligations due before as_of are matched (those still open could yet
 * be met on time), unless the match says any_due. */
#ifndef CK_PRACTICE_H
#define CK_PRACTICE_H
#include "ck_rules.h"
#include <stdbool.h>
#include <stddef.h>

typedef enum ck_practice_id {
    CK_PRACTICE_VCS_NOT_OFFERED,
    CK_PRACTICE_VCS_FIRST_CONTACT_LATE,
    CK_PRACTICE_DA_CHECK_MISSED,
    CK_PRACTICE_CHILD_CHECK_MISSED,
    CK_PRACTICE_ROSH_LATE,
    CK_PRACTICE_OVERSIGHT_MISSED,
    CK_PRACTICE_INSUFFICIENT_CONTACT,
    CK_PRACTICE_LOST,
    CK_PRACTICE_UNALLOCATED,
    CK_PRACTICE_N
} ck_practice_id;

typedef enum ck_practice_fault {
    CK_FAULT_OVERDUE,     /* not met, due before as_of */
    CK_FAULT_NOT_ON_TIME, /* met late, or overdue */
    /* overdue, and its subject "allocation:ID" names an allocation to a
     * practitioner who left (staff_left_on set; long-term absence is not
     * leaving) */
    CK_FAULT_LEFT,
} ck_practice_fault;

typedef struct ck_practice_match {
    const char *rules;   /* rule IDs, separated by single spaces */
    const char *subject; /* NULL: any; ending in ':' a prefix ("allocation:"); else exact ("case") */
    bool any_due;        /* also obligations due on or after as_of */
} ck_practice_match;

typedef struct ck_practice_def {
    const char *name;    /* the generator's --param NAME, the key in stats output */
    const char *meaning; /* the definition below, for people */
    bool per_case;
    ck_practice_match counted;
    ck_practice_match faulty; /* per case only; per obligation the counted obligation itself */
    ck_practice_fault fault;
} ck_practice_def;

extern const ck_practice_def ck_practice_defs[CK_PRACTICE_N];

/* Whether obligation o matches m at as_of. */
bool ck_practice_matches(const ck_practice_match *m, const ck_obligation *o, ck_date as_of);
/* Whether rule is one of the space-separated IDs in rules. */
bool ck_practice_rule_in(const char *rules, const char *rule);

/* Measuring: add every evaluated case (its obligations at as_of), then read
 * each rate. `c` is the case r was evaluated from (CK_FAULT_LEFT reads its
 * allocations). */
typedef struct ck_practice_tally {
    size_t num[CK_PRACTICE_N], den[CK_PRACTICE_N];
} ck_practice_tally;

void ck_practice_tally_add(ck_practice_tally *t, const ck_case *c, const ck_result *r, ck_date as_of);
/* num / den of indicator p, or -1 when nothing counted. */
double ck_practice_rate(const ck_practice_tally *t, ck_practice_id p);

#endif
