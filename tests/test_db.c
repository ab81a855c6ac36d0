/* ck_db on both backends: every test runs on a fresh SQLite file in a temp
 * directory and on PostgreSQL (CK_TEST_PG) in a schema of its own, dropped
 * afterwards. Without CK_TEST_PG the PostgreSQL half fails. */
#include "ck_test.h"
#include "ck_db.h"
#include "ck_embedded.h"
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SANITIZE_ADDRESS__
/* From the sanitizer runtime (GCC ships no header declaring it). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

typedef struct fx {
    ck_db_backend kind;
    char dir[64];     /* SQLite: the temp directory */
    char url[600];
    char schema[64];  /* PostgreSQL: this test's schema */
    ck_db *db;
    char missing[600]; /* why there is no db */
} fx;

static const ck_db_backend kind_sqlite = CK_DB_SQLITE, kind_pg = CK_DB_PG;

/* Opens a connection to the fixture's database (PostgreSQL: in its schema). */
static ck_db *fx_connect(fx *f, char *err, size_t err_len)
{
    ck_db *db = ck_db_open(f->url, err, err_len);
    if (!db || f->kind != CK_DB_PG) return db;
    char sql[128];
    snprintf(sql, sizeof sql, "SET search_path TO %s", f->schema);
    if (ck_db_exec(db, sql) != CK_DB_OK) {
        snprintf(err, err_len, "%s", ck_db_errmsg(db));
        ck_db_close(db);
        return NULL;
    }
    return db;
}

static int fx_setup(void **state)
{
    static int seq;
    fx *f = calloc(1, sizeof *f);
    f->kind = *(const ck_db_backend *)*state;
    *state = f;
    if (f->kind == CK_DB_SQLITE) {
        snprintf(f->dir, sizeof f->dir, "/tmp/ck-test-db.XXXXXX");
        if (!mkdtemp(f->dir)) { snprintf(f->missing, sizeof f->missing, "mkdtemp failed"); return 0; }
        snprintf(f->url, sizeof f->url, "sqlite:%s/test.db", f->dir);
        f->db = ck_db_open(f->url, f->missing, sizeof f->missing);
        return 0;
    }
    const char *pg = ck_test_pg_url();
    if (!pg || !*pg) {
        snprintf(f->missing, sizeof f->missing,
                 "CK_TEST_PG is not set: PostgreSQL tests need a server (scripts/run-tests.sh starts one)");
        return 0;
    }
    snprintf(f->url, sizeof f->url, "%s", pg);
    snprintf(f->schema, sizeof f->schema, "ck_test_%ld_%d", (long)getpid(), ++seq);
    ck_db *admin = ck_db_open(f->url, f->missing, sizeof f->missing);
    if (!admin) return 0;
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", f->schema);
    if (ck_db_exec(admin, sql) != CK_DB_OK) snprintf(f->missing, sizeof f->missing, "%s", ck_db_errmsg(admin));
    else f->db = fx_connect(f, f->missing, sizeof f->missing);
    ck_db_close(admin);
    return 0;
}

static int fx_teardown(void **state)
{
    fx *f = *state;
    ck_db_close(f->db);
    if (f->kind == CK_DB_SQLITE && f->dir[0]) {
        const char *suffix[] = {"", "-wal", "-shm"};
        char path[128];
        for (size_t i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/test.db%s", f->dir, suffix[i]);
            unlink(path);
        }
        rmdir(f->dir);
    } else if (f->kind == CK_DB_PG && f->schema[0] && f->url[0]) {
        char err[256], sql[128];
        ck_db *admin = ck_db_open(f->url, err, sizeof err);
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->schema);
        if (admin) ck_db_exec(admin, sql);
        ck_db_close(admin);
    }
    free(f);
    return 0;
}

static ck_db *fx_db(void **state)
{
    fx *f = *state;
    if (!f->db) fail_msg("no %s database: %s", f->kind == CK_DB_PG ? "PostgreSQL" : "SQLite", f->missing);
    return f->db;
}

static void exec_ok(ck_db *db, const char *sql)
{
    if (ck_db_exec(db, sql) != CK_DB_OK) fail_msg("exec failed: %s", ck_db_errmsg(db));
}

static ck_stmt *prepare_ok(ck_db *db, const char *sql)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("prepare failed: %s", ck_db_errmsg(db));
    return st;
}

/* The first column of the one-row answer to sql (no parameters). */
static int64_t query_int(ck_db *db, const char *sql)
{
    ck_stmt *st = prepare_ok(db, sql);
    int rc = ck_stmt_step(st);
    if (rc != CK_DB_ROW) fail_msg("no row (%d): %s", rc, ck_db_errmsg(db));
    int64_t v = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return v;
}

/* Runs sql with $1 bound to v and gives back the statement; returns the
 * first step's answer. */
static int run_int(ck_db *db, const char *sql, int64_t v)
{
    ck_stmt *st = prepare_ok(db, sql);
    ck_stmt_bind_int(st, 1, v);
    int rc = ck_stmt_step(st);
    ck_stmt_reset(st);
    return rc;
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle)) fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

static void assert_lacks(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle)) fail_msg("\"%s\" contains \"%s\"", haystack, needle);
}

/* ---- placeholders ----------------------------------------------------- */

