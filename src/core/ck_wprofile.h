/* ck_wprofile: what one case brings to its practitioner's workload and to an
 * allocation decision at a date: its tier (core/ck_tier) with what a
 * provisional one lacks, WMT case type (core/ck_workload), the RoSH level the
 * tier read (the latest of the registrations and assessments), MAPP level in force and the court
 * reports in preparation on it.
 *
 * Each needs the whole case, so it is derived on every case write and by the
 * daily recompute, and stored on "cases" with the date it was computed at
 * (migration 011, store/ck_caseload, store/ck_store); the workforce and the
 * allocation board read the stored profiles of a whole PDU in one query
 * instead of loading every case (services/ck_workforce). Pure: no I/O. */
#ifndef CK_WPROFILE_H
#define CK_WPROFILE_H
#include "ck_case.h"
#include "ck_rulecfg.h"
#include "ck_workload.h"

#define CK_WPROFILE_REPORTS_MAX 96

typedef struct ck_wprofile {
    char tier[16];      /* "B2", "A3S", "D0" */
    char tier_missing[160]; /* a provisional tier's missing inputs (ck_tier_missing_keys); "" when complete */
    bool has_type;      /* false: no supervision period or custody in force */
    ck_wmt_case_type type;
    char rosh[16];      /* the current RoSH level; "" when none */
    char mappa[16];     /* the MAPP level in force; "" when none */
    /* The types of the court reports requested by the date and not completed
     * then, in the case's order, joined by ','; "" when none. */
    char reports[CK_WPROFILE_REPORTS_MAX];
    /* false when a value did not fit the buffers above: such a profile is not
     * stored, and readers load the case instead. */
    bool complete;
    /* The tier's changes_on (ck_tier): not stored, read by core/ck_horizon. */
    ck_date changes_on;
} ck_wprofile;

void ck_wprofile_of(const ck_case *c, ck_date as_of, const ck_rules_config *cfg, ck_wprofile *out);

/* The WMT case type named by ck_wmt_case_type_name; false for any other text. */
bool ck_wprofile_type_parse(const char *name, ck_wmt_case_type *out);

#endif
