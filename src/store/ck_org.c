#include "ck_org.h"
#include "ck_case.h"
#include "ck_events.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Import -------------------------------------------------------------------- */

struct ck_org_import {
    ck_db *db;
    char **teams; /* teams whose vacancies this import has replaced */
    size_t n_teams, cap_teams;
};

ck_org_import *ck_org_import_new(ck_db *db)
{
    ck_org_import *imp = ck_calloc(1, sizeof *imp);
    imp->db = db;
    return imp;
}

void ck_org_import_free(ck_org_import *imp)
{
    if (!imp) return;
    for (size_t i = 0; i < imp->n_teams; i++) ck_free(imp->teams[i]);
    ck_free(imp->teams);
    ck_free(imp);
}

/* Whether `code` exists in the org table `table` (one of ours, quoted). */
static ck_rc exists(ck_db *db, const char *sql, const char *code, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, code);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    return rc == CK_DB_ROW ? CK_OK : rc == CK_DB_DONE ? CK_ERR_NOTFOUND : ck_txn_db_fail(db, "lookup", err, err_len);
}

/* The record names `code` in its `key`, which must be a known `what`. */
static ck_rc need(ck_db *db, const ck_org_record *r, const char *key, const char *code, ck_org_kind what,
                  char *err, size_t err_len)
{
    static const char *const sql[] = {
        "SELECT 1 FROM \"regions\" WHERE \"code\" = $1", "SELECT 1 FROM \"pdus\" WHERE \"code\" = $1",
        "SELECT 1 FROM \"teams\" WHERE \"code\" = $1"};
    ck_rc rc = exists(db, sql[what], code, err, err_len);
    if (rc == CK_ERR_NOTFOUND) {
        snprintf(err, err_len, "%s.%s: \"%s\" is not the code of a %s imported before this line",
                 ck_org_kind_name(r->kind), key, code, ck_org_kind_name(what));
        return CK_ERR_INVALID;
    }
    return rc;
}

static void bind_hours(ck_stmt *st, int i, double h)
{
    char s[32];
    snprintf(s, sizeof s, "%.15g", h);
    ck_stmt_bind_text(st, i, s);
}

/* The staff.* events (store/ck_events) a staff record raises against what was
 * stored before it: joined when new or back from leaving or an absence
 * (not when imported as already left), left when it now records leaving or
 * an absence, moved when its team changed. */
static ck_rc staff_events(ck_db *db, const ck_org_record *r, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT \"team\", \"status\" FROM \"staff\" WHERE \"code\" = $1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, r->code);
    int s = ck_stmt_step(st);
    bool had = s == CK_DB_ROW;
    bool moved = had && !ck_streq(ck_stmt_text(st, 0), r->team);
    bool was_in_post = had && ck_streq(ck_stmt_text(st, 1), "in_post");
    bool same_status = had && ck_streq(ck_stmt_text(st, 1), r->status);
    ck_stmt_reset(st);
    if (s != CK_DB_ROW && s != CK_DB_DONE) return ck_txn_db_fail(db, "staff", err, err_len);
    bool in_post = ck_streq(r->status, "in_post");
    if (in_post && !was_in_post) ck_events_add_about(db, "staff.joined", r->code);
    if (had && !in_post && !same_status)
        ck_events_add_about(db, ck_streq(r->status, "left") ? "staff.left" : "staff.absent", r->code);
    if (moved) ck_events_add_about(db, "staff.moved", r->code);
    return CK_OK;
}

