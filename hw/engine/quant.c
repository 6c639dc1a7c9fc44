/*
 * Weight and activation formats: type table, conversions, reference
 * dequantisation, activation quantisers.
 *
 * Written from the published ggml block layouts; the rounding choices
 * follow what llama.cpp's x86 CPU backend does, because matching its
 * logits closely depends on them (see the comments below).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "quant.h"

#include <math.h>
#include <pthread.h>

static const ggml_type_traits type_table[GGML_TYPE_MAX] = {
    [GGML_F32] = { "F32", 1, 4 },
    [GGML_F16] = { "F16", 1, 2 },
    [GGML_Q4_0] = { "Q4_0", 32, 18 },
    [GGML_Q4_1] = { "Q4_1", 32, 20 },
    [GGML_Q5_0] = { "Q5_0", 32, 22 },
    [GGML_Q5_1] = { "Q5_1", 32, 24 },
    [GGML_Q8_0] = { "Q8_0", 32, 34 },
    [GGML_Q8_1] = { "Q8_1", 32, 36 },
    [GGML_Q2_K] = { "Q2_K", 256, 84 },
    [GGML_Q3_K] = { "Q3_K", 256, 110 },
    [GGML_Q4_K] = { "Q4_K", 256, 144 },
    [GGML_Q5_K] = { "Q5_K", 256, 176 },
    [GGML_Q6_K] = { "Q6_K", 256, 210 },
    [GGML_Q8_K] = { "Q8_K", 256, 292 },
    [16] = { "IQ2_XXS", 256, 66 },
    [17] = { "IQ2_XS", 256, 74 },
    [18] = { "IQ3_XXS", 256, 98 },
    [19] = { "IQ1_S", 256, 50 },
    [20] = { "IQ4_NL", 32, 18 },
    [21] = { "IQ3_S", 256, 110 },
    [22] = { "IQ2_S", 256, 82 },
    [23] = { "IQ4_XS", 256, 136 },
    [24] = { "I8", 1, 1 },
    [25] = { "I16", 1, 2 },
    [26] = { "I32", 1, 4 },
    [27] = { "I64", 1, 8 },
    [28] = { "F64", 1, 8 },
    [29] = { "IQ1_M", 256, 56 },
    [GGML_BF16] = { "BF16", 1, 2 },
};

_Static_assert(sizeof(blk_q8_0) == 34, "q8_0 layout");
_Static_assert(sizeof(blk_q4_0) == 18, "q4_0 layout");
_Static_assert(sizeof(blk_q4_K) == 144, "q4_K layout");
_Static_assert(sizeof(blk_q6_K) == 210, "q6_K layout");
_Static_assert(sizeof(blk_q8_K) == 292, "q8_K layout");

const ggml_type_traits *ggml_traits(uint32_t type)
{
    if (type >= GGML_TYPE_MAX || type_table[type].blck == 0) {
        return NULL;
    }
    return &type_table[type];
}

bool hc1_weight_type_supported(uint32_t type)
{
    switch (type) {
    case GGML_F32:
    case GGML_F16:
    case GGML_BF16:
    case GGML_Q8_0:
    case GGML_Q4_0:
    case GGML_Q4_K:
    case GGML_Q6_K:
        return true;
    default:
        return false;
    }
}

size_t ggml_row_size(uint32_t type, uint64_t n)
{
    const ggml_type_traits *t = ggml_traits(type);
    if (!t || n % t->blck) {
        return 0;
    }
    return (size_t)(n / t->blck) * t->size;
}

uint32_t hc1_vec_dot_type(uint32_t wtype)
{
    switch (wtype) {
    case GGML_F16:
        return GGML_F16;
    case GGML_BF16:
        return GGML_BF16;
    case GGML_Q8_0:
    case GGML_Q4_0:
        return GGML_Q8_0;
    case GGML_Q4_K:
    case GGML_Q6_K:
        return GGML_Q8_K;
    default:
        return GGML_F32;
    }
}

/* ---- half precision ---------------------------------------------- */

