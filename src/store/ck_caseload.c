/* ck_caseload: the queries of the pages over many cases (see ck_caseload.h).
 *
 * A list page is read in two steps: the page's case ids in order (one index
 * range of the holder column, sorted, LIMIT/OFFSET), then each shown case's
 * details with statements that each touch one index range of that case. So a
 * caseload of 40 costs 40 small lookups whether the PDU holds 2,000 cases or
 * the country 240,000. */
#include "ck_caseload.h"
#include "ck_horizon.h"
#include "ck_buf.h"
#include "ck_facts.h"
#include "ck_store.h"
#include "ck_str.h"
#include "ck_tier.h"
#include "ck_txn.h"
#include "ck_worklist.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BINDS 64

/* ---- SQL text with numbered parameters ------------------------------------ */

/* SQL built piece by piece; each bound value takes the next $N. */
typedef struct sqlq {
    ck_buf sql;
    int n;
    const char *text[MAX_BINDS];
    int64_t num[MAX_BINDS];
    bool is_num[MAX_BINDS];
} sqlq;

static void q_sql(sqlq *q, const char *s) { ck_buf_puts(&q->sql, s); }

static void q_text(sqlq *q, const char *v)
{
    if (q->n == MAX_BINDS) abort(); /* a bug: the queries here bind a fixed few */
    q->text[q->n] = v;
    q->is_num[q->n] = false;
    ck_buf_printf(&q->sql, "$%d", ++q->n);
}

static void q_int(sqlq *q, int64_t v)
{
    if (q->n == MAX_BINDS) abort();
    q->num[q->n] = v;
    q->is_num[q->n] = true;
    ck_buf_printf(&q->sql, "$%d", ++q->n);
}

static void q_date(sqlq *q, ck_date d, char buf[CK_DATE_STRLEN]) { q_text(q, ck_date_fmt(d, buf)); }

/* " AND (<judged>)": the obligations whose timeliness is known at as_of,
 * those met (on time or late) and those unmet past their due date. One
 * definition for every rate the dashboards show. col_prefix qualifies the
 * columns ("" or "\"o\"."). */
static void q_judged(sqlq *q, const char *col_prefix, ck_date as_of, char buf[CK_DATE_STRLEN])
{
    ck_buf_printf(&q->sql, " AND (%s\"status\" <> 'unmet' OR %s\"due\" < ", col_prefix, col_prefix);
    q_date(q, as_of, buf);
    q_sql(q, ")");
}

/* " IN ($a, $b, ...)" over a NULL-terminated list. */
static void q_in(sqlq *q, const char *const *list)
{
    q_sql(q, " IN (");
    for (size_t i = 0; list[i]; i++) {
        if (i) q_sql(q, ", ");
        q_text(q, list[i]);
    }
    q_sql(q, ")");
}

static ck_stmt *q_prepare(ck_db *db, sqlq *q)
{
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&q->sql));
    for (int i = 0; st && i < q->n; i++) {
        if (q->is_num[i]) ck_stmt_bind_int(st, i + 1, q->num[i]);
        else ck_stmt_bind_text(st, i + 1, q->text[i]);
    }
    return st;
}

/* " AND (<filter>)" with the filter's values bound after those so far. */
static void q_filter(sqlq *q, const ck_case_filter *f)
{
    if (!f) return;
    if (q->n + f->n_binds > MAX_BINDS) abort(); /* a bug: filters bind a fixed few */
    ck_case_filter_sql(&q->sql, f, q->n);
    for (int i = 0; i < f->n_binds; i++) {
        q->text[q->n] = f->binds[i];
        q->is_num[q->n++] = false;
    }
}

/* The attended outcome codes (core/ck_rules holds the list) as a NULL-
 * terminated array, built once from the vocabulary. */
static const char *attended_codes[64];
static pthread_once_t attended_once = PTHREAD_ONCE_INIT;

static void attended_init(void)
{
    size_t n = 0;
    for (size_t i = 0; ck_vocab_outcome[i] && n + 1 < sizeof attended_codes / sizeof *attended_codes; i++)
        if (ck_outcome_attended(ck_vocab_outcome[i])) attended_codes[n++] = ck_vocab_outcome[i];
    attended_codes[n] = NULL;
}

static const char *const *attended(void)
{
    pthread_once(&attended_once, attended_init);
    return attended_codes;
}

/* The per-case figures of a caseload row, as correlated subqueries on
 * "cases"; each is one index range of the case's rows. */
static void q_last_seen(sqlq *q, const char *as_of)
{
    q_sql(q, "(SELECT \"k\".\"date\" FROM \"contacts\" \"k\" WHERE \"k\".\"case_id\" = \"cases\".\"case_id\" "
             "AND \"k\".\"date\" <= ");
    q_text(q, as_of);
    q_sql(q, " AND \"k\".\"national_standard\" = 1 AND \"k\".\"outcome\"");
    q_in(q, attended());
    q_sql(q, " ORDER BY \"k\".\"date\" DESC LIMIT 1)");
}

static void q_next_appt(sqlq *q, const char *as_of)
{
    q_sql(q, "(SELECT \"k\".\"date\" FROM \"contacts\" \"k\" WHERE \"k\".\"case_id\" = \"cases\".\"case_id\" "
             "AND \"k\".\"date\" >= ");
    q_text(q, as_of);
    q_sql(q, " AND \"k\".\"appointment\" = 1 AND \"k\".\"outcome\" IS NULL ORDER BY \"k\".\"date\" LIMIT 1)");
}

static void q_overdue(sqlq *q, const char *as_of)
{
    q_sql(q, "(SELECT COUNT(*) FROM \"obligations\" \"o\" WHERE \"o\".\"case_id\" = \"cases\".\"case_id\" "
             "AND \"o\".\"status\" = 'unmet' AND \"o\".\"due\" < ");
    q_text(q, as_of);
    q_sql(q, ")");
}

/* ---- The stored tier ---------------------------------------------------------- */

