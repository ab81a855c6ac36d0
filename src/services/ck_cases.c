/* ck_cases: the case service (see ck_cases.h). The rows are ck_store's; this
 * file owns the transactions, validation, the rules engine call on every
 * write, and the read queries (search, worklists). */
#include "ck_cases.h"
#include "ck_events.h"
#include "ck_buf.h"
#include "ck_caseload.h"
#include "ck_explain.h"
#include "ck_facts.h"
#include "ck_horizon.h"
#include "ck_par.h"
#include "ck_store.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define META_RECOMPUTED "obligations_as_of"
#define EXPORT_BATCH 256
#define CRN_MAX 16 /* ck_case_validate: 1 to 16 capital letters and digits */

ck_engine ck_engine_default(void) { return (ck_engine){ck_calendar_default(), ck_rulecfg_default()}; }

/* ---- Validation and the product rule on report completion ------------------ */

static ck_rc validate(const ck_case *c, char *err, size_t err_len)
{
    ck_rc rc = ck_store_check(&ck_entity_case, c, "", err, err_len);
    if (rc != CK_OK) return rc;
    return ck_case_validate(c, err, err_len) ? CK_OK : CK_ERR_INVALID;
}

/* Which reports were complete before a change. */
typedef struct completions {
    const char **ids; /* reports already completed */
    size_t n;
} completions;

static void completions_take(completions *s, const ck_case *c)
{
    s->ids = NULL;
    s->n = 0;
    for (size_t i = 0; i < c->n_events; i++)
        for (size_t j = 0; j < c->events[i].n_reports; j++) {
            const ck_report *r = &c->events[i].reports[j];
            if (r->completed == CK_NODATE) continue;
            s->ids = ck_realloc(s->ids, (s->n + 1) * sizeof *s->ids);
            s->ids[s->n++] = ck_strdup(r->id);
        }
}

static void completions_free(completions *s)
{
    for (size_t i = 0; i < s->n; i++) ck_free((void *)s->ids[i]);
    ck_free(s->ids);
}

static bool blank(const char *s) { return !s || !s[strspn(s, " \t\r\n")]; }

/* Rulebook, Court work: the product refuses to record a report as complete
 * while its DA_CHECK or CHILD_CHECK is unmet, unless outstanding_checks_reason
 * is given. Only a completion recorded by this change is refused. */
static ck_rc check_completions(const completions *before, const ck_case *c, const ck_result *r, char *err,
                               size_t err_len)
{
    for (size_t i = 0; i < c->n_events; i++)
        for (size_t j = 0; j < c->events[i].n_reports; j++) {
            const ck_report *rep = &c->events[i].reports[j];
            if (rep->completed == CK_NODATE || !blank(rep->outstanding_checks_reason)) continue;
            bool was = false;
            for (size_t k = 0; k < before->n && !was; k++) was = ck_streq(before->ids[k], rep->id);
            if (was) continue;
            for (size_t k = 0; k < r->n_obligations; k++) {
                const ck_obligation *o = &r->obligations[k];
                if (!ck_streq(o->rule, "DA_CHECK") && !ck_streq(o->rule, "CHILD_CHECK")) continue;
                if (o->status != CK_ST_OPEN && o->status != CK_ST_OVERDUE) continue;
                if (strncmp(o->subject, "report:", 7) != 0 || !ck_streq(o->subject + 7, rep->id)) continue;
                ck_buf why = CK_BUF_INIT;
                if (!o->explain || !ck_explain_render(o->explain, &why) || !why.len) ck_buf_puts(&why, "no check received");
                ck_rc rc = ck_txn_fail(CK_ERR_CONFLICT, err, err_len,
                                       "events[%zu].reports[%zu].completed: report %s cannot be completed while %s "
                                       "is not met (%s); record the check, or give outstanding_checks_reason",
                                       i, j, rep->id, o->rule, ck_buf_cstr(&why));
                ck_buf_free(&why);
                return rc;
            }
        }
    return CK_OK;
}

/* ---- Who holds a case -------------------------------------------------------- */

static const char *current_staff(const ck_case *c, ck_date as_of)
{
    const ck_allocation *a = ck_allocation_current(c, as_of);
    return a ? a->staff_code : NULL;
}

/* The team and PDU of a team code (by_team) or of a staff member's team, as
 * the organisation knows them now; both NULL when unknown. Strings in a. */
static ck_rc lookup_team(ck_db *db, bool by_team, const char *key, ck_arena *a, const char **team, const char **pdu,
                         char *err, size_t err_len)
{
    const char *sql = by_team ? "SELECT \"code\", \"pdu\" FROM \"teams\" WHERE \"code\" = $1"
                              : "SELECT \"teams\".\"code\", \"teams\".\"pdu\" FROM \"staff\" JOIN \"teams\" "
                                "ON \"teams\".\"code\" = \"staff\".\"team\" WHERE \"staff\".\"code\" = $1";
    *team = *pdu = NULL;
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, key);
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) {
        *team = ck_arena_strdup(a, ck_stmt_text(st, 0));
        *pdu = ck_arena_strdup(a, ck_stmt_text(st, 1));
    }
    ck_stmt_reset(st);
    return rc == CK_DB_ROW || rc == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "holder", err, err_len);
}

/* The lookups of a run of cases (import, recompute), each key asked of the
 * database once: thousands of cases share a few hundred teams. */
typedef struct memo_slot {
    const char *key; /* NULL: empty */
    bool by_team;
    const char *team, *pdu;
} memo_slot;

typedef struct holder_memo {
    ck_arena arena; /* keys and answers */
    memo_slot *slots;
    size_t cap, n;  /* cap a power of two, kept at least twice n */
} holder_memo;

static void memo_init(holder_memo *m)
{
    ck_arena_init(&m->arena);
    m->cap = 256;
    m->n = 0;
    m->slots = ck_calloc(m->cap, sizeof *m->slots);
}

static void memo_free(holder_memo *m)
{
    ck_arena_free(&m->arena);
    ck_free(m->slots);
}

static size_t memo_hash(bool by_team, const char *key)
{
    size_t h = by_team ? 0x9e3779b9u : 0x85ebca6bu;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) h = (h ^ *p) * 0x01000193u;
    return h;
}

static memo_slot *memo_find(holder_memo *m, bool by_team, const char *key)
{
    size_t i = memo_hash(by_team, key) & (m->cap - 1);
    while (m->slots[i].key && (m->slots[i].by_team != by_team || strcmp(m->slots[i].key, key) != 0))
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

static void memo_grow(holder_memo *m)
{
    memo_slot *old = m->slots;
    size_t old_cap = m->cap;
    m->cap *= 2;
    m->slots = ck_calloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key) *memo_find(m, old[i].by_team, old[i].key) = old[i];
    ck_free(old);
}

/* lookup_team through memo m (NULL: straight to the database). */
static ck_rc lookup_memo(ck_db *db, holder_memo *m, bool by_team, const char *key, ck_arena *a, const char **team,
                         const char **pdu, char *err, size_t err_len)
{
    if (!m) return lookup_team(db, by_team, key, a, team, pdu, err, err_len);
    memo_slot *s = memo_find(m, by_team, key);
    if (!s->key) {
        ck_rc rc = lookup_team(db, by_team, key, &m->arena, team, pdu, err, err_len);
        if (rc != CK_OK) return rc;
        *s = (memo_slot){ck_arena_strdup(&m->arena, key), by_team, *team, *pdu};
        if (++m->n * 2 > m->cap) memo_grow(m);
        return CK_OK;
    }
    *team = s->team;
    *pdu = s->pdu;
    return CK_OK;
}

/* Asks the database at once about every key of keys[0..n) (staff codes, or
 * team codes with by_team) not yet in memo m, MEMO_CHUNK keys a statement,
 * and keeps each answer, "unknown" included, as lookup_memo would: a batch
 * of a thousand cases held by as many practitioners costs a few statements
 * rather than a round trip each (3,077 of them in one nightly run at London
 * on PostgreSQL). */
#define MEMO_CHUNK 64
static char *memo_sql[2]; /* [by_team]: key, team, PDU of up to MEMO_CHUNK keys */
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static void memo_sql_build(void)
{
    for (int by_team = 0; by_team < 2; by_team++) {
        ck_buf b = CK_BUF_INIT;
        ck_buf_puts(&b, by_team ? "SELECT \"code\", \"code\", \"pdu\" FROM \"teams\" WHERE \"code\" IN ("
                                  : "SELECT \"staff\".\"code\", \"teams\".\"code\", \"teams\".\"pdu\" FROM \"staff\" "
                                    "JOIN \"teams\" ON \"teams\".\"code\" = \"staff\".\"team\" WHERE \"staff\".\"code\" IN (");
        for (int i = 1; i <= MEMO_CHUNK; i++) ck_buf_printf(&b, i > 1 ? ", $%d" : "$%d", i);
        ck_buf_puts(&b, ")");
        memo_sql[by_team] = ck_buf_steal(&b);
    }
}

static ck_rc memo_prefill(ck_db *db, holder_memo *m, bool by_team, const char *const *keys, size_t n, char *err,
                          size_t err_len)
{
    pthread_once(&memo_once, memo_sql_build);
    const char *ask[MEMO_CHUNK];
    size_t k = 0;
    ck_rc rc = CK_OK;
    for (size_t i = 0; i <= n && rc == CK_OK; i++) {
        if (i < n && keys[i] && !memo_find(m, by_team, keys[i])->key) {
            bool dup = false;
            for (size_t j = 0; j < k && !dup; j++) dup = strcmp(ask[j], keys[i]) == 0;
            if (!dup) ask[k++] = keys[i];
        }
        if (k == 0 || (k < MEMO_CHUNK && i < n)) continue;
        ck_stmt *st = ck_db_prepare(db, memo_sql[by_team]);
        if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
        /* A short last chunk repeats its first key: IN takes it once. */
        for (size_t j = 0; j < MEMO_CHUNK; j++) ck_stmt_bind_text(st, (int)j + 1, ask[j < k ? j : 0]);
        while (ck_txn_next(db, st, "holder", &rc, err, err_len)) {
            const char *key = ck_stmt_text(st, 0);
            memo_slot *s = memo_find(m, by_team, key);
            if (s->key) continue;
            *s = (memo_slot){ck_arena_strdup(&m->arena, key), by_team, ck_arena_strdup(&m->arena, ck_stmt_text(st, 1)),
                             ck_arena_strdup(&m->arena, ck_stmt_text(st, 2))};
            if (++m->n * 2 > m->cap) memo_grow(m);
        }
        ck_stmt_reset(st);
        /* The keys the organisation does not know. */
        for (size_t j = 0; j < k && rc == CK_OK; j++) {
            memo_slot *s = memo_find(m, by_team, ask[j]);
            if (s->key) continue;
            *s = (memo_slot){ck_arena_strdup(&m->arena, ask[j]), by_team, NULL, NULL};
            if (++m->n * 2 > m->cap) memo_grow(m);
        }
        k = 0;
    }
    return rc;
}

/* The team and PDU holding the case, as the organisation knows them now:
 * its practitioner's when it is allocated to a known staff member, else the
 * case's own team's. So "a PDU's cases" (ck_caseload.h, CK_PDU_CASES_MEANING)
 * is one column, cases.pdu_code: the cases allocated to the PDU's staff plus
 * its unallocated ones, whatever team the case names. Strings in arena a, or
 * in memo m's. */
static ck_rc derive_holder_memo(ck_db *db, holder_memo *m, const ck_case *c, ck_date as_of, ck_arena *a,
                                ck_holder *h, char *err, size_t err_len)
{
    h->staff_code = current_staff(c, as_of);
    h->team_code = c->team;
    h->pdu_code = NULL;
    const char *team = NULL, *pdu = NULL;
    ck_rc rc = h->staff_code ? lookup_memo(db, m, false, h->staff_code, a, &team, &pdu, err, err_len) : CK_OK;
    if (rc == CK_OK && !team && c->team) rc = lookup_memo(db, m, true, c->team, a, &team, &pdu, err, err_len);
    if (rc == CK_OK && team) {
        h->team_code = team;
        h->pdu_code = pdu;
    }
    return rc;
}

/* memo_prefill with what derive_holder_memo will ask about cases[0..n) at
 * as_of: their practitioners, then the teams of those whose practitioner
 * the organisation does not know (or who have none). */
static ck_rc memo_prefill_cases(ck_db *db, holder_memo *m, const ck_case *const *cases, size_t n, ck_date as_of,
                                char *err, size_t err_len)
{
    const char **keys = ck_calloc(n ? n : 1, sizeof *keys);
    for (size_t i = 0; i < n; i++) keys[i] = current_staff(cases[i], as_of);
    ck_rc rc = memo_prefill(db, m, false, keys, n, err, err_len);
    for (size_t i = 0; i < n; i++) {
        const char *staff = keys[i];
        keys[i] = staff && memo_find(m, false, staff)->team ? NULL : cases[i]->team;
    }
    if (rc == CK_OK) rc = memo_prefill(db, m, true, keys, n, err, err_len);
    ck_free(keys);
    return rc;
}

