/* `casekeeper obligations`: run in-process with stdout, stderr (and stdin)
 * redirected to temporary files; exit status, output JSON and messages. */
#include "ck_test.h"
#include "ck_test_json.h"
#include "ck_bundle.h"
#include "ck_cli.h"
#include "ck_rules.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define EXAMPLE "tests/data/bundle_example.json"

typedef struct run_result {
    int rc;
    char *out, *err;
} run_result;

static void run_result_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

static int temp_fd(char *path_template)
{
    int fd = mkstemp(path_template);
    if (fd < 0) fail_msg("mkstemp: %s", strerror(errno));
    return fd;
}

/* Writes text to a new temporary file; returns its malloc'd path. */
static char *temp_file(const char *text)
{
    char path[] = "/tmp/ck-test-obligations-XXXXXX";
    int fd = temp_fd(path);
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n) fail_msg("write: %s", strerror(errno));
    close(fd);
    return strdup(path);
}

static void remove_temp(char *path)
{
    unlink(path);
    free(path);
}

/* Runs `casekeeper obligations ARGS...` (NULL-terminated), with standard input
 * from stdin_path when not NULL. */
static run_result run(const char *stdin_path, ...)
{
    char *argv[32] = {"obligations"};
    int argc = 1;
    va_list ap;
    va_start(ap, stdin_path);
    for (const char *a; (a = va_arg(ap, const char *)) && argc < 31;) argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;

    char out_path[] = "/tmp/ck-test-out-XXXXXX", err_path[] = "/tmp/ck-test-err-XXXXXX";
    int ofd = temp_fd(out_path), efd = temp_fd(err_path);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2), saved_in = -1;
    dup2(ofd, 1);
    dup2(efd, 2);
    if (stdin_path) {
        int ifd = open(stdin_path, O_RDONLY);
        if (ifd < 0) fail_msg("%s: %s", stdin_path, strerror(errno));
        saved_in = dup(0);
        dup2(ifd, 0);
        close(ifd);
        clearerr(stdin);
    }
    run_result r = {0};
    r.rc = ck_cmd_obligations(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    if (saved_in >= 0) {
        dup2(saved_in, 0);
        close(saved_in);
        clearerr(stdin);
    }
    close(ofd);
    close(efd);
    r.out = ck_test_slurp(out_path, NULL);
    r.err = ck_test_slurp(err_path, NULL);
    unlink(out_path);
    unlink(err_path);
    return r;
}

static json_t *parse_out(const run_result *r)
{
    json_error_t e;
    json_t *j = json_loads(r->out, 0, &e);
    if (!j) fail_msg("stdout is not JSON (line %d: %s):\n%s", e.line, e.text, r->out);
    return j;
}

/* The obligations the engine gives for the bundle at `path`, as the command should print them. */
static json_t *engine_json(const char *path, ck_date as_of, bool all)
{
    size_t len;
    char *text = ck_test_slurp(path, &len);
    char err[1024];
    ck_case *c = ck_bundle_parse(text, len, err, sizeof err);
    if (!c) fail_msg("%s: %s", path, err);
    ck_result *r = ck_rules_evaluate(c, as_of, ck_calendar_default(), ck_rulecfg_default());
    json_t *j = ck_result_to_json(c->crn, as_of, r, all);
    ck_result_free(r);
    ck_case_free(c);
    free(text);
    return j;
}

static void assert_prefix(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0) fail_msg("expected to start with\n%s\ngot\n%s", prefix, s);
}


/* ---- Success -------------------------------------------------------------------- */

