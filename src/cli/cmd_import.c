/* casekeeper import: organisation records and case bundles into the
 * database, each file all-or-nothing in one transaction, with the case's
 * obligations computed in the same transaction. */
#include "ck_bundle.h"
#include "ck_cli.h"
#include "ck_cli_store.h"
#include "ck_org.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CMD "import"
#define ORG_FILE "organisation.jsonl"
/* A bundle is kilobytes; this bounds what a wrong file (a disk image, one
 * endless line) can make us hold. */
#define INPUT_LIMIT ((size_t)64 << 20)
#define IMPORT_CACHE "-262144" /* SQLite page cache in KiB: 256 MiB */

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Imports case bundles and organisation records (docs/formats.md). A FILE holds one\n"
            "bundle (pretty-printed or not) or JSON lines, one bundle a line; a file named\n"
            "organisation.jsonl holds organisation records. A DIR means its organisation.jsonl\n"
            "first, then every other *.jsonl in name order. Each file is one transaction: a\n"
            "file with any bad line imports nothing, and every bad line is reported as\n"
            "FILE:LINE: path: message. Each case's obligations are computed at DATE.\n"
            "\n"
            "  --db URL       sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "                 sqlite:casekeeper.db)\n"
            "  --as-of DATE   the date obligations are computed at (default: today)\n"
            "\n"
            "Exit status: 0 every file imported; 1 the database failed; 2 bad options or a bad\n"
            "file (the others are still imported).\n");
}

typedef struct importer {
    ck_db *db;
    ck_engine eng;
    ck_date as_of;
    size_t cases;   /* imported, all files */
    bool bad_input; /* some file was refused */
    bool db_failed;
} importer;

typedef struct file_run {
    importer *im;
    const char *path;
    ck_org_import *org; /* set for an organisation file */
    size_t ok, bad;
    bool db_broken;     /* the transaction failed: lines are only checked from here on */
    ck_progress prog;
} file_run;

static void report(file_run *f, size_t line, const char *msg)
{
    if (line) fprintf(stderr, "%s:%zu: %s\n", f->path, line, msg);
    else fprintf(stderr, "%s: %s\n", f->path, msg);
    f->bad++;
}

/* One record: an organisation line or a case bundle. */
static void put_record(file_run *f, size_t line, const char *text, size_t len)
{
    char err[2048];
    ck_rc rc;
    if (f->org) {
        ck_arena a;
        ck_arena_init(&a);
        ck_org_record r;
        rc = ck_org_parse(text, len, &a, &r, err, sizeof err);
        if (rc == CK_OK && !f->db_broken) rc = ck_org_import_put(f->org, &r, err, sizeof err);
        ck_arena_free(&a);
    } else {
        ck_case *c = ck_bundle_parse(text, len, err, sizeof err);
        rc = c ? CK_OK : CK_ERR_INVALID;
        if (c && !f->db_broken) rc = ck_cases_insert(f->im->db, &f->im->eng, c, f->im->as_of, err, sizeof err);
        ck_case_free(c);
    }
    if (rc == CK_ERR_DB) f->db_broken = true;
    if (rc != CK_OK) report(f, line, err);
    else f->ok++;
    ck_progress_tick(&f->prog, f->ok + f->bad, 0);
}

static bool blank_line(const char *s, size_t n) { return strspn(s, " \t\r\n") >= n; }

/* Whether `line` is a whole JSON object: then the file is JSON lines, else
 * one pretty-printed bundle. */
static bool whole_object(const char *line, size_t n)
{
    json_error_t je;
    json_t *v = json_loadb(line, n, 0, &je);
    bool yes = json_is_object(v);
    json_decref(v);
    return yes;
}

static void read_lines(file_run *f, FILE *in)
{
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t n;
    bool lines_mode = f->org != NULL, decided = f->org != NULL;
    while ((n = getline(&line, &cap, in)) >= 0) {
        no++;
        if (blank_line(line, (size_t)n)) continue;
        if (!decided) {
            decided = true;
            lines_mode = whole_object(line, (size_t)n);
            if (!lines_mode) break;
        }
        if ((size_t)n > INPUT_LIMIT) {
            char msg[96];
            snprintf(msg, sizeof msg, "line longer than %zu MiB; expected one record", INPUT_LIMIT >> 20);
            report(f, no, msg);
            continue;
        }
        put_record(f, no, line, (size_t)n);
    }
    free(line);
    if (ferror(in)) {
        report(f, 0, strerror(errno));
        return;
    }
    if (!decided || lines_mode) return;
    /* One bundle over many lines: read it whole. */
    rewind(in);
    ck_buf all;
    ck_buf_init(&all, INPUT_LIMIT);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (!ck_buf_append(&all, chunk, got)) break;
    if (all.overflowed) {
        char msg[96];
        snprintf(msg, sizeof msg, "larger than %zu MiB; expected one case bundle or JSON lines", INPUT_LIMIT >> 20);
        report(f, 0, msg);
    } else {
        put_record(f, 0, ck_buf_cstr(&all), all.len);
    }
    ck_buf_free(&all);
}

