/* ck_gen_appts: see ck_gen_appts.h. */
#include "ck_gen_appts.h"
#include "ck_appt.h"
#include "ck_rng.h"
#include <stdio.h>

#define APPTS_STREAM (UINT64_C(1) << 61)

/* Half-hour slots from 09:00 to 16:30: a case keeps one "usual" slot (people
 * on probation are seen at a regular time), and some appointments move. */
#define FIRST_SLOT (9 * 60)
#define N_SLOTS 16

void ck_gen_appts(ck_case *c, const ck_gen_org *org, size_t pdu, uint64_t seed, uint64_t index)
{
    ck_rng r;
    ck_rng_seed(&r, seed, APPTS_STREAM | index);
    int usual = (int)ck_rng_below(&r, N_SLOTS);
    for (size_t i = 0; i < c->n_contacts; i++) {
        ck_contact *k = &c->contacts[i];
        if (k->appointment != 1) continue;
        int slot = ck_rng_chance(&r, 0.7) ? usual : (int)ck_rng_below(&r, N_SLOTS);
        int from = FIRST_SLOT + 30 * slot, length = ck_rng_chance(&r, 0.7) ? 30 : 60;
        if (from + length > 17 * 60) length = 30;
        k->start_time = ck_arena_printf(&c->arena, "%02d:%02d", from / 60, from % 60);
        k->end_time = ck_arena_printf(&c->arena, "%02d:%02d", (from + length) / 60, (from + length) % 60);
        double place = ck_rng_unit(&r);
        if (place < 0.75) {
            char code[64];
            ck_gen_org_office_code(org, pdu, place < 0.55 ? 0 : 1, code, sizeof code);
            k->location = ck_arena_strdup(&c->arena, code);
        } else {
            k->location = ck_vocab_appt_place[place < 0.85 ? 0 : place < 0.93 ? 1 : 2];
        }
        k->officer = ck_appt_officer(c, k);
    }
}
