/* ck_org_codec: one line of organisation.jsonl (docs/formats.md) into a
 * core/ck_org_record, for `casekeeper import` and the generator's loader,
 * which write the records through store/ck_org.
 *
 * Parsing is strict like the bundle codec: unknown keys, wrong types, values
 * outside a vocabulary and missing required keys are errors naming the key
 * ("staff.contracted_hours: expected a number of hours, got \"lots\""). */
#ifndef CK_ORG_CODEC_H
#define CK_ORG_CODEC_H
#include "ck_mem.h"
#include "ck_org_record.h"
#include "ck_rc.h"

/* Parses one JSON line into *out (strings in arena). CK_OK, or CK_ERR_INVALID
 * with "kind.key: message" in err. */
ck_rc ck_org_parse(const char *json, size_t len, ck_arena *arena, ck_org_record *out, char *err, size_t err_len);

#endif
