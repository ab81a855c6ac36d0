#include "ck_activity.h"
#include "ck_buf.h"
#include "ck_ctypes.h"
#include "ck_rules.h"
#include "ck_str.h"
#include "ck_txn.h"
#include <string.h>

/* PostgreSQL's English stop words (tsearch_data/english.stop): dropped from
 * queries on both backends, so both answer the same. */
static const char *const stop_words[] = {
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
    "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
    "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that",
    "these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
    "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as",
    "until", "while", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through",
    "during", "before", "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off",
    "over", "under", "again", "further", "then", "once", "here", "there", "when", "where", "why", "how",
    "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not",
    "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don", "should",
    "now", NULL};

static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

size_t ck_activity_words(const char *q, char words[CK_ACTIVITY_MAX_WORDS][CK_ACTIVITY_WORD_MAX + 1])
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)(q ? q : "");
    while (*p && n < CK_ACTIVITY_MAX_WORDS) {
        while (*p && !word_byte(*p)) p++;
        size_t len = 0;
        char *w = words[n];
        while (*p && word_byte(*p)) {
            if (len < CK_ACTIVITY_WORD_MAX) w[len++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            p++;
        }
        /* A cut must not split a UTF-8 sequence: drop a partial one. */
        if (len == CK_ACTIVITY_WORD_MAX) {
            size_t k = len;
            while (k && ((unsigned char)w[k - 1] & 0xC0) == 0x80) k--;
            if (k && (unsigned char)w[k - 1] >= 0xC0) len = k - 1;
        }
        w[len] = '\0';
        if (len && !ck_vocab_find(stop_words, w, len)) {
            bool dup = false;
            for (size_t i = 0; i < n && !dup; i++) dup = strcmp(words[i], w) == 0;
            if (!dup) n++;
        }
    }
    return n;
}

/* The WHERE clause and its parameters, shared by the count and the page. */
typedef struct where {
    ck_buf sql;
    const char *text[CK_ACTIVITY_MAX_WORDS + 400];
    int n; /* parameters so far; $1 is the case id */
} where;

static void param(where *w, const char *v)
{
    w->text[w->n - 1] = v; /* $1 (the case id) is bound apart: text[k] is $(k + 2) */
    ck_buf_printf(&w->sql, "$%d", ++w->n);
}

/* "AND "type" IN (...)" over the contact types that `want` says. */
static void types_in(where *w, bool negate, bool (*want)(const ck_ctype *t, const void *ctx), const void *ctx)
{
    size_t n;
    const ck_ctype *all = ck_ctypes_all(&n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!want(&all[i], ctx)) continue;
        ck_buf_puts(&w->sql, first ? (negate ? " AND \"contacts\".\"type\" NOT IN (" : " AND \"contacts\".\"type\" IN (") : ", ");
        param(w, all[i].code);
        first = false;
    }
    if (first) ck_buf_puts(&w->sql, negate ? "" : " AND 1 = 0");
    else ck_buf_putc(&w->sql, ')');
}

static bool in_category(const ck_ctype *t, const void *ctx) { return strcmp(t->category, ctx) == 0; }
static bool system_type(const ck_ctype *t, const void *ctx) { return (void)ctx, ck_ctype_system(t->category); }

static void outcomes_in(where *w, bool (*want)(const char *code))
{
    bool first = true;
    for (const char *const *o = ck_vocab_outcome; *o; o++) {
        if (!want(*o)) continue;
        ck_buf_puts(&w->sql, first ? " AND \"contacts\".\"outcome\" IN (" : ", ");
        param(w, *o);
        first = false;
    }
    ck_buf_puts(&w->sql, first ? " AND 1 = 0" : ")");
}

/* The sensitive test: a contact whose notes the reader may not see. */
#define WITHHELD "(COALESCE(\"contacts\".\"sensitive\", 0) = 1)"

