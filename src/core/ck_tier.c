#include "ck_tier.h"
#include "ck_facts.h"
#include "ck_horizon.h"
#include "ck_requirements.h"
#include "ck_str.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- Points (rules-and-sources.md §5.1-5.2) -------------------------------- */

#define LEVEL_A 150          /* protect A from here; also RoSH very high and MAPPA M2/M3 */
#define LEVEL_B 20
#define LEVEL_C 10
#define MAPPA_M1_POINTS 5
#define COMPLEXITY_POINTS 2
#define WOMEN_FACTOR_POINTS 2
#define IOM_POINTS 2
#define CHANGE_3 20
#define CHANGE_2 10
#define CHANGE_NO_ASSESSMENT 2

/* RSR bands in hundredths of a percent (hmpps-tier RsrThresholds: 7.00-99.99
 * and 3.00-6.99); anything else, or an unknown RSR, is 0. */
static const struct { int32_t from, to; int points; } rsr_bands[] = {{700, 9999, 20}, {300, 699, 10}};

/* hmpps-tier ComplexityFactor; Casekeeper's register for terrorism is RTAO. */
static const char *const complexity_registers[] = {
    "RMDO", "ALSH", "RVLN", "RCCO", "RCPR", "RCHD", "RPIR", "RVAD", "STRG", "RTAO"};

int ck_tier_rsr_points(int32_t rsr_centi)
{
    for (size_t i = 0; rsr_centi != CK_NOINT && i < sizeof rsr_bands / sizeof rsr_bands[0]; i++)
        if (rsr_centi >= rsr_bands[i].from && rsr_centi <= rsr_bands[i].to) return rsr_bands[i].points;
    return 0;
}

int ck_tier_rosh_points(const char *level)
{
    static const int points[] = {0, 10, 20, LEVEL_A}; /* low, medium, high, very high */
    int rank = ck_rosh_rank(level);
    return rank < 0 ? 0 : points[rank];
}

int ck_tier_mappa_points(const char *level)
{
    if (ck_streq(level, "M2") || ck_streq(level, "M3")) return LEVEL_A;
    return ck_streq(level, "M1") ? MAPPA_M1_POINTS : 0;
}

int ck_tier_protect_total(const ck_protect_points *p)
{
    int overlap = p->rsr < p->rosh ? p->rsr : p->rosh;
    return p->rsr + p->rosh + p->mappa + p->complexity + p->women - overlap;
}

char ck_tier_protect_level(int total)
{
    return total >= LEVEL_A ? 'A' : total >= LEVEL_B ? 'B' : total >= LEVEL_C ? 'C' : 'D';
}

/* hmpps-tier Need.weighting and NeedSeverity.score. */
static const struct { size_t off; const char *name; int weight; } need_weights[] = {
    {offsetof(ck_needs, accommodation), "accommodation", 1},
    {offsetof(ck_needs, education_training_employment), "education, training and employment", 1},
    {offsetof(ck_needs, relationships), "relationships", 1},
    {offsetof(ck_needs, lifestyle_associates), "lifestyle and associates", 1},
    {offsetof(ck_needs, drug_misuse), "drug misuse", 1},
    {offsetof(ck_needs, alcohol_misuse), "alcohol misuse", 1},
    {offsetof(ck_needs, thinking_behaviour), "thinking and behaviour", 2},
    {offsetof(ck_needs, attitudes), "attitudes", 2},
};
#define N_NEEDS (sizeof need_weights / sizeof need_weights[0])

static const char *need_of(const ck_needs *n, size_t i)
{
    return *(const char *const *)((const char *)n + need_weights[i].off);
}

static int severity_score(const char *s) { return ck_streq(s, "severe") ? 2 : ck_streq(s, "standard") ? 1 : 0; }

int ck_tier_needs_points(const ck_needs *n)
{
    int total = 0;
    for (size_t i = 0; i < N_NEEDS; i++) total += need_weights[i].weight * severity_score(need_of(n, i));
    return total;
}

static const struct { const char *key, *label; } missing_labels[] = {
    {"rsr", "RSR"},
    {"rosh", "RoSH"},
    {"requirements", "sentence requirements"},
    {"oasys.needs", "OASys needs"},
    {"oasys.women", "OASys parenting and self-control answers"},
    {"ogrs3", "OGRS3"},
    {"gender", "gender"},
    {"mappa.level", "MAPPA level"},
};

