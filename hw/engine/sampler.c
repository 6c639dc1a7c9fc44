/*
 * Sampling: repetition penalty, top-k, top-p, min-p, temperature, then
 * a draw from a counter-based generator keyed by (seed, stream id,
 * position), so a context's draw never depends on the batch or the
 * thread count. Greedy (temperature 0) takes the highest logit, ties to
 * the lowest id. Log-probabilities are those of the penalised logits
 * before temperature and truncation (the model's distribution).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "engine_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* SplitMix64 finaliser: a strong 64-bit mixer. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t hc1_rng_u64(uint64_t seed, uint64_t stream, uint64_t pos)
{
    uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ull);
    h = mix64(h ^ (stream + 0x632be59bd9b4e019ull));
    return mix64(h ^ (pos + 0x85157af5ull));
}

/* Uniform in [0, 1) with 53 random bits. */
static double rng_uniform(uint64_t seed, uint64_t stream, uint64_t pos)
{
    return (double)(hc1_rng_u64(seed, stream, pos) >> 11) * 0x1.0p-53;
}

typedef struct cand {
    float logit;
    int32_t id;
    float p;
} cand;

/* Higher logit first; ties to the lower id. */
static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->logit != y->logit) {
        return x->logit > y->logit ? -1 : 1;
    }
    return x->id < y->id ? -1 : (x->id > y->id);
}

static bool params_ok(const hc1_sampling *s)
{
    return isfinite(s->temperature) && s->temperature >= 0.0f &&
           s->top_p >= 0.0f && s->top_p <= 1.0f &&
           s->min_p >= 0.0f && s->min_p <= 1.0f &&
           isfinite(s->repeat_penalty) && s->repeat_penalty >= 0.0f &&
           s->n_top_logprobs <= HC1_MAX_TOP_LOGPROBS &&
           (!s->n_bias || (s->bias_ids && s->bias));
}

/*
 * Add the caller's logit bias. A ban is -INFINITY; +INFINITY would make
 * the softmax NaN and is refused, as are ids out of the vocabulary.
 */
static bool apply_bias(cand *cd, uint32_t V, const hc1_sampling *s)
{
    for (uint32_t i = 0; i < s->n_bias; i++) {
        int32_t id = s->bias_ids[i];
        float b = s->bias[i];

        if (id < 0 || (uint32_t)id >= V || isnan(b) || b == INFINITY) {
            return false;
        }
        cd[id].logit += b;
    }
    return true;
}

void hc1_sampling_default(hc1_sampling *s)
{
    memset(s, 0, sizeof(*s));
    s->temperature = 0.0f;
    s->top_p = 1.0f;
    s->repeat_penalty = 1.0f;
    s->repeat_last_n = 64;
}

/* A NaN logit is never chosen: it counts as -INFINITY everywhere. */
static inline float logit_at(const float *l, uint32_t i)
{
    return isnan(l[i]) ? -INFINITY : l[i];
}

/*
 * Greedy with no bias and no penalty, what a plain decode asks for on
 * every token: the same operations in the same order as the general
 * path below (so the same bits), straight from the logits, without its
 * copy of the vocabulary into candidates, which cost as much as the
 * log-softmax itself (hw/engine/README.md, "The device's engine").
 */
/*
 * The top log-probabilities: insertion into a short sorted list, higher
 * logit first, ties to the lower id (cand_cmp).
 */
typedef struct top_list {
    uint32_t k, n;
    cand c[HC1_MAX_TOP_LOGPROBS];
} top_list;

static void top_add(top_list *t, cand x)
{
    if (t->n == t->k && cand_cmp(&x, &t->c[t->k - 1]) >= 0) {
        return;
    }
    uint32_t j = t->n < t->k ? t->n++ : t->k - 1;
    while (j > 0 && cand_cmp(&x, &t->c[j - 1]) < 0) {
        t->c[j] = t->c[j - 1];
        j--;
    }
    t->c[j] = x;
}

