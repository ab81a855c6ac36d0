/* ck_store: a case's rows, mapped from the field descriptors of core/ck_case.h.
 *
 * The mapping is generic. On first use ck_store walks ck_entity_case once and
 * builds, for the root table ("cases") and for every list entity (a table
 * named by ck_entity.table), its columns and its SQL text (multi-row INSERTs,
 * SELECTs for one case and for a batch, DELETE, UPDATE), cached for the life
 * of the process; migrations/001_init.sql follows the same naming rule:
 *   - a scalar field is the column named by its JSON key;
 *   - an embedded object is flattened into its parent's row with "key_" as
 *     prefix ("sentence_type"); a nullable one adds a flag column
 *     "has_key" (with the same prefix as its siblings);
 *   - a list row carries "case_id" and its position "ord"; a list inside a
 *     list record also carries the parent's position "parent_ord".
 * Every identifier is double-quoted (many keys are reserved words).
 *
 * Every function here runs inside the caller's transaction (ck_cases opens
 * them) and returns CK_OK or a ck_rc with "what: why" in err. Lists are named
 * by their bundle key: "contacts", "person.addresses". */
#ifndef CK_STORE_H
#define CK_STORE_H
#include "ck_case.h"
#include "ck_db.h"
#include "ck_rc.h"
#include "ck_roles.h"
#include "ck_rules.h"
#include "ck_wprofile.h"

/* Who holds a case, derived on every write and copied onto its obligations so
 * worklists are one index range. Strings are the caller's; NULL when unknown. */
typedef struct ck_holder {
    const char *staff_code, *team_code, *pdu_code;
} ck_holder;

/* The search key of a name: ASCII letters lower-cased and digits kept,
 * everything else dropped, cut at CK_NAME_KEY_MAX bytes; "" for NULL. Keys
 * drawn from [0-9a-z] sort the same under every collation, so a prefix is an
 * index range on SQLite and on PostgreSQL whatever the database locale.
 * Returns the key's length. */
#define CK_NAME_KEY_MAX 64
size_t ck_store_name_key(const char *name, char out[CK_NAME_KEY_MAX + 1]);

/* Row locks on "cases" rows, held until the transaction ends (PostgreSQL FOR
 * UPDATE; SQLite write transactions are already exclusive). Every writer of a
 * case takes CK_LOCK_UPDATE on its row before touching any of its rows, so
 * writers of one case queue instead of losing each other's changes. Readers
 * take no lock: a read transaction (ck_db_begin_read) sees one snapshot, so
 * one version of the case across its one-query-per-table load. */
typedef enum ck_lock { CK_LOCK_NONE, CK_LOCK_UPDATE } ck_lock;

/* The case id of crn (CK_ERR_NOTFOUND when absent), locking its row. */
ck_rc ck_store_find(ck_db *db, const char *crn, ck_lock lock, int64_t *id, char *err, size_t err_len);

/* Writes every row of a new case; CK_ERR_EXISTS when the CRN is taken. */
ck_rc ck_store_insert(ck_db *db, const ck_case *c, const ck_holder *h, int64_t *id, char *err, size_t err_len);
/* Writes every row of new cases c[0..n) (holders h[i]) with statements that
 * carry many cases' rows each. ids[i] gets the case id, or 0 when the CRN
 * was taken (by a stored case, or by an earlier case of the run): that case
 * is skipped. CK_ERR_DB when a statement fails. */
ck_rc ck_store_insert_many(ck_db *db, size_t n, const ck_case *const *c, const ck_holder *h, int64_t *ids,
                           char *err, size_t err_len);
/* Rewrites every row of case `id` from c (same case id; the CRN may change). */
ck_rc ck_store_rewrite(ck_db *db, int64_t id, const ck_case *c, const ck_holder *h, char *err, size_t err_len);
ck_rc ck_store_set_holder(ck_db *db, int64_t id, const ck_holder *h, char *err, size_t err_len);

/* ---- Versions (no lost updates) ------------------------------------------ */

/* A case's version: 1 when created, one more for every write of its content
 * (replace, a record added or changed, an outcome), bumped in the write's
 * own transaction, so a writer holding the case's lock (CK_LOCK_UPDATE) that
 * reads version N knows nobody else's change since N is missing from what it
 * writes. The holder, tier and obligations the daily recompute derives are
 * not content and do not bump it. */
typedef struct ck_case_version {
    int64_t version;
    /* Who made the last write: the account's username and, when the account
     * is linked to a staff record, that person's name ("" when unknown: a
     * write made outside the access layer). */
    char changed_by[CK_USERNAME_MAX + 1];
    char changed_by_name[128];
    int64_t changed_at; /* Unix seconds (UTC) of the last write; 0 when unknown */
} ck_case_version;
/* Adds one to case `id`'s version and notes the time; who is unknown until
 * ck_store_changed_by says. Every writer of a case's content calls it once
 * per write, inside the write's transaction (ck_cases, ck_casewrite). */
