/* The plain-English sentences of obligations (web/ck_web_plain): every rule
 * has one, and every obligation of the shared worked examples reads as a
 * sentence naming the date it counts from and its due date, with no
 * placeholder left and not the "Due by" fallback. */
#include "ck_test.h"
#include "ck_bundle.h"
#include "ck_rules.h"
#include "ck_gen.h"
#include "ck_web_plain.h"
#include <dirent.h>

static void every_rule_has_a_sentence(void **state)
{
    (void)state;
    for (size_t i = 0; ck_rule_ids[i]; i++) {
        bool found = false;
        for (int w = CK_WHY_USUAL; w <= CK_WHY_RECALL_REQUESTED && !found; w++)
            found = ck_web_plain_template(ck_rule_ids[i], (ck_why)w) != NULL;
        if (!found) fail_msg("rule %s has no sentence in ck_web_plain's table", ck_rule_ids[i]);
        if (!ck_web_plain_template(ck_rule_ids[i], CK_WEB_PLAIN_NO_BASIS))
            fail_msg("rule %s has no sentence for a stored obligation", ck_rule_ids[i]);
    }
    assert_null(ck_web_plain_template("NO_SUCH_RULE", CK_WHY_USUAL));
}

static char *sentence(const ck_obligation *o)
{
    ck_buf b = CK_BUF_INIT;
    ck_web_plain_sentence(&b, o);
    char *s = strdup(ck_buf_cstr(&b));
    ck_buf_free(&b);
    return s;
}

static char *date_text(ck_date d)
{
    ck_buf b = CK_BUF_INIT;
    ck_web_plain_date(&b, d);
    char *s = strdup(ck_buf_cstr(&b));
    ck_buf_free(&b);
    return s;
}

/* Evaluates one shared example at its .asof and checks every sentence;
 * returns how many obligations it read. */
static size_t check_example(const char *dir, const char *name, const ck_calendar *cal, const ck_rules_config *cfg)
{
    char path[1400], asof_path[1400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(asof_path, sizeof asof_path, "%.*s.asof", (int)(strlen(path) - 5), path);
    size_t len, alen;
    char *json = ck_test_slurp(path, &len), *asof = ck_test_slurp(asof_path, &alen);
    asof[strcspn(asof, "\r\n")] = 0;
    char err[512];
    ck_case *c = ck_bundle_parse(json, len, err, sizeof err);
    if (!c) fail_msg("%s: %s", path, err);
    ck_result *r = ck_rules_evaluate(c, ck_test_date(asof), cal, cfg);
    for (size_t i = 0; i < r->n_obligations; i++) {
        const ck_obligation *o = &r->obligations[i];
        char *s = sentence(o), *basis = date_text(o->basis), *due = date_text(o->due);
        if (strchr(s, '{') || strncmp(s, "Due by", 6) == 0 || !strstr(s, basis) || !strstr(s, due) ||
            s[strlen(s) - 1] != '.')
            fail_msg("%s %s %s: \"%s\"", name, o->rule, o->subject, s);
        if (o->met_on != CK_NODATE && !strstr(s, "Met "))
            fail_msg("%s %s %s is met but says not: \"%s\"", name, o->rule, o->subject, s);
        free(s);
        free(basis);
        free(due);
    }
    size_t n = r->n_obligations;
    ck_result_free(r);
    ck_case_free(c);
    free(json);
    free(asof);
    return n;
}

static void sentences_render_for_the_shared_examples(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/examples", CK_SHARED_DIR);
    const ck_calendar *cal = ck_calendar_default();
    const ck_rules_config *cfg = ck_rulecfg_default();
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0, obligations = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0 || strstr(e->d_name, ".expected.")) continue;
        obligations += check_example(dir, e->d_name, cal, cfg);
        files++;
    }
    closedir(d);
    assert_true(files >= 3);
    assert_true(obligations >= 10);
}

/* The sentence the issue asked for, word for word, from example 01: a
 * contact on day 19 of a community order (7-day interval, its third week),
 * and one on day 11 met late by the next contact. */
