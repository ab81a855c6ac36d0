/* ck_facts: what a case says at a date, in the rulebook's own terms.
 *
 * ../shared/rulebook.md "Terms" defines sentences in force, supervision
 * periods, registrations in force, the latest RoSH and the probation reset.
 * Each is a pure read-only function of the case and a date, so every derived
 * figure (tier, OGRS3, workload case type) reads the case the same way.
 * core/ck_rules has its own static, indexed copies of the same terms: a
 * change to a term belongs in both until it uses these. Facts dated after the
 * date are ignored, as the rulebook says, except a known future release date.
 * Nothing here allocates. */
#ifndef CK_FACTS_H
#define CK_FACTS_H
#include "ck_case.h"

/* ---- Sentences ------------------------------------------------------------ */

/* pss_end_date if set, else end_date; CK_NODATE when neither (a hospital order
 * without an end). */
ck_date ck_sentence_final_end(const ck_sentence *s);
/* Sentence date <= d <= final end and not terminated on or before d. A
 * sentence with no final end (hospital order) runs until it is terminated. */
bool ck_sentence_in_force(const ck_sentence *s, ck_date d);
/* An event is active at d when it has a sentence in force at d. */
bool ck_event_active(const ck_event *e, ck_date d);

/* ---- Supervision periods -------------------------------------------------- */

typedef enum ck_period_kind {
    CK_PERIOD_ORDER,   /* community order or SSO: sentence date to end_date */
    CK_PERIOD_LICENCE, /* custody: release_date to end_date, cut by a recall */
    CK_PERIOD_PSS,     /* post-sentence supervision: end_date + 1 to pss_end_date */
} ck_period_kind;

typedef struct ck_period {
    ck_period_kind kind;
    ck_date start, last; /* both inclusive; start may be after d (a known future release) */
} ck_period;

/* The supervision periods of `e` as known at d (at most two: licence and PSS),
 * written to out; returns how many. Terminations and recalls dated after d are
 * ignored; a period they empty is left out. None for a hospital order, an
 * event without a sentence, or custody with no release date yet. */
size_t ck_event_periods(const ck_case *c, const ck_event *e, ck_date d, ck_period out[2]);
static inline bool ck_period_active(const ck_period *p, ck_date d) { return p->start <= d && d <= p->last; }

/* ---- In force --------------------------------------------------------------- */

/* The one reading of "in force at d" (rulebook "Terms", v3): start <= d < end.
 * The end (`to` of allocations and addresses, `deregistered` of registrations)
 * is the first day the record no longer applies; CK_NODATE means not ended. A
 * record without a start is never in force. */
bool ck_in_force(ck_date start, ck_date end, ck_date d);
bool ck_allocation_in_force(const ck_allocation *a, ck_date d);
/* An address is current at d on the same terms. */
bool ck_address_current(const ck_address *a, ck_date d);
/* The main address current at d, the latest `from` when several are; NULL
 * when none (no fixed abode, or not recorded). */
const ck_address *ck_main_address_current(const ck_case *c, ck_date d);
/* Who the person lives with at d: the change of kind address, household or
 * relationship dated on or before d that lists household members or says
 * lives_alone, the latest date first (then the later in the list). NULL when
 * none does: the household is not recorded. */
const ck_change *ck_household_current(const ck_case *c, ck_date d);
/* The allocation in force at d that started last (the case's practitioner
 * then); NULL when none. */
const ck_allocation *ck_allocation_current(const ck_case *c, ck_date d);

/* ---- Registrations and risk ----------------------------------------------- */

/* In force at d: registered on or before d, not yet de-registered on d. */
bool ck_registration_in_force(const ck_registration *r, ck_date d);
/* The latest registration of `type` in force at d (two on one day: the higher
 * `level`, so M3 wins over M2); NULL when none. */
const ck_registration *ck_registration_current(const ck_case *c, const char *type, ck_date d);
/* The latest RoSH assessment completed on or before d (two on one day: the
 * higher level); NULL when none. */
const ck_assessment *ck_rosh_current(const ck_case *c, ck_date d);
/* low 0, medium 1, high 2, very_high 3; -1 for anything else. */
int ck_rosh_rank(const char *level);

/* The RoSH the tier and the case header read at d (issue 20, as hmpps-tier's
 * DeliusApiService does): the latest-dated of the RoSH registrations in force
 * (RVHR very high, RHRH high, RMRH medium, RLRH low) and the RoSH assessments
 * completed on or before d. Same day: the higher level. */
typedef struct ck_rosh_found {
    const char *level;              /* ck_vocab_rosh_level */
    ck_date date;                   /* registered or completed */
    const char *id;                 /* the record's id (may be NULL) */
    const char *register_type;      /* "RVHR".. for a registration; NULL for an assessment */
} ck_rosh_found;
bool ck_rosh_latest(const ck_case *c, ck_date d, ck_rosh_found *out);
/* The RoSH level a register code stands for, or NULL when it is not a RoSH register. */
const char *ck_rosh_register_level(const char *type);

/* The first day OASys assessment a is out of date: more than max_age_weeks
 * after its completion (what ck_oasys_current holds to). */
ck_date ck_oasys_expires(const ck_assessment *a, int max_age_weeks);
/* The latest OASys assessment (a RoSH assessment, a sentence plan or a full
 * OASys with needs: the OASys layers Casekeeper records) completed on or before d and no more than
 * max_age_weeks before it (HMPPS treats an older one as out of date: the rules
 * configuration's rosh_max_age_weeks); NULL when none. */
const ck_assessment *ck_oasys_current(const ck_case *c, ck_date d, int max_age_weeks);

/* ---- The probation reset -------------------------------------------------- */

/* Exempt from the reset at d: a MAPP registration in force (any level or
 * category), the latest RoSH very high, or an RCPR registration in force. */
bool ck_reset_exempt(const ck_case *c, ck_date d);
/* The day contact stops under the probation reset for period `p` of event `e`
 * (from ck_event_periods), or CK_NODATE when the reset does not touch it: the
 * reset is off (reset_from CK_NODATE), the period is a CO/SSO, or the case is
 * exempt at the earlier of as_of and the period's last day. Licence of L days
 * (release_date to end_date as sentenced, both counted): T = start +
 * floor(2L/3), stop = the later of T + 1 and reset_from. PSS: the later of its
 * start and reset_from. The same reading as core/ck_rules. */
ck_date ck_reset_contact_stop(const ck_case *c, const ck_event *e, const ck_period *p,
                              ck_date as_of, ck_date reset_from);

/* ---- People --------------------------------------------------------------- */

/* Completed years of age on d (a 29 February birthday counts from 1 March in
 * other years, as java.time.Period does); -1 when dob is absent or after d. */
int ck_age_on(ck_date dob, ck_date d);

#endif