static bool is_org_file(const char *path)
{
    const char *base = strrchr(path, '/');
    return strcmp(base ? base + 1 : path, ORG_FILE) == 0;
}

static void import_file(importer *im, const char *path)
{
    file_run f = {im, path, NULL, 0, 0, false, {0}};
    FILE *in = fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        im->bad_input = true;
        return;
    }
    char err[1024];
    if (ck_db_begin(im->db) != CK_DB_OK) {
        fprintf(stderr, "%s: %s\n", path, ck_db_errmsg(im->db));
        im->db_failed = true;
        fclose(in);
        return;
    }
    if (is_org_file(path)) f.org = ck_org_import_new(im->db);
    ck_progress_start(&f.prog, path, f.org ? "records" : "cases");
    read_lines(&f, in);
    fclose(in);
    ck_org_import_free(f.org);
    if (f.bad == 0 && ck_db_commit(im->db) != CK_DB_OK) {
        snprintf(err, sizeof err, "%s", ck_db_errmsg(im->db));
        report(&f, 0, err);
        f.db_broken = true;
    }
    if (f.bad) {
        ck_db_rollback(im->db);
        fprintf(stderr, "%s: nothing imported (%zu bad record%s)\n", path, f.bad, f.bad == 1 ? "" : "s");
        if (f.db_broken) im->db_failed = true;
        else im->bad_input = true;
        return;
    }
    double secs = ck_progress_elapsed(&f.prog);
    fprintf(stderr, "%s: imported %zu %s in %.2fs (%.0f/s)\n", path, f.ok, f.prog.unit, secs,
            secs > 0 ? (double)f.ok / secs : 0.0);
    if (!f.org) im->cases += f.ok;
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A directory: organisation.jsonl first, then the other *.jsonl by name. */
static void import_dir(importer *im, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        im->bad_input = true;
        return;
    }
    char **names = NULL;
    size_t n = 0;
    bool org = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!has_suffix(e->d_name, ".jsonl")) continue;
        if (strcmp(e->d_name, ORG_FILE) == 0) {
            org = true;
            continue;
        }
        names = ck_realloc(names, (n + 1) * sizeof *names);
        names[n++] = ck_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    ck_buf path = CK_BUF_INIT;
    if (org) {
        ck_buf_printf(&path, "%s/%s", dir, ORG_FILE);
        import_file(im, ck_buf_cstr(&path));
    }
    for (size_t i = 0; i < n; i++) {
        ck_buf_reset(&path);
        ck_buf_printf(&path, "%s/%s", dir, names[i]);
        import_file(im, ck_buf_cstr(&path));
        ck_free(names[i]);
    }
    if (!org && n == 0) fprintf(stderr, "%s: no *.jsonl files\n", dir);
    ck_free(names);
    ck_buf_free(&path);
}

static int run(importer *im, const char *url, char **paths, size_t n_paths)
{
    im->db = ck_cli_store_open(CMD, url);
    if (!im->db) return 1;
    /* A file is one transaction: SQLite keeps its pages in memory rather
     * than spilling them to the WAL again and again (a third of the time). */
    if (ck_db_kind(im->db) == CK_DB_SQLITE) ck_db_exec(im->db, "PRAGMA cache_size = " IMPORT_CACHE);
    for (size_t i = 0; i < n_paths; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) import_dir(im, paths[i]);
        else import_file(im, paths[i]);
    }
    if (im->cases && !im->db_failed) {
        char err[1024];
        if (ck_cases_note_import(im->db, im->as_of, err, sizeof err) != CK_OK) {
            ck_cli_error(CMD, "%s", err);
            im->db_failed = true;
        }
    }
    ck_db_close(im->db);
    return im->db_failed ? 1 : im->bad_input ? 2 : 0;
}

int ck_cmd_import(int argc, char **argv)
{
    const char *db_opt = NULL, *as_of = NULL;
    importer im = {NULL, ck_engine_default(), ck_date_today(), 0, false, false};
    char **paths = ck_calloc((size_t)argc, sizeof *paths);
    size_t n_paths = 0;
    int rc = -1; /* -1: carry on */
    for (int i = 1; i < argc && rc < 0; i++) {
        int got;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            rc = 0;
        } else if ((got = ck_cli_opt(CMD, argc, argv, &i, "--db", &db_opt)) ||
                   (got = ck_cli_opt(CMD, argc, argv, &i, "--as-of", &as_of))) {
            if (got < 0) rc = 2;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            ck_cli_error(CMD, "unknown option \"%s\"", argv[i]);
            ck_cli_usage(CMD, stderr);
            rc = 2;
        } else {
            paths[n_paths++] = argv[i];
        }
    }
    if (rc < 0 && as_of && !ck_cli_parse_date(CMD, "--as-of", as_of, &im.as_of)) rc = 2;
    if (rc < 0 && n_paths == 0) {
        ck_cli_error(CMD, "expected at least one FILE or DIR");
        ck_cli_usage(CMD, stderr);
        rc = 2;
    }
    if (rc < 0) rc = run(&im, ck_cli_db_url(db_opt), paths, n_paths);
    ck_free(paths);
    return rc;
}
