/*
 * PCI(e) enumeration and resource assignment for a firmware that finds
 * the machine as reset left it: bridges unnumbered, BARs unassigned,
 * decoding off (riscv64 virt), or as a BIOS left it (x86), which it
 * redoes from scratch so it never depends on anyone else's choices.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_PCI_H
#define FW_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* A CPU-visible address range that BARs are carved from. */
typedef struct PciWindow {
    uint64_t base, size;
    uint64_t next;          /* allocation cursor */
} PciWindow;

/* One host bridge, as the platform discovered it. */
typedef struct PciHost {
    uint8_t bus_start, bus_end;
    PciWindow mem32;        /* below 4 GiB: non-prefetchable BARs */
    PciWindow mem64;        /* size 0 when absent: prefetchable BARs */
} PciHost;

#define PCI_MAX_DEVS 32

typedef struct PciDev {
    uint8_t bus, devfn;
    uint16_t vendor, device;
    uint32_t class_rev;     /* class << 8 | revision */
    bool bridge;
    uint64_t bar[6];        /* assigned address, 0 when none */
    uint64_t bar_size[6];
    bool bar64[6];
    bool bar_pref[6];
} PciDev;

typedef struct PciBus {
    PciHost host;
    PciDev dev[PCI_MAX_DEVS];
    int n_dev;
    uint8_t last_bus;
    bool out_of_space;
} PciBus;

/* Configuration space registers used here. */
#define PCI_VENDOR_ID       0x00
#define PCI_COMMAND         0x04
#define PCI_CLASS_REV       0x08
#define PCI_HEADER_TYPE     0x0c    /* byte 2 of the word */
#define PCI_BAR0            0x10
#define PCI_BRIDGE_BUSES    0x18
#define PCI_BRIDGE_IO       0x1c
#define PCI_BRIDGE_MEM      0x20
#define PCI_BRIDGE_PREF     0x24
#define PCI_BRIDGE_PREF_HI  0x28
#define PCI_BRIDGE_PREF_LIM_HI 0x2c
#define PCI_CAP_PTR         0x34
#define PCI_STATUS_CAP_LIST (1u << 20)  /* in the COMMAND word */
#define PCI_CMD_IO          (1u << 0)
#define PCI_CMD_MEM         (1u << 1)
#define PCI_CMD_MASTER      (1u << 2)
#define PCI_CAP_ID_MSIX     0x11
#define PCI_DEVFN(d, f)     ((uint8_t)(((d) << 3) | (f)))

/*
 * Walk every bus below @host, number the bridges, size and assign every
 * memory BAR, program the bridge windows and print what was found.
 * Returns false when BARs did not fit.
 */
bool pci_enumerate(PciBus *pb, const PciHost *host);

/* The first function with this identity, or NULL. */
PciDev *pci_find(PciBus *pb, uint16_t vendor, uint16_t device,
                 uint16_t class_code);

/* Config-space offset of capability @id, or 0. */
uint8_t pci_find_cap(const PciDev *d, uint8_t id);

void pci_set_command(const PciDev *d, uint16_t cmd);

#endif
