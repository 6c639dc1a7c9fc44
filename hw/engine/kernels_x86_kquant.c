/*
 * Two-row AVX-512 VNNI kernels for the K-quant weights (Q4_K, Q6_K)
 * against Q8_K activations, and a panel kernel for Q4_K (kernels.h):
 * the two rows share every activation load, and each (row, column)
 * runs the same operations whatever nr and nc, and the same as in the
 * panel kernel, so a row's result is bit-identical alone, paired or in
 * any batch.
 *
 * Q4_K, per 64 weights and column: vpmaddubsw (u8 weight x s8
 * activation, pairs to i16; no saturation: |pair| <= 2 * 15 * 128 <
 * 2^15) then vpdpwssd against the sub-block scales (i16 pairs times the
 * scale, summed into i32 lanes), which multiplies by the scale and
 * reduces in one instruction. Q6_K, per 128 weights and column: two
 * vpdpbusd (sums of 4, |sum| <= 4 * 63 * 128 < 2^15), one vpackssdw of
 * the two to i16 (exact), one vpdpwssd: 3 multiplies where vpmaddubsw
 * took 4 (bench_kernels, 8 columns from DRAM: 164-169 -> 171-175
 * GMAC/s; batched decode the same within noise).
 * A block's integer sum stays below 2^31 (256 * 63 * 127 * 128 for
 * Q6_K) and is converted to float once per block and (row, column),
 * with the same steps in every kernel and level.
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

#include "kernels_x86_tr.h"

/*
 * The floating point steps of one Q4_K super-block, shared by the
 * two-row and the panel kernels so that both give the same bits: the
 * integer sums are exact, then (one accumulator per row and column,
 * super-blocks in order)
 *   acc = fma(d * ad, S, acc); acc = acc - (dmin * ad) * M
 *   S = sum of scale x sub-block dot, M = sum of min x 32-sum
 * with ad the activation's super-block scale. The two-row kernel runs
 * them for both rows in the lanes of one vector.
 */
static inline __attribute__((always_inline, target(T512)))
__m128 kq_step_q4_K(__m128 acc, __m128 d, __m128 dmin, __m128 ad,
                    __m128i s, __m128i m)
{
    acc = _mm_fmadd_ps(_mm_mul_ps(d, ad), _mm_cvtepi32_ps(s), acc);
    return _mm_fnmadd_ps(_mm_mul_ps(dmin, ad), _mm_cvtepi32_ps(m), acc);
}

/*
 * Exact sums of two rows' vectors (lanes 0-7: S parts, 8-15: M parts):
 * returns [S0, S1, M0, M1] with no scalar extraction.
 */
