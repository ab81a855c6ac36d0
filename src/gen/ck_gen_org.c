#include "ck_gen_org.h"
#include "ck_gen_names.h"
#include "ck_org_record.h"
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The 12 HMPPS probation regions and their PDUs, as the Probation Service
 * lists them (data.justice.gov.uk "12 probation regions"; PDU names from the
 * HMPPS electronic monitoring order form, ministryofjustice/
 * hmpps-electronic-monitoring-create-an-order, which lists every region's
 * PDUs). London's 18 PDUs are the ones HMIP inspected in 2022 (rules-and-
 * sources.md §9: 18 PDUs). Provider codes other than N07 (London) and the CRN
 * letters are invented but follow the nDelius shapes. `share` is the region's
 * part of the national caseload outside London, in per mille: UNCONFIRMED,
 * plausible proportions by population (no regional split in the domain notes). */
typedef struct region_def {
    const char *code, *name;
    char crn_letter;
    unsigned share;
    const char *const *pdus;
    size_t n_pdus;
} region_def;

static const char *const london[] = {
    "Barking, Dagenham and Havering", "Brent", "Camden and Islington", "Croydon",
    "Ealing and Hillingdon", "Enfield and Haringey", "Greenwich and Bexley", "Hackney and City",
    "Hammersmith, Fulham, Kensington, Chelsea and Westminster", "Harrow and Barnet",
    "Kingston, Richmond and Hounslow", "Lambeth", "Lewisham and Bromley", "Newham",
    "Redbridge and Waltham Forest", "Southwark", "Tower Hamlets", "Wandsworth, Merton and Sutton"};
static const char *const east_midlands[] = {
    "Derby City", "Derbyshire", "East and West Lincolnshire", "Leicester, Leicestershire and Rutland",
    "Nottingham City", "Nottinghamshire"};
static const char *const east_of_england[] = {
    "Bedfordshire", "Cambridgeshire", "Essex North", "Essex South", "Hertfordshire", "Norfolk",
    "Northamptonshire", "Suffolk"};
static const char *const greater_manchester[] = {
    "Bolton", "Bury and Rochdale", "Manchester North", "Manchester South", "Oldham", "Salford",
    "Stockport and Trafford", "Tameside", "Wigan"};
static const char *const kss[] = {
    "East Kent", "East Sussex", "North Kent and Medway", "Surrey", "West Kent", "West Sussex"};
static const char *const north_east[] = {
    "County Durham and Darlington", "Gateshead and South Tyneside", "Newcastle upon Tyne",
    "North Tyneside and Northumberland", "Redcar, Cleveland and Middlesbrough",
    "Stockton and Hartlepool", "Sunderland"};
static const char *const north_west[] = {
    "Blackburn", "Central Lancashire", "Cheshire East", "Cheshire West", "Cumbria",
    "East Lancashire", "Knowsley and St Helens", "Liverpool North", "Liverpool South",
    "North West Lancashire", "Sefton", "Warrington and Halton", "Wirral"};
static const char *const south_central[] = {
    "Buckinghamshire and Milton Keynes", "East Berkshire", "Hampshire North and East",
    "Hampshire South and Isle of Wight", "Hampshire South West", "Oxfordshire", "West Berkshire"};
static const char *const south_west[] = {
    "Bath and North Somerset", "Bristol and South Gloucestershire", "Cornwall and Isles of Scilly",
    "Devon and Torbay", "Dorset", "Gloucestershire", "Plymouth", "Somerset", "Swindon and Wiltshire"};
static const char *const wales[] = {
    "Cardiff and the Vale", "Cwm Taf Morgannwg", "Dyfed Powys", "Gwent", "North Wales",
    "Swansea, Neath and Port Talbot"};
static const char *const west_midlands[] = {
    "Birmingham Central and South", "Birmingham North, East and Solihull", "Coventry",
    "Dudley and Sandwell", "Hereford, Shropshire and Telford", "Staffordshire and Stoke",
    "Walsall and Wolverhampton", "Warwickshire", "Worcestershire"};
