/*
 * The AVX-512 VNNI tile kernels for Q4_0 and Q4_K weights: 32 rows
 * against the HC1_MAX_COLS columns of a panel (kernels.h) in one pass,
 * each (row, column) with the bits of the two-row and panel kernels
 * (kernels_x86_block32.c and kernels_x86_kquant.c give the arithmetic).
 *
 * The panel kernel broadcasts 8 weights of one row to the columns, so
 * every weight byte is masked (and half of them shifted) once for each
 * vpdpbusd, and each block pair of each row ends in a cross-lane sum.
 * Here the roles turn round: a vector holds 4 weights of each of 16
 * rows (the rows' blocks transposed in registers, one 4x4 transpose of
 * 32-bit words per 128-bit lane), and the activations come as 4 bytes
 * broadcast from the panel. So:
 *   - a block of 16 rows is unpacked once for all 8 columns;
 *   - a lane never mixes rows or blocks: after a block's 8 vpdpbusd it
 *     holds the block's exact integer sum for its row, and the float
 *     steps (convert, activation scale, fma with the weight scale into
 *     the class accumulator) run on 16 rows at a time;
 *   - the weight scales of 16 blocks of 16 rows are one 16x16
 *     transpose of floats.
 * A tile is two such halves, and each broadcast feeds both (see
 * tile_block). The class accumulators (2 halves x 8 columns x 8
 * classes x 16 rows) live in an 8 KiB array in L1: each is loaded and
 * stored once per 8 vpdpbusd.
 *
 * bench_kernels, 8 columns, one thread: 207-212 -> 223-238 GMAC/s in
 * L3, 168-203 -> 195-227 from DRAM. Q8_0 the same way (w + 128 bytes,
 * no unpacking) made no more than its panel kernel, 148-163 against
 * 149-158, and batched decode lost a few per cent: Q8_0 keeps panels.
 *
 * Q4_K goes the same way (see dott_q4_K_body): bench_kernels, 8 columns,
 * one thread, against its panel kernel: 215 -> 257 GMAC/s in L2, 219 ->
 * 233 from DRAM.
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
#include <stddef.h>
#include <string.h>

#include "kernels_x86_b32.h"
#include "kernels_x86_tr.h"


/*
 * In-place transpose of 16 vectors of 16 floats: afterwards v[j] lane
 * i is what v[i] lane j was.
 */
KINL void transpose16(__m512 *v)
{
    __m512 t[16], u[16];

    for (int k = 0; k < 8; k++) {
        t[2 * k] = _mm512_unpacklo_ps(v[2 * k], v[2 * k + 1]);
        t[2 * k + 1] = _mm512_unpackhi_ps(v[2 * k], v[2 * k + 1]);
    }
    /* u[4m + e], 128-bit lane L: rows 4m..4m+3 of column 4L + e */
    for (int m = 0; m < 4; m++) {
        u[4 * m] = _mm512_shuffle_ps(t[4 * m], t[4 * m + 2], 0x44);
        u[4 * m + 1] = _mm512_shuffle_ps(t[4 * m], t[4 * m + 2], 0xee);
        u[4 * m + 2] = _mm512_shuffle_ps(t[4 * m + 1], t[4 * m + 3], 0x44);
        u[4 * m + 3] = _mm512_shuffle_ps(t[4 * m + 1], t[4 * m + 3], 0xee);
    }
    for (int e = 0; e < 4; e++) {
        __m512 a0 = _mm512_shuffle_f32x4(u[e], u[4 + e], 0x88);
        __m512 a1 = _mm512_shuffle_f32x4(u[e], u[4 + e], 0xdd);
        __m512 b0 = _mm512_shuffle_f32x4(u[8 + e], u[12 + e], 0x88);
        __m512 b1 = _mm512_shuffle_f32x4(u[8 + e], u[12 + e], 0xdd);
        v[e] = _mm512_shuffle_f32x4(a0, b0, 0x88);
        v[4 + e] = _mm512_shuffle_f32x4(a1, b1, 0x88);
        v[8 + e] = _mm512_shuffle_f32x4(a0, b0, 0xdd);
        v[12 + e] = _mm512_shuffle_f32x4(a1, b1, 0xdd);
    }
}

/*
 * The f16 weight scales of blocks g..g+ng-1 of 16 rows as floats,
 * dw[j] lane r = row r's scale of block g + j (zero past ng).
 */
