#include "ck_store.h"
#include "ck_buf.h"
#include "ck_str.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The table model, built once from the descriptors ---------------------- */

#define NOAUX ((size_t)-1)
#define MAX_COLS 24
#define MAX_GUARDS 3
#define MAX_TABLES 24
#define CHUNKS 7 /* INSERT texts for 1, 2, 4, ..., 64 rows: few round trips per list */
#define BATCH_MAX 100000 /* cases in one ck_store_load_batch: memory stays bounded whatever is asked */

typedef enum { COL_VALUE, COL_FLAG } col_kind;

typedef struct col {
    char name[64];
    const ck_field *f;          /* the scalar, or the nullable object this flag is for */
    col_kind kind;
    size_t off;                 /* of the value (or flag) from the row's record */
    size_t guards[MAX_GUARDS];  /* flags of the nullable objects around it */
    int n_guards;
} col;

typedef struct table {
    const ck_entity *ent;   /* the row's kind; ck_entity_case for the root */
    char key[64];           /* bundle key: "contacts", "person.addresses", "events.offences" */
    int depth;              /* 0 root, 1 list of the case, 2 list inside a list record */
    int parent;             /* depth 2: index of the parent table */
    size_t arr_off, n_off;  /* array and count in the owner (the case, or the parent row) */
    col cols[MAX_COLS];
    int n_cols;
    int n_keys;             /* bound before the columns: case_id [, parent_ord], ord */
    char *ins[CHUNKS];
    char *sel_one, *sel_batch[3]; /* by ck_lock (root on PostgreSQL; the rest share [0]) */
    char *sel_one_redacted;       /* sel_one with sensitive columns as NULL; NULL when it has none */
    char *del, *del_children, *upd;
} table;

static table tables[MAX_TABLES];
static int n_tables;
static char *obl_ins[CHUNKS], *ftc_ins[CHUNKS];
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

/* The root's columns that no descriptor names: derived on every write. */
static const char *const root_derived[] = {"forename_key", "surname_key", "staff_code", "team_code", "pdu_code"};
#define N_DERIVED 5
static const char *const obl_cols[] = {"case_id", "rule", "subject", "due", "met_on", "status", "severity",
                                       "explanation", "staff_code", "team_code", "pdu_code"};
#define N_OBL_COLS 11
static const char *const ftc_cols[] = {"case_id", "ord", "event", "count", "since"};
#define N_FTC_COLS 5

static _Noreturn void model_bug(const char *what, const char *where)
{
    /* The descriptors are code: a shape the mapping cannot store is a
     * programming error, found by the first test that touches the store. */
    fprintf(stderr, "ck_store: %s (%s)\n", what, where);
    abort();
}

static void set_name(char *dst, size_t n, const char *a, const char *b, const char *c)
{
    int w = snprintf(dst, n, "%s%s%s", a, b, c);
    if (w < 0 || (size_t)w >= n) model_bug("name too long", a);
}

static table *new_table(const ck_entity *ent, int depth, int parent, const char *key, size_t arr_off, size_t n_off)
{
    if (n_tables == MAX_TABLES) model_bug("too many tables", key);
    if (depth > 2) model_bug("lists nested more than two deep are not mapped", key);
    if (depth > 0 && !ent->table) model_bug("list entity without a table", key);
    table *t = &tables[n_tables++];
    t->ent = ent;
    set_name(t->key, sizeof t->key, key, "", "");
    t->depth = depth;
    t->parent = parent;
    t->arr_off = arr_off;
    t->n_off = n_off;
    t->n_keys = depth;
    return t;
}

static void add_col(table *t, const char *prefix, const char *name, const ck_field *f, col_kind kind, size_t off,
                    const size_t *guards, int n_guards)
{
    if (t->n_cols == MAX_COLS) model_bug("too many columns", t->key);
    col *c = &t->cols[t->n_cols++];
    set_name(c->name, sizeof c->name, prefix, name, "");
    c->f = f;
    c->kind = kind;
    c->off = off;
    if (n_guards) memcpy(c->guards, guards, (size_t)n_guards * sizeof *guards);
    c->n_guards = n_guards;
}

static void add_table_cols(int ti, const ck_entity *e, size_t base, const char *prefix, const char *path,
                           const size_t *guards, int n_guards);

/* A list field of table ti's rows: a new table, one level deeper. */
static void add_list(int ti, const ck_field *f, size_t base, const char *path, int n_guards)
{
    if (n_guards) model_bug("a list inside a nullable object is not mapped", f->key);
    char key[64], rel[64];
    set_name(rel, sizeof rel, path, f->key, "");
    if (tables[ti].depth == 0) set_name(key, sizeof key, rel, "", "");
    else set_name(key, sizeof key, tables[ti].key, ".", rel);
    int depth = tables[ti].depth + 1;
    table *child = new_table(f->sub, depth, depth == 2 ? ti : -1, key, base + f->off, base + f->aux_off);
    add_table_cols((int)(child - tables), f->sub, 0, "", "", NULL, 0);
}

static void add_table_cols(int ti, const ck_entity *e, size_t base, const char *prefix, const char *path,
                           const size_t *guards, int n_guards)
{
    for (size_t i = 0; i < e->n_fields; i++) {
        const ck_field *f = &e->fields[i];
        if (f->type == CK_F_LIST) {
            add_list(ti, f, base, path, n_guards);
            continue;
        }
        if (f->type != CK_F_OBJ) {
            add_col(&tables[ti], prefix, f->key, f, COL_VALUE, base + f->off, guards, n_guards);
            continue;
        }
        size_t g[MAX_GUARDS];
        int ng = n_guards;
        if (n_guards) memcpy(g, guards, (size_t)n_guards * sizeof *g);
        if (f->aux_off != NOAUX) {
            char flag[64];
            set_name(flag, sizeof flag, "has_", f->key, "");
            add_col(&tables[ti], prefix, flag, f, COL_FLAG, base + f->aux_off, guards, n_guards);
            if (ng == MAX_GUARDS) model_bug("nullable objects nested too deep", f->key);
            g[ng++] = base + f->aux_off;
        }
        char sub_prefix[64], sub_path[64];
        set_name(sub_prefix, sizeof sub_prefix, prefix, f->key, "_");
        set_name(sub_path, sizeof sub_path, path, f->key, ".");
        add_table_cols(ti, f->sub, base + f->off, sub_prefix, sub_path, g, ng);
    }
}

static const char *const key_names[] = {"case_id", "parent_ord", "ord"};
static const char *const lock_clause[] = {"", " FOR SHARE", " FOR UPDATE"};

/* The key columns of a table in bind order. */
static void key_cols(const table *t, const char *out[3])
{
    out[0] = key_names[0];
    if (t->depth == 2) out[1] = key_names[1];
    out[t->depth] = key_names[2];
}

