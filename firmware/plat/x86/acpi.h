/*
 * The little of ACPI a PVH firmware needs: ECAM from MCFG, the PM timer
 * and the sleep-control port from FADT.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_ACPI_H
#define FW_ACPI_H

#include <stdbool.h>
#include <stdint.h>

typedef struct AcpiInfo {
    uint64_t ecam_base;
    uint8_t bus_start, bus_end;
    uint16_t pm_tmr_port;       /* 0 when absent */
    bool pm_tmr_32bit;
    uint16_t pm1a_cnt_port;
} AcpiInfo;

/* Fill @ai from the RSDP at @rsdp (0: search the BIOS area). */
const char *acpi_discover(uint32_t rsdp, AcpiInfo *ai);

#endif
