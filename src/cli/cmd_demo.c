/* casekeeper demo: Synthetic London in a fresh SQLite database, served.
 *
 * Generates London at today's date (gen/ck_gen), loads it in process
 * (gen/ck_gen_load: the importer's own code, obligations computed on the
 * way), adds one account for each role, linked to staff of one PDU, and runs
 * the same server as `serve` (cli/ck_cli_serve) over plain http on a
 * loopback address. What `make run` runs.
 *
 * The database is throwaway: it is rebuilt on every run, and only a file
 * this command made is ever replaced. Such a file carries DEMO_APP_ID in
 * the SQLite header's application-id field, which can be read without
 * opening (let alone changing) a file that is not ours. */
#include "ck_auth.h"
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_serve.h"
#include "ck_cli_store.h"
#include "ck_gen_load.h"
#include "ck_http.h"
#include "ck_users.h"
#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "demo"
#define DEFAULT_DB "sqlite:demo/casekeeper.db"
#define DEMO_APP_ID 0x436b446d /* "CkDm" */
#define SQLITE_HEADER "SQLite format 3"
#define APP_ID_OFFSET 68 /* of the big-endian application id in the 100-byte header */

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Builds Synthetic London (casekeeper generate) at DATE in a fresh SQLite database,\n"
            "with every case's obligations, and serves it as `casekeeper serve` does. Prints\n"
            "progress on standard error, then \"listening on URL\" and the accounts to sign in\n"
            "with, one for each role, linked to staff of one PDU, on standard output. Serves\n"
            "plain http, so only on a loopback address. Stop it with Ctrl-C.\n"
            "\n"
            "  --db sqlite:PATH     the database (default %s); an existing file is\n"
            "                       replaced only if an earlier `casekeeper demo` made it\n"
            "  --listen HOST:PORT   a loopback address to bind (default " CK_SERVE_DEFAULT_LISTEN ";\n"
            "                       port 0 picks a free one)\n"
            "  --as-of DATE         the date the data describes and the server's date\n"
            "                       (default: today)\n"
            "  --scale S            london (%d people; default) or a number of people\n"
            "  --demo-password PW   the password of every demo account (default: one is made\n"
            "                       up and printed at the start)\n"
            "  --rules-config FILE  key = value overrides of config/rules.conf for the server\n"
            "                       (make run: config/demo-notify.conf, reminders to the fake Notify)\n"
            "\n"
            "Exit status: 0 stopped by a signal; 1 the demo could not be built or served;\n"
            "2 bad options, or --db names a file the demo did not make.\n",
            DEFAULT_DB, CK_GEN_LONDON_CASES);
}

typedef struct options {
    const char *db, *listen, *scale, *password, *config;
    ck_date as_of;
    bool pinned; /* --as-of given: the server keeps that date */
} options;

/* CK_CLI_GO to go on, else the exit status. */
static int parse_options(int argc, char **argv, options *o)
{
    const char *as_of = NULL;
    const ck_cli_optdef opts[] = {{"--db", .val = &o->db},
                                  {"--listen", .val = &o->listen},
                                  {"--as-of", .val = &as_of},
                                  {"--scale", .val = &o->scale},
                                  {"--demo-password", .val = &o->password},
                                  {"--rules-config", .val = &o->config}};
    int rc = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNKNOWN_ARG);
    if (rc != CK_CLI_GO) return rc;
    o->as_of = ck_date_today();
    if (as_of && !ck_cli_parse_date(CMD, "--as-of", as_of, &o->as_of)) return 2;
    o->pinned = as_of != NULL;
    if (!o->db) o->db = DEFAULT_DB;
    const char *path = o->db + strlen("sqlite:");
    if (strncmp(o->db, "sqlite:", 7) != 0 || !*path || strcmp(path, ":memory:") == 0) {
        ck_cli_error(CMD, "--db: expected sqlite:PATH (a file: the demo builds its own SQLite database), got \"%s\"",
                     o->db);
        return 2;
    }
    char why[256];
    if (o->password && !ck_password_ok(o->password, why, sizeof why)) {
        ck_cli_error(CMD, "--demo-password: %s", why);
        return 2;
    }
    return CK_CLI_GO;
}

