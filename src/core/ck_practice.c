#include "ck_practice.h"
#include "ck_str.h"
#include <string.h>

#define PAST(r) {r, NULL, false}

/* "On time" = met; "not on time" = met_late or overdue. */
const ck_practice_def ck_practice_defs[CK_PRACTICE_N] = {
    [CK_PRACTICE_VCS_NOT_OFFERED] = {
        "vcs_not_offered",
        "VCS_REFERRAL obligations due before as_of that are overdue (victims of a VCS-eligible event "
        "never referred, no referral outcome)",
        false, PAST("VCS_REFERRAL"), {0}, CK_FAULT_OVERDUE},
    [CK_PRACTICE_VCS_FIRST_CONTACT_LATE] = {
        "vcs_first_contact_late",
        "VCS_FIRST_CONTACT obligations (referred victims) due before as_of not met on time",
        false, PAST("VCS_FIRST_CONTACT"), {0}, CK_FAULT_NOT_ON_TIME},
    [CK_PRACTICE_DA_CHECK_MISSED] = {
        "da_check_missed",
        "cases with a DA_CHECK due before as_of having at least one such DA_CHECK overdue (no police "
        "domestic-abuse check received)",
        true, PAST("DA_CHECK"), PAST("DA_CHECK"), CK_FAULT_OVERDUE},
    [CK_PRACTICE_CHILD_CHECK_MISSED] = {
        "child_check_missed",
        "cases with a CHILD_CHECK due before as_of having at least one such CHILD_CHECK overdue (no "
        "children's social care check received)",
        true, PAST("CHILD_CHECK"), PAST("CHILD_CHECK"), CK_FAULT_OVERDUE},
    [CK_PRACTICE_ROSH_LATE] = {
        "rosh_late",
        "cases with a ROSH_INITIAL due before as_of having at least one ROSH_INITIAL, ROSH_CHANGE or "
        "ROSH_REVIEW due before as_of not met on time (the SENTENCE_PLAN of those cases, from the same "
        "OASys assessment, is late too)",
        true, PAST("ROSH_INITIAL"), PAST("ROSH_INITIAL ROSH_CHANGE ROSH_REVIEW"), CK_FAULT_NOT_ON_TIME},
    [CK_PRACTICE_OVERSIGHT_MISSED] = {
        "oversight_missed",
        "cases with an OVERSIGHT due before as_of having at least one such OVERSIGHT not met on time",
        true, PAST("OVERSIGHT"), PAST("OVERSIGHT"), CK_FAULT_NOT_ON_TIME},
    [CK_PRACTICE_INSUFFICIENT_CONTACT] = {
        "insufficient_contact",
        "cases with a CONTACT due before as_of having at least one such CONTACT not met on time (a gap "
        "in national-standard contact longer than the interval)",
        true, PAST("CONTACT"), PAST("CONTACT"), CK_FAULT_NOT_ON_TIME},
    [CK_PRACTICE_LOST] = {
        "lost",
        "cases with a sentence in force (ALLOCATE of subject case) having an overdue ALLOCATE of subject "
        "allocation:ID whose practitioner left (still allocated to a leaver)",
        true, {"ALLOCATE", "case", true}, {"ALLOCATE", "allocation:", false}, CK_FAULT_LEFT},
    [CK_PRACTICE_UNALLOCATED] = {
        "unallocated",
        "ALLOCATE obligations of subject case due before as_of that are overdue (no practitioner)",
        false, {"ALLOCATE", "case", false}, {0}, CK_FAULT_OVERDUE},
};

bool ck_practice_rule_in(const char *rules, const char *rule)
{
    size_t n = strlen(rule);
    for (const char *p = rules; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && memcmp(p, rule, n) == 0) return true;
        p += k;
        p += *p == ' ';
    }
    return false;
}

bool ck_practice_matches(const ck_practice_match *m, const ck_obligation *o, ck_date as_of)
{
    if (!m->any_due && o->due >= as_of) return false;
    if (!ck_practice_rule_in(m->rules, o->rule)) return false;
    if (!m->subject) return true;
    size_t n = strlen(m->subject);
    if (n && m->subject[n - 1] == ':') return strncmp(o->subject, m->subject, n) == 0;
    return strcmp(o->subject, m->subject) == 0;
}

/* The allocation "allocation:ID" names was to a practitioner who left. */
static bool to_leaver(const ck_case *c, const char *subject)
{
    static const char prefix[] = "allocation:";
    if (strncmp(subject, prefix, sizeof prefix - 1) != 0) return false;
    for (size_t k = 0; k < c->n_allocations; k++)
        if (ck_streq(c->allocations[k].id, subject + sizeof prefix - 1))
            return c->allocations[k].staff_left_on != CK_NODATE;
    return false;
}

static bool has_fault(ck_practice_fault f, const ck_case *c, const ck_obligation *o)
{
    switch (f) {
    case CK_FAULT_OVERDUE: return o->status == CK_ST_OVERDUE;
    case CK_FAULT_NOT_ON_TIME: return o->status == CK_ST_OVERDUE || o->status == CK_ST_MET_LATE;
    case CK_FAULT_LEFT: return o->status == CK_ST_OVERDUE && to_leaver(c, o->subject);
    }
    return false;
}

void ck_practice_tally_add(ck_practice_tally *t, const ck_case *c, const ck_result *r, ck_date as_of)
{
    for (size_t p = 0; p < CK_PRACTICE_N; p++) {
        const ck_practice_def *d = &ck_practice_defs[p];
        bool seen = false, bad = false;
        for (size_t i = 0; i < r->n_obligations; i++) {
            const ck_obligation *o = &r->obligations[i];
            bool counted = ck_practice_matches(&d->counted, o, as_of);
            if (!d->per_case) {
                t->den[p] += counted;
                t->num[p] += counted && has_fault(d->fault, c, o);
                continue;
            }
            seen |= counted;
            bad = bad || (ck_practice_matches(&d->faulty, o, as_of) && has_fault(d->fault, c, o));
        }
        if (!seen) continue;
        t->den[p]++;
        t->num[p] += bad;
    }
}

double ck_practice_rate(const ck_practice_tally *t, ck_practice_id p)
{
    return t->den[p] ? (double)t->num[p] / (double)t->den[p] : -1;
}
