/* casekeeper obligations: the rulebook on one case bundle file, no database.
 * The output is the contract of ../shared/case-bundle.md ("Output of
 * casekeeper obligations"), pretty-printed so a person can read it and diff it. */
#include "ck_bundle.h"
#include "ck_cal.h"
#include "ck_cli.h"
#include "ck_rulecfg.h"
#include "ck_rules.h"
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
            "output. FILE may be - for standard input.\n"
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
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        ck_cli_error(CMD, "%s: %s", path, strerror(errno));
        return false;
    }
    ck_buf_init(out, INPUT_LIMIT);
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (!ck_buf_append(out, chunk, n)) break;
    int read_errno = ferror(f) ? errno : 0;
    if (!is_stdin) fclose(f);
    if (out->overflowed) {
        ck_cli_error(CMD, "%s: larger than %zu MiB; expected one case bundle", input_name(path), INPUT_LIMIT >> 20);
        return false;
    }
    if (read_errno) {
        ck_cli_error(CMD, "%s: %s", input_name(path), strerror(read_errno));
        return false;
    }
    return true;
}

typedef struct options {
    ck_date as_of;
    bool has_as_of, all;
    const char *holidays, *config, *file;
} options;

/* 0 to go on, else the exit status (help printed: 0; bad usage: 2). */
static int parse_options(int argc, char **argv, options *o, bool *done)
{
    *done = false;
    bool positional_only = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (positional_only || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->file) {
                ck_cli_error(CMD, "expected one FILE, got \"%s\" and \"%s\"", o->file, a);
                return 2;
            }
            o->file = a;
        } else if (strcmp(a, "--") == 0) {
            positional_only = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            *done = true;
            return 0;
        } else if (strcmp(a, "--all") == 0) {
            o->all = true;
        } else if (strcmp(a, "--as-of") == 0 || strcmp(a, "--bank-holidays") == 0 || strcmp(a, "--rules-config") == 0) {
            if (i + 1 >= argc) {
                ck_cli_error(CMD, "%s: expected a value", a);
                return 2;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--as-of") == 0) {
                if (!ck_cli_parse_date(CMD, a, v, &o->as_of)) return 2;
                o->has_as_of = true;
            } else if (strcmp(a, "--bank-holidays") == 0) {
                o->holidays = v;
            } else {
                o->config = v;
            }
        } else {
            ck_cli_error(CMD, "unknown option \"%s\" (casekeeper %s --help lists them)", a, CMD);
            return 2;
        }
    }
    if (!o->has_as_of) {
        ck_cli_error(CMD, "--as-of DATE is required");
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    if (!o->file) {
        ck_cli_error(CMD, "expected a bundle FILE (- for standard input)");
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    return 0;
}

int ck_cmd_obligations(int argc, char **argv)
{
    options o = {0};
    bool done;
    int rc = parse_options(argc, argv, &o, &done);
    if (rc || done) return rc;

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

    ck_result *r = ck_rules_evaluate(c, o.as_of, own_cal ? own_cal : ck_calendar_default(),
                                     own_cfg ? own_cfg : ck_rulecfg_default());
    json_t *j = ck_result_to_json(c->crn, o.as_of, r, o.all);
    ck_result_free(r);
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
