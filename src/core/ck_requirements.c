#include "ck_requirements.h"
#include "ck_ctypes.h"
#include "ck_facts.h"
#include "ck_rules.h"
#include "ck_str.h"
#include <stdio.h>
#include <string.h>

/* The one table of requirement types. Columns: code, name for pages, unit,
 * amount bounds (min, max; 0 0 none), restrictive, progress, what counts,
 * source, and the name where space is short. The vocabulary of the bundle's `type` is its first column, so a
 * type is added in one line here (and a line in docs/formats.md).
 *
 * Restrictive follows HMPPS's tier service (MandateForChange: a requirement
 * flagged restrictive in nDelius gives no mandate for change): curfew,
 * exclusion, prohibited activity and foreign travel prohibition restrict and
 * do not rehabilitate. Electronic monitoring only watches compliance with
 * them (or whereabouts), so it is restrictive too: a local reading, since the
 * tier service reads nDelius's flag, not a list. */
#define CK_REQUIREMENT_TYPES(X)                                                                                     \
    X(unpaid_work, "Unpaid work", CK_REQ_HOURS, 40, 300, false, CK_REQ_PROGRESS_HOURS, CK_UNPAID_WORK_CATEGORY,     \
      "Sentencing Act 2020 Sch. 9 Part 1: 40 to 300 hours", "Unpaid work")                                          \
    X(rehabilitation_activity, "Rehabilitation activity (RAR)", CK_REQ_DAYS, 1, 0, false, CK_REQ_PROGRESS_DAYS,     \
      "RARP CRSAPT", "Sentencing Act 2020 Sch. 9 Part 2: a maximum number of days", "RAR")                          \
    X(programme, "Accredited programme", CK_REQ_DAYS, 1, 0, false, CK_REQ_PROGRESS_DAYS, "APAT C107",               \
      "Sentencing Act 2020 Sch. 9 Part 3: the number of days specified", "Programme")                               \
    X(prohibited_activity, "Prohibited activity", CK_REQ_NO_AMOUNT, 0, 0, true, CK_REQ_PROGRESS_NONE, NULL,         \
      "Sentencing Act 2020 Sch. 9 Part 4", "Prohibited activity")                                                   \
    X(curfew, "Curfew", CK_REQ_HOURS_A_DAY, 2, 20, true, CK_REQ_PROGRESS_NONE, NULL,                                \
      "Sentencing Act 2020 Sch. 9 Part 5: 2 to 20 hours in any day", "Curfew")                                      \
    X(exclusion, "Exclusion", CK_REQ_NO_AMOUNT, 0, 0, true, CK_REQ_PROGRESS_NONE, NULL,                             \
      "Sentencing Act 2020 Sch. 9 Part 6", "Exclusion")                                                             \
    X(residence, "Residence", CK_REQ_NO_AMOUNT, 0, 0, false, CK_REQ_PROGRESS_NONE, NULL,                            \
      "Sentencing Act 2020 Sch. 9 Part 7", "Residence")                                                             \
    X(foreign_travel_prohibition, "Foreign travel prohibition", CK_REQ_NO_AMOUNT, 0, 0, true, CK_REQ_PROGRESS_NONE, \
      NULL, "Sentencing Act 2020 Sch. 9 Part 8", "Foreign travel")                                                  \
    X(mental_health_treatment, "Mental health treatment", CK_REQ_NO_AMOUNT, 0, 0, false, CK_REQ_PROGRESS_NONE,      \
      NULL, "Sentencing Act 2020 Sch. 9 Part 9", "Mental health treatment")                                         \
    X(drug_rehabilitation, "Drug rehabilitation", CK_REQ_NO_AMOUNT, 0, 0, false, CK_REQ_PROGRESS_NONE, NULL,        \
      "Sentencing Act 2020 Sch. 9 Part 10", "Drug rehabilitation")                                                  \
    X(alcohol_treatment, "Alcohol treatment", CK_REQ_NO_AMOUNT, 0, 0, false, CK_REQ_PROGRESS_NONE, NULL,            \
      "Sentencing Act 2020 Sch. 9 Part 11", "Alcohol treatment")                                                    \
    X(alcohol_abstinence, "Alcohol abstinence and monitoring", CK_REQ_DAYS, 1, 120, false, CK_REQ_PROGRESS_NONE,    \
      NULL, "Sentencing Act 2020 Sch. 9 Part 12: up to 120 days", "Alcohol abstinence")                             \
    X(attendance_centre, "Attendance centre", CK_REQ_HOURS, 12, 36, false, CK_REQ_PROGRESS_NONE, NULL,              \
      "Sentencing Act 2020 Sch. 9 Part 13: 12 to 36 hours", "Attendance centre")                                    \
    X(electronic_monitoring, "Electronic monitoring", CK_REQ_NO_AMOUNT, 0, 0, true, CK_REQ_PROGRESS_NONE, NULL,     \
      "Sentencing Act 2020 Sch. 9 Part 14", "Electronic monitoring")

