/* casekeeper recompute: the obligations of the cases whose next change has
 * come evaluated again at a date (what the server does once a day: the
 * current allocation, a licence's periods and the like depend on the date;
 * open versus overdue does not, it is decided when read), or of every case
 * with --all. */
#include "ck_audit.h"
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include "ck_cases.h"
#include "ck_db.h"
#include "ck_events.h"
#include "ck_manage_json.h"
#include "ck_nightly.h"
#include "ck_txn.h"
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define CMD "recompute"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "Evaluates the rulebook at DATE on the cases whose stored obligations, holder,\n"
            "tier or profile can have changed since they were computed (each case stores the\n"
            "next date on which they can: a release, an end date, a practitioner leaving...)\n"
            "and stores what changed, a batch of cases per transaction, with progress on\n"
            "standard error; at the end, how many cases were evaluated and how many changed.\n"
            "Every case is evaluated with --all, or when the rules configuration, the\n"
            "calendar, the program or the teams of the practitioners holding cases changed\n"
            "since the last recompute, or DATE is before it. Then writes the monthly\n"
            "inspection snapshots of every PDU that are not yet up to date at DATE (what the\n"
            "inspection and region pages read), and the obligation.overdue events of what\n"
            "became overdue since the last run (docs/api.md \"Events\"), as the server does\n"
            "each night.\n"
            "\n"
            "  --db URL       sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB, else\n"
            "                 sqlite:casekeeper.db)\n"
            "  --as-of DATE   the date to evaluate at (default: today)\n"
            "  --all          evaluate every case\n"
            "  --batch N      cases per transaction (default %d for every case, %d for the\n"
            "                 due cases)\n"
            "\n"
            "It holds the nightly lease while it works, as the server's nightly job does, so\n"
            "the two never recompute at once: when another run holds it, it says which and\n"
            "until when, and exits with status 3.\n"
            "\n"
            "Exit status: 0 done; 1 the database failed; 2 bad options; 3 another run holds\n"
            "the nightly lease.\n",
            CK_RECOMPUTE_BATCH_FULL, CK_RECOMPUTE_BATCH_DUE);
}

/* This process's CPU seconds so far (user and system): on a shared machine
 * the part after the recompute is told apart by CPU as well as by wall. */
static double cpu_s(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* The nightly lease (store/ck_jobs, services/ck_nightly) held by this run:
 * a server's nightly job and this command never recompute at once. */
typedef struct leased {
    ck_db *db;
    char me[CK_JOB_NAME_MAX];
    int64_t lease_s;
    bool lost;
    ck_progress prog;
} leased;

/* Takes or renews the lease for lease_s from now in its own transaction;
 * *held says whether it is ours. */
static ck_rc lease(leased *l, bool *held, char *err, size_t err_len)
{
    int64_t now = (int64_t)time(NULL);
    ck_rc rc = ck_txn_begin_write(l->db, err, err_len);
    if (rc != CK_OK) return rc;
    return ck_txn_finish(l->db, ck_jobs_lease(l->db, CK_NIGHTLY_JOB, l->me, now, now + l->lease_s, held, err, err_len),
                         err, err_len);
}

/* Why the lease is not ours: who has it and until when. */
static void say_busy(leased *l)
{
    char holder[CK_JOB_NAME_MAX], err[256];
    int64_t until = 0;
    if (ck_jobs_lease_holder(l->db, CK_NIGHTLY_JOB, holder, sizeof holder, &until, err, sizeof err) != CK_OK) {
        ck_cli_error(CMD, "another run holds the nightly lease (who could not be read: %s)", err);
        return;
    }
    time_t t = (time_t)until;
    struct tm tm;
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&t, &tm));
    ck_cli_error(CMD,
                 "another run holds the nightly lease: %s, until %s (renewed while it works); try again when it "
                 "has finished",
                 holder[0] ? holder : "(released meanwhile)", when);
}

/* After each batch: the progress, and the lease renewed; false stops the
 * pass when it went to another (this run stalled past its length). */
static bool on_step(void *ctx, size_t done, size_t total, const char *last_crn)
{
    (void)last_crn;
    leased *l = ctx;
    ck_progress_tick(&l->prog, done, total);
    char err[256];
    bool held = false;
    if (lease(l, &held, err, sizeof err) != CK_OK || !held) {
        l->lost = true;
        return false;
    }
    return true;
}

