/* ck_overview_store: what the case overview shows that comes from a case's
 * contacts, read from indexes instead of loading every contact (issue 16,
 * point 5): the appointments before a date that have no outcome (a partial
 * index, migrations/025_overview.sql), and the case's unpaid work
 * requirements in force with the hours worked towards each (summed from a
 * covering partial index of the sessions that carry hours), which the
 * overview judges for unpaid work that is behind schedule. A case with years of history has thousands of
 * contacts; its overview reads a handful of rows.
 *
 * Runs inside the caller's transaction (services/ck_access reads it in the
 * snapshot that decides the reader's access and loads the case). Free with
 * ck_overview_free (NULL-safe). */
#ifndef CK_OVERVIEW_STORE_H
#define CK_OVERVIEW_STORE_H
#include "ck_case.h"
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_req_store.h"

typedef struct ck_overview_appt {
    const char *id; /* the contact's id */
    ck_date date;
} ck_overview_appt;

typedef struct ck_overview {
    ck_arena arena;
    ck_overview_appt *no_outcome; /* appointments dated before as_of without an outcome, in the case's order */
    size_t n_no_outcome;
    ck_req_rows *requirements; /* unpaid work in force at as_of with the hours worked (names and CRN NULL) */
} ck_overview;

/* The summary of case `id` at as_of. */
ck_rc ck_overview_read(ck_db *db, int64_t id, ck_date as_of, ck_overview **out, char *err, size_t err_len);
void ck_overview_free(ck_overview *s);

#endif
