/* ck_org: the organisation (regions, PDUs, teams, staff, vacancies;
 * core/ck_org_record, parsed from organisation.jsonl by bundle/ck_org_codec)
 * in the database, and look-ups by code.
 *
 * An import writes inside the caller's transaction: regions, PDUs, teams and
 * staff are upserted by code (re-importing a changed organisation updates
 * it), a staff member's reductions are replaced, and the vacancies of a team
 * are replaced by those the import lists for it. */
#ifndef CK_ORG_H
#define CK_ORG_H
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_org_record.h"
#include "ck_rc.h"

/* Writes parsed records in the caller's transaction. A record must come after
 * what it names (CK_ERR_INVALID naming the key otherwise). */
typedef struct ck_org_import ck_org_import;
ck_org_import *ck_org_import_new(ck_db *db);
ck_rc ck_org_import_put(ck_org_import *imp, const ck_org_record *rec, char *err, size_t err_len);
void ck_org_import_free(ck_org_import *imp); /* NULL-safe */

/* Looks up a region, PDU, team or staff member (with reductions) by code;
 * strings in arena. CK_ERR_NOTFOUND when there is none. */
ck_rc ck_org_get(ck_db *db, ck_org_kind kind, const char *code, ck_arena *arena, ck_org_record *out, char *err,
                 size_t err_len);

/* Every region (parent unused), the PDUs of a region (parent NULL: every
 * PDU), the teams of a PDU or the offices of a PDU (address filled too), in
 * name order: code and name (and region, pdu) filled, strings in arena.
 * Other kinds are CK_ERR_INVALID. */
ck_rc ck_org_list(ck_db *db, ck_org_kind kind, const char *parent, ck_arena *arena, ck_org_record **out, size_t *n,
                  char *err, size_t err_len);

#endif
