/* ck_inspection: continuous inspection of a PDU or a region from the stored
 * obligations (core/ck_inspect does the counting and rating), the
 * organisational standards a head of PDU enters, monthly snapshots, the
 * drill-down to failing cases, and the quality-assurance case audit.
 *
 * Which PDU an obligation counts for is the PDU of the case's holder when it
 * was last evaluated (obligations.pdu_code). Figures for a past month are
 * computed from today's stored obligations (due and met dates do not change
 * with the date they are read at), so a month can be recomputed; a stored
 * snapshot keeps the figures as they were seen at the time.
 *
 * Results are plain structs; http/ck_manage_json renders them as the JSON
 * documented in docs/api.md (the manage section) and as CSV. Each result
 * owns its strings in its own arena and is freed with its _free function
 * (NULL-safe). Errors: a ck_rc with "field: why" in err. */
#ifndef CK_INSPECTION_H
#define CK_INSPECTION_H
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"
#include "ck_inspect.h"
#include "ck_rules.h"

typedef struct ck_org_entry {
    bool set;
    ck_rating rating;
    const char *evidence, *entered_by;
    ck_date entered_on;
} ck_org_entry;

typedef struct ck_inspection {
    ck_arena arena;
    const char *region, *pdu, *name; /* pdu NULL for a region */
    ck_inspect_period period;
    size_t cases;                    /* cases with at least one counted obligation */
    ck_org_entry org[CK_ORG_STANDARDS];
    ck_inspect_score score;
} ck_inspection;

/* The figures of a PDU (pdu set) or a region (pdu NULL, region set) for the
 * period. A region has no organisational entries of its own: its four
 * organisational standards are unrated. CK_ERR_NOTFOUND for an unknown code. */
ck_rc ck_inspection_compute(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *region,
                            const char *pdu, const ck_inspect_period *p, ck_inspection **out, char *err,
                            size_t err_len);
void ck_inspection_free(ck_inspection *x);

/* The PDU codes of a region (or of every region when NULL), in code order. */
ck_rc ck_inspection_pdus(ck_db *db, const char *region, ck_arena *a, const char ***codes, size_t *n, char *err,
                         size_t err_len);

/* Drill-down: the obligations behind the failures of key question `measure`
 * ("A1".."V1") in the period, by CRN, rule and subject; status is decided at
 * the period's as_of. */
typedef struct ck_inspection_failure {
    const char *crn, *rule, *subject, *explanation; /* subject and explanation may be NULL */
    const char *forename, *surname, *staff_code;    /* the case's person and practitioner; may be NULL */
    ck_date due, met_on;                            /* met_on CK_NODATE when unmet */
    ck_status status;
} ck_inspection_failure;
typedef struct ck_failure_list {
    ck_arena arena;
    ck_inspection_failure *items;
    size_t n;
} ck_failure_list;
ck_rc ck_inspection_failures(ck_db *db, const char *region, const char *pdu, const ck_inspect_period *p,
                             const char *measure, ck_failure_list **out, char *err, size_t err_len);
void ck_failure_list_free(ck_failure_list *l);

/* Records a head of PDU's rating of an organisational standard with its
 * evidence (kept; the latest on or before a date counts). This and the QA
 * writes below join the caller's write transaction when one is open
 * (ck_txn_join_write): store/ck_access checks, writes and audits them in one;
 * the server goes through it. */
ck_rc ck_inspection_org_put(ck_db *db, const char *pdu, ck_standard s, ck_rating r, const char *evidence,
                            const char *by, ck_date on, char *err, size_t err_len);

/* Months. The row of a month stands for the twelve months to its last day
 * (or, for the month holding the day before as_of, to that day), seen the
 * day after: the same rolling period an inspection reads, so the current
 * month's row IS the headline of the default period
 * (ck_inspect_default_period) and both come from the same code.
 *
 * ck_inspection_snapshot computes the PDU's row of the month holding `month`
 * at as_of and stores it as that month's snapshot: the text encode returns
 * for it (malloc'd; the store frees it), which is what ck_inspection_history
 * gives back for the month. The store keeps the text as it is and never
 * reads into it: the layer that serves it (http/ck_manage_json, the API's
 * report JSON) encodes and decodes it. encode returns NULL only when out of
 * memory. CK_ERR_INVALID when the month has no day before as_of. */
ck_rc ck_inspection_snapshot(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                             ck_date month, ck_date as_of, char *(*encode)(const ck_inspection *x), char *err,
                             size_t err_len);
#define CK_INSPECTION_HISTORY_MONTHS 12 /* the rows the inspection page shows and the nightly job keeps */
/* What the nightly job (the server's daily recompute, `casekeeper
 * recompute`) runs after the obligations: for every PDU, each of the last
 * `months` rows without a fresh snapshot (one taken at its period's as_of
 * or later: the current month's every day, a past month's once after it
 * ended) is computed, and stored. The figures come from each case's row of
 * the inspection cache (ck_inspection_cache: the case's obligations as the
 * stream gives them, rebuilt first for the cases that changed), added up by
 * the same code as ck_inspection_compute, so they are the same. *written
 * gets how many. Pages then read the snapshots instead of every obligation
 * of the PDU. */