ck_rc ck_caseload_store_profile(ck_db *db, int64_t id, const ck_wprofile *p, ck_date as_of, char *err,
                                size_t err_len)
{
    char d[CK_DATE_STRLEN];
    ck_stmt *st = ck_db_prepare(db, "UPDATE \"cases\" SET \"tier_as_of\" = $3, " CK_STORE_TIER_CHANGE("$2", "$3")
                                    ", \"tier\" = $2, "
                                    CK_STORE_PROFILE_SET("$9", "$4", "$5", "$6", "$7", "$8")
                                    " WHERE \"case_id\" = $1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_rc rc = CK_OK;
    ck_date_fmt(as_of, d);
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_text(st, 2, p->tier);
    ck_stmt_bind_text(st, 3, d);
    ck_stmt_bind_text(st, 4, ck_store_profile_type(p));
    ck_stmt_bind_text(st, 5, ck_store_profile_text(p->rosh));
    ck_stmt_bind_text(st, 6, ck_store_profile_text(p->mappa));
    ck_stmt_bind_text(st, 7, ck_store_profile_text(p->reports));
    ck_stmt_bind_text(st, 8, p->complete ? d : NULL);
    ck_stmt_bind_text(st, 9, ck_store_profile_text(p->tier_missing));
    if (ck_stmt_step(st) != CK_DB_DONE) rc = ck_txn_db_fail(db, "cases.tier", err, err_len);
    ck_stmt_reset(st);
    return rc;
}

ck_rc ck_caseload_refresh(ck_db *db, int64_t id, const ck_case *c, const ck_result *r, ck_date as_of,
                          const ck_rules_config *cfg, char *err, size_t err_len)
{
    ck_wprofile p;
    ck_wprofile_of(c, as_of, cfg, &p);
    ck_rc rc = ck_caseload_store_profile(db, id, &p, as_of, err, err_len);
    if (rc != CK_OK || !r) return rc;
    ck_date next = ck_horizon_case(c, as_of, r, &p);
    return ck_store_set_next_change(db, 1, &id, &next, as_of, err, err_len);
}

/* ---- Caseload lists ------------------------------------------------------------ */

/* Which holder column a query names; -1 unless exactly one. */
static int holder_of(const char *const *holders)
{
    int who = -1, given = 0;
    for (int i = 0; i < 3; i++)
        if (holders[i]) who = i, given++;
    return given == 1 ? who : -1;
}

static const char *const holder_cols[] = {"\"staff_code\"", "\"team_code\"", "\"pdu_code\""};

/* What a caseload filter may hold: letters and digits. Keeps LIKE patterns
 * free of wildcards the user did not mean. */
static bool filter_chars(const char *s, char *out, size_t out_len, bool upper)
{
    size_t n = 0;
    for (; *s; s++) {
        char ch = *s;
        if (ch >= 'a' && ch <= 'z' && upper) ch = (char)(ch - 'a' + 'A');
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) return false;
        if (n + 2 >= out_len) return false;
        out[n++] = ch;
    }
    out[n++] = '%';
    out[n] = '\0';
    return true;
}

typedef struct list_filter {
    char crn[40], name[CK_NAME_KEY_MAX + 2], tier[16];
    bool by_text, by_tier;
} list_filter;

/* " WHERE holder = $ [AND ...]" of the query. */
static void q_where(sqlq *q, const ck_caseload_query *cq, int who, const char *holder, const list_filter *f)
{
    q_sql(q, " WHERE ");
    q_sql(q, holder_cols[who]);
    q_sql(q, " = ");
    q_text(q, holder);
    if (cq->unallocated) q_sql(q, " AND \"staff_code\" IS NULL");
    if (f->by_text) {
        q_sql(q, " AND (\"crn\" LIKE ");
        q_text(q, f->crn);
        if (f->name[0] != '%') {
            q_sql(q, " OR \"surname_key\" LIKE ");
            q_text(q, f->name);
            q_sql(q, " OR \"forename_key\" LIKE ");
            q_text(q, f->name);
        }
        q_sql(q, ")");
    }
    if (f->by_tier) {
        q_sql(q, " AND \"tier\" LIKE ");
        q_text(q, f->tier);
    }
    q_filter(q, cq->filter);
}

static ck_rc read_filter(const ck_caseload_query *cq, list_filter *f, char *err, size_t err_len)
{
    memset(f, 0, sizeof *f);
    if (cq->q && *cq->q) {
        char key[CK_NAME_KEY_MAX + 1];
        size_t n = ck_store_name_key(cq->q, key);
        if (!filter_chars(cq->q, f->crn, sizeof f->crn, true)) f->crn[0] = '\0';
        snprintf(f->name, sizeof f->name, "%.*s%%", (int)n, key);
        if (!f->crn[0] && !n)
            return ck_txn_fail(CK_ERR_INVALID, err, err_len, "q: \"%s\" is neither a CRN nor a name", cq->q);
        if (!f->crn[0]) snprintf(f->crn, sizeof f->crn, "%s", "-"); /* no CRN matches "-" */
        f->by_text = true;
    }
    if (cq->tier && *cq->tier) {
        if (!filter_chars(cq->tier, f->tier, sizeof f->tier, true))
            return ck_txn_fail(CK_ERR_INVALID, err, err_len, "tier: \"%s\" is not a tier such as B or B2", cq->tier);
        f->by_tier = true;
    }
    return CK_OK;
}

/* The page of rows cq asks for, each with its own columns and figures, into
 * l (room for cq->limit rows), and their case ids into *ids (the caller
 * frees); l->total is every case that matches. */
static ck_rc list_rows(ck_db *db, const ck_caseload_query *cq, int who, const char *holder, const list_filter *f,
                       const char *as_of, ck_caseload *l, int64_t **ids, char *err, size_t err_len)
{
    *ids = NULL;
    sqlq q = {.sql = CK_BUF_INIT};
    q_sql(&q, "SELECT COUNT(*) FROM \"cases\"");
    q_where(&q, cq, who, holder, f);
    ck_stmt *st = q_prepare(db, &q);
    ck_buf_free(&q.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) l->total = (size_t)ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (rc != CK_DB_ROW) return ck_txn_db_fail(db, "caseload", err, err_len);
    if (cq->offset >= l->total) return CK_OK;

    static const char *const by[] = {"\"surname_key\"", "\"crn\"", "\"tier\""};
    const char *dir = cq->desc ? " DESC" : "";
    sqlq p = {.sql = CK_BUF_INIT};
    q_sql(&p, "SELECT \"case_id\", \"crn\", \"person_forename\", \"person_surname\", \"staff_code\", \"team_code\", "
              "\"tier\", ");
    q_last_seen(&p, as_of);
    q_sql(&p, ", ");
    q_next_appt(&p, as_of);
    q_sql(&p, ", ");
    q_overdue(&p, as_of);
    q_sql(&p, ", \"tier_missing\" FROM \"cases\"");
    q_where(&p, cq, who, holder, f);
    q_sql(&p, " ORDER BY ");
    switch (cq->sort) {
    case CK_CASELOAD_NAME: case CK_CASELOAD_CRN: case CK_CASELOAD_TIER: q_sql(&p, by[cq->sort]); break;
    case CK_CASELOAD_LAST_SEEN: q_last_seen(&p, as_of); break;
    case CK_CASELOAD_NEXT: q_next_appt(&p, as_of); break;
    case CK_CASELOAD_OVERDUE: q_overdue(&p, as_of); break;
    }
    ck_buf_printf(&p.sql, "%s NULLS LAST", dir);
    if (cq->sort == CK_CASELOAD_NAME) ck_buf_printf(&p.sql, ", \"forename_key\"%s NULLS LAST", dir);
    ck_buf_printf(&p.sql, ", \"crn\"%s LIMIT ", dir);
    q_int(&p, (int64_t)cq->limit);
    q_sql(&p, " OFFSET ");
    q_int(&p, (int64_t)cq->offset);
    st = q_prepare(db, &p);
    ck_buf_free(&p.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    *ids = ck_calloc(cq->limit, sizeof **ids);
    ck_arena *a = &l->arena;
    while ((rc = ck_stmt_step(st)) == CK_DB_ROW && l->n < cq->limit) {
        (*ids)[l->n] = ck_stmt_int(st, 0);
        ck_caseload_row *row = &l->rows[l->n++];
        row->crn = ck_arena_strdup(a, ck_stmt_text(st, 1));
        row->forename = ck_arena_strdup(a, ck_stmt_text(st, 2));
        row->surname = ck_arena_strdup(a, ck_stmt_text(st, 3));
        row->staff_code = ck_arena_strdup(a, ck_stmt_text(st, 4));
        row->team_code = ck_arena_strdup(a, ck_stmt_text(st, 5));
        row->tier = ck_arena_strdup(a, ck_stmt_text(st, 6));
        row->last_seen = ck_stmt_date(st, 7);
        row->next_appt = ck_stmt_date(st, 8);
        row->overdue = (int)ck_stmt_int(st, 9);
        row->tier_missing = ck_arena_strdup(a, ck_stmt_text(st, 10));
        row->rosh_date = CK_NODATE;
    }
    ck_stmt_reset(st);
    return rc == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "caseload", err, err_len);
}

