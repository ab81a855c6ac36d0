#include "ck_staffing.h"
#include "ck_str.h"

/* The one over-capacity rule, for a member and for a group. */
static bool over(bool capacity_known, int capacity_permille)
{
    return capacity_known && capacity_permille > CK_STAFFING_OVER_PERMILLE;
}

bool ck_staffing_over(const ck_wmt *w) { return over(w->capacity_known, w->capacity_permille); }

void ck_staffing_add(ck_staffing *g, const char *status, bool agency, double fte, size_t cases, const ck_wmt *w)
{
    g->cases += cases;
    if (ck_streq(status, "left")) {
        g->left++;
        return;
    }
    if (ck_streq(status, "long_term_absence")) g->long_term_absence++;
    else {
        g->in_post++;
        g->fte_in_post += fte;
        if (ck_staffing_over(w)) g->over_members++;
    }
    if (agency) g->agency++;
    g->points += w->total_points;
    if (w->capacity_known) g->available_points += w->available_points;
}

void ck_staffing_merge(ck_staffing *g, const ck_staffing *part)
{
    g->in_post += part->in_post;
    g->agency += part->agency;
    g->long_term_absence += part->long_term_absence;
    g->left += part->left;
    g->fte_in_post += part->fte_in_post;
    g->cases += part->cases;
    g->points += part->points;
    g->available_points += part->available_points;
    g->over_members += part->over_members;
}

void ck_staffing_finish(ck_staffing *g)
{
    g->capacity_known = g->available_points > 0;
    g->capacity_permille = 0;
    if (g->capacity_known) g->capacity_permille = ck_wmt_capacity_permille(g->points, g->available_points);
    g->over = over(g->capacity_known, g->capacity_permille);
}
