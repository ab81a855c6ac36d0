/* ck_attention: what "Needs your attention" reads beyond the obligations
 * table, and who acts for victims.
 *
 * The pages list appointments without an outcome and registrations due for
 * review from the stored obligations (OUTCOME, REG_REVIEW); what no
 * obligation names is read here: safeguarding checks requested and not yet
 * answered on the cases a staff member holds, recent tier changes, and the
 * victim liaison officer a practitioner is pointed to for a case's victim
 * rows. */
#ifndef CK_ATTENTION_H
#define CK_ATTENTION_H
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"
#include "ck_worklist.h"

typedef struct ck_pending_check {
    const char *crn, *forename, *surname, *id, *kind; /* kind: police_da, children */
    ck_date requested;
} ck_pending_check;
typedef struct ck_pending_checks {
    ck_arena arena;
    ck_pending_check *items;
    size_t n, total; /* total: every unanswered check, not only the first `limit` */
} ck_pending_checks;
void ck_pending_checks_free(ck_pending_checks *l); /* NULL-safe */

/* Checks with a request date and no receipt on the cases `staff` holds that
 * f lets the reader see (NULL: all), oldest request first, at most limit. */
ck_rc ck_attention_pending_checks(ck_db *db, const char *staff, const ck_case_filter *f, size_t limit,
                                  ck_pending_checks **out, char *err, size_t err_len);

/* The last tier change of a case (migrations/010_tier_change.sql), as the
 * tier writers keep it: from `previous` to `tier` on `changed_on`. */
typedef struct ck_tier_change {
    const char *crn, *forename, *surname, *previous, *tier;
    const char *tier_missing; /* what the new tier, when provisional, lacks ("rsr,rosh"); NULL: complete */
    ck_date changed_on;
} ck_tier_change;
typedef struct ck_tier_changes {
    ck_arena arena;
    ck_tier_change *items;
    size_t n, total; /* total: every change since the date, not only the first `limit` */
} ck_tier_changes;
void ck_tier_changes_free(ck_tier_changes *l); /* NULL-safe */

/* Cases whose tier changed on or after `since`, between two supervised tiers
 * (a case starting or ending supervision is not a "changed tier"), newest
 * change first, at most limit: of the cases `staff` holds that f lets the
 * reader see (NULL: all) or, with staff NULL, of the one case `crn`. */
ck_rc ck_attention_tier_changes(ck_db *db, const char *staff, const char *crn, const ck_case_filter *f,
                                ck_date since, size_t limit, ck_tier_changes **out, char *err, size_t err_len);

/* The victim liaison officer for the cases of `team`: a staff member of
 * grade VLO in a team of the same PDU, in post at as_of (not left, not on
 * long-term absence), the first by code. *name is "Forename Surname" in
 * arena, NULL when the PDU has none (CK_OK either way). */
ck_rc ck_attention_liaison(ck_db *db, const char *team, ck_date as_of, ck_arena *arena, const char **name, char *err,
                           size_t err_len);

#endif
