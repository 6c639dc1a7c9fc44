/*
 * x86 attention kernels (hc1_att_kernels): AVX2/FMA/F16C and AVX-512;
 * the scores of four heads at both levels, their values with AVX-512.
 * Head sizes that are multiples of 8; the caller falls back to the
 * portable kernels otherwise.
 *
 * Scores go eight positions at a time. Each position's products are
 * summed in sixteen lanes, lane l taking the dimensions d = l mod 16 by
 * fused multiply-adds in order; the lanes' two halves are added, and
 * the eight sums of the position as ((0 + 1) + (2 + 3)) + ((4 + 5) +
 * (6 + 7)), which for eight positions is the tree of horizontal adds
 * below. AVX2 holds the sixteen lanes in two registers, AVX-512 in one,
 * so both give the same bits. (A position at a time, with a horizontal
 * sum each, the scores took 30 cycles a position: 14 % of decode at a
 * context of 1600.)
 *
 * The four query heads of a KV head also score in one pass (scores4):
 * each key is loaded and widened once for the four, every head with the
 * one-head kernel's bits; AVX-512 runs sixteen (head, position) chains
 * side by side, AVX2 a position's eight. A harness, four heads of 160
 * positions, hot: AVX-512 901 -> 647 ns at head size 64, AVX2 1720 ->
 * 1258. The four-head kernels prefetch the cache 16 positions ahead of
 * their loads: a head's keys and values are read once a step, from
 * memory, and the hardware prefetcher alone left the loops waiting on
 * them. Medium Q4_0, hc1-llm bench --depth 1024, two rounds alternating:
 * decode 79-81 -> 84-85 tok/s, batched x8 230-235 -> 265-267; a batched
 * driver at depths 16 to 320 (perf): the scores 5.9 -> 4.2 % of the
 * time, the values 3.6 -> 2.4 %.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels_x86_int.h"
#include "quant.h"

#if defined(__x86_64__) && defined(__GNUC__)

#include <immintrin.h>

#define T256 "avx2,fma,f16c"

static inline __attribute__((target(T256))) __m256 ld_kv(const uint8_t *p,
                                                         bool kv16)
{
    return kv16 ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p))
                : _mm256_loadu_ps((const float *)p);
}

/* ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)) */
static inline __attribute__((target(T256))) float sum8_tree(__m256 v)
{
    float x[8];
    _mm256_storeu_ps(x, v);
    float s = ((x[0] + x[1]) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7]));
    return s;
}

/* The same sum of eight vectors at once, into one: lane j is v[j]'s. */
static inline __attribute__((always_inline, target(T256)))
__m256 sum8x8_tree(const __m256 *v)
{
    __m256 h01 = _mm256_hadd_ps(v[0], v[1]), h23 = _mm256_hadd_ps(v[2], v[3]);
    __m256 h45 = _mm256_hadd_ps(v[4], v[5]), h67 = _mm256_hadd_ps(v[6], v[7]);
    __m256 a = _mm256_hadd_ps(h01, h23), b = _mm256_hadd_ps(h45, h67);
    return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20),
                         _mm256_permute2f128_ps(a, b, 0x31));
}

/* One position's sixteen lanes as two halves, added: see the top. */
static inline __attribute__((always_inline, target(T256)))
__m256 score_lanes(const float *q, const uint8_t *kp, uint32_t hd, bool kv16)
{
    size_t es = kv16 ? 2 : 4;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    for (uint32_t d = 0; d < hd; d += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), ld_kv(kp + d * es, kv16),
                             a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d + 8),
                             ld_kv(kp + (d + 8) * es, kv16), a1);
    }
    return _mm256_add_ps(a0, a1);
}

/* Head sizes that are a multiple of 8 but not of 16: lanes of eight. */
static __attribute__((target(T256)))
void att_scores_by8(const float *q, const uint8_t *k, size_t stride,
                    uint32_t n, uint32_t hd, float *out, bool kv16)
{
    size_t es = kv16 ? 2 : 4;
    for (uint32_t p = 0; p < n; p++) {
        __m256 a = _mm256_setzero_ps();
        for (uint32_t d = 0; d < hd; d += 8) {
            a = _mm256_fmadd_ps(_mm256_loadu_ps(q + d),
                                ld_kv(k + p * stride + d * es, kv16), a);
        }
        out[p] = sum8_tree(a);
    }
}

