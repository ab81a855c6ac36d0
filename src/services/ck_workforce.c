/* ck_workforce: see ck_workforce.h. */
#include "ck_workforce.h"
#include "ck_explain.h"
#include "ck_buf.h"
#include "ck_caseload.h"
#include "ck_events.h"
#include "ck_facts.h"
#include "ck_org.h"
#include "ck_store.h"
#include "ck_str.h"
#include "ck_txn.h"
#include "ck_wprofile.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *col(ck_stmt *st, int i, ck_arena *a) { return ck_arena_strdup(a, ck_stmt_text(st, i)); }

/* ---- Settings ------------------------------------------------------------------- */

static ck_rc apply_setting(ck_manage_cfg *c, const char *key, const char *value, char *err, size_t err_len)
{
    bool known = strncmp(key, "allocate.", 9) == 0 || strncmp(key, "inspection.band.", 16) == 0;
    if (!known) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "%s: not a setting Casekeeper knows", key);
    if (!ck_alloc_rules_set(&c->alloc, key, value, err, err_len)) return CK_ERR_INVALID;
    if (!ck_inspect_bands_set(&c->bands, key, value, err, err_len)) return CK_ERR_INVALID;
    return CK_OK;
}

static ck_rc settings_read(ck_db *db, ck_manage_cfg *out, const char *skip, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"key\", \"value\" FROM \"manage_settings\" ORDER BY \"key\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "manage_settings", &rc, err, err_len)) {
        if (skip && ck_streq(skip, ck_stmt_text(st, 0))) continue;
        if ((rc = apply_setting(out, ck_stmt_text(st, 0), ck_stmt_text(st, 1), err, err_len)) != CK_OK) break;
    }
    ck_stmt_reset(st);
    return rc;
}

ck_rc ck_manage_cfg_load(ck_db *db, ck_manage_cfg *out, char *err, size_t err_len)
{
    ck_rc rc = settings_read(db, out, NULL, err, err_len);
    if (rc == CK_OK && !ck_inspect_bands_check(&out->bands, err, err_len)) rc = CK_ERR_INVALID;
    return rc;
}

ck_rc ck_manage_setting_put(ck_db *db, const char *key, const char *value, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_manage_cfg c;
    /* The grade list replaces, the per-grade keys add: re-read the rest,
     * then apply the new value last, as a later row would be. */
    rc = settings_read(db, &c, key, err, err_len);
    if (rc == CK_OK) rc = apply_setting(&c, key, value, err, err_len);
    if (rc == CK_OK && !ck_inspect_bands_check(&c.bands, err, err_len)) rc = CK_ERR_INVALID;
    if (rc == CK_OK) {
        ck_stmt *st = ck_txn_prepare(db, "UPDATE \"manage_settings\" SET \"value\" = $2 WHERE \"key\" = $1", err, err_len);
        if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
        ck_stmt_bind_text(st, 1, key);
        ck_stmt_bind_text(st, 2, value);
        rc = ck_txn_exec(db, st, "manage_settings", err, err_len);
        if (rc == CK_OK && ck_db_changes(db) == 0)
            rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "%s: no such setting", key);
    }
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_manage_settings_each(ck_db *db, void (*fn)(void *ctx, const char *key, const char *value, const char *source),
                              void *ctx, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"key\", \"value\", \"source\" FROM \"manage_settings\" ORDER BY \"key\"", err,
                          err_len);
    if (!st) return CK_ERR_DB;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "manage_settings", &rc, err, err_len)) {
        fn(ctx, ck_stmt_text(st, 0), ck_stmt_text(st, 1), ck_stmt_text(st, 2));
    }
    ck_stmt_reset(st);
    return rc;
}

/* ---- What a case means for workload and allocation ------------------------------ */

/* The tier, WMT type, points and risk levels of profile p (of case crn). */
static void wf_case_of(const char *crn, const ck_wprofile *p, ck_arena *a, ck_wf_case *out)
{
    memset(out, 0, sizeof *out);
    out->crn = ck_arena_strdup(a, crn);
    snprintf(out->tier, sizeof out->tier, "%s", p->tier);
    snprintf(out->tier_missing, sizeof out->tier_missing, "%s", p->tier_missing);
    out->has_type = p->has_type;
    out->type = p->type;
    int pts = out->has_type ? ck_wmt_case_points(out->tier, out->type) : -1;
    out->points = pts > 0 ? pts : 0;
    out->rosh = *p->rosh ? ck_arena_strdup(a, p->rosh) : NULL;
    out->mappa = *p->mappa ? ck_arena_strdup(a, p->mappa) : NULL;
}

/* The same from case c at as_of. */
static void case_profile(const ck_case *c, const ck_rules_config *cfg, ck_date as_of, ck_arena *a, ck_wf_case *out)
{
    ck_wprofile p;
    ck_wprofile_of(c, as_of, cfg, &p);
    wf_case_of(c->crn, &p, a, out);
}

/* The stored profile in columns col.. of st (tier, wmt_type, rosh_level,
 * mappa_level, court_reports, profile_as_of, tier_missing, next_change:
 * PROFILE_COLS): false unless it holds at as_of (and reads back whole), when
 * the case must be loaded. A profile computed at profile_as_of holds until
 * the case's next change (core/ck_horizon), so an incremental recompute
 * need not rewrite it every day. */
#define PROFILE_COLS "\"cases\".\"tier\", \"cases\".\"wmt_type\", \"cases\".\"rosh_level\", " \
    "\"cases\".\"mappa_level\", \"cases\".\"court_reports\", \"cases\".\"profile_as_of\", \"cases\".\"tier_missing\", " \
    "\"cases\".\"next_change\""
static bool stored_profile(ck_stmt *st, int col, ck_date as_of, ck_wprofile *out)
{
    memset(out, 0, sizeof *out);
    ck_date from = ck_stmt_date(st, col + 5), until = ck_stmt_date(st, col + 7);
    if (as_of == CK_NODATE || from == CK_NODATE || from > as_of || until == CK_NODATE || as_of >= until ||
        !ck_stmt_text(st, col))
        return false;
    const char *type = ck_stmt_text(st, col + 1);
    out->has_type = type != NULL;
    if (type && !ck_wprofile_type_parse(type, &out->type)) return false;
    const char *const src[] = {ck_stmt_text(st, col), ck_stmt_text(st, col + 2), ck_stmt_text(st, col + 3),
                               ck_stmt_text(st, col + 4), ck_stmt_text(st, col + 6)};
    char *const dst[] = {out->tier, out->rosh, out->mappa, out->reports, out->tier_missing};
    const size_t size[] = {sizeof out->tier, sizeof out->rosh, sizeof out->mappa, sizeof out->reports,
                           sizeof out->tier_missing};
    for (int i = 0; i < 5; i++) {
        int n = snprintf(dst[i], size[i], "%s", src[i] ? src[i] : "");
        if (n < 0 || (size_t)n >= size[i]) return false;
    }
    out->complete = true;
    return true;
}

