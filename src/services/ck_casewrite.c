/* ck_casewrite: multi-record changes in one transaction (see ck_casewrite.h). */
#include "ck_casewrite.h"
#include "ck_horizon.h"
#include "ck_caseload.h"
#include "ck_store.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <stdio.h>
#include <string.h>

/* Who holds the case as stored: a change of outcome does not move it. */
static ck_rc stored_holder(ck_db *db, int64_t id, ck_arena *a, ck_holder *h, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT \"staff_code\", \"team_code\", \"pdu_code\" FROM \"cases\" "
                                    "WHERE \"case_id\" = $1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_int(st, 1, id);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        h->staff_code = ck_arena_strdup(a, ck_stmt_text(st, 0));
        h->team_code = ck_arena_strdup(a, ck_stmt_text(st, 1));
        h->pdu_code = ck_arena_strdup(a, ck_stmt_text(st, 2));
    }
    ck_stmt_reset(st);
    return rc == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, "cases", err, err_len);
}

/* The change on the loaded, locked case c; writes its rows. */
static ck_rc apply_outcome(ck_db *db, const ck_engine *eng, int64_t id, ck_case *c, const char *contact_id,
                           const char *outcome, ck_date outcome_on, const ck_enforcement *action,
                           const ck_contact_note *note, ck_date as_of, char *err, size_t err_len)
{
    size_t ord = 0, eord = 0;
    ck_contact *ct = ck_store_find_record(c, "contacts", contact_id, &ord);
    if (!ct)
        return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "contacts: case %s has no contact with id \"%s\"", c->crn,
                           contact_id ? contact_id : "");
    const char *code = outcome ? ck_vocab_find(ck_vocab_outcome, outcome, strlen(outcome)) : NULL;
    if (!code) {
        char allowed[512];
        ck_vocab_list(ck_vocab_outcome, allowed, sizeof allowed);
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "contacts[%zu].outcome: \"%s\" is not one of %s", ord,
                           outcome ? outcome : "", allowed);
    }
    ct->outcome = code;
    ct->outcome_on = outcome_on;
    if (note) {
        ct->notes = note->notes && note->notes[0] ? ck_arena_strdup(&c->arena, note->notes) : NULL;
        ct->sensitive = note->sensitive == 1 ? 1 : CK_NULL;
        if (note->recorded_by) ct->recorded_by = ck_arena_strdup(&c->arena, note->recorded_by);
    }
    char path[64];
    snprintf(path, sizeof path, "contacts[%zu]", ord);
    ck_rc rc = ck_store_check(&ck_entity_contact, ct, path, err, err_len);
    if (rc != CK_OK) return rc;
    if (action) {
        ck_enforcement en = *action;
        en.contact = ct->id;
        en.event = ct->event;
        if (en.id && ck_store_find_record(c, "enforcement", en.id, &eord))
            return ck_txn_fail(CK_ERR_EXISTS, err, err_len,
                               "enforcement[%zu].id: \"%s\" is already the id of a record of case %s", eord, en.id,
                               c->crn);
        if ((rc = ck_store_append(c, "enforcement", &en, &eord, err, err_len)) != CK_OK) return rc;
    }
    if (!ck_case_validate(c, err, err_len)) return CK_ERR_INVALID;
    rc = ck_store_write_record(db, id, c, "contacts", ord, false, err, err_len);
    if (rc == CK_OK && action) rc = ck_store_write_record(db, id, c, "enforcement", eord, true, err, err_len);
    if (rc == CK_OK) rc = ck_store_bump_version(db, id, err, err_len);
    if (rc != CK_OK) return rc;
    ck_result *r = ck_rules_evaluate(c, as_of, eng->cal, eng->cfg);
    ck_arena a;
    ck_arena_init(&a);
    ck_holder h;
    rc = stored_holder(db, id, &a, &h, err, err_len);
    if (rc == CK_OK) rc = ck_store_put_obligations(db, id, r, &h, true, err, err_len);
    /* The holder is the stored one, not derived at as_of: if the case's
     * next change had already come, it stays due for the nightly job. */
    ck_wprofile p;
    ck_wprofile_of(c, as_of, eng->cfg, &p);
    if (rc == CK_OK) rc = ck_caseload_store_profile(db, id, &p, as_of, err, err_len);
    if (rc == CK_OK) rc = ck_store_lower_next_change(db, id, ck_horizon_case(c, as_of, r, &p), err, err_len);
    ck_arena_free(&a);
    ck_result_free(r);
    return rc;
}

ck_rc ck_casewrite_outcome_tx(ck_db *db, const ck_engine *eng, const char *crn, const char *contact_id,
                              const char *outcome, ck_date outcome_on, const ck_enforcement *action,
                              const ck_contact_note *note, ck_date as_of, char *err, size_t err_len)
{
    int64_t id = 0;
    ck_case *c = NULL;
    ck_rc rc = ck_store_find(db, crn, CK_LOCK_UPDATE, &id, err, err_len);
    if (rc == CK_OK) rc = ck_store_load(db, id, &c, err, err_len);
    if (rc == CK_OK) rc = apply_outcome(db, eng, id, c, contact_id, outcome, outcome_on, action, note, as_of, err, err_len);
    ck_case_free(c);
    return rc;
}

ck_rc ck_casewrite_outcome(ck_db *db, const ck_engine *eng, const char *crn, const char *contact_id,
                           const char *outcome, ck_date outcome_on, const ck_enforcement *action, ck_date as_of,
                           char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_casewrite_outcome_tx(db, eng, crn, contact_id, outcome, outcome_on, action, NULL, as_of, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}