static int run(const char *url, ck_date as_of, bool all, size_t batch)
{
    /* Cases and results are built and freed by the thousand on two threads:
     * without this, glibc hands freed memory back to the kernel and faults
     * it in again for the next batch. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    ck_engine eng = ck_engine_default();
    char err[1024];
    /* A pass over the due cases has SQLite's WAL checkpoints in a thread of
     * their own, as the server's nightly job has them (db/ck_db.h), not
     * inside the batch commits it waits for: national, 2.52 -> 2.02 s. A full
     * pass keeps them in its commits: its two threads already use both
     * cores, and the thread's copying beside them cost it 29.2 -> 32.8 s
     * (bench/RESULTS.md). Whether a pass is full is asked first, over a
     * connection closed before the checkpointer starts (one opened earlier
     * would keep checkpointing in its own commits). */
    bool full = all;
    if (!full) {
        ck_db *probe = ck_cli_store_open(CMD, url);
        if (!probe) return 1;
        ck_rc prc = ck_cases_recompute_needs_all(probe, &eng, as_of, &full, err, sizeof err);
        ck_db_close(probe);
        if (prc != CK_OK) {
            ck_cli_error(CMD, "%s", err);
            return 1;
        }
    }
    ck_db_checkpointer *checkpointer = NULL;
    if (!full && !(checkpointer = ck_db_checkpointer_start(url, eng.cfg->server_wal_checkpoint_pages,
                                                           eng.cfg->server_wal_max_mib, err, sizeof err))) {
        ck_cli_error(CMD, "%s", err);
        return 1;
    }
    ck_db *db = ck_cli_store_open(CMD, url);
    if (!db) {
        ck_db_checkpointer_stop(checkpointer);
        return 1;
    }
    leased l = {.db = db, .lease_s = eng.cfg->nightly_lease_s};
    ck_jobs_server_name(l.me, sizeof l.me);
    bool held = false;
    ck_rc rc = lease(&l, &held, err, sizeof err);
    if (rc == CK_OK && !held) {
        say_busy(&l);
        ck_db_close(db);
        ck_db_checkpointer_stop(checkpointer);
        return 3;
    }
    ck_progress *prog = &l.prog;
    ck_progress_start(prog, CMD, "cases");
    ck_recompute_stats st = {0};
    if (rc == CK_OK) rc = ck_cases_recompute(db, &eng, as_of, all, batch, NULL, on_step, &l, &st, err, sizeof err);
    if (l.lost) snprintf(err, sizeof err, "the nightly lease went to another run mid-pass (this one stalled for "
                                          "more than %lld s): stopped; what was written is whole",
                         (long long)l.lease_s);
    /* The recompute's own time: the snapshots and events below are timed
     * apart, since on a quiet day they are most of the command. */
    double secs = ck_progress_elapsed(prog), cpu = cpu_s();
    /* A recompute is one transaction per batch; its record follows the last
     * one (who ran it, at which date, over how many cases). */
    char d[CK_DATE_STRLEN], detail[160];
    snprintf(detail, sizeof detail, "as_of=%s cases=%zu evaluated=%zu changed=%zu%s", ck_date_fmt(as_of, d),
             st.cases, st.evaluated, st.changed, st.all ? " all" : "");
    ck_principal by;
    ck_cli_admin_principal(&by);
    if (rc == CK_OK) rc = ck_audit_record(db, &by, "cases.recompute", NULL, NULL, detail, err, sizeof err);
    /* Then what the management pages read, as the server's nightly job does. */
    ck_nightly_after_result a = {0};
    if (rc == CK_OK)
        rc = ck_nightly_after(db, eng.cfg, as_of, (int64_t)time(NULL), ck_inspection_snapshot_text, &a, err, sizeof err);
    double after = ck_progress_elapsed(prog) - secs, after_cpu = cpu_s() - cpu;
    char rel_err[256];
    if (ck_txn_begin_write(db, rel_err, sizeof rel_err) == CK_OK) /* else it lapses after lease_s */
        ck_txn_finish(db, ck_jobs_release(db, CK_NIGHTLY_JOB, l.me, rel_err, sizeof rel_err), rel_err, sizeof rel_err);
    ck_db_close(db);
    ck_db_checkpointer_stop(checkpointer); /* after its connections: the last to close copies the rest */
    if (rc != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        return 1;
    }
    size_t n = st.evaluated;
    fprintf(stderr,
            "casekeeper %s: %zu of %zu cases evaluated at %s (%s), %zu changed, in %.2fs (%.2fs per 10,000 "
            "evaluated); then %zu inspection snapshots, %zu overdue events and %zu expired in %.2fs (%.2fs CPU)\n",
            CMD, n, st.cases, ck_date_fmt(as_of, d), st.all ? "every case" : "those whose next change had come",
            st.changed, secs, n ? secs * 10000.0 / (double)n : 0.0, a.snapshots, a.overdue, a.expired, after, after_cpu);
    return 0;
}

int ck_cmd_recompute(int argc, char **argv)
{
    const char *db_opt = NULL, *as_of_opt = NULL, *batch_opt = NULL;
    bool all = false;
    const ck_cli_optdef opts[] = {{"--db", .val = &db_opt}, {"--as-of", .val = &as_of_opt}, {"--all", .flag = &all},
                                  {"--batch", .val = &batch_opt}};
    int rc = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNEXPECTED);
    if (rc != CK_CLI_GO) return rc;
    ck_date as_of = ck_date_today();
    if (as_of_opt && !ck_cli_parse_date(CMD, "--as-of", as_of_opt, &as_of)) return 2;
    size_t batch = 0; /* the pass's default (ck_cases_recompute) */
    if (batch_opt) {
        char *end;
        unsigned long v = strtoul(batch_opt, &end, 10);
        if (*end || v == 0 || v > 100000 || batch_opt[0] == '-') {
            ck_cli_error(CMD, "--batch: expected a number of cases from 1 to 100000, got \"%s\"", batch_opt);
            return 2;
        }
        batch = v;
    }
    return run(ck_cli_db_url(db_opt), as_of, all, batch);
}