/* The profile of case crn at as_of: the stored one when it holds at as_of,
 * else computed from the case loaded whole. */
static ck_rc profile_by_crn(ck_db *db, const ck_rules_config *cfg, const char *crn, ck_date as_of, ck_wprofile *out,
                            char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"case_id\", " PROFILE_COLS " FROM \"cases\" WHERE \"crn\" = $1", err,
                                 err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, crn);
    int s = ck_stmt_step(st);
    int64_t id = s == CK_DB_ROW ? ck_stmt_int(st, 0) : 0;
    bool stored = s == CK_DB_ROW && stored_profile(st, 1, as_of, out);
    ck_stmt_reset(st);
    if (s == CK_DB_DONE) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "crn: no case %s", crn);
    if (s != CK_DB_ROW) return ck_txn_db_fail(db, "cases", err, err_len);
    if (stored) return CK_OK;
    ck_case *c = NULL;
    ck_rc rc = ck_store_load(db, id, &c, err, err_len);
    if (rc == CK_OK) ck_wprofile_of(c, as_of, cfg, out);
    ck_case_free(c);
    return rc;
}

/* Adds the court reports of a profile (types joined by ',') to p's. */
static void add_reports(ck_wf_staff *p, const char *joined, ck_arena *a)
{
    for (const char *s = joined; *s;) {
        size_t len = strcspn(s, ",");
        p->reports = ck_realloc(p->reports, (p->n_reports + 1) * sizeof *p->reports);
        p->reports[p->n_reports++] = ck_arena_strndup(a, s, len);
        s += len + (s[len] == ',');
    }
}

/* ---- Loading the workforce -------------------------------------------------------- */

#define STAFF_JOIN " FROM \"staff\" JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\" " \
                   "JOIN \"pdus\" ON \"pdus\".\"code\" = \"teams\".\"pdu\""

static int staff_cmp(const void *a, const void *b)
{
    return strcmp(((const ck_wf_staff *)a)->code, ((const ck_wf_staff *)b)->code);
}

/* Staff are loaded in team order; this finds one by code through a sorted
 * index of pointers. */
typedef struct staff_index {
    ck_wf_staff **v;
    size_t n;
} staff_index;

static int ptr_cmp(const void *a, const void *b) { return staff_cmp(*(ck_wf_staff *const *)a, *(ck_wf_staff *const *)b); }

static ck_wf_staff *index_find(const staff_index *ix, const char *code)
{
    ck_wf_staff key = {.code = code}, *k = &key;
    ck_wf_staff **hit = code ? bsearch(&k, ix->v, ix->n, sizeof *ix->v, ptr_cmp) : NULL;
    return hit ? *hit : NULL;
}

static void bind_filter(ck_stmt *st, const char *region, const char *pdu)
{
    ck_stmt_bind_text(st, 1, region);
    ck_stmt_bind_text(st, 2, pdu);
}

/* head, the filter on the region ($1) and PDU ($2), then tail, prepared and
 * bound. Only the filters given constrain the SQL: "($2 IS NULL OR
 * teams.pdu = $2)" made SQLite read every case in the country, joining each
 * to its staff member, team and PDU, for one PDU's workforce. */
static ck_stmt *prepare_org(ck_db *db, const char *region, const char *pdu, const char *head, const char *tail,
                            char *err, size_t err_len)
{
    const char *where = pdu ? " WHERE (CAST($1 AS TEXT) IS NULL OR \"pdus\".\"region\" = $1) AND \"teams\".\"pdu\" = $2"
                        : region ? " WHERE \"pdus\".\"region\" = $1 AND CAST($2 AS TEXT) IS NULL"
                                 : " WHERE CAST($1 AS TEXT) IS NULL AND CAST($2 AS TEXT) IS NULL";
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, head);
    ck_buf_puts(&b, where);
    ck_buf_puts(&b, tail);
    char *sql = ck_buf_steal(&b);
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    ck_free(sql);
    if (st) bind_filter(st, region, pdu);
    return st;
}

static ck_rc load_staff(ck_db *db, ck_workforce *w, const char *region, const char *pdu, char *err, size_t err_len)
{
    ck_stmt *st = prepare_org(db, region, pdu,
                          "SELECT \"staff\".\"code\", \"forename\", \"surname\", \"grade\", \"status\", \"agency\", "
                          "\"contracted_hours\", \"start_date\", \"left_on\", \"absence_from\", \"teams\".\"code\", "
                          "\"teams\".\"name\", \"teams\".\"office\", \"teams\".\"pdu\", \"pdus\".\"region\"" STAFF_JOIN,
                          " ORDER BY \"teams\".\"code\", \"staff\".\"code\"",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_arena *a = &w->arena;
    size_t cap = 0;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "staff", &rc, err, err_len)) {
        if (w->n_staff == cap) {
            cap = cap ? 2 * cap : 16;
            w->staff = ck_realloc(w->staff, cap * sizeof *w->staff);
        }
        ck_wf_staff *p = &w->staff[w->n_staff++];
        memset(p, 0, sizeof *p);
        p->code = col(st, 0, a);
        p->forename = col(st, 1, a);
        p->surname = col(st, 2, a);
        p->grade = col(st, 3, a);
        p->status = col(st, 4, a);
        p->agency = ck_stmt_int(st, 5) != 0;
        p->contracted_hours = strtod(ck_stmt_text(st, 6), NULL);
        p->start_date = ck_stmt_date(st, 7);
        p->left_on = ck_stmt_date(st, 8);
        p->absence_from = ck_stmt_date(st, 9);
        p->team = col(st, 10, a);
        p->team_name = col(st, 11, a);
        p->office = col(st, 12, a);
        p->pdu = col(st, 13, a);
        p->region = col(st, 14, a);
    }
    ck_stmt_reset(st);
    return rc;
}

static ck_rc load_reductions(ck_db *db, ck_workforce *w, const staff_index *ix, const char *region, const char *pdu,
                             char *err, size_t err_len)
{
    ck_stmt *st = prepare_org(db, region, pdu,
                          "SELECT \"staff_reductions\".\"staff\", \"hours\", \"reason\", \"from\", \"expires\" "
                          "FROM \"staff_reductions\" JOIN \"staff\" ON \"staff\".\"code\" = \"staff_reductions\".\"staff\" "
                          "JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\" "
                          "JOIN \"pdus\" ON \"pdus\".\"code\" = \"teams\".\"pdu\"",
                          " ORDER BY \"staff_reductions\".\"staff\", \"ord\"",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "staff_reductions", &rc, err, err_len)) {
        ck_wf_staff *p = index_find(ix, ck_stmt_text(st, 0));
        if (!p) continue;
        p->reductions = ck_realloc(p->reductions, (p->n_reductions + 1) * sizeof *p->reductions);
        p->reductions[p->n_reductions++] = (ck_wmt_reduction){strtod(ck_stmt_text(st, 1), NULL),
                                                              col(st, 2, &w->arena), ck_stmt_date(st, 3),
                                                              ck_stmt_date(st, 4)};
    }
    ck_stmt_reset(st);
    return rc;
}