static void test_placeholders(void **state)
{
    ck_db *db = fx_db(state);
    exec_ok(db, "CREATE TABLE ph (\"a$1\" INTEGER, b TEXT); INSERT INTO ph VALUES (7, 'x')");
    ck_stmt *st = prepare_ok(db, "SELECT CAST($1 AS TEXT) || '|' || CAST($1 AS TEXT), '$1', 'it''s $2', \"a$1\",\n"
                                 "  CAST($2 AS INTEGER) + CAST($3 AS INTEGER) + CAST($4 AS INTEGER) + CAST($5 AS INTEGER)\n"
                                 "  + CAST($6 AS INTEGER) + CAST($7 AS INTEGER) + CAST($8 AS INTEGER) + CAST($9 AS INTEGER),\n"
                                 "  CAST($10 AS INTEGER)\n"
                                 "FROM ph -- $11 in a line comment\n"
                                 "/* $12 in a block comment */");
    ck_stmt_bind_text(st, 1, "x");
    for (int i = 2; i <= 9; i++) ck_stmt_bind_int(st, i, i);
    ck_stmt_bind_int(st, 10, 1000);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_ncols(st), 6);
    assert_string_equal(ck_stmt_text(st, 0), "x|x");
    assert_string_equal(ck_stmt_text(st, 1), "$1");
    assert_string_equal(ck_stmt_text(st, 2), "it's $2");
    assert_int_equal(ck_stmt_int(st, 3), 7);
    assert_int_equal(ck_stmt_int(st, 4), 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9);
    assert_int_equal(ck_stmt_int(st, 5), 1000);
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);

    /* $11 and $12 above were not counted: there is no such parameter. */
    st = prepare_ok(db, "SELECT \"a$1\" FROM ph WHERE b = $1 -- $2");
    ck_stmt_bind_text(st, 2, "x");
    assert_int_equal(ck_stmt_step(st), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "$2");
    ck_stmt_reset(st);
    st = prepare_ok(db, "SELECT \"a$1\" FROM ph WHERE b = $1 -- $2");
    ck_stmt_bind_text(st, 1, "x");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 7);
    ck_stmt_reset(st);
}

/* ---- values ---------------------------------------------------------- */

static void test_round_trip(void **state)
{
    ck_db *db = fx_db(state);
    exec_ok(db, "CREATE TABLE rt (k INTEGER PRIMARY KEY, i BIGINT, s TEXT, d DATE)");
    struct { int64_t i; const char *s; ck_date d; bool inull; } rows[] = {
        {0, NULL, CK_NODATE, true},
        {INT64_MAX, "", ck_date_ymd(2024, 2, 29), false},
        {INT64_MIN, "plain", ck_date_ymd(1899, 12, 31), false},
        {-1, "x", ck_date_ymd(1970, 1, 1), false},
    };
    size_t n = sizeof rows / sizeof rows[0];
    for (size_t k = 0; k < n; k++) {
        ck_stmt *st = prepare_ok(db, "INSERT INTO rt (k, i, s, d) VALUES ($1, $2, $3, $4)");
        ck_stmt_bind_int(st, 1, (int64_t)k);
        if (rows[k].inull) ck_stmt_bind_null(st, 2);
        else ck_stmt_bind_int(st, 2, rows[k].i);
        ck_stmt_bind_text(st, 3, rows[k].s);
        ck_stmt_bind_date(st, 4, rows[k].d);
        assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
        ck_stmt_reset(st);
        assert_int_equal(ck_db_changes(db), 1);
    }
    ck_stmt *st = prepare_ok(db, "SELECT k, i, s, d FROM rt ORDER BY k");
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_int_equal(ck_stmt_int(st, 0), (int64_t)k);
        assert_int_equal(ck_stmt_null(st, 1), rows[k].inull);
        assert_true(ck_stmt_int(st, 1) == rows[k].i);
        assert_int_equal(ck_stmt_null(st, 2), rows[k].s == NULL);
        if (rows[k].s) assert_string_equal(ck_stmt_text(st, 2), rows[k].s);
        else assert_null(ck_stmt_text(st, 2));
        assert_int_equal(ck_stmt_date(st, 3), rows[k].d);
    }
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);

    /* Dates compare as dates in SQL on both. */
    st = prepare_ok(db, "SELECT count(*) FROM rt WHERE d < $1");
    ck_stmt_bind_date(st, 1, ck_date_ymd(2000, 1, 1));
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 2);
    ck_stmt_reset(st);

    st = prepare_ok(db, "SELECT CAST($1 AS TEXT), CAST($2 AS TEXT)");
    ck_stmt_bind_textn(st, 1, "abcdef", 3);
    ck_stmt_bind_date(st, 2, CK_NODATE);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "abc");
    assert_true(ck_stmt_null(st, 1));
    assert_int_equal(ck_stmt_date(st, 1), CK_NODATE);
    /* Out-of-range columns read as NULL rather than crash. */
    assert_true(ck_stmt_null(st, 2));
    assert_null(ck_stmt_text(st, -1));
    ck_stmt_reset(st);
}

