/* ck_manage_json: see ck_manage_json.h. */
#include "ck_manage_json.h"
#include "ck_str.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *jdate(ck_date d)
{
    char s[CK_DATE_STRLEN];
    return d == CK_NODATE ? json_null() : json_string(ck_date_fmt(d, s));
}

static json_t *jtext(const char *s) { return s ? json_string(s) : json_null(); }

/* ---- Inspection ------------------------------------------------------------------ */

static json_t *pct_json(const ck_met_count *c)
{
    double v = ck_met_pct(c);
    return v < 0 ? json_null() : json_real(v);
}

json_t *ck_inspection_to_json(const ck_inspection *x)
{
    json_t *j = json_object();
    json_object_set_new(j, x->pdu ? "pdu" : "region", json_string(x->pdu ? x->pdu : x->region));
    json_object_set_new(j, "name", jtext(x->name));
    if (x->pdu) json_object_set_new(j, "region", jtext(x->region));
    json_object_set_new(j, "from", jdate(x->period.from));
    json_object_set_new(j, "to", jdate(x->period.to));
    json_object_set_new(j, "as_of", jdate(x->period.as_of));
    json_object_set_new(j, "cases", json_integer((json_int_t)x->cases));
    json_t *stds = json_array();
    for (int s = 0; s < CK_STANDARDS; s++) {
        const ck_standard_score *ss = &x->score.standards[s];
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(ck_standard_key((ck_standard)s)));
        json_object_set_new(o, "title", json_string(ck_standard_title((ck_standard)s)));
        json_object_set_new(o, "kind", json_string(ck_standard_is_case((ck_standard)s) ? "case" : "organisational"));
        json_object_set_new(o, "rating", ss->rated ? json_string(ck_rating_name(ss->rating)) : json_null());
        json_object_set_new(o, "points", json_integer(ss->rated ? (json_int_t)ss->rating : 0));
        if (ck_standard_is_case((ck_standard)s)) {
            json_object_set_new(o, "lowest_key_question",
                                ss->lowest_measure >= 0 ? json_string(ck_measures[ss->lowest_measure].key) : json_null());
            json_t *kq = json_array();
            for (int m = 0; m < CK_MEASURES; m++) {
                if ((int)ck_measures[m].standard != s) continue;
                json_t *q = json_object();
                json_object_set_new(q, "key", json_string(ck_measures[m].key));
                json_object_set_new(q, "title", json_string(ck_measures[m].title));
                json_object_set_new(q, "met", json_integer(x->score.measures[m].met));
                json_object_set_new(q, "counted", json_integer(x->score.measures[m].counted));
                json_object_set_new(q, "unit", json_string(ck_measures[m].kind == CK_MEASURE_CONTACT_DAYS ? "case_days"
                                                                                                        : "obligations"));
                json_object_set_new(q, "percent", pct_json(&x->score.measures[m]));
                json_array_append_new(kq, q);
            }
            json_object_set_new(o, "key_questions", kq);
        } else if (x->pdu) {
            const ck_org_entry *e = &x->org[s];
            json_object_set_new(o, "evidence", e->set ? jtext(e->evidence) : json_null());
            json_object_set_new(o, "entered_by", e->set ? jtext(e->entered_by) : json_null());
            json_object_set_new(o, "entered_on", e->set ? jdate(e->entered_on) : json_null());
        }
        json_array_append_new(stds, o);
    }
    json_object_set_new(j, "standards", stds);
    json_object_set_new(j, "points", json_integer(x->score.points));
    json_object_set_new(j, "max_points", json_integer(CK_INSPECT_MAX_POINTS));
    json_object_set_new(j, "band", json_string(ck_rating_name(x->score.band)));
    json_object_set_new(j, "unrated", json_integer(x->score.unrated));
    return j;
}

char *ck_inspection_snapshot_text(const ck_inspection *x)
{
    json_t *j = ck_inspection_to_json(x);
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return text;
}

static ck_date date_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    ck_date d = CK_NODATE;
    if (s) ck_date_parse(s, strlen(s), &d);
    return d;
}

static const char *text_of(ck_arena *a, const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? ck_arena_strdup(a, s) : NULL;
}

