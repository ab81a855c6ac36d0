#include "ck_reminder_store.h"
#include "ck_mem.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static ck_rc db_fail(ck_db *db, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s", ck_db_errmsg(db));
    return CK_ERR_DB;
}

static void copy(char *dst, size_t n, const char *s) { snprintf(dst, n, "%s", s ? s : ""); }

ck_rc ck_remstore_lease(ck_db *db, const char *holder, int64_t now, int64_t until, bool *held, char *err,
                        size_t err_len)
{
    return ck_remstore_lease_named(db, "scheduler", holder, now, until, held, err, err_len);
}

ck_rc ck_remstore_lease_named(ck_db *db, const char *name, const char *holder, int64_t now, int64_t until,
                              bool *held, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "UPDATE \"reminder_lease\" SET \"holder\" = $1, \"until\" = $2 "
                                    "WHERE \"name\" = $4 AND (\"holder\" = $1 OR \"holder\" IS NULL "
                                    "OR \"until\" < $3)");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_text(st, 1, holder);
    ck_stmt_bind_int(st, 2, until);
    ck_stmt_bind_int(st, 3, now);
    ck_stmt_bind_text(st, 4, name);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (rc != CK_DB_DONE) return db_fail(db, err, err_len);
    *held = ck_db_changes(db) == 1;
    return CK_OK;
}

ck_rc ck_remstore_candidates(ck_db *db, ck_date from, ck_date to, ck_date booked_since,
                             bool (*fn)(void *ctx, const ck_rem_candidate *c), void *ctx, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(
        db, "SELECT c.\"crn\", t.\"id\", t.\"date\", t.\"booked_on\", c.\"person_consent_mobile\" IS NOT NULL, "
            "c.\"person_consent_email\" IS NOT NULL FROM \"contacts\" t JOIN \"cases\" c ON c.\"case_id\" = t.\"case_id\" "
            "WHERE t.\"appointment\" = 1 AND t.\"outcome\" IS NULL AND (t.\"cancelled\" IS NULL OR t.\"cancelled\" = 0) "
            "AND t.\"date\" >= $1 "
            "AND (t.\"date\" <= $2 OR t.\"booked_on\" >= $3) AND c.\"person_has_consent\" = 1 "
            "AND c.\"person_consent_given_on\" <= $1 "
            "AND (c.\"person_consent_withdrawn_on\" IS NULL OR c.\"person_consent_withdrawn_on\" > $1) "
            "ORDER BY t.\"date\", c.\"crn\", t.\"id\"");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_date(st, 1, from);
    ck_stmt_bind_date(st, 2, to);
    ck_stmt_bind_date(st, 3, booked_since);
    /* Collected first: fn writes, and a connection streams one query at a time. */
    ck_rem_candidate *all = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = ck_stmt_step(st)) == CK_DB_ROW) {
        const char *crn = ck_stmt_text(st, 0), *id = ck_stmt_text(st, 1);
        if (strlen(crn) >= CK_REM_ID_MAX || strlen(id) >= CK_REM_ID_MAX) continue; /* ids are short; never here */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            size_t bytes;
            if (!ck_mul(cap, sizeof *all, &bytes)) abort();
            all = ck_realloc(all, bytes);
        }
        ck_rem_candidate *c = &all[n++];
        copy(c->crn, sizeof c->crn, crn);
        copy(c->contact_id, sizeof c->contact_id, id);
        c->date = ck_stmt_date(st, 2);
        c->booked_on = ck_stmt_date(st, 3);
        c->mobile = ck_stmt_int(st, 4) != 0;
        c->email = ck_stmt_int(st, 5) != 0;
    }
    ck_stmt_reset(st);
    ck_rc out = CK_OK;
    if (rc != CK_DB_DONE) out = db_fail(db, err, err_len);
    for (size_t i = 0; out == CK_OK && i < n; i++)
        if (!fn(ctx, &all[i])) break;
    ck_free(all);
    return out;
}

ck_rc ck_remstore_plan(ck_db *db, const char *reference, const char *crn, const char *contact_id, ck_date on,
                       const char *kind, const char *channel, int64_t now, bool *added, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "INSERT INTO \"reminders\" (\"reference\", \"crn\", \"contact_id\", "
                                    "\"appointment_on\", \"kind\", \"channel\", \"status\", \"attempts\", "
                                    "\"next_attempt_at\", \"created_at\", \"updated_at\") "
                                    "VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $7, $7) "
                                    "ON CONFLICT (\"reference\") DO NOTHING");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_text(st, 1, reference);
    ck_stmt_bind_text(st, 2, crn);
    ck_stmt_bind_text(st, 3, contact_id);
    ck_stmt_bind_date(st, 4, on);
    ck_stmt_bind_text(st, 5, kind);
    ck_stmt_bind_text(st, 6, channel);
    ck_stmt_bind_int(st, 7, now);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (rc != CK_DB_DONE) return db_fail(db, err, err_len);
    *added = ck_db_changes(db) == 1;
    return CK_OK;
}

#define COLS                                                                                                 \
    "\"reference\", \"crn\", \"contact_id\", \"appointment_on\", \"kind\", \"channel\", \"status\", \"attempts\", " \
    "\"next_attempt_at\", \"created_at\", \"updated_at\", \"notify_id\", \"error\""

