/*
 * The llama forward pass, for a batch of rows (tokens of one or more
 * contexts). Per layer: RMSNorm, Q/K/V projections, RoPE (NORM type:
 * adjacent pairs), KV cache store, grouped-query attention, output
 * projection and residual; RMSNorm, SwiGLU FFN and residual. Finally
 * RMSNorm and the output head for the rows that want logits.
 *
 * Numerics follow llama.cpp's CPU backend where it matters for
 * agreement: RMSNorm sums in double; RoPE angles come from the same
 * iterated float product; attention scores are scaled inside the
 * softmax, which sums in double; with an f16 KV cache the query and the
 * softmax weights are rounded to f16 before their dot products, as
 * ggml does when it multiplies by an f16 matrix.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "engine_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t hc1_kv_row_bytes(hc1_kv_type t, uint32_t kv_dim)
{
    switch (t) {
    case HC1_KV_F32:
        return (size_t)kv_dim * 4;
    case HC1_KV_Q8:
        return (size_t)kv_dim / QK8_0 * sizeof(blk_q8_0);
    default:
        return (size_t)kv_dim * 2;
    }
}

/*
 * The sum of squares in double, element i into partial sum i % 8 in
 * order, the eight partial sums then added pairwise: the same order on
 * every path and host, and eight independent sums that the compiler
 * puts in vectors. One running sum waited on each add: in batched
 * decode (8 tokens of 2048) the norms took 0.98 % of the time, now
 * 0.34 % (perf, medium Q4_0); a driver of 8 contexts, five pairs
 * alternating: 348-355 -> 345-362 tok/s, four of them ahead.
 */
static void rmsnorm(float *o, const float *x, const float *w, uint32_t n,
                    float eps)
{
    double p[8] = { 0 };
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        for (int l = 0; l < 8; l++) {
            p[l] += (double)(x[i + l] * x[i + l]);
        }
    }
    for (int l = 0; i < n; i++, l++) {
        p[l] += (double)(x[i] * x[i]);
    }
    double sum = ((p[0] + p[1]) + (p[2] + p[3])) +
                 ((p[4] + p[5]) + (p[6] + p[7]));
    float mean = (float)(sum / n);
    float scale = 1.0f / sqrtf(mean + eps);
    for (uint32_t i = 0; i < n; i++) {
        o[i] = (x[i] * scale) * w[i];
    }
}

/* cos/sin of each pair's angle at @pos, as ggml's rope cache does. */
static void rope_cache(float *cs, uint32_t pos, uint32_t hd, float base,
                       const float *freqs)
{
    float theta_scale = powf(base, -2.0f / (float)hd);
    float theta = (float)pos;
    for (uint32_t i = 0; i < hd; i += 2) {
        float ff = freqs ? freqs[i / 2] : 1.0f;
        float th = theta / ff;
        cs[i] = cosf(th);
        cs[i + 1] = sinf(th);
        theta *= theta_scale;
    }
}

static void rope_apply(float *x, const float *cs, uint32_t hd,
                       uint32_t n_heads)
{
    for (uint32_t h = 0; h < n_heads; h++) {
        float *v = x + (size_t)h * hd;
        for (uint32_t i = 0; i < hd; i += 2) {
            float x0 = v[i], x1 = v[i + 1];
            v[i] = x0 * cs[i] - x1 * cs[i + 1];
            v[i + 1] = x0 * cs[i + 1] + x1 * cs[i];
        }
    }
}

static void kv_store(hc1_kv_type t, uint8_t *dst, const float *src,
                     uint32_t n)
{
    switch (t) {
    case HC1_KV_F32:
        memcpy(dst, src, (size_t)n * 4);
        break;
    case HC1_KV_Q8:
        hc1_quant_row_q8_0(src, (blk_q8_0 *)dst, n);
        break;
    default:
        hc1_to_f16(src, (uint16_t *)dst, NULL, n);
        break;
    }
}

