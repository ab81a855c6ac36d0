/* ck_score_json: the tier and OGRS3 of a case as JSON (issue 20), the one
 * rendering that `casekeeper obligations`, the API and the exports share.
 *
 *   tier:  {"tier": "A1", "protect": "A", "change": 1, "suffix": "",
 *           "provisional": false, "missing": ["rsr", ...],
 *           "points": {"rsr", "rosh", "mappa", "complexity", "women", "protect",
 *                      "needs", "ogrs", "iom", "change"},
 *           "rosh": {"level", "date", "from": "registration"|"assessment", "id"} or null}
 *   ogrs3: {"one_year": 9, "two_year": 17, "band": "low"}, or null when it
 *          cannot be computed, with the reasons beside it in "ogrs3_missing":
 *          [{"input": "date_of_birth", "why": "..."}]. */
#ifndef CK_SCORE_JSON_H
#define CK_SCORE_JSON_H
#include "ck_ogrs3.h"
#include "ck_tier.h"
#include <jansson.h>

json_t *ck_tier_to_json(const ck_tier *t);
/* NULL-free: json_null() when OGRS3 is not OK. */
json_t *ck_ogrs3_to_json(const ck_ogrs3 *o);
/* The reasons OGRS3 could not be computed ([] when it could). */
json_t *ck_missing_to_json(const ck_missing_list *m);
/* Sets "tier", "ogrs3" and "ogrs3_missing" (only when OGRS3 is null) on obj. */
void ck_scores_set_json(json_t *obj, const ck_tier *t);

#endif
