/* casekeeper migrate / import / export / recompute on SQLite and PostgreSQL:
 * a bad line imports nothing and is named, organisation directories, export
 * then import round trips, recompute_all. */
#include "ck_test.h"
#include "ck_jobs.h"
#include "ck_txn.h"
#include <time.h>
#include "ck_test_cli.h"
#include "ck_test_db.h"
#include "ck_test_json.h"
#include "ck_test_store.h"
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_cli.h"
#include "ck_org.h"
#include <fcntl.h>
#include <sodium.h>

#define EXAMPLE "tests/data/bundle_example.json"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) fail_msg("cannot write %s", path);
}

/* The example bundle on one line with another CRN (and optional edits). */
static char *example_line(const char *crn, const char *surname)
{
    json_t *j = json_load_file(EXAMPLE, 0, NULL);
    assert_non_null(j);
    json_object_set_new(j, "crn", json_string(crn));
    if (surname) json_object_set_new(json_object_get(j, "person"), "surname", json_string(surname));
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

/* Whether the audit log holds an "import" entry for `path` whose detail
 * starts with the SHA-256 of the file's bytes, as `sha256sum` gives it. */
static bool audited_sha(ck_db *db, const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char chunk[4096], digest[crypto_hash_sha256_BYTES];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) crypto_hash_sha256_update(&h, chunk, got);
    fclose(f);
    crypto_hash_sha256_final(&h, digest);
    char want[16 + 2 * crypto_hash_sha256_BYTES + 1] = "sha256=";
    sodium_bin2hex(want + 7, sizeof want - 7, digest, sizeof digest);
    ck_stmt *st = ck_db_prepare(db, "SELECT COUNT(*) FROM \"audit_log\" WHERE \"action\" = 'import' "
                                    "AND \"record\" = $1 AND \"detail\" LIKE $2");
    assert_non_null(st);
    strcat(want, " %");
    ck_stmt_bind_text(st, 1, path);
    ck_stmt_bind_text(st, 2, want);
    assert_int_equal(ck_stmt_step(st), CK_DB_ROW);
    int64_t n = ck_stmt_int(st, 0);
    ck_stmt_reset(st);
    return n == 1;
}

static size_t case_count(ck_db *db)
{
    char err[512];
    size_t n = 0;
    if (ck_cases_count(db, &n, err, sizeof err) != CK_OK) fail_msg("%s", err);
    return n;
}

typedef struct tmpdir {
    char path[64];
} tmpdir;

static void tmpdir_make(tmpdir *t)
{
    snprintf(t->path, sizeof t->path, "/tmp/ck-test-import.XXXXXX");
    if (!mkdtemp(t->path)) fail_msg("mkdtemp failed");
}

static void tmpdir_file(const tmpdir *t, const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", t->path, name);
}

static void tmpdir_remove(tmpdir *t)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->path);
    if (system(cmd) != 0) fail_msg("%s failed", cmd);
}

