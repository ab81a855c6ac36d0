/* Domain events (store/ck_events, services/ck_access' ck_access_events,
 * http/ck_api_events, http/ck_webhooks) on SQLite and PostgreSQL: a feed
 * read while several threads write finds every event once and in order (ids
 * without gaps, so a poller that skipped one would see the jump), writes
 * rolled back leave none, each kind of write raises its type, the nightly
 * overdue events come once, access, staff and account changes raise theirs
 * and reach only those who may read them (account events administrators
 * only), expiry deletes the oldest in batches and the route answers 410 for
 * a cursor behind it, a reader never sees the events of a case kept
 * from them, and a webhook whose receiver fails twice gets every event,
 * signed, after backing off. Times given to the webhook rounds are fixed
 * instants, never the wall clock's. */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_test_http.h"
#include "ck_test_manage.h"
#include "ck_test_store.h"
#include "ck_api.h"
#include "ck_auth.h"
#include "ck_access.h"
#include "ck_api_events.h"
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_casewrite.h"
#include "ck_events.h"
#include "ck_manage_json.h"
#include "ck_nightly.h"
#include "ck_rulecfg.h"
#include "ck_store.h"
#include "ck_txn.h"
#include "ck_users.h"
#include "ck_webhooks.h"
#include <microhttpd.h>
#include <pthread.h>

#define AS_OF "2025-11-03"

enum { CASES = 4, WRITERS = 4, WRITES = 12, PAGE = 7 };

/* ---- Helpers ----------------------------------------------------------------------- */

static void add_case(ck_db *db, const char *crn)
{
    char err[1024];
    ck_case *c = ck_test_example_case(crn);
    ck_engine eng = ck_engine_default();
    if (ck_cases_create(db, &eng, c, ck_test_date(AS_OF), err, sizeof err) != CK_OK) fail_msg("create %s: %s", crn, err);
    ck_case_free(c);
}

static const char *crn_of(int i)
{
    static const char *const crns[CASES] = {"M100001", "M100002", "M100003", "M100004"};
    return crns[i];
}

/* Every event, as read by pages of PAGE after the cursor. */
typedef struct feed {
    ck_event_row *v;
    char (*type)[32];
    char (*crn)[16];
    size_t n, cap;
} feed;

static void feed_push(feed *f, const ck_event_row *e)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        f->type = realloc(f->type, f->cap * sizeof *f->type);
        f->crn = realloc(f->crn, f->cap * sizeof *f->crn);
        assert_non_null(f->v);
        assert_non_null(f->type);
        assert_non_null(f->crn);
    }
    f->v[f->n] = *e;
    snprintf(f->type[f->n], sizeof f->type[f->n], "%s", e->type);
    snprintf(f->crn[f->n], sizeof f->crn[f->n], "%s", e->crn);
    f->v[f->n].type = f->type[f->n];
    f->v[f->n].crn = f->crn[f->n];
    f->n++;
}

static void feed_free(feed *f)
{
    free(f->v);
    free(f->type);
    free(f->crn);
    memset(f, 0, sizeof *f);
}

/* Reads the events after *cursor into f until a page says there are no
 * more; false with why when an id is not the one after the last (a gap: a
 * skipped or repeated event). */
static bool feed_read(ck_db *db, int64_t *cursor, feed *f, char *why, size_t why_len)
{
    char err[512];
    for (;;) {
        ck_event_page *p = NULL;
        if (ck_events_page(db, *cursor, PAGE, NULL, &p, err, sizeof err) != CK_OK) {
            snprintf(why, why_len, "page after %lld: %s", (long long)*cursor, err);
            return false;
        }
        for (size_t i = 0; i < p->n; i++) {
            int64_t want = f->n ? f->v[f->n - 1].id + 1 : 1;
            if (p->items[i].id != want) {
                snprintf(why, why_len, "event id %lld after %lld, expected %lld", (long long)p->items[i].id,
                         (long long)(want - 1), (long long)want);
                ck_event_page_free(p);
                return false;
            }
            feed_push(f, &p->items[i]);
        }
        *cursor = p->next;
        bool more = p->more;
        ck_event_page_free(p);
        if (!more) return true;
    }
}

/* By f->type and f->crn: a v[i] pushed before the arrays grew points into
 * their old copy. */
static size_t count_type(const feed *f, const char *type, const char *crn)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->type[i], type) == 0 && (!crn || strcmp(f->crn[i], crn) == 0)) n++;
    return n;
}

static feed read_all(ck_db *db)
{
    feed f = {0};
    int64_t cursor = 0;
    char why[512];
    if (!feed_read(db, &cursor, &f, why, sizeof why)) fail_msg("%s", why);
    return f;
}

static ck_contact contact(const char *id, const char *date)
{
    ck_contact k = ck_contact_blank();
    k.id = id;
    k.event = "E1";
    k.date = ck_test_date(date);
    k.type = "COAP";
    return k;
}

/* ---- The feed under a write load --------------------------------------------------- */

typedef struct writer {
    const char *url;
    int id;
    int added[CASES]; /* contacts acknowledged, by case */
    char fault[1024];
} writer;

static void *writer_main(void *arg)
{
    writer *w = arg;
    char err[512];
    ck_db *db = ck_db_open(w->url, err, sizeof err);
    if (!db) {
        snprintf(w->fault, sizeof w->fault, "open: %s", err);
        return NULL;
    }
    ck_engine eng = ck_engine_default();
    for (int i = 0; i < WRITES; i++) {
        int c = (w->id + i) % CASES;
        char id[32];
        snprintf(id, sizeof id, "EV%d-%d", w->id, i);
        ck_contact k = contact(id, "2025-10-01");
        ck_rc rc = ck_cases_add(db, &eng, crn_of(c), "contacts", &k, ck_test_date(AS_OF), err, sizeof err);
        if (rc == CK_OK) w->added[c]++;
        else if (!w->fault[0]) snprintf(w->fault, sizeof w->fault, "writer %d: %s", w->id, err);
        /* A write refused half way (an id taken) is rolled back with its events. */
        if (i % 4 == 3) {
            ck_contact dup = contact(id, "2025-10-02");
            if (ck_cases_add(db, &eng, crn_of(c), "contacts", &dup, ck_test_date(AS_OF), err, sizeof err) !=
                    CK_ERR_EXISTS &&
                !w->fault[0])
                snprintf(w->fault, sizeof w->fault, "writer %d: a taken id was not refused", w->id);
        }
    }
    ck_db_close(db);
    return NULL;
}

