/* ck_req_store: the requirements in force on many cases with what has been
 * done towards each, in one query, for the pages over many cases (the
 * caseload's progress column, My work's over-running unpaid work).
 *
 * The query counts what core/ck_requirements counts on one case (the hours
 * of unpaid work sessions; the days with an attended contact of the listed
 * types, once a day), from the requirement's start to as_of; which contact
 * types and outcomes count comes from the core table (ck_req_counts_type,
 * ck_outcome_attended), bound into the query rather than written again in
 * SQL. The arithmetic on the rows (remaining, status, over-running) is
 * ck_requirement_progress_of's. Rows live in their own arena; free the list
 * with ck_req_rows_free (NULL-safe). Each read runs in one snapshot
 * (ck_txn_join_read). */
#ifndef CK_REQ_STORE_H
#define CK_REQ_STORE_H
#include "ck_case.h"
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_worklist.h"

typedef struct ck_req_row {
    const char *crn, *forename, *surname; /* names may be NULL */
    const char *type;                      /* the requirement's type code */
    const char *id;                        /* the requirement's id within its case */
    int32_t amount;                        /* CK_NOINT when the type has none */
    int32_t used;                          /* hours worked or days used to as_of; 0 for a type without progress */
    ck_date start, last_day, terminated_on; /* last_day: its end, else its sentence's end (ck_requirement_last_day) */
} ck_req_row;

typedef struct ck_req_rows {
    ck_arena arena;
    ck_req_row *rows; /* by CRN, then event and requirement order */
    size_t n;
} ck_req_rows;

/* The requirements in force at as_of (ck_requirement_in_force: started,
 * not past their last day, not terminated) of the n cases crns (at most
 * CK_REQ_CASES_MAX). */
#define CK_REQ_CASES_MAX 500
ck_rc ck_req_rows_of_cases(ck_db *db, const char *const *crns, size_t n, ck_date as_of, ck_req_rows **out,
                           char *err, size_t err_len);
/* The requirements in force at as_of whose progress is hours (unpaid work)
 * on the cases `staff` holds that f lets the reader see (NULL: all). */
ck_rc ck_req_rows_hours(ck_db *db, const char *staff, const ck_case_filter *f, ck_date as_of, ck_req_rows **out,
                        char *err, size_t err_len);
void ck_req_rows_free(ck_req_rows *l);

#endif
