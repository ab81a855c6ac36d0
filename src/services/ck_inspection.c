/* ck_inspection: see ck_inspection.h. */
#include "ck_inspection.h"
#include "ck_inspection_cache.h"
#include "ck_explain.h"
#include "ck_rules.h"
#include "ck_sample.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Streaming the obligations of a PDU or region, one case at a time -------- */

typedef struct row_extra {
    const char *crn, *subject, *explanation;
    const char *forename, *surname, *staff; /* the case's person and practitioner */
} row_extra;

typedef void (*case_fn)(void *ctx, const ck_inspect_item *items, const row_extra *extras, size_t n);

/* Every rule a key question reads (CK_INSPECT_RULES_SQL); CONTACT is
 * fetched whatever its due date, as a link can run through the period. */
#define RULES_SQL CK_INSPECT_RULES_SQL

#define STREAM_SELECT                                                                                           \
    "SELECT \"obligations\".\"case_id\", \"cases\".\"crn\", \"obligations\".\"rule\", \"obligations\".\"subject\", " \
    "\"obligations\".\"due\", \"obligations\".\"met_on\", \"obligations\".\"explanation\", \"contacts\".\"date\", "       \
    "\"cases\".\"person_forename\", \"cases\".\"person_surname\", \"cases\".\"staff_code\" "                           \
    "FROM \"obligations\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" "                         \
    "LEFT JOIN \"contacts\" ON \"obligations\".\"rule\" = 'CONTACT' AND \"contacts\".\"case_id\" = "                   \
    "\"obligations\".\"case_id\" AND \"obligations\".\"subject\" = 'contact:' || \"contacts\".\"id\" "
#define STREAM_PERIOD                                                                                           \
    "AND ((\"obligations\".\"rule\" IN (" RULES_SQL ") AND \"obligations\".\"due\" >= $3 "                              \
    "AND \"obligations\".\"due\" <= $4) "                                                                           \
    "OR (\"obligations\".\"rule\" = 'CONTACT' AND \"obligations\".\"due\" <= $4 "                                     \
    "AND (\"obligations\".\"met_on\" IS NULL OR \"obligations\".\"met_on\" >= $3))) "                                \
    "ORDER BY \"obligations\".\"case_id\", \"obligations\".\"rule\", \"obligations\".\"subject\""

/* A PDU's or a region's obligations ($1 region, $2 PDU). */
static const char STREAM_SQL[] =
    STREAM_SELECT "WHERE (CAST($1 AS TEXT) IS NULL OR \"obligations\".\"pdu_code\" IN "
    "(SELECT \"code\" FROM \"pdus\" WHERE \"region\" = $1)) "
    "AND (CAST($2 AS TEXT) IS NULL OR \"obligations\".\"pdu_code\" = $2) " STREAM_PERIOD;
/* The obligations of a QA sample's cases ($1 the sample, $2 its PDU): the
 * sample's page judges those cases alone, not every case of the PDU. */
static const char SAMPLE_SQL[] =
    STREAM_SELECT "WHERE \"obligations\".\"case_id\" IN (SELECT \"c\".\"case_id\" FROM \"qa_sample_cases\" \"q\" "
    "JOIN \"cases\" \"c\" ON \"c\".\"crn\" = \"q\".\"crn\" WHERE \"q\".\"sample_id\" = CAST($1 AS BIGINT)) "
    "AND \"obligations\".\"pdu_code\" = $2 " STREAM_PERIOD;

/* Streams the obligations of the region or PDU, or (sample > 0) of a QA
 * sample's cases in PDU pdu, one case at a time. */
static ck_rc stream_of(ck_db *db, const char *region, const char *pdu, int64_t sample, const ck_inspect_period *p,
                       bool extras, case_fn fn, void *ctx, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, sample > 0 ? SAMPLE_SQL : STREAM_SQL, err, err_len);
    if (!st) return CK_ERR_DB;
    if (sample > 0) ck_stmt_bind_int(st, 1, sample);
    else ck_stmt_bind_text(st, 1, region);
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
            rc = ck_txn_db_fail(db, "obligations", err, err_len);
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
        ex[n] = (row_extra){NULL, NULL, NULL, NULL, NULL, NULL};
        if (extras || n == 0)
            ex[n].crn = ck_arena_strdup(&a, ck_stmt_text(st, 1));
        if (extras) {
            ex[n].subject = ck_arena_strdup(&a, ck_stmt_text(st, 3));
            ex[n].explanation = ck_explain_text(ck_arena_strdup(&a, ck_stmt_text(st, 6)), &a); /* shown */
            ex[n].forename = ck_arena_strdup(&a, ck_stmt_text(st, 8));
            ex[n].surname = ck_arena_strdup(&a, ck_stmt_text(st, 9));
            ex[n].staff = ck_arena_strdup(&a, ck_stmt_text(st, 10));
        }
        n++;
    }
    ck_stmt_reset(st);
    ck_arena_free(&a);
    ck_free(items);
    ck_free(ex);
    return rc;
}