/* RoSH assessments and registrations of the case as a small ck_case, so the
 * rulebook's own terms (ck_rosh_latest, ck_registration_current) read them. */
static ck_rc row_risk(ck_db *db, int64_t id, const char *as_of, ck_date d, ck_arena *a, ck_caseload_row *row,
                      char *err, size_t err_len)
{
    ck_case c;
    memset(&c, 0, sizeof c);
    ck_stmt *st = ck_db_prepare(db, "SELECT \"completed\", \"level\" FROM \"assessments\" WHERE \"case_id\" = $1 "
                                    "AND \"kind\" = 'rosh' AND \"completed\" = (SELECT MAX(\"completed\") FROM "
                                    "\"assessments\" WHERE \"case_id\" = $1 AND \"kind\" = 'rosh' AND "
                                    "\"completed\" <= $2)");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_text(st, 2, as_of);
    ck_assessment as[8];
    int rc;
    while ((rc = ck_stmt_step(st)) == CK_DB_ROW) {
        if (c.n_assessments == sizeof as / sizeof *as) continue;
        const char *lv = ck_stmt_text(st, 1);
        ck_assessment *x = &as[c.n_assessments++];
        *x = (ck_assessment){.kind = "rosh", .completed = ck_stmt_date(st, 0),
                             .level = lv ? ck_vocab_find(ck_vocab_rosh_level, lv, strlen(lv)) : NULL};
    }
    ck_stmt_reset(st);
    if (rc != CK_DB_DONE) return ck_txn_db_fail(db, "assessments", err, err_len);
    c.assessments = as;

    st = ck_db_prepare(db, "SELECT \"type\", \"date\", \"level\", \"category\" FROM \"registrations\" "
                           "WHERE \"case_id\" = $1 AND \"date\" <= $2 AND (\"deregistered\" IS NULL OR "
                           "\"deregistered\" > $2) ORDER BY \"ord\"");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_text(st, 2, as_of);
    size_t cap = 0;
    ck_registration *regs = NULL;
    while ((rc = ck_stmt_step(st)) == CK_DB_ROW) {
        if (c.n_registrations == cap) {
            cap = cap ? cap * 2 : 8;
            ck_registration *grown = ck_arena_array(a, cap, sizeof *grown);
            if (c.n_registrations) memcpy(grown, regs, c.n_registrations * sizeof *grown);
            regs = grown;
        }
        ck_registration *g = &regs[c.n_registrations++];
        const char *type = ck_stmt_text(st, 0), *lv = ck_stmt_text(st, 2), *cat = ck_stmt_text(st, 3);
        *g = (ck_registration){.type = ck_arena_strdup(a, type), .date = ck_stmt_date(st, 1),
                               .level = ck_arena_strdup(a, lv), .category = ck_arena_strdup(a, cat),
                               .next_review = CK_NODATE, .deregistered = CK_NODATE};
    }
    ck_stmt_reset(st);
    if (rc != CK_DB_DONE) return ck_txn_db_fail(db, "registrations", err, err_len);
    c.registrations = regs;
    /* The RoSH the tier reads: the latest of the registrations and assessments. */
    ck_rosh_found rosh;
    if (ck_rosh_latest(&c, d, &rosh)) {
        row->rosh_level = rosh.level;
        row->rosh_date = rosh.date;
    }
    const ck_registration *mappa = ck_registration_current(&c, "MAPP", d);
    if (mappa) {
        row->mappa_level = mappa->level;
        row->mappa_category = mappa->category;
    }
    row->registers = ck_arena_array(a, c.n_registrations + 1, sizeof *row->registers);
    for (size_t i = 0; i < c.n_registrations; i++)
        if (!ck_streq(regs[i].type, "MAPP")) row->registers[row->n_registers++] = regs[i].type;
    return CK_OK;
}

static ck_rc list_in_snapshot(ck_db *db, const ck_caseload_query *cq, ck_caseload **out, char *err, size_t err_len)
{
    *out = NULL;
    const char *holders[] = {cq->staff, cq->team, cq->pdu};
    int who = holder_of(holders);
    if (who < 0) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "caseload: give exactly one of staff, team or pdu");
    if (cq->limit == 0 || cq->limit > CK_CASELOAD_PAGE_MAX)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "limit: expected 1 to %d rows", CK_CASELOAD_PAGE_MAX);
    list_filter f;
    ck_rc rc = read_filter(cq, &f, err, err_len);
    if (rc != CK_OK) return rc;
    ck_caseload *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    l->rows = ck_arena_array(&l->arena, cq->limit, sizeof *l->rows);
    char as_of[CK_DATE_STRLEN];
    ck_date_fmt(cq->as_of, as_of);
    int64_t *ids = NULL;
    rc = list_rows(db, cq, who, holders[who], &f, as_of, l, &ids, err, err_len);
    for (size_t i = 0; i < l->n && rc == CK_OK; i++)
        rc = row_risk(db, ids[i], as_of, cq->as_of, &l->arena, &l->rows[i], err, err_len);
    ck_free(ids);
    if (rc != CK_OK) {
        ck_caseload_free(l);
        return rc;
    }
    *out = l;
    return CK_OK;
}

ck_rc ck_caseload_list(ck_db *db, const ck_caseload_query *cq, ck_caseload **out, char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, list_in_snapshot(db, cq, out, err, err_len), err, err_len);
}

void ck_caseload_free(ck_caseload *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}

/* ---- Team ------------------------------------------------------------------------ */

static ck_team_member *member(ck_team_summary *t, const char *code, size_t *cap)
{
    for (size_t i = 0; i < t->n; i++)
        if (ck_streq(t->members[i].staff_code, code)) return &t->members[i];
    if (t->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        ck_team_member *grown = ck_arena_array(&t->arena, *cap, sizeof *grown);
        if (t->n) memcpy(grown, t->members, t->n * sizeof *grown);
        t->members = grown;
    }
    ck_team_member *m = &t->members[t->n++];
    m->staff_code = ck_arena_strdup(&t->arena, code);
    return m;
}

static int member_cmp(const void *x, const void *y)
{
    const ck_team_member *a = x, *b = y;
    int c = strcmp(a->surname ? a->surname : "\x7f", b->surname ? b->surname : "\x7f");
    return c ? c : strcmp(a->staff_code, b->staff_code);
}

