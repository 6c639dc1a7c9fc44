/*
 * The firmware's sequence, the same on every platform: enumerate PCIe,
 * find the card, bring it up as the manual says, self-test it, generate
 * a few tokens, and say PASS or why not.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "card.h"
#include "plat.h"

const char *fw_result_name(int code)
{
    switch (code) {
    case FW_PASS: return "pass";
    case FW_ERR_PLATFORM: return "platform";
    case FW_ERR_NO_CARD: return "no-card";
    case FW_ERR_BAR: return "bar";
    case FW_ERR_IDENTITY: return "identity";
    case FW_ERR_NOT_READY: return "not-ready";
    case FW_ERR_FATAL: return "fatal";
    case FW_ERR_MMIO: return "mmio";
    case FW_ERR_DMA: return "dma";
    case FW_ERR_IRQ: return "irq";
    case FW_ERR_QUEUE: return "queue";
    case FW_ERR_LLM: return "llm";
    }
    return "unknown";
}

void fw_default_config(FwConfig *cfg)
{
    /*
     * Hashing a multi-GiB ROM at boot takes seconds, and TCG is slow:
     * generous defaults; tests shorten them on the command line.
     */
    cfg->boot_timeout_ms = 30000;
    cfg->ready_timeout_ms = 5000;
    cfg->cmd_timeout_ms = 20000;
}

/* Parse "NAME=decimal" at @s; advance past it. */
static bool parse_opt(const char **s, const char *name, uint32_t *val)
{
    size_t n = strlen(name);
    uint32_t v = 0;
    const char *p = *s;

    if (strncmp(p, name, n) || p[n] != '=' || p[n + 1] < '0' ||
        p[n + 1] > '9') {
        return false;
    }
    for (p += n + 1; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (uint32_t)(*p - '0');
    }
    *val = v;
    *s = p;
    return true;
}

void fw_parse_cmdline(FwConfig *cfg, const char *s)
{
    if (!s) {
        return;
    }
    while (*s) {
        if (!parse_opt(&s, "hc1fw.boot_ms", &cfg->boot_timeout_ms) &&
            !parse_opt(&s, "hc1fw.ready_ms", &cfg->ready_timeout_ms) &&
            !parse_opt(&s, "hc1fw.cmd_ms", &cfg->cmd_timeout_ms)) {
            while (*s && *s != ' ') {
                s++;
            }
        }
        while (*s == ' ') {
            s++;
        }
    }
    fw_printf("hc1-fw: timeouts: boot %u ms, ready %u ms, command %u ms\n",
              cfg->boot_timeout_ms, cfg->ready_timeout_ms,
              cfg->cmd_timeout_ms);
}

void plat_report_pci_host(uint64_t ecam_base, const PciHost *h)
{
    fw_printf("hc1-fw: pcie ecam 0x%llx buses %u-%u, mem32 0x%llx+0x%llx",
              (unsigned long long)ecam_base, h->bus_start, h->bus_end,
              (unsigned long long)h->mem32.base,
              (unsigned long long)h->mem32.size);
    if (h->mem64.size) {
        fw_printf(", mem64 0x%llx+0x%llx",
                  (unsigned long long)h->mem64.base,
                  (unsigned long long)h->mem64.size);
    }
    fw_printf("\n");
}

static int run_card(Card *c)
{
    int rc;

    /* Each step bails out on the first failure, which it has reported. */
    if ((rc = card_check_identity(c)) ||
        (rc = card_reset(c)) ||
        (rc = card_wait_boot(c)) ||
        (rc = card_check_model(c)) ||
        (rc = card_selftest_mmio(c)) ||
        (rc = card_selftest_dma(c)) ||
        (rc = card_selftest_irq(c)) ||
        (rc = card_enable(c)) ||
        (rc = card_identify(c)) ||
        (rc = card_create_io_queue(c, 1, 16)) ||
        (rc = card_generate(c)) ||
        (rc = card_delete_io_queue(c)) ||
        (rc = card_check_fatal(c, "the end"))) {
        return rc;
    }
    card_disable(c);
    return FW_PASS;
}

int fw_run(const PciHost *host, const FwConfig *cfg)
{
    static PciBus pb;
    static Card card;
    PciDev *d;
    int rc;

    if (!pci_enumerate(&pb, host)) {
        rc = fw_fail(FW_ERR_BAR, "the BARs do not fit in the host bridge's "
                     "windows");
    } else if (!(d = pci_find(&pb, HC1_PCI_VENDOR_ID, HC1_PCI_DEVICE_ID,
                              HC1_PCI_CLASS))) {
        rc = fw_fail(FW_ERR_NO_CARD, "no HC1 card (%04x:%04x class %04x) "
                     "on buses %u-%u", HC1_PCI_VENDOR_ID, HC1_PCI_DEVICE_ID,
                     HC1_PCI_CLASS, host->bus_start, host->bus_end);
    } else {
        fw_printf("hc1-fw: card at %02x:%02x.%x\n", d->bus, d->devfn >> 3,
                  d->devfn & 7);
        memset(&card, 0, sizeof(card));
        rc = card_attach(&card, d, cfg);
        if (!rc) {
            rc = run_card(&card);
        }
    }
    if (rc == FW_PASS) {
        fw_printf("hc1-fw: RESULT: PASS\n");
    } else {
        fw_printf("hc1-fw: RESULT: FAIL %d (%s)\n", rc, fw_result_name(rc));
    }
    return rc;
}
