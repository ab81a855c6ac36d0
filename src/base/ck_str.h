/* ck_str: pointer+length views of parsed input (not NUL-terminated, not owned). */
#ifndef CK_STR_H
#define CK_STR_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct ck_str {
    const char *p;
    size_t n;
} ck_str;

#define CK_STR_NULL ((ck_str){NULL, 0})
static inline ck_str ck_str_c(const char *s) { return (ck_str){s, s ? strlen(s) : 0}; }
static inline ck_str ck_str_make(const char *p, size_t n) { return (ck_str){p, n}; }
static inline bool ck_str_eq(ck_str a, ck_str b) { return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0); }
static inline bool ck_str_eqc(ck_str a, const char *c) { return ck_str_eq(a, ck_str_c(c)); }
static inline bool ck_str_starts(ck_str a, const char *prefix)
{
    size_t k = strlen(prefix);
    return a.n >= k && memcmp(a.p, prefix, k) == 0;
}
/* NULL-safe equality of C strings. */
static inline bool ck_streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }
/* Split at the first `sep`: *head gets what is before it, returns the rest (p==NULL when none). */
static inline ck_str ck_str_cut(ck_str s, char sep, ck_str *head)
{
    const char *q = s.n ? memchr(s.p, sep, s.n) : NULL;
    if (!q) { *head = s; return CK_STR_NULL; }
    *head = (ck_str){s.p, (size_t)(q - s.p)};
    return (ck_str){q + 1, s.n - (size_t)(q - s.p) - 1};
}

#endif