/* ---- attention ------------------------------------------------------ */

/*
 * Where position @pos of KV head @kvh of layer @layer sits in a
 * context's cache. The cache goes by head, then position: a head's keys
 * (and values) are one run of memory, which the attention reads from
 * start to end, and which the hardware prefetcher follows. By position
 * first, a head's 128 bytes came every kv_row_bytes, and decode at a
 * context of 1600 waited on them (the scores 12 % of the time after
 * their compute was cut to a third).
 */
static inline size_t kv_head_off(const hc1_engine *e, const hc1_ctx *c,
                                 uint32_t layer, uint32_t kvh, uint32_t pos)
{
    return (((size_t)layer * e->m->info.n_head_kv + kvh) * c->n_ctx + pos) *
           e->kv_head_bytes;
}

/*
 * RoPE on the query heads of KV head @kvh's group and on its key, for
 * token @t of row @r, then its key and value into the row's cache.
 */
static void rope_kv_head(hc1_engine *e, const hc1_row *r, uint32_t layer,
                         uint32_t t, uint32_t kvh)
{
    const hc1_model_info *in = &e->m->info;
    hc1_scratch *s = &e->s;
    uint32_t hd = in->head_dim, group = in->n_head / in->n_head_kv;
    size_t Q = (size_t)in->n_head * hd, KV = (size_t)in->n_head_kv * hd;
    const float *cs = s->rope + (size_t)t * hd;
    float *k = s->k + t * KV + (size_t)kvh * hd;
    size_t off = kv_head_off(e, r->ctx, layer, kvh, r->pos);

    rope_apply(s->q + t * Q + (size_t)kvh * group * hd, cs, hd, group);
    rope_apply(k, cs, hd, 1);
    kv_store(e->kv_type, r->ctx->k + off, k, hd);
    kv_store(e->kv_type, r->ctx->v + off, s->v + t * KV + (size_t)kvh * hd,
             hd);
}

/* The first 16 of @n positions (@rb bytes each) from @p towards L1. */
static void att_prefetch_start(const uint8_t *p, uint32_t n, size_t rb)
{
    size_t len = (n < 16 ? n : 16) * rb;
    for (size_t o = 0; o < len; o += 64) {
        __builtin_prefetch(p + o, 0, 3);
    }
}

typedef struct att_job {
    hc1_engine *e;
    hc1_row *rows;
    uint32_t T;
    uint32_t layer;
    /*
     * each item first runs RoPE on its query heads and key head and
     * stores its key and value: only where every token has a context of
     * its own, so no item needs another's store
     */
    bool rope;
} att_job;

static float q8_dot(const float *q, const blk_q8_0 *k, uint32_t n)
{
    float acc = 0.0f;
    for (uint32_t b = 0; b < n / QK8_0; b++) {
        float s = 0.0f;
        for (int j = 0; j < QK8_0; j++) {
            s += q[b * QK8_0 + j] * k[b].qs[j];
        }
        acc += s * f16_to_f32(k[b].d);
    }
    return acc;
}

/*
 * A query head as the scores kernels take it: with an f16 cache rounded
 * to f16 (into @buf), as ggml multiplies by an f16 matrix.
 */
static const float *att_query(const hc1_engine *e, const float *q, float *buf)
{
    if (e->kv_type != HC1_KV_F16) {
        return q;
    }
    hc1_act_convert(GGML_F16, q, buf, e->m->info.head_dim);
    return buf;
}

/*
 * The weights from one query head's @n scores in @w: the softmax, and
 * with an f16 or f32 cache the weights step of the kernels.
 */
