/* ck_cli_systemd: sd_notify for the server (see ck_cli_systemd.h). */
#include "ck_cli_systemd.h"
#include "ck_mem.h"
#include <pthread.h>
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
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    uint64_t every_us; /* half of WatchdogSec */
    bool (*probe)(void *ctx);
    void *ctx;
};

static void *watch(void *arg)
{
    ck_systemd_watchdog *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        pthread_mutex_unlock(&w->lock);
        if (!w->probe || w->probe(w->ctx)) sd_notify(0, "WATCHDOG=1");
        pthread_mutex_lock(&w->lock);
        struct timespec at;
        clock_gettime(CLOCK_MONOTONIC, &at);
        uint64_t ns = (uint64_t)at.tv_nsec + (w->every_us % 1000000u) * 1000u;
        at.tv_sec += (time_t)(w->every_us / 1000000u + ns / 1000000000u);
        at.tv_nsec = (long)(ns % 1000000000u);
        while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &at) == 0) {
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

ck_systemd_watchdog *ck_systemd_watchdog_start(bool (*probe)(void *ctx), void *ctx)
{
    uint64_t usec = 0;
    /* 0 unset the variables: the pings come from this process only. */
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return NULL;
    ck_systemd_watchdog *w = ck_calloc(1, sizeof *w);
    w->every_us = usec / 2;
    w->probe = probe;
    w->ctx = ctx;
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, watch, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        ck_free(w);
        return NULL;
    }
    return w;
}

void ck_systemd_watchdog_stop(ck_systemd_watchdog *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    ck_free(w);
}
