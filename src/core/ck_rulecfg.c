#include "ck_rulecfg.h"
#include "ck_case.h"
#include "ck_embedded.h"
#include "ck_mem.h"
#include "ck_str.h"
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { V_INT, V_BOOL, V_DATE, V_STR } vtype;

typedef struct key {
    const char *name;
    vtype type;
    size_t off;
    int min, max; /* V_INT */
} key;

#define INT(k, lo, hi) {#k, V_INT, offsetof(ck_rules_config, k), lo, hi}
#define BOOL(k) {#k, V_BOOL, offsetof(ck_rules_config, k), 0, 0}
#define DATE(k) {#k, V_DATE, offsetof(ck_rules_config, k), 0, 0}
#define STR(k) {#k, V_STR, offsetof(ck_rules_config, k), 0, CK_RULECFG_STR_MAX - 1}

/* Every scalar key. What each means and where it comes from is documented in
 * config/rules.conf, the one place the values live. The registers' review
 * periods follow as review_months.CODE, one per ck_vocab_register code. */
static const key KEYS[] = {
    INT(allocate_wd, 0, 60), INT(allocate_high_risk_wd, 0, 60),
    INT(induction_community_wd, 0, 60), INT(induction_licence_wd, 0, 60),
    INT(contact_first_weeks, 1, 520), INT(contact_first_days, 1, 366),
    INT(contact_second_weeks, 1, 520), INT(contact_second_days, 1, 366),
    INT(contact_later_days, 1, 366), INT(contact_high_risk_days, 1, 366),
    INT(next_appointment_wd, 0, 60), INT(outcome_wd, 0, 60), INT(address_wd, 0, 60),
    INT(terminate_wd, 0, 60),
    BOOL(probation_reset), DATE(probation_reset_from),
    INT(enforce_wd, 0, 60), INT(breach_warning_months, 0, 120), INT(breach_pack_wd, 0, 60),
    INT(recall_decision_wd, 0, 60),
    INT(rosh_initial_wd, 0, 120), INT(rosh_initial_urgent_wd, 0, 120),
    INT(rosh_initial_lookback_days, 0, 3660),
    INT(rosh_review_weeks, 1, 520), INT(rosh_review_high_risk_weeks, 1, 520),
    INT(rosh_max_age_weeks, 1, 520),
    INT(rosh_change_wd, 0, 120), INT(sentence_plan_wd, 0, 120), INT(oversight_wd, 0, 120),
    INT(checks_wd, 0, 120), INT(checks_lookback_months, 0, 120), INT(da_flag_decision_wd, 0, 120),
    INT(mappa_identify_wd, 0, 120),
    INT(vcs_referral_wd, 0, 120), INT(vcs_first_contact_wd, 0, 120), INT(vcs_flag_wd, 0, 120),
    INT(vcs_representations_days, 0, 3660), INT(vcs_release_notice_wd, 0, 120),
    INT(vcs_recall_notice_wd, 0, 120), INT(vcs_nonstatutory_wd, 0, 120),
    INT(report_oral_wd, 0, 120), INT(report_fast_wd, 0, 120), INT(report_standard_wd, 0, 120),
    INT(rating_outstanding_pct, 0, 100), INT(rating_good_pct, 0, 100),
    INT(rating_requires_improvement_pct, 0, 100),
    INT(server_connections_per_address, 0, 100000), INT(server_request_deadline_s, 1, 3600),
    INT(server_idle_timeout_s, 1, 3600), INT(server_shutdown_deadline_s, 0, 3600), STR(metrics_token_file),
    INT(server_worklist_cache_entries, 0, 1000000), INT(server_worklist_cache_mib, 0, 65536),
    INT(server_wal_checkpoint_pages, 0, 1000000), INT(server_wal_max_mib, 1, 65536),
    INT(nightly_lease_s, 10, 86400),
    INT(upw_pace_hours_week, 1, 40),
    STR(notify_api_key_file), STR(notify_callback_token_file), STR(notify_base_url), STR(notify_service_phone),
    STR(notify_sms_template_english), STR(notify_sms_template_welsh), STR(notify_email_template_english),
    STR(notify_email_template_welsh),
    INT(reminder_lead_days, 1, 14), INT(reminder_hour, 0, 23), INT(reminder_poll_s, 1, 3600),
    INT(reminder_retry_s, 1, 86400), INT(reminder_max_attempts, 1, 100),
    STR(webhooks_file), INT(webhook_poll_s, 1, 3600), INT(webhook_retry_s, 1, 86400),
    INT(webhook_retry_max_s, 1, 86400), INT(webhook_batch, 1, 1000),
    INT(events_keep_days, 1, 36500),
};
#define N_SCALAR (sizeof KEYS / sizeof KEYS[0])
#define N_MAX (N_SCALAR + CK_RULECFG_MAX_REGISTERS)
static const char REVIEW_PREFIX[] = "review_months.";
static const char LOCAL_DEFAULT[] = "local default";

