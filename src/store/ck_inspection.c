/* ck_inspection: see ck_inspection.h. */
#include "ck_inspection.h"
#include "ck_sample.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail ck_txn_fail
#define db_fail ck_txn_db_fail
#define finish ck_txn_finish
#define prepare ck_txn_prepare

static json_t *jdate(ck_date d)
{
    char s[CK_DATE_STRLEN];
    return d == CK_NODATE ? json_null() : json_string(ck_date_fmt(d, s));
}

static json_t *jtext(const char *s) { return s ? json_string(s) : json_null(); }

/* ---- Streaming the obligations of a PDU or region, one case at a time -------- */

typedef struct row_extra {
    const char *crn, *subject, *explanation;
} row_extra;

typedef void (*case_fn)(void *ctx, const ck_inspect_item *items, const row_extra *extras, size_t n);

/* Every rule a key question reads, for the SQL below; CONTACT is fetched
 * whatever its due date, as a link can run through the period. */
#define RULES_SQL "'ROSH_INITIAL', 'DA_CHECK', 'CHILD_CHECK', 'DA_FLAG_DECISION', 'SENTENCE_PLAN', " \
                  "'INDUCTION', 'ENFORCE', 'ROSH_CHANGE', 'ROSH_REVIEW', 'VCS_REFERRAL', "            \
                  "'VCS_FIRST_CONTACT', 'VCS_RELEASE_NOTICE'"

static const char STREAM_SQL[] =
    "SELECT \"obligations\".\"case_id\", \"cases\".\"crn\", \"obligations\".\"rule\", \"obligations\".\"subject\", "
    "\"obligations\".\"due\", \"obligations\".\"met_on\", \"obligations\".\"explanation\", \"contacts\".\"date\" "
    "FROM \"obligations\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" "
    "LEFT JOIN \"contacts\" ON \"obligations\".\"rule\" = 'CONTACT' AND \"contacts\".\"case_id\" = "
    "\"obligations\".\"case_id\" AND \"obligations\".\"subject\" = 'contact:' || \"contacts\".\"id\" "
    "WHERE (CAST($1 AS TEXT) IS NULL OR \"obligations\".\"pdu_code\" IN "
    "(SELECT \"code\" FROM \"pdus\" WHERE \"region\" = $1)) "
    "AND (CAST($2 AS TEXT) IS NULL OR \"obligations\".\"pdu_code\" = $2) "
    "AND ((\"obligations\".\"rule\" IN (" RULES_SQL ") AND \"obligations\".\"due\" >= $3 "
    "AND \"obligations\".\"due\" <= $4) "
    "OR (\"obligations\".\"rule\" = 'CONTACT' AND \"obligations\".\"due\" <= $4 "
    "AND (\"obligations\".\"met_on\" IS NULL OR \"obligations\".\"met_on\" >= $3))) "
    "ORDER BY \"obligations\".\"case_id\", \"obligations\".\"rule\", \"obligations\".\"subject\"";

static ck_rc stream(ck_db *db, const char *region, const char *pdu, const ck_inspect_period *p, bool extras,
                    case_fn fn, void *ctx, char *err, size_t err_len)
{
    ck_stmt *st = prepare(db, STREAM_SQL, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, region);
    ck_stmt_bind_text(st, 2, pdu);
    ck_stmt_bind_date(st, 3, p->from);
    ck_stmt_bind_date(st, 4, p->to);
    ck_inspect_item *items = NULL;
    row_extra *ex = NULL;
    size_t n = 0, cap = 0;
    int64_t current = -1;
    ck_arena a; /* one case's strings */
    ck_arena_init(&a);
    ck_rc rc = CK_OK;
    for (;;) {
        int s = ck_stmt_step(st);
        if (s != CK_DB_ROW && s != CK_DB_DONE) {
            rc = db_fail(db, "obligations", err, err_len);
            break;
        }
        int64_t id = s == CK_DB_ROW ? ck_stmt_int(st, 0) : -1;
        if ((s == CK_DB_DONE || id != current) && n) {
            fn(ctx, items, ex, n);
            n = 0;
            ck_arena_free(&a);
            ck_arena_init(&a);
        }
        if (s == CK_DB_DONE) break;
        current = id;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            items = ck_realloc(items, cap * sizeof *items);
            ex = ck_realloc(ex, cap * sizeof *ex);
        }
        const char *rule = ck_stmt_text(st, 2);
        const char *interned = ck_vocab_find(ck_vocab_rule, rule, strlen(rule));
        items[n] = (ck_inspect_item){interned ? interned : ck_arena_strdup(&a, rule), ck_stmt_date(st, 4),
                                     ck_stmt_date(st, 5), ck_stmt_date(st, 7)};
        ex[n] = (row_extra){NULL, NULL, NULL};
        if (extras || n == 0)
            ex[n].crn = ck_arena_strdup(&a, ck_stmt_text(st, 1));
        if (extras) {
            ex[n].subject = ck_arena_strdup(&a, ck_stmt_text(st, 3));
            ex[n].explanation = ck_arena_strdup(&a, ck_stmt_text(st, 6));
        }
        n++;
    }
    ck_stmt_reset(st);
    ck_arena_free(&a);
    ck_free(items);
    ck_free(ex);
    return rc;
}

/* ---- Computing ------------------------------------------------------------------ */