ck_rc ck_store_bump_version(ck_db *db, int64_t id, char *err, size_t err_len);
/* Names the account that made the write just bumped (store/ck_access). */
ck_rc ck_store_changed_by(ck_db *db, int64_t id, const char *username, char *err, size_t err_len);
ck_rc ck_store_version(ck_db *db, int64_t id, ck_case_version *out, char *err, size_t err_len);

/* Loads case `id` with one query per table. *out is the caller's. */
ck_rc ck_store_load(ck_db *db, int64_t id, ck_case **out, char *err, size_t err_len);
/* The same; without `victims` the sensitive columns (victims' names,
 * addresses, phones, emails, notes) are not selected from the database at
 * all and come back NULL. What a reader who is not victim liaison staff gets
 * (store/ck_access decides). */
ck_rc ck_store_load_for(ck_db *db, int64_t id, bool victims, ck_case **out, char *err, size_t err_len);
/* The same, and without `contacts` the case's contacts are not read at all
 * (n_contacts 0): what a page that lists none of them loads (the web's case
 * overview), since a case with years of history has thousands. */
ck_rc ck_store_load_view(ck_db *db, int64_t id, bool victims, bool contacts, ck_case **out, char *err,
                         size_t err_len);

/* Streams cases in CRN order, `max` at a time, with one query per table per
 * batch, locking the batch's case rows. Start from ck_store_batch_init; each
 * call frees the previous batch and loads the next (n == 0 at the end);
 * max is capped at 100,000. */
typedef struct ck_store_batch {
    ck_case **cases;
    int64_t *ids;
    size_t n;
    char *after; /* the last CRN loaded; the next batch starts after it */
    /* Set before a load by a caller that only evaluates the cases (the
     * recompute): free text no rule reads, such as contact notes, is left
     * out (NULL). Loads keep it; ck_store_batch_init and _free clear it. */
    bool rules_view;
} ck_store_batch;
/* Whether column `column` of list table `table` is left out of the rules'
 * view (free text no rule reads, such as "contacts", "notes"). */
bool ck_store_rules_blind(const char *list_table, const char *column);
void ck_store_batch_init(ck_store_batch *b);
ck_rc ck_store_load_batch(ck_db *db, ck_store_batch *b, size_t max, ck_lock lock, char *err, size_t err_len);
void ck_store_batch_free(ck_store_batch *b);

/* ---- One record at a time (sub-resource writes) -------------------------- */

/* The record kind of a list ("contacts" gives &ck_entity_contact); NULL for
 * an unknown list, with a message naming the lists in err (may be NULL). */
const ck_entity *ck_store_list_entity(const char *list, char *err, size_t err_len);
/* Checks a record against its descriptors (required keys, vocabularies, the
 * kind's own check) as the bundle parser would: CK_OK, or CK_ERR_INVALID with
 * "path.key: message" in err. */
ck_rc ck_store_check(const ck_entity *kind, const void *rec, const char *path, char *err, size_t err_len);
/* Appends a checked copy of rec (strings copied into the case's arena) to
 * `list`; *ord gets its position. CK_ERR_INVALID for an unknown list or a bad
 * record. */
ck_rc ck_store_append(ck_case *c, const char *list, const void *rec, size_t *ord, char *err, size_t err_len);
/* The id of a record of `kind` (NULL when the kind has no id). */
const char *ck_store_record_id(const ck_entity *kind, const void *rec);
/* The record of `list` whose id is `id` (NULL when none); *ord its position. */
void *ck_store_find_record(ck_case *c, const char *list, const char *id, size_t *ord);
/* Writes the row of c's record `list`[ord] (INSERT when is_new, else UPDATE)
 * and rewrites the rows of the lists inside it; nothing else. */
ck_rc ck_store_write_record(ck_db *db, int64_t id, const ck_case *c, const char *list, size_t ord, bool is_new,
                            char *err, size_t err_len);

/* ---- Obligations ------------------------------------------------------------ */

/* Stores r's obligations and failures to comply for case `id` (replacing the
 * stored ones when `replace`), each tagged with the holder. */
ck_rc ck_store_put_obligations(ck_db *db, int64_t id, const ck_result *r, const ck_holder *h, bool replace,
                               char *err, size_t err_len);
/* Stores the obligations and failures to comply of new cases: r[i] for
 * case ids[i] with holder h[i], skipping the cases whose id is 0 (as
 * ck_store_insert_many leaves them). */
