/* ck_access: scope, limited access and victim segregation on every case read
 * and write (see ck_access.h). */
#include "ck_access.h"
#include "ck_audit.h"
#include "ck_txn.h"
#include "ck_buf.h"
#include "ck_casewrite.h"
#include "ck_str.h"
#include "ck_users.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_EXCLUSION "You are excluded from viewing this case. Contact its probation practitioner's team."
#define DEFAULT_RESTRICTION "This case is restricted to named staff. Contact its probation practitioner's team."

static void copy_text(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

/* ---- One case: where it is, who is kept out ------------------------------------ */

typedef struct case_facts {
    int64_t id;
    ck_place place;
    bool restricted, excluded, permitted;
    char exclusion_message[CK_LAO_MESSAGE_MAX + 1], restriction_message[CK_LAO_MESSAGE_MAX + 1];
} case_facts;

static ck_rc facts_of(ck_db *db, const ck_principal *p, int64_t id, case_facts *f, char *err, size_t err_len)
{
    memset(f, 0, sizeof *f);
    f->id = id;
    ck_stmt *st = ck_db_prepare(
        db, "SELECT \"cases\".\"staff_code\", \"cases\".\"team_code\", \"cases\".\"pdu_code\", \"pdus\".\"region\", "
            "\"case_access\".\"restricted\", \"case_access\".\"exclusion_message\", "
            "\"case_access\".\"restriction_message\", "
            "EXISTS (SELECT 1 FROM \"case_access_users\" WHERE \"case_access_users\".\"case_id\" = \"cases\".\"case_id\" "
            "AND \"case_access_users\".\"list\" = 'exclusion' AND \"case_access_users\".\"user_id\" = $2), "
            "EXISTS (SELECT 1 FROM \"case_access_users\" WHERE \"case_access_users\".\"case_id\" = \"cases\".\"case_id\" "
            "AND \"case_access_users\".\"list\" = 'restriction' AND \"case_access_users\".\"user_id\" = $2) "
            "FROM \"cases\" LEFT JOIN \"pdus\" ON \"pdus\".\"code\" = \"cases\".\"pdu_code\" "
            "LEFT JOIN \"case_access\" ON \"case_access\".\"case_id\" = \"cases\".\"case_id\" "
            "WHERE \"cases\".\"case_id\" = $1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_int(st, 2, p->user_id);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        copy_text(f->place.staff, sizeof f->place.staff, ck_stmt_text(st, 0));
        copy_text(f->place.team, sizeof f->place.team, ck_stmt_text(st, 1));
        copy_text(f->place.pdu, sizeof f->place.pdu, ck_stmt_text(st, 2));
        copy_text(f->place.region, sizeof f->place.region, ck_stmt_text(st, 3));
        f->restricted = ck_stmt_int(st, 4) != 0;
        copy_text(f->exclusion_message, sizeof f->exclusion_message, ck_stmt_text(st, 5));
        copy_text(f->restriction_message, sizeof f->restriction_message, ck_stmt_text(st, 6));
        f->excluded = ck_stmt_int(st, 7) != 0;
        f->permitted = ck_stmt_int(st, 8) != 0;
    }
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK;
    return rc == CK_DB_DONE ? ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no case with id %" PRId64, id)
                            : ck_txn_db_fail(db, "cases", err, err_len);
}

static const char *scope_words(ck_scope s)
{
    switch (s) {
    case CK_SCOPE_TEAM: return "your own caseload or your team";
    case CK_SCOPE_PDU: return "your own caseload or your PDU";
    case CK_SCOPE_REGION: return "your own caseload or your region";
    case CK_SCOPE_NONE:
    case CK_SCOPE_ALL: break;
    }
    return "anything";
}

/* Whether p may use perm on the case of f: CK_OK, or CK_ERR_DENIED with the
 * message to show. Limited access first: its message says whom to ask. */
static ck_rc verdict(const ck_principal *p, ck_perm perm, const case_facts *f, char *err, size_t err_len)
{
    if (p->role != CK_ROLE_SYSTEM) {
        if (f->excluded)
            return ck_txn_fail(CK_ERR_DENIED, err, err_len, "%s",
                        f->exclusion_message[0] ? f->exclusion_message : DEFAULT_EXCLUSION);
        if (f->restricted && !f->permitted)
            return ck_txn_fail(CK_ERR_DENIED, err, err_len, "%s",
                        f->restriction_message[0] ? f->restriction_message : DEFAULT_RESTRICTION);
    }
    ck_scope s = ck_principal_scope(p, perm);
    if (s == CK_SCOPE_NONE)
        return ck_txn_fail(CK_ERR_DENIED, err, err_len, "Your role does not include %s.", ck_perm_names[perm]);
    if (!ck_scope_covers(p, s, &f->place))
        return ck_txn_fail(CK_ERR_DENIED, err, err_len, "This case is not held in %s, which is as far as %s reaches for your role.",
                    scope_words(s), ck_perm_names[perm]);
    return CK_OK;
}

static ck_rc decide(ck_db *db, const ck_principal *p, ck_perm perm, const char *crn, ck_lock lock, case_facts *f,
                    char *err, size_t err_len)
{
    int64_t id;
    ck_rc rc = ck_store_find(db, crn, lock, &id, err, err_len);
    if (rc == CK_OK) rc = facts_of(db, p, id, f, err, err_len);
    if (rc == CK_OK) rc = verdict(p, perm, f, err, err_len);
    return rc;
}

ck_rc ck_access_check(ck_db *db, const ck_principal *p, ck_perm perm, const char *crn, ck_lock lock, int64_t *id,
                      char *err, size_t err_len)
{
    case_facts f;
    ck_rc rc = decide(db, p, perm, crn, lock, &f, err, err_len);
    if (rc == CK_OK && id) *id = f.id;
    return rc;
}

/* The team, PDU and region a query for `key` selects (in that order), or
 * CK_ERR_NOTFOUND naming `what`. */
static ck_rc lookup_places(ck_db *db, const char *sql, const char *what, const char *key, ck_place *out, char *err,
                           size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, key);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        copy_text(out->team, sizeof out->team, ck_stmt_text(st, 0));
        copy_text(out->pdu, sizeof out->pdu, ck_stmt_text(st, 1));
        copy_text(out->region, sizeof out->region, ck_stmt_text(st, 2));
    }
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK;
    return rc == CK_DB_DONE ? ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no such %s: %.40s", what, key)
                            : ck_txn_db_fail(db, "organisation", err, err_len);
}

