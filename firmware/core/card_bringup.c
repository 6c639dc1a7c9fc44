/*
 * Bring-up: BARs and decoding, identity, reset, boot, enable.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "card.h"
#include "golden.h"

static const char *boot_stage_name(uint32_t s)
{
    switch (s) {
    case HC1_BOOT_RESET:
        return "reset";
    case HC1_BOOT_ROM_CHECK:
        return "rom-check";
    case HC1_BOOT_ENGINE_INIT:
        return "engine-init";
    case HC1_BOOT_READY:
        return "ready";
    case HC1_BOOT_FAILED:
        return "failed";
    }
    return "unknown";
}

static const char *fatal_name(uint32_t code)
{
    switch (code) {
    case HC1_FATAL_NONE:
        return "none";
    case HC1_FATAL_INJECTED:
        return "injected";
    case HC1_FATAL_ADMIN_QUEUE:
        return "admin queue registers invalid";
    case HC1_FATAL_BOOT:
        return "boot failed";
    }
    return "unknown";
}

int card_attach(Card *c, PciDev *d, const FwConfig *cfg)
{
    c->cfg = cfg;
    c->pci = d;
    c->regs = d->bar[HC1_BAR_REGS];
    c->db = d->bar[HC1_BAR_DB];
    c->msix_bar = d->bar[HC1_BAR_MSIX];
    if (!c->regs || d->bar_size[HC1_BAR_REGS] < HC1_BAR_REGS_SIZE ||
        !d->bar64[HC1_BAR_REGS]) {
        return fw_fail(FW_ERR_BAR, "BAR0 missing, not 64-bit or smaller "
                       "than 0x%x", HC1_BAR_REGS_SIZE);
    }
    if (!c->db || d->bar_size[HC1_BAR_DB] < HC1_BAR_DB_SIZE) {
        return fw_fail(FW_ERR_BAR, "BAR2 (doorbells) missing or smaller "
                       "than 0x%x", HC1_BAR_DB_SIZE);
    }
    for (int i = 0; i < 6; i++) {
        if (d->bar_size[i]) {
            fw_printf("hc1-fw: card BAR%d at 0x%llx, %llu KiB%s%s\n", i,
                      (unsigned long long)d->bar[i],
                      (unsigned long long)(d->bar_size[i] >> 10),
                      d->bar64[i] ? ", 64-bit" : "",
                      d->bar_pref[i] ? ", prefetchable" : "");
        }
    }
    pci_set_command(d, PCI_CMD_MEM | PCI_CMD_MASTER);
    c->msix_cap = pci_find_cap(d, PCI_CAP_ID_MSIX);
    return FW_PASS;
}

int card_check_identity(Card *c)
{
    uint32_t magic = card_rd(c, HC1_REG_MAGIC);
    uint32_t ver = card_rd(c, HC1_REG_VERSION);
    uint64_t rom = card_rd(c, HC1_REG_ROM_SIZE_LO) |
                   (uint64_t)card_rd(c, HC1_REG_ROM_SIZE_HI) << 32;

    fw_printf("hc1-fw: magic 0x%08x, interface %u.%u, rom %llu bytes\n",
              magic, ver >> HC1_VERSION_MAJOR_SHIFT,
              ver & HC1_VERSION_MINOR_MASK, (unsigned long long)rom);
    if (magic != HC1_MAGIC) {
        return fw_fail(FW_ERR_IDENTITY, "magic 0x%08x, expected 0x%08x",
                       magic, HC1_MAGIC);
    }
    /* Same major, minor at least ours: minors only add things. */
    if ((ver >> HC1_VERSION_MAJOR_SHIFT) != HC1_IFACE_MAJOR ||
        (int)(ver & HC1_VERSION_MINOR_MASK) < HC1_IFACE_MINOR) {
        return fw_fail(FW_ERR_IDENTITY, "interface %u.%u, firmware needs "
                       "%u.%u or a later minor", ver >> 16, ver & 0xffff,
                       HC1_IFACE_MAJOR, HC1_IFACE_MINOR);
    }
    return FW_PASS;
}

int card_check_fatal(Card *c, const char *when)
{
    uint32_t csts = card_rd(c, HC1_REG_CSTS);

    if (csts == 0xffffffff) {
        return fw_fail(FW_ERR_FATAL, "%s: the card stopped answering "
                       "(CSTS reads all ones)", when);
    }
    if (csts & HC1_CSTS_CFS) {
        uint32_t code = card_rd(c, HC1_REG_FATAL_CODE);
        return fw_fail(FW_ERR_FATAL, "%s: controller fatal status, "
                       "FATAL_CODE %u (%s)", when, code, fatal_name(code));
    }
    return FW_PASS;
}

/* Wait until (CSTS & mask) == want, a fatal status, or the timeout. */
static int wait_csts(Card *c, uint32_t mask, uint32_t want, uint32_t ms,
                     const char *what)
{
    uint64_t end = hal_now_us() + (uint64_t)ms * 1000;

    for (;;) {
        uint32_t csts = card_rd(c, HC1_REG_CSTS);
        if ((csts & mask) == want) {
            return FW_PASS;
        }
        if (csts & HC1_CSTS_CFS || csts == 0xffffffff) {
            return card_check_fatal(c, what);
        }
        if (hal_now_us() > end) {
            return fw_fail(FW_ERR_NOT_READY, "%s: timed out after %u ms "
                           "(CSTS 0x%x)", what, ms, csts);
        }
        hal_relax();
    }
}

/*
 * Reset: CC.EN = 0 returns the controller to its idle state (queues
 * gone, contexts dropped); RDY falls once that is done.
 */
