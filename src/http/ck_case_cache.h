/* ck_case_cache: cases as the API last rendered them (the JSON bytes of
 * GET /api/v1/cases/{crn}), so a read of an unchanged case skips loading
 * every table of it and building its JSON, the bulk of a read's cost
 * (bench/RESULTS.md, "Many people at once").
 *
 * An entry is keyed by the CRN, the case's version and the variant (whether
 * victims' details were loaded, and the redaction the bytes were written
 * with), so it answers only a reader who would get exactly those bytes: a
 * write bumps the version in its own transaction (store/ck_store.h), and the
 * reader looks the version up inside the read snapshot that also decides its
 * access (store/ck_access: ck_access_get_held). Access, limited access,
 * scopes and the audit entry are decided per read as before; only the
 * rendering is shared.
 *
 * Direct-mapped by CRN: a new version or another case in the same slot
 * replaces the entry. Safe to share between the server's threads. */
#ifndef CK_CASE_CACHE_H
#define CK_CASE_CACHE_H
#include "ck_buf.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Slots; the memory held is at most this many rendered cases (51 KB for the
 * richest London case). */
#define CK_CASE_CACHE_SLOTS 512
/* A rendering longer than this is not kept (it is rendered per read). */
#define CK_CASE_CACHE_ENTRY_MAX (4u << 20)

typedef struct ck_case_cache ck_case_cache;

typedef struct ck_case_cache_key {
    const char *crn;
    int64_t version;
    unsigned variant;
} ck_case_cache_key;

ck_case_cache *ck_case_cache_new(void);
void ck_case_cache_free(ck_case_cache *c); /* NULL is fine */

/* On a hit appends the bytes to out, sets *n_victims to the number of
 * victims the entry was rendered with and returns true; false leaves out as
 * it was (also when out's cap is reached). */
bool ck_case_cache_get(ck_case_cache *c, const ck_case_cache_key *k, ck_buf *out, size_t *n_victims);
/* Keeps a copy of bytes[0..len) under k. */
void ck_case_cache_put(ck_case_cache *c, const ck_case_cache_key *k, const char *bytes, size_t len, size_t n_victims);

/* Hits and misses so far (tests and the benchmark's notes). */
void ck_case_cache_counts(ck_case_cache *c, uint64_t *hits, uint64_t *misses);

#endif