/* Every case held by the listed staff, by holder then CRN, each with its
 * stored profile (migration 011): one query. A case whose profile was not
 * stored at as_of (written before the migration, or the data not yet
 * recomputed today, or as_of not today) is loaded whole after the query, so
 * no statement is left streaming while another runs. */
typedef struct held_case {
    int64_t id;
    ck_wf_staff *owner;
    const char *crn;
    bool stored;
    ck_wprofile profile;
} held_case;

static ck_rc load_cases(ck_db *db, const ck_rules_config *cfg, ck_workforce *w, const staff_index *ix,
                        const char *region, const char *pdu, char *err, size_t err_len)
{
    ck_stmt *st = prepare_org(db, region, pdu,
                          "SELECT \"cases\".\"case_id\", \"cases\".\"staff_code\", \"cases\".\"crn\", " PROFILE_COLS
                          " FROM \"cases\" "
                          "JOIN \"staff\" ON \"staff\".\"code\" = \"cases\".\"staff_code\" "
                          "JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\" "
                          "JOIN \"pdus\" ON \"pdus\".\"code\" = \"teams\".\"pdu\"",
                          " ORDER BY \"cases\".\"staff_code\", \"cases\".\"crn\"",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    held_case *v = NULL;
    size_t n = 0, cap = 0;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "cases", &rc, err, err_len)) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            v = ck_realloc(v, cap * sizeof *v);
        }
        held_case *h = &v[n++];
        h->id = ck_stmt_int(st, 0);
        h->owner = index_find(ix, ck_stmt_text(st, 1));
        h->crn = col(st, 2, &w->arena);
        h->stored = stored_profile(st, 3, w->as_of, &h->profile);
    }
    ck_stmt_reset(st);
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        held_case *h = &v[i];
        if (!h->stored) {
            ck_case *c = NULL;
            if ((rc = ck_store_load(db, h->id, &c, err, err_len)) != CK_OK) break;
            ck_wprofile_of(c, w->as_of, cfg, &h->profile);
            ck_case_free(c);
        }
        ck_wf_staff *p = h->owner;
        p->cases = ck_realloc(p->cases, (p->n_cases + 1) * sizeof *p->cases);
        wf_case_of(h->crn, &h->profile, &w->arena, &p->cases[p->n_cases++]);
        add_reports(p, h->profile.reports, &w->arena);
    }
    ck_free(v);
    return rc;
}

/* Moves the growable arrays of each member into the arena (one free) and
 * computes their workload. */
static void finish_staff(ck_workforce *w)
{
    for (size_t i = 0; i < w->n_staff; i++) {
        ck_wf_staff *p = &w->staff[i];
        p->in_post = ck_streq(p->status, "in_post") && (p->left_on == CK_NODATE || p->left_on > w->as_of) &&
                     (p->absence_from == CK_NODATE || p->absence_from > w->as_of);
#define TO_ARENA(field, n)                                                                  \
    do {                                                                                    \
        void *copy = ck_arena_array(&w->arena, (n) ? (n) : 1, sizeof *(field));             \
        if (n) memcpy(copy, (field), (n) * sizeof *(field));                                \
        ck_free((void *)(field));                                                           \
        (field) = copy;                                                                     \
    } while (0)
        TO_ARENA(p->cases, p->n_cases);
        TO_ARENA(p->reports, p->n_reports);
        TO_ARENA(p->reductions, p->n_reductions);
#undef TO_ARENA
        /* After the move: the tiers point into the cases. */
        p->wmt_cases = ck_arena_array(&w->arena, p->n_cases ? p->n_cases : 1, sizeof *p->wmt_cases);
        for (size_t k = 0; k < p->n_cases; k++) p->wmt_cases[k] = (ck_wmt_case){p->cases[k].tier, p->cases[k].type};
        /* An untyped case (no supervision period active) adds no points. */
        size_t typed = 0;
        for (size_t k = 0; k < p->n_cases; k++)
            if (p->cases[k].has_type) p->wmt_cases[typed++] = p->wmt_cases[k];
        ck_wmt_input in = {p->grade, p->contracted_hours, p->wmt_cases, typed, p->reports, p->n_reports,
                           p->reductions, p->n_reductions};
        ck_wmt_compute(&in, w->as_of, &p->wmt);
        p->over = ck_staffing_over(&p->wmt);
    }
}

/* The status a member counts under at as_of. */
const char *ck_wf_staff_status(const ck_wf_staff *p, ck_date as_of)
{
    if (ck_streq(p->status, "left") || (p->left_on != CK_NODATE && p->left_on <= as_of)) return "left";
    if (ck_streq(p->status, "long_term_absence") || (p->absence_from != CK_NODATE && p->absence_from <= as_of))
        return "long_term_absence";
    return "in_post";
}

static ck_rc load_teams(ck_db *db, ck_workforce *w, const char *region, const char *pdu, char *err, size_t err_len)
{
    ck_stmt *st = prepare_org(db, region, pdu,
                          "SELECT \"teams\".\"code\", \"teams\".\"name\", \"teams\".\"office\", \"teams\".\"pdu\", "
                          "(SELECT COALESCE(SUM(\"fte\"), 0) FROM \"team_posts\" "
                          "WHERE \"team_posts\".\"team\" = \"teams\".\"code\"), "
                          "(SELECT COUNT(*) FROM \"vacancies\" WHERE \"vacancies\".\"team\" = \"teams\".\"code\" "
                          "AND \"vacancies\".\"filled_on\" IS NULL) "
                          "FROM \"teams\" JOIN \"pdus\" ON \"pdus\".\"code\" = \"teams\".\"pdu\"",
                          " ORDER BY \"teams\".\"code\"",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_wf_team *v = NULL;
    size_t n = 0;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "teams", &rc, err, err_len)) {
        v = ck_realloc(v, (n + 1) * sizeof *v);
        memset(&v[n], 0, sizeof v[n]);
        v[n].code = col(st, 0, &w->arena);
        v[n].name = col(st, 1, &w->arena);
        v[n].office = col(st, 2, &w->arena);
        v[n].pdu = col(st, 3, &w->arena);
        v[n].posts_fte = strtod(ck_stmt_text(st, 4), NULL);
        v[n].vacancies = (size_t)ck_stmt_int(st, 5);
        n++;
    }
    ck_stmt_reset(st);
    w->teams = ck_arena_array(&w->arena, n + 1, sizeof *w->teams);
    if (n) memcpy(w->teams, v, n * sizeof *v);
    ck_free(v);
    w->n_teams = n + 1;
    ck_wf_team *total = &w->teams[n];
    total->code = "total";
    total->name = "Total";
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        ck_wf_team *t = &w->teams[i];
        for (size_t k = 0; k < w->n_staff; k++) {
            const ck_wf_staff *p = &w->staff[k];
            if (ck_streq(p->team, t->code))
                ck_staffing_add(&t->staffing, ck_wf_staff_status(p, w->as_of), p->agency,
                                p->contracted_hours / CK_ORG_DEFAULT_HOURS, p->n_cases, &p->wmt);
        }
        ck_staffing_finish(&t->staffing);
        ck_staffing_merge(&total->staffing, &t->staffing);
        total->posts_fte += t->posts_fte;
        total->vacancies += t->vacancies;
    }
    ck_staffing_finish(&total->staffing);
    return rc;
}

