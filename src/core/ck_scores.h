/* ck_scores: what the derived scores on a case share.
 *
 * The scores (core/ck_ogrs3, core/ck_tier, core/ck_workload) are pure
 * functions of data in memory: no I/O, no clock, no globals written. A score
 * never guesses an input it does not have: it says which inputs are missing
 * and why, and either gives no result (OGRS3) or states the value it used in
 * their place (the tier counts an unknown RSR as 0 points, as HMPPS does, and
 * says so). Results are plain structs that own every string in them, so they
 * outlive the case they came from. */
#ifndef CK_SCORES_H
#define CK_SCORES_H
#include <stdbool.h>
#include <stddef.h>

typedef enum ck_score_status {
    CK_SCORE_OK,      /* computed */
    CK_SCORE_MISSING, /* an input is absent: see the missing list */
    CK_SCORE_INVALID, /* the inputs contradict each other: see the missing list */
} ck_score_status;

const char *ck_score_status_name(ck_score_status s); /* "ok", "missing", "invalid" */

/* One input a score could not use. `input` is a stable key for the UI
 * ("date_of_birth", "rsr", "oasys.needs"); `why` is one line for a person,
 * naming the record it looked at and, where the score went on without it,
 * the value it used instead. */
typedef struct ck_missing {
    char input[48];
    char why[200];
} ck_missing;

#define CK_MISSING_MAX 16

typedef struct ck_missing_list {
    size_t n;
    ck_missing item[CK_MISSING_MAX];
} ck_missing_list;

/* Adds an entry unless one with the same key is already there (the first
 * reason given for an input is the most specific one). Entries past
 * CK_MISSING_MAX are dropped: no score has that many inputs. */
void ck_missing_add(ck_missing_list *l, const char *input, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The entry for `input`, or NULL. */
const ck_missing *ck_missing_find(const ck_missing_list *l, const char *input);

#endif