static char *multi_insert(const char *name, const char *const *cols, int n, int rows, const char *tail)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_printf(&b, "INSERT INTO \"%s\" (", name);
    for (int i = 0; i < n; i++) ck_buf_printf(&b, "%s\"%s\"", i ? ", " : "", cols[i]);
    ck_buf_puts(&b, ") VALUES ");
    for (int r = 0; r < rows; r++) {
        ck_buf_puts(&b, r ? ", (" : "(");
        for (int i = 0; i < n; i++) ck_buf_printf(&b, "%s$%d", i ? ", " : "", r * n + i + 1);
        ck_buf_putc(&b, ')');
    }
    if (tail) ck_buf_puts(&b, tail);
    return ck_buf_steal(&b);
}

/* The SELECT list of t; with `redact`, sensitive columns (victims' names and
 * contact details) are not read at all: NULL stands in their place. */
static void put_select_list(ck_buf *b, const table *t, bool redact)
{
    const char *keys[3];
    key_cols(t, keys);
    ck_buf_puts(b, "SELECT \"case_id\"");
    for (int i = 1; i <= t->n_keys; i++) ck_buf_printf(b, ", \"%s\"", keys[i]);
    for (int i = 0; i < t->n_cols; i++)
        ck_buf_printf(b, redact && t->cols[i].f->sensitive ? ", NULL AS \"%s\"" : ", \"%s\"", t->cols[i].name);
    ck_buf_printf(b, " FROM \"%s\"", t->depth ? t->ent->table : "cases");
}

static void put_order(ck_buf *b, const table *t, bool by_case)
{
    ck_buf_puts(b, " ORDER BY ");
    if (by_case) ck_buf_puts(b, "\"case_id\", ");
    if (t->depth == 2) ck_buf_puts(b, "\"parent_ord\", ");
    ck_buf_puts(b, "\"ord\"");
}

/* sel_one without the sensitive columns, for tables that have any. */
static void put_redacted(table *t)
{
    for (int i = 0; i < t->n_cols; i++) {
        if (!t->cols[i].f->sensitive) continue;
        ck_buf b = CK_BUF_INIT;
        put_select_list(&b, t, true);
        ck_buf_puts(&b, " WHERE \"case_id\" = $1");
        if (t->depth) put_order(&b, t, false);
        t->sel_one_redacted = ck_buf_steal(&b);
        return;
    }
}

static void build_sql(table *t)
{
    ck_buf b = CK_BUF_INIT;
    const char *names[MAX_COLS + N_DERIVED + 3];
    int n = 0;
    if (t->depth == 0) {
        for (int i = 0; i < t->n_cols; i++) names[n++] = t->cols[i].name;
        for (int i = 0; i < N_DERIVED; i++) names[n++] = root_derived[i];
        t->ins[0] = multi_insert("cases", names, n, 1, " ON CONFLICT (\"crn\") DO NOTHING RETURNING \"case_id\"");
        ck_buf_puts(&b, "UPDATE \"cases\" SET ");
        for (int i = 0; i < n; i++) ck_buf_printf(&b, "%s\"%s\" = $%d", i ? ", " : "", names[i], i + 2);
        ck_buf_puts(&b, " WHERE \"case_id\" = $1");
        t->upd = ck_buf_steal(&b);
        put_select_list(&b, t, false);
        ck_buf_puts(&b, " WHERE \"case_id\" = $1");
        t->sel_one = ck_buf_steal(&b);
        put_redacted(t);
        for (int lock = CK_LOCK_NONE; lock <= CK_LOCK_UPDATE; lock++) {
            put_select_list(&b, t, false);
            ck_buf_printf(&b, " WHERE \"crn\" > $1 ORDER BY \"crn\" LIMIT $2%s", lock_clause[lock]);
            t->sel_batch[lock] = ck_buf_steal(&b);
        }
        return;
    }
    key_cols(t, names);
    n = t->n_keys + 1;
    for (int i = 0; i < t->n_cols; i++) names[n++] = t->cols[i].name;
    for (int k = 0; k < CHUNKS; k++) t->ins[k] = multi_insert(t->ent->table, names, n, 1 << k, NULL);
    put_select_list(&b, t, false);
    ck_buf_puts(&b, " WHERE \"case_id\" = $1");
    put_order(&b, t, false);
    t->sel_one = ck_buf_steal(&b);
    put_redacted(t);
    /* A batch is the CRN range (after, last]: cases created meanwhile in that
     * range are not in the batch and their rows are skipped. */
    put_select_list(&b, t, false);
    ck_buf_puts(&b, " WHERE \"case_id\" IN (SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" > $1 AND \"crn\" <= $2)");
    put_order(&b, t, true);
    t->sel_batch[0] = t->sel_batch[1] = t->sel_batch[2] = ck_buf_steal(&b);
    ck_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"case_id\" = $1", t->ent->table);
    t->del = ck_buf_steal(&b);
    if (t->depth == 2) {
        ck_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"case_id\" = $1 AND \"parent_ord\" = $2", t->ent->table);
        t->del_children = ck_buf_steal(&b);
    } else {
        ck_buf_printf(&b, "UPDATE \"%s\" SET ", t->ent->table);
        for (int i = 0; i < t->n_cols; i++) ck_buf_printf(&b, "%s\"%s\" = $%d", i ? ", " : "", t->cols[i].name, i + 3);
        ck_buf_puts(&b, " WHERE \"case_id\" = $1 AND \"ord\" = $2");
        t->upd = ck_buf_steal(&b);
    }
}

static void build_model(void)
{
    new_table(&ck_entity_case, 0, -1, "", 0, 0);
    add_table_cols(0, &ck_entity_case, 0, "", "", NULL, 0);
    for (int i = 0; i < n_tables; i++) build_sql(&tables[i]);
    for (int k = 0; k < CHUNKS; k++) {
        obl_ins[k] = multi_insert("obligations", obl_cols, N_OBL_COLS, 1 << k, NULL);
        ftc_ins[k] = multi_insert("failures_to_comply", ftc_cols, N_FTC_COLS, 1 << k, NULL);
    }
}

static void model(void) { pthread_once(&model_once, build_model); }

static const table *list_table(const char *list)
{
    model();
    for (int i = 1; list && i < n_tables; i++)
        if (tables[i].depth == 1 && strcmp(tables[i].key, list) == 0) return &tables[i];
    return NULL;
}

/* ---- Small helpers ----------------------------------------------------------- */

static void *at(void *rec, size_t off) { return (char *)rec + off; }
static const void *cat(const void *rec, size_t off) { return (const char *)rec + off; }

static ck_rc db_fail(ck_db *db, const char *what, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s: %s", what, ck_db_errmsg(db));
    return CK_ERR_DB;
}

/* Steps a statement that returns no rows and gives it back. */
static ck_rc exec_stmt(ck_db *db, ck_stmt *st, const char *what, char *err, size_t err_len)
{
    int rc = ck_stmt_step(st);
    ck_rc out = rc == CK_DB_DONE || rc == CK_DB_ROW ? CK_OK : db_fail(db, what, err, err_len);
    ck_stmt_reset(st);
    return out;
}

