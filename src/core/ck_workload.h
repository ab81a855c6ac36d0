/* ck_workload: a practitioner's workload and capacity, as the Workload
 * Measurement Tool (WMT) measures them.
 *
 * Source: domain/rules-and-sources.md §6 (hmpps-workload WorkloadCalculator.kt,
 * CapacityCalculator.kt, WorkloadPointsEntity.kt, V1_1__SEED_REF_DATA.sql;
 * wmt-worker points). Every number is in one table in ck_workload.c; they are
 * the repository's seed values, which production may have changed.
 *
 *   workload points  = sum of case points (by tier and case type; an "S" tier
 *                      is 0) + court report points (by report type)
 *   available hours  = contracted hours - reductions in force at as_of
 *   available points = floor(nominal target for the grade x available hours
 *                      / default contracted hours for the grade); 0 when either
 *                      hours figure is 0 or less
 *   capacity %       = workload points / available points x 100, the ratio
 *                      rounded half up to 3 dp (so a tenth of a percent)
 *
 * Not measured, because Casekeeper does not hold them: CMS contacts done for
 * or by others, parole reports, ARMS assessments, T2A (transition to
 * adulthood) weightings. Hours are counted to the hundredth. */
#ifndef CK_WORKLOAD_H
#define CK_WORKLOAD_H
#include "ck_case.h"
#include <stdint.h>

typedef enum ck_wmt_case_type { CK_WMT_COMMUNITY, CK_WMT_LICENCE, CK_WMT_CUSTODY } ck_wmt_case_type;
#define CK_WMT_CASE_TYPES 3

const char *ck_wmt_case_type_name(ck_wmt_case_type t); /* "community", "licence", "custody" */

/* Points for one case of tier "A3".."D0" ("A3S".."D0S": 0); -1 when `tier` is
 * not a V2 tier (e.g. "NOT_SUPERVISED") or `type` not a case type. */
int ck_wmt_case_points(const char *tier, ck_wmt_case_type type);
/* Points for a court report of type standard, fast or oral (an oral report
 * has no WMT points: 0); -1 otherwise. */
int ck_wmt_report_points(const char *report_type);
/* The grade's nominal target and default contracted hours (PO and PQiP: the
 * PO hours; PSO: the PSO hours; every other grade: the SPO hours, which the
 * seed sets to 0, so those grades have no capacity figure). */
void ck_wmt_grade(const char *grade, int *nominal_target, double *default_hours);

/* A reduction of a practitioner's hours. `expires` is the first day it no
 * longer counts (CK_NODATE: open-ended); `from` CK_NODATE: from the start. */
typedef struct ck_wmt_reduction {
    double hours;
    const char *reason;
    ck_date from, expires;
} ck_wmt_reduction;

bool ck_wmt_reduction_in_force(const ck_wmt_reduction *r, ck_date as_of);

/* The standard reductions (§6.2 "Workload reductions"): allowance as a
 * percentage of contracted hours ("max" when it is a ceiling) and expiry in
 * months (0: none). NULL for a reason not in the table (entered as hours). */
typedef struct ck_wmt_reduction_reason {
    const char *reason;
    int percent;
    bool maximum;
    int expiry_months;
} ck_wmt_reduction_reason;

const ck_wmt_reduction_reason *ck_wmt_reduction_reason_find(const char *reason);
/* A standard reduction for `reason` from `from`: hours = contracted x percent,
 * expires = from + expiry months (CK_NODATE when none). False when the reason
 * is not in the table. */
bool ck_wmt_reduction_default(const char *reason, double contracted_hours, ck_date from, ck_wmt_reduction *out);

typedef struct ck_wmt_case {
    const char *tier;      /* the case's tier string (ck_tier) */
    ck_wmt_case_type type;
} ck_wmt_case;

typedef struct ck_wmt_input {
    const char *grade;                 /* PO, PQiP, PSO, SPO, ... */
    double contracted_hours;           /* a week */
    const ck_wmt_case *cases;
    size_t n_cases;
    const char *const *reports;        /* the type of each court report in the workload */
    size_t n_reports;
    const ck_wmt_reduction *reductions;
    size_t n_reductions;
} ck_wmt_input;

typedef struct ck_wmt {
    long case_points, report_points, total_points;
    size_t cases_by_type[CK_WMT_CASE_TYPES];
    size_t untiered;                   /* cases whose tier is not a tier: 0 points */
    int nominal_target;
    double default_hours, contracted_hours, reduction_hours, available_hours;
    size_t reductions_in_force;
    long available_points;
    bool capacity_known;               /* false: no available points (why says so) */
    int capacity_permille;             /* capacity % in tenths: 1174 is 117.4% */
    char why[160];
} ck_wmt;

/* The workload of one practitioner at as_of. Fills *out; never fails. */
void ck_wmt_compute(const ck_wmt_input *in, ck_date as_of, ck_wmt *out);

/* Capacity as a whole number of permille (1174 is 117.4%): points over
 * available points, the ratio rounded half up to 3 dp as CapacityCalculator.kt
 * rounds it. The one rounding of capacity, for a practitioner and for a group
 * (core/ck_staffing). available must be above 0. */
int ck_wmt_capacity_permille(int64_t points, int64_t available);

/* The WMT case type of a case at as_of, counting each case once as the type
 * with the most work: licence (a licence or PSS period active), else
 * community (a CO/SSO period active), else custody (a custodial sentence in
 * force before release). False when none applies (not supervised, or a
 * hospital order only). */
bool ck_wmt_case_type_of(const ck_case *c, ck_date as_of, ck_wmt_case_type *out);

#endif
