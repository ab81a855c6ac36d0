/* ck_web_pick: which PDU or region a page about one shows (see ck_web.h). */
#include "ck_org.h"
#include "ck_web.h"
#include <stdio.h>
#include <string.h>

static void failed(ck_http_req *r, const ck_session *s, const char *err)
{
    ck_http_log("%s web: organisation: %s", ck_http_request_id(r), err);
    ck_web_error_page(r, s, 500, "Sorry, there is a problem with the service", "Try again later.");
}

void ck_web_pick_page(ck_http_req *r, const ck_session *s, const char *what, const char *path, const char *param,
                      const ck_org_record *recs, size_t n)
{
    /* Shown at "/" it is the account's home: link to the home's own page. */
    if (!path) path = strcmp(ck_http_path(r), "/") == 0 ? ck_web_home_of(s->p->role) : ck_http_path(r);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        ck_buf href = CK_BUF_INIT;
        ck_buf_printf(&href, "%s?%s=", path, param);
        ck_buf_escape(&href, CK_ESC_URL, recs[i].code, strlen(recs[i].code));
        json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "href", ck_buf_cstr(&href), "name",
                                               recs[i].name ? recs[i].name : recs[i].code, "code", recs[i].code));
        ck_buf_free(&href);
    }
    const char *title = ck_arena_printf(ck_http_arena(r), "Choose a %s", what);
    json_t *page = ck_web_page(r, s, title, NULL);
    json_object_set_new(page, "what", json_string(what));
    json_object_set_new(page, "items", items);
    ck_web_render(r, 200, "pick.html", page);
}

/* Whether s's scope of perm reaches place. */
static bool reaches(const ck_session *s, ck_perm perm, const ck_place *place)
{
    return ck_scope_covers(s->p, ck_principal_scope(s->p, perm), place);
}

bool ck_web_pick_pdu(ck_http_req *r, const ck_session *s, ck_db *db, ck_perm perm, const char *param,
                     ck_org_record *out)
{
    const char *code = ck_http_query(r, param);
    if (!code || !*code) code = ck_http_form(r, param);
    bool asked = code && *code;
    if (!asked) code = s->pdu;
    char err[512];
    if (*code) {
        ck_rc rc = ck_org_get(db, CK_ORG_PDU, code, ck_http_arena(r), out, err, sizeof err);
        if (rc == CK_ERR_DB) {
            failed(r, s, err);
            return false;
        }
        ck_place place = {0};
        if (rc == CK_OK) {
            snprintf(place.pdu, sizeof place.pdu, "%s", out->code);
            snprintf(place.region, sizeof place.region, "%s", out->region ? out->region : "");
        }
        /* The reader's own PDU needs no scope check beyond the route's. */
        if (rc == CK_OK && (!asked || strcmp(code, s->pdu) == 0 || reaches(s, perm, &place))) return true;
        ck_web_error_page(r, s, 404, "Page not found",
                          "There is no probation delivery unit you can see at this address.");
        return false;
    }
    /* No PDU of its own: a reader whose scope reaches further chooses one. */
    ck_scope sc = ck_principal_scope(s->p, perm);
    if (sc == CK_SCOPE_ALL || (sc == CK_SCOPE_REGION && s->p->place.region[0])) {
        ck_org_record *recs = NULL;
        size_t n = 0;
        if (ck_org_list(db, CK_ORG_PDU, sc == CK_SCOPE_ALL ? NULL : s->p->place.region, ck_http_arena(r), &recs, &n,
                        err, sizeof err) != CK_OK) {
            failed(r, s, err);
            return false;
        }
        ck_web_pick_page(r, s, "probation delivery unit", NULL, param, recs, n);
        return false;
    }
    ck_web_error_page(r, s, 404, "Your account has no probation delivery unit",
                      "This page shows your probation delivery unit, found from your staff record's team. Ask an "
                      "administrator to link your account to your staff record.");
    return false;
}

bool ck_web_pick_region(ck_http_req *r, const ck_session *s, ck_db *db, ck_perm perm, ck_org_record *out)
{
    const char *code = ck_http_query(r, "region");
    bool asked = code && *code;
    if (!asked) code = s->p->place.region;
    char err[512];
    if (*code) {
        ck_rc rc = ck_org_get(db, CK_ORG_REGION, code, ck_http_arena(r), out, err, sizeof err);
        if (rc == CK_ERR_DB) {
            failed(r, s, err);
            return false;
        }
        if (rc == CK_OK && (!asked || strcmp(code, s->p->place.region) == 0 ||
                            ck_principal_scope(s->p, perm) == CK_SCOPE_ALL))
            return true;
        ck_web_error_page(r, s, 404, "Page not found", "There is no region you can see at this address.");
        return false;
    }
    if (ck_principal_scope(s->p, perm) == CK_SCOPE_ALL) {
        ck_org_record *recs = NULL;
        size_t n = 0;
        if (ck_org_list(db, CK_ORG_REGION, NULL, ck_http_arena(r), &recs, &n, err, sizeof err) != CK_OK) {
            failed(r, s, err);
            return false;
        }
        ck_web_pick_page(r, s, "region", NULL, "region", recs, n);
        return false;
    }
    ck_web_error_page(r, s, 404, "Your probation delivery unit has no region",
                      "This page shows the region of your probation delivery unit. Ask an administrator to link "
                      "your account to your staff record.");
    return false;
}

bool ck_web_pick_team(ck_http_req *r, const ck_session *s, ck_db *db, ck_perm perm, const char **team)
{
    const char *code = ck_http_query(r, "team");
    *team = s->team;
    if (!(code && *code) && s->team[0]) return true;
    char err[512];
    ck_org_record rec, pdu;
    if (code && *code) {
        ck_rc rc = ck_org_get(db, CK_ORG_TEAM, code, ck_http_arena(r), &rec, err, sizeof err);
        if (rc == CK_OK) rc = ck_org_get(db, CK_ORG_PDU, rec.pdu, ck_http_arena(r), &pdu, err, sizeof err);
        if (rc == CK_ERR_DB) {
            failed(r, s, err);
            return false;
        }
        ck_place place = {0};
        if (rc == CK_OK) {
            snprintf(place.team, sizeof place.team, "%s", rec.code);
            snprintf(place.pdu, sizeof place.pdu, "%s", pdu.code);
            snprintf(place.region, sizeof place.region, "%s", pdu.region ? pdu.region : "");
        }
        if (rc == CK_OK && reaches(s, perm, &place)) {
            *team = rec.code;
            return true;
        }
        ck_web_error_page(r, s, 404, "Page not found", "There is no team you can see at this address.");
        return false;
    }
    /* No team of its own: choose a PDU (when the scope reaches several),
     * then one of its teams. */
    if (!ck_web_pick_pdu(r, s, db, perm, "pdu", &pdu)) return false;
    ck_org_record *recs = NULL;
    size_t n = 0;
    if (ck_org_list(db, CK_ORG_TEAM, pdu.code, ck_http_arena(r), &recs, &n, err, sizeof err) != CK_OK) {
        failed(r, s, err);
        return false;
    }
    ck_web_pick_page(r, s, "team", "/team", "team", recs, n);
    return false;
}
