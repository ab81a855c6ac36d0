/* ck_web_plain: one sentence template per rule and timescale, filled from an
 * obligation's structured fields. */
#include "ck_web_plain.h"
#include <string.h>

#define NO_BASIS CK_WEB_PLAIN_NO_BASIS

/* Placeholders: {basis} {due} (dates), {wd} {days} {weeks} {months} (the
 * amount with its unit), {week} (the week of the period a contact fell in), {period}
 * ("order", "licence", ...), {hr} (", because the risk of serious harm was
 * high then" when it shortened the timescale), {change} (what the
 * significant change of a ROSH_CHANGE was, from the subject's kind). */
static const struct {
    const char *rule;
    ck_why why;
    const char *text;
} templates[] = {
    {"ALLOCATE", CK_WHY_USUAL, "Sentenced on {basis}; the case must be allocated to a practitioner by {due}, within {wd}."},
    {"ALLOCATE", CK_WHY_HIGH_RISK, "Sentenced on {basis}; the case must be allocated to a practitioner by {due}, within {wd}, because the risk of serious harm was high at sentence."},
    {"ALLOCATE", CK_WHY_LEFT, "The practitioner left on {basis}; the case must be given to another practitioner by {due}, within {wd}{hr}."},
    {"ALLOCATE", CK_WHY_ABSENCE, "The practitioner began a long-term absence on {basis}; the case must be given to another practitioner by {due}, within {wd}{hr}."},
    {"INDUCTION", CK_WHY_USUAL, "Sentenced on {basis}; the first appointment (induction) is due by {due}, within {wd} of the start of the {period}."},
    {"INDUCTION", CK_WHY_LICENCE, "Released on {basis}; the first appointment (induction) is due by {due}, within {wd} of release."},
    {"CONTACT", CK_WHY_STAGE, "Seen on {basis}; the next contact is due by {due}, within {days}, because that was week {week} of the {period}."},
    {"CONTACT", CK_WHY_HIGH_RISK, "Seen on {basis}; the next contact is due by {due}, within {days}, because the risk of serious harm was high that day."},
    {"NEXT_APPOINTMENT", CK_WHY_USUAL, "Seen on {basis}; the next appointment should be booked by {due}, within {wd}."},
    {"OUTCOME", CK_WHY_USUAL, "Appointment on {basis}; its outcome should be recorded by {due}, within {wd}."},
    {"ADDRESS", CK_WHY_USUAL, "The {period} started on {basis}; a main address, or that the person has no fixed abode, must be recorded by {due}, within {wd}."},
    {"TERMINATE", CK_WHY_USUAL, "The sentence ended on {basis}; it must be terminated by {due}, within {wd}."},
    {"REVIEW_APPOINTMENT", CK_WHY_USUAL, "Regular contact stopped at the two-thirds point of the licence on {basis} (probation reset); a review appointment is due by {due}, halfway through the final third."},
    {"ENFORCE", CK_WHY_USUAL, "Failed to comply on {basis}; enforcement action is due by {due}, within {wd}."},
    {"ENFORCE", CK_WHY_MANDATORY, "Failed to comply on {basis} after a recent warning; breach action must start by {due}, within {wd}, because another warning is not allowed."},
    {"BREACH_PACK", CK_WHY_USUAL, "Breach action started on {basis}; the breach pack must be sent by {due}, within {wd}."},
    {"RECALL_DECISION", CK_WHY_FINAL_WARNING, "Failed to comply on {basis} after a final warning; a decision on recall is due by {due}, within {wd}."},
    {"RECALL_DECISION", CK_WHY_RECALL_REQUESTED, "Recall requested on {basis}; the decision is due by {due}, within {wd}."},
    {"ROSH_INITIAL", CK_WHY_USUAL, "The {period} started on {basis}; the first risk of serious harm assessment is due by {due}, within {wd}."},
    {"ROSH_INITIAL", CK_WHY_URGENT, "The {period} started on {basis}; the first risk of serious harm assessment is due by {due}, within {wd}, because the person is managed at MAPPA level 2 or 3 or was very high risk."},
    {"ROSH_REVIEW", CK_WHY_USUAL, "Risk of serious harm assessed on {basis}; it must be reviewed by {due}, within {weeks}."},
    {"ROSH_REVIEW", CK_WHY_HIGH_RISK, "Risk of serious harm assessed on {basis}; it must be reviewed by {due}, within {weeks}, because the risk was high then."},
    {"ROSH_CHANGE", CK_WHY_USUAL, "{change} on {basis}; the risk of serious harm assessment must be reviewed by {due}, within {wd}."},
    {"SENTENCE_PLAN", CK_WHY_USUAL, "The {period} started on {basis}; the sentence plan is due by {due}, within {wd}."},
    {"OVERSIGHT", CK_WHY_USUAL, "Risk of serious harm assessed as high or very high on {basis}; a manager must review the assessment by {due}, within {wd}."},
    {"DA_CHECK", CK_WHY_USUAL, "The {period} started on {basis}; the police domestic abuse check must be back by {due}, within {wd}."},
    {"DA_CHECK", CK_WHY_REPORT, "A pre-sentence report was asked for on {basis}; the police domestic abuse check must be back by {due}, when the report is due."},
    {"CHILD_CHECK", CK_WHY_USUAL, "The {period} started on {basis}; the children's services check must be back by {due}, within {wd}."},
    {"CHILD_CHECK", CK_WHY_REPORT, "A pre-sentence report was asked for on {basis}; the children's services check must be back by {due}, when the report is due."},
    {"DA_FLAG_DECISION", CK_WHY_USUAL, "The police gave domestic abuse information on {basis}; decide by {due}, within {wd}, whether to register the person as a domestic abuse perpetrator."},
    {"REG_REVIEW", CK_WHY_USUAL, "Registered on {basis}; the registration must be reviewed by {due}, every {months}."},
    {"REG_REVIEW", CK_WHY_NEXT_REVIEW, "Registered or last reviewed on {basis}; the next review is due by {due}, the date set at the last review."},
    {"MAPPA_IDENTIFY", CK_WHY_USUAL, "Sentenced on {basis} for an offence that can bring MAPPA; decide by {due}, within {wd}, whether the person is managed under MAPPA."},
    {"VCS_REFERRAL", CK_WHY_USUAL, "Sentenced on {basis} for an offence whose victims may join the Victim Contact Scheme; the referral to victim liaison is due by {due}, within {wd}."},
    {"VCS_FIRST_CONTACT", CK_WHY_USUAL, "Referred to victim liaison on {basis}; the victim must first be contacted by {due}, within {wd}."},
    {"VCS_FLAG", CK_WHY_USUAL, "A victim joined the Victim Contact Scheme on {basis}; the case must be flagged (INVI) by {due}, within {wd}."},
    {"VCS_REPRESENTATIONS", CK_WHY_USUAL, "Release is due on {basis}; the victim's views on licence conditions must be recorded by {due}, {days} before."},
    {"VCS_RELEASE_NOTICE", CK_WHY_USUAL, "Release is due on {basis}; the victim must be told about it by {due}, {wd} before."},
    {"VCS_RECALL_NOTICE", CK_WHY_USUAL, "Recalled on {basis}; the victim must be told by {due}, within {wd}."},
    {"VCS_NONSTATUTORY", CK_WHY_USUAL, "Sentenced on {basis} for an offence involving domestic abuse; contact with the victim outside the statutory scheme is due by {due}, within {wd}."},
    {"REPORT_DUE", CK_WHY_USUAL, "A pre-sentence report was asked for on {basis}; it is due by {due}, within {wd}."},
    {"REPORT_DUE", CK_WHY_ORAL, "An oral pre-sentence report was asked for on {basis}; it is due the same day."},
    /* Obligations read back from the store, which keep no basis. */
    {"ALLOCATE", NO_BASIS, "The case must be allocated to a practitioner by {due}."},
    {"INDUCTION", NO_BASIS, "The first appointment (induction) is due by {due}."},
    {"CONTACT", NO_BASIS, "The next contact is due by {due}."},
    {"NEXT_APPOINTMENT", NO_BASIS, "The next appointment should be booked by {due}."},
    {"OUTCOME", NO_BASIS, "The appointment's outcome should be recorded by {due}."},
    {"ADDRESS", NO_BASIS, "A main address, or that the person has no fixed abode, must be recorded by {due}."},
    {"TERMINATE", NO_BASIS, "The sentence must be terminated by {due}."},
    {"REVIEW_APPOINTMENT", NO_BASIS, "A review appointment in the final third of the licence is due by {due}."},
    {"ENFORCE", NO_BASIS, "Enforcement action for a failure to comply is due by {due}."},
    {"BREACH_PACK", NO_BASIS, "The breach pack must be sent by {due}."},
    {"RECALL_DECISION", NO_BASIS, "A decision on recall is due by {due}."},
    {"ROSH_INITIAL", NO_BASIS, "The first risk of serious harm assessment is due by {due}."},
    {"ROSH_REVIEW", NO_BASIS, "The risk of serious harm assessment must be reviewed by {due}."},
    {"ROSH_CHANGE", NO_BASIS, "{change}: the risk of serious harm assessment must be reviewed by {due}."},
    {"SENTENCE_PLAN", NO_BASIS, "The sentence plan is due by {due}."},
    {"OVERSIGHT", NO_BASIS, "A manager must review the high risk of serious harm assessment by {due}."},
    {"DA_CHECK", NO_BASIS, "The police domestic abuse check must be back by {due}."},
    {"CHILD_CHECK", NO_BASIS, "The children's services check must be back by {due}."},
    {"DA_FLAG_DECISION", NO_BASIS, "Decide by {due} whether to register the person as a domestic abuse perpetrator."},
    {"REG_REVIEW", NO_BASIS, "The registration must be reviewed by {due}."},
    {"MAPPA_IDENTIFY", NO_BASIS, "Decide by {due} whether the person is managed under MAPPA."},
    {"VCS_REFERRAL", NO_BASIS, "The referral to victim liaison is due by {due}."},
    {"VCS_FIRST_CONTACT", NO_BASIS, "Victim liaison must first contact the victim by {due}."},
    {"VCS_FLAG", NO_BASIS, "The case must be flagged for victim contact (INVI) by {due}."},
    {"VCS_REPRESENTATIONS", NO_BASIS, "The victim's views on licence conditions must be recorded by {due}."},
    {"VCS_RELEASE_NOTICE", NO_BASIS, "The victim must be told about the release by {due}."},
    {"VCS_RECALL_NOTICE", NO_BASIS, "The victim must be told about the recall by {due}."},
    {"VCS_NONSTATUTORY", NO_BASIS, "Contact with the victim outside the statutory scheme is due by {due}."},
    {"REPORT_DUE", NO_BASIS, "The pre-sentence report is due by {due}."},
};

