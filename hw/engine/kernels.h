/*
 * Dot-product kernels: one weight row against up to HC1_MAX_COLS
 * activation columns that were converted once per matmul to the
 * weight format's activation type (see hc1_vec_dot_type()).
 *
 * Every kernel computes each column with the same sequence of
 * operations whatever the number of columns, so a token's result never
 * depends on what else is in the batch.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_KERNELS_H
#define HC1_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HC1_MAX_COLS 8

/*
 * F16 and BF16 activations are f32 values rounded to that precision
 * (exactly representable, so the products equal ggml's f16 x f16).
 * BF16 activations are followed by the same values packed as bf16
 * (uint16_t[n] at byte offset hc1_act_bf16_off(n), 64-byte aligned), for
 * vdpbf16ps.
 *
 * Quantised activation column of n elements (n a multiple of 32, and of
 * 256 for the Q8_K kind), one contiguous buffer:
 *   int8_t  qs[n]                  quants
 *   float   d[n / 32]  (Q8_0 kind) f16-rounded block scales, or
 *   float   d[n / 256] (Q8_K kind) super-block scales
 *   int16_t bsum[n / 16]           sums of 16 quants
 */
typedef struct hc1_actq_view {
    const int8_t *qs;
    const float *d;
    const int16_t *bsum;
} hc1_actq_view;

size_t hc1_act_bytes(uint32_t act_type, uint64_t n);

/* The packed bf16 copy of a BF16 activation column (see above). */
static inline uint64_t hc1_act_bf16_off(uint64_t n)
{
    return (n * 4 + 63) & ~(uint64_t)63;
}

static inline const uint16_t *hc1_act_bf16(const void *buf, uint64_t n)
{
    return (const uint16_t *)((const uint8_t *)buf + hc1_act_bf16_off(n));
}

/* Convert one f32 row to the activation type into @dst. */
void hc1_act_convert(uint32_t act_type, const float *x, void *dst, uint64_t n);
/*
 * Only elements [k0, k1) of the row (whole blocks of the type), into
 * their places in @dst: converting a row in ranges gives its bits.
 */
void hc1_act_convert_range(uint32_t act_type, const float *x, void *dst,
                           uint64_t n, uint64_t k0, uint64_t k1);

/* Sections of a quantised activation buffer (see the layout above). */
static inline hc1_actq_view hc1_actq(const void *buf, uint32_t act_type,
                                     uint64_t n)
{
    hc1_actq_view v;
    const uint8_t *p = (const uint8_t *)buf;
    uint64_t nd = act_type == 15 /* GGML_Q8_K */ ? n / 256 : n / 32;
    v.qs = (const int8_t *)p;
    v.d = (const float *)(p + n);
    v.bsum = (const int16_t *)(p + n + nd * 4);
    return v;
}

typedef void (*hc1_dot_fn)(uint64_t n, const void *w,
                           const void *const *x, int ncols, float *out);

/*
 * Two-row kernels: rows @w and @w + @row_bytes (nr = 1 or 2) against
 * the same columns; out[r * HC1_MAX_COLS + c]. A row's result is
 * bit-identical whether it runs alone or paired, and whatever nc is.
 *
 * @pf (may be NULL): rows the caller will run next, laid out as @w's;
 * the kernel prefetches the bytes of them that match those it is
 * working on, so the requests go out at the pace of the compute (see
 * matmul.c). Only a hint: it never changes a result.
 */
typedef void (*hc1_dot2_fn)(uint64_t n, const void *w, size_t row_bytes,
                            int nr, const void *const *x, int nc,
                            float *out, const void *pf);

/*
 * Span kernels (the float formats on AVX-512): the two-row kernel cut
 * along the inner dimension, so the matmul can run a tile of rows
 * against a span of the columns that fits L1 (8 f32 columns of 2048
 * elements are 64 KiB, more than L1; see matmul.c) and go on with the
 * next span. Runs elements [@k0, @k1) of the @rows rows from @w,
 * @row_bytes apart (in pairs, a last odd row alone), @k0 and @k1
 * multiples of HC1_DOTK_STEP, @k1 at most n rounded down to one. Each
 * (row, column)'s running sums are carried in @acc (HC1_DOTK_ACC(r, c),
 * 64-byte aligned): @k0 = 0 starts them at zero; the span that ends at
 * n rounded down finishes them into out[r * HC1_MAX_COLS + c], the tail
 * included. Any cut into spans gives the bits of the format's two-row
 * kernel. @pf as for the two-row kernels, for all @rows rows.
 */
