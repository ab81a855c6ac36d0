/* ck_cases: what the API, CLI and web do to cases, each one transaction.
 *
 * Every write (create, replace, add or change a record) runs in one database
 * transaction that also recomputes that case's obligations with the rules
 * engine and stores them, so stored obligations are never stale with respect
 * to the case (only with respect to the date: see ck_cases_recompute_all).
 * Callers pass the engine (calendar + rules config) and the date to evaluate
 * at (today in the server). Errors come back as a ck_rc plus a message in
 * err that names the field ("contacts[3].event: ...") where one is at fault. */
#ifndef CK_CASES_H
#define CK_CASES_H
#include "ck_buf.h"
#include "ck_case.h"
#include "ck_store.h"
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_rules.h"
#include "ck_worklist.h"
#include "ck_wprofile.h"

typedef struct ck_engine {
    const ck_calendar *cal;
    const ck_rules_config *cfg;
} ck_engine;

/* The shipped calendar and rules configuration. */
ck_engine ck_engine_default(void);

/* Create (CK_ERR_EXISTS when the CRN is taken) or replace (CK_ERR_NOTFOUND when
 * absent) a whole case. `c` must have passed ck_case_validate. */
ck_rc ck_cases_create(ck_db *db, const ck_engine *eng, const ck_case *c, ck_date as_of, char *err, size_t err_len);
ck_rc ck_cases_replace(ck_db *db, const ck_engine *eng, const ck_case *c, ck_date as_of, char *err, size_t err_len);
/* Loads a whole case. *out is the caller's (ck_case_free). */
ck_rc ck_cases_get(ck_db *db, const char *crn, ck_case **out, char *err, size_t err_len);
/* The stored obligations of a case, statuses decided at as_of (open vs overdue). */
ck_rc ck_cases_obligations(ck_db *db, const char *crn, ck_date as_of, ck_result **out, char *err, size_t err_len);

/* Adds one record to a list of the case: `list` is the bundle key ("contacts",
 * "registrations", "checks", "assessments", "changes", "decisions",
 * "enforcement", "breaches", "recalls", "victims", "allocations",
 * "registration_decisions", "person.addresses"), `rec` a record of that kind
 * (its strings may live anywhere; they are copied). The whole case is
 * validated with it, then written and recomputed. */
ck_rc ck_cases_add(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const void *rec,
                   ck_date as_of, char *err, size_t err_len);
/* Changes one record in place: loads the case, calls edit(rec, ctx) on the
 * record `list`/`id` (it may change fields, allocating in the case's arena),
 * validates, writes, recomputes. edit returns false with a message to refuse
 * (CK_ERR_INVALID with that message).
 * add, update and replace refuse (CK_ERR_CONFLICT) to record a report as
 * completed while its DA_CHECK or CHILD_CHECK is unmet and no
 * outstanding_checks_reason is given (rulebook, Court work); create and
 * import take history as it is. */
ck_rc ck_cases_update(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const char *id,
                      bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                      ck_date as_of, char *err, size_t err_len);

/* The same writes inside a transaction the caller opened (ck_db_begin_write), so a
 * caller can check access under the case's row lock and append to the audit
 * log before it commits (store/ck_access). On an error the caller rolls back.
 * With keep_victims, replace keeps the stored victims whatever c holds:
 * a caller who may not write victims (and was never shown their details)
 * cannot change or blank them by sending a case back. */
ck_rc ck_cases_replace_tx(ck_db *db, const ck_engine *eng, const ck_case *c, bool keep_victims, ck_date as_of,
                          char *err, size_t err_len);
ck_rc ck_cases_add_tx(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const void *rec,
                      ck_date as_of, char *err, size_t err_len);
ck_rc ck_cases_update_tx(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const char *id,
                         bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                         ck_date as_of, char *err, size_t err_len);


/* The same whole-case write inside a transaction the caller opened, for a
 * change that spans several cases in one transaction (a leaver's caseload, an
 * allocation): locks and loads case crn, calls edit to change it in memory
 * (any of its records; new strings in c's arena), then validates it, writes
 * it whole and stores its holder and obligations at as_of, refusing what
 * ck_cases_update refuses. edit returns CK_OK, or a ck_rc with its message in
 * err, returned as it is. CK_ERR_NOTFOUND when there is no such case. Never
 * commits or rolls back: on an error the caller rolls back. */
ck_rc ck_cases_edit_in_tx(ck_db *db, const ck_engine *eng, const char *crn,
                          ck_rc (*edit)(ck_case *c, void *ctx, char *err, size_t err_len), void *ctx, ck_date as_of,
                          char *err, size_t err_len);

