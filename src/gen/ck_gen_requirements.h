/* ck_gen_requirements: the requirements of a generated community order or
 * SSO (docs/formats.md, "Extension: sentence requirements") and the contacts
 * that show their progress: unpaid work sessions with hours worked, RAR
 * activity days, programme sessions.
 *
 * The mix is shaped on the Offender Management Statistics Quarterly's
 * requirement starts (UNCONFIRMED shares): rehabilitation activity and
 * unpaid work the most common, a curfew with electronic monitoring in about
 * one order in six, an accredited programme for domestic abuse (Building
 * Better Relationships) and sexual offences (Horizon), and a few treatment,
 * exclusion and prohibited activity requirements. About a quarter of unpaid
 * work is worked slowly, so the demo shows orders on time and behind.
 *
 * Drawn from a random stream of its own and appended after the case's other
 * contacts, so adding them changes no other field of the case. */
#ifndef CK_GEN_REQUIREMENTS_H
#define CK_GEN_REQUIREMENTS_H
#include "ck_case.h"
#include <stdint.h>

/* Adds requirements to c's community order or SSO events and their
 * contacts up to as_of (strings in c's arena). Custody events get none. */
void ck_gen_requirements(ck_case *c, uint64_t seed, size_t index, ck_date as_of);

#endif