static __attribute__((target(T256)))
void att_scores_x86(const float *q, const uint8_t *k, size_t stride,
                    uint32_t n, uint32_t hd, float *out, bool kv16)
{
    if (hd % 16) {
        att_scores_by8(q, k, stride, n, hd, out, kv16);
        return;
    }
    uint32_t p = 0;
    for (; p + 8 <= n; p += 8) {
        __m256 v[8];
        for (int j = 0; j < 8; j++) {
            v[j] = score_lanes(q, k + (p + j) * stride, hd, kv16);
        }
        _mm256_storeu_ps(out + p, sum8x8_tree(v));
    }
    for (; p < n; p++) {
        out[p] = sum8_tree(score_lanes(q, k + p * stride, hd, kv16));
    }
}

/*
 * The four query heads of a KV head in one pass over the keys (see
 * att_scores4_z): per position, each key's two halves of sixteen lanes
 * are loaded and widened once for the four heads, the queries come
 * from memory, and each head's eight positions end in the tree above.
 */
static inline __attribute__((always_inline, target(T256)))
void att_scores4_x86(const float *const *q, const uint8_t *k, size_t stride,
                     uint32_t n, uint32_t hd, float *const *out, bool kv16)
{
    size_t es = kv16 ? 2 : 4;
    __m256 v[4][8];

    if (hd % 16) {
        for (int h = 0; h < 4; h++) {
            att_scores_x86(q[h], k, stride, n, hd, out[h], kv16);
        }
        return;
    }
    for (uint32_t p = 0; p < n; p++) {
        const uint8_t *kp = k + p * stride;
        __m256 a0[4], a1[4];
        for (size_t o = 0; p + 16 < n && o < stride; o += 64) {
            __builtin_prefetch(kp + 16 * stride + o, 0, 3);
        }
        for (int h = 0; h < 4; h++) {
            a0[h] = a1[h] = _mm256_setzero_ps();
        }
        for (uint32_t d = 0; d < hd; d += 16) {
            __m256 x0 = ld_kv(kp + d * es, kv16);
            __m256 x1 = ld_kv(kp + (d + 8) * es, kv16);
            for (int h = 0; h < 4; h++) {
                a0[h] = _mm256_fmadd_ps(_mm256_loadu_ps(q[h] + d), x0, a0[h]);
                a1[h] = _mm256_fmadd_ps(_mm256_loadu_ps(q[h] + d + 8), x1,
                                        a1[h]);
            }
        }
        for (int h = 0; h < 4; h++) {
            v[h][p & 7] = _mm256_add_ps(a0[h], a1[h]);
        }
        if ((p & 7) == 7) {
            for (int h = 0; h < 4; h++) {
                _mm256_storeu_ps(out[h] + p - 7, sum8x8_tree(v[h]));
            }
        }
    }
    for (uint32_t p = n & ~7u; p < n; p++) {
        for (int h = 0; h < 4; h++) {
            out[h][p] = sum8_tree(v[h][p & 7]);
        }
    }
}

static __attribute__((target(T256)))
void att_scores4_16x(const float *const *q, const uint8_t *k, size_t stride,
                     uint32_t n, uint32_t hd, float *const *out)
{
    att_scores4_x86(q, k, stride, n, hd, out, true);
}

static __attribute__((target(T256)))
void att_scores4_32x(const float *const *q, const uint8_t *k, size_t stride,
                     uint32_t n, uint32_t hd, float *const *out)
{
    att_scores4_x86(q, k, stride, n, hd, out, false);
}

/*
 * AVX-512: the query held in registers (up to 256 values), the sixteen
 * lanes of a position in one register, eight positions side by side.
 */
static inline __attribute__((always_inline, target(T512)))
__m512 ld_kv16(const uint8_t *p, bool kv16)
{
    return kv16 ? _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p))
                : _mm512_loadu_ps((const float *)p);
}

static inline __attribute__((always_inline, target(T512)))
__m256 halves(__m512 a)
{
    return _mm256_add_ps(_mm512_castps512_ps256(a),
                         _mm512_extractf32x8_ps(a, 1));
}

