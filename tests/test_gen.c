/* Synthetic London (gen/ck_gen): determinism, validity of every bundle, the
 * organisation's totals, and that the rules engine recovers each injected
 * practice rate from the generated cases. */
#include "ck_test.h"
#include "ck_gen_notes.h"
#include "ck_bundle.h"
#include "ck_cal.h"
#include "ck_consent.h"
#include "ck_gen.h"
#include "ck_requirements.h"
#include "ck_str.h"
#include <jansson.h>
#include <math.h>
#include <unistd.h>

static ck_date day(const char *s)
{
    ck_date d = CK_NODATE;
    assert_true(ck_date_parse(s, strlen(s), &d));
    return d;
}

static const char *AS_OF = "2025-11-03";

static ck_gen_options opts(size_t n, uint64_t seed, bool good)
{
    ck_gen_options o;
    ck_gen_options_init(&o, good);
    o.n_cases = n;
    o.seed = seed;
    o.as_of = day(AS_OF);
    return o;
}

static char *write_dir(size_t n, uint64_t seed)
{
    char *dir = strdup("/tmp/ck-gen-XXXXXX");
    assert_non_null(mkdtemp(dir));
    ck_gen_options o = opts(n, seed, false);
    ck_gen *g = ck_gen_new(&o);
    char err[512];
    if (!ck_gen_write_dir(g, dir, err, sizeof err)) fail_msg("%s", err);
    ck_gen_free(g);
    return dir;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *s = ck_test_slurp(path, len);
    if (!s) fail_msg("cannot read %s", path);
    return s;
}

static void remove_dir(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* 7,000 people: two case files (5,000 a file). */
enum { SMALL = 7000 };

static void same_command_writes_identical_files_and_a_new_seed_differs(void **state)
{
    (void)state;
    char *a = write_dir(SMALL, 7), *b = write_dir(SMALL, 7), *c = write_dir(SMALL, 8);
    static const char *const files[] = {"organisation.jsonl", "cases-001.jsonl", "cases-002.jsonl"};
    for (size_t i = 0; i < 3; i++) {
        size_t la, lb, lc;
        char *fa = slurp(a, files[i], &la), *fb = slurp(b, files[i], &lb), *fc = slurp(c, files[i], &lc);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(fa, fb, la);
        assert_false(la == lc && memcmp(fa, fc, la) == 0);
        free(fa), free(fb), free(fc);
    }
    char path[512];
    snprintf(path, sizeof path, "%s/cases-003.jsonl", a);
    assert_int_equal(access(path, F_OK), -1);
    remove_dir(a), remove_dir(b), remove_dir(c);
}

/* staff code -> its organisation record, and the team codes. */
typedef struct org_index {
    json_t *staff, *teams;
} org_index;

static org_index read_org(const char *text)
{
    org_index ix = {json_object(), json_object()};
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        assert_non_null(eol);
        json_error_t e;
        json_t *j = json_loadb(line, (size_t)(eol - line), 0, &e);
        if (!j) fail_msg("organisation.jsonl: %s", e.text);
        const char *kind = json_string_value(json_object_get(j, "kind"));
        const char *code = json_string_value(json_object_get(j, "code"));
        if (!strcmp(kind, "staff")) {
            assert_null(json_object_get(ix.staff, code)); /* codes unique */
            json_object_set(ix.staff, code, j);
        } else if (!strcmp(kind, "team")) {
            json_object_set(ix.teams, code, j);
        }
        json_decref(j);
        line = eol + 1;
    }
    return ix;
}

static void date_agrees(json_t *staff, const char *key, ck_date on_allocation)
{
    char buf[CK_DATE_STRLEN];
    const char *want = json_string_value(json_object_get(staff, key));
    if (!want) assert_int_equal(on_allocation, CK_NODATE);
    else assert_string_equal(ck_date_fmt(on_allocation, buf), want);
}

/* Every line parses as a bundle; teams and allocations name the
 * organisation's records and agree with them; personal details are synthetic. */