static void contact_sentence_word_for_word(void **state)
{
    (void)state;
    size_t len;
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/examples/01_easter_2025_co.json", CK_SHARED_DIR);
    char *json = ck_test_slurp(path, &len);
    ck_case *c = ck_bundle_parse(json, len, err, sizeof err);
    assert_non_null(c);
    const ck_calendar *cal = ck_calendar_default();
    const ck_rules_config *cfg = ck_rulecfg_default();
    ck_result *r = ck_rules_evaluate(c, ck_test_date("2025-05-13"), cal, cfg);
    int seen = 0;
    for (size_t i = 0; i < r->n_obligations; i++) {
        const ck_obligation *o = &r->obligations[i];
        if (strcmp(o->rule, "CONTACT") != 0) continue;
        char *s = sentence(o);
        if (strcmp(o->subject, "contact:C2") == 0) {
            assert_string_equal(s, "Seen on 6 May 2025; the next contact is due by 13 May 2025, within 7 days, "
                                   "because that was week 3 of the order.");
            seen++;
        } else if (strcmp(o->subject, "contact:C1") == 0) {
            assert_string_equal(s, "Seen on 28 April 2025; the next contact is due by 5 May 2025, within 7 days, "
                                   "because that was week 2 of the order. Met late, on 6 May 2025.");
            seen++;
        }
        free(s);
    }
    assert_int_equal(seen, 2);
    ck_result_free(r);
    ck_case_free(c);
    free(json);
}

/* Every obligation of a few thousand generated cases (Synthetic London, the
 * practice the inspectors found, so most rules and timescales occur) reads
 * as a sentence with its basis and due dates and nothing left unfilled; and
 * every rule of the rulebook occurs among them. */
static void sentences_render_for_generated_cases(void **state)
{
    (void)state;
    ck_gen_options opt;
    ck_gen_options_init(&opt, false);
    opt.as_of = ck_test_date("2026-11-20");
    opt.n_cases = 2000;
    ck_gen *g = ck_gen_new(&opt);
    size_t n_rules = 0;
    while (ck_rule_ids[n_rules]) n_rules++;
    bool seen[64] = {false};
    assert_true(n_rules <= 64);
    for (size_t i = 0; i < ck_gen_case_count(g); i++) {
        ck_case *c = ck_gen_case(g, i);
        ck_result *r = ck_rules_evaluate(c, opt.as_of, ck_calendar_default(), ck_rulecfg_default());
        for (size_t k = 0; k < r->n_obligations; k++) {
            const ck_obligation *o = &r->obligations[k];
            char *s = sentence(o), *basis = date_text(o->basis), *due = date_text(o->due);
            if (strchr(s, '{') || strncmp(s, "Due by", 6) == 0 || !strstr(s, basis) || !strstr(s, due))
                fail_msg("%s %s %s: \"%s\"", c->crn, o->rule, o->subject, s);
            for (size_t j = 0; j < n_rules; j++)
                if (strcmp(ck_rule_ids[j], o->rule) == 0) seen[j] = true;
            free(s);
            free(basis);
            free(due);
        }
        ck_result_free(r);
        ck_case_free(c);
    }
    ck_gen_free(g);
    size_t n_seen = 0;
    for (size_t j = 0; j < n_rules; j++) n_seen += seen[j];
    if (n_seen < n_rules) fail_msg("only %zu of the %zu rules occur in the generated cases", n_seen, n_rules);
}

/* Stored obligations carry no basis: the rule's sentence names only the due date. */
static void without_a_basis_says_the_due_date(void **state)
{
    (void)state;
    ck_obligation o = {.rule = "CONTACT", .subject = "contact:C9", .due = ck_test_date("2026-11-18"),
                       .met_on = CK_NODATE, .basis = CK_NODATE, .why = CK_WHY_STAGE};
    char *s = sentence(&o);
    assert_string_equal(s, "The next contact is due by 18 November 2026.");
    free(s);
    o.rule = "NOT_A_RULE";
    s = sentence(&o);
    assert_string_equal(s, "Due by 18 November 2026.");
    o.rule = "CONTACT";
    free(s);
    o.basis = ck_test_date("2026-11-04");
    o.amount = 14;
    o.stage = 21;
    o.period = "order";
    s = sentence(&o);
    assert_string_equal(s, "Seen on 4 November 2026; the next contact is due by 18 November 2026, within 14 days, "
                           "because that was week 21 of the order.");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_rule_has_a_sentence),
        cmocka_unit_test(sentences_render_for_the_shared_examples),
        cmocka_unit_test(contact_sentence_word_for_word),
        cmocka_unit_test(sentences_render_for_generated_cases),
        cmocka_unit_test(without_a_basis_says_the_due_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