static void test_unicode(void **state)
{
    ck_db *db = fx_db(state);
    exec_ok(db, "CREATE TABLE u (k INTEGER PRIMARY KEY, s TEXT NOT NULL)");
    struct { const char *s; int chars; } v[] = {
        {"Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", 12},            /* Zoë Ångström */
        {"\xc5\x81\xc3\xb3" "d\xc5\xba \xe6\x9d\xb1\xe4\xba\xac\xf0\x9f\x99\x82", 8}, /* Łódź 東京🙂 */
        {"e\xcc\x81 it's \"quoted\" \\ back", 23},           /* e + combining acute */
    };
    for (int k = 0; k < 3; k++) {
        ck_stmt *st = prepare_ok(db, "INSERT INTO u (k, s) VALUES ($1, $2)");
        ck_stmt_bind_int(st, 1, k);
        ck_stmt_bind_text(st, 2, v[k].s);
        assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
        ck_stmt_reset(st);
    }
    for (int k = 0; k < 3; k++) {
        ck_stmt *st = prepare_ok(db, "SELECT k, s, length(s) FROM u WHERE s = $1");
        ck_stmt_bind_text(st, 1, v[k].s);
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_int_equal(ck_stmt_int(st, 0), k);
        assert_string_equal(ck_stmt_text(st, 1), v[k].s);
        assert_int_equal(ck_stmt_int(st, 2), v[k].chars);
        assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
        ck_stmt_reset(st);
    }
}

/* ---- transactions ----------------------------------------------------- */

static void test_transactions(void **state)
{
    ck_db *db = fx_db(state);
    exec_ok(db, "CREATE TABLE tx (k INTEGER PRIMARY KEY, s TEXT)");
    static const char *ins = "INSERT INTO tx (k, s) VALUES ($1, 'v')";
    assert_false(ck_db_in_tx(db));
    assert_int_equal(ck_db_rollback(db), CK_DB_OK); /* none open: fine */

    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    assert_true(ck_db_in_tx(db));
    assert_int_equal(run_int(db, ins, 1), CK_DB_DONE);
    assert_int_equal(ck_db_rollback(db), CK_DB_OK);
    assert_false(ck_db_in_tx(db));
    assert_int_equal(query_int(db, "SELECT count(*) FROM tx"), 0);

    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    for (int k = 1; k <= 3; k++) assert_int_equal(run_int(db, ins, k), CK_DB_DONE);
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    assert_false(ck_db_in_tx(db));
    assert_int_equal(query_int(db, "SELECT count(*) FROM tx"), 3);

    exec_ok(db, "UPDATE tx SET s = 'w' WHERE k >= 2");
    assert_int_equal(ck_db_changes(db), 2);

    /* A failed statement inside a transaction: PostgreSQL has aborted the
     * transaction, so COMMIT fails; SQLite undid only that statement. Either
     * way the transaction is over afterwards. */
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    assert_int_equal(run_int(db, ins, 10), CK_DB_DONE);
    assert_int_equal(run_int(db, ins, 1), CK_DB_CONSTRAINT);
    assert_true(ck_db_in_tx(db));
    bool pg = ck_db_kind(db) == CK_DB_PG;
    assert_int_equal(ck_db_commit(db), pg ? CK_DB_ERROR : CK_DB_OK);
    if (pg) assert_contains(ck_db_errmsg(db), "rolled back");
    assert_false(ck_db_in_tx(db));
    assert_int_equal(query_int(db, "SELECT count(*) FROM tx WHERE k = 10"), pg ? 0 : 1);
}

static void test_constraints(void **state)
{
    ck_db *db = fx_db(state);
    exec_ok(db, "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);"
                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id))");
    bool pg = ck_db_kind(db) == CK_DB_PG;
    static const char *secret = "Secret-CRN-X123456";
    static const char *ins_parent = "INSERT INTO parent (id, code) VALUES ($1, $2)";
    static const char *ins_child = "INSERT INTO child (id, parent_id) VALUES ($1, $2)";
    struct { const char *sql; int64_t a; const char *b; int64_t bi; int want; const char *code; } cases[] = {
        {ins_parent, 1, secret, 0, CK_DB_DONE, NULL},
        {ins_parent, 2, secret, 0, CK_DB_CONSTRAINT, pg ? "SQLSTATE 23505" : "SQLite error 2067"}, /* unique */
        {ins_parent, 1, "other", 0, CK_DB_CONSTRAINT, pg ? "SQLSTATE 23505" : "SQLite error 1555"}, /* primary key */
        {ins_child, 1, NULL, 999, CK_DB_CONSTRAINT, pg ? "SQLSTATE 23503" : "SQLite error 787"},    /* foreign key */
        {ins_parent, 3, NULL, 0, CK_DB_ERROR, pg ? "SQLSTATE 23502" : "SQLite error 1299"},         /* not null */
        {ins_child, 1, NULL, 1, CK_DB_DONE, NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ck_stmt *st = prepare_ok(db, cases[k].sql);
        ck_stmt_bind_int(st, 1, cases[k].a);
        if (cases[k].sql == ins_parent) ck_stmt_bind_text(st, 2, cases[k].b);
        else ck_stmt_bind_int(st, 2, cases[k].bi);
        int rc = ck_stmt_step(st);
        ck_stmt_reset(st);
        if (rc != cases[k].want) fail_msg("case %zu: got %d, want %d: %s", k, rc, cases[k].want, ck_db_errmsg(db));
        if (cases[k].code) {
            assert_contains(ck_db_errmsg(db), cases[k].code);
            assert_contains(ck_db_errmsg(db), "[SQL: INSERT INTO");
            assert_lacks(ck_db_errmsg(db), secret);
        }
    }
    /* Deleting a referenced parent is refused too. */
    assert_int_equal(run_int(db, "DELETE FROM parent WHERE id = $1", 1), CK_DB_CONSTRAINT);
    assert_int_equal(query_int(db, "SELECT count(*) FROM parent"), 1);
}

/* ---- the statement cache ---------------------------------------------- */

