/* The worked examples of the rulebook (CK_SHARED_DIR/examples): each bundle,
 * evaluated at its .asof date, gives exactly the expected obligations, compared
 * as sets of (rule, subject, due, status, met_on) and, since the rulebook fixes
 * it too, severity; and the expected failures_to_comply. Explanations are free
 * text and not compared. Then that the fields a recompute leaves out change
 * nothing the engine gives (rules_blind_fields_move_nothing). */
#include "ck_test.h"
#include "ck_explain.h"
/* An obligation's explanation written out (core/ck_explain), in r's arena. */
#define EXPL(r, o) ck_explain_text((o)->explain, &((ck_result *)(r))->arena)
#include "ck_bundle.h"
#include "ck_horizon.h"
#include "ck_rules.h"
#include "ck_store.h"
#include "ck_wprofile.h"
#include <dirent.h>
#include <unistd.h>

/* One obligation or FTC entry as a comparable line of text. */
static char *key_of(const char *rule, const char *subject, const char *due, const char *status, const char *met_on,
                    const char *severity)
{
    char *s = NULL;
    if (asprintf(&s, "%s %s due=%s %s met_on=%s %s", rule, subject, due, status, met_on ? met_on : "null", severity) < 0)
        abort();
    return s;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct lines {
    char **v;
    size_t n;
} lines;

static void add(lines *l, char *s)
{
    l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
    assert_non_null(l->v);
    l->v[l->n++] = s;
}

static void free_lines(lines *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
}

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void expected_lines(const json_t *root, lines *obl, lines *ftc)
{
    const json_t *arr = json_object_get(root, "obligations");
    assert_true(json_is_array(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *o = json_array_get(arr, i);
        add(obl, key_of(jstr(o, "rule"), jstr(o, "subject"), jstr(o, "due"), jstr(o, "status"), jstr(o, "met_on"),
                        jstr(o, "severity")));
    }
    arr = json_object_get(root, "failures_to_comply");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *o = json_array_get(arr, i);
        char *s = NULL;
        if (asprintf(&s, "%s %d since %s", jstr(o, "event"), (int)json_integer_value(json_object_get(o, "count")),
                     jstr(o, "since")) < 0)
            abort();
        add(ftc, s);
    }
}

static void actual_lines(const ck_result *r, lines *obl, lines *ftc)
{
    for (size_t i = 0; i < r->n_obligations; i++) {
        const ck_obligation *o = &r->obligations[i];
        char due[CK_DATE_STRLEN], met[CK_DATE_STRLEN];
        ck_date_fmt(o->due, due);
        ck_date_fmt(o->met_on, met);
        add(obl, key_of(o->rule, o->subject, due, ck_status_name(o->status), o->met_on == CK_NODATE ? NULL : met,
                        ck_severity_name(o->severity)));
        assert_non_null(o->explain);
        assert_true(strlen(EXPL(r, o)) > 20);
        assert_null(strchr(EXPL(r, o), '\n'));
    }
    for (size_t i = 0; i < r->n_ftc; i++) {
        char *s = NULL, since[CK_DATE_STRLEN];
        if (asprintf(&s, "%s %d since %s", r->ftc[i].event, r->ftc[i].count, ck_date_fmt(r->ftc[i].since, since)) < 0)
            abort();
        add(ftc, s);
    }
}

/* Prints what only one side has; returns the number of differences. */
static int diff(const char *name, const char *what, lines *want, lines *got)
{
    if (want->n) qsort(want->v, want->n, sizeof *want->v, cmp_str);
    if (got->n) qsort(got->v, got->n, sizeof *got->v, cmp_str);
    int bad = 0;
    size_t i = 0, j = 0;
    while (i < want->n || j < got->n) {
        int k = i == want->n ? 1 : j == got->n ? -1 : strcmp(want->v[i], got->v[j]);
        if (k == 0) { i++; j++; continue; }
        bad++;
        if (k < 0) print_message("%s %s missing:    %s\n", name, what, want->v[i++]);
        else print_message("%s %s unexpected: %s\n", name, what, got->v[j++]);
    }
    return bad;
}

/* The result is sorted as the rulebook says: status, severity, due, rule, subject. */
static void assert_sorted(const ck_result *r)
{
    for (size_t i = 1; i < r->n_obligations; i++) {
        const ck_obligation *a = &r->obligations[i - 1], *b = &r->obligations[i];
        int k = a->status != b->status ? (int)a->status - (int)b->status
              : a->severity != b->severity ? (int)a->severity - (int)b->severity
              : a->due != b->due ? (a->due < b->due ? -1 : 1)
              : strcmp(a->rule, b->rule) ? strcmp(a->rule, b->rule) : strcmp(a->subject, b->subject);
        assert_true(k < 0);
    }
}

/* One worked example: its case and the date it is evaluated at. */
typedef struct example {
    ck_case *c;
    ck_date as_of;
    char *json;
} example;

static example load_example(const char *dir, const char *name)
{
    example e;
    char path[1536];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    size_t len = 0;
    e.json = ck_test_slurp(path, &len);
    assert_non_null(e.json);
    snprintf(path, sizeof path, "%s/%s.asof", dir, name);
    char *asof_text = ck_test_slurp(path, NULL);
    assert_non_null(asof_text);
    assert_true(ck_date_parse(asof_text, 10, &e.as_of));
    free(asof_text);
    char err[512] = "";
    e.c = ck_bundle_parse(e.json, len, err, sizeof err);
    if (!e.c) fail_msg("%s: %s", name, err);
    return e;
}

static void example_free(example *e)
{
    ck_case_free(e->c);
    free(e->json);
}

/* fn over every example in CK_SHARED_DIR/examples; the sum of what it
 * returns, and the number of examples in *n. */
static size_t each_example(size_t (*fn)(const char *dir, const char *name), size_t *n)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%.1000s/examples", CK_SHARED_DIR);
    DIR *d = opendir(dir);
    if (!d) fail_msg("cannot open %s (set CK_SHARED_DIR)", dir);
    size_t sum = 0;
    *n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".asof") != 0) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(len - 5), de->d_name);
        sum += fn(dir, name);
        (*n)++;
    }
    closedir(d);
    return sum;
}

