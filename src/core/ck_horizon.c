/* ck_horizon: see ck_horizon.h. */
#include "ck_horizon.h"
#include <stddef.h>
#include <stdint.h>

void ck_horizon_note(ck_date *next, ck_date as_of, ck_date d)
{
    if (d == CK_NODATE || d <= as_of) return;
    if (*next == CK_NODATE || d < *next) *next = d;
}

/* Date fields the rules compare with as_of in one way only, so that a date
 * brings a case in on one day rather than two (by default a date d after
 * as_of gives d, for a test "d <= as_of", and d again the day after, for a
 * test "d < as_of"). Each entry was checked against every reader of the
 * field in core (ck_rules' view_at and rules, ck_facts, ck_tier,
 * ck_wprofile): a new comparison of one of them with as_of must take it out.
 *  - FROM_DATE: a fact the view keeps from its date on (view_at's
 *    "known(d, as_of)" or "d <= as_of", ck_facts' known_at, ck_in_force's
 *    start, ck_tier's "d > as_of") and compares only with other dates
 *    after that: it changes things on its date, never the day after.
 *  - DUE_DATE: a date the rules only count from or take as a due date
 *    (a registration's next review): a due date passing is no change,
 *    open versus overdue being decided when read. */
typedef enum { FROM_DATE, DUE_DATE } compared;
static const struct {
    const ck_entity *e;
    size_t off;
    compared how;
} ONE_WAY[] = {
    {&ck_entity_registration, offsetof(ck_registration, next_review), DUE_DATE},
    {&ck_entity_registration, offsetof(ck_registration, date), FROM_DATE},
    {&ck_entity_review, offsetof(ck_review, date), FROM_DATE},
    {&ck_entity_reg_decision, offsetof(ck_reg_decision, date), FROM_DATE},
    {&ck_entity_enforcement, offsetof(ck_enforcement, date), FROM_DATE},
    {&ck_entity_assessment, offsetof(ck_assessment, completed), FROM_DATE},
    {&ck_entity_change, offsetof(ck_change, date), FROM_DATE},
    {&ck_entity_decision, offsetof(ck_decision, date), FROM_DATE},
    {&ck_entity_victim, offsetof(ck_victim, referred), FROM_DATE},
    {&ck_entity_victim, offsetof(ck_victim, first_contact), FROM_DATE},
    {&ck_entity_victim, offsetof(ck_victim, opted_on), FROM_DATE},
    {&ck_entity_victim, offsetof(ck_victim, representations), FROM_DATE},
    {&ck_entity_victim, offsetof(ck_victim, release_notified), FROM_DATE},
    {&ck_entity_victim, offsetof(ck_victim, recall_notified), FROM_DATE},
    {&ck_entity_breach, offsetof(ck_breach, pack_sent), FROM_DATE},
    {&ck_entity_breach, offsetof(ck_breach, resolved), FROM_DATE},
    {&ck_entity_check, offsetof(ck_check, requested), FROM_DATE},
    {&ck_entity_check, offsetof(ck_check, received), FROM_DATE},
    {&ck_entity_referral_outcome, offsetof(ck_referral_outcome, date), FROM_DATE},
};

/* The day date d of field f of an e brings the case in (CK_NODATE: none). */
static ck_date change_day(const ck_entity *e, const ck_field *f, ck_date d, ck_date as_of)
{
    if (d == CK_NODATE || d < as_of) return CK_NODATE;
    for (size_t i = 0; i < sizeof ONE_WAY / sizeof ONE_WAY[0]; i++) {
        if (ONE_WAY[i].e != e || ONE_WAY[i].off != f->off) continue;
        if (ONE_WAY[i].how == DUE_DATE || d == as_of) return CK_NODATE;
        return d;
    }
    return d > as_of ? d : as_of + 1;
}

