/*
 * x86 versions of the exponential kernels (hc1_exp_kernels): hc1_expf
 * (vexp.h) eight lanes at a time with AVX2/FMA, sixteen with AVX-512,
 * the same operations in the same order, so every lane gets
 * the scalar function's bits; and the sampler's argmax.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels_x86_int.h"
#include "vexp.h"

#if defined(__x86_64__) && defined(__GNUC__)

#include <immintrin.h>

#define TEXP "avx2,fma"

#define EXP_NAME exp8
#define EXP_TARGET TEXP
#define VF __m256
#define VI __m256i
#define VF_(op) _mm256_##op
#define VF_TO_I _mm256_castps_si256
#define VI_TO_F _mm256_castsi256_ps
#include "kernels_x86_exp_lanes.h"

#define TEXP512 "avx2,fma,avx512f,avx512dq"
#define EXP_NAME exp16
#define EXP_TARGET TEXP512
#define VF __m512
#define VI __m512i
#define VF_(op) _mm512_##op
#define VF_TO_I _mm512_castps_si512
#define VI_TO_F _mm512_castsi512_ps
#include "kernels_x86_exp_lanes.h"

/* lanes [0, m) set */
static inline __attribute__((always_inline, target(TEXP)))
__m256i lanes8(uint32_t m)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)m),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
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

    return expsum_x86(s, s, n, m, 1.0f);
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

/* The largest value, lanes reduced in any order: max is exact. */
static __attribute__((target(TEXP)))
uint32_t argmax_x86(const float *x, uint32_t n, float *mx)
{
    __m256 ninf = _mm256_set1_ps(-INFINITY), m = ninf;
    for (uint32_t i = 0; i < n; i += 8) {
        __m256i lm = lanes8(n - i < 8 ? n - i : 8);
        __m256 v = _mm256_blendv_ps(ninf, _mm256_maskload_ps(x + i, lm),
                                    _mm256_castsi256_ps(lm));
        m = _mm256_max_ps(v, m);    /* a NaN v leaves m */
    }
    float m8[8];
    _mm256_storeu_ps(m8, m);
    float best = m8[0];
    for (int j = 1; j < 8; j++) {
        best = m8[j] > best ? m8[j] : best;
    }
    *mx = best;
    if (best == -INFINITY) {
        return 0;
    }
    /* the first position that holds it */
    __m256 vb = _mm256_set1_ps(best);
    for (uint32_t i = 0; i < n; i += 8) {
        __m256i lm = lanes8(n - i < 8 ? n - i : 8);
        __m256 eq = _mm256_and_ps(
            _mm256_cmp_ps(_mm256_maskload_ps(x + i, lm), vb, _CMP_EQ_OQ),
            _mm256_castsi256_ps(lm));
        int bits = _mm256_movemask_ps(eq);
        if (bits) {
            return i + (uint32_t)__builtin_ctz((unsigned)bits);
        }
    }
    return 0;
}

/*
 * AVX-512: sixteen lanes of hc1_expf; the sum still runs in eight
 * double lanes, the low eight floats then the high eight, which is the
 * order of the eight-lane loop.
 */
static __attribute__((target(TEXP512)))
double expsum_z(const float *x, float *y, uint32_t n, float shift,
                float scale)
{
    __m512 vs = _mm512_set1_ps(shift), vc = _mm512_set1_ps(scale);
    __m512d acc = _mm512_setzero_pd();
    for (uint32_t i = 0; i < n; i += 16) {
        __mmask16 lm = hc1_lanes16(n - i);
        __m512 a = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(lm,
                                                                     x + i),
                                               vs), vc);
        /* a NaN argument gives 0, and so do the lanes past the end */
        __mmask16 keep = _mm512_cmp_ps_mask(a, a, _CMP_ORD_Q) & lm;
        __m512 e = _mm512_maskz_mov_ps(keep, exp16(a));
        if (y) {
            _mm512_mask_storeu_ps(y + i, lm, e);
        }
        acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        acc = _mm512_add_pd(acc, _mm512_cvtps_pd(
                                     _mm512_extractf32x8_ps(e, 1)));
    }
    double l[8];
    _mm512_storeu_pd(l, acc);
    double sum = ((l[0] + l[1]) + (l[2] + l[3])) +
                 ((l[4] + l[5]) + (l[6] + l[7]));
    return sum;
}

