/* ck_roles: the permission/role matrix (see ck_roles.h, docs/security.md). */
#include "ck_roles.h"
#include <stdio.h>
#include <string.h>

const char *const ck_role_names[] = {"practitioner", "spo", "head_of_pdu", "court_officer", "vlo",
                                     "qa",           "admin", "system",     NULL};
const char *const ck_perm_names[] = {"case:read",      "case:create",     "case:write",       "check:write",
                                     "report:write",   "allocate",        "court:read",       "team:read",
                                     "pdu:read",       "victim:read",     "victim:write",     "user:admin",
                                     "workforce:read", "inspection:read", "inspection:write", "qa",
                                     NULL};
const char *const ck_scope_names[] = {"none", "team", "pdu", "region", "all", NULL};

#define NO CK_SCOPE_NONE
#define TEAM CK_SCOPE_TEAM
#define PDU CK_SCOPE_PDU
#define REGION CK_SCOPE_REGION
#define ALL CK_SCOPE_ALL

/* THE matrix. One row per permission, one column per role. docs/security.md
 * shows the same table; test_security checks the server against this one,
 * route by route and role by role. */
static const ck_scope matrix[CK_PERM_COUNT][CK_ROLE_COUNT + 1] = {
    /*                          practitioner  spo   head  court  vlo     qa   admin system */
    [CK_PERM_CASE_READ]     = {PDU,          PDU,  PDU,  PDU,   REGION, ALL, NO,   ALL},
    [CK_PERM_CASE_CREATE]   = {NO,           NO,   NO,   PDU,   NO,     NO,  NO,   ALL},
    [CK_PERM_CASE_WRITE]    = {TEAM,         TEAM, NO,   NO,    NO,     NO,  NO,   ALL},
    [CK_PERM_CHECK_WRITE]   = {TEAM,         TEAM, NO,   PDU,   NO,     NO,  NO,   ALL},
    [CK_PERM_REPORT_WRITE]  = {TEAM,         TEAM, NO,   PDU,   NO,     NO,  NO,   ALL},
    [CK_PERM_CASE_ALLOCATE] = {NO,           TEAM, PDU,  NO,    NO,     NO,  NO,   ALL},
    [CK_PERM_COURT_READ]    = {PDU,          PDU,  PDU,  PDU,   NO,     NO,  NO,   ALL},
    [CK_PERM_TEAM_READ]     = {NO,           TEAM, PDU,  NO,    NO,     ALL, NO,   ALL},
    [CK_PERM_PDU_READ]      = {NO,           PDU,  PDU,  NO,    NO,     ALL, NO,   ALL},
    [CK_PERM_VICTIM_READ]   = {NO,           NO,   NO,   NO,    REGION, NO,  NO,   NO},
    [CK_PERM_VICTIM_WRITE]  = {NO,           NO,   NO,   NO,    REGION, NO,  NO,   ALL},
    [CK_PERM_USER_ADMIN]    = {NO,           NO,   NO,   NO,    NO,     NO,  ALL,  ALL},
    [CK_PERM_WORKFORCE_READ]   = {NO,        PDU,  PDU,  NO,    NO,     ALL, NO,   ALL},
    [CK_PERM_INSPECTION_READ]  = {NO,        PDU,  PDU,  NO,    NO,     ALL, NO,   ALL},
    [CK_PERM_INSPECTION_WRITE] = {NO,        NO,   PDU,  NO,    NO,     NO,  NO,   ALL},
    [CK_PERM_QA]               = {NO,        PDU,  PDU,  NO,    NO,     ALL, NO,   ALL},
};

static const bool case_bound[CK_PERM_COUNT] = {
    [CK_PERM_CASE_READ] = true,    [CK_PERM_CASE_WRITE] = true,  [CK_PERM_CHECK_WRITE] = true,
    [CK_PERM_REPORT_WRITE] = true, [CK_PERM_CASE_ALLOCATE] = true, [CK_PERM_VICTIM_READ] = true,
    [CK_PERM_VICTIM_WRITE] = true,
};

