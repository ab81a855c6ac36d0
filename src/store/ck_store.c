#include "ck_store.h"
#include "ck_buf.h"
#include "ck_events.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- The table model, built once from the descriptors ---------------------- */

#define NOAUX ((size_t)-1)
#define MAX_COLS 24
#define MAX_GUARDS 3
#define MAX_TABLES 32 /* 24 in use with requirements and licence conditions */
/* INSERT texts for 1, 2, 4, ..., 128 rows: few round trips for one case's
 * list, and for the bulk paths, whose statements carry the rows of many
 * cases, few enough that PostgreSQL's round trips stop mattering. Not more:
 * SQLite's parser looks up numbered parameters in a list, so preparing a
 * statement costs the square of its parameters. */
#define CHUNKS 8
static const size_t chunk_rows[CHUNKS] = {1, 2, 4, 8, 16, 32, 64, 128};
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
    const char *ins_cols[MAX_COLS + 3]; /* the INSERT's columns: keys, then cols */
    char *sel_one, *sel_batch[2]; /* by ck_lock (root on PostgreSQL; the rest share [0]) */
    char *sel_ids[2][2];          /* the cases of an id list: [PostgreSQL][ck_lock] (ck_store_load_ids) */
    char *sel_one_redacted;       /* sel_one with sensitive columns as NULL; NULL when it has none */
    char *sel_batch_rules, *sel_ids_rules[2]; /* sel_batch[0], sel_ids[pg][0] without what no rule reads */
    char *del, *del_children, *upd;
} table;

static table tables[MAX_TABLES];
static int n_tables;
static char *obl_ins[CHUNKS], *ftc_ins[CHUNKS], *tier_upd[CHUNKS];
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

/* The root's columns that no descriptor names: derived on every write.
 * An obligation's "explanation" holds the engine's recipe for it
 * (core/ck_explain), written out by whatever shows it. */
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

/* "WHERE case_id IN the list" for a list bound as one parameter, which each
 * backend reads its own way (the text from id_list). */
#define IN_IDS_SQLITE " IN (SELECT \"value\" FROM json_each($1))"
#define IN_IDS_PG " = ANY (CAST($1 AS BIGINT[]))"
static const char *const in_ids[2] = {IN_IDS_SQLITE, IN_IDS_PG};

static const char *const key_names[] = {"case_id", "parent_ord", "ord"};
static const char *const lock_clause[] = {"", " FOR UPDATE"};

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

/* Free text that neither the rules engine, the workload profile nor the
 * next change reads (core/ck_rules, ck_tier, ck_horizon): a recompute reads
 * the cases without it, since a contact's notes are most of a case's bytes.
 * tests/test_examples.c (rules_blind_fields_move_nothing) checks the
 * engine's output does not move when it is left out. */
static const struct {
    const char *table, *column;
} rules_blind[] = {{"contacts", "notes"}, {"contacts", "recorded_by"}};

bool ck_store_rules_blind(const char *list_table, const char *column)
{
    for (size_t i = 0; i < sizeof rules_blind / sizeof *rules_blind; i++)
        if (strcmp(list_table, rules_blind[i].table) == 0 && strcmp(column, rules_blind[i].column) == 0) return true;
    return false;
}

static bool is_rules_blind(const table *t, const col *c)
{
    return t->depth && ck_store_rules_blind(t->ent->table, c->name);
}

typedef enum { SEL_ALL, SEL_REDACTED, SEL_RULES } sel_view;

/* The SELECT list of t; SEL_REDACTED leaves out sensitive columns (victims'
 * names and contact details) and SEL_RULES what no rule reads: NULL stands
 * in their place, so they are not read at all. */
static void put_select_list(ck_buf *b, const table *t, sel_view view)
{
    const char *keys[3];
    key_cols(t, keys);
    ck_buf_puts(b, "SELECT \"case_id\"");
    for (int i = 1; i <= t->n_keys; i++) ck_buf_printf(b, ", \"%s\"", keys[i]);
    for (int i = 0; i < t->n_cols; i++) {
        bool left_out = (view == SEL_REDACTED && t->cols[i].f->sensitive) ||
                        (view == SEL_RULES && is_rules_blind(t, &t->cols[i]));
        ck_buf_printf(b, left_out ? ", NULL AS \"%s\"" : ", \"%s\"", t->cols[i].name);
    }
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
        put_select_list(&b, t, SEL_REDACTED);
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
        for (int k = 0; k < CHUNKS; k++)
            t->ins[k] = multi_insert("cases", names, n, (int)chunk_rows[k],
                                     " ON CONFLICT (\"crn\") DO NOTHING RETURNING \"case_id\", \"crn\"");
        ck_buf_puts(&b, "UPDATE \"cases\" SET ");
        for (int i = 0; i < n; i++) ck_buf_printf(&b, "%s\"%s\" = $%d", i ? ", " : "", names[i], i + 2);
        ck_buf_puts(&b, " WHERE \"case_id\" = $1");
        t->upd = ck_buf_steal(&b);
        put_select_list(&b, t, SEL_ALL);
        ck_buf_puts(&b, " WHERE \"case_id\" = $1");
        t->sel_one = ck_buf_steal(&b);
        put_redacted(t);
        for (int lock = CK_LOCK_NONE; lock <= CK_LOCK_UPDATE; lock++) {
            put_select_list(&b, t, SEL_ALL);
            ck_buf_printf(&b, " WHERE \"crn\" > $1 ORDER BY \"crn\" LIMIT $2%s", lock_clause[lock]);
            t->sel_batch[lock] = ck_buf_steal(&b);
            for (int pg = 0; pg < 2; pg++) {
                put_select_list(&b, t, SEL_ALL);
                ck_buf_printf(&b, " WHERE \"case_id\"%s%s", in_ids[pg], pg ? lock_clause[lock] : "");
                t->sel_ids[pg][lock] = ck_buf_steal(&b);
            }
        }
        return;
    }
    key_cols(t, names);
    n = t->n_keys + 1;
    for (int i = 0; i < t->n_cols; i++) names[n++] = t->cols[i].name;
    memcpy(t->ins_cols, names, (size_t)n * sizeof *names);
    for (int k = 0; k < CHUNKS; k++) t->ins[k] = multi_insert(t->ent->table, names, n, (int)chunk_rows[k], NULL);
    put_select_list(&b, t, SEL_ALL);
    ck_buf_puts(&b, " WHERE \"case_id\" = $1");
    put_order(&b, t, false);
    t->sel_one = ck_buf_steal(&b);
    put_redacted(t);
    /* A batch is the CRN range (after, last]: cases created meanwhile in that
     * range are not in the batch and their rows are skipped. */
    put_select_list(&b, t, SEL_ALL);
    ck_buf_puts(&b, " WHERE \"case_id\" IN (SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" > $1 AND \"crn\" <= $2)");
    put_order(&b, t, true);
    t->sel_batch[0] = t->sel_batch[1] = ck_buf_steal(&b);
    put_select_list(&b, t, SEL_RULES);
    ck_buf_puts(&b, " WHERE \"case_id\" IN (SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" > $1 AND \"crn\" <= $2)");
    put_order(&b, t, true);
    t->sel_batch_rules = ck_buf_steal(&b);
    for (int pg = 0; pg < 2; pg++) {
        put_select_list(&b, t, SEL_ALL);
        ck_buf_printf(&b, " WHERE \"case_id\"%s", in_ids[pg]);
        put_order(&b, t, true);
        t->sel_ids[pg][0] = t->sel_ids[pg][1] = ck_buf_steal(&b);
        put_select_list(&b, t, SEL_RULES);
        ck_buf_printf(&b, " WHERE \"case_id\"%s", in_ids[pg]);
        put_order(&b, t, true);
        t->sel_ids_rules[pg] = ck_buf_steal(&b);
    }
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

/* The stored tiers and profiles of many cases in one statement: $1 the
 * date, then per case its id, tier, what the tier lacks, WMT type, RoSH
 * level, MAPP level, court reports and 1 when the profile is complete. */
#define PROFILE_PARAMS 8
static char *tier_update(int rows)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "UPDATE \"cases\" SET \"tier_as_of\" = $1, " CK_STORE_TIER_CHANGE("\"v\".\"column2\"", "$1")
                    ", \"tier\" = \"v\".\"column2\", "
                    CK_STORE_PROFILE_SET("\"v\".\"column3\"", "\"v\".\"column4\"", "\"v\".\"column5\"",
                                         "\"v\".\"column6\"", "\"v\".\"column7\"",
                                         "CASE WHEN \"v\".\"column8\" = 1 THEN $1 ELSE NULL END")
                    " FROM (VALUES ");
    for (int r = 0; r < rows; r++) {
        int p = PROFILE_PARAMS * r + 2;
        if (r)
            ck_buf_printf(&b, ", ($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", p, p + 1, p + 2, p + 3, p + 4, p + 5,
                          p + 6, p + 7);
        else
            ck_buf_printf(&b, "(CAST($%d AS BIGINT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), "
                              "CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS INTEGER))",
                          p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7);
    }
    ck_buf_puts(&b, ") AS \"v\" WHERE \"cases\".\"case_id\" = \"v\".\"column1\"");
    return ck_buf_steal(&b);
}

