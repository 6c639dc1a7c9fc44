/*
 * x86 SIMD kernels: AVX2/FMA/F16C, and AVX-512 VNNI (256-bit vectors
 * with vpdpbusd). Compiled with function-level target attributes (the
 * file is built with the baseline flags, also inside QEMU) and chosen at
 * run time by kernels.c.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels_x86_int.h"
#include "quant.h"

#if defined(__x86_64__) && defined(__GNUC__)

/*
 * GCC's AVX-512 intrinsics fill "don't care" lanes from self-initialised
 * variables; with -Winit-self (in QEMU's flags) GCC 12 then reports
 * -Wmaybe-uninitialized inside its own headers. Those lanes are never
 * read, so the warning is silenced for this file.
 */
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>
#include <string.h>

/*
 * AVX2: u8 x s8 pairs to i16, then pairs to i32 (no overflow: |u| <= 128,
 * |s| <= 127 and u * s pairs stay below 2^15).
 */
static inline __attribute__((target("avx2,fma,f16c")))
__m256i dot_u8s8_avx2(__m256i acc, __m256i u, __m256i s)
{
    __m256i p = _mm256_maddubs_epi16(u, s);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
}

#define KTARGET "avx2,fma,f16c"
#define KSUF avx2
#define KDOT dot_u8s8_avx2
#include "kernels_x86_body.h"
#undef KTARGET
#undef KSUF
#undef KDOT

#define KTARGET "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni,avx512dq"
#define KSUF vnni
#define KDOT _mm256_dpbusd_epi32
#include "kernels_x86_body.h"
#undef KTARGET
#undef KSUF
#undef KDOT

/*
 * One-row kernels that are a two-row kernel run with one row, so a row
 * gets the same bits either way (AVX-512 Q4_0, Q8_0, vdpbf16ps BF16).
 */
#define ONE_ROW_OF(NAME, DOT2)                                              \
static void NAME(uint64_t n, const void *w, const void *const *x, int nc,  \
                 float *out)                                                \
{                                                                           \
    float r[2 * HC1_MAX_COLS];                                              \
    DOT2(n, w, 0, 1, x, nc, r, NULL);                                       \
    memcpy(out, r, nc * sizeof(float));                                     \
}

ONE_ROW_OF(dot_q4_0_z, hc1_dot2_q4_0_z)
ONE_ROW_OF(dot_q8_0_z, hc1_dot2_q8_0_z)

/*
 * AVX-512 float formats: 32 elements per step in two 512-bit
 * accumulators per column (enough independent FMAs for one column,
 * and 8 columns still fit the 32 registers).
 */
#define ZFLOAT_KERNEL(NAME, LOADW, LOADX, TAILW, TAILX)                     \
static __attribute__((target(T512)))                                        \
void NAME(uint64_t n, const void *w, const void *const *x, int nc,          \
          float *out)                                                       \
{                                                                           \
    __m512 acc[HC1_MAX_COLS][2];                                            \
    uint64_t i = 0;                                                         \
    for (int c = 0; c < nc; c++) {                                          \
        acc[c][0] = acc[c][1] = _mm512_setzero_ps();                        \
    }                                                                       \
    for (; i + 32 <= n; i += 32) {                                          \
        __m512 w0 = LOADW(w, i), w1 = LOADW(w, i + 16);                     \
        for (int c = 0; c < nc; c++) {                                      \
            acc[c][0] = _mm512_fmadd_ps(w0, LOADX(x[c], i), acc[c][0]);     \
            acc[c][1] = _mm512_fmadd_ps(w1, LOADX(x[c], i + 16), acc[c][1]);\
        }                                                                   \
    }                                                                       \
    for (int c = 0; c < nc; c++) {                                          \
        float r = _mm512_reduce_add_ps(_mm512_add_ps(acc[c][0], acc[c][1]));\
        for (uint64_t j = i; j < n; j++) {                                  \
            r += TAILW(w, j) * TAILX(x[c], j);                              \
        }                                                                   \
        out[c] = r;                                                         \
    }                                                                       \
}

#define ZLD_F32(p, i) _mm512_loadu_ps((const float *)(p) + (i))
#define ZLD_F16(p, i) _mm512_cvtph_ps(_mm256_loadu_si256( \
    (const __m256i *)((const uint16_t *)(p) + (i))))
