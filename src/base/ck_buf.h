/* ck_buf: the one growable byte buffer, with a size cap.
 *
 * Every response body, SQL text, explanation and export line is built in a
 * ck_buf. The cap bounds what untrusted input can make us allocate: once an
 * append would pass it, the buffer refuses (returns false) and stays
 * `overflowed`, so a caller may append freely and check once at the end. */
#ifndef CK_BUF_H
#define CK_BUF_H
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_buf {
    char *data;      /* NUL-terminated when len > 0 or after any append; may be NULL when empty */
    size_t len;
    size_t cap;      /* allocated bytes */
    size_t limit;    /* max len; 0 means CK_BUF_DEFAULT_LIMIT */
    bool overflowed; /* an append was refused */
} ck_buf;

#define CK_BUF_DEFAULT_LIMIT ((size_t)1 << 30) /* 1 GiB: a backstop, not a policy */
#define CK_BUF_INIT {0}

void ck_buf_init(ck_buf *b, size_t limit);
bool ck_buf_append(ck_buf *b, const void *p, size_t n); /* false: cap reached, nothing appended */
bool ck_buf_puts(ck_buf *b, const char *s);
bool ck_buf_putc(ck_buf *b, char c);
bool ck_buf_printf(ck_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *ck_buf_cstr(ck_buf *b);       /* never NULL: "" when empty */
char *ck_buf_steal(ck_buf *b);            /* caller frees with ck_free; buffer is reset */
void ck_buf_reset(ck_buf *b);             /* len = 0, keeps memory */
void ck_buf_free(ck_buf *b);

/* The one escaping function. Appends s[0..n) escaped for the given context. */
typedef enum {
    CK_ESC_HTML, /* text and double-quoted attribute values: & < > " ' */
    CK_ESC_URL,  /* a query-string or path component (RFC 3986 unreserved kept) */
    CK_ESC_CSV,  /* one CSV field, quoted when needed (RFC 4180); formula prefixes neutralised */
    CK_ESC_JSON, /* a JSON string, quotes included, byte for byte as jansson writes it (no
                  * JSON_ENSURE_ASCII, no JSON_ESCAPE_SLASH); s must be valid UTF-8 */
} ck_esc;
bool ck_buf_escape(ck_buf *b, ck_esc how, const char *s, size_t n);

#endif
