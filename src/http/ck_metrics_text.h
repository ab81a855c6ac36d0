/* ck_metrics_text: GET /metrics, the process's figures in the Prometheus
 * text exposition format (version 0.0.4): requests by route pattern and
 * status and their latencies (http/ck_http), database transactions and
 * waits (db/ck_db), the audit appender (services/ck_audit), the nightly
 * recompute (http/ck_api), appointment reminders (services/ck_reminders),
 * and the service figures read from the database at scrape time
 * (store/ck_figures: overdue obligations by PDU and rule, unallocated
 * cases by PDU).
 *
 * Who may read it: a direct client on this machine (ck_http_direct_loopback:
 * never a request the trusted proxy forwarded to us), or one presenting
 * "Authorization: Bearer" with the token of metrics_token_file
 * (config/rules.conf). Anyone else gets the same 404 as a path that does
 * not exist. The figures carry codes and counts only, never a name or CRN. */
#ifndef CK_METRICS_TEXT_H
#define CK_METRICS_TEXT_H
#include "ck_buf.h"
#include "ck_figures.h"
#include "ck_http.h"
#include "ck_rulecfg.h"

#define CK_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define CK_METRICS_TOKEN_MIN 32 /* a shorter token in metrics_token_file is refused */

extern const ck_route ck_metrics_routes[];

/* Whether metrics_token_file, when set, holds a token of at least
 * CK_METRICS_TOKEN_MIN characters: false with err naming the key, so
 * `serve` refuses to start rather than answer every scrape 404. */
bool ck_metrics_config_ok(const ck_rules_config *cfg, char *err, size_t err_len);

/* Every family of metrics into out; figures NULL when they could not be read
 * (then casekeeper_service_figures_up is 0 and their families are empty). */
void ck_metrics_render(ck_buf *out, const ck_http_server *s, const ck_service_figures *figures);

#endif