static ck_rc stream(ck_db *db, const char *region, const char *pdu, const ck_inspect_period *p, bool extras,
                    case_fn fn, void *ctx, char *err, size_t err_len)
{
    return stream_of(db, region, pdu, 0, p, extras, fn, ctx, err, err_len);
}

/* ---- Computing ------------------------------------------------------------------ */

static ck_rc org_entries(ck_db *db, ck_inspection *x, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db,
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
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, x->pdu ? x->pdu : x->region);
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) {
        x->name = ck_arena_strdup(&x->arena, ck_stmt_text(st, 0));
        x->region = ck_arena_strdup(&x->arena, ck_stmt_text(st, 1));
    }
    ck_stmt_reset(st);
    if (s == CK_DB_DONE)
        return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "%s: no %s with code %s", x->pdu ? "pdu" : "region",
                    x->pdu ? "PDU" : "region", x->pdu ? x->pdu : x->region);
    return s == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, "organisation", err, err_len);
}

static ck_rc check_period(const ck_inspect_period *p, char *err, size_t err_len)
{
    if (p->from == CK_NODATE || p->to == CK_NODATE || p->as_of == CK_NODATE)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "from: expected the period's dates and as_of");
    if (p->from > p->to) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "to: expected a date on or after from");
    if (p->to - p->from > 3660) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "to: expected a period of at most ten years");
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

/* Many periods of one PDU or region from one pass over its obligations,
 * read for the union of their periods: each accumulator gets of a case's
 * obligations those its own period's stream would have given (STREAM_PERIOD
 * narrowed to it; the rules are those already), so a month's figures do not
 * depend on which other months are computed with it (a CONTACT link due
 * after a month's end would otherwise count towards that month's days). */
typedef struct multi {
    ck_inspect_acc *acc;
    size_t n;
    ck_inspect_item *scratch;
    size_t cap;
} multi;

static bool item_in_period(const ck_inspect_item *it, const ck_inspect_period *p)
{
    if (strcmp(it->rule, "CONTACT") == 0) return it->due <= p->to && (it->met_on == CK_NODATE || it->met_on >= p->from);
    return it->due >= p->from && it->due <= p->to;
}

/* items[0..n) of one case to each accumulator of acc[0..n_acc), narrowed to its period. */
static void add_case_each(ck_inspect_acc *acc, size_t n_acc, const ck_inspect_item *items, size_t n,
                          ck_inspect_item **scratch, size_t *cap)
{
    if (n > *cap) {
        size_t bytes;
        *cap = n > 2 * *cap ? n : 2 * *cap;
        if (!ck_mul(*cap, sizeof **scratch, &bytes)) abort();
        *scratch = ck_realloc(*scratch, bytes);
    }
    for (size_t i = 0; i < n_acc; i++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (item_in_period(&items[k], &acc[i].period)) (*scratch)[m++] = items[k];
        if (m) ck_inspect_add_case(&acc[i], *scratch, m, NULL);
    }
}

static void add_case_multi(void *ctx, const ck_inspect_item *items, const row_extra *ex, size_t n)
{
    (void)ex;
    multi *m = ctx;
    add_case_each(m->acc, m->n, items, n, &m->scratch, &m->cap);
}

/* Computes xs[0..n) (started, each with its period) in one stream. */
static ck_rc compute_many(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, ck_inspection **xs,
                          size_t n, char *err, size_t err_len)
{
    if (n == 0) return CK_OK;
    multi m = {ck_calloc(n, sizeof *m.acc), n, NULL, 0};
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
    ck_free(m.scratch);
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
    if (rc == CK_OK && !pdu && !region) rc = ck_txn_fail(CK_ERR_INVALID, err, err_len, "pdu: expected a PDU or a region");
    if (rc != CK_OK || (rc = ck_txn_begin_read(db, err, err_len)) != CK_OK) return rc;
    return ck_txn_finish(db, compute_in_tx(db, cfg, bands, region, pdu, p, out, err, err_len), err, err_len);
}

void ck_inspection_free(ck_inspection *x)
{
    if (!x) return;
    ck_arena_free(&x->arena);
    ck_free(x);
}

ck_rc ck_inspection_pdus(ck_db *db, const char *region, ck_arena *a, const char ***codes, size_t *n, char *err,
                         size_t err_len)
{
    *codes = NULL;
    *n = 0;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"code\" FROM \"pdus\" WHERE CAST($1 AS TEXT) IS NULL OR \"region\" = $1 "
                              "ORDER BY \"code\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, region);
    return ck_txn_column(db, st, "pdus", a, codes, n, err, err_len);
}

/* ---- Drill-down ---------------------------------------------------------------- */

/* Rows collected on the heap, moved into the result's arena at the end. */
static void *grow(void *items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return items;
    *cap = *cap ? 2 * *cap : 16;
    size_t bytes;
    if (!ck_mul(*cap, size, &bytes)) abort();
    return ck_realloc(items, bytes);
}

static void *to_arena(ck_arena *a, void *items, size_t n, size_t size)
{
    void *out = ck_arena_array(a, n ? n : 1, size);
    if (n) memcpy(out, items, n * size);
    ck_free(items);
    return out;
}

