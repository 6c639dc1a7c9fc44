/*
 * hc1-mkmodel: ggml tensor types, half-precision conversions and block
 * quantizers.
 *
 * The block layouts are the ones ggml defines (all little-endian,
 * f16 = IEEE binary16):
 *
 *   Q8_0   32 values in 34 bytes: f16 d, int8 q[32];       x = d * q
 *   Q4_0   32 values in 18 bytes: f16 d, uint8 qs[16];     x = d * (q - 8)
 *          value j < 16 in the low nibble of qs[j], value j + 16 in
 *          the high nibble
 *   Q4_K   256 values in 144 bytes: f16 d, f16 dmin, uint8 scales[12],
 *          uint8 qs[128]; eight sub-blocks of 32 with 6-bit scale sc and
 *          6-bit min m: x = d * sc * q - dmin * m, q in 0..15
 *   Q6_K   256 values in 210 bytes: uint8 ql[128], uint8 qh[64],
 *          int8 scales[16], f16 d; sixteen sub-blocks of 16:
 *          x = d * scale * (q - 32), q in 0..63
 *
 * The quantizers here are our own and are deterministic: the same
 * input always gives the same bytes.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MKMODEL_QUANT_H
#define HC1_MKMODEL_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ggml_type values as stored in GGUF tensor infos. */
typedef enum Hc1GgmlType {
    HC1_TYPE_F32 = 0,
    HC1_TYPE_F16 = 1,
    HC1_TYPE_Q4_0 = 2,
    HC1_TYPE_Q8_0 = 8,
    HC1_TYPE_Q4_K = 12,
    HC1_TYPE_Q6_K = 14,
    HC1_TYPE_BF16 = 30,
} Hc1GgmlType;

#define HC1_QK8_0 32
#define HC1_QK4_0 32
#define HC1_QK_K 256
#define HC1_Q8_0_BYTES 34
#define HC1_Q4_0_BYTES 18
#define HC1_Q4_K_BYTES 144
#define HC1_Q6_K_BYTES 210

bool hc1_type_known(uint32_t type);
const char *hc1_type_name(Hc1GgmlType type);
/* Values per block (1 for plain float types). */
size_t hc1_type_block_values(Hc1GgmlType type);
/* Bytes per block. */
size_t hc1_type_block_bytes(Hc1GgmlType type);
/* Bytes of a row of @n values; @n must be a multiple of the block. */
size_t hc1_type_row_bytes(Hc1GgmlType type, uint64_t n);

uint16_t hc1_f32_to_f16(float f);
float hc1_f16_to_f32(uint16_t h);
/* The smallest f16 whose value is >= @f (for @f >= 0). */
uint16_t hc1_f32_to_f16_up(float f);
/* @n values to little-endian f16 at @out. */
void hc1_f32_to_f16_row(const float *x, size_t n, uint8_t *out);
/* Round @n values in place to the nearest f16 value. */
void hc1_round_to_f16_row(float *x, size_t n);
uint16_t hc1_f32_to_bf16(float f);
float hc1_bf16_to_f32(uint16_t h);

/*
 * Convert @n values (a multiple of the block size of @type) into @type
 * at @out. Returns the number of bytes written.
 */
size_t hc1_quantize_row(Hc1GgmlType type, const float *x, size_t n,
                        uint8_t *out);

void hc1_quantize_block_q8_0(const float *x, uint8_t *out);
void hc1_quantize_block_q4_0(const float *x, uint8_t *out);
void hc1_quantize_block_q4_k(const float *x, uint8_t *out);
void hc1_quantize_block_q6_k(const float *x, uint8_t *out);

#endif
