/*
 * HC1: submission and completion queues, doorbells, asynchronous events
 * and the error log.
 *
 * Queues live in guest memory and are described by guest-written
 * values; every index a guest supplies is range-checked, a bad one is
 * traced as guest misbehaviour, logged and reported by an asynchronous
 * event, and otherwise ignored.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "trace.h"
#include "hc1_int.h"

/* ---- error log and asynchronous events ---------------------------- */

void hc1_log_error(Hc1State *s, uint32_t code, uint8_t severity,
                   uint16_t sc, uint16_t sqid, uint16_t cid, uint8_t opcode,
                   uint32_t ctx, uint64_t info)
{
    struct hc1_error_entry *e = &s->errlog[s->err_next];

    memset(e, 0, sizeof(*e));
    e->seq = cpu_to_le64(++s->err_seq);
    e->timestamp_ns = cpu_to_le64(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    e->status = cpu_to_le16(sc);
    e->sq_id = cpu_to_le16(sqid);
    e->cid = cpu_to_le16(cid);
    e->opcode = opcode;
    e->severity = severity;
    e->ctx = cpu_to_le32(ctx);
    e->code = cpu_to_le32(code);
    e->info = cpu_to_le64(info);
    s->err_next = (s->err_next + 1) % HC1_ERROR_LOG_ENTRIES;
    s->errors++;
    trace_hc1_error_logged(code, severity, sc, sqid, cid, ctx);
}

static void hc1_aen_flush(Hc1State *s)
{
    while (s->n_aer && s->n_aen) {
        uint16_t cid = s->aer_cid[0];
        uint32_t dw0 = s->aen_queue[0][0], dw1 = s->aen_queue[0][1];

        memmove(s->aer_cid, s->aer_cid + 1,
                (HC1_AER_LIMIT - 1) * sizeof(s->aer_cid[0]));
        memmove(s->aen_queue, s->aen_queue + 1,
                (HC1_AEN_QUEUE - 1) * sizeof(s->aen_queue[0]));
        s->n_aer--;
        s->n_aen--;
        trace_hc1_aen(dw0, dw1);
        hc1_complete(s, 0, cid, HC1_ADM_ASYNC_EVENT, HC1_SC_SUCCESS, dw0,
                     dw1);
    }
}

void hc1_post_aen(Hc1State *s, uint8_t type, uint8_t info, uint32_t ctx)
{
    uint8_t page = type == HC1_AEN_ERROR ? HC1_LOG_ERROR : HC1_LOG_STATS;

    if (!(s->aen_mask & (1u << type)) || !(s->csts & HC1_CSTS_RDY)) {
        return;
    }
    if (s->n_aen == HC1_AEN_QUEUE) {
        trace_hc1_err_aen_overflow(type, info);
        return;
    }
    s->aen_queue[s->n_aen][0] = type | (info << 8) | (page << 16);
    s->aen_queue[s->n_aen][1] = ctx;
    s->n_aen++;
    hc1_aen_flush(s);
}

uint16_t hc1_aer_request(Hc1State *s, uint16_t cid)
{
    if (s->n_aer == HC1_AER_LIMIT) {
        return HC1_SC_AER_LIMIT;
    }
    s->aer_cid[s->n_aer++] = cid;
    hc1_aen_flush(s);
    return HC1_SC_DEFERRED;
}

/* ---- completion posting ------------------------------------------- */

static void hc1_cq_drain(Hc1State *s, uint16_t cqid)
{
    Hc1CQ *cq = &s->cq[cqid];
    bool posted = false;
    Hc1Cqe *e;

    while (cq->valid && (e = QTAILQ_FIRST(&cq->pending))) {
        struct hc1_cqe cqe;
        uint64_t entry;

        if ((cq->tail + 1) % cq->size == cq->head) {
            trace_hc1_cq_full(cqid);
            break;
        }
        QTAILQ_REMOVE(&cq->pending, e, next);
        cqe.dw0 = cpu_to_le32(e->dw0);
        cqe.dw1 = cpu_to_le32(e->dw1);
        cqe.sq_head = cpu_to_le16(e->sq_head);
        cqe.sq_id = cpu_to_le16(e->sqid);
        cqe.cid = cpu_to_le16(e->cid);
        cqe.status = cpu_to_le16((e->sc << HC1_CQE_SC_SHIFT) | cq->phase);
        /*
         * The last dword (cid and the status with the phase tag) goes
         * last: a host polling the phase must never see a new phase with
         * old contents. pci_dma_write() orders the two writes (it issues
         * a full barrier before each access).
         */
        entry = cq->base + (uint64_t)cq->tail * sizeof(cqe);
        if (!hc1_dma_write_raw(s, entry, &cqe, HC1_CQE_LAST_DW_OFFSET) ||
            !hc1_dma_write_raw(s, entry + HC1_CQE_LAST_DW_OFFSET,
                               (uint8_t *)&cqe + HC1_CQE_LAST_DW_OFFSET,
                               sizeof(cqe) - HC1_CQE_LAST_DW_OFFSET)) {
            /* The completion is lost; the guest broke its own queue. */
            hc1_log_error(s, HC1_ERR_CQ_POST, HC1_SEV_COMMAND,
                          HC1_SC_DATA_XFER_ERROR, e->sqid, e->cid, 0,
                          UINT32_MAX, cq->base);
            if (cqid) {
                hc1_post_aen(s, HC1_AEN_ERROR, HC1_ERR_CQ_POST, UINT32_MAX);
            }
            g_free(e);
            continue;
        }
        trace_hc1_cqe_posted(cqid, e->sqid, e->cid, e->sc, e->dw0, e->dw1);
        cq->tail++;
        if (cq->tail == cq->size) {
            cq->tail = 0;
            cq->phase = !cq->phase;
        }
        s->commands++;
        posted = true;
        g_free(e);
    }
    if (posted && cq->ien) {
        hc1_irq_notify(s, cq->vector);
    }
}

static void hc1_cq_post(Hc1State *s, Hc1Cqe *e)
{
    Hc1SQ *sq = &s->sq[e->sqid];
    uint16_t cqid = sq->cqid;

    if (!sq->valid || !s->cq[cqid].valid) {
        trace_hc1_err_cqe_no_queue(e->sqid, e->cid);
        g_free(e);
        return;
    }
    QTAILQ_INSERT_TAIL(&s->cq[cqid].pending, e, next);
    hc1_cq_drain(s, cqid);
}

void hc1_complete(Hc1State *s, uint16_t sqid, uint16_t cid, uint8_t opcode,
                  uint16_t sc, uint32_t dw0, uint32_t dw1)
{
    Hc1SQ *sq;
    Hc1Cqe *e;

    if (sqid >= HC1_NUM_QUEUES || !s->sq[sqid].valid) {
        trace_hc1_err_cqe_no_queue(sqid, cid);
        return;
    }
    sq = &s->sq[sqid];
    if (sq->outstanding) {
        sq->outstanding--;
        if (sq->head != sq->tail) {
            qemu_bh_schedule(s->sq_bh);
        }
    }
    if (sc != HC1_SC_SUCCESS) {
        trace_hc1_err_cmd(sqid, cid, opcode, sc);
        hc1_log_error(s, HC1_ERR_COMMAND, HC1_SEV_COMMAND, sc, sqid, cid,
                      opcode, UINT32_MAX, 0);
    }
    if (s->fault_drop_cqes) {
        s->fault_drop_cqes--;
        s->dropped_cqes++;
        trace_hc1_fault_drop_cqe(sqid, cid);
        hc1_update_migration_blocker(s);
        return;
    }
    e = g_new0(Hc1Cqe, 1);
    e->sqid = sqid;
    e->cid = cid;
    e->sc = sc;
    e->sq_head = sq->head;
    e->dw0 = dw0;
    e->dw1 = dw1;
    if (s->fault_slow_ms) {
        e->deadline = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                      (int64_t)s->fault_slow_ms * 1000000;
        trace_hc1_fault_slow_cqe(sqid, cid, s->fault_slow_ms);
        s->fault_slow_ms = 0;
        QTAILQ_INSERT_TAIL(&s->slow, e, next);
        timer_mod(s->slow_timer, e->deadline);
        return;
    }
    hc1_cq_post(s, e);
    hc1_update_migration_blocker(s);
}

void hc1_slow_timer_cb(void *opaque)
{
    Hc1State *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    Hc1Cqe *e, *tmp;

    QTAILQ_FOREACH_SAFE(e, &s->slow, next, tmp) {
        if (e->deadline <= now) {
            QTAILQ_REMOVE(&s->slow, e, next);
            hc1_cq_post(s, e);
        } else {
            timer_mod(s->slow_timer, e->deadline);
        }
    }
    hc1_update_migration_blocker(s);
}

void hc1_cq_bh(void *opaque)
{
    Hc1State *s = opaque;

    for (int i = 0; i < HC1_NUM_QUEUES; i++) {
        if (s->cq[i].valid && !QTAILQ_EMPTY(&s->cq[i].pending)) {
            hc1_cq_drain(s, i);
        }
    }
    hc1_update_migration_blocker(s);
}

/* ---- queue creation and deletion ----------------------------------- */

static void hc1_cq_clear(Hc1CQ *cq, int sqid)
{
    Hc1Cqe *e, *tmp;

    QTAILQ_FOREACH_SAFE(e, &cq->pending, next, tmp) {
        if (sqid < 0 || e->sqid == sqid) {
            QTAILQ_REMOVE(&cq->pending, e, next);
            g_free(e);
        }
    }
}

bool hc1_admin_enable(Hc1State *s)
{
    uint32_t asqs = s->aqa & HC1_AQA_ASQS_MASK;
    uint32_t acqs = s->aqa >> HC1_AQA_ACQS_SHIFT;

    if (asqs < HC1_MIN_QUEUE_ENTRIES || asqs > HC1_MAX_QUEUE_ENTRIES ||
        acqs < HC1_MIN_QUEUE_ENTRIES || acqs > HC1_MAX_QUEUE_ENTRIES ||
        (s->asq & (HC1_QUEUE_ALIGN - 1)) || (s->acq & (HC1_QUEUE_ALIGN - 1))) {
        trace_hc1_err_admin_queue(s->aqa, s->asq, s->acq);
        hc1_fatal(s, HC1_FATAL_ADMIN_QUEUE);
        return false;
    }
    s->cq[0] = (Hc1CQ) {
        .valid = true, .vector = HC1_VECTOR_ADMIN, .ien = true,
        .phase = true, .size = acqs, .base = s->acq, .n_sqs = 1,
    };
    QTAILQ_INIT(&s->cq[0].pending);
    s->sq[0] = (Hc1SQ) {
        .valid = true, .cqid = 0, .size = asqs, .base = s->asq,
    };
    trace_hc1_admin_queue(asqs, s->asq, acqs, s->acq);
    return true;
}

uint16_t hc1_create_cq(Hc1State *s, uint16_t qid, uint32_t size,
                       uint64_t base, uint16_t vector, bool ien)
{
    Hc1CQ *cq;

    if (!qid || qid > HC1_MAX_IO_QUEUES || s->cq[qid].valid) {
        return HC1_SC_INVALID_QID;
    }
    if (size < HC1_MIN_QUEUE_ENTRIES || size > HC1_MAX_QUEUE_ENTRIES) {
        return HC1_SC_INVALID_QSIZE;
    }
    if (base & (HC1_QUEUE_ALIGN - 1)) {
        return HC1_SC_INVALID_QADDR;
    }
    if (vector >= HC1_MSIX_VECTORS) {
        return HC1_SC_INVALID_VECTOR;
    }
    cq = &s->cq[qid];
    *cq = (Hc1CQ) {
        .valid = true, .vector = vector, .ien = ien, .phase = true,
        .size = size, .base = base,
    };
    QTAILQ_INIT(&cq->pending);
    trace_hc1_create_cq(qid, size, base, vector, ien);
    return HC1_SC_SUCCESS;
}

uint16_t hc1_create_sq(Hc1State *s, uint16_t qid, uint32_t size,
                       uint64_t base, uint16_t cqid)
{
    if (!qid || qid > HC1_MAX_IO_QUEUES || s->sq[qid].valid) {
        return HC1_SC_INVALID_QID;
    }
    if (!cqid || cqid > HC1_MAX_IO_QUEUES || !s->cq[cqid].valid) {
        return HC1_SC_INVALID_QID;
    }
    if (size < HC1_MIN_QUEUE_ENTRIES || size > HC1_MAX_QUEUE_ENTRIES) {
        return HC1_SC_INVALID_QSIZE;
    }
    if (base & (HC1_QUEUE_ALIGN - 1)) {
        return HC1_SC_INVALID_QADDR;
    }
    s->sq[qid] = (Hc1SQ) {
        .valid = true, .cqid = cqid, .size = size, .base = base,
    };
    s->cq[cqid].n_sqs++;
    trace_hc1_create_sq(qid, size, base, cqid);
    return HC1_SC_SUCCESS;
}

uint16_t hc1_delete_sq(Hc1State *s, uint16_t qid)
{
    Hc1SQ *sq;
    Hc1Cqe *e, *tmp;

    /* qid comes from the guest: check it before forming &s->sq[qid]. */
    if (!qid || qid > HC1_MAX_IO_QUEUES || !s->sq[qid].valid) {
        return HC1_SC_INVALID_QID;
    }
    sq = &s->sq[qid];
    /* The queue's contexts go with it; their commands are aborted. */
    hc1_contexts_of_sq_destroy(s, qid);
    hc1_cq_clear(&s->cq[sq->cqid], qid);
    QTAILQ_FOREACH_SAFE(e, &s->slow, next, tmp) {
        if (e->sqid == qid) {
            QTAILQ_REMOVE(&s->slow, e, next);
            g_free(e);
        }
    }
    s->cq[sq->cqid].n_sqs--;
    memset(sq, 0, sizeof(*sq));
    trace_hc1_delete_sq(qid);
    return HC1_SC_SUCCESS;
}

uint16_t hc1_delete_cq(Hc1State *s, uint16_t qid)
{
    Hc1CQ *cq;

    /* qid comes from the guest: check it before forming &s->cq[qid]. */
    if (!qid || qid > HC1_MAX_IO_QUEUES || !s->cq[qid].valid) {
        return HC1_SC_INVALID_QID;
    }
    cq = &s->cq[qid];
    if (cq->n_sqs) {
        return HC1_SC_CQ_IN_USE;
    }
    hc1_cq_clear(cq, -1);
    cq->valid = false;
    trace_hc1_delete_cq(qid);
    return HC1_SC_SUCCESS;
}

uint16_t hc1_sq_vector(Hc1State *s, uint16_t sqid, bool *ien)
{
    Hc1CQ *cq = &s->cq[s->sq[sqid].cqid];

    *ien = cq->valid && cq->ien;
    return cq->vector;
}

void hc1_queues_reset(Hc1State *s)
{
    Hc1Cqe *e, *tmp;

    for (int i = 0; i < HC1_NUM_QUEUES; i++) {
        hc1_cq_clear(&s->cq[i], -1);
        memset(&s->sq[i], 0, sizeof(s->sq[i]));
        s->cq[i].valid = false;
        s->cq[i].n_sqs = 0;
    }
    QTAILQ_FOREACH_SAFE(e, &s->slow, next, tmp) {
        QTAILQ_REMOVE(&s->slow, e, next);
        g_free(e);
    }
    timer_del(s->slow_timer);
}

/* ---- doorbells and command fetch ----------------------------------- */

static void hc1_bad_doorbell(Hc1State *s, uint32_t code, hwaddr addr,
                             uint32_t val)
{
    hc1_log_error(s, code, HC1_SEV_INFO, 0, UINT16_MAX, 0, 0, UINT32_MAX,
                  ((uint64_t)addr << 32) | val);
    hc1_post_aen(s, HC1_AEN_ERROR, code, UINT32_MAX);
}

void hc1_doorbell_write(Hc1State *s, hwaddr addr, uint32_t val)
{
    uint32_t qid = addr / HC1_DB_STRIDE;
    uint32_t reg = addr % HC1_DB_STRIDE;

    trace_hc1_doorbell(qid, reg, val);
    if (!(s->csts & HC1_CSTS_RDY) || (s->csts & HC1_CSTS_CFS)) {
        trace_hc1_ub_db_not_ready(addr, val);
        return;
    }
    if (qid >= HC1_NUM_QUEUES ||
        (reg != HC1_DB_SQ_TAIL && reg != HC1_DB_CQ_HEAD)) {
        trace_hc1_ub_db_unknown(addr, val);
        hc1_bad_doorbell(s, HC1_ERR_DOORBELL, addr, val);
        return;
    }
    if (reg == HC1_DB_SQ_TAIL) {
        Hc1SQ *sq = &s->sq[qid];

        if (!sq->valid) {
            trace_hc1_ub_db_no_queue(qid, val);
            hc1_bad_doorbell(s, HC1_ERR_DOORBELL, addr, val);
            return;
        }
        if (val >= sq->size) {
            trace_hc1_ub_db_value(qid, val, sq->size);
            hc1_bad_doorbell(s, HC1_ERR_DOORBELL_VALUE, addr, val);
            return;
        }
        sq->tail = val;
        qemu_bh_schedule(s->sq_bh);
    } else {
        Hc1CQ *cq = &s->cq[qid];

        if (!cq->valid) {
            trace_hc1_ub_db_no_queue(qid, val);
            hc1_bad_doorbell(s, HC1_ERR_DOORBELL, addr, val);
            return;
        }
        if (val >= cq->size) {
            trace_hc1_ub_db_value(qid, val, cq->size);
            hc1_bad_doorbell(s, HC1_ERR_DOORBELL_VALUE, addr, val);
            return;
        }
        cq->head = val;
        if (!QTAILQ_EMPTY(&cq->pending)) {
            qemu_bh_schedule(s->cq_bh);
        }
        /* A consumer is active: streams waiting for ring space retry. */
        hc1_stream_kick(s);
    }
}

static bool hc1_sq_fetch_one(Hc1State *s, uint16_t qid)
{
    Hc1SQ *sq = &s->sq[qid];
    struct hc1_sqe sqe;

    if (sq->outstanding >= sq->size) {
        trace_hc1_sq_throttled(qid, sq->outstanding);
        return false;
    }
    if (!hc1_dma_read_raw(s, sq->base + (uint64_t)sq->head * sizeof(sqe),
                          &sqe, sizeof(sqe))) {
        if (!sq->fetch_err) {
            sq->fetch_err = true;
            hc1_log_error(s, HC1_ERR_SQ_FETCH, HC1_SEV_COMMAND,
                          HC1_SC_DATA_XFER_ERROR, qid, 0, 0, UINT32_MAX,
                          sq->base);
            hc1_post_aen(s, HC1_AEN_ERROR, HC1_ERR_SQ_FETCH, UINT32_MAX);
        }
        return false;
    }
    sq->fetch_err = false;
    sq->head = (sq->head + 1) % sq->size;
    sq->outstanding++;
    trace_hc1_sqe(qid, sqe.opcode, le16_to_cpu(sqe.cid),
                  le32_to_cpu(sqe.ctx));
    if (qid == 0) {
        hc1_admin_cmd(s, &sqe);
    } else {
        hc1_io_cmd(s, qid, &sqe);
    }
    return true;
}

void hc1_sq_bh(void *opaque)
{
    Hc1State *s = opaque;
    bool more = false;

    if (!hc1_booted(s)) {
        return;     /* rescheduled when boot completes (after migration) */
    }
    for (int qid = 0; qid < HC1_NUM_QUEUES; qid++) {
        for (int n = 0; n < HC1_SQ_BUDGET; n++) {
            Hc1SQ *sq = &s->sq[qid];

            if (!(s->csts & HC1_CSTS_RDY) || (s->csts & HC1_CSTS_CFS) ||
                !sq->valid || sq->head == sq->tail) {
                break;
            }
            /* Admin commands complete in order: wait for LOAD_LORA. */
            if (qid == 0 && s->lora_job) {
                break;
            }
            if (!hc1_sq_fetch_one(s, qid)) {
                break;
            }
            if (n == HC1_SQ_BUDGET - 1 && sq->head != sq->tail) {
                more = true;
            }
        }
    }
    hc1_update_migration_blocker(s);
    if (more) {
        qemu_bh_schedule(s->sq_bh);
    }
}