static void build_model(void)
{
    new_table(&ck_entity_case, 0, -1, "", 0, 0);
    add_table_cols(0, &ck_entity_case, 0, "", "", NULL, 0);
    for (int i = 0; i < n_tables; i++) build_sql(&tables[i]);
    for (int k = 0; k < CHUNKS; k++) {
        obl_ins[k] = multi_insert("obligations", obl_cols, N_OBL_COLS, (int)chunk_rows[k], NULL);
        tier_upd[k] = tier_update((int)chunk_rows[k]);
        ftc_ins[k] = multi_insert("failures_to_comply", ftc_cols, N_FTC_COLS, (int)chunk_rows[k], NULL);
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

/* Where a row's values go, in order: a statement's parameters from i on,
 * or a COPY. */
typedef struct sink {
    ck_stmt *st;
    ck_copy *cp;
    int i;
} sink;

static void put_null(sink *k)
{
    if (k->cp) ck_copy_null(k->cp);
    else ck_stmt_bind_null(k->st, k->i++);
}

static void put_text(sink *k, const char *v)
{
    if (k->cp) ck_copy_text(k->cp, v);
    else ck_stmt_bind_text(k->st, k->i++, v);
}

static void put_int(sink *k, int64_t v)
{
    if (k->cp) ck_copy_int(k->cp, v);
    else ck_stmt_bind_int(k->st, k->i++, v);
}

static void put_date(sink *k, ck_date d)
{
    if (k->cp) ck_copy_date(k->cp, d);
    else ck_stmt_bind_date(k->st, k->i++, d);
}

static void bind_col(sink *k, const col *c, const void *rec)
{
    if (guarded_off(c, rec)) {
        if (c->kind == COL_FLAG) put_int(k, 0);
        else put_null(k);
        return;
    }
    const void *v = cat(rec, c->off);
    if (c->kind == COL_FLAG) {
        put_int(k, *(const bool *)v);
        return;
    }
    switch (c->f->type) {
    case CK_F_STR:
    case CK_F_ENUM: put_text(k, *(const char *const *)v); break;
    case CK_F_DATE: put_date(k, *(const ck_date *)v); break;
    case CK_F_INT:
    case CK_F_CENTI: {
        int32_t n = *(const int32_t *)v;
        if (n == CK_NOINT) put_null(k);
        else put_int(k, n);
        break;
    }
    case CK_F_BOOL: {
        ck_tri t = *(const ck_tri *)v;
        if (t == CK_NULL) put_null(k);
        else put_int(k, t);
        break;
    }
    case CK_F_OBJ:
    case CK_F_LIST: put_null(k); break; /* never a column */
    }
}

static void bind_cols(sink *k, const table *t, const void *rec)
{
    for (int i = 0; i < t->n_cols; i++) bind_col(k, &t->cols[i], rec);
}

static void set_absent(const col *c, void *rec)
{
    void *v = at(rec, c->off);
    if (c->kind == COL_FLAG) {
        *(bool *)v = false;
        return;
    }
    ck_value_set_absent(c->f->type, v);
}

/* Reads column `i` into rec. Flags come before the members they guard, so a
 * member of an absent object is set absent whatever the row holds. A text
 * column is asked for its text once (NULL for NULL): the cases' reading is
 * most of a recompute, and asking whether a column is NULL before reading it
 * costs as much again. */
static bool read_col(ck_stmt *st, int i, const table *t, const col *c, void *rec, ck_arena *a, char *err,
                     size_t err_len)
{
    if (guarded_off(c, rec)) {
        set_absent(c, rec);
        return true;
    }
    void *v = at(rec, c->off);
    if (c->kind == COL_FLAG) {
        *(bool *)v = ck_stmt_int(st, i) != 0;
        return true;
    }
    const char *s = NULL;
    switch (c->f->type) {
    case CK_F_STR:
    case CK_F_ENUM:
        s = ck_stmt_text(st, i);
        break;
    case CK_F_DATE:
        /* ck_stmt_date reads NULL as CK_NODATE, which is how an absent
         * date is stored in the record (ck_value_set_absent). */
        *(ck_date *)v = ck_stmt_date(st, i);
        return true;
    default:
        if (ck_stmt_null(st, i)) {
            set_absent(c, rec);
            return true;
        }
        break;
    }
    switch (c->f->type) {
    case CK_F_STR: *(const char **)v = s ? ck_arena_strdup(a, s) : NULL; break;
    case CK_F_ENUM: {
        if (!s) {
            set_absent(c, rec);
            break;
        }
        const char *interned = ck_vocab_find(c->f->vocab, s, strlen(s));
        if (!interned) {
            snprintf(err, err_len, "%s.%s: stored value \"%s\" is not in the vocabulary",
                     t->depth ? t->ent->table : "cases", c->name, s);
            return false;
        }
        *(const char **)v = interned;
        break;
    }
    case CK_F_DATE: break;
    case CK_F_INT:
    case CK_F_CENTI: *(int32_t *)v = (int32_t)ck_stmt_int(st, i); break;
    case CK_F_BOOL: *(ck_tri *)v = ck_stmt_int(st, i) != 0; break;
    case CK_F_OBJ:
    case CK_F_LIST: break;
    }
    return true;
}

/* ---- Writing rows -------------------------------------------------------------- */

typedef struct rowref {
    const void *rec;
    int64_t case_id, parent_ord, ord;
} rowref;

typedef void (*bind_row_fn)(sink *k, const void *row, const void *ctx);

/* Where rows go: a table's columns and its multi-row INSERT texts
 * (CHUNKS of them, chunk_rows rows each). */
typedef struct target {
    const char *table;
    const char *const *cols;
    int ncols;
    char *const *ins;
} target;

/* Rows past one statement's worth go to PostgreSQL as a COPY: one command
 * for any number of rows. Fewer take the INSERTs, one round trip each. */
static ck_rc copy_rows(ck_db *db, const target *tg, const void *rows, size_t row_size, size_t n, bind_row_fn bind,
                       const void *ctx, char *err, size_t err_len)
{
    ck_copy *cp = ck_copy_begin(db, tg->table, tg->cols, tg->ncols);
    if (!cp) return ck_txn_db_fail(db, tg->table, err, err_len);
    int rc = CK_DB_OK;
    for (size_t i = 0; i < n && rc == CK_DB_OK; i++) {
        sink k = {NULL, cp, 0};
        bind(&k, (const char *)rows + i * row_size, ctx);
        rc = ck_copy_row(cp);
    }
    return ck_copy_end(cp) == CK_DB_OK ? CK_OK : ck_txn_db_fail(db, tg->table, err, err_len);
}

/* Inserts n rows: with COPY on PostgreSQL when they are many, else with the
 * multi-row INSERTs, biggest first. */
static ck_rc insert_rows(ck_db *db, const target *tg, const void *rows, size_t row_size, size_t n, bind_row_fn bind,
                         const void *ctx, char *err, size_t err_len)
{
    if (n > chunk_rows[CHUNKS - 1] && ck_db_kind(db) == CK_DB_PG)
        return copy_rows(db, tg, rows, row_size, n, bind, ctx, err, err_len);
    for (size_t i = 0; i < n;) {
        int k = CHUNKS - 1;
        while (chunk_rows[k] > n - i) k--;
        size_t m = chunk_rows[k];
        ck_stmt *st = ck_txn_prepare(db, tg->ins[k], err, err_len);
        if (!st) return CK_ERR_DB;
        sink snk = {st, NULL, 1};
        for (size_t r = 0; r < m; r++) bind(&snk, (const char *)rows + (i + r) * row_size, ctx);
        ck_rc rc = ck_txn_exec(db, st, tg->table, err, err_len);
        if (rc != CK_OK) return rc;
        i += m;
    }
    return CK_OK;
}

static void bind_list_row(sink *k, const void *row, const void *ctx)
{
    const rowref *r = row;
    const table *t = ctx;
    put_int(k, r->case_id);
    if (t->depth == 2) put_int(k, r->parent_ord);
    put_int(k, r->ord);
    bind_cols(k, t, r->rec);
}

static target list_target(const table *t)
{
    return (target){t->ent->table, t->ins_cols, t->n_keys + 1 + t->n_cols, t->ins};
}

/* The array and count of table t in its owner record. */
static void list_of(const table *t, const void *owner, const char **items, size_t *n)
{
    *items = *(const char *const *)cat(owner, t->arr_off);
    *n = *(const size_t *)cat(owner, t->n_off);
}

/* A growable array of rowref. */
typedef struct rowrefs {
    rowref *v;
    size_t n, cap;
} rowrefs;

static rowref *rowrefs_push(rowrefs *a)
{
    if (a->n == a->cap) {
        size_t cap;
        if (!ck_mul(a->cap ? a->cap : 32, 2, &cap)) abort(); /* ck_mem policy: a size that overflows is fatal */
        size_t bytes;
        if (!ck_mul(cap, sizeof *a->v, &bytes)) abort();
        a->v = ck_realloc(a->v, bytes);
        a->cap = cap;
    }
    return &a->v[a->n++];
}

/* Appends the rows of table t for case c (id `id`); for a depth-2 table only
 * those under parent position `only_parent` when it is not -1. */
static void gather(const table *t, const ck_case *c, int64_t id, int64_t only_parent, rowrefs *out)
{
    const char *items;
    size_t count;
    if (t->depth == 1) {
        list_of(t, c, &items, &count);
        for (size_t i = 0; i < count; i++) *rowrefs_push(out) = (rowref){items + i * t->ent->size, id, -1, (int64_t)i};
        return;
    }
    const table *p = &tables[t->parent];
    const char *parents;
    size_t n_parents;
    list_of(p, c, &parents, &n_parents);
    for (size_t pi = 0; pi < n_parents; pi++) {
        if (only_parent >= 0 && (int64_t)pi != only_parent) continue;
        list_of(t, parents + pi * p->ent->size, &items, &count);
        for (size_t i = 0; i < count; i++)
            *rowrefs_push(out) = (rowref){items + i * t->ent->size, id, (int64_t)pi, (int64_t)i};
    }
}

static ck_rc insert_gathered(ck_db *db, const table *t, const rowrefs *rows, char *err, size_t err_len)
{
    target tg = list_target(t);
    return insert_rows(db, &tg, rows->v, sizeof *rows->v, rows->n, bind_list_row, t, err, err_len);
}

/* The list rows of cases c[0..n) whose ids[i] is not 0, one table at a time,
 * so a statement carries the rows of many cases. */
static ck_rc insert_lists(ck_db *db, size_t n, const ck_case *const *c, const int64_t *ids, char *err,
                          size_t err_len)
{
    rowrefs rows = {NULL, 0, 0};
    ck_rc rc = CK_OK;
    for (int i = 1; i < n_tables && rc == CK_OK; i++) {
        rows.n = 0;
        for (size_t k = 0; k < n; k++)
            if (ids[k]) gather(&tables[i], c[k], ids[k], -1, &rows);
        rc = insert_gathered(db, &tables[i], &rows, err, err_len);
    }
    ck_free(rows.v);
    return rc;
}

static void bind_root(sink *k, const ck_case *c, const ck_holder *h)
{
    char fk[CK_NAME_KEY_MAX + 1], sk[CK_NAME_KEY_MAX + 1];
    ck_store_name_key(c->person.forename, fk);
    ck_store_name_key(c->person.surname, sk);
    bind_cols(k, &tables[0], c);
    put_text(k, fk);
    put_text(k, sk);
    put_text(k, h->staff_code);
    put_text(k, h->team_code);
    put_text(k, h->pdu_code);
}

ck_rc ck_store_insert(ck_db *db, const ck_case *c, const ck_holder *h, int64_t *id, char *err, size_t err_len)
{
    ck_rc rc = ck_store_insert_many(db, 1, &c, h, id, err, err_len);
    if (rc == CK_OK && *id == 0) {
        snprintf(err, err_len, "crn: a case with CRN %s already exists", c->crn);
        return CK_ERR_EXISTS;
    }
    return rc;
}

/* Inserts the "cases" rows of c[0..m) (m one of chunk_rows) in one statement
 * and sets ids[i] from what it returns: rows whose CRN was taken return
 * nothing, and of two with one CRN only the first is inserted. */
static ck_rc insert_roots(ck_db *db, int k, const ck_case *const *c, const ck_holder *h, int64_t *ids, char *err,
                          size_t err_len)
{
    size_t m = chunk_rows[k];
    ck_stmt *st = ck_txn_prepare(db, tables[0].ins[k], err, err_len);
    if (!st) return CK_ERR_DB;
    sink to = {st, NULL, 1};
    for (size_t i = 0; i < m; i++) {
        bind_root(&to, c[i], &h[i]);
        ids[i] = 0;
    }
    ck_rc out = CK_OK;
    while (ck_txn_next(db, st, "cases", &out, err, err_len)) {
        /* RETURNING gives rows in no promised order: match them by CRN. */
        const char *crn = ck_stmt_text(st, 1);
        for (size_t i = 0; i < m; i++)
            if (!ids[i] && ck_streq(c[i]->crn, crn)) {
                ids[i] = ck_stmt_int(st, 0);
                break;
            }
    }
    ck_stmt_reset(st);
    return out;
}

ck_rc ck_store_insert_many(ck_db *db, size_t n, const ck_case *const *c, const ck_holder *h, int64_t *ids,
                           char *err, size_t err_len)
{
    model();
    for (size_t i = 0; i < n;) {
        int k = CHUNKS - 1;
        while (chunk_rows[k] > n - i) k--;
        ck_rc rc = insert_roots(db, k, c + i, h + i, ids + i, err, err_len);
        if (rc != CK_OK) return rc;
        i += chunk_rows[k];
    }
    for (size_t i = 0; i < n; i++)
        if (ids[i]) ck_events_add(db, "case.created", c[i]->crn);
    return insert_lists(db, n, c, ids, err, err_len);
}

static ck_rc exec_id(ck_db *db, const char *sql, int64_t id, const char *what, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    return ck_txn_exec(db, st, what, err, err_len);
}

static bool same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

/* Queues allocation.changed for case id (as crn, NULL: its stored CRN) when
 * its stored practitioner or team differs from h's: read before the write
 * that stores h. The one place a change of holder is noticed, whichever
 * write made it (an allocation, a handover, a leaver, the nightly job). */
static ck_rc note_holder_change(ck_db *db, int64_t id, const char *crn, const ck_holder *h, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"crn\", \"staff_code\", \"team_code\" FROM \"cases\" "
                                     "WHERE \"case_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_rc rc = CK_OK;
    if (ck_txn_next(db, st, "cases", &rc, err, err_len) &&
        (!same_str(ck_stmt_text(st, 1), h->staff_code) || !same_str(ck_stmt_text(st, 2), h->team_code)))
        ck_events_add(db, "allocation.changed", crn ? crn : ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    return rc;
}

ck_rc ck_store_rewrite(ck_db *db, int64_t id, const ck_case *c, const ck_holder *h, char *err, size_t err_len)
{
    model();
    ck_rc held = note_holder_change(db, id, c->crn, h, err, err_len);
    if (held != CK_OK) return held;
    ck_events_add(db, "case.updated", c->crn);
    /* Children before parents would matter only with cascading keys; every
     * list row is keyed by the case alone, so any order deletes them all. */
    for (int i = n_tables - 1; i >= 1; i--) {
        ck_rc rc = exec_id(db, tables[i].del, id, tables[i].ent->table, err, err_len);
        if (rc != CK_OK) return rc;
    }
    ck_stmt *st = ck_txn_prepare(db, tables[0].upd, err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    sink k = {st, NULL, 2};
    bind_root(&k, c, h);
    ck_rc rc = ck_txn_exec(db, st, "cases", err, err_len);
    if (rc != CK_OK) return rc;
    return insert_lists(db, 1, &c, &id, err, err_len);
}

ck_rc ck_store_set_holder(ck_db *db, int64_t id, const ck_holder *h, char *err, size_t err_len)
{
    ck_rc held = note_holder_change(db, id, NULL, h, err, err_len);
    if (held != CK_OK) return held;
    ck_stmt *st = ck_txn_prepare(db, "UPDATE \"cases\" SET \"staff_code\" = $2, \"team_code\" = $3, \"pdu_code\" = $4 "
                              "WHERE \"case_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_text(st, 2, h->staff_code);
    ck_stmt_bind_text(st, 3, h->team_code);
    ck_stmt_bind_text(st, 4, h->pdu_code);
    return ck_txn_exec(db, st, "cases", err, err_len);
}

ck_rc ck_store_bump_version(ck_db *db, int64_t id, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "UPDATE \"cases\" SET \"version\" = \"version\" + 1, \"changed_by\" = NULL, "
                                     "\"changed_at\" = $2 WHERE \"case_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_int(st, 2, (int64_t)time(NULL));
    return ck_txn_exec(db, st, "cases", err, err_len);
}

ck_rc ck_store_changed_by(ck_db *db, int64_t id, const char *username, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "UPDATE \"cases\" SET \"changed_by\" = $2 WHERE \"case_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_text(st, 2, username);
    return ck_txn_exec(db, st, "cases", err, err_len);
}

ck_rc ck_store_version(ck_db *db, int64_t id, ck_case_version *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"cases\".\"version\", \"cases\".\"changed_by\", \"cases\".\"changed_at\", "
                                     "\"staff\".\"forename\", \"staff\".\"surname\" FROM \"cases\" "
                                     "LEFT JOIN \"users\" ON \"users\".\"username\" = \"cases\".\"changed_by\" "
                                     "LEFT JOIN \"staff\" ON \"staff\".\"code\" = \"users\".\"staff_code\" "
                                     "WHERE \"cases\".\"case_id\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        out->version = ck_stmt_int(st, 0);
        const char *by = ck_stmt_text(st, 1), *fore = ck_stmt_text(st, 3), *sur = ck_stmt_text(st, 4);
        snprintf(out->changed_by, sizeof out->changed_by, "%s", by ? by : "");
        if (fore && sur) snprintf(out->changed_by_name, sizeof out->changed_by_name, "%s %s", fore, sur);
        out->changed_at = ck_stmt_int(st, 2);
    }
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK;
    return rc == CK_DB_DONE ? ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no case with id %lld", (long long)id)
                            : ck_txn_db_fail(db, "cases", err, err_len);
}

ck_rc ck_store_find(ck_db *db, const char *crn, ck_lock lock, int64_t *id, char *err, size_t err_len)
{
    static const char *const sql[] = {"SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" = $1",
                                      "SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" = $1 FOR UPDATE"};
    ck_stmt *st = ck_txn_prepare(db, sql[ck_db_kind(db) == CK_DB_PG ? lock : CK_LOCK_NONE], err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, crn);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) *id = ck_stmt_int(st, 0);
    ck_rc out = rc == CK_DB_ROW    ? CK_OK
                : rc == CK_DB_DONE ? CK_ERR_NOTFOUND
                                   : ck_txn_db_fail(db, "cases", err, err_len);
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
    void *arr = ck_arena_memdup(&c->arena, s->data, count, t->ent->size);
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
    while (ck_txn_next(db, st, t->ent->table, &out, err, err_len)) {
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
    return ck_store_load_view(db, id, victims, true, out, err, err_len);
}

/* Whether table t holds a case's contacts (or rows inside them). */
static bool contact_rows(const table *t)
{
    return strcmp(t->key, "contacts") == 0 || strncmp(t->key, "contacts.", 9) == 0;
}

ck_rc ck_store_load_view(ck_db *db, int64_t id, bool victims, bool contacts, ck_case **out, char *err,
                         size_t err_len)
{
    model();
    *out = NULL;
    ck_stmt *st = ck_txn_prepare(db,
                                 !victims && tables[0].sel_one_redacted ? tables[0].sel_one_redacted : tables[0].sel_one,
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    int rc = ck_stmt_step(st);
    ck_case *c = NULL;
    int64_t got = 0;
    ck_rc r = rc == CK_DB_ROW ? read_root(st, &c, &got, err, err_len)
            : rc == CK_DB_DONE ? CK_ERR_NOTFOUND : ck_txn_db_fail(db, "cases", err, err_len);
    ck_stmt_reset(st);
    if (r == CK_ERR_NOTFOUND) snprintf(err, err_len, "no case with id %lld", (long long)id);
    if (r != CK_OK) return r;
    id_pos ix = {id, 0};
    loadset ls = {&c, &ix, 1};
    scratch s = {NULL, 0};
    for (int i = 1; i < n_tables && r == CK_OK; i++) {
        if (!contacts && contact_rows(&tables[i])) continue;
        st = ck_txn_prepare(db, !victims && tables[i].sel_one_redacted ? tables[i].sel_one_redacted : tables[i].sel_one,
                            err, err_len);
        if (!st) {
            r = CK_ERR_DB;
            break;
        }
        ck_stmt_bind_int(st, 1, id);
        r = load_rows(db, st, &tables[i], &ls, &s, err, err_len);
    }
    ck_free(s.data);
    ck_case_version v;
    if (r == CK_OK) r = ck_store_version(db, id, &v, err, err_len);
    if (r != CK_OK) {
        ck_case_free(c);
        return r;
    }
    c->version = v.version;
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
    const char *sql = tables[0].sel_batch[ck_db_kind(db) == CK_DB_PG ? lock : CK_LOCK_NONE];
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    ck_rc r = st ? CK_OK : CK_ERR_DB;
    if (st) {
        ck_stmt_bind_text(st, 1, from);
        ck_stmt_bind_int(st, 2, (int64_t)max);
        while (ck_txn_next(db, st, "cases", &r, err, err_len)) {
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
        st = ck_txn_prepare(db, b->rules_view ? tables[i].sel_batch_rules : tables[i].sel_batch[0], err, err_len);
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

/* Where a check is, as a chain of steps on the checker's stack: a key or a
 * list index under the step above. It is written out as text only for an
 * error; building it for every field of every case checked (snprintf, then
 * by hand) was 3% of an import's CPU. */
typedef struct path_step {
    const struct path_step *up;
    const char *key; /* NULL: index */
    size_t index;
} path_step;

/* The path to `at` as text in out (PATH_MAX_LEN bytes), cut at
 * PATH_MAX_LEN - 1 bytes as snprintf would. */
static void put_path(ck_buf *b, const path_step *at)
{
    if (!at) return;
    put_path(b, at->up);
    if (at->key) ck_buf_printf(b, "%s%s", b->len ? "." : "", at->key);
    else ck_buf_printf(b, "[%zu]", at->index);
}

static const char *path_text(const path_step *at, char out[PATH_MAX_LEN])
{
    ck_buf b = CK_BUF_INIT;
    put_path(&b, at);
    snprintf(out, PATH_MAX_LEN, "%s", ck_buf_cstr(&b));
    ck_buf_free(&b);
    return out;
}

static bool check_rec(const ck_entity *k, const void *rec, const path_step *at, char *err, size_t err_len);

static bool check_field(const ck_field *f, const void *rec, const path_step *at, char *err, size_t err_len)
{
    char path[PATH_MAX_LEN];
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
            snprintf(err, err_len, "%s: \"%s\" is not one of %s", path_text(at, path), s, allowed);
            return false;
        }
        break;
    }
    case CK_F_DATE: absent = *(const ck_date *)v == CK_NODATE; break;
    case CK_F_INT:
    case CK_F_CENTI: absent = *(const int32_t *)v == CK_NOINT; break;
    case CK_F_BOOL: absent = *(const ck_tri *)v == CK_NULL; break;
    case CK_F_OBJ:
        absent = f->aux_off != NOAUX && !*(const bool *)cat(rec, f->aux_off);
        if (!absent && !check_rec(f->sub, v, at, err, err_len)) return false;
        break;
    case CK_F_LIST: {
        const char *items = *(const char *const *)v;
        size_t n = *(const size_t *)cat(rec, f->aux_off);
        for (size_t i = 0; i < n; i++) {
            path_step item = {at, NULL, i};
            if (!check_rec(f->sub, items + i * f->sub->size, &item, err, err_len)) return false;
        }
        break;
    }
    }
    if (absent && f->required) {
        snprintf(err, err_len, "%s: required", path_text(at, path));
        return false;
    }
    return true;
}

static bool check_rec(const ck_entity *k, const void *rec, const path_step *at, char *err, size_t err_len)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        path_step field = {at, k->fields[i].key, 0};
        if (!check_field(&k->fields[i], rec, &field, err, err_len)) return false;
    }
    if (k->check) {
        char msg[512];
        const char *bad = k->check(rec, msg, sizeof msg);
        if (bad) {
            char path[PATH_MAX_LEN];
            path_step field = {at, bad, 0};
            snprintf(err, err_len, "%s: %s", path_text(&field, path), msg);
            return false;
        }
    }
    return true;
}

ck_rc ck_store_check(const ck_entity *kind, const void *rec, const char *path, char *err, size_t err_len)
{
    path_step top = {NULL, path && *path ? path : NULL, 0};
    return check_rec(kind, rec, top.key ? &top : NULL, err, err_len) ? CK_OK : CK_ERR_INVALID;
}

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
        case CK_F_CENTI:
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
    rowref row = {items + ord * t->ent->size, id, -1, (int64_t)ord};
    ck_events_add(db, ck_event_record_type(list, row.rec, is_new), c->crn);
    ck_rc rc;
    if (is_new) {
        target tg = list_target(t);
        rc = insert_rows(db, &tg, &row, sizeof row, 1, bind_list_row, t, err, err_len);
    } else {
        ck_stmt *st = ck_txn_prepare(db, t->upd, err, err_len);
        if (!st) return CK_ERR_DB;
        ck_stmt_bind_int(st, 1, id);
        ck_stmt_bind_int(st, 2, (int64_t)ord);
        sink k = {st, NULL, 3};
        bind_cols(&k, t, row.rec);
        rc = ck_txn_exec(db, st, t->ent->table, err, err_len);
    }
    rowrefs rows = {NULL, 0, 0};
    int ti = (int)(t - tables);
    for (int i = ti + 1; i < n_tables && rc == CK_OK; i++) {
        const table *u = &tables[i];
        if (u->depth != 2 || u->parent != ti) continue;
        if (!is_new) {
            ck_stmt *st = ck_txn_prepare(db, u->del_children, err, err_len);
            if (!st) {
                rc = CK_ERR_DB;
                break;
            }
            ck_stmt_bind_int(st, 1, id);
            ck_stmt_bind_int(st, 2, (int64_t)ord);
            rc = ck_txn_exec(db, st, u->ent->table, err, err_len);
        }
        rows.n = 0;
        if (rc == CK_OK) gather(u, c, id, (int64_t)ord, &rows);
        if (rc == CK_OK) rc = insert_gathered(db, u, &rows, err, err_len);
    }
    ck_free(rows.v);
    return rc;
}

/* ---- Obligations ---------------------------------------------------------------- */

/* Stored status: what the date cannot change. */
static const char *stored_status(ck_status s)
{
    return s == CK_ST_MET ? "met" : s == CK_ST_MET_LATE ? "met_late" : "unmet";
}

/* An obligation or a failure to comply with the case it belongs to. */
typedef struct oblref {
    const ck_obligation *o;
    int64_t id;
    const ck_holder *h;
} oblref;

typedef struct ftcref {
    const ck_ftc *f;
    int64_t id, ord;
} ftcref;

static void bind_obligation(sink *k, const void *row, const void *ctx)
{
    const oblref *r = row;
    const ck_obligation *o = r->o;
    (void)ctx;
    put_int(k, r->id);
    put_text(k, o->rule);
    put_text(k, o->subject);
    put_date(k, o->due);
    put_date(k, o->met_on);
    put_text(k, stored_status(o->status));
    put_int(k, o->severity);
    put_text(k, o->explain ? o->explain : "");
    put_text(k, r->h->staff_code);
    put_text(k, r->h->team_code);
    put_text(k, r->h->pdu_code);
}

static void bind_ftc(sink *k, const void *row, const void *ctx)
{
    const ftcref *r = row;
    (void)ctx;
    put_int(k, r->id);
    put_int(k, r->ord);
    put_text(k, r->f->event);
    put_int(k, r->f->count);
    put_date(k, r->f->since);
}

/* Growable arrays of refs, doubled as they fill. */
static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return v;
    size_t cap2 = *cap ? *cap : 256, bytes;
    while (cap2 < need)
        if (!ck_mul(cap2, 2, &cap2)) abort(); /* ck_mem policy: a size that overflows is fatal */
    if (!ck_mul(cap2, size, &bytes)) abort();
    *cap = cap2;
    return ck_realloc(v, bytes);
}

typedef struct refs {
    oblref *obl;
    ftcref *ftc;
    size_t n_obl, cap_obl, n_ftc, cap_ftc;
} refs;

static void refs_add_obligations(refs *x, int64_t id, const ck_result *r, const ck_holder *h)
{
    x->obl = grow(x->obl, &x->cap_obl, x->n_obl + r->n_obligations, sizeof *x->obl);
    for (size_t j = 0; j < r->n_obligations; j++) x->obl[x->n_obl++] = (oblref){&r->obligations[j], id, h};
}

static void refs_add_ftc(refs *x, int64_t id, const ck_result *r)
{
    x->ftc = grow(x->ftc, &x->cap_ftc, x->n_ftc + r->n_ftc, sizeof *x->ftc);
    for (size_t j = 0; j < r->n_ftc; j++) x->ftc[x->n_ftc++] = (ftcref){&r->ftc[j], id, (int64_t)j};
}

static ck_rc refs_insert(ck_db *db, const refs *x, char *err, size_t err_len)
{
    target obl = {"obligations", obl_cols, N_OBL_COLS, obl_ins}, ftc = {"failures_to_comply", ftc_cols, N_FTC_COLS, ftc_ins};
    ck_rc rc = insert_rows(db, &obl, x->obl, sizeof *x->obl, x->n_obl, bind_obligation, NULL, err, err_len);
    if (rc != CK_OK) return rc;
    return insert_rows(db, &ftc, x->ftc, sizeof *x->ftc, x->n_ftc, bind_ftc, NULL, err, err_len);
}

static void refs_free(refs *x)
{
    ck_free(x->obl);
    ck_free(x->ftc);
}

/* ---- Obligation digests (migration 027) ------------------------------------------ */

/* A 64-bit digest of every column a case's obligations and failures to
 * comply are stored with (bind_obligation, bind_ftc), in the engine's order:
 * equal digests mean the stored rows need no write, so a recompute reads
 * back only the cases whose digest differs. Each value goes in with its
 * length (NULL apart from ""), so no two row sets run together alike; eight
 * bytes a step, since a full recompute digests every obligation. */
#define DIGEST_SEED 0xcbf29ce484222325ULL
#define DIGEST_K1 0x9e3779b97f4a7c15ULL
#define DIGEST_K2 0xbf58476d1ce4e5b9ULL

static uint64_t digest_word(uint64_t d, uint64_t w)
{
    d ^= w * DIGEST_K1;
    d = (d << 31 | d >> 33) * DIGEST_K2;
    return d;
}

static uint64_t digest_bytes(uint64_t d, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        d = digest_word(d, w);
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, b, n);
        d = digest_word(d, w);
    }
    return d;
}

