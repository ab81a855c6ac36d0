/* ck_caseload: what the pages over many cases show, in SQL that scales.
 *
 * The caseload, team, court, victim liaison and PDU pages read the holder
 * columns of "cases" (staff_code, team_code, pdu_code), the stored
 * obligations and the list tables through their indexes
 * (migrations/004_caseload.sql), a page at a time: a request's work follows
 * the rows it shows, not the number of cases in the country. The one figure
 * SQL cannot derive, the tier (core/ck_tier needs the whole case), is stored
 * on "cases" by ck_caseload_refresh, which ck_cases calls on every write and
 * recompute.
 *
 * Dates decide open versus overdue at the query's as_of, as ck_cases_worklist
 * does. Every function returns CK_OK or a ck_rc with "what: why" in err;
 * results live in their own arena and are freed with their _free function
 * (NULL-safe). Each read runs in one snapshot without the write lock: inside
 * the caller's transaction when one is open, else in a read transaction of
 * its own (ck_txn_join_read). */
#ifndef CK_CASELOAD_H
#define CK_CASELOAD_H
#include "ck_case.h"
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_rules.h"
#include "ck_store.h"
#include "ck_worklist.h"
#include "ck_wprofile.h"

#define CK_CASELOAD_PAGE_MAX 500 /* rows in one page of any list here */

/* Stores the tier and workload profile (core/ck_wprofile) of case `id` (c
 * is that case) at as_of and, given r (c's obligations at as_of; NULL: left
 * as it is), the case's next change (core/ck_horizon). Runs inside the
 * caller's transaction: ck_cases calls it after writing a case. */
ck_rc ck_caseload_refresh(ck_db *db, int64_t id, const ck_case *c, const ck_result *r, ck_date as_of,
                          const ck_rules_config *cfg, char *err, size_t err_len);
/* The same in two steps, for bulk import: the profile is computed on a
 * worker thread (ck_wprofile_of, pure), then stored with the case's other
 * rows (store/ck_store's ck_store_put_profiles). */
ck_rc ck_caseload_store_profile(ck_db *db, int64_t id, const ck_wprofile *p, ck_date as_of, char *err,
                                size_t err_len);

/* ---- Cases of a staff member, team or PDU --------------------------------- */

typedef enum ck_caseload_sort {
    CK_CASELOAD_NAME, CK_CASELOAD_CRN, CK_CASELOAD_TIER,
    CK_CASELOAD_LAST_SEEN, CK_CASELOAD_NEXT, CK_CASELOAD_OVERDUE,
} ck_caseload_sort;

typedef struct ck_caseload_query {
    const char *staff, *team, *pdu; /* exactly one: the holder columns */
    bool unallocated;               /* only cases no staff member holds */
    const char *q;                  /* NULL or "": all; else a CRN prefix or a forename/surname prefix */
    const char *tier;               /* NULL or "": all; else a tier prefix ("B", "B2") */
    ck_caseload_sort sort;
    bool desc;
    ck_date as_of;
    size_t limit, offset;           /* limit 1..CK_CASELOAD_PAGE_MAX */
    const ck_case_filter *filter;   /* NULL: every case; else only the cases a reader may see (store/ck_access) */
} ck_caseload_query;

typedef struct ck_caseload_row {
    const char *crn, *forename, *surname, *staff_code, *team_code; /* may be NULL but crn */
    const char *tier;        /* as stored ("B2", "NOT_SUPERVISED"); NULL until first derived */
    const char *tier_missing; /* what a provisional tier was computed without ("rsr,rosh"); NULL: complete */
    ck_date last_seen;       /* the last attended NS contact on or before as_of */
    ck_date next_appt;       /* the first appointment without an outcome on or after as_of */
    int overdue;             /* obligations not met and due before as_of */
    const char *rosh_level;  /* the latest RoSH on or before as_of (ck_rosh_latest); NULL: none */
    ck_date rosh_date;
    const char *mappa_level, *mappa_category; /* the MAPP registration in force; NULL: none */
    const char **registers;  /* types of the other registrations in force at as_of, by position */
    size_t n_registers;
} ck_caseload_row;

typedef struct ck_caseload {
    ck_arena arena;
    ck_caseload_row *rows;
    size_t n;
    size_t total; /* every case that matches, for paging */
} ck_caseload;

