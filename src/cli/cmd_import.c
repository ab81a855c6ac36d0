/* casekeeper import: organisation records and case bundles into the
 * database, each file all-or-nothing in one transaction, with the case's
 * obligations computed in the same transaction. */
#include "ck_audit.h"
#include "ck_bundle.h"
#include "ck_cases.h"
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include "ck_json_arena.h"
#include "ck_org.h"
#include "ck_org_codec.h"
#include "ck_par.h"
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CMD "import"
#define ORG_FILE "organisation.jsonl"
/* A bundle is kilobytes; this bounds what a wrong file (a disk image, one
 * endless line) can make us hold. */
#define INPUT_LIMIT ((size_t)64 << 20)
/* Cases read, parsed and evaluated on worker threads while the previous
 * block is written: enough that a block's statements carry hundreds of rows
 * each, few enough that two blocks stay tens of MiB. */
#define BLOCK 512
/* Seconds between progress lines on standard error. */
#define PROGRESS_EVERY 5.0

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
            "FILE:LINE: path: message. Each case's obligations are computed at DATE. Each\n"
            "file's import is audited in its transaction: who ran it (cli:USER), the file's\n"
            "SHA-256 and every CRN it created.\n"
            "\n"
            "  --db URL       sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "                 sqlite:casekeeper.db)\n"
            "  --as-of DATE   the date obligations are computed at (default: today)\n"
            "  --quiet        no progress lines (every few seconds: cases written, how much\n"
            "                 of the input is read, the rate, and when the indexes are built)\n"
            "\n"
            "Exit status: 0 every file imported; 1 the database failed; 2 bad options or a bad\n"
            "file (the others are still imported).\n");
}

typedef struct importer {
    ck_db *db;
    ck_principal by; /* the operator, as the audit log names them */
    ck_engine eng;
    ck_date as_of;
    size_t cases;   /* imported, all files */
    bool bad_input; /* some file was refused */
    bool db_failed;
    bool quiet;     /* no progress lines */
    ck_progress prog;                 /* the whole run's, across files */
    uint64_t bytes_total, bytes_read; /* of every input file */
    size_t files_total, files_done;
} importer;

typedef struct file_run {
    importer *im;
    const char *path;
    ck_org_import *org; /* set for an organisation file */
    size_t ok, bad;
    bool db_broken;     /* the transaction failed: lines are only checked from here on */
    ck_progress prog;
    char **crns;        /* the cases written, for the audit log */
    size_t n_crns;
    /* Of every byte read, for the audit log: hashed as the lines are read,
     * so the workers need not wait for a pass over the file first. */
    crypto_hash_sha256_state sha;
} file_run;

static void created(file_run *f, const char *crn)
{
    f->crns = ck_realloc(f->crns, (f->n_crns + 1) * sizeof *f->crns);
    f->crns[f->n_crns++] = ck_strdup(crn);
}

/* A block of case lines of a JSON lines file. */
typedef struct block {
    file_run *f;
    size_t n;
    char *lines[BLOCK];
    size_t lens[BLOCK], line_no[BLOCK];
    ck_case *cases[BLOCK];
    ck_prepared prep[BLOCK];
    ck_par *par; /* parsing and evaluating, until ck_par_wait */
} block;

/* A line every few seconds: what the import is doing, how far it is
 * through its input and how fast it goes. Cases are parsed and evaluated on
 * worker threads while the block before them is written, so reading and
 * writing are one phase. */
