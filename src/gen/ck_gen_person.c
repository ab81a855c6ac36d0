#include "ck_gen_person.h"
#include "ck_gen_names.h"
#include "ck_rng.h"
#include "ck_str.h"
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Its own stream: the case's stream is its index, so another high bit. */
#define PERSON_STREAM (UINT64_C(1) << 62)

#define ALIAS_RATE 0.15        /* known by another name */
#define PRONOUNS_RATE 0.6      /* pronouns recorded */
#define OTHER_LANGUAGE 0.12    /* preferred language not English */
#define INTERPRETER_RATE 0.6   /* of those: needs an interpreter */
#define DISABILITY_RATE 0.22   /* at least one disability recorded */
#define CHILD_RATE 0.5         /* a new partner brings a child */
#define MAX_HOUSEHOLD 6
#define CONSENT_RATE 0.5       /* consented to appointment reminders */
#define CONSENT_EMAIL 0.3      /* of those: by email too */
#define CONSENT_WELSH 0.04     /* of those: in Welsh */

static const char *const languages[] = {"Polish", "Romanian", "Urdu", "Bengali", "Somali", "Portuguese",
                                        "Turkish", "Arabic", "Lithuanian", "Punjabi", "Tigrinya", "Albanian"};

static const struct {
    const char *kind, *adjustments;
} disabilities[] = {
    {"Dyslexia", "Letters in plain English; read the licence conditions aloud at appointments"},
    {"Hearing loss", "Meet in a quiet room; face them when speaking; a hearing loop is available"},
    {"Anxiety and depression", "Appointments first thing in the morning; text reminder the day before"},
    {"ADHD", "Short appointments with a break; written summary of actions"},
    {"Learning disability", "Easy read documents; a support worker may attend"},
    {"Mobility impairment (uses a wheelchair)", "Ground-floor interview room; step-free access"},
    {"Autism", "Same officer and room each time; warn in advance of any change"},
    {"Visual impairment", "Large print letters; phone calls rather than texts"},
};

typedef struct household {
    ck_household_member m[MAX_HOUSEHOLD];
    size_t n;
} household;

static void add_member(household *h, const char *name, const char *rel, bool child)
{
    if (h->n == MAX_HOUSEHOLD) return;
    h->m[h->n++] = (ck_household_member){name, ck_vocab_find(ck_vocab_relationship, rel, strlen(rel)), child};
}

static char *full_name(ck_arena *a, const char *fore, const char *sur) { return ck_arena_printf(a, "%s %s", fore, sur); }

/* The household after change ch, from the one before it. A relationship
 * change is a new partner (often with a child of theirs); a household change
 * brings a partner's children (or the person's own) to live at the address;
 * after a move the household may come along, or he may live alone, with a
 * partner or with his parents. */
static void next_household(ck_case *c, ck_rng *r, const ck_change *ch, household *h)
{
    ck_arena *a = &c->arena;
    if (ck_streq(ch->kind, "address")) {
        double u = ck_rng_unit(r);
        if (u < 0.3 && h->n) return; /* they all moved together */
        h->n = 0;
        if (u < 0.65) return;        /* lives alone */
        if (u < 0.8) {
            const char *sur = c->person.surname;
            add_member(h, full_name(a, ck_gen_forename(r, 'F'), sur), "parent", false);
            if (ck_rng_chance(r, 0.5)) add_member(h, full_name(a, ck_gen_forename(r, 'M'), sur), "parent", false);
            return;
        }
    }
    if (ck_streq(ch->kind, "relationship") || ck_streq(ch->kind, "address")) {
        h->n = 0;
        char pg = ck_streq(c->person.gender, "F") ? 'M' : 'F';
        const char *psur = ck_gen_surname(r);
        add_member(h, full_name(a, ck_gen_forename(r, pg), psur), "partner", false);
        if (ck_rng_chance(r, CHILD_RATE))
            add_member(h, full_name(a, ck_gen_forename(r, ck_rng_chance(r, 0.5) ? 'F' : 'M'), psur), "stepchild", true);
        return;
    }
    /* "Partner's children now living at the address": a partner first. */
    if (h->n && !ck_streq(h->m[0].relationship, "partner")) h->n = 0;
    const char *sur = h->n ? strrchr(h->m[0].name, ' ') + 1 : c->person.surname;
    if (!h->n) {
        char pg = ck_streq(c->person.gender, "F") ? 'M' : 'F';
        add_member(h, full_name(a, ck_gen_forename(r, pg), sur), "partner", false);
    }
    int kids = ck_rng_range(r, 1, 3);
    for (int k = 0; k < kids; k++)
        add_member(h, full_name(a, ck_gen_forename(r, ck_rng_chance(r, 0.5) ? 'F' : 'M'), sur),
                   ck_rng_chance(r, 0.5) ? "child" : "stepchild", true);
}