static void att_softmax(const hc1_engine *e, const hc1_att_kernels *ak,
                        const hc1_exp_kernels *ek, uint32_t n, float *w)
{
    uint32_t hd = e->m->info.head_dim;

    /*
     * softmax of scale * scores, summed in double (the kernel's eight
     * partial sums in a fixed order, at every ISA level)
     */
    double sum = ek->softmax(w, n, 1.0f / sqrtf((float)hd));
    float inv = (float)(1.0 / sum);
    if (e->kv_type == HC1_KV_Q8) {
        for (uint32_t p = 0; p < n; p++) {
            w[p] *= inv;
        }
    } else {
        ak->weights(w, n, inv);
    }
}

/*
 * One query head's weights over the @n positions of its KV head's keys
 * (@k, @rb bytes apart) into @w: scores, then softmax.
 */
static void att_weights(hc1_engine *e, const hc1_att_kernels *ak,
                        const hc1_exp_kernels *ek, const float *q,
                        const uint8_t *k, uint32_t n, float *w)
{
    uint32_t hd = e->m->info.head_dim;
    size_t rb = e->kv_head_bytes;
    float qh[1024];

    if (e->kv_type == HC1_KV_Q8) {
        for (uint32_t p = 0; p < n; p++) {
            w[p] = q8_dot(q, (const blk_q8_0 *)(k + p * rb), hd);
        }
    } else {
        ak->scores(att_query(e, q, qh), k, rb, n, hd, w);
    }
    att_softmax(e, ak, ek, n, w);
}

/* out = sum_p w[p] v_p over a Q8_0 cache, position by position */
static void q8_values(const float *w, const uint8_t *v, size_t rb,
                      uint32_t n, uint32_t hd, float *out)
{
    for (uint32_t d = 0; d < hd; d++) {
        out[d] = 0.0f;
    }
    for (uint32_t p = 0; p < n; p++) {
        const blk_q8_0 *vp = (const blk_q8_0 *)(v + p * rb);
        for (uint32_t d = 0; d < hd; d++) {
            out[d] += w[p] * f16_to_f32(vp[d / QK8_0].d) *
                      vp[d / QK8_0].qs[d % QK8_0];
        }
    }
}

/*
 * Items are (KV head, token), by KV head first: in a prompt every token
 * reads all earlier keys and values again, and this way one KV head's
 * stay in L2 across the tokens of the batch instead of coming back from
 * L3 or memory for each token. An item runs the query heads that share
 * the KV head, four at a time: their weights one by one, then their
 * values together where the kernels can (values4: each position's
 * values read once for the four).
 */
