#include "ck_form.h"
#include "ck_str.h"
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Form decoding of s[0..n) into the arena. */
static const char *form_decode(ck_arena *a, const char *s, size_t n)
{
    char *d = ck_arena_alloc(a, n + 1), *o = d;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return d;
}

void ck_form_parse(ck_arena *a, const char *s, size_t n, ck_form *out)
{
    ck_str rest = ck_str_make(s, n), pair;
    size_t cap = 1;
    for (size_t i = 0; i < n; i++) cap += s[i] == '&';
    out->names = ck_arena_array(a, cap, sizeof *out->names);
    out->values = ck_arena_array(a, cap, sizeof *out->values);
    out->n = 0;
    while (rest.p && rest.n) {
        rest = ck_str_cut(rest, '&', &pair);
        if (pair.n == 0) continue;
        ck_str name, value = ck_str_cut(pair, '=', &name);
        out->names[out->n] = form_decode(a, name.p, name.n);
        out->values[out->n++] = form_decode(a, value.p ? value.p : "", value.n);
    }
}

const char *ck_form_get(const ck_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->names[i], name) == 0) return f->values[i];
    return NULL;
}

static ck_str trim(ck_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) s = ck_str_make(s.p + 1, s.n - 1);
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t')) s.n--;
    return s;
}

int ck_cookie_get(ck_arena *a, const char *header, const char *name, const char **value)
{
    *value = NULL;
    if (!header || !name) return 0;
    ck_str rest = ck_str_c(header), item, want = ck_str_c(name);
    ck_str found = CK_STR_NULL;
    int count = 0;
    while (rest.p) {
        rest = ck_str_cut(rest, ';', &item);
        ck_str key, val = ck_str_cut(trim(item), '=', &key);
        if (!val.p || !ck_str_eq(trim(key), want)) continue;
        val = trim(val);
        if (val.n >= 2 && val.p[0] == '"' && val.p[val.n - 1] == '"') val = ck_str_make(val.p + 1, val.n - 2);
        found = val;
        count++;
    }
    if (count == 1) *value = ck_arena_strndup(a, found.p ? found.p : "", found.n);
    return count;
}

bool ck_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p++;
        if (c < 0x80) continue;
        size_t more;
        unsigned cp, min;
        if (c >= 0xc2 && c <= 0xdf) more = 1, cp = c & 0x1f, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef) more = 2, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4) more = 3, cp = c & 0x07, min = 0x10000;
        else return false;
        if ((size_t)(end - p) < more) return false;
        for (size_t i = 0; i < more; i++) {
            if ((p[i] & 0xc0) != 0x80) return false;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        p += more;
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    }
    return true;
}
