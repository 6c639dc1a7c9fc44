/*
 * What a device-tree platform needs from its DTB, found with libfdt.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_DT_H
#define FW_DT_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"

typedef struct DtMachine {
    uint64_t uart_base;         /* 0 when not found */
    uint32_t uart_shift;        /* reg-shift */
    bool uart_pl011;            /* arm,pl011 rather than ns16550a */
    uint64_t ecam_base, ecam_size;
    PciHost pci;
    bool have_pci;
    uint64_t poweroff_addr;     /* syscon-poweroff target, 0 when none */
    uint32_t poweroff_value;
    bool poweroff_sifive_test;  /* fail codes via (code << 16) | 0x3333 */
    uint64_t ram_base, ram_size;
    uint32_t timebase_hz;       /* /cpus timebase-frequency */
    const char *bootargs;       /* /chosen bootargs (-append), or NULL */
} DtMachine;

/* Fill @m from the DTB at @fdt. Returns a libfdt error, or 0. */
int dt_discover(const void *fdt, DtMachine *m);

#endif