ck_inspection *ck_inspection_from_snapshot(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    json_t *stds = json_object_get(j, "standards");
    if (!json_is_array(stds) || json_array_size(stds) != CK_STANDARDS) {
        json_decref(j);
        return NULL;
    }
    ck_inspection *x = ck_calloc(1, sizeof *x);
    ck_arena_init(&x->arena);
    x->pdu = text_of(&x->arena, j, "pdu");
    x->region = text_of(&x->arena, j, "region");
    x->name = text_of(&x->arena, j, "name");
    x->period = (ck_inspect_period){date_of(j, "from"), date_of(j, "to"), date_of(j, "as_of")};
    x->cases = (size_t)json_integer_value(json_object_get(j, "cases"));
    x->score.points = (int)json_integer_value(json_object_get(j, "points"));
    x->score.unrated = (int)json_integer_value(json_object_get(j, "unrated"));
    ck_rating_parse(json_string_value(json_object_get(j, "band")), &x->score.band);
    for (int s = 0; s < CK_STANDARDS; s++) {
        const json_t *o = json_array_get(stds, (size_t)s);
        ck_standard_score *ss = &x->score.standards[s];
        ss->rated = ck_rating_parse(json_string_value(json_object_get(o, "rating")), &ss->rating);
        ss->lowest_measure = ck_measure_find(json_string_value(json_object_get(o, "lowest_key_question")));
        size_t i;
        const json_t *q;
        json_array_foreach(json_object_get(o, "key_questions"), i, q)
        {
            int m = ck_measure_find(json_string_value(json_object_get(q, "key")));
            if (m < 0) continue;
            x->score.measures[m].met = json_integer_value(json_object_get(q, "met"));
            x->score.measures[m].counted = json_integer_value(json_object_get(q, "counted"));
        }
        if (s < CK_ORG_STANDARDS && json_is_string(json_object_get(o, "evidence")))
            x->org[s] = (ck_org_entry){ss->rated, ss->rating, text_of(&x->arena, o, "evidence"),
                                       text_of(&x->arena, o, "entered_by"), date_of(o, "entered_on")};
    }
    json_decref(j);
    return x;
}

json_t *ck_inspection_failures_json(const ck_failure_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const ck_inspection_failure *f = &l->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "crn", jtext(f->crn));
        json_object_set_new(o, "forename", jtext(f->forename));
        json_object_set_new(o, "surname", jtext(f->surname));
        json_object_set_new(o, "staff_code", jtext(f->staff_code));
        json_object_set_new(o, "rule", json_string(f->rule));
        json_object_set_new(o, "subject", jtext(f->subject));
        json_object_set_new(o, "due", jdate(f->due));
        json_object_set_new(o, "met_on", jdate(f->met_on));
        json_object_set_new(o, "status", json_string(ck_status_name(f->status)));
        json_object_set_new(o, "explanation", jtext(f->explanation));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* {month, source, points, band, standards: {key: rating|null}} from a full report. */
static json_t *history_row(const char *month, const char *source, json_t *report)
{
    json_t *row = json_object();
    json_object_set_new(row, "month", json_string(month));
    json_object_set_new(row, "source", json_string(source));
    json_object_set(row, "points", json_object_get(report, "points"));
    json_object_set(row, "band", json_object_get(report, "band"));
    json_t *stds = json_object();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(report, "standards"), i, s)
        json_object_set(stds, json_string_value(json_object_get(s, "key")), json_object_get(s, "rating"));
    json_object_set_new(row, "standards", stds);
    return row;
}

json_t *ck_inspection_history_json(const ck_inspection_months *h)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < h->n; i++) {
        const ck_inspection_month *m = &h->months[i];
        json_t *report = m->computed ? ck_inspection_to_json(m->computed)
                         : m->snapshot ? json_loads(m->snapshot, 0, NULL)
                                       : NULL;
        if (!report) continue;
        json_array_append_new(arr, history_row(m->month, m->computed ? "computed" : "snapshot", report));
        json_decref(report);
    }
    return arr;
}

/* ---- Quality-assurance case audit ---------------------------------------------------- */

