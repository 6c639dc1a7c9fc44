/*
 * Queues, admin commands, interrupts, self-test and the hostile-guest
 * cases that need no compute: everything a driver does before its first
 * prefill, and everything it might get wrong.
 *
 * usage: test-queues QEMU ROM.gguf
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc1-dev.h"

static const char *qemu, *rom;

static uint32_t crc32c(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffff;

    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
        }
    }
    return ~c;
}

static bool alive(Hc1Dev *d)
{
    return hc1t_rd(d, HC1_REG_MAGIC) == HC1_MAGIC && !qtc_failed(d->q);
}

static void test_reset_values(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, NULL);

    CHECK(d != NULL, "reset values: the card comes up");
    if (!d) {
        return;
    }
    CHECK(hc1t_rd(d, HC1_REG_CC) == 0, "CC resets to 0");
    CHECK(hc1t_rd(d, HC1_REG_CSTS) == 0, "CSTS resets to 0");
    CHECK(hc1t_rd(d, HC1_REG_AQA) == 0, "AQA resets to 0");
    CHECK(hc1t_rd(d, HC1_REG_INTMASK) == 0, "INTMASK resets to 0");
    CHECK(hc1t_rd(d, HC1_REG_COAL_TOKENS) == HC1_COAL_TOKENS_DEFAULT,
          "COAL_TOKENS resets to %d", HC1_COAL_TOKENS_DEFAULT);
    CHECK(hc1t_rd(d, HC1_REG_COAL_TIMEOUT_US) == HC1_COAL_TIMEOUT_DEFAULT,
          "COAL_TIMEOUT_US resets to %d", HC1_COAL_TIMEOUT_DEFAULT);
    CHECK(hc1t_rd(d, HC1_REG_POWER_CAP_MW) == HC1_POWER_MAX_MW,
          "POWER_CAP resets to 200 W");
    CHECK(hc1t_rd(d, HC1_REG_INTMODE) == HC1_INTMODE_INTX,
          "INTx until MSI-X is enabled");
    CHECK(hc1t_wait_boot(d), "boot reaches READY");
    CHECK(hc1t_rd(d, HC1_REG_CAP) & HC1_CAP_MSIX, "CAP has MSI-X");
    CHECK(hc1t_rd(d, HC1_REG_MAX_CONTEXTS) == 16, "16 contexts by default");
    CHECK(hc1t_rd(d, HC1_REG_MAX_TOP_K) == HC1_MAX_TOP_K, "max top-k 8");
    CHECK(hc1t_rd(d, HC1_REG_MAX_TOP_LOGPROBS) == 20, "20 top logprobs");
    CHECK(hc1t_rd(d, HC1_REG_STOP_LIMITS) == (4 | 8 << 8),
          "4 stop sequences of 8 tokens");
    CHECK(hc1t_rd(d, HC1_REG_DB_STRIDE) == 4096, "doorbell stride 4 KiB");
    CHECK(hc1t_rd(d, HC1_REG_SRAM_SIZE_LO) == 512u << 20,
          "SRAM 512 MiB by default");
    CHECK(hc1t_rd(d, HC1_REG_KV_TOKEN_BYTES) > 0, "KV bytes per token %u",
          hc1t_rd(d, HC1_REG_KV_TOKEN_BYTES));
    CHECK(hc1t_rd(d, HC1_REG_KV_CAPACITY) ==
          (512u << 20) / hc1t_rd(d, HC1_REG_KV_TOKEN_BYTES),
          "KV capacity = SRAM / bytes per token");
    CHECK(hc1t_rd(d, HC1_REG_TEMP_MC) > 30000 &&
          hc1t_rd(d, HC1_REG_TEMP_MC) < 60000, "idle temperature %u mC",
          hc1t_rd(d, HC1_REG_TEMP_MC));
    hc1t_close(d);
}

static void test_admin(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, NULL);
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    uint64_t buf;
    uint32_t v, hb;
    bool ok;

    CHECK(d && hc1t_enable(d, 32), "admin queue of 32: CSTS.RDY");
    if (!d) {
        return;
    }
    buf = hc1t_alloc(d, 8192, 4096);

    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    sqe.cdw10 = HC1_IDENTIFY_DEVICE;
    CHECK(hc1t_cmd(d, 0, &sqe, &cqe) == 0, "IDENTIFY device");
    CHECK(qtc_readl(d->q, buf) == HC1_IFACE_VERSION, "identify: version");
    CHECK(qtc_readl(d->q, buf + 8) == 16, "identify: max contexts");
    CHECK(cqe.sq_id == 0 && cqe.sq_head == 1, "CQE sq_id 0, sq_head 1");

    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf + 100;      /* crosses a page: needs PRP2 */
    sqe.dptr2 = buf + 4096;
    sqe.cdw10 = HC1_IDENTIFY_MODEL;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "IDENTIFY model across a page");
    CHECK(qtc_readl(d->q, buf + 100 + 0x50) == d->n_vocab,
          "identify model: n_vocab %u", d->n_vocab);
    CHECK(qtc_readl(d->q, buf + 100) == hc1t_rd(d, HC1_REG_MODEL_ID(0)),
          "identify model: model id = MODEL_ID registers");

    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    sqe.cdw10 = 7;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FIELD,
          "IDENTIFY CNS 7: INVALID_FIELD");
    hc1t_sqe_init(&sqe, 0x7f);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_OPCODE,
          "unknown admin opcode: INVALID_OPCODE");

    /* Features. */
    hc1t_sqe_init(&sqe, HC1_ADM_SET_FEATURES);
    sqe.cdw10 = HC1_FEAT_POWER_CAP;
    sqe.cdw11 = 150000;
    CHECK(hc1t_cmd(d, 0, &sqe, &cqe) == 0 && cqe.dw0 == 150000,
          "SET_FEATURES power cap 150 W");
    CHECK(hc1t_rd(d, HC1_REG_POWER_CAP_MW) == 150000,
          "POWER_CAP register follows");
    sqe.cdw11 = 1000;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FIELD,
          "power cap 1 W: INVALID_FIELD");
    hc1t_sqe_init(&sqe, HC1_ADM_SET_FEATURES);
    sqe.cdw10 = HC1_FEAT_COALESCING;
    sqe.cdw11 = 8;
    sqe.cdw12 = 500;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "SET_FEATURES coalescing 8/500us");
    hc1t_sqe_init(&sqe, HC1_ADM_GET_FEATURES);
    sqe.cdw10 = HC1_FEAT_COALESCING;
    CHECK(hc1t_cmd(d, 0, &sqe, &cqe) == 0 && cqe.dw0 == 8 && cqe.dw1 == 500,
          "GET_FEATURES coalescing reads back");
    sqe.cdw10 = 0x55;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FEATURE,
          "unknown feature: INVALID_FEATURE");

    /* Log pages. */
    hc1t_sqe_init(&sqe, HC1_ADM_GET_LOG_PAGE);
    sqe.dptr1 = buf;
    sqe.cdw10 = HC1_LOG_ERROR;
    sqe.cdw11 = 4096;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "GET_LOG_PAGE errors");
    CHECK(qtc_readl(d->q, buf + 0x10) == HC1_SC_INVALID_FEATURE &&
          qtc_readl(d->q, buf + 0x1c) == HC1_ERR_COMMAND,
          "newest error entry is the failed GET_FEATURES");
    sqe.cdw10 = HC1_LOG_STATS;
    sqe.cdw11 = 256;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "GET_LOG_PAGE statistics");
    CHECK(qtc_readl(d->q, buf + 0x20) >= 8, "stats: commands counted");
    sqe.cdw11 = 260;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FIELD,
          "log page longer than the page: INVALID_FIELD");
    sqe.cdw10 = 9;
    sqe.cdw11 = 4;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_LOG,
          "unknown log page: INVALID_LOG");

    /* Tokenizer. */
    hc1t_sqe_init(&sqe, HC1_ADM_GET_TOKENIZER);
    CHECK(hc1t_cmd(d, 0, &sqe, &cqe) == 0 &&
          cqe.dw0 == hc1t_rd(d, HC1_REG_TOKBLOB_SIZE) && cqe.dw0 > 96,
          "GET_TOKENIZER size %u", cqe.dw0);
    v = cqe.dw0;
    sqe.dptr1 = buf;
    sqe.cdw13 = 96;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0 &&
          qtc_readl(d->q, buf) == 0x54314348u &&
          qtc_readl(d->q, buf + 8) == v &&
          qtc_readl(d->q, buf + 24) == d->n_vocab,
          "tokenizer blob header: HC1T, size, n_vocab");
    /* Blob version 2 (interface 1.2): the chat template, NUL after it. */
    sqe.cdw13 = 104;
    if (hc1t_cmd(d, 0, &sqe, NULL) == 0) {
        uint32_t ver = qtc_readl(d->q, buf + 4);
        uint32_t coff = qtc_readl(d->q, buf + 96);
        uint32_t clen = qtc_readl(d->q, buf + 100);

        CHECK(ver == 2 && coff >= 104 && !(coff & 3) && clen > 0 &&
              (uint64_t)coff + clen < v,
              "blob version 2 with a chat template at %u, %u bytes", coff,
              clen);
        /* its first bytes, then its last byte and the NUL */
        sqe.cdw11 = coff;
        sqe.cdw13 = 4;
        ok = coff && hc1t_cmd(d, 0, &sqe, NULL) == 0 &&
             qtc_readb(d->q, buf) == '{';
        sqe.cdw11 = coff + clen - 1;
        sqe.cdw13 = 2;
        CHECK(ok && hc1t_cmd(d, 0, &sqe, NULL) == 0 &&
              qtc_readb(d->q, buf) != 0 && qtc_readb(d->q, buf + 1) == 0,
              "the chat template (Jinja) reads, NUL-terminated");
        sqe.cdw11 = 0;
    }
    sqe.cdw11 = v - 8;
    sqe.cdw13 = 16;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FIELD,
          "tokenizer read past the end: INVALID_FIELD");
    sqe.cdw11 = 0;
    sqe.cdw10 = 3;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FIELD,
          "unknown tokenizer section: INVALID_FIELD");

    /* Asynchronous event requests: at most 4 outstanding. */
    for (int i = 0; i < 4; i++) {
        hc1t_sqe_init(&sqe, HC1_ADM_ASYNC_EVENT);
        hc1t_submit(d, 0, &sqe);
    }
    hc1t_sqe_init(&sqe, HC1_ADM_ASYNC_EVENT);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_AER_LIMIT,
          "a fifth ASYNC_EVENT: AER_LIMIT");
    /* An invalid doorbell is an error event. */
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(9, 0), 1);
    {
        uint16_t first = d->next_cid - 4;

        CHECK(hc1t_wait(d, 0, first, &cqe, 5000) &&
              (cqe.dw0 & 0xff) == HC1_AEN_ERROR &&
              ((cqe.dw0 >> 8) & 0xff) == HC1_ERR_DOORBELL,
              "doorbell of a missing queue: error event");
    }

    /* Heartbeat follows the virtual clock. */
    hb = hc1t_rd(d, HC1_REG_HEARTBEAT);
    qtc_clock_step(d->q, 100 * 1000 * 1000);
    CHECK(hc1t_rd(d, HC1_REG_HEARTBEAT) >= hb + 9,
          "heartbeat: +%u in 100 ms", hc1t_rd(d, HC1_REG_HEARTBEAT) - hb);
    CHECK(alive(d), "still alive");
    hc1t_close(d);
}

