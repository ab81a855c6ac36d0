/* ck_gen_notes: the generator's contact notes, so the demo's activity logs
 * read like a case record: plausible probation wording for what the contact
 * was and how it went, each note plainly synthetic (it says so), some
 * flagged sensitive, each contact recorded by the practitioner allocated on
 * its date.
 *
 * Drawn from a random stream of their own (the seed and the case's index),
 * so adding notes changes nothing else the generator makes. */
#ifndef CK_GEN_NOTES_H
#define CK_GEN_NOTES_H
#include "ck_case.h"
#include <stdint.h>

#define CK_GEN_NOTES_SHARE 0.6     /* of contacts dated on or before as_of */
#define CK_GEN_SENSITIVE_SHARE 0.1 /* of notes */

void ck_gen_notes(ck_case *c, uint64_t seed, uint64_t index, ck_date as_of);

#endif