static uint64_t digest_int(uint64_t d, int64_t v) { return digest_word(d, (uint64_t)v); }

static uint64_t digest_str(uint64_t d, const char *s)
{
    if (!s) return digest_int(d, -1);
    size_t n = strlen(s);
    return digest_bytes(digest_int(d, (int64_t)n), s, n);
}

static int64_t obl_digest(const ck_result *r, const ck_holder *h)
{
    uint64_t d = DIGEST_SEED;
    d = digest_str(d, h->staff_code);
    d = digest_str(d, h->team_code);
    d = digest_str(d, h->pdu_code);
    d = digest_int(d, (int64_t)r->n_obligations);
    for (size_t j = 0; j < r->n_obligations; j++) {
        const ck_obligation *o = &r->obligations[j];
        d = digest_str(d, o->rule);
        d = digest_str(d, o->subject);
        d = digest_int(d, o->due);
        d = digest_int(d, o->met_on);
        d = digest_str(d, stored_status(o->status));
        d = digest_int(d, o->severity);
        d = digest_str(d, o->explain ? o->explain : "");
    }
    d = digest_int(d, (int64_t)r->n_ftc);
    for (size_t j = 0; j < r->n_ftc; j++) {
        d = digest_str(d, r->ftc[j].event);
        d = digest_int(d, r->ftc[j].count);
        d = digest_int(d, r->ftc[j].since);
    }
    return (int64_t)d;
}

