/* ck_roles: who may do what to which cases. The one permission/role matrix.
 *
 * Every route declares a permission (ck_route.permission, a name below).
 * Every account has one role. The matrix (ck_roles.c, documented in
 * docs/security.md) gives, for each permission and role, a scope: how far
 * from the user's own place in the organisation the permission reaches.
 * CK_SCOPE_NONE means the role does not hold the permission at all.
 *
 * A case's place is derived by the store on every write: the staff member of
 * its current allocation, its team, that team's PDU and the PDU's region
 * (the "cases" table's staff_code, team_code, pdu_code). A user's place
 * comes from the staff record the account is linked to. A scope covers a
 * case when the case is in the user's own caseload (the case's staff code is
 * the user's) or in the user's team / PDU / region as the scope says; ALL
 * covers every case, NONE none. Limited-access lists (store/ck_access) are
 * checked on top of this and apply to every role.
 *
 * Pure data and functions: no I/O. */
#ifndef CK_ROLES_H
#define CK_ROLES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CK_CODE_MAX 32     /* staff, team, PDU and region codes (as ck_org's CK_ORG_CODE_MAX) */
#define CK_USERNAME_MAX 64 /* a username: 1 to 64 of a-z 0-9 . _ - */
#define CK_NAME_PART_MAX 64 /* a staff member's forename or surname as a principal carries it (longer is cut) */

typedef enum ck_role {
    CK_ROLE_PRACTITIONER, /* probation officer, PQiP, PSO: own caseload and team; reads across the PDU */
    CK_ROLE_SPO,          /* senior probation officer: the team; allocates */
    CK_ROLE_HEAD_OF_PDU,  /* the PDU */
    CK_ROLE_COURT_OFFICER, /* court work: new cases, reports, checks */
    CK_ROLE_VLO,          /* victim liaison: victims of cases in the region */
    CK_ROLE_QA,           /* quality assurance: reads everything but victims; writes nothing */
    CK_ROLE_ADMIN,        /* users and organisation; no case data */
    CK_ROLE_COUNT,        /* roles an account may hold are those before this */
    /* The operator's own tools (command line) and in-process callers the
     * operator trusts, such as tests of the API itself. Never an account's
     * role: ck_role_parse refuses it. Reads no victims' details. */
    CK_ROLE_SYSTEM = CK_ROLE_COUNT,
} ck_role;

typedef enum ck_perm {
    CK_PERM_CASE_READ,     /* "case:read"     read a case, its obligations; search; worklists */
    CK_PERM_CASE_CREATE,   /* "case:create"   create a case (it must land in the creator's scope) */
    CK_PERM_CASE_WRITE,    /* "case:write"    change a case's records (contacts, registrations, ...) */
    CK_PERM_CHECK_WRITE,   /* "check:write"   police and children's services checks */
    CK_PERM_REPORT_WRITE,  /* "report:write"  pre-sentence reports (web forms) */
    CK_PERM_CASE_ALLOCATE, /* "allocate"      allocations, the allocation board, leavers' caseloads */
    CK_PERM_COURT_READ,    /* "court:read"    the court work page */
    CK_PERM_TEAM_READ,     /* "team:read"     a team's caseloads and workload */
    CK_PERM_PDU_READ,      /* "pdu:read"      a PDU's dashboard */
    CK_PERM_VICTIM_READ,   /* "victim:read"   victims' names, addresses, phones, emails, notes */
    CK_PERM_VICTIM_WRITE,  /* "victim:write"  victim records */
    CK_PERM_USER_ADMIN,    /* "user:admin"    accounts */
    CK_PERM_WORKFORCE_READ,   /* "workforce:read"   staffing, capacity and caseload figures */
    CK_PERM_INSPECTION_READ,  /* "inspection:read"  inspection scores and their failing cases */
    CK_PERM_INSPECTION_WRITE, /* "inspection:write" organisational standard ratings */
    CK_PERM_QA,               /* "qa"               case audit samples and answers */
    CK_PERM_COUNT,
} ck_perm;

