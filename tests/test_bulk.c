/* The bulk paths on SQLite and PostgreSQL: cases prepared on threads and
 * written with multi-case statements, the recompute that writes only changed
 * rows, secondary indexes deferred during an initial import, the import
 * command over several blocks, and ck_par. */
#include "ck_test.h"
#include <sched.h>
#include "ck_test_cli.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_test_store.h"
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_cli.h"
#include "ck_par.h"
#include "ck_store.h"
#include <stdatomic.h>
#include <time.h>

#define EXAMPLE "tests/data/bundle_example.json"

/* The example bundle with another CRN. */
static ck_case *example(const char *crn)
{
    char err[1024];
    json_t *j = json_load_file(EXAMPLE, 0, NULL);
    assert_non_null(j);
    json_object_set_new(j, "crn", json_string(crn));
    ck_case *c = ck_bundle_from_json(j, err, sizeof err);
    json_decref(j);
    if (!c) fail_msg("%s", err);
    return c;
}

/* The example case under each of the n CRNs, created at `first`. */
static void create_examples(ck_db *db, const ck_engine *eng, const char *const *crns, size_t n, ck_date first)
{
    char err[1024];
    for (size_t i = 0; i < n; i++) {
        ck_case *c = example(crns[i]);
        if (ck_cases_create(db, eng, c, first, err, sizeof err) != CK_OK) fail_msg("%s: %s", crns[i], err);
        ck_case_free(c);
    }
}

static int64_t count_of(ck_db *db, const char *sql, const char *bind)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("%s", ck_db_errmsg(db));
    if (bind) ck_stmt_bind_text(st, 1, bind);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n;
}