static ck_rc derive_holder(ck_db *db, const ck_case *c, ck_date as_of, ck_arena *a, ck_holder *h, char *err,
                           size_t err_len)
{
    return derive_holder_memo(db, NULL, c, as_of, a, h, err, err_len);
}

/* ---- Writes ------------------------------------------------------------------- */

/* Derives c's holder and stores it with c's obligations r for case `id`. */
static ck_rc store_derived(ck_db *db, int64_t id, const ck_case *c, const ck_result *r, ck_date as_of, bool replace,
                           char *err, size_t err_len)
{
    ck_arena a;
    ck_arena_init(&a);
    ck_holder h;
    ck_rc rc = derive_holder(db, c, as_of, &a, &h, err, err_len);
    if (rc == CK_OK) rc = ck_store_set_holder(db, id, &h, err, err_len);
    if (rc == CK_OK) rc = ck_store_put_obligations(db, id, r, &h, replace, err, err_len);
    ck_arena_free(&a);
    return rc;
}

static ck_result *evaluate(const ck_engine *eng, const ck_case *c, ck_date as_of)
{
    return ck_rules_evaluate(c, as_of, eng->cal, eng->cfg);
}

ck_rc ck_cases_insert(ck_db *db, const ck_engine *eng, const ck_case *c, ck_date as_of, char *err, size_t err_len)
{
    ck_rc rc = validate(c, err, err_len);
    if (rc != CK_OK) return rc;
    ck_arena a;
    ck_arena_init(&a);
    ck_holder h;
    int64_t id = 0;
    rc = derive_holder(db, c, as_of, &a, &h, err, err_len);
    if (rc == CK_OK) rc = ck_store_insert(db, c, &h, &id, err, err_len);
    if (rc == CK_OK) {
        ck_result *r = evaluate(eng, c, as_of);
        rc = ck_store_put_obligations(db, id, r, &h, false, err, err_len);
        if (rc == CK_OK) rc = ck_caseload_refresh(db, id, c, r, as_of, eng->cfg, err, err_len);
        ck_result_free(r);
    }
    ck_arena_free(&a);
    return rc;
}

void ck_cases_prepare(const ck_engine *eng, const ck_case *c, ck_date as_of, ck_prepared *p)
{
    p->c = c;
    p->r = NULL;
    p->err[0] = '\0';
    p->rc = validate(c, p->err, sizeof p->err);
    if (p->rc == CK_OK) {
        p->r = evaluate(eng, c, as_of);
        ck_wprofile_of(c, as_of, eng->cfg, &p->profile);
        p->next_change = ck_horizon_case(c, as_of, p->r, &p->profile);
    }
}

void ck_prepared_clear(ck_prepared *p)
{
    ck_result_free(p->r);
    p->r = NULL;
}

ck_rc ck_cases_insert_prepared(ck_db *db, ck_prepared *p, size_t n, ck_date as_of, char *err, size_t err_len)
{
    const ck_case **cases = ck_calloc(n ? n : 1, sizeof *cases);
    const ck_result **results = ck_calloc(n ? n : 1, sizeof *results);
    ck_holder *holders = ck_calloc(n ? n : 1, sizeof *holders);
    int64_t *ids = ck_calloc(n ? n : 1, sizeof *ids);
    size_t *from = ck_calloc(n ? n : 1, sizeof *from); /* p[] index of each case written */
    holder_memo memo;
    memo_init(&memo);
    ck_rc rc = CK_OK;
    size_t m = 0;
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        if (p[i].rc != CK_OK) continue;
        rc = derive_holder_memo(db, &memo, p[i].c, as_of, NULL, &holders[m], err, err_len);
        cases[m] = p[i].c;
        results[m] = p[i].r;
        from[m++] = i;
    }
    if (rc == CK_OK) rc = ck_store_insert_many(db, m, cases, holders, ids, err, err_len);
    if (rc == CK_OK) rc = ck_store_put_obligations_many(db, m, ids, results, holders, err, err_len);
    const ck_wprofile **profiles = ck_calloc(m ? m : 1, sizeof *profiles);
    for (size_t k = 0; k < m; k++) profiles[k] = &p[from[k]].profile;
    if (rc == CK_OK) rc = ck_store_put_profiles(db, m, ids, profiles, as_of, err, err_len);
    ck_free(profiles);
    ck_date *next = ck_calloc(m ? m : 1, sizeof *next);
    for (size_t k = 0; k < m; k++) next[k] = p[from[k]].next_change;
    if (rc == CK_OK) rc = ck_store_set_next_change(db, m, ids, next, as_of, err, err_len);
    ck_free(next);
    for (size_t k = 0; k < m && rc == CK_OK; k++) {
        ck_prepared *q = &p[from[k]];
        if (ids[k]) continue;
        q->rc = CK_ERR_EXISTS;
        snprintf(q->err, sizeof q->err, "crn: a case with CRN %s already exists", q->c->crn);
    }
    memo_free(&memo);
    ck_free(cases);
    ck_free(results);
    ck_free(holders);
    ck_free(ids);
    ck_free(from);
    return rc;
}

/* The SQLite page cache of a bulk import and of its index build, in KiB
 * (negative), 64 MiB: what the import holds must not grow with the number
 * of cases. While cases are written, rows arrive in case order and the
 * worklist and search indexes are deferred, so most pages written are the
 * last ones of their B-tree and a bigger cache bought no time: 10,000
 * London cases took 15.5 s of CPU with 64 MiB, 15.9 to 16.8 s with 256 MiB
 * (at 175 MiB peak against 390 MiB). While the deferred indexes are built,
 * SQLite's sorter keeps up to a page cache's worth of rows in memory in each
 * of its tasks (one per worker thread and one more): 256 MiB x 3 made the
 * national build's 1.1 GiB client. */
#define BULK_CACHE_KIB INT64_C(-65536)
/* PRAGMA temp_store's value for temporary files: SQLite sorts on worker
 * threads only then, and an index build is one big sort. */
#define TEMP_STORE_FILE 1

static ck_rc pragma_get(ck_db *db, const char *name, int64_t *v, char *err, size_t err_len)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) return ck_txn_db_fail(db, name, err, err_len);
    int got = ck_stmt_step(st);
    if (got == CK_DB_ROW) *v = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return got == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, name, err, err_len);
}

static ck_rc pragma_set(ck_db *db, const char *name, int64_t v, char *err, size_t err_len)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s = %lld", name, (long long)v);
    return ck_db_exec(db, sql) == CK_DB_OK ? CK_OK : ck_txn_db_fail(db, name, err, err_len);
}

ck_rc ck_cases_bulk_begin(ck_db *db, ck_bulk *b, char *err, size_t err_len)
{
    b->cache_size = 0;
    b->deferred = false;
    b->each = NULL;
    b->ctx = NULL;
    ck_rc rc = ck_cases_bulk_end(db, b, err, err_len); /* what an interrupted import left */
    if (rc == CK_OK && (rc = ck_txn_begin_write(db, err, err_len)) == CK_OK)
        rc = ck_txn_finish(db, ck_store_defer_indexes(db, &b->deferred, err, err_len), err, err_len);
    if (rc != CK_OK || ck_db_kind(db) != CK_DB_SQLITE) return rc;
    int64_t was = 0;
    rc = pragma_get(db, "cache_size", &was, err, err_len);
    if (rc == CK_OK) rc = pragma_set(db, "cache_size", BULK_CACHE_KIB, err, err_len);
    if (rc == CK_OK) b->cache_size = was ? was : BULK_CACHE_KIB;
    return rc;
}

/* Builds the deferred indexes; on SQLite with the sorter's worker threads,
 * the connection's settings put back after. */
static ck_rc build_deferred(ck_db *db, ck_index_each each, void *ctx, char *err, size_t err_len)
{
    bool sqlite = ck_db_kind(db) == CK_DB_SQLITE;
    int64_t temp_store = 0, threads = 0, cache = 0;
    ck_rc rc = CK_OK;
    if (sqlite && (rc = pragma_get(db, "temp_store", &temp_store, err, err_len)) == CK_OK &&
        (rc = pragma_get(db, "threads", &threads, err, err_len)) == CK_OK &&
        (rc = pragma_get(db, "cache_size", &cache, err, err_len)) == CK_OK &&
        (rc = pragma_set(db, "temp_store", TEMP_STORE_FILE, err, err_len)) == CK_OK &&
        (rc = pragma_set(db, "cache_size", BULK_CACHE_KIB, err, err_len)) == CK_OK)
        rc = pragma_set(db, "threads", ck_par_threads(), err, err_len);
    if (rc == CK_OK && (rc = ck_txn_begin_write(db, err, err_len)) == CK_OK)
        rc = ck_txn_finish(db, ck_store_build_deferred(db, each, ctx, err, err_len), err, err_len);
    if (sqlite) {
        ck_rc put = pragma_set(db, "temp_store", temp_store, err, err_len);
        if (put == CK_OK) put = pragma_set(db, "threads", threads, err, err_len);
        if (put == CK_OK && cache) put = pragma_set(db, "cache_size", cache, err, err_len);
        if (rc == CK_OK) rc = put;
    }
    return rc;
}

ck_rc ck_cases_bulk_end(ck_db *db, ck_bulk *b, char *err, size_t err_len)
{
    ck_rc rc = build_deferred(db, b->each, b->ctx, err, err_len);
    if (b->cache_size) {
        ck_rc put = pragma_set(db, "cache_size", b->cache_size, err, err_len);
        if (rc == CK_OK) rc = put;
        b->cache_size = 0;
    }
    return rc;
}

ck_rc ck_cases_create(ck_db *db, const ck_engine *eng, const ck_case *c, ck_date as_of, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, ck_cases_insert(db, eng, c, as_of, err, err_len), err, err_len);
}

/* Writes validated case c whole over case `id` with its holder and its
 * obligations at as_of, once the reports complete `before` the change allow
 * it: what replace and edit_in_tx share. */
static ck_rc rewrite(ck_db *db, const ck_engine *eng, int64_t id, const ck_case *c, const completions *before,
                     ck_date as_of, char *err, size_t err_len)
{
    ck_result *r = evaluate(eng, c, as_of);
    ck_rc rc = check_completions(before, c, r, err, err_len);
    if (rc == CK_OK) {
        ck_arena a;
        ck_arena_init(&a);
        ck_holder h;
        rc = derive_holder(db, c, as_of, &a, &h, err, err_len);
        if (rc == CK_OK) rc = ck_store_rewrite(db, id, c, &h, err, err_len);
        if (rc == CK_OK) rc = ck_store_bump_version(db, id, err, err_len);
        if (rc == CK_OK) rc = ck_store_put_obligations(db, id, r, &h, true, err, err_len);
        if (rc == CK_OK) rc = ck_caseload_refresh(db, id, c, r, as_of, eng->cfg, err, err_len);
        ck_arena_free(&a);
    }
    ck_result_free(r);
    return rc;
}

ck_rc ck_cases_replace_tx(ck_db *db, const ck_engine *eng, const ck_case *c, bool keep_victims, ck_date as_of,
                          char *err, size_t err_len)
{
    int64_t id = 0;
    ck_case *old = NULL, kept;
    const ck_case *use = c;
    completions before = {NULL, 0};
    ck_rc rc = ck_store_find(db, c->crn, CK_LOCK_UPDATE, &id, err, err_len);
    if (rc == CK_OK) rc = ck_store_load(db, id, &old, err, err_len);
    if (rc == CK_OK && keep_victims) {
        /* A shallow copy: it borrows c's records and old's victims, both of
         * which outlive it, and is never freed itself. */
        kept = *c;
        kept.victims = old->victims;
        kept.n_victims = old->n_victims;
        use = &kept;
    }
    if (rc == CK_OK) rc = validate(use, err, err_len);
    if (rc == CK_OK) {
        completions_take(&before, old);
        rc = rewrite(db, eng, id, use, &before, as_of, err, err_len);
    }
    completions_free(&before);
    ck_case_free(old);
    return rc;
}

ck_rc ck_cases_replace(ck_db *db, const ck_engine *eng, const ck_case *c, ck_date as_of, char *err, size_t err_len)
{
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, ck_cases_replace_tx(db, eng, c, false, as_of, err, err_len), err, err_len);
}

