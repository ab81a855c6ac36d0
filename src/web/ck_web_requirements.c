#include "ck_web_requirements.h"
#include "ck_req_store.h"
#include "ck_str.h"
#include "ck_web.h"

const char *ck_web_requirement_progress_text(ck_http_req *r, const ck_req_type *t, int32_t amount,
                                             const ck_req_progress *p)
{
    if (!t || t->progress == CK_REQ_PROGRESS_NONE || p->remaining == CK_NOINT) return NULL;
    /* Unpaid work is counted down (what is left to work); days are counted up. */
    if (t->progress == CK_REQ_PROGRESS_HOURS)
        return ck_arena_printf(ck_http_arena(r), "%d of %d %s remaining", p->remaining, amount,
                               ck_req_unit_name(t->unit));
    return ck_arena_printf(ck_http_arena(r), "%d of %d %s %s", p->done, amount, amount == 1 ? "day" : "days",
                           ck_streq(t->code, "programme") ? "attended" : "used");
}

/* "order ends 3 March 2027", "requirement ends 2 June 2025", "ended 2 June 2025",
 * "ended early on 1 September 2025", "starts 1 April 2025". */
static const char *when_text(ck_http_req *r, const ck_requirement *q, const ck_req_progress *p, ck_date today)
{
    ck_arena *a = ck_http_arena(r);
    switch (p->status) {
    case CK_REQ_TERMINATED: return ck_arena_printf(a, "ended early on %s", ck_web_date_long(r, q->terminated_on));
    case CK_REQ_NOT_STARTED: return ck_arena_printf(a, "starts %s", ck_web_date_long(r, q->start));
    case CK_REQ_COMPLETED:
        if (p->remaining == 0 && p->last_day != CK_NODATE && p->last_day >= today)
            return ck_arena_printf(a, "%s ends %s", q->end == CK_NODATE ? "order" : "requirement",
                                   ck_web_date_long(r, p->last_day));
        return p->last_day == CK_NODATE ? "ended" : ck_arena_printf(a, "ended %s", ck_web_date_long(r, p->last_day));
    case CK_REQ_ACTIVE: break;
    }
    if (p->last_day == CK_NODATE) return "no end date";
    return ck_arena_printf(a, "%s ends %s", q->end == CK_NODATE ? "order" : "requirement",
                           ck_web_date_long(r, p->last_day));
}

json_t *ck_web_requirements_json(ck_http_req *r, const ck_case *c, const ck_event *e, ck_date today, int pace)
{
    static const char *const tags[] = {[CK_REQ_NOT_STARTED] = "grey", [CK_REQ_ACTIVE] = "blue",
                                       [CK_REQ_COMPLETED] = "green", [CK_REQ_TERMINATED] = "red"};
    static const char *const statuses[] = {[CK_REQ_NOT_STARTED] = "Not started", [CK_REQ_ACTIVE] = "Active",
                                           [CK_REQ_COMPLETED] = "Completed", [CK_REQ_TERMINATED] = "Ended early"};
    ck_arena *a = ck_http_arena(r);
    json_t *out = json_array();
    for (size_t i = 0; i < e->n_requirements; i++) {
        const ck_requirement *q = &e->requirements[i];
        ck_req_progress p;
        ck_requirement_progress(c, e, q, today, pace, &p);
        const ck_req_type *t = p.type;
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", q->id, "name", t ? t->name : q->type, "status",
                              statuses[p.status], "tag", tags[p.status], "when", when_text(r, q, &p, today));
        if (t && t->unit != CK_REQ_NO_AMOUNT && q->amount != CK_NOINT)
            json_object_set_new(j, "amount", json_string(ck_arena_printf(a, "%d %s", q->amount,
                                                                         ck_req_unit_name(t->unit))));
        const char *progress = ck_web_requirement_progress_text(r, t, q->amount, &p);
        if (progress) {
            json_object_set_new(j, "progress", json_string(progress));
            json_object_set_new(j, "done", json_integer(p.done > q->amount ? q->amount : p.done));
            json_object_set_new(j, "max", json_integer(q->amount));
        }
        if (p.overrunning)
            json_object_set_new(j, "overrunning",
                                json_string(ck_arena_printf(a, "At %d hours a week only %d hours can be worked before it "
                                                               "ends: %d are left",
                                                            pace, p.workable, p.remaining)));
        if (q->terminated_reason) json_object_set_new(j, "reason", json_string(q->terminated_reason));
        if (q->detail) json_object_set_new(j, "detail", json_string(q->detail));
        bool open = q->terminated_on == CK_NODATE;
        json_object_set_new(j, "can_end", json_boolean(open && p.status != CK_REQ_COMPLETED));
        json_object_set_new(j, "can_log_hours",
                            json_boolean(open && p.status == CK_REQ_ACTIVE && ck_streq(q->type, "unpaid_work")));
        json_array_append_new(out, j);
    }
    return out;
}

bool ck_web_caseload_requirements(ck_http_req *r, ck_db *db, const ck_caseload *l, json_t *rows, ck_date today)
{
    ck_arena *a = ck_http_arena(r);
    const char **crns = ck_arena_array(a, l->n ? l->n : 1, sizeof *crns);
    for (size_t i = 0; i < l->n; i++) crns[i] = l->rows[i].crn;
    ck_req_rows *q = NULL;
    char err[512];
    if (ck_req_rows_of_cases(db, crns, l->n, today, &q, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: caseload requirements: %s", ck_http_request_id(r), err);
        return false;
    }
    int pace = ck_web_of(r)->app.engine.cfg->upw_pace_hours_week;
    /* Both lists are in CRN order only when the caseload is; match by CRN. */
    for (size_t i = 0; i < l->n; i++) {
        json_t *lines = json_array();
        bool behind = false;
        for (size_t k = 0; k < q->n; k++) {
            const ck_req_row *row = &q->rows[k];
            if (!ck_streq(row->crn, l->rows[i].crn)) continue;
            const ck_req_type *t = ck_req_type_find(row->type);
            ck_req_progress p;
            ck_requirement_progress_of(t, row->amount, row->used, row->start, row->last_day, row->terminated_on, today,
                                       pace, &p);
            const char *name = t ? t->brief : row->type;
            const char *progress = ck_web_requirement_progress_text(r, t, row->amount, &p);
            json_array_append_new(lines, json_string(progress ? ck_arena_printf(a, "%s: %s", name, progress) : name));
            behind = behind || p.overrunning;
        }
        json_t *j = json_array_get(rows, i);
        json_object_set_new(j, "requirements", lines);
        if (behind) json_object_set_new(j, "behind", json_true());
    }
    ck_req_rows_free(q);
    return true;
}
