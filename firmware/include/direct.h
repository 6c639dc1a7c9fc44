/*
 * The bare-metal accessors: registers and RAM by plain loads and stores,
 * configuration space through ECAM. Each platform fills a DirectMachine
 * from what it discovered and calls direct_hal_init().
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_DIRECT_H
#define FW_DIRECT_H

#include "hal.h"

typedef struct DirectMachine {
    uint64_t ecam_base;         /* ECAM of bus ecam_bus0 */
    uint8_t ecam_bus0;
    uint64_t (*now_us)(void);
    void (*putc)(char c);
    uint32_t (*pio_read)(uint16_t port, int size);
    void (*pio_write)(uint16_t port, int size, uint32_t val);
} DirectMachine;

void direct_hal_init(DirectMachine *m, uint64_t dma_base, uint64_t dma_size);

/* Order RAM writes before a register write that makes the card look. */
static inline void fw_wmb(void)
{
#if defined(__riscv)
    __asm__ volatile("fence w,o" ::: "memory");
#elif defined(__aarch64__)
    __asm__ volatile("dmb oshst" ::: "memory");
#else
    __asm__ volatile("" ::: "memory");  /* x86 keeps store order */
#endif
}

/* Order a register read before later RAM reads of what it announced. */
static inline void fw_rmb(void)
{
#if defined(__riscv)
    __asm__ volatile("fence i,r" ::: "memory");
#elif defined(__aarch64__)
    __asm__ volatile("dmb oshld" ::: "memory");
#else
    __asm__ volatile("" ::: "memory");
#endif
}

#endif
