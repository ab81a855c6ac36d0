#include "ck_gen_licence.h"
#include "ck_rng.h"
#include "ck_str.h"
#include <string.h>

#define LICENCE_STREAM (UINT64_C(1) << 61)

/* Shares of licences with each additional condition (synthetic: shaped on
 * practice as the issue describes it, not on published figures). */
#define NON_CONTACT_VICTIM 0.9  /* a victim in the case: not to contact them */
#define EXCLUSION_VICTIM 0.6    /* ... and an exclusion zone around where they live */
#define APPROVED_PREMISES 0.2
#define CURFEW 0.25
#define TAGGED_CURFEW 0.8
#define DRUG_TESTING_DRUGS 0.6  /* after a drug offence */
#define DRUG_TESTING_OTHER 0.08
#define POLYGRAPH_SEXUAL 0.5    /* after a sexual offence */
#define DISCLOSE_DA 0.7         /* after domestic abuse */
#define CO_DEFENDANT 0.1

static const char *const zones[] = {
    "The streets inside the boundary marked on the map attached to the licence",
    "The town centre, inside the ring road",
    "The estate where the offence happened, as marked on the licence map",
};
static const char *const curfews[] = {"7pm to 7am at the approved address", "9pm to 6am at the approved address",
                                      "8pm to 8am at the approved address"};
static const char *const told_how[] = {"letter", "phone", "meeting", "email"};

typedef struct out {
    ck_case *c;
    ck_licence_condition *lc;
    size_t n, cap;
} out;

static ck_licence_condition *add(out *o, const char *type, ck_date start, ck_date end, ck_tri victim,
                                 const char *detail)
{
    if (o->n == o->cap) return NULL;
    ck_licence_condition *lc = &o->lc[o->n++];
    lc->id = ck_arena_printf(&o->c->arena, "L%zu", o->n);
    lc->type = ck_vocab_find(ck_vocab_licence_condition, type, strlen(type));
    lc->start = start;
    lc->end = end;
    lc->victim_related = victim;
    lc->victim_id = NULL;
    lc->detail = detail;
    return lc;
}

static bool offence_is(const ck_event *e, const char *cat)
{
    for (size_t i = 0; i < e->n_offences; i++)
        if (ck_streq(e->offences[i].category, cat)) return true;
    return false;
}

static bool domestic_abuse(const ck_event *e)
{
    for (size_t i = 0; i < e->n_offences; i++)
        if (e->offences[i].domestic_abuse == 1) return true;
    return false;
}

/* Victims in the scheme told of the release were told of the conditions
 * that concern them the same day. */
static void told(ck_case *c, const ck_event *e, ck_rng *r, ck_date as_of)
{
    for (size_t i = 0; i < c->n_victims; i++) {
        ck_victim *v = &c->victims[i];
        if (!ck_streq(v->opted, "in") || v->release_notified == CK_NODATE || v->release_notified > as_of ||
            !ck_streq(v->event, e->id))
            continue;
        ck_victim_told *t = ck_arena_array(&c->arena, e->n_licence_conditions, sizeof *t);
        size_t n = 0;
        const char *how = told_how[ck_rng_below(r, sizeof told_how / sizeof *told_how)];
        for (size_t k = 0; k < e->n_licence_conditions; k++) {
            const ck_licence_condition *lc = &e->licence_conditions[k];
            if (lc->victim_related != 1 || (lc->victim_id && !ck_streq(lc->victim_id, v->id))) continue;
            t[n++] = (ck_victim_told){lc->id, v->release_notified, ck_vocab_find(ck_vocab_told_how, how, strlen(how)),
                                      NULL};
        }
        v->conditions_told = n ? t : NULL;
        v->n_conditions_told = n;
    }
}

void ck_gen_licence(ck_case *c, uint64_t seed, uint64_t index, ck_date as_of)
{
    ck_rng r;
    ck_rng_seed(&r, seed, LICENCE_STREAM | index);
    for (size_t i = 0; i < c->n_events; i++) {
        ck_event *e = &c->events[i];
        const ck_sentence *s = &e->sentence;
        if (!e->has_sentence || !ck_streq(s->type, "custody") || s->release_date == CK_NODATE) continue;
        ck_date from = s->release_date;
        out o = {c, ck_arena_array(&c->arena, 16, sizeof(ck_licence_condition)), 0, 16};
        add(&o, "standard", from, CK_NODATE, CK_NULL, NULL);
        bool victims = false;
        for (size_t k = 0; k < c->n_victims; k++) {
            if (!ck_streq(c->victims[k].event, e->id)) continue;
            victims = true;
            if (!ck_rng_chance(&r, NON_CONTACT_VICTIM)) continue;
            ck_licence_condition *lc = add(&o, "non_contact", from, CK_NODATE, 1, NULL);
            if (lc) lc->victim_id = c->victims[k].id;
        }
        if (victims && ck_rng_chance(&r, EXCLUSION_VICTIM))
            add(&o, "exclusion_zone", from, CK_NODATE, 1, zones[ck_rng_below(&r, sizeof zones / sizeof *zones)]);
        if (ck_rng_chance(&r, CO_DEFENDANT))
            add(&o, "non_contact", from, CK_NODATE, 0, "Their co-defendants in this case, directly or through others");
        if (ck_rng_chance(&r, APPROVED_PREMISES))
            add(&o, "approved_premises", from, from + 7 * ck_rng_range(&r, 8, 16), CK_NULL,
                "Until the probation practitioner approves a move on");
        if (ck_rng_chance(&r, CURFEW)) {
            ck_date end = from + 7 * ck_rng_range(&r, 12, 26);
            add(&o, "curfew", from, end, victims ? 1 : 0, curfews[ck_rng_below(&r, sizeof curfews / sizeof *curfews)]);
            if (ck_rng_chance(&r, TAGGED_CURFEW))
                add(&o, "electronic_monitoring", from, end, victims ? 1 : 0, "A tag to monitor the curfew");
        }
        bool drugs = offence_is(e, "drug_possession_supply") || offence_is(e, "drug_import");
        if (ck_rng_chance(&r, drugs ? DRUG_TESTING_DRUGS : DRUG_TESTING_OTHER))
            add(&o, "drug_testing", from, CK_NODATE, CK_NULL, "Class A drugs, when the practitioner asks");
        if ((offence_is(e, "sexual_adult") || offence_is(e, "sexual_child")) && ck_rng_chance(&r, POLYGRAPH_SEXUAL))
            add(&o, "polygraph", from, CK_NODATE, CK_NULL, NULL);
        if (domestic_abuse(e) && ck_rng_chance(&r, DISCLOSE_DA))
            add(&o, "disclose_relationships", from, CK_NODATE, 0,
                "Any new intimate relationship, as it starts");
        e->licence_conditions = o.lc;
        e->n_licence_conditions = o.n;
        told(c, e, &r, as_of);
    }
}
