#include "ck_reminders.h"
#include "ck_appt.h"
#include "ck_consent.h"
#include "ck_log.h"
#include "ck_jobs.h"
#include "ck_str.h"
#include "ck_txn.h"
#include "ck_worker.h"
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH 64            /* rows sent per round at most; the rest wait for the next */
#define BOOKED_WINDOW_DAYS 1 /* a booking message for appointments booked today or yesterday */

/* ---- Time in Europe/London ---------------------------------------------------- */

void ck_london_time(time_t t, ck_date *date, int *hour, int *minute)
{
    int64_t local = ck_date_uk_local((int64_t)t);
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t secs = local - days * 86400;
    *date = (ck_date)days;
    if (hour) *hour = (int)(secs / 3600);
    if (minute) *minute = (int)(secs % 3600 / 60);
}

/* ---- References ---------------------------------------------------------------- */

/* "ck-" and 32 hex digits of a hash of what the message is: the same message
 * always has the same reference, and Notify never sees the CRN. */
static void make_reference(const char *crn, const char *contact_id, ck_date on, const char *kind, const char *channel,
                           char out[CK_REM_REF_MAX])
{
    char day[CK_DATE_STRLEN];
    crypto_generichash_state st;
    unsigned char h[16];
    crypto_generichash_init(&st, (const unsigned char *)"casekeeper-reminder", 19, sizeof h);
    const char *parts[] = {crn, contact_id, ck_date_fmt(on, day), kind, channel};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        crypto_generichash_update(&st, (const unsigned char *)parts[i], strlen(parts[i]) + 1); /* with the NUL */
    crypto_generichash_final(&st, h, sizeof h);
    memcpy(out, "ck-", 3);
    sodium_bin2hex(out + 3, CK_REM_REF_MAX - 3, h, sizeof h);
}

/* ---- Planning -------------------------------------------------------------------- */

typedef struct plan_ctx {
    ck_db *db;
    const ck_rules_config *cfg;
    ck_date today;
    int hour;
    int64_t now;
    size_t planned;
    ck_rc rc;
    char *err;
    size_t err_len;
} plan_ctx;

static bool plan_one(plan_ctx *p, const ck_rem_candidate *c, const char *kind)
{
    static const char *const channels[] = {"sms", "email"};
    bool want[] = {c->mobile, c->email};
    for (int i = 0; i < 2; i++) {
        if (!want[i]) continue;
        char ref[CK_REM_REF_MAX];
        make_reference(c->crn, c->contact_id, c->date, kind, channels[i], ref);
        bool added = false;
        p->rc = ck_remstore_plan(p->db, ref, c->crn, c->contact_id, c->date, kind, channels[i], p->now, &added, p->err,
                                 p->err_len);
        if (p->rc != CK_OK) return false;
        p->planned += added;
    }
    return true;
}

static bool plan_candidate(void *ctx, const ck_rem_candidate *c)
{
    plan_ctx *p = ctx;
    int lead = p->cfg->reminder_lead_days;
    ck_date remind_on = c->date - lead;
    bool booked_lately = c->booked_on != CK_NODATE && c->booked_on >= p->today - BOOKED_WINDOW_DAYS;
    if (booked_lately && !plan_one(p, c, "booked")) return false;
    /* The reminder, on its day from its hour, unless the booking came on or
     * after that day: then the booking message is the reminder. */
    bool booked_late = c->booked_on != CK_NODATE && c->booked_on >= remind_on;
    if (!booked_late && p->today >= remind_on && p->today < c->date && (p->today > remind_on || p->hour >= p->cfg->reminder_hour))
        return plan_one(p, c, "day_before");
    return true;
}

static ck_rc plan(ck_db *db, const ck_rules_config *cfg, time_t now, size_t *planned, char *err, size_t err_len)
{
    plan_ctx p = {db, cfg, 0, 0, now, 0, CK_OK, err, err_len};
    ck_london_time(now, &p.today, &p.hour, NULL);
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    if (rc != CK_OK) return rc;
    rc = ck_remstore_candidates(db, p.today, p.today + cfg->reminder_lead_days, p.today - BOOKED_WINDOW_DAYS,
                                plan_candidate, &p, err, err_len);
    if (rc == CK_OK) rc = p.rc;
    rc = ck_txn_finish(db, rc, err, err_len);
    *planned = p.planned;
    return rc;
}