bool ck_role_parse(const char *s, ck_role *out)
{
    for (int i = 0; s && i < CK_ROLE_COUNT; i++)
        if (strcmp(s, ck_role_names[i]) == 0) {
            *out = (ck_role)i;
            return true;
        }
    return false;
}

bool ck_perm_parse(const char *s, size_t n, ck_perm *out)
{
    for (int i = 0; s && i < CK_PERM_COUNT; i++)
        if (strlen(ck_perm_names[i]) == n && memcmp(s, ck_perm_names[i], n) == 0) {
            *out = (ck_perm)i;
            return true;
        }
    return false;
}

bool ck_perm_known(const char *s)
{
    ck_perm p;
    return s && (strcmp(s, CK_PERMISSION_PUBLIC) == 0 || strcmp(s, CK_PERMISSION_AUTHENTICATED) == 0 ||
                 ck_perm_parse(s, strlen(s), &p));
}

ck_scope ck_role_scope(ck_role role, ck_perm perm)
{
    if ((unsigned)role > CK_ROLE_SYSTEM || (unsigned)perm >= CK_PERM_COUNT) return CK_SCOPE_NONE;
    return matrix[perm][role];
}

bool ck_perm_is_case(ck_perm perm) { return (unsigned)perm < CK_PERM_COUNT && case_bound[perm]; }

bool ck_perm_parse_list(const char *s, uint32_t *out, char *err, size_t err_len)
{
    *out = 0;
    const char *p = s ? s : "";
    for (;;) {
        size_t n = strcspn(p, ",");
        ck_perm perm;
        if (!ck_perm_parse(p, n, &perm)) {
            char names[512];
            ck_perm_list(CK_PERM_ALL, names, sizeof names);
            snprintf(err, err_len, "\"%.*s\" is not a permission (expected a comma-separated list of %s)",
                     (int)(n > 64 ? 64 : n), p, names);
            return false;
        }
        *out |= 1u << perm;
        if (!p[n]) return true;
        p += n + 1;
    }
}

void ck_perm_list(uint32_t bits, char *out, size_t out_len)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < CK_PERM_COUNT; i++) {
        if (!(bits & (1u << i))) continue;
        int w = snprintf(out + len, out_len - len, "%s%s", len ? "," : "", ck_perm_names[i]);
        if (w < 0 || (size_t)w >= out_len - len) return;
        len += (size_t)w;
    }
}

void ck_principal_system(ck_principal *p, const char *who)
{
    memset(p, 0, sizeof *p);
    p->role = CK_ROLE_SYSTEM;
    p->scopes = CK_PERM_ALL;
    snprintf(p->username, sizeof p->username, "%s", who ? who : "system");
}

ck_scope ck_principal_scope(const ck_principal *p, ck_perm perm)
{
    if (!p || (unsigned)perm >= CK_PERM_COUNT || !(p->scopes & (1u << perm))) return CK_SCOPE_NONE;
    return ck_role_scope(p->role, perm);
}

bool ck_scope_covers(const ck_principal *p, ck_scope s, const ck_place *c)
{
    const ck_place *me = &p->place;
    switch (s) {
    case CK_SCOPE_NONE: return false;
    case CK_SCOPE_ALL: return true;
    case CK_SCOPE_TEAM:
    case CK_SCOPE_PDU:
    case CK_SCOPE_REGION: break;
    }
    /* "" never matches: a user without a staff record, or a case nobody
     * holds, is covered by nothing narrower than ALL. */
    if (me->staff[0] && strcmp(me->staff, c->staff) == 0) return true;
    const char *mine = s == CK_SCOPE_TEAM ? me->team : s == CK_SCOPE_PDU ? me->pdu : me->region;
    const char *theirs = s == CK_SCOPE_TEAM ? c->team : s == CK_SCOPE_PDU ? c->pdu : c->region;
    return mine[0] && strcmp(mine, theirs) == 0;
}
