/* ck_cell_labels: see ck_cell_labels.h. One pass over the page: text is
 * copied in runs, and a data-label is spliced into a <td> tag just before its
 * closing '>'. */
#include "ck_cell_labels.h"
#include "ck_mem.h"
#include <string.h>
#include <strings.h>

typedef struct table {
    bool govuk;      /* class has govuk-table: labelled */
    bool in_head;    /* between <thead> and </thead> */
    bool collecting; /* inside a header cell of the head */
    bool space;      /* collecting: white space since the last character kept */
    int hidden;      /* collecting: depth inside a govuk-visually-hidden element, 0 outside */
    size_t col;      /* the column the row's next cell starts in */
    size_t hdr_col, hdr_span, hdr_from;                         /* the header cell being collected */
    size_t from[CK_CELL_LABELS_COLS], len[CK_CELL_LABELS_COLS]; /* each column's label, in text */
    ck_buf text;
} table;

typedef struct state {
    table t[CK_CELL_LABELS_DEPTH];
    size_t depth; /* open tables, counting those past CK_CELL_LABELS_DEPTH */
} state;

typedef struct tag {
    const char *name, *attrs;
    size_t name_len, attrs_len;
    size_t len; /* the whole tag, '<' to '>' */
    bool closing;
} tag;

static bool name_is(const tag *t, const char *name)
{
    return t->name_len == strlen(name) && strncasecmp(t->name, name, t->name_len) == 0;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* The tag at s[0] == '<' (n > 0). False when it is not one: a comment, a
 * doctype, or a '<' no tag name follows; *skip is then how far to copy on. */
static bool parse_tag(const char *s, size_t n, tag *t, size_t *skip)
{
    if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
        const char *end = memmem(s + 4, n - 4, "-->", 3);
        *skip = end ? (size_t)(end - s) + 3 : n;
        return false;
    }
    size_t i = 1;
    t->closing = i < n && s[i] == '/';
    if (t->closing) i++;
    t->name = s + i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) i++;
    t->name_len = (size_t)(s + i - t->name);
    if (t->name_len == 0 && !(i < n && s[i] == '!')) {
        *skip = 1;
        return false;
    }
    t->attrs = s + i;
    char quote = 0;
    for (; i < n; i++) {
        if (quote) {
            if (s[i] == quote) quote = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            quote = s[i];
        } else if (s[i] == '>') {
            break;
        }
    }
    if (i == n) { /* unterminated: the rest is this tag */
        *skip = n;
        return false;
    }
    t->attrs_len = (size_t)(s + i - t->attrs);
    t->len = i + 1;
    if (t->name_len == 0) { /* <!DOCTYPE ...> */
        *skip = t->len;
        return false;
    }
    return true;
}

/* Attribute `name` of t: true with its value (quotes removed) when present. */
static bool attr(const tag *t, const char *name, const char **v, size_t *v_len)
{
    const char *p = t->attrs, *end = t->attrs + t->attrs_len;
    size_t want = strlen(name);
    while (p < end) {
        while (p < end && (is_space(*p) || *p == '/')) p++;
        const char *an = p;
        while (p < end && !is_space(*p) && *p != '=' && *p != '/') p++;
        size_t an_len = (size_t)(p - an);
        const char *val = p;
        size_t val_len = 0;
        while (p < end && is_space(*p)) p++;
        if (p < end && *p == '=') {
            p++;
            while (p < end && is_space(*p)) p++;
            if (p < end && (*p == '"' || *p == '\'')) {
                char q = *p++;
                val = p;
                while (p < end && *p != q) p++;
                val_len = (size_t)(p - val);
                if (p < end) p++;
            } else {
                val = p;
                while (p < end && !is_space(*p)) p++;
                val_len = (size_t)(p - val);
            }
        }
        if (an_len == want && strncasecmp(an, name, want) == 0) {
            *v = val;
            *v_len = val_len;
            return true;
        }
        if (an_len == 0 && p < end) p++; /* a stray '=': step over it */
    }
    return false;
}

static bool has_class(const tag *t, const char *cls)
{
    const char *v;
    size_t n, want = strlen(cls);
    if (!attr(t, "class", &v, &n)) return false;
    for (size_t i = 0; i < n;) {
        while (i < n && is_space(v[i])) i++;
        size_t j = i;
        while (j < n && !is_space(v[j])) j++;
        if (j - i == want && memcmp(v + i, cls, want) == 0) return true;
        i = j;
    }
    return false;
}

/* colspan, 1 when missing or not a number from 1 to CK_CELL_LABELS_COLS. */
static size_t colspan(const tag *t)
{
    const char *v;
    size_t n, span = 0;
    if (!attr(t, "colspan", &v, &n) || n == 0 || n > 3) return 1;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') return 1;
        span = span * 10 + (size_t)(v[i] - '0');
    }
    return span >= 1 && span <= CK_CELL_LABELS_COLS ? span : 1;
}

static bool is_void(const tag *t)
{
    static const char *const v[] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                    "source", "track", "wbr"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (name_is(t, v[i])) return true;
    return false;
}

