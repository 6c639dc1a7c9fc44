/*
 * The memory bandwidth the host gives at this moment, for hc1-llm bench:
 * decode of one context streams the weights once per token, so its speed
 * only means something next to what a plain read of the same pages gets
 * in the same minutes (the shared hosts this runs on vary two-fold).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MEMBW_H
#define HC1_MEMBW_H

#include <stddef.h>

/*
 * Read [@p, @p + @len) once with @threads threads (disjoint, contiguous
 * parts), one load per 64-byte line, and return the bytes per second;
 * 0 if a thread cannot be started.
 */
double hc1_membw_read(const void *p, size_t len, unsigned threads);

#endif /* HC1_MEMBW_H */
