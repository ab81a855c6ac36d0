/* ck_workforce: staff, posts, vacancies, workload and capacity, and the
 * allocation of cases to practitioners.
 *
 * The organisation tables are 001_init.sql's (staff, staff_reductions,
 * vacancies) plus 003_manage.sql's (team_posts, vacancies.filled_on,
 * manage_settings). Workload is the WMT's (core/ck_workload) over the cases
 * each practitioner holds now (cases.staff_code): each case's tier
 * (core/ck_tier) and WMT case type, and the court reports in preparation on
 * them (requested, not completed at the date).
 *
 * Writes that touch cases (a practitioner leaving or starting long-term
 * absence, an allocation, a caseload reallocation) run in ONE transaction
 * that also recomputes each touched case's obligations, so the ALLOCATE
 * (leaver) obligation appears, or is met, with the change: each case is
 * written by ck_cases_edit_in_tx, so its holder and obligations are derived
 * as every other write derives them.
 *
 * Errors: a ck_rc with "what: why" in err, naming the field at fault. */
#ifndef CK_WORKFORCE_H
#define CK_WORKFORCE_H
#include "ck_alloc.h"
#include "ck_cases.h"
#include "ck_inspect.h"

/* ---- Settings (table manage_settings) -------------------------------------- */

typedef struct ck_manage_cfg {
    ck_alloc_rules alloc;
    ck_inspect_bands bands;
} ck_manage_cfg;

/* Reads every setting; CK_ERR_INVALID naming the key when one is bad. */
ck_rc ck_manage_cfg_load(ck_db *db, ck_manage_cfg *out, char *err, size_t err_len);
/* Changes one existing setting after checking it parses (and, for the bands,
 * that they still increase): CK_ERR_NOTFOUND for an unknown key. */
ck_rc ck_manage_setting_put(ck_db *db, const char *key, const char *value, char *err, size_t err_len);
/* Calls fn for every setting in key order. */
ck_rc ck_manage_settings_each(ck_db *db, void (*fn)(void *ctx, const char *key, const char *value, const char *source),
                              void *ctx, char *err, size_t err_len);

/* ---- Workload of practitioners -------------------------------------------- */

typedef struct ck_wf_case {
    const char *crn;
    char tier[16];
    char tier_missing[160];   /* a provisional tier: the keys of the inputs it lacks, comma separated ("" none) */
    bool has_type;
    ck_wmt_case_type type;
    int points;               /* WMT points of this case (0 when untiered) */
    const char *rosh, *mappa; /* latest RoSH level, MAPP level in force; NULL when none */
} ck_wf_case;

typedef struct ck_wf_staff {
    const char *code, *forename, *surname, *grade, *status;
    const char *team, *team_name, *office, *pdu, *region;
    bool agency;
    double contracted_hours;
    ck_date start_date, left_on, absence_from;
    bool in_post;             /* at the date: not left, not on long-term absence */
    ck_wmt_reduction *reductions;
    size_t n_reductions;
    ck_wf_case *cases;
    size_t n_cases;
    const char **reports;     /* types of court reports in preparation */
    size_t n_reports;
    ck_wmt_case *wmt_cases;   /* the cases as ck_wmt_compute reads them */
    ck_wmt wmt;
    bool over;                /* capacity known and above 100% */
} ck_wf_staff;

typedef struct ck_wf_team {
    const char *code, *name, *office, *pdu;
    ck_staffing staffing;  /* headcounts, FTE (contracted hours / 37), cases, capacity */
    double posts_fte;      /* funded posts (team_posts) */
    size_t vacancies;      /* unfilled vacancy records */
} ck_wf_team;

typedef struct ck_workforce {
    ck_arena arena;
    ck_date as_of;
    ck_wf_staff *staff;   /* by team, then staff code */
    size_t n_staff;
    ck_wf_team *teams;    /* by code; the last row is the total of all listed */
    size_t n_teams;
} ck_workforce;