static ck_rc team_in_snapshot(ck_db *db, const char *team, ck_date as_of, ck_team_summary **out, char *err,
                              size_t err_len)
{
    *out = NULL;
    if (!team) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "team: a team code is needed");
    char d[CK_DATE_STRLEN];
    ck_date_fmt(as_of, d);
    static const char *const sql[] = {
        "SELECT \"code\", \"forename\", \"surname\", \"grade\", \"status\" FROM \"staff\" WHERE \"team\" = $1 "
        "AND (\"left_on\" IS NULL OR \"left_on\" > $2)",
        "SELECT \"staff_code\", COUNT(*) FROM \"cases\" WHERE \"team_code\" = $1 GROUP BY \"staff_code\"",
        "SELECT \"staff_code\", COUNT(*) FROM \"obligations\" WHERE \"team_code\" = $1 AND \"status\" = 'unmet' "
        "AND \"due\" < $2 GROUP BY \"staff_code\"",
    };
    ck_team_summary *t = ck_calloc(1, sizeof *t);
    ck_arena_init(&t->arena);
    size_t cap = 0;
    ck_rc rc = CK_OK;
    for (int k = 0; k < 3 && rc == CK_OK; k++) {
        ck_stmt *st = ck_db_prepare(db, sql[k]);
        if (!st) {
            rc = ck_txn_db_fail(db, "prepare", err, err_len);
            break;
        }
        ck_stmt_bind_text(st, 1, team);
        if (k != 1) ck_stmt_bind_text(st, 2, d);
        int s;
        while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
            const char *code = ck_stmt_text(st, 0);
            size_t n = k ? (size_t)ck_stmt_int(st, 1) : 0;
            if (!code) {
                if (k == 1) t->unallocated = n;
                if (k == 1) t->cases += n;
                if (k == 2) t->overdue += n;
                continue;
            }
            ck_team_member *m = member(t, code, &cap);
            if (k == 0) {
                m->forename = ck_arena_strdup(&t->arena, ck_stmt_text(st, 1));
                m->surname = ck_arena_strdup(&t->arena, ck_stmt_text(st, 2));
                m->grade = ck_arena_strdup(&t->arena, ck_stmt_text(st, 3));
                m->status = ck_arena_strdup(&t->arena, ck_stmt_text(st, 4));
            } else if (k == 1) {
                m->cases = n;
                t->cases += n;
            } else {
                m->overdue = n;
                t->overdue += n;
            }
        }
        ck_stmt_reset(st);
        if (s != CK_DB_DONE) rc = ck_txn_db_fail(db, "team", err, err_len);
    }
    if (rc != CK_OK) {
        ck_team_summary_free(t);
        return rc;
    }
    if (t->n) qsort(t->members, t->n, sizeof *t->members, member_cmp);
    *out = t;
    return CK_OK;
}

ck_rc ck_caseload_team(ck_db *db, const char *team, ck_date as_of, ck_team_summary **out, char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, team_in_snapshot(db, team, as_of, out, err, err_len), err, err_len);
}

void ck_team_summary_free(ck_team_summary *t)
{
    if (!t) return;
    ck_arena_free(&t->arena);
    ck_free(t);
}

/* ---- Obligations of chosen rules ----------------------------------------------- */

/* " AND (status in the mask)", open versus overdue split at as_of. */
static void q_statuses(sqlq *q, unsigned mask, const char *as_of)
{
    static const char *const stored[] = {"'unmet'", "'unmet'", "'met_late'", "'met'"};
    q_sql(q, " AND (");
    bool first = true;
    for (int s = CK_ST_OVERDUE; s <= CK_ST_MET; s++) {
        if (!(mask & (1u << s))) continue;
        if (!first) q_sql(q, " OR ");
        first = false;
        q_sql(q, "(\"obligations\".\"status\" = ");
        q_sql(q, stored[s]);
        if (s == CK_ST_OVERDUE || s == CK_ST_OPEN) {
            q_sql(q, s == CK_ST_OVERDUE ? " AND \"obligations\".\"due\" < " : " AND \"obligations\".\"due\" >= ");
            q_text(q, as_of);
        }
        q_sql(q, ")");
    }
    q_sql(q, ")");
}

static ck_rc rule_obligations_in_snapshot(ck_db *db, const ck_rule_query *rq, ck_worklist **out, char *err,
                                          size_t err_len)
{
    *out = NULL;
    const char *holders[] = {rq->staff, rq->team, rq->pdu};
    int who = holder_of(holders);
    if (who < 0)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "rule obligations: give exactly one of staff, team or pdu");
    if ((rq->due_from != 0) != (rq->due_to != 0) || rq->due_from > rq->due_to)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "due_from, due_to: give both, from on or before to");
    if (!rq->rules || !rq->rules[0])
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "rules: at least one rule is needed");
    if (rq->limit == 0 || rq->limit > CK_CASELOAD_PAGE_MAX)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "limit: expected 1 to %d rows", CK_CASELOAD_PAGE_MAX);
    unsigned mask = rq->statuses ? rq->statuses : (1u << CK_ST_OVERDUE) | (1u << CK_ST_OPEN);
    char as_of[CK_DATE_STRLEN], prefix[64];
    ck_date_fmt(rq->as_of, as_of);
    if (rq->subject_prefix) snprintf(prefix, sizeof prefix, "%s%%", rq->subject_prefix);

    /* Both statements share the WHERE clause; the count binds the same values. */
    sqlq w = {.sql = CK_BUF_INIT};
    q_sql(&w, " FROM \"obligations\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" WHERE "
              "\"obligations\".");
    q_sql(&w, holder_cols[who]);
    q_sql(&w, " = ");
    q_text(&w, holders[who]);
    q_sql(&w, " AND \"obligations\".\"rule\"");
    q_in(&w, rq->rules);
    if (rq->subject_prefix) {
        q_sql(&w, " AND \"obligations\".\"subject\" LIKE ");
        q_text(&w, prefix);
    }
    char from[CK_DATE_STRLEN], to[CK_DATE_STRLEN], at[CK_DATE_STRLEN];
    if (rq->due_from) {
        q_sql(&w, " AND \"obligations\".\"due\" >= ");
        q_date(&w, rq->due_from, from);
        q_sql(&w, " AND \"obligations\".\"due\" <= ");
        q_date(&w, rq->due_to, to);
    }
    if (rq->overdue_at) {
        /* As ck_caseload_trend counts a month's bar. */
        q_sql(&w, " AND \"obligations\".\"due\" < ");
        q_date(&w, rq->overdue_at, at);
        q_sql(&w, " AND (\"obligations\".\"met_on\" IS NULL OR \"obligations\".\"met_on\" > ");
        q_text(&w, at);
        q_sql(&w, ")");
    } else {
        q_statuses(&w, mask, as_of);
    }
    q_filter(&w, rq->filter);

    sqlq c = w;
    c.sql = (ck_buf)CK_BUF_INIT;
    q_sql(&c, "SELECT COUNT(*)");
    q_sql(&c, ck_buf_cstr(&w.sql));
    ck_stmt *st = q_prepare(db, &c);
    ck_buf_free(&c.sql);
    size_t total = 0;
    int s = st ? ck_stmt_step(st) : CK_DB_ERROR;
    if (s == CK_DB_ROW) total = (size_t)ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (s != CK_DB_ROW) {
        ck_buf_free(&w.sql);
        return ck_txn_db_fail(db, "rule obligations", err, err_len);
    }

    sqlq p = w;
    p.sql = (ck_buf)CK_BUF_INIT;
    q_sql(&p, "SELECT " CK_WORKLIST_COLS ", \"obligations\".\"status\", \"obligations\".\"severity\"");
    q_sql(&p, ck_buf_cstr(&w.sql));
    ck_buf_free(&w.sql);
    /* The rulebook's order: status (overdue, open, met late, met), severity, due, rule, subject. */
    q_sql(&p, " ORDER BY CASE WHEN \"obligations\".\"status\" = 'unmet' AND \"obligations\".\"due\" < ");
    q_text(&p, as_of);
    q_sql(&p, " THEN 0 WHEN \"obligations\".\"status\" = 'unmet' THEN 1 WHEN \"obligations\".\"status\" = "
              "'met_late' THEN 2 ELSE 3 END, \"obligations\".\"severity\", \"obligations\".\"due\", "
              "\"obligations\".\"rule\", \"obligations\".\"subject\", \"cases\".\"crn\" LIMIT ");
    q_int(&p, (int64_t)rq->limit);
    q_sql(&p, " OFFSET ");
    q_int(&p, (int64_t)rq->offset);
    st = q_prepare(db, &p);
    ck_buf_free(&p.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);

    ck_worklist *wl = ck_calloc(1, sizeof *wl);
    ck_arena_init(&wl->arena);
    wl->total = total;
    wl->items = ck_arena_array(&wl->arena, rq->limit, sizeof *wl->items);
    while ((s = ck_stmt_step(st)) == CK_DB_ROW && wl->n < rq->limit) {
        ck_worklist_item *it = &wl->items[wl->n++];
        ck_worklist_item_read(st, &wl->arena, it);
        const char *stored = ck_stmt_text(st, 10);
        it->o.status = ck_streq(stored, "met") ? CK_ST_MET : ck_streq(stored, "met_late") ? CK_ST_MET_LATE
                                                                                        : ck_status_at(it->o.due, CK_NODATE, rq->as_of);
        int64_t sev = ck_stmt_int(st, 11);
        it->o.severity = sev == 0 ? CK_SEV_CRITICAL : sev == 1 ? CK_SEV_HIGH : CK_SEV_NORMAL;
    }
    ck_stmt_reset(st);
    if (s != CK_DB_DONE && s != CK_DB_ROW) {
        ck_worklist_free(wl);
        return ck_txn_db_fail(db, "rule obligations", err, err_len);
    }
    *out = wl;
    return CK_OK;
}

