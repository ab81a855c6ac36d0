#include "ck_alloc.h"
#include "ck_facts.h"
#include "ck_str.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROSH 3  /* very_high */
#define MAX_MAPPA 3 /* M3, the last of ck_vocab_mappa_level */

static const char GRADES_KEY[] = "allocate.grades";
static const char ROSH_PREFIX[] = "allocate.max_rosh.";
static const char MAPPA_PREFIX[] = "allocate.max_mappa.";

/* The entry for grade g[0..n), added (unlimited, not holding cases) when
 * absent; NULL when the table is full or the name too long. */
static ck_alloc_grade *grade_slot(ck_alloc_rules *r, const char *g, size_t n)
{
    for (size_t i = 0; i < r->n; i++)
        if (strlen(r->grades[i].grade) == n && memcmp(r->grades[i].grade, g, n) == 0) return &r->grades[i];
    if (r->n == CK_ALLOC_MAX_GRADES || n == 0 || n >= sizeof r->grades[0].grade) return NULL;
    ck_alloc_grade *s = &r->grades[r->n++];
    memset(s, 0, sizeof *s);
    memcpy(s->grade, g, n);
    s->max_rosh = MAX_ROSH;
    s->max_mappa = MAX_MAPPA;
    return s;
}

static const ck_alloc_grade *grade_find(const ck_alloc_rules *r, const char *g)
{
    for (size_t i = 0; g && i < r->n; i++)
        if (strcmp(r->grades[i].grade, g) == 0) return &r->grades[i];
    return NULL;
}

/* "none" (or NULL) 0, then 1 up for each of ck_vocab_mappa_level; -1
 * otherwise. */
static int mappa_rank(const char *level)
{
    if (!level || strcmp(level, "none") == 0) return 0;
    for (int i = 0; ck_vocab_mappa_level[i]; i++)
        if (strcmp(level, ck_vocab_mappa_level[i]) == 0) return i + 1;
    return -1;
}

static bool bad(char *err, size_t err_len, const char *key, const char *what)
{
    snprintf(err, err_len, "%s: expected %s", key, what);
    return false;
}

bool ck_alloc_rules_set(ck_alloc_rules *r, const char *key, const char *value, char *err, size_t err_len)
{
    if (strncmp(key, "allocate.", 9) != 0) return true;
    if (strcmp(key, GRADES_KEY) == 0) {
        for (size_t i = 0; i < r->n; i++) r->grades[i].holds_cases = false;
        ck_str rest = ck_str_c(value), word;
        bool any = false;
        while (rest.p) {
            rest = ck_str_cut(rest, ' ', &word);
            if (word.n == 0) continue;
            ck_alloc_grade *g = grade_slot(r, word.p, word.n);
            if (!g) return bad(err, err_len, key, "grade names separated by spaces (at most 8, each under 16 bytes)");
            g->holds_cases = true;
            any = true;
        }
        return any ? true : bad(err, err_len, key, "at least one grade, e.g. \"PO PQiP PSO\"");
    }
    bool rosh = strncmp(key, ROSH_PREFIX, sizeof ROSH_PREFIX - 1) == 0;
    bool mappa = strncmp(key, MAPPA_PREFIX, sizeof MAPPA_PREFIX - 1) == 0;
    if (!rosh && !mappa)
        return bad(err, err_len, key, "one of allocate.grades, allocate.max_rosh.GRADE, allocate.max_mappa.GRADE");
    const char *grade = key + (rosh ? sizeof ROSH_PREFIX : sizeof MAPPA_PREFIX) - 1;
    ck_alloc_grade *g = grade_slot(r, grade, strlen(grade));
    if (!g) return bad(err, err_len, key, "a grade name under 16 bytes (at most 8 grades)");
    if (rosh) {
        int k = ck_rosh_rank(value);
        if (k < 0) return bad(err, err_len, key, "low, medium, high or very_high");
        g->max_rosh = k;
    } else {
        int k = mappa_rank(value);
        if (k < 0) return bad(err, err_len, key, "none, M1, M2 or M3");
        g->max_mappa = k;
    }
    return true;
}

