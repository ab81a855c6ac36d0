/* ck_manage_json: the JSON (and CSV) of the management results of
 * store/ck_inspection (with its quality-assurance audit) and
 * store/ck_workforce (workload, capacity, the allocation board), written once for
 * the API (http/ck_api_manage, which serves it as documented in docs/api.md)
 * and the web pages (web/ck_web_manage, whose templates read the same
 * shapes) and the CLI. Each function returns a new reference the caller
 * owns; the struct it reads stays the caller's. */
#ifndef CK_MANAGE_JSON_H
#define CK_MANAGE_JSON_H
#include "ck_access.h"
#include "ck_buf.h"
#include "ck_inspection.h"
#include "ck_workforce.h"
#include <jansson.h>

/* {pdu|region, name, region, from, to, as_of, cases, standards: [{key, title,
 * kind, rating, points, lowest_key_question, key_questions: [{key, title,
 * met, counted, unit, percent}] | evidence, entered_by, entered_on}],
 * points, max_points, band, unrated}. */
json_t *ck_inspection_to_json(const ck_inspection *x);
/* The text a monthly snapshot stores (store/ck_inspection_snapshot's
 * encode): ck_inspection_to_json, compact with sorted keys; malloc'd. */
char *ck_inspection_snapshot_text(const ck_inspection *x);
/* A snapshot's text back into figures (x->arena owns the strings; free
 * with ck_inspection_free): NULL when it is not a report. What a page shows
 * from a snapshot is then what it shows when it computes the period. */
ck_inspection *ck_inspection_from_snapshot(const char *text);
/* The figures as rows (standard, key question, met, counted, percent,
 * rating, points), CSV with a header, or aligned for a terminal (table). */
void ck_inspection_render(const ck_inspection *x, bool table, ck_buf *out);

/* [{crn, rule, subject, due, met_on, status, explanation}] */
json_t *ck_inspection_failures_json(const ck_failure_list *l);
/* [{month, source: "snapshot"|"computed", points, band, standards: {key:
 * rating|null}}], oldest first; a snapshot whose stored text is not a report
 * is left out. */
json_t *ck_inspection_history_json(const ck_inspection_months *h);

/* {sample_id, pdu, seed, per_team, from, to, cases: [{crn, team, answers:
 * [{question, auditor, computed, agree, note}], computed: {key:
 * true|false|null}}], disagreements: N}. */
json_t *ck_qa_report_to_json(const ck_qa_sample_report *r);
/* The disagreement report of a ck_qa_report_to_json: every answer whose
 * auditor's judgement differs from the computed one, as a new JSON array of
 * {crn, team, question, auditor, computed, note}, in the report's order. */
json_t *ck_qa_disagreements(const json_t *report);
/* [{sample_id, pdu, seed, per_team, from, to, drawn_by, drawn_on, cases,
 * answers}] */
json_t *ck_qa_samples_json(const ck_qa_sample_list *l);

/* ---- Workforce (store/ck_workforce) ---------------------------------------------- */

/* The workforce report: teams (with the total row), agency share, sickness
 * (long-term absence), the caseload distribution (practitioners in post by
 * capacity band: under 50%, 50-80%, 80-100%, 100-120%, over 120%, unknown)
 * and each practitioner with their workload breakdown. */
json_t *ck_workforce_to_json(const ck_workforce *w);
/* One practitioner of it: grade, status, hours, points, capacity (null with
 * capacity_note when unknown), over_capacity, cases by WMT type, and each
 * case (crn, tier, tier_missing: the keys a provisional tier lacks, type, points) and court report in preparation. */
json_t *ck_wf_staff_to_json(const ck_wf_staff *p, ck_date as_of);
/* The board: {pdu, team, as_of, items: [{crn, kind: "lost"|"unallocated",
 * staff_code, team, due, status, explanation, tier, tier_missing, rosh, mappa, candidates:
 * [the first max_candidates: {staff_code, forename, surname, grade, team,
 * locality, capacity_percent, capacity_after_percent, over_capacity_after}],
 * ranked, excluded: [{staff_code, why}]}], gone: [{staff_code, forename,
 * surname, grade, team, status, cases}]}. */
json_t *ck_alloc_board_to_json(const ck_alloc_board *b, size_t max_candidates);
/* One CSV row per team and the total (header first); `table` aligns the
 * same columns for a terminal instead. */
void ck_workforce_render(const ck_workforce *w, bool table, ck_buf *out);

/* The board as ck_alloc_board_to_json shows it, without the cases p may not
 * read (store/ck_access_drop_unseen). When that check fails, *rc is its
 * ck_rc (message in err) and the board is shown with no cases rather than
 * unfiltered; else *rc is CK_OK. */
json_t *ck_alloc_board_json_for(ck_db *db, const ck_principal *p, const ck_alloc_board *b, size_t max_candidates,
                                ck_rc *rc, char *err, size_t err_len);

#endif