static void test_bad_line(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    tmpdir t;
    tmpdir_make(&t);
    char path[128], err[8192];
    tmpdir_file(&t, "cases.jsonl", path, sizeof path);
    char *a = example_line("A000001", NULL), *b = example_line("A000002", NULL), *c = example_line("A000001", NULL);
    char *bad = example_line("A000003", NULL);
    char *at = strstr(bad, "\"custody\"");
    assert_non_null(at);
    memcpy(at, "\"custard\"", 9);
    /* v3: a recall outside its licence is a bad record too. */
    char *recall = example_line("A000004", NULL);
    at = strstr(recall, "\"recalls\":[]");
    assert_non_null(at);
    char recall_line[16384];
    snprintf(recall_line, sizeof recall_line, "%.*s\"recalls\": [{\"id\": \"RC1\", \"event\": \"E1\", \"date\": \"2026-08-01\"}]%s",
             (int)(at - recall), recall, at + strlen("\"recalls\":[]"));
    free(recall);
    char text[65536];
    snprintf(text, sizeof text, "%s\n%s\n\n%s\n%s\n%s\n", a, bad, recall_line, b, c);
    write_file(path, text);
    const char *args[] = {"import", "--db", url, "--as-of", "2025-11-03", path, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, args), 2);
    char want[256];
    snprintf(want, sizeof want, "%s:2: events[0].sentence.type: \"custard\" is not one of", path);
    if (!strstr(err, want)) fail_msg("stderr lacks \"%s\":\n%s", want, err);
    snprintf(want, sizeof want,
             "%s:4: recalls[0].date: 2026-08-01 is not within the licence as sentenced of event E1 "
             "(outside 2025-09-05..2026-07-05)", path);
    if (!strstr(err, want)) fail_msg("stderr lacks \"%s\":\n%s", want, err);
    snprintf(want, sizeof want, "%s:6: crn: a case with CRN A000001 already exists", path);
    if (!strstr(err, want)) fail_msg("stderr lacks \"%s\":\n%s", want, err);
    assert_non_null(strstr(err, "nothing imported (3 bad records)"));
    assert_int_equal(case_count(db), 0);

    /* Fixed, the same file imports whole; into a database without cases
     * the indexes were deferred, and the build is announced before it runs. */
    snprintf(text, sizeof text, "%s\n\n%s\n", a, b);
    write_file(path, text);
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, args), 0);
    assert_int_equal(case_count(db), 2);
    if (!strstr(err, "casekeeper import: building indexes (2 cases written in ")) fail_msg("no build line:\n%s", err);
    /* The audit names the file by the SHA-256 of every byte of it, blank
     * lines included, hashed as the lines are read. */
    assert_true(audited_sha(db, path));
    /* A pretty-printed bundle is one record; its errors name the path. Into
     * a database with cases nothing is deferred: no build. */
    const char *one[] = {"import", "--db", url, EXAMPLE, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, one), 0);
    assert_int_equal(case_count(db), 3);
    if (strstr(err, "building indexes")) fail_msg("a build without deferred indexes:\n%s", err);
    assert_true(audited_sha(db, EXAMPLE)); /* read twice: the first line, then whole */
    tmpdir_file(&t, "pretty.json", path, sizeof path);
    write_file(path, "{\n  \"crn\": \"B000001\",\n  \"person\": {\"gender\": \"Q\"}\n}\n");
    const char *pretty[] = {"import", "--db", url, path, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, pretty), 2);
    snprintf(want, sizeof want, "%s: person.gender: ", path);
    if (!strstr(err, want)) fail_msg("stderr lacks \"%s\":\n%s", want, err);
    assert_int_equal(case_count(db), 3);
    free(a), free(b), free(c), free(bad);
    tmpdir_remove(&t);
}

static const char org_text[] =
    "{\"kind\": \"region\", \"code\": \"LDN\", \"name\": \"London\"}\n"
    "{\"kind\": \"pdu\", \"code\": \"P1\", \"region\": \"LDN\", \"name\": \"Camden and Islington\"}\n"
    "{\"kind\": \"team\", \"code\": \"T1\", \"pdu\": \"P1\", \"name\": \"Camden 1\", \"office\": \"Camden\"}\n"
    "{\"kind\": \"staff\", \"code\": \"N07P001\", \"team\": \"T1\", \"grade\": \"PO\", \"forename\": \"Ann\", "
    "\"surname\": \"One\", \"contracted_hours\": 22.5, \"agency\": true, \"start_date\": \"2020-01-06\", "
    "\"reductions\": [{\"hours\": 7.5, \"reason\": \"union duties\", \"from\": \"2025-01-01\"}]}\n"
    "{\"kind\": \"vacancy\", \"team\": \"T1\", \"grade\": \"PSO\", \"since\": \"2025-06-01\"}\n"
    "{\"kind\": \"vacancy\", \"team\": \"T1\", \"grade\": \"PO\"}\n";

