/* ck_tmpl: compile once, render many times (see ck_tmpl.h for the syntax). */
#include "ck_tmpl.h"
#include "ck_mem.h"
#include "ck_str.h"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define TMPL_MAX_FILE ((size_t)1 << 20) /* a template is a page, not a data file */
#define TMPL_MAX_LAYOUTS 8              /* page -> layout -> base ... */
#define TMPL_MAX_DIR_DEPTH 8

typedef enum { N_TEXT, N_VAR, N_IF, N_FOR, N_INCLUDE, N_BLOCK } nkind;

typedef struct path {
    ck_str *seg;
    size_t n;
} path;

typedef enum { OP_TRUE, OP_NOT, OP_EQ, OP_NE } op;

typedef struct expr {
    op op;
    path lhs;
    path rhs;    /* when !rhs_lit */
    ck_str lit;  /* when rhs_lit */
    bool rhs_lit;
} expr;

typedef struct tmpl tmpl;
typedef struct node node;

typedef struct branch {
    expr cond;
    node *body;
} branch;

struct node {
    nkind kind;
    int line;
    node *next;
    ck_str text;      /* TEXT; INCLUDE: the name; BLOCK: the name; FOR: loop variable */
    path var;         /* VAR; FOR: the list */
    bool url_esc;     /* VAR: | url */
    bool url_attr;    /* VAR: starts an href/src/action value */
    branch *br;       /* IF */
    size_t n_br;
    node *body;       /* FOR, BLOCK */
    node *else_body;  /* IF, FOR */
    const tmpl *target; /* INCLUDE, after link */
};

struct tmpl {
    const char *name, *file;
    node *root;
    ck_str extends;
    int extends_line;
    const tmpl *parent;
    node **blocks;
    size_t n_blocks;
    int mark; /* link: 0 new, 1 on the DFS stack, 2 done */
    tmpl *next;
};

struct ck_tmpl_set {
    ck_arena arena;
    tmpl *head;
    bool linked;
};

static void seterr(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t err_len, const char *fmt, ...)
{
    if (!err || !err_len) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

ck_tmpl_set *ck_tmpl_set_new(void)
{
    ck_tmpl_set *s = ck_calloc(1, sizeof *s);
    ck_arena_init(&s->arena);
    return s;
}

void ck_tmpl_set_free(ck_tmpl_set *s)
{
    if (!s) return;
    ck_arena_free(&s->arena);
    ck_free(s);
}

static tmpl *find(const ck_tmpl_set *s, const char *name, size_t n)
{
    for (tmpl *t = s->head; t; t = t->next)
        if (strlen(t->name) == n && memcmp(t->name, name, n) == 0) return t;
    return NULL;
}

bool ck_tmpl_has(const ck_tmpl_set *s, const char *name) { return find(s, name, strlen(name)) != NULL; }

/* ---- Parsing ------------------------------------------------------------ */

typedef enum { H_DATA, H_TAG, H_DQ, H_SQ, H_COMMENT, H_RAW } html_state;

typedef struct html_ctx {
    html_state state;
    char tag[16], attr[16];
    size_t tag_len, attr_len; /* attr_len (size_t)-1: between attributes */
    bool closing, in_tag_name, after_eq;
    bool url_value;      /* inside the quoted value of href/src/action/formaction */
    bool value_has_text; /* that value already has literal text or a {{ }} */
} html_ctx;

typedef struct parser {
    html_ctx h;
    ck_arena *a;
    tmpl *t;
    const char *s;
    size_t n, pos;
    int line;
    char *err;
    size_t err_len;
    bool failed;
} parser;

static bool fail(parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(parser *p, int line, const char *fmt, ...)
{
    if (p->failed) return false;
    p->failed = true;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    seterr(p->err, p->err_len, "%s:%d: %s", p->t->file, line, msg);
    return false;
}

static int lines_in(const char *s, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++) k += s[i] == '\n';
    return k;
}

/* A tag's inside, split into tokens: words, "literals", == != |. */
typedef struct lexer {
    ck_str in;
    size_t pos;
} lexer;

typedef enum { T_END, T_WORD, T_LIT, T_EQ, T_NE, T_PIPE, T_BAD } tok_kind;

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/';
}