/* Whether HOST:PORT can be bound now: the build takes a while, and an
 * address in use should be said before it, not after. */
static bool can_listen(const char *host, uint16_t port)
{
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai = NULL;
    int gai = getaddrinfo(host, service, &hints, &ai);
    if (gai != 0) {
        ck_cli_error(CMD, "--listen %s: %s", host, gai_strerror(gai));
        return false;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol), one = 1;
    bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
              bind(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    if (!ok)
        ck_cli_error(CMD, "--listen %s:%s: %s (is a demo already running? --listen %s:0 picks a free port)", host,
                     service, strerror(errno), host);
    if (fd >= 0) close(fd);
    freeaddrinfo(ai);
    return ok;
}

/* ---- The database file ------------------------------------------------------------ */

/* Whether path is a database an earlier demo made; false with why otherwise. */
static bool made_by_demo(const char *path, char *why, size_t why_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "%s", strerror(errno));
        return false;
    }
    unsigned char h[100];
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n < sizeof h || memcmp(h, SQLITE_HEADER, sizeof SQLITE_HEADER) != 0) {
        snprintf(why, why_len, "it is not an SQLite database");
        return false;
    }
    const unsigned char *p = h + APP_ID_OFFSET;
    uint32_t id = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    if (id != DEMO_APP_ID) {
        snprintf(why, why_len, "it is an SQLite database that casekeeper demo did not make");
        return false;
    }
    return true;
}

/* Makes the directories above path. */
static bool make_parents(const char *path)
{
    char *dir = ck_strdup(path);
    bool ok = true;
    for (char *p = strchr(dir + 1, '/'); ok && p; p = strchr(p + 1, '/')) {
        *p = '\0';
        ok = mkdir(dir, 0777) == 0 || errno == EEXIST;
        if (!ok) ck_cli_error(CMD, "--db: cannot create %s: %s", dir, strerror(errno));
        *p = '/';
    }
    ck_free(dir);
    return ok;
}

/* Clears the way for a new database at path: removes a previous demo's,
 * refuses anything else. 0, or the exit status. */
static int clear_path(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char side[4096], why[256];
    struct stat sb;
    if (snprintf(side, sizeof side, "%s-wal", path) >= (int)sizeof side) {
        ck_cli_error(CMD, "--db: the path is too long");
        return 2;
    }
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT) {
            ck_cli_error(CMD, "--db %s: %s", path, strerror(errno));
            return 1;
        }
        /* A log without its database would be replayed into the new one. */
        if (access(side, F_OK) == 0) {
            ck_cli_error(CMD, "--db: %s exists without %s; remove it if it is an old demo's", side, path);
            return 2;
        }
        return make_parents(path) ? 0 : 1;
    }
    if (!S_ISREG(sb.st_mode) || !made_by_demo(path, why, sizeof why)) {
        if (!S_ISREG(sb.st_mode)) snprintf(why, sizeof why, "it is not a regular file");
        ck_cli_error(CMD, "refusing to replace %s: %s. Give another --db, or remove it yourself", path, why);
        return 2;
    }
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(side, sizeof side, "%s%s", path, suffix[i]);
        if (unlink(side) != 0 && errno != ENOENT) {
            ck_cli_error(CMD, "cannot remove the previous demo's %s: %s", side, strerror(errno));
            return 1;
        }
    }
    return 0;
}

/* A new, migrated, marked database, tuned for one bulk load: nothing in it
 * is worth an fsync or a write-ahead log, since a crash means building it
 * again. The WAL would take every page the load dirties over and over (tens
 * of gigabytes written for London); the rollback journal in memory writes
 * each page once per transaction. finish_db puts the WAL back. */
