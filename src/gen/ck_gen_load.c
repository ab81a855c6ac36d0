#include "ck_gen_load.h"
#include "ck_org.h"
#include "ck_org_codec.h"
#include "ck_par.h"
#include "ck_txn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* ---- The organisation --------------------------------------------------------------- */

/* Written as organisation.jsonl and read back line by line, so it is stored
 * exactly as an import of the generated file would store it. */
static ck_rc load_org(ck_db *db, const ck_gen_org *o, char *err, size_t err_len)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return ck_txn_fail(CK_ERR_DB, err, err_len, "organisation: cannot open a memory stream");
    bool written = ck_gen_org_write(o, f);
    if (fclose(f) != 0 || !written) {
        free(text);
        return ck_txn_fail(CK_ERR_DB, err, err_len, "organisation: writing it to memory failed");
    }
    ck_rc rc = ck_txn_begin_write(db, err, err_len);
    ck_org_import *imp = rc == CK_OK ? ck_org_import_new(db) : NULL;
    size_t no = 0;
    for (char *line = text, *end; rc == CK_OK && line < text + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(text + len - line));
        if (!end) end = text + len;
        no++;
        ck_arena a;
        ck_arena_init(&a);
        ck_org_record rec;
        char why[512];
        rc = ck_org_parse(line, (size_t)(end - line), &a, &rec, why, sizeof why);
        if (rc == CK_OK) rc = ck_org_import_put(imp, &rec, why, sizeof why);
        if (rc != CK_OK) ck_txn_fail(rc, err, err_len, "organisation line %zu: %s", no, why);
        ck_arena_free(&a);
    }
    ck_org_import_free(imp);
    free(text);
    return imp ? ck_txn_finish(db, rc, err, err_len) : rc;
}

/* ---- Cases: made and evaluated by workers a block at a time, written in order --------- */

/* Cases a block: enough that the multi-case statements carry hundreds of
 * rows, few enough that two blocks stay tens of MiB (as the import's). */
#define BLOCK 512

typedef struct block {
    const ck_gen *g;
    const ck_engine *eng;
    ck_date as_of;
    size_t first, n;
    ck_case *cases[BLOCK];
    ck_prepared prep[BLOCK];
    ck_par *par; /* making and evaluating, until ck_par_wait */
} block;

/* Worker thread: case first + i made and evaluated. */
static void make_case(void *ctx, size_t i)
{
    block *b = ctx;
    b->cases[i] = ck_gen_case(b->g, b->first + i);
    ck_cases_prepare(b->eng, b->cases[i], b->as_of, &b->prep[i]);
}

/* Waits for block b's workers and writes its cases (unless an earlier block
 * failed: rc is not CK_OK); b is empty again after. */
static ck_rc write_block(ck_db *db, block *b, ck_rc rc, char *err, size_t err_len)
{
    ck_par_wait(b->par);
    b->par = NULL;
    if (rc == CK_OK) rc = ck_cases_insert_prepared(db, b->prep, b->n, b->as_of, err, err_len);
    for (size_t i = 0; i < b->n; i++) {
        /* A generated case the store refuses is the generator's bug. */
        if (rc == CK_OK && b->prep[i].rc != CK_OK)
            rc = ck_txn_fail(b->prep[i].rc, err, err_len, "case %zu (%s): %s", b->first + i, b->cases[i]->crn,
                             b->prep[i].err);
        ck_prepared_clear(&b->prep[i]);
        ck_case_free(b->cases[i]);
    }
    b->n = 0;
    return rc;
}

static ck_rc load_cases(ck_db *db, const ck_gen *g, const ck_engine *eng, ck_date as_of,
                        ck_gen_load_progress *progress, void *ctx, char *err, size_t err_len)
{
    size_t n = ck_gen_case_count(g), n_blocks = (n + BLOCK - 1) / BLOCK, committed = 0;
    block *blocks = ck_calloc(2, sizeof *blocks);
    for (int k = 0; k < 2; k++) blocks[k] = (block){.g = g, .eng = eng, .as_of = as_of};
    ck_rc rc = CK_OK;
    bool in_tx = false;
    /* Block k is made while block k - 1 is written. */
    for (size_t k = 0; k <= n_blocks; k++) {
        block *b = &blocks[k % 2], *prev = &blocks[(k + 1) % 2];
        if (k < n_blocks && rc == CK_OK) {
            b->first = k * BLOCK;
            b->n = n - b->first < BLOCK ? n - b->first : BLOCK;
            b->par = ck_par_start(b->n, ck_par_threads(), make_case, b);
        }
        if (!prev->n) continue;
        if (rc == CK_OK && !in_tx) in_tx = (rc = ck_txn_begin_write(db, err, err_len)) == CK_OK;
        size_t upto = prev->first + prev->n;
        rc = write_block(db, prev, rc, err, err_len);
        /* A transaction ends where an import's file would. */
        if (in_tx && (rc != CK_OK || upto / CK_GEN_CASES_PER_FILE != committed / CK_GEN_CASES_PER_FILE || upto == n)) {
            in_tx = false;
            rc = ck_txn_finish(db, rc, err, err_len);
            committed = upto;
        }
        if (rc == CK_OK && progress) progress(ctx, upto, n);
    }
    ck_free(blocks);
    return rc;
}

ck_rc ck_gen_load(ck_db *db, const ck_gen *g, const ck_engine *eng, ck_gen_load_progress *progress, void *ctx,
                  char *err, size_t err_len)
{
    const ck_gen_org *o = ck_gen_organisation(g);
    ck_rc rc = load_org(db, o, err, err_len);
    ck_bulk bulk;
    if (rc == CK_OK) rc = ck_cases_bulk_begin(db, &bulk, err, err_len);
    if (rc != CK_OK) return rc;
    rc = load_cases(db, g, eng, o->as_of, progress, ctx, err, err_len);
    /* Whatever the load's outcome, the deferred indexes are built. */
    char why[512];
    ck_rc end = ck_cases_bulk_end(db, &bulk, why, sizeof why);
    if (rc == CK_OK && end != CK_OK) rc = ck_txn_fail(end, err, err_len, "%s", why);
    if (rc == CK_OK) rc = ck_cases_note_import(db, o->as_of, err, err_len);
    return rc;
}
