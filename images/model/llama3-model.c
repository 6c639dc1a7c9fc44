/*
 * hc1-mkmodel: the Llama 3.1 architecture as a list of GGUF tensors;
 * see llama3-model.h.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "llama3-model.h"
#include "llama3-vocab.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const Llama3Shape llama3_shapes[] = {
    { "tiny", { 64, 2, 4, 2, 192, false, LLAMA3_N_VOCAB } },
    { "default", { 256, 4, 8, 2, 896, false, LLAMA3_N_VOCAB } },
    { "small", { 512, 8, 8, 4, 1536, true, LLAMA3_N_VOCAB } },
    { "medium", { 2048, 16, 32, 8, 5632, false, LLAMA3_N_VOCAB } },
    { NULL, { 0 } },
};

const Llama3Shape *llama3_find_shape(const char *name)
{
    const Llama3Shape *s;

    for (s = llama3_shapes; s->name; s++) {
        if (strcmp(s->name, name) == 0) {
            return s;
        }
    }
    return NULL;
}

bool llama3_hparams_check(const Llama3Hparams *hp, char *err, size_t errlen)
{
    if (hp->dim == 0 || hp->layers == 0 || hp->heads == 0 ||
        hp->kv_heads == 0 || hp->ff == 0) {
        snprintf(err, errlen, "dim, layers, heads, kv-heads and ff must all "
                 "be positive");
        return false;
    }
    if (hp->dim > 65536 || hp->ff > 262144 || hp->layers > 1024 ||
        hp->heads > 1024) {
        snprintf(err, errlen, "shape too large (dim <= 65536, ff <= 262144, "
                 "layers <= 1024, heads <= 1024)");
        return false;
    }
    if (hp->dim % hp->heads != 0) {
        snprintf(err, errlen, "dim %u is not a multiple of heads %u",
                 hp->dim, hp->heads);
        return false;
    }
    if (hp->heads % hp->kv_heads != 0) {
        snprintf(err, errlen, "heads %u is not a multiple of kv-heads %u",
                 hp->heads, hp->kv_heads);
        return false;
    }
    if ((hp->dim / hp->heads) % 2 != 0) {
        snprintf(err, errlen, "head dimension %u is odd; rope needs pairs",
                 hp->dim / hp->heads);
        return false;
    }
    return true;
}

uint32_t llama3_head_dim(const Llama3Hparams *hp)
{
    return hp->dim / hp->heads;
}

uint64_t llama3_param_count(const Llama3Hparams *hp)
{
    uint64_t d = hp->dim, kv = (uint64_t)llama3_head_dim(hp) * hp->kv_heads;
    uint64_t layer = 2 * d * d + 2 * d * kv + 3 * d * hp->ff + 2 * d;
    uint64_t n = hp->layers * layer + (uint64_t)hp->vocab * d + d;

    if (!hp->tied) {
        n += (uint64_t)hp->vocab * d;
    }
    return n;
}

bool llama3_file_type_parse(const char *s, Llama3FileType *ft)
{
    static const struct {
        const char *name;
        Llama3FileType ft;
    } names[] = {
        { "f32", LLAMA3_FT_F32 },
        { "f16", LLAMA3_FT_F16 },
        { "bf16", LLAMA3_FT_BF16 },
        { "q8_0", LLAMA3_FT_Q8_0 },
        { "q4_0", LLAMA3_FT_Q4_0 },
        { "q4_k_m", LLAMA3_FT_Q4_K_M },
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(names[i].name, s) == 0) {
            *ft = names[i].ft;
            return true;
        }
    }
    return false;
}

uint32_t llama3_file_type_id(Llama3FileType ft)
{
    switch (ft) {
    case LLAMA3_FT_F32:
        return 0;               /* LLAMA_FTYPE_ALL_F32 */
    case LLAMA3_FT_F16:
        return 1;               /* LLAMA_FTYPE_MOSTLY_F16 */
    case LLAMA3_FT_BF16:
        return 32;              /* LLAMA_FTYPE_MOSTLY_BF16 */
    case LLAMA3_FT_Q8_0:
        return 7;               /* LLAMA_FTYPE_MOSTLY_Q8_0 */
    case LLAMA3_FT_Q4_0:
        return 2;               /* LLAMA_FTYPE_MOSTLY_Q4_0 */
    case LLAMA3_FT_Q4_K_M:
        return 15;              /* LLAMA_FTYPE_MOSTLY_Q4_K_M */
    }
    return 0;
}

