/*
 * HC1: the I/O command set, contexts, the SRAM budget, and the token
 * stream rings.
 *
 * A context is one sequence with its KV cache reserved in SRAM. It
 * belongs to the submission queue that created it. Its commands run in
 * submission order on the compute worker (hc1_worker.c); the records the
 * worker produces are written into the context's ring here, by a bottom
 * half, and completions are posted after the records they describe.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "migration/misc.h"
#include "trace.h"
#include "hc1_int.h"

static float hc1_bits_f32(uint32_t u)
{
    float f;

    memcpy(&f, &u, sizeof(f));
    return f;
}

static Hc1Ctx *hc1_ctx_lookup(Hc1State *s, uint16_t sqid, uint32_t id)
{
    if (id >= s->max_contexts || !s->ctx[id].valid ||
        s->ctx[id].sqid != sqid) {
        trace_hc1_err_ctx_invalid(sqid, id);
        return NULL;
    }
    return &s->ctx[id];
}

bool hc1_compute_in_flight(Hc1State *s)
{
    bool busy = false;
    Hc1Ectx *e;

    qemu_mutex_lock(&s->wlock);
    QTAILQ_FOREACH(e, &s->ectxs, next) {
        if (!e->dead && !QTAILQ_EMPTY(&e->ops)) {
            busy = true;
            break;
        }
    }
    qemu_mutex_unlock(&s->wlock);
    return busy;
}

/* Queue a command for the worker; its completion comes later. */
static uint16_t hc1_op_submit(Hc1State *s, Hc1Ctx *c, Hc1Op *op)
{
    qemu_mutex_lock(&s->wlock);
    QTAILQ_INSERT_TAIL(&c->ectx->ops, op, next);
    qemu_cond_signal(&s->wcond);
    qemu_mutex_unlock(&s->wlock);
    trace_hc1_op_submit(c->id, op->type, op->sqid, op->cid);
    return HC1_SC_DEFERRED;
}

static Hc1Op *hc1_op_new(Hc1OpType type, uint16_t sqid,
                         const struct hc1_sqe *sqe)
{
    Hc1Op *op = g_new0(Hc1Op, 1);

    op->type = type;
    op->sqid = sqid;
    op->cid = le16_to_cpu(sqe->cid);
    op->opcode = sqe->opcode;
    return op;
}

/*
 * Let go of a context: the device side forgets it at once, the worker
 * frees the compute side when it is done with it. With @post, the
 * context's unfinished commands complete as ABORTED (their queue is
 * still there); otherwise they vanish (reset, queue deletion).
 * Called with wlock held.
 */
static void hc1_ctx_teardown(Hc1State *s, Hc1Ctx *c, bool post)
{
    Hc1Ectx *e = c->ectx;
    Hc1Op *op;

    if (e) {
        if (post) {
            QTAILQ_FOREACH(op, &e->done, next) {
                hc1_complete(s, op->sqid, op->cid, op->opcode, op->sc,
                             op->dw0, op->dw1);
            }
            QTAILQ_FOREACH(op, &e->ops, next) {
                hc1_complete(s, op->sqid, op->cid, op->opcode,
                             HC1_SC_ABORTED, op->generated,
                             HC1_STOP_CANCELLED);
            }
        }
        e->dead = true;
        qemu_cond_signal(&s->wcond);
    }
    timer_del(c->notify_timer);
    if (c->lora_slot != HC1_LORA_NONE) {
        /* the compute side keeps its own reference until it is freed */
        s->lora[c->lora_slot].users--;
        c->lora_slot = HC1_LORA_NONE;
    }
    s->sram_used -= c->sram_bytes;
    s->n_ctx_used--;
    trace_hc1_ctx_destroy(c->id, c->sqid);
    c->valid = false;
    c->lost = false;
    c->stalled = false;
    c->sram_bytes = 0;
    c->unnotified = 0;
    c->ectx = NULL;
}