static inline __attribute__((always_inline, target(T512)))
void att_scores_z(const float *q, const uint8_t *k, size_t stride,
                  uint32_t n, uint32_t hd, float *out, bool kv16)
{
    size_t es = kv16 ? 2 : 4;
    uint32_t steps = hd / 16;
    __m512 qv[16];

    if (hd % 16 || steps > 16) {
        att_scores_x86(q, k, stride, n, hd, out, kv16);
        return;
    }
    for (uint32_t s = 0; s < steps; s++) {
        qv[s] = _mm512_loadu_ps(q + 16 * s);
    }
    uint32_t p = 0;
    for (; p + 8 <= n; p += 8) {
        __m512 acc[8];
        __m256 v[8];
        for (int j = 0; j < 8; j++) {
            acc[j] = _mm512_setzero_ps();
        }
        for (uint32_t s = 0; s < steps; s++) {
            for (int j = 0; j < 8; j++) {
                acc[j] = _mm512_fmadd_ps(
                    qv[s], ld_kv16(k + (p + j) * stride + 16 * s * es, kv16),
                    acc[j]);
            }
        }
        for (int j = 0; j < 8; j++) {
            v[j] = halves(acc[j]);
        }
        _mm256_storeu_ps(out + p, sum8x8_tree(v));
    }
    for (; p < n; p++) {
        __m512 a = _mm512_setzero_ps();
        for (uint32_t s = 0; s < steps; s++) {
            a = _mm512_fmadd_ps(qv[s], ld_kv16(k + p * stride + 16 * s * es,
                                               kv16), a);
        }
        out[p] = sum8_tree(halves(a));
    }
}

static __attribute__((target(T512)))
void att_scores16_z(const float *q, const uint8_t *k, size_t stride,
                    uint32_t n, uint32_t hd, float *out)
{
    att_scores_z(q, k, stride, n, hd, out, true);
}

static __attribute__((target(T512)))
void att_scores32_z(const float *q, const uint8_t *k, size_t stride,
                    uint32_t n, uint32_t hd, float *out)
{
    att_scores_z(q, k, stride, n, hd, out, false);
}

/*
 * The scores of the 4 query heads that share a KV head (q[h] -> out[h])
 * in one pass over the keys: each key is loaded and widened once for
 * the four instead of once a head. Four positions of the four heads are
 * 16 chains side by side, each summing its lanes as att_scores_z does,
 * so every head gets that kernel's bits.
 */
static inline __attribute__((always_inline, target(T512)))
void att_scores4_z(const float *const *q, const uint8_t *k, size_t stride,
                   uint32_t n, uint32_t hd, float *const *out, bool kv16)
{
    size_t es = kv16 ? 2 : 4;
    uint32_t steps = hd / 16;

    if (hd % 16 || steps > 16) {
        for (int h = 0; h < 4; h++) {
            att_scores_x86(q[h], k, stride, n, hd, out[h], kv16);
        }
        return;
    }
    uint32_t p = 0;
    for (; p + 8 <= n; p += 8) {
        __m256 v[4][8];
        /* the keys 16 positions on (see the top) */
        if (p + 24 <= n) {
            const uint8_t *f = k + (p + 16) * stride;
            for (size_t o = 0; o < 8 * stride; o += 64) {
                __builtin_prefetch(f + o, 0, 3);
            }
        }
        for (int half = 0; half < 8; half += 4) {
            const uint8_t *kp = k + (p + half) * stride;
            __m512 acc[4][4];
            for (int h = 0; h < 4; h++) {
                for (int j = 0; j < 4; j++) {
                    acc[h][j] = _mm512_setzero_ps();
                }
            }
            for (uint32_t s = 0; s < steps; s++) {
                __m512 qs[4];
                for (int h = 0; h < 4; h++) {
                    qs[h] = _mm512_loadu_ps(q[h] + 16 * s);
                }
                for (int j = 0; j < 4; j++) {
                    __m512 x = ld_kv16(kp + j * stride + 16 * s * es, kv16);
                    for (int h = 0; h < 4; h++) {
                        acc[h][j] = _mm512_fmadd_ps(qs[h], x, acc[h][j]);
                    }
                }
            }
            for (int h = 0; h < 4; h++) {
                for (int j = 0; j < 4; j++) {
                    v[h][half + j] = halves(acc[h][j]);
                }
            }
        }
        for (int h = 0; h < 4; h++) {
            _mm256_storeu_ps(out[h] + p, sum8x8_tree(v[h]));
        }
    }
    for (; p < n; p++) {
        for (int h = 0; h < 4; h++) {
            __m512 a = _mm512_setzero_ps();
            for (uint32_t s = 0; s < steps; s++) {
                a = _mm512_fmadd_ps(_mm512_loadu_ps(q[h] + 16 * s),
                                    ld_kv16(k + p * stride + 16 * s * es,
                                            kv16), a);
            }
            out[h][p] = sum8_tree(halves(a));
        }
    }
}