static tok_kind lex(lexer *lx, ck_str *tok)
{
    while (lx->pos < lx->in.n && (lx->in.p[lx->pos] == ' ' || lx->in.p[lx->pos] == '\t' ||
                                  lx->in.p[lx->pos] == '\n' || lx->in.p[lx->pos] == '\r'))
        lx->pos++;
    if (lx->pos >= lx->in.n) return T_END;
    const char *p = lx->in.p + lx->pos;
    size_t left = lx->in.n - lx->pos;
    if (*p == '"') {
        const char *q = memchr(p + 1, '"', left - 1);
        if (!q) return T_BAD;
        *tok = ck_str_make(p + 1, (size_t)(q - p - 1));
        lx->pos += (size_t)(q - p) + 1;
        return T_LIT;
    }
    if (left >= 2 && (p[0] == '=' || p[0] == '!') && p[1] == '=') {
        lx->pos += 2;
        return p[0] == '=' ? T_EQ : T_NE;
    }
    if (*p == '|') {
        lx->pos++;
        return T_PIPE;
    }
    size_t k = 0;
    while (k < left && word_char(p[k])) k++;
    if (!k) return T_BAD;
    *tok = ck_str_make(p, k);
    lx->pos += k;
    return T_WORD;
}

static bool ident_ok(ck_str w)
{
    if (!w.n) return false;
    for (size_t i = 0; i < w.n; i++)
        if (!((w.p[i] >= 'a' && w.p[i] <= 'z') || (w.p[i] >= 'A' && w.p[i] <= 'Z') ||
              (w.p[i] >= '0' && w.p[i] <= '9') || w.p[i] == '_' || w.p[i] == '-'))
            return false;
    return true;
}

static bool parse_path(parser *p, int line, ck_str w, path *out)
{
    size_t n = 1;
    for (size_t i = 0; i < w.n; i++) n += w.p[i] == '.';
    out->seg = ck_arena_array(p->a, n, sizeof *out->seg);
    out->n = 0;
    ck_str rest = w;
    while (rest.p) {
        ck_str seg;
        rest = ck_str_cut(rest, '.', &seg);
        if (!ident_ok(seg))
            return fail(p, line, "bad variable \"%.*s\": expected names joined by dots", (int)w.n, w.p);
        out->seg[out->n++] = seg;
    }
    return true;
}

static bool parse_expr(parser *p, int line, lexer *lx, expr *e)
{
    ck_str w;
    tok_kind k = lex(lx, &w);
    e->op = OP_TRUE;
    if (k == T_WORD && ck_str_eqc(w, "not")) {
        e->op = OP_NOT;
        k = lex(lx, &w);
    }
    if (k != T_WORD) return fail(p, line, "expected a variable in the condition");
    if (!parse_path(p, line, w, &e->lhs)) return false;
    k = lex(lx, &w);
    if (k == T_END) return true;
    if (e->op == OP_NOT || (k != T_EQ && k != T_NE))
        return fail(p, line, "expected == or != or the end of the condition");
    e->op = k == T_EQ ? OP_EQ : OP_NE;
    k = lex(lx, &w);
    if (k == T_LIT) {
        e->rhs_lit = true;
        e->lit = w;
    } else if (k == T_WORD) {
        if (!parse_path(p, line, w, &e->rhs)) return false;
    } else {
        return fail(p, line, "expected a variable or a \"string\" after the comparison");
    }
    if (lex(lx, &w) != T_END) return fail(p, line, "unexpected text after the condition");
    return true;
}

static node *new_node(parser *p, nkind k, int line)
{
    node *nd = ck_arena_alloc(p->a, sizeof *nd);
    nd->kind = k;
    nd->line = line;
    return nd;
}

/* Where in the HTML a {{ }} lands decides what escaping cannot: the parser
 * follows the template's literal text through a small HTML tokenizer (tags,
 * quoted attribute values, comments, script/style raw text). */