void hc1_contexts_reset(Hc1State *s)
{
    qemu_mutex_lock(&s->wlock);
    for (uint32_t i = 0; i < s->max_contexts; i++) {
        if (s->ctx[i].valid) {
            hc1_ctx_teardown(s, &s->ctx[i], false);
        }
    }
    qemu_mutex_unlock(&s->wlock);
    timer_del(s->stream_timer);
    hc1_update_migration_blocker(s);
}

void hc1_contexts_of_sq_destroy(Hc1State *s, uint16_t sqid)
{
    qemu_mutex_lock(&s->wlock);
    for (uint32_t i = 0; i < s->max_contexts; i++) {
        if (s->ctx[i].valid && s->ctx[i].sqid == sqid) {
            hc1_ctx_teardown(s, &s->ctx[i], false);
        }
    }
    qemu_mutex_unlock(&s->wlock);
    hc1_update_migration_blocker(s);
}

/* Fail every queued (not started) command of @e with @sc. wlock held. */
static uint32_t hc1_ops_fail_queued(Hc1State *s, Hc1Ectx *e, uint16_t sc)
{
    Hc1Op *op, *tmp;
    uint32_t n = 0;

    QTAILQ_FOREACH_SAFE(op, &e->ops, next, tmp) {
        if (op->started) {
            continue;
        }
        QTAILQ_REMOVE(&e->ops, op, next);
        hc1_complete(s, op->sqid, op->cid, op->opcode, sc, 0,
                     sc == HC1_SC_ABORTED ? HC1_STOP_CANCELLED : 0);
        hc1_op_free(op);
        n++;
    }
    return n;
}

void hc1_ctx_sram_ecc(Hc1State *s, uint32_t id)
{
    Hc1Ctx *c = &s->ctx[id];

    c->lost = true;
    qemu_mutex_lock(&s->wlock);
    c->ectx->ecc = true;
    hc1_ops_fail_queued(s, c->ectx, HC1_SC_CONTEXT_LOST);
    qemu_cond_signal(&s->wcond);
    qemu_mutex_unlock(&s->wlock);
    hc1_log_error(s, HC1_ERR_SRAM_ECC, HC1_SEV_CONTEXT, 0, c->sqid, 0, 0,
                  id, 0);
    hc1_post_aen(s, HC1_AEN_HEALTH, HC1_ERR_SRAM_ECC, id);
}

/* ---- I/O commands --------------------------------------------------- */

