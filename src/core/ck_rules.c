/* The rulebook (../shared/rulebook.md), one function per rule ID.
 *
 * ck_rules_evaluate first takes the case as it was known on as_of (facts dated
 * later are dropped, booked appointments and a known release date excepted),
 * sorts what the rules search (contacts per event, assessments, checks,
 * enforcement by contact) once, derives each event's supervision periods and
 * the day contact stops, and then runs every rule over that view. Each rule
 * builds its obligations with the same three steps: the facts, the candidates
 * that meet it (the earliest wins), and emit(), which sets the status. */
#include "ck_rules.h"
#include "ck_explain.h"
#include "ck_facts.h"
#include "ck_buf.h"
#include "ck_str.h"
#include <stdlib.h>
#include <string.h>

const char *const *const ck_rule_ids = ck_vocab_rule;

/* ---- Names ------------------------------------------------------------------ */

static const char *const STATUS_NAMES[] = {"overdue", "open", "met_late", "met"};
static const char *const SEVERITY_NAMES[] = {"critical", "high", "normal"};

const char *ck_status_name(ck_status s) { return (unsigned)s < 4 ? STATUS_NAMES[s] : "?"; }
const char *ck_severity_name(ck_severity s) { return (unsigned)s < 3 ? SEVERITY_NAMES[s] : "?"; }

static bool name_index(const char *const *names, int n, const char *s, size_t len, int *out)
{
    for (int i = 0; s && i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            *out = i;
            return true;
        }
    return false;
}

bool ck_status_parse(const char *s, size_t n, ck_status *out)
{
    int i;
    if (!name_index(STATUS_NAMES, 4, s, n, &i)) return false;
    *out = (ck_status)i;
    return true;
}

bool ck_severity_parse(const char *s, size_t n, ck_severity *out)
{
    int i;
    if (!name_index(SEVERITY_NAMES, 3, s, n, &i)) return false;
    *out = (ck_severity)i;
    return true;
}

ck_status ck_status_at(ck_date due, ck_date met_on, ck_date as_of)
{
    if (met_on != CK_NODATE) return met_on <= due ? CK_ST_MET : CK_ST_MET_LATE;
    return due >= as_of ? CK_ST_OPEN : CK_ST_OVERDUE;
}

/* ---- The case as known on as_of --------------------------------------------- */

/* d if it was recorded by as_of, else absent. */
static ck_date known(ck_date d, ck_date as_of) { return d != CK_NODATE && d <= as_of ? d : CK_NODATE; }

/* Copies list `f` of `c` into `v`, keeping the records for which `keep` holds
 * (record in r) after `fix` has blanked what was recorded after as_of. */
#define FILTER(v, c, f, T, a, keep, fix)                                   \
    do {                                                                   \
        T *out_ = ck_arena_array((a), (c)->n_##f, sizeof(T));              \
        size_t k_ = 0;                                                     \
        for (size_t i_ = 0; i_ < (c)->n_##f; i_++) {                       \
            T r = (c)->f[i_];                                              \
            if (!(keep)) continue;                                         \
            fix;                                                           \
            out_[k_++] = r;                                                \
        }                                                                  \
        (v)->f = out_;                                                     \
        (v)->n_##f = k_;                                                   \
    } while (0)

static void view_reports(ck_event *e, ck_date t, ck_arena *a)
{
    FILTER(e, e, reports, ck_report, a, r.requested <= t, r.completed = known(r.completed, t));
}

static void view_reviews(ck_registration *g, ck_date t, ck_arena *a)
{
    FILTER(g, g, reviews, ck_review, a, r.date <= t, (void)0);
}

static void view_events(ck_case *v, const ck_case *c, ck_date t, ck_arena *a)
{
    FILTER(v, c, events, ck_event, a, true, {
        if (r.has_sentence && r.sentence.date > t) r.has_sentence = false;
        r.sentence.terminated_on = known(r.sentence.terminated_on, t);
        if (r.has_victim_referral_outcome && r.victim_referral_outcome.date > t) r.has_victim_referral_outcome = false;
        view_reports(&r, t, a);
    });
}

/* The case as it stood on as_of. Records share the original strings. */
static void view_at(ck_case *v, const ck_case *c, ck_date t, ck_arena *a)
{
    *v = *c;
    ck_person *p = &v->person;
    FILTER(p, &c->person, addresses, ck_address, a, r.from <= t, r.to = known(r.to, t));
    p->no_fixed_abode_since = known(c->person.no_fixed_abode_since, t);
    FILTER(v, c, allocations, ck_allocation, a, r.from <= t, {
        r.to = known(r.to, t);
        r.staff_left_on = known(r.staff_left_on, t);
        r.staff_long_term_absence_from = known(r.staff_long_term_absence_from, t);
    });
    view_events(v, c, t, a);
    /* A future contact stays only as a booked appointment, without an outcome.
     * A cancelled appointment is as if never booked (Casekeeper's extension,
     * docs/formats.md): it owes no outcome and books nothing. */
    FILTER(v, c, contacts, ck_contact, a,
           (r.date <= t || (r.appointment == 1 && r.booked_on <= t)) && r.cancelled != 1, {
        r.booked_on = known(r.booked_on, t);
        if (r.date > t || known(r.outcome_on, t) != r.outcome_on) {
            r.outcome = NULL;
            r.outcome_on = CK_NODATE;
        }
    });
    FILTER(v, c, enforcement, ck_enforcement, a, r.date <= t, (void)0);
    FILTER(v, c, breaches, ck_breach, a, r.initiated <= t, {
        r.pack_sent = known(r.pack_sent, t);
        if (known(r.resolved, t) == CK_NODATE) {
            r.resolved = CK_NODATE;
            r.outcome = NULL;
        }
    });
    FILTER(v, c, recalls, ck_recall, a, r.date <= t, (void)0);
    FILTER(v, c, registrations, ck_registration, a, r.date <= t, {
        r.deregistered = known(r.deregistered, t);
        view_reviews(&r, t, a);
    });
    FILTER(v, c, registration_decisions, ck_reg_decision, a, r.date <= t, (void)0);
    FILTER(v, c, assessments, ck_assessment, a, true, r.completed = known(r.completed, t));
    FILTER(v, c, checks, ck_check, a, true, {
        r.requested = known(r.requested, t);
        r.received = known(r.received, t);
    });
    FILTER(v, c, changes, ck_change, a, r.date <= t, (void)0);
    FILTER(v, c, decisions, ck_decision, a, r.date <= t, (void)0);
    FILTER(v, c, victims, ck_victim, a, true, {
        r.referred = known(r.referred, t);
        r.first_contact = known(r.first_contact, t);
        if (known(r.opted_on, t) == CK_NODATE) {
            r.opted = NULL;
            r.opted_on = CK_NODATE;
        }
        r.representations = known(r.representations, t);
        r.release_notified = known(r.release_notified, t);
        r.recall_notified = known(r.recall_notified, t);
    });
}

/* ---- Evaluation state -------------------------------------------------------- */

/* A date-sorted record reference (assessments, checks). */
typedef struct dated {
    ck_date d;
    size_t ord;
    const void *p;
} dated;

typedef struct dlist {
    dated *v;
    size_t n;
} dlist;

/* A CONTACT link: one attended NS contact a day, before contact stopped. */
typedef struct link {
    const ck_contact *c;
    const ck_period *p;
    int interval;
    bool high_risk;
    ck_date due;
} link;

/* One event with what the rules derive from it. */
typedef struct evx {
    const ck_event *e;
    const ck_sentence *s; /* NULL when not sentenced */
    ck_period p[2];       /* CO/SSO, or licence then PSS (core/ck_facts) */
    int np;
    ck_date stop;         /* first day no contact is required; CK_NODATE: never supervised */
    bool reset_review;    /* REVIEW_APPOINTMENT applies */
    ck_date reset_t;      /* two-thirds point of a reset licence */
    const ck_contact **con; size_t ncon; /* its contacts by (date, id) */
    const ck_contact **att; size_t natt; /* attended NS contacts by (date, id) */
    link *links; size_t nlinks; /* kept links: a dropped one is not here */
    bool last_dropped;           /* the latest link-starting contact's link was dropped */
    const ck_enforcement **warn; size_t nwarn; /* warnings by date */
} evx;

typedef struct eval {
    const ck_case *c; /* the view at as_of */
    ck_date as_of;
    const ck_calendar *cal;
    const ck_rules_config *cfg;
    ck_arena scratch;
    ck_result *r;
    ck_obligation *obs;
    size_t n_obs, cap_obs;
    evx *ev;
    size_t n_ev;
    dlist rosh, plans, oversight, police, children; /* completed / received */
    const ck_enforcement **enf; size_t n_enf;      /* by (contact, date) */
    /* The obligation under construction: its explanation's recipe
     * (core/ck_explain), written out only when something shows it. */
    ck_buf line, unmet, metby;
    ck_date met_on;
    ck_obligation basis; /* basis, amount, why, high_risk, stage, period (why()) */
} eval;

static ck_date wd(eval *x, ck_date d, int n) { return ck_wd_add(x->cal, d, n); }

/* Starts an obligation: its facts are appended with facts(). */
static void begin(eval *x)
{
    ck_buf_reset(&x->line);
    ck_buf_putc(&x->line, CK_EXPLAIN_MARK);
    ck_buf_reset(&x->unmet);
    ck_buf_reset(&x->metby);
    x->met_on = CK_NODATE;
    x->basis = (ck_obligation){.basis = CK_NODATE};
}

/* What the due date counts from: `amount` (the rule's unit) from `basis`,
 * for the timescale `w`. Every rule says it before emit(). */
static void why(eval *x, ck_date basis, int amount, ck_why w, bool high_risk)
{
    x->basis.basis = basis;
    x->basis.amount = amount;
    x->basis.why = w;
    x->basis.high_risk = high_risk;
}

/* facts(x, CK_EX_..., ck_xs(...), ck_xd(...), ...): the facts of the case,
 * text t of core/ck_explain with its values. */
#define facts(x, t, ...) ck_explain_add(&(x)->line, (t), CK_XARGS(__VA_ARGS__))

/* What is missing, shown only while the obligation is not met (the text has
 * its own leading separator, usually ", "). */
#define unmet(x, t, ...) ck_explain_add(&(x)->unmet, (t), CK_XARGS(__VA_ARGS__))

/* A record that meets the obligation on `on` (CK_NODATE: it does not); the
 * earliest offered wins, and only its description is kept. */
#define met(x, on, t, ...) met_((x), (on), (t), CK_XARGS(__VA_ARGS__))
static void met_(eval *x, ck_date on, ck_ex_text t, const ck_xarg *a, size_t n)
{
    if (on == CK_NODATE || (x->met_on != CK_NODATE && on >= x->met_on)) return;
    x->met_on = on;
    ck_buf_reset(&x->metby);
    ck_explain_add(&x->metby, t, a, n);
}

/* Finishes the obligation: "<facts>[<unmet>]; due D (<how>)[; met by <what>]",
 * `how` being text t with its values. */
#define emit(x, rule, sev, kind, id, due, t, ...) emit_((x), (rule), (sev), (kind), (id), (due), (t), CK_XARGS(__VA_ARGS__))
static void emit_(eval *x, const char *rule, ck_severity sev, const char *kind, const char *id, ck_date due,
                  ck_ex_text how, const ck_xarg *a, size_t n)
{
    if (x->met_on == CK_NODATE && x->unmet.len) ck_buf_append(&x->line, x->unmet.data, x->unmet.len);
    facts(x, CK_EX_DUE, ck_xd(due));
    ck_explain_add(&x->line, how, a, n);
    facts(x, CK_EX_CLOSE);
    if (x->met_on != CK_NODATE) {
        facts(x, CK_EX_MET_BY);
        ck_buf_append(&x->line, x->metby.data, x->metby.len);
    }
    ck_explain_add_basis(&x->line, &(ck_explain_basis){x->basis.basis, x->basis.amount, (int)x->basis.why,
                                                       x->basis.high_risk, x->basis.stage, x->basis.period});
    if (x->n_obs == x->cap_obs) {
        size_t bytes;
        x->cap_obs = x->cap_obs ? x->cap_obs * 2 : 64;
        if (!ck_mul(x->cap_obs, sizeof *x->obs, &bytes)) abort();
        x->obs = ck_realloc(x->obs, bytes);
    }
    ck_arena *ar = &x->r->arena;
    char *subject;
    if (id) {
        size_t kl = strlen(kind), il = strlen(id);
        subject = ck_arena_alloc(ar, kl + il + 2);
        memcpy(subject, kind, kl);
        subject[kl] = ':';
        memcpy(subject + kl + 1, id, il + 1);
    } else {
        subject = ck_arena_strdup(ar, kind);
    }
    x->obs[x->n_obs++] = (ck_obligation){
        .rule = rule,
        .subject = subject,
        .due = due,
        .met_on = x->met_on,
        .status = ck_status_at(due, x->met_on, x->as_of),
        .severity = sev,
        .explain = ck_arena_strndup(ar, ck_buf_cstr(&x->line), x->line.len),
        .basis = x->basis.basis,
        .amount = x->basis.amount,
        .why = x->basis.why,
        .high_risk = x->basis.high_risk,
        .stage = x->basis.stage,
        .period = x->basis.period,
    };
}

/* ---- Shared definitions (rulebook "Terms") ------------------------------------ */

/* The earliest recall of event e dated on or after d, or NULL. */
static const ck_recall *first_recall(const eval *x, const ck_event *e, ck_date d)
{
    const ck_recall *best = NULL;
    for (size_t i = 0; i < x->c->n_recalls; i++) {
        const ck_recall *rc = &x->c->recalls[i];
        if (ck_streq(rc->event, e->id) && rc->date >= d && (!best || rc->date < best->date)) best = rc;
    }
    return best;
}

static ck_date min_date(ck_date a, ck_date b) { return a == CK_NODATE ? b : b == CK_NODATE ? a : a < b ? a : b; }
static ck_date max_date(ck_date a, ck_date b) { return a == CK_NODATE ? b : b == CK_NODATE ? a : a > b ? a : b; }

static bool is_community(const ck_sentence *s)
{
    return s && (ck_streq(s->type, "community_order") || ck_streq(s->type, "sso"));
}
static bool is_custody(const ck_sentence *s) { return s && ck_streq(s->type, "custody"); }
static bool is_hospital(const ck_sentence *s) { return s && ck_streq(s->type, "hospital_order"); }


static const char *period_name(const evx *v, const ck_period *p)
{
    return p->kind == CK_PERIOD_LICENCE ? "licence" : p->kind == CK_PERIOD_PSS ? "PSS" : v->s->type;
}

/* A period as the plain-English sentence names it (static). */
static const char *period_word(const ck_period *p)
{
    return ck_explain_periods[p->kind == CK_PERIOD_LICENCE ? 1 : p->kind == CK_PERIOD_PSS ? 2 : 0];
}

/* The week of period p that d falls in, 1 for its first seven days: the
 * contact interval goes by weeks of the period (rulebook CONTACT). */
static int period_week(const ck_period *p, ck_date d) { return (int)((d - p->start) / 7) + 1; }

/* The period of v containing d, or NULL. */
static const ck_period *period_at(const evx *v, ck_date d)
{
    for (int i = 0; i < v->np; i++)
        if (ck_period_active(&v->p[i], d)) return &v->p[i];
    return NULL;
}

/* The CO/SSO or licence period (not PSS) when it has started by as_of. */
static const ck_period *started_main(const eval *x, const evx *v)
{
    return v->np && v->p[0].kind != CK_PERIOD_PSS && v->p[0].start <= x->as_of ? &v->p[0] : NULL;
}

/* Not de-registered before d (a de-registration on d itself still counts):
 * MAPPA_IDENTIFY, VCS_FLAG and VCS_NONSTATUTORY read registrations so. */
static bool not_deregistered_before(const ck_registration *g, ck_date d)
{
    return g->deregistered == CK_NODATE || g->deregistered >= d;
}

/* A MAPP registration in force at d with level 2 or 3. */
static bool mappa_23(const eval *x, ck_date d)
{
    for (size_t i = 0; i < x->c->n_registrations; i++) {
        const ck_registration *g = &x->c->registrations[i];
        if (ck_streq(g->type, "MAPP") && ck_registration_in_force(g, d) &&
            (ck_streq(g->level, "M2") || ck_streq(g->level, "M3")))
            return true;
    }
    return false;
}

enum { ROSH_HIGH = 2, ROSH_VERY_HIGH = 3 }; /* ck_rosh_rank */

static int cmp_dated(const void *a, const void *b)
{
    const dated *p = a, *q = b;
    if (p->d != q->d) return p->d < q->d ? -1 : 1;
    return p->ord < q->ord ? -1 : p->ord > q->ord;
}

/* The first record dated on or after d, or NULL. */
static const dated *first_from(const dlist *l, ck_date d)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->v[mid].d < d) lo = mid + 1; else hi = mid;
    }
    return lo < l->n ? &l->v[lo] : NULL;
}