static void test_insert_prepared(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    ck_date as_of = ck_test_date("2025-06-01");
    char err[1024];
    ck_case *stored = example("B000009");
    assert_int_equal(ck_cases_create(db, &eng, stored, as_of, err, sizeof err), CK_OK);

    /* 300 cases, so statements of every size carry rows of many cases; among
     * them a CRN stored already, one given twice, and one invalid. */
    enum { N = 300 };
    ck_case *c[N];
    ck_prepared *p = calloc(N, sizeof *p);
    for (int i = 0; i < N; i++) {
        char crn[16];
        snprintf(crn, sizeof crn, "B%06d", i == 7 ? 9 : i == 20 ? 10 : i + 10);
        c[i] = example(crn);
        if (i == 42) c[i]->events[0].id = NULL;
        ck_cases_prepare(&eng, c[i], as_of, &p[i]);
    }
    assert_int_equal(p[42].rc, CK_ERR_INVALID);
    assert_non_null(strstr(p[42].err, "events[0].id"));
    assert_null(p[42].r);
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    assert_int_equal(ck_cases_insert_prepared(db, p, N, as_of, err, sizeof err), CK_OK);
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    for (int i = 0; i < N; i++) {
        ck_rc want = i == 7 || i == 20 ? CK_ERR_EXISTS : i == 42 ? CK_ERR_INVALID : CK_OK;
        assert_int_equal(p[i].rc, want);
    }
    assert_string_equal(p[7].err, "crn: a case with CRN B000009 already exists");
    assert_string_equal(p[20].err, "crn: a case with CRN B000010 already exists");
    size_t n = 0;
    assert_int_equal(ck_cases_count(db, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, N - 3 + 1);
    /* Each case's rows are its own, whatever statement carried them. */
    for (int i = 0; i < N; i += 37) {
        if (p[i].rc != CK_OK) continue;
        ck_case *back = NULL;
        assert_int_equal(ck_cases_get(db, c[i]->crn, &back, err, sizeof err), CK_OK);
        json_t *g = ck_bundle_to_json(back, 0), *w = ck_bundle_to_json(c[i], 0);
        ck_assert_json_equal(g, w);
        json_decref(g), json_decref(w);
        ck_case_free(back);
        assert_true(ck_test_expect_fresh(db, c[i]->crn, as_of) > 0);
    }
    for (int i = 0; i < N; i++) {
        ck_prepared_clear(&p[i]);
        ck_case_free(c[i]);
    }
    free(p);
    ck_case_free(stored);
}

/* A recompute mends whatever differs from a fresh evaluation, and only that:
 * a changed row, a missing one, one the engine no longer makes, a holder. */
static void test_recompute_mends(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    ck_date first = ck_test_date("2025-06-01"), later = ck_test_date("2026-03-02");
    char err[1024];
    static const char *const crns[] = {"M000001", "M000002", "M000003", "M000004"};
    create_examples(db, &eng, crns, 4, first);
    assert_int_equal(ck_db_exec(db, "UPDATE \"obligations\" SET \"explanation\" = 'stale', \"due\" = '2001-01-01' "
                                    "WHERE \"rule\" = 'INDUCTION'"), CK_DB_OK);
    assert_int_equal(ck_db_exec(db, "DELETE FROM \"obligations\" WHERE \"rule\" = 'ALLOCATE' AND \"case_id\" = "
                                    "(SELECT \"case_id\" FROM \"cases\" WHERE \"crn\" = 'M000002')"), CK_DB_OK);
    assert_int_equal(ck_db_exec(db, "INSERT INTO \"obligations\" (\"case_id\", \"rule\", \"subject\", \"due\", "
                                    "\"status\", \"severity\", \"explanation\") SELECT \"case_id\", 'GONE', 'case', "
                                    "'2025-01-01', 'unmet', 0, 'made up' FROM \"cases\" WHERE \"crn\" = 'M000003'"),
                     CK_DB_OK);
    assert_int_equal(ck_db_exec(db, "UPDATE \"cases\" SET \"staff_code\" = 'NOBODY' WHERE \"crn\" = 'M000004'"),
                     CK_DB_OK);
    assert_int_equal(ck_db_exec(db, "UPDATE \"failures_to_comply\" SET \"count\" = 99"), CK_DB_OK);
    assert_int_equal(ck_cases_recompute_all(db, &eng, later, 3, NULL, NULL, err, sizeof err), CK_OK);
    for (int i = 0; i < 4; i++) assert_true(ck_test_expect_fresh(db, crns[i], later) > 0);
    assert_int_equal(count_of(db, "SELECT COUNT(*) FROM \"obligations\" WHERE \"rule\" = 'GONE'", NULL), 0);
    assert_int_equal(count_of(db, "SELECT COUNT(*) FROM \"failures_to_comply\" WHERE \"count\" = 99", NULL), 0);
    assert_int_equal(count_of(db, "SELECT COUNT(*) FROM \"cases\" WHERE \"staff_code\" = 'NOBODY'", NULL), 0);
    assert_int_equal(count_of(db, "SELECT COUNT(*) FROM \"obligations\" WHERE \"staff_code\" = 'NOBODY'", NULL), 0);
    /* Once more at the same date: the same rows. */
    int64_t rows = count_of(db, "SELECT COUNT(*) FROM \"obligations\"", NULL);
    assert_int_equal(ck_cases_recompute_all(db, &eng, later, 100, NULL, NULL, err, sizeof err), CK_OK);
    assert_int_equal(count_of(db, "SELECT COUNT(*) FROM \"obligations\"", NULL), rows);
    for (int i = 0; i < 4; i++) assert_true(ck_test_expect_fresh(db, crns[i], later) > 0);
}

/* A full recompute in batches of two, whose step writes a case of the
 * next batch through another connection once (after a pause): on SQLite
 * the next batch's second part is read ahead while a batch is written
 * (ck_cases_recompute), and what was read before that write must not be
 * taken. */
typedef struct meanwhile {
    ck_db *other;
    const ck_engine *eng;
    ck_date as_of;
    int steps;
    ck_rc rc;
    char err[512];
} meanwhile;

static bool write_meanwhile(void *ctx, size_t done, size_t total, const char *last_crn)
{
    (void)done, (void)total, (void)last_crn;
    meanwhile *m = ctx;
    if (m->steps++ != 0) return true;
    /* Time for the read-ahead of P000004 to be done. */
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    ck_case *c = example("P000004");
    c->n_assessments = 0;
    m->rc = ck_cases_replace(m->other, m->eng, c, m->as_of, m->err, sizeof m->err);
    ck_case_free(c);
    return true;
}

/* The case written between batches is stored as a fresh evaluation of what
 * it holds now, and the others as theirs. */
static void test_recompute_sees_meanwhile(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    ck_date first = ck_test_date("2025-06-01"), later = ck_test_date("2026-03-02");
    char err[1024];
    static const char *const crns[] = {"P000001", "P000002", "P000003", "P000004", "P000005", "P000006"};
    enum { N = sizeof crns / sizeof *crns };
    create_examples(db, &eng, crns, N, first);
    ck_case *ex = example("P000004");
    ck_result *before = ck_rules_evaluate(ex, later, eng.cal, eng.cfg);
    ex->n_assessments = 0;
    ck_result *without = ck_rules_evaluate(ex, later, eng.cal, eng.cfg);
    /* The write moves the case's obligations, so a plan read before it shows. */
    json_t *b = ck_result_to_json("P000004", later, before, true), *w = ck_result_to_json("P000004", later, without, true);
    assert_false(json_equal(b, w));
    json_decref(b), json_decref(w);
    ck_result_free(before), ck_result_free(without);
    ck_case_free(ex);
    meanwhile m = {.other = ck_db_open(ck_test_db_url(state, 0), err, sizeof err), .eng = &eng, .as_of = later};
    assert_non_null(m.other);
    assert_int_equal(ck_cases_recompute(db, &eng, later, true, 2, NULL, write_meanwhile, &m, NULL, err, sizeof err),
                     CK_OK);
    if (m.rc != CK_OK) fail_msg("%s", m.err);
    assert_int_equal(m.steps, N / 2);
    for (int i = 0; i < N; i++) assert_true(ck_test_expect_fresh(db, crns[i], later) > 0);
    ck_db_close(m.other);
}

/* The steps of a recompute: how many, and the cases done at each. */
typedef struct steps {
    size_t n;
    size_t done[8];
} steps;

static bool count_step(void *ctx, size_t done, size_t total, const char *last_crn)
{
    (void)total, (void)last_crn;
    steps *s = ctx;
    if (s->n < sizeof s->done / sizeof *s->done) s->done[s->n] = done;
    s->n++;
    return true;
}

/* batch 0 is the pass's own default (ck_cases_recompute): a full pass and a
 * pass over the due cases each take a handful of cases in one batch, not
 * one case per transaction. */
static void test_recompute_default_batch(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    ck_date first = ck_test_date("2025-06-01"), later = ck_test_date("2026-03-02");
    char err[1024];
    static const char *const crns[] = {"B000001", "B000002", "B000003", "B000004", "B000005"};
    enum { N = sizeof crns / sizeof *crns };
    create_examples(db, &eng, crns, N, first);
    steps full = {0};
    ck_recompute_stats sf = {0};
    assert_int_equal(ck_cases_recompute(db, &eng, later, true, 0, NULL, count_step, &full, &sf, err, sizeof err), CK_OK);
    assert_true(sf.all);
    assert_int_equal(full.n, 1);
    assert_int_equal(full.done[0], N);
    /* Every case due the day after: a pass over the due cases. */
    assert_int_equal(ck_db_exec(db, "UPDATE \"cases\" SET \"next_change\" = '2000-01-01'"), CK_DB_OK);
    steps due = {0};
    ck_recompute_stats sd = {0};
    assert_int_equal(ck_cases_recompute(db, &eng, later + 1, false, 0, NULL, count_step, &due, &sd, err, sizeof err),
                     CK_OK);
    assert_false(sd.all);
    assert_int_equal(sd.evaluated, N);
    assert_int_equal(due.n, 1);
    assert_int_equal(due.done[0], N);
    for (int i = 0; i < N; i++) assert_true(ck_test_expect_fresh(db, crns[i], later + 1) > 0);
}

static bool has_index(ck_db *db, const char *name)
{
    const char *sql = ck_db_kind(db) == CK_DB_PG
                          ? "SELECT COUNT(*) FROM \"pg_indexes\" WHERE \"indexname\" = $1 "
                            "AND \"schemaname\" = current_schema()"
                          : "SELECT COUNT(*) FROM \"sqlite_master\" WHERE \"type\" = 'index' AND \"name\" = $1";
    return count_of(db, sql, name) == 1;
}

static void test_bulk_indexes(void **state)
{
    ck_db *db = ck_test_db_get(state);
    ck_engine eng = ck_engine_default();
    char err[1024];
    ck_bulk b;
    assert_true(has_index(db, "obligations_staff"));
    int64_t cache_size = ck_db_kind(db) == CK_DB_SQLITE ? count_of(db, "PRAGMA cache_size", NULL) : 0;
    assert_int_equal(ck_cases_bulk_begin(db, &b, err, sizeof err), CK_OK);
    assert_false(has_index(db, "obligations_staff"));
    assert_false(has_index(db, "cases_surname"));
    assert_true(has_index(db, ck_db_kind(db) == CK_DB_PG ? "cases_crn_key" : "sqlite_autoindex_cases_1"));
    /* Writes and reads go on meanwhile. */
    ck_case *c = example("X000001");
    assert_int_equal(ck_cases_create(db, &eng, c, ck_test_date("2025-06-01"), err, sizeof err), CK_OK);
    ck_case_free(c);
    ck_case_list *l = NULL;
    assert_int_equal(ck_cases_search(db, "X000001", 10, 0, &l, err, sizeof err), CK_OK);
    assert_int_equal(l->total, 1);
    ck_case_list_free(l);
    assert_false(has_index(db, "contacts_officer_date"));
    bool sqlite = ck_db_kind(db) == CK_DB_SQLITE;
    const char *triggers = "SELECT COUNT(*) FROM \"sqlite_master\" WHERE \"type\" = 'trigger' "
                           "AND \"tbl_name\" = 'contacts'";
    const char *matches = "SELECT COUNT(*) FROM \"contact_notes_fts\" WHERE \"contact_notes_fts\" MATCH $1";
    const char *note = "UPDATE \"contacts\" SET \"notes\" = $1 "
                       "WHERE \"case_id\" = (SELECT MIN(\"case_id\") FROM \"cases\") AND \"ord\" = 0";
    if (sqlite) {
        /* The notes' full-text triggers are gone until the end, which
         * indexes the notes as they are then. */
        assert_int_equal(count_of(db, triggers, NULL), 0);
        ck_stmt *st = ck_db_prepare(db, note);
        ck_stmt_bind_text(st, 1, "zebra crossing");
        assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
        ck_stmt_reset(st);
    }
    assert_int_equal(ck_cases_bulk_end(db, &b, err, sizeof err), CK_OK);
    assert_true(has_index(db, "obligations_staff"));
    assert_true(has_index(db, "cases_surname"));
    assert_true(has_index(db, "contacts_officer_date"));
    if (sqlite) {
        assert_int_equal(count_of(db, triggers, NULL), 3);
        assert_int_equal(count_of(db, matches, "zebra"), 1);
        /* The triggers keep it from here: the filled entry is replaced. */
        ck_stmt *st = ck_db_prepare(db, note);
        ck_stmt_bind_text(st, 1, "giraffe");
        assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
        ck_stmt_reset(st);
        assert_int_equal(count_of(db, matches, "zebra"), 0);
        assert_int_equal(count_of(db, matches, "giraffe"), 1);
        assert_int_equal(count_of(db, "SELECT COUNT(*) FROM \"meta\" WHERE \"key\" = $1", "deferred_triggers"), 0);
    }
    char v[64];
    assert_int_equal(ck_store_meta_get(db, "deferred_indexes", v, sizeof v, err, sizeof err), CK_ERR_NOTFOUND);
    if (ck_db_kind(db) == CK_DB_SQLITE) {
        /* The connection's settings are as they were. */
        assert_int_equal(count_of(db, "PRAGMA cache_size", NULL), cache_size);
        assert_int_equal(count_of(db, "PRAGMA temp_store", NULL), 2);
        assert_int_equal(count_of(db, "PRAGMA threads", NULL), 0);
    }

    /* Cases exist now: nothing is deferred. */
    assert_int_equal(ck_cases_bulk_begin(db, &b, err, sizeof err), CK_OK);
    assert_true(has_index(db, "obligations_team"));
    assert_int_equal(ck_cases_bulk_end(db, &b, err, sizeof err), CK_OK);
}

/* An import that died with its indexes deferred: the next one builds them. */
static void test_bulk_interrupted(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    char err[1024];
    ck_bulk b;
    assert_int_equal(ck_cases_bulk_begin(db, &b, err, sizeof err), CK_OK);
    assert_false(has_index(db, "obligations_pdu"));
    ck_db *other = ck_db_open(url, err, sizeof err);
    assert_non_null(other);
    ck_case *c = example("Y000001");
    ck_engine eng = ck_engine_default();
    assert_int_equal(ck_cases_create(other, &eng, c, ck_test_date("2025-06-01"), err, sizeof err), CK_OK);
    ck_case_free(c);
    assert_int_equal(ck_db_exec(other, "UPDATE \"contacts\" SET \"notes\" = 'okapi seen' WHERE \"ord\" = 0"), CK_DB_OK);
    ck_bulk b2;
    assert_int_equal(ck_cases_bulk_begin(other, &b2, err, sizeof err), CK_OK);
    assert_true(has_index(other, "obligations_pdu"));
    assert_true(has_index(other, "contacts_officer_date"));
    if (ck_db_kind(other) == CK_DB_SQLITE) {
        /* The full-text triggers too, and the note written meanwhile is in
         * the index. */
        assert_int_equal(count_of(other, "SELECT COUNT(*) FROM \"sqlite_master\" WHERE \"type\" = 'trigger' "
                                         "AND \"tbl_name\" = 'contacts'", NULL), 3);
        assert_int_equal(count_of(other, "SELECT COUNT(*) FROM \"contact_notes_fts\" "
                                         "WHERE \"contact_notes_fts\" MATCH $1", "okapi"), 1);
    }
    assert_int_equal(ck_cases_bulk_end(other, &b2, err, sizeof err), CK_OK);
    ck_db_close(other);
    assert_int_equal(ck_cases_bulk_end(db, &b, err, sizeof err), CK_OK);
    assert_true(has_index(db, "obligations_pdu"));
}

/* A JSON lines file of n example cases; `bad` (1-based, 0: none) is not a
 * case and `dup` (0: none) repeats the CRN of the first. */
static void write_lines(const char *path, int n, int bad, int dup_line)
{
    json_t *j = json_load_file(EXAMPLE, 0, NULL);
    assert_non_null(j);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 1; i <= n; i++) {
        char crn[16];
        snprintf(crn, sizeof crn, "L%06d", i == dup_line ? 1 : i);
        json_object_set_new(j, "crn", json_string(crn));
        char *s = json_dumps(j, JSON_COMPACT);
        fprintf(f, "%s\n", i == bad ? "{\"crn\": 7}" : s);
        free(s);
    }
    fclose(f);
    json_decref(j);
}