float hc1_f16_table[65536];

float hc1_f16_to_f32_slow(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;

    if (exp == 0x1f) {
        return f32_from_bits(sign | 0x7f800000u | (man << 13));
    }
    if (exp == 0) {
        /* zero or subnormal: exact as man * 2^-24 */
        float v = (float)man * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    return f32_from_bits(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t hc1_f32_to_f16(float f)
{
    uint32_t x = f32_bits(f);
    uint32_t sign = (x >> 16) & 0x8000;
    uint32_t ax = x & 0x7fffffff;

    if (ax >= 0x7f800000u) {
        /* inf or nan (keep nan quiet) */
        return (uint16_t)(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
    }
    if (ax >= 0x477ff000u) {
        /* rounds to >= 65536: overflow to infinity */
        return (uint16_t)(sign | 0x7c00);
    }
    if (ax < 0x38800000u) {
        /* result is subnormal (or zero): round |f| * 2^24 to an integer */
        float v = f32_from_bits(ax) * 16777216.0f;
        uint32_t m = (uint32_t)rintf(v);
        return (uint16_t)(sign | m);
    }
    /* normal: round mantissa to 10 bits, nearest even */
    uint32_t r = ax + 0xfff + ((ax >> 13) & 1);
    r -= 112u << 23;
    return (uint16_t)(sign | (r >> 13));
}

static void init_tables(void)
{
    for (uint32_t i = 0; i < 65536; i++) {
        hc1_f16_table[i] = hc1_f16_to_f32_slow((uint16_t)i);
    }
}

void hc1_quant_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_tables);
}

/* ---- reference dequantisation ------------------------------------ */

/* The 6-bit scale and min of sub-block @j of a Q4_K super-block. */
static inline void q4k_scale_min(int j, const uint8_t *q, uint8_t *sc,
                                 uint8_t *mn)
{
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4);
        *mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void hc1_dequant_row(uint32_t type, const void *src, float *y, uint64_t n)
{
    switch (type) {
    case GGML_F32:
        memcpy(y, src, n * 4);
        break;
    case GGML_F16: {
        const uint16_t *s = src;
        for (uint64_t i = 0; i < n; i++) {
            y[i] = f16_to_f32(s[i]);
        }
        break;
    }
    case GGML_BF16: {
        const uint16_t *s = src;
        for (uint64_t i = 0; i < n; i++) {
            y[i] = bf16_to_f32(s[i]);
        }
        break;
    }
    case GGML_Q8_0: {
        const blk_q8_0 *b = src;
        for (uint64_t i = 0; i < n / QK8_0; i++) {
            float d = f16_to_f32(b[i].d);
            for (int j = 0; j < QK8_0; j++) {
                y[i * QK8_0 + j] = d * b[i].qs[j];
            }
        }
        break;
    }
    case GGML_Q4_0: {
        const blk_q4_0 *b = src;
        for (uint64_t i = 0; i < n / QK4_0; i++) {
            float d = f16_to_f32(b[i].d);
            for (int j = 0; j < QK4_0 / 2; j++) {
                y[i * QK4_0 + j] = d * ((b[i].qs[j] & 0xf) - 8);
                y[i * QK4_0 + j + 16] = d * ((b[i].qs[j] >> 4) - 8);
            }
        }
        break;
    }
    case GGML_Q4_K: {
        const blk_q4_K *b = src;
        for (uint64_t i = 0; i < n / QK_K; i++) {
            float d = f16_to_f32(b[i].d);
            float dmin = f16_to_f32(b[i].dmin);
            const uint8_t *q = b[i].qs;
            float *o = y + i * QK_K;
            /* four chunks of 64: low nibbles then high nibbles of 32 bytes */
            for (int c = 0; c < 4; c++) {
                uint8_t sc, mn;
                q4k_scale_min(2 * c, b[i].scales, &sc, &mn);
                float d1 = d * sc, m1 = dmin * mn;
                q4k_scale_min(2 * c + 1, b[i].scales, &sc, &mn);
                float d2 = d * sc, m2 = dmin * mn;
                for (int l = 0; l < 32; l++) {
                    o[l] = d1 * (q[l] & 0xf) - m1;
                    o[l + 32] = d2 * (q[l] >> 4) - m2;
                }
                q += 32;
                o += 64;
            }
        }
        break;
    }
    case GGML_Q6_K: {
        const blk_q6_K *b = src;
        for (uint64_t i = 0; i < n / QK_K; i++) {
            float d = f16_to_f32(b[i].d);
            const uint8_t *ql = b[i].ql;
            const uint8_t *qh = b[i].qh;
            const int8_t *sc = b[i].scales;
            float *o = y + i * QK_K;
            /* two halves of 128: 64 bytes of ql, 32 of qh, 8 scales */
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int q1 = ((ql[l] & 0xf) | ((qh[l] & 3) << 4)) - 32;
                    int q2 = ((ql[l + 32] & 0xf) |
                              (((qh[l] >> 2) & 3) << 4)) - 32;
                    int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    int q4 = ((ql[l + 32] >> 4) |
                              (((qh[l] >> 6) & 3) << 4)) - 32;
                    o[l] = d * sc[is + 0] * q1;
                    o[l + 32] = d * sc[is + 2] * q2;
                    o[l + 64] = d * sc[is + 4] * q3;
                    o[l + 96] = d * sc[is + 6] * q4;
                }
                o += 128;
                ql += 64;
                qh += 32;
                sc += 8;
            }
        }
        break;
    }
    case GGML_Q8_K: {
        const blk_q8_K *b = src;
        for (uint64_t i = 0; i < n / QK_K; i++) {
            for (int j = 0; j < QK_K; j++) {
                y[i * QK_K + j] = b[i].d * b[i].qs[j];
            }
        }
        break;
    }
    default:
        memset(y, 0, n * sizeof(float));
        break;
    }
}