static void test_org_directory(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    tmpdir t;
    tmpdir_make(&t);
    char path[128], err[8192], text[65536];
    tmpdir_file(&t, "organisation.jsonl", path, sizeof path);
    write_file(path, org_text);
    char *a = example_line("A000001", "Alpha"), *b = example_line("A000002", "Beta");
    snprintf(text, sizeof text, "%s\n", a);
    tmpdir_file(&t, "cases-002.jsonl", path, sizeof path);
    write_file(path, text);
    snprintf(text, sizeof text, "%s\n", b);
    tmpdir_file(&t, "cases-001.jsonl", path, sizeof path);
    write_file(path, text);
    const char *args[] = {"import", "--db", url, "--as-of", "2025-11-03", "--quiet", t.path, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, args), 0);
    /* --quiet: no progress, but each file's outcome still. */
    if (strstr(err, "building indexes")) fail_msg("progress despite --quiet:\n%s", err);
    /* The organisation first, then the case files in name order. */
    char *org_at = strstr(err, "organisation.jsonl: imported 6 records");
    char *one_at = strstr(err, "cases-001.jsonl: imported 1 cases"), *two_at = strstr(err, "cases-002.jsonl");
    if (!org_at || !one_at || !two_at || !(org_at < one_at && one_at < two_at)) fail_msg("order:\n%s", err);
    assert_int_equal(case_count(db), 2);

    ck_arena ar;
    ck_arena_init(&ar);
    ck_org_record r;
    assert_int_equal(ck_org_get(db, CK_ORG_STAFF, "N07P001", &ar, &r, err, sizeof err), CK_OK);
    assert_true(r.contracted_hours == 22.5);
    assert_true(r.agency);
    assert_int_equal(r.start_date, ck_test_date("2020-01-06"));
    assert_int_equal(r.n_reductions, 1);
    assert_true(r.reductions[0].hours == 7.5);
    assert_string_equal(r.reductions[0].reason, "union duties");
    ck_arena_free(&ar);
    /* The example's allocation is to N07P001 of T1 in P1: both cases are on
     * the PDU's worklist. */
    ck_worklist_query q = {.pdu = "P1", .as_of = ck_test_date("2025-11-03"), .limit = 1000};
    ck_worklist *w = NULL;
    assert_int_equal(ck_cases_worklist(db, &q, &w, err, sizeof err), CK_OK);
    assert_true(w->total > 0);
    bool alpha = false, beta = false;
    for (size_t i = 0; i < w->n; i++) {
        alpha = alpha || strcmp(w->items[i].crn, "A000001") == 0;
        beta = beta || strcmp(w->items[i].crn, "A000002") == 0;
        assert_string_equal(w->items[i].team, "T1");
    }
    assert_true(alpha && beta);
    ck_worklist_free(w);

    /* A line naming a team not yet imported, and one with a bad number:
     * both named, nothing of that file kept. */
    tmpdir_file(&t, "organisation.jsonl", path, sizeof path);
    write_file(path, "{\"kind\": \"team\", \"code\": \"T2\", \"pdu\": \"P1\", \"name\": \"Camden 2\"}\n"
                     "{\"kind\": \"staff\", \"code\": \"N07P009\", \"team\": \"T9\", \"grade\": \"PO\", "
                     "\"forename\": \"X\", \"surname\": \"Y\"}\n"
                     "{\"kind\": \"staff\", \"code\": \"N07P008\", \"team\": \"T2\", \"grade\": \"PO\", "
                     "\"forename\": \"X\", \"surname\": \"Y\", \"contracted_hours\": -3}\n");
    const char *org_only[] = {"import", "--db", url, path, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, org_only), 2);
    char want[256];
    snprintf(want, sizeof want, "%s:2: staff.team: \"T9\" is not the code of a team", path);
    if (!strstr(err, want)) fail_msg("stderr lacks \"%s\":\n%s", want, err);
    snprintf(want, sizeof want, "%s:3: staff.contracted_hours: expected a number of hours", path);
    if (!strstr(err, want)) fail_msg("stderr lacks \"%s\":\n%s", want, err);
    ck_arena_init(&ar);
    assert_int_equal(ck_org_get(db, CK_ORG_TEAM, "T2", &ar, &r, err, sizeof err), CK_ERR_NOTFOUND);
    ck_arena_free(&ar);
    free(a), free(b);
    tmpdir_remove(&t);
}

static char *slurp_or_fail(const char *path)
{
    char *s = ck_test_slurp(path, NULL);
    if (!s) fail_msg("cannot read %s", path);
    return s;
}