#define VOCAB(code, ...) #code,
const char *const ck_vocab_requirement_type[] = {CK_REQUIREMENT_TYPES(VOCAB) NULL};
#undef VOCAB

enum {
#define INDEX(code, ...) REQ_##code,
    CK_REQUIREMENT_TYPES(INDEX)
#undef INDEX
    REQ_N
};

static const ck_req_type types[] = {
#define ROW(c, nm, u, lo, hi, restr, prog, counted, src, brief) {#c, nm, u, lo, hi, restr, prog, counted, src, brief},
    CK_REQUIREMENT_TYPES(ROW)
#undef ROW
};

const ck_req_type *ck_req_types(size_t *n)
{
    *n = REQ_N;
    return types;
}

const ck_req_type *ck_req_type_find(const char *code)
{
    for (size_t i = 0; code && i < REQ_N; i++)
        if (strcmp(types[i].code, code) == 0) return &types[i];
    return NULL;
}

const char *ck_req_unit_name(ck_req_unit u)
{
    switch (u) {
    case CK_REQ_HOURS: return "hours";
    case CK_REQ_DAYS: return "days";
    case CK_REQ_HOURS_A_DAY: return "hours a day";
    case CK_REQ_NO_AMOUNT: break;
    }
    return "";
}

const char *ck_requirement_check(const ck_requirement *r, char *msg, size_t len)
{
    const ck_req_type *t = ck_req_type_find(r->type);
    if (!t) { /* the descriptor's vocabulary already refuses it; kept for direct callers */
        snprintf(msg, len, "expected one of the requirement types in docs/formats.md");
        return "type";
    }
    const char *unit = ck_req_unit_name(t->unit);
    if (t->unit == CK_REQ_NO_AMOUNT && r->amount != CK_NOINT) {
        snprintf(msg, len, "type %s has no amount; expected null", t->code);
        return "amount";
    }
    if (t->unit != CK_REQ_NO_AMOUNT && r->amount == CK_NOINT) {
        snprintf(msg, len, "a number of %s is required for %s", unit, t->code);
        return "amount";
    }
    if (t->unit != CK_REQ_NO_AMOUNT && (r->amount < t->min || (t->max && r->amount > t->max))) {
        if (t->max)
            snprintf(msg, len, "expected %d to %d %s for %s (%s), got %d", t->min, t->max, unit, t->code, t->source,
                     r->amount);
        else
            snprintf(msg, len, "expected at least %d %s for %s, got %d", t->min, unit, t->code, r->amount);
        return "amount";
    }
    if (r->end != CK_NODATE && r->start != CK_NODATE && r->end < r->start) {
        snprintf(msg, len, "expected a date on or after start");
        return "end";
    }
    if (r->terminated_on != CK_NODATE && r->start != CK_NODATE && r->terminated_on < r->start) {
        snprintf(msg, len, "expected a date on or after start");
        return "terminated_on";
    }
    if (r->terminated_reason && r->terminated_on == CK_NODATE) {
        snprintf(msg, len, "a reason applies only to a terminated requirement; expected null without terminated_on");
        return "terminated_reason";
    }
    return NULL;
}

const ck_requirement *ck_case_requirement(const ck_case *c, const char *id, const ck_event **ev_out)
{
    for (size_t i = 0; id && i < c->n_events; i++)
        for (size_t j = 0; j < c->events[i].n_requirements; j++)
            if (ck_streq(c->events[i].requirements[j].id, id)) {
                if (ev_out) *ev_out = &c->events[i];
                return &c->events[i].requirements[j];
            }
    return NULL;
}

ck_date ck_requirement_last_day(const ck_event *e, const ck_requirement *r)
{
    if (r->end != CK_NODATE) return r->end;
    return e && e->has_sentence ? e->sentence.end_date : CK_NODATE;
}

bool ck_requirement_in_force(const ck_event *e, const ck_requirement *r, ck_date d)
{
    if (d == CK_NODATE || r->start == CK_NODATE || r->start > d) return false;
    if (r->terminated_on != CK_NODATE && r->terminated_on <= d) return false;
    ck_date last = ck_requirement_last_day(e, r);
    return last == CK_NODATE || d <= last;
}

/* Whether code is one of the space-separated codes of list. */
static bool listed(const char *list, const char *code)
{
    size_t n = code ? strlen(code) : 0;
    for (const char *p = list; n && p && *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && memcmp(p, code, n) == 0) return true;
        p += k;
        p += strspn(p, " ");
    }
    return false;
}

bool ck_req_counts_type(const ck_req_type *t, const char *contact_type)
{
    if (!t || !contact_type) return false;
    if (t->progress == CK_REQ_PROGRESS_HOURS) {
        const ck_ctype *ct = ck_ctype_find(contact_type);
        return ct && ck_streq(ct->category, t->counted);
    }
    return t->progress == CK_REQ_PROGRESS_DAYS && listed(t->counted, contact_type);
}