static ck_rc out_of_reach(const ck_principal *p, ck_perm perm, ck_scope s, char *err, size_t err_len)
{
    (void)p;
    if (s == CK_SCOPE_NONE)
        return ck_txn_fail(CK_ERR_DENIED, err, err_len, "Your role does not include %s.", ck_perm_names[perm]);
    return ck_txn_fail(CK_ERR_DENIED, err, err_len, "This is outside %s, which is as far as %s reaches for your role.",
                       scope_words(s), ck_perm_names[perm]);
}

ck_rc ck_access_unit(ck_db *db, const ck_principal *p, ck_perm perm, const char *pdu, const char *region, char *err,
                     size_t err_len)
{
    ck_scope s = ck_principal_scope(p, perm);
    if (s == CK_SCOPE_ALL) return CK_OK;
    if (s == CK_SCOPE_NONE) return out_of_reach(p, perm, s, err, err_len);
    ck_place u;
    memset(&u, 0, sizeof u);
    if (pdu) {
        ck_rc rc = lookup_places(db, "SELECT '', \"code\", \"region\" FROM \"pdus\" WHERE \"code\" = $1", "PDU", pdu,
                                 &u, err, err_len);
        if (rc != CK_OK) return rc;
    } else {
        copy_text(u.region, sizeof u.region, region);
    }
    bool ok = s == CK_SCOPE_REGION ? p->place.region[0] && strcmp(u.region, p->place.region) == 0
                                   : pdu && p->place.pdu[0] && strcmp(u.pdu, p->place.pdu) == 0;
    return ok ? CK_OK : out_of_reach(p, perm, s, err, err_len);
}

ck_rc ck_access_staff(ck_db *db, const ck_principal *p, ck_perm perm, const char *code, char *err, size_t err_len)
{
    ck_place who;
    memset(&who, 0, sizeof who);
    copy_text(who.staff, sizeof who.staff, code);
    ck_rc rc = lookup_places(db, "SELECT \"staff\".\"team\", \"teams\".\"pdu\", \"pdus\".\"region\" FROM \"staff\" "
                                 "JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\" JOIN \"pdus\" ON \"pdus\".\"code\" = "
                                 "\"teams\".\"pdu\" WHERE \"staff\".\"code\" = $1",
                             "staff member", code, &who, err, err_len);
    if (rc != CK_OK) return rc;
    ck_scope s = ck_principal_scope(p, perm);
    return ck_scope_covers(p, s, &who) ? CK_OK : out_of_reach(p, perm, s, err, err_len);
}

ck_rc ck_access_drop_unseen(ck_db *db, const ck_principal *p, void *items, size_t size, size_t crn_at, size_t *n,
                            char *err, size_t err_len)
{
    unsigned char *base = items;
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        const char *crn;
        memcpy(&crn, base + i * size + crn_at, sizeof crn);
        ck_rc rc = crn ? ck_access_check(db, p, CK_PERM_CASE_READ, crn, CK_LOCK_NONE, NULL, err, err_len)
                       : CK_ERR_DENIED;
        if (rc == CK_ERR_DENIED || rc == CK_ERR_NOTFOUND) continue;
        if (rc != CK_OK) return rc;
        if (kept != i) memmove(base + kept * size, base + i * size, size);
        kept++;
    }
    *n = kept;
    return CK_OK;
}

bool ck_access_victims_visible(const ck_principal *p, const ck_place *place)
{
    return ck_scope_covers(p, ck_principal_scope(p, CK_PERM_VICTIM_READ), place);
}

/* The sensitive-contact rule, the one place it is decided (docs/security.md).
 * Places are compared only where both sides are known: "" matches nothing. */
bool ck_access_sensitive_visible(const ck_principal *p, const ck_place *place)
{
    if (p->role == CK_ROLE_SYSTEM || p->role == CK_ROLE_QA) return true;
    if (p->place.staff[0] && strcmp(p->place.staff, place->staff) == 0) return true; /* the case's holder */
    if (p->place.team[0] && strcmp(p->place.team, place->team) == 0) return true;    /* its team, its SPO */
    return p->role == CK_ROLE_HEAD_OF_PDU && p->place.pdu[0] && strcmp(p->place.pdu, place->pdu) == 0;
}

const char *ck_access_recorder(const ck_principal *p) { return p->place.staff[0] ? p->place.staff : p->username; }

/* ---- Many cases --------------------------------------------------------------- */

/* Limited access as SQL: $1 is the user id. */
#define LAO_SQL                                                                                                    \
    "NOT EXISTS (SELECT 1 FROM \"case_access_users\" WHERE \"case_access_users\".\"case_id\" = \"cases\".\"case_id\" " \
    "AND \"case_access_users\".\"list\" = 'exclusion' AND \"case_access_users\".\"user_id\" = CAST($1 AS BIGINT)) "   \
    "AND NOT EXISTS (SELECT 1 FROM \"case_access\" WHERE \"case_access\".\"case_id\" = \"cases\".\"case_id\" "        \
    "AND \"case_access\".\"restricted\" = 1 AND NOT EXISTS (SELECT 1 FROM \"case_access_users\" "                     \
    "WHERE \"case_access_users\".\"case_id\" = \"cases\".\"case_id\" AND \"case_access_users\".\"list\" = 'restriction' " \
    "AND \"case_access_users\".\"user_id\" = CAST($1 AS BIGINT)))"

void ck_access_filter_for(const ck_principal *p, ck_perm perm, ck_access_filter *buf)
{
    ck_scope s = ck_principal_scope(p, perm);
    ck_case_filter *f = &buf->f;
    memset(f, 0, sizeof *f);
    f->sql = buf->sql;
    bool lao = p->role != CK_ROLE_SYSTEM;
    int n = 0;
    if (lao) {
        snprintf(buf->bind[n], sizeof buf->bind[n], "%" PRId64, p->user_id);
        f->binds[n] = buf->bind[n];
        n++;
    }
    /* $k for the scope's values follow the LAO's $1 when there is one. */
    const char *mine = s == CK_SCOPE_TEAM ? p->place.team : s == CK_SCOPE_PDU ? p->place.pdu : p->place.region;
    const char *scope_sql = "1 = 0";
    switch (s) {
    case CK_SCOPE_NONE: break;
    case CK_SCOPE_ALL: scope_sql = "1 = 1"; break;
    case CK_SCOPE_TEAM: scope_sql = "(\"cases\".\"staff_code\" = $S OR \"cases\".\"team_code\" = $P)"; break;
    case CK_SCOPE_PDU: scope_sql = "(\"cases\".\"staff_code\" = $S OR \"cases\".\"pdu_code\" = $P)"; break;
    case CK_SCOPE_REGION:
        scope_sql = "(\"cases\".\"staff_code\" = $S OR \"cases\".\"pdu_code\" IN "
                    "(SELECT \"code\" FROM \"pdus\" WHERE \"region\" = $P))";
        break;
    }
    ck_buf b;
    ck_buf_init(&b, sizeof buf->sql - 1);
    for (const char *c = scope_sql; *c; c++) {
        if (c[0] == '$' && (c[1] == 'S' || c[1] == 'P')) {
            copy_text(buf->bind[n], sizeof buf->bind[n], c[1] == 'S' ? p->place.staff : mine);
            f->binds[n] = buf->bind[n];
            ck_buf_printf(&b, "$%d", ++n);
            c++;
        } else {
            ck_buf_putc(&b, *c);
        }
    }
    if (lao) ck_buf_puts(&b, " AND " LAO_SQL);
    f->n_binds = n;
    copy_text(buf->sql, sizeof buf->sql, b.overflowed ? "1 = 0" : ck_buf_cstr(&b));
    if (b.overflowed) f->n_binds = 0;
    ck_buf_free(&b);
}