static void every_bundle_is_valid_and_agrees_with_the_organisation(void **state)
{
    (void)state;
    char *dir = write_dir(SMALL, 3);
    char *orgtext = slurp(dir, "organisation.jsonl", NULL);
    org_index ix = read_org(orgtext);
    json_t *crns = json_object();
    size_t cases = 0, victims = 0, allocations = 0, aliases = 0, disabled = 0, households = 0, partners = 0,
           children = 0, consented = 0, welsh = 0;
    for (int file = 1; file <= 2; file++) {
        char name[32];
        snprintf(name, sizeof name, "cases-%03d.jsonl", file);
        char *text = slurp(dir, name, NULL);
        for (char *line = text; *line;) {
            char *eol = strchr(line, '\n');
            assert_non_null(eol);
            char err[512];
            ck_case *c = ck_bundle_parse(line, (size_t)(eol - line), err, sizeof err);
            if (!c) fail_msg("%s line %zu: %s", name, cases % CK_GEN_CASES_PER_FILE + 1, err);
            assert_null(json_object_get(crns, c->crn));
            json_object_set_new(crns, c->crn, json_true());
            assert_non_null(c->team);
            assert_non_null(json_object_get(ix.teams, c->team));
            for (size_t i = 0; i < c->n_allocations; i++, allocations++) {
                const ck_allocation *al = &c->allocations[i];
                json_t *s = json_object_get(ix.staff, al->staff_code);
                if (!s) fail_msg("%s: allocation to unknown staff %s", c->crn, al->staff_code);
                assert_string_equal(al->grade, json_string_value(json_object_get(s, "grade")));
                date_agrees(s, "left_on", al->staff_left_on);
                date_agrees(s, "absence_from", al->staff_long_term_absence_from);
            }
            /* The person's own details: synthetic, and only in reserved ranges. */
            const ck_person *p = &c->person;
            assert_int_equal(strncmp(p->phone, "07700 900", 9), 0);
            assert_int_equal(strlen(p->phone), 12);
            assert_non_null(strstr(p->email, "@example.com"));
            if (p->interpreter_required == 1) assert_false(ck_streq(p->preferred_language, "English"));
            aliases += p->n_aliases, disabled += p->n_disabilities > 0;
            /* Consent to reminders for about half: by text to that mobile, dated at allocation. */
            if (p->has_consent) {
                consented++;
                assert_string_equal(p->consent.mobile, p->phone);
                assert_true(ck_uk_mobile(p->consent.mobile, NULL));
                assert_int_equal(p->consent.given_on, c->allocations[0].from);
                welsh += ck_streq(p->consent.language, "welsh");
            }
            for (size_t i = 0; i < p->n_addresses; i++) {
                const ck_address *ad = &p->addresses[i];
                assert_non_null(strstr(ad->line2, "Synthetic"));
                const char *sp = strchr(ad->postcode, ' ');
                assert_non_null(sp);
                assert_int_equal(strlen(sp + 1), 3); /* inward code: digit, two letters */
                assert_true(sp - ad->postcode >= 2 && sp - ad->postcode <= 4);
            }
            for (size_t i = 0; i < c->n_changes; i++) {
                const ck_change *ch = &c->changes[i];
                bool home = ck_streq(ch->kind, "household") || ck_streq(ch->kind, "relationship");
                if (home) assert_true(ch->n_household > 0);
                /* Every change about the home says who lives there, or that nobody does. */
                assert_int_equal(ck_change_about_home(ch), ch->n_household > 0 || ch->lives_alone == 1);
                if (home) households++, partners += ck_streq(ch->household[0].relationship, "partner");
                for (size_t k = 0; k < ch->n_household; k++) children += ch->household[k].child == 1;
            }
            for (size_t i = 0; i < c->n_victims; i++, victims++) {
                const ck_victim *v = &c->victims[i];
                assert_non_null(strstr(v->address, "Synthetic"));
                assert_int_equal(strncmp(v->phone, "020 7946 0", 10), 0);
                assert_int_equal(strlen(v->phone), 13);
                if (v->email) assert_non_null(strstr(v->email, "@example.org"));
            }
            ck_case_free(c);
            cases++;
            line = eol + 1;
        }
        free(text);
    }
    assert_int_equal(cases, SMALL);
    assert_true(victims > 100);
    assert_true(allocations > SMALL * 9 / 10);
    assert_true(aliases > SMALL / 20 && disabled > SMALL / 10);
    assert_true(consented > SMALL * 4 / 10 && consented < SMALL * 6 / 10);
    assert_true(welsh > 0 && welsh < consented / 10);
    assert_true(households > 50 && partners == households && children > households / 3);
    json_decref(crns), json_decref(ix.staff), json_decref(ix.teams);
    free(orgtext);
    remove_dir(dir);
}