static void prints_pretty_json_of_the_engine_result(void **state)
{
    (void)state;
    run_result r = run(NULL, "--as-of", "2025-11-03", "--all", EXAMPLE, NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    /* Two-space indent, keys in the documented order, one trailing newline. */
    const char *head = "{\n  \"crn\": \"X123456\",\n  \"as_of\": \"2025-11-03\",\n  \"obligations\": [\n    {\n"
                       "      \"rule\": ";
    assert_prefix(r.out, head);
    size_t n = strlen(r.out);
    assert_string_equal(r.out + n - 4, "]\n}\n");

    json_t *got = parse_out(&r);
    json_t *want = engine_json(EXAMPLE, ck_date_ymd(2025, 11, 3), true);
    ck_assert_json_equal(got, want);

    /* Each obligation carries exactly the documented keys, in order. */
    static const char *const keys[] = {"rule", "subject", "due", "status", "met_on", "severity", "explanation"};
    json_t *obs = json_object_get(got, "obligations");
    assert_true(json_array_size(obs) > 0);
    size_t i;
    json_t *o;
    bool vcs_first_contact = false;
    json_array_foreach(obs, i, o) {
        assert_int_equal(json_object_size(o), 7);
        void *it = json_object_iter(o);
        for (size_t k = 0; k < 7; k++, it = json_object_iter_next(o, it))
            assert_string_equal(json_object_iter_key(it), keys[k]);
        /* The contract's own sample line for this bundle. */
        if (strcmp(json_string_value(json_object_get(o, "rule")), "VCS_FIRST_CONTACT") == 0 &&
            strcmp(json_string_value(json_object_get(o, "subject")), "victim:V1") == 0) {
            assert_string_equal(json_string_value(json_object_get(o, "due")), "2025-02-10");
            assert_string_equal(json_string_value(json_object_get(o, "status")), "overdue");
            assert_true(json_is_null(json_object_get(o, "met_on")));
            assert_string_equal(json_string_value(json_object_get(o, "severity")), "critical");
            vcs_first_contact = true;
        }
    }
    assert_true(vcs_first_contact);
    assert_true(json_is_array(json_object_get(got, "failures_to_comply")));
    json_decref(got);
    json_decref(want);
    run_result_free(&r);
}

static void without_all_only_open_and_overdue(void **state)
{
    (void)state;
    run_result all = run(NULL, "--all", "--as-of", "2025-11-03", EXAMPLE, NULL);
    run_result some = run(NULL, EXAMPLE, "--as-of", "2025-11-03", NULL);
    assert_int_equal(all.rc, 0);
    assert_int_equal(some.rc, 0);
    json_t *ja = parse_out(&all), *js = parse_out(&some);
    /* Filtering `all` by status gives exactly `some`, in the same order. */
    json_t *filtered = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(ja, "obligations"), i, o) {
        const char *st = json_string_value(json_object_get(o, "status"));
        if (strcmp(st, "open") == 0 || strcmp(st, "overdue") == 0) json_array_append(filtered, o);
    }
    ck_assert_json_equal(json_object_get(js, "obligations"), filtered);
    assert_true(json_array_size(json_object_get(ja, "obligations")) > json_array_size(filtered));
    ck_assert_json_equal(json_object_get(js, "failures_to_comply"), json_object_get(ja, "failures_to_comply"));
    json_decref(filtered);
    json_decref(ja);
    json_decref(js);
    run_result_free(&all);
    run_result_free(&some);
}

/* The person on probation's details and a contact's notes, sensitive flag
 * and recorder (docs/formats.md, extensions) are accepted and change
 * nothing the engine says. */
static void person_details_are_accepted_and_ignored(void **state)
{
    (void)state;
    json_error_t je;
    json_t *j = json_load_file(EXAMPLE, 0, &je);
    assert_non_null(j);
    json_t *p = json_object_get(j, "person");
    json_object_update_new(json_array_get(json_object_get(p, "addresses"), 0),
                           json_pack("{s:s, s:s, s:s}", "line1", "14 Larkspur Row", "town", "London", "postcode", "E8 2AB"));
    json_object_update_new(p, json_pack("{s:s, s:s, s:s, s:s, s:b, s:[{s:s}], s:[{s:s, s:n}]}", "phone", "07700 900123",
                                        "email", "sam@example.com", "pronouns", "he/him", "preferred_language", "Polish",
                                        "interpreter_required", 1, "aliases", "surname", "Smith", "disabilities", "kind",
                                        "Dyslexia", "adjustments"));
    json_object_set_new(json_array_get(json_object_get(j, "changes"), 0), "household",
                        json_pack("[{s:s, s:s, s:b}]", "name", "Jo Example", "relationship", "partner", "child", 0));
    json_object_update_new(json_array_get(json_object_get(j, "contacts"), 0),
                           json_pack("{s:s, s:b, s:s}", "notes", "Attended.\n\n\"Quoted\" and O'Brien's DROP TABLE x;",
                                     "sensitive", 1, "recorded_by", "N07P001"));
    char *text = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    char *path = temp_file(text);
    free(text);
    run_result plain = run(NULL, "--all", "--as-of", "2025-11-03", EXAMPLE, NULL);
    run_result detailed = run(NULL, "--all", "--as-of", "2025-11-03", path, NULL);
    assert_int_equal(plain.rc, 0);
    if (detailed.rc != 0) fail_msg("exit %d: %s", detailed.rc, detailed.err);
    assert_string_equal(detailed.out, plain.out);
    remove_temp(path);
    run_result_free(&plain);
    run_result_free(&detailed);
}