static void test_io_queues(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, NULL);
    struct hc1_sqe sqe;
    uint64_t base;

    CHECK(d && hc1t_enable(d, 16), "enabled");
    if (!d) {
        return;
    }
    base = hc1t_alloc(d, 4096 * 64, 4096);
    CHECK(hc1t_create_ioq(d, 1, 64, 1, true) == 0, "I/O queue pair 1");
    CHECK(hc1t_create_ioq(d, 2, HC1_MAX_QUEUE_ENTRIES, 2, true) == 0,
          "I/O queue pair 2 of the maximum size (4096)");

#define CQ(qid_, size_, addr_, vec_) do { \
        hc1t_sqe_init(&sqe, HC1_ADM_CREATE_CQ); \
        sqe.dptr1 = (addr_); \
        sqe.cdw10 = (qid_) | ((uint32_t)(size_) << 16); \
        sqe.cdw11 = (vec_) | HC1_CQ_IEN; \
    } while (0)
    CQ(0, 16, base, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QID, "CQ id 0");
    CQ(17, 16, base, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QID, "CQ id 17");
    CQ(1, 16, base, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QID, "CQ 1 again");
    CQ(3, 0, base, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QSIZE,
          "ring of size 0: INVALID_QSIZE");
    CQ(3, 1, base, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QSIZE,
          "ring of size 1: INVALID_QSIZE");
    CQ(3, 4097, base, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QSIZE,
          "ring of 4097: INVALID_QSIZE");
    CQ(3, 16, base + 8, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QADDR,
          "misaligned CQ: INVALID_QADDR");
    CQ(3, 16, base, 17);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_VECTOR,
          "vector 17: INVALID_VECTOR");
    hc1t_sqe_init(&sqe, HC1_ADM_CREATE_SQ);
    sqe.dptr1 = base;
    sqe.cdw10 = 3 | 16 << 16;
    sqe.cdw11 = 9;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QID,
          "SQ on a missing CQ: INVALID_QID");
    hc1t_sqe_init(&sqe, HC1_ADM_DELETE_CQ);
    sqe.cdw10 = 1;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_CQ_IN_USE,
          "delete CQ 1 while SQ 1 uses it: CQ_IN_USE");
    hc1t_sqe_init(&sqe, HC1_ADM_DELETE_SQ);
    sqe.cdw10 = 1;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "delete SQ 1");
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QID,
          "delete SQ 1 again: INVALID_QID");
    hc1t_sqe_init(&sqe, HC1_ADM_DELETE_CQ);
    sqe.cdw10 = 1;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "delete CQ 1");
    d->queue[1].live = false;
    hc1t_sqe_init(&sqe, HC1_ADM_DELETE_SQ);
    sqe.cdw10 = 0;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_QID,
          "delete the admin SQ: INVALID_QID");

    /* An I/O command on queue 2 with an unknown opcode. */
    hc1t_sqe_init(&sqe, 0x66);
    CHECK(hc1t_cmd(d, 2, &sqe, NULL) == HC1_SC_INVALID_OPCODE,
          "unknown I/O opcode: INVALID_OPCODE");
    hc1t_sqe_init(&sqe, HC1_IO_PREFILL);
    sqe.ctx = 3;
    CHECK(hc1t_cmd(d, 2, &sqe, NULL) == HC1_SC_INVALID_CONTEXT,
          "prefill on a context that never existed: INVALID_CONTEXT");

    /* Hostile doorbells: nothing happens, the VM runs on. */
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(2, HC1_DB_SQ_TAIL), 5000);
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(2, HC1_DB_CQ_HEAD), 4096);
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(1, HC1_DB_SQ_TAIL), 1);
    qtc_writel(d->q, HC1T_BAR2 + 0x1ff00, 1);
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(2, 0x800), 1);
    (void)qtc_readl(d->q, HC1T_BAR2);
    for (int i = 0; i < 20000; i++) {
        qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(i % 18, (i & 1) * 4),
                   i % 5000);
    }
    CHECK(alive(d), "20000-write doorbell storm survived");
    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = base;
    /* The storm moved queue 2's tail around; the admin queue still works. */
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "admin queue works after it");

    /* Registers written in the wrong state or out of range. */
    hc1t_wr(d, HC1_REG_AQA, 0x12345678);
    CHECK(hc1t_rd(d, HC1_REG_AQA) == (32u | 32u << 16) ||
          hc1t_rd(d, HC1_REG_AQA) == (16u | 16u << 16),
          "AQA ignores writes while enabled");
    hc1t_wr(d, HC1_REG_COAL_TOKENS, 0);
    CHECK(hc1t_rd(d, HC1_REG_COAL_TOKENS) == 1, "COAL_TOKENS 0 clamps to 1");
    hc1t_wr(d, 0x3ffc, 1);
    qtc_writeq(d->q, HC1T_BAR0 + 0x600, 0x1122334455667788ull);
    CHECK(hc1t_rd(d, 0x604) == 0x11223344, "64-bit store splits into halves");
    CHECK(alive(d), "alive");
    hc1t_close(d);
}

