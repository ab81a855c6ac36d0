#include "ck_org.h"
#include "ck_case.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ck_vocab_grade[] = {"PO", "PQiP", "PSO", "SPO", "VLO", "court_officer", "head_of_pdu", NULL};
const char *const ck_vocab_staff_status[] = {"in_post", "long_term_absence", "left", NULL};
static const char *const kind_names[] = {"region", "pdu", "team", "staff", "vacancy", NULL};

#define MAX_HOURS 168.0 /* hours in a week: more is a typo */
#define OPATH 96        /* "staff.reductions[12].expires" and room to spare */

const char *ck_org_kind_name(ck_org_kind k) { return kind_names[k]; }

/* ---- Parsing --------------------------------------------------------------------- */

typedef enum { K_STR, K_CODE, K_DATE, K_BOOL, K_HOURS, K_GRADE, K_STATUS, K_REDUCTIONS } ktype;

typedef struct okey {
    const char *key;
    ktype type;
    size_t off;
    bool required;
} okey;

#define REC(k, t, m, req) {k, t, offsetof(ck_org_record, m), req}
#define RED(k, t, m, req) {k, t, offsetof(ck_org_reduction, m), req}

static const okey region_keys[] = {REC("code", K_CODE, code, true), REC("name", K_STR, name, true)};
static const okey pdu_keys[] = {REC("code", K_CODE, code, true), REC("region", K_CODE, region, true),
                                REC("name", K_STR, name, true)};
static const okey team_keys[] = {REC("code", K_CODE, code, true), REC("pdu", K_CODE, pdu, true),
                                 REC("name", K_STR, name, true), REC("office", K_STR, office, false)};
static const okey staff_keys[] = {
    REC("code", K_CODE, code, true), REC("team", K_CODE, team, true), REC("grade", K_GRADE, grade, true),
    REC("forename", K_STR, forename, true), REC("surname", K_STR, surname, true),
    REC("status", K_STATUS, status, false), REC("agency", K_BOOL, agency, false),
    REC("contracted_hours", K_HOURS, contracted_hours, false), REC("start_date", K_DATE, start_date, false),
    REC("left_on", K_DATE, left_on, false), REC("absence_from", K_DATE, absence_from, false),
    REC("reductions", K_REDUCTIONS, reductions, false)};
static const okey vacancy_keys[] = {REC("team", K_CODE, team, true), REC("grade", K_GRADE, grade, true),
                                    REC("since", K_DATE, since, false)};
static const okey reduction_keys[] = {RED("hours", K_HOURS, hours, true), RED("reason", K_STR, reason, false),
                                      RED("from", K_DATE, from, false), RED("expires", K_DATE, expires, false)};

typedef struct kind_keys {
    const okey *keys;
    size_t n;
} kind_keys;
#define KEYS(a) {a, sizeof a / sizeof a[0]}
static const kind_keys by_kind[] = {KEYS(region_keys), KEYS(pdu_keys), KEYS(team_keys), KEYS(staff_keys),
                                    KEYS(vacancy_keys)};

typedef struct oparser {
    ck_arena *arena;
    char *err;
    size_t err_len;
} oparser;

/* A bad value as a message quotes it: the JSON text, cut at 40 bytes. */
static bool bad_value(oparser *p, const char *path, const char *what, const json_t *v)
{
    char *d = json_dumps(v, JSON_ENCODE_ANY);
    snprintf(p->err, p->err_len, "%s: expected %s, got %.40s%s", path, what, d ? d : "a value",
             d && strlen(d) > 40 ? "..." : "");
    free(d);
    return false;
}

static bool path_too_long(oparser *p, const char *path)
{
    snprintf(p->err, p->err_len, "%.60s...: nested too deep", path);
    return false;
}

static bool vocab_value(oparser *p, const char *path, const json_t *v, const char *const *vocab, const char **out)
{
    const char *s = json_is_string(v) ? ck_vocab_find(vocab, json_string_value(v), json_string_length(v)) : NULL;
    if (!s) {
        char allowed[256], what[300];
        ck_vocab_list(vocab, allowed, sizeof allowed);
        snprintf(what, sizeof what, "one of %s", allowed);
        return bad_value(p, path, what, v);
    }
    *out = s;
    return true;
}

static bool parse_fields(oparser *p, const char *path, const json_t *obj, const okey *keys, size_t n, void *rec,
                         bool top);

static bool parse_reductions(oparser *p, const char *path, const json_t *v, ck_org_record *r)
{
    if (!json_is_array(v)) return bad_value(p, path, "a list of {hours, reason, from, expires}", v);
    r->n_reductions = json_array_size(v);
    r->reductions = r->n_reductions ? ck_arena_array(p->arena, r->n_reductions, sizeof *r->reductions) : NULL;
    for (size_t i = 0; i < r->n_reductions; i++) {
        char sub[OPATH];
        if (snprintf(sub, sizeof sub, "%s[%zu]", path, i) >= (int)sizeof sub) return path_too_long(p, path);
        ck_org_reduction *red = &r->reductions[i];
        red->from = red->expires = CK_NODATE;
        if (!parse_fields(p, sub, json_array_get(v, i), reduction_keys, sizeof reduction_keys / sizeof *reduction_keys,
                          red, false))
            return false;
    }
    return true;
}

