/* ck_web_ical: each practitioner's private iCalendar feed of their
 * appointments (issue 15), for Outlook and other calendars.
 *
 * /diary/calendar turns it on (a new random token from libsodium, shown
 * once as the feed's URL; only its BLAKE2b hash is stored, store/ck_diary),
 * gives it a new address (the old one stops working) or turns it off. The
 * feed, GET /calendar/TOKEN.ics, is public: the token is the credential. It
 * is RFC 5545 written with libical: one VEVENT an appointment, times in
 * Europe/London with its VTIMEZONE, a UID that never changes, SEQUENCE
 * raised by every reschedule or cancellation and STATUS:CANCELLED for a
 * cancelled one. An event says only the person's name and CRN, the
 * appointment's type and its place: never notes, never anything about
 * victims. */
#include "ck_appt.h"
#include "ck_ctypes.h"
#include "ck_diary.h"
#include "ck_web.h"
#include <libical/ical.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN_BYTES 32
#define HASH_BYTES 32
/* The feed covers a quarter back and a year ahead: what a calendar shows. */
#define FEED_DAYS_BACK 90
#define FEED_DAYS_AHEAD 366
#define TZ_NAME "Europe/London"

/* hex of BLAKE2b(token) into out (2 * HASH_BYTES + 1). */
static void token_hash(const char *token, char out[2 * HASH_BYTES + 1])
{
    unsigned char h[HASH_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 2 * HASH_BYTES + 1, h, sizeof h);
}

/* Europe/London as calendars (Outlook among them) write it: the UK rule
 * in force since 1996, British Summer Time from 01:00 UTC on the last Sunday
 * of March to 01:00 UTC on the last Sunday of October (base/ck_date's
 * ck_date_uk_local says the same). libical's built-in zone would carry the
 * zone's whole history since 1847, under a TZID with its own prefix, which
 * some readers refuse; the feed covers only recent dates. */
static const char london_vtimezone[] =
    "BEGIN:VTIMEZONE\r\nTZID:" TZ_NAME "\r\n"
    "BEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:19700329T010000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\nEND:DAYLIGHT\r\n"
    "END:VTIMEZONE\r\n";

/* The zone, made once (libical's zone objects are not thread-safe to
 * build); it is never freed, like libical's own built-in zones. */
static icaltimezone *london;
static void load_zone(void)
{
    london = icaltimezone_new();
    if (!london || !icaltimezone_set_component(london, icalcomponent_new_from_string(london_vtimezone))) abort();
}

static struct icaltimetype local_time(ck_date d, const char *hhmm)
{
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    struct icaltimetype t = icaltime_null_time();
    t.year = y, t.month = m, t.day = dd;
    int mins = ck_appt_minutes(hhmm);
    if (mins < 0) {
        t.is_date = 1;
        return t;
    }
    t.hour = mins / 60, t.minute = mins % 60;
    return icaltime_set_timezone(&t, london);
}