static void progress(file_run *f)
{
    importer *im = f->im;
    if (im->quiet || !ck_progress_due(&im->prog, PROGRESS_EVERY)) return;
    double secs = ck_progress_elapsed(&im->prog);
    size_t done = im->cases + (f->org ? 0 : f->ok);
    double pct = im->bytes_total ? 100.0 * (double)im->bytes_read / (double)im->bytes_total : 100.0;
    fprintf(stderr,
            "casekeeper " CMD ": %s: %zu cases written, file %zu of %zu, %.0f%% of %.0f MiB read, %.0f cases/s, "
            "%.0fs elapsed\n",
            f->org ? "organisation records" : "reading and writing cases", done, im->files_done + 1, im->files_total,
            pct, (double)im->bytes_total / 1048576.0, secs > 0 ? (double)done / secs : 0.0, secs);
}

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
        if (rc == CK_OK && c && !f->db_broken) created(f, c->crn);
        ck_case_free(c);
    }
    if (rc == CK_ERR_DB) f->db_broken = true;
    if (rc != CK_OK) report(f, line, err);
    else f->ok++;
    progress(f);
}


/* Worker thread: one line of a block parsed and evaluated. */
static void prepare_line(void *ctx, size_t i)
{
    block *b = ctx;
    ck_prepared *p = &b->prep[i];
    b->cases[i] = ck_bundle_parse(b->lines[i], b->lens[i], p->err, sizeof p->err);
    if (b->cases[i]) {
        ck_cases_prepare(&b->f->im->eng, b->cases[i], b->f->im->as_of, p);
    } else {
        p->c = NULL;
        p->r = NULL;
        p->rc = CK_ERR_INVALID;
    }
}

/* Waits for block b's workers, writes its cases and reports its lines in
 * order; b is empty again after. */
static void write_block(block *b)
{
    file_run *f = b->f;
    ck_par_wait(b->par);
    b->par = NULL;
    if (!f->db_broken) {
        char err[2048];
        if (ck_cases_insert_prepared(f->im->db, b->prep, b->n, f->im->as_of, err, sizeof err) != CK_OK) {
            report(f, b->line_no[0], err);
            f->db_broken = true;
        }
    }
    for (size_t i = 0; i < b->n; i++) {
        /* After a database failure a valid case was not written: the
         * failure is reported once, above, and the file is refused. */
        if (b->prep[i].rc != CK_OK) {
            report(f, b->line_no[i], b->prep[i].err);
        } else if (!f->db_broken) {
            f->ok++;
            created(f, b->cases[i]->crn);
        }
        ck_prepared_clear(&b->prep[i]);
        ck_case_free(b->cases[i]);
        ck_free(b->lines[i]);
    }
    progress(f);
    b->n = 0;
}

/* Starts the workers on a full (or last) block, after writing the block
 * before it, which they overlap with. */
static void submit_block(block *blocks, int *cur)
{
    block *b = &blocks[*cur], *prev = &blocks[!*cur];
    if (b->n) b->par = ck_par_start(b->n, ck_par_threads(), prepare_line, b);
    if (prev->n) write_block(prev);
    *cur = !*cur;
}

static void add_line(block *blocks, int *cur, size_t no, const char *line, size_t len)
{
    block *b = &blocks[*cur];
    b->lines[b->n] = ck_strndup(line, len);
    b->lens[b->n] = len;
    b->line_no[b->n++] = no;
    if (b->n == BLOCK) submit_block(blocks, cur);
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
    block *blocks = ck_calloc(2, sizeof *blocks);
    blocks[0].f = blocks[1].f = f;
    int cur = 0;
    while ((n = getline(&line, &cap, in)) >= 0) {
        no++;
        f->im->bytes_read += (uint64_t)n;
        crypto_hash_sha256_update(&f->sha, (const unsigned char *)line, (unsigned long long)n);
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
        if (f->org) put_record(f, no, line, (size_t)n);
        else add_line(blocks, &cur, no, line, (size_t)n);
    }
    submit_block(blocks, &cur); /* the last, partial block */
    submit_block(blocks, &cur); /* writes it */
    ck_free(blocks);
    free(line);
    if (ferror(in)) {
        report(f, 0, strerror(errno));
        return;
    }
    if (!decided || lines_mode) return;
    /* One bundle over many lines: read it whole, and hash it from its start. */
    rewind(in);
    crypto_hash_sha256_init(&f->sha);
    ck_buf all;
    ck_buf_init(&all, INPUT_LIMIT);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) {
        crypto_hash_sha256_update(&f->sha, (const unsigned char *)chunk, got);
        if (!ck_buf_append(&all, chunk, got)) break;
    }
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

