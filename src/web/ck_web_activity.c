/* ck_web_activity: a case's activity log (GET /cases/{crn}/activity), its
 * contacts newest first, paged, each with its type's name, its outcome in
 * words, who recorded it and its notes, filtered by a GET form (no script
 * needed): keywords (full-text over notes, store/ck_activity), a date
 * range, a contact type category, compliance and "hide system contacts".
 * Access, limited access and sensitive notes are services/ck_access's. */
#include "ck_access.h"
#include "ck_ctypes.h"
#include "ck_web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACTIVITY_PAGE 25

/* Value and words of each choice, in ck_compliance's order. */
static const char *const compliance_opts[] = {"", "All contacts", "failures", "Failures to comply", "acceptable",
                                              "Acceptable absences", NULL};

/* A date typed as day, month and year in the query (NAME-day, ...);
 * CK_NODATE when all are empty; an error naming the field otherwise. */
static ck_date query_date(ck_http_req *r, json_t *page, const char *name, const char *label)
{
    static const char *const parts[] = {"day", "month", "year"};
    const char *v[3];
    int n[3];
    json_t *values = json_object_get(page, "values");
    bool any = false, all = true, digits = true;
    for (int i = 0; i < 3; i++) {
        const char *q = ck_http_query(r, ck_arena_printf(ck_http_arena(r), "%s-%s", name, parts[i]));
        v[i] = q ? q : "";
        json_object_set_new(values, ck_arena_printf(ck_http_arena(r), "%s-%s", name, parts[i]), json_string(v[i]));
        any |= *v[i] != '\0';
        all &= *v[i] != '\0';
        char *end;
        long x = strtol(v[i], &end, 10);
        digits &= *v[i] && !*end && strlen(v[i]) <= 4 && x >= 0;
        n[i] = (int)x;
    }
    if (!any) return CK_NODATE;
    if (!all || !digits || n[2] < 1900 || n[2] > 2199 || !ck_date_valid(n[2], n[1], n[0])) {
        ck_web_form_error(page, name, "%s must be a real date, like 27 3 2026", label);
        return CK_NODATE;
    }
    return ck_date_ymd(n[2], n[1], n[0]);
}

/* Notes as paragraphs (a blank line between them), each a list of pieces:
 * text, a line break, or a keyword match (between the store's marks). The
 * template escapes every piece. */
static json_t *note_paras(const char *text)
{
    json_t *paras = json_array(), *para = NULL;
    const char *p = text;
    bool marked = false;
    while (p && *p) {
        size_t n = strcspn(p, "\n\x01\x02");
        if (n) {
            if (!para) para = json_array();
            json_array_append_new(para, json_pack("{s:s%, s:b}", "text", p, n, "mark", marked));
        }
        p += n;
        if (*p == CK_ACTIVITY_MARK_ON || *p == CK_ACTIVITY_MARK_OFF) {
            marked = *p++ == CK_ACTIVITY_MARK_ON;
        } else if (*p == '\n') {
            size_t blank = 0;
            while (*p == '\n' || *p == '\r') blank += *p++ == '\n';
            if (para && (blank > 1 || !*p)) {
                json_array_append_new(paras, para);
                para = NULL;
            } else if (para) {
                json_array_append_new(para, json_pack("{s:b}", "br", 1));
            }
        }
    }
    if (para) json_array_append_new(paras, para);
    return paras;
}

static json_t *item_json(ck_http_req *r, const ck_activity_item *it)
{
    const ck_ctype *t = ck_ctype_find(it->type);
    const char *outcome = it->outcome ? ck_outcome_name(it->outcome) : NULL;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", it->id ? it->id : "", "date_text",
                          ck_web_date_long(r, it->date), "type", t ? t->name : it->type ? it->type : "", "category",
                          t ? t->category : "", "appointment", it->appointment == 1);
    json_object_set_new(j, "outcome", json_string(outcome ? outcome : it->outcome ? it->outcome : ""));
    json_object_set_new(j, "recorded_by", json_string(it->recorded_by_name ? it->recorded_by_name
                                                      : it->recorded_by    ? it->recorded_by
                                                                           : ""));
    json_object_set_new(j, "sensitive", json_boolean(it->sensitive == 1));
    json_object_set_new(j, "withheld", json_boolean(it->notes_withheld));
    const char *notes = it->highlight ? it->highlight : it->notes;
    if (notes) json_object_set_new(j, "paras", note_paras(notes));
    return j;
}