#define ZLD_BF16(p, i) _mm512_castsi512_ps(_mm512_slli_epi32( \
    _mm512_cvtepu16_epi32(_mm256_loadu_si256( \
        (const __m256i *)((const uint16_t *)(p) + (i)))), 16))
#define ZT_F32(p, j) (((const float *)(p))[j])
#define ZT_F16(p, j) f16_to_f32(((const uint16_t *)(p))[j])
#define ZT_BF16(p, j) bf16_to_f32(((const uint16_t *)(p))[j])

ZFLOAT_KERNEL(dot_f32_z, ZLD_F32, ZLD_F32, ZT_F32, ZT_F32)
ZFLOAT_KERNEL(dot_f16_z, ZLD_F16, ZLD_F32, ZT_F16, ZT_F32)
ZFLOAT_KERNEL(dot_bf16_z, ZLD_BF16, ZLD_F32, ZT_BF16, ZT_F32)

/* ---- two-row AVX-512 kernels ------------------------------------------ */

/*
 * One 512-bit accumulator per (row, column): with two rows and up to 8
 * columns that is 16 registers, and the activation loads are shared by
 * both rows. Each (row, column) sees the same operations whether the
 * row is paired or alone, so results do not depend on the pairing.
 * (KINL and Z2_DISPATCH are in kernels_x86_int.h; the K-quant kernels
 * in kernels_x86_kquant.c.)
 *
 * The float formats' body runs a span [k0, k1) of the 16-element steps
 * and carries the accumulators in @accm between spans (hc1_dotk_fn);
 * the two-row kernel is the one span [0, n16). Same operations in the
 * same order either way, so the same bits.
 *
 * Each activation vector is loaded once into a register and used for
 * both rows: left to itself GCC folds the load into both FMAs, and the
 * loads, not the FMAs, then bound the loop (F16, 8 columns, L2: 88 ->
 * 105 GMAC/s).
 *
 * The prefetch hint is T1, not NTA as elsewhere: the span path fetches
 * a whole tile ahead, which must wait in L2 (batched F16 decode 117 ->
 * 120-124 tok/s against NTA).
 */
#define ZK_PF_HINT 2

/*
 * _mm512_reduce_add_ps of 16 vectors at once into out[0..15], each by
 * that function's own tree (GCC's: the halves of 256 bits added, then
 * of 128, then lanes 0 + 2 and 1 + 3, then those two), so each sum has
 * the bits of its own reduction, in about 40 instructions where 16
 * reductions take about 130. Float addition commutes bit for bit, so
 * only the pairing matters.
 */
/* one level of zsum16: the 128-bit lanes @hi of (a, b) plus lanes @lo */
#define ZSUM_LEVEL(a, b, hi, lo)                                            \
    _mm512_add_ps(_mm512_shuffle_f32x4(a, b, hi),                           \
                  _mm512_shuffle_f32x4(a, b, lo))

KINL void zsum16(const __m512 *v, float *out)
{
    __m512 x[8], y[4], r[4];

    /* x[i]: the 8-lane halves' sums of v[2i] (lanes 0-7) and v[2i + 1] */
    for (int i = 0; i < 8; i++) {
        x[i] = ZSUM_LEVEL(v[2 * i], v[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2),
                          _MM_SHUFFLE(1, 0, 1, 0));
    }
    /* y[i], 128-bit lane j: the 4-lane halves' sums of v[4i + j] */
    for (int i = 0; i < 4; i++) {
        y[i] = ZSUM_LEVEL(x[2 * i], x[2 * i + 1], _MM_SHUFFLE(3, 1, 3, 1),
                          _MM_SHUFFLE(2, 0, 2, 0));
    }
    /* lane 4j of r[i]: (y0 + y2) + (y1 + y3) of v[4i + j] */
    for (int i = 0; i < 4; i++) {
        __m512 t = _mm512_add_ps(y[i], _mm512_permute_ps(y[i], 0x4e));
        r[i] = _mm512_add_ps(t, _mm512_permute_ps(t, 0xb1));
    }
    const __m512i pick = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28,
                                           0, 4, 8, 12, 16, 20, 24, 28);
    __m512 lo = _mm512_permutex2var_ps(r[0], pick, r[1]);
    __m512 hi = _mm512_permutex2var_ps(r[2], pick, r[3]);
    _mm512_storeu_ps(out, _mm512_shuffle_f32x4(lo, hi,
                                               _MM_SHUFFLE(1, 0, 1, 0)));
}

