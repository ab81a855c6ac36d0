/* ck_rules: the rulebook (../shared/rulebook.md) as pure functions.
 *
 * ck_rules_evaluate derives every obligation of one case at one date. No I/O,
 * no globals written, no clock read: the same case, date, calendar and config
 * always give the same result, so the engine is tested from tables and run
 * on many threads at once. */
#ifndef CK_RULES_H
#define CK_RULES_H
#include "ck_case.h"
#include "ck_cal.h"
#include "ck_rulecfg.h"

typedef enum ck_severity { CK_SEV_CRITICAL = 0, CK_SEV_HIGH = 1, CK_SEV_NORMAL = 2 } ck_severity;
/* Order is the rulebook's output order. */
typedef enum ck_status { CK_ST_OVERDUE = 0, CK_ST_OPEN = 1, CK_ST_MET_LATE = 2, CK_ST_MET = 3 } ck_status;

/* Which of a rule's timescales set the due date, for the plain-English
 * sentence the web shows (web/ck_web_plain). Not part of the CLI's JSON. */
typedef enum ck_why {
    CK_WHY_USUAL = 0,        /* the rule's one timescale */
    CK_WHY_HIGH_RISK,        /* the shorter timescale of a high-risk case */
    CK_WHY_URGENT,           /* ROSH_INITIAL: MAPPA level 2/3 or very high RoSH at the start */
    CK_WHY_LICENCE,          /* counted from release on licence (INDUCTION) */
    CK_WHY_STAGE,            /* CONTACT: the interval of the stage of the period (stage, period) */
    CK_WHY_LEFT,             /* ALLOCATE: the practitioner left */
    CK_WHY_ABSENCE,          /* ALLOCATE: the practitioner began long-term absence */
    CK_WHY_REPORT,           /* DA_CHECK, CHILD_CHECK: for a pre-sentence report (due its due date) */
    CK_WHY_NEXT_REVIEW,      /* REG_REVIEW: the next review date set at the last review */
    CK_WHY_ORAL,             /* REPORT_DUE: an oral report, due the day it is asked for */
    CK_WHY_MANDATORY,        /* ENFORCE: a warning in the last 12 months makes breach mandatory */
    CK_WHY_FINAL_WARNING,    /* RECALL_DECISION: a failure after a final warning */
    CK_WHY_RECALL_REQUESTED, /* RECALL_DECISION: a recall was requested */
} ck_why;

typedef struct ck_obligation {
    const char *rule;        /* static rule ID, e.g. "ENFORCE" */
    const char *subject;     /* "case", "contact:C2", ... (result arena) */
    ck_date due;
    ck_date met_on;          /* CK_NODATE when not met */
    ck_status status;
    ck_severity severity;
    /* The explanation, one line naming the facts, as a recipe (result
     * arena): ck_explain_text (core/ck_explain) writes out the words where
     * something shows them. */
    const char *explain;
    /* What the due date was worked out from. ck_rules_evaluate fills these;
     * obligations read back from the store carry them only in the recipe
     * (ck_explain_basis_read). */
    ck_date basis;           /* the date counted from (sentence, contact, release, ...) */
    int amount;              /* what was added to (or taken from) basis, in the rule's unit */
    ck_why why;
    bool high_risk;          /* high-risk at basis shortened the timescale */
    int stage;               /* CONTACT: the week of the period the contact fell in, 1 = the first */
    const char *period;      /* CONTACT: "order", "licence" or "post-sentence supervision" (static) */
} ck_obligation;

typedef struct ck_ftc {
    const char *event; /* event id */
    int count;
    ck_date since;
} ck_ftc;

typedef struct ck_result {
    ck_arena arena;
    ck_obligation *obligations;
    size_t n_obligations;
    ck_ftc *ftc;
    size_t n_ftc;
} ck_result;

/* Every obligation of `c` at `as_of`, sorted as the rulebook says (status,
 * severity, due, rule, subject). The result is independent of `c` (strings are
 * copied), owned by the caller, freed with ck_result_free. Never NULL.
 * Everything it points to lives in r->arena; `c` is not changed. Facts dated
 * after as_of are ignored (booked appointments and a known release date
 * excepted), so a past as_of shows what was known then. */
ck_result *ck_rules_evaluate(const ck_case *c, ck_date as_of, const ck_calendar *cal,
                             const ck_rules_config *cfg);
void ck_result_free(ck_result *r);

/* The status of an obligation with this due/met_on seen at `as_of` (open versus
 * overdue depends on the date; stored obligations use this at query time). */
ck_status ck_status_at(ck_date due, ck_date met_on, ck_date as_of);

const char *ck_status_name(ck_status s);     /* "overdue", "open", "met_late", "met" */
const char *ck_severity_name(ck_severity s); /* "critical", "high", "normal" */
bool ck_status_parse(const char *s, size_t n, ck_status *out);
bool ck_severity_parse(const char *s, size_t n, ck_severity *out);

/* How the rulebook ("Terms", NS contact) classes an nDelius outcome code:
 * attended (ATTC AFTC ATSH ATSS AFDA TCLN TDRT TRFS TADM); a failure, which
 * is an unacceptable failure when recorded on an NS contact (AFTC ATSH AFTA
 * UAAB ATFI UBHV); an acceptable absence (AA.., CO05 CO10 RSOF RSSR CO40),
 * which is neither a contact nor a failure. AFTC and ATSH are both attended
 * and failures. NULL or a code outside ck_vocab_outcome is none of them. */
bool ck_outcome_attended(const char *code);
bool ck_outcome_failure(const char *code);
bool ck_outcome_acceptable(const char *code);

/* All rule IDs the engine implements (NULL-terminated; same as ck_vocab_rule). */
extern const char *const *const ck_rule_ids;

#endif