typedef struct drill {
    ck_inspect_acc acc;
    int measure;
    ck_failure_list *out;
    size_t cap;
} drill;

static void drill_case(void *ctx, const ck_inspect_item *items, const row_extra *ex, size_t n)
{
    drill *d = ctx;
    ck_met_count mine[CK_MEASURES];
    ck_inspect_add_case(&d->acc, items, n, mine);
    if (mine[d->measure].met >= mine[d->measure].counted) return;
    const ck_inspect_period *p = &d->acc.period;
    ck_failure_list *l = d->out;
    for (size_t i = 0; i < n; i++) {
        bool ok = true;
        bool failed = ck_measures[d->measure].kind == CK_MEASURE_CONTACT_DAYS
                          ? ck_inspect_contact_overdue(p, &items[i])
                          : ck_inspect_item_counts(p, d->measure, &items[i], &ok) && !ok;
        if (!failed) continue;
        l->items = grow(l->items, &d->cap, l->n, sizeof *l->items);
        l->items[l->n++] = (ck_inspection_failure){
            .crn = ck_arena_strdup(&l->arena, ex[i].crn),
            .rule = ck_arena_strdup(&l->arena, items[i].rule),
            .subject = ck_arena_strdup(&l->arena, ex[i].subject),
            .explanation = ck_arena_strdup(&l->arena, ex[i].explanation),
            .forename = ck_arena_strdup(&l->arena, ex[i].forename),
            .surname = ck_arena_strdup(&l->arena, ex[i].surname),
            .staff_code = ck_arena_strdup(&l->arena, ex[i].staff),
            .due = items[i].due,
            .met_on = items[i].met_on,
            .status = ck_status_at(items[i].due, items[i].met_on, p->as_of),
        };
    }
}

static int nullcmp(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : ""); }

static int by_crn(const void *a, const void *b)
{
    const ck_inspection_failure *x = a, *y = b;
    int c = nullcmp(x->crn, y->crn);
    if (c) return c;
    c = nullcmp(x->rule, y->rule);
    return c ? c : nullcmp(x->subject, y->subject);
}

ck_rc ck_inspection_failures(ck_db *db, const char *region, const char *pdu, const ck_inspect_period *p,
                             const char *measure, ck_failure_list **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = check_period(p, err, err_len);
    if (rc != CK_OK) return rc;
    drill d = {.measure = ck_measure_find(measure)};
    if (d.measure < 0)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "key_question: \"%s\" is not one of A1 A2 A3 P1 I1 I2 I3 R1 V1",
                    measure ? measure : "");
    if ((rc = ck_txn_begin_read(db, err, err_len)) != CK_OK) return rc;
    ck_inspect_init(&d.acc, p);
    d.out = ck_calloc(1, sizeof *d.out);
    ck_arena_init(&d.out->arena);
    rc = stream(db, pdu ? NULL : region, pdu, p, true, drill_case, &d, err, err_len);
    ck_inspect_free(&d.acc);
    d.out->items = to_arena(&d.out->arena, d.out->items, d.out->n, sizeof *d.out->items);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        ck_failure_list_free(d.out);
        return rc;
    }
    /* Cases stream in case-id order; a person reads them by CRN. */
    qsort(d.out->items, d.out->n, sizeof *d.out->items, by_crn);
    *out = d.out;
    return CK_OK;
}

void ck_failure_list_free(ck_failure_list *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}

/* ---- Organisational standards ------------------------------------------------------ */

ck_rc ck_inspection_org_put(ck_db *db, const char *pdu, ck_standard s, ck_rating r, const char *evidence,
                            const char *by, ck_date on, char *err, size_t err_len)
{
    if (ck_standard_is_case(s))
        return ck_txn_fail(CK_ERR_INVALID, err, err_len,
                    "standard: %s is computed from the cases; expected leadership, staff, services or "
                    "information_facilities", ck_standard_key(s));
    if (!evidence || !evidence[strspn(evidence, " \t\r\n")])
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "evidence: expected the evidence for the rating");
    if (!by || !*by) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "entered_by: expected who entered the rating");
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db,
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
    if (s2 == CK_DB_CONSTRAINT) rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "pdu: no PDU with code %s", pdu);
    else if (s2 != CK_DB_DONE) rc = ck_txn_db_fail(db, "inspection_org_ratings", err, err_len);
    return ck_txn_end(db, own, rc, err, err_len);
}

/* ---- Months ------------------------------------------------------------------------ */

/* The period month d's row stands for (see ck_inspection.h): the twelve
 * months to the month's last day, or to the day before as_of for the month
 * holding that day, seen the day after; and its "YYYY-MM". False when the
 * month has no day before as_of. */
static bool month_period(ck_date d, ck_date as_of, ck_inspect_period *p, char key[16])
{
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    ck_date first = ck_date_ymd(y, m, 1), end = ck_date_ymd(y, m, ck_date_days_in_month(y, m));
    if (end > as_of - 1) end = as_of - 1;
    *p = ck_inspect_default_period(end + 1);
    snprintf(key, 16, "%04d-%02d", y, m);
    return end >= first;
}

/* Writes x as the snapshot of month `key`, seen at x's as_of, in the caller's
 * write transaction. */