#define HC1_DOTK_STEP 16
/* The span the matmul runs them over, in elements (matmul.c, mm_spans). */
#define HC1_DOTK_SPAN 1024
#define HC1_DOTK_ACC(r, c) (((r) * HC1_MAX_COLS + (c)) * HC1_DOTK_STEP)
typedef void (*hc1_dotk_fn)(uint64_t n, uint64_t k0, uint64_t k1,
                            const void *w, size_t row_bytes, uint32_t rows,
                            const void *const *x, int nc, float *acc,
                            float *out, const void *pf);

/*
 * Column panels: the quantised activations of one group of up to
 * HC1_MAX_COLS columns (Q8_0 or Q8_K kind) interleaved, so a panel
 * kernel broadcasts 8 weights to all columns at once and every 32-bit
 * lane of a vpdpbusd belongs to one column. Missing columns are zeros.
 * One buffer, each section 64-byte aligned:
 *   int8_t  qs[n / 8][8][8]     chunk k (elements 8k..8k+7) of each
 *                               column in turn
 *   float   d[nd][8]            block (Q8_0, nd rounded up to even) or
 *                               super-block (Q8_K)
 *                               scales (index: hc1_panel_bi())
 *   Q8_0 kind: int32_t no8[nd][8]       -8 * the block's quant sum
 *                                       (index: hc1_panel_bi())
 *   Q8_K kind: int16_t s32[n / 256][2][16][2]  the 32-sums of each
 *                                       column's sub-blocks: for super-
 *                                       block i, sub-block sb of column
 *                                       c is s32[i][sb / 4][8 (sb / 2 %
 *                                       2) + c][sb % 2], so each vector
 *                                       pairs two sub-blocks of all
 *                                       columns (index: hc1_panel_s32i())
 * The panel of Q6_K weights (kind GGML_Q6_K, Q8_K activations) keeps
 * the columns apart and puts one 16-group of each super-block in each
 * vpdpbusd lane (kernels_x86_kquant.c): lane 4L + p holds group 4p + L
 *   int8_t  qs[n / 256][8][4][16][4]  super-block i of column c, vector
 *                               k, 32-bit lane 4L + p: quants 64p +
 *                               16L + 4k .. 64p + 16L + 4k + 3
 *   int32_t nb[n / 256][8][16]  -32 * the 16-sum of the lane's group
 *   float   d[n / 256][8]       the super-block scales
 */
size_t hc1_panel_bytes(uint32_t kind, uint64_t n);

/*
 * The panel kind the panel kernel of weight type @wtype reads: its
 * activation type, except GGML_Q6_K for Q6_K.
 */
uint32_t hc1_panel_kind(uint32_t wtype);

/*
 * Where block @i of column @c sits in d and no8: Q8_0 blocks go by
 * pairs, [pair][column][block of the pair], so one vector holds both
 * blocks of every column (lane 2c + h); Q8_K by block then column.
 */
static inline uint64_t hc1_panel_bi(uint32_t act_type, uint64_t i, int c)
{
    if (act_type == 15 /* GGML_Q8_K */) {
        return i * HC1_MAX_COLS + c;
    }
    return (i & ~(uint64_t)1) * HC1_MAX_COLS + 2 * c + (i & 1);
}

/* Where sub-block @sb (0-7) of super-block @i of column @c sits in s32. */
static inline uint64_t hc1_panel_s32i(uint64_t i, int sb, int c)
{
    return i * 64 + (sb / 4) * 32 + (8 * (sb / 2 % 2) + c) * 2 + sb % 2;
}

/* @cols: activations of the kind's activation type (Q8_K for Q6_K) */
void hc1_panel_build(uint32_t kind, uint64_t n, const void *const *cols,
                     int nc, void *dst);
/*
 * The same for elements [k0, k1) only (multiples of 256, or k1 = n):
 * the rest of @dst is left as it is, so threads can build a panel in
 * parts.
 */
void hc1_panel_build_range(uint32_t kind, uint64_t n,
                           const void *const *cols, int nc, void *dst,
                           uint64_t k0, uint64_t k1);

/* Blocks in d (and no8): Q8_0 rounds up to whole pairs. */
static inline uint64_t hc1_panel_nd(uint32_t kind, uint64_t n)
{
    return kind == 8 /* GGML_Q8_0 */ ? (n / 32 + 1) & ~1ull : n / 256;
}