/* More lines than a block: errors are named by line, in order, and a file
 * with any imports nothing; a clean one imports every case. */
static void test_import_blocks(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    char dir[] = "/tmp/ck-test-bulk.XXXXXX", path[64], err[8192];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/cases.jsonl", dir);
    write_lines(path, 1100, 700, 1030);
    const char *args[] = {"import", "--db", url, "--as-of", "2025-06-01", path, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, args), 2);
    char *bad = strstr(err, "cases.jsonl:700: crn:");
    char *dup = strstr(err, "cases.jsonl:1030: crn: a case with CRN L000001 already exists");
    assert_non_null(bad);
    assert_non_null(dup);
    assert_true(bad < dup);
    assert_non_null(strstr(err, "nothing imported (2 bad records)"));
    size_t n = 1;
    assert_int_equal(ck_cases_count(db, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, 0);
    assert_true(has_index(db, "obligations_staff"));

    write_lines(path, 1100, 0, 0);
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, args), 0);
    assert_non_null(strstr(err, "imported 1100 cases"));
    assert_int_equal(ck_cases_count(db, &n, err, sizeof err), CK_OK);
    assert_int_equal(n, 1100);
    assert_true(has_index(db, "obligations_staff"));
    assert_true(ck_test_expect_fresh(db, "L000001", ck_test_date("2025-06-01")) > 0);
    assert_true(ck_test_expect_fresh(db, "L001100", ck_test_date("2025-06-01")) > 0);
    unlink(path);
    rmdir(dir);
}