static ck_rc put_snapshot(ck_db *db, const char *pdu, const char *key, const ck_inspection *x,
                          char *(*encode)(const ck_inspection *x), char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "DELETE FROM \"inspection_snapshots\" WHERE \"pdu\" = $1 AND \"month\" = $2",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, pdu);
    ck_stmt_bind_text(st, 2, key);
    ck_rc rc = ck_stmt_step(st) == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "inspection_snapshots", err, err_len);
    ck_stmt_reset(st);
    if (rc != CK_OK) return rc;
    st = ck_txn_prepare(db, "INSERT INTO \"inspection_snapshots\" (\"pdu\", \"month\", \"computed_on\", \"points\", "
                            "\"report\") VALUES ($1, $2, $3, CAST($4 AS INTEGER), $5)", err, err_len);
    if (!st) return CK_ERR_DB;
    char *report = encode(x);
    if (!report) abort(); /* out of memory, as ck_malloc would */
    ck_stmt_bind_text(st, 1, pdu);
    ck_stmt_bind_text(st, 2, key);
    ck_stmt_bind_date(st, 3, x->period.as_of);
    ck_stmt_bind_int(st, 4, x->score.points);
    ck_stmt_bind_text(st, 5, report);
    if (ck_stmt_step(st) != CK_DB_DONE) rc = ck_txn_db_fail(db, "inspection_snapshots", err, err_len);
    ck_stmt_reset(st);
    free(report);
    return rc;
}

ck_rc ck_inspection_snapshot(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                             ck_date month, ck_date as_of, char *(*encode)(const ck_inspection *x), char *err,
                             size_t err_len)
{
    ck_inspect_period p;
    char key[16];
    if (!month_period(month, as_of, &p, key))
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "month: %s has no day before %s", key,
                           ck_date_fmt(as_of, (char[CK_DATE_STRLEN]){0}));
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_inspection *x = NULL;
    rc = compute_in_tx(db, cfg, bands, NULL, pdu, &p, &x, err, err_len);
    if (rc == CK_OK) rc = put_snapshot(db, pdu, key, x, encode, err, err_len);
    ck_inspection_free(x);
    return ck_txn_finish(db, rc, err, err_len);
}

/* The stored snapshot of the month whose period is p, when it was seen at
 * p's as_of or later (an older one, of a month not yet over when it was
 * taken, is stale); NULL when there is none. In arena a. */
static ck_rc fresh_snapshot(ck_db *db, const char *pdu, const char *key, const ck_inspect_period *p, ck_arena *a,
                            const char **text, char *err, size_t err_len)
{
    *text = NULL;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"report\" FROM \"inspection_snapshots\" WHERE \"pdu\" = $1 AND "
                                     "\"month\" = $2 AND \"computed_on\" >= $3",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, pdu);
    ck_stmt_bind_text(st, 2, key);
    ck_stmt_bind_date(st, 3, p->as_of);
    int s = ck_stmt_step(st);
    const char *t = s == CK_DB_ROW ? ck_stmt_text(st, 0) : NULL;
    if (t && *t) *text = ck_arena_strdup(a, t);
    ck_stmt_reset(st);
    return s == CK_DB_ROW || s == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "inspection_snapshots", err, err_len);
}

/* The history's months of pdu in the caller's read transaction: each row's
 * fresh snapshot, else started for computing (missing[], *n_missing). */
static ck_rc history_in_tx(ck_db *db, const char *pdu, int months, ck_date as_of, ck_inspection_months *h,
                           ck_inspection **missing, size_t *n_missing, char *err, size_t err_len)
{
    ck_rc rc = CK_OK;
    *n_missing = 0;
    for (int k = months - 1; k >= 0 && rc == CK_OK; k--) {
        ck_inspect_period p;
        char key[16];
        if (!month_period(ck_date_add_months(as_of - 1, -k), as_of, &p, key)) continue;
        ck_inspection_month *row = &h->months[h->n++];
        snprintf(row->month, sizeof row->month, "%s", key);
        rc = fresh_snapshot(db, pdu, key, &p, &h->arena, &row->snapshot, err, err_len);
        if (rc == CK_OK && !row->snapshot) {
            rc = start(db, NULL, pdu, &p, &missing[*n_missing], err, err_len);
            if (rc == CK_OK) row->computed = missing[(*n_missing)++];
        }
    }
    return rc;
}

