/*
 * x86 versions of the exponential kernels (hc1_exp_kernels): hc1_expf
 * (vexp.h) eight lanes at a time with AVX2/FMA, the same operations in
 * the same order, so every lane gets the scalar function's bits.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels.h"
#include "vexp.h"

#if defined(__x86_64__) && defined(__GNUC__)

#include <immintrin.h>

#define TEXP "avx2,fma"

static inline __attribute__((always_inline, target(TEXP)))
__m256 exp8(__m256 x)
{
    /* min/max return their second operand for a NaN, as the C clamps */
    x = _mm256_min_ps(_mm256_set1_ps(HC1_EXP_HI), x);
    x = _mm256_max_ps(_mm256_set1_ps(HC1_EXP_LO), x);
    __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(HC1_EXP_LOG2E),
                               _mm256_set1_ps(HC1_EXP_ROUND));
    __m256 n = _mm256_sub_ps(t, _mm256_set1_ps(HC1_EXP_ROUND));
    __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(-HC1_EXP_LN2_HI), x);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(-HC1_EXP_LN2_LO), r);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(HC1_EXP_C7), r,
                               _mm256_set1_ps(HC1_EXP_C6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(HC1_EXP_C5));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(HC1_EXP_C4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(HC1_EXP_C3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(HC1_EXP_C2));
    __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r),
                             _mm256_set1_ps(1.0f));
    __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(t),
                                  _mm256_set1_epi32(0x4b400000));
    __m256i n1 = _mm256_srai_epi32(ni, 1);
    __m256i n2 = _mm256_sub_epi32(ni, n1);
    __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    __m256 e = _mm256_mul_ps(_mm256_mul_ps(y, s1), s2);
    HC1_FP_OPAQUE(e);
    return e;
}

/* lanes [0, m) set */
static inline __attribute__((always_inline, target(TEXP)))
__m256i lanes8(uint32_t m)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)m),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static __attribute__((target(TEXP)))
double softmax_x86(float *s, uint32_t n, float scale)
{
    __m256 sc = _mm256_set1_ps(scale);
    __m256 mx = _mm256_set1_ps(-INFINITY);
    for (uint32_t p = 0; p < n; p += 8) {
        __m256i lm = lanes8(n - p < 8 ? n - p : 8);
        __m256 x = _mm256_mul_ps(_mm256_maskload_ps(s + p, lm), sc);
        _mm256_maskstore_ps(s + p, lm, x);
        /* the lanes past the end stay at -inf */
        x = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), x,
                             _mm256_castsi256_ps(lm));
        mx = _mm256_max_ps(x, mx);
    }
    float m8[8];
    _mm256_storeu_ps(m8, mx);
    float m = m8[0];
    for (int i = 1; i < 8; i++) {
        m = m8[i] > m ? m8[i] : m;
    }

    __m256 vm = _mm256_set1_ps(m);
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    for (uint32_t p = 0; p < n; p += 8) {
        __m256i lm = lanes8(n - p < 8 ? n - p : 8);
        __m256 e = exp8(_mm256_sub_ps(_mm256_maskload_ps(s + p, lm), vm));
        _mm256_maskstore_ps(s + p, lm, e);
        /* + 0.0 leaves a lane's sum as it is */
        e = _mm256_and_ps(e, _mm256_castsi256_ps(lm));
        lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    double l[8];
    _mm256_storeu_pd(l, lo);
    _mm256_storeu_pd(l + 4, hi);
    double sum = ((l[0] + l[1]) + (l[2] + l[3])) +
                 ((l[4] + l[5]) + (l[6] + l[7]));
    return sum;
}

static __attribute__((target(TEXP)))
void swiglu_x86(float *g, const float *u, size_t n)
{
    __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    for (size_t i = 0; i < n; i += 8) {
        __m256i lm = lanes8(n - i < 8 ? (uint32_t)(n - i) : 8);
        __m256 x = _mm256_maskload_ps(g + i, lm);
        __m256 d = _mm256_add_ps(one, exp8(_mm256_xor_ps(x, sign)));
        __m256 y = _mm256_mul_ps(_mm256_div_ps(x, d),
                                 _mm256_maskload_ps(u + i, lm));
        _mm256_maskstore_ps(g + i, lm, y);
    }
}

static __attribute__((target(TEXP)))
double expsum_x86(const float *x, float *y, uint32_t n, float shift,
                  float scale)
{
    __m256 vs = _mm256_set1_ps(shift), vc = _mm256_set1_ps(scale);
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    for (uint32_t i = 0; i < n; i += 8) {
        __m256i lm = lanes8(n - i < 8 ? n - i : 8);
        __m256 a = _mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i, lm),
                                               vs), vc);
        /* a NaN argument gives 0, and so do the lanes past the end */
        __m256 keep = _mm256_and_ps(_mm256_cmp_ps(a, a, _CMP_ORD_Q),
                                    _mm256_castsi256_ps(lm));
        __m256 e = _mm256_and_ps(exp8(a), keep);
        if (y) {
            _mm256_maskstore_ps(y + i, lm, e);
        }
        lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    double l[8];
    _mm256_storeu_pd(l, lo);
    _mm256_storeu_pd(l + 4, hi);
    double sum = ((l[0] + l[1]) + (l[2] + l[3])) +
                 ((l[4] + l[5]) + (l[6] + l[7]));
    return sum;
}

hc1_exp_kernels hc1_exp_kernel_x86(hc1_isa isa)
{
    hc1_exp_kernels k = { NULL, NULL, NULL };
    if (isa >= HC1_ISA_AVX2) {
        k.softmax = softmax_x86;
        k.swiglu = swiglu_x86;
        k.expsum = expsum_x86;
    }
    return k;
}

#else

hc1_exp_kernels hc1_exp_kernel_x86(hc1_isa isa)
{
    hc1_exp_kernels k = { NULL, NULL, NULL };
    (void)isa;
    return k;
}

#endif
