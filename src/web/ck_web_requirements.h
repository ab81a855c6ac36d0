/* ck_web_requirements: an order's requirements as the case page shows them
 * ("84 of 120 hours remaining, order ends 3 March 2027", a bar, the status)
 * and the caseload's one-line summary of them. The arithmetic is core/
 * ck_requirements'; only the words are here. */
#ifndef CK_WEB_REQUIREMENTS_H
#define CK_WEB_REQUIREMENTS_H
#include "ck_case.h"
#include "ck_http.h"
#include <jansson.h>

/* The requirements of event e at today, one object each (name, amount,
 * status and its tag colour, progress words, bar, over-running warning,
 * the ids the form links need), in the event's order. */
json_t *ck_web_requirements_json(ck_http_req *r, const ck_case *c, const ck_event *e, ck_date today, int pace);

/* "84 of 120 hours remaining" or "2 of 20 days used": what is left or used
 * of a requirement with progress, in r's arena; NULL for one without. */
const char *ck_web_requirement_progress_text(ck_http_req *r, const ck_requirement *q, int32_t done,
                                             int32_t remaining);

#endif
