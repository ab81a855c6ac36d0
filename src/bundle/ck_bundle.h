/* ck_bundle: the case bundle JSON (../shared/case-bundle.md) to and from ck_case.
 *
 * Parsing is strict: unknown keys, wrong types, values outside a vocabulary,
 * missing required keys and broken references are errors, reported as
 * "JSON.path: what was found, and what was expected", e.g.
 *   events[0].sentence.type: "custodial" is not one of community_order, sso, custody, hospital_order
 * Writing is canonical: every key present (null or [] when unknown), keys in
 * the order of the format document, so a canonical bundle round-trips equal.
 * Driven by the field descriptors in core/ck_case.h. */
#ifndef CK_BUNDLE_H
#define CK_BUNDLE_H
#include "ck_buf.h"
#include "ck_case.h"
#include "ck_rules.h"
#include <jansson.h>

enum {
    CK_BUNDLE_REDACT_VICTIMS = 1 << 0, /* write victims' name/address/phone/email/notes as null */
};

/* Limits on untrusted input, each an error naming the path when passed. A
 * string is free text typed by staff (a note, a reason): 10,000 bytes is pages
 * of it. A list holds one record kind of one case: 100,000 contacts would be
 * one a day for 270 years. */
#define CK_BUNDLE_MAX_STRING 10000 /* bytes of UTF-8 in any one string value */
#define CK_BUNDLE_MAX_LIST 100000  /* records in any one list */

/* Parses one bundle (JSON text or an already-parsed value). NULL on error with
 * "path: message" in err (jansson syntax errors become "line L column C: ..."). */
ck_case *ck_bundle_parse(const char *json, size_t len, char *err, size_t err_len);
ck_case *ck_bundle_from_json(const json_t *root, char *err, size_t err_len);

/* Parses one record of `kind` (e.g. &ck_entity_contact for POST .../contacts)
 * into `rec` (kind->size bytes, strings allocated in `arena`). `path` prefixes
 * error paths ("contact"). False on error with "path: message" in err; rec's
 * contents are then unspecified. Cross-record rules (unique ids, references)
 * are the caller's: run ck_case_validate on the case the record joins. */
bool ck_bundle_parse_record(const json_t *obj, const ck_entity *kind, void *rec, ck_arena *arena,
                            const char *path, char *err, size_t err_len);
/* Applies the keys present in `obj` onto an existing record (PATCH semantics:
 * absent keys keep their value, null clears; a nested object or list given is
 * replaced whole). The result must still pass the record's checks (required
 * keys, conditional rules). Same errors as above; on error rec is unchanged. */
bool ck_bundle_patch_record(const json_t *obj, const ck_entity *kind, void *rec, ck_arena *arena,
                            const char *path, char *err, size_t err_len);

/* Canonical JSON of a case / one record. New reference, never NULL. */
json_t *ck_bundle_to_json(const ck_case *c, unsigned flags);
json_t *ck_bundle_record_to_json(const void *rec, const ck_entity *kind, unsigned flags);
/* Compact canonical JSON of a case appended to `out` (one line, no newline,
 * byte-for-byte the same for the same case). False when out's size cap is
 * reached (out is then overflowed and holds a partial line). */
bool ck_bundle_write(const ck_case *c, unsigned flags, ck_buf *out);

/* The output of `casekeeper obligations` (case-bundle.md): crn, as_of,
 * obligations (all when `all`, else open and overdue only), failures_to_comply. */
json_t *ck_result_to_json(const char *crn, ck_date as_of, const ck_result *r, bool all);
json_t *ck_obligation_to_json(const ck_obligation *o);
/* ck_obligation_to_json(o)'s members as json_dump (JSON_COMPACT) writes them,
 * each after a comma (",\"rule\":...,\"explanation\":..."), for an object
 * written straight into a buffer (the API's worklist). Its strings are valid
 * UTF-8, as every stored one is. */
void ck_obligation_write_members(ck_buf *b, const ck_obligation *o);

#endif