typedef struct hc1_panel_view {
    const int8_t *qs;
    const float *d;
    const int32_t *no8;     /* Q8_0 kind */
    const int16_t *s32;     /* Q8_K kind */
    const int32_t *nb;      /* Q6_K kind */
} hc1_panel_view;

static inline hc1_panel_view hc1_panel(const void *buf, uint32_t kind,
                                       uint64_t n)
{
    hc1_panel_view v;
    const uint8_t *p = (const uint8_t *)buf;
    uint64_t aux = (n * 8 + hc1_panel_nd(kind, n) * 32 + 63) &
                   ~(uint64_t)63;
    v.qs = (const int8_t *)p;
    v.d = (const float *)(p + n * 8);
    v.no8 = (const int32_t *)(p + aux);
    v.s32 = (const int16_t *)(p + aux);
    v.nb = (const int32_t *)(p + aux);
    return v;
}

/*
 * Panel kernels: rows @w and @w + @row_bytes (nr = 1 or 2) against all
 * HC1_MAX_COLS columns of a panel; out[r * HC1_MAX_COLS + c]. Each
 * (row, column) gets the bits the format's two-row kernel gives it
 * alone: the exact integer sums of a block, then the same floating
 * point steps in the same order (kernels_x86_block32.c,
 * kernels_x86_kquant.c).
 */
typedef void (*hc1_dotp_fn)(uint64_t n, const void *w, size_t row_bytes,
                            int nr, const void *panel, float *out,
                            const void *pf);

/*
 * Tile kernels (Q4_0, Q4_K): HC1_TILE_ROWS rows from @w (@row_bytes apart)
 * against the first @nc columns of a panel in one pass, row r's result
 * for column c to cols[c][r]: each column's results are one run, so
 * they go out as whole vectors. Each (row, column) gets the bits of
 * the panel kernel (kernels_x86_tile.c). @pf: the next HC1_TILE_ROWS
 * rows, laid out as @w's (one run of HC1_TILE_ROWS * @row_bytes bytes),
 * prefetched in address order over the pass; or NULL.
 */
#define HC1_TILE_ROWS 32
typedef void (*hc1_dott_fn)(uint64_t n, const void *w, size_t row_bytes,
                            const void *panel, float *const *cols, int nc,
                            const void *pf);

typedef enum hc1_isa {
    HC1_ISA_PORTABLE = 0,
    HC1_ISA_AVX2,
    HC1_ISA_AVX512,      /* AVX-512 F/BW/VL with VNNI */
    HC1_ISA_AVX512_BF16, /* the same plus AVX512_BF16 (vdpbf16ps) */
} hc1_isa;

/* Best kernel for a weight type on this CPU (NULL if unsupported). */
hc1_dot_fn hc1_dot_kernel(uint32_t wtype);
/* The two-row kernel for the level in force, or NULL. */
hc1_dot2_fn hc1_dot2_kernel(uint32_t wtype);
hc1_dot2_fn hc1_dot2_kernel_x86(uint32_t wtype, hc1_isa isa);
/* The span kernel for the level in force, or NULL. */
hc1_dotk_fn hc1_dotk_kernel(uint32_t wtype);
hc1_dotk_fn hc1_dotk_kernel_x86(uint32_t wtype, hc1_isa isa);
/* The panel kernel for the level in force, or NULL. */
hc1_dotp_fn hc1_dotp_kernel(uint32_t wtype);
hc1_dotp_fn hc1_dotp_kernel_x86(uint32_t wtype, hc1_isa isa);
/* The tile kernel for the level in force, or NULL. */
hc1_dott_fn hc1_dott_kernel(uint32_t wtype);
hc1_dott_fn hc1_dott_kernel_x86(uint32_t wtype, hc1_isa isa);
/* A kernel at a given ISA level, for tests (NULL if not available). */
hc1_dot_fn hc1_dot_kernel_isa(uint32_t wtype, hc1_isa isa);
hc1_isa hc1_isa_best(void);
const char *hc1_isa_name(hc1_isa isa);
/* The level in force (forced or best). */
hc1_isa hc1_isa_current(void);
/* Force an ISA level (tests, tools); returns the level in force. */
hc1_isa hc1_isa_force(hc1_isa isa);

/* Portable kernels (kernels_ref.c). */
void hc1_dot_f32_ref(uint64_t n, const void *w, const void *const *x,
                     int ncols, float *out);
void hc1_dot_f16_ref(uint64_t n, const void *w, const void *const *x,
                     int ncols, float *out);