static ck_rc org_entries(ck_db *db, ck_inspection *x, char *err, size_t err_len)
{
    ck_stmt *st = prepare(db,
                          "SELECT \"standard\", \"rating\", \"evidence\", \"entered_by\", \"entered_on\" FROM "
                          "\"inspection_org_ratings\" WHERE \"pdu\" = $1 AND \"entered_on\" <= $2 "
                          "ORDER BY \"standard\", \"entered_on\", \"rating_id\"",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, x->pdu);
    ck_stmt_bind_date(st, 2, x->period.as_of);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "inspection_org_ratings", &rc, err, err_len)) {
        ck_standard sd;
        int64_t r = ck_stmt_int(st, 1);
        if (!ck_standard_parse(ck_stmt_text(st, 0), &sd) || ck_standard_is_case(sd) || r < 0 || r > 3) continue;
        x->org[sd] = (ck_org_entry){true, (ck_rating)r, ck_arena_strdup(&x->arena, ck_stmt_text(st, 2)),
                                    ck_arena_strdup(&x->arena, ck_stmt_text(st, 3)), ck_stmt_date(st, 4)};
    }
    ck_stmt_reset(st);
    return rc;
}

/* The name (and region) of a PDU or the name of a region. */
static ck_rc name_of(ck_db *db, ck_inspection *x, char *err, size_t err_len)
{
    const char *sql = x->pdu ? "SELECT \"name\", \"region\" FROM \"pdus\" WHERE \"code\" = $1"
                             : "SELECT \"name\", \"code\" FROM \"regions\" WHERE \"code\" = $1";
    ck_stmt *st = prepare(db, sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, x->pdu ? x->pdu : x->region);
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) {
        x->name = ck_arena_strdup(&x->arena, ck_stmt_text(st, 0));
        x->region = ck_arena_strdup(&x->arena, ck_stmt_text(st, 1));
    }
    ck_stmt_reset(st);
    if (s == CK_DB_DONE)
        return fail(CK_ERR_NOTFOUND, err, err_len, "%s: no %s with code %s", x->pdu ? "pdu" : "region",
                    x->pdu ? "PDU" : "region", x->pdu ? x->pdu : x->region);
    return s == CK_DB_ROW ? CK_OK : db_fail(db, "organisation", err, err_len);
}

static ck_rc check_period(const ck_inspect_period *p, char *err, size_t err_len)
{
    if (p->from == CK_NODATE || p->to == CK_NODATE || p->as_of == CK_NODATE)
        return fail(CK_ERR_INVALID, err, err_len, "from: expected the period's dates and as_of");
    if (p->from > p->to) return fail(CK_ERR_INVALID, err, err_len, "to: expected a date on or after from");
    if (p->to - p->from > 3660) return fail(CK_ERR_INVALID, err, err_len, "to: expected a period of at most ten years");
    return CK_OK;
}

/* A new inspection of a PDU or region for period p, named and with its
 * organisational entries at p's as_of; the counts come after. */
static ck_rc start(ck_db *db, const char *region, const char *pdu, const ck_inspect_period *p, ck_inspection **out,
                   char *err, size_t err_len)
{
    ck_inspection *x = ck_calloc(1, sizeof *x);
    ck_arena_init(&x->arena);
    x->pdu = ck_arena_strdup(&x->arena, pdu);
    x->region = ck_arena_strdup(&x->arena, region);
    x->period = *p;
    ck_rc rc = name_of(db, x, err, err_len);
    if (rc == CK_OK && x->pdu) rc = org_entries(db, x, err, err_len);
    if (rc != CK_OK) {
        ck_inspection_free(x);
        return rc;
    }
    *out = x;
    return CK_OK;
}

/* Rates x from the counts in acc. */
static void score(ck_inspection *x, const ck_inspect_acc *acc, const ck_rules_config *cfg, const ck_inspect_bands *bands)
{
    x->cases = acc->cases;
    ck_org_rating org[CK_ORG_STANDARDS];
    for (int i = 0; i < CK_ORG_STANDARDS; i++) org[i] = (ck_org_rating){x->org[i].set, x->org[i].rating};
    ck_rating_thresholds t = ck_inspect_thresholds(cfg);
    ck_inspect_score_compute(acc->counts, org, &t, bands, &x->score);
}

/* Many periods of one PDU or region from one pass over its obligations:
 * each case's obligations go to every period's accumulator, which counts
 * only what falls in its own period. */
typedef struct multi {
    ck_inspect_acc *acc;
    size_t n;
} multi;

static void add_case_multi(void *ctx, const ck_inspect_item *items, const row_extra *ex, size_t n)
{
    (void)ex;
    multi *m = ctx;
    for (size_t i = 0; i < m->n; i++) ck_inspect_add_case(&m->acc[i], items, n, NULL);
}

/* Computes xs[0..n) (started, each with its period) in one stream. */
static ck_rc compute_many(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, ck_inspection **xs,
                          size_t n, char *err, size_t err_len)
{
    if (n == 0) return CK_OK;
    multi m = {ck_calloc(n, sizeof *m.acc), n};
    ck_inspect_period all = xs[0]->period;
    for (size_t i = 0; i < n; i++) {
        ck_inspect_init(&m.acc[i], &xs[i]->period);
        if (xs[i]->period.from < all.from) all.from = xs[i]->period.from;
        if (xs[i]->period.to > all.to) all.to = xs[i]->period.to;
    }
    ck_rc rc = stream(db, xs[0]->pdu ? NULL : xs[0]->region, xs[0]->pdu, &all, false, add_case_multi, &m, err, err_len);
    for (size_t i = 0; i < n; i++) {
        score(xs[i], &m.acc[i], cfg, bands);
        ck_inspect_free(&m.acc[i]);
    }
    ck_free(m.acc);
    return rc;
}