/* Returns the number of differences from the expected result. */
static size_t run_example(const char *dir, const char *name)
{
    char path[1536];
    snprintf(path, sizeof path, "%s/%s.expected.json", dir, name);
    json_error_t jerr;
    json_t *expected = json_load_file(path, 0, &jerr);
    assert_non_null(expected);
    example e = load_example(dir, name);
    ck_result *r = ck_rules_evaluate(e.c, e.as_of, ck_calendar_default(), ck_rulecfg_default());
    assert_sorted(r);

    lines want = {0}, got = {0}, want_ftc = {0}, got_ftc = {0};
    expected_lines(expected, &want, &want_ftc);
    actual_lines(r, &got, &got_ftc);
    int bad = diff(name, "obligation", &want, &got) + diff(name, "FTC", &want_ftc, &got_ftc);
    print_message("%s: %s\n", name, bad ? "DIFFERS" : "ok");

    free_lines(&want);
    free_lines(&got);
    free_lines(&want_ftc);
    free_lines(&got_ftc);
    ck_result_free(r);
    example_free(&e);
    json_decref(expected);
    return (size_t)bad;
}

static void test_examples(void **state)
{
    (void)state;
    size_t examples = 0, bad = each_example(run_example, &examples);
    assert_true(examples >= 3);
    assert_int_equal(bad, 0);
}