static ck_rc load_in_tx(ck_db *db, const ck_rules_config *cfg, const char *region, const char *pdu, ck_date as_of,
                        ck_workforce **out, char *err, size_t err_len)
{
    ck_workforce *w = ck_calloc(1, sizeof *w);
    ck_arena_init(&w->arena);
    w->as_of = as_of;
    ck_rc rc = load_staff(db, w, region, pdu, err, err_len);
    staff_index ix = {ck_calloc(w->n_staff ? w->n_staff : 1, sizeof *ix.v), w->n_staff};
    for (size_t i = 0; i < w->n_staff; i++) ix.v[i] = &w->staff[i];
    qsort(ix.v, ix.n, sizeof *ix.v, ptr_cmp);
    if (rc == CK_OK) rc = load_reductions(db, w, &ix, region, pdu, err, err_len);
    if (rc == CK_OK) rc = load_cases(db, cfg, w, &ix, region, pdu, err, err_len);
    ck_free(ix.v);
    finish_staff(w);
    /* The staff array itself into the arena as well. */
    ck_wf_staff *staff = ck_arena_array(&w->arena, w->n_staff ? w->n_staff : 1, sizeof *staff);
    if (w->n_staff) memcpy(staff, w->staff, w->n_staff * sizeof *staff);
    ck_free(w->staff);
    w->staff = staff;
    if (rc == CK_OK) rc = load_teams(db, w, region, pdu, err, err_len);
    if (rc != CK_OK) {
        ck_workforce_free(w);
        return rc;
    }
    *out = w;
    return CK_OK;
}

ck_rc ck_workforce_load(ck_db *db, const ck_rules_config *cfg, const char *region, const char *pdu, ck_date as_of,
                        ck_workforce **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, load_in_tx(db, cfg, region, pdu, as_of, out, err, err_len), err, err_len);
}

void ck_workforce_free(ck_workforce *w)
{
    if (!w) return;
    ck_arena_free(&w->arena);
    ck_free(w);
}

const ck_wf_staff *ck_workforce_find(const ck_workforce *w, const char *code)
{
    for (size_t i = 0; i < w->n_staff; i++)
        if (ck_streq(w->staff[i].code, code)) return &w->staff[i];
    return NULL;
}

/* CRNs from a one-column query with one text parameter. */
static ck_rc crn_list(ck_db *db, const char *sql, const char *p1, const char *p2, ck_arena *a, const char ***out,
                      size_t *n, char *err, size_t err_len)
{
    *out = NULL;
    *n = 0;
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, p1);
    if (p2) ck_stmt_bind_text(st, 2, p2);
    return ck_txn_column(db, st, "cases", a, out, n, err, err_len);
}

/* ---- Staff changes ---------------------------------------------------------------- */

/* Marks every allocation of the leaver in force on or after the day. */
typedef struct leaving {
    const char *code;
    ck_date on;
    bool absence;
} leaving;

static ck_rc mark_leaving(ck_case *c, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    const leaving *l = ctx;
    for (size_t k = 0; k < c->n_allocations; k++) {
        ck_allocation *al = &c->allocations[k];
        if (!ck_streq(al->staff_code, l->code) || (al->to != CK_NODATE && al->to < l->on)) continue;
        ck_date *field = l->absence ? &al->staff_long_term_absence_from : &al->staff_left_on;
        if (*field == CK_NODATE || *field > l->on) *field = l->on;
    }
    return CK_OK;
}

ck_rc ck_workforce_staff_leaves(ck_db *db, const ck_engine *eng, const char *code, ck_date on, bool absence,
                                ck_date as_of, size_t *cases, char *err, size_t err_len)
{
    if (cases) *cases = 0;
    if (on == CK_NODATE) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "%s: expected a date", absence ? "absence_from" : "left_on");
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    /* The event only when the status changes: recording a leaver again
     * (another date) is a correction, not a second leaving. */
    const char *status = absence ? "long_term_absence" : "left";
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"status\" FROM \"staff\" WHERE \"code\" = $1", err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, code);
    int s = ck_stmt_step(st);
    bool changed = s == CK_DB_ROW && !ck_streq(ck_stmt_text(st, 0), status);
    ck_stmt_reset(st);
    if (s != CK_DB_ROW)
        return ck_txn_end(db, own,
                          s == CK_DB_DONE
                              ? ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "staff: no staff member %s", code)
                              : ck_txn_db_fail(db, "staff", err, err_len),
                          err, err_len);
    st = ck_txn_prepare(db,
                        absence ? "UPDATE \"staff\" SET \"status\" = 'long_term_absence', \"absence_from\" = $2 "
                                  "WHERE \"code\" = $1"
                                : "UPDATE \"staff\" SET \"status\" = 'left', \"left_on\" = $2 WHERE \"code\" = $1",
                        err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, code);
    ck_stmt_bind_date(st, 2, on);
    rc = ck_txn_exec(db, st, "staff", err, err_len);
    if (rc == CK_OK && changed) ck_events_add_about(db, absence ? "staff.absent" : "staff.left", code);
    ck_arena a;
    ck_arena_init(&a);
    const char **crns = NULL;
    size_t n = 0;
    char d[CK_DATE_STRLEN];
    ck_date_fmt(on, d);
    /* The cases whose allocation to the leaver was in force on the day before
     * or on the day itself (`to` >= on: rulebook v3's ALLOCATE leaver), so
     * one ending that day still gets the leaving date and its obligation. */
    if (rc == CK_OK)
        rc = crn_list(db,
                      "SELECT DISTINCT \"cases\".\"crn\" FROM \"allocations\" JOIN \"cases\" ON "
                      "\"cases\".\"case_id\" = \"allocations\".\"case_id\" WHERE \"allocations\".\"staff_code\" = $1 "
                      "AND (\"allocations\".\"to\" IS NULL OR \"allocations\".\"to\" >= $2) "
                      "ORDER BY \"cases\".\"crn\"",
                      code, d, &a, &crns, &n, err, err_len);
    leaving l = {code, on, absence};
    for (size_t i = 0; i < n && rc == CK_OK; i++)
        rc = ck_cases_edit_in_tx(db, eng, crns[i], mark_leaving, &l, as_of, err, err_len);
    if (cases) *cases = n;
    ck_arena_free(&a);
    return ck_txn_end(db, own, rc, err, err_len);
}

