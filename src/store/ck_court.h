/* ck_court: what the court work page needs beyond the obligations it lists:
 * for a case with a safeguarding check outstanding, whether the check has
 * been asked for and is waiting for its reply (the page offers "Record the
 * reply") or still has to be asked for ("Request the check"). */
#ifndef CK_COURT_H
#define CK_COURT_H
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"

/* The id of the latest check of `kind` (ck_vocab_check_kind) on case crn
 * that was requested and has no reply yet, into *id (in arena); NULL when
 * there is none. CK_ERR_DB with the reason in err. */
ck_rc ck_court_open_check(ck_db *db, const char *crn, const char *kind, ck_arena *arena, const char **id, char *err,
                          size_t err_len);

#endif