static uint16_t hc1_cmd_create(Hc1State *s, uint16_t sqid,
                               const struct hc1_sqe *sqe)
{
    struct hc1_ctx_params p;
    uint64_t ring_bytes, bytes;
    uint32_t kv, entries, id;
    struct hc1_stream_ctl ctl = { 0 };
    float scale = 0.0f;
    Hc1Ctx *c = NULL;
    Hc1Op *op;
    uint16_t sc;

    sc = hc1_dptr_read(s, sqe, &p, sizeof(p));
    if (sc != HC1_SC_SUCCESS) {
        return sc;
    }
    kv = le32_to_cpu(p.kv_tokens);
    entries = le32_to_cpu(p.ring_entries);
    if (!kv || kv > s->max_ctx_tokens ||
        le32_to_cpu(p.notify_tokens) > HC1_COAL_TOKENS_MAX ||
        le32_to_cpu(p.notify_timeout_us) > HC1_COAL_TIMEOUT_MAX) {
        return HC1_SC_INVALID_FIELD;
    }
    ring_bytes = (uint64_t)entries * sizeof(struct hc1_token_rec);
    if (entries < 2 || entries > HC1_RING_MAX_ENTRIES ||
        (le64_to_cpu(p.ring_addr) & 15) || (le64_to_cpu(p.ctl_addr) & 7) ||
        (le64_to_cpu(p.lp_ring_addr) & 7) ||
        le64_to_cpu(p.ring_addr) + ring_bytes - 1 < le64_to_cpu(p.ring_addr) ||
        le64_to_cpu(p.ctl_addr) + sizeof(ctl) - 1 < le64_to_cpu(p.ctl_addr) ||
        le64_to_cpu(p.lp_ring_addr) + (uint64_t)entries *
            sizeof(struct hc1_top_logprobs) - 1 <
            le64_to_cpu(p.lp_ring_addr)) {
        return HC1_SC_INVALID_RING;
    }
    if (p.lora_slot != HC1_LORA_NONE) {
        uint32_t bits = le32_to_cpu(p.lora_scale);

        if (p.lora_slot >= s->lora_slots || !s->lora[p.lora_slot].loaded) {
            return HC1_SC_INVALID_SLOT;
        }
        if (!s->lora[p.lora_slot].ad) {
            trace_hc1_err_lora_unusable(p.lora_slot);
            return HC1_SC_INVALID_ADAPTER;
        }
        /* 0 (what a 1.1 driver leaves there) means 1.0 */
        scale = bits ? hc1_bits_f32(bits) : 1.0f;
        if (!(scale >= -HC1_LORA_SCALE_MAX && scale <= HC1_LORA_SCALE_MAX)) {
            trace_hc1_err_lora_scale(bits);
            return HC1_SC_INVALID_FIELD;
        }
    }
    for (id = 0; id < s->max_contexts; id++) {
        if (!s->ctx[id].valid) {
            c = &s->ctx[id];
            break;
        }
    }
    if (!c) {
        return HC1_SC_CONTEXT_LIMIT;
    }
    bytes = (uint64_t)kv * s->kv_token_bytes;
    if (bytes > s->sram_size - s->sram_used) {
        trace_hc1_err_sram_full(bytes, s->sram_used, s->sram_size);
        return HC1_SC_SRAM_FULL;
    }
    if (!s->migration_blocker && migration_is_running()) {
        return HC1_SC_BUSY;
    }
    /* The device owns the tail: start it at 0, and prove it can write. */
    if (!hc1_dma_write(s, le64_to_cpu(p.ctl_addr), &ctl, 4) ||
        !hc1_dma_write(s, le64_to_cpu(p.ctl_addr) + 8, &ctl.records, 4)) {
        return HC1_SC_DATA_XFER_ERROR;
    }

    c->valid = true;
    c->lost = false;
    c->stalled = false;
    c->sqid = sqid;
    c->kv_tokens = kv;
    c->sram_bytes = bytes;
    c->ring_addr = le64_to_cpu(p.ring_addr);
    c->ctl_addr = le64_to_cpu(p.ctl_addr);
    c->lp_addr = le64_to_cpu(p.lp_ring_addr);
    c->ring_entries = entries;
    c->tail = 0;
    c->head_cache = 0;
    c->records = 0;
    c->phase = true;
    c->notify_tokens = le32_to_cpu(p.notify_tokens);
    c->notify_timeout_us = le32_to_cpu(p.notify_timeout_us);
    c->unnotified = 0;
    s->sram_used += bytes;
    s->n_ctx_used++;
    s->contexts_created++;
    c->ectx = hc1_ectx_new(s, id, kv, le64_to_cpu(p.stream_id));
    c->lora_slot = p.lora_slot;
    if (p.lora_slot != HC1_LORA_NONE) {
        /* the worker sees these only with the CREATE below */
        Hc1Adapter *ad = s->lora[p.lora_slot].ad;

        hc1_adapter_ref(s, ad);
        c->ectx->ad = ad;
        c->ectx->lora_scale = scale;
        s->lora[p.lora_slot].users++;
    }
    trace_hc1_ctx_create(id, sqid, kv, entries, c->ring_addr);
    hc1_update_migration_blocker(s);

    op = hc1_op_new(HC1_OP_CREATE, sqid, sqe);
    op->dw0 = id;
    return hc1_op_submit(s, c, op);
}