static const char *const yorkshire[] = {
    "Barnsley and Rotherham", "Bradford and Calderdale", "Doncaster", "Hull and East Riding",
    "Kirklees", "Leeds", "North and North East Lincolnshire", "North Yorkshire", "Sheffield",
    "Wakefield", "York"};

#define REGION(code, name, letter, share, list) {code, name, letter, share, list, COUNT(list)}
static const region_def region_defs[] = {
    REGION("N07", "London", 'L', 0, london),
    REGION("N53", "East Midlands", 'A', 80, east_midlands),
    REGION("N56", "East of England", 'B', 90, east_of_england),
    REGION("N50", "Greater Manchester", 'C', 90, greater_manchester),
    REGION("N57", "Kent, Surrey and Sussex", 'D', 80, kss),
    REGION("N54", "North East", 'E', 65, north_east),
    REGION("N51", "North West", 'F', 110, north_west),
    REGION("N59", "South Central", 'G', 65, south_central),
    REGION("N58", "South West", 'H', 60, south_west),
    REGION("N03", "Wales", 'J', 65, wales),
    REGION("N52", "West Midlands", 'K', 110, west_midlands),
    REGION("N55", "Yorkshire and the Humber", 'M', 105, yorkshire),
};

/* ---- Staffing model ----------------------------------------------------- */
/* Average caseload per PO: 35.2 (rules-and-sources.md §9, WMT Jul 2023-Jun
 * 2024). Teams are added to a PDU until its practitioners' weights, at this
 * many cases per unit of weight, can hold its cases. POs alone hold the
 * high-risk cases, so staffing for 31 a unit leaves them near 35. */
static const double CASES_PER_WEIGHT = 31.0;
/* London had 500 vacant positions (§9, HMIP Nov 2022); other scales get the
 * same number per case (national: ~3,100, close to the NAO's 3,150 shortfall,
 * also §9). */
static const double VACANCIES_PER_LONDON = 500;
/* UNCONFIRMED: no rates in the domain notes. HMIP London 2022 cites "high
 * sickness absences" and turnover without numbers; these are assumptions. */
static const double LONG_TERM_ABSENCE_RATE = 0.05; /* staff on long-term sick */
static const double LEAVER_RATE = 0.12;            /* practitioners leaving a year */
static const double AGENCY_RATE = 0.08;            /* agency POs/PSOs */

typedef struct builder {
    ck_gen_org *o;
    ck_rng rng;
    size_t cap_regions, cap_pdus, cap_teams, cap_staff, cap_vac;
    unsigned staff_counter[COUNT(region_defs)];
    unsigned team_counter[COUNT(region_defs)];
} builder;

#define GROW(b, arr, n, cap)                                                   \
    do {                                                                       \
        if ((n) == (cap)) {                                                    \
            size_t nc = (cap) ? (cap) * 2 : 64, bytes;                          \
            if (!ck_mul(nc, sizeof *(arr), &bytes)) abort();                   \
            (arr) = ck_realloc((arr), bytes);                                  \
            (cap) = nc;                                                        \
        }                                                                      \
    } while (0)

/* Splits total into n parts proportional to w (largest remainder: exact sum). */
static void apportion(size_t total, const double *w, size_t n, size_t *out)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += w[i];
    size_t given = 0;
    double *rem = ck_calloc(n ? n : 1, sizeof *rem);
    for (size_t i = 0; i < n; i++) {
        double exact = sum > 0 ? (double)total * w[i] / sum : 0;
        out[i] = (size_t)floor(exact);
        rem[i] = exact - (double)out[i];
        given += out[i];
    }
    while (given < total && n) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best]) best = i;
        out[best]++;
        rem[best] = -1;
        given++;
    }
    ck_free(rem);
}

static const char *staff_code(builder *b, size_t region)
{
    unsigned k = b->staff_counter[region]++;
    return ck_arena_printf(&b->o->arena, "%s%c%03u", region_defs[region].code, 'A' + (int)(k / 1000 % 26), k % 1000);
}

static const char *team_code(builder *b, size_t region)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    unsigned k = b->team_counter[region]++;
    return ck_arena_printf(&b->o->arena, "%s%c%c%c", region_defs[region].code, digits[k / 1296 % 36],
                           digits[k / 36 % 36], digits[k % 36]);
}

