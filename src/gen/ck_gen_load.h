/* ck_gen_load: a generator's organisation and cases straight into a
 * database, in process: what `casekeeper generate` then `casekeeper import`
 * would store, without the files in between (the demo, tests).
 *
 * The organisation goes through the importer's own parser and writer
 * (ck_org_parse, ck_org_import_put), the cases through the bulk import's
 * (ck_cases_prepare on worker threads, which make and evaluate one block of
 * cases while this thread writes the one before with
 * ck_cases_insert_prepared, inside ck_cases_bulk_begin/end), so what is
 * stored is exactly what an import of the generated files stores,
 * obligations included. CK_GEN_CASES_PER_FILE cases go to a transaction, as
 * an import commits a file. */
#ifndef CK_GEN_LOAD_H
#define CK_GEN_LOAD_H
#include "ck_cases.h"
#include "ck_gen.h"

/* Called after every block of cases written with the number written so far
 * and the total. */
typedef void ck_gen_load_progress(void *ctx, size_t done, size_t total);

/* Loads g into db (migrated, with no organisation or cases of g yet; outside
 * a transaction), evaluating obligations with eng at the date g describes,
 * and records that date as the last recompute's (ck_cases_note_import).
 * CK_OK, or the first failure with "what: why" in err; what was committed
 * before a failure stays, and the indexes are complete either way. progress
 * may be NULL. */
ck_rc ck_gen_load(ck_db *db, const ck_gen *g, const ck_engine *eng, ck_gen_load_progress *progress, void *ctx,
                  char *err, size_t err_len);

#endif
