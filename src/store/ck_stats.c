/* ck_stats: aggregates over the stored obligations (see ck_stats.h). */
#include "ck_stats.h"
#include "ck_buf.h"
#include "ck_org.h"
#include "ck_txn.h"
#include "ck_str.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQL for "not met and due before as_of" ($1 is as_of). */
#define OVERDUE "(\"status\" = 'unmet' AND \"due\" < $1)"

double ck_stats_on_time_rate(const ck_stats_counts *c)
{
    size_t den = c->met + c->met_late + c->overdue;
    return den ? (double)c->met / (double)den : -1;
}

static size_t n_rule_ids(void)
{
    size_t n = 0;
    while (ck_rule_ids[n]) n++;
    return n;
}

/* ---- Groups while counting ------------------------------------------------------ */

/* One PDU's counts as the rows come in. */
typedef struct slot {
    const char *pdu;           /* NULL: no PDU */
    ck_stats_counts *by_rule;  /* by index in ck_rule_ids */
    ck_practice_tally practice;
    ck_pdu_cases cases;
} slot;

typedef struct acc {
    ck_stats *s;
    size_t n_rules;
    slot *slots;
    size_t n, cap;
} acc;

/* The slot of PDU code `pdu` (NULL: no PDU), made on first sight. */
static slot *slot_of(acc *a, const char *pdu)
{
    for (size_t i = 0; i < a->n; i++)
        if (pdu ? ck_streq(a->slots[i].pdu, pdu) : !a->slots[i].pdu) return &a->slots[i];
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 32;
        a->slots = ck_realloc(a->slots, a->cap * sizeof *a->slots);
    }
    slot *g = &a->slots[a->n++];
    memset(g, 0, sizeof *g);
    g->pdu = ck_arena_strdup(&a->s->arena, pdu);
    g->by_rule = ck_arena_array(&a->s->arena, a->n_rules, sizeof *g->by_rule);
    return g;
}

static void add_counts(ck_stats_counts *to, const ck_stats_counts *n)
{
    to->total += n->total;
    to->met += n->met;
    to->met_late += n->met_late;
    to->open += n->open;
    to->overdue += n->overdue;
}

static size_t col(ck_stmt *st, int i)
{
    int64_t v = ck_stmt_int(st, i);
    return v > 0 ? (size_t)v : 0;
}

/* ---- Counts by rule -------------------------------------------------------------- */

static ck_rc count_rules(ck_db *db, acc *a, const char *pdu, ck_date as_of, char *err, size_t err_len)
{
    /* All PDUs: grouped on an expression, so that SQLite reads the table
     * straight through instead of every row by way of the PDU index (three
     * times slower); one PDU: by that index. */
    static const char *const sql[2] = {
        "SELECT NULLIF(COALESCE(\"pdu_code\", ''), ''), \"rule\", COUNT(*), "
        "SUM(CASE WHEN \"status\" = 'met' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN \"status\" = 'met_late' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " OVERDUE " THEN 1 ELSE 0 END) "
        "FROM \"obligations\" GROUP BY COALESCE(\"pdu_code\", ''), \"rule\"",
        "SELECT \"pdu_code\", \"rule\", COUNT(*), "
        "SUM(CASE WHEN \"status\" = 'met' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN \"status\" = 'met_late' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " OVERDUE " THEN 1 ELSE 0 END) "
        "FROM \"obligations\" WHERE \"pdu_code\" = $2 GROUP BY \"pdu_code\", \"rule\"",
    };
    ck_stmt *st = ck_db_prepare(db, sql[pdu != NULL]);
    if (!st) return ck_txn_db_fail(db, "obligations by rule", err, err_len);
    ck_stmt_bind_date(st, 1, as_of);
    if (pdu) ck_stmt_bind_text(st, 2, pdu);
    int rc;
    ck_rc out = CK_OK;
    while (out == CK_OK && (rc = ck_stmt_step(st)) == CK_DB_ROW) {
        const char *rule = ck_stmt_text(st, 1);
        size_t r = 0;
        while (r < a->n_rules && !ck_streq(ck_rule_ids[r], rule)) r++;
        if (r == a->n_rules) {
            out = ck_txn_fail(CK_ERR_INVALID, err, err_len,
                       "obligations.rule: \"%s\" is not a rule this version knows (run casekeeper recompute)",
                       rule ? rule : "");
            break;
        }
        ck_stats_counts n = {col(st, 2), col(st, 3), col(st, 4), 0, col(st, 5)};
        n.open = n.total - n.met - n.met_late - n.overdue;
        add_counts(&slot_of(a, ck_stmt_text(st, 0))->by_rule[r], &n);
    }
    if (out == CK_OK && rc != CK_DB_DONE) out = ck_txn_db_fail(db, "obligations by rule", err, err_len);
    ck_stmt_reset(st);
    return out;
}

