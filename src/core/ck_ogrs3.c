#include "ck_ogrs3.h"
#include "ck_facts.h"
#include "ck_str.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- Coefficients (rules-and-sources.md §4.1) ------------------------------ */

#define COPAS_WEIGHT 1.25112
#define INTERCEPT_1YR 1.40256
#define INTERCEPT_2YR 2.1217
#define STATUS_FIRST 0.12614  /* total sanctions == 1 */
#define STATUS_REPEAT 0.46306
#define MIN_AGE 10            /* the age of criminal responsibility: the tables start there */

/* Age at the start of follow-up, from `from` years (the last row has no upper bound). */
static const struct { int from; double male, female; } age_gender[] = {
    {10, 0.0, 0.785},         {12, 0.08392, 0.61385}, {14, 0.07578, 0.66952},
    {16, -0.0616, -0.9592},   {18, -0.6251, -0.8975}, {21, -1.0515, -1.0285},
    {25, -1.1667, -1.0528},   {30, -1.326, -1.1291},  {35, -1.368, -1.4219},
    {40, -1.4997, -1.5247},   {50, -2.0253, -2.4498},
};

/* Our snake_case categories (case-bundle.md) in the order of the source table.
 * Terrorism is a Casekeeper category with no OGRS3 row. */
static const struct { const char *category; double coef; } offence[] = {
    {"violence", 0.0},          {"robbery", -0.6348},          {"sexual_child", -0.6534},
    {"sexual_adult", 0.0328},   {"drug_import", -0.7956},      {"drug_possession_supply", 0.0772},
    {"burglary_domestic", -0.1239}, {"burglary_other", 0.2406}, {"theft", 0.6612},
    {"theft_from_vehicle", 0.4272}, {"taking_vehicle", 0.3801}, {"handling", 0.3519},
    {"fraud", 0.1599},          {"criminal_damage", 0.2050},   {"public_order", 0.1819},
    {"drink_driving", -0.1214}, {"other_motoring", 0.2622},    {"absconding_bail", 0.7334},
    {"soliciting", 0.7606},     {"other", -0.0607},
};

bool ck_ogrs3_offence_coefficient(const char *category, double *out)
{
    for (size_t i = 0; i < sizeof offence / sizeof offence[0]; i++)
        if (ck_streq(category, offence[i].category)) {
            *out = offence[i].coef;
            return true;
        }
    return false;
}

const char *ck_ogrs3_band_name(ck_ogrs3_band b)
{
    static const char *const names[] = {"low", "medium", "high", "very_high"};
    return (unsigned)b <= CK_OGRS3_VERY_HIGH ? names[b] : "unknown";
}

/* ---- The source's rounding --------------------------------------------------- */

/* BigDecimal(x).multiply(scale).setScale(0, HALF_UP) for x >= 0 and an integer
 * scale: half up on the exact binary value of x, not on its decimal print.
 * The product is rounded once in double; fma (one rounding, which keeps the
 * sign) tells on which side of each half-way point the exact product lies. */
static int64_t half_up_scaled(double x, double scale)
{
    double q = floor(x * scale + 0.5);
    while (fma(x, scale, -(q - 0.5)) < 0) q -= 1;
    while (fma(x, scale, -(q + 0.5)) >= 0) q += 1;
    return (int64_t)q;
}

/* roundTo5Decimals: half up, away from zero for negatives (BigDecimal), back
 * to the nearest double. */
static double round5(double x)
{
    double r = (double)half_up_scaled(fabs(x), 1e5) / 1e5;
    return x < 0 ? -r : r;
}

/* asPercentage then sanitisePercentage: 0% and 100% are shown as 1% and 99%. */
static int percentage(double p5)
{
    int64_t pct = half_up_scaled(p5, 100);
    return pct < 1 ? 1 : pct > 99 ? 99 : (int)pct;
}

static double logistic(double x)
{
    double e = exp(x);
    return e / (1.0 + e);
}

/* ---- The scale -------------------------------------------------------------- */