/* The level of the latest RoSH on or before d (ck_rosh_rank), -1 without one. */
static int rosh_level_at(const eval *x, ck_date d)
{
    const ck_assessment *a = ck_rosh_current(x->c, d);
    return a ? ck_rosh_rank(a->level) : -1;
}

/* High-risk at d: latest RoSH high or very high, or MAPPA level 2/3 in force. */
static bool high_risk(const eval *x, ck_date d)
{
    return rosh_level_at(x, d) >= ROSH_HIGH || mappa_23(x, d);
}

/* The rulebook's outcome lists ("Terms", NS contact): the one copy. */
static const char *const outcome_attended[] = {"ATTC", "AFTC", "ATSH", "ATSS", "AFDA", "TCLN", "TDRT", "TRFS", "TADM", NULL};
static const char *const outcome_failure[] = {"AFTC", "ATSH", "AFTA", "UAAB", "ATFI", "UBHV", NULL};
static const char *const outcome_acceptable[] = {"CO05", "CO10", "RSOF", "RSSR", "CO40", NULL}; /* and AA.. */

static bool outcome_in(const char *const *list, const char *code)
{
    return code && ck_vocab_find(list, code, strlen(code));
}

bool ck_outcome_attended(const char *code) { return outcome_in(outcome_attended, code); }
bool ck_outcome_failure(const char *code) { return outcome_in(outcome_failure, code); }

bool ck_outcome_acceptable(const char *code)
{
    if (!code || !ck_vocab_find(ck_vocab_outcome, code, strlen(code))) return false;
    return strncmp(code, "AA", 2) == 0 || outcome_in(outcome_acceptable, code);
}

static bool attended(const ck_contact *c) { return ck_outcome_attended(c->outcome); }

static bool ns_attended(const ck_contact *c) { return c->national_standard == 1 && attended(c); }

/* An unacceptable failure: an NS contact with a failing outcome. */
static bool failure(const ck_contact *c) { return c->national_standard == 1 && ck_outcome_failure(c->outcome); }

/* The index of the first contact dated on or after d in a date-sorted array. */
static size_t contact_from(const ck_contact *const *a, size_t n, ck_date d)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid]->date < d) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static bool blank(const char *s) { return !s || !s[strspn(s, " \t\r\n")]; }

/* Offers the earliest decision naming rule and subject with a non-blank reason. */
static void met_by_decision(eval *x, const char *rule, const char *kind, const char *id)
{
    size_t klen = strlen(kind);
    for (size_t i = 0; i < x->c->n_decisions; i++) {
        const ck_decision *d = &x->c->decisions[i];
        const char *s = d->subject;
        if (!ck_streq(d->rule, rule) || blank(d->reason) || !s || strncmp(s, kind, klen) != 0 || s[klen] != ':' ||
            strcmp(s + klen + 1, id) != 0)
            continue;
        met(x, d->date, CK_EX_MET_BY_DECISION_MET, ck_xs(d->id), ck_xd(d->date));
    }
}

/* The due date of a pre-sentence report. */
static ck_date report_due(eval *x, const ck_report *rp, int *n)
{
    *n = ck_streq(rp->type, "oral") ? x->cfg->report_oral_wd
       : ck_streq(rp->type, "fast") ? x->cfg->report_fast_wd : x->cfg->report_standard_wd;
    return wd(x, rp->requested, *n);
}

/* ---- Allocation and contact --------------------------------------------------- */

/* Practitioner in post at d: not left, not on long-term absence. */
static bool in_post(const ck_allocation *al, ck_date d)
{
    return (al->staff_left_on == CK_NODATE || d < al->staff_left_on) &&
           (al->staff_long_term_absence_from == CK_NODATE || d < al->staff_long_term_absence_from);
}

/* Offers each allocation (but `except`) in force at the later of its from and
 * `anchor`, to a practitioner in post then. */