static bool url_attr_name(const char *name, size_t n)
{
    static const char *const attrs[] = {"href", "src", "action", "formaction"};
    for (size_t k = 0; k < sizeof attrs / sizeof *attrs; k++)
        if (n == strlen(attrs[k]) && strncasecmp(name, attrs[k], n) == 0) return true;
    return false;
}

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static void html_scan(parser *p, size_t from, size_t to)
{
    html_ctx *h = &p->h;
    for (size_t i = from; i < to; i++) {
        char c = p->s[i];
        switch (h->state) {
        case H_DATA:
            if (c != '<' || i + 1 >= to) break;
            if (to - i >= 4 && memcmp(p->s + i, "<!--", 4) == 0) {
                h->state = H_COMMENT;
                i += 3;
            } else if (is_alpha(p->s[i + 1]) || p->s[i + 1] == '/') {
                h->state = H_TAG;
                h->closing = p->s[i + 1] == '/';
                h->tag_len = 0;
                h->in_tag_name = true;
                h->after_eq = false;
                h->attr_len = 0;
                if (h->closing) i++;
            }
            break;
        case H_COMMENT:
            if (c == '>' && i >= 2 && p->s[i - 1] == '-' && p->s[i - 2] == '-') h->state = H_DATA;
            break;
        case H_RAW:
            if (c == '<' && i + 1 < to && p->s[i + 1] == '/' && to - i - 2 >= h->tag_len &&
                strncasecmp(p->s + i + 2, h->tag, h->tag_len) == 0) {
                h->state = H_TAG;
                h->closing = true;
                h->in_tag_name = false;
                i += 1 + h->tag_len;
            }
            break;
        case H_DQ:
        case H_SQ:
            if (c == (h->state == H_DQ ? '"' : '\'')) {
                h->state = H_TAG;
                h->attr_len = 0;
            } else {
                h->value_has_text = true;
            }
            break;
        case H_TAG:
            if (h->in_tag_name && (is_alpha(c) || (c >= '0' && c <= '9'))) {
                if (h->tag_len < sizeof h->tag) h->tag[h->tag_len++] = c;
                break;
            }
            h->in_tag_name = false;
            if (c == '>') {
                bool raw = !h->closing && ((h->tag_len == 6 && strncasecmp(h->tag, "script", 6) == 0) ||
                                           (h->tag_len == 5 && strncasecmp(h->tag, "style", 5) == 0));
                h->state = raw ? H_RAW : H_DATA;
            } else if (c == '"' || c == '\'') {
                h->state = c == '"' ? H_DQ : H_SQ;
                h->url_value = h->after_eq && url_attr_name(h->attr, h->attr_len);
                h->value_has_text = false;
                h->after_eq = false;
            } else if (c == '=') {
                h->after_eq = true;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/') {
                if (!h->after_eq) h->attr_len = (size_t)-1; /* the next name starts afresh */
            } else if (h->after_eq) {
                h->after_eq = false; /* an unquoted literal value */
                h->attr_len = 0;
            } else {
                if (h->attr_len == (size_t)-1) h->attr_len = 0;
                if (h->attr_len < sizeof h->attr) h->attr[h->attr_len++] = c;
            }
            break;
        }
    }
}

typedef enum { STOP_EOF, STOP_END, STOP_ELSE, STOP_ELIF } stop_kind;

typedef struct stop {
    stop_kind kind;
    int line;
    lexer rest; /* ELIF: the condition */
} stop;

static node *parse_list(parser *p, int depth, stop *st);

static bool add_block(parser *p, node *b)
{
    for (size_t i = 0; i < p->t->n_blocks; i++)
        if (ck_str_eq(p->t->blocks[i]->text, b->text))
            return fail(p, b->line, "block \"%.*s\" defined twice", (int)b->text.n, b->text.p);
    node **nb = ck_arena_array(p->a, p->t->n_blocks + 1, sizeof *nb);
    if (p->t->n_blocks) memcpy(nb, p->t->blocks, p->t->n_blocks * sizeof *nb);
    nb[p->t->n_blocks++] = b;
    p->t->blocks = nb;
    return true;
}

static const char *stop_name(stop_kind k)
{
    return k == STOP_END ? "end" : k == STOP_ELSE ? "else" : k == STOP_ELIF ? "elif" : "end of file";
}

/* Parses a {% %} statement whose words start at lx. Returns the node (NULL for
 * a closing word, reported through st, or on error). */
