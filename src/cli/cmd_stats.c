/* casekeeper stats: obligation counts, on-time rates and the practice
 * indicators from the stored obligations (store/ck_stats), as a table for a
 * terminal or as JSON. */
#include "ck_cases.h"
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_stats.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define CMD "stats"
#define ON_TIME_FORMULA "met / (met + met_late + overdue)"
#define ON_TIME_WHY                                                                                        \
    "the share met on time of the obligations met or past due; open ones (not met, not yet due) are left "   \
    "out, as they may yet be met on time"
#define ON_TIME_DEFINITION ON_TIME_FORMULA ": " ON_TIME_WHY
#define HELP_WIDTH 80

/* text from column `indent`, in lines of at most HELP_WIDTH, the first line
 * already begun at column `at`. */
static void wrap(FILE *to, const char *text, int indent, int at)
{
    for (const char *p = text; *p;) {
        int n = (int)strcspn(p, " ");
        if (at > indent && at + 1 + n > HELP_WIDTH) {
            fprintf(to, "\n%*s", indent, "");
            at = indent;
        } else if (at > indent) {
            fputc(' ', to);
            at++;
        }
        fprintf(to, "%.*s", n, p);
        at += n;
        p += n;
        p += *p == ' ';
    }
    fputc('\n', to);
}

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Counts the stored obligations by rule, for all PDUs and for each PDU: total, met\n"
            "on time, met late, open (not met, due on or after DATE) and overdue (not met, due\n"
            "before DATE), and the on-time rate, " ON_TIME_FORMULA ":\n");
    wrap(to, ON_TIME_WHY ".", 0, 0);
    fprintf(to, "Each PDU's cases are counted as every page counts them:\n");
    wrap(to, CK_PDU_CASES_MEANING, 0, 0);
    fprintf(to, "Then the practice indicators, the rates `casekeeper generate --param` sets:\n\n");
    for (size_t p = 0; p < CK_PRACTICE_N; p++) {
        fprintf(to, "  %-24s ", ck_practice_defs[p].name);
        wrap(to, ck_practice_defs[p].meaning, 27, 27);
    }
    fprintf(to,
            "\n"
            "Statuses are those stored at the last write or recompute of each case; DATE only\n"
            "decides open versus overdue, so run it at the date of the last recompute (the\n"
            "default) or recompute first.\n"
            "\n"
            "  --db URL          sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "                    sqlite:casekeeper.db)\n"
            "  --as-of DATE      default: the date of the last recompute, else today\n"
            "  --pdu CODE        one PDU only\n"
            "  --format F        table (default) or json\n"
            "\n"
            "Exit status: 0 printed; 1 the database failed; 2 bad options or an unknown PDU.\n");
}

/* ---- Table ------------------------------------------------------------------------ */

static void rate_cell(FILE *out, double r)
{
    if (r < 0) fprintf(out, " %8s", "-");
    else fprintf(out, " %7.1f%%", 100 * r);
}

static void counts_row(FILE *out, const char *label, const ck_stats_counts *n)
{
    fprintf(out, "  %-20s %9zu %9zu %9zu %9zu %9zu", label, n->total, n->met, n->met_late, n->open, n->overdue);
    rate_cell(out, ck_stats_on_time_rate(n));
    fputc('\n', out);
}

static void group_table(FILE *out, const ck_stats_group *g)
{
    fprintf(out, "  Cases: %zu (%zu allocated, %zu unallocated)\n\n", g->cases.allocated + g->cases.unallocated,
            g->cases.allocated, g->cases.unallocated);
    fprintf(out, "  %-20s %9s %9s %9s %9s %9s %8s\n", "RULE", "TOTAL", "MET", "MET LATE", "OPEN", "OVERDUE", "ON TIME");
    for (size_t i = 0; i < g->n_rules; i++) counts_row(out, g->rules[i].rule, &g->rules[i].n);
    counts_row(out, "all rules", &g->all);
    fprintf(out, "\n  %-24s %8s %9s %9s  %s\n", "PRACTICE INDICATOR", "RATE", "AT FAULT", "OF", "COUNTING");
    for (size_t p = 0; p < CK_PRACTICE_N; p++) {
        fprintf(out, "  %-24s", ck_practice_defs[p].name);
        rate_cell(out, ck_practice_rate(&g->practice, (ck_practice_id)p));
        fprintf(out, " %9zu %9zu  %s\n", g->practice.num[p], g->practice.den[p],
                ck_practice_defs[p].per_case ? "cases" : "obligations");
    }
}

static void print_table(FILE *out, const ck_stats *s, const char *recomputed)
{
    char as_of[CK_DATE_STRLEN];
    fprintf(out, "Obligations at %s", ck_date_fmt(s->as_of, as_of));
    if (recomputed) fprintf(out, " (statuses as stored by the recompute of %s)", recomputed);
    fprintf(out, "\nOn time =");
    wrap(out, ON_TIME_DEFINITION ".", 0, 9);
    if (s->n_pdus != 1) {
        fprintf(out, "\nAll PDUs\n");
        group_table(out, &s->total);
    }
    for (size_t i = 0; i < s->n_pdus; i++) {
        const ck_stats_group *g = &s->pdus[i];
        if (g->pdu) fprintf(out, "\nPDU %s%s%s\n", g->pdu, g->name ? ": " : "", g->name ? g->name : "");
        else fprintf(out, "\nCases held by no known team\n");
        group_table(out, g);
    }
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_t *rate_json(double r) { return r < 0 ? json_null() : json_real(r); }

static json_t *counts_json(const ck_stats_counts *n)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "total", (json_int_t)n->total, "met", (json_int_t)n->met,
                     "met_late", (json_int_t)n->met_late, "open", (json_int_t)n->open, "overdue",
                     (json_int_t)n->overdue, "on_time_rate", rate_json(ck_stats_on_time_rate(n)));
}