/*
 * The softmax and SwiGLU of the eight-lane kernels on sixteen lanes:
 * each lane the same operations, the maximum exact in any order, and
 * the sum expsum_z's. At a context of about 1200 the exponentials were
 * a twentieth of batched decode.
 */
static __attribute__((target(TEXP512)))
double softmax_z(float *s, uint32_t n, float scale)
{
    __m512 sc = _mm512_set1_ps(scale);
    __m512 mx = _mm512_set1_ps(-INFINITY);
    for (uint32_t p = 0; p < n; p += 16) {
        __mmask16 lm = hc1_lanes16(n - p);
        __m512 x = _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, s + p), sc);
        _mm512_mask_storeu_ps(s + p, lm, x);
        /* a NaN x leaves mx, as the lanes past the end do */
        mx = _mm512_mask_max_ps(mx, lm, x, mx);
    }
    return expsum_z(s, s, n, _mm512_reduce_max_ps(mx), 1.0f);
}

static __attribute__((target(TEXP512)))
void swiglu_z(float *g, const float *u, size_t n)
{
    __m512 one = _mm512_set1_ps(1.0f), sign = _mm512_set1_ps(-0.0f);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 lm = hc1_lanes16(n - i);
        __m512 x = _mm512_maskz_loadu_ps(lm, g + i);
        __m512 d = _mm512_add_ps(one, exp16(_mm512_xor_ps(x, sign)));
        __m512 y = _mm512_mul_ps(_mm512_div_ps(x, d),
                                 _mm512_maskz_loadu_ps(lm, u + i));
        _mm512_mask_storeu_ps(g + i, lm, y);
    }
}

static __attribute__((target(TEXP512)))
uint32_t argmax_z(const float *x, uint32_t n, float *mx)
{
    __m512 ninf = _mm512_set1_ps(-INFINITY), m = ninf;
    for (uint32_t i = 0; i < n; i += 16) {
        __mmask16 lm = hc1_lanes16(n - i);
        m = _mm512_max_ps(_mm512_mask_loadu_ps(ninf, lm, x + i), m);
    }
    float best = _mm512_reduce_max_ps(m);
    *mx = best;
    if (best == -INFINITY) {
        return 0;
    }
    __m512 vb = _mm512_set1_ps(best);
    for (uint32_t i = 0; i < n; i += 16) {
        __mmask16 lm = hc1_lanes16(n - i);
        __mmask16 eq = _mm512_mask_cmp_ps_mask(
            lm, _mm512_maskz_loadu_ps(lm, x + i), vb, _CMP_EQ_OQ);
        if (eq) {
            return i + (uint32_t)__builtin_ctz((unsigned)eq);
        }
    }
    return 0;
}

hc1_exp_kernels hc1_exp_kernel_x86(hc1_isa isa)
{
    hc1_exp_kernels k = { NULL, NULL, NULL, NULL };
    if (isa >= HC1_ISA_AVX2) {
        k.softmax = softmax_x86;
        k.swiglu = swiglu_x86;
        k.expsum = expsum_x86;
        k.argmax = argmax_x86;
    }
    if (isa >= HC1_ISA_AVX512) {
        k.softmax = softmax_z;
        k.swiglu = swiglu_z;
        k.expsum = expsum_z;
        k.argmax = argmax_z;
    }
    return k;
}

#else

hc1_exp_kernels hc1_exp_kernel_x86(hc1_isa isa)
{
    hc1_exp_kernels k = { NULL, NULL, NULL, NULL };
    (void)isa;
    return k;
}

#endif