void ck_web_activity(ck_http_req *r)
{
    ck_session s;
    if (!ck_web_guard(r, &s)) return;
    ck_db *db = ck_web_db(r, &s);
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    ck_cached *held = NULL;
    if (!db || !ck_web_load_case_page(r, &s, db, today, true, false, &held, NULL, NULL)) return;
    const ck_case *c = ck_cached_value(held);
    json_t *header = ck_web_case_header(r, c, today);
    const char *title = ck_arena_printf(ck_http_arena(r), "%s: Activity log", json_string_value(json_object_get(header, "name")));
    json_t *page = ck_web_page(r, &s, title, NULL);
    json_object_set_new(page, "case", header);
    json_object_set_new(page, "tabs", ck_web_case_tabs("activity"));
    json_object_set_new(page, "can_write", json_boolean(ck_web_allowed(&s, "case:write")));
    json_t *values = json_object_get(page, "values");

    ck_activity_query q = {.from = CK_NODATE, .to = CK_NODATE};
    const char *kw = ck_http_query(r, "q");
    if (kw && strlen(kw) > CK_ACTIVITY_QUERY_MAX) {
        ck_web_form_error(page, "q", "Keywords must be %d characters or fewer", CK_ACTIVITY_QUERY_MAX);
        kw = NULL;
    }
    q.q = kw;
    json_object_set_new(values, "q", json_string(kw ? kw : ""));
    q.from = query_date(r, page, "from", "Date from");
    q.to = query_date(r, page, "to", "Date to");
    if (q.from != CK_NODATE && q.to != CK_NODATE && q.to < q.from)
        ck_web_form_error(page, "to", "Date to must be the same as or after date from");
    /* Category, compliance and the system switch: only known values count. */
    const char *cat = ck_http_query(r, "category");
    const char *const *cats = ck_ctype_categories();
    size_t n_cats = 0;
    while (cats[n_cats]) n_cats++;
    const char **cat_opts = ck_arena_array(ck_http_arena(r), 2 * n_cats + 1, sizeof *cat_opts);
    for (size_t k = 0; k < n_cats; k++) {
        if (ck_streq(cat, cats[k])) q.category = cats[k];
        cat_opts[2 * k] = cat_opts[2 * k + 1] = cats[k];
    }
    if (cat && *cat && !q.category) ck_web_form_error(page, "category", "Select a contact type from the list");
    json_object_set_new(values, "category", json_string(q.category ? q.category : ""));
    const char *comp = ck_http_query(r, "compliance");
    for (size_t i = 1; compliance_opts[2 * i]; i++)
        if (ck_streq(comp, compliance_opts[2 * i])) q.compliance = i == 1 ? CK_COMPLY_FAILURES : CK_COMPLY_ACCEPTABLE;
    json_object_set_new(values, "compliance", json_string(compliance_opts[2 * q.compliance]));
    q.hide_system = ck_streq(ck_http_query(r, "hide_system"), "yes");
    json_object_set_new(values, "hide_system", json_string(q.hide_system ? "yes" : ""));

    /* The filters as the form fields of every other form (partials/field.html). */
    json_t *filters = json_array();
    json_array_append_new(filters, ck_web_form_field(r, page, "text", "q", "Search notes",
                                                     "Every word must appear, in any of its forms: \"attend\" also "
                                                     "finds \"attended\"", NULL));
    json_array_append_new(filters, ck_web_form_field(r, page, "date", "from", "Date from", "For example, 27 3 2026", NULL));
    json_array_append_new(filters, ck_web_form_field(r, page, "date", "to", "Date to", "For example, 30 4 2026", NULL));
    json_array_append_new(filters, ck_web_form_field(r, page, "select", "category", "Contact type", NULL, cat_opts));
    json_array_append_new(filters, ck_web_form_field(r, page, "radios", "compliance", "Compliance", NULL, compliance_opts));
    json_t *sys = ck_web_form_field(r, page, "checkbox", "hide_system", "System contacts",
                                    "Records the system makes itself, such as a case being allocated", NULL);
    json_object_set_new(sys, "text", json_string("Hide system contacts"));
    json_array_append_new(filters, sys);
    json_object_set_new(page, "filters", filters);

    size_t page_no = ck_web_page_number(r);
    q.limit = ACTIVITY_PAGE;
    q.offset = (page_no - 1) * ACTIVITY_PAGE;
    ck_activity *act = NULL;
    char err[512];
    unsigned status = 200;
    if (ck_web_form_has_errors(page)) {
        status = 400;
        json_object_set_new(page, "title", json_string(ck_arena_printf(ck_http_arena(r), "Error: %s", title)));
    } else {
        ck_rc rc = ck_access_activity(db, s.p, c->crn, &q, &act, err, sizeof err);
        if (rc != CK_OK) {
            ck_cached_release(held);
            json_decref(page);
            if (rc == CK_ERR_DENIED) {
                ck_web_error_page(r, &s, 403, "You cannot see this case", err);
            } else {
                ck_http_log("%s web: activity: %s", ck_http_request_id(r), err);
                ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
            }
            return;
        }
        json_t *items = json_array();
        for (size_t i = 0; i < act->n; i++) json_array_append_new(items, item_json(r, &act->items[i]));
        json_object_set_new(page, "items", items);
        json_object_set_new(page, "searched", json_boolean(act->n_words > 0));
        /* The page links keep the filters: the query as sent, less its page. */
        ck_buf base = CK_BUF_INIT;
        ck_buf_puts(&base, "/cases/");
        ck_buf_escape(&base, CK_ESC_URL, c->crn, strlen(c->crn));
        ck_buf_puts(&base, "/activity");
        static const char *const keep[] = {"q", "from-day", "from-month", "from-year", "to-day", "to-month",
                                           "to-year", "category", "compliance", "hide_system", NULL};
        char sep = '?';
        for (size_t i = 0; keep[i]; i++) {
            const char *v = ck_http_query(r, keep[i]);
            if (!v || !*v) continue;
            ck_buf_printf(&base, "%c%s=", sep, keep[i]);
            ck_buf_escape(&base, CK_ESC_URL, v, strlen(v));
            sep = '&';
        }
        json_object_set_new(page, "pagination",
                            ck_web_pagination(r, ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&base)), page_no,
                                              ACTIVITY_PAGE, act->total));
        ck_buf_free(&base);
        ck_activity_free(act);
    }
    ck_cached_release(held);
    ck_web_render(r, status, "activity.html", page);
}
