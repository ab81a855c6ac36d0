/* The commands' option parser (ck_cli_parse): what each kind of option
 * stores, and for bad usage the exit status and the exact message, in each
 * command's wording. Standard output and error are captured to temporary
 * files around each call. */
#include "ck_test.h"
#include "ck_cli.h"
#include "ck_practice.h"
#include <unistd.h>

/* What one parse printed and returned. */
typedef struct parsed {
    int rc;
    char out[4096], err[4096];
} parsed;

typedef struct capture {
    FILE *out, *err;
    int saved_out, saved_err;
} capture;

static capture capture_begin(void)
{
    fflush(stdout);
    fflush(stderr);
    capture c = {tmpfile(), tmpfile(), dup(1), dup(2)};
    if (!c.out || !c.err || c.saved_out < 0 || c.saved_err < 0) fail_msg("cannot capture output");
    dup2(fileno(c.out), 1);
    dup2(fileno(c.err), 2);
    return c;
}

static void read_back(FILE *f, char *to, size_t size)
{
    rewind(f);
    size_t n = fread(to, 1, size - 1, f);
    to[n] = '\0';
    fclose(f);
}

static void capture_end(capture *c, parsed *p)
{
    fflush(stdout);
    fflush(stderr);
    dup2(c->saved_out, 1);
    dup2(c->saved_err, 2);
    close(c->saved_out);
    close(c->saved_err);
    read_back(c->out, p->out, sizeof p->out);
    read_back(c->err, p->err, sizeof p->err);
}

/* ---- A command of the test's own, spelt with a real command's name so the
 * usage line is that command's. -------------------------------------------------- */

#define USAGE_EXPORT "usage: casekeeper export [--db URL] [--out FILE]\n"

static void help(FILE *to) { fputs("the help text\n", to); }

typedef struct opts {
    const char *db, *pdu;
    bool all;
    ck_date as_of;
    const char *params[2];
    size_t n_params;
    const char *files[2];
    size_t n_files;
} opts;

/* argv from a NULL-terminated list, argv[0] "export". */
static int make_argv(char **argv, size_t room, const char *const *args)
{
    int argc = 0;
    argv[argc++] = "export";
    for (; *args && (size_t)argc < room - 1; args++) argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return argc;
}

/* Parses args against the test table: --db, --pdu (values), --all (a flag),
 * --as-of (a date), --param (at most two), and with `max_files` up to that many
 * positional FILEs. */
