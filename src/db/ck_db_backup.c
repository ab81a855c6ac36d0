/* ck_db_backup: backup and restore of a whole database (see ck_db_backup.h). */
#include "ck_db_backup.h"
#include "ck_db.h"
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }
static bool is_pg(const char *url) { return starts(url, "postgresql://") || starts(url, "postgres://"); }

/* ---- Backup files ------------------------------------------------------ */

typedef enum file_kind { FILE_UNKNOWN, FILE_SQLITE, FILE_PG_DUMP } file_kind;

/* What a backup file is, by its first bytes; FILE_UNKNOWN with errno when it
 * cannot be read. */
static file_kind kind_of_file(const char *path)
{
    unsigned char head[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return FILE_UNKNOWN;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    errno = 0;
    if (n == 16 && memcmp(head, "SQLite format 3", 16) == 0) return FILE_SQLITE;
    if (n >= 5 && memcmp(head, "PGDMP", 5) == 0) return FILE_PG_DUMP;
    return FILE_UNKNOWN;
}

/* ---- SQLite ------------------------------------------------------------ */

/* Copies database "main" of src into dst in one step (one snapshot of src),
 * retrying while another connection holds a lock that blocks it. */
static bool sqlite_copy(sqlite3 *dst, sqlite3 *src, char *err, size_t err_len)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        snprintf(err, err_len, "%s", sqlite3_errmsg(dst));
        return false;
    }
    int rc;
    for (int tries = 0;; tries++) {
        rc = sqlite3_backup_step(b, -1);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 500) break;
        sqlite3_sleep(10);
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(err, err_len, "copying the database: %s", sqlite3_errstr(rc));
        return false;
    }
    return true;
}

static sqlite3 *sqlite_open(const char *path, int flags, char *err, size_t err_len)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "%s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, CK_DB_SQLITE_BUSY_MS);
    return h;
}

static bool sqlite_backup(const char *path, const char *out, char *err, size_t err_len)
{
    char partial[4096];
    if ((size_t)snprintf(partial, sizeof partial, "%s.partial", out) >= sizeof partial) {
        snprintf(err, err_len, "--out: path too long");
        return false;
    }
    if (access(path, F_OK) != 0) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return false;
    }
    sqlite3 *src = sqlite_open(path, SQLITE_OPEN_READONLY, err, err_len);
    if (!src) return false;
    unlink(partial);
    sqlite3 *dst = sqlite_open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, err_len);
    bool ok = dst && sqlite_copy(dst, src, err, err_len);
    sqlite3_close(src);
    /* One self-contained file: the copy keeps no write-ahead log. */
    if (ok && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "%s: %s", partial, sqlite3_errmsg(dst));
        ok = false;
    }
    if (dst && sqlite3_close(dst) != SQLITE_OK && ok) {
        snprintf(err, err_len, "%s: could not close", partial);
        ok = false;
    }
    if (ok) {
        int fd = open(partial, O_RDONLY | O_CLOEXEC);
        ok = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0) close(fd);
        if (!ok) snprintf(err, err_len, "%s: %s", partial, strerror(errno));
    }
    if (ok && rename(partial, out) != 0) {
        snprintf(err, err_len, "%s: %s", out, strerror(errno));
        ok = false;
    }
    if (!ok) unlink(partial);
    return ok;
}

/* The number of tables a database holds (-1 on error, with err). */
static long count_tables(const char *url, char *err, size_t err_len)
{
    ck_db *db = ck_db_open(url, err, err_len);
    if (!db) return -1;
    const char *sql = ck_db_kind(db) == CK_DB_PG
                          ? "SELECT count(*) FROM information_schema.tables "
                            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                          : "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
    long n = -1;
    ck_stmt *st = ck_db_prepare(db, sql);
    if (st && ck_stmt_step(st) == CK_DB_ROW) n = (long)ck_stmt_int(st, 0);
    if (n < 0) snprintf(err, err_len, "counting the tables: %s", ck_db_errmsg(db));
    ck_stmt_reset(st);
    ck_db_close(db);
    return n;
}

static bool sqlite_restore(const char *path, const char *from, char *err, size_t err_len)
{
    sqlite3 *src = sqlite_open(from, SQLITE_OPEN_READONLY, err, err_len);
    if (!src) return false;
    bool ok = sqlite3_exec(src, "PRAGMA quick_check", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) snprintf(err, err_len, "--from %s: not a whole SQLite database: %s", from, sqlite3_errmsg(src));
    sqlite3 *dst = ok ? sqlite_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, err_len) : NULL;
    ok = dst && sqlite_copy(dst, src, err, err_len);
    /* The server's mode again (ck_db_open sets it too). */
    if (ok && sqlite3_exec(dst, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "%s: %s", path, sqlite3_errmsg(dst));
        ok = false;
    }
    sqlite3_close(dst);
    sqlite3_close(src);
    return ok;
}

/* ---- PostgreSQL: pg_dump and pg_restore -------------------------------- */