static __attribute__((target(T512)))
void att_scores4_16z(const float *const *q, const uint8_t *k, size_t stride,
                     uint32_t n, uint32_t hd, float *const *out)
{
    att_scores4_z(q, k, stride, n, hd, out, true);
}

static __attribute__((target(T512)))
void att_scores4_32z(const float *const *q, const uint8_t *k, size_t stride,
                     uint32_t n, uint32_t hd, float *const *out)
{
    att_scores4_z(q, k, stride, n, hd, out, false);
}

static __attribute__((target(T256)))
void att_values_x86(const float *w, const uint8_t *v, size_t stride,
                    uint32_t n, uint32_t hd, float *out, bool kv16)
{
    size_t es = kv16 ? 2 : 4;
    /* 64 output values at a time stay in registers across positions */
    for (uint32_t d0 = 0; d0 < hd; d0 += 64) {
        uint32_t nd = hd - d0 < 64 ? hd - d0 : 64;
        __m256 acc[8];
        for (int j = 0; j < 8; j++) {
            acc[j] = _mm256_setzero_ps();
        }
        for (uint32_t p = 0; p < n; p++) {
            const uint8_t *vp = v + p * stride + d0 * es;
            __m256 wp = _mm256_set1_ps(w[p]);
            for (uint32_t j = 0; j < nd / 8; j++) {
                acc[j] = _mm256_fmadd_ps(wp, ld_kv(vp + 8 * j * es, kv16),
                                         acc[j]);
            }
        }
        for (uint32_t j = 0; j < nd / 8; j++) {
            _mm256_storeu_ps(out + d0 + 8 * j, acc[j]);
        }
    }
}

static void att_scores16_x86(const float *q, const uint8_t *k, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    att_scores_x86(q, k, stride, n, hd, out, true);
}

static void att_scores32_x86(const float *q, const uint8_t *k, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    att_scores_x86(q, k, stride, n, hd, out, false);
}

static void att_values16_x86(const float *w, const uint8_t *v, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    att_values_x86(w, v, stride, n, hd, out, true);
}

static void att_values32_x86(const float *w, const uint8_t *v, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    att_values_x86(w, v, stride, n, hd, out, false);
}

/*
 * The weights step: F16C's conversion rounds to nearest even, with
 * subnormals and overflow as hc1_f32_to_f16 (quant.c), so the bits are
 * the portable loop's (test_quant checks); only a NaN's payload could
 * differ. The tail runs through masked loads and stores.
 */
static __attribute__((target(T256)))
void att_weights_x86(float *w, uint32_t n, float inv, bool kv16)
{
    __m256 s = _mm256_set1_ps(inv);
    for (uint32_t p = 0; p < n; p += 8) {
        uint32_t m = n - p < 8 ? n - p : 8;
        __m256i lm = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)m),
                                        _mm256_setr_epi32(0, 1, 2, 3, 4, 5,
                                                          6, 7));
        __m256 x = _mm256_mul_ps(_mm256_maskload_ps(w + p, lm), s);
        if (kv16) {
            x = _mm256_cvtph_ps(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT |
                                                   _MM_FROUND_NO_EXC));
        }
        _mm256_maskstore_ps(w + p, lm, x);
    }
}

static void att_weights16_x86(float *w, uint32_t n, float inv)
{
    att_weights_x86(w, n, inv, true);
}

static void att_weights32_x86(float *w, uint32_t n, float inv)
{
    att_weights_x86(w, n, inv, false);
}

/* att_weights_x86 on sixteen lanes: the same operations lane for lane */
static inline __attribute__((always_inline, target(T512)))
void att_weights_z(float *w, uint32_t n, float inv, bool kv16)
{
    __m512 s = _mm512_set1_ps(inv);
    for (uint32_t p = 0; p < n; p += 16) {
        __mmask16 lm = hc1_lanes16(n - p);
        __m512 x = _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, w + p), s);
        if (kv16) {
            x = _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT |
                                                   _MM_FROUND_NO_EXC));
        }
        _mm512_mask_storeu_ps(w + p, lm, x);
    }
}

