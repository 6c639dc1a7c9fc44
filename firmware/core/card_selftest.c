/*
 * The self-test registers: an MMIO echo, a DMA fill and verify, and an
 * interrupt seen as a polled status bit and as an MSI-X memory write.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "card.h"

#define ST_DMA_LEN      0x4000u     /* 16 KiB: four pages */
#define ST_PATTERN      0x5eed0000u
#define MSIX_ENTRY_SIZE 16
#define MSIX_CTRL_MASKED 1u
#define MSIX_ENABLE     (1u << 31)  /* message control bit 15 */
#define MSIX_FN_MASK    (1u << 30)  /* message control bit 14 */
#define MSI_DATA(v)     (0x48430000u + (v))     /* "HC" + vector */

int card_selftest_mmio(Card *c)
{
    static const uint32_t pat[] = {
        0xffffffff, 0x00000000, 0xa5a5a5a5, 0x5a5a5a5a, 0x12345678,
        0x80000001,
    };

    for (unsigned i = 0; i < ARRAY_SIZE(pat); i++) {
        card_wr(c, HC1_REG_SCRATCH, pat[i]);
        uint32_t got = card_rd(c, HC1_REG_SCRATCH);
        if (got != pat[i]) {
            return fw_fail(FW_ERR_MMIO, "SCRATCH echo: wrote 0x%08x, read "
                           "0x%08x", pat[i], got);
        }
    }
    card_wr(c, HC1_REG_SCRATCH, 0);
    fw_printf("hc1-fw: self-test mmio echo: ok (%u patterns)\n",
              (unsigned)ARRAY_SIZE(pat));
    return FW_PASS;
}

/* Run one DMA self-test command and wait for it to finish. */
static int st_dma_cmd(Card *c, uint64_t addr, uint32_t len, uint32_t seed,
                      uint32_t cmd, uint32_t *status)
{
    uint64_t end = hal_now_us() + (uint64_t)c->cfg->cmd_timeout_ms * 1000;
    const char *name = cmd == HC1_ST_CMD_FILL ? "fill" : "verify";

    card_wr(c, HC1_REG_ST_DMA_ADDR_LO, (uint32_t)addr);
    card_wr(c, HC1_REG_ST_DMA_ADDR_HI, (uint32_t)(addr >> 32));
    card_wr(c, HC1_REG_ST_DMA_LEN, len);
    card_wr(c, HC1_REG_ST_DMA_PATTERN, seed);
    card_wr(c, HC1_REG_ST_DMA_CMD, cmd);
    for (;;) {
        uint32_t st = card_rd(c, HC1_REG_ST_DMA_STATUS);
        if (!(st & HC1_ST_STS_BUSY) && (st & (HC1_ST_STS_DONE |
            HC1_ST_STS_DMA_ERR | HC1_ST_STS_BAD_ARGS))) {
            *status = st;
            break;
        }
        if (hal_now_us() > end) {
            return fw_fail(FW_ERR_DMA, "self-test DMA %s: no completion "
                           "after %u ms (status 0x%x)", name,
                           c->cfg->cmd_timeout_ms, st);
        }
        hal_relax();
    }
    if (*status & HC1_ST_STS_DMA_ERR) {
        return fw_fail(FW_ERR_DMA, "self-test DMA %s of %u bytes at 0x%llx: "
                       "the card reports a DMA error (status 0x%x)", name,
                       len, (unsigned long long)addr, *status);
    }
    if (*status & HC1_ST_STS_BAD_ARGS) {
        return fw_fail(FW_ERR_DMA, "self-test DMA %s: the card rejects the "
                       "arguments (status 0x%x)", name, *status);
    }
    return FW_PASS;
}