ck_rc ck_cases_edit_in_tx(ck_db *db, const ck_engine *eng, const char *crn,
                          ck_rc (*edit)(ck_case *c, void *ctx, char *err, size_t err_len), void *ctx, ck_date as_of,
                          char *err, size_t err_len)
{
    int64_t id = 0;
    ck_case *c = NULL;
    completions before = {NULL, 0};
    ck_rc rc = ck_store_find(db, crn, CK_LOCK_UPDATE, &id, err, err_len);
    if (rc == CK_OK) rc = ck_store_load(db, id, &c, err, err_len);
    if (rc == CK_OK) {
        completions_take(&before, c);
        rc = edit(c, ctx, err, err_len);
    }
    if (rc == CK_OK) rc = validate(c, err, err_len);
    if (rc == CK_OK) rc = rewrite(db, eng, id, c, &before, as_of, err, err_len);
    completions_free(&before);
    ck_case_free(c);
    return rc;
}

/* The record change shared by add and update: c (loaded, locked, changed in
 * memory at list[ord]) is validated, checked against what was complete
 * before, and written with its obligations. */
static ck_rc write_change(ck_db *db, const ck_engine *eng, int64_t id, ck_case *c, const completions *before,
                          const char *list, size_t ord, bool is_new, ck_date as_of, char *err, size_t err_len)
{
    if (!ck_case_validate(c, err, err_len)) return CK_ERR_INVALID;
    ck_result *r = evaluate(eng, c, as_of);
    ck_rc rc = check_completions(before, c, r, err, err_len);
    if (rc == CK_OK) rc = ck_store_write_record(db, id, c, list, ord, is_new, err, err_len);
    if (rc == CK_OK) rc = ck_store_bump_version(db, id, err, err_len);
    if (rc == CK_OK) rc = store_derived(db, id, c, r, as_of, true, err, err_len);
    if (rc == CK_OK) rc = ck_caseload_refresh(db, id, c, r, as_of, eng->cfg, err, err_len);
    ck_result_free(r);
    return rc;
}

/* What a requirement or licence condition change is told by: the
 * fingerprints of court event ev's requirements and licence conditions. */
static void fingerprint_event(const ck_event *ev, uint64_t *orders, uint64_t *licence)
{
    *orders = ck_events_fingerprint(&ck_entity_requirement, ev->requirements, ev->n_requirements);
    *licence = ck_events_fingerprint(&ck_entity_licence_condition, ev->licence_conditions, ev->n_licence_conditions);
}

/* Queues requirement.changed / licence_condition.changed when an edit of
 * court event ev changed them (the store's sentence.updated says only that
 * the event was written). */
static void note_event_parts(ck_db *db, const char *crn, const ck_event *ev, uint64_t orders, uint64_t licence)
{
    uint64_t o2, l2;
    fingerprint_event(ev, &o2, &l2);
    if (o2 != orders) ck_events_add(db, "requirement.changed", crn);
    if (l2 != licence) ck_events_add(db, "licence_condition.changed", crn);
}

/* Locks and loads the case for a record change. */
static ck_rc open_case(ck_db *db, const char *crn, const char *list, int64_t *id, ck_case **c, char *err,
                       size_t err_len)
{
    *c = NULL;
    if (!ck_store_list_entity(list, err, err_len)) return CK_ERR_INVALID;
    ck_rc rc = ck_store_find(db, crn, CK_LOCK_UPDATE, id, err, err_len);
    if (rc == CK_OK) rc = ck_store_load(db, *id, c, err, err_len);
    return rc;
}

ck_rc ck_cases_add_tx(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const void *rec,
                      ck_date as_of, char *err, size_t err_len)
{
    int64_t id;
    ck_case *c;
    ck_rc rc = open_case(db, crn, list, &id, &c, err, err_len);
    if (rc != CK_OK) return rc;
    completions before;
    completions_take(&before, c);
    const char *rid = ck_store_record_id(ck_store_list_entity(list, NULL, 0), rec);
    size_t ord = 0;
    if (rid && ck_store_find_record(c, list, rid, &ord))
        rc = ck_txn_fail(CK_ERR_EXISTS, err, err_len, "%s[%zu].id: \"%s\" is already the id of a record of case %s",
                         list, ord, rid, crn);
    if (rc == CK_OK) rc = ck_store_append(c, list, rec, &ord, err, err_len);
    if (rc == CK_OK && strcmp(list, "events") == 0) /* a new event's orders and conditions are changes too */
        note_event_parts(db, crn, &c->events[ord], ck_events_fingerprint(&ck_entity_requirement, NULL, 0),
                         ck_events_fingerprint(&ck_entity_licence_condition, NULL, 0));
    if (rc == CK_OK) rc = write_change(db, eng, id, c, &before, list, ord, true, as_of, err, err_len);
    completions_free(&before);
    ck_case_free(c);
    return rc;
}

ck_rc ck_cases_add(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const void *rec,
                   ck_date as_of, char *err, size_t err_len)
{
    if (!ck_store_list_entity(list, err, err_len)) return CK_ERR_INVALID;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, ck_cases_add_tx(db, eng, crn, list, rec, as_of, err, err_len), err, err_len);
}

ck_rc ck_cases_update_tx(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const char *id,
                         bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                         ck_date as_of, char *err, size_t err_len)
{
    int64_t case_id;
    ck_case *c;
    ck_rc rc = open_case(db, crn, list, &case_id, &c, err, err_len);
    if (rc != CK_OK) return rc;
    completions before;
    completions_take(&before, c);
    size_t ord = 0;
    void *rec = ck_store_find_record(c, list, id, &ord);
    if (!rec)
        rc = ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "%s: case %s has no record with id \"%s\"", list, crn,
                         id ? id : "");
    uint64_t orders = 0, licence = 0;
    if (rc == CK_OK && strcmp(list, "events") == 0) fingerprint_event(rec, &orders, &licence);
    if (rc == CK_OK && !edit(c, rec, ctx, err, err_len)) rc = CK_ERR_INVALID;
    if (rc == CK_OK && strcmp(list, "events") == 0) note_event_parts(db, c->crn, rec, orders, licence);
    if (rc == CK_OK) {
        char path[96];
        snprintf(path, sizeof path, "%s[%zu]", list, ord);
        rc = ck_store_check(ck_store_list_entity(list, NULL, 0), rec, path, err, err_len);
    }
    if (rc == CK_OK) rc = write_change(db, eng, case_id, c, &before, list, ord, false, as_of, err, err_len);
    completions_free(&before);
    ck_case_free(c);
    return rc;
}

ck_rc ck_cases_update(ck_db *db, const ck_engine *eng, const char *crn, const char *list, const char *id,
                      bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len), void *ctx,
                      ck_date as_of, char *err, size_t err_len)
{
    if (!ck_store_list_entity(list, err, err_len)) return CK_ERR_INVALID;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(db, ck_cases_update_tx(db, eng, crn, list, id, edit, ctx, as_of, err, err_len), err, err_len);
}

/* ---- Reads of one case ------------------------------------------------------ */

