/* ck_wl_cache: GET /api/v1/worklist pages as they were last rendered, so a
 * repeat read skips the page's SQL and its JSON (issue 16 point 8: a full
 * read already costs the page's statements, the token check, the access
 * decision and the audit; bench/RESULTS.md, wl18).
 *
 * An entry is the response body, keyed by everything the page depends on
 * besides the database: the reader's identity as far as access goes (the
 * account, its role, place and the credential's scopes), the holder (staff,
 * team or PDU), the statuses, as_of (open versus overdue is decided at query
 * time), limit and offset. Two readers who may see different cases never
 * share an entry: their keys differ. An entry also carries the version it
 * was read at (store/ck_worklist: the auth epoch, the holder's version and
 * the version of every page, moved on by triggers in the writer's own
 * transaction, migration 032); a lookup with another version is a miss and
 * drops the entry. The version is read from the database on every request,
 * so a write through another server on the same database is seen at once.
 *
 * Bounded: at most max_entries entries and max_bytes bytes of keys and
 * bodies (worklist_cache_entries, worklist_cache_bytes in config/rules.conf),
 * the least recently used going first. Safe to share between the server's
 * threads (one mutex; a hit copies the body out under it). */
#ifndef CK_WL_CACHE_H
#define CK_WL_CACHE_H
#include "ck_buf.h"
#include "ck_metrics.h"
#include "ck_worklist.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_wl_cache ck_wl_cache;

/* NULL when max_entries or max_bytes is 0 (the cache is off). */
ck_wl_cache *ck_wl_cache_new(size_t max_entries, size_t max_bytes);
void ck_wl_cache_free(ck_wl_cache *c); /* NULL-safe */

/* The body kept for key at version v appended to out, its total in *total:
 * true. False (a miss) when none is kept, or one read at another version
 * (dropped). */
bool ck_wl_cache_get(ck_wl_cache *c, const char *key, const ck_worklist_version *v, ck_buf *out, size_t *total);
/* The body kept for key appended to out, its total in *total and the
 * version it was read at in *v, whatever that is: true. For a caller that
 * has the database check *v in the statement that serves the page (the
 * guarded audit, http/ck_api) and counts the outcome with
 * ck_wl_cache_counted; a page whose check fails is then looked up again
 * with ck_wl_cache_get at the version read. */
bool ck_wl_cache_peek(ck_wl_cache *c, const char *key, ck_buf *out, size_t *total, ck_worklist_version *v);
void ck_wl_cache_counted(bool hit);
/* Keeps body[0..len) for key at version v, replacing any entry of key and
 * making room; an entry larger than the byte cap is not kept. */
void ck_wl_cache_put(ck_wl_cache *c, const char *key, const ck_worklist_version *v, const char *body, size_t len,
                     size_t total);

/* Every cache of the process, for /metrics (http/ck_metrics_text). */
typedef struct ck_wl_cache_metrics {
    ck_counter hits, misses, evictions;
    ck_gauge entries, bytes;
} ck_wl_cache_metrics;
extern ck_wl_cache_metrics ck_wl_cache_stats;

#endif