static json_t *judgement_json(ck_qa_judgement j)
{
    return j == CK_QA_NONE ? json_null() : json_boolean(j == CK_QA_SUFFICIENT);
}

json_t *ck_qa_report_to_json(const ck_qa_sample_report *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "sample_id", json_integer(r->sample_id));
    json_object_set_new(j, "pdu", json_string(r->pdu));
    json_object_set_new(j, "seed", json_integer(r->seed));
    json_object_set_new(j, "per_team", json_integer(r->per_team));
    json_object_set_new(j, "from", jdate(r->from));
    json_object_set_new(j, "to", jdate(r->to));
    json_t *cases = json_array();
    for (size_t i = 0; i < r->n_cases; i++) {
        const ck_qa_case *c = &r->cases[i];
        json_t *cur = json_object();
        json_object_set_new(cur, "crn", json_string(c->crn));
        json_object_set_new(cur, "team", jtext(c->team));
        json_t *answers = json_array();
        for (size_t k = 0; k < c->n_answers; k++) {
            const ck_qa_answer_row *a = &c->answers[k];
            bool known = a->computed != CK_QA_NONE;
            bool agree = known && (a->computed == CK_QA_SUFFICIENT) == a->auditor;
            json_t *o = json_object();
            json_object_set_new(o, "question", json_string(a->question));
            json_object_set_new(o, "auditor", json_boolean(a->auditor));
            json_object_set_new(o, "computed", judgement_json(a->computed));
            json_object_set_new(o, "agree", known ? json_boolean(agree) : json_null());
            json_object_set_new(o, "note", jtext(a->note));
            json_array_append_new(answers, o);
        }
        json_object_set_new(cur, "answers", answers);
        /* A case with no obligations in the period has no judgements at all. */
        json_t *computed = json_object();
        for (int s = CK_STD_ASSESSMENT; c->counted && s < CK_STANDARDS; s++)
            json_object_set_new(computed, ck_standard_key((ck_standard)s), judgement_json(c->computed[s]));
        json_object_set_new(cur, "computed", computed);
        json_array_append_new(cases, cur);
    }
    json_object_set_new(j, "cases", cases);
    json_object_set_new(j, "disagreements", json_integer((json_int_t)r->disagreements));
    return j;
}

json_t *ck_qa_disagreements(const json_t *report)
{
    json_t *out = json_array(), *c, *a;
    size_t i, k;
    json_array_foreach(json_object_get(report, "cases"), i, c)
    {
        json_array_foreach(json_object_get(c, "answers"), k, a)
        {
            if (!json_is_false(json_object_get(a, "agree"))) continue;
            json_t *d = json_object();
            json_object_set(d, "crn", json_object_get(c, "crn"));
            json_object_set(d, "team", json_object_get(c, "team"));
            json_object_set(d, "question", json_object_get(a, "question"));
            json_object_set(d, "auditor", json_object_get(a, "auditor"));
            json_object_set(d, "computed", json_object_get(a, "computed"));
            json_object_set(d, "note", json_object_get(a, "note"));
            json_array_append_new(out, d);
        }
    }
    return out;
}

json_t *ck_qa_samples_json(const ck_qa_sample_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const ck_qa_sample *s = &l->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "sample_id", json_integer(s->sample_id));
        json_object_set_new(o, "pdu", jtext(s->pdu));
        json_object_set_new(o, "seed", json_integer(s->seed));
        json_object_set_new(o, "per_team", json_integer(s->per_team));
        json_object_set_new(o, "from", jdate(s->from));
        json_object_set_new(o, "to", jdate(s->to));
        json_object_set_new(o, "drawn_by", jtext(s->drawn_by));
        json_object_set_new(o, "drawn_on", jdate(s->drawn_on));
        json_object_set_new(o, "cases", json_integer(s->cases));
        json_object_set_new(o, "answers", json_integer(s->answers));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* ---- CSV and terminal rows ------------------------------------------------------------------------ */

static void cell(ck_buf *out, bool table, bool first, int width, const char *v)
{
    if (table) {
        ck_buf_printf(out, first ? "%-*s" : " %-*s", width, v);
        return;
    }
    if (!first) ck_buf_putc(out, ',');
    ck_buf_escape(out, CK_ESC_CSV, v, strlen(v));
}

