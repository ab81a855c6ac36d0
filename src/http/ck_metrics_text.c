#include "ck_metrics_text.h"
#include "ck_api.h"
#include "ck_app.h"
#include "ck_audit.h"
#include "ck_reminders.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define MAX_TOKEN 256

/* ---- The text format ---------------------------------------------------- */

static void family(ck_buf *out, const char *name, const char *type, const char *help)
{
    ck_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(ck_buf *out, const char *v)
{
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\\') ck_buf_puts(out, "\\\\");
        else if (*p == '"') ck_buf_puts(out, "\\\"");
        else if (*p == '\n') ck_buf_puts(out, "\\n");
        else ck_buf_append(out, p, 1);
    }
}

/* name{k1="v1",k2="v2"} from n pairs (keys[i], values[i]); no braces when n is 0. */
static void series(ck_buf *out, const char *name, const char *suffix, const char *const *keys,
                   const char *const *values, size_t n)
{
    ck_buf_printf(out, "%s%s", name, suffix);
    for (size_t i = 0; i < n; i++) {
        ck_buf_printf(out, "%s%s=\"", i ? "," : "{", keys[i]);
        label_value(out, values[i]);
        ck_buf_puts(out, "\"");
    }
    if (n) ck_buf_puts(out, "}");
}

static void sample_u(ck_buf *out, const char *name, const char *const *keys, const char *const *values, size_t n,
                     uint64_t v)
{
    series(out, name, "", keys, values, n);
    ck_buf_printf(out, " %llu\n", (unsigned long long)v);
}

static void sample_i(ck_buf *out, const char *name, const char *const *keys, const char *const *values, size_t n,
                     int64_t v)
{
    series(out, name, "", keys, values, n);
    ck_buf_printf(out, " %lld\n", (long long)v);
}

/* The _bucket (cumulative, le in the exposed unit), _sum and _count lines
 * of one histogram series; n labels besides le (at most 3). */
static void histogram(ck_buf *out, const char *name, const char *const *keys, const char *const *values, size_t n,
                      const ck_histogram *h)
{
    ck_histogram_read rd;
    ck_histogram_get(h, &rd);
    const ck_histogram_bounds *b = h->bounds;
    const char *k[4], *v[4];
    for (size_t i = 0; i < n && i < 3; i++) k[i] = keys[i], v[i] = values[i];
    k[n] = "le";
    char bucket[64], le[32];
    snprintf(bucket, sizeof bucket, "%s_bucket", name);
    for (size_t i = 0; i <= b->n; i++) {
        if (i < b->n) snprintf(le, sizeof le, "%.6g", (double)b->le[i] / b->scale);
        else snprintf(le, sizeof le, "+Inf");
        v[n] = le;
        sample_u(out, bucket, k, v, n + 1, rd.cumulative[i]);
    }
    series(out, name, "_sum", keys, values, n);
    ck_buf_printf(out, " %.6f\n", (double)rd.sum / b->scale);
    series(out, name, "_count", keys, values, n);
    ck_buf_printf(out, " %llu\n", (unsigned long long)rd.cumulative[b->n]);
}

static uint64_t histogram_count(const ck_histogram *h)
{
    ck_histogram_read rd;
    ck_histogram_get(h, &rd);
    return rd.cumulative[h->bounds->n];
}

/* ---- The families ------------------------------------------------------- */

