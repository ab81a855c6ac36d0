/* ck_court: the court work page's look-ups (see ck_court.h). */
#include "ck_court.h"
#include "ck_txn.h"

ck_rc ck_court_open_check(ck_db *db, const char *crn, const char *kind, ck_arena *a, const char **id, char *err,
                          size_t err_len)
{
    *id = NULL;
    ck_stmt *st = ck_txn_prepare(db,
                                 "SELECT \"checks\".\"id\" FROM \"checks\" JOIN \"cases\" ON \"cases\".\"case_id\" = "
                                 "\"checks\".\"case_id\" WHERE \"cases\".\"crn\" = $1 AND \"checks\".\"kind\" = $2 AND "
                                 "\"checks\".\"received\" IS NULL AND \"checks\".\"requested\" IS NOT NULL "
                                 "ORDER BY \"checks\".\"requested\" DESC, \"checks\".\"ord\" DESC",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, crn);
    ck_stmt_bind_text(st, 2, kind);
    ck_rc rc = CK_OK;
    if (ck_txn_next(db, st, "checks", &rc, err, err_len)) *id = ck_arena_strdup(a, ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    return rc;
}