ck_rc ck_inspection_scores(ck_db *db, const char *region, ck_date as_of, ck_arena *a, ck_inspection_score_row **rows,
                           size_t *n, char *err, size_t err_len)
{
    *rows = NULL;
    *n = 0;
    ck_inspect_period p;
    char key[16];
    month_period(as_of - 1, as_of, &p, key);
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"p\".\"code\", \"s\".\"points\" FROM \"pdus\" \"p\" LEFT JOIN "
                                     "\"inspection_snapshots\" \"s\" ON \"s\".\"pdu\" = \"p\".\"code\" AND \"s\".\"month\" = $2 "
                                     "AND \"s\".\"computed_on\" >= $3 WHERE \"p\".\"region\" = $1 ORDER BY \"p\".\"code\"",
                                 err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, region);
    ck_stmt_bind_text(st, 2, key);
    ck_stmt_bind_date(st, 3, p.as_of);
    size_t cap = 0;
    while (ck_txn_next(db, st, "inspection_snapshots", &rc, err, err_len)) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            ck_inspection_score_row *grown = ck_arena_array(a, cap, sizeof *grown);
            if (*n) memcpy(grown, *rows, *n * sizeof *grown);
            *rows = grown;
        }
        bool known = !ck_stmt_null(st, 1);
        (*rows)[(*n)++] = (ck_inspection_score_row){ck_arena_strdup(a, ck_stmt_text(st, 0)), known,
                                                    known ? (int)ck_stmt_int(st, 1) : 0};
    }
    ck_stmt_reset(st);
    return ck_txn_end(db, own, rc, err, err_len);
}

static ck_inspection_months *months_new(int months)
{
    ck_inspection_months *h = ck_calloc(1, sizeof *h);
    ck_arena_init(&h->arena);
    h->months = ck_arena_array(&h->arena, (size_t)months, sizeof *h->months);
    return h;
}

ck_rc ck_inspection_history(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                            int months, ck_date as_of, ck_inspection_months **out, char *err, size_t err_len)
{
    *out = NULL;
    if (months < 1 || months > 120) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "months: expected 1 to 120");
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_inspection_months *h = months_new(months);
    ck_inspection **missing = ck_calloc((size_t)months, sizeof *missing);
    size_t n_missing = 0;
    rc = history_in_tx(db, pdu, months, as_of, h, missing, &n_missing, err, err_len);
    /* The months with no snapshot, from one pass over the obligations. */
    if (rc == CK_OK) rc = compute_many(db, cfg, bands, missing, n_missing, err, err_len);
    ck_free(missing);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        ck_inspection_months_free(h);
        return rc;
    }
    *out = h;
    return CK_OK;
}

/* ---- The nightly refresh: every PDU from the cases' rows ------------------------------ */

/* What the nightly job writes is every PDU's current month (and, after a
 * month ends, that month once more): the same figures ck_inspection_history
 * computes, but from each case's row of the inspection cache
 * (ck_inspection_cache: its obligations as the stream would give them, kept
 * until the case changes) instead of every obligation and contact of the
 * period. Each row goes, by the PDU it counts for, to that PDU's
 * accumulators, narrowed to each one's period by the same code as a full
 * computation (add_case_each): the same items, so the same figures. */

typedef struct pass_pdu {
    const char *code;
    ck_inspection_months *h;
    ck_inspection **missing;
    ck_inspect_acc *acc;
    size_t n_missing;
} pass_pdu;

static int pass_pdu_cmp(const void *a, const void *b)
{
    return strcmp(((const pass_pdu *)a)->code, ((const pass_pdu *)b)->code);
}

typedef struct pass {
    pass_pdu *pdus; /* in code order */
    size_t n_pdus;
    ck_inspect_item *scratch; /* add_case_each's */
    size_t cap_scratch;
} pass;

static void pass_row(void *ctx, const char *pdu, const ck_inspect_item *items, size_t n)
{
    pass *ps = ctx;
    pass_pdu key = {.code = pdu};
    pass_pdu *p = ps->n_pdus ? bsearch(&key, ps->pdus, ps->n_pdus, sizeof key, pass_pdu_cmp) : NULL;
    if (p && p->n_missing) add_case_each(p->acc, p->n_missing, items, n, &ps->scratch, &ps->cap_scratch);
}

