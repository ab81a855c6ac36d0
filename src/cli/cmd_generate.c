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
    const char *params[CK_PRACTICE_N * 4];
    size_t n_params;
} options;

/* CK_CLI_GO to go on, else the exit status (help printed: 0; bad usage: 2). */
static int parse_options(int argc, char **argv, options *o)
{
    const char *as_of = NULL;
    const ck_cli_optdef opts[] = {
        {"--scale", .val = &o->scale},
        {"--seed", .val = &o->seed},
        {"--as-of", .val = &as_of, .parse = ck_cli_opt_date, .out = &o->as_of},
        {"--out", .val = &o->out},
        {"--practice", .val = &o->practice},
        {"--param", .list = o->params, .n = &o->n_params, .max = sizeof o->params / sizeof *o->params}};
    int rc = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNKNOWN_OPTION);
    if (rc != CK_CLI_GO) return rc;
    if (!as_of || !o->out) {
        ck_cli_error(CMD, "%s is required", !as_of ? "--as-of DATE" : "--out DIR");
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    if (o->practice && strcmp(o->practice, "inspected") != 0 && strcmp(o->practice, "good") != 0) {
        ck_cli_error(CMD, "--practice: expected inspected or good, got \"%s\"", o->practice);
        return 2;
    }
    return CK_CLI_GO;
}

int ck_cmd_generate(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    int rc = parse_options(argc, argv, &o);
    if (rc != CK_CLI_GO) return rc;

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