static void top_out(const top_list *t, float lse, hc1_token_out *out)
{
    for (uint32_t j = 0; j < t->n; j++) {
        out->top_ids[j] = t->c[j].id;
        out->top_logprobs[j] = t->c[j].logit - lse;
    }
    out->n_top = t->n;
}

static void sample_greedy(const hc1_ctx *c, const hc1_sampling *s,
                          uint32_t V, hc1_token_out *out)
{
    const float *l = c->logits;
    float mx = -INFINITY;
    int32_t arg = 0;

    for (uint32_t i = 0; i < V; i++) {
        float x = logit_at(l, i);
        if (x > mx) {
            mx = x;
            arg = (int32_t)i;
        }
    }
    double sum = 0.0;
    for (uint32_t i = 0; i < V; i++) {
        sum += exp((double)logit_at(l, i) - mx);
    }
    float lse = mx + (float)log(sum);

    out->id = arg;
    out->logprob = l[arg] - lse;
    out->n_top = 0;
    if (s->n_top_logprobs) {
        top_list t = { .k = s->n_top_logprobs < V ? s->n_top_logprobs : V };
        for (uint32_t i = 0; i < V; i++) {
            top_add(&t, (cand){ .logit = logit_at(l, i), .id = (int32_t)i });
        }
        top_out(&t, lse, out);
    }
}