typedef struct poller {
    const char *url;
    volatile bool *done;
    feed f;
    int64_t cursor;
    char fault[1024];
} poller;

static void *poller_main(void *arg)
{
    poller *p = arg;
    char err[512];
    ck_db *db = ck_db_open(p->url, err, sizeof err);
    if (!db) {
        snprintf(p->fault, sizeof p->fault, "open: %s", err);
        return NULL;
    }
    bool last = false;
    while (!p->fault[0]) {
        bool finished = __atomic_load_n(p->done, __ATOMIC_SEQ_CST);
        if (!feed_read(db, &p->cursor, &p->f, p->fault, sizeof p->fault)) break;
        if (last) break;
        last = finished; /* one more read after the writers stopped */
    }
    ck_db_close(db);
    return NULL;
}

static void test_feed_after_load(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    for (int i = 0; i < CASES; i++) add_case(db, crn_of(i));
    volatile bool done = false;
    poller pl = {.url = url, .done = &done};
    pthread_t pt, wt[WRITERS];
    writer w[WRITERS];
    assert_int_equal(pthread_create(&pt, NULL, poller_main, &pl), 0);
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (writer){.url = url, .id = i};
        assert_int_equal(pthread_create(&wt[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) pthread_join(wt[i], NULL);
    __atomic_store_n(&done, true, __ATOMIC_SEQ_CST);
    pthread_join(pt, NULL);
    for (int i = 0; i < WRITERS; i++)
        if (w[i].fault[0]) fail_msg("%s", w[i].fault);
    if (pl.fault[0]) fail_msg("poller: %s", pl.fault);

    feed all = read_all(db);
    size_t total = CASES;
    for (int c = 0; c < CASES; c++) {
        size_t want = 0;
        for (int i = 0; i < WRITERS; i++) want += (size_t)w[i].added[c];
        total += want;
        assert_int_equal(count_type(&all, "contact.recorded", crn_of(c)), want);
        assert_int_equal(count_type(&all, "case.created", crn_of(c)), 1);
    }
    /* Nothing else: the rolled-back writes left no event. */
    assert_int_equal(all.n, total);
    assert_int_equal(all.n, (size_t)(CASES + WRITERS * WRITES));
    /* The poller that read while they wrote saw the same events in the same order. */
    assert_int_equal(pl.f.n, all.n);
    for (size_t i = 0; i < all.n; i++) {
        assert_int_equal(pl.f.v[i].id, all.v[i].id);
        assert_string_equal(pl.f.v[i].type, all.v[i].type);
        assert_string_equal(pl.f.v[i].crn, all.v[i].crn);
    }
    assert_int_equal(pl.cursor, all.v[all.n - 1].id);
    feed_free(&all);
    feed_free(&pl.f);
}

/* ---- What raises what ----------------------------------------------------------------- */

static bool set_outcome_cancel(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)ctx, (void)err, (void)err_len;
    ck_contact *k = rec;
    k->cancelled = 1;
    k->change_reason = "The person is in hospital";
    return true;
}

static bool deregister(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)ctx, (void)err, (void)err_len;
    ck_registration *g = rec;
    g->deregistered = ck_test_date("2025-11-01");
    return true;
}

static bool add_condition(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)ctx, (void)err, (void)err_len;
    ck_event *ev = rec;
    ck_licence_condition *lc = ck_arena_array(&c->arena, 1, sizeof *lc);
    lc->id = "LC1";
    lc->type = ck_vocab_licence_condition[0];
    lc->start = ck_test_date("2025-09-05");
    lc->end = CK_NODATE;
    lc->victim_related = CK_NULL;
    ev->licence_conditions = lc;
    ev->n_licence_conditions = 1;
    return true;
}

static void test_types_of_writes(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_date today = ck_test_date(AS_OF);
    add_case(db, "M200001");
    feed f = read_all(db);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.v[0].type, "case.created");
    assert_string_equal(f.v[0].crn, "M200001");
    feed_free(&f);

    /* An appointment booked, then cancelled. */
    ck_contact a = contact("AP1", "2025-11-20");
    a.appointment = 1;
    a.booked_on = today;
    assert_int_equal(ck_cases_add(db, &eng, "M200001", "contacts", &a, today, err, sizeof err), CK_OK);
    assert_int_equal(ck_cases_update(db, &eng, "M200001", "contacts", "AP1", set_outcome_cancel, NULL, today, err,
                                     sizeof err),
                     CK_OK);
    /* A registration deregistered. */
    ck_case *c = NULL;
    assert_int_equal(ck_cases_get(db, "M200001", &c, err, sizeof err), CK_OK);
    assert_true(c->n_registrations > 0);
    char reg_id[64];
    snprintf(reg_id, sizeof reg_id, "%s", c->registrations[0].id);
    assert_int_equal(ck_cases_update(db, &eng, "M200001", "registrations", reg_id, deregister, NULL, today, err,
                                     sizeof err),
                     CK_OK);
    /* Replaced whole, then a new practitioner. */
    assert_int_equal(ck_cases_replace(db, &eng, c, today, err, sizeof err), CK_OK);
    ck_allocation al = c->allocations[0];
    al.id = "AL9";
    al.from = ck_test_date("2025-11-01");
    al.staff_code = "N07P009";
    assert_int_equal(ck_cases_add(db, &eng, "M200001", "allocations", &al, today, err, sizeof err), CK_OK);
    ck_case_free(c);
    /* A licence condition added to the custody event. */
    if (ck_cases_update(db, &eng, "M200001", "events", "E1", add_condition, NULL, today, err, sizeof err) != CK_OK)
        fail_msg("licence condition: %s", err);
    /* A write rolled back leaves nothing, not even in the queue. */
    ck_contact gone = contact("GONE1", "2025-10-03");
    assert_int_equal(ck_txn_begin_write(db, err, sizeof err), CK_OK);
    assert_int_equal(ck_cases_add_tx(db, &eng, "M200001", "contacts", &gone, today, err, sizeof err), CK_OK);
    assert_true(ck_events_queued(db) > 0);
    ck_db_rollback(db);
    assert_int_equal(ck_events_queued(db), 0);

    f = read_all(db);
    const char *want[] = {"case.created",       "appointment.booked", "appointment.updated",
                          "registration.removed", "case.updated",     "allocation.changed",
                          "licence_condition.changed", "sentence.updated"};
    size_t nw = sizeof want / sizeof *want;
    for (size_t i = 0; i < f.n && i < nw; i++) assert_string_equal(f.v[i].type, want[i]);
    assert_int_equal(f.n, nw);
    for (size_t i = 0; i < f.n; i++) {
        assert_string_equal(f.v[i].crn, "M200001");
        assert_int_equal(f.v[i].id, (int64_t)i + 1);
    }
    /* The JSON of one: no personal data, the detail's URL from the table. */
    json_t *j = ck_api_event_json(&f.v[1]);
    assert_string_equal(json_string_value(json_object_get(j, "url")), "/api/v1/cases/M200001/contacts");
    assert_int_equal(json_object_size(j), 5);
    json_decref(j);
    feed_free(&f);
}

