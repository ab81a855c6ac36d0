#include "ck_api_notify.h"
#include "ck_app.h"
#include "ck_reminders.h"
#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#define MAX_TOKEN 256

void ck_api_notify_callback(ck_http_req *r)
{
    const ck_app *app = ck_http_app(r);
    const ck_rules_config *cfg = app->engine.cfg;
    if (!cfg->notify_callback_token_file[0]) {
        /* No receipts here: as if there were no such route. */
        ck_http_error(r, 404, "delivery receipts are not configured on this server (notify_callback_token_file)");
        return;
    }
    char want[MAX_TOKEN], err[512];
    if (!ck_reminders_read_secret("notify_callback_token_file", cfg->notify_callback_token_file, want, sizeof want,
                                  err, sizeof err)) {
        ck_http_log("%s: notify callback: %s", ck_http_request_id(r), err);
        ck_http_error(r, 500, "the callback token cannot be read");
        return;
    }
    const char *authz = ck_http_header(r, "Authorization");
    const char *got = authz && strncmp(authz, "Bearer ", 7) == 0 ? authz + 7 : NULL;
    size_t wl = strlen(want);
    bool ok = got && strlen(got) == wl && sodium_memcmp(got, want, wl) == 0;
    sodium_memzero(want, sizeof want);
    if (!ok) {
        ck_http_error(r, 401, "expected Authorization: Bearer and the callback token");
        return;
    }
    ck_str body = ck_http_body(r);
    json_error_t je;
    json_t *j = json_loadb(body.p ? body.p : "", body.n, 0, &je);
    const char *id = json_string_value(json_object_get(j, "id"));
    const char *reference = json_string_value(json_object_get(j, "reference"));
    const char *status = json_string_value(json_object_get(j, "status"));
    if (!json_is_object(j) || !id || !status) {
        json_decref(j);
        ck_http_error(r, 400, "expected a JSON object with id and status (strings)");
        return;
    }
    ck_db *db = ck_http_db(r, err, sizeof err);
    if (!db) {
        json_decref(j);
        ck_http_error(r, 503, "the database is not available");
        return;
    }
    ck_rc rc = ck_reminders_receipt(db, id, reference, status, time(NULL), err, sizeof err);
    json_decref(j);
    if (rc == CK_OK) ck_http_status(r, 204);
    else if (rc == CK_ERR_INVALID) ck_http_error(r, 400, err);
    else if (rc == CK_ERR_NOTFOUND) ck_http_error(r, 404, err);
    else ck_http_error(r, 500, "the receipt was not recorded");
}
