/* ck_session: the signed-in user as the web app's handlers see them.
 *
 * Accounts, passwords, sessions, timeouts, sign-out and CSRF are the security
 * module's (store/ck_users, http/ck_auth): before any handler runs, the
 * server's authorize hook has identified the caller, checked the route's
 * permission and, for a page about one case, the case's scope and limited
 * access, and for a POST the CSRF token and Origin. This struct is a view of
 * that caller, filled by ck_web_guard; it lives as long as the request. */
#ifndef CK_SESSION_H
#define CK_SESSION_H
#include "ck_roles.h"

typedef struct ck_session {
    const ck_principal *p; /* the caller: pass it to store/ck_access for every read and write */
    const char *csrf;      /* the session's CSRF token: every form posts it as field "csrf" */
    const char *username;
    const char *staff, *team, *pdu; /* the linked staff member's code, team and PDU; "" when none */
} ck_session;

#endif
