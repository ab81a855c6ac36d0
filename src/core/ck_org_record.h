/* ck_org_record: the organisation's records (regions, PDUs, teams, staff,
 * vacancies, funded posts) as docs/formats.md describes organisation.jsonl, with their
 * vocabularies: the shapes that bundle/ck_org_codec reads them into and
 * store/ck_org writes and looks up, as core/ck_case is for cases. */
#ifndef CK_ORG_RECORD_H
#define CK_ORG_RECORD_H
#include "ck_date.h"
#include <stdbool.h>
#include <stddef.h>

typedef enum ck_org_kind { CK_ORG_REGION, CK_ORG_PDU, CK_ORG_TEAM, CK_ORG_STAFF, CK_ORG_VACANCY, CK_ORG_POST,
                           CK_ORG_OFFICE } ck_org_kind;

#define CK_ORG_CODE_MAX 32            /* region, PDU, team and staff codes */
#define CK_ORG_DEFAULT_HOURS 37.0     /* a full-time week when contracted_hours is absent */

extern const char *const ck_vocab_grade[];        /* PO PQiP PSO SPO VLO court_officer head_of_pdu */
/* The grade's name for a page ("Senior probation officer (SPO)"); an
 * unknown grade is returned as it is, NULL as "". Static storage. */
const char *ck_grade_label(const char *grade);
extern const char *const ck_vocab_staff_status[]; /* in_post long_term_absence left */
extern const char *const ck_vocab_org_kind[];     /* region pdu team staff vacancy post office, in ck_org_kind order */

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
    const char *pdu;    /* team, office */
    const char *office; /* team: the office's name as free text */
    const char *address; /* office: a PDU's office where appointments are held (code, pdu, name, address) */
    const char *team;   /* staff, vacancy, post */
    const char *grade;  /* staff, vacancy, post */
    const char *forename, *surname;
    const char *status; /* staff: in_post (default), long_term_absence, left */
    bool agency;
    double contracted_hours;
    ck_date start_date, left_on, absence_from; /* staff */
    ck_date since;                             /* vacancy */
    double fte;                                /* post: the funded full-time equivalents of the grade in the team */
    ck_org_reduction *reductions;
    size_t n_reductions;
} ck_org_record;

const char *ck_org_kind_name(ck_org_kind k); /* "region", "pdu", ... */

#endif