static void met_by_allocation(eval *x, ck_date anchor, const ck_allocation *except)
{
    for (size_t i = 0; i < x->c->n_allocations; i++) {
        const ck_allocation *al = &x->c->allocations[i];
        ck_date at = al->from > anchor ? al->from : anchor;
        if (al == except || !ck_allocation_in_force(al, at) || !in_post(al, at)) continue;
        met(x, al->from, CK_EX_MET_BY_ALLOCATION_MET, ck_xs(al->id), ck_xs(al->staff_code), ck_xd(al->from));
    }
}

/* The earliest sentence in force at as_of (not a hospital order), or NULL. */
static const evx *allocate_anchor(const eval *x)
{
    const evx *best = NULL;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        if (!v->s || is_hospital(v->s) || !ck_sentence_in_force(v->s, x->as_of)) continue;
        if (!best || v->s->date < best->s->date) best = v;
    }
    return best;
}

static void rule_allocate(eval *x)
{
    const evx *v = allocate_anchor(x);
    if (!v) return;
    ck_date anchor = v->s->date;
    bool hr = high_risk(x, anchor);
    int n = hr ? x->cfg->allocate_high_risk_wd : x->cfg->allocate_wd;
    begin(x);
    facts(x, CK_EX_ALLOCATE_FACTS, ck_xs(v->e->id), ck_xs(v->s->type), ck_xd(anchor));
    unmet(x, CK_EX_ALLOCATE_UNMET);
    met_by_allocation(x, anchor, NULL);
    why(x, anchor, n, hr ? CK_WHY_HIGH_RISK : CK_WHY_USUAL, hr);
    emit(x, "ALLOCATE", CK_SEV_HIGH, "case", NULL, wd(x, anchor, n), CK_EX_ALLOCATE_DUE, ck_xi(n),
         ck_xs(hr ? ": high-risk at sentence" : ""));
}

static void rule_allocate_leaver(eval *x)
{
    const evx *v = allocate_anchor(x);
    if (!v) return;
    for (size_t i = 0; i < x->c->n_allocations; i++) {
        const ck_allocation *al = &x->c->allocations[i];
        ck_date left = al->staff_left_on, lta = al->staff_long_term_absence_from;
        bool absent = lta != CK_NODATE && (left == CK_NODATE || lta < left);
        ck_date l = absent ? lta : left;
        /* v3: in force on L - 1 or on L, so one whose `to` is L still counts. */
        if (l == CK_NODATE || l < v->s->date || !(ck_allocation_in_force(al, l - 1) || ck_allocation_in_force(al, l)))
            continue;
        bool hr = high_risk(x, l);
        int n = hr ? x->cfg->allocate_high_risk_wd : x->cfg->allocate_wd;
        begin(x);
        facts(x, CK_EX_ALLOCATE_LEAVER_FACTS, ck_xs(al->id), ck_xs(al->staff_code),
              ck_xs(absent ? "began long-term absence" : "left"), ck_xd(l));
        unmet(x, CK_EX_ALLOCATE_LEAVER_UNMET);
        met_by_allocation(x, l, al);
        why(x, l, n, absent ? CK_WHY_ABSENCE : CK_WHY_LEFT, hr);
        emit(x, "ALLOCATE", CK_SEV_HIGH, "allocation", al->id, wd(x, l, n), CK_EX_ALLOCATE_LEAVER_DUE,
             ck_xs(absent ? "absence" : "leaving"), ck_xi(n), ck_xs(hr ? ": high-risk then" : ""));
    }
}

static void rule_induction(eval *x)
{
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        const ck_period *p = started_main(x, v);
        if (!p) continue;
        bool lic = p->kind == CK_PERIOD_LICENCE;
        int n = lic ? x->cfg->induction_licence_wd : x->cfg->induction_community_wd;
        const char *from = lic ? "release" : "sentence";
        begin(x);
        facts(x, CK_EX_INDUCTION_FACTS, ck_xs(v->e->id), ck_xs(period_name(v, p)), ck_xs(from), ck_xd(p->start));
        unmet(x, CK_EX_INDUCTION_UNMET, ck_xs(period_name(v, p)));
        size_t k = contact_from(v->att, v->natt, p->start);
        if (k < v->natt && v->att[k]->date <= p->last) {
            const ck_contact *c = v->att[k];
            met(x, c->date, CK_EX_INDUCTION_MET, ck_xs(c->id), ck_xs(c->type), ck_xs(c->outcome), ck_xd(c->date));
        }
        why(x, p->start, n, lic ? CK_WHY_LICENCE : CK_WHY_USUAL, false);
        x->basis.period = period_word(p);
        emit(x, "INDUCTION", CK_SEV_HIGH, "event", v->e->id, wd(x, p->start, n), CK_EX_INDUCTION_DUE, ck_xs(from),
             ck_xi(n));
    }
}

static void rule_outcome(eval *x)
{
    int n = x->cfg->outcome_wd;
    for (size_t i = 0; i < x->c->n_contacts; i++) {
        const ck_contact *c = &x->c->contacts[i];
        if (c->appointment != 1 || c->date >= x->as_of) continue;
        begin(x);
        facts(x, CK_EX_OUTCOME_FACTS, ck_xs(c->id), ck_xs(c->type), ck_xd(c->date));
        unmet(x, CK_EX_OUTCOME_UNMET);
        if (c->outcome && c->outcome_on != CK_NODATE)
            met(x, c->outcome_on, CK_EX_OUTCOME_MET, ck_xs(c->outcome), ck_xd(c->outcome_on));
        else if (c->outcome)
            met(x, c->date, CK_EX_OUTCOME_MET2, ck_xs(c->outcome));
        why(x, c->date, n, CK_WHY_USUAL, false);
        emit(x, "OUTCOME", CK_SEV_NORMAL, "contact", c->id, wd(x, c->date, n), CK_EX_OUTCOME_DUE, ck_xi(n));
    }
}

static void rule_contact(eval *x)
{
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        for (size_t j = 0; j < v->nlinks; j++) {
            const link *l = &v->links[j];
            const ck_contact *c = l->c;
            begin(x);
            facts(x, CK_EX_CONTACT_FACTS, ck_xs(v->e->id), ck_xs(c->id), ck_xs(c->type), ck_xd(c->date),
                  ck_xi(l->interval));
            if (l->high_risk)
                facts(x, CK_EX_CONTACT_FACTS2);
            else
                facts(x, CK_EX_CONTACT_FACTS3, ck_xi((int)(c->date - l->p->start)), ck_xs(period_name(v, l->p)));
            unmet(x, CK_EX_CONTACT_UNMET);
            size_t k = contact_from(v->att, v->natt, c->date + 1);
            if (k < v->natt) {
                const ck_contact *n = v->att[k];
                met(x, n->date, CK_EX_CONTACT_MET, ck_xs(n->id), ck_xs(n->type), ck_xd(n->date));
            }
            why(x, c->date, l->interval, l->high_risk ? CK_WHY_HIGH_RISK : CK_WHY_STAGE, l->high_risk);
            x->basis.stage = period_week(l->p, c->date);
            x->basis.period = period_word(l->p);
            emit(x, "CONTACT", CK_SEV_HIGH, "contact", c->id, l->due, CK_EX_CONTACT_DUE, ck_xi(l->interval));
        }
    }
}

/* v3: only the link of the latest link-starting contact, and none when that
 * link was dropped; met by the earliest NS appointment dated after it that was
 * booked by as_of, whatever its date or outcome. */
static void rule_next_appointment(eval *x)
{
    int n = x->cfg->next_appointment_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        if (!v->nlinks || v->last_dropped) continue;
        const link *l = &v->links[v->nlinks - 1];
        if (!ck_period_active(l->p, x->as_of) || x->as_of >= v->stop) continue;
        begin(x);
        facts(x, CK_EX_NEXT_APPOINTMENT_FACTS, ck_xs(v->e->id), ck_xs(l->c->id), ck_xd(l->c->date), ck_xd(l->due));
        unmet(x, CK_EX_NEXT_APPOINTMENT_UNMET);
        for (size_t k = contact_from(v->con, v->ncon, l->c->date + 1); k < v->ncon; k++) {
            const ck_contact *a = v->con[k];
            if (a->national_standard != 1 || a->appointment != 1) continue;
            /* Facts recorded after as_of are out of the view: a booking date
             * left is on or before as_of. */
            if (a->booked_on != CK_NODATE)
                met(x, a->booked_on, CK_EX_NEXT_APPOINTMENT_MET, ck_xs(a->id), ck_xs(a->type), ck_xd(a->date),
                    ck_xd(a->booked_on));
            else
                met(x, l->c->date, CK_EX_NEXT_APPOINTMENT_MET2, ck_xs(a->id), ck_xs(a->type), ck_xd(a->date));
        }
        why(x, l->c->date, n, CK_WHY_USUAL, false);
        emit(x, "NEXT_APPOINTMENT", CK_SEV_NORMAL, "contact", l->c->id, wd(x, l->c->date, n),
             CK_EX_NEXT_APPOINTMENT_DUE, ck_xi(n));
    }
}

/* v3: met on the first day of the unbroken run of days up to as_of each
 * covered by a current main address or by no fixed abode, so a later move
 * does not turn an on-time result late. Not met unless as_of is covered. */
static void address_run(eval *x)
{
    const ck_person *pp = &x->c->person;
    ck_date nfa = pp->no_fixed_abode_since;
    ck_date run = CK_NODATE; /* the run's first day so far */
    const ck_address *by = NULL;
    if (nfa != CK_NODATE) run = nfa;
    for (;;) {
        /* The earliest start among the records covering as_of (first pass)
         * or the day before the run (later passes). */
        ck_date day = run == CK_NODATE ? x->as_of : run - 1, best = CK_NODATE;
        const ck_address *best_ad = NULL;
        for (size_t i = 0; i < pp->n_addresses; i++) {
            const ck_address *ad = &pp->addresses[i];
            if (!ck_streq(ad->kind, "main") || !ck_address_current(ad, day)) continue;
            if (best == CK_NODATE || ad->from < best) {
                best = ad->from;
                best_ad = ad;
            }
        }
        if (best == CK_NODATE || (run != CK_NODATE && best >= run)) break;
        run = best;
        by = best_ad;
    }
    if (run == CK_NODATE) return;
    if (by)
        met(x, run, CK_EX_ADDRESS_RUN_MET, ck_xs(by->id), ck_xd(run));
    else
        met(x, run, CK_EX_ADDRESS_RUN_MET2, ck_xd(run));
}