/* The SHA-256 of what f read, as hex. */
static void file_sha256(file_run *f, char out[2 * crypto_hash_sha256_BYTES + 1])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&f->sha, digest);
    sodium_bin2hex(out, 2 * crypto_hash_sha256_BYTES + 1, digest, sizeof digest);
}

/* Inside the file's transaction: who imported which file (its SHA-256),
 * then one entry per case it created, so `audit search --crn` finds how a
 * case arrived. An import never replaces a case (a CRN already stored is a
 * bad line), so there are no replaced ones to name. */
static ck_rc audit_import(file_run *f, const char *sha, char *err, size_t err_len)
{
    char detail[160];
    snprintf(detail, sizeof detail, "sha256=%s %s=%zu", sha, f->org ? "records" : "cases", f->ok);
    size_t n = 1 + f->n_crns;
    ck_audit_note *notes = ck_calloc(n, sizeof *notes);
    notes[0] = (ck_audit_note){f->org ? "import.organisation" : "import", NULL, f->path, detail};
    for (size_t i = 0; i < f->n_crns; i++) notes[i + 1] = (ck_audit_note){"case.import", f->crns[i], f->path, NULL};
    ck_rc rc = ck_audit_append_notes(f->im->db, &f->im->by, notes, n, err, err_len);
    ck_free(notes);
    return rc;
}

static void file_run_free(file_run *f)
{
    for (size_t i = 0; i < f->n_crns; i++) ck_free(f->crns[i]);
    ck_free(f->crns);
}

static void import_file(importer *im, const char *path)
{
    file_run f = {.im = im, .path = path};
    FILE *in = fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        im->bad_input = true;
        return;
    }
    char err[1024], sha[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256_init(&f.sha);
    if (ck_db_begin_write(im->db) != CK_DB_OK) {
        fprintf(stderr, "%s: %s\n", path, ck_db_errmsg(im->db));
        im->db_failed = true;
        fclose(in);
        return;
    }
    if (is_org_file(path)) f.org = ck_org_import_new(im->db);
    /* One bump of every worklist page's version for the file, not one per
     * obligation row (store/ck_worklist). */
    if (ck_worklist_bulk_begin(im->db, err, sizeof err) != CK_OK) {
        report(&f, 0, err);
        f.db_broken = true;
    }
    ck_progress_start(&f.prog, path, f.org ? "records" : "cases");
    if (f.bad == 0) read_lines(&f, in);
    fclose(in);
    file_sha256(&f, sha);
    if (f.bad == 0 && ck_worklist_bulk_end(im->db, err, sizeof err) != CK_OK) {
        report(&f, 0, err);
        f.db_broken = true;
    }
    if (f.bad == 0 && audit_import(&f, sha, err, sizeof err) != CK_OK) {
        report(&f, 0, err);
        f.db_broken = true;
    }
    ck_org_import_free(f.org);
    file_run_free(&f);
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

/* The files to import in order, listed before the first is opened so that
 * progress can say how far through them all the import is. */
typedef struct inputs {
    char **paths;
    size_t n;
} inputs;

static void add_input(importer *im, inputs *in, const char *path)
{
    in->paths = ck_realloc(in->paths, (in->n + 1) * sizeof *in->paths);
    in->paths[in->n++] = ck_strdup(path);
    struct stat sb;
    if (stat(path, &sb) == 0 && sb.st_size > 0) im->bytes_total += (uint64_t)sb.st_size;
}

/* A directory: organisation.jsonl first, then the other *.jsonl by name. */
static void expand_dir(importer *im, inputs *in, const char *dir)
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
        add_input(im, in, ck_buf_cstr(&path));
    }
    for (size_t i = 0; i < n; i++) {
        ck_buf_reset(&path);
        ck_buf_printf(&path, "%s/%s", dir, names[i]);
        add_input(im, in, ck_buf_cstr(&path));
        ck_free(names[i]);
    }
    if (!org && n == 0) fprintf(stderr, "%s: no *.jsonl files\n", dir);
    ck_free(names);
    ck_buf_free(&path);
}

