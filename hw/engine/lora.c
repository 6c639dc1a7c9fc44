/*
 * LoRA adapters: a GGUF adapter as llama.cpp's convert_lora_to_gguf
 * writes it (general.type "adapter", adapter.type "lora",
 * adapter.lora.alpha, tensors "<base tensor name>.lora_a" / ".lora_b"),
 * validated against the base model, its matrices widened to f32 (the
 * adapter is small; f32 keeps the low-rank product exact and simple),
 * and the forward pass's low-rank update y += s * B (A x).
 *
 * Shapes as llama.cpp has them: for a base matrix of ggml shape
 * [n_in, n_out] (ne0 is the input dimension), lora_a is [n_in, r] (r
 * rows of n_in) and lora_b is [r, n_out] (n_out rows of r). The scale is
 * the context's scale * alpha / r, or the context's scale alone when
 * alpha is 0 (llama.cpp's rule).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "engine_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The adaptable matrices of a layer, in HC1_LORA_* order. */
static const char *const mat_names[HC1_LORA_N_MATS] = {
    "attn_q", "attn_k", "attn_v", "attn_output",
    "ffn_gate", "ffn_up", "ffn_down",
};

static const hc1_tensor *base_tensor(const hc1_model *m, uint32_t l, int w)
{
    const hc1_layer *L = &m->layers[l];
    const hc1_tensor *t[HC1_LORA_N_MATS] = {
        &L->wq, &L->wk, &L->wv, &L->wo, &L->w_gate, &L->w_up, &L->w_down,
    };
    return t[w];
}

static hc1_status lerr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static hc1_status lerr(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return HC1_E_FORMAT;
}

static bool kv_str_is(const gguf_file *gf, const char *key, const char *want)
{
    const gguf_kv *kv = gguf_find_kv(gf, key);
    return kv && kv->type == GGUF_T_STRING && gguf_str_eq(kv->s, want);
}

/*
 * "blk.L.NAME.weight.lora_a" -> layer, matrix, which half. False for
 * any other name.
 */
static bool parse_name(gguf_str s, uint32_t n_layer, uint32_t *layer,
                       int *mat, int *half)
{
    char nm[96], tail[96];
    unsigned l;
    int used = 0;

    if (s.len >= sizeof(nm)) {
        return false;
    }
    memcpy(nm, s.p, s.len);
    nm[s.len] = 0;
    if (sscanf(nm, "blk.%u.%n", &l, &used) != 1 || !used || l >= n_layer) {
        return false;
    }
    /* reject "blk.01." and the like: the name must round-trip */
    snprintf(tail, sizeof(tail), "blk.%u.", l);
    if (strncmp(nm, tail, (size_t)used)) {
        return false;
    }
    for (int w = 0; w < HC1_LORA_N_MATS; w++) {
        for (int h = 0; h < 2; h++) {
            snprintf(tail, sizeof(tail), "%s.weight.lora_%c", mat_names[w],
                     h ? 'b' : 'a');
            if (!strcmp(nm + used, tail)) {
                *layer = l;
                *mat = w;
                *half = h;
                return true;
            }
        }
    }
    return false;
}

static float *widen(const gguf_tensor *t)
{
    uint64_t n = t->ne[0] * t->ne[1];
    float *f = malloc(n * sizeof(float));
    if (f) {
        for (uint64_t r = 0; r < t->ne[1]; r++) {
            size_t rb = (size_t)t->nbytes / t->ne[1];
            hc1_dequant_row(t->type, (const uint8_t *)t->data + r * rb,
                            f + r * t->ne[0], t->ne[0]);
        }
    }
    return f;
}

void hc1_lora_close(hc1_lora *l)
{
    if (!l) {
        return;
    }
    for (size_t i = 0; l->mats && i < (size_t)l->n_layer * HC1_LORA_N_MATS;
         i++) {
        free(l->mats[i].a);
        free(l->mats[i].b);
    }
    free(l->mats);
    free(l);
}