static bool parse_value(oparser *p, const char *path, const okey *k, const json_t *v, void *rec)
{
    void *dst = (char *)rec + k->off;
    switch (k->type) {
    case K_STR:
        if (!json_is_string(v) || json_string_length(v) == 0) return bad_value(p, path, "a non-empty string", v);
        *(const char **)dst = ck_arena_strndup(p->arena, json_string_value(v), json_string_length(v));
        return true;
    case K_CODE: {
        size_t n = json_is_string(v) ? json_string_length(v) : 0;
        const char *s = json_is_string(v) ? json_string_value(v) : "";
        if (n == 0 || n > CK_ORG_CODE_MAX ||
            strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
            return bad_value(p, path, "a code of 1 to 32 letters, digits, '-' or '_'", v);
        *(const char **)dst = ck_arena_strndup(p->arena, s, n);
        return true;
    }
    case K_DATE:
        if (!json_is_string(v) || !ck_date_parse(json_string_value(v), json_string_length(v), (ck_date *)dst))
            return bad_value(p, path, "a date YYYY-MM-DD", v);
        return true;
    case K_BOOL:
        if (!json_is_boolean(v)) return bad_value(p, path, "true or false", v);
        *(bool *)dst = json_is_true(v);
        return true;
    case K_HOURS: {
        double h = json_is_number(v) ? json_number_value(v) : -1;
        if (h < 0 || h > MAX_HOURS) return bad_value(p, path, "a number of hours from 0 to 168", v);
        *(double *)dst = h;
        return true;
    }
    case K_GRADE: return vocab_value(p, path, v, ck_vocab_grade, dst);
    case K_STATUS: return vocab_value(p, path, v, ck_vocab_staff_status, dst);
    case K_REDUCTIONS: return parse_reductions(p, path, v, rec);
    }
    return false;
}

/* top: the record itself, whose "kind" key the caller has read. */
static bool parse_fields(oparser *p, const char *path, const json_t *obj, const okey *keys, size_t n, void *rec,
                         bool top)
{
    if (!json_is_object(obj)) return bad_value(p, path, "an object", obj);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool known = top && strcmp(key, "kind") == 0;
        for (size_t i = 0; i < n && !known; i++) known = strcmp(keys[i].key, key) == 0;
        if (!known) {
            char allowed[512] = "";
            size_t used = 0;
            for (size_t i = 0; i < n && used < sizeof allowed; i++)
                used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s", i ? ", " : "", keys[i].key);
            snprintf(p->err, p->err_len, "%s: unknown key \"%.40s\"; expected %s", path, key, allowed);
            return false;
        }
    }
    for (size_t i = 0; i < n; i++) {
        char sub[OPATH];
        if (snprintf(sub, sizeof sub, "%s.%s", path, keys[i].key) >= (int)sizeof sub) return path_too_long(p, path);
        v = json_object_get(obj, keys[i].key);
        if (!v || json_is_null(v)) {
            if (keys[i].required) {
                snprintf(p->err, p->err_len, "%s: required", sub);
                return false;
            }
            continue;
        }
        if (!parse_value(p, sub, &keys[i], v, rec)) return false;
    }
    return true;
}

ck_rc ck_org_parse(const char *json, size_t len, ck_arena *arena, ck_org_record *out, char *err, size_t err_len)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, err_len, "column %d: %s", je.column, je.text);
        return CK_ERR_INVALID;
    }
    oparser p = {arena, err, err_len};
    memset(out, 0, sizeof *out);
    out->start_date = out->left_on = out->absence_from = out->since = CK_NODATE;
    out->status = ck_vocab_staff_status[0];
    out->contracted_hours = CK_ORG_DEFAULT_HOURS;
    const json_t *kind = json_is_object(root) ? json_object_get(root, "kind") : NULL;
    const char *k = NULL;
    bool ok = json_is_object(root) ? true : bad_value(&p, "line", "an organisation record (a JSON object)", root);
    if (ok && !kind) {
        snprintf(err, err_len, "kind: required; one of region, pdu, team, staff, vacancy");
        ok = false;
    }
    if (ok) ok = vocab_value(&p, "kind", kind, kind_names, &k);
    if (ok) {
        for (int i = 0; kind_names[i]; i++)
            if (kind_names[i] == k) out->kind = (ck_org_kind)i;
        ok = parse_fields(&p, k, root, by_kind[out->kind].keys, by_kind[out->kind].n, out, true);
    }
    json_decref(root);
    return ok ? CK_OK : CK_ERR_INVALID;
}

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

static ck_rc put_staff(ck_org_import *imp, const ck_org_record *r, char *err, size_t err_len)
{
    ck_db *db = imp->db;
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
        [CK_ORG_VACANCY] = NULL};
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->start_date = out->left_on = out->absence_from = out->since = CK_NODATE;
    if (!sql[kind]) {
        snprintf(err, err_len, "vacancies have no code to look up");
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
        case CK_ORG_VACANCY: break;
        }
    }
    ck_rc r = rc == CK_DB_ROW ? CK_OK : rc == CK_DB_DONE ? CK_ERR_NOTFOUND : ck_txn_db_fail(db, "lookup", err, err_len);
    ck_stmt_reset(st);
    if (r == CK_ERR_NOTFOUND) snprintf(err, err_len, "no %s with code %s", ck_org_kind_name(kind), code ? code : "");
    if (r == CK_OK && kind == CK_ORG_STAFF) r = get_reductions(db, out, a, err, err_len);
    return r;
}