/* ---- Reads ----------------------------------------------------------------------- */

ck_rc ck_access_get(ck_db *db, const ck_principal *p, const char *crn, ck_case **out, char *err, size_t err_len)
{
    int64_t version;
    return ck_access_get_held(db, p, crn, &(ck_access_case_read){.as_of = CK_NODATE}, out, &version, err, err_len);
}

ck_rc ck_access_get_held(ck_db *db, const ck_principal *p, const char *crn, const ck_access_case_read *how,
                         ck_case **out, int64_t *version, char *err, size_t err_len)
{
    ck_result **obligations = how->obligations;
    *out = NULL;
    *version = 0;
    if (obligations) *obligations = NULL;
    if (how->summary) *how->summary = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, CK_PERM_CASE_READ, crn, CK_LOCK_NONE, &f, err, err_len);
    bool victims = rc == CK_OK && ck_access_victims_visible(p, &f.place);
    bool sensitive = rc == CK_OK && ck_access_sensitive_visible(p, &f.place);
    unsigned view = (victims ? CK_VIEW_VICTIMS : 0u) | (sensitive ? CK_VIEW_SENSITIVE : 0u) |
                    (how->without_contacts ? CK_VIEW_NO_CONTACTS : 0u);
    size_t n_victims = 0;
    bool have = false;
    if (rc == CK_OK && how->held) {
        ck_case_version v;
        rc = ck_store_version(db, f.id, &v, err, err_len);
        if (rc == CK_OK) {
            *version = v.version;
            have = how->held(how->ctx, v.version, view, &n_victims);
        }
    }
    if (rc == CK_OK && !have) {
        rc = ck_store_load_view(db, f.id, victims, !how->without_contacts, out, err, err_len);
        if (rc == CK_OK) {
            if (!sensitive) ck_case_redact_sensitive_notes(*out);
            *version = (*out)->version;
            n_victims = (*out)->n_victims;
        }
    }
    if (rc == CK_OK && obligations)
        rc = ck_store_get_obligations(db, f.id, how->as_of, how->unmet_only, obligations, err, err_len);
    if (rc == CK_OK && how->summary) rc = ck_overview_read(db, f.id, how->as_of, how->summary, err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    char detail[48];
    ck_audit_note notes[3] = {{"case.read", crn, NULL, NULL}};
    size_t n = 1;
    if (rc == CK_OK && victims && n_victims) {
        snprintf(detail, sizeof detail, "victims=%zu", n_victims);
        notes[n++] = (ck_audit_note){"victim.read", crn, "victims", detail};
    }
    if (obligations) notes[n++] = (ck_audit_note){"obligations.read", crn, NULL, NULL};
    if (rc == CK_OK) rc = ck_audit_reads(db, p, notes, n, err, err_len);
    if (rc != CK_OK) {
        ck_case_free(*out);
        *out = NULL;
        if (obligations) {
            ck_result_free(*obligations);
            *obligations = NULL;
        }
        if (how->summary) {
            ck_overview_free(*how->summary);
            *how->summary = NULL;
        }
    }
    return rc;
}

ck_rc ck_access_activity(ck_db *db, const ck_principal *p, const char *crn, ck_activity_query *q, ck_activity **out,
                         char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, CK_PERM_CASE_READ, crn, CK_LOCK_NONE, &f, err, err_len);
    if (rc == CK_OK) {
        q->sensitive_visible = ck_access_sensitive_visible(p, &f.place);
        rc = ck_activity_find(db, f.id, q, out, err, err_len);
    }
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc == CK_OK) rc = ck_audit_record(db, p, "contacts.read", crn, NULL, NULL, err, err_len);
    if (rc != CK_OK) {
        ck_activity_free(*out);
        *out = NULL;
    }
    return rc;
}

ck_rc ck_access_obligations(ck_db *db, const ck_principal *p, const char *crn, ck_date as_of, ck_result **out,
                            char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, CK_PERM_CASE_READ, crn, CK_LOCK_NONE, &f, err, err_len);
    if (rc == CK_OK) rc = ck_store_get_obligations(db, f.id, as_of, false, out, err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc == CK_OK) rc = ck_audit_record(db, p, "obligations.read", crn, NULL, NULL, err, err_len);
    if (rc != CK_OK) {
        ck_result_free(*out);
        *out = NULL;
    }
    return rc;
}

