/* fake_notify: a stand-in for GOV.UK Notify, for the tests and the demo.
 *
 *   fake-notify --key-file FILE [--listen HOST:PORT] [--callback URL --callback-token-file FILE]
 *
 * Serves the three calls casekeeper makes (POST /v2/notifications/sms and
 * /email, GET /v2/notifications?reference=R), each only with a bearer JSON
 * Web Token that names the key's service and is signed (HS256) with its
 * secret; the check is written here, apart from services/ck_notify, so a
 * mistake in the client is not repeated in the check. The key is read from
 * --key-file, or made up and written there (mode 0600) when the file does
 * not exist. Every request is recorded:
 *
 *   GET  /_sent        the accepted messages as JSON (id, channel, to,
 *                      template_id, reference, personalisation, status)
 *   GET  /_requests    every request: method, path, the answer's status
 *   GET  /             the accepted messages as a page, newest first
 *   POST /_fail?status=500&count=1[&record=1]
 *                      answer the next count messages with status (429 or
 *                      500); with record=1 the message is accepted and
 *                      recorded first, as when Notify's answer is lost
 *   POST /_deliver     send a delivery receipt for every accepted message
 *                      to --callback now (the demo sends them every second)
 *   POST /_reset       forget everything
 *
 * Messages to a mobile ending 000 or an address starting "fail@" get a
 * permanent-failure receipt; others "delivered". Loopback only. Prints
 * "listening on http://HOST:PORT" first. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY 65536
#define SKEW_S 30 /* Notify refuses tokens issued more than 30 s away from its clock */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *sent;     /* accepted messages */
static json_t *requests; /* every request */
static int fail_status, fail_count;
static bool fail_record;
static char service_id[37], secret[37];
static const char *callback_url;
static char callback_token[256];

static bool read_file(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    size_t n = fread(out, 1, len - 1, f);
    fclose(f);
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ')) n--;
    out[n] = '\0';
    return n > 0;
}

static void uuid4(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
             b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* The key's two UUIDs: its last 73 characters are "SERVICE-SECRET". */
static bool load_key(const char *path)
{
    char key[256];
    if (!read_file(path, key, sizeof key)) {
        if (errno != ENOENT) return false;
        uuid4(service_id);
        uuid4(secret);
        snprintf(key, sizeof key, "casekeeper_demo-%s-%s", service_id, secret);
        FILE *f = fopen(path, "wx");
        if (!f) return false;
        fchmod(fileno(f), 0600);
        fprintf(f, "%s\n", key);
        fclose(f);
        return true;
    }
    size_t n = strlen(key);
    if (n < 75 || key[n - 37] != '-' || key[n - 74] != '-') return false;
    memcpy(service_id, key + n - 73, 36);
    memcpy(secret, key + n - 36, 36);
    return true;
}

/* ---- The token check ------------------------------------------------------- */

static json_t *b64_json(const char *p, size_t n)
{
    unsigned char buf[1024];
    size_t len = 0;
    if (sodium_base642bin(buf, sizeof buf, p, n, NULL, &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return NULL;
    return json_loadb((const char *)buf, len, 0, NULL);
}

/* NULL when the Authorization header holds a good token, else why not. */
static const char *token_problem(const char *auth)
{
    if (!auth || strncmp(auth, "Bearer ", 7) != 0) return "no bearer token";
    const char *t = auth + 7, *d1 = strchr(t, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2) return "the token is not header.claims.signature";
    unsigned char mac[crypto_auth_hmacsha256_BYTES], want[crypto_auth_hmacsha256_BYTES];
    size_t len = 0;
    if (sodium_base642bin(mac, sizeof mac, d2 + 1, strlen(d2 + 1), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len != sizeof mac)
        return "the signature is not base64url of 32 bytes";
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)t, (size_t)(d2 - t));
    crypto_auth_hmacsha256_final(&st, want);
    if (sodium_memcmp(mac, want, sizeof mac) != 0) return "Invalid token: signature, api token not found";
    json_t *h = b64_json(t, (size_t)(d1 - t)), *c = b64_json(d1 + 1, (size_t)(d2 - d1 - 1));
    const char *why = NULL;
    const char *alg = json_string_value(json_object_get(h, "alg"));
    const char *typ = json_string_value(json_object_get(h, "typ"));
    const char *iss = json_string_value(json_object_get(c, "iss"));
    json_t *iat = json_object_get(c, "iat");
    if (!alg || strcmp(alg, "HS256") != 0 || !typ || strcmp(typ, "JWT") != 0) why = "the header is not typ JWT, alg HS256";
    else if (!iss || strcmp(iss, service_id) != 0) why = "Invalid token: service not found";
    else if (!json_is_integer(iat) || llabs((long long)time(NULL) - json_integer_value(iat)) > SKEW_S)
        why = "Error: Your system clock must be accurate to within 30 seconds";
    json_decref(h);
    json_decref(c);
    return why;
}

/* ---- Answers ------------------------------------------------------------------ */

typedef struct body {
    char *data;
    size_t len;
    bool too_big;
} body;

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status, const char *type, char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result answer_json(struct MHD_Connection *conn, unsigned status, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return answer(conn, status, "application/json", text);
}

/* Notify's error shape: {"status_code": N, "errors": [{"error": kind, "message": m}]}. */
static enum MHD_Result error(struct MHD_Connection *conn, unsigned status, const char *kind, const char *msg)
{
    return answer_json(conn, status,
                       json_pack("{s:i, s:[{s:s, s:s}]}", "status_code", (int)status, "errors", "error", kind,
                                 "message", msg));
}

static void note_request(const char *method, const char *url, unsigned status)
{
    json_array_append_new(requests, json_pack("{s:s, s:s, s:i}", "method", method, "path", url, "status", (int)status));
}

static bool is_uuid(const char *s)
{
    if (!s || strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i])) return false;
    }
    return true;
}

