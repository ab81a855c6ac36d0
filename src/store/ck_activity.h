/* ck_activity: a case's activity log, its contacts newest first, filtered
 * and paged, with full-text search over their notes.
 *
 * Keyword search means the same on both backends: the query is cut into
 * words (runs of ASCII letters and digits, and of non-ASCII bytes), ASCII
 * lower-cased; English stop words are dropped (the PostgreSQL "english"
 * list, so a word one backend would ignore the other ignores too); every
 * word left must match, after English stemming ("attended" finds "attends").
 * The words are passed as bound parameters, each one a quoted FTS5 string on
 * SQLite and a tsquery lexeme joined with & on PostgreSQL, so no user input
 * ever becomes a query operator. Matching words come back marked in
 * `highlight` between CK_ACTIVITY_MARK_ON and CK_ACTIVITY_MARK_OFF, which
 * notes cannot hold (core/ck_case: no control characters).
 *
 * Sensitive contacts: unless the query says the reader may see them
 * (services/ck_access decides), their notes are neither returned nor
 * searched. Runs inside the caller's transaction. */
#ifndef CK_ACTIVITY_H
#define CK_ACTIVITY_H
#include "ck_case.h"
#include "ck_db.h"
#include "ck_rc.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CK_ACTIVITY_MARK_ON '\x01'
#define CK_ACTIVITY_MARK_OFF '\x02'
#define CK_ACTIVITY_MAX_WORDS 16  /* more words in a query are ignored */
#define CK_ACTIVITY_WORD_MAX 64   /* bytes of one word; longer words are cut */
#define CK_ACTIVITY_QUERY_MAX 500 /* bytes of a keyword query (callers refuse longer) */

typedef enum ck_compliance {
    CK_COMPLY_ANY,
    CK_COMPLY_FAILURES,   /* national standard contacts with a failure outcome (rulebook) */
    CK_COMPLY_ACCEPTABLE, /* acceptable absences */
} ck_compliance;

typedef struct ck_activity_query {
    const char *q;         /* keywords; NULL or "": no keyword filter */
    ck_date from, to;      /* inclusive; CK_NODATE: open */
    const char *category;  /* a contact type category (core/ck_ctypes); NULL: any */
    const char *type;      /* a contact type code; NULL: any */
    ck_compliance compliance;
    bool hide_system;      /* leave out system contacts (ck_ctype_system) */
    bool sensitive_visible; /* the reader may see sensitive contacts' notes */
    size_t limit, offset;
} ck_activity_query;

typedef struct ck_activity_item {
    const char *id, *event, *type, *outcome;
    ck_date date, outcome_on;
    ck_tri national_standard, appointment, sensitive;
    const char *recorded_by;      /* as stored (staff code or username), NULL when unknown */
    const char *recorded_by_name; /* the staff member's name, NULL when not a staff code */
    const char *notes;            /* NULL: none, or withheld (notes_withheld) */
    const char *highlight;        /* notes with marked matches; NULL without a keyword query */
    bool notes_withheld;          /* a sensitive contact's notes the reader may not see */
} ck_activity_item;

typedef struct ck_activity {
    ck_arena arena;
    ck_activity_item *items;
    size_t n, total; /* rows here; rows matching in all */
    size_t n_words;  /* the words searched (0: no keyword filter) */
} ck_activity;

/* The words of q that are searched, as described above, into words[] (each
 * NUL-terminated, at most CK_ACTIVITY_WORD_MAX bytes). Returns how many. */
size_t ck_activity_words(const char *q, char words[CK_ACTIVITY_MAX_WORDS][CK_ACTIVITY_WORD_MAX + 1]);

ck_rc ck_activity_find(ck_db *db, int64_t case_id, const ck_activity_query *q, ck_activity **out, char *err,
                       size_t err_len);
void ck_activity_free(ck_activity *a); /* NULL-safe */

#endif
