/* ck_diary: see ck_diary.h. */
#include "ck_diary.h"
#include "ck_buf.h"
#include "ck_org.h"
#include "ck_txn.h"
#include <string.h>

void ck_diary_free(ck_diary *d)
{
    if (!d) return;
    ck_arena_free(&d->arena);
    ck_free(d->items);
    ck_free(d);
}

#define OFFICER "COALESCE(\"contacts\".\"officer\", \"cases\".\"staff_code\")"

static const char *dup(ck_diary *d, ck_stmt *st, int col) { return ck_arena_strdup(&d->arena, ck_stmt_text(st, col)); }

ck_rc ck_diary_list(ck_db *db, const ck_diary_query *q, ck_diary **out, char *err, size_t err_len)
{
    *out = NULL;
    if (!q->officer == !q->team) return ck_txn_fail(CK_ERR_INVALID, err, err_len, "a diary is an officer's or a team's");
    size_t limit = q->limit ? q->limit : CK_DIARY_MAX;
    ck_buf sql = CK_BUF_INIT;
    ck_buf_puts(&sql, "SELECT \"cases\".\"crn\", \"cases\".\"person_forename\", \"cases\".\"person_surname\", "
                      "\"contacts\".\"id\", \"contacts\".\"type\", \"contacts\".\"start_time\", "
                      "\"contacts\".\"end_time\", \"contacts\".\"location\", \"contacts\".\"outcome\", "
                      "\"offices\".\"name\", " OFFICER ", \"staff\".\"forename\", \"staff\".\"surname\", "
                      "\"contacts\".\"date\", \"contacts\".\"cancelled\", \"contacts\".\"sequence\" "
                      "FROM \"contacts\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"contacts\".\"case_id\" "
                      "LEFT JOIN \"offices\" ON \"offices\".\"code\" = \"contacts\".\"location\" "
                      "LEFT JOIN \"staff\" ON \"staff\".\"code\" = " OFFICER " "
                      "WHERE \"contacts\".\"appointment\" = 1 AND \"contacts\".\"date\" >= $1 "
                      "AND \"contacts\".\"date\" <= $2 AND ");
    ck_buf_puts(&sql, q->officer ? OFFICER " = $3" : "\"staff\".\"team\" = $3");
    if (q->without_outcome)
        ck_buf_puts(&sql, " AND \"contacts\".\"outcome\" IS NULL AND COALESCE(\"contacts\".\"cancelled\", 0) = 0");
    if (q->filter) ck_case_filter_sql(&sql, q->filter, 3);
    /* NULL start times first on both backends (they sort differently). */
    ck_buf_printf(&sql, " ORDER BY \"contacts\".\"date\", COALESCE(\"contacts\".\"start_time\", ''), "
                        "\"cases\".\"crn\", \"contacts\".\"id\" LIMIT %zu", limit + 1);
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) {
        ck_buf_free(&sql);
        return rc;
    }
    ck_stmt *st = ck_txn_prepare(db, ck_buf_cstr(&sql), err, err_len);
    ck_buf_free(&sql);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_date(st, 1, q->from);
    ck_stmt_bind_date(st, 2, q->to);
    ck_stmt_bind_text(st, 3, q->officer ? q->officer : q->team);
    for (int i = 0; q->filter && i < q->filter->n_binds; i++) ck_stmt_bind_text(st, 4 + i, q->filter->binds[i]);
    ck_diary *d = ck_calloc(1, sizeof *d);
    size_t cap = 0;
    while (ck_txn_next(db, st, "diary", &rc, err, err_len)) {
        if (d->n == limit) {
            d->truncated = true;
            continue;
        }
        if (d->n == cap) {
            cap = cap ? 2 * cap : 32;
            d->items = ck_realloc(d->items, cap * sizeof *d->items);
        }
        ck_diary_item *it = &d->items[d->n++];
        *it = (ck_diary_item){dup(d, st, 0), dup(d, st, 1), dup(d, st, 2), dup(d, st, 3), dup(d, st, 4),
                              dup(d, st, 5), dup(d, st, 6), dup(d, st, 7), dup(d, st, 8), dup(d, st, 9),
                              dup(d, st, 10), dup(d, st, 11), dup(d, st, 12), ck_stmt_date(st, 13),
                              ck_stmt_int(st, 14) == 1, (int32_t)ck_stmt_int(st, 15)};
    }
    ck_stmt_reset(st);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK) {
        ck_diary_free(d);
        return rc;
    }
    *out = d;
    return CK_OK;
}