static icalcomponent *event_of(ck_http_req *r, const ck_diary_item *it, time_t now)
{
    ck_arena *a = ck_http_arena(r);
    icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    icalcomponent_add_property(ev, icalproperty_new_uid(ck_arena_printf(a, "%s-%s@casekeeper", it->crn, it->id)));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(now, 0, icaltimezone_get_utc_timezone())));
    struct icaltimetype start = local_time(it->date, it->start_time), end = local_time(it->date, it->end_time);
    if (start.is_date) end = local_time(it->date + 1, NULL); /* a whole day */
    icalcomponent_set_dtstart(ev, start);
    icalcomponent_set_dtend(ev, end);
    const ck_ctype *t = ck_ctype_find(it->type);
    icalcomponent_add_property(ev, icalproperty_new_summary(ck_arena_printf(
                                       a, "%s (%s): %s", ck_web_person_name(r, it->forename, it->surname), it->crn,
                                       t ? t->name : it->type)));
    const char *place = it->location_name ? it->location_name : ck_appt_place_label(it->location);
    if (place) icalcomponent_add_property(ev, icalproperty_new_location(place));
    icalcomponent_add_property(ev, icalproperty_new_sequence(it->sequence > 0 ? it->sequence : 0));
    icalcomponent_add_property(ev, icalproperty_new_status(it->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
    return ev;
}

void ck_web_calendar_feed(ck_http_req *r)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load_zone);
    const char *param = ck_http_param(r, "token");
    size_t n = param ? strlen(param) : 0;
    char hash[2 * HASH_BYTES + 1], err[512];
    ck_db *db = ck_http_db(r, err, sizeof err);
    const char *staff = NULL;
    ck_rc rc = CK_ERR_NOTFOUND;
    if (n > 4 && n < 200 && strcmp(param + n - 4, ".ics") == 0 && db) {
        token_hash(ck_arena_strndup(ck_http_arena(r), param, n - 4), hash);
        rc = ck_diary_feed_find(db, hash, ck_http_arena(r), &staff, err, sizeof err);
    }
    if (!db) rc = CK_ERR_DB;
    if (rc != CK_OK) {
        if (rc != CK_ERR_NOTFOUND) ck_http_log("%s web: calendar feed: %s", ck_http_request_id(r), err);
        ck_http_status(r, rc == CK_ERR_NOTFOUND ? 404 : 500);
        ck_http_content_type(r, "text/plain; charset=utf-8");
        ck_buf_puts(ck_http_out(r), rc == CK_ERR_NOTFOUND ? "No calendar at this address. It may have been turned off.\n"
                                                         : "The calendar could not be read. Try again later.\n");
        return;
    }
    ck_date today = ck_app_today(&ck_web_of(r)->app);
    ck_diary_query q = {.officer = staff, .from = today - FEED_DAYS_BACK, .to = today + FEED_DAYS_AHEAD};
    ck_diary *d = NULL;
    if (ck_diary_list(db, &q, &d, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: calendar feed: %s", ck_http_request_id(r), err);
        ck_http_status(r, 500);
        return;
    }
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//Casekeeper//Appointments//EN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalcomponent_add_property(cal, icalproperty_new_x("Casekeeper appointments"));
    icalproperty_set_x_name(icalcomponent_get_first_property(cal, ICAL_X_PROPERTY), "X-WR-CALNAME");
    icalcomponent_add_component(cal, icalcomponent_new_clone(icaltimezone_get_component(london)));
    time_t now = time(NULL);
    for (size_t i = 0; i < d->n; i++) icalcomponent_add_component(cal, event_of(r, &d->items[i], now));
    ck_diary_free(d);
    char *text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    ck_buf_puts(ck_http_out(r), text);
    free(text);
    ck_http_content_type(r, "text/calendar; charset=utf-8");
    ck_http_status(r, 200);
}

/* ---- Turning it on and off ------------------------------------------------------- */

static void feed_page(ck_http_req *r, const ck_session *s, ck_db *db, const char *url)
{
    bool on = false;
    char err[512];
    if (ck_diary_feed_exists(db, s->staff, &on, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: calendar feed: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    json_t *page = ck_web_page(r, s, "Your appointments in Outlook", "diary");
    json_object_set_new(page, "on", json_boolean(on));
    if (url) json_object_set_new(page, "url", json_string(url));
    ck_web_render(r, 200, "calendar.html", page);
}

static bool feed_begin(ck_http_req *r, ck_session *s, ck_db **db)
{
    if (!ck_web_guard(r, s)) return false;
    if (!s->staff || !*s->staff) {
        ck_web_error_page(r, s, 403, "Your account has no diary",
                          "Your account is not linked to a staff member. Ask an administrator to check it.");
        return false;
    }
    *db = ck_web_db(r, s);
    return *db != NULL;
}

void ck_web_calendar(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    if (feed_begin(r, &s, &db)) feed_page(r, &s, db, NULL);
}

/* POST: a new token (replacing any earlier one), shown once. */
void ck_web_calendar_on(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    if (!feed_begin(r, &s, &db)) return;
    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    char token[sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    char hash[2 * HASH_BYTES + 1], err[512];
    token_hash(token, hash);
    if (ck_diary_feed_set(db, s.staff, hash, (int64_t)time(NULL), err, sizeof err) != CK_OK) {
        ck_http_log("%s web: calendar feed: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    const char *host = ck_http_header(r, "Host");
    const char *url = ck_arena_printf(ck_http_arena(r), "%s://%s/calendar/%s.ics", ck_http_tls(r) ? "https" : "http",
                                      host ? host : "localhost", token);
    sodium_memzero(token, sizeof token);
    feed_page(r, &s, db, url);
}

void ck_web_calendar_off(ck_http_req *r)
{
    ck_session s;
    ck_db *db;
    if (!feed_begin(r, &s, &db)) return;
    char err[512];
    if (ck_diary_feed_revoke(db, s.staff, err, sizeof err) != CK_OK) {
        ck_http_log("%s web: calendar feed: %s", ck_http_request_id(r), err);
        ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service", "Try again later.");
        return;
    }
    ck_web_redirect(r, "/diary/calendar");
}