static inline __attribute__((always_inline, target(T512)))
__m128i kq_sums2(__m512i v0, __m512i v1)
{
    /* per 128-bit lane: v0's and v1's halves, then pairs, summed */
    __m512i x = _mm512_add_epi32(_mm512_unpacklo_epi64(v0, v1),
                                 _mm512_unpackhi_epi64(v0, v1));
    x = _mm512_add_epi32(x, _mm512_shuffle_epi32(x, 0xb1));
    /* the two 128-bit lanes of each part */
    x = _mm512_add_epi32(x, _mm512_shuffle_i64x2(x, x,
                                                 _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm512_castsi512_si128(_mm512_permutexvar_epi32(
        _mm512_setr_epi32(0, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        x));
}

/* ---- Q4_K x Q8_K ------------------------------------------------------ */

/*
 * The 12 bytes of 6-bit scales and mins as int16 [sc0..sc7, m0..m7]:
 * the same bit moves as kernels_x86_body.h's q4k_unpack, one 32-bit
 * word per lane. The 16-byte load also reads the block's first 4 quant
 * bytes, which the masks drop.
 */
static inline __attribute__((always_inline, target(T512)))
__m256i q4k_sm16(const uint8_t *s)
{
    __m128i u = _mm_loadu_si128((const __m128i *)s);
    /* lanes (u0, u2, u1, u2) and (u0, u0, u1, u1) */
    __m128i a = _mm_shuffle_epi32(u, _MM_SHUFFLE(2, 1, 2, 0));
    __m128i b = _mm_shuffle_epi32(u, _MM_SHUFFLE(1, 1, 0, 0));
    /* sc0-3 = u0 & 63, sc4-7 = u2 & 15 | top bits of u0 << 4, mins alike */
    __m128i lo = _mm_and_si128(_mm_srlv_epi32(a, _mm_setr_epi32(0, 0, 0, 4)),
                               _mm_setr_epi32(0x3f3f3f3f, 0x0f0f0f0f,
                                              0x3f3f3f3f, 0x0f0f0f0f));
    __m128i hi = _mm_and_si128(_mm_srli_epi32(b, 2),
                               _mm_setr_epi32(0, 0x30303030, 0, 0x30303030));
    return _mm256_cvtepu8_epi16(_mm_or_si128(lo, hi));
}

/*
 * Weight side of one Q4_K block, shared by all columns:
 *   q[k]   the 64 nibbles of quant chunk k as [low | high] 32 bytes,
 *          i.e. sub-blocks 2k and 2k+1, matching activation bytes
 *          64k..64k+63
 *   scv[k] int16 scales: lanes 0-15 sc[2k], lanes 16-31 sc[2k+1] (each
 *          i16 lane of the vpmaddubsw result covers 2 bytes)
 *   mn     int16 mins, each twice, against the 16-sums of activations
 *   d, dmin the block's two scales
 */
typedef struct q4k_w {
    __m512i q[4];
    __m512i scv[4];
    __m256i mn;
    float d, dmin;
} q4k_w;

static inline __attribute__((always_inline, target(T512)))
void q4k_prep(const blk_q4_K *b, q4k_w *o)
{
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    /* i16 indices: lanes 0-15 pick 0, lanes 16-31 pick 1 */
    const __m512i base = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0,
                                           0x10001, 0x10001, 0x10001,
                                           0x10001, 0x10001, 0x10001,
                                           0x10001, 0x10001);
    for (int h = 0; h < 2; h++) {
        __m512i r = _mm512_loadu_si512(b->qs + 64 * h);
        __m512i lo = _mm512_and_si512(r, m4);
        __m512i hi = _mm512_and_si512(_mm512_srli_epi16(r, 4), m4);
        o->q[2 * h] = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(1, 0, 1, 0));
        o->q[2 * h + 1] = _mm512_shuffle_i64x2(lo, hi,
                                               _MM_SHUFFLE(3, 2, 3, 2));
    }
    __m256i sm = q4k_sm16(b->scales);
    __m512i smz = _mm512_castsi256_si512(sm);
    for (int k = 0; k < 4; k++) {
        o->scv[k] = _mm512_permutexvar_epi16(
            _mm512_add_epi16(base, _mm512_set1_epi16((short)(2 * k))), smz);
    }
    o->mn = _mm256_permutexvar_epi16(
        _mm256_setr_epi32(0x80008, 0x90009, 0xa000a, 0xb000b, 0xc000c,
                          0xd000d, 0xe000e, 0xf000f), sm);
    o->d = _cvtsh_ss(b->d);
    o->dmin = _cvtsh_ss(b->dmin);
}

KINL void dot2_q4_K_body(uint64_t n, const void *w, size_t rb, const int nr,
                         const void *const *x, const int nc, float *out,
                         const void *pf)
{
    const blk_q4_K *b[2] = { w, (const blk_q4_K *)((const uint8_t *)w + rb) };
    const uint64_t nb = n / QK_K;
    hc1_actq_view a[HC1_MAX_COLS];
    __m128 acc[HC1_MAX_COLS];       /* lanes 0, 1: the two rows */

    for (int c = 0; c < nc; c++) {
        a[c] = hc1_actq(x[c], GGML_Q8_K, n);
        acc[c] = _mm_setzero_ps();
    }
    for (uint64_t i = 0; i < nb; i++) {
        q4k_w wq[2];
        for (int r = 0; r < nr; r++) {
            q4k_prep(&b[r][i], &wq[r]);
        }
        KPF(pf, rb, nr, i * sizeof(b[0][0]), sizeof(b[0][0]));
        const __m128 d = _mm_setr_ps(wq[0].d, nr > 1 ? wq[1].d : 0.0f, 0, 0);
        const __m128 dmin = _mm_setr_ps(wq[0].dmin,
                                        nr > 1 ? wq[1].dmin : 0.0f, 0, 0);
        for (int c = 0; c < nc; c++) {
            const int8_t *y = a[c].qs + QK_K * i;
            __m256i bs = _mm256_loadu_si256((const __m256i *)(a[c].bsum +
                                                              16 * i));
            __m512i s[2], v[2] = { _mm512_setzero_si512(),
                                   _mm512_setzero_si512() };
            for (int k = 0; k < 4; k++) {
                __m512i yk = _mm512_loadu_si512(y + 64 * k);
                for (int r = 0; r < nr; r++) {
                    __m512i p = _mm512_maddubs_epi16(wq[r].q[k], yk);
                    s[r] = k ? _mm512_dpwssd_epi32(s[r], p, wq[r].scv[k])
                             : _mm512_madd_epi16(p, wq[r].scv[k]);
                }
            }
            for (int r = 0; r < nr; r++) {
                /* mins times the 32-sums of the activation quants */
                __m256i m = _mm256_madd_epi16(wq[r].mn, bs);
                /* lanes 0-7: the scaled sums (both halves), 8-15: mins */
                __m512i t = _mm512_shuffle_i64x2(s[r],
                                                 _mm512_castsi256_si512(m),
                                                 _MM_SHUFFLE(1, 0, 3, 2));
                v[r] = _mm512_mask_add_epi32(t, 0x00ff, s[r], t);
            }
            __m128i sm = kq_sums2(v[0], v[1]);
            acc[c] = kq_step_q4_K(acc[c], d, dmin, _mm_set1_ps(a[c].d[i]),
                                  sm, _mm_unpackhi_epi64(sm, sm));
        }
    }
    for (int c = 0; c < nc; c++) {
        float o[4];
        _mm_storeu_ps(o, acc[c]);
        for (int r = 0; r < nr; r++) {
            out[r * HC1_MAX_COLS + c] = o[r];
        }
    }
}

Z2_DISPATCH(hc1_dot2_q4_K_z, dot2_q4_K_body)

/* ---- Q6_K x Q8_K ------------------------------------------------------ */

/*
 * Weight side of one Q6_K block: the quants unsigned (0..63, the offset
 * of 32 is settled with the activation 16-sums), in value order
 *   q[2h]     values 128h + 0..63   (ql low nibbles, qh bits 0-1 / 2-3)
 *   q[2h + 1] values 128h + 64..127 (ql high nibbles, qh bits 4-5 / 6-7)
 * scv[k]: the scales for vectors 2k and 2k + 1 in vpackssdw's order:
 * in 128-bit lane L, words 0-3 (from q[2k]'s dwords 4L..4L+3) take the
 * scale of 16-group 8k + L, words 4-7 (from q[2k + 1]) group 8k + 4 +
 * L; nsc: the 16 scales times -32; d the block scale.
 */
typedef struct q6k_w {
    __m512i q[4];
    __m512i scv[2];
    __m256i nsc;
    float d;
} q6k_w;

static inline __attribute__((always_inline, target(T512)))
void q6k_prep(const blk_q6_K *b, q6k_w *o)
{
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    const __m512i m30 = _mm512_set1_epi8(0x30);
    /*
     * per 64-bit lane: the low 32 bytes take one qh bit pair, the high
     * 32 bytes the next, both moved to bits 4-5
     */
    const __m512i sl = _mm512_setr_epi64(4, 4, 4, 4, 2, 2, 2, 2);
    const __m512i sr = _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2);
    const __m512i base = _mm512_setr_epi32(0, 0, 0x40004, 0x40004,
                                           0x10001, 0x10001, 0x50005,
                                           0x50005, 0x20002, 0x20002,
                                           0x60006, 0x60006, 0x30003,
                                           0x30003, 0x70007, 0x70007);
    for (int h = 0; h < 2; h++) {
        __m512i l = _mm512_loadu_si512(b->ql + 64 * h);
        __m512i hh = _mm512_broadcast_i64x4(
            _mm256_loadu_si256((const __m256i *)(b->qh + 32 * h)));
        o->q[2 * h] = _mm512_or_si512(
            _mm512_and_si512(l, m4),
            _mm512_and_si512(_mm512_sllv_epi64(hh, sl), m30));
        o->q[2 * h + 1] = _mm512_or_si512(
            _mm512_and_si512(_mm512_srli_epi16(l, 4), m4),
            _mm512_and_si512(_mm512_srlv_epi64(hh, sr), m30));
    }
    __m256i sc = _mm256_cvtepi8_epi16(
        _mm_loadu_si128((const __m128i *)b->scales));
    __m512i scz = _mm512_castsi256_si512(sc);
    for (int k = 0; k < 2; k++) {
        o->scv[k] = _mm512_permutexvar_epi16(
            _mm512_add_epi16(base, _mm512_set1_epi16((short)(8 * k))), scz);
    }
    /* |scale| <= 128: -32 * scale fits int16 */
    o->nsc = _mm256_sub_epi16(_mm256_setzero_si256(),
                              _mm256_slli_epi16(sc, 5));
    o->d = _cvtsh_ss(b->d);
}

