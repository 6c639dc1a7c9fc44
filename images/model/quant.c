/*
 * hc1-mkmodel: ggml tensor types, half-precision conversions and block
 * quantizers (layouts in quant.h).
 *
 * The quantizers choose their scales so that every input value lies
 * inside the range the block can represent: each value is then off by
 * at most half a quantization step of its (sub-)block, a bound the
 * unit tests check. (Q4_0 keeps ggml's convention that the value of
 * largest magnitude maps to -8 d; a value of the opposite sign and
 * about the same magnitude is then clipped to 7 d, up to one step off.)
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "quant.h"

#include <math.h>
#include <string.h>

bool hc1_type_known(uint32_t type)
{
    switch (type) {
    case HC1_TYPE_F32:
    case HC1_TYPE_F16:
    case HC1_TYPE_Q4_0:
    case HC1_TYPE_Q8_0:
    case HC1_TYPE_Q4_K:
    case HC1_TYPE_Q6_K:
    case HC1_TYPE_BF16:
        return true;
    default:
        return false;
    }
}

const char *hc1_type_name(Hc1GgmlType type)
{
    switch (type) {
    case HC1_TYPE_F32:
        return "f32";
    case HC1_TYPE_F16:
        return "f16";
    case HC1_TYPE_Q4_0:
        return "q4_0";
    case HC1_TYPE_Q8_0:
        return "q8_0";
    case HC1_TYPE_Q4_K:
        return "q4_K";
    case HC1_TYPE_Q6_K:
        return "q6_K";
    case HC1_TYPE_BF16:
        return "bf16";
    }
    return "?";
}

size_t hc1_type_block_values(Hc1GgmlType type)
{
    switch (type) {
    case HC1_TYPE_Q4_0:
        return HC1_QK4_0;
    case HC1_TYPE_Q8_0:
        return HC1_QK8_0;
    case HC1_TYPE_Q4_K:
    case HC1_TYPE_Q6_K:
        return HC1_QK_K;
    default:
        return 1;
    }
}

size_t hc1_type_block_bytes(Hc1GgmlType type)
{
    switch (type) {
    case HC1_TYPE_F32:
        return 4;
    case HC1_TYPE_F16:
    case HC1_TYPE_BF16:
        return 2;
    case HC1_TYPE_Q4_0:
        return HC1_Q4_0_BYTES;
    case HC1_TYPE_Q8_0:
        return HC1_Q8_0_BYTES;
    case HC1_TYPE_Q4_K:
        return HC1_Q4_K_BYTES;
    case HC1_TYPE_Q6_K:
        return HC1_Q6_K_BYTES;
    }
    return 0;
}

size_t hc1_type_row_bytes(Hc1GgmlType type, uint64_t n)
{
    return (size_t)(n / hc1_type_block_values(type)) *
           hc1_type_block_bytes(type);
}

/* ---- half precision ---------------------------------------------------- */

static uint32_t f32_bits(float f)
{
    uint32_t b;

    memcpy(&b, &f, sizeof(b));
    return b;
}

static float f32_from_bits(uint32_t b)
{
    float f;

    memcpy(&f, &b, sizeof(f));
    return f;
}

/* IEEE binary16, round to nearest, ties to even; NaN stays NaN. */
uint16_t hc1_f32_to_f16(float f)
{
    uint32_t b = f32_bits(f);
    uint16_t sign = (uint16_t)((b >> 16) & 0x8000);
    uint32_t a = b & 0x7fffffff;
    uint32_t exp = a >> 23;
    uint32_t mant = a & 0x7fffff;
    uint32_t h, rem;

    if (exp == 0xff) {
        if (mant != 0) {
            return sign | 0x7e00 | (uint16_t)(mant >> 13);
        }
        return sign | 0x7c00;
    }
    if (exp >= 143) {
        /* >= 2^16: beyond rounding range of the largest finite f16. */
        return sign | 0x7c00;
    }
    if (exp >= 113) {
        /* Normal f16: drop 13 mantissa bits, round half to even. */
        h = ((exp - 112) << 10) | (mant >> 13);
        rem = mant & 0x1fff;
        /* Branch-free: the rounding direction is data-dependent. */
        h += (uint32_t)(rem > 0x1000) | ((uint32_t)(rem == 0x1000) & h);
        return sign | (uint16_t)h;  /* a carry may reach inf: correct */
    }
    if (exp < 102) {
        /* Below 2^-25, half the smallest subnormal: rounds to zero. */
        return sign;
    }
    /* Subnormal f16 (units of 2^-24). */
    {
        uint32_t m = mant | 0x800000;
        uint32_t shift = 126 - exp;          /* 14 .. 24 */
        uint32_t half = 1u << (shift - 1);

        h = m >> shift;
        rem = m & ((1u << shift) - 1);
        if (rem > half || (rem == half && (h & 1))) {
            h++;
        }
        return sign | (uint16_t)h;
    }
}