static ck_stmt *prepare(ck_db *db, const char *sql, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) db_fail(db, "prepare", err, err_len);
    return st;
}

size_t ck_store_name_key(const char *name, char out[CK_NAME_KEY_MAX + 1])
{
    size_t n = 0;
    for (const char *p = name; p && *p && n < CK_NAME_KEY_MAX; p++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z') out[n++] = (char)(ch - 'A' + 'a');
        else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) out[n++] = ch;
    }
    out[n] = '\0';
    return n;
}

/* ---- Binding and reading one row ------------------------------------------- */

static bool guarded_off(const col *c, const void *rec)
{
    for (int g = 0; g < c->n_guards; g++)
        if (!*(const bool *)cat(rec, c->guards[g])) return true;
    return false;
}

static void bind_col(ck_stmt *st, int i, const col *c, const void *rec)
{
    if (guarded_off(c, rec)) {
        if (c->kind == COL_FLAG) ck_stmt_bind_int(st, i, 0);
        else ck_stmt_bind_null(st, i);
        return;
    }
    const void *v = cat(rec, c->off);
    if (c->kind == COL_FLAG) {
        ck_stmt_bind_int(st, i, *(const bool *)v);
        return;
    }
    switch (c->f->type) {
    case CK_F_STR:
    case CK_F_ENUM: ck_stmt_bind_text(st, i, *(const char *const *)v); break;
    case CK_F_DATE: ck_stmt_bind_date(st, i, *(const ck_date *)v); break;
    case CK_F_INT: {
        int32_t n = *(const int32_t *)v;
        if (n == CK_NOINT) ck_stmt_bind_null(st, i);
        else ck_stmt_bind_int(st, i, n);
        break;
    }
    case CK_F_BOOL: {
        ck_tri t = *(const ck_tri *)v;
        if (t == CK_NULL) ck_stmt_bind_null(st, i);
        else ck_stmt_bind_int(st, i, t);
        break;
    }
    case CK_F_OBJ:
    case CK_F_LIST: break; /* never a column */
    }
}

static void bind_cols(ck_stmt *st, int first, const table *t, const void *rec)
{
    for (int i = 0; i < t->n_cols; i++) bind_col(st, first + i, &t->cols[i], rec);
}

static void set_absent(const col *c, void *rec)
{
    void *v = at(rec, c->off);
    if (c->kind == COL_FLAG) {
        *(bool *)v = false;
        return;
    }
    switch (c->f->type) {
    case CK_F_STR:
    case CK_F_ENUM: *(const char **)v = NULL; break;
    case CK_F_DATE: *(ck_date *)v = CK_NODATE; break;
    case CK_F_INT: *(int32_t *)v = CK_NOINT; break;
    case CK_F_BOOL: *(ck_tri *)v = CK_NULL; break;
    case CK_F_OBJ:
    case CK_F_LIST: break;
    }
}

/* Reads column `i` into rec. Flags come before the members they guard, so a
 * member of an absent object is set absent whatever the row holds. */
static bool read_col(ck_stmt *st, int i, const table *t, const col *c, void *rec, ck_arena *a, char *err,
                     size_t err_len)
{
    if (guarded_off(c, rec) || (c->kind == COL_VALUE && ck_stmt_null(st, i))) {
        set_absent(c, rec);
        return true;
    }
    void *v = at(rec, c->off);
    if (c->kind == COL_FLAG) {
        *(bool *)v = ck_stmt_int(st, i) != 0;
        return true;
    }
    switch (c->f->type) {
    case CK_F_STR: *(const char **)v = ck_arena_strdup(a, ck_stmt_text(st, i)); break;
    case CK_F_ENUM: {
        const char *s = ck_stmt_text(st, i);
        const char *interned = ck_vocab_find(c->f->vocab, s, strlen(s));
        if (!interned) {
            snprintf(err, err_len, "%s.%s: stored value \"%s\" is not in the vocabulary",
                     t->depth ? t->ent->table : "cases", c->name, s);
            return false;
        }
        *(const char **)v = interned;
        break;
    }
    case CK_F_DATE: *(ck_date *)v = ck_stmt_date(st, i); break;
    case CK_F_INT: *(int32_t *)v = (int32_t)ck_stmt_int(st, i); break;
    case CK_F_BOOL: *(ck_tri *)v = ck_stmt_int(st, i) != 0; break;
    case CK_F_OBJ:
    case CK_F_LIST: break;
    }
    return true;
}

/* ---- Writing rows -------------------------------------------------------------- */

typedef struct rowref {
    const void *rec;
    int64_t parent_ord, ord;
} rowref;

typedef void (*bind_row_fn)(ck_stmt *st, int first, const void *row, const void *ctx);

/* Inserts n rows with the multi-row INSERT texts sql[0..CHUNKS) (2^k rows
 * each), biggest first: at most CHUNKS statements for up to 127 rows. */
static ck_rc insert_rows(ck_db *db, char *const *sql, int per_row, const void *rows, size_t row_size, size_t n,
                         bind_row_fn bind, const void *ctx, const char *what, char *err, size_t err_len)
{
    for (size_t i = 0; i < n;) {
        int k = CHUNKS - 1;
        while (((size_t)1 << k) > n - i) k--;
        size_t m = (size_t)1 << k;
        ck_stmt *st = prepare(db, sql[k], err, err_len);
        if (!st) return CK_ERR_DB;
        for (size_t r = 0; r < m; r++)
            bind(st, (int)r * per_row + 1, (const char *)rows + (i + r) * row_size, ctx);
        ck_rc rc = exec_stmt(db, st, what, err, err_len);
        if (rc != CK_OK) return rc;
        i += m;
    }
    return CK_OK;
}

typedef struct list_ctx {
    const table *t;
    int64_t case_id;
} list_ctx;

static void bind_list_row(ck_stmt *st, int first, const void *row, const void *ctx)
{
    const rowref *r = row;
    const list_ctx *lc = ctx;
    ck_stmt_bind_int(st, first, lc->case_id);
    if (lc->t->depth == 2) ck_stmt_bind_int(st, first + 1, r->parent_ord);
    ck_stmt_bind_int(st, first + lc->t->n_keys, r->ord);
    bind_cols(st, first + lc->t->n_keys + 1, lc->t, r->rec);
}

/* The array and count of table t in its owner record. */
static void list_of(const table *t, const void *owner, const char **items, size_t *n)
{
    *items = *(const char *const *)cat(owner, t->arr_off);
    *n = *(const size_t *)cat(owner, t->n_off);
}

/* Rows of table t for case c; for a depth-2 table only those under parent
 * position `only_parent` when it is not -1. */
