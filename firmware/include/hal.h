/*
 * Hardware-access layer: every access the firmware's logic makes to the
 * machine goes through one table of function pointers, so the same logic
 * runs on bare metal (direct loads and stores) and on the host, where a
 * QEMU qtest connection plays the machine (host/hal-qtest.c).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_HAL_H
#define FW_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct HalOps {
    /* Memory-mapped registers, always naturally aligned 32-bit. */
    uint32_t (*mmio_read32)(void *opaque, uint64_t addr);
    void (*mmio_write32)(void *opaque, uint64_t addr, uint32_t val);
    /* x86 port I/O, @size 1, 2 or 4; NULL where there are no ports. */
    uint32_t (*pio_read)(void *opaque, uint16_t port, int size);
    void (*pio_write)(void *opaque, uint16_t port, int size, uint32_t val);
    /* PCI configuration space, aligned 32-bit words. */
    uint32_t (*cfg_read32)(void *opaque, uint8_t bus, uint8_t devfn,
                           uint16_t off);
    void (*cfg_write32)(void *opaque, uint8_t bus, uint8_t devfn,
                        uint16_t off, uint32_t val);
    /* RAM the card reaches by DMA, by physical address. */
    void (*mem_read)(void *opaque, uint64_t addr, void *buf, size_t len);
    void (*mem_write)(void *opaque, uint64_t addr, const void *buf,
                      size_t len);
    /* Monotonic microseconds; every wait is bounded with it. */
    uint64_t (*now_us)(void *opaque);
    /* Called in each poll loop: lets a simulated clock move. */
    void (*relax)(void *opaque);
    /* The report goes here (a UART, or stdout on the host). */
    void (*console_write)(void *opaque, const char *s, size_t n);
} HalOps;

typedef struct Hal {
    const HalOps *ops;
    void *opaque;
    /* Bump allocator over RAM set aside for DMA: [dma_next, dma_end). */
    uint64_t dma_next, dma_end;
} Hal;

/* The machine in use; the platform fills it in before fw_main(). */
extern Hal hal;

static inline uint32_t hal_mmio_rd(uint64_t addr)
{
    return hal.ops->mmio_read32(hal.opaque, addr);
}

static inline void hal_mmio_wr(uint64_t addr, uint32_t val)
{
    hal.ops->mmio_write32(hal.opaque, addr, val);
}

static inline uint32_t hal_cfg_rd(uint8_t bus, uint8_t devfn, uint16_t off)
{
    return hal.ops->cfg_read32(hal.opaque, bus, devfn, off & ~3u);
}

static inline void hal_cfg_wr(uint8_t bus, uint8_t devfn, uint16_t off,
                              uint32_t val)
{
    hal.ops->cfg_write32(hal.opaque, bus, devfn, off & ~3u, val);
}

static inline void hal_mem_rd(uint64_t addr, void *buf, size_t len)
{
    hal.ops->mem_read(hal.opaque, addr, buf, len);
}

static inline void hal_mem_wr(uint64_t addr, const void *buf, size_t len)
{
    hal.ops->mem_write(hal.opaque, addr, buf, len);
}

static inline uint32_t hal_mem_rd32(uint64_t addr)
{
    uint32_t v;

    hal_mem_rd(addr, &v, 4);
    return v;
}

static inline void hal_mem_wr32(uint64_t addr, uint32_t v)
{
    hal_mem_wr(addr, &v, 4);
}

static inline uint64_t hal_now_us(void)
{
    return hal.ops->now_us(hal.opaque);
}

static inline void hal_relax(void)
{
    if (hal.ops->relax) {
        hal.ops->relax(hal.opaque);
    }
}

/* Zeroed DMA memory aligned to @align (a power of two); 0 when out. */
uint64_t hal_dma_alloc(uint64_t size, uint64_t align);
void hal_mem_zero(uint64_t addr, uint64_t len);

/* Busy-wait for @us microseconds. */
void hal_delay_us(uint64_t us);

#endif