/* A new message: checked as Notify checks it, plus the one rule of reminders
 * (no personalisation but date, time, place and phone). */
static enum MHD_Result new_message(struct MHD_Connection *conn, const char *url, bool sms, const body *b)
{
    json_error_t je;
    json_t *m = json_loadb(b->data ? b->data : "", b->len, 0, &je);
    const char *to_key = sms ? "phone_number" : "email_address";
    const char *to = json_string_value(json_object_get(m, to_key));
    const char *tpl = json_string_value(json_object_get(m, "template_id"));
    const char *ref = json_string_value(json_object_get(m, "reference"));
    json_t *pers = json_object_get(m, "personalisation");
    char why[160] = "";
    if (!json_is_object(m)) snprintf(why, sizeof why, "the body is not a JSON object");
    else if (!to || !*to) snprintf(why, sizeof why, "%s is a required property", to_key);
    else if (!is_uuid(tpl)) snprintf(why, sizeof why, "template_id is not a valid UUID");
    else if (!json_is_object(pers)) snprintf(why, sizeof why, "personalisation is required");
    else {
        const char *k;
        json_t *v;
        json_object_foreach(pers, k, v) {
            static const char *const allowed[] = {"date", "time", "place", "phone", NULL};
            bool ok = false;
            for (int i = 0; allowed[i]; i++) ok = ok || strcmp(k, allowed[i]) == 0;
            if (!ok || !json_is_string(v)) snprintf(why, sizeof why, "personalisation %s is not allowed", k);
        }
    }
    if (why[0]) {
        note_request("POST", url, 400);
        json_decref(m);
        return error(conn, 400, "BadRequestError", why);
    }
    bool lose = false;
    if (fail_count > 0) {
        fail_count--;
        if (!fail_record) {
            note_request("POST", url, (unsigned)fail_status);
            json_decref(m);
            return error(conn, (unsigned)fail_status, fail_status == 429 ? "RateLimitError" : "Exception",
                         fail_status == 429 ? "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
                                            : "Internal server error");
        }
        lose = true;
    }
    char id[37];
    uuid4(id);
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:O, s:s, s:I, s:b}", "id", id, "channel", sms ? "sms" : "email",
                            "to", to, "template_id", tpl, "reference", ref, "personalisation", pers, "status",
                            "created", "received_at", (json_int_t)time(NULL), "receipt_sent", 0);
    json_array_append_new(sent, rec);
    json_t *ok = json_pack("{s:s, s:s?, s:{s:s}}", "id", id, "reference", ref, "template", "id", tpl);
    json_decref(m);
    if (lose) {
        json_decref(ok);
        note_request("POST", url, (unsigned)fail_status);
        return error(conn, (unsigned)fail_status, "Exception", "Internal server error");
    }
    note_request("POST", url, 201);
    return answer_json(conn, 201, ok);
}

