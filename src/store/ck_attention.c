/* ck_attention: see ck_attention.h. */
#include "ck_attention.h"
#include "ck_buf.h"
#include "ck_txn.h"
#include <string.h>

void ck_pending_checks_free(ck_pending_checks *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}

#define CHECKS_FROM                                                                                  \
    " FROM \"checks\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"checks\".\"case_id\""           \
    " WHERE \"cases\".\"staff_code\" = $1 AND \"checks\".\"requested\" IS NOT NULL"                \
    " AND \"checks\".\"received\" IS NULL"

/* One list of "Needs your attention": how many rows `from` has (f's
 * condition appended) and the first `limit` of them, `cols` in `order`, each
 * read by `read` into an item of `size` bytes in arena. Binds $1 key, $2
 * date when dated, then f's. */
typedef struct list_query {
    const char *what, *cols, *from, *order, *key;
    ck_date date;
    bool dated;
    const ck_case_filter *f;
    size_t limit, size;
    void (*read)(ck_stmt *st, ck_arena *a, void *item);
} list_query;

static void bind_list(ck_stmt *st, const list_query *q)
{
    int at = 2;
    ck_stmt_bind_text(st, 1, q->key);
    if (q->dated) ck_stmt_bind_date(st, at++, q->date);
    for (int i = 0; q->f && i < q->f->n_binds; i++) ck_stmt_bind_text(st, at++, q->f->binds[i]);
}

static ck_rc read_list(ck_db *db, const list_query *q, ck_arena *arena, void **items, size_t *n, size_t *total,
                       char *err, size_t err_len)
{
    int shift = q->dated ? 2 : 1, nf = q->f ? q->f->n_binds : 0;
    ck_buf count = CK_BUF_INIT, rows = CK_BUF_INIT;
    ck_buf_printf(&count, "SELECT COUNT(*)%s", q->from);
    ck_buf_printf(&rows, "SELECT %s%s", q->cols, q->from);
    if (q->f) {
        ck_case_filter_sql(&count, q->f, shift);
        ck_case_filter_sql(&rows, q->f, shift);
    }
    ck_buf_printf(&rows, " ORDER BY %s LIMIT $%d", q->order, shift + nf + 1);
    ck_rc rc = CK_OK;
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&count));
    if (!st) {
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
        goto done;
    }
    bind_list(st, q);
    while (ck_txn_next(db, st, q->what, &rc, err, err_len)) *total = (size_t)ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (rc != CK_OK || !*total || !q->limit) goto done;
    if (!(st = ck_db_prepare(db, ck_buf_cstr(&rows)))) {
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
        goto done;
    }
    bind_list(st, q);
    ck_stmt_bind_int(st, shift + nf + 1, (int64_t)q->limit);
    size_t cap = *total < q->limit ? *total : q->limit;
    char *base = ck_arena_array(arena, cap, q->size);
    *items = base;
    while (ck_txn_next(db, st, q->what, &rc, err, err_len) && *n < cap) q->read(st, arena, base + (*n)++ * q->size);
    ck_stmt_reset(st);
done:
    ck_buf_free(&count);
    ck_buf_free(&rows);
    return rc;
}

static void read_check(ck_stmt *st, ck_arena *a, void *item)
{
    ck_pending_check *c = item;
    c->crn = ck_arena_strdup(a, ck_stmt_text(st, 0));
    c->forename = ck_arena_strdup(a, ck_stmt_text(st, 1));
    c->surname = ck_arena_strdup(a, ck_stmt_text(st, 2));
    c->id = ck_arena_strdup(a, ck_stmt_text(st, 3));
    c->kind = ck_arena_strdup(a, ck_stmt_text(st, 4));
    c->requested = ck_stmt_date(st, 5);
}

