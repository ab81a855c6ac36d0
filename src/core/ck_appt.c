/* ck_appt: see ck_appt.h. */
#include "ck_appt.h"
#include "ck_org_record.h"
#include "ck_str.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *const ck_vocab_appt_place[] = {"video", "phone", "home visit", NULL};
/* Index for index with ck_vocab_appt_place. */
static const char *const place_labels[] = {"Video call", "Phone call", "Home visit", NULL};

const char *ck_appt_place_label(const char *place)
{
    for (size_t i = 0; place && ck_vocab_appt_place[i]; i++)
        if (strcmp(place, ck_vocab_appt_place[i]) == 0) return place_labels[i];
    return NULL;
}

int ck_appt_minutes(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':') return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return -1;
    return h * 60 + m;
}

bool ck_appt_code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > CK_ORG_CODE_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_';
        if (!ok) return false;
    }
    return true;
}

/* The reason's fault, or NULL: blank, too long or with control characters. */
static const char *reason_bad(const char *s, char *msg, size_t len)
{
    if (!s || !s[strspn(s, " \t\r\n")]) {
        snprintf(msg, len, "expected a reason");
        return "change_reason";
    }
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80) chars++;
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7F) {
            snprintf(msg, len, "expected text without control characters");
            return "change_reason";
        }
    }
    if (chars > CK_APPT_REASON_MAX) {
        snprintf(msg, len, "expected at most %d characters, got %zu", CK_APPT_REASON_MAX, chars);
        return "change_reason";
    }
    return NULL;
}

const char *ck_appt_check(const ck_contact *k, char *msg, size_t len)
{
    bool appt = k->appointment == 1;
    /* Booking details belong to appointments only. */
    static const struct { const char *key; size_t off; } only_appt[] = {
        {"start_time", offsetof(ck_contact, start_time)}, {"end_time", offsetof(ck_contact, end_time)},
        {"officer", offsetof(ck_contact, officer)},       {"location", offsetof(ck_contact, location)},
        {"rescheduled_to", offsetof(ck_contact, rescheduled_to)}};
    for (size_t i = 0; !appt && i < sizeof only_appt / sizeof only_appt[0]; i++)
        if (*(const char *const *)((const char *)k + only_appt[i].off)) {
            snprintf(msg, len, "expected only on an appointment (appointment: true)");
            return only_appt[i].key;
        }
    if (!appt && k->cancelled == 1) {
        snprintf(msg, len, "expected only on an appointment (appointment: true)");
        return "cancelled";
    }
    int from = ck_appt_minutes(k->start_time), to = ck_appt_minutes(k->end_time);
    if (k->start_time && from < 0) {
        snprintf(msg, len, "expected a time as HH:MM on the 24-hour clock, got \"%.20s\"", k->start_time);
        return "start_time";
    }
    if (k->end_time && to < 0) {
        snprintf(msg, len, "expected a time as HH:MM on the 24-hour clock, got \"%.20s\"", k->end_time);
        return "end_time";
    }
    if (k->start_time && !k->end_time) {
        snprintf(msg, len, "expected an end time with the start time %s", k->start_time);
        return "end_time";
    }
    if (k->end_time && !k->start_time) {
        snprintf(msg, len, "expected a start time with the end time %s", k->end_time);
        return "start_time";
    }
    if (k->start_time && to <= from) {
        snprintf(msg, len, "expected a time after the start time %s, got %s", k->start_time, k->end_time);
        return "end_time";
    }
    if (k->officer && !ck_appt_code_ok(k->officer)) {
        snprintf(msg, len, "expected a staff code (letters and digits, at most %d), got \"%.40s\"", CK_ORG_CODE_MAX,
                 k->officer);
        return "officer";
    }
    if (k->location && !ck_appt_place_label(k->location) && !ck_appt_code_ok(k->location)) {
        snprintf(msg, len, "expected an office code or one of video, phone, home visit, got \"%.40s\"", k->location);
        return "location";
    }
    if (k->rescheduled_to && !ck_streq(k->outcome, "RSOF") && !ck_streq(k->outcome, "RSSR")) {
        snprintf(msg, len, "expected RSOF (the person asked) or RSSR (the service asked) on a rescheduled "
                 "appointment, got %s", k->outcome ? k->outcome : "none");
        return "outcome";
    }
    if (k->cancelled == 1 && k->rescheduled_to) {
        snprintf(msg, len, "expected either a cancellation or a rescheduling, not both");
        return "rescheduled_to";
    }
    if (k->sequence != CK_NOINT && k->sequence < 0) {
        snprintf(msg, len, "expected 0 or more, got %d", (int)k->sequence);
        return "sequence";
    }
    if (k->cancelled == 1 || k->rescheduled_to) return reason_bad(k->change_reason, msg, len);
    if (k->change_reason) {
        snprintf(msg, len, "expected only on a cancelled or rescheduled appointment");
        return "change_reason";
    }
    return NULL;
}

bool ck_appt_live(const ck_contact *k) { return k->appointment == 1 && k->cancelled != 1; }

const char *ck_appt_officer(const ck_case *c, const ck_contact *k)
{
    if (k->officer) return k->officer;
    const ck_allocation *latest = NULL;
    for (size_t i = 0; i < c->n_allocations; i++) {
        const ck_allocation *a = &c->allocations[i];
        if (a->from <= k->date && (a->to == CK_NODATE || k->date < a->to)) return a->staff_code;
        if (!latest || a->from > latest->from) latest = a;
    }
    return latest ? latest->staff_code : NULL;
}

bool ck_appt_overlap(const ck_contact *a, const ck_contact *b)
{
    if (a->date != b->date) return false;
    int a0 = ck_appt_minutes(a->start_time), a1 = ck_appt_minutes(a->end_time);
    int b0 = ck_appt_minutes(b->start_time), b1 = ck_appt_minutes(b->end_time);
    if (a0 < 0 || a1 < 0) a0 = 0, a1 = 24 * 60;
    if (b0 < 0 || b1 < 0) b0 = 0, b1 = 24 * 60;
    return a0 < b1 && b0 < a1;
}