static ck_db *create_db(const char *url)
{
    char err[1024];
    ck_db *db = ck_db_open(url, err, sizeof err);
    if (!db) {
        ck_cli_error(CMD, "--db: %s", err);
        return NULL;
    }
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode = MEMORY; PRAGMA application_id = %d; PRAGMA synchronous = OFF", DEMO_APP_ID);
    if (ck_db_exec(db, pragmas) != CK_DB_OK || ck_db_migrate(db, NULL) != CK_DB_OK) {
        ck_cli_error(CMD, "creating the database: %s", ck_db_errmsg(db));
        ck_db_close(db);
        return NULL;
    }
    return db;
}

/* Back to what every other connection expects (ck_db.h): WAL, and writes
 * that reach the disk. */
static bool finish_db(ck_db *db)
{
    if (ck_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL") == CK_DB_OK) return true;
    ck_cli_error(CMD, "%s", ck_db_errmsg(db));
    return false;
}

/* ---- Who to sign in as ------------------------------------------------------------- */

/* The staff grade each role's account is linked to; NULL: the role works
 * without a staff record (ck_role_needs_staff). */
static const char *const GRADE[CK_ROLE_COUNT] = {
    [CK_ROLE_PRACTITIONER] = "PO", [CK_ROLE_SPO] = "SPO", [CK_ROLE_HEAD_OF_PDU] = "head_of_pdu",
    [CK_ROLE_COURT_OFFICER] = "court_officer", [CK_ROLE_VLO] = "VLO",
};

typedef struct demo_cast {
    size_t pdu;
    size_t staff[CK_ROLE_COUNT]; /* SIZE_MAX: none */
    size_t worklist;             /* the practitioner's open and overdue obligations */
} demo_cast;

static bool in_post(const ck_gen_staff *s, const char *grade)
{
    return s->status == CK_GEN_IN_POST && strcmp(s->grade, grade) == 0;
}

/* A member of pdu with this grade in post, from team `prefer` if it has one. */
static size_t pick_staff(const ck_gen_org *o, size_t pdu, const char *grade, size_t prefer)
{
    size_t found = SIZE_MAX;
    const ck_gen_pdu *p = &o->pdus[pdu];
    for (size_t t = p->first_team; t < p->first_team + p->n_teams; t++)
        for (size_t s = o->teams[t].first_staff; s < o->teams[t].first_staff + o->teams[t].n_staff; s++) {
            if (!in_post(&o->staff[s], grade)) continue;
            if (t == prefer) return s;
            if (found == SIZE_MAX) found = s;
        }
    return found;
}

/* The open and overdue obligations of staff member `code` at as_of. */
static ck_rc worklist_size(ck_db *db, const char *code, ck_date as_of, size_t *n, char *err, size_t err_len)
{
    ck_worklist_query q = {.staff = code, .statuses = (1u << CK_ST_OPEN) | (1u << CK_ST_OVERDUE), .as_of = as_of,
                           .limit = 1};
    ck_worklist *w = NULL;
    ck_rc rc = ck_cases_worklist(db, &q, &w, err, err_len);
    *n = rc == CK_OK ? w->total : 0;
    ck_worklist_free(w);
    return rc;
}

/* The probation officer in post with the most open and overdue obligations
 * in the PDU holding most people (or, at a small --scale, the next PDU that
 * has such an officer), so the first page a practitioner sees is a real one;
 * the other roles from the same PDU, the SPO from the same team. */
static bool cast(ck_db *db, const ck_gen_org *o, ck_date as_of, demo_cast *c)
{
    bool *tried = ck_calloc(o->n_pdus, sizeof *tried);
    size_t best = SIZE_MAX;
    c->worklist = 0;
    for (size_t round = 0; round < o->n_pdus && best == SIZE_MAX; round++) {
        c->pdu = SIZE_MAX;
        for (size_t p = 0; p < o->n_pdus; p++)
            if (!tried[p] && (c->pdu == SIZE_MAX || o->pdus[p].n_cases > o->pdus[c->pdu].n_cases)) c->pdu = p;
        tried[c->pdu] = true;
        const ck_gen_pdu *pdu = &o->pdus[c->pdu];
        for (size_t t = pdu->first_team; t < pdu->first_team + pdu->n_teams; t++)
            for (size_t s = o->teams[t].first_staff; s < o->teams[t].first_staff + o->teams[t].n_staff; s++) {
                if (!in_post(&o->staff[s], GRADE[CK_ROLE_PRACTITIONER])) continue;
                char err[1024];
                size_t n;
                if (worklist_size(db, o->staff[s].code, as_of, &n, err, sizeof err) != CK_OK) {
                    ck_cli_error(CMD, "reading a worklist: %s", err);
                    ck_free(tried);
                    return false;
                }
                if (n > c->worklist) best = s, c->worklist = n;
            }
    }
    ck_free(tried);
    if (best == SIZE_MAX) {
        ck_cli_error(CMD, "no probation officer holds a case with open work; try a larger --scale");
        return false;
    }
    size_t team = o->staff[best].team;
    for (size_t r = 0; r < CK_ROLE_COUNT; r++)
        c->staff[r] = !GRADE[r] ? SIZE_MAX : r == CK_ROLE_PRACTITIONER ? best : pick_staff(o, c->pdu, GRADE[r], team);
    return true;
}

/* One account a role, named as the role (ck_role_names), linked to the
 * cast's staff, all with one password. */
static bool add_accounts(ck_db *db, const ck_gen_org *o, const demo_cast *c, const char *password)
{
    ck_principal by;
    ck_principal_system(&by, "cli:" CMD);
    for (size_t r = 0; r < CK_ROLE_COUNT; r++) {
        const char *staff = c->staff[r] == SIZE_MAX ? NULL : o->staff[c->staff[r]].code;
        if (ck_role_needs_staff((ck_role)r) && !staff) {
            ck_cli_error(CMD, "PDU %s has no %s in post for the %s account", o->pdus[c->pdu].code, GRADE[r],
                         ck_role_names[r]);
            return false;
        }
        char err[1024];
        int64_t id;
        if (ck_user_add(db, &by, ck_role_names[r], (ck_role)r, staff, password, ck_cli_now(), &id, err,
                        sizeof err) != CK_OK) {
            ck_cli_error(CMD, "the %s account: %s", ck_role_names[r], err);
            return false;
        }
    }
    return true;
}

/* ---- Serving ------------------------------------------------------------------------ */

typedef struct banner {
    const ck_gen_org *org;
    const demo_cast *cast;
    const char *db, *password;
    bool password_given; /* by --demo-password: not printed again */
    ck_date as_of;
    size_t cases;
    double seconds;
} banner;

/* Printed once the server listens: where to go and whom to sign in as. */
static bool print_banner(void *ctx, const char *url)
{
    const banner *b = ctx;
    const ck_gen_org *o = b->org;
    const ck_gen_pdu *pdu = &o->pdus[b->cast->pdu];
    char as_of[CK_DATE_STRLEN];
    printf("\nCasekeeper demo: Synthetic London on %s, %zu people on probation, ready in %.1f s.\n"
           "Open %s/ and sign in with one of these user names and the password %s%s%s.\n"
           "Each account is one role, linked to a member of staff of PDU %s (%s).\n\n",
           ck_date_fmt(b->as_of, as_of), b->cases, b->seconds, url, b->password_given ? "" : "\"",
           b->password_given ? "given with --demo-password" : b->password, b->password_given ? "" : "\"", pdu->code,
           pdu->name);
    printf("  %-15s %-10s %-22s %-14s %s\n", "USER NAME", "STAFF", "NAME", "GRADE", "TEAM");
    for (size_t r = 0; r < CK_ROLE_COUNT; r++) {
        size_t s = b->cast->staff[r];
        if (s == SIZE_MAX) {
            printf("  %-15s %-10s %s\n", ck_role_names[r], "-", "(no staff record: this role needs none)");
            continue;
        }
        const ck_gen_staff *st = &o->staff[s];
        const ck_gen_team *t = &o->teams[st->team];
        char name[64];
        snprintf(name, sizeof name, "%s %s", st->forename, st->surname);
        printf("  %-15s %-10s %-22s %-14s %s (%s)\n", ck_role_names[r], st->code, name, st->grade, t->code, t->name);
    }
    printf("\nThe practitioner has %zu open or overdue obligations. Stop the demo with Ctrl-C;\n"
           "the next run replaces %s.\n",
           b->cast->worklist, b->db + strlen("sqlite:"));
    return fflush(stdout) == 0;
}

static ck_date pinned_today;
static ck_date pinned(void) { return pinned_today; }

static void on_progress(void *ctx, size_t done, size_t total)
{
    ck_progress_tick(ctx, done, total);
    if (done == total)
        fprintf(stderr, "%s: %zu cases written in %.1fs; building the indexes\n", CMD, total, ck_progress_elapsed(ctx));
}

int ck_cmd_demo(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc != CK_CLI_GO) return rc;
    char host[256], err[1024];
    uint16_t port;
    if (!ck_http_parse_listen(o.listen ? o.listen : CK_SERVE_DEFAULT_LISTEN, host, sizeof host, &port, err,
                              sizeof err)) {
        ck_cli_error(CMD, "--listen: %s", err);
        return 2;
    }
    /* Served over plain http (ck_cli_serve's plain_http), which is for this
     * machine only. */
    if (!ck_auth_loopback(host)) {
        ck_cli_error(CMD, "--listen: the demo serves plain http, so only on a loopback address (127.0.0.1, ::1), "
                          "not %s", host);
        return 2;
    }
    if (port && !can_listen(host, port)) return 1;
    ck_gen_options go;
    ck_gen_options_init(&go, false);
    go.as_of = o.as_of;
    if (o.scale && !ck_gen_parse_scale(&go, o.scale, err, sizeof err)) {
        ck_cli_error(CMD, "%s", err);
        return 2;
    }
    if (go.national) {
        ck_cli_error(CMD, "--scale: expected london or a number of people (national is for casekeeper generate)");
        return 2;
    }
    if ((rc = clear_path(o.db + strlen("sqlite:")))) return rc;
    char made[CK_PASSWORD_GEN_LEN + 1];
    if (!o.password) {
        ck_password_generate(made);
        fprintf(stderr, "casekeeper %s: every demo account's password: %s\n", CMD, made);
    }
    const char *password = o.password ? o.password : made;
    /* Cases are built and freed by the thousand: without this, glibc hands
     * freed memory back to the kernel and asks for it again each time. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);

    ck_progress prog;
    ck_progress_start(&prog, CMD, "cases");
    ck_db *db = create_db(o.db);
    if (!db) return 1;
    ck_gen *g = ck_gen_new(&go);
    const ck_gen_org *org = ck_gen_organisation(g);
    char day[CK_DATE_STRLEN];
    fprintf(stderr, "casekeeper %s: building Synthetic London at %s: %zu people, %zu staff in %zu PDUs, into %s\n",
            CMD, ck_date_fmt(o.as_of, day), ck_gen_case_count(g), org->n_staff, org->n_pdus, o.db);
    ck_engine eng = ck_engine_default();
    demo_cast who;
    rc = 1;
    if (ck_gen_load(db, g, &eng, on_progress, &prog, err, sizeof err) != CK_OK) ck_cli_error(CMD, "%s", err);
    else if (cast(db, org, o.as_of, &who) && add_accounts(db, org, &who, password) && finish_db(db)) rc = 0;
    ck_db_close(db);
    banner b = {org, &who, o.db, password, o.password != NULL, o.as_of, ck_gen_case_count(g),
                ck_progress_elapsed(&prog)};
    if (rc == 0) {
        fprintf(stderr, "casekeeper %s: %zu cases with their obligations in %.1f s (%.0f cases/s)\n", CMD, b.cases,
                b.seconds, (double)b.cases / b.seconds);
        pinned_today = o.as_of;
        ck_serve_options so = {.db = o.db, .listen = o.listen, .config = o.config, .plain_http = true, .today = o.pinned ? pinned : NULL,
                               .on_listening = print_banner, .ctx = &b};
        rc = ck_cli_serve(CMD, &so);
    }
    ck_gen_free(g);
    return rc;
}
