/*
 * AVX-512 VNNI kernels for the formats of 32-weight blocks with one f16
 * scale, Q4_0 and Q8_0, against Q8_0 activations: the two-row kernel
 * (any number of columns, used for one) and the panel kernel (a group
 * of columns, see kernels.h). Both give each (row, column) the same
 * bits, from the same arithmetic:
 *
 *   I_b = sum_k w_k * a_k                   exact in int32 (Q4_0: the
 *                                           nibbles minus 8)
 *   t_b = (float)I_b * d_b                  d_b the activation scale
 *   acc[b % 8] = fma(dw_b, t_b, acc[b % 8])  dw_b the weight scale,
 *                                           blocks in order
 *   result = the sum of acc[0..7] as a tree: j + j+4, then j + j+2,
 *            then j + j+1
 *
 * Eight accumulators: the two-row kernel adds 8 blocks in one vector
 * multiply-add, and the panel kernel keeps both rows' accumulators in
 * registers with chains of them short enough.
 *
 * vpdpbusd multiplies unsigned by signed bytes. Q4_0 nibbles are used
 * unsigned (0..15) and the offset of 8 is taken off with the
 * activation's block sums; Q8_0 weights go unsigned as |w| against the
 * activation with w's sign (two-row kernel) or as w + 128 with 128
 * times the block sum taken off (panel kernel).
 *
 * The two-row kernel runs one vpdpbusd per (row, column, two blocks) in
 * the weights' own order, then sums each block's eight partial lanes
 * for 16 blocks at once with a shuffle tree. The panel kernel
 * broadcasts 8 weights to all columns (one 64-bit lane per column), so
 * the lanes of a block are whole columns and no tree is needed: it
 * spends a third of the multiplier work per weight.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels_x86_int.h"
#include "quant.h"

#if defined(__x86_64__) && defined(__GNUC__)

#if !defined(__clang__)
/* see kernels_x86.c: GCC's own AVX-512 headers trip this warning */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>
#include <string.h>

#include "kernels_x86_b32.h"

/*
 * The nibbles of blocks i and i+1 (only i when @two is false: the
 * second half is zero and block i+1 is not read) as 64 bytes in element
 * order: block i's 32 values, then block i+1's.
 */
static inline __attribute__((always_inline, target(T512)))
__m512i q4_0_unpack2(const blk_q4_0 *b, uint64_t i, bool two)
{
    /*
     * per block: its 16 bytes in both 128-bit lanes (by the load), the
     * high lane shifted down a nibble: [low | high] nibbles in order
     */
    const __m256i sh = _mm256_setr_epi64x(0, 0, 4, 4);
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    __m256i q0 = _mm256_and_si256(_mm256_srlv_epi64(
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)b[i].qs)),
        sh), m4);
    __m256i q1 = two ? _mm256_and_si256(_mm256_srlv_epi64(
        _mm256_broadcastsi128_si256(
            _mm_loadu_si128((const __m128i *)b[i + 1].qs)), sh), m4)
                     : _mm256_setzero_si256();
    return _mm512_inserti64x4(_mm512_castsi256_si512(q0), q1, 1);
}

/*
 * p[k] holds the 8 partial sums of block 2k (lanes 0-7) and of block
 * 2k+1 (lanes 8-15); returns the 16 block sums in block order.
 */
static inline __attribute__((always_inline, target(T512)))
__m512i block_sums16(const __m512i *p)
{
    __m512i a[4], b[2];
    for (int k = 0; k < 4; k++) {
        /* per 128-bit lane: two partials of each of p[2k], p[2k+1] */
        a[k] = _mm512_add_epi32(_mm512_unpacklo_epi32(p[2 * k], p[2 * k + 1]),
                                _mm512_unpackhi_epi32(p[2 * k], p[2 * k + 1]));
    }
    for (int k = 0; k < 2; k++) {
        /* per 128-bit lane: one partial of each of four vectors */
        b[k] = _mm512_add_epi32(_mm512_unpacklo_epi64(a[2 * k], a[2 * k + 1]),
                                _mm512_unpackhi_epi64(a[2 * k], a[2 * k + 1]));
    }
    /* the two 128-bit halves of each block: blocks 0 2 4 6 1 3 5 7 8 ... */
    __m512i s = _mm512_add_epi32(
        _mm512_shuffle_i64x2(b[0], b[1], _MM_SHUFFLE(2, 0, 2, 0)),
        _mm512_shuffle_i64x2(b[0], b[1], _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm512_permutexvar_epi32(
        _mm512_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11,
                          15), s);
}

/* The canonical sum of 8 class accumulators (see the top of the file). */
static inline __attribute__((always_inline, target(T512)))
float sum_classes8(__m256 acc)
{
    __m128 v4 = _mm_add_ps(_mm256_castps256_ps128(acc),
                           _mm256_extractf128_ps(acc, 1));
    __m128 v2 = _mm_add_ps(v4, _mm_movehl_ps(v4, v4));
    return _mm_cvtss_f32(_mm_add_ss(v2, _mm_movehdup_ps(v2)));
}

/*
 * Weights of blocks i, i+1 of a Q8_0 row (i alone when @two is false)
 * as |w| bytes, and the mask of the negative ones.
 */
static inline __attribute__((always_inline, target(T512)))
__m512i q8_0_abs2(const blk_q8_0 *b, uint64_t i, bool two, __mmask64 *neg)
{
    __m512i q = _mm512_inserti64x4(
        _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)b[i].qs)),
        two ? _mm256_loadu_si256((const __m256i *)b[i + 1].qs)
            : _mm256_setzero_si256(), 1);
    *neg = _mm512_movepi8_mask(q);
    return _mm512_abs_epi8(q);
}

