/* ck_webhooks: the delivery worker (see ck_webhooks.h). */
#include "ck_webhooks.h"
#include "ck_api_events.h"
#include "ck_buf.h"
#include "ck_events.h"
#include "ck_jobs.h"
#include "ck_mem.h"
#include "ck_notify.h"
#include "ck_reminder_store.h"
#include "ck_reminders.h"
#include "ck_txn.h"
#include "ck_worker.h"
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEASE "webhooks"
#define BATCHES_PER_ROUND 20 /* a backlog drains over rounds, so stop stays prompt */

static bool name_ok(const char *s)
{
    if (!*s || strlen(s) >= CK_WEBHOOK_NAME_MAX) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') return false;
    return true;
}

bool ck_webhooks_load(const char *path, ck_webhook **out, size_t *n, char *err, size_t err_len)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "webhooks_file: cannot read %s", path);
        return false;
    }
    char line[4096];
    int no = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        no++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char name[256], url[CK_WEBHOOK_URL_MAX + 1], secret_file[1024], extra[8];
        int got = sscanf(line, "%255s %1024s %1023s %7s", name, url, secret_file, extra);
        if (got <= 0) continue;
        if (got != 3) {
            snprintf(err, err_len, "webhooks_file line %d: expected \"NAME URL SECRET_FILE\"", no);
            ok = false;
        } else if (!name_ok(name)) {
            snprintf(err, err_len, "webhooks_file line %d: NAME: expected letters, digits, - or _ (at most %d)", no,
                     CK_WEBHOOK_NAME_MAX - 1);
            ok = false;
        } else if ((strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) ||
                   strlen(url) >= CK_WEBHOOK_URL_MAX) {
            snprintf(err, err_len, "webhooks_file line %d: URL: expected an http:// or https:// URL", no);
            ok = false;
        } else {
            for (size_t i = 0; i < *n; i++)
                if (strcmp((*out)[i].name, name) == 0) {
                    snprintf(err, err_len, "webhooks_file line %d: NAME: \"%s\" is already the name of a webhook",
                             no, name);
                    ok = false;
                }
        }
        if (!ok) break;
        *out = ck_realloc(*out, (*n + 1) * sizeof **out);
        ck_webhook *w = &(*out)[*n];
        memset(w, 0, sizeof *w);
        memcpy(w->name, name, strlen(name) + 1); /* lengths checked above */
        memcpy(w->url, url, strlen(url) + 1);
        char why[512];
        if (!ck_reminders_read_secret("webhooks_file", secret_file, w->secret, sizeof w->secret, why, sizeof why) ||
            !w->secret[0]) {
            snprintf(err, err_len, "webhooks_file line %d: SECRET_FILE: cannot read a secret from %s", no,
                     secret_file);
            ok = false;
            break;
        }
        (*n)++;
    }
    fclose(f);
    if (!ok) {
        for (size_t i = 0; i <= *n && *out; i++) sodium_memzero((*out)[i].secret, sizeof (*out)[i].secret);
        ck_free(*out);
        *out = NULL;
        *n = 0;
    }
    return ok;
}

static void mac_hex(const char *secret, int64_t t, const char *body, size_t len,
                    char hex[2 * crypto_auth_hmacsha256_BYTES + 1])
{
    char prefix[32];
    int pn = snprintf(prefix, sizeof prefix, "%lld.", (long long)t);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix, (unsigned long long)pn);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, 2 * crypto_auth_hmacsha256_BYTES + 1, mac, sizeof mac);
}

void ck_webhooks_sign(const char *secret, int64_t t, const char *body, size_t len, char *out, size_t out_len)
{
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
    mac_hex(secret, t, body, len, hex);
    snprintf(out, out_len, "t=%lld,v1=%s", (long long)t, hex);
}

bool ck_webhooks_verify(const char *secret, const char *header, const char *body, size_t len, int64_t now,
                        long max_skew_s)
{
    if (!header || strncmp(header, "t=", 2) != 0) return false;
    char *end;
    long long t = strtoll(header + 2, &end, 10);
    if (end == header + 2 || strncmp(end, ",v1=", 4) != 0) return false;
    const char *got = end + 4;
    char want[2 * crypto_auth_hmacsha256_BYTES + 1];
    mac_hex(secret, t, body, len, want);
    if (strlen(got) != strlen(want) || sodium_memcmp(got, want, strlen(want)) != 0) return false;
    return t >= now - max_skew_s && t <= now + max_skew_s;
}

/* ---- A round ---------------------------------------------------------------------- */

static int64_t backoff(const ck_rules_config *cfg, int attempts)
{
    int64_t s = cfg->webhook_retry_s;
    for (int i = 1; i < attempts && s < cfg->webhook_retry_max_s; i++) s *= 2;
    return s < cfg->webhook_retry_max_s ? s : cfg->webhook_retry_max_s;
}