static void render_http(ck_buf *out, const ck_http_server *s)
{
    static const char *const keys[] = {"method", "route", "status"};
    size_t rows = ck_http_route_rows(s);
    family(out, "casekeeper_http_requests_total", "counter",
           "Requests answered, by route pattern (method and route; \"unmatched\" when no route answered) and status.");
    for (size_t i = 0; i <= rows; i++) {
        const ck_route *rt = ck_http_route_row(s, i);
        const ck_http_route_stats *st = ck_http_route_stats_of(s, i);
        for (size_t k = 0; k < CK_HTTP_STATUS_SLOTS; k++) {
            uint64_t n = ck_counter_get(&st->by_status[k]);
            if (!n) continue;
            char status[16] = "other";
            if (ck_http_slot_status(k)) snprintf(status, sizeof status, "%u", ck_http_slot_status(k));
            const char *values[] = {rt ? rt->method : "any", rt ? rt->pattern : "unmatched", status};
            sample_u(out, "casekeeper_http_requests_total", keys, values, 3, n);
        }
    }
    family(out, "casekeeper_http_request_duration_seconds", "histogram",
           "Time from a request's arrival to its response being queued, by route pattern.");
    for (size_t i = 0; i <= rows; i++) {
        const ck_route *rt = ck_http_route_row(s, i);
        const ck_http_route_stats *st = ck_http_route_stats_of(s, i);
        if (!histogram_count(&st->seconds)) continue;
        const char *values[] = {rt ? rt->method : "any", rt ? rt->pattern : "unmatched"};
        histogram(out, "casekeeper_http_request_duration_seconds", keys, values, 2, &st->seconds);
    }
}

static void render_db(ck_buf *out)
{
    static const char *const kinds[] = {"write", "read"}, *const ends[] = {"commit", "rollback"};
    static const char *const keys[] = {"kind", "outcome"};
    family(out, "casekeeper_db_transactions_total", "counter",
           "Database transactions ended, by kind (write, read) and outcome (commit, rollback).");
    for (int k = 0; k < CK_DB_TX_KINDS; k++)
        for (int e = 0; e < CK_DB_TX_ENDS; e++) {
            const char *values[] = {kinds[k], ends[e]};
            sample_u(out, "casekeeper_db_transactions_total", keys, values, 2, ck_counter_get(&ck_db_stats.tx[k][e]));
        }
    family(out, "casekeeper_db_transaction_duration_seconds", "histogram",
           "Time from a transaction's begin to its commit or rollback, by kind.");
    for (int k = 0; k < CK_DB_TX_KINDS; k++)
        histogram(out, "casekeeper_db_transaction_duration_seconds", keys, &kinds[k], 1, &ck_db_stats.tx_seconds[k]);
    family(out, "casekeeper_db_write_begin_wait_seconds", "histogram",
           "Time a write transaction's begin took: on SQLite the wait for the write lock.");
    histogram(out, "casekeeper_db_write_begin_wait_seconds", NULL, NULL, 0, &ck_db_stats.begin_wait_seconds);
    family(out, "casekeeper_db_connect_duration_seconds", "histogram", "Time opening a database connection took.");
    histogram(out, "casekeeper_db_connect_duration_seconds", NULL, NULL, 0, &ck_db_stats.connect_seconds);
}

