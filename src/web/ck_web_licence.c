/* ck_web_licence: licence conditions as the pages show them (issue 19).
 * The words of each type are core/ck_licence's one table; what is added
 * here is how one condition reads on a page, and where the victim behind a
 * non-contact condition is named: only where the case was loaded with
 * victims' details (victim liaison, services/ck_access), never otherwise. */
#include "ck_licence.h"
#include "ck_web.h"
#include "ck_web_names.h"
#include <string.h>

#define NAMED_VICTIM "Not to contact a named victim"

static const ck_victim *victim_of(const ck_case *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_victims; i++)
        if (ck_streq(c->victims[i].id, id)) return &c->victims[i];
    return NULL;
}

const char *ck_web_licence_text(ck_http_req *r, const ck_case *c, const ck_licence_condition *lc)
{
    const ck_licence_type *t = ck_licence_type_of(lc->type);
    if (!t) return lc->type ? lc->type : "";
    if (!lc->victim_id) return t->label;
    const ck_victim *v = victim_of(c, lc->victim_id);
    /* The name is there only when the reader may see it: the store selects
     * it for victim liaison alone. */
    if (v && v->name && v->name[0]) return ck_arena_printf(ck_http_arena(r), "Not to contact %s, a victim", v->name);
    return NAMED_VICTIM;
}

/* When it applies, as a sentence: "Starts on 29 December 2026", "From 5
 * September 2025 until the licence ends", "Ended on 1 March 2026". */
static const char *status_of(ck_http_req *r, const ck_licence_condition *lc, ck_date today)
{
    ck_arena *a = ck_http_arena(r);
    const char *from = ck_web_date_long(r, lc->start), *to = ck_web_date_long(r, lc->end);
    if (lc->start != CK_NODATE && lc->start > today)
        return lc->end != CK_NODATE ? ck_arena_printf(a, "Starts on %s and ends on %s", from, to)
                                    : ck_arena_printf(a, "Starts on %s", from);
    if (lc->end != CK_NODATE && lc->end < today) return ck_arena_printf(a, "Ended on %s (from %s)", to, from);
    if (lc->end != CK_NODATE) return ck_arena_printf(a, "From %s until %s", from, to);
    return ck_arena_printf(a, "From %s until the licence ends", from);
}

static json_t *standard_json(void)
{
    json_t *a = json_array();
    for (const char *const *s = ck_licence_standard; *s; s++) json_array_append_new(a, json_string(*s));
    return a;
}

json_t *ck_web_licence_json(ck_http_req *r, const ck_case *c, const ck_event *e, ck_date today, bool can_end)
{
    json_t *a = json_array();
    for (size_t i = 0; i < e->n_licence_conditions; i++) {
        const ck_licence_condition *lc = &e->licence_conditions[i];
        bool ended = lc->end != CK_NODATE && lc->end < today;
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", lc->id, "text", ck_web_licence_text(r, c, lc),
                              "detail", lc->detail ? lc->detail : "", "start", ck_web_date_long(r, lc->start),
                              "status", status_of(r, lc, today), "victim_related", lc->victim_related == 1);
        if (ck_streq(lc->type, "standard")) json_object_set_new(j, "standard", standard_json());
        if (can_end && !ended) {
            ck_buf href = CK_BUF_INIT;
            ck_buf_puts(&href, "/cases/");
            ck_buf_escape(&href, CK_ESC_URL, c->crn, strlen(c->crn));
            ck_buf_puts(&href, "/conditions/");
            ck_buf_escape(&href, CK_ESC_URL, lc->id, strlen(lc->id));
            ck_buf_puts(&href, "/end");
            json_object_set_new(j, "end_href", json_string(ck_buf_cstr(&href)));
            ck_buf_free(&href);
        }
        json_array_append_new(a, j);
    }
    return a;
}

json_t *ck_web_victim_conditions(ck_http_req *r, ck_db *db, const ck_case *c, const ck_victim *v)
{
    ck_web_names *names = ck_web_names_new(r, db);
    const ck_event *e = ck_case_event(c, v->event);
    if (!e || !e->n_licence_conditions) return NULL;
    json_t *list = json_array();
    int untold = 0;
    for (size_t i = 0; i < e->n_licence_conditions; i++) {
        const ck_licence_condition *lc = &e->licence_conditions[i];
        if (!ck_licence_concerns_victim(e, lc, v)) continue;
        const ck_victim_told *t = ck_licence_told(v, lc->id);
        const char *told = "";
        if (t) {
            /* "Told on 2 June 2025 by phone, by Val Liaison" */
            const char *how = ck_told_how_label(t->how);
            char *how_lc = ck_arena_strdup(ck_http_arena(r), how ? how : "");
            if (how_lc[0] >= 'A' && how_lc[0] <= 'Z') how_lc[0] = (char)(how_lc[0] - 'A' + 'a');
            const char *who = t->told_by ? ck_web_staff_name(names, t->told_by) : "";
            told = ck_arena_printf(ck_http_arena(r), "Told on %s%s%s%s%s", ck_web_date_long(r, t->date),
                                   how_lc[0] ? " " : "", how_lc, who[0] ? ", by " : "", who);
        } else {
            untold++;
        }
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "text", ck_web_licence_text(r, c, lc),
                                              "detail", lc->detail ? lc->detail : "", "start",
                                              ck_web_date_long(r, lc->start), "end",
                                              lc->end != CK_NODATE ? ck_web_date_long(r, lc->end)
                                                                   : "the licence ends",
                                              "told", told));
    }
    const char *start = e->has_sentence ? ck_web_date_long(r, e->sentence.release_date) : "";
    return json_pack("{s:s, s:o, s:i}", "licence_start", start, "conditions", list, "untold", untold);
}
