/* ck_json_arena: see the header. */
#include "ck_json_arena.h"
#include "ck_mem.h"
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* A chunk holds the allocations of one parse, usually all of them: bundles
 * are kilobytes, their trees tens to hundreds of KiB. A bigger request gets
 * a chunk of its own. */
#define CHUNK ((size_t)1 << 20)
#define ALIGN ((size_t)16)

typedef struct chunk {
    struct chunk *next;
    size_t size, used; /* bytes of data after the header */
    _Alignas(16) unsigned char data[];
} chunk;

/* The calling thread's chunks: the first is kept between parses, the
 * others freed at end. */
static _Thread_local chunk *chunks;
static _Thread_local bool active;
static atomic_bool installed;
static pthread_once_t once = PTHREAD_ONCE_INIT;
/* Set on a thread once it has a chunk, so that its exit frees them. */
static pthread_key_t exit_key;

static chunk *chunk_new(size_t size, chunk *next)
{
    size_t total;
    if (!ck_add(sizeof(chunk), size, &total)) abort();
    chunk *c = ck_malloc(total);
    c->next = next;
    c->size = size;
    c->used = 0;
    return c;
}

static void *arena_malloc(size_t n)
{
    if (!active) return malloc(n);
    size_t need;
    if (!ck_add(n, ALIGN - 1, &need)) return NULL;
    need &= ~(ALIGN - 1);
    if (!chunks || chunks->size - chunks->used < need) {
        if (!chunks) pthread_setspecific(exit_key, &chunks);
        chunks = chunk_new(need > CHUNK ? need : CHUNK, chunks);
    }
    void *p = chunks->data + chunks->used;
    chunks->used += need;
    return p;
}

/* Whether p lies in one of this thread's chunks. */
static bool ours(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    for (const chunk *c = chunks; c; c = c->next)
        if (a >= (uintptr_t)c->data && a < (uintptr_t)c->data + c->size) return true;
    return false;
}

/* Arena memory is given back at end, all of it at once. */
static void arena_free(void *p)
{
    if (p && !ours(p)) free(p);
}

/* At a thread's exit (its arena is idle then). */
static void thread_exit(void *unused)
{
    (void)unused;
    while (chunks) {
        chunk *c = chunks;
        chunks = c->next;
        ck_free(c);
    }
}

static void install_once(void)
{
    if (pthread_key_create(&exit_key, thread_exit) != 0) abort();
    json_set_alloc_funcs(arena_malloc, arena_free);
    atomic_store(&installed, true);
}

void ck_json_arena_install(void) { pthread_once(&once, install_once); }

void ck_json_arena_begin(void) { active = atomic_load(&installed); }

void ck_json_arena_end(void)
{
    active = false;
    if (!chunks) return;
    /* Keep the oldest chunk (the last in the list) for the next parse. */
    while (chunks->next) {
        chunk *c = chunks;
        chunks = c->next;
        ck_free(c);
    }
    chunks->used = 0;
}

void ck_json_free(void *p)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    f(p);
}