ck_rc ck_store_put_obligations_many(ck_db *db, size_t n, const int64_t *ids, const ck_result *const *r,
                                    const ck_holder *h, char *err, size_t err_len);
/* The SET items that keep a tier change (migrations/010_tier_change.sql):
 * when the stored tier differs from the new one (SQL expression `tier`), the
 * stored one becomes "tier_previous" and `date` "tier_changed_on"; an
 * unchanged tier, or the first one stored, leaves both as they were. Both
 * read the row before the UPDATE, so they go in the same statement as the
 * "tier" they compare with; every writer of "tier" uses this. */
#define CK_STORE_TIER_CHANGE(tier, date)                                                              \
    "\"tier_previous\" = CASE WHEN \"cases\".\"tier\" <> " tier " THEN \"cases\".\"tier\" "          \
    "ELSE \"cases\".\"tier_previous\" END, \"tier_changed_on\" = CASE WHEN \"cases\".\"tier\" <> " tier \
    " THEN " date " ELSE \"cases\".\"tier_changed_on\" END"

/* The SET items of the workload profile beside the tier (migrations 011 and
 * 014), from SQL expressions: what a provisional tier lacks, the WMT type, RoSH level, MAPP level and court
 * reports (each NULL for none), and the date they hold at (NULL when the
 * profile is not complete: readers then load the case). */
#define CK_STORE_PROFILE_SET(missing, type, rosh, mappa, reports, date)                          \
    "\"tier_missing\" = " missing ", \"wmt_type\" = " type ", \"rosh_level\" = " rosh                \
    ", \"mappa_level\" = " mappa ", \"court_reports\" = " reports ", \"profile_as_of\" = " date
/* The stored text of a profile's field: NULL for "". */
static inline const char *ck_store_profile_text(const char *s) { return s && *s ? s : NULL; }
/* ... and of its type: NULL when none. */
const char *ck_store_profile_type(const ck_wprofile *p);

/* Stores the tier and workload profile (core/ck_wprofile, computed at
 * as_of) of cases ids[0..n), profiles[i] for ids[i], with statements that
 * carry many cases each, skipping ids of 0. */
ck_rc ck_store_put_profiles(ck_db *db, size_t n, const int64_t *ids, const ck_wprofile *const *profiles,
                            ck_date as_of, char *err, size_t err_len);
/* Brings the stored holder, obligations and failures to comply of cases
 * ids[0..n) to h[i] and r[i], writing only the rows that differ: from one
 * day to the next most of a case's obligations stay as they were, so a
 * recompute reads far more than it writes. A case whose stored digest of
 * those rows (cases.obl_digest, migration 027) equals the fresh one's is
 * not even read back; every write of obligations stores the digest.
 * In two steps, so the reading and comparing can run on another connection
 * (another thread) than the writing: plan reads the stored holder, digest,
 * obligations and failures to comply of the cases (on any connection that
 * sees what the writer sees) and works out what differs; apply writes it on
 * the writer's. ids, r and h must outlive the plan; *plan is the caller's
 * (ck_store_sync_plan_free) whatever the result. digests, may be NULL:
 * digests[i] is ck_store_obl_digest(r[i], &h[i]), worked out beforehand on
 * another thread; changed, may be NULL: changed[i] is set when a row of case
 * ids[i] was written; it is never cleared. */
typedef struct ck_sync_plan ck_sync_plan;
ck_rc ck_store_sync_plan(ck_db *db, size_t n, const int64_t *ids, ck_result *const *r, const ck_holder *h,
                         const int64_t *digests, ck_sync_plan **plan, char *err, size_t err_len);
ck_rc ck_store_sync_apply(ck_db *db, const ck_sync_plan *plan, bool *changed, char *err, size_t err_len);
/* Adds to the plan the tier and workload profile (computed at as_of) and
 * the next change of its cases, profiles[i] and next[i], written by
 * ck_store_sync_apply after the rest, only what differs (an unchanged
 * profile keeps its tier_as_of; changed[i] is set when the profile of ids[i]
 * changed, the next change alone does not count), each changed case's
 * obligation digest in the statement that writes its next change; profiles
 * and next must outlive it. */
ck_rc ck_store_sync_plan_profiles(ck_db *db, ck_sync_plan *plan, const ck_wprofile *profiles, const ck_date *next,
                                  ck_date as_of, char *err, size_t err_len);
void ck_store_sync_plan_free(ck_sync_plan *plan);
/* The digest of the rows r and h store (cases.obl_digest). Pure: safe on
 * any thread. */
int64_t ck_store_obl_digest(const ck_result *r, const ck_holder *h);