#define ZKFLOAT_KERNEL(NAME, LOADW, TAILW, ESZ)                                \
KINL void NAME(uint64_t n, uint64_t k0, uint64_t k1, const void *w,         \
               size_t rb, const int nr, const void *const *x, const int nc, \
               float *accm, float *out, const void *pf)                     \
{                                                                           \
    __m512 acc[2][HC1_MAX_COLS];                                            \
    const uint8_t *wr[2] = { w, (const uint8_t *)w + rb };                  \
    const uint64_t n16 = n & ~(uint64_t)(HC1_DOTK_STEP - 1);                \
    for (int r = 0; r < nr; r++) {                                          \
        for (int c = 0; c < nc; c++) {                                      \
            acc[r][c] = k0 ? _mm512_load_ps(accm + HC1_DOTK_ACC(r, c))      \
                           : _mm512_setzero_ps();                           \
        }                                                                   \
    }                                                                       \
    for (uint64_t i = k0; i < k1; i += HC1_DOTK_STEP) {                     \
        __m512 wv[2];                                                       \
        KPF_HINT(pf, rb, nr, i * (ESZ), HC1_DOTK_STEP * (ESZ), ZK_PF_HINT); \
        for (int r = 0; r < nr; r++) {                                      \
            wv[r] = LOADW(wr[r], i);                                        \
        }                                                                   \
        for (int c = 0; c < nc; c++) {                                      \
            __m512 xv = _mm512_loadu_ps((const float *)x[c] + i);           \
            if (nr > 1) {                                                   \
                __asm__("" : "+v"(xv));                                     \
            }                                                               \
            for (int r = 0; r < nr; r++) {                                  \
                acc[r][c] = _mm512_fmadd_ps(wv[r], xv, acc[r][c]);          \
            }                                                               \
        }                                                                   \
    }                                                                       \
    if (k1 < n16) {                                                         \
        for (int r = 0; r < nr; r++) {                                      \
            for (int c = 0; c < nc; c++) {                                  \
                _mm512_store_ps(accm + HC1_DOTK_ACC(r, c), acc[r][c]);      \
            }                                                               \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    if (nr == 2 && nc == HC1_MAX_COLS) {                                    \
        zsum16(&acc[0][0], out);                                            \
    }                                                                       \
    for (int r = 0; r < nr; r++) {                                          \
        for (int c = 0; c < nc; c++) {                                      \
            float s = nr == 2 && nc == HC1_MAX_COLS                         \
                      ? out[r * HC1_MAX_COLS + c]                           \
                      : _mm512_reduce_add_ps(acc[r][c]);                    \
            for (uint64_t j = n16; j < n; j++) {                            \
                s += TAILW(wr[r], j) * ((const float *)x[c])[j];            \
            }                                                               \
            out[r * HC1_MAX_COLS + c] = s;                                  \
        }                                                                   \
    }                                                                       \
}

ZKFLOAT_KERNEL(span_f32_body, ZLD_F32, ZT_F32, 4)
ZKFLOAT_KERNEL(span_f16_body, ZLD_F16, ZT_F16, 2)
ZKFLOAT_KERNEL(span_bf16_body, ZLD_BF16, ZT_BF16, 2)

/* the two-row kernel: one span over all the steps, nothing carried */
#define Z2_OF_SPAN(NAME, SPAN)                                              \
KINL void NAME(uint64_t n, const void *w, size_t rb, const int nr,          \
               const void *const *x, const int nc, float *out,              \
               const void *pf)                                              \
{                                                                           \
    SPAN(n, 0, n & ~(uint64_t)(HC1_DOTK_STEP - 1), w, rb, nr, x, nc, NULL,  \
         out, pf);                                                          \
}

Z2_OF_SPAN(dot2_f32_z_body, span_f32_body)
Z2_OF_SPAN(dot2_f16_z_body, span_f16_body)
Z2_OF_SPAN(dot2_bf16_z_body, span_bf16_body)
static Z2_DISPATCH(dot2_f32_z, dot2_f32_z_body)
static Z2_DISPATCH(dot2_f16_z, dot2_f16_z_body)
static Z2_DISPATCH(dot2_bf16_z, dot2_bf16_z_body)

/* a span of every row of a tile: pairs, then a last odd row alone */
#define ZK_TILE_OF_SPAN(NAME, SPAN)                                         \
KINL void NAME(uint64_t n, uint64_t k0, uint64_t k1, const void *w,         \
               size_t rb, uint32_t rows, const void *const *x,            \
               const int nc, float *acc, float *out, const void *pf)        \
{                                                                           \
    uint32_t q = 0;                                                         \
    for (; q + 1 < rows; q += 2) {                                          \
        SPAN(n, k0, k1, (const uint8_t *)w + q * rb, rb, 2, x, nc,          \
             acc + HC1_DOTK_ACC(q, 0), out + q * HC1_MAX_COLS,              \
             pf ? (const uint8_t *)pf + q * rb : NULL);                     \
    }                                                                       \
    if (q < rows) {                                                         \
        SPAN(n, k0, k1, (const uint8_t *)w + q * rb, rb, 1, x, nc,          \
             acc + HC1_DOTK_ACC(q, 0), out + q * HC1_MAX_COLS,              \
             pf ? (const uint8_t *)pf + q * rb : NULL);                     \
    }                                                                       \
}

ZK_TILE_OF_SPAN(tile_f32_body, span_f32_body)
ZK_TILE_OF_SPAN(tile_f16_body, span_f16_body)
ZK_TILE_OF_SPAN(tile_bf16_body, span_bf16_body)
static ZK_DISPATCH(span_f32_z, tile_f32_body)
static ZK_DISPATCH(span_f16_z, tile_f16_body)
static ZK_DISPATCH(span_bf16_z, tile_bf16_body)

/*
 * BF16 weights with vdpbf16ps (HC1_ISA_AVX512_BF16): 32 weights per
 * instruction straight from the row, against the activation's packed
 * bf16 copy, no widening. The products are exact (8-bit significands)
 * and summed in f32, pairs then lanes, so the order differs from the
 * f32-FMA kernels (dot2_bf16_z); every (row, column) still runs the
 * same sequence whatever nr and nc. A last partial step uses masked
 * loads (zeros add nothing), so the tail follows the same path.
 */
static inline __attribute__((always_inline, target(T512BF)))
void dot2_bf16_dp_body(uint64_t n, const void *w, size_t rb, const int nr,
                       const void *const *x, const int nc, float *out,
                       const void *pf)
{
    const uint16_t *wr[2] = { w, (const uint16_t *)((const uint8_t *)w + rb) };
    const uint16_t *xb[HC1_MAX_COLS];
    __m512 acc[2][HC1_MAX_COLS];
    uint64_t i = 0;

    for (int c = 0; c < nc; c++) {
        xb[c] = hc1_act_bf16(x[c], n);
        for (int r = 0; r < nr; r++) {
            acc[r][c] = _mm512_setzero_ps();
        }
    }
    for (; i + 32 <= n; i += 32) {
        __m512bh wv[2];
        KPF(pf, rb, nr, i * 2, 64);
        for (int r = 0; r < nr; r++) {
            wv[r] = (__m512bh)_mm512_loadu_si512(wr[r] + i);
        }
        for (int c = 0; c < nc; c++) {
            __m512bh xv = (__m512bh)_mm512_loadu_si512(xb[c] + i);
            for (int r = 0; r < nr; r++) {
                acc[r][c] = _mm512_dpbf16_ps(acc[r][c], wv[r], xv);
            }
        }
    }
    if (i < n) {
        __mmask32 m = (__mmask32)((1u << (n - i)) - 1);
        __m512bh wv[2];
        for (int r = 0; r < nr; r++) {
            wv[r] = (__m512bh)_mm512_maskz_loadu_epi16(m, wr[r] + i);
        }
        for (int c = 0; c < nc; c++) {
            __m512bh xv = (__m512bh)_mm512_maskz_loadu_epi16(m, xb[c] + i);
            for (int r = 0; r < nr; r++) {
                acc[r][c] = _mm512_dpbf16_ps(acc[r][c], wv[r], xv);
            }
        }
    }
    for (int r = 0; r < nr; r++) {
        for (int c = 0; c < nc; c++) {
            out[r * HC1_MAX_COLS + c] = _mm512_reduce_add_ps(acc[r][c]);
        }
    }
}

static Z2_DISPATCH_T(dot2_bf16_dp, dot2_bf16_dp_body, T512BF)

ONE_ROW_OF(dot_bf16_dp, dot2_bf16_dp)

hc1_dotk_fn hc1_dotk_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    if (isa < HC1_ISA_AVX512) {
        return NULL;
    }
    switch (wtype) {
    case GGML_F32:
        return span_f32_z;
    case GGML_F16:
        return span_f16_z;
    case GGML_BF16:
        /* vdpbf16ps (the two-row kernel above) has no span form */
        return isa >= HC1_ISA_AVX512_BF16 ? NULL : span_bf16_z;
    default:
        return NULL;
    }
}

hc1_dot2_fn hc1_dot2_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    if (isa < HC1_ISA_AVX512) {
        return NULL;
    }
    switch (wtype) {
    case GGML_F32:
        return dot2_f32_z;
    case GGML_F16:
        return dot2_f16_z;
    case GGML_BF16:
        return isa >= HC1_ISA_AVX512_BF16 ? dot2_bf16_dp : dot2_bf16_z;
    case GGML_Q8_0:
        return hc1_dot2_q8_0_z;
    case GGML_Q4_0:
        return hc1_dot2_q4_0_z;
    case GGML_Q4_K:
        return hc1_dot2_q4_K_z;
    case GGML_Q6_K:
        return hc1_dot2_q6_K_z;
    default:
        return NULL;
    }
}

