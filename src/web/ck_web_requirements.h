/* ck_web_requirements: an order's requirements as the case page shows them
 * ("84 of 120 hours remaining, order ends 3 March 2027", a bar, the status)
 * and the caseload's one-line summary of them. The arithmetic is core/
 * ck_requirements'; only the words are here. */
#ifndef CK_WEB_REQUIREMENTS_H
#define CK_WEB_REQUIREMENTS_H
#include "ck_case.h"
#include "ck_caseload.h"
#include "ck_requirements.h"
#include "ck_http.h"
#include <jansson.h>

/* The requirements of event e at today, one object each (name, amount,
 * status and its tag colour, progress words, bar, over-running warning,
 * the ids the form links need), in the event's order. */
json_t *ck_web_requirements_json(ck_http_req *r, const ck_case *c, const ck_event *e, ck_date today, int pace);

/* "84 of 120 hours remaining" or "2 of 20 days used": what is left or used
 * of a requirement of type t (NULL: unknown) with amount and progress p, in
 * r's arena; NULL for one without progress. */
const char *ck_web_requirement_progress_text(ck_http_req *r, const ck_req_type *t, int32_t amount,
                                             const ck_req_progress *p);

/* Each row of the caseload (ck_web_caseload_rows of l) gets "requirements":
 * one line per requirement in force at today ("Unpaid work: 84 of 120 hours
 * remaining", "Curfew"), empty for none, and "behind" when unpaid work
 * over-runs. One query for the page's cases (store/ck_req_store). false
 * (logged) when the store fails. */
bool ck_web_caseload_requirements(ck_http_req *r, ck_db *db, const ck_caseload *l, json_t *rows, ck_date today);

#endif
