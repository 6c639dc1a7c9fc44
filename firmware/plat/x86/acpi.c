/*
 * ACPI table walk: RSDP -> XSDT (or RSDT) -> MCFG and FACP. Tables are
 * read in place; with paging off, physical addresses are pointers (all
 * of QEMU's tables sit below 4 GiB).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "acpi.h"

#define SDT_HEADER_LEN 36

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool checksum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;

    while (len--) {
        sum += *p++;
    }
    return sum == 0;
}

static const uint8_t *ptr(uint64_t addr)
{
    return addr >> 32 ? NULL : (const uint8_t *)(uintptr_t)addr;
}

/* The BIOS puts the RSDP on a 16-byte boundary in 0xe0000-0xfffff. */
static const uint8_t *find_rsdp(void)
{
    for (uint32_t a = 0xe0000; a < 0x100000; a += 16) {
        const uint8_t *p = ptr(a);
        if (!memcmp(p, "RSD PTR ", 8) && checksum_ok(p, 20)) {
            return p;
        }
    }
    return NULL;
}

static const uint8_t *find_table(const uint8_t *rsdp, const char *sig)
{
    bool x = rsdp[15] >= 2 && rd64(rsdp + 24);
    const uint8_t *root = ptr(x ? rd64(rsdp + 24) : rd32(rsdp + 16));
    uint32_t len, step = x ? 8 : 4;

    if (!root || !checksum_ok(root, rd32(root + 4))) {
        return NULL;
    }
    len = rd32(root + 4);
    for (uint32_t off = SDT_HEADER_LEN; off + step <= len; off += step) {
        const uint8_t *t = ptr(x ? rd64(root + off) : rd32(root + off));
        if (t && !memcmp(t, sig, 4) && checksum_ok(t, rd32(t + 4))) {
            return t;
        }
    }
    return NULL;
}

const char *acpi_discover(uint32_t rsdp_addr, AcpiInfo *ai)
{
    const uint8_t *rsdp = rsdp_addr ? ptr(rsdp_addr) : find_rsdp();
    const uint8_t *mcfg, *fadt;

    if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) || !checksum_ok(rsdp, 20)) {
        return "no valid RSDP";
    }
    /* MCFG: header, 8 reserved bytes, then 16-byte allocations. */
    mcfg = find_table(rsdp, "MCFG");
    if (!mcfg || rd32(mcfg + 4) < SDT_HEADER_LEN + 8 + 16) {
        return "no MCFG table (is the machine q35?)";
    }
    ai->ecam_base = rd64(mcfg + 44);
    ai->bus_start = mcfg[44 + 10];
    ai->bus_end = mcfg[44 + 11];
    /* FADT: PM1a_CNT_BLK at 64, PM_TMR_BLK at 76, flags at 112. */
    fadt = find_table(rsdp, "FACP");
    if (fadt && rd32(fadt + 4) >= 116) {
        ai->pm1a_cnt_port = (uint16_t)rd32(fadt + 64);
        ai->pm_tmr_port = (uint16_t)rd32(fadt + 76);
        ai->pm_tmr_32bit = rd32(fadt + 112) & (1u << 8);
    }
    return NULL;
}
