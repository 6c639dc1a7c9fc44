/*
 * Helpers shared by the engine unit tests.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "testutil.h"
#include "gguf.h"
#include "quant.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

void skip_if_missing(const char *path)
{
    if (access(path, R_OK) != 0) {
        printf("SKIP: %s is not available (shared models absent)\n", path);
        exit(77);
    }
}

void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc((size_t)n + 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

void gw_bytes(gw *w, const void *p, size_t n)
{
    if (w->n + n > w->cap) {
        w->cap = (w->n + n) * 2 + 1024;
        w->b = realloc(w->b, w->cap);
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

void gw_u8(gw *w, uint8_t v)
{
    gw_bytes(w, &v, 1);
}

void gw_u32(gw *w, uint32_t v)
{
    gw_bytes(w, &v, 4);
}

void gw_u64(gw *w, uint64_t v)
{
    gw_bytes(w, &v, 8);
}

void gw_str(gw *w, const char *s)
{
    gw_u64(w, strlen(s));
    gw_bytes(w, s, strlen(s));
}

void gw_kv_u32(gw *w, const char *k, uint32_t v)
{
    gw_str(w, k);
    gw_u32(w, GGUF_T_UINT32);
    gw_u32(w, v);
}

void gw_kv_f32(gw *w, const char *k, float v)
{
    gw_str(w, k);
    gw_u32(w, GGUF_T_FLOAT32);
    gw_bytes(w, &v, 4);
}

void gw_kv_bool(gw *w, const char *k, int v)
{
    gw_str(w, k);
    gw_u32(w, GGUF_T_BOOL);
    gw_u8(w, (uint8_t)(v != 0));
}

void gw_kv_str(gw *w, const char *k, const char *v)
{
    gw_str(w, k);
    gw_u32(w, GGUF_T_STRING);
    gw_str(w, v);
}

void gw_kv_arr_str(gw *w, const char *k, const char *const *v, size_t n)
{
    gw_str(w, k);
    gw_u32(w, GGUF_T_ARRAY);
    gw_u32(w, GGUF_T_STRING);
    gw_u64(w, n);
    for (size_t i = 0; i < n; i++) {
        gw_str(w, v[i]);
    }
}

void gw_kv_arr_i32(gw *w, const char *k, const int32_t *v, size_t n)
{
    gw_str(w, k);
    gw_u32(w, GGUF_T_ARRAY);
    gw_u32(w, GGUF_T_INT32);
    gw_u64(w, n);
    gw_bytes(w, v, 4 * n);
}

void gw_kv_arr_f32(gw *w, const char *k, const float *v, size_t n)
{
    gw_str(w, k);
    gw_u32(w, GGUF_T_ARRAY);
    gw_u32(w, GGUF_T_FLOAT32);
    gw_u64(w, n);
    gw_bytes(w, v, 4 * n);
}

void gw_pad(gw *w, size_t align)
{
    while (w->n % align) {
        gw_u8(w, 0);
    }
}

uint64_t trng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

float trng_normal(uint64_t *s)
{
    double u1 = ((trng(s) >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (trng(s) >> 11) * 0x1.0p-53;
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

void *widen_model(const char *path, size_t *len)
{
    size_t n;
    uint8_t *src = read_file(path, &n);
    gguf_file f;
    char err[256];
    gw w = { 0 };

    hc1_quant_init();
    if (!src || !gguf_parse(&f, src, n, err, sizeof(err)) ||
        f.alignment != 32) {
        free(src);
        return NULL;
    }
    gw_u32(&w, 0x46554747u);
    gw_u32(&w, 3);
    gw_u64(&w, f.n_tensors);
    gw_u64(&w, f.n_kv);
    gw_bytes(&w, src + 24, f.info_offset - 24);
    uint64_t off = 0;
    for (uint64_t i = 0; i < f.n_tensors; i++) {
        gguf_tensor *t = &f.tensors[i];
        uint64_t nel = t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3];
        uint32_t ty = GGML_F32;
        gw_u64(&w, t->name.len);
        gw_bytes(&w, t->name.p, t->name.len);
        gw_u32(&w, t->n_dims);
        for (uint32_t d = 0; d < t->n_dims; d++) {
            gw_u64(&w, t->ne[d]);
        }
        gw_u32(&w, ty);
        gw_u64(&w, off);
        off += nel * 4;
        off = (off + 31) / 32 * 32;
    }
    gw_pad(&w, 32);
    for (uint64_t i = 0; i < f.n_tensors; i++) {
        gguf_tensor *t = &f.tensors[i];
        uint64_t nel = t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3];
        float *v = malloc(nel * 4);
        size_t rb = ggml_row_size(t->type, t->ne[0]);
        for (uint64_t r = 0; r < nel / t->ne[0]; r++) {
            hc1_dequant_row(t->type, (const uint8_t *)t->data + r * rb,
                            v + r * t->ne[0], t->ne[0]);
        }
        gw_bytes(&w, v, nel * 4);
        free(v);
        gw_pad(&w, 32);
    }
    gguf_free(&f);
    free(src);
    *len = w.n;
    return w.b;
}

/* ---- generated test model ------------------------------------------- */

