/*
 * hc1-mkmodel: seeded, counter-based normal random numbers.
 *
 * Bits: the SplitMix64 output function applied twice to a keyed
 * counter (a simple counter-based generator: a strong 64-bit mixer of
 * key and index). Normals: the Box-Muller transform with our own
 * logarithm and sine/cosine, written with + - * / and sqrt only, so the
 * results do not depend on the host's libm. The batch loop keeps many
 * independent evaluations in flight (and lets the compiler vectorize);
 * it performs exactly the same IEEE operations as hc1_rng_normal_pair().
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "rng.h"

#include <math.h>
#include <string.h>

#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL
#define LN2 0.69314718055994530942
#define SQRT2 1.41421356237309504880
#define HALF_PI 1.57079632679489661923
#define BATCH 64

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void hc1_rng_init(Hc1Rng *rng, uint64_t seed, const char *name)
{
    /* FNV-1a over the name, then mixed with the seed. */
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; name[i] != '\0'; i++) {
        h ^= (unsigned char)name[i];
        h *= 0x100000001b3ULL;
    }
    rng->k0 = mix64(seed + GOLDEN_GAMMA) ^ mix64(h);
    rng->k1 = mix64(rng->k0 ^ 0x6a09e667f3bcc909ULL) ^ mix64(h + seed);
}

uint64_t hc1_rng_bits(const Hc1Rng *rng, uint64_t ctr)
{
    uint64_t z = mix64(rng->k0 + (ctr + 1) * GOLDEN_GAMMA);

    return mix64(z ^ rng->k1);
}

/*
 * ln(m * 2^e) for m in [1, 2): fold m into [sqrt(1/2), sqrt(2)), then
 * ln m = 2 atanh(s) with s = (m-1)/(m+1), |s| < 0.172, summed to s^19
 * (truncation error below 1e-17).
 */
static inline double log_kernel(double m, double e)
{
    double fold = (double)(m > SQRT2);  /* 0 or 1, without a branch */
    double s, s2, sum;

    m *= 1.0 - 0.5 * fold;                  /* exact: times 1 or 1/2 */
    e += fold;
    s = (m - 1.0) / (m + 1.0);
    s2 = s * s;
    sum = 1.0 / 19.0;
    sum = sum * s2 + 1.0 / 17.0;
    sum = sum * s2 + 1.0 / 15.0;
    sum = sum * s2 + 1.0 / 13.0;
    sum = sum * s2 + 1.0 / 11.0;
    sum = sum * s2 + 1.0 / 9.0;
    sum = sum * s2 + 1.0 / 7.0;
    sum = sum * s2 + 1.0 / 5.0;
    sum = sum * s2 + 1.0 / 3.0;
    sum = sum * s2 + 1.0;
    return e * LN2 + 2.0 * s * sum;
}

