/* ck_worklist: what the services and the read models over many cases share,
 * so that neither depends on the other: the reader's case filter, spliced
 * into every query over many cases (ck_cases' search and worklist,
 * ck_caseload's lists), and the worklist row (an obligation with its case's
 * names) with its one reading, used by ck_cases_worklist (one holder's
 * obligations) and ck_caseload (a team's or PDU's obligations of given
 * rules). Before this module ck_caseload called into ck_cases and ck_cases
 * into ck_caseload; now both call down to here. */
#ifndef CK_WORKLIST_H
#define CK_WORKLIST_H
#include "ck_buf.h"
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"
#include "ck_rules.h"

/* A condition on the "cases" row that every case shown to a reader must meet
 * (store/ck_access builds it from the reader's scope and the limited-access
 * lists), so a case the reader may not see is absent from searches and
 * worklists, totals included. `sql` is a boolean SQL expression naming
 * columns as "cases"."col", with placeholders numbered from $1 (text
 * values, binds[0] is $1); the queries splice it in renumbered. */
#define CK_FILTER_MAX_BINDS 4
typedef struct ck_case_filter {
    const char *sql;
    const char *binds[CK_FILTER_MAX_BINDS];
    int n_binds;
    /* True when every case without a limited-access record (no row in
     * "case_access" or "case_access_users") meets sql: then a count over
     * many cases is the count of all of them less those of the few limited
     * cases that fail sql, read from the indexes without joining every row
     * to its case (ck_cases_worklist). */
    bool open_cases_pass;
} ck_case_filter;
/* Appends " AND (<f's condition>)" to sql with f's placeholders moved up by
 * shift ($1 becomes $(1 + shift)); the caller binds f->binds there. For
 * every query over many cases (store/ck_caseload too). */
void ck_case_filter_sql(ck_buf *sql, const ck_case_filter *f, int shift);
/* The same condition alone, "(<f's condition>)", to negate or combine. */
void ck_case_filter_cond(ck_buf *sql, const ck_case_filter *f, int shift);

/* A worklist: its rows live in arena, total counts every matching row (not
 * only this page). Freed with ck_worklist_free (NULL-safe). */
typedef struct ck_worklist_item {
    const char *crn, *forename, *surname, *staff_code, *team;
    ck_obligation o;
} ck_worklist_item;
typedef struct ck_worklist {
    ck_arena arena;
    ck_worklist_item *items;
    size_t n;
    size_t total;
} ck_worklist;
void ck_worklist_free(ck_worklist *w);

/* The first columns of a worklist row, from "obligations" joined to
 * "cases"; a query may select more after them. */
#define CK_WORKLIST_COLS                                                                                  \
    "\"obligations\".\"rule\", \"obligations\".\"subject\", \"obligations\".\"due\", "                    \
    "\"obligations\".\"met_on\", \"obligations\".\"explanation\", \"obligations\".\"staff_code\", "       \
    "\"obligations\".\"team_code\", \"cases\".\"crn\", \"cases\".\"person_forename\", "                   \
    "\"cases\".\"person_surname\""

/* Reads CK_WORKLIST_COLS of st's current row into it, strings copied into a
 * (a known rule's name is the vocabulary's own string). Sets neither
 * it->o.status nor it->o.severity: each worklist knows them its own way. */
void ck_worklist_item_read(ck_stmt *st, ck_arena *a, ck_worklist_item *it);

/* What a worklist page was read at, to tell later whether it would read the
 * same (http/ck_wl_cache): the auth epoch (migration 031: accounts, tokens,
 * staff, teams, PDUs), the page's holder's version and the version every
 * page depends on (migration 032: obligations, case names, limited access).
 * Numbers only grow; a scope never bumped reads 0. */
typedef struct ck_worklist_version {
    int64_t epoch, scope, all;
} ck_worklist_version;
/* The scope of a holder's pages: "s:" staff code, "t:" team, "p:" PDU. */
#define CK_WORKLIST_SCOPE_MAX 80
void ck_worklist_scope(char out[CK_WORKLIST_SCOPE_MAX], char kind, const char *code);
/* Reads the three numbers of scope in one statement (its own snapshot, or
 * the open transaction's). CK_ERR_DB on failure. */
ck_rc ck_worklist_version_read(ck_db *db, const char *scope, ck_worklist_version *v, char *err, size_t err_len);
/* The same numbers as a condition, for a statement that must do something
 * only while a page is still at the version it was read at (services/
 * ck_audit's guarded reads): appends to b an SQL boolean over parameters
 * $k (the scope, text) and $k+1..$k+3 (epoch, scope, all), true when they
 * are the database's, or when $k is NULL (no condition). Bind them with
 * ck_worklist_version_bind (scope NULL: none). */
void ck_worklist_version_cond(ck_buf *b, int k);
void ck_worklist_version_bind(ck_stmt *st, int k, const char *scope, const ck_worklist_version *v);
/* Whether scope is still at v (one statement, as ck_worklist_version_read). */
ck_rc ck_worklist_version_holds(ck_db *db, const char *scope, const ck_worklist_version *v, bool *holds, char *err,
                                size_t err_len);

/* Around a bulk write of obligations in db's open write transaction (the
 * import): begin makes the per-row version bumps of SQLite's triggers skip
 * (migration 032), end bumps the version every page depends on, once. Call
 * end before the commit; a rollback undoes both. CK_ERR_DB on failure. */
ck_rc ck_worklist_bulk_begin(ck_db *db, char *err, size_t err_len);
ck_rc ck_worklist_bulk_end(ck_db *db, char *err, size_t err_len);

#endif