ck_rc ck_attention_pending_checks(ck_db *db, const char *staff, const ck_case_filter *f, size_t limit,
                                  ck_pending_checks **out, char *err, size_t err_len)
{
    list_query q = {.what = "unanswered checks",
                    .cols = "\"cases\".\"crn\", \"cases\".\"person_forename\", \"cases\".\"person_surname\", "
                            "\"checks\".\"id\", \"checks\".\"kind\", \"checks\".\"requested\"",
                    .from = CHECKS_FROM,
                    .order = "\"checks\".\"requested\", \"cases\".\"crn\", \"checks\".\"id\"",
                    .key = staff, .f = f, .limit = limit, .size = sizeof(ck_pending_check), .read = read_check};
    ck_pending_checks *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    void *items = NULL;
    ck_rc rc = read_list(db, &q, &l->arena, &items, &l->n, &l->total, err, err_len);
    l->items = items;
    *out = NULL;
    if (rc != CK_OK) {
        ck_pending_checks_free(l);
        return rc;
    }
    *out = l;
    return CK_OK;
}

void ck_tier_changes_free(ck_tier_changes *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}

/* $1 the holder or the CRN, $2 the date. */
#define TIER_FROM(who)                                                                                       \
    " FROM \"cases\" WHERE \"cases\".\"" who "\" = $1 AND \"cases\".\"tier_changed_on\" >= $2"               \
    " AND \"cases\".\"tier_previous\" <> 'NOT_SUPERVISED' AND \"cases\".\"tier\" <> 'NOT_SUPERVISED'"

static void read_tier_change(ck_stmt *st, ck_arena *a, void *item)
{
    ck_tier_change *c = item;
    c->crn = ck_arena_strdup(a, ck_stmt_text(st, 0));
    c->forename = ck_arena_strdup(a, ck_stmt_text(st, 1));
    c->surname = ck_arena_strdup(a, ck_stmt_text(st, 2));
    c->previous = ck_arena_strdup(a, ck_stmt_text(st, 3));
    c->tier = ck_arena_strdup(a, ck_stmt_text(st, 4));
    c->changed_on = ck_stmt_date(st, 5);
    c->tier_missing = ck_arena_strdup(a, ck_stmt_text(st, 6));
}

ck_rc ck_attention_tier_changes(ck_db *db, const char *staff, const char *crn, const ck_case_filter *f,
                                ck_date since, size_t limit, ck_tier_changes **out, char *err, size_t err_len)
{
    list_query q = {.what = "tier changes",
                    .cols = "\"crn\", \"person_forename\", \"person_surname\", \"tier_previous\", \"tier\", "
                            "\"tier_changed_on\", \"tier_missing\"",
                    .from = staff ? TIER_FROM("staff_code") : TIER_FROM("crn"),
                    .order = "\"tier_changed_on\" DESC, \"crn\"",
                    .key = staff ? staff : crn, .date = since, .dated = true, .f = f, .limit = limit,
                    .size = sizeof(ck_tier_change), .read = read_tier_change};
    ck_tier_changes *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    void *items = NULL;
    ck_rc rc = read_list(db, &q, &l->arena, &items, &l->n, &l->total, err, err_len);
    l->items = items;
    *out = NULL;
    if (rc != CK_OK) {
        ck_tier_changes_free(l);
        return rc;
    }
    *out = l;
    return CK_OK;
}

ck_rc ck_attention_liaison(ck_db *db, const char *team, ck_date as_of, ck_arena *arena, const char **name, char *err,
                           size_t err_len)
{
    *name = NULL;
    if (!team) return CK_OK;
    ck_stmt *st = ck_db_prepare(
        db, "SELECT \"staff\".\"forename\", \"staff\".\"surname\" FROM \"staff\""
            " JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\""
            " JOIN \"teams\" AS \"own\" ON \"own\".\"pdu\" = \"teams\".\"pdu\""
            " WHERE \"own\".\"code\" = $1 AND \"staff\".\"grade\" = 'VLO'"
            " AND (\"staff\".\"left_on\" IS NULL OR \"staff\".\"left_on\" > $2)"
            " AND (\"staff\".\"absence_from\" IS NULL OR \"staff\".\"absence_from\" > $2)"
            " ORDER BY \"staff\".\"code\" LIMIT 1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, team);
    ck_stmt_bind_date(st, 2, as_of);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "victim liaison officer", &rc, err, err_len))
        *name = ck_arena_printf(arena, "%s %s", ck_stmt_text(st, 0), ck_stmt_text(st, 1));
    ck_stmt_reset(st);
    return rc;
}