static ck_gen_staff *add_staff(builder *b, size_t team, size_t region, const char *grade)
{
    ck_gen_org *o = b->o;
    GROW(b, o->staff, o->n_staff, b->cap_staff);
    ck_gen_staff *s = &o->staff[o->n_staff++];
    memset(s, 0, sizeof *s);
    s->code = staff_code(b, region);
    s->team = team;
    s->grade = grade;
    /* The probation workforce is mostly women (HMPPS workforce statistics;
     * UNCONFIRMED share). */
    char g = ck_rng_chance(&b->rng, 0.6) ? 'F' : 'M';
    s->forename = ck_gen_forename(&b->rng, g);
    s->surname = ck_gen_surname(&b->rng);
    s->status = CK_GEN_IN_POST;
    s->contracted_hours = 37; /* WMT default contracted hours (§6.2) */
    s->start_date = o->as_of - ck_rng_range(&b->rng, 400, 7300);
    s->left_on = s->absence_from = s->reduction_from = s->reduction_expires = CK_NODATE;
    return s;
}

/* Grade-specific details of a practitioner: hours, caseload weight, training
 * reduction, agency. */
static void practitioner(builder *b, ck_gen_staff *s)
{
    ck_rng *r = &b->rng;
    double w = 1.0;
    if (ck_rng_chance(r, 0.12)) s->contracted_hours = ck_rng_chance(r, 0.5) ? 30 : 22.5;
    if (strcmp(s->grade, "PQiP") == 0) {
        /* Trainees: WMT reductions of 80/60/40% of hours in their first 18
         * months (rules-and-sources.md §6.2). */
        int months = ck_rng_range(r, 1, 17);
        s->start_date = ck_date_add_months(b->o->as_of, -months);
        int stage = (months - 1) / 6; /* 0, 1, 2 */
        static const char *const reason[] = {"PQiP first 6 months", "PQiP 6-12 months", "PQiP 12-18 months"};
        static const double pct[] = {0.8, 0.6, 0.4};
        s->reduction = reason[stage];
        s->reduction_hours = s->contracted_hours * pct[stage];
        s->reduction_from = ck_date_add_months(s->start_date, 6 * stage);
        s->reduction_expires = ck_date_add_months(s->reduction_from, 6);
        w = 1.0 - pct[stage];
    } else {
        /* Caseloads are uneven: some officers carry far more than the
         * average (HMIP London 2022: "higher caseloads for those staff that
         * remain"); the spread is an assumption. */
        double u = ck_rng_unit(r);
        if (u < 0.15) w = 1.45 + 0.3 * ck_rng_unit(r);
        else if (u < 0.30) w = 0.7 + 0.15 * ck_rng_unit(r);
        s->agency = ck_rng_chance(r, AGENCY_RATE);
    }
    s->weight = w * s->contracted_hours / 37.0;
    if (ck_rng_chance(r, LONG_TERM_ABSENCE_RATE)) {
        s->status = CK_GEN_ABSENT;
        s->absence_from = b->o->as_of - ck_rng_range(r, 20, 300);
        if (s->start_date >= s->absence_from) s->start_date = s->absence_from - 200;
        /* Long-term sickness removes all available hours (WMT, §6.2). */
        s->reduction = "Long Term Sickness";
        s->reduction_hours = s->contracted_hours;
        s->reduction_from = s->absence_from;
        s->reduction_expires = CK_NODATE;
    }
}

static size_t add_team(builder *b, size_t pdu, size_t region, const char *name, bool case_holding)
{
    ck_gen_org *o = b->o;
    GROW(b, o->teams, o->n_teams, b->cap_teams);
    ck_gen_team *t = &o->teams[o->n_teams];
    memset(t, 0, sizeof *t);
    t->code = team_code(b, region);
    t->name = name;
    t->office = ck_arena_printf(&o->arena, "%s Probation Office (Synthetic House)", o->pdus[pdu].name);
    t->pdu = pdu;
    t->case_holding = case_holding;
    t->first_staff = o->n_staff;
    return o->n_teams++;
}

