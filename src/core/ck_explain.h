/* ck_explain: an obligation's explanation, kept as a recipe and written out
 * only when something shows it.
 *
 * The rules engine used to print every explanation with printf while it
 * evaluated, half its time, although most are never read. Now it records a
 * recipe: which of the texts below each part uses and the values it names
 * (strings, numbers, dates as day numbers), packed into one short string the
 * store keeps as it is. ck_explain_text writes the words out from it, the
 * same words the engine used to print.
 *
 * A recipe is CK_EXPLAIN_MARK and then parts, each "<text number>
 * (US <kind><value>)* RS" (US 0x1f, RS 0x1e; kind s, d or D), and may end
 * with GS (0x1d) and the basis of the due date (ck_explain_basis), which the
 * case pages' plain-English sentences read instead of running the engine
 * again. A stored value without the mark is an explanation written out in
 * full (a row stored before recipes) and reads as it is.
 *
 * The numbers are stored: a text keeps its number, new texts take new ones
 * at the end, and changing the words of a text changes every stored recipe
 * that names it (so it goes with a full recompute). */
#ifndef CK_EXPLAIN_H
#define CK_EXPLAIN_H
#include "ck_buf.h"
#include "ck_date.h"
#include "ck_mem.h"
#include <stdbool.h>
#include <stddef.h>

#define CK_EXPLAIN_MARK '\001'

/* The texts of core/ck_rules, named after the rule (or helper) that first
 * uses them: %s a string, %d a number, %D a date. */
