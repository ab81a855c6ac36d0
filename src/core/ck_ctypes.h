/* ck_ctypes: the contact types table (data/contact-types.csv, embedded:
 * group id, group, code, name) and the names of appointment outcomes, read
 * once. The one place a contact type's name, its category (the CSV's group)
 * and an outcome's words come from.
 *
 * System contacts are those of the "Administrative" category: records the
 * case management system writes itself (case allocated, order received,
 * terminations, CMS workload entries), which the activity log can hide. */
#ifndef CK_CTYPES_H
#define CK_CTYPES_H
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_ctype {
    const char *code, *name, *category; /* category: the CSV's group, trimmed */
    bool national_standard;             /* the name says "(NS)" */
} ck_ctype;

/* Every contact type, in the table's order; *n gets how many. */
const ck_ctype *ck_ctypes_all(size_t *n);
/* The type with this code, or NULL. */
const ck_ctype *ck_ctype_find(const char *code);
/* The categories, in the table's order, NULL-terminated. */
const char *const *ck_ctype_categories(void);
/* Whether a type of category `category` is a system contact. */
bool ck_ctype_system(const char *category);
/* An outcome's words ("Unacceptable absence"), or NULL for a code that is
 * not in ck_vocab_outcome. */
const char *ck_outcome_name(const char *code);

#endif
