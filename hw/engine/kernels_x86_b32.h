/*
 * Shared by the AVX-512 kernels of the 32-weight block formats (Q4_0,
 * Q8_0): kernels_x86_block32.c (two-row and panel kernels) and
 * kernels_x86_tile.c (tile kernels). Include after <immintrin.h>.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_KERNELS_X86_B32_H
#define HC1_KERNELS_X86_B32_H

#include "kernels_x86_int.h"
#include "quant.h"

/* Byte size of a block: Q8_0 (q8) or Q4_0. */
#define B32_BYTES(q8) ((q8) ? sizeof(blk_q8_0) : sizeof(blk_q4_0))

/*
 * The row's 16 weight scales from block g (fewer at the end: zeros).
 * Not a gather (a slow sequence on AMD cores, a sixth of the panel
 * kernel's time): a block's f16 scale is word 9k (Q4_0) or 17k (Q8_0)
 * of the row from block g, so each 128 bytes loaded from a block start
 * give the scales of 8 (Q4_0) or 4 (Q8_0) blocks by one word permute.
 * Loads stay within the group's blocks (masked in a partial group).
 */
static inline __attribute__((always_inline, target(T512)))
__m512 b32_scales16(const uint8_t *b, const bool q8, uint64_t g, int ng)
{
    const int per = q8 ? 4 : 8;                 /* blocks per permute */
    const int bw = B32_BYTES(q8) / 2;           /* block size in words */
    const uint8_t *p = b + g * B32_BYTES(q8);
    const int len = ng * (int)B32_BYTES(q8);    /* bytes of the group */
    __m256i h = _mm256_setzero_si256();

    for (int j = 0; j * per < ng; j++) {
        const int o = j * per * (int)B32_BYTES(q8);
        __m512i lo, hi;
        if (ng == 16) {
            lo = _mm512_loadu_si512(p + o);
            hi = _mm512_loadu_si512(p + o + 64);
        } else {
            int r = len - o;
            lo = _mm512_maskz_loadu_epi8(r >= 64 ? ~0ull : (1ull << r) - 1,
                                         p + o);
            r -= 64;
            hi = _mm512_maskz_loadu_epi8(r >= 64 ? ~0ull : r <= 0 ? 0 :
                                         (1ull << r) - 1, p + o + 64);
        }
        /* word k * bw of the 128 bytes to word j * per + k of h */
        uint16_t ix[32] = { 0 };
        for (int k = 0; k < per; k++) {
            ix[j * per + k] = (uint16_t)(k * bw);
        }
        __m512i sel = _mm512_permutex2var_epi16(lo, _mm512_loadu_si512(ix),
                                                hi);
        h = _mm256_mask_blend_epi16((__mmask16)(((1u << per) - 1)
                                                << (j * per)),
                                    h, _mm512_castsi512_si256(sel));
    }
    return _mm512_cvtph_ps(h);
}

#endif /* HC1_KERNELS_X86_B32_H */
