#include "ck_rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void ck_rng_seed(ck_rng *r, uint64_t seed, uint64_t stream)
{
    /* Mix the stream in through its own splitmix step so that neighbouring
     * streams (case 1, case 2) start far apart. */
    uint64_t x = seed;
    uint64_t st = stream;
    x ^= splitmix64(&st);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

uint64_t ck_rng_next(ck_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t ck_rng_below(ck_rng *r, uint64_t n)
{
    if (n == 0) return 0;
    /* Rejection keeps every value equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = ck_rng_next(r); while (x >= limit);
    return x % n;
}

int ck_rng_range(ck_rng *r, int lo, int hi)
{
    if (hi <= lo) return lo;
    return lo + (int)ck_rng_below(r, (uint64_t)((int64_t)hi - lo + 1));
}

double ck_rng_unit(ck_rng *r) { return (double)(ck_rng_next(r) >> 11) * 0x1.0p-53; }

bool ck_rng_chance(ck_rng *r, double p)
{
    if (p <= 0) return false;
    if (p >= 1) return true;
    return ck_rng_unit(r) < p;
}

size_t ck_rng_pick(ck_rng *r, const ck_choice *table, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) total += table[i].weight;
    uint64_t x = ck_rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < table[i].weight) return i;
        x -= table[i].weight;
    }
    return n - 1;
}

size_t ck_rng_pick_weight(ck_rng *r, const double *w, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) total += w[i];
    double x = ck_rng_unit(r) * total;
    for (size_t i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    /* Rounding can leave x just past the end: the last non-zero weight. */
    for (size_t i = n; i-- > 0;)
        if (w[i] > 0) return i;
    return n ? n - 1 : 0;
}