static void london_organisation_has_its_totals(void **state)
{
    (void)state;
    ck_gen_options o = opts(CK_GEN_LONDON_CASES, 1, false);
    assert_true(ck_gen_parse_scale(&o, "london", NULL, 0));
    ck_gen *g = ck_gen_new(&o);
    const ck_gen_org *org = ck_gen_organisation(g);
    assert_int_equal(ck_gen_case_count(g), 38590);
    assert_int_equal(org->n_regions, 1);
    assert_int_equal(org->n_pdus, 18);
    bool lambeth = false;
    size_t cases = 0;
    for (size_t p = 0; p < org->n_pdus; p++) {
        lambeth |= !strcmp(org->pdus[p].name, "Lambeth");
        cases += org->pdus[p].n_cases;
        bool head = false, vlo = false, court = false;
        for (size_t t = org->pdus[p].first_team; t < org->pdus[p].first_team + org->pdus[p].n_teams; t++)
            for (size_t s = org->teams[t].first_staff; s < org->teams[t].first_staff + org->teams[t].n_staff; s++) {
                head |= !strcmp(org->staff[s].grade, "head_of_pdu");
                vlo |= !strcmp(org->staff[s].grade, "VLO");
                court |= !strcmp(org->staff[s].grade, "court_officer");
            }
        assert_true(head && vlo && court);
    }
    assert_true(lambeth);
    assert_int_equal(cases, 38590);
    size_t case_teams = 0, agency = 0, absent = 0, left = 0;
    for (size_t t = 0; t < org->n_teams; t++) {
        const ck_gen_team *team = &org->teams[t];
        if (!team->case_holding) continue;
        case_teams++;
        size_t members = 0, spo = 0;
        for (size_t s = team->first_staff; s < team->first_staff + team->n_staff; s++) {
            const ck_gen_staff *st = &org->staff[s];
            agency += st->agency, absent += st->status == CK_GEN_ABSENT, left += st->status == CK_GEN_LEFT;
            if (st->status == CK_GEN_LEFT) continue;
            members++;
            spo += !strcmp(st->grade, "SPO");
        }
        assert_in_range(members, 6, 12);
        assert_int_equal(spo, 1);
    }
    assert_true(case_teams >= 18 * 5);
    assert_true(agency > 0 && absent > 0 && left > 0);
    assert_in_range(org->n_vacancies, 450, 550); /* "500 vacant positions" */
    ck_gen_free(g);

    assert_true(ck_gen_parse_scale(&o, "national", NULL, 0));
    g = ck_gen_new(&o);
    org = ck_gen_organisation(g);
    assert_int_equal(org->n_regions, 12);
    assert_int_equal(org->regions[0].n_pdus, 18);
    assert_int_equal(org->regions[0].n_cases, 38590);
    assert_int_equal(ck_gen_case_count(g), 240362);
    ck_gen_free(g);
}