static void test_enable_errors(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, NULL);

    CHECK(d && hc1t_wait_boot(d), "booted");
    if (!d) {
        return;
    }
    hc1t_wr(d, HC1_REG_AQA, 0);
    hc1t_wr(d, HC1_REG_CC, HC1_CC_EN);
    CHECK(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_CFS,
          "CC.EN with a zero-sized admin queue: CSTS.CFS");
    CHECK(hc1t_rd(d, HC1_REG_FATAL_CODE) == HC1_FATAL_ADMIN_QUEUE,
          "FATAL_CODE says why");
    hc1t_wr(d, HC1_REG_CC, 0);
    CHECK(hc1t_rd(d, HC1_REG_CSTS) == 0, "CC.EN = 0 clears CFS");
    hc1t_wr(d, HC1_REG_ASQ_LO, 0x1000 + 64);
    hc1t_wr(d, HC1_REG_AQA, 4 | 4 << 16);
    hc1t_wr(d, HC1_REG_CC, HC1_CC_EN);
    CHECK(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_CFS,
          "misaligned admin SQ: CSTS.CFS");
    hc1t_wr(d, HC1_REG_CC, 0);

    /* Admin queue in unmapped memory: fetches fail, nothing breaks. */
    hc1t_wr(d, HC1_REG_ASQ_LO, 0);
    hc1t_wr(d, HC1_REG_ASQ_HI, 0x100);       /* 1 TiB: nothing there */
    hc1t_wr(d, HC1_REG_ACQ_LO, 0x2000);
    hc1t_wr(d, HC1_REG_ACQ_HI, 0);
    hc1t_wr(d, HC1_REG_CC, HC1_CC_EN);
    CHECK(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_RDY, "enabled");
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(0, 0), 1);
    CHECK(alive(d) && hc1t_rd(d, HC1_REG_ERRORS) >= 1,
          "SQ fetch from unmapped memory is logged (%u errors)",
          hc1t_rd(d, HC1_REG_ERRORS));
    /* Admin SQ aimed at the card's own registers. */
    hc1t_wr(d, HC1_REG_CC, 0);
    hc1t_wr(d, HC1_REG_ASQ_LO, (uint32_t)HC1T_BAR0);
    hc1t_wr(d, HC1_REG_ASQ_HI, 0);
    hc1t_wr(d, HC1_REG_CC, HC1_CC_EN);
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(0, 0), 2);
    CHECK(alive(d), "SQ inside the card's own BAR: refused, alive");
    hc1t_close(d);
}