/* ---- The nightly job -------------------------------------------------------------------- */

static int64_t count_sql(ck_db *db, const char *sql, ck_date a, ck_date b)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    assert_non_null(st);
    ck_stmt_bind_date(st, 1, a);
    ck_stmt_bind_date(st, 2, b);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

static void test_overdue_once(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    add_case(db, "M300001");
    add_case(db, "M300002");
    ck_date d0 = ck_test_date(AS_OF), d1 = ck_date_add_days(d0, 3650);
    size_t added = 99;
    /* The first run looks at yesterday only. */
    int64_t first = count_sql(db, "SELECT COUNT(*) FROM \"obligations\" WHERE \"status\" = 'unmet' AND "
                                  "\"due\" >= $1 AND \"due\" < $2", ck_date_add_days(d0, -1), d0);
    assert_int_equal(ck_events_overdue(db, d0, &added, err, sizeof err), CK_OK);
    assert_int_equal(added, first);
    int64_t later = count_sql(db, "SELECT COUNT(*) FROM \"obligations\" WHERE \"status\" = 'unmet' AND "
                                  "\"due\" >= $1 AND \"due\" < $2", d0, d1);
    assert_true(later > 0);
    assert_int_equal(ck_events_overdue(db, d1, &added, err, sizeof err), CK_OK);
    assert_int_equal(added, later);
    /* The same day again adds nothing. */
    assert_int_equal(ck_events_overdue(db, d1, &added, err, sizeof err), CK_OK);
    assert_int_equal(added, 0);
    feed f = read_all(db);
    assert_int_equal(count_type(&f, "obligation.overdue", NULL), first + later);
    size_t before = f.n;
    feed_free(&f);
    /* Run over the same days again (the last run's date lost): none twice. */
    assert_int_equal(ck_txn_begin_write(db, err, sizeof err), CK_OK);
    assert_int_equal(ck_store_meta_set(db, "events_overdue_on", AS_OF, err, sizeof err), CK_OK);
    assert_int_equal(ck_txn_finish(db, CK_OK, err, sizeof err), CK_OK);
    assert_int_equal(ck_events_overdue(db, d1, &added, err, sizeof err), CK_OK);
    assert_int_equal(added, later); /* queued, and refused by their keys */
    f = read_all(db);
    assert_int_equal(f.n, before);
    for (size_t i = 0; i < f.n; i++) assert_int_equal(f.v[i].id, (int64_t)i + 1);
    json_t *j = ck_api_event_json(&f.v[f.n - 1]);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "obligation.overdue");
    assert_non_null(strstr(json_string_value(json_object_get(j, "url")), "/obligations"));
    json_decref(j);
    feed_free(&f);
}

/* Keyed events are written a run at a time (store/ck_events insert_keyed):
 * a key taken by a stored event or by an earlier event of the same
 * transaction is skipped, more than one statement's worth of keys (64) at
 * once keeps ids without gaps, and plain events between keyed ones keep
 * their place. */
static void test_once_in_runs(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512], key[64];
    add_case(db, "M300003");
    feed f = read_all(db);
    size_t before = f.n;
    feed_free(&f);
    assert_int_equal(ck_txn_begin_write(db, err, sizeof err), CK_OK);
    ck_events_add_once(db, "obligation.overdue", "M300003", "k:stored");
    assert_int_equal(ck_txn_finish(db, CK_OK, err, sizeof err), CK_OK);
    assert_int_equal(ck_txn_begin_write(db, err, sizeof err), CK_OK);
    for (int i = 0; i < 150; i++) {
        snprintf(key, sizeof key, "k:%d", i % 100); /* 100 keys, 50 of them twice */
        ck_events_add_once(db, "obligation.overdue", "M300003", key);
        if (i == 70) ck_events_add_once(db, "obligation.overdue", "M300003", "k:stored");
        if (i == 80) ck_events_add(db, "case.updated", "M300003");
    }
    assert_int_equal(ck_txn_finish(db, CK_OK, err, sizeof err), CK_OK);
    f = read_all(db);
    assert_int_equal(f.n, before + 1 + 100 + 1);
    for (size_t i = 0; i < f.n; i++) assert_int_equal(f.v[i].id, (int64_t)i + 1);
    assert_int_equal(count_type(&f, "obligation.overdue", "M300003"), 101);
    assert_int_equal(count_type(&f, "case.updated", "M300003"), 1);
    /* The plain event queued after k:0..k:80 (and k:stored, refused) comes
     * right after their 81 events. */
    size_t at = 0;
    for (size_t i = 0; i < f.n; i++)
        if (strcmp(f.type[i], "case.updated") == 0 && strcmp(f.crn[i], "M300003") == 0) at = i;
    assert_int_equal(at, before + 1 + 81);
    feed_free(&f);
}

/* Night after night with nights skipped (the server down): each run takes
 * the unmet obligations due from the last run's date to the day before
 * today, so a skipped night's come with the next run, and none twice. The
 * job runs the night after each day an obligation falls due, but every
 * other such night it does not. */
static void test_overdue_skipped_night(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    add_case(db, "M310001");
    add_case(db, "M310002");
    static const char COUNT[] = "SELECT COUNT(*) FROM \"obligations\" WHERE \"status\" = 'unmet' AND "
                                "\"due\" >= $1 AND \"due\" < $2";
    ck_date dues[64];
    size_t n_dues = 0;
    ck_stmt *st = ck_db_prepare(db, "SELECT DISTINCT \"due\" FROM \"obligations\" WHERE \"status\" = 'unmet' "
                                    "ORDER BY \"due\"");
    assert_non_null(st);
    while (n_dues < 64 && ck_stmt_step(st) == CK_DB_ROW) dues[n_dues++] = ck_stmt_date(st, 0);
    ck_stmt_reset(st);
    assert_true(n_dues >= 4);
    ck_date first = dues[0], last = first; /* the first run: the day before the first due date */
    size_t added = 99, total = 0, caught_up = 0;
    assert_int_equal(ck_events_overdue(db, first, &added, err, sizeof err), CK_OK);
    total += added;
    for (size_t i = 0; i < n_dues; i++) {
        if (i % 2 == 0) continue; /* the night after dues[i] is skipped */
        ck_date day = ck_date_add_days(dues[i], 1);
        int64_t want = count_sql(db, COUNT, last, day);
        assert_int_equal(ck_events_overdue(db, day, &added, err, sizeof err), CK_OK);
        assert_int_equal(added, want);
        caught_up += (size_t)count_sql(db, COUNT, last, dues[i]); /* what the skipped nights left */
        total += added;
        last = day;
    }
    assert_true(caught_up > 0);
    assert_int_equal(total, count_sql(db, COUNT, ck_date_add_days(first, -1), last));
    feed f = read_all(db);
    assert_int_equal(count_type(&f, "obligation.overdue", NULL), total);
    feed_free(&f);
}