ck_rc ck_cases_get(ck_db *db, const char *crn, ck_case **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t id;
    rc = ck_store_find(db, crn, CK_LOCK_NONE, &id, err, err_len);
    if (rc == CK_OK) rc = ck_store_load(db, id, out, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_cases_obligations(ck_db *db, const char *crn, ck_date as_of, ck_result **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t id;
    rc = ck_store_find(db, crn, CK_LOCK_NONE, &id, err, err_len);
    if (rc == CK_OK) rc = ck_store_get_obligations(db, id, as_of, false, out, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

/* ---- Many cases --------------------------------------------------------------- */

static ck_rc count_rows(ck_db *db, ck_stmt *st, size_t *n, const char *what, char *err, size_t err_len)
{
    int rc = ck_stmt_step(st);
    if (rc == CK_DB_ROW) *n = (size_t)ck_stmt_int(st, 0);
    ck_rc out = rc == CK_DB_ROW ? CK_OK : ck_txn_db_fail(db, what, err, err_len);
    ck_stmt_reset(st);
    return out;
}

ck_rc ck_cases_count(ck_db *db, size_t *n, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"cases\"");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    return count_rows(db, st, n, "cases", err, err_len);
}

typedef struct eval_run {
    const ck_engine *eng;
    ck_case **cases;
    ck_result **results;
    ck_wprofile *profiles;
    ck_date *next;
    ck_date as_of;
} eval_run;

static void eval_one(void *ctx, size_t i)
{
    eval_run *e = ctx;
    e->results[i] = evaluate(e->eng, e->cases[i], e->as_of);
    ck_wprofile_of(e->cases[i], e->as_of, e->eng->cfg, &e->profiles[i]);
    e->next[i] = ck_horizon_case(e->cases[i], e->as_of, e->results[i], &e->profiles[i]);
}

/* One transaction's batch of a recompute, read in parts: while one part is
 * read, the part before is evaluated on the other cores, so the rules
 * engine costs little wall time beside the reading. The parts share the
 * transaction (their rows are locked until it ends), so no case can be
 * written between its reading and the writing of what it gave.
 *
 * On SQLite, reading was most of the work and one core did all of it, so
 * there the batch is read in two halves at once: the first on the
 * transaction's own connection, the second on another connection of the
 * run (WAL: a reader beside the writer) in a read transaction begun after
 * the write lock was taken, which therefore sees exactly what the writer
 * sees, nobody else being able to commit until the batch does. Each half is
 * evaluated, its holders derived and its digests worked out by the thread
 * that read it; only the comparing and writing stay on the writer's.
 * PostgreSQL's nightly pass over the due cases does the same with the
 * writer's exported snapshot (read_halves), so two backends read at once. */
#define RECOMPUTE_PARTS 4
#define RECOMPUTE_CACHE_KIB (-65536) /* PRAGMA cache_size of the writer during a recompute: 64 MiB */
#define CK_RECOMPUTE_BATCH_MAX 100000 /* as ck_store_load_batch caps a load: the arrays stay bounded */
typedef struct recompute_run {
    ck_store_batch parts[RECOMPUTE_PARTS];
    eval_run runs[RECOMPUTE_PARTS];
    size_t n_parts;
    size_t n;          /* cases in all parts */
    ck_case **cases;   /* the parts' cases in order, and their ids */
    int64_t *ids;
    ck_result **results;
    ck_wprofile *profiles;
    ck_date *next;
    ck_holder *holders;
    int64_t *digests;  /* ck_store_obl_digest of results and holders */
    holder_memo memos[2]; /* the holders' strings: the writer's half, the reader's */
    ck_db *reader;     /* the second connection (SQLite), or NULL */
    /* Read in halves: what each half's cases change, worked out by the
     * thread that read them (ck_store_sync_plan), for the writer to apply
     * in order; NULL: the writer compares the whole batch itself. */
    ck_sync_plan *plans[2];
    size_t plan_from[2]; /* the slot of each plan's first case */
    bool applied[2];     /* plans[j] already written (read_halves, PostgreSQL) */
    bool *differs;       /* per slot: its stored rows changed (recompute_batch) */
} recompute_run;

static void run_init(recompute_run *r, size_t batch)
{
    memset(r, 0, sizeof *r);
    for (size_t j = 0; j < RECOMPUTE_PARTS; j++) ck_store_batch_init(&r->parts[j]);
    r->cases = ck_calloc(batch, sizeof *r->cases);
    r->ids = ck_calloc(batch, sizeof *r->ids);
    r->results = ck_calloc(batch, sizeof *r->results);
    r->profiles = ck_calloc(batch, sizeof *r->profiles);
    r->next = ck_calloc(batch, sizeof *r->next);
    r->holders = ck_calloc(batch, sizeof *r->holders);
    r->digests = ck_calloc(batch, sizeof *r->digests);
    r->differs = ck_calloc(batch, sizeof *r->differs);
    for (size_t j = 0; j < 2; j++) memo_init(&r->memos[j]);
}

/* Frees the cases and results of the last batch; the parts stay ready for
 * the next (the first keeps the CRN a full pass resumes after). The
 * organisation may change between batches, so each asks afresh. */
static void run_clear(recompute_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        ck_result_free(r->results[i]);
        r->results[i] = NULL;
    }
    for (size_t j = 1; j < RECOMPUTE_PARTS; j++) ck_store_batch_free(&r->parts[j]);
    for (size_t j = 0; j < 2; j++) {
        memo_free(&r->memos[j]);
        memo_init(&r->memos[j]);
        ck_store_sync_plan_free(r->plans[j]);
        r->plans[j] = NULL;
        r->applied[j] = false;
    }
    memset(r->differs, 0, r->n * sizeof *r->differs);
    r->n = r->n_parts = 0;
}

static void run_free(recompute_run *r)
{
    run_clear(r);
    ck_store_batch_free(&r->parts[0]);
    for (size_t j = 0; j < 2; j++) memo_free(&r->memos[j]);
    ck_free(r->cases);
    ck_free(r->ids);
    ck_free(r->results);
    ck_free(r->profiles);
    ck_free(r->next);
    ck_free(r->holders);
    ck_free(r->digests);
    ck_free(r->differs);
    ck_db_close(r->reader);
}

/* Appends part b's cases to the run's arrays and returns the eval_run of
 * its slots. */
static eval_run *run_take_part(recompute_run *r, const ck_engine *eng, ck_date as_of, size_t j)
{
    ck_store_batch *b = &r->parts[j];
    for (size_t i = 0; i < b->n; i++) {
        r->cases[r->n + i] = b->cases[i];
        r->ids[r->n + i] = b->ids[i];
    }
    r->runs[j] = (eval_run){eng, r->cases + r->n, r->results + r->n, r->profiles + r->n, r->next + r->n, as_of};
    r->n += b->n;
    return &r->runs[j];
}

/* The holders (asked of db through memo) and digests of cases
 * [from, from + n) of the run, once evaluated. */
static ck_rc holders_and_digests(ck_db *db, recompute_run *r, holder_memo *memo, ck_date as_of, size_t from, size_t n,
                                 char *err, size_t err_len)
{
    /* The batch's staff and teams asked in one statement, not one each. */
    ck_rc rc = memo_prefill_cases(db, memo, (const ck_case *const *)r->cases + from, n, as_of, err, err_len);
    for (size_t i = from; i < from + n && rc == CK_OK; i++) {
        rc = derive_holder_memo(db, memo, r->cases[i], as_of, NULL, &r->holders[i], err, err_len);
        if (rc == CK_OK) r->digests[i] = ck_store_obl_digest(r->results[i], &r->holders[i]);
    }
    return rc;
}

/* One half of a batch: read with db (the reader's in its own read
 * transaction), evaluated, its holders and digests worked out, and what it
 * changes planned (ck_store_sync_plan). */
typedef struct half {
    ck_db *db;
    bool own_tx;          /* the reader's: begins and ends its read transaction */
    const char *snapshot; /* PostgreSQL: the writer's snapshot the reader's transaction reads in */
    bool locked;          /* the writer locked the batch's rows beforehand: load without a lock */
    recompute_run *r;
    size_t part;          /* r->parts[part] */
    const int64_t *ids;   /* the due ids to read, or NULL: `take` cases after parts[part].after */
    size_t take;
    const ck_engine *eng;
    ck_date as_of;
    holder_memo *memo;
    size_t from, n;       /* the run's slots it filled */
    ck_rc rc;
    char err[512];
    /* A prefetch (prefetch_start): the batch is first split, in the same
     * read transaction, into the `split_max` cases after split_after: the
     * first split_permille thousandths for the writer, the rest (from
     * `from` on, `take` of them) read here. */
    const char *split_after;
    size_t split_max;
    unsigned split_permille;
    size_t want; /* the batch's cases as the split saw them */
    char *mid;   /* the last CRN of the writer's part (NULL: fewer than two cases) */
    double cpu;  /* the thread's CPU seconds for the half */
} half;

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void half_run(void *ctx, size_t unused)
{
    (void)unused;
    half *h = ctx;
    recompute_run *r = h->r;
    ck_store_batch *b = &r->parts[h->part];
    b->rules_view = true; /* the cases are only evaluated, never written back */
    double cpu = thread_cpu();
    ck_rc rc = !h->own_tx   ? CK_OK
               : h->snapshot ? ck_txn_begin_read_at(h->db, h->snapshot, h->err, sizeof h->err)
                             : ck_txn_begin_read(h->db, h->err, sizeof h->err);
    ck_lock lock = h->locked ? CK_LOCK_NONE : CK_LOCK_UPDATE;
    if (rc == CK_OK && h->split_after) {
        size_t first = 0;
        rc = ck_store_batch_split(h->db, h->split_after, h->split_max, h->split_permille, &h->mid, &first, &h->want,
                                  h->err, sizeof h->err);
        h->from = h->mid ? first : h->want;
        h->take = h->want - h->from;
        if (h->mid) {
            ck_free(b->after);
            b->after = ck_strdup(h->mid);
        }
    }
    if (rc == CK_OK && h->take)
        rc = h->ids ? ck_store_load_ids(h->db, b, h->ids, h->take, lock, h->err, sizeof h->err)
                    : ck_store_load_batch(h->db, b, h->take, lock, h->err, sizeof h->err);
    if (rc == CK_OK && h->take) {
        h->n = b->n;
        for (size_t i = 0; i < b->n; i++) {
            r->cases[h->from + i] = b->cases[i];
            r->ids[h->from + i] = b->ids[i];
        }
        eval_run e = {h->eng, r->cases + h->from, r->results + h->from, r->profiles + h->from, r->next + h->from,
                      h->as_of};
        for (size_t i = 0; i < b->n; i++) eval_one(&e, i);
        rc = holders_and_digests(h->db, r, h->memo, h->as_of, h->from, h->n, h->err, sizeof h->err);
        if (rc == CK_OK)
            rc = ck_store_sync_plan(h->db, h->n, r->ids + h->from, r->results + h->from, r->holders + h->from,
                                    r->digests + h->from, &r->plans[h->part], h->err, sizeof h->err);
        if (rc == CK_OK)
            rc = ck_store_sync_plan_profiles(h->db, r->plans[h->part], r->profiles + h->from, r->next + h->from,
                                             h->as_of, h->err, sizeof h->err);
    }
    if (h->own_tx) rc = ck_txn_finish(h->db, rc, h->err, sizeof h->err);
    h->rc = rc;
    h->cpu = thread_cpu() - cpu;
}

static void *half_thread(void *ctx)
{
    half_run(ctx, 0);
    return NULL;
}

/* Moves n slots of the run from `from` down to `to`. */
static void run_move(recompute_run *r, size_t to, size_t from, size_t n)
{
    memmove(r->cases + to, r->cases + from, n * sizeof *r->cases);
    memmove(r->ids + to, r->ids + from, n * sizeof *r->ids);
    memmove(r->results + to, r->results + from, n * sizeof *r->results);
    memmove(r->profiles + to, r->profiles + from, n * sizeof *r->profiles);
    memmove(r->next + to, r->next + from, n * sizeof *r->next);
    memmove(r->holders + to, r->holders + from, n * sizeof *r->holders);
    memmove(r->digests + to, r->digests + from, n * sizeof *r->digests);
    for (size_t i = to + n; i < from + n; i++) r->results[i] = NULL;
}

/* Reads and evaluates the batch (the due ids[0..n_ids), or with ids NULL
 * the next `batch` cases after parts[0].after) in two halves at once, the
 * second on the reader (see recompute_run). *split false: the batch is too
 * small to split and nothing was read. */
static ck_rc read_halves(ck_db *db, const ck_engine *eng, ck_date as_of, recompute_run *r, const int64_t *ids,
                         size_t n_ids, size_t batch, bool *split, char *err, size_t err_len)
{
    *split = false;
    size_t want = ids ? n_ids : batch;
    size_t first = want / 2;
    if (!ids) {
        char *mid = NULL; /* the last CRN of the first half */
        ck_rc rc = ck_store_batch_split(db, r->parts[0].after, batch, 500, &mid, &first, &want, err, err_len);
        if (rc != CK_OK || !mid) return rc;
        ck_free(r->parts[1].after);
        r->parts[1].after = mid;
    }
    if (first == 0) return CK_OK;
    /* PostgreSQL (due ids only, see ck_cases_recompute): no write lock keeps
     * other writers out, so the writer locks every case of the batch first;
     * then the reader reads its half in the writer's snapshot, taken after
     * the locks, which therefore holds every write to those cases there will
     * be until the batch commits. */
    char *snapshot = NULL;
    bool pg = ck_db_kind(db) == CK_DB_PG;
    if (pg) {
        if (!ids) return ck_txn_fail(CK_ERR_DB, err, err_len, "recompute: a full pass on PostgreSQL has no reader");
        ck_rc rc = ck_store_lock_ids(db, ids, n_ids, err, err_len);
        if (rc == CK_OK) rc = ck_txn_export_snapshot(db, &snapshot, err, err_len);
        if (rc != CK_OK) return rc;
    }
    *split = true;
    half hs[2] = {
        {.db = db, .r = r, .part = 0, .ids = ids, .take = first, .eng = eng, .as_of = as_of, .memo = &r->memos[0],
         .locked = pg},
        {.db = r->reader, .own_tx = true, .r = r, .part = 1, .ids = ids ? ids + first : NULL, .take = want - first,
         .eng = eng, .as_of = as_of, .memo = &r->memos[1], .from = first, .snapshot = snapshot, .locked = pg},
    };
    /* The reader's half on a thread of its own, never taken back by this
     * one (as ck_par_wait would when it finishes first), so each thread
     * keeps to its connection's half and the work per thread is the same
     * from run to run. */
    pthread_t t;
    bool started = pthread_create(&t, NULL, half_thread, &hs[1]) == 0;
    half_run(&hs[0], 0);
    /* PostgreSQL: the writer's half is written while the reader still
     * reads, which it may since the reader reads other cases, in a snapshot
     * that never sees this transaction's writes. Not when the half read
     * fewer cases than asked (then the batch is compared whole, below). */
    ck_rc applied = CK_OK;
    if (pg && started && hs[0].rc == CK_OK && hs[0].n == first && r->plans[0]) {
        applied = ck_store_sync_apply(db, r->plans[0], r->differs, err, err_len);
        r->applied[0] = applied == CK_OK;
    }
    if (started) pthread_join(t, NULL);
    else half_run(&hs[1], 0);
    ck_free(snapshot);
    if (applied != CK_OK) return applied;
    r->n_parts = 2;
    r->plan_from[1] = first;
    /* A half that read fewer than its share (due cases deleted meanwhile)
     * leaves a gap before the second half's slots; the plans point into the
     * slots, so then the writer compares the batch itself. */
    if (hs[0].n < first) {
        run_move(r, hs[0].n, first, hs[1].n);
        for (size_t j = 0; j < 2; j++) {
            ck_store_sync_plan_free(r->plans[j]);
            r->plans[j] = NULL;
        }
    }
    r->n = hs[0].n + hs[1].n;
    for (size_t j = 0; j < 2; j++)
        if (hs[j].rc != CK_OK) {
            snprintf(err, err_len, "%s", hs[j].err);
            return hs[j].rc;
        }
    return CK_OK;
}

/* Reads the batch (the due ids[0..n_ids), or with ids NULL the next `batch`
 * cases in CRN order after parts[0].after), on two connections at once when
 * the run has a reader, else part by part on db, each part's evaluation
 * started as soon as it is read; returns with every case read, evaluated,
 * its holder derived and its digest worked out, or the first failure (the
 * evaluations started are waited for either way). A full pass goes on after
 * run_after's CRN. */
static ck_rc read_and_evaluate(ck_db *db, const ck_engine *eng, ck_date as_of, recompute_run *r, const int64_t *ids,
                               size_t n_ids, size_t batch, char *err, size_t err_len)
{
    if (r->reader) {
        bool split = false;
        ck_rc rc = read_halves(db, eng, as_of, r, ids, n_ids, batch, &split, err, err_len);
        if (rc != CK_OK || split) return rc;
    }
    size_t want = ids ? n_ids : batch;
    size_t part = (want + RECOMPUTE_PARTS - 1) / RECOMPUTE_PARTS;
    if (part == 0) part = 1;
    unsigned helpers = ck_par_threads() - 1;
    ck_par *running = NULL;
    ck_rc rc = CK_OK;
    size_t asked = 0;
    for (size_t j = 0; j < RECOMPUTE_PARTS && asked < want && rc == CK_OK; j++) {
        ck_store_batch *b = &r->parts[j];
        size_t take = want - asked < part ? want - asked : part;
        b->rules_view = true; /* the cases are only evaluated, never written back */
        if (ids) {
            rc = ck_store_load_ids(db, b, ids + asked, take, CK_LOCK_UPDATE, err, err_len);
        } else {
            if (j > 0) {
                ck_free(b->after);
                b->after = ck_strdup(r->parts[j - 1].after);
            }
            rc = ck_store_load_batch(db, b, take, CK_LOCK_UPDATE, err, err_len);
        }
        asked += take;
        r->n_parts = j + 1;
        if (rc != CK_OK) break;
        eval_run *e = run_take_part(r, eng, as_of, j);
        /* The part before is done (this thread helps with what is left),
         * then this one starts on the other cores. */
        ck_par_wait(running);
        running = ck_par_start(b->n, helpers, eval_one, e);
        if (!ids && b->n < take) break; /* the last cases */
    }
    ck_par_wait(running);
    if (rc == CK_OK) rc = holders_and_digests(db, r, &r->memos[0], as_of, 0, r->n, err, err_len);
    return rc;
}

/* The CRN the next batch of a full pass starts after: the last part read's. */
static const char *run_after(const recompute_run *r)
{
    return r->n_parts ? r->parts[r->n_parts - 1].after : r->parts[0].after;
}

/* ---- A full pass on SQLite, pipelined --------------------------------------------
 *
 * Read in halves (read_halves), the batch's writing and commit is the
 * writer's alone while the reader waits. So in a full pass the reader reads
 * the second part of the NEXT batch while the writer reads the first part of
 * this one, writes it and commits: a prefetch, in a read transaction of its
 * own, begun while the writer holds this batch's lock. Under the next lock
 * the writer takes it only if no other connection committed in between
 * (PRAGMA data_version, read under each lock, did not move): then the
 * prefetch saw what the writer sees, but for the writer's own commit, which
 * touches only the batch before's cases, whose rows the prefetch never
 * reads. Otherwise it is dropped and the batch read in halves as before.
 * The writer's part is the share that makes the two threads' CPU equal
 * (its writing included), worked out from the batch before. */
typedef struct prefetch {
    half h;
    pthread_t t;
    bool running;
    int64_t version; /* the writer's data_version under the lock it started in */
} prefetch;

static void *prefetch_thread(void *ctx)
{
    half_run(ctx, 0);
    return NULL;
}

/* Starts reading, on the reader, the second part of the batch of up to
 * `batch` cases after CRN `after` into r (cleared). */
static void prefetch_start(prefetch *p, recompute_run *r, const char *after, size_t batch, unsigned permille,
                           const ck_engine *eng, ck_date as_of, int64_t version)
{
    ck_free(r->parts[0].after);
    r->parts[0].after = ck_strdup(after);
    p->h = (half){.db = r->reader, .own_tx = true, .r = r, .part = 1, .eng = eng, .as_of = as_of,
                  .memo = &r->memos[1], .split_after = r->parts[0].after, .split_max = batch,
                  .split_permille = permille};
    p->version = version;
    p->running = pthread_create(&p->t, NULL, prefetch_thread, &p->h) == 0;
}

/* Drops what the finished prefetch read from its run. */
static void prefetch_clear(prefetch *p)
{
    recompute_run *r = p->h.r;
    if (r->n < p->h.from + p->h.n) r->n = p->h.from + p->h.n;
    ck_free(p->h.mid);
    p->h.mid = NULL;
    run_clear(r);
}

/* Waits for the prefetch, if one runs, and drops what it read. */
static void prefetch_drop(prefetch *p)
{
    if (!p->running) return;
    pthread_join(p->t, NULL);
    p->running = false;
    prefetch_clear(p);
}

/* The CPU each thread spent on a pipelined batch: the writer's part and
 * its writing, the reader's part. */
typedef struct pipe_cost {
    size_t n_writer, n_reader;
    double writer_read, writer_write, reader;
} pipe_cost;

/* Under batch r's lock (the writer's data_version now `version`): takes
 * the prefetched part if it can stand (see above), starts the next
 * batch's prefetch into `next`, and reads the writer's part, so that r is
 * read and evaluated as read_halves leaves it; *got false: nothing was
 * taken and r is cleared, to be read as usual. */
static ck_rc take_prefetch(ck_db *db, const ck_engine *eng, ck_date as_of, recompute_run *r, recompute_run *next,
                           prefetch *p, int64_t version, size_t batch, unsigned permille, bool *got, pipe_cost *cost,
                           char *err, size_t err_len)
{
    *got = false;
    if (!p->running) return CK_OK;
    pthread_join(p->t, NULL);
    p->running = false;
    if (p->h.rc != CK_OK || p->version != version) {
        prefetch_clear(p);
        return CK_OK;
    }
    half b = p->h; /* the prefetch's struct is the next one's */
    p->h.mid = NULL;
    cost->n_reader = b.n;
    cost->reader = b.cpu;
    /* The next batch's second part, read while this one's first part is
     * read and the batch written. None after a batch of fewer than two. */
    if (b.mid && b.n) prefetch_start(p, next, r->parts[1].after, batch, permille, eng, as_of, version);
    half a = {.db = db, .r = r, .part = 0, .take = b.from, .eng = eng, .as_of = as_of, .memo = &r->memos[0]};
    if (a.take) half_run(&a, 0);
    cost->n_writer = a.n;
    cost->writer_read = a.cpu;
    r->n = b.from + b.n;
    if (a.rc != CK_OK) {
        ck_free(b.mid);
        snprintf(err, err_len, "%s", a.err);
        return a.rc;
    }
    /* The writer's part ends where the split said, since nobody committed
     * since; were it otherwise, read the batch afresh. */
    bool same = a.n == b.from && (!b.mid || strcmp(r->parts[0].after, b.mid) == 0);
    ck_free(b.mid);
    if (!same) {
        prefetch_drop(p);
        run_clear(r);
        return CK_OK;
    }
    r->n_parts = b.n ? 2 : 1;
    r->plan_from[1] = b.from;
    *got = true;
    return CK_OK;
}

/* The writer's share of the next pipelined batch, in thousandths: halfway
 * from `was` to the one that would have given both threads the same CPU
 * in the batch before (per case read by each, plus the writer's writing),
 * since one batch's costs are noisy. */
static unsigned pipe_share(const pipe_cost *c, unsigned was)
{
    if (!c->n_writer || !c->n_reader) return was;
    double per_w = c->writer_read / (double)c->n_writer, per_r = c->reader / (double)c->n_reader;
    double n = (double)(c->n_writer + c->n_reader);
    if (per_w + per_r <= 0) return was;
    double mine = (per_r * n - c->writer_write) / (per_w + per_r);
    double share = 1000.0 * mine / n;
    if (share < 100) share = 100;
    if (share > 500) share = 500;
    return (unsigned)((share + was) / 2);
}

/* Writes what the evaluated batch changed: only the rows whose content
 * changed. Adds the cases whose stored rows changed to the stats. */
static ck_rc recompute_batch(ck_db *db, recompute_run *r, ck_date as_of, ck_recompute_stats *st, char *err,
                             size_t err_len)
{
    bool *differs = r->differs;
    ck_rc rc = CK_OK;
    if (r->plans[0] && r->plans[1]) {
        for (size_t j = 0; j < 2 && rc == CK_OK; j++)
            if (!r->applied[j]) rc = ck_store_sync_apply(db, r->plans[j], differs + r->plan_from[j], err, err_len);
    } else {
        /* Planned whole, as each half is: then a changed case's digest and
         * next change are written in one statement (ck_store_sync_apply). */
        ck_sync_plan *p = NULL;
        rc = ck_store_sync_plan(db, r->n, r->ids, r->results, r->holders, r->digests, &p, err, err_len);
        if (rc == CK_OK) rc = ck_store_sync_plan_profiles(db, p, r->profiles, r->next, as_of, err, err_len);
        if (rc == CK_OK) rc = ck_store_sync_apply(db, p, differs, err, err_len);
        ck_store_sync_plan_free(p);
    }
    for (size_t i = 0; i < r->n; i++) {
        if (differs[i] && st->list_changed) {
            st->changed_ids = ck_realloc(st->changed_ids, (st->changed + 1) * sizeof *st->changed_ids);
            st->changed_ids[st->changed] = r->ids[i];
        }
        st->changed += differs[i];
    }
    return rc;
}

#define META_BASIS "recompute_basis"
#ifndef CK_VERSION
#define CK_VERSION "unknown"
#endif

static bool basis_cfg(void *ctx, const char *key, const char *value, const char *source, bool local_default)
{
    (void)source;
    (void)local_default;
    crypto_generichash_state *h = ctx;
    crypto_generichash_update(h, (const unsigned char *)key, strlen(key) + 1);
    crypto_generichash_update(h, (const unsigned char *)value, strlen(value) + 1);
    return true;
}

ck_rc ck_cases_basis(ck_db *db, const ck_engine *eng, char out[65], char *err, size_t err_len)
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    crypto_generichash_update(&h, (const unsigned char *)CK_VERSION, sizeof CK_VERSION);
    ck_rulecfg_each(eng->cfg, basis_cfg, &h);
    int first, last;
    ck_calendar_range(eng->cal, &first, &last);
    for (ck_date d = ck_date_ymd(first, 1, 1); d <= ck_date_ymd(last, 12, 31); d++)
        if (ck_is_bank_holiday(eng->cal, d)) crypto_generichash_update(&h, (const unsigned char *)&d, sizeof d);
    /* The holder reads these (derive_holder): a case's practitioner moving
     * team (or becoming known), or a team moving PDU, changes the holder of
     * cases no date touches. Staff who hold no case do not count, so a
     * joiner does not make the next run evaluate everything. */
    ck_stmt *st = ck_db_prepare(db, "SELECT 's', \"h\".\"staff_code\", \"staff\".\"team\" FROM "
                                    "(SELECT DISTINCT \"staff_code\" FROM \"cases\" WHERE \"staff_code\" IS NOT NULL) "
                                    "AS \"h\" LEFT JOIN \"staff\" ON \"staff\".\"code\" = \"h\".\"staff_code\" "
                                    "UNION ALL SELECT 't', \"code\", \"pdu\" FROM \"teams\" ORDER BY 1, 2");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "staff", &rc, err, err_len))
        for (int i = 0; i < 3; i++) {
            const char *v = ck_stmt_text(st, i);
            crypto_generichash_update(&h, (const unsigned char *)(v ? v : ""), v ? strlen(v) + 1 : 0);
            crypto_generichash_update(&h, (const unsigned char *)(v ? "" : "\x01"), 1);
        }
    ck_stmt_reset(st);
    unsigned char digest[32];
    crypto_generichash_final(&h, digest, sizeof digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
    return rc;
}