ck_rc ck_caseload_rule_obligations(ck_db *db, const ck_rule_query *rq, ck_worklist **out, char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, rule_obligations_in_snapshot(db, rq, out, err, err_len), err, err_len);
}

/* ---- Releases ---------------------------------------------------------------------- */

ck_rc ck_caseload_releases(ck_db *db, const char *pdu, ck_date from, ck_date to, ck_release_list **out, char *err,
                           size_t err_len)
{
    return ck_caseload_releases_in(db, NULL, pdu, from, to, out, err, err_len);
}

static ck_rc releases_in_in_snapshot(ck_db *db, const ck_case_filter *filter, const char *pdu, ck_date from,
                                     ck_date to, ck_release_list **out, char *err, size_t err_len)
{
    *out = NULL;
    if (!pdu) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "pdu: a PDU code is needed");
    /* The notice is due a working day or so before the release: a week's
     * margin on the due date covers bank holidays, the release date decides. */
    char lo[CK_DATE_STRLEN], hi[CK_DATE_STRLEN], f[CK_DATE_STRLEN], t[CK_DATE_STRLEN];
    ck_date_fmt(from - 7, lo);
    ck_date_fmt(to, hi);
    ck_date_fmt(from, f);
    ck_date_fmt(to, t);
    sqlq q = {.sql = CK_BUF_INIT};
    q_sql(&q, "SELECT \"cases\".\"crn\", \"cases\".\"person_forename\", \"cases\".\"person_surname\", \"e\".\"id\", "
              "\"v\".\"id\", \"e\".\"sentence_release_date\", \"v\".\"release_notified\" FROM \"obligations\" "
              "JOIN \"cases\" ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" "
              "JOIN \"victims\" \"v\" ON \"v\".\"case_id\" = \"obligations\".\"case_id\" "
              "AND 'victim:' || \"v\".\"id\" = \"obligations\".\"subject\" "
              "JOIN \"events\" \"e\" ON \"e\".\"case_id\" = \"v\".\"case_id\" AND \"e\".\"id\" = \"v\".\"event\" "
              "WHERE \"obligations\".\"pdu_code\" = ");
    q_text(&q, pdu);
    q_sql(&q, " AND \"obligations\".\"rule\" = 'VCS_RELEASE_NOTICE' AND \"obligations\".\"due\" >= ");
    q_text(&q, lo);
    q_sql(&q, " AND \"obligations\".\"due\" <= ");
    q_text(&q, hi);
    q_sql(&q, " AND \"e\".\"sentence_release_date\" >= ");
    q_text(&q, f);
    q_sql(&q, " AND \"e\".\"sentence_release_date\" <= ");
    q_text(&q, t);
    q_filter(&q, filter);
    q_sql(&q, " ORDER BY \"e\".\"sentence_release_date\", \"cases\".\"crn\", \"v\".\"id\" LIMIT ");
    q_int(&q, CK_CASELOAD_PAGE_MAX);
    ck_stmt *st = q_prepare(db, &q);
    ck_buf_free(&q.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_release_list *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    l->items = ck_arena_array(&l->arena, CK_CASELOAD_PAGE_MAX, sizeof *l->items);
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW && l->n < CK_CASELOAD_PAGE_MAX) {
        ck_arena *a = &l->arena;
        ck_release *r = &l->items[l->n++];
        r->crn = ck_arena_strdup(a, ck_stmt_text(st, 0));
        r->forename = ck_arena_strdup(a, ck_stmt_text(st, 1));
        r->surname = ck_arena_strdup(a, ck_stmt_text(st, 2));
        r->event = ck_arena_strdup(a, ck_stmt_text(st, 3));
        r->victim = ck_arena_strdup(a, ck_stmt_text(st, 4));
        r->release = ck_stmt_date(st, 5);
        r->notified = !ck_stmt_null(st, 6);
    }
    ck_stmt_reset(st);
    if (s != CK_DB_DONE && s != CK_DB_ROW) {
        ck_release_list_free(l);
        return ck_txn_db_fail(db, "releases", err, err_len);
    }
    *out = l;
    return CK_OK;
}

ck_rc ck_caseload_releases_in(ck_db *db, const ck_case_filter *filter, const char *pdu, ck_date from, ck_date to,
                              ck_release_list **out, char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, releases_in_in_snapshot(db, filter, pdu, from, to, out, err, err_len), err, err_len);
}

void ck_release_list_free(ck_release_list *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}

/* ---- PDU ------------------------------------------------------------------------------ */

static int count_cmp(const void *x, const void *y)
{
    const ck_count *a = x, *b = y;
    if (a->n != b->n) return a->n < b->n ? 1 : -1;
    return strcmp(a->key, b->key);
}

/* Rows of (key[, name], n) into a sorted array. */
static ck_rc read_counts(ck_db *db, ck_stmt *st, bool named, ck_arena *a, ck_count **out, size_t *n, char *err,
                         size_t err_len)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            ck_count *grown = ck_arena_array(a, cap, sizeof *grown);
            if (*n) memcpy(grown, *out, *n * sizeof *grown);
            *out = grown;
        }
        ck_count *c = &(*out)[(*n)++];
        const char *key = ck_stmt_text(st, 0);
        c->key = ck_arena_strdup(a, key ? key : "");
        c->name = named ? ck_arena_strdup(a, ck_stmt_text(st, 1)) : NULL;
        c->n = (size_t)ck_stmt_int(st, named ? 2 : 1);
    }
    ck_stmt_reset(st);
    if (s != CK_DB_DONE) return ck_txn_db_fail(db, "pdu", err, err_len);
    if (*n) qsort(*out, *n, sizeof **out, count_cmp);
    return CK_OK;
}

