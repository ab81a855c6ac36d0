/* ck_inspection_cache: each case's obligations as the inspection reads them,
 * kept per case and PDU (migration 029), so the nightly snapshots
 * (ck_inspection_snapshots_refresh) read one short row per case instead of
 * every obligation and contact of the rolling twelve months.
 *
 * A row holds, for each obligation of a rule a key question reads
 * (CK_INSPECT_RULES_SQL, and CONTACT), its rule, due and met dates and, for
 * a CONTACT, the date of the contact it follows: exactly the items the
 * per-PDU stream gives core/ck_inspect, none of which depends on the date
 * they are read at. What does depend on the date (which obligations fall in
 * the period, which are decided, which days count) is decided when the
 * items are added up for a period, by the same code as a full computation,
 * so the figures are the same.
 *
 * A case's rows are built again when its version or obligation digest
 * differs from what they were built from (a write of the case or of its
 * obligations), when its digest is unknown, or when a period starting
 * before their horizon is asked for. */
#ifndef CK_INSPECTION_CACHE_H
#define CK_INSPECTION_CACHE_H
#include "ck_db.h"
#include "ck_inspect.h"
#include "ck_rc.h"

/* Every rule a key question reads other than CONTACT, for SQL. */
#define CK_INSPECT_RULES_SQL                                                                                   \
    "'ROSH_INITIAL', 'DA_CHECK', 'CHILD_CHECK', 'DA_FLAG_DECISION', 'SENTENCE_PLAN', 'INDUCTION', 'ENFORCE', " \
    "'ROSH_CHANGE', 'ROSH_REVIEW', 'VCS_REFERRAL', 'VCS_FIRST_CONTACT', 'VCS_RELEASE_NOTICE'"

#define CK_INSPECTION_CACHE_BATCH 4096 /* case ids per read, cases per write, when rebuilding */

/* Brings every case's rows up to date for periods starting on or after
 * horizon (no transaction open): the stale cases of each range of batch_size
 * case ids read in a read transaction, written in a write transaction once
 * batch_size cases are read (0: CK_INSPECTION_CACHE_BATCH), so a run stopped
 * or killed mid-way leaves each case's rows either as they were or rebuilt
 * whole with what they were built from; the next run takes the rest.
 * *rebuilt gets how many cases were built again. */
ck_rc ck_inspection_cache_refresh(ck_db *db, ck_date horizon, size_t batch_size, size_t *rebuilt, char *err,
                                  size_t err_len);

/* Calls fn for every row, in case id then PDU order, with its items (valid
 * during the call), in the caller's read transaction. */
typedef void (*ck_inspection_cache_fn)(void *ctx, const char *pdu, const ck_inspect_item *items, size_t n);
ck_rc ck_inspection_cache_each(ck_db *db, ck_inspection_cache_fn fn, void *ctx, char *err, size_t err_len);

#endif