/* ---- Who sees what ------------------------------------------------------------------------ */

static void test_reader_filter(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    add_case(db, "M400001");
    add_case(db, "M400002");
    add_case(db, "M400003");
    ck_principal sys;
    ck_principal_system(&sys, "test_events");
    int64_t uid = 0;
    assert_int_equal(ck_user_add(db, &sys, "qa1", CK_ROLE_QA, NULL, NULL, 0, &uid, err, sizeof err), CK_OK);
    assert_int_equal(ck_lao_add(db, &sys, "M400002", CK_LAO_EXCLUSION, "qa1", NULL, err, sizeof err), CK_OK);
    ck_principal qa = {.user_id = uid, .role = CK_ROLE_QA, .scopes = CK_PERM_ALL};
    snprintf(qa.username, sizeof qa.username, "qa1");
    ck_event_page *p = NULL;
    /* Events 4 and 5: the account added (administrators only) and the
     * exclusion (M400002's, kept from qa1 by it). */
    assert_int_equal(ck_access_events(db, &qa, 0, 10, &p, err, sizeof err), CK_OK);
    assert_int_equal(p->n, 2);
    assert_string_equal(p->items[0].crn, "M400001");
    assert_string_equal(p->items[1].crn, "M400003");
    assert_int_equal(p->next, 5);
    assert_false(p->more);
    ck_event_page_free(p);
    /* A practitioner of another team sees none, and the cursor passes them. */
    ck_principal other = {.user_id = uid, .role = CK_ROLE_PRACTITIONER, .scopes = CK_PERM_ALL};
    snprintf(other.place.staff, sizeof other.place.staff, "X99P001");
    snprintf(other.place.team, sizeof other.place.team, "X99T01");
    assert_int_equal(ck_access_events(db, &other, 0, 2, &p, err, sizeof err), CK_OK);
    assert_int_equal(p->n, 0);
    assert_int_equal(p->next, 2);
    assert_true(p->more);
    ck_event_page_free(p);
    /* The system sees all five. */
    assert_int_equal(ck_access_events(db, &sys, 0, 10, &p, err, sizeof err), CK_OK);
    assert_int_equal(p->n, 5);
    assert_string_equal(p->items[3].type, "account.created");
    assert_string_equal(p->items[4].type, "access.granted");
    assert_string_equal(p->items[4].crn, "M400002");
    ck_event_page_free(p);
    assert_int_equal(ck_access_events(db, &sys, 0, 0, &p, err, sizeof err), CK_ERR_INVALID);
}

/* ---- The route ------------------------------------------------------------------------- */

static bool as_system(ck_http_req *r)
{
    ck_principal p;
    ck_principal_system(&p, "test_events");
    ck_auth_attach(r, &p);
    return true;
}

/* The API on a free port, every request as the system. */
static ck_http_server *start_api(void **state, ck_app *app)
{
    char err[256];
    ck_http_config cfg = {.port = 0, .threads = 2, .routes = ck_api_routes, .db_url = ck_test_db_url(state, 0),
                          .app = app, .authorize = as_system};
    ck_http_server *srv = ck_http_start(&cfg, err, sizeof err);
    if (!srv) fail_msg("server: %s", err);
    return srv;
}

static json_t *get_json(uint16_t port, const char *path, int want_status)
{
    th_resp r;
    if (!th_request(port, "GET", path, NULL, &r)) fail_msg("GET %s: no answer", path);
    if (r.status != want_status) fail_msg("GET %s: %d, expected %d: %s", path, r.status, want_status, r.body);
    json_t *j = json_loads(r.body, 0, NULL);
    th_resp_free(&r);
    assert_non_null(j);
    return j;
}

static void test_route(void **state)
{
    ck_db *db = ck_test_db_get(state);
    for (int i = 0; i < 3; i++) add_case(db, crn_of(i));
    ck_app app = {.engine = ck_engine_default()};
    ck_http_server *srv = start_api(state, &app);
    uint16_t port = ck_http_port(srv);
    json_t *j = get_json(port, "/api/v1/events?limit=2", 200);
    json_t *ev = json_object_get(j, "events");
    assert_int_equal(json_array_size(ev), 2);
    json_t *e0 = json_array_get(ev, 0);
    assert_int_equal(json_integer_value(json_object_get(e0, "id")), 1);
    assert_string_equal(json_string_value(json_object_get(e0, "type")), "case.created");
    assert_string_equal(json_string_value(json_object_get(e0, "crn")), crn_of(0));
    assert_string_equal(json_string_value(json_object_get(e0, "url")), "/api/v1/cases/M100001");
    const char *at = json_string_value(json_object_get(e0, "occurred_at"));
    assert_non_null(at);
    assert_int_equal(strlen(at), 20); /* 2026-12-07T03:25:18Z */
    assert_int_equal(at[19], 'Z');
    assert_int_equal(json_integer_value(json_object_get(j, "next")), 2);
    assert_true(json_is_true(json_object_get(j, "more")));
    json_decref(j);
    j = get_json(port, "/api/v1/events?after=2", 200);
    assert_int_equal(json_array_size(json_object_get(j, "events")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "next")), 3);
    assert_true(json_is_false(json_object_get(j, "more")));
    json_decref(j);
    j = get_json(port, "/api/v1/events?after=3", 200);
    assert_int_equal(json_array_size(json_object_get(j, "events")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "next")), 3);
    json_decref(j);
    j = get_json(port, "/api/v1/events?limit=0", 400);
    assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "limit"));
    json_decref(j);
    j = get_json(port, "/api/v1/events?after=-1", 400);
    assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "after"));
    json_decref(j);
    ck_http_stop(srv);
}

