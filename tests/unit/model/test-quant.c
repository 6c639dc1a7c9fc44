/*
 * Unit test of hc1-mkmodel's number formats: f16 and bf16 conversion,
 * and the Q8_0, Q4_0, Q4_K and Q6_K block quantizers.
 *
 * Every quantized block is decoded by a reference dequantizer written
 * here from the ggml block layouts (not from the quantizer), and the
 * errors are held to the bounds each format allows:
 *   Q8_0  |x - y| <= d/2, with d >= max|x|/127 (nothing clipped)
 *   Q4_0  |x - y| <= |d|/2 inside [-8d, 7.5d], <= |d| for the one
 *         clipped level; |d| = max|x|/8 up to f16 rounding
 *   Q4_K  |x - y| <= d*sc_j/2 for sub-block j (nothing clipped)
 *   Q6_K  |x - y| <= d*sc_j/2 for sub-block j (nothing clipped)
 * plus root-mean-square errors on normal data that a correct layout and
 * a sensible choice of scales give, and exact known answers.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc1-check.h"

#include "quant.h"


/* ---- reference decoders, from the layouts ------------------------------ */

/* binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits. */
static float ref_f16(uint16_t h)
{
    int sign = h >> 15, e = (h >> 10) & 31, f = h & 1023;
    double v;

    if (e == 31) {
        v = f ? NAN : INFINITY;
    } else if (e == 0) {
        v = ldexp((double)f, -24);
    } else {
        v = ldexp(1024.0 + f, e - 25);
    }
    return (float)(sign ? -v : v);
}

