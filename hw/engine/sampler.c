/*
 * Sampling: repetition penalty, top-k, top-p, min-p, temperature, then
 * a draw from a counter-based generator keyed by (seed, stream id,
 * position) over the survivors in id order, so a context's draw never
 * depends on the batch or the thread count. No sort of the vocabulary:
 * top-k keeps a heap of the k best, top-p sorts one bucket of logits
 * (hw/engine/README.md, "Sampling"). Greedy (temperature 0) takes the
 * highest logit, ties to the lowest id. Log-probabilities are those of
 * the penalised logits before temperature and truncation (the model's
 * distribution).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "engine_int.h"
#include "vexp.h"

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

/*
 * The log-softmax's normaliser, log sum exp(l - mx) + mx, by the exp
 * kernel (a NaN logit counts as -INFINITY: its term is 0). Both paths
 * below use it, so they give the same bits.
 */
static float log_sum_exp(const float *l, uint32_t V, float mx)
{
    double sum = hc1_exp_kernel().expsum(l, NULL, V, mx, 1.0f);
    return mx + (float)log(sum);
}

/*
 * Whether any of x[0..15] is above @thr (a NaN is not): a loop without
 * an early exit, which the compiler turns into a few vector compares,
 * so a pass over the vocabulary that almost never finds anything skips
 * sixteen values at a time.
 */
static inline bool any_above16(const float *x, float thr)
{
    int any = 0;
    for (int j = 0; j < 16; j++) {
        any |= x[j] > thr;
    }
    return any;
}

/*
 * The top log-probabilities of @l (NaN as -INFINITY). Once the list is
 * full a token must beat its last; with ids rising, a tie never does,
 * so one compare turns nearly every token away.
 */
static void top_logprobs(const float *l, uint32_t V, uint32_t k, float lse,
                         hc1_token_out *out)
{
    top_list t = { .k = k < V ? k : V };
    for (uint32_t i = 0; i < V; i++) {
        if (t.n == t.k && i % 16 == 0 && V - i >= 16 &&
            !any_above16(l + i, t.c[t.k - 1].logit)) {
            i += 15;
            continue;
        }
        float x = logit_at(l, i);
        if (t.n == t.k && !(x > t.c[t.k - 1].logit)) {
            continue;
        }
        top_add(&t, (cand){ .logit = x, .id = (int32_t)i });
    }
    top_out(&t, lse, out);
}

static void sample_greedy(const hc1_ctx *c, const hc1_sampling *s,
                          uint32_t V, hc1_token_out *out)
{
    const float *l = c->logits;
    float mx;
    int32_t arg = (int32_t)hc1_exp_kernel().argmax(l, V, &mx);
    float lse = log_sum_exp(l, V, mx);

    out->id = arg;
    out->logprob = l[arg] - lse;
    out->n_top = 0;
    if (s->n_top_logprobs) {
        top_logprobs(l, V, s->n_top_logprobs, lse, out);
    }
}

/* cand_cmp's order: a before b */
static inline bool before(float la, int32_t ia, float lb, int32_t ib)
{
    return la > lb || (la == lb && ia < ib);
}