/* CK_ERR_INVALID (err names the field) for a query without exactly one
 * holder, or a bad limit. */
ck_rc ck_caseload_list(ck_db *db, const ck_caseload_query *q, ck_caseload **out, char *err, size_t err_len);
void ck_caseload_free(ck_caseload *l);

/* ---- A team's caseloads ------------------------------------------------------ */

typedef struct ck_team_member {
    const char *staff_code;
    const char *forename, *surname, *grade, *status; /* from "staff"; NULL for a code it does not know */
    size_t cases, overdue;
} ck_team_member;

typedef struct ck_team_summary {
    ck_arena arena;
    ck_team_member *members; /* the team's staff not yet left, then any other holder of its cases; by surname */
    size_t n;
    size_t cases, overdue, unallocated;
} ck_team_summary;

ck_rc ck_caseload_team(ck_db *db, const char *team, ck_date as_of, ck_team_summary **out, char *err, size_t err_len);
void ck_team_summary_free(ck_team_summary *t);

/* ---- Obligations of chosen rules across a team or PDU ------------------------ */

typedef struct ck_rule_query {
    const char *staff, *team, *pdu; /* exactly one */
    const char *const *rules;     /* NULL-terminated, at least one */
    const char *subject_prefix;   /* NULL: any subject; "report:" */
    unsigned statuses;            /* bitmask of 1 << ck_status */
    ck_date as_of;
    ck_date due_from, due_to;     /* both not 0: only obligations due in [from, to] */
    ck_date overdue_at;           /* not 0: instead of statuses, those overdue at the end of that day as they
                                   * stood then (due before it, not met by it): a trend month's bar */
    size_t limit, offset;
    const ck_case_filter *filter; /* NULL: every case; else only the cases a reader may see */
} ck_rule_query;

/* In the rulebook's order; reuses ck_worklist (ck_worklist.h). */
ck_rc ck_caseload_rule_obligations(ck_db *db, const ck_rule_query *q, ck_worklist **out, char *err, size_t err_len);

/* ---- Releases (victim liaison) ---------------------------------------------- */

typedef struct ck_release {
    const char *crn, *forename, *surname, *event, *victim;
    ck_date release;
    bool notified; /* release_notified set */
} ck_release;

typedef struct ck_release_list {
    ck_arena arena;
    ck_release *items;
    size_t n;
} ck_release_list;

/* Opted-in victims of the PDU's cases whose event's release date is in
 * [from, to], by release date: the VCS_RELEASE_NOTICE obligations, which
 * exist exactly for those. At most CK_CASELOAD_PAGE_MAX. */
ck_rc ck_caseload_releases(ck_db *db, const char *pdu, ck_date from, ck_date to, ck_release_list **out, char *err,
                           size_t err_len);
/* The same over only the cases filter (NULL: all) lets through. */
ck_rc ck_caseload_releases_in(ck_db *db, const ck_case_filter *filter, const char *pdu, ck_date from, ck_date to,
                              ck_release_list **out, char *err, size_t err_len);
void ck_release_list_free(ck_release_list *l);

/* The names of case crn's person (NULL when the case has none; CK_ERR_NOTFOUND
 * when there is no such case), in arena a: for the pages that name the cases
 * they act on (allocation, reallocation) rather than show a CRN alone. */
ck_rc ck_caseload_names(ck_db *db, const char *crn, ck_arena *a, const char **forename, const char **surname,
                        char *err, size_t err_len);

/* ---- A PDU's cases ------------------------------------------------------------ */

/* The one meaning of "a PDU's cases" that every page and `casekeeper stats`
 * count by, in words for their help text. The store derives it on every
 * write (services/ck_cases: a case's holder is its practitioner's team and
 * PDU, else its own team's), so it is the column cases.pdu_code. */
#define CK_PDU_CASES_MEANING                                                                                 \
    "A probation delivery unit's cases are the cases allocated to its staff (including staff who have left " \
    "or are away but still hold cases), plus its unallocated cases (those whose own team is in it)."

typedef struct ck_pdu_cases {
    const char *pdu;          /* NULL: cases held by no known team */
    size_t allocated;         /* held by a staff member */
    size_t unallocated;
} ck_pdu_cases;               /* the PDU's cases: allocated + unallocated */

/* The cases of PDU `pdu`, else of each PDU of `region`, else of each PDU and
 * of no PDU (both NULL), by PDU code; a PDU without cases has no row (see
 * ck_pdu_cases_find). One grouped query; rows in arena a. */