static ck_rc compute_in_tx(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *region,
                           const char *pdu, const ck_inspect_period *p, ck_inspection **out, char *err,
                           size_t err_len)
{
    ck_inspection *x = NULL;
    ck_rc rc = start(db, region, pdu, p, &x, err, err_len);
    if (rc == CK_OK) rc = compute_many(db, cfg, bands, &x, 1, err, err_len);
    if (rc != CK_OK) {
        ck_inspection_free(x);
        return rc;
    }
    *out = x;
    return CK_OK;
}

ck_rc ck_inspection_compute(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *region,
                            const char *pdu, const ck_inspect_period *p, ck_inspection **out, char *err,
                            size_t err_len)
{
    *out = NULL;
    ck_rc rc = check_period(p, err, err_len);
    if (rc == CK_OK && !pdu && !region) rc = fail(CK_ERR_INVALID, err, err_len, "pdu: expected a PDU or a region");
    if (rc != CK_OK || (rc = ck_txn_begin_read(db, err, err_len)) != CK_OK) return rc;
    return finish(db, compute_in_tx(db, cfg, bands, region, pdu, p, out, err, err_len), err, err_len);
}

void ck_inspection_free(ck_inspection *x)
{
    if (!x) return;
    ck_arena_free(&x->arena);
    ck_free(x);
}

static json_t *pct_json(const ck_met_count *c)
{
    double v = ck_met_pct(c);
    return v < 0 ? json_null() : json_real(v);
}

json_t *ck_inspection_to_json(const ck_inspection *x)
{
    json_t *j = json_object();
    json_object_set_new(j, x->pdu ? "pdu" : "region", json_string(x->pdu ? x->pdu : x->region));
    json_object_set_new(j, "name", jtext(x->name));
    if (x->pdu) json_object_set_new(j, "region", jtext(x->region));
    json_object_set_new(j, "from", jdate(x->period.from));
    json_object_set_new(j, "to", jdate(x->period.to));
    json_object_set_new(j, "as_of", jdate(x->period.as_of));
    json_object_set_new(j, "cases", json_integer((json_int_t)x->cases));
    json_t *stds = json_array();
    for (int s = 0; s < CK_STANDARDS; s++) {
        const ck_standard_score *ss = &x->score.standards[s];
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(ck_standard_key((ck_standard)s)));
        json_object_set_new(o, "title", json_string(ck_standard_title((ck_standard)s)));
        json_object_set_new(o, "kind", json_string(ck_standard_is_case((ck_standard)s) ? "case" : "organisational"));
        json_object_set_new(o, "rating", ss->rated ? json_string(ck_rating_name(ss->rating)) : json_null());
        json_object_set_new(o, "points", json_integer(ss->rated ? (json_int_t)ss->rating : 0));
        if (ck_standard_is_case((ck_standard)s)) {
            json_object_set_new(o, "lowest_key_question",
                                ss->lowest_measure >= 0 ? json_string(ck_measures[ss->lowest_measure].key) : json_null());
            json_t *kq = json_array();
            for (int m = 0; m < CK_MEASURES; m++) {
                if ((int)ck_measures[m].standard != s) continue;
                json_t *q = json_object();
                json_object_set_new(q, "key", json_string(ck_measures[m].key));
                json_object_set_new(q, "title", json_string(ck_measures[m].title));
                json_object_set_new(q, "met", json_integer(x->score.measures[m].met));
                json_object_set_new(q, "counted", json_integer(x->score.measures[m].counted));
                json_object_set_new(q, "unit", json_string(ck_measures[m].kind == CK_MEASURE_CONTACT_DAYS ? "case_days"
                                                                                                        : "obligations"));
                json_object_set_new(q, "percent", pct_json(&x->score.measures[m]));
                json_array_append_new(kq, q);
            }
            json_object_set_new(o, "key_questions", kq);
        } else if (x->pdu) {
            const ck_org_entry *e = &x->org[s];
            json_object_set_new(o, "evidence", e->set ? jtext(e->evidence) : json_null());
            json_object_set_new(o, "entered_by", e->set ? jtext(e->entered_by) : json_null());
            json_object_set_new(o, "entered_on", e->set ? jdate(e->entered_on) : json_null());
        }
        json_array_append_new(stds, o);
    }
    json_object_set_new(j, "standards", stds);
    json_object_set_new(j, "points", json_integer(x->score.points));
    json_object_set_new(j, "max_points", json_integer(CK_INSPECT_MAX_POINTS));
    json_object_set_new(j, "band", json_string(ck_rating_name(x->score.band)));
    json_object_set_new(j, "unrated", json_integer(x->score.unrated));
    return j;
}