/* hc1_round_i8 on 16 lanes: NaN to 0, clamped, half to even */
static inline __attribute__((always_inline, target(T512)))
__m128i round_i8_z(__m512 f)
{
    __mmask16 nan = _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q);
    f = _mm512_min_ps(_mm512_max_ps(f, _mm512_set1_ps(-128.0f)),
                      _mm512_set1_ps(127.0f));
    return _mm512_cvtepi32_epi8(_mm512_maskz_cvtps_epi32(~nan, f));
}

/* max(|v|, m) with a NaN in v ignored, as the scalar a > amax test does */
static inline __attribute__((always_inline, target(T512)))
__m512 amax_z(__m512 v, __m512 m)
{
    /* vmaxps returns its second operand when the first is NaN */
    return _mm512_max_ps(_mm512_abs_ps(v), m);
}

/*
 * F16C rounds to nearest even, with subnormals and overflow as
 * hc1_f32_to_f16 (test_quant checks every half and the midpoints); only
 * a NaN's payload could differ. The tail of fewer than 8 goes through
 * the portable conversion.
 */
__attribute__((target("avx2,f16c")))
bool hc1_to_f16_x86(const float *x, uint16_t *h, float *r, uint64_t n)
{
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i b = _mm256_cvtps_ph(_mm256_loadu_ps(x + i),
                                    _MM_FROUND_TO_NEAREST_INT |
                                    _MM_FROUND_NO_EXC);
        if (h) {
            _mm_storeu_si128((__m128i *)(h + i), b);
        }
        if (r) {
            _mm256_storeu_ps(r + i, _mm256_cvtph_ps(b));
        }
    }
    for (; i < n; i++) {
        uint16_t b = hc1_f32_to_f16(x[i]);
        if (h) {
            h[i] = b;
        }
        if (r) {
            r[i] = _cvtsh_ss(b);
        }
    }
    return true;
}