/* Whether only the due cases need evaluating: the stored values rest on the
 * same basis and were computed no later than as_of. */
static ck_rc can_skip(ck_db *db, const ck_engine *eng, ck_date as_of, const char *basis, bool *skip, char *err,
                      size_t err_len)
{
    *skip = false;
    char stored[80];
    ck_date last;
    ck_rc rc = ck_cases_recomputed_on(db, &last, err, err_len);
    if (rc == CK_ERR_NOTFOUND) return CK_OK;
    if (rc != CK_OK || last > as_of) return rc;
    rc = ck_store_meta_get(db, META_BASIS, stored, sizeof stored, err, err_len);
    if (rc == CK_ERR_NOTFOUND) return CK_OK;
    (void)eng;
    *skip = rc == CK_OK && strcmp(stored, basis) == 0;
    return rc;
}

ck_rc ck_cases_recompute_needs_all(ck_db *db, const ck_engine *eng, ck_date as_of, bool *all, char *err,
                                   size_t err_len)
{
    *all = true;
    char basis[65];
    bool skip = false;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_cases_basis(db, eng, basis, err, err_len);
    if (rc == CK_OK) rc = can_skip(db, eng, as_of, basis, &skip, err, err_len);
    *all = !skip;
    return ck_txn_finish(db, rc, err, err_len);
}