ck_rc ck_inspection_pdus(ck_db *db, const char *region, ck_arena *a, const char ***codes, size_t *n, char *err,
                         size_t err_len)
{
    *codes = NULL;
    *n = 0;
    ck_stmt *st = prepare(db, "SELECT \"code\" FROM \"pdus\" WHERE CAST($1 AS TEXT) IS NULL OR \"region\" = $1 "
                              "ORDER BY \"code\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, region);
    return ck_txn_column(db, st, "pdus", a, codes, n, err, err_len);
}

/* ---- Drill-down ---------------------------------------------------------------- */

typedef struct drill {
    ck_inspect_acc acc;
    int measure;
    json_t *out;
} drill;

static void drill_case(void *ctx, const ck_inspect_item *items, const row_extra *ex, size_t n)
{
    drill *d = ctx;
    ck_met_count mine[CK_MEASURES];
    ck_inspect_add_case(&d->acc, items, n, mine);
    if (mine[d->measure].met >= mine[d->measure].counted) return;
    const ck_inspect_period *p = &d->acc.period;
    for (size_t i = 0; i < n; i++) {
        bool ok = true;
        bool failed = ck_measures[d->measure].kind == CK_MEASURE_CONTACT_DAYS
                          ? ck_inspect_contact_overdue(p, &items[i])
                          : ck_inspect_item_counts(p, d->measure, &items[i], &ok) && !ok;
        if (!failed) continue;
        json_t *o = json_object();
        json_object_set_new(o, "crn", jtext(ex[i].crn));
        json_object_set_new(o, "rule", json_string(items[i].rule));
        json_object_set_new(o, "subject", jtext(ex[i].subject));
        json_object_set_new(o, "due", jdate(items[i].due));
        json_object_set_new(o, "met_on", jdate(items[i].met_on));
        json_object_set_new(o, "status", json_string(ck_status_name(ck_status_at(items[i].due, items[i].met_on, p->as_of))));
        json_object_set_new(o, "explanation", jtext(ex[i].explanation));
        json_array_append_new(d->out, o);
    }
}

static int by_crn(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int c = strcmp(json_string_value(json_object_get(x, "crn")), json_string_value(json_object_get(y, "crn")));
    if (c) return c;
    c = strcmp(json_string_value(json_object_get(x, "rule")), json_string_value(json_object_get(y, "rule")));
    return c ? c : strcmp(json_string_value(json_object_get(x, "subject")), json_string_value(json_object_get(y, "subject")));
}

ck_rc ck_inspection_failures(ck_db *db, const char *region, const char *pdu, const ck_inspect_period *p,
                             const char *measure, json_t **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = check_period(p, err, err_len);
    if (rc != CK_OK) return rc;
    drill d = {.measure = ck_measure_find(measure)};
    if (d.measure < 0)
        return fail(CK_ERR_INVALID, err, err_len, "key_question: \"%s\" is not one of A1 A2 A3 P1 I1 I2 I3 R1 V1",
                    measure ? measure : "");
    if ((rc = ck_txn_begin_read(db, err, err_len)) != CK_OK) return rc;
    ck_inspect_init(&d.acc, p);
    d.out = json_array();
    rc = stream(db, pdu ? NULL : region, pdu, p, true, drill_case, &d, err, err_len);
    ck_inspect_free(&d.acc);
    rc = finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        json_decref(d.out);
        return rc;
    }
    /* Cases stream in case-id order; a person reads them by CRN. */
    size_t n = json_array_size(d.out);
    json_t **v = ck_calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = json_incref(json_array_get(d.out, i));
    qsort(v, n, sizeof *v, by_crn);
    json_array_clear(d.out);
    for (size_t i = 0; i < n; i++) json_array_append_new(d.out, v[i]);
    ck_free(v);
    *out = d.out;
    return CK_OK;
}

/* ---- Organisational standards ------------------------------------------------------ */

ck_rc ck_inspection_org_put(ck_db *db, const char *pdu, ck_standard s, ck_rating r, const char *evidence,
                            const char *by, ck_date on, char *err, size_t err_len)
{
    if (ck_standard_is_case(s))
        return fail(CK_ERR_INVALID, err, err_len,
                    "standard: %s is computed from the cases; expected leadership, staff, services or "
                    "information_facilities", ck_standard_key(s));
    if (!evidence || !evidence[strspn(evidence, " \t\r\n")])
        return fail(CK_ERR_INVALID, err, err_len, "evidence: expected the evidence for the rating");
    if (!by || !*by) return fail(CK_ERR_INVALID, err, err_len, "entered_by: expected who entered the rating");
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = prepare(db,
                          "INSERT INTO \"inspection_org_ratings\" (\"pdu\", \"standard\", \"rating\", \"evidence\", "
                          "\"entered_by\", \"entered_on\") VALUES ($1, $2, CAST($3 AS INTEGER), $4, $5, $6)",
                          err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, pdu);
    ck_stmt_bind_text(st, 2, ck_standard_key(s));
    ck_stmt_bind_int(st, 3, (int64_t)r);
    ck_stmt_bind_text(st, 4, evidence);
    ck_stmt_bind_text(st, 5, by);
    ck_stmt_bind_date(st, 6, on);
    int s2 = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (s2 == CK_DB_CONSTRAINT) rc = fail(CK_ERR_NOTFOUND, err, err_len, "pdu: no PDU with code %s", pdu);
    else if (s2 != CK_DB_DONE) rc = db_fail(db, "inspection_org_ratings", err, err_len);
    return ck_txn_end(db, own, rc, err, err_len);
}

/* ---- Months ------------------------------------------------------------------------ */

/* The month of d: its first day, the period read for it, and "YYYY-MM". */
static void month_period(ck_date d, ck_date as_of, ck_inspect_period *p, char key[16])
{
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    p->from = ck_date_ymd(y, m, 1);
    p->to = ck_date_ymd(y, m, ck_date_days_in_month(y, m));
    p->as_of = p->to < as_of ? p->to + 1 : as_of;
    if (p->to > as_of) p->to = as_of;
    snprintf(key, 16, "%04d-%02d", y, m);
}