/* ---- Access, staff and account changes ----------------------------------------------------- */

static const char *const ORG[] = {
    "{\"kind\":\"region\",\"code\":\"N07\",\"name\":\"London\"}",
    "{\"kind\":\"pdu\",\"code\":\"N07PDU1\",\"region\":\"N07\",\"name\":\"Camden and Islington\"}",
    "{\"kind\":\"pdu\",\"code\":\"N07PDU2\",\"region\":\"N07\",\"name\":\"Hackney\"}",
    "{\"kind\":\"team\",\"code\":\"N07T01\",\"pdu\":\"N07PDU1\",\"name\":\"Camden North\"}",
    "{\"kind\":\"team\",\"code\":\"N07T02\",\"pdu\":\"N07PDU1\",\"name\":\"Camden South\"}",
    "{\"kind\":\"team\",\"code\":\"N07T09\",\"pdu\":\"N07PDU2\",\"name\":\"Hackney East\"}",
    "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"N07T01\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
    "{\"kind\":\"staff\",\"code\":\"N07P002\",\"team\":\"N07T09\",\"grade\":\"PO\",\"forename\":\"Lee\",\"surname\":\"Other\"}",
};

/* The types of p's events, space-separated, with each one's crn or subject. */
static void page_text(const ck_event_page *p, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p->n && at < len; i++)
        at += (size_t)snprintf(out + at, len - at, "%s%s:%s", i ? " " : "", p->items[i].type,
                               p->items[i].subject ? p->items[i].subject : p->items[i].crn);
}

static void test_access_staff_accounts(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[1024], got[1024], want[1024];
    ck_principal sys;
    ck_principal_system(&sys, "test_events");
    ck_test_load_org(db, ORG, sizeof ORG / sizeof *ORG);
    add_case(db, "M500001");
    int64_t admin_id = 0, kim_id = 0;
    assert_int_equal(ck_user_add(db, &sys, "root1", CK_ROLE_ADMIN, NULL, NULL, 0, &admin_id, err, sizeof err), CK_OK);
    assert_int_equal(ck_user_add(db, &sys, "kim", CK_ROLE_PRACTITIONER, "N07P001", NULL, 0, &kim_id, err, sizeof err),
                     CK_OK);
    /* Limited access granted and removed, in the change's transaction. */
    assert_int_equal(ck_lao_add(db, &sys, "M500001", CK_LAO_EXCLUSION, "kim", NULL, err, sizeof err), CK_OK);
    assert_int_equal(ck_lao_remove(db, &sys, "M500001", CK_LAO_EXCLUSION, "kim", err, sizeof err), CK_OK);
    /* A refused change raises nothing: no such account. */
    assert_int_equal(ck_lao_add(db, &sys, "M500001", CK_LAO_EXCLUSION, "nobody", NULL, err, sizeof err),
                     CK_ERR_NOTFOUND);
    /* Account changes. */
    assert_int_equal(ck_user_set_role(db, &sys, "kim", CK_ROLE_SPO, "N07P001", err, sizeof err), CK_OK);
    char token[CK_API_TOKEN_LEN + 1];
    int64_t tid = 0;
    assert_int_equal(ck_token_add(db, &sys, "kim", 1u << CK_PERM_CASE_READ, "feed", 0, 0, token, &tid, err, sizeof err),
                     CK_OK);
    assert_int_equal(ck_token_revoke(db, &sys, tid, err, sizeof err), CK_OK);
    assert_int_equal(ck_token_revoke(db, &sys, tid + 100, err, sizeof err), CK_ERR_NOTFOUND);
    assert_int_equal(ck_user_set_disabled(db, &sys, "kim", true, err, sizeof err), CK_OK);
    assert_int_equal(ck_user_set_disabled(db, &sys, "kim", false, err, sizeof err), CK_OK);
    /* Staff changes: one moves team, one leaves, one joins; the same
     * records again change nothing and raise nothing. */
    const char *const later[] = {
        "{\"kind\":\"staff\",\"code\":\"N07P001\",\"team\":\"N07T02\",\"grade\":\"PO\",\"forename\":\"Pat\",\"surname\":\"Officer\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P002\",\"team\":\"N07T09\",\"grade\":\"PO\",\"forename\":\"Lee\",\"surname\":\"Other\","
        "\"status\":\"left\",\"left_on\":\"2025-10-31\"}",
        "{\"kind\":\"staff\",\"code\":\"N07P003\",\"team\":\"N07T01\",\"grade\":\"PSO\",\"forename\":\"Ola\",\"surname\":\"New\"}",
    };
    ck_test_load_org(db, later, 3);
    ck_test_load_org(db, later, 3);
    ck_engine eng = ck_engine_default();
    assert_int_equal(ck_workforce_staff_leaves(db, &eng, "N07P003", ck_test_date("2025-11-30"), false,
                                               ck_test_date(AS_OF), NULL, err, sizeof err),
                     CK_OK);
    /* The same leaver recorded again with a corrected date: no second
     * event; a long-term absence is its own event. */
    assert_int_equal(ck_workforce_staff_leaves(db, &eng, "N07P003", ck_test_date("2025-11-28"), false,
                                               ck_test_date(AS_OF), NULL, err, sizeof err),
                     CK_OK);
    assert_int_equal(ck_workforce_staff_leaves(db, &eng, "N07P001", ck_test_date("2025-12-01"), true,
                                               ck_test_date(AS_OF), NULL, err, sizeof err),
                     CK_OK);

    /* Everything, as the system (webhooks) reads it, in commit order. */
    ck_event_page *p = NULL;
    assert_int_equal(ck_access_events(db, &sys, 0, 100, &p, err, sizeof err), CK_OK);
    page_text(p, got, sizeof got);
    snprintf(want, sizeof want,
             "staff.joined:N07P001 staff.joined:N07P002 case.created:M500001 account.created:%lld "
             "account.created:%lld access.granted:M500001 access.removed:M500001 account.role_changed:%lld "
             "account.token_issued:%lld account.token_revoked:%lld account.disabled:%lld account.enabled:%lld "
             "staff.moved:N07P001 staff.left:N07P002 staff.joined:N07P003 staff.left:N07P003 staff.absent:N07P001 "
             "allocation.changed:M500001 case.updated:M500001",
             (long long)admin_id, (long long)kim_id, (long long)kim_id, (long long)kim_id, (long long)kim_id,
             (long long)kim_id, (long long)kim_id);
    assert_string_equal(got, want);
    for (size_t i = 0; i < p->n; i++) assert_int_equal(p->items[i].id, (int64_t)i + 1);
    /* The JSON: a subject in place of a CRN, no name or username. */
    json_t *j = ck_api_event_json(&p->items[12]);
    assert_string_equal(json_string_value(json_object_get(j, "subject")), "N07P001");
    assert_null(json_object_get(j, "crn"));
    assert_string_equal(json_string_value(json_object_get(j, "url")), "/api/v1/manage/workforce/staff/N07P001");
    char *text = json_dumps(j, 0);
    assert_null(strstr(text, "Pat"));
    free(text);
    json_decref(j);
    j = ck_api_event_json(&p->items[4]);
    text = json_dumps(j, 0);
    assert_null(strstr(text, "kim"));
    assert_string_equal(json_string_value(json_object_get(j, "url")), "/api/v1/users");
    free(text);
    json_decref(j);
    ck_event_page_free(p);

    /* An administrator: the account events only (no case:read, no
     * workforce:read). */
    ck_principal admin = {.user_id = admin_id, .role = CK_ROLE_ADMIN, .scopes = CK_PERM_ALL};
    assert_int_equal(ck_access_events(db, &admin, 0, 100, &p, err, sizeof err), CK_OK);
    page_text(p, got, sizeof got);
    snprintf(want, sizeof want,
             "account.created:%lld account.created:%lld account.role_changed:%lld account.token_issued:%lld "
             "account.token_revoked:%lld account.disabled:%lld account.enabled:%lld",
             (long long)admin_id, (long long)kim_id, (long long)kim_id, (long long)kim_id, (long long)kim_id,
             (long long)kim_id, (long long)kim_id);
    assert_string_equal(got, want);
    assert_int_equal(p->next, 19);
    ck_event_page_free(p);
    /* An SPO of N07PDU1: the case (held in N07T01), its access changes and
     * the staff of their PDU where they are now, never the account events or
     * N07P002 (in N07PDU2). */
    ck_principal spo = {.user_id = kim_id, .role = CK_ROLE_SPO, .scopes = CK_PERM_ALL};
    snprintf(spo.place.staff, sizeof spo.place.staff, "N07P001");
    snprintf(spo.place.team, sizeof spo.place.team, "N07T02");
    snprintf(spo.place.pdu, sizeof spo.place.pdu, "N07PDU1");
    snprintf(spo.place.region, sizeof spo.place.region, "N07");
    assert_int_equal(ck_access_events(db, &spo, 0, 100, &p, err, sizeof err), CK_OK);
    page_text(p, got, sizeof got);
    assert_string_equal(got, "staff.joined:N07P001 case.created:M500001 access.granted:M500001 "
                             "access.removed:M500001 staff.moved:N07P001 staff.joined:N07P003 staff.left:N07P003 "
                             "staff.absent:N07P001 allocation.changed:M500001 case.updated:M500001");
    ck_event_page_free(p);
    /* A token with case:read alone: case events only. */
    spo.scopes = 1u << CK_PERM_CASE_READ;
    assert_int_equal(ck_access_events(db, &spo, 0, 100, &p, err, sizeof err), CK_OK);
    page_text(p, got, sizeof got);
    assert_string_equal(got, "case.created:M500001 access.granted:M500001 access.removed:M500001 "
                             "allocation.changed:M500001 case.updated:M500001");
    ck_event_page_free(p);
}

