/*
 * Portable dot-product kernels: the definition the SIMD kernels are
 * tested against. Integer parts are exact; float accumulation runs in
 * block order.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels.h"
#include "quant.h"

/* One weight of a float format, widened to f32. */
static inline float weight_f32(const void *w, uint32_t type, uint64_t i)
{
    switch (type) {
    case GGML_F16:
        return f16_to_f32(((const uint16_t *)w)[i]);
    case GGML_BF16:
        return bf16_to_f32(((const uint16_t *)w)[i]);
    default:
        return ((const float *)w)[i];
    }
}

/*
 * The float formats share one summation order: eight lanes, then a fixed
 * pairwise reduction, which is what the SIMD kernels reproduce. Called
 * with a constant @type, so each wrapper compiles to its own loop.
 */
static inline void dot_float_ref(uint32_t type, uint64_t n, const void *w,
                                 const void *const *x, int ncols, float *out)
{
    for (int c = 0; c < ncols; c++) {
        const float *b = x[c];
        float acc[8] = { 0 };
        uint64_t i = 0;
        for (; i + 8 <= n; i += 8) {
            for (int k = 0; k < 8; k++) {
                acc[k] += weight_f32(w, type, i + k) * b[i + k];
            }
        }
        for (; i < n; i++) {
            acc[0] += weight_f32(w, type, i) * b[i];
        }
        out[c] = ((acc[0] + acc[4]) + (acc[1] + acc[5])) +
                 ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    }
}

void hc1_dot_f32_ref(uint64_t n, const void *w, const void *const *x,
                     int ncols, float *out)
{
    dot_float_ref(GGML_F32, n, w, x, ncols, out);
}

void hc1_dot_f16_ref(uint64_t n, const void *w, const void *const *x,
                     int ncols, float *out)
{
    dot_float_ref(GGML_F16, n, w, x, ncols, out);
}

void hc1_dot_bf16_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out)
{
    dot_float_ref(GGML_BF16, n, w, x, ncols, out);
}

void hc1_dot_q8_0_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out)
{
    const blk_q8_0 *b = w;
    for (int c = 0; c < ncols; c++) {
        hc1_actq_view a = hc1_actq(x[c], GGML_Q8_0, n);
        float acc = 0.0f;
        for (uint64_t i = 0; i < n / QK8_0; i++) {
            int s = 0;
            for (int j = 0; j < QK8_0; j++) {
                s += b[i].qs[j] * a.qs[i * QK8_0 + j];
            }
            acc += (f16_to_f32(b[i].d) * a.d[i]) * (float)s;
        }
        out[c] = acc;
    }
}

void hc1_dot_q4_0_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out)
{
    const blk_q4_0 *b = w;
    for (int c = 0; c < ncols; c++) {
        hc1_actq_view a = hc1_actq(x[c], GGML_Q8_0, n);
        float acc = 0.0f;
        for (uint64_t i = 0; i < n / QK4_0; i++) {
            const int8_t *q = a.qs + i * QK4_0;
            int s = 0;
            for (int j = 0; j < QK4_0 / 2; j++) {
                s += ((b[i].qs[j] & 0xf) - 8) * q[j];
                s += ((b[i].qs[j] >> 4) - 8) * q[j + 16];
            }
            acc += (f16_to_f32(b[i].d) * a.d[i]) * (float)s;
        }
        out[c] = acc;
    }
}

static inline void q4k_sm(int j, const uint8_t *q, int *sc, int *mn)
{
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4);
        *mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void hc1_dot_q4_K_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out)
{
    const blk_q4_K *b = w;
    for (int c = 0; c < ncols; c++) {
        hc1_actq_view a = hc1_actq(x[c], GGML_Q8_K, n);
        float acc = 0.0f;
        for (uint64_t i = 0; i < n / QK_K; i++) {
            const int8_t *q8 = a.qs + i * QK_K;
            const int16_t *bs = a.bsum + i * (QK_K / 16);
            int sumi = 0, summ = 0;
            for (int j = 0; j < 8; j++) {
                int sc, mn;
                q4k_sm(j, b[i].scales, &sc, &mn);
                /* sub-block j: chunk j/2, low (even j) or high nibbles */
                const uint8_t *q4 = b[i].qs + (j / 2) * 32;
                int shift = (j & 1) * 4;
                int s = 0;
                for (int l = 0; l < 32; l++) {
                    s += ((q4[l] >> shift) & 0xf) * q8[j * 32 + l];
                }
                sumi += sc * s;
                summ += mn * (bs[2 * j] + bs[2 * j + 1]);
            }
            /*
             * the SIMD kernels' steps (kernels_x86_kquant.c), so every
             * level gives Q4_K the same bits
             */
            float d = f16_to_f32(b[i].d) * a.d[i];
            float dm = f16_to_f32(b[i].dmin) * a.d[i];
            acc = fmaf(d, (float)sumi, acc);
            acc = fmaf(-dm, (float)summ, acc);
        }
        out[c] = acc;
    }
}

void hc1_dot_q6_K_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out)
{
    const blk_q6_K *b = w;
    for (int c = 0; c < ncols; c++) {
        hc1_actq_view a = hc1_actq(x[c], GGML_Q8_K, n);
        float acc = 0.0f;
        for (uint64_t i = 0; i < n / QK_K; i++) {
            const int8_t *q8 = a.qs + i * QK_K;
            int sumi = 0;
            for (int h = 0; h < 2; h++) {
                const uint8_t *ql = b[i].ql + 64 * h;
                const uint8_t *qh = b[i].qh + 32 * h;
                const int8_t *sc = b[i].scales + 8 * h;
                const int8_t *y = q8 + 128 * h;
                /*
                 * 8 groups of 16 in this half: group g covers
                 * y[16g .. 16g+15]
                 */
                for (int g = 0; g < 8; g++) {
                    int quarter = g / 2;      /* which 32-run */
                    int s = 0;
                    for (int l = (g & 1) * 16; l < (g & 1) * 16 + 16; l++) {
                        int q;
                        switch (quarter) {
                        case 0:
                            q = (ql[l] & 0xf) | ((qh[l] & 3) << 4);
                            break;
                        case 1:
                            q = (ql[l + 32] & 0xf) | (((qh[l] >> 2) & 3) << 4);
                            break;
                        case 2:
                            q = (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4);
                            break;
                        default:
                            q = (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4);
                            break;
                        }
                        s += (q - 32) * y[quarter * 32 + l];
                    }
                    /* scale index: is = l/16 within the 32-run, + 2*quarter */
                    sumi += sc[(g & 1) + 2 * quarter] * s;
                }
            }
            /* the AVX-512 kernel's step (kernels_x86_kquant.c) */
            acc = fmaf(f16_to_f32(b[i].d) * a.d[i], (float)sumi, acc);
        }
        out[c] = acc;
    }
}
