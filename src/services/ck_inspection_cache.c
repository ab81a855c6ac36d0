/* ck_inspection_cache: see ck_inspection_cache.h. */
#include "ck_inspection_cache.h"
#include "ck_buf.h"
#include "ck_mem.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <stdlib.h>
#include <string.h>

/* A rule's letter in a row is 'a' + its index here. */
static const char *const rules[] = {"ROSH_INITIAL",  "DA_CHECK",     "CHILD_CHECK",      "DA_FLAG_DECISION",
                                    "SENTENCE_PLAN", "INDUCTION",    "ENFORCE",          "ROSH_CHANGE",
                                    "ROSH_REVIEW",   "VCS_REFERRAL", "VCS_FIRST_CONTACT", "VCS_RELEASE_NOTICE",
                                    "CONTACT"};
#define N_RULES (sizeof rules / sizeof rules[0])
#define CONTACT_RULE (N_RULES - 1)

static int rule_index(const char *rule)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(rule, rules[i]) == 0) return (int)i;
    return -1;
}

/* The cases of ids [$1, $2) whose rows are missing or stale for a period
 * from $3, with what their rows are built from. Both tables read by the
 * range (an index range each, not a scan of the state of every case). */
static const char CASES_SQL[] =
    "SELECT \"c\".\"case_id\", \"c\".\"version\", \"c\".\"obl_digest\" FROM \"cases\" \"c\" "
    "LEFT JOIN \"inspection_case_state\" \"s\" ON \"s\".\"case_id\" = \"c\".\"case_id\" "
    "AND \"s\".\"case_id\" >= CAST($1 AS BIGINT) AND \"s\".\"case_id\" < CAST($2 AS BIGINT) "
    "WHERE \"c\".\"case_id\" >= CAST($1 AS BIGINT) AND \"c\".\"case_id\" < CAST($2 AS BIGINT) "
    "AND (\"s\".\"case_id\" IS NULL OR \"s\".\"version\" <> \"c\".\"version\" OR \"c\".\"obl_digest\" IS NULL "
    "OR \"s\".\"obl_digest\" IS NULL OR \"s\".\"obl_digest\" <> \"c\".\"obl_digest\" OR \"s\".\"horizon\" > $3)";
/* A link runs from its contact's date only when that is inside the period
 * (core/ck_inspect): a contact on or before the horizon is as good as none. */
#define CONTACTS_SELECT "SELECT \"case_id\", \"id\", \"date\" FROM \"contacts\" WHERE "
static const char CONTACTS_SQL[] = CONTACTS_SELECT "\"case_id\" >= CAST($1 AS BIGINT) AND \"case_id\" < "
                                   "CAST($2 AS BIGINT) AND \"date\" > $3";
/* The same for a list of cases ($1 the horizon, then the ids; NULL for none). */
#define LIST_IDS 32 /* case ids per statement when reading stale cases one by one */
#define LIST_SQL \
    "CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT), " \
    "CAST($6 AS BIGINT), CAST($7 AS BIGINT), CAST($8 AS BIGINT), CAST($9 AS BIGINT), " \
    "CAST($10 AS BIGINT), CAST($11 AS BIGINT), CAST($12 AS BIGINT), " \
    "CAST($13 AS BIGINT), CAST($14 AS BIGINT), CAST($15 AS BIGINT), " \
    "CAST($16 AS BIGINT), CAST($17 AS BIGINT), CAST($18 AS BIGINT), " \
    "CAST($19 AS BIGINT), CAST($20 AS BIGINT), CAST($21 AS BIGINT), " \
    "CAST($22 AS BIGINT), CAST($23 AS BIGINT), CAST($24 AS BIGINT), " \
    "CAST($25 AS BIGINT), CAST($26 AS BIGINT), CAST($27 AS BIGINT), " \
    "CAST($28 AS BIGINT), CAST($29 AS BIGINT), CAST($30 AS BIGINT), " \
    "CAST($31 AS BIGINT), CAST($32 AS BIGINT), CAST($33 AS BIGINT)"
static const char CONTACTS_LIST_SQL[] = CONTACTS_SELECT "\"date\" > $1 AND \"case_id\" IN (" LIST_SQL ")";
/* What a period from the horizon on can read: CONTACT whatever its due date
 * (a link can run through the period) unless met before the horizon. */
#define OBLIGATIONS_SELECT                                                                                  \
    "SELECT \"case_id\", \"pdu_code\", \"rule\", \"subject\", \"due\", \"met_on\" FROM \"obligations\" WHERE "
