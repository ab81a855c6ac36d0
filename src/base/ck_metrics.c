#include "ck_metrics.h"
#include <time.h>

static const uint64_t seconds_le[] = {1000,   2500,    5000,    10000,   25000,   50000,    100000,
                                      250000, 500000,  1000000, 2500000, 5000000, 10000000, 30000000};
const ck_histogram_bounds ck_metrics_seconds = {seconds_le, sizeof seconds_le / sizeof *seconds_le, 1e6};

static const uint64_t job_le[] = {100000,   500000,    1000000,   5000000,   10000000,  30000000,
                                  60000000, 300000000, 600000000, 1800000000, 3600000000};
const ck_histogram_bounds ck_metrics_job_seconds = {job_le, sizeof job_le / sizeof *job_le, 1e6};

static const uint64_t sizes_le[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
const ck_histogram_bounds ck_metrics_sizes = {sizes_le, sizeof sizes_le / sizeof *sizes_le, 1};

void ck_histogram_init(ck_histogram *h, const ck_histogram_bounds *b)
{
    h->bounds = b;
    for (size_t i = 0; i <= CK_HIST_MAX_BOUNDS; i++) atomic_init(&h->bucket[i], 0);
    atomic_init(&h->sum, 0);
}

void ck_histogram_observe(ck_histogram *h, uint64_t v)
{
    const ck_histogram_bounds *b = h->bounds;
    size_t i = 0;
    while (i < b->n && v > b->le[i]) i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum, v, memory_order_relaxed);
}

void ck_histogram_get(const ck_histogram *h, ck_histogram_read *out)
{
    uint64_t run = 0;
    for (size_t i = 0; i <= h->bounds->n; i++) {
        run += atomic_load_explicit((atomic_uint_fast64_t *)&h->bucket[i], memory_order_relaxed);
        out->cumulative[i] = run;
    }
    out->sum = atomic_load_explicit((atomic_uint_fast64_t *)&h->sum, memory_order_relaxed);
}

uint64_t ck_metrics_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}