void ck_inspection_render(const ck_inspection *x, bool table, ck_buf *out)
{
    static const char *const head[] = {"unit", "standard", "key_question", "met", "counted", "percent", "rating", "points"};
    static const int width[] = {8, 24, 4, 7, 7, 7, 21, 6};
    const char *unit = x->pdu ? x->pdu : x->region;
    for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], head[k]);
    ck_buf_putc(out, '\n');
    for (int s = 0; s < CK_STANDARDS; s++) {
        const ck_standard_score *ss = &x->score.standards[s];
        char pts[8];
        snprintf(pts, sizeof pts, "%d", ss->rated ? (int)ss->rating : 0);
        const char *rating = ss->rated ? ck_rating_name(ss->rating) : "not_rated";
        bool any = false;
        for (int m = 0; m < CK_MEASURES; m++) {
            if ((int)ck_measures[m].standard != s) continue;
            any = true;
            char met[24], counted[24], pct[16] = "";
            snprintf(met, sizeof met, "%lld", (long long)x->score.measures[m].met);
            snprintf(counted, sizeof counted, "%lld", (long long)x->score.measures[m].counted);
            double p = ck_met_pct(&x->score.measures[m]);
            if (p >= 0) snprintf(pct, sizeof pct, "%.2f", p);
            const char *row[] = {unit, ck_standard_key((ck_standard)s), ck_measures[m].key, met, counted, pct, rating, pts};
            for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], row[k]);
            ck_buf_putc(out, '\n');
        }
        if (any) continue;
        const char *row[] = {unit, ck_standard_key((ck_standard)s), "", "", "", "", rating, pts};
        for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], row[k]);
        ck_buf_putc(out, '\n');
    }
    char total[32];
    snprintf(total, sizeof total, "%d", x->score.points);
    const char *row[] = {unit, "total", "", "", "", "", ck_rating_name(x->score.band), total};
    for (size_t k = 0; k < 8; k++) cell(out, table, k == 0, width[k], row[k]);
    ck_buf_putc(out, '\n');
}

/* ---- Workforce reports ---------------------------------------------------------------------- */

static json_t *permille_json(bool known, int permille)
{
    return known ? json_real((double)permille / 10.0) : json_null();
}

static json_t *staffing_json(const ck_staffing *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "in_post", json_integer((json_int_t)g->in_post));
    json_object_set_new(o, "long_term_absence", json_integer((json_int_t)g->long_term_absence));
    json_object_set_new(o, "left", json_integer((json_int_t)g->left));
    json_object_set_new(o, "agency", json_integer((json_int_t)g->agency));
    json_object_set_new(o, "fte_in_post", json_real(g->fte_in_post));
    json_object_set_new(o, "cases", json_integer((json_int_t)g->cases));
    json_object_set_new(o, "points", json_integer(g->points));
    json_object_set_new(o, "available_points", json_integer(g->available_points));
    json_object_set_new(o, "capacity_percent", permille_json(g->capacity_known, g->capacity_permille));
    json_object_set_new(o, "over_capacity", json_boolean(g->over));
    json_object_set_new(o, "practitioners_over_capacity", json_integer((json_int_t)g->over_members));
    return o;
}

/* Capacity bands of the distribution, upper bounds in permille (inclusive). */
static const struct {
    const char *label;
    int upto;
} bands[] = {{"under_50", 499}, {"50_to_80", 799}, {"80_to_100", 1000}, {"100_to_120", 1200}, {"over_120", INT32_MAX}};
#define N_BANDS (sizeof bands / sizeof bands[0])

/* A provisional tier's missing inputs from "rsr,rosh" (core/ck_tier keys); [] when complete. */
static json_t *tier_missing_json(const char *keys)
{
    json_t *a = json_array();
    while (*keys) {
        size_t n = strcspn(keys, ",");
        json_array_append_new(a, json_stringn(keys, n));
        keys += n + (keys[n] == ',');
    }
    return a;
}