static void test_cache(void **state)
{
    ck_db *db = fx_db(state);
    exec_ok(db, "CREATE TABLE nums (n INTEGER PRIMARY KEY)");
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(run_int(db, "INSERT INTO nums (n) VALUES ($1)", i), CK_DB_DONE);
    }
    static const char *all = "SELECT n FROM nums ORDER BY n";
    ck_stmt *a = prepare_ok(db, all);
    ck_stmt_reset(a);
    assert_ptr_equal(prepare_ok(db, all), a); /* same literal */
    ck_stmt_reset(a);
    char *copy = strdup(all);
    assert_ptr_equal(prepare_ok(db, copy), a); /* same text elsewhere */
    ck_stmt_reset(a);
    free(copy);

    /* Abandoned after one row, handed out again, and re-run from the start. */
    a = prepare_ok(db, all);
    assert_int_equal(ck_stmt_step(a), CK_DB_ROW);
    ck_stmt_reset(a);
    assert_ptr_equal(prepare_ok(db, all), a);
    int n = 0;
    while (ck_stmt_step(a) == CK_DB_ROW) n++;
    assert_int_equal(n, 5);
    ck_stmt_reset(a);

    /* Nested: while `outer` is out, the same SQL gives another statement,
     * and other statements run between its rows. */
    ck_stmt *outer = prepare_ok(db, all);
    int64_t sum = 0;
    int rows = 0;
    while (ck_stmt_step(outer) == CK_DB_ROW) {
        int64_t v = ck_stmt_int(outer, 0);
        ck_stmt *inner = prepare_ok(db, all);
        assert_ptr_not_equal(inner, outer);
        int m = 0;
        while (ck_stmt_step(inner) == CK_DB_ROW) m++;
        assert_int_equal(m, 5);
        ck_stmt_reset(inner);
        ck_stmt *one = prepare_ok(db, "SELECT n * 10 FROM nums WHERE n = $1");
        ck_stmt_bind_int(one, 1, v);
        assert_int_equal(ck_stmt_step(one), CK_DB_ROW);
        assert_int_equal(ck_stmt_int(one, 0), v * 10);
        ck_stmt_reset(one);
        assert_true(ck_db_ping(db));
        assert_int_equal(ck_stmt_int(outer, 0), v); /* the row survives */
        sum += v;
        rows++;
    }
    ck_stmt_reset(outer);
    assert_int_equal(rows, 5);
    assert_int_equal(sum, 15);

    /* A buffer reused for other SQL at the same address gets that SQL. */
    char buf[64];
    snprintf(buf, sizeof buf, "SELECT 1");
    ck_stmt *st = prepare_ok(db, buf);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 1);
    ck_stmt_reset(st);
    snprintf(buf, sizeof buf, "SELECT 2");
    st = prepare_ok(db, buf);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 2);
    ck_stmt_reset(st);

    /* Past the cache's cap the least recently used are dropped (on the
     * server too) and come back when asked for. */
    for (int i = 0; i < 300; i++) {
        snprintf(buf, sizeof buf, "SELECT %d", i);
        st = prepare_ok(db, buf);
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_int_equal(ck_stmt_int(st, 0), i);
        ck_stmt_reset(st);
    }
    if (ck_db_kind(db) == CK_DB_PG) {
        int64_t server = query_int(db, "SELECT count(*) FROM pg_prepared_statements");
        if (server > 256) fail_msg("%lld statements prepared on the server", (long long)server);
    }
    assert_int_equal(query_int(db, "SELECT count(*) FROM nums"), 5);
}

/* ---- streaming -------------------------------------------------------- */

/* Bytes of heap in use, as the allocator counts them. */
static size_t heap_in_use(void)
{
#ifdef __SANITIZE_ADDRESS__
    return __sanitizer_get_current_allocated_bytes();
#else
    return mallinfo2().uordblks;
#endif
}

#define STREAM_ROWS 100000
#define STREAM_PAD 200

static const char *stream_sql = "WITH RECURSIVE n (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $1) "
                                "SELECT x, CAST($2 AS TEXT) || CAST(x AS TEXT) FROM n";

static void test_stream(void **state)
{
    ck_db *db = fx_db(state);
    char pad[STREAM_PAD + 1];
    memset(pad, 'p', STREAM_PAD);
    pad[STREAM_PAD] = '\0';

    ck_stmt *st = prepare_ok(db, stream_sql);
    ck_stmt_bind_int(st, 1, STREAM_ROWS);
    ck_stmt_bind_text(st, 2, pad);
    int64_t count = 0, sum = 0;
    size_t base = heap_in_use(), peak = base;
    int rc;
    while ((rc = ck_stmt_step(st)) == CK_DB_ROW) {
        int64_t x = ck_stmt_int(st, 0);
        const char *s = ck_stmt_text(st, 1);
        if (strncmp(s, pad, STREAM_PAD) != 0 || strtoll(s + STREAM_PAD, NULL, 10) != x)
            fail_msg("row %lld: bad text", (long long)x);
        count++;
        sum += x;
        size_t now = heap_in_use();
        if (now > peak) peak = now;
    }
    assert_int_equal(rc, CK_DB_DONE);
    ck_stmt_reset(st);
    assert_int_equal(count, STREAM_ROWS);
    assert_true(sum == (int64_t)STREAM_ROWS * (STREAM_ROWS + 1) / 2);
    /* The whole result is over 20 MB of text; streaming holds one row. */
    size_t growth = peak - base;
    if (growth > ((size_t)2 << 20)) fail_msg("heap grew by %zu bytes while streaming", growth);

    /* Abandoned mid-stream, inside a transaction: the connection is drained
     * and the transaction goes on unharmed. */
    exec_ok(db, "CREATE TABLE after_stream (k INTEGER)");
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    st = prepare_ok(db, stream_sql);
    ck_stmt_bind_int(st, 1, STREAM_ROWS);
    ck_stmt_bind_text(st, 2, pad);
    for (int i = 0; i < 10; i++) assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    ck_stmt_reset(st);
    exec_ok(db, "INSERT INTO after_stream (k) VALUES (1)");
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM after_stream"), 1);
    assert_int_equal(query_int(db, "SELECT 42"), 42);
}

