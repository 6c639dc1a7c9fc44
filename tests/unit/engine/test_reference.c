/*
 * The forward pass against llama.cpp's reference outputs
 * (the JSON files in ../shared/models/reference).
 *
 *   test_reference MODEL.gguf|widen:F16MODEL.gguf REFERENCE.json LABEL
 *       [--threads N] [--verbose]
 *
 * For each KV cache type in the reference variant LABEL and each prompt:
 * first-step logits (top 10 and probes) within the tolerance, and the
 * greedy ids equal at every step until the first step whose reference
 * margin is below the tolerance (after a near-tie both runs may
 * legitimately diverge). "widen:" builds the F32 model in memory from
 * the F16 file (the reference's F32 variant is that exact widening).
 *
 * Tolerances (absolute, on logits of std ~3): see tolerance_for().
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_engine.h"
#include "json.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int verbose;

/*
 * Why these numbers: with F32 weights and an F32 cache the only
 * differences are float summation order and libm (expf/cosf): ~1e-5
 * relative per op, ~1e-4 on logits after a few layers. With F16/quantised
 * weights we quantise the activations exactly as llama.cpp does, so the
 * integer dot products agree; what differs is the order of the float
 * block sums, which can flip the rounding of an activation quant
 * (one step of amax/127 on one element) in a later layer: each flip
 * moves a logit by about |w| * amax/127, 1e-3..1e-2 for these models.
 * An f16 cache adds the same effect on K/V. Measured maxima are printed
 * with --verbose.
 */
static double tolerance_for(const char *label, const char *kv)
{
    (void)kv;
    if (strstr(label, "f32")) {
        return 2e-3;
    }
    if (strstr(label, "q4_k")) {
        /*
         * Q4_K/Q6_K (the 8-layer small-tied model): our integer dot
         * products equal the reference dequantisation times llama.cpp's
         * Q8_K activations (test_quant), but this model amplifies float
         * summation order: a last-bit change in a block sum flips an
         * activation quant (1/127 of a block's range), and over 8 layers
         * the logits move by ~0.1. Our own kernels at different ISA
         * levels, which differ only in summation order (Q6_K; Q4_K's
         * steps are the same at every level), disagree with each other
         * by as much (0.06-0.19 against the reference at each level),
         * so no implementation can do better than this without
         * llama.cpp's exact order. (Q8_0/Q4_0 on the 2-layer model agree
         * to 2e-6.)
         */
        return 0.2;
    }
    if (strstr(label, "q4_0")) {
        return 0.01;
    }
    return 0.01;
}

static int run_prompt(hc1_engine *e, const jval *pr, double tol,
                      double *maxdiff, int *checked_steps)
{
    const jval *pids = json_get(pr, "prompt_ids");
    const jval *top = json_get(pr, "first_step_top10");
    const jval *probe = json_get(pr, "first_step_probe_logits");
    const jval *gids = json_get(pr, "greedy_ids");
    const jval *margin = json_get(pr, "greedy_top1_minus_top2");
    int32_t ids[512];
    hc1_ctx *c;
    int fails = 0;

    for (size_t i = 0; i < pids->len; i++) {
        ids[i] = (int32_t)json_at(pids, i)->num;
    }
    CHECK(hc1_ctx_new(e, 512, 0, &c) == HC1_OK);
    CHECK(hc1_prefill(c, ids, (uint32_t)pids->len) == HC1_OK);
    const float *lg = hc1_ctx_logits(c);
    CHECK(lg != NULL);
    *maxdiff = 0;
    for (size_t i = 0; i < top->len; i++) {
        const jval *t = json_at(top, i);
        int id = (int)json_at(t, 0)->num;
        double ref = json_at(t, 1)->num;
        double d = fabs(lg[id] - ref);
        if (verbose > 1) fprintf(stderr, "    id %d ours %.6f ref %.6f diff %+.5f\n", id, lg[id], ref, lg[id] - ref);
        *maxdiff = d > *maxdiff ? d : *maxdiff;
    }
    for (size_t i = 0; i < probe->len; i++) {
        const jval *t = json_at(probe, i);
        int id = (int)json_at(t, 0)->num;
        double ref = json_at(t, 1)->num;
        double d = fabs(lg[id] - ref);
        if (verbose > 1) fprintf(stderr, "    id %d ours %.6f ref %.6f diff %+.5f\n", id, lg[id], ref, lg[id] - ref);
        *maxdiff = d > *maxdiff ? d : *maxdiff;
    }
    if (*maxdiff > tol) {
        fprintf(stderr, "  first-step logits differ by %.3g > %.3g\n",
                *maxdiff, tol);
        fails++;
    }
    /* greedy */
    hc1_sampling s;
    hc1_sampling_default(&s);
    *checked_steps = 0;
    for (size_t i = 0; i < gids->len; i++) {
        hc1_token_out o;
        hc1_status st1;
        CHECK(hc1_sample(c, &s, &o) == HC1_OK);
        int ref = (int)json_at(gids, i)->num;
        double m = json_at(margin, i)->num;
        if (o.id != ref) {
            if (m > tol) {
                fprintf(stderr, "  greedy step %zu: id %d, reference %d "
                        "(margin %.3g > tol)\n", i, o.id, ref, m);
                fails++;
            } else if (verbose) {
                fprintf(stderr, "  greedy step %zu: near-tie (margin %.3g), "
                        "diverged\n", i, m);
            }
            break;
        }
        if (verbose > 1) {
            fprintf(stderr, "    step %zu top1 ours %.5f ref %.5f diff %+.5f\n", i,
                    hc1_ctx_logits(c)[o.id], json_at(json_get(pr, "greedy_top1_logits"), i)->num,
                    hc1_ctx_logits(c)[o.id] - json_at(json_get(pr, "greedy_top1_logits"), i)->num);
        }
        (*checked_steps)++;
        if (i + 1 < gids->len) {
            int32_t id = o.id;
            CHECK(hc1_decode_batch(e, &c, &id, 1, &st1) == HC1_OK);
        }
    }
    hc1_ctx_free(c);
    return fails;
}