static ck_rc put_staff(ck_org_import *imp, const ck_org_record *r, char *err, size_t err_len)
{
    ck_db *db = imp->db;
    ck_rc erc = staff_events(db, r, err, err_len);
    if (erc != CK_OK) return erc;
    ck_stmt *st = ck_db_prepare(db,
        "INSERT INTO \"staff\" (\"code\", \"team\", \"grade\", \"forename\", \"surname\", \"status\", \"agency\", "
        "\"contracted_hours\", \"start_date\", \"left_on\", \"absence_from\") "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (\"code\") DO UPDATE SET "
        "\"team\" = \"excluded\".\"team\", \"grade\" = \"excluded\".\"grade\", "
        "\"forename\" = \"excluded\".\"forename\", \"surname\" = \"excluded\".\"surname\", "
        "\"status\" = \"excluded\".\"status\", \"agency\" = \"excluded\".\"agency\", "
        "\"contracted_hours\" = \"excluded\".\"contracted_hours\", \"start_date\" = \"excluded\".\"start_date\", "
        "\"left_on\" = \"excluded\".\"left_on\", \"absence_from\" = \"excluded\".\"absence_from\"");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, r->code);
    ck_stmt_bind_text(st, 2, r->team);
    ck_stmt_bind_text(st, 3, r->grade);
    ck_stmt_bind_text(st, 4, r->forename);
    ck_stmt_bind_text(st, 5, r->surname);
    ck_stmt_bind_text(st, 6, r->status);
    ck_stmt_bind_int(st, 7, r->agency);
    bind_hours(st, 8, r->contracted_hours);
    ck_stmt_bind_date(st, 9, r->start_date);
    ck_stmt_bind_date(st, 10, r->left_on);
    ck_stmt_bind_date(st, 11, r->absence_from);
    ck_rc rc = ck_txn_exec(db, st, "staff", err, err_len);
    if (rc != CK_OK) return rc;
    st = ck_db_prepare(db, "DELETE FROM \"staff_reductions\" WHERE \"staff\" = $1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, r->code);
    rc = ck_txn_exec(db, st, "staff_reductions", err, err_len);
    for (size_t i = 0; i < r->n_reductions && rc == CK_OK; i++) {
        const ck_org_reduction *red = &r->reductions[i];
        st = ck_db_prepare(db, "INSERT INTO \"staff_reductions\" (\"staff\", \"ord\", \"hours\", \"reason\", "
                               "\"from\", \"expires\") VALUES ($1, $2, $3, $4, $5, $6)");
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        ck_stmt_bind_text(st, 1, r->code);
        ck_stmt_bind_int(st, 2, (int64_t)i);
        bind_hours(st, 3, red->hours);
        ck_stmt_bind_text(st, 4, red->reason);
        ck_stmt_bind_date(st, 5, red->from);
        ck_stmt_bind_date(st, 6, red->expires);
        rc = ck_txn_exec(db, st, "staff_reductions", err, err_len);
    }
    return rc;
}

static ck_rc put_vacancy(ck_org_import *imp, const ck_org_record *r, char *err, size_t err_len)
{
    ck_db *db = imp->db;
    bool seen = false;
    for (size_t i = 0; i < imp->n_teams && !seen; i++) seen = strcmp(imp->teams[i], r->team) == 0;
    if (!seen) {
        ck_stmt *st = ck_db_prepare(db, "DELETE FROM \"vacancies\" WHERE \"team\" = $1");
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        ck_stmt_bind_text(st, 1, r->team);
        ck_rc rc = ck_txn_exec(db, st, "vacancies", err, err_len);
        if (rc != CK_OK) return rc;
        if (imp->n_teams == imp->cap_teams) {
            imp->cap_teams = imp->cap_teams ? imp->cap_teams * 2 : 16;
            imp->teams = ck_realloc(imp->teams, imp->cap_teams * sizeof *imp->teams);
        }
        imp->teams[imp->n_teams++] = ck_strdup(r->team);
    }
    ck_stmt *st = ck_db_prepare(db, "INSERT INTO \"vacancies\" (\"team\", \"grade\", \"since\") VALUES ($1, $2, $3)");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, r->team);
    ck_stmt_bind_text(st, 2, r->grade);
    ck_stmt_bind_date(st, 3, r->since);
    return ck_txn_exec(db, st, "vacancies", err, err_len);
}

