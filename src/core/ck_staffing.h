/* ck_staffing: the figures of a group of staff (a team, a PDU, a region):
 * headcounts by status, full-time equivalents, cases, and the group's
 * capacity. Pure arithmetic over each member's WMT result (core/ck_workload).
 *
 * A group's capacity is its workload points over its available points (the
 * WMT ratio, rounded half up to a tenth of a percent like a practitioner's),
 * not the mean of its members' percentages: a part-timer at 150% and a
 * full-timer at 50% are a team at 83%, not 100%. Members without a capacity
 * figure (no available points) add their points but no available points. A
 * member or a group is over capacity above 100%. */
#ifndef CK_STAFFING_H
#define CK_STAFFING_H
#include "ck_workload.h"

#define CK_STAFFING_OVER_PERMILLE 1000 /* above 100.0% is over capacity */

typedef struct ck_staffing {
    size_t in_post, agency, long_term_absence, left;
    double fte_in_post;
    size_t cases;          /* every case the members hold */
    long points, available_points;
    bool capacity_known;
    int capacity_permille;
    bool over;
    size_t over_members; /* members in post above 100% */
} ck_staffing;

/* Whether one practitioner's WMT result is over capacity. */
bool ck_staffing_over(const ck_wmt *w);

/* Adds one member. status: "in_post", "long_term_absence" or "left" (as at
 * the date); fte: their contracted hours over a full-time week; cases: every
 * case they hold (typed for the WMT or not), which counts whatever their
 * status, since a leaver's cases are the group's until reallocated (they
 * are the cases "allocated to its staff" of ck_caseload's CK_PDU_CASES_MEANING).
 * Otherwise members who left count only in `left`. */
void ck_staffing_add(ck_staffing *g, const char *status, bool agency, double fte, size_t cases, const ck_wmt *w);
/* Adds a whole group (a team into its PDU). */
void ck_staffing_merge(ck_staffing *g, const ck_staffing *part);
/* Computes the group's capacity from its totals. */
void ck_staffing_finish(ck_staffing *g);

#endif