static void test_selftest_irq(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, NULL);
    uint64_t buf;
    bool all = true;

    CHECK(d && hc1t_enable(d, 8), "enabled");
    if (!d) {
        return;
    }
    buf = hc1t_alloc(d, 8192, 4096);
    hc1t_wr(d, HC1_REG_SCRATCH, 0x5a5aa5a5);
    CHECK(hc1t_rd(d, HC1_REG_SCRATCH) == 0x5a5aa5a5, "scratch echo");
    hc1t_wr(d, HC1_REG_ST_DMA_ADDR_LO, (uint32_t)buf);
    hc1t_wr(d, HC1_REG_ST_DMA_ADDR_HI, 0);
    hc1t_wr(d, HC1_REG_ST_DMA_LEN, 8192);
    hc1t_wr(d, HC1_REG_ST_DMA_PATTERN, 0x1000);
    hc1t_wr(d, HC1_REG_ST_DMA_CMD, HC1_ST_CMD_FILL);
    CHECK(hc1t_rd(d, HC1_REG_ST_DMA_STATUS) == HC1_ST_STS_DONE, "DMA fill");
    CHECK(qtc_readl(d->q, buf + 4 * 77) == 0x1000 + 77,
          "fill wrote pattern + i");
    hc1t_wr(d, HC1_REG_ST_DMA_CMD, HC1_ST_CMD_VERIFY);
    CHECK(hc1t_rd(d, HC1_REG_ST_DMA_STATUS) == HC1_ST_STS_DONE,
          "DMA verify passes");
    qtc_writel(d->q, buf + 4000, 0);
    hc1t_wr(d, HC1_REG_ST_DMA_CMD, HC1_ST_CMD_VERIFY);
    CHECK(hc1t_rd(d, HC1_REG_ST_DMA_STATUS) ==
          (HC1_ST_STS_DONE | HC1_ST_STS_MISMATCH) &&
          hc1t_rd(d, HC1_REG_ST_DMA_RESULT) == 4000,
          "verify finds the corrupted word at 4000");
    hc1t_wr(d, HC1_REG_ST_DMA_LEN, 6);
    hc1t_wr(d, HC1_REG_ST_DMA_CMD, HC1_ST_CMD_FILL);
    CHECK(hc1t_rd(d, HC1_REG_ST_DMA_STATUS) & HC1_ST_STS_BAD_ARGS,
          "length 6: BAD_ARGS");
    hc1t_wr(d, HC1_REG_ST_DMA_LEN, 64);
    hc1t_wr(d, HC1_REG_ST_DMA_ADDR_HI, 0x100);
    hc1t_wr(d, HC1_REG_ST_DMA_CMD, HC1_ST_CMD_FILL);
    CHECK(hc1t_rd(d, HC1_REG_ST_DMA_STATUS) & HC1_ST_STS_DMA_ERR,
          "fill of unmapped memory: DMA_ERR");
    hc1t_wr(d, HC1_REG_ST_DMA_ADDR_HI, 0);
    hc1t_wr(d, HC1_REG_ST_DMA_ADDR_LO, (uint32_t)HC1T_BAR0);
    hc1t_wr(d, HC1_REG_ST_DMA_CMD, HC1_ST_CMD_FILL);
    CHECK((hc1t_rd(d, HC1_REG_ST_DMA_STATUS) & HC1_ST_STS_DMA_ERR) &&
          hc1t_rd(d, HC1_REG_MAGIC) == HC1_MAGIC,
          "fill of the card's own registers: DMA_ERR, registers intact");
    hc1t_wr(d, HC1_REG_ST_DMA_ADDR_HI, 0xffffffff);
    hc1t_wr(d, HC1_REG_ST_DMA_ADDR_LO, 0xfffffff0);
    hc1t_wr(d, HC1_REG_ST_DMA_CMD, HC1_ST_CMD_FILL);
    CHECK(hc1t_rd(d, HC1_REG_ST_DMA_STATUS) & HC1_ST_STS_BAD_ARGS,
          "a range that wraps: BAD_ARGS");

    /* INTx: INTSTS and the pin. */
    qtc_irq_intercept(d->q, "ioapic");
    hc1t_wr(d, HC1_REG_ST_IRQ, 3);
    CHECK(hc1t_rd(d, HC1_REG_INTSTS) == 1u << 3, "INTx: INTSTS bit 3");
    {
        bool any = false;
        for (int l = 16; l < 24; l++) {
            any |= qtc_irq_level(d->q, l);
        }
        CHECK(any, "INTx: an IOAPIC line is raised");
        hc1t_wr(d, HC1_REG_INTMASK, 1u << 3);
        any = false;
        for (int l = 16; l < 24; l++) {
            any |= qtc_irq_level(d->q, l);
        }
        CHECK(!any, "INTMASK lowers the line");
        hc1t_wr(d, HC1_REG_INTMASK, 0);
        hc1t_wr(d, HC1_REG_INTSTS, 1u << 3);
        CHECK(hc1t_rd(d, HC1_REG_INTSTS) == 0, "INTSTS is write-1-to-clear");
    }

    /* MSI-X: every vector, aimed at guest RAM. */
    hc1t_msix_enable(d);
    CHECK(hc1t_rd(d, HC1_REG_INTMODE) == HC1_INTMODE_MSIX, "INTMODE MSI-X");
    for (int v = 0; v < HC1_MSIX_VECTORS; v++) {
        hc1t_wr(d, HC1_REG_ST_IRQ, v);
        all &= hc1t_msi_take(d, v) == HC1T_MSI_DATA(v);
    }
    CHECK(all, "a test interrupt on each of the 17 vectors lands in RAM");
    hc1t_wr(d, HC1_REG_ST_IRQ, 17);
    CHECK(alive(d) && hc1t_rd(d, HC1_REG_INTSTS) == 0,
          "test interrupt on vector 17: ignored");
    {
        struct hc1_sqe sqe;

        hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
        sqe.dptr1 = buf;
        CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0 &&
              hc1t_msi_take(d, 0) == HC1T_MSI_DATA(0),
              "an admin completion interrupts on vector 0");
    }
    hc1t_close(d);
}