ck_rc ck_workforce_add_reduction(ck_db *db, const char *code, const char *reason, double hours, ck_date from,
                                 ck_date expires, char *err, size_t err_len)
{
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record s;
    ck_rc rc = ck_org_get(db, CK_ORG_STAFF, code, &a, &s, err, err_len);
    if (rc == CK_OK && hours < 0) {
        ck_wmt_reduction def;
        if (!ck_wmt_reduction_default(reason, s.contracted_hours, from, &def))
            rc = ck_txn_fail(CK_ERR_INVALID, err, err_len,
                      "hours: \"%s\" is not a standard reduction reason, so give the hours", reason ? reason : "");
        hours = def.hours;
        if (expires == CK_NODATE) expires = def.expires;
    }
    if (rc == CK_OK && (hours <= 0 || hours > s.contracted_hours))
        rc = ck_txn_fail(CK_ERR_INVALID, err, err_len, "hours: expected more than 0 and at most the %.2f contracted hours",
                  s.contracted_hours);
    ck_arena_free(&a);
    if (rc != CK_OK) return rc;
    if ((rc = ck_txn_begin_write(db, err, err_len)) != CK_OK) return rc;
    /* The next position in the member's list, then the row, in one transaction. */
    ck_stmt *st = ck_txn_prepare(db, "SELECT COALESCE(MAX(\"ord\") + 1, 0) FROM \"staff_reductions\" WHERE \"staff\" = $1",
                          err, err_len);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, code);
    int s2 = ck_stmt_step(st);
    int64_t ord = s2 == CK_DB_ROW ? ck_stmt_int(st, 0) : 0;
    ck_stmt_reset(st);
    if (s2 != CK_DB_ROW) return ck_txn_finish(db, ck_txn_db_fail(db, "staff_reductions", err, err_len), err, err_len);
    st = ck_txn_prepare(db,
                 "INSERT INTO \"staff_reductions\" (\"staff\", \"ord\", \"hours\", \"reason\", \"from\", \"expires\") "
                 "VALUES ($1, CAST($2 AS INTEGER), CAST($3 AS DOUBLE PRECISION), $4, $5, $6)",
                 err, err_len);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    char h[32];
    snprintf(h, sizeof h, "%.2f", hours);
    ck_stmt_bind_text(st, 1, code);
    ck_stmt_bind_int(st, 2, ord);
    ck_stmt_bind_text(st, 3, h);
    ck_stmt_bind_text(st, 4, reason);
    ck_stmt_bind_date(st, 5, from);
    ck_stmt_bind_date(st, 6, expires);
    return ck_txn_finish(db, ck_txn_exec(db, st, "staff_reductions", err, err_len), err, err_len);
}

ck_rc ck_workforce_set_posts(ck_db *db, const char *team, const char *grade, double fte, char *err, size_t err_len)
{
    if (!grade || !ck_vocab_find(ck_vocab_grade, grade, strlen(grade))) {
        char allowed[256];
        ck_vocab_list(ck_vocab_grade, allowed, sizeof allowed);
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "grade: expected one of %s", allowed);
    }
    if (!(fte >= 0 && fte <= 10000)) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "fte: expected 0 to 10000 posts");
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, "DELETE FROM \"team_posts\" WHERE \"team\" = $1 AND \"grade\" = $2", err, err_len);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, team);
    ck_stmt_bind_text(st, 2, grade);
    rc = ck_txn_exec(db, st, "team_posts", err, err_len);
    if (rc == CK_OK && fte > 0) {
        st = ck_txn_prepare(db, "INSERT INTO \"team_posts\" (\"team\", \"grade\", \"fte\") VALUES ($1, $2, "
                         "CAST($3 AS DOUBLE PRECISION))", err, err_len);
        if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
        char f[32];
        snprintf(f, sizeof f, "%.2f", fte);
        ck_stmt_bind_text(st, 1, team);
        ck_stmt_bind_text(st, 2, grade);
        ck_stmt_bind_text(st, 3, f);
        rc = ck_stmt_step(st) == CK_DB_DONE ? CK_OK
             : ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "team: no team %s (%s)", team, ck_db_errmsg(db));
        ck_stmt_reset(st);
    }
    return ck_txn_finish(db, rc, err, err_len);
}

/* ---- Allocation ------------------------------------------------------------------- */

/* The unmet ALLOCATE obligations of a PDU (NULL: everywhere) and a team (NULL:
 * every team), by due date then CRN, into l (strings in its arena). */
static ck_rc needs_read(ck_db *db, const char *pdu, const char *team, ck_alloc_needs *l, char *err, size_t err_len)
{
    /* Only the filters given are in the SQL: "($1 IS NULL OR pdu_code = $1)"
     * kept SQLite from the PDU's index (a scan of every obligation in the
     * country: most of the allocation board's time). */
#define NEEDS_SQL(filter)                                                                                          \
    "SELECT \"cases\".\"crn\", \"obligations\".\"staff_code\", \"obligations\".\"team_code\", "                 \
    "\"obligations\".\"subject\", \"obligations\".\"explanation\", \"obligations\".\"due\" "                     \
    "FROM \"obligations\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" "                \
    "WHERE \"obligations\".\"rule\" = 'ALLOCATE' AND \"obligations\".\"status\" = 'unmet'" filter                 \
    " ORDER BY \"obligations\".\"due\", \"cases\".\"crn\", \"obligations\".\"subject\""
    static const char *const sql[2][2] = {
        {NEEDS_SQL(""), NEEDS_SQL(" AND CAST($1 AS TEXT) IS NULL AND \"obligations\".\"team_code\" = $2")},
        {NEEDS_SQL(" AND \"obligations\".\"pdu_code\" = $1"),
         NEEDS_SQL(" AND \"obligations\".\"pdu_code\" = $1 AND \"obligations\".\"team_code\" = $2")},
    };
#undef NEEDS_SQL
    ck_stmt *st = ck_txn_prepare(db, sql[pdu != NULL][team != NULL], err, err_len);
    if (!st) return CK_ERR_DB;
    if (pdu || team) ck_stmt_bind_text(st, 1, pdu);
    if (team) ck_stmt_bind_text(st, 2, team);
    ck_alloc_need *v = NULL;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "obligations", &rc, err, err_len)) {
        v = ck_realloc(v, (l->n + 1) * sizeof *v);
        /* The stored recipe's words (core/ck_explain): the board shows them. */
        v[l->n++] = (ck_alloc_need){col(st, 0, &l->arena), col(st, 1, &l->arena), col(st, 2, &l->arena),
                                    col(st, 3, &l->arena), ck_explain_text(col(st, 4, &l->arena), &l->arena),
                                    ck_stmt_date(st, 5)};
    }
    ck_stmt_reset(st);
    l->items = ck_arena_array(&l->arena, l->n ? l->n : 1, sizeof *v);
    if (l->n) memcpy(l->items, v, l->n * sizeof *v);
    ck_free(v);
    return rc;
}

ck_rc ck_alloc_needs_load(ck_db *db, const char *pdu, ck_alloc_needs **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_alloc_needs *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    ck_rc rc = needs_read(db, pdu, NULL, l, err, err_len);
    if (rc != CK_OK) {
        ck_alloc_needs_free(l);
        return rc;
    }
    *out = l;
    return CK_OK;
}

void ck_alloc_needs_free(ck_alloc_needs *n)
{
    if (!n) return;
    ck_arena_free(&n->arena);
    ck_free(n);
}

