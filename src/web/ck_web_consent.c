#include "ck_web_consent.h"
#include "ck_consent.h"
#include "ck_reminder_store.h"
#include "ck_str.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The languages of core/ck_case's ck_vocab_consent_language, as people read them. */
static const char *const language_opts[] = {"english", "English", "welsh", "Welsh (Cymraeg)", NULL};

static const char *language_label(const char *v)
{
    for (size_t i = 0; language_opts[i]; i += 2)
        if (ck_streq(v, language_opts[i])) return language_opts[i + 1];
    return "Not recorded";
}

/* Loads the case the reader may see, or answers. */
static ck_case *load(ck_http_req *r, const ck_session *s, ck_db *db)
{
    ck_case *c = NULL;
    char err[512];
    ck_rc rc = ck_access_get(db, s->p, ck_http_param(r, "crn"), &c, err, sizeof err);
    if (rc == CK_OK) return c;
    if (rc == CK_ERR_NOTFOUND) ck_web_error_page(r, s, 404, "Page not found", "There is no case with that CRN.");
    else if (rc == CK_ERR_DENIED) ck_web_error_page(r, s, 403, "You cannot see this case", err);
    else ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
    return NULL;
}

static void render(ck_http_req *r, unsigned status, json_t *page, const ck_case *c, ck_date today)
{
    char action[160];
    snprintf(action, sizeof action, "/cases/%s/consent/change?version=%lld", c->crn, (long long)c->version);
    char cancel[96];
    snprintf(cancel, sizeof cancel, "/cases/%s/personal", c->crn);
    json_object_set_new(page, "case", ck_web_case_header(r, c, today));
    json_t *f = json_array();
    json_array_append_new(f, ck_web_form_field(r, page, "text", "mobile", "Mobile phone number",
                                               "For text message reminders. A UK mobile, for example 07700 900 982",
                                               NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "text", "email", "Email address",
                                               "For email reminders. Leave empty for texts only", NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "radios", "language", "Language of the reminders", NULL,
                                               language_opts));
    json_array_append_new(f, ck_web_form_field(r, page, "date", "given", "Date consent was given",
                                               "For example, 27 3 2026", NULL));
    json_array_append_new(f, ck_web_form_field(r, page, "date", "withdrawn", "Date consent was withdrawn",
                                               "Leave empty while they want reminders. No reminder is sent from this "
                                               "date on",
                                               NULL));
    ck_web_render_form(r, status, page,
                       &(ck_web_form){.caption = json_string_value(json_object_get(json_object_get(page, "case"), "name")),
                                      .heading = "Reminders by text message or email",
                                      .intro = "Reminders say only the date, time and place of each appointment and "
                                               "the service's phone number. They are sent when an appointment is "
                                               "booked and the day before it.",
                                      .action = action, .submit = "Save", .cancel = cancel},
                       f);
}

/* What both the form and its post start from: the signed-in account, the
 * database, the case and a page; false when it has answered. */
typedef struct opened {
    ck_session s;
    ck_db *db;
    ck_case *c;
    ck_date today;
    json_t *page;
} opened;

static bool open_case(ck_http_req *r, opened *o)
{
    if (!ck_web_guard(r, &o->s)) return false;
    o->db = ck_web_db(r, &o->s);
    if (!o->db) return false;
    o->c = load(r, &o->s, o->db);
    if (!o->c) return false;
    o->today = ck_app_today(&ck_web_of(r)->app);
    o->page = ck_web_page(r, &o->s, "Reminders by text message or email", "caseload");
    return true;
}

void ck_web_consent_form(ck_http_req *r)
{
    opened o;
    if (!open_case(r, &o)) return;
    ck_case *c = o.c;
    json_t *page = o.page;
    json_t *values = json_object();
    json_object_set_new(page, "values", values);
    if (c->person.has_consent) {
        const ck_consent *k = &c->person.consent;
        json_object_set_new(values, "mobile", json_string(k->mobile ? k->mobile : ""));
        json_object_set_new(values, "email", json_string(k->email ? k->email : ""));
        json_object_set_new(values, "language", json_string(k->language));
        ck_web_date_values(r, page, "given", k->given_on);
        if (k->withdrawn_on != CK_NODATE) ck_web_date_values(r, page, "withdrawn", k->withdrawn_on);
    } else {
        json_object_set_new(values, "language", json_string("english"));
    }
    render(r, 200, page, c, o.today);
    ck_case_free(c);
}

