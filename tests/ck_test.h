/* Shared test helpers. cmocka needs these system headers first. */
#ifndef CK_TEST_H
#define CK_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ck_date.h"

/* Database URLs every storage test runs against: a fresh SQLite file and, when
 * the test runner started one (CK_TEST_PG), PostgreSQL. Under `make test` the
 * runner always provides PostgreSQL; a test that needs it and finds it missing
 * fails (see ck_test_require_pg). */
static inline const char *ck_test_pg_url(void) { return getenv("CK_TEST_PG"); }

/* Reads a whole file into a malloc'd NUL-terminated buffer (NULL on error). */
static inline char *ck_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) { buf[n] = '\0'; if (len) *len = (size_t)n; }
    return buf;
}

/* The date s (YYYY-MM-DD); a bad one fails the test. */
static inline ck_date ck_test_date(const char *s)
{
    ck_date d = CK_NODATE;
    if (!ck_date_parse(s, strlen(s), &d)) fail_msg("bad date %s", s);
    return d;
}

/* Runs child(ctx) in a forked process, which is expected either to be
 * killed with SIGKILL (as `kill -9` would, from a hook inside the code under
 * test) or to return 0; any other end fails the test. True when it was
 * killed. The child's return value is its exit status. */
static inline bool ck_test_killed_child(int (*child)(void *ctx), void *ctx)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) _exit(child(ctx));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return true;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail_msg("the child failed (status %d)", status);
    return false;
}

/* The project's shared folder (../shared: the rulebook's worked examples and
 * the GOV.UK bank holidays) is not part of a clone, so the tests read their
 * copy of what they use, tests/shared/ (same layout). test_examples checks
 * that copy against ../shared whenever a checkout sits beside it.
 * CK_SHARED_DIR points the tests at another folder of that layout. */
#define CK_SHARED_DIR (getenv("CK_SHARED_DIR") ? getenv("CK_SHARED_DIR") : "tests/shared")
/* Where the upstream shared folder is looked for (the copy's drift check). */
#define CK_SHARED_UPSTREAM (getenv("CK_SHARED_UPSTREAM") ? getenv("CK_SHARED_UPSTREAM") : "../shared")

#endif
