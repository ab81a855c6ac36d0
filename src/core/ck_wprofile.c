/* ck_wprofile: see ck_wprofile.h. */
#include "ck_wprofile.h"
#include "ck_facts.h"
#include "ck_mem.h"
#include "ck_str.h"
#include "ck_tier.h"
#include <stdio.h>
#include <string.h>

/* Copies src into dst; false when it does not fit. */
static bool put(char *dst, size_t size, const char *src)
{
    int n = snprintf(dst, size, "%s", src ? src : "");
    return n >= 0 && (size_t)n < size;
}

void ck_wprofile_of(const ck_case *c, ck_date as_of, const ck_rules_config *cfg, ck_wprofile *out)
{
    memset(out, 0, sizeof *out);
    out->complete = true;
    ck_tier *t = ck_malloc(sizeof *t); /* about 17 KB: not on a worker thread's stack */
    ck_tier_case(c, as_of, cfg, t);
    out->complete &= put(out->tier, sizeof out->tier, t->tier);
    char missing[sizeof out->tier_missing + 1];
    ck_tier_missing_keys(t, missing, sizeof missing);
    out->complete &= put(out->tier_missing, sizeof out->tier_missing, missing);
    /* The RoSH the tier read: the latest of the registrations and assessments. */
    out->complete &= put(out->rosh, sizeof out->rosh, t->rosh.level);
    out->changes_on = t->changes_on;
    ck_free(t);
    out->has_type = ck_wmt_case_type_of(c, as_of, &out->type);
    const ck_registration *mapp = ck_registration_current(c, "MAPP", as_of);
    out->complete &= put(out->mappa, sizeof out->mappa, mapp ? mapp->level : NULL);
    size_t len = 0;
    for (size_t i = 0; i < c->n_events; i++)
        for (size_t j = 0; j < c->events[i].n_reports; j++) {
            const ck_report *r = &c->events[i].reports[j];
            if (r->requested > as_of || (r->completed != CK_NODATE && r->completed <= as_of)) continue;
            const char *type = r->type ? r->type : "";
            /* A type holding the separator could not be read back. */
            if (strchr(type, ',') || !*type) out->complete = false;
            int n = snprintf(out->reports + len, sizeof out->reports - len, "%s%s", len ? "," : "", type);
            if (n < 0 || (size_t)n >= sizeof out->reports - len) {
                out->complete = false;
                out->reports[len] = '\0';
                return;
            }
            len += (size_t)n;
        }
}

bool ck_wprofile_type_parse(const char *name, ck_wmt_case_type *out)
{
    for (int t = 0; t < CK_WMT_CASE_TYPES; t++)
        if (ck_streq(name, ck_wmt_case_type_name((ck_wmt_case_type)t))) {
            *out = (ck_wmt_case_type)t;
            return true;
        }
    return false;
}
