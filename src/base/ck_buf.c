#include "ck_buf.h"
#include "ck_mem.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ck_buf_init(ck_buf *b, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->limit = limit;
}

static size_t buf_limit(const ck_buf *b) { return b->limit ? b->limit : CK_BUF_DEFAULT_LIMIT; }

/* Makes room for n more bytes plus the terminator. */
static bool reserve(ck_buf *b, size_t n)
{
    size_t want;
    if (b->overflowed || !ck_add(b->len, n, &want) || want > buf_limit(b)) {
        b->overflowed = true;
        return false;
    }
    if (want + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want + 1) {
        if (!ck_mul(cap, 2, &cap)) { b->overflowed = true; return false; }
    }
    b->data = ck_realloc(b->data, cap);
    b->cap = cap;
    return true;
}

bool ck_buf_append(ck_buf *b, const void *p, size_t n)
{
    if (!reserve(b, n)) return false;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool ck_buf_puts(ck_buf *b, const char *s) { return ck_buf_append(b, s, strlen(s)); }
bool ck_buf_putc(ck_buf *b, char c) { return ck_buf_append(b, &c, 1); }

bool ck_buf_printf(ck_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n)) return false;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

const char *ck_buf_cstr(ck_buf *b) { return b->data ? b->data : ""; }

char *ck_buf_steal(ck_buf *b)
{
    char *d = b->data ? b->data : ck_strdup("");
    size_t limit = b->limit;
    ck_buf_init(b, limit);
    return d;
}

void ck_buf_reset(ck_buf *b)
{
    b->len = 0;
    b->overflowed = false;
    if (b->data) b->data[0] = '\0';
}

void ck_buf_free(ck_buf *b)
{
    ck_free(b->data);
    size_t limit = b->limit;
    ck_buf_init(b, limit);
}

static bool esc_html(ck_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        if (!ck_buf_append(b, s + start, i - start) || !ck_buf_puts(b, rep)) return false;
        start = i + 1;
    }
    return ck_buf_append(b, s + start, n - start);
}

static bool esc_url(ck_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '~';
        if (keep) {
            if (!ck_buf_putc(b, (char)c)) return false;
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (!ck_buf_append(b, e, 3)) return false;
        }
    }
    return true;
}

static bool esc_csv(ck_buf *b, const char *s, size_t n)
{
    /* A cell starting with = + - @ is a formula to a spreadsheet: prefix a quote
     * so exported case data cannot run in the reader's spreadsheet. */
    bool formula = n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                             s[0] == '\t' || s[0] == '\r');
    bool quote = formula || memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
                 memchr(s, '\r', n);
    if (!quote) return ck_buf_append(b, s, n);
    if (!ck_buf_putc(b, '"')) return false;
    if (formula && !ck_buf_putc(b, '\'')) return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' && !ck_buf_putc(b, '"')) return false;
        if (!ck_buf_putc(b, s[i])) return false;
    }
    return ck_buf_putc(b, '"');
}

/* Quote and backslash escaped, the control characters with a short escape
 * where JSON has one and \u00XX (upper-case hex) otherwise, the rest as is:
 * what json_dump writes, so a response written straight into a buffer is the
 * same bytes as one built with jansson. */
static bool esc_json(ck_buf *b, const char *s, size_t n)
{
    bool ok = ck_buf_putc(b, '"');
    for (size_t i = 0; ok && i < n; i++) {
        size_t run = i;
        while (i < n && s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20) i++;
        ok = ck_buf_append(b, s + run, i - run);
        if (!ok || i == n) break;
        switch (s[i]) {
        case '"': ok = ck_buf_puts(b, "\\\""); break;
        case '\\': ok = ck_buf_puts(b, "\\\\"); break;
        case '\b': ok = ck_buf_puts(b, "\\b"); break;
        case '\f': ok = ck_buf_puts(b, "\\f"); break;
        case '\n': ok = ck_buf_puts(b, "\\n"); break;
        case '\r': ok = ck_buf_puts(b, "\\r"); break;
        case '\t': ok = ck_buf_puts(b, "\\t"); break;
        default: ok = ck_buf_printf(b, "\\u%04X", (unsigned)(unsigned char)s[i]); break;
        }
    }
    return ok && ck_buf_putc(b, '"');
}

bool ck_buf_escape(ck_buf *b, ck_esc how, const char *s, size_t n)
{
    if (!s) return true;
    switch (how) {
    case CK_ESC_HTML: return esc_html(b, s, n);
    case CK_ESC_URL: return esc_url(b, s, n);
    case CK_ESC_CSV: return esc_csv(b, s, n);
    case CK_ESC_JSON: return esc_json(b, s, n);
    }
    return false;
}