static node *parse_stmt(parser *p, int depth, int line, lexer *lx, bool *closing, stop *st)
{
    ck_str w, arg;
    *closing = false;
    if (lex(lx, &w) != T_WORD) {
        fail(p, line, "expected a statement (if, elif, else, for, include, extends, block, end)");
        return NULL;
    }
    if (ck_str_eqc(w, "end") || ck_str_eqc(w, "else") || ck_str_eqc(w, "elif")) {
        *closing = true;
        st->kind = ck_str_eqc(w, "end") ? STOP_END : ck_str_eqc(w, "else") ? STOP_ELSE : STOP_ELIF;
        st->line = line;
        st->rest = *lx;
        if (st->kind != STOP_ELIF && lex(lx, &arg) != T_END) {
            fail(p, line, "unexpected text after %s", stop_name(st->kind));
            return NULL;
        }
        return NULL;
    }
    if (depth > 64) {
        fail(p, line, "statements nested too deep");
        return NULL;
    }
    if (ck_str_eqc(w, "if")) {
        node *nd = new_node(p, N_IF, line);
        size_t cap = 4;
        nd->br = ck_arena_array(p->a, cap, sizeof *nd->br);
        lexer cond = *lx;
        for (;;) {
            if (nd->n_br == cap) {
                branch *nb = ck_arena_array(p->a, cap * 2, sizeof *nb);
                memcpy(nb, nd->br, cap * sizeof *nb);
                nd->br = nb;
                cap *= 2;
            }
            branch *b = &nd->br[nd->n_br++];
            if (!parse_expr(p, line, &cond, &b->cond)) return NULL;
            stop inner;
            b->body = parse_list(p, depth + 1, &inner);
            if (p->failed) return NULL;
            if (inner.kind == STOP_ELIF) {
                cond = inner.rest;
                line = inner.line;
                continue;
            }
            if (inner.kind == STOP_ELSE) {
                nd->else_body = parse_list(p, depth + 1, &inner);
                if (p->failed) return NULL;
            }
            if (inner.kind != STOP_END) {
                fail(p, nd->line, "{%% if %%} has no {%% end %%} (found %s at line %d)", stop_name(inner.kind), inner.line);
                return NULL;
            }
            return nd;
        }
    }
    if (ck_str_eqc(w, "for")) {
        node *nd = new_node(p, N_FOR, line);
        ck_str in, list;
        if (lex(lx, &nd->text) != T_WORD || !ident_ok(nd->text) || lex(lx, &in) != T_WORD ||
            !ck_str_eqc(in, "in") || lex(lx, &list) != T_WORD || lex(lx, &arg) != T_END) {
            fail(p, line, "expected {%% for NAME in LIST %%}");
            return NULL;
        }
        if (!parse_path(p, line, list, &nd->var)) return NULL;
        stop inner;
        nd->body = parse_list(p, depth + 1, &inner);
        if (!p->failed && inner.kind == STOP_ELSE) nd->else_body = parse_list(p, depth + 1, &inner);
        if (p->failed) return NULL;
        if (inner.kind != STOP_END) {
            fail(p, line, "{%% for %%} has no {%% end %%} (found %s at line %d)", stop_name(inner.kind), inner.line);
            return NULL;
        }
        return nd;
    }
    if (ck_str_eqc(w, "include")) {
        node *nd = new_node(p, N_INCLUDE, line);
        if (lex(lx, &nd->text) != T_LIT || !nd->text.n || lex(lx, &arg) != T_END) {
            fail(p, line, "expected {%% include \"NAME\" %%}");
            return NULL;
        }
        return nd;
    }
    if (ck_str_eqc(w, "block")) {
        node *nd = new_node(p, N_BLOCK, line);
        if (lex(lx, &nd->text) != T_WORD || !ident_ok(nd->text) || lex(lx, &arg) != T_END) {
            fail(p, line, "expected {%% block NAME %%}");
            return NULL;
        }
        stop inner;
        nd->body = parse_list(p, depth + 1, &inner);
        if (p->failed) return NULL;
        if (inner.kind != STOP_END) {
            fail(p, line, "{%% block %%} has no {%% end %%} (found %s at line %d)", stop_name(inner.kind), inner.line);
            return NULL;
        }
        return add_block(p, nd) ? nd : NULL;
    }
    if (ck_str_eqc(w, "extends")) {
        fail(p, line, "{%% extends %%} must be the first tag of the file");
        return NULL;
    }
    fail(p, line, "unknown statement \"%.*s\"", (int)w.n, w.p);
    return NULL;
}

static node *parse_var(parser *p, int line, ck_str inner)
{
    html_ctx *h = &p->h;
    if (h->state == H_TAG) {
        fail(p, line, h->after_eq ? "unquoted attribute value: write =\"{{ ... }}\""
                                  : "{{ }} inside a tag must be in a quoted attribute value");
        return NULL;
    }
    if (h->state == H_RAW) {
        fail(p, line, "no {{ }} inside <script> or <style>");
        return NULL;
    }
    bool url_attr = (h->state == H_DQ || h->state == H_SQ) && h->url_value && !h->value_has_text;
    if (h->state == H_DQ || h->state == H_SQ) h->value_has_text = true;
    lexer lx = {inner, 0};
    ck_str w, f;
    if (lex(&lx, &w) != T_WORD) {
        fail(p, line, "expected a variable in {{ }}");
        return NULL;
    }
    node *nd = new_node(p, N_VAR, line);
    if (!parse_path(p, line, w, &nd->var)) return NULL;
    tok_kind k = lex(&lx, &f);
    if (k == T_PIPE) {
        if (lex(&lx, &f) != T_WORD || !ck_str_eqc(f, "url")) {
            fail(p, line, "unknown filter: the only filter is | url");
            return NULL;
        }
        nd->url_esc = true;
        k = lex(&lx, &f);
    }
    if (k != T_END) {
        fail(p, line, "unexpected text in {{ }}");
        return NULL;
    }
    nd->url_attr = url_attr;
    return nd;
}

/* A statement or comment alone on its line takes the line with it, so
 * templates can be indented without filling pages with blank lines. */