static enum MHD_Result find(struct MHD_Connection *conn, const char *url)
{
    const char *ref = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "reference");
    json_t *list = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(sent, i, v) {
        const char *r = json_string_value(json_object_get(v, "reference"));
        if (!ref || (r && strcmp(r, ref) == 0))
            json_array_append_new(list, json_pack("{s:O, s:O, s:O}", "id", json_object_get(v, "id"), "reference",
                                                  json_object_get(v, "reference"), "status", json_object_get(v, "status")));
    }
    note_request("GET", url, 200);
    return answer_json(conn, 200, json_pack("{s:o, s:{s:s}}", "notifications", list, "links", "current", url));
}

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static enum MHD_Result page(struct MHD_Connection *conn)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fprintf(f, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fake GOV.UK Notify: sent "
               "messages</title></head><body style=\"font-family:sans-serif\"><h1>Fake GOV.UK Notify</h1><p>%zu "
               "messages accepted (newest first). Nothing here was sent to anyone.</p><table border=\"1\" "
               "cellpadding=\"4\"><tr><th>Received</th><th>Channel</th><th>To</th><th>Template</th><th>Date</th>"
               "<th>Time</th><th>Place</th><th>Phone</th><th>Reference</th><th>Status</th></tr>",
            json_array_size(sent));
    for (size_t i = json_array_size(sent); i-- > 0;) {
        json_t *v = json_array_get(sent, i), *p = json_object_get(v, "personalisation");
        char when[32];
        time_t t = (time_t)json_integer_value(json_object_get(v, "received_at"));
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", gmtime(&t));
        fprintf(f, "<tr><td>%s</td>", when);
        static const char *const top[] = {"channel", "to", "template_id"};
        for (int k = 0; k < 3; k++) fputs("<td>", f), esc(f, json_string_value(json_object_get(v, top[k]))), fputs("</td>", f);
        static const char *const pk[] = {"date", "time", "place", "phone"};
        for (int k = 0; k < 4; k++) fputs("<td>", f), esc(f, json_string_value(json_object_get(p, pk[k]))), fputs("</td>", f);
        fputs("<td>", f), esc(f, json_string_value(json_object_get(v, "reference"))), fputs("</td><td>", f);
        esc(f, json_string_value(json_object_get(v, "status")));
        fputs("</td></tr>", f);
    }
    fputs("</table></body></html>", f);
    fclose(f);
    return answer(conn, 200, "text/html; charset=utf-8", text);
}

/* ---- Delivery receipts ----------------------------------------------------------- */

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
    (void)p, (void)ud;
    return s * n;
}

/* Sends a receipt for every accepted message without one; the lock is not
 * held while posting. Returns how many were answered 2xx. */
