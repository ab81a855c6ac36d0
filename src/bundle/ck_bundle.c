/* ck_bundle: the case bundle JSON codec (see ck_bundle.h).
 *
 * One walk over the field descriptors parses, patches and writes every record
 * kind, so the codec never names a field: a field added to core/ck_case.c is
 * read and written here without a change. */
#include "ck_bundle.h"
#include "ck_explain.h"
#include "ck_json_arena.h"
#include "ck_str.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NOAUX ((size_t)-1)  /* ck_field.aux_off of an object that is always present */
#define PATH_LIMIT 1024     /* a path longer than this is cut in messages, never an error */
#define SHOWN_MAX 40        /* bytes of a bad string value quoted back in a message */
#define MSG_MAX 2048        /* room for the longest vocabulary list (registers) */

typedef struct parser {
    ck_arena *arena;
    ck_buf path; /* JSON path of the value being parsed: "events[0].sentence" */
    char *err;
    size_t err_len;
} parser;

/* ---- Paths and messages ------------------------------------------------------ */

static size_t path_key(parser *p, const char *key)
{
    size_t mark = p->path.len;
    size_t n = strlen(key);
    /* A key that is not a plain identifier (only unknown keys can be) is quoted,
     * so a message never carries raw control characters or pages of text. */
    bool plain = n > 0 && n <= 64 && strspn(key, "abcdefghijklmnopqrstuvwxyz"
                                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
    if (plain) {
        if (mark) ck_buf_putc(&p->path, '.');
        ck_buf_append(&p->path, key, n);
        return mark;
    }
    json_t *s = json_stringn(key, n > 64 ? 64 : n);
    char *q = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    ck_buf_printf(&p->path, "[%s]", q ? q : "\"?\"");
    ck_json_free(q);
    json_decref(s);
    return mark;
}

/* A field's own key (a descriptor's, always a plain identifier): appended
 * without path_key's test, which cost 1% of an import's CPU as every field
 * of every case is parsed. */
static size_t path_field(parser *p, const char *key)
{
    size_t mark = p->path.len;
    if (mark) ck_buf_putc(&p->path, '.');
    ck_buf_puts(&p->path, key);
    return mark;
}

static size_t path_index(parser *p, size_t i)
{
    size_t mark = p->path.len;
    ck_buf_printf(&p->path, "[%zu]", i);
    return mark;
}

static void path_pop(parser *p, size_t mark)
{
    /* An append past PATH_LIMIT was refused whole, so mark is always a boundary. */
    p->path.len = mark;
    p->path.overflowed = false;
    if (p->path.data) p->path.data[mark] = '\0';
}

static bool fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(parser *p, const char *fmt, ...)
{
    char msg[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *path = ck_buf_cstr(&p->path);
    if (p->err_len) snprintf(p->err, p->err_len, "%s%s%s", path, *path ? ": " : "", msg);
    return false;
}

/* A JSON value as a message shows it: scalars as written (strings quoted and
 * cut to SHOWN_MAX bytes), containers by kind. */
static void shown(const json_t *v, char *out, size_t len)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: snprintf(out, len, "an object"); return;
    case JSON_ARRAY: snprintf(out, len, "an array"); return;
    case JSON_TRUE: snprintf(out, len, "true"); return;
    case JSON_FALSE: snprintf(out, len, "false"); return;
    case JSON_NULL: snprintf(out, len, "null"); return;
    case JSON_INTEGER: snprintf(out, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return;
    case JSON_REAL:
    case JSON_STRING: break;
    }
    json_t *cut = NULL;
    bool truncated = false;
    if (json_is_string(v) && json_string_length(v) > SHOWN_MAX) {
        const char *s = json_string_value(v);
        size_t n = SHOWN_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; /* whole UTF-8 characters */
        cut = json_stringn(s, n);
        truncated = true;
    }
    char *d = json_dumps(cut ? cut : v, JSON_ENCODE_ANY);
    json_decref(cut);
    if (!d) {
        snprintf(out, len, "a value");
        return;
    }
    size_t n = strlen(d);
    if (truncated && n >= 2) snprintf(out, len, "%.*s...\"", (int)(n - 1), d);
    else snprintf(out, len, "%s", d);
    ck_json_free(d);
}

static bool expected(parser *p, const char *what, const json_t *v)
{
    char got[SHOWN_MAX + 16];
    shown(v, got, sizeof got);
    return fail(p, "expected %s, got %s", what, got);
}

/* ---- Field storage ----------------------------------------------------------- */

static void *at(void *rec, size_t off) { return (char *)rec + off; }
static const void *cat(const void *rec, size_t off) { return (const char *)rec + off; }

static void init_record(const ck_entity *kind, void *rec);

/* The absent value of a field: NULL, CK_NODATE, CK_NOINT, CK_NULL, an absent
 * object (its members absent too, so a reader that skips the presence flag
 * still sees no dates), an empty list. */
static void set_absent(const ck_field *f, void *rec)
{
    void *v = at(rec, f->off);
    switch (f->type) {
    case CK_F_STR:
    case CK_F_ENUM:
    case CK_F_DATE:
    case CK_F_INT:
    case CK_F_CENTI:
    case CK_F_BOOL: ck_value_set_absent(f->type, v); break;
    case CK_F_OBJ:
        init_record(f->sub, v);
        if (f->aux_off != NOAUX) *(bool *)at(rec, f->aux_off) = false;
        break;
    case CK_F_LIST:
        *(void **)v = NULL;
        *(size_t *)at(rec, f->aux_off) = 0;
        break;
    }
}

/* Only the fields: a ck_case also holds its arena, which must survive. */
static void init_record(const ck_entity *kind, void *rec)
{
    for (size_t i = 0; i < kind->n_fields; i++) set_absent(&kind->fields[i], rec);
}

static void copy_field(const ck_field *f, void *dst, const void *src)
{
    size_t n = 0;
    switch (f->type) {
    case CK_F_STR:
    case CK_F_ENUM: n = sizeof(const char *); break;
    case CK_F_DATE: n = sizeof(ck_date); break;
    case CK_F_INT:
    case CK_F_CENTI: n = sizeof(int32_t); break;
    case CK_F_BOOL: n = sizeof(ck_tri); break;
    case CK_F_OBJ:
        n = f->sub->size;
        if (f->aux_off != NOAUX) memcpy(at(dst, f->aux_off), cat(src, f->aux_off), sizeof(bool));
        break;
    case CK_F_LIST:
        n = sizeof(void *);
        memcpy(at(dst, f->aux_off), cat(src, f->aux_off), sizeof(size_t));
        break;
    }
    memcpy(at(dst, f->off), cat(src, f->off), n);
}

static const ck_field *find_field(const ck_entity *kind, const char *key)
{
    for (size_t i = 0; i < kind->n_fields; i++)
        if (strcmp(kind->fields[i].key, key) == 0) return &kind->fields[i];
    return NULL;
}

/* ---- Parsing ------------------------------------------------------------------ */

static bool parse_object(parser *p, const ck_entity *kind, const json_t *obj, void *rec, bool patch);

static bool parse_string(parser *p, const json_t *v, bool required, const char **out)
{
    if (!json_is_string(v)) return expected(p, "a string", v);
    size_t n = json_string_length(v);
    if (n > CK_BUNDLE_MAX_STRING)
        return fail(p, "expected a string of at most %d bytes, got %zu bytes", CK_BUNDLE_MAX_STRING, n);
    if (required && n == 0) return fail(p, "expected a non-empty string, got \"\"");
    *out = ck_arena_strndup(p->arena, json_string_value(v), n);
    return true;
}

static bool parse_enum(parser *p, const ck_field *f, const json_t *v, const char **out)
{
    /* The allowed words are listed only for an error: printing them for
     * every value was 3% of an import's CPU. */
    if (json_is_string(v) && (*out = ck_vocab_find(f->vocab, json_string_value(v), json_string_length(v))))
        return true;
    char allowed[MSG_MAX - 256];
    ck_vocab_list(f->vocab, allowed, sizeof allowed);
    if (!json_is_string(v)) {
        char what[sizeof allowed + 16];
        snprintf(what, sizeof what, "one of %s", allowed);
        return expected(p, what, v);
    }
    char got[SHOWN_MAX + 16];
    shown(v, got, sizeof got);
    return fail(p, "%s is not one of %s", got, allowed);
}

static bool parse_date(parser *p, const json_t *v, ck_date *out)
{
    if (json_is_string(v) && ck_date_parse(json_string_value(v), json_string_length(v), out)) return true;
    if (!json_is_string(v) || json_string_length(v) != 10) return expected(p, "a date YYYY-MM-DD", v);
    char got[SHOWN_MAX + 16];
    shown(v, got, sizeof got);
    /* Right shape, wrong calendar (2025-02-30) or stray characters: say which. */
    const char *s = json_string_value(v);
    bool shape = s[4] == '-' && s[7] == '-' && strspn(s, "0123456789") == 4 &&
                 strspn(s + 5, "0123456789") == 2 && strspn(s + 8, "0123456789") == 2;
    return fail(p, "expected a date YYYY-MM-DD, got %s%s", got, shape ? " (no such day)" : "");
}

static bool parse_int(parser *p, const json_t *v, int32_t *out)
{
    if (!json_is_integer(v)) return expected(p, "an integer", v);
    json_int_t n = json_integer_value(v);
    /* INT32_MIN is CK_NOINT, the absent value, so it cannot be a value too. */
    if (n <= INT32_MIN || n > INT32_MAX) {
        char what[64];
        snprintf(what, sizeof what, "an integer from %d to %d", INT32_MIN + 1, INT32_MAX);
        return expected(p, what, v);
    }
    *out = (int32_t)n;
    return true;
}

/* A number with at most two decimals, as hundredths: 6.99 is 699. The range
 * is the entity's to check. */
static bool parse_centi(parser *p, const json_t *v, int32_t *out)
{
    if (!json_is_number(v)) return expected(p, "a number with at most two decimals", v);
    double x = json_number_value(v) * 100.0;
    if (!(x > -2e9 && x < 2e9)) return expected(p, "a number with at most two decimals", v);
    double r = round(x);
    if (fabs(x - r) > 1e-6) return expected(p, "a number with at most two decimals", v);
    *out = (int32_t)r;
    return true;
}

static bool parse_list(parser *p, const ck_field *f, const json_t *v, void *rec)
{
    if (!json_is_array(v)) return expected(p, "an array", v);
    size_t n = json_array_size(v);
    if (n > CK_BUNDLE_MAX_LIST)
        return fail(p, "expected at most %d records, got %zu", CK_BUNDLE_MAX_LIST, n);
    char *items = n ? ck_arena_array(p->arena, n, f->sub->size) : NULL;
    for (size_t i = 0; i < n; i++) {
        size_t mark = path_index(p, i);
        void *item = items + i * f->sub->size;
        init_record(f->sub, item);
        if (!parse_object(p, f->sub, json_array_get(v, i), item, false)) return false;
        path_pop(p, mark);
    }
    *(void **)at(rec, f->off) = items;
    *(size_t *)at(rec, f->aux_off) = n;
    return true;
}

/* A present, non-null value of field f into rec. */
static bool parse_value(parser *p, const ck_field *f, const json_t *v, void *rec)
{
    void *dst = at(rec, f->off);
    switch (f->type) {
    case CK_F_STR: return parse_string(p, v, f->required, dst);
    case CK_F_ENUM: return parse_enum(p, f, v, dst);
    case CK_F_DATE: return parse_date(p, v, dst);
    case CK_F_INT: return parse_int(p, v, dst);
    case CK_F_CENTI: return parse_centi(p, v, dst);
    case CK_F_BOOL:
        if (!json_is_boolean(v)) return expected(p, "true or false", v);
        *(ck_tri *)dst = json_is_true(v) ? 1 : 0;
        return true;
    case CK_F_OBJ:
        init_record(f->sub, dst);
        if (!parse_object(p, f->sub, v, dst, false)) return false;
        if (f->aux_off != NOAUX) *(bool *)at(rec, f->aux_off) = true;
        return true;
    case CK_F_LIST: return parse_list(p, f, v, rec);
    }
    return fail(p, "internal error: field type %d", (int)f->type);
}

static bool unknown_keys(parser *p, const ck_entity *kind, const json_t *obj)
{
    const char *key;
    json_t *v;
    /* jansson's iteration API takes a non-const object but does not modify it. */
    json_object_foreach((json_t *)obj, key, v) {
        if (find_field(kind, key)) continue;
        char allowed[MSG_MAX - 256];
        size_t used = 0;
        allowed[0] = '\0';
        for (size_t i = 0; i < kind->n_fields && used < sizeof allowed; i++) {
            int w = snprintf(allowed + used, sizeof allowed - used, "%s%s", i ? ", " : "", kind->fields[i].key);
            if (w < 0) break;
            used += (size_t)w;
        }
        path_key(p, key);
        return fail(p, "unknown key; expected one of %s", allowed);
    }
    return true;
}

/* Parses obj into rec. A full parse starts from an initialised record and
 * fills every field; a patch touches only the keys present. Either way the
 * result must pass the entity's own check. */
static bool parse_object(parser *p, const ck_entity *kind, const json_t *obj, void *rec, bool patch)
{
    if (!json_is_object(obj)) return expected(p, "an object", obj);
    if (!unknown_keys(p, kind, obj)) return false;
    for (size_t i = 0; i < kind->n_fields; i++) {
        const ck_field *f = &kind->fields[i];
        const json_t *v = json_object_get(obj, f->key);
        if (!v && patch) continue;
        size_t mark = path_field(p, f->key);
        if (!v || json_is_null(v)) {
            if (f->required) return fail(p, v ? "required, got null" : "required");
            set_absent(f, rec);
        } else if (!parse_value(p, f, v, rec)) {
            return false;
        }
        path_pop(p, mark);
    }
    if (kind->check) {
        char msg[512];
        const char *bad = kind->check(rec, msg, sizeof msg);
        if (bad) {
            path_key(p, bad);
            return fail(p, "%s", msg);
        }
    }
    return true;
}

static void parser_init(parser *p, ck_arena *arena, const char *path, char *err, size_t err_len)
{
    p->arena = arena;
    ck_buf_init(&p->path, PATH_LIMIT);
    if (path) ck_buf_puts(&p->path, path);
    p->err = err;
    p->err_len = err_len;
    if (err_len) err[0] = '\0';
}

ck_case *ck_bundle_from_json(const json_t *root, char *err, size_t err_len)
{
    ck_case *c = ck_case_new();
    parser p;
    parser_init(&p, &c->arena, NULL, err, err_len);
    init_record(&ck_entity_case, c);
    bool ok = json_is_object(root) ? parse_object(&p, &ck_entity_case, root, c, false)
                                   : expected(&p, "a JSON object (one case bundle)", root);
    ck_buf_free(&p.path);
    if (ok) ok = ck_case_validate(c, err, err_len);
    if (!ok) {
        ck_case_free(c);
        return NULL;
    }
    return c;
}

ck_case *ck_bundle_parse(const char *json, size_t len, char *err, size_t err_len)
{
    json_error_t je;
    /* The tree is freed before end: nothing of it outlives the arena. */
    ck_json_arena_begin();
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    ck_case *c = NULL;
    if (!root) {
        if (err_len) snprintf(err, err_len, "line %d column %d: %s", je.line, je.column, je.text);
    } else {
        c = ck_bundle_from_json(root, err, err_len);
        json_decref(root);
    }
    ck_json_arena_end();
    return c;
}

bool ck_bundle_parse_record(const json_t *obj, const ck_entity *kind, void *rec, ck_arena *arena,
                            const char *path, char *err, size_t err_len)
{
    parser p;
    parser_init(&p, arena, path, err, err_len);
    init_record(kind, rec);
    bool ok = parse_object(&p, kind, obj, rec, false);
    ck_buf_free(&p.path);
    return ok;
}

bool ck_bundle_patch_record(const json_t *obj, const ck_entity *kind, void *rec, ck_arena *arena,
                            const char *path, char *err, size_t err_len)
{
    /* Work on a copy so a patch that fails halfway leaves rec as it was. Only
     * the fields are copied back: a ck_case's arena must not be overwritten by
     * the copy's stale snapshot of it. */
    void *tmp = ck_malloc(kind->size);
    memcpy(tmp, rec, kind->size);
    parser p;
    parser_init(&p, arena, path, err, err_len);
    bool ok = parse_object(&p, kind, obj, tmp, true);
    ck_buf_free(&p.path);
    if (ok)
        for (size_t i = 0; i < kind->n_fields; i++) copy_field(&kind->fields[i], rec, tmp);
    ck_free(tmp);
    return ok;
}

/* ---- Writing ------------------------------------------------------------------ */

static json_t *date_json(ck_date d)
{
    char s[CK_DATE_STRLEN];
    return d == CK_NODATE ? json_null() : json_string(ck_date_fmt(d, s));
}

static json_t *str_json(const char *s) { return s ? json_string(s) : json_null(); }

/* Whether f of rec is written as null: a redacted field, an absent value, an
 * object marked absent. Both writers (the jansson tree and ck_bundle_write)
 * ask this. */
static bool field_null(const ck_field *f, const void *rec, unsigned flags)
{
    const void *v = cat(rec, f->off);
    if (f->sensitive && (flags & CK_BUNDLE_REDACT_VICTIMS)) return true;
    switch (f->type) {
    case CK_F_STR:
    case CK_F_ENUM: return *(const char *const *)v == NULL;
    case CK_F_DATE: return *(const ck_date *)v == CK_NODATE;
    case CK_F_INT:
    case CK_F_CENTI: return *(const int32_t *)v == CK_NOINT;
    case CK_F_BOOL: return *(const ck_tri *)v == CK_NULL;
    case CK_F_OBJ: return f->aux_off != NOAUX && !*(const bool *)cat(rec, f->aux_off);
    /* A list is never null; an extension list that is empty is left out. */
    case CK_F_LIST: return f->omit_null && *(const size_t *)cat(rec, f->aux_off) == 0;
    }
    return true;
}

static json_t *field_json(const ck_field *f, const void *rec, unsigned flags)
{
    const void *v = cat(rec, f->off);
    if (field_null(f, rec, flags)) return json_null();
    switch (f->type) {
    case CK_F_STR:
    case CK_F_ENUM: return json_string(*(const char *const *)v);
    case CK_F_DATE: return date_json(*(const ck_date *)v);
    case CK_F_INT: return json_integer(*(const int32_t *)v);
    case CK_F_CENTI: return json_real(*(const int32_t *)v / 100.0);
    case CK_F_BOOL: return json_boolean(*(const ck_tri *)v);
    case CK_F_OBJ: return ck_bundle_record_to_json(v, f->sub, flags);
    case CK_F_LIST: {
        json_t *a = json_array();
        const char *items = *(const void *const *)v;
        size_t n = *(const size_t *)cat(rec, f->aux_off);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, ck_bundle_record_to_json(items + i * f->sub->size, f->sub, flags));
        return a;
    }
    }
    return json_null();
}