ck_rc ck_inspection_snapshots_refresh(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands,
                                      int months, ck_date as_of, char *(*encode)(const ck_inspection *x),
                                      size_t *written, char *err, size_t err_len)
{
    *written = 0;
    if (months < 1 || months > 120) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "months: expected 1 to 120");
    ck_arena a;
    ck_arena_init(&a);
    const char **codes = NULL;
    size_t n_pdus = 0;
    pass ps = {0};
    /* Which months are not fresh, in one read transaction; the cases' rows
     * brought up to date for the earliest of their periods (transactions of
     * their own); the figures from the rows in one read transaction; then
     * all of them written in one short write one. */
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_inspection_pdus(db, NULL, &a, &codes, &n_pdus, err, err_len);
    if (rc == CK_OK) ps.pdus = ck_calloc(n_pdus ? n_pdus : 1, sizeof *ps.pdus);
    ck_date from = CK_NODATE;
    for (size_t i = 0; rc == CK_OK && i < n_pdus; i++) {
        pass_pdu *p = &ps.pdus[ps.n_pdus++];
        p->code = codes[i];
        p->h = months_new(months);
        p->missing = ck_calloc((size_t)months, sizeof *p->missing);
        rc = history_in_tx(db, codes[i], months, as_of, p->h, p->missing, &p->n_missing, err, err_len);
        p->acc = ck_calloc((size_t)months, sizeof *p->acc);
        for (size_t k = 0; k < p->n_missing; k++) {
            ck_inspect_init(&p->acc[k], &p->missing[k]->period);
            if (from == CK_NODATE || p->missing[k]->period.from < from) from = p->missing[k]->period.from;
        }
    }
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc == CK_OK && from != CK_NODATE) { /* CK_NODATE: every snapshot fresh */
        if (ps.n_pdus > 1) /* ck_inspection_pdus's order may be the database's */
            qsort(ps.pdus, ps.n_pdus, sizeof *ps.pdus, pass_pdu_cmp);
        size_t rebuilt = 0;
        rc = ck_inspection_cache_refresh(db, from, CK_INSPECTION_CACHE_BATCH, &rebuilt, err, err_len);
        if (rc == CK_OK && (rc = ck_txn_begin_read(db, err, err_len)) == CK_OK)
            rc = ck_txn_finish(db, ck_inspection_cache_each(db, pass_row, &ps, err, err_len), err, err_len);
    }
    for (size_t i = 0; i < ps.n_pdus; i++)
        for (size_t k = 0; k < ps.pdus[i].n_missing; k++) {
            if (rc == CK_OK) score(ps.pdus[i].missing[k], &ps.pdus[i].acc[k], cfg, bands);
            ck_inspect_free(&ps.pdus[i].acc[k]);
        }
    size_t n_missing = 0;
    for (size_t i = 0; i < ps.n_pdus; i++) n_missing += ps.pdus[i].n_missing;
    if (rc == CK_OK && n_missing && (rc = ck_txn_begin_write(db, err, err_len)) == CK_OK) {
        for (size_t i = 0; rc == CK_OK && i < ps.n_pdus; i++) {
            const ck_inspection_months *h = ps.pdus[i].h;
            for (size_t k = 0; rc == CK_OK && k < h->n; k++)
                if (h->months[k].computed)
                    rc = put_snapshot(db, ps.pdus[i].code, h->months[k].month, h->months[k].computed, encode, err,
                                      err_len);
        }
        rc = ck_txn_finish(db, rc, err, err_len);
        if (rc == CK_OK) *written = n_missing;
    }
    for (size_t i = 0; i < ps.n_pdus; i++) {
        ck_inspection_months_free(ps.pdus[i].h);
        ck_free(ps.pdus[i].missing);
        ck_free(ps.pdus[i].acc);
    }
    ck_free(ps.pdus);
    ck_free(ps.scratch);
    ck_arena_free(&a);
    return rc;
}

void ck_inspection_months_free(ck_inspection_months *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->n; i++) ck_inspection_free(h->months[i].computed);
    ck_arena_free(&h->arena);
    ck_free(h);
}

/* ---- Quality-assurance case audit ---------------------------------------------------- */

ck_rc ck_qa_draw(ck_db *db, const char *pdu, int per_team, uint64_t seed, ck_date from, ck_date to, const char *by,
                 ck_date on, int64_t *sample_id, char *err, size_t err_len)
{
    if (per_team < 1 || per_team > 1000) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "per_team: expected 1 to 1000");
    if (from == CK_NODATE || to == CK_NODATE || from > to)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "to: expected a period from <= to");
    if (!by || !*by) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "drawn_by: expected who drew the sample");
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db,
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
    if (s == CK_DB_CONSTRAINT) return ck_txn_end(db, own, ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "pdu: no PDU %s", pdu), err, err_len);
    if (s != CK_DB_ROW) return ck_txn_end(db, own, ck_txn_db_fail(db, "qa_samples", err, err_len), err, err_len);

    /* Each team's CRNs in CRN order, then a seeded draw from each. */
    st = ck_txn_prepare(db, "SELECT \"team_code\", \"crn\" FROM \"cases\" WHERE \"pdu_code\" = $1 AND \"team_code\" IS NOT NULL "
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
            st = ck_txn_prepare(db, "INSERT INTO \"qa_sample_cases\" (\"sample_id\", \"ord\", \"crn\", \"team\") "
                             "VALUES (CAST($1 AS BIGINT), CAST($2 AS INTEGER), $3, $4)", err, err_len);
            if (!st) {
                rc = CK_ERR_DB;
                break;
            }
            ck_stmt_bind_int(st, 1, *sample_id);
            ck_stmt_bind_int(st, 2, ord++);
            ck_stmt_bind_text(st, 3, crns[i + pick[q]]);
            ck_stmt_bind_text(st, 4, teams[i]);
            if (ck_stmt_step(st) != CK_DB_DONE) rc = ck_txn_db_fail(db, "qa_sample_cases", err, err_len);
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
        return ck_txn_fail(CK_ERR_INVALID, err, err_len,
                    "question: expected assessment, planning, implementation_delivery, reviewing or victims");
    if (!by || !*by) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "answered_by: expected who answered");
    bool own;
    ck_rc rc = ck_txn_join_write(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, "SELECT 1 FROM \"qa_sample_cases\" WHERE \"sample_id\" = CAST($1 AS BIGINT) AND \"crn\" = $2",
                          err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_int(st, 1, sample_id);
    ck_stmt_bind_text(st, 2, crn);
    int s = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (s == CK_DB_DONE)
        return ck_txn_end(db, own, ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "crn: case %s is not in sample %lld", crn,
                               (long long)sample_id), err, err_len);
    if (s != CK_DB_ROW) return ck_txn_end(db, own, ck_txn_db_fail(db, "qa_sample_cases", err, err_len), err, err_len);
    st = ck_txn_prepare(db, "DELETE FROM \"qa_answers\" WHERE \"sample_id\" = CAST($1 AS BIGINT) AND \"crn\" = $2 "
                     "AND \"question\" = $3", err, err_len);
    if (!st) return ck_txn_end(db, own, CK_ERR_DB, err, err_len);
    ck_stmt_bind_int(st, 1, sample_id);
    ck_stmt_bind_text(st, 2, crn);
    ck_stmt_bind_text(st, 3, ck_standard_key(question));
    if (ck_stmt_step(st) != CK_DB_DONE) rc = ck_txn_db_fail(db, "qa_answers", err, err_len);
    ck_stmt_reset(st);
    if (rc == CK_OK) {
        st = ck_txn_prepare(db, "INSERT INTO \"qa_answers\" (\"sample_id\", \"crn\", \"question\", \"sufficient\", \"note\", "
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
        if (ck_stmt_step(st) != CK_DB_DONE) rc = ck_txn_db_fail(db, "qa_answers", err, err_len);
        ck_stmt_reset(st);
    }
    return ck_txn_end(db, own, rc, err, err_len);
}

