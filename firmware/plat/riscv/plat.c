/*
 * riscv64 virt platform: everything comes from the DTB (UART, ECAM host
 * bridge, power-off syscon, RAM, timebase); time is the rdtime counter.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <libfdt.h>

#include "direct.h"
#include "dt.h"
#include "fw.h"
#include "plat.h"

extern char __dma_start[];

static DtMachine dtm;
static DirectMachine dm;

/* Until the DTB names the UART, assume virt's, so early errors show. */
#define VIRT_UART0 0x10000000ull
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static void uart_putc(char c)
{
    volatile uint8_t *u = (volatile uint8_t *)(uintptr_t)
        (dtm.uart_base ? dtm.uart_base : VIRT_UART0);
    int spins = 100000;     /* a UART that never drains must not hang us */

    while (!(u[UART_LSR << dtm.uart_shift] & UART_LSR_THRE) && spins--) {
    }
    u[0] = (uint8_t)c;
}

static uint64_t rv_now_us(void)
{
    uint64_t t;

    __asm__ volatile("rdtime %0" : "=r"(t));
    return t / (dtm.timebase_hz / 1000000);
}

/*
 * Exit through the syscon-poweroff target. On QEMU's SiFive test device
 * the DTB's value (0x5555) exits with 0 and (code << 16) | 0x3333 exits
 * with code: that is how a failure reaches the test harness.
 */
static void __attribute__((noreturn)) rv_exit(int code)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)dtm.poweroff_addr;

    if (p) {
        if (code && dtm.poweroff_sifive_test) {
            *p = ((uint32_t)code << 16) | 0x3333;
        } else {
            *p = dtm.poweroff_value;
        }
        /* QEMU acts on a power-off request asynchronously. */
        hal_delay_us(1000000);
    }
    fw_printf("hc1-fw: no way to power off; halting\n");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void riscv_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    fw_printf("hc1-fw: FAIL (platform): trap mcause=%llx mepc=%llx "
              "mtval=%llx\n", (unsigned long long)cause,
              (unsigned long long)epc, (unsigned long long)tval);
    rv_exit(FW_ERR_PLATFORM);
}

void riscv_main(const void *fdt)
{
    FwConfig cfg;
    uint64_t dma = (uint64_t)(uintptr_t)__dma_start, dma_end;
    int err;

    dm.putc = uart_putc;
    dm.now_us = rv_now_us;
    direct_hal_init(&dm, 0, 0);
    fw_printf("\nhc1-fw: riscv64 virt, dtb at %p\n", fdt);
    err = dt_discover(fdt, &dtm);
    if (err) {
        fw_fail(FW_ERR_PLATFORM, "bad device tree: %s", fdt_strerror(err));
        rv_exit(FW_ERR_PLATFORM);
    }
    if (!dtm.timebase_hz || dtm.timebase_hz < 1000000) {
        dtm.timebase_hz = 10000000;     /* virt's ACLINT */
    }
    fw_printf("hc1-fw: uart %s at 0x%llx, poweroff at 0x%llx%s\n",
              dtm.uart_pl011 ? "pl011" : "ns16550a",
              (unsigned long long)dtm.uart_base,
              (unsigned long long)dtm.poweroff_addr,
              dtm.poweroff_sifive_test ? " (sifive,test0)" : "");
    if (!dtm.uart_base || !dtm.poweroff_addr) {
        rv_exit(fw_fail(FW_ERR_PLATFORM, "no %s in the device tree",
                        dtm.uart_base ? "syscon-poweroff" : "ns16550a UART"));
    }
    if (!dtm.have_pci) {
        rv_exit(fw_fail(FW_ERR_PLATFORM,
                        "no pci-host-ecam-generic in the device tree"));
    }
    /* DMA memory: after the image, before the DTB QEMU put in RAM. */
    dma_end = dtm.ram_base + dtm.ram_size;
    if ((uint64_t)(uintptr_t)fdt > dma && (uint64_t)(uintptr_t)fdt < dma_end) {
        dma_end = (uint64_t)(uintptr_t)fdt & ~0xfffull;
    }
    dm.ecam_base = dtm.ecam_base;
    dm.ecam_bus0 = dtm.pci.bus_start;
    direct_hal_init(&dm, dma, dma_end - dma);
    plat_report_pci_host(dtm.ecam_base, &dtm.pci);

    fw_default_config(&cfg);
    fw_parse_cmdline(&cfg, dtm.bootargs);
    rv_exit(fw_run(&dtm.pci, &cfg));
}