/* ---- migrations ------------------------------------------------------- */

static bool table_exists(ck_db *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    ck_stmt *st = ck_db_prepare(db, sql);
    ck_stmt_reset(st);
    return st != NULL;
}

static void test_migrations(void **state)
{
    ck_db *db = fx_db(state);
    assert_int_equal(ck_db_schema_version(db), 0);
    ck_migration list[] = {
        {"010_c.sql", "INSERT INTO m_a (note) VALUES ('c')"},
        {"002_b.sql", "INSERT INTO m_a (note) VALUES ('b');\nINSERT INTO m_a (note) VALUES ('b2')"},
        {"001_a.sql", "CREATE TABLE m_a (id {{ID}}, note TEXT NOT NULL, data {{BLOB}})"},
    };
    int applied = -1;
    assert_int_equal(ck_db_migrate_list(db, list, 3, &applied), CK_DB_OK);
    assert_int_equal(applied, 3);
    assert_int_equal(ck_db_schema_version(db), 10);
    assert_false(ck_db_in_tx(db));

    /* In name order: b's rows got the first ids. */
    ck_stmt *st = prepare_ok(db, "SELECT id, note FROM m_a ORDER BY id");
    const char *want[] = {"b", "b2", "c"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_int_equal(ck_stmt_int(st, 0), i + 1);
        assert_string_equal(ck_stmt_text(st, 1), want[i]);
    }
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);

    st = prepare_ok(db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
    const char *names[] = {"001_a.sql", "002_b.sql", "010_c.sql"};
    const int versions[] = {1, 2, 10};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_int_equal(ck_stmt_int(st, 0), versions[i]);
        assert_string_equal(ck_stmt_text(st, 1), names[i]);
        const char *at = ck_stmt_text(st, 2);
        assert_int_equal(strlen(at), 20);
        assert_true(ck_stmt_date(st, 2) != CK_NODATE && at[10] == 'T' && at[19] == 'Z');
    }
    ck_stmt_reset(st);

    /* The tokens became the backend's types (the second column says
     * whether the column is the generated key). */
    bool pg = ck_db_kind(db) == CK_DB_PG;
    const char *column_sql = pg ? "SELECT data_type, is_identity FROM information_schema.columns WHERE "
                                  "table_schema = current_schema() AND table_name = 'm_a' AND column_name = $1"
                                : "SELECT type, pk FROM pragma_table_info('m_a') WHERE name = $1";
    struct { const char *column, *type, *key; } cols[] = {
        {"id", pg ? "bigint" : "INTEGER", pg ? "YES" : "1"},
        {"data", pg ? "bytea" : "BLOB", pg ? "NO" : "0"},
    };
    for (int i = 0; i < 2; i++) {
        st = prepare_ok(db, column_sql);
        ck_stmt_bind_text(st, 1, cols[i].column);
        assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
        assert_string_equal(ck_stmt_text(st, 0), cols[i].type);
        assert_string_equal(ck_stmt_text(st, 1), cols[i].key);
        ck_stmt_reset(st);
    }

    /* Idempotent; a new one is picked up alone. */
    assert_int_equal(ck_db_migrate_list(db, list, 3, &applied), CK_DB_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM m_a"), 3);
    ck_migration more[] = {list[0], list[1], list[2], {"011_d.sql", "CREATE TABLE m_d (id {{ID}})"}};
    assert_int_equal(ck_db_migrate_list(db, more, 4, &applied), CK_DB_OK);
    assert_int_equal(applied, 1);
    assert_int_equal(ck_db_schema_version(db), 11);
    assert_int_equal(query_int(db, "SELECT count(*) FROM m_a"), 3);

    /* A recorded version under another name is refused. */
    ck_migration renamed[] = {{"001_other.sql", "SELECT 1"}};
    assert_int_equal(ck_db_migrate_list(db, renamed, 1, &applied), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "001_a.sql");
}