static size_t gather(const table *t, const ck_case *c, int64_t only_parent, rowref **buf, size_t *cap)
{
    size_t n = 0;
    const char *items;
    size_t count;
    if (t->depth == 1) {
        list_of(t, c, &items, &count);
        if (count > *cap) {
            *buf = ck_realloc(*buf, count * sizeof **buf);
            *cap = count;
        }
        for (size_t i = 0; i < count; i++) (*buf)[n++] = (rowref){items + i * t->ent->size, -1, (int64_t)i};
        return n;
    }
    const table *p = &tables[t->parent];
    const char *parents;
    size_t n_parents;
    list_of(p, c, &parents, &n_parents);
    for (size_t pi = 0; pi < n_parents; pi++) {
        if (only_parent >= 0 && (int64_t)pi != only_parent) continue;
        list_of(t, parents + pi * p->ent->size, &items, &count);
        size_t need;
        if (!ck_add(n, count, &need)) abort(); /* ck_mem policy: a size that overflows is fatal */
        if (need > *cap) {
            size_t grow = need * 2;
            *buf = ck_realloc(*buf, grow * sizeof **buf);
            *cap = grow;
        }
        for (size_t i = 0; i < count; i++) (*buf)[n++] = (rowref){items + i * t->ent->size, (int64_t)pi, (int64_t)i};
    }
    return n;
}

static ck_rc insert_table(ck_db *db, const table *t, int64_t id, const ck_case *c, int64_t only_parent,
                          rowref **buf, size_t *cap, char *err, size_t err_len)
{
    size_t n = gather(t, c, only_parent, buf, cap);
    list_ctx lc = {t, id};
    return insert_rows(db, t->ins, t->n_keys + 1 + t->n_cols, *buf, sizeof **buf, n, bind_list_row, &lc,
                       t->ent->table, err, err_len);
}

static ck_rc insert_lists(ck_db *db, int64_t id, const ck_case *c, char *err, size_t err_len)
{
    rowref *buf = NULL;
    size_t cap = 0;
    ck_rc rc = CK_OK;
    for (int i = 1; i < n_tables && rc == CK_OK; i++) rc = insert_table(db, &tables[i], id, c, -1, &buf, &cap, err, err_len);
    ck_free(buf);
    return rc;
}

static void bind_root(ck_stmt *st, int first, const ck_case *c, const ck_holder *h)
{
    const table *t = &tables[0];
    char fk[CK_NAME_KEY_MAX + 1], sk[CK_NAME_KEY_MAX + 1];
    ck_store_name_key(c->person.forename, fk);
    ck_store_name_key(c->person.surname, sk);
    bind_cols(st, first, t, c);
    int i = first + t->n_cols;
    ck_stmt_bind_text(st, i++, fk);
    ck_stmt_bind_text(st, i++, sk);
    ck_stmt_bind_text(st, i++, h->staff_code);
    ck_stmt_bind_text(st, i++, h->team_code);
    ck_stmt_bind_text(st, i, h->pdu_code);
}

ck_rc ck_store_insert(ck_db *db, const ck_case *c, const ck_holder *h, int64_t *id, char *err, size_t err_len)
{
    model();
    ck_stmt *st = prepare(db, tables[0].ins[0], err, err_len);
    if (!st) return CK_ERR_DB;
    bind_root(st, 1, c, h);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) *id = ck_stmt_int(st, 0);
    ck_rc out = rc == CK_DB_ROW ? CK_OK : rc == CK_DB_DONE ? CK_ERR_EXISTS : db_fail(db, "cases", err, err_len);
    ck_stmt_reset(st);
    if (out == CK_ERR_EXISTS) snprintf(err, err_len, "crn: a case with CRN %s already exists", c->crn);
    if (out != CK_OK) return out;
    return insert_lists(db, *id, c, err, err_len);
}