/* Search by CRN (exact or prefix), surname/forename (prefix, case-insensitive)
 * or date of birth (YYYY-MM-DD). Paginated; total is the full match count.
 * ck_cases_search_in shows only the cases meeting filter (NULL: all). */
typedef struct ck_case_summary {
    char crn[17];
    char *forename, *surname; /* owned by the list */
    ck_date date_of_birth;
    char *staff_code, *team;  /* current allocation's staff, the case's team; may be NULL */
} ck_case_summary;
typedef struct ck_case_list {
    ck_arena arena;
    ck_case_summary *items;
    size_t n;
    size_t total;
} ck_case_list;
ck_rc ck_cases_search(ck_db *db, const char *q, size_t limit, size_t offset, ck_case_list **out, char *err, size_t err_len);
ck_rc ck_cases_search_in(ck_db *db, const ck_case_filter *filter, const char *q, size_t limit, size_t offset,
                         ck_case_list **out, char *err, size_t err_len);
void ck_case_list_free(ck_case_list *l);

/* Worklist: stored obligations of the cases held by a staff member, a team or a
 * PDU (exactly one of the three set), with the given statuses (bitmask of
 * 1 << ck_status), ordered as the rulebook says, paginated. Served from the
 * obligations table through its indexes; open versus overdue decided from
 * the due date at as_of. */
typedef struct ck_worklist_query {
    const char *staff, *team, *pdu;
    unsigned statuses;
    ck_date as_of;
    size_t limit, offset;
    const ck_case_filter *filter; /* NULL: every case the holder holds */
} ck_worklist_query;
ck_rc ck_cases_worklist(ck_db *db, const ck_worklist_query *q, ck_worklist **out, char *err, size_t err_len);

/* Recomputes and stores the obligations, holder, tier and workload profile
 * of cases at as_of, streaming (bounded memory) in batches of `batch` cases
 * per transaction, writing only the rows that differ, and each case's next
 * change (core/ck_horizon). With `all` every case is evaluated; else only
 * the cases whose next change has come (next_change <= as_of: cases written
 * since the last run stored theirs when written) — unless the basis of the
 * stored values changed (the rules configuration, the calendar, the
 * organisation's staff and teams, or the program: ck_cases_basis), or as_of
 * is before the last recompute, when every case is. */
typedef struct ck_recompute_stats {
    bool list_changed; /* in: also list the changed cases' ids (changed_ids) */
    size_t cases;     /* cases stored */
    size_t evaluated; /* cases evaluated */
    size_t changed;   /* evaluated cases whose stored obligations, holder, tier or profile changed */
    bool all;         /* every case was evaluated (asked for, or the basis changed) */
    int64_t *changed_ids; /* with list_changed: their case ids (ck_free) */
} ck_recompute_stats;
/* step (may be NULL) is called after each batch's transaction has committed
 * with the cases evaluated so far, the number to evaluate and, in a full pass,
 * the CRN of the last case done (NULL in a pass over the due cases); it stops
 * the pass with CK_ERR_CONFLICT when it returns false (the nightly job lost
 * its lease, or the server is stopping). `after` (NULL or "": from the
 * first) resumes a full pass after that CRN (services/ck_nightly); a pass over
 * the due cases needs no resume point, since a case evaluated at as_of stores
 * a next change after it. as_of is recorded as the recompute's date only when
 * the pass reaches its end. A batch redone after a stop between its commit
 * and step changes nothing: the same case at the same date gives the same rows. */
typedef bool (*ck_recompute_step)(void *ctx, size_t done, size_t total, const char *last_crn);
/* batch 0: the pass's own default. A full pass reads every case in order,
 * and a batch's commit is most of its fixed cost, so its batches are big. A
 * pass over the due cases keeps them small: a batch's cases, results and
 * plans all stay in memory until it is written, so the first batch's size
 * is fresh memory, page-faulted in (the later ones reuse it); London's
 * night (886 due) took 12,500 page faults and 0.66 s of CPU in one batch of
 * 1000, 5,900 and 0.58 s in batches of 200 (bench/RESULTS.md, sqnight21b),
 * and the server's daily job uses 200 too (http/ck_api.h). */
#define CK_RECOMPUTE_BATCH_FULL 1000
#define CK_RECOMPUTE_BATCH_DUE 200
ck_rc ck_cases_recompute(ck_db *db, const ck_engine *eng, ck_date as_of, bool all, size_t batch, const char *after,
                         ck_recompute_step step, void *ctx, ck_recompute_stats *stats, char *err, size_t err_len);
/* Whether ck_cases_recompute at as_of (all false) would evaluate every case
 * rather than the due ones: what the nightly job decides its resume point
 * on, before it starts. Its own read transaction. */
ck_rc ck_cases_recompute_needs_all(ck_db *db, const ck_engine *eng, ck_date as_of, bool *all, char *err,
                                   size_t err_len);