static void build_where(where *w, bool pg, const ck_activity_query *q, const char *match, char dates[2][CK_DATE_STRLEN])
{
    ck_buf_puts(&w->sql, " WHERE \"contacts\".\"case_id\" = $1");
    w->n = 1;
    if (match) {
        if (pg) {
            ck_buf_puts(&w->sql, " AND \"contacts\".\"notes\" IS NOT NULL AND to_tsvector('english', "
                                 "\"contacts\".\"notes\") @@ to_tsquery('english', ");
            param(w, match);
            ck_buf_putc(&w->sql, ')');
        } else {
            ck_buf_puts(&w->sql, " AND \"contact_notes_fts\" MATCH ");
            param(w, match);
        }
        if (!q->sensitive_visible) ck_buf_puts(&w->sql, " AND NOT " WITHHELD);
    }
    if (q->from != CK_NODATE) {
        ck_buf_puts(&w->sql, " AND \"contacts\".\"date\" >= ");
        param(w, ck_date_fmt(q->from, dates[0]));
    }
    if (q->to != CK_NODATE) {
        ck_buf_puts(&w->sql, " AND \"contacts\".\"date\" <= ");
        param(w, ck_date_fmt(q->to, dates[1]));
    }
    if (q->type) {
        ck_buf_puts(&w->sql, " AND \"contacts\".\"type\" = ");
        param(w, q->type);
    }
    if (q->category) types_in(w, false, in_category, q->category);
    if (q->hide_system) types_in(w, true, system_type, NULL);
    if (q->compliance == CK_COMPLY_FAILURES) {
        ck_buf_puts(&w->sql, " AND \"contacts\".\"national_standard\" = 1");
        outcomes_in(w, ck_outcome_failure);
    } else if (q->compliance == CK_COMPLY_ACCEPTABLE) {
        outcomes_in(w, ck_outcome_acceptable);
    }
}

static void bind_where(ck_stmt *st, const where *w, int64_t case_id)
{
    ck_stmt_bind_int(st, 1, case_id);
    for (int i = 2; i <= w->n; i++) ck_stmt_bind_text(st, i, w->text[i - 2]);
}

/* The FROM clause: the FTS5 table joins in only for a keyword query. */
static const char *from_clause(bool pg, bool match)
{
    if (match && !pg)
        return " FROM \"contact_notes_fts\" JOIN \"contacts\" ON \"contacts\".\"rowid\" = \"contact_notes_fts\".\"rowid\"";
    return " FROM \"contacts\"";
}