/* The computed judgements of each case standard for the cases of the
 * period, in the order they stream (by case id): qa_case fills them, and
 * the report looks a CRN up among them. */
typedef struct qa_judged {
    const char *crn;
    ck_qa_judgement computed[CK_STANDARDS];
} qa_judged;

typedef struct qa_ctx {
    ck_inspect_acc acc;
    ck_arena *arena;
    qa_judged *judged;
    size_t n, cap;
} qa_ctx;

static void qa_case(void *ctx, const ck_inspect_item *items, const row_extra *ex, size_t n)
{
    qa_ctx *q = ctx;
    ck_met_count mine[CK_MEASURES];
    ck_inspect_add_case(&q->acc, items, n, mine);
    q->judged = grow(q->judged, &q->cap, q->n, sizeof *q->judged);
    qa_judged *j = &q->judged[q->n++];
    j->crn = ck_arena_strdup(q->arena, ex[0].crn);
    for (int s = 0; s < CK_STANDARDS; s++) j->computed[s] = CK_QA_NONE;
    for (int s = CK_STD_ASSESSMENT; s < CK_STANDARDS; s++) {
        int64_t counted = 0, met = 0;
        for (int m = 0; m < CK_MEASURES; m++)
            if ((int)ck_measures[m].standard == s) {
                counted += mine[m].counted;
                met += mine[m].met;
            }
        if (counted) j->computed[s] = met == counted ? CK_QA_SUFFICIENT : CK_QA_NOT_SUFFICIENT;
    }
}

static const qa_judged *qa_find(const qa_ctx *q, const char *crn)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->judged[i].crn, crn) == 0) return &q->judged[i];
    return NULL;
}

/* The sample's cases, each with its answers, into r. */
static ck_rc qa_cases(ck_db *db, const qa_ctx *q, ck_qa_sample_report *r, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db,
                               "SELECT \"qa_sample_cases\".\"crn\", \"qa_sample_cases\".\"team\", \"qa_answers\".\"question\", "
                               "\"qa_answers\".\"sufficient\", \"qa_answers\".\"note\" FROM \"qa_sample_cases\" "
                               "LEFT JOIN \"qa_answers\" ON \"qa_answers\".\"sample_id\" = \"qa_sample_cases\".\"sample_id\" "
                               "AND \"qa_answers\".\"crn\" = \"qa_sample_cases\".\"crn\" "
                               "WHERE \"qa_sample_cases\".\"sample_id\" = CAST($1 AS BIGINT) "
                               "ORDER BY \"qa_sample_cases\".\"ord\", \"qa_answers\".\"question\"",
                               err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, r->sample_id);
    ck_qa_case *cases = NULL;
    size_t cap = 0, acap = 0;
    ck_qa_answer_row *answers = NULL; /* the current case's, until it is complete */
    ck_qa_case *cur = NULL;
    ck_rc rc = CK_OK;
    for (;;) {
        bool more = ck_txn_next(db, st, "qa_answers", &rc, err, err_len);
        const char *crn = more ? ck_stmt_text(st, 0) : NULL;
        if (cur && (!more || strcmp(cur->crn, crn) != 0)) {
            cur->answers = to_arena(&r->arena, answers, cur->n_answers, sizeof *answers);
            answers = NULL;
            acap = 0;
            cur = NULL;
        }
        if (!more) break;
        if (!cur) {
            cases = grow(cases, &cap, r->n_cases, sizeof *cases);
            cur = &cases[r->n_cases++];
            *cur = (ck_qa_case){.crn = ck_arena_strdup(&r->arena, crn), .team = ck_arena_strdup(&r->arena, ck_stmt_text(st, 1))};
            const qa_judged *j = qa_find(q, crn);
            cur->counted = j != NULL;
            for (int s = 0; s < CK_STANDARDS; s++) cur->computed[s] = j ? j->computed[s] : CK_QA_NONE;
        }
        if (ck_stmt_null(st, 2)) continue;
        answers = grow(answers, &acap, cur->n_answers, sizeof *answers);
        ck_qa_answer_row *a = &answers[cur->n_answers++];
        a->question = ck_arena_strdup(&r->arena, ck_stmt_text(st, 2));
        a->auditor = ck_stmt_int(st, 3) != 0;
        a->note = ck_arena_strdup(&r->arena, ck_stmt_text(st, 4));
        ck_standard sd;
        a->computed = cur->counted && ck_standard_parse(a->question, &sd) && ck_standard_is_case(sd) ? cur->computed[sd]
                                                                                                   : CK_QA_NONE;
        if (a->computed != CK_QA_NONE && (a->computed == CK_QA_SUFFICIENT) != a->auditor) r->disagreements++;
    }
    ck_stmt_reset(st);
    ck_free(answers);
    r->cases = to_arena(&r->arena, cases, r->n_cases, sizeof *cases);
    return rc;
}