ck_rc ck_caseload_names(ck_db *db, const char *crn, ck_arena *a, const char **forename, const char **surname,
                        char *err, size_t err_len)
{
    *forename = *surname = NULL;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"person_forename\", \"person_surname\" FROM \"cases\" WHERE \"crn\" = $1", err,
                                 err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, crn);
    int s = ck_stmt_step(st);
    if (s == CK_DB_ROW) {
        *forename = ck_arena_strdup(a, ck_stmt_text(st, 0));
        *surname = ck_arena_strdup(a, ck_stmt_text(st, 1));
    }
    ck_stmt_reset(st);
    if (s == CK_DB_DONE) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "crn: no case %s", crn ? crn : "");
    return s == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, "cases", err, err_len);
}

/* ---- A PDU's cases ------------------------------------------------------------ */

static ck_rc pdu_cases_in_snapshot(ck_db *db, const char *region, const char *pdu, ck_arena *a, ck_pdu_cases **out,
                                   size_t *n, char *err, size_t err_len)
{
    *out = NULL;
    *n = 0;
    /* Grouped on the holder column: allocated cases have a staff code. */
    ck_stmt *st = ck_db_prepare(db, "SELECT \"pdu_code\", COUNT(\"staff_code\"), COUNT(*) FROM \"cases\" "
                                    "WHERE (CAST($1 AS TEXT) IS NULL OR \"pdu_code\" IN "
                                    "(SELECT \"code\" FROM \"pdus\" WHERE \"region\" = $1)) "
                                    "AND (CAST($2 AS TEXT) IS NULL OR \"pdu_code\" = $2) "
                                    "GROUP BY \"pdu_code\" ORDER BY \"pdu_code\"");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, region);
    ck_stmt_bind_text(st, 2, pdu);
    size_t cap = 0;
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            ck_pdu_cases *grown = ck_arena_array(a, cap, sizeof *grown);
            if (*n) memcpy(grown, *out, *n * sizeof *grown);
            *out = grown;
        }
        size_t allocated = (size_t)ck_stmt_int(st, 1), all = (size_t)ck_stmt_int(st, 2);
        (*out)[(*n)++] = (ck_pdu_cases){ck_arena_strdup(a, ck_stmt_text(st, 0)), allocated, all - allocated};
    }
    ck_stmt_reset(st);
    return s == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "cases by PDU", err, err_len);
}

ck_rc ck_caseload_pdu_cases(ck_db *db, const char *region, const char *pdu, ck_arena *a, ck_pdu_cases **out,
                            size_t *n, char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, pdu_cases_in_snapshot(db, region, pdu, a, out, n, err, err_len), err, err_len);
}

ck_pdu_cases ck_pdu_cases_find(const ck_pdu_cases *rows, size_t n, const char *pdu)
{
    for (size_t i = 0; i < n; i++)
        if (pdu ? ck_streq(rows[i].pdu, pdu) : !rows[i].pdu) return rows[i];
    return (ck_pdu_cases){pdu, 0, 0};
}

static ck_rc pdu_in_snapshot(ck_db *db, const char *pdu, ck_date as_of, ck_pdu_summary **out, char *err,
                             size_t err_len)
{
    *out = NULL;
    if (!pdu) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "pdu: a PDU code is needed");
    char d[CK_DATE_STRLEN];
    ck_date_fmt(as_of, d);
    ck_pdu_summary *p = ck_calloc(1, sizeof *p);
    ck_arena_init(&p->arena);
    ck_pdu_cases *rows;
    size_t n_rows;
    ck_stmt *st = NULL;
    ck_rc rc = pdu_cases_in_snapshot(db, NULL, pdu, &p->arena, &rows, &n_rows, err, err_len);
    if (rc == CK_OK) p->cases = ck_pdu_cases_find(rows, n_rows, pdu);
    /* The overdue counts read the PDU worklist index alone (migration 019):
     * "severity IN (0, 1, 2)", every severity, makes the due date a range
     * of it, and grouping by "rule" || '' keeps SQLite off the rule index,
     * which would read every obligation of the PDU for its order. */
    if (rc == CK_OK && !(st = ck_db_prepare(db, "SELECT \"rule\" || '', COUNT(*) FROM \"obligations\" WHERE \"pdu_code\" = $1 "
                                                "AND \"status\" = 'unmet' AND \"severity\" IN (0, 1, 2) AND \"due\" < $2 "
                                                "GROUP BY 1")))
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
    if (rc == CK_OK) {
        ck_stmt_bind_text(st, 1, pdu);
        ck_stmt_bind_text(st, 2, d);
        rc = read_counts(db, st, false, &p->arena, &p->by_rule, &p->n_by_rule, err, err_len);
    }
    if (rc == CK_OK &&
        !(st = ck_db_prepare(db, "SELECT \"o\".\"team_code\", MAX(\"teams\".\"name\"), COUNT(*) FROM \"obligations\" \"o\" "
                                 "LEFT JOIN \"teams\" ON \"teams\".\"code\" = \"o\".\"team_code\" WHERE "
                                 "\"o\".\"pdu_code\" = $1 AND \"o\".\"status\" = 'unmet' AND \"o\".\"severity\" IN (0, 1, 2) "
                                 "AND \"o\".\"due\" < $2 GROUP BY \"o\".\"team_code\"")))
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
    if (rc == CK_OK) {
        ck_stmt_bind_text(st, 1, pdu);
        ck_stmt_bind_text(st, 2, d);
        rc = read_counts(db, st, true, &p->arena, &p->by_team, &p->n_by_team, err, err_len);
    }
    if (rc != CK_OK) {
        ck_pdu_summary_free(p);
        return rc;
    }
    *out = p;
    return CK_OK;
}

ck_rc ck_caseload_pdu(ck_db *db, const char *pdu, ck_date as_of, ck_pdu_summary **out, char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, pdu_in_snapshot(db, pdu, as_of, out, err, err_len), err, err_len);
}

void ck_pdu_summary_free(ck_pdu_summary *p)
{
    if (!p) return;
    ck_arena_free(&p->arena);
    ck_free(p);
}

/* One (status, count) row of a timeliness query: the stored status says
 * on time or late; unmet rows are only asked for once overdue. */
static void tally(ck_timeliness *t, const char *status, size_t n)
{
    if (ck_streq(status, "met")) t->on_time += n;
    else if (ck_streq(status, "met_late")) t->late += n;
    else t->overdue += n;
}