KINL void tile_scales(const uint8_t *w, size_t rb, uint64_t g, int ng,
                      __m512 *dw)
{
    for (int r = 0; r < 16; r++) {
        dw[r] = b32_scales16(w + r * rb, false, g, ng);
    }
    transpose16(dw);
}

/*
 * 16 bytes from @b of each of 16 rows (@rb apart) as 4 vectors: d[k]
 * lane r holds bytes 4k..4k+3 of row r's. Four rows to a vector by
 * 128-bit lanes, then one 4x4 transpose of 32-bit words in each lane.
 */
KINL void tile_words16(const uint8_t *b, size_t rb, __m512i *d)
{
    __m512i x[4];

    /* x[j], 128-bit lane L: the 16 bytes of row j + 4L */
    for (int j = 0; j < 4; j++) {
        const uint8_t *p = b + j * rb;
        __m512i v = _mm512_castsi128_si512(
            _mm_loadu_si128((const __m128i *)p));
        v = _mm512_inserti32x4(v, _mm_loadu_si128(
                                   (const __m128i *)(p + 4 * rb)), 1);
        v = _mm512_inserti32x4(v, _mm_loadu_si128(
                                   (const __m128i *)(p + 8 * rb)), 2);
        x[j] = _mm512_inserti32x4(v, _mm_loadu_si128(
                                      (const __m128i *)(p + 12 * rb)), 3);
    }
    kx_transpose4_epi32(x, d);
}

/*
 * Part @i of @parts of the next tile's bytes (@step of them a part from
 * @pf, the rows adjacent), in address order: a tile prefetches the next
 * one spread over its own steps, not in a burst that fills the core's
 * miss queue, and line after line rather than a block group's bytes of
 * a few rows at a time. Batched decode, alternating runs: medium Q4_0
 * 336-340 -> 339-346 tok/s (a driver of 8 contexts, five rounds) and
 * 370-376 -> 377-379 (hc1-llm bench, threads near); Q4_K_M 303-306 ->
 * 307-322 (the driver), the same in the bench. The rows are whole
 * blocks, so a tile is @parts times a fixed @step and the part's bounds
 * need no division (two 64-bit divisions a block before, in the loop).
 */
KINL void tile_prefetch_part(const void *pf, size_t step, uint64_t i,
                             uint64_t parts)
{
    if (pf) {
        size_t o = (i * step) & ~(size_t)63;
        size_t e = (i + 1) * step;
        if (i + 1 < parts) {
            e &= ~(size_t)63;
        }
        for (; o < e; o += 64) {
            __builtin_prefetch((const uint8_t *)pf + o, 0, 0);
        }
    }
}

/* The canonical sum of the 8 class accumulators, 16 rows at once. */
KINL __m512 tile_sum_classes(const __m512 *a)
{
    __m512 s0 = _mm512_add_ps(a[0], a[4]);
    __m512 s1 = _mm512_add_ps(a[1], a[5]);
    __m512 s2 = _mm512_add_ps(a[2], a[6]);
    __m512 s3 = _mm512_add_ps(a[3], a[7]);
    return _mm512_add_ps(_mm512_add_ps(s0, s2), _mm512_add_ps(s1, s3));
}

/*
 * 32 weights of both halves against all HC1_MAX_COLS (8) columns, added
 * into v[h][c]: @a is the panel's quants of the same 32 elements (4
 * chunks of 8 bytes of each column), and each activation word is
 * broadcast once for both halves. w[h] holds the weights' bytes as
 * tile_words16 gives them, two nibbles to a byte: weights 4k..4k+3 are
 * the nibbles of w[h][k % @nw], the high ones where @high or k >= @nw.
 * (Q4_0: @nw 4, the low nibbles are weights 0-15 and the high ones
 * 16-31; Q4_K: @nw 8, a sub-block pair's 32 bytes.) The nibbles are
 * unpacked as the loop reaches them, so no more than two of them are
 * live beside the 16 sums.
 *
 * All 16 sums (2 halves x 8 columns) go round together, k outside:
 * with the columns in two passes of 4 (8 chains, then the next 8), the
 * vpdpbusd of a pass that wait on their chain fill the scheduler ahead
 * of the next pass's independent ones. Hot, one thread, 8 columns, 2048
 * elements: Q4_0 261-267 -> 274-275 GMAC/s, Q4_K 279-283 -> 306-310.
 */
