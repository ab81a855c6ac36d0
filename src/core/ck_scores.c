#include "ck_scores.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ck_score_status_name(ck_score_status s)
{
    switch (s) {
    case CK_SCORE_OK: return "ok";
    case CK_SCORE_MISSING: return "missing";
    case CK_SCORE_INVALID: return "invalid";
    }
    return "invalid";
}

const ck_missing *ck_missing_find(const ck_missing_list *l, const char *input)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->item[i].input, input) == 0) return &l->item[i];
    return NULL;
}

void ck_missing_add(ck_missing_list *l, const char *input, const char *fmt, ...)
{
    if (l->n == CK_MISSING_MAX || ck_missing_find(l, input)) return;
    ck_missing *m = &l->item[l->n++];
    snprintf(m->input, sizeof m->input, "%s", input);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->why, sizeof m->why, fmt, ap);
    va_end(ap);
}
