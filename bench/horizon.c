/* bench/horizon: why the nightly recompute evaluates the cases it does
 * (issue 16 point 1). No I/O: generates N synthetic London cases (ck_gen,
 * seed 1) at AS_OF, evaluates each there, then walks DAYS days as the
 * nightly job would: a case is due on a day when its next change
 * (core/ck_horizon) has come; a due case is evaluated again and compared
 * with its last evaluation (obligations as stored, failures to comply, the
 * practitioner holding it, the workload profile). Tallies, by the source of
 * the date that made it due (a case field, a date the rules or the tier
 * worked out), how many cases came in and how many of them changed. Run
 * through bench/horizon.sh. */
#include "bench_cases.h"
#include "ck_case.h"
#include "ck_cal.h"
#include "ck_facts.h"
#include "ck_gen.h"
#include "ck_horizon.h"
#include "ck_rulecfg.h"
#include "ck_rules.h"
#include "ck_wprofile.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tally {
    char source[96];
    size_t due, changed;
} tally;

static tally tallies[256];
static size_t n_tallies;

static void count(const char *source, bool changed)
{
    size_t i = 0;
    while (i < n_tallies && strcmp(tallies[i].source, source) != 0) i++;
    if (i == n_tallies) {
        if (n_tallies == sizeof tallies / sizeof tallies[0]) abort();
        snprintf(tallies[n_tallies++].source, sizeof tallies[0].source, "%s", source);
    }
    tallies[i].due++;
    tallies[i].changed += changed;
}

static bool same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

/* What the store keeps of an evaluation (services/ck_cases, store/ck_store). */
typedef struct state {
    ck_result *r;
    ck_wprofile p;
    const char *staff;
    ck_date next;
    char why[96];
} state;

static void evaluate(const ck_case *c, ck_date as_of, const ck_calendar *cal, const ck_rules_config *cfg, state *s)
{
    s->r = ck_rules_evaluate(c, as_of, cal, cfg);
    ck_wprofile_of(c, as_of, cfg, &s->p);
    const ck_allocation *a = ck_allocation_current(c, as_of);
    s->staff = a ? a->staff_code : NULL;
    s->next = ck_horizon_case(c, as_of, s->r, &s->p);
    const char *e, *k;
    bool today;
    ck_date facts = ck_horizon_facts_why(c, as_of, &e, &k, &today);
    if (facts != CK_NODATE && facts == s->next)
        snprintf(s->why, sizeof s->why, "field %s.%s%s", e, k, today ? " (dated the evaluation day)" : "");
    else if (s->r->changes_on == s->next) snprintf(s->why, sizeof s->why, "rules (worked-out date)");
    else if (s->p.changes_on == s->next) snprintf(s->why, sizeof s->why, "tier (worked-out date)");
    else snprintf(s->why, sizeof s->why, "never");
}

/* The status as stored: open and overdue are one ("unmet"), decided when read. */
static int stored_status(ck_status s) { return s == CK_ST_OVERDUE ? CK_ST_OPEN : (int)s; }

static int by_key(const void *p, const void *q)
{
    const ck_obligation *x = p, *y = q;
    int c = strcmp(x->rule, y->rule);
    return c ? c : strcmp(x->subject, y->subject);
}

/* What first differs as the store would see it (a rule ID, "obligations",
 * "ftc", "holder", "profile"); NULL: nothing. Sorts both results' obligations
 * by rule and subject, as the store matches them. */
static const char *differs(const state *a, const state *b)
{
    qsort(a->r->obligations, a->r->n_obligations, sizeof *a->r->obligations, by_key);
    qsort(b->r->obligations, b->r->n_obligations, sizeof *b->r->obligations, by_key);
    for (size_t i = 0; i < a->r->n_obligations && i < b->r->n_obligations; i++) {
        const ck_obligation *x = &a->r->obligations[i], *y = &b->r->obligations[i];
        if (x->due != y->due || x->met_on != y->met_on || x->severity != y->severity ||
            stored_status(x->status) != stored_status(y->status) || strcmp(x->rule, y->rule) != 0 ||
            strcmp(x->subject, y->subject) != 0 || !same_str(x->explain ? x->explain : "", y->explain ? y->explain : ""))
            return y->rule;
    }
    if (a->r->n_obligations != b->r->n_obligations) return "obligations";
    if (a->r->n_ftc != b->r->n_ftc) return "ftc";
    for (size_t i = 0; i < a->r->n_ftc; i++)
        if (a->r->ftc[i].count != b->r->ftc[i].count || a->r->ftc[i].since != b->r->ftc[i].since ||
            !same_str(a->r->ftc[i].event, b->r->ftc[i].event))
            return "ftc";
    const ck_wprofile *p = &a->p, *q = &b->p;
    if (!same_str(a->staff, b->staff)) return "holder";
    return strcmp(p->tier, q->tier) == 0 &&
           strcmp(p->tier_missing, q->tier_missing) == 0 && p->has_type == q->has_type &&
           (!p->has_type || p->type == q->type) && strcmp(p->rosh, q->rosh) == 0 && strcmp(p->mappa, q->mappa) == 0 &&
                   strcmp(p->reports, q->reports) == 0 && p->complete == q->complete
               ? NULL
               : "profile";
}