ck_rc ck_org_import_put(ck_org_import *imp, const ck_org_record *r, char *err, size_t err_len)
{
    ck_db *db = imp->db;
    ck_stmt *st = NULL;
    ck_rc rc = CK_OK;
    switch (r->kind) {
    case CK_ORG_REGION:
        st = ck_db_prepare(db, "INSERT INTO \"regions\" (\"code\", \"name\") VALUES ($1, $2) "
                               "ON CONFLICT (\"code\") DO UPDATE SET \"name\" = \"excluded\".\"name\"");
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        ck_stmt_bind_text(st, 1, r->code);
        ck_stmt_bind_text(st, 2, r->name);
        return ck_txn_exec(db, st, "regions", err, err_len);
    case CK_ORG_PDU:
        if ((rc = need(db, r, "region", r->region, CK_ORG_REGION, err, err_len)) != CK_OK) return rc;
        st = ck_db_prepare(db, "INSERT INTO \"pdus\" (\"code\", \"region\", \"name\") VALUES ($1, $2, $3) "
                               "ON CONFLICT (\"code\") DO UPDATE SET \"region\" = \"excluded\".\"region\", "
                               "\"name\" = \"excluded\".\"name\"");
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        ck_stmt_bind_text(st, 1, r->code);
        ck_stmt_bind_text(st, 2, r->region);
        ck_stmt_bind_text(st, 3, r->name);
        return ck_txn_exec(db, st, "pdus", err, err_len);
    case CK_ORG_TEAM:
        if ((rc = need(db, r, "pdu", r->pdu, CK_ORG_PDU, err, err_len)) != CK_OK) return rc;
        st = ck_db_prepare(db, "INSERT INTO \"teams\" (\"code\", \"pdu\", \"name\", \"office\") VALUES ($1, $2, $3, $4) "
                               "ON CONFLICT (\"code\") DO UPDATE SET \"pdu\" = \"excluded\".\"pdu\", "
                               "\"name\" = \"excluded\".\"name\", \"office\" = \"excluded\".\"office\"");
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        ck_stmt_bind_text(st, 1, r->code);
        ck_stmt_bind_text(st, 2, r->pdu);
        ck_stmt_bind_text(st, 3, r->name);
        ck_stmt_bind_text(st, 4, r->office);
        return ck_txn_exec(db, st, "teams", err, err_len);
    case CK_ORG_STAFF:
        if ((rc = need(db, r, "team", r->team, CK_ORG_TEAM, err, err_len)) != CK_OK) return rc;
        return put_staff(imp, r, err, err_len);
    case CK_ORG_VACANCY:
        if ((rc = need(db, r, "team", r->team, CK_ORG_TEAM, err, err_len)) != CK_OK) return rc;
        return put_vacancy(imp, r, err, err_len);
    case CK_ORG_OFFICE:
        if ((rc = need(db, r, "pdu", r->pdu, CK_ORG_PDU, err, err_len)) != CK_OK) return rc;
        st = ck_db_prepare(db, "INSERT INTO \"offices\" (\"code\", \"pdu\", \"name\", \"address\") VALUES ($1, $2, $3, $4) "
                               "ON CONFLICT (\"code\") DO UPDATE SET \"pdu\" = \"excluded\".\"pdu\", "
                               "\"name\" = \"excluded\".\"name\", \"address\" = \"excluded\".\"address\"");
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        ck_stmt_bind_text(st, 1, r->code);
        ck_stmt_bind_text(st, 2, r->pdu);
        ck_stmt_bind_text(st, 3, r->name);
        ck_stmt_bind_text(st, 4, r->address);
        return ck_txn_exec(db, st, "offices", err, err_len);
    case CK_ORG_POST:
        /* The funded posts the workforce page sets staff in post against;
         * a later record for the same team and grade replaces the figure. */
        if ((rc = need(db, r, "team", r->team, CK_ORG_TEAM, err, err_len)) != CK_OK) return rc;
        st = ck_db_prepare(db, "INSERT INTO \"team_posts\" (\"team\", \"grade\", \"fte\") VALUES ($1, $2, $3) "
                               "ON CONFLICT (\"team\", \"grade\") DO UPDATE SET \"fte\" = \"excluded\".\"fte\"");
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        ck_stmt_bind_text(st, 1, r->team);
        ck_stmt_bind_text(st, 2, r->grade);
        bind_hours(st, 3, r->fte);
        return ck_txn_exec(db, st, "team_posts", err, err_len);
    }
    return CK_ERR_INVALID;
}