ck_rc ck_cases_recompute(ck_db *db, const ck_engine *eng, ck_date as_of, bool all, size_t batch, const char *after,
                         ck_recompute_step step, void *ctx, ck_recompute_stats *stats, char *err, size_t err_len)
{
    ck_recompute_stats mine = {0};
    if (!stats) stats = &mine;
    bool list = stats->list_changed;
    memset(stats, 0, sizeof *stats);
    stats->list_changed = list;
    char basis[65];
    int64_t *due = NULL;
    size_t n_due = 0;
    bool skip = false;
    ck_rc rc = ck_txn_begin_read(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_cases_count(db, &stats->cases, err, err_len);
    if (rc == CK_OK) rc = ck_cases_basis(db, eng, basis, err, err_len);
    if (rc == CK_OK && !all) rc = can_skip(db, eng, as_of, basis, &skip, err, err_len);
    /* The due cases now: a case written meanwhile stores its own next
     * change, and one made due meanwhile waits for the next run. */
    if (rc == CK_OK && skip) rc = ck_store_due_ids(db, as_of, &due, &n_due, err, err_len);
    if ((rc = ck_txn_finish(db, rc, err, err_len)) != CK_OK) return rc;
    stats->all = !skip;
    size_t total = skip ? n_due : stats->cases;
    if (batch == 0) batch = skip ? CK_RECOMPUTE_BATCH_DUE : CK_RECOMPUTE_BATCH_FULL;
    if (batch > CK_RECOMPUTE_BATCH_MAX) batch = CK_RECOMPUTE_BATCH_MAX;
    ck_mem_keep_freed();
    /* Two runs: a pipelined full pass prefetches into one while the other
     * is written. */
    recompute_run runs[2];
    run_init(&runs[0], batch);
    run_init(&runs[1], batch);
    /* A second connection to read half of each batch (recompute_run): on
     * SQLite, with a core for it. Without one, one connection reads all. */
    if (ck_db_kind(db) == CK_DB_SQLITE && ck_par_threads() > 1) {
        char ignored[256];
        runs[0].reader = runs[1].reader = ck_db_open_again(db, ignored, sizeof ignored);
    }
    /* On PostgreSQL, for the due cases of a nightly pass: nearly all its
     * time is the server's reading (one backend, one core), which a second
     * connection splits over two. A full pass keeps one connection there:
     * it is not pipelined on PostgreSQL (prefetch), and its batches are
     * read by CRN range, which the writer would have to lock first. */
    if (ck_db_kind(db) == CK_DB_PG && skip && n_due >= 2 && ck_par_threads() > 1) {
        char ignored[256];
        runs[0].reader = runs[1].reader = ck_db_open_again(db, ignored, sizeof ignored);
    }
    bool pipelined = !skip && runs[0].reader;
    prefetch pf = {0};
    unsigned share = 500; /* the writer's, in thousandths of a pipelined batch */
    int64_t version = 0;
    size_t cur = 0;
    /* The writer's SQLite page cache, for a full pass: the rows it writes
     * land all over the obligation indexes, and with the default 2 MiB
     * nearly every one read its page back from the file (a fortnight after
     * an import at London, 25,000 new rows and 50,000 updated: 4.5 s of
     * writing, 3.6 s with 64 MiB). Put back at the end. Not for the due
     * cases: a few hundred cases a batch, spread over the whole file, read
     * and write most of their pages once, so a big cache only filled fresh
     * memory, page by page (London's night: 13,000 page faults of 30,000,
     * a quarter of the recompute's CPU). */
    int64_t cache_was = 0;
    if (ck_db_kind(db) == CK_DB_SQLITE && !skip && pragma_get(db, "cache_size", &cache_was, err, err_len) == CK_OK &&
        pragma_set(db, "cache_size", RECOMPUTE_CACHE_KIB, err, err_len) != CK_OK)
        cache_was = 0;
    /* A full pass resumes after the CRN a stopped run reached; a pass over
     * the due cases needs no such point, since a case evaluated at as_of
     * stores a next change after it and is no longer due. */
    char *next_after = !skip && after && *after ? ck_strdup(after) : NULL;
    for (size_t from = 0;;) {
        if (skip && from == n_due) break;
        recompute_run *run = &runs[cur];
        if ((rc = ck_txn_begin_write(db, err, err_len)) != CK_OK) break;
        /* Locked: a case written meanwhile waits, so its fresh obligations
         * are never overwritten with ones computed from its old rows. */
        size_t take = skip ? (n_due - from < batch ? n_due - from : batch) : batch;
        bool got = false;
        pipe_cost cost = {0};
        if (pipelined) {
            rc = pragma_get(db, "data_version", &version, err, err_len);
            if (rc == CK_OK)
                rc = take_prefetch(db, eng, as_of, run, &runs[1 - cur], &pf, version, batch, share, &got, &cost, err,
                                   err_len);
        }
        if (rc == CK_OK && !got) {
            if (!skip) {
                ck_free(run->parts[0].after);
                run->parts[0].after = next_after ? ck_strdup(next_after) : NULL;
            }
            rc = read_and_evaluate(db, eng, as_of, run, skip ? due + from : NULL, take, batch, err, err_len);
            /* The next batch's second part read while this one is written. */
            if (rc == CK_OK && pipelined && run->n)
                prefetch_start(&pf, &runs[1 - cur], run_after(run), batch, share, eng, as_of, version);
        }
        if (skip) from += take;
        double wrote = thread_cpu();
        if (rc == CK_OK && run->n) rc = recompute_batch(db, run, as_of, stats, err, err_len);
        size_t n = run->n;
        /* The next full batch starts after this one's last case. */
        if (!skip && n) {
            ck_free(next_after);
            next_after = ck_strdup(run_after(run));
        }
        run_clear(run);
        rc = ck_txn_finish(db, rc, err, err_len);
        if (got) {
            cost.writer_write = thread_cpu() - wrote;
            share = pipe_share(&cost, share);
        }
        cur = pipelined ? 1 - cur : cur;
        if (rc != CK_OK) break;

        /* Every case of a due batch deleted meanwhile: go on. */
        if (n == 0 && skip) continue;
        if (n == 0) break;
        stats->evaluated += n;
        size_t done = stats->evaluated;
        if (step && !step(ctx, done, done > total ? done : total, skip ? NULL : next_after)) {
            rc = ck_txn_fail(CK_ERR_CONFLICT, err, err_len, "recompute: stopped after %zu cases", done);
            break;
        }
    }
    prefetch_drop(&pf);
    ck_free(next_after);
    runs[1].reader = NULL; /* runs[0]'s, closed with it */
    run_free(&runs[1]);
    run_free(&runs[0]);
    ck_free(due);
    if (cache_was) {
        char ignored[256];
        (void)pragma_set(db, "cache_size", cache_was, ignored, sizeof ignored);
    }
    if (rc != CK_OK) return rc;
    char d[CK_DATE_STRLEN];
    if ((rc = ck_txn_begin_write(db, err, err_len)) != CK_OK) return rc;
    rc = ck_store_meta_set(db, META_RECOMPUTED, ck_date_fmt(as_of, d), err, err_len);
    if (rc == CK_OK) rc = ck_store_meta_set(db, META_BASIS, basis, err, err_len);
    return ck_txn_finish(db, rc, err, err_len);
}

typedef struct progress_step {
    void (*progress)(void *ctx, size_t done, size_t total);
    void *ctx;
} progress_step;

static bool progress_only(void *ctx, size_t done, size_t total, const char *last_crn)
{
    (void)last_crn;
    progress_step *p = ctx;
    if (p->progress) p->progress(p->ctx, done, total);
    return true;
}

ck_rc ck_cases_recompute_all(ck_db *db, const ck_engine *eng, ck_date as_of, size_t batch,
                             void (*progress)(void *ctx, size_t done, size_t total), void *ctx,
                             char *err, size_t err_len)
{
    progress_step p = {progress, ctx};
    return ck_cases_recompute(db, eng, as_of, true, batch, NULL, progress_only, &p, NULL, err, err_len);
}

ck_rc ck_cases_each(ck_db *db, bool (*fn)(void *ctx, const ck_case *c), void *ctx, char *err, size_t err_len)
{
    ck_store_batch b;
    ck_store_batch_init(&b);
    ck_rc rc = CK_OK;
    bool more = true;
    while (more && rc == CK_OK) {
        if ((rc = ck_txn_begin_read(db, err, err_len)) != CK_OK) break;
        rc = ck_store_load_batch(db, &b, EXPORT_BATCH, CK_LOCK_NONE, err, err_len);
        rc = ck_txn_finish(db, rc, err, err_len);
        more = rc == CK_OK && b.n > 0;
        for (size_t i = 0; i < b.n && more; i++) more = fn(ctx, b.cases[i]);
    }
    ck_store_batch_free(&b);
    return rc;
}

ck_rc ck_cases_recomputed_on(ck_db *db, ck_date *as_of, char *err, size_t err_len)
{
    char v[32];
    ck_rc rc = ck_store_meta_get(db, META_RECOMPUTED, v, sizeof v, err, err_len);
    if (rc != CK_OK) return rc;
    if (!ck_date_parse(v, strlen(v), as_of))
        return ck_txn_fail(CK_ERR_DB, err, err_len, "meta: %s is \"%s\", not a date", META_RECOMPUTED, v);
    return CK_OK;
}

ck_rc ck_cases_note_import(ck_db *db, ck_date as_of, char *err, size_t err_len)
{
    ck_date have;
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_cases_recomputed_on(db, &have, err, err_len);
    if (rc == CK_ERR_NOTFOUND) {
        char d[CK_DATE_STRLEN];
        rc = ck_store_meta_set(db, META_RECOMPUTED, ck_date_fmt(as_of, d), err, err_len);
    }
    return ck_txn_finish(db, rc, err, err_len);
}

/* ---- Search ------------------------------------------------------------------ */

/* Keys are drawn from [0-9a-z] (names) or [0-9A-Z] (CRNs), so every key
 * starting with p lies in [p, p + the alphabet's last character repeated
 * past any key's length], under any collation. */
static void upper_bound(const char *p, char last, size_t pad, char *out, size_t out_len)
{
    size_t n = strlen(p);
    if (n + pad + 1 > out_len) pad = out_len - n - 1;
    memcpy(out, p, n);
    memset(out + n, last, pad);
    out[n + pad] = '\0';
}

#define SUMMARY_COLS "\"crn\", \"person_forename\", \"person_surname\", \"person_date_of_birth\", \"staff_code\", \"team_code\""
#define NAME_ORDER " ORDER BY \"surname_key\", \"forename_key\", \"crn\""
#define BY_CRN "\"crn\" >= $1 AND \"crn\" <= $2"
#define BY_DOB "\"person_date_of_birth\" = $1"
#define BY_NAME "(\"surname_key\" >= $1 AND \"surname_key\" <= $2 AND \"forename_key\" >= $3 " \
                "AND \"forename_key\" <= $4) OR (\"forename_key\" >= $1 AND \"forename_key\" <= $2 " \
                "AND \"surname_key\" >= $3 AND \"surname_key\" <= $4)"

typedef struct search_sql {
    const char *where, *order;
    int nbind;
} search_sql;

static const search_sql sql_crn = {BY_CRN, " ORDER BY \"crn\"", 2};
static const search_sql sql_dob = {BY_DOB, NAME_ORDER, 1};
static const search_sql sql_name = {BY_NAME, NAME_ORDER, 4};

/* The text is ck_access's, never a caller's input, so a '$' followed by
 * digits is always a placeholder. */
static void bind_filter(ck_stmt *st, const ck_case_filter *f, int shift)
{
    for (int i = 0; f && i < f->n_binds; i++) ck_stmt_bind_text(st, shift + i + 1, f->binds[i]);
}

static ck_rc search_run(ck_db *db, const search_sql *q, const ck_case_filter *f, const char *const *binds,
                        size_t limit, size_t offset, ck_case_list *l, char *err, size_t err_len)
{
    int nf = f ? f->n_binds : 0;
    ck_buf sql = CK_BUF_INIT;
    ck_buf_printf(&sql, "SELECT COUNT(*) FROM \"cases\" WHERE (%s)", q->where);
    if (f) ck_case_filter_sql(&sql, f, q->nbind);
    ck_stmt *st = ck_db_prepare(db, ck_buf_cstr(&sql));
    ck_buf_reset(&sql);
    if (!st) {
        ck_buf_free(&sql);
        return ck_txn_db_fail(db, "prepare", err, err_len);
    }
    for (int i = 0; i < q->nbind; i++) ck_stmt_bind_text(st, i + 1, binds[i]);
    bind_filter(st, f, q->nbind);
    ck_rc rc = count_rows(db, st, &l->total, "search", err, err_len);
    if (rc != CK_OK || limit == 0 || offset >= l->total) {
        ck_buf_free(&sql);
        return rc;
    }
    size_t n = l->total - offset < limit ? l->total - offset : limit;
    l->items = ck_arena_array(&l->arena, n, sizeof *l->items);
    ck_buf_printf(&sql, "SELECT " SUMMARY_COLS " FROM \"cases\" WHERE (%s)", q->where);
    if (f) ck_case_filter_sql(&sql, f, q->nbind);
    ck_buf_printf(&sql, "%s LIMIT $%d OFFSET $%d", q->order, q->nbind + nf + 1, q->nbind + nf + 2);
    st = ck_db_prepare(db, ck_buf_cstr(&sql));
    ck_buf_free(&sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    for (int i = 0; i < q->nbind; i++) ck_stmt_bind_text(st, i + 1, binds[i]);
    bind_filter(st, f, q->nbind);
    ck_stmt_bind_int(st, q->nbind + nf + 1, (int64_t)limit);
    ck_stmt_bind_int(st, q->nbind + nf + 2, (int64_t)offset);
    while (ck_txn_next(db, st, "search", &rc, err, err_len)) {
        if (l->n == n) continue; /* a case created between count and page */
        ck_case_summary *it = &l->items[l->n++];
        snprintf(it->crn, sizeof it->crn, "%s", ck_stmt_text(st, 0));
        it->forename = ck_arena_strdup(&l->arena, ck_stmt_text(st, 1));
        it->surname = ck_arena_strdup(&l->arena, ck_stmt_text(st, 2));
        it->date_of_birth = ck_stmt_date(st, 3);
        it->staff_code = ck_arena_strdup(&l->arena, ck_stmt_text(st, 4));
        it->team = ck_arena_strdup(&l->arena, ck_stmt_text(st, 5));
    }
    ck_stmt_reset(st);
    return rc;
}

/* A CRN is letters and digits with at least one digit; a name has none. */
static bool looks_like_crn(const char *s, size_t n)
{
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i])) return false;
        digit = digit || isdigit((unsigned char)s[i]);
    }
    return digit && n <= CRN_MAX;
}