static float ref_bf16(uint16_t h)
{
    uint32_t b = (uint32_t)h << 16;
    float f;

    memcpy(&f, &b, sizeof(f));
    return f;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void deq_q8_0(const uint8_t *b, float *y)
{
    float d = ref_f16(le16(b));
    int j;

    for (j = 0; j < 32; j++) {
        y[j] = d * (float)(int8_t)b[2 + j];
    }
}

static void deq_q4_0(const uint8_t *b, float *y)
{
    float d = ref_f16(le16(b));
    int j;

    for (j = 0; j < 16; j++) {
        y[j] = d * (float)((b[2 + j] & 15) - 8);
        y[j + 16] = d * (float)((b[2 + j] >> 4) - 8);
    }
}

/* 6-bit scale and min of Q4_K sub-block j from the 12 packed bytes. */
static void q4k_scale_min(const uint8_t *s, int j, int *sc, int *m)
{
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 15) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

static void deq_q4_k(const uint8_t *b, float *y, float *step)
{
    float d = ref_f16(le16(b)), dmin = ref_f16(le16(b + 2));
    int j, l, sc, m;

    for (j = 0; j < 8; j++) {
        const uint8_t *qs = b + 16 + 32 * (j / 2);

        q4k_scale_min(b + 4, j, &sc, &m);
        step[j] = d * (float)sc;
        for (l = 0; l < 32; l++) {
            int q = (j & 1) ? qs[l] >> 4 : qs[l] & 15;

            y[32 * j + l] = d * (float)sc * (float)q - dmin * (float)m;
        }
    }
}

static void deq_q6_k(const uint8_t *b, float *y, float *step)
{
    const uint8_t *ql = b, *qh = b + 128;
    const int8_t *sc = (const int8_t *)(b + 192);
    float d = ref_f16(le16(b + 208));
    int i, h, l;

    for (i = 0; i < 16; i++) {
        step[i] = d * (float)sc[i];
    }
    for (h = 0; h < 2; h++) {
        for (l = 0; l < 32; l++) {
            int base = 128 * h + l;
            int q[4];

            q[0] = ((ql[64 * h + l] & 15) | ((qh[32 * h + l] & 3) << 4)) - 32;
            q[1] = ((ql[64 * h + l + 32] & 15) |
                    (((qh[32 * h + l] >> 2) & 3) << 4)) - 32;
            q[2] = ((ql[64 * h + l] >> 4) |
                    (((qh[32 * h + l] >> 4) & 3) << 4)) - 32;
            q[3] = ((ql[64 * h + l + 32] >> 4) |
                    (((qh[32 * h + l] >> 6) & 3) << 4)) - 32;
            for (i = 0; i < 4; i++) {
                int v = base + 32 * i;

                y[v] = d * (float)sc[v / 16] * (float)q[i];
            }
        }
    }
}

/* ---- test data --------------------------------------------------------- */

static uint64_t lcg = 0x853c49e6748fea9bULL;

static double uniform(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(lcg >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

enum { DATA_NORMAL, DATA_UNIFORM, DATA_ZERO, DATA_CONST_POS, DATA_CONST_NEG,
       DATA_SPIKE, DATA_POSITIVE, DATA_NEGATIVE, DATA_SPARSE, DATA_KINDS };

static const char *const kind_names[] = {
    "normal", "uniform", "zero", "constant+", "constant-", "spike",
    "positive", "negative", "sparse",
};

static void make_data(int kind, double scale, float *x, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        double v = 0.0;

        switch (kind) {
        case DATA_NORMAL:
            v = gauss();
            break;
        case DATA_UNIFORM:
            v = 2.0 * uniform() - 1.0;
            break;
        case DATA_ZERO:
            v = 0.0;
            break;
        case DATA_CONST_POS:
            v = 0.75;
            break;
        case DATA_CONST_NEG:
            v = -0.75;
            break;
        case DATA_SPIKE:
            v = (i % 97 == 5) ? 40.0 : 0.01 * gauss();
            break;
        case DATA_POSITIVE:
            v = 0.1 + fabs(gauss());
            break;
        case DATA_NEGATIVE:
            v = -0.1 - fabs(gauss());
            break;
        case DATA_SPARSE:
            v = (uniform() < 0.1) ? gauss() : 0.0;
            break;
        }
        x[i] = (float)(v * scale);
    }
}

/* ---- f16 / bf16 -------------------------------------------------------- */

static void test_f16(void)
{
    uint32_t h;
    int i;

    /* Every f16 value converts to float exactly and back to itself. */
    for (h = 0; h < 65536; h++) {
        float r = ref_f16((uint16_t)h), v = hc1_f16_to_f32((uint16_t)h);

        if (isnan(r)) {
            CHECK(isnan(v), "f16 %04x: NaN expected", h);
            CHECK(isnan(hc1_f16_to_f32(hc1_f32_to_f16(r))),
                  "f16 %04x: NaN lost", h);
            continue;
        }
        CHECK(memcmp(&r, &v, sizeof(r)) == 0, "f16 %04x: %g, expected %g", h,
              v, r);
        CHECK(hc1_f32_to_f16(r) == h, "f32 %g -> f16 %04x, expected %04x", r,
              hc1_f32_to_f16(r), h);
    }
    /* Midpoints round to even; just off the midpoint rounds to nearest. */
    for (h = 0; h < 0x7bff; h++) {
        float lo = ref_f16((uint16_t)h), hi = ref_f16((uint16_t)(h + 1));
        float mid = (float)(((double)lo + (double)hi) / 2.0);
        uint16_t even = (h & 1) ? (uint16_t)(h + 1) : (uint16_t)h;

        CHECK(hc1_f32_to_f16(mid) == even, "midpoint after %04x", h);
        CHECK(hc1_f32_to_f16(-mid) == (even | 0x8000),
              "negative midpoint after %04x", h);
        CHECK(hc1_f32_to_f16(nextafterf(mid, 0.0f)) == h,
              "below midpoint after %04x", h);
        CHECK(hc1_f32_to_f16(nextafterf(mid, INFINITY)) == h + 1,
              "above midpoint after %04x", h);
    }
    /* Overflow and underflow edges. */
    CHECK(hc1_f32_to_f16(65504.0f) == 0x7bff, "65504");
    CHECK(hc1_f32_to_f16(65519.99f) == 0x7bff, "65519.99");
    CHECK(hc1_f32_to_f16(65520.0f) == 0x7c00, "65520 -> inf");
    CHECK(hc1_f32_to_f16(1e10f) == 0x7c00, "1e10 -> inf");
    CHECK(hc1_f32_to_f16(-1e10f) == 0xfc00, "-1e10 -> -inf");
    CHECK(hc1_f32_to_f16(INFINITY) == 0x7c00, "inf");
    CHECK(hc1_f32_to_f16(ldexpf(1.0f, -25)) == 0, "2^-25 ties to 0");
    CHECK(hc1_f32_to_f16(nextafterf(ldexpf(1.0f, -25), 1.0f)) == 1,
          "just above 2^-25");
    CHECK(hc1_f32_to_f16(1e-30f) == 0, "1e-30");
    CHECK(hc1_f32_to_f16(-0.0f) == 0x8000, "-0");
    CHECK(hc1_f32_to_f16(1.0f / 3.0f) == 0x3555, "1/3");
    /* Random values: the result is the nearest f16. */
    for (i = 0; i < 200000; i++) {
        float x = (float)(gauss() * ldexp(1.0, (int)(uniform() * 40) - 25));
        uint16_t r = hc1_f32_to_f16(x), up;
        double e = fabs((double)x - ref_f16(r));

        if ((r & 0x7fff) >= 0x7c00) {
            continue;
        }
        up = (uint16_t)(r + 1);
        if ((up & 0x7fff) < 0x7c00) {
            CHECK(e <= fabs((double)x - ref_f16(up)), "%g not nearest", x);
        }
        if ((r & 0x7fff) != 0) {
            CHECK(e <= fabs((double)x - ref_f16((uint16_t)(r - 1))),
                  "%g not nearest", x);
        }
        /* Round-up variant: never below, and the next one down is. */
        if (x > 0.0f && x < 65504.0f) {
            uint16_t u = hc1_f32_to_f16_up(x);

            CHECK(ref_f16(u) >= x, "f16_up(%g) below", x);
            CHECK(u == 0 || ref_f16((uint16_t)(u - 1)) < x,
                  "f16_up(%g) not the smallest", x);
        }
    }
    CHECK(hc1_f32_to_f16_up(1e9f) == 0x7bff, "f16_up clamps to the largest");
}

static void test_bf16(void)
{
    uint32_t h;

    for (h = 0; h < 65536; h++) {
        float r = ref_bf16((uint16_t)h);

        if (isnan(r)) {
            CHECK(isnan(hc1_bf16_to_f32(hc1_f32_to_bf16(r))), "bf16 NaN");
            continue;
        }
        CHECK(hc1_f32_to_bf16(r) == h, "bf16 %04x round trip", h);
        CHECK(hc1_bf16_to_f32((uint16_t)h) == r || (r == 0.0f),
              "bf16 %04x decode", h);
        if ((h & 0x7fff) < 0x7f7f) {
            float next = ref_bf16((uint16_t)(h + 1));
            float mid = (float)(((double)r + (double)next) / 2.0);

            CHECK(hc1_f32_to_bf16(mid) == ((h & 1) ? h + 1 : h),
                  "bf16 midpoint after %04x", h);
        }
    }
}

/* ---- quantizers -------------------------------------------------------- */

typedef struct Stats {
    double sq_err, sq_val;
    size_t n;
} Stats;

static void check_q8_0(const float *x, const uint8_t *b, Stats *st,
                       const char *what)
{
    float y[32], amax = 0.0f, d = ref_f16(le16(b));
    int j;

    deq_q8_0(b, y);
    for (j = 0; j < 32; j++) {
        amax = fmaxf(amax, fabsf(x[j]));
    }
    CHECK(d >= amax / 127.0f, "%s q8_0: d %g clips max %g", what, d, amax);
    CHECK(d <= amax / 127.0f * (1.0f + 1.0f / 1024) + 6e-8f,
          "%s q8_0: d %g too large for max %g", what, d, amax);
    for (j = 0; j < 32; j++) {
        double e = fabs((double)x[j] - y[j]);

        CHECK(e <= d * 0.5 * (1 + 1e-6) + 1e-12, "%s q8_0[%d]: %g -> %g, "
              "error above d/2 = %g", what, j, x[j], y[j], d / 2);
        st->sq_err += e * e;
        st->sq_val += (double)x[j] * x[j];
    }
    st->n += 32;
}

static void check_q4_0(const float *x, const uint8_t *b, Stats *st,
                       const char *what)
{
    float y[32], amax = 0.0f, d = ref_f16(le16(b));
    int j;

    deq_q4_0(b, y);
    for (j = 0; j < 32; j++) {
        amax = fmaxf(amax, fabsf(x[j]));
    }
    CHECK(fabsf(d) >= amax / 8.0f &&
          fabsf(d) <= amax / 8.0f * (1.0f + 1.0f / 1024) + 6e-8f,
          "%s q4_0: |d| %g, expected max/8 = %g rounded up", what, d,
          amax / 8);
    for (j = 0; j < 32; j++) {
        double e = fabs((double)x[j] - y[j]);
        double t = d != 0.0f ? x[j] / d : 0.0;
        double bound = (t >= -8.0 - 1e-6 && t <= 7.5) ? fabsf(d) * 0.5 :
                       fabsf(d);

        CHECK(e <= bound * (1 + 1e-6) + 1e-12, "%s q4_0[%d]: %g -> %g, "
              "error above %g", what, j, x[j], y[j], bound);
        st->sq_err += e * e;
        st->sq_val += (double)x[j] * x[j];
    }
    st->n += 32;
}

static void check_q4_k(const float *x, const uint8_t *b, Stats *st,
                       const char *what)
{
    float y[256], step[8];
    int j, l;

    deq_q4_k(b, y, step);
    for (j = 0; j < 8; j++) {
        for (l = 0; l < 32; l++) {
            int i = 32 * j + l;
            double e = fabs((double)x[i] - y[i]);

            CHECK(e <= step[j] * 0.5 * (1 + 1e-5) + 1e-6 * fabsf(x[i]) +
                  1e-12, "%s q4_K[%d]: %g -> %g, error above step/2 = %g",
                  what, i, x[i], y[i], step[j] / 2);
            st->sq_err += e * e;
            st->sq_val += (double)x[i] * x[i];
        }
    }
    st->n += 256;
}

static void check_q6_k(const float *x, const uint8_t *b, Stats *st,
                       const char *what)
{
    float y[256], step[16];
    int i;

    deq_q6_k(b, y, step);
    for (i = 0; i < 16; i++) {
        CHECK(step[i] >= 0.0f, "%s q6_K: negative scale", what);
    }
    for (i = 0; i < 256; i++) {
        double e = fabs((double)x[i] - y[i]);

        CHECK(e <= step[i / 16] * 0.5 * (1 + 1e-5) + 1e-12,
              "%s q6_K[%d]: %g -> %g, error above step/2 = %g", what, i, x[i],
              y[i], step[i / 16] / 2);
        st->sq_err += e * e;
        st->sq_val += (double)x[i] * x[i];
    }
    st->n += 256;
}

static void test_quantizers(void)
{
    static const double scales[] = { 1e-5, 0.02, 1.0, 300.0 };
    static const Hc1GgmlType types[] = {
        HC1_TYPE_Q8_0, HC1_TYPE_Q4_0, HC1_TYPE_Q4_K, HC1_TYPE_Q6_K,
    };
    /* RMS error / RMS value on unit normal data, format-typical limits. */
    static const double max_rel_rms[] = { 0.008, 0.11, 0.10, 0.025 };
    enum { N = 256 * 64 };
    float *x = malloc(N * sizeof(float));
    uint8_t *q = malloc(N * 2), *q2 = malloc(N * 2);
    size_t t, k, s, i;
    char what[64];

    for (t = 0; t < 4; t++) {
        size_t bv = hc1_type_block_values(types[t]);
        size_t bb = hc1_type_block_bytes(types[t]);

        for (k = 0; k < DATA_KINDS; k++) {
            for (s = 0; s < sizeof(scales) / sizeof(scales[0]); s++) {
                Stats st = { 0 };
                size_t bytes;

                snprintf(what, sizeof(what), "%s x %g", kind_names[k],
                         scales[s]);
                make_data((int)k, scales[s], x, N);
                bytes = hc1_quantize_row(types[t], x, N, q);
                CHECK(bytes == N / bv * bb, "%s: %zu bytes", what, bytes);
                /* Deterministic, and row == blocks. */
                hc1_quantize_row(types[t], x, N, q2);
                CHECK(memcmp(q, q2, bytes) == 0, "%s: not deterministic",
                      what);
                for (i = 0; i < N / bv; i++) {
                    const float *xb = x + i * bv;
                    const uint8_t *qb = q + i * bb;

                    switch (types[t]) {
                    case HC1_TYPE_Q8_0:
                        check_q8_0(xb, qb, &st, what);
                        break;
                    case HC1_TYPE_Q4_0:
                        check_q4_0(xb, qb, &st, what);
                        break;
                    case HC1_TYPE_Q4_K:
                        check_q4_k(xb, qb, &st, what);
                        break;
                    default:
                        check_q6_k(xb, qb, &st, what);
                        break;
                    }
                }
                if (k == DATA_ZERO) {
                    CHECK(st.sq_err == 0.0, "%s %s: zeros not exact", what,
                          hc1_type_name(types[t]));
                }
                if (k == DATA_NORMAL) {
                    double rel = sqrt(st.sq_err / st.sq_val);

                    printf("%-5s normal x %-6g rms error / rms value %.5f "
                           "(limit %.3f)\n", hc1_type_name(types[t]),
                           scales[s], rel, max_rel_rms[t]);
                    CHECK(rel < max_rel_rms[t], "%s %s: relative rms error "
                          "%g above %g", what, hc1_type_name(types[t]), rel,
                          max_rel_rms[t]);
                }
            }
        }
    }
    free(x);
    free(q);
    free(q2);
}

/* Exact answers that pin the byte layout. */
static void test_known_answers(void)
{
    float x[256], y[256], step[16];
    uint8_t b[HC1_Q6_K_BYTES];
    int j;

    /* Q4_0: x = j - 16: max |x| is -16, so d = 2, q = x/2 + 8. */
    for (j = 0; j < 32; j++) {
        x[j] = (float)(j - 16);
    }
    hc1_quantize_block_q4_0(x, b);
    CHECK(b[0] == 0x00 && b[1] == 0x40, "q4_0 d bytes %02x %02x", b[0], b[1]);
    for (j = 0; j < 16; j++) {
        /* x/2 for odd x is a tie, rounded to even; 16 is clipped to 15 */
        int lo = (int)nearbyint((j - 16) / 2.0) + 8;
        int hi = (int)nearbyint(j / 2.0) + 8;

        hi = hi > 15 ? 15 : hi;
        CHECK(b[2 + j] == (uint8_t)(lo | (hi << 4)), "q4_0 byte %d: %02x, "
              "expected %02x", j, b[2 + j], lo | (hi << 4));
    }

    /* Q8_0: values on the grid of d = 1 (max 127) come back exactly. */
    for (j = 0; j < 32; j++) {
        x[j] = (float)(127 - 8 * j);
    }
    hc1_quantize_block_q8_0(x, b);
    CHECK(b[0] == 0x00 && b[1] == 0x3c, "q8_0 d is not 1.0");
    for (j = 0; j < 32; j++) {
        CHECK((int8_t)b[2 + j] == 127 - 8 * j, "q8_0 q[%d]", j);
    }

    /*
     * Q6_K and Q4_K: one distinct large value per sub-block, at a
     * different position each time; the decoder must find each of them
     * where it was (catches any mix-up of ql/qh/scale placement).
     */
    for (j = 0; j < 256; j++) {
        x[j] = 0.0f;
    }
    for (j = 0; j < 16; j++) {
        x[16 * j + (j * 7) % 16] = (float)(j + 1) * ((j & 1) ? -1.0f : 1.0f);
    }
    hc1_quantize_block_q6_k(x, b);
    deq_q6_k(b, y, step);
    for (j = 0; j < 256; j++) {
        CHECK(fabsf(y[j] - x[j]) <= 0.05f * fabsf(x[j]) + 1e-3f,
              "q6_K value %d: %g, expected %g", j, y[j], x[j]);
    }
    for (j = 0; j < 256; j++) {
        x[j] = (j % 32 == (j / 32) * 3) ? (float)(j / 32 + 1) : 0.0f;
    }
    hc1_quantize_block_q4_k(x, b);
    deq_q4_k(b, y, step);
    for (j = 0; j < 256; j++) {
        CHECK(fabsf(y[j] - x[j]) <= 0.05f * fabsf(x[j]) + 1e-3f,
              "q4_K value %d: %g, expected %g", j, y[j], x[j]);
    }
}

/* The plain float types: row conversion is per value, little-endian. */
static void test_plain_rows(void)
{
    enum { N = 1000 };
    float x[N];
    uint8_t out[4 * N];
    size_t i;

    make_data(DATA_NORMAL, 3.0, x, N);
    x[7] = 70000.0f;            /* beyond f16: inf in f16, fine in bf16 */
    x[8] = 1e-9f;               /* below f16's subnormals */
    CHECK(hc1_quantize_row(HC1_TYPE_F32, x, N, out) == 4 * N, "f32 bytes");
    for (i = 0; i < N; i++) {
        uint32_t b = (uint32_t)out[4 * i] | (uint32_t)out[4 * i + 1] << 8 |
                     (uint32_t)out[4 * i + 2] << 16 |
                     (uint32_t)out[4 * i + 3] << 24;
        float f;

        memcpy(&f, &b, sizeof(f));
        CHECK(f == x[i], "f32 value %zu", i);
    }
    CHECK(hc1_quantize_row(HC1_TYPE_F16, x, N, out) == 2 * N, "f16 bytes");
    for (i = 0; i < N; i++) {
        CHECK(le16(out + 2 * i) == hc1_f32_to_f16(x[i]), "f16 value %zu", i);
        CHECK(i == 7 || fabsf(ref_f16(le16(out + 2 * i)) - x[i]) <=
              fabsf(x[i]) / 2048.0f + 3e-8f, "f16 value %zu close", i);
    }
    CHECK(le16(out + 14) == 0x7c00 && le16(out + 16) == 0, "f16 edges");
    CHECK(hc1_quantize_row(HC1_TYPE_BF16, x, N, out) == 2 * N, "bf16 bytes");
    for (i = 0; i < N; i++) {
        CHECK(fabsf(ref_bf16(le16(out + 2 * i)) - x[i]) <=
              fabsf(x[i]) / 256.0f, "bf16 value %zu", i);
    }
}

static void test_type_table(void)
{
    CHECK(hc1_type_row_bytes(HC1_TYPE_F32, 64) == 256, "f32 row");
    CHECK(hc1_type_row_bytes(HC1_TYPE_F16, 64) == 128, "f16 row");
    CHECK(hc1_type_row_bytes(HC1_TYPE_BF16, 64) == 128, "bf16 row");
    CHECK(hc1_type_row_bytes(HC1_TYPE_Q8_0, 64) == 68, "q8_0 row");
    CHECK(hc1_type_row_bytes(HC1_TYPE_Q4_0, 64) == 36, "q4_0 row");
    CHECK(hc1_type_row_bytes(HC1_TYPE_Q4_K, 512) == 288, "q4_K row");
    CHECK(hc1_type_row_bytes(HC1_TYPE_Q6_K, 512) == 420, "q6_K row");
    CHECK(!hc1_type_known(3) && hc1_type_known(14), "known types");
}

int main(void)
{
    test_type_table();
    test_f16();
    test_bf16();
    test_known_answers();
    test_plain_rows();
    test_quantizers();
    return check_summary();
}
