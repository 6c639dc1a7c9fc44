/*
 * What the firmware's portable logic offers its platforms: the report
 * (printf to the console), the result codes, and the entry point.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_FW_H
#define FW_FW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "hal.h"

/*
 * Result codes: the firmware's exit status. 0 is a pass; each failure
 * class has its own code so a test can tell them apart without parsing
 * the report. tests/firmware relies on these numbers.
 */
enum fw_result {
    FW_PASS = 0,
    FW_ERR_PLATFORM = 2,    /* no UART, no ECAM, bad boot information */
    FW_ERR_NO_CARD = 3,     /* no hc1 function on any bus */
    FW_ERR_BAR = 4,         /* BARs missing, wrong size, no room */
    FW_ERR_IDENTITY = 5,    /* magic, interface version or model id */
    FW_ERR_NOT_READY = 6,   /* boot or enable timed out */
    FW_ERR_FATAL = 7,       /* the card reports a fatal error */
    FW_ERR_MMIO = 8,        /* scratch register echo */
    FW_ERR_DMA = 9,         /* DMA self-test or a transfer error */
    FW_ERR_IRQ = 10,        /* the interrupt self-test */
    FW_ERR_QUEUE = 11,      /* a command failed or never completed */
    FW_ERR_LLM = 12,        /* tokens differ from the golden ids */
};

const char *fw_result_name(int code);

/*
 * Options for one run. Bare metal runs with the defaults; the host test
 * uses these to shorten waits and to aim runs at expected failures.
 */
typedef struct FwConfig {
    uint32_t boot_timeout_ms;   /* BOOT_STATUS to READY */
    uint32_t ready_timeout_ms;  /* CSTS.RDY after CC.EN */
    uint32_t cmd_timeout_ms;    /* one command or decode */
} FwConfig;

void fw_default_config(FwConfig *cfg);
/*
 * Take timeouts from a kernel-style command line (QEMU's -append):
 * hc1fw.boot_ms=N hc1fw.ready_ms=N hc1fw.cmd_ms=N; other words are
 * ignored. @s may be NULL.
 */
void fw_parse_cmdline(FwConfig *cfg, const char *s);

/* The report. Supports %c %s %d %i %u %x %X %p, flags 0 and -, width (or *),
 * and the l, ll and z length modifiers. */
int fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fw_vsnprintf(char *buf, int size, const char *fmt, va_list ap);
int fw_snprintf(char *buf, int size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print "FAIL: reason" and return @code, for "return fw_fail(...)". */
int fw_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
