/* ck_casewrite: changes that touch more than one record of a case, in one
 * transaction.
 *
 * ck_cases adds or changes one record at a time. Some changes are one act in
 * practice and must not be half saved: an appointment's outcome and the
 * enforcement decision on it (a failure saved without its warning would show
 * an ENFORCE obligation that was in fact met). Like ck_cases, each function
 * locks the case, validates the whole case, writes the changed rows,
 * recomputes and stores the obligations (and the stored tier, ck_caseload),
 * and commits; on any error nothing is written. */
#ifndef CK_CASEWRITE_H
#define CK_CASEWRITE_H
#include "ck_cases.h"
/* A contact's notes as one act writes them: notes (NULL: none), the
 * sensitive flag, and who recorded it (NULL: leave as stored). */
typedef struct ck_contact_note {
    const char *notes;
    ck_tri sensitive;
    const char *recorded_by;
} ck_contact_note;

/* Records `outcome` (ck_vocab_outcome) on contact `contact_id`, recorded on
 * outcome_on, and, when action is not NULL, adds that enforcement record
 * with its `contact` and `event` taken from the contact (its id must be new
 * to the case). CK_ERR_NOTFOUND for an unknown case or contact,
 * CK_ERR_EXISTS for a taken enforcement id, CK_ERR_INVALID (err names the
 * field) for a bad value. */
ck_rc ck_casewrite_outcome(ck_db *db, const ck_engine *eng, const char *crn, const char *contact_id,
                           const char *outcome, ck_date outcome_on, const ck_enforcement *action, ck_date as_of,
                           char *err, size_t err_len);
/* The same inside a transaction the caller opened, which it commits or
 * rolls back (store/ck_access checks access and audits in it), with the
 * contact's notes replaced by *note when note is not NULL. */
ck_rc ck_casewrite_outcome_tx(ck_db *db, const ck_engine *eng, const char *crn, const char *contact_id,
                              const char *outcome, ck_date outcome_on, const ck_enforcement *action,
                              const ck_contact_note *note, ck_date as_of, char *err, size_t err_len);

#endif
