/* ck_api_manage: the JSON API of managing the service, for heads of PDU,
 * senior probation officers and quality assurance: workforce figures and
 * capacity, allocation (one case, or a leaver's whole caseload in one
 * action), continuous inspection (the score out of 27, its drill-down to
 * failing cases, the organisational standards, monthly history) and the
 * quality-assurance case audit. docs/api.md has the shapes.
 *
 * Handlers are thin, as ck_api's: parse, call one store function
 * (store/ck_workforce, store/ck_inspection: one transaction each), render.
 * Errors are ck_api's problems. Every route declares one of the permissions
 * "workforce:read", "allocate", "inspection:read", "inspection:write" and
 * "qa", for the roles that hold them.
 *
 * Reports that are tables (workforce by team, inspection rows) are also CSV,
 * with ?format=csv or Accept: text/csv, every field through
 * ck_buf_escape(CK_ESC_CSV) so a spreadsheet never runs a cell as a formula.
 *
 * Until accounts land, who entered a rating, drew a sample or answered a
 * question is a body field (entered_by, drawn_by, answered_by); the security
 * work takes it from the signed-in user instead. */
#ifndef CK_API_MANAGE_H
#define CK_API_MANAGE_H
#include "ck_http.h"

#define CK_API_MANAGE_CANDIDATES 5  /* ranked candidates per case on the allocation board, by default */
#define CK_API_MANAGE_CANDIDATES_MAX 50
#define CK_API_HISTORY_MONTHS 12    /* months of inspection history, by default */

/* The routes, ending with a {NULL} row. */
extern const ck_route ck_api_manage_routes[];

#endif
