/* ck_cli_systemd: telling systemd how the server is (Type=notify units,
 * packaging/casekeeper.service.in), through libsystemd's sd_notify.
 *
 * Outside systemd (no $NOTIFY_SOCKET) every call does nothing, so `serve`
 * and `demo` run the same from a terminal. The watchdog thread runs only
 * when the unit sets WatchdogSec (sd_watchdog_enabled) and sends WATCHDOG=1
 * every half of it; a server that stops answering is restarted by systemd
 * because the ping also checks that the HTTP server still accepts a
 * connection (the probe below). */
#ifndef CK_CLI_SYSTEMD_H
#define CK_CLI_SYSTEMD_H
#include <stdbool.h>

/* READY=1 with STATUS=status: the server listens. */
void ck_systemd_ready(const char *status);
/* STOPPING=1 with STATUS=status: the server is draining. */
void ck_systemd_stopping(const char *status);
/* STATUS=... alone (printf-style). */
void ck_systemd_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct ck_systemd_watchdog ck_systemd_watchdog;
/* Starts the watchdog thread when systemd asked for one. probe(ctx) is
 * called before each ping; false withholds the ping (systemd restarts the
 * service once WatchdogSec passes without one). NULL when there is no
 * watchdog to keep (not an error). */
ck_systemd_watchdog *ck_systemd_watchdog_start(bool (*probe)(void *ctx), void *ctx);
void ck_systemd_watchdog_stop(ck_systemd_watchdog *w); /* NULL-safe */

#endif