/* ---- Practice indicators ----------------------------------------------------------- */

/* Rule IDs are capital letters and underscores (ck_rule_ids), so they are
 * written into the SQL text as literals; no value from outside ever is. */
static void sql_rules(ck_buf *b, const char *rules)
{
    ck_buf_puts(b, "\"rule\" IN (");
    for (const char *p = rules; *p;) {
        size_t k = strcspn(p, " ");
        ck_buf_printf(b, "%s'%.*s'", p == rules ? "" : ", ", (int)k, p);
        p += k;
        p += *p == ' ';
    }
    ck_buf_putc(b, ')');
}

static void sql_match(ck_buf *b, const ck_practice_match *m)
{
    ck_buf_putc(b, '(');
    sql_rules(b, m->rules);
    size_t n = m->subject ? strlen(m->subject) : 0;
    if (n && m->subject[n - 1] == ':')
        ck_buf_printf(b, " AND SUBSTR(\"subject\", 1, %zu) = '%s'", n, m->subject);
    else if (n)
        ck_buf_printf(b, " AND \"subject\" = '%s'", m->subject);
    if (!m->any_due) ck_buf_puts(b, " AND \"due\" < $1");
    ck_buf_putc(b, ')');
}

static void sql_fault(ck_buf *b, ck_practice_fault f)
{
    switch (f) {
    case CK_FAULT_OVERDUE: ck_buf_puts(b, OVERDUE); break;
    case CK_FAULT_NOT_ON_TIME: ck_buf_puts(b, "(\"status\" = 'met_late' OR " OVERDUE ")"); break;
    case CK_FAULT_LEFT:
        ck_buf_puts(b, "(" OVERDUE " AND EXISTS (SELECT 1 FROM \"allocations\" AS \"a\" "
                       "WHERE \"a\".\"case_id\" = \"o\".\"case_id\" "
                       "AND 'allocation:' || \"a\".\"id\" = \"o\".\"subject\" "
                       "AND \"a\".\"staff_left_on\" IS NOT NULL))");
        break;
    }
}

/* Every rule any indicator reads, for the WHERE clause. */
static void all_rules(ck_buf *b)
{
    for (size_t p = 0; p < CK_PRACTICE_N; p++) {
        const ck_practice_def *d = &ck_practice_defs[p];
        const char *lists[2] = {d->counted.rules, d->per_case ? d->faulty.rules : ""};
        for (size_t l = 0; l < 2; l++)
            for (const char *r = lists[l]; *r;) {
                size_t k = strcspn(r, " ");
                char id[64];
                snprintf(id, sizeof id, "%.*s", (int)k, r);
                if (!ck_practice_rule_in(ck_buf_cstr(b), id)) ck_buf_printf(b, "%s%s", b->len ? " " : "", id);
                r += k;
                r += *r == ' ';
            }
    }
}

/* One row per PDU: for indicator i, column 1 + 2i its denominator and
 * 2 + 2i its numerator. The inner query makes one row per case, with, per
 * case indicator, whether the case counts and whether it is at fault, and
 * per obligation indicator, how many of its obligations count and how many
 * are at fault. */