static void att_task(void *arg, uint32_t item0, uint32_t item1,
                     uint32_t ith)
{
    att_job *j = arg;
    hc1_engine *e = j->e;
    const hc1_model_info *in = &e->m->info;
    uint32_t hd = in->head_dim;
    uint32_t group = in->n_head / in->n_head_kv;
    uint32_t qdim = in->n_head * hd;
    size_t rb = e->kv_head_bytes;   /* one position of one head */
    float *sc = e->s.scores + (size_t)ith * e->s.scores_cap;
    /* room for four heads' weights (grow_scores) */
    size_t sc_head = (e->s.scores_cap - 16) / 4 & ~(size_t)15;
    hc1_att_kernels ak = hc1_att_kernel(e->kv_type == HC1_KV_F16, hd);
    hc1_exp_kernels ek = hc1_exp_kernel();
    float qh[4][1024];

    for (uint32_t item = item0; item < item1; item++) {
        uint32_t kvh = item / j->T;
        uint32_t t = item % j->T;
        hc1_row *r = &j->rows[t];
        hc1_ctx *c = r->ctx;
        size_t head = kv_head_off(e, c, j->layer, kvh, 0);
        const uint8_t *kbase = c->k + head, *vbase = c->v + head;
        uint32_t n = r->pos + 1;

        if (j->rope) {
            rope_kv_head(e, r, j->layer, t, kvh);
        }
        /*
         * The kernels prefetch 16 positions ahead of what they load, so
         * the first 16 come from here: this item's values (read after
         * the scores) and the next item's keys.
         */
        att_prefetch_start(vbase, n, rb);
        if (item + 1 < item1) {
            const hc1_row *r2 = &j->rows[(item + 1) % j->T];
            att_prefetch_start(r2->ctx->k +
                               kv_head_off(e, r2->ctx, j->layer,
                                           (item + 1) / j->T, 0),
                               r2->pos + 1, rb);
        }

        /* the group's query heads four at a time */
        for (uint32_t g0 = 0; g0 < group; g0 += 4) {
            uint32_t hn = group - g0 < 4 ? group - g0 : 4;
            const float *w[4];
            float *out[4];
            const float *q = e->s.q + (size_t)t * qdim +
                             (size_t)(kvh * group + g0) * hd;
            for (uint32_t i = 0; i < hn; i++) {
                w[i] = out[i] = sc + i * sc_head;
            }
            if (hn == 4 && e->kv_type != HC1_KV_Q8 && ak.scores4) {
                /* the four heads' scores in one pass over the keys */
                const float *qs[4];
                for (uint32_t i = 0; i < 4; i++) {
                    qs[i] = att_query(e, q + i * hd, qh[i]);
                }
                ak.scores4(qs, kbase, rb, n, hd, out);
                for (uint32_t i = 0; i < 4; i++) {
                    att_softmax(e, &ak, &ek, n, out[i]);
                }
            } else {
                for (uint32_t i = 0; i < hn; i++) {
                    att_weights(e, &ak, &ek, q + i * hd, kbase, n, out[i]);
                }
            }
            for (uint32_t i = 0; i < hn; i++) {
                out[i] = e->s.att + (size_t)t * qdim +
                         (size_t)(kvh * group + g0 + i) * hd;
            }
            if (hn == 4 && e->kv_type != HC1_KV_Q8 && ak.values4) {
                ak.values4(w, vbase, rb, n, hd, out);
                continue;
            }
            for (uint32_t i = 0; i < hn; i++) {
                if (e->kv_type == HC1_KV_Q8) {
                    q8_values(w[i], vbase, rb, n, hd, out[i]);
                } else {
                    ak.values(w[i], vbase, rb, n, hd, out[i]);
                }
            }
        }
    }
}

typedef struct tok_job {
    hc1_engine *e;
    hc1_row *rows;
    uint32_t layer;
    const float *norm;      /* the RMSNorm weights to end with, or NULL */
    bool add;               /* first x += xb (the residual) */
} tok_job;

/* [x += xb;] xb = rmsnorm(x) with @norm, per token */
static void norm_task(void *arg, uint32_t t0, uint32_t t1, uint32_t ith)
{
    tok_job *j = arg;
    hc1_scratch *s = &j->e->s;
    const hc1_model_info *in = &j->e->m->info;
    uint32_t E = in->n_embd;
    (void)ith;

    for (uint32_t t = t0; t < t1; t++) {
        float *x = s->x + (size_t)t * E, *xb = s->xb + (size_t)t * E;
        if (j->add) {
            for (uint32_t i = 0; i < E; i++) {
                x[i] += xb[i];
            }
        }
        if (j->norm) {
            rmsnorm(xb, x, j->norm, E, in->norm_eps);
        }
    }
}

/* RoPE on the token's q and k, then k and v into its context's cache */
static void rope_kv_task(void *arg, uint32_t t0, uint32_t t1, uint32_t ith)
{
    tok_job *j = arg;
    (void)ith;

    for (uint32_t t = t0; t < t1; t++) {
        for (uint32_t h = 0; h < j->e->m->info.n_head_kv; h++) {
            rope_kv_head(j->e, &j->rows[t], j->layer, t, h);
        }
    }
}

/* hb = silu(hb) * hb2, per token */
static void swiglu_task(void *arg, uint32_t t0, uint32_t t1, uint32_t ith)
{
    tok_job *j = arg;
    hc1_scratch *s = &j->e->s;
    size_t F = j->e->m->info.n_ff;
    (void)ith;

    hc1_exp_kernel().swiglu(s->hb + t0 * F, s->hb2 + t0 * F, (t1 - t0) * F);
}