/*
 * Exact sums of the 16 lanes of each of s[r][c] (zero vectors where
 * r >= nr or c >= nc), as lane 8r + c of the result: a tree of
 * unpacks (columns in pairs, then fours), then 128-bit lane shuffles
 * (the two halves of a row, then the two rows). 45 operations for 16
 * sums, and at most a few vectors live at a time.
 */
static inline __attribute__((always_inline, target(T512)))
__m512i kq_sum16x16(__m512i (*s)[HC1_MAX_COLS])
{
    __m512i x[2];
    for (int r = 0; r < 2; r++) {
        __m512i t2[2];
        for (int q = 0; q < 2; q++) {
            __m512i t1[2];
            for (int k = 0; k < 2; k++) {
                __m512i a = s[r][4 * q + 2 * k], b = s[r][4 * q + 2 * k + 1];
                t1[k] = _mm512_add_epi32(_mm512_unpacklo_epi32(a, b),
                                         _mm512_unpackhi_epi32(a, b));
            }
            /* per 128-bit lane: columns 4q..4q+3, a quarter each */
            t2[q] = _mm512_add_epi32(_mm512_unpacklo_epi64(t1[0], t1[1]),
                                     _mm512_unpackhi_epi64(t1[0], t1[1]));
        }
        /* 128-bit lanes: columns 0-3 (halves), columns 4-7 (halves) */
        x[r] = _mm512_add_epi32(
            _mm512_shuffle_i64x2(t2[0], t2[1], _MM_SHUFFLE(2, 0, 2, 0)),
            _mm512_shuffle_i64x2(t2[0], t2[1], _MM_SHUFFLE(3, 1, 3, 1)));
    }
    return _mm512_add_epi32(
        _mm512_shuffle_i64x2(x[0], x[1], _MM_SHUFFLE(2, 0, 2, 0)),
        _mm512_shuffle_i64x2(x[0], x[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

/*
 * Q6_K: per super-block, the exact integer sum S (scales applied, the
 * offset of 32 taken off) of each (row, column), then one accumulator
 * per (row, column): acc = fma(d * ad, S, acc), super-blocks in order.
 * One column (decode) reduces its two rows' sums in one small vector;
 * more columns go through kq_sum16x16, so all 16 accumulators share one
 * register.
 */
KINL void dot2_q6_K_body(uint64_t n, const void *w, size_t rb, const int nr,
                         const void *const *x, const int nc, float *out,
                         const void *pf)
{
    const blk_q6_K *b[2] = { w, (const blk_q6_K *)((const uint8_t *)w + rb) };
    const uint64_t nb = n / QK_K;
    hc1_actq_view a[HC1_MAX_COLS];
    /* lane 8r + c: row r, column c (one column: lanes 0 and 1 of acc1) */
    __m512 acc = _mm512_setzero_ps();
    __m128 acc1 = _mm_setzero_ps();

    for (int c = 0; c < nc; c++) {
        a[c] = hc1_actq(x[c], GGML_Q8_K, n);
    }
    for (uint64_t i = 0; i < nb; i++) {
        q6k_w wq[2];
        __m512i sv[2][HC1_MAX_COLS];
        for (int r = 0; r < nr; r++) {
            q6k_prep(&b[r][i], &wq[r]);
        }
        KPF(pf, rb, nr, i * sizeof(b[0][0]), sizeof(b[0][0]));
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            for (int r = 0; r < 2; r++) {
                sv[r][c] = _mm512_setzero_si512();
            }
        }
        for (int c = 0; c < nc; c++) {
            const int8_t *y = a[c].qs + QK_K * i;
            __m256i bs = _mm256_loadu_si256((const __m256i *)(a[c].bsum +
                                                              16 * i));
            for (int r = 0; r < nr; r++) {
                /* the offset first: -32 * sum of scale x 16-sum */
                sv[r][c] = _mm512_zextsi256_si512(
                    _mm256_madd_epi16(wq[r].nsc, bs));
            }
            for (int k = 0; k < 2; k++) {
                __m512i y0 = _mm512_loadu_si512(y + 128 * k);
                __m512i y1 = _mm512_loadu_si512(y + 128 * k + 64);
                for (int r = 0; r < nr; r++) {
                    /*
                     * 4-sums of two vectors, |sum| <= 4 * 63 * 128 <
                     * 2^15, packed to int16 exactly, then scaled
                     */
                    __m512i p = _mm512_packs_epi32(
                        _mm512_dpbusd_epi32(_mm512_setzero_si512(),
                                            wq[r].q[2 * k], y0),
                        _mm512_dpbusd_epi32(_mm512_setzero_si512(),
                                            wq[r].q[2 * k + 1], y1));
                    sv[r][c] = _mm512_dpwssd_epi32(sv[r][c], p,
                                                   wq[r].scv[k]);
                }
            }
        }
        if (nc == 1) {
            /* [S0, S1]: each row's 16 lanes summed, both at once */
            __m512i t = _mm512_add_epi32(
                _mm512_unpacklo_epi64(sv[0][0], sv[1][0]),
                _mm512_unpackhi_epi64(sv[0][0], sv[1][0]));
            t = _mm512_add_epi32(t, _mm512_shuffle_epi32(t, 0xb1));
            __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(t),
                                         _mm512_extracti64x4_epi64(t, 1));
            __m128i q = _mm_add_epi32(_mm256_castsi256_si128(h),
                                      _mm256_extracti128_si256(h, 1));
            /* lanes 0 and 2 now hold S0 and S1 */
            q = _mm_shuffle_epi32(q, _MM_SHUFFLE(3, 3, 2, 0));
            __m128 d = _mm_setr_ps(wq[0].d, nr > 1 ? wq[1].d : 0.0f, 0, 0);
            acc1 = _mm_fmadd_ps(_mm_mul_ps(d, _mm_set1_ps(a[0].d[i])),
                                _mm_cvtepi32_ps(q), acc1);
        } else {
            float ad[HC1_MAX_COLS] = { 0 };
            for (int c = 0; c < nc; c++) {
                ad[c] = a[c].d[i];
            }
            __m256 adv = _mm256_loadu_ps(ad);
            __m512 m = _mm512_mul_ps(
                _mm512_insertf32x8(_mm512_set1_ps(wq[0].d),
                                   _mm256_set1_ps(nr > 1 ? wq[1].d : 0.0f),
                                   1),
                _mm512_insertf32x8(_mm512_castps256_ps512(adv), adv, 1));
            acc = _mm512_fmadd_ps(m, _mm512_cvtepi32_ps(kq_sum16x16(sv)),
                                  acc);
        }
    }
    float o[16];
    if (nc == 1) {
        _mm_storeu_ps(o, acc1);
        for (int r = 0; r < nr; r++) {
            out[r * HC1_MAX_COLS] = o[r];
        }
    } else {
        _mm512_storeu_ps(o, acc);
        for (int r = 0; r < nr; r++) {
            for (int c = 0; c < nc; c++) {
                out[r * HC1_MAX_COLS + c] = o[8 * r + c];
            }
        }
    }
}

Z2_DISPATCH(hc1_dot2_q6_K_z, dot2_q6_K_body)

/* ---- panel kernel (Q4_K) ------------------------------------------------ */

/*
 * Against a panel (kernels.h) each vpdpbusd takes 8 weights broadcast
 * to every column's 64-bit lane, so its 32-bit lanes are (column,
 * half) and a sub-block leaves 16 products in each: an int16, which
 * one vpdpwssd then scales and adds. That is 5 multiplies per 256
 * weight x column products, where the two-row kernel spends 8 (a
 * vpmaddubsw and a vpdpwssd per 64).
 */

/* lanes (column, half) of @s summed per column, as 8 int32 */
static inline __attribute__((always_inline, target(T512)))
__m256i kq_cols(__m512i s)
{
    s = _mm512_add_epi32(s, _mm512_srli_epi64(s, 32));
    return _mm512_cvtepi64_epi32(s);
}

/*
 * Both rows in one pass, so each 64-byte chunk of the panel is loaded
 * once for the two: a panel of a long row (45 KiB at 5632) does not
 * stay in L1 between one row and the next.
 */
KINL void dotp_q4_K_body(uint64_t n, const void *w, size_t rb, const int nr,
                         const void *panel, float *out, const void *pf)
{
    const blk_q4_K *b[2] = { w, (const blk_q4_K *)((const uint8_t *)w + rb) };
    const hc1_panel_view p = hc1_panel(panel, GGML_Q8_K, n);
    const uint64_t nb = n / QK_K;
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    __m256 acc[2] = { _mm256_setzero_ps(), _mm256_setzero_ps() };

    for (uint64_t i = 0; i < nb; i++) {
        /*
         * scales as int32 (vpdpwssd: the low word, the high word 0);
         * the mins stay int16 in sm16's high half
         */
        int32_t sm[2][8] __attribute__((aligned(32)));
        __m256i sm16[2];
        for (int r = 0; r < nr; r++) {
            sm16[r] = q4k_sm16(b[r][i].scales);
            _mm256_store_si256((__m256i *)sm[r], _mm256_cvtepu16_epi32(
                _mm256_castsi256_si128(sm16[r])));
        }
        KPF(pf, rb, nr, i * sizeof(blk_q4_K), sizeof(blk_q4_K));
        const int8_t *a = p.qs + i * 2048;
        /* two chains of vpdpwssd per row: one would wait on its latency */
        __m512i s[2][2] = { { _mm512_setzero_si512(), _mm512_setzero_si512() },
                            { _mm512_setzero_si512(),
                              _mm512_setzero_si512() } };
#pragma GCC unroll 8
        for (int sb = 0; sb < 8; sb++) {
            __m512i v[2][2] = { { _mm512_setzero_si512(),
                                  _mm512_setzero_si512() },
                                { _mm512_setzero_si512(),
                                  _mm512_setzero_si512() } };
#pragma GCC unroll 4
            for (int k = 0; k < 4; k++) {
                __m512i y = _mm512_load_si512(a + 64 * (4 * sb + k));
                for (int r = 0; r < nr; r++) {
                    /*
                     * elements 32 sb + 8 k: low or high nibbles of 8
                     * bytes, broadcast by the load
                     */
                    uint64_t raw;
                    memcpy(&raw, b[r][i].qs + 32 * (sb / 2) + 8 * k, 8);
                    __m512i wc = _mm512_set1_epi64((long long)raw);
                    if (sb & 1) {
                        wc = _mm512_srli_epi64(wc, 4);
                    }
                    wc = _mm512_and_si512(wc, m4);
                    v[r][k & 1] = _mm512_dpbusd_epi32(v[r][k & 1], wc, y);
                }
            }
            for (int r = 0; r < nr; r++) {
                /* |lane| <= 16 * 15 * 127: an int16, sign-extended */
                s[r][sb & 1] = _mm512_dpwssd_epi32(
                    s[r][sb & 1], _mm512_add_epi32(v[r][0], v[r][1]),
                    _mm512_set1_epi32(sm[r][sb]));
            }
        }
        /*
         * mins: min_sb x (the 32-sum of sub-block sb) per column. Each
         * s32 vector holds two sub-block pairs of all columns (lane 8j
         * + c: pair j of column c), met by the pairs' mins, which are
         * int16 words 8..15 of sm16 (dwords 4..7).
         */
        const __m512i *s32 = (const __m512i *)(p.s32 + i * 64);
        __m256 ad = _mm256_load_ps(p.d + i * HC1_MAX_COLS);
        for (int r = 0; r < nr; r++) {
            __m512i smz = _mm512_castsi256_si512(sm16[r]);
            __m512i mm = _mm512_dpwssd_epi32(
                _mm512_madd_epi16(_mm512_load_si512(s32),
                                  _mm512_permutexvar_epi32(
                                      _mm512_setr_epi32(4, 4, 4, 4, 4, 4, 4,
                                                        4, 5, 5, 5, 5, 5, 5,
                                                        5, 5), smz)),
                _mm512_load_si512(s32 + 1),
                _mm512_permutexvar_epi32(
                    _mm512_setr_epi32(6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7,
                                      7, 7, 7), smz));
            __m256i m8 = _mm256_add_epi32(_mm512_castsi512_si256(mm),
                                          _mm512_extracti64x4_epi64(mm, 1));
            __m256i st = kq_cols(_mm512_add_epi32(s[r][0], s[r][1]));
            acc[r] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_set1_ps(
                                         _cvtsh_ss(b[r][i].d)), ad),
                                     _mm256_cvtepi32_ps(st), acc[r]);
            acc[r] = _mm256_fnmadd_ps(_mm256_mul_ps(_mm256_set1_ps(
                                          _cvtsh_ss(b[r][i].dmin)), ad),
                                      _mm256_cvtepi32_ps(m8), acc[r]);
        }
    }
    for (int r = 0; r < nr; r++) {
        _mm256_storeu_ps(out + r * HC1_MAX_COLS, acc[r]);
    }
}

