#include "ck_gen.h"
#include "ck_gen_notes.h"
#include "ck_gen_appts.h"
#include "ck_gen_licence.h"
#include "ck_ctypes.h"
#include "ck_gen_person.h"
#include "ck_gen_requirements.h"
#include "ck_bundle.h"
#include "ck_cal.h"
#include "ck_gen_names.h"
#include "ck_rng.h"
#include "ck_par.h"
#include "ck_str.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Practice parameters ---------------------------------------------------
 * The one table of what the inspectors found, by ck_practice_id: each rate is
 * defined by core/ck_practice (ck_practice_defs), exactly as
 * ck_practice_tally_add measures it. */
const ck_gen_param ck_gen_params[CK_PRACTICE_N] = {
    [CK_PRACTICE_VCS_NOT_OFFERED] = {
        0.21,
        "HMIP London NPS 2019: victims not offered the VCS in more than a fifth of cases (rules-and-sources.md §1.6)"},
    [CK_PRACTICE_VCS_FIRST_CONTACT_LATE] = {
        0.33,
        "Brief for Synthetic London (no figure in the domain notes; VNS pilot met its contact target in "
        "61% of cases, rules-and-sources.md §1.5)"},
    [CK_PRACTICE_DA_CHECK_MISSED] = {
        0.64,
        "HMIP London PDUs Nov 2022: DA checks with the police not made in 64% of cases that needed them "
        "(rules-and-sources.md §7)"},
    [CK_PRACTICE_CHILD_CHECK_MISSED] = {
        0.45,
        "HMIP: child-safeguarding enquiries made in only 55% of cases that needed them (peer-systems.md §4)"},
    [CK_PRACTICE_ROSH_LATE] = {
        0.75,
        "HMIP London PDUs Nov 2022: only 25% of cases satisfactory on assessing the risk of serious harm "
        "(rules-and-sources.md §3.2)"},
    [CK_PRACTICE_OVERSIGHT_MISSED] = {
        0.77,
        "HMIP London 2022: management oversight effective in 51 of 223 cases (peer-systems.md §4)"},
    [CK_PRACTICE_INSUFFICIENT_CONTACT] = {
        0.20,
        "Brief for Synthetic London: insufficient contact in 20% of cases (HMIP London 2022 found people "
        "not seen for weeks or months; no figure in the domain notes)"},
    [CK_PRACTICE_LOST] = {
        0.01,
        "Brief for Synthetic London: about 1% of cases held by a practitioner who has left"},
    [CK_PRACTICE_UNALLOCATED] = {
        0.02,
        "HMIP London PDUs Oct 2022: hundreds of cases without a named practitioner in one PDU; London-wide "
        "share an assumption"},
};

void ck_gen_options_init(ck_gen_options *o, bool good)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->as_of = CK_NODATE;
    o->n_cases = CK_GEN_LONDON_CASES;
    for (size_t i = 0; i < CK_PRACTICE_N; i++) o->rate[i] = good ? 0 : ck_gen_params[i].inspected;
}

