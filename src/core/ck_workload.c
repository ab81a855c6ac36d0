#include "ck_workload.h"
#include "ck_facts.h"
#include "ck_str.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- The WMT numbers ---------------------------------------------------------
 * All of them, from domain/rules-and-sources.md §6.2 (hmpps-workload
 * V1_1__SEED_REF_DATA.sql seed row; grade mapping from WorkloadPointsEntity.kt;
 * reductions from the reduction_reason seed). */

#define N_TIERS 16 /* A3 A2 A1 A0 B3 ... D0: comm_tier_1 = A3 ... comm_tier_16 = D0 */

static const struct {
    int tier_points[CK_WMT_CASE_TYPES][N_TIERS];
    int standard_report, fast_report;  /* sdr, sdr_conversion */
    struct { const char *grade; int nominal_target; double default_hours; } grades[4];
    int other_target;                  /* nominal_target_po: every grade but SPO */
    double other_hours;                /* default_contracted_hours_spo: grades not listed */
    ck_wmt_reduction_reason reductions[13];
} wmt = {
    .tier_points = {
        /*              A3   A2   A1   A0   B3   B2   B1  B0  C3  C2  C1  C0  D3  D2  D1  D0 */
        [CK_WMT_COMMUNITY] = {206, 158, 146, 110, 146, 115, 102, 72, 79, 63, 50, 35, 51, 41, 29, 29},
        [CK_WMT_LICENCE] =   {219, 175, 163, 0,   161, 132, 119, 0,  77, 65, 52, 0,  51, 43, 31, 0},
        [CK_WMT_CUSTODY] =   {75,  60,  59,  0,   59,  48,  47,  0,  30, 24, 23, 0,  17, 14, 13, 0},
    },
    .standard_report = 138,
    .fast_report = 65,
    .grades = {
        {"PO", 2176, 37},   /* nominal_target_po, default_contracted_hours_po */
        {"PQiP", 2176, 37}, /* the PO values */
        {"PSO", 2176, 37},  /* nominal_target_po, default_contracted_hours_pso */
        {"SPO", 2176, 0},   /* nominal_target_spo, default_contracted_hours_spo */
    },
    .other_target = 2176,
    .other_hours = 0,
    .reductions = {
        {"Long Term Sickness", 100, false, 0},
        {"Maternity / Adoption", 100, false, 6},
        {"Special leave", 100, false, 0},
        {"Other paid/unpaid leave", 100, false, 0},
        {"PQiP first 6 months", 80, false, 6},
        {"PQiP 6-12 months", 60, false, 6},
        {"PQiP 12-18 months", 40, false, 6},
        {"Newly qualified officer", 20, false, 9},
        {"PSO L&D", 20, false, 6},
        {"VQ3", 5, false, 0},
        {"Level 4/5 access", 10, false, 0},
        {"Trade union facility time", 50, true, 0},
        {"SPOC lead", 5, true, 0},
    },
};

/* ---- Points ------------------------------------------------------------------ */

const char *ck_wmt_case_type_name(ck_wmt_case_type t)
{
    static const char *const names[] = {"community", "licence", "custody"};
    return (unsigned)t < CK_WMT_CASE_TYPES ? names[t] : "unknown";
}

int ck_wmt_case_points(const char *tier, ck_wmt_case_type type)
{
    if ((unsigned)type >= CK_WMT_CASE_TYPES) return -1;
    if (!tier || tier[0] < 'A' || tier[0] > 'D' || tier[1] < '0' || tier[1] > '3') return -1;
    /* The "S" (unsupervised) tiers have their own columns, which default to 0. */
    if (tier[2] == 'S' && tier[3] == '\0') return 0;
    if (tier[2] != '\0') return -1;
    return wmt.tier_points[type][(tier[0] - 'A') * 4 + ('3' - tier[1])];
}

int ck_wmt_report_points(const char *report_type)
{
    if (ck_streq(report_type, "standard")) return wmt.standard_report;
    if (ck_streq(report_type, "fast")) return wmt.fast_report;
    return ck_streq(report_type, "oral") ? 0 : -1;
}

void ck_wmt_grade(const char *grade, int *nominal_target, double *default_hours)
{
    *nominal_target = wmt.other_target;
    *default_hours = wmt.other_hours;
    for (size_t i = 0; i < sizeof wmt.grades / sizeof wmt.grades[0]; i++)
        if (ck_streq(grade, wmt.grades[i].grade)) {
            *nominal_target = wmt.grades[i].nominal_target;
            *default_hours = wmt.grades[i].default_hours;
        }
}