/* ck_copy: values that COPY's text format escapes come back as given, and
 * a refused row fails the whole copy at its end. */
static void test_copy(void **state)
{
    ck_db *db = ck_test_db_get(state);
    static const char *const cols[] = {"key", "value"};
    static const char *const values[] = {"tab\there", "line\nbreak", "back\\slash\\N", "\\N", "", "caf\u00e9"};
    enum { N = 6 };
    char real[N][32];
    for (int i = 0; i < N; i++) {
        /* The table above is written with C escapes spelled out; unescape. */
        const char *v = values[i];
        size_t n = 0;
        for (; *v; v++) {
            if (*v == '\\' && v[1] == 't') real[i][n++] = '\t', v++;
            else if (*v == '\\' && v[1] == 'n') real[i][n++] = '\n', v++;
            else if (*v == '\\' && v[1] == '\\') real[i][n++] = '\\', v++;
            else if (*v == '\\' && v[1] == 'u') real[i][n++] = (char)0xc3, real[i][n++] = (char)0xa9, v += 5;
            else real[i][n++] = *v;
        }
        real[i][n] = '\0';
    }
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    ck_copy *c = ck_copy_begin(db, "meta", cols, 2);
    assert_non_null(c);
    for (int i = 0; i < N; i++) {
        char key[16];
        snprintf(key, sizeof key, "copy%d", i);
        ck_copy_text(c, key);
        ck_copy_text(c, real[i]);
        if (ck_copy_row(c) != CK_DB_OK) fail_msg("%s", ck_db_errmsg(db));
    }
    assert_int_equal(ck_copy_end(c), CK_DB_OK);
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    for (int i = 0; i < N; i++) {
        char key[16];
        snprintf(key, sizeof key, "copy%d", i);
        ck_stmt *st = ck_db_prepare(db, "SELECT \"value\" FROM \"meta\" WHERE \"key\" = $1");
        ck_stmt_bind_text(st, 1, key);
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_string_equal(ck_stmt_text(st, 0), real[i]);
        ck_stmt_reset(st);
    }
    /* A NULL where the column refuses it, and a row one value short. */
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    c = ck_copy_begin(db, "meta", cols, 2);
    ck_copy_text(c, "null-value");
    ck_copy_null(c);
    ck_copy_row(c);
    assert_true(ck_copy_end(c) < 0);
    assert_non_null(strstr(ck_db_errmsg(db), "value"));
    ck_db_rollback(db);
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    c = ck_copy_begin(db, "meta", cols, 2);
    ck_copy_text(c, "short");
    assert_int_equal(ck_copy_row(c), CK_DB_ERROR);
    assert_int_equal(ck_copy_end(c), CK_DB_ERROR);
    assert_non_null(strstr(ck_db_errmsg(db), "1 values for 2 columns"));
    ck_db_rollback(db);
    assert_null(ck_copy_begin(db, "no_such_table", cols, 2));
    assert_int_equal(count_of(db, "SELECT COUNT(*) FROM \"meta\" WHERE \"key\" LIKE 'copy%'", NULL), N);
}