__attribute__((target(T512)))
void hc1_dotp_q4_K_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *panel, float *out, const void *pf)
{
    if (nr == 2) {
        dotp_q4_K_body(n, w, rb, 2, panel, out, pf);
    } else {
        dotp_q4_K_body(n, w, rb, 1, panel, out, pf);
    }
}

/* ---- panel kernel (Q6_K) ------------------------------------------------ */

/*
 * The two-row kernel spends, per 128 weights, row and column, two
 * vpdpbusd, a vpackssdw and a vpdpwssd: the 4-sums in a lane belong to
 * four different 16-groups, so they are scaled as int16 pairs. Here
 * the quants of a super-block come one 16-group to a lane (the
 * panel's, and the weights' moved to match), so a lane of a vpdpbusd
 * only ever meets its group: four vpdpbusd, started from the panel's
 * -32 x 16-sum, leave the group's exact offset dot product in its
 * lane, and one vpmulld by the 16 scales finishes the super-block's 16
 * terms. That is five operations per 256 weights, row and column,
 * where the two-row kernel takes about ten. The integer sum of the
 * super-block is the same exact integer, and the floating point steps
 * are the two-row kernel's (lane 8r + c), so the bits are too.
 */

/*
 * Weight side of one Q6_K block with a 16-group in each lane: g[k]
 * lane 4L + p holds quants 64p + 16L + 4k .. 64p + 16L + 4k + 3
 * (unsigned, 0..63) of group 4p + L, sc lane 4L + p that group's
 * scale. Value order first: in half h, ql byte t holds values 128h + t
 * (low nibble) and 128h + 64 + t (high), qh byte t % 32 bit pair t / 32
 * (low) and 2 + t / 32 (high); so a 64-byte vector of value order is
 * one load of ql, a shift, and qh's 32 bytes twice shifted by qword so
 * that the pair lands in bits 4-5. Vector p of value order holds group
 * 4p + L in its 128-bit lane L, and one 4x4 transpose of 32-bit words
 * per lane moves word k of each to vector k. The lanes' groups are
 * free, since their sum is exact: this order needs no lane permute.
 * (An earlier build moved value order to group j in lane j by permutes:
 * a fifth more operations than the direct build, 234 against 247 GMAC/s
 * hot.)
 * Every operation here is an and, a shift or an in-lane unpack, which
 * the core issues beside its vpdpbusd. The direct build's permutes and
 * rotates (vpermt2d, vprolvd, vpermd in part) share vpdpbusd's two
 * pipes, as vpmulld and the float multiplies do (loops of registers on
 * this host's core: two a cycle, alone or mixed). Hot, 2 rows x 8
 * columns: 238-240 -> 243-244 GMAC/s; batched decode, a driver of 8
 * contexts: medium Q4_0 337-345 -> 343-352 tok/s, Q4_K_M 321-322 ->
 * 327-331, every pair of runs ahead.
 */
