/* The recompute reads cases without the free text no rule reads
 * (ck_store_rules_blind: contact notes and the like). This checks that
 * claim against the engine: every worked example of the rulebook, its
 * contacts given those fields and then without them, gives the same
 * obligations (explanation recipes included), failures to comply, workload
 * profile and next change. A rule that starts reading such a field fails
 * here, and the field must then leave the rules-blind list. */
#include "ck_test.h"
#include "ck_bundle.h"
#include "ck_horizon.h"
#include "ck_rules.h"
#include "ck_store.h"
#include "ck_wprofile.h"
#include <dirent.h>

typedef struct outcome {
    ck_result *r;
    ck_wprofile p;
    ck_date next;
} outcome;

static outcome evaluate(const ck_case *c, ck_date as_of)
{
    outcome o;
    memset(&o, 0, sizeof o);
    o.r = ck_rules_evaluate(c, as_of, ck_calendar_default(), ck_rulecfg_default());
    ck_wprofile_of(c, as_of, ck_rulecfg_default(), &o.p);
    o.next = ck_horizon_case(c, as_of, o.r, &o.p);
    return o;
}

/* Sets (text non-NULL) or clears every rules-blind field of c's contacts;
 * returns how many fields it touched. */
static size_t set_blind(ck_case *c, const char *text)
{
    size_t touched = 0;
    const ck_entity *e = &ck_entity_contact;
    for (size_t i = 0; i < c->n_contacts; i++)
        for (size_t k = 0; k < e->n_fields; k++) {
            const ck_field *f = &e->fields[k];
            if (!ck_store_rules_blind(e->table, f->key)) continue;
            assert_int_equal(f->type, CK_F_STR); /* only text is left out */
            *(const char **)((char *)&c->contacts[i] + f->off) = text;
            touched++;
        }
    return touched;
}

static void assert_same(const char *name, const outcome *a, const outcome *b)
{
    if (a->r->n_obligations != b->r->n_obligations) fail_msg("%s: obligation count moved", name);
    for (size_t i = 0; i < a->r->n_obligations; i++) {
        const ck_obligation *x = &a->r->obligations[i], *y = &b->r->obligations[i];
        if (strcmp(x->rule, y->rule) || strcmp(x->subject, y->subject) || x->due != y->due ||
            x->status != y->status || x->met_on != y->met_on || x->severity != y->severity ||
            strcmp(x->explain, y->explain))
            fail_msg("%s: obligation %s %s moved", name, x->rule, x->subject);
    }
    assert_int_equal(a->r->n_ftc, b->r->n_ftc);
    for (size_t i = 0; i < a->r->n_ftc; i++) {
        assert_string_equal(a->r->ftc[i].event, b->r->ftc[i].event);
        assert_int_equal(a->r->ftc[i].count, b->r->ftc[i].count);
        assert_int_equal(a->r->ftc[i].since, b->r->ftc[i].since);
    }
    assert_string_equal(a->p.tier, b->p.tier);
    assert_string_equal(a->p.tier_missing, b->p.tier_missing);
    assert_int_equal(a->p.has_type, b->p.has_type);
    assert_int_equal(a->p.type, b->p.type);
    assert_string_equal(a->p.rosh, b->p.rosh);
    assert_string_equal(a->p.mappa, b->p.mappa);
    assert_string_equal(a->p.reports, b->p.reports);
    assert_int_equal(a->p.complete, b->p.complete);
    assert_int_equal(a->p.changes_on, b->p.changes_on);
    assert_int_equal(a->next, b->next);
}

/* Returns the rules-blind fields the example's contacts have. */
static size_t run_example(const char *dir, const char *name)
{
    char path[1536];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    size_t len = 0;
    char *json = ck_test_slurp(path, &len);
    assert_non_null(json);
    snprintf(path, sizeof path, "%s/%s.asof", dir, name);
    char *asof_text = ck_test_slurp(path, NULL);
    assert_non_null(asof_text);
    ck_date as_of;
    assert_true(ck_date_parse(asof_text, 10, &as_of));
    char err[512] = "";
    ck_case *c = ck_bundle_parse(json, len, err, sizeof err);
    if (!c) fail_msg("%s: %s", name, err);
    size_t touched = set_blind(c, "Seen at home; said he starts work on Monday (recorded by J Smith)");
    outcome with = evaluate(c, as_of);
    set_blind(c, NULL);
    outcome without = evaluate(c, as_of);
    assert_same(name, &with, &without);
    ck_result_free(with.r);
    ck_result_free(without.r);
    ck_case_free(c);
    free(json);
    free(asof_text);
    return touched;
}

static void test_rules_blind_fields_move_nothing(void **state)
{
    (void)state;
    assert_true(ck_store_rules_blind("contacts", "notes"));
    assert_false(ck_store_rules_blind("contacts", "date"));
    char dir[1024];
    snprintf(dir, sizeof dir, "%.1000s/examples", CK_SHARED_DIR);
    DIR *d = opendir(dir);
    if (!d) fail_msg("cannot open %s (set CK_SHARED_DIR)", dir);
    size_t examples = 0, touched = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n <= 5 || strcmp(de->d_name + n - 5, ".asof") != 0) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 5), de->d_name);
        touched += run_example(dir, name);
        examples++;
    }
    closedir(d);
    assert_true(examples >= 3);
    assert_true(touched >= 10); /* the examples have contacts: the comparison saw the fields */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_blind_fields_move_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