static bool standalone(const parser *p, size_t text_start, size_t tag_start, size_t tag_end,
                       size_t *cut, size_t *resume)
{
    size_t j = tag_start;
    while (j > text_start && (p->s[j - 1] == ' ' || p->s[j - 1] == '\t')) j--;
    if (j != 0 && p->s[j - 1] != '\n') return false;
    size_t k = tag_end;
    while (k < p->n && (p->s[k] == ' ' || p->s[k] == '\t' || p->s[k] == '\r')) k++;
    if (k < p->n && p->s[k] != '\n') return false;
    *cut = j;
    *resume = k < p->n ? k + 1 : k;
    return true;
}

static node *parse_list(parser *p, int depth, stop *st)
{
    node *head = NULL, **tail = &head;
    st->kind = STOP_EOF;
    st->line = p->line;
    while (p->pos < p->n && !p->failed) {
        size_t text_start = p->pos, at = p->pos;
        const char *open = NULL;
        while (at + 1 < p->n) {
            const char *q = memchr(p->s + at, '{', p->n - at - 1);
            if (!q) break;
            at = (size_t)(q - p->s);
            if (q[1] == '{' || q[1] == '%' || q[1] == '#') {
                open = q;
                break;
            }
            at++;
        }
        size_t text_end = open ? at : p->n;
        if (!open) {
            if (text_end > text_start) {
                node *t = new_node(p, N_TEXT, p->line);
                t->text = ck_str_make(p->s + text_start, text_end - text_start);
                *tail = t;
            }
            p->line += lines_in(p->s + text_start, text_end - text_start);
            p->pos = p->n;
            st->line = p->line;
            return head;
        }
        int line = p->line + lines_in(p->s + text_start, at - text_start);
        char kind = open[1];
        const char *close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
        const char *e = memmem(open + 2, p->n - at - 2, close, 2);
        if (!e) {
            fail(p, line, "%s opened here is never closed with %s",
                 kind == '{' ? "{{" : kind == '%' ? "{%" : "{#", close);
            return NULL;
        }
        size_t tag_end = (size_t)(e - p->s) + 2;
        html_scan(p, text_start, at);
        size_t cut = text_end, resume = tag_end;
        if (kind != '{') standalone(p, text_start, at, tag_end, &cut, &resume);
        if (cut > text_start) {
            node *t = new_node(p, N_TEXT, p->line);
            t->text = ck_str_make(p->s + text_start, cut - text_start);
            *tail = t;
            tail = &t->next;
        }
        p->line += lines_in(p->s + text_start, resume - text_start);
        p->pos = resume;
        ck_str inner = ck_str_make(open + 2, (size_t)(e - open - 2));
        node *nd = NULL;
        if (kind == '#') continue;
        if (kind == '{') {
            nd = parse_var(p, line, inner);
        } else {
            lexer lx = {inner, 0};
            bool closing;
            nd = parse_stmt(p, depth, line, &lx, &closing, st);
            if (closing) return p->failed ? NULL : head;
        }
        if (!nd) return NULL;
        *tail = nd;
        tail = &nd->next;
    }
    return head;
}

/* {% extends "x" %} is only recognised as the file's first tag (comments
 * and whitespace may come before it). */
static bool parse_extends(parser *p)
{
    size_t i = p->pos;
    int line = p->line;
    for (;;) {
        size_t j = i;
        while (j < p->n && (p->s[j] == ' ' || p->s[j] == '\t' || p->s[j] == '\n' || p->s[j] == '\r')) j++;
        line += lines_in(p->s + i, j - i);
        i = j;
        if (i + 1 >= p->n || p->s[i] != '{' || (p->s[i + 1] != '#' && p->s[i + 1] != '%')) return true;
        const char *e = memmem(p->s + i + 2, p->n - i - 2, p->s[i + 1] == '#' ? "#}" : "%}", 2);
        if (!e) return true; /* parse_list reports it */
        size_t end = (size_t)(e - p->s) + 2;
        if (p->s[i + 1] == '#') {
            line += lines_in(p->s + i, end - i);
            i = end;
            continue;
        }
        lexer lx = {ck_str_make(p->s + i + 2, (size_t)(e - p->s - i - 2)), 0};
        ck_str w, name, rest;
        if (lex(&lx, &w) != T_WORD || !ck_str_eqc(w, "extends")) return true;
        if (lex(&lx, &name) != T_LIT || !name.n || lex(&lx, &rest) != T_END)
            return fail(p, line, "expected {%% extends \"NAME\" %%}");
        p->t->extends = name;
        p->t->extends_line = line;
        p->line = line;
        p->pos = end;
        return true;
    }
}

/* A page that extends a layout is only its blocks: anything else would be
 * silently dropped, so it is an error. */
