/*
 * The engine's exponential: one definition, written here as scalar C and
 * step for step as SIMD in kernels_x86_exp.c, so the softmax of the
 * attention and the SiLU of the feed-forward give the same bits at every
 * ISA level (libm's expf is a call per value, a fifth of the per-token
 * steps of batched decode, and cannot be vectorised to its bits).
 *
 * exp(x) = 2^n * exp(r): n = x / ln 2 rounded to nearest, r = x - n ln 2
 * in two parts (Cody and Waite; n * LN2_HI is exact for |n| < 2^15), so
 * |r| <= ln 2 / 2. exp(r) = 1 + r + r^2 P(r), P of degree 5 (the
 * minimax coefficients of Cephes' expf). Every float in [-110, 90]
 * checked once: within 1.01 ulp of the exact value, and equal to glibc's
 * expf but for 0.8 % of them, which differ by 1 ulp (test_quant checks
 * 2^20 of them). 2^n is applied as two powers of two, so results down
 * in the subnormals round once; above the largest float's logarithm the
 * result is infinity, below -104 it is 0, and a NaN stays NaN.
 *
 * Every multiply-add is an explicit fused one (fmaf here): a compiler
 * may fuse a plain multiply and add where the target has FMA, in C and
 * in intrinsics alike, and then the ISA levels would differ in bits.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_VEXP_H
#define HC1_VEXP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define HC1_EXP_HI      88.8f
#define HC1_EXP_LO      (-104.0f)
#define HC1_EXP_LOG2E   1.44269504088896341f
#define HC1_EXP_ROUND   12582912.0f         /* 1.5 * 2^23 */
#define HC1_EXP_LN2_HI  0.693359375f        /* 9 significant bits */
#define HC1_EXP_LN2_LO  (-0.000212194440f)
#define HC1_EXP_C7      0.00019875691500f
#define HC1_EXP_C6      0.0013981999507f
#define HC1_EXP_C5      0.0083334519073f
#define HC1_EXP_C4      0.041665795894f
#define HC1_EXP_C3      0.16666665459f
#define HC1_EXP_C2      0.50000001201f

/*
 * Keeps the compiler from fusing @v, the product that ends hc1_expf,
 * into whatever its caller adds to it (1 + exp(-g) in the SiLU).
 */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define HC1_FP_OPAQUE(v) __asm__("" : "+v"(v))
#elif defined(__GNUC__) && defined(__aarch64__)
#define HC1_FP_OPAQUE(v) __asm__("" : "+w"(v))
#else
#define HC1_FP_OPAQUE(v) ((void)0)
#endif

static inline float hc1_exp_bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline float hc1_expf(float x)
{
    /* clamp, keeping a NaN (the comparisons are false for it) */
    x = x > HC1_EXP_HI ? HC1_EXP_HI : x;
    x = x < HC1_EXP_LO ? HC1_EXP_LO : x;
    /* x / ln 2 rounded to an integer, ties to even, in t's low bits */
    float t = fmaf(x, HC1_EXP_LOG2E, HC1_EXP_ROUND);
    float n = t - HC1_EXP_ROUND;
    float r = fmaf(n, -HC1_EXP_LN2_HI, x);
    r = fmaf(n, -HC1_EXP_LN2_LO, r);
    float p = fmaf(HC1_EXP_C7, r, HC1_EXP_C6);
    p = fmaf(p, r, HC1_EXP_C5);
    p = fmaf(p, r, HC1_EXP_C4);
    p = fmaf(p, r, HC1_EXP_C3);
    p = fmaf(p, r, HC1_EXP_C2);
    float y = fmaf(p, r * r, r) + 1.0f;
    /* 2^n as 2^(n/2) * 2^(n - n/2): both normal for n in [-150, 128] */
    uint32_t tb;
    memcpy(&tb, &t, 4);
    int32_t ni = (int32_t)(tb - 0x4b400000u);
    int32_t n1 = ni >> 1, n2 = ni - n1;
    float e = y * hc1_exp_bits_f32((uint32_t)(n1 + 127) << 23) *
              hc1_exp_bits_f32((uint32_t)(n2 + 127) << 23);
    HC1_FP_OPAQUE(e);
    return e;
}

#endif
