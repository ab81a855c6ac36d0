/* ck_access: the case service as a principal sees it. Scope, limited access
 * and victim segregation are enforced here, in the queries, not by callers:
 * every read and write of case data by the server goes through a function
 * below, each one transaction that also appends to the audit log.
 *
 * Scope: a permission's scope for the principal's role (core/ck_roles.h)
 * must cover the case's place (the staff member, team, PDU and region the
 * store derived for it).
 *
 * Limited access (nDelius LAO): a case may carry an exclusion list (named
 * users may not see it) and a restriction (only named users may), each with
 * the message those kept out are shown. They apply to every role; only the
 * system principal (the operator's tools) is not subject to them.
 *
 * Refusals: a case the principal may not see is CK_ERR_DENIED with the
 * message to show (the limited-access message, or why the scope does not
 * reach it) when asked for directly, and simply absent from searches and
 * worklists (totals included), where it cannot be told from a case that does
 * not exist.
 *
 * Victims: their names, addresses, phones, emails and notes are selected
 * from the database only when the principal's victim:read scope covers the
 * case (victim liaison staff of its region); for everyone else the store
 * never reads them, and they come back NULL. Victim records are written only
 * with victim:write; a replace by anyone else keeps the stored victims.
 *
 * Sensitive contacts (a contact's `sensitive` flag): their notes are shown
 * only to those ck_access_sensitive_visible allows (docs/security.md); for
 * everyone else every read here blanks them (the flag stays, so a page can
 * say a note is withheld), searches do not look in them, and a write cannot
 * change or wipe them: a replace keeps the stored notes of sensitive
 * contacts, an outcome with notes on one is refused. */
#ifndef CK_ACCESS_H
#define CK_ACCESS_H
#include "ck_cases.h"
#include "ck_roles.h"
#include "ck_inspection.h"
#include "ck_store.h"
#include "ck_workforce.h"
#include "ck_activity.h"
#include "ck_overview_store.h"
#include "ck_casewrite.h"
#include "ck_events.h"

#define CK_LAO_MESSAGE_MAX 500

/* Whether p may use perm on case crn, locking the case's row as `lock` asks:
 * CK_OK with *id (may be NULL), CK_ERR_NOTFOUND, or CK_ERR_DENIED with the
 * message to show in err. */
ck_rc ck_access_check(ck_db *db, const ck_principal *p, ck_perm perm, const char *crn, ck_lock lock, int64_t *id,
                      char *err, size_t err_len);

/* Whether p's scope for perm reaches a unit of the organisation: a PDU (pdu
 * set) or a region (region set, pdu NULL). ALL reaches every unit, REGION
 * its region and the PDUs in it, PDU and TEAM only the user's own PDU (a
 * team-scoped user reads their PDU's figures; what they change is checked
 * case by case). CK_OK, CK_ERR_NOTFOUND for a PDU the organisation does not
 * have, CK_ERR_DENIED with the reason. */
ck_rc ck_access_unit(ck_db *db, const ck_principal *p, ck_perm perm, const char *pdu, const char *region, char *err,
                     size_t err_len);
/* Whether p's scope for perm covers staff member `code` (their own code,
 * team, PDU and region), as for a case they hold: for changes to a staff
 * member's caseload (a leaver's, a reallocation). */
ck_rc ck_access_staff(ck_db *db, const ck_principal *p, ck_perm perm, const char *code, char *err, size_t err_len);

/* The filter (ck_cases.h) of the cases p may use perm on. `f` points into
 * `buf`, which must outlive it. */
typedef struct ck_access_filter {
    ck_case_filter f;
    char sql[1536];
    char bind[3][CK_CODE_MAX + 24];
} ck_access_filter;
void ck_access_filter_for(const ck_principal *p, ck_perm perm, ck_access_filter *buf);

/* Removes from items[0..*n) every case p may not read, keeping the order of
 * the others, and sets *n to how many are left: for lists over many cases
 * built elsewhere (store/ck_inspection's drill-down, ck_workforce's
 * allocation board), so a case kept from p is absent there too. items is an
 * array of *n structs of `size` bytes, each with the case's CRN as a `const
 * char *` at byte offset crn_at (offsetof); a NULL CRN is dropped. Kept
 * structs are copied down over dropped ones, so they must not own memory
 * of their own (strings in an arena are fine). On an error *n is unchanged
 * and items may be part way through. */
ck_rc ck_access_drop_unseen(ck_db *db, const ck_principal *p, void *items, size_t size, size_t crn_at, size_t *n,
                            char *err, size_t err_len);