hc1_status hc1_lora_open_mem(const hc1_model *m, const void *data, size_t len,
                             hc1_lora **out, char *err, size_t errlen)
{
    const gguf_tensor *ta[HC1_LORA_N_MATS], *tb[HC1_LORA_N_MATS];
    const gguf_tensor **half[2] = { ta, tb };
    hc1_status st = HC1_E_NOMEM;
    gguf_file gf;
    hc1_lora *l;
    double alpha = 0.0;

    if (!m || !data || !out) {
        return HC1_E_INVAL;
    }
    *out = NULL;
    if (err && errlen) {
        err[0] = 0;
    }
    if (!gguf_parse(&gf, data, len, err, errlen)) {
        return HC1_E_FORMAT;
    }
    l = calloc(1, sizeof(*l));
    if (!l) {
        goto out;
    }
    l->m = m;
    l->n_layer = m->info.n_layer;
    l->mats = calloc((size_t)l->n_layer * HC1_LORA_N_MATS, sizeof(*l->mats));
    if (!l->mats) {
        goto out;
    }
    st = HC1_E_FORMAT;
    if (!kv_str_is(&gf, "general.type", "adapter")) {
        lerr(err, errlen, "general.type: expected \"adapter\"");
        goto out;
    }
    if (!kv_str_is(&gf, "adapter.type", "lora")) {
        lerr(err, errlen, "adapter.type: expected \"lora\"");
        goto out;
    }
    if (!kv_str_is(&gf, "general.architecture", "llama")) {
        lerr(err, errlen, "general.architecture: expected \"llama\", the "
             "base model's");
        goto out;
    }
    const gguf_kv *ka = gguf_find_kv(&gf, "adapter.lora.alpha");
    if (ka && (!gguf_kv_as_f64(ka, &alpha) || !isfinite(alpha) ||
               fabs(alpha) > 1e6)) {
        lerr(err, errlen, "adapter.lora.alpha: expected a finite number");
        goto out;
    }
    l->alpha = (float)alpha;

    /* every tensor must be one half of an adaptable matrix's pair */
    for (uint64_t i = 0; i < gf.n_tensors; i++) {
        const gguf_tensor *t = &gf.tensors[i];
        uint32_t layer;
        int w, h;

        if (!parse_name(t->name, l->n_layer, &layer, &w, &h)) {
            lerr(err, errlen, "tensor %.*s: not the lora_a or lora_b of an "
                 "adaptable matrix (attention or FFN) of a layer below %u",
                 (int)(t->name.len > 80 ? 80 : t->name.len), t->name.p,
                 l->n_layer);
            goto out;
        }
        if (t->type != GGML_F32 && t->type != GGML_F16 &&
            t->type != GGML_BF16) {
            lerr(err, errlen, "tensor %.*s: type %s, expected F32, F16 or "
                 "BF16", (int)t->name.len, t->name.p, hc1_type_name(t->type));
            goto out;
        }
        if (t->n_dims != 2) {
            lerr(err, errlen, "tensor %.*s: %u dimensions, expected 2",
                 (int)t->name.len, t->name.p, t->n_dims);
            goto out;
        }
    }
    for (uint32_t layer = 0; layer < l->n_layer; layer++) {
        for (int w = 0; w < HC1_LORA_N_MATS; w++) {
            char nm[96];
            for (int h = 0; h < 2; h++) {
                snprintf(nm, sizeof(nm), "blk.%u.%s.weight.lora_%c", layer,
                         mat_names[w], h ? 'b' : 'a');
                half[h][w] = gguf_find_tensor(&gf, nm);
            }
            if (!ta[w] && !tb[w]) {
                continue;
            }
            if (!ta[w] || !tb[w]) {
                lerr(err, errlen, "blk.%u.%s.weight: lora_%c without lora_%c",
                     layer, mat_names[w], ta[w] ? 'a' : 'b',
                     ta[w] ? 'b' : 'a');
                goto out;
            }
            const hc1_tensor *bt = base_tensor(m, layer, w);
            uint64_t r = ta[w]->ne[1];
            if (ta[w]->ne[0] != bt->ne0 || tb[w]->ne[1] != bt->ne1 ||
                tb[w]->ne[0] != r) {
                lerr(err, errlen, "blk.%u.%s.weight: lora_a [%llu, %llu] and "
                     "lora_b [%llu, %llu] do not fit the base [%llu, %llu] "
                     "(expected [%llu, r] and [r, %llu])", layer,
                     mat_names[w], (unsigned long long)ta[w]->ne[0],
                     (unsigned long long)ta[w]->ne[1],
                     (unsigned long long)tb[w]->ne[0],
                     (unsigned long long)tb[w]->ne[1],
                     (unsigned long long)bt->ne0, (unsigned long long)bt->ne1,
                     (unsigned long long)bt->ne0, (unsigned long long)bt->ne1);
                goto out;
            }
            if (r < 1 || r > HC1_LORA_MAX_RANK || r > bt->ne0 ||
                r > bt->ne1) {
                lerr(err, errlen, "blk.%u.%s.weight: rank %llu, expected "
                     "1..%u and at most the matrix's dimensions", layer,
                     mat_names[w], (unsigned long long)r, HC1_LORA_MAX_RANK);
                goto out;
            }
            hc1_lora_mat *lm = &l->mats[(size_t)layer * HC1_LORA_N_MATS + w];
            lm->r = (uint32_t)r;
            lm->a = widen(ta[w]);
            lm->b = widen(tb[w]);
            if (!lm->a || !lm->b) {
                st = HC1_E_NOMEM;
                goto out;
            }
            for (uint64_t i = 0; i < r * bt->ne0; i++) {
                if (!isfinite(lm->a[i])) {
                    lerr(err, errlen, "blk.%u.%s.weight.lora_a: element "
                         "%llu is not finite", layer, mat_names[w],
                         (unsigned long long)i);
                    goto out;
                }
            }
            for (uint64_t i = 0; i < r * bt->ne1; i++) {
                if (!isfinite(lm->b[i])) {
                    lerr(err, errlen, "blk.%u.%s.weight.lora_b: element "
                         "%llu is not finite", layer, mat_names[w],
                         (unsigned long long)i);
                    goto out;
                }
            }
            l->bytes += (size_t)r * (bt->ne0 + bt->ne1) * sizeof(float);
            l->n_adapted++;
        }
    }
    if (!l->n_adapted) {
        lerr(err, errlen, "no LoRA tensors");
        goto out;
    }
    *out = l;
    l = NULL;
    st = HC1_OK;
out:
    if (st == HC1_E_NOMEM) {
        lerr(err, errlen, "out of memory reading the adapter");
    }
    hc1_lora_close(l);
    gguf_free(&gf);
    return st;
}

