/* ck_rulecfg: the rulebook's local defaults and switches, from one file.
 *
 * config/rules.conf (shipped, embedded in the binary, documented line by line
 * with the source of each value or "local default") is the one place these
 * numbers live; a deployment overrides any of them with --rules-config FILE
 * (same format: `key = value`, `#` comments). Unknown keys and bad values are
 * errors naming the line. The struct is filled by the rules module's owner;
 * other modules treat it as opaque and use ck_rulecfg_default(). */
#ifndef CK_RULECFG_H
#define CK_RULECFG_H
#include "ck_date.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_rules_config ck_rules_config;

/* The shipped configuration (parsed once from the embedded config/rules.conf;
 * thread-safe; never freed). */
const ck_rules_config *ck_rulecfg_default(void);
/* The shipped values overridden by `text` (a file's contents). NULL on error,
 * with "line N: message" in err. Free with ck_rulecfg_free. */
ck_rules_config *ck_rulecfg_parse(const char *text, size_t len, char *err, size_t err_len);
void ck_rulecfg_free(ck_rules_config *cfg);

/* Every key with its value and its documented source, for showing which
 * numbers are local defaults rather than law (web "about these rules" page,
 * `casekeeper rules`). Calls fn once per key; stops when fn returns false. */
void ck_rulecfg_each(const ck_rules_config *cfg,
                     bool (*fn)(void *ctx, const char *key, const char *value, const char *source, bool local_default),
                     void *ctx);

/* The months between reviews of a register (`type` one of ck_vocab_register),
 * 0 when it has none or the code is unknown. */
int ck_rulecfg_review_months(const ck_rules_config *cfg, const char *type);

/* The values, for the rules engine (core/ck_rules) and the inspection scores.
 * Each field is one key of config/rules.conf, where its meaning and source are
 * documented; units are in the names (_wd working days). Other modules read
 * it, never fill it: ck_rulecfg_default() and ck_rulecfg_parse() do. */
#define CK_RULECFG_MAX_REGISTERS 64 /* >= the length of ck_vocab_register */
#define CK_RULECFG_STR_MAX 256      /* a text value's bytes, with its NUL */

struct ck_rules_config {
    /* Allocation and contact */
    int allocate_wd, allocate_high_risk_wd;
    int induction_community_wd, induction_licence_wd;
    int contact_first_weeks, contact_first_days;
    int contact_second_weeks, contact_second_days;
    int contact_later_days, contact_high_risk_days;
    int next_appointment_wd, outcome_wd, address_wd, terminate_wd;
    bool probation_reset;
    ck_date probation_reset_from;
    /* Enforcement */
    int enforce_wd, breach_warning_months, breach_pack_wd, recall_decision_wd;
    /* Risk and safeguarding */
    int rosh_initial_wd, rosh_initial_urgent_wd, rosh_initial_lookback_days;
    int rosh_review_weeks, rosh_review_high_risk_weeks, rosh_max_age_weeks;
    int rosh_change_wd, sentence_plan_wd, oversight_wd;
    int checks_wd, checks_lookback_months, da_flag_decision_wd, mappa_identify_wd;
    /* Victims */
    int vcs_referral_wd, vcs_first_contact_wd, vcs_flag_wd, vcs_representations_days;
    int vcs_release_notice_wd, vcs_recall_notice_wd, vcs_nonstatutory_wd;
    /* Court work */
    int report_oral_wd, report_fast_wd, report_standard_wd;
    /* Inspection rating: lowest percentage for Outstanding, Good, Requires improvement */
    int rating_outstanding_pct, rating_good_pct, rating_requires_improvement_pct;
    /* Requirements: the unpaid work hours a week an order is worked at, for
     * flagging one whose hours left cannot be worked before it ends. */
    int upw_pace_hours_week;
    /* The server's limits under load (not rules: `casekeeper serve` hands
     * them to the HTTP server; documented in config/rules.conf, the one
     * configuration file). 0 connections per address: no limit. The
     * shutdown deadline bounds how long SIGTERM waits for requests in flight. */
    int server_connections_per_address, server_request_deadline_s, server_idle_timeout_s;
    int server_shutdown_deadline_s;
    /* The worklist page cache's caps (http/ck_wl_cache): pages and MiB of
     * one server; either 0 turns it off. */
    int server_worklist_cache_entries, server_worklist_cache_mib;
    /* SQLite: the server's WAL checkpoints, off the commit path (db/ck_db.h
     * ck_db_checkpointer): WAL pages not yet copied that start one (0:
     * SQLite's own, inside a commit), and the WAL's bound in MiB. */
    int server_wal_checkpoint_pages, server_wal_max_mib;
    /* A file holding the bearer token that lets a client other than a
     * direct loopback one read /metrics ("" : none may). */
    char metrics_token_file[CK_RULECFG_STR_MAX];
    /* Seconds the nightly job's lease lasts unrenewed (services/ck_nightly;
     * config/rules.conf): how soon another server completes the night's
     * recompute after the one running it died. */
    int nightly_lease_s;
    /* Appointment reminders through GOV.UK Notify (services/ck_reminders;
     * documented in config/rules.conf). Text values: "" is not set; the
     * reminders run only when notify_api_key_file is set. */
    char notify_api_key_file[CK_RULECFG_STR_MAX], notify_callback_token_file[CK_RULECFG_STR_MAX];
    char notify_base_url[CK_RULECFG_STR_MAX], notify_service_phone[CK_RULECFG_STR_MAX];
    char notify_sms_template_english[CK_RULECFG_STR_MAX], notify_sms_template_welsh[CK_RULECFG_STR_MAX];
    char notify_email_template_english[CK_RULECFG_STR_MAX], notify_email_template_welsh[CK_RULECFG_STR_MAX];
    int reminder_lead_days, reminder_hour, reminder_poll_s, reminder_retry_s, reminder_max_attempts;
    /* Webhooks of domain events (services/ck_webhooks; documented in
     * config/rules.conf): "" is none. */
    char webhooks_file[CK_RULECFG_STR_MAX];
    int webhook_poll_s, webhook_retry_s, webhook_retry_max_s, webhook_batch;
    /* Days a domain event is kept (store/ck_events' ck_events_expire, from
     * the nightly job; documented in config/rules.conf). */
    int events_keep_days;
    /* Registration review periods in months, indexed like ck_vocab_register;
     * read them with ck_rulecfg_review_months(). */
    int review_months[CK_RULECFG_MAX_REGISTERS];
    /* Where each value came from (private to ck_rulecfg). */
    struct ck_rulecfg_origin *origin;
};

#endif
