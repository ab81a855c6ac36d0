/* ck_tmpl: the HTML templater for the web pages.
 *
 * Templates are files under templates/ (read once at start from a directory
 * given to ck_tmpl_load_dir; see ck_web.h for how the server finds it),
 * compiled into a tree, linked (includes and layouts resolved, cycles refused)
 * and then rendered many times, from many threads at once, into a ck_buf from
 * a jansson tree. A compiled set is read-only after ck_tmpl_link.
 *
 * Syntax (whitespace inside tags is free):
 *   {{ a.b.c }}            value, HTML-escaped (& < > " ' all escaped, so the
 *                          same output is safe in text and in quoted
 *                          attributes); strings, integers, reals; true/false
 *                          print as "true"/"false"; null, missing, objects and
 *                          arrays print nothing
 *   {{ a.b | url }}        value escaped as one URL component (RFC 3986)
 *   {% if EXPR %} .. {% elif EXPR %} .. {% else %} .. {% end %}
 *   {% for x in a.list %} .. {% else %} (when empty or not a list) .. {% end %}
 *                          inside: x, loop.index (from 1), loop.first, loop.last
 *   {% include "partials/tag.html" %}   rendered with the current variables
 *   {% extends "layout.html" %}  first tag of a page: the page is then only
 *                          {% block NAME %} .. {% end %} overriding the
 *                          layout's blocks of the same name
 *   {% block NAME %} default .. {% end %}
 *   {# comment #}
 * EXPR is PATH, not PATH, PATH == OPERAND or PATH != OPERAND, where OPERAND is
 * a PATH or a "string literal"; values compare as their printed text. A value
 * is false when missing, null, false, 0, "" or an empty list or object.
 * Paths look up loop variables innermost first, then the data; a numeric
 * segment indexes a list (rows.0.name).
 *
 * Context checks, because escaping alone cannot make these safe:
 *   - a {{ }} straight after `=` (an unquoted attribute value) is a compile
 *     error;
 *   - a {{ }} that starts an href, src, action or formaction value must render
 *     a same-site reference ("/x" but not "//x", "#x" or "?x"); anything else
 *     (javascript:, an external host) renders "#invalid-url" instead.
 *
 * Errors: compile and link errors write "FILE:LINE: message" into err (FILE is
 * the path given to ck_tmpl_add or found by ck_tmpl_load_dir) and return false.
 * Missing variables are not errors: they render as nothing and test false. */
#ifndef CK_TMPL_H
#define CK_TMPL_H
#include "ck_buf.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_tmpl_set ck_tmpl_set;

ck_tmpl_set *ck_tmpl_set_new(void);
void ck_tmpl_set_free(ck_tmpl_set *s); /* NULL-safe */

/* Compiles text[0..len) as template `name` ("case/overview.html"); `file` is
 * what errors call it (NULL: the name). The text is copied. False (err set)
 * on a syntax error or a duplicate name. */
bool ck_tmpl_add(ck_tmpl_set *s, const char *name, const char *file, const char *text, size_t len,
                 char *err, size_t err_len);

/* Compiles every *.html file under dir (recursively), named by its path
 * relative to dir. False (err set) when the directory cannot be read or any
 * template does not compile. */
bool ck_tmpl_load_dir(ck_tmpl_set *s, const char *dir, char *err, size_t err_len);

/* Resolves includes and layouts; false (err set, naming the file:line of the
 * reference) when one names an unknown template, includes a page that extends
 * a layout, or they form a cycle. Must succeed once before rendering. */
bool ck_tmpl_link(ck_tmpl_set *s, char *err, size_t err_len);

bool ck_tmpl_has(const ck_tmpl_set *s, const char *name);

/* Appends template `name` rendered with `data` (an object; NULL is an empty
 * one) to out. False (err set) when the template is unknown, the set is not
 * linked, or out refused an append (its cap). */
bool ck_tmpl_render(const ck_tmpl_set *s, const char *name, const json_t *data, ck_buf *out,
                    char *err, size_t err_len);

#endif
