#include "ck_facts.h"
#include "ck_str.h"
#include <string.h>

static ck_date min_date(ck_date a, ck_date b) { return a < b ? a : b; }
static ck_date max_date(ck_date a, ck_date b) { return a > b ? a : b; }

/* A fact dated after d is not yet recorded (rulebook "Terms"). */
static bool known_at(ck_date fact, ck_date d) { return fact != CK_NODATE && fact <= d; }

ck_date ck_sentence_final_end(const ck_sentence *s)
{
    return s->pss_end_date != CK_NODATE ? s->pss_end_date : s->end_date;
}

bool ck_sentence_in_force(const ck_sentence *s, ck_date d)
{
    if (s->date == CK_NODATE || s->date > d) return false;
    ck_date end = ck_sentence_final_end(s);
    if (end != CK_NODATE && d > end) return false;
    return !known_at(s->terminated_on, d);
}

bool ck_event_active(const ck_event *e, ck_date d)
{
    return e->has_sentence && ck_sentence_in_force(&e->sentence, d);
}

/* The earliest recall of `e` dated from `from` to d: it ends the licence. */
static ck_date first_recall(const ck_case *c, const ck_event *e, ck_date from, ck_date d)
{
    ck_date best = CK_NODATE;
    for (size_t i = 0; i < c->n_recalls; i++) {
        const ck_recall *r = &c->recalls[i];
        if (!ck_streq(r->event, e->id) || r->date < from || !known_at(r->date, d)) continue;
        if (best == CK_NODATE || r->date < best) best = r->date;
    }
    return best;
}

size_t ck_event_periods(const ck_case *c, const ck_event *e, ck_date d, ck_period out[2])
{
    if (!e->has_sentence) return 0;
    const ck_sentence *s = &e->sentence;
    /* terminated_on is the period's first day without supervision. */
    ck_date cut = known_at(s->terminated_on, d) ? s->terminated_on - 1 : CK_NODATE;
    size_t n = 0;
    if (ck_streq(s->type, "community_order") || ck_streq(s->type, "sso")) {
        if (s->end_date != CK_NODATE)
            out[n++] = (ck_period){CK_PERIOD_ORDER, s->date, s->end_date};
    } else if (ck_streq(s->type, "custody") && s->release_date != CK_NODATE && s->end_date != CK_NODATE) {
        /* Before release there is no supervision period. */
        ck_date recall = first_recall(c, e, s->release_date, d);
        ck_date last = recall != CK_NODATE ? min_date(s->end_date, recall - 1) : s->end_date;
        out[n++] = (ck_period){CK_PERIOD_LICENCE, s->release_date, last};
        if (s->pss_end_date != CK_NODATE)
            out[n++] = (ck_period){CK_PERIOD_PSS, s->end_date + 1, s->pss_end_date};
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        ck_period p = out[i];
        if (cut != CK_NODATE) p.last = min_date(p.last, cut);
        if (p.last >= p.start) out[kept++] = p;
    }
    return kept;
}

bool ck_in_force(ck_date start, ck_date end, ck_date d)
{
    return start != CK_NODATE && start <= d && (end == CK_NODATE || d < end);
}

bool ck_allocation_in_force(const ck_allocation *a, ck_date d) { return ck_in_force(a->from, a->to, d); }
bool ck_address_current(const ck_address *a, ck_date d) { return ck_in_force(a->from, a->to, d); }

const ck_address *ck_main_address_current(const ck_case *c, ck_date d)
{
    const ck_address *best = NULL;
    for (size_t i = 0; i < c->person.n_addresses; i++) {
        const ck_address *a = &c->person.addresses[i];
        if (ck_streq(a->kind, "main") && ck_address_current(a, d) && (!best || a->from >= best->from)) best = a;
    }
    return best;
}

const ck_change *ck_household_current(const ck_case *c, ck_date d)
{
    const ck_change *best = NULL;
    for (size_t i = 0; i < c->n_changes; i++) {
        const ck_change *ch = &c->changes[i];
        if (ch->date > d || (ch->n_household == 0 && ch->lives_alone != 1)) continue;
        if (!ck_change_about_home(ch)) continue;
        if (!best || ch->date >= best->date) best = ch;
    }
    return best;
}

const ck_allocation *ck_allocation_current(const ck_case *c, ck_date d)
{
    const ck_allocation *best = NULL;
    for (size_t i = 0; i < c->n_allocations; i++) {
        const ck_allocation *a = &c->allocations[i];
        if (ck_allocation_in_force(a, d) && (!best || a->from >= best->from)) best = a;
    }
    return best;
}

bool ck_registration_in_force(const ck_registration *r, ck_date d)
{
    return ck_in_force(r->date, r->deregistered, d);
}