/* ck_bundle_write writes JSON straight from the descriptors: the very bytes
 * jansson's compact dump of ck_bundle_to_json gives, escapes and all. */
static void test_write_matches_jansson(void **state)
{
    (void)state;
    ck_case *c = example("W000001");
    c->person.forename = "q\" b\\ t\t n\n r\r f\f bs\b c\x01\x1f caf\xc3\xa9 /s";
    for (unsigned flags = 0; flags <= CK_BUNDLE_REDACT_VICTIMS; flags += CK_BUNDLE_REDACT_VICTIMS) {
        ck_buf out = CK_BUF_INIT;
        assert_true(ck_bundle_write(c, flags, &out));
        json_t *j = ck_bundle_to_json(c, flags);
        char *want = json_dumps(j, JSON_COMPACT);
        assert_string_equal(ck_buf_cstr(&out), want);
        free(want);
        json_decref(j);
        ck_buf_free(&out);
    }
    ck_case_free(c);
}

static void mark(void *ctx, size_t i) { atomic_fetch_add(&((atomic_int *)ctx)[i], 1); }

static void test_par(void **state)
{
    (void)state;
    enum { N = 1000 };
    static atomic_int seen[N];
    ck_par_for(N, mark, seen);
    for (int i = 0; i < N; i++) assert_int_equal(atomic_load(&seen[i]), 1);
    ck_par_wait(ck_par_start(N, 0, mark, seen)); /* no threads: the waiter does it all */
    ck_par_wait(ck_par_start(N, 3, mark, seen));
    for (int i = 0; i < N; i++) assert_int_equal(atomic_load(&seen[i]), 3);
    ck_par_for(0, mark, seen);
    ck_par_wait(NULL);
    /* As many as the cores this process may run on (tests/suites/one_core.sh
     * runs this under `taskset -c 0`: one), not every core online. */
    cpu_set_t set;
    assert_int_equal(sched_getaffinity(0, sizeof set, &set), 0);
    int cores = CPU_COUNT(&set);
    assert_int_equal(ck_par_threads(), cores < CK_PAR_MAX_THREADS ? cores : CK_PAR_MAX_THREADS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_insert_prepared),
        CK_DB_TEST(test_recompute_mends),
        CK_DB_TEST(test_recompute_sees_meanwhile),
        CK_DB_TEST(test_recompute_default_batch),
        CK_DB_TEST(test_bulk_indexes),
        CK_DB_TEST(test_bulk_interrupted),
        CK_DB_TEST(test_import_blocks),
        CK_DB_TEST(test_copy),
        cmocka_unit_test(test_write_matches_jansson),
        cmocka_unit_test(test_par),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
