#include "ck_log.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 2048 /* a longer message is cut; an event is a few hundred bytes */
#define JSON_RESERVE 256    /* kept free by a JSON string: its quote, the short fields after it, the brace */

static atomic_int log_format = CK_LOG_TEXT;
static atomic_int log_fd = -1;

void ck_log_set_format(ck_log_format f) { atomic_store(&log_format, (int)f); }
ck_log_format ck_log_get_format(void) { return (ck_log_format)atomic_load(&log_format); }
void ck_log_set_fd(int fd) { atomic_store(&log_fd, fd); }

bool ck_log_parse_format(const char *s, ck_log_format *out)
{
    if (s && strcmp(s, "text") == 0) *out = CK_LOG_TEXT;
    else if (s && strcmp(s, "json") == 0) *out = CK_LOG_JSON;
    else return false;
    return true;
}

/* A line under construction: appends past the end are dropped, and the
 * last byte is kept for the newline. */
typedef struct line {
    char b[LINE_MAX_BYTES];
    size_t n;
} line;

static void put(line *l, const char *s, size_t n)
{
    size_t room = sizeof l->b - 1 - l->n;
    if (n > room) n = room;
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

static void puts_(line *l, const char *s) { put(l, s, strlen(s)); }

static void putf(line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(line *l, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k > 0) put(l, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* s as a JSON string: quotes, backslashes and control characters escaped;
 * bytes of 0x80 and above are passed on (a message may quote UTF-8). */
static void put_json_str(line *l, const char *s)
{
    if (!s) {
        puts_(l, "null");
        return;
    }
    puts_(l, "\"");
    /* Stops short of the end so the closing quote and the fields after fit,
     * but never inside a UTF-8 sequence. */
    for (const unsigned char *p = (const unsigned char *)s;
         *p && (l->n < sizeof l->b - JSON_RESERVE || (*p & 0xC0) == 0x80); p++) {
        if (*p == '"') puts_(l, "\\\"");
        else if (*p == '\\') puts_(l, "\\\\");
        else if (*p == '\n') puts_(l, "\\n");
        else if (*p == '\t') puts_(l, "\\t");
        else if (*p < 0x20 || *p == 0x7f) putf(l, "\\u%04x", *p);
        else put(l, (const char *)p, 1);
    }
    puts_(l, "\"");
}

static void start(line *l, bool json)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char t[64]; /* "2026-12-07T04:40:43Z casekeeper: " and room to spare */
    if (json) {
        strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
        puts_(l, "{\"time\":\"");
        puts_(l, t);
        putf(l, ".%03ldZ\"", ts.tv_nsec / 1000000L);
    } else {
        strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ casekeeper: ", &tm);
        puts_(l, t);
    }
}

static void finish(line *l, bool json)
{
    if (json) {
        puts_(l, "}");
    } else {
        while (l->n && l->b[l->n - 1] == '\n') l->n--;
    }
    l->b[l->n++] = '\n';
    int fd = atomic_load(&log_fd);
    ssize_t w = write(fd >= 0 ? fd : STDERR_FILENO, l->b, l->n);
    (void)w; /* nowhere left to report a failed log write */
}

void ck_log_vmsg(const char *fmt, va_list ap)
{
    bool json = ck_log_get_format() == CK_LOG_JSON;
    line l = {.n = 0};
    start(&l, json);
    char msg[LINE_MAX_BYTES];
    int k = vsnprintf(msg, sizeof msg, fmt, ap);
    if (k < 0) return;
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n') msg[--n] = '\0';
    if (json) {
        puts_(&l, ",\"msg\":");
        put_json_str(&l, msg);
    } else {
        puts_(&l, msg);
    }
    finish(&l, json);
}

void ck_log_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ck_log_vmsg(fmt, ap);
    va_end(ap);
}

void ck_log_event(const char *event, const ck_log_field *fields, size_t n)
{
    bool json = ck_log_get_format() == CK_LOG_JSON;
    line l = {.n = 0};
    start(&l, json);
    if (json) {
        puts_(&l, ",\"event\":");
        put_json_str(&l, event);
    } else {
        puts_(&l, event);
    }
    for (size_t i = 0; i < n; i++) {
        const ck_log_field *f = &fields[i];
        if (json) {
            puts_(&l, ",");
            put_json_str(&l, f->key);
            puts_(&l, ":");
        } else {
            putf(&l, " %.40s=", f->key);
        }
        switch (f->type) {
        case CK_LOG_STR:
            if (json) put_json_str(&l, f->s);
            else puts_(&l, f->s ? f->s : "-");
            break;
        case CK_LOG_INT: putf(&l, "%lld", (long long)f->i); break;
        case CK_LOG_NUM: putf(&l, "%.3f", f->d); break;
        }
    }
    finish(&l, json);
}