KINL void tile_dot32x8(const int8_t *a, const __m512i (*w)[8], int nw,
                       bool high, __m512i (*v)[HC1_MAX_COLS])
{
    const __m512i m4 = _mm512_set1_epi8(0x0f);

#pragma GCC unroll 8
    for (int k = 0; k < 8; k++) {
        __m512i q[2];
        for (int h = 0; h < 2; h++) {
            __m512i b = w[h][k % nw];
            if (high || k >= nw) {
                b = _mm512_srli_epi32(b, 4);
            }
            q[h] = _mm512_and_si512(b, m4);
        }
#pragma GCC unroll 8
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            int32_t y;
            memcpy(&y, a + 64 * (k / 2) + 8 * c + 4 * (k & 1), 4);
            __m512i yb = _mm512_set1_epi32(y);
            v[0][c] = _mm512_dpbusd_epi32(v[0][c], q[0], yb);
            v[1][c] = _mm512_dpbusd_epi32(v[1][c], q[1], yb);
        }
    }
}

/*
 * Block i of both halves of the tile (@d[h], tile_words16 of the
 * block's 16 quant bytes) against every column: the exact integer
 * sums, then the float steps into the class accumulators acc[h][c][i %
 * 8] with the weight scales dw[h] (16 rows each).
 *
 * Each activation broadcast feeds both halves' vpdpbusd: loads bound
 * these kernels as much as the multipliers do (the core takes about
 * two of each a cycle). Hot in L1, a tile of 16 rows, one broadcast a
 * vpdpbusd, made 183-194 GMAC/s, and 451 in a test build where the
 * compiler merged the broadcasts away (wrong sums, a measurement);
 * the tile of 32 rows, half a broadcast a vpdpbusd, makes 253 (then
 * with the columns in two passes of 4).
 */
KINL void tile_block(const hc1_panel_view *p, uint64_t i,
                     const __m512i (*d)[8], const __m512 *dw,
                     __m512 (*acc)[HC1_MAX_COLS][8])
{
    __m512i v[2][HC1_MAX_COLS];

    for (int c = 0; c < HC1_MAX_COLS; c++) {
        int32_t o = p->no8[hc1_panel_bi(GGML_Q8_0, i, c)];
        v[0][c] = v[1][c] = _mm512_set1_epi32(o);
    }
    tile_dot32x8(p->qs + 256 * i, d, 4, false, v);
    for (int c = 0; c < HC1_MAX_COLS; c++) {
        __m512 dc = _mm512_set1_ps(p->d[hc1_panel_bi(GGML_Q8_0, i, c)]);
        for (int h = 0; h < 2; h++) {
            __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(v[h][c]), dc);
            acc[h][c][i & 7] = _mm512_fmadd_ps(dw[h], t, acc[h][c][i & 7]);
        }
    }
}

KINL void dott_q4_0_body(uint64_t n, const void *wv, size_t rb,
                         const void *panel, float *const *cols, int nc,
                         const void *pf)
{
    const uint8_t *w = wv;
    const hc1_panel_view p = hc1_panel(panel, GGML_Q8_0, n);
    const uint64_t nb = n / 32;
    /* acc[h][c][cls]: rows 16h..16h+15 of column c's class cls */
    __m512 acc[2][HC1_MAX_COLS][8] __attribute__((aligned(64)));
    /* dw[h][j]: the weight scales of block g + j of rows 16h.. */
    __m512 dw[2][16] __attribute__((aligned(64)));

    for (int h = 0; h < 2; h++) {
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            for (int k = 0; k < 8; k++) {
                acc[h][c][k] = _mm512_setzero_ps();
            }
        }
    }
    for (uint64_t g = 0; g < nb; g += 16) {
        const int ng = nb - g < 16 ? (int)(nb - g) : 16;
        for (int h = 0; h < 2; h++) {
            tile_scales(w + 16 * h * rb, rb, g, ng, dw[h]);
        }
        for (int j = 0; j < ng; j++) {
            const uint64_t i = g + j;
            tile_prefetch_part(pf, HC1_TILE_ROWS * sizeof(blk_q4_0), i, nb);
            const __m512 dwj[2] = { dw[0][j], dw[1][j] };
            /* d[h][k], k < 4, lane r: bytes 4k.. of row 16h + r's quants */
            __m512i d[2][8];
            for (int h = 0; h < 2; h++) {
                tile_words16(w + 16 * h * rb + i * sizeof(blk_q4_0) + 2, rb,
                             d[h]);
            }
            tile_block(&p, i, (const __m512i (*)[8])d, dwj, acc);
        }
    }
    for (int c = 0; c < nc; c++) {
        for (int h = 0; h < 2; h++) {
            _mm512_storeu_ps(cols[c] + 16 * h, tile_sum_classes(acc[h][c]));
        }
    }
}