/* Where case crn is held now: its team, office, PDU and region, and its
 * current practitioner (strings in a; NULL when unknown). */
typedef struct case_place {
    const char *team, *office, *pdu, *region, *staff;
} case_place;

static ck_rc place_of(ck_db *db, const char *crn, ck_arena *a, case_place *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    ck_stmt *st = ck_txn_prepare(db,
                          "SELECT \"cases\".\"team_code\", \"teams\".\"office\", \"cases\".\"pdu_code\", "
                          "\"pdus\".\"region\", \"cases\".\"staff_code\" FROM \"cases\" "
                          "LEFT JOIN \"teams\" ON \"teams\".\"code\" = \"cases\".\"team_code\" "
                          "LEFT JOIN \"pdus\" ON \"pdus\".\"code\" = \"cases\".\"pdu_code\" WHERE \"cases\".\"crn\" = $1",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, crn);
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) {
        out->team = col(st, 0, a);
        out->office = col(st, 1, a);
        out->pdu = col(st, 2, a);
        out->region = col(st, 3, a);
        out->staff = col(st, 4, a);
    }
    ck_stmt_reset(st);
    if (s == CK_DB_DONE) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "crn: no case %s", crn);
    return s == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, "cases", err, err_len);
}

static ck_alloc_case alloc_case_of(const ck_wf_case *p, const case_place *pl)
{
    return (ck_alloc_case){p->crn, p->rosh, p->mappa, p->has_type, {p->tier, p->type},
                           pl->team, pl->office, pl->pdu, pl->staff};
}

/* The workforce as candidates (pointing into w). */
static ck_alloc_candidate *candidates_of(const ck_workforce *w)
{
    ck_alloc_candidate *v = ck_calloc(w->n_staff ? w->n_staff : 1, sizeof *v);
    for (size_t i = 0; i < w->n_staff; i++) {
        const ck_wf_staff *p = &w->staff[i];
        size_t typed = 0;
        for (size_t k = 0; k < p->n_cases; k++) typed += p->cases[k].has_type;
        v[i] = (ck_alloc_candidate){p->code, p->grade, p->team, p->office, p->pdu, p->in_post,
                                    {p->grade, p->contracted_hours, p->wmt_cases, typed, p->reports, p->n_reports,
                                     p->reductions, p->n_reductions}};
    }
    return v;
}

/* ck_alloc_rank_case inside the caller's transaction. */
static ck_rc rank_in_tx(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *crn, ck_date as_of,
                        ck_workforce **wf, ck_alloc_ranking *out, char *err, size_t err_len)
{
    ck_arena a;
    ck_arena_init(&a);
    case_place pl;
    ck_wprofile prof;
    ck_rc rc = place_of(db, crn, &a, &pl, err, err_len);
    if (rc == CK_OK) rc = profile_by_crn(db, eng->cfg, crn, as_of, &prof, err, err_len);
    if (rc == CK_OK && !pl.pdu)
        rc = ck_txn_fail(CK_ERR_CONFLICT, err, err_len, "crn: case %s is held by no team of the organisation, so nobody "
                  "can be ranked for it", crn);
    if (rc == CK_OK) rc = load_in_tx(db, eng->cfg, NULL, pl.pdu, as_of, wf, err, err_len);
    if (rc == CK_OK) {
        ck_wf_case p;
        wf_case_of(crn, &prof, &a, &p);
        ck_alloc_case ac = alloc_case_of(&p, &pl);
        ck_alloc_candidate *cands = candidates_of(*wf);
        ck_alloc_rank(&mc->alloc, &ac, cands, (*wf)->n_staff, as_of, out);
        ck_free(cands);
    }
    ck_arena_free(&a);
    return rc;
}

ck_rc ck_alloc_rank_case(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *crn, ck_date as_of,
                         ck_workforce **wf, ck_alloc_ranking *out, char *err, size_t err_len)
{
    *wf = NULL;
    memset(out, 0, sizeof *out);
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_txn_finish(db, rank_in_tx(db, eng, mc, crn, as_of, wf, out, err, err_len), err, err_len);
    if (rc != CK_OK) {
        ck_alloc_ranking_free(out);
        ck_workforce_free(*wf);
        *wf = NULL;
    }
    return rc;
}

const ck_alloc_choice *ck_alloc_choice_of(const ck_workforce *wf, const ck_alloc_ranking *rk, const char *staff)
{
    for (size_t i = 0; wf && i < rk->n; i++)
        if (ck_streq(wf->staff[rk->choices[i].candidate].code, staff)) return &rk->choices[i];
    return NULL;
}

bool ck_alloc_needs_reason(const ck_alloc_choice *ch) { return ch && ch->over_after; }

bool ck_alloc_reason_given(const char *reason) { return reason && reason[strspn(reason, " \t\r\n")] != '\0'; }

/* The over-capacity rule, inside the caller's write transaction: *over when
 * staff would be above 100% with case crn, refused unless a reason is given. */
static ck_rc capacity_rule(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *crn,
                           const char *staff, const char *reason, ck_date as_of, bool *over, char *err, size_t err_len)
{
    *over = false;
    ck_workforce *wf = NULL;
    ck_alloc_ranking rk = {0};
    ck_rc rc = rank_in_tx(db, eng, mc, crn, as_of, &wf, &rk, err, err_len);
    const ck_alloc_choice *ch = rc == CK_OK ? ck_alloc_choice_of(wf, &rk, staff) : NULL;
    *over = ck_alloc_needs_reason(ch);
    if (*over && !ck_alloc_reason_given(reason))
        rc = ck_txn_fail(CK_ERR_INVALID, err, err_len,
                         "reason: %s would be at %d.%d%% of capacity with case %s (over 100%%); give the reason to "
                         "allocate it to them anyway", staff, ch->capacity_after_permille / 10,
                         ch->capacity_after_permille % 10, crn);
    ck_alloc_ranking_free(&rk);
    ck_workforce_free(wf);
    return rc;
}

/* What hand_over needs besides the case. */
typedef struct handover {
    const ck_engine *eng;
    const ck_manage_cfg *mc;
    const ck_org_record *staff; /* the new holder */
    ck_date on;
} handover;

/* Checks the grade rule, ends the allocation in force and adds the new one
 * from the handover day. */
