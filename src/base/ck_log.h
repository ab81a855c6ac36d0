/* ck_log: the server's log, one line per event, as text (for a person at a
 * terminal, and the demo's default) or as JSON (one object per line, for a
 * log shipper). Every layer logs through it, so one switch (`serve
 * --log-format`) turns every line into the same shape.
 *
 * Two kinds of line: a message (free text, for what went wrong or what the
 * server is doing) and an event (a name and typed fields: one per request,
 * one per job run). In JSON every line has "time" (UTC, milliseconds) and
 * either "msg" or "event" with its fields; in text a line is "TIME
 * casekeeper: " then the message, or the event's name and its fields in
 * order as key=value (a NULL string is "-").
 *
 * Each line is built whole and written with one write(2), so lines of
 * several threads never interleave. Callers never pass personal data: no
 * names, no CRNs, no search terms (a route's pattern, never its path). */
#ifndef CK_LOG_H
#define CK_LOG_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ck_log_format { CK_LOG_TEXT, CK_LOG_JSON } ck_log_format;

/* Process-wide; set before the threads that log start. */
void ck_log_set_format(ck_log_format f);
ck_log_format ck_log_get_format(void);
/* "text" or "json"; false for anything else. */
bool ck_log_parse_format(const char *s, ck_log_format *out);
/* Where lines go: a file descriptor (tests point it at a file); -1 is
 * standard error, the default. */
void ck_log_set_fd(int fd);

void ck_log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ck_log_vmsg(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

typedef enum ck_log_type { CK_LOG_STR, CK_LOG_INT, CK_LOG_NUM } ck_log_type;
typedef struct ck_log_field {
    const char *key;
    ck_log_type type;
    const char *s;   /* CK_LOG_STR; NULL is JSON null, "-" in text */
    int64_t i;       /* CK_LOG_INT */
    double d;        /* CK_LOG_NUM, written with three decimals */
} ck_log_field;

#define CK_LF_STR(k, v) ((ck_log_field){.key = (k), .type = CK_LOG_STR, .s = (v)})
#define CK_LF_INT(k, v) ((ck_log_field){.key = (k), .type = CK_LOG_INT, .i = (int64_t)(v)})
#define CK_LF_NUM(k, v) ((ck_log_field){.key = (k), .type = CK_LOG_NUM, .d = (double)(v)})

/* One event line: {"time": ..., "event": event, fields...}. */
void ck_log_event(const char *event, const ck_log_field *fields, size_t n);

#endif
