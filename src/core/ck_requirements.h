/* ck_requirements: what the requirements of a community order or SSO are,
 * how far each has got, and the tier's mandate for change they give.
 *
 * One table (ck_requirements.c) holds every requirement type of the
 * Sentencing Act 2020 Sch. 9 that Casekeeper records: its code (the bundle's
 * `type`, ck_vocab_requirement_type), its name for pages, whether it has an
 * amount and in what unit, the amount's statutory bounds, whether it is
 * restrictive (HMPPS tier's notion: it limits where the person may be or what
 * they may do, and so gives no mandate for change), and which contacts count
 * towards its progress. Everything here is pure: no I/O, no allocation. */
#ifndef CK_REQUIREMENTS_H
#define CK_REQUIREMENTS_H
#include "ck_case.h"

typedef enum ck_req_unit {
    CK_REQ_NO_AMOUNT,  /* the order gives no number */
    CK_REQ_HOURS,      /* hours in all (unpaid work, attendance centre) */
    CK_REQ_DAYS,       /* days (rehabilitation activity, programme, abstinence) */
    CK_REQ_HOURS_A_DAY /* hours each day (curfew) */
} ck_req_unit;

typedef enum ck_req_progress_kind {
    CK_REQ_PROGRESS_NONE,  /* nothing to count */
    CK_REQ_PROGRESS_HOURS, /* hours worked: contacts of the category `counted` with hours */
    CK_REQ_PROGRESS_DAYS,  /* attended contacts of the types in `counted`, once a day */
} ck_req_progress_kind;

typedef struct ck_req_type {
    const char *code;        /* the bundle's `type`, as in ck_vocab_requirement_type */
    const char *name;        /* "Unpaid work", for pages */
    ck_req_unit unit;
    int32_t min, max;        /* the amount's bounds (inclusive); 0 when none */
    bool restrictive;
    ck_req_progress_kind progress;
    const char *counted;     /* HOURS: a contact category; DAYS: contact type codes, space-separated */
    const char *source;      /* where the bounds and the type come from */
    const char *brief;       /* the name where space is short (the caseload's column): "RAR" */
} ck_req_type;

/* Every type, in the table's order (the order pages list them in). */
const ck_req_type *ck_req_types(size_t *n);
/* The type of code (any string equal to a vocabulary entry), or NULL. */
const ck_req_type *ck_req_type_find(const char *code);
/* "hours", "days", "hours a day", or "" for CK_REQ_NO_AMOUNT. */
const char *ck_req_unit_name(ck_req_unit u);

/* Why a requirement record is not acceptable on its own (amount against its
 * type's unit and bounds, dates in order, a reason only with a termination):
 * the key at fault, with what was expected in msg; NULL when it is fine. The
 * bundle codec runs it through ck_entity_requirement's check. */
const char *ck_requirement_check(const ck_requirement *r, char *msg, size_t msg_len);

/* The requirement with this id on any event of c (its event in *ev_out when
 * not NULL), or NULL. */
const ck_requirement *ck_case_requirement(const ck_case *c, const char *id, const ck_event **ev_out);

/* The last day the requirement applies: its `end`, else its sentence's
 * end_date; CK_NODATE when neither is known. */
ck_date ck_requirement_last_day(const ck_event *e, const ck_requirement *r);
/* In force at d: started on or before d, d on or before its last day (or no
 * last day known), not terminated on or before d. Dates only: hours worked do
 * not end it here. */
bool ck_requirement_in_force(const ck_event *e, const ck_requirement *r, ck_date d);

/* ---- Progress ---------------------------------------------------------------- */

typedef enum ck_req_status {
    CK_REQ_NOT_STARTED, /* starts after the date */
    CK_REQ_ACTIVE,
    CK_REQ_COMPLETED,   /* its last day has passed, or everything it asks is done */
    CK_REQ_TERMINATED,  /* ended early on terminated_on (with terminated_reason) */
} ck_req_status;

/* How far a requirement has got at a date. What counts is the type's
 * `progress` in the table, from the event's contacts dated from the
 * requirement's start to the date (and not after its last day or
 * termination):
 *  - unpaid work: the hours worked recorded on contacts of the unpaid work
 *    category (each session's `hours`);
 *  - rehabilitation activity and programme: the days with an attended
 *    contact (ck_outcome_attended) of the types the table names, a day
 *    counted once however many contacts it has. */
typedef struct ck_req_progress {
    const ck_req_type *type;
    ck_req_status status;
    ck_date last_day;    /* ck_requirement_last_day */
    int32_t done;        /* hours worked or days used; 0 for a type without progress */
    int32_t remaining;   /* amount - done, not below 0; CK_NOINT for a type without progress */
    /* Unpaid work still to do at d whose remaining hours exceed what can be
     * worked at `pace` hours a week from d to its last day (whole weeks and
     * part weeks pro rata, rounded down): it will over-run. */
    bool overrunning;
    int32_t workable;    /* those hours at pace; CK_NOINT when not computed */
} ck_req_progress;

void ck_requirement_progress(const ck_case *c, const ck_event *e, const ck_requirement *r, ck_date d, int pace,
                             ck_req_progress *out);
/* The same from a requirement's parts, with `done` already counted (by the
 * store's query over many cases, store/ck_req_store): the one place that
 * turns an amount and what was done into remaining hours or days, a status
 * and whether unpaid work over-runs. t may be NULL (an unknown type: no
 * progress). ck_requirement_progress counts and then calls this. */
void ck_requirement_progress_of(const ck_req_type *t, int32_t amount, int32_t done, ck_date start, ck_date last_day,
                                ck_date terminated_on, ck_date d, int pace, ck_req_progress *out);
/* Whether a contact of type `contact_type` counts towards a requirement of
 * type t: for hours, a contact of the category t->counted (its hours count);
 * for days, one of the codes t->counted lists (once attended,
 * ck_outcome_attended). false for a type without progress. */
bool ck_req_counts_type(const ck_req_type *t, const char *contact_type);
/* "active", "completed", "terminated", "not started". */
const char *ck_req_status_name(ck_req_status s);

/* ---- Mandate for change (the tier) ------------------------------------------ */

/* HMPPS tier (MandateForChange): a case has a mandate for change when a
 * sentence in force is custody, or has a requirement in force that is not
 * restrictive and is not unpaid work. A community order or SSO in force
 * with no requirement recorded cannot be decided: `unrecorded` names it, so
 * the tier can list "requirements not recorded" as a missing input rather
 * than guess. */
typedef struct ck_mandate {
    bool mandate;
    const ck_event *event;             /* the event that gives it; NULL when none */
    const ck_requirement *requirement; /* the requirement that gives it; NULL for custody or none */
    const ck_event *unrecorded;        /* the first CO/SSO in force without requirements; NULL when none */
} ck_mandate;

void ck_mandate_for_change(const ck_case *c, ck_date d, ck_mandate *out);
/* Whether a community order or SSO in force at d has no requirement
 * recorded: its event, else NULL. */
const ck_event *ck_requirements_unrecorded(const ck_case *c, ck_date d);

#endif
