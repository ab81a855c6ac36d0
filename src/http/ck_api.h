/* ck_api: the JSON API (GET /health and /api/v1/...) on the ck_http core.
 *
 * Handlers stay thin: parse the request with ck_bundle, call one ck_cases_*
 * function (one transaction, obligations recomputed), render with ck_bundle.
 * Errors are RFC 9457 problems (application/problem+json); a body or query
 * parameter that breaks the format is a 400 whose "errors" carry the JSON path
 * and message ck_bundle reported:
 *   {"type": "urn:casekeeper:problem:invalid", "title": "Invalid request",
 *    "status": 400, "detail": "events[0].sentence.type: ...",
 *    "errors": [{"path": "events[0].sentence.type", "message": "..."}]}
 * Write bodies must be sent as application/json (else 415), which also keeps
 * cross-site HTML forms from posting to the API.
 *
 * Access: the server's authorize hook (http/ck_auth) has checked the
 * caller, the route's permission and, for a route naming a case, its scope
 * before a handler runs; handlers then read and write only through
 * store/ck_access with the caller's principal, which enforces scope and
 * limited access again inside the transaction, loads victims' names and
 * contact details only for victim liaison staff, and writes the audit log.
 * Victims: whatever the API writes out also goes through one function in
 * ck_api.c that redacts them (CK_BUNDLE_REDACT_VICTIMS) for every caller
 * without victim:read, so two layers would have to fail for one to leak. */
#ifndef CK_API_H
#define CK_API_H
#include "ck_app.h"
#include "ck_cases.h"
#include "ck_http.h"

#define CK_API_SEARCH_LIMIT 20     /* default page of GET /api/v1/cases */
#define CK_API_SEARCH_MAX 100
#define CK_API_WORKLIST_LIMIT 50   /* default page of GET /api/v1/worklist */
#define CK_API_WORKLIST_MAX 500
#define CK_API_RECOMPUTE_BATCH 200 /* cases per transaction in the daily recompute */


/* The API's routes, ending with a {NULL} row. */
extern const ck_route ck_api_routes[];
/* For ck_app's decides_access: the API routes whose handler decides access
 * to their case in its own read snapshot (GET /api/v1/cases/{crn}). */
bool ck_api_decides_access(const ck_route *route);

/* ---- For the API's other modules (http/ck_api_manage) ------------------------
 * The request handling every API handler shares, so each module answers
 * errors, bodies and parameters the same way. Each returns false (NULL) after
 * answering the problem itself. */

/* A ck_rc and its message as a problem: 404, 409, 400 (with the path the
 * message starts with), 500 for a database failure (logged, not shown). */
void ck_api_problem_rc(ck_http_req *r, ck_rc rc, const char *err);
/* A 400 invalid problem from "path: message". */
void ck_api_invalid(ck_http_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* This thread's database, or 503. */
ck_db *ck_api_db(ck_http_req *r);
/* The body as a JSON object (the caller's), or 415 / 400. */
json_t *ck_api_body_object(ck_http_req *r);
/* A query parameter that is a whole number from min to max (def when absent). */
bool ck_api_query_count(ck_http_req *r, const char *name, size_t def, size_t min, size_t max, size_t *out);
/* A date as the API writes one: "YYYY-MM-DD", null for CK_NODATE. */
json_t *ck_api_date_json(ck_date d);
/* A query parameter that is a date YYYY-MM-DD (def when absent). */
bool ck_api_query_date(ck_http_req *r, const char *name, ck_date def, ck_date *out);

/* ---- Keeping obligations current with the date ------------------------------
 *
 * Open turns to overdue and "current allocation" changes as days pass, so the
 * stored obligations of every case are recomputed once a day. A background
 * thread with its own database connection runs the nightly job
 * (services/ck_nightly) at start and after each midnight UTC: when this
 * server gets the nightly lease, it recomputes every case if the stored
 * last-recompute date is before today, then writes the inspection
 * snapshots; with several servers on one database only one does. It logs
 * start and end with counts, never personal data. */
typedef struct ck_api_daily ck_api_daily;

/* What the nightly recompute did in this process, for /metrics: each run's
 * time, the cases it evaluated, runs by outcome, and when the last one
 * succeeded (Unix seconds; 0 never). */
typedef struct ck_api_daily_metrics {
    ck_histogram seconds;
    ck_counter cases;
    ck_counter runs_ok, runs_failed;
    ck_gauge last_success_unix;
} ck_api_daily_metrics;
extern ck_api_daily_metrics ck_api_daily_stats;

/* Opens the thread's connection and starts it. NULL with the reason in err. */
ck_api_daily *ck_api_daily_start(const char *db_url, const ck_app *app, char *err, size_t err_len);
/* Blocks until the thread has checked the date at least once since start and
 * no recompute is running. Returns how many recomputes have completed. */
unsigned ck_api_daily_settle(ck_api_daily *d);
/* Stops the thread (a recompute under way stops after its current batch,
 * to be completed by the next run, here or on another server), closes its
 * connection, frees. NULL-safe. */
void ck_api_daily_stop(ck_api_daily *d);

#endif
