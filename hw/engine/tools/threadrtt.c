/*
 * Cache-line round trip between two threads (see threadrtt.h).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "threadrtt.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define RTT_ROUNDS 5
#define RTT_GIVE_UP_NS 2e9     /* one CPU for both threads: no answer */

typedef struct rtt_line {
    _Alignas(64) atomic_uint turn;  /* odd: the peer's move */
    _Alignas(64) atomic_bool quit;
    unsigned trips;
} rtt_line;

static void *rtt_peer(void *arg)
{
    rtt_line *l = arg;
    for (unsigned i = 0; i < l->trips * RTT_ROUNDS; i++) {
        /* spin: a sleep would measure the scheduler instead */
        while (atomic_load_explicit(&l->turn, memory_order_acquire) !=
               2 * i + 1) {
            if (atomic_load_explicit(&l->quit, memory_order_relaxed)) {
                return NULL;
            }
        }
        atomic_store_explicit(&l->turn, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double hc1_thread_rtt_ns(unsigned trips)
{
    rtt_line *l = aligned_alloc(64, sizeof(*l));
    pthread_t tid;
    double ns[RTT_ROUNDS];
    unsigned i = 0;

    if (!l || trips == 0 || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        free(l);
        return 0;
    }
    atomic_init(&l->turn, 0);
    atomic_init(&l->quit, false);
    l->trips = trips;
    if (pthread_create(&tid, NULL, rtt_peer, l)) {
        free(l);
        return 0;
    }
    double start = now_ns();
    bool late = false;
    for (int r = 0; r < RTT_ROUNDS && !late; r++) {
        double t0 = now_ns();
        for (unsigned k = 0; k < trips && !late; k++, i++) {
            atomic_store_explicit(&l->turn, 2 * i + 1, memory_order_release);
            for (unsigned spin = 1;
                 atomic_load_explicit(&l->turn, memory_order_acquire) !=
                 2 * i + 2; spin++) {
                if (spin % 4096 == 0 && now_ns() - start > RTT_GIVE_UP_NS) {
                    late = true;
                    break;
                }
            }
        }
        ns[r] = (now_ns() - t0) / trips;
    }
    atomic_store(&l->quit, true);
    pthread_join(tid, NULL);
    free(l);
    if (late) {
        return 0;
    }
    qsort(ns, RTT_ROUNDS, sizeof(ns[0]), cmp_double);
    return ns[RTT_ROUNDS / 2];
}
