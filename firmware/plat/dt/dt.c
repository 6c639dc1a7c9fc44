/*
 * Device-tree discovery with libfdt: the UART, the generic ECAM host
 * bridge and its windows, the power-off syscon, RAM and the timebase.
 * Addresses are taken as the DTB gives them in the parent's cells; our
 * platforms (QEMU virt) map /soc one to one.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <libfdt.h>

#include "dt.h"

/* Read @cells big-endian 32-bit cells as one number. */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
    uint64_t v = 0;

    while (cells--) {
        v = (v << 32) | fdt32_to_cpu(*p++);
    }
    return v;
}

/* Entry @idx of node @node's "reg", in its parent's cell sizes. */
static bool dt_reg(const void *fdt, int node, int idx, uint64_t *addr,
                   uint64_t *size)
{
    int parent = fdt_parent_offset(fdt, node);
    int ac = fdt_address_cells(fdt, parent);
    int sc = fdt_size_cells(fdt, parent);
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

    if (!reg || ac < 1 || sc < 0 || len < (idx + 1) * (ac + sc) * 4) {
        return false;
    }
    reg += idx * (ac + sc);
    *addr = read_cells(reg, ac);
    if (size) {
        *size = read_cells(reg + ac, sc);
    }
    return true;
}

static uint32_t dt_u32(const void *fdt, int node, const char *name,
                       uint32_t dflt)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    return p && len >= 4 ? fdt32_to_cpu(*p) : dflt;
}

static void find_uart(const void *fdt, DtMachine *m)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, "ns16550a");

    if (node < 0) {
        node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
        m->uart_pl011 = node >= 0;
    }
    if (node >= 0 && dt_reg(fdt, node, 0, &m->uart_base, NULL)) {
        m->uart_shift = dt_u32(fdt, node, "reg-shift", 0);
    }
}

/*
 * "ranges" of a PCI host: (child: 3 cells, phys.hi space code in bits
 * 25:24; parent address; size: the node's #size-cells).
 */
static void find_pci(const void *fdt, DtMachine *m)
{
    int node = fdt_node_offset_by_compatible(fdt, -1,
                                             "pci-host-ecam-generic");
    int pac, sc, len, entry;
    const fdt32_t *p;

    if (node < 0 || !dt_reg(fdt, node, 0, &m->ecam_base, &m->ecam_size)) {
        return;
    }
    p = fdt_getprop(fdt, node, "bus-range", &len);
    if (p && len >= 8) {
        m->pci.bus_start = fdt32_to_cpu(p[0]);
        m->pci.bus_end = fdt32_to_cpu(p[1]);
    } else {
        m->pci.bus_start = 0;
        m->pci.bus_end = (m->ecam_size >> 20) - 1;
    }
    pac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
    sc = fdt_size_cells(fdt, node);
    entry = 3 + pac + sc;
    p = fdt_getprop(fdt, node, "ranges", &len);
    for (int i = 0; p && (i + 1) * entry * 4 <= len; i++) {
        const fdt32_t *e = p + i * entry;
        uint32_t space = (fdt32_to_cpu(e[0]) >> 24) & 3;
        uint64_t child = read_cells(e + 1, 2);
        uint64_t cpu = read_cells(e + 3, pac);
        uint64_t size = read_cells(e + 3 + pac, sc);
        PciWindow *w = space == 2 ? &m->pci.mem32 :
                       space == 3 ? &m->pci.mem64 : NULL;

        /*
         * BARs are programmed with bus addresses; the firmware uses the
         * same numbers as CPU addresses, so it only takes windows that
         * the host bridge maps one to one (QEMU's virt does).
         */
        if (w && child == cpu && !w->size) {
            w->base = cpu;
            w->size = size;
        }
    }
    m->have_pci = true;
}

static void find_poweroff(const void *fdt, DtMachine *m)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, "syscon-poweroff");
    int target;
    uint64_t base;

    if (node < 0) {
        return;
    }
    target = fdt_node_offset_by_phandle(fdt, dt_u32(fdt, node, "regmap", 0));
    if (target < 0 || !dt_reg(fdt, target, 0, &base, NULL)) {
        return;
    }
    m->poweroff_addr = base + dt_u32(fdt, node, "offset", 0);
    m->poweroff_value = dt_u32(fdt, node, "value", 0);
    m->poweroff_sifive_test =
        fdt_node_check_compatible(fdt, target, "sifive,test0") == 0;
}

static void find_memory(const void *fdt, DtMachine *m)
{
    int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
                                             "memory", sizeof("memory"));

    if (node >= 0) {
        dt_reg(fdt, node, 0, &m->ram_base, &m->ram_size);
    }
    node = fdt_path_offset(fdt, "/cpus");
    if (node >= 0) {
        m->timebase_hz = dt_u32(fdt, node, "timebase-frequency", 0);
    }
}

int dt_discover(const void *fdt, DtMachine *m)
{
    int err = fdt_check_header(fdt);

    if (err) {
        return err;
    }
    find_uart(fdt, m);
    find_pci(fdt, m);
    find_poweroff(fdt, m);
    find_memory(fdt, m);
    m->bootargs = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
                              "bootargs", NULL);
    return 0;
}
