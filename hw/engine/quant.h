/*
 * Weight and activation formats, bit-compatible with ggml's block
 * layouts: the type table, half-precision conversions, reference
 * dequantisation and the activation quantisers.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_QUANT_H
#define HC1_QUANT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ggml type numbering, as stored in GGUF tensor infos. */
enum {
    GGML_F32 = 0,
    GGML_F16 = 1,
    GGML_Q4_0 = 2,
    GGML_Q4_1 = 3,
    GGML_Q5_0 = 6,
    GGML_Q5_1 = 7,
    GGML_Q8_0 = 8,
    GGML_Q8_1 = 9,
    GGML_Q2_K = 10,
    GGML_Q3_K = 11,
    GGML_Q4_K = 12,
    GGML_Q5_K = 13,
    GGML_Q6_K = 14,
    GGML_Q8_K = 15,
    GGML_BF16 = 30,
    GGML_TYPE_MAX = 40
};

#define QK8_0 32
#define QK4_0 32
#define QK_K 256

/*
 * Block layouts (all packed by construction: only byte-sized members or
 * naturally aligned ones).
 */
typedef struct {
    uint16_t d;             /* f16 scale */
    int8_t qs[QK8_0];
} blk_q8_0;                 /* 34 bytes */

typedef struct {
    uint16_t d;             /* f16 scale */
    uint8_t qs[QK4_0 / 2];  /* low nibbles: 0..15, high nibbles: 16..31 */
} blk_q4_0;                 /* 18 bytes */

typedef struct {
    uint16_t d;             /* f16 scale of the 6-bit sub-block scales */
    uint16_t dmin;          /* f16 scale of the 6-bit sub-block mins */
    uint8_t scales[12];     /* 8 scales + 8 mins, 6 bits each */
    uint8_t qs[QK_K / 2];   /* 4-bit quants, 64 values per 32 bytes */
} blk_q4_K;                 /* 144 bytes */

typedef struct {
    uint8_t ql[QK_K / 2];   /* low 4 bits */
    uint8_t qh[QK_K / 4];   /* high 2 bits */
    int8_t scales[QK_K / 16];
    uint16_t d;             /* f16 super-block scale */
} blk_q6_K;                 /* 210 bytes */

typedef struct {
    float d;
    int8_t qs[QK_K];
    int16_t bsums[QK_K / 16];
} blk_q8_K;                 /* 292 bytes: activations for K-quants */

typedef struct ggml_type_traits {
    const char *name;
    uint32_t blck;          /* elements per block, 0 = unknown type */
    uint32_t size;          /* bytes per block */
} ggml_type_traits;

const ggml_type_traits *ggml_traits(uint32_t type);
/* Type the engine computes with (weights). */
bool hc1_weight_type_supported(uint32_t type);
/* Bytes of one row of @n elements; 0 if n is not a multiple of the block. */
size_t ggml_row_size(uint32_t type, uint64_t n);

/* ---- half precision (round to nearest even, like F16C) ----------- */

/*
 * Round an activation to int8 as the Q8 quantisers do (half to even),
 * defined for every input: a model whose weights make an activation NaN
 * or infinite must give NaN logits, not undefined behaviour (converting a
 * NaN or an out-of-range float to an integer is undefined in C). NaN
 * becomes 0; the block's scale, computed from the same values, carries
 * the NaN or infinity into the result.
 */
static inline int8_t hc1_round_i8(float v)
{
    if (!(v > -128.0f)) {           /* also NaN */
        return v == v ? -128 : 0;
    }
    return v < 127.0f ? (int8_t)rintf(v) : 127;
}

static inline float f32_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

float hc1_f16_to_f32_slow(uint16_t h);
uint16_t hc1_f32_to_f16(float f);
extern float hc1_f16_table[65536];
void hc1_quant_init(void);

static inline float f16_to_f32(uint16_t h)
{
    return hc1_f16_table[h];
}

static inline float bf16_to_f32(uint16_t h)
{
    return f32_from_bits((uint32_t)h << 16);
}

/* ---- reference dequantisation (one row of @n elements) ---------- */

void hc1_dequant_row(uint32_t type, const void *src, float *dst, uint64_t n);

/* ---- activation quantisers (as llama.cpp's CPU backend does) ------ */

void hc1_quant_row_q8_0(const float *x, blk_q8_0 *y, uint64_t n);
void hc1_quant_row_q8_K(const float *x, blk_q8_K *y, uint64_t n);
void hc1_quant_row_f16(const float *x, uint16_t *y, uint64_t n);

/*
 * The activation format paired with each weight format: what one
 * matmul input row is converted to before the dot products.
 */
uint32_t hc1_vec_dot_type(uint32_t wtype);

#endif /* HC1_QUANT_H */