bool ck_gen_parse_scale(ck_gen_options *o, const char *s, char *err, size_t len)
{
    if (s && strcmp(s, "london") == 0) {
        o->national = false;
        o->n_cases = CK_GEN_LONDON_CASES;
        return true;
    }
    if (s && strcmp(s, "national") == 0) {
        o->national = true;
        o->n_cases = CK_GEN_NATIONAL_CASES;
        return true;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long n = s && *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
    if (!s || !end || *end || errno || n < 1 || n > 10000000) {
        snprintf(err, len, "--scale: expected london, national or a number of people from 1 to 10000000, got \"%s\"",
                 s ? s : "");
        return false;
    }
    o->national = false;
    o->n_cases = (size_t)n;
    return true;
}

bool ck_gen_parse_param(ck_gen_options *o, const char *assign, char *err, size_t len)
{
    const char *eq = assign ? strchr(assign, '=') : NULL;
    if (!eq) {
        snprintf(err, len, "--param: expected NAME=VALUE, got \"%s\"", assign ? assign : "");
        return false;
    }
    size_t n = (size_t)(eq - assign);
    for (size_t i = 0; i < CK_PRACTICE_N; i++) {
        if (strlen(ck_practice_defs[i].name) != n || memcmp(ck_practice_defs[i].name, assign, n) != 0) continue;
        char *end = NULL;
        errno = 0;
        double v = strtod(eq + 1, &end);
        if (!eq[1] || *end || errno || !(v >= 0 && v <= 1)) {
            snprintf(err, len, "--param %s: expected a rate from 0 to 1, got \"%s\"", ck_practice_defs[i].name, eq + 1);
            return false;
        }
        o->rate[i] = v;
        return true;
    }
    size_t used = (size_t)snprintf(err, len, "--param: unknown parameter \"%.*s\"; expected one of", (int)n, assign);
    for (size_t i = 0; i < CK_PRACTICE_N && used < len; i++)
        used += (size_t)snprintf(err + used, len - used, "%s %s", i ? "," : "", ck_practice_defs[i].name);
    return false;
}

/* ---- Distributions ----------------------------------------------------------
 * Weights are parts of the table's total. Where the domain notes give no
 * figure the entry says UNCONFIRMED: a plausible assumption, to be replaced
 * when a published figure is found. */

/* What supervision a person is under on as_of. UNCONFIRMED split of the
 * 240,362 caseload (rules-and-sources.md §9 gives the total only): OMSQ
 * bulletins put roughly two fifths on court orders and the rest before or
 * after release. */
enum { K_CO, K_SSO, K_PRE, K_LIC, K_PSS };
static const ck_choice kind_mix[] = {
    {"community_order", 27}, {"sso", 15}, {"custody_pre_release", 28}, {"licence", 23}, {"pss", 7}};

/* Main offence (OGRS3 categories, case-bundle.md). UNCONFIRMED: no offence
 * mix in the domain notes; shaped on OMSQ probation starts. */
static const ck_choice offence_community[] = {
    {"violence", 26}, {"theft", 14}, {"drug_possession_supply", 11}, {"public_order", 7},
    {"criminal_damage", 5}, {"drink_driving", 7}, {"other_motoring", 5}, {"fraud", 4},
    {"burglary_domestic", 2}, {"burglary_other", 1}, {"handling", 2}, {"sexual_adult", 2},
    {"sexual_child", 2}, {"robbery", 1}, {"absconding_bail", 1}, {"other", 10}};
static const ck_choice offence_custody[] = {
    {"violence", 30}, {"robbery", 7}, {"drug_possession_supply", 14}, {"drug_import", 1},
    {"sexual_adult", 5}, {"sexual_child", 5}, {"burglary_domestic", 7}, {"burglary_other", 2},
    {"theft", 8}, {"fraud", 3}, {"public_order", 2}, {"criminal_damage", 2}, {"handling", 1},
    {"taking_vehicle", 1}, {"other_motoring", 2}, {"terrorism", 1}, {"other", 9}};
/* Offences of domestic-abuse perpetrators whose current offence is DA-flagged. */
static const ck_choice offence_da[] = {
    {"violence", 62}, {"criminal_damage", 10}, {"public_order", 8}, {"other", 20}};
/* Home Office offence codes, one representative per category. */
static const struct { const char *category, *code; } offence_codes[] = {
    {"violence", "10501"}, {"robbery", "03401"}, {"sexual_child", "02207"}, {"sexual_adult", "01901"},
    {"drug_import", "09201"}, {"drug_possession_supply", "09202"}, {"burglary_domestic", "02801"},
    {"burglary_other", "03001"}, {"theft", "04901"}, {"theft_from_vehicle", "04501"},
    {"taking_vehicle", "04801"}, {"handling", "05401"}, {"fraud", "05301"}, {"criminal_damage", "05801"},
    {"public_order", "06501"}, {"drink_driving", "80302"}, {"other_motoring", "80701"},
    {"absconding_bail", "08001"}, {"soliciting", "07401"}, {"other", "19501"}, {"terrorism", "12001"}};

/* Women are about 10% of people on probation (OMSQ; UNCONFIRMED in the
 * domain notes). */
static const double WOMEN = 0.10;
/* About 30% of people on probation are current or former domestic-abuse
 * perpetrators (rules-and-sources.md §3.4, HMIP DA thematic 2023). */
static const double DA_PERPETRATORS = 0.30;
/* Of those, the share whose current offence is itself DA-flagged
 * (UNCONFIRMED). */
static const double DA_OFFENCE = 0.6;

/* Ages on as_of (UNCONFIRMED: OMSQ caseload by age, rounded). */
static const ck_choice ages[] = {{"18", 8}, {"21", 10}, {"25", 17}, {"30", 33}, {"40", 20}, {"50", 9}, {"60", 3}};

/* Lengths in months. Community orders and SSO operational periods
 * UNCONFIRMED; custody lengths shaped on OMSQ releases (UNCONFIRMED). */
static const ck_choice co_months[] = {{"6", 10}, {"12", 40}, {"18", 25}, {"24", 20}, {"36", 5}};
static const ck_choice sso_period[] = {{"12", 35}, {"18", 25}, {"24", 40}};
static const ck_choice sso_term[] = {{"3", 15}, {"6", 30}, {"9", 15}, {"12", 20}, {"18", 10}, {"24", 10}};
static const ck_choice custody_months[] = {
    {"4", 8}, {"6", 10}, {"9", 8}, {"12", 10}, {"18", 12}, {"24", 12}, {"30", 8}, {"36", 10},
    {"48", 8}, {"60", 6}, {"84", 5}, {"120", 3}};
/* PSS follows custodial terms of over one day and under two years (Offender
 * Rehabilitation Act 2014, from 1 February 2015; data.justice.gov.uk
 * "pre-release probation supervision"); lengths UNCONFIRMED. */
static const ck_choice pss_months[] = {{"3", 15}, {"4", 15}, {"6", 25}, {"9", 15}, {"12", 15}, {"18", 15}};

/* RoSH level (UNCONFIRMED: no published distribution in the notes). */
static const ck_choice rosh_community[] = {{"low", 30}, {"medium", 56}, {"high", 13}, {"very_high", 1}};
static const ck_choice rosh_custody[] = {{"low", 12}, {"medium", 52}, {"high", 32}, {"very_high", 4}};
static const ck_choice rosh_serious[] = {{"low", 5}, {"medium", 45}, {"high", 44}, {"very_high", 6}};
/* MAPPA levels: most are managed at level 1 (rules-and-sources.md §3.3;
 * shares UNCONFIRMED). */
static const ck_choice mappa_levels[] = {{"M1", 85}, {"M2", 13}, {"M3", 2}};

/* Pre-sentence reports: 52% oral, 45% fast, 3% standard (2019/20 actuals,
 * rules-and-sources.md §7). */
static const ck_choice report_types[] = {{"oral", 52}, {"fast", 45}, {"standard", 3}};

/* UNCONFIRMED rates: no figures in the domain notes. */
static const double REPORT_COMMUNITY = 0.70, REPORT_CUSTODY = 0.40; /* sentenced after a PSR */
static const double PLANNED_RECALL = 0.05;   /* licences recalled besides escalation */
static const double FAILURE = 0.05;          /* unacceptable failure between two contacts */
static const double ACCEPTABLE_ABSENCE = 0.05;
static const double CHANGES_PER_YEAR = 0.6;  /* changes of circumstance */
static const double CHILD_CONCERNS = 0.06, CHILD_PROTECTION = 0.03;
static const double NO_FIXED_ABODE = 0.03;

/* Every deadline the schedule keeps to (or misses) is the rules engine's own
 * configuration (config/rules.conf, ck_rules_config), read through g->cfg:
 * "on time" is at most n calendar days after the start of an n-WD deadline
 * (n calendar days never hold more than n working days), "late" is after
 * ck_wd_add. Nothing here restates a rulebook number. */

/* Contact types used, with whether each counts as a national-standard
 * contact: read from the product's contact-type table (data/contact-types.csv,
 * the "(NS)" types) when the generator starts. */
enum { CT_COAI, CT_COHV, CT_COTI, CT_COAP, CT_CHVS, CT_COPT, CT_COVC, CT_C089, CT_APAT, CT_CMOB, CT_N };
static const char *const contact_codes[CT_N] = {
    "COAI", "COHV", "COTI", "COAP", "CHVS", "COPT", "COVC", "C089", "APAT", "CMOB"};
static const ck_choice induction_types[] = {{"COAI", 75}, {"COHV", 15}, {"COTI", 10}};
static const ck_choice regular_types[] = {
    {"COAP", 60}, {"CHVS", 8}, {"COPT", 15}, {"COVC", 5}, {"C089", 6}, {"APAT", 6}};
static const ck_choice failure_outcomes[] = {{"UAAB", 60}, {"AFTA", 40}};
static const ck_choice absence_outcomes[] = {
    {"AAME", 35}, {"AAEM", 20}, {"AAFC", 15}, {"AACL", 10}, {"RSOF", 20}};

struct ck_gen {
    ck_gen_options opt;
    const ck_rules_config *cfg;
    const ck_calendar *cal;
    ck_gen_org *org;
    bool ns[CT_N];
};

static int choice_int(ck_rng *r, const ck_choice *t, size_t n) { return atoi(t[ck_rng_pick(r, t, n)].value); }
#define PICK(r, t) ((t)[ck_rng_pick((r), (t), COUNT(t))].value)
#define PICK_INT(r, t) choice_int((r), (t), COUNT(t))

/* The national_standard flag of each contact type, from the product's table. */
static bool contact_type_ns(const char *code)
{
    const ck_ctype *t = ck_ctype_find(code);
    return t && t->national_standard;
}

ck_gen *ck_gen_new(const ck_gen_options *opt)
{
    ck_gen *g = ck_calloc(1, sizeof *g);
    g->opt = *opt;
    g->cfg = opt->rules ? opt->rules : ck_rulecfg_default();
    g->cal = ck_calendar_default();
    g->org = ck_gen_org_build(opt->seed, opt->as_of, opt->national, opt->n_cases);
    for (size_t i = 0; i < CT_N; i++) g->ns[i] = contact_type_ns(contact_codes[i]);
    return g;
}

void ck_gen_free(ck_gen *g)
{
    if (!g) return;
    ck_gen_org_free(g->org);
    ck_free(g);
}

const ck_gen_org *ck_gen_organisation(const ck_gen *g) { return g->org; }
size_t ck_gen_case_count(const ck_gen *g) { return g->org->n_cases; }

/* ---- One case ------------------------------------------------------------- */

typedef struct vec {
    void *v;
    size_t n, cap, size;
} vec;

static void *push(vec *x)
{
    if (x->n == x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 16, bytes;
        if (!ck_mul(nc, x->size, &bytes)) abort();
        x->v = ck_realloc(x->v, bytes);
        x->cap = nc;
    }
    void *p = (char *)x->v + x->n++ * x->size;
    memset(p, 0, x->size);
    return p;
}

typedef struct period {
    ck_date start, last;
    bool enforceable; /* CO/SSO or licence (ENFORCE applies); not PSS */
    bool licence;
} period;

/* The RSR and OASys needs of a case draw from their own stream (below the
 * person's and the notes', which use bit 62). */
#define SCORES_STREAM (UINT64_C(1) << 61)

typedef struct gx {
    const ck_gen *g;
    size_t index;
    const ck_gen_org *org;
    const ck_rules_config *cfg;
    ck_rng r;
    ck_case *c;
    ck_arena *a;
    ck_date as_of;
    size_t pdu;
    vec addresses, allocations, contacts, enforcement, breaches, recalls, registrations, assessments,
        checks, changes, decisions, victims, triggers, attended;
    ck_event *event;
    int kind;
    const char *category;
    bool da, da_offence, vcs_eligible, custody;
    ck_date sentence, release, end, pss_end, recall, planned_recall;
    int months;
    const char *level, *mapp_level;
    bool high, mapp, rcpr, exempt;
    period periods[2];
    int n_periods;
    ck_date first_start;  /* first supervision start; CK_NODATE before release */
    ck_date two_thirds;   /* licence: T of the probation reset */
    ck_date stop;         /* generator's end of regular contact */
    ck_date initial_done; /* last of the facts known at sentence */
    bool poor_rosh, poor_oversight, poor_contact, da_missed, child_missed, not_offered;
} gx;

static ck_date back_to_weekday(ck_date d)
{
    int w = ck_date_weekday(d);
    return w == 5 ? d - 1 : w == 6 ? d - 2 : d;
}

static ck_date on_to_weekday(ck_date d)
{
    int w = ck_date_weekday(d);
    return w == 5 ? d + 2 : w == 6 ? d + 1 : d;
}

static ck_date min_date(ck_date a, ck_date b) { return a < b ? a : b; }
static ck_date max_date(ck_date a, ck_date b) { return a > b ? a : b; }
static int imin(int a, int b) { return a < b ? a : b; }
static int imax(int a, int b) { return a > b ? a : b; }

/* A day from d to d + n calendar days, capped at `cap` days: inside an n-WD
 * deadline that starts on d. */
static ck_date soon(gx *x, ck_date d, int n, int cap) { return d + ck_rng_range(&x->r, 0, imin(imax(n, 0), cap)); }

/* The first day after an n-WD deadline that starts on d. */
static ck_date after_wd(const gx *x, ck_date d, int n) { return ck_wd_add(x->g->cal, d, n) + 1; }

/* "C12": a record id. Written by hand: a case has hundreds and printf
 * dominated the generator's time. */
static const char *id(gx *x, const char *prefix, size_t n)
{
    char digits[24];
    size_t nd = 0, np = strlen(prefix);
    do digits[nd++] = (char)('0' + n % 10); while ((n /= 10) && nd < sizeof digits);
    char *s = ck_arena_alloc(x->a, np + nd + 1);
    memcpy(s, prefix, np);
    for (size_t i = 0; i < nd; i++) s[np + i] = digits[nd - 1 - i];
    s[np + nd] = '\0';
    return s;
}

static void trigger(gx *x, ck_date d)
{
    if (d != CK_NODATE && d <= x->as_of) *(ck_date *)push(&x->triggers) = d;
}

static ck_registration *registration(gx *x, const char *type, ck_date d)
{
    if (d == CK_NODATE || d > x->as_of) return NULL;
    ck_registration *g = push(&x->registrations);
    g->id = id(x, "G", x->registrations.n);
    g->type = ck_vocab_find(ck_vocab_register, type, strlen(type));
    g->date = d;
    g->next_review = g->deregistered = CK_NODATE;
    /* ROSH_CHANGE: these registrations are significant changes. */
    if (!strcmp(type, "ADVP") || !strcmp(type, "MAPP") || !strcmp(type, "RCPR") || !strcmp(type, "RCCO"))
        trigger(x, d);
    return g;
}

/* Days of a custodial sentence of `months` from `date`: release at the
 * halfway point (SDS50; UNCONFIRMED for SDS40 releases since September 2024),
 * licence to the sentence end, PSS to 12 months after release for terms under
 * two years. */
static void custody_dates(gx *x, ck_date date)
{
    ck_date expiry = ck_date_add_months(date, x->months);
    x->release = back_to_weekday(date + (expiry - date) / 2);
    if (x->release <= date) x->release = date + 1;
    x->end = expiry - 1;
    x->pss_end = x->months < 24 ? ck_date_add_months(x->release, 12) : CK_NODATE;
    if (x->pss_end != CK_NODATE && x->pss_end <= x->end) x->pss_end = CK_NODATE;
}

/* Finds a sentence date for which as_of falls in the wanted state, starting
 * from a guess and moving the date by the miss. */
static void place_custody(gx *x, ck_date guess)
{
    ck_date date = back_to_weekday(guess);
    for (int tries = 0; tries < 8; tries++) {
        custody_dates(x, date);
        ck_date shift = 0;
        if (x->kind == K_PRE && x->release <= x->as_of) shift = x->release - x->as_of - 1;
        else if (x->kind == K_LIC && x->release > x->as_of) shift = x->as_of - x->release;
        else if (x->kind == K_LIC && x->end < x->as_of) shift = x->as_of - x->end;
        else if (x->kind == K_PSS && x->end >= x->as_of) shift = x->as_of - x->end - 1;
        else if (x->kind == K_PSS && (x->pss_end == CK_NODATE || x->pss_end < x->as_of)) shift = x->as_of - x->pss_end;
        else if (date > x->as_of) shift = x->as_of - date;
        else break;
        date = back_to_weekday(date + shift - (shift < 0 ? 2 : 0));
    }
    x->sentence = date;
}

static void sentence(gx *x)
{
    ck_rng *r = &x->r;
    ck_date as_of = x->as_of;
    ck_sentence *s = &x->event->sentence;
    x->event->has_sentence = true;
    x->recall = x->planned_recall = CK_NODATE;
    x->release = x->end = x->pss_end = CK_NODATE;
    s->terminated_on = s->release_date = s->pss_end_date = CK_NODATE;
    switch (x->kind) {
    case K_CO:
    case K_SSO: {
        int months = x->kind == K_CO ? PICK_INT(r, co_months) : PICK_INT(r, sso_period);
        x->sentence = back_to_weekday(as_of - ck_rng_range(r, 0, months * 30 - 5));
        if (x->sentence > as_of) x->sentence -= 7;
        x->end = ck_date_add_months(x->sentence, months) - 1;
        x->months = x->kind == K_CO ? months : PICK_INT(r, sso_term);
        s->type = x->kind == K_CO ? "community_order" : "sso";
        break;
    }
    default: {
        x->custody = true;
        x->months = x->kind == K_PSS ? PICK_INT(r, pss_months) : PICK_INT(r, custody_months);
        int half = x->months * 15, licence = x->months * 15;
        ck_date guess;
        if (x->kind == K_PRE) guess = as_of - ck_rng_range(r, 0, half - 1);
        else if (x->kind == K_LIC) guess = as_of - half - ck_rng_range(r, 0, licence - 1);
        else guess = as_of - half - licence - ck_rng_range(r, 1, 365 - licence > 1 ? 365 - licence : 1);
        place_custody(x, guess);
        s->type = "custody";
        s->release_date = x->release;
        s->pss_end_date = x->pss_end;
    }
    }
    s->type = ck_vocab_find(ck_vocab_sentence_type, s->type, strlen(s->type));
    s->date = x->sentence;
    s->length_months = x->months;
    s->end_date = x->end;
}

/* The supervision periods (rulebook "Supervision periods") as far as as_of. */
static void periods(gx *x)
{
    x->n_periods = 0;
    x->first_start = CK_NODATE;
    if (!x->custody) {
        x->periods[x->n_periods++] = (period){x->sentence, x->end, true, false};
    } else if (x->release <= x->as_of) {
        x->periods[x->n_periods++] = (period){x->release, x->end, true, true};
        if (x->pss_end != CK_NODATE && x->end < x->as_of)
            x->periods[x->n_periods++] = (period){x->end + 1, x->pss_end, false, false};
    }
    if (x->n_periods) x->first_start = x->periods[0].start;
}

static bool violent_or_sexual(const char *cat)
{
    return !strcmp(cat, "violence") || !strcmp(cat, "robbery") || !strcmp(cat, "sexual_child") ||
           !strcmp(cat, "sexual_adult") || !strcmp(cat, "terrorism");
}

static bool sexual(const char *cat) { return !strcmp(cat, "sexual_child") || !strcmp(cat, "sexual_adult"); }

static const char *offence_code(const char *cat)
{
    for (size_t i = 0; i < COUNT(offence_codes); i++)
        if (!strcmp(offence_codes[i].category, cat)) return offence_codes[i].code;
    return "19501";
}

static void offences(gx *x)
{
    ck_rng *r = &x->r;
    x->da = ck_rng_chance(r, DA_PERPETRATORS);
    x->da_offence = x->da && ck_rng_chance(r, DA_OFFENCE);
    const char *cat = x->da_offence ? PICK(r, offence_da)
                      : x->kind == K_CO || x->kind == K_SSO ? PICK(r, offence_community)
                                                            : PICK(r, offence_custody);
    x->category = ck_vocab_find(ck_vocab_offence_category, cat, strlen(cat));
    size_t n = ck_rng_chance(r, 0.25) ? 2 : 1;
    ck_offence *o = ck_arena_array(x->a, n, sizeof *o);
    o[0] = (ck_offence){"O1", offence_code(x->category), x->category, 1, x->da_offence, CK_NODATE};
    if (n == 2) {
        const char *second = ck_rng_chance(r, 0.5) ? "public_order" : "other";
        const char *v = ck_vocab_find(ck_vocab_offence_category, second, strlen(second));
        o[1] = (ck_offence){"O2", offence_code(v), v, 0, x->da_offence, CK_NODATE};
    }
    x->event->offences = o;
    x->event->n_offences = n;
}

/* RoSH level, MAPPA and the exemption from the probation reset. */
static void risk(gx *x)
{
    ck_rng *r = &x->r;
    bool serious = x->custody && x->months >= 12 && violent_or_sexual(x->category);
    x->vcs_eligible = serious; /* rulebook: violent, sexual or terrorism, custody of 12 months or more */
    x->level = serious ? PICK(r, rosh_serious) : x->custody ? PICK(r, rosh_custody) : PICK(r, rosh_community);
    x->level = ck_vocab_find(ck_vocab_rosh_level, x->level, strlen(x->level));
    /* MAPPA category 1 (sexual offences), 2 (violent, 12 months or more) and
     * 4 (terrorism) (rules-and-sources.md §3.3). */
    x->mapp = sexual(x->category) || serious;
    x->mapp_level = x->mapp ? PICK(r, mappa_levels) : NULL;
    x->high = !strcmp(x->level, "high") || !strcmp(x->level, "very_high") ||
              (x->mapp_level && strcmp(x->mapp_level, "M1") != 0);
    double u = ck_rng_unit(r);
    x->rcpr = u < CHILD_PROTECTION;
    bool rcco = !x->rcpr && u < CHILD_PROTECTION + CHILD_CONCERNS;
    /* Exempt from the reset: MAPPA, very high RoSH or child protection
     * (rules-and-sources.md §2.1). Decided here so contact keeps going; the
     * engine re-derives it from the records. */
    x->exempt = x->mapp || x->rcpr || !strcmp(x->level, "very_high");

    ck_date s = x->sentence;
    x->initial_done = s;
    ck_registration *g;
    if (x->mapp && (g = registration(x, "MAPP", soon(x, s, x->cfg->mappa_identify_wd, 2)))) {
        g->level = x->mapp_level;
        const char *cat = sexual(x->category) ? "M1" : !strcmp(x->category, "terrorism") ? "M4" : "M2";
        g->category = ck_vocab_find(ck_vocab_mappa_category, cat, 2);
        if (g->date > x->initial_done) x->initial_done = g->date;
    }
    if ((x->rcpr || rcco) && (g = registration(x, x->rcpr ? "RCPR" : "RCCO", s + ck_rng_range(r, 0, 3))))
        if (g->date > x->initial_done) x->initial_done = g->date;
    /* Other flags practitioners set (peer-systems.md §1.4), UNCONFIRMED rates. */
    static const char *const others[] = {"ALSH", "RMDO", "WEAP", "IIOM"};
    for (size_t i = 0; i < COUNT(others); i++)
        if (ck_rng_chance(r, 0.05)) registration(x, others[i], s + ck_rng_range(r, 0, 20));
}

static ck_check *check(gx *x, const char *kind, ck_date requested, ck_date received, const char *report)
{
    if (requested > x->as_of) return NULL;
    ck_check *k = push(&x->checks);
    k->id = id(x, "K", x->checks.n);
    k->kind = ck_vocab_find(ck_vocab_check_kind, kind, strlen(kind));
    k->requested = requested;
    k->received = received != CK_NODATE && received <= x->as_of ? received : CK_NODATE;
    k->relevant_information = CK_NULL;
    k->report = report;
    if (k->received != CK_NODATE) {
        bool police = !strcmp(kind, "police_da");
        double p = police ? (x->da ? 0.85 : 0.08) : (x->rcpr ? 0.9 : 0.12);
        k->relevant_information = ck_rng_chance(&x->r, p);
        if (police && k->relevant_information) trigger(x, k->received);
    }
    return k;
}

/* The police domestic-abuse check and the children's services check, made
 * (received inside the window) or missed as the case's practice says. */
static void checks_for(gx *x, ck_date requested, ck_date received, const char *report)
{
    ck_rng *r = &x->r;
    bool missed[2] = {x->da_missed, x->child_missed};
    static const char *const kinds[2] = {"police_da", "childrens_services"};
    for (int i = 0; i < 2; i++) {
        if (!missed[i]) check(x, kinds[i], requested, received, report);
        else if (ck_rng_chance(r, 0.5)) check(x, kinds[i], requested, CK_NODATE, report); /* asked, never chased */
    }
}

static void report_and_checks(gx *x)
{
    ck_rng *r = &x->r;
    ck_date s = x->sentence;
    bool has_report = ck_rng_chance(r, x->custody ? REPORT_CUSTODY : REPORT_COMMUNITY);
    if (has_report) {
        ck_report *rep = ck_arena_alloc(x->a, sizeof *rep);
        const char *type = PICK(r, report_types);
        rep->id = "R1";
        rep->type = ck_vocab_find(ck_vocab_report_type, type, strlen(type));
        /* REPORT_DUE: oral the same day, fast 5 WD, standard 15 WD; every date
         * below is well inside them (calendar days never exceed working days). */
        if (!strcmp(type, "oral")) rep->requested = rep->completed = s;
        else if (!strcmp(type, "fast")) {
            rep->requested = back_to_weekday(s - ck_rng_range(r, 5, 14));
            rep->completed = soon(x, rep->requested, x->cfg->report_fast_wd, 6);
        } else {
            rep->requested = back_to_weekday(s - ck_rng_range(r, 15, 25));
            rep->completed = soon(x, rep->requested, x->cfg->report_standard_wd, 18);
        }
        if (rep->completed > s) rep->completed = s;
        ck_date received = rep->requested + ck_rng_range(r, 0, (int)(rep->completed - rep->requested < 3 ? rep->completed - rep->requested : 3));
        checks_for(x, rep->requested, received, rep->id);
        if (x->da_missed || x->child_missed) {
            static const char *const reasons[] = {
                "Police had not replied by the hearing", "Children's services had not replied by the hearing",
                "Checks requested on the day: same-day sentence"};
            rep->outstanding_checks_reason = reasons[ck_rng_below(r, COUNT(reasons))];
        }
        x->event->reports = rep;
        x->event->n_reports = 1;
    }
    /* DA_CHECK / CHILD_CHECK of each supervision period: a report's checks
     * cover a community sentence; without a report they are made after
     * sentence; a licence gets fresh checks before release. */
    if (!x->custody && !has_report) {
        ck_date req = soon(x, s, x->cfg->checks_wd, 3);
        checks_for(x, req, soon(x, req, x->cfg->checks_wd - (int)(req - s), 9), NULL);
    }
    if (x->custody && x->release <= x->as_of) {
        ck_date req = max_date(back_to_weekday(x->release - ck_rng_range(r, 15, 30)),
                               ck_date_add_months(x->release, -x->cfg->checks_lookback_months));
        checks_for(x, req, min_date(req + ck_rng_range(r, 1, 10), x->release + x->cfg->checks_wd), NULL);
    }
    /* A domestic-abuse perpetrator is flagged (ADVP) when the first police
     * check with relevant information arrives, or at sentence
     * (DA_FLAG_DECISION met within 5 WD). Others with relevant information get
     * a recorded decision instead. */
    ck_date first_relevant = CK_NODATE;
    for (size_t i = 0; i < x->checks.n; i++) {
        ck_check *k = &((ck_check *)x->checks.v)[i];
        if (strcmp(k->kind, "police_da") != 0 || k->relevant_information != 1) continue;
        if (first_relevant == CK_NODATE || k->received < first_relevant) first_relevant = k->received;
        if (!x->da) {
            ck_decision *d = push(&x->decisions);
            d->id = id(x, "D", x->decisions.n);
            d->rule = "DA_FLAG_DECISION";
            d->subject = ck_arena_printf(x->a, "check:%s", k->id);
            d->date = soon(x, k->received, x->cfg->da_flag_decision_wd, 3);
            d->reason = "Call-outs were to family arguments with no abuse disclosed; no ADVP";
            if (d->date > x->as_of) x->decisions.n--;
        }
    }
    if (x->da) {
        ck_date base = first_relevant != CK_NODATE && first_relevant < s ? first_relevant : s;
        ck_registration *g = registration(x, "ADVP", soon(x, base, x->cfg->da_flag_decision_wd, 3));
        if (g && g->date > x->initial_done && g->date <= s + 3) x->initial_done = g->date;
    }
}

/* ---- Contact, enforcement, breach and recall ---------------------------- */

static const period *period_at(const gx *x, ck_date d)
{
    for (int i = 0; i < x->n_periods; i++)
        if (d >= x->periods[i].start && d <= x->periods[i].last) return &x->periods[i];
    return NULL;
}

/* The CONTACT interval at d (rulebook: 7 days if high-risk, else by the week
 * of the period). The case's risk is fixed, so a high-risk case is seen
 * weekly throughout, which is inside whatever the engine derives. */
static int interval_at(const gx *x, ck_date d)
{
    const ck_rules_config *cfg = x->cfg;
    if (x->high) return cfg->contact_high_risk_days;
    const period *p = period_at(x, d);
    ck_date days = p ? d - p->start : 0;
    return days < 7 * cfg->contact_first_weeks    ? cfg->contact_first_days
           : days < 7 * cfg->contact_second_weeks ? cfg->contact_second_days
                                                  : cfg->contact_later_days;
}

static size_t type_index(const char *code)
{
    for (size_t i = 0; i < CT_N; i++)
        if (!strcmp(contact_codes[i], code)) return i;
    abort(); /* every code in the tables above is in contact_codes */
}

static ck_contact *contact(gx *x, ck_date d, const char *code, const char *outcome, ck_date booked)
{
    ck_contact *k = push(&x->contacts);
    *k = ck_contact_blank();
    size_t t = type_index(code);
    k->id = id(x, "C", x->contacts.n);
    k->event = "E1";
    k->date = d;
    k->type = contact_codes[t];
    k->national_standard = x->g->ns[t];
    k->appointment = t != CT_CMOB;
    k->outcome = outcome ? ck_vocab_find(ck_vocab_outcome, outcome, strlen(outcome)) : NULL;
    k->outcome_on = outcome ? d : CK_NODATE;
    k->booked_on = k->appointment && booked != CK_NODATE && booked <= d ? booked : CK_NODATE;
    if (!k->appointment) k->outcome = NULL, k->outcome_on = CK_NODATE;
    return k;
}

static void enforcement(gx *x, const ck_contact *k, ck_date d, const char *action)
{
    ck_enforcement *e = push(&x->enforcement);
    e->id = id(x, "EN", x->enforcement.n);
    e->event = "E1";
    e->contact = k->id;
    e->date = d;
    e->action = ck_vocab_find(ck_vocab_enforcement_action, action, strlen(action));
}

typedef struct compliance {
    int warnings;           /* on this event (licence: first, second, final) */
    ck_date last_warning;
    ck_date breach_from, breach_to; /* an active breach: no further failures are generated */
    ck_date last_resolved;
} compliance;

/* Enforcement of an unacceptable failure on day f (ENFORCE, within 10 WD).
 * A community sentence follows Sentencing Act 2020 Sch.16 para 6: after a
 * warning within 12 months only breach proceedings will do. A licence gets
 * first, second and final warnings, then recall. Returns true when the person
 * was recalled. */
static bool enforce(gx *x, compliance *st, const ck_contact *k, const period *p)
{
    ck_rng *r = &x->r;
    ck_date f = k->date;
    if (p->licence) {
        if (st->warnings >= 3) {
            /* RECALL_DECISION: recall the same day. */
            enforcement(x, k, f, "recall_requested");
            ck_recall *rc = push(&x->recalls);
            rc->id = id(x, "RC", x->recalls.n);
            rc->event = "E1";
            rc->date = f;
            x->recall = f;
            trigger(x, f);
            return true;
        }
        static const char *const steps[] = {"first_warning", "second_warning", "final_warning"};
        ck_date d = soon(x, f, x->cfg->enforce_wd, 3);
        if (d <= x->as_of) {
            enforcement(x, k, d, steps[st->warnings]);
            st->warnings++;
        }
        return false;
    }
    bool must_breach = st->last_warning != CK_NODATE && st->last_warning < f &&
                       st->last_warning >= ck_date_add_months(f, -x->cfg->breach_warning_months) &&
                       !(st->last_resolved != CK_NODATE && st->last_resolved >= st->last_warning);
    ck_date d = soon(x, f, x->cfg->enforce_wd, 5);
    if (d > x->as_of) return false;
    if (!must_breach) {
        enforcement(x, k, d, st->warnings ? "second_warning" : "first_warning");
        st->warnings++;
        st->last_warning = d;
        return false;
    }
    enforcement(x, k, d, "breach_initiated");
    ck_breach *b = push(&x->breaches);
    b->id = id(x, "B", x->breaches.n);
    b->event = "E1";
    b->initiated = d;
    trigger(x, d);
    /* BREACH_PACK: the pack to court within 10 WD. */
    b->pack_sent = soon(x, d, x->cfg->breach_pack_wd, 8);
    if (b->pack_sent > x->as_of) b->pack_sent = CK_NODATE;
    b->resolved = d + ck_rng_range(r, 28, 90);
    static const ck_choice outcomes[] = {{"proven: order to continue", 70}, {"not proven", 20}, {"withdrawn", 10}};
    if (b->resolved > x->as_of) b->resolved = CK_NODATE;
    else b->outcome = PICK(r, outcomes);
    st->breach_from = d;
    st->breach_to = b->resolved != CK_NODATE ? b->resolved : x->as_of + 1;
    if (b->resolved != CK_NODATE) st->last_resolved = b->resolved;
    return false;
}

/* The schedule of one event's contact. Attended national-standard contacts
 * follow each other inside the interval, so every CONTACT is met on time,
 * except at attended contact number `gap_at` (-1: none) after which nobody
 * sees the person for weeks: the insufficient contact the inspectors found.
 * Failures and acceptable absences fall between attended contacts, so they
 * never break the chain. */
static void supervise(gx *x, long gap_at)
{
    ck_rng *r = &x->r;
    compliance st = {0, CK_NODATE, CK_NODATE, CK_NODATE, CK_NODATE};
    const period *first = &x->periods[0];
    ck_date end = x->periods[x->n_periods - 1].last;
    ck_date d = first->licence ? soon(x, first->start, x->cfg->induction_licence_wd, 0)
                               : back_to_weekday(soon(x, first->start, x->cfg->induction_community_wd, 4));
    if (d < first->start) d = first->start;
    ck_date booked = first->start;
    bool recalled = false;
    x->attended.n = 0;
    for (long k = 0;; k++) {
        if (d >= x->as_of || d >= x->stop || d > end) break;
        if (x->planned_recall != CK_NODATE && d >= x->planned_recall) break;
        const char *type = k == 0 ? PICK(r, induction_types) : PICK(r, regular_types);
        contact(x, d, type, "ATTC", booked);
        *(ck_date *)push(&x->attended) = d;
        if (ck_rng_chance(r, 0.1)) contact(x, d, "CMOB", NULL, CK_NODATE); /* text after the session */
        int ivl = interval_at(x, d);
        ck_date next = back_to_weekday(d + ivl - ck_rng_range(r, 0, 3));
        if (k == gap_at) next = on_to_weekday(d + ivl + ck_rng_range(r, 10, 60));
        ck_date mid = back_to_weekday(d + (next - d) / 2);
        if (k != gap_at && mid > d && mid < next && mid < x->as_of && mid < x->stop &&
            (x->planned_recall == CK_NODATE || mid < x->planned_recall)) {
            const period *p = period_at(x, mid);
            bool in_breach = st.breach_from != CK_NODATE && mid >= st.breach_from && mid < st.breach_to;
            double u = ck_rng_unit(r);
            if (p && p->enforceable && !in_breach && u < FAILURE) {
                const ck_contact *f = contact(x, mid, PICK(r, regular_types), PICK(r, failure_outcomes), d);
                if (enforce(x, &st, f, p)) {
                    recalled = true;
                    break;
                }
            } else if (p && u < FAILURE + ACCEPTABLE_ABSENCE) {
                contact(x, mid, PICK(r, regular_types), PICK(r, absence_outcomes), d);
            }
        }
        booked = d;
        d = next;
    }
    if (recalled) return;
    if (x->planned_recall != CK_NODATE && d >= x->planned_recall && x->planned_recall < x->as_of) {
        /* A recall without escalation: the officer asks for it the day of the failure. */
        const ck_contact *f = contact(x, x->planned_recall, "COAP", "UAAB", booked);
        compliance licence = {3, CK_NODATE, CK_NODATE, CK_NODATE, CK_NODATE};
        enforce(x, &licence, f, &x->periods[0]);
        return;
    }
    /* NEXT_APPOINTMENT: the next one is booked while supervision goes on,
     * even when it falls after contact is due to stop. */
    if (d >= x->as_of && x->as_of <= end) contact(x, d, PICK(r, regular_types), NULL, booked);
}


static void contacts(gx *x)
{
    if (!x->n_periods) return;
    ck_rng *r = &x->r;
    bool reset = x->cfg->probation_reset;
    x->stop = x->periods[x->n_periods - 1].last + 1;
    x->two_thirds = CK_NODATE;
    if (x->custody) {
        /* Probation reset (rulebook): a non-exempt licence is not supervised
         * after its two-thirds point T, nor PSS after the reset began. Contact
         * runs a few days past the engine's stop, which it ignores. */
        x->two_thirds = x->release + 2 * (x->end - x->release) / 3;
        if (reset && !x->exempt) x->stop = min_date(x->stop, max_date(x->two_thirds + 1, x->cfg->probation_reset_from) + 3);
        if (x->kind == K_LIC && x->as_of - x->release > 20 && ck_rng_chance(r, PLANNED_RECALL))
            x->planned_recall = back_to_weekday(x->release + ck_rng_range(r, 14, (int)(x->as_of - x->release) - 1));
        /* A recall lies within the licence (case-bundle.md v3). */
        if (x->planned_recall != CK_NODATE && (x->planned_recall <= x->release || x->planned_recall > x->end))
            x->planned_recall = CK_NODATE;
    }
    ck_rng saved = *r;
    size_t n[] = {x->contacts.n, x->enforcement.n, x->breaches.n, x->recalls.n, x->triggers.n};
    supervise(x, -1);
    if (x->poor_contact) {
        /* Pick the gap among the attended contacts whose CONTACT falls due
         * before as_of and before contact could stop (recall, end, the
         * earliest two-thirds point), so that it is surely seen as late. */
        ck_date limit = min_date(x->as_of, x->custody ? x->two_thirds - 2 : x->end - 1);
        if (x->recall != CK_NODATE) limit = min_date(limit, x->recall);
        const ck_date *att = x->attended.v;
        size_t eligible = 0;
        for (size_t i = 0; i < x->attended.n; i++)
            if (att[i] + interval_at(x, att[i]) < limit) eligible++;
        if (eligible) {
            size_t k = (size_t)ck_rng_below(r, eligible), at = 0;
            for (size_t i = 0; i < x->attended.n; i++)
                if (att[i] + interval_at(x, att[i]) < limit && k-- == 0) at = i;
            *r = saved;
            x->contacts.n = n[0], x->enforcement.n = n[1], x->breaches.n = n[2], x->recalls.n = n[3];
            x->triggers.n = n[4];
            x->recall = CK_NODATE;
            supervise(x, (long)at);
        }
    }
    /* REVIEW_APPOINTMENT: one appointment midway through the final third of a
     * licence once the reset stopped regular contact. */
    if (reset && x->custody && !x->exempt && x->two_thirds + 1 >= x->cfg->probation_reset_from &&
        x->as_of > x->two_thirds) {
        ck_date last = x->recall != CK_NODATE ? x->recall - 1 : x->end, t = x->two_thirds;
        if (last - t > 12) {
            ck_date span = last - t;
            ck_date rv = back_to_weekday(t + span / 2 - ck_rng_range(r, 1, (int)(span / 4 > 1 ? span / 4 : 1)));
            if (rv < t + 5) rv = on_to_weekday(t + 5);
            const ck_date *att = x->attended.v;
            ck_date booked = x->attended.n ? att[x->attended.n - 1] : t;
            if (rv <= x->as_of && (x->recall == CK_NODATE || rv < x->recall))
                contact(x, rv, "COAP", "ATTC", booked);
            else if (rv > x->as_of && x->recall == CK_NODATE)
                contact(x, rv, "COAP", NULL, booked);
        }
    }
}

/* ---- Addresses and changes of circumstance ------------------------------ */

static ck_address *address(gx *x, ck_date from)
{
    ck_address *ad = push(&x->addresses);
    ad->id = id(x, "A", x->addresses.n);
    ad->from = from;
    ad->to = CK_NODATE;
    ad->kind = "main";
    ad->status = "verified";
    return ad;
}

static void addresses(gx *x)
{
    ck_rng *r = &x->r;
    if (ck_rng_chance(r, NO_FIXED_ABODE)) {
        /* ADDRESS is met by the date the person was recorded of no fixed abode. */
        x->c->person.no_fixed_abode_since = min_date(x->sentence - ck_rng_range(r, 10, 200), x->as_of);
        return;
    }
    ck_address *home = address(x, x->sentence - ck_rng_range(r, 90, 3000));
    if (x->custody) {
        /* In prison the home address ends; on release a new one starts (often
         * approved premises), verified before release. */
        home->to = x->sentence;
        if (x->release <= x->as_of) address(x, x->release)->status = ck_rng_chance(r, 0.2) ? "approved_premises" : "verified";
    }
}

static int cmp_date(const void *a, const void *b)
{
    ck_date x = *(const ck_date *)a, y = *(const ck_date *)b;
    return (x > y) - (x < y);
}

static void changes(gx *x)
{
    ck_rng *r = &x->r;
    static const ck_choice kinds[] = {
        {"address", 35}, {"relationship", 20}, {"household", 15}, {"arrest", 12}, {"charge", 8},
        {"conviction", 5}, {"mappa_level", 5}};
    static const struct { const char *kind, *note; } notes[] = {
        {"address", "Moved to a new address; checked and approved"},
        {"relationship", "New partner with a child"},
        {"household", "Partner's children now living at the address"},
        {"arrest", "Arrested for a further offence; released under investigation"},
        {"charge", "Charged with a further offence"},
        {"conviction", "Convicted of a further offence; fined"},
        {"mappa_level", "MAPPA level reviewed at the MAPP meeting"}};
    for (int i = 0; i < x->n_periods; i++) {
        const period *p = &x->periods[i];
        ck_date from = p->start + 14, to = min_date(min_date(p->last, x->as_of), x->recall != CK_NODATE ? x->recall - 1 : p->last);
        if (to <= from || x->c->person.no_fixed_abode_since != CK_NODATE) continue;
        double expect = CHANGES_PER_YEAR * (double)(to - from) / 365.0;
        int n = (int)expect + (ck_rng_chance(r, expect - (int)expect) ? 1 : 0);
        if (n > 6) n = 6;
        ck_date when[6];
        for (int k = 0; k < n; k++) when[k] = from + ck_rng_range(r, 0, (int)(to - from));
        if (n) qsort(when, (size_t)n, sizeof when[0], cmp_date);
        for (int k = 0; k < n; k++) {
            ck_date d = when[k];
            const char *kind = PICK(r, kinds);
            if (!strcmp(kind, "mappa_level") && !x->mapp) kind = "relationship";
            ck_change *ch = push(&x->changes);
            ch->id = id(x, "CH", x->changes.n);
            ch->date = d;
            ch->kind = ck_vocab_find(ck_vocab_change_kind, kind, strlen(kind));
            ch->lives_alone = CK_NULL; /* households: gen/ck_gen_person */
            for (size_t j = 0; j < COUNT(notes); j++)
                if (!strcmp(notes[j].kind, kind)) ch->note = notes[j].note;
            trigger(x, d);
            if (!strcmp(kind, "address") && x->addresses.n) {
                ck_address *cur = &((ck_address *)x->addresses.v)[x->addresses.n - 1];
                if (cur->from < d && cur->to == CK_NODATE) {
                    cur->to = d; /* the first day it no longer applies (rulebook v3) */
                    address(x, d);
                }
            }
        }
    }
}

/* ---- Assessments ------------------------------------------------------------ */

typedef struct dated {
    ck_date date;
    const char *kind, *level;
} dated;

static int cmp_dated(const void *a, const void *b)
{
    const dated *x = a, *y = b;
    if (x->date != y->date) return (x->date > y->date) - (x->date < y->date);
    return strcmp(x->kind, y->kind);
}

static bool any_between(const vec *dates, ck_date lo, ck_date hi)
{
    const ck_date *d = dates->v;
    for (size_t i = 0; i < dates->n; i++)
        if (d[i] >= lo && d[i] <= hi) return true;
    return false;
}

static void add_date(vec *v, ck_date d) { *(ck_date *)push(v) = d; }

/* RoSH assessments in good practice: the first as soon as the facts known at
 * sentence are in, one before each release, one within days of every
 * significant change, and reviews inside the review period (ROSH_REVIEW: 26
 * weeks if high-risk, 52 otherwise; local defaults). */
static void rosh_good(gx *x, vec *out)
{
    ck_rng *r = &x->r;
    const ck_rules_config *cfg = x->cfg;
    int urgent = cfg->rosh_initial_urgent_wd, lookback = cfg->rosh_initial_lookback_days;
    ck_date first = x->custody ? x->initial_done + ck_rng_range(r, 0, 3)
                               : min_date(max_date(x->first_start, x->initial_done) + ck_rng_range(r, 0, 1),
                                          x->first_start + urgent);
    add_date(out, first);
    if (x->custody && x->release <= x->as_of && !any_between(out, x->release - lookback, x->release + imin(4, urgent)))
        add_date(out, max_date(first + 1, x->release - ck_rng_range(r, 0, imin(14, lookback))));
    if (x->triggers.n) qsort(x->triggers.v, x->triggers.n, sizeof(ck_date), cmp_date);
    const ck_date *t = x->triggers.v;
    int change = imin(4, cfg->rosh_change_wd);
    for (size_t i = 0; i < x->triggers.n; i++)
        if (t[i] >= first && !any_between(out, t[i], t[i] + change)) add_date(out, soon(x, t[i], change, change));
    if (out->n) qsort(out->v, out->n, sizeof(ck_date), cmp_date);
    int weeks = imin(x->high ? cfg->rosh_review_high_risk_weeks : cfg->rosh_review_weeks, cfg->rosh_max_age_weeks);
    int review = weeks * 7 - 14;
    size_t n = out->n;
    ck_date cur = ((ck_date *)out->v)[0];
    for (size_t i = 1; i <= n; i++) {
        ck_date next = i < n ? ((ck_date *)out->v)[i] : x->as_of + review + 1;
        while (next - cur > review && cur + review <= x->as_of) {
            cur = cur + review - ck_rng_range(r, 0, 14);
            add_date(out, cur);
        }
        if (i < n) cur = next;
    }
}

/* RoSH assessments as the inspectors found them: the first weeks late, reviews
 * every 13 to 21 months, none prompted by a change, none in time for release. */
static void rosh_poor(gx *x, vec *out)
{
    ck_rng *r = &x->r;
    const ck_rules_config *cfg = x->cfg;
    int review = 7 * imin(x->high ? cfg->rosh_review_high_risk_weeks : cfg->rosh_review_weeks, cfg->rosh_max_age_weeks);
    ck_date first = x->custody ? x->sentence + ck_rng_range(r, 30, 200)
                               : after_wd(x, x->first_start, cfg->rosh_initial_wd) + ck_rng_range(r, 5, 170);
    for (ck_date d = first; d <= x->as_of; d += review + ck_rng_range(r, 28, 266)) add_date(out, d);
    if (x->custody && x->release <= x->as_of) {
        ck_date *d = out->v, late = after_wd(x, x->release, cfg->rosh_initial_wd);
        for (size_t i = 0; i < out->n; i++)
            if (d[i] >= x->release - cfg->rosh_initial_lookback_days && d[i] < late) d[i] = late + ck_rng_range(r, 5, 90);
    }
}

/* The RSR (%, in hundredths) that goes with a RoSH level: low 0.50-2.99,
 * medium 2.00-6.99, high 5.00-14.99, very high 8.00-29.99 (RSR and RoSH
 * rise together; the bands overlap, as scores and judgements do). */
static int32_t rsr_for(ck_rng *r, const char *level)
{
    static const struct { const char *level; int lo, hi; } bands[] = {
        {"low", 50, 299}, {"medium", 200, 699}, {"high", 500, 1499}, {"very_high", 800, 2999}};
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++)
        if (ck_streq(level, bands[i].level)) return ck_rng_range(r, bands[i].lo, bands[i].hi);
    return ck_rng_range(r, 50, 299);
}

