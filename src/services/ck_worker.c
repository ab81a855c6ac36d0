/* ck_worker: a periodic background thread (see ck_worker.h). */
#include "ck_worker.h"
#include "ck_mem.h"
#include <pthread.h>
#include <stdio.h>
#include <time.h>

struct ck_worker {
    void (*round)(void *ctx);
    void *ctx;
    const int *period_s;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static void *worker_main(void *arg)
{
    ck_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        pthread_mutex_unlock(&w->mu);
        w->round(w->ctx);
        pthread_mutex_lock(&w->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += *w->period_s;
        while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0) {
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

ck_worker *ck_worker_start(void (*round)(void *ctx), void *ctx, const int *period_s)
{
    ck_worker *w = ck_calloc(1, sizeof *w);
    w->round = round;
    w->ctx = ctx;
    w->period_s = period_s;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        ck_free(w);
        return NULL;
    }
    return w;
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
