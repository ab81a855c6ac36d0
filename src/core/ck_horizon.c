/* ck_horizon: see ck_horizon.h. */
#include "ck_horizon.h"
#include <stdint.h>

void ck_horizon_note(ck_date *next, ck_date as_of, ck_date d)
{
    if (d == CK_NODATE || d <= as_of) return;
    if (*next == CK_NODATE || d < *next) *next = d;
}

/* why (NULL: not wanted) gets the entity and key of the field that gave the
 * earliest date so far. */
static void walk(const ck_entity *e, const void *rec, ck_date as_of, ck_date *next, const char **why_e,
                 const char **why_k, bool *why_today)
{
    for (size_t i = 0; i < e->n_fields; i++) {
        const ck_field *f = &e->fields[i];
        const char *at = (const char *)rec + f->off;
        if (f->type == CK_F_DATE) {
            ck_date d = *(const ck_date *)at;
            if (d == CK_NODATE || d < as_of) continue;
            ck_date was = *next;
            ck_horizon_note(next, as_of, d > as_of ? d : as_of + 1);
            if (why_e && *next != was) *why_e = e->name, *why_k = f->key, *why_today = d == as_of;
        } else if (f->type == CK_F_OBJ) {
            if (f->aux_off != SIZE_MAX && !*(const bool *)((const char *)rec + f->aux_off)) continue;
            walk(f->sub, at, as_of, next, why_e, why_k, why_today);
        } else if (f->type == CK_F_LIST) {
            const char *items = *(const char *const *)at;
            size_t n = *(const size_t *)((const char *)rec + f->aux_off);
            for (size_t k = 0; k < n; k++) walk(f->sub, items + k * f->sub->size, as_of, next, why_e, why_k, why_today);
        }
    }
}

ck_date ck_horizon_facts(const ck_case *c, ck_date as_of)
{
    ck_date next = CK_NODATE;
    walk(&ck_entity_case, c, as_of, &next, NULL, NULL, NULL);
    return next;
}

ck_date ck_horizon_facts_why(const ck_case *c, ck_date as_of, const char **entity, const char **key, bool *today)
{
    ck_date next = CK_NODATE;
    *entity = *key = NULL;
    *today = false;
    walk(&ck_entity_case, c, as_of, &next, entity, key, today);
    return next;
}

ck_date ck_horizon_never(void) { return ck_date_ymd(CK_HORIZON_NEVER_Y, 12, 31); }

ck_date ck_horizon_case(const ck_case *c, ck_date as_of, const ck_result *r, const ck_wprofile *p)
{
    ck_date next = ck_horizon_facts(c, as_of);
    if (r) ck_horizon_note(&next, as_of, r->changes_on);
    if (p) ck_horizon_note(&next, as_of, p->changes_on);
    ck_date never = ck_horizon_never();
    return next == CK_NODATE || next > never ? never : next;
}
