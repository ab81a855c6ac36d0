#include "ck_inspect.h"
#include "ck_mem.h"
#include "ck_str.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Ratings ------------------------------------------------------------------ */

static const char *const rating_names[] = {"inadequate", "requires_improvement", "good", "outstanding"};
static const char *const rating_titles[] = {"Inadequate", "Requires improvement", "Good", "Outstanding"};

const char *ck_rating_name(ck_rating r) { return (unsigned)r <= CK_RATING_OUTSTANDING ? rating_names[r] : "unknown"; }
const char *ck_rating_title(ck_rating r) { return (unsigned)r <= CK_RATING_OUTSTANDING ? rating_titles[r] : "Unknown"; }

bool ck_rating_parse(const char *s, ck_rating *out)
{
    for (int i = 0; i <= CK_RATING_OUTSTANDING; i++)
        if (ck_streq(s, rating_names[i])) {
            *out = (ck_rating)i;
            return true;
        }
    return false;
}

ck_rating_thresholds ck_inspect_thresholds(const ck_rules_config *cfg)
{
    return (ck_rating_thresholds){cfg->rating_outstanding_pct, cfg->rating_good_pct,
                                  cfg->rating_requires_improvement_pct};
}

ck_rating ck_inspect_rate(int64_t met, int64_t counted, const ck_rating_thresholds *t)
{
    /* met / counted >= pct / 100, in integers so a boundary is exact. */
    if (met * 100 >= (int64_t)t->outstanding_pct * counted) return CK_RATING_OUTSTANDING;
    if (met * 100 >= (int64_t)t->good_pct * counted) return CK_RATING_GOOD;
    if (met * 100 >= (int64_t)t->requires_improvement_pct * counted) return CK_RATING_REQUIRES_IMPROVEMENT;
    return CK_RATING_INADEQUATE;
}

/* ---- Overall bands ------------------------------------------------------------ */

static const struct {
    const char *key;
    size_t off;
} band_keys[] = {
    {"inspection.band.requires_improvement_min", offsetof(ck_inspect_bands, requires_improvement_min)},
    {"inspection.band.good_min", offsetof(ck_inspect_bands, good_min)},
    {"inspection.band.outstanding_min", offsetof(ck_inspect_bands, outstanding_min)},
};

bool ck_inspect_bands_set(ck_inspect_bands *b, const char *key, const char *value, char *err, size_t err_len)
{
    if (strncmp(key, "inspection.band.", 16) != 0) return true;
    for (size_t i = 0; i < sizeof band_keys / sizeof band_keys[0]; i++) {
        if (strcmp(key, band_keys[i].key) != 0) continue;
        char *end;
        long v = strtol(value, &end, 10);
        if (!*value || *end || v < 1 || v > CK_INSPECT_MAX_POINTS) {
            snprintf(err, err_len, "%s: expected whole points from 1 to %d, got \"%s\"", key, CK_INSPECT_MAX_POINTS,
                     value);
            return false;
        }
        *(int *)((char *)b + band_keys[i].off) = (int)v;
        return true;
    }
    snprintf(err, err_len, "%s: expected one of inspection.band.requires_improvement_min, good_min, outstanding_min",
             key);
    return false;
}

bool ck_inspect_bands_check(const ck_inspect_bands *b, char *err, size_t err_len)
{
    if (b->requires_improvement_min >= 1 && b->requires_improvement_min < b->good_min &&
        b->good_min < b->outstanding_min && b->outstanding_min <= CK_INSPECT_MAX_POINTS)
        return true;
    snprintf(err, err_len,
             "inspection.band: expected 1 <= requires_improvement_min < good_min < outstanding_min <= %d, got %d, %d, %d",
             CK_INSPECT_MAX_POINTS, b->requires_improvement_min, b->good_min, b->outstanding_min);
    return false;
}

ck_rating ck_inspect_band(int points, const ck_inspect_bands *b)
{
    if (points >= b->outstanding_min) return CK_RATING_OUTSTANDING;
    if (points >= b->good_min) return CK_RATING_GOOD;
    if (points >= b->requires_improvement_min) return CK_RATING_REQUIRES_IMPROVEMENT;
    return CK_RATING_INADEQUATE;
}

/* ---- Standards and key questions --------------------------------------------- */

static const struct {
    const char *key, *title;
} standards[CK_STANDARDS] = {
    {"leadership", "Leadership"},
    {"staff", "Staff"},
    {"services", "Services"},
    {"information_facilities", "Information and facilities"},
    {"assessment", "Assessment"},
    {"planning", "Planning"},
    {"implementation_delivery", "Implementation and delivery"},
    {"reviewing", "Reviewing"},
    {"victims", "Victims"},
};

const char *ck_standard_key(ck_standard s) { return (unsigned)s < CK_STANDARDS ? standards[s].key : "unknown"; }
const char *ck_standard_title(ck_standard s) { return (unsigned)s < CK_STANDARDS ? standards[s].title : "Unknown"; }