json_t *ck_bundle_record_to_json(const void *rec, const ck_entity *kind, unsigned flags)
{
    json_t *o = json_object();
    for (size_t i = 0; i < kind->n_fields; i++) {
        const ck_field *f = &kind->fields[i];
        json_t *v = field_json(f, rec, flags);
        if (f->omit_null && json_is_null(v)) {
            json_decref(v);
            continue;
        }
        json_object_set_new(o, f->key, v);
    }
    return o;
}

json_t *ck_bundle_to_json(const ck_case *c, unsigned flags)
{
    return ck_bundle_record_to_json(c, &ck_entity_case, flags);
}

/* ck_bundle_write writes the text json_dump_callback(ck_bundle_to_json(c),
 * JSON_COMPACT) would, byte for byte, straight from the descriptors: building
 * the tree of jansson objects first was three quarters of the time `casekeeper
 * generate` and export spend. Keys come in descriptor order, as jansson keeps
 * them in insertion order. */

/* A string as jansson writes it (base/ck_buf's one escaping function). */
static void write_string(ck_buf *b, const char *s) { ck_buf_escape(b, CK_ESC_JSON, s, strlen(s)); }

static void write_record(ck_buf *b, const void *rec, const ck_entity *kind, unsigned flags);

static void write_field(ck_buf *b, const ck_field *f, const void *rec, unsigned flags)
{
    const void *v = cat(rec, f->off);
    if (field_null(f, rec, flags)) {
        ck_buf_puts(b, "null");
        return;
    }
    switch (f->type) {
    case CK_F_STR:
    case CK_F_ENUM: write_string(b, *(const char *const *)v); break;
    case CK_F_DATE: {
        char d[CK_DATE_STRLEN];
        write_string(b, ck_date_fmt(*(const ck_date *)v, d));
        break;
    }
    case CK_F_INT: ck_buf_printf(b, "%" PRId32, *(const int32_t *)v); break;
    case CK_F_CENTI: {
        int32_t n = *(const int32_t *)v;
        ck_buf_printf(b, "%s%" PRId32 ".%02" PRId32, n < 0 ? "-" : "", (n < 0 ? -n : n) / 100, (n < 0 ? -n : n) % 100);
        break;
    }
    case CK_F_BOOL: ck_buf_puts(b, *(const ck_tri *)v ? "true" : "false"); break;
    case CK_F_OBJ: write_record(b, v, f->sub, flags); break;
    case CK_F_LIST: {
        const char *items = *(const void *const *)v;
        size_t n = *(const size_t *)cat(rec, f->aux_off);
        ck_buf_putc(b, '[');
        for (size_t i = 0; i < n; i++) {
            if (i) ck_buf_putc(b, ',');
            write_record(b, items + i * f->sub->size, f->sub, flags);
        }
        ck_buf_putc(b, ']');
        break;
    }
    }
}