static uint16_t hc1_cmd_prefill(Hc1State *s, Hc1Ctx *c, uint16_t sqid,
                                const struct hc1_sqe *sqe)
{
    uint32_t n = le32_to_cpu(sqe->cdw10);
    g_autofree int32_t *tok = NULL;
    Hc1Op *op;
    uint16_t sc;

    if (!n) {
        return HC1_SC_INVALID_FIELD;
    }
    if (n > c->kv_tokens) {
        return HC1_SC_KV_FULL;
    }
    tok = g_new(int32_t, n);
    sc = hc1_dptr_read(s, sqe, tok, (uint64_t)n * 4);
    if (sc != HC1_SC_SUCCESS) {
        return sc;
    }
    for (uint32_t i = 0; i < n; i++) {
        tok[i] = le32_to_cpu(tok[i]);
        if (tok[i] < 0 || (uint32_t)tok[i] >= s->info.n_vocab) {
            trace_hc1_err_token(c->id, i, tok[i]);
            return HC1_SC_INVALID_TOKEN;
        }
    }
    op = hc1_op_new(HC1_OP_PREFILL, sqid, sqe);
    op->n_tokens = n;
    op->tokens = g_steal_pointer(&tok);
    return hc1_op_submit(s, c, op);
}

static uint16_t hc1_cmd_decode(Hc1State *s, Hc1Ctx *c, uint16_t sqid,
                               const struct hc1_sqe *sqe)
{
    struct hc1_decode_params p;
    Hc1Decode d = { 0 };
    float temp, top_p, min_p, rep;
    uint16_t sc;
    Hc1Op *op;

    sc = hc1_dptr_read(s, sqe, &p, sizeof(p));
    if (sc != HC1_SC_SUCCESS) {
        return sc;
    }
    d.max_new = le32_to_cpu(p.max_new);
    d.min_new = le32_to_cpu(p.min_new);
    d.flags = le32_to_cpu(p.flags);
    d.n_stop = le32_to_cpu(p.n_stop);
    temp = hc1_bits_f32(le32_to_cpu(p.temperature));
    top_p = hc1_bits_f32(le32_to_cpu(p.top_p));
    min_p = hc1_bits_f32(le32_to_cpu(p.min_p));
    rep = hc1_bits_f32(le32_to_cpu(p.repeat_penalty));
    d.samp.temperature = temp;
    d.samp.top_k = le32_to_cpu(p.top_k);
    d.samp.top_p = top_p;
    d.samp.min_p = min_p;
    d.samp.repeat_penalty = rep;
    d.samp.repeat_last_n = le32_to_cpu(p.repeat_last_n);
    d.samp.seed = le64_to_cpu(p.seed);
    d.samp.n_top_logprobs = le32_to_cpu(p.n_top_logprobs);

    /* Written as negations so that NaN fails every test. */
    if (!d.max_new || d.min_new > d.max_new ||
        !(temp >= 0.0f && temp <= 2.0f) ||
        d.samp.top_k > HC1_MAX_TOP_K ||
        !(top_p > 0.0f && top_p <= 1.0f) ||
        !(min_p >= 0.0f && min_p < 1.0f) ||
        !(rep >= 1.0f && rep <= 2.0f) ||
        d.samp.repeat_last_n > c->kv_tokens ||
        (d.flags & ~HC1_DECODE_F_IGNORE_EOS) ||
        d.samp.n_top_logprobs > HC1_MAX_TOP_LOGPROBS ||
        d.n_stop > HC1_MAX_STOP_SEQS) {
        trace_hc1_err_decode_params(c->id);
        return HC1_SC_INVALID_FIELD;
    }
    for (uint32_t i = 0; i < d.n_stop; i++) {
        d.stop_len[i] = p.stop_len[i];
        if (!d.stop_len[i] || d.stop_len[i] > HC1_MAX_STOP_LEN) {
            return HC1_SC_INVALID_FIELD;
        }
        for (uint32_t j = 0; j < d.stop_len[i]; j++) {
            d.stop[i][j] = le32_to_cpu(p.stop[i][j]);
            if (d.stop[i][j] < 0 ||
                (uint32_t)d.stop[i][j] >= s->info.n_vocab) {
                return HC1_SC_INVALID_TOKEN;
            }
        }
    }
    op = hc1_op_new(HC1_OP_DECODE, sqid, sqe);
    op->dec = d;
    return hc1_op_submit(s, c, op);
}