int64_t ck_store_obl_digest(const ck_result *r, const ck_holder *h) { return obl_digest(r, h); }

/* "UPDATE cases SET <head>column = CASE case_id WHEN $first THEN $first+1
 * ... ELSE column END WHERE case_id IN (...)": one statement for up to a
 * chunk of cases, each parameter typed by the column it meets (PostgreSQL),
 * so one text serves both backends. */
static char *case_column_update(const char *head, const char *column, int first, int rows)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_printf(&b, "UPDATE \"cases\" SET %s\"%s\" = CASE \"case_id\"", head, column);
    for (int r = 0; r < rows; r++) ck_buf_printf(&b, " WHEN $%d THEN $%d", 2 * r + first, 2 * r + first + 1);
    ck_buf_printf(&b, " ELSE \"%s\" END WHERE \"case_id\" IN (", column);
    for (int r = 0; r < rows; r++) ck_buf_printf(&b, "%s$%d", r ? ", " : "", 2 * r + first);
    ck_buf_putc(&b, ')');
    return ck_buf_steal(&b);
}

static pthread_once_t digest_once = PTHREAD_ONCE_INIT;
static char *digest_upd[CHUNKS];
static void build_digest(void)
{
    for (int k = 0; k < CHUNKS; k++) digest_upd[k] = case_column_update("", "obl_digest", 1, (int)chunk_rows[k]);
}

/* Stores digest[i] for case ids[i] (ids of 0 skipped), many cases a statement. */
static ck_rc put_digests(ck_db *db, size_t n, const int64_t *ids, const int64_t *digest, char *err, size_t err_len)
{
    pthread_once(&digest_once, build_digest);
    ck_rc rc = CK_OK;
    size_t i = 0;
    while (i < n && rc == CK_OK) {
        size_t live = 0, end = i;
        while (end < n && live < chunk_rows[CHUNKS - 1]) live += ids[end++] != 0;
        if (!live) break;
        int k = CHUNKS - 1;
        while (chunk_rows[k] > live) k--;
        /* Take exactly chunk_rows[k] live ids from i on. */
        ck_stmt *st = ck_txn_prepare(db, digest_upd[k], err, err_len);
        if (!st) return CK_ERR_DB;
        for (size_t r = 0; r < chunk_rows[k]; i++) {
            if (!ids[i]) continue;
            ck_stmt_bind_int(st, 2 * (int)r + 1, ids[i]);
            ck_stmt_bind_int(st, 2 * (int)r + 2, digest[i]);
            r++;
        }
        rc = ck_txn_exec(db, st, "cases.obl_digest", err, err_len);
    }
    return rc;
}

ck_rc ck_store_put_obligations_many(ck_db *db, size_t n, const int64_t *ids, const ck_result *const *r,
                                    const ck_holder *h, char *err, size_t err_len)
{
    model();
    refs x = {0};
    int64_t *digest = ck_calloc(n ? n : 1, sizeof *digest);
    for (size_t i = 0; i < n; i++) {
        if (!ids[i]) continue;
        refs_add_obligations(&x, ids[i], r[i], &h[i]);
        refs_add_ftc(&x, ids[i], r[i]);
        digest[i] = obl_digest(r[i], &h[i]);
    }
    ck_rc rc = refs_insert(db, &x, err, err_len);
    if (rc == CK_OK) rc = put_digests(db, n, ids, digest, err, err_len);
    refs_free(&x);
    ck_free(digest);
    return rc;
}

ck_rc ck_store_put_obligations(ck_db *db, int64_t id, const ck_result *r, const ck_holder *h, bool replace,
                               char *err, size_t err_len)
{
    if (replace) {
        ck_rc rc = exec_id(db, "DELETE FROM \"obligations\" WHERE \"case_id\" = $1", id, "obligations", err, err_len);
        if (rc == CK_OK)
            rc = exec_id(db, "DELETE FROM \"failures_to_comply\" WHERE \"case_id\" = $1", id, "failures_to_comply",
                         err, err_len);
        if (rc != CK_OK) return rc;
    }
    return ck_store_put_obligations_many(db, 1, &id, &r, h, err, err_len);
}

const char *ck_store_profile_type(const ck_wprofile *p)
{
    return p->has_type ? ck_wmt_case_type_name(p->type) : NULL;
}

ck_rc ck_store_put_profiles(ck_db *db, size_t n, const int64_t *ids, const ck_wprofile *const *profiles,
                            ck_date as_of, char *err, size_t err_len)
{
    model();
    int64_t *live = ck_calloc(n ? n : 1, sizeof *live);
    const ck_wprofile **t = ck_calloc(n ? n : 1, sizeof *t);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i]) live[m] = ids[i], t[m++] = profiles[i];
    ck_rc rc = CK_OK;
    for (size_t i = 0; i < m && rc == CK_OK;) {
        int k = CHUNKS - 1;
        while (chunk_rows[k] > m - i) k--;
        ck_stmt *st = ck_txn_prepare(db, tier_upd[k], err, err_len);
        if (!st) {
            rc = CK_ERR_DB;
            break;
        }
        ck_stmt_bind_date(st, 1, as_of);
        for (size_t r = 0; r < chunk_rows[k]; r++) {
            const ck_wprofile *p = t[i + r];
            int at = PROFILE_PARAMS * (int)r + 2;
            ck_stmt_bind_int(st, at, live[i + r]);
            ck_stmt_bind_text(st, at + 1, p->tier);
            ck_stmt_bind_text(st, at + 2, ck_store_profile_text(p->tier_missing));
            ck_stmt_bind_text(st, at + 3, ck_store_profile_type(p));
            ck_stmt_bind_text(st, at + 4, ck_store_profile_text(p->rosh));
            ck_stmt_bind_text(st, at + 5, ck_store_profile_text(p->mappa));
            ck_stmt_bind_text(st, at + 6, ck_store_profile_text(p->reports));
            ck_stmt_bind_int(st, at + 7, p->complete ? 1 : 0);
        }
        rc = ck_txn_exec(db, st, "cases.tier", err, err_len);
        i += chunk_rows[k];
    }
    ck_free(live);
    ck_free(t);
    return rc;
}

/* ---- Syncing many cases' derived rows (recompute) ------------------------------- */

#define SYNC_HOLDER_SQL "SELECT \"case_id\", \"staff_code\", \"team_code\", \"pdu_code\", \"obl_digest\" " \
    "FROM \"cases\" WHERE \"case_id\""
#define SYNC_OBL_SQL "SELECT \"case_id\", \"rule\", \"subject\", \"due\", \"met_on\", \"status\", \"severity\", " \
    "\"explanation\", \"staff_code\", \"team_code\", \"pdu_code\" FROM \"obligations\" WHERE \"case_id\""
#define SYNC_FTC_SQL "SELECT \"case_id\", \"ord\", \"event\", \"count\", \"since\" FROM \"failures_to_comply\" " \
    "WHERE \"case_id\""

static const char *const sync_sql[2][3] = {
    {SYNC_HOLDER_SQL IN_IDS_SQLITE, SYNC_OBL_SQL IN_IDS_SQLITE, SYNC_FTC_SQL IN_IDS_SQLITE " ORDER BY \"case_id\", \"ord\""},
    {SYNC_HOLDER_SQL IN_IDS_PG, SYNC_OBL_SQL IN_IDS_PG, SYNC_FTC_SQL IN_IDS_PG " ORDER BY \"case_id\", \"ord\""},
};

/* The ids as one parameter: a JSON array for SQLite, an array literal for
 * PostgreSQL. */
static char *id_list(ck_db *db, size_t n, const int64_t *ids)
{
    bool pg = ck_db_kind(db) == CK_DB_PG;
    ck_buf b = CK_BUF_INIT;
    ck_buf_putc(&b, pg ? '{' : '[');
    for (size_t i = 0; i < n; i++) ck_buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
    ck_buf_putc(&b, pg ? '}' : ']');
    return ck_buf_steal(&b);
}

static int oblref_cmp(const void *a, const void *b)
{
    const ck_obligation *x = ((const oblref *)a)->o, *y = ((const oblref *)b)->o;
    int c = strcmp(x->rule, y->rule);
    return c ? c : strcmp(x->subject, y->subject);
}

/* The columns of an obligation row that a recompute can change (all but its
 * key), as bits of a mask in this order. */
enum { OBL_DUE, OBL_MET_ON, OBL_STATUS, OBL_SEVERITY, OBL_EXPLAIN, OBL_STAFF, OBL_TEAM, OBL_PDU, OBL_N_SET };
static const char *const obl_set_cols[OBL_N_SET] = {"due",         "met_on",     "status",    "severity",
                                                    "explanation", "staff_code", "team_code", "pdu_code"};

/* Which columns of the stored row st is on (SYNC_OBL_SQL's) differ from
 * the fresh obligation's: 0 when it already says what the fresh one says. */
static unsigned stored_diff(ck_stmt *st, const oblref *f)
{
    const ck_obligation *o = f->o;
    return (unsigned)(ck_stmt_date(st, 3) != o->due) << OBL_DUE |
           (unsigned)(ck_stmt_date(st, 4) != o->met_on) << OBL_MET_ON |
           (unsigned)!ck_streq(ck_stmt_text(st, 5), stored_status(o->status)) << OBL_STATUS |
           (unsigned)((ck_severity)ck_stmt_int(st, 6) != o->severity) << OBL_SEVERITY |
           (unsigned)!ck_streq(ck_stmt_text(st, 7), o->explain ? o->explain : "") << OBL_EXPLAIN |
           (unsigned)!same_str(ck_stmt_text(st, 8), f->h->staff_code) << OBL_STAFF |
           (unsigned)!same_str(ck_stmt_text(st, 9), f->h->team_code) << OBL_TEAM |
           (unsigned)!same_str(ck_stmt_text(st, 10), f->h->pdu_code) << OBL_PDU;
}

/* "UPDATE obligations SET <the columns of mask> WHERE <key>", one text per
 * mask: a row whose explanation alone changed is rewritten without
 * touching the six indexes over the obligations, which none of them holds
 * (a delete and an insert touched all seven B-trees; after a fortnight,
 * most of a London recompute's time). */
