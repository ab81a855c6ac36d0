/* Explanations: the text of every obligation across a generated population,
 * against what the eager engine (which printed each explanation with printf
 * while evaluating) produced.
 *
 * EAGER_* below were recorded from that engine: the number of obligations
 * and an FNV-1a digest of "crn rule subject explanation" lines over London
 * generated with seed 1 (CASES people, inspected practice), evaluated at the
 * generation date and half a year before it. Any change to a word, a date or
 * the order of the facts changes the digest. On a mismatch the lines are
 * written to build/test_explain.txt to compare with a run of the old engine. */
#include "ck_test.h"
#include "ck_gen.h"
#include "ck_rules.h"

enum { CASES = 1500 };
#define EAGER_OBLIGATIONS 146695u
#define EAGER_DIGEST 0xc3e960b72732a8a1ull

static const char *text_of(const ck_obligation *o) { return o->explanation; }

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

static void population_matches_the_eager_engine(void **state)
{
    (void)state;
    ck_gen_options opt;
    ck_gen_options_init(&opt, false);
    opt.as_of = ck_test_date("2025-06-02");
    opt.n_cases = CASES;
    ck_gen *g = ck_gen_new(&opt);
    const ck_date dates[] = {opt.as_of, opt.as_of - 182};
    uint64_t h = 0xcbf29ce484222325ull;
    size_t n = 0;
    FILE *dump = getenv("CK_EXPLAIN_DUMP") ? fopen(getenv("CK_EXPLAIN_DUMP"), "w") : NULL;
    for (size_t i = 0; i < ck_gen_case_count(g); i++) {
        ck_case *c = ck_gen_case(g, i);
        for (size_t k = 0; k < sizeof dates / sizeof dates[0]; k++) {
            ck_result *r = ck_rules_evaluate(c, dates[k], ck_calendar_default(), ck_rulecfg_default());
            for (size_t j = 0; j < r->n_obligations; j++) {
                const ck_obligation *o = &r->obligations[j];
                const char *parts[] = {c->crn, " ", o->rule, " ", o->subject, " ", text_of(o), "\n"};
                for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
                    h = fnv(h, parts[p]);
                    if (dump) fputs(parts[p], dump);
                }
                n++;
            }
            ck_result_free(r);
        }
        ck_case_free(c);
    }
    if (dump) fclose(dump);
    ck_gen_free(g);
    printf("explanations: %zu obligations, digest 0x%016llx\n", n, (unsigned long long)h);
    assert_int_equal(n, EAGER_OBLIGATIONS);
    assert_true(h == EAGER_DIGEST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(population_matches_the_eager_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
