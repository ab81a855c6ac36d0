/* ck_case_cache: a case as it was last loaded or rendered, kept by version,
 * so a read of an unchanged case skips loading every table of it (and, for
 * the API, building its JSON): the bulk of a read's cost (bench/RESULTS.md,
 * "Many people at once"). The API keeps the JSON bytes of
 * GET /api/v1/cases/{crn}; the web keeps the loaded ck_case its case pages
 * render from. Each has its own cache.
 *
 * An entry is keyed by the CRN, the case's version and a variant (whether
 * victims' details were loaded, and for the API the redaction the bytes were
 * written with), so it answers only a reader who would get exactly that: a
 * write bumps the version in its own transaction (store/ck_store.h), and the
 * reader looks the version up inside the read snapshot that also decides its
 * access (services/ck_access: ck_access_get_held). Access, limited access,
 * scopes and the audit entry are decided per read as before; only the
 * loading and rendering are shared.
 *
 * Direct-mapped by CRN: a new version or another case in the same slot
 * replaces the entry. A value is shared and read-only; a holder keeps it
 * alive until it lets go, even when its slot is replaced meanwhile. Safe to
 * share between the server's threads. */
#ifndef CK_CASE_CACHE_H
#define CK_CASE_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Slots of one cache: the memory held is at most this many cases (the
 * richest London case is 51 KB of JSON). */
#define CK_CASE_CACHE_SLOTS 512

typedef struct ck_case_cache ck_case_cache;
typedef struct ck_cached ck_cached; /* one held value */

typedef struct ck_case_cache_key {
    const char *crn;
    int64_t version;
    unsigned variant;
} ck_case_cache_key;

ck_case_cache *ck_case_cache_new(void);
void ck_case_cache_free(ck_case_cache *c); /* NULL is fine; values still held live on */

/* The value kept under k, held, with the number of victims the entry was
 * made with in *n_victims; NULL on a miss. */
ck_cached *ck_case_cache_get(ck_case_cache *c, const ck_case_cache_key *k, size_t *n_victims);
/* Keeps value (ownership taken; drop frees it once nobody holds it) under k
 * and returns it held. A CRN too long to key is not kept: the value is
 * returned held all the same, by nobody else. */
ck_cached *ck_case_cache_put(ck_case_cache *c, const ck_case_cache_key *k, void *value, void (*drop)(void *),
                             size_t n_victims);
const void *ck_cached_value(const ck_cached *h);
void ck_cached_release(ck_cached *h); /* NULL is fine */

/* Hits and misses so far (tests and the benchmark's notes). */
void ck_case_cache_counts(ck_case_cache *c, uint64_t *hits, uint64_t *misses);

#endif