void hc1_dot_bf16_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out);
void hc1_dot_q8_0_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out);
void hc1_dot_q4_0_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out);
void hc1_dot_q4_K_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out);
void hc1_dot_q6_K_ref(uint64_t n, const void *w, const void *const *x,
                      int ncols, float *out);

/*
 * Q8_0 or Q8_K quants and scales of @x with AVX-512 (the bytes of the
 * portable quantiser); false where not built.
 */
bool hc1_q8_quants_x86(uint32_t type, const float *x, int8_t *qs, float *d,
                       uint64_t n);

/*
 * @x rounded to f16: the bits to @h and the rounded values to @r (either
 * may be NULL), with the bits of hc1_f32_to_f16 at every ISA level (F16C
 * where there is AVX2). The f16 KV cache and the f16 activations.
 */
void hc1_to_f16(const float *x, uint16_t *h, float *r, uint64_t n);
bool hc1_to_f16_x86(const float *x, uint16_t *h, float *r, uint64_t n);

/* x86 kernels (kernels_x86.c); NULL entries where not built. */
hc1_dot_fn hc1_dot_kernel_x86(uint32_t wtype, hc1_isa isa);

/* Small vector helpers with run-time dispatch (f32 dot, axpy). */
float hc1_vec_dot_f32(const float *a, const float *b, uint64_t n);

/*
 * Attention over a KV cache of @n positions, @stride bytes apart, each
 * head @hd values of f16 (kv16) or f32:
 *   scores:  out[p] = dot(q, k_p)
 *   weights: w[p] = w[p] * inv, rounded to f16 with an f16 cache (ggml
 *            multiplies by an f16 matrix); every level gives the same
 *            bits
 *   values:  out[d] = sum_p w[p] * v_p[d]   (p in order)
 *   values4: values for 4 query heads that share the values, w[h] and
 *            out[h] for h < 4, each with values' bits; NULL where the
 *            level has none (the caller runs values per head)
 *   scores4: scores for 4 query heads that share the keys, q[h] and
 *            out[h], each with scores' bits; NULL as values4
 */
typedef struct hc1_att_kernels {
    void (*scores)(const float *q, const uint8_t *k, size_t stride,
                   uint32_t n, uint32_t hd, float *out);
    void (*weights)(float *w, uint32_t n, float inv);
    void (*values)(const float *w, const uint8_t *v, size_t stride,
                   uint32_t n, uint32_t hd, float *out);
    void (*values4)(const float *const *w, const uint8_t *v, size_t stride,
                    uint32_t n, uint32_t hd, float *const *out);
    void (*scores4)(const float *const *q, const uint8_t *k, size_t stride,
                    uint32_t n, uint32_t hd, float *const *out);
} hc1_att_kernels;

hc1_att_kernels hc1_att_kernel(bool kv16, uint32_t hd);
hc1_att_kernels hc1_att_kernel_x86(bool kv16, hc1_isa isa);

/*
 * The exponentials of the per-token steps, by hc1_expf (vexp.h); every
 * level gives the portable code's bits:
 *   softmax: s[p] = exp(scale * s[p] - m), m the largest scale * s[p]
 *            (0 for a NaN); returns the sum of the results in double:
 *            eight partial sums, over the positions p % 8 = 0 .. 7 in
 *            order, then ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7))
 *   swiglu:  g[i] = g[i] / (1 + exp(-g[i])) * u[i]
 *   expsum:  y[i] = exp((x[i] - shift) * scale), 0 where that argument
 *            is NaN; returns the sum of the y[i] in double, summed as
 *            softmax's; @y may be NULL (the sum only) or @x
 * and the sampler's other pass over the vocabulary:
 *   argmax:  the first i with the largest x[i], NaN counting as
 *            -INFINITY, and that value in *mx (0 and -INFINITY if every
 *            x[i] is NaN)
 */
typedef struct hc1_exp_kernels {
    double (*softmax)(float *s, uint32_t n, float scale);
    void (*swiglu)(float *g, const float *u, size_t n);
    double (*expsum)(const float *x, float *y, uint32_t n, float shift,
                     float scale);
    uint32_t (*argmax)(const float *x, uint32_t n, float *mx);
} hc1_exp_kernels;

hc1_exp_kernels hc1_exp_kernel(void);
hc1_exp_kernels hc1_exp_kernel_x86(hc1_isa isa);

#endif /* HC1_KERNELS_H */