static void rule_address(eval *x)
{
    const evx *av = NULL;
    const ck_period *ap = NULL;
    for (size_t i = 0; i < x->n_ev; i++)
        for (int j = 0; j < x->ev[i].np; j++) {
            const ck_period *p = &x->ev[i].p[j];
            if (ck_period_active(p, x->as_of) && (!ap || p->start < ap->start)) {
                av = &x->ev[i];
                ap = p;
            }
        }
    if (!ap) return;
    int n = x->cfg->address_wd;
    begin(x);
    facts(x, CK_EX_ADDRESS_FACTS, ck_xs(av->e->id), ck_xs(period_name(av, ap)), ck_xd(ap->start));
    unmet(x, CK_EX_ADDRESS_UNMET);
    address_run(x);
    why(x, ap->start, n, ap->kind == CK_PERIOD_LICENCE ? CK_WHY_LICENCE : CK_WHY_USUAL, false);
    x->basis.period = period_word(ap);
    emit(x, "ADDRESS", CK_SEV_HIGH, "case", NULL, wd(x, ap->start, n), CK_EX_ADDRESS_DUE, ck_xi(n));
}

static void rule_terminate(eval *x)
{
    int n = x->cfg->terminate_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        ck_date end = v->s ? ck_sentence_final_end(v->s) : CK_NODATE;
        if (end == CK_NODATE || end >= x->as_of) continue;
        begin(x);
        facts(x, CK_EX_TERMINATE_FACTS, ck_xs(v->e->id), ck_xs(v->s->type), ck_xd(end));
        unmet(x, CK_EX_TERMINATE_UNMET);
        met(x, v->s->terminated_on, CK_EX_TERMINATE_MET, ck_xd(v->s->terminated_on));
        why(x, end, n, CK_WHY_USUAL, false);
        emit(x, "TERMINATE", CK_SEV_NORMAL, "event", v->e->id, wd(x, end, n), CK_EX_TERMINATE_DUE, ck_xi(n));
    }
}

static void rule_review_appointment(eval *x)
{
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        if (!v->reset_review) continue;
        const ck_period *p = &v->p[0];
        ck_date t = v->reset_t;
        int half = (int)((p->last - t) / 2);
        begin(x);
        facts(x, CK_EX_REVIEW_APPOINTMENT_FACTS, ck_xs(v->e->id), ck_xd(p->start), ck_xd(p->last), ck_xd(t),
              ck_xd(v->stop));
        unmet(x, CK_EX_REVIEW_APPOINTMENT_UNMET);
        size_t k = contact_from(v->att, v->natt, t + 1);
        if (k < v->natt && v->att[k]->date <= p->last) {
            const ck_contact *c = v->att[k];
            met(x, c->date, CK_EX_INDUCTION_MET, ck_xs(c->id), ck_xs(c->type), ck_xs(c->outcome), ck_xd(c->date));
        }
        why(x, t, half, CK_WHY_USUAL, false);
        emit(x, "REVIEW_APPOINTMENT", CK_SEV_HIGH, "event", v->e->id, t + half, CK_EX_REVIEW_APPOINTMENT_DUE,
             ck_xi(half));
    }
}

/* ---- Enforcement ---------------------------------------------------------------- */

static const evx *find_ev(const eval *x, const char *id)
{
    for (size_t i = 0; i < x->n_ev; i++)
        if (ck_streq(x->ev[i].e->id, id)) return &x->ev[i];
    return NULL;
}

/* The enforcement entries naming contact id: [*first, end) of x->enf. */
static size_t enforcement_of(const eval *x, const char *id, size_t *first)
{
    size_t lo = 0, hi = x->n_enf;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(x->enf[mid]->contact, id) < 0) lo = mid + 1; else hi = mid;
    }
    *first = lo;
    while (hi < x->n_enf && strcmp(x->enf[hi]->contact, id) == 0) hi++;
    return hi;
}

/* A breach of event e active at d: initiated, not yet resolved. */
static bool breach_active(const eval *x, const ck_event *e, ck_date d)
{
    for (size_t i = 0; i < x->c->n_breaches; i++) {
        const ck_breach *b = &x->c->breaches[i];
        if (ck_streq(b->event, e->id) && b->initiated <= d && (b->resolved == CK_NODATE || d < b->resolved))
            return true;
    }
    return false;
}

/* The warning that makes breach mandatory for a failure on f (Sentencing Act
 * 2020 Sch.16 para 6(2)): the latest warning on the event in the months before
 * f, with no breach of the event resolved between it and f. NULL when none. */
static const ck_enforcement *mandatory_warning(const eval *x, const evx *v, ck_date f)
{
    size_t lo = 0, hi = v->nwarn;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->warn[mid]->date < f) lo = mid + 1; else hi = mid;
    }
    const ck_enforcement *w = lo ? v->warn[lo - 1] : NULL;
    if (!w || w->date < ck_date_add_months(f, -x->cfg->breach_warning_months)) return NULL;
    for (size_t i = 0; i < x->c->n_breaches; i++) {
        const ck_breach *b = &x->c->breaches[i];
        if (ck_streq(b->event, v->e->id) && b->resolved != CK_NODATE && w->date <= b->resolved && b->resolved <= f)
            return NULL;
    }
    return w;
}

static void rule_enforce(eval *x)
{
    int n = x->cfg->enforce_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        for (size_t k = 0; k < v->ncon; k++) {
            const ck_contact *c = v->con[k];
            const ck_period *p = failure(c) ? period_at(v, c->date) : NULL;
            if (!p || p->kind == CK_PERIOD_PSS) continue;
            const ck_enforcement *w = p->kind == CK_PERIOD_ORDER ? mandatory_warning(x, v, c->date) : NULL;
            begin(x);
            facts(x, CK_EX_ENFORCE_FACTS, ck_xs(c->outcome), ck_xs(c->id), ck_xs(c->type), ck_xd(c->date),
                  ck_xs(v->e->id));
            if (w)
                facts(x, CK_EX_ENFORCE_FACTS2, ck_xs(w->id), ck_xs(w->action), ck_xd(w->date),
                      ck_xi(x->cfg->breach_warning_months));
            const ck_enforcement *instead = NULL;
            size_t j, end = enforcement_of(x, c->id, &j);
            for (; j < end; j++) {
                const ck_enforcement *en = x->enf[j];
                bool counts = w ? ck_streq(en->action, "breach_initiated")
                                : !(ck_streq(en->action, "no_further_action") && blank(en->reason));
                if (counts)
                    met(x, en->date, CK_EX_ENFORCE_MET, ck_xs(en->action), ck_xs(en->id), ck_xd(en->date));
                else if (!instead)
                    instead = en;
            }
            if (w && instead)
                unmet(x, CK_EX_ENFORCE_UNMET, ck_xs(instead->action), ck_xs(instead->id));
            else
                unmet(x, CK_EX_ENFORCE_UNMET2);
            why(x, c->date, n, w ? CK_WHY_MANDATORY : CK_WHY_USUAL, false);
            emit(x, "ENFORCE", CK_SEV_HIGH, "contact", c->id, wd(x, c->date, n), CK_EX_ENFORCE_DUE, ck_xi(n));
        }
    }
}

static void rule_breach_pack(eval *x)
{
    int n = x->cfg->breach_pack_wd;
    for (size_t i = 0; i < x->c->n_breaches; i++) {
        const ck_breach *b = &x->c->breaches[i];
        const evx *v = find_ev(x, b->event);
        if (!v || !is_community(v->s)) continue;
        begin(x);
        facts(x, CK_EX_BREACH_PACK_FACTS, ck_xs(b->id), ck_xd(b->initiated), ck_xs(b->event));
        unmet(x, CK_EX_BREACH_PACK_UNMET);
        met(x, b->pack_sent, CK_EX_BREACH_PACK_MET, ck_xd(b->pack_sent));
        if (ck_streq(b->outcome, "withdrawn")) met(x, b->resolved, CK_EX_BREACH_PACK_MET2, ck_xd(b->resolved));
        why(x, b->initiated, n, CK_WHY_USUAL, false);
        emit(x, "BREACH_PACK", CK_SEV_HIGH, "breach", b->id, wd(x, b->initiated, n), CK_EX_BREACH_PACK_DUE, ck_xi(n));
    }
}

/* Offers the earliest recall of the event on or after the trigger, and a
 * decision naming the subject. */
static void met_by_recall(eval *x, const evx *v, ck_date trigger, const char *kind, const char *id)
{
    const ck_recall *rc = first_recall(x, v->e, trigger);
    if (rc) met(x, rc->date, CK_EX_MET_BY_RECALL_MET, ck_xs(rc->id), ck_xd(rc->date));
    met_by_decision(x, "RECALL_DECISION", kind, id);
}

static void rule_recall_decision(eval *x)
{
    int n = x->cfg->recall_decision_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        const ck_period *lic = v->np && v->p[0].kind == CK_PERIOD_LICENCE ? &v->p[0] : NULL;
        if (!lic) continue;
        /* The first final warning on this licence: failures after it trigger a decision. */
        const ck_enforcement *fw = NULL;
        for (size_t k = 0; k < v->nwarn && !fw; k++)
            if (ck_streq(v->warn[k]->action, "final_warning") && ck_period_active(lic, v->warn[k]->date)) fw = v->warn[k];
        for (size_t k = 0; fw && k < v->ncon; k++) {
            const ck_contact *c = v->con[k];
            if (!failure(c) || !ck_period_active(lic, c->date) || c->date <= fw->date) continue;
            begin(x);
            facts(x, CK_EX_RECALL_DECISION_FACTS, ck_xs(c->outcome), ck_xs(c->id), ck_xs(c->type), ck_xd(c->date),
                  ck_xs(v->e->id), ck_xs(fw->id), ck_xd(fw->date));
            unmet(x, CK_EX_RECALL_DECISION_UNMET);
            met_by_recall(x, v, c->date, "contact", c->id);
            why(x, c->date, n, CK_WHY_FINAL_WARNING, false);
            emit(x, "RECALL_DECISION", CK_SEV_CRITICAL, "contact", c->id, wd(x, c->date, n), CK_EX_ENFORCE_DUE,
                 ck_xi(n));
        }
        for (size_t k = 0; k < x->c->n_enforcement; k++) {
            const ck_enforcement *en = &x->c->enforcement[k];
            /* v3: only within the licence as sentenced; a request during PSS or
             * after end_date has none (PSS cannot be recalled: CJA 2003 s.256AC). */
            if (!ck_streq(en->event, v->e->id) || !ck_streq(en->action, "recall_requested") ||
                !ck_within_licence(v->s, en->date))
                continue;
            begin(x);
            facts(x, CK_EX_RECALL_DECISION_FACTS2, ck_xs(en->id), ck_xd(en->date), ck_xs(v->e->id));
            unmet(x, CK_EX_RECALL_DECISION_UNMET);
            met_by_recall(x, v, en->date, "enforcement", en->id);
            why(x, en->date, n, CK_WHY_RECALL_REQUESTED, false);
            emit(x, "RECALL_DECISION", CK_SEV_CRITICAL, "enforcement", en->id, wd(x, en->date, n),
                 CK_EX_RECALL_DECISION_DUE, ck_xi(n));
        }
    }
}

