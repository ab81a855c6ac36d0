#include "ck_gen_requirements.h"
#include "ck_ctypes.h"
#include "ck_mem.h"
#include "ck_rng.h"
#include "ck_str.h"
#include <stdlib.h>
#include <string.h>

#define REQ_STREAM (UINT64_C(1) << 61)
#define MAX_REQS 12 /* more than order() can add */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Shares of orders with each requirement (UNCONFIRMED, see the header). */
static const double UNPAID_WORK = 0.45, RAR = 0.55, CURFEW = 0.17, DRUG = 0.05, ALCOHOL = 0.04,
                    MENTAL_HEALTH = 0.02, EXCLUSION = 0.03, PROHIBITED = 0.03, ABSTINENCE = 0.03;
static const double SLOW_UNPAID_WORK = 0.25; /* worked about one week in three */
static const ck_choice upw_hours[] = {{"40", 8},  {"60", 12}, {"80", 15}, {"100", 15}, {"120", 15},
                                      {"150", 12}, {"180", 8}, {"200", 8},  {"240", 4},  {"300", 3}};
static const ck_choice rar_days[] = {{"10", 20}, {"15", 20}, {"20", 30}, {"30", 20}, {"40", 10}};

typedef struct gen {
    ck_case *c;
    const ck_event *e;
    ck_rng *r;
    ck_date as_of;
    ck_requirement reqs[MAX_REQS];
    size_t n;
    ck_contact *contacts;
    size_t n_contacts, cap;
} gen;

static ck_requirement *add(gen *g, const char *type, int32_t amount, ck_date start, ck_date end, const char *detail)
{
    ck_requirement *q = &g->reqs[g->n++];
    *q = (ck_requirement){ck_arena_printf(&g->c->arena, "RQ%zu", g->n), ck_vocab_find(ck_vocab_requirement_type, type,
                                                                                     strlen(type)),
                          amount, start, end, CK_NODATE, NULL, detail};
    return q;
}

/* An attended contact of `code` on d (hours worked: CK_NOINT when none). */
static void session(gen *g, ck_date d, const char *code, int32_t hours)
{
    if (g->n_contacts == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 32;
        g->contacts = ck_realloc(g->contacts, g->cap * sizeof *g->contacts);
    }
    const ck_ctype *t = ck_ctype_find(code);
    ck_contact *k = &g->contacts[g->n_contacts++];
    *k = ck_contact_blank();
    k->id = ck_arena_printf(&g->c->arena, "CR%zu", g->n_contacts);
    k->event = g->e->id;
    k->date = d;
    k->type = t ? t->code : code;
    k->national_standard = t && t->national_standard;
    k->appointment = 1;
    k->outcome = ck_vocab_find(ck_vocab_outcome, "ATTC", 4);
    k->outcome_on = d;
    k->booked_on = d - 7;
    k->hours = hours;
}

/* Weekly sessions from `from` (every `every` weeks), until as_of or `to`,
 * or until `total` is done; each gives `each` (hours, or a day). */
static void sessions(gen *g, ck_date from, ck_date to, int every, const char *code, int32_t total, bool hours)
{
    int32_t done = 0;
    for (ck_date d = from + ck_rng_range(g->r, 3, 10); d <= g->as_of && d <= to && done < total;
         d += 7 * every + ck_rng_range(g->r, -1, 1)) {
        if (ck_rng_chance(g->r, 0.1)) continue; /* a week missed */
        int32_t n = hours ? (int32_t)ck_rng_range(g->r, 5, 7) : 1;
        if (n > total - done) n = total - done;
        session(g, d, code, hours ? n : CK_NOINT);
        done += n;
    }
}

