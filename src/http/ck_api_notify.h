/* ck_api_notify: POST /notify/callback, where GOV.UK Notify sends delivery
 * receipts for the appointment reminders (services/ck_reminders).
 *
 * Notify authenticates with the bearer token set on the service's callbacks
 * page; the server keeps it in the file notify_callback_token_file
 * (config/rules.conf) and compares in constant time. Without that key the
 * route answers 404, as if it were not there. The route is public to the session and API-token
 * checks (http/ck_auth leaves a public route's Authorization header alone):
 * this token is its only guard. The body is Notify's JSON ({"id",
 * "reference", "status", ...}); the answer is 204, or a problem naming what
 * was wrong. */
#ifndef CK_API_NOTIFY_H
#define CK_API_NOTIFY_H
#include "ck_http.h"

void ck_api_notify_callback(ck_http_req *r);

#endif