static void test_export_import(void **state)
{
    ck_test_db_get(state);
    const char *url0 = ck_test_db_url(state, 0), *url1 = ck_test_db_url(state, 1);
    tmpdir t;
    tmpdir_make(&t);
    char err[8192], out1[128], out2[128], examples[512];
    snprintf(examples, sizeof examples, "%s/examples/01_easter_2025_co.json", CK_SHARED_DIR);
    const char *imp[] = {"import", "--db", url0, "--as-of", "2025-11-03", EXAMPLE, examples, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, imp), 0);
    tmpdir_file(&t, "one.jsonl", out1, sizeof out1);
    tmpdir_file(&t, "two.jsonl", out2, sizeof out2);
    const char *exp1[] = {"export", "--db", url0, "--out", out1, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_export, exp1), 0);
    const char *imp2[] = {"import", "--db", url1, "--as-of", "2025-11-03", out1, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, imp2), 0);
    const char *exp2[] = {"export", "--db", url1, "--out", out2, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_export, exp2), 0);
    char *one = slurp_or_fail(out1), *two = slurp_or_fail(out2);
    assert_string_equal(one, two);
    /* In CRN order, each line the canonical form of what was imported. */
    const char *files[] = {examples, EXAMPLE};
    char *line = one;
    for (int i = 0; i < 2; i++) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        char msg[512];
        ck_case *got = ck_bundle_parse(line, strlen(line), msg, sizeof msg), *want = NULL;
        char *text = slurp_or_fail(files[i]);
        want = ck_bundle_parse(text, strlen(text), msg, sizeof msg);
        assert_non_null(got);
        assert_non_null(want);
        json_t *g = ck_bundle_to_json(got, 0), *w = ck_bundle_to_json(want, 0);
        ck_assert_json_equal(g, w);
        json_decref(g), json_decref(w);
        ck_case_free(got), ck_case_free(want);
        free(text);
        line = nl + 1;
    }
    assert_string_equal(line, "");
    /* Importing the export again: every CRN exists, nothing changes. */
    const char *again[] = {"import", "--db", url1, out1, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, again), 2);
    assert_non_null(strstr(err, ":1: crn: a case with CRN S000001 already exists"));
    free(one), free(two);
    tmpdir_remove(&t);
}

typedef struct progress_log {
    size_t calls, done, total;
} progress_log;

static void on_progress(void *ctx, size_t done, size_t total)
{
    progress_log *p = ctx;
    assert_true(done > p->done);
    p->calls++;
    p->done = done;
    p->total = total;
}

static void test_recompute_all(void **state)
{
    ck_db *db = ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    ck_engine eng = ck_engine_default();
    ck_date first = ck_test_date("2025-06-01"), later = ck_test_date("2026-03-02");
    char err[8192];
    static const char *const crns[] = {"R000001", "R000002", "R000003", "R000004", "R000005"};
    for (int i = 0; i < 5; i++) {
        char *line = example_line(crns[i], NULL);
        ck_case *c = ck_bundle_parse(line, strlen(line), err, sizeof err);
        assert_non_null(c);
        /* The second case's allocation ends before the later date. */
        if (i == 1) c->allocations[0].to = ck_test_date("2025-12-31");
        assert_int_equal(ck_cases_create(db, &eng, c, first, err, sizeof err), CK_OK);
        ck_case_free(c);
        free(line);
    }
    ck_date d;
    assert_int_equal(ck_cases_recomputed_on(db, &d, err, sizeof err), CK_ERR_NOTFOUND);
    progress_log p = {0};
    assert_int_equal(ck_cases_recompute_all(db, &eng, later, 2, on_progress, &p, err, sizeof err), CK_OK);
    assert_int_equal(p.calls, 3);
    assert_int_equal(p.done, 5);
    assert_int_equal(p.total, 5);
    for (int i = 0; i < 5; i++) ck_test_expect_fresh(db, crns[i], later);
    assert_int_equal(ck_cases_recomputed_on(db, &d, err, sizeof err), CK_OK);
    assert_int_equal(d, later);
    /* The holder moved with the date: R000002 has no current allocation. */
    ck_worklist_query q = {.staff = "N07P001", .as_of = later, .limit = 1000,
                           .statuses = 0xf};
    ck_worklist *w = NULL;
    assert_int_equal(ck_cases_worklist(db, &q, &w, err, sizeof err), CK_OK);
    assert_true(w->n > 0);
    for (size_t i = 0; i < w->n; i++) assert_string_not_equal(w->items[i].crn, "R000002");
    ck_worklist_free(w);

    /* The command evaluates only the cases whose next change has come by
     * then, says how many it evaluated and changed and how long 10,000
     * take, and leaves every case as fresh as evaluating all of them. */
    const char *args[] = {"recompute", "--db", url, "--as-of", "2026-04-01", "--batch", "3", NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, args), 0);
    assert_non_null(strstr(err, "5 of 5 cases evaluated at 2026-04-01 (those whose next change had come), 5 changed"));
    assert_non_null(strstr(err, "per 10,000 evaluated"));
    for (int i = 0; i < 5; i++) ck_test_expect_fresh(db, crns[i], ck_test_date("2026-04-01"));
    /* Each case's next change is after the date it was evaluated at. */
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, args), 0);
    assert_non_null(strstr(err, "0 of 5 cases evaluated at 2026-04-01 (those whose next change had come), 0 changed"));
    /* --all evaluates every case and finds nothing left to change. */
    const char *all[] = {"recompute", "--db", url, "--as-of", "2026-04-01", "--all", NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, all), 0);
    assert_non_null(strstr(err, "5 of 5 cases evaluated at 2026-04-01 (every case), 0 changed"));
    const char *bad[] = {"recompute", "--db", url, "--batch", "0", NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, bad), 2);

    /* Under the nightly lease, as the server's nightly job: while a server
     * holds it the command says who and until when, and changes nothing. */
    bool held = false;
    int64_t until = (int64_t)time(NULL) + 3600;
    assert_int_equal(ck_txn_begin_write(db, err, sizeof err), CK_OK);
    assert_int_equal(ck_txn_finish(db, ck_jobs_lease(db, "nightly", "server-a:42:x", until - 3600, until, &held, err,
                                                     sizeof err), err, sizeof err), CK_OK);
    assert_true(held);
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, all), 3);
    assert_non_null(strstr(err, "another run holds the nightly lease: server-a:42:x, until "));
    assert_null(strstr(err, "cases evaluated"));
    /* Given back, the command takes it, and gives it back when done. */
    assert_int_equal(ck_txn_begin_write(db, err, sizeof err), CK_OK);
    assert_int_equal(ck_txn_finish(db, ck_jobs_release(db, "nightly", "server-a:42:x", err, sizeof err), err,
                                   sizeof err), CK_OK);
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, all), 0);
    char holder[CK_JOB_NAME_MAX];
    assert_int_equal(ck_jobs_lease_holder(db, "nightly", holder, sizeof holder, &until, err, sizeof err), CK_OK);
    assert_string_equal(holder, "");

    /* On SQLite a pass over the due cases copies the WAL in a checkpointer
     * of its own, as the server does (db/ck_db.h), not in its batches'
     * commits: one per file per process, so while this test runs one for
     * the file the command cannot start its own and says so. A full pass
     * (--all) leaves the copies to its commits and starts none. */
    if (ck_db_kind(db) == CK_DB_SQLITE) {
        ck_db_checkpointer *c = ck_db_checkpointer_start(url, 1000, 64, err, sizeof err);
        if (!c) fail_msg("checkpointer: %s", err);
        int due_rc = ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, args);
        char due_err[sizeof err];
        snprintf(due_err, sizeof due_err, "%s", err);
        int all_rc = ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, all);
        ck_db_checkpointer_stop(c);
        assert_int_equal(due_rc, 1);
        assert_non_null(strstr(due_err, "checkpointer"));
        assert_int_equal(all_rc, 0);
        assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_recompute, args), 0);
    }
}

