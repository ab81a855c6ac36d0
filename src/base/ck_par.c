#include "ck_par.h"
#include "ck_mem.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

struct ck_par {
    size_t n;
    atomic_size_t next;
    void (*fn)(void *ctx, size_t i);
    void *ctx;
    pthread_t threads[CK_PAR_MAX_THREADS];
    bool started[CK_PAR_MAX_THREADS];
};

unsigned ck_par_cores(void)
{
    /* The cores this process may run on (taskset, systemd's CPUAffinity, a
     * container's cpuset), not every core online: threads beyond them only
     * take turns, and the recompute's second reader would cost, not help. */
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (unsigned)n;
}

unsigned ck_par_threads(void)
{
    unsigned n = ck_par_cores();
    return n > CK_PAR_MAX_THREADS ? CK_PAR_MAX_THREADS : n;
}

static void drain(ck_par *p)
{
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n) return;
        p->fn(p->ctx, i);
    }
}

static void *worker(void *arg)
{
    drain(arg);
    return NULL;
}

ck_par *ck_par_start(size_t n, unsigned threads, void (*fn)(void *ctx, size_t i), void *ctx)
{
    ck_par *p = ck_calloc(1, sizeof *p);
    p->n = n;
    atomic_init(&p->next, 0);
    p->fn = fn;
    p->ctx = ctx;
    if (threads > CK_PAR_MAX_THREADS) threads = CK_PAR_MAX_THREADS;
    for (unsigned k = 0; k < threads && k < n; k++)
        p->started[k] = pthread_create(&p->threads[k], NULL, worker, p) == 0;
    return p;
}

void ck_par_wait(ck_par *p)
{
    if (!p) return;
    drain(p);
    for (unsigned k = 0; k < CK_PAR_MAX_THREADS; k++)
        if (p->started[k]) pthread_join(p->threads[k], NULL);
    ck_free(p);
}

void ck_par_for(size_t n, void (*fn)(void *ctx, size_t i), void *ctx)
{
    /* The caller works too, so one thread fewer is started. */
    ck_par_wait(ck_par_start(n, ck_par_threads() - 1, fn, ctx));
}
