#include "ck_notify.h"
#include "ck_buf.h"
#include "ck_mem.h"
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_S 20L      /* a whole request; Notify answers in well under a second */
#define MAX_ANSWER (1 << 20) /* bytes of an answer we read */

struct ck_notify {
    char *base_url;
    char service_id[CK_NOTIFY_UUID_LEN + 1], secret[CK_NOTIFY_UUID_LEN + 1];
};

static bool is_uuid(const char *s, size_t n)
{
    if (n != CK_NOTIFY_UUID_LEN) return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

bool ck_notify_key_parse(const char *key, char service_id[CK_NOTIFY_UUID_LEN + 1],
                         char secret[CK_NOTIFY_UUID_LEN + 1])
{
    if (!key) return false;
    size_t n = strlen(key), u = CK_NOTIFY_UUID_LEN;
    /* "name-" + uuid + "-" + uuid, the name at least one character. */
    if (n < 2 * u + 3) return false;
    const char *sec = key + n - u, *svc = sec - 1 - u;
    if (sec[-1] != '-' || svc[-1] != '-' || !is_uuid(sec, u) || !is_uuid(svc, u)) return false;
    memcpy(service_id, svc, u);
    service_id[u] = '\0';
    memcpy(secret, sec, u);
    secret[u] = '\0';
    return true;
}

static void hmac(const char *secret, const char *msg, size_t len, unsigned char out[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
    crypto_auth_hmacsha256_final(&st, out);
}

static size_t b64url(char *out, size_t out_len, const void *bin, size_t n)
{
    size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (need > out_len) return 0;
    sodium_bin2base64(out, out_len, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return strlen(out);
}

bool ck_notify_jwt(const char *service_id, const char *secret, time_t iat, char *out, size_t out_len)
{
    static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"HS256\"}";
    char claims[128];
    int cn = snprintf(claims, sizeof claims, "{\"iss\":\"%s\",\"iat\":%lld}", service_id, (long long)iat);
    if (cn < 0 || (size_t)cn >= sizeof claims) return false;
    size_t h = b64url(out, out_len, header, sizeof header - 1);
    if (!h || h + 1 >= out_len) return false;
    out[h] = '.';
    size_t c = b64url(out + h + 1, out_len - h - 1, claims, (size_t)cn);
    if (!c) return false;
    size_t signed_len = h + 1 + c;
    if (signed_len + 1 >= out_len) return false;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    hmac(secret, out, signed_len, mac);
    out[signed_len] = '.';
    return b64url(out + signed_len + 1, out_len - signed_len - 1, mac, sizeof mac) != 0;
}

bool ck_notify_jwt_verify(const char *token, const char *service_id, const char *secret, time_t now,
                          long max_skew_s)
{
    if (!token) return false;
    const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.')) return false;
    unsigned char mac[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES + 4];
    size_t got_len = 0;
    if (sodium_base642bin(got, sizeof got, d2 + 1, strlen(d2 + 1), NULL, &got_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        got_len != sizeof mac)
        return false;
    hmac(secret, token, (size_t)(d2 - token), mac);
    if (sodium_memcmp(mac, got, sizeof mac) != 0) return false;
    /* The header names HS256; the claims name the service and a fresh iat. */
    char part[512];
    size_t len = 0;
    json_t *h = NULL, *c = NULL;
    bool ok = false;
    if (sodium_base642bin((unsigned char *)part, sizeof part - 1, token, (size_t)(d1 - token), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        goto out;
    h = json_loadb(part, len, 0, NULL);
    if (sodium_base642bin((unsigned char *)part, sizeof part - 1, d1 + 1, (size_t)(d2 - d1 - 1), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        goto out;
    c = json_loadb(part, len, 0, NULL);
    const char *alg = json_string_value(json_object_get(h, "alg"));
    const char *iss = json_string_value(json_object_get(c, "iss"));
    json_t *iat = json_object_get(c, "iat");
    if (!alg || strcmp(alg, "HS256") != 0 || !iss || strcmp(iss, service_id) != 0 || !json_is_integer(iat)) goto out;
    long long t = json_integer_value(iat);
    ok = t >= (long long)now - max_skew_s && t <= (long long)now + max_skew_s;
out:
    json_decref(h);
    json_decref(c);
    return ok;
}

/* ---- HTTP ------------------------------------------------------------------ */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

ck_notify *ck_notify_new(const char *base_url, const char *api_key, char *err, size_t err_len)
{
    if (!base_url || (strncmp(base_url, "https://", 8) != 0 && strncmp(base_url, "http://", 7) != 0)) {
        snprintf(err, err_len, "notify_base_url: expected an http:// or https:// URL, got \"%s\"",
                 base_url ? base_url : "");
        return NULL;
    }
    ck_notify *n = ck_calloc(1, sizeof *n);
    if (!ck_notify_key_parse(api_key, n->service_id, n->secret)) {
        snprintf(err, err_len, "notify_api_key_file: expected a Notify API key, keyname-SERVICEID-SECRET "
                               "(two UUIDs after the name)");
        ck_free(n);
        return NULL;
    }
    n->base_url = ck_strdup(base_url);
    size_t bl = strlen(n->base_url);
    while (bl && n->base_url[bl - 1] == '/') n->base_url[--bl] = '\0';
    pthread_once(&curl_once, curl_init);
    return n;
}

void ck_notify_free(ck_notify *n)
{
    if (!n) return;
    sodium_memzero(n->secret, sizeof n->secret);
    ck_free(n->base_url);
    ck_free(n);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    ck_buf *b = ud;
    size_t n = size * nmemb;
    if (b->len + n > MAX_ANSWER) return 0; /* aborts the transfer */
    ck_buf_append(b, p, n);
    return n;
}

long ck_notify_http(const char *url, const char *const *headers, size_t n_headers, const char *body, ck_buf *out,
                    char *err, size_t err_len)
{
    pthread_once(&curl_once, curl_init);
    CURL *c = curl_easy_init();
    if (!c) abort(); /* curl only fails to allocate */
    struct curl_slist *h = NULL;
    for (size_t i = 0; i < n_headers; i++) h = curl_slist_append(h, headers[i]);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "User-Agent: casekeeper");
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else snprintf(err, err_len, "no answer: %s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* One request to Notify: body NULL for GET. Returns the HTTP status, 0 when
 * there was no answer (err says why); the answer's body in out. */
static long request(ck_notify *n, const char *path, const char *body, ck_buf *out, char *err, size_t err_len)
{
    char url[1024], token[512], auth[600];
    if (snprintf(url, sizeof url, "%s%s", n->base_url, path) >= (int)sizeof url) {
        snprintf(err, err_len, "the URL is too long");
        return 0;
    }
    if (!ck_notify_jwt(n->service_id, n->secret, time(NULL), token, sizeof token)) {
        snprintf(err, err_len, "the token could not be made");
        return 0;
    }
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *headers[] = {auth};
    return ck_notify_http(url, headers, 1, body, out, err, err_len);
}

/* What a status that is not success means, with Notify's own message. */
static ck_notify_result failure(long status, const ck_buf *body, char *err, size_t err_len)
{
    json_t *j = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
    const char *msg = json_string_value(json_object_get(json_array_get(json_object_get(j, "errors"), 0), "message"));
    snprintf(err, err_len, "HTTP %ld%s%s", status, msg ? ": " : "", msg ? msg : "");
    json_decref(j);
    return status == 429 || status >= 500 ? CK_NOTIFY_RETRY : CK_NOTIFY_REFUSED;
}

static void copy_id(const char *s, char id[CK_NOTIFY_ID_MAX])
{
    snprintf(id, CK_NOTIFY_ID_MAX, "%s", s ? s : "");
}

ck_notify_result ck_notify_send(ck_notify *n, const ck_notify_message *m, char id[CK_NOTIFY_ID_MAX], char *err,
                                size_t err_len)
{
    bool sms = m->channel == CK_NOTIFY_SMS;
    json_t *req = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", sms ? "phone_number" : "email_address", m->to,
                            "template_id", m->template_id, "reference", m->reference, "personalisation", "date",
                            m->date, "time", m->time, "place", m->place, "phone", m->phone);
    if (!req) {
        snprintf(err, err_len, "the message lacks a value");
        return CK_NOTIFY_REFUSED;
    }
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    ck_buf ans = CK_BUF_INIT;
    long status = request(n, sms ? "/v2/notifications/sms" : "/v2/notifications/email", body, &ans, err, err_len);
    free(body);
    ck_notify_result r;
    if (status == 0) r = CK_NOTIFY_RETRY;
    else if (status != 201 && status != 200) r = failure(status, &ans, err, err_len);
    else {
        json_t *j = json_loadb(ans.data ? ans.data : "", ans.len, 0, NULL);
        const char *got = json_string_value(json_object_get(j, "id"));
        r = got ? CK_NOTIFY_OK : CK_NOTIFY_RETRY;
        if (got) copy_id(got, id);
        else snprintf(err, err_len, "HTTP %ld without a notification id", status);
        json_decref(j);
    }
    ck_buf_free(&ans);
    return r;
}

ck_notify_result ck_notify_find(ck_notify *n, const char *reference, char id[CK_NOTIFY_ID_MAX], char *err,
                                size_t err_len)
{
    CURL *c = curl_easy_init();
    if (!c) abort(); /* curl only fails to allocate */
    char *esc = curl_easy_escape(c, reference, 0);
    curl_easy_cleanup(c);
    if (!esc) abort();
    char path[512];
    int pn = snprintf(path, sizeof path, "/v2/notifications?reference=%s", esc);
    curl_free(esc);
    if (pn < 0 || (size_t)pn >= sizeof path) {
        snprintf(err, err_len, "the reference is too long");
        return CK_NOTIFY_REFUSED;
    }
    ck_buf ans = CK_BUF_INIT;
    long status = request(n, path, NULL, &ans, err, err_len);
    ck_notify_result r;
    if (status == 0) r = CK_NOTIFY_RETRY;
    else if (status != 200) r = failure(status, &ans, err, err_len);
    else {
        json_t *j = json_loadb(ans.data ? ans.data : "", ans.len, 0, NULL);
        json_t *list = json_object_get(j, "notifications");
        const char *got = NULL;
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v) {
            const char *ref = json_string_value(json_object_get(v, "reference"));
            if (ref && strcmp(ref, reference) == 0) got = json_string_value(json_object_get(v, "id"));
            if (got) break;
        }
        if (!json_is_array(list)) {
            snprintf(err, err_len, "HTTP 200 without a list of notifications");
            r = CK_NOTIFY_RETRY;
        } else if (got) {
            copy_id(got, id);
            r = CK_NOTIFY_OK;
        } else {
            r = CK_NOTIFY_NONE;
        }
        json_decref(j);
    }
    ck_buf_free(&ans);
    return r;
}