/* ---- Next change (core/ck_horizon, migration 017) ---------------------------- */

/* Stores next[i] as the next change of case ids[i] (ids of 0 skipped), with
 * statements that carry many cases each; a stored complete profile is then
 * known to hold from as_of ("profile_as_of"). */
ck_rc ck_store_set_next_change(ck_db *db, size_t n, const int64_t *ids, const ck_date *next, ck_date as_of,
                               char *err, size_t err_len);
/* Brings case id's next change forward to next when it is later: for a
 * write that stores part of what an evaluation derives (ck_casewrite keeps
 * the stored holder), so a change already due stays due. */
ck_rc ck_store_lower_next_change(ck_db *db, int64_t id, ck_date next, char *err, size_t err_len);
/* The ids of the cases whose next change is on or before as_of (an index
 * range), in no order; *ids is the caller's (ck_free). */
ck_rc ck_store_due_ids(ck_db *db, ck_date as_of, int64_t **ids, size_t *n, char *err, size_t err_len);
/* Locks the cases rows of ids[0..n) (ids with no case skipped) for the open
 * write transaction, as a load with CK_LOCK_UPDATE does, without reading
 * them: then another connection may read those cases in the writer's
 * snapshot (ck_txn_export_snapshot) and nobody can change them meanwhile.
 * On SQLite the write transaction already excludes every other writer: it
 * does nothing. */
ck_rc ck_store_lock_ids(ck_db *db, const int64_t *ids, size_t n, char *err, size_t err_len);
/* Where a batch read in parts on two connections splits: of the next
 * cases after CRN `after` in CRN order, up to max, *n gets how many there
 * are, *first first_permille thousandths of them (rounded down, at least
 * one, at most all but one) and *mid the CRN of the last of that part (the
 * caller's, ck_free), NULL when fewer than two cases follow. */
ck_rc ck_store_batch_split(ck_db *db, const char *after, size_t max, unsigned first_permille, char **mid,
                           size_t *first, size_t *n, char *err, size_t err_len);
/* Loads the cases of ids[0..n) (at most 100,000; ids with no case are
 * skipped) into b, with one query per table, locking their rows. */
ck_rc ck_store_load_ids(ck_db *db, ck_store_batch *b, const int64_t *ids, size_t n, ck_lock lock, char *err,
                        size_t err_len);
/* The stored obligations of case `id`, open versus overdue decided at as_of,
 * in the rulebook's order; with unmet_only just the open and overdue ones
 * (a page listing open work; a case with years of history has hundreds met).
 * *out is the caller's (ck_result_free). */
ck_rc ck_store_get_obligations(ck_db *db, int64_t id, ck_date as_of, bool unmet_only, ck_result **out, char *err,
                               size_t err_len);
/* The rulebook's order of obligations: status, severity, due, rule, subject. */
int ck_store_obligation_cmp(const void *a, const void *b);

/* ---- Bulk loads ------------------------------------------------------------- */

/* Into a database without cases, drops the non-unique indexes of "cases",
 * "obligations" and "contacts" and records their definitions in meta, in
 * the caller's transaction: a bulk load then appends rows, and each index
 * is built once, by sorting, instead of taking each row at a random place.
 * On SQLite the same for the triggers that keep the contact notes'
 * full-text index: it is filled once at the end, and until then a notes
 * search finds nothing. *deferred says whether it did (not when cases exist
 * or indexes are already deferred). */
ck_rc ck_store_defer_indexes(ck_db *db, bool *deferred, char *err, size_t err_len);
/* Builds the indexes recorded by ck_store_defer_indexes (then the
 * full-text index and its triggers) and forgets them;
 * CK_OK when none are recorded. Before each index, `each` (when not NULL)
 * is told its number i of n, so a long build can show how far it is. */
typedef void (*ck_index_each)(void *ctx, size_t i, size_t n);
ck_rc ck_store_build_deferred(ck_db *db, ck_index_each each, void *ctx, char *err, size_t err_len);

/* ---- Settings (table "meta") ------------------------------------------------ */

/* CK_ERR_NOTFOUND when the key was never set. */
ck_rc ck_store_meta_get(ck_db *db, const char *key, char *val, size_t val_len, char *err, size_t err_len);
ck_rc ck_store_meta_set(ck_db *db, const char *key, const char *val, char *err, size_t err_len);

/* Prepares every statement ck_store uses (of the multi-row INSERTs, the
 * one-row form: the same columns), so a schema that does not match
 * the descriptors is found at once (startup, tests) rather than on the first
 * case that has such a record. */
ck_rc ck_store_verify(ck_db *db, char *err, size_t err_len);

#endif