#define TM_NVOCAB (3 + 256 + 8)

static const char *const tm_words[8] = {
    "\xe2\x96\x81" "a", "\xe2\x96\x81" "b", "ab", "ba",
    "\xe2\x96\x81" "ab", "\xe2\x96\x81" "the", "th", "he",
};

void tmodel_default(tmodel_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->wtype = GGML_F32;
    o->n_embd = 64;
    o->n_layer = 2;
    o->n_head = 4;
    o->n_head_kv = 2;
    o->n_ff = 96;
    o->rope_freqs = 1;
    o->seed = 1;
}

typedef struct tm_tensor {
    char name[64];
    uint32_t n_dims;
    uint64_t ne[2];
    uint32_t type;
    float std, mean;
} tm_tensor;

static void tm_add(tm_tensor *t, int *n, const char *name, uint64_t ne0,
                   uint64_t ne1, uint32_t type, float mean, float std)
{
    tm_tensor *x = &t[(*n)++];
    snprintf(x->name, sizeof(x->name), "%s", name);
    x->n_dims = ne1 ? 2 : 1;
    x->ne[0] = ne0;
    x->ne[1] = ne1 ? ne1 : 1;
    x->type = type;
    x->mean = mean;
    x->std = std;
}

/*
 * Q4_0 as ggml's reference quantiser: d = signed max / -8, nibbles
 * rounded from x / d + 8.5 and clamped to 15.
 */
static void tm_q4_0_row(const float *x, blk_q4_0 *y, uint64_t n)
{
    for (uint64_t i = 0; i < n / 32; i++) {
        const float *v = x + 32 * i;
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < 32; j++) {
            if (fabsf(v[j]) > amax) {
                amax = fabsf(v[j]);
                max = v[j];
            }
        }
        float d = max / -8.0f;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = hc1_f32_to_f16(d);
        for (int j = 0; j < 16; j++) {
            int lo = (int)(v[j] * id + 8.5f);
            int hi = (int)(v[j + 16] * id + 8.5f);
            lo = lo > 15 ? 15 : lo;
            hi = hi > 15 ? 15 : hi;
            y[i].qs[j] = (uint8_t)(lo | hi << 4);
        }
    }
}

/*
 * K-quant rows are random blocks (no quantiser here), their scales set so
 * the weights have about the requested spread: Q4_K d * sc * q - dmin * m
 * with sc, q, m uniform has rms near 255 d (dmin = 7.5 d keeps the mean
 * near 0); Q6_K d * sc * (q - 32) has rms near 1370 d.
 */
static void tm_kquant_row(uint32_t type, void *q, uint64_t n, float std,
                          uint64_t *s)
{
    uint8_t *b = q;
    for (size_t k = 0; k < ggml_row_size(type, n); k++) {
        b[k] = (uint8_t)trng(s);
    }
    for (uint64_t i = 0; i < n / QK_K; i++) {
        if (type == GGML_Q4_K) {
            blk_q4_K *k = (blk_q4_K *)q + i;
            k->d = hc1_f32_to_f16(std / 255.0f);
            k->dmin = hc1_f32_to_f16(7.5f * std / 255.0f);
        } else {
            ((blk_q6_K *)q + i)->d = hc1_f32_to_f16(std / 1370.0f);
        }
    }
}

