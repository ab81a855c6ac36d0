/* casekeeper generate: Synthetic London, deterministic demo data (gen/ck_gen).
 * The same options always write byte-identical files. */
#include "ck_cli.h"
#include "ck_gen.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "generate"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Writes a synthetic probation service to DIR: organisation.jsonl and the people\n"
            "on probation as case bundles, %d a file (cases-001.jsonl, ...), in the formats of\n"
            "docs/formats.md, ready for `casekeeper import DIR`. Names, addresses and phone\n"
            "numbers are obviously synthetic.\n"
            "\n"
            "  --scale S        london (18 PDUs, %d people; default), national (12 regions,\n"
            "                   %d people) or a number of people in London's PDUs\n"
            "  --seed N         the seed (default 1): the same seed, date and options give\n"
            "                   byte-identical files\n"
            "  --as-of DATE     the date the data describes, YYYY-MM-DD (required)\n"
            "  --out DIR        where to write (required; created if missing)\n"
            "  --practice P     inspected (default): practice as HM Inspectorate of Probation\n"
            "                   found it in London; good: a well-run service, almost nothing overdue\n"
            "  --param N=V      set one practice rate (0 to 1); repeatable\n"
            "\n"
            "Practice parameters (default under --practice inspected; 0 under good):\n",
            CK_GEN_CASES_PER_FILE, CK_GEN_LONDON_CASES, CK_GEN_NATIONAL_CASES);
    for (size_t i = 0; i < CK_PRACTICE_N; i++) {
        const ck_practice_def *d = &ck_practice_defs[i];
        fprintf(to, "  %-24s %.2f  %s\n  %-24s       source: %s\n", d->name, ck_gen_params[i].inspected, d->meaning, "",
                ck_gen_params[i].source);
    }
    fprintf(to, "\nExit status: 0 written; 1 a file could not be written; 2 bad options.\n");
}

typedef struct options {
    const char *scale, *seed, *out, *practice;
    ck_date as_of;
    bool has_as_of;
    const char *params[CK_PRACTICE_N * 4];
    size_t n_params;
} options;

/* 0 to go on, else the exit status (help printed: 0; bad usage: 2). */
static int parse_options(int argc, char **argv, options *o, bool *done)
{
    *done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            *done = true;
            return 0;
        }
        static const char *const with_value[] = {"--scale", "--seed", "--as-of", "--out", "--practice", "--param"};
        bool known = false;
        for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++) known |= strcmp(a, with_value[k]) == 0;
        if (!known) {
            ck_cli_error(CMD, "unknown option \"%s\" (casekeeper %s --help lists them)", a, CMD);
            return 2;
        }
        if (i + 1 >= argc) {
            ck_cli_error(CMD, "%s: expected a value", a);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--scale") == 0) o->scale = v;
        else if (strcmp(a, "--seed") == 0) o->seed = v;
        else if (strcmp(a, "--out") == 0) o->out = v;
        else if (strcmp(a, "--practice") == 0) o->practice = v;
        else if (strcmp(a, "--as-of") == 0) {
            if (!ck_cli_parse_date(CMD, a, v, &o->as_of)) return 2;
            o->has_as_of = true;
        } else {
            if (o->n_params == sizeof o->params / sizeof *o->params) {
                ck_cli_error(CMD, "--param: too many (at most %zu)", o->n_params);
                return 2;
            }
            o->params[o->n_params++] = v;
        }
    }
    if (!o->has_as_of || !o->out) {
        ck_cli_error(CMD, "%s is required", !o->has_as_of ? "--as-of DATE" : "--out DIR");
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    if (o->practice && strcmp(o->practice, "inspected") != 0 && strcmp(o->practice, "good") != 0) {
        ck_cli_error(CMD, "--practice: expected inspected or good, got \"%s\"", o->practice);
        return 2;
    }
    return 0;
}

int ck_cmd_generate(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    bool done;
    int rc = parse_options(argc, argv, &o, &done);
    if (rc || done) return rc;

    ck_gen_options go;
    ck_gen_options_init(&go, o.practice && strcmp(o.practice, "good") == 0);
    go.as_of = o.as_of;
    char err[1024];
    if (o.scale && !ck_gen_parse_scale(&go, o.scale, err, sizeof err)) {
        ck_cli_error(CMD, "%s", err);
        return 2;
    }
    if (o.seed) {
        char *end = NULL;
        errno = 0;
        unsigned long long s = o.seed[0] >= '0' && o.seed[0] <= '9' ? strtoull(o.seed, &end, 10) : 0;
        if (!end || *end || errno) {
            ck_cli_error(CMD, "--seed: expected a whole number from 0 to 18446744073709551615, got \"%s\"", o.seed);
            return 2;
        }
        go.seed = s;
    }
    for (size_t i = 0; i < o.n_params; i++)
        if (!ck_gen_parse_param(&go, o.params[i], err, sizeof err)) {
            ck_cli_error(CMD, "%s", err);
            return 2;
        }

    ck_gen *g = ck_gen_new(&go);
    bool ok = ck_gen_write_dir(g, o.out, err, sizeof err);
    if (!ok) ck_cli_error(CMD, "%s", err);
    else {
        const ck_gen_org *org = ck_gen_organisation(g);
        size_t n = ck_gen_case_count(g);
        fprintf(stderr,
                "casekeeper %s: wrote %s: %zu regions, %zu PDUs, %zu teams, %zu staff, %zu vacancies, "
                "%zu cases in %zu files\n",
                CMD, o.out, org->n_regions, org->n_pdus, org->n_teams, org->n_staff, org->n_vacancies, n,
                (n + CK_GEN_CASES_PER_FILE - 1) / CK_GEN_CASES_PER_FILE);
    }
    ck_gen_free(g);
    return ok ? 0 : 1;
}