bool llama3_file_type_quantized(Llama3FileType ft)
{
    return ft == LLAMA3_FT_Q8_0 || ft == LLAMA3_FT_Q4_0 ||
           ft == LLAMA3_FT_Q4_K_M;
}

/*
 * llama.cpp's use_more_bits(): the first and last eighth of the layers
 * and every third layer in between.
 */
bool llama3_use_more_bits(uint32_t layer, uint32_t n_layers)
{
    uint32_t eighth = n_layers / 8;

    return layer < eighth || layer >= 7 * n_layers / 8 ||
           (layer - eighth) % 3 == 2;
}

/*
 * A type whose block does not divide the row length falls back to
 * Q8_0, or to F16 when the row is not even a multiple of 32. (For Q4_K
 * llama-quantize would pick Q5_0; Q8_0 keeps this generator to the
 * formats it implements, at a slightly larger size.)
 */
static Hc1GgmlType fit_row(Hc1GgmlType t, uint64_t row)
{
    if (row % hc1_type_block_values(t) == 0) {
        return t;
    }
    if (row % HC1_QK8_0 == 0) {
        return HC1_TYPE_Q8_0;
    }
    return HC1_TYPE_F16;
}

/* The type of a matrix, after llama.cpp's llama_tensor_get_type(). */
static Hc1GgmlType matrix_type(Llama3FileType ft, const char *role,
                               uint32_t layer, uint32_t n_layers,
                               uint64_t row)
{
    bool output = strcmp(role, "output") == 0;
    Hc1GgmlType t = HC1_TYPE_F16;

    switch (ft) {
    case LLAMA3_FT_F32:
        t = HC1_TYPE_F32;
        break;
    case LLAMA3_FT_F16:
        t = HC1_TYPE_F16;
        break;
    case LLAMA3_FT_BF16:
        t = HC1_TYPE_BF16;
        break;
    case LLAMA3_FT_Q8_0:
        t = HC1_TYPE_Q8_0;      /* the output head stays Q8_0 */
        break;
    case LLAMA3_FT_Q4_0:
        t = output ? HC1_TYPE_Q6_K : HC1_TYPE_Q4_0;
        break;
    case LLAMA3_FT_Q4_K_M:
        if (output) {
            t = HC1_TYPE_Q6_K;
        } else if ((strcmp(role, "attn_v") == 0 ||
                    strcmp(role, "ffn_down") == 0) &&
                   llama3_use_more_bits(layer, n_layers)) {
            t = HC1_TYPE_Q6_K;
        } else {
            t = HC1_TYPE_Q4_K;
        }
        break;
    }
    return fit_row(t, row);
}

static void add(Llama3Tensor **p, const char *name, uint32_t n_dims,
                uint64_t ne0, uint64_t ne1, Hc1GgmlType type,
                Llama3Init init, float mean, float std)
{
    Llama3Tensor *t = (*p)++;

    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "%s", name);
    t->n_dims = n_dims;
    t->ne[0] = ne0;
    t->ne[1] = n_dims > 1 ? ne1 : 1;
    t->type = type;
    t->init = init;
    t->mean = mean;
    t->std = std;
}

size_t llama3_tensor_count(const Llama3Hparams *hp)
{
    return 3 + 9 * (size_t)hp->layers + (hp->tied ? 0 : 1);
}

/*
 * Tensors in llama.cpp's names and shapes ([row length, rows]). Weight
 * scales: projections normal(0, 1/sqrt(fan_in)) where fan_in is the row
 * length; norm gains normal(1, 0.1); untied: token_embd normal(0, 1)
 * and output normal(0, 3/sqrt(dim)); tied: token_embd normal(0,
 * 1/sqrt(dim)) and output_norm normal(3, 0.3). These give logits of
 * about unit to a few units of spread, so greedy decoding does not sit
 * on near-ties.
 *
 * attn_q and attn_k rows: GGUF "llama" uses llama.cpp's NORM rope,
 * which rotates adjacent pairs (x[2i], x[2i+1]) of each head; a
 * converted Hugging Face checkpoint has its Q/K rows permuted into
 * that order. Random weights have no prior order to undo, so the rows
 * are simply generated in place: no permutation is needed.
 */