ck_rc ck_inspection_snapshots_refresh(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands,
                                      int months, ck_date as_of, char *(*encode)(const ck_inspection *x),
                                      size_t *written, char *err, size_t err_len);
/* Each PDU of a region with its score now: the points of its current
 * month's fresh snapshot (known false when the nightly job has not yet
 * written it today), for the region dashboard, which reads no obligation. */
typedef struct ck_inspection_score_row {
    const char *pdu;
    bool known;
    int points;
} ck_inspection_score_row;
ck_rc ck_inspection_scores(ck_db *db, const char *region, ck_date as_of, ck_arena *a, ck_inspection_score_row **rows,
                           size_t *n, char *err, size_t err_len);
/* The last `months` rows up to the day before as_of, oldest first: each the
 * fresh stored snapshot when there is one, else computed now. */
typedef struct ck_inspection_month {
    char month[16];            /* "YYYY-MM" */
    const char *snapshot;      /* the stored snapshot's text (see ck_inspection_snapshot), or NULL */
    ck_inspection *computed;   /* when there is no snapshot: the month computed now, owned by the history */
} ck_inspection_month;
typedef struct ck_inspection_months {
    ck_arena arena;
    ck_inspection_month *months;
    size_t n;
} ck_inspection_months;
ck_rc ck_inspection_history(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                            int months, ck_date as_of, ck_inspection_months **out, char *err, size_t err_len);
void ck_inspection_months_free(ck_inspection_months *h);

/* ---- Quality-assurance case audit ------------------------------------------ */

/* Draws up to per_team cases from each team of the PDU (cases.team_code),
 * with a seeded shuffle of each team's CRNs in CRN order (core/ck_sample), so
 * the same seed on the same cases draws the same sample. */
ck_rc ck_qa_draw(ck_db *db, const char *pdu, int per_team, uint64_t seed, ck_date from, ck_date to, const char *by,
                 ck_date on, int64_t *sample_id, char *err, size_t err_len);
/* Records an auditor's answer for a case of the sample to the key question of
 * a case standard (ck_standard_key: "assessment" ... "victims"). */
ck_rc ck_qa_answer(ck_db *db, int64_t sample_id, const char *crn, ck_standard question, bool sufficient,
                   const char *note, const char *by, ck_date on, char *err, size_t err_len);
/* The sample with, for each case and case standard, the auditor's answer and
 * the computed judgement (sufficient when every counted obligation of the
 * standard's key questions was met as they require; none when none counted),
 * and how many answers disagree with it. */
typedef enum ck_qa_judgement { CK_QA_NONE = -1, CK_QA_NOT_SUFFICIENT = 0, CK_QA_SUFFICIENT = 1 } ck_qa_judgement;
typedef struct ck_qa_answer_row {
    const char *question;     /* as stored: a case standard's key */
    bool auditor;             /* the auditor found it sufficient */
    ck_qa_judgement computed; /* CK_QA_NONE when nothing counted or question is no case standard */
    const char *note;         /* may be NULL */
} ck_qa_answer_row;
typedef struct ck_qa_case {
    const char *crn, *team;   /* team may be NULL */
    bool counted;             /* the case had obligations in the period: computed[] is set */
    ck_qa_judgement computed[CK_STANDARDS]; /* by case standard (CK_STD_ASSESSMENT and after) */
    ck_qa_answer_row *answers; /* by question */
    size_t n_answers;
} ck_qa_case;
typedef struct ck_qa_sample_report {
    ck_arena arena;
    int64_t sample_id, seed, per_team;
    const char *pdu;
    ck_date from, to;
    ck_qa_case *cases;        /* in the order drawn */
    size_t n_cases;
    size_t disagreements;     /* answers whose judgement differs from a computed one */
} ck_qa_sample_report;
ck_rc ck_qa_report(ck_db *db, int64_t sample_id, ck_date as_of, ck_qa_sample_report **out, char *err, size_t err_len);
void ck_qa_report_free(ck_qa_sample_report *r);
/* The samples drawn in a PDU (every PDU when NULL), newest first, with how
 * many cases and answers each has. */
typedef struct ck_qa_sample {
    int64_t sample_id, seed, per_team, cases, answers;
    const char *pdu, *drawn_by;
    ck_date from, to, drawn_on;
} ck_qa_sample;
typedef struct ck_qa_sample_list {
    ck_arena arena;
    ck_qa_sample *items;
    size_t n;
} ck_qa_sample_list;
ck_rc ck_qa_samples(ck_db *db, const char *pdu, ck_qa_sample_list **out, char *err, size_t err_len);
void ck_qa_sample_list_free(ck_qa_sample_list *l);

#endif

