#include "ck_cal.h"
#include "ck_embedded.h"
#include "ck_mem.h"
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One bit per day of the covered years: the rules ask "is D a working day?"
 * millions of times in a nightly recompute, so a lookup is a shift and a mask. */
struct ck_calendar {
    int first_year, last_year;
    ck_date first_day, last_day; /* 1 January of first_year, 31 December of last_year */
    uint8_t *holiday;
};

static const char DIVISION[] = "england-and-wales";

static void fail(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t err_len, const char *fmt, ...)
{
    if (!err || !err_len) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* The date of events[i], or false with the message in err. */
static bool event_date(const json_t *ev, size_t i, ck_date *out, char *err, size_t err_len)
{
    const json_t *d = json_is_object(ev) ? json_object_get(ev, "date") : NULL;
    if (!json_is_object(ev)) {
        fail(err, err_len, "%s.events[%zu]: expected an object with a \"date\"", DIVISION, i);
        return false;
    }
    if (!json_is_string(d) || !ck_date_parse(json_string_value(d), json_string_length(d), out)) {
        fail(err, err_len, "%s.events[%zu].date: expected a date YYYY-MM-DD%s%s%s", DIVISION, i,
             json_is_string(d) ? ", got \"" : "", json_is_string(d) ? json_string_value(d) : "",
             json_is_string(d) ? "\"" : "");
        return false;
    }
    return true;
}

static ck_calendar *from_json(const json_t *root, char *err, size_t err_len)
{
    const json_t *div = json_is_object(root) ? json_object_get(root, DIVISION) : NULL;
    const json_t *events = json_is_object(div) ? json_object_get(div, "events") : NULL;
    if (!json_is_object(root)) {
        fail(err, err_len, "expected a JSON object (the GOV.UK bank-holidays.json format)");
        return NULL;
    }
    if (!json_is_object(div)) {
        fail(err, err_len, "%s: expected an object (the division of the GOV.UK file)", DIVISION);
        return NULL;
    }
    if (!json_is_array(events) || json_array_size(events) == 0) {
        fail(err, err_len, "%s.events: expected a non-empty array of bank holidays", DIVISION);
        return NULL;
    }
    size_t n = json_array_size(events);
    ck_date lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        ck_date d;
        if (!event_date(json_array_get(events, i), i, &d, err, err_len)) return NULL;
        if (i == 0 || d < lo) lo = d;
        if (i == 0 || d > hi) hi = d;
    }
    ck_calendar *cal = ck_calloc(1, sizeof *cal);
    int m, dd;
    ck_date_split(lo, &cal->first_year, &m, &dd);
    ck_date_split(hi, &cal->last_year, &m, &dd);
    cal->first_day = ck_date_ymd(cal->first_year, 1, 1);
    cal->last_day = ck_date_ymd(cal->last_year, 12, 31);
    cal->holiday = ck_calloc((size_t)(cal->last_day - cal->first_day) / 8 + 1, 1);
    for (size_t i = 0; i < n; i++) {
        ck_date d;
        event_date(json_array_get(events, i), i, &d, NULL, 0);
        size_t bit = (size_t)(d - cal->first_day);
        cal->holiday[bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
    return cal;
}

ck_calendar *ck_calendar_parse(const char *json, size_t len, char *err, size_t err_len)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    if (!root) {
        fail(err, err_len, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    ck_calendar *cal = from_json(root, err, err_len);
    json_decref(root);
    return cal;
}

static ck_calendar *shipped;
static pthread_once_t shipped_once = PTHREAD_ONCE_INIT;

static void load_shipped(void)
{
    char err[256] = "not embedded";
    const ck_embedded_file *f = ck_embedded_get("data/bank-holidays.json");
    shipped = f ? ck_calendar_parse(f->data, f->len, err, sizeof err) : NULL;
    if (!shipped) {
        /* A build without its own calendar cannot count a single working day. */
        fprintf(stderr, "casekeeper: shipped data/bank-holidays.json: %s\n", err);
        abort();
    }
}

const ck_calendar *ck_calendar_default(void)
{
    pthread_once(&shipped_once, load_shipped);
    return shipped;
}

void ck_calendar_free(ck_calendar *cal)
{
    if (!cal) return;
    ck_free(cal->holiday);
    ck_free(cal);
}

bool ck_is_bank_holiday(const ck_calendar *cal, ck_date d)
{
    if (d < cal->first_day || d > cal->last_day) return false;
    size_t bit = (size_t)(d - cal->first_day);
    return (cal->holiday[bit / 8] >> (bit % 8)) & 1u;
}

bool ck_is_working_day(const ck_calendar *cal, ck_date d)
{
    return ck_date_weekday(d) < 5 && !ck_is_bank_holiday(cal, d);
}

/* One step at a time, as the rulebook defines it: n is at most a few dozen. */
static ck_date wd_step(const ck_calendar *cal, ck_date d, int n, int dir)
{
    while (n > 0) {
        d += dir;
        if (ck_is_working_day(cal, d)) n--;
    }
    return d;
}

ck_date ck_wd_add(const ck_calendar *cal, ck_date d, int n)
{
    return n >= 0 ? wd_step(cal, d, n, 1) : wd_step(cal, d, -n, -1);
}

ck_date ck_wd_sub(const ck_calendar *cal, ck_date d, int n)
{
    return n >= 0 ? wd_step(cal, d, n, -1) : wd_step(cal, d, -n, 1);
}

void ck_calendar_range(const ck_calendar *cal, int *first_year, int *last_year)
{
    *first_year = cal->first_year;
    *last_year = cal->last_year;
}
