/*
 * Bare-metal accessors: physical address == pointer (no MMU on any of
 * our platforms), ECAM for configuration space.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "direct.h"

static volatile uint32_t *reg_ptr(uint64_t addr)
{
    return (volatile uint32_t *)(uintptr_t)addr;
}

static uint32_t d_mmio_read32(void *opaque, uint64_t addr)
{
    uint32_t v = *reg_ptr(addr);

    (void)opaque;
    fw_rmb();
    return v;
}

static void d_mmio_write32(void *opaque, uint64_t addr, uint32_t val)
{
    (void)opaque;
    fw_wmb();
    *reg_ptr(addr) = val;
}

static uint32_t d_pio_read(void *opaque, uint16_t port, int size)
{
    DirectMachine *m = opaque;

    return m->pio_read ? m->pio_read(port, size) : 0xffffffff;
}

static void d_pio_write(void *opaque, uint16_t port, int size, uint32_t val)
{
    DirectMachine *m = opaque;

    if (m->pio_write) {
        m->pio_write(port, size, val);
    }
}

static uint64_t ecam_addr(DirectMachine *m, uint8_t bus, uint8_t devfn,
                          uint16_t off)
{
    return m->ecam_base + ((uint64_t)(bus - m->ecam_bus0) << 20) +
           ((uint64_t)devfn << 12) + off;
}

static uint32_t d_cfg_read32(void *opaque, uint8_t bus, uint8_t devfn,
                             uint16_t off)
{
    return *reg_ptr(ecam_addr(opaque, bus, devfn, off));
}

static void d_cfg_write32(void *opaque, uint8_t bus, uint8_t devfn,
                          uint16_t off, uint32_t val)
{
    *reg_ptr(ecam_addr(opaque, bus, devfn, off)) = val;
}

/*
 * DMA memory through volatile byte pointers: the card writes it behind
 * the compiler's back, so every read must really happen.
 */
static void d_mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    volatile const uint8_t *s = (volatile const uint8_t *)(uintptr_t)addr;
    uint8_t *d = buf;

    (void)opaque;
    fw_rmb();
    while (len--) {
        *d++ = *s++;
    }
}

static void d_mem_write(void *opaque, uint64_t addr, const void *buf,
                        size_t len)
{
    volatile uint8_t *d = (volatile uint8_t *)(uintptr_t)addr;
    const uint8_t *s = buf;

    (void)opaque;
    while (len--) {
        *d++ = *s++;
    }
    fw_wmb();
}

static uint64_t d_now_us(void *opaque)
{
    DirectMachine *m = opaque;

    return m->now_us();
}

static void d_console_write(void *opaque, const char *s, size_t n)
{
    DirectMachine *m = opaque;

    while (n--) {
        if (*s == '\n') {
            m->putc('\r');
        }
        m->putc(*s++);
    }
}

static const HalOps direct_ops = {
    .mmio_read32 = d_mmio_read32,
    .mmio_write32 = d_mmio_write32,
    .pio_read = d_pio_read,
    .pio_write = d_pio_write,
    .cfg_read32 = d_cfg_read32,
    .cfg_write32 = d_cfg_write32,
    .mem_read = d_mem_read,
    .mem_write = d_mem_write,
    .now_us = d_now_us,
    .console_write = d_console_write,
};

void direct_hal_init(DirectMachine *m, uint64_t dma_base, uint64_t dma_size)
{
    hal.ops = &direct_ops;
    hal.opaque = m;
    hal.dma_next = dma_base;
    hal.dma_end = dma_base + dma_size;
}