/*
 * Tensor-parallel FFN glue for batched decode: part @i of the FFN's
 * elements, for every token, is SwiGLU'd and converted to the down
 * matmul's input by the thread whose part of gate and up it is
 * (hc1_matmul_parted), so nothing crosses between threads before the
 * down matmul reads its panel.
 */
typedef struct ffn_job {
    hc1_engine *e;
    uint32_t T;
    uint32_t parts;
    const hc1_mm_in *down;
} ffn_job;

static void ffn_part_task(void *arg, uint32_t i0, uint32_t i1, uint32_t ith)
{
    ffn_job *j = arg;
    hc1_scratch *s = &j->e->s;
    size_t F = j->e->m->info.n_ff, per = F / j->parts;
    (void)ith;

    for (uint32_t i = i0; i < i1; i++) {
        for (uint32_t t = 0; t < j->T; t++) {
            hc1_exp_kernel().swiglu(s->hb + t * F + i * per,
                                    s->hb2 + t * F + i * per, per);
        }
        hc1_mm_in_fill(j->down, s->hb, i * per, (i + 1) * per);
    }
}

static void for_tokens(hc1_engine *e, uint32_t T, hc1_range_fn fn,
                       tok_job *j)
{
    if (T == 1) {
        fn(j, 0, 1, 0);
    } else {
        hc1_pool_for(e->pool, T, 1, fn, j);
    }
}

/* ---- the pass -------------------------------------------------------- */

static hc1_status grow_scores(hc1_engine *e, const hc1_row *rows, uint32_t T)
{
    uint32_t maxn = 0;
    for (uint32_t t = 0; t < T; t++) {
        if (rows[t].pos + 1 > maxn) {
            maxn = rows[t].pos + 1;
        }
    }
    /* a run of weights for each of four query heads (att_task) */
    size_t need = 4 * (((size_t)maxn + 15) & ~(size_t)15) + 16;
    if (need > e->s.scores_cap) {
        need = need * 2;    /* grow geometrically */
        float *p = malloc(need * e->n_threads * sizeof(float));
        if (!p) {
            return HC1_E_NOMEM;
        }
        free(e->s.scores);
        e->s.scores = p;
        e->s.scores_cap = need;
    }
    return HC1_OK;
}

/* The attention's output part @i, converted into the wo matmul's input. */
typedef struct wo_job {
    const hc1_mm_in *in;
    const float *att;
    uint64_t per;
} wo_job;

static void wo_part_task(void *arg, uint32_t i0, uint32_t i1, uint32_t ith)
{
    wo_job *j = arg;
    (void)ith;
    for (uint32_t i = i0; i < i1; i++) {
        hc1_mm_in_fill(j->in, j->att, i * j->per, (i + 1) * j->per);
    }
}

/*
 * The pool's parts for a block of a batch of 2 to HC1_MAX_COLS tokens
 * that opens with @mm (hc1_matmul_parts) and whose output, @elems per
 * token, goes on in parts of whole 256s (whole blocks of every
 * activation type); 0 for the block as a whole.
 */
static uint32_t batch_parts(const hc1_engine *e, uint32_t T,
                            const hc1_mm *mm, int n_mm, uint32_t elems)
{
    uint32_t parts = T > 1 && T <= HC1_MAX_COLS
                     ? hc1_matmul_parts(e, mm, n_mm) : 0;
    return parts && elems % (256 * parts) == 0 ? parts : 0;
}

/* The matmuls that open a block on the normalised input, in parts or not. */
static hc1_status open_block(hc1_engine *e, const hc1_mm *mm, int n_mm,
                             uint32_t T, uint32_t parts)
{
    return parts ? hc1_matmul_parted(e, mm, n_mm, e->s.xb, T)
                 : hc1_matmul(e, mm, n_mm, e->s.xb, T);
}