typedef enum ck_ex_text {
    CK_EX_DUE = 0,
    CK_EX_CLOSE = 1,
    CK_EX_MET_BY = 2,
    CK_EX_MET_BY_DECISION_MET = 3,
    CK_EX_MET_BY_ALLOCATION_MET = 4,
    CK_EX_ALLOCATE_FACTS = 5,
    CK_EX_ALLOCATE_UNMET = 6,
    CK_EX_ALLOCATE_DUE = 7,
    CK_EX_ALLOCATE_LEAVER_FACTS = 8,
    CK_EX_ALLOCATE_LEAVER_UNMET = 9,
    CK_EX_ALLOCATE_LEAVER_DUE = 10,
    CK_EX_INDUCTION_FACTS = 11,
    CK_EX_INDUCTION_UNMET = 12,
    CK_EX_INDUCTION_MET = 13,
    CK_EX_INDUCTION_DUE = 14,
    CK_EX_OUTCOME_FACTS = 15,
    CK_EX_OUTCOME_UNMET = 16,
    CK_EX_OUTCOME_MET = 17,
    CK_EX_OUTCOME_MET2 = 18,
    CK_EX_OUTCOME_DUE = 19,
    CK_EX_CONTACT_FACTS = 20,
    CK_EX_CONTACT_FACTS2 = 21,
    CK_EX_CONTACT_FACTS3 = 22,
    CK_EX_CONTACT_UNMET = 23,
    CK_EX_CONTACT_MET = 24,
    CK_EX_CONTACT_DUE = 25,
    CK_EX_NEXT_APPOINTMENT_FACTS = 26,
    CK_EX_NEXT_APPOINTMENT_UNMET = 27,
    CK_EX_NEXT_APPOINTMENT_MET = 28,
    CK_EX_NEXT_APPOINTMENT_MET2 = 29,
    CK_EX_NEXT_APPOINTMENT_DUE = 30,
    CK_EX_ADDRESS_RUN_MET = 31,
    CK_EX_ADDRESS_RUN_MET2 = 32,
    CK_EX_ADDRESS_FACTS = 33,
    CK_EX_ADDRESS_UNMET = 34,
    CK_EX_ADDRESS_DUE = 35,
    CK_EX_TERMINATE_FACTS = 36,
    CK_EX_TERMINATE_UNMET = 37,
    CK_EX_TERMINATE_MET = 38,
    CK_EX_TERMINATE_DUE = 39,
    CK_EX_REVIEW_APPOINTMENT_FACTS = 40,
    CK_EX_REVIEW_APPOINTMENT_UNMET = 41,
    CK_EX_REVIEW_APPOINTMENT_DUE = 42,
    CK_EX_ENFORCE_FACTS = 43,
    CK_EX_ENFORCE_FACTS2 = 44,
    CK_EX_ENFORCE_MET = 45,
    CK_EX_ENFORCE_UNMET = 46,
    CK_EX_ENFORCE_UNMET2 = 47,
    CK_EX_ENFORCE_DUE = 48,
    CK_EX_BREACH_PACK_FACTS = 49,
    CK_EX_BREACH_PACK_UNMET = 50,
    CK_EX_BREACH_PACK_MET = 51,
    CK_EX_BREACH_PACK_MET2 = 52,
    CK_EX_BREACH_PACK_DUE = 53,
    CK_EX_MET_BY_RECALL_MET = 54,
    CK_EX_RECALL_DECISION_FACTS = 55,
    CK_EX_RECALL_DECISION_UNMET = 56,
    CK_EX_RECALL_DECISION_FACTS2 = 57,
    CK_EX_RECALL_DECISION_DUE = 58,
    CK_EX_ROSH_INITIAL_FACTS = 59,
    CK_EX_ROSH_INITIAL_UNMET = 60,
    CK_EX_ROSH_INITIAL_MET = 61,
    CK_EX_ROSH_INITIAL_DUE = 62,
    CK_EX_ROSH_REVIEW_FACTS = 63,
    CK_EX_ROSH_REVIEW_UNMET = 64,
    CK_EX_ROSH_REVIEW_DUE = 65,
    CK_EX_ROSH_CHANGE_FACTS = 66,
    CK_EX_ROSH_CHANGE_UNMET = 67,
    CK_EX_ROSH_CHANGE_DUE = 68,
    CK_EX_ROSH_CHANGE_FACTS2 = 69,
    CK_EX_ROSH_CHANGE_FACTS3 = 70,
    CK_EX_ROSH_CHANGE_FACTS4 = 71,
    CK_EX_ROSH_CHANGE_FACTS5 = 72,
    CK_EX_ROSH_CHANGE_FACTS6 = 73,
    CK_EX_SENTENCE_PLAN_UNMET = 74,
    CK_EX_SENTENCE_PLAN_MET = 75,
    CK_EX_OVERSIGHT_UNMET = 76,
    CK_EX_OVERSIGHT_MET = 77,
    CK_EX_OVERSIGHT_DUE = 78,
    CK_EX_OUTSTANDING_REASONS_FACTS = 79,
    CK_EX_SAFEGUARDING_CHECK_UNMET = 80,
    CK_EX_SAFEGUARDING_CHECK_MET = 81,
    CK_EX_SAFEGUARDING_CHECK_FACTS = 82,
    CK_EX_SAFEGUARDING_CHECK_FACTS2 = 83,
    CK_EX_SAFEGUARDING_CHECK_UNMET2 = 84,
    CK_EX_SAFEGUARDING_CHECK_DUE = 85,
    CK_EX_DA_FLAG_DECISION_UNMET = 86,
    CK_EX_DA_FLAG_DECISION_MET = 87,
    CK_EX_DA_FLAG_DECISION_DUE = 88,
    CK_EX_REG_REVIEW_FACTS = 89,
    CK_EX_REG_REVIEW_UNMET = 90,
    CK_EX_REG_REVIEW_MET = 91,
    CK_EX_REG_REVIEW_MET2 = 92,
    CK_EX_REG_REVIEW_DUE = 93,
    CK_EX_REG_REVIEW_DUE2 = 94,
    CK_EX_MAPPA_IDENTIFY_FACTS = 95,
    CK_EX_MAPPA_IDENTIFY_UNMET = 96,
    CK_EX_MAPPA_IDENTIFY_MET = 97,
    CK_EX_MAPPA_IDENTIFY_MET2 = 98,
    CK_EX_MAPPA_IDENTIFY_DUE = 99,
    CK_EX_MET_BY_REFERRAL_OUTCOME_MET = 100,
    CK_EX_VCS_REFERRAL_FACTS = 101,
    CK_EX_VCS_REFERRAL_UNMET = 102,
    CK_EX_VCS_REFERRAL_MET = 103,
    CK_EX_VCS_FIRST_CONTACT_UNMET = 104,
    CK_EX_VCS_FIRST_CONTACT_MET = 105,
    CK_EX_VCS_FIRST_CONTACT_DUE = 106,
    CK_EX_VCS_FLAG_FACTS = 107,
    CK_EX_VCS_FLAG_UNMET = 108,
    CK_EX_VCS_FLAG_MET = 109,
    CK_EX_VCS_FLAG_DUE = 110,
    CK_EX_VCS_REPRESENTATIONS_FACTS = 111,
    CK_EX_VCS_REPRESENTATIONS_UNMET = 112,
    CK_EX_VCS_REPRESENTATIONS_MET = 113,
    CK_EX_VCS_REPRESENTATIONS_DUE = 114,
    CK_EX_VCS_RELEASE_NOTICE_UNMET = 115,
    CK_EX_VCS_RELEASE_NOTICE_MET = 116,
    CK_EX_VCS_RELEASE_NOTICE_DUE = 117,
    CK_EX_VCS_RECALL_NOTICE_FACTS = 118,
    CK_EX_VCS_RECALL_NOTICE_UNMET = 119,
    CK_EX_VCS_RECALL_NOTICE_MET = 120,
    CK_EX_VCS_RECALL_NOTICE_DUE = 121,
    CK_EX_VCS_NONSTATUTORY_FACTS = 122,
    CK_EX_VCS_NONSTATUTORY_UNMET = 123,
    CK_EX_VCS_NONSTATUTORY_MET = 124,
    CK_EX_REPORT_DUE_UNMET = 125,
    CK_EX_REPORT_DUE_MET = 126,
    CK_EX_REPORT_DUE_DUE = 127,
    CK_EX_WORDS = 128,
    CK_EX_SENTENCE_MONTHS = 129,
    CK_EX_MAPPA_IDENTIFY_CATEGORY = 130,
    CK_EX_VCS_REFERRAL_SENTENCED = 131,
    CK_EX_N = 132
} ck_ex_text;

