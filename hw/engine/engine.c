/*
 * Engine and contexts: the thread pool, the scratch of a forward pass,
 * per-context KV caches, prefill and batched decode.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "engine_int.h"
#include "hugemem.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 256

static void scratch_free(hc1_scratch *s)
{
    free(s->x);
    free(s->xb);
    free(s->q);
    free(s->k);
    free(s->v);
    free(s->att);
    free(s->hb);
    free(s->hb2);
    free(s->rope);
    free(s->scores);
    free(s->samp);
    for (int i = 0; i < GGML_TYPE_MAX; i++) {
        free(s->act[i]);
        free(s->panel[i]);
    }
    memset(s, 0, sizeof(*s));
}

static bool scratch_alloc(hc1_scratch *s, const hc1_model_info *in)
{
    size_t T = HC1_UBATCH;
    size_t Q = (size_t)in->n_head * in->head_dim;
    size_t KV = (size_t)in->n_head_kv * in->head_dim;
    size_t big = in->n_embd > Q ? in->n_embd : Q;

    s->x = malloc(T * in->n_embd * sizeof(float));
    s->xb = malloc(T * big * sizeof(float));
    s->q = malloc(T * Q * sizeof(float));
    s->k = malloc(T * KV * sizeof(float));
    s->v = malloc(T * KV * sizeof(float));
    s->att = malloc(T * Q * sizeof(float));
    s->hb = malloc(T * in->n_ff * sizeof(float));
    s->hb2 = malloc(T * in->n_ff * sizeof(float));
    s->rope = malloc(T * in->head_dim * sizeof(float));
    return s->x && s->xb && s->q && s->k && s->v && s->att && s->hb &&
           s->hb2 && s->rope;
}

hc1_status hc1_engine_new(const hc1_model *m, const hc1_engine_config *cfg,
                          hc1_engine **out)
{
    hc1_engine *e;
    uint32_t nt;
    hc1_kv_type kv;

    if (!m || !out) {
        return HC1_E_INVAL;
    }
    *out = NULL;
    nt = cfg ? cfg->n_threads : 0;
    kv = cfg ? cfg->kv_type : HC1_KV_F16;
    if (nt == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        nt = n > 0 ? (uint32_t)n : 1;
    }
    if (nt > MAX_THREADS) {
        return HC1_E_INVAL;
    }
    if (kv != HC1_KV_F16 && kv != HC1_KV_F32 && kv != HC1_KV_Q8) {
        return HC1_E_INVAL;
    }
    if (kv == HC1_KV_Q8 && m->info.head_dim % QK8_0) {
        return HC1_E_INVAL;     /* heads must be whole Q8_0 blocks */
    }
    e = calloc(1, sizeof(*e));
    if (!e) {
        return HC1_E_NOMEM;
    }
    e->m = m;
    e->kv_type = kv;
    e->kv_row_bytes = hc1_kv_row_bytes(kv, m->info.n_head_kv *
                                       m->info.head_dim);
    e->kv_head_bytes = hc1_kv_row_bytes(kv, m->info.head_dim);
    e->pool = hc1_pool_new(nt);
    if (!e->pool || !scratch_alloc(&e->s, &m->info)) {
        hc1_engine_free(e);
        return HC1_E_NOMEM;
    }
    e->n_threads = hc1_pool_size(e->pool);
    *out = e;
    return HC1_OK;
}

void hc1_engine_free(hc1_engine *e)
{
    if (!e) {
        return;
    }
    hc1_pool_free(e->pool);
    scratch_free(&e->s);
    free(e);
}

size_t hc1_engine_kv_bytes_per_token(const hc1_engine *e)
{
    if (!e) {
        return 0;
    }
    return 2 * e->kv_row_bytes * e->m->info.n_layer;
}

uint32_t hc1_engine_n_threads(const hc1_engine *e)
{
    return e ? e->n_threads : 0;
}

/* ---- contexts --------------------------------------------------------- */