/* The workforce of a PDU, a region (pdu NULL, region set) or everyone (both
 * NULL) at as_of. *out is the caller's (ck_workforce_free). */
ck_rc ck_workforce_load(ck_db *db, const ck_rules_config *cfg, const char *region, const char *pdu, ck_date as_of,
                        ck_workforce **out, char *err, size_t err_len);
void ck_workforce_free(ck_workforce *w);
const ck_wf_staff *ck_workforce_find(const ck_workforce *w, const char *code);
/* "left", "long_term_absence" or "in_post" at as_of: the staff row's status,
 * or a leaving or absence date on or before as_of. */
const char *ck_wf_staff_status(const ck_wf_staff *p, ck_date as_of);

/* ---- Staff changes ---------------------------------------------------------------- *
 * These writes (and ck_alloc_allocate, ck_alloc_reallocate below) join the
 * caller's write transaction when one is open (ck_txn_join_write): the
 * access layer (store/ck_access) checks, writes and audits them in one. The
 * server and the command line go through it; calling these directly writes
 * unaudited, for loaders and tests. */

/* Records that staff member `code` left on `on` (absence false) or began
 * long-term absence on `on` (absence true): sets the staff row, then sets
 * staff_left_on / staff_long_term_absence_from on each of their allocations
 * in force on or after `on` and recomputes those cases' obligations at
 * as_of, all in one transaction. *cases (may be NULL) gets how many cases. */
ck_rc ck_workforce_staff_leaves(ck_db *db, const ck_engine *eng, const char *code, ck_date on, bool absence,
                                ck_date as_of, size_t *cases, char *err, size_t err_len);
/* Adds a reduction of hours: when hours < 0, the standard allowance of the
 * reason (core/ck_workload's table) with its expiry. */
ck_rc ck_workforce_add_reduction(ck_db *db, const char *code, const char *reason, double hours, ck_date from,
                                 ck_date expires, char *err, size_t err_len);
/* Sets the funded posts of a grade in a team (fte 0 removes them). */
ck_rc ck_workforce_set_posts(ck_db *db, const char *team, const char *grade, double fte, char *err, size_t err_len);

/* ---- Allocation ------------------------------------------------------------------- */

/* A case that needs a practitioner: an unmet ALLOCATE obligation (never
 * allocated, or its practitioner left or is on long-term absence). */
typedef struct ck_alloc_need {
    const char *crn, *staff_code, *team, *subject, *explanation;
    ck_date due;
} ck_alloc_need;
typedef struct ck_alloc_needs {
    ck_arena arena;
    ck_alloc_need *items;
    size_t n;
} ck_alloc_needs;
/* In a PDU (or everywhere when pdu is NULL), ordered by due date then CRN. */
ck_rc ck_alloc_needs_load(ck_db *db, const char *pdu, ck_alloc_needs **out, char *err, size_t err_len);
void ck_alloc_needs_free(ck_alloc_needs *n);

/* The practitioners who may take case crn, ranked (core/ck_alloc), from the
 * staff of the PDU that holds the case: allocation happens within a PDU, as
 * in Manage a Workforce (a move to another PDU is a transfer, not an
 * allocation). The ranking's candidate indexes refer to the workforce staff;
 * both are the caller's (free with ck_alloc_ranking_free, ck_workforce_free).
 * CK_ERR_CONFLICT when the case's team is not in the organisation. */
ck_rc ck_alloc_rank_case(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *crn, ck_date as_of,
                         ck_workforce **wf, ck_alloc_ranking *out, char *err, size_t err_len);

/* The over-capacity rule (issue 14 point 7), the same for the web, the API
 * and the command line: a case goes to someone who would be above 100% of
 * capacity with it (their choice in the case's ranking says over_after) only
 * with a reason, which the allocation's audit record keeps.
 * ck_alloc_choice_of: staff's choice in rk (NULL when the ranking excludes
 * them); ck_alloc_needs_reason: the choice is over capacity (false for NULL);
 * ck_alloc_reason_given: reason holds more than white space. */