/* ---- Reductions -------------------------------------------------------------- */

bool ck_wmt_reduction_in_force(const ck_wmt_reduction *r, ck_date as_of)
{
    return (r->from == CK_NODATE || r->from <= as_of) && (r->expires == CK_NODATE || as_of < r->expires);
}

const ck_wmt_reduction_reason *ck_wmt_reduction_reason_find(const char *reason)
{
    for (size_t i = 0; i < sizeof wmt.reductions / sizeof wmt.reductions[0]; i++)
        if (ck_streq(reason, wmt.reductions[i].reason)) return &wmt.reductions[i];
    return NULL;
}

bool ck_wmt_reduction_default(const char *reason, double contracted_hours, ck_date from, ck_wmt_reduction *out)
{
    const ck_wmt_reduction_reason *r = ck_wmt_reduction_reason_find(reason);
    if (!r) return false;
    out->reason = r->reason;
    out->hours = contracted_hours * r->percent / 100.0;
    out->from = from;
    out->expires = r->expiry_months && from != CK_NODATE ? ck_date_add_months(from, r->expiry_months) : CK_NODATE;
    return true;
}

/* ---- Capacity ------------------------------------------------------------------ */

/* Hundredths of an hour: exact arithmetic from here on. */
static int64_t centihours(double h) { return (int64_t)llround(h * 100.0); }

void ck_wmt_compute(const ck_wmt_input *in, ck_date as_of, ck_wmt *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < in->n_cases; i++) {
        int points = ck_wmt_case_points(in->cases[i].tier, in->cases[i].type);
        if ((unsigned)in->cases[i].type < CK_WMT_CASE_TYPES) out->cases_by_type[in->cases[i].type]++;
        if (points < 0) out->untiered++;
        else out->case_points += points;
    }
    for (size_t i = 0; i < in->n_reports; i++) {
        int points = ck_wmt_report_points(in->reports[i]);
        if (points > 0) out->report_points += points;
    }
    out->total_points = out->case_points + out->report_points;

    int64_t reduced = 0;
    for (size_t i = 0; i < in->n_reductions; i++) {
        if (!ck_wmt_reduction_in_force(&in->reductions[i], as_of)) continue;
        reduced += centihours(in->reductions[i].hours);
        out->reductions_in_force++;
    }
    ck_wmt_grade(in->grade, &out->nominal_target, &out->default_hours);
    int64_t contracted = centihours(in->contracted_hours), base = centihours(out->default_hours);
    int64_t available = contracted - reduced;
    out->contracted_hours = (double)contracted / 100.0;
    out->reduction_hours = (double)reduced / 100.0;
    out->available_hours = (double)available / 100.0;

    if (base <= 0) {
        snprintf(out->why, sizeof out->why, "grade %s has no default contracted hours in the WMT: no available points",
                 in->grade ? in->grade : "not recorded");
        return;
    }
    if (available <= 0) {
        snprintf(out->why, sizeof out->why, "no available hours (%.2f contracted, %.2f reduced)",
                 out->contracted_hours, out->reduction_hours);
        return;
    }
    out->available_points = (long)(out->nominal_target * available / base);
    if (out->available_points == 0) {
        snprintf(out->why, sizeof out->why, "%.2f available hours give no available points", out->available_hours);
        return;
    }
    out->capacity_known = true;
    out->capacity_permille = ck_wmt_capacity_permille(out->total_points, out->available_points);
}

int ck_wmt_capacity_permille(int64_t points, int64_t available)
{
    int64_t num = points * 1000;
    return (int)((2 * num + available) / (2 * available));
}

/* ---- The case type of a case ------------------------------------------------- */

bool ck_wmt_case_type_of(const ck_case *c, ck_date as_of, ck_wmt_case_type *out)
{
    bool licence = false, community = false, custody = false;
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        ck_period periods[2];
        size_t n = ck_event_periods(c, e, as_of, periods);
        for (size_t k = 0; k < n; k++) {
            if (!ck_period_active(&periods[k], as_of)) continue;
            if (periods[k].kind == CK_PERIOD_ORDER) community = true;
            else licence = true;
        }
        if (ck_event_active(e, as_of) && ck_streq(e->sentence.type, "custody")) custody = true;
    }
    if (licence) *out = CK_WMT_LICENCE;
    else if (community) *out = CK_WMT_COMMUNITY;
    else if (custody) *out = CK_WMT_CUSTODY;
    return licence || community || custody;
}
