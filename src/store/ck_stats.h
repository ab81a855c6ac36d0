/* ck_stats: how well obligations are met, from the stored obligations.
 *
 * Counts by rule, for all PDUs and for each PDU, and the practice indicators
 * of core/ck_practice, all by SQL aggregates over the "obligations" table
 * (cases are never loaded), so they take seconds at London's scale on either
 * backend. The indicators' SQL is built from ck_practice_defs, the table the
 * generator's tally reads, so both count the same way.
 *
 * Statuses are the stored ones, decided when each case was last written or
 * recomputed; as_of decides open versus overdue and which obligations are
 * "due before as_of". At the date of the last recompute the figures are
 * exactly what the rules engine gives for every case at that date. */
#ifndef CK_STATS_H
#define CK_STATS_H
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_practice.h"
#include "ck_caseload.h"

typedef struct ck_stats_counts {
    size_t total, met, met_late, open, overdue;
} ck_stats_counts;

/* The on-time rate: met / (met + met_late + overdue), the share met on time
 * of the obligations that were met or are past due; open ones (not met, not
 * yet due) are left out because they may still be met on time. -1 when none
 * counts. */
double ck_stats_on_time_rate(const ck_stats_counts *c);

typedef struct ck_stats_rule {
    const char *rule; /* a static rule ID (ck_rule_ids) */
    ck_stats_counts n;
} ck_stats_rule;

typedef struct ck_stats_group {
    const char *pdu, *name; /* PDU code and name; NULL for the total, and for
                             * cases held by no known team (code NULL, name NULL) */
    ck_stats_counts all;    /* every rule together */
    ck_stats_rule *rules;   /* the rules with obligations, in rulebook order (ck_rule_ids) */
    size_t n_rules;
    ck_practice_tally practice;
    ck_pdu_cases cases;     /* the PDU's cases (ck_caseload.h, CK_PDU_CASES_MEANING): the
                             * same count as the PDU dashboard and the workforce page */
} ck_stats_group;

typedef struct ck_stats {
    ck_arena arena;
    ck_date as_of;
    ck_stats_group total;  /* every PDU selected */
    ck_stats_group *pdus;  /* by PDU code; the group of no PDU, if any, last */
    size_t n_pdus;
} ck_stats;

/* Stats at as_of of every PDU, or of the one PDU with code `pdu` (NULL: all;
 * CK_ERR_NOTFOUND naming it when the organisation has no such PDU). *out is
 * the caller's (ck_stats_free); NULL on error. */
ck_rc ck_stats_compute(ck_db *db, ck_date as_of, const char *pdu, ck_stats **out, char *err, size_t err_len);
void ck_stats_free(ck_stats *s); /* NULL-safe */

#endif
