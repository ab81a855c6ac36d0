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
 * JSON shapes are documented in docs/api.md (the manage section). Errors: a
 * ck_rc with "field: why" in err. */
#ifndef CK_INSPECTION_H
#define CK_INSPECTION_H
#include "ck_cases.h"
#include "ck_inspect.h"
#include "ck_buf.h"
#include <jansson.h>

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
json_t *ck_inspection_to_json(const ck_inspection *x);

/* The PDU codes of a region (or of every region when NULL), in code order. */
ck_rc ck_inspection_pdus(ck_db *db, const char *region, ck_arena *a, const char ***codes, size_t *n, char *err,
                         size_t err_len);

/* Drill-down: the obligations behind the failures of key question `measure`
 * ("A1".."V1") in the period, one JSON object each {crn, rule, subject, due,
 * met_on, status, explanation}, by CRN. */
ck_rc ck_inspection_failures(ck_db *db, const char *region, const char *pdu, const ck_inspect_period *p,
                             const char *measure, json_t **out, char *err, size_t err_len);

/* Records a head of PDU's rating of an organisational standard with its
 * evidence (kept; the latest on or before a date counts). This and the QA
 * writes below join the caller's write transaction when one is open
 * (ck_txn_join_write): store/ck_access checks, writes and audits them in one;
 * the server goes through it. */
ck_rc ck_inspection_org_put(ck_db *db, const char *pdu, ck_standard s, ck_rating r, const char *evidence,
                            const char *by, ck_date on, char *err, size_t err_len);

/* Computes the PDU's figures for the calendar month holding `month` (the
 * whole month, seen the day after it ends, or up to as_of for the current
 * one) and stores them as that month's snapshot. */
ck_rc ck_inspection_snapshot(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                             ck_date month, ck_date as_of, char *err, size_t err_len);
/* The last `months` calendar months up to as_of, oldest first: each the
 * stored snapshot when there is one, else computed now. A JSON array of
 * {month, source: "snapshot"|"computed", points, band, standards: {key: rating|null}}. */
ck_rc ck_inspection_history(ck_db *db, const ck_rules_config *cfg, const ck_inspect_bands *bands, const char *pdu,
                            int months, ck_date as_of, json_t **out, char *err, size_t err_len);

/* The figures as rows (standard, key question, met, counted, percent,
 * rating, points), CSV with a header, or aligned for a terminal (table). */
void ck_inspection_render(const ck_inspection *x, bool table, ck_buf *out);

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
 * standard's key questions was met as they require; null when none counted),
 * and whether they agree: {sample_id, pdu, seed, from, to, cases: [{crn, team,
 * answers: [{question, auditor, computed, agree, note}]}], disagreements: N}. */
ck_rc ck_qa_report(ck_db *db, int64_t sample_id, ck_date as_of, json_t **out, char *err, size_t err_len);
/* The disagreement report of a ck_qa_report: every answer whose auditor's
 * judgement differs from the computed one, as a new JSON array of {crn,
 * team, question, auditor, computed, note}, in the report's order. */
json_t *ck_qa_disagreements(const json_t *report);
/* The samples drawn in a PDU (every PDU when NULL), newest first: a JSON
 * array of {sample_id, pdu, seed, per_team, from, to, drawn_by, drawn_on,
 * cases, answers}. */
ck_rc ck_qa_samples(ck_db *db, const char *pdu, json_t **out, char *err, size_t err_len);

#endif