/* An OASys assessment's needs: each no need (half), standard or severe. */
static void needs_for(ck_rng *r, ck_needs *n)
{
    static const ck_choice severity[] = {{"no_need", 50}, {"standard", 35}, {"severe", 15}};
    const char **fields[] = {&n->accommodation, &n->education_training_employment, &n->relationships,
                             &n->lifestyle_associates, &n->drug_misuse, &n->alcohol_misuse, &n->thinking_behaviour,
                             &n->attitudes};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = PICK(r, severity);
        *fields[i] = ck_vocab_find(ck_vocab_need_severity, v, strlen(v));
    }
}

static void assessments(gx *x)
{
    vec rosh = {NULL, 0, 0, sizeof(ck_date)}, all = {NULL, 0, 0, sizeof(dated)};
    if (x->poor_rosh) rosh_poor(x, &rosh);
    else rosh_good(x, &rosh);
    if (rosh.n) qsort(rosh.v, rosh.n, sizeof(ck_date), cmp_date);
    const ck_date *d = rosh.v;
    bool high_level = !strcmp(x->level, "high") || !strcmp(x->level, "very_high");
    ck_date first_rosh = CK_NODATE;
    for (size_t i = 0; i < rosh.n; i++) {
        if (d[i] > x->as_of || (i && d[i] == d[i - 1])) continue;
        if (first_rosh == CK_NODATE) first_rosh = d[i];
        *(dated *)push(&all) = (dated){d[i], "rosh", x->level};
        /* OVERSIGHT: a manager reviews each high or very high RoSH within 5 WD. */
        if (high_level && !x->poor_oversight) *(dated *)push(&all) = (dated){soon(x, d[i], x->cfg->oversight_wd, 4), "oversight", NULL};
    }
    /* SENTENCE_PLAN within 15 WD of each CO/SSO or licence start; where the
     * RoSH work is poor the plan comes with the late OASys. */
    for (int i = 0; i < x->n_periods; i++) {
        const period *p = &x->periods[i];
        if (!p->enforceable) continue;
        ck_date when = CK_NODATE;
        if (!x->poor_rosh) when = soon(x, p->start, x->cfg->sentence_plan_wd, 14);
        else
            for (size_t k = 0; k < rosh.n && when == CK_NODATE; k++)
                if (d[k] >= p->start) when = d[k];
        if (when != CK_NODATE) *(dated *)push(&all) = (dated){when, "sentence_plan", NULL};
    }
    if (all.n) qsort(all.v, all.n, sizeof(dated), cmp_dated);
    /* The RSR with each RoSH and the full OASys (with needs) with each
     * sentence plan draw from a stream of their own, so the rest of the case
     * is what it was before they were generated. */
    ck_rng scores;
    ck_rng_seed(&scores, x->g->opt.seed, SCORES_STREAM | (uint64_t)x->index);
    for (size_t i = 0; i < all.n; i++) {
        const dated *e = &((dated *)all.v)[i];
        if (e->date > x->as_of) continue;
        ck_assessment *as = push(&x->assessments);
        as->id = id(x, "AS", x->assessments.n);
        as->kind = ck_vocab_find(ck_vocab_assessment_kind, e->kind, strlen(e->kind));
        as->completed = e->date;
        as->level = e->level;
        as->score = CK_NOINT;
        bool is_rosh = ck_streq(e->kind, "rosh");
        if (!is_rosh && !ck_streq(e->kind, "sentence_plan")) continue;
        ck_assessment *more = push(&x->assessments);
        more->id = id(x, "AS", x->assessments.n);
        more->kind = is_rosh ? "rsr" : "oasys";
        more->kind = ck_vocab_find(ck_vocab_assessment_kind, more->kind, strlen(more->kind));
        more->completed = e->date;
        more->score = is_rosh ? rsr_for(&scores, e->level) : CK_NOINT;
        more->has_needs = !is_rosh;
        if (!is_rosh) needs_for(&scores, &more->needs);
    }
    /* The RoSH register mirrors OASys (rules-and-sources.md §3.1). */
    if (high_level && first_rosh != CK_NODATE) registration(x, !strcmp(x->level, "high") ? "RHRH" : "RVHR", first_rosh);
    ck_free(rosh.v);
    ck_free(all.v);
}

