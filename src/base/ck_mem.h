/* ck_mem: allocation that never returns NULL.
 *
 * Casekeeper aborts on out-of-memory rather than threading allocation failures
 * through every caller (the SQLite/Redis model): a probation record half-written
 * because malloc failed is worse than a restart. Size arithmetic that could
 * overflow goes through ck_mul/ck_add first. */
#ifndef CK_MEM_H
#define CK_MEM_H
#include <stddef.h>
#include <stdbool.h>

void *ck_malloc(size_t n);            /* aborts on failure; n==0 gives a valid pointer */
void *ck_calloc(size_t n, size_t sz); /* aborts on failure or n*sz overflow */
void *ck_realloc(void *p, size_t n);  /* aborts on failure */
char *ck_strdup(const char *s);       /* s may be NULL: returns NULL */
char *ck_strndup(const char *s, size_t n);
void ck_free(void *p);

/* For a batch job that frees and allocates the same large amounts over and
 * over (a recompute's batches: cases, results, stored rows read back): keep
 * freed memory in the process instead of handing it back to the kernel and
 * faulting fresh zeroed pages in again for the next batch, which cost a
 * tenth of a full recompute's CPU. The process keeps its peak heap for the
 * rest of its life. glibc only; elsewhere it does nothing. */
void ck_mem_keep_freed(void);

/* Overflow-checked size arithmetic: false (and *out untouched) on overflow. */
bool ck_mul(size_t a, size_t b, size_t *out);
bool ck_add(size_t a, size_t b, size_t *out);

/* Arena: many small allocations freed together. A case in memory lives in one
 * arena, so loading and freeing a case is cheap and leak-free. */
typedef struct ck_arena_block ck_arena_block;
typedef struct ck_arena {
    ck_arena_block *head;
    size_t total; /* bytes handed out, for diagnostics */
} ck_arena;

void ck_arena_init(ck_arena *a);
void *ck_arena_alloc(ck_arena *a, size_t n);   /* zeroed, 16-byte aligned; aborts on OOM */
void *ck_arena_array(ck_arena *a, size_t n, size_t sz); /* zeroed; aborts on overflow */
/* A copy of the n elements of sz bytes at src (n 0: NULL), not zeroed first
 * since every byte is written; aborts on overflow. */
void *ck_arena_memdup(ck_arena *a, const void *src, size_t n, size_t sz);
char *ck_arena_strdup(ck_arena *a, const char *s);       /* NULL in, NULL out */
char *ck_arena_strndup(ck_arena *a, const char *s, size_t n);
char *ck_arena_printf(ck_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ck_arena_free(ck_arena *a); /* frees every block; the arena may be reused after init */

#endif