static void practice_sql(ck_buf *b, bool by_pdu)
{
    ck_buf_puts(b, "SELECT \"pdu\"");
    for (size_t p = 0; p < CK_PRACTICE_N; p++) {
        if (ck_practice_defs[p].per_case)
            ck_buf_printf(b, ", SUM(\"c%zu\"), SUM(\"c%zu\" * \"f%zu\")", p, p, p);
        else
            ck_buf_printf(b, ", SUM(\"c%zu\"), SUM(\"f%zu\")", p, p);
    }
    ck_buf_puts(b, " FROM (SELECT MAX(\"pdu_code\") AS \"pdu\"");
    for (size_t p = 0; p < CK_PRACTICE_N; p++) {
        const ck_practice_def *d = &ck_practice_defs[p];
        const char *agg = d->per_case ? "MAX" : "SUM";
        ck_buf_printf(b, ", %s(CASE WHEN ", agg);
        sql_match(b, &d->counted);
        ck_buf_printf(b, " THEN 1 ELSE 0 END) AS \"c%zu\", %s(CASE WHEN ", p, agg);
        sql_match(b, d->per_case ? &d->faulty : &d->counted);
        ck_buf_puts(b, " AND ");
        sql_fault(b, d->fault);
        ck_buf_printf(b, " THEN 1 ELSE 0 END) AS \"f%zu\"", p);
    }
    ck_buf_puts(b, " FROM \"obligations\" AS \"o\" WHERE ");
    ck_buf rules = CK_BUF_INIT;
    all_rules(&rules);
    sql_rules(b, ck_buf_cstr(&rules));
    ck_buf_free(&rules);
    if (by_pdu) ck_buf_puts(b, " AND \"pdu_code\" = $2");
    ck_buf_puts(b, " GROUP BY \"case_id\") AS \"c\" GROUP BY \"pdu\"");
}

static ck_rc count_practice(ck_db *db, acc *a, const char *pdu, ck_date as_of, char *err, size_t err_len)
{
    ck_buf sql = CK_BUF_INIT;
    practice_sql(&sql, pdu != NULL);
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&sql));
    ck_buf_free(&sql);
    if (!st) return ck_txn_db_fail(db, "practice indicators", err, err_len);
    ck_stmt_bind_date(st, 1, as_of);
    if (pdu) ck_stmt_bind_text(st, 2, pdu);
    int rc;
    while ((rc = ck_stmt_step(st)) == CK_DB_ROW) {
        ck_practice_tally *t = &slot_of(a, ck_stmt_text(st, 0))->practice;
        for (size_t p = 0; p < CK_PRACTICE_N; p++) {
            t->den[p] += col(st, 1 + 2 * (int)p);
            t->num[p] += col(st, 2 + 2 * (int)p);
        }
    }
    ck_stmt_reset(st);
    return rc == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "practice indicators", err, err_len);
}

/* ---- Cases ------------------------------------------------------------------------------ */

/* Each PDU's cases as ck_caseload counts them for every page; a PDU with
 * cases but no obligations gets its group too. */
static ck_rc count_cases(ck_db *db, acc *a, const char *pdu, char *err, size_t err_len)
{
    ck_pdu_cases *rows;
    size_t n;
    ck_rc rc = ck_caseload_pdu_cases(db, NULL, pdu, &a->s->arena, &rows, &n, err, err_len);
    for (size_t i = 0; rc == CK_OK && i < n; i++) slot_of(a, rows[i].pdu)->cases = rows[i];
    return rc;
}

/* ---- PDU names, order, totals --------------------------------------------------------- */

/* One read of the PDUs table, not one query per group: a national run has a
 * hundred or so. */
static ck_rc pdu_names(ck_db *db, ck_stats *s, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT \"code\", \"name\" FROM \"pdus\"");
    if (!st) return ck_txn_db_fail(db, "PDU names", err, err_len);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "PDU names", &rc, err, err_len)) {
        const char *code = ck_stmt_text(st, 0);
        for (size_t i = 0; i < s->n_pdus; i++)
            if (ck_streq(s->pdus[i].pdu, code)) s->pdus[i].name = ck_arena_strdup(&s->arena, ck_stmt_text(st, 1));
    }
    ck_stmt_reset(st);
    return rc;
}

