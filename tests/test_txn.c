/* ck_txn's statement helpers on both backends: ck_txn_exec (one step, then
 * the statement given back) and ck_txn_next (a loop over rows that reports a
 * failed step in rc and err); a read on a second connection in a write
 * transaction's snapshot (PostgreSQL only). */
#include "ck_test.h"
#include "ck_test_db.h"
#include "ck_txn.h"

#define INSERT_SQL "INSERT INTO \"txn_t\" (\"k\", \"v\") VALUES (CAST($1 AS INTEGER), $2)"
#define SELECT_SQL "SELECT \"v\" FROM \"txn_t\" WHERE \"k\" >= CAST($1 AS INTEGER) ORDER BY \"k\""

static ck_db *with_table(void **state)
{
    ck_db *db = ck_test_db_get(state);
    assert_int_equal(ck_db_exec(db, "CREATE TABLE \"txn_t\" (\"k\" INTEGER PRIMARY KEY, \"v\" TEXT NOT NULL)"),
                     CK_DB_OK);
    return db;
}

static ck_rc insert(ck_db *db, int64_t k, const char *v, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, INSERT_SQL, err, err_len);
    assert_non_null(st);
    ck_stmt_bind_int(st, 1, k);
    ck_stmt_bind_text(st, 2, v);
    return ck_txn_exec(db, st, "txn_t", err, err_len);
}

static void test_exec(void **state)
{
    ck_db *db = with_table(state);
    char err[512] = "";
    assert_int_equal(insert(db, 1, "one", err, sizeof err), CK_OK);
    assert_int_equal(ck_db_changes(db), 1);

    /* A taken key: CK_ERR_DB naming what failed, and the statement is given
     * back, so the same SQL runs again at once. */
    assert_int_equal(insert(db, 1, "again", err, sizeof err), CK_ERR_DB);
    assert_memory_equal(err, "txn_t: ", 7);
    assert_true(strlen(err) > 7);
    assert_int_equal(insert(db, 2, "two", err, sizeof err), CK_OK);

    /* A row the statement returns is not an error. */
    ck_stmt *st = ck_txn_prepare(db, "SELECT 1", err, sizeof err);
    assert_non_null(st);
    assert_int_equal(ck_txn_exec(db, st, "select", err, sizeof err), CK_OK);

    st = ck_txn_prepare(db, "SELECT \"v\" FROM \"txn_t\" ORDER BY \"k\"", err, sizeof err);
    assert_non_null(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "one");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "two");
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);
}

/* Runs SELECT_SQL with k bound to parameter `param`, expecting no row:
 * returns what ck_txn_next left in an rc that started as `rc`. */
static ck_rc no_row(ck_db *db, int param, int64_t k, ck_rc rc, char *err, size_t err_len)
{
    ck_stmt *st = ck_txn_prepare(db, SELECT_SQL, err, err_len);
    assert_non_null(st);
    ck_stmt_bind_int(st, param, k);
    assert_false(ck_txn_next(db, st, "rows", &rc, err, err_len));
    ck_stmt_reset(st);
    return rc;
}

static void test_next(void **state)
{
    ck_db *db = with_table(state);
    char err[512] = "";
    const char *want[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) assert_int_equal(insert(db, i + 1, want[i], err, sizeof err), CK_OK);

    ck_stmt *st = ck_txn_prepare(db, SELECT_SQL, err, sizeof err);
    assert_non_null(st);
    ck_stmt_bind_int(st, 1, 1);
    ck_rc rc = CK_OK;
    size_t n = 0;
    while (ck_txn_next(db, st, "rows", &rc, err, sizeof err)) {
        assert_true(n < 3);
        assert_string_equal(ck_stmt_text(st, 0), want[n]);
        n++;
    }
    ck_stmt_reset(st);
    assert_int_equal(n, 3);
    assert_int_equal(rc, CK_OK);

    /* The end of the rows leaves rc as it was. */
    assert_int_equal(no_row(db, 1, 9, CK_ERR_NOTFOUND, err, sizeof err), CK_ERR_NOTFOUND);

    /* A failing step (a parameter the SQL does not have) ends the loop with
     * CK_ERR_DB and "what: why". */
    assert_int_equal(no_row(db, 2, 1, CK_OK, err, sizeof err), CK_ERR_DB);
    assert_memory_equal(err, "rows: ", 6);
    assert_non_null(strstr(err, "$2"));
}