struct ck_rulecfg_origin {
    ck_arena arena; /* source strings */
    const char *source[N_MAX];
    bool local[N_MAX];
};

static size_t n_registers(void)
{
    size_t n = 0;
    while (ck_vocab_register[n]) n++;
    return n;
}

static size_t n_keys(void) { return N_SCALAR + n_registers(); }

/* The index of key s[0..n), or SIZE_MAX. */
static size_t find_key(ck_str s)
{
    for (size_t i = 0; i < N_SCALAR; i++)
        if (ck_str_eqc(s, KEYS[i].name)) return i;
    size_t plen = sizeof REVIEW_PREFIX - 1;
    if (s.n > plen && memcmp(s.p, REVIEW_PREFIX, plen) == 0) {
        ck_str code = ck_str_make(s.p + plen, s.n - plen);
        for (size_t r = 0; ck_vocab_register[r]; r++)
            if (ck_str_eqc(code, ck_vocab_register[r])) return N_SCALAR + r;
    }
    return SIZE_MAX;
}

static const char *key_name(size_t i, char *buf, size_t len)
{
    if (i < N_SCALAR) return KEYS[i].name;
    snprintf(buf, len, "%s%s", REVIEW_PREFIX, ck_vocab_register[i - N_SCALAR]);
    return buf;
}

static void value_text(const ck_rules_config *cfg, size_t i, char *buf, size_t len)
{
    if (i >= N_SCALAR) {
        snprintf(buf, len, "%d", cfg->review_months[i - N_SCALAR]);
        return;
    }
    const void *p = (const char *)cfg + KEYS[i].off;
    switch (KEYS[i].type) {
    case V_INT: snprintf(buf, len, "%d", *(const int *)p); break;
    case V_BOOL: snprintf(buf, len, "%s", *(const bool *)p ? "on" : "off"); break;
    case V_DATE: {
        char d[CK_DATE_STRLEN];
        snprintf(buf, len, "%s", ck_date_fmt(*(const ck_date *)p, d));
        break;
    }
    case V_STR: snprintf(buf, len, "%s", (const char *)p); break;
    }
}

static ck_str trim(ck_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r')) s.n--;
    return s;
}