/* ---- Victims ------------------------------------------------------------------ */

static ck_victim *victim(gx *x, const char *scheme, ck_date referred)
{
    ck_rng *r = &x->r;
    ck_victim *v = push(&x->victims);
    v->id = id(x, "V", x->victims.n);
    v->event = "E1";
    v->scheme = ck_vocab_find(ck_vocab_scheme, scheme, strlen(scheme));
    v->referred = referred;
    v->first_contact = v->opted_on = v->representations = v->release_notified = v->recall_notified = CK_NODATE;
    char g = ck_rng_chance(r, 0.65) ? 'F' : 'M';
    const char *fore = ck_gen_forename(r, g), *sur = ck_gen_surname(r);
    v->name = ck_arena_printf(x->a, "%s %s", fore, sur);
    v->address = ck_gen_address(x->a, r, x->org->pdus[x->pdu].name);
    v->phone = ck_gen_phone(x->a, r);
    v->email = ck_rng_chance(r, 0.6) ? ck_gen_email(x->a, r, fore, sur) : NULL;
    v->notes = ck_rng_chance(r, 0.7) ? ck_gen_victim_note(r) : NULL;
    return v;
}

/* VCS_FIRST_CONTACT: on time, or late as often as the practice says. False
 * when the contact is still to come on as_of. */