hc1_status hc1_ctx_new(hc1_engine *e, uint32_t n_ctx, uint64_t stream_id,
                       hc1_ctx **out)
{
    hc1_ctx *c;
    size_t kvb;

    if (!e || !out) {
        return HC1_E_INVAL;
    }
    *out = NULL;
    if (n_ctx == 0 || n_ctx > (1u << 24)) {
        return HC1_E_INVAL;
    }
    kvb = (size_t)e->m->info.n_layer * n_ctx * e->kv_row_bytes;
    c = calloc(1, sizeof(*c));
    if (!c) {
        return HC1_E_NOMEM;
    }
    c->e = e;
    c->n_ctx = n_ctx;
    c->stream_id = stream_id;
    /*
     * zeroed, so stray reads are harmless; in 2 MiB pages, faulted in
     * as the context fills (hugemem.c)
     */
    c->kv_bytes = kvb;
    c->k = hc1_huge_alloc(kvb);
    c->v = hc1_huge_alloc(kvb);
    c->tokens = calloc(n_ctx, sizeof(int32_t));
    c->logits = calloc(e->m->info.n_vocab, sizeof(float));
    if (!c->k || !c->v || !c->tokens || !c->logits) {
        hc1_ctx_free(c);
        return HC1_E_NOMEM;
    }
    *out = c;
    return HC1_OK;
}

void hc1_ctx_free(hc1_ctx *c)
{
    if (!c) {
        return;
    }
    hc1_huge_free(c->k, c->kv_bytes);
    hc1_huge_free(c->v, c->kv_bytes);
    free(c->tokens);
    free(c->logits);
    free(c);
}

uint32_t hc1_ctx_pos(const hc1_ctx *c)
{
    return c ? c->pos : 0;
}

hc1_status hc1_ctx_truncate(hc1_ctx *c, uint32_t n_keep)
{
    if (!c) {
        return HC1_E_INVAL;
    }
    if (n_keep > c->pos) {
        return HC1_E_INVAL;
    }
    if (n_keep < c->pos) {
        c->pos = n_keep;
        c->has_logits = false;  /* they belonged to the dropped tail */
    }
    return HC1_OK;
}

const float *hc1_ctx_logits(const hc1_ctx *c)
{
    return c && c->has_logits ? c->logits : NULL;
}

const int32_t *hc1_ctx_tokens(const hc1_ctx *c)
{
    return c ? c->tokens : NULL;
}

/* ---- prefill and decode ----------------------------------------------- */

hc1_status hc1_prefill(hc1_ctx *c, const int32_t *tokens, uint32_t n)
{
    hc1_row rows[HC1_UBATCH];
    hc1_engine *e;
    hc1_status st;

    if (!c || (!tokens && n) || n == 0) {
        return HC1_E_INVAL;
    }
    e = c->e;
    for (uint32_t i = 0; i < n; i++) {
        if (tokens[i] < 0 || (uint32_t)tokens[i] >= e->m->info.n_vocab) {
            return HC1_E_INVAL;
        }
    }
    if (n > c->n_ctx - c->pos) {
        return HC1_E_CTX_FULL;
    }
    c->has_logits = false;
    for (uint32_t i = 0; i < n; i += HC1_UBATCH) {
        uint32_t T = n - i < HC1_UBATCH ? n - i : HC1_UBATCH;
        for (uint32_t t = 0; t < T; t++) {
            rows[t].ctx = c;
            rows[t].pos = c->pos + t;
            rows[t].token = tokens[i + t];
            rows[t].logits = (i + t == n - 1) ? c->logits : NULL;
        }
        st = hc1_forward(e, rows, T);
        if (st) {
            /* the cache holds what completed; drop the partial chunk */
            return st;
        }
        for (uint32_t t = 0; t < T; t++) {
            c->tokens[c->pos + t] = tokens[i + t];
        }
        c->pos += T;
    }
    c->has_logits = true;
    return HC1_OK;
}