/* POSTs one batch of page p to w: true when it was accepted (2xx). */
static bool post(const ck_webhook *w, const ck_event_page *p, time_t now, char *why, size_t why_len)
{
    json_t *body = ck_api_events_page_json(p);
    json_object_del(body, "more");
    json_object_del(body, "next");
    json_object_set_new(body, "webhook", json_string(w->name));
    char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    char sig[160], header[200];
    ck_webhooks_sign(w->secret, (int64_t)now, text, strlen(text), sig, sizeof sig);
    snprintf(header, sizeof header, "%s: %s", CK_WEBHOOK_SIG_HEADER, sig);
    const char *headers[] = {header};
    ck_buf ans = CK_BUF_INIT;
    long status = ck_notify_http(w->url, headers, 1, text, &ans, why, why_len);
    free(text);
    ck_buf_free(&ans);
    if (status >= 200 && status < 300) return true;
    if (status) snprintf(why, why_len, "HTTP %ld", status);
    return false;
}

/* Delivers what is due to w; counts into round. */
static ck_rc deliver(ck_db *db, const ck_rules_config *cfg, const ck_webhook *w, time_t now,
                     ck_webhooks_round *round, char *err, size_t err_len)
{
    ck_webhook_cursor c;
    ck_rc rc = ck_events_cursor_get(db, w->name, &c, err, err_len);
    if (rc != CK_OK || c.next_attempt_at > now) return rc;
    for (int b = 0; b < BATCHES_PER_ROUND; b++) {
        ck_event_page *p = NULL;
        rc = ck_events_page(db, c.delivered_to, (size_t)cfg->webhook_batch, NULL, &p, err, err_len);
        if (rc != CK_OK) return rc;
        if (p->n == 0) {
            ck_event_page_free(p);
            break;
        }
        char why[256] = "";
        bool ok = post(w, p, now, why, sizeof why);
        bool more = p->more;
        if (ok) {
            round->delivered += p->n;
            c.delivered_to = p->next;
            c.attempts = 0;
            c.next_attempt_at = 0;
            c.error[0] = '\0';
        } else {
            round->failed++;
            c.attempts++;
            c.next_attempt_at = (int64_t)now + backoff(cfg, c.attempts);
            snprintf(c.error, sizeof c.error, "%s", why);
            ck_http_log("webhook %s: delivery failed (attempt %d, next in %lld s): %s", w->name, c.attempts,
                        (long long)(c.next_attempt_at - (int64_t)now), why);
        }
        ck_event_page_free(p);
        rc = ck_events_cursor_set(db, w->name, &c, err, err_len);
        if (rc != CK_OK || !ok || !more) break;
    }
    return rc;
}

ck_rc ck_webhooks_tick(ck_db *db, const ck_rules_config *cfg, const ck_webhook *hooks, size_t n, const char *holder,
                       time_t now, ck_webhooks_round *round, char *err, size_t err_len)
{
    memset(round, 0, sizeof *round);
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    int64_t until = (int64_t)now + 2 * cfg->webhook_poll_s + 30;
    rc = ck_jobs_lease(db, LEASE, holder, (int64_t)now, until, &round->held, err, err_len);
    rc = ck_txn_finish(db, rc, err, err_len);
    if (rc != CK_OK || !round->held) return rc;
    for (size_t i = 0; i < n && rc == CK_OK; i++) rc = deliver(db, cfg, &hooks[i], now, round, err, err_len);
    return rc;
}

/* ---- The thread --------------------------------------------------------------------- */

struct ck_webhooks {
    ck_db *db;
    const ck_rules_config *cfg;
    ck_webhook *hooks;
    size_t n;
    char holder[128];
    ck_worker *worker;
};

static int64_t webhooks_round(void *arg)
{
    ck_webhooks *w = arg;
    ck_webhooks_round round;
    char err[1024];
    ck_rc rc = ck_webhooks_tick(w->db, w->cfg, w->hooks, w->n, w->holder, time(NULL), &round, err, sizeof err);
    if (rc != CK_OK) ck_http_log("webhooks: round failed: %s", err);
    else if (round.delivered) ck_http_log("webhooks: %zu events delivered", round.delivered);
    return ck_worker_every_s(w->cfg->webhook_poll_s);
}

static void free_hooks(ck_webhook *hooks, size_t n)
{
    for (size_t i = 0; i < n; i++) sodium_memzero(hooks[i].secret, sizeof hooks[i].secret);
    ck_free(hooks);
}

ck_webhooks *ck_webhooks_start(const char *db_url, const ck_rules_config *cfg, bool *running, char *err,
                               size_t err_len)
{
    *running = false;
    ck_webhooks *w = ck_calloc(1, sizeof *w);
    w->cfg = cfg;
    if (!cfg->webhooks_file[0]) return w;
    if (!ck_webhooks_load(cfg->webhooks_file, &w->hooks, &w->n, err, err_len)) {
        ck_free(w);
        return NULL;
    }
    if (w->n == 0) return w;
    w->db = ck_db_open(db_url, err, err_len);
    if (!w->db) {
        free_hooks(w->hooks, w->n);
        ck_free(w);
        return NULL;
    }
    ck_jobs_server_name(w->holder, sizeof w->holder);
    w->worker = ck_worker_start(webhooks_round, w);
    if (!w->worker) {
        snprintf(err, err_len, "the webhooks thread could not start");
        ck_db_close(w->db);
        free_hooks(w->hooks, w->n);
        ck_free(w);
        return NULL;
    }
    *running = true;
    return w;
}

void ck_webhooks_stop(ck_webhooks *w)
{
    if (!w) return;
    ck_worker_stop(w->worker);
    ck_db_close(w->db);
    free_hooks(w->hooks, w->n);
    ck_free(w);
}
