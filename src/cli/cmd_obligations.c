/* casekeeper obligations: the rulebook on one case bundle file, no database.
 * The output is the contract of ../shared/case-bundle.md ("Output of
 * casekeeper obligations"), pretty-printed so a person can read it and diff it. */
#include "ck_bundle.h"
#include "ck_cal.h"
#include "ck_cli.h"
#include "ck_rulecfg.h"
#include "ck_rules.h"
#include "ck_score_json.h"
#include "ck_tier.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CMD "obligations"
/* A bundle is kilobytes and the other inputs less; this only bounds what a
 * wrong file (a disk image, /dev/zero) can make us read. */
#define INPUT_LIMIT ((size_t)64 << 20)

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Evaluates the rulebook on one case bundle (docs/formats.md) at DATE, without a\n"
            "database, and prints the obligations and failures to comply as JSON on standard\n"
            "output, followed by the case's tier (\"tier\") and OGRS3 (\"ogrs3\", null with\n"
            "\"ogrs3_missing\" when it cannot be computed). FILE may be - for standard input.\n"
            "\n"
            "  --as-of DATE           the date to evaluate at, YYYY-MM-DD (required)\n"
            "  --all                  also print met and met_late obligations\n"
            "                         (default: only open and overdue)\n"
            "  --bank-holidays FILE   a GOV.UK bank-holidays.json instead of the shipped copy\n"
            "  --rules-config FILE    key = value overrides of the shipped config/rules.conf\n"
            "\n"
            "Exit status: 0 printed; 1 standard output could not be written; 2 bad options or\n"
            "a bad file (the message on standard error names the JSON path of the problem).\n");
}

static const char *input_name(const char *path) { return strcmp(path, "-") == 0 ? "standard input" : path; }

/* The whole of `path` ("-": standard input) into out. False with the reason printed. */
static bool read_input(const char *path, ck_buf *out)
{
    return ck_cli_read_file(CMD, path, INPUT_LIMIT, "one case bundle", out);
}

typedef struct options {
    ck_date as_of;
    bool all;
    const char *holidays, *config, *file;
} options;

/* CK_CLI_GO to go on, else the exit status (help printed: 0; bad usage: 2). */
static int parse_options(int argc, char **argv, options *o)
{
    const char *as_of = NULL;
    size_t n_files = 0;
    const ck_cli_optdef opts[] = {{"--all", .flag = &o->all},
                                  {"--as-of", .val = &as_of, .parse = ck_cli_opt_date, .out = &o->as_of},
                                  {"--bank-holidays", .val = &o->holidays},
                                  {"--rules-config", .val = &o->config}};
    const ck_cli_spec spec = {.cmd = CMD,
                              .opts = opts,
                              .n_opts = sizeof opts / sizeof *opts,
                              .help = help,
                              .wording = CK_CLI_UNKNOWN_OPTION,
                              .pos = &o->file,
                              .n_pos = &n_files,
                              .max_pos = 1,
                              .pos_name = "one FILE",
                              .dashdash = true};
    int rc = ck_cli_parse(&spec, argc, argv);
    if (rc != CK_CLI_GO) return rc;
    if (!as_of) {
        ck_cli_error(CMD, "--as-of DATE is required");
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    if (!o->file) {
        ck_cli_error(CMD, "expected a bundle FILE (- for standard input)");
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    return CK_CLI_GO;
}

int ck_cmd_obligations(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc != CK_CLI_GO) return rc;

    ck_calendar *own_cal = NULL;
    ck_rules_config *own_cfg = NULL;
    ck_case *c = NULL;
    ck_buf text = CK_BUF_INIT;
    char err[2048];
    rc = 2;

    if (o.holidays) {
        if (!read_input(o.holidays, &text)) goto out;
        own_cal = ck_calendar_parse(text.data ? text.data : "", text.len, err, sizeof err);
        if (!own_cal) {
            ck_cli_error(CMD, "--bank-holidays %s: %s", input_name(o.holidays), err);
            goto out;
        }
        ck_buf_free(&text);
    }
    if (o.config) {
        if (!read_input(o.config, &text)) goto out;
        own_cfg = ck_rulecfg_parse(text.data ? text.data : "", text.len, err, sizeof err);
        if (!own_cfg) {
            ck_cli_error(CMD, "--rules-config %s: %s", input_name(o.config), err);
            goto out;
        }
        ck_buf_free(&text);
    }
    if (!read_input(o.file, &text)) goto out;
    c = ck_bundle_parse(text.data ? text.data : "", text.len, err, sizeof err);
    if (!c) {
        ck_cli_error(CMD, "%s: %s", input_name(o.file), err);
        goto out;
    }

    const ck_rules_config *cfg = own_cfg ? own_cfg : ck_rulecfg_default();
    ck_result *r = ck_rules_evaluate(c, o.as_of, own_cal ? own_cal : ck_calendar_default(), cfg);
    json_t *j = ck_result_to_json(c->crn, o.as_of, r, o.all);
    ck_result_free(r);
    /* Beside the contract's keys (which come first, unchanged): the tier and
     * OGRS3 of the bundle, so any bundle can be checked without a database. */
    ck_tier *t = ck_malloc(sizeof *t);
    ck_tier_case(c, o.as_of, cfg, t);
    ck_scores_set_json(j, t);
    ck_free(t);
    int dumped = json_dumpf(j, stdout, JSON_INDENT(2));
    json_decref(j);
    if (dumped != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
        ck_cli_error(CMD, "writing standard output: %s", strerror(errno));
        rc = 1;
        goto out;
    }
    rc = 0;
out:
    ck_buf_free(&text);
    ck_case_free(c);
    ck_calendar_free(own_cal);
    ck_rulecfg_free(own_cfg);
    return rc;
}
