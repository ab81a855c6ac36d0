#include "ck_tier.h"
#include "ck_facts.h"
#include "ck_str.h"
#include <stdarg.h>
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
static const ck_event *recent_on_active_event(const ck_case *c, const char *event, ck_date date, ck_date as_of)
{
    if (date == CK_NODATE || date <= ck_date_add_months(as_of, -12) || date > as_of) return NULL;
    const ck_event *e = ck_case_event(c, event);
    return e && ck_event_active(e, as_of) ? e : NULL;
}

/* previousEnforcementActivity: a breach (not withdrawn) or a recall less than
 * a year old, on an event active at as_of. */
static bool enforcement_activity(const ck_case *c, ck_date as_of, char *what, size_t len)
{
    char d[CK_DATE_STRLEN];
    for (size_t i = 0; i < c->n_breaches; i++) {
        const ck_breach *b = &c->breaches[i];
        const ck_event *e = recent_on_active_event(c, b->event, b->initiated, as_of);
        if (!e || ck_streq(b->outcome, "withdrawn")) continue;
        snprintf(what, len, "breach %s initiated %s on active event %s", id_or_blank(b->id),
                 ck_date_fmt(b->initiated, d), id_or_blank(e->id));
        return true;
    }
    for (size_t i = 0; i < c->n_recalls; i++) {
        const ck_recall *r = &c->recalls[i];
        const ck_event *e = recent_on_active_event(c, r->event, r->date, as_of);
        if (!e) continue;
        snprintf(what, len, "recall %s dated %s on active event %s", id_or_blank(r->id),
                 ck_date_fmt(r->date, d), id_or_blank(e->id));
        return true;
    }
    snprintf(what, len, "no breach or recall in the last year on an active event");
    return false;
}

static int women_factors(const ck_case *c, ck_date as_of, ck_tier *t)
{
    const char *g = c->person.gender;
    if (ck_streq(g, "M") || ck_streq(g, "X")) return 0;
    if (!ck_streq(g, "F")) {
        ck_missing_add(&t->missing, "gender",
                       "gender %s: whether the additional factors for women apply is not known; counted as not female",
                       g ? "U (not known)" : "not recorded");
        return 0;
    }
    PROTECT(t, "women:parenting", 0, "OASys 6.9 parenting responsibilities is not held in Casekeeper: 0 points");
    ck_missing_add(&t->missing, "oasys.6.9",
                   "OASys 6.9 parenting responsibilities (a factor for women) is not held: counted as 0 points");
    PROTECT(t, "women:self_control", 0, "OASys 11.2 impulsivity and 11.4 temper control are not held in Casekeeper: 0 points");
    ck_missing_add(&t->missing, "oasys.11.2/11.4",
                   "OASys 11.2 impulsivity and 11.4 temper control (a factor for women) are not held: counted as 0 points");
    char what[160];
    int points = enforcement_activity(c, as_of, what, sizeof what) ? WOMEN_FACTOR_POINTS : 0;
    PROTECT(t, "women:enforcement", points, "%s", what);
    return points;
}

static void protect(const ck_case *c, ck_date as_of, ck_tier *t)
{
    char d[CK_DATE_STRLEN], asof[CK_DATE_STRLEN];
    ck_date_fmt(as_of, asof);
    ck_protect_points p = {0};

    p.rsr = ck_tier_rsr_points(CK_NOINT);
    PROTECT(t, "rsr", p.rsr, "RSR is not held in Casekeeper: 0 points");
    ck_missing_add(&t->missing, "rsr", "RSR is not held in Casekeeper: counted as 0 points");

    const ck_assessment *rosh = ck_rosh_current(c, as_of);
    if (rosh) {
        p.rosh = ck_tier_rosh_points(rosh->level);
        PROTECT(t, "rosh", p.rosh, "RoSH %s (assessment %s completed %s)", rosh->level ? rosh->level : "without a level",
                id_or_blank(rosh->id), ck_date_fmt(rosh->completed, d));
    } else {
        PROTECT(t, "rosh", 0, "no RoSH assessment completed on or before %s: 0 points", asof);
        ck_missing_add(&t->missing, "rosh", "no RoSH assessment completed on or before %s: counted as 0 points", asof);
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

    p.women = women_factors(c, as_of, t);

    t->protect_points = ck_tier_protect_total(&p);
    int overlap = p.rsr + p.rosh + p.mappa + p.complexity + p.women - t->protect_points;
    if (overlap)
        PROTECT(t, "rsr_rosh_overlap", -overlap, "only the higher of the RSR and RoSH points counts");
    t->protect = ck_tier_protect_level(t->protect_points);
}

static void change(const ck_case *c, ck_date as_of, int oasys_weeks, ck_tier *t)
{
    char d[CK_DATE_STRLEN];
    ck_change_input in = {false, false, 0, -1, false};
    const ck_event *mandate = NULL;
    for (size_t i = 0; i < c->n_events && !mandate; i++) {
        const ck_event *e = &c->events[i];
        const char *type = e->sentence.type;
        if (ck_event_active(e, as_of) &&
            (ck_streq(type, "custody") || ck_streq(type, "community_order") || ck_streq(type, "sso")))
            mandate = e;
    }
    in.mandate = mandate != NULL;
    if (!mandate) {
        CHANGE(t, "mandate", 0, "no sentence in force is custody, a community order or an SSO: no mandate for change, level 0");
    } else {
        CHANGE(t, "mandate", 0, "event %s: %s in force (every CO/SSO counts as a mandate: requirements are not held)",
               id_or_blank(mandate->id), mandate->sentence.type);
        const ck_assessment *a = ck_oasys_current(c, as_of, oasys_weeks);
        in.assessment = a != NULL;
        if (!a)
            CHANGE(t, "oasys", 0, "no OASys assessment (RoSH or sentence plan) in the %d weeks up to %s: level %d",
                   oasys_weeks, ck_date_fmt(as_of, d), CHANGE_NO_ASSESSMENT);
        else
            CHANGE(t, "oasys", 0, "OASys %s assessment %s completed %s", a->kind, id_or_blank(a->id),
                   ck_date_fmt(a->completed, d));
    }

    if (in.mandate && in.assessment) {
        CHANGE(t, "needs", 0, "OASys needs scores are not held in Casekeeper: 0 points");
        ck_missing_add(&t->missing, "oasys.needs",
                       "OASys needs scores are not held: counted as an assessment without needs answers (0 points)");
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
    }
    t->change = ck_tier_change_level(&in, &t->change_points);
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
    ck_ogrs3_case(c, as_of, &out->ogrs3);
    for (size_t i = 0; i < c->n_events && !out->supervised; i++)
        out->supervised = ck_event_active(&c->events[i], as_of);
    if (!out->supervised) {
        snprintf(out->tier, sizeof out->tier, "NOT_SUPERVISED");
        return;
    }
    protect(c, as_of, out);
    change(c, as_of, cfg->rosh_max_age_weeks, out);
    unsupervised(c, as_of, cfg->probation_reset ? cfg->probation_reset_from : CK_NODATE, out);
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