/* NULL sorts below every level; M1 < M2 < M3 as strings. */
static int level_cmp(const char *a, const char *b)
{
    if (!a || !b) return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

const ck_registration *ck_registration_current(const ck_case *c, const char *type, ck_date d)
{
    const ck_registration *best = NULL;
    for (size_t i = 0; i < c->n_registrations; i++) {
        const ck_registration *r = &c->registrations[i];
        if (!ck_streq(r->type, type) || !ck_registration_in_force(r, d)) continue;
        if (!best || r->date > best->date || (r->date == best->date && level_cmp(r->level, best->level) > 0))
            best = r;
    }
    return best;
}

int ck_rosh_rank(const char *level)
{
    static const char *const order[] = {"low", "medium", "high", "very_high"};
    for (int i = 0; i < 4; i++)
        if (ck_streq(level, order[i])) return i;
    return -1;
}

const ck_assessment *ck_rosh_current(const ck_case *c, ck_date d)
{
    const ck_assessment *best = NULL;
    for (size_t i = 0; i < c->n_assessments; i++) {
        const ck_assessment *a = &c->assessments[i];
        if (!ck_streq(a->kind, "rosh") || !known_at(a->completed, d)) continue;
        if (!best || a->completed > best->completed ||
            (a->completed == best->completed && ck_rosh_rank(a->level) > ck_rosh_rank(best->level)))
            best = a;
    }
    return best;
}

const char *ck_rosh_register_level(const char *type)
{
    static const struct { const char *type, *level; } map[] = {
        {"RVHR", "very_high"}, {"RHRH", "high"}, {"RMRH", "medium"}, {"RLRH", "low"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (ck_streq(type, map[i].type)) return map[i].level;
    return NULL;
}

bool ck_rosh_latest(const ck_case *c, ck_date d, ck_rosh_found *out)
{
    memset(out, 0, sizeof *out);
    out->date = CK_NODATE;
    bool found = false;
    const ck_assessment *a = ck_rosh_current(c, d);
    if (a && a->level) {
        *out = (ck_rosh_found){a->level, a->completed, a->id, NULL};
        found = true;
    }
    for (size_t i = 0; i < c->n_registrations; i++) {
        const ck_registration *r = &c->registrations[i];
        const char *level = ck_rosh_register_level(r->type);
        if (!level || !ck_registration_in_force(r, d)) continue;
        if (found && (r->date < out->date || (r->date == out->date && ck_rosh_rank(level) <= ck_rosh_rank(out->level))))
            continue;
        *out = (ck_rosh_found){level, r->date, r->id, r->type};
        found = true;
    }
    return found;
}

ck_date ck_oasys_expires(const ck_assessment *a, int max_age_weeks)
{
    return a->completed == CK_NODATE ? CK_NODATE : a->completed + 7 * max_age_weeks + 1;
}

const ck_assessment *ck_oasys_current(const ck_case *c, ck_date d, int max_age_weeks)
{
    const ck_assessment *best = NULL;
    for (size_t i = 0; i < c->n_assessments; i++) {
        const ck_assessment *a = &c->assessments[i];
        if (!(ck_streq(a->kind, "rosh") || ck_streq(a->kind, "sentence_plan") || ck_streq(a->kind, "oasys")))
            continue;
        if (!known_at(a->completed, d) || d >= ck_oasys_expires(a, max_age_weeks)) continue;
        if (!best || a->completed > best->completed) best = a;
    }
    return best;
}

bool ck_reset_exempt(const ck_case *c, ck_date d)
{
    const ck_assessment *rosh = ck_rosh_current(c, d);
    return ck_registration_current(c, "MAPP", d) || ck_registration_current(c, "RCPR", d) ||
           (rosh && ck_streq(rosh->level, "very_high"));
}

ck_date ck_reset_contact_stop(const ck_case *c, const ck_event *e, const ck_period *p,
                              ck_date as_of, ck_date reset_from)
{
    if (reset_from == CK_NODATE || p->kind == CK_PERIOD_ORDER) return CK_NODATE;
    if (ck_reset_exempt(c, min_date(as_of, p->last))) return CK_NODATE;
    if (p->kind == CK_PERIOD_PSS) return max_date(p->start, reset_from);
    /* The two-thirds point counts the licence as sentenced, whatever a recall
     * or termination later cut off it. */
    int64_t len = (int64_t)e->sentence.end_date - e->sentence.release_date + 1;
    ck_date two_thirds = p->start + (ck_date)(len > 0 ? 2 * len / 3 : 0);
    return max_date(two_thirds + 1, reset_from);
}

int ck_age_on(ck_date dob, ck_date d)
{
    if (dob == CK_NODATE || d == CK_NODATE || d < dob) return -1;
    int by, bm, bd, y, m, dd;
    ck_date_split(dob, &by, &bm, &bd);
    ck_date_split(d, &y, &m, &dd);
    int age = y - by;
    if (m < bm || (m == bm && dd < bd)) age--;
    return age;
}
