/* ck_web_diary: the diary (issue 15). A practitioner's day and week of
 * appointments (/diary), an SPO's view of the team's (/diary/team), and the
 * appointments past and still without an outcome, oldest first, each with a
 * link straight to its outcome form (/diary/without-outcome, and the
 * team's). Plain links and GET forms only: it works without JavaScript.
 * Appointments come from store/ck_diary through the reader's case filter. */
#include "ck_appt.h"
#include "ck_ctypes.h"
#include "ck_diary.h"
#include "ck_web.h"
#include <stdio.h>
#include <string.h>

typedef enum { VIEW_DAY, VIEW_WEEK } view;

const char *ck_web_clock(ck_http_req *r, const char *hhmm)
{
    int m = ck_appt_minutes(hhmm);
    if (m < 0) return "";
    int h = m / 60, mm = m % 60;
    if (m == 12 * 60) return "midday";
    if (m == 0) return "midnight";
    const char *ampm = h < 12 ? "am" : "pm";
    int h12 = h % 12 ? h % 12 : 12;
    return mm ? ck_arena_printf(ck_http_arena(r), "%d:%02d%s", h12, mm, ampm)
              : ck_arena_printf(ck_http_arena(r), "%d%s", h12, ampm);
}

static const char *place_text(const ck_diary_item *it)
{
    if (it->location_name) return it->location_name;
    const char *l = ck_appt_place_label(it->location);
    return l ? l : it->location ? it->location : "Not recorded";
}

static const char *officer_text(ck_http_req *r, const ck_diary_item *it)
{
    if (it->officer_surname) return ck_web_person_name(r, it->officer_forename, it->officer_surname);
    return it->officer ? it->officer : "Not allocated";
}

static json_t *item_json(ck_http_req *r, const ck_diary_item *it)
{
    ck_arena *a = ck_http_arena(r);
    const ck_ctype *t = ck_ctype_find(it->type);
    const char *when = it->start_time ? ck_arena_printf(a, "%s to %s", ck_web_clock(r, it->start_time),
                                                        ck_web_clock(r, it->end_time))
                                      : "Time not recorded";
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "crn", it->crn, "person",
                          ck_web_person_name(r, it->forename, it->surname), "id", it->id, "type",
                          t ? t->name : it->type, "when", when, "place", place_text(it), "officer",
                          officer_text(r, it), "date", ck_web_date_long(r, it->date), "cancelled", it->cancelled);
    /* An outcome is recorded on or after the day, never for a day to come. */
    json_object_set_new(j, "due", json_boolean(it->date <= ck_app_today(&ck_web_of(r)->app)));
    if (it->outcome) json_object_set_new(j, "outcome", json_string(ck_outcome_name(it->outcome) ? ck_outcome_name(it->outcome) : it->outcome));
    return j;
}

/* The diary's owner: the signed-in staff member, or (team) their team.
 * False when it has answered. */
static bool owner(ck_http_req *r, ck_session *s, bool team)
{
    const char *who = team ? s->team : s->staff;
    if (who && *who) return true;
    /* Not a refusal (the route is allowed): there is nothing to show. */
    ck_web_error_page(r, s, 200, "Your account has no diary",
                      team ? "Your account is not linked to a team. Ask an administrator to check your account."
                           : "Your account is not linked to a staff member. Ask an administrator to check it.");
    return false;
}

static bool read_diary(ck_http_req *r, ck_session *s, ck_db *db, ck_diary_query *q, ck_diary **d)
{
    char err[512];
    q->filter = ck_web_case_filter(r, s);
    if (ck_diary_list(db, q, d, err, sizeof err) == CK_OK) return true;
    ck_http_log("%s web: diary: %s", ck_http_request_id(r), err);
    ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
    return false;
}