const char *ck_tier_missing_keys(const ck_tier *t, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->missing.n && used < len; i++) {
        int w = snprintf(out + used, len - used, "%s%s", i ? "," : "", t->missing.item[i].input);
        if (w < 0) break;
        used += (size_t)w;
    }
    return out;
}

const char *ck_tier_missing_label(const char *key)
{
    for (size_t i = 0; i < sizeof missing_labels / sizeof missing_labels[0]; i++)
        if (ck_streq(key, missing_labels[i].key)) return missing_labels[i].label;
    return key;
}

int ck_tier_ogrs_points(int ogrs_percent) { return ogrs_percent > 0 ? ogrs_percent / 10 : 0; }

int ck_tier_change_level(const ck_change_input *in, int *points)
{
    if (points) *points = 0;
    if (!in->mandate) return 0;
    if (!in->assessment) return CHANGE_NO_ASSESSMENT;
    int total = in->needs_points + ck_tier_ogrs_points(in->ogrs_percent) + (in->iom ? IOM_POINTS : 0);
    if (points) *points = total;
    return total >= CHANGE_3 ? 3 : total >= CHANGE_2 ? 2 : 1;
}

/* ---- The tier of a case ------------------------------------------------------- */

static void line(ck_tier_line *lines, size_t *n, size_t max, const char *input, int points, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void line(ck_tier_line *lines, size_t *n, size_t max, const char *input, int points, const char *fmt, ...)
{
    if (*n == max) return;
    ck_tier_line *l = &lines[(*n)++];
    snprintf(l->input, sizeof l->input, "%s", input);
    l->points = points;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->why, sizeof l->why, fmt, ap);
    va_end(ap);
}

#define PROTECT(t, ...) line((t)->protect_lines, &(t)->n_protect, CK_TIER_PROTECT_LINES, __VA_ARGS__)
#define CHANGE(t, ...) line((t)->change_lines, &(t)->n_change, CK_TIER_CHANGE_LINES, __VA_ARGS__)

static const char *id_or_blank(const char *id) { return id ? id : ""; }

/* The event named, when `date` is less than a year before as_of (and not
 * after it) and the event is active at as_of; else NULL. */
static const ck_event *recent_on_active_event(const ck_case *c, const char *event, ck_date date, ck_date as_of,
                                              ck_tier *t)
{
    /* A year after `date` the window no longer holds it: adding 12 months
     * never lands after the first as_of whose year back reaches `date`
     * (a 29 February gives 28 February, a day early), so noting it is safe. */
    if (date != CK_NODATE) ck_horizon_note(&t->changes_on, as_of, ck_date_add_months(date, 12));
    if (date == CK_NODATE || date <= ck_date_add_months(as_of, -12) || date > as_of) return NULL;
    const ck_event *e = ck_case_event(c, event);
    return e && ck_event_active(e, as_of) ? e : NULL;
}

/* previousEnforcementActivity: a breach (not withdrawn) or a recall less than
 * a year old, on an event active at as_of. */
static bool enforcement_activity(const ck_case *c, ck_date as_of, ck_tier *t, char *what, size_t len)
{
    char d[CK_DATE_STRLEN];
    for (size_t i = 0; i < c->n_breaches; i++) {
        const ck_breach *b = &c->breaches[i];
        const ck_event *e = recent_on_active_event(c, b->event, b->initiated, as_of, t);
        if (!e || ck_streq(b->outcome, "withdrawn")) continue;
        snprintf(what, len, "breach %s initiated %s on active event %s", id_or_blank(b->id),
                 ck_date_fmt(b->initiated, d), id_or_blank(e->id));
        return true;
    }
    for (size_t i = 0; i < c->n_recalls; i++) {
        const ck_recall *r = &c->recalls[i];
        const ck_event *e = recent_on_active_event(c, r->event, r->date, as_of, t);
        if (!e) continue;
        snprintf(what, len, "recall %s dated %s on active event %s", id_or_blank(r->id),
                 ck_date_fmt(r->date, d), id_or_blank(e->id));
        return true;
    }
    snprintf(what, len, "no breach or recall in the last year on an active event");
    return false;
}