/* ---- What the recompute leaves out -------------------------------------------
 * The recompute reads cases without the free text no rule reads
 * (ck_store_rules_blind: contact notes and the like). Every example, its
 * contacts given those fields and then without them, must give the same
 * obligations (explanation recipes included), failures to comply, workload
 * profile and next change. A rule that starts reading such a field fails
 * here, and the field must then leave the rules-blind list. */

typedef struct outcome {
    ck_result *r;
    ck_wprofile p;
    ck_date next;
} outcome;

static outcome evaluate_all(const ck_case *c, ck_date as_of)
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
static size_t blind_example(const char *dir, const char *name)
{
    example e = load_example(dir, name);
    size_t touched = set_blind(e.c, "Seen at home; said he starts work on Monday (recorded by J Smith)");
    outcome with = evaluate_all(e.c, e.as_of);
    set_blind(e.c, NULL);
    outcome without = evaluate_all(e.c, e.as_of);
    assert_same(name, &with, &without);
    ck_result_free(with.r);
    ck_result_free(without.r);
    example_free(&e);
    return touched;
}

static void test_rules_blind_fields_move_nothing(void **state)
{
    (void)state;
    assert_true(ck_store_rules_blind("contacts", "notes"));
    assert_false(ck_store_rules_blind("contacts", "date"));
    size_t examples = 0, touched = each_example(blind_example, &examples);
    assert_true(examples >= 3);
    assert_true(touched >= 10); /* the examples have contacts: the comparison saw the fields */
}

/* Whole file into *out (NUL-terminated; *len without it); false when it
 * cannot be read. */
static bool slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    size_t got;
    while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            b = realloc(b, cap);
            assert_non_null(b);
        }
    }
    fclose(f);
    b[n] = 0;
    *out = b;
    *len = n;
    return true;
}

/* 1 (and a message) unless files a and b hold the same bytes. */
static int differs(const char *a, const char *b)
{
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bool ok = slurp(a, &x, &nx) && slurp(b, &y, &ny) && nx == ny && memcmp(x, y, nx) == 0;
    if (!ok) print_message("%s and %s differ (or one is missing)\n", a, b);
    free(x);
    free(y);
    return !ok;
}

/* The tests read tests/shared/, a copy of the parts of ../shared they use,
 * so that a clone on its own can run them. When ../shared is there (a
 * developer's checkout, CI beside the project), the copy must be exactly it,
 * examples added upstream included, and so must the bank holidays the
 * product ships (data/bank-holidays.json). Skipped when it is not there. */
static void test_copy_matches_upstream(void **state)
{
    (void)state;
    char up[1024], path[2048], mine[2048];
    snprintf(up, sizeof up, "%.1000s/examples", CK_SHARED_UPSTREAM);
    DIR *d = opendir(up);
    if (!d) {
        print_message("no %s beside the repository: the copy in %s is not compared\n", up, CK_SHARED_DIR);
        skip();
    }
    int files = 0, bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", up, de->d_name);
        snprintf(mine, sizeof mine, "%.1000s/examples/%s", CK_SHARED_DIR, de->d_name);
        bad += differs(path, mine);
        files++;
    }
    closedir(d);
    /* And nothing in the copy that upstream has dropped. */
    snprintf(mine, sizeof mine, "%.1000s/examples", CK_SHARED_DIR);
    d = opendir(mine);
    assert_non_null(d);
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", up, de->d_name);
        if (access(path, R_OK) != 0) {
            print_message("%s/%s is not upstream any more\n", mine, de->d_name);
            bad++;
        }
    }
    closedir(d);
    snprintf(path, sizeof path, "%.1000s/data/bank-holidays.json", CK_SHARED_UPSTREAM);
    snprintf(mine, sizeof mine, "%.1000s/data/bank-holidays.json", CK_SHARED_DIR);
    bad += differs(path, mine);
    bad += differs(path, "data/bank-holidays.json");
    assert_true(files >= 9);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_rules_blind_fields_move_nothing),
        cmocka_unit_test(test_copy_matches_upstream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