/*
 * One group of 16 blocks (@full) or the last @ng < 16 of a row pair:
 * full groups take no masks and no branches on the block count.
 */
KINL void dot2_b32_group(const bool q8, const bool full, const uint8_t **b,
                         size_t rb, const int nr, const hc1_actq_view *a,
                         const int nc, uint64_t g, int ng, __m256 (*acc)[8],
                         const void *pf)
{
    const int np = full ? 8 : (ng + 1) / 2;
    const __mmask16 gm = full ? 0xffff : (__mmask16)((1u << ng) - 1);
    __m512 dw[2];
    __m512i q[2][8];
    __mmask64 neg[2][8];

    for (int r = 0; r < nr; r++) {
        dw[r] = b32_scales16(b[r], q8, g, full ? 16 : ng);
        for (int k = 0; k < 8; k++) {
            const bool two = full || 2 * k + 1 < ng;
            neg[r][k] = 0;
            if (k >= np) {
                q[r][k] = _mm512_setzero_si512();
            } else if (q8) {
                q[r][k] = q8_0_abs2((const blk_q8_0 *)b[r], g + 2 * k, two,
                                    &neg[r][k]);
            } else {
                q[r][k] = q4_0_unpack2((const blk_q4_0 *)b[r], g + 2 * k,
                                       two);
            }
        }
    }
    KPF(pf, rb, nr, g * B32_BYTES(q8), (full ? 16 : ng) * B32_BYTES(q8));
    for (int c = 0; c < nc; c++) {
        const int8_t *y = a[c].qs + 32 * g;
        __m512i y2[8];
        for (int k = 0; k < 8; k++) {
            if (full) {
                y2[k] = _mm512_loadu_si512(y + 64 * k);
            } else {
                /* 64 bytes, or 32 for a lone last block, or none */
                __mmask64 m = 2 * k + 1 < ng ? ~(__mmask64)0 :
                              2 * k < ng ? 0xffffffffull : 0;
                y2[k] = _mm512_maskz_loadu_epi8(m, y + 64 * k);
            }
        }
        /* Q4_0: 8 * (the two 16-sums of each block) */
        __m512i o8 = _mm512_setzero_si512();
        if (!q8) {
            __m512i bs = full ? _mm512_loadu_si512(a[c].bsum + 2 * g) :
                         _mm512_maskz_loadu_epi16(
                             (__mmask32)((1ull << (2 * ng)) - 1),
                             a[c].bsum + 2 * g);
            o8 = _mm512_madd_epi16(bs, _mm512_set1_epi16(8));
        }
        __m512 d = full ? _mm512_loadu_ps(a[c].d + g)
                        : _mm512_maskz_loadu_ps(gm, a[c].d + g);
        for (int r = 0; r < nr; r++) {
            __m512i p[8];
            for (int k = 0; k < 8; k++) {
                /* Q8_0: the activation takes the weight's sign */
                __m512i yk = q8 ? _mm512_mask_sub_epi8(
                                      y2[k], neg[r][k],
                                      _mm512_setzero_si512(), y2[k])
                                : y2[k];
                p[k] = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q[r][k],
                                           yk);
            }
            __m512i s = _mm512_sub_epi32(block_sums16(p), o8);
            __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(s), d);
            /*
             * blocks g..g+7, then g+8..g+15 (the same classes); blocks
             * past the end leave their classes untouched
             */
            for (int h = 0; h < 2; h++) {
                __m256 dwh = h ? _mm512_extractf32x8_ps(dw[r], 1)
                               : _mm512_castps512_ps256(dw[r]);
                __m256 th = h ? _mm512_extractf32x8_ps(t, 1)
                              : _mm512_castps512_ps256(t);
                acc[r][c] = full ? _mm256_fmadd_ps(dwh, th, acc[r][c])
                                 : _mm256_mask3_fmadd_ps(
                                       dwh, th, acc[r][c],
                                       (__mmask8)(gm >> (8 * h)));
            }
        }
    }
}