/* The women-only OASys answers (6.9, 11.2, 11.4) are not held: with a current
 * OASys assessment they are missing (0 points); without one the reference
 * counts them 0 too, by its rule. */
static int women_factors(const ck_case *c, ck_date as_of, bool assessment, ck_tier *t)
{
    const char *g = c->person.gender;
    if (ck_streq(g, "M") || ck_streq(g, "X")) return 0;
    if (!ck_streq(g, "F")) {
        ck_missing_add(&t->missing, "gender",
                       "gender %s: whether the additional factors for women apply is not known; counted as not female",
                       g ? "U (not known)" : "not recorded");
        return 0;
    }
    if (assessment) {
        PROTECT(t, "women:oasys", 0, "OASys 6.9 parenting and 11.2/11.4 impulsivity or temper control are not held: 0 points");
        ck_missing_add(&t->missing, "oasys.women",
                       "OASys 6.9 parenting and 11.2/11.4 impulsivity or temper control (factors for women) are not held: counted as 0 points");
    } else {
        PROTECT(t, "women:oasys", 0, "no OASys assessment: the OASys factors for women count 0");
    }
    char what[160];
    int points = enforcement_activity(c, as_of, t, what, sizeof what) ? WOMEN_FACTOR_POINTS : 0;
    PROTECT(t, "women:enforcement", points, "%s", what);
    return points;
}

/* The latest assessment of `kind` completed on or before as_of (and, with
 * oldest not CK_NODATE, on or after it) that `usable` accepts; NULL when none. */
static const ck_assessment *latest_assessment(const ck_case *c, const char *kind, ck_date as_of, ck_date oldest,
                                              bool (*usable)(const ck_assessment *))
{
    const ck_assessment *best = NULL;
    for (size_t i = 0; i < c->n_assessments; i++) {
        const ck_assessment *a = &c->assessments[i];
        if (!ck_streq(a->kind, kind) || a->completed == CK_NODATE || a->completed > as_of) continue;
        if (oldest != CK_NODATE && a->completed < oldest) continue;
        if (!usable(a)) continue;
        if (!best || a->completed >= best->completed) best = a;
    }
    return best;
}

static bool has_score(const ck_assessment *a) { return a->score != CK_NOINT; }
static bool has_needs(const ck_assessment *a) { return a->has_needs; }

static void protect(const ck_case *c, ck_date as_of, bool assessment, ck_tier *t)
{
    char d[CK_DATE_STRLEN], asof[CK_DATE_STRLEN];
    ck_date_fmt(as_of, asof);
    ck_protect_points p = {0};

    const ck_assessment *rsr = latest_assessment(c, "rsr", as_of, CK_NODATE, has_score);
    if (rsr) {
        p.rsr = ck_tier_rsr_points(rsr->score);
        PROTECT(t, "rsr", p.rsr, "RSR %d.%02d%% (assessment %s completed %s)", (int)rsr->score / 100,
                (int)rsr->score % 100, id_or_blank(rsr->id), ck_date_fmt(rsr->completed, d));
    } else {
        PROTECT(t, "rsr", 0, "no RSR completed on or before %s: 0 points", asof);
        ck_missing_add(&t->missing, "rsr", "no RSR completed on or before %s: counted as 0 points", asof);
    }

    if (ck_rosh_latest(c, as_of, &t->rosh)) {
        p.rosh = ck_tier_rosh_points(t->rosh.level);
        if (t->rosh.register_type)
            PROTECT(t, "rosh", p.rosh, "RoSH %s (%s registration %s from %s)", t->rosh.level, t->rosh.register_type,
                    id_or_blank(t->rosh.id), ck_date_fmt(t->rosh.date, d));
        else
            PROTECT(t, "rosh", p.rosh, "RoSH %s (assessment %s completed %s)", t->rosh.level, id_or_blank(t->rosh.id),
                    ck_date_fmt(t->rosh.date, d));
    } else {
        PROTECT(t, "rosh", 0, "no RoSH registration in force or assessment completed on or before %s: 0 points", asof);
        ck_missing_add(&t->missing, "rosh",
                       "no RoSH registration in force or assessment completed on or before %s: counted as 0 points", asof);
    }

    const ck_registration *mappa = ck_registration_current(c, "MAPP", as_of);
    if (!mappa) {
        PROTECT(t, "mappa", 0, "no MAPP registration in force");
    } else {
        p.mappa = ck_tier_mappa_points(mappa->level);
        PROTECT(t, "mappa", p.mappa, "MAPPA level %s (registration %s from %s)", mappa->level ? mappa->level : "not recorded",
                id_or_blank(mappa->id), ck_date_fmt(mappa->date, d));
        if (!mappa->level)
            ck_missing_add(&t->missing, "mappa.level", "MAPP registration %s has no level: counted as 0 points",
                           id_or_blank(mappa->id));
    }

    for (size_t i = 0; i < sizeof complexity_registers / sizeof complexity_registers[0]; i++) {
        const ck_registration *r = ck_registration_current(c, complexity_registers[i], as_of);
        if (!r) continue;
        char key[32];
        snprintf(key, sizeof key, "complexity:%s", complexity_registers[i]);
        p.complexity += COMPLEXITY_POINTS;
        PROTECT(t, key, COMPLEXITY_POINTS, "%s registration %s in force from %s", complexity_registers[i],
                id_or_blank(r->id), ck_date_fmt(r->date, d));
    }

    p.women = women_factors(c, as_of, assessment, t);

    t->protect_points = ck_tier_protect_total(&p);
    int overlap = p.rsr + p.rosh + p.mappa + p.complexity + p.women - t->protect_points;
    if (overlap)
        PROTECT(t, "rsr_rosh_overlap", -overlap, "only the higher of the RSR and RoSH points counts");
    t->protect = ck_tier_protect_level(t->protect_points);
    t->points.rsr = p.rsr;
    t->points.rosh = p.rosh;
    t->points.mappa = p.mappa;
    t->points.complexity = p.complexity;
    t->points.women = p.women;
    t->points.protect = t->protect_points;
}

