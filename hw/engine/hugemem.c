/*
 * Memory in 2 MiB pages where the host gives them.
 *
 * The KV caches are read a few KiB at a time from many places at each
 * step: eight contexts of the medium model touch 16 layers x 8 KV heads
 * x keys and values of each, and a context of 1024 tokens holds 32 MiB.
 * In 4 KiB pages that is a TLB miss on nearly every item (a nested page
 * walk under a hypervisor); in 2 MiB pages it is none. calloc gives
 * large blocks from mmap in 4 KiB pages: transparent huge pages are
 * often only given on request (the "madvise" setting), so this asks.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hugemem.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page_round(size_t len)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);

    return (len + pg - 1) / pg * pg;
}

void *hc1_huge_reserve(size_t len, int prot)
{
    size_t mapped, total;
    uint8_t *res, *at;

    /* rounding up must not wrap: no mapping is that large anyway */
    if (len == 0 || len > SIZE_MAX / 2) {
        return NULL;
    }
    /* room for an aligned start, then give back what is left over */
    mapped = page_round(len);
    total = mapped + HC1_HUGE_PAGE;
    res = mmap(NULL, total, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (res == MAP_FAILED) {
        return NULL;
    }
    at = (uint8_t *)(((uintptr_t)res + HC1_HUGE_PAGE - 1) &
                     ~(uintptr_t)(HC1_HUGE_PAGE - 1));
    if (at > res) {
        munmap(res, (size_t)(at - res));
    }
    if (res + total > at + mapped) {
        munmap(at + mapped, (size_t)(res + total - (at + mapped)));
    }
    return at;
}

void *hc1_huge_alloc(size_t len)
{
    void *p = hc1_huge_reserve(len, PROT_READ | PROT_WRITE);

#if defined(MADV_HUGEPAGE)
    if (p) {
        /* advice only: without it the memory still works */
        madvise(p, page_round(len), MADV_HUGEPAGE);
    }
#endif
    return p;
}

void hc1_huge_free(void *p, size_t len)
{
    if (p) {
        munmap(p, page_round(len));
    }
}