static __attribute__((target(T512)))
void att_weights16_z(float *w, uint32_t n, float inv)
{
    att_weights_z(w, n, inv, true);
}

static __attribute__((target(T512)))
void att_weights32_z(float *w, uint32_t n, float inv)
{
    att_weights_z(w, n, inv, false);
}

/*
 * AVX-512 values of four query heads at once: each position's values
 * are loaded and widened once for the four, and the sixteen chains of
 * multiply-adds (4 heads x 64 values) no longer wait on each other's
 * latency; a head alone had four, one multiply-add a position each.
 * Every (head, value) is the same chain as in att_values_x86, so the
 * same bits. Head sizes that are multiples of 64; others go head by
 * head.
 */
static inline __attribute__((always_inline, target(T512)))
void att_values4_z(const float *const *w, const uint8_t *v, size_t stride,
                   uint32_t n, uint32_t hd, float *const *out, bool kv16)
{
    size_t es = kv16 ? 2 : 4;

    if (hd % 64) {
        for (int h = 0; h < 4; h++) {
            att_values_x86(w[h], v, stride, n, hd, out[h], kv16);
        }
        return;
    }
    for (uint32_t d0 = 0; d0 < hd; d0 += 64) {
        __m512 acc[4][4];
        for (int h = 0; h < 4; h++) {
            for (int s = 0; s < 4; s++) {
                acc[h][s] = _mm512_setzero_ps();
            }
        }
        for (uint32_t p = 0; p < n; p++) {
            const uint8_t *vp = v + p * stride + d0 * es;
            __m512 x[4];
            if (d0 == 0 && p + 16 < n) {
                /* the values 16 positions on, as the scores' keys */
                for (size_t o = 0; o < stride; o += 64) {
                    __builtin_prefetch(vp + 16 * stride + o, 0, 3);
                }
            }
            for (int s = 0; s < 4; s++) {
                x[s] = ld_kv16(vp + 16 * s * es, kv16);
            }
            for (int h = 0; h < 4; h++) {
                __m512 wp = _mm512_set1_ps(w[h][p]);
                for (int s = 0; s < 4; s++) {
                    acc[h][s] = _mm512_fmadd_ps(wp, x[s], acc[h][s]);
                }
            }
        }
        for (int h = 0; h < 4; h++) {
            for (int s = 0; s < 4; s++) {
                _mm512_storeu_ps(out[h] + d0 + 16 * s, acc[h][s]);
            }
        }
    }
}

static __attribute__((target(T512)))
void att_values4_16z(const float *const *w, const uint8_t *v, size_t stride,
                     uint32_t n, uint32_t hd, float *const *out)
{
    att_values4_z(w, v, stride, n, hd, out, true);
}

static __attribute__((target(T512)))
void att_values4_32z(const float *const *w, const uint8_t *v, size_t stride,
                     uint32_t n, uint32_t hd, float *const *out)
{
    att_values4_z(w, v, stride, n, hd, out, false);
}

hc1_att_kernels hc1_att_kernel_x86(bool kv16, hc1_isa isa)
{
    hc1_att_kernels k = { NULL, NULL, NULL, NULL, NULL };
    if (isa >= HC1_ISA_AVX2) {
        k.scores = kv16 ? att_scores16_x86 : att_scores32_x86;
        k.weights = kv16 ? att_weights16_x86 : att_weights32_x86;
        k.values = kv16 ? att_values16_x86 : att_values32_x86;
        k.scores4 = kv16 ? att_scores4_16x : att_scores4_32x;
    }
    if (isa >= HC1_ISA_AVX512) {
        k.scores = kv16 ? att_scores16_z : att_scores32_z;
        k.weights = kv16 ? att_weights16_z : att_weights32_z;
        k.values4 = kv16 ? att_values4_16z : att_values4_32z;
        k.scores4 = kv16 ? att_scores4_16z : att_scores4_32z;
    }
    return k;
}

#else

hc1_att_kernels hc1_att_kernel_x86(bool kv16, hc1_isa isa)
{
    hc1_att_kernels k = { NULL, NULL, NULL, NULL, NULL };
    (void)kv16;
    (void)isa;
    return k;
}

#endif