/* ---- Look-ups ------------------------------------------------------------------- */

static const char *dup_col(ck_stmt *st, int i, ck_arena *a) { return ck_arena_strdup(a, ck_stmt_text(st, i)); }

static ck_rc get_reductions(ck_db *db, ck_org_record *out, ck_arena *a, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT \"hours\", \"reason\", \"from\", \"expires\" FROM \"staff_reductions\" "
                                    "WHERE \"staff\" = $1 ORDER BY \"ord\"");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, out->code);
    ck_org_reduction *tmp = NULL;
    size_t n = 0;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "staff_reductions", &rc, err, err_len)) {
        tmp = ck_realloc(tmp, (n + 1) * sizeof *tmp);
        tmp[n++] = (ck_org_reduction){strtod(ck_stmt_text(st, 0), NULL), dup_col(st, 1, a), ck_stmt_date(st, 2),
                                      ck_stmt_date(st, 3)};
    }
    ck_stmt_reset(st);
    if (rc == CK_OK && n) {
        out->reductions = ck_arena_array(a, n, sizeof *tmp);
        memcpy(out->reductions, tmp, n * sizeof *tmp);
        out->n_reductions = n;
    }
    ck_free(tmp);
    return rc;
}

ck_rc ck_org_get(ck_db *db, ck_org_kind kind, const char *code, ck_arena *a, ck_org_record *out, char *err,
                 size_t err_len)
{
    static const char *const sql[] = {
        [CK_ORG_REGION] = "SELECT \"code\", \"name\" FROM \"regions\" WHERE \"code\" = $1",
        [CK_ORG_PDU] = "SELECT \"code\", \"name\", \"region\" FROM \"pdus\" WHERE \"code\" = $1",
        [CK_ORG_TEAM] = "SELECT \"code\", \"name\", \"pdu\", \"office\" FROM \"teams\" WHERE \"code\" = $1",
        [CK_ORG_STAFF] = "SELECT \"code\", \"team\", \"grade\", \"forename\", \"surname\", \"status\", \"agency\", "
                         "\"contracted_hours\", \"start_date\", \"left_on\", \"absence_from\" FROM \"staff\" "
                         "WHERE \"code\" = $1",
        [CK_ORG_VACANCY] = NULL, [CK_ORG_POST] = NULL,
        [CK_ORG_OFFICE] = "SELECT \"code\", \"name\", \"pdu\", \"address\" FROM \"offices\" WHERE \"code\" = $1"};
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->start_date = out->left_on = out->absence_from = out->since = CK_NODATE;
    if (!sql[kind]) {
        snprintf(err, err_len, "%s records have no code to look up", ck_org_kind_name(kind));
        return CK_ERR_INVALID;
    }
    ck_stmt *st = ck_db_prepare(db, sql[kind]);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, code);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        out->code = dup_col(st, 0, a);
        switch (kind) {
        case CK_ORG_REGION: out->name = dup_col(st, 1, a); break;
        case CK_ORG_PDU:
            out->name = dup_col(st, 1, a);
            out->region = dup_col(st, 2, a);
            break;
        case CK_ORG_TEAM:
            out->name = dup_col(st, 1, a);
            out->pdu = dup_col(st, 2, a);
            out->office = dup_col(st, 3, a);
            break;
        case CK_ORG_STAFF: {
            const char *grade = ck_stmt_text(st, 2), *status = ck_stmt_text(st, 5);
            out->team = dup_col(st, 1, a);
            out->grade = ck_vocab_find(ck_vocab_grade, grade, strlen(grade));
            out->forename = dup_col(st, 3, a);
            out->surname = dup_col(st, 4, a);
            out->status = ck_vocab_find(ck_vocab_staff_status, status, strlen(status));
            out->agency = ck_stmt_int(st, 6) != 0;
            out->contracted_hours = strtod(ck_stmt_text(st, 7), NULL);
            out->start_date = ck_stmt_date(st, 8);
            out->left_on = ck_stmt_date(st, 9);
            out->absence_from = ck_stmt_date(st, 10);
            break;
        }
        case CK_ORG_OFFICE:
            out->name = dup_col(st, 1, a);
            out->pdu = dup_col(st, 2, a);
            out->address = dup_col(st, 3, a);
            break;
        case CK_ORG_VACANCY:
        case CK_ORG_POST: break;
        }
    }
    ck_rc r = rc == CK_DB_ROW ? CK_OK : rc == CK_DB_DONE ? CK_ERR_NOTFOUND : ck_txn_db_fail(db, "lookup", err, err_len);
    ck_stmt_reset(st);
    if (r == CK_ERR_NOTFOUND) snprintf(err, err_len, "no %s with code %s", ck_org_kind_name(kind), code ? code : "");
    if (r == CK_OK && kind == CK_ORG_STAFF) r = get_reductions(db, out, a, err, err_len);
    return r;
}