__attribute__((target(T512)))
bool hc1_q8_quants_x86(uint32_t type, const float *x, int8_t *qs, float *d,
                       uint64_t n)
{
    if (type == GGML_Q8_0) {
        for (uint64_t i = 0; i < n / 32; i++) {
            __m512 v0 = _mm512_loadu_ps(x + 32 * i);
            __m512 v1 = _mm512_loadu_ps(x + 32 * i + 16);
            float amax = _mm512_reduce_max_ps(
                amax_z(v1, amax_z(v0, _mm512_setzero_ps())));
            float id = amax != 0.0f ? 127.0f / amax : 0.0f;
            d[i] = f16_to_f32(hc1_f32_to_f16(amax / 127.0f));
            __m512 idv = _mm512_set1_ps(id);
            _mm_storeu_si128((__m128i *)(qs + 32 * i),
                             round_i8_z(_mm512_mul_ps(v0, idv)));
            _mm_storeu_si128((__m128i *)(qs + 32 * i + 16),
                             round_i8_z(_mm512_mul_ps(v1, idv)));
        }
        return true;
    }
    if (type != GGML_Q8_K) {
        return false;
    }
    for (uint64_t i = 0; i < n / 256; i++) {
        const float *v = x + 256 * i;
        __m512 m = _mm512_setzero_ps();
        for (int k = 0; k < 16; k++) {
            m = amax_z(_mm512_loadu_ps(v + 16 * k), m);
        }
        float amax = _mm512_reduce_max_ps(m);
        if (amax == 0.0f) {
            d[i] = 0.0f;
            memset(qs + 256 * i, 0, 256);
            continue;
        }
        /* the first element of largest magnitude gives the sign */
        float max = 0.0f;
        for (int k = 0; k < 16; k++) {
            __mmask16 e = _mm512_cmp_ps_mask(
                _mm512_abs_ps(_mm512_loadu_ps(v + 16 * k)),
                _mm512_set1_ps(amax), _CMP_EQ_OQ);
            if (e) {
                max = v[16 * k + __builtin_ctz(e)];
                break;
            }
        }
        float iscale = -127.0f / max;
        __m512 is = _mm512_set1_ps(iscale);
        for (int k = 0; k < 16; k++) {
            _mm_storeu_si128((__m128i *)(qs + 256 * i + 16 * k),
                             round_i8_z(_mm512_mul_ps(
                                 _mm512_loadu_ps(v + 16 * k), is)));
        }
        d[i] = 1.0f / iscale;
    }
    return true;
}