ck_rc ck_inspection_snapshot(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                             ck_date month, ck_date as_of, char *err, size_t err_len)
{
    ck_inspect_period p;
    char key[16];
    month_period(month, as_of, &p, key);
    if (p.from > as_of) return fail(CK_ERR_INVALID, err, err_len, "month: %s has not started", key);
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_inspection *x = NULL;
    rc = compute_in_tx(db, cfg, bands, NULL, pdu, &p, &x, err, err_len);
    ck_stmt *st = rc == CK_OK ? prepare(db, "DELETE FROM \"inspection_snapshots\" WHERE \"pdu\" = $1 AND \"month\" = $2",
                                        err, err_len)
                              : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (rc == CK_OK) {
        ck_stmt_bind_text(st, 1, pdu);
        ck_stmt_bind_text(st, 2, key);
        if (ck_stmt_step(st) != CK_DB_DONE) rc = db_fail(db, "inspection_snapshots", err, err_len);
        ck_stmt_reset(st);
    }
    if (rc == CK_OK) {
        st = prepare(db, "INSERT INTO \"inspection_snapshots\" (\"pdu\", \"month\", \"computed_on\", \"points\", "
                         "\"report\") VALUES ($1, $2, $3, CAST($4 AS INTEGER), $5)", err, err_len);
        if (!st) rc = CK_ERR_DB;
    }
    if (rc == CK_OK) {
        json_t *rj = ck_inspection_to_json(x);
        char *report = json_dumps(rj, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(rj);
        ck_stmt_bind_text(st, 1, pdu);
        ck_stmt_bind_text(st, 2, key);
        ck_stmt_bind_date(st, 3, as_of);
        ck_stmt_bind_int(st, 4, x->score.points);
        ck_stmt_bind_text(st, 5, report);
        if (ck_stmt_step(st) != CK_DB_DONE) rc = db_fail(db, "inspection_snapshots", err, err_len);
        ck_stmt_reset(st);
        free(report);
    }
    ck_inspection_free(x);
    return finish(db, rc, err, err_len);
}

/* {month, source, points, band, standards: {key: rating|null}} from a full report. */
static json_t *history_row(const char *month, const char *source, json_t *report)
{
    json_t *row = json_object();
    json_object_set_new(row, "month", json_string(month));
    json_object_set_new(row, "source", json_string(source));
    json_object_set(row, "points", json_object_get(report, "points"));
    json_object_set(row, "band", json_object_get(report, "band"));
    json_t *stds = json_object();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(report, "standards"), i, s)
        json_object_set(stds, json_string_value(json_object_get(s, "key")), json_object_get(s, "rating"));
    json_object_set_new(row, "standards", stds);
    return row;
}

ck_rc ck_inspection_history(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                            int months, ck_date as_of, json_t **out, char *err, size_t err_len)
{
    *out = NULL;
    if (months < 1 || months > 120) return fail(CK_ERR_INVALID, err, err_len, "months: expected 1 to 120");
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    json_t **rows = ck_calloc((size_t)months, sizeof *rows);
    ck_inspection **missing = ck_calloc((size_t)months, sizeof *missing);
    size_t *slot = ck_calloc((size_t)months, sizeof *slot);
    char (*keys)[16] = ck_calloc((size_t)months, sizeof *keys);
    size_t n_missing = 0;
    for (int k = months - 1, i = 0; k >= 0 && rc == CK_OK; k--, i++) {
        ck_inspect_period p;
        month_period(ck_date_add_months(as_of, -k), as_of, &p, keys[i]);
        ck_stmt *st = prepare(db, "SELECT \"report\" FROM \"inspection_snapshots\" WHERE \"pdu\" = $1 AND \"month\" = $2",
                              err, err_len);
        if (!st) {
            rc = CK_ERR_DB;
            break;
        }
        ck_stmt_bind_text(st, 1, pdu);
        ck_stmt_bind_text(st, 2, keys[i]);
        int s = ck_stmt_step(st);
        json_t *report = s == CK_DB_ROW ? json_loads(ck_stmt_text(st, 0), 0, NULL) : NULL;
        ck_stmt_reset(st);
        if (s != CK_DB_ROW && s != CK_DB_DONE) rc = db_fail(db, "inspection_snapshots", err, err_len);
        if (rc == CK_OK && report) {
            rows[i] = history_row(keys[i], "snapshot", report);
        } else if (rc == CK_OK) {
            rc = start(db, NULL, pdu, &p, &missing[n_missing], err, err_len);
            slot[n_missing++] = (size_t)i;
        }
        json_decref(report);
    }
    /* The months with no snapshot, from one pass over the obligations. */
    if (rc == CK_OK) rc = compute_many(db, cfg, bands, missing, n_missing, err, err_len);
    for (size_t m = 0; m < n_missing; m++) {
        if (rc == CK_OK) {
            json_t *report = ck_inspection_to_json(missing[m]);
            rows[slot[m]] = history_row(keys[slot[m]], "computed", report);
            json_decref(report);
        }
        ck_inspection_free(missing[m]);
    }
    json_t *arr = json_array();
    for (int i = 0; i < months; i++)
        if (rows[i]) json_array_append_new(arr, rows[i]);
    ck_free(rows);
    ck_free(missing);
    ck_free(slot);
    ck_free(keys);
    rc = finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return CK_OK;
}

/* ---- Quality-assurance case audit ---------------------------------------------------- */