/* One value a text names. */
typedef struct ck_xarg {
    char kind; /* 's', 'd' or 'D', as the text's %s, %d or %D */
    union {
        const char *s; /* NULL reads "(null)", as printf had it */
        int i;
        ck_date d;
    };
} ck_xarg;

static inline ck_xarg ck_xs(const char *s) { return (ck_xarg){.kind = 's', .s = s}; }
static inline ck_xarg ck_xi(int i) { return (ck_xarg){.kind = 'd', .i = i}; }
static inline ck_xarg ck_xd(ck_date d) { return (ck_xarg){.kind = 'D', .d = d}; }

/* "args, n" for a list of ck_xs/ck_xi/ck_xd, possibly empty. */
#define CK_XARGS(...) ((const ck_xarg[]){{0}, __VA_ARGS__} + 1), \
                      (sizeof((const ck_xarg[]){{0}, __VA_ARGS__}) / sizeof(ck_xarg) - 1)

/* Appends one part: text t naming a[0..n). Control characters in strings
 * become spaces (an explanation is one line). */
void ck_explain_add(ck_buf *recipe, ck_ex_text t, const ck_xarg *a, size_t n);

/* What an obligation's due date was worked out from (core/ck_rules'
 * ck_obligation: basis, amount, why, high_risk, stage, period). */
typedef struct ck_explain_basis {
    ck_date basis;  /* CK_NODATE: none recorded */
    int amount;
    int why;        /* ck_why */
    bool high_risk;
    int stage;
    const char *period; /* one of ck_explain_periods, or NULL */
} ck_explain_basis;

/* The words a period goes by in the plain-English sentences (static). */
extern const char *const ck_explain_periods[3]; /* "order", "licence", "post-sentence supervision" */

/* Ends a recipe with its basis (after the last part). */
void ck_explain_add_basis(ck_buf *recipe, const ck_explain_basis *b);
/* The basis a recipe ends with; false when it has none (a full text, a
 * recipe without one, or one that does not read). */
bool ck_explain_basis_read(const char *recipe, ck_explain_basis *out);

/* Appends the words of `recipe` to out; a value without CK_EXPLAIN_MARK is
 * appended as it is. False when the recipe names an unknown text or its
 * values do not fit the text (out then holds what came before). */
bool ck_explain_render(const char *recipe, ck_buf *out);

/* The words of `recipe` in arena a ("" for a recipe ck_explain_render
 * refuses; NULL in, NULL out). */
const char *ck_explain_text(const char *recipe, ck_arena *a);

#endif
