/* ck_gen_licence: the generator's licence conditions (issue 19, point 5):
 * on every custody event with a release date, the standard conditions from
 * release; for cases with victims, a non-contact condition naming each
 * victim and often an exclusion zone; otherwise a realistic mix (approved
 * premises for the first weeks, curfews mostly with a tag, drug testing
 * after drug offences, polygraph after sexual offences, disclosure of
 * relationships after domestic abuse). Victims in the scheme who were told
 * of the release were told of their conditions on the same day.
 *
 * Drawn from a random stream of its own (the seed and the case's index), so
 * adding conditions changes nothing else the generator makes. */
#ifndef CK_GEN_LICENCE_H
#define CK_GEN_LICENCE_H
#include "ck_case.h"
#include <stdint.h>

void ck_gen_licence(ck_case *c, uint64_t seed, uint64_t index, ck_date as_of);

#endif