static void households(ck_case *c, ck_rng *r)
{
    household h = {.n = 0};
    for (size_t i = 0; i < c->n_changes; i++) {
        ck_change *ch = &c->changes[i];
        if (!ck_change_about_home(ch)) continue;
        next_household(c, r, ch, &h);
        ch->lives_alone = h.n == 0;
        ch->household = ck_arena_array(&c->arena, h.n, sizeof *ch->household);
        memcpy(ch->household, h.m, h.n * sizeof *h.m);
        ch->n_household = h.n;
    }
}

void ck_gen_person_details(ck_case *c, uint64_t seed, size_t index)
{
    ck_rng rr, *r = &rr;
    ck_rng_seed(r, seed, PERSON_STREAM | (uint64_t)index);
    ck_arena *a = &c->arena;
    ck_person *p = &c->person;
    for (size_t i = 0; i < p->n_addresses; i++) {
        ck_address *ad = &p->addresses[i];
        bool flat = ck_rng_chance(r, 0.3);
        ad->line1 = flat ? ck_arena_printf(a, "Flat %d, %d %s", ck_rng_range(r, 1, 24), ck_rng_range(r, 1, 180),
                                           ck_gen_street(r))
                         : ck_arena_printf(a, "%d %s", ck_rng_range(r, 1, 180), ck_gen_street(r));
        ad->line2 = ck_streq(ad->status, "approved_premises") ? "Synthetic House Approved Premises" : "Synthetic Estate";
        ad->town = "London";
        ad->postcode = ck_gen_postcode(a, r);
    }
    p->phone = ck_gen_mobile(a, r);
    p->email = ck_gen_email_at(a, r, p->forename, p->surname, "example.com");
    if (ck_rng_chance(r, PRONOUNS_RATE)) p->pronouns = ck_streq(p->gender, "F") ? "she/her" : "he/him";
    if (ck_rng_chance(r, OTHER_LANGUAGE)) {
        p->preferred_language = languages[ck_rng_below(r, COUNT(languages))];
        p->interpreter_required = ck_rng_chance(r, INTERPRETER_RATE);
    } else {
        p->preferred_language = "English";
        p->interpreter_required = 0;
    }
    if (ck_rng_chance(r, ALIAS_RATE)) {
        p->n_aliases = (size_t)ck_rng_range(r, 1, 2);
        p->aliases = ck_arena_array(a, p->n_aliases, sizeof *p->aliases);
        for (size_t i = 0; i < p->n_aliases; i++)
            p->aliases[i] = (ck_alias){i ? NULL : ck_gen_forename(r, ck_streq(p->gender, "F") ? 'F' : 'M'),
                                       ck_gen_surname(r)};
    }
    if (ck_rng_chance(r, DISABILITY_RATE)) {
        p->n_disabilities = ck_rng_chance(r, 0.2) ? 2 : 1;
        p->disabilities = ck_arena_array(a, p->n_disabilities, sizeof *p->disabilities);
        size_t first = ck_rng_below(r, COUNT(disabilities));
        for (size_t i = 0; i < p->n_disabilities; i++) {
            size_t k = (first + i * 3) % COUNT(disabilities);
            p->disabilities[i] = (ck_disability){disabilities[k].kind, disabilities[k].adjustments};
        }
    }
    households(c, r);
    /* Drawn last, so the details above are as they were before consent. */
    if (c->n_allocations && ck_rng_chance(r, CONSENT_RATE)) {
        p->has_consent = true;
        p->consent = (ck_consent){.mobile = p->phone,
                                  .email = ck_rng_chance(r, CONSENT_EMAIL) ? p->email : NULL,
                                  .language = ck_vocab_consent_language[ck_rng_chance(r, CONSENT_WELSH) ? 1 : 0],
                                  .given_on = c->allocations[0].from, /* asked at allocation */
                                  .withdrawn_on = CK_NODATE};
    }
}