/* ---- Retention -------------------------------------------------------------------------- */

static int64_t events_left(ck_db *db)
{
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"domain_events\"");
    assert_non_null(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

/* Sets the time of events first..last. */
static void age_events(ck_db *db, int64_t first, int64_t last, int64_t at)
{
    ck_stmt *st = ck_db_prepare(db, "UPDATE \"domain_events\" SET \"occurred_at\" = CAST($3 AS BIGINT) WHERE "
                                    "\"id\" >= CAST($1 AS BIGINT) AND \"id\" <= CAST($2 AS BIGINT)");
    assert_non_null(st);
    ck_stmt_bind_int(st, 1, first);
    ck_stmt_bind_int(st, 2, last);
    ck_stmt_bind_int(st, 3, at);
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);
}

static void test_expiry(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    static const char *const crns[] = {"M600001", "M600002", "M600003", "M600004", "M600005",
                                       "M600006", "M600007", "M600008", "M600009", "M600010"};
    for (size_t i = 0; i < 10; i++) add_case(db, crns[i]);
    /* Events 1-7 are old, 8 is new, 9 old again (a write that queued early
     * and committed late), 10 new. */
    const int64_t now = 1780000000, old = now - 100 * 86400, cut = now - 90 * 86400;
    age_events(db, 1, 10, now);
    age_events(db, 1, 7, old);
    age_events(db, 9, 9, old);
    size_t gone = 99;
    assert_int_equal(ck_events_expire(db, cut, 3, &gone, err, sizeof err), CK_OK);
    /* In batches of 3 (3, 3, 1): only the oldest run, up to the first kept. */
    assert_int_equal(gone, 7);
    assert_int_equal(events_left(db), 3);
    ck_event_page *p = NULL;
    assert_int_equal(ck_events_page(db, 7, 10, NULL, &p, err, sizeof err), CK_OK);
    assert_false(p->expired);
    assert_int_equal(p->oldest, 8);
    assert_int_equal(p->n, 3);
    assert_int_equal(p->items[0].id, 8);
    ck_event_page_free(p);
    assert_int_equal(ck_events_page(db, 6, 10, NULL, &p, err, sizeof err), CK_OK);
    assert_true(p->expired);
    ck_event_page_free(p);
    /* All old: the newest stays, so the next event is 11, not 1. */
    age_events(db, 8, 10, old);
    assert_int_equal(ck_events_expire(db, cut, 1000, &gone, err, sizeof err), CK_OK);
    assert_int_equal(gone, 2);
    assert_int_equal(events_left(db), 1);
    assert_int_equal(ck_events_expire(db, cut, 1000, &gone, err, sizeof err), CK_OK);
    assert_int_equal(gone, 0);
    add_case(db, "M600011");
    assert_int_equal(ck_events_page(db, 10, 10, NULL, &p, err, sizeof err), CK_OK);
    assert_false(p->expired);
    assert_int_equal(p->n, 1);
    assert_int_equal(p->items[0].id, 11);
    assert_string_equal(p->items[0].crn, "M600011");
    ck_event_page_free(p);
    assert_int_equal(ck_events_expire(db, cut, 0, &gone, err, sizeof err), CK_ERR_INVALID);

    /* The route: 410 naming the oldest kept, 200 from there. */
    ck_app app = {.engine = ck_engine_default()};
    ck_http_server *srv = start_api(state, &app);
    uint16_t port = ck_http_port(srv);
    json_t *j = get_json(port, "/api/v1/events?after=3", 410);
    assert_string_equal(json_string_value(json_object_get(j, "type")), CK_API_PROBLEM_EVENTS_EXPIRED);
    assert_int_equal(json_integer_value(json_object_get(j, "oldest_id")), 10);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 410);
    assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "after=9"));
    json_decref(j);
    j = get_json(port, "/api/v1/events", 410);
    json_decref(j);
    j = get_json(port, "/api/v1/events?after=9", 200);
    assert_int_equal(json_array_size(json_object_get(j, "events")), 2);
    json_decref(j);
    ck_http_stop(srv);
}