float hc1_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;

    if (exp == 0x1f) {
        return f32_from_bits(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
        /* Zero or subnormal: mant * 2^-24, exact in float. */
        float v = (float)mant * (1.0f / 16777216.0f);

        return sign ? -v : v;
    }
    return f32_from_bits(sign | ((exp + 112) << 23) | (mant << 13));
}

void hc1_f32_to_f16_row(const float *x, size_t n, uint8_t *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        uint16_t h = hc1_f32_to_f16(x[i]);

        out[2 * i] = (uint8_t)h;
        out[2 * i + 1] = (uint8_t)(h >> 8);
    }
}

void hc1_round_to_f16_row(float *x, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        x[i] = hc1_f16_to_f32(hc1_f32_to_f16(x[i]));
    }
}

uint16_t hc1_f32_to_f16_up(float f)
{
    uint16_t h = hc1_f32_to_f16(f);

    if ((h & 0x7fff) >= 0x7c00) {
        return 0x7bff;                       /* clamp to the largest */
    }
    if (hc1_f16_to_f32(h) < f) {
        h++;                                 /* f >= 0: next f16 up */
        if (h >= 0x7c00) {
            h = 0x7bff;
        }
    }
    return h;
}

uint16_t hc1_f32_to_bf16(float f)
{
    uint32_t b = f32_bits(f);

    if ((b & 0x7fffffff) > 0x7f800000) {
        return (uint16_t)((b >> 16) | 0x40);  /* quiet NaN */
    }
    return (uint16_t)((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}

float hc1_bf16_to_f32(uint16_t h)
{
    return f32_from_bits((uint32_t)h << 16);
}

/* ---- block quantizers -------------------------------------------------- */

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8);
}

static int round_to_int(float v)
{
    return (int)nearbyintf(v);
}

