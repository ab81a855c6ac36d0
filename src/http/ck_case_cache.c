#include "ck_case_cache.h"
#include "ck_mem.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Long enough for any CRN the store accepts; a longer one is not cached. */
#define KEY_CRN_MAX 64

typedef struct slot {
    char crn[KEY_CRN_MAX];
    int64_t version;
    unsigned variant;
    size_t n_victims;
    char *bytes; /* NULL: empty */
    size_t len;
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
    for (size_t i = 0; i < CK_CASE_CACHE_SLOTS; i++) ck_free(c->slots[i].bytes);
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

static bool same_key(const slot *s, const ck_case_cache_key *k)
{
    return s->bytes && s->version == k->version && s->variant == k->variant && strcmp(s->crn, k->crn) == 0;
}

bool ck_case_cache_get(ck_case_cache *c, const ck_case_cache_key *k, ck_buf *out, size_t *n_victims)
{
    if (strlen(k->crn) >= KEY_CRN_MAX) return false;
    slot *s = &c->slots[slot_of(k->crn)];
    pthread_mutex_lock(&c->lock);
    bool hit = same_key(s, k) && ck_buf_append(out, s->bytes, s->len);
    if (hit) *n_victims = s->n_victims;
    if (hit) c->hits++; else c->misses++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void ck_case_cache_put(ck_case_cache *c, const ck_case_cache_key *k, const char *bytes, size_t len, size_t n_victims)
{
    if (strlen(k->crn) >= KEY_CRN_MAX || len > CK_CASE_CACHE_ENTRY_MAX) return;
    char *copy = ck_malloc(len);
    memcpy(copy, bytes, len);
    slot *s = &c->slots[slot_of(k->crn)];
    pthread_mutex_lock(&c->lock);
    char *old = s->bytes;
    snprintf(s->crn, sizeof s->crn, "%s", k->crn);
    s->version = k->version;
    s->variant = k->variant;
    s->n_victims = n_victims;
    s->bytes = copy;
    s->len = len;
    pthread_mutex_unlock(&c->lock);
    ck_free(old);
}

void ck_case_cache_counts(ck_case_cache *c, uint64_t *hits, uint64_t *misses)
{
    pthread_mutex_lock(&c->lock);
    *hits = c->hits;
    *misses = c->misses;
    pthread_mutex_unlock(&c->lock);
}
