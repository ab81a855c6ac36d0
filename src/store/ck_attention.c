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

static void bind_filter(ck_stmt *st, const ck_case_filter *f)
{
    for (int i = 0; f && i < f->n_binds; i++) ck_stmt_bind_text(st, 2 + i, f->binds[i]);
}

ck_rc ck_attention_pending_checks(ck_db *db, const char *staff, const ck_case_filter *f, size_t limit,
                                  ck_pending_checks **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_buf count = CK_BUF_INIT, rows = CK_BUF_INIT;
    ck_buf_puts(&count, "SELECT COUNT(*)" CHECKS_FROM);
    ck_buf_puts(&rows, "SELECT \"cases\".\"crn\", \"cases\".\"person_forename\", \"cases\".\"person_surname\", "
                       "\"checks\".\"id\", \"checks\".\"kind\", \"checks\".\"requested\"" CHECKS_FROM);
    if (f) {
        ck_case_filter_sql(&count, f, 1);
        ck_case_filter_sql(&rows, f, 1);
    }
    int nf = f ? f->n_binds : 0;
    ck_buf_printf(&rows, " ORDER BY \"checks\".\"requested\", \"cases\".\"crn\", \"checks\".\"id\" LIMIT $%d", 2 + nf);
    ck_pending_checks *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    ck_rc rc = CK_OK;
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&count));
    if (!st) {
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
        goto done;
    }
    ck_stmt_bind_text(st, 1, staff);
    bind_filter(st, f);
    while (ck_txn_next(db, st, "unanswered checks", &rc, err, err_len)) l->total = (size_t)ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (rc != CK_OK || !l->total || !limit) goto done;
    if (!(st = ck_db_prepare(db, ck_buf_cstr(&rows)))) {
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
        goto done;
    }
    ck_stmt_bind_text(st, 1, staff);
    bind_filter(st, f);
    ck_stmt_bind_int(st, 2 + nf, (int64_t)limit);
    size_t cap = l->total < limit ? l->total : limit;
    l->items = ck_arena_array(&l->arena, cap, sizeof *l->items);
    while (ck_txn_next(db, st, "unanswered checks", &rc, err, err_len) && l->n < cap) {
        ck_pending_check *c = &l->items[l->n++];
        c->crn = ck_arena_strdup(&l->arena, ck_stmt_text(st, 0));
        c->forename = ck_arena_strdup(&l->arena, ck_stmt_text(st, 1));
        c->surname = ck_arena_strdup(&l->arena, ck_stmt_text(st, 2));
        c->id = ck_arena_strdup(&l->arena, ck_stmt_text(st, 3));
        c->kind = ck_arena_strdup(&l->arena, ck_stmt_text(st, 4));
        c->requested = ck_stmt_date(st, 5);
    }
    ck_stmt_reset(st);
done:
    ck_buf_free(&count);
    ck_buf_free(&rows);
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

ck_rc ck_attention_tier_changes(ck_db *db, const char *staff, const char *crn, const ck_case_filter *f,
                                ck_date since, size_t limit, ck_tier_changes **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_buf count = CK_BUF_INIT, rows = CK_BUF_INIT;
    ck_buf_puts(&count, staff ? "SELECT COUNT(*)" TIER_FROM("staff_code") : "SELECT COUNT(*)" TIER_FROM("crn"));
    ck_buf_puts(&rows, "SELECT \"crn\", \"person_forename\", \"person_surname\", \"tier_previous\", \"tier\", "
                       "\"tier_changed_on\"");
    ck_buf_puts(&rows, staff ? TIER_FROM("staff_code") : TIER_FROM("crn"));
    if (f) {
        ck_case_filter_sql(&count, f, 2);
        ck_case_filter_sql(&rows, f, 2);
    }
    int nf = f ? f->n_binds : 0;
    ck_buf_printf(&rows, " ORDER BY \"tier_changed_on\" DESC, \"crn\" LIMIT $%d", 3 + nf);
    ck_tier_changes *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    ck_rc rc = CK_OK;
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&count));
    if (!st) {
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
        goto done;
    }
    ck_stmt_bind_text(st, 1, staff ? staff : crn);
    ck_stmt_bind_date(st, 2, since);
    for (int i = 0; i < nf; i++) ck_stmt_bind_text(st, 3 + i, f->binds[i]);
    while (ck_txn_next(db, st, "tier changes", &rc, err, err_len)) l->total = (size_t)ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    if (rc != CK_OK || !l->total || !limit) goto done;
    if (!(st = ck_db_prepare(db, ck_buf_cstr(&rows)))) {
        rc = ck_txn_db_fail(db, "prepare", err, err_len);
        goto done;
    }
    ck_stmt_bind_text(st, 1, staff ? staff : crn);
    ck_stmt_bind_date(st, 2, since);
    for (int i = 0; i < nf; i++) ck_stmt_bind_text(st, 3 + i, f->binds[i]);
    ck_stmt_bind_int(st, 3 + nf, (int64_t)limit);
    size_t cap = l->total < limit ? l->total : limit;
    l->items = ck_arena_array(&l->arena, cap, sizeof *l->items);
    while (ck_txn_next(db, st, "tier changes", &rc, err, err_len) && l->n < cap) {
        ck_tier_change *c = &l->items[l->n++];
        c->crn = ck_arena_strdup(&l->arena, ck_stmt_text(st, 0));
        c->forename = ck_arena_strdup(&l->arena, ck_stmt_text(st, 1));
        c->surname = ck_arena_strdup(&l->arena, ck_stmt_text(st, 2));
        c->previous = ck_arena_strdup(&l->arena, ck_stmt_text(st, 3));
        c->tier = ck_arena_strdup(&l->arena, ck_stmt_text(st, 4));
        c->changed_on = ck_stmt_date(st, 5);
    }
    ck_stmt_reset(st);
done:
    ck_buf_free(&count);
    ck_buf_free(&rows);
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