static char *obl_upd_sql[1u << OBL_N_SET];
static pthread_once_t obl_upd_once = PTHREAD_ONCE_INIT;

static void build_obl_upd(void)
{
    for (unsigned m = 1; m < 1u << OBL_N_SET; m++) {
        ck_buf b = CK_BUF_INIT;
        ck_buf_puts(&b, "UPDATE \"obligations\" SET ");
        int p = 4;
        for (int c = 0; c < OBL_N_SET; c++)
            if (m & 1u << c) ck_buf_printf(&b, "%s\"%s\" = $%d", p > 4 ? ", " : "", obl_set_cols[c], p), p++;
        ck_buf_puts(&b, " WHERE \"case_id\" = $1 AND \"rule\" = $2 AND \"subject\" = $3");
        obl_upd_sql[m] = ck_buf_steal(&b);
    }
}

/* Sets the columns of mask of the row of case id, rule, subject to f's. */
static ck_rc update_obligation(ck_db *db, int64_t id, const char *rule, const char *subject, const oblref *f,
                               unsigned mask, char *err, size_t err_len)
{
    pthread_once(&obl_upd_once, build_obl_upd);
    ck_stmt *st = ck_txn_prepare(db, obl_upd_sql[mask], err, err_len);
    if (!st) return CK_ERR_DB;
    const ck_obligation *o = f->o;
    sink k = {st, NULL, 1};
    put_int(&k, id);
    put_text(&k, rule);
    put_text(&k, subject);
    if (mask & 1u << OBL_DUE) put_date(&k, o->due);
    if (mask & 1u << OBL_MET_ON) put_date(&k, o->met_on);
    if (mask & 1u << OBL_STATUS) put_text(&k, stored_status(o->status));
    if (mask & 1u << OBL_SEVERITY) put_int(&k, o->severity);
    if (mask & 1u << OBL_EXPLAIN) put_text(&k, o->explain ? o->explain : "");
    if (mask & 1u << OBL_STAFF) put_text(&k, f->h->staff_code);
    if (mask & 1u << OBL_TEAM) put_text(&k, f->h->team_code);
    if (mask & 1u << OBL_PDU) put_text(&k, f->h->pdu_code);
    return ck_txn_exec(db, st, "obligations", err, err_len);
}

/* Runs stmt sql with the ids parameter and calls row(ctx, pos) for each
 * row, pos being the row's case in the run. */
typedef struct sync_run {
    ck_db *db;
    const loadset *ls; /* only its index: ids to positions */
    const char *ids;
} sync_run;

static ck_stmt *sync_query(const sync_run *s, int which, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(s->db, sync_sql[ck_db_kind(s->db) == CK_DB_PG][which], err, err_len);
    if (st) ck_stmt_bind_text(st, 1, s->ids);
    return st;
}

static bool id_to_pos(const sync_run *s, int64_t id, size_t *pos)
{
    id_pos key = {id, 0};
    const id_pos *hit = bsearch(&key, s->ls->index, s->ls->n, sizeof key, id_pos_cmp);
    if (hit) *pos = hit->pos;
    return hit != NULL;
}

/* A stored obligation's key, to delete. */
typedef struct obl_key {
    int64_t id;
    const char *rule, *subject;
} obl_key;

/* A stored obligation to bring to a fresh one: the columns of mask. */
typedef struct obl_upd {
    obl_key key;
    oblref fresh;
    unsigned mask;
} obl_upd;

/* The profiles' part of a plan (ck_store_sync_plan_profiles), further down. */
typedef struct profile_plan profile_plan;
static void profile_plan_free(profile_plan *q);
static ck_rc apply_profiles(ck_db *db, const profile_plan *q, size_t n, ck_date as_of, const ck_sync_plan *p,
                            bool *changed, char *err, size_t err_len);

/* What ck_store_sync_plan found to write (see ck_store.h). The fresh rows
 * (x) point into the caller's results and holders; the keys to delete
 * into the plan's arena. */
struct ck_sync_plan {
    size_t n;
    const int64_t *ids;
    const ck_holder *h;
    bool *changed;        /* per case */
    bool *holder_differs; /* per case: its cases row's holder is to be written */
    refs x;               /* rows to insert */
    obl_key *dels;        /* obligations to delete */
    size_t n_dels, cap_dels;
    obl_upd *upds;        /* obligations to update in place */
    size_t n_upds, cap_upds;
    int64_t *ftc_dels;    /* cases whose failures to comply are to be deleted */
    size_t n_ftc_dels;
    int64_t *dig_ids, *digs; /* the digests of the compared cases */
    size_t n_dig;
    ck_arena a;
    profile_plan *pq;     /* ck_store_sync_plan_profiles', or NULL */
    ck_date as_of;
};

/* Also sets fresh[i] when case i's stored obligation digest is digest[i]. */
static ck_rc plan_holders(const sync_run *s, const ck_holder *h, const int64_t *digest, bool *fresh, ck_sync_plan *p,
                          char *err, size_t err_len)
{
    size_t n = s->ls->n;
    bool *same = ck_calloc(n ? n : 1, sizeof *same);
    ck_stmt *st = sync_query(s, 0, err, err_len);
    ck_rc rc = st ? CK_OK : CK_ERR_DB;
    while (st && ck_txn_next(s->db, st, "cases", &rc, err, err_len)) {
        size_t pos;
        if (id_to_pos(s, ck_stmt_int(st, 0), &pos)) {
            same[pos] = same_str(ck_stmt_text(st, 1), h[pos].staff_code) &&
                        same_str(ck_stmt_text(st, 2), h[pos].team_code) && same_str(ck_stmt_text(st, 3), h[pos].pdu_code);
            fresh[pos] = !ck_stmt_null(st, 4) && ck_stmt_int(st, 4) == digest[pos];
        }
    }
    ck_stmt_reset(st);
    for (size_t i = 0; i < n; i++)
        if (!same[i]) p->changed[i] = p->holder_differs[i] = true;
    ck_free(same);
    return rc;
}

/* Queues the fresh obligations of the cases not skipped in p->x, each
 * case's in key order (rule, subject): case i's are x->obl[seg[i],
 * seg[i + 1]). */
static void queue_fresh(ck_sync_plan *p, size_t n, ck_result *const *r, const bool *skip, size_t *seg)
{
    refs *x = &p->x;
    for (size_t i = 0; i < n; i++) {
        seg[i] = x->n_obl;
        if (skip[i]) continue;
        refs_add_obligations(x, p->ids[i], r[i], &p->h[i]);
        qsort(x->obl + seg[i], x->n_obl - seg[i], sizeof *x->obl, oblref_cmp);
    }
    seg[n] = x->n_obl;
}

/* The fresh obligation of key (rule, subject) in v[from, to), sorted by
 * key, or NULL. */
static const oblref *find_fresh(const oblref *v, size_t from, size_t to, const char *rule, const char *subject)
{
    while (from < to) {
        size_t mid = from + (to - from) / 2;
        int c = strcmp(rule, v[mid].o->rule);
        if (c == 0) c = strcmp(subject, v[mid].o->subject);
        if (c == 0) return &v[mid];
        if (c < 0) to = mid;
        else from = mid + 1;
    }
    return NULL;
}

/* Reads back the stored obligations of the compared cases, each compared
 * as it is read with the fresh one of its key (queue_fresh's): updated in
 * place when a column differs (keyed by the fresh one's strings), deleted
 * when no fresh one has its key (the key copied into the plan's arena);
 * matched[k] tells that x->obl[k] has a stored row. Nothing of a row read
 * is kept but a deleted key: copying each row's seven strings, explanation
 * included, into fresh memory to compare them afterwards was a sixth of
 * the nightly recompute's page faults at London (58,000 rows for 697
 * changed cases), and a full pass after a fortnight reads a million. */
static ck_rc compare_stored(const sync_run *s, ck_sync_plan *p, const bool *skip, const size_t *seg, bool *matched,
                            char *err, size_t err_len)
{
    ck_stmt *st = sync_query(s, 1, err, err_len);
    ck_rc rc = st ? CK_OK : CK_ERR_DB;
    while (st && ck_txn_next(s->db, st, "obligations", &rc, err, err_len)) {
        size_t pos;
        if (!id_to_pos(s, ck_stmt_int(st, 0), &pos) || skip[pos]) continue;
        const char *rule = ck_stmt_text(st, 1), *subject = ck_stmt_text(st, 2);
        if (!rule || !subject) {
            rc = ck_txn_fail(CK_ERR_DB, err, err_len, "obligations: a stored row of case %lld has no rule or subject",
                             (long long)p->ids[pos]);
            break;
        }
        const oblref *f = find_fresh(p->x.obl, seg[pos], seg[pos + 1], rule, subject);
        p->changed[pos] |= !f;
        if (!f) {
            p->dels = grow(p->dels, &p->cap_dels, p->n_dels + 1, sizeof *p->dels);
            p->dels[p->n_dels++] = (obl_key){p->ids[pos], ck_arena_strdup(&p->a, rule), ck_arena_strdup(&p->a, subject)};
            continue;
        }
        matched[f - p->x.obl] = true;
        unsigned mask = stored_diff(st, f);
        if (!mask) continue;
        p->upds = grow(p->upds, &p->cap_upds, p->n_upds + 1, sizeof *p->upds);
        p->upds[p->n_upds++] = (obl_upd){{p->ids[pos], f->o->rule, f->o->subject}, *f, mask};
        p->changed[pos] = true;
    }
    ck_stmt_reset(st);
    return rc;
}

/* Keeps in p->x only the fresh obligations no stored row matched: the rows
 * to insert. A case with one has changed. */
static void keep_inserts(ck_sync_plan *p, size_t n, const size_t *seg, const bool *matched)
{
    refs *x = &p->x;
    size_t keep = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = seg[i]; k < seg[i + 1]; k++) {
            if (matched[k]) continue;
            x->obl[keep++] = x->obl[k];
            p->changed[i] = true;
        }
    x->n_obl = keep;
}

/* "DELETE FROM obligations WHERE" the key is one of `rows` keys, as ORed
 * equalities of the primary key's columns, which both backends look up in
 * its index: the deletes of a batch in a few statements, where one a row
 * was a round trip each on PostgreSQL. */
static char *key_delete(int rows)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "DELETE FROM \"obligations\" WHERE ");
    for (int r = 0; r < rows; r++)
        ck_buf_printf(&b, "%s(\"case_id\" = $%d AND \"rule\" = $%d AND \"subject\" = $%d)", r ? " OR " : "", 3 * r + 1,
                      3 * r + 2, 3 * r + 3);
    return ck_buf_steal(&b);
}

static pthread_once_t key_del_once = PTHREAD_ONCE_INIT;
static char *key_del[CHUNKS];
static void build_key_del(void)
{
    for (int k = 0; k < CHUNKS; k++) key_del[k] = key_delete((int)chunk_rows[k]);
}

/* Deletes the obligations of keys[0..n), biggest chunks first. */
static ck_rc delete_keys(ck_db *db, const obl_key *keys, size_t n, char *err, size_t err_len)
{
    pthread_once(&key_del_once, build_key_del);
    ck_rc rc = CK_OK;
    for (size_t i = 0; i < n && rc == CK_OK;) {
        int k = CHUNKS - 1;
        while (chunk_rows[k] > n - i) k--;
        ck_stmt *st = ck_txn_prepare(db, key_del[k], err, err_len);
        if (!st) return CK_ERR_DB;
        for (size_t r = 0; r < chunk_rows[k]; r++) {
            ck_stmt_bind_int(st, 3 * (int)r + 1, keys[i + r].id);
            ck_stmt_bind_text(st, 3 * (int)r + 2, keys[i + r].rule);
            ck_stmt_bind_text(st, 3 * (int)r + 3, keys[i + r].subject);
        }
        rc = ck_txn_exec(db, st, "obligations", err, err_len);
        i += chunk_rows[k];
    }
    return rc;
}

/* Whether the stored failures to comply of a case are r's. */
static ck_rc plan_ftc(const sync_run *s, const int64_t *ids, ck_result *const *r, const bool *skip, ck_sync_plan *p,
                      char *err, size_t err_len)
{
    size_t n = s->ls->n;
    size_t *seen = ck_calloc(n ? n : 1, sizeof *seen); /* stored rows matching so far */
    bool *differs = ck_calloc(n ? n : 1, sizeof *differs);
    ck_stmt *st = sync_query(s, 2, err, err_len);
    ck_rc rc = st ? CK_OK : CK_ERR_DB;
    while (st && ck_txn_next(s->db, st, "failures_to_comply", &rc, err, err_len)) {
        size_t pos;
        if (!id_to_pos(s, ck_stmt_int(st, 0), &pos) || differs[pos]) continue;
        size_t k = seen[pos]++;
        const ck_result *res = r[pos];
        differs[pos] = k >= res->n_ftc || ck_stmt_int(st, 1) != (int64_t)k ||
                       !ck_streq(ck_stmt_text(st, 2), res->ftc[k].event) ||
                       ck_stmt_int(st, 3) != res->ftc[k].count || ck_stmt_date(st, 4) != res->ftc[k].since;
    }
    ck_stmt_reset(st);
    p->ftc_dels = ck_calloc(n ? n : 1, sizeof *p->ftc_dels);
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        if (skip[i] || (!differs[i] && seen[i] == r[i]->n_ftc)) continue;
        p->changed[i] = true;
        if (seen[i]) p->ftc_dels[p->n_ftc_dels++] = ids[i];
        refs_add_ftc(&p->x, ids[i], r[i]);
    }
    ck_free(seen);
    ck_free(differs);
    return rc;
}

