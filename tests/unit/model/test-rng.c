/*
 * Unit test of hc1-mkmodel's counter-based normal generator: pinned
 * outputs (the embedded default model depends on them), agreement of
 * every way of drawing the same values, accuracy of its own log and
 * sin/cos, and the distribution of the values.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc1-check.h"

#include "rng.h"


/*
 * Pinned values. If these change, every generated model changes, and
 * so does the sha256 of hc1-default.gguf: update them only on purpose.
 */
static void test_pinned(void)
{
    static const uint64_t bits[4] = {
        0xcfcfdcbee684315bULL, 0x4ad23dd0124c4cc8ULL,
        0x64f2a037aed8a9c4ULL, 0x05a17b76e25a6cd1ULL,
    };
    static const float normals[4] = {
        -0.649038553f, 1.0198561f, -0.00735997036f, 0.852208674f,
    };
    Hc1Rng r;
    float v[4];
    int i;

    hc1_rng_init(&r, 1, "token_embd.weight");
    for (i = 0; i < 4; i++) {
        CHECK(hc1_rng_bits(&r, (uint64_t)i * 1000) == bits[i],
              "bits %d: 0x%016llx", i,
              (unsigned long long)hc1_rng_bits(&r, (uint64_t)i * 1000));
    }
    hc1_rng_normal_fill(&r, 12345, 4, 0.0f, 1.0f, v);
    for (i = 0; i < 4; i++) {
        CHECK(memcmp(&v[i], &normals[i], sizeof(float)) == 0,
              "normal %d: %.9g", i, v[i]);
    }
}

static void test_streams(void)
{
    Hc1Rng a, b, c;

    hc1_rng_init(&a, 1, "blk.0.attn_q.weight");
    hc1_rng_init(&b, 1, "blk.0.attn_k.weight");
    hc1_rng_init(&c, 2, "blk.0.attn_q.weight");
    CHECK(hc1_rng_bits(&a, 0) != hc1_rng_bits(&b, 0), "names differ");
    CHECK(hc1_rng_bits(&a, 0) != hc1_rng_bits(&c, 0), "seeds differ");
    hc1_rng_init(&b, 1, "blk.0.attn_q.weight");
    CHECK(hc1_rng_bits(&a, 77) == hc1_rng_bits(&b, 77), "same stream");
}

/* Any split of a range, at any offset, gives the same values. */
static void test_fill_consistency(void)
{
    enum { N = 1000 };
    static float whole[N], part[N];
    Hc1Rng r;
    size_t cut, i, k;

    hc1_rng_init(&r, 7, "x");
    hc1_rng_normal_fill(&r, 3, N, 0.5f, 2.0f, whole);
    for (cut = 0; cut <= 200; cut += 1) {
        hc1_rng_normal_fill(&r, 3, cut, 0.5f, 2.0f, part);
        hc1_rng_normal_fill(&r, 3 + cut, N - cut, 0.5f, 2.0f, part + cut);
        CHECK(memcmp(whole, part, sizeof(whole)) == 0, "split at %zu", cut);
    }
    for (i = 0; i + 1 < N; i += 2) {
        double z0, z1;

        k = i + 3;                  /* value index k; pair k/2 */
        hc1_rng_normal_pair(&r, k >> 1, &z0, &z1);
        CHECK(whole[i] == 0.5f + 2.0f * (float)((k & 1) ? z1 : z0),
              "pair agrees at %zu", i);
    }
}

static void test_math(void)
{
    double worst_log = 0, worst_sc = 0;
    int i;

    for (i = 1; i <= 200000; i++) {
        double x = ldexp((double)i / 200001.0, -(i % 40));
        double e = fabs(hc1_rng_log(x) - log(x)) / fabs(log(x) ? log(x) : 1);

        worst_log = fmax(worst_log, e);
    }
    CHECK(worst_log < 1e-14, "log relative error %g", worst_log);
    for (i = 0; i < 200000; i++) {
        /* The generator's angles are multiples of 2^-32 turns. */
        double t = (double)((uint32_t)i * 21474u) / 4294967296.0, s, c;

        hc1_rng_sincos_turns(t, &s, &c);
        worst_sc = fmax(worst_sc, fabs(s - sin(2 * M_PI * t)));
        worst_sc = fmax(worst_sc, fabs(c - cos(2 * M_PI * t)));
    }
    CHECK(worst_sc < 1e-14, "sincos error %g", worst_sc);
    printf("log relative error %.3g, sin/cos error %.3g\n", worst_log,
           worst_sc);
}

/* Moments and tail of 4M values against the standard normal. */
static void test_distribution(void)
{
    enum { N = 1 << 22 };
    float *v = malloc(N * sizeof(float));
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0, lag = 0, m, sd;
    size_t i, in1 = 0, in2 = 0, in3 = 0;
    Hc1Rng r;

    hc1_rng_init(&r, 42, "distribution");
    hc1_rng_normal_fill(&r, 0, N, 0.0f, 1.0f, v);
    for (i = 0; i < N; i++) {
        double x = v[i];

        s1 += x;
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
        in1 += fabs(x) <= 1.0;
        in2 += fabs(x) <= 2.0;
        in3 += fabs(x) <= 3.0;
        if (i) {
            lag += x * v[i - 1];
        }
    }
    m = s1 / N;
    sd = sqrt(s2 / N - m * m);
    printf("mean %.5f std %.5f skew %.4f kurtosis %.4f lag-1 %.5f "
           "within 1/2/3 sd %.4f %.4f %.5f\n", m, sd, s3 / N, s4 / N,
           lag / N, (double)in1 / N, (double)in2 / N, (double)in3 / N);
    /* Tolerances: about 6 standard errors for N = 4M. */
    CHECK(fabs(m) < 0.003, "mean %g", m);
    CHECK(fabs(sd - 1.0) < 0.003, "std %g", sd);
    CHECK(fabs(s3 / N) < 0.008, "skewness %g", s3 / N);
    CHECK(fabs(s4 / N - 3.0) < 0.03, "kurtosis %g", s4 / N);
    CHECK(fabs(lag / N) < 0.003, "lag-1 correlation %g", lag / N);
    CHECK(fabs((double)in1 / N - 0.682689) < 0.0015, "P(|z|<1)");
    CHECK(fabs((double)in2 / N - 0.954500) < 0.0008, "P(|z|<2)");
    CHECK(fabs((double)in3 / N - 0.997300) < 0.0002, "P(|z|<3)");
    free(v);
}

int main(void)
{
    test_pinned();
    test_streams();
    test_fill_consistency();
    test_math();
    test_distribution();
    return check_summary();
}
