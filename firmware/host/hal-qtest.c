/*
 * qtest accessors. Configuration space goes through the 0xcf8/0xcfc
 * mechanism (with bus numbers, so bridges work) because nothing has
 * enabled q35's ECAM window when no firmware runs. The console becomes
 * TAP comments.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <time.h>

#include "hal-qtest.h"

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc
#define RELAX_VIRTUAL_NS 1000000    /* 1 ms of card time per poll */

static char line[512];
static size_t line_len;

static uint32_t q_mmio_read32(void *opaque, uint64_t addr)
{
    return qtc_readl(opaque, addr);
}

static void q_mmio_write32(void *opaque, uint64_t addr, uint32_t val)
{
    qtc_writel(opaque, addr, val);
}

static uint32_t q_pio_read(void *opaque, uint16_t port, int size)
{
    return size == 4 ? qtc_inl(opaque, port) : 0xffffffff;
}

static void q_pio_write(void *opaque, uint16_t port, int size, uint32_t val)
{
    if (size == 4) {
        qtc_outl(opaque, port, val);
    }
}

static uint32_t cf8(uint8_t bus, uint8_t devfn, uint16_t off)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)devfn << 8 |
           (off & 0xfc);
}

static uint32_t q_cfg_read32(void *opaque, uint8_t bus, uint8_t devfn,
                             uint16_t off)
{
    qtc_outl(opaque, CFG_ADDR, cf8(bus, devfn, off));
    return qtc_inl(opaque, CFG_DATA);
}

static void q_cfg_write32(void *opaque, uint8_t bus, uint8_t devfn,
                          uint16_t off, uint32_t val)
{
    qtc_outl(opaque, CFG_ADDR, cf8(bus, devfn, off));
    qtc_outl(opaque, CFG_DATA, val);
}

static void q_mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    qtc_memread(opaque, addr, buf, len);
}

static void q_mem_write(void *opaque, uint64_t addr, const void *buf,
                        size_t len)
{
    qtc_memwrite(opaque, addr, buf, len);
}

/* Real time: the card boots and computes in real time. */
static uint64_t q_now_us(void *opaque)
{
    struct timespec ts;

    (void)opaque;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Nothing advances QEMU's virtual clock under qtest unless we do, so a
 * poll loop moves it along with real time; and yields the CPU.
 */
static void q_relax(void *opaque)
{
    struct timespec ts = { 0, 200000 };

    qtc_clock_step(opaque, RELAX_VIRTUAL_NS);
    nanosleep(&ts, NULL);
}

static void q_console_write(void *opaque, const char *s, size_t n)
{
    (void)opaque;
    for (; n; n--, s++) {
        if (*s == '\n' || line_len == sizeof(line) - 1) {
            line[line_len] = '\0';
            printf("# %s\n", line);
            fflush(stdout);
            line_len = 0;
        }
        if (*s != '\n') {
            line[line_len++] = *s;
        }
    }
}

static const HalOps qtest_ops = {
    .mmio_read32 = q_mmio_read32,
    .mmio_write32 = q_mmio_write32,
    .pio_read = q_pio_read,
    .pio_write = q_pio_write,
    .cfg_read32 = q_cfg_read32,
    .cfg_write32 = q_cfg_write32,
    .mem_read = q_mem_read,
    .mem_write = q_mem_write,
    .now_us = q_now_us,
    .relax = q_relax,
    .console_write = q_console_write,
};

void hal_qtest_init(QtestClient *q, uint64_t dma_base, uint64_t dma_size)
{
    hal.ops = &qtest_ops;
    hal.opaque = q;
    hal.dma_next = dma_base;
    hal.dma_end = dma_base + dma_size;
}