static void check_rates(size_t n, bool good)
{
    ck_gen_options o = opts(n, 1, good);
    ck_gen *g = ck_gen_new(&o);
    const ck_gen_org *org = ck_gen_organisation(g);
    const ck_calendar *cal = ck_calendar_default();
    const ck_rules_config *cfg = ck_rulecfg_default();
    ck_practice_tally t;
    memset(&t, 0, sizeof t);
    size_t *caseload = calloc(org->n_staff, sizeof *caseload), overdue = 0, total = 0;
    json_t *code_index = json_object();
    for (size_t s = 0; s < org->n_staff; s++) json_object_set_new(code_index, org->staff[s].code, json_integer((json_int_t)s));
    for (size_t i = 0; i < n; i++) {
        ck_case *c = ck_gen_case(g, i);
        /* Every case generated is a valid bundle (v3: no recall outside its licence). */
        char err[512];
        if (!ck_case_validate(c, err, sizeof err)) fail_msg("case %zu (%s): %s", i, c->crn, err);
        ck_result *r = ck_rules_evaluate(c, o.as_of, cal, cfg);
        ck_practice_tally_add(&t, c, r, o.as_of);
        for (size_t k = 0; k < r->n_obligations; k++) overdue += r->obligations[k].status == CK_ST_OVERDUE;
        total += r->n_obligations;
        for (size_t k = 0; k < c->n_allocations; k++)
            if (c->allocations[k].to == CK_NODATE)
                caseload[json_integer_value(json_object_get(code_index, c->allocations[k].staff_code))]++;
        ck_result_free(r);
        ck_case_free(c);
    }
    for (int p = 0; p < CK_PRACTICE_N; p++) {
        double got = ck_practice_rate(&t, (ck_practice_id)p), want = o.rate[p];
        print_message("%-24s injected %.3f measured %.4f (%zu of %zu)\n", ck_practice_defs[p].name, want, got, t.num[p], t.den[p]);
        assert_true(t.den[p] > 0);
        if (fabs(got - want) > 0.02) fail_msg("%s: injected %.3f, the rules engine found %.4f", ck_practice_defs[p].name, want, got);
    }
    if (good) {
        /* A well-run service: almost nothing overdue. */
        print_message("good practice: %zu overdue of %zu obligations\n", overdue, total);
        assert_true(overdue * 500 < total);
    } else {
        /* Caseloads: about 35 per PO on average (§9), some far above 50. */
        size_t po = 0, held = 0, max = 0;
        for (size_t s = 0; s < org->n_staff; s++) {
            if (org->staff[s].status != CK_GEN_IN_POST || strcmp(org->staff[s].grade, "PO") != 0) continue;
            po++, held += caseload[s];
            if (caseload[s] > max) max = caseload[s];
        }
        double mean = (double)held / (double)po;
        print_message("PO caseload: mean %.1f, max %zu over %zu POs in post\n", mean, max, po);
        assert_true(mean >= 30 && mean <= 42);
        assert_true(max > 55);
    }
    json_decref(code_index);
    free(caseload);
    ck_gen_free(g);
}

static void the_rules_engine_recovers_each_practice_rate_at_london_scale(void **state)
{
    (void)state;
    check_rates(CK_GEN_LONDON_CASES, false);
}

static void good_practice_leaves_almost_nothing_overdue(void **state)
{
    (void)state;
    check_rates(5000, true);
}

static void options_are_checked(void **state)
{
    (void)state;
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    char err[512];
    assert_true(ck_gen_parse_scale(&o, "1200", err, sizeof err));
    assert_int_equal(o.n_cases, 1200);
    assert_false(o.national);
    assert_false(ck_gen_parse_scale(&o, "0", err, sizeof err));
    assert_non_null(strstr(err, "--scale"));
    assert_false(ck_gen_parse_scale(&o, "12x", err, sizeof err));
    assert_true(ck_gen_parse_param(&o, "lost=0.05", err, sizeof err));
    assert_true(o.rate[CK_PRACTICE_LOST] == 0.05);
    assert_false(ck_gen_parse_param(&o, "lost=1.5", err, sizeof err));
    assert_non_null(strstr(err, "lost"));
    assert_false(ck_gen_parse_param(&o, "speed=1", err, sizeof err));
    assert_non_null(strstr(err, "vcs_not_offered"));
    assert_false(ck_gen_parse_param(&o, "lost", err, sizeof err));
    ck_gen_options_init(&o, true);
    for (int p = 0; p < CK_PRACTICE_N; p++) assert_true(o.rate[p] == 0);
}

/* Notes (issue 13): a good share of the contacts that have happened carry
 * notes, about one in ten of them sensitive, each saying it is synthetic,
 * with the forename in it and the allocated practitioner as the recorder;
 * contacts still to come have none. */
static void contacts_carry_synthetic_notes(void **state)
{
    (void)state;
    ck_gen_options o = opts(400, 7, false);
    ck_gen *g = ck_gen_new(&o);
    size_t past = 0, noted = 0, sensitive = 0, recorded = 0;
    for (size_t i = 0; i < ck_gen_case_count(g); i++) {
        ck_case *c = ck_gen_case(g, i);
        for (size_t k = 0; k < c->n_contacts; k++) {
            const ck_contact *ct = &c->contacts[k];
            if (ct->date > o.as_of) {
                assert_null(ct->notes);
                continue;
            }
            past++;
            recorded += ct->recorded_by != NULL;
            if (!ct->notes) continue;
            noted++;
            sensitive += ct->sensitive == 1;
            assert_non_null(strstr(ct->notes, "Synthetic note: generated for the demonstration"));
            assert_non_null(strstr(ct->notes, c->person.forename));
            char msg[128];
            if (ck_contact_notes_bad(ct->notes, msg, sizeof msg)) fail_msg("contact notes: %s", msg);
        }
        ck_case_free(c);
    }
    ck_gen_free(g);
    assert_true(past > 1000);
    double share = (double)noted / (double)past, sens = (double)sensitive / (double)noted;
    if (share < CK_GEN_NOTES_SHARE - 0.05 || share > CK_GEN_NOTES_SHARE + 0.05) fail_msg("notes on %.3f", share);
    if (sens < CK_GEN_SENSITIVE_SHARE - 0.04 || sens > CK_GEN_SENSITIVE_SHARE + 0.04) fail_msg("sensitive %.3f", sens);
    assert_true(recorded > past * 9 / 10);
}

