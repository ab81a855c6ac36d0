/* ck_notify: a client of the GOV.UK Notify REST API (v2), for appointment
 * reminders (services/ck_reminders).
 *
 * Three calls: POST /v2/notifications/sms, POST /v2/notifications/email and
 * GET /v2/notifications?reference=R (to learn whether an earlier attempt
 * whose answer was lost or a server error was in fact accepted, so a retry
 * never sends twice). Every request carries a JSON Web Token (HS256) as its
 * bearer token: header {"typ":"JWT","alg":"HS256"}, claims {"iss": service
 * id, "iat": seconds since 1970}, signed with the API key's secret (libsodium's
 * HMAC-SHA-256). An API key is "keyname-SERVICEID-SECRET", both ids UUIDs.
 * HTTPS through libcurl (Debian's standard client library), certificates
 * verified. Thread-safe: each call makes its own connection. */
#ifndef CK_NOTIFY_H
#define CK_NOTIFY_H
#include "ck_buf.h"
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CK_NOTIFY_UUID_LEN 36
#define CK_NOTIFY_ID_MAX 64 /* a notification id with its NUL */

/* Splits key into its service id and secret (each CK_NOTIFY_UUID_LEN
 * characters and a NUL); false when it is not "name-uuid-uuid". */
bool ck_notify_key_parse(const char *key, char service_id[CK_NOTIFY_UUID_LEN + 1],
                         char secret[CK_NOTIFY_UUID_LEN + 1]);

/* The token "header.claims.signature" (base64url without padding) for the
 * service at iat, into out; false when out is too small. */
bool ck_notify_jwt(const char *service_id, const char *secret, time_t iat, char *out, size_t out_len);

/* Whether token is a well-formed HS256 token for service_id signed with
 * secret and issued within max_skew_s of now (what Notify checks: 30 s). */
bool ck_notify_jwt_verify(const char *token, const char *service_id, const char *secret, time_t now,
                          long max_skew_s);

/* The HTTP client under the Notify calls, for other callers that send JSON
 * (services/ck_webhooks): one request to url with the extra header lines
 * ("Name: value"), a JSON body (NULL: GET), a timeout, http and https only,
 * certificates verified. Returns the HTTP status, or 0 when there was no
 * answer (err says why); the answer's body (up to 1 MiB) in out. */
long ck_notify_http(const char *url, const char *const *headers, size_t n_headers, const char *body, ck_buf *out,
                    char *err, size_t err_len);

typedef struct ck_notify ck_notify;

/* A client for base_url ("https://api.notifications.service.gov.uk", no
 * trailing slash needed) with api_key. NULL with a message naming what is
 * wrong. */
ck_notify *ck_notify_new(const char *base_url, const char *api_key, char *err, size_t err_len);
void ck_notify_free(ck_notify *n);

typedef enum ck_notify_channel { CK_NOTIFY_SMS, CK_NOTIFY_EMAIL } ck_notify_channel;

/* One message: the recipient, the template and the only personalisation a
 * reminder may carry. */
typedef struct ck_notify_message {
    ck_notify_channel channel;
    const char *to;          /* a phone number (+447...) or an email address */
    const char *template_id;
    const char *reference;   /* ours, unique per message */
    const char *date, *time, *place, *phone;
} ck_notify_message;

typedef enum ck_notify_result {
    CK_NOTIFY_OK,      /* accepted (send) or found (find): id filled */
    CK_NOTIFY_NONE,    /* find: no notification has the reference */
    CK_NOTIFY_RETRY,   /* no answer, 429 or 5xx: try again later (it may have been accepted) */
    CK_NOTIFY_REFUSED, /* 400 or 403: this message will never be accepted as it is */
} ck_notify_result;

/* Sends m. err says what went wrong ("HTTP 500: ...") on anything but OK. */
ck_notify_result ck_notify_send(ck_notify *n, const ck_notify_message *m, char id[CK_NOTIFY_ID_MAX], char *err,
                                size_t err_len);
/* Looks for a notification sent with reference. */
ck_notify_result ck_notify_find(ck_notify *n, const char *reference, char id[CK_NOTIFY_ID_MAX], char *err,
                                size_t err_len);

#endif