bool ck_standard_parse(const char *s, ck_standard *out)
{
    for (int i = 0; i < CK_STANDARDS; i++)
        if (ck_streq(s, standards[i].key)) {
            *out = (ck_standard)i;
            return true;
        }
    return false;
}

/* The rulebook's "From obligations to an inspection rating" table, one row
 * per clause (see ck_inspect.h). */
const ck_measure_def ck_measures[CK_MEASURES] = {
    {"A1", CK_STD_ASSESSMENT, "ROSH_INITIAL met on time", {"ROSH_INITIAL"}, CK_MEASURE_ON_TIME},
    {"A2", CK_STD_ASSESSMENT, "DA_CHECK and CHILD_CHECK met on time", {"DA_CHECK", "CHILD_CHECK"}, CK_MEASURE_ON_TIME},
    {"A3", CK_STD_ASSESSMENT, "DA_FLAG_DECISION met", {"DA_FLAG_DECISION"}, CK_MEASURE_MET},
    {"P1", CK_STD_PLANNING, "SENTENCE_PLAN met on time", {"SENTENCE_PLAN"}, CK_MEASURE_ON_TIME},
    {"I1", CK_STD_IMPLEMENTATION, "INDUCTION met on time", {"INDUCTION"}, CK_MEASURE_ON_TIME},
    {"I2", CK_STD_IMPLEMENTATION, "share of days with no overdue CONTACT", {"CONTACT"}, CK_MEASURE_CONTACT_DAYS},
    {"I3", CK_STD_IMPLEMENTATION, "ENFORCE met on time", {"ENFORCE"}, CK_MEASURE_ON_TIME},
    {"R1", CK_STD_REVIEWING, "ROSH_CHANGE and ROSH_REVIEW met on time", {"ROSH_CHANGE", "ROSH_REVIEW"},
     CK_MEASURE_ON_TIME},
    {"V1", CK_STD_VICTIMS, "VCS_REFERRAL, VCS_FIRST_CONTACT and VCS_RELEASE_NOTICE met on time",
     {"VCS_REFERRAL", "VCS_FIRST_CONTACT", "VCS_RELEASE_NOTICE"}, CK_MEASURE_ON_TIME},
};

int ck_measure_find(const char *key)
{
    for (int i = 0; i < CK_MEASURES; i++)
        if (ck_streq(key, ck_measures[i].key)) return i;
    return -1;
}

static bool measure_has_rule(int m, const char *rule)
{
    for (size_t k = 0; k < 4 && ck_measures[m].rules[k]; k++)
        if (ck_streq(rule, ck_measures[m].rules[k])) return true;
    return false;
}

/* ---- Counting ------------------------------------------------------------------- */

static bool met_by(const ck_inspect_item *it, ck_date d) { return it->met_on != CK_NODATE && it->met_on <= d; }

bool ck_inspect_item_counts(const ck_inspect_period *p, int m, const ck_inspect_item *it, bool *success)
{
    if (m < 0 || m >= CK_MEASURES) return false;
    if (ck_measures[m].kind == CK_MEASURE_CONTACT_DAYS || !measure_has_rule(m, it->rule)) return false;
    if (it->due < p->from || it->due > p->to) return false;
    bool met = met_by(it, p->as_of);
    if (!met && it->due >= p->as_of) return false; /* open: not yet decided */
    *success = met && (ck_measures[m].kind == CK_MEASURE_MET || it->met_on <= it->due);
    return true;
}

/* The last day of the period that I2 counts. */
static ck_date last_day(const ck_inspect_period *p) { return p->to < p->as_of ? p->to : p->as_of; }

/* The days a CONTACT obligation runs (from its contact to its meeting, or
 * to the end when unmet) and is overdue (after its due date, until met),
 * clipped to the period; empty ranges have lo > hi. */
static void contact_ranges(const ck_inspect_period *p, const ck_inspect_item *it, ck_date run[2], ck_date over[2])
{
    ck_date last = last_day(p);
    ck_date end = it->met_on != CK_NODATE && it->met_on < last ? it->met_on : last;
    run[0] = it->contact_date != CK_NODATE && it->contact_date > p->from ? it->contact_date : p->from;
    run[1] = end;
    /* Overdue on d when due < d and not met by d: d in [due + 1, met_on - 1]. */
    over[0] = it->due + 1 > p->from ? it->due + 1 : p->from;
    over[1] = it->met_on != CK_NODATE && it->met_on - 1 < last ? it->met_on - 1 : last;
}

bool ck_inspect_contact_overdue(const ck_inspect_period *p, const ck_inspect_item *it)
{
    if (!ck_streq(it->rule, "CONTACT")) return false;
    ck_date run[2], over[2];
    contact_ranges(p, it, run, over);
    return over[0] <= over[1];
}