static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

void ck_web_plain_date(ck_buf *b, ck_date d)
{
    if (d == CK_NODATE) return;
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    ck_buf_printf(b, "%d %s %d", dd, months[m - 1], y);
}

const char *ck_web_plain_template(const char *rule, ck_why why)
{
    const char *usual = NULL;
    for (size_t i = 0; i < sizeof templates / sizeof *templates; i++) {
        if (strcmp(templates[i].rule, rule) != 0) continue;
        if (templates[i].why == why) return templates[i].text;
        if (templates[i].why == CK_WHY_USUAL) usual = templates[i].text;
    }
    return why == NO_BASIS ? NULL : usual;
}

static void amount(ck_buf *b, int n, const char *one, const char *many)
{
    ck_buf_printf(b, "%d %s", n, n == 1 ? one : many);
}

/* What a ROSH_CHANGE's significant change was, from its subject's kind. */
static const char *change_words(const char *subject)
{
    static const struct {
        const char *kind, *words;
    } kinds[] = {
        {"change:", "Circumstances changed"},
        {"check:", "The police gave domestic abuse information"},
        {"registration:", "A risk registration was added"},
        {"breach:", "Breach action started"},
        {"recall:", "Recalled"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strncmp(subject, kinds[i].kind, strlen(kinds[i].kind)) == 0) return kinds[i].words;
    return "A significant change";
}

static void fill(ck_buf *b, const char *name, size_t len, const ck_obligation *o)
{
#define IS(s) (len == sizeof s - 1 && memcmp(name, s, len) == 0)
    if (IS("basis")) ck_web_plain_date(b, o->basis);
    else if (IS("due")) ck_web_plain_date(b, o->due);
    else if (IS("wd")) amount(b, o->amount, "working day", "working days");
    else if (IS("days")) amount(b, o->amount, "day", "days");
    else if (IS("weeks")) amount(b, o->amount, "week", "weeks");
    else if (IS("months")) amount(b, o->amount, "month", "months");
    else if (IS("week")) ck_buf_printf(b, "%d", o->stage);
    else if (IS("period")) ck_buf_puts(b, o->period ? o->period : "sentence");
    else if (IS("hr")) ck_buf_puts(b, o->high_risk ? ", because the risk of serious harm was high then" : "");
    else if (IS("change")) ck_buf_puts(b, change_words(o->subject));
    else ck_buf_printf(b, "{%.*s}", (int)len, name); /* unknown: left to show, test_plain finds it */
#undef IS
}

void ck_web_plain_sentence(ck_buf *b, const ck_obligation *o)
{
    const char *t = ck_web_plain_template(o->rule, o->basis == CK_NODATE ? NO_BASIS : o->why);
    if (!t) {
        ck_buf_puts(b, "Due by ");
        ck_web_plain_date(b, o->due);
        ck_buf_putc(b, '.');
    } else {
        for (const char *p = t; *p;) {
            const char *open = strchr(p, '{');
            if (!open) {
                ck_buf_puts(b, p);
                break;
            }
            ck_buf_append(b, p, (size_t)(open - p));
            const char *close = strchr(open, '}');
            if (!close) {
                ck_buf_puts(b, open);
                break;
            }
            fill(b, open + 1, (size_t)(close - open - 1), o);
            p = close + 1;
        }
    }
    if (o->met_on == CK_NODATE) return;
    ck_buf_puts(b, o->met_on > o->due ? " Met late, on " : " Met on ");
    ck_web_plain_date(b, o->met_on);
    ck_buf_putc(b, '.');
}