static void render_jobs(ck_buf *out)
{
    family(out, "casekeeper_audit_queue_entries", "gauge",
           "Audit entries of reads waiting for the audit appender's next batch.");
    sample_i(out, "casekeeper_audit_queue_entries", NULL, NULL, 0, ck_gauge_get(&ck_audit_stats.queued));
    family(out, "casekeeper_audit_batch_entries", "histogram",
           "Audit entries written by each batch the audit appender committed.");
    histogram(out, "casekeeper_audit_batch_entries", NULL, NULL, 0, &ck_audit_stats.batch_entries);
    family(out, "casekeeper_audit_batches_failed_total", "counter",
           "Audit appender batches that could not be written (their reads were refused).");
    sample_u(out, "casekeeper_audit_batches_failed_total", NULL, NULL, 0,
             ck_counter_get(&ck_audit_stats.batches_failed));

    const ck_wl_cache_metrics *wc = &ck_wl_cache_stats;
    static const char *const result[] = {"result"};
    const char *hit[] = {"hit"}, *miss[] = {"miss"};
    family(out, "casekeeper_worklist_cache_lookups_total", "counter",
           "GET /api/v1/worklist pages looked up in the page cache, by result (a miss runs the page's queries).");
    sample_u(out, "casekeeper_worklist_cache_lookups_total", result, hit, 1, ck_counter_get(&wc->hits));
    sample_u(out, "casekeeper_worklist_cache_lookups_total", result, miss, 1, ck_counter_get(&wc->misses));
    family(out, "casekeeper_worklist_cache_evictions_total", "counter",
           "Worklist pages dropped from the page cache to stay within its caps.");
    sample_u(out, "casekeeper_worklist_cache_evictions_total", NULL, NULL, 0, ck_counter_get(&wc->evictions));
    family(out, "casekeeper_worklist_cache_entries", "gauge", "Worklist pages the page cache holds.");
    sample_i(out, "casekeeper_worklist_cache_entries", NULL, NULL, 0, ck_gauge_get(&wc->entries));
    family(out, "casekeeper_worklist_cache_bytes", "gauge", "Bytes the worklist page cache holds (keys and pages).");
    sample_i(out, "casekeeper_worklist_cache_bytes", NULL, NULL, 0, ck_gauge_get(&wc->bytes));

    const ck_api_daily_metrics *d = &ck_api_daily_stats;
    static const char *const outcome[] = {"outcome"};
    family(out, "casekeeper_nightly_recompute_duration_seconds", "histogram",
           "Time each run of the nightly recompute of every case's obligations took.");
    histogram(out, "casekeeper_nightly_recompute_duration_seconds", NULL, NULL, 0, &d->seconds);
    family(out, "casekeeper_nightly_recompute_cases_total", "counter", "Cases the nightly recompute evaluated.");
    sample_u(out, "casekeeper_nightly_recompute_cases_total", NULL, NULL, 0, ck_counter_get(&d->cases));
    family(out, "casekeeper_nightly_recompute_runs_total", "counter", "Runs of the nightly recompute, by outcome.");
    const char *ok[] = {"done"}, *failed[] = {"failed"};
    sample_u(out, "casekeeper_nightly_recompute_runs_total", outcome, ok, 1, ck_counter_get(&d->runs_ok));
    sample_u(out, "casekeeper_nightly_recompute_runs_total", outcome, failed, 1, ck_counter_get(&d->runs_failed));
    family(out, "casekeeper_nightly_recompute_last_success_timestamp_seconds", "gauge",
           "When the last successful run of the nightly recompute ended (Unix time; 0: none since the start).");
    sample_i(out, "casekeeper_nightly_recompute_last_success_timestamp_seconds", NULL, NULL, 0,
             ck_gauge_get(&d->last_success_unix));

    static const char *const outcomes[] = CK_REMINDERS_OUTCOMES;
    family(out, "casekeeper_reminder_messages_total", "counter",
           "Appointment reminder messages by what a round did with them (planned, sent, retried, failed, cancelled).");
    for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
        sample_u(out, "casekeeper_reminder_messages_total", outcome, &outcomes[i], 1,
                 ck_counter_get(&ck_reminders_stats.messages[i]));
    family(out, "casekeeper_reminder_rounds_failed_total", "counter", "Reminder rounds that failed as a whole.");
    sample_u(out, "casekeeper_reminder_rounds_failed_total", NULL, NULL, 0,
             ck_counter_get(&ck_reminders_stats.rounds_failed));
}

static void render_figures(ck_buf *out, const ck_service_figures *f)
{
    family(out, "casekeeper_service_figures_up", "gauge",
           "1 when the service figures below were read from the database at this scrape, else 0.");
    sample_i(out, "casekeeper_service_figures_up", NULL, NULL, 0, f ? 1 : 0);
    static const char *const keys[] = {"pdu", "rule"};
    family(out, "casekeeper_obligations_overdue", "gauge",
           "Obligations not met and due before today, by PDU code and rule (pdu \"\": held by no known PDU).");
    for (size_t i = 0; f && i < f->n_overdue; i++) {
        const char *values[] = {f->overdue[i].pdu, f->overdue[i].rule};
        sample_i(out, "casekeeper_obligations_overdue", keys, values, 2, f->overdue[i].n);
    }
    family(out, "casekeeper_cases_unallocated", "gauge",
           "Cases no staff member holds, by PDU code (pdu \"\": held by no known PDU).");
    for (size_t i = 0; f && i < f->n_unallocated; i++)
        sample_i(out, "casekeeper_cases_unallocated", keys, &f->unallocated[i].pdu, 1, f->unallocated[i].n);
}

