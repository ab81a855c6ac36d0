/* ck_session: in-memory sessions (see ck_session.h). */
#include "ck_session.h"
#include "ck_mem.h"
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct ck_sessions {
    pthread_mutex_t mu;
    ck_session *items;
    size_t n;
    unsigned idle_s;
};

static time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

ck_sessions *ck_sessions_new(unsigned idle_s)
{
    if (sodium_init() < 0) return NULL;
    ck_sessions *s = ck_calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->items = ck_calloc(CK_SESSION_MAX, sizeof *s->items);
    s->idle_s = idle_s ? idle_s : 8 * 3600;
    return s;
}

void ck_sessions_free(ck_sessions *s)
{
    if (!s) return;
    sodium_memzero(s->items, CK_SESSION_MAX * sizeof *s->items);
    ck_free(s->items);
    pthread_mutex_destroy(&s->mu);
    ck_free(s);
}

void ck_session_random_hex(char out[CK_SESSION_TOKEN_LEN + 1])
{
    unsigned char raw[CK_SESSION_TOKEN_LEN / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, CK_SESSION_TOKEN_LEN + 1, raw, sizeof raw);
}

bool ck_session_token_eq(const char *given, const char *expected)
{
    if (!given || !expected) return false;
    size_t n = strlen(expected);
    return n > 0 && strlen(given) == n && sodium_memcmp(given, expected, n) == 0;
}

static bool expired(const ck_sessions *s, const ck_session *e, time_t now)
{
    return e->token[0] == '\0' || now - e->last_seen > (time_t)s->idle_s;
}

static bool copy_field(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) return false;
    memcpy(dst, src ? src : "", n + 1);
    return true;
}

bool ck_sessions_create(ck_sessions *s, const char *staff, const char *grade, const char *team, ck_session *out)
{
    ck_session e = {0};
    if (!copy_field(e.staff, sizeof e.staff, staff) || !copy_field(e.grade, sizeof e.grade, grade) ||
        !copy_field(e.team, sizeof e.team, team))
        return false;
    ck_session_random_hex(e.token);
    ck_session_random_hex(e.csrf);
    pthread_mutex_lock(&s->mu);
    time_t now = now_s();
    e.last_seen = now;
    size_t slot = SIZE_MAX;
    for (size_t i = 0; i < s->n && slot == SIZE_MAX; i++)
        if (expired(s, &s->items[i], now)) slot = i;
    if (slot == SIZE_MAX && s->n < CK_SESSION_MAX) slot = s->n++;
    if (slot != SIZE_MAX) s->items[slot] = e;
    pthread_mutex_unlock(&s->mu);
    if (slot == SIZE_MAX) return false;
    *out = e;
    return true;
}

/* The live entry for token, or NULL; the caller holds the lock. Every entry
 * is compared so the time taken does not depend on where a match is. */
static ck_session *find(ck_sessions *s, const char *token, time_t now)
{
    ck_session *hit = NULL;
    if (!token || strlen(token) != CK_SESSION_TOKEN_LEN) return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (sodium_memcmp(s->items[i].token, token, CK_SESSION_TOKEN_LEN) == 0 && !expired(s, &s->items[i], now))
            hit = &s->items[i];
    return hit;
}

bool ck_sessions_get(ck_sessions *s, const char *token, ck_session *out)
{
    pthread_mutex_lock(&s->mu);
    time_t now = now_s();
    ck_session *e = find(s, token, now);
    if (e) {
        e->last_seen = now;
        *out = *e;
    }
    pthread_mutex_unlock(&s->mu);
    return e != NULL;
}

void ck_sessions_end(ck_sessions *s, const char *token)
{
    pthread_mutex_lock(&s->mu);
    ck_session *e = find(s, token, now_s());
    if (e) sodium_memzero(e, sizeof *e);
    pthread_mutex_unlock(&s->mu);
}
