/* ck_wl_cache: see ck_wl_cache.h. A chained hash table for the look-up and
 * a doubly linked list in use order for the eviction (least recently used
 * at the tail). */
#include "ck_wl_cache.h"
#include "ck_mem.h"
#include <pthread.h>
#include <string.h>

ck_wl_cache_metrics ck_wl_cache_stats;

typedef struct entry {
    struct entry *chain;       /* the next of its bucket */
    struct entry *newer, *older; /* use order */
    uint64_t hash;
    ck_worklist_version v;
    size_t total, len, bytes; /* bytes: what the cap counts (key, body, entry) */
    char *key, *body;
} entry;

struct ck_wl_cache {
    pthread_mutex_t mu;
    entry **buckets;
    size_t n_buckets; /* a power of two */
    entry *newest, *oldest;
    size_t n, bytes, max_entries, max_bytes;
};

static uint64_t hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

ck_wl_cache *ck_wl_cache_new(size_t max_entries, size_t max_bytes)
{
    if (max_entries == 0 || max_bytes == 0) return NULL;
    ck_wl_cache *c = ck_calloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->n_buckets = 16;
    while (c->n_buckets < max_entries && c->n_buckets < ((size_t)1 << 24)) c->n_buckets <<= 1;
    c->buckets = ck_calloc(c->n_buckets, sizeof *c->buckets);
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    return c;
}

static void unlink_use(ck_wl_cache *c, entry *e)
{
    if (e->newer) e->newer->older = e->older;
    else c->newest = e->older;
    if (e->older) e->older->newer = e->newer;
    else c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(ck_wl_cache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest) c->newest->newer = e;
    c->newest = e;
    if (!c->oldest) c->oldest = e;
}

/* Takes e out of the table and the list and frees it. */
static void drop(ck_wl_cache *c, entry *e)
{
    entry **pp = &c->buckets[e->hash & (c->n_buckets - 1)];
    while (*pp != e) pp = &(*pp)->chain;
    *pp = e->chain;
    unlink_use(c, e);
    c->n--;
    c->bytes -= e->bytes;
    ck_gauge_add(&ck_wl_cache_stats.entries, -1);
    ck_gauge_add(&ck_wl_cache_stats.bytes, -(int64_t)e->bytes);
    ck_free(e->key);
    ck_free(e->body);
    ck_free(e);
}

static entry *find(ck_wl_cache *c, const char *key, uint64_t h)
{
    for (entry *e = c->buckets[h & (c->n_buckets - 1)]; e; e = e->chain)
        if (e->hash == h && strcmp(e->key, key) == 0) return e;
    return NULL;
}

static bool same_version(const ck_worklist_version *a, const ck_worklist_version *b)
{
    return a->epoch == b->epoch && a->scope == b->scope && a->all == b->all;
}

void ck_wl_cache_free(ck_wl_cache *c)
{
    if (!c) return;
    while (c->oldest) drop(c, c->oldest);
    ck_free(c->buckets);
    pthread_mutex_destroy(&c->mu);
    ck_free(c);
}

bool ck_wl_cache_get(ck_wl_cache *c, const char *key, const ck_worklist_version *v, ck_buf *out, size_t *total)
{
    uint64_t h = hash_of(key);
    bool hit = false;
    pthread_mutex_lock(&c->mu);
    entry *e = find(c, key, h);
    if (e && !same_version(&e->v, v)) {
        drop(c, e); /* read before a write that has committed since: never right again */
        e = NULL;
    }
    if (e) {
        hit = ck_buf_append(out, e->body, e->len);
        *total = e->total;
        unlink_use(c, e);
        push_newest(c, e);
    }
    pthread_mutex_unlock(&c->mu);
    ck_counter_add(hit ? &ck_wl_cache_stats.hits : &ck_wl_cache_stats.misses, 1);
    return hit;
}

bool ck_wl_cache_peek(ck_wl_cache *c, const char *key, ck_buf *out, size_t *total, ck_worklist_version *v)
{
    uint64_t h = hash_of(key);
    bool found = false;
    pthread_mutex_lock(&c->mu);
    entry *e = find(c, key, h);
    if (e) {
        found = ck_buf_append(out, e->body, e->len);
        *total = e->total;
        *v = e->v;
        unlink_use(c, e);
        push_newest(c, e);
    }
    pthread_mutex_unlock(&c->mu);
    return found;
}

void ck_wl_cache_counted(bool hit) { ck_counter_add(hit ? &ck_wl_cache_stats.hits : &ck_wl_cache_stats.misses, 1); }

void ck_wl_cache_put(ck_wl_cache *c, const char *key, const ck_worklist_version *v, const char *body, size_t len,
                     size_t total)
{
    size_t klen = strlen(key), bytes = sizeof(entry) + klen + 1 + len;
    if (bytes > c->max_bytes) return;
    entry *e = ck_calloc(1, sizeof *e);
    e->hash = hash_of(key);
    e->v = *v;
    e->total = total;
    e->len = len;
    e->bytes = bytes;
    e->key = ck_malloc(klen + 1);
    memcpy(e->key, key, klen + 1);
    e->body = ck_malloc(len ? len : 1);
    if (len) memcpy(e->body, body, len);
    pthread_mutex_lock(&c->mu);
    entry *old = find(c, key, e->hash);
    if (old) drop(c, old);
    while (c->oldest && (c->n + 1 > c->max_entries || c->bytes + bytes > c->max_bytes)) {
        drop(c, c->oldest);
        ck_counter_add(&ck_wl_cache_stats.evictions, 1);
    }
    entry **b = &c->buckets[e->hash & (c->n_buckets - 1)];
    e->chain = *b;
    *b = e;
    push_newest(c, e);
    c->n++;
    c->bytes += bytes;
    ck_gauge_add(&ck_wl_cache_stats.entries, 1);
    ck_gauge_add(&ck_wl_cache_stats.bytes, (int64_t)bytes);
    pthread_mutex_unlock(&c->mu);
}