/* The rule list first on its own: with the ids, an index range per case
 * and rule, so a case's obligations of other rules (half of them) are not
 * even looked up. */
#define OBLIGATIONS_WHERE(h)                                                                                \
    " AND \"rule\" IN (" CK_INSPECT_RULES_SQL ", 'CONTACT') AND \"pdu_code\" IS NOT NULL "                    \
    "AND ((\"rule\" IN (" CK_INSPECT_RULES_SQL ") AND \"due\" >= " h ") "                                     \
    "OR (\"rule\" = 'CONTACT' AND (\"met_on\" IS NULL OR \"met_on\" >= " h "))) ORDER BY \"case_id\", \"pdu_code\""
static const char OBLIGATIONS_SQL[] = OBLIGATIONS_SELECT "\"case_id\" >= CAST($1 AS BIGINT) AND \"case_id\" < "
                                      "CAST($2 AS BIGINT)" OBLIGATIONS_WHERE("$3");
static const char OBLIGATIONS_LIST_SQL[] =
    OBLIGATIONS_SELECT "\"case_id\" IN (" LIST_SQL ")" OBLIGATIONS_WHERE("$1");

/* ---- Rebuilding ------------------------------------------------------------------ */

typedef struct built_case {
    int64_t id, version, digest;
    bool digest_null;
} built_case;

typedef struct contact {
    int64_t case_id;
    const char *id;
    ck_date date;
} contact;

static int contact_cmp(const void *a, const void *b)
{
    const contact *x = a, *y = b;
    if (x->case_id != y->case_id) return x->case_id < y->case_id ? -1 : 1;
    return strcmp(x->id, y->id);
}

typedef struct row {
    int64_t case_id;
    const char *pdu; /* in the batch's arena */
    char *items;     /* ck_malloc'd */
} row;

/* One batch: a range of case ids' stale cases, read in one transaction and written in another. */
typedef struct batch {
    ck_arena a;
    built_case *cases;
    size_t n_cases, cap_cases;
    contact *contacts;
    size_t n_contacts, cap_contacts;
    row *rows;
    size_t n_rows, cap_rows;
} batch;

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return p;
    *cap = *cap ? 2 * *cap : 64;
    size_t bytes;
    if (!ck_mul(*cap, size, &bytes)) abort();
    return ck_realloc(p, bytes);
}

static void put_date(ck_buf *b, ck_date d)
{
    if (d == CK_NODATE) return;
    char tmp[16];
    size_t n = 0;
    uint32_t v = d < 0 ? (uint32_t)-(int64_t)d : (uint32_t)d;
    do tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (d < 0) ck_buf_putc(b, '-');
    while (n) ck_buf_putc(b, tmp[--n]);
}

static ck_date contact_date(const batch *bt, int64_t case_id, const char *subject)
{
    if (!subject || strncmp(subject, "contact:", 8) != 0 || bt->n_contacts == 0) return CK_NODATE;
    contact key = {case_id, subject + 8, CK_NODATE};
    const contact *c = bsearch(&key, bt->contacts, bt->n_contacts, sizeof key, contact_cmp);
    return c ? c->date : CK_NODATE;
}

