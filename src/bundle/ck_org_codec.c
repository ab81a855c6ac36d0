/* ck_org_codec: see ck_org_codec.h. */
#include "ck_org_codec.h"
#include "ck_case.h"
#include "ck_str.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOURS 168.0 /* hours in a week: more is a typo */
#define MAX_FTE 10000.0 /* funded posts of one grade in one team: more is a typo */
#define OPATH 96        /* "staff.reductions[12].expires" and room to spare */

/* ---- Parsing --------------------------------------------------------------------- */

typedef enum { K_STR, K_CODE, K_DATE, K_BOOL, K_HOURS, K_FTE, K_GRADE, K_STATUS, K_REDUCTIONS } ktype;

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
static const okey post_keys[] = {REC("team", K_CODE, team, true), REC("grade", K_GRADE, grade, true),
                                 REC("fte", K_FTE, fte, true)};
/* An office of a PDU, where appointments are held (issue 15): a contact's
 * location names it by code. */
static const okey office_keys[] = {REC("code", K_CODE, code, true), REC("pdu", K_CODE, pdu, true),
                                   REC("name", K_STR, name, true), REC("address", K_STR, address, false)};
static const okey reduction_keys[] = {RED("hours", K_HOURS, hours, true), RED("reason", K_STR, reason, false),
                                      RED("from", K_DATE, from, false), RED("expires", K_DATE, expires, false)};

typedef struct kind_keys {
    const okey *keys;
    size_t n;
} kind_keys;
#define KEYS(a) {a, sizeof a / sizeof a[0]}
static const kind_keys by_kind[] = {KEYS(region_keys), KEYS(pdu_keys), KEYS(team_keys), KEYS(staff_keys),
                                    KEYS(vacancy_keys), KEYS(post_keys), KEYS(office_keys)};

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
    case K_FTE: {
        double f = json_is_number(v) ? json_number_value(v) : -1;
        if (!(f > 0) || f > MAX_FTE) return bad_value(p, path, "a number of full-time equivalents above 0", v);
        *(double *)dst = f;
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
        snprintf(err, err_len, "kind: required; one of region, pdu, team, staff, vacancy, post, office");
        ok = false;
    }
    if (ok) ok = vocab_value(&p, "kind", kind, ck_vocab_org_kind, &k);
    if (ok) {
        for (int i = 0; ck_vocab_org_kind[i]; i++)
            if (ck_vocab_org_kind[i] == k) out->kind = (ck_org_kind)i;
        ok = parse_fields(&p, k, root, by_kind[out->kind].keys, by_kind[out->kind].n, out, true);
    }
    json_decref(root);
    return ok ? CK_OK : CK_ERR_INVALID;
}