/* Hours worked or days used by the event's contacts from `from` to `to`
 * (inclusive). Days are counted once: contacts are not in date order, so
 * each counted one checks the earlier ones for its date. */
static int32_t count_progress(const ck_case *c, const ck_event *e, const ck_req_type *t, ck_date from, ck_date to)
{
    int64_t total = 0;
    for (size_t i = 0; i < c->n_contacts; i++) {
        const ck_contact *k = &c->contacts[i];
        if (!ck_streq(k->event, e->id) || k->date < from || k->date > to || !ck_req_counts_type(t, k->type)) continue;
        if (t->progress == CK_REQ_PROGRESS_HOURS) {
            if (k->hours != CK_NOINT) total += k->hours;
            continue;
        }
        if (!ck_outcome_attended(k->outcome)) continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const ck_contact *o = &c->contacts[j];
            seen = o->date == k->date && ck_streq(o->event, e->id) && ck_req_counts_type(t, o->type) &&
                   ck_outcome_attended(o->outcome);
        }
        if (!seen) total++;
    }
    return total > INT32_MAX ? INT32_MAX : (int32_t)total;
}

void ck_requirement_progress_of(const ck_req_type *t, int32_t amount, int32_t done, ck_date start, ck_date last_day,
                                ck_date terminated_on, ck_date d, int pace, ck_req_progress *out)
{
    *out = (ck_req_progress){t, CK_REQ_ACTIVE, last_day, 0, CK_NOINT, false, CK_NOINT};
    if (t && t->progress != CK_REQ_PROGRESS_NONE && amount != CK_NOINT) {
        out->done = done;
        out->remaining = done >= amount ? 0 : amount - done;
    }
    if (terminated_on != CK_NODATE && terminated_on <= d) out->status = CK_REQ_TERMINATED;
    else if (start > d) out->status = CK_REQ_NOT_STARTED;
    else if ((last_day != CK_NODATE && last_day < d) || out->remaining == 0) out->status = CK_REQ_COMPLETED;
    if (!t || t->progress != CK_REQ_PROGRESS_HOURS || out->status != CK_REQ_ACTIVE || last_day == CK_NODATE ||
        pace <= 0)
        return;
    int64_t days = (int64_t)last_day - d + 1; /* today still counts */
    int64_t workable = (int64_t)pace * days / 7;
    out->workable = workable > INT32_MAX ? INT32_MAX : (int32_t)workable;
    out->overrunning = out->remaining > out->workable;
}

void ck_requirement_progress(const ck_case *c, const ck_event *e, const ck_requirement *r, ck_date d, int pace,
                             ck_req_progress *out)
{
    const ck_req_type *t = ck_req_type_find(r->type);
    ck_date last = ck_requirement_last_day(e, r);
    /* Progress counts up to the date, and never past the last day it applied. */
    ck_date to = d;
    if (last != CK_NODATE && last < to) to = last;
    if (r->terminated_on != CK_NODATE && r->terminated_on - 1 < to) to = r->terminated_on - 1;
    int32_t done = t && t->progress != CK_REQ_PROGRESS_NONE && r->amount != CK_NOINT
                       ? count_progress(c, e, t, r->start, to) : 0;
    ck_requirement_progress_of(t, r->amount, done, r->start, last, r->terminated_on, d, pace, out);
}

const char *ck_req_status_name(ck_req_status s)
{
    switch (s) {
    case CK_REQ_NOT_STARTED: return "not started";
    case CK_REQ_COMPLETED: return "completed";
    case CK_REQ_TERMINATED: return "terminated";
    case CK_REQ_ACTIVE: break;
    }
    return "active";
}

static bool community(const ck_event *e)
{
    return e->has_sentence && (ck_streq(e->sentence.type, "community_order") || ck_streq(e->sentence.type, "sso"));
}

const ck_event *ck_requirements_unrecorded(const ck_case *c, ck_date d)
{
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        if (community(e) && ck_event_active(e, d) && e->n_requirements == 0) return e;
    }
    return NULL;
}

void ck_mandate_for_change(const ck_case *c, ck_date d, ck_mandate *out)
{
    *out = (ck_mandate){false, NULL, NULL, ck_requirements_unrecorded(c, d)};
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        if (!ck_event_active(e, d)) continue;
        if (ck_streq(e->sentence.type, "custody")) {
            out->mandate = true;
            out->event = e;
            return;
        }
        if (!community(e)) continue;
        for (size_t j = 0; j < e->n_requirements; j++) {
            const ck_requirement *r = &e->requirements[j];
            const ck_req_type *t = ck_req_type_find(r->type);
            if (!t || t->restrictive || t == &types[REQ_unpaid_work] || !ck_requirement_in_force(e, r, d)) continue;
            out->mandate = true;
            out->event = e;
            out->requirement = r;
            return;
        }
    }
}