static uint16_t hc1_cmd_cancel(Hc1State *s, Hc1Ctx *c, uint32_t *dw0)
{
    Hc1Ectx *e = c->ectx;
    Hc1Op *op;
    uint32_t n;

    qemu_mutex_lock(&s->wlock);
    n = hc1_ops_fail_queued(s, e, HC1_SC_ABORTED);
    QTAILQ_FOREACH(op, &e->ops, next) {
        /*
         * A running decode stops at its next token, a running prefill
         * at its next chunk (unless past its last check); a truncate
         * finishes.
         */
        if (op->started && !op->cancel &&
            (op->type == HC1_OP_DECODE ||
             (op->type == HC1_OP_PREFILL && !op->committed))) {
            op->cancel = true;
            op->cancel_sc = HC1_SC_ABORTED;
            n++;
        }
    }
    if (!QTAILQ_EMPTY(&e->out)) {
        /* A finished decode whose records wait for ring space: stop too. */
        QTAILQ_FOREACH(op, &e->done, next) {
            if (op->type == HC1_OP_DECODE && op->sc == HC1_SC_SUCCESS) {
                op->sc = HC1_SC_ABORTED;
                op->dw1 = HC1_STOP_CANCELLED;
                n++;
            }
        }
    }
    qemu_cond_signal(&s->wcond);
    qemu_mutex_unlock(&s->wlock);
    qemu_bh_schedule(s->stream_bh);
    trace_hc1_ctx_cancel(c->id, n);
    *dw0 = n;
    return HC1_SC_SUCCESS;
}

void hc1_io_cmd(Hc1State *s, uint16_t sqid, const struct hc1_sqe *sqe)
{
    uint16_t cid = le16_to_cpu(sqe->cid);
    uint32_t id = le32_to_cpu(sqe->ctx);
    uint32_t dw0 = 0;
    Hc1Ctx *c = NULL;
    Hc1Op *op;
    uint16_t sc;

    trace_hc1_io_cmd(sqid, cid, sqe->opcode, id);
    switch (sqe->opcode) {
    case HC1_IO_CREATE_CONTEXT:
        sc = hc1_cmd_create(s, sqid, sqe);
        break;
    case HC1_IO_DESTROY_CONTEXT:
    case HC1_IO_PREFILL:
    case HC1_IO_DECODE:
    case HC1_IO_CANCEL:
    case HC1_IO_TRUNCATE:
        c = hc1_ctx_lookup(s, sqid, id);
        if (!c) {
            sc = HC1_SC_INVALID_CONTEXT;
            break;
        }
        if (sqe->opcode == HC1_IO_DESTROY_CONTEXT) {
            qemu_mutex_lock(&s->wlock);
            hc1_ctx_teardown(s, c, true);
            qemu_mutex_unlock(&s->wlock);
            hc1_update_migration_blocker(s);
            sc = HC1_SC_SUCCESS;
            break;
        }
        if (c->lost) {
            sc = HC1_SC_CONTEXT_LOST;
            break;
        }
        if (sqe->opcode == HC1_IO_CANCEL) {
            sc = hc1_cmd_cancel(s, c, &dw0);
            break;
        }
        if (sqe->opcode == HC1_IO_TRUNCATE) {
            uint32_t keep = le32_to_cpu(sqe->cdw10);

            if (keep > c->kv_tokens) {
                sc = HC1_SC_INVALID_FIELD;
                break;
            }
            op = hc1_op_new(HC1_OP_TRUNCATE, sqid, sqe);
            op->n_keep = keep;
            sc = hc1_op_submit(s, c, op);
            break;
        }
        qemu_mutex_lock(&s->wlock);
        sc = s->tripped ? HC1_SC_THERMAL : HC1_SC_SUCCESS;
        qemu_mutex_unlock(&s->wlock);
        if (sc != HC1_SC_SUCCESS) {
            break;
        }
        sc = sqe->opcode == HC1_IO_PREFILL ? hc1_cmd_prefill(s, c, sqid, sqe)
                                           : hc1_cmd_decode(s, c, sqid, sqe);
        break;
    default:
        trace_hc1_ub_opcode(sqid, sqe->opcode);
        sc = HC1_SC_INVALID_OPCODE;
        break;
    }
    if (sc != HC1_SC_DEFERRED) {
        hc1_complete(s, sqid, cid, sqe->opcode, sc, dw0, 0);
    }
}