hc1_status hc1_sample(hc1_ctx *c, const hc1_sampling *s, hc1_token_out *out)
{
    if (!c || !s || !out) {
        return HC1_E_INVAL;
    }
    if (!params_ok(s)) {
        return HC1_E_INVAL;
    }
    /* a zero-initialised struct means greedy with every filter off */
    hc1_sampling sp = *s;
    if (sp.top_p == 0.0f) {
        sp.top_p = 1.0f;
    }
    if (sp.repeat_penalty == 0.0f) {
        sp.repeat_penalty = 1.0f;
    }
    s = &sp;
    if (!c->has_logits) {
        return HC1_E_STATE;
    }
    uint32_t V = c->e->m->info.n_vocab;
    if (!(s->temperature > 0.0f) && !s->n_bias &&
        !(s->repeat_penalty != 1.0f && s->repeat_last_n > 0)) {
        sample_greedy(c, s, V, out);
        return HC1_OK;
    }
    cand *cd = malloc((size_t)V * sizeof(cand));
    if (!cd) {
        return HC1_E_NOMEM;
    }
    for (uint32_t i = 0; i < V; i++) {
        cd[i].logit = c->logits[i];
        cd[i].id = (int32_t)i;
        /* a NaN logit is never chosen */
        if (isnan(cd[i].logit)) {
            cd[i].logit = -INFINITY;
        }
    }
    if (!apply_bias(cd, V, s)) {
        free(cd);
        return HC1_E_INVAL;
    }

    /* repetition penalty over the distinct recent tokens */
    if (s->repeat_penalty != 1.0f && s->repeat_last_n > 0) {
        uint32_t n = c->pos < s->repeat_last_n ? c->pos : s->repeat_last_n;
        uint8_t *seen = calloc(V, 1);
        if (!seen) {
            free(cd);
            return HC1_E_NOMEM;
        }
        for (uint32_t i = c->pos - n; i < c->pos; i++) {
            int32_t t = c->tokens[i];
            if (t >= 0 && (uint32_t)t < V && !seen[t]) {
                seen[t] = 1;
                float *l = &cd[t].logit;
                *l = *l > 0.0f ? *l / s->repeat_penalty
                               : *l * s->repeat_penalty;
            }
        }
        free(seen);
    }

    /* log-softmax of the penalised logits */
    float mx = -INFINITY;
    int32_t arg = 0;
    for (uint32_t i = 0; i < V; i++) {
        if (cd[i].logit > mx) {
            mx = cd[i].logit;
            arg = (int32_t)i;
        }
    }
    double sum = 0.0;
    for (uint32_t i = 0; i < V; i++) {
        sum += exp((double)cd[i].logit - mx);
    }
    float lse = mx + (float)log(sum);
    if (s->n_bias && mx == -INFINITY) {
        /* the bans took every token that was left */
        free(cd);
        return HC1_E_INVAL;
    }

    int32_t chosen = arg;
    if (s->temperature > 0.0f && isfinite(mx)) {
        uint32_t n = V;
        /*
         * top-k and top-p need the order; min-p and plain temperature
         * sampling do not
         */
        bool need_sort = (s->top_k > 0 && s->top_k < V) || s->top_p < 1.0f;
        if (need_sort) {
            /*
             * Only tokens within 30 of the best logit can matter: each
             * other one has probability below e^-30 of the best, and
             * all of them together less than V * 1e-13, far below what
             * a float cumulative sum resolves. Sorting just those makes
             * top-k/top-p O(V) instead of a full sort of the vocabulary.
             */
            uint32_t m = 0;
            for (uint32_t i = 0; i < V; i++) {
                if (cd[i].logit >= mx - 30.0f) {
                    cand t = cd[m];
                    cd[m++] = cd[i];
                    cd[i] = t;
                }
            }
            if ((s->top_k > m && s->top_k < V) || s->top_p >= 0.999999f) {
                /*
                 * top-k reaches into the tail, or top-p would take it
                 * (high temperature can make it matter): sort it all
                 */
                m = V;
            }
            qsort(cd, m, sizeof(cand), cand_cmp);
            n = m;
            if (s->top_k > 0 && s->top_k < n) {
                n = s->top_k;
            }
        }
        /* probabilities of the survivors (untempered), for top-p/min-p */
        float m0 = need_sort ? cd[0].logit : mx;
        double tot = 0.0;
        for (uint32_t i = 0; i < n; i++) {
            cd[i].p = expf(cd[i].logit - m0);
            tot += cd[i].p;
        }
        if (s->top_p < 1.0f) {
            double cum = 0.0;
            uint32_t keep = n;
            for (uint32_t i = 0; i < n; i++) {
                cum += cd[i].p / tot;
                if (cum >= s->top_p) {
                    keep = i + 1;
                    break;
                }
            }
            n = keep;
        }
        /* min-p: relative to the most likely token (p == 1 at m0) */
        float pmin = s->min_p;
        /* temperature, then the draw over the survivors in order */
        double z = 0.0;
        for (uint32_t i = 0; i < n; i++) {
            if (pmin > 0.0f && cd[i].p < pmin) {
                cd[i].p = 0.0f;
                continue;
            }
            cd[i].p = expf((cd[i].logit - m0) / s->temperature);
            z += cd[i].p;
        }
        double u = rng_uniform(s->seed, c->stream_id, c->pos) * z;
        double acc = 0.0;
        chosen = -1;
        for (uint32_t i = 0; i < n; i++) {
            if (cd[i].p <= 0.0f) {
                continue;
            }
            acc += cd[i].p;
            chosen = cd[i].id;
            if (u < acc) {
                break;
            }
        }
        if (chosen < 0) {
            chosen = arg;
        }
    }

    out->id = chosen;
    float lc = c->logits[chosen];
    if (s->repeat_penalty != 1.0f || s->n_bias) {
        /* the penalised, biased logit of the choice */
        for (uint32_t i = 0; i < V; i++) {
            if (cd[i].id == chosen) {
                lc = cd[i].logit;
                break;
            }
        }
    }
    out->logprob = lc - lse;

    out->n_top = 0;
    if (s->n_top_logprobs) {
        top_list t = { .k = s->n_top_logprobs < V ? s->n_top_logprobs : V };
        for (uint32_t i = 0; i < V; i++) {
            top_add(&t, cd[i]);
        }
        top_out(&t, lse, out);
    }
    free(cd);
    return HC1_OK;
}