/* Failures to comply on each CO/SSO in force: distinct failure dates since
 * the sentence or the last breach resolution, not while a breach is active. */
static void count_ftc(eval *x)
{
    x->r->ftc = ck_arena_array(&x->r->arena, x->n_ev, sizeof *x->r->ftc);
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        if (!is_community(v->s) || !ck_sentence_in_force(v->s, x->as_of)) continue;
        ck_date since = v->s->date;
        for (size_t k = 0; k < x->c->n_breaches; k++) {
            const ck_breach *b = &x->c->breaches[k];
            if (ck_streq(b->event, v->e->id)) since = max_date(since, b->resolved);
        }
        int count = 0;
        ck_date last = CK_NODATE;
        for (size_t k = contact_from(v->con, v->ncon, since); k < v->ncon; k++) {
            const ck_contact *c = v->con[k];
            if (c->date == last || !failure(c) || breach_active(x, v->e, c->date)) continue;
            count++;
            last = c->date;
        }
        x->r->ftc[x->r->n_ftc++] = (ck_ftc){ck_arena_strdup(&x->r->arena, v->e->id), count, since};
    }
}

/* ---- Risk and safeguarding ---------------------------------------------------------- */

static void rule_rosh_initial(eval *x)
{
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        const ck_period *p = started_main(x, v);
        if (!p) continue;
        bool mappa = mappa_23(x, p->start);
        bool very_high = rosh_level_at(x, p->start) == ROSH_VERY_HIGH;
        int n = mappa || very_high ? x->cfg->rosh_initial_urgent_wd : x->cfg->rosh_initial_wd;
        ck_date window = p->start - x->cfg->rosh_initial_lookback_days;
        begin(x);
        facts(x, CK_EX_ROSH_INITIAL_FACTS, ck_xs(v->e->id), ck_xs(period_name(v, p)), ck_xd(p->start));
        unmet(x, CK_EX_ROSH_INITIAL_UNMET, ck_xd(window));
        const dated *d = first_from(&x->rosh, window);
        if (d) {
            const ck_assessment *a = d->p;
            met(x, d->d, CK_EX_ROSH_INITIAL_MET, ck_xs(a->id), ck_xs(a->level), ck_xd(d->d));
        }
        why(x, p->start, n, mappa || very_high ? CK_WHY_URGENT : CK_WHY_USUAL, mappa || very_high);
        x->basis.period = period_word(p);
        emit(x, "ROSH_INITIAL", CK_SEV_CRITICAL, "event", v->e->id, wd(x, p->start, n), CK_EX_ROSH_INITIAL_DUE,
             ck_xi(n),
             ck_xs(mappa       ? ": MAPPA level 2/3 at the start"
                   : very_high ? ": very high RoSH at the start"
                               : ""));
    }
}

static bool any_active_period(const eval *x)
{
    for (size_t i = 0; i < x->n_ev; i++)
        if (period_at(&x->ev[i], x->as_of)) return true;
    return false;
}

static void rule_rosh_review(eval *x)
{
    bool supervised = any_active_period(x);
    for (size_t i = 0; i < x->rosh.n; i++) {
        const ck_assessment *a = x->rosh.v[i].p;
        ck_date done = x->rosh.v[i].d;
        const dated *next = first_from(&x->rosh, done + 1);
        if (!next && !supervised) continue;
        bool hr = high_risk(x, done);
        int weeks = hr ? x->cfg->rosh_review_high_risk_weeks : x->cfg->rosh_review_weeks;
        bool capped = weeks > x->cfg->rosh_max_age_weeks;
        if (capped) weeks = x->cfg->rosh_max_age_weeks;
        begin(x);
        facts(x, CK_EX_ROSH_REVIEW_FACTS, ck_xs(a->id), ck_xs(a->level), ck_xd(done));
        unmet(x, CK_EX_ROSH_REVIEW_UNMET);
        if (next) {
            const ck_assessment *b = next->p;
            met(x, next->d, CK_EX_ROSH_INITIAL_MET, ck_xs(b->id), ck_xs(b->level), ck_xd(next->d));
        }
        why(x, done, weeks, hr ? CK_WHY_HIGH_RISK : CK_WHY_USUAL, hr);
        emit(x, "ROSH_REVIEW", CK_SEV_CRITICAL, "assessment", a->id, done + 7 * weeks, CK_EX_ROSH_REVIEW_DUE,
             ck_xi(weeks),
             ck_xs(capped ? ": an OASys assessment is out of date after it"
                   : hr   ? ": high-risk at completion"
                          : ""));
    }
}

/* The rest of a ROSH_CHANGE obligation once its facts are written. */
static void rosh_change(eval *x, const ck_assessment *before, const char *kind, const char *id, ck_date on)
{
    int n = x->cfg->rosh_change_wd;
    facts(x, CK_EX_ROSH_CHANGE_FACTS, ck_xs(before->id), ck_xd(before->completed));
    unmet(x, CK_EX_ROSH_CHANGE_UNMET);
    const dated *d = first_from(&x->rosh, on);
    if (d) {
        const ck_assessment *a = d->p;
        met(x, d->d, CK_EX_ROSH_INITIAL_MET, ck_xs(a->id), ck_xs(a->level), ck_xd(d->d));
    }
    why(x, on, n, CK_WHY_USUAL, false);
    emit(x, "ROSH_CHANGE", CK_SEV_CRITICAL, kind, id, wd(x, on, n), CK_EX_ROSH_CHANGE_DUE, ck_xi(n));
}

static void rule_rosh_change(eval *x)
{
    const ck_case *c = x->c;
    const ck_assessment *a;
    for (size_t i = 0; i < c->n_changes; i++) {
        const ck_change *ch = &c->changes[i];
        if (!(a = ck_rosh_current(x->c, ch->date))) continue;
        begin(x);
        facts(x, CK_EX_ROSH_CHANGE_FACTS2, ck_xs(ch->id), ck_xs(ch->kind), ck_xd(ch->date));
        rosh_change(x, a, "change", ch->id, ch->date);
    }
    for (size_t i = 0; i < c->n_checks; i++) {
        const ck_check *k = &c->checks[i];
        if (!ck_streq(k->kind, "police_da") || k->received == CK_NODATE || k->relevant_information != 1 ||
            !(a = ck_rosh_current(x->c, k->received)))
            continue;
        begin(x);
        facts(x, CK_EX_ROSH_CHANGE_FACTS3, ck_xs(k->id), ck_xd(k->received));
        rosh_change(x, a, "check", k->id, k->received);
    }
    static const char *const REGS[] = {"RCPR", "RCCO", "ADVP", "MAPP", NULL};
    for (size_t i = 0; i < c->n_registrations; i++) {
        const ck_registration *g = &c->registrations[i];
        if (!g->type || !ck_vocab_find(REGS, g->type, strlen(g->type)) || !(a = ck_rosh_current(x->c, g->date))) continue;
        begin(x);
        facts(x, CK_EX_ROSH_CHANGE_FACTS4, ck_xs(g->type), ck_xs(g->id), ck_xd(g->date));
        rosh_change(x, a, "registration", g->id, g->date);
    }
    for (size_t i = 0; i < c->n_breaches; i++) {
        const ck_breach *b = &c->breaches[i];
        if (!(a = ck_rosh_current(x->c, b->initiated))) continue;
        begin(x);
        facts(x, CK_EX_ROSH_CHANGE_FACTS5, ck_xs(b->id), ck_xd(b->initiated));
        rosh_change(x, a, "breach", b->id, b->initiated);
    }
    for (size_t i = 0; i < c->n_recalls; i++) {
        const ck_recall *rc = &c->recalls[i];
        if (!(a = ck_rosh_current(x->c, rc->date))) continue;
        begin(x);
        facts(x, CK_EX_ROSH_CHANGE_FACTS6, ck_xs(rc->id), ck_xd(rc->date), ck_xs(rc->event));
        rosh_change(x, a, "recall", rc->id, rc->date);
    }
}

static void rule_sentence_plan(eval *x)
{
    int n = x->cfg->sentence_plan_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        const ck_period *p = started_main(x, v);
        if (!p) continue;
        begin(x);
        facts(x, CK_EX_ROSH_INITIAL_FACTS, ck_xs(v->e->id), ck_xs(period_name(v, p)), ck_xd(p->start));
        unmet(x, CK_EX_SENTENCE_PLAN_UNMET);
        const dated *d = first_from(&x->plans, p->start);
        if (d) met(x, d->d, CK_EX_SENTENCE_PLAN_MET, ck_xs(((const ck_assessment *)d->p)->id), ck_xd(d->d));
        why(x, p->start, n, CK_WHY_USUAL, false);
        x->basis.period = period_word(p);
        emit(x, "SENTENCE_PLAN", CK_SEV_HIGH, "event", v->e->id, wd(x, p->start, n), CK_EX_ADDRESS_DUE, ck_xi(n));
    }
}

static void rule_oversight(eval *x)
{
    int n = x->cfg->oversight_wd;
    for (size_t i = 0; i < x->rosh.n; i++) {
        const ck_assessment *a = x->rosh.v[i].p;
        ck_date done = x->rosh.v[i].d;
        if (ck_rosh_rank(a->level) < ROSH_HIGH) continue;
        begin(x);
        facts(x, CK_EX_ROSH_REVIEW_FACTS, ck_xs(a->id), ck_xs(a->level), ck_xd(done));
        unmet(x, CK_EX_OVERSIGHT_UNMET);
        const dated *d = first_from(&x->oversight, done);
        if (d) met(x, d->d, CK_EX_OVERSIGHT_MET, ck_xs(((const ck_assessment *)d->p)->id), ck_xd(d->d));
        why(x, done, n, CK_WHY_USUAL, true);
        emit(x, "OVERSIGHT", CK_SEV_HIGH, "assessment", a->id, wd(x, done, n), CK_EX_OVERSIGHT_DUE, ck_xi(n));
    }
}

/* A report's reason for completing with checks outstanding, repeated where the
 * check is due. */
static void outstanding_reasons(eval *x, const ck_event *e)
{
    for (size_t j = 0; j < e->n_reports; j++)
        if (!blank(e->reports[j].outstanding_checks_reason))
            facts(x, CK_EX_OUTSTANDING_REASONS_FACTS, ck_xs(e->reports[j].id),
                  ck_xs(e->reports[j].outstanding_checks_reason));
}