hc1_status hc1_decode_batch(hc1_engine *e, hc1_ctx *const *ctxs,
                            const int32_t *tokens, uint32_t n,
                            hc1_status *st)
{
    hc1_row rows[HC1_UBATCH];
    uint32_t idx[HC1_UBATCH];
    hc1_status ret = HC1_OK;

    if (!e || (n && (!ctxs || !tokens || !st))) {
        return HC1_E_INVAL;
    }
    for (uint32_t i = 0; i < n; i++) {
        hc1_ctx *c = ctxs[i];
        st[i] = HC1_OK;
        if (!c || c->e != e || tokens[i] < 0 ||
            (uint32_t)tokens[i] >= e->m->info.n_vocab) {
            st[i] = HC1_E_INVAL;
        } else if (c->pos >= c->n_ctx) {
            st[i] = HC1_E_CTX_FULL;
        } else {
            /* a context may appear only once in a batch */
            for (uint32_t k = 0; k < i; k++) {
                if (ctxs[k] == c && st[k] == HC1_OK) {
                    st[i] = HC1_E_INVAL;
                    break;
                }
            }
        }
    }
    uint32_t i = 0;
    while (i < n) {
        uint32_t T = 0;
        for (; i < n && T < HC1_UBATCH; i++) {
            if (st[i] != HC1_OK) {
                continue;
            }
            hc1_ctx *c = ctxs[i];
            rows[T].ctx = c;
            rows[T].pos = c->pos;
            rows[T].token = tokens[i];
            rows[T].logits = c->logits;
            c->has_logits = false;
            idx[T++] = i;
        }
        if (T == 0) {
            break;
        }
        hc1_status s = hc1_forward(e, rows, T);
        for (uint32_t t = 0; t < T; t++) {
            hc1_ctx *c = rows[t].ctx;
            st[idx[t]] = s;
            if (!s) {
                c->tokens[c->pos] = rows[t].token;
                c->pos++;
                c->has_logits = true;
            }
        }
    }
    /* every context has its own status; report the first failure */
    for (uint32_t k = 0; k < n && !ret; k++) {
        ret = st[k];
    }
    return ret;
}

size_t hc1_engine_scratch_bytes(const hc1_engine *e)
{
    if (!e) {
        return 0;
    }
    const hc1_model_info *in = &e->m->info;
    size_t T = HC1_UBATCH;
    size_t Q = (size_t)in->n_head * in->head_dim;
    size_t KV = (size_t)in->n_head_kv * in->head_dim;
    size_t big = in->n_embd > Q ? in->n_embd : Q;
    size_t b = T * (in->n_embd + big + 2 * Q + 2 * KV + 2 * in->n_ff +
                    in->head_dim) * sizeof(float);
    for (int i = 0; i < GGML_TYPE_MAX; i++) {
        b += e->s.act_cap[i] + e->s.panel_cap[i];
    }
    if (e->s.samp) {
        b += (size_t)e->n_threads * 2 * in->n_vocab * sizeof(float);
    }
    return b + e->s.scores_cap * e->n_threads * sizeof(float);
}

size_t hc1_ctx_bytes(const hc1_ctx *c)
{
    if (!c) {
        return 0;
    }
    const hc1_engine *e = c->e;
    return 2 * (size_t)e->m->info.n_layer * c->n_ctx * e->kv_row_bytes +
           (size_t)c->n_ctx * sizeof(int32_t) +
           (size_t)e->m->info.n_vocab * sizeof(float);
}

const char *hc1_engine_isa(void)
{
    return hc1_isa_name(hc1_isa_current());
}

int hc1_engine_force_isa(const char *name)
{
    if (!name) {
        return -1;
    }
    if (!strcmp(name, "portable")) {
        hc1_isa_force(HC1_ISA_PORTABLE);
    } else if (!strcmp(name, "avx2")) {
        hc1_isa_force(HC1_ISA_AVX2);
    } else if (!strcmp(name, "avx512")) {
        hc1_isa_force(HC1_ISA_AVX512);
    } else if (!strcmp(name, "avx512-bf16")) {
        hc1_isa_force(HC1_ISA_AVX512_BF16);
    } else {
        return -1;
    }
    return 0;
}