int card_selftest_dma(Card *c)
{
    uint64_t buf = hal_dma_alloc(ST_DMA_LEN, HC1_PAGE_SIZE);
    uint32_t st, words = ST_DMA_LEN / 4;
    int rc;

    if (!buf) {
        return fw_fail(FW_ERR_PLATFORM, "out of DMA memory");
    }
    /* Device to memory: the card writes word i = seed + i. */
    rc = st_dma_cmd(c, buf, ST_DMA_LEN, ST_PATTERN, HC1_ST_CMD_FILL, &st);
    if (rc) {
        return rc;
    }
    for (uint32_t i = 0; i < words; i++) {
        uint32_t got = hal_mem_rd32(buf + 4 * i);
        if (got != ST_PATTERN + i) {
            return fw_fail(FW_ERR_DMA, "self-test DMA fill: word %u is "
                           "0x%08x, expected 0x%08x", i, got, ST_PATTERN + i);
        }
    }
    /* Memory to device: the card checks what we wrote. */
    for (uint32_t i = 0; i < words; i++) {
        hal_mem_wr32(buf + 4 * i, ~ST_PATTERN + i);
    }
    rc = st_dma_cmd(c, buf, ST_DMA_LEN, ~ST_PATTERN, HC1_ST_CMD_VERIFY, &st);
    if (rc) {
        return rc;
    }
    if (st & HC1_ST_STS_MISMATCH) {
        return fw_fail(FW_ERR_DMA, "self-test DMA verify: mismatch at byte "
                       "%u", card_rd(c, HC1_REG_ST_DMA_RESULT));
    }
    /* And the verify must notice a corrupted word (at byte 0x1234). */
    hal_mem_wr32(buf + 0x1234, 0xdeadbeef);
    rc = st_dma_cmd(c, buf, ST_DMA_LEN, ~ST_PATTERN, HC1_ST_CMD_VERIFY, &st);
    if (rc) {
        return rc;
    }
    if (!(st & HC1_ST_STS_MISMATCH) ||
        card_rd(c, HC1_REG_ST_DMA_RESULT) != 0x1234) {
        return fw_fail(FW_ERR_DMA, "self-test DMA verify missed a corrupted "
                       "word at byte 0x1234 (status 0x%x, result 0x%x)", st,
                       card_rd(c, HC1_REG_ST_DMA_RESULT));
    }
    fw_printf("hc1-fw: self-test dma fill/verify: ok (%u bytes at 0x%llx)\n",
              ST_DMA_LEN, (unsigned long long)buf);
    return FW_PASS;
}

static uint64_t msix_entry(Card *c, uint32_t *bir)
{
    uint32_t tbl = hal_cfg_rd(c->pci->bus, c->pci->devfn, c->msix_cap + 4);

    *bir = tbl & 7;
    return c->pci->bar[*bir] + (tbl & ~7u);
}

/* Fire vector 0 from ST_IRQ and wait for @done to say it arrived. */
static bool st_irq_wait(Card *c, bool msix, uint32_t *seen)
{
    uint64_t end = hal_now_us() + (uint64_t)c->cfg->cmd_timeout_ms * 1000;

    card_wr(c, HC1_REG_ST_IRQ, HC1_VECTOR_ADMIN);
    for (;;) {
        *seen = msix ? hal_mem_rd32(c->msi_page)
                     : card_rd(c, HC1_REG_INTSTS);
        if (msix ? *seen == MSI_DATA(0) : (*seen & 1)) {
            return true;
        }
        if (hal_now_us() > end) {
            return false;
        }
        hal_relax();
    }
}

int card_selftest_irq(Card *c)
{
    uint32_t seen, bir, mc;
    uint64_t tbl;

    /* INTx mode (MSI-X off): the pending bit is a polled status. */
    card_wr(c, HC1_REG_INTSTS, 0xffffffff);
    if (!st_irq_wait(c, false, &seen)) {
        return fw_fail(FW_ERR_IRQ, "ST_IRQ did not set INTSTS bit 0 "
                       "(INTSTS 0x%x, INTMODE %u)", seen,
                       card_rd(c, HC1_REG_INTMODE));
    }
    card_wr(c, HC1_REG_INTSTS, 1);
    fw_printf("hc1-fw: self-test interrupt (INTx, polled INTSTS): ok\n");

    /* MSI-X: aim vector 0 at a RAM word; the interrupt is a DMA write. */
    if (!c->msix_cap) {
        return fw_fail(FW_ERR_IRQ, "no MSI-X capability");
    }
    c->msi_page = hal_dma_alloc(HC1_PAGE_SIZE, HC1_PAGE_SIZE);
    tbl = msix_entry(c, &bir);
    if (!c->msi_page || !c->pci->bar[bir]) {
        return fw_fail(FW_ERR_IRQ, "MSI-X table in unassigned BAR%u", bir);
    }
    hal_mmio_wr(tbl + 0, (uint32_t)c->msi_page);
    hal_mmio_wr(tbl + 4, (uint32_t)(c->msi_page >> 32));
    hal_mmio_wr(tbl + 8, MSI_DATA(0));
    hal_mmio_wr(tbl + 12, 0);                   /* unmask vector 0 */
    mc = hal_cfg_rd(c->pci->bus, c->pci->devfn, c->msix_cap);
    hal_cfg_wr(c->pci->bus, c->pci->devfn, c->msix_cap,
               (mc | MSIX_ENABLE) & ~MSIX_FN_MASK);
    if (card_rd(c, HC1_REG_INTMODE) != HC1_INTMODE_MSIX) {
        return fw_fail(FW_ERR_IRQ, "INTMODE %u after enabling MSI-X",
                       card_rd(c, HC1_REG_INTMODE));
    }
    if (!st_irq_wait(c, true, &seen)) {
        return fw_fail(FW_ERR_IRQ, "ST_IRQ: no MSI-X write of 0x%08x to "
                       "0x%llx (found 0x%08x)", MSI_DATA(0),
                       (unsigned long long)c->msi_page, seen);
    }
    hal_mem_wr32(c->msi_page, 0);
    fw_printf("hc1-fw: self-test interrupt (MSI-X memory write): ok\n");
    return FW_PASS;
}
