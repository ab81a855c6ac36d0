/* ck_metrics: counters, gauges and histograms for /metrics, cheap enough
 * for every request and every transaction: one relaxed atomic add per
 * counter, a few per histogram, no lock.
 *
 * Each module owns its own metrics (the HTTP core its per-route ones,
 * db/ck_db its transactions, services/ck_audit its appender, ...) as
 * variables it updates; the text exposition format is rendered in
 * src/http (ck_metrics_text), which reads them. Values only ever grow,
 * but gauges, so a reader sees numbers that are each right though not
 * necessarily from one instant (as Prometheus expects of a scrape).
 *
 * A histogram counts observations in integer units (microseconds for
 * times, items for sizes) into buckets with fixed upper bounds (each an
 * "le" bound, inclusive), plus one past the last bound (+Inf), and keeps
 * their sum; the count is the sum of the buckets, so it always agrees with
 * them. */
#ifndef CK_METRICS_H
#define CK_METRICS_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define CK_HIST_MAX_BOUNDS 15

typedef struct ck_counter {
    atomic_uint_fast64_t n;
} ck_counter;

typedef struct ck_gauge {
    atomic_int_fast64_t v;
} ck_gauge;

typedef struct ck_histogram_bounds {
    const uint64_t *le; /* ascending, in the observation's unit */
    size_t n;           /* at most CK_HIST_MAX_BOUNDS */
    double scale;       /* the unit per exposed unit: 1e6 for microseconds shown as seconds, 1 for counts */
} ck_histogram_bounds;

typedef struct ck_histogram {
    const ck_histogram_bounds *bounds;
    atomic_uint_fast64_t bucket[CK_HIST_MAX_BOUNDS + 1]; /* not cumulative; [n] is past the last bound */
    atomic_uint_fast64_t sum;
} ck_histogram;

/* Seconds from 1 ms to 30 s, for request latencies and database times. */
extern const ck_histogram_bounds ck_metrics_seconds;
/* Seconds from 0.1 s to 1 hour, for jobs (the nightly recompute). */
extern const ck_histogram_bounds ck_metrics_job_seconds;
/* Item counts from 1 to 1024 in powers of two, for batch sizes. */
extern const ck_histogram_bounds ck_metrics_sizes;

#define CK_HISTOGRAM_INIT(b) {.bounds = &(b)}

static inline void ck_counter_add(ck_counter *c, uint64_t n)
{
    atomic_fetch_add_explicit(&c->n, n, memory_order_relaxed);
}
static inline uint64_t ck_counter_get(const ck_counter *c)
{
    return atomic_load_explicit((atomic_uint_fast64_t *)&c->n, memory_order_relaxed);
}
static inline void ck_gauge_add(ck_gauge *g, int64_t d) { atomic_fetch_add_explicit(&g->v, d, memory_order_relaxed); }
static inline void ck_gauge_set(ck_gauge *g, int64_t v) { atomic_store_explicit(&g->v, v, memory_order_relaxed); }
static inline int64_t ck_gauge_get(const ck_gauge *g)
{
    return atomic_load_explicit((atomic_int_fast64_t *)&g->v, memory_order_relaxed);
}

/* Sets h's bounds and zeroes it (for histograms that are not static). */
void ck_histogram_init(ck_histogram *h, const ck_histogram_bounds *b);
void ck_histogram_observe(ck_histogram *h, uint64_t v);
/* A reading of h: cumulative[i] observations <= bounds->le[i], and
 * cumulative[bounds->n] all of them (the count); sum in h's unit. */
typedef struct ck_histogram_read {
    uint64_t cumulative[CK_HIST_MAX_BOUNDS + 1];
    uint64_t sum;
} ck_histogram_read;
void ck_histogram_get(const ck_histogram *h, ck_histogram_read *out);

/* Microseconds on the monotonic clock, for timing with ck_metrics_since_us. */
uint64_t ck_metrics_now_us(void);
static inline uint64_t ck_metrics_since_us(uint64_t t0)
{
    uint64_t t = ck_metrics_now_us();
    return t > t0 ? t - t0 : 0;
}

#endif
