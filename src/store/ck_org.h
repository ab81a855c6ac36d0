/* ck_org: the organisation (regions, PDUs, teams, staff, vacancies) as
 * docs/formats.md describes organisation.jsonl, and look-ups by code.
 *
 * Parsing is strict like the bundle codec: unknown keys, wrong types, values
 * outside a vocabulary and missing required keys are errors naming the key
 * ("staff.contracted_hours: expected a number of hours, got \"lots\""). An
 * import writes inside the caller's transaction: regions, PDUs, teams and
 * staff are upserted by code (re-importing a changed organisation updates
 * it), a staff member's reductions are replaced, and the vacancies of a team
 * are replaced by those the import lists for it. */
#ifndef CK_ORG_H
#define CK_ORG_H
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"

typedef enum ck_org_kind { CK_ORG_REGION, CK_ORG_PDU, CK_ORG_TEAM, CK_ORG_STAFF, CK_ORG_VACANCY } ck_org_kind;

#define CK_ORG_CODE_MAX 32            /* region, PDU, team and staff codes */
#define CK_ORG_DEFAULT_HOURS 37.0     /* a full-time week when contracted_hours is absent */

extern const char *const ck_vocab_grade[];        /* PO PQiP PSO SPO VLO court_officer head_of_pdu */
extern const char *const ck_vocab_staff_status[]; /* in_post long_term_absence left */

typedef struct ck_org_reduction {
    double hours;
    const char *reason;
    ck_date from, expires;
} ck_org_reduction;

/* One organisation record; which members apply depends on kind (absent
 * strings NULL, absent dates CK_NODATE). Vocabulary strings point into the
 * vocabularies above. */
typedef struct ck_org_record {
    ck_org_kind kind;
    const char *code;   /* region, pdu, team, staff */
    const char *name;   /* region, pdu, team */
    const char *region; /* pdu */
    const char *pdu;    /* team */
    const char *office; /* team */
    const char *team;   /* staff, vacancy */
    const char *grade;  /* staff, vacancy */
    const char *forename, *surname;
    const char *status; /* staff: in_post (default), long_term_absence, left */
    bool agency;
    double contracted_hours;
    ck_date start_date, left_on, absence_from; /* staff */
    ck_date since;                             /* vacancy */
    ck_org_reduction *reductions;
    size_t n_reductions;
} ck_org_record;

const char *ck_org_kind_name(ck_org_kind k); /* "region", "pdu", ... */

/* Parses one JSON line into *out (strings in arena). CK_OK, or CK_ERR_INVALID
 * with "kind.key: message" in err. */
ck_rc ck_org_parse(const char *json, size_t len, ck_arena *arena, ck_org_record *out, char *err, size_t err_len);

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

#endif
