#include "ck_sample.h"
#include "ck_mem.h"

uint64_t ck_sample_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

size_t ck_sample_pick(size_t n, size_t k, uint64_t seed, size_t *out)
{
    if (k > n) k = n;
    size_t *idx = ck_calloc(n ? n : 1, sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    uint64_t s = seed;
    for (size_t i = 0; i < k; i++) {
        /* Uniform in [i, n) by rejection, so no index is favoured. */
        uint64_t span = n - i, limit = UINT64_MAX - UINT64_MAX % span, r;
        do r = ck_sample_next(&s);
        while (r >= limit);
        size_t j = i + (size_t)(r % span);
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        out[i] = idx[i];
    }
    ck_free(idx);
    return k;
}
