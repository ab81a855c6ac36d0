#include "ck_gen_notes.h"
#include "ck_rng.h"
#include "ck_rules.h"
#include "ck_buf.h"
#include <string.h>

/* Stream numbers past any case index, so this stream never repeats a case's. */
#define NOTES_STREAM (UINT64_C(1) << 62)

static const char *const attended[] = {
    "%s attended on time. Discussed progress with the sentence plan and the work search; %s has applied for two "
    "warehouse jobs this week.",
    "%s attended. Reviewed the licence conditions together and %s confirmed understanding of each one. No concerns "
    "raised about the address.",
    "Seen in the office. %s reported sleeping better and is keeping to the curfew. Discussed the thinking skills "
    "course start date.",
    "%s attended and was open about a recent argument with a family member. Talked through triggers and the safety "
    "plan.",
    "Home visit completed. The address was tidy and %s was present. No one else was staying there at the time of "
    "the visit.",
};
static const char *const failed[] = {
    "%s did not attend and did not make contact beforehand. Tried the mobile number twice with no answer; a "
    "warning letter will follow.",
    "No show. %s later rang to say the bus was late, but no evidence was given. Explained that this counts as an "
    "unacceptable absence.",
    "%s arrived under the influence and was sent home. Explained the expectation to attend sober.",
};
static const char *const acceptable[] = {
    "%s rang ahead to say there was a hospital appointment at the same time. A letter from the clinic was provided; "
    "absence accepted.",
    "%s was at a job interview and gave notice the day before. Evidence seen; absence accepted and the appointment "
    "rebooked.",
    "Childcare fell through at short notice. %s called in advance; absence accepted.",
};
static const char *const other[] = {
    "Phoned %s to confirm the next appointment. %s confirmed the date and time.",
    "Text message sent to %s with the time of the next appointment.",
    "Spoke with %s's housing support worker, who confirmed the tenancy is secure until the spring.",
};
static const char *const sensitive[] = {
    "%s disclosed feeling low and having thoughts of self-harm over the weekend. Discussed support options and gave "
    "the crisis line number; referred to the GP with consent.",
    "%s mentioned a new partner who has children. Further enquiries needed with children's services before the next "
    "appointment.",
    "Information from the police about an incident at the address last week. Not discussed with %s yet, so as not to "
    "put the source at risk.",
};

#define PICK(r, t) ((t)[ck_rng_below((r), sizeof(t) / sizeof *(t))])

/* The staff member allocated on d (the latest allocation starting on or
 * before it), NULL when none. */
static const char *allocated_on(const ck_case *c, ck_date d)
{
    const char *who = NULL;
    ck_date best = CK_NODATE;
    for (size_t i = 0; i < c->n_allocations; i++) {
        const ck_allocation *a = &c->allocations[i];
        if (a->from <= d && (a->to == CK_NODATE || a->to >= d) && (best == CK_NODATE || a->from >= best)) {
            who = a->staff_code;
            best = a->from;
        }
    }
    return who;
}

void ck_gen_notes(ck_case *c, uint64_t seed, uint64_t index, ck_date as_of)
{
    ck_rng r;
    ck_rng_seed(&r, seed, NOTES_STREAM | index);
    const char *name = c->person.forename ? c->person.forename : "The person on probation";
    for (size_t i = 0; i < c->n_contacts; i++) {
        ck_contact *k = &c->contacts[i];
        if (k->date > as_of) continue; /* nothing has happened yet */
        k->recorded_by = allocated_on(c, k->date);
        if (ck_rng_unit(&r) >= CK_GEN_NOTES_SHARE) continue;
        bool sens = ck_rng_unit(&r) < CK_GEN_SENSITIVE_SHARE;
        const char *fmt = sens                                   ? PICK(&r, sensitive)
                          : k->appointment != 1                  ? PICK(&r, other)
                          : ck_outcome_failure(k->outcome)       ? PICK(&r, failed)
                          : ck_outcome_acceptable(k->outcome)    ? PICK(&r, acceptable)
                          : k->outcome                           ? PICK(&r, attended)
                                                                 : PICK(&r, other);
        /* Every %s is the forename; the second paragraph says it is made up. */
        ck_buf b = CK_BUF_INIT;
        for (const char *p = fmt; *p; p++) {
            if (p[0] == '%' && p[1] == 's') ck_buf_puts(&b, name), p++;
            else ck_buf_putc(&b, *p);
        }
        ck_buf_puts(&b, "\n\nSynthetic note: generated for the demonstration, not a real person.");
        k->notes = ck_arena_strdup(&c->arena, ck_buf_cstr(&b));
        ck_buf_free(&b);
        k->sensitive = sens ? 1 : CK_NULL;
    }
}