ck_rc ck_qa_draw(ck_db *db, const char *pdu, int per_team, uint64_t seed, ck_date from, ck_date to, const char *by,
                 ck_date on, int64_t *sample_id, char *err, size_t err_len)
{
    if (per_team < 1 || per_team > 1000) return fail(CK_ERR_INVALID, err, err_len, "per_team: expected 1 to 1000");
    if (from == CK_NODATE || to == CK_NODATE || from > to)
        return fail(CK_ERR_INVALID, err, err_len, "to: expected a period from <= to");
    if (!by || !*by) return fail(CK_ERR_INVALID, err, err_len, "drawn_by: expected who drew the sample");
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = prepare(db,
                          "INSERT INTO \"qa_samples\" (\"pdu\", \"seed\", \"per_team\", \"from\", \"to\", \"drawn_by\", "
                          "\"drawn_on\") VALUES ($1, CAST($2 AS BIGINT), CAST($3 AS INTEGER), $4, "
                          "$5, $6, $7) RETURNING \"sample_id\"",
                          err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, pdu);
    ck_stmt_bind_int(st, 2, (int64_t)seed);
    ck_stmt_bind_int(st, 3, per_team);
    ck_stmt_bind_date(st, 4, from);
    ck_stmt_bind_date(st, 5, to);
    ck_stmt_bind_text(st, 6, by);
    ck_stmt_bind_date(st, 7, on);
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) *sample_id = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (s == CK_DB_CONSTRAINT) return ck_txn_end(db, own, fail(CK_ERR_NOTFOUND, err, err_len, "pdu: no PDU %s", pdu), err, err_len);
    if (s != CK_DB_ROW) return ck_txn_end(db, own, db_fail(db, "qa_samples", err, err_len), err, err_len);

    /* Each team's CRNs in CRN order, then a seeded draw from each. */
    st = prepare(db, "SELECT \"team_code\", \"crn\" FROM \"cases\" WHERE \"pdu_code\" = $1 AND \"team_code\" IS NOT NULL "
                     "ORDER BY \"team_code\", \"crn\"", err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, pdu);
    ck_arena a;
    ck_arena_init(&a);
    const char **teams = NULL, **crns = NULL;
    size_t n = 0;
    while (ck_txn_next(db, st, "cases", &rc, err, err_len)) {
        teams = ck_realloc(teams, (n + 1) * sizeof *teams);
        crns = ck_realloc(crns, (n + 1) * sizeof *crns);
        teams[n] = ck_arena_strdup(&a, ck_stmt_text(st, 0));
        crns[n++] = ck_arena_strdup(&a, ck_stmt_text(st, 1));
    }
    ck_stmt_reset(st);
    size_t *pick = ck_calloc(n ? n : 1, sizeof *pick);
    int ord = 0;
    for (size_t i = 0; i < n && rc == CK_OK;) {
        size_t j = i;
        while (j < n && strcmp(teams[j], teams[i]) == 0) j++;
        /* Each team draws from its own stream: the seed mixed with the team's
         * position, so adding a case to one team leaves the others' draws. */
        uint64_t team_seed = seed;
        for (const char *c = teams[i]; *c; c++) team_seed = team_seed * 31 + (unsigned char)*c;
        size_t k = ck_sample_pick(j - i, (size_t)per_team, team_seed, pick);
        for (size_t q = 0; q < k && rc == CK_OK; q++) {
            st = prepare(db, "INSERT INTO \"qa_sample_cases\" (\"sample_id\", \"ord\", \"crn\", \"team\") "
                             "VALUES (CAST($1 AS BIGINT), CAST($2 AS INTEGER), $3, $4)", err, err_len);
            if (!st) {
                rc = CK_ERR_DB;
                break;
            }
            ck_stmt_bind_int(st, 1, *sample_id);
            ck_stmt_bind_int(st, 2, ord++);
            ck_stmt_bind_text(st, 3, crns[i + pick[q]]);
            ck_stmt_bind_text(st, 4, teams[i]);
            if (ck_stmt_step(st) != CK_DB_DONE) rc = db_fail(db, "qa_sample_cases", err, err_len);
            ck_stmt_reset(st);
        }
        i = j;
    }
    ck_free(pick);
    ck_free(teams);
    ck_free(crns);
    ck_arena_free(&a);
    return ck_txn_end(db, own, rc, err, err_len);
}

