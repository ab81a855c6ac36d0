/* ck_worker: a periodic background thread (see ck_worker.h). */
#include "ck_worker.h"
#include "ck_mem.h"
#include <pthread.h>
#include <stdio.h>
#include <time.h>

struct ck_worker {
    ck_worker_round round;
    void *ctx;
    pthread_t thread;
    pthread_mutex_t mu; /* guards what follows */
    pthread_cond_t cv;  /* on CLOCK_MONOTONIC */
    bool stop, in_round;
    unsigned rounds;    /* rounds ended */
};

/* now + ms on the monotonic clock. */
static struct timespec after_ms(int64_t ms)
{
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    if (ms < 0) ms = 0;
    int64_t ns = (int64_t)at.tv_nsec + (ms % 1000) * 1000000;
    at.tv_sec += (time_t)(ms / 1000 + ns / 1000000000);
    at.tv_nsec = (long)(ns % 1000000000);
    return at;
}

static void *worker_main(void *arg)
{
    ck_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        w->in_round = true;
        pthread_mutex_unlock(&w->mu);
        int64_t wait_ms = w->round(w->ctx);
        pthread_mutex_lock(&w->mu);
        w->in_round = false;
        w->rounds++;
        pthread_cond_broadcast(&w->cv); /* a settle waiting for the round */
        struct timespec until = after_ms(wait_ms);
        while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0) {
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

ck_worker *ck_worker_start(ck_worker_round round, void *ctx)
{
    ck_worker *w = ck_calloc(1, sizeof *w);
    w->round = round;
    w->ctx = ctx;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        ck_free(w);
        return NULL;
    }
    return w;
}

unsigned ck_worker_settle(ck_worker *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->rounds == 0 || w->in_round) pthread_cond_wait(&w->cv, &w->mu);
    unsigned n = w->rounds;
    pthread_mutex_unlock(&w->mu);
    return n;
}

void ck_worker_stop(ck_worker *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    ck_free(w);
}