/* ---- Reads (each audited) ------------------------------------------------------- */

/* A whole case (case:read); victims' details only as described above. */
ck_rc ck_access_get(ck_db *db, const ck_principal *p, const char *crn, ck_case **out, char *err, size_t err_len);
/* The same read for a caller that may already hold the case (the caches of
 * http/ck_case_cache), and for a page that shows the case's obligations too.
 * Inside the read snapshot, after the access decision, held(ctx, version,
 * victims, &n_victims) is asked whether the caller holds the case at this
 * version, with victims' details loaded (`victims`) or not; when it does
 * (answering the number of victims its copy has, for the audit entry), the
 * case is not loaded and *out stays NULL. With `obligations`, the case's
 * obligations at as_of come from the same snapshot (*obligations, the
 * caller's), audited with the read in one batch, as ck_access_obligations
 * would. Either way the read is audited, its batch committed, before CK_OK,
 * and *version is the case's version in the snapshot. The version is sound
 * as a key because every write of a case's content bumps it in the write's
 * transaction (ck_store_bump_version). */
#define CK_VIEW_VICTIMS 1u   /* victims' details loaded */
#define CK_VIEW_SENSITIVE 2u /* sensitive contacts' notes kept */
#define CK_VIEW_NO_CONTACTS 4u /* loaded without its contacts (summary); http/ck_api packs redaction from bit 3 up */
typedef bool (*ck_access_held_fn)(void *ctx, int64_t version, unsigned view, size_t *n_victims);
typedef struct ck_access_case_read {
    ck_access_held_fn held; /* NULL: always load the case */
    void *ctx;
    ck_result **obligations; /* NULL: not wanted */
    ck_date as_of;
    bool unmet_only; /* only the open and overdue obligations (ck_store_get_obligations) */
    /* The case without its contacts (CK_VIEW_NO_CONTACTS; ck_store_load_view):
     * for a page that lists none of them. */
    bool without_contacts;
    /* Non-NULL: what the overview shows of the contacts, from the same
     * snapshot (*summary at as_of, the caller's; store/ck_overview_store). */
    ck_overview **summary;
} ck_access_case_read;
ck_rc ck_access_get_held(ck_db *db, const ck_principal *p, const char *crn, const ck_access_case_read *how,
                         ck_case **out, int64_t *version, char *err, size_t err_len);
ck_rc ck_access_obligations(ck_db *db, const ck_principal *p, const char *crn, ck_date as_of, ck_result **out,
                            char *err, size_t err_len);
ck_rc ck_access_search(ck_db *db, const ck_principal *p, const char *q, size_t limit, size_t offset,
                       ck_case_list **out, char *err, size_t err_len);
/* q->filter is set here (any given is replaced). */
ck_rc ck_access_worklist(ck_db *db, const ck_principal *p, ck_worklist_query *q, ck_worklist **out, char *err,
                         size_t err_len);
/* For a cache of rendered worklist pages (http/ck_wl_cache). The version
 * q's page would be read at now, in one statement: read before the page
 * (ck_access_worklist), it is never newer than the page, so a write
 * committed in between only costs a miss later, never a stale page. */
/* The scope (store/ck_worklist: "s:CODE", "t:", "p:") of q's holder. */
void ck_access_worklist_scope(const ck_worklist_query *q, char scope[CK_WORKLIST_SCOPE_MAX]);
ck_rc ck_access_worklist_version(ck_db *db, const ck_worklist_query *q, ck_worklist_version *v, char *err,
                                 size_t err_len);
/* A page answered from that cache: audited as ck_access_worklist audits
 * the read, `total` the page's. The cache's key holds everything of p the
 * page depends on. With kept (the version the cached page was read at),
 * recorded only if q's scope is still at it (services/ck_audit's guard):
 * CK_ERR_STALE, nothing recorded, when the page has moved on; without it,
 * the caller has just read the version and found it equal. */
ck_rc ck_access_worklist_served(ck_db *db, const ck_principal *p, const ck_worklist_query *q, size_t total,
                                const ck_worklist_version *kept, char *err, size_t err_len);
/* Whether p sees victims' details of the case at `place` (victim:read scope). */
bool ck_access_victims_visible(const ck_principal *p, const ck_place *place);
/* Whether p sees the notes of sensitive contacts of the case at `place`: the
 * one rule (docs/security.md). The case's own team (its holder and anyone of
 * the team it is held in, SPO included), the head of its PDU, quality
 * assurance and the system principal (the operator's export and import must
 * carry them whole); nobody else, whatever their case:read scope. */