static void order(gen *g)
{
    ck_rng *r = g->r;
    const ck_sentence *s = &g->e->sentence;
    ck_date start = s->date, end = s->end_date;
    const char *cat = g->e->n_offences ? g->e->offences[0].category : "";
    bool da = g->e->n_offences && g->e->offences[0].domestic_abuse == 1;
    bool sexual = ck_streq(cat, "sexual_adult") || ck_streq(cat, "sexual_child");
    if (ck_rng_chance(r, UNPAID_WORK)) {
        int32_t hours = (int32_t)atoi(upw_hours[ck_rng_pick(r, upw_hours, COUNT(upw_hours))].value);
        add(g, "unpaid_work", hours, start, CK_NODATE,
            ck_rng_chance(r, 0.5) ? "Group placement, Saturdays" : "Individual placement at a charity shop");
        sessions(g, start, end, ck_rng_chance(r, SLOW_UNPAID_WORK) ? 3 : 1, CK_UNPAID_WORK_SESSION, hours, true);
    }
    if (ck_rng_chance(r, RAR) || da || sexual) {
        int32_t days = (int32_t)atoi(rar_days[ck_rng_pick(r, rar_days, COUNT(rar_days))].value);
        add(g, "rehabilitation_activity", days, start, CK_NODATE, NULL);
        sessions(g, start, end, 2, ck_rng_chance(r, 0.7) ? "RARP" : "CRSAPT", days, false);
    }
    if (da || sexual) {
        ck_date from = start + ck_rng_range(r, 20, 60);
        if (from < end) {
            add(g, "programme", da ? 24 : 31, from, CK_NODATE, da ? "Building Better Relationships" : "Horizon");
            sessions(g, from, end, 1, "APAT", da ? 24 : 31, false);
        }
    }
    if (ck_rng_chance(r, CURFEW)) {
        ck_date last = ck_date_add_months(start, ck_rng_range(r, 2, 6)) - 1;
        if (last > end) last = end;
        int32_t hours = (int32_t)ck_rng_range(r, 8, 12);
        add(g, "curfew", hours, start, last,
            ck_arena_printf(&g->c->arena, "%d hours each night from 19:00 at the main address", hours));
        add(g, "electronic_monitoring", CK_NOINT, start, last, "Curfew tag");
    }
    if (ck_rng_chance(r, DRUG)) add(g, "drug_rehabilitation", CK_NOINT, start, CK_NODATE, "Treatment with the local drug service");
    if (ck_rng_chance(r, ALCOHOL)) add(g, "alcohol_treatment", CK_NOINT, start, CK_NODATE, NULL);
    if (ck_rng_chance(r, MENTAL_HEALTH)) add(g, "mental_health_treatment", CK_NOINT, start, CK_NODATE, "Outpatient");
    if (ck_rng_chance(r, EXCLUSION) || (da && ck_rng_chance(r, 0.2)))
        add(g, "exclusion", CK_NOINT, start, CK_NODATE, "Not to enter the street where the victim lives");
    if (ck_rng_chance(r, PROHIBITED)) add(g, "prohibited_activity", CK_NOINT, start, CK_NODATE, "Not to attend football matches");
    if (ck_rng_chance(r, ABSTINENCE)) {
        ck_date last = start + 119;
        add(g, "alcohol_abstinence", 120, start, last > end ? end : last, "Transdermal alcohol tag");
    }
    if (!g->n) { /* an order has at least one requirement */
        add(g, "rehabilitation_activity", 10, start, CK_NODATE, NULL);
        sessions(g, start, end, 2, "RARP", 10, false);
    }
}

void ck_gen_requirements(ck_case *c, uint64_t seed, size_t index, ck_date as_of)
{
    ck_rng r;
    ck_rng_seed(&r, seed, REQ_STREAM | (uint64_t)index);
    gen g = {.c = c, .r = &r, .as_of = as_of};
    for (size_t i = 0; i < c->n_events; i++) {
        ck_event *e = &c->events[i];
        if (!e->has_sentence || !(ck_streq(e->sentence.type, "community_order") || ck_streq(e->sentence.type, "sso")))
            continue;
        g.e = e;
        g.n = 0;
        order(&g);
        e->requirements = ck_arena_array(&c->arena, g.n, sizeof *e->requirements);
        memcpy(e->requirements, g.reqs, g.n * sizeof *g.reqs);
        e->n_requirements = g.n;
    }
    if (!g.n_contacts) return;
    ck_contact *all = ck_arena_array(&c->arena, c->n_contacts + g.n_contacts, sizeof *all);
    if (c->n_contacts) memcpy(all, c->contacts, c->n_contacts * sizeof *all);
    memcpy(all + c->n_contacts, g.contacts, g.n_contacts * sizeof *all);
    c->contacts = all;
    c->n_contacts += g.n_contacts;
    ck_free(g.contacts);
}
