/* ck_sample: a reproducible random sample. Pure.
 *
 * splitmix64 (Steele, Lea, Flood 2014) seeded with the caller's seed drives a
 * partial Fisher-Yates shuffle, so the same seed over the same list always
 * draws the same items, on every platform (no rand(), no clock). */
#ifndef CK_SAMPLE_H
#define CK_SAMPLE_H
#include <stddef.h>
#include <stdint.h>

/* The next number of the generator whose state is *s. */
uint64_t ck_sample_next(uint64_t *s);
/* Draws min(k, n) distinct indexes of 0..n-1 into out (room for min(k, n)),
 * in draw order; returns how many. The stream for one list is
 * ck_sample_next from state `seed`. */
size_t ck_sample_pick(size_t n, size_t k, uint64_t seed, size_t *out);

#endif
