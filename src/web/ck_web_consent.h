/* ck_web_consent: consent to appointment reminders on the case's Personal
 * details tab (issue 15): the form that records it
 * (/cases/CRN/consent/change) and what the tab shows of it and of the
 * messages sent (services/ck_reminders), failures included. */
#ifndef CK_WEB_CONSENT_H
#define CK_WEB_CONSENT_H
#include "ck_web.h"

void ck_web_consent_form(ck_http_req *r);
void ck_web_consent_post(ck_http_req *r);

/* The tab's "Reminders" section: the consent in words and the case's
 * messages, newest appointment first, each with its status and, for one
 * that failed, why. NULL when the outbox could not be read. */
json_t *ck_web_reminders_json(ck_http_req *r, ck_db *db, const ck_case *c, ck_date today);

#endif
