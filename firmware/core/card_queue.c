/*
 * Submission and completion queues, polled: the firmware has one command
 * in flight at a time, so a command is "write the entry, ring the tail
 * doorbell, wait for the completion with the matching id".
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "card.h"

static const char *sc_name(uint16_t sc)
{
    switch (sc) {
    case HC1_SC_SUCCESS: return "success";
    case HC1_SC_INVALID_OPCODE: return "invalid opcode";
    case HC1_SC_INVALID_FIELD: return "invalid field";
    case HC1_SC_DATA_XFER_ERROR: return "data transfer error";
    case HC1_SC_ABORTED: return "aborted";
    case HC1_SC_INVALID_PRP: return "invalid PRP";
    case HC1_SC_INVALID_SGL: return "invalid SGL";
    case HC1_SC_INTERNAL: return "internal error";
    case HC1_SC_NOT_READY: return "not ready";
    case HC1_SC_BUSY: return "busy";
    case HC1_SC_INVALID_QID: return "invalid queue id";
    case HC1_SC_INVALID_QSIZE: return "invalid queue size";
    case HC1_SC_INVALID_VECTOR: return "invalid vector";
    case HC1_SC_CQ_IN_USE: return "CQ in use";
    case HC1_SC_INVALID_QADDR: return "invalid queue address";
    case HC1_SC_INVALID_CONTEXT: return "invalid context";
    case HC1_SC_CONTEXT_LIMIT: return "context limit";
    case HC1_SC_SRAM_FULL: return "SRAM full";
    case HC1_SC_KV_FULL: return "KV full";
    case HC1_SC_INVALID_TOKEN: return "invalid token";
    case HC1_SC_CONTEXT_LOST: return "context lost";
    case HC1_SC_NO_LOGITS: return "no logits";
    case HC1_SC_INVALID_RING: return "invalid ring";
    case HC1_SC_UNSUPPORTED: return "unsupported";
    case HC1_SC_THERMAL: return "thermal trip";
    }
    return "unknown status";
}

void card_sqe_init(struct hc1_sqe *sqe, uint8_t opcode)
{
    memset(sqe, 0, sizeof(*sqe));
    sqe->opcode = opcode;
    sqe->flags = HC1_SQE_PSDT_PRP;
}

static void submit(Card *c, CardQueue *q, struct hc1_sqe *sqe)
{
    sqe->cid = c->next_cid++;
    hal_mem_wr(q->sq + (uint64_t)q->sq_tail * sizeof(*sqe), sqe,
               sizeof(*sqe));
    q->sq_tail = (q->sq_tail + 1) % q->entries;
    hal_mmio_wr(c->db + HC1_DB_OFFSET(q->qid, HC1_DB_SQ_TAIL), q->sq_tail);
}

/* Take the next completion of @q if there is one. */
static bool reap(Card *c, CardQueue *q, struct hc1_cqe *cqe)
{
    uint64_t at = q->cq + (uint64_t)q->cq_head * sizeof(*cqe);
    uint16_t status;

    /*
     * The phase bit first, the rest after it (mem_read orders reads):
     * the entry is only complete once its new phase is visible.
     */
    hal_mem_rd(at + __builtin_offsetof(struct hc1_cqe, status), &status,
               sizeof(status));
    if ((status & HC1_CQE_PHASE) != q->phase) {
        return false;
    }
    hal_mem_rd(at, cqe, sizeof(*cqe));
    if (++q->cq_head == q->entries) {
        q->cq_head = 0;
        q->phase ^= 1;
    }
    hal_mmio_wr(c->db + HC1_DB_OFFSET(q->qid, HC1_DB_CQ_HEAD), q->cq_head);
    return true;
}

int card_cmd(Card *c, CardQueue *q, struct hc1_sqe *sqe, struct hc1_cqe *cqe,
             const char *what)
{
    uint64_t end = hal_now_us() + (uint64_t)c->cfg->cmd_timeout_ms * 1000;
    uint16_t sc;

    submit(c, q, sqe);
    for (;;) {
        if (reap(c, q, cqe)) {
            if (cqe->cid == sqe->cid && cqe->sq_id == q->qid) {
                break;
            }
            fw_printf("hc1-fw: note: unexpected completion on queue %u: "
                      "cid %u sq %u status 0x%x dw0 0x%x (waiting for cid "
                      "%u)\n", q->qid, cqe->cid, cqe->sq_id, cqe->status,
                      cqe->dw0, sqe->cid);
            continue;
        }
        if (hal_now_us() > end) {
            int rc = card_check_fatal(c, what);
            return rc ? rc : fw_fail(FW_ERR_QUEUE, "%s: no completion after "
                                     "%u ms", what, c->cfg->cmd_timeout_ms);
        }
        hal_relax();
    }
    sc = HC1_CQE_SC(cqe->status);
    if (sc == HC1_SC_SUCCESS) {
        return FW_PASS;
    }
    return fw_fail(sc == HC1_SC_DATA_XFER_ERROR ? FW_ERR_DMA : FW_ERR_QUEUE,
                   "%s: status 0x%x (%s)", what, sc, sc_name(sc));
}