/* Requirements (issue 19): every community order and SSO has some, none on
 * custody; rehabilitation activity and unpaid work the most common; curfews
 * come with electronic monitoring; domestic abuse and sexual offences get a
 * programme; some unpaid work is behind schedule and most is not. */
static void orders_carry_a_realistic_mix_of_requirements(void **state)
{
    (void)state;
    ck_gen_options o = opts(400, 7, false);
    ck_gen *g = ck_gen_new(&o);
    size_t orders = 0, n_types = 0, upw_active = 0, behind = 0, programmes_due = 0, programmes = 0;
    const ck_req_type *types = ck_req_types(&n_types);
    size_t count[32] = {0};
    assert_true(n_types <= 32);
    for (size_t i = 0; i < ck_gen_case_count(g); i++) {
        ck_case *c = ck_gen_case(g, i);
        const ck_event *e = &c->events[0];
        bool community = ck_streq(e->sentence.type, "community_order") || ck_streq(e->sentence.type, "sso");
        if (!community) {
            assert_int_equal(e->n_requirements, 0);
            ck_case_free(c);
            continue;
        }
        orders++;
        assert_true(e->n_requirements > 0);
        bool curfew = false, tag = false, programme = false;
        for (size_t k = 0; k < e->n_requirements; k++) {
            const ck_requirement *q = &e->requirements[k];
            const ck_req_type *t = ck_req_type_find(q->type);
            count[t - types]++;
            curfew |= ck_streq(q->type, "curfew");
            tag |= ck_streq(q->type, "electronic_monitoring");
            programme |= ck_streq(q->type, "programme");
            ck_req_progress p;
            ck_requirement_progress(c, e, q, o.as_of, 6, &p);
            if (ck_streq(q->type, "unpaid_work") && p.status == CK_REQ_ACTIVE) {
                upw_active++;
                behind += p.overrunning;
            }
        }
        assert_true(curfew == tag);
        bool da = e->offences[0].domestic_abuse == 1, sex = ck_streq(e->offences[0].category, "sexual_adult") ||
                                                          ck_streq(e->offences[0].category, "sexual_child");
        if ((da || sex) && e->sentence.date + 60 < e->sentence.end_date) {
            programmes_due++;
            programmes += programme;
        }
        char err[512];
        if (!ck_case_validate(c, err, sizeof err)) fail_msg("%s", err);
        ck_case_free(c);
    }
    ck_gen_free(g);
    assert_true(orders > 100);
    size_t upw = count[ck_req_type_find("unpaid_work") - types], rar = count[ck_req_type_find("rehabilitation_activity") - types];
    for (size_t t = 0; t < n_types; t++) {
        if (&types[t] == ck_req_type_find("unpaid_work") || &types[t] == ck_req_type_find("rehabilitation_activity")) continue;
        if (count[t] >= upw || count[t] >= rar) fail_msg("%s (%zu) as common as unpaid work (%zu) or RAR (%zu)", types[t].code, count[t], upw, rar);
    }
    assert_true(count[ck_req_type_find("curfew") - types] > 0);
    assert_int_equal(programmes, programmes_due);
    assert_true(behind > 0);
    assert_true(behind < upw_active / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(options_are_checked),
        cmocka_unit_test(contacts_carry_synthetic_notes),
        cmocka_unit_test(orders_carry_a_realistic_mix_of_requirements),
        cmocka_unit_test(same_command_writes_identical_files_and_a_new_seed_differs),
        cmocka_unit_test(every_bundle_is_valid_and_agrees_with_the_organisation),
        cmocka_unit_test(london_organisation_has_its_totals),
        cmocka_unit_test(good_practice_leaves_almost_nothing_overdue),
        cmocka_unit_test(the_rules_engine_recovers_each_practice_rate_at_london_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
