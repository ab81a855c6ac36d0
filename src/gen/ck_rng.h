/* ck_rng: a small deterministic pseudo-random generator for the data generator.
 *
 * xoshiro256** (Blackman and Vigna) seeded through splitmix64. Never rand(),
 * never the clock: the same (seed, stream) gives the same sequence on every
 * machine, so `casekeeper generate` writes byte-identical files. A stream
 * number lets each case draw from its own sequence, independent of the order
 * in which cases are generated. Not for anything secret. */
#ifndef CK_RNG_H
#define CK_RNG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ck_rng {
    uint64_t s[4];
} ck_rng;

/* A choice in a weighted table: `weight` parts out of the table's total. */
typedef struct ck_choice {
    const char *value;
    unsigned weight;
} ck_choice;

void ck_rng_seed(ck_rng *r, uint64_t seed, uint64_t stream);
uint64_t ck_rng_next(ck_rng *r);
/* Uniform in [0, n); n must be > 0 (0 gives 0). */
uint64_t ck_rng_below(ck_rng *r, uint64_t n);
/* Uniform in [lo, hi], inclusive; lo when hi < lo. */
int ck_rng_range(ck_rng *r, int lo, int hi);
/* Uniform in [0, 1), 53 bits. */
double ck_rng_unit(ck_rng *r);
/* True with probability p (p <= 0 never, p >= 1 always). */
bool ck_rng_chance(ck_rng *r, double p);
/* Index into table[0..n) drawn by weight; the table's total must be > 0. */
size_t ck_rng_pick(ck_rng *r, const ck_choice *table, size_t n);
/* Index into w[0..n) drawn by weight (doubles >= 0); n-1 if all are 0. */
size_t ck_rng_pick_weight(ck_rng *r, const double *w, size_t n);

#endif
