/* ck_licence: licence conditions (issue 19, point 3). One table holds the
 * closed vocabulary of condition types with their plain words and what each
 * type allows; the standard conditions are listed here once; the rules on
 * conditions that the field descriptors cannot express (a condition's dates,
 * which types may be victim-related or name a victim, conditions only on a
 * custody event, references to victims and conditions) are checked here.
 * Pure: no I/O. */
#ifndef CK_LICENCE_H
#define CK_LICENCE_H
#include "ck_case.h"

typedef struct ck_licence_type {
    const char *code;  /* the bundle's value, e.g. "non_contact" */
    const char *label; /* plain words for a page: "Not to contact a named person" */
    bool victim_related_allowed; /* may protect a victim (victim_related true) */
    bool names_victim;           /* victim_id allowed: the victim it protects */
    const char *detail_needed;   /* what detail must say when no victim_id names it; NULL: optional */
} ck_licence_type;

/* The types' plain words and the ways of telling a victim in plain words,
 * NULL-terminated, in the order of ck_vocab_licence_condition and
 * ck_vocab_told_how (for forms' options). */
extern const char *const ck_licence_type_labels[], *const ck_told_how_labels[];

/* The type with code `code`, or NULL. */
const ck_licence_type *ck_licence_type_of(const char *code);
/* Every type, in the vocabulary's order; *n gets the count. */
const ck_licence_type *ck_licence_types(size_t *n);

/* The standard licence conditions in plain words, NULL-terminated. */
extern const char *const ck_licence_standard[];

/* How a victim was told (ck_vocab_told_how) in plain words ("By letter"),
 * or NULL for a value not in the vocabulary. */
const char *ck_told_how_label(const char *how);

/* Whether victim v is to be told of condition lc: it is victim-related and
 * on v's event's licence, and names no victim or names v. */
bool ck_licence_concerns_victim(const ck_event *e, const ck_licence_condition *lc, const ck_victim *v);

/* v's record of being told of condition `id`, or NULL (not told yet). */
const ck_victim_told *ck_licence_told(const ck_victim *v, const char *id);

/* The condition of the case with id `id` (with its event in *ev when not
 * NULL), or NULL. */
const ck_licence_condition *ck_case_licence_condition(const ck_case *c, const char *id, const ck_event **ev);

/* Cross-record rules (called by ck_case_validate): conditions only on a
 * custody event, condition ids unique across the case, victim_id naming a
 * victim of the same event, conditions_told naming a condition of the case.
 * false with "path: message" in err. */
bool ck_licence_validate(const ck_case *c, char *err, size_t err_len);

#endif