static bool first_contact(gx *x, ck_victim *v)
{
    ck_rng *r = &x->r;
    int n = x->cfg->vcs_first_contact_wd;
    bool late = ck_rng_chance(r, x->g->opt.rate[CK_PRACTICE_VCS_FIRST_CONTACT_LATE]);
    /* A non-statutory victim is also owed contact within VCS_NONSTATUTORY. */
    if (strcmp(v->scheme, "statutory") != 0) n = imin(n, x->cfg->vcs_nonstatutory_wd / 3);
    ck_date first = late ? after_wd(x, v->referred, x->cfg->vcs_first_contact_wd) + ck_rng_range(r, 5, 120)
                         : v->referred + ck_rng_range(r, imin(2, n), imin(25, imax(n, 0)));
    if (first > x->as_of) return false;
    v->first_contact = first;
    return true;
}

static void referral_outcome(gx *x, ck_date d, const char *outcome)
{
    if (d > x->as_of) return;
    x->event->has_victim_referral_outcome = true;
    x->event->victim_referral_outcome.date = d;
    x->event->victim_referral_outcome.outcome = ck_vocab_find(ck_vocab_referral_outcome, outcome, strlen(outcome));
}

/* The statutory Victim Contact Scheme (DVCVA 2004 s.35): referral within 10
 * WD of sentence, first contact within 20 WD of referral (Victims' Code,
 * rules-and-sources.md §1.3), then the victim's choices and notices. */
