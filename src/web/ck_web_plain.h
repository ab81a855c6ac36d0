/* ck_web_plain: an obligation in one plain-English sentence.
 *
 * "Seen on 4 November 2026; the next contact is due by 18 November 2026,
 * within 14 days, because that was week 21 of the order." The
 * sentence is built from the obligation's structured fields (basis, amount,
 * why, period, stage; core/ck_rules), never from its technical explanation,
 * which the pages keep behind a "How this was worked out" disclosure. Every
 * rule's sentence lives in one table here (one row per rule and timescale). */
#ifndef CK_WEB_PLAIN_H
#define CK_WEB_PLAIN_H
#include "ck_buf.h"
#include "ck_rules.h"

/* "4 November 2026" (GOV.UK style) appended to b; nothing for CK_NODATE. */
void ck_web_plain_date(ck_buf *b, ck_date d);

/* The `why` of the table's rows for obligations with no basis (read back
 * from the store): "The next contact is due by D." */
#define CK_WEB_PLAIN_NO_BASIS ((ck_why)-1)

/* The sentence template of a rule's timescale: the row for (rule, why), else
 * (but not for CK_WEB_PLAIN_NO_BASIS) the rule's CK_WHY_USUAL row; NULL for
 * a rule with no row. */
const char *ck_web_plain_template(const char *rule, ck_why why);

/* Appends o's sentence to b: its template filled from o, then where it was
 * met, "Met on D." or "Met late, on D.". o must come from ck_rules_evaluate
 * or have basis CK_NODATE (read back from the store: the rule's no-basis
 * sentence); a rule with no row at all gets "Due by D.". */
void ck_web_plain_sentence(ck_buf *b, const ck_obligation *o);

#endif