KINL void dot2_b32_body(const bool q8, uint64_t n, const void *w, size_t rb,
                        const int nr, const void *const *x, const int nc,
                        float *out, const void *pf)
{
    const uint8_t *b[2] = { w, (const uint8_t *)w + rb };
    const uint64_t nb = n / 32;
    hc1_actq_view a[HC1_MAX_COLS];
    __m256 acc[2][HC1_MAX_COLS];
    uint64_t g = 0;

    for (int c = 0; c < nc; c++) {
        a[c] = hc1_actq(x[c], GGML_Q8_0, n);
        for (int r = 0; r < nr; r++) {
            acc[r][c] = _mm256_setzero_ps();
        }
    }
    for (; g + 16 <= nb; g += 16) {
        dot2_b32_group(q8, true, b, rb, nr, a, nc, g, 16, acc, pf);
    }
    if (g < nb) {
        dot2_b32_group(q8, false, b, rb, nr, a, nc, g, (int)(nb - g), acc,
                       pf);
    }
    for (int r = 0; r < nr; r++) {
        for (int c = 0; c < nc; c++) {
            out[r * HC1_MAX_COLS + c] = sum_classes8(acc[r][c]);
        }
    }
}

#define DOT2_Q4_0(n, w, rb, nr, x, nc, out, pf) \
    dot2_b32_body(false, n, w, rb, nr, x, nc, out, pf)
#define DOT2_Q8_0(n, w, rb, nr, x, nc, out, pf) \
    dot2_b32_body(true, n, w, rb, nr, x, nc, out, pf)

Z2_DISPATCH(hc1_dot2_q4_0_z, DOT2_Q4_0)
Z2_DISPATCH(hc1_dot2_q8_0_z, DOT2_Q8_0)

/*
 * One block pair (i, i+1) of the panel kernel, or block i alone when
 * @two is false (an odd number of blocks), for each row r into
 * acc[r][m]: lane 2c is column c's class i % 8, lane 2c + 1 its class
 * i % 8 + 1. Each 8-byte chunk of weights is broadcast to the columns'
 * 64-bit lanes and runs against the panel's chunk, loaded once for both
 * rows. @dw16: each row's weight scales of the 16 blocks from i - i %
 * 16, as 8 pairs.
 */
KINL void dotp_b32_pair(const bool q8, const uint8_t *const *b, const int nr,
                        const hc1_panel_view *p, uint64_t i, bool two,
                        double (*dw16)[8], __m512 (*acc)[4], int m)
{
    const __mmask16 lm = two ? 0xffff : 0x5555;
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    const __m512i top = _mm512_set1_epi8((char)0x80);
    const int8_t *a = p->qs + 256 * i;
    /*
     * The chains start from minus the offset, 8 (Q4_0) or 128 (Q8_0)
     * times the block sums: block i's in the even lane of each column,
     * block i+1's in the odd one (the panel's order), so the sum of a
     * column's two lanes below takes it off.
     */
    __m512i init[2], v[2][2];
    for (int h = 0; h < 2; h++) {
        init[h] = _mm512_maskz_loadu_epi32(lm & (h ? 0xaaaa : 0x5555),
                                           p->no8 + 8 * i);
        init[h] = q8 ? _mm512_slli_epi32(init[h], 4) : init[h];
        for (int r = 0; r < nr; r++) {
            v[r][h] = init[h];
        }
    }
    for (int h = 0; h < (two ? 2 : 1); h++) {
        for (int s = 0; s < 4; s++) {
            __m512i y = _mm512_load_si512(a + 256 * h + 64 * s);
            for (int r = 0; r < nr; r++) {
                /*
                 * Chunk s, broadcast by the load itself (no shuffle).
                 * Q8_0: bytes 8s..8s+7 plus 128. Q4_0: the low nibbles
                 * (s < 2) or high nibbles of bytes 8 (s & 1) .. +7, after
                 * the block's f16 scale.
                 */
                const uint8_t *qs = b[r] + (i + h) * B32_BYTES(q8) + 2;
                uint64_t raw;
                memcpy(&raw, qs + 8 * (q8 ? s : s & 1), 8);
                __m512i wc = _mm512_set1_epi64((long long)raw);
                if (q8) {
                    wc = _mm512_xor_si512(wc, top);
                } else {
                    if (s >= 2) {
                        wc = _mm512_srli_epi64(wc, 4);
                    }
                    wc = _mm512_and_si512(wc, m4);
                }
                v[r][h] = _mm512_dpbusd_epi32(v[r][h], wc, y);
            }
        }
    }
    __m512 d = _mm512_maskz_loadu_ps(lm, p->d + 8 * i);
    for (int r = 0; r < nr; r++) {
        /*
         * Each column's two lanes summed, block i's into the even lane
         * and block i+1's into the odd one: lane 2c + h is (column c,
         * block i + h), the panel's order of d. Two blends, one in-lane
         * swap, one add.
         */
        __m512i keep = _mm512_mask_blend_epi32(0xaaaa, v[r][0], v[r][1]);
        __m512i swap = _mm512_shuffle_epi32(
            _mm512_mask_blend_epi32(0xaaaa, v[r][1], v[r][0]), _MM_PERM_CDAB);
        __m512 t = _mm512_mul_ps(
            _mm512_cvtepi32_ps(_mm512_add_epi32(keep, swap)), d);
        __m512 dw = _mm512_castpd_ps(_mm512_set1_pd(dw16[r][(i & 15) / 2]));
        acc[r][m] = _mm512_mask3_fmadd_ps(dw, t, acc[r][m], lm);
    }
}