static void test_migration_errors(void **state)
{
    ck_db *db = fx_db(state);
    int applied = -1;
    ck_migration bad_name[] = {{"init.sql", "SELECT 1"}};
    assert_int_equal(ck_db_migrate_list(db, bad_name, 1, &applied), CK_DB_ERROR);
    assert_int_equal(applied, 0);
    assert_contains(ck_db_errmsg(db), "\"init.sql\"");
    ck_migration twice[] = {{"001_a.sql", "SELECT 1"}, {"1_b.sql", "SELECT 1"}};
    assert_int_equal(ck_db_migrate_list(db, twice, 2, &applied), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "same version");
    ck_migration token[] = {{"001_a.sql", "CREATE TABLE e_t (x {{TEXTY}})"}};
    assert_int_equal(ck_db_migrate_list(db, token, 1, &applied), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "001_a.sql");
    assert_contains(ck_db_errmsg(db), "{{TEXTY}}");
    assert_false(table_exists(db, "e_t"));

    /* The second fails half-way: its first statement is rolled back too. */
    ck_migration list[] = {
        {"001_a.sql", "CREATE TABLE f_a (x INTEGER)"},
        {"002_b.sql", "CREATE TABLE f_b (x INTEGER);\nINSERT INTO no_such_table VALUES (1)"},
        {"003_c.sql", "CREATE TABLE f_c (x INTEGER)"},
    };
    assert_int_equal(ck_db_migrate_list(db, list, 3, &applied), CK_DB_ERROR);
    assert_int_equal(applied, 1);
    assert_contains(ck_db_errmsg(db), "migration 002_b.sql failed");
    assert_contains(ck_db_errmsg(db), "no_such_table");
    assert_false(ck_db_in_tx(db));
    assert_true(table_exists(db, "f_a"));
    assert_false(table_exists(db, "f_b"));
    assert_false(table_exists(db, "f_c"));
    assert_int_equal(ck_db_schema_version(db), 1);

    list[1].sql = "CREATE TABLE f_b (x INTEGER)";
    assert_int_equal(ck_db_migrate_list(db, list, 3, &applied), CK_DB_OK);
    assert_int_equal(applied, 2);
    assert_int_equal(ck_db_schema_version(db), 3);
    assert_true(table_exists(db, "f_b"));

    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    assert_int_equal(ck_db_migrate_list(db, list, 3, &applied), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "outside a transaction");
    assert_int_equal(ck_db_rollback(db), CK_DB_OK);
}

/* The shipped migrations (whatever src/db/migrations holds) apply to an
 * empty database and leave the highest version recorded. */
static void test_embedded_migrations(void **state)
{
    ck_db *db = fx_db(state);
    static const char *dir = "src/db/migrations/";
    int count = 0, highest = 0;
    for (const ck_embedded_file *f = ck_embedded_files; f->path; f++) {
        if (strncmp(f->path, dir, strlen(dir)) != 0) continue;
        count++;
        int v = atoi(f->path + strlen(dir));
        if (v > highest) highest = v;
    }
    int applied = -1;
    if (ck_db_migrate(db, &applied) != CK_DB_OK) fail_msg("%s", ck_db_errmsg(db));
    assert_int_equal(applied, count);
    assert_int_equal(ck_db_schema_version(db), highest);
    assert_int_equal(ck_db_migrate(db, &applied), CK_DB_OK);
    assert_int_equal(applied, 0);
}

typedef struct racer {
    fx *f;
    const ck_migration *list;
    size_t n;
    pthread_barrier_t *go;
    int rc, applied;
    char err[512];
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    ck_db *db = fx_connect(r->f, r->err, sizeof r->err);
    pthread_barrier_wait(r->go);
    if (!db) { r->rc = CK_DB_ERROR; return NULL; }
    r->rc = ck_db_migrate_list(db, r->list, r->n, &r->applied);
    if (r->rc != CK_DB_OK) snprintf(r->err, sizeof r->err, "%s", ck_db_errmsg(db));
    ck_db_close(db);
    return NULL;
}

