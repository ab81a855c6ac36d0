/* ck_app: what every handler of the API and of the web app needs, handed to
 * them by the HTTP core (ck_http_config.app, read back with ck_http_app): the
 * rules engine, the clock and sign-in. Its own module so that the API
 * (http/ck_api) and sign-in (http/ck_auth) both use it without depending on
 * each other. */
#ifndef CK_APP_H
#define CK_APP_H
#include "ck_case_cache.h"
#include "ck_cases.h"
#include "ck_http.h"
#include "ck_wl_cache.h"

typedef struct ck_auth ck_auth;
typedef struct ck_app {
    ck_engine engine;
    ck_date (*today)(void); /* NULL: ck_date_today (UTC); tests pin a date */
    const ck_auth *auth;    /* sign-in and sessions (http/ck_auth); the authorize hook needs it */
    /* Cases as GET /api/v1/cases/{crn} last rendered them (http/ck_case_cache);
     * NULL: every read renders. The web (ck_web_new) makes one for its server. */
    ck_case_cache *case_cache;
    /* GET /api/v1/worklist pages as last rendered (http/ck_wl_cache); NULL:
     * every read runs the page's queries. The web (ck_web_new) makes one for
     * its server, capped by the configuration's server_worklist_cache_*. */
    ck_wl_cache *wl_cache;
    /* Whether a route's handler decides access to its case itself, in the
     * snapshot it reads the case in (answering a refusal with ck_auth_deny),
     * so the authorize hook leaves that step to it: decided once. NULL: the
     * hook decides for every route (ck_api_decides_access is the API's). */
    bool (*decides_access)(const ck_route *route);
} ck_app;

/* Today for this app: its pinned clock, else the date in UTC. */
ck_date ck_app_today(const ck_app *app);

#endif