void *tmodel_build(const tmodel_opts *o, size_t *len, tmodel_layout *lay)
{
    gw w = { 0 };
    tm_tensor t[64];
    int nt = 0;
    uint64_t s = o->seed;
    uint32_t hd = o->n_embd / o->n_head;
    uint32_t V = TM_NVOCAB;
    tmodel_layout dummy;
    char nm[64];

    if (!lay) {
        lay = &dummy;
    }
    memset(lay, 0, sizeof(*lay));
    hc1_quant_init();
    tm_add(t, &nt, "token_embd.weight", o->n_embd, V, o->wtype, 0, 1);
    tm_add(t, &nt, "output_norm.weight", o->n_embd, 0, GGML_F32, 1, 0.1f);
    if (!o->tied) {
        tm_add(t, &nt, "output.weight", o->n_embd, V, o->wtype, 0,
               3.0f / sqrtf((float)o->n_embd));
    }
    if (o->rope_freqs) {
        tm_add(t, &nt, "rope_freqs.weight", hd / 2, 0, GGML_F32, -1, 0);
    }
    for (uint32_t l = 0; l < o->n_layer; l++) {
        float se = 1.0f / sqrtf((float)o->n_embd);
        float sf = 1.0f / sqrtf((float)o->n_ff);
#define L(suf, a, b, ty, m, sd) \
        snprintf(nm, sizeof(nm), "blk.%u." suf ".weight", l); \
        tm_add(t, &nt, nm, a, b, ty, m, sd)
        L("attn_norm", o->n_embd, 0, GGML_F32, 1, 0.1f);
        L("attn_q", o->n_embd, o->n_head * hd, o->wtype, 0, se);
        L("attn_k", o->n_embd, o->n_head_kv * hd, o->wtype, 0, se);
        L("attn_v", o->n_embd, o->n_head_kv * hd, o->wtype, 0, se);
        L("attn_output", o->n_head * hd, o->n_embd, o->wtype, 0, se);
        L("ffn_norm", o->n_embd, 0, GGML_F32, 1, 0.1f);
        L("ffn_gate", o->n_embd, o->n_ff, o->wtype, 0, se);
        L("ffn_up", o->n_embd, o->n_ff, o->wtype, 0, se);
        L("ffn_down", o->n_ff, o->n_embd, o->wtype, 0, sf);
#undef L
    }

    gw_u32(&w, 0x46554747u);
    gw_u32(&w, 3);
    lay->off_n_tensors = w.n;
    gw_u64(&w, (uint64_t)nt);
    lay->off_n_kv = w.n;
    gw_u64(&w, 0);      /* patched below */

    size_t nkv = 0;
#define KV(stmt) do { lay->off_kv[nkv++] = w.n; stmt; } while (0)
    KV(gw_kv_str(&w, "general.architecture", "llama"));
    KV(gw_kv_str(&w, "general.name", "hc1-test"));
    KV(gw_kv_u32(&w, "llama.block_count", o->n_layer));
    KV(gw_kv_u32(&w, "llama.context_length", 256));
    KV(gw_kv_u32(&w, "llama.embedding_length", o->n_embd));
    KV(gw_kv_u32(&w, "llama.feed_forward_length", o->n_ff));
    KV(gw_kv_u32(&w, "llama.attention.head_count", o->n_head));
    KV(gw_kv_u32(&w, "llama.attention.head_count_kv", o->n_head_kv));
    KV(gw_kv_f32(&w, "llama.rope.freq_base", 10000.0f));
    KV(gw_kv_f32(&w, "llama.attention.layer_norm_rms_epsilon", 1e-5f));
    KV(gw_kv_str(&w, "tokenizer.ggml.model", "llama"));
    {
        const char *toks[TM_NVOCAB];
        char bytes[256][8];
        float scores[TM_NVOCAB];
        int32_t types[TM_NVOCAB];
        toks[0] = "<unk>";
        toks[1] = "<s>";
        toks[2] = "</s>";
        types[0] = 2;
        types[1] = types[2] = 3;
        scores[0] = scores[1] = scores[2] = 0;
        for (int b = 0; b < 256; b++) {
            snprintf(bytes[b], sizeof(bytes[b]), "<0x%02X>", b);
            toks[3 + b] = bytes[b];
            types[3 + b] = 6;
            scores[3 + b] = 0;
        }
        for (int i = 0; i < 8; i++) {
            toks[259 + i] = tm_words[i];
            types[259 + i] = 1;
            scores[259 + i] = -(float)i;
        }
        lay->off_kv[nkv++] = w.n;
        gw_str(&w, "tokenizer.ggml.tokens");
        gw_u32(&w, GGUF_T_ARRAY);
        gw_u32(&w, GGUF_T_STRING);
        lay->off_tokens_arr = w.n;
        gw_u64(&w, TM_NVOCAB);
        for (int i = 0; i < TM_NVOCAB; i++) {
            gw_str(&w, toks[i]);
        }
        KV(gw_kv_arr_f32(&w, "tokenizer.ggml.scores", scores, TM_NVOCAB));
        KV(gw_kv_arr_i32(&w, "tokenizer.ggml.token_type", types, TM_NVOCAB));
    }
    KV(gw_kv_u32(&w, "tokenizer.ggml.bos_token_id", 1));
    KV(gw_kv_u32(&w, "tokenizer.ggml.eos_token_id", 2));
    KV(gw_kv_u32(&w, "tokenizer.ggml.unknown_token_id", 0));
#undef KV
    lay->n_kv = nkv;
    memcpy(w.b + lay->off_n_kv, &(uint64_t){ nkv }, 8);

    uint64_t off = 0;
    for (int i = 0; i < nt; i++) {
        lay->off_info[i] = w.n;
        gw_str(&w, t[i].name);
        lay->off_info_ndims[i] = w.n;
        gw_u32(&w, t[i].n_dims);
        for (uint32_t d = 0; d < t[i].n_dims; d++) {
            gw_u64(&w, t[i].ne[d]);
        }
        lay->off_info_type[i] = w.n;
        gw_u32(&w, t[i].type);
        lay->off_info_offset[i] = w.n;
        gw_u64(&w, off);
        off += ggml_row_size(t[i].type, t[i].ne[0]) * t[i].ne[1];
        off = (off + 31) / 32 * 32;
    }
    lay->n_tensors = (size_t)nt;
    gw_pad(&w, 32);
    lay->off_data = w.n;
    for (int i = 0; i < nt; i++) {
        uint64_t n0 = t[i].ne[0], n1 = t[i].ne[1];
        float *row = malloc(n0 * 4);
        size_t rb = ggml_row_size(t[i].type, n0);
        uint8_t *q = malloc(rb);
        for (uint64_t r = 0; r < n1; r++) {
            for (uint64_t k = 0; k < n0; k++) {
                if (t[i].mean < 0) {
                    /* rope_freqs: llama3-style divisors 1..8 */
                    row[k] = 1.0f + (float)(k * 7) / (float)(n0 - 1);
                } else {
                    row[k] = t[i].mean + t[i].std * trng_normal(&s);
                }
                /* keep values on the f16 grid, so F32 = widened F16 */
                row[k] = hc1_f16_to_f32_slow(hc1_f32_to_f16(row[k]));
            }
            switch (t[i].type) {
            case GGML_F16:
                hc1_quant_row_f16(row, (uint16_t *)q, n0);
                break;
            case GGML_Q8_0:
                hc1_quant_row_q8_0(row, (blk_q8_0 *)q, n0);
                break;
            case GGML_Q4_0:
                tm_q4_0_row(row, (blk_q4_0 *)q, n0);
                break;
            case GGML_BF16:
                for (uint64_t k = 0; k < n0; k++) {
                    ((uint16_t *)q)[k] = (uint16_t)(f32_bits(row[k]) >> 16);
                }
                break;
            case GGML_Q4_K:
            case GGML_Q6_K:
                tm_kquant_row(t[i].type, q, n0, t[i].std, &s);
                break;
            default:
                memcpy(q, row, rb);
                break;
            }
            gw_bytes(&w, q, rb);
        }
        free(row);
        free(q);
        gw_pad(&w, 32);
    }
    *len = w.n;
    return w.b;
}