void ck_inspect_init(ck_inspect_acc *a, const ck_inspect_period *p)
{
    memset(a, 0, sizeof *a);
    a->period = *p;
    ck_date last = last_day(p);
    a->n_days = last >= p->from ? (size_t)(last - p->from) + 1 : 0;
    a->days = ck_calloc(a->n_days ? a->n_days : 1, 1);
}

void ck_inspect_free(ck_inspect_acc *a)
{
    ck_free(a->days);
    a->days = NULL;
}

enum { DAY_RUN = 1, DAY_OVERDUE = 2 };

static void mark(ck_inspect_acc *a, const ck_date r[2], uint8_t bit)
{
    for (ck_date d = r[0]; d <= r[1]; d++) a->days[d - a->period.from] |= bit;
}

void ck_inspect_add_case(ck_inspect_acc *a, const ck_inspect_item *items, size_t n, ck_met_count case_out[CK_MEASURES])
{
    ck_met_count mine[CK_MEASURES];
    memset(mine, 0, sizeof mine);
    bool any_contact = false;
    /* Which measures read the item's rule, found once for a run of items
     * of one rule (they come grouped by rule, the same string each): the
     * nightly sum does this for every obligation of every case. */
    const char *rule = NULL;
    unsigned reads = 0;
    bool contact = false;
    for (size_t i = 0; i < n; i++) {
        const ck_inspect_item *it = &items[i];
        if (!rule || it->rule != rule) {
            rule = it->rule;
            reads = 0;
            for (int m = 0; m < CK_MEASURES; m++)
                if (ck_measures[m].kind != CK_MEASURE_CONTACT_DAYS && measure_has_rule(m, rule)) reads |= 1u << m;
            contact = ck_streq(rule, "CONTACT");
        }
        for (int m = 0; reads && m < CK_MEASURES; m++) {
            bool ok;
            if (!(reads & (1u << m)) || !ck_inspect_item_counts(&a->period, m, it, &ok)) continue;
            mine[m].counted++;
            mine[m].met += ok;
        }
        if (!a->n_days || !contact) continue;
        if (!any_contact) memset(a->days, 0, a->n_days);
        any_contact = true;
        ck_date run[2], over[2];
        contact_ranges(&a->period, it, run, over);
        mark(a, run, DAY_RUN);
        mark(a, over, DAY_OVERDUE);
    }
    int i2 = ck_measure_find("I2");
    for (size_t d = 0; any_contact && d < a->n_days; d++) {
        if (!(a->days[d] & DAY_RUN)) continue;
        mine[i2].counted++;
        mine[i2].met += !(a->days[d] & DAY_OVERDUE);
    }
    bool counted = false;
    for (int m = 0; m < CK_MEASURES; m++) {
        a->counts[m].met += mine[m].met;
        a->counts[m].counted += mine[m].counted;
        counted = counted || mine[m].counted > 0;
    }
    if (case_out) memcpy(case_out, mine, sizeof mine);
    if (counted) a->cases++;
}

/* ---- The score ------------------------------------------------------------------- */

/* a < b as fractions (both counted > 0). */
static bool lower(const ck_met_count *a, const ck_met_count *b) { return a->met * b->counted < b->met * a->counted; }

void ck_inspect_score_compute(const ck_met_count measures[CK_MEASURES], const ck_org_rating org[CK_ORG_STANDARDS],
                              const ck_rating_thresholds *t, const ck_inspect_bands *b, ck_inspect_score *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->measures, measures, sizeof out->measures);
    for (int s = 0; s < CK_STANDARDS; s++) {
        ck_standard_score *ss = &out->standards[s];
        ss->lowest_measure = -1;
        if (!ck_standard_is_case((ck_standard)s)) {
            ss->rated = org[s].rated;
            ss->rating = org[s].rated ? org[s].rating : CK_RATING_INADEQUATE;
        } else {
            for (int m = 0; m < CK_MEASURES; m++) {
                if ((int)ck_measures[m].standard != s || measures[m].counted == 0) continue;
                if (ss->lowest_measure < 0 || lower(&measures[m], &measures[ss->lowest_measure])) ss->lowest_measure = m;
            }
            ss->rated = ss->lowest_measure >= 0;
            if (ss->rated)
                ss->rating = ck_inspect_rate(measures[ss->lowest_measure].met, measures[ss->lowest_measure].counted, t);
        }
        if (!ss->rated) out->unrated++;
        else out->points += (int)ss->rating;
    }
    out->band = ck_inspect_band(out->points, b);
}

ck_inspect_period ck_inspect_default_period(ck_date as_of)
{
    ck_date to = as_of - 1;
    return (ck_inspect_period){ck_date_add_months(to, -12) + 1, to, as_of};
}

double ck_met_pct(const ck_met_count *c)
{
    if (c->counted <= 0) return -1;
    /* Hundredths of a percent, half up, so 7999/10000 shows 79.99. */
    return (double)((c->met * 20000 + c->counted) / (2 * c->counted)) / 100.0;
}