static void statutory_victims(gx *x)
{
    ck_rng *r = &x->r;
    if (x->not_offered) return;
    ck_date s = x->sentence;
    if (ck_rng_chance(r, 0.1)) {
        referral_outcome(x, soon(x, s, x->cfg->vcs_referral_wd, 9),
                         ck_rng_chance(r, 0.5) ? "no_identifiable_victim" : "declined_at_referral");
        return;
    }
    int n = ck_rng_chance(r, 0.2) ? 2 : 1;
    for (int i = 0; i < n; i++) {
        ck_date referred = max_date(back_to_weekday(soon(x, s, x->cfg->vcs_referral_wd, 9)), s);
        if (referred > x->as_of) continue;
        ck_victim *v = victim(x, "statutory", referred);
        if (!first_contact(x, v)) continue;
        ck_date first = v->first_contact;
        static const ck_choice opted[] = {{"in", 65}, {"out", 20}, {"", 15}};
        const char *o = PICK(r, opted);
        ck_date on = first + ck_rng_range(r, 0, 10);
        if (!*o || on > x->as_of) continue;
        v->opted = ck_vocab_find(ck_vocab_opted, o, strlen(o));
        v->opted_on = on;
        if (strcmp(o, "in") != 0) continue;
        /* VCS_FLAG: the INVI register within 5 WD of opting in. */
        registration(x, "INVI", soon(x, on, x->cfg->vcs_flag_wd, 4));
        if (x->release != CK_NODATE) {
            ck_date rep = max_date(x->release - x->cfg->vcs_representations_days - ck_rng_range(r, 1, 60),
                                   on + ck_rng_range(r, 0, 5));
            if (rep <= x->as_of) v->representations = rep;
            ck_date due = ck_wd_sub(x->g->cal, x->release, x->cfg->vcs_release_notice_wd);
            ck_date note = max_date(due - ck_rng_range(r, 0, 5), on + ck_rng_range(r, 0, 3));
            if (note <= x->as_of) v->release_notified = note;
        }
        if (x->recall != CK_NODATE) {
            ck_date note = soon(x, max_date(x->recall, on), x->cfg->vcs_recall_notice_wd, 1);
            if (note <= x->as_of) v->recall_notified = note;
        }
    }
}