hc1_dotp_fn hc1_dotp_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    if (isa < HC1_ISA_AVX512) {
        return NULL;
    }
    switch (wtype) {
    case GGML_Q8_0:
        return hc1_dotp_q8_0_z;
    case GGML_Q4_0:
        return hc1_dotp_q4_0_z;
    case GGML_Q4_K:
        return hc1_dotp_q4_K_z;
    case GGML_Q6_K:
        return hc1_dotp_q6_K_z;
    default:
        return NULL;
    }
}

hc1_dott_fn hc1_dott_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    if (isa < HC1_ISA_AVX512) {
        return NULL;
    }
    switch (wtype) {
    case GGML_Q4_0:
        return hc1_dott_q4_0_z;
    case GGML_Q4_K:
        return hc1_dott_q4_K_z;
    default:
        return NULL;
    }
}

hc1_dot_fn hc1_dot_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    bool v = isa >= HC1_ISA_AVX512;
    if (isa < HC1_ISA_AVX2) {
        return NULL;
    }
    switch (wtype) {
    case GGML_F32:
        return v ? dot_f32_z : dot_f32_avx2;
    case GGML_F16:
        return v ? dot_f16_z : dot_f16_avx2;
    case GGML_BF16:
        if (isa >= HC1_ISA_AVX512_BF16) {
            return dot_bf16_dp;
        }
        return v ? dot_bf16_z : dot_bf16_avx2;
    case GGML_Q8_0:
        return v ? dot_q8_0_z : dot_q8_0_avx2;
    case GGML_Q4_0:
        return v ? dot_q4_0_z : dot_q4_0_avx2;
    case GGML_Q4_K:
        return v ? dot_q4_K_vnni : dot_q4_K_avx2;
    case GGML_Q6_K:
        return v ? dot_q6_K_vnni : dot_q6_K_avx2;
    default:
        return NULL;
    }
}

#else

hc1_dot_fn hc1_dot_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    (void)wtype;
    (void)isa;
    return NULL;
}

hc1_dotk_fn hc1_dotk_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    (void)wtype;
    (void)isa;
    return NULL;
}

hc1_dot2_fn hc1_dot2_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    (void)wtype;
    (void)isa;
    return NULL;
}

hc1_dotp_fn hc1_dotp_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    (void)wtype;
    (void)isa;
    return NULL;
}

hc1_dott_fn hc1_dott_kernel_x86(uint32_t wtype, hc1_isa isa)
{
    (void)wtype;
    (void)isa;
    return NULL;
}

bool hc1_to_f16_x86(const float *x, uint16_t *h, float *r, uint64_t n)
{
    (void)x;
    (void)h;
    (void)r;
    (void)n;
    return false;
}

bool hc1_q8_quants_x86(uint32_t type, const float *x, int8_t *qs, float *d,
                       uint64_t n)
{
    (void)type;
    (void)x;
    (void)qs;
    (void)d;
    (void)n;
    return false;
}

#endif
