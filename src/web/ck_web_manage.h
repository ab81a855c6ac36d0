/* ck_web_manage: the web pages of managing the service, for heads of PDU and
 * senior probation officers (templates/manage/).
 *
 *   /inspection                          the PDU's score out of 27, each standard's rating and
 *                                        key questions, the monthly trend (SVG chart and table);
 *                                        without a period asked for, the headline is the trend's
 *                                        last row, both read from the nightly snapshots
 *   /inspection/key-questions/{key}      the failing cases behind one key question
 *   /inspection/standards/{standard}     a head of PDU's rating of an organisational standard
 *   /workforce                           vacancies, agency share, sickness, capacity by team,
 *                                        caseload distribution (SVG histogram and table)
 *   /workforce/download                  the same by team as CSV
 *   /workforce/teams/{team}              capacity per practitioner with the workload breakdown
 *   /allocations                         unallocated and lost cases with ranked candidates;
 *                                        allocate one (over 100% only after a warning, with a
 *                                        reason), reallocate all of a leaver's cases (the plan
 *                                        shown first, then each case and its new practitioner),
 *                                        record a leaver or a long-term absence
 *   /qa, /qa/{id}, /qa/{id}/cases/{crn}, /qa/{id}/disagreements
 *                                        the quality-assurance case audit
 *
 * Every page is about one PDU: the signed-in account's own (the organisation
 * the store holds says which), or ?pdu=CODE (a form: the field pdu) when the
 * route's permission reaches it; an account with none of its own whose scope
 * reaches further (quality assurance) chooses one first (ck_web_pick_pdu),
 * and a QA sample's pages take the sample's. Each
 * handler is thin, as ck_web's: the guard, one store call (store/ck_workforce,
 * store/ck_inspection), a json_t for the template. Charts are SVG drawn on
 * the server with their numbers also in a table, so every page works without
 * JavaScript and reads the same to a screen reader. Forms post the session's
 * CSRF token like every other form, and redirect after saving. */
#ifndef CK_WEB_MANAGE_H
#define CK_WEB_MANAGE_H
#include "ck_http.h"

#define CK_WEB_DRILL_PAGE 100      /* failing obligations a drill-down page lists */
#define CK_WEB_BOARD_CANDIDATES 3  /* candidates shown for each case on the allocation page */
#define CK_WEB_QA_PER_TEAM 2       /* cases a sample draws from each team, by default */

void ck_web_inspection(ck_http_req *r);
void ck_web_inspection_failures(ck_http_req *r);
void ck_web_org_standard_form(ck_http_req *r);
void ck_web_org_standard_post(ck_http_req *r);
void ck_web_workforce(ck_http_req *r);
void ck_web_workforce_csv(ck_http_req *r);
void ck_web_workforce_team(ck_http_req *r);
void ck_web_allocations(ck_http_req *r);
void ck_web_allocate_one(ck_http_req *r);
void ck_web_reallocate(ck_http_req *r);
void ck_web_record_leaving(ck_http_req *r);
void ck_web_qa(ck_http_req *r);
void ck_web_qa_draw(ck_http_req *r);
void ck_web_qa_sample(ck_http_req *r);
void ck_web_qa_case_form(ck_http_req *r);
void ck_web_qa_case_post(ck_http_req *r);
void ck_web_qa_disagreements(ck_http_req *r);

#endif