/* The index build's progress: which index of how many it has reached,
 * when a line is due (one statement per index, each up to minutes long). */
static void index_each(void *ctx, size_t i, size_t n)
{
    importer *im = ctx;
    if (im->quiet || i == 0 || !ck_progress_due(&im->prog, PROGRESS_EVERY)) return;
    fprintf(stderr, "casekeeper " CMD ": building indexes: %zu of %zu built, %.0fs elapsed\n", i, n,
            ck_progress_elapsed(&im->prog));
}

static int run(importer *im, const char *url, const char **paths, size_t n_paths)
{
    im->db = ck_cli_store_open(CMD, url);
    if (!im->db) return 1;
    /* Before the parsing threads start: each parses its bundles in an arena. */
    ck_json_arena_install();
    char err[1024];
    ck_bulk bulk;
    if (ck_cases_bulk_begin(im->db, &bulk, err, sizeof err) != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        ck_db_close(im->db);
        return 1;
    }
    bulk.each = index_each;
    bulk.ctx = im;
    inputs in = {NULL, 0};
    for (size_t i = 0; i < n_paths; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) expand_dir(im, &in, paths[i]);
        else add_input(im, &in, paths[i]);
    }
    im->files_total = in.n;
    ck_progress_start(&im->prog, CMD, "cases");
    for (size_t i = 0; i < in.n; i++) {
        import_file(im, in.paths[i]);
        im->files_done++;
        ck_free(in.paths[i]);
    }
    ck_free(in.paths);
    /* One statement per index, minutes long at national scale: said before
     * it starts, timed after. */
    if (!im->quiet && bulk.deferred)
        fprintf(stderr, "casekeeper " CMD ": building indexes (%zu cases written in %.0fs)\n", im->cases,
                ck_progress_elapsed(&im->prog));
    ck_progress prog;
    ck_progress_start(&prog, "indexes", "");
    if (ck_cases_bulk_end(im->db, &bulk, err, sizeof err) != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        im->db_failed = true;
    } else if (ck_progress_elapsed(&prog) >= 1.0) {
        fprintf(stderr, "casekeeper %s: indexes built in %.2fs\n", CMD, ck_progress_elapsed(&prog));
    }
    if (im->cases && !im->db_failed) {
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
    importer im = {.eng = ck_engine_default(), .as_of = ck_date_today()};
    ck_cli_admin_principal(&im.by);
    const char **paths = ck_calloc((size_t)argc, sizeof *paths);
    size_t n_paths = 0;
    const ck_cli_optdef opts[] = {{"--db", .val = &db_opt}, {"--as-of", .val = &as_of}, {"--quiet", .flag = &im.quiet}};
    const ck_cli_spec spec = {.cmd = CMD,
                              .opts = opts,
                              .n_opts = sizeof opts / sizeof *opts,
                              .help = help,
                              .wording = CK_CLI_UNKNOWN_USAGE,
                              .pos = paths,
                              .n_pos = &n_paths,
                              .max_pos = (size_t)argc};
    int rc = ck_cli_parse(&spec, argc, argv);
    if (rc == CK_CLI_GO && as_of && !ck_cli_parse_date(CMD, "--as-of", as_of, &im.as_of)) rc = 2;
    if (rc == CK_CLI_GO && n_paths == 0) {
        ck_cli_error(CMD, "expected at least one FILE or DIR");
        ck_cli_usage(CMD, stderr);
        rc = 2;
    }
    if (rc == CK_CLI_GO) rc = run(&im, ck_cli_db_url(db_opt), paths, n_paths);
    ck_free(paths);
    return rc;
}
