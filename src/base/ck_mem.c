#include "ck_mem.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static void oom(size_t n)
{
    fprintf(stderr, "casekeeper: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ck_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *ck_calloc(size_t n, size_t sz)
{
    size_t total;
    if (!ck_mul(n, sz, &total)) oom(SIZE_MAX);
    void *p = calloc(total ? total : 1, 1);
    if (!p) oom(total);
    return p;
}

void *ck_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *ck_strdup(const char *s)
{
    if (!s) return NULL;
    return ck_strndup(s, strlen(s));
}

char *ck_strndup(const char *s, size_t n)
{
    if (!s) return NULL;
    size_t total;
    if (!ck_add(n, 1, &total)) oom(SIZE_MAX);
    char *d = ck_malloc(total);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void ck_free(void *p) { free(p); }

bool ck_mul(size_t a, size_t b, size_t *out)
{
    if (a && b > SIZE_MAX / a) return false;
    *out = a * b;
    return true;
}

bool ck_add(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a) return false;
    *out = a + b;
    return true;
}

struct ck_arena_block {
    ck_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK = 16 * 1024 };

void ck_arena_init(ck_arena *a) { a->head = NULL; a->total = 0; }

/* n bytes of the arena, 16-byte aligned, not zeroed: for the callers that
 * write every byte themselves. Zeroing a string before copying it was a
 * quarter of the copy's cost, and a recompute loads hundreds of thousands
 * of strings (the nightly at London: 0.7 % of its instructions). */
static void *arena_take(ck_arena *a, size_t n)
{
    size_t need;
    if (!ck_add(n, 15, &need)) oom(SIZE_MAX);
    need &= ~(size_t)15;
    ck_arena_block *b = a->head;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK, sz;
        if (!ck_add(cap, sizeof(ck_arena_block), &sz)) oom(SIZE_MAX);
        b = ck_malloc(sz);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *ck_arena_alloc(ck_arena *a, size_t n)
{
    void *p = arena_take(a, n);
    memset(p, 0, n);
    return p;
}

void *ck_arena_array(ck_arena *a, size_t n, size_t sz)
{
    size_t total;
    if (!ck_mul(n, sz, &total)) oom(SIZE_MAX);
    return ck_arena_alloc(a, total);
}

void *ck_arena_memdup(ck_arena *a, const void *src, size_t n, size_t sz)
{
    size_t total;
    if (!ck_mul(n, sz, &total)) oom(SIZE_MAX);
    if (!total) return NULL;
    void *d = arena_take(a, total);
    memcpy(d, src, total);
    return d;
}

char *ck_arena_strndup(ck_arena *a, const char *s, size_t n)
{
    if (!s) return NULL;
    size_t total;
    if (!ck_add(n, 1, &total)) oom(SIZE_MAX);
    char *d = arena_take(a, total);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ck_arena_strdup(ck_arena *a, const char *s)
{
    return s ? ck_arena_strndup(a, s, strlen(s)) : NULL;
}

char *ck_arena_printf(ck_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return ck_arena_strdup(a, "");
    char *d = arena_take(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void ck_arena_free(ck_arena *a)
{
    ck_arena_block *b = a->head;
    while (b) {
        ck_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->total = 0;
}

void ck_mem_keep_freed(void)
{
#ifdef __GLIBC__
    /* Blocks up to 32 MiB (glibc's largest threshold) from the heap, not
     * each its own mmap unmapped on free; and the top of a heap given back
     * only past 1 GiB free. */
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}