/* Whether every token of the batch has a context of its own. */
static bool distinct_contexts(const hc1_row *rows, uint32_t T)
{
    for (uint32_t t = 1; t < T; t++) {
        for (uint32_t u = 0; u < t; u++) {
            if (rows[t].ctx == rows[u].ctx) {
                return false;
            }
        }
    }
    return true;
}

/*
 * q, k and v, RoPE and the cache stores, attention, wo. A batch of
 * decode steps (2 to HC1_MAX_COLS tokens, each of its own context) goes
 * tensor-parallel where the heads divide into the pool's parts: thread
 * i computes the q, k and v rows of its KV heads (hc1_matmul_parted),
 * then, in the same loop as the attention (which already went by KV
 * head), RoPE and the stores of those heads, and converts its heads'
 * attention output into the wo matmul's input. The bits are the same
 * either way.
 */
static hc1_status attention(hc1_engine *e, hc1_row *rows, uint32_t T,
                            uint32_t l, tok_job *tj)
{
    const hc1_model_info *in = &e->m->info;
    const hc1_layer *L = &e->m->layers[l];
    hc1_scratch *s = &e->s;
    uint32_t E = in->n_embd, hd = in->head_dim;
    uint32_t Q = in->n_head * hd, KV = in->n_head_kv * hd;
    hc1_mm qkv[3] = { { .w = &L->wq, .out = s->q },
                      { .w = &L->wk, .out = s->k },
                      { .w = &L->wv, .out = s->v } };
    hc1_mm wo = { .w = &L->wo, .out = s->xb };
    /* parts of whole KV heads */
    uint32_t parts = distinct_contexts(rows, T)
                     ? batch_parts(e, T, qkv, 3, Q) : 0;
    hc1_status st;

    if (parts && in->n_head_kv % parts) {
        parts = 0;
    }
    st = open_block(e, qkv, 3, T, parts);
    if (st) {
        return st;
    }
    hc1_lora_apply(rows, T, l, HC1_LORA_Q, s->xb, E, s->q, Q);
    hc1_lora_apply(rows, T, l, HC1_LORA_K, s->xb, E, s->k, KV);
    hc1_lora_apply(rows, T, l, HC1_LORA_V, s->xb, E, s->v, KV);
    if (!parts) {
        for_tokens(e, T, rope_kv_task, tj);
    }
    /* items by KV head: thread i's part is its heads */
    att_job aj = { .e = e, .rows = rows, .T = T, .layer = l,
                   .rope = parts != 0 };
    hc1_pool_for(e->pool, T * in->n_head_kv, 1, att_task, &aj);
    if (!parts) {
        st = hc1_matmul(e, &wo, 1, s->att, T);
    } else {
        hc1_mm_in wi;
        st = hc1_mm_in_prepare(e, wo.w, T, &wi);
        if (!st) {
            wo_job wj = { .in = &wi, .att = s->att, .per = Q / parts };
            hc1_pool_for(e->pool, parts, 1, wo_part_task, &wj);
            st = hc1_matmul_in(e, &wo, &wi);
        }
    }
    if (st) {
        return st;
    }
    hc1_lora_apply(rows, T, l, HC1_LORA_O, s->att, Q, s->xb, E);
    return HC1_OK;
}

/*
 * gate and up, SwiGLU, down. A batch of decode steps (2 to
 * HC1_MAX_COLS tokens, one panel) goes tensor-parallel where the FFN
 * divides into the pool's parts (ffn_part_task); the result is the same
 * either way, bit for bit: every element goes through the same SwiGLU
 * and every block through the same conversion.
 */