size_t hc1_lora_sram_bytes(const hc1_lora *l)
{
    return l ? l->bytes : 0;
}

uint32_t hc1_lora_n_matrices(const hc1_lora *l)
{
    return l ? l->n_adapted : 0;
}

hc1_status hc1_ctx_set_lora(hc1_ctx *c, const hc1_lora *l, float scale)
{
    if (!c || (l && (l->m != c->e->m || !isfinite(scale)))) {
        return HC1_E_INVAL;
    }
    c->lora = l;
    c->lora_scale = l ? scale : 0.0f;
    return HC1_OK;
}

/*
 * out[t] += s * B (A x[t]) for the rows whose context has an adapter
 * for matrix @w of layer @layer. Each row on its own, in a fixed order,
 * so a row's result does not depend on the batch.
 */
void hc1_lora_apply(const hc1_row *rows, uint32_t T, uint32_t layer, int w,
                    const float *x, uint32_t n_in, float *out,
                    uint32_t n_out)
{
    float tmp[HC1_LORA_MAX_RANK];

    for (uint32_t t = 0; t < T; t++) {
        const hc1_ctx *c = rows[t].ctx;
        if (!c->lora) {
            continue;
        }
        const hc1_lora_mat *lm =
            &c->lora->mats[(size_t)layer * HC1_LORA_N_MATS + w];
        if (!lm->r) {
            continue;
        }
        const float *xt = x + (size_t)t * n_in;
        float *yt = out + (size_t)t * n_out;
        float s = c->lora->alpha != 0.0f
                  ? c->lora_scale * c->lora->alpha / (float)lm->r
                  : c->lora_scale;
        for (uint32_t k = 0; k < lm->r; k++) {
            const float *a = lm->a + (size_t)k * n_in;
            float acc = 0.0f;
            for (uint32_t i = 0; i < n_in; i++) {
                acc += a[i] * xt[i];
            }
            tmp[k] = acc;
        }
        for (uint32_t o = 0; o < n_out; o++) {
            const float *b = lm->b + (size_t)o * lm->r;
            float acc = 0.0f;
            for (uint32_t k = 0; k < lm->r; k++) {
                acc += b[k] * tmp[k];
            }
            yt[o] += s * acc;
        }
    }
}