static void close_team(ck_gen_org *o, size_t t)
{
    ck_gen_team *team = &o->teams[t];
    team->n_staff = o->n_staff - team->first_staff;
    team->weight = 0;
    for (size_t i = team->first_staff; i < o->n_staff; i++)
        if (o->staff[i].status == CK_GEN_IN_POST) team->weight += o->staff[i].weight;
}

/* One offender management team: an SPO and 5 to 11 practitioners in post or
 * absent (6 to 12 members), plus the practitioners who left in the last year. */
static void case_team(builder *b, size_t pdu, size_t region, unsigned number)
{
    ck_gen_org *o = b->o;
    ck_rng *r = &b->rng;
    size_t t = add_team(b, pdu, region, ck_arena_printf(&o->arena, "%s Team %u", o->pdus[pdu].name, number), true);
    int po = ck_rng_range(r, 3, 6), pqip = ck_rng_range(r, 0, 2), pso = ck_rng_range(r, 2, 4);
    while (1 + po + pqip + pso > 12) {
        if (pso > 2) pso--;
        else pqip--;
    }
    add_staff(b, t, region, "SPO")->start_date = o->as_of - ck_rng_range(r, 1500, 9000);
    for (int i = 0; i < po; i++) practitioner(b, add_staff(b, t, region, "PO"));
    for (int i = 0; i < pqip; i++) practitioner(b, add_staff(b, t, region, "PQiP"));
    for (int i = 0; i < pso; i++) practitioner(b, add_staff(b, t, region, "PSO"));
    double leavers = LEAVER_RATE * (po + pqip + pso);
    int n_left = (int)leavers + (ck_rng_chance(r, leavers - (int)leavers) ? 1 : 0);
    for (int i = 0; i < n_left; i++) {
        ck_gen_staff *s = add_staff(b, t, region, ck_rng_chance(r, 0.6) ? "PO" : "PSO");
        s->status = CK_GEN_LEFT;
        s->left_on = o->as_of - ck_rng_range(r, 1, 365);
        if (s->start_date >= s->left_on) s->start_date = s->left_on - 400;
    }
    close_team(o, t);
}

static void support_team(builder *b, size_t pdu, size_t region, const char *what, const char *grade, int lo, int hi,
                         bool with_spo)
{
    ck_gen_org *o = b->o;
    size_t t = add_team(b, pdu, region, ck_arena_printf(&o->arena, "%s %s", o->pdus[pdu].name, what), false);
    if (with_spo) add_staff(b, t, region, "SPO");
    int n = ck_rng_range(&b->rng, lo, hi);
    for (int i = 0; i < n; i++) add_staff(b, t, region, grade);
    close_team(o, t);
}

static void build_pdu(builder *b, size_t pdu, size_t region)
{
    ck_gen_org *o = b->o;
    o->pdus[pdu].first_team = o->n_teams;
    double need = (double)o->pdus[pdu].n_cases / CASES_PER_WEIGHT, have = 0;
    unsigned number = 1;
    do {
        case_team(b, pdu, region, number++);
        have += o->teams[o->n_teams - 1].weight;
    } while (have < need);
    support_team(b, pdu, region, "Court Team", "court_officer", 3, 6, true);
    support_team(b, pdu, region, "Victim Liaison Unit", "VLO", 2, 4, false);
    support_team(b, pdu, region, "Management", "head_of_pdu", 1, 1, false);
    o->pdus[pdu].n_teams = o->n_teams - o->pdus[pdu].first_team;
}