void ck_store_sync_plan_free(ck_sync_plan *p)
{
    if (!p) return;
    refs_free(&p->x);
    ck_free(p->changed);
    ck_free(p->holder_differs);
    ck_free(p->dels);
    ck_free(p->upds);
    ck_free(p->ftc_dels);
    ck_free(p->dig_ids);
    ck_free(p->digs);
    ck_arena_free(&p->a);
    if (p->pq) profile_plan_free(p->pq);
    ck_free(p->pq);
    ck_free(p);
}

ck_rc ck_store_sync_plan(ck_db *db, size_t n, const int64_t *ids, ck_result *const *r, const ck_holder *h,
                         const int64_t *digests, ck_sync_plan **out, char *err, size_t err_len)
{
    model();
    ck_sync_plan *p = ck_calloc(1, sizeof *p);
    *out = p;
    p->n = n;
    p->ids = ids;
    p->h = h;
    p->changed = ck_calloc(n ? n : 1, sizeof *p->changed);
    p->holder_differs = ck_calloc(n ? n : 1, sizeof *p->holder_differs);
    ck_arena_init(&p->a);
    if (n == 0) return CK_OK;
    id_pos *index = ck_calloc(n, sizeof *index);
    for (size_t i = 0; i < n; i++) index[i] = (id_pos){ids[i], i};
    qsort(index, n, sizeof *index, id_pos_cmp);
    loadset ls = {NULL, index, n};
    sync_run s = {db, &ls, id_list(db, n, ids)};
    int64_t *digest = ck_calloc(n, sizeof *digest);
    bool *skip = ck_calloc(n, sizeof *skip);
    for (size_t i = 0; i < n; i++) digest[i] = digests ? digests[i] : obl_digest(r[i], &h[i]);
    ck_rc rc = plan_holders(&s, h, digest, skip, p, err, err_len);
    /* Only the cases whose digest differs are read back and compared. */
    p->dig_ids = ck_calloc(n, sizeof *p->dig_ids);
    p->digs = ck_calloc(n, sizeof *p->digs);
    for (size_t i = 0; i < n; i++)
        if (!skip[i]) {
            p->dig_ids[p->n_dig] = ids[i];
            p->digs[p->n_dig++] = digest[i];
        }
    ck_free((void *)s.ids);
    s.ids = p->n_dig ? id_list(db, p->n_dig, p->dig_ids) : NULL;
    if (rc == CK_OK && p->n_dig) {
        size_t *seg = ck_calloc(n + 1, sizeof *seg);
        queue_fresh(p, n, r, skip, seg);
        bool *matched = ck_calloc(p->x.n_obl ? p->x.n_obl : 1, sizeof *matched);
        rc = compare_stored(&s, p, skip, seg, matched, err, err_len);
        if (rc == CK_OK) keep_inserts(p, n, seg, matched);
        ck_free(matched);
        ck_free(seg);
    }
    if (rc == CK_OK && p->n_dig) rc = plan_ftc(&s, ids, r, skip, p, err, err_len);
    ck_free((void *)s.ids);
    ck_free(index);
    ck_free(digest);
    ck_free(skip);
    return rc;
}

ck_rc ck_store_sync_apply(ck_db *db, const ck_sync_plan *p, bool *changed, char *err, size_t err_len)
{
    ck_rc rc = CK_OK;
    for (size_t i = 0; i < p->n && rc == CK_OK; i++)
        if (p->holder_differs[i]) rc = ck_store_set_holder(db, p->ids[i], &p->h[i], err, err_len);
    if (rc == CK_OK) rc = delete_keys(db, p->dels, p->n_dels, err, err_len);
    for (size_t i = 0; i < p->n_upds && rc == CK_OK; i++)
        rc = update_obligation(db, p->upds[i].key.id, p->upds[i].key.rule, p->upds[i].key.subject, &p->upds[i].fresh,
                               p->upds[i].mask, err, err_len);
    if (rc == CK_OK && p->n_ftc_dels) {
        /* One statement for the batch's cases, as the reads take their ids. */
        ck_stmt *st = ck_txn_prepare(db, ck_db_kind(db) == CK_DB_PG
                                             ? "DELETE FROM \"failures_to_comply\" WHERE \"case_id\"" IN_IDS_PG
                                             : "DELETE FROM \"failures_to_comply\" WHERE \"case_id\"" IN_IDS_SQLITE,
                                     err, err_len);
        char *list = st ? id_list(db, p->n_ftc_dels, p->ftc_dels) : NULL;
        if (st) ck_stmt_bind_text(st, 1, list);
        rc = st ? ck_txn_exec(db, st, "failures_to_comply", err, err_len) : CK_ERR_DB;
        ck_free(list);
    }
    if (rc == CK_OK) rc = refs_insert(db, &p->x, err, err_len);
    /* The digests of the compared cases, now that their rows are right
     * (with the profiles' next changes, apply_profiles, when they follow). */
    if (rc == CK_OK && !p->pq) rc = put_digests(db, p->n_dig, p->dig_ids, p->digs, err, err_len);
    if (changed)
        for (size_t i = 0; i < p->n; i++) changed[i] |= p->changed[i];
    if (rc == CK_OK && p->pq) rc = apply_profiles(db, p->pq, p->n, p->as_of, p, changed, err, err_len);
    return rc;
}


/* ---- Next change and the cases it makes due (core/ck_horizon) ---------------- */

/* The next changes of up to a chunk of cases (case_column_update); $1 is
 * the date the profiles hold from. */
static char *next_update(int rows)
{
    return case_column_update("\"profile_as_of\" = CASE WHEN \"profile_as_of\" IS NULL THEN \"profile_as_of\" "
                              "ELSE $1 END, ", "next_change", 2, rows);
}

static pthread_once_t next_once = PTHREAD_ONCE_INIT;
static char *next_upd[CHUNKS];
static void build_next(void)
{
    for (int k = 0; k < CHUNKS; k++) next_upd[k] = next_update((int)chunk_rows[k]);
}

ck_rc ck_store_set_next_change(ck_db *db, size_t n, const int64_t *ids, const ck_date *next, ck_date as_of,
                               char *err, size_t err_len)
{
    pthread_once(&next_once, build_next);
    int64_t *live = ck_calloc(n ? n : 1, sizeof *live);
    ck_date *when = ck_calloc(n ? n : 1, sizeof *when);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i]) live[m] = ids[i], when[m++] = next[i];
    ck_rc rc = CK_OK;
    for (size_t i = 0; i < m && rc == CK_OK;) {
        int k = CHUNKS - 1;
        while (chunk_rows[k] > m - i) k--;
        ck_stmt *st = ck_txn_prepare(db, next_upd[k], err, err_len);
        if (!st) {
            rc = CK_ERR_DB;
            break;
        }
        ck_stmt_bind_date(st, 1, as_of);
        for (size_t r = 0; r < chunk_rows[k]; r++) {
            ck_stmt_bind_int(st, 2 * (int)r + 2, live[i + r]);
            ck_stmt_bind_date(st, 2 * (int)r + 3, when[i + r]);
        }
        rc = ck_txn_exec(db, st, "cases.next_change", err, err_len);
        i += chunk_rows[k];
    }
    ck_free(live);
    ck_free(when);
    return rc;
}

/* The next changes of up to a chunk of cases and, where the parameter after
 * each one's next change is not NULL, its obligation digest: the recompute
 * writes both of a changed case in one statement, so its "cases" row gets
 * one new version, not two (on PostgreSQL each is a new tuple and an entry
 * in every index over "cases", next_change being one of them). */
static char *next_digest_update(int rows)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "UPDATE \"cases\" SET \"profile_as_of\" = CASE WHEN \"profile_as_of\" IS NULL THEN "
                    "\"profile_as_of\" ELSE $1 END, \"next_change\" = CASE \"case_id\"");
    for (int r = 0; r < rows; r++) ck_buf_printf(&b, " WHEN $%d THEN $%d", 3 * r + 2, 3 * r + 3);
    ck_buf_puts(&b, " ELSE \"next_change\" END, \"obl_digest\" = CASE \"case_id\"");
    for (int r = 0; r < rows; r++) ck_buf_printf(&b, " WHEN $%d THEN COALESCE($%d, \"obl_digest\")", 3 * r + 2, 3 * r + 4);
    ck_buf_puts(&b, " ELSE \"obl_digest\" END WHERE \"case_id\" IN (");
    for (int r = 0; r < rows; r++) ck_buf_printf(&b, "%s$%d", r ? ", " : "", 3 * r + 2);
    ck_buf_putc(&b, ')');
    return ck_buf_steal(&b);
}

static pthread_once_t next_dig_once = PTHREAD_ONCE_INIT;
static char *next_dig_upd[CHUNKS];
static void build_next_dig(void)
{
    for (int k = 0; k < CHUNKS; k++) next_dig_upd[k] = next_digest_update((int)chunk_rows[k]);
}

/* A compared case's id and fresh obligation digest, looked up by id. */
typedef struct id_digest {
    int64_t id, digest;
} id_digest;

static int id_digest_cmp(const void *a, const void *b)
{
    int64_t x = ((const id_digest *)a)->id, y = ((const id_digest *)b)->id;
    return x < y ? -1 : x > y;
}

/* Stores next[i] as the next change of cases ids[0..n) (none of them 0) as
 * ck_store_set_next_change does, and the digest of each that digs[0..n_digs)
 * (sorted by id) has with it; used[j] is set for each digs[j] written. */
static ck_rc set_next_and_digests(ck_db *db, size_t n, const int64_t *ids, const ck_date *next, const id_digest *digs,
                                  size_t n_digs, bool *used, ck_date as_of, char *err, size_t err_len)
{
    pthread_once(&next_dig_once, build_next_dig);
    ck_rc rc = CK_OK;
    for (size_t i = 0; i < n && rc == CK_OK;) {
        int k = CHUNKS - 1;
        while (chunk_rows[k] > n - i) k--;
        ck_stmt *st = ck_txn_prepare(db, next_dig_upd[k], err, err_len);
        if (!st) return CK_ERR_DB;
        ck_stmt_bind_date(st, 1, as_of);
        for (size_t r = 0; r < chunk_rows[k]; r++) {
            id_digest key = {ids[i + r], 0};
            const id_digest *hit = n_digs ? bsearch(&key, digs, n_digs, sizeof key, id_digest_cmp) : NULL;
            ck_stmt_bind_int(st, 3 * (int)r + 2, ids[i + r]);
            ck_stmt_bind_date(st, 3 * (int)r + 3, next[i + r]);
            if (hit) {
                ck_stmt_bind_int(st, 3 * (int)r + 4, hit->digest);
                used[hit - digs] = true;
            } else {
                ck_stmt_bind_null(st, 3 * (int)r + 4);
            }
        }
        rc = ck_txn_exec(db, st, "cases.next_change", err, err_len);
        i += chunk_rows[k];
    }
    return rc;
}

ck_rc ck_store_lower_next_change(ck_db *db, int64_t id, ck_date next, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "UPDATE \"cases\" SET \"next_change\" = $2 WHERE \"case_id\" = $1 "
                                     "AND \"next_change\" > $2", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_int(st, 1, id);
    ck_stmt_bind_date(st, 2, next);
    return ck_txn_exec(db, st, "cases.next_change", err, err_len);
}

ck_rc ck_store_due_ids(ck_db *db, ck_date as_of, int64_t **ids, size_t *n, char *err, size_t err_len)
{
    *ids = NULL;
    *n = 0;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"case_id\" FROM \"cases\" WHERE \"next_change\" <= $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_date(st, 1, as_of);
    size_t cap = 0;
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "cases", &rc, err, err_len)) {
        *ids = grow(*ids, &cap, *n + 1, sizeof **ids);
        (*ids)[(*n)++] = ck_stmt_int(st, 0);
    }
    ck_stmt_reset(st);
    if (rc != CK_OK) {
        ck_free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

ck_rc ck_store_lock_ids(ck_db *db, const int64_t *ids, size_t n, char *err, size_t err_len)
{
    if (ck_db_kind(db) != CK_DB_PG || n == 0) return CK_OK;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"case_id\" FROM \"cases\" WHERE \"case_id\"" IN_IDS_PG " FOR UPDATE", err,
                                 err_len);
    if (!st) return CK_ERR_DB;
    char *list = id_list(db, n, ids);
    ck_stmt_bind_text(st, 1, list);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "cases", &rc, err, err_len)) {
    }
    ck_stmt_reset(st);
    ck_free(list);
    return rc;
}