ck_rc ck_activity_find(ck_db *db, int64_t case_id, const ck_activity_query *q, ck_activity **out, char *err,
                       size_t err_len)
{
    *out = NULL;
    bool pg = ck_db_kind(db) == CK_DB_PG;
    char words[CK_ACTIVITY_MAX_WORDS][CK_ACTIVITY_WORD_MAX + 1];
    size_t nw = ck_activity_words(q->q, words);
    /* Every word quoted (FTS5) or a plain lexeme (tsquery): words hold only
     * letters, digits and non-ASCII bytes, so neither can hold an operator. */
    ck_buf m = CK_BUF_INIT;
    for (size_t i = 0; i < nw; i++) {
        if (pg) ck_buf_printf(&m, "%s'%s'", i ? " & " : "", words[i]);
        else ck_buf_printf(&m, "%s\"%s\"", i ? " " : "", words[i]);
    }
    const char *match = nw ? ck_buf_cstr(&m) : NULL;
    char dates[2][CK_DATE_STRLEN];
    where w = {.sql = CK_BUF_INIT};
    build_where(&w, pg, q, match, dates);
    ck_activity *a = ck_calloc(1, sizeof *a);
    ck_arena_init(&a->arena);
    a->n_words = nw;
    ck_rc rc = CK_OK;

    ck_buf sql = CK_BUF_INIT;
    ck_buf_printf(&sql, "SELECT COUNT(*)%s%s", from_clause(pg, match), ck_buf_cstr(&w.sql));
    ck_stmt *st = ck_txn_prepare(db, ck_buf_cstr(&sql), err, err_len);
    if (!st) rc = CK_ERR_DB;
    if (rc == CK_OK) {
        bind_where(st, &w, case_id);
        if (ck_txn_next(db, st, "contacts", &rc, err, err_len)) a->total = (size_t)ck_stmt_int(st, 0);
        ck_stmt_reset(st);
    }

    ck_buf_reset(&sql);
    /* Notes a reader may not see are never selected. */
    const char *notes = q->sensitive_visible ? "\"contacts\".\"notes\""
                                             : "CASE WHEN " WITHHELD " THEN NULL ELSE \"contacts\".\"notes\" END";
    ck_buf_printf(&sql, "SELECT \"contacts\".\"id\", \"contacts\".\"event\", \"contacts\".\"date\", \"contacts\".\"type\", "
                        "\"contacts\".\"outcome\", \"contacts\".\"outcome_on\", \"contacts\".\"national_standard\", "
                        "\"contacts\".\"appointment\", \"contacts\".\"sensitive\", \"contacts\".\"recorded_by\", "
                        "\"staff\".\"forename\", \"staff\".\"surname\", %s, ", notes);
    if (!match) ck_buf_puts(&sql, "NULL");
    else if (pg)
        ck_buf_printf(&sql, "ts_headline('english', \"contacts\".\"notes\", to_tsquery('english', $2), "
                            "'HighlightAll=true, StartSel=\"%c\", StopSel=\"%c\"')",
                      CK_ACTIVITY_MARK_ON, CK_ACTIVITY_MARK_OFF);
    else ck_buf_printf(&sql, "highlight(\"contact_notes_fts\", 0, char(%d), char(%d))", CK_ACTIVITY_MARK_ON,
                       CK_ACTIVITY_MARK_OFF);
    ck_buf_printf(&sql, "%s LEFT JOIN \"staff\" ON \"staff\".\"code\" = \"contacts\".\"recorded_by\"%s "
                        "ORDER BY \"contacts\".\"date\" DESC, \"contacts\".\"ord\" DESC LIMIT %zu OFFSET %zu",
                  from_clause(pg, match), ck_buf_cstr(&w.sql), q->limit, q->offset);
    st = rc == CK_OK ? ck_txn_prepare(db, ck_buf_cstr(&sql), err, err_len) : NULL;
    if (rc == CK_OK && !st) rc = CK_ERR_DB;
    if (rc == CK_OK) {
        bind_where(st, &w, case_id);
        size_t cap = q->limit < 256 ? q->limit : 256;
        a->items = ck_arena_array(&a->arena, cap ? cap : 1, sizeof *a->items);
        ck_arena *ar = &a->arena;
        while (ck_txn_next(db, st, "contacts", &rc, err, err_len)) {
            if (a->n == cap) {
                ck_activity_item *more = ck_arena_array(ar, cap * 2, sizeof *more);
                memcpy(more, a->items, a->n * sizeof *more);
                a->items = more;
                cap *= 2;
            }
            ck_activity_item *it = &a->items[a->n++];
            it->id = ck_arena_strdup(ar, ck_stmt_text(st, 0));
            it->event = ck_arena_strdup(ar, ck_stmt_text(st, 1));
            it->date = ck_stmt_date(st, 2);
            it->type = ck_arena_strdup(ar, ck_stmt_text(st, 3));
            it->outcome = ck_arena_strdup(ar, ck_stmt_text(st, 4));
            it->outcome_on = ck_stmt_date(st, 5);
            it->national_standard = ck_stmt_null(st, 6) ? CK_NULL : ck_stmt_int(st, 6) != 0;
            it->appointment = ck_stmt_null(st, 7) ? CK_NULL : ck_stmt_int(st, 7) != 0;
            it->sensitive = ck_stmt_null(st, 8) ? CK_NULL : ck_stmt_int(st, 8) != 0;
            it->recorded_by = ck_arena_strdup(ar, ck_stmt_text(st, 9));
            const char *fore = ck_stmt_text(st, 10), *sur = ck_stmt_text(st, 11);
            if (fore && sur) it->recorded_by_name = ck_arena_printf(ar, "%s %s", fore, sur);
            it->notes = ck_arena_strdup(ar, ck_stmt_text(st, 12));
            it->notes_withheld = it->sensitive == 1 && !q->sensitive_visible;
            if (it->notes && match) it->highlight = ck_arena_strdup(ar, ck_stmt_text(st, 13));
        }
        ck_stmt_reset(st);
    }
    ck_buf_free(&sql);
    ck_buf_free(&w.sql);
    ck_buf_free(&m);
    if (rc != CK_OK) {
        ck_activity_free(a);
        return rc;
    }
    *out = a;
    return CK_OK;
}

void ck_activity_free(ck_activity *a)
{
    if (!a) return;
    ck_arena_free(&a->arena);
    ck_free(a);
}