static void add_vacancies(builder *b)
{
    ck_gen_org *o = b->o;
    size_t n = (size_t)llround(VACANCIES_PER_LONDON * (double)o->n_cases / CK_GEN_LONDON_CASES);
    double *w = ck_calloc(o->n_teams, sizeof *w);
    for (size_t t = 0; t < o->n_teams; t++) w[t] = (double)o->teams[t].n_staff;
    for (size_t i = 0; i < n; i++) {
        size_t t = ck_rng_pick_weight(&b->rng, w, o->n_teams);
        const char *grade;
        if (o->teams[t].case_holding) {
            static const ck_choice grades[] = {{"PO", 60}, {"PSO", 30}, {"PQiP", 10}};
            grade = grades[ck_rng_pick(&b->rng, grades, COUNT(grades))].value;
        } else {
            grade = o->staff[o->teams[t].first_staff + o->teams[t].n_staff - 1].grade;
            if (strcmp(grade, "head_of_pdu") == 0) grade = "SPO";
        }
        GROW(b, o->vacancies, o->n_vacancies, b->cap_vac);
        o->vacancies[o->n_vacancies++] = (ck_gen_vacancy){t, grade, o->as_of - ck_rng_range(&b->rng, 14, 540)};
    }
    ck_free(w);
}

ck_gen_org *ck_gen_org_build(uint64_t seed, ck_date as_of, bool national, size_t n_cases)
{
    builder b;
    memset(&b, 0, sizeof b);
    ck_gen_org *o = b.o = ck_calloc(1, sizeof *o);
    ck_arena_init(&o->arena);
    o->as_of = as_of;
    ck_rng_seed(&b.rng, seed, UINT64_C(0x6f7267)); /* "org": the cases use streams 0.. */
    size_t n_regions = national ? COUNT(region_defs) : 1;
    o->n_cases = national ? CK_GEN_NATIONAL_CASES : n_cases;
    o->regions = ck_calloc(n_regions, sizeof *o->regions);
    o->n_regions = n_regions;

    /* Cases per region: London's own figure, the rest by share. */
    size_t *per_region = ck_calloc(n_regions, sizeof *per_region);
    per_region[0] = national ? CK_GEN_LONDON_CASES : n_cases;
    if (national) {
        double w[COUNT(region_defs)] = {0};
        for (size_t i = 1; i < n_regions; i++) w[i - 1] = region_defs[i].share;
        apportion(o->n_cases - per_region[0], w, n_regions - 1, per_region + 1);
    }
    size_t total_pdus = 0;
    for (size_t i = 0; i < n_regions; i++) total_pdus += region_defs[i].n_pdus;
    o->pdus = ck_calloc(total_pdus, sizeof *o->pdus);

    size_t case_at = 0;
    for (size_t ri = 0; ri < n_regions; ri++) {
        const region_def *d = &region_defs[ri];
        ck_gen_region *reg = &o->regions[ri];
        reg->code = d->code;
        reg->name = d->name;
        reg->crn_letter = d->crn_letter;
        reg->first_pdu = o->n_pdus;
        reg->n_pdus = d->n_pdus;
        reg->first_case = case_at;
        reg->n_cases = per_region[ri];
        /* PDUs differ in size: weights 0.7 to 1.3 (UNCONFIRMED; the domain
         * notes give only the London total). */
        double w[32];
        size_t per_pdu[32];
        for (size_t k = 0; k < d->n_pdus; k++) w[k] = 0.7 + 0.6 * ck_rng_unit(&b.rng);
        apportion(reg->n_cases, w, d->n_pdus, per_pdu);
        for (size_t k = 0; k < d->n_pdus; k++) {
            ck_gen_pdu *p = &o->pdus[o->n_pdus];
            p->code = ck_arena_printf(&o->arena, "%sPDU%02zu", d->code, k + 1);
            p->name = d->pdus[k];
            p->region = ri;
            p->first_case = case_at;
            p->n_cases = per_pdu[k];
            case_at += per_pdu[k];
            build_pdu(&b, o->n_pdus++, ri);
        }
    }
    add_vacancies(&b);
    ck_free(per_region);
    return o;
}

void ck_gen_org_free(ck_gen_org *o)
{
    if (!o) return;
    ck_free(o->regions);
    ck_free(o->pdus);
    ck_free(o->teams);
    ck_free(o->staff);
    ck_free(o->vacancies);
    ck_arena_free(&o->arena);
    ck_free(o);
}

const char *ck_gen_status_name(ck_gen_status s)
{
    return s == CK_GEN_LEFT ? "left" : s == CK_GEN_ABSENT ? "long_term_absence" : "in_post";
}

