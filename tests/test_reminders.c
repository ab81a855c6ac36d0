/* Appointment reminders (services/ck_reminders) against the fake GOV.UK
 * Notify (build/fake-notify, tests/fake_notify.c), on SQLite and
 * PostgreSQL: exactly one message per appointment across a 500 answer and a
 * server restart, none without consent or after it is withdrawn, Welsh when
 * chosen, the token checked by the fake, delivery receipts. Times are
 * fixed instants passed to each round, never the wall clock's. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_store.h"
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_consent.h"
#include "ck_notify.h"
#include "ck_reminders.h"
#include "ck_rulecfg.h"
#include "ck_str.h"
#include <curl/curl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define FAKE "build/fake-notify"
#define TPL_SMS_EN "11111111-1111-4111-8111-111111111111"
#define TPL_SMS_CY "22222222-2222-4222-8222-222222222222"
#define TPL_EMAIL_EN "33333333-3333-4333-8333-333333333333"
#define TPL_EMAIL_CY "44444444-4444-4444-8444-444444444444"
#define PHONE "0300 123 4567"

/* 10:30 UTC on 9 March 2026 (GMT: 10:30 in London), the day before the
 * appointments of these tests (10 March 2026, 10:00). */
#define T0 ((time_t)1773052200)

/* ---- The fake --------------------------------------------------------------------- */

typedef struct fake {
    pid_t pid;
    char url[256], key_file[128];
} fake;

static void fake_start(fake *f)
{
    static int seq;
    snprintf(f->key_file, sizeof f->key_file, "/tmp/ck-fake-notify-%ld-%d.key", (long)getpid(), ++seq);
    unlink(f->key_file);
    int out[2];
    assert_int_equal(pipe(out), 0);
    f->pid = fork();
    assert_true(f->pid >= 0);
    if (f->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* a failed test does not leave it running */
        dup2(out[1], 1);
        close(out[0]);
        execl(FAKE, FAKE, "--key-file", f->key_file, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *in = fdopen(out[0], "r");
    char line[256] = "";
    if (!fgets(line, sizeof line, in)) fail_msg("%s did not start (make build/fake-notify)", FAKE);
    fclose(in);
    line[strcspn(line, "\n")] = '\0';
    assert_true(strncmp(line, "listening on ", 13) == 0);
    snprintf(f->url, sizeof f->url, "%s", line + 13);
}

static void fake_stop(fake *f)
{
    kill(f->pid, SIGTERM);
    waitpid(f->pid, NULL, 0);
    unlink(f->key_file);
}

static size_t collect(char *p, size_t s, size_t n, void *ud)
{
    ck_buf_append(ud, p, s * n);
    return s * n;
}

/* method path on the fake; the JSON answer (caller frees). */
static json_t *fake_call(const fake *f, const char *method, const char *path)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", f->url, path);
    ck_buf b = CK_BUF_INIT;
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "POST") == 0) curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_cleanup(c);
    json_t *j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
    ck_buf_free(&b);
    assert_non_null(j);
    return j;
}

/* ---- The server's side --------------------------------------------------------------- */

typedef struct world {
    ck_db *db;
    fake f;
    ck_rules_config *cfg;
    ck_engine eng;
    ck_notify *notify;
    ck_reminders_ctx ctx;
} world;

static void world_start(world *w, void **state, const char *key_override)
{
    w->db = ck_test_db_get(state);
    fake_start(&w->f);
    char text[2048], err[512];
    snprintf(text, sizeof text,
             "notify_api_key_file = %s\nnotify_base_url = %s\nnotify_service_phone = " PHONE "\n"
             "notify_sms_template_english = " TPL_SMS_EN "\nnotify_sms_template_welsh = " TPL_SMS_CY "\n"
             "notify_email_template_english = " TPL_EMAIL_EN "\nnotify_email_template_welsh = " TPL_EMAIL_CY "\n"
             "reminder_poll_s = 30\nreminder_retry_s = 60\nreminder_max_attempts = 3\n",
             w->f.key_file, w->f.url);
    w->cfg = ck_rulecfg_parse(text, strlen(text), err, sizeof err);
    if (!w->cfg) fail_msg("%s", err);
    bool enabled = false;
    if (!ck_reminders_config_ok(w->cfg, &enabled, err, sizeof err)) fail_msg("%s", err);
    assert_true(enabled);
    w->eng = ck_engine_default();
    w->eng.cfg = w->cfg;
    char key[256];
    if (key_override) snprintf(key, sizeof key, "%s", key_override);
    else if (!ck_reminders_read_secret("notify_api_key_file", w->f.key_file, key, sizeof key, err, sizeof err))
        fail_msg("%s", err);
    w->notify = ck_notify_new(w->cfg->notify_base_url, key, err, sizeof err);
    if (!w->notify) fail_msg("%s", err);
    w->ctx = (ck_reminders_ctx){&w->eng, w->notify, "server-1"};
}