__attribute__((target(T512)))
void hc1_dott_q4_0_z(uint64_t n, const void *w, size_t rb, const void *panel,
                     float *const *cols, int nc, const void *pf)
{
    dott_q4_0_body(n, w, rb, panel, cols, nc, pf);
}

/* ---- Q4_K -------------------------------------------------------------- */

/*
 * The header of super-block i of 16 rows (its first 16 bytes: d, dmin
 * and the 12 bytes of 6-bit scales and mins), rows in lanes:
 *   d, dmin  the two f16 scales as floats
 *   sc[k]    the scales of sub-blocks 4k..4k+3, a byte each
 *   mn[j]    the mins of sub-blocks 2j and 2j+1 as int16 (low, high),
 *            against the panel's 32-sums, which come in the same pairs
 * The bit moves are q4k_sm16's (kernels_x86_kquant.c), lane by lane.
 */
typedef struct tq4k_head {
    __m512 d, dmin;
    __m512i sc[2];
    __m512i mn[4];
} tq4k_head;

KINL void tq4k_head16(const uint8_t *w, size_t rb, uint64_t i, tq4k_head *o)
{
    const __m512i m63 = _mm512_set1_epi8(0x3f);
    const __m512i m15 = _mm512_set1_epi8(0x0f);
    const __m512i m48 = _mm512_set1_epi8(0x30);
    const __m512i b0 = _mm512_set1_epi32(0xff);
    const __m512i b2 = _mm512_set1_epi32(0xff0000);
    __m512i h[4], mn[2];

    tile_words16(w + i * sizeof(blk_q4_K), rb, h);
    o->d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(h[0]));
    o->dmin = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(
        _mm512_srli_epi32(h[0], 16)));
    /* bytes 0-3 (h[1]), 4-7 (h[2]), 8-11 (h[3]) of the scales */
    o->sc[0] = _mm512_and_si512(h[1], m63);
    o->sc[1] = _mm512_or_si512(_mm512_and_si512(h[3], m15),
                               _mm512_and_si512(_mm512_srli_epi32(h[1], 2),
                                                m48));
    mn[0] = _mm512_and_si512(h[2], m63);
    mn[1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(h[3], 4), m15),
                            _mm512_and_si512(_mm512_srli_epi32(h[2], 2),
                                             m48));
    for (int k = 0; k < 2; k++) {
        o->mn[2 * k] = _mm512_or_si512(
            _mm512_and_si512(mn[k], b0),
            _mm512_and_si512(_mm512_slli_epi32(mn[k], 8), b2));
        o->mn[2 * k + 1] = _mm512_or_si512(
            _mm512_and_si512(_mm512_srli_epi32(mn[k], 16), b0),
            _mm512_and_si512(_mm512_srli_epi32(mn[k], 8), b2));
    }
}

/*
 * Sub-block 2j + @e of both halves against every column: each lane's
 * exact dot product of its row's 32 weights (the low nibbles of @raw
 * for e = 0, the high ones for 1) with the column's 32 quants, times
 * the row's sub-block scale @scv[h], into the super-block's integer sums
 * s[h][c] (|s| <= 8 * 63 * 32 * 15 * 128: far inside int32).
 */
KINL void tq4k_sub(const int8_t *a, const __m512i (*raw)[8], int e,
                   const __m512i *scv, __m512i (*s)[HC1_MAX_COLS])
{
    __m512i v[2][HC1_MAX_COLS];

    for (int c = 0; c < HC1_MAX_COLS; c++) {
        v[0][c] = v[1][c] = _mm512_setzero_si512();
    }
    tile_dot32x8(a, raw, 8, e, v);
    for (int c = 0; c < HC1_MAX_COLS; c++) {
        for (int h = 0; h < 2; h++) {
            s[h][c] = _mm512_add_epi32(s[h][c],
                                       _mm512_mullo_epi32(v[h][c], scv[h]));
        }
    }
}