static bool check_page(parser *p, const node *n)
{
    for (; n; n = n->next) {
        if (n->kind == N_BLOCK) continue;
        if (n->kind == N_TEXT) {
            bool blank = true;
            for (size_t i = 0; i < n->text.n && blank; i++)
                blank = n->text.p[i] == ' ' || n->text.p[i] == '\t' || n->text.p[i] == '\n' || n->text.p[i] == '\r';
            if (blank) continue;
        }
        return fail(p, n->line, "a page that extends a layout may only hold {%% block %%} sections");
    }
    return true;
}

bool ck_tmpl_add(ck_tmpl_set *s, const char *name, const char *file, const char *text, size_t len,
                 char *err, size_t err_len)
{
    if (!name || !*name || !text) {
        seterr(err, err_len, "template: a name and a text are required");
        return false;
    }
    if (find(s, name, strlen(name))) {
        seterr(err, err_len, "%s: template \"%s\" defined twice", file ? file : name, name);
        return false;
    }
    tmpl *t = ck_arena_alloc(&s->arena, sizeof *t);
    t->name = ck_arena_strdup(&s->arena, name);
    t->file = ck_arena_strdup(&s->arena, file ? file : name);
    parser p = {.a = &s->arena, .t = t, .s = ck_arena_strndup(&s->arena, text, len), .n = len,
                .line = 1, .err = err, .err_len = err_len};
    if (!parse_extends(&p)) return false;
    stop st;
    t->root = parse_list(&p, 0, &st);
    if (p.failed) return false;
    if (st.kind != STOP_EOF) {
        fail(&p, st.line, "{%% %s %%} without an opening {%% if %%}, {%% for %%} or {%% block %%}",
             stop_name(st.kind));
        return false;
    }
    if (t->extends.n && !check_page(&p, t->root)) return false;
    t->next = s->head;
    s->head = t;
    s->linked = false;
    return true;
}