bool ck_access_sensitive_visible(const ck_principal *p, const ck_place *place);
/* A case's activity log (store/ck_activity) under case:read, access decided
 * as for ck_access_get; q->sensitive_visible is set here. Audited as
 * "contacts.read". */
ck_rc ck_access_activity(ck_db *db, const ck_principal *p, const char *crn, ck_activity_query *q, ck_activity **out,
                         char *err, size_t err_len);

/* ---- Writes (each audited in its own transaction) --------------------------------- */

/* No lost updates: a write may name the version of the case it was made
 * from. The check runs in the write's transaction, under the case's lock,
 * so no other write can land between the check and this one. Every write
 * bumps the version (store/ck_store.h) and notes p as its author. */
typedef struct ck_write_check {
    /* The version the writer read (the API's If-Match, a web form's hidden
     * field); 0: no check. A stale one is CK_ERR_STALE and nothing is
     * written. */
    int64_t if_match;
    /* Out: the version after the write, or the current one (with who made
     * it and when) when the write was refused as stale. */
    ck_case_version now;
} ck_write_check;

/* case:create; the new case must land in the creator's case:create scope
 * (CK_ERR_DENIED, nothing written, otherwise). */
ck_rc ck_access_create(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_case *c, ck_date as_of,
                       char *err, size_t err_len);
/* case:write. *out (may be NULL) gets the case as stored, as p may see it.
 * wc (may be NULL: no check) as above, for this and the writes below. */
ck_rc ck_access_replace(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_case *c, ck_date as_of,
                        ck_write_check *wc, ck_case **out, char *err, size_t err_len);
/* perm is the route's permission (case:write, check:write, allocate,
 * ...); the list "victims" needs victim:write whatever perm says. */
ck_rc ck_access_add(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                    const char *list, const void *rec, ck_date as_of, ck_write_check *wc, char *err, size_t err_len);
/* ck_access_add, and with it, in the same transaction, the contact `note`
 * (may be NULL) that records the act with its notes: a web form that makes
 * another kind of record (an enforcement decision, a check, an assessment, a
 * change of circumstances) keeps its notes on a contact, where the activity
 * log and its search find them. A contact added gets recorded_by = p. */
ck_rc ck_access_add_noted(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                          const char *list, const void *rec, const ck_contact *note, ck_date as_of,
                          ck_write_check *wc, char *err, size_t err_len);
ck_rc ck_access_update(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                       const char *list, const char *id,
                       bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                       ck_date as_of, ck_write_check *wc, char *err, size_t err_len);

/* The person's consent to appointment reminders (person.consent) set to
 * *consent (its strings copied), under case:write, audited as an update of
 * "person/consent". The whole case is validated with it (core/ck_case's
 * consent check names the field at fault). */
ck_rc ck_access_consent(ck_db *db, const ck_principal *p, const ck_engine *eng, const char *crn,
                        const ck_consent *consent, ck_date as_of, ck_write_check *wc, char *err, size_t err_len);

/* Appointments booked, rescheduled or cancelled as one act (issue 15), in
 * one transaction under perm (case:write): the contacts adds[0..n_adds)
 * appended first (a weekly series, or the appointment that replaces a
 * rescheduled one), then, when update_id is set, that contact changed by
 * edit (marked rescheduled or cancelled). Each contact added gets
 * recorded_by = p; each write is audited. */
ck_rc ck_access_appointments(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                             const ck_contact *adds, size_t n_adds, const char *update_id,
                             bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                             ck_date as_of, ck_write_check *wc, char *err, size_t err_len);

/* An appointment's outcome and the enforcement decision on it, one act
 * (store/ck_casewrite) under perm (case:write). note (may be NULL: the
 * contact's notes stay as they are) replaces the contact's notes and
 * sensitive flag. The contact's recorded_by becomes p (ck_access_recorder). */
ck_rc ck_access_outcome(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                        const char *contact_id, const char *outcome, ck_date outcome_on, const ck_enforcement *action,
                        const ck_contact_note *note, ck_date as_of, ck_write_check *wc, char *err, size_t err_len);
/* Who p is as a contact's recorded_by: the staff code of the account's staff
 * record, else its username. A contact added by ck_access_add gets it. */
const char *ck_access_recorder(const ck_principal *p);