static parsed parse(ck_cli_wording wording, size_t max_files, bool dashdash, opts *o, const char *const *args)
{
    memset(o, 0, sizeof *o);
    const char *as_of = NULL;
    const ck_cli_optdef table[] = {
        {"--db", .val = &o->db},
        {"--pdu", .val = &o->pdu},
        {"--all", .flag = &o->all},
        {"--as-of", .val = &as_of, .parse = ck_cli_opt_date, .out = &o->as_of},
        {"--param", .list = o->params, .n = &o->n_params, .max = sizeof o->params / sizeof *o->params},
    };
    const ck_cli_spec spec = {.cmd = "export",
                              .opts = table,
                              .n_opts = sizeof table / sizeof *table,
                              .help = help,
                              .wording = wording,
                              .pos = max_files ? o->files : NULL,
                              .n_pos = &o->n_files,
                              .max_pos = max_files,
                              .pos_name = "one FILE",
                              .dashdash = dashdash};
    char *argv[16];
    int argc = make_argv(argv, sizeof argv / sizeof *argv, args);
    parsed p;
    capture c = capture_begin();
    p.rc = ck_cli_parse(&spec, argc, argv);
    capture_end(&c, &p);
    return p;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void expect_usage_error(const parsed *p, const char *err)
{
    if (p->rc != 2 || strcmp(p->err, err) != 0) fail_msg("exit %d\n got:  %s want: %s", p->rc, p->err, err);
    assert_string_equal(p->out, "");
}

/* ---- Good usage ----------------------------------------------------------------- */

static void stores_values_flags_lists_and_dates(void **state)
{
    (void)state;
    opts o;
    parsed p = parse(CK_CLI_UNEXPECTED, 0, false, &o,
                     ARGS("--db", "sqlite:a.db", "--all", "--param", "a=1", "--as-of", "2025-11-03", "--param", "b=0",
                          "--db", "sqlite:b.db"));
    assert_int_equal(p.rc, CK_CLI_GO);
    assert_string_equal(p.err, "");
    assert_string_equal(o.db, "sqlite:b.db"); /* the last given wins */
    assert_null(o.pdu);
    assert_true(o.all);
    ck_date want;
    assert_true(ck_date_parse("2025-11-03", 10, &want));
    assert_int_equal(o.as_of, want);
    assert_int_equal(o.n_params, 2);
    assert_string_equal(o.params[0], "a=1");
    assert_string_equal(o.params[1], "b=0");

    /* A value is the next argument whatever it looks like. */
    p = parse(CK_CLI_UNEXPECTED, 0, false, &o, ARGS("--db", "--help", "--pdu", "-"));
    assert_int_equal(p.rc, CK_CLI_GO);
    assert_string_equal(o.db, "--help");
    assert_string_equal(o.pdu, "-");
    assert_string_equal(p.out, "");
}

static void help_answers_and_stops(void **state)
{
    (void)state;
    opts o;
    const char *const *forms[] = {ARGS("--help", "--bogus"), ARGS("-h"), ARGS("--db", "x", "--help", "--as-of")};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        parsed p = parse(CK_CLI_UNEXPECTED, 0, false, &o, forms[i]);
        assert_int_equal(p.rc, 0);
        assert_string_equal(p.out, "the help text\n");
        assert_string_equal(p.err, "");
    }
    /* Only until the first bad argument. */
    parsed p = parse(CK_CLI_UNEXPECTED, 0, false, &o, ARGS("--bogus", "--help"));
    expect_usage_error(&p, "casekeeper export: unexpected argument \"--bogus\"\n" USAGE_EXPORT);
}

static void positional_arguments(void **state)
{
    (void)state;
    opts o;
    parsed p = parse(CK_CLI_UNKNOWN_OPTION, 2, false, &o, ARGS("a.json", "--all", "-"));
    assert_int_equal(p.rc, CK_CLI_GO);
    assert_int_equal(o.n_files, 2);
    assert_string_equal(o.files[0], "a.json");
    assert_string_equal(o.files[1], "-");
    assert_true(o.all);

    p = parse(CK_CLI_UNKNOWN_OPTION, 1, false, &o, ARGS("a.json", "b.json"));
    expect_usage_error(&p, "casekeeper export: expected one FILE, got \"a.json\" and \"b.json\"\n");

    /* "--" ends the options only where the command says so. */
    p = parse(CK_CLI_UNKNOWN_OPTION, 2, true, &o, ARGS("--", "--all", "--help"));
    assert_int_equal(p.rc, CK_CLI_GO);
    assert_false(o.all);
    assert_int_equal(o.n_files, 2);
    assert_string_equal(o.files[0], "--all");
    assert_string_equal(o.files[1], "--help");
    p = parse(CK_CLI_UNKNOWN_USAGE, 2, false, &o, ARGS("--", "a.json"));
    expect_usage_error(&p, "casekeeper export: unknown option \"--\"\n" USAGE_EXPORT);

    /* A command without positional arguments calls them unknown. */
    p = parse(CK_CLI_UNKNOWN_ARG, 0, false, &o, ARGS("a.json"));
    expect_usage_error(&p,
                       "casekeeper export: unknown argument \"a.json\" (casekeeper export --help lists the options)\n");
}

/* ---- Bad usage ------------------------------------------------------------------- */

