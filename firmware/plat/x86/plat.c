/*
 * x86 q35 platform, PVH entry: hvm_start_info gives the RSDP and the
 * memory map; ACPI gives ECAM (MCFG), the PM timer and the power-off
 * port (FADT); COM1 is the console; isa-debug-exit carries failure
 * codes out of QEMU.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "acpi.h"
#include "direct.h"
#include "fw.h"
#include "plat.h"

#define COM1            0x3f8
#define UART_LSR        5
#define UART_LSR_THRE   0x20
#define DEBUG_EXIT_PORT 0xf4
#define PM_TIMER_HZ     3579545u
#define SLP_EN          (1u << 13)
#define PVH_MAGIC       0x336ec578u

/* Xen's struct hvm_start_info, the fields we read. */
struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;      /* version 1 */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* 1: RAM */
    uint32_t reserved;
};

extern char __dma_start[];

static AcpiInfo acpi;
static DirectMachine dm;

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static uint32_t x86_pio_read(uint16_t port, int size)
{
    return size == 1 ? inb(port) : inl(port);
}

static void x86_pio_write(uint16_t port, int size, uint32_t val)
{
    if (size == 1) {
        outb(port, val);
    } else if (size == 2) {
        outw(port, val);
    } else {
        outl(port, val);
    }
}

static void com1_putc(char c)
{
    int spins = 100000;

    while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE) && spins--) {
    }
    outb(COM1, (uint8_t)c);
}

/*
 * The ACPI PM timer, extended to 64 bits: it wraps every 4.7 s (24-bit)
 * and every poll loop reads it far more often than that.
 */
static uint64_t pm_now_us(void)
{
    static uint64_t ticks;
    static uint32_t last;
    static int started;
    uint32_t mask = acpi.pm_tmr_32bit ? 0xffffffffu : 0xffffffu;
    uint32_t cur;

    if (!acpi.pm_tmr_port) {
        return ticks++;     /* no timer: count polls, still finite */
    }
    cur = inl(acpi.pm_tmr_port) & mask;
    if (started) {
        ticks += (cur - last) & mask;
    }
    started = 1;
    last = cur;
    return ticks * 1000000 / PM_TIMER_HZ;
}

/*
 * Pass: ACPI soft-off (SLP_TYP 0 is S5 on QEMU's q35), so QEMU exits
 * with 0. Fail: isa-debug-exit, so QEMU exits with (code << 1) | 1.
 */
static void __attribute__((noreturn)) x86_exit(int code)
{
    if (code) {
        outl(DEBUG_EXIT_PORT, (uint32_t)code);
        hal_delay_us(1000000);
        fw_printf("hc1-fw: no isa-debug-exit at 0x%x; halting\n",
                  DEBUG_EXIT_PORT);
    } else if (acpi.pm1a_cnt_port) {
        outw(acpi.pm1a_cnt_port, SLP_EN);
        /* QEMU acts on a power-off request asynchronously. */
        hal_delay_us(1000000);
        fw_printf("hc1-fw: ACPI power-off did not happen; halting\n");
    }
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

/* DMA memory: from the end of the image to the end of its RAM range. */
static uint64_t dma_limit(const struct hvm_start_info *si, uint64_t start)
{
    const struct hvm_memmap_entry *e;
    uint64_t end = start + (16ull << 20);

    if (si->version < 1 || !si->memmap_paddr || si->memmap_paddr >> 32) {
        return end;
    }
    e = (const struct hvm_memmap_entry *)(uintptr_t)si->memmap_paddr;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        if (e[i].type == 1 && e[i].addr <= start &&
            start < e[i].addr + e[i].size) {
            end = e[i].addr + e[i].size;
            /* Keep clear of what a 32-bit pointer cannot reach. */
            return end > 0xfffff000ull ? 0xfffff000ull : end;
        }
    }
    return end;
}

void x86_main(const struct hvm_start_info *si)
{
    FwConfig cfg;
    PciHost host = { 0 };
    uint64_t dma = (uint64_t)(uintptr_t)__dma_start;
    const char *err;

    dm.putc = com1_putc;
    dm.now_us = pm_now_us;
    dm.pio_read = x86_pio_read;
    dm.pio_write = x86_pio_write;
    direct_hal_init(&dm, 0, 0);
    fw_printf("\nhc1-fw: x86 q35, PVH start info at %p\n", si);
    if (si->magic != PVH_MAGIC) {
        x86_exit(fw_fail(FW_ERR_PLATFORM, "hvm_start_info magic 0x%x",
                         si->magic));
    }
    err = acpi_discover((uint32_t)si->rsdp_paddr, &acpi);
    if (err) {
        x86_exit(fw_fail(FW_ERR_PLATFORM, "ACPI: %s", err));
    }
    fw_printf("hc1-fw: acpi: PM timer port 0x%x (%s-bit), PM1a_CNT 0x%x\n",
              acpi.pm_tmr_port, acpi.pm_tmr_32bit ? "32" : "24",
              acpi.pm1a_cnt_port);
    dm.ecam_base = acpi.ecam_base;
    dm.ecam_bus0 = acpi.bus_start;
    direct_hal_init(&dm, dma, dma_limit(si, dma) - dma);

    /*
     * BAR window: from the end of ECAM to the I/O APIC, where q35 routes
     * memory to PCI. This 32-bit firmware keeps 64-bit BARs below 4 GiB.
     */
    host.bus_start = acpi.bus_start;
    host.bus_end = acpi.bus_end;
    host.mem32.base = acpi.ecam_base +
        ((uint64_t)(acpi.bus_end - acpi.bus_start + 1) << 20);
    host.mem32.size = 0xfec00000ull - host.mem32.base;
    plat_report_pci_host(acpi.ecam_base, &host);

    fw_default_config(&cfg);
    if (si->cmdline_paddr && !(si->cmdline_paddr >> 32)) {
        fw_parse_cmdline(&cfg, (const char *)(uintptr_t)si->cmdline_paddr);
    }
    x86_exit(fw_run(&host, &cfg));
}