/* A booked appointment dated after as_of is in the rules' view already (it
 * was booked by as_of), without an outcome (core/ck_rules view_at): on its
 * date the view keeps it as it was unless an outcome shows then, and the
 * only comparison of its date with as_of is OUTCOME's "dated before as_of"
 * (rule_outcome), which turns the day after. So its date brings the case in
 * the day after, not on the day: for every booking that is most of the cases
 * a night brings in, and on its day nothing changes (bench/horizon). A
 * cancelled contact is in no view at any date: its dates change nothing. */
static bool contact_seen_later(const ck_contact *k, ck_date as_of, ck_date *d)
{
    if (k->cancelled == 1) return true;
    if (k->date == CK_NODATE || k->date <= as_of || k->appointment != 1 || k->booked_on == CK_NODATE ||
        k->booked_on > as_of)
        return false;
    /* An outcome shows on the date when it has none or one dated by then. */
    bool outcome_shows = k->outcome_on != CK_NODATE ? k->outcome_on <= k->date : k->outcome != NULL;
    if (outcome_shows) return false;
    *d = k->date + 1;
    return true;
}

/* why (NULL: not wanted) gets the entity and key of the field that gave the
 * earliest date so far. */
static void walk(const ck_entity *e, const void *rec, ck_date as_of, ck_date *next, const char **why_e,
                 const char **why_k, bool *why_today)
{
    const ck_contact *ct = e == &ck_entity_contact ? rec : NULL;
    ck_date later = CK_NODATE;
    if (ct && contact_seen_later(ct, as_of, &later)) {
        if (ct->cancelled == 1) return;
        ck_date was = *next;
        ck_horizon_note(next, as_of, later);
        if (why_e && *next != was) *why_e = "booked appointment", *why_k = "date", *why_today = false;
    }
    for (size_t i = 0; i < e->n_fields; i++) {
        const ck_field *f = &e->fields[i];
        const char *at = (const char *)rec + f->off;
        if (f->type == CK_F_DATE) {
            if (later != CK_NODATE && f->off == offsetof(ck_contact, date)) continue;
            ck_date d = *(const ck_date *)at, day = change_day(e, f, d, as_of);
            if (day == CK_NODATE) continue;
            ck_date was = *next;
            ck_horizon_note(next, as_of, day);
            if (why_e && *next != was) *why_e = e->name, *why_k = f->key, *why_today = d == as_of;
        } else if (f->type == CK_F_OBJ) {
            if (f->aux_off != SIZE_MAX && !*(const bool *)((const char *)rec + f->aux_off)) continue;
            walk(f->sub, at, as_of, next, why_e, why_k, why_today);
        } else if (f->type == CK_F_LIST) {
            const char *items = *(const char *const *)at;
            size_t n = *(const size_t *)((const char *)rec + f->aux_off);
            for (size_t k = 0; k < n; k++) walk(f->sub, items + k * f->sub->size, as_of, next, why_e, why_k, why_today);
        }
    }
}

ck_date ck_horizon_facts(const ck_case *c, ck_date as_of)
{
    ck_date next = CK_NODATE;
    walk(&ck_entity_case, c, as_of, &next, NULL, NULL, NULL);
    return next;
}

ck_date ck_horizon_facts_why(const ck_case *c, ck_date as_of, const char **entity, const char **key, bool *today)
{
    ck_date next = CK_NODATE;
    *entity = *key = NULL;
    *today = false;
    walk(&ck_entity_case, c, as_of, &next, entity, key, today);
    return next;
}

ck_date ck_horizon_never(void) { return ck_date_ymd(CK_HORIZON_NEVER_Y, 12, 31); }

ck_date ck_horizon_case(const ck_case *c, ck_date as_of, const ck_result *r, const ck_wprofile *p)
{
    ck_date next = ck_horizon_facts(c, as_of);
    if (r) ck_horizon_note(&next, as_of, r->changes_on);
    if (p) ck_horizon_note(&next, as_of, p->changes_on);
    ck_date never = ck_horizon_never();
    return next == CK_NODATE || next > never ? never : next;
}