static void test_concurrent_migrations(void **state)
{
    ck_db *db = fx_db(state);
    ck_migration list[] = {
        {"001_a.sql", "CREATE TABLE r_a (id {{ID}}, n INTEGER)"},
        {"002_b.sql", "INSERT INTO r_a (n) VALUES (2)"},
        {"003_c.sql", "CREATE TABLE r_c (id {{ID}})"},
        {"004_d.sql", "INSERT INTO r_a (n) VALUES (4)"},
        {"005_e.sql", "CREATE INDEX r_a_n ON r_a (n)"},
    };
    enum { RACERS = 3 };
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, RACERS);
    racer r[RACERS];
    pthread_t t[RACERS];
    for (int i = 0; i < RACERS; i++) {
        r[i] = (racer){.f = *state, .list = list, .n = 5, .go = &go};
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    int total = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        if (r[i].rc != CK_DB_OK) fail_msg("racer %d: %s", i, r[i].err);
        total += r[i].applied;
    }
    pthread_barrier_destroy(&go);
    assert_int_equal(total, 5);
    assert_int_equal(ck_db_schema_version(db), 5);
    assert_int_equal(query_int(db, "SELECT count(*) FROM r_a"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM schema_migrations"), 5);
}

/* ---- SQLite: a second writer waits for the first ---------------------- */

typedef struct writer {
    fx *f;
    atomic_int ready, began;
    int begin_rc, seen, end_rc;
    char err[512];
} writer;

static void *second_writer(void *arg)
{
    writer *w = arg;
    ck_db *db = fx_connect(w->f, w->err, sizeof w->err);
    atomic_store(&w->ready, 1);
    if (!db) { w->begin_rc = CK_DB_ERROR; return NULL; }
    w->begin_rc = ck_db_begin_write(db);
    atomic_store(&w->began, 1);
    if (w->begin_rc == CK_DB_OK) {
        ck_stmt *st = ck_db_prepare(db, "SELECT count(*) FROM w");
        w->seen = st && ck_stmt_step(st) == CK_DB_ROW ? (int)ck_stmt_int(st, 0) : -1;
        ck_stmt_reset(st);
        w->end_rc = ck_db_exec(db, "INSERT INTO w (who) VALUES ('b')");
        if (w->end_rc == CK_DB_OK) w->end_rc = ck_db_commit(db);
    }
    if (w->begin_rc != CK_DB_OK || w->end_rc != CK_DB_OK) snprintf(w->err, sizeof w->err, "%s", ck_db_errmsg(db));
    ck_db_close(db);
    return NULL;
}

static void test_sqlite_writer_waits(void **state)
{
    ck_db *db = fx_db(state);
    exec_ok(db, "CREATE TABLE w (who TEXT)");
    assert_int_equal(ck_db_begin_write(db), CK_DB_OK);
    exec_ok(db, "INSERT INTO w (who) VALUES ('a')");

    writer w = {.f = *state};
    pthread_t t;
    pthread_create(&t, NULL, second_writer, &w);
    while (!atomic_load(&w.ready)) usleep(1000);
    /* Give the other writer time to reach BEGIN IMMEDIATE; whenever it gets
     * there, it cannot get the lock while this transaction holds it. */
    usleep(200 * 1000);
    assert_int_equal(atomic_load(&w.began), 0);
    assert_int_equal(ck_db_commit(db), CK_DB_OK);
    pthread_join(t, NULL);
    if (w.begin_rc != CK_DB_OK || w.end_rc != CK_DB_OK) fail_msg("second writer: %s", w.err);
    assert_int_equal(w.seen, 1); /* it began after our commit */
    assert_int_equal(query_int(db, "SELECT count(*) FROM w"), 2);
    assert_int_equal(query_int(db, "PRAGMA busy_timeout"), CK_DB_SQLITE_BUSY_MS);
    assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(query_int(db, "PRAGMA synchronous"), 1); /* NORMAL */
    ck_stmt *st = prepare_ok(db, "PRAGMA journal_mode");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_string_equal(ck_stmt_text(st, 0), "wal");
    ck_stmt_reset(st);
}

/* ---- errors ------------------------------------------------------------ */

static void test_errors(void **state)
{
    ck_db *db = fx_db(state);
    bool pg = ck_db_kind(db) == CK_DB_PG;

    assert_null(ck_db_prepare(db, "SELEC 1"));
    assert_contains(ck_db_errmsg(db), pg ? "SQLSTATE 42601" : "SQLite error 1 ");
    assert_contains(ck_db_errmsg(db), "[SQL: SELEC 1]");
    assert_null(ck_db_prepare(db, "SELECT 1; SELECT 2"));
    assert_int_equal(ck_db_exec(db, "SELECT * FROM no_such_table"), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "no_such_table");

    ck_stmt *st = prepare_ok(db, "SELECT CAST($1 AS INTEGER)");
    ck_stmt_bind_int(st, 2, 5);
    assert_int_equal(ck_stmt_step(st), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "parameter $2: no such placeholder (the statement has 1)");
    ck_stmt_reset(st);
    st = prepare_ok(db, "SELECT CAST($1 AS TEXT)");
    ck_stmt_bind_textn(st, 1, "a\0b", 3);
    assert_int_equal(ck_stmt_step(st), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "NUL");
    ck_stmt_reset(st);

    /* Binding mid-stream, stepping a statement given back. */
    st = prepare_ok(db, "SELECT 1 UNION ALL SELECT 2");
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    ck_stmt_bind_int(st, 1, 1);
    assert_int_equal(ck_stmt_step(st), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "bound after a step");
    ck_stmt_reset(st);
    assert_int_equal(ck_stmt_step(st), CK_DB_ERROR);
    assert_contains(ck_db_errmsg(db), "already given back");

    /* Stepping past the end does not run the statement again. */
    exec_ok(db, "CREATE TABLE once (x INTEGER)");
    st = prepare_ok(db, "INSERT INTO once (x) VALUES (1)");
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    assert_int_equal(ck_stmt_step(st), CK_DB_DONE);
    ck_stmt_reset(st);
    assert_int_equal(query_int(db, "SELECT count(*) FROM once"), 1);

    /* A value the server rejects is not repeated in the message. */
    if (pg) {
        st = prepare_ok(db, "SELECT CAST($1 AS INTEGER)");
        ck_stmt_bind_text(st, 1, "Secret-Value-77");
        assert_int_equal(ck_stmt_step(st), CK_DB_ERROR);
        ck_stmt_reset(st);
        assert_contains(ck_db_errmsg(db), "SQLSTATE 22P02");
        assert_lacks(ck_db_errmsg(db), "Secret-Value-77");
        st = prepare_ok(db, "SELECT CAST($1 AS DATE)");
        ck_stmt_bind_text(st, 1, "1961-13-45");
        assert_int_equal(ck_stmt_step(st), CK_DB_ERROR);
        ck_stmt_reset(st);
        assert_lacks(ck_db_errmsg(db), "1961");
    }

    char err[256];
    assert_null(ck_db_open("mysql://user:hunter2@host/db", err, sizeof err));
    assert_contains(err, "\"mysql\"");
    assert_lacks(err, "hunter2");
    assert_null(ck_db_open("sqlite:/nonexistent-dir-ck/x.db", err, sizeof err));
    assert_contains(err, "cannot open /nonexistent-dir-ck/x.db");
    assert_null(ck_db_open("postgresql:///nodb?host=/nonexistent-dir-ck&password=hunter2", err, sizeof err));
    assert_contains(err, "PostgreSQL: cannot connect:");
    assert_lacks(err, "hunter2");
    assert_null(ck_db_open(NULL, err, sizeof err));
    assert_contains(err, "empty");
}

static void test_ping_reconnect(void **state)
{
    ck_db *db = fx_db(state);
    assert_true(ck_db_ping(db));
    if (ck_db_kind(db) != CK_DB_PG) return;

    /* The server ends the session (a restart, an administrator): the next
     * statement fails, the one after reconnects, re-preparing cached
     * statements. */
    static const char *sql = "SELECT CAST($1 AS INTEGER) + 1";
    assert_int_equal(run_int(db, sql, 1), CK_DB_ROW);
    int64_t pid = query_int(db, "SELECT pg_backend_pid()");
    char err[256];
    ck_db *other = ck_db_open(((fx *)*state)->url, err, sizeof err);
    if (!other) fail_msg("%s", err);
    assert_int_equal(run_int(other, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))", pid), CK_DB_ROW);
    ck_db_close(other);

    assert_int_equal(run_int(db, sql, 2), CK_DB_ERROR);
    assert_true(ck_db_ping(db));
    ck_stmt *st = prepare_ok(db, sql);
    ck_stmt_bind_int(st, 1, 2);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    assert_int_equal(ck_stmt_int(st, 0), 3);
    ck_stmt_reset(st);
    assert_true(query_int(db, "SELECT pg_backend_pid()") != pid);
}


/* ---- WAL checkpoints off the commit path (ck_db_checkpointer) ---------------------- */

static int64_t wal_bytes(const fx *f)
{
    char path[128];
    snprintf(path, sizeof path, "%s/test.db-wal", f->dir);
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

static void test_checkpointer(void **state)
{
    fx *f = *state;
    ck_db *before = fx_db(state); /* opened before the checkpointer: SQLite's own checkpoints */
    char err[256] = "";
    ck_db_checkpointer *c = ck_db_checkpointer_start(f->url, 16, 1, err, sizeof err);
    if (!c) fail_msg("checkpointer: %s", err);
    uint64_t passive = 0, truncated = 0;
    if (f->kind == CK_DB_PG) { /* nothing to do there */
        ck_db_checkpointer_counts(c, &passive, &truncated);
        assert_int_equal(passive + truncated, 0);
        ck_db_checkpointer_stop(c);
        return;
    }
    assert_null(ck_db_checkpointer_start(f->url, 16, 1, err, sizeof err));
    assert_contains(err, "already runs");
    ck_db *w = fx_connect(f, err, sizeof err), *r = fx_connect(f, err, sizeof err);
    if (!w || !r) fail_msg("%s", err);
    /* A connection opened meanwhile never checkpoints in its commits. */
    assert_int_equal(query_int(w, "PRAGMA wal_autocheckpoint"), 0);
    assert_int_equal(query_int(before, "PRAGMA wal_autocheckpoint"), 1000);
    exec_ok(w, "CREATE TABLE big (v BLOB)");

    /* A reader's snapshot keeps the WAL from starting over, so it grows
     * past the bound (1 MiB) while the checkpointer copies what it may. */
    assert_int_equal(ck_db_begin_read(r), CK_DB_OK);
    assert_int_equal(query_int(r, "SELECT count(*) FROM big"), 0);
    for (int i = 0; i < 400; i++) exec_ok(w, "INSERT INTO big (v) VALUES (zeroblob(6000))");
    assert_true(wal_bytes(f) > (1 << 20));
    assert_int_equal(ck_db_rollback(r), CK_DB_OK);

    /* Reader gone: the next commit past the bound has the WAL emptied,
     * in the checkpointer's thread. */
    exec_ok(w, "INSERT INTO big (v) VALUES (zeroblob(6000))");
    for (int i = 0; i < 500 && (truncated == 0 || wal_bytes(f) > (1 << 20)); i++) {
        usleep(10 * 1000);
        ck_db_checkpointer_counts(c, &passive, &truncated);
    }
    assert_true(passive >= 1);
    assert_true(truncated >= 1);
    assert_true(wal_bytes(f) <= (1 << 20));
    assert_int_equal(query_int(r, "SELECT count(*) FROM big"), 401);

    /* A burst of commits, then a trickle: once the checkpointer has copied
     * the burst, a commit starts the WAL over and cuts the file back to the
     * bound (journal_size_limit), whatever the burst left. */
    for (int i = 0; i < 2000; i++) exec_ok(w, "INSERT INTO big (v) VALUES (zeroblob(3000))");
    for (int i = 0; i < 500 && wal_bytes(f) > (1 << 20); i++) {
        usleep(10 * 1000);
        exec_ok(w, "INSERT INTO big (v) VALUES (1)");
    }
    assert_true(wal_bytes(f) <= (1 << 20));
    assert_int_equal(query_int(w, "PRAGMA journal_size_limit"), 1 << 20);
    ck_db_close(w);
    ck_db_close(r);
    ck_db_checkpointer_stop(c);
    ck_db *after = fx_connect(f, err, sizeof err);
    if (!after) fail_msg("%s", err);
    assert_int_equal(query_int(after, "PRAGMA wal_autocheckpoint"), 1000);
    ck_db_close(after);
}

#define BOTH(fn)                                                                 \
    {"sqlite: " #fn, fn, fx_setup, fx_teardown, (void *)&kind_sqlite},           \
    {"postgresql: " #fn, fn, fx_setup, fx_teardown, (void *)&kind_pg}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_placeholders),
        BOTH(test_round_trip),
        BOTH(test_unicode),
        BOTH(test_transactions),
        BOTH(test_constraints),
        BOTH(test_cache),
        BOTH(test_stream),
        BOTH(test_migrations),
        BOTH(test_migration_errors),
        BOTH(test_embedded_migrations),
        BOTH(test_concurrent_migrations),
        BOTH(test_errors),
        BOTH(test_ping_reconnect),
        BOTH(test_checkpointer),
        {"sqlite: test_sqlite_writer_waits", test_sqlite_writer_waits, fx_setup, fx_teardown, (void *)&kind_sqlite},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