json_t *ck_wf_staff_to_json(const ck_wf_staff *p, ck_date as_of)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(p->code));
    json_object_set_new(o, "forename", json_string(p->forename));
    json_object_set_new(o, "surname", json_string(p->surname));
    json_object_set_new(o, "grade", json_string(p->grade));
    json_object_set_new(o, "team", json_string(p->team));
    json_object_set_new(o, "status", json_string(ck_wf_staff_status(p, as_of)));
    json_object_set_new(o, "agency", json_boolean(p->agency));
    json_object_set_new(o, "contracted_hours", json_real(p->wmt.contracted_hours));
    json_object_set_new(o, "reduction_hours", json_real(p->wmt.reduction_hours));
    json_object_set_new(o, "available_points", json_integer(p->wmt.available_points));
    json_object_set_new(o, "case_points", json_integer(p->wmt.case_points));
    json_object_set_new(o, "report_points", json_integer(p->wmt.report_points));
    json_object_set_new(o, "points", json_integer(p->wmt.total_points));
    json_object_set_new(o, "capacity_percent", permille_json(p->wmt.capacity_known, p->wmt.capacity_permille));
    json_object_set_new(o, "capacity_note", p->wmt.capacity_known ? json_null() : json_string(p->wmt.why));
    json_object_set_new(o, "over_capacity", json_boolean(p->over));
    json_t *types = json_object();
    for (int t = 0; t < CK_WMT_CASE_TYPES; t++)
        json_object_set_new(types, ck_wmt_case_type_name((ck_wmt_case_type)t),
                            json_integer((json_int_t)p->wmt.cases_by_type[t]));
    json_object_set_new(o, "cases_by_type", types);
    json_t *cases = json_array();
    for (size_t k = 0; k < p->n_cases; k++) {
        const ck_wf_case *c = &p->cases[k];
        json_t *co = json_object();
        json_object_set_new(co, "crn", json_string(c->crn));
        json_object_set_new(co, "tier", json_string(c->tier));
        json_object_set_new(co, "tier_missing", tier_missing_json(c->tier_missing));
        json_object_set_new(co, "type", c->has_type ? json_string(ck_wmt_case_type_name(c->type)) : json_null());
        json_object_set_new(co, "points", json_integer(c->points));
        json_array_append_new(cases, co);
    }
    json_object_set_new(o, "cases", cases);
    json_t *reports = json_array();
    for (size_t k = 0; k < p->n_reports; k++) json_array_append_new(reports, json_string(p->reports[k]));
    json_object_set_new(o, "reports", reports);
    return o;
}

static json_t *name_json(const ck_wf_staff *p)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "staff_code", p->code, "forename", p->forename ? p->forename : "",
                     "surname", p->surname ? p->surname : "", "grade", p->grade ? p->grade : "");
}