/* ---- Management writes ------------------------------------------------------------
 * Each is one write transaction: the principal's scope checked (as for
 * ck_access_check, ck_access_staff and ck_access_unit, under the action's
 * permission), the change made (store/ck_workforce, store/ck_inspection,
 * which join the transaction), and its audit record appended; a refusal, a
 * failed change or a failed audit append rolls all of it back. The command
 * line goes through them too, as a system principal ("cli:USER"). */

/* allocate over the case and over the staff member taking it. reason (may
 * be NULL) is why the case goes to someone who will be over capacity with
 * it: required then (ck_alloc_allocate's rule, for the web, the API and the
 * command line alike) and recorded in the audit record's detail. */
ck_rc ck_access_allocate(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_manage_cfg *mc,
                         const char *crn, const char *staff, const char *reason, ck_date as_of, char *err,
                         size_t err_len);
/* allocate over `from` and, when given, `to`. *moved as ck_alloc_reallocate. */
ck_rc ck_access_reallocate(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_manage_cfg *mc,
                           const char *from, const char *to, ck_date as_of, ck_alloc_moves **moved, char *err,
                           size_t err_len);
/* What ck_access_reallocate would do (ck_alloc_reallocate_preview), after
 * the same check, in a read transaction: nothing written or audited. */
ck_rc ck_access_reallocate_preview(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_manage_cfg *mc,
                                   const char *from, ck_date as_of, ck_alloc_moves **out, char *err, size_t err_len);
/* allocate over the staff member; *cases as ck_workforce_staff_leaves. */
ck_rc ck_access_staff_leaves(ck_db *db, const ck_principal *p, const ck_engine *eng, const char *code, ck_date on,
                             bool absence, ck_date as_of, size_t *cases, char *err, size_t err_len);
/* inspection:write over the PDU. */
ck_rc ck_access_org_rating(ck_db *db, const ck_principal *p, const char *pdu, ck_standard s, ck_rating r,
                           const char *evidence, const char *by, ck_date on, char *err, size_t err_len);
/* qa over the PDU. */
ck_rc ck_access_qa_draw(ck_db *db, const ck_principal *p, const char *pdu, int per_team, uint64_t seed, ck_date from,
                        ck_date to, const char *by, ck_date as_of, int64_t *id, char *err, size_t err_len);
/* qa over the sample's PDU. */
ck_rc ck_access_qa_answer(ck_db *db, const ck_principal *p, int64_t sample_id, const char *crn, ck_standard question,
                          bool sufficient, const char *note, const char *by, ck_date as_of, char *err,
                          size_t err_len);

/* ---- Limited-access lists (casekeeper access) ------------------------------------ */

typedef enum ck_lao_list { CK_LAO_EXCLUSION, CK_LAO_RESTRICTION } ck_lao_list;

typedef struct ck_lao {
    bool restricted;
    char exclusion_message[CK_LAO_MESSAGE_MAX + 1];   /* "" when none was set */
    char restriction_message[CK_LAO_MESSAGE_MAX + 1];
} ck_lao;

/* Adds username to a list of case crn (a restriction also marks the case
 * restricted); message, when not NULL, becomes that list's message. */
ck_rc ck_lao_add(ck_db *db, const ck_principal *by, const char *crn, ck_lao_list list, const char *username,
                 const char *message, char *err, size_t err_len);
/* Removes username from a list (a restriction stays in force, even empty). */
ck_rc ck_lao_remove(ck_db *db, const ck_principal *by, const char *crn, ck_lao_list list, const char *username,
                    char *err, size_t err_len);
/* Lifts every limited-access control of the case. */
ck_rc ck_lao_clear(ck_db *db, const ck_principal *by, const char *crn, char *err, size_t err_len);
/* The case's controls; fn (may be NULL) gets each listed user. */
ck_rc ck_lao_get(ck_db *db, const char *crn, ck_lao *out, bool (*fn)(void *ctx, ck_lao_list list, const char *username),
                 void *ctx, char *err, size_t err_len);

/* A page of the domain events (store/ck_events) for p, in one read
 * snapshot: the events of the cases p may read (case:read's scope and the
 * limited-access lists, as for a search), of the staff whose place p's
 * workforce:read covers, and of accounts when p holds user:admin are
 * returned; the others are left out but still move the cursor (*out's next),
 * so a poller never sees them and never stalls on them. Decided by the
 * case's or staff member's place now, not when the event was written. */
ck_rc ck_access_events(ck_db *db, const ck_principal *p, int64_t after, size_t limit, ck_event_page **out,
                       char *err, size_t err_len);

#endif
