/*
 * Thread pool. One loop at a time: the caller publishes it under a new
 * generation, workers "enter" it by incrementing an active count packed
 * with the generation in one atomic word, claim chunks, and leave. When
 * the caller has run out of chunks it waits only for entered workers,
 * then closes the generation so a late worker cannot enter. Workers spin
 * briefly before sleeping, because decode issues a loop per matmul.
 *
 * Each participant owns a contiguous part of the loop, claims it chunk
 * by chunk from the front, and then steals from the back of the others'
 * parts. So the same thread runs the same items loop after loop (token
 * t's activations stay in its caches from one step of a layer to the
 * next, and a matmul's rows stream in one run, prefetched ahead across
 * its claims), while a thread that is late or descheduled costs only
 * what the others steal.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define SPIN_ITERS  4000
#define ST_CLOSED   (1ull << 31)
#define ST_ACTIVE   (ST_CLOSED - 1)
#define ST_GEN(s)   ((s) >> 32)

/* A participant's part of the loop: front << 32 | back, on its own line. */
typedef struct part {
    _Alignas(64) atomic_uint_fast64_t fb;
} part;

#define FB(f, b)    ((uint64_t)(f) << 32 | (b))
#define FB_F(v)     ((uint32_t)((v) >> 32))
#define FB_B(v)     ((uint32_t)(v))

typedef struct worker {
    struct hc1_pool *pool;
    uint32_t idx;
    pthread_t tid;
} worker;

struct hc1_pool {
    uint32_t n;
    worker *w;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_uint_fast64_t state;     /* gen << 32 | closed | active */
    atomic_uint sleepers;
    atomic_bool quit;
    /* the current loop */
    hc1_range_fn fn;
    void *arg;
    uint32_t chunk;
    part *parts;            /* [n] */
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/*
 * Claim from the front of the own part one chunk at a time, then steal
 * from the back of the others' parts half of what is left (whole
 * chunks), until every part is empty. Front and back move in one atomic
 * word, so a claim and a steal never overlap.
 */
static void run_chunks(hc1_pool *p, uint32_t ith)
{
    atomic_uint_fast64_t *own = &p->parts[ith].fb;
    uint64_t v = atomic_load(own);
    while (FB_F(v) < FB_B(v)) {
        uint32_t f = FB_F(v), b = FB_B(v);
        uint32_t e = b - f > p->chunk ? f + p->chunk : b;
        if (atomic_compare_exchange_weak(own, &v, FB(e, b))) {
            p->fn(p->arg, f, e, ith);
            v = atomic_load(own);
        }
    }
    for (bool found = true; found; ) {
        found = false;
        for (uint32_t k = 1; k < p->n; k++) {
            atomic_uint_fast64_t *vic = &p->parts[(ith + k) % p->n].fb;
            v = atomic_load(vic);
            while (FB_F(v) < FB_B(v)) {
                uint32_t f = FB_F(v), b = FB_B(v);
                uint32_t left = b - f;
                uint32_t take = (left / 2 + p->chunk - 1) / p->chunk *
                                p->chunk;
                take = take < p->chunk ? p->chunk : take;
                take = take > left ? left : take;
                if (atomic_compare_exchange_weak(vic, &v,
                                                 FB(f, b - take))) {
                    p->fn(p->arg, b - take, b, ith);
                    found = true;
                    v = atomic_load(vic);
                }
            }
        }
    }
}

static void *worker_main(void *opaque)
{
    worker *w = opaque;
    hc1_pool *p = w->pool;
    uint64_t seen = 0;

    for (;;) {
        uint64_t s;
        int spins = 0;
        while (ST_GEN(s = atomic_load(&p->state)) == seen &&
               !atomic_load(&p->quit)) {
            if (++spins < SPIN_ITERS) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&p->mu);
            atomic_fetch_add(&p->sleepers, 1);
            while (ST_GEN(atomic_load(&p->state)) == seen &&
                   !atomic_load(&p->quit)) {
                pthread_cond_wait(&p->cv, &p->mu);
            }
            atomic_fetch_sub(&p->sleepers, 1);
            pthread_mutex_unlock(&p->mu);
            spins = 0;
        }
        if (atomic_load(&p->quit)) {
            return NULL;
        }
        seen = ST_GEN(s);
        /* enter the loop unless it closed meanwhile */
        bool entered = false;
        while (ST_GEN(s) == seen && !(s & ST_CLOSED)) {
            if (atomic_compare_exchange_weak(&p->state, &s, s + 1)) {
                entered = true;
                break;
            }
        }
        if (entered) {
            run_chunks(p, w->idx);
            atomic_fetch_sub(&p->state, 1);
        }
    }
}

hc1_pool *hc1_pool_new(uint32_t n)
{
    hc1_pool *p = calloc(1, sizeof(*p));
    if (!p) {
        return NULL;
    }
    p->n = n ? n : 1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    atomic_init(&p->state, ST_CLOSED);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->quit, false);
    p->w = calloc(p->n, sizeof(worker));
    p->parts = aligned_alloc(_Alignof(part), p->n * sizeof(part));
    if (!p->w || !p->parts) {
        free(p->w);
        free(p->parts);
        free(p);
        return NULL;
    }
    for (uint32_t i = 0; i < p->n; i++) {
        atomic_init(&p->parts[i].fb, 0);
    }
    for (uint32_t i = 1; i < p->n; i++) {
        p->w[i].pool = p;
        p->w[i].idx = i;
        if (pthread_create(&p->w[i].tid, NULL, worker_main, &p->w[i])) {
            p->n = i;   /* keep the threads we got */
            break;
        }
    }
    return p;
}

void hc1_pool_free(hc1_pool *p)
{
    if (!p) {
        return;
    }
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, true);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (uint32_t i = 1; i < p->n; i++) {
        pthread_join(p->w[i].tid, NULL);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->w);
    free(p->parts);
    free(p);
}

uint32_t hc1_pool_size(const hc1_pool *p)
{
    return p->n;
}

void hc1_pool_for(hc1_pool *p, uint32_t n, uint32_t chunk, hc1_range_fn fn,
                  void *arg)
{
    if (n == 0) {
        return;
    }
    if (chunk == 0) {
        chunk = 1;
    }
    if (p->n == 1 || n <= chunk) {
        fn(arg, 0, n, 0);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    p->chunk = chunk;
    /* the parts: whole chunks, the last one shorter (or empty) */
    uint64_t per = ((uint64_t)(n - 1) / p->n / chunk + 1) * chunk;
    for (uint32_t i = 0; i < p->n; i++) {
        uint64_t f = i * per, b = f + per;
        f = f < n ? f : n;
        b = b < n ? b : n;
        atomic_store(&p->parts[i].fb, FB(f, b));
    }
    /* open a new generation with no one inside */
    uint64_t gen = ST_GEN(atomic_load(&p->state)) + 1;
    atomic_store(&p->state, gen << 32);
    if (atomic_load(&p->sleepers)) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    run_chunks(p, 0);
    /* wait for the workers that entered, then close */
    for (;;) {
        uint64_t s = atomic_load(&p->state);
        if ((s & ST_ACTIVE) == 0 &&
            atomic_compare_exchange_weak(&p->state, &s, s | ST_CLOSED)) {
            break;
        }
        cpu_relax();
    }
}
