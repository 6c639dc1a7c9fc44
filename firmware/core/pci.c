/*
 * PCI enumeration, bus numbering and BAR assignment. One depth-first
 * pass: a bridge gets the next bus number and 1 MiB aligned windows that
 * cover exactly what was allocated while its subtree was walked.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "fw.h"
#include "pci.h"

#define BRIDGE_ALIGN 0x100000ull    /* bridge memory window granularity */

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint64_t win_alloc(PciWindow *w, uint64_t size)
{
    uint64_t at = align_up(w->next, size);

    if (!w->size || at + size > w->base + w->size) {
        return 0;
    }
    w->next = at + size;
    return at;
}

/*
 * Size BAR @i of @d (memory BARs only: the firmware needs no I/O space)
 * and give it an address. Returns the number of BAR slots used.
 */
static int assign_bar(PciBus *pb, PciDev *d, int i)
{
    uint16_t off = PCI_BAR0 + 4 * i;
    uint32_t orig = hal_cfg_rd(d->bus, d->devfn, off);
    uint64_t mask, size, addr;
    bool is64, pref;

    if (orig & 1) {
        return 1;                       /* I/O BAR: left alone */
    }
    is64 = ((orig >> 1) & 3) == 2;
    pref = orig & 8;
    hal_cfg_wr(d->bus, d->devfn, off, 0xffffffff);
    mask = hal_cfg_rd(d->bus, d->devfn, off) & ~0xfull;
    if (is64) {
        hal_cfg_wr(d->bus, d->devfn, off + 4, 0xffffffff);
        mask |= (uint64_t)hal_cfg_rd(d->bus, d->devfn, off + 4) << 32;
    }
    if (!mask) {
        hal_cfg_wr(d->bus, d->devfn, off, orig);
        return is64 ? 2 : 1;            /* unimplemented BAR */
    }
    if (!is64) {
        mask |= 0xffffffff00000000ull;  /* size within 32 bits */
    }
    size = ~mask + 1;
    /*
     * Prefetchable 64-bit BARs go above 4 GiB when the host bridge has a
     * window there; everything else fits in the 32-bit window (a 64-bit
     * BAR may hold an address below 4 GiB).
     */
    addr = 0;
    if (is64 && pref && pb->host.mem64.size) {
        addr = win_alloc(&pb->host.mem64, size);
    }
    if (!addr) {
        addr = win_alloc(&pb->host.mem32, size);
    }
    if (!addr) {
        fw_printf("hc1-fw: pci: no room for BAR%d of %02x:%02x.%x "
                  "(0x%llx bytes%s)\n", i, d->bus, d->devfn >> 3,
                  d->devfn & 7, (unsigned long long)size,
                  is64 ? ", 64-bit" : "");
        pb->out_of_space = true;
    }
    hal_cfg_wr(d->bus, d->devfn, off, (uint32_t)addr);
    if (is64) {
        hal_cfg_wr(d->bus, d->devfn, off + 4, (uint32_t)(addr >> 32));
    }
    d->bar[i] = addr;
    d->bar_size[i] = size;
    d->bar64[i] = is64;
    d->bar_pref[i] = pref;
    return is64 ? 2 : 1;
}

static void assign_bars(PciBus *pb, PciDev *d, int n_bars)
{
    uint32_t cmd = hal_cfg_rd(d->bus, d->devfn, PCI_COMMAND) & 0xffff;

    /* No decoding while the BARs hold sizing patterns. */
    hal_cfg_wr(d->bus, d->devfn, PCI_COMMAND, cmd & ~(PCI_CMD_MEM | PCI_CMD_IO));
    for (int i = 0; i < n_bars;) {
        i += assign_bar(pb, d, i);
    }
    hal_cfg_wr(d->bus, d->devfn, PCI_COMMAND, cmd);
}

static void scan_bus(PciBus *pb, uint8_t bus, int depth);