static void world_stop(world *w)
{
    ck_notify_free(w->notify);
    ck_rulecfg_free(w->cfg);
    fake_stop(&w->f);
}

/* The example case as crn, with consent (language NULL: none) and one
 * appointment C9 on 10 March 2026 at 10:00 by video, booked on booked_on. */
static void add_case(world *w, const char *crn, const char *mobile, const char *email, const char *language,
                     const char *withdrawn, const char *booked_on)
{
    char err[1024];
    ck_case *c = ck_test_example_case(crn);
    if (language) {
        c->person.has_consent = true;
        c->person.consent = (ck_consent){mobile, email, language, ck_test_date("2026-01-05"),
                                         withdrawn ? ck_test_date(withdrawn) : CK_NODATE};
    }
    ck_contact *cs = ck_arena_alloc(&c->arena, (c->n_contacts + 1) * sizeof *cs);
    memcpy(cs, c->contacts, c->n_contacts * sizeof *cs);
    cs[c->n_contacts] = (ck_contact){.id = "C9", .event = "E1", .date = ck_test_date("2026-03-10"), .type = "COAP",
                                     .national_standard = 1, .appointment = 1, .outcome_on = CK_NODATE,
                                     .booked_on = ck_test_date(booked_on), .sensitive = CK_NULL,
                                     .start_time = "10:00", .end_time = "10:30", .location = "video",
                                     .cancelled = CK_NULL, .sequence = CK_NOINT, .hours = CK_NOINT};
    c->contacts = cs;
    c->n_contacts++;
    if (!ck_case_validate(c, err, sizeof err)) fail_msg("%s", err);
    ck_rc rc = ck_cases_create(w->db, &w->eng, c, ck_test_date("2026-03-09"), err, sizeof err);
    if (rc != CK_OK) fail_msg("create %s: %s", crn, err);
    ck_case_free(c);
}

static ck_reminders_round tick(world *w, time_t now)
{
    ck_reminders_round r;
    char err[1024];
    ck_rc rc = ck_reminders_tick(w->db, &w->ctx, now, &r, err, sizeof err);
    if (rc != CK_OK) fail_msg("tick: %s", err);
    return r;
}

static size_t count_sent(world *w)
{
    json_t *s = fake_call(&w->f, "GET", "/_sent");
    size_t n = json_array_size(s);
    json_decref(s);
    return n;
}

/* The case's contacts of type CMOB (a message sent). */
static size_t message_contacts(world *w, const char *crn)
{
    ck_case *c = NULL;
    char err[512];
    if (ck_cases_get(w->db, crn, &c, err, sizeof err) != CK_OK) fail_msg("%s", err);
    size_t n = 0;
    for (size_t i = 0; i < c->n_contacts; i++) n += ck_streq(c->contacts[i].type, CK_REMINDER_CONTACT_TYPE);
    ck_case_free(c);
    return n;
}

static ck_reminder one_row(world *w, const char *crn)
{
    ck_reminder rows[4];
    size_t n = 0;
    char err[512];
    if (ck_remstore_for_case(w->db, crn, rows, 4, &n, err, sizeof err) != CK_OK) fail_msg("%s", err);
    if (n != 1) fail_msg("%s: %zu outbox rows, expected 1", crn, n);
    return rows[0];
}

/* ---- Tests ------------------------------------------------------------------------------- */