json_t *ck_alloc_board_to_json(const ck_alloc_board *b, size_t max_candidates)
{
    json_t *j = json_object();
    json_object_set_new(j, "pdu", json_string(b->pdu));
    json_object_set_new(j, "team", b->team ? json_string(b->team) : json_null());
    char d[CK_DATE_STRLEN];
    json_object_set_new(j, "as_of", json_string(ck_date_fmt(b->as_of, d)));
    json_t *items = json_array();
    for (size_t i = 0; i < b->n; i++) {
        const ck_alloc_board_case *bc = &b->cases[i];
        json_t *o = json_object();
        json_object_set_new(o, "crn", json_string(bc->crn));
        json_object_set_new(o, "forename", jtext(bc->forename));
        json_object_set_new(o, "surname", jtext(bc->surname));
        json_object_set_new(o, "kind", json_string(bc->lost ? "lost" : "unallocated"));
        json_object_set_new(o, "staff_code", bc->staff_code ? json_string(bc->staff_code) : json_null());
        json_object_set_new(o, "team", bc->team ? json_string(bc->team) : json_null());
        json_object_set_new(o, "due", json_string(ck_date_fmt(bc->due, d)));
        json_object_set_new(o, "status", json_string(bc->due < b->as_of ? "overdue" : "open"));
        json_object_set_new(o, "explanation", bc->explanation ? json_string(bc->explanation) : json_null());
        json_object_set_new(o, "tier", json_string(bc->profile.tier));
        json_object_set_new(o, "tier_missing", tier_missing_json(bc->profile.tier_missing));
        json_object_set_new(o, "rosh", bc->profile.rosh ? json_string(bc->profile.rosh) : json_null());
        json_object_set_new(o, "mappa", bc->profile.mappa ? json_string(bc->profile.mappa) : json_null());
        json_t *cands = json_array();
        for (size_t k = 0; k < bc->ranking.n && k < max_candidates; k++) {
            const ck_alloc_choice *ch = &bc->ranking.choices[k];
            const ck_wf_staff *p = &b->wf->staff[ch->candidate];
            json_t *c = name_json(p);
            json_object_set_new(c, "team", json_string(p->team));
            json_object_set_new(c, "locality", json_string(ck_alloc_locality_name(ch->locality)));
            json_object_set_new(c, "capacity_percent", json_real((double)ch->capacity_permille / 10.0));
            json_object_set_new(c, "capacity_after_percent", json_real((double)ch->capacity_after_permille / 10.0));
            json_object_set_new(c, "over_capacity_after", json_boolean(ch->over_after));
            json_array_append_new(cands, c);
        }
        json_object_set_new(o, "candidates", cands);
        json_object_set_new(o, "ranked", json_integer((json_int_t)bc->ranking.n));
        json_t *ex = json_array();
        for (size_t k = 0; k < bc->ranking.n_excluded; k++) {
            const ck_alloc_exclusion *e = &bc->ranking.excluded[k];
            json_array_append_new(ex, json_pack("{s:s, s:s}", "staff_code", b->wf->staff[e->candidate].code, "why", e->why));
        }
        json_object_set_new(o, "excluded", ex);
        json_array_append_new(items, o);
    }
    json_object_set_new(j, "items", items);
    json_t *gone = json_array();
    for (size_t i = 0; i < b->n_gone; i++) {
        const ck_wf_staff *p = b->gone[i];
        json_t *g = name_json(p);
        json_object_set_new(g, "team", json_string(p->team));
        json_object_set_new(g, "status", json_string(ck_wf_staff_status(p, b->as_of)));
        json_object_set_new(g, "cases", json_integer((json_int_t)p->n_cases));
        json_array_append_new(gone, g);
    }
    json_object_set_new(j, "gone", gone);
    return j;
}

json_t *ck_workforce_to_json(const ck_workforce *w)
{
    json_t *j = json_object();
    char d[CK_DATE_STRLEN];
    json_object_set_new(j, "as_of", json_string(ck_date_fmt(w->as_of, d)));
    json_t *teams = json_array();
    for (size_t i = 0; i < w->n_teams; i++) {
        const ck_wf_team *t = &w->teams[i];
        json_t *o = staffing_json(&t->staffing);
        json_object_set_new(o, "code", json_string(t->code));
        json_object_set_new(o, "name", t->name ? json_string(t->name) : json_null());
        json_object_set_new(o, "pdu", t->pdu ? json_string(t->pdu) : json_null());
        json_object_set_new(o, "office", t->office ? json_string(t->office) : json_null());
        json_object_set_new(o, "posts_fte", json_real(t->posts_fte));
        json_object_set_new(o, "vacancies", json_integer((json_int_t)t->vacancies));
        if (i + 1 == w->n_teams) json_object_set_new(j, "total", o);
        else json_array_append_new(teams, o);
    }
    json_object_set_new(j, "teams", teams);
    const ck_staffing *tot = &w->teams[w->n_teams - 1].staffing;
    size_t heads = tot->in_post + tot->long_term_absence;
    json_object_set_new(j, "agency_share_percent", heads ? json_real(100.0 * (double)tot->agency / (double)heads) : json_null());
    json_object_set_new(j, "sickness_percent",
                        heads ? json_real(100.0 * (double)tot->long_term_absence / (double)heads) : json_null());
    size_t dist[N_BANDS + 1] = {0};
    json_t *staff = json_array();
    for (size_t i = 0; i < w->n_staff; i++) {
        const ck_wf_staff *p = &w->staff[i];
        if (p->in_post) {
            size_t b = N_BANDS;
            for (size_t k = 0; k < N_BANDS && p->wmt.capacity_known; k++)
                if (p->wmt.capacity_permille <= bands[k].upto) {
                    b = k;
                    break;
                }
            dist[b]++;
        }
        json_array_append_new(staff, ck_wf_staff_to_json(p, w->as_of));
    }
    json_t *dj = json_object();
    for (size_t k = 0; k < N_BANDS; k++) json_object_set_new(dj, bands[k].label, json_integer((json_int_t)dist[k]));
    json_object_set_new(dj, "unknown", json_integer((json_int_t)dist[N_BANDS]));
    json_object_set_new(j, "caseload_distribution", dj);
    json_object_set_new(j, "staff", staff);
    return j;
}

