#include "ck_gen_load.h"
#include "ck_org.h"
#include "ck_txn.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 64        /* cases a worker makes at a time */
#define WINDOW 16       /* blocks made ahead of the writer: bounds memory */
#define MAX_WORKERS 8

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
    ck_rc rc = ck_txn_begin(db, err, err_len);
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

/* ---- Cases, made by workers in blocks, written in order ------------------------------------- */

typedef struct pipeline {
    const ck_gen *g;
    size_t n, n_blocks;
    pthread_mutex_t mu;
    pthread_cond_t ready, space;
    size_t claimed;  /* blocks handed to workers */
    size_t consumed; /* blocks the writer is done with */
    bool stop;
    bool made[WINDOW];
    ck_case *cases[WINDOW][BLOCK];
} pipeline;

static void *worker(void *arg)
{
    pipeline *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->claimed < p->n_blocks && p->claimed >= p->consumed + WINDOW)
            pthread_cond_wait(&p->space, &p->mu);
        if (p->stop || p->claimed == p->n_blocks) break;
        size_t b = p->claimed++;
        pthread_mutex_unlock(&p->mu);
        ck_case **slot = p->cases[b % WINDOW];
        for (size_t k = 0, i = b * BLOCK; k < BLOCK && i < p->n; k++, i++) slot[k] = ck_gen_case(p->g, i);
        pthread_mutex_lock(&p->mu);
        p->made[b % WINDOW] = true;
        pthread_cond_broadcast(&p->ready);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static size_t worker_count(void)
{
    /* The writer keeps one core busy; the rest make cases. */
    long n = sysconf(_SC_NPROCESSORS_ONLN) - 1;
    return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (size_t)n;
}

/* Writes block b's cases (waiting for them) and frees them. */
static ck_rc write_block(pipeline *p, size_t b, ck_db *db, const ck_engine *eng, ck_date as_of, char *err,
                         size_t err_len)
{
    pthread_mutex_lock(&p->mu);
    while (!p->made[b % WINDOW]) pthread_cond_wait(&p->ready, &p->mu);
    pthread_mutex_unlock(&p->mu);
    ck_case **slot = p->cases[b % WINDOW];
    ck_rc rc = CK_OK;
    for (size_t k = 0, i = b * BLOCK; k < BLOCK && i < p->n; k++, i++) {
        char why[1024];
        if (rc == CK_OK) {
            rc = ck_cases_insert(db, eng, slot[k], as_of, why, sizeof why);
            if (rc != CK_OK) ck_txn_fail(rc, err, err_len, "case %zu (%s): %s", i, slot[k]->crn, why);
        }
        ck_case_free(slot[k]);
        slot[k] = NULL;
    }
    pthread_mutex_lock(&p->mu);
    p->made[b % WINDOW] = false;
    p->consumed++;
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static ck_rc load_cases(ck_db *db, const ck_gen *g, const ck_engine *eng, ck_date as_of,
                        ck_gen_load_progress *progress, void *ctx, char *err, size_t err_len)
{
    pipeline *p = ck_calloc(1, sizeof *p);
    p->g = g;
    p->n = ck_gen_case_count(g);
    p->n_blocks = (p->n + BLOCK - 1) / BLOCK;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->ready, NULL);
    pthread_cond_init(&p->space, NULL);
    pthread_t threads[MAX_WORKERS];
    size_t nw = worker_count(), started = 0;
    while (started < nw && pthread_create(&threads[started], NULL, worker, p) == 0) started++;

    ck_rc rc = started ? CK_OK : ck_txn_fail(CK_ERR_DB, err, err_len, "cases: no worker thread could start");
    bool in_tx = false;
    size_t committed = 0;
    for (size_t b = 0; rc == CK_OK && b < p->n_blocks; b++) {
        if (!in_tx && (rc = ck_txn_begin(db, err, err_len)) != CK_OK) break;
        in_tx = true;
        rc = write_block(p, b, db, eng, as_of, err, err_len);
        size_t upto = (b + 1) * BLOCK < p->n ? (b + 1) * BLOCK : p->n;
        /* A transaction ends where an import's file would. */
        if (rc != CK_OK || upto / CK_GEN_CASES_PER_FILE != committed / CK_GEN_CASES_PER_FILE || upto == p->n) {
            in_tx = false;
            rc = ck_txn_finish(db, rc, err, err_len);
            committed = upto;
        }
        if (rc == CK_OK && progress) progress(ctx, upto, p->n);
    }

    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->mu);
    for (size_t t = 0; t < started; t++) pthread_join(threads[t], NULL);
    for (size_t w = 0; w < WINDOW; w++)
        for (size_t k = 0; k < BLOCK; k++) ck_case_free(p->cases[w][k]);
    pthread_cond_destroy(&p->space);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
    ck_free(p);
    return rc;
}

ck_rc ck_gen_load(ck_db *db, const ck_gen *g, const ck_engine *eng, ck_gen_load_progress *progress, void *ctx,
                  char *err, size_t err_len)
{
    const ck_gen_org *o = ck_gen_organisation(g);
    ck_rc rc = load_org(db, o, err, err_len);
    if (rc == CK_OK) rc = load_cases(db, g, eng, o->as_of, progress, ctx, err, err_len);
    if (rc == CK_OK) rc = ck_cases_note_import(db, o->as_of, err, err_len);
    return rc;
}