static void init(ck_ogrs3 *out)
{
    memset(out, 0, sizeof *out);
    out->status = CK_SCORE_MISSING;
    out->follow_up = CK_NODATE;
    out->age_at_conviction = out->age_at_follow_up = -1;
}

static void invalid_age(ck_missing_list *m, const char *input, int age, const char *when)
{
    if (age < 0)
        ck_missing_add(m, input, "the date of birth is after the %s", when);
    else
        ck_missing_add(m, input, "age %d at the %s: OGRS3 starts at age %d", age, when, MIN_AGE);
}

/* Adds to what out->missing already holds (ck_ogrs3_case names the records
 * first; a later generic reason for the same input is dropped). */
static void score(const ck_ogrs3_input *in, ck_ogrs3 *out)
{
    ck_missing_list *m = &out->missing;
    bool male = ck_streq(in->gender, "M"), female = ck_streq(in->gender, "F");
    if (!in->gender)
        ck_missing_add(m, "gender", "gender is not recorded");
    else if (!male && !female)
        ck_missing_add(m, "gender", "gender %s: OGRS3 has coefficients for male and female only", in->gender);
    if (in->date_of_birth == CK_NODATE) ck_missing_add(m, "date_of_birth", "date of birth is not recorded");
    if (in->total_sanctions == CK_NOINT)
        ck_missing_add(m, "total_sanctions", "offending_history.total_sanctions is not recorded");
    if (in->age_at_first_sanction == CK_NOINT)
        ck_missing_add(m, "age_at_first_sanction", "offending_history.age_at_first_sanction is not recorded");
    if (in->conviction == CK_NODATE) ck_missing_add(m, "conviction_date", "no conviction (sentence) date");
    if (in->follow_up == CK_NODATE) ck_missing_add(m, "follow_up_date", "the start of follow-up is not known");
    double off = 0;
    if (!in->category)
        ck_missing_add(m, "offence_category", "no offence category");
    else if (!ck_ogrs3_offence_coefficient(in->category, &off))
        ck_missing_add(m, "offence_category", "%s has no OGRS3 offence coefficient", in->category);
    if (in->category) snprintf(out->category, sizeof out->category, "%s", in->category);
    out->follow_up = in->follow_up;
    if (m->n) {
        out->status = CK_SCORE_MISSING;
        return;
    }

    int age_conv = ck_age_on(in->date_of_birth, in->conviction);
    int age_fu = ck_age_on(in->date_of_birth, in->follow_up);
    out->age_at_conviction = age_conv;
    out->age_at_follow_up = age_fu;
    if (in->total_sanctions < 1)
        ck_missing_add(m, "total_sanctions", "%d: expected 1 or more (the count includes the current sanction)",
                       (int)in->total_sanctions);
    if (age_conv < MIN_AGE) invalid_age(m, "date_of_birth", age_conv, "current conviction");
    else if (in->age_at_first_sanction > age_conv)
        ck_missing_add(m, "age_at_first_sanction", "%d is after the age at the current conviction (%d)",
                       (int)in->age_at_first_sanction, age_conv);
    if (age_fu < MIN_AGE) invalid_age(m, "follow_up_date", age_fu, "start of follow-up");
    if (m->n) {
        out->status = CK_SCORE_INVALID;
        return;
    }

    size_t row = 0;
    while (row + 1 < sizeof age_gender / sizeof age_gender[0] && age_fu >= age_gender[row + 1].from) row++;
    out->age_gender = male ? age_gender[row].male : age_gender[row].female;
    out->conviction_status = in->total_sanctions == 1 ? STATUS_FIRST : STATUS_REPEAT;
    /* The denominator is at least 10: the first sanction is not after the current one. */
    double ratio = (double)in->total_sanctions / (double)(10 + age_conv - in->age_at_first_sanction);
    /* Unrounded, as §4.1 and the reference since October 2025 (it rounded
     * ln(...) to 5 dp before scaling until then). */
    out->copas = log(ratio) * COPAS_WEIGHT;
    out->offence = off;
    /* The source sums in this order; double addition is not associative. */
    out->total = out->age_gender + out->conviction_status + out->copas + out->offence;
    out->p1 = percentage(round5(logistic(INTERCEPT_1YR + out->total)));
    out->p2 = percentage(round5(logistic(INTERCEPT_2YR + out->total)));
    out->band = out->p2 >= 90 ? CK_OGRS3_VERY_HIGH : out->p2 >= 75 ? CK_OGRS3_HIGH
              : out->p2 >= 50 ? CK_OGRS3_MEDIUM : CK_OGRS3_LOW;
    out->status = CK_SCORE_OK;
}

