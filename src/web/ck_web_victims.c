/* ck_web_victims: a case's victims for victim liaison staff (VLO only: the
 * routes need victim:read). The pages show what the store returns for the
 * session; the forms that change a victim's record are actions in
 * ck_web_actions.c. */
#include "ck_web.h"
#include <string.h>

static json_t *victim_json(ck_http_req *r, const ck_victim *v)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", v->id,
                     "event", v->event, "scheme", ck_web_victim_label("scheme", v->scheme, "Not recorded"), "opted",
                     ck_web_victim_label("opted", v->opted, "Not yet chosen"), "referred",
                     ck_web_date_long(r, v->referred), "first_contact", ck_web_date_long(r, v->first_contact),
                     "opted_on", ck_web_date_long(r, v->opted_on), "representations",
                     ck_web_date_long(r, v->representations), "release_notified",
                     ck_web_date_long(r, v->release_notified), "recall_notified",
                     ck_web_date_long(r, v->recall_notified), "name", v->name ? v->name : "", "address",
                     v->address ? v->address : "", "phone", v->phone ? v->phone : "", "email",
                     v->email ? v->email : "", "notes", v->notes ? v->notes : "");
}

/* The case of the route for a victim page, with the session's view of it. */
static bool begin(ck_http_req *r, ck_session *s, ck_case **c, json_t **page, const char *title, ck_db **dbp)
{
    if (!ck_web_guard(r, s)) return false;
    ck_db *db = ck_web_db(r, s);
    if (!db || !ck_web_load_case(r, s, db, c)) return false;
    if (dbp) *dbp = db;
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    *page = ck_web_page(r, s, title, "victims");
    json_object_set_new(*page, "case", ck_web_case_header(r, *c, today));
    json_object_set_new(*page, "saved", json_string(ck_http_query(r, "saved") ? ck_http_query(r, "saved") : ""));
    return true;
}

void ck_web_victim_list(ck_http_req *r)
{
    ck_session s;
    ck_case *c;
    json_t *page;
    if (!begin(r, &s, &c, &page, "Victims", NULL)) return;
    json_t *list = json_array();
    for (size_t i = 0; i < c->n_victims; i++) json_array_append_new(list, victim_json(r, &c->victims[i]));
    json_object_set_new(page, "victims", list);
    ck_case_free(c);
    ck_web_render(r, 200, "victim_list.html", page);
}

void ck_web_victim(ck_http_req *r)
{
    ck_session s;
    ck_case *c;
    json_t *page;
    ck_db *db;
    if (!begin(r, &s, &c, &page, "Victim", &db)) return;
    const char *id = ck_http_param(r, "id");
    const ck_victim *v = NULL;
    for (size_t i = 0; i < c->n_victims; i++)
        if (ck_streq(c->victims[i].id, id)) v = &c->victims[i];
    if (!v) {
        json_decref(page);
        ck_case_free(c);
        ck_web_error_page(r, &s, 404, "Victim not found", "The case has no victim with that reference.");
        return;
    }
    json_object_set_new(page, "victim", victim_json(r, v));
    json_t *lc = ck_web_victim_conditions(r, db, c, v);
    bool in_scheme = ck_streq(v->opted, "in");
    /* The form is offered while a condition concerning them is untold. */
    json_object_set_new(page, "can_tell",
                        json_boolean(in_scheme && lc && json_integer_value(json_object_get(lc, "untold")) > 0));
    if (lc) json_object_set_new(page, "licence", lc);
    json_object_set_new(page, "in_scheme", json_boolean(in_scheme));
    ck_case_free(c);
    ck_web_render(r, 200, "victim.html", page);
}