static void change(const ck_case *c, ck_date as_of, const ck_assessment *a, ck_tier *t)
{
    char d[CK_DATE_STRLEN];
    ck_change_input in = {false, a != NULL, 0, -1, false};
    ck_mandate m;
    ck_mandate_for_change(c, as_of, &m);
    const ck_event *unknown = m.unrecorded;
    in.mandate = m.mandate;
    if (m.mandate && m.requirement) {
        CHANGE(t, "mandate", 0, "event %s: requirement %s (%s) in force", id_or_blank(m.event->id),
               id_or_blank(m.requirement->id), m.requirement->type);
    } else if (m.mandate) {
        CHANGE(t, "mandate", 0, "event %s: custody in force", id_or_blank(m.event->id));
    } else if (unknown) {
        CHANGE(t, "mandate", 0, "event %s: %s in force with no requirements recorded: no mandate for change, level 0",
               id_or_blank(unknown->id), unknown->sentence.type);
        ck_missing_add(&t->missing, "requirements",
                       "event %s: %s in force with no requirements recorded: counted as no mandate for change",
                       id_or_blank(unknown->id), unknown->sentence.type);
    } else {
        CHANGE(t, "mandate", 0, "no event in force is custody or has a requirement that gives a mandate for change: level 0");
    }
    if (in.mandate) {
        if (!a)
            CHANGE(t, "oasys", 0, "no current OASys assessment on %s: level %d",
                   ck_date_fmt(as_of, d), CHANGE_NO_ASSESSMENT);
        else
            CHANGE(t, "oasys", 0, "OASys %s assessment %s completed %s", a->kind, id_or_blank(a->id),
                   ck_date_fmt(a->completed, d));
    }

    if (in.mandate && in.assessment) {
        const ck_assessment *n = latest_assessment(c, "oasys", as_of, a->completed, has_needs);
        if (n) {
            in.needs_points = ck_tier_needs_points(&n->needs);
            CHANGE(t, "needs", in.needs_points, "OASys needs of assessment %s completed %s", id_or_blank(n->id),
                   ck_date_fmt(n->completed, d));
        } else {
            CHANGE(t, "needs", 0, "the current OASys assessment has no needs recorded: 0 points");
            ck_missing_add(&t->missing, "oasys.needs",
                           "OASys assessment %s has no needs recorded: counted as 0 points", id_or_blank(a->id));
        }
        if (t->ogrs3.status == CK_SCORE_OK) {
            in.ogrs_percent = t->ogrs3.p2;
            CHANGE(t, "ogrs", ck_tier_ogrs_points(t->ogrs3.p2), "OGRS3 2-year %d%% / 10", t->ogrs3.p2);
        } else {
            CHANGE(t, "ogrs", 0, "OGRS3 could not be computed: 0 points");
            ck_missing_add(&t->missing, "ogrs3", "OGRS3 could not be computed (see its missing inputs): counted as 0 points");
        }
        const ck_registration *iom = ck_registration_current(c, "IIOM", as_of);
        in.iom = iom != NULL;
        if (iom)
            CHANGE(t, "iom", IOM_POINTS, "IIOM registration %s in force from %s", id_or_blank(iom->id),
                   ck_date_fmt(iom->date, d));
        else
            CHANGE(t, "iom", 0, "no IIOM registration in force");
        t->points.needs = in.needs_points;
        t->points.ogrs = ck_tier_ogrs_points(in.ogrs_percent);
        t->points.iom = in.iom ? IOM_POINTS : 0;
    }
    t->change = ck_tier_change_level(&in, &t->change_points);
    t->points.change = t->change_points;
}