/* ---- The words of a message -------------------------------------------------------- */

static const char *const DAY_EN[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const DAY_CY[] = {"Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau",
                                     "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul"};
static const char *const MONTH_EN[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
static const char *const MONTH_CY[] = {"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai",      "Mehefin",
                                       "Gorffennaf", "Awst", "Medi",   "Hydref", "Tachwedd", "Rhagfyr"};

/* "Tuesday 9 December 2026" / "Dydd Mawrth 9 Rhagfyr 2026". */
static void date_words(ck_date d, bool welsh, char *out, size_t len)
{
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    int wd = ck_date_weekday(d);
    const char *day = welsh ? DAY_CY[wd] : DAY_EN[wd], *month = welsh ? MONTH_CY[m - 1] : MONTH_EN[m - 1];
    snprintf(out, len, "%s %d %s %d", day, dd, month, y);
}

/* "10am", "2:30pm", "midday" (GOV.UK style) or "10yb", "2:30yh", "canol
 * dydd" (Welsh) from "HH:MM"; false when hhmm is not a time. */
static bool time_words(const char *hhmm, bool welsh, char *out, size_t len)
{
    int mins = ck_appt_minutes(hhmm);
    if (mins < 0) return false;
    int h = mins / 60, m = mins % 60;
    if (h == 12 && m == 0) {
        snprintf(out, len, "%s", welsh ? "canol dydd" : "midday");
        return true;
    }
    int h12 = h % 12 == 0 ? 12 : h % 12;
    const char *suffix = h < 12 ? (welsh ? "yb" : "am") : (welsh ? "yh" : "pm");
    if (m) snprintf(out, len, "%d:%02d%s", h12, m, suffix);
    else snprintf(out, len, "%d%s", h12, suffix);
    return true;
}

/* Where, in words: the places that are not an office as core/ck_appt names
 * them (in Welsh here), an office by its name and address from the
 * organisation data (store/ck_reminder_store). False when there is no
 * place or the office is unknown. */
static bool place_words(ck_db *db, const char *location, bool welsh, char *out, size_t len)
{
    static const char *const welsh_places[] = {"Galwad fideo", "Galwad ffôn", "Ymweliad cartref", NULL};
    if (!location) return false;
    for (size_t i = 0; ck_vocab_appt_place[i]; i++)
        if (strcmp(location, ck_vocab_appt_place[i]) == 0) {
            snprintf(out, len, "%s", welsh ? welsh_places[i] : ck_appt_place_label(location));
            return true;
        }
    char err[256];
    bool found = false;
    return ck_remstore_office(db, location, out, len, &found, err, sizeof err) == CK_OK && found;
}

/* The personalisation of a message about appointment a (its date words are
 * date_words'): false when it has no start time or no known place, so no
 * message can say when or where. */
static bool appointment_time_place(ck_db *db, const ck_contact *a, bool welsh, char *time_s, size_t time_len,
                                   char *place, size_t place_len)
{
    return time_words(a->start_time, welsh, time_s, time_len) && place_words(db, a->location, welsh, place, place_len);
}

/* ---- Sending --------------------------------------------------------------------- */

typedef struct sender {
    ck_db *db;
    const ck_reminders_ctx *ctx;
    const ck_rules_config *cfg;
    time_t now;
    struct timespec started; /* CLOCK_MONOTONIC at the round's start */
    ck_date today;
    ck_reminders_round *round;
} sender;

/* The reminders' lease (store/ck_jobs): one server plans and sends. */
#define LEASE "scheduler"

/* How long a lease lasts: two rounds and a minute. */
static int64_t lease_s(const ck_rules_config *cfg) { return 2 * (int64_t)cfg->reminder_poll_s + 60; }

static ck_rc set_row(sender *s, const ck_reminder *r, const char *status, int attempts, int64_t next,
                     const char *notify_id, const char *error, char *err, size_t err_len)
{
    return ck_remstore_set(s->db, r->reference, status, attempts, next, notify_id, error, (int64_t)s->now, err,
                           err_len);
}

/* Marks the row sent and records the message as a contact on the case, in
 * one transaction; when the contact cannot be written the row is still
 * marked sent (the message went), with why. */
static ck_rc record_sent(sender *s, const ck_reminder *r, const ck_contact *appt, const char *notify_id, char *err,
                         size_t err_len)
{
    bool sms = strcmp(r->channel, "sms") == 0;
    char id[16], day[64], notes[256];
    memcpy(id, "N", 2);
    memcpy(id + 1, r->reference + 3, 10); /* the reference's hash: one contact per message */
    id[11] = '\0';
    date_words(appt->date, false, day, sizeof day);
    snprintf(notes, sizeof notes, "%s %s sent through GOV.UK Notify for the appointment on %s.",
             sms ? "Text message" : "Email", strcmp(r->kind, "booked") == 0 ? "confirming the booking" : "reminder",
             day);
    ck_contact c = ck_contact_blank();
    c.id = id;
    c.event = appt->event;
    c.date = s->today;
    c.type = CK_REMINDER_CONTACT_TYPE;
    c.notes = notes;
    ck_rc rc = ck_txn_begin_write(s->db, err, err_len);
    if (rc != CK_OK) return rc;
    char why[512];
    rc = ck_cases_add_tx(s->db, s->ctx->eng, r->crn, "contacts", &c, s->today, why, sizeof why);
    if (rc == CK_ERR_EXISTS) rc = CK_OK; /* recorded by an earlier round */
    if (rc == CK_OK) rc = set_row(s, r, "sent", r->attempts, 0, notify_id, NULL, err, err_len);
    rc = ck_txn_finish(s->db, rc, err, err_len);
    if (rc == CK_OK) return CK_OK;
    char error[CK_REM_ERR_MAX];
    snprintf(error, sizeof error, "Sent, but not recorded as a contact: %.200s", why);
    return set_row(s, r, "sent", r->attempts, 0, notify_id, error, err, err_len);
}

/* Why the row must not be sent now (into why), or NULL: the appointment
 * stands and consent holds. */
static const char *stands(sender *s, const ck_reminder *r, const ck_case *c, const ck_contact **appt)
{
    *appt = c ? ck_case_contact(c, r->contact_id) : NULL;
    const ck_contact *a = *appt;
    if (!a || a->appointment != 1) return "The appointment is no longer on the case";
    if (!ck_appt_live(a)) return "The appointment was cancelled";
    if (a->outcome) return "The appointment has an outcome";
    if (a->date != r->appointment_on) return "The appointment was moved to another date";
    if (a->date < s->today) return "The appointment has passed";
    if (!c->person.has_consent || !ck_consent_active(&c->person.consent, s->today)) return "Consent was withdrawn";
    bool sms = strcmp(r->channel, "sms") == 0;
    if (sms ? !c->person.consent.mobile : !c->person.consent.email)
        return sms ? "No mobile number in the consent" : "No email address in the consent";
    return NULL;
}

static const char *template_for(const ck_rules_config *cfg, bool sms, bool welsh)
{
    if (sms) return welsh ? cfg->notify_sms_template_welsh : cfg->notify_sms_template_english;
    return welsh ? cfg->notify_email_template_welsh : cfg->notify_email_template_english;
}

/* A failure: again later, doubling, or failed for good. */
static ck_rc failed_attempt(sender *s, const ck_reminder *r, int attempts, ck_notify_result res, const char *why,
                            char *err, size_t err_len)
{
    if (res == CK_NOTIFY_RETRY && attempts < s->cfg->reminder_max_attempts) {
        int64_t wait = s->cfg->reminder_retry_s;
        for (int i = 1; i < attempts && wait < 86400; i++) wait *= 2;
        s->round->retried++;
        return set_row(s, r, "retry", attempts, (int64_t)s->now + wait, NULL, why, err, err_len);
    }
    s->round->failed++;
    char error[CK_REM_ERR_MAX];
    snprintf(error, sizeof error, "%s%.200s", res == CK_NOTIFY_RETRY ? "Gave up after repeated failures: " : "", why);
    return set_row(s, r, "failed", attempts, 0, NULL, error, err, err_len);
}

static ck_rc send_one(sender *s, const ck_reminder *r, char *err, size_t err_len)
{
    ck_case *c = NULL;
    char why[512];
    ck_rc rc = ck_cases_get(s->db, r->crn, &c, why, sizeof why);
    if (rc != CK_OK && rc != CK_ERR_NOTFOUND) {
        snprintf(err, err_len, "%s", why);
        return rc;
    }
    const ck_contact *appt = NULL;
    const char *no = stands(s, r, c, &appt);
    bool welsh = c && c->person.has_consent && ck_streq(c->person.consent.language, "welsh");
    char day[64], time_s[32], place[CK_RULECFG_STR_MAX], to[CK_RULECFG_STR_MAX];
    if (!no && !appointment_time_place(s->db, appt, welsh, time_s, sizeof time_s, place, sizeof place))
        no = "The appointment has no start time or place";
    bool sms = strcmp(r->channel, "sms") == 0;
    if (no) {
        /* An attempt made earlier may have gone: then it is sent, not cancelled. */
        if (r->attempts == 0) {
            s->round->cancelled++;
            rc = set_row(s, r, "cancelled", r->attempts, 0, NULL, no, err, err_len);
            ck_case_free(c);
            return rc;
        }
    } else {
        date_words(appt->date, welsh, day, sizeof day);
        if (sms) ck_uk_mobile(c->person.consent.mobile, to);
        else snprintf(to, sizeof to, "%s", c->person.consent.email);
    }
    char id[CK_NOTIFY_ID_MAX] = "", nerr[512] = "";
    int attempts = r->attempts;
    ck_notify_result res = CK_NOTIFY_NONE;
    /* An attempt whose answer was not seen: did Notify take it? */
    if (attempts > 0) {
        res = ck_notify_find(s->ctx->notify, r->reference, id, nerr, sizeof nerr);
        if (res == CK_NOTIFY_RETRY || res == CK_NOTIFY_REFUSED) {
            rc = failed_attempt(s, r, attempts, res, nerr, err, err_len);
            ck_case_free(c);
            return rc;
        }
    }
    if (res == CK_NOTIFY_NONE && no) {
        s->round->cancelled++;
        rc = set_row(s, r, "cancelled", attempts, 0, NULL, no, err, err_len);
        ck_case_free(c);
        return rc;
    }
    if (res == CK_NOTIFY_NONE) {
        /* Marked and committed before the request: a crash after it leaves a
         * row the next round looks up before sending again. */
        attempts++;
        rc = set_row(s, r, "sending", attempts, (int64_t)s->now + s->cfg->reminder_retry_s, NULL, NULL, err, err_len);
        if (rc != CK_OK) {
            ck_case_free(c);
            return rc;
        }
        ck_notify_message m = {.channel = sms ? CK_NOTIFY_SMS : CK_NOTIFY_EMAIL, .to = to,
                               .template_id = template_for(s->cfg, sms, welsh), .reference = r->reference,
                               .date = day, .time = time_s, .place = place, .phone = s->cfg->notify_service_phone};
        res = ck_notify_send(s->ctx->notify, &m, id, nerr, sizeof nerr);
    }
    if (res == CK_NOTIFY_OK) {
        ck_reminder done = *r;
        done.attempts = attempts;
        s->round->sent++;
        rc = appt ? record_sent(s, &done, appt, id, err, err_len)
                  : set_row(s, &done, "sent", attempts, 0, id, NULL, err, err_len);
    } else {
        rc = failed_attempt(s, r, attempts, res, nerr, err, err_len);
    }
    ck_case_free(c);
    return rc;
}

static ck_rc send_due(sender *s, char *err, size_t err_len)
{
    ck_reminder rows[BATCH];
    size_t n = 0;
    ck_rc rc = ck_remstore_due(s->db, (int64_t)s->now, rows, BATCH, &n, err, err_len);
    for (size_t i = 0; rc == CK_OK && i < n; i++) {
        /* Each send may wait on Notify: the lease is renewed before each. */
        bool held = false;
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        int64_t at = (int64_t)s->now + (int64_t)(t.tv_sec - s->started.tv_sec); /* the round's clock, run on */
        rc = ck_jobs_lease(s->db, LEASE, s->ctx->holder, at, at + lease_s(s->cfg), &held, err, err_len);
        if (rc != CK_OK || !held) break;
        rc = send_one(s, &rows[i], err, err_len);
    }
    return rc;
}

ck_reminders_metrics ck_reminders_stats;

static ck_rc tick_round(ck_db *db, const ck_reminders_ctx *ctx, time_t now, ck_reminders_round *round, char *err,
                        size_t err_len)
{
    *round = (ck_reminders_round){0};
    const ck_rules_config *cfg = ctx->eng->cfg;
    ck_rc rc = ck_jobs_lease(db, LEASE, ctx->holder, (int64_t)now, (int64_t)now + lease_s(cfg), &round->held, err, err_len);
    if (rc != CK_OK || !round->held) return rc;
    rc = plan(db, cfg, now, &round->planned, err, err_len);
    if (rc != CK_OK) return rc;
    sender s = {.db = db, .ctx = ctx, .cfg = cfg, .now = now, .round = round};
    clock_gettime(CLOCK_MONOTONIC, &s.started);
    ck_london_time(now, &s.today, NULL, NULL);
    return send_due(&s, err, err_len);
}

ck_rc ck_reminders_tick(ck_db *db, const ck_reminders_ctx *ctx, time_t now, ck_reminders_round *round, char *err,
                        size_t err_len)
{
    ck_rc rc = tick_round(db, ctx, now, round, err, err_len);
    /* What went counts even when the round then failed. */
    const size_t counts[] = {round->planned, round->sent, round->retried, round->failed, round->cancelled};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
        ck_counter_add(&ck_reminders_stats.messages[i], counts[i]);
    if (rc != CK_OK) ck_counter_add(&ck_reminders_stats.rounds_failed, 1);
    return rc;
}

/* ---- Receipts --------------------------------------------------------------------- */

ck_rc ck_reminders_receipt(ck_db *db, const char *notify_id, const char *reference, const char *status, time_t now,
                           char *err, size_t err_len)
{
    static const struct {
        const char *notify, *ours, *why;
    } map[] = {
        {"delivered", "delivered", NULL},
        {"permanent-failure", "failed", "Not delivered: the number or address does not exist or cannot receive messages"},
        {"temporary-failure", "failed", "Not delivered: the phone was off or the inbox full for 3 days"},
        {"technical-failure", "failed", "Not delivered: a technical failure at GOV.UK Notify"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        if (!ck_streq(status, map[i].notify)) continue;
        bool found = false;
        ck_rc rc = ck_txn_begin_write(db, err, err_len);
        if (rc != CK_OK) return rc;
        rc = ck_remstore_receipt(db, notify_id, reference, map[i].ours, map[i].why, (int64_t)now, &found, err, err_len);
        rc = ck_txn_finish(db, rc, err, err_len);
        if (rc == CK_OK && !found) return ck_txn_fail(CK_ERR_NOTFOUND, err, err_len, "no message has that id");
        return rc;
    }
    return ck_txn_fail(CK_ERR_INVALID, err, err_len,
                       "status: expected delivered, permanent-failure, temporary-failure or technical-failure");
}

/* ---- Configuration and the thread ---------------------------------------------------- */

bool ck_reminders_read_secret(const char *key, const char *path, char *out, size_t out_len, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: cannot read %s: %s", key, path, strerror(errno));
        return false;
    }
    bool ok = fgets(out, (int)out_len, f) != NULL;
    fclose(f);
    size_t n = ok ? strlen(out) : 0;
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ')) out[--n] = '\0';
    if (!n) {
        snprintf(err, err_len, "%s: %s is empty", key, path);
        return false;
    }
    return true;
}

bool ck_reminders_config_ok(const ck_rules_config *cfg, bool *enabled, char *err, size_t err_len)
{
    *enabled = cfg->notify_api_key_file[0] != '\0';
    if (!*enabled) return true;
    const struct {
        const char *key, *value;
    } need[] = {{"notify_base_url", cfg->notify_base_url},
                {"notify_service_phone", cfg->notify_service_phone},
                {"notify_sms_template_english", cfg->notify_sms_template_english},
                {"notify_sms_template_welsh", cfg->notify_sms_template_welsh},
                {"notify_email_template_english", cfg->notify_email_template_english},
                {"notify_email_template_welsh", cfg->notify_email_template_welsh}};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        if (need[i].value[0]) continue;
        snprintf(err, err_len, "%s: required when notify_api_key_file is set (config/rules.conf)", need[i].key);
        return false;
    }
    return true;
}

struct ck_reminders {
    ck_db *db;
    const ck_engine *eng;
    ck_notify *notify;
    char holder[128];
    ck_worker *worker;
};

static int64_t reminders_round(void *arg)
{
    ck_reminders *r = arg;
    ck_reminders_ctx ctx = {r->eng, r->notify, r->holder};
    ck_reminders_round round;
    char err[1024];
    ck_rc rc = ck_reminders_tick(r->db, &ctx, time(NULL), &round, err, sizeof err);
    /* Counts only: never a name, CRN or number. */
    if (rc != CK_OK) {
        ck_log_msg("reminders: round failed: %s", err);
    } else if (round.planned || round.sent || round.retried || round.failed || round.cancelled) {
        static const char *const keys[] = CK_REMINDERS_OUTCOMES;
        const size_t counts[] = {round.planned, round.sent, round.retried, round.failed, round.cancelled};
        ck_log_field f[sizeof keys / sizeof *keys];
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) f[i] = CK_LF_INT(keys[i], counts[i]);
        ck_log_event("reminders", f, sizeof f / sizeof *f);
    }
    return ck_worker_every_s(r->eng->cfg->reminder_poll_s);
}

