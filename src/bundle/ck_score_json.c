#include "ck_score_json.h"

json_t *ck_tier_to_json(const ck_tier *t)
{
    json_t *missing = json_array();
    for (size_t i = 0; i < t->missing.n; i++) json_array_append_new(missing, json_string(t->missing.item[i].input));
    const ck_tier_points *p = &t->points;
    json_t *points = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "rsr", p->rsr, "rosh", p->rosh,
                               "mappa", p->mappa, "complexity", p->complexity, "women", p->women, "protect",
                               p->protect, "needs", p->needs, "ogrs", p->ogrs, "iom", p->iom, "change", p->change);
    json_t *rosh = json_null();
    if (t->rosh.level) {
        char d[CK_DATE_STRLEN];
        rosh = json_pack("{s:s, s:s, s:s, s:s?}", "level", t->rosh.level, "date", ck_date_fmt(t->rosh.date, d), "from",
                         t->rosh.register_type ? "registration" : "assessment", "id", t->rosh.id);
    }
    char protect[2] = {t->protect, '\0'};
    return json_pack("{s:s, s:s, s:i, s:s, s:b, s:o, s:o, s:o}", "tier", t->tier, "protect", protect, "change",
                     t->change, "suffix", t->unsupervised ? "S" : "", "provisional", t->provisional, "missing",
                     missing, "points", points, "rosh", rosh);
}

json_t *ck_ogrs3_to_json(const ck_ogrs3 *o)
{
    if (o->status != CK_SCORE_OK) return json_null();
    return json_pack("{s:i, s:i, s:s}", "one_year", o->p1, "two_year", o->p2, "band", ck_ogrs3_band_name(o->band));
}

json_t *ck_missing_to_json(const ck_missing_list *m)
{
    json_t *a = json_array();
    for (size_t i = 0; i < m->n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "input", m->item[i].input, "why", m->item[i].why));
    return a;
}

void ck_scores_set_json(json_t *obj, const ck_tier *t)
{
    json_object_set_new(obj, "tier", ck_tier_to_json(t));
    json_object_set_new(obj, "ogrs3", ck_ogrs3_to_json(&t->ogrs3));
    if (t->ogrs3.status != CK_SCORE_OK) json_object_set_new(obj, "ogrs3_missing", ck_missing_to_json(&t->ogrs3.missing));
}