static ck_rc hand_over(ck_case *c, void *ctx, char *err, size_t err_len)
{
    const handover *h = ctx;
    const char *staff = h->staff->code;
    ck_arena a;
    ck_arena_init(&a);
    ck_wf_case p;
    case_profile(c, h->eng->cfg, h->on, &a, &p);
    char why[200];
    ck_rc rc = CK_OK;
    if (!ck_alloc_grade_allows(&h->mc->alloc, h->staff->grade, p.rosh, p.mappa, why, sizeof why))
        rc = ck_txn_fail(CK_ERR_CONFLICT, err, err_len, "staff: %s may not hold case %s: %s", staff, c->crn, why);
    ck_arena_free(&a);
    if (rc != CK_OK) return rc;
    const ck_allocation *now = ck_allocation_current(c, h->on);
    if (now && ck_streq(now->staff_code, staff))
        return ck_txn_fail(CK_ERR_CONFLICT, err, err_len, "staff: case %s is already allocated to %s", c->crn, staff);
    for (size_t k = 0; k < c->n_allocations; k++) {
        ck_allocation *al = &c->allocations[k];
        if (!ck_allocation_in_force(al, h->on)) continue;
        /* `to` is the first day an allocation no longer applies (rulebook
         * v3): the new one holds the case from the handover day. One whose
         * practitioner left that day was in force the day before, so the
         * ALLOCATE (leaver) rule still finds it, met by the new one. */
        al->to = h->on;
    }
    char id[32];
    for (size_t k = c->n_allocations + 1;; k++) {
        snprintf(id, sizeof id, "AL%zu", k);
        if (!ck_store_find_record(c, "allocations", id, NULL)) break;
    }
    ck_allocation rec = {id, h->on, CK_NODATE, staff, h->staff->grade, CK_NODATE, CK_NODATE};
    size_t ord;
    return ck_store_append(c, "allocations", &rec, &ord, err, err_len);
}

/* The one place a case changes hands, inside the caller's transaction: the
 * staff member must be in post, then hand_over changes the case and
 * ck_cases writes it with its obligations. When accounts land, the audit
 * record of the allocation (who, which case, from whom, to whom) is written
 * here, so every allocation path is audited. */
static ck_rc allocate_in_tx(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *crn,
                            const char *staff, ck_date as_of, char *err, size_t err_len)
{
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record s;
    ck_rc rc = ck_org_get(db, CK_ORG_STAFF, staff, &a, &s, err, err_len);
    if (rc == CK_ERR_NOTFOUND) rc = ck_txn_fail(CK_ERR_INVALID, err, err_len, "staff: no staff member %s", staff);
    if (rc == CK_OK && (!ck_streq(s.status, "in_post") || (s.left_on != CK_NODATE && s.left_on <= as_of) ||
                        (s.absence_from != CK_NODATE && s.absence_from <= as_of)))
        rc = ck_txn_fail(CK_ERR_CONFLICT, err, err_len, "staff: %s is not in post (status %s)", staff, s.status);
    handover h = {eng, mc, &s, as_of};
    if (rc == CK_OK) rc = ck_cases_edit_in_tx(db, eng, crn, hand_over, &h, as_of, err, err_len);
    ck_arena_free(&a);
    return rc;
}

ck_rc ck_alloc_allocate(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *crn, const char *staff,
                        const char *reason, ck_date as_of, bool *over, char *err, size_t err_len)
{
    bool own, was_over = false;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    rc = capacity_rule(db, eng, mc, crn, staff, reason, as_of, &was_over, err, err_len);
    if (rc == CK_OK) rc = allocate_in_tx(db, eng, mc, crn, staff, as_of, err, err_len);
    if (over) *over = was_over;
    return ck_txn_end(db, own, rc, err, err_len);
}

/* Who takes each of from's cases (to, else the plan of ck_alloc_plan over
 * from's PDU) into m, with the people's names and the capacity after each
 * move, inside the caller's transaction. CK_ERR_CONFLICT naming the first
 * case nobody may take. */
static ck_rc plan_moves(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *from, const char *to,
                        ck_date as_of, ck_alloc_moves *m, char *err, size_t err_len)
{
    ck_arena org;
    ck_arena_init(&org);
    ck_org_record fs, team;
    ck_rc rc = ck_org_get(db, CK_ORG_STAFF, from, &org, &fs, err, err_len);
    const char **crns = NULL;
    size_t n = 0;
    if (rc == CK_OK)
        rc = crn_list(db, "SELECT \"crn\" FROM \"cases\" WHERE \"staff_code\" = $1 ORDER BY \"crn\"", from, NULL,
                      &m->arena, &crns, &n, err, err_len);
    const char **dest = ck_arena_array(&m->arena, n ? n : 1, sizeof *dest);
    ck_alloc_move_info *info = ck_arena_array(&m->arena, n ? n : 1, sizeof *info);
    for (size_t i = 0; i < n; i++) info[i].capacity_after_permille = -1;
    ck_workforce *w = NULL;
    if (rc == CK_OK && n) rc = ck_org_get(db, CK_ORG_TEAM, fs.team, &org, &team, err, err_len);
    if (rc == CK_OK && n) rc = load_in_tx(db, eng->cfg, NULL, team.pdu, as_of, &w, err, err_len);
    const ck_wf_staff *leaver = w ? ck_workforce_find(w, from) : NULL;
    if (rc == CK_OK && to) {
        for (size_t i = 0; i < n; i++) dest[i] = to;
    } else if (rc == CK_OK && leaver) {
        ck_alloc_case *cases = ck_calloc(leaver->n_cases ? leaver->n_cases : 1, sizeof *cases);
        size_t *pick = ck_calloc(leaver->n_cases ? leaver->n_cases : 1, sizeof *pick);
        int *after = ck_calloc(leaver->n_cases ? leaver->n_cases : 1, sizeof *after);
        for (size_t i = 0; i < leaver->n_cases && rc == CK_OK; i++) {
            case_place pl;
            rc = place_of(db, leaver->cases[i].crn, &org, &pl, err, err_len);
            cases[i] = alloc_case_of(&leaver->cases[i], &pl);
        }
        ck_alloc_candidate *cands = candidates_of(w);
        if (rc == CK_OK) ck_alloc_plan(&mc->alloc, cases, leaver->n_cases, cands, w->n_staff, as_of, pick, after);
        /* The plan is in the workforce's case order (by CRN, as crns). */
        for (size_t i = 0; i < n && rc == CK_OK; i++) {
            dest[i] = NULL;
            for (size_t k = 0; k < leaver->n_cases; k++)
                if (ck_streq(leaver->cases[k].crn, crns[i]) && pick[k] != SIZE_MAX) {
                    dest[i] = ck_arena_strdup(&m->arena, w->staff[pick[k]].code);
                    info[i].capacity_after_permille = after[k];
                }
            if (!dest[i])
                rc = ck_txn_fail(CK_ERR_CONFLICT, err, err_len,
                          "case %s: nobody in the PDU may take it (grade rule, capacity figures or staff in post)",
                          crns[i]);
        }
        ck_free(cands);
        ck_free(cases);
        ck_free(pick);
        ck_free(after);
    } else if (rc == CK_OK && n) {
        rc = ck_txn_fail(CK_ERR_CONFLICT, err, err_len, "from: %s is not in the workforce of their PDU", from);
    }
    /* The names a person reads the moves by. */
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        const ck_wf_staff *p = w ? ck_workforce_find(w, dest[i]) : NULL;
        if (p) {
            info[i].staff_forename = ck_arena_strdup(&m->arena, p->forename);
            info[i].staff_surname = ck_arena_strdup(&m->arena, p->surname);
        }
        rc = ck_caseload_names(db, crns[i], &m->arena, &info[i].forename, &info[i].surname, err, err_len);
    }
    ck_workforce_free(w);
    ck_arena_free(&org);
    m->crn = crns;
    m->staff = dest;
    m->info = info;
    m->n = n;
    return rc;
}