ck_rc ck_cases_search(ck_db *db, const char *q, size_t limit, size_t offset, ck_case_list **out, char *err,
                      size_t err_len)
{
    return ck_cases_search_in(db, NULL, q, limit, offset, out, err, err_len);
}

ck_rc ck_cases_search_in(ck_db *db, const ck_case_filter *filter, const char *q, size_t limit, size_t offset,
                         ck_case_list **out, char *err, size_t err_len)
{
    *out = NULL;
    ck_str s = ck_str_c(q);
    while (s.n && isspace((unsigned char)s.p[0])) s = ck_str_make(s.p + 1, s.n - 1);
    while (s.n && isspace((unsigned char)s.p[s.n - 1])) s.n--;
    if (s.n == 0 || s.n > 200)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "q: expected a CRN, a surname or forename (or both), "
                                                  "or a date of birth YYYY-MM-DD");
    ck_case_list *l = ck_calloc(1, sizeof *l);
    ck_arena_init(&l->arena);
    ck_rc rc;
    ck_date dob;
    if (ck_date_parse(s.p, s.n, &dob)) {
        char d[CK_DATE_STRLEN];
        const char *binds[] = {ck_date_fmt(dob, d)};
        rc = search_run(db, &sql_dob, filter, binds, limit, offset, l, err, err_len);
    } else if (looks_like_crn(s.p, s.n)) {
        char lo[CRN_MAX + 1], hi[2 * CRN_MAX + 1];
        for (size_t i = 0; i < s.n; i++) lo[i] = (char)toupper((unsigned char)s.p[i]);
        lo[s.n] = '\0';
        upper_bound(lo, 'Z', CRN_MAX, hi, sizeof hi);
        const char *binds[] = {lo, hi};
        rc = search_run(db, &sql_crn, filter, binds, limit, offset, l, err, err_len);
    } else {
        /* "Sam Example" or "Example Sam": the first word and the rest, each a
         * prefix of the forename or the surname. */
        ck_str rest = s, first;
        rest = ck_str_cut(rest, ' ', &first);
        char a_raw[201], b_raw[201];
        snprintf(a_raw, sizeof a_raw, "%.*s", (int)first.n, first.p);
        snprintf(b_raw, sizeof b_raw, "%.*s", rest.p ? (int)rest.n : 0, rest.p ? rest.p : "");
        char a[CK_NAME_KEY_MAX + 1], b[CK_NAME_KEY_MAX + 1];
        char a_hi[2 * CK_NAME_KEY_MAX + 1], b_hi[2 * CK_NAME_KEY_MAX + 1];
        if (ck_store_name_key(a_raw, a) == 0) {
            ck_case_list_free(l);
            return ck_txn_fail(CK_ERR_INVALID, err, err_len, "q: \"%.*s\" has no letters or digits to search by",
                               (int)first.n, first.p);
        }
        ck_store_name_key(b_raw, b);
        upper_bound(a, 'z', CK_NAME_KEY_MAX, a_hi, sizeof a_hi);
        upper_bound(b, 'z', CK_NAME_KEY_MAX, b_hi, sizeof b_hi);
        const char *binds[] = {a, a_hi, b, b_hi};
        rc = search_run(db, &sql_name, filter, binds, limit, offset, l, err, err_len);
    }
    if (rc != CK_OK) {
        ck_case_list_free(l);
        return rc;
    }
    *out = l;
    return CK_OK;
}

void ck_case_list_free(ck_case_list *l)
{
    if (!l) return;
    ck_arena_free(&l->arena);
    ck_free(l);
}

/* ---- Worklists ---------------------------------------------------------------- */

/* A worklist is read in segments, each one index range of
 * (holder, status, severity, due): overdue then open (both stored as unmet,
 * split at as_of), met late, met; within each, critical, high, normal; within
 * each segment, due, rule, subject, and CRN between cases. Counting segments gives the total and
 * lets a page skip whole segments, so the work done is what is shown. */
static const char *const wl_holder[] = {"staff_code", "team_code", "pdu_code"};

/* A worklist page query: one index range of (holder, status, severity, due)
 * with $1..$5, then filter f's condition, then LIMIT and OFFSET. */
static char *wl_page_sql(int who, const ck_case_filter *f)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "SELECT " CK_WORKLIST_COLS " FROM \"obligations\" JOIN \"cases\" "
                    "ON \"cases\".\"case_id\" = \"obligations\".\"case_id\"");
    ck_buf_printf(&b, " WHERE \"obligations\".\"%s\" = $1 AND \"obligations\".\"status\" = $2 "
                      "AND \"obligations\".\"severity\" = $3 AND \"obligations\".\"due\" >= $4 "
                      "AND \"obligations\".\"due\" < $5",
                  wl_holder[who]);
    if (f) ck_case_filter_sql(&b, f, 5);
    int nf = f ? f->n_binds : 0;
    ck_buf_printf(&b, " ORDER BY \"obligations\".\"due\", \"obligations\".\"rule\", \"obligations\".\"subject\", "
                      "\"cases\".\"crn\" LIMIT $%d OFFSET $%d",
                  6 + nf, 7 + nf);
    return ck_buf_steal(&b);
}

/* How a worklist's segments are counted when a filter applies (every row of
 * the holder: wl_count_segments): the rows of limited-access cases that fail
 * the filter (refused: taken off), or the rows that meet the filter, each
 * joined to its case (joined). */
typedef enum { WL_COUNT_REFUSED, WL_COUNT_JOINED } wl_count_kind;

/* One grouped count over the holder's rows of the stored statuses wanted
 * ($1 the holder, $2 as_of, then f's values): a row per (stored status,
 * severity, overdue at as_of) with its count. WL_COUNT_REFUSED starts from
 * the limited-access cases, which are few. */
static char *wl_count_sql(int who, unsigned mask, wl_count_kind kind, const ck_case_filter *f)
{
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "SELECT \"obligations\".\"status\", \"obligations\".\"severity\", "
                    "CASE WHEN \"obligations\".\"due\" < $2 THEN 1 ELSE 0 END, COUNT(*) FROM ");
    if (kind == WL_COUNT_REFUSED)
        /* CROSS JOIN: SQLite then reads the limited cases first. */
        ck_buf_puts(&b, "(SELECT \"case_id\" FROM \"case_access\" UNION SELECT \"case_id\" FROM \"case_access_users\") "
                        "\"limited\" CROSS JOIN \"obligations\" JOIN \"cases\" ON \"cases\".\"case_id\" = "
                        "\"obligations\".\"case_id\" WHERE \"obligations\".\"case_id\" = \"limited\".\"case_id\" AND ");
    else
        ck_buf_puts(&b, "\"obligations\" JOIN \"cases\" ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" WHERE ");
    /* For the limited cases, "|| ''" keeps the planner off the holder's
     * index: each case's rows are one range of the primary key. */
    ck_buf_printf(&b, "\"obligations\".\"%s\"%s = $1 AND \"obligations\".\"status\" IN (", wl_holder[who],
                  kind == WL_COUNT_REFUSED ? " || ''" : "");
    const char *sep = "";
    if (mask & ((1u << CK_ST_OVERDUE) | (1u << CK_ST_OPEN))) {
        ck_buf_puts(&b, "'unmet'");
        sep = ", ";
    }
    if (mask & (1u << CK_ST_MET_LATE)) {
        ck_buf_printf(&b, "%s'met_late'", sep);
        sep = ", ";
    }
    if (mask & (1u << CK_ST_MET)) ck_buf_printf(&b, "%s'met'", sep);
    ck_buf_putc(&b, ')');
    if (kind == WL_COUNT_REFUSED) {
        ck_buf_puts(&b, " AND NOT ");
        ck_case_filter_cond(&b, f, 2);
    } else {
        ck_case_filter_sql(&b, f, 2);
    }
    ck_buf_puts(&b, " GROUP BY 1, 2, 3");
    return ck_buf_steal(&b);
}

/* Due dates lie between these (bounds of a segment's due range). */
#define DUE_MIN "0001-01-01"
#define DUE_MAX "9999-12-31"

typedef struct segment {
    ck_status status;
    ck_severity severity;
    const char *stored, *lo, *hi;
} segment;

static void wl_bind(ck_stmt *st, const char *holder, const segment *sg, const ck_case_filter *f)
{
    ck_stmt_bind_text(st, 1, holder);
    ck_stmt_bind_text(st, 2, sg->stored);
    ck_stmt_bind_int(st, 3, sg->severity);
    ck_stmt_bind_text(st, 4, sg->lo);
    ck_stmt_bind_text(st, 5, sg->hi);
    bind_filter(st, f, 5);
}

static ck_rc wl_fetch(ck_db *db, const char *sql, const char *holder, const segment *sg, const ck_case_filter *f,
                      size_t limit, size_t offset, ck_worklist *w, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    int nf = f ? f->n_binds : 0;
    wl_bind(st, holder, sg, f);
    ck_stmt_bind_int(st, 6 + nf, (int64_t)limit);
    ck_stmt_bind_int(st, 7 + nf, (int64_t)offset);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "worklist", &rc, err, err_len)) {
        ck_worklist_item *it = &w->items[w->n++];
        ck_worklist_item_read(st, &w->arena, it);
        it->o.status = sg->status;
        it->o.severity = sg->severity;
    }
    ck_stmt_reset(st);
    return rc;
}

/* Adds a grouped count's rows (wl_count_sql) to the segments they fall in,
 * or takes them off for WL_COUNT_REFUSED. */
static ck_rc wl_count(ck_db *db, int who, const char *holder, unsigned mask, const char *as_of, wl_count_kind kind,
                      const ck_case_filter *f, const segment *segs, size_t n_segs, size_t *counts, char *err,
                      size_t err_len)
{
    char *sql = wl_count_sql(who, mask, kind, f);
    ck_stmt *st = ck_db_prepare(db, sql);
    ck_free(sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, holder);
    ck_stmt_bind_text(st, 2, as_of);
    bind_filter(st, f, 2);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "worklist", &rc, err, err_len)) {
        const char *stored = ck_stmt_text(st, 0);
        ck_status status = ck_streq(stored, "met")        ? CK_ST_MET
                           : ck_streq(stored, "met_late") ? CK_ST_MET_LATE
                           : ck_stmt_int(st, 2)           ? CK_ST_OVERDUE
                                                          : CK_ST_OPEN;
        int64_t severity = ck_stmt_int(st, 1), k = ck_stmt_int(st, 3);
        for (size_t i = 0; i < n_segs; i++) {
            if (segs[i].status != status || (int64_t)segs[i].severity != severity) continue;
            if (kind != WL_COUNT_REFUSED) counts[i] += (size_t)k;
            else counts[i] = (size_t)k < counts[i] ? counts[i] - (size_t)k : 0; /* same snapshot: never below */
        }
    }
    ck_stmt_reset(st);
    return rc;
}

/* Counts every row of the holder in each segment: one statement of scalar
 * subqueries ($1 the holder, $2 as_of), one column per segment, each a range
 * of the (holder, status, severity, due) index counted from the index alone
 * (no table row read, no sort). Cheaper than one grouped count over the same
 * rows: GROUP BY on a computed "overdue" column sorts every row (on SQLite
 * 45 M instructions for a London PDU's 8,578 unmet rows, against 6 M for the
 * six ranges). */
static ck_rc wl_count_segments(ck_db *db, int who, const char *holder, const char *as_of, const segment *segs,
                               size_t n_segs, size_t *counts, char *err, size_t err_len)
{
    if (n_segs == 0) return CK_OK;
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "SELECT ");
    bool dated = false; /* $2 is bound only when a segment names it (met, met late: none) */
    for (size_t i = 0; i < n_segs; i++) {
        /* The stored status and severity come from the enums, never from
         * input: written into the SQL so each segment's range is a literal
         * prefix of the index (at most 16 distinct statements, one per mask). */
        ck_buf_printf(&b, "%s(SELECT COUNT(*) FROM \"obligations\" WHERE \"%s\" = $1 AND \"status\" = '%s' "
                          "AND \"severity\" = %d",
                      i ? ", " : "", wl_holder[who], segs[i].stored, (int)segs[i].severity);
        if (segs[i].status == CK_ST_OVERDUE) ck_buf_puts(&b, " AND \"due\" < $2");
        else if (segs[i].status == CK_ST_OPEN) ck_buf_puts(&b, " AND \"due\" >= $2");
        dated |= segs[i].status == CK_ST_OVERDUE || segs[i].status == CK_ST_OPEN;
        ck_buf_putc(&b, ')');
    }
    char *sql = ck_buf_steal(&b);
    ck_stmt *st = ck_db_prepare(db, sql);
    ck_free(sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, holder);
    if (dated) ck_stmt_bind_text(st, 2, as_of);
    ck_rc rc = CK_OK;
    while (ck_txn_next(db, st, "worklist", &rc, err, err_len))
        for (size_t i = 0; i < n_segs; i++) counts[i] += (size_t)ck_stmt_int(st, (int)i);
    ck_stmt_reset(st);
    return rc;
}

