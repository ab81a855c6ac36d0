#include "ck_case_cache.h"
#include "ck_mem.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Long enough for any CRN the store accepts; a longer one is not kept. */
#define KEY_CRN_MAX 64

struct ck_cached {
    atomic_size_t refs; /* the slot's, when it is in one, and each holder's */
    void *value;
    void (*drop)(void *);
};

typedef struct slot {
    char crn[KEY_CRN_MAX];
    int64_t version;
    unsigned variant;
    size_t n_victims;
    ck_cached *held; /* NULL: empty */
} slot;

struct ck_case_cache {
    pthread_mutex_t lock;
    slot slots[CK_CASE_CACHE_SLOTS];
    uint64_t hits, misses;
};

ck_case_cache *ck_case_cache_new(void)
{
    ck_case_cache *c = ck_calloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void ck_case_cache_free(ck_case_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < CK_CASE_CACHE_SLOTS; i++) ck_cached_release(c->slots[i].held);
    pthread_mutex_destroy(&c->lock);
    ck_free(c);
}

/* FNV-1a of the CRN: which slot it lives in. */
static size_t slot_of(const char *crn)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)crn; *p; p++) h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % CK_CASE_CACHE_SLOTS);
}

ck_cached *ck_case_cache_get(ck_case_cache *c, const ck_case_cache_key *k, size_t *n_victims)
{
    if (strlen(k->crn) >= KEY_CRN_MAX) return NULL;
    slot *s = &c->slots[slot_of(k->crn)];
    pthread_mutex_lock(&c->lock);
    ck_cached *h = s->held && s->version == k->version && s->variant == k->variant && strcmp(s->crn, k->crn) == 0
                       ? s->held
                       : NULL;
    if (h) {
        atomic_fetch_add(&h->refs, 1);
        *n_victims = s->n_victims;
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return h;
}

ck_cached *ck_case_cache_put(ck_case_cache *c, const ck_case_cache_key *k, void *value, void (*drop)(void *),
                             size_t n_victims)
{
    ck_cached *h = ck_malloc(sizeof *h);
    atomic_init(&h->refs, 1);
    h->value = value;
    h->drop = drop;
    if (strlen(k->crn) >= KEY_CRN_MAX) return h;
    atomic_fetch_add(&h->refs, 1); /* the slot's */
    slot *s = &c->slots[slot_of(k->crn)];
    pthread_mutex_lock(&c->lock);
    ck_cached *old = s->held;
    snprintf(s->crn, sizeof s->crn, "%s", k->crn);
    s->version = k->version;
    s->variant = k->variant;
    s->n_victims = n_victims;
    s->held = h;
    pthread_mutex_unlock(&c->lock);
    ck_cached_release(old);
    return h;
}

const void *ck_cached_value(const ck_cached *h) { return h->value; }

void ck_cached_release(ck_cached *h)
{
    if (!h || atomic_fetch_sub(&h->refs, 1) != 1) return;
    h->drop(h->value);
    ck_free(h);
}

void ck_case_cache_counts(ck_case_cache *c, uint64_t *hits, uint64_t *misses)
{
    pthread_mutex_lock(&c->lock);
    *hits = c->hits;
    *misses = c->misses;
    pthread_mutex_unlock(&c->lock);
}
