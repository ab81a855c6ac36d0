/* ck_diary: appointments across cases, for the diary (issue 15): one
 * officer's or one team's appointments between two dates, or those past and
 * still without an outcome, oldest first. An appointment's officer is its
 * own `officer`, else the case's current holder (cases.staff_code); a team's
 * are those whose officer is a staff member of the team. Cancelled
 * appointments are listed (the diary shows them struck through) except in
 * the "without an outcome" list, where they owe nothing. Runs in its own
 * read transaction; the reader's case filter (services/ck_access) keeps out
 * what the reader may not see. */
#ifndef CK_DIARY_H
#define CK_DIARY_H
#include "ck_case.h"
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"
#include "ck_org_record.h"
#include "ck_worklist.h"

typedef struct ck_diary_query {
    const char *officer;          /* a staff code, or */
    const char *team;             /* a team code (exactly one of the two) */
    ck_date from, to;             /* inclusive */
    bool without_outcome;         /* only live appointments without an outcome (to: the day before today) */
    const ck_case_filter *filter; /* the reader's, NULL: none */
    size_t limit;                 /* 0: CK_DIARY_MAX */
} ck_diary_query;

#define CK_DIARY_MAX 2000

typedef struct ck_diary_item {
    const char *crn, *forename, *surname;
    const char *id, *type, *start_time, *end_time, *location, *outcome;
    const char *location_name;                    /* the office's name, NULL when not an office */
    const char *officer, *officer_forename, *officer_surname; /* names NULL when not a known staff member */
    ck_date date;
    bool cancelled;
    int32_t sequence; /* the iCalendar SEQUENCE: 0 when never changed */
} ck_diary_item;

typedef struct ck_diary {
    ck_arena arena;
    ck_diary_item *items;
    size_t n;
    bool truncated; /* more than the limit matched */
} ck_diary;
void ck_diary_free(ck_diary *d); /* NULL-safe */

/* The staff in post of a team, by surname (code, forename, surname filled;
 * strings in arena): the officers a booking form offers. */
typedef struct ck_diary_officer {
    const char *code, *forename, *surname;
} ck_diary_officer;
ck_rc ck_diary_officers(ck_db *db, const char *team, ck_arena *arena, ck_diary_officer **out, size_t *n, char *err,
                        size_t err_len);

/* The offices of a PDU (store/ck_org's list, in its own read transaction). */
ck_rc ck_diary_offices(ck_db *db, const char *pdu, ck_arena *arena, ck_org_record **out, size_t *n, char *err,
                       size_t err_len);

/* A practitioner's calendar feed (migration 015 "calendar_feeds"): only the
 * token's hash is stored. Set replaces any earlier token (the old URL stops
 * working); revoke deletes it. Find gives the staff code of a hash
 * (CK_ERR_NOTFOUND when none). Exists says whether staff has a feed. Each in
 * its own transaction. */
ck_rc ck_diary_feed_set(ck_db *db, const char *staff, const char *token_hash, int64_t now, char *err, size_t err_len);
ck_rc ck_diary_feed_revoke(ck_db *db, const char *staff, char *err, size_t err_len);
ck_rc ck_diary_feed_find(ck_db *db, const char *token_hash, ck_arena *arena, const char **staff, char *err,
                         size_t err_len);
ck_rc ck_diary_feed_exists(ck_db *db, const char *staff, bool *exists, char *err, size_t err_len);

/* In date and start time order (without_outcome: the same, so oldest
 * first). */
ck_rc ck_diary_list(ck_db *db, const ck_diary_query *q, ck_diary **out, char *err, size_t err_len);

#endif