static void write_record(ck_buf *b, const void *rec, const ck_entity *kind, unsigned flags)
{
    ck_buf_putc(b, '{');
    bool first = true;
    for (size_t i = 0; i < kind->n_fields; i++) {
        const ck_field *f = &kind->fields[i];
        if (f->omit_null && field_null(f, rec, flags)) continue;
        if (!first) ck_buf_putc(b, ',');
        first = false;
        write_string(b, f->key);
        ck_buf_putc(b, ':');
        write_field(b, f, rec, flags);
    }
    ck_buf_putc(b, '}');
}

bool ck_bundle_write(const ck_case *c, unsigned flags, ck_buf *out)
{
    write_record(out, c, &ck_entity_case, flags);
    return !out->overflowed;
}

/* ---- Obligations output -------------------------------------------------------- */

json_t *ck_obligation_to_json(const ck_obligation *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "rule", str_json(o->rule));
    json_object_set_new(j, "subject", str_json(o->subject));
    json_object_set_new(j, "due", date_json(o->due));
    json_object_set_new(j, "status", json_string(ck_status_name(o->status)));
    json_object_set_new(j, "met_on", date_json(o->met_on));
    json_object_set_new(j, "severity", json_string(ck_severity_name(o->severity)));
    /* Written out here, where a response or the CLI shows it (core/ck_explain). */
    ck_buf text = CK_BUF_INIT;
    json_object_set_new(j, "explanation", o->explain && ck_explain_render(o->explain, &text)
                                              ? json_stringn(ck_buf_cstr(&text), text.len) : json_null());
    ck_buf_free(&text);
    return j;
}