/* ---- token streams -------------------------------------------------- */

static void hc1_stream_notify(Hc1State *s, Hc1Ctx *c)
{
    bool ien;
    uint16_t vector = hc1_sq_vector(s, c->sqid, &ien);

    trace_hc1_stream_notify(c->id, c->tail, c->unnotified);
    c->unnotified = 0;
    timer_del(c->notify_timer);
    if (ien) {
        hc1_irq_notify(s, vector);
    }
}

void hc1_notify_timer_cb(void *opaque)
{
    Hc1Ctx *c = opaque;

    if (c->valid && c->unnotified) {
        hc1_stream_notify(c->s, c);
    }
}

void hc1_stream_timer_cb(void *opaque)
{
    qemu_bh_schedule(((Hc1State *)opaque)->stream_bh);
}

void hc1_stream_kick(Hc1State *s)
{
    qemu_bh_schedule(s->stream_bh);
}

/* 1: written; 0: the ring is full; -1: a DMA error. */
static int hc1_ring_push(Hc1State *s, Hc1Ctx *c, Hc1Out *o)
{
    uint32_t next = (c->tail + 1) % c->ring_entries;
    struct hc1_token_rec rec = o->rec;

    if (next == c->head_cache) {
        uint32_t head;

        if (!hc1_dma_read(s, c->ctl_addr + 4, &head, 4)) {
            return -1;
        }
        head = le32_to_cpu(head);
        if (head >= c->ring_entries) {
            trace_hc1_ub_ring_head(c->id, head, c->ring_entries);
            return 0;
        }
        c->head_cache = head;
        if (next == head) {
            return 0;
        }
    }
    if (c->phase) {
        rec.flags |= cpu_to_le16(HC1_TREC_PHASE);
    }
    if (!c->lp_addr) {
        rec.n_top = 0;      /* alternatives need a logprob ring */
    }
    if (!hc1_dma_write(s, c->ring_addr + (uint64_t)c->tail * sizeof(rec),
                       &rec, sizeof(rec))) {
        return -1;
    }
    if (rec.n_top && c->lp_addr &&
        !hc1_dma_write(s, c->lp_addr + (uint64_t)c->tail * sizeof(o->top),
                       &o->top, sizeof(o->top))) {
        return -1;
    }
    c->tail = next;
    if (!c->tail) {
        c->phase = !c->phase;
    }
    c->records++;
    return 1;
}

/* The ring is unusable: drop the records and fail the running command. */
static void hc1_stream_broken(Hc1State *s, Hc1Ctx *c)
{
    Hc1Ectx *e = c->ectx;
    Hc1Out *o;
    Hc1Op *op = QTAILQ_FIRST(&e->ops);

    while ((o = QTAILQ_FIRST(&e->out))) {
        QTAILQ_REMOVE(&e->out, o, next);
        g_free(o);
    }
    e->n_out = 0;
    if (op && op->started && op->type == HC1_OP_DECODE) {
        op->cancel = true;
        op->cancel_sc = HC1_SC_DATA_XFER_ERROR;
    }
    QTAILQ_FOREACH(op, &e->done, next) {
        if (op->type == HC1_OP_DECODE && op->sc == HC1_SC_SUCCESS) {
            op->sc = HC1_SC_DATA_XFER_ERROR;
        }
    }
    hc1_log_error(s, HC1_ERR_STREAM, HC1_SEV_COMMAND, HC1_SC_DATA_XFER_ERROR,
                  c->sqid, 0, HC1_IO_DECODE, c->id, c->ring_addr);
    hc1_post_aen(s, HC1_AEN_ERROR, HC1_ERR_STREAM, c->id);
    qemu_cond_signal(&s->wcond);
}