ck_rc ck_store_batch_split(ck_db *db, const char *after, size_t max, unsigned first_permille, char **mid,
                           size_t *first, size_t *n_out, char *err, size_t err_len)
{
    *mid = NULL;
    *first = *n_out = 0;
    if (max > BATCH_MAX) max = BATCH_MAX;
    /* The CRNs alone, from the CRN index: a few microseconds a batch. */
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"crn\" FROM \"cases\" WHERE \"crn\" > $1 ORDER BY \"crn\" LIMIT $2", err,
                                 err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, after ? after : "");
    ck_stmt_bind_int(st, 2, (int64_t)max);
    char **crns = ck_calloc(max ? max : 1, sizeof *crns);
    size_t n = 0;
    ck_rc rc = CK_OK;
    while (n < max && ck_txn_next(db, st, "cases", &rc, err, err_len)) crns[n++] = ck_strdup(ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    *n_out = n;
    if (rc == CK_OK && n >= 2) {
        *first = (size_t)((uint64_t)n * (first_permille > 1000 ? 1000 : first_permille) / 1000);
        if (*first < 1) *first = 1;
        if (*first > n - 1) *first = n - 1;
        *mid = crns[*first - 1];
        crns[*first - 1] = NULL;
    }
    for (size_t i = 0; i < n; i++) ck_free(crns[i]);
    ck_free(crns);
    return rc;
}

ck_rc ck_store_load_ids(ck_db *db, ck_store_batch *b, const int64_t *ids, size_t n, ck_lock lock, char *err,
                        size_t err_len)
{
    model();
    batch_clear(b);
    if (n > BATCH_MAX) n = BATCH_MAX;
    if (n == 0) return CK_OK;
    b->cases = ck_realloc(b->cases, n * sizeof *b->cases);
    b->ids = ck_realloc(b->ids, n * sizeof *b->ids);
    int pg = ck_db_kind(db) == CK_DB_PG;
    char *list = id_list(db, n, ids);
    ck_stmt *st = ck_txn_prepare(db, tables[0].sel_ids[pg][lock], err, err_len);
    ck_rc r = st ? CK_OK : CK_ERR_DB;
    if (st) {
        ck_stmt_bind_text(st, 1, list);
        while (b->n < n && ck_txn_next(db, st, "cases", &r, err, err_len)) {
            r = read_root(st, &b->cases[b->n], &b->ids[b->n], err, err_len);
            if (r != CK_OK) break;
            b->n++;
        }
        ck_stmt_reset(st);
    }
    id_pos *index = ck_malloc((b->n ? b->n : 1) * sizeof *index);
    for (size_t i = 0; i < b->n; i++) index[i] = (id_pos){b->ids[i], i};
    qsort(index, b->n, sizeof *index, id_pos_cmp);
    loadset ls = {b->cases, index, b->n};
    scratch s = {NULL, 0};
    for (int i = 1; i < n_tables && r == CK_OK && b->n; i++) {
        st = ck_txn_prepare(db, b->rules_view ? tables[i].sel_ids_rules[pg] : tables[i].sel_ids[pg][0], err, err_len);
        if (!st) {
            r = CK_ERR_DB;
            break;
        }
        ck_stmt_bind_text(st, 1, list);
        r = load_rows(db, st, &tables[i], &ls, &s, err, err_len);
    }
    ck_free(s.data);
    ck_free(index);
    ck_free(list);
    if (r != CK_OK) batch_clear(b);
    return r;
}

/* The stored profile columns, read back to compare with fresh profiles. */
#define SYNC_PROFILE_SQL "SELECT \"case_id\", \"tier\", \"tier_missing\", \"wmt_type\", \"rosh_level\", " \
    "\"mappa_level\", \"court_reports\", \"profile_as_of\", \"next_change\" FROM \"cases\" WHERE \"case_id\""
static const char *const sync_profile_sql[2] = {SYNC_PROFILE_SQL IN_IDS_SQLITE, SYNC_PROFILE_SQL IN_IDS_PG};

/* What ck_store_sync_plan_profiles adds to a plan, worked out from a read (see
 * ck_store_sync_plan_profiles). */
struct profile_plan {
    size_t n_put, n_next;
    int64_t *put_ids, *next_ids;
    const ck_wprofile **put;
    ck_date *next_of;
    bool *changed; /* per case */
};

static void profile_plan_free(profile_plan *q)
{
    ck_free(q->put_ids);
    ck_free(q->next_ids);
    ck_free(q->put);
    ck_free(q->next_of);
    ck_free(q->changed);
    memset(q, 0, sizeof *q);
}

static ck_rc plan_profiles(ck_db *db, size_t n, const int64_t *ids, const ck_wprofile *profiles, const ck_date *next,
                           profile_plan *q, char *err, size_t err_len)
{
    memset(q, 0, sizeof *q);
    q->changed = ck_calloc(n ? n : 1, sizeof *q->changed);
    if (n == 0) return CK_OK;
    id_pos *index = ck_calloc(n, sizeof *index);
    for (size_t i = 0; i < n; i++) index[i] = (id_pos){ids[i], i};
    qsort(index, n, sizeof *index, id_pos_cmp);
    loadset ls = {NULL, index, n};
    sync_run s = {db, &ls, id_list(db, n, ids)};
    bool *same = ck_calloc(n, sizeof *same), *same_next = ck_calloc(n, sizeof *same_next);
    ck_stmt *st = ck_txn_prepare(db, sync_profile_sql[ck_db_kind(db) == CK_DB_PG], err, err_len);
    ck_rc rc = st ? CK_OK : CK_ERR_DB;
    if (st) ck_stmt_bind_text(st, 1, s.ids);
    while (st && ck_txn_next(db, st, "cases", &rc, err, err_len)) {
        size_t pos;
        if (!id_to_pos(&s, ck_stmt_int(st, 0), &pos)) continue;
        const ck_wprofile *p = &profiles[pos];
        same[pos] = same_str(ck_stmt_text(st, 1), p->tier) &&
                    same_str(ck_stmt_text(st, 2), ck_store_profile_text(p->tier_missing)) &&
                    same_str(ck_stmt_text(st, 3), ck_store_profile_type(p)) &&
                    same_str(ck_stmt_text(st, 4), ck_store_profile_text(p->rosh)) &&
                    same_str(ck_stmt_text(st, 5), ck_store_profile_text(p->mappa)) &&
                    same_str(ck_stmt_text(st, 6), ck_store_profile_text(p->reports)) &&
                    (ck_stmt_date(st, 7) != CK_NODATE) == p->complete;
        same_next[pos] = ck_stmt_date(st, 8) == next[pos];
    }
    ck_stmt_reset(st);
    /* Only the rows that differ: an unchanged case keeps its tier_as_of. */
    q->put_ids = ck_calloc(n, sizeof *q->put_ids);
    q->next_ids = ck_calloc(n, sizeof *q->next_ids);
    q->put = ck_calloc(n, sizeof *q->put);
    q->next_of = ck_calloc(n, sizeof *q->next_of);
    for (size_t i = 0; i < n; i++) {
        if (!same[i]) {
            q->changed[i] = true;
            q->put_ids[q->n_put] = ids[i];
            q->put[q->n_put++] = &profiles[i];
        }
        if (!same[i] || !same_next[i]) {
            q->next_ids[q->n_next] = ids[i];
            q->next_of[q->n_next++] = next[i];
        }
    }
    ck_free(same);
    ck_free(same_next);
    ck_free((void *)s.ids);
    ck_free(index);
    return rc;
}

static ck_rc apply_profiles(ck_db *db, const profile_plan *q, size_t n, ck_date as_of, const ck_sync_plan *p,
                            bool *changed, char *err, size_t err_len)
{
    ck_rc rc = ck_store_put_profiles(db, q->n_put, q->put_ids, q->put, as_of, err, err_len);
    if (rc == CK_OK && !p) rc = ck_store_set_next_change(db, q->n_next, q->next_ids, q->next_of, as_of, err, err_len);
    if (rc == CK_OK && p) {
        /* The compared cases' digests go with their next change where they
         * have one to write, the others' alone (put_digests). */
        id_digest *digs = ck_malloc((p->n_dig ? p->n_dig : 1) * sizeof *digs);
        bool *used = ck_calloc(p->n_dig ? p->n_dig : 1, sizeof *used);
        for (size_t i = 0; i < p->n_dig; i++) digs[i] = (id_digest){p->dig_ids[i], p->digs[i]};
        qsort(digs, p->n_dig, sizeof *digs, id_digest_cmp);
        rc = set_next_and_digests(db, q->n_next, q->next_ids, q->next_of, digs, p->n_dig, used, as_of, err, err_len);
        size_t m = 0;
        for (size_t i = 0; i < p->n_dig; i++)
            if (!used[i]) digs[m++] = digs[i];
        int64_t *ids = ck_malloc((m ? m : 1) * sizeof *ids), *dv = ck_malloc((m ? m : 1) * sizeof *dv);
        for (size_t i = 0; i < m; i++) ids[i] = digs[i].id, dv[i] = digs[i].digest;
        if (rc == CK_OK) rc = put_digests(db, m, ids, dv, err, err_len);
        ck_free(ids);
        ck_free(dv);
        ck_free(digs);
        ck_free(used);
    }
    for (size_t i = 0; i < n && changed; i++) changed[i] |= q->changed[i];
    return rc;
}