/* VCS_NONSTATUTORY: victims of domestic abuse outside the statutory scheme
 * are offered contact as best practice (rules-and-sources.md §1.5). */
static void nonstatutory_victims(gx *x)
{
    ck_rng *r = &x->r;
    ck_date s = x->sentence;
    int third = imax(1, x->cfg->vcs_nonstatutory_wd / 3);
    if (ck_rng_chance(r, 0.15)) {
        referral_outcome(x, soon(x, s, third, 9), "declined_at_referral");
        return;
    }
    ck_date referred = max_date(back_to_weekday(soon(x, s, third, 9)), s);
    if (referred > x->as_of) return;
    first_contact(x, victim(x, ck_rng_chance(r, 0.2) ? "vns" : "non_statutory", referred));
}

/* ---- Registration reviews ---------------------------------------------------- */

/* REG_REVIEW: each review a few days before the next is due, and next_review
 * set to the cycle after the last one. */
static void reviews(gx *x)
{
    ck_rng *r = &x->r;
    ck_date dates[256];
    for (size_t i = 0; i < x->registrations.n; i++) {
        ck_registration *g = &((ck_registration *)x->registrations.v)[i];
        int months = ck_rulecfg_review_months(x->cfg, g->type);
        if (months <= 0) continue;
        size_t n = 0;
        ck_date last = g->date;
        for (;;) {
            ck_date next = ck_date_add_months(last, months) - ck_rng_range(r, 0, 10);
            if (next > x->as_of || n == COUNT(dates)) break;
            dates[n++] = last = next;
        }
        g->next_review = ck_date_add_months(last, months);
        if (n) {
            g->reviews = ck_arena_array(x->a, n, sizeof *g->reviews);
            for (size_t k = 0; k < n; k++) g->reviews[k].date = dates[k];
            g->n_reviews = n;
        }
    }
}

/* ---- Allocation ------------------------------------------------------------------ */

static void allocation(gx *x, size_t staff, ck_date from, ck_date to)
{
    const ck_gen_staff *s = &x->org->staff[staff];
    ck_allocation *al = push(&x->allocations);
    al->id = id(x, "AL", x->allocations.n);
    al->from = from;
    al->to = to;
    al->staff_code = s->code;
    al->grade = s->grade;
    /* The organisation's own record: allocations and staff agree. */
    al->staff_left_on = s->left_on;
    al->staff_long_term_absence_from = s->absence_from;
}

/* A practitioner of the team who was in post at `from`, for the case's first
 * allocation when its current practitioner joined later. */
static size_t earlier_colleague(const gx *x, size_t team, size_t not, ck_date from)
{
    const ck_gen_team *t = &x->org->teams[team];
    for (size_t i = t->first_staff; i < t->first_staff + t->n_staff; i++) {
        const ck_gen_staff *s = &x->org->staff[i];
        if (i != not && s->status == CK_GEN_IN_POST && s->weight > 0 && s->start_date <= from) return i;
    }
    return SIZE_MAX;
}

/* ALLOCATE: a practitioner from sentence (high-risk cases to a PO: the
 * historic grade boundary, rules-and-sources.md §7). Cases of leavers and of
 * staff gone on long-term sickness were passed on the day they went, except
 * the "lost" ones still held by a leaver; "unallocated" ones have none. */
static const char *allocate(gx *x)
{
    ck_rng *r = &x->r;
    const ck_gen_org *o = x->org;
    const ck_gen_pdu *pdu = &o->pdus[x->pdu];
    size_t team = ck_gen_org_pick_team(o, r, x->pdu);
    ck_date from = x->sentence;
    double u = ck_rng_unit(r);
    const double *rate = x->g->opt.rate;
    if (u < rate[CK_PRACTICE_UNALLOCATED]) return o->teams[team].code;
    if (u < rate[CK_PRACTICE_UNALLOCATED] + rate[CK_PRACTICE_LOST]) {
        size_t start = (size_t)ck_rng_below(r, pdu->n_teams);
        for (size_t k = 0; k < pdu->n_teams; k++) {
            size_t t = pdu->first_team + (start + k) % pdu->n_teams;
            if (!o->teams[t].case_holding) continue;
            size_t gone = ck_gen_org_pick_gone(o, r, t, CK_GEN_LEFT, from);
            if (gone != SIZE_MAX) {
                allocation(x, gone, from, CK_NODATE);
                return o->teams[t].code;
            }
        }
    }
    size_t cur = ck_gen_org_pick_practitioner(o, r, team, x->high);
    if (cur == SIZE_MAX) cur = ck_gen_org_pick_practitioner(o, r, team, false);
    if (cur == SIZE_MAX) return o->teams[team].code;
    /* History: the case passed on from a leaver or an absent colleague. */
    double h = ck_rng_unit(r);
    size_t prev = SIZE_MAX;
    ck_date handover = CK_NODATE;
    if (h < 0.18) {
        prev = ck_gen_org_pick_gone(o, r, team, h < 0.12 ? CK_GEN_LEFT : CK_GEN_ABSENT, from);
        if (prev != SIZE_MAX) {
            const ck_gen_staff *p = &o->staff[prev];
            handover = h < 0.12 ? p->left_on : p->absence_from;
        }
    }
    if (prev == SIZE_MAX && o->staff[cur].start_date > from) {
        prev = earlier_colleague(x, team, cur, from);
        if (prev != SIZE_MAX) handover = o->staff[cur].start_date;
    }
    if (prev != SIZE_MAX && handover > from) {
        allocation(x, prev, from, handover); /* `to`: the first day it no longer applies */
        from = handover;
    }
    allocation(x, cur, from, CK_NODATE);
    return o->teams[team].code;
}

/* ---- Assembling the case --------------------------------------------------- */

#define TAKE(x, field, list)                                                    \
    do {                                                                        \
        (x)->c->field = ck_arena_array((x)->a, (list).n ? (list).n : 1, (list).size); \
        if ((list).n) memcpy((void *)(x)->c->field, (list).v, (list).n * (list).size); \
        (x)->c->n_##field = (list).n;                                           \
    } while (0)