bool ck_alloc_grade_allows(const ck_alloc_rules *r, const char *grade, const char *rosh, const char *mappa_level,
                           char *why, size_t why_len)
{
    char scratch[8];
    if (!why) {
        why = scratch;
        why_len = sizeof scratch;
    }
    const ck_alloc_grade *g = grade_find(r, grade);
    if (!g || !g->holds_cases) {
        snprintf(why, why_len, "grade %s does not hold cases (setting allocate.grades)", grade ? grade : "(none)");
        return false;
    }
    if ((rosh ? ck_rosh_rank(rosh) : 0) > g->max_rosh) {
        snprintf(why, why_len, "RoSH %s is above what grade %s may hold (setting allocate.max_rosh.%s)", rosh, grade,
                 grade);
        return false;
    }
    if (mappa_rank(mappa_level) > g->max_mappa) {
        snprintf(why, why_len, "MAPPA level %s is above what grade %s may hold (setting allocate.max_mappa.%s)",
                 mappa_level, grade, grade);
        return false;
    }
    return true;
}

const char *ck_alloc_locality_name(ck_alloc_locality l)
{
    static const char *const names[] = {"team", "office", "pdu", "elsewhere"};
    return (unsigned)l <= CK_ALLOC_ELSEWHERE ? names[l] : "elsewhere";
}

static ck_alloc_locality locality_of(const ck_alloc_case *c, const ck_alloc_candidate *p)
{
    if (ck_streq(c->team, p->team)) return CK_ALLOC_SAME_TEAM;
    if (ck_streq(c->office, p->office) && ck_streq(c->pdu, p->pdu)) return CK_ALLOC_SAME_OFFICE;
    if (ck_streq(c->pdu, p->pdu)) return CK_ALLOC_SAME_PDU;
    return CK_ALLOC_ELSEWHERE;
}

/* Cases planned onto each candidate beyond their own (ck_alloc_plan). */
typedef struct extra {
    ck_wmt_case *cases;
    size_t n;
} extra;

/* The candidate's workload with its planned cases and, when add is not
 * NULL, one more case. */
static void workload(const ck_alloc_candidate *p, const extra *x, const ck_wmt_case *add, ck_date as_of, ck_wmt *out)
{
    ck_wmt_input in = p->wmt;
    size_t more = (x ? x->n : 0) + (add ? 1 : 0);
    ck_wmt_case *all = NULL;
    if (more) {
        size_t n;
        if (!ck_add(in.n_cases, more, &n)) abort();
        all = ck_calloc(n, sizeof *all);
        if (in.n_cases) memcpy(all, in.cases, in.n_cases * sizeof *all);
        if (x && x->n) memcpy(all + in.n_cases, x->cases, x->n * sizeof *all);
        if (add) all[n - 1] = *add;
        in.cases = all;
        in.n_cases = n;
    }
    ck_wmt_compute(&in, as_of, out);
    ck_free(all);
}

static int choice_cmp(const void *a, const void *b, const ck_alloc_candidate *cands)
{
    const ck_alloc_choice *x = a, *y = b;
    if (x->over_after != y->over_after) return x->over_after ? 1 : -1;
    if (x->locality != y->locality) return x->locality < y->locality ? -1 : 1;
    if (x->capacity_after_permille != y->capacity_after_permille)
        return x->capacity_after_permille < y->capacity_after_permille ? -1 : 1;
    return strcmp(cands[x->candidate].staff_code, cands[y->candidate].staff_code);
}

/* Insertion sort: rankings are a team's or a PDU's practitioners, and it
 * needs the candidates for the final tie-break without a global. */