static ck_rc exec_id(ck_db *db, const char *sql, int64_t id, const char *what, char *err, size_t err_len)
{
    ck_stmt *st = prepare(db, sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    return exec_stmt(db, st, what, err, err_len);
}

ck_rc ck_store_rewrite(ck_db *db, int64_t id, const ck_case *c, const ck_holder *h, char *err, size_t err_len)
{
    model();
    /* Children before parents would matter only with cascading keys; every
     * list row is keyed by the case alone, so any order deletes them all. */
    for (int i = n_tables - 1; i >= 1; i--) {
        ck_rc rc = exec_id(db, tables[i].del, id, tables[i].ent->table, err, err_len);
        if (rc != CK_OK) return rc;
    }
    ck_stmt *st = prepare(db, tables[0].upd, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    bind_root(st, 2, c, h);
    ck_rc rc = exec_stmt(db, st, "cases", err, err_len);
    if (rc != CK_OK) return rc;
    return insert_lists(db, id, c, err, err_len);
}

ck_rc ck_store_set_holder(ck_db *db, int64_t id, const ck_holder *h, char *err, size_t err_len)
{
    ck_stmt *st = prepare(db, "UPDATE \"cases\" SET \"staff_code\" = $2, \"team_code\" = $3, \"pdu_code\" = $4 "
                              "WHERE \"case_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_text(st, 2, h->staff_code);
    ck_stmt_bind_text(st, 3, h->team_code);
    ck_stmt_bind_text(st, 4, h->pdu_code);
    return exec_stmt(db, st, "cases", err, err_len);
}

ck_rc ck_store_find(ck_db *db, const char *crn, ck_lock lock, int64_t *id, char *err, size_t err_len)
{
    static const char *const sql[] = {"SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" = $1",
                                      "SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" = $1 FOR SHARE",
                                      "SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" = $1 FOR UPDATE"};
    ck_stmt *st = prepare(db, sql[ck_db_kind(db) == CK_DB_PG ? lock : CK_LOCK_NONE], err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, crn);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) *id = ck_stmt_int(st, 0);
    ck_rc out = rc == CK_DB_ROW ? CK_OK : rc == CK_DB_DONE ? CK_ERR_NOTFOUND : db_fail(db, "cases", err, err_len);
    ck_stmt_reset(st);
    if (out == CK_ERR_NOTFOUND) snprintf(err, err_len, "crn: no case with CRN %s", crn ? crn : "");
    return out;
}

/* ---- Loading ---------------------------------------------------------------- */

/* The cases being loaded, found by case id. */
typedef struct id_pos {
    int64_t id;
    size_t pos;
} id_pos;

typedef struct loadset {
    ck_case **cases;
    id_pos *index; /* sorted by id */
    size_t n;
} loadset;

static int id_pos_cmp(const void *a, const void *b)
{
    int64_t x = ((const id_pos *)a)->id, y = ((const id_pos *)b)->id;
    return (x > y) - (x < y);
}

static ck_case *loadset_find(const loadset *ls, int64_t id)
{
    id_pos key = {id, 0};
    const id_pos *hit = bsearch(&key, ls->index, ls->n, sizeof key, id_pos_cmp);
    return hit ? ls->cases[hit->pos] : NULL;
}

/* Reads the root columns of the current row into a new case. */
static ck_rc read_root(ck_stmt *st, ck_case **out, int64_t *id, char *err, size_t err_len)
{
    const table *t = &tables[0];
    ck_case *c = ck_case_new();
    *id = ck_stmt_int(st, 0);
    for (int i = 0; i < t->n_cols; i++)
        if (!read_col(st, 1 + i, t, &t->cols[i], c, &c->arena, err, err_len)) {
            ck_case_free(c);
            return CK_ERR_DB;
        }
    *out = c;
    return CK_OK;
}

/* Rows of one group (a case's list, or a parent record's list) collect in a
 * scratch buffer and move to the case's arena when the group ends, because
 * their count is known only then. */
typedef struct scratch {
    char *data;
    size_t cap; /* bytes */
} scratch;

static void *scratch_slot(scratch *s, size_t i, size_t size)
{
    size_t need;
    if (!ck_mul(i + 1, size, &need)) abort(); /* ck_mem policy: a size that overflows is fatal */
    if (need > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < need) cap *= 2;
        s->data = ck_realloc(s->data, cap);
        s->cap = cap;
    }
    void *slot = s->data + i * size;
    memset(slot, 0, size);
    return slot;
}

static void flush_group(const table *t, ck_case *c, void *owner, const scratch *s, size_t count)
{
    if (!owner || !count) return;
    void *arr = ck_arena_array(&c->arena, count, t->ent->size);
    memcpy(arr, s->data, count * t->ent->size);
    *(void **)at(owner, t->arr_off) = arr;
    *(size_t *)at(owner, t->n_off) = count;
}

/* The record that owns the rows of t for case c and parent position p. */
static void *owner_of(const table *t, ck_case *c, int64_t parent)
{
    if (t->depth == 1) return c;
    const table *pt = &tables[t->parent];
    const char *items;
    size_t n;
    list_of(pt, c, &items, &n);
    if (parent < 0 || (uint64_t)parent >= n) return NULL;
    return (char *)items + (size_t)parent * pt->ent->size;
}

/* Steps a bound SELECT of table t (rows ordered by case, parent, position)
 * and hangs the rows on the cases of ls. */
static ck_rc load_rows(ck_db *db, ck_stmt *st, const table *t, const loadset *ls, scratch *s, char *err, size_t err_len)
{
    ck_case *cur = NULL;
    void *owner = NULL;
    int64_t cur_id = 0, cur_parent = -1;
    size_t count = 0;
    bool first = true;
    ck_rc out = CK_OK;
    for (;;) {
        int rc = ck_stmt_step(st);
        if (rc == CK_DB_DONE) break;
        if (rc != CK_DB_ROW) {
            out = db_fail(db, t->ent->table, err, err_len);
            break;
        }
        int64_t id = ck_stmt_int(st, 0);
        int64_t parent = t->depth == 2 ? ck_stmt_int(st, 1) : -1;
        int64_t ord = ck_stmt_int(st, t->n_keys);
        if (first || id != cur_id || parent != cur_parent) {
            flush_group(t, cur, owner, s, count);
            first = false;
            cur_id = id;
            cur_parent = parent;
            count = 0;
            cur = loadset_find(ls, id);
            owner = cur ? owner_of(t, cur, parent) : NULL;
            if (cur && !owner) {
                snprintf(err, err_len, "%s: case %s has rows under parent position %lld, which does not exist",
                         t->ent->table, cur->crn, (long long)parent);
                out = CK_ERR_DB;
                break;
            }
        }
        if (!cur) continue; /* a case created after the batch was chosen */
        if (ord != (int64_t)count) {
            snprintf(err, err_len, "%s: case %s has row position %lld where %zu was expected",
                     t->ent->table, cur->crn, (long long)ord, count);
            out = CK_ERR_DB;
            break;
        }
        void *rec = scratch_slot(s, count, t->ent->size);
        for (int i = 0; i < t->n_cols && out == CK_OK; i++)
            if (!read_col(st, t->n_keys + 1 + i, t, &t->cols[i], rec, &cur->arena, err, err_len)) out = CK_ERR_DB;
        if (out != CK_OK) break;
        count++;
    }
    if (out == CK_OK) flush_group(t, cur, owner, s, count);
    ck_stmt_reset(st);
    return out;
}

ck_rc ck_store_load(ck_db *db, int64_t id, ck_case **out, char *err, size_t err_len)
{
    return ck_store_load_for(db, id, true, out, err, err_len);
}

ck_rc ck_store_load_for(ck_db *db, int64_t id, bool victims, ck_case **out, char *err, size_t err_len)
{
    model();
    *out = NULL;
    ck_stmt *st = prepare(db, !victims && tables[0].sel_one_redacted ? tables[0].sel_one_redacted : tables[0].sel_one,
                          err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    int rc = ck_stmt_step(st);
    ck_case *c = NULL;
    int64_t got = 0;
    ck_rc r = rc == CK_DB_ROW ? read_root(st, &c, &got, err, err_len)
            : rc == CK_DB_DONE ? CK_ERR_NOTFOUND : db_fail(db, "cases", err, err_len);
    ck_stmt_reset(st);
    if (r == CK_ERR_NOTFOUND) snprintf(err, err_len, "no case with id %lld", (long long)id);
    if (r != CK_OK) return r;
    id_pos ix = {id, 0};
    loadset ls = {&c, &ix, 1};
    scratch s = {NULL, 0};
    for (int i = 1; i < n_tables && r == CK_OK; i++) {
        st = prepare(db, !victims && tables[i].sel_one_redacted ? tables[i].sel_one_redacted : tables[i].sel_one, err,
                     err_len);
        if (!st) {
            r = CK_ERR_DB;
            break;
        }
        ck_stmt_bind_int(st, 1, id);
        r = load_rows(db, st, &tables[i], &ls, &s, err, err_len);
    }
    ck_free(s.data);
    if (r != CK_OK) {
        ck_case_free(c);
        return r;
    }
    *out = c;
    return CK_OK;
}

void ck_store_batch_init(ck_store_batch *b) { memset(b, 0, sizeof *b); }

static void batch_clear(ck_store_batch *b)
{
    for (size_t i = 0; i < b->n; i++) ck_case_free(b->cases[i]);
    b->n = 0;
}

void ck_store_batch_free(ck_store_batch *b)
{
    batch_clear(b);
    ck_free(b->cases);
    ck_free(b->ids);
    ck_free(b->after);
    ck_store_batch_init(b);
}

ck_rc ck_store_load_batch(ck_db *db, ck_store_batch *b, size_t max, ck_lock lock, char *err, size_t err_len)
{
    model();
    batch_clear(b);
    if (max == 0) max = 1;
    if (max > BATCH_MAX) max = BATCH_MAX;
    b->cases = ck_realloc(b->cases, max * sizeof *b->cases);
    b->ids = ck_realloc(b->ids, max * sizeof *b->ids);
    char *from = b->after ? b->after : ck_strdup("");
    b->after = NULL;
    ck_stmt *st = prepare(db, tables[0].sel_batch[ck_db_kind(db) == CK_DB_PG ? lock : CK_LOCK_NONE], err, err_len);
    ck_rc r = st ? CK_OK : CK_ERR_DB;
    if (st) {
        ck_stmt_bind_text(st, 1, from);
        ck_stmt_bind_int(st, 2, (int64_t)max);
        for (;;) {
            int rc = ck_stmt_step(st);
            if (rc == CK_DB_DONE) break;
            if (rc != CK_DB_ROW) {
                r = db_fail(db, "cases", err, err_len);
                break;
            }
            r = read_root(st, &b->cases[b->n], &b->ids[b->n], err, err_len);
            if (r != CK_OK) break;
            b->n++;
        }
        ck_stmt_reset(st);
    }
    if (r != CK_OK || b->n == 0) {
        b->after = from;
        return r;
    }
    b->after = ck_strdup(b->cases[b->n - 1]->crn);
    id_pos *index = ck_malloc(b->n * sizeof *index);
    for (size_t i = 0; i < b->n; i++) index[i] = (id_pos){b->ids[i], i};
    qsort(index, b->n, sizeof *index, id_pos_cmp);
    loadset ls = {b->cases, index, b->n};
    scratch s = {NULL, 0};
    for (int i = 1; i < n_tables && r == CK_OK; i++) {
        st = prepare(db, tables[i].sel_batch[0], err, err_len);
        if (!st) {
            r = CK_ERR_DB;
            break;
        }
        ck_stmt_bind_text(st, 1, from);
        ck_stmt_bind_text(st, 2, b->after);
        r = load_rows(db, st, &tables[i], &ls, &s, err, err_len);
    }
    ck_free(s.data);
    ck_free(index);
    ck_free(from);
    if (r != CK_OK) batch_clear(b);
    return r;
}

/* ---- One record at a time ----------------------------------------------------- */


#define PATH_MAX_LEN 256

static void path_advance(size_t *len, int wrote)
{
    if (wrote > 0) *len = *len + (size_t)wrote < PATH_MAX_LEN ? *len + (size_t)wrote : PATH_MAX_LEN - 1;
}

static void path_key(char *path, size_t *len, const char *key)
{
    path_advance(len, snprintf(path + *len, PATH_MAX_LEN - *len, "%s%s", *len ? "." : "", key));
}

static void path_index(char *path, size_t *len, size_t i)
{
    path_advance(len, snprintf(path + *len, PATH_MAX_LEN - *len, "[%zu]", i));
}

static bool check_rec(const ck_entity *k, const void *rec, char *path, size_t len, char *err, size_t err_len);

static bool check_field(const ck_field *f, const void *rec, char *path, size_t len, char *err, size_t err_len)
{
    const void *v = cat(rec, f->off);
    bool absent = false;
    switch (f->type) {
    case CK_F_STR: absent = !*(const char *const *)v; break;
    case CK_F_ENUM: {
        const char *s = *(const char *const *)v;
        absent = !s;
        if (s && !ck_vocab_find(f->vocab, s, strlen(s))) {
            char allowed[1024];
            ck_vocab_list(f->vocab, allowed, sizeof allowed);
            snprintf(err, err_len, "%s: \"%s\" is not one of %s", path, s, allowed);
            return false;
        }
        break;
    }
    case CK_F_DATE: absent = *(const ck_date *)v == CK_NODATE; break;
    case CK_F_INT: absent = *(const int32_t *)v == CK_NOINT; break;
    case CK_F_BOOL: absent = *(const ck_tri *)v == CK_NULL; break;
    case CK_F_OBJ:
        absent = f->aux_off != NOAUX && !*(const bool *)cat(rec, f->aux_off);
        if (!absent && !check_rec(f->sub, v, path, len, err, err_len)) return false;
        break;
    case CK_F_LIST: {
        const char *items = *(const char *const *)v;
        size_t n = *(const size_t *)cat(rec, f->aux_off);
        for (size_t i = 0; i < n; i++) {
            size_t l = len;
            path_index(path, &l, i);
            if (!check_rec(f->sub, items + i * f->sub->size, path, l, err, err_len)) return false;
            path[len] = '\0';
        }
        break;
    }
    }
    if (absent && f->required) {
        snprintf(err, err_len, "%s: required", path);
        return false;
    }
    return true;
}

static bool check_rec(const ck_entity *k, const void *rec, char *path, size_t len, char *err, size_t err_len)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        size_t l = len;
        path_key(path, &l, k->fields[i].key);
        bool ok = check_field(&k->fields[i], rec, path, l, err, err_len);
        path[len] = '\0';
        if (!ok) return false;
    }
    if (k->check) {
        char msg[512];
        const char *bad = k->check(rec, msg, sizeof msg);
        if (bad) {
            size_t l = len;
            path_key(path, &l, bad);
            snprintf(err, err_len, "%s: %s", path, msg);
            path[len] = '\0';
            return false;
        }
    }
    return true;
}

ck_rc ck_store_check(const ck_entity *kind, const void *rec, const char *path, char *err, size_t err_len)
{
    char p[PATH_MAX_LEN];
    snprintf(p, sizeof p, "%s", path ? path : "");
    return check_rec(kind, rec, p, strlen(p), err, err_len) ? CK_OK : CK_ERR_INVALID;
}

/* Deep copy of a checked record into arena a; vocabulary strings are
 * re-pointed at the vocabulary (the case's strings compare by content, but
 * every other case holds interned pointers). */
static void copy_rec(ck_arena *a, const ck_entity *k, void *dst, const void *src)
{
    memcpy(dst, src, k->size);
    for (size_t i = 0; i < k->n_fields; i++) {
        const ck_field *f = &k->fields[i];
        void *d = at(dst, f->off);
        const void *s = cat(src, f->off);
        switch (f->type) {
        case CK_F_STR: *(char **)d = ck_arena_strdup(a, *(const char *const *)s); break;
        case CK_F_ENUM: {
            const char *v = *(const char *const *)s;
            *(const char **)d = v ? ck_vocab_find(f->vocab, v, strlen(v)) : NULL;
            break;
        }
        case CK_F_OBJ: copy_rec(a, f->sub, d, s); break;
        case CK_F_LIST: {
            const char *items = *(const char *const *)s;
            size_t n = *(const size_t *)cat(src, f->aux_off);
            char *copy = n ? ck_arena_array(a, n, f->sub->size) : NULL;
            for (size_t j = 0; j < n; j++) copy_rec(a, f->sub, copy + j * f->sub->size, items + j * f->sub->size);
            *(char **)d = copy;
            break;
        }
        case CK_F_DATE:
        case CK_F_INT:
        case CK_F_BOOL: break;
        }
    }
}

static ck_rc unknown_list(const char *list, char *err, size_t err_len)
{
    ck_buf b = CK_BUF_INIT;
    for (int i = 1; i < n_tables; i++)
        if (tables[i].depth == 1) ck_buf_printf(&b, "%s%s", b.len ? ", " : "", tables[i].key);
    snprintf(err, err_len, "list: \"%s\" is not a list of a case; expected one of %s", list ? list : "",
             ck_buf_cstr(&b));
    ck_buf_free(&b);
    return CK_ERR_INVALID;
}

const ck_entity *ck_store_list_entity(const char *list, char *err, size_t err_len)
{
    const table *t = list_table(list);
    if (!t && err) unknown_list(list, err, err_len);
    return t ? t->ent : NULL;
}

ck_rc ck_store_append(ck_case *c, const char *list, const void *rec, size_t *ord, char *err, size_t err_len)
{
    const table *t = list_table(list);
    if (!t) return unknown_list(list, err, err_len);
    char **arr = at(c, t->arr_off);
    size_t *n = at(c, t->n_off);
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s[%zu]", list, *n);
    ck_rc rc = ck_store_check(t->ent, rec, path, err, err_len);
    if (rc != CK_OK) return rc;
    size_t size = t->ent->size;
    char *fresh = ck_arena_array(&c->arena, *n + 1, size);
    if (*n) memcpy(fresh, *arr, *n * size);
    copy_rec(&c->arena, t->ent, fresh + *n * size, rec);
    *arr = fresh;
    *ord = (*n)++;
    return CK_OK;
}

/* The "id" field of a kind, or NULL. */
static const ck_field *id_field(const ck_entity *k)
{
    for (size_t i = 0; i < k->n_fields; i++)
        if (k->fields[i].type == CK_F_STR && strcmp(k->fields[i].key, "id") == 0) return &k->fields[i];
    return NULL;
}

const char *ck_store_record_id(const ck_entity *kind, const void *rec)
{
    const ck_field *f = id_field(kind);
    return f ? *(const char *const *)cat(rec, f->off) : NULL;
}

void *ck_store_find_record(ck_case *c, const char *list, const char *id, size_t *ord)
{
    const table *t = list_table(list);
    const ck_field *f = t ? id_field(t->ent) : NULL;
    if (!f || !id) return NULL;
    const char *items;
    size_t n;
    list_of(t, c, &items, &n);
    for (size_t i = 0; i < n; i++) {
        char *rec = (char *)items + i * t->ent->size;
        if (ck_streq(*(const char *const *)at(rec, f->off), id)) {
            if (ord) *ord = i;
            return rec;
        }
    }
    return NULL;
}

ck_rc ck_store_write_record(ck_db *db, int64_t id, const ck_case *c, const char *list, size_t ord, bool is_new,
                            char *err, size_t err_len)
{
    const table *t = list_table(list);
    if (!t) return unknown_list(list, err, err_len);
    const char *items;
    size_t n;
    list_of(t, c, &items, &n);
    if (ord >= n) {
        snprintf(err, err_len, "%s[%zu]: no such record", list, ord);
        return CK_ERR_NOTFOUND;
    }
    rowref row = {items + ord * t->ent->size, -1, (int64_t)ord};
    ck_rc rc;
    if (is_new) {
        list_ctx lc = {t, id};
        rc = insert_rows(db, t->ins, t->n_keys + 1 + t->n_cols, &row, sizeof row, 1, bind_list_row, &lc,
                         t->ent->table, err, err_len);
    } else {
        ck_stmt *st = prepare(db, t->upd, err, err_len);
        if (!st) return CK_ERR_DB;
        ck_stmt_bind_int(st, 1, id);
        ck_stmt_bind_int(st, 2, (int64_t)ord);
        bind_cols(st, 3, t, row.rec);
        rc = exec_stmt(db, st, t->ent->table, err, err_len);
    }
    rowref *buf = NULL;
    size_t cap = 0;
    int ti = (int)(t - tables);
    for (int i = ti + 1; i < n_tables && rc == CK_OK; i++) {
        const table *u = &tables[i];
        if (u->depth != 2 || u->parent != ti) continue;
        if (!is_new) {
            ck_stmt *st = prepare(db, u->del_children, err, err_len);
            if (!st) {
                rc = CK_ERR_DB;
                break;
            }
            ck_stmt_bind_int(st, 1, id);
            ck_stmt_bind_int(st, 2, (int64_t)ord);
            rc = exec_stmt(db, st, u->ent->table, err, err_len);
        }
        if (rc == CK_OK) rc = insert_table(db, u, id, c, (int64_t)ord, &buf, &cap, err, err_len);
    }
    ck_free(buf);
    return rc;
}

/* ---- Obligations ---------------------------------------------------------------- */

/* Stored status: what the date cannot change. */
static const char *stored_status(ck_status s)
{
    return s == CK_ST_MET ? "met" : s == CK_ST_MET_LATE ? "met_late" : "unmet";
}

typedef struct obl_ctx {
    int64_t id;
    const ck_holder *h;
    const ck_ftc *ftc_base;
} obl_ctx;

static void bind_obligation(ck_stmt *st, int i, const void *row, const void *ctx)
{
    const ck_obligation *o = row;
    const obl_ctx *oc = ctx;
    ck_stmt_bind_int(st, i, oc->id);
    ck_stmt_bind_text(st, i + 1, o->rule);
    ck_stmt_bind_text(st, i + 2, o->subject);
    ck_stmt_bind_date(st, i + 3, o->due);
    ck_stmt_bind_date(st, i + 4, o->met_on);
    ck_stmt_bind_text(st, i + 5, stored_status(o->status));
    ck_stmt_bind_int(st, i + 6, o->severity);
    ck_stmt_bind_text(st, i + 7, o->explanation ? o->explanation : "");
    ck_stmt_bind_text(st, i + 8, oc->h->staff_code);
    ck_stmt_bind_text(st, i + 9, oc->h->team_code);
    ck_stmt_bind_text(st, i + 10, oc->h->pdu_code);
}

static void bind_ftc(ck_stmt *st, int i, const void *row, const void *ctx)
{
    const ck_ftc *f = row;
    const obl_ctx *oc = ctx;
    ck_stmt_bind_int(st, i, oc->id);
    ck_stmt_bind_int(st, i + 1, f - oc->ftc_base);
    ck_stmt_bind_text(st, i + 2, f->event);
    ck_stmt_bind_int(st, i + 3, f->count);
    ck_stmt_bind_date(st, i + 4, f->since);
}

ck_rc ck_store_put_obligations(ck_db *db, int64_t id, const ck_result *r, const ck_holder *h, bool replace,
                               char *err, size_t err_len)
{
    model();
    ck_rc rc = CK_OK;
    if (replace) {
        rc = exec_id(db, "DELETE FROM \"obligations\" WHERE \"case_id\" = $1", id, "obligations", err, err_len);
        if (rc == CK_OK)
            rc = exec_id(db, "DELETE FROM \"failures_to_comply\" WHERE \"case_id\" = $1", id, "failures_to_comply",
                         err, err_len);
        if (rc != CK_OK) return rc;
    }
    obl_ctx oc = {id, h, r->ftc};
    rc = insert_rows(db, obl_ins, N_OBL_COLS, r->obligations, sizeof *r->obligations, r->n_obligations,
                     bind_obligation, &oc, "obligations", err, err_len);
    if (rc != CK_OK) return rc;
    return insert_rows(db, ftc_ins, N_FTC_COLS, r->ftc, sizeof *r->ftc, r->n_ftc, bind_ftc, &oc,
                       "failures_to_comply", err, err_len);
}

int ck_store_obligation_cmp(const void *a, const void *b)
{
    const ck_obligation *x = a, *y = b;
    if (x->status != y->status) return x->status < y->status ? -1 : 1;
    if (x->severity != y->severity) return x->severity < y->severity ? -1 : 1;
    if (x->due != y->due) return x->due < y->due ? -1 : 1;
    int c = strcmp(x->rule, y->rule);
    return c ? c : strcmp(x->subject, y->subject);
}

/* The static rule ID equal to s, so a stored obligation looks like a fresh one. */
static const char *intern_rule(ck_arena *a, const char *s)
{
    const char *r = ck_vocab_find(ck_vocab_rule, s, strlen(s));
    return r ? r : ck_arena_strdup(a, s);
}

ck_rc ck_store_get_obligations(ck_db *db, int64_t id, ck_date as_of, ck_result **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_stmt *st = prepare(db, "SELECT \"rule\", \"subject\", \"due\", \"met_on\", \"status\", \"severity\", "
                              "\"explanation\" FROM \"obligations\" WHERE \"case_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_result *r = ck_calloc(1, sizeof *r);
    ck_arena_init(&r->arena);
    ck_obligation *tmp = NULL;
    size_t n = 0, cap = 0;
    ck_rc rc = CK_OK;
    ck_stmt_bind_int(st, 1, id);
    for (;;) {
        int s = ck_stmt_step(st);
        if (s == CK_DB_DONE) break;
        if (s != CK_DB_ROW) {
            rc = db_fail(db, "obligations", err, err_len);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            tmp = ck_realloc(tmp, cap * sizeof *tmp);
        }
        ck_obligation *o = &tmp[n++];
        o->rule = intern_rule(&r->arena, ck_stmt_text(st, 0));
        o->subject = ck_arena_strdup(&r->arena, ck_stmt_text(st, 1));
        o->due = ck_stmt_date(st, 2);
        o->met_on = ck_stmt_date(st, 3);
        const char *status = ck_stmt_text(st, 4);
        o->status = ck_streq(status, "met") ? CK_ST_MET
                  : ck_streq(status, "met_late") ? CK_ST_MET_LATE : ck_status_at(o->due, CK_NODATE, as_of);
        int64_t sev = ck_stmt_int(st, 5);
        o->severity = sev == CK_SEV_CRITICAL ? CK_SEV_CRITICAL : sev == CK_SEV_HIGH ? CK_SEV_HIGH : CK_SEV_NORMAL;
        o->explanation = ck_arena_strdup(&r->arena, ck_stmt_text(st, 6));
    }
    ck_stmt_reset(st);
    if (rc == CK_OK && n) {
        qsort(tmp, n, sizeof *tmp, ck_store_obligation_cmp);
        r->obligations = ck_arena_array(&r->arena, n, sizeof *tmp);
        memcpy(r->obligations, tmp, n * sizeof *tmp);
        r->n_obligations = n;
    }
    ck_free(tmp);
    st = rc == CK_OK ? prepare(db, "SELECT \"event\", \"count\", \"since\" FROM \"failures_to_comply\" "
                                   "WHERE \"case_id\" = $1 ORDER BY \"ord\"", err, err_len) : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (st) {
        ck_ftc *ftc = NULL;
        size_t fn = 0, fcap = 0;
        ck_stmt_bind_int(st, 1, id);
        for (;;) {
            int s = ck_stmt_step(st);
            if (s == CK_DB_DONE) break;
            if (s != CK_DB_ROW) {
                rc = db_fail(db, "failures_to_comply", err, err_len);
                break;
            }
            if (fn == fcap) {
                fcap = fcap ? fcap * 2 : 4;
                ftc = ck_realloc(ftc, fcap * sizeof *ftc);
            }
            ftc[fn++] = (ck_ftc){ck_arena_strdup(&r->arena, ck_stmt_text(st, 0)), (int)ck_stmt_int(st, 1),
                                 ck_stmt_date(st, 2)};
        }
        ck_stmt_reset(st);
        if (fn) {
            r->ftc = ck_arena_array(&r->arena, fn, sizeof *ftc);
            memcpy(r->ftc, ftc, fn * sizeof *ftc);
            r->n_ftc = fn;
        }
        ck_free(ftc);
    }
    if (rc != CK_OK) {
        ck_result_free(r);
        return rc;
    }
    *out = r;
    return CK_OK;
}

/* ---- Settings ------------------------------------------------------------------- */

ck_rc ck_store_meta_get(ck_db *db, const char *key, char *val, size_t val_len, char *err, size_t err_len)
{
    ck_stmt *st = prepare(db, "SELECT \"value\" FROM \"meta\" WHERE \"key\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, key);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) snprintf(val, val_len, "%s", ck_stmt_text(st, 0));
    ck_rc out = rc == CK_DB_ROW ? CK_OK : rc == CK_DB_DONE ? CK_ERR_NOTFOUND : db_fail(db, "meta", err, err_len);
    ck_stmt_reset(st);
    if (out == CK_ERR_NOTFOUND) snprintf(err, err_len, "meta: %s was never set", key);
    return out;
}

ck_rc ck_store_meta_set(ck_db *db, const char *key, const char *val, char *err, size_t err_len)
{
    ck_stmt *st = prepare(db, "INSERT INTO \"meta\" (\"key\", \"value\") VALUES ($1, $2) "
                              "ON CONFLICT (\"key\") DO UPDATE SET \"value\" = \"excluded\".\"value\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, key);
    ck_stmt_bind_text(st, 2, val);
    return exec_stmt(db, st, "meta", err, err_len);
}

ck_rc ck_store_verify(ck_db *db, char *err, size_t err_len)
{
    model();
    const char *sql[MAX_TABLES * (CHUNKS + 8) + 2 * CHUNKS];
    size_t n = 0;
    for (int i = 0; i < n_tables; i++) {
        const table *t = &tables[i];
        for (int k = 0; k < CHUNKS; k++)
            if (t->ins[k]) sql[n++] = t->ins[k];
        bool pg = ck_db_kind(db) == CK_DB_PG;
        const char *more[] = {t->sel_one, t->sel_one_redacted, t->sel_batch[0], pg ? t->sel_batch[1] : NULL,
                              pg ? t->sel_batch[2] : NULL, t->del, t->del_children, t->upd};
        for (size_t k = 0; k < sizeof more / sizeof *more; k++)
            if (more[k]) sql[n++] = more[k];
    }
    for (int k = 0; k < CHUNKS; k++) {
        sql[n++] = obl_ins[k];
        sql[n++] = ftc_ins[k];
    }
    for (size_t i = 0; i < n; i++) {
        ck_stmt *st = ck_db_prepare(db, sql[i]);
        if (!st) {
            snprintf(err, err_len, "schema does not match the case descriptors: %s (%.200s)", ck_db_errmsg(db), sql[i]);
            return CK_ERR_DB;
        }
        ck_stmt_reset(st);
    }
    return CK_OK;
}