static table *top(state *st)
{
    return st->depth > 0 && st->depth <= CK_CELL_LABELS_DEPTH ? &st->t[st->depth - 1] : NULL;
}

/* A header cell's text, white space collapsed, '"' written as &quot;. */
static void collect(table *f, const char *s, size_t n)
{
    if (!f || !f->collecting || f->hidden) return;
    for (size_t i = 0; i < n; i++) {
        if (is_space(s[i])) {
            f->space = true;
            continue;
        }
        if (f->space && f->text.len > f->hdr_from) ck_buf_putc(&f->text, ' ');
        f->space = false;
        if (s[i] == '"')
            ck_buf_puts(&f->text, "&quot;");
        else
            ck_buf_putc(&f->text, s[i]);
    }
}

static void finish_header(table *f)
{
    if (!f->collecting) return;
    f->collecting = false;
    for (size_t c = f->hdr_col; c < f->hdr_col + f->hdr_span && c < CK_CELL_LABELS_COLS; c++) {
        f->from[c] = f->hdr_from;
        f->len[c] = f->text.len - f->hdr_from;
    }
}

/* What tag t does to the tables' state; true when a label goes into it. */
static bool step(state *st, const tag *t, size_t *label_col)
{
    if (name_is(t, "table")) {
        if (t->closing) {
            if (st->depth > 0) st->depth--;
            return false;
        }
        st->depth++;
        table *f = top(st);
        if (!f) return false;
        ck_buf text = f->text;
        ck_buf_reset(&text);
        *f = (table){.govuk = has_class(t, "govuk-table"), .text = text};
        return false;
    }
    table *f = top(st);
    if (!f || !f->govuk) return false;
    if (f->collecting) {
        if (f->hidden) {
            if (t->closing)
                f->hidden--;
            else if (!is_void(t))
                f->hidden++;
            return false;
        }
        if (!t->closing && !is_void(t) && has_class(t, "govuk-visually-hidden")) {
            f->hidden = 1;
            return false;
        }
        if (name_is(t, "br")) f->space = true;
    }
    if (name_is(t, "thead")) {
        finish_header(f);
        f->in_head = !t->closing;
    } else if (name_is(t, "tbody") || name_is(t, "tfoot")) {
        finish_header(f);
        f->in_head = false;
    } else if (name_is(t, "tr")) {
        finish_header(f);
        f->col = 0;
    } else if (name_is(t, "th") || name_is(t, "td")) {
        finish_header(f);
        if (t->closing) return false;
        size_t span = colspan(t), col = f->col;
        f->col = col + span;
        if (f->in_head) {
            f->collecting = true;
            f->space = false;
            f->hidden = 0;
            f->hdr_col = col;
            f->hdr_span = span;
            f->hdr_from = f->text.len;
            return false;
        }
        const char *v;
        size_t vn;
        if (!name_is(t, "td") || span != 1 || col >= CK_CELL_LABELS_COLS || f->len[col] == 0) return false;
        if (attr(t, "data-label", &v, &vn)) return false;
        *label_col = col;
        return true;
    }
    return false;
}

/* Where the raw text of a <script> or <style> starting at s[i] ends: its
 * closing tag, or n. */
static size_t raw_end(const char *s, size_t n, size_t i, const tag *t)
{
    for (; i + 2 + t->name_len <= n; i++)
        if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, t->name, t->name_len) == 0) return i;
    return n;
}

bool ck_cell_labels(const char *html, size_t n, ck_buf *out)
{
    if (!html || !memmem(html, n, "govuk-table", 11)) return false;
    size_t start = out->len, i = 0, copied = 0;
    state *st = ck_calloc(1, sizeof *st);
    bool ok = true;
    while (i < n) {
        const char *lt = memchr(html + i, '<', n - i);
        size_t stop = lt ? (size_t)(lt - html) : n;
        collect(top(st), html + i, stop - i);
        i = stop;
        if (i == n) break;
        tag t;
        size_t skip, col;
        if (!parse_tag(html + i, n - i, &t, &skip)) {
            i += skip;
            continue;
        }
        if (step(st, &t, &col)) {
            /* Just before the tag's '>'. */
            size_t at = i + t.len - 1;
            const table *f = top(st);
            ok = ok && ck_buf_append(out, html + copied, at - copied) && ck_buf_puts(out, " data-label=\"") &&
                 ck_buf_append(out, f->text.data + f->from[col], f->len[col]) && ck_buf_putc(out, '"');
            copied = at;
        }
        i += t.len;
        if (!t.closing && (name_is(&t, "script") || name_is(&t, "style"))) i = raw_end(html, n, i, &t);
    }
    ok = ok && ck_buf_append(out, html + copied, n - copied);
    for (size_t k = 0; k < CK_CELL_LABELS_DEPTH; k++) ck_buf_free(&st->t[k].text);
    ck_free(st);
    if (!ok) {
        out->len = start;
        if (out->data) out->data[start] = '\0';
    }
    return ok;
}