static int deliver(void)
{
    if (!callback_url) return 0;
    int done = 0;
    for (;;) {
        pthread_mutex_lock(&mu);
        json_t *v = NULL, *pick = NULL;
        size_t i;
        json_array_foreach(sent, i, v) {
            if (!json_is_true(json_object_get(v, "receipt_sent"))) {
                pick = v;
                break;
            }
        }
        if (!pick) {
            pthread_mutex_unlock(&mu);
            return done;
        }
        const char *to = json_string_value(json_object_get(pick, "to"));
        size_t tl = strlen(to);
        bool bad = (tl >= 3 && strcmp(to + tl - 3, "000") == 0) || strncmp(to, "fail@", 5) == 0;
        const char *status = bad ? "permanent-failure" : "delivered";
        json_object_set_new(pick, "status", json_string(status));
        json_object_set_new(pick, "receipt_sent", json_true());
        json_t *r = json_pack("{s:O, s:O, s:O, s:s, s:O}", "id", json_object_get(pick, "id"), "reference",
                              json_object_get(pick, "reference"), "to", json_object_get(pick, "to"), "status", status,
                              "notification_type", json_object_get(pick, "channel"));
        pthread_mutex_unlock(&mu);
        char *text = json_dumps(r, JSON_COMPACT);
        json_decref(r);
        char auth[300];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", callback_token);
        CURL *c = curl_easy_init();
        struct curl_slist *h = curl_slist_append(curl_slist_append(NULL, auth), "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_URL, callback_url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        long code = 0;
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        free(text);
        if (code >= 200 && code < 300) done++;
        else fprintf(stderr, "fake-notify: receipt to %s answered %ld\n", callback_url, code);
    }
}

static void *deliver_loop(void *arg)
{
    (void)arg;
    for (;;) {
        sleep(1);
        deliver();
    }
    return NULL;
}

/* ---- Requests ---------------------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_len, void **state)
{
    (void)cls, (void)version;
    body *b = *state;
    if (!b) {
        *state = calloc(1, sizeof *b);
        return *state ? MHD_YES : MHD_NO;
    }
    if (*upload_len) {
        if (b->len + *upload_len > MAX_BODY) b->too_big = true;
        else {
            char *d = realloc(b->data, b->len + *upload_len + 1);
            if (!d) return MHD_NO;
            memcpy(d + b->len, upload, *upload_len);
            b->data = d;
            b->len += *upload_len;
            d[b->len] = '\0';
        }
        *upload_len = 0;
        return MHD_YES;
    }
    bool post = strcmp(method, "POST") == 0, get = strcmp(method, "GET") == 0;
    if (b->too_big) return error(conn, 413, "BadRequestError", "the body is too large");
    if (post && strcmp(url, "/_deliver") == 0) {
        int n = deliver();
        return answer_json(conn, 200, json_pack("{s:i}", "delivered", n));
    }
    pthread_mutex_lock(&mu);
    enum MHD_Result ret;
    bool api = strncmp(url, "/v2/", 4) == 0;
    const char *why = api ? token_problem(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization")) : NULL;
    if (why) {
        note_request(method, url, 403);
        ret = error(conn, 403, "AuthError", why);
    } else if (post && strcmp(url, "/v2/notifications/sms") == 0) {
        ret = new_message(conn, url, true, b);
    } else if (post && strcmp(url, "/v2/notifications/email") == 0) {
        ret = new_message(conn, url, false, b);
    } else if (get && strcmp(url, "/v2/notifications") == 0) {
        ret = find(conn, url);
    } else if (get && strcmp(url, "/_sent") == 0) {
        ret = answer_json(conn, 200, json_deep_copy(sent));
    } else if (get && strcmp(url, "/_requests") == 0) {
        ret = answer_json(conn, 200, json_deep_copy(requests));
    } else if (get && strcmp(url, "/") == 0) {
        ret = page(conn);
    } else if (post && strcmp(url, "/_fail") == 0) {
        const char *s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "status");
        const char *c = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "count");
        const char *r = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "record");
        fail_status = s ? atoi(s) : 500;
        fail_count = c ? atoi(c) : 1;
        fail_record = r && strcmp(r, "1") == 0;
        ret = answer_json(conn, 200, json_pack("{s:i, s:i}", "status", fail_status, "count", fail_count));
    } else if (post && strcmp(url, "/_reset") == 0) {
        json_array_clear(sent);
        json_array_clear(requests);
        fail_count = 0;
        ret = answer_json(conn, 200, json_object());
    } else {
        if (api) note_request(method, url, 404);
        ret = error(conn, 404, "NotFound", "no such endpoint");
    }
    pthread_mutex_unlock(&mu);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    body *b = *state;
    if (b) free(b->data);
    free(b);
    *state = NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: fake-notify --key-file FILE [--listen 127.0.0.1:PORT] "
                    "[--callback URL --callback-token-file FILE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *key_file = NULL, *listen = "127.0.0.1:0", *token_file = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) return usage();
        if (strcmp(argv[i], "--key-file") == 0) key_file = argv[++i];
        else if (strcmp(argv[i], "--listen") == 0) listen = argv[++i];
        else if (strcmp(argv[i], "--callback") == 0) callback_url = argv[++i];
        else if (strcmp(argv[i], "--callback-token-file") == 0) token_file = argv[++i];
        else return usage();
    }
    if (!key_file || (callback_url && !token_file)) return usage();
    if (sodium_init() < 0) return 1;
    if (!load_key(key_file)) {
        fprintf(stderr, "fake-notify: %s: not a Notify API key (name-SERVICEID-SECRET)\n", key_file);
        return 1;
    }
    if (token_file && !read_file(token_file, callback_token, sizeof callback_token)) {
        fprintf(stderr, "fake-notify: %s: cannot read the callback token\n", token_file);
        return 1;
    }
    const char *colon = strrchr(listen, ':');
    struct sockaddr_in sa = {.sin_family = AF_INET};
    if (!colon || inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr) != 1 || strncmp(listen, "127.0.0.1:", 10) != 0) {
        fprintf(stderr, "fake-notify: --listen must be 127.0.0.1:PORT (loopback only)\n");
        return 2;
    }
    sa.sin_port = htons((uint16_t)atoi(colon + 1));
    sent = json_array();
    requests = json_array();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                                            NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                                            MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fake-notify: cannot listen on %s\n", listen);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://127.0.0.1:%u\n", info ? info->port : 0);
    fflush(stdout);
    pthread_t th;
    if (callback_url) pthread_create(&th, NULL, deliver_loop, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