typedef enum ck_scope {
    CK_SCOPE_NONE,   /* not held */
    CK_SCOPE_TEAM,   /* own caseload and the user's team */
    CK_SCOPE_PDU,    /* own caseload and the user's PDU */
    CK_SCOPE_REGION, /* own caseload and the user's region */
    CK_SCOPE_ALL,    /* every case */
} ck_scope;

/* Two route permissions that are not in the matrix: "public" (anyone, signed
 * in or not) and "authenticated" (anyone signed in, whatever the role). */
#define CK_PERMISSION_PUBLIC "public"
#define CK_PERMISSION_AUTHENTICATED "authenticated"

extern const char *const ck_role_names[];  /* "practitioner", ..., "admin", "system"; NULL-terminated */
extern const char *const ck_perm_names[];  /* "case:read", ...; NULL-terminated */
extern const char *const ck_scope_names[]; /* "none", "team", "pdu", "region", "all" */

/* An account's role by name; false for unknown names and for "system". */
bool ck_role_parse(const char *s, ck_role *out);
/* A matrix permission by name (not "public" or "authenticated"). */
bool ck_perm_parse(const char *s, size_t n, ck_perm *out);
/* Whether a route permission is one the server knows: a matrix permission,
 * "public" or "authenticated". */
bool ck_perm_known(const char *s);

/* The matrix. */
ck_scope ck_role_scope(ck_role role, ck_perm perm);
/* Whether the permission is about one case (checked against the case's
 * place when a route names a case): case:read, case:write, check:write,
 * report:write, allocate, victim:read, victim:write. */
bool ck_perm_is_case(ck_perm perm);

/* A comma-separated permission list ("case:read,case:write") as a bit set
 * (1 << ck_perm). False with the bad entry named in err. */
bool ck_perm_parse_list(const char *s, uint32_t *out, char *err, size_t err_len);
/* The names of the bits set, comma-separated. */
void ck_perm_list(uint32_t bits, char *out, size_t out_len);
#define CK_PERM_ALL ((uint32_t)((1u << CK_PERM_COUNT) - 1))

/* Where something sits in the organisation; "" for unknown parts. */
typedef struct ck_place {
    char staff[CK_CODE_MAX + 1], team[CK_CODE_MAX + 1], pdu[CK_CODE_MAX + 1], region[CK_CODE_MAX + 1];
} ck_place;

/* Who is asking: an account, by a session or an API token, or the system.
 * Built by http/ck_auth for each request (or by the CLI); the store reads it
 * to decide scope, to choose what to load and to write the audit log. */
typedef struct ck_principal {
    int64_t user_id; /* 0 for the system */
    char username[CK_USERNAME_MAX + 1];
    ck_role role;
    ck_place place;          /* from the linked staff record; all "" when none */
    char name[2 * CK_NAME_PART_MAX + 2]; /* the staff member's "Forename Surname"; "" when none */
    uint32_t scopes;         /* permissions this credential may use: a token's scopes, CK_PERM_ALL otherwise */
    bool via_session;        /* a browser session: state-changing requests need the CSRF token */
    char client[64];         /* the client's address ("" on the command line) */
    char request_id[65];     /* the request's X-Request-Id ("" on the command line) */
} ck_principal;

/* The system principal: every permission with scope ALL except victim:read.
 * `who` names the tool in the audit log ("cli:alice"). */
void ck_principal_system(ck_principal *p, const char *who);

/* The scope of permission `perm` for p: the matrix, NONE when p's
 * credential lacks the scope bit. */
ck_scope ck_principal_scope(const ck_principal *p, ck_perm perm);
static inline bool ck_principal_may(const ck_principal *p, ck_perm perm)
{
    return ck_principal_scope(p, perm) != CK_SCOPE_NONE;
}
/* Whether scope s, held by p, covers something at place c. */
bool ck_scope_covers(const ck_principal *p, ck_scope s, const ck_place *c);

#endif