static void unknown_option_in_each_wording(void **state)
{
    (void)state;
    static const struct {
        ck_cli_wording wording;
        const char *err;
    } cases[] = {
        {CK_CLI_UNEXPECTED, "casekeeper export: unexpected argument \"--everything\"\n" USAGE_EXPORT},
        {CK_CLI_UNKNOWN_ARG,
         "casekeeper export: unknown argument \"--everything\" (casekeeper export --help lists the options)\n"},
        {CK_CLI_UNKNOWN_OPTION,
         "casekeeper export: unknown option \"--everything\" (casekeeper export --help lists them)\n"},
        {CK_CLI_UNKNOWN_USAGE, "casekeeper export: unknown option \"--everything\"\n" USAGE_EXPORT},
    };
    opts o;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        parsed p = parse(cases[i].wording, 0, false, &o, ARGS("--db", "x", "--everything", "--pdu"));
        expect_usage_error(&p, cases[i].err);
        /* Option names are whole words. */
        p = parse(cases[i].wording, 0, false, &o, ARGS("--db=x"));
        assert_int_equal(p.rc, 2);
        assert_non_null(strstr(p.err, "\"--db=x\""));
    }
}

static void missing_value(void **state)
{
    (void)state;
    opts o;
    parsed p = parse(CK_CLI_UNEXPECTED, 0, false, &o, ARGS("--all", "--pdu"));
    expect_usage_error(&p, "casekeeper export: --pdu needs a value\n" USAGE_EXPORT);
    p = parse(CK_CLI_UNKNOWN_ARG, 0, false, &o, ARGS("--param"));
    expect_usage_error(&p, "casekeeper export: --param needs a value\n" USAGE_EXPORT);
    p = parse(CK_CLI_UNKNOWN_OPTION, 1, false, &o, ARGS("a.json", "--as-of"));
    expect_usage_error(&p, "casekeeper export: --as-of: expected a value\n");
}

static void bad_date_is_reported_where_it_stands(void **state)
{
    (void)state;
    opts o;
    static const char *const bad[] = {"2025-02-30", "3/11/2025", "", "2025-11-03x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char want[256];
        snprintf(want, sizeof want, "casekeeper export: --as-of: expected a date YYYY-MM-DD, got \"%s\"\n", bad[i]);
        parsed p = parse(CK_CLI_UNEXPECTED, 0, false, &o, ARGS("--as-of", bad[i]));
        expect_usage_error(&p, want);
        /* Before a later bad argument, and not undone by a later good date. */
        p = parse(CK_CLI_UNEXPECTED, 0, false, &o, ARGS("--as-of", bad[i], "--bogus"));
        expect_usage_error(&p, want);
        p = parse(CK_CLI_UNEXPECTED, 0, false, &o, ARGS("--as-of", bad[i], "--as-of", "2025-11-03"));
        expect_usage_error(&p, want);
    }
    /* After an earlier bad argument. */
    parsed p = parse(CK_CLI_UNEXPECTED, 0, false, &o, ARGS("--bogus", "--as-of", "2025-02-30"));
    expect_usage_error(&p, "casekeeper export: unexpected argument \"--bogus\"\n" USAGE_EXPORT);
}

static void repeated_option_over_its_limit(void **state)
{
    (void)state;
    opts o;
    parsed p = parse(CK_CLI_UNKNOWN_OPTION, 0, false, &o, ARGS("--param", "a=1", "--param", "b=1", "--param", "c=1"));
    expect_usage_error(&p, "casekeeper export: --param: too many (at most 2)\n");
}

static void format_names(void **state)
{
    (void)state;
    ck_cli_format f;
    assert_true(ck_cli_parse_format("workforce", "json", &f));
    assert_int_equal(f, CK_CLI_JSON);
    assert_true(ck_cli_parse_format("workforce", "table", &f));
    assert_int_equal(f, CK_CLI_TABLE);
    assert_true(ck_cli_parse_format("workforce", "csv", &f));
    assert_int_equal(f, CK_CLI_CSV);
    parsed p;
    capture c = capture_begin();
    p.rc = ck_cli_parse_format("workforce", "JSON", &f);
    capture_end(&c, &p);
    assert_false(p.rc);
    assert_string_equal(p.err, "casekeeper workforce: --format: expected json, table or csv, got \"JSON\"\n");
}