static void read_row(ck_stmt *st, ck_reminder *r)
{
    copy(r->reference, sizeof r->reference, ck_stmt_text(st, 0));
    copy(r->crn, sizeof r->crn, ck_stmt_text(st, 1));
    copy(r->contact_id, sizeof r->contact_id, ck_stmt_text(st, 2));
    r->appointment_on = ck_stmt_date(st, 3);
    copy(r->kind, sizeof r->kind, ck_stmt_text(st, 4));
    copy(r->channel, sizeof r->channel, ck_stmt_text(st, 5));
    copy(r->status, sizeof r->status, ck_stmt_text(st, 6));
    r->attempts = (int)ck_stmt_int(st, 7);
    r->next_attempt_at = ck_stmt_int(st, 8);
    r->created_at = ck_stmt_int(st, 9);
    r->updated_at = ck_stmt_int(st, 10);
    copy(r->notify_id, sizeof r->notify_id, ck_stmt_text(st, 11));
    copy(r->error, sizeof r->error, ck_stmt_text(st, 12));
}

static ck_rc read_rows(ck_db *db, ck_stmt *st, ck_reminder *out, size_t max, size_t *n, char *err, size_t err_len)
{
    *n = 0;
    int rc;
    while ((rc = ck_stmt_step(st)) == CK_DB_ROW)
        if (*n < max) read_row(st, &out[(*n)++]);
    ck_stmt_reset(st);
    return rc == CK_DB_DONE ? CK_OK : db_fail(db, err, err_len);
}

ck_rc ck_remstore_due(ck_db *db, int64_t now, ck_reminder *out, size_t max, size_t *n, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT " COLS " FROM \"reminders\" WHERE \"status\" IN ('queued', 'sending', "
                                    "'retry') AND \"next_attempt_at\" <= $1 ORDER BY \"next_attempt_at\", "
                                    "\"reference\" LIMIT $2");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_int(st, 1, now);
    ck_stmt_bind_int(st, 2, (int64_t)max);
    return read_rows(db, st, out, max, n, err, err_len);
}

ck_rc ck_remstore_for_case(ck_db *db, const char *crn, ck_reminder *out, size_t max, size_t *n, char *err,
                           size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT " COLS " FROM \"reminders\" WHERE \"crn\" = $1 "
                                    "ORDER BY \"appointment_on\" DESC, \"created_at\" DESC, \"reference\" LIMIT $2");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_text(st, 1, crn);
    ck_stmt_bind_int(st, 2, (int64_t)max);
    return read_rows(db, st, out, max, n, err, err_len);
}

static void bind_error(ck_stmt *st, int i, const char *error)
{
    if (!error) {
        ck_stmt_bind_null(st, i);
        return;
    }
    size_t n = strlen(error);
    if (n >= CK_REM_ERR_MAX) n = CK_REM_ERR_MAX - 1;
    while (n && ((unsigned char)error[n] & 0xc0) == 0x80) n--; /* not inside a UTF-8 character */
    ck_stmt_bind_textn(st, i, error, n);
}

ck_rc ck_remstore_set(ck_db *db, const char *reference, const char *status, int attempts, int64_t next_attempt_at,
                      const char *notify_id, const char *error, int64_t now, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(
        db, "UPDATE \"reminders\" SET \"status\" = CASE WHEN \"status\" = 'delivered' OR (\"status\" = 'failed' AND "
            "\"notify_id\" IS NOT NULL) THEN \"status\" ELSE $2 END, \"attempts\" = $3, \"next_attempt_at\" = $4, "
            "\"notify_id\" = COALESCE($5, \"notify_id\"), \"error\" = CASE WHEN \"status\" = 'failed' AND "
            "\"notify_id\" IS NOT NULL THEN \"error\" ELSE $6 END, \"updated_at\" = $7 WHERE \"reference\" = $1");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_text(st, 1, reference);
    ck_stmt_bind_text(st, 2, status);
    ck_stmt_bind_int(st, 3, attempts);
    ck_stmt_bind_int(st, 4, next_attempt_at);
    ck_stmt_bind_text(st, 5, notify_id && *notify_id ? notify_id : NULL);
    bind_error(st, 6, error);
    ck_stmt_bind_int(st, 7, now);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    return rc == CK_DB_DONE ? CK_OK : db_fail(db, err, err_len);
}

ck_rc ck_remstore_receipt(ck_db *db, const char *notify_id, const char *reference, const char *status,
                          const char *error, int64_t now, bool *found, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "UPDATE \"reminders\" SET \"status\" = $3, \"error\" = $4, \"updated_at\" = $5, "
                                    "\"notify_id\" = COALESCE(\"notify_id\", $1) WHERE \"notify_id\" = $1 OR "
                                    "(\"reference\" = $2 AND (\"notify_id\" IS NULL OR \"notify_id\" = $1))");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_text(st, 1, notify_id);
    ck_stmt_bind_text(st, 2, reference);
    ck_stmt_bind_text(st, 3, status);
    bind_error(st, 4, error);
    ck_stmt_bind_int(st, 5, now);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    if (rc != CK_DB_DONE) return db_fail(db, err, err_len);
    *found = ck_db_changes(db) > 0;
    return CK_OK;
}

ck_rc ck_remstore_office(ck_db *db, const char *code, char *out, size_t out_len, bool *found, char *err,
                         size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT \"name\", \"address\" FROM \"offices\" WHERE \"code\" = $1");
    if (!st) return db_fail(db, err, err_len);
    ck_stmt_bind_text(st, 1, code);
    int rc = ck_stmt_step(st);
    *found = rc == CK_DB_ROW;
    if (*found) {
        const char *name = ck_stmt_text(st, 0), *address = ck_stmt_text(st, 1);
        snprintf(out, out_len, "%s%s%s", name, address ? ", " : "", address ? address : "");
        rc = CK_DB_DONE;
    }
    ck_stmt_reset(st);
    return rc == CK_DB_DONE ? CK_OK : db_fail(db, err, err_len);
}
