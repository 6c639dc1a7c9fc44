/*
 * hc1-mkmodel: seeded, counter-based normal random numbers.
 *
 * Every value is a pure function of (stream key, index): value i of a
 * stream can be computed without computing values 0..i-1, so a tensor
 * can be generated in any order, in chunks or on several threads, and
 * always comes out the same. The arithmetic uses only IEEE-754 double
 * operations that are exactly specified (+ - * / and sqrt, no libm
 * transcendental functions), so the stream is the same on every host
 * that compiles this file without floating-point contraction.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MKMODEL_RNG_H
#define HC1_MKMODEL_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct Hc1Rng {
    uint64_t k0;
    uint64_t k1;
} Hc1Rng;

/* A stream keyed by a global seed and a name (e.g. a tensor name). */
void hc1_rng_init(Hc1Rng *rng, uint64_t seed, const char *name);

/* 64 random bits for counter @ctr. */
uint64_t hc1_rng_bits(const Hc1Rng *rng, uint64_t ctr);

/*
 * Standard normal variates number 2*@pair and 2*@pair+1 of the stream
 * (Box-Muller on one 64-bit draw).
 */
void hc1_rng_normal_pair(const Hc1Rng *rng, uint64_t pair,
                         double *z0, double *z1);

/*
 * out[j] = (float)mean + (float)std * (float)z(first + j) for j < n,
 * evaluated in float32.
 */
void hc1_rng_normal_fill(const Hc1Rng *rng, uint64_t first, size_t n,
                         float mean, float std, float *out);

/*
 * The building blocks, exposed for tests: the natural logarithm of a
 * positive normal double, and sin/cos of 2 pi t for t in [0, 1), t
 * taken as a multiple of 2^-32 (rounded down), as the generator's
 * angles are.
 */
double hc1_rng_log(double x);
void hc1_rng_sincos_turns(double t, double *s, double *c);

#endif