static bool load_dir(ck_tmpl_set *s, const char *root, const char *rel, int depth, char *err, size_t err_len)
{
    char dirpath[4096];
    if ((size_t)snprintf(dirpath, sizeof dirpath, "%s%s%s", root, *rel ? "/" : "", rel) >= sizeof dirpath) {
        seterr(err, err_len, "%s/%s: path too long", root, rel);
        return false;
    }
    DIR *d = opendir(dirpath);
    if (!d) {
        seterr(err, err_len, "%s: cannot read the template directory: %s", dirpath, strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char relname[4096], full[4096];
        if ((size_t)snprintf(relname, sizeof relname, "%s%s%s", rel, *rel ? "/" : "", de->d_name) >= sizeof relname ||
            (size_t)snprintf(full, sizeof full, "%s/%s", root, relname) >= sizeof full) {
            seterr(err, err_len, "%s/%s: path too long", dirpath, de->d_name);
            ok = false;
            break;
        }
        struct stat sb;
        if (stat(full, &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) {
            if (depth >= TMPL_MAX_DIR_DEPTH) {
                seterr(err, err_len, "%s: directories nested too deep", full);
                ok = false;
            } else {
                ok = load_dir(s, root, relname, depth + 1, err, err_len);
            }
            continue;
        }
        size_t nl = strlen(de->d_name);
        if (!S_ISREG(sb.st_mode) || nl < 5 || strcmp(de->d_name + nl - 5, ".html") != 0) continue;
        if ((size_t)sb.st_size > TMPL_MAX_FILE) {
            seterr(err, err_len, "%s: larger than %zu bytes", full, TMPL_MAX_FILE);
            ok = false;
            break;
        }
        FILE *f = fopen(full, "rb");
        if (!f) {
            seterr(err, err_len, "%s: %s", full, strerror(errno));
            ok = false;
            break;
        }
        char *buf = ck_malloc((size_t)sb.st_size + 1);
        size_t got = fread(buf, 1, (size_t)sb.st_size, f);
        fclose(f);
        ok = ck_tmpl_add(s, relname, full, buf, got, err, err_len);
        ck_free(buf);
    }
    closedir(d);
    return ok;
}

bool ck_tmpl_load_dir(ck_tmpl_set *s, const char *dir, char *err, size_t err_len)
{
    return load_dir(s, dir, "", 0, err, err_len);
}

/* ---- Linking ------------------------------------------------------------ */

static bool visit(ck_tmpl_set *s, tmpl *t, char *err, size_t err_len);

static bool link_nodes(ck_tmpl_set *s, tmpl *t, node *n, char *err, size_t err_len)
{
    for (; n; n = n->next) {
        if (n->kind == N_INCLUDE) {
            tmpl *target = find(s, n->text.p, n->text.n);
            if (!target) {
                seterr(err, err_len, "%s:%d: include of unknown template \"%.*s\"", t->file, n->line,
                       (int)n->text.n, n->text.p);
                return false;
            }
            if (target->extends.n) {
                seterr(err, err_len, "%s:%d: \"%s\" extends a layout and cannot be included", t->file,
                       n->line, target->name);
                return false;
            }
            if (target->mark == 1) {
                seterr(err, err_len, "%s:%d: including \"%s\" makes a cycle", t->file, n->line, target->name);
                return false;
            }
            if (!visit(s, target, err, err_len)) return false;
            n->target = target;
        }
        for (size_t i = 0; i < n->n_br; i++)
            if (!link_nodes(s, t, n->br[i].body, err, err_len)) return false;
        if (!link_nodes(s, t, n->body, err, err_len) || !link_nodes(s, t, n->else_body, err, err_len))
            return false;
    }
    return true;
}

static bool visit(ck_tmpl_set *s, tmpl *t, char *err, size_t err_len)
{
    if (t->mark == 2) return true;
    t->mark = 1;
    if (t->extends.n) {
        tmpl *parent = find(s, t->extends.p, t->extends.n);
        if (!parent) {
            seterr(err, err_len, "%s:%d: extends unknown template \"%.*s\"", t->file, t->extends_line,
                   (int)t->extends.n, t->extends.p);
            return false;
        }
        if (parent->mark == 1) {
            seterr(err, err_len, "%s:%d: extending \"%s\" makes a cycle", t->file, t->extends_line, parent->name);
            return false;
        }
        if (!visit(s, parent, err, err_len)) return false;
        int depth = 1;
        for (const tmpl *u = parent; u; u = u->parent) depth++;
        if (depth > TMPL_MAX_LAYOUTS) {
            seterr(err, err_len, "%s:%d: layouts nested deeper than %d", t->file, t->extends_line, TMPL_MAX_LAYOUTS);
            return false;
        }
        t->parent = parent;
        for (size_t i = 0; i < t->n_blocks; i++) {
            const node *b = t->blocks[i];
            bool found = false;
            for (const tmpl *u = parent; u && !found; u = u->parent)
                for (size_t k = 0; k < u->n_blocks && !found; k++) found = ck_str_eq(u->blocks[k]->text, b->text);
            if (!found) {
                seterr(err, err_len, "%s:%d: block \"%.*s\" is not in the layout \"%s\"", t->file, b->line,
                       (int)b->text.n, b->text.p, parent->name);
                return false;
            }
        }
    }
    if (!link_nodes(s, t, t->root, err, err_len)) return false;
    t->mark = 2;
    return true;
}

bool ck_tmpl_link(ck_tmpl_set *s, char *err, size_t err_len)
{
    for (tmpl *t = s->head; t; t = t->next) {
        t->mark = 0;
        t->parent = NULL;
    }
    for (tmpl *t = s->head; t; t = t->next)
        if (!visit(s, t, err, err_len)) return false;
    s->linked = true;
    return true;
}

/* ---- Rendering ---------------------------------------------------------- */

typedef struct frame {
    ck_str name;
    const json_t *val;
    const struct frame *up;
} frame;

typedef struct render {
    ck_buf *out;
    const json_t *data;
    char *err;
    size_t err_len;
} render;

/* The layout chain a block name is looked up in, most derived first. */
typedef struct chain {
    const tmpl *t[TMPL_MAX_LAYOUTS];
    size_t n;
} chain;

static const json_t *lookup(const render *r, const frame *f, const path *pa)
{
    const json_t *v = NULL;
    ck_str first = pa->seg[0];
    for (; f; f = f->up)
        if (ck_str_eq(f->name, first)) {
            v = f->val;
            break;
        }
    if (!f) v = json_is_object(r->data) ? json_object_getn(r->data, first.p, first.n) : NULL;
    for (size_t i = 1; v && i < pa->n; i++) {
        ck_str seg = pa->seg[i];
        if (json_is_object(v)) {
            v = json_object_getn(v, seg.p, seg.n);
        } else if (json_is_array(v)) {
            size_t idx = 0;
            bool num = seg.n > 0 && seg.n < 10;
            for (size_t k = 0; num && k < seg.n; k++) {
                num = seg.p[k] >= '0' && seg.p[k] <= '9';
                idx = idx * 10 + (size_t)(seg.p[k] - '0');
            }
            v = num ? json_array_get(v, idx) : NULL;
        } else {
            v = NULL;
        }
    }
    return v;
}

/* The printed text of a value; tmp holds numbers. */
static ck_str text_of(const json_t *v, char tmp[48])
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING: return ck_str_make(json_string_value(v), json_string_length(v));
    case JSON_INTEGER: snprintf(tmp, 48, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return ck_str_c(tmp);
    case JSON_REAL: snprintf(tmp, 48, "%g", json_real_value(v)); return ck_str_c(tmp);
    case JSON_TRUE: return ck_str_c("true");
    case JSON_FALSE: return ck_str_c("false");
    default: return ck_str_make("", 0);
    }
}

static bool truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0.0;
    case JSON_TRUE: return true;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_OBJECT: return json_object_size(v) > 0;
    default: return false;
    }
}