static ck_alloc_moves *moves_new(void)
{
    ck_alloc_moves *m = ck_calloc(1, sizeof *m);
    ck_arena_init(&m->arena);
    return m;
}

ck_rc ck_alloc_reallocate_preview(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *from,
                                  const char *to, ck_date as_of, ck_alloc_moves **out, char *err, size_t err_len)
{
    *out = NULL;
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_alloc_moves *m = moves_new();
    rc = ck_txn_end(db, own, plan_moves(db, eng, mc, from, to, as_of, m, err, err_len), err, err_len);
    if (rc != CK_OK) ck_alloc_moves_free(m);
    else *out = m;
    return rc;
}

ck_rc ck_alloc_reallocate(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *from, const char *to,
                          ck_date as_of, ck_alloc_moves **moved, char *err, size_t err_len)
{
    if (moved) *moved = NULL;
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_alloc_moves *m = moves_new();
    rc = plan_moves(db, eng, mc, from, to, as_of, m, err, err_len);
    for (size_t i = 0; i < m->n && rc == CK_OK; i++) {
        rc = allocate_in_tx(db, eng, mc, m->crn[i], m->staff[i], as_of, err, err_len);
        if (rc != CK_OK) {
            char inner[512];
            snprintf(inner, sizeof inner, "%s", err);
            ck_txn_fail(rc, err, err_len, "case %s: %s", m->crn[i], inner);
        }
    }
    rc = ck_txn_end(db, own, rc, err, err_len);
    if (rc != CK_OK || !moved) ck_alloc_moves_free(m);
    else *moved = m;
    return rc;
}

void ck_alloc_moves_free(ck_alloc_moves *m)
{
    if (!m) return;
    ck_arena_free(&m->arena);
    ck_free(m);
}

/* ---- The allocation board ------------------------------------------------------- */

static ck_rc board_case(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const ck_alloc_candidate *cands,
                        ck_alloc_board *b, const ck_alloc_need *need, ck_date as_of, char *err, size_t err_len)
{
    ck_alloc_board_case *bc = &b->cases[b->n++];
    memset(bc, 0, sizeof *bc);
    bc->crn = need->crn;
    bc->due = need->due;
    bc->explanation = need->explanation;
    bc->lost = strncmp(need->subject, "allocation:", 11) == 0;
    case_place pl;
    ck_wprofile prof;
    ck_rc rc = place_of(db, need->crn, &b->arena, &pl, err, err_len);
    if (rc == CK_OK) rc = profile_by_crn(db, eng->cfg, need->crn, as_of, &prof, err, err_len);
    if (rc == CK_OK) rc = ck_caseload_names(db, need->crn, &b->arena, &bc->forename, &bc->surname, err, err_len);
    if (rc == CK_OK) {
        bc->team = pl.team;
        bc->staff_code = pl.staff;
        wf_case_of(need->crn, &prof, &b->arena, &bc->profile);
        ck_alloc_case ac = alloc_case_of(&bc->profile, &pl);
        ck_alloc_rank(&mc->alloc, &ac, cands, b->wf->n_staff, as_of, &bc->ranking);
    }
    return rc;
}

static ck_rc board_in_tx(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *pdu, const char *team,
                         ck_date as_of, ck_alloc_board *b, char *err, size_t err_len)
{
    ck_alloc_needs needs = {.n = 0};
    ck_arena_init(&needs.arena);
    ck_rc rc = needs_read(db, pdu, team, &needs, err, err_len);
    if (rc == CK_OK) rc = load_in_tx(db, eng->cfg, NULL, pdu, as_of, &b->wf, err, err_len);
    if (rc == CK_OK) {
        /* A case may owe more than one allocation (a leaver's, then another's):
         * it is listed once, at its earliest due date (needs come by due). */
        b->cases = ck_arena_array(&b->arena, needs.n ? needs.n : 1, sizeof *b->cases);
        ck_alloc_candidate *cands = candidates_of(b->wf);
        for (size_t i = 0; i < needs.n && rc == CK_OK; i++) {
            bool seen = false;
            for (size_t k = 0; k < b->n && !seen; k++) seen = ck_streq(b->cases[k].crn, needs.items[i].crn);
            if (seen) continue;
            ck_alloc_need *n = &needs.items[i];
            ck_alloc_need copy = {ck_arena_strdup(&b->arena, n->crn), NULL, NULL, ck_arena_strdup(&b->arena, n->subject),
                                  ck_arena_strdup(&b->arena, n->explanation), n->due};
            rc = board_case(db, eng, mc, cands, b, &copy, as_of, err, err_len);
        }
        ck_free(cands);
        b->gone = ck_arena_array(&b->arena, b->wf->n_staff ? b->wf->n_staff : 1, sizeof *b->gone);
        for (size_t i = 0; i < b->wf->n_staff; i++) {
            const ck_wf_staff *p = &b->wf->staff[i];
            if (!p->in_post && p->n_cases && (!team || ck_streq(p->team, team))) b->gone[b->n_gone++] = p;
        }
    }
    ck_arena_free(&needs.arena);
    return rc;
}

ck_rc ck_alloc_board_load(ck_db *db, const ck_engine *eng, const ck_manage_cfg *mc, const char *pdu, const char *team,
                          ck_date as_of, ck_alloc_board **out, char *err, size_t err_len)
{
    *out = NULL;
    if (!pdu || !*pdu) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "pdu: expected a PDU code");
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_alloc_board *b = ck_calloc(1, sizeof *b);
    ck_arena_init(&b->arena);
    b->as_of = as_of;
    b->pdu = ck_arena_strdup(&b->arena, pdu);
    b->team = ck_arena_strdup(&b->arena, team);
    ck_arena org;
    ck_arena_init(&org);
    ck_org_record rec;
    rc = ck_org_get(db, CK_ORG_PDU, pdu, &org, &rec, err, err_len);
    if (rc == CK_ERR_NOTFOUND) rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "pdu: no PDU %s", pdu);
    if (rc == CK_OK && team) {
        rc = ck_org_get(db, CK_ORG_TEAM, team, &org, &rec, err, err_len);
        if (rc == CK_OK && !ck_streq(rec.pdu, pdu))
            rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "team: no team %s in PDU %s", team, pdu);
        else if (rc == CK_ERR_NOTFOUND)
            rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "team: no team %s", team);
    }
    ck_arena_free(&org);
    if (rc == CK_OK) rc = board_in_tx(db, eng, mc, pdu, team, as_of, b, err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        ck_alloc_board_free(b);
        return rc;
    }
    *out = b;
    return CK_OK;
}

void ck_alloc_board_free(ck_alloc_board *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n; i++) ck_alloc_ranking_free(&b->cases[i].ranking);
    ck_workforce_free(b->wf);
    ck_arena_free(&b->arena);
    ck_free(b);
}