static void test_dma_pointers(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, NULL);
    struct hc1_cqe cqe_g;
    struct hc1_sqe sqe;
    struct hc1_sgl_desc sgl[4];
    uint64_t buf, seg;

    CHECK(d && hc1t_enable(d, 16), "enabled");
    if (!d) {
        return;
    }
    buf = hc1t_alloc(d, 16384, 4096);
    seg = hc1t_alloc(d, 4096, 4096);

#define IDENT() do { \
        hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY); \
        sqe.cdw10 = HC1_IDENTIFY_MODEL; \
    } while (0)
    IDENT();
    sqe.dptr1 = buf + 2;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_PRP,
          "PRP1 not dword aligned: INVALID_PRP");
    IDENT();
    sqe.dptr1 = buf + 64;
    sqe.dptr2 = buf + 4096 + 8;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_PRP,
          "PRP2 with an offset: INVALID_PRP");
    IDENT();
    sqe.dptr1 = 0x10000000000ull;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_DATA_XFER_ERROR,
          "PRP1 in unmapped memory: DATA_XFER_ERROR");
    IDENT();
    sqe.dptr1 = HC1T_BAR0;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_DATA_XFER_ERROR &&
          hc1t_rd(d, HC1_REG_MAGIC) == HC1_MAGIC,
          "PRP1 at the card's own MMIO: DATA_XFER_ERROR");
    IDENT();
    sqe.dptr1 = 0xfffffffffffff000ull;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_DATA_XFER_ERROR,
          "PRP1 at the top of the address space: DATA_XFER_ERROR");
    IDENT();
    sqe.dptr1 = buf;
    sqe.dptr2 = buf;            /* two PRPs on the same page */
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "overlapping PRPs are allowed");

    /* PRP lists: shared pages, a chain that loops, bad entries. */
    {
        uint64_t data = hc1t_alloc(d, 4096, 4096);
        uint64_t l1 = hc1t_alloc(d, 4096, 4096);
        uint64_t l2 = hc1t_alloc(d, 4096, 4096);
        uint64_t e[512];
        uint32_t size, len;

        hc1t_sqe_init(&sqe, HC1_ADM_GET_TOKENIZER);
        hc1t_cmd(d, 0, &sqe, &cqe_g);
        size = cqe_g.dw0;
        len = size > (4u << 20) ? (4u << 20) : size;
        len &= ~4095u;
        for (int i = 0; i < 512; i++) {
            e[i] = data;
        }
        e[511] = l2;                    /* L2's last entry: itself */
        qtc_memwrite(d->q, l2, e, sizeof(e));
        e[0] = data;
        e[1] = l2;
        qtc_memwrite(d->q, l1 + 4096 - 16, e, 16);
        hc1t_sqe_init(&sqe, HC1_ADM_GET_TOKENIZER);
        sqe.dptr1 = data;
        sqe.dptr2 = l1 + 4096 - 16;     /* two entries left in this page */
        sqe.cdw13 = len;
        CHECK(len < 8192 || hc1t_cmd(d, 0, &sqe, NULL) == 0,
              "%u bytes through a PRP chain that loops on itself, every "
              "entry the same page: bounded by the length, succeeds", len);
        e[0] = data + 8;
        qtc_memwrite(d->q, l1 + 4096 - 16, e, 16);
        CHECK(len < 8192 || hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_PRP,
              "a PRP list entry with an offset: INVALID_PRP");
        sqe.dptr2 = 0x10000000000ull;
        CHECK(len < 8192 || hc1t_cmd(d, 0, &sqe, NULL) ==
              HC1_SC_DATA_XFER_ERROR,
              "a PRP list in unmapped memory: DATA_XFER_ERROR");
        sqe.dptr2 = HC1T_BAR2;
        CHECK(len < 8192 || hc1t_cmd(d, 0, &sqe, NULL) ==
              HC1_SC_DATA_XFER_ERROR,
              "a PRP list in the card's doorbell BAR: DATA_XFER_ERROR");
    }

    /* SGL: one data block, a segment, a chained segment. */
    memset(sgl, 0, sizeof(sgl));
    IDENT();
    sqe.flags = HC1_SQE_PSDT_SGL;
    sgl[0].addr = buf;
    sgl[0].len = 4096;
    sgl[0].type = HC1_SGL_TYPE_DATA << 4;
    memcpy(&sqe.dptr1, &sgl[0], 16);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "SGL data block");
    sgl[0].len = 100;
    memcpy(&sqe.dptr1, &sgl[0], 16);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_SGL,
          "SGL shorter than the data: INVALID_SGL");
    sgl[0] = (struct hc1_sgl_desc) { .addr = buf, .len = 2048,
                                     .type = HC1_SGL_TYPE_DATA << 4 };
    sgl[1] = (struct hc1_sgl_desc) { .addr = buf + 8192, .len = 2048,
                                     .type = HC1_SGL_TYPE_DATA << 4 };
    qtc_memwrite(d->q, seg, sgl, 32);
    sgl[2] = (struct hc1_sgl_desc) { .addr = seg, .len = 32,
                                     .type = HC1_SGL_TYPE_LAST_SEG << 4 };
    IDENT();
    sqe.flags = HC1_SQE_PSDT_SGL;
    memcpy(&sqe.dptr1, &sgl[2], 16);
    qtc_memset(d->q, buf, 0xee, 16384);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0 &&
          qtc_readl(d->q, buf + 0x50) == d->n_vocab &&
          qtc_readl(d->q, buf + 2048) == 0xeeeeeeee &&
          qtc_readl(d->q, buf + 8192) == 0 &&
          qtc_readl(d->q, buf + 8192 + 2048) == 0xeeeeeeee,
          "SGL last segment with two data blocks");
    /* A segment that points at itself. */
    sgl[0] = (struct hc1_sgl_desc) { .addr = seg, .len = 16,
                                     .type = HC1_SGL_TYPE_SEGMENT << 4 };
    qtc_memwrite(d->q, seg, sgl, 16);
    IDENT();
    sqe.flags = HC1_SQE_PSDT_SGL;
    memcpy(&sqe.dptr1, &sgl[0], 16);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_SGL,
          "an SGL segment that loops: INVALID_SGL");
    sgl[0] = (struct hc1_sgl_desc) { .addr = seg, .len = 17,
                                     .type = HC1_SGL_TYPE_LAST_SEG << 4 };
    memcpy(&sqe.dptr1, &sgl[0], 16);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_SGL,
          "SGL segment length not a multiple of 16: INVALID_SGL");
    sgl[0] = (struct hc1_sgl_desc) { .addr = 0x10000000000ull, .len = 64,
                                     .type = HC1_SGL_TYPE_LAST_SEG << 4 };
    memcpy(&sqe.dptr1, &sgl[0], 16);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_DATA_XFER_ERROR,
          "SGL segment in unmapped memory: DATA_XFER_ERROR");
    sgl[0] = (struct hc1_sgl_desc) { .addr = 0xfffffffffffffff0ull,
                                     .len = 4096,
                                     .type = HC1_SGL_TYPE_DATA << 4 };
    memcpy(&sqe.dptr1, &sgl[0], 16);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_SGL,
          "SGL data block that wraps: INVALID_SGL");
    sgl[0].type = 0x70;
    memcpy(&sqe.dptr1, &sgl[0], 16);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_SGL,
          "SGL descriptor type 7: INVALID_SGL");
    IDENT();
    sqe.flags = 3;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FIELD,
          "PSDT 3: INVALID_FIELD");
    CHECK(alive(d), "alive");
    hc1t_close(d);
}