ck_rc ck_access_search(ck_db *db, const ck_principal *p, const char *q, size_t limit, size_t offset,
                       ck_case_list **out, char *err, size_t err_len)
{
    ck_access_filter f;
    ck_access_filter_for(p, CK_PERM_CASE_READ, &f);
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_txn_finish(db, ck_cases_search_in(db, &f.f, q, limit, offset, out, err, err_len), err, err_len);
    if (rc != CK_OK) return rc;
    char detail[300];
    snprintf(detail, sizeof detail, "q=%.200s results=%zu", q ? q : "", (*out)->total);
    rc = ck_audit_record(db, p, "case.search", NULL, NULL, detail, err, err_len);
    if (rc != CK_OK) {
        ck_case_list_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Whether p's scope for reading cases holds every case of the worklist's
 * holder (the obligations' holder columns are copies of the case's): then
 * only limited access is left to check. Only the plain cases are
 * recognised (their own staff code, team, PDU; a PDU of their region); any
 * other holder is checked case by case. */
static bool scope_holds(ck_db *db, const ck_principal *p, const ck_worklist_query *q)
{
    ck_scope s = ck_principal_scope(p, CK_PERM_CASE_READ);
    if (s == CK_SCOPE_ALL) return true;
    if (s == CK_SCOPE_NONE) return false;
    if (q->staff && p->place.staff[0] && strcmp(q->staff, p->place.staff) == 0) return true;
    if (s == CK_SCOPE_TEAM) return q->team && p->place.team[0] && strcmp(q->team, p->place.team) == 0;
    if (s == CK_SCOPE_PDU) return q->pdu && p->place.pdu[0] && strcmp(q->pdu, p->place.pdu) == 0;
    char ignored[256];
    return q->pdu && ck_access_unit(db, p, CK_PERM_CASE_READ, q->pdu, NULL, ignored, sizeof ignored) == CK_OK;
}

/* The limited-access part of p's filter alone, which every case without a
 * limited-access record meets (open_cases_pass). */
static void lao_filter_for(const ck_principal *p, ck_access_filter *buf)
{
    ck_case_filter *f = &buf->f;
    memset(f, 0, sizeof *f);
    snprintf(buf->bind[0], sizeof buf->bind[0], "%" PRId64, p->user_id);
    f->binds[0] = buf->bind[0];
    f->n_binds = 1;
    copy_text(buf->sql, sizeof buf->sql, LAO_SQL);
    f->sql = buf->sql;
    f->open_cases_pass = true;
}

ck_rc ck_access_worklist_served(ck_db *db, const ck_principal *p, const ck_worklist_query *q, size_t total,
                                const ck_worklist_version *kept, char *err, size_t err_len)
{
    char detail[120];
    snprintf(detail, sizeof detail, "%s=%.40s results=%zu", q->staff ? "staff" : q->team ? "team" : "pdu",
             q->staff ? q->staff : q->team ? q->team : q->pdu ? q->pdu : "", total);
    ck_audit_note n = {"worklist.read", NULL, NULL, detail};
    if (!kept) return ck_audit_reads(db, p, &n, 1, err, err_len);
    ck_audit_guard g = {.v = *kept};
    char scope[CK_WORKLIST_SCOPE_MAX];
    ck_access_worklist_scope(q, scope);
    g.scope = scope;
    return ck_audit_reads_if(db, p, &n, 1, &g, err, err_len);
}

void ck_access_worklist_scope(const ck_worklist_query *q, char scope[CK_WORKLIST_SCOPE_MAX])
{
    ck_worklist_scope(scope, q->staff ? 's' : q->team ? 't' : 'p',
                      q->staff ? q->staff : q->team ? q->team : q->pdu ? q->pdu : "");
}

ck_rc ck_access_worklist_version(ck_db *db, const ck_worklist_query *q, ck_worklist_version *v, char *err,
                                 size_t err_len)
{
    char scope[CK_WORKLIST_SCOPE_MAX];
    ck_access_worklist_scope(q, scope);
    return ck_worklist_version_read(db, scope, v, err, err_len);
}

ck_rc ck_access_worklist(ck_db *db, const ck_principal *p, ck_worklist_query *q, ck_worklist **out, char *err,
                         size_t err_len)
{
    ck_access_filter f;
    bool holds = scope_holds(db, p, q);
    if (!holds) ck_access_filter_for(p, CK_PERM_CASE_READ, &f);
    else if (p->role != CK_ROLE_SYSTEM) lao_filter_for(p, &f);
    q->filter = holds && p->role == CK_ROLE_SYSTEM ? NULL : &f.f; /* the system sees every case */
    /* ck_cases_worklist reads in one snapshot (one statement, or a read
     * transaction of its own). */
    ck_rc rc = ck_cases_worklist(db, q, out, err, err_len);
    q->filter = NULL;
    if (rc != CK_OK) return rc;
    rc = ck_access_worklist_served(db, p, q, (*out)->total, NULL, err, err_len);
    if (rc != CK_OK) {
        ck_worklist_free(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- Writes --------------------------------------------------------------------- */

/* The precondition of a write, checked under the case's lock (decide took
 * it): CK_ERR_STALE when the writer read an older version. */
static ck_rc check_version(ck_db *db, int64_t id, ck_write_check *wc, char *err, size_t err_len)
{
    if (!wc) return CK_OK;
    ck_rc rc = ck_store_version(db, id, &wc->now, err, err_len);
    if (rc != CK_OK || !wc->if_match || wc->if_match == wc->now.version) return rc;
    return ck_txn_fail(CK_ERR_STALE, err, err_len,
                       "the case has changed since version %" PRId64 ": it is now at version %" PRId64, wc->if_match,
                       wc->now.version);
}

/* After a write: who made it, and the version it left (for wc->now). */
static ck_rc note_write(ck_db *db, const ck_principal *p, int64_t id, ck_write_check *wc, char *err, size_t err_len)
{
    ck_rc rc = ck_store_changed_by(db, id, p->username, err, err_len);
    if (rc == CK_OK && wc) rc = ck_store_version(db, id, &wc->now, err, err_len);
    return rc;
}

ck_rc ck_access_create(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_case *c, ck_date as_of,
                       char *err, size_t err_len)
{
    if (!ck_principal_may(p, CK_PERM_CASE_CREATE))
        return ck_txn_fail(CK_ERR_DENIED, err, err_len, "Your role does not include %s.", ck_perm_names[CK_PERM_CASE_CREATE]);
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_cases_insert(db, eng, c, as_of, err, err_len);
    /* Where the new case landed is known only once the store derived its
     * holder: one outside the creator's scope is refused, and rolled back. */
    if (rc == CK_OK) {
        case_facts f;
        rc = decide(db, p, CK_PERM_CASE_CREATE, c->crn, CK_LOCK_NONE, &f, err, err_len);
        if (rc == CK_ERR_DENIED)
            snprintf(err, err_len, "The new case would be held outside %s, where your role may create cases: give "
                                   "its team or allocate it within it.",
                     scope_words(ck_principal_scope(p, CK_PERM_CASE_CREATE)));
    }
    if (rc == CK_OK) rc = ck_audit_append(db, p, "case.create", c->crn, NULL, NULL, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

/* For a replace by a writer who may not see sensitive notes: *kept is a
 * shallow copy of c (its own contacts array; strings still c's and the
 * stored case's, *stored, which the caller frees after the write, as it
 * frees kept->contacts and kept) in which every contact stored as sensitive
 * keeps its stored notes and flag, whatever c says: what the writer could
 * not see they cannot wipe either. *kept stays NULL when there is none. */
static ck_rc keep_sensitive_notes(ck_db *db, int64_t id, const ck_case *c, ck_case **kept, ck_case **stored,
                                  char *err, size_t err_len)
{
    *kept = NULL;
    ck_rc rc = ck_store_load_for(db, id, false, stored, err, err_len);
    if (rc != CK_OK) return rc;
    for (size_t i = 0; i < (*stored)->n_contacts; i++) {
        const ck_contact *was = &(*stored)->contacts[i];
        for (size_t j = 0; was->sensitive == 1 && j < c->n_contacts; j++) {
            if (!ck_streq(c->contacts[j].id, was->id)) continue;
            if (!*kept) {
                ck_case *k = ck_malloc(sizeof *k);
                *k = *c;
                k->contacts = ck_calloc(c->n_contacts, sizeof *k->contacts);
                memcpy(k->contacts, c->contacts, c->n_contacts * sizeof *k->contacts);
                *kept = k;
            }
            (*kept)->contacts[j].notes = was->notes;
            (*kept)->contacts[j].sensitive = 1;
        }
    }
    return CK_OK;
}

static bool same_place(const ck_place *a, const ck_place *b)
{
    return strcmp(a->staff, b->staff) == 0 && strcmp(a->team, b->team) == 0 && strcmp(a->pdu, b->pdu) == 0;
}

ck_rc ck_access_replace(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_case *c, ck_date as_of,
                        ck_write_check *wc, ck_case **out, char *err, size_t err_len)
{
    if (out) *out = NULL;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts before, after;
    rc = decide(db, p, CK_PERM_CASE_WRITE, c->crn, CK_LOCK_UPDATE, &before, err, err_len);
    bool keep_victims = !ck_scope_covers(p, ck_principal_scope(p, CK_PERM_VICTIM_WRITE), &before.place);
    if (rc == CK_OK) rc = check_version(db, before.id, wc, err, err_len);
    ck_case *kept = NULL, *stored = NULL; /* c with the stored sensitive notes, for a writer who cannot see them */
    if (rc == CK_OK && !ck_access_sensitive_visible(p, &before.place))
        rc = keep_sensitive_notes(db, before.id, c, &kept, &stored, err, err_len);
    if (rc == CK_OK) rc = ck_cases_replace_tx(db, eng, kept ? kept : c, keep_victims, as_of, err, err_len);
    if (kept) ck_free(kept->contacts);
    ck_free(kept);
    ck_case_free(stored);
    if (rc == CK_OK) rc = note_write(db, p, before.id, wc, err, err_len);
    if (rc == CK_OK) rc = facts_of(db, p, before.id, &after, err, err_len);
    /* Who holds the case is changed by allocating it: a replace that moves
     * it needs allocate over where it was. */
    if (rc == CK_OK && !same_place(&before.place, &after.place) &&
        !ck_scope_covers(p, ck_principal_scope(p, CK_PERM_CASE_ALLOCATE), &before.place))
        rc = ck_txn_fail(CK_ERR_DENIED, err, err_len,
                  "This change moves the case to another holder, which needs %s over the case.",
                  ck_perm_names[CK_PERM_CASE_ALLOCATE]);
    if (rc == CK_OK && out) {
        rc = ck_store_load_for(db, before.id, ck_access_victims_visible(p, &after.place), out, err, err_len);
        if (rc == CK_OK && !ck_access_sensitive_visible(p, &after.place)) ck_case_redact_sensitive_notes(*out);
    }
    if (rc == CK_OK) rc = ck_audit_append(db, p, "case.replace", c->crn, NULL, keep_victims ? "victims kept" : NULL,
                                          err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK && out) {
        ck_case_free(*out);
        *out = NULL;
    }
    return rc;
}

static ck_perm list_perm(const char *list, ck_perm perm)
{
    return list && strcmp(list, "victims") == 0 ? CK_PERM_VICTIM_WRITE : perm;
}

/* Whether stored contact `id` of case `case_id` is sensitive (false when absent). */
static ck_rc contact_sensitive(ck_db *db, int64_t case_id, const char *id, bool *out, char *err, size_t err_len)
{
    *out = false;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"sensitive\" FROM \"contacts\" WHERE \"case_id\" = $1 AND \"id\" = $2",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, case_id);
    ck_stmt_bind_text(st, 2, id);
    ck_rc rc = CK_OK;
    if (ck_txn_next(db, st, "contacts", &rc, err, err_len)) *out = ck_stmt_int(st, 0) == 1;
    ck_stmt_reset(st);
    return rc;
}

/* A write to the notes of a sensitive contact by p, who may not see them,
 * is refused: CK_OK when p may make it. */
static ck_rc sensitive_guard(ck_db *db, const ck_principal *p, const case_facts *f, const char *id, char *err,
                             size_t err_len)
{
    bool sensitive = false;
    ck_rc rc = ck_access_sensitive_visible(p, &f->place) ? CK_OK : contact_sensitive(db, f->id, id, &sensitive, err, err_len);
    if (rc == CK_OK && sensitive)
        rc = ck_txn_fail(CK_ERR_INVALID, err, err_len, "notes: this contact is sensitive, so only its team, their "
                                                       "managers and quality assurance can change it");
    return rc;
}

/* The record as written: a contact says who recorded it, the writer,
 * whatever was sent (copied into *scratch). */
static const void *as_recorded(const ck_principal *p, const char *list, const void *rec, ck_contact *scratch)
{
    if (!list || strcmp(list, "contacts") != 0) return rec;
    *scratch = *(const ck_contact *)rec;
    scratch->recorded_by = ck_access_recorder(p);
    return scratch;
}

ck_rc ck_access_add_noted(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                          const char *list, const void *rec, const ck_contact *note, ck_date as_of,
                          ck_write_check *wc, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, list_perm(list, perm), crn, CK_LOCK_UPDATE, &f, err, err_len);
    if (rc == CK_OK) rc = check_version(db, f.id, wc, err, err_len);
    ck_contact scratch, note_scratch;
    if (rc == CK_OK) rc = ck_cases_add_tx(db, eng, crn, list, as_recorded(p, list, rec, &scratch), as_of, err, err_len);
    if (rc == CK_OK && note)
        rc = ck_cases_add_tx(db, eng, crn, "contacts", as_recorded(p, "contacts", note, &note_scratch), as_of, err,
                             err_len);
    if (rc == CK_OK) rc = note_write(db, p, f.id, wc, err, err_len);
    for (int k = 0; rc == CK_OK && k < (note ? 2 : 1); k++) {
        const char *l = k ? "contacts" : list;
        const void *r = k ? (const void *)note : rec;
        char record[128];
        const char *rid = ck_store_record_id(ck_store_list_entity(l, NULL, 0), r);
        snprintf(record, sizeof record, "%s/%.80s", l, rid ? rid : "");
        rc = ck_audit_append(db, p, "record.add", crn, record, NULL, err, err_len);
    }
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_access_add(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                    const char *list, const void *rec, ck_date as_of, ck_write_check *wc, char *err, size_t err_len)
{
    return ck_access_add_noted(db, p, perm, eng, crn, list, rec, NULL, as_of, wc, err, err_len);
}

ck_rc ck_access_update(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                       const char *list, const char *id,
                       bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                       ck_date as_of, ck_write_check *wc, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, list_perm(list, perm), crn, CK_LOCK_UPDATE, &f, err, err_len);
    if (rc == CK_OK) rc = check_version(db, f.id, wc, err, err_len);
    if (rc == CK_OK && list && strcmp(list, "contacts") == 0) rc = sensitive_guard(db, p, &f, id, err, err_len);
    if (rc == CK_OK) rc = ck_cases_update_tx(db, eng, crn, list, id, edit, ctx, as_of, err, err_len);
    if (rc == CK_OK) rc = note_write(db, p, f.id, wc, err, err_len);
    if (rc == CK_OK) {
        char record[128];
        snprintf(record, sizeof record, "%s/%.80s", list, id ? id : "");
        rc = ck_audit_append(db, p, "record.update", crn, record, NULL, err, err_len);
    }
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_access_appointments(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                             const ck_contact *adds, size_t n_adds, const char *update_id,
                             bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                             ck_date as_of, ck_write_check *wc, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, list_perm("contacts", perm), crn, CK_LOCK_UPDATE, &f, err, err_len);
    if (rc == CK_OK) rc = check_version(db, f.id, wc, err, err_len);
    if (rc == CK_OK && update_id) rc = sensitive_guard(db, p, &f, update_id, err, err_len);
    for (size_t i = 0; rc == CK_OK && i < n_adds; i++) {
        ck_contact scratch;
        rc = ck_cases_add_tx(db, eng, crn, "contacts", as_recorded(p, "contacts", &adds[i], &scratch), as_of, err,
                             err_len);
        char record[128];
        snprintf(record, sizeof record, "contacts/%.80s", adds[i].id ? adds[i].id : "");
        if (rc == CK_OK) rc = ck_audit_append(db, p, "record.add", crn, record, NULL, err, err_len);
    }
    if (rc == CK_OK && update_id) {
        rc = ck_cases_update_tx(db, eng, crn, "contacts", update_id, edit, ctx, as_of, err, err_len);
        char record[128];
        snprintf(record, sizeof record, "contacts/%.80s", update_id);
        if (rc == CK_OK) rc = ck_audit_append(db, p, "record.update", crn, record, NULL, err, err_len);
    }
    if (rc == CK_OK) rc = note_write(db, p, f.id, wc, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

static ck_rc set_consent(ck_case *c, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    const ck_consent *in = ctx;
    ck_consent *out = &c->person.consent;
    *out = *in;
    out->mobile = in->mobile ? ck_arena_strdup(&c->arena, in->mobile) : NULL;
    out->email = in->email ? ck_arena_strdup(&c->arena, in->email) : NULL;
    c->person.has_consent = true;
    return CK_OK;
}

ck_rc ck_access_consent(ck_db *db, const ck_principal *p, const ck_engine *eng, const char *crn,
                        const ck_consent *consent, ck_date as_of, ck_write_check *wc, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, CK_PERM_CASE_WRITE, crn, CK_LOCK_UPDATE, &f, err, err_len);
    if (rc == CK_OK) rc = check_version(db, f.id, wc, err, err_len);
    if (rc == CK_OK) rc = ck_cases_edit_in_tx(db, eng, crn, set_consent, (void *)consent, as_of, err, err_len);
    if (rc == CK_OK) rc = note_write(db, p, f.id, wc, err, err_len);
    if (rc == CK_OK) rc = ck_audit_append(db, p, "record.update", crn, "person/consent", NULL, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_access_outcome(ck_db *db, const ck_principal *p, ck_perm perm, const ck_engine *eng, const char *crn,
                        const char *contact_id, const char *outcome, ck_date outcome_on, const ck_enforcement *action,
                        const ck_contact_note *note, ck_date as_of, ck_write_check *wc, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    case_facts f;
    rc = decide(db, p, perm, crn, CK_LOCK_UPDATE, &f, err, err_len);
    if (rc == CK_OK) rc = check_version(db, f.id, wc, err, err_len);
    ck_contact_note by = {NULL, CK_NULL, ck_access_recorder(p)};
    if (note) by.notes = note->notes, by.sensitive = note->sensitive;
    if (rc == CK_OK && note) rc = sensitive_guard(db, p, &f, contact_id, err, err_len);
    if (rc == CK_OK)
        rc = ck_casewrite_outcome_tx(db, eng, crn, contact_id, outcome, outcome_on, action, note ? &by : NULL, as_of,
                                     err, err_len);
    if (rc == CK_OK) rc = note_write(db, p, f.id, wc, err, err_len);
    char record[128];
    snprintf(record, sizeof record, "contacts/%.80s", contact_id ? contact_id : "");
    if (rc == CK_OK) rc = ck_audit_append(db, p, "record.update", crn, record, "outcome", err, err_len);
    if (rc == CK_OK && action) {
        snprintf(record, sizeof record, "enforcement/%.80s", action->id ? action->id : "");
        rc = ck_audit_append(db, p, "record.add", crn, record, NULL, err, err_len);
    }
    return ck_txn_finish(db, rc, err, err_len);
}

/* ---- Management writes ------------------------------------------------------------ */

/* Appends the audit record when rc is CK_OK, then commits or rolls back. */
static ck_rc manage_end(ck_db *db, const ck_principal *p, ck_rc rc, const char *action, const char *crn,
                        const char *record, const char *detail, char *err, size_t err_len)
{
    if (rc == CK_OK) rc = ck_audit_append(db, p, action, crn, record, detail, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_access_allocate(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_manage_cfg *mc,
                         const char *crn, const char *staff, const char *reason, ck_date as_of, char *err,
                         size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t id = 0;
    rc = ck_access_check(db, p, CK_PERM_CASE_ALLOCATE, crn, CK_LOCK_UPDATE, &id, err, err_len);
    if (rc == CK_OK) rc = ck_access_staff(db, p, CK_PERM_CASE_ALLOCATE, staff, err, err_len);
    bool over = false;
    if (rc == CK_OK) rc = ck_alloc_allocate(db, eng, mc, crn, staff, reason, as_of, &over, err, err_len);
    if (rc == CK_OK) rc = note_write(db, p, id, NULL, err, err_len);
    char detail[600];
    if (over) snprintf(detail, sizeof detail, "%s; over capacity: %.500s", staff, reason);
    else snprintf(detail, sizeof detail, "%s", staff);
    return manage_end(db, p, rc, "manage.allocate", crn, "allocations", detail, err, err_len);
}

ck_rc ck_access_reallocate_preview(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_manage_cfg *mc,
                                   const char *from, ck_date as_of, ck_alloc_moves **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_access_staff(db, p, CK_PERM_CASE_ALLOCATE, from, err, err_len);
    if (rc == CK_OK) rc = ck_alloc_reallocate_preview(db, eng, mc, from, NULL, as_of, out, err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        ck_alloc_moves_free(*out);
        *out = NULL;
    }
    return rc;
}

ck_rc ck_access_reallocate(ck_db *db, const ck_principal *p, const ck_engine *eng, const ck_manage_cfg *mc,
                           const char *from, const char *to, ck_date as_of, ck_alloc_moves **moved, char *err,
                           size_t err_len)
{
    *moved = NULL;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_access_staff(db, p, CK_PERM_CASE_ALLOCATE, from, err, err_len);
    if (rc == CK_OK && to) rc = ck_access_staff(db, p, CK_PERM_CASE_ALLOCATE, to, err, err_len);
    if (rc == CK_OK) rc = ck_alloc_reallocate(db, eng, mc, from, to, as_of, moved, err, err_len);
    for (size_t i = 0; rc == CK_OK && i < (*moved)->n; i++) {
        int64_t id = 0;
        rc = ck_store_find(db, (*moved)->crn[i], CK_LOCK_NONE, &id, err, err_len);
        if (rc == CK_OK) rc = note_write(db, p, id, NULL, err, err_len);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "moved=%zu", *moved ? (*moved)->n : 0);
    rc = manage_end(db, p, rc, "manage.reallocate", NULL, from, detail, err, err_len);
    if (rc != CK_OK) {
        ck_alloc_moves_free(*moved);
        *moved = NULL;
    }
    return rc;
}

ck_rc ck_access_staff_leaves(ck_db *db, const ck_principal *p, const ck_engine *eng, const char *code, ck_date on,
                             bool absence, ck_date as_of, size_t *cases, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_access_staff(db, p, CK_PERM_CASE_ALLOCATE, code, err, err_len);
    if (rc == CK_OK) rc = ck_workforce_staff_leaves(db, eng, code, on, absence, as_of, cases, err, err_len);
    return manage_end(db, p, rc, "manage.leaving", NULL, code, absence ? "long_term_absence" : "left", err, err_len);
}

ck_rc ck_access_org_rating(ck_db *db, const ck_principal *p, const char *pdu, ck_standard s, ck_rating r,
                           const char *evidence, const char *by, ck_date on, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_access_unit(db, p, CK_PERM_INSPECTION_WRITE, pdu, NULL, err, err_len);
    if (rc == CK_OK) rc = ck_inspection_org_put(db, pdu, s, r, evidence, by, on, err, err_len);
    return manage_end(db, p, rc, "manage.org_rating", NULL, pdu, ck_standard_key(s), err, err_len);
}

ck_rc ck_access_qa_draw(ck_db *db, const ck_principal *p, const char *pdu, int per_team, uint64_t seed, ck_date from,
                        ck_date to, const char *by, ck_date as_of, int64_t *id, char *err, size_t err_len)
{
    *id = 0;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_access_unit(db, p, CK_PERM_QA, pdu, NULL, err, err_len);
    if (rc == CK_OK) rc = ck_qa_draw(db, pdu, per_team, seed, from, to, by, as_of, id, err, err_len);
    char record[32];
    snprintf(record, sizeof record, "qa/%lld", (long long)*id);
    return manage_end(db, p, rc, "manage.qa_draw", NULL, record, pdu, err, err_len);
}

ck_rc ck_access_qa_answer(ck_db *db, const ck_principal *p, int64_t sample_id, const char *crn, ck_standard question,
                          bool sufficient, const char *note, const char *by, ck_date as_of, char *err,
                          size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    /* The sample's PDU; an unknown sample is for ck_qa_answer to report. */
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"pdu\" FROM \"qa_samples\" WHERE \"sample_id\" = CAST($1 AS BIGINT)",
                                 err, err_len);
    if (!st) rc = CK_ERR_DB;
    char pdu[CK_CODE_MAX + 1] = "";
    if (st) {
        ck_stmt_bind_int(st, 1, sample_id);
        int s = ck_stmt_step(st);
        if (s == CK_DB_ROW) copy_text(pdu, sizeof pdu, ck_stmt_text(st, 0));
        ck_stmt_reset(st);
        if (s != CK_DB_ROW && s != CK_DB_DONE) rc = ck_txn_db_fail(db, "qa_samples", err, err_len);
    }
    if (rc == CK_OK && pdu[0]) rc = ck_access_unit(db, p, CK_PERM_QA, pdu, NULL, err, err_len);
    if (rc == CK_OK) rc = ck_qa_answer(db, sample_id, crn, question, sufficient, note, by, as_of, err, err_len);
    return manage_end(db, p, rc, "manage.qa_answer", crn, ck_standard_key(question), NULL, err, err_len);
}

/* ---- Limited-access lists ---------------------------------------------------------- */

static const char *list_name(ck_lao_list l) { return l == CK_LAO_EXCLUSION ? "exclusion" : "restriction"; }

/* The case's id and, when username is given, the account's id. */
static ck_rc lao_ids(ck_db *db, const char *crn, const char *username, int64_t *case_id, int64_t *user_id, char *err,
                     size_t err_len)
{
    ck_rc rc = ck_store_find(db, crn, CK_LOCK_UPDATE, case_id, err, err_len);
    if (rc != CK_OK || !username) return rc;
    ck_user u;
    rc = ck_user_get(db, username, &u, err, err_len);
    if (rc == CK_OK) *user_id = u.id;
    return rc;
}

/* Runs one statement over (case_id $1, list $2, user_id $3). */
static ck_rc lao_user_row(ck_db *db, const char *sql, int64_t case_id, ck_lao_list list, int64_t user_id, char *err,
                          size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, case_id);
    ck_stmt_bind_text(st, 2, list_name(list));
    ck_stmt_bind_int(st, 3, user_id);
    return ck_txn_exec(db, st, "case access users", err, err_len);
}

/* A change to one user's place on a list: begins, finds the case and the
 * account, runs `change` (adding also marks the case and sets the message),
 * audits as `action`, commits. */
static ck_rc lao_change(ck_db *db, const ck_principal *by, const char *crn, ck_lao_list list, const char *username,
                        const char *message, bool add, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t case_id = 0, user_id = 0;
    rc = lao_ids(db, crn, username, &case_id, &user_id, err, err_len);
    bool restrict_ = list == CK_LAO_RESTRICTION;
    if (rc == CK_OK && add) {
        ck_stmt *st = ck_db_prepare(db, "INSERT INTO \"case_access\" (\"case_id\", \"restricted\") VALUES ($1, $2) "
                                        "ON CONFLICT (\"case_id\") DO UPDATE SET \"restricted\" = CASE WHEN $2 = 1 "
                                        "THEN 1 ELSE \"case_access\".\"restricted\" END");
        if (!st) rc = ck_txn_db_fail(db, "prepare", err, err_len);
        else {
            ck_stmt_bind_int(st, 1, case_id);
            ck_stmt_bind_int(st, 2, restrict_);
            rc = ck_txn_exec(db, st, "case access", err, err_len);
        }
    }
    if (rc == CK_OK && add && message) {
        ck_stmt *st = ck_db_prepare(db, restrict_
                                            ? "UPDATE \"case_access\" SET \"restriction_message\" = $2 WHERE \"case_id\" = $1"
                                            : "UPDATE \"case_access\" SET \"exclusion_message\" = $2 WHERE \"case_id\" = $1");
        if (!st) rc = ck_txn_db_fail(db, "prepare", err, err_len);
        else {
            ck_stmt_bind_int(st, 1, case_id);
            ck_stmt_bind_text(st, 2, *message ? message : NULL);
            rc = ck_txn_exec(db, st, "case access", err, err_len);
        }
    }
    if (rc == CK_OK)
        rc = lao_user_row(db,
                          add ? "INSERT INTO \"case_access_users\" (\"case_id\", \"list\", \"user_id\") VALUES ($1, $2, $3) "
                                "ON CONFLICT DO NOTHING"
                              : "DELETE FROM \"case_access_users\" WHERE \"case_id\" = $1 AND \"list\" = $2 "
                                "AND \"user_id\" = $3",
                          case_id, list, user_id, err, err_len);
    char detail[32];
    snprintf(detail, sizeof detail, "list=%s", list_name(list));
    if (rc == CK_OK) ck_events_add(db, add ? "access.granted" : "access.removed", crn);
    if (rc == CK_OK) rc = ck_audit_append(db, by, add ? "lao.add" : "lao.remove", crn, username, detail, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_lao_add(ck_db *db, const ck_principal *by, const char *crn, ck_lao_list list, const char *username,
                 const char *message, char *err, size_t err_len)
{
    if (message && strlen(message) > CK_LAO_MESSAGE_MAX)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "message: at most %d characters", CK_LAO_MESSAGE_MAX);
    return lao_change(db, by, crn, list, username, message, true, err, err_len);
}

ck_rc ck_lao_remove(ck_db *db, const ck_principal *by, const char *crn, ck_lao_list list, const char *username,
                    char *err, size_t err_len)
{
    return lao_change(db, by, crn, list, username, NULL, false, err, err_len);
}

ck_rc ck_lao_clear(ck_db *db, const ck_principal *by, const char *crn, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t case_id = 0;
    rc = lao_ids(db, crn, NULL, &case_id, NULL, err, err_len);
    static const char *const sql[] = {"DELETE FROM \"case_access_users\" WHERE \"case_id\" = $1",
                                      "DELETE FROM \"case_access\" WHERE \"case_id\" = $1"};
    for (size_t i = 0; rc == CK_OK && i < 2; i++) {
        ck_stmt *st = ck_db_prepare(db, sql[i]);
        if (!st) {
            rc = ck_txn_db_fail(db, "prepare", err, err_len);
            break;
        }
        ck_stmt_bind_int(st, 1, case_id);
        rc = ck_txn_exec(db, st, "case access", err, err_len);
    }
    if (rc == CK_OK) ck_events_add(db, "access.removed", crn);
    if (rc == CK_OK) rc = ck_audit_append(db, by, "lao.clear", crn, NULL, NULL, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_lao_get(ck_db *db, const char *crn, ck_lao *out, bool (*fn)(void *ctx, ck_lao_list list, const char *username),
                 void *ctx, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    int64_t case_id;
    ck_rc rc = ck_store_find(db, crn, CK_LOCK_NONE, &case_id, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_db_prepare(db, "SELECT \"restricted\", \"exclusion_message\", \"restriction_message\" "
                                    "FROM \"case_access\" WHERE \"case_id\" = $1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, case_id);
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) {
        out->restricted = ck_stmt_int(st, 0) != 0;
        copy_text(out->exclusion_message, sizeof out->exclusion_message, ck_stmt_text(st, 1));
        copy_text(out->restriction_message, sizeof out->restriction_message, ck_stmt_text(st, 2));
    }
    ck_stmt_reset(st);
    if (s != CK_DB_ROW && s != CK_DB_DONE) return ck_txn_db_fail(db, "case access", err, err_len);
    if (!fn) return CK_OK;
    st = ck_db_prepare(db, "SELECT \"case_access_users\".\"list\", \"users\".\"username\" FROM \"case_access_users\" "
                           "JOIN \"users\" ON \"users\".\"user_id\" = \"case_access_users\".\"user_id\" "
                           "WHERE \"case_access_users\".\"case_id\" = $1 ORDER BY \"case_access_users\".\"list\", "
                           "\"users\".\"username\"");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, case_id);
    for (;;) {
        s = ck_stmt_step(st);
        if (s != CK_DB_ROW) break;
        const char *l = ck_stmt_text(st, 0);
        if (!fn(ctx, l && strcmp(l, "exclusion") == 0 ? CK_LAO_EXCLUSION : CK_LAO_RESTRICTION, ck_stmt_text(st, 1))) {
            s = CK_DB_DONE;
            break;
        }
    }
    ck_stmt_reset(st);
    return s == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "case access users", err, err_len);
}

/* ---- Domain events ---------------------------------------------------------------- */

static bool staff_event_visible(void *ctx, const ck_place *staff)
{
    const ck_principal *p = ctx;
    return ck_scope_covers(p, ck_principal_scope(p, CK_PERM_WORKFORCE_READ), staff);
}

ck_rc ck_access_events(ck_db *db, const ck_principal *p, int64_t after, size_t limit, ck_event_page **out,
                       char *err, size_t err_len)
{
    *out = NULL;
    ck_access_filter f;
    ck_access_filter_for(p, CK_PERM_CASE_READ, &f);
    /* Case events as a search; staff events as the workforce figures of the
     * staff member's place; account events to administrators of accounts. */
    ck_event_filter ef = {.cases = &f.f, .staff_visible = staff_event_visible, .ctx = (void *)p,
                          .accounts = ck_principal_may(p, CK_PERM_USER_ADMIN)};
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_txn_finish(db, ck_events_page(db, after, limit, &ef, out, err, err_len), err, err_len);
    if (rc != CK_OK) {
        ck_event_page_free(*out);
        *out = NULL;
    }
    return rc;
}