void ck_workforce_render(const ck_workforce *w, bool table, ck_buf *out)
{
    static const char *const head[] = {"team", "name", "in_post", "fte_in_post", "posts_fte", "vacancies", "agency",
                                       "long_term_absence", "cases", "points", "available_points", "capacity_percent",
                                       "over_capacity"};
    const size_t n_cols = sizeof head / sizeof head[0];
    for (size_t k = 0; k < n_cols; k++) {
        if (table) ck_buf_printf(out, k ? " %-*s" : "%-*s", k == 1 ? 24 : 10, head[k]);
        else {
            if (k) ck_buf_putc(out, ',');
            ck_buf_puts(out, head[k]);
        }
    }
    ck_buf_putc(out, '\n');
    for (size_t i = 0; i < w->n_teams; i++) {
        const ck_wf_team *t = &w->teams[i];
        const ck_staffing *g = &t->staffing;
        char cells[13][64];
        snprintf(cells[0], 64, "%s", t->code);
        snprintf(cells[1], 64, "%s", t->name ? t->name : "");
        snprintf(cells[2], 64, "%zu", g->in_post);
        snprintf(cells[3], 64, "%.2f", g->fte_in_post);
        snprintf(cells[4], 64, "%.2f", t->posts_fte);
        snprintf(cells[5], 64, "%zu", t->vacancies);
        snprintf(cells[6], 64, "%zu", g->agency);
        snprintf(cells[7], 64, "%zu", g->long_term_absence);
        snprintf(cells[8], 64, "%zu", g->cases);
        snprintf(cells[9], 64, "%ld", g->points);
        snprintf(cells[10], 64, "%ld", g->available_points);
        if (g->capacity_known) snprintf(cells[11], 64, "%.1f", (double)g->capacity_permille / 10.0);
        else cells[11][0] = '\0';
        snprintf(cells[12], 64, "%s", g->over ? "yes" : "no");
        for (size_t k = 0; k < n_cols; k++) {
            if (table) ck_buf_printf(out, k ? " %-*s" : "%-*s", k == 1 ? 24 : 10, cells[k]);
            else {
                if (k) ck_buf_putc(out, ',');
                ck_buf_escape(out, CK_ESC_CSV, cells[k], strlen(cells[k]));
            }
        }
        ck_buf_putc(out, '\n');
    }
}

/* ---- The allocation board as a reader may see it ------------------------------------ */

json_t *ck_alloc_board_json_for(ck_db *db, const ck_principal *p, const ck_alloc_board *b, size_t max_candidates,
                                ck_rc *rc, char *err, size_t err_len)
{
    /* A view of b over a copy of its cases, so dropping leaves b (and the
     * rankings its cases own) as it was. */
    ck_alloc_board view = *b;
    ck_alloc_board_case *cases = ck_calloc(b->n ? b->n : 1, sizeof *cases);
    if (b->n) memcpy(cases, b->cases, b->n * sizeof *cases);
    view.cases = cases;
    *rc = ck_access_drop_unseen(db, p, cases, sizeof *cases, offsetof(ck_alloc_board_case, crn), &view.n, err, err_len);
    if (*rc != CK_OK) view.n = 0;
    json_t *j = ck_alloc_board_to_json(&view, max_candidates);
    ck_free(cases);
    return j;
}