static int by_due(const void *a, const void *b)
{
    const tally *x = a, *y = b;
    return x->due != y->due ? (x->due > y->due ? -1 : 1) : strcmp(x->source, y->source);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 38590;
    int days = argc > 2 ? atoi(argv[2]) : 7;
    ck_date as_of = CK_NODATE;
    if (argc > 3 && !ck_date_parse(argv[3], strlen(argv[3]), &as_of)) as_of = CK_NODATE;
    if (as_of == CK_NODATE) as_of = ck_date_ymd(2026, 11, 22);
    if (n == 0 || days <= 0) {
        fprintf(stderr, "usage: horizon [CASES [DAYS [AS_OF]]]\n");
        return 2;
    }
    ck_gen *g;
    ck_case **cases = bench_cases(n, as_of, &g);
    const ck_calendar *cal = ck_calendar_default();
    const ck_rules_config *cfg = ck_rulecfg_default();
    state *st = calloc(n, sizeof *st);
    if (!st) abort();
    for (size_t i = 0; i < n; i++) {
        evaluate(cases[i], as_of, cal, cfg, &st[i]);
    }
    bool check = getenv("HORIZON_CHECK") != NULL;
    size_t total_missed = 0;
    for (int d = 1; d <= days; d++) {
        ck_date day = as_of + d;
        size_t due = 0, changed = 0;
        size_t missed = 0;
        for (size_t i = 0; i < n; i++) {
            if (st[i].next > day) {
                /* HORIZON_CHECK: a case not due must not have changed (a next
                 * change later than it should be is a bug). */
                if (!check) continue;
                state fresh;
                evaluate(cases[i], day, cal, cfg, &fresh);
                const char *what = differs(&st[i], &fresh);
                if (what && missed++ < 5) {
                    char ds[CK_DATE_STRLEN];
                    printf("MISSED: case %s changed on %s (%s) but was not due; last evaluated for %s\n",
                           cases[i]->crn, ck_date_fmt(day, ds), what, st[i].why);
                }
                ck_result_free(fresh.r);
                continue;
            }
            state fresh;
            evaluate(cases[i], day, cal, cfg, &fresh);
            const char *what = differs(&st[i], &fresh);
            bool ch = what != NULL;
            count(st[i].why, ch);
            if (ch && getenv("HORIZON_WHAT")) {
                char both[200];
                snprintf(both, sizeof both, "%s -> %s", st[i].why, what);
                count(both, true);
            }
            due++;
            changed += ch;
            ck_result_free(st[i].r);
            st[i] = fresh;
        }
        char ds[CK_DATE_STRLEN];
        printf("day %d (%s): %zu due, %zu changed%s\n", d, ck_date_fmt(day, ds), due, changed,
               check ? (missed ? ", MISSED CHANGES" : ", none missed") : "");
        total_missed += missed;
    }
    qsort(tallies, n_tallies, sizeof tallies[0], by_due);
    printf("%zu cases, %d days from %s; due and changed by the source of the date that made them due:\n", n, days,
           argv[3] ? argv[3] : "2026-11-22");
    for (size_t i = 0; i < n_tallies; i++)
        printf("  %7zu due %7zu changed  %s\n", tallies[i].due, tallies[i].changed, tallies[i].source);
    for (size_t i = 0; i < n; i++) {
        ck_result_free(st[i].r);
        ck_case_free(cases[i]);
    }
    free(cases);
    free(st);
    ck_gen_free(g);
    return total_missed ? 1 : 0;
}