ck_rc ck_diary_officers(ck_db *db, const char *team, ck_arena *arena, ck_diary_officer **out, size_t *n, char *err,
                        size_t err_len)
{
    *out = NULL;
    *n = 0;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, "SELECT \"code\", \"forename\", \"surname\" FROM \"staff\" WHERE \"team\" = $1 "
                                     "AND \"status\" <> 'left' ORDER BY \"surname\", \"forename\", \"code\"",
                                 err, err_len);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, team);
    size_t cap = 0;
    ck_diary_officer *v = NULL;
    while (ck_txn_next(db, st, "staff", &rc, err, err_len)) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            ck_diary_officer *bigger = ck_arena_array(arena, cap, sizeof *bigger);
            if (*n) memcpy(bigger, v, *n * sizeof *v);
            v = bigger;
        }
        v[(*n)++] = (ck_diary_officer){ck_arena_strdup(arena, ck_stmt_text(st, 0)),
                                       ck_arena_strdup(arena, ck_stmt_text(st, 1)),
                                       ck_arena_strdup(arena, ck_stmt_text(st, 2))};
    }
    ck_stmt_reset(st);
    *out = v;
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_diary_offices(ck_db *db, const char *pdu, ck_arena *arena, ck_org_record **out, size_t *n, char *err,
                       size_t err_len)
{
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, ck_org_list(db, CK_ORG_OFFICE, pdu, arena, out, n, err, err_len), err, err_len);
}

/* ---- Calendar feeds ----------------------------------------------------------- */

static ck_rc feed_write(ck_db *db, const char *sql, const char *a, const char *b, int64_t now, char *err,
                        size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, a);
    if (b) ck_stmt_bind_text(st, 2, b);
    if (b) ck_stmt_bind_int(st, 3, now);
    return ck_txn_finish(db, ck_txn_exec(db, st, "calendar_feeds", err, err_len), err, err_len);
}

ck_rc ck_diary_feed_set(ck_db *db, const char *staff, const char *token_hash, int64_t now, char *err, size_t err_len)
{
    return feed_write(db,
                      "INSERT INTO \"calendar_feeds\" (\"staff\", \"token_hash\", \"created_at\") VALUES ($1, $2, $3) "
                      "ON CONFLICT (\"staff\") DO UPDATE SET \"token_hash\" = \"excluded\".\"token_hash\", "
                      "\"created_at\" = \"excluded\".\"created_at\"",
                      staff, token_hash, now, err, err_len);
}

ck_rc ck_diary_feed_revoke(ck_db *db, const char *staff, char *err, size_t err_len)
{
    return feed_write(db, "DELETE FROM \"calendar_feeds\" WHERE \"staff\" = $1", staff, NULL, 0, err, err_len);
}

static ck_rc feed_read(ck_db *db, const char *sql, const char *key, ck_arena *arena, const char **out, char *err,
                       size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    ck_stmt *st = ck_txn_prepare(db, sql, err, err_len);
    if (!st) return ck_txn_finish(db, CK_ERR_DB, err, err_len);
    ck_stmt_bind_text(st, 1, key);
    while (ck_txn_next(db, st, "calendar_feeds", &rc, err, err_len))
        if (!*out) *out = ck_arena_strdup(arena, ck_stmt_text(st, 0));
    ck_stmt_reset(st);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_diary_feed_find(ck_db *db, const char *token_hash, ck_arena *arena, const char **staff, char *err,
                         size_t err_len)
{
    ck_rc rc = feed_read(db, "SELECT \"staff\" FROM \"calendar_feeds\" WHERE \"token_hash\" = $1", token_hash, arena,
                         staff, err, err_len);
    if (rc == CK_OK && !*staff) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no calendar feed with this token");
    return rc;
}

ck_rc ck_diary_feed_exists(ck_db *db, const char *staff, bool *exists, char *err, size_t err_len)
{
    ck_arena a;
    ck_arena_init(&a);
    const char *got = NULL;
    ck_rc rc = feed_read(db, "SELECT \"staff\" FROM \"calendar_feeds\" WHERE \"staff\" = $1", staff, &a, &got, err,
                         err_len);
    *exists = got != NULL;
    ck_arena_free(&a);
    return rc;
}