/*
 * Q4_K weights, rows in lanes as for Q4_0: per super-block, each (row,
 * column) gets S = sum of scale x sub-block dot and M = sum of min x
 * 32-sum as exact integers, then the floating point steps of
 * kq_step_q4_K, so the bits of the two-row and panel kernels. Per 256
 * weights, 16 rows and a column that is 64 vpdpbusd, 8 vpmulld and 4
 * vpdpwssd, and the float steps once; the panel kernel broadcasts each
 * 8 weights of a row to the columns and ends every sub-block in a
 * vpdpwssd and every super-block in cross-lane sums.
 */
KINL void dott_q4_K_body(uint64_t n, const void *wv, size_t rb,
                         const void *panel, float *const *cols, int nc,
                         const void *pf)
{
    const uint8_t *w = wv;
    const hc1_panel_view p = hc1_panel(panel, GGML_Q8_K, n);
    const uint64_t nb = n / QK_K;
    __m512 acc[2][HC1_MAX_COLS] __attribute__((aligned(64)));
    __m512i s[2][HC1_MAX_COLS] __attribute__((aligned(64)));

    for (int h = 0; h < 2; h++) {
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            acc[h][c] = _mm512_setzero_ps();
        }
    }
    for (uint64_t i = 0; i < nb; i++) {
        const uint8_t *wi = w + i * sizeof(blk_q4_K);
        tq4k_head hd[2];
        for (int h = 0; h < 2; h++) {
            tq4k_head16(w + 16 * h * rb, rb, i, &hd[h]);
            for (int c = 0; c < HC1_MAX_COLS; c++) {
                s[h][c] = _mm512_setzero_si512();
            }
        }
        for (int j = 0; j < 4; j++) {
            tile_prefetch_part(pf, HC1_TILE_ROWS * sizeof(blk_q4_K) / 4,
                               4 * i + j, 4 * nb);
            /* raw[h][k] lane r: quant bytes 32j + 4k.. of row 16h + r */
            __m512i raw[2][8];
            for (int h = 0; h < 2; h++) {
                const uint8_t *qs = wi + 16 * h * rb +
                                    offsetof(blk_q4_K, qs) + 32 * j;
                tile_words16(qs, rb, raw[h]);
                tile_words16(qs + 16, rb, raw[h] + 4);
            }
            for (int e = 0; e < 2; e++) {
                const int sb = 2 * j + e;
                __m512i scv[2];
                for (int h = 0; h < 2; h++) {
                    scv[h] = _mm512_and_si512(
                        _mm512_srli_epi32(hd[h].sc[sb / 4], 8 * (sb % 4)),
                        _mm512_set1_epi32(0xff));
                }
                /* the sub-block's 32 elements of every column */
                const int8_t *a = p.qs + (QK_K * i + 32 * sb) * HC1_MAX_COLS;
                tq4k_sub(a, (const __m512i (*)[8])raw, e, scv, s);
            }
        }
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            const __m512 ad = _mm512_set1_ps(p.d[hc1_panel_bi(GGML_Q8_K, i,
                                                               c)]);
            __m512i sp[4];
            for (int j = 0; j < 4; j++) {
                int32_t v;
                memcpy(&v, p.s32 + hc1_panel_s32i(i, 2 * j, c), 4);
                sp[j] = _mm512_set1_epi32(v);
            }
            for (int h = 0; h < 2; h++) {
                __m512i m = _mm512_madd_epi16(hd[h].mn[0], sp[0]);
                for (int j = 1; j < 4; j++) {
                    m = _mm512_dpwssd_epi32(m, hd[h].mn[j], sp[j]);
                }
                acc[h][c] = _mm512_fmadd_ps(_mm512_mul_ps(hd[h].d, ad),
                                            _mm512_cvtepi32_ps(s[h][c]),
                                            acc[h][c]);
                acc[h][c] = _mm512_fnmadd_ps(_mm512_mul_ps(hd[h].dmin, ad),
                                             _mm512_cvtepi32_ps(m),
                                             acc[h][c]);
            }
        }
    }
    for (int c = 0; c < nc; c++) {
        for (int h = 0; h < 2; h++) {
            _mm512_storeu_ps(cols[c] + 16 * h, acc[h][c]);
        }
    }
}

__attribute__((target(T512)))
void hc1_dott_q4_K_z(uint64_t n, const void *w, size_t rb, const void *panel,
                     float *const *cols, int nc, const void *pf)
{
    dott_q4_K_body(n, w, rb, panel, cols, nc, pf);
}

#endif
