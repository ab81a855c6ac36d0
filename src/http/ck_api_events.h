/* ck_api_events: the domain events as JSON (docs/api.md "Events").
 *
 * GET /api/v1/events?after=ID&limit=N (any account): the events with
 * id > after (default 0), reading at most limit (1..1000, default 100),
 * oldest first, that the caller may read (services/ck_access'
 * ck_access_events: case events by case:read's scope and limited access,
 * staff events by workforce:read's, account events to user:admin; the others
 * are skipped but the cursor passes them):
 *   {"events": [{"id": 7, "type": "contact.recorded", "crn": "X123456",
 *                "occurred_at": "2026-12-07T03:25:18Z",
 *                "url": "/api/v1/cases/X123456/contacts"}, ...],
 *    "next": 7, "more": false}
 * An event not about a case has "subject" (a staff code or an account's
 * number) in place of "crn". A poller asks again with after=next; "more"
 * says a page is waiting now. When events after `after` have expired
 * (events_keep_days) the answer is 410, a problem naming oldest_id. The
 * same event objects, in the same order, make the webhooks' bodies
 * (http/ck_webhooks): one rendering of an event. */
#ifndef CK_API_EVENTS_H
#define CK_API_EVENTS_H
#include "ck_events.h"
#include "ck_http.h"
#include <jansson.h>

#define CK_API_EVENTS_LIMIT 100 /* default page */
#define CK_API_EVENTS_MAX 1000
#define CK_API_PROBLEM_EVENTS_EXPIRED "urn:casekeeper:problem:events-expired"

void ck_api_events_list(ck_http_req *r);

/* One event as JSON; the detail URL from its type (store/ck_events' table). */
json_t *ck_api_event_json(const ck_event_row *e);
/* {"events": [...], "next": N, "more": B} for a page. */
json_t *ck_api_events_page_json(const ck_event_page *p);

#endif