/* Notify's answer to the first attempt is lost (the fake takes the message
 * and answers 500); the server then restarts (a new connection, client and
 * lease holder). The retry finds the message by its reference: one message,
 * one contact on the case. */
static void one_message_across_a_500_and_a_restart(void **state)
{
    world w;
    world_start(&w, state, NULL);
    add_case(&w, "X100001", "07700 900123", NULL, "english", NULL, "2026-03-01");
    json_decref(fake_call(&w.f, "POST", "/_fail?status=500&count=1&record=1"));
    ck_reminders_round r = tick(&w, T0);
    assert_true(r.held);
    assert_int_equal(r.planned, 1);
    assert_int_equal(r.sent, 0);
    assert_int_equal(r.retried, 1);
    assert_int_equal(count_sent(&w), 1); /* taken by Notify, though we were told 500 */
    ck_reminder row = one_row(&w, "X100001");
    assert_string_equal(row.status, "retry");
    assert_string_equal(row.kind, "day_before");
    assert_string_equal(row.channel, "sms");
    assert_int_equal(message_contacts(&w, "X100001"), 0);

    /* The restart: everything new but the databases and the fake. */
    char err[512], key[256];
    ck_notify_free(w.notify);
    if (!ck_reminders_read_secret("k", w.f.key_file, key, sizeof key, err, sizeof err)) fail_msg("%s", err);
    w.notify = ck_notify_new(w.cfg->notify_base_url, key, err, sizeof err);
    ck_db *again = ck_db_open(ck_test_db_url(state, 0), err, sizeof err);
    assert_non_null(again);
    ck_db *first = w.db;
    w.db = again;
    w.ctx = (ck_reminders_ctx){&w.eng, w.notify, "server-1-restarted"};
    /* The old holder's lease runs 2 * 30 + 60 s: not before. */
    r = tick(&w, T0 + 100);
    assert_false(r.held);
    r = tick(&w, T0 + 200);
    assert_true(r.held);
    assert_int_equal(r.planned, 0);
    assert_int_equal(r.sent, 1);
    assert_int_equal(count_sent(&w), 1);
    row = one_row(&w, "X100001");
    assert_string_equal(row.status, "sent");
    assert_int_equal(row.attempts, 1);
    assert_int_equal(message_contacts(&w, "X100001"), 1);
    /* Later rounds plan and send nothing more. */
    r = tick(&w, T0 + 3600);
    assert_int_equal(r.planned + r.sent + r.retried, 0);
    assert_int_equal(count_sent(&w), 1);
    assert_int_equal(message_contacts(&w, "X100001"), 1);
    json_t *reqs = fake_call(&w.f, "GET", "/_requests");
    /* POST (500, taken), GET by reference (found): never a second POST. */
    assert_int_equal(json_array_size(reqs), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(reqs, 1), "status")), 200);
    json_decref(reqs);
    ck_db_close(again);
    w.db = first;
    world_stop(&w);
}

/* A 500 before the message is taken, then a 429: each retry asks first,
 * finds nothing and sends; one message in the end, after back-off. */