/* Code order, no PDU last. */
static int slot_cmp(const void *x, const void *y)
{
    const slot *a = x, *b = y;
    if (!a->pdu || !b->pdu) return !a->pdu - !b->pdu;
    return strcmp(a->pdu, b->pdu);
}

/* The rules with obligations, in rulebook order; adds them to *all. */
static ck_stats_rule *rule_list(ck_stats *s, const ck_stats_counts *by_rule, size_t n_rules, size_t *n,
                                ck_stats_counts *all)
{
    ck_stats_rule *list = ck_arena_array(&s->arena, n_rules, sizeof *list);
    *n = 0;
    for (size_t r = 0; r < n_rules; r++) {
        if (!by_rule[r].total) continue;
        list[(*n)++] = (ck_stats_rule){ck_rule_ids[r], by_rule[r]};
        add_counts(all, &by_rule[r]);
    }
    return list;
}

/* The groups from the slots, in code order, and their total. */
static void finish(acc *a)
{
    ck_stats *s = a->s;
    qsort(a->slots, a->n, sizeof *a->slots, slot_cmp);
    ck_stats_counts *total = ck_arena_array(&s->arena, a->n_rules, sizeof *total);
    s->pdus = ck_calloc(a->n ? a->n : 1, sizeof *s->pdus);
    s->n_pdus = a->n;
    for (size_t i = 0; i < a->n; i++) {
        const slot *sl = &a->slots[i];
        ck_stats_group *g = &s->pdus[i];
        g->pdu = sl->pdu;
        g->practice = sl->practice;
        g->cases = sl->cases;
        s->total.cases.allocated += sl->cases.allocated;
        s->total.cases.unallocated += sl->cases.unallocated;
        g->rules = rule_list(s, sl->by_rule, a->n_rules, &g->n_rules, &g->all);
        for (size_t r = 0; r < a->n_rules; r++) add_counts(&total[r], &sl->by_rule[r]);
        for (size_t p = 0; p < CK_PRACTICE_N; p++) {
            s->total.practice.num[p] += sl->practice.num[p];
            s->total.practice.den[p] += sl->practice.den[p];
        }
    }
    s->total.rules = rule_list(s, total, a->n_rules, &s->total.n_rules, &s->total.all);
}

ck_rc ck_stats_compute(ck_db *db, ck_date as_of, const char *pdu, ck_stats **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_stats *s = ck_calloc(1, sizeof *s);
    ck_arena_init(&s->arena);
    s->as_of = as_of;
    acc a = {s, n_rule_ids(), NULL, 0, 0};
    /* One snapshot for every count, and never the write lock. */
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc == CK_OK && pdu) {
        ck_arena scratch;
        ck_arena_init(&scratch);
        ck_org_record rec;
        rc = ck_org_get(db, CK_ORG_PDU, pdu, &scratch, &rec, err, err_len);
        ck_arena_free(&scratch);
        if (rc == CK_ERR_NOTFOUND) rc = ck_txn_fail(rc, err, err_len, "--pdu: the organisation has no PDU \"%s\"", pdu);
        else if (rc == CK_OK) slot_of(&a, pdu); /* a PDU with no obligations still shows, with zeros */
    }
    if (rc == CK_OK) rc = count_rules(db, &a, pdu, as_of, err, err_len);
    if (rc == CK_OK) rc = count_practice(db, &a, pdu, as_of, err, err_len);
    if (rc == CK_OK) rc = count_cases(db, &a, pdu, err, err_len);
    if (rc == CK_OK) finish(&a);
    if (rc == CK_OK) rc = pdu_names(db, s, err, err_len);
    if (ck_db_in_tx(db)) rc = ck_txn_finish(db, rc, err, err_len);
    ck_free(a.slots);
    if (rc != CK_OK) {
        ck_stats_free(s);
        return rc;
    }
    *out = s;
    return CK_OK;
}

void ck_stats_free(ck_stats *s)
{
    if (!s) return;
    ck_free(s->pdus);
    ck_arena_free(&s->arena);
    ck_free(s);
}