/* Restore a heap whose root is the last in cand_cmp's order. */
static void heap_down(cand *h, uint32_t n, uint32_t i)
{
    for (;;) {
        uint32_t w = i, a = 2 * i + 1, b = a + 1;
        if (a < n && before(h[w].logit, h[w].id, h[a].logit, h[a].id)) {
            w = a;
        }
        if (b < n && before(h[w].logit, h[w].id, h[b].logit, h[b].id)) {
            w = b;
        }
        if (w == i) {
            return;
        }
        cand t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

/*
 * The @k first tokens of @l in cand_cmp's order, sorted, into @h: a heap
 * of the k best so far, whose root (the worst of them) each later token
 * must beat. O(V log k) at worst, about V compares in practice, where a
 * sort of the vocabulary took 17 ms a token at 128256.
 */
static void top_k_sorted(const float *l, uint32_t V, uint32_t k, cand *h)
{
    for (uint32_t i = 0; i < k; i++) {
        h[i] = (cand){ .logit = l[i], .id = (int32_t)i };
    }
    for (uint32_t i = k / 2; i-- > 0;) {
        heap_down(h, k, i);
    }
    for (uint32_t i = k; i < V; i++) {
        /* a later id never wins a tie: only a higher logit gets in */
        if ((i - k) % 16 == 0 && V - i >= 16 &&
            !any_above16(l + i, h[0].logit)) {
            i += 15;
            continue;
        }
        if (before(l[i], (int32_t)i, h[0].logit, h[0].id)) {
            h[0] = (cand){ .logit = l[i], .id = (int32_t)i };
            heap_down(h, k, 0);
        }
    }
    qsort(h, k, sizeof(cand), cand_cmp);
}

#define TOP_P_BUCKETS 2048
#define TOP_P_RANGE 104.0f  /* exp(-104) is 0 in float */

/* A finite logit's bucket: a higher logit never goes to a later one. */
static inline uint32_t top_p_bucket(float x, float mx, float inv_w)
{
    float f = (mx - x) * inv_w;
    return f < TOP_P_BUCKETS - 1 ? (uint32_t)f : TOP_P_BUCKETS - 1;
}

/*
 * top-p over the whole vocabulary: the first token, in cand_cmp's
 * order, at which the running sum of @p reaches @target. Without a
 * sort: the tokens go into buckets by how far their logit is below @mx
 * (a higher logit never into a later bucket), the buckets' sums find
 * the one where the target is reached, and only that bucket is sorted
 * and walked. @cut gets that token: 1; 0 if the sum never reaches the
 * target (every token then stays); -1 out of memory.
 */
static int top_p_cut(const float *l, const float *p, uint32_t V, float mx,
                     double target, cand *cut)
{
    double bsum[TOP_P_BUCKETS] = { 0 };
    uint32_t bcnt[TOP_P_BUCKETS] = { 0 };
    float lo = mx;

    for (uint32_t i = 0; i < V; i++) {
        lo = l[i] < lo && l[i] > -INFINITY ? l[i] : lo;
    }
    float range = mx - lo < TOP_P_RANGE ? mx - lo : TOP_P_RANGE;
    float inv_w = range > 0.0f ? TOP_P_BUCKETS / range : 0.0f;
    for (uint32_t i = 0; i < V; i++) {
        if (l[i] > -INFINITY) {
            uint32_t b = top_p_bucket(l[i], mx, inv_w);
            bsum[b] += p[i];
            bcnt[b]++;
        }
    }
    double cum = 0.0;
    uint32_t b = 0;
    while (b < TOP_P_BUCKETS && cum + bsum[b] < target) {
        cum += bsum[b++];
    }
    for (; b < TOP_P_BUCKETS; b++) {
        if (!bcnt[b]) {
            continue;
        }
        cand *g = malloc(bcnt[b] * sizeof(cand));
        uint32_t n = 0;
        if (!g) {
            return -1;
        }
        for (uint32_t i = 0; i < V; i++) {
            if (l[i] > -INFINITY && top_p_bucket(l[i], mx, inv_w) == b) {
                g[n++] = (cand){ .logit = l[i], .id = (int32_t)i, .p = p[i] };
            }
        }
        qsort(g, n, sizeof(cand), cand_cmp);
        for (uint32_t j = 0; j < n; j++) {
            cum += g[j].p;
            if (cum >= target) {
                *cut = g[j];
                free(g);
                return 1;
            }
        }
        free(g);
    }
    return 0;
}

/* By id, for the draw's order. */
static int cand_id_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/*
 * top-k, then top-p and min-p on the k, then the draw: only the k best
 * tokens are ever looked at again. p = exp(l - mx) by hc1_expf, the
 * kernels' function, so a token's probability has the bits the
 * whole-vocabulary path would give it. -1 if out of memory.
 */
static int32_t sample_top_k(const hc1_ctx *c, const hc1_sampling *s,
                            const float *l, uint32_t V, float mx,
                            int32_t arg)
{
    cand small[64];
    cand *h = s->top_k <= 64 ? small : malloc(s->top_k * sizeof(cand));
    uint32_t n = s->top_k;
    int32_t chosen = arg;

    if (!h) {
        return -1;
    }
    top_k_sorted(l, V, n, h);
    for (uint32_t i = 0; i < n; i++) {
        h[i].p = h[i].logit > -INFINITY ? hc1_expf(h[i].logit - mx) : 0.0f;
    }
    if (s->top_p < 1.0f) {
        double tk = 0.0, cum = 0.0;
        for (uint32_t i = 0; i < n; i++) {
            tk += h[i].p;
        }
        for (uint32_t i = 0; i < n; i++) {
            cum += h[i].p;
            if (cum >= s->top_p * tk) {
                n = i + 1;
                break;
            }
        }
    }
    /* min-p, then the survivors by id with their tempered weights */
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (h[i].p > 0.0f && !(s->min_p > 0.0f && h[i].p < s->min_p)) {
            h[m++] = h[i];
        }
    }
    qsort(h, m, sizeof(cand), cand_id_cmp);
    float inv_t = 1.0f / s->temperature;
    double z = 0.0;
    for (uint32_t i = 0; i < m; i++) {
        float a = (h[i].logit - mx) * inv_t;
        h[i].p = isnan(a) ? 0.0f : hc1_expf(a);
        z += h[i].p;
    }
    double u = rng_uniform(s->seed, c->stream_id, c->pos) * z;
    double acc = 0.0;
    for (uint32_t i = 0; i < m; i++) {
        if (h[i].p > 0.0f) {
            acc += h[i].p;
            chosen = h[i].id;
            if (u < acc) {
                break;
            }
        }
    }
    if (h != small) {
        free(h);
    }
    return chosen;
}

/*
 * Temperature sampling over @l (the working logits, best @mx at @arg),
 * with the truncations of @s. @w: scratch of V floats. The survivors
 * are the tokens up to a cut in cand_cmp's order (top-k, then top-p)
 * whose probability relative to the best is at least min-p; the draw
 * walks them in id order with weights exp((l - mx) / T). -1 if out of
 * memory.
 */
static int32_t sample_temp(const hc1_ctx *c, const hc1_sampling *s,
                           const float *l, float *w, uint32_t V, float mx,
                           int32_t arg)
{
    hc1_exp_kernels ek = hc1_exp_kernel();
    int has_cut = 0;
    cand cut = { 0 };

    if (s->top_k > 0 && s->top_k < V) {
        return sample_top_k(c, s, l, V, mx, arg);
    }
    if (s->top_p < 1.0f || s->min_p > 0.0f) {
        /* probabilities relative to the best, untempered */
        double tot = ek.expsum(l, w, V, mx, 1.0f);
        if (s->top_p < 1.0f) {
            has_cut = top_p_cut(l, w, V, mx, s->top_p * tot, &cut);
            if (has_cut < 0) {
                return -1;
            }
        }
    }

    /* the survivors keep their logit, the rest -INFINITY (weight 0) */
    for (uint32_t i = 0; i < V; i++) {
        bool out = (has_cut && before(cut.logit, cut.id, l[i], (int32_t)i)) ||
                   (s->min_p > 0.0f && w[i] < s->min_p);
        w[i] = out ? -INFINITY : l[i];
    }
    double z = ek.expsum(w, w, V, mx, 1.0f / s->temperature);
    double u = rng_uniform(s->seed, c->stream_id, c->pos) * z;
    double acc = 0.0;
    int32_t chosen = -1;
    for (uint32_t i = 0; i < V; i++) {
        if (w[i] > 0.0f) {
            acc += w[i];
            chosen = (int32_t)i;
            if (u < acc) {
                break;
            }
        }
    }
    return chosen < 0 ? arg : chosen;
}

/*
 * The engine's sampler scratch: 2 * n_vocab floats for each thread of
 * its pool, so hc1_sample_batch can sample on all of them at once.
 */
static float *samp_scratch(hc1_engine *e)
{
    if (!e->s.samp) {
        e->s.samp = malloc((size_t)e->n_threads * 2 * e->m->info.n_vocab *
                           sizeof(float));
    }
    return e->s.samp;
}

/*
 * Plain greedy (no temperature, bias or penalty; 0 means off for the
 * penalty as for top-p): straight from the logits, no scratch needed.
 */
static bool plain_greedy(const hc1_sampling *s)
{
    return !(s->temperature > 0.0f) && !s->n_bias &&
           !(s->repeat_penalty != 0.0f && s->repeat_penalty != 1.0f &&
             s->repeat_last_n > 0);
}

/*
 * hc1_sample with @scratch (2 * n_vocab floats) for the general path;
 * NULL: the engine's first slot, allocated on first use (the caller's
 * thread only).
 */
static hc1_status sample_into(hc1_ctx *c, const hc1_sampling *s,
                              hc1_token_out *out, float *scratch)
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
    if (plain_greedy(s)) {
        sample_greedy(c, s, V, out);
        return HC1_OK;
    }
    if (!scratch) {
        scratch = samp_scratch(c->e);
    }
    if (!scratch) {
        return HC1_E_NOMEM;
    }
    /* the working logits: a NaN is never chosen */
    float *l = scratch, *w = scratch + V;
    for (uint32_t i = 0; i < V; i++) {
        l[i] = logit_at(c->logits, i);
    }
    for (uint32_t i = 0; i < s->n_bias; i++) {
        int32_t id = s->bias_ids[i];
        float b = s->bias[i];

        /* a ban is -INFINITY; +INFINITY would make the softmax NaN */
        if (id < 0 || (uint32_t)id >= V || isnan(b) || b == INFINITY) {
            return HC1_E_INVAL;
        }
        l[id] += b;
    }

    /* repetition penalty over the distinct recent tokens (w marks them) */
    if (s->repeat_penalty != 1.0f && s->repeat_last_n > 0) {
        uint32_t n = c->pos < s->repeat_last_n ? c->pos : s->repeat_last_n;
        const int32_t *h = c->tokens + (c->pos - n);
        for (uint32_t i = 0; i < n; i++) {
            if (h[i] >= 0 && (uint32_t)h[i] < V) {
                w[h[i]] = 0.0f;
            }
        }
        for (uint32_t i = 0; i < n; i++) {
            if (h[i] >= 0 && (uint32_t)h[i] < V && w[h[i]] == 0.0f) {
                w[h[i]] = 1.0f;
                float *x = &l[h[i]];
                *x = *x > 0.0f ? *x / s->repeat_penalty
                               : *x * s->repeat_penalty;
            }
        }
    }

    /* log-softmax of the penalised logits */
    float mx;
    int32_t arg = (int32_t)hc1_exp_kernel().argmax(l, V, &mx);
    float lse = log_sum_exp(l, V, mx);
    if (s->n_bias && mx == -INFINITY) {
        /* the bans took every token that was left */
        return HC1_E_INVAL;
    }

    int32_t chosen = arg;
    if (s->temperature > 0.0f && isfinite(mx)) {
        chosen = sample_temp(c, s, l, w, V, mx, arg);
        if (chosen < 0) {
            return HC1_E_NOMEM;
        }
    }

    out->id = chosen;
    out->logprob = l[chosen] - lse;
    out->n_top = 0;
    if (s->n_top_logprobs) {
        top_logprobs(l, V, s->n_top_logprobs, lse, out);
    }
    return HC1_OK;
}

