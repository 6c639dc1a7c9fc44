/*
 * A fixed-size thread pool for parallel loops.
 *
 * hc1_pool_for() splits [0, n) into one contiguous part per thread,
 * the caller's first, in whole multiples of @chunk. Each thread runs
 * its own part a chunk at a time and then steals from the back of the
 * others' (half of what is left, in whole chunks). So with the same n
 * the same thread runs the same items loop after loop, and the caller
 * never waits for a worker that has not started: on a loaded host (or
 * a QEMU whose vCPUs compete with the pool) a descheduled worker costs
 * nothing, the caller just steals its part. Results must not depend on
 * who runs a range.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_THREADPOOL_H
#define HC1_THREADPOOL_H

#include <stdint.h>

typedef struct hc1_pool hc1_pool;

/* Run items [begin, end) on participant @ith (0 = caller, < pool size). */
typedef void (*hc1_range_fn)(void *arg, uint32_t begin, uint32_t end,
                             uint32_t ith);

/* @n threads in all, the caller included (n >= 1); NULL on failure. */
hc1_pool *hc1_pool_new(uint32_t n);
void hc1_pool_free(hc1_pool *p);
uint32_t hc1_pool_size(const hc1_pool *p);
void hc1_pool_for(hc1_pool *p, uint32_t n, uint32_t chunk, hc1_range_fn fn,
                  void *arg);

#endif /* HC1_THREADPOOL_H */
