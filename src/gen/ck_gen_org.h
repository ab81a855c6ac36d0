/* ck_gen_org: the synthetic organisation behind `casekeeper generate`.
 *
 * Regions, PDUs, teams, staff and vacancies as in docs/formats.md
 * ("Organisation"), built deterministically from a seed. London is the real
 * 18 PDUs; national adds the 11 other HMPPS probation regions with their PDUs.
 * Case-holding teams have 6 to 12 members (an SPO plus POs, PQiPs and PSOs);
 * each PDU also has a court team, a victim liaison unit and a head of PDU.
 * Staff who left are kept (status "left") because cases may still name them.
 * Everything lives in the org's arena; ck_gen_org_free releases it. */
#ifndef CK_GEN_ORG_H
#define CK_GEN_ORG_H
#include "ck_date.h"
#include "ck_mem.h"
#include "ck_rng.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct ck_gen_region {
    const char *code, *name; /* code = nDelius provider code, e.g. N07 */
    char crn_letter;         /* first letter of every CRN in the region */
    size_t first_pdu, n_pdus;
    size_t first_case, n_cases;
} ck_gen_region;

typedef struct ck_gen_pdu {
    const char *code, *name;
    size_t region;
    size_t first_team, n_teams;
    size_t first_case, n_cases;
} ck_gen_pdu;

typedef struct ck_gen_team {
    const char *code, *name, *office;
    size_t pdu;
    bool case_holding;        /* an offender management team */
    size_t first_staff, n_staff; /* every staff record, leavers included */
    double weight;            /* sum of its practitioners' case weights */
} ck_gen_team;

typedef enum ck_gen_status { CK_GEN_IN_POST, CK_GEN_ABSENT, CK_GEN_LEFT } ck_gen_status;

typedef struct ck_gen_staff {
    const char *code;   /* N07A001: provider, letter, number; unique nationally */
    size_t team;
    const char *grade;  /* PO PQiP PSO SPO VLO court_officer head_of_pdu */
    const char *forename, *surname;
    ck_gen_status status;
    bool agency;
    double contracted_hours;
    ck_date start_date, left_on, absence_from; /* CK_NODATE when not applicable */
    const char *reduction;  /* WMT reduction reason, or NULL */
    double reduction_hours;
    ck_date reduction_from, reduction_expires;
    double weight;      /* relative share of the team's cases; 0 if holds none */
} ck_gen_staff;

typedef struct ck_gen_vacancy {
    size_t team;
    const char *grade;
    ck_date since;
} ck_gen_vacancy;

typedef struct ck_gen_org {
    ck_arena arena;
    ck_date as_of;
    ck_gen_region *regions; size_t n_regions;
    ck_gen_pdu *pdus;       size_t n_pdus;
    ck_gen_team *teams;     size_t n_teams;
    ck_gen_staff *staff;    size_t n_staff;
    ck_gen_vacancy *vacancies; size_t n_vacancies;
    size_t n_cases;
} ck_gen_org;

/* The people on probation at each scale (rules-and-sources.md §9). */
#define CK_GEN_LONDON_CASES 38590
#define CK_GEN_NATIONAL_CASES 240362

/* London only (national false) holds n_cases people; national holds
 * CK_GEN_NATIONAL_CASES whatever n_cases says. Never NULL. */
ck_gen_org *ck_gen_org_build(uint64_t seed, ck_date as_of, bool national, size_t n_cases);
void ck_gen_org_free(ck_gen_org *o);

/* organisation.jsonl: regions, PDUs, teams, staff, vacancies, one object a
 * line. False when writing fails (errno set by stdio). */
bool ck_gen_org_write(const ck_gen_org *o, FILE *f);

/* The PDU that holds case number i (0 <= i < n_cases). */
size_t ck_gen_org_pdu_of(const ck_gen_org *o, size_t i);

/* Staff lookups for allocating one case; all return SIZE_MAX when none fits.
 * A practitioner in post, of a grade that may hold the case (POs only when
 * po_only), drawn by weight, in team t. */
size_t ck_gen_org_pick_practitioner(const ck_gen_org *o, ck_rng *r, size_t t, bool po_only);
/* A case-holding team of PDU p drawn by weight. */
size_t ck_gen_org_pick_team(const ck_gen_org *o, ck_rng *r, size_t p);
/* A practitioner of team t who left (status left) or began long-term absence
 * (status absent) strictly after `after` and on or before as_of. */
size_t ck_gen_org_pick_gone(const ck_gen_org *o, ck_rng *r, size_t t, ck_gen_status status, ck_date after);

/* Each PDU's offices where appointments are held (organisation records of
 * kind "office"): their code ("N07PDU01-OF1") and name written into out,
 * k < CK_GEN_OFFICES. Derived from the PDU alone, so they draw nothing from
 * the seed's stream. */
#define CK_GEN_OFFICES 2
void ck_gen_org_office_code(const ck_gen_org *o, size_t pdu, size_t k, char *out, size_t len);
void ck_gen_org_office_name(const ck_gen_org *o, size_t pdu, size_t k, char *out, size_t len);

const char *ck_gen_status_name(ck_gen_status s); /* in_post long_term_absence left */

#endif