void llama3_plan(const Llama3Hparams *hp, Llama3FileType ft,
                 Llama3Tensor *out)
{
    uint64_t d = hp->dim, ff = hp->ff;
    uint64_t kv = (uint64_t)llama3_head_dim(hp) * hp->kv_heads;
    float sd = 1.0f / sqrtf((float)hp->dim);
    float sff = 1.0f / sqrtf((float)hp->ff);
    Llama3Tensor *p = out;
    Hc1GgmlType embd_type;
    char name[48];
    uint32_t l;

    add(&p, "rope_freqs.weight", 1, llama3_head_dim(hp) / 2, 1,
        HC1_TYPE_F32, LLAMA3_INIT_ROPE_FREQS, 0.0f, 0.0f);
    /* Tied: token_embd is also the output head and gets its type. */
    embd_type = matrix_type(ft, hp->tied ? "output" : "token_embd", 0,
                            hp->layers, d);
    add(&p, "token_embd.weight", 2, d, hp->vocab, embd_type,
        LLAMA3_INIT_NORMAL, 0.0f, hp->tied ? sd : 1.0f);

    for (l = 0; l < hp->layers; l++) {
        static const struct {
            const char *role;
            bool norm, ff_in, ff_out, kv;
        } parts[] = {
            { "attn_norm", true, false, false, false },
            { "attn_q", false, false, false, false },
            { "attn_k", false, false, false, true },
            { "attn_v", false, false, false, true },
            { "attn_output", false, false, false, false },
            { "ffn_norm", true, false, false, false },
            { "ffn_gate", false, false, true, false },
            { "ffn_up", false, false, true, false },
            { "ffn_down", false, true, false, false },
        };
        size_t i;

        for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
            uint64_t row = parts[i].ff_in ? ff : d;
            uint64_t rows = parts[i].ff_out ? ff : (parts[i].kv ? kv : d);

            snprintf(name, sizeof(name), "blk.%u.%s.weight", l,
                     parts[i].role);
            if (parts[i].norm) {
                add(&p, name, 1, d, 1, HC1_TYPE_F32, LLAMA3_INIT_NORMAL,
                    1.0f, 0.1f);
            } else {
                add(&p, name, 2, row, rows,
                    matrix_type(ft, parts[i].role, l, hp->layers, row),
                    LLAMA3_INIT_NORMAL, 0.0f, parts[i].ff_in ? sff : sd);
            }
        }
    }

    add(&p, "output_norm.weight", 1, d, 1, HC1_TYPE_F32, LLAMA3_INIT_NORMAL,
        hp->tied ? 3.0f : 1.0f, hp->tied ? 0.3f : 0.1f);
    if (!hp->tied) {
        add(&p, "output.weight", 2, d, hp->vocab,
            matrix_type(ft, "output", 0, hp->layers, d),
            LLAMA3_INIT_NORMAL, 0.0f, 3.0f * sd);
    }
}

/*
 * Llama 3.1 rope scaling ("rope_type": "llama3"): with wavelength
 * w = 2 pi / f of the unscaled frequency f = base^(-2i/head_dim),
 *   w < original_context / high_freq_factor   divisor 1 (kept),
 *   w > original_context / low_freq_factor    divisor factor,
 *   otherwise, with s = (original_context / w - low_freq_factor) /
 *   (high_freq_factor - low_freq_factor), the frequency is blended
 *   f' = (1 - s) f / factor + s f, i.e. divisor 1 / ((1 - s) / factor + s).
 * Computed in double precision and rounded once to float.
 */
void llama3_rope_freqs(uint32_t head_dim, float *out)
{
    const double low_wavelen = LLAMA3_ROPE_ORIGINAL_CONTEXT /
                               LLAMA3_ROPE_LOW_FREQ_FACTOR;
    const double high_wavelen = LLAMA3_ROPE_ORIGINAL_CONTEXT /
                                LLAMA3_ROPE_HIGH_FREQ_FACTOR;
    const double pi = 3.14159265358979323846;
    uint32_t i;

    for (i = 0; i < head_dim / 2; i++) {
        double f = pow(LLAMA3_ROPE_FREQ_BASE,
                       -(double)(2 * i) / (double)head_dim);
        double w = 2.0 * pi / f;
        double div;

        if (w < high_wavelen) {
            div = 1.0;
        } else if (w > low_wavelen) {
            div = LLAMA3_ROPE_FACTOR;
        } else {
            double s = (LLAMA3_ROPE_ORIGINAL_CONTEXT / w -
                        LLAMA3_ROPE_LOW_FREQ_FACTOR) /
                       (LLAMA3_ROPE_HIGH_FREQ_FACTOR -
                        LLAMA3_ROPE_LOW_FREQ_FACTOR);

            div = 1.0 / ((1.0 - s) / LLAMA3_ROPE_FACTOR + s);
        }
        out[i] = (float)div;
    }
}
