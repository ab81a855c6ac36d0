/* ck_gen_person: the person on probation's own details for a generated case
 * (docs/formats.md, "Extension: the person on probation's details").
 *
 * Street and house number on every address (invented streets, the word
 * "Synthetic", real London postcode districts), a mobile in Ofcom's drama
 * range, an e-mail address at example.com, pronouns, a preferred language
 * and whether an interpreter is needed, some aliases and disabilities with
 * adjustments, and who lives with the person on each change of circumstances
 * of kind address, household or relationship (a partner, children, parents,
 * or nobody), and, for about half the people, consent to appointment
 * reminders by text (some by email too, a few in Welsh), given on the day
 * of their first allocation.
 *
 * Drawn from a random stream of its own, so adding these details changes no
 * other field of the case: the rules never read them, and the practice rates
 * the generator injects stay exactly as they were. */
#ifndef CK_GEN_PERSON_H
#define CK_GEN_PERSON_H
#include "ck_case.h"
#include <stdint.h>

/* Fills c's person details and households (strings in c's arena), drawing
 * from (seed, index)'s own stream. Call once the case's addresses and
 * changes are in place. */
void ck_gen_person_details(ck_case *c, uint64_t seed, size_t index);

#endif
