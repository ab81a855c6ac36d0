/* ck_consent: the person on probation's consent to appointment reminders
 * (issue 15), as the reminder scheduler and the consent form read it.
 *
 * Consent is recorded on the case (ck_person.consent, docs/formats.md
 * "Extension: consent to reminders"): a UK mobile number and/or an email
 * address, English or Welsh, the date it was given and the date it was
 * withdrawn. Pure functions, no I/O. */
#ifndef CK_CONSENT_H
#define CK_CONSENT_H
#include "ck_date.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_consent ck_consent;

/* The longest normalised mobile number ("+447700900123") plus its NUL. */
#define CK_MOBILE_MAX 16

/* Whether s is a UK mobile number as people write it: 07 and 9 more digits,
 * or +447 / +44 (0)7 / 00447 / 447 and 9 more, spaces, dashes and brackets allowed
 * ("07700 900 123", "+44 7700 900123"). When out is not NULL it receives the
 * number as Notify takes it, in international form ("+447700900123"). */
bool ck_uk_mobile(const char *s, char out[CK_MOBILE_MAX]);

/* Whether s looks like an email address GOV.UK Notify will send to: one @,
 * a local part, a domain with a dot and no empty label, no spaces or
 * control characters, at most 320 bytes. */
bool ck_email_ok(const char *s);

/* Whether reminders may be sent on day d: consent given on or before d and
 * not withdrawn on or before d. NULL: no consent recorded. */
bool ck_consent_active(const ck_consent *c, ck_date d);

#endif