void ck_metrics_render(ck_buf *out, const ck_http_server *s, const ck_service_figures *figures)
{
    render_http(out, s);
    render_db(out);
    render_jobs(out);
    render_figures(out, figures);
}

/* ---- The route ---------------------------------------------------------- */

bool ck_metrics_config_ok(const ck_rules_config *cfg, char *err, size_t err_len)
{
    if (!cfg->metrics_token_file[0]) return true;
    char token[MAX_TOKEN];
    if (!ck_reminders_read_secret("metrics_token_file", cfg->metrics_token_file, token, sizeof token, err, err_len))
        return false;
    size_t n = strlen(token);
    sodium_memzero(token, sizeof token);
    if (n >= CK_METRICS_TOKEN_MIN) return true;
    snprintf(err, err_len, "metrics_token_file: the token in %s has %zu characters; expected at least %d",
             cfg->metrics_token_file, n, CK_METRICS_TOKEN_MIN);
    return false;
}

/* Whether r may read the metrics (see the header); logs why a configured
 * token could not be read. */
static bool may_read(ck_http_req *r)
{
    if (ck_http_direct_loopback(r)) return true;
    const ck_app *app = ck_http_app(r);
    const char *file = app->engine.cfg->metrics_token_file;
    const char *authz = ck_http_header(r, "Authorization");
    if (!file[0] || !authz || strncmp(authz, "Bearer ", 7) != 0) return false;
    char want[MAX_TOKEN], err[512];
    if (!ck_reminders_read_secret("metrics_token_file", file, want, sizeof want, err, sizeof err)) {
        ck_http_log("%s: metrics: %s", ck_http_request_id(r), err);
        return false;
    }
    size_t wl = strlen(want);
    const char *got = authz + 7;
    bool ok = wl >= CK_METRICS_TOKEN_MIN && strlen(got) == wl && sodium_memcmp(got, want, wl) == 0;
    if (wl < CK_METRICS_TOKEN_MIN)
        ck_http_log("%s: metrics: the token in metrics_token_file is shorter than %d characters: refused",
                    ck_http_request_id(r), CK_METRICS_TOKEN_MIN);
    sodium_memzero(want, sizeof want);
    return ok;
}

static void h_metrics(ck_http_req *r)
{
    if (!may_read(r)) {
        /* As for a path that does not exist: nothing says it is here. */
        ck_http_error(r, 404, "there is no resource at this path");
        return;
    }
    char err[512];
    ck_service_figures f;
    bool have = false;
    ck_db *db = ck_http_db(r, err, sizeof err);
    if (db) {
        have = ck_service_figures_read(db, ck_app_today(ck_http_app(r)), &f, err, sizeof err) == CK_OK;
        if (!have) ck_service_figures_free(&f);
    }
    if (!have) ck_http_log("%s: metrics: the service figures could not be read: %s", ck_http_request_id(r), err);
    ck_buf *out = ck_http_out(r);
    ck_metrics_render(out, ck_http_server_of(r), have ? &f : NULL);
    if (have) ck_service_figures_free(&f);
    ck_http_status(r, 200);
    ck_http_content_type(r, CK_METRICS_CONTENT_TYPE);
}

const ck_route ck_metrics_routes[] = {
    {"GET", "/metrics", h_metrics, "public"},
    {NULL, NULL, NULL, NULL},
};