int main(int argc, char **argv)
{
    uint32_t threads = 2;
    if (argc < 4) {
        fprintf(stderr, "usage: %s MODEL REF LABEL [--threads N]\n", argv[0]);
        return 2;
    }
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            threads = (uint32_t)atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--verbose")) {
            verbose++;
        } else if (!strcmp(argv[i], "--isa") && i + 1 < argc) {
            hc1_engine_force_isa(argv[++i]);
        }
    }
    const char *mpath = argv[1];
    const char *file = strncmp(mpath, "widen:", 6) ? mpath : mpath + 6;
    skip_if_missing(file);
    skip_if_missing(argv[2]);

    hc1_model *m = NULL;
    char err[256];
    void *mem = NULL;
    if (file != mpath) {
        size_t len;
        mem = widen_model(file, &len);
        CHECK(mem != NULL);
        CHECK(hc1_model_open_mem(mem, len, &m, err, sizeof(err)) == HC1_OK);
    } else {
        hc1_status st = hc1_model_open_file(file, &m, err, sizeof(err));
        if (st) {
            fprintf(stderr, "open %s: %s\n", file, err);
            return 1;
        }
    }
    jval *ref = json_parse_file(argv[2]);
    CHECK(ref != NULL);
    const jval *vars = json_get(ref, "variants");
    const jval *var = NULL;
    for (size_t i = 0; i < vars->len; i++) {
        const jval *l = json_get(json_at(vars, i), "label");
        if (!strncmp(l->str, argv[3], strlen(argv[3]))) {
            var = json_at(vars, i);
        }
    }
    if (!var) {
        fprintf(stderr, "no variant %s\n", argv[3]);
        return 1;
    }
    int fails = 0;
    const jval *runs = json_get(var, "runs");
    for (size_t r = 0; r < runs->len; r++) {
        const jval *run = json_at(runs, r);
        const char *kv = json_get(run, "kv_cache_type")->str;
        hc1_engine_config cfg = { .n_threads = threads,
                                  .kv_type = !strcmp(kv, "f32") ? HC1_KV_F32
                                                                : HC1_KV_F16 };
        hc1_engine *e;
        double tol = tolerance_for(argv[3], kv);
        CHECK(hc1_engine_new(m, &cfg, &e) == HC1_OK);
        const jval *prompts = json_get(run, "prompts");
        for (size_t p = 0; p < prompts->len; p++) {
            double md;
            int steps;
            int f = run_prompt(e, json_at(prompts, p), tol, &md, &steps);
            printf("%s kv=%s prompt %zu: max |dlogit| %.3g (tol %.3g), "
                   "greedy agrees for %d/16 steps%s\n", argv[3], kv, p, md,
                   tol, steps, f ? "  FAIL" : "");
            fails += f;
        }
        hc1_engine_free(e);
    }
    json_free(ref);
    hc1_model_close(m);
    free(mem);
    printf("%d passed, %d failed\n", fails ? 0 : 1, fails ? 1 : 0);
    return fails ? 1 : 0;
}