void ck_ogrs3_compute(const ck_ogrs3_input *in, ck_ogrs3 *out)
{
    init(out);
    score(in, out);
}

/* The latest sentence dated on or before as_of; two on one day: the one listed
 * last (the most recently recorded). */
static const ck_event *current_event(const ck_case *c, ck_date as_of, size_t *index)
{
    const ck_event *best = NULL;
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        if (!e->has_sentence || e->sentence.date == CK_NODATE || e->sentence.date > as_of) continue;
        if (!best || e->sentence.date >= best->sentence.date) {
            best = e;
            *index = i;
        }
    }
    return best;
}

/* The main offence: the one marked main, or the only one. NULL with the
 * number marked main in *n_main when that is not exactly one. */
static const ck_offence *main_offence(const ck_event *e, size_t *n_main)
{
    const ck_offence *found = NULL;
    *n_main = 0;
    for (size_t i = 0; i < e->n_offences; i++)
        if (e->offences[i].main == 1) {
            found = &e->offences[i];
            (*n_main)++;
        }
    if (*n_main == 0 && e->n_offences == 1) return &e->offences[0];
    return *n_main == 1 ? found : NULL;
}

void ck_ogrs3_case(const ck_case *c, ck_date as_of, ck_ogrs3 *out)
{
    init(out);
    ck_missing_list *m = &out->missing;
    const ck_person *p = &c->person;
    ck_ogrs3_input in = {p->gender, p->date_of_birth, CK_NODATE, CK_NODATE, CK_NOINT, CK_NOINT, NULL};
    if (p->has_offending_history) {
        in.total_sanctions = p->offending_history.total_sanctions;
        in.age_at_first_sanction = p->offending_history.age_at_first_sanction;
    }

    size_t i = 0;
    const ck_event *e = current_event(c, as_of, &i);
    if (!e) {
        char d[CK_DATE_STRLEN];
        ck_date_fmt(as_of, d);
        ck_missing_add(m, "conviction_date", "no event was sentenced on or before %s", d);
        ck_missing_add(m, "follow_up_date", "no event was sentenced on or before %s", d);
        ck_missing_add(m, "offence_category", "no event was sentenced on or before %s", d);
        score(&in, out);
        return;
    }
    snprintf(out->event, sizeof out->event, "%s", e->id ? e->id : "");
    const ck_sentence *s = &e->sentence;
    in.conviction = s->date;
    size_t n_main_conv;
    const ck_offence *conv = main_offence(e, &n_main_conv);
    if (conv && conv->conviction_date != CK_NODATE) in.conviction = conv->conviction_date;
    bool community = ck_streq(s->type, "community_order") || ck_streq(s->type, "sso");
    in.follow_up = community ? s->date : s->release_date;
    if (in.follow_up == CK_NODATE)
        ck_missing_add(m, "follow_up_date", "events[%zu] (%s) is a %s with no release date: follow-up starts on release",
                       i, out->event, s->type);

    size_t n_main;
    const ck_offence *o = main_offence(e, &n_main);
    double coef;
    if (!o)
        ck_missing_add(m, "offence_category", "events[%zu] (%s) has %zu offences marked main: expected one",
                       i, out->event, n_main);
    else if (!ck_ogrs3_offence_coefficient(o->category, &coef))
        ck_missing_add(m, "offence_category", "events[%zu] (%s) main offence %s is %s, which has no OGRS3 coefficient",
                       i, out->event, o->id ? o->id : "", o->category ? o->category : "not categorised");
    if (o) in.category = o->category;
    score(&in, out);
}
