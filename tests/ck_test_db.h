/* A fresh, migrated database per test on both backends (include after
 * ck_test.h): a SQLite file in a temp directory, and a PostgreSQL schema of
 * its own on CK_TEST_PG, dropped afterwards. Each URL opens that database
 * alone (PostgreSQL: search_path in the URL), so a CLI command run by the
 * test sees the same data. Two databases per test, for copies between them.
 * Without CK_TEST_PG the PostgreSQL half fails: scripts/run-tests.sh always
 * starts a server. */
#ifndef CK_TEST_DB_H
#define CK_TEST_DB_H
#include "ck_db.h"
#include <sys/stat.h>
#include <unistd.h>

#define CK_TEST_DBS 2

typedef struct ck_test_db {
    ck_db_backend kind;
    char dir[64];                /* SQLite: the temp directory */
    char url[CK_TEST_DBS][1024]; /* opens database i */
    char schema[CK_TEST_DBS][64];
    ck_db *db;                   /* open on database 0 */
    char missing[1024];          /* why there is no database */
} ck_test_db;

static const ck_db_backend ck_test_sqlite = CK_DB_SQLITE, ck_test_pg = CK_DB_PG;

static inline bool ck_test_db_migrate(ck_test_db *f, const char *url)
{
    ck_db *db = ck_db_open(url, f->missing, sizeof f->missing);
    if (!db) return false;
    bool ok = ck_db_migrate(db, NULL) == CK_DB_OK;
    if (!ok) snprintf(f->missing, sizeof f->missing, "migrate: %s", ck_db_errmsg(db));
    ck_db_close(db);
    return ok;
}

static inline int ck_test_db_setup(void **state)
{
    static int seq;
    ck_test_db *f = calloc(1, sizeof *f);
    f->kind = *(const ck_db_backend *)*state;
    *state = f;
    if (f->kind == CK_DB_SQLITE) {
        snprintf(f->dir, sizeof f->dir, "/tmp/ck-test-store.XXXXXX");
        if (!mkdtemp(f->dir)) {
            snprintf(f->missing, sizeof f->missing, "mkdtemp failed");
            return 0;
        }
        for (int i = 0; i < CK_TEST_DBS; i++) snprintf(f->url[i], sizeof f->url[i], "sqlite:%s/db%d", f->dir, i);
    } else {
        const char *pg = ck_test_pg_url();
        if (!pg || !*pg) {
            snprintf(f->missing, sizeof f->missing,
                     "CK_TEST_PG is not set: PostgreSQL tests need a server (scripts/run-tests.sh starts one)");
            return 0;
        }
        ck_db *admin = ck_db_open(pg, f->missing, sizeof f->missing);
        if (!admin) return 0;
        for (int i = 0; i < CK_TEST_DBS; i++) {
            char sql[128], schema[64];
            snprintf(schema, sizeof schema, "ck_store_%ld_%d_%d", (long)getpid(), ++seq, i);
            snprintf(f->schema[i], sizeof f->schema[i], "%s", schema);
            snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
            if (ck_db_exec(admin, sql) != CK_DB_OK) {
                snprintf(f->missing, sizeof f->missing, "%s", ck_db_errmsg(admin));
                f->schema[i][0] = '\0';
                break;
            }
            snprintf(f->url[i], sizeof f->url[i], "%s%coptions=-csearch_path%%3D%s", pg, strchr(pg, '?') ? '&' : '?',
                     schema);
        }
        ck_db_close(admin);
        if (f->missing[0]) return 0;
    }
    for (int i = 0; i < CK_TEST_DBS; i++)
        if (!ck_test_db_migrate(f, f->url[i])) return 0;
    f->db = ck_db_open(f->url[0], f->missing, sizeof f->missing);
    return 0;
}

static inline int ck_test_db_teardown(void **state)
{
    ck_test_db *f = *state;
    ck_db_close(f->db);
    if (f->kind == CK_DB_SQLITE && f->dir[0]) {
        const char *suffix[] = {"", "-wal", "-shm"};
        for (int i = 0; i < CK_TEST_DBS; i++)
            for (size_t k = 0; k < 3; k++) {
                char path[128];
                snprintf(path, sizeof path, "%s/db%d%s", f->dir, i, suffix[k]);
                unlink(path);
            }
        rmdir(f->dir);
    } else if (f->kind == CK_DB_PG) {
        char err[256];
        ck_db *admin = ck_db_open(ck_test_pg_url(), err, sizeof err);
        for (int i = 0; admin && i < CK_TEST_DBS; i++) {
            char sql[128];
            if (!f->schema[i][0]) continue;
            snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->schema[i]);
            ck_db_exec(admin, sql);
        }
        ck_db_close(admin);
    }
    free(f);
    return 0;
}

/* The test's open database 0; fails the test when there is none. */
static inline ck_db *ck_test_db_get(void **state)
{
    ck_test_db *f = *state;
    if (!f->db) fail_msg("no %s database: %s", f->kind == CK_DB_PG ? "PostgreSQL" : "SQLite", f->missing);
    return f->db;
}

/* The URL of database i of this test. */
static inline const char *ck_test_db_url(void **state, int i)
{
    ck_test_db_get(state);
    return ((ck_test_db *)*state)->url[i];
}

/* The first column of sql's first row as text into out ("" when no row or
 * NULL); fails the test when sql cannot be prepared. */
static inline void ck_test_db_text(ck_db *db, const char *sql, char *out, size_t n)
{
    ck_stmt *st = ck_db_prepare(db, sql);
    if (!st) fail_msg("%s: %s", sql, ck_db_errmsg(db));
    out[0] = '\0';
    if (ck_stmt_step(st) == CK_DB_ROW && ck_stmt_text(st, 0)) snprintf(out, n, "%s", ck_stmt_text(st, 0));
    ck_stmt_reset(st);
}

/* One test on both backends. */
#define CK_DB_TEST(fn)                                                                                     \
    {#fn " (sqlite)", fn, ck_test_db_setup, ck_test_db_teardown, (void *)&ck_test_sqlite},                \
    {#fn " (postgresql)", fn, ck_test_db_setup, ck_test_db_teardown, (void *)&ck_test_pg}

#endif
