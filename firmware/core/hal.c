/*
 * The parts of the hardware-access layer that are the same everywhere:
 * the DMA memory allocator and delays built on the clock.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fw.h"

Hal hal;

void hal_mem_zero(uint64_t addr, uint64_t len)
{
    static const uint8_t zero[256];

    while (len) {
        size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
        hal_mem_wr(addr, zero, n);
        addr += n;
        len -= n;
    }
}

uint64_t hal_dma_alloc(uint64_t size, uint64_t align)
{
    uint64_t at = (hal.dma_next + align - 1) & ~(align - 1);

    if (at + size > hal.dma_end || at + size < at) {
        return 0;
    }
    hal.dma_next = at + size;
    hal_mem_zero(at, size);
    return at;
}

void hal_delay_us(uint64_t us)
{
    uint64_t end = hal_now_us() + us;

    while (hal_now_us() < end) {
        hal_relax();
    }
}