/* How many rows of txn_t db sees (in its open transaction, if any). */
static size_t rows(ck_db *db)
{
    char err[512] = "";
    ck_stmt *st = ck_txn_prepare(db, SELECT_SQL, err, sizeof err);
    assert_non_null(st);
    ck_stmt_bind_int(st, 1, 0);
    ck_rc rc = CK_OK;
    size_t n = 0;
    while (ck_txn_next(db, st, "rows", &rc, err, sizeof err)) n++;
    ck_stmt_reset(st);
    assert_int_equal(rc, CK_OK);
    return n;
}

/* The recompute's second connection on PostgreSQL reads in the writer's
 * snapshot: a row committed by a third connection after the export is not
 * there, although it was committed before the reader began. */
static void test_snapshot(void **state)
{
    ck_db *db = with_table(state);
    char err[512] = "";
    assert_int_equal(insert(db, 1, "a", err, sizeof err), CK_OK);
    ck_db *other = ck_db_open_again(db, err, sizeof err), *reader = ck_db_open_again(db, err, sizeof err);
    assert_non_null(other);
    assert_non_null(reader);
    assert_int_equal(ck_txn_begin_write(db, err, sizeof err), CK_OK);
    char *id = NULL;
    if (ck_db_kind(db) == CK_DB_SQLITE) {
        /* One writer at a time and a reader's snapshot begun under its lock
         * do the same there (ck_cases' read_halves): no ids. */
        assert_int_equal(ck_txn_export_snapshot(db, &id, err, sizeof err), CK_ERR_DB);
        assert_null(id);
        assert_int_equal(ck_txn_begin_read_at(reader, "00000003-0000001B-1", err, sizeof err), CK_ERR_DB);
        assert_false(ck_db_in_tx(reader));
    } else {
        assert_int_equal(ck_txn_export_snapshot(db, &id, err, sizeof err), CK_OK);
        assert_non_null(id);
        assert_int_equal(insert(other, 2, "b", err, sizeof err), CK_OK);
        /* Counted first and checked once every transaction has ended: a
         * failed check inside one would leave its lock on txn_t for the
         * test's teardown to wait on. */
        assert_int_equal(ck_txn_begin_read_at(reader, id, err, sizeof err), CK_OK);
        size_t at_export = rows(reader);
        assert_int_equal(ck_txn_finish(reader, CK_OK, err, sizeof err), CK_OK);
        assert_int_equal(ck_txn_begin_read(reader, err, sizeof err), CK_OK);
        size_t now = rows(reader);
        assert_int_equal(ck_txn_finish(reader, CK_OK, err, sizeof err), CK_OK);
        assert_int_equal(ck_txn_finish(db, CK_OK, err, sizeof err), CK_OK);
        assert_int_equal(at_export, 1);
        assert_int_equal(now, 2);
        /* The id goes into the statement's text: only an id's characters. */
        assert_int_equal(ck_txn_begin_read_at(reader, "1'; DROP TABLE txn_t; --", err, sizeof err), CK_ERR_DB);
        assert_non_null(strstr(err, "not a snapshot id"));
        assert_false(ck_db_in_tx(reader));
    }
    ck_free(id);
    if (ck_db_in_tx(db)) assert_int_equal(ck_txn_finish(db, CK_OK, err, sizeof err), CK_OK);
    ck_db_close(reader);
    ck_db_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_exec),
        CK_DB_TEST(test_next),
        CK_DB_TEST(test_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
