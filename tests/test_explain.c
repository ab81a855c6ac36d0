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
#include "ck_explain.h"
#include "ck_gen.h"
#include "ck_rules.h"

enum { CASES = 1500 };
#define EAGER_OBLIGATIONS 146695u
#define EAGER_DIGEST 0xc3e960b72732a8a1ull

/* The words of o's recipe; a recipe that does not fit its texts fails. */
static const char *text_of(ck_result *r, const ck_obligation *o)
{
    ck_buf b = CK_BUF_INIT;
    assert_true(o->explain && o->explain[0] == CK_EXPLAIN_MARK);
    assert_true(ck_explain_render(o->explain, &b));
    const char *s = ck_arena_strndup(&r->arena, ck_buf_cstr(&b), b.len);
    ck_buf_free(&b);
    return s;
}

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
                /* The basis the case pages read back is the engine's. */
                ck_explain_basis b;
                assert_true(ck_explain_basis_read(o->explain, &b));
                assert_int_equal(b.basis, o->basis);
                assert_int_equal(b.amount, o->amount);
                assert_int_equal(b.why, o->why);
                assert_int_equal(b.high_risk, o->high_risk);
                assert_int_equal(b.stage, o->stage);
                assert_ptr_equal(b.period, o->period);
                const char *parts[] = {c->crn, " ", o->rule, " ", o->subject, " ", text_of(r, o), "\n"};
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

/* Packing and writing out, by hand: every kind of value, a control
 * character in free text, a stored full text, and recipes that do not fit. */
static void recipes_by_hand(void **state)
{
    (void)state;
    ck_buf rc = CK_BUF_INIT;
    ck_buf_putc(&rc, CK_EXPLAIN_MARK);
    ck_explain_add(&rc, CK_EX_ALLOCATE_FACTS, CK_XARGS(ck_xs("E1"), ck_xs("custody"), ck_xd(ck_test_date("2025-01-31"))));
    ck_explain_add(&rc, CK_EX_OUTSTANDING_REASONS_FACTS, CK_XARGS(ck_xs("R1"), ck_xs("waiting\nfor\x1fpolice")));
    ck_explain_add(&rc, CK_EX_DUE, CK_XARGS(ck_xd(ck_test_date("2025-02-07"))));
    ck_explain_add(&rc, CK_EX_ALLOCATE_DUE, CK_XARGS(ck_xi(-5), ck_xs("")));
    ck_explain_add(&rc, CK_EX_CLOSE, CK_XARGS());
    ck_explain_add_basis(&rc, &(ck_explain_basis){ck_test_date("2025-01-31"), 5, 1, true, 3, ck_explain_periods[2]});
    ck_explain_basis b;
    assert_true(ck_explain_basis_read(ck_buf_cstr(&rc), &b));
    assert_int_equal(b.basis, ck_test_date("2025-01-31"));
    assert_int_equal(b.amount, 5);
    assert_int_equal(b.why, 1);
    assert_true(b.high_risk);
    assert_int_equal(b.stage, 3);
    assert_string_equal(b.period, "post-sentence supervision");
    assert_false(ck_explain_basis_read("event E1", &b));
    assert_false(ck_explain_basis_read("\001" "1\036\035" "5\0371", &b));
    ck_arena a;
    ck_arena_init(&a);
    assert_string_equal(ck_explain_text(ck_buf_cstr(&rc), &a),
                        "event E1 custody sentenced 2025-01-31, in force (report R1 completed with checks "
                        "outstanding: \"waiting for police\"); due 2025-02-07 (sentence + -5 WD)");
    /* A row stored before recipes reads as it is. */
    assert_string_equal(ck_explain_text("event E1 custody sentenced 2025-01-31", &a), "event E1 custody sentenced 2025-01-31");
    assert_null(ck_explain_text(NULL, &a));
    /* An unknown text, a value of the wrong kind, a part cut short. */
    const char *bad[] = {"\001" "999\036", "\001" "3\037d5\037DX\036", "\001" "4\037sE1", "\001x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_buf out = CK_BUF_INIT;
        assert_false(ck_explain_render(bad[i], &out));
        ck_buf_free(&out);
        assert_string_equal(ck_explain_text(bad[i], &a), "");
    }
    ck_arena_free(&a);
    ck_buf_free(&rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recipes_by_hand),
        cmocka_unit_test(population_matches_the_eager_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