ck_rc ck_org_list(ck_db *db, ck_org_kind kind, const char *parent, ck_arena *a, ck_org_record **out, size_t *n,
                  char *err, size_t err_len)
{
    *out = NULL;
    *n = 0;
    const char *sql = kind == CK_ORG_REGION ? "SELECT \"code\", \"name\", CAST($1 AS TEXT) FROM \"regions\" ORDER BY "
                                              "\"name\", \"code\""
                      : kind == CK_ORG_PDU ? "SELECT \"code\", \"name\", \"region\" FROM \"pdus\" WHERE CAST($1 AS TEXT) "
                                           "IS NULL OR \"region\" = $1 ORDER BY \"name\", \"code\""
                      : kind == CK_ORG_TEAM ? "SELECT \"code\", \"name\", \"pdu\" FROM \"teams\" WHERE \"pdu\" = $1 "
                                              "ORDER BY \"name\", \"code\""
                      : kind == CK_ORG_OFFICE ? "SELECT \"code\", \"name\", \"pdu\", \"address\" FROM \"offices\" "
                                                "WHERE \"pdu\" = $1 ORDER BY \"name\", \"code\""
                                              : NULL;
    if (!sql) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "only regions, PDUs, teams and offices are listed");
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, parent);
    ck_rc rc = CK_OK;
    size_t cap = 0;
    ck_org_record *recs = NULL;
    while (ck_txn_next(db, st, "organisation", &rc, err, err_len)) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            ck_org_record *bigger = ck_arena_array(a, cap, sizeof *bigger);
            if (*n) memcpy(bigger, recs, *n * sizeof *recs);
            recs = bigger;
        }
        ck_org_record *r = &recs[(*n)++];
        memset(r, 0, sizeof *r);
        r->kind = kind;
        r->start_date = r->left_on = r->absence_from = r->since = CK_NODATE;
        r->code = dup_col(st, 0, a);
        r->name = dup_col(st, 1, a);
        if (kind == CK_ORG_PDU) r->region = dup_col(st, 2, a);
        else if (kind == CK_ORG_TEAM) r->pdu = dup_col(st, 2, a);
        else if (kind == CK_ORG_OFFICE) r->pdu = dup_col(st, 2, a), r->address = dup_col(st, 3, a);
    }
    ck_stmt_reset(st);
    *out = recs;
    return rc;
}