static int id_cmp(const void *a, const void *b)
{
    const built_case *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Binds the range [lo, hi) and the horizon, or (list) the horizon and the
 * ids of stale[0..n). */
static void bind_cases(ck_stmt *st, bool list, const built_case *stale, size_t n, int64_t lo, int64_t hi,
                       ck_date horizon)
{
    if (!list) {
        ck_stmt_bind_int(st, 1, lo);
        ck_stmt_bind_int(st, 2, hi);
        ck_stmt_bind_date(st, 3, horizon);
        return;
    }
    ck_stmt_bind_date(st, 1, horizon);
    for (size_t i = 0; i < LIST_IDS; i++)
        if (i < n) ck_stmt_bind_int(st, (int)i + 2, stale[i].id);
        else ck_stmt_bind_null(st, (int)i + 2);
}

/* The rows of stale[0..n) (sorted by id) added to the batch, in the
 * caller's read transaction: read by the range [lo, hi) of ids (rows of
 * other cases skipped), or (list, n <= LIST_IDS) by their ids. */
static ck_rc read_rows(ck_db *db, batch *bt, const built_case *stale, size_t n, bool list, int64_t lo, int64_t hi,
                       ck_date horizon, char *err, size_t err_len)
{
    bt->n_contacts = 0;
    ck_stmt *st = ck_txn_prepare(db, list ? CONTACTS_LIST_SQL : CONTACTS_SQL, err, err_len);
    if (!st) return CK_ERR_DB;
    bind_cases(st, list, stale, n, lo, hi, horizon);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "contacts", &rc, err, err_len)) {
        bt->contacts = grow(bt->contacts, &bt->cap_contacts, bt->n_contacts, sizeof *bt->contacts);
        bt->contacts[bt->n_contacts++] =
            (contact){ck_stmt_int(st, 0), ck_arena_strdup(&bt->a, ck_stmt_text(st, 1)), ck_stmt_date(st, 2)};
    }
    ck_stmt_reset(st);
    if (rc != CK_OK) return rc;
    if (bt->n_contacts > 1) qsort(bt->contacts, bt->n_contacts, sizeof *bt->contacts, contact_cmp);
    if (!(st = ck_txn_prepare(db, list ? OBLIGATIONS_LIST_SQL : OBLIGATIONS_SQL, err, err_len))) return CK_ERR_DB;
    bind_cases(st, list, stale, n, lo, hi, horizon);
    ck_buf b;
    ck_buf_init(&b, 0);
    row *cur = NULL;
    while (ck_txn_next(db, st, "obligations", &rc, err, err_len)) {
        int64_t id = ck_stmt_int(st, 0);
        built_case key = {.id = id};
        if (!bsearch(&key, stale, n, sizeof key, id_cmp)) continue; /* a clean case of the range */
        const char *pdu = ck_stmt_text(st, 1);
        if (!cur || cur->case_id != id || strcmp(cur->pdu, pdu) != 0) {
            if (cur) cur->items = ck_buf_steal(&b);
            bt->rows = grow(bt->rows, &bt->cap_rows, bt->n_rows, sizeof *bt->rows);
            cur = &bt->rows[bt->n_rows++];
            *cur = (row){id, ck_arena_strdup(&bt->a, pdu), NULL};
        }
        int r = rule_index(ck_stmt_text(st, 2));
        if (r < 0) continue; /* the SQL reads only the rules above */
        ck_buf_putc(&b, (char)('a' + r));
        put_date(&b, ck_stmt_date(st, 4));
        ck_buf_putc(&b, ',');
        put_date(&b, ck_stmt_date(st, 5));
        ck_buf_putc(&b, ',');
        if ((size_t)r == CONTACT_RULE) put_date(&b, contact_date(bt, id, ck_stmt_text(st, 3)));
        ck_buf_putc(&b, ';');
    }
    ck_stmt_reset(st);
    if (cur) cur->items = ck_buf_steal(&b);
    ck_buf_free(&b);
    return rc;
}

/* The stale cases of ids [lo, hi) added to the batch: their version and
 * digest, and their rows built, in the caller's read transaction. Many of
 * the range stale (the first night: all) are read with one range of the
 * obligations; a few (a night's), LIST_IDS cases at a time by id, as a range holding
 * clean cases costs what it holds (and PostgreSQL, unable to tell how few
 * cases the staleness condition keeps, would scan every obligation for a
 * join to it). */
static ck_rc read_range(ck_db *db, batch *bt, int64_t lo, int64_t hi, ck_date horizon, char *err, size_t err_len)
{
    size_t had = bt->n_cases;
    ck_stmt *st = ck_txn_prepare(db, CASES_SQL, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, lo);
    ck_stmt_bind_int(st, 2, hi);
    ck_stmt_bind_date(st, 3, horizon);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "cases", &rc, err, err_len)) {
        bt->cases = grow(bt->cases, &bt->cap_cases, bt->n_cases, sizeof *bt->cases);
        bt->cases[bt->n_cases++] =
            (built_case){ck_stmt_int(st, 0), ck_stmt_int(st, 1), ck_stmt_int(st, 2), ck_stmt_null(st, 2)};
    }
    ck_stmt_reset(st);
    size_t n = bt->n_cases - had;
    if (rc != CK_OK || n == 0) return rc; /* none stale here */
    built_case *stale = bt->cases + had;
    qsort(stale, n, sizeof *stale, id_cmp);
    if (n * 4 >= (size_t)(hi - lo)) return read_rows(db, bt, stale, n, false, lo, hi, horizon, err, err_len);
    for (size_t i = 0; rc == CK_OK && i < n; i += LIST_IDS)
        rc = read_rows(db, bt, &stale[i], n - i < LIST_IDS ? n - i : LIST_IDS, true, 0, 0, horizon, err, err_len);
    return rc;
}