static void test_lora(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, ",sram-size=1M,lora-slots=2");
    struct hc1_sqe sqe;
    uint8_t data[3000];
    uint64_t buf;
    uint32_t crc;

    CHECK(d && hc1t_enable(d, 16), "enabled with 1 MiB SRAM, 2 LoRA slots");
    if (!d) {
        return;
    }
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = i * 7;
    }
    crc = crc32c(data, sizeof(data));
    CHECK(crc32c((const uint8_t *)"123456789", 9) == 0xe3069283,
          "CRC-32C check value");
    buf = hc1t_alloc(d, 8192, 4096);
    qtc_memwrite(d->q, buf, data, sizeof(data));
#define LORA(slot_, len_, crc_) do { \
        hc1t_sqe_init(&sqe, HC1_ADM_LOAD_LORA); \
        sqe.dptr1 = buf; \
        sqe.cdw10 = (slot_); \
        sqe.cdw11 = (len_); \
        sqe.cdw12 = (crc_); \
    } while (0)
    LORA(0, sizeof(data), crc ^ 1);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_CHECKSUM,
          "adapter with a bad CRC-32C: CHECKSUM");
    LORA(0, sizeof(data), crc);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "adapter loads into slot 0");
    CHECK(hc1t_rd(d, HC1_REG_SRAM_USED_LO) == sizeof(data),
          "it takes SRAM");
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_SLOT_IN_USE,
          "slot 0 again: SLOT_IN_USE");
    LORA(2, sizeof(data), crc);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_SLOT,
          "slot 2 of 2: INVALID_SLOT");
    LORA(1, 2u << 20, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_FIELD,
          "adapter larger than SRAM: INVALID_FIELD");
    LORA(1, (1u << 20) - 100, 0);
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_SRAM_FULL,
          "adapter larger than the free SRAM: SRAM_FULL");
    hc1t_sqe_init(&sqe, HC1_ADM_UNLOAD_LORA);
    sqe.cdw10 = 0;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0, "unload slot 0");
    CHECK(hc1t_rd(d, HC1_REG_SRAM_USED_LO) == 0, "SRAM is free again");
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == HC1_SC_INVALID_SLOT,
          "unload an empty slot: INVALID_SLOT");
    hc1t_close(d);
}