ck_rc ck_caseload_pdu_cases(ck_db *db, const char *region, const char *pdu, ck_arena *a, ck_pdu_cases **out,
                            size_t *n, char *err, size_t err_len);
/* The row of PDU code `pdu` (NULL: of no PDU); zeros when there is none. */
ck_pdu_cases ck_pdu_cases_find(const ck_pdu_cases *rows, size_t n, const char *pdu);

/* ---- PDU figures ------------------------------------------------------------- */

typedef struct ck_count {
    const char *key; /* rule ID or team code ("" for cases without one) */
    const char *name; /* team name; NULL for rules */
    size_t n;
} ck_count;

typedef struct ck_pdu_summary {
    ck_arena arena;
    ck_pdu_cases cases;           /* the PDU's cases (CK_PDU_CASES_MEANING) */
    ck_count *by_rule, *by_team; /* overdue obligations, most first */
    size_t n_by_rule, n_by_team;
} ck_pdu_summary;

ck_rc ck_caseload_pdu(ck_db *db, const char *pdu, ck_date as_of, ck_pdu_summary **out, char *err, size_t err_len);
void ck_pdu_summary_free(ck_pdu_summary *p);

/* How the PDU's obligations of the given rules (NULL-terminated) stand at
 * as_of: met on time, met late, overdue (open ones are not yet judged). */
typedef struct ck_timeliness {
    size_t on_time, late, overdue;
} ck_timeliness;
ck_rc ck_caseload_timeliness(ck_db *db, const char *pdu, const char *const *rules, ck_date as_of, ck_timeliness *out,
                             char *err, size_t err_len);

/* ---- PDU trends by month ------------------------------------------------------ */

#define CK_TREND_MONTHS 12    /* the current month (to as_of) and the eleven before it */
#define CK_TREND_GROUPS_MAX 4 /* rule groups one trend reports */

typedef struct ck_trend_month {
    ck_date start, end;  /* the month's first and last day; end is as_of for the current month */
    size_t overdue;      /* obligations of any rule due before end and not met by end (met_on) */
    ck_timeliness group[CK_TREND_GROUPS_MAX]; /* obligations of each group due in the month, as they stand at as_of */
} ck_trend_month;

/* The PDU's last CK_TREND_MONTHS months, oldest first, into out. groups
 * (n_groups of them, at most CK_TREND_GROUPS_MAX) are NULL-terminated rule
 * lists; a rule in two groups counts in both. Two aggregate queries over the
 * stored obligations, whatever the number of months. CK_ERR_INVALID (err
 * names the argument) for no PDU or bad groups. */
ck_rc ck_caseload_trend(ck_db *db, const char *pdu, const char *const *const *groups, size_t n_groups, ck_date as_of,
                        ck_trend_month out[CK_TREND_MONTHS], char *err, size_t err_len);

/* ---- A region's PDUs ------------------------------------------------------------ */

typedef struct ck_region_pdu {
    const char *code, *name;
    ck_pdu_cases cases;           /* the PDU's cases (CK_PDU_CASES_MEANING) */
    size_t overdue;
    ck_count *by_rule; /* overdue obligations, most first */
    size_t n_by_rule;
    ck_timeliness group[CK_TREND_GROUPS_MAX]; /* each rule group, as ck_caseload_timeliness judges it */
} ck_region_pdu;

typedef struct ck_region_summary {
    ck_arena arena;
    const char *name;     /* the region's name; its code when "regions" lacks it */
    ck_region_pdu *pdus;  /* every PDU of the region, by name */
    size_t n;
} ck_region_summary;

/* Every PDU of the region with its cases, its overdue obligations by rule
 * and the timeliness of each of groups (n_groups NULL-terminated rule lists,
 * at most CK_TREND_GROUPS_MAX; a rule in two groups counts in both): four
 * aggregate queries whatever the number of PDUs. CK_ERR_INVALID (err names
 * the argument) for no region or bad groups, CK_ERR_NOTFOUND for a region
 * with no PDU. */
ck_rc ck_caseload_region(ck_db *db, const char *region, const char *const *const *groups, size_t n_groups,
                         ck_date as_of, ck_region_summary **out, char *err, size_t err_len);
void ck_region_summary_free(ck_region_summary *r);

#endif