static void sort_choices(ck_alloc_choice *v, size_t n, const ck_alloc_candidate *cands)
{
    for (size_t i = 1; i < n; i++) {
        ck_alloc_choice t = v[i];
        size_t j = i;
        while (j > 0 && choice_cmp(&v[j - 1], &t, cands) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = t;
    }
}

static void rank(const ck_alloc_rules *r, const ck_alloc_case *c, const ck_alloc_candidate *cands, size_t n,
                 const extra *extras, ck_date as_of, ck_alloc_ranking *out)
{
    memset(out, 0, sizeof *out);
    out->choices = ck_calloc(n ? n : 1, sizeof *out->choices);
    out->excluded = ck_calloc(n ? n : 1, sizeof *out->excluded);
    for (size_t i = 0; i < n; i++) {
        const ck_alloc_candidate *p = &cands[i];
        ck_alloc_exclusion *ex = &out->excluded[out->n_excluded];
        ex->candidate = i;
        if (ck_streq(p->staff_code, c->from_staff)) {
            snprintf(ex->why, sizeof ex->why, "the case is being moved from %s", p->staff_code);
            out->n_excluded++;
            continue;
        }
        if (!p->in_post) {
            snprintf(ex->why, sizeof ex->why, "not in post (left or on long-term absence)");
            out->n_excluded++;
            continue;
        }
        if (!ck_alloc_grade_allows(r, p->grade, c->rosh, c->mappa_level, ex->why, sizeof ex->why)) {
            out->n_excluded++;
            continue;
        }
        const extra *x = extras ? &extras[i] : NULL;
        ck_wmt now, after;
        workload(p, x, NULL, as_of, &now);
        workload(p, x, c->has_wmt ? &c->wmt : NULL, as_of, &after);
        if (!after.capacity_known) {
            snprintf(ex->why, sizeof ex->why, "no capacity figure: %.120s", after.why);
            out->n_excluded++;
            continue;
        }
        ck_alloc_choice *ch = &out->choices[out->n++];
        ch->candidate = i;
        ch->locality = locality_of(c, p);
        ch->capacity_permille = now.capacity_permille;
        ch->capacity_after_permille = after.capacity_permille;
        ch->over_after = ck_staffing_over(&after);
        ch->points_after = after.total_points;
    }
    sort_choices(out->choices, out->n, cands);
}

void ck_alloc_rank(const ck_alloc_rules *r, const ck_alloc_case *c, const ck_alloc_candidate *cands, size_t n,
                   ck_date as_of, ck_alloc_ranking *out)
{
    rank(r, c, cands, n, NULL, as_of, out);
}

void ck_alloc_ranking_free(ck_alloc_ranking *out)
{
    ck_free(out->choices);
    ck_free(out->excluded);
    memset(out, 0, sizeof *out);
}

void ck_alloc_plan(const ck_alloc_rules *r, const ck_alloc_case *cases, size_t n_cases,
                   const ck_alloc_candidate *cands, size_t n_cands, ck_date as_of, size_t *pick, int *after)
{
    extra *extras = ck_calloc(n_cands ? n_cands : 1, sizeof *extras);
    for (size_t i = 0; i < n_cases; i++) {
        ck_alloc_ranking rk;
        rank(r, &cases[i], cands, n_cands, extras, as_of, &rk);
        pick[i] = rk.n ? rk.choices[0].candidate : SIZE_MAX;
        if (after) after[i] = rk.n ? rk.choices[0].capacity_after_permille : -1;
        if (rk.n && cases[i].has_wmt) {
            extra *x = &extras[pick[i]];
            x->cases = ck_realloc(x->cases, (x->n + 1) * sizeof *x->cases);
            x->cases[x->n++] = cases[i].wmt;
        }
        ck_alloc_ranking_free(&rk);
    }
    for (size_t i = 0; i < n_cands; i++) ck_free(extras[i].cases);
    ck_free(extras);
}
