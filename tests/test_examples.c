/* The worked examples of the rulebook (CK_SHARED_DIR/examples): each bundle,
 * evaluated at its .asof date, gives exactly the expected obligations, compared
 * as sets of (rule, subject, due, status, met_on) and, since the rulebook fixes
 * it too, severity; and the expected failures_to_comply. Explanations are free
 * text and not compared. */
#include "ck_test.h"
#include "ck_explain.h"
/* An obligation's explanation written out (core/ck_explain), in r's arena. */
#define EXPL(r, o) ck_explain_text((o)->explain, &((ck_result *)(r))->arena)
#include "ck_bundle.h"
#include "ck_rules.h"
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

static int run_example(const char *dir, const char *name)
{
    char path[1536];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    size_t len = 0;
    char *json = ck_test_slurp(path, &len);
    assert_non_null(json);
    snprintf(path, sizeof path, "%s/%s.asof", dir, name);
    char *asof_text = ck_test_slurp(path, NULL);
    assert_non_null(asof_text);
    snprintf(path, sizeof path, "%s/%s.expected.json", dir, name);
    json_error_t jerr;
    json_t *expected = json_load_file(path, 0, &jerr);
    assert_non_null(expected);

    ck_date as_of;
    assert_true(ck_date_parse(asof_text, 10, &as_of));
    char err[512] = "";
    ck_case *c = ck_bundle_parse(json, len, err, sizeof err);
    if (!c) fail_msg("%s: %s", name, err);
    ck_result *r = ck_rules_evaluate(c, as_of, ck_calendar_default(), ck_rulecfg_default());
    assert_sorted(r);

    lines want = {0}, got = {0}, want_ftc = {0}, got_ftc = {0};
    expected_lines(expected, &want, &want_ftc);
    actual_lines(r, &got, &got_ftc);
    int bad = diff(name, "obligation", &want, &got) + diff(name, "FTC", &want_ftc, &got_ftc);

    free_lines(&want);
    free_lines(&got);
    free_lines(&want_ftc);
    free_lines(&got_ftc);
    ck_result_free(r);
    ck_case_free(c);
    json_decref(expected);
    free(json);
    free(asof_text);
    return bad;
}

static void test_examples(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%.1000s/examples", CK_SHARED_DIR);
    DIR *d = opendir(dir);
    if (!d) fail_msg("cannot open %s (set CK_SHARED_DIR)", dir);
    int examples = 0, bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        const char *suffix = ".asof";
        if (n <= 5 || strcmp(de->d_name + n - 5, suffix) != 0) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 5), de->d_name);
        int b = run_example(dir, name);
        print_message("%s: %s\n", name, b ? "DIFFERS" : "ok");
        bad += b;
        examples++;
    }
    closedir(d);
    assert_true(examples >= 3);
    assert_int_equal(bad, 0);
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
        cmocka_unit_test(test_copy_matches_upstream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