ck_reminders *ck_reminders_start(const char *db_url, const ck_engine *eng, bool *running, char *err, size_t err_len)
{
    *running = false;
    const ck_rules_config *cfg = eng->cfg;
    bool enabled = false;
    if (!ck_reminders_config_ok(cfg, &enabled, err, err_len)) return NULL;
    ck_reminders *r = ck_calloc(1, sizeof *r);
    if (!enabled) return r;
    char key[512];
    if (!ck_reminders_read_secret("notify_api_key_file", cfg->notify_api_key_file, key, sizeof key, err, err_len)) {
        ck_free(r);
        return NULL;
    }
    r->notify = ck_notify_new(cfg->notify_base_url, key, err, err_len);
    sodium_memzero(key, sizeof key);
    if (!r->notify) {
        ck_free(r);
        return NULL;
    }
    r->db = ck_db_open(db_url, err, err_len);
    if (!r->db) {
        ck_notify_free(r->notify);
        ck_free(r);
        return NULL;
    }
    ck_jobs_server_name(r->holder, sizeof r->holder);
    r->eng = eng;
    r->worker = ck_worker_start(reminders_round, r);
    if (!r->worker) {
        snprintf(err, err_len, "the reminders thread could not start");
        ck_db_close(r->db);
        ck_notify_free(r->notify);
        ck_free(r);
        return NULL;
    }
    *running = true;
    return r;
}

void ck_reminders_stop(ck_reminders *r)
{
    if (!r) return;
    if (r->db) {
        ck_worker_stop(r->worker);
        ck_db_close(r->db);
        ck_notify_free(r->notify);
    }
    ck_free(r);
}