/* ck_cases_recompute of every case. */
ck_rc ck_cases_recompute_all(ck_db *db, const ck_engine *eng, ck_date as_of, size_t batch,
                             void (*progress)(void *ctx, size_t done, size_t total), void *ctx,
                             char *err, size_t err_len);
/* What the stored derived values of every case rest on besides the case
 * itself, as a hex digest into out (65 bytes): the program's version, the
 * rules configuration, the calendar's bank holidays and the organisation's
 * staff-to-team and team-to-PDU links (the holder). Runs in the caller's
 * transaction. */
ck_rc ck_cases_basis(ck_db *db, const ck_engine *eng, char out[65], char *err, size_t err_len);

/* Streams every case (export): fn is called once per case in CRN order and
 * may not keep it; stops early when fn returns false. */
ck_rc ck_cases_each(ck_db *db, bool (*fn)(void *ctx, const ck_case *c), void *ctx, char *err, size_t err_len);

/* Import: ck_cases_create inside a transaction the caller opened (ck_db_begin_write),
 * so a whole file is one transaction. Same errors; on CK_ERR_EXISTS and
 * CK_ERR_INVALID nothing was written and the transaction is still usable. */
ck_rc ck_cases_insert(ck_db *db, const ck_engine *eng, const ck_case *c, ck_date as_of, char *err, size_t err_len);

/* Bulk import: ck_cases_insert for many cases, in two steps so that the
 * costly one can run on worker threads. ck_cases_prepare validates a case
 * and evaluates its obligations without the database (thread-safe, one
 * ck_prepared per call); ck_cases_insert_prepared then writes a run of
 * prepared cases inside the caller's transaction with statements that carry
 * many cases' rows each, which is what makes PostgreSQL imports fast. */
typedef struct ck_prepared {
    const ck_case *c; /* the caller's; must outlive the ck_prepared */
    ck_result *r;     /* c's obligations; NULL when c was refused */
    ck_rc rc;         /* CK_OK, CK_ERR_INVALID (prepare), CK_ERR_EXISTS (insert) */
    char err[512];    /* why, naming the field, when rc is not CK_OK */
    ck_wprofile profile; /* c's tier and workload profile at as_of, stored with it (ck_caseload) */
    ck_date next_change; /* c's next change after as_of (core/ck_horizon), stored with it */
} ck_prepared;
void ck_cases_prepare(const ck_engine *eng, const ck_case *c, ck_date as_of, ck_prepared *p);
/* Writes the cases of p[0..n) whose rc is CK_OK. Each case's outcome is then
 * in its rc: CK_ERR_EXISTS when its CRN is taken, by a stored case or by an
 * earlier case of the run (nothing of it written). Returns CK_OK, or
 * CK_ERR_DB with err when the database failed: roll back. */
ck_rc ck_cases_insert_prepared(ck_db *db, ck_prepared *p, size_t n, ck_date as_of, char *err, size_t err_len);
void ck_prepared_clear(ck_prepared *p); /* frees r; NULL-safe fields */

/* A bulk import brackets its transactions with these (outside any
 * transaction). begin first builds the indexes an import that never ended
 * left deferred; then, into a database without cases, it defers the
 * secondary indexes (ck_store_defer_indexes) so that end builds each in one
 * go; and on SQLite it sets a page cache of a fixed size (what the import
 * holds does not grow with the number of cases). end builds the deferred
 * indexes and puts the cache back as it found it; call it whatever the
 * import's outcome. Until then worklists and searches work, only slower. */
typedef struct ck_bulk {
    int64_t cache_size; /* SQLite's, to put back; 0 when not changed */
    bool deferred;      /* begin deferred indexes: end builds them */
    /* Told before each index end builds (ck_store_build_deferred); begin
     * sets it NULL, the caller may set it after. */
    ck_index_each each;
    void *ctx;
} ck_bulk;
ck_rc ck_cases_bulk_begin(ck_db *db, ck_bulk *b, char *err, size_t err_len);
ck_rc ck_cases_bulk_end(ck_db *db, ck_bulk *b, char *err, size_t err_len);

/* Number of cases. */
ck_rc ck_cases_count(ck_db *db, size_t *n, char *err, size_t err_len);

/* The as_of of the last ck_cases_recompute_all (CK_ERR_NOTFOUND before the
 * first): every stored obligation was computed at that date or later, so the
 * server recomputes all when it is before today. */
ck_rc ck_cases_recomputed_on(ck_db *db, ck_date *as_of, char *err, size_t err_len);
/* After an import at as_of: records as_of as that date when none is recorded
 * yet (then every case came from an import at as_of or later). */
ck_rc ck_cases_note_import(ck_db *db, ck_date as_of, char *err, size_t err_len);

#endif
