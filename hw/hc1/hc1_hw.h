/*
 * HC1 hard-wired LLM inference card: hardware interface.
 *
 * This header is the datasheet in code. It is shared, unchanged, by the
 * QEMU model (hw/hc1), the Linux driver (guest-driver/linux), the
 * bare-metal firmware (firmware/) and the tests. It therefore uses only
 * fixed-width integer types and preprocessor constants: no QEMU, kernel
 * or libc API. The prose contract is docs/hc1-prm.rst; the two change
 * together, and HC1_IFACE_VERSION is bumped whenever they do.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_HW_H
#define HC1_HW_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef __u8 hc1_u8;
typedef __u16 hc1_u16;
typedef __u32 hc1_u32;
typedef __u64 hc1_u64;
#else
#include <stdint.h>
typedef uint8_t hc1_u8;
typedef uint16_t hc1_u16;
typedef uint32_t hc1_u32;
typedef uint64_t hc1_u64;
#endif

/* PCI identity: QEMU's range for unregistered experiments (pci-ids.rst). */
#define HC1_PCI_VENDOR_ID       0x1af4
#define HC1_PCI_DEVICE_ID       0x10f0
#define HC1_PCI_CLASS           0x1200  /* processing accelerator */
#define HC1_PCI_REVISION        0x01

/* Interface version reported in HC1_REG_VERSION. */
#define HC1_IFACE_MAJOR         0
#define HC1_IFACE_MINOR         1
#define HC1_IFACE_VERSION       ((HC1_IFACE_MAJOR << 16) | HC1_IFACE_MINOR)

/* "HC1!" read as a little-endian 32-bit word. */
#define HC1_MAGIC               0x21314348u

/* BAR map. */
#define HC1_BAR_REGS            0       /* 64-bit, non-prefetchable */
#define HC1_BAR_REGS_SIZE       0x4000u

/*
 * BAR0 register file. Every register is 32 bits wide and must be
 * accessed with naturally aligned 32-bit loads and stores; 64-bit
 * quantities are split into _LO/_HI halves.
 */
struct hc1_regs {
    hc1_u32 magic;          /* 0x000 RO  HC1_MAGIC */
    hc1_u32 version;        /* 0x004 RO  HC1_IFACE_VERSION */
    hc1_u32 rom_size_lo;    /* 0x008 RO  ROM (model) size in bytes, 31:0 */
    hc1_u32 rom_size_hi;    /* 0x00c RO  ROM (model) size in bytes, 63:32 */
    hc1_u32 scratch;        /* 0x010 RW  no effect; reset value 0 */
};

#define HC1_REG_MAGIC           0x000
#define HC1_REG_VERSION         0x004
#define HC1_REG_ROM_SIZE_LO     0x008
#define HC1_REG_ROM_SIZE_HI     0x00c
#define HC1_REG_SCRATCH         0x010

#define HC1_VERSION_MAJOR_SHIFT 16
#define HC1_VERSION_MINOR_MASK  0xffffu

/* The layout above and the offsets are the same contract. */
#define HC1_ASSERT_REG(field, off) \
    _Static_assert(__builtin_offsetof(struct hc1_regs, field) == (off), \
               "hc1_regs." #field " is not at " #off)
HC1_ASSERT_REG(magic, HC1_REG_MAGIC);
HC1_ASSERT_REG(version, HC1_REG_VERSION);
HC1_ASSERT_REG(rom_size_lo, HC1_REG_ROM_SIZE_LO);
HC1_ASSERT_REG(rom_size_hi, HC1_REG_ROM_SIZE_HI);
HC1_ASSERT_REG(scratch, HC1_REG_SCRATCH);
_Static_assert(sizeof(struct hc1_regs) == 0x14, "hc1_regs size");

#endif /* HC1_HW_H */
