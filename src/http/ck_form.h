/* ck_form: the parsers of untrusted request text that are ours rather than
 * libmicrohttpd's: application/x-www-form-urlencoded bodies (the syntax of
 * query strings too) and Cookie headers. Pure functions over bytes, so they
 * are fuzzed on their own (tests/fuzz). */
#ifndef CK_FORM_H
#define CK_FORM_H
#include "ck_mem.h"
#include <stdbool.h>
#include <stddef.h>

/* name=value pairs in the order given; repeats are kept. */
typedef struct ck_form {
    const char **names, **values; /* NUL-terminated, decoded, in the arena */
    size_t n;
} ck_form;

/* Parses s[0..n): pairs separated by '&', name and value by the first '=';
 * '+' is a space and %XX a byte (a malformed escape is kept as written);
 * empty pairs are skipped. A decoded NUL byte is kept in the value, which
 * then reads shorter as a C string: callers compare whole strings. */
void ck_form_parse(ck_arena *a, const char *s, size_t n, ck_form *out);
/* The first value of name, or NULL. */
const char *ck_form_get(const ck_form *f, const char *name);

/* Whether s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). Text that is not never reaches the
 * database: PostgreSQL refuses it, and it has no business in a case. */
bool ck_utf8_valid(const char *s, size_t n);

/* The value of cookie `name` in a Cookie header (RFC 6265: "a=b; c=d"),
 * copied into the arena. Returns how many cookies of that name the header
 * carries: 1 with *value set; 0 or more than 1 (a planted duplicate: trust
 * neither) with *value NULL. */
int ck_cookie_get(ck_arena *a, const char *header, const char *name, const char **value);

#endif