hc1_status hc1_sample(hc1_ctx *c, const hc1_sampling *s, hc1_token_out *out)
{
    return sample_into(c, s, out, NULL);
}

typedef struct sample_job {
    hc1_ctx *const *c;
    const hc1_sampling *s;
    hc1_token_out *out;
    hc1_status *st;
    float *scratch;
    size_t per_thread;
} sample_job;

static void sample_task(void *arg, uint32_t i0, uint32_t i1, uint32_t ith)
{
    sample_job *j = arg;
    for (uint32_t i = i0; i < i1; i++) {
        /* no scratch only when every draw is plain greedy */
        j->st[i] = sample_into(j->c[i], &j->s[i], &j->out[i],
                               j->scratch ? j->scratch + ith * j->per_thread
                                          : NULL);
    }
}

hc1_status hc1_sample_batch(hc1_ctx *const *c, const hc1_sampling *s,
                            hc1_token_out *out, hc1_status *st, uint32_t n)
{
    if (!c || !s || !out || !st || n == 0 || !c[0]) {
        return HC1_E_INVAL;
    }
    hc1_engine *e = c[0]->e;
    for (uint32_t i = 0; i < n; i++) {
        if (!c[i] || c[i]->e != e) {
            return HC1_E_INVAL;
        }
    }
    /* the scratch only if a draw needs it (greedy reads the logits) */
    bool need = false;
    for (uint32_t i = 0; i < n; i++) {
        need |= !plain_greedy(&s[i]);
    }
    float *scratch = need ? samp_scratch(e) : NULL;
    if (need && !scratch) {
        return HC1_E_NOMEM;
    }
    sample_job j = { .c = c, .s = s, .out = out, .st = st,
                     .scratch = scratch,
                     .per_thread = 2 * (size_t)e->m->info.n_vocab };
    hc1_pool_for(e->pool, n, 1, sample_task, &j);
    for (uint32_t i = 0; i < n; i++) {
        if (st[i] != HC1_OK) {
            return st[i];
        }
    }
    return HC1_OK;
}