static void put_str(const char *label, const char *s, size_t max)
{
    char buf[65];
    size_t n = strnlen(s, max < 64 ? max : 64);

    memcpy(buf, s, n);
    buf[n] = '\0';
    fw_printf("%s%s", label, buf);
}

int card_identify(Card *c)
{
    uint64_t buf = hal_dma_alloc(HC1_IDENTIFY_SIZE, HC1_PAGE_SIZE);
    struct hc1_id_device dev;
    struct hc1_id_model model;
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    int rc;

    if (!buf) {
        return fw_fail(FW_ERR_PLATFORM, "out of DMA memory");
    }
    card_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    sqe.cdw10 = HC1_IDENTIFY_DEVICE;
    rc = card_cmd(c, &c->admin, &sqe, &cqe, "IDENTIFY device");
    if (rc) {
        return rc;
    }
    hal_mem_rd(buf, &dev, 0xa0);
    card_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    sqe.cdw10 = HC1_IDENTIFY_MODEL;
    rc = card_cmd(c, &c->admin, &sqe, &cqe, "IDENTIFY model");
    if (rc) {
        return rc;
    }
    hal_mem_rd(buf, &model, 0xe0);
    put_str("hc1-fw: identify: serial ", dev.serial, sizeof(dev.serial));
    put_str(", firmware ", dev.firmware, sizeof(dev.firmware));
    put_str(", model \"", model.name, sizeof(model.name));
    fw_printf("\"\n");
    /* The data structures must agree with the registers. */
    if (dev.version != card_rd(c, HC1_REG_VERSION) ||
        model.n_vocab != c->n_vocab) {
        return fw_fail(FW_ERR_IDENTITY, "IDENTIFY disagrees with the "
                       "registers (version 0x%x vs 0x%x, vocab %u vs %u)",
                       dev.version, card_rd(c, HC1_REG_VERSION),
                       model.n_vocab, c->n_vocab);
    }
    for (int i = 0; i < HC1_ID_WORDS; i++) {
        uint32_t w = card_rd(c, HC1_REG_MODEL_ID(i));
        for (int j = 0; j < 4; j++) {
            if (model.model_id[4 * i + j] != (uint8_t)(w >> (8 * j))) {
                return fw_fail(FW_ERR_IDENTITY, "IDENTIFY model id byte %d "
                               "disagrees with MODEL_ID", 4 * i + j);
            }
        }
    }
    return FW_PASS;
}

int card_create_io_queue(Card *c, uint16_t qid, uint32_t entries)
{
    CardQueue *q = &c->io;
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    int rc;

    q->qid = qid;
    q->entries = entries;
    q->sq = hal_dma_alloc(entries * sizeof(struct hc1_sqe), HC1_QUEUE_ALIGN);
    q->cq = hal_dma_alloc(entries * sizeof(struct hc1_cqe), HC1_QUEUE_ALIGN);
    q->sq_tail = q->cq_head = 0;
    q->phase = 1;
    if (!q->sq || !q->cq) {
        return fw_fail(FW_ERR_PLATFORM, "out of DMA memory");
    }
    /* Polled: interrupts off on the CQ. */
    card_sqe_init(&sqe, HC1_ADM_CREATE_CQ);
    sqe.dptr1 = q->cq;
    sqe.cdw10 = qid | (entries << HC1_QCMD_SIZE_SHIFT);
    sqe.cdw11 = 0;
    rc = card_cmd(c, &c->admin, &sqe, &cqe, "CREATE_CQ");
    if (rc) {
        return rc;
    }
    card_sqe_init(&sqe, HC1_ADM_CREATE_SQ);
    sqe.dptr1 = q->sq;
    sqe.cdw10 = qid | (entries << HC1_QCMD_SIZE_SHIFT);
    sqe.cdw11 = qid;
    rc = card_cmd(c, &c->admin, &sqe, &cqe, "CREATE_SQ");
    if (rc == FW_PASS) {
        fw_printf("hc1-fw: I/O queue pair %u created (%u entries)\n", qid,
                  entries);
    }
    return rc;
}

int card_delete_io_queue(Card *c)
{
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    int rc;

    card_sqe_init(&sqe, HC1_ADM_DELETE_SQ);
    sqe.cdw10 = c->io.qid;
    rc = card_cmd(c, &c->admin, &sqe, &cqe, "DELETE_SQ");
    if (rc) {
        return rc;
    }
    card_sqe_init(&sqe, HC1_ADM_DELETE_CQ);
    sqe.cdw10 = c->io.qid;
    return card_cmd(c, &c->admin, &sqe, &cqe, "DELETE_CQ");
}
