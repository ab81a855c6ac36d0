#include "ck_ctypes.h"
#include "ck_embedded.h"
#include "ck_mem.h"
#include "ck_str.h"
#include <pthread.h>
#include <string.h>

#define MAX_CATEGORIES 64

static ck_ctype *types;
static size_t n_types;
static const char *categories[MAX_CATEGORIES + 1];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static char *dup_trim(const char *p, size_t n)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\r')) n--;
    while (n && *p == ' ') p++, n--;
    char *s = ck_malloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* The CSV has no quoted fields (a name may hold commas only in its last
 * column, which runs to the end of the line). Read once, kept for the life of
 * the process. */
static void load(void)
{
    const ck_embedded_file *csv = ck_embedded_get("data/contact-types.csv");
    if (!csv) return;
    size_t cap = 0, n_cat = 0;
    const char *p = memchr(csv->data, '\n', csv->len), *end = csv->data + csv->len;
    while (p && ++p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *c1 = memchr(p, ',', (size_t)(eol - p));
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(eol - c1 - 1)) : NULL;
        const char *c3 = c2 ? memchr(c2 + 1, ',', (size_t)(eol - c2 - 1)) : NULL;
        if (c3) {
            if (n_types == cap) {
                cap = cap ? cap * 2 : 512;
                types = ck_realloc(types, cap * sizeof *types);
            }
            ck_ctype *t = &types[n_types++];
            t->category = dup_trim(c1 + 1, (size_t)(c2 - c1 - 1));
            t->code = dup_trim(c2 + 1, (size_t)(c3 - c2 - 1));
            t->name = dup_trim(c3 + 1, (size_t)(eol - c3 - 1));
            t->national_standard = strstr(t->name, "(NS)") != NULL;
            size_t k = 0;
            while (k < n_cat && strcmp(categories[k], t->category) != 0) k++;
            if (k == n_cat && n_cat < MAX_CATEGORIES) {
                categories[n_cat++] = t->category;
            } else if (k < n_cat) { /* one copy of each category's name */
                ck_free((char *)t->category);
                t->category = categories[k];
            }
        }
        p = eol;
    }
}

const ck_ctype *ck_ctypes_all(size_t *n)
{
    pthread_once(&once, load);
    *n = n_types;
    return types;
}

const ck_ctype *ck_ctype_find(const char *code)
{
    size_t n;
    const ck_ctype *all = ck_ctypes_all(&n);
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(all[i].code, code) == 0) return &all[i];
    return NULL;
}

const char *const *ck_ctype_categories(void)
{
    pthread_once(&once, load);
    return categories;
}

bool ck_ctype_system(const char *category) { return ck_streq(category, "Administrative"); }

/* nDelius appointment outcome descriptions, one per code of ck_vocab_outcome
 * (../shared/domain/rules-and-sources.md, "Appointment outcome codes"), in
 * sentence case. */
static const struct {
    const char *code, *name;
} outcome_names[] = {
    {"ATTC", "Attended – complied"},
    {"AFTC", "Attended – failed to comply"},
    {"ATSH", "Attended – sent home (behaviour)"},
    {"ATSS", "Attended – sent home (service issues)"},
    {"AFDA", "Attended – failure to comply deemed acceptable"},
    {"AFTA", "Failed to attend"},
    {"UAAB", "Unacceptable absence"},
    {"ABNS", "Failed to attend – not a national standard contact"},
    {"ATFI", "Failed to comply with another instruction"},
    {"UBHV", "Unacceptable behaviour"},
    {"AAAA", "Acceptable absence"}, /* nDelius: "– Other" */
    {"AACL", "Acceptable absence – court or legal"},
    {"AAEM", "Acceptable absence – employment"},
    {"AAFC", "Acceptable absence – family or childcare"},
    {"AAHO", "Acceptable absence – holiday"},
    {"AAME", "Acceptable absence – medical"},
    {"AARC", "Acceptable absence – RIC"},
    {"AARE", "Acceptable absence – religious"},
    {"AASD", "Acceptable absence – stood down"},
    {"CO05", "Acceptable absence – professional judgement"},
    {"CO10", "Acceptable failure – none in the following 12 months"},
    {"RSOF", "Rescheduled – person on probation's request"},
    {"RSSR", "Rescheduled – service request"},
    {"CO40", "Suspended"},
    {"TCLN", "Drug test – clean"},
    {"TDRT", "Drug test – not clean"},
    {"TRFS", "Drug test – refused"},
    {"TADM", "Drug test – admitted use"},
};

const char *ck_outcome_name(const char *code)
{
    for (size_t i = 0; code && i < sizeof outcome_names / sizeof *outcome_names; i++)
        if (strcmp(outcome_names[i].code, code) == 0) return outcome_names[i].name;
    return NULL;
}