/* ---- organisation.jsonl --------------------------------------------------- */

static void set_date(json_t *obj, const char *key, ck_date d)
{
    char buf[CK_DATE_STRLEN];
    if (d != CK_NODATE) json_object_set_new(obj, key, json_string(ck_date_fmt(d, buf)));
}

static bool put_line(FILE *f, json_t *obj)
{
    char *s = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    bool ok = s && fputs(s, f) >= 0 && fputc('\n', f) != EOF;
    free(s);
    return ok;
}

/* The funded posts of a grade in team t: the permanent staff who have not
 * left (in post or away), at their contracted hours, and one full post for
 * each vacancy; agency staff cover vacancies, so they add none. To a tenth. */
static double funded_fte(const ck_gen_org *o, size_t t, const char *grade)
{
    const ck_gen_team *team = &o->teams[t];
    double fte = 0;
    for (size_t i = team->first_staff; i < team->first_staff + team->n_staff; i++) {
        const ck_gen_staff *s = &o->staff[i];
        if (strcmp(s->grade, grade) == 0 && !s->agency && s->status != CK_GEN_LEFT)
            fte += s->contracted_hours / CK_ORG_DEFAULT_HOURS;
    }
    for (size_t i = 0; i < o->n_vacancies; i++)
        if (o->vacancies[i].team == t && strcmp(o->vacancies[i].grade, grade) == 0) fte += 1;
    return round(fte * 10) / 10;
}

void ck_gen_org_office_code(const ck_gen_org *o, size_t pdu, size_t k, char *out, size_t len)
{
    snprintf(out, len, "%s-OF%zu", o->pdus[pdu].code, k + 1);
}

void ck_gen_org_office_name(const ck_gen_org *o, size_t pdu, size_t k, char *out, size_t len)
{
    static const char *const kinds[CK_GEN_OFFICES] = {"Probation Office", "Community Hub"};
    snprintf(out, len, "%s %s", o->pdus[pdu].name, kinds[k]);
}

bool ck_gen_org_write(const ck_gen_org *o, FILE *f)
{
    bool ok = true;
    for (size_t i = 0; ok && i < o->n_regions; i++)
        ok = put_line(f, json_pack("{s:s, s:s, s:s}", "kind", "region", "code", o->regions[i].code,
                                   "name", o->regions[i].name));
    for (size_t i = 0; ok && i < o->n_pdus; i++)
        ok = put_line(f, json_pack("{s:s, s:s, s:s, s:s}", "kind", "pdu", "code", o->pdus[i].code, "region",
                                   o->regions[o->pdus[i].region].code, "name", o->pdus[i].name));
    for (size_t i = 0; ok && i < o->n_pdus; i++)
        for (size_t k = 0; ok && k < CK_GEN_OFFICES; k++) {
            char code[64], name[160];
            ck_gen_org_office_code(o, i, k, code, sizeof code);
            ck_gen_org_office_name(o, i, k, name, sizeof name);
            ok = put_line(f, json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "office", "code", code, "pdu",
                                       o->pdus[i].code, "name", name, "address",
                                       k == 0 ? "1 Synthetic Street" : "20 Example Road"));
        }
    for (size_t i = 0; ok && i < o->n_teams; i++) {
        const ck_gen_team *t = &o->teams[i];
        ok = put_line(f, json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "team", "code", t->code, "pdu",
                                   o->pdus[t->pdu].code, "name", t->name, "office", t->office));
    }
    for (size_t i = 0; ok && i < o->n_staff; i++) {
        const ck_gen_staff *s = &o->staff[i];
        json_t *obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:f}", "kind", "staff", "code", s->code,
                                "team", o->teams[s->team].code, "grade", s->grade, "forename", s->forename,
                                "surname", s->surname, "status", ck_gen_status_name(s->status), "agency",
                                s->agency, "contracted_hours", s->contracted_hours);
        set_date(obj, "start_date", s->start_date);
        set_date(obj, "left_on", s->left_on);
        set_date(obj, "absence_from", s->absence_from);
        json_t *red = json_array();
        if (s->reduction) {
            json_t *one = json_pack("{s:f, s:s}", "hours", s->reduction_hours, "reason", s->reduction);
            set_date(one, "from", s->reduction_from);
            set_date(one, "expires", s->reduction_expires);
            json_array_append_new(red, one);
        }
        json_object_set_new(obj, "reductions", red);
        ok = put_line(f, obj);
    }
    for (size_t i = 0; ok && i < o->n_vacancies; i++) {
        const ck_gen_vacancy *v = &o->vacancies[i];
        json_t *obj = json_pack("{s:s, s:s, s:s}", "kind", "vacancy", "team", o->teams[v->team].code, "grade", v->grade);
        set_date(obj, "since", v->since);
        ok = put_line(f, obj);
    }
    for (size_t t = 0; ok && t < o->n_teams; t++)
        for (size_t g = 0; ok && ck_vocab_grade[g]; g++) {
            double fte = funded_fte(o, t, ck_vocab_grade[g]);
            if (fte > 0)
                ok = put_line(f, json_pack("{s:s, s:s, s:s, s:f}", "kind", "post", "team", o->teams[t].code, "grade",
                                           ck_vocab_grade[g], "fte", fte));
        }
    return ok;
}