/* DA_CHECK and CHILD_CHECK: the same windows over their own kind of check. */
static void safeguarding_check(eval *x, const char *rule, const dlist *received, const char *what)
{
    int n = x->cfg->checks_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        const ck_period *p = started_main(x, v);
        if (p) {
            ck_date window = ck_date_add_months(p->start, -x->cfg->checks_lookback_months);
            begin(x);
            facts(x, CK_EX_ROSH_INITIAL_FACTS, ck_xs(v->e->id), ck_xs(period_name(v, p)), ck_xd(p->start));
            outstanding_reasons(x, v->e);
            unmet(x, CK_EX_SAFEGUARDING_CHECK_UNMET, ck_xs(what), ck_xd(window));
            const dated *d = first_from(received, window);
            if (d) met(x, d->d, CK_EX_SAFEGUARDING_CHECK_MET, ck_xs(((const ck_check *)d->p)->id), ck_xd(d->d));
            why(x, p->start, n, CK_WHY_USUAL, false);
            x->basis.period = period_word(p);
            emit(x, rule, CK_SEV_CRITICAL, "event", v->e->id, wd(x, p->start, n), CK_EX_ADDRESS_DUE, ck_xi(n));
        }
        for (size_t j = 0; j < v->e->n_reports; j++) {
            const ck_report *rp = &v->e->reports[j];
            int rn;
            ck_date due = report_due(x, rp, &rn);
            begin(x);
            facts(x, CK_EX_SAFEGUARDING_CHECK_FACTS, ck_xs(rp->id), ck_xs(rp->type), ck_xd(rp->requested),
                  ck_xs(v->e->id));
            if (!blank(rp->outstanding_checks_reason))
                facts(x, CK_EX_SAFEGUARDING_CHECK_FACTS2, ck_xs(rp->outstanding_checks_reason));
            unmet(x, CK_EX_SAFEGUARDING_CHECK_UNMET2, ck_xs(what));
            const dated *d = first_from(received, rp->requested);
            if (d) met(x, d->d, CK_EX_SAFEGUARDING_CHECK_MET, ck_xs(((const ck_check *)d->p)->id), ck_xd(d->d));
            why(x, rp->requested, rn, CK_WHY_REPORT, false);
            emit(x, rule, CK_SEV_CRITICAL, "report", rp->id, due, CK_EX_SAFEGUARDING_CHECK_DUE);
        }
    }
}

static void rule_da_check(eval *x) { safeguarding_check(x, "DA_CHECK", &x->police, "police domestic-abuse check"); }
static void rule_child_check(eval *x) { safeguarding_check(x, "CHILD_CHECK", &x->children, "children's services check"); }

static void rule_da_flag_decision(eval *x)
{
    int n = x->cfg->da_flag_decision_wd;
    const ck_case *c = x->c;
    for (size_t i = 0; i < x->police.n; i++) {
        const ck_check *k = x->police.v[i].p;
        ck_date on = k->received;
        if (k->relevant_information != 1) continue;
        bool flagged = false;
        for (size_t j = 0; j < c->n_registrations && !flagged; j++) {
            const ck_registration *g = &c->registrations[j];
            flagged = ck_streq(g->type, "ADVP") && g->date < on && ck_registration_in_force(g, on);
        }
        if (flagged) continue;
        begin(x);
        facts(x, CK_EX_ROSH_CHANGE_FACTS3, ck_xs(k->id), ck_xd(on));
        unmet(x, CK_EX_DA_FLAG_DECISION_UNMET);
        for (size_t j = 0; j < c->n_registrations; j++) {
            const ck_registration *g = &c->registrations[j];
            if (ck_streq(g->type, "ADVP") && g->date >= on)
                met(x, g->date, CK_EX_DA_FLAG_DECISION_MET, ck_xs(g->id), ck_xd(g->date));
        }
        met_by_decision(x, "DA_FLAG_DECISION", "check", k->id);
        why(x, on, n, CK_WHY_USUAL, false);
        emit(x, "DA_FLAG_DECISION", CK_SEV_CRITICAL, "check", k->id, wd(x, on, n), CK_EX_DA_FLAG_DECISION_DUE,
             ck_xi(n));
    }
}

static void rule_reg_review(eval *x)
{
    for (size_t i = 0; i < x->c->n_registrations; i++) {
        const ck_registration *g = &x->c->registrations[i];
        int months = ck_rulecfg_review_months(x->cfg, g->type);
        if (!months && g->next_review == CK_NODATE) continue;
        ck_date due = g->next_review != CK_NODATE ? g->next_review : ck_date_add_months(g->date, months);
        /* v3: the cycle starts at the later of due - period and the
         * registration date; without a review period, at the registration. */
        ck_date cycle = months ? max_date(ck_date_add_months(due, -months), g->date) : g->date;
        ck_date last = CK_NODATE;
        for (size_t j = 0; j < g->n_reviews; j++) last = max_date(last, g->reviews[j].date);
        begin(x);
        facts(x, CK_EX_ROSH_CHANGE_FACTS4, ck_xs(g->type), ck_xs(g->id), ck_xd(g->date));
        if (last != CK_NODATE) facts(x, CK_EX_REG_REVIEW_FACTS, ck_xd(last));
        unmet(x, CK_EX_REG_REVIEW_UNMET, ck_xd(cycle));
        for (size_t j = 0; j < g->n_reviews; j++)
            if (g->reviews[j].date > cycle) met(x, g->reviews[j].date, CK_EX_REG_REVIEW_MET, ck_xd(g->reviews[j].date));
        met(x, g->deregistered, CK_EX_REG_REVIEW_MET2, ck_xd(g->deregistered));
        why(x, g->next_review != CK_NODATE && last != CK_NODATE ? last : g->date, months,
            g->next_review != CK_NODATE ? CK_WHY_NEXT_REVIEW : CK_WHY_USUAL, false);
        if (g->next_review != CK_NODATE)
            emit(x, "REG_REVIEW", CK_SEV_HIGH, "registration", g->id, due, CK_EX_REG_REVIEW_DUE);
        else
            emit(x, "REG_REVIEW", CK_SEV_HIGH, "registration", g->id, due, CK_EX_REG_REVIEW_DUE2, ck_xi(months));
    }
}

/* Custody of this many months or more (or a hospital order) is a "relevant
 * sentence" for the statutory VCS (DVCVA 2004 s.45) and for MAPPA category 2. */
enum { QUALIFYING_CUSTODY_MONTHS = 12 };

static bool qualifying_sentence(const ck_sentence *s)
{
    return is_hospital(s) ||
           (is_custody(s) && s->length_months != CK_NOINT && s->length_months >= QUALIFYING_CUSTODY_MONTHS);
}

static bool violent(const ck_offence *o) { return ck_streq(o->category, "violence") || ck_streq(o->category, "robbery"); }
static bool sexual(const ck_offence *o)
{
    return ck_streq(o->category, "sexual_child") || ck_streq(o->category, "sexual_adult");
}
static bool vcs_offence(const ck_offence *o) { return violent(o) || sexual(o) || ck_streq(o->category, "terrorism"); }

/* The first offence of e for which pred holds, or NULL. */
static const ck_offence *offence(const ck_event *e, bool (*pred)(const ck_offence *))
{
    for (size_t i = 0; i < e->n_offences; i++)
        if (pred(&e->offences[i])) return &e->offences[i];
    return NULL;
}

/* "custody of 36 months" or "a hospital order", for explanations. */
static void sentence_words(eval *x, const ck_sentence *s)
{
    if (is_hospital(s))
        facts(x, CK_EX_WORDS, ck_xs("a hospital order"));
    else if (s->length_months == CK_NOINT)
        facts(x, CK_EX_WORDS, ck_xs(s->type));
    else
        facts(x, CK_EX_SENTENCE_MONTHS, ck_xs(s->type), ck_xi((int)s->length_months));
}

static const ck_offence *vcs_eligible(const evx *v)
{
    return v->s && qualifying_sentence(v->s) ? offence(v->e, vcs_offence) : NULL;
}

static void rule_mappa_identify(eval *x)
{
    int n = x->cfg->mappa_identify_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        const ck_sentence *s = v->s;
        if (!s) continue;
        int cat = offence(v->e, sexual) && (is_custody(s) || is_hospital(s)) ? 1
                : offence(v->e, violent) && qualifying_sentence(s)          ? 2 : 0;
        if (!cat) continue;
        begin(x);
        facts(x, CK_EX_MAPPA_IDENTIFY_FACTS, ck_xs(v->e->id), ck_xd(s->date), ck_xs(cat == 1 ? "sexual" : "violent"));
        sentence_words(x, s);
        facts(x, CK_EX_MAPPA_IDENTIFY_CATEGORY, ck_xi(cat));
        unmet(x, CK_EX_MAPPA_IDENTIFY_UNMET);
        for (size_t j = 0; j < x->c->n_registrations; j++) {
            const ck_registration *g = &x->c->registrations[j];
            if (ck_streq(g->type, "MAPP") && not_deregistered_before(g, s->date))
                met(x, g->date, CK_EX_MAPPA_IDENTIFY_MET, ck_xs(g->id), ck_xd(g->date));
        }
        for (size_t j = 0; j < x->c->n_registration_decisions; j++) {
            const ck_reg_decision *d = &x->c->registration_decisions[j];
            if (ck_streq(d->type, "NOTMAPPA") && d->date >= s->date)
                met(x, d->date, CK_EX_MAPPA_IDENTIFY_MET2, ck_xs(d->id), ck_xd(d->date));
        }
        why(x, s->date, n, CK_WHY_USUAL, false);
        emit(x, "MAPPA_IDENTIFY", CK_SEV_CRITICAL, "event", v->e->id, wd(x, s->date, n), CK_EX_MAPPA_IDENTIFY_DUE,
             ck_xi(n));
    }
}

/* ---- Victims --------------------------------------------------------------------- */

static bool opted_in(const ck_victim *vc) { return ck_streq(vc->opted, "in") && vc->opted_on != CK_NODATE; }

static void met_by_referral_outcome(eval *x, const ck_event *e)
{
    if (e->has_victim_referral_outcome)
        met(x, e->victim_referral_outcome.date, CK_EX_MET_BY_REFERRAL_OUTCOME_MET,
            ck_xs(e->victim_referral_outcome.outcome), ck_xd(e->victim_referral_outcome.date));
}

