/* ck_web_names: the names people read in place of the codes the data holds
 * (issue 13: "everywhere a code appears to a person, show its name").
 *
 * Staff, teams and PDUs are named by the organisation data (store/ck_org:
 * the one table each lives in); a handler looks each code up once per
 * request through a ck_web_names memo. A code the organisation does not know
 * is shown as the code itself, so nothing disappears from a page. The
 * signed-in user, the case's practitioner and team, and the person's home
 * (address and household, core/ck_facts) are composed here for the layout
 * and the case summary strip. */
#ifndef CK_WEB_NAMES_H
#define CK_WEB_NAMES_H
#include "ck_case.h"
#include "ck_db.h"
#include "ck_http.h"
#include "ck_session.h"
#include <jansson.h>

typedef struct ck_web_names ck_web_names;

/* A memo in r's arena; db may be NULL (every name is then its code). */
ck_web_names *ck_web_names_new(ck_http_req *r, ck_db *db);
/* "Pat Officer"; "" for NULL or "". */
const char *ck_web_staff_name(ck_web_names *n, const char *code);
/* "Camden North"; "" for NULL or "". */
const char *ck_web_team_name(ck_web_names *n, const char *code);
/* "Camden and Islington"; "" for NULL or "". */
const char *ck_web_pdu_name(ck_web_names *n, const char *code);

/* Sentence types and offence categories in words ("sso": "Suspended
 * sentence order"); the value itself when it has no name. */
const char *ck_web_sentence_name(const char *type);
/* "Yes", "No" or "Not recorded" for a yes/no fact. Static storage. */
const char *ck_web_yes_no(ck_tri t);
const char *ck_web_offence_name(const char *category);

/* The signed-in user's name for the page header: the linked staff member's
 * name, else the username. */
const char *ck_web_user_name(const ck_session *s);

/* Adds to the case header h what the summary strip shows beyond the risk
 * facts: practitioner (name), team_name, home ({address, household, ...}). */
void ck_web_case_strip(ck_http_req *r, const ck_case *c, ck_date today, json_t *h);

/* The Personal details tab: the person on probation's own details, every
 * address with its lines and postcode, and changes of circumstances with
 * who lived with the person from each. */
json_t *ck_web_personal(ck_http_req *r, const ck_case *c, ck_date today);

#endif