static void setup_bridge(PciBus *pb, PciDev *d, int depth)
{
    uint8_t sec;
    uint64_t m32, m64, end32, end64;
    uint32_t w;

    if (pb->last_bus >= pb->host.bus_end) {
        fw_printf("hc1-fw: pci: no bus number left for bridge %02x:%02x.%x\n",
                  d->bus, d->devfn >> 3, d->devfn & 7);
        return;
    }
    sec = ++pb->last_bus;
    /* Subordinate at the maximum while the subtree is walked. */
    hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_BUSES,
               (hal_cfg_rd(d->bus, d->devfn, PCI_BRIDGE_BUSES) & 0xff000000) |
               ((uint32_t)pb->host.bus_end << 16) | ((uint32_t)sec << 8) |
               d->bus);
    pb->host.mem32.next = align_up(pb->host.mem32.next, BRIDGE_ALIGN);
    pb->host.mem64.next = align_up(pb->host.mem64.next, BRIDGE_ALIGN);
    m32 = pb->host.mem32.next;
    m64 = pb->host.mem64.next;

    scan_bus(pb, sec, depth + 1);

    hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_BUSES,
               (hal_cfg_rd(d->bus, d->devfn, PCI_BRIDGE_BUSES) & 0xff000000) |
               ((uint32_t)pb->last_bus << 16) | ((uint32_t)sec << 8) |
               d->bus);
    pb->host.mem32.next = align_up(pb->host.mem32.next, BRIDGE_ALIGN);
    pb->host.mem64.next = align_up(pb->host.mem64.next, BRIDGE_ALIGN);
    end32 = pb->host.mem32.next;
    end64 = pb->host.mem64.next;

    /* Windows: base > limit closes one. I/O is closed: nothing uses it. */
    hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_IO, 0x00f0);
    if (end32 > m32) {
        w = (uint32_t)(m32 >> 16) | (uint32_t)((end32 - 1) & 0xfff00000);
    } else {
        w = 0x0000fff0;
    }
    hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_MEM, w);
    if (end64 > m64) {
        w = ((uint32_t)(m64 >> 16) & 0xfff0) |
            (uint32_t)((end64 - 1) & 0xfff00000) | 0x00010001;
        hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_PREF, w);
        hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_PREF_HI,
                   (uint32_t)(m64 >> 32));
        hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_PREF_LIM_HI,
                   (uint32_t)((end64 - 1) >> 32));
    } else {
        hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_PREF, 0x0000fff0);
        hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_PREF_HI, 0);
        hal_cfg_wr(d->bus, d->devfn, PCI_BRIDGE_PREF_LIM_HI, 0);
    }
    /* Forward memory cycles down and DMA up. */
    pci_set_command(d, PCI_CMD_MEM | PCI_CMD_MASTER);
}

static void scan_fn(PciBus *pb, uint8_t bus, uint8_t devfn, uint32_t id,
                    int depth)
{
    uint32_t cr = hal_cfg_rd(bus, devfn, PCI_CLASS_REV);
    uint8_t hdr = (hal_cfg_rd(bus, devfn, PCI_HEADER_TYPE) >> 16) & 0x7f;
    PciDev scratch, *d;

    d = pb->n_dev < PCI_MAX_DEVS ? &pb->dev[pb->n_dev++] : &scratch;
    memset(d, 0, sizeof(*d));
    d->bus = bus;
    d->devfn = devfn;
    d->vendor = id & 0xffff;
    d->device = id >> 16;
    d->class_rev = cr;
    d->bridge = hdr == 1;
    fw_printf("hc1-fw: pci %*s%02x:%02x.%x %04x:%04x class %04x%s\n",
              2 * depth, "", bus, devfn >> 3, devfn & 7, d->vendor,
              d->device, cr >> 16, d->bridge ? " (bridge)" : "");
    if (hdr == 0) {
        assign_bars(pb, d, 6);
    } else if (hdr == 1) {
        assign_bars(pb, d, 2);
        setup_bridge(pb, d, depth);
    }
}

static void scan_bus(PciBus *pb, uint8_t bus, int depth)
{
    for (int dev = 0; dev < 32; dev++) {
        for (int fn = 0; fn < 8; fn++) {
            uint8_t devfn = PCI_DEVFN(dev, fn);
            uint32_t id = hal_cfg_rd(bus, devfn, PCI_VENDOR_ID);

            if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
                if (fn == 0) {
                    break;
                }
                continue;
            }
            scan_fn(pb, bus, devfn, id, depth);
            /* Functions 1-7 exist only behind a multi-function header. */
            if (fn == 0 &&
                !(hal_cfg_rd(bus, devfn, PCI_HEADER_TYPE) & 0x800000)) {
                break;
            }
        }
    }
}

bool pci_enumerate(PciBus *pb, const PciHost *host)
{
    memset(pb, 0, sizeof(*pb));
    pb->host = *host;
    pb->host.mem32.next = host->mem32.base;
    pb->host.mem64.next = host->mem64.base;
    pb->last_bus = host->bus_start;
    scan_bus(pb, host->bus_start, 0);
    if (pb->n_dev >= PCI_MAX_DEVS) {
        fw_printf("hc1-fw: pci: more than %d functions; "
                  "the rest are not listed\n", PCI_MAX_DEVS);
    }
    return !pb->out_of_space;
}

PciDev *pci_find(PciBus *pb, uint16_t vendor, uint16_t device,
                 uint16_t class_code)
{
    for (int i = 0; i < pb->n_dev; i++) {
        PciDev *d = &pb->dev[i];
        if (d->vendor == vendor && d->device == device &&
            (d->class_rev >> 16) == class_code) {
            return d;
        }
    }
    return NULL;
}

uint8_t pci_find_cap(const PciDev *d, uint8_t id)
{
    uint8_t ptr;
    int guard = 48;     /* a looped list must not hang the firmware */

    if (!(hal_cfg_rd(d->bus, d->devfn, PCI_COMMAND) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    ptr = hal_cfg_rd(d->bus, d->devfn, PCI_CAP_PTR) & 0xfc;
    while (ptr && guard--) {
        uint32_t w = hal_cfg_rd(d->bus, d->devfn, ptr);
        if ((w & 0xff) == id) {
            return ptr;
        }
        ptr = (w >> 8) & 0xfc;
    }
    return 0;
}

void pci_set_command(const PciDev *d, uint16_t cmd)
{
    /* The status half is RO/W1C: writing zeros there changes nothing. */
    hal_cfg_wr(d->bus, d->devfn, PCI_COMMAND, cmd);
}
