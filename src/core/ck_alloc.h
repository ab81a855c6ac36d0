/* ck_alloc: who may take a case, ranked. Pure: no I/O, no clock.
 *
 * The inspectors found cases left with practitioners who had gone and
 * caseloads nobody could manage. For a case that needs a practitioner (never
 * allocated, or held by one who left or is on long-term absence) this ranks
 * the practitioners who may take it:
 *
 *  1. Only staff in post at the date (not left, not on long-term absence), of
 *     a grade that holds cases (setting allocate.grades), whom the grade rule
 *     allows (allocate.max_rosh.GRADE, allocate.max_mappa.GRADE: the highest
 *     RoSH level and MAPPA level that grade may hold; default a PSO only for
 *     RoSH low/medium and no MAPPA level 2/3), with a capacity figure, and
 *     not the practitioner the case is being moved from. Everyone else is
 *     listed as excluded, with why.
 *  2. Nobody over 100% after taking the case is ranked above anybody at or
 *     under it.
 *  3. Then the same team first, then the same office, then the same PDU.
 *  4. Then the lowest capacity after taking the case (ck_wmt_compute with the
 *     case added, so the WMT's own arithmetic and rounding).
 *  5. Ties by staff code, so the order is deterministic.
 *
 * The settings come from the store (table manage_settings, seeded by
 * migrations/003_manage.sql, the one place their values live) through
 * ck_alloc_rules_set. */
#ifndef CK_ALLOC_H
#define CK_ALLOC_H
#include "ck_staffing.h"

#define CK_ALLOC_MAX_GRADES 8

typedef struct ck_alloc_grade {
    char grade[16];
    bool holds_cases; /* listed in allocate.grades */
    int max_rosh;     /* ck_rosh_rank of the highest RoSH it may hold; 3 (very high) when unlimited */
    int max_mappa;    /* highest MAPPA level it may hold, 0 (none) to 3 (M3) */
} ck_alloc_grade;

typedef struct ck_alloc_rules {
    ck_alloc_grade grades[CK_ALLOC_MAX_GRADES];
    size_t n;
} ck_alloc_rules;

/* Applies one setting ("allocate.grades", "allocate.max_rosh.PSO",
 * "allocate.max_mappa.PSO"); keys of other prefixes are ignored (true). False
 * with "KEY: expected ..." in err for a bad value or an unknown allocate key.
 * Start from a zeroed struct. */
bool ck_alloc_rules_set(ck_alloc_rules *r, const char *key, const char *value, char *err, size_t err_len);

/* Whether `grade` may hold a case of this RoSH level (ck_vocab_rosh_level or
 * NULL: none known, taken as low) and MAPPA level ("M1".."M3" or NULL). False
 * with the reason in why (may be NULL). */
bool ck_alloc_grade_allows(const ck_alloc_rules *r, const char *grade, const char *rosh, const char *mappa_level,
                           char *why, size_t why_len);

/* The case to place. */
typedef struct ck_alloc_case {
    const char *crn;
    const char *rosh;        /* latest RoSH level at the date, NULL when none */
    const char *mappa_level; /* MAPP registration level in force, NULL when none */
    bool has_wmt;            /* false: no WMT case type (the case adds no points) */
    ck_wmt_case wmt;         /* its tier and case type */
    const char *team, *office, *pdu; /* where the case is held (NULL when unknown) */
    const char *from_staff;  /* the practitioner it is moved from, NULL when none */
} ck_alloc_case;

/* A practitioner who might take it, with their workload inputs now. */
typedef struct ck_alloc_candidate {
    const char *staff_code, *grade, *team, *office, *pdu;
    bool in_post;      /* not left and not on long-term absence at the date */
    ck_wmt_input wmt;  /* grade, hours, cases, reports, reductions */
} ck_alloc_candidate;

typedef enum ck_alloc_locality { CK_ALLOC_SAME_TEAM, CK_ALLOC_SAME_OFFICE, CK_ALLOC_SAME_PDU, CK_ALLOC_ELSEWHERE } ck_alloc_locality;
const char *ck_alloc_locality_name(ck_alloc_locality l); /* "team", "office", "pdu", "elsewhere" */

typedef struct ck_alloc_choice {
    size_t candidate;            /* index into the candidates */
    ck_alloc_locality locality;
    int capacity_permille;       /* now */
    int capacity_after_permille; /* with the case */
    bool over_after;             /* above 100% with the case */
    long points_after;
} ck_alloc_choice;

typedef struct ck_alloc_exclusion {
    size_t candidate;
    char why[160];
} ck_alloc_exclusion;

typedef struct ck_alloc_ranking {
    ck_alloc_choice *choices; /* best first */
    size_t n;
    ck_alloc_exclusion *excluded;
    size_t n_excluded;
} ck_alloc_ranking;

/* Ranks `cands` for case `c` at as_of into *out (the caller frees with
 * ck_alloc_ranking_free). Never fails. */
void ck_alloc_rank(const ck_alloc_rules *r, const ck_alloc_case *c, const ck_alloc_candidate *cands, size_t n,
                   ck_date as_of, ck_alloc_ranking *out);
void ck_alloc_ranking_free(ck_alloc_ranking *out);

/* A plan for many cases at once (a leaver's caseload): each case in turn
 * gets the first of its ranking, counting the cases already planned onto
 * each practitioner, so one practitioner does not take them all. pick[i] is
 * the candidate index for case i, or SIZE_MAX when nobody may take it;
 * after[i] (after may be NULL) that practitioner's capacity in permille
 * with case i and those planned onto them before it, -1 when unknown. */
void ck_alloc_plan(const ck_alloc_rules *r, const ck_alloc_case *cases, size_t n_cases,
                   const ck_alloc_candidate *cands, size_t n_cands, ck_date as_of, size_t *pick, int *after);

#endif