static void rule_vcs_referral(eval *x)
{
    int n = x->cfg->vcs_referral_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        const ck_offence *o = vcs_eligible(v);
        if (!o) continue;
        begin(x);
        facts(x, CK_EX_VCS_REFERRAL_FACTS, ck_xs(v->e->id), ck_xs(o->category));
        sentence_words(x, v->s);
        facts(x, CK_EX_VCS_REFERRAL_SENTENCED, ck_xd(v->s->date));
        unmet(x, CK_EX_VCS_REFERRAL_UNMET);
        for (size_t j = 0; j < x->c->n_victims; j++) {
            const ck_victim *vc = &x->c->victims[j];
            if (ck_streq(vc->event, v->e->id))
                met(x, vc->referred, CK_EX_VCS_REFERRAL_MET, ck_xs(vc->id), ck_xd(vc->referred));
        }
        met_by_referral_outcome(x, v->e);
        why(x, v->s->date, n, CK_WHY_USUAL, false);
        emit(x, "VCS_REFERRAL", CK_SEV_CRITICAL, "event", v->e->id, wd(x, v->s->date, n), CK_EX_MAPPA_IDENTIFY_DUE,
             ck_xi(n));
    }
}

static void rule_vcs_first_contact(eval *x)
{
    int n = x->cfg->vcs_first_contact_wd;
    for (size_t i = 0; i < x->c->n_victims; i++) {
        const ck_victim *vc = &x->c->victims[i];
        if (vc->referred == CK_NODATE) continue;
        begin(x);
        facts(x, CK_EX_VCS_REFERRAL_MET, ck_xs(vc->id), ck_xd(vc->referred));
        unmet(x, CK_EX_VCS_FIRST_CONTACT_UNMET);
        met(x, vc->first_contact, CK_EX_VCS_FIRST_CONTACT_MET, ck_xd(vc->first_contact));
        why(x, vc->referred, n, CK_WHY_USUAL, false);
        emit(x, "VCS_FIRST_CONTACT", CK_SEV_CRITICAL, "victim", vc->id, wd(x, vc->referred, n),
             CK_EX_VCS_FIRST_CONTACT_DUE, ck_xi(n));
    }
}

static void rule_vcs_flag(eval *x)
{
    int n = x->cfg->vcs_flag_wd;
    for (size_t i = 0; i < x->c->n_victims; i++) {
        const ck_victim *vc = &x->c->victims[i];
        if (!opted_in(vc)) continue;
        begin(x);
        facts(x, CK_EX_VCS_FLAG_FACTS, ck_xs(vc->id), ck_xd(vc->opted_on));
        unmet(x, CK_EX_VCS_FLAG_UNMET);
        for (size_t j = 0; j < x->c->n_registrations; j++) {
            const ck_registration *g = &x->c->registrations[j];
            if (ck_streq(g->type, "INVI") && not_deregistered_before(g, vc->opted_on))
                met(x, g->date, CK_EX_VCS_FLAG_MET, ck_xs(g->id), ck_xd(g->date));
        }
        why(x, vc->opted_on, n, CK_WHY_USUAL, false);
        emit(x, "VCS_FLAG", CK_SEV_HIGH, "victim", vc->id, wd(x, vc->opted_on, n), CK_EX_VCS_FLAG_DUE, ck_xi(n));
    }
}

/* The release date of an opted-in victim's event, or CK_NODATE. */
static ck_date victim_release(const eval *x, const ck_victim *vc)
{
    const evx *v = opted_in(vc) ? find_ev(x, vc->event) : NULL;
    return v && v->s ? v->s->release_date : CK_NODATE;
}

static void rule_vcs_representations(eval *x)
{
    int n = x->cfg->vcs_representations_days;
    for (size_t i = 0; i < x->c->n_victims; i++) {
        const ck_victim *vc = &x->c->victims[i];
        ck_date rel = victim_release(x, vc);
        if (rel == CK_NODATE) continue;
        begin(x);
        facts(x, CK_EX_VCS_REPRESENTATIONS_FACTS, ck_xs(vc->id), ck_xd(vc->opted_on), ck_xd(rel));
        unmet(x, CK_EX_VCS_REPRESENTATIONS_UNMET);
        met(x, vc->representations, CK_EX_VCS_REPRESENTATIONS_MET, ck_xd(vc->representations));
        why(x, rel, n, CK_WHY_USUAL, false);
        emit(x, "VCS_REPRESENTATIONS", CK_SEV_CRITICAL, "victim", vc->id, rel - n, CK_EX_VCS_REPRESENTATIONS_DUE,
             ck_xi(n));
    }
}

static void rule_vcs_release_notice(eval *x)
{
    int n = x->cfg->vcs_release_notice_wd;
    for (size_t i = 0; i < x->c->n_victims; i++) {
        const ck_victim *vc = &x->c->victims[i];
        ck_date rel = victim_release(x, vc);
        if (rel == CK_NODATE) continue;
        begin(x);
        facts(x, CK_EX_VCS_REPRESENTATIONS_FACTS, ck_xs(vc->id), ck_xd(vc->opted_on), ck_xd(rel));
        unmet(x, CK_EX_VCS_RELEASE_NOTICE_UNMET);
        met(x, vc->release_notified, CK_EX_VCS_RELEASE_NOTICE_MET, ck_xd(vc->release_notified));
        why(x, rel, n, CK_WHY_USUAL, false);
        emit(x, "VCS_RELEASE_NOTICE", CK_SEV_CRITICAL, "victim", vc->id, ck_wd_sub(x->cal, rel, n),
             CK_EX_VCS_RELEASE_NOTICE_DUE, ck_xi(n));
    }
}

static void rule_vcs_recall_notice(eval *x)
{
    int n = x->cfg->vcs_recall_notice_wd;
    for (size_t i = 0; i < x->c->n_victims; i++) {
        const ck_victim *vc = &x->c->victims[i];
        if (!opted_in(vc)) continue;
        const ck_recall *rc = NULL;
        for (size_t j = 0; j < x->c->n_recalls; j++) {
            const ck_recall *r = &x->c->recalls[j];
            if (ck_streq(r->event, vc->event) && (!rc || r->date >= rc->date)) rc = r;
        }
        if (!rc) continue;
        begin(x);
        facts(x, CK_EX_VCS_RECALL_NOTICE_FACTS, ck_xs(vc->id), ck_xd(vc->opted_on), ck_xs(rc->id), ck_xd(rc->date));
        unmet(x, CK_EX_VCS_RECALL_NOTICE_UNMET);
        if (vc->recall_notified >= rc->date)
            met(x, vc->recall_notified, CK_EX_VCS_RECALL_NOTICE_MET, ck_xd(vc->recall_notified));
        why(x, rc->date, n, CK_WHY_USUAL, false);
        emit(x, "VCS_RECALL_NOTICE", CK_SEV_CRITICAL, "victim", vc->id, wd(x, rc->date, n), CK_EX_VCS_RECALL_NOTICE_DUE,
             ck_xi(n));
    }
}

static bool da_offence(const ck_offence *o) { return o->domestic_abuse == 1; }

static void rule_vcs_nonstatutory(eval *x)
{
    int n = x->cfg->vcs_nonstatutory_wd;
    for (size_t i = 0; i < x->n_ev; i++) {
        const evx *v = &x->ev[i];
        if (!v->s || vcs_eligible(v)) continue;
        const ck_offence *o = offence(v->e, da_offence);
        const ck_registration *advp = NULL;
        for (size_t j = 0; j < x->c->n_registrations && !o && !advp; j++) {
            const ck_registration *g = &x->c->registrations[j];
            if (ck_streq(g->type, "ADVP") && not_deregistered_before(g, v->s->date)) advp = g;
        }
        if (!o && !advp) continue;
        begin(x);
        facts(x, CK_EX_VCS_NONSTATUTORY_FACTS, ck_xs(v->e->id), ck_xs(o ? "offence" : "ADVP registration"),
              ck_xs(o ? o->id : advp->id), ck_xd(v->s->date));
        unmet(x, CK_EX_VCS_NONSTATUTORY_UNMET);
        for (size_t j = 0; j < x->c->n_victims; j++) {
            const ck_victim *vc = &x->c->victims[j];
            if (ck_streq(vc->event, v->e->id) && (ck_streq(vc->scheme, "non_statutory") || ck_streq(vc->scheme, "vns")))
                met(x, vc->first_contact, CK_EX_VCS_NONSTATUTORY_MET, ck_xs(vc->id), ck_xs(vc->scheme),
                    ck_xd(vc->first_contact));
        }
        met_by_referral_outcome(x, v->e);
        met_by_decision(x, "VCS_NONSTATUTORY", "event", v->e->id);
        why(x, v->s->date, n, CK_WHY_USUAL, false);
        emit(x, "VCS_NONSTATUTORY", CK_SEV_HIGH, "event", v->e->id, wd(x, v->s->date, n), CK_EX_MAPPA_IDENTIFY_DUE,
             ck_xi(n));
    }
}

/* ---- Court work ----------------------------------------------------------------- */

static void rule_report_due(eval *x)
{
    for (size_t i = 0; i < x->n_ev; i++) {
        const ck_event *e = x->ev[i].e;
        for (size_t j = 0; j < e->n_reports; j++) {
            const ck_report *rp = &e->reports[j];
            int n;
            ck_date due = report_due(x, rp, &n);
            begin(x);
            facts(x, CK_EX_SAFEGUARDING_CHECK_FACTS, ck_xs(rp->id), ck_xs(rp->type), ck_xd(rp->requested),
                  ck_xs(e->id));
            unmet(x, CK_EX_REPORT_DUE_UNMET);
            met(x, rp->completed, CK_EX_REPORT_DUE_MET, ck_xd(rp->completed));
            why(x, rp->requested, n, n == 0 ? CK_WHY_ORAL : CK_WHY_USUAL, false);
            if (n == 0)
                emit(x, "REPORT_DUE", CK_SEV_HIGH, "report", rp->id, due, CK_EX_REPORT_DUE_DUE, ck_xs(rp->type));
            else
                emit(x, "REPORT_DUE", CK_SEV_HIGH, "report", rp->id, due, CK_EX_RECALL_DECISION_DUE, ck_xi(n));
        }
    }
}

/* ---- Setup ------------------------------------------------------------------------ */

static void dlist_add(eval *x, dlist *l, size_t cap, ck_date d, const void *p)
{
    if (!l->v) l->v = ck_arena_array(&x->scratch, cap, sizeof *l->v);
    l->v[l->n] = (dated){d, l->n, p};
    l->n++;
}

