/*
 * Sampler time per token: hc1_sample with the usual option sets, on a
 * model's vocabulary (the card samples every token of every context on
 * its compute thread, so this is added to each step). Two shapes of
 * logits: the model's own after a short prompt (a random-weight model's
 * are nearly flat, the worst case for top-p and min-p, where most of
 * the vocabulary survives) and a peaked one like a trained model's
 * (Gaussian, sd 2.5, with six tokens 15-20 above the rest).
 * Median of 7 rounds of 64 draws, microseconds a token.
 *
 *   bench_sampler MODEL    exit 77 (skip) if MODEL is missing
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 7
#define DRAWS 64

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* xorshift64*, then a standard normal by Box-Muller */
static double rnd_unit(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return ((*s * 2685821657736338717ull) >> 11) * 0x1.0p-53;
}

static void peaked(float *l, uint32_t V)
{
    uint64_t s = 88172645463325252ull;
    for (uint32_t i = 0; i < V; i++) {
        double u = rnd_unit(&s) + 1e-300, v = rnd_unit(&s);
        l[i] = (float)(2.5 * sqrt(-2.0 * log(u)) * cos(6.283185307 * v));
    }
    for (uint32_t j = 0; j < 6; j++) {
        l[(j * 7919u + 13) % V] += 20.0f - (float)j;
    }
}

typedef struct cfg {
    const char *name;
    float temp, top_p, min_p, penalty;
    uint32_t top_k, n_top;
} cfg;

int main(int argc, char **argv)
{
    static const cfg cfgs[] = {
        { "greedy", 0, 1, 0, 1, 0, 0 },
        { "greedy, top-5 logprobs", 0, 1, 0, 1, 0, 5 },
        { "greedy, repeat-penalty 1.1", 0, 1, 0, 1.1f, 0, 0 },
        { "temp 0.8", 0.8f, 1, 0, 1, 0, 0 },
        { "temp 0.8 top-k 40", 0.8f, 1, 0, 1, 40, 0 },
        { "temp 0.8 top-p 0.9", 0.8f, 0.9f, 0, 1, 0, 0 },
        { "temp 0.8 min-p 0.05", 0.8f, 1, 0.05f, 1, 0, 0 },
        { "temp 0.8 top-k 8 top-p 0.95 min-p 0.05", 0.8f, 0.95f, 0.05f,
          1, 8, 0 },
        { "temp 0.8 top-k 40 top-p 0.95 penalty 1.1 top-5", 0.8f, 0.95f, 0,
          1.1f, 40, 5 },
    };
    hc1_model *m;
    hc1_engine *e;
    hc1_ctx *c;
    hc1_engine_config ec = { .n_threads = 2 };
    char err[256];
    const int32_t prompt[4] = { 1, 2, 3, 4 };

    if (argc < 2 || access(argv[1], R_OK)) {
        printf("SKIP: model %s not found\n", argc > 1 ? argv[1] : "(none)");
        return 77;
    }
    if (hc1_model_open_file(argv[1], &m, err, sizeof(err)) ||
        hc1_engine_new(m, &ec, &e) || hc1_ctx_new(e, 64, 0, &c) ||
        hc1_prefill(c, prompt, 4)) {
        fprintf(stderr, "bench_sampler: %s: cannot run it (%s)\n", argv[1],
                err);
        return 1;
    }
    uint32_t V = hc1_model_get_info(m)->n_vocab;
    /* the context's logits, overwritten for the second shape */
    float *lg = (float *)hc1_ctx_logits(c);
    float *own = malloc(V * sizeof(float)), *pk = malloc(V * sizeof(float));
    memcpy(own, lg, V * sizeof(float));
    peaked(pk, V);

    printf("sampler, vocabulary %u, us a token (median of %d x %d)\n", V,
           ROUNDS, DRAWS);
    printf("%-48s %10s %10s\n", "options", "model's", "peaked");
    for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
        const cfg *k = &cfgs[i];
        double us[2];
        for (int shape = 0; shape < 2; shape++) {
            hc1_sampling s;
            hc1_token_out out;
            double t[ROUNDS];
            memcpy(lg, shape ? pk : own, V * sizeof(float));
            hc1_sampling_default(&s);
            s.temperature = k->temp;
            s.top_k = k->top_k;
            s.top_p = k->top_p;
            s.min_p = k->min_p;
            s.repeat_penalty = k->penalty;
            s.n_top_logprobs = k->n_top;
            for (int r = 0; r < ROUNDS; r++) {
                double t0 = now_s();
                for (int d = 0; d < DRAWS; d++) {
                    s.seed = (uint64_t)d;
                    if (hc1_sample(c, &s, &out)) {
                        fprintf(stderr, "bench_sampler: sampling failed\n");
                        return 1;
                    }
                }
                t[r] = (now_s() - t0) / DRAWS * 1e6;
            }
            qsort(t, ROUNDS, sizeof(double), cmp_double);
            us[shape] = t[ROUNDS / 2];
        }
        printf("%-48s %10.1f %10.1f\n", k->name, us[0], us[1]);
    }
    free(own);
    free(pk);
    hc1_ctx_free(c);
    hc1_engine_free(e);
    hc1_model_close(m);
    return 0;
}