static void test_cli_usage(void **state)
{
    ck_test_db_get(state);
    const char *url = ck_test_db_url(state, 0);
    char err[8192];
    const char *migrate[] = {"migrate", "--db", url, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_migrate, migrate), 0);
    assert_non_null(strstr(err, "0 migrations applied"));
    const char *no_paths[] = {"import", "--db", url, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, no_paths), 2);
    const char *no_value[] = {"export", "--db", NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_export, no_value), 2);
    assert_non_null(strstr(err, "--db needs a value"));
    const char *bad_date[] = {"import", "--db", url, "--as-of", "2025-02-30", EXAMPLE, NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, bad_date), 2);
    const char *missing[] = {"import", "--db", url, "/nonexistent/cases.jsonl", NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_import, missing), 2);
    assert_non_null(strstr(err, "/nonexistent/cases.jsonl: No such file"));
    /* An unmigrated database is refused with the way out. */
    const char *fresh[] = {"export", "--db", "sqlite:/nonexistent-dir/x.db", NULL};
    assert_int_equal(ck_test_run_cmd(err, sizeof err, ck_cmd_export, fresh), 1);
    int saved = dup(1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    for (const char *const *c = (const char *const[]){"migrate", "import", "export", "recompute", NULL}; *c; c++) {
        const char *help[] = {*c, "--help", NULL};
        int (*fn)(int, char **) = strcmp(*c, "migrate") == 0 ? ck_cmd_migrate
                                : strcmp(*c, "import") == 0  ? ck_cmd_import
                                : strcmp(*c, "export") == 0  ? ck_cmd_export
                                                             : ck_cmd_recompute;
        assert_int_equal(ck_test_run_cmd(err, sizeof err, fn, help), 0);
    }
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(null);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CK_DB_TEST(test_bad_line),
        CK_DB_TEST(test_org_directory),
        CK_DB_TEST(test_export_import),
        CK_DB_TEST(test_recompute_all),
        CK_DB_TEST(test_cli_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