static ck_rc timeliness_in_snapshot(ck_db *db, const char *pdu, const char *const *rules, ck_date as_of,
                                    ck_timeliness *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    if (!pdu) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "pdu: a PDU code is needed");
    if (!rules || !rules[0]) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "rules: at least one rule is needed");
    char d[CK_DATE_STRLEN];
    sqlq q = {.sql = CK_BUF_INIT};
    q_sql(&q, "SELECT \"status\", COUNT(*) FROM \"obligations\" WHERE \"pdu_code\" = ");
    q_text(&q, pdu);
    q_sql(&q, " AND \"rule\"");
    q_in(&q, rules);
    q_judged(&q, "", as_of, d);
    q_sql(&q, " GROUP BY \"status\"");
    ck_stmt *st = q_prepare(db, &q);
    ck_buf_free(&q.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        tally(out, ck_stmt_text(st, 0), (size_t)ck_stmt_int(st, 1));
    }
    ck_stmt_reset(st);
    return s == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "timeliness", err, err_len);
}

ck_rc ck_caseload_timeliness(ck_db *db, const char *pdu, const char *const *rules, ck_date as_of, ck_timeliness *out,
                             char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, timeliness_in_snapshot(db, pdu, rules, as_of, out, err, err_len), err, err_len);
}

/* ---- PDU trends by month ------------------------------------------------------ */

#define TREND_RULES_MAX 32 /* rules over all groups: keeps the binds under MAX_BINDS */

/* Rule groups as the trend and the region take them. */
static ck_rc groups_valid(const char *const *const *groups, size_t n_groups, char *err, size_t err_len)
{
    if (n_groups > CK_TREND_GROUPS_MAX)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "groups: at most %d rule groups", CK_TREND_GROUPS_MAX);
    size_t n_rules = 0;
    for (size_t g = 0; g < n_groups; g++) {
        if (!groups[g] || !groups[g][0])
            return ck_txn_fail(CK_ERR_INVALID, err, err_len, "groups[%zu]: at least one rule is needed", g);
        for (size_t i = 0; groups[g][i]; i++) n_rules++;
    }
    if (n_rules > TREND_RULES_MAX)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "groups: at most %d rules in all", TREND_RULES_MAX);
    return CK_OK;
}

/* " IN ($a, ...)" over every rule of every group. */
static void q_in_groups(sqlq *q, const char *const *const *groups, size_t n_groups)
{
    q_sql(q, " IN (");
    for (size_t g = 0, k = 0; g < n_groups; g++)
        for (size_t i = 0; groups[g][i]; i++, k++) {
            if (k) q_sql(q, ", ");
            q_text(q, groups[g][i]);
        }
    q_sql(q, ")");
}

/* Adds n obligations of rule with stored status to every group that has the rule. */
static void tally_groups(ck_timeliness *out, const char *const *const *groups, size_t n_groups, const char *rule,
                         const char *status, size_t n)
{
    for (size_t g = 0; g < n_groups; g++)
        for (size_t i = 0; groups[g][i]; i++)
            if (ck_streq(groups[g][i], rule)) tally(&out[g], status, n);
}

static ck_rc trend_in_snapshot(ck_db *db, const char *pdu, const char *const *const *groups, size_t n_groups,
                               ck_date as_of, ck_trend_month out[CK_TREND_MONTHS], char *err, size_t err_len)
{
    memset(out, 0, CK_TREND_MONTHS * sizeof *out);
    if (!pdu) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "pdu: a PDU code is needed");
    ck_rc rc = groups_valid(groups, n_groups, err, err_len);
    if (rc != CK_OK) return rc;
    int y, m, d;
    ck_date_split(as_of, &y, &m, &d);
    ck_date this_month = ck_date_ymd(y, m, 1);
    char last[CK_DATE_STRLEN], start[CK_DATE_STRLEN], today[CK_DATE_STRLEN];
    for (int i = 0; i < CK_TREND_MONTHS; i++) {
        ck_trend_month *t = &out[i];
        t->start = ck_date_add_months(this_month, i - (CK_TREND_MONTHS - 1));
        t->end = i == CK_TREND_MONTHS - 1 ? as_of : ck_date_add_months(t->start, 1) - 1;
    }

    /* Overdue at each month's end: due before end i and not met by it (met
     * later, or not at all). An obligation met on time (stored "met": met on
     * or before its due date, core/ck_rules) never is, so only the others
     * are read: 12,517 of a London PDU's 160,739. Counted by (rule,
     * status, due, met_on), the order the PDU's rule index holds them in
     * (migration 033: no sort, no table row), and each (due, met_on) put in
     * its months here: asking each month's question of each row in SQL cost
     * up to 36 date comparisons a row, each a text conversion to SQLite. */
    sqlq q = {.sql = CK_BUF_INIT};
    q_sql(&q, "SELECT \"due\", \"met_on\", COUNT(*) FROM \"obligations\" WHERE \"pdu_code\" = ");
    q_text(&q, pdu);
    q_sql(&q, " AND \"status\" <> 'met' AND \"due\" < ");
    q_date(&q, out[CK_TREND_MONTHS - 1].end, last);
    q_sql(&q, " GROUP BY \"rule\", \"status\", \"due\", \"met_on\"");
    ck_stmt *st = q_prepare(db, &q);
    ck_buf_free(&q.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        ck_date due = ck_stmt_date(st, 0), met = ck_stmt_date(st, 1);
        size_t n = (size_t)ck_stmt_int(st, 2);
        for (int i = 0; i < CK_TREND_MONTHS; i++)
            if (due < out[i].end && (met == CK_NODATE || met > out[i].end)) out[i].overdue += n;
    }
    ck_stmt_reset(st);
    if (s != CK_DB_DONE) return ck_txn_db_fail(db, "trend", err, err_len);

    /* Timeliness of the obligations due in each month, by month, rule and
     * status, as ck_caseload_timeliness judges them: counted by due date,
     * each put in its month here; one range of the rule index per rule. */
    q = (sqlq){.sql = CK_BUF_INIT};
    q_sql(&q, "SELECT \"due\", \"rule\", \"status\", COUNT(*) FROM \"obligations\" WHERE \"pdu_code\" = ");
    q_text(&q, pdu);
    q_sql(&q, " AND \"rule\"");
    q_in_groups(&q, groups, n_groups);
    q_sql(&q, " AND \"due\" >= ");
    q_date(&q, out[0].start, start);
    q_sql(&q, " AND \"due\" <= ");
    q_text(&q, last);
    q_judged(&q, "", as_of, today);
    q_sql(&q, " GROUP BY \"due\", \"rule\", \"status\"");
    st = q_prepare(db, &q);
    ck_buf_free(&q.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        ck_date due = ck_stmt_date(st, 0);
        const char *rule = ck_stmt_text(st, 1), *status = ck_stmt_text(st, 2);
        size_t n = (size_t)ck_stmt_int(st, 3);
        int month = 0;
        while (month < CK_TREND_MONTHS && due > out[month].end) month++;
        if (month >= CK_TREND_MONTHS || due == CK_NODATE || !rule) continue;
        tally_groups(out[month].group, groups, n_groups, rule, status, n);
    }
    ck_stmt_reset(st);
    return s == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "trend", err, err_len);
}

ck_rc ck_caseload_trend(ck_db *db, const char *pdu, const char *const *const *groups, size_t n_groups, ck_date as_of,
                        ck_trend_month out[CK_TREND_MONTHS], char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, trend_in_snapshot(db, pdu, groups, n_groups, as_of, out, err, err_len), err, err_len);
}

/* ---- A region's PDUs ------------------------------------------------------------ */

static ck_region_pdu *region_pdu(ck_region_summary *r, const char *code)
{
    for (size_t i = 0; i < r->n; i++)
        if (ck_streq(r->pdus[i].code, code)) return &r->pdus[i];
    return NULL;
}