static bool lfail(char *err, size_t len, int line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool lfail(char *err, size_t len, int line, const char *fmt, ...)
{
    if (!err || !len) return false;
    int n = snprintf(err, len, "line %d: ", line);
    if (n >= 0 && (size_t)n < len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Parses v as key i's type into cfg. */
static bool set_value(ck_rules_config *cfg, size_t i, ck_str v, int line, char *err, size_t len)
{
    char name[64];
    const char *kn = key_name(i, name, sizeof name);
    const key *k = i < N_SCALAR ? &KEYS[i] : NULL;
    vtype t = k ? k->type : V_INT;
    int lo = k ? k->min : 0, hi = k ? k->max : 120;
    if (t == V_BOOL) {
        if (!ck_str_eqc(v, "on") && !ck_str_eqc(v, "off"))
            return lfail(err, len, line, "%s: expected on or off, got \"%.*s\"", kn, (int)v.n, v.p);
        *(bool *)((char *)cfg + k->off) = ck_str_eqc(v, "on");
        return true;
    }
    if (t == V_STR) {
        /* Text as written, without control characters; "" leaves it unset. */
        if (v.n > (size_t)hi)
            return lfail(err, len, line, "%s: expected at most %d bytes, got %zu", kn, hi, v.n);
        for (size_t j = 0; j < v.n; j++)
            if ((unsigned char)v.p[j] < 0x20 || v.p[j] == 0x7f)
                return lfail(err, len, line, "%s: expected text without control characters", kn);
        char *dst = (char *)cfg + k->off;
        memcpy(dst, v.p, v.n);
        dst[v.n] = '\0';
        return true;
    }
    if (t == V_DATE) {
        ck_date d;
        if (!ck_date_parse(v.p, v.n, &d))
            return lfail(err, len, line, "%s: expected a date YYYY-MM-DD, got \"%.*s\"", kn, (int)v.n, v.p);
        *(ck_date *)((char *)cfg + k->off) = d;
        return true;
    }
    long x = 0;
    bool ok = v.n > 0 && v.n <= 6;
    for (size_t j = 0; ok && j < v.n; j++) {
        ok = v.p[j] >= '0' && v.p[j] <= '9';
        x = x * 10 + (v.p[j] - '0');
    }
    if (!ok || x < lo || x > hi)
        return lfail(err, len, line, "%s: expected a whole number from %d to %d, got \"%.*s\"", kn, lo, hi,
                     (int)v.n, v.p);
    if (k)
        *(int *)((char *)cfg + k->off) = (int)x;
    else
        cfg->review_months[i - N_SCALAR] = (int)x;
    return true;
}

/* The text after "source:" in a comment, or an empty view. */
static ck_str comment_source(ck_str comment)
{
    comment = trim(comment);
    if (!ck_str_starts(comment, "source:")) return CK_STR_NULL;
    return trim(ck_str_make(comment.p + 7, comment.n - 7));
}

/* The relations between keys a single range cannot say. `lines` holds where
 * each key was set in this text (0: not here), to name a line. */
static bool check_order(const ck_rules_config *cfg, const int *lines, char *err, size_t len)
{
    static const struct { size_t lo, hi; } pairs[] = {
        {offsetof(ck_rules_config, contact_first_weeks), offsetof(ck_rules_config, contact_second_weeks)},
        {offsetof(ck_rules_config, rating_good_pct), offsetof(ck_rules_config, rating_outstanding_pct)},
        {offsetof(ck_rules_config, rating_requires_improvement_pct), offsetof(ck_rules_config, rating_good_pct)},
    };
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        size_t a = SIZE_MAX, b = SIZE_MAX;
        for (size_t i = 0; i < N_SCALAR; i++) {
            if (KEYS[i].off == pairs[p].lo) a = i;
            if (KEYS[i].off == pairs[p].hi) b = i;
        }
        int va = *(const int *)((const char *)cfg + pairs[p].lo), vb = *(const int *)((const char *)cfg + pairs[p].hi);
        if (va < vb) continue;
        int line = lines[a] > lines[b] ? lines[a] : lines[b];
        return lfail(err, len, line, "%s (%d) must be less than %s (%d)", KEYS[a].name, va, KEYS[b].name, vb);
    }
    return true;
}

/* Applies every `key = value` line of text to cfg. The shipped file must set
 * every key once, each with its source. */
static bool apply(ck_rules_config *cfg, const char *text, size_t len, bool shipped, char *err, size_t err_len)
{
    struct ck_rulecfg_origin *o = cfg->origin;
    int lines[N_MAX] = {0};
    ck_str rest = ck_str_make(text, len);
    int line = 0;
    while (rest.p) {
        ck_str ln, comment;
        rest = ck_str_cut(rest, '\n', &ln);
        line++;
        comment = ck_str_cut(ln, '#', &ln);
        ln = trim(ln);
        if (!ln.n) continue;
        ck_str k, v = ck_str_cut(ln, '=', &k);
        k = trim(k);
        v = trim(v);
        if (!v.p || !k.n)
            return lfail(err, err_len, line, "expected `key = value`, got \"%.*s\"", (int)ln.n, ln.p);
        size_t i = find_key(k);
        if (i == SIZE_MAX)
            return lfail(err, err_len, line, "unknown key \"%.*s\" (config/rules.conf lists every key)", (int)k.n, k.p);
        if (lines[i])
            return lfail(err, err_len, line, "%.*s is already set on line %d", (int)k.n, k.p, lines[i]);
        if (!set_value(cfg, i, v, line, err, err_len)) return false;
        lines[i] = line;
        ck_str src = comment.p ? comment_source(comment) : CK_STR_NULL;
        if (shipped && !src.n)
            return lfail(err, err_len, line, "%.*s: expected a `# source: ...` comment", (int)k.n, k.p);
        if (src.n) {
            o->source[i] = ck_arena_strndup(&o->arena, src.p, src.n);
            o->local[i] = ck_str_eqc(src, LOCAL_DEFAULT);
        } else {
            char shipped_value[CK_RULECFG_STR_MAX];
            value_text(ck_rulecfg_default(), i, shipped_value, sizeof shipped_value);
            o->source[i] = ck_arena_printf(&o->arena, "local setting (shipped: %s, %s)", shipped_value,
                                           ck_rulecfg_default()->origin->source[i]);
            o->local[i] = true;
        }
    }
    if (shipped) {
        char name[64];
        for (size_t i = 0; i < n_keys(); i++)
            if (!lines[i])
                return lfail(err, err_len, line, "end of file: %s is not set", key_name(i, name, sizeof name));
    }
    return check_order(cfg, lines, err, err_len);
}

static ck_rules_config *shipped_cfg;
static pthread_once_t shipped_once = PTHREAD_ONCE_INIT;

static void load_shipped(void)
{
    char err[256] = "not embedded";
    const ck_embedded_file *f = ck_embedded_get("config/rules.conf");
    ck_rules_config *cfg = ck_calloc(1, sizeof *cfg);
    cfg->origin = ck_calloc(1, sizeof *cfg->origin);
    ck_arena_init(&cfg->origin->arena);
    /* The review periods are indexed like the register vocabulary. */
    if (n_registers() > CK_RULECFG_MAX_REGISTERS) {
        snprintf(err, sizeof err, "%zu register codes, CK_RULECFG_MAX_REGISTERS is %d", n_registers(),
                 CK_RULECFG_MAX_REGISTERS);
        f = NULL;
    }
    if (!f || !apply(cfg, f->data, f->len, true, err, sizeof err)) {
        /* A build whose own rules do not load cannot evaluate anything. */
        fprintf(stderr, "casekeeper: shipped config/rules.conf: %s\n", err);
        abort();
    }
    shipped_cfg = cfg;
}

const ck_rules_config *ck_rulecfg_default(void)
{
    pthread_once(&shipped_once, load_shipped);
    return shipped_cfg;
}

ck_rules_config *ck_rulecfg_parse(const char *text, size_t len, char *err, size_t err_len)
{
    const ck_rules_config *def = ck_rulecfg_default();
    ck_rules_config *cfg = ck_malloc(sizeof *cfg);
    *cfg = *def;
    cfg->origin = ck_malloc(sizeof *cfg->origin);
    *cfg->origin = *def->origin;
    ck_arena_init(&cfg->origin->arena); /* sources not overridden still point into the shipped arena */
    if (!apply(cfg, text, len, false, err, err_len)) {
        ck_rulecfg_free(cfg);
        return NULL;
    }
    return cfg;
}

void ck_rulecfg_free(ck_rules_config *cfg)
{
    if (!cfg) return;
    ck_arena_free(&cfg->origin->arena);
    ck_free(cfg->origin);
    ck_free(cfg);
}

void ck_rulecfg_each(const ck_rules_config *cfg,
                     bool (*fn)(void *ctx, const char *key, const char *value, const char *source, bool local_default),
                     void *ctx)
{
    for (size_t i = 0; i < n_keys(); i++) {
        char name[64], value[CK_RULECFG_STR_MAX];
        value_text(cfg, i, value, sizeof value);
        if (!fn(ctx, key_name(i, name, sizeof name), value, cfg->origin->source[i], cfg->origin->local[i])) return;
    }
}

int ck_rulecfg_review_months(const ck_rules_config *cfg, const char *type)
{
    for (size_t r = 0; type && ck_vocab_register[r]; r++)
        if (ck_streq(type, ck_vocab_register[r])) return cfg->review_months[r];
    return 0;
}