/* The "S" suffix: a PRC registration, or the reset has stopped contact on
 * every period active at as_of (and there is at least one). */
static void unsupervised(const ck_case *c, ck_date as_of, ck_date reset_from, ck_tier *t)
{
    char d[CK_DATE_STRLEN];
    const ck_registration *prc = ck_registration_current(c, "PRC", as_of);
    if (prc) {
        t->unsupervised = true;
        snprintf(t->why_unsupervised, sizeof t->why_unsupervised, "PRC registration %s in force from %s",
                 id_or_blank(prc->id), ck_date_fmt(prc->date, d));
        return;
    }
    size_t active = 0, stopped = 0;
    const ck_event *last_event = NULL;
    ck_date last_stop = CK_NODATE;
    for (size_t i = 0; i < c->n_events; i++) {
        ck_period periods[2];
        size_t n = ck_event_periods(c, &c->events[i], as_of, periods);
        for (size_t k = 0; k < n; k++) {
            if (!ck_period_active(&periods[k], as_of)) continue;
            active++;
            ck_date stop = ck_reset_contact_stop(c, &c->events[i], &periods[k], as_of, reset_from);
            ck_horizon_note(&t->changes_on, as_of, stop);
            if (stop == CK_NODATE || stop > as_of) continue;
            stopped++;
            last_event = &c->events[i];
            last_stop = stop;
        }
    }
    if (active == 0 || stopped < active) return;
    t->unsupervised = true;
    snprintf(t->why_unsupervised, sizeof t->why_unsupervised,
             "probation reset: contact stopped on %s for event %s", ck_date_fmt(last_stop, d), id_or_blank(last_event->id));
}

void ck_tier_case(const ck_case *c, ck_date as_of, const ck_rules_config *cfg, ck_tier *out)
{
    memset(out, 0, sizeof *out);
    out->rosh.date = CK_NODATE;
    out->changes_on = CK_NODATE;
    ck_ogrs3_case(c, as_of, &out->ogrs3);
    for (size_t i = 0; i < c->n_events && !out->supervised; i++)
        out->supervised = ck_event_active(&c->events[i], as_of);
    const ck_assessment *a = ck_oasys_current(c, as_of, cfg->rosh_max_age_weeks);
    if (a) ck_horizon_note(&out->changes_on, as_of, ck_oasys_expires(a, cfg->rosh_max_age_weeks));
    protect(c, as_of, a != NULL, out);
    change(c, as_of, a, out);
    unsupervised(c, as_of, cfg->probation_reset ? cfg->probation_reset_from : CK_NODATE, out);
    out->provisional = out->missing.n > 0;
    snprintf(out->tier, sizeof out->tier, "%c%d%s", out->protect, out->change, out->unsupervised ? "S" : "");
}

const ck_tier_line *ck_tier_line_find(const ck_tier *t, const char *input)
{
    for (size_t i = 0; i < t->n_protect; i++)
        if (strcmp(t->protect_lines[i].input, input) == 0) return &t->protect_lines[i];
    for (size_t i = 0; i < t->n_change; i++)
        if (strcmp(t->change_lines[i].input, input) == 0) return &t->change_lines[i];
    return NULL;
}
