/* ck_api_events: GET /api/v1/events (see ck_api_events.h). */
#include "ck_api_events.h"
#include "ck_access.h"
#include "ck_api.h"
#include "ck_auth.h"
#include "ck_buf.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

json_t *ck_api_event_json(const ck_event_row *e)
{
    char at[32] = "";
    time_t t = (time_t)e->occurred_at;
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const ck_event_type *type = ck_event_type_find(e->type);
    ck_buf url = CK_BUF_INIT;
    /* "{crn}" or "{subject}" in the table's detail URL; a CRN and a staff
     * code are letters and digits, an account's subject its number. */
    for (const char *c = type ? type->detail : ""; *c; c++) {
        if (strncmp(c, "{crn}", 5) == 0) {
            ck_buf_puts(&url, e->crn);
            c += 4;
        } else if (strncmp(c, "{subject}", 9) == 0) {
            ck_buf_puts(&url, e->subject ? e->subject : "");
            c += 8;
        } else {
            ck_buf_putc(&url, *c);
        }
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)e->id, "type", e->type, "occurred_at", at,
                          "url", ck_buf_cstr(&url));
    /* A case event names its case; any other its subject instead. */
    if (e->subject) json_object_set_new(j, "subject", json_string(e->subject));
    else json_object_set_new(j, "crn", json_string(e->crn));
    ck_buf_free(&url);
    return j;
}

json_t *ck_api_events_page_json(const ck_event_page *p)
{
    json_t *items = json_array();
    for (size_t i = 0; i < p->n; i++) json_array_append_new(items, ck_api_event_json(&p->items[i]));
    return json_pack("{s:o, s:I, s:b}", "events", items, "next", (json_int_t)p->next, "more", p->more);
}

void ck_api_events_list(ck_http_req *r)
{
    size_t after = 0, limit = 0;
    if (!ck_api_query_count(r, "after", 0, 0, (size_t)INT64_MAX, &after)) return;
    if (!ck_api_query_count(r, "limit", CK_API_EVENTS_LIMIT, 1, CK_API_EVENTS_MAX, &limit)) return;
    ck_db *db = ck_api_db(r);
    if (!db) return;
    char err[512];
    ck_event_page *p = NULL;
    ck_rc rc = ck_access_events(db, ck_auth_require(r), (int64_t)after, limit, &p, err, sizeof err);
    if (rc != CK_OK) {
        ck_api_problem_rc(r, rc, err);
        return;
    }
    if (p->expired) {
        /* The poller fell behind the retention (events_keep_days): say so,
         * and where the kept events begin, rather than skip silently. */
        char detail[200];
        snprintf(detail, sizeof detail,
                 "after: events after %zu up to %lld have expired; the oldest kept is %lld (ask with after=%lld)",
                 after, (long long)p->oldest - 1, (long long)p->oldest, (long long)p->oldest - 1);
        ck_http_problem_with(r, 410, CK_API_PROBLEM_EVENTS_EXPIRED, "Events expired", detail,
                             json_pack("{s:I}", "oldest_id", (json_int_t)p->oldest));
        ck_event_page_free(p);
        return;
    }
    ck_http_json(r, 200, ck_api_events_page_json(p));
    ck_event_page_free(p);
}