double hc1_rng_log(double x)
{
    uint64_t bits;
    double m;
    int e;

    memcpy(&bits, &x, sizeof(bits));
    e = (int)((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    memcpy(&m, &bits, sizeof(m));
    return log_kernel(m, (double)e);
}

/*
 * sin and cos of a in [-pi/4, pi/4]: Taylor series to a^15 / a^14,
 * truncation error below 1e-15.
 */
static inline void sincos_kernel(double a, double *s, double *c)
{
    double a2 = a * a;
    double sn, cs;

    sn = 1.0 - a2 * (1.0 / (14.0 * 15.0));
    sn = 1.0 - a2 * (1.0 / (12.0 * 13.0)) * sn;
    sn = 1.0 - a2 * (1.0 / (10.0 * 11.0)) * sn;
    sn = 1.0 - a2 * (1.0 / (8.0 * 9.0)) * sn;
    sn = 1.0 - a2 * (1.0 / (6.0 * 7.0)) * sn;
    sn = 1.0 - a2 * (1.0 / (4.0 * 5.0)) * sn;
    sn = 1.0 - a2 * (1.0 / (2.0 * 3.0)) * sn;
    *s = a * sn;
    cs = 1.0 - a2 * (1.0 / (13.0 * 14.0));
    cs = 1.0 - a2 * (1.0 / (11.0 * 12.0)) * cs;
    cs = 1.0 - a2 * (1.0 / (9.0 * 10.0)) * cs;
    cs = 1.0 - a2 * (1.0 / (7.0 * 8.0)) * cs;
    cs = 1.0 - a2 * (1.0 / (5.0 * 6.0)) * cs;
    cs = 1.0 - a2 * (1.0 / (3.0 * 4.0)) * cs;
    cs = 1.0 - a2 * (1.0 / (1.0 * 2.0)) * cs;
    *c = cs;
}

static inline uint64_t dbits(double d)
{
    uint64_t b;

    memcpy(&b, &d, sizeof(b));
    return b;
}

static inline double dfrom(uint64_t b)
{
    double d;

    memcpy(&d, &b, sizeof(d));
    return d;
}

/*
 * (sin, cos) of a + quadrant * pi/2 from (sin a, cos a), by exact bit
 * selection and sign flips: the quadrant is random, so a branch here
 * would be mispredicted most of the time.
 */
static inline void rotate(unsigned quadrant, double s, double c,
                          double *so, double *co)
{
    uint64_t swap = -(uint64_t)(quadrant & 1);
    uint64_t flip = -(uint64_t)((quadrant >> 1) & 1) & (1ULL << 63);
    uint64_t sb = dbits(s), cb = dbits(c);
    uint64_t rs = (sb & ~swap) | (cb & swap);                   /* s | c */
    uint64_t rc = (cb & ~swap) | ((sb ^ (1ULL << 63)) & swap);  /* c | -s */

    *so = dfrom(rs ^ flip);
    *co = dfrom(rc ^ flip);
}

/*
 * The exactly-known inputs of one Box-Muller pair, from 64 bits:
 * u1 = (hi + 1/2) / 2^32 in (0, 1) as m * 2^e with m in [1, 2) (never
 * 0, so |z| < 6.7), and u2 = lo / 2^32 as a quadrant and an angle
 * a in [-pi/4, pi/4).
 */
static inline void split_bits(uint64_t b, double *m, double *e, double *a,
                              unsigned *quadrant)
{
    uint64_t odd = ((b >> 32) << 1) | 1;        /* 2 hi + 1, < 2^33 */
    int n = 64 - __builtin_clzll(odd);          /* its bit length */
    uint32_t lo = (uint32_t)b;
    uint32_t q = (lo + (1u << 29)) >> 30;       /* nearest quarter turn */
    int32_t f = (int32_t)(lo - (q << 30));      /* remainder, 2^-30 turns */
    uint64_t mbits;
    double scale;

    /* m = odd / 2^(n-1), exact; u1 = odd / 2^33 = m * 2^(n-34). */
    mbits = (uint64_t)(1023 - (n - 1)) << 52;
    memcpy(&scale, &mbits, sizeof(scale));
    *m = (double)odd * scale;
    *e = (double)(n - 34);
    *a = (double)f * (HALF_PI / 1073741824.0);
    *quadrant = q & 3;
}

static inline void box_muller(double m, double e, double a, unsigned quadrant,
                              double *z0, double *z1)
{
    double r = sqrt(-2.0 * log_kernel(m, e));
    double s, c;

    sincos_kernel(a, &s, &c);
    rotate(quadrant, s, c, &s, &c);
    *z0 = r * c;
    *z1 = r * s;
}

void hc1_rng_sincos_turns(double t, double *s, double *c)
{
    uint32_t lo = (uint32_t)(t * 4294967296.0);
    uint32_t q = (lo + (1u << 29)) >> 30;
    int32_t f = (int32_t)(lo - (q << 30));
    double ss, cc;

    sincos_kernel((double)f * (HALF_PI / 1073741824.0), &ss, &cc);
    rotate(q, ss, cc, s, c);
}

void hc1_rng_normal_pair(const Hc1Rng *rng, uint64_t pair,
                         double *z0, double *z1)
{
    double m, e, a;
    unsigned q;

    split_bits(hc1_rng_bits(rng, pair), &m, &e, &a, &q);
    box_muller(m, e, a, q, z0, z1);
}

void hc1_rng_normal_fill(const Hc1Rng *rng, uint64_t first, size_t n,
                         float mean, float std, float *out)
{
    double m[BATCH], e[BATCH], a[BATCH], r[BATCH], s[BATCH], c[BATCH];
    unsigned q[BATCH];
    uint64_t pair;
    size_t j = 0, i, nb;
    double z0, z1;

    if (n == 0) {
        return;
    }
    if (first & 1) {
        hc1_rng_normal_pair(rng, first >> 1, &z0, &z1);
        out[j++] = mean + std * (float)z1;
    }
    /* Whole pairs, a batch at a time, one stage after the other. */
    while (n - j >= 2) {
        pair = (first + j) >> 1;
        nb = (n - j) / 2 < BATCH ? (n - j) / 2 : BATCH;
        for (i = 0; i < nb; i++) {
            split_bits(hc1_rng_bits(rng, pair + i), &m[i], &e[i], &a[i],
                       &q[i]);
        }
        for (i = 0; i < nb; i++) {
            r[i] = sqrt(-2.0 * log_kernel(m[i], e[i]));
        }
        for (i = 0; i < nb; i++) {
            sincos_kernel(a[i], &s[i], &c[i]);
        }
        for (i = 0; i < nb; i++) {
            double ss, cc;

            rotate(q[i], s[i], c[i], &ss, &cc);
            out[j + 2 * i] = mean + std * (float)(r[i] * cc);
            out[j + 2 * i + 1] = mean + std * (float)(r[i] * ss);
        }
        j += 2 * nb;
    }
    if (j < n) {
        hc1_rng_normal_pair(rng, (first + j) >> 1, &z0, &z1);
        out[j] = mean + std * (float)z0;
    }
}