static void index_records(eval *x)
{
    const ck_case *c = x->c;
    for (size_t i = 0; i < c->n_assessments; i++) {
        const ck_assessment *a = &c->assessments[i];
        if (a->completed == CK_NODATE) continue;
        /* An RSR score and an OASys needs record (the tier's inputs) meet no rule. */
        dlist *l = ck_streq(a->kind, "rosh") ? &x->rosh : ck_streq(a->kind, "sentence_plan") ? &x->plans
                 : ck_streq(a->kind, "oversight") ? &x->oversight : NULL;
        if (l) dlist_add(x, l, c->n_assessments, a->completed, a);
    }
    for (size_t i = 0; i < c->n_checks; i++) {
        const ck_check *k = &c->checks[i];
        if (k->received == CK_NODATE) continue;
        dlist_add(x, ck_streq(k->kind, "police_da") ? &x->police : &x->children, c->n_checks, k->received, k);
    }
    dlist *ls[] = {&x->rosh, &x->plans, &x->oversight, &x->police, &x->children};
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
        if (ls[i]->n) qsort(ls[i]->v, ls[i]->n, sizeof(dated), cmp_dated);
}


/* Supervision periods (core/ck_facts, the rulebook's "Terms") and where
 * contact stops: the end of the last period, a recall, or the probation reset. */
static void build_periods(eval *x, evx *v)
{
    v->stop = CK_NODATE;
    v->reset_t = CK_NODATE;
    v->np = (int)ck_event_periods(x->c, v->e, x->as_of, v->p);
    if (!v->np) return;
    v->stop = v->p[v->np - 1].last + 1;
    const ck_recall *rc = v->s->release_date != CK_NODATE ? first_recall(x, v->e, v->s->release_date) : NULL;
    if (rc) v->stop = min_date(v->stop, rc->date);
    if (!x->cfg->probation_reset) return;
    ck_date from = x->cfg->probation_reset_from;
    for (int i = 0; i < v->np; i++) {
        const ck_period *p = &v->p[i];
        ck_date stop = ck_reset_contact_stop(x->c, v->e, p, x->as_of, from);
        if (stop == CK_NODATE) continue;
        v->stop = min_date(v->stop, stop);
        if (p->kind != CK_PERIOD_LICENCE) continue;
        /* Had the reset always been in force, contact would stop the day after
         * the two-thirds point T. */
        ck_date t = ck_reset_contact_stop(x->c, v->e, p, x->as_of, ck_date_ymd(1, 1, 1)) - 1;
        v->reset_t = t;
        v->reset_review = x->as_of > t && t + 1 >= from && t + 1 <= p->last;
    }
}

static int cmp_contact_ptr(const void *a, const void *b)
{
    const ck_contact *p = *(const ck_contact *const *)a, *q = *(const ck_contact *const *)b;
    if (p->date != q->date) return p->date < q->date ? -1 : 1;
    return strcmp(p->id, q->id);
}

static void index_contacts(eval *x)
{
    const ck_case *c = x->c;
    for (size_t i = 0; i < c->n_contacts; i++) {
        for (size_t j = 0; j < x->n_ev; j++)
            if (ck_streq(c->contacts[i].event, x->ev[j].e->id)) {
                x->ev[j].ncon++;
                break;
            }
    }
    for (size_t j = 0; j < x->n_ev; j++) {
        evx *v = &x->ev[j];
        v->con = ck_arena_array(&x->scratch, v->ncon, sizeof *v->con);
        v->att = ck_arena_array(&x->scratch, v->ncon, sizeof *v->att);
        v->ncon = 0;
    }
    for (size_t i = 0; i < c->n_contacts; i++) {
        for (size_t j = 0; j < x->n_ev; j++) {
            evx *v = &x->ev[j];
            if (!ck_streq(c->contacts[i].event, v->e->id)) continue;
            v->con[v->ncon++] = &c->contacts[i];
            if (ns_attended(&c->contacts[i])) v->att[v->natt++] = &c->contacts[i];
            break;
        }
    }
    for (size_t j = 0; j < x->n_ev; j++) {
        evx *v = &x->ev[j];
        if (v->ncon > 1) qsort(v->con, v->ncon, sizeof *v->con, cmp_contact_ptr);
        if (v->natt > 1) qsort(v->att, v->natt, sizeof *v->att, cmp_contact_ptr);
    }
}

/* The CONTACT interval for an attended contact on d in period p. */
static int contact_interval(const eval *x, const ck_period *p, ck_date d, bool *hr)
{
    const ck_rules_config *cfg = x->cfg;
    *hr = high_risk(x, d);
    if (*hr) return cfg->contact_high_risk_days;
    ck_date day = d - p->start;
    if (day < 7 * cfg->contact_first_weeks) return cfg->contact_first_days;
    if (day < 7 * cfg->contact_second_weeks) return cfg->contact_second_days;
    return cfg->contact_later_days;
}

/* CONTACT links: one attended NS contact a day (the smallest ID), in a period,
 * before contact stopped, whose due date is before contact stopped. */
static void build_links(eval *x, evx *v)
{
    v->links = ck_arena_array(&x->scratch, v->natt, sizeof *v->links);
    for (size_t i = 0; i < v->natt; i++) {
        const ck_contact *c = v->att[i];
        if (i > 0 && v->att[i - 1]->date == c->date) continue;
        const ck_period *p = period_at(v, c->date);
        if (!p || c->date >= v->stop) continue;
        link l = {.c = c, .p = p};
        l.interval = contact_interval(x, p, c->date, &l.high_risk);
        l.due = c->date + l.interval;
        v->last_dropped = l.due >= v->stop;
        if (v->last_dropped) continue;
        v->links[v->nlinks++] = l;
    }
}

static bool is_warning(const ck_enforcement *en)
{
    return ck_streq(en->action, "first_warning") || ck_streq(en->action, "second_warning") ||
           ck_streq(en->action, "final_warning");
}

static int cmp_enforcement_date(const void *a, const void *b)
{
    const ck_enforcement *p = *(const ck_enforcement *const *)a, *q = *(const ck_enforcement *const *)b;
    if (p->date != q->date) return p->date < q->date ? -1 : 1;
    return p < q ? -1 : p > q;
}

static int cmp_enforcement_contact(const void *a, const void *b)
{
    const ck_enforcement *p = *(const ck_enforcement *const *)a, *q = *(const ck_enforcement *const *)b;
    int k = strcmp(p->contact, q->contact);
    return k ? k : cmp_enforcement_date(a, b);
}

/* Enforcement by the contact it names, and each event's warnings by date. */
static void index_enforcement(eval *x)
{
    const ck_case *c = x->c;
    x->enf = ck_arena_array(&x->scratch, c->n_enforcement, sizeof *x->enf);
    for (size_t i = 0; i < c->n_enforcement; i++)
        if (c->enforcement[i].contact) x->enf[x->n_enf++] = &c->enforcement[i];
    if (x->n_enf > 1) qsort(x->enf, x->n_enf, sizeof *x->enf, cmp_enforcement_contact);
    for (size_t j = 0; j < x->n_ev; j++) {
        evx *v = &x->ev[j];
        for (size_t i = 0; i < c->n_enforcement; i++) {
            const ck_enforcement *en = &c->enforcement[i];
            if (!is_warning(en) || !ck_streq(en->event, v->e->id)) continue;
            if (!v->warn) v->warn = ck_arena_array(&x->scratch, c->n_enforcement, sizeof *v->warn);
            v->warn[v->nwarn++] = en;
        }
        if (v->nwarn > 1) qsort(v->warn, v->nwarn, sizeof *v->warn, cmp_enforcement_date);
    }
}

static void setup(eval *x)
{
    index_records(x);
    x->n_ev = x->c->n_events;
    x->ev = ck_arena_array(&x->scratch, x->n_ev, sizeof *x->ev);
    for (size_t i = 0; i < x->n_ev; i++) {
        evx *v = &x->ev[i];
        v->e = &x->c->events[i];
        v->s = v->e->has_sentence ? &v->e->sentence : NULL;
        build_periods(x, v);
    }
    index_contacts(x);
    for (size_t i = 0; i < x->n_ev; i++) build_links(x, &x->ev[i]);
    index_enforcement(x);
}

/* ---- Evaluation ------------------------------------------------------------------- */

/* Every rule, in rulebook order; FTC is part of the result too. */
static void (*const RULES[])(eval *) = {
    rule_allocate, rule_allocate_leaver, rule_induction, rule_contact, rule_next_appointment, rule_outcome,
    rule_address, rule_terminate, rule_review_appointment,
    rule_enforce, rule_breach_pack, rule_recall_decision, count_ftc,
    rule_rosh_initial, rule_rosh_review, rule_rosh_change, rule_sentence_plan, rule_oversight,
    rule_da_check, rule_child_check, rule_da_flag_decision, rule_reg_review, rule_mappa_identify,
    rule_vcs_referral, rule_vcs_first_contact, rule_vcs_flag, rule_vcs_representations, rule_vcs_release_notice,
    rule_vcs_recall_notice, rule_vcs_nonstatutory,
    rule_report_due,
};

static int cmp_obligation(const void *a, const void *b)
{
    const ck_obligation *p = a, *q = b;
    if (p->status != q->status) return p->status < q->status ? -1 : 1;
    if (p->severity != q->severity) return p->severity < q->severity ? -1 : 1;
    if (p->due != q->due) return p->due < q->due ? -1 : 1;
    int k = strcmp(p->rule, q->rule);
    return k ? k : strcmp(p->subject, q->subject);
}

ck_result *ck_rules_evaluate(const ck_case *c, ck_date as_of, const ck_calendar *cal, const ck_rules_config *cfg)
{
    ck_result *r = ck_calloc(1, sizeof *r);
    ck_arena_init(&r->arena);
    eval x = {.as_of = as_of, .cal = cal, .cfg = cfg, .r = r};
    ck_arena_init(&x.scratch);
    ck_case view;
    view_at(&view, c, as_of, &x.scratch);
    x.c = &view;
    setup(&x);
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++) RULES[i](&x);

    if (x.n_obs > 1) qsort(x.obs, x.n_obs, sizeof *x.obs, cmp_obligation);
    r->obligations = ck_arena_array(&r->arena, x.n_obs, sizeof *r->obligations);
    if (x.n_obs) memcpy(r->obligations, x.obs, x.n_obs * sizeof *x.obs);
    r->n_obligations = x.n_obs;
    ck_free(x.obs);
    ck_buf_free(&x.line);
    ck_buf_free(&x.unmet);
    ck_buf_free(&x.metby);
    ck_arena_free(&x.scratch);
    return r;
}

void ck_result_free(ck_result *r)
{
    if (!r) return;
    ck_arena_free(&r->arena);
    ck_free(r);
}