/* Rows of (pdu_code, rule, n) added to their PDU's overdue counts. A PDU
 * has a rule once per row and at most a few dozen rules, so growing by one
 * copies little. */
static ck_rc region_counts(ck_db *db, ck_stmt *st, ck_region_summary *r, char *err, size_t err_len)
{
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        ck_region_pdu *p = region_pdu(r, ck_stmt_text(st, 0));
        const char *rule = ck_stmt_text(st, 1);
        if (!p || !rule) continue;
        ck_count *grown = ck_arena_array(&r->arena, p->n_by_rule + 1, sizeof *grown);
        if (p->n_by_rule) memcpy(grown, p->by_rule, p->n_by_rule * sizeof *grown);
        p->by_rule = grown;
        ck_count *c = &p->by_rule[p->n_by_rule++];
        c->key = ck_arena_strdup(&r->arena, rule);
        c->name = NULL;
        c->n = (size_t)ck_stmt_int(st, 2);
        p->overdue += c->n;
    }
    ck_stmt_reset(st);
    return s == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "region", err, err_len);
}

/* Each PDU's timeliness of each group in one query, judged as
 * ck_caseload_timeliness judges a PDU's. */
static ck_rc region_timeliness(ck_db *db, const char *region, const char *const *const *groups, size_t n_groups,
                               ck_date as_of, ck_region_summary *r, char *err, size_t err_len)
{
    char d[CK_DATE_STRLEN];
    sqlq q = {.sql = CK_BUF_INIT};
    q_sql(&q, "SELECT \"o\".\"pdu_code\", \"o\".\"rule\", \"o\".\"status\", COUNT(*) FROM \"obligations\" \"o\" "
              "JOIN \"pdus\" \"p\" ON \"p\".\"code\" = \"o\".\"pdu_code\" WHERE \"p\".\"region\" = ");
    q_text(&q, region);
    q_sql(&q, " AND \"o\".\"rule\"");
    q_in_groups(&q, groups, n_groups);
    q_judged(&q, "\"o\".", as_of, d);
    q_sql(&q, " GROUP BY \"o\".\"pdu_code\", \"o\".\"rule\", \"o\".\"status\"");
    ck_stmt *st = q_prepare(db, &q);
    ck_buf_free(&q.sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    int s;
    while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
        ck_region_pdu *p = region_pdu(r, ck_stmt_text(st, 0));
        const char *rule = ck_stmt_text(st, 1);
        if (p && rule) tally_groups(p->group, groups, n_groups, rule, ck_stmt_text(st, 2), (size_t)ck_stmt_int(st, 3));
    }
    ck_stmt_reset(st);
    return s == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "region", err, err_len);
}

static ck_rc region_in_snapshot(ck_db *db, const char *region, const char *const *const *groups, size_t n_groups,
                                ck_date as_of, ck_region_summary **out, char *err, size_t err_len)
{
    *out = NULL;
    if (!region || !region[0]) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "region: a region code is needed");
    ck_rc rc = groups_valid(groups, n_groups, err, err_len);
    if (rc != CK_OK) return rc;
    char d[CK_DATE_STRLEN];
    ck_date_fmt(as_of, d);
    ck_region_summary *r = ck_calloc(1, sizeof *r);
    ck_arena_init(&r->arena);
    /* The PDUs with their case counts: one row each, so the array is sized
     * by the PDUs a region has (tens). */
    ck_pdu_cases *counts;
    size_t n_counts;
    rc = pdu_cases_in_snapshot(db, region, NULL, &r->arena, &counts, &n_counts, err, err_len);
    ck_stmt *st = rc != CK_OK ? NULL
                              : ck_db_prepare(db, "SELECT \"p\".\"code\", \"p\".\"name\", \"g\".\"name\" "
                                    "FROM \"pdus\" \"p\" LEFT JOIN \"regions\" \"g\" ON \"g\".\"code\" = \"p\".\"region\" "
                                    "WHERE \"p\".\"region\" = $1 ORDER BY \"p\".\"name\", \"p\".\"code\"");
    if (rc == CK_OK && !st) rc = ck_txn_db_fail(db, "prepare", err, err_len);
    if (rc == CK_OK) {
        ck_stmt_bind_text(st, 1, region);
        size_t cap = 0;
        int s;
        while ((s = ck_stmt_step(st)) == CK_DB_ROW) {
            if (r->n == cap) {
                cap = cap ? cap * 2 : 16;
                ck_region_pdu *grown = ck_arena_array(&r->arena, cap, sizeof *grown);
                if (r->n) memcpy(grown, r->pdus, r->n * sizeof *grown);
                r->pdus = grown;
            }
            ck_region_pdu *p = &r->pdus[r->n++];
            memset(p, 0, sizeof *p);
            p->code = ck_arena_strdup(&r->arena, ck_stmt_text(st, 0));
            p->name = ck_arena_strdup(&r->arena, ck_stmt_text(st, 1));
            if (!r->name && ck_stmt_text(st, 2)) r->name = ck_arena_strdup(&r->arena, ck_stmt_text(st, 2));
            p->cases = ck_pdu_cases_find(counts, n_counts, p->code);
        }
        ck_stmt_reset(st);
        if (s != CK_DB_DONE) rc = ck_txn_db_fail(db, "region", err, err_len);
        else if (!r->n) rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "region: %s has no PDU", region);
    }
    if (rc == CK_OK &&
        !(st = ck_db_prepare(db, "SELECT \"o\".\"pdu_code\", \"o\".\"rule\", COUNT(*) FROM \"obligations\" \"o\" "
                                 "JOIN \"pdus\" \"p\" ON \"p\".\"code\" = \"o\".\"pdu_code\" WHERE \"p\".\"region\" = $1 "
                                 "AND \"o\".\"status\" = 'unmet' AND \"o\".\"severity\" IN (0, 1, 2) AND \"o\".\"due\" < $2 "
                                 "GROUP BY \"o\".\"pdu_code\", \"o\".\"rule\"")))
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
    if (rc == CK_OK) {
        ck_stmt_bind_text(st, 1, region);
        ck_stmt_bind_text(st, 2, d);
        rc = region_counts(db, st, r, err, err_len);
    }
    if (rc == CK_OK && n_groups) rc = region_timeliness(db, region, groups, n_groups, as_of, r, err, err_len);
    if (rc != CK_OK) {
        ck_region_summary_free(r);
        return rc;
    }
    if (!r->name) r->name = ck_arena_strdup(&r->arena, region);
    for (size_t i = 0; i < r->n; i++)
        if (r->pdus[i].n_by_rule) qsort(r->pdus[i].by_rule, r->pdus[i].n_by_rule, sizeof *r->pdus[i].by_rule, count_cmp);
    *out = r;
    return CK_OK;
}

ck_rc ck_caseload_region(ck_db *db, const char *region, const char *const *const *groups, size_t n_groups,
                         ck_date as_of, ck_region_summary **out, char *err, size_t err_len)
{
    bool own;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_end(db, own, region_in_snapshot(db, region, groups, n_groups, as_of, out, err, err_len), err, err_len);
}

void ck_region_summary_free(ck_region_summary *r)
{
    if (!r) return;
    ck_arena_free(&r->arena);
    ck_free(r);
}
