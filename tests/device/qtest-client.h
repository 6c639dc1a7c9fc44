/*
 * A minimal client of QEMU's qtest text protocol (see the comment at the
 * top of QEMU's system/qtest.c): start QEMU with -accel qtest, then read
 * and write guest memory, I/O ports and PCI configuration space without a
 * guest. Shared by the device tests and the firmware's host build.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QTEST_CLIENT_H
#define QTEST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct QtestClient QtestClient;

/*
 * Start @qemu with -machine q35 -accel qtest -qtest stdio and the extra
 * arguments @args (NULL-terminated). Returns NULL, with a message on
 * stderr, when QEMU cannot be started or refuses its arguments.
 */
QtestClient *qtc_start(const char *qemu, const char *const *args);
/* Stop QEMU and free the client. Returns QEMU's exit status. */
int qtc_stop(QtestClient *q);

uint8_t qtc_readb(QtestClient *q, uint64_t addr);
uint32_t qtc_readl(QtestClient *q, uint64_t addr);
uint64_t qtc_readq(QtestClient *q, uint64_t addr);
void qtc_writel(QtestClient *q, uint64_t addr, uint32_t val);
void qtc_writeq(QtestClient *q, uint64_t addr, uint64_t val);
uint32_t qtc_inl(QtestClient *q, uint16_t port);
void qtc_outl(QtestClient *q, uint16_t port, uint32_t val);

/* PCI configuration space of bus 0 through the 0xcf8/0xcfc mechanism. */
uint32_t qtc_pci_cfg_readl(QtestClient *q, int devfn, int off);
void qtc_pci_cfg_writel(QtestClient *q, int devfn, int off, uint32_t val);

/* Find the first function on bus 0 with @vendor:@device; -1 when absent. */
int qtc_pci_find(QtestClient *q, uint16_t vendor, uint16_t device);

/*
 * Assign @addr to the 64-bit memory BAR at config offset @bar_off and
 * enable memory decoding and bus mastering.
 */
void qtc_pci_map_bar64(QtestClient *q, int devfn, int bar_off, uint64_t addr);

/* Bulk guest memory access ("read"/"write" with hex data). */
void qtc_memread(QtestClient *q, uint64_t addr, void *buf, size_t len);
void qtc_memwrite(QtestClient *q, uint64_t addr, const void *buf, size_t len);
void qtc_memset(QtestClient *q, uint64_t addr, uint8_t val, size_t len);

/* Advance the virtual clock by @ns; returns the new clock value. */
int64_t qtc_clock_step(QtestClient *q, int64_t ns);

/*
 * Intercept the interrupt inputs of the device at @qom_path ("ioapic");
 * afterwards qtc_irq_level() tells the last level seen on line @n.
 */
void qtc_irq_intercept(QtestClient *q, const char *qom_path);
bool qtc_irq_level(QtestClient *q, int n);

/*
 * Send one QMP command (a JSON object, printf format) on the monitor
 * every client opens, and return its reply line (malloc'd), skipping
 * events. NULL when the monitor is unreachable.
 */
char *qtc_qmp(QtestClient *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* PCI capability walk: config offset of capability @id, or 0. */
int qtc_pci_find_cap(QtestClient *q, int devfn, uint8_t id);

/* True once any protocol error happened; the message went to stderr. */
bool qtc_failed(const QtestClient *q);

#endif /* QTEST_CLIENT_H */