int card_reset(Card *c)
{
    card_wr(c, HC1_REG_CC, 0);
    return wait_csts(c, HC1_CSTS_RDY, 0, c->cfg->ready_timeout_ms,
                     "reset (CC.EN=0, wait for CSTS.RDY=0)");
}

int card_wait_boot(Card *c)
{
    uint64_t start = hal_now_us();
    uint64_t end = start + (uint64_t)c->cfg->boot_timeout_ms * 1000;
    uint32_t bs;

    for (;;) {
        bs = card_rd(c, HC1_REG_BOOT_STATUS);
        if ((bs & HC1_BOOT_STAGE_MASK) == HC1_BOOT_READY) {
            break;
        }
        if ((bs & HC1_BOOT_STAGE_MASK) == HC1_BOOT_FAILED) {
            uint32_t err = (bs >> HC1_BOOT_ERR_SHIFT) & 0xff;
            return fw_fail(FW_ERR_NOT_READY, "boot failed: BOOT_STATUS "
                           "0x%x (%s)", bs,
                           err == HC1_BOOT_ERR_MODEL ? "the ROM is not a "
                           "usable model" : err == HC1_BOOT_ERR_ENGINE ?
                           "the compute engine did not start" : "unknown");
        }
        if (card_rd(c, HC1_REG_CSTS) & HC1_CSTS_CFS) {
            return card_check_fatal(c, "boot");
        }
        if (hal_now_us() > end) {
            return fw_fail(FW_ERR_NOT_READY, "boot timed out after %u ms "
                           "in stage %s (BOOT_STATUS 0x%x)",
                           c->cfg->boot_timeout_ms,
                           boot_stage_name(bs & HC1_BOOT_STAGE_MASK), bs);
        }
        hal_relax();
    }
    fw_printf("hc1-fw: boot ready after %llu ms (heartbeat %u, "
              "uptime %u ms)\n",
              (unsigned long long)(hal_now_us() - start) / 1000,
              card_rd(c, HC1_REG_HEARTBEAT), card_rd(c, HC1_REG_UPTIME_MS));
    return FW_PASS;
}

/* Read the model's identity: the SHA-256 of the ROM, and its shape. */
int card_check_model(Card *c)
{
    uint8_t id[32];
    bool match = true;

    for (int i = 0; i < HC1_ID_WORDS; i++) {
        uint32_t w = card_rd(c, HC1_REG_MODEL_ID(i));
        for (int j = 0; j < 4; j++) {
            id[4 * i + j] = (uint8_t)(w >> (8 * j));
        }
    }
    fw_printf("hc1-fw: model id ");
    for (int i = 0; i < 32; i++) {
        fw_printf("%02x", id[i]);
        if (id[i] != fw_golden_model_sha256[i]) {
            match = false;
        }
    }
    c->n_vocab = card_rd(c, HC1_REG_N_VOCAB);
    c->max_ctx_tokens = card_rd(c, HC1_REG_MAX_CTX_TOKENS);
    c->cap = card_rd(c, HC1_REG_CAP);
    fw_printf("\nhc1-fw: model: vocab %u, %u layers, embd %u, heads %u/%u, "
              "weight type %u, cap 0x%x\n", c->n_vocab,
              card_rd(c, HC1_REG_N_LAYER), card_rd(c, HC1_REG_N_EMBD),
              card_rd(c, HC1_REG_N_HEAD), card_rd(c, HC1_REG_N_HEAD_KV),
              card_rd(c, HC1_REG_WEIGHT_TYPE), c->cap);
    if (fw_golden_have_model && !match) {
        return fw_fail(FW_ERR_IDENTITY, "model id differs from the SHA-256 "
                       "of %s computed at build time", fw_golden_model_name);
    }
    return FW_PASS;
}

int card_enable(Card *c)
{
    uint32_t n = 8;     /* admin entries: the firmware has one in flight */
    int rc;

    c->admin.qid = 0;
    c->admin.entries = n;
    c->admin.sq = hal_dma_alloc(n * sizeof(struct hc1_sqe), HC1_QUEUE_ALIGN);
    c->admin.cq = hal_dma_alloc(n * sizeof(struct hc1_cqe), HC1_QUEUE_ALIGN);
    if (!c->admin.sq || !c->admin.cq) {
        return fw_fail(FW_ERR_PLATFORM, "out of DMA memory");
    }
    c->admin.sq_tail = c->admin.cq_head = 0;
    c->admin.phase = 1;
    card_wr(c, HC1_REG_AQA, n | (n << HC1_AQA_ACQS_SHIFT));
    card_wr(c, HC1_REG_ASQ_LO, (uint32_t)c->admin.sq);
    card_wr(c, HC1_REG_ASQ_HI, (uint32_t)(c->admin.sq >> 32));
    card_wr(c, HC1_REG_ACQ_LO, (uint32_t)c->admin.cq);
    card_wr(c, HC1_REG_ACQ_HI, (uint32_t)(c->admin.cq >> 32));
    card_wr(c, HC1_REG_CC, HC1_CC_EN);
    rc = wait_csts(c, HC1_CSTS_RDY, HC1_CSTS_RDY, c->cfg->ready_timeout_ms,
                   "enable (CC.EN=1, wait for CSTS.RDY=1)");
    if (rc == FW_PASS) {
        fw_printf("hc1-fw: controller enabled, admin queue %u entries\n", n);
    }
    return rc;
}

void card_disable(Card *c)
{
    card_wr(c, HC1_REG_CC, 0);
    /* Best effort on the way out: report but do not fail on a timeout. */
    uint64_t end = hal_now_us() + (uint64_t)c->cfg->ready_timeout_ms * 1000;
    while ((card_rd(c, HC1_REG_CSTS) & HC1_CSTS_RDY) && hal_now_us() < end) {
        hal_relax();
    }
}