static inline __attribute__((always_inline, target(T512)))
void q6k_prep_groups(const blk_q6_K *b, __m512i *g, __m512i *sc)
{
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    const __m512i m30 = _mm512_set1_epi8(0x30);
    /* by qword: pairs 0 and 1 to bits 4-5, then pairs 2 and 3 */
    const __m512i sl = _mm512_setr_epi64(4, 4, 4, 4, 2, 2, 2, 2);
    const __m512i sr = _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2);
    /* lane 4L + p of the scales: scale 4p + L */
    const __m128i tr = _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13,
                                     2, 6, 10, 14, 3, 7, 11, 15);
    __m512i v[4];

    for (int h = 0; h < 2; h++) {
        __m512i l = _mm512_loadu_si512(b->ql + 64 * h);
        __m512i hh = _mm512_broadcast_i64x4(
            _mm256_loadu_si256((const __m256i *)(b->qh + 32 * h)));
        /* (low bits & 0x0f) | high bits */
        v[2 * h] = _mm512_ternarylogic_epi32(
            l, _mm512_and_si512(_mm512_sllv_epi64(hh, sl), m30), m4, 0xec);
        v[2 * h + 1] = _mm512_ternarylogic_epi32(
            _mm512_srli_epi32(l, 4),
            _mm512_and_si512(_mm512_srlv_epi64(hh, sr), m30), m4, 0xec);
    }
    kx_transpose4_epi32(v, g);
    *sc = _mm512_cvtepi8_epi32(_mm_shuffle_epi8(
        _mm_loadu_si128((const __m128i *)b->scales), tr));
}