ck_rc ck_qa_report(ck_db *db, int64_t sample_id, ck_date as_of, ck_qa_sample_report **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"pdu\", \"seed\", \"from\", \"to\", \"per_team\" FROM \"qa_samples\" "
                              "WHERE \"sample_id\" = CAST($1 AS BIGINT)", err, err_len);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_int(st, 1, sample_id);
    int s = ck_stmt_step(st);
    ck_qa_sample_report *r = ck_calloc(1, sizeof *r);
    ck_arena_init(&r->arena);
    r->sample_id = sample_id;
    ck_inspect_period p = {CK_NODATE, CK_NODATE, as_of};
    if (s == CK_DB_ROW) {
        r->pdu = ck_arena_strdup(&r->arena, ck_stmt_text(st, 0));
        r->seed = ck_stmt_int(st, 1);
        r->from = p.from = ck_stmt_date(st, 2);
        r->to = p.to = ck_stmt_date(st, 3);
        r->per_team = ck_stmt_int(st, 4);
    }
    ck_stmt_reset(st);
    if (s == CK_DB_DONE) rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "sample: no sample %lld", (long long)sample_id);
    else if (s != CK_DB_ROW) rc = ck_txn_db_fail(db, "qa_samples", err, err_len);
    qa_ctx q = {.arena = &r->arena};
    if (rc == CK_OK) {
        ck_inspect_init(&q.acc, &p);
        rc = stream_of(db, NULL, r->pdu, sample_id, &p, true, qa_case, &q, err, err_len);
        ck_inspect_free(&q.acc);
    }
    if (rc == CK_OK) rc = qa_cases(db, &q, r, err, err_len);
    ck_free(q.judged);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        ck_qa_report_free(r);
        return rc;
    }
    *out = r;
    return CK_OK;
}

void ck_qa_report_free(ck_qa_sample_report *r)
{
    if (!r) return;
    ck_arena_free(&r->arena);
    ck_free(r);
}

ck_rc ck_qa_samples(ck_db *db, const char *pdu, ck_qa_sample_list **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_stmt *st = ck_txn_prepare(db,
                          "SELECT \"sample_id\", \"pdu\", \"seed\", \"per_team\", \"from\", \"to\", \"drawn_by\", "
                          "\"drawn_on\", (SELECT COUNT(*) FROM \"qa_sample_cases\" WHERE \"qa_sample_cases\".\"sample_id\" = "
                          "\"qa_samples\".\"sample_id\"), (SELECT COUNT(*) FROM \"qa_answers\" WHERE "
                          "\"qa_answers\".\"sample_id\" = \"qa_samples\".\"sample_id\") FROM \"qa_samples\" "
                          "WHERE CAST($1 AS TEXT) IS NULL OR \"pdu\" = $1 ORDER BY \"sample_id\" DESC",
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, pdu);
    ck_qa_sample_list *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    ck_qa_sample *items = NULL;
    size_t cap = 0;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "qa_samples", &rc, err, err_len)) {
        items = grow(items, &cap, l->n, sizeof *items);
        items[l->n++] = (ck_qa_sample){
            .sample_id = ck_stmt_int(st, 0),
            .pdu = ck_arena_strdup(&l->arena, ck_stmt_text(st, 1)),
            .seed = ck_stmt_int(st, 2),
            .per_team = ck_stmt_int(st, 3),
            .from = ck_stmt_date(st, 4),
            .to = ck_stmt_date(st, 5),
            .drawn_by = ck_arena_strdup(&l->arena, ck_stmt_text(st, 6)),
            .drawn_on = ck_stmt_date(st, 7),
            .cases = ck_stmt_int(st, 8),
            .answers = ck_stmt_int(st, 9),
        };
    }
    ck_stmt_reset(st);
    l->items = to_arena(&l->arena, items, l->n, sizeof *items);
    if (rc != CK_OK) {
        ck_qa_sample_list_free(l);
        return rc;
    }
    *out = l;
    return CK_OK;
}

void ck_qa_sample_list_free(ck_qa_sample_list *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}