ck_rc ck_store_sync_plan_profiles(ck_db *db, ck_sync_plan *p, const ck_wprofile *profiles, const ck_date *next,
                                  ck_date as_of, char *err, size_t err_len)
{
    if (!p->pq) p->pq = ck_calloc(1, sizeof *p->pq);
    else profile_plan_free(p->pq);
    p->as_of = as_of;
    return plan_profiles(db, p->n, p->ids, profiles, next, p->pq, err, err_len);
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

ck_rc ck_store_get_obligations(ck_db *db, int64_t id, ck_date as_of, bool unmet_only, ck_result **out, char *err,
                               size_t err_len)
{
    *out = NULL;
#define OBL_SELECT "SELECT \"rule\", \"subject\", \"due\", \"met_on\", \"status\", \"severity\", \"explanation\" " \
                   "FROM \"obligations\" WHERE \"case_id\" = $1"
    ck_stmt *st = ck_txn_prepare(db, unmet_only ? OBL_SELECT " AND \"status\" = 'unmet'" : OBL_SELECT, err, err_len);
#undef OBL_SELECT
    if (!st) return CK_ERR_DB;
    ck_result *r = ck_calloc(1, sizeof *r);
    ck_arena_init(&r->arena);
    ck_obligation *tmp = NULL;
    size_t n = 0, cap = 0;
    ck_rc rc = CK_OK;
    ck_stmt_bind_int(st, 1, id);
    while (ck_txn_next(db, st, "obligations", &rc, err, err_len)) {
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
        o->explain = ck_arena_strdup(&r->arena, ck_stmt_text(st, 6));
    }
    ck_stmt_reset(st);
    if (rc == CK_OK && n) {
        qsort(tmp, n, sizeof *tmp, ck_store_obligation_cmp);
        r->obligations = ck_arena_array(&r->arena, n, sizeof *tmp);
        memcpy(r->obligations, tmp, n * sizeof *tmp);
        r->n_obligations = n;
    }
    ck_free(tmp);
    st = rc == CK_OK ? ck_txn_prepare(db, "SELECT \"event\", \"count\", \"since\" FROM \"failures_to_comply\" "
                                   "WHERE \"case_id\" = $1 ORDER BY \"ord\"", err, err_len) : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (st) {
        ck_ftc *ftc = NULL;
        size_t fn = 0, fcap = 0;
        ck_stmt_bind_int(st, 1, id);
        while (ck_txn_next(db, st, "failures_to_comply", &rc, err, err_len)) {
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

/* ---- Bulk loads: secondary indexes built once at the end ---------------------- */

#define META_DEFERRED "deferred_indexes"
#define META_TRIGGERS "deferred_triggers"
#define DEFERRED_MAX 16384 /* bytes of recorded definitions: a few dozen indexes */
/* Between recorded trigger definitions, whose bodies hold ";\n" (the
 * indexes' separator); it is no character SQL text of ours contains. */
#define TRIGGER_SEP "\x1e"

/* The non-unique indexes of the tables a bulk load fills at random places of
 * (a worklist index gets every case's rows in every part of it; a contact's
 * officer and date indexes every officer's diary), with the statement that
 * creates each: SQLite keeps the text it was given, PostgreSQL rebuilds it
 * (the notes' GIN index among them). Unique ones stay: they are constraints. */
static const char *const deferrable_sql[2] = {
    "SELECT \"name\", \"sql\" FROM \"sqlite_master\" WHERE \"type\" = 'index' "
    "AND \"tbl_name\" IN ('cases', 'obligations', 'contacts') AND \"sql\" IS NOT NULL "
    "AND \"sql\" NOT LIKE 'CREATE UNIQUE%'",
    "SELECT \"c\".\"relname\", pg_get_indexdef(\"i\".\"indexrelid\") FROM \"pg_index\" \"i\" "
    "JOIN \"pg_class\" \"c\" ON \"c\".\"oid\" = \"i\".\"indexrelid\" "
    "WHERE \"i\".\"indrelid\" IN (CAST('cases' AS REGCLASS), CAST('obligations' AS REGCLASS), "
    "CAST('contacts' AS REGCLASS)) AND NOT \"i\".\"indisunique\"",
};

/* SQLite's full-text index over contact notes (migration 007) is kept by
 * triggers on "contacts": per row a trigger program and an FTS5 insert,
 * which also makes every later statement of the transaction open a
 * savepoint on the FTS5 table. During an initial load the triggers are
 * dropped and the index is filled once at the end from the stored rows,
 * with the same condition as the insert trigger, in rowid order. It starts
 * empty ('delete-all'), so rows written, changed or deleted meanwhile (the
 * triggers gone) are indexed as they are at the end. */
static const char *const fts_triggers_sql =
    "SELECT \"name\", \"sql\" FROM \"sqlite_master\" WHERE \"type\" = 'trigger' AND \"tbl_name\" = 'contacts' "
    "AND \"name\" LIKE 'contact\\_notes\\_%' ESCAPE '\\'";
/* FTS5 merges its segments as it fills (automerge 4, crisismerge 16, the
 * defaults): here it is filled with merging off, up to 64 segments of a
 * level, and merged once into one segment ('optimize'), then the defaults
 * are set again for the triggers' writes. At London (704,514 notes): 3.3-3.9
 * s of CPU against 3.8-4.5 s, and one segment against eight for every
 * search to look in; at 5,000 cases the one merge costs more than the few
 * on the way (10 % more instructions), a second at most. */
static const char *const fts_fill_sql =
    "INSERT INTO \"contact_notes_fts\" (\"contact_notes_fts\") VALUES ('delete-all');\n"
    "INSERT INTO \"contact_notes_fts\" (\"contact_notes_fts\", \"rank\") VALUES ('automerge', 0);\n"
    "INSERT INTO \"contact_notes_fts\" (\"contact_notes_fts\", \"rank\") VALUES ('crisismerge', 64);\n"
    "INSERT INTO \"contact_notes_fts\" (\"rowid\", \"notes\") "
    "SELECT \"rowid\", \"notes\" FROM \"contacts\" WHERE \"notes\" IS NOT NULL ORDER BY \"rowid\";\n"
    "INSERT INTO \"contact_notes_fts\" (\"contact_notes_fts\") VALUES ('optimize');\n"
    "INSERT INTO \"contact_notes_fts\" (\"contact_notes_fts\", \"rank\") VALUES ('automerge', 4);\n"
    "INSERT INTO \"contact_notes_fts\" (\"contact_notes_fts\", \"rank\") VALUES ('crisismerge', 16);";

/* Appends DROP `kind` "name"; to `drops`, the name quoted. */
static void put_drop(ck_buf *drops, const char *kind, const char *name)
{
    ck_buf_printf(drops, "DROP %s \"", kind);
    for (const char *p = name; *p; p++) {
        if (*p == '"') ck_buf_putc(drops, '"');
        ck_buf_putc(drops, *p);
    }
    ck_buf_puts(drops, "\";\n");
}

/* Records in meta under `key` the definitions of the objects `list_sql`
 * names (name, then the statement that creates it), each followed by
 * `sep`, and drops them (DROP `kind`); *dropped says whether there were
 * any. What an import defers: indexes, and on SQLite the full-text
 * triggers. */
static ck_rc defer_objects(ck_db *db, const char *list_sql, const char *kind, const char *what, const char *sep,
                           const char *key, bool *dropped, char *err, size_t err_len)
{
    *dropped = false;
    ck_buf defs, drops = CK_BUF_INIT;
    ck_buf_init(&defs, DEFERRED_MAX);
    ck_stmt *st = ck_txn_prepare(db, list_sql, err, err_len);
    ck_rc out = st ? CK_OK : CK_ERR_DB;
    while (st && ck_txn_next(db, st, what, &out, err, err_len)) {
        ck_buf_printf(&defs, "%s%s", ck_stmt_text(st, 1), sep);
        put_drop(&drops, kind, ck_stmt_text(st, 0));
    }
    ck_stmt_reset(st);
    if (out == CK_OK && defs.overflowed) {
        snprintf(err, err_len, "%s: their definitions exceed %d bytes", what, DEFERRED_MAX);
        out = CK_ERR_DB;
    }
    if (out == CK_OK && drops.len) {
        out = ck_store_meta_set(db, key, ck_buf_cstr(&defs), err, err_len);
        if (out == CK_OK && ck_db_exec(db, ck_buf_cstr(&drops)) != CK_DB_OK) out = ck_txn_db_fail(db, what, err, err_len);
        *dropped = out == CK_OK;
    }
    ck_buf_free(&defs);
    ck_buf_free(&drops);
    return out;
}

static ck_rc meta_forget(ck_db *db, const char *key, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "DELETE FROM \"meta\" WHERE \"key\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, key);
    return ck_txn_exec(db, st, "meta", err, err_len);
}

/* The full-text index filled from the stored rows, then the triggers
 * recorded by defer_triggers created again; CK_OK when none are recorded. */
static ck_rc build_triggers(ck_db *db, char *err, size_t err_len)
{
    char *defs = ck_malloc(DEFERRED_MAX + 1);
    ck_rc rc = ck_store_meta_get(db, META_TRIGGERS, defs, DEFERRED_MAX + 1, err, err_len);
    if (rc == CK_OK && ck_db_exec(db, fts_fill_sql) != CK_DB_OK)
        rc = ck_txn_db_fail(db, "contact notes' full-text index", err, err_len);
    for (char *next = defs, *end; rc == CK_OK && (end = strchr(next, TRIGGER_SEP[0])); next = end + 1) {
        *end = '\0';
        if (ck_db_exec(db, next) != CK_DB_OK) rc = ck_txn_db_fail(db, "triggers", err, err_len);
    }
    if (rc == CK_OK) rc = meta_forget(db, META_TRIGGERS, err, err_len);
    ck_free(defs);
    return rc == CK_ERR_NOTFOUND ? CK_OK : rc;
}

ck_rc ck_store_defer_indexes(ck_db *db, bool *deferred, char *err, size_t err_len)
{
    *deferred = false;
    ck_stmt *st = ck_txn_prepare(db, "SELECT 1 FROM \"cases\" LIMIT 1", err, err_len);
    if (!st) return CK_ERR_DB;
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (rc == CK_DB_ROW) return CK_OK; /* not an initial load: rebuilding would cost more */
    if (rc != CK_DB_DONE) return ck_txn_db_fail(db, "cases", err, err_len);
    char have[8];
    ck_rc got = ck_store_meta_get(db, META_DEFERRED, have, sizeof have, err, err_len);
    if (got != CK_ERR_NOTFOUND) return got; /* already deferred (CK_OK), or failed */

    ck_rc out = defer_objects(db, deferrable_sql[ck_db_kind(db) == CK_DB_PG], "INDEX", "indexes", ";\n",
                              META_DEFERRED, deferred, err, err_len);
    bool triggers = false;
    if (out == CK_OK && *deferred && ck_db_kind(db) == CK_DB_SQLITE)
        out = defer_objects(db, fts_triggers_sql, "TRIGGER", "triggers", TRIGGER_SEP, META_TRIGGERS, &triggers, err,
                            err_len);
    if (out != CK_OK) *deferred = false;
    return out;
}

/* ANALYZE of this schema's tables only: a bare ANALYZE takes every table
 * of the database in turn, inside this transaction, and can deadlock with
 * whatever else uses the database (other schemas' DDL, as the tests'
 * parallel binaries on one PostgreSQL do). Names come from the catalogue,
 * quoted as identifiers by the server. */
static ck_rc analyze_schema(ck_db *db, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db,
                                 "SELECT string_agg(quote_ident(\"tablename\"), ', ' ORDER BY \"tablename\") "
                                 "FROM \"pg_tables\" WHERE \"schemaname\" = current_schema()",
                                 err, err_len);
    if (!st) return CK_ERR_DB;
    ck_buf sql = CK_BUF_INIT;
    ck_rc rc = CK_OK;
    if (ck_stmt_step(st) == CK_DB_ROW && !ck_stmt_null(st, 0)) ck_buf_printf(&sql, "ANALYZE %s", ck_stmt_text(st, 0));
    else rc = ck_txn_db_fail(db, "analyze: the schema's tables", err, err_len);
    ck_stmt_reset(st);
    if (rc == CK_OK && ck_db_exec(db, ck_buf_cstr(&sql)) != CK_DB_OK) rc = ck_txn_db_fail(db, "analyze", err, err_len);
    ck_buf_free(&sql);
    return rc;
}

ck_rc ck_store_build_deferred(ck_db *db, ck_index_each each, void *ctx, char *err, size_t err_len)
{
    char *defs = ck_malloc(DEFERRED_MAX + 1);
    ck_rc rc = ck_store_meta_get(db, META_DEFERRED, defs, DEFERRED_MAX + 1, err, err_len);
    /* PostgreSQL sorts in maintenance_work_mem (64 MB unless configured),
     * spilling the rest to disk; this transaction's builds may use more. */
    if (rc == CK_OK && ck_db_kind(db) == CK_DB_PG &&
        ck_db_exec(db, "SET LOCAL maintenance_work_mem = '256MB'") != CK_DB_OK)
        rc = ck_txn_db_fail(db, "maintenance_work_mem", err, err_len);
    /* One statement per index, each ended by ";\n" (as recorded). */
    size_t n = 0;
    for (const char *p = defs; rc == CK_OK && (p = strstr(p, ";\n")); p += 2) n++;
    char *next = defs;
    for (size_t i = 0; rc == CK_OK && i < n; i++) {
        char *end = strstr(next, ";\n");
        *end = '\0';
        if (each) each(ctx, i, n);
        if (ck_db_exec(db, next) != CK_DB_OK) rc = ck_txn_db_fail(db, "indexes", err, err_len);
        next = end + 2;
    }
    /* Statistics for the loaded tables, and for the empty limited-access
     * ones (never analysed, PostgreSQL would guess them ten pages long), so
     * the first requests after an import are planned from what is there. */
    if (rc == CK_OK && ck_db_kind(db) == CK_DB_PG) rc = analyze_schema(db, err, err_len);
    if (rc == CK_OK) rc = meta_forget(db, META_DEFERRED, err, err_len);
    if (rc == CK_OK && ck_db_kind(db) == CK_DB_SQLITE) rc = build_triggers(db, err, err_len);
    ck_free(defs);
    return rc == CK_ERR_NOTFOUND ? CK_OK : rc;
}

/* ---- Settings ------------------------------------------------------------------- */

ck_rc ck_store_meta_get(ck_db *db, const char *key, char *val, size_t val_len, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"value\" FROM \"meta\" WHERE \"key\" = $1", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, key);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) snprintf(val, val_len, "%s", ck_stmt_text(st, 0));
    ck_rc out = rc == CK_DB_ROW    ? CK_OK
                : rc == CK_DB_DONE ? CK_ERR_NOTFOUND
                                   : ck_txn_db_fail(db, "meta", err, err_len);
    ck_stmt_reset(st);
    if (out == CK_ERR_NOTFOUND) snprintf(err, err_len, "meta: %s was never set", key);
    return out;
}

ck_rc ck_store_meta_set(ck_db *db, const char *key, const char *val, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, "INSERT INTO \"meta\" (\"key\", \"value\") VALUES ($1, $2) "
                              "ON CONFLICT (\"key\") DO UPDATE SET \"value\" = \"excluded\".\"value\"", err, err_len);
    if (!st) return CK_ERR_DB;
    ck_stmt_bind_text(st, 1, key);
    ck_stmt_bind_text(st, 2, val);
    return ck_txn_exec(db, st, "meta", err, err_len);
}

ck_rc ck_store_verify(ck_db *db, char *err, size_t err_len)
{
    model();
    const char *sql[MAX_TABLES * 12 + 3];
    size_t n = 0;
    for (int i = 0; i < n_tables; i++) {
        const table *t = &tables[i];
        /* The one-row INSERT names the same columns as the longer ones, whose
         * preparing costs the square of their parameters (a tenth of a
         * second in all, at every start). */
        if (t->ins[0]) sql[n++] = t->ins[0];
        bool pg = ck_db_kind(db) == CK_DB_PG;
        const char *more[] = {t->sel_one, t->sel_one_redacted, t->sel_batch[0], pg ? t->sel_batch[1] : NULL,
                              t->sel_ids[pg][0], pg ? t->sel_ids[pg][1] : NULL, t->del, t->del_children, t->upd,
                              t->sel_batch_rules, t->sel_ids_rules[pg]};
        for (size_t k = 0; k < sizeof more / sizeof *more; k++)
            if (more[k]) sql[n++] = more[k];
    }
    sql[n++] = obl_ins[0];
    sql[n++] = tier_upd[0];
    sql[n++] = ftc_ins[0];
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