/* ---- Lookups ----------------------------------------------------------------- */

size_t ck_gen_org_pdu_of(const ck_gen_org *o, size_t i)
{
    size_t lo = 0, hi = o->n_pdus;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->pdus[mid].first_case <= i) lo = mid;
        else hi = mid;
    }
    return lo;
}

size_t ck_gen_org_pick_team(const ck_gen_org *o, ck_rng *r, size_t p)
{
    const ck_gen_pdu *pdu = &o->pdus[p];
    double total = 0;
    for (size_t t = pdu->first_team; t < pdu->first_team + pdu->n_teams; t++)
        if (o->teams[t].case_holding) total += o->teams[t].weight;
    double x = ck_rng_unit(r) * total;
    size_t last = SIZE_MAX;
    for (size_t t = pdu->first_team; t < pdu->first_team + pdu->n_teams; t++) {
        if (!o->teams[t].case_holding) continue;
        last = t;
        if (x < o->teams[t].weight) return t;
        x -= o->teams[t].weight;
    }
    return last;
}

static bool may_hold(const ck_gen_staff *s, bool po_only)
{
    if (s->weight <= 0) return false;
    return po_only ? strcmp(s->grade, "PO") == 0 : true;
}

size_t ck_gen_org_pick_practitioner(const ck_gen_org *o, ck_rng *r, size_t t, bool po_only)
{
    const ck_gen_team *team = &o->teams[t];
    double total = 0;
    for (size_t i = team->first_staff; i < team->first_staff + team->n_staff; i++)
        if (o->staff[i].status == CK_GEN_IN_POST && may_hold(&o->staff[i], po_only)) total += o->staff[i].weight;
    if (total <= 0) return SIZE_MAX;
    double x = ck_rng_unit(r) * total;
    size_t last = SIZE_MAX;
    for (size_t i = team->first_staff; i < team->first_staff + team->n_staff; i++) {
        const ck_gen_staff *s = &o->staff[i];
        if (s->status != CK_GEN_IN_POST || !may_hold(s, po_only)) continue;
        last = i;
        if (x < s->weight) return i;
        x -= s->weight;
    }
    return last;
}

size_t ck_gen_org_pick_gone(const ck_gen_org *o, ck_rng *r, size_t t, ck_gen_status status, ck_date after)
{
    const ck_gen_team *team = &o->teams[t];
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t k = pass ? (size_t)ck_rng_below(r, n) : 0;
        for (size_t i = team->first_staff; i < team->first_staff + team->n_staff; i++) {
            const ck_gen_staff *s = &o->staff[i];
            ck_date when = status == CK_GEN_LEFT ? s->left_on : s->absence_from;
            if (s->status != status || when == CK_NODATE || when <= after || when > o->as_of) continue;
            if (pass && k-- == 0) return i;
            if (!pass) n++;
        }
        if (!n) return SIZE_MAX;
    }
    return SIZE_MAX;
}