/* Sentence requirements and hours worked (docs/formats.md, "sentence
 * requirements") are accepted and change nothing the engine says; a bad
 * one exits 2 naming its path. */
static void requirements_are_accepted(void **state)
{
    (void)state;
    const char *with = "tests/data/bundle_requirements.json";
    json_error_t je;
    json_t *j = json_load_file(with, 0, &je);
    assert_non_null(j);
    json_object_del(json_array_get(json_object_get(j, "events"), 0), "requirements");
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(j, "contacts"), i, k) json_object_del(k, "hours");
    char *text = json_dumps(j, JSON_INDENT(2));
    char *bare = temp_file(text);
    free(text);
    run_result a = run(NULL, "--all", "--as-of", "2025-05-01", with, NULL);
    run_result b = run(NULL, "--all", "--as-of", "2025-05-01", bare, NULL);
    if (a.rc != 0) fail_msg("exit %d: %s", a.rc, a.err);
    assert_int_equal(b.rc, 0);
    assert_non_null(strstr(a.out, "\"obligations\""));
    assert_string_equal(a.out, b.out);
    run_result_free(&a);
    run_result_free(&b);
    remove_temp(bare);

    /* A bad one in place of those deleted above. */
    json_object_set_new(json_array_get(json_object_get(j, "events"), 0), "requirements",
                        json_pack("[{s:s, s:s, s:i, s:s}]", "id", "RQ1", "type", "unpaid_work", "amount", 400, "start",
                                  "2025-03-03"));
    text = json_dumps(j, JSON_INDENT(2));
    char *bad = temp_file(text);
    free(text);
    run_result c = run(NULL, "--as-of", "2025-05-01", bad, NULL);
    assert_int_equal(c.rc, 2);
    assert_non_null(strstr(c.err, "events[0].requirements[0].amount: expected 40 to 300 hours for unpaid_work"));
    run_result_free(&c);
    remove_temp(bad);
    json_decref(j);
}

static void reads_standard_input(void **state)
{
    (void)state;
    run_result f = run(NULL, "--as-of", "2025-11-03", EXAMPLE, NULL);
    run_result s = run(EXAMPLE, "--as-of", "2025-11-03", "-", NULL);
    assert_int_equal(s.rc, 0);
    assert_string_equal(s.err, "");
    assert_string_equal(s.out, f.out);
    run_result_free(&f);
    run_result_free(&s);
}

/* (rule, subject, due, status, met_on) of each obligation, sorted: the
 * examples' README compares as sets, explanations being free text. */
static json_t *obligation_set(json_t *result)
{
    json_t *keys = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(result, "obligations"), i, o) {
        char *met = json_dumps(json_object_get(o, "met_on"), JSON_ENCODE_ANY);
        char line[512];
        snprintf(line, sizeof line, "%s %s %s %s %s", json_string_value(json_object_get(o, "rule")),
                 json_string_value(json_object_get(o, "subject")), json_string_value(json_object_get(o, "due")),
                 json_string_value(json_object_get(o, "status")), met);
        free(met);
        json_array_append_new(keys, json_string(line));
    }
    /* Insertion sort: a few dozen lines. */
    for (size_t a = 1; a < json_array_size(keys); a++)
        for (size_t b = a; b > 0 && strcmp(json_string_value(json_array_get(keys, b - 1)),
                                           json_string_value(json_array_get(keys, b))) > 0; b--) {
            json_t *t = json_incref(json_array_get(keys, b));
            json_array_set(keys, b, json_array_get(keys, b - 1));
            json_array_set_new(keys, b - 1, t);
        }
    return keys;
}