static void one_message_after_refusals(void **state)
{
    world w;
    world_start(&w, state, NULL);
    /* /metrics' counts (ck_reminders_stats) move with the rounds. */
    uint64_t sent0 = ck_counter_get(&ck_reminders_stats.messages[1]),
             retried0 = ck_counter_get(&ck_reminders_stats.messages[2]),
             failed0 = ck_counter_get(&ck_reminders_stats.messages[3]);
    add_case(&w, "X100002", "07700 900124", NULL, "english", NULL, "2026-03-01");
    json_decref(fake_call(&w.f, "POST", "/_fail?status=500&count=1"));
    ck_reminders_round r = tick(&w, T0);
    assert_int_equal(r.retried, 1);
    json_decref(fake_call(&w.f, "POST", "/_fail?status=429&count=1"));
    r = tick(&w, T0 + 60); /* first retry after 60 s */
    assert_int_equal(r.retried, 1);
    r = tick(&w, T0 + 100); /* the second waits 120 s */
    assert_int_equal(r.sent + r.retried, 0);
    r = tick(&w, T0 + 180);
    assert_int_equal(r.sent, 1);
    assert_int_equal(count_sent(&w), 1);
    assert_string_equal(one_row(&w, "X100002").status, "sent");
    assert_int_equal(message_contacts(&w, "X100002"), 1);

    /* A message refused to the end is an error on the case. */
    add_case(&w, "X100003", "07700 900125", NULL, "english", NULL, "2026-03-01");
    json_decref(fake_call(&w.f, "POST", "/_fail?status=500&count=9"));
    tick(&w, T0 + 200);
    tick(&w, T0 + 300);
    r = tick(&w, T0 + 1000);
    assert_int_equal(r.failed, 1);
    ck_reminder row = one_row(&w, "X100003");
    assert_string_equal(row.status, "failed");
    assert_int_equal(row.attempts, 3);
    assert_non_null(strstr(row.error, "Gave up after repeated failures: HTTP 500"));
    assert_int_equal(message_contacts(&w, "X100003"), 0);
    assert_int_equal(ck_counter_get(&ck_reminders_stats.messages[1]) - sent0, 1);
    assert_int_equal(ck_counter_get(&ck_reminders_stats.messages[2]) - retried0, 4);
    assert_int_equal(ck_counter_get(&ck_reminders_stats.messages[3]) - failed0, 1);
    world_stop(&w);
}

/* No consent, consent withdrawn before, or withdrawn between planning and
 * sending: nothing goes. */
