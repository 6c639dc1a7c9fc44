/*
 * The firmware's driver for one HC1 card, written from the manual
 * (docs/hc1-prm.rst) and the register header (hw/hc1/hc1_hw.h).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_CARD_H
#define FW_CARD_H

#include "fw.h"
#include "hc1_hw.h"
#include "pci.h"

typedef struct CardQueue {
    uint16_t qid;
    uint32_t entries;
    uint64_t sq, cq;            /* DMA addresses */
    uint32_t sq_tail, cq_head;
    uint8_t phase;              /* phase of the next new completion */
} CardQueue;

typedef struct Card {
    const FwConfig *cfg;
    PciDev *pci;
    uint64_t regs, db, msix_bar;
    uint8_t msix_cap;
    uint64_t msi_page;          /* MSI-X messages land here */
    CardQueue admin, io;
    uint16_t next_cid;
    uint32_t n_vocab, max_ctx_tokens, cap;
} Card;

static inline uint32_t card_rd(Card *c, uint32_t off)
{
    return hal_mmio_rd(c->regs + off);
}

static inline void card_wr(Card *c, uint32_t off, uint32_t val)
{
    hal_mmio_wr(c->regs + off, val);
}

/* card_bringup.c: BARs, identity, reset, boot, enable. */
int card_attach(Card *c, PciDev *d, const FwConfig *cfg);
int card_check_identity(Card *c);
int card_check_model(Card *c);
int card_reset(Card *c);
int card_wait_boot(Card *c);
int card_enable(Card *c);
void card_disable(Card *c);
/* A fatal report, if CSTS.CFS is set: returns FW_ERR_FATAL, else 0. */
int card_check_fatal(Card *c, const char *when);

/* card_selftest.c: the self-test registers. */
int card_selftest_mmio(Card *c);
int card_selftest_dma(Card *c);
int card_selftest_irq(Card *c);

/* card_queue.c: queues and commands. */
void card_sqe_init(struct hc1_sqe *sqe, uint8_t opcode);
/* Submit on @q, wait for the completion; returns FW_* with a message. */
int card_cmd(Card *c, CardQueue *q, struct hc1_sqe *sqe,
             struct hc1_cqe *cqe, const char *what);
int card_identify(Card *c);
int card_create_io_queue(Card *c, uint16_t qid, uint32_t entries);
int card_delete_io_queue(Card *c);

/* card_llm.c: a context, a prefill and a greedy decode. */
int card_generate(Card *c);

#endif