/* ck_nightly_after, what the server's nightly job and `casekeeper recompute`
 * both run after the recompute: the overdue events since the last run, and
 * the events older than events_keep_days expired. */
static void test_nightly_after(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    add_case(db, "M700001");
    add_case(db, "M700002");
    const ck_rules_config *cfg = ck_rulecfg_default();
    const int64_t now = 1780000000;
    /* The first case's creation is older than the days kept; the second's not. */
    age_events(db, 1, 1, now - ((int64_t)cfg->events_keep_days + 1) * 86400);
    age_events(db, 2, 2, now - ((int64_t)cfg->events_keep_days - 1) * 86400);
    ck_date d0 = ck_test_date(AS_OF), d1 = ck_date_add_days(d0, 3650);
    size_t added = 0;
    assert_int_equal(ck_events_overdue(db, d0, &added, err, sizeof err), CK_OK); /* the last run: d0 */
    int64_t want = count_sql(db, "SELECT COUNT(*) FROM \"obligations\" WHERE \"status\" = 'unmet' AND "
                                 "\"due\" >= $1 AND \"due\" < $2", d0, d1);
    assert_true(want > 0);
    int64_t before = events_left(db);
    ck_nightly_after_result a;
    assert_int_equal(ck_nightly_after(db, cfg, d1, now, ck_inspection_snapshot_text, &a, err, sizeof err), CK_OK);
    assert_int_equal(a.overdue, want);
    assert_int_equal(a.expired, 1);
    assert_int_equal(events_left(db), before + want - 1);
    ck_stmt *st = ck_db_prepare(db, "SELECT MIN(\"id\") FROM \"domain_events\"");
    assert_non_null(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 2); /* the first event went, the second stayed */
    ck_stmt_reset(st);
    /* Again the same day: nothing more. */
    assert_int_equal(ck_nightly_after(db, cfg, d1, now, ck_inspection_snapshot_text, &a, err, sizeof err), CK_OK);
    assert_int_equal(a.overdue, 0);
    assert_int_equal(a.expired, 0);
}

/* ---- Webhooks ---------------------------------------------------------------------------- */

#define SECRET "webhook-test-secret-0123456789"
#define T0 ((time_t)1780000000)

typedef struct receiver {
    struct MHD_Daemon *d;
    uint16_t port;
    pthread_mutex_t mu;
    int requests, fail_first;
    int64_t now;             /* the round's time, for the signature's check */
    int64_t got[256];        /* ids of the events accepted, in order */
    size_t n_got;
    char fault[256];
} receiver;

typedef struct upload {
    char *data;
    size_t len;
} upload;

static enum MHD_Result on_post(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                               const char *version, const char *data, size_t *data_len, void **state)
{
    (void)url, (void)version;
    receiver *rv = cls;
    upload *u = *state;
    if (!u) {
        *state = calloc(1, sizeof *u);
        return *state ? MHD_YES : MHD_NO;
    }
    if (*data_len) {
        u->data = realloc(u->data, u->len + *data_len + 1);
        memcpy(u->data + u->len, data, *data_len);
        u->len += *data_len;
        u->data[u->len] = '\0';
        *data_len = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&rv->mu);
    unsigned status = 200;
    rv->requests++;
    const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, CK_WEBHOOK_SIG_HEADER);
    if (strcmp(method, "POST") != 0 || !u->data) {
        status = 400;
    } else if (!ck_webhooks_verify(SECRET, sig, u->data, u->len, rv->now, 300)) {
        status = 401;
        snprintf(rv->fault, sizeof rv->fault, "a bad signature: %s", sig ? sig : "(none)");
    } else if (rv->requests <= rv->fail_first) {
        status = 500;
    } else {
        json_t *j = json_loads(u->data, 0, NULL);
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(j, "events"), i, e)
            if (rv->n_got < 256) rv->got[rv->n_got++] = json_integer_value(json_object_get(e, "id"));
        if (!json_is_string(json_object_get(j, "webhook"))) status = 400;
        json_decref(j);
    }
    pthread_mutex_unlock(&rv->mu);
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)conn, (void)why;
    upload *u = *state;
    if (u) free(u->data);
    free(u);
    *state = NULL;
}

static void receiver_start(receiver *rv, int fail_first)
{
    memset(rv, 0, sizeof *rv);
    pthread_mutex_init(&rv->mu, NULL);
    rv->fail_first = fail_first;
    rv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_post, rv, MHD_OPTION_NOTIFY_COMPLETED,
                             on_done, NULL, MHD_OPTION_END);
    assert_non_null(rv->d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(rv->d, MHD_DAEMON_INFO_BIND_PORT);
    assert_non_null(info);
    rv->port = info->port;
}

static void receiver_stop(receiver *rv)
{
    MHD_stop_daemon(rv->d);
    pthread_mutex_destroy(&rv->mu);
}

static void tick(ck_db *db, const ck_rules_config *cfg, receiver *rv, const ck_webhook *hook, const char *holder,
                 time_t now, ck_webhooks_round *round)
{
    char err[512];
    pthread_mutex_lock(&rv->mu);
    rv->now = (int64_t)now;
    pthread_mutex_unlock(&rv->mu);
    if (ck_webhooks_tick(db, cfg, hook, 1, holder, now, round, err, sizeof err) != CK_OK) fail_msg("tick: %s", err);
}

