/* ck_cli_systemd: sd_notify for the server (see ck_cli_systemd.h). */
#include "ck_cli_systemd.h"
#include "ck_mem.h"
#include "ck_worker.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <time.h>

void ck_systemd_ready(const char *status) { sd_notifyf(0, "READY=1\nSTATUS=%s", status); }

void ck_systemd_stopping(const char *status) { sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status); }

void ck_systemd_status(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sd_notifyf(0, "STATUS=%s", msg);
}

struct ck_systemd_watchdog {
    ck_worker *worker;  /* services/ck_worker: one ping a round */
    int64_t every_ms;   /* half of WatchdogSec */
    bool (*probe)(void *ctx);
    void *ctx;
};

/* A round: the ping when the probe says the server still serves. */
static int64_t watch(void *arg)
{
    ck_systemd_watchdog *w = arg;
    if (!w->probe || w->probe(w->ctx)) sd_notify(0, "WATCHDOG=1");
    return w->every_ms;
}

ck_systemd_watchdog *ck_systemd_watchdog_start(bool (*probe)(void *ctx), void *ctx)
{
    uint64_t usec = 0;
    /* 0 unset the variables: the pings come from this process only. */
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return NULL;
    ck_systemd_watchdog *w = ck_calloc(1, sizeof *w);
    w->every_ms = (int64_t)(usec / 2000u);
    w->probe = probe;
    w->ctx = ctx;
    w->worker = ck_worker_start(watch, w);
    if (!w->worker) {
        ck_free(w);
        return NULL;
    }
    return w;
}

void ck_systemd_watchdog_stop(ck_systemd_watchdog *w)
{
    if (!w) return;
    ck_worker_stop(w->worker);
    ck_free(w);
}