/*
 * Both rows against the panel in one pass (each chunk of the panel
 * loaded once for the two), their accumulators in registers: full
 * groups of 16 blocks, then the last partial group.
 */
KINL void dotp_b32_body(const bool q8, uint64_t n, const void *w, size_t rb,
                        const int nr, const void *panel, float *out,
                        const void *pf)
{
    const uint8_t *b[2] = { w, (const uint8_t *)w + rb };
    const hc1_panel_view p = hc1_panel(panel, GGML_Q8_0, n);
    const uint64_t nb = n / 32;
    /* acc[r][m]: lanes 2c, 2c + 1 are column c's classes 2m, 2m + 1 */
    __m512 acc[2][4];
    double dw16[2][8] __attribute__((aligned(64)));

    for (int r = 0; r < nr; r++) {
        for (int m = 0; m < 4; m++) {
            acc[r][m] = _mm512_setzero_ps();
        }
    }
    for (uint64_t g = 0; g < nb; g += 16) {
        const int ng = nb - g < 16 ? (int)(nb - g) : 16;
        for (int r = 0; r < nr; r++) {
            _mm512_store_ps((float *)dw16[r], b32_scales16(b[r], q8, g, ng));
        }
        KPF(pf, rb, nr, g * B32_BYTES(q8), ng * B32_BYTES(q8));
        /* unrolled, so each pair's accumulator is a register */
#pragma GCC unroll 8
        for (int m = 0; m < 8; m++) {
            if (ng == 16) {
                dotp_b32_pair(q8, b, nr, &p, g + 2 * m, true, dw16, acc,
                              m & 3);
            } else if (2 * m < ng) {
                dotp_b32_pair(q8, b, nr, &p, g + 2 * m, 2 * m + 1 < ng, dw16,
                              acc, m & 3);
            }
        }
    }
    for (int r = 0; r < nr; r++) {
        /* the tree of sum_classes8: classes j, j + 4 are m, m + 2 */
        __m512 u = _mm512_add_ps(_mm512_add_ps(acc[r][0], acc[r][2]),
                                 _mm512_add_ps(acc[r][1], acc[r][3]));
        /* classes j + j+1 into the even lanes, then one per column */
        u = _mm512_add_ps(u, _mm512_movehdup_ps(u));
        _mm256_storeu_si256((__m256i *)(out + r * HC1_MAX_COLS),
                            _mm512_cvtepi64_epi32(_mm512_castps_si512(u)));
    }
}

#define DOTP_B32(NAME, Q8)                                                  \
__attribute__((target(T512)))                                               \
void NAME(uint64_t n, const void *w, size_t rb, int nr, const void *panel,  \
          float *out, const void *pf)                                       \
{                                                                           \
    if (nr == 2) {                                                          \
        dotp_b32_body(Q8, n, w, rb, 2, panel, out, pf);                     \
    } else {                                                                \
        dotp_b32_body(Q8, n, w, rb, 1, panel, out, pf);                     \
    }                                                                       \
}

DOTP_B32(hc1_dotp_q4_0_z, false)
DOTP_B32(hc1_dotp_q8_0_z, true)

#else

/* ISO C wants something in a translation unit */
typedef int hc1_kernels_x86_block32_unused;

#endif
