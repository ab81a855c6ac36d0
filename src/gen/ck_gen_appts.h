/* ck_gen_appts: the generator's appointments as a diary shows them (issue
 * 15): each appointment gets a start and end time in office hours, a place
 * (mostly one of the PDU's offices, else video, phone or a home visit) and
 * its officer (the practitioner allocated on its date). Times are drawn on a
 * per-case grid of weekday slots, so one practitioner's cases rarely share a
 * slot and a week in the diary reads like a working week.
 *
 * Drawn from a random stream of their own (the seed and the case's index),
 * so adding them changes nothing else the generator makes. */
#ifndef CK_GEN_APPTS_H
#define CK_GEN_APPTS_H
#include "ck_case.h"
#include "ck_gen_org.h"
#include <stdint.h>

void ck_gen_appts(ck_case *c, const ck_gen_org *org, size_t pdu, uint64_t seed, uint64_t index);

#endif