static bool eval(const render *r, const frame *f, const expr *e)
{
    const json_t *l = lookup(r, f, &e->lhs);
    if (e->op == OP_TRUE) return truthy(l);
    if (e->op == OP_NOT) return !truthy(l);
    char t1[48], t2[48];
    ck_str a = text_of(l, t1);
    ck_str b = e->rhs_lit ? e->lit : text_of(lookup(r, f, &e->rhs), t2);
    return ck_str_eq(a, b) == (e->op == OP_EQ);
}

/* Same-site references only: a leading "//" or "/\" is another host to a
 * browser, and any scheme (javascript:, data:, https:) is refused. */
static bool same_site(ck_str v)
{
    if (v.n == 0) return true;
    if (v.p[0] == '#' || v.p[0] == '?') return true;
    return v.p[0] == '/' && !(v.n > 1 && (v.p[1] == '/' || v.p[1] == '\\'));
}

static bool render_list(render *r, const chain *ch, const frame *f, const node *n);

static bool render_block(render *r, const chain *ch, const frame *f, const node *n)
{
    for (size_t i = 0; i < ch->n; i++)
        for (size_t k = 0; k < ch->t[i]->n_blocks; k++)
            if (ck_str_eq(ch->t[i]->blocks[k]->text, n->text))
                return render_list(r, ch, f, ch->t[i]->blocks[k]->body);
    return render_list(r, ch, f, n->body);
}

static bool render_for(render *r, const chain *ch, const frame *f, const node *n)
{
    const json_t *list = lookup(r, f, &n->var);
    size_t count = json_is_array(list) ? json_array_size(list) : 0;
    if (!count) return render_list(r, ch, f, n->else_body);
    json_t *loop = json_object();
    frame lf = {ck_str_c("loop"), loop, f};
    frame item = {n->text, NULL, &lf};
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        json_object_set_new(loop, "index", json_integer((json_int_t)i + 1));
        json_object_set_new(loop, "first", json_boolean(i == 0));
        json_object_set_new(loop, "last", json_boolean(i + 1 == count));
        item.val = json_array_get(list, i);
        ok = render_list(r, ch, &item, n->body);
    }
    json_decref(loop);
    return ok;
}

static bool render_list(render *r, const chain *ch, const frame *f, const node *n)
{
    for (; n; n = n->next) {
        bool ok = true;
        switch (n->kind) {
        case N_TEXT: ok = ck_buf_append(r->out, n->text.p, n->text.n); break;
        case N_VAR: {
            char tmp[48];
            ck_str v = text_of(lookup(r, f, &n->var), tmp);
            if (n->url_attr && !n->url_esc && !same_site(v)) v = ck_str_c("#invalid-url");
            ok = ck_buf_escape(r->out, n->url_esc ? CK_ESC_URL : CK_ESC_HTML, v.p, v.n);
            break;
        }
        case N_IF: {
            const node *body = n->else_body;
            for (size_t i = 0; i < n->n_br; i++)
                if (eval(r, f, &n->br[i].cond)) {
                    body = n->br[i].body;
                    break;
                }
            ok = render_list(r, ch, f, body);
            break;
        }
        case N_FOR: ok = render_for(r, ch, f, n); break;
        case N_INCLUDE: {
            chain inc = {{n->target}, 1};
            ok = render_list(r, &inc, f, n->target->root);
            break;
        }
        case N_BLOCK: ok = render_block(r, ch, f, n); break;
        }
        if (!ok) return false;
    }
    return true;
}

bool ck_tmpl_render(const ck_tmpl_set *s, const char *name, const json_t *data, ck_buf *out,
                    char *err, size_t err_len)
{
    if (!s->linked) {
        seterr(err, err_len, "template set not linked");
        return false;
    }
    const tmpl *t = find(s, name, strlen(name));
    if (!t) {
        seterr(err, err_len, "no template \"%s\"", name);
        return false;
    }
    chain ch = {{0}, 0};
    const tmpl *base = t;
    for (const tmpl *u = t; u; u = u->parent) {
        ch.t[ch.n++] = u;
        base = u;
    }
    render r = {out, data, err, err_len};
    if (!render_list(&r, &ch, NULL, base->root)) {
        seterr(err, err_len, "%s: output larger than its buffer allows", t->file);
        return false;
    }
    return true;
}
