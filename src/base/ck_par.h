/* ck_par: one function over the indexes 0..n-1 on worker threads, for work
 * whose items are independent (parsing, evaluating and serialising cases).
 *
 * Items are handed out one at a time from a shared counter, so a slow item
 * holds back no other; fn must be safe to run on several threads at once
 * for different indexes. The order in which items run is unspecified: write
 * each item's result to its own slot and read the slots in order afterwards.
 * A thread that cannot be started is no error: the others (or the waiting
 * caller) take its items. */
#ifndef CK_PAR_H
#define CK_PAR_H
#include <stddef.h>

#define CK_PAR_MAX_THREADS 8

typedef struct ck_par ck_par;

/* The cores this process may run on (its CPU affinity), at least 1. */
unsigned ck_par_cores(void);
/* Threads worth using here: ck_par_cores(), at most CK_PAR_MAX_THREADS. */
unsigned ck_par_threads(void);

/* Starts fn(ctx, i) for every i < n on `threads` new threads (at most
 * CK_PAR_MAX_THREADS; 0 leaves every item to ck_par_wait) and returns at
 * once, so the caller can do other work meanwhile. Never NULL. */
ck_par *ck_par_start(size_t n, unsigned threads, void (*fn)(void *ctx, size_t i), void *ctx);
/* Runs what is left on the calling thread too, waits for every item and
 * frees p (NULL-safe). */
void ck_par_wait(ck_par *p);
/* fn over 0..n-1 on ck_par_threads() threads, the caller's among them. */
void ck_par_for(size_t n, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