static void test_webhook_fails_twice(void **state)
{
    ck_db *db = ck_test_db_get(state);
    char err[512];
    for (int i = 0; i < CASES; i++) add_case(db, crn_of(i));
    ck_engine eng = ck_engine_default();
    for (int i = 0; i < 6; i++) {
        char id[16];
        snprintf(id, sizeof id, "WH%d", i);
        ck_contact k = contact(id, "2025-10-01");
        assert_int_equal(ck_cases_add(db, &eng, crn_of(i % CASES), "contacts", &k, ck_test_date(AS_OF), err, sizeof err),
                         CK_OK);
    }
    const int64_t total = CASES + 6;
    const char *conf = "webhook_retry_s = 2\nwebhook_retry_max_s = 3\nwebhook_batch = 3\nwebhook_poll_s = 5\n";
    ck_rules_config *cfg = ck_rulecfg_parse(conf, strlen(conf), err, sizeof err);
    if (!cfg) fail_msg("%s", err);
    receiver rv;
    receiver_start(&rv, 2);

    /* The webhooks file names it; its secret is in a file of its own. */
    char secret_path[128], list_path[128];
    snprintf(secret_path, sizeof secret_path, "/tmp/ck-webhook-%ld.secret", (long)getpid());
    snprintf(list_path, sizeof list_path, "/tmp/ck-webhook-%ld.list", (long)getpid());
    FILE *fs = fopen(secret_path, "w");
    assert_non_null(fs);
    fputs(SECRET "\n", fs);
    fclose(fs);
    FILE *fl = fopen(list_path, "w");
    assert_non_null(fl);
    fprintf(fl, "# the case system of the region\nrecv http://127.0.0.1:%u/hook %s\n", rv.port, secret_path);
    fclose(fl);
    ck_webhook *hooks = NULL;
    size_t n_hooks = 0;
    if (!ck_webhooks_load(list_path, &hooks, &n_hooks, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(n_hooks, 1);
    assert_string_equal(hooks[0].name, "recv");

    ck_webhooks_round round;
    ck_webhook_cursor cur;
    /* First try: 500. Tried again after webhook_retry_s, not before. */
    tick(db, cfg, &rv, hooks, "server-1", T0, &round);
    assert_true(round.held);
    assert_int_equal(round.failed, 1);
    assert_int_equal(ck_events_cursor_get(db, "recv", &cur, err, sizeof err), CK_OK);
    assert_int_equal(cur.delivered_to, 0);
    assert_int_equal(cur.attempts, 1);
    assert_int_equal(cur.next_attempt_at, T0 + 2);
    assert_string_equal(cur.error, "HTTP 500");
    /* Another server does not send while the lease is held. */
    tick(db, cfg, &rv, hooks, "server-2", T0 + 2, &round);
    assert_false(round.held);
    tick(db, cfg, &rv, hooks, "server-1", T0 + 1, &round);
    assert_int_equal(round.failed + round.delivered, 0);
    assert_int_equal(rv.requests, 1);
    /* Second try: 500 again; the wait doubles, capped at webhook_retry_max_s. */
    tick(db, cfg, &rv, hooks, "server-1", T0 + 2, &round);
    assert_int_equal(round.failed, 1);
    assert_int_equal(ck_events_cursor_get(db, "recv", &cur, err, sizeof err), CK_OK);
    assert_int_equal(cur.attempts, 2);
    assert_int_equal(cur.next_attempt_at, T0 + 2 + 3);
    /* Third: accepted, and the rest follows in batches of 3. */
    tick(db, cfg, &rv, hooks, "server-1", T0 + 5, &round);
    assert_int_equal(round.failed, 0);
    assert_int_equal(round.delivered, total);
    if (rv.fault[0]) fail_msg("%s", rv.fault);
    assert_int_equal(rv.n_got, total);
    for (int64_t i = 0; i < total; i++) assert_int_equal(rv.got[i], i + 1);
    assert_int_equal(ck_events_cursor_get(db, "recv", &cur, err, sizeof err), CK_OK);
    assert_int_equal(cur.delivered_to, total);
    assert_int_equal(cur.attempts, 0);
    assert_string_equal(cur.error, "");
    /* Nothing new: nothing sent. A new event goes on its own. */
    int before = rv.requests;
    tick(db, cfg, &rv, hooks, "server-1", T0 + 6, &round);
    assert_int_equal(rv.requests, before);
    ck_contact k = contact("WH-late", "2025-10-05");
    assert_int_equal(ck_cases_add(db, &eng, crn_of(0), "contacts", &k, ck_test_date(AS_OF), err, sizeof err), CK_OK);
    tick(db, cfg, &rv, hooks, "server-1", T0 + 7, &round);
    assert_int_equal(round.delivered, 1);
    assert_int_equal(rv.n_got, total + 1);
    assert_int_equal(rv.got[total], total + 1);

    receiver_stop(&rv);
    ck_free(hooks);
    ck_rulecfg_free(cfg);
    unlink(secret_path);
    unlink(list_path);
}

static void test_signature(void **state)
{
    (void)state;
    char sig[160];
    const char *body = "{\"events\":[]}";
    ck_webhooks_sign(SECRET, 1000, body, strlen(body), sig, sizeof sig);
    assert_true(ck_webhooks_verify(SECRET, sig, body, strlen(body), 1000, 300));
    assert_false(ck_webhooks_verify("another secret", sig, body, strlen(body), 1000, 300));
    assert_false(ck_webhooks_verify(SECRET, sig, "{\"events\":[1]}", 14, 1000, 300));
    assert_false(ck_webhooks_verify(SECRET, sig, body, strlen(body), 1000 + 301, 300)); /* too old */
    assert_false(ck_webhooks_verify(SECRET, "v1=00", body, strlen(body), 1000, 300));
    assert_false(ck_webhooks_verify(SECRET, NULL, body, strlen(body), 1000, 300));
    /* A bad webhooks file is named by line. */
    char path[128], err[256];
    snprintf(path, sizeof path, "/tmp/ck-webhook-bad-%ld.list", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("\n# fine\nrecv ftp://example.org/x /nonexistent\n", f);
    fclose(f);
    ck_webhook *hooks = NULL;
    size_t n = 0;
    assert_false(ck_webhooks_load(path, &hooks, &n, err, sizeof err));
    assert_non_null(strstr(err, "line 3: URL"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_feed_after_load),
        CK_DB_TEST(test_types_of_writes),
        CK_DB_TEST(test_overdue_once),
        CK_DB_TEST(test_overdue_skipped_night),
        CK_DB_TEST(test_once_in_runs),
        CK_DB_TEST(test_reader_filter),
        CK_DB_TEST(test_route),
        CK_DB_TEST(test_access_staff_accounts),
        CK_DB_TEST(test_expiry),
        CK_DB_TEST(test_nightly_after),
        CK_DB_TEST(test_webhook_fails_twice),
        cmocka_unit_test(test_signature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