/* Runs argv[0] from PATH and waits; true when it exits 0. Its messages go to
 * our standard error. */
static bool run_tool(char *const argv[], char *err, size_t err_len)
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0) {
        snprintf(err, err_len, "%s could not be run: %s (Debian: apt-get install postgresql-client)", argv[0],
                 strerror(rc));
        return false;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(err, err_len, "%s: %s", argv[0], strerror(errno));
            return false;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    if (WIFEXITED(status)) snprintf(err, err_len, "%s failed (exit status %d; its message is above)", argv[0], WEXITSTATUS(status));
    else snprintf(err, err_len, "%s was killed by signal %d", argv[0], WTERMSIG(status));
    return false;
}

static bool pg_backup(const char *url, const char *out, char *err, size_t err_len)
{
    char partial[4096], dbname[4096], file[4200];
    if ((size_t)snprintf(partial, sizeof partial, "%s.partial", out) >= sizeof partial ||
        (size_t)snprintf(dbname, sizeof dbname, "--dbname=%s", url) >= sizeof dbname) {
        snprintf(err, err_len, "path or URL too long");
        return false;
    }
    snprintf(file, sizeof file, "--file=%s", partial);
    char *argv[] = {"pg_dump", "--format=custom", "--no-password", file, dbname, NULL};
    bool ok = run_tool(argv, err, err_len);
    if (ok && rename(partial, out) != 0) {
        snprintf(err, err_len, "%s: %s", out, strerror(errno));
        ok = false;
    }
    if (!ok) unlink(partial);
    return ok;
}

static bool pg_restore(const char *url, const char *from, bool force, char *err, size_t err_len)
{
    char dbname[4096], file[4096];
    /* "./" keeps a relative name that starts with "-" from reading as an option. */
    if ((size_t)snprintf(dbname, sizeof dbname, "--dbname=%s", url) >= sizeof dbname ||
        (size_t)snprintf(file, sizeof file, "%s%s", from[0] == '/' ? "" : "./", from) >= sizeof file) {
        snprintf(err, err_len, "path or URL too long");
        return false;
    }
    char *argv[11];
    size_t n = 0;
    argv[n++] = "pg_restore";
    argv[n++] = "--single-transaction";
    argv[n++] = "--exit-on-error";
    argv[n++] = "--no-owner";
    argv[n++] = "--no-privileges";
    argv[n++] = "--no-password";
    if (force) {
        argv[n++] = "--clean";
        argv[n++] = "--if-exists";
    }
    argv[n++] = dbname;
    argv[n++] = file;
    argv[n] = NULL;
    return run_tool(argv, err, err_len);
}

/* ---- The interface ----------------------------------------------------- */

bool ck_db_backup(const char *url, const char *out, char *err, size_t err_len)
{
    if (is_pg(url)) return pg_backup(url, out, err, err_len);
    if (starts(url, "sqlite:")) return sqlite_backup(url + strlen("sqlite:"), out, err, err_len);
    snprintf(err, err_len, "--db: expected sqlite:PATH or postgresql://...");
    return false;
}

ck_db_restore_rc ck_db_restore(const char *url, const char *from, bool force, char *err, size_t err_len)
{
    bool pg = is_pg(url);
    if (!pg && !starts(url, "sqlite:")) {
        snprintf(err, err_len, "--db: expected sqlite:PATH or postgresql://...");
        return CK_RESTORE_FAILED;
    }
    file_kind k = kind_of_file(from);
    if (k == FILE_UNKNOWN) {
        snprintf(err, err_len, "--from %s: %s", from,
                 errno ? strerror(errno) : "not a backup (neither a SQLite database nor a pg_dump custom-format file)");
        return CK_RESTORE_FAILED;
    }
    if ((k == FILE_PG_DUMP) != pg) {
        snprintf(err, err_len, "--from %s is a %s backup but --db is a %s database", from,
                 k == FILE_PG_DUMP ? "PostgreSQL" : "SQLite", pg ? "PostgreSQL" : "SQLite");
        return CK_RESTORE_FAILED;
    }
    if (!pg && strcmp(url + strlen("sqlite:"), ":memory:") == 0) {
        snprintf(err, err_len, "--db: restoring into :memory: keeps nothing");
        return CK_RESTORE_FAILED;
    }
    long tables = count_tables(url, err, err_len);
    if (tables < 0) return CK_RESTORE_FAILED;
    if (tables > 0 && !force) {
        snprintf(err, err_len, "--db: the database is not empty (%ld table%s); restore into a new database, or give "
                               "--force to replace its content", tables, tables == 1 ? "" : "s");
        return CK_RESTORE_NOT_EMPTY;
    }
    bool ok = pg ? pg_restore(url, from, force, err, err_len)
                 : sqlite_restore(url + strlen("sqlite:"), from, err, err_len);
    return ok ? CK_RESTORE_OK : CK_RESTORE_FAILED;
}
