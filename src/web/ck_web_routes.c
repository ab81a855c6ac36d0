/* ck_web_routes: the web app's route table. Pages declare the permission
 * their content needs (core/ck_roles); the server's authorize hook
 * (http/ck_auth) enforces it before the handler runs, with the case's scope
 * for pages about one case. Literal rows come before the {param} rows they
 * overlap. */
#include "ck_api_manage.h"
#include "ck_api_notify.h"
#include "ck_metrics_text.h"
#include "ck_web.h"
#include "ck_web_consent.h"
#include "ck_web_manage.h"

const ck_route ck_web_routes[] = {
    {"GET", "/sign-in", ck_web_sign_in, "public"},
    {"POST", "/sign-in", ck_web_sign_in_post, "public"},
    {"POST", "/sign-out", ck_web_sign_out, "authenticated"},
    {"GET", "/assets/{version}/{file}", ck_web_asset, "public"},
    {"GET", "/assets/{version}/{dir}/{file}", ck_web_asset_in_dir, "public"},
    /* Every account's home (ck_web_home checks the home page's own permission). */
    {"GET", "/", ck_web_home, "authenticated"},
    {"GET", "/my-work", ck_web_my_work, "case:read"},
    {"GET", "/caseload", ck_web_caseload, "case:read"},
    {"GET", "/diary", ck_web_diary, "case:read"},
    {"GET", "/diary/without-outcome", ck_web_without_outcome, "case:read"},
    {"GET", "/diary/calendar", ck_web_calendar, "case:read"},
    {"POST", "/diary/calendar", ck_web_calendar_on, "case:read"},
    {"POST", "/diary/calendar/off", ck_web_calendar_off, "case:read"},
    /* The token in the address is the credential (a calendar cannot sign in). */
    {"GET", "/calendar/{token}", ck_web_calendar_feed, "public"},
    {"GET", "/diary/team", ck_web_team_diary, "team:read"},
    {"GET", "/diary/team/without-outcome", ck_web_team_without_outcome, "team:read"},
    {"GET", "/search", ck_web_search, "case:read"},
    {"GET", "/cases/{crn}", ck_web_case, "case:read"},
    {"GET", "/cases/{crn}/victims", ck_web_victim_list, "victim:read"},
    {"GET", "/cases/{crn}/victims/new", ck_web_victim_form, "victim:write"},
    {"POST", "/cases/{crn}/victims/new", ck_web_victim_post, "victim:write"},
    {"GET", "/cases/{crn}/victims/{id}", ck_web_victim, "victim:read"},
    {"GET", "/cases/{crn}/victims/{id}/edit", ck_web_victim_form, "victim:write"},
    {"POST", "/cases/{crn}/victims/{id}/edit", ck_web_victim_post, "victim:write"},
    {"GET", "/cases/{crn}/victims/{id}/told", ck_web_victim_told_form, "victim:write"},
    {"POST", "/cases/{crn}/victims/{id}/told", ck_web_victim_told_post, "victim:write"},
    {"GET", "/cases/{crn}/activity", ck_web_activity, "case:read"},
    {"GET", "/cases/{crn}/consent/change", ck_web_consent_form, "case:write"},
    {"POST", "/cases/{crn}/consent/change", ck_web_consent_post, "case:write"},
    {"GET", "/cases/{crn}/{tab}", ck_web_case, "case:read"},
    /* Checks are court work as much as case work: their own permission. */
    {"GET", "/cases/{crn}/checks/new", ck_web_check_form, "check:write"},
    {"POST", "/cases/{crn}/checks/new", ck_web_check_post, "check:write"},
    {"GET", "/cases/{crn}/checks/{id}/{verb}", ck_web_check_form, "check:write"},
    {"POST", "/cases/{crn}/checks/{id}/{verb}", ck_web_check_post, "check:write"},
    {"GET", "/cases/{crn}/{kind}/new", ck_web_action_form, "case:write"},
    {"POST", "/cases/{crn}/{kind}/new", ck_web_action_post, "case:write"},
    {"GET", "/cases/{crn}/{kind}/{id}/{verb}", ck_web_action_form, "case:write"},
    {"POST", "/cases/{crn}/{kind}/{id}/{verb}", ck_web_action_post, "case:write"},
    {"GET", "/team", ck_web_team, "team:read"},
    {"GET", "/team/allocate/{crn}", ck_web_allocate_form, "allocate"},
    {"POST", "/team/allocate/{crn}", ck_web_allocate_post, "allocate"},
    {"GET", "/court", ck_web_court, "court:read"},
    {"GET", "/court/cases/new", ck_web_new_case_form, "case:create"},
    {"POST", "/court/cases/new", ck_web_new_case_post, "case:create"},
    {"GET", "/victims", ck_web_victims, "victim:read"},
    {"GET", "/pdu", ck_web_pdu, "pdu:read"},
    {"GET", "/region", ck_web_region, "pdu:read"},
    {"GET", "/pdu/cases", ck_web_pdu_cases, "pdu:read"},
    {"GET", "/pdu/overdue", ck_web_pdu_overdue, "pdu:read"},
    {"GET", "/inspection", ck_web_inspection, "inspection:read"},
    {"GET", "/inspection/key-questions/{key}", ck_web_inspection_failures, "inspection:read"},
    {"GET", "/inspection/standards/{standard}", ck_web_org_standard_form, "inspection:write"},
    {"POST", "/inspection/standards/{standard}", ck_web_org_standard_post, "inspection:write"},
    {"GET", "/workforce", ck_web_workforce, "workforce:read"},
    {"GET", "/workforce/download", ck_web_workforce_csv, "workforce:read"},
    {"GET", "/workforce/teams/{team}", ck_web_workforce_team, "workforce:read"},
    {"GET", "/allocations", ck_web_allocations, "allocate"},
    {"POST", "/allocations", ck_web_allocate_one, "allocate"},
    {"POST", "/allocations/reallocate", ck_web_reallocate, "allocate"},
    {"POST", "/allocations/leaving", ck_web_record_leaving, "allocate"},
    {"GET", "/qa", ck_web_qa, "qa"},
    {"POST", "/qa", ck_web_qa_draw, "qa"},
    {"GET", "/qa/{id}", ck_web_qa_sample, "qa"},
    {"GET", "/qa/{id}/disagreements", ck_web_qa_disagreements, "qa"},
    {"GET", "/qa/{id}/cases/{crn}", ck_web_qa_case_form, "qa"},
    {"POST", "/qa/{id}/cases/{crn}", ck_web_qa_case_post, "qa"},
    /* GOV.UK Notify's delivery receipts: its own bearer token (ck_api_notify). */
    {"POST", "/notify/callback", ck_api_notify_callback, "public"},
    {"GET", "/accounts", ck_web_accounts, "user:admin"},
    {"GET", "/accounts/new", ck_web_account_new, "user:admin"},
    {"POST", "/accounts/new", ck_web_account_add, "user:admin"},
    {"GET", "/accounts/{name}", ck_web_account, "user:admin"},
    {"GET", "/accounts/{name}/role", ck_web_account_role_form, "user:admin"},
    {"POST", "/accounts/{name}/role", ck_web_account_role_post, "user:admin"},
    {"GET", "/accounts/{name}/tokens/new", ck_web_token_form, "user:admin"},
    {"POST", "/accounts/{name}/tokens/new", ck_web_token_post, "user:admin"},
    {"POST", "/accounts/{name}/{verb}", ck_web_account_action, "user:admin"},
    {NULL, NULL, NULL, NULL},
};

ck_route *ck_web_server_routes(void)
{
    const ck_route *const tables[] = {ck_web_routes, ck_api_routes, ck_api_manage_routes, ck_metrics_routes, NULL};
    return ck_http_routes_join(tables);
}