const ck_alloc_choice *ck_alloc_choice_of(const ck_workforce *wf, const ck_alloc_ranking *rk, const char *staff);
bool ck_alloc_needs_reason(const ck_alloc_choice *ch);
bool ck_alloc_reason_given(const char *reason);

/* Allocates case crn to staff member `staff` from as_of: a new allocations
 * row, ending the one in force on that day (a handover day), then the obligations
 * recomputed, in one transaction. CK_ERR_CONFLICT when the staff member is
 * not in post or the grade rule refuses the case; CK_ERR_INVALID naming
 * "reason" when they would be over capacity with it and reason is blank
 * (the rule above). *over (may be NULL) gets whether they are. */
ck_rc ck_alloc_allocate(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *crn, const char *staff,
                        const char *reason, ck_date as_of, bool *over, char *err, size_t err_len);

/* Moves every case held by `from` (left, on long-term absence, or not) in one
 * transaction: to `to` when it is not NULL, else each to the first of its
 * ranking among the staff of from's PDU (ck_alloc_plan). All or nothing: CK_ERR_CONFLICT naming the first
 * case nobody may take. moved (may be NULL) gets CRN -> staff pairs in its
 * arena. */
typedef struct ck_alloc_move_info {
    const char *forename, *surname;             /* the case's person (may be NULL) */
    const char *staff_forename, *staff_surname; /* who takes it (NULL for a code the organisation lacks) */
    int capacity_after_permille;                /* theirs with it and the cases before it; -1 unknown */
} ck_alloc_move_info;
typedef struct ck_alloc_moves {
    ck_arena arena;
    const char **crn, **staff;
    ck_alloc_move_info *info; /* by move, as crn and staff */
    size_t n;
} ck_alloc_moves;
ck_rc ck_alloc_reallocate(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *from, const char *to,
                          ck_date as_of, ck_alloc_moves **moved, char *err, size_t err_len);
/* The moves ck_alloc_reallocate would make at as_of, with the same plan,
 * written nowhere: what the web shows to be confirmed before it is done.
 * Inside the caller's read transaction when one is open. */
ck_rc ck_alloc_reallocate_preview(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *from,
                                  const char *to, ck_date as_of, ck_alloc_moves **out, char *err, size_t err_len);
void ck_alloc_moves_free(ck_alloc_moves *m);

/* The allocation board of a PDU (or of one of its teams): every case that
 * needs a practitioner (ck_alloc_needs), once each, at its earliest due date,
 * ranked against the PDU's workforce loaded once, and the practitioners who
 * left or are on long-term absence yet still hold cases (whose caseloads
 * ck_alloc_reallocate moves in one action). CK_ERR_NOTFOUND for an unknown
 * PDU, or a team not in it. *out is the caller's (ck_alloc_board_free). */
typedef struct ck_alloc_board_case {
    const char *crn, *team;
    const char *forename, *surname; /* the case's person: the board names people */
    const char *staff_code;   /* who holds it now; NULL: nobody */
    bool lost;                /* its practitioner left or is on long-term absence */
    ck_date due;              /* of its earliest unmet ALLOCATE obligation */
    const char *explanation;  /* that obligation's */
    ck_wf_case profile;       /* tier, RoSH and MAPPA level at the date */
    ck_alloc_ranking ranking; /* candidate indexes into wf->staff */
} ck_alloc_board_case;

typedef struct ck_alloc_board {
    ck_arena arena;
    ck_date as_of;
    const char *pdu, *team;   /* team NULL: the whole PDU */
    ck_workforce *wf;         /* the PDU's workforce, as the rankings count it */
    ck_alloc_board_case *cases;
    size_t n;
    const ck_wf_staff **gone; /* not in post, still holding cases (in the team, when one is given) */
    size_t n_gone;
} ck_alloc_board;

ck_rc ck_alloc_board_load(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *pdu, const char *team,
                          ck_date as_of, ck_alloc_board **out, char *err, size_t err_len);
void ck_alloc_board_free(ck_alloc_board *b);

#endif