/* ---- Through the commands: bad usage stops before any database is opened. ------ */

static parsed run_cmd(int (*cmd)(int, char **), const char *name, const char *const *args)
{
    char *argv[128];
    int argc = make_argv(argv, sizeof argv / sizeof *argv, args);
    argv[0] = (char *)name;
    parsed p;
    capture c = capture_begin();
    p.rc = cmd(argc, argv);
    capture_end(&c, &p);
    return p;
}

static void commands_keep_their_wording(void **state)
{
    (void)state;
    parsed p = run_cmd(ck_cmd_recompute, "recompute", ARGS("--as-of", "2025-11-03", "now"));
    expect_usage_error(&p, "casekeeper recompute: unexpected argument \"now\"\n"
                           "usage: casekeeper recompute [--db URL] [--as-of DATE] [--all] [--batch N]\n");
    p = run_cmd(ck_cmd_inspection, "inspection", ARGS("--pdu"));
    expect_usage_error(&p, "casekeeper inspection: --pdu needs a value\n"
                           "usage: casekeeper inspection [--db URL] [--as-of DATE] [--pdu CODE] [--from DATE --to "
                           "DATE] [--format json|table|csv]\n");
    p = run_cmd(ck_cmd_workforce, "workforce", ARGS("--format", "xml"));
    expect_usage_error(&p, "casekeeper workforce: --format: expected json, table or csv, got \"xml\"\n");
    p = run_cmd(ck_cmd_serve, "serve", ARGS("--plain-http", "--threads", "0", "--bogus"));
    expect_usage_error(&p, "casekeeper serve: --threads: expected a whole number from 1 to 1024, got \"0\"\n");
    p = run_cmd(ck_cmd_serve, "serve", ARGS("--plain-http=yes"));
    expect_usage_error(&p,
                       "casekeeper serve: unknown argument \"--plain-http=yes\" (casekeeper serve --help lists the "
                       "options)\n");
    p = run_cmd(ck_cmd_generate, "generate", ARGS("--as-of", "2025-11-03", "out"));
    expect_usage_error(&p, "casekeeper generate: unknown option \"out\" (casekeeper generate --help lists them)\n");
    p = run_cmd(ck_cmd_import, "import", ARGS("--as-of", "2025-02-30", "-x"));
    expect_usage_error(&p, "casekeeper import: unknown option \"-x\"\n"
                           "usage: casekeeper import [--db URL] [--as-of DATE] FILE|DIR...\n");
    p = run_cmd(ck_cmd_migrate, "migrate", ARGS("--help"));
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.err, "");
    assert_non_null(strstr(p.out, "usage: casekeeper migrate [--db URL]\n"));
}

/* generate holds a bounded number of --param and says so past it. */
static void generate_param_has_a_limit(void **state)
{
    (void)state;
    enum { LIMIT = CK_PRACTICE_N * 4 };
    const char *args[2 * (LIMIT + 1) + 1] = {NULL};
    for (size_t i = 0; i < 2 * (LIMIT + 1); i += 2) {
        args[i] = "--param";
        args[i + 1] = "missed_contact=0.1";
    }
    parsed p = run_cmd(ck_cmd_generate, "generate", args);
    char want[128];
    snprintf(want, sizeof want, "casekeeper generate: --param: too many (at most %d)\n", LIMIT);
    expect_usage_error(&p, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stores_values_flags_lists_and_dates),
        cmocka_unit_test(help_answers_and_stops),
        cmocka_unit_test(positional_arguments),
        cmocka_unit_test(unknown_option_in_each_wording),
        cmocka_unit_test(missing_value),
        cmocka_unit_test(bad_date_is_reported_where_it_stands),
        cmocka_unit_test(repeated_option_over_its_limit),
        cmocka_unit_test(format_names),
        cmocka_unit_test(commands_keep_their_wording),
        cmocka_unit_test(generate_param_has_a_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
