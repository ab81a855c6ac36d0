/* ck_horizon: the next date on which what an evaluation of a case stores can
 * change other than by a due date passing (issue 16, incremental recompute).
 *
 * What the daily recompute stores for a case at as_of (its obligations and
 * failures to comply, its holder, its tier and workload profile) depends on
 * as_of only through comparisons of as_of with dates. Open versus overdue
 * is not one of them: the store keeps "unmet" and every reader decides
 * overdue from the due date at its own as_of. The comparisons are of two kinds:
 *  - with a date recorded on the case (a release date, an end date, an
 *    allocation's `to`, a practitioner's leaving date, a booked appointment,
 *    any fact dated after as_of that the rules ignore until then), whatever
 *    module makes them: ck_horizon_facts walks every date field of the case
 *    through its descriptors (core/ck_case), so a new field or a new rule
 *    reading one needs nothing here;
 *  - with a date worked out from them (the two-thirds point of a licence,
 *    the day an OASys assessment goes out of date, the end of a 12-month
 *    window): the code that works the date out notes it where it compares
 *    it (ck_result.changes_on from core/ck_rules, ck_tier.changes_on from
 *    core/ck_tier, carried by ck_wprofile).
 * The earliest of them is the case's next change: until that day the stored
 * rows stay what a fresh evaluation would give. Earlier is only slower;
 * later would be a bug, which tests/test_incremental.c looks for over a year
 * of generated days. Pure: no I/O. */
#ifndef CK_HORIZON_H
#define CK_HORIZON_H
#include "ck_case.h"
#include "ck_rules.h"
#include "ck_wprofile.h"

/* The next change of a case that has none: stored as a date so that "due"
 * is one index range (next_change <= as_of). */
#define CK_HORIZON_NEVER_Y 9999

/* Keeps in *next the earliest of *next and d among dates after as_of
 * (CK_NODATE in *next: none yet). d is the first as_of at which a
 * comparison can come out otherwise. */
void ck_horizon_note(ck_date *next, ck_date as_of, ck_date d);

/* The earliest day after as_of on which a comparison of as_of with a date
 * recorded on c can change: for each date d >= as_of, d itself (a test
 * "d <= as_of" turns true on d) or the day after as_of when d is as_of
 * (a test "d < as_of" turns true the day after). CK_NODATE: none. */
ck_date ck_horizon_facts(const ck_case *c, ck_date as_of);
/* ck_horizon_facts, also naming the field that gave the date (its entity,
 * "case" or "contact"..., and its key; NULL when none) and whether that
 * field is dated as_of (the date is then the day after): what bench/horizon
 * tallies to find which dates bring cases in. */
ck_date ck_horizon_facts_why(const ck_case *c, ck_date as_of, const char **entity, const char **key, bool *today);

/* c's next change after an evaluation at as_of that gave r (ck_rules_evaluate)
 * and p (ck_wprofile_of): the earliest of ck_horizon_facts and the dates
 * the two noted; ck_horizon_never() when there is none. Always after as_of. */
ck_date ck_horizon_case(const ck_case *c, ck_date as_of, const ck_result *r, const ck_wprofile *p);
ck_date ck_horizon_never(void);

#endif