/* ---- activation quantisers --------------------------------------- */

/*
 * Q8_0 as llama.cpp's AVX path does it: scale 127/amax, round half to
 * even (rintf in the default rounding mode), store d as f16.
 */
void hc1_quant_row_q8_0(const float *x, blk_q8_0 *y, uint64_t n)
{
    for (uint64_t i = 0; i < n / QK8_0; i++) {
        const float *v = x + i * QK8_0;
        float amax = 0.0f;
        for (int j = 0; j < QK8_0; j++) {
            float a = fabsf(v[j]);
            amax = a > amax ? a : amax;
        }
        float d = amax / 127.0f;
        float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = hc1_f32_to_f16(d);
        for (int j = 0; j < QK8_0; j++) {
            y[i].qs[j] = hc1_round_i8(v[j] * id);
        }
    }
}

/*
 * Q8_K as ggml's reference quantiser (used on x86): the scale carries
 * the sign of the largest-magnitude element, rounding half to even.
 */
void hc1_quant_row_q8_K(const float *x, blk_q8_K *y, uint64_t n)
{
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const float *v = x + i * QK_K;
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < QK_K; j++) {
            float a = fabsf(v[j]);
            if (a > amax) {
                amax = a;
                max = v[j];
            }
        }
        if (amax == 0.0f) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        float iscale = -127.0f / max;
        for (int j = 0; j < QK_K; j++) {
            y[i].qs[j] = hc1_round_i8(iscale * v[j]);
        }
        for (int j = 0; j < QK_K / 16; j++) {
            int s = 0;
            for (int l = 0; l < 16; l++) {
                s += y[i].qs[j * 16 + l];
            }
            y[i].bsums[j] = (int16_t)s;
        }
        y[i].d = 1.0f / iscale;
    }
}

void hc1_quant_row_f16(const float *x, uint16_t *y, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        y[i] = hc1_f32_to_f16(x[i]);
    }
}