void ck_web_consent_post(ck_http_req *r)
{
    opened o;
    if (!open_case(r, &o)) return;
    ck_session s = o.s;
    ck_db *db = o.db;
    ck_case *c = o.c;
    ck_date today = o.today;
    json_t *page = o.page;
    static const char *const kept[] = {"mobile", "email", "language", NULL};
    ck_web_keep_values(r, page, kept);
    const char *mobile = ck_web_field(r, "mobile"), *email = ck_web_field(r, "email");
    const char *language = ck_web_field(r, "language");
    ck_consent k = {.mobile = *mobile ? mobile : NULL, .email = *email ? email : NULL, .language = NULL,
                    .given_on = CK_NODATE, .withdrawn_on = CK_NODATE};
    if (!k.mobile && !k.email) ck_web_form_error(page, "mobile", "Enter a mobile phone number or an email address");
    if (k.mobile && !ck_uk_mobile(k.mobile, NULL))
        ck_web_form_error(page, "mobile", "Enter a UK mobile phone number, like 07700 900 982 or +44 7700 900 982");
    if (k.email && !ck_email_ok(k.email))
        ck_web_form_error(page, "email", "Enter an email address in the correct format, like name@example.com");
    k.language = ck_vocab_find(ck_vocab_consent_language, language, strlen(language));
    if (!k.language) ck_web_form_error_at(page, "language", "language", "Select the language of the reminders");
    bool given_ok = ck_web_date_field(r, page, "given", "Date consent was given", true, &k.given_on);
    bool withdrawn_ok = ck_web_date_field(r, page, "withdrawn", "Date consent was withdrawn", false, &k.withdrawn_on);
    if (given_ok && k.given_on != CK_NODATE && k.given_on > today)
        ck_web_form_error_at(page, "given", "given-day", "Date consent was given must be today or in the past");
    if (given_ok && withdrawn_ok && k.withdrawn_on != CK_NODATE && k.given_on != CK_NODATE && k.withdrawn_on < k.given_on)
        ck_web_form_error_at(page, "withdrawn", "withdrawn-day",
                             "Date consent was withdrawn must be the same as or after the date it was given");
    if (ck_web_form_has_errors(page)) {
        render(r, 400, page, c, today);
        ck_case_free(c);
        return;
    }
    const char *v = ck_http_query(r, "version");
    ck_write_check wc = {.if_match = v ? strtoll(v, NULL, 10) : 0};
    if (wc.if_match <= 0) wc.if_match = -1; /* a form without its version is never saved blind */
    char err[512];
    ck_rc rc = ck_access_consent(db, s.p, &ck_web_of(r)->app.engine, c->crn, &k, today, &wc, err, sizeof err);
    if (rc == CK_OK) {
        char to[128];
        snprintf(to, sizeof to, "/cases/%s/personal?saved=consent", c->crn);
        ck_case_free(c);
        json_decref(page); /* the form is not shown again */
        ck_web_redirect(r, to);
        return;
    }
    if (rc == CK_ERR_STALE) {
        ck_web_form_error(page, "mobile", "Someone else changed this case while you had the form open. Check what "
                                          "you typed and save again");
        c->version = wc.now.version;
    } else if (rc == CK_ERR_INVALID) {
        ck_web_form_error(page, "mobile", "%s", err);
    } else {
        ck_case_free(c);
        json_decref(page);
        ck_web_error_page(r, &s, rc == CK_ERR_DENIED ? 403 : 500, "Sorry, the consent was not saved", err);
        return;
    }
    render(r, rc == CK_ERR_STALE ? 409 : 400, page, c, today);
    ck_case_free(c);
}

/* ---- On the Personal details tab ------------------------------------------------ */

/* A message's status as a practitioner reads it. */
static const char *status_text(const char *status)
{
    static const char *const map[][2] = {
        {"queued", "Waiting to be sent"}, {"sending", "Being sent"},   {"retry", "Not sent yet: trying again"},
        {"sent", "Sent"},                 {"delivered", "Delivered"},  {"failed", "Not sent"},
        {"cancelled", "Not needed"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (ck_streq(status, map[i][0])) return map[i][1];
    return status;
}

json_t *ck_web_reminders_json(ck_http_req *r, ck_db *db, const ck_case *c, ck_date today)
{
    json_t *j = json_object();
    const ck_person *p = &c->person;
    bool active = p->has_consent && ck_consent_active(&p->consent, today);
    json_object_set_new(j, "recorded", json_boolean(p->has_consent));
    json_object_set_new(j, "active", json_boolean(active));
    if (p->has_consent) {
        const ck_consent *k = &p->consent;
        json_object_set_new(j, "mobile", json_string(k->mobile ? k->mobile : "Not given"));
        json_object_set_new(j, "email", json_string(k->email ? k->email : "Not given"));
        json_object_set_new(j, "language", json_string(language_label(k->language)));
        json_object_set_new(j, "given", json_string(ck_web_date_long(r, k->given_on)));
        json_object_set_new(j, "withdrawn", json_string(k->withdrawn_on != CK_NODATE ? ck_web_date_long(r, k->withdrawn_on) : ""));
    }
    enum { MAX_SHOWN = 50 };
    ck_reminder *rows = ck_malloc(MAX_SHOWN * sizeof *rows);
    size_t n = 0;
    char err[512];
    if (ck_remstore_for_case(db, c->crn, rows, MAX_SHOWN, &n, err, sizeof err) != CK_OK) {
        ck_free(rows);
        json_decref(j);
        return NULL;
    }
    json_t *list = json_array();
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        const ck_reminder *m = &rows[i];
        bool bad = strcmp(m->status, "failed") == 0;
        failed += bad;
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "appointment", ck_web_date_long(r, m->appointment_on),
                            "what", strcmp(m->kind, "booked") == 0 ? "Booking confirmation" : "Reminder the day before",
                            "channel", strcmp(m->channel, "sms") == 0 ? "Text message" : "Email", "status",
                            status_text(m->status), "error", m->error, "failed", bad));
    }
    ck_free(rows);
    json_object_set_new(j, "messages", list);
    json_object_set_new(j, "failed", json_integer((json_int_t)failed));
    return j;
}