static void person(gx *x, size_t index)
{
    ck_rng *r = &x->r;
    const ck_gen_region *reg = &x->org->regions[x->org->pdus[x->pdu].region];
    ck_person *p = &x->c->person;
    x->c->crn = ck_arena_printf(x->a, "%c%06zu", reg->crn_letter, index - reg->first_case + 1);
    char g = ck_rng_chance(r, WOMEN) ? 'F' : 'M';
    p->gender = ck_vocab_find(ck_vocab_gender, g == 'F' ? "F" : "M", 1);
    p->forename = ck_gen_forename(r, g);
    p->surname = ck_gen_surname(r);
    int age = PICK_INT(r, ages);
    int span = age >= 60 ? 12 : age >= 40 ? 10 : age == 18 ? 3 : age == 21 ? 4 : age == 25 ? 5 : 10;
    age += ck_rng_range(r, 0, span - 1);
    p->date_of_birth = ck_date_add_months(x->as_of, -12 * age) - ck_rng_range(r, 0, 364);
    p->has_offending_history = true;
    int first = ck_rng_range(r, 12, age < 40 ? age : 40);
    p->offending_history.age_at_first_sanction = first;
    p->offending_history.total_sanctions = 1 + (int)(ck_rng_unit(r) * ck_rng_unit(r) * (age - first + 1));
}

ck_case *ck_gen_case(const ck_gen *g, size_t index)
{
    gx x;
    memset(&x, 0, sizeof x);
    x.g = g;
    x.org = g->org;
    x.cfg = g->cfg;
    x.as_of = g->opt.as_of;
    x.index = index;
    ck_rng_seed(&x.r, g->opt.seed, index);
    x.c = ck_case_new();
    x.a = &x.c->arena;
    x.pdu = ck_gen_org_pdu_of(g->org, index);
    vec *lists[] = {&x.addresses, &x.allocations, &x.contacts, &x.enforcement, &x.breaches, &x.recalls,
                    &x.registrations, &x.assessments, &x.checks, &x.changes, &x.decisions, &x.victims};
    const size_t sizes[] = {sizeof(ck_address), sizeof(ck_allocation), sizeof(ck_contact),
                            sizeof(ck_enforcement), sizeof(ck_breach), sizeof(ck_recall),
                            sizeof(ck_registration), sizeof(ck_assessment), sizeof(ck_check),
                            sizeof(ck_change), sizeof(ck_decision), sizeof(ck_victim)};
    for (size_t i = 0; i < COUNT(lists); i++) lists[i]->size = sizes[i];
    x.triggers.size = x.attended.size = sizeof(ck_date);

    person(&x, index);
    ck_rng *r = &x.r;
    /* The case's practice, one draw per parameter in a fixed order. */
    const double *rate = g->opt.rate;
    x.not_offered = ck_rng_chance(r, rate[CK_PRACTICE_VCS_NOT_OFFERED]);
    x.da_missed = ck_rng_chance(r, rate[CK_PRACTICE_DA_CHECK_MISSED]);
    x.child_missed = ck_rng_chance(r, rate[CK_PRACTICE_CHILD_CHECK_MISSED]);
    x.poor_rosh = ck_rng_chance(r, rate[CK_PRACTICE_ROSH_LATE]);
    x.poor_oversight = ck_rng_chance(r, rate[CK_PRACTICE_OVERSIGHT_MISSED]);
    x.poor_contact = ck_rng_chance(r, rate[CK_PRACTICE_INSUFFICIENT_CONTACT]);

    x.event = ck_arena_alloc(x.a, sizeof *x.event);
    x.event->id = "E1";
    x.kind = (int)ck_rng_pick(r, kind_mix, COUNT(kind_mix));
    offences(&x);
    sentence(&x);
    periods(&x);
    risk(&x);
    report_and_checks(&x);
    addresses(&x);
    contacts(&x);
    changes(&x);
    assessments(&x);
    if (x.vcs_eligible) statutory_victims(&x);
    else if (x.da) nonstatutory_victims(&x);
    reviews(&x);
    x.c->team = allocate(&x);

    ck_case *c = x.c;
    c->events = x.event;
    c->n_events = 1;
    ck_person *p = &c->person;
    p->addresses = ck_arena_array(x.a, x.addresses.n ? x.addresses.n : 1, sizeof(ck_address));
    if (x.addresses.n) memcpy(p->addresses, x.addresses.v, x.addresses.n * sizeof(ck_address));
    p->n_addresses = x.addresses.n;
    TAKE(&x, allocations, x.allocations);
    TAKE(&x, contacts, x.contacts);
    TAKE(&x, enforcement, x.enforcement);
    TAKE(&x, breaches, x.breaches);
    TAKE(&x, recalls, x.recalls);
    TAKE(&x, registrations, x.registrations);
    TAKE(&x, assessments, x.assessments);
    TAKE(&x, checks, x.checks);
    TAKE(&x, changes, x.changes);
    TAKE(&x, decisions, x.decisions);
    TAKE(&x, victims, x.victims);
    ck_gen_person_details(c, g->opt.seed, index);
    ck_gen_requirements(c, g->opt.seed, index, g->opt.as_of);
    for (size_t i = 0; i < COUNT(lists); i++) ck_free(lists[i]->v);
    ck_free(x.triggers.v);
    ck_free(x.attended.v);
    ck_gen_notes(c, g->opt.seed, index, g->opt.as_of);
    ck_gen_licence(c, g->opt.seed, index, g->opt.as_of);
    ck_gen_appts(c, g->org, x.pdu, g->opt.seed, index);
    return c;
}

/* ---- Writing a directory ------------------------------------------------------- */

static FILE *open_out(const char *dir, const char *name, char *path, size_t path_len, char *err, size_t len)
{
    snprintf(path, path_len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) snprintf(err, len, "%s: cannot write: %s", path, strerror(errno));
    return f;
}

static bool close_out(FILE *f, const char *path, bool ok, char *err, size_t len)
{
    if (!f) return ok;
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0) bad = true;
    if (ok && bad) snprintf(err, len, "%s: write failed: %s", path, strerror(errno));
    return ok && !bad;
}

/* Cases are made and serialised by a few threads, a block at a time, and
 * written in order by this one: the output does not depend on the threads. */
enum { BLOCK = 512, MAX_WORKERS = 8 };

typedef struct worker {
    const ck_gen *g;
    size_t from, to;
    ck_buf out;
    bool ok;
    const char *crn; /* of a case that would not serialise */
    pthread_t thread;
} worker;

static void *serialise(void *arg)
{
    worker *w = arg;
    w->ok = true;
    ck_buf_reset(&w->out);
    for (size_t i = w->from; i < w->to && w->ok; i++) {
        ck_case *c = ck_gen_case(w->g, i);
        if (!ck_bundle_write(c, 0, &w->out) || !ck_buf_putc(&w->out, '\n')) {
            w->ok = false;
            w->crn = ck_strdup(c->crn);
        }
        ck_case_free(c);
    }
    return NULL;
}

static size_t worker_count(void)
{
    unsigned n = ck_par_cores();
    return n > MAX_WORKERS ? MAX_WORKERS : (size_t)n;
}

bool ck_gen_write_dir(const ck_gen *g, const char *dir, char *err, size_t len)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, len, "%s: cannot create the directory: %s", dir, strerror(errno));
        return false;
    }
    char path[4096], name[64];
    FILE *f = open_out(dir, "organisation.jsonl", path, sizeof path, err, len);
    if (!f) return false;
    bool ok = ck_gen_org_write(g->org, f);
    if (!ok) snprintf(err, len, "%s: write failed: %s", path, strerror(errno));
    if (!close_out(f, path, ok, err, len)) return false;

    size_t n = ck_gen_case_count(g), files = 0, nw = worker_count();
    worker w[MAX_WORKERS];
    memset(w, 0, sizeof w);
    for (size_t k = 0; k < nw; k++) {
        w[k].g = g;
        ck_buf_init(&w[k].out, 0);
    }
    f = NULL;
    for (size_t at = 0; ok && at < n;) {
        if (at % CK_GEN_CASES_PER_FILE == 0) {
            if (!(ok = close_out(f, path, ok, err, len))) break;
            snprintf(name, sizeof name, "cases-%03zu.jsonl", ++files);
            if (!(f = open_out(dir, name, path, sizeof path, err, len))) {
                ok = false;
                break;
            }
        }
        /* One round: each worker takes a block, never crossing a file. */
        size_t file_end = (at / CK_GEN_CASES_PER_FILE + 1) * CK_GEN_CASES_PER_FILE, used = 0;
        if (file_end > n) file_end = n;
        for (size_t k = 0; k < nw && at < file_end; k++, used++) {
            w[k].from = at;
            w[k].to = at + BLOCK < file_end ? at + BLOCK : file_end;
            at = w[k].to;
            if (pthread_create(&w[k].thread, NULL, serialise, &w[k]) != 0) serialise(&w[k]), w[k].thread = 0;
        }
        for (size_t k = 0; k < used; k++) {
            if (w[k].thread) pthread_join(w[k].thread, NULL);
            w[k].thread = 0;
        }
        for (size_t k = 0; k < used && ok; k++) {
            if (!w[k].ok) {
                snprintf(err, len, "%s: case %s does not fit in a line", path, w[k].crn ? w[k].crn : "?");
                ok = false;
            } else if (fwrite(w[k].out.data, 1, w[k].out.len, f) != w[k].out.len) {
                snprintf(err, len, "%s: write failed: %s", path, strerror(errno));
                ok = false;
            }
        }
    }
    ok = close_out(f, path, ok, err, len);
    for (size_t k = 0; k < nw; k++) {
        ck_buf_free(&w[k].out);
        ck_free((void *)w[k].crn);
    }
    /* Files of an earlier, larger run would be imported with this one. */
    for (size_t k = files + 1; ok; k++) {
        snprintf(path, sizeof path, "%s/cases-%03zu.jsonl", dir, k);
        if (remove(path) != 0) break;
    }
    return ok;
}