static json_t *group_json(const ck_stats_group *g)
{
    json_t *rules = json_array(), *practice = json_array();
    for (size_t i = 0; i < g->n_rules; i++) {
        json_t *r = counts_json(&g->rules[i].n);
        json_object_set_new(r, "rule", json_string(g->rules[i].rule));
        json_array_append_new(rules, r);
    }
    for (size_t p = 0; p < CK_PRACTICE_N; p++)
        json_array_append_new(practice,
                              json_pack("{s:s, s:o, s:I, s:I, s:s}", "name", ck_practice_defs[p].name, "rate",
                                        rate_json(ck_practice_rate(&g->practice, (ck_practice_id)p)), "at_fault",
                                        (json_int_t)g->practice.num[p], "of", (json_int_t)g->practice.den[p],
                                        "counting", ck_practice_defs[p].per_case ? "cases" : "obligations"));
    json_t *cases = json_pack("{s:I, s:I, s:I}", "total", (json_int_t)(g->cases.allocated + g->cases.unallocated),
                              "allocated", (json_int_t)g->cases.allocated, "unallocated", (json_int_t)g->cases.unallocated);
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "pdu", g->pdu ? json_string(g->pdu) : json_null(), "name",
                     g->name ? json_string(g->name) : json_null(), "cases", cases, "all_rules", counts_json(&g->all),
                     "rules", rules, "practice", practice);
}

static bool print_json(FILE *out, const ck_stats *s, const char *recomputed)
{
    char as_of[CK_DATE_STRLEN];
    json_t *pdus = json_array(), *defs = json_object();
    for (size_t i = 0; i < s->n_pdus; i++) json_array_append_new(pdus, group_json(&s->pdus[i]));
    json_object_set_new(defs, "on_time_rate", json_string(ON_TIME_DEFINITION));
    json_object_set_new(defs, "cases", json_string(CK_PDU_CASES_MEANING));
    for (size_t p = 0; p < CK_PRACTICE_N; p++)
        json_object_set_new(defs, ck_practice_defs[p].name, json_string(ck_practice_defs[p].meaning));
    json_t *doc = json_pack("{s:s, s:o, s:o, s:o, s:o}", "as_of", ck_date_fmt(s->as_of, as_of), "recomputed_on",
                            recomputed ? json_string(recomputed) : json_null(), "definitions", defs, "total",
                            group_json(&s->total), "pdus", pdus);
    bool ok = json_dumpf(doc, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF;
    json_decref(doc);
    return ok;
}

/* ---- The command ------------------------------------------------------------------------ */

int ck_cmd_stats(int argc, char **argv)
{
    const char *db_opt = NULL, *as_of_s = NULL, *pdu = NULL, *format = "table";
    const ck_cli_optdef opts[] = {
        {"--db", .val = &db_opt}, {"--as-of", .val = &as_of_s}, {"--pdu", .val = &pdu}, {"--format", .val = &format}};
    int rc = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNKNOWN_ARG);
    if (rc != CK_CLI_GO) return rc;
    bool json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "table") != 0) {
        ck_cli_error(CMD, "--format: expected table or json, got \"%s\"", format);
        return 2;
    }
    ck_date as_of = CK_NODATE;
    if (as_of_s && !ck_cli_parse_date(CMD, "--as-of", as_of_s, &as_of)) return 2;

    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(db_opt));
    if (!db) return 1;
    char err[1024], recomputed_s[CK_DATE_STRLEN] = "";
    ck_date recomputed = CK_NODATE;
    ck_rc got = ck_cases_recomputed_on(db, &recomputed, err, sizeof err);
    if (got == CK_OK) ck_date_fmt(recomputed, recomputed_s);
    else if (got != CK_ERR_NOTFOUND) goto fail;
    if (as_of == CK_NODATE) as_of = recomputed != CK_NODATE ? recomputed : ck_date_today();
    else if (recomputed != CK_NODATE && as_of != recomputed)
        ck_cli_error(CMD, "note: obligations were last recomputed at %s; met and met-late are as of then",
                     recomputed_s);

    ck_stats *s = NULL;
    got = ck_stats_compute(db, as_of, pdu, &s, err, sizeof err);
    if (got != CK_OK) goto fail;
    ck_db_close(db);
    const char *rec = recomputed != CK_NODATE ? recomputed_s : NULL;
    bool ok = json ? print_json(stdout, s, rec) : (print_table(stdout, s, rec), true);
    ok = ok && fflush(stdout) == 0 && !ferror(stdout);
    ck_stats_free(s);
    if (!ok) ck_cli_error(CMD, "writing standard output: %s", strerror(errno));
    return ok ? 0 : 1;
fail:
    ck_cli_error(CMD, "%s", err);
    ck_db_close(db);
    return got == CK_ERR_DB ? 1 : 2;
}