static int clamp_int(int v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

void hc1_quantize_block_q8_0(const float *x, uint8_t *out)
{
    float amax = 0.0f;
    uint16_t dh;
    float d;
    int j;

    for (j = 0; j < HC1_QK8_0; j++) {
        float a = fabsf(x[j]);

        if (a > amax) {
            amax = a;
        }
    }
    /* d >= amax / 127 after rounding to f16: no value is clipped. */
    dh = hc1_f32_to_f16_up(amax / 127.0f);
    d = hc1_f16_to_f32(dh);
    put_le16(out, dh);
    for (j = 0; j < HC1_QK8_0; j++) {
        int q = d > 0.0f ? round_to_int(x[j] / d) : 0;

        out[2 + j] = (uint8_t)(int8_t)clamp_int(q, -127, 127);
    }
}

void hc1_quantize_block_q4_0(const float *x, uint8_t *out)
{
    float amax = 0.0f, vmax = 0.0f;
    uint16_t dh;
    float d;
    int j;

    for (j = 0; j < HC1_QK4_0; j++) {
        float a = fabsf(x[j]);

        if (a > amax) {
            amax = a;
            vmax = x[j];
        }
    }
    /*
     * As in ggml, the value of largest magnitude maps to q = 0, i.e.
     * x = -8 d, the one level that has no positive twin. |d| is rounded
     * up to the next f16, so that no value falls beyond -8 d even when
     * d is a coarse subnormal f16.
     */
    dh = hc1_f32_to_f16_up(amax / 8.0f);
    if (vmax > 0.0f) {
        dh |= 0x8000;                   /* d = vmax / -8 < 0 */
    }
    d = hc1_f16_to_f32(dh);
    put_le16(out, dh);
    for (j = 0; j < HC1_QK4_0 / 2; j++) {
        int q0 = 8, q1 = 8;

        if (d != 0.0f) {
            q0 = clamp_int(round_to_int(x[j] / d) + 8, 0, 15);
            q1 = clamp_int(round_to_int(x[j + 16] / d) + 8, 0, 15);
        }
        out[2 + j] = (uint8_t)(q0 | (q1 << 4));
    }
}

/*
 * Q4_K: sub-block j covers [-dmin*m_j, -dmin*m_j + 15*d*sc_j]. The mins
 * are chosen first (rounded up, so the range reaches down to the
 * smallest value or to 0), then the scales (rounded up, so it reaches
 * the largest value).
 */
void hc1_quantize_block_q4_k(const float *x, uint8_t *out)
{
    float lo[8], hi[8], step[8];
    uint8_t sc[8], mn[8];
    float max_m = 0.0f, max_step = 0.0f;
    float d, dmin;
    uint16_t dh, dminh;
    int j, l;

    for (j = 0; j < 8; j++) {
        const float *v = x + 32 * j;

        lo[j] = 0.0f;
        hi[j] = v[0];
        for (l = 0; l < 32; l++) {
            if (v[l] < lo[j]) {
                lo[j] = v[l];
            }
            if (v[l] > hi[j]) {
                hi[j] = v[l];
            }
        }
        if (-lo[j] > max_m) {
            max_m = -lo[j];
        }
    }
    dminh = hc1_f32_to_f16_up(max_m / 63.0f);
    dmin = hc1_f16_to_f32(dminh);
    for (j = 0; j < 8; j++) {
        int m = dmin > 0.0f ? (int)ceilf(-lo[j] / dmin) : 0;

        mn[j] = (uint8_t)clamp_int(m, 0, 63);
        step[j] = (hi[j] + dmin * (float)mn[j]) / 15.0f;
        if (step[j] > max_step) {
            max_step = step[j];
        }
    }
    dh = hc1_f32_to_f16_up(max_step / 63.0f);
    d = hc1_f16_to_f32(dh);
    for (j = 0; j < 8; j++) {
        int s = d > 0.0f ? (int)ceilf(step[j] / d) : 0;

        sc[j] = (uint8_t)clamp_int(s, 0, 63);
    }

    put_le16(out, dh);
    put_le16(out + 2, dminh);
    /* 6-bit scales and mins, packed as ggml's get_scale_min_k4 reads. */
    for (j = 0; j < 4; j++) {
        out[4 + j] = (uint8_t)((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
        out[8 + j] = (uint8_t)((mn[j] & 63) | ((mn[j + 4] >> 4) << 6));
        out[12 + j] = (uint8_t)((sc[j + 4] & 15) | ((mn[j + 4] & 15) << 4));
    }
    /*
     * Nibbles: bytes 32c..32c+31 hold sub-block 2c in the low nibbles
     * and sub-block 2c+1 in the high nibbles.
     */
    for (j = 0; j < 8; j++) {
        float scale = d * (float)sc[j];
        float base = dmin * (float)mn[j];
        uint8_t *qs = out + 16 + 32 * (j / 2);

        for (l = 0; l < 32; l++) {
            int q = 0;

            if (scale > 0.0f) {
                q = clamp_int(round_to_int((x[32 * j + l] + base) / scale),
                              0, 15);
            }
            if (j & 1) {
                qs[l] |= (uint8_t)(q << 4);
            } else {
                qs[l] = (uint8_t)q;
            }
        }
    }
}

/*
 * Q6_K: sub-block j of 16 values uses q - 32 in -31..31 (the level -32
 * is left unused so that both signs have the same range) with scale
 * d * sc_j, sc_j in 0..127 rounded up.
 */
void hc1_quantize_block_q6_k(const float *x, uint8_t *out)
{
    float step[16];
    int8_t sc[16];
    uint8_t q[256];
    float max_step = 0.0f, d;
    uint16_t dh;
    uint8_t *ql = out, *qh = out + 128;
    int j, l, h;

    for (j = 0; j < 16; j++) {
        float amax = 0.0f;

        for (l = 0; l < 16; l++) {
            float a = fabsf(x[16 * j + l]);

            if (a > amax) {
                amax = a;
            }
        }
        step[j] = amax / 31.0f;
        if (step[j] > max_step) {
            max_step = step[j];
        }
    }
    dh = hc1_f32_to_f16_up(max_step / 127.0f);
    d = hc1_f16_to_f32(dh);
    for (j = 0; j < 16; j++) {
        int s = d > 0.0f ? (int)ceilf(step[j] / d) : 0;
        float scale;

        sc[j] = (int8_t)clamp_int(s, 0, 127);
        scale = d * (float)sc[j];
        for (l = 0; l < 16; l++) {
            int v = 0;

            if (scale > 0.0f) {
                v = clamp_int(round_to_int(x[16 * j + l] / scale), -32, 31);
            }
            q[16 * j + l] = (uint8_t)(v + 32);
        }
    }

    /*
     * Each half of 128 values: ql[l] holds values l (low nibble) and
     * l + 64 (high), ql[l + 32] values l + 32 and l + 96; qh[l] holds
     * the top two bits of values l, l + 32, l + 64, l + 96.
     */
    for (h = 0; h < 2; h++) {
        const uint8_t *v = q + 128 * h;

        for (l = 0; l < 32; l++) {
            ql[64 * h + l] = (uint8_t)((v[l] & 15) | ((v[l + 64] & 15) << 4));
            ql[64 * h + l + 32] =
                (uint8_t)((v[l + 32] & 15) | ((v[l + 96] & 15) << 4));
            qh[32 * h + l] = (uint8_t)((v[l] >> 4) |
                                       ((v[l + 32] >> 4) << 2) |
                                       ((v[l + 64] >> 4) << 4) |
                                       ((v[l + 96] >> 4) << 6));
        }
    }
    for (j = 0; j < 16; j++) {
        out[192 + j] = (uint8_t)sc[j];
    }
    put_le16(out + 208, dh);
}

size_t hc1_quantize_row(Hc1GgmlType type, const float *x, size_t n,
                        uint8_t *out)
{
    size_t i, nb = hc1_type_block_values(type), bb = hc1_type_block_bytes(type);

    switch (type) {
    case HC1_TYPE_F32:
        for (i = 0; i < n; i++) {
            uint32_t b = f32_bits(x[i]);

            out[4 * i] = (uint8_t)b;
            out[4 * i + 1] = (uint8_t)(b >> 8);
            out[4 * i + 2] = (uint8_t)(b >> 16);
            out[4 * i + 3] = (uint8_t)(b >> 24);
        }
        break;
    case HC1_TYPE_F16:
        hc1_f32_to_f16_row(x, n, out);
        break;
    case HC1_TYPE_BF16:
        for (i = 0; i < n; i++) {
            put_le16(out + 2 * i, hc1_f32_to_bf16(x[i]));
        }
        break;
    case HC1_TYPE_Q8_0:
        for (i = 0; i < n / nb; i++) {
            hc1_quantize_block_q8_0(x + i * nb, out + i * bb);
        }
        break;
    case HC1_TYPE_Q4_0:
        for (i = 0; i < n / nb; i++) {
            hc1_quantize_block_q4_0(x + i * nb, out + i * bb);
        }
        break;
    case HC1_TYPE_Q4_K:
        for (i = 0; i < n / nb; i++) {
            hc1_quantize_block_q4_k(x + i * nb, out + i * bb);
        }
        break;
    case HC1_TYPE_Q6_K:
        for (i = 0; i < n / nb; i++) {
            hc1_quantize_block_q6_k(x + i * nb, out + i * bb);
        }
        break;
    }
    return (n / nb) * bb;
}
