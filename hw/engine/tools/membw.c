/*
 * Memory bandwidth probe (see membw.h).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "membw.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define MEMBW_MAX_THREADS 64

typedef struct membw_part {
    const uint8_t *p;
    size_t len;
    uint64_t sum;       /* kept, so the loads are not optimised away */
} membw_part;

static void *membw_worker(void *arg)
{
    membw_part *part = arg;
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;

    /*
     * One word per line brings the whole line in; four chains so the
     * adds never wait on each other. The hardware prefetchers see four
     * lines a step in order, as they see the matmul's rows.
     */
    for (; i + 256 <= part->len; i += 256) {
        uint64_t w[4];
        memcpy(&w[0], part->p + i, 8);
        memcpy(&w[1], part->p + i + 64, 8);
        memcpy(&w[2], part->p + i + 128, 8);
        memcpy(&w[3], part->p + i + 192, 8);
        s0 += w[0];
        s1 += w[1];
        s2 += w[2];
        s3 += w[3];
    }
    for (; i < part->len; i += 64) {
        s0 += part->p[i];
    }
    part->sum = s0 + s1 + s2 + s3;
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double hc1_membw_read(const void *p, size_t len, unsigned threads)
{
    membw_part parts[MEMBW_MAX_THREADS];
    pthread_t tid[MEMBW_MAX_THREADS];
    /* volatile: the sums must be used, or the loads could be dropped */
    volatile uint64_t sink = 0;
    unsigned started = 1;
    size_t each;
    double t0, dt;

    if (threads < 1) {
        threads = 1;
    }
    if (threads > MEMBW_MAX_THREADS) {
        threads = MEMBW_MAX_THREADS;
    }
    /* whole lines to each thread */
    each = (len / threads + 63) & ~(size_t)63;
    for (unsigned t = 0; t < threads; t++) {
        size_t off = each * t < len ? each * t : len;
        parts[t].p = (const uint8_t *)p + off;
        parts[t].len = len - off < each ? len - off : each;
        parts[t].sum = 0;
    }
    t0 = now_s();
    for (; started < threads; started++) {
        if (pthread_create(&tid[started], NULL, membw_worker,
                           &parts[started])) {
            break;
        }
    }
    membw_worker(&parts[0]);
    for (unsigned t = 1; t < started; t++) {
        pthread_join(tid[t], NULL);
    }
    dt = now_s() - t0;
    for (unsigned t = 0; t < started; t++) {
        sink += parts[t].sum;
    }
    (void)sink;
    return started == threads && dt > 0 ? len / dt : 0;
}