#define DELETE_IDS 100 /* case ids per DELETE: one round trip for many cases */

/* The batch's cases' rows of table deleted, DELETE_IDS ids a statement. */
static ck_rc delete_cases(ck_db *db, const char *table, const batch *bt, char *err, size_t err_len)
{
    ck_rc rc = CK_OK;
    for (size_t at = 0; rc == CK_OK && at < bt->n_cases; at += DELETE_IDS) {
        size_t k = bt->n_cases - at < DELETE_IDS ? bt->n_cases - at : DELETE_IDS;
        ck_buf b = CK_BUF_INIT;
        ck_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"case_id\" IN (", table);
        for (size_t i = 0; i < k; i++) ck_buf_printf(&b, "%sCAST($%zu AS BIGINT)", i ? ", " : "", i + 1);
        ck_buf_putc(&b, ')');
        ck_stmt *st = ck_txn_prepare(db, ck_buf_cstr(&b), err, err_len);
        ck_buf_free(&b);
        if (!st) return CK_ERR_DB;
        for (size_t i = 0; i < k; i++) ck_stmt_bind_int(st, (int)(i + 1), bt->cases[at + i].id);
        rc = ck_txn_exec(db, st, table, err, err_len);
    }
    return rc;
}

/* The batch's cases' rows and state replaced, in the caller's write
 * transaction: deletes by lists of ids and the new rows as one bulk copy
 * each (COPY on PostgreSQL), so a first build of every case is a few round
 * trips a batch, not four a case (national on PostgreSQL: 121 s before). */
static ck_rc write_batch(ck_db *db, const batch *bt, ck_date horizon, char *err, size_t err_len)
{
    ck_rc rc = delete_cases(db, "inspection_case_items", bt, err, err_len);
    if (rc == CK_OK) rc = delete_cases(db, "inspection_case_state", bt, err, err_len);
    if (rc != CK_OK || bt->n_cases == 0) return rc;
    static const char *const state_cols[] = {"case_id", "version", "obl_digest", "horizon"};
    ck_copy *cp = ck_copy_begin(db, "inspection_case_state", state_cols, 4);
    if (!cp) return ck_txn_db_fail(db, "inspection_case_state", err, err_len);
    int drc = CK_DB_OK;
    for (size_t i = 0; drc == CK_DB_OK && i < bt->n_cases; i++) {
        const built_case *c = &bt->cases[i];
        ck_copy_int(cp, c->id);
        ck_copy_int(cp, c->version);
        if (c->digest_null) ck_copy_null(cp);
        else ck_copy_int(cp, c->digest);
        ck_copy_date(cp, horizon);
        drc = ck_copy_row(cp);
    }
    if (ck_copy_end(cp) != CK_DB_OK) return ck_txn_db_fail(db, "inspection_case_state", err, err_len);
    if (bt->n_rows == 0) return CK_OK;
    static const char *const item_cols[] = {"case_id", "pdu_code", "items"};
    cp = ck_copy_begin(db, "inspection_case_items", item_cols, 3);
    if (!cp) return ck_txn_db_fail(db, "inspection_case_items", err, err_len);
    for (size_t i = 0; drc == CK_DB_OK && i < bt->n_rows; i++) {
        ck_copy_int(cp, bt->rows[i].case_id);
        ck_copy_text(cp, bt->rows[i].pdu);
        ck_copy_text(cp, bt->rows[i].items);
        drc = ck_copy_row(cp);
    }
    return ck_copy_end(cp) == CK_DB_OK ? CK_OK : ck_txn_db_fail(db, "inspection_case_items", err, err_len);
}

static void batch_reset(batch *bt)
{
    for (size_t i = 0; i < bt->n_rows; i++) ck_free(bt->rows[i].items);
    bt->n_rows = bt->n_cases = bt->n_contacts = 0;
    ck_arena_free(&bt->a);
    ck_arena_init(&bt->a);
}

/* The stale cases of ids [lo, hi) added to the batch, read in one read
 * transaction. */
static ck_rc read_batch(ck_db *db, batch *bt, int64_t lo, int64_t hi, ck_date horizon, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, read_range(db, bt, lo, hi, horizon, err, err_len), err, err_len);
}