KINL void dotp_q6_K_body(uint64_t n, const void *w, size_t rb, const int nr,
                         const void *panel, float *out, const void *pf)
{
    const blk_q6_K *b[2] = { w, (const blk_q6_K *)((const uint8_t *)w + rb) };
    const hc1_panel_view p = hc1_panel(panel, GGML_Q6_K, n);
    const uint64_t nb = n / QK_K;
    /* lane 8r + c: row r, column c */
    __m512 acc = _mm512_setzero_ps();

    for (uint64_t i = 0; i < nb; i++) {
        __m512i g[2][4], sc[2];
        __m512i sv[2][HC1_MAX_COLS];
        for (int r = 0; r < nr; r++) {
            q6k_prep_groups(&b[r][i], g[r], &sc[r]);
        }
        KPF(pf, rb, nr, i * sizeof(blk_q6_K), sizeof(blk_q6_K));
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            const int8_t *y = p.qs + (i * HC1_MAX_COLS + c) * QK_K;
            const __m512i nbv = _mm512_load_si512(
                p.nb + (i * HC1_MAX_COLS + c) * 16);
            __m512i y4[4];
            for (int k = 0; k < 4; k++) {
                y4[k] = _mm512_load_si512(y + 64 * k);
            }
            for (int r = 0; r < 2; r++) {
                if (r >= nr) {
                    sv[r][c] = _mm512_setzero_si512();
                    continue;
                }
                /*
                 * |lane| <= 16 * 63 * 128 + 32 * 16 * 128: times a
                 * scale, and 16 lanes summed, far inside int32
                 */
                __m512i s = nbv;
                for (int k = 0; k < 4; k++) {
                    s = _mm512_dpbusd_epi32(s, g[r][k], y4[k]);
                }
                sv[r][c] = _mm512_mullo_epi32(s, sc[r]);
            }
        }
        /* the two-row kernel's floating point steps, lane for lane */
        __m256 adv = _mm256_load_ps(p.d + i * HC1_MAX_COLS);
        __m512 m = _mm512_mul_ps(
            _mm512_insertf32x8(_mm512_set1_ps(_cvtsh_ss(b[0][i].d)),
                               _mm256_set1_ps(nr > 1 ? _cvtsh_ss(b[1][i].d)
                                                     : 0.0f), 1),
            _mm512_insertf32x8(_mm512_castps256_ps512(adv), adv, 1));
        acc = _mm512_fmadd_ps(m, _mm512_cvtepi32_ps(kq_sum16x16(sv)), acc);
    }
    float o[16];
    _mm512_storeu_ps(o, acc);
    for (int r = 0; r < nr; r++) {
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            out[r * HC1_MAX_COLS + c] = o[8 * r + c];
        }
    }
}

__attribute__((target(T512)))
void hc1_dotp_q6_K_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *panel, float *out, const void *pf)
{
    if (nr == 2) {
        dotp_q6_K_body(n, w, rb, 2, panel, out, pf);
    } else {
        dotp_q6_K_body(n, w, rb, 1, panel, out, pf);
    }
}

#else

/* ISO C wants something in a translation unit */
typedef int hc1_kernels_x86_kquant_unused;

#endif