/* Whether any case has a limited-access record: almost never, and then a
 * worklist's counts need no look at the cases at all. */
static ck_rc any_limited(ck_db *db, bool *any, char *err, size_t err_len)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT 1 FROM \"case_access\" UNION ALL SELECT 1 FROM \"case_access_users\" LIMIT 1");
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    int got = ck_stmt_step(st);
    *any = got == CK_DB_ROW;
    ck_stmt_reset(st);
    return got == CK_DB_ROW || got == CK_DB_DONE ? CK_OK : ck_txn_db_fail(db, "case access", err, err_len);
}

/* The whole worklist in one statement, its own snapshot, for a server whose
 * every statement is a round trip (PostgreSQL): the segments' counts, whether
 * any case has limited access, and each segment's share of the page, its
 * OFFSET and LIMIT worked out in SQL from the counts before it (the same
 * arithmetic as ck_cases_worklist's loop, so a segment the page does not
 * reach reads nothing). Against BEGIN, the counts, the limited-access probe,
 * a statement per segment and COMMIT: one round trip instead of five or
 * more. $1 the holder, $2 as_of, $3 the offset, $4 the limit. Neither the
 * counts nor the page test the reader's filter: the statement also says
 * whether any case has limited access ("lim"), and only when none has is its
 * answer used for a filtered reader, whose filter every case without limited
 * access meets (open_cases_pass); else ck_cases_worklist reads the long way.
 * Columns: CK_WORKLIST_COLS, the segment (NULL when no row is on the page),
 * then a count per segment, the limited-access flag and as_of. */
static char *wl_one_sql(int who, const segment *segs, size_t n_segs)
{
    const int p_off = 3, p_lim = 4;
    ck_buf b = CK_BUF_INIT;
    ck_buf_puts(&b, "WITH \"k\" AS MATERIALIZED (SELECT ");
    for (size_t i = 0; i < n_segs; i++) {
        /* Status and severity from the enums, never from input (as in
         * wl_count_segments): literal prefixes of the holder's index. */
        ck_buf_printf(&b, "(SELECT COUNT(*) FROM \"obligations\" WHERE \"%s\" = $1 AND \"status\" = '%s' "
                          "AND \"severity\" = %d%s) AS \"c%zu\", ",
                      wl_holder[who], segs[i].stored, (int)segs[i].severity,
                      segs[i].status == CK_ST_OVERDUE ? " AND \"due\" < $2"
                      : segs[i].status == CK_ST_OPEN  ? " AND \"due\" >= $2"
                                                      : "",
                      i);
    }
    ck_buf_puts(&b, "(SELECT COUNT(*) FROM (SELECT 1 FROM \"case_access\" UNION ALL SELECT 1 FROM "
                    "\"case_access_users\" LIMIT 1) AS \"l\") AS \"lim\", "
                    /* $2 typed even when no segment is dated (met, met late) */
                    "CAST($2 AS TEXT) AS \"as_of\") "
                    "SELECT \"p\".*, \"k\".* FROM \"k\" LEFT JOIN (");
    for (size_t i = 0; i < n_segs; i++) {
        /* The rows before this segment's: the counts of those before it. */
        ck_buf before = CK_BUF_INIT;
        ck_buf_puts(&before, "0");
        for (size_t j = 0; j < i; j++) ck_buf_printf(&before, " + \"c%zu\"", j);
        ck_buf_printf(&b, "%sSELECT * FROM (SELECT " CK_WORKLIST_COLS ", %zu AS \"seg\" FROM \"obligations\" JOIN \"cases\" "
                          "ON \"cases\".\"case_id\" = \"obligations\".\"case_id\" WHERE \"obligations\".\"%s\" = $1 "
                          "AND \"obligations\".\"status\" = '%s' AND \"obligations\".\"severity\" = %d%s",
                      i ? " UNION ALL " : "", i, wl_holder[who], segs[i].stored, (int)segs[i].severity,
                      segs[i].status == CK_ST_OVERDUE ? " AND \"obligations\".\"due\" < $2"
                      : segs[i].status == CK_ST_OPEN  ? " AND \"obligations\".\"due\" >= $2"
                                                      : "");
        ck_buf_printf(&b, " ORDER BY \"obligations\".\"due\", \"obligations\".\"rule\", \"obligations\".\"subject\", "
                          "\"cases\".\"crn\" LIMIT (SELECT GREATEST(0, CAST($%d AS BIGINT) + CAST($%d AS BIGINT) - "
                          "GREATEST(CAST($%d AS BIGINT), %s)) FROM \"k\") OFFSET (SELECT GREATEST(0, "
                          "CAST($%d AS BIGINT) - (%s)) FROM \"k\")) AS \"s%zu\"",
                      p_off, p_lim, p_off, ck_buf_cstr(&before), p_off, ck_buf_cstr(&before), i);
        ck_buf_free(&before);
    }
    ck_buf_puts(&b, ") AS \"p\" ON 1 = 1 ORDER BY \"p\".\"seg\", \"p\".\"due\", \"p\".\"rule\", \"p\".\"subject\", "
                    "\"p\".\"crn\"");
    return ck_buf_steal(&b);
}

/* Reads the worklist with wl_one_sql into a new w; *done false (and nothing
 * read) when a case has limited access and f is a filter, whose counts
 * wl_one_sql cannot give. */
static ck_rc wl_one(ck_db *db, int who, const char *holder, const char *as_of, const segment *segs, size_t n_segs,
                    const ck_worklist_query *q, ck_worklist *w, bool *done, char *err, size_t err_len)
{
    const ck_case_filter *f = q->filter;
    char *sql = wl_one_sql(who, segs, n_segs);
    ck_stmt *st = ck_db_prepare(db, sql);
    ck_free(sql);
    if (!st) return ck_txn_db_fail(db, "prepare", err, err_len);
    ck_stmt_bind_text(st, 1, holder);
    ck_stmt_bind_text(st, 2, as_of);
    ck_stmt_bind_int(st, 3, (int64_t)q->offset);
    ck_stmt_bind_int(st, 4, (int64_t)q->limit);
    *done = true;
    const int seg_col = 10, counts_col = 11;
    ck_rc rc = CK_OK;
    size_t cap = 0;
    while (ck_txn_next(db, st, "worklist", &rc, err, err_len)) {
        if (!w->items) { /* the first row: every row carries the counts */
            w->total = 0;
            for (size_t i = 0; i < n_segs; i++) w->total += (size_t)ck_stmt_int(st, counts_col + (int)i);
            if (f && ck_stmt_int(st, counts_col + (int)n_segs) != 0) {
                *done = false;
                break;
            }
            cap = q->offset < w->total ? w->total - q->offset : 0;
            if (cap > q->limit) cap = q->limit;
            w->items = ck_arena_array(&w->arena, cap ? cap : 1, sizeof *w->items);
        }
        if (ck_stmt_null(st, seg_col)) continue;
        size_t seg = (size_t)ck_stmt_int(st, seg_col);
        if (w->n >= cap || seg >= n_segs) { /* the statement's own snapshot: never */
            rc = ck_txn_fail(CK_ERR_DB, err, err_len, "worklist: more rows than the counts allow");
            break;
        }
        ck_worklist_item *it = &w->items[w->n++];
        ck_worklist_item_read(st, &w->arena, it);
        it->o.status = segs[seg].status;
        it->o.severity = segs[seg].severity;
    }
    ck_stmt_reset(st);
    return rc;
}

ck_rc ck_cases_worklist(ck_db *db, const ck_worklist_query *q, ck_worklist **out, char *err, size_t err_len)
{
    *out = NULL;
    const char *holders[] = {q->staff, q->team, q->pdu};
    int who = -1, given = 0;
    for (int i = 0; i < 3; i++)
        if (holders[i]) {
            who = i;
            given++;
        }
    if (given != 1)
        return ck_txn_fail(CK_ERR_INVALID, err, err_len, "worklist: give exactly one of staff, team or pdu");
    unsigned mask = q->statuses ? q->statuses : (1u << CK_ST_OVERDUE) | (1u << CK_ST_OPEN);
    char as_of[CK_DATE_STRLEN];
    ck_date_fmt(q->as_of, as_of);

    segment segs[12];
    size_t n_segs = 0, counts[12];
    for (int s = CK_ST_OVERDUE; s <= CK_ST_MET; s++) {
        if (!(mask & (1u << s))) continue;
        for (int v = CK_SEV_CRITICAL; v <= CK_SEV_NORMAL; v++) {
            segment sg = {(ck_status)s, (ck_severity)v, "unmet", DUE_MIN, DUE_MAX};
            if (s == CK_ST_OVERDUE) sg.hi = as_of;
            else if (s == CK_ST_OPEN) sg.lo = as_of;
            else sg.stored = s == CK_ST_MET ? "met" : "met_late";
            segs[n_segs++] = sg;
        }
    }
    ck_worklist *w = ck_calloc(1, sizeof *w);
    ck_arena_init(&w->arena);
    const ck_case_filter *f = q->filter;
    /* Outside a transaction on PostgreSQL, one statement (wl_one) for a
     * staff member's or a team's worklist: a transaction of its own would
     * cost two round trips more and the segments one each. Not for a PDU:
     * measured (bench/RESULTS.md, wl18), PostgreSQL spent more on the one
     * statement than the round trips saved, its counts being most of the
     * work. SQLite answers in-process: the segments below. */
    if (ck_db_kind(db) == CK_DB_PG && who != 2 && !ck_db_in_tx(db) && (!f || f->open_cases_pass)) {
        bool done = false;
        ck_rc one = wl_one(db, who, holders[who], as_of, segs, n_segs, q, w, &done, err, err_len);
        if (one != CK_OK || done) {
            if (one != CK_OK) ck_worklist_free(w);
            *out = one == CK_OK ? w : NULL;
            return one;
        }
        ck_worklist_free(w); /* a case has limited access: the counts less its refused rows, below */
        w = ck_calloc(1, sizeof *w);
        ck_arena_init(&w->arena);
    }
    /* The counts and the page in one snapshot. */
    bool own = false;
    ck_rc rc = ck_txn_join_read(db, &own, err, err_len);
    /* The counts: each segment's range of the holder's index (with a
     * filter that every case without limited access meets, less the rows of
     * the limited cases that fail it); with any other filter, one grouped
     * count over the rows joined to their cases. */
    memset(counts, 0, sizeof counts);
    if (rc != CK_OK) {
        /* no transaction: nothing counted */
    } else if (!f || f->open_cases_pass) {
        rc = wl_count_segments(db, who, holders[who], as_of, segs, n_segs, counts, err, err_len);
        bool any = false;
        if (rc == CK_OK && f) rc = any_limited(db, &any, err, err_len);
        if (rc == CK_OK && any)
            rc = wl_count(db, who, holders[who], mask, as_of, WL_COUNT_REFUSED, f, segs, n_segs, counts, err, err_len);
        /* No case has limited access in this snapshot, so every case meets
         * the filter: the page's rows need not test it (two subqueries per
         * row). Only inside a transaction: its snapshot is the page's too,
         * so none can appear meanwhile. */
        if (rc == CK_OK && f && !any && ck_db_in_tx(db)) f = NULL;
    } else {
        rc = wl_count(db, who, holders[who], mask, as_of, WL_COUNT_JOINED, f, segs, n_segs, counts, err, err_len);
    }
    for (size_t i = 0; i < n_segs; i++) w->total += counts[i];
    char *page_sql = wl_page_sql(who, f);
    size_t want = 0;
    if (rc == CK_OK && q->offset < w->total) want = w->total - q->offset < q->limit ? w->total - q->offset : q->limit;
    if (want) w->items = ck_arena_array(&w->arena, want, sizeof *w->items);
    size_t skip = q->offset;
    for (size_t i = 0; i < n_segs && rc == CK_OK && w->n < want; i++) {
        if (skip >= counts[i]) {
            skip -= counts[i];
            continue;
        }
        /* Never more than the segment held when counted: rows added since
         * wait for the next page. */
        size_t room = want - w->n, left = counts[i] - skip;
        rc = wl_fetch(db, page_sql, holders[who], &segs[i], f, room < left ? room : left, skip, w, err, err_len);
        skip = 0;
    }
    ck_free(page_sql);
    if (own) rc = ck_txn_end(db, own, rc, err, err_len);
    if (rc != CK_OK) {
        ck_worklist_free(w);
        return rc;
    }
    *out = w;
    return CK_OK;
}