static hc1_status ffn(hc1_engine *e, hc1_row *rows, uint32_t T, uint32_t l,
                      const hc1_mm *gu, const hc1_mm *dn, tok_job *tj)
{
    hc1_scratch *s = &e->s;
    uint32_t E = e->m->info.n_embd, F = e->m->info.n_ff;
    uint32_t parts = batch_parts(e, T, gu, 2, F);
    hc1_status st;

    st = open_block(e, gu, 2, T, parts);
    if (st) {
        return st;
    }
    hc1_lora_apply(rows, T, l, HC1_LORA_GATE, s->xb, E, s->hb, F);
    hc1_lora_apply(rows, T, l, HC1_LORA_UP, s->xb, E, s->hb2, F);
    if (!parts) {
        for_tokens(e, T, swiglu_task, tj);
        return hc1_matmul(e, dn, 1, s->hb, T);
    }
    hc1_mm_in in;
    st = hc1_mm_in_prepare(e, dn->w, T, &in);
    if (st) {
        return st;
    }
    ffn_job fj = { .e = e, .T = T, .parts = parts, .down = &in };
    hc1_pool_for(e->pool, parts, 1, ffn_part_task, &fj);
    return hc1_matmul_in(e, dn, &in);
}

hc1_status hc1_forward(hc1_engine *e, hc1_row *rows, uint32_t T)
{
    const hc1_model *m = e->m;
    const hc1_model_info *in = &m->info;
    hc1_scratch *s = &e->s;
    uint32_t E = in->n_embd, F = in->n_ff, hd = in->head_dim;
    hc1_status st;

    if (T == 0 || T > HC1_UBATCH) {
        return HC1_E_INVAL;
    }
    st = grow_scores(e, rows, T);
    if (st) {
        return st;
    }

    /* embeddings and rope angles */
    for (uint32_t t = 0; t < T; t++) {
        const uint8_t *er = (const uint8_t *)m->tok_embd.data +
                            (size_t)rows[t].token * m->tok_embd.row_bytes;
        hc1_dequant_row(m->tok_embd.type, er, s->x + (size_t)t * E, E);
        rope_cache(s->rope + (size_t)t * hd, rows[t].pos, hd, in->rope_theta,
                   m->rope_freqs);
    }

    tok_job tj = { .e = e, .rows = rows, .norm = m->layers[0].attn_norm.data };
    for_tokens(e, T, norm_task, &tj);

    for (uint32_t l = 0; l < in->n_layer; l++) {
        const hc1_layer *L = &m->layers[l];

        /* s->xb: this layer's attention input, normalised */
        tj.layer = l;
        st = attention(e, rows, T, l, &tj);
        if (st) {
            return st;
        }
        tj.add = true;
        tj.norm = L->ffn_norm.data;
        for_tokens(e, T, norm_task, &tj);

        hc1_mm gu[2] = { { .w = &L->w_gate, .out = s->hb },
                         { .w = &L->w_up, .out = s->hb2 } };
        hc1_mm dn = { .w = &L->w_down, .out = s->xb };
        st = ffn(e, rows, T, l, gu, &dn, &tj);
        if (st) {
            return st;
        }
        hc1_lora_apply(rows, T, l, HC1_LORA_DOWN, s->hb, F, s->xb, E);
        /* the residual, and the next layer's attention norm */
        tj.norm = l + 1 < in->n_layer ? m->layers[l + 1].attn_norm.data
                                      : NULL;
        for_tokens(e, T, norm_task, &tj);
    }

    /*
     * output head for the rows that want logits, packed together; each
     * row's logits go straight into its own buffer
     */
    float *cols[HC1_UBATCH];
    uint32_t nl = 0;
    for (uint32_t t = 0; t < T; t++) {
        if (rows[t].logits) {
            rmsnorm(s->xb + (size_t)nl * E, s->x + (size_t)t * E,
                    m->output_norm.data, E, in->norm_eps);
            cols[nl++] = rows[t].logits;
        }
    }
    if (nl == 0) {
        return HC1_OK;
    }
    hc1_mm out = { .w = &m->output, .cols = cols };
    return hc1_matmul(e, &out, 1, s->xb, nl);
}