ck_rc ck_qa_answer(ck_db *db, int64_t sample_id, const char *crn, ck_standard question, bool sufficient,
                   const char *note, const char *by, ck_date on, char *err, size_t err_len)
{
    if (!ck_standard_is_case(question))
        return fail(CK_ERR_INVALID, err, err_len,
                    "question: expected assessment, planning, implementation_delivery, reviewing or victims");
    if (!by || !*by) return fail(CK_ERR_INVALID, err, err_len, "answered_by: expected who answered");
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = prepare(db, "SELECT 1 FROM \"qa_sample_cases\" WHERE \"sample_id\" = CAST($1 AS BIGINT) AND \"crn\" = $2",
                          err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_int(st, 1, sample_id);
    ck_stmt_bind_text(st, 2, crn);
    int s = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (s == CK_DB_DONE)
        return ck_txn_end(db, own, fail(CK_ERR_NOTFOUND, err, err_len, "crn: case %s is not in sample %lld", crn,
                               (long long)sample_id), err, err_len);
    if (s != CK_DB_ROW) return ck_txn_end(db, own, db_fail(db, "qa_sample_cases", err, err_len), err, err_len);
    st = prepare(db, "DELETE FROM \"qa_answers\" WHERE \"sample_id\" = CAST($1 AS BIGINT) AND \"crn\" = $2 "
                     "AND \"question\" = $3", err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_int(st, 1, sample_id);
    ck_stmt_bind_text(st, 2, crn);
    ck_stmt_bind_text(st, 3, ck_standard_key(question));
    if (ck_stmt_step(st) != CK_DB_DONE) rc = db_fail(db, "qa_answers", err, err_len);
    ck_stmt_reset(st);
    if (rc == CK_OK) {
        st = prepare(db, "INSERT INTO \"qa_answers\" (\"sample_id\", \"crn\", \"question\", \"sufficient\", \"note\", "
                         "\"answered_by\", \"answered_on\") VALUES (CAST($1 AS BIGINT), $2, $3, CAST($4 AS INTEGER), "
                         "$5, $6, $7)", err, err_len);
        if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
        ck_stmt_bind_int(st, 1, sample_id);
        ck_stmt_bind_text(st, 2, crn);
        ck_stmt_bind_text(st, 3, ck_standard_key(question));
        ck_stmt_bind_int(st, 4, sufficient);
        ck_stmt_bind_text(st, 5, note);
        ck_stmt_bind_text(st, 6, by);
        ck_stmt_bind_date(st, 7, on);
        if (ck_stmt_step(st) != CK_DB_DONE) rc = db_fail(db, "qa_answers", err, err_len);
        ck_stmt_reset(st);
    }
    return ck_txn_end(db, own, rc, err, err_len);
}

/* The computed judgement of each case standard for one case, by CRN. */
typedef struct qa_ctx {
    ck_inspect_acc acc;
    json_t *by_crn; /* crn -> [5 judgements: true/false/null] */
} qa_ctx;

static void qa_case(void *ctx, const ck_inspect_item *items, const row_extra *ex, size_t n)
{
    qa_ctx *q = ctx;
    ck_met_count mine[CK_MEASURES];
    ck_inspect_add_case(&q->acc, items, n, mine);
    json_t *j = json_object();
    for (int s = CK_STD_ASSESSMENT; s < CK_STANDARDS; s++) {
        int64_t counted = 0, met = 0;
        for (int m = 0; m < CK_MEASURES; m++)
            if ((int)ck_measures[m].standard == s) {
                counted += mine[m].counted;
                met += mine[m].met;
            }
        json_object_set_new(j, ck_standard_key((ck_standard)s), counted ? json_boolean(met == counted) : json_null());
    }
    json_object_set_new(q->by_crn, ex[0].crn, j);
}

ck_rc ck_qa_report(ck_db *db, int64_t sample_id, ck_date as_of, json_t **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = prepare(db, "SELECT \"pdu\", \"seed\", \"from\", \"to\", \"per_team\" FROM \"qa_samples\" "
                              "WHERE \"sample_id\" = CAST($1 AS BIGINT)", err, err_len);
    if (!st) return finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_int(st, 1, sample_id);
    int s = ck_stmt_step(st);
    char pdu[64] = "";
    ck_inspect_period p = {CK_NODATE, CK_NODATE, as_of};
    json_t *j = json_object();
    if (s == CK_DB_ROW) {
        snprintf(pdu, sizeof pdu, "%s", ck_stmt_text(st, 0));
        p.from = ck_stmt_date(st, 2);
        p.to = ck_stmt_date(st, 3);
        json_object_set_new(j, "sample_id", json_integer(sample_id));
        json_object_set_new(j, "pdu", json_string(pdu));
        json_object_set_new(j, "seed", json_integer(ck_stmt_int(st, 1)));
        json_object_set_new(j, "per_team", json_integer(ck_stmt_int(st, 4)));
        json_object_set_new(j, "from", jdate(p.from));
        json_object_set_new(j, "to", jdate(p.to));
    }
    ck_stmt_reset(st);
    if (s == CK_DB_DONE) rc = fail(CK_ERR_NOTFOUND, err, err_len, "sample: no sample %lld", (long long)sample_id);
    else if (s != CK_DB_ROW) rc = db_fail(db, "qa_samples", err, err_len);
    qa_ctx q = {.by_crn = json_object()};
    if (rc == CK_OK) {
        ck_inspect_init(&q.acc, &p);
        rc = stream(db, NULL, pdu, &p, true, qa_case, &q, err, err_len);
        ck_inspect_free(&q.acc);
    }
    json_t *cases = json_array();
    size_t disagreements = 0;
    st = rc == CK_OK ? prepare(db,
                               "SELECT \"qa_sample_cases\".\"crn\", \"qa_sample_cases\".\"team\", \"qa_answers\".\"question\", "
                               "\"qa_answers\".\"sufficient\", \"qa_answers\".\"note\" FROM \"qa_sample_cases\" "
                               "LEFT JOIN \"qa_answers\" ON \"qa_answers\".\"sample_id\" = \"qa_sample_cases\".\"sample_id\" "
                               "AND \"qa_answers\".\"crn\" = \"qa_sample_cases\".\"crn\" "
                               "WHERE \"qa_sample_cases\".\"sample_id\" = CAST($1 AS BIGINT) "
                               "ORDER BY \"qa_sample_cases\".\"ord\", \"qa_answers\".\"question\"",
                               err, err_len)
                     : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (rc == CK_OK) {
        ck_stmt_bind_int(st, 1, sample_id);
        json_t *cur = NULL;
        while (ck_txn_next(db, st, "qa_answers", &rc, err, err_len)) {
            const char *crn = ck_stmt_text(st, 0);
            if (!cur || strcmp(json_string_value(json_object_get(cur, "crn")), crn) != 0) {
                cur = json_object();
                json_object_set_new(cur, "crn", json_string(crn));
                json_object_set_new(cur, "team", jtext(ck_stmt_text(st, 1)));
                json_object_set_new(cur, "answers", json_array());
                json_t *computed = json_object_get(q.by_crn, crn);
                json_object_set(cur, "computed", computed ? computed : json_object());
                json_array_append_new(cases, cur);
            }
            if (ck_stmt_null(st, 2)) continue;
            const char *question = ck_stmt_text(st, 2);
            bool auditor = ck_stmt_int(st, 3) != 0;
            json_t *computed = json_object_get(json_object_get(cur, "computed"), question);
            json_t *a = json_object();
            json_object_set_new(a, "question", json_string(question));
            json_object_set_new(a, "auditor", json_boolean(auditor));
            json_object_set(a, "computed", computed ? computed : json_null());
            bool known = computed && json_is_boolean(computed);
            bool agree = known && json_is_true(computed) == auditor;
            json_object_set_new(a, "agree", known ? json_boolean(agree) : json_null());
            json_object_set_new(a, "note", jtext(ck_stmt_text(st, 4)));
            if (known && !agree) disagreements++;
            json_array_append_new(json_object_get(cur, "answers"), a);
        }
        ck_stmt_reset(st);
    }
    json_decref(q.by_crn);
    json_object_set_new(j, "cases", cases);
    json_object_set_new(j, "disagreements", json_integer((json_int_t)disagreements));
    rc = finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return CK_OK;
}

json_t *ck_qa_disagreements(const json_t *report)
{
    json_t *out = json_array(), *c, *a;
    size_t i, k;
    json_array_foreach(json_object_get(report, "cases"), i, c)
    {
        json_array_foreach(json_object_get(c, "answers"), k, a)
        {
            if (!json_is_false(json_object_get(a, "agree"))) continue;
            json_t *d = json_object();
            json_object_set(d, "crn", json_object_get(c, "crn"));
            json_object_set(d, "team", json_object_get(c, "team"));
            json_object_set(d, "question", json_object_get(a, "question"));
            json_object_set(d, "auditor", json_object_get(a, "auditor"));
            json_object_set(d, "computed", json_object_get(a, "computed"));
            json_object_set(d, "note", json_object_get(a, "note"));
            json_array_append_new(out, d);
        }
    }
    return out;
}

ck_rc ck_qa_samples(ck_db *db, const char *pdu, json_t **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_stmt *st = prepare(db,
                          "SELECT \"sample_id\", \"pdu\", \"seed\", \"per_team\", \"from\", \"to\", \"drawn_by\", "
                          "\"drawn_on\", (SELECT COUNT(*) FROM \"qa_sample_cases\" WHERE \"qa_sample_cases\".\"sample_id\" = "
                          "\"qa_samples\".\"sample_id\"), (SELECT COUNT(*) FROM \"qa_answers\" WHERE "
                          "\"qa_answers\".\"sample_id\" = \"qa_samples\".\"sample_id\") FROM \"qa_samples\" "
                          "WHERE CAST($1 AS TEXT) IS NULL OR \"pdu\" = $1 ORDER BY \"sample_id\" DESC",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, pdu);
    json_t *arr = json_array();
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "qa_samples", &rc, err, err_len)) {
        json_t *o = json_object();
        json_object_set_new(o, "sample_id", json_integer(ck_stmt_int(st, 0)));
        json_object_set_new(o, "pdu", jtext(ck_stmt_text(st, 1)));
        json_object_set_new(o, "seed", json_integer(ck_stmt_int(st, 2)));
        json_object_set_new(o, "per_team", json_integer(ck_stmt_int(st, 3)));
        json_object_set_new(o, "from", jdate(ck_stmt_date(st, 4)));
        json_object_set_new(o, "to", jdate(ck_stmt_date(st, 5)));
        json_object_set_new(o, "drawn_by", jtext(ck_stmt_text(st, 6)));
        json_object_set_new(o, "drawn_on", jdate(ck_stmt_date(st, 7)));
        json_object_set_new(o, "cases", json_integer(ck_stmt_int(st, 8)));
        json_object_set_new(o, "answers", json_integer(ck_stmt_int(st, 9)));
        json_array_append_new(arr, o);
    }
    ck_stmt_reset(st);
    if (rc != CK_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return CK_OK;
}

/* ---- Rows ------------------------------------------------------------------------ */

static void cell(ck_buf *out, bool table, bool first, int width, const char *v)
{
    if (table) {
        ck_buf_printf(out, first ? "%-*s" : " %-*s", width, v);
        return;
    }
    if (!first) ck_buf_putc(out, ',');
    ck_buf_escape(out, CK_ESC_CSV, v, strlen(v));
}

void ck_inspection_render(const ck_inspection *x, bool table, ck_buf *out)
{
    static const char *const head[] = {"unit", "standard", "key_question", "met", "counted", "percent", "rating", "points"};
    static const int width[] = {8, 24, 4, 7, 7, 7, 21, 6};
    const char *unit = x->pdu ? x->pdu : x->region;
    for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], head[k]);
    ck_buf_putc(out, '\n');
    for (int s = 0; s < CK_STANDARDS; s++) {
        const ck_standard_score *ss = &x->score.standards[s];
        char pts[8];
        snprintf(pts, sizeof pts, "%d", ss->rated ? (int)ss->rating : 0);
        const char *rating = ss->rated ? ck_rating_name(ss->rating) : "not_rated";
        bool any = false;
        for (int m = 0; m < CK_MEASURES; m++) {
            if ((int)ck_measures[m].standard != s) continue;
            any = true;
            char met[24], counted[24], pct[16] = "";
            snprintf(met, sizeof met, "%lld", (long long)x->score.measures[m].met);
            snprintf(counted, sizeof counted, "%lld", (long long)x->score.measures[m].counted);
            double p = ck_met_pct(&x->score.measures[m]);
            if (p >= 0) snprintf(pct, sizeof pct, "%.2f", p);
            const char *row[] = {unit, ck_standard_key((ck_standard)s), ck_measures[m].key, met, counted, pct, rating, pts};
            for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], row[k]);
            ck_buf_putc(out, '\n');
        }
        if (any) continue;
        const char *row[] = {unit, ck_standard_key((ck_standard)s), "", "", "", "", rating, pts};
        for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], row[k]);
        ck_buf_putc(out, '\n');
    }
    char total[32];
    snprintf(total, sizeof total, "%d", x->score.points);
    const char *row[] = {unit, "total", "", "", "", "", ck_rating_name(x->score.band), total};
    for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], row[k]);
    ck_buf_putc(out, '\n');
}