/* A string member, null when absent. */
static void write_member(ck_buf *b, const char *key, const char *s)
{
    ck_buf_printf(b, ",\"%s\":", key);
    if (s) write_string(b, s);
    else ck_buf_puts(b, "null");
}

static void write_date_member(ck_buf *b, const char *key, ck_date d)
{
    char s[CK_DATE_STRLEN];
    write_member(b, key, d == CK_NODATE ? NULL : ck_date_fmt(d, s));
}

void ck_obligation_write_members(ck_buf *b, const ck_obligation *o)
{
    write_member(b, "rule", o->rule);
    write_member(b, "subject", o->subject);
    write_date_member(b, "due", o->due);
    write_member(b, "status", ck_status_name(o->status));
    write_date_member(b, "met_on", o->met_on);
    write_member(b, "severity", ck_severity_name(o->severity));
    ck_buf text = CK_BUF_INIT;
    write_member(b, "explanation", o->explain && ck_explain_render(o->explain, &text) ? ck_buf_cstr(&text) : NULL);
    ck_buf_free(&text);
}

json_t *ck_result_to_json(const char *crn, ck_date as_of, const ck_result *r, bool all)
{
    json_t *j = json_object();
    json_object_set_new(j, "crn", str_json(crn));
    json_object_set_new(j, "as_of", date_json(as_of));
    json_t *obs = json_array();
    for (size_t i = 0; i < r->n_obligations; i++) {
        const ck_obligation *o = &r->obligations[i];
        if (all || o->status == CK_ST_OPEN || o->status == CK_ST_OVERDUE)
            json_array_append_new(obs, ck_obligation_to_json(o));
    }
    json_object_set_new(j, "obligations", obs);
    json_t *ftc = json_array();
    for (size_t i = 0; i < r->n_ftc; i++) {
        json_t *f = json_object();
        json_object_set_new(f, "event", str_json(r->ftc[i].event));
        json_object_set_new(f, "count", json_integer(r->ftc[i].count));
        json_object_set_new(f, "since", date_json(r->ftc[i].since));
        json_array_append_new(ftc, f);
    }
    json_object_set_new(j, "failures_to_comply", ftc);
    return j;
}
