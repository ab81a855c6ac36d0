#include "ck_consent.h"
#include "ck_case.h"
#include <string.h>

bool ck_uk_mobile(const char *s, char out[CK_MOBILE_MAX])
{
    if (!s) return false;
    char digits[24];
    size_t n = 0;
    bool plus = false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof digits) return false;
            digits[n++] = *p;
        } else if (*p == '+' && n == 0 && !plus) {
            plus = true;
        } else if (*p != ' ' && *p != '-' && *p != '(' && *p != ')') {
            return false;
        }
    }
    digits[n] = '\0';
    /* The 9 digits after "7", whichever way the country code was written. */
    const char *rest = NULL;
    if (!plus && n == 11 && strncmp(digits, "07", 2) == 0) rest = digits + 2;
    else if (n == 12 && strncmp(digits, "447", 3) == 0) rest = digits + 3;
    else if (plus && n == 13 && strncmp(digits, "4407", 4) == 0) rest = digits + 4; /* +44 (0)7... */
    else if (!plus && n == 14 && strncmp(digits, "00447", 5) == 0) rest = digits + 5;
    if (!rest) return false;
    if (out) {
        memcpy(out, "+447", 4);
        memcpy(out + 4, rest, 9);
        out[13] = '\0';
    }
    return true;
}

bool ck_email_ok(const char *s)
{
    if (!s) return false;
    size_t len = strlen(s);
    if (len < 5 || len > 320) return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@')) return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == ',' || *p == ';' || *p == '<' || *p == '>') return false;
    /* The domain: labels separated by single dots, at least two of them. */
    const char *d = at + 1;
    if (!*d || *d == '.' || d[strlen(d) - 1] == '.' || strstr(d, "..") || !strchr(d, '.')) return false;
    return true;
}

bool ck_consent_active(const ck_consent *c, ck_date d)
{
    if (!c || c->given_on == CK_NODATE || c->given_on > d) return false;
    return c->withdrawn_on == CK_NODATE || c->withdrawn_on > d;
}