static void test_bad_model(void)
{
    char path[] = "/tmp/hc1-bad-model.XXXXXX";
    uint8_t junk[4096] = { 'G', 'G', 'U', 'F', 3 };
    Hc1Dev *d;
    int fd = mkstemp(path);

    if (fd >= 0) {
        for (size_t i = 8; i < sizeof(junk); i++) {
            junk[i] = i * 37;
        }
        (void)!write(fd, junk, sizeof(junk));
        close(fd);
    }
    d = hc1t_open(qemu, path, NULL);
    CHECK(d != NULL, "a GGUF that is not a model: QEMU starts");
    if (d) {
        uint32_t st = 0;

        for (int i = 0; i < 5000; i++) {
            st = hc1t_rd(d, HC1_REG_BOOT_STATUS);
            if ((st & HC1_BOOT_STAGE_MASK) == HC1_BOOT_FAILED) {
                break;
            }
            usleep(1000);
        }
        CHECK((st & HC1_BOOT_STAGE_MASK) == HC1_BOOT_FAILED &&
              (st >> HC1_BOOT_ERR_SHIFT) == HC1_BOOT_ERR_MODEL,
              "BOOT_STATUS: FAILED, model error (0x%x)", st);
        hc1t_wr(d, HC1_REG_CC, HC1_CC_EN);
        CHECK((hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_CFS) &&
              hc1t_rd(d, HC1_REG_FATAL_CODE) == HC1_FATAL_BOOT,
              "CC.EN: CSTS.CFS with FATAL_CODE boot");
        CHECK(alive(d), "the VM runs on");
        hc1t_close(d);
    }
    unlink(path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s QEMU ROM.gguf\n", argv[0]);
        return 2;
    }
    qemu = argv[1];
    rom = argv[2];
    test_reset_values();
    test_admin();
    test_io_queues();
    test_enable_errors();
    test_selftest_irq();
    test_dma_pointers();
    test_lora();
    test_bad_model();
    return tap_done();
}
