/* ck_appt: the rules of an appointment as practitioners book it (issue 15):
 * typed start and end times ("HH:MM", Europe/London local time), the
 * officer (absent: the case's practitioner), the place (an office code from
 * the organisation data, or video, phone, home visit), cancellation and
 * rescheduling. Pure: the store checks that an office or officer exists. */
#ifndef CK_APPT_H
#define CK_APPT_H
#include "ck_case.h"

/* The places that are not an office, in the order a form offers them. */
extern const char *const ck_vocab_appt_place[]; /* video, phone, home visit */
/* What a page calls a place that is not an office ("Video call"), or NULL
 * when `place` is not one of ck_vocab_appt_place (then it is an office code). */
const char *ck_appt_place_label(const char *place);

/* The most characters of a reason for a cancellation or rescheduling. */
#define CK_APPT_REASON_MAX 500

/* "HH:MM" on the 24-hour clock (exactly two digits each, 00:00..23:59) as
 * minutes after midnight, or -1 when s is not such a time (or NULL). */
int ck_appt_minutes(const char *s);

/* Whether s looks like an organisation code (office or staff): 1 to
 * CK_ORG_CODE_MAX letters, digits, '-' or '_'. */
bool ck_appt_code_ok(const char *s);

/* The contact's appointment keys checked on their own: NULL when fine, else
 * the key at fault with what was expected written into msg
 * ("expected a time as HH:MM on the 24-hour clock, got \"9am\""). Called by
 * the contact entity's check, so every bundle, API and form write runs it. */
const char *ck_appt_check(const ck_contact *k, char *msg, size_t msg_len);

/* An appointment still on: appointment == 1 and not cancelled. */
bool ck_appt_live(const ck_contact *k);

/* Who sees the person at appointment k: its officer, else the staff member
 * of the allocation in force on its date, else of the latest allocation;
 * NULL when the case has never been allocated. */
const char *ck_appt_officer(const ck_case *c, const ck_contact *k);

/* Whether two appointments on the same date overlap in time: [start, end)
 * intervals intersect. An appointment without times takes the whole day. */
bool ck_appt_overlap(const ck_contact *a, const ck_contact *b);

#endif