static void diary(ck_http_req *r, bool team)
{
    ck_session s;
    if (!ck_web_guard(r, &s) || !owner(r, &s, team)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    ck_date today = ck_app_today(&ck_web_of(r)->app), on = today;
    const char *ds = ck_http_query(r, "date"), *vs = ck_http_query(r, "view");
    if (ds && *ds && !ck_date_parse(ds, strlen(ds), &on)) on = today; /* a bad date shows today */
    view v = vs && strcmp(vs, "day") == 0 ? VIEW_DAY : VIEW_WEEK;
    ck_date from = v == VIEW_DAY ? on : on - ck_date_weekday(on), to = v == VIEW_DAY ? on : from + 6;
    ck_diary_query q = {.officer = team ? NULL : s.staff, .team = team ? s.team : NULL, .from = from, .to = to};
    ck_diary *d = NULL;
    if (!read_diary(r, &s, db, &q, &d)) return;
    const char *base = team ? "/diary/team" : "/diary";
    json_t *page = ck_web_page(r, &s, team ? "Team diary" : "My diary", "diary");
    ck_arena *a = ck_http_arena(r);
    char buf[CK_DATE_STRLEN];
    /* One section a day (the week's five working days, and a weekend day
     * only when it has appointments). */
    json_t *days = json_array();
    size_t k = 0;
    for (ck_date day = from; day <= to; day++) {
        json_t *items = json_array();
        for (; k < d->n && d->items[k].date == day; k++) json_array_append_new(items, item_json(r, &d->items[k]));
        if (v == VIEW_WEEK && ck_date_weekday(day) >= 5 && json_array_size(items) == 0) {
            json_decref(items);
            continue;
        }
        static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
        json_array_append_new(days, json_pack("{s:s, s:o, s:b, s:s}", "title",
                                              ck_arena_printf(a, "%s %s", names[ck_date_weekday(day)],
                                                              ck_web_date_long(r, day)),
                                              "items", items, "today", day == today, "day_href",
                                              ck_arena_printf(a, "%s?view=day&date=%s", base, ck_date_fmt(day, buf))));
    }
    int step = v == VIEW_DAY ? 1 : 7;
    const char *vn = v == VIEW_DAY ? "day" : "week";
    json_object_set_new(page, "days", days);
    json_object_set_new(page, "team", json_boolean(team));
    json_object_set_new(page, "day_view", json_boolean(v == VIEW_DAY));
    json_object_set_new(page, "heading", json_string(v == VIEW_DAY ? ck_web_date_long(r, on)
                                                                   : ck_arena_printf(a, "Week beginning %s",
                                                                                     ck_web_date_long(r, from))));
    json_object_set_new(page, "prev_href", json_string(ck_arena_printf(a, "%s?view=%s&date=%s", base, vn,
                                                                       ck_date_fmt(on - step, buf))));
    json_object_set_new(page, "next_href", json_string(ck_arena_printf(a, "%s?view=%s&date=%s", base, vn,
                                                                       ck_date_fmt(on + step, buf))));
    json_object_set_new(page, "week_href", json_string(ck_arena_printf(a, "%s?view=week&date=%s", base, ck_date_fmt(on, buf))));
    json_object_set_new(page, "today_href", json_string(ck_arena_printf(a, "%s?view=%s", base, vn)));
    json_object_set_new(page, "date_value", json_string(ck_date_fmt(on, buf)));
    json_object_set_new(page, "base", json_string(base));
    json_object_set_new(page, "without_href", json_string(team ? "/diary/team/without-outcome" : "/diary/without-outcome"));
    json_object_set_new(page, "count", json_integer((json_int_t)d->n));
    json_object_set_new(page, "truncated", json_boolean(d->truncated));
    ck_diary_free(d);
    ck_web_render(r, 200, "diary.html", page);
}

/* How far back "without an outcome" looks: an appointment older than this
 * with no outcome is a data problem for the PDU, not the day's work. */
#define WITHOUT_OUTCOME_DAYS 365

static void without_outcome(ck_http_req *r, bool team)
{
    ck_session s;
    if (!ck_web_guard(r, &s) || !owner(r, &s, team)) return;
    ck_db *db = ck_web_db(r, &s);
    if (!db) return;
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    ck_diary_query q = {.officer = team ? NULL : s.staff, .team = team ? s.team : NULL,
                        .from = today - WITHOUT_OUTCOME_DAYS, .to = today - 1, .without_outcome = true};
    ck_diary *d = NULL;
    if (!read_diary(r, &s, db, &q, &d)) return;
    json_t *page = ck_web_page(r, &s, "Appointments without an outcome", "diary");
    json_t *items = json_array();
    for (size_t i = 0; i < d->n; i++) json_array_append_new(items, item_json(r, &d->items[i]));
    json_object_set_new(page, "items", items);
    json_object_set_new(page, "team", json_boolean(team));
    json_object_set_new(page, "count", json_integer((json_int_t)d->n));
    json_object_set_new(page, "truncated", json_boolean(d->truncated));
    json_object_set_new(page, "diary_href", json_string(team ? "/diary/team" : "/diary"));
    ck_diary_free(d);
    ck_web_render(r, 200, "without_outcome.html", page);
}

void ck_web_diary(ck_http_req *r) { diary(r, false); }
void ck_web_team_diary(ck_http_req *r) { diary(r, true); }
void ck_web_without_outcome(ck_http_req *r) { without_outcome(r, false); }
void ck_web_team_without_outcome(ck_http_req *r) { without_outcome(r, true); }