static void none_without_consent(void **state)
{
    world w;
    world_start(&w, state, NULL);
    add_case(&w, "X100004", NULL, NULL, NULL, NULL, "2026-03-01");
    add_case(&w, "X100005", "07700 900126", NULL, "english", "2026-03-09", "2026-03-01");
    add_case(&w, "X100006", "07700 900127", "sam@example.com", "english", NULL, "2026-03-01");
    json_decref(fake_call(&w.f, "POST", "/_fail?status=500&count=2"));
    ck_reminders_round r = tick(&w, T0);
    assert_int_equal(r.planned, 2); /* X100006's text and email */
    assert_int_equal(r.retried, 2);
    /* X100006 withdraws before the retry. */
    ck_case *c = NULL;
    char err[512];
    assert_int_equal(ck_cases_get(w.db, "X100006", &c, err, sizeof err), CK_OK);
    c->person.consent.withdrawn_on = ck_test_date("2026-03-09");
    assert_int_equal(ck_cases_replace(w.db, &w.eng, c, ck_test_date("2026-03-09"), err, sizeof err), CK_OK);
    ck_case_free(c);
    r = tick(&w, T0 + 600);
    assert_int_equal(r.sent, 0);
    assert_int_equal(r.cancelled, 2);
    assert_int_equal(count_sent(&w), 0);
    ck_reminder rows[4];
    size_t n = 0;
    assert_int_equal(ck_remstore_for_case(w.db, "X100006", rows, 4, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(rows[i].status, "cancelled");
        assert_string_equal(rows[i].error, "Consent was withdrawn");
    }
    assert_int_equal(ck_remstore_for_case(w.db, "X100004", rows, 4, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ck_remstore_for_case(w.db, "X100005", rows, 4, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, 0);
    world_stop(&w);
}

/* Welsh when chosen: the Welsh templates, the date and time in Welsh; only
 * date, time, place and phone in any message; the booking message the day
 * it is booked and no second one the day before. */
static void welsh_when_chosen(void **state)
{
    world w;
    world_start(&w, state, NULL);
    add_case(&w, "X100007", "+44 7700 900128", "cymro@example.com", "welsh", NULL, "2026-03-09");
    add_case(&w, "X100008", NULL, "sam@example.com", "english", NULL, "2026-03-01");
    ck_reminders_round r = tick(&w, T0);
    assert_int_equal(r.planned, 3);
    assert_int_equal(r.sent, 3);
    json_t *sent = fake_call(&w.f, "GET", "/_sent");
    assert_int_equal(json_array_size(sent), 3);
    size_t i;
    json_t *m;
    size_t welsh = 0;
    json_array_foreach(sent, i, m) {
        json_t *p = json_object_get(m, "personalisation");
        assert_int_equal(json_object_size(p), 4);
        assert_string_equal(json_string_value(json_object_get(p, "phone")), PHONE);
        const char *to = json_string_value(json_object_get(m, "to"));
        const char *tpl = json_string_value(json_object_get(m, "template_id"));
        if (strcmp(to, "+447700900128") == 0 || strcmp(to, "cymro@example.com") == 0) {
            welsh++;
            assert_string_equal(tpl, strcmp(to, "+447700900128") == 0 ? TPL_SMS_CY : TPL_EMAIL_CY);
            assert_string_equal(json_string_value(json_object_get(p, "date")), "Dydd Mawrth 10 Mawrth 2026");
            assert_string_equal(json_string_value(json_object_get(p, "time")), "10yb");
            assert_string_equal(json_string_value(json_object_get(p, "place")), "Galwad fideo");
        } else {
            assert_string_equal(to, "sam@example.com");
            assert_string_equal(tpl, TPL_EMAIL_EN);
            assert_string_equal(json_string_value(json_object_get(p, "date")), "Tuesday 10 March 2026");
            assert_string_equal(json_string_value(json_object_get(p, "time")), "10am");
            assert_string_equal(json_string_value(json_object_get(p, "place")), "Video call");
        }
    }
    assert_int_equal(welsh, 2);
    json_decref(sent);
    /* X100007 was booked on the reminder's day: the booking message is it. */
    ck_reminder rows[4];
    size_t n = 0;
    char err[512];
    assert_int_equal(ck_remstore_for_case(w.db, "X100007", rows, 4, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, 2);
    for (size_t k = 0; k < n; k++) assert_string_equal(rows[k].kind, "booked");
    assert_int_equal(message_contacts(&w, "X100007"), 2);
    world_stop(&w);
}

/* The fake checks the token: a key with another secret is refused (403),
 * which is final and shown on the case. The token itself is HS256 over
 * the header and claims, as an independent implementation (Python's hmac)
 * computes it. */
static void token_checked(void **state)
{
    char tok[512];
    assert_true(ck_notify_jwt("26785a09-ab16-4eb0-8407-a37497a57506", "3d844edf-8d35-48ac-975b-e847b4f122b0",
                              1700000000, tok, sizeof tok));
    assert_string_equal(tok, "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiIyNjc4NWEwOS1hYjE2LTRlYjAtODQwNy1hMzc0OT"
                             "dhNTc1MDYiLCJpYXQiOjE3MDAwMDAwMDB9.q1v0ZBAPOtT5-Ng39fZDm8ojJu-wrEQD-OrsVHHKnIM");
    assert_true(ck_notify_jwt_verify(tok, "26785a09-ab16-4eb0-8407-a37497a57506",
                                     "3d844edf-8d35-48ac-975b-e847b4f122b0", 1700000010, 30));
    assert_false(ck_notify_jwt_verify(tok, "26785a09-ab16-4eb0-8407-a37497a57506",
                                      "3d844edf-8d35-48ac-975b-e847b4f122b1", 1700000010, 30));
    assert_false(ck_notify_jwt_verify(tok, "26785a09-ab16-4eb0-8407-a37497a57506",
                                      "3d844edf-8d35-48ac-975b-e847b4f122b0", 1700000100, 30));
    char svc[37], sec[37];
    assert_false(ck_notify_key_parse("26785a09-ab16-4eb0-8407-a37497a57506", svc, sec));
    assert_true(ck_notify_key_parse("my_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0",
                                    svc, sec));
    assert_string_equal(svc, "26785a09-ab16-4eb0-8407-a37497a57506");

    world w;
    world_start(&w, state, NULL);
    /* The fake's own service id with a wrong secret. */
    char key[256], err[256], wrong[256];
    assert_true(ck_reminders_read_secret("k", w.f.key_file, key, sizeof key, err, sizeof err));
    snprintf(wrong, sizeof wrong, "%.*s00000000-0000-4000-8000-000000000000", (int)(strlen(key) - 36), key);
    ck_notify_free(w.notify);
    w.notify = ck_notify_new(w.cfg->notify_base_url, wrong, err, sizeof err);
    w.ctx.notify = w.notify;
    add_case(&w, "X100009", "07700 900129", NULL, "english", NULL, "2026-03-01");
    ck_reminders_round r = tick(&w, T0);
    assert_int_equal(r.failed, 1);
    ck_reminder row = one_row(&w, "X100009");
    assert_string_equal(row.status, "failed");
    assert_non_null(strstr(row.error, "HTTP 403: Invalid token"));
    assert_int_equal(count_sent(&w), 0);
    json_t *reqs = fake_call(&w.f, "GET", "/_requests");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(reqs, 0), "status")), 403);
    json_decref(reqs);
    world_stop(&w);
}

/* Delivery receipts set the status; a failure says why. */
static void receipts_update_status(void **state)
{
    world w;
    world_start(&w, state, NULL);
    add_case(&w, "X100010", "07700 900130", "fail@example.com", "english", NULL, "2026-03-01");
    ck_reminders_round r = tick(&w, T0);
    assert_int_equal(r.sent, 2);
    json_t *sent = fake_call(&w.f, "GET", "/_sent");
    char err[512];
    size_t i;
    json_t *m;
    json_array_foreach(sent, i, m) {
        const char *id = json_string_value(json_object_get(m, "id"));
        const char *to = json_string_value(json_object_get(m, "to"));
        const char *status = strcmp(to, "fail@example.com") == 0 ? "permanent-failure" : "delivered";
        assert_int_equal(ck_reminders_receipt(w.db, id, NULL, status, T0 + 5, err, sizeof err), CK_OK);
    }
    json_decref(sent);
    ck_reminder rows[4];
    size_t n = 0;
    assert_int_equal(ck_remstore_for_case(w.db, "X100010", rows, 4, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, 2);
    for (size_t k = 0; k < n; k++) {
        bool email = strcmp(rows[k].channel, "email") == 0;
        assert_string_equal(rows[k].status, email ? "failed" : "delivered");
        if (email) assert_non_null(strstr(rows[k].error, "does not exist"));
    }
    assert_int_equal(ck_reminders_receipt(w.db, "no-such-id", "ck-nothing", "delivered", T0, err, sizeof err),
                     CK_ERR_NOTFOUND);
    assert_int_equal(ck_reminders_receipt(w.db, rows[0].notify_id, NULL, "sending", T0, err, sizeof err),
                     CK_ERR_INVALID);
    /* A later round does not undo a receipt. */
    tick(&w, T0 + 600);
    assert_int_equal(ck_remstore_for_case(w.db, "X100010", rows, 4, &n, err, sizeof err), CK_OK);
    for (size_t k = 0; k < n; k++) assert_true(strcmp(rows[k].status, "sent") != 0);
    world_stop(&w);
}

/* Europe/London: GMT in winter, BST from 01:00 UTC on the last Sunday of
 * March to 01:00 UTC on the last Sunday of October. */
static void london_time(void **state)
{
    (void)state;
    ck_date d;
    int h, m;
    ck_london_time(T0, &d, &h, &m);
    assert_int_equal(d, ck_test_date("2026-03-09"));
    assert_int_equal(h, 10);
    ck_london_time(1774746000 /* 2026-03-29 01:00 UTC */, &d, &h, &m);
    assert_int_equal(h, 2);
    ck_london_time(1774745999, &d, &h, &m);
    assert_int_equal(h, 0);
    ck_london_time(1792890000 /* 2026-10-25 01:00 UTC */, &d, &h, &m);
    assert_int_equal(h, 1);
    ck_london_time(1792889999, &d, &h, &m);
    assert_int_equal(h, 1);
    assert_int_equal(m, 59);
    ck_london_time(1781996400 /* 2026-06-20 23:00 UTC */, &d, &h, &m);
    assert_int_equal(d, ck_test_date("2026-06-21"));
    assert_int_equal(h, 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(london_time),
        CK_DB_TEST(one_message_across_a_500_and_a_restart),
        CK_DB_TEST(one_message_after_refusals),
        CK_DB_TEST(none_without_consent),
        CK_DB_TEST(welsh_when_chosen),
        CK_DB_TEST(token_checked),
        CK_DB_TEST(receipts_update_status),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
