/*
 * Memory in 2 MiB pages where the host gives them: the weights'
 * mapping (model.c) and the KV caches, the card's SRAM (engine.c).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_HUGEMEM_H
#define HC1_HUGEMEM_H

#include <stddef.h>

#define HC1_HUGE_PAGE ((size_t)2 << 20)

/*
 * @len bytes of anonymous memory with protection @prot, starting at a
 * multiple of HC1_HUGE_PAGE; NULL when the host has none. Nothing is
 * advised: a caller that maps a file over it asks for huge pages itself.
 */
void *hc1_huge_reserve(size_t len, int prot);

/*
 * @len zeroed bytes, read and write, in 2 MiB pages where the kernel
 * has them (transparent huge pages on request). The pages are faulted
 * in when first touched, as calloc's are, so untouched parts cost
 * nothing. Free with hc1_huge_free and the same @len.
 */
void *hc1_huge_alloc(size_t len);
void hc1_huge_free(void *p, size_t len);

#endif