/* The batch's cases written in one write transaction. */
static ck_rc write_out(ck_db *db, batch *bt, ck_date horizon, size_t *rebuilt, char *err, size_t err_len)
{
    ck_rc rc = CK_OK;
    if (bt->n_cases && (rc = ck_txn_begin_write(db, err, err_len)) == CK_OK) {
        rc = ck_txn_finish(db, write_batch(db, bt, horizon, err, err_len), err, err_len);
        if (rc == CK_OK) *rebuilt += bt->n_cases;
    }
    batch_reset(bt);
    return rc;
}

ck_rc ck_inspection_cache_refresh(ck_db *db, ck_date horizon, size_t batch_size, size_t *rebuilt, char *err,
                                  size_t err_len)
{
    *rebuilt = 0;
    if (batch_size == 0) batch_size = CK_INSPECTION_CACHE_BATCH;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t lo = 0, hi = -1;
    ck_stmt *st = ck_txn_prepare(db, "SELECT MIN(\"case_id\"), MAX(\"case_id\") FROM \"cases\"", err, err_len);
    if (!st) rc = CK_ERR_DB;
    else if (ck_txn_next(db, st, "cases", &rc, err, err_len) && !ck_stmt_null(st, 0)) {
        lo = ck_stmt_int(st, 0);
        hi = ck_stmt_int(st, 1);
    }
    if (st) ck_stmt_reset(st);
    if ((rc = ck_txn_finish(db, rc, err, err_len)) != CK_OK) return rc;
    /* By ranges of ids, each read with its stale cases alone (the SQL finds
     * them), so a night reads only the cases that changed and the first
     * night every case, a range at a time; written once batch_size cases are
     * read, so a night's few take one write transaction. */
    batch bt = {0};
    ck_arena_init(&bt.a);
    for (int64_t at = lo; rc == CK_OK && at <= hi; at += (int64_t)batch_size) {
        rc = read_batch(db, &bt, at, at + (int64_t)batch_size, horizon, err, err_len);
        if (rc == CK_OK && (bt.n_cases >= batch_size || at + (int64_t)batch_size > hi))
            rc = write_out(db, &bt, horizon, rebuilt, err, err_len);
    }
    batch_reset(&bt);
    ck_arena_free(&bt.a);
    ck_free(bt.cases);
    ck_free(bt.contacts);
    ck_free(bt.rows);
    return rc;
}

/* ---- Reading ---------------------------------------------------------------------- */

static bool get_date(const char **p, ck_date *out)
{
    const char *s = *p;
    bool neg = *s == '-';
    if (neg) s++;
    if (*s < '0' || *s > '9') {
        *out = CK_NODATE;
        return !neg;
    }
    int64_t v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        if (v > INT32_MAX) return false;
    }
    *out = (ck_date)(neg ? -v : v);
    *p = s;
    return true;
}

/* Parses a row's items into *items (grown as needed); false when the text is
 * not what this module writes. */
static bool decode(const char *s, ck_inspect_item **items, size_t *cap, size_t *n)
{
    *n = 0;
    while (*s) {
        int r = *s++ - 'a';
        if (r < 0 || (size_t)r >= N_RULES) return false;
        ck_inspect_item it = {rules[r], CK_NODATE, CK_NODATE, CK_NODATE};
        if (!get_date(&s, &it.due) || *s++ != ',') return false;
        if (!get_date(&s, &it.met_on) || *s++ != ',') return false;
        if (!get_date(&s, &it.contact_date) || *s++ != ';') return false;
        *items = grow(*items, cap, *n, sizeof **items);
        (*items)[(*n)++] = it;
    }
    return true;
}

ck_rc ck_inspection_cache_each(ck_db *db, ck_inspection_cache_fn fn, void *ctx, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"case_id\", \"pdu_code\", \"items\" FROM \"inspection_case_items\" "
                                     "ORDER BY \"case_id\", \"pdu_code\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_inspect_item *items = NULL;
    size_t cap = 0, n = 0;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "inspection_case_items", &rc, err, err_len)) {
        if (!decode(ck_stmt_text(st, 2), &items, &cap, &n)) {
            rc = ck_txn_fail(CK_ERR_DB, err, err_len, "inspection_case_items: case %lld: unreadable items",
                             (long long)ck_stmt_int(st, 0));
            break;
        }
        if (n) fn(ctx, ck_stmt_text(st, 1), items, n);
    }
    ck_stmt_reset(st);
    ck_free(items);
    return rc;
}