static void shared_examples_give_expected_output(void **state)
{
    (void)state;
    static const char *const names[] = {"01_easter_2025_co", "04_breach_mandatory_co", "09_vcs_opted_in_release_soon"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char bundle[1024], asof_path[1024], expected[1024];
        snprintf(bundle, sizeof bundle, "%s/examples/%s.json", CK_SHARED_DIR, names[i]);
        snprintf(asof_path, sizeof asof_path, "%s/examples/%s.asof", CK_SHARED_DIR, names[i]);
        snprintf(expected, sizeof expected, "%s/examples/%s.expected.json", CK_SHARED_DIR, names[i]);
        char *asof = ck_test_slurp(asof_path, NULL);
        assert_non_null(asof);
        asof[strcspn(asof, " \r\n")] = '\0';
        run_result r = run(NULL, "--as-of", asof, "--all", bundle, NULL);
        assert_int_equal(r.rc, 0);
        json_t *got = parse_out(&r);
        json_error_t e;
        json_t *want = json_load_file(expected, 0, &e);
        assert_non_null(want);
        json_t *gs = obligation_set(got), *ws = obligation_set(want);
        if (!json_equal(gs, ws)) print_error("example %s\n", names[i]);
        ck_assert_json_equal(gs, ws);
        ck_assert_json_equal(json_object_get(got, "failures_to_comply"), json_object_get(want, "failures_to_comply"));
        ck_assert_json_equal(json_object_get(got, "crn"), json_object_get(want, "crn"));
        ck_assert_json_equal(json_object_get(got, "as_of"), json_object_get(want, "as_of"));
        json_decref(gs);
        json_decref(ws);
        json_decref(got);
        json_decref(want);
        run_result_free(&r);
        free(asof);
    }
}

static void help_prints_usage(void **state)
{
    (void)state;
    run_result r = run(NULL, "--help", NULL);
    assert_int_equal(r.rc, 0);
    const char *usage = "usage: casekeeper obligations --as-of DATE [--all] [--bank-holidays FILE] "
                        "[--rules-config FILE] FILE\n";
    assert_prefix(r.out, usage);
    assert_non_null(strstr(r.out, "--bank-holidays FILE"));
    assert_string_equal(r.err, "");
    run_result_free(&r);
}

/* `opt FILE` with FILE holding `text` is refused: exit 2, nothing on stdout, and
 * a message "casekeeper obligations: OPT FILE: " + `detail` + what the parser said. */
