/*
 * Register transposes shared by the AVX-512 kernels. Include after
 * <immintrin.h>.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_KERNELS_X86_TR_H
#define HC1_KERNELS_X86_TR_H

#include "kernels_x86_int.h"

/*
 * One 4x4 transpose of 32-bit words in each 128-bit lane: afterwards
 * word k of lane L of o[p] is word p of lane L of x[k]. Unpacks only,
 * which the core issues beside its multiplies (kernels_x86_kquant.c).
 */
static inline __attribute__((always_inline, target(T512)))
void kx_transpose4_epi32(const __m512i *x, __m512i *o)
{
    __m512i t0 = _mm512_unpacklo_epi32(x[0], x[1]);
    __m512i t1 = _mm512_unpackhi_epi32(x[0], x[1]);
    __m512i t2 = _mm512_unpacklo_epi32(x[2], x[3]);
    __m512i t3 = _mm512_unpackhi_epi32(x[2], x[3]);

    o[0] = _mm512_unpacklo_epi64(t0, t2);
    o[1] = _mm512_unpackhi_epi64(t0, t2);
    o[2] = _mm512_unpacklo_epi64(t1, t3);
    o[3] = _mm512_unpackhi_epi64(t1, t3);
}

#endif /* HC1_KERNELS_X86_TR_H */