static void hc1_stream_ctx(Hc1State *s, Hc1Ctx *c, bool *stalled)
{
    Hc1Ectx *e = c->ectx;
    uint32_t wrote = 0;
    bool last = false, broken = false;
    Hc1Out *o;
    Hc1Op *op;

    while ((o = QTAILQ_FIRST(&e->out))) {
        int r = hc1_ring_push(s, c, o);

        if (r < 0) {
            broken = true;
            break;
        }
        if (!r) {
            if (!c->stalled) {
                trace_hc1_stream_full(c->id, c->tail);
            }
            c->stalled = true;
            *stalled = true;
            break;
        }
        c->stalled = false;
        last |= le16_to_cpu(o->rec.flags) & HC1_TREC_LAST;
        QTAILQ_REMOVE(&e->out, o, next);
        e->n_out--;
        g_free(o);
        wrote++;
    }
    if (wrote) {
        uint32_t v[2] = { cpu_to_le32(c->tail), cpu_to_le32(c->records) };

        if (!hc1_dma_write(s, c->ctl_addr, &v[0], 4) ||
            !hc1_dma_write(s, c->ctl_addr + 8, &v[1], 4)) {
            broken = true;
        }
        s->stream_records += wrote;
        c->unnotified += wrote;
        trace_hc1_stream_write(c->id, wrote, c->tail);
        qemu_cond_signal(&s->wcond);
    }
    if (broken) {
        hc1_stream_broken(s, c);
    }
    if (c->unnotified) {
        uint32_t every = c->notify_tokens ? c->notify_tokens : s->coal_tokens;
        uint32_t us = c->notify_timeout_us ? c->notify_timeout_us
                                           : s->coal_timeout_us;

        if (last && QTAILQ_EMPTY(&e->out) && !QTAILQ_EMPTY(&e->done)) {
            /* The completion about to be posted interrupts for both. */
            c->unnotified = 0;
            timer_del(c->notify_timer);
        } else if (last || c->unnotified >= every) {
            hc1_stream_notify(s, c);
        } else if (us && !timer_pending(c->notify_timer)) {
            timer_mod(c->notify_timer,
                      qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + us * 1000ll);
        }
    }

    /*
     * Completions follow the records they describe. A decode that failed
     * or was cancelled does not wait for ring space: what the ring cannot
     * take is discarded.
     */
    op = QTAILQ_FIRST(&e->done);
    if (!QTAILQ_EMPTY(&e->out) && op && op->sc != HC1_SC_SUCCESS) {
        trace_hc1_stream_discard(c->id, e->n_out);
        while ((o = QTAILQ_FIRST(&e->out))) {
            QTAILQ_REMOVE(&e->out, o, next);
            g_free(o);
        }
        e->n_out = 0;
        c->stalled = false;
    }
    if (!QTAILQ_EMPTY(&e->out)) {
        return;
    }
    while ((op = QTAILQ_FIRST(&e->done))) {
        QTAILQ_REMOVE(&e->done, op, next);
        trace_hc1_op_done(c->id, op->type, op->sc, op->dw0, op->dw1);
        hc1_complete(s, op->sqid, op->cid, op->opcode, op->sc, op->dw0,
                     op->dw1);
        if (op->type == HC1_OP_CREATE && op->sc != HC1_SC_SUCCESS) {
            hc1_op_free(op);
            hc1_ctx_teardown(s, c, true);
            return;
        }
        hc1_op_free(op);
    }
}

void hc1_stream_bh(void *opaque)
{
    Hc1State *s = opaque;
    bool stalled = false;

    qemu_mutex_lock(&s->wlock);
    for (uint32_t i = 0; i < s->max_contexts; i++) {
        Hc1Ctx *c = &s->ctx[i];

        if (c->valid && c->ectx) {
            hc1_stream_ctx(s, c, &stalled);
        }
    }
    qemu_mutex_unlock(&s->wlock);
    if (stalled && !timer_pending(s->stream_timer)) {
        timer_mod(s->stream_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  HC1_STREAM_RETRY_NS);
    }
    hc1_update_migration_blocker(s);
}