static void assert_option_file_refused(const char *opt, const char *text, const char *detail)
{
    char *path = temp_file(text);
    run_result r = run(NULL, opt, path, "--as-of", "2025-11-03", EXAMPLE, NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    char prefix[512];
    snprintf(prefix, sizeof prefix, "casekeeper obligations: %s %s: %s", opt, path, detail);
    assert_prefix(r.err, prefix);
    assert_true(strlen(r.err) > strlen(prefix) + 1);
    remove_temp(path);
    run_result_free(&r);
}

/* `casekeeper obligations --all --as-of AS_OF BUNDLE` plus `opt FILE`, FILE holding `text`. */
static run_result run_with_file(const char *opt, const char *text, const char *as_of, const char *bundle)
{
    char *path = temp_file(text);
    run_result r = run(NULL, opt, path, "--as-of", as_of, "--all", bundle, NULL);
    remove_temp(path);
    return r;
}

/* The due date the command printed for (rule, subject); fails when absent. */
static const char *due_of(const run_result *r, const char *rule, const char *subject)
{
    static char due[CK_DATE_STRLEN];
    json_t *j = parse_out(r);
    size_t i;
    json_t *o;
    due[0] = '\0';
    json_array_foreach(json_object_get(j, "obligations"), i, o)
        if (strcmp(json_string_value(json_object_get(o, "rule")), rule) == 0 &&
            strcmp(json_string_value(json_object_get(o, "subject")), subject) == 0)
            snprintf(due, sizeof due, "%s", json_string_value(json_object_get(o, "due")));
    json_decref(j);
    if (!due[0]) fail_msg("no %s %s in the output", rule, subject);
    return due;
}

static void bank_holidays_file_changes_working_days(void **state)
{
    (void)state;
    char shared[1024], easter[1024];
    snprintf(shared, sizeof shared, "%s/data/bank-holidays.json", CK_SHARED_DIR);
    snprintf(easter, sizeof easter, "%s/examples/01_easter_2025_co.json", CK_SHARED_DIR);
    run_result dflt = run(NULL, "--as-of", "2025-05-13", "--all", easter, NULL);
    run_result same = run(NULL, "--bank-holidays", shared, "--as-of", "2025-05-13", "--all", easter, NULL);
    assert_int_equal(same.rc, 0);
    assert_string_equal(same.out, dflt.out);

    /* A calendar that knows only 2019: in 2025 only weekends are off, so Good
     * Friday, Easter Monday and 5 May count, and start + 15 WD comes 3 WD sooner. */
    run_result other = run_with_file("--bank-holidays",
                                     "{\"england-and-wales\": {\"division\": \"england-and-wales\","
                                     " \"events\": [{\"title\": \"New Year's Day\", \"date\": \"2019-01-01\"}]}}",
                                     "2025-05-13", easter);
    assert_int_equal(other.rc, 0);
    assert_string_equal(other.err, "");
    assert_string_equal(due_of(&dflt, "ROSH_INITIAL", "event:E1"), "2025-05-13");
    assert_string_equal(due_of(&other, "ROSH_INITIAL", "event:E1"), "2025-05-08");

    assert_option_file_refused("--bank-holidays", "{\"scotland\": {}}", "");
    assert_option_file_refused("--bank-holidays", "{\"england-and-wales\": ", "line 1 column ");
    run_result_free(&dflt);
    run_result_free(&same);
    run_result_free(&other);
}

static void rules_config_file_overrides_defaults(void **state)
{
    (void)state;
    run_result dflt = run(NULL, "--as-of", "2025-11-03", "--all", EXAMPLE, NULL);
    run_result empty = run_with_file("--rules-config", "# nothing overridden\n", "2025-11-03", EXAMPLE);
    assert_int_equal(empty.rc, 0);
    assert_string_equal(empty.out, dflt.out);

    /* Victim V1 referred 2025-01-13: 20 WD gives 2025-02-10, 25 WD 2025-02-17. */
    run_result longer = run_with_file("--rules-config", "vcs_first_contact_wd = 25\n", "2025-11-03", EXAMPLE);
    assert_int_equal(longer.rc, 0);
    assert_string_equal(due_of(&dflt, "VCS_FIRST_CONTACT", "victim:V1"), "2025-02-10");
    assert_string_equal(due_of(&longer, "VCS_FIRST_CONTACT", "victim:V1"), "2025-02-17");

    assert_option_file_refused("--rules-config", "no_such_key_anywhere = 3\n", "line 1: ");
    assert_option_file_refused("--rules-config", "# ok\nvcs_first_contact_wd = soon\n", "line 2: ");
    run_result_free(&dflt);
    run_result_free(&empty);
    run_result_free(&longer);
}

/* ---- Failures --------------------------------------------------------------------- */

static void bad_bundle_exits_2_naming_the_path(void **state)
{
    (void)state;
    size_t len;
    char *text = ck_test_slurp(EXAMPLE, &len);
    char *p = strstr(text, "\"type\": \"custody\"");
    assert_non_null(p);
    /* Same length, so the rest of the file is untouched: "custody" -> "custodi". */
    memcpy(p + 9, "custodi", 7);
    char *path = temp_file(text);
    run_result r = run(NULL, "--as-of", "2025-11-03", path, NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    char want[512];
    snprintf(want, sizeof want,
             "casekeeper obligations: %s: events[0].sentence.type: \"custodi\" is not one of community_order, "
             "sso, custody, hospital_order\n", path);
    assert_string_equal(r.err, want);
    run_result_free(&r);
    remove_temp(path);
    free(text);

    path = temp_file("{\"crn\": \"X1\",\n \"person\": {},\n}");
    r = run(NULL, "--as-of", "2025-11-03", path, NULL);
    assert_int_equal(r.rc, 2);
    snprintf(want, sizeof want, "casekeeper obligations: %s: line 3 column 1: string or '}' expected near '}'\n", path);
    assert_string_equal(r.err, want);
    run_result_free(&r);
    remove_temp(path);

    /* v3: a recall outside its licence is a bad bundle, named with the licence dates. */
    text = ck_test_slurp(EXAMPLE, &len);
    p = strstr(text, "\"recalls\": []");
    assert_non_null(p);
    char *moved = malloc(len + 128);
    snprintf(moved, len + 128, "%.*s\"recalls\": [{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2026-08-01\"}]%s",
             (int)(p - text), text, p + strlen("\"recalls\": []"));
    path = temp_file(moved);
    r = run(NULL, "--as-of", "2026-08-10", path, NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    snprintf(want, sizeof want,
             "casekeeper obligations: %s: recalls[0].date: 2026-08-01 is not within the licence as sentenced of "
             "event E1 (outside 2025-09-05..2026-07-05)\n", path);
    assert_string_equal(r.err, want);
    run_result_free(&r);
    remove_temp(path);
    free(moved);
    free(text);

    /* From standard input the message says so. */
    path = temp_file("{\"crn\": \"X1\", \"person\": {\"gender\": \"m\"}}");
    r = run(path, "--as-of", "2025-11-03", "-", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "casekeeper obligations: standard input: person.gender: \"m\" is not one of M, F, X, U\n");
    run_result_free(&r);
    remove_temp(path);
}

static void bad_options_exit_2(void **state)
{
    (void)state;
    static const struct {
        const char *args[4];
        const char *err;
    } cases[] = {
        {{EXAMPLE}, "casekeeper obligations: --as-of DATE is required\n"
                    "usage: casekeeper obligations --as-of DATE [--all] [--bank-holidays FILE] [--rules-config FILE] FILE\n"},
        {{"--as-of", "2025-11-03"}, "casekeeper obligations: expected a bundle FILE (- for standard input)\n"
                    "usage: casekeeper obligations --as-of DATE [--all] [--bank-holidays FILE] [--rules-config FILE] FILE\n"},
        {{"--as-of", "2025-13-01", EXAMPLE},
         "casekeeper obligations: --as-of: expected a date YYYY-MM-DD, got \"2025-13-01\"\n"},
        {{"--as-of", "3/11/2025", EXAMPLE},
         "casekeeper obligations: --as-of: expected a date YYYY-MM-DD, got \"3/11/2025\"\n"},
        {{EXAMPLE, "--as-of"}, "casekeeper obligations: --as-of: expected a value\n"},
        {{"--as-of", "2025-11-03", "--everything", EXAMPLE},
         "casekeeper obligations: unknown option \"--everything\" (casekeeper obligations --help lists them)\n"},
        {{"--as-of", "2025-11-03", EXAMPLE, "other.json"},
         "casekeeper obligations: expected one FILE, got \"" EXAMPLE "\" and \"other.json\"\n"},
        {{"--as-of", "2025-11-03", "/nonexistent/case.json"},
         "casekeeper obligations: /nonexistent/case.json: No such file or directory\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *const *a = cases[i].args;
        run_result r = run(NULL, a[0], a[1], a[2], a[3], NULL);
        if (r.rc != 2 || strcmp(r.err, cases[i].err) != 0)
            fail_msg("case %zu: exit %d\n got:  %s want: %s", i, r.rc, r.err, cases[i].err);
        assert_string_equal(r.out, "");
        run_result_free(&r);
    }
}

static void double_dash_ends_options(void **state)
{
    (void)state;
    run_result r = run(NULL, "--as-of", "2025-11-03", "--", EXAMPLE, NULL);
    assert_int_equal(r.rc, 0);
    run_result_free(&r);
    r = run(NULL, "--as-of", "2025-11-03", "--", "--all", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "casekeeper obligations: --all: No such file or directory\n");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prints_pretty_json_of_the_engine_result),
        cmocka_unit_test(without_all_only_open_and_overdue),
        cmocka_unit_test(person_details_are_accepted_and_ignored),
        cmocka_unit_test(requirements_are_accepted),
        cmocka_unit_test(reads_standard_input),
        cmocka_unit_test(shared_examples_give_expected_output),
        cmocka_unit_test(help_prints_usage),
        cmocka_unit_test(bank_holidays_file_changes_working_days),
        cmocka_unit_test(rules_config_file_overrides_defaults),
        cmocka_unit_test(bad_bundle_exits_2_naming_the_path),
        cmocka_unit_test(bad_options_exit_2),
        cmocka_unit_test(double_dash_ends_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
