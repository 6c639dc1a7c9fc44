/*
 * HC1: the compute worker. One thread per card runs every call into the
 * compute engine (hc1_engine.h), outside the BQL: context creation,
 * prefill, truncation, and batched decode steps over all contexts that
 * are decoding. It never touches guest memory; it hands token records
 * and finished commands to the stream bottom half (hc1_ctx.c).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <math.h>
#include "qemu/crc32c.h"
#include "qemu/main-loop.h"
#include "trace.h"
#include "hc1_int.h"

static uint32_t hc1_f32_bits(float f)
{
    uint32_t u;

    memcpy(&u, &f, sizeof(u));
    return u;
}

void hc1_op_free(Hc1Op *op)
{
    g_free(op->tokens);
    g_free(op);
}

Hc1Ectx *hc1_ectx_new(Hc1State *s, uint32_t id, uint32_t n_ctx,
                      uint64_t stream_id)
{
    Hc1Ectx *e = g_new0(Hc1Ectx, 1);

    e->id = id;
    e->n_ctx = n_ctx;
    e->stream_id = stream_id;
    e->hist = g_new0(int32_t, n_ctx + 1);
    QTAILQ_INIT(&e->ops);
    QTAILQ_INIT(&e->done);
    QTAILQ_INIT(&e->out);
    qemu_mutex_lock(&s->wlock);
    QTAILQ_INSERT_TAIL(&s->ectxs, e, next);
    qemu_mutex_unlock(&s->wlock);
    return e;
}

void hc1_adapter_ref(Hc1State *s, Hc1Adapter *ad)
{
    qemu_mutex_lock(&s->wlock);
    ad->refs++;
    qemu_mutex_unlock(&s->wlock);
}

void hc1_adapter_unref(Hc1State *s, Hc1Adapter *ad)
{
    bool last;

    if (!ad) {
        return;
    }
    qemu_mutex_lock(&s->wlock);
    last = --ad->refs == 0;
    qemu_mutex_unlock(&s->wlock);
    if (last) {
        hc1_lora_close(ad->lora);
        g_free(ad);
    }
}

void hc1_lora_job_free(Hc1State *s, Hc1LoraJob *j)
{
    hc1_adapter_unref(s, j->ad);
    g_free(j->buf);
    g_free(j);
}

/* Free a context's compute side. Worker thread (or after it stopped). */
static void hc1_ectx_free(Hc1State *s, Hc1Ectx *e)
{
    Hc1Op *op;
    Hc1Out *o;

    while ((op = QTAILQ_FIRST(&e->ops))) {
        QTAILQ_REMOVE(&e->ops, op, next);
        hc1_op_free(op);
    }
    while ((op = QTAILQ_FIRST(&e->done))) {
        QTAILQ_REMOVE(&e->done, op, next);
        hc1_op_free(op);
    }
    while ((o = QTAILQ_FIRST(&e->out))) {
        QTAILQ_REMOVE(&e->out, o, next);
        g_free(o);
    }
    if (e->ec) {
        hc1_ctx_free(e->ec);
    }
    /* after the context that used it */
    hc1_adapter_unref(s, e->ad);
    g_free(e->hist);
    g_free(e);
}

/* Move a command to the finished list. wlock held. */
static void hc1_op_finish(Hc1Ectx *e, Hc1Op *op, uint16_t sc, uint32_t dw0,
                          uint32_t dw1)
{
    op->sc = sc;
    op->dw0 = dw0;
    op->dw1 = dw1;
    QTAILQ_REMOVE(&e->ops, op, next);
    QTAILQ_INSERT_TAIL(&e->done, op, next);
}

static uint16_t hc1_engine_sc(hc1_status st)
{
    switch (st) {
    case HC1_OK:
        return HC1_SC_SUCCESS;
    case HC1_E_CTX_FULL:
        return HC1_SC_KV_FULL;
    case HC1_E_INVAL:
        return HC1_SC_INVALID_TOKEN;
    case HC1_E_STATE:
        return HC1_SC_NO_LOGITS;
    default:
        return HC1_SC_INTERNAL;
    }
}

/* After an engine failure, take the engine's word for what is cached. */
static void hc1_ectx_resync(Hc1Ectx *e)
{
    uint32_t pos = hc1_ctx_pos(e->ec);
    const int32_t *t = hc1_ctx_tokens(e->ec);

    pos = MIN(pos, e->n_ctx);
    if (t) {
        memcpy(e->hist, t, pos * sizeof(int32_t));
    }
    e->hist_len = pos;
    e->pending = false;
    e->logits_valid = false;
}

/* ---- single commands ----------------------------------------------- */

/*
 * Count @k more tokens prefilled (chunk by chunk, so TOK_PREFILLED shows
 * progress). Was the running PREFILL cancelled (or its context let go
 * of)? If not and @last, it can no longer be: CANCEL leaves committed
 * commands be, so its count of aborted commands is exact.
 */
static bool hc1_prefill_stop(Hc1State *s, Hc1Ectx *e, Hc1Op *op, uint32_t k,
                             bool last)
{
    bool stop;

    qemu_mutex_lock(&s->wlock);
    s->tok_prefilled += k;
    stop = op->cancel || e->dead;
    if (!stop && last) {
        op->committed = true;
    }
    qemu_mutex_unlock(&s->wlock);
    return stop;
}

/*
 * Prefill in chunks of HC1_PREFILL_CHUNK tokens with a cancel check
 * after each: a cancelled PREFILL leaves the sequence as it was, as
 * after TRUNCATE to its old length (the last old token is computed
 * again when the sequence grows). Chunking changes no result: the
 * engine computes each token's row with the same operations whatever
 * else is in its pass.
 */
static void hc1_run_prefill(Hc1State *s, Hc1Ectx *e, Hc1Op *op)
{
    uint32_t n = op->n_tokens + (e->pending ? 1 : 0);
    uint32_t old_len = e->hist_len;
    g_autofree int32_t *t = NULL;
    uint32_t done = 0;
    hc1_status st;

    if ((uint64_t)e->hist_len + op->n_tokens > e->n_ctx) {
        op->sc = HC1_SC_KV_FULL;
        return;
    }
    t = g_new(int32_t, n);
    if (e->pending) {
        t[0] = e->hist[e->hist_len - 1];
    }
    memcpy(t + (e->pending ? 1 : 0), op->tokens,
           op->n_tokens * sizeof(int32_t));
    while (done < n) {
        uint32_t k = MIN(n - done, HC1_PREFILL_CHUNK);

        st = hc1_prefill(e->ec, t + done, k);
        if (st != HC1_OK) {
            trace_hc1_err_engine(e->id, hc1_status_str(st));
            op->sc = hc1_engine_sc(st);
            hc1_ectx_resync(e);
            return;
        }
        done += k;
        if (hc1_prefill_stop(s, e, op, k, done == n)) {
            trace_hc1_prefill_cancelled(e->id, done, n);
            st = hc1_ctx_truncate(e->ec, old_len ? old_len - 1 : 0);
            e->pending = old_len > 0;
            e->logits_valid = false;
            if (st != HC1_OK) {
                hc1_ectx_resync(e);
            }
            op->sc = op->cancel_sc ? op->cancel_sc : HC1_SC_ABORTED;
            op->dw0 = e->hist_len;
            op->dw1 = HC1_STOP_CANCELLED;
            break;
        }
    }
    if (done < n || op->sc != HC1_SC_SUCCESS) {
        return;
    }
    memcpy(e->hist + e->hist_len, op->tokens,
           op->n_tokens * sizeof(int32_t));
    e->hist_len += op->n_tokens;
    e->pending = false;
    e->logits_valid = true;
    op->dw0 = e->hist_len;
}

static void hc1_run_single(Hc1State *s, Hc1Ectx *e, Hc1Op *op)
{
    hc1_status st;

    op->sc = HC1_SC_SUCCESS;
    if (op->type == HC1_OP_CREATE) {
        st = hc1_ctx_new(s->engine, e->n_ctx, e->stream_id, &e->ec);
        if (st == HC1_OK && e->ad) {
            st = hc1_ctx_set_lora(e->ec, e->ad->lora, e->lora_scale);
            if (st != HC1_OK) {
                hc1_ctx_free(e->ec);
            }
        }
        if (st != HC1_OK) {
            e->ec = NULL;
            op->sc = HC1_SC_INTERNAL;
            trace_hc1_err_engine(e->id, hc1_status_str(st));
        }
        return;
    }
    if (!e->ec) {
        op->sc = HC1_SC_INTERNAL;
        return;
    }
    if (op->type == HC1_OP_PREFILL) {
        hc1_run_prefill(s, e, op);
        return;
    }
    if (op->type == HC1_OP_TRUNCATE) {
        uint32_t keep = op->n_keep;

        if (keep > e->hist_len) {
            op->sc = HC1_SC_INVALID_FIELD;
            return;
        }
        op->dw0 = keep;
        if (keep == e->hist_len) {
            return;
        }
        /* Keep keep - 1 tokens cached; the last kept one is re-fed. */
        st = hc1_ctx_truncate(e->ec, keep ? keep - 1 : 0);
        if (st != HC1_OK) {
            op->sc = hc1_engine_sc(st);
            hc1_ectx_resync(e);
            return;
        }
        e->hist_len = keep;
        e->pending = keep > 0;
        e->logits_valid = false;
    }
}

/* ---- LoRA adapters ------------------------------------------------ */

/*
 * The engine's view of the bytes: an adapter of this ROM or not. Not
 * being one is no error for LOAD_LORA (the content was opaque before
 * interface 1.2); using it is (INVALID_ADAPTER).
 */
static Hc1Adapter *hc1_lora_parse(Hc1State *s, uint32_t slot,
                                  const uint8_t *buf, uint32_t len)
{
    char err[160];
    hc1_lora *lora;
    hc1_status st;
    Hc1Adapter *ad;

    if (!s->model) {
        return NULL;
    }
    st = hc1_lora_open_mem(s->model, buf, len, &lora, err, sizeof(err));
    if (st != HC1_OK) {
        trace_hc1_lora_refused(slot, err);
        return NULL;
    }
    ad = g_new0(Hc1Adapter, 1);
    ad->lora = lora;
    ad->refs = 1;
    return ad;
}

/*
 * Check and convert the next LOAD_LORA's data, for hc1_lora_bh() to
 * install. wlock held (dropped meanwhile).
 */
static bool hc1_try_lora(Hc1State *s)
{
    Hc1LoraJob *j;
    int64_t t0;

    QTAILQ_FOREACH(j, &s->lora_jobs, next) {
        if (!j->started && !j->cancelled) {
            break;
        }
    }
    if (!j) {
        return false;
    }
    j->started = true;
    qemu_mutex_unlock(&s->wlock);
    t0 = get_clock();
    j->crc_got = crc32c(0xffffffff, j->buf, j->len);
    if (j->crc_got == j->crc) {
        j->ad = hc1_lora_parse(s, j->slot, j->buf, j->len);
    }
    trace_hc1_lora_converted(j->slot, !!j->ad, (get_clock() - t0) / 1000);
    qemu_mutex_lock(&s->wlock);
    j->done = true;
    if (j->cancelled) {
        /* a reset forgot the command: no one else will free it */
        QTAILQ_REMOVE(&s->lora_jobs, j, next);
        qemu_mutex_unlock(&s->wlock);
        trace_hc1_lora_cancelled(j->slot);
        hc1_lora_job_free(s, j);
        qemu_mutex_lock(&s->wlock);
    } else {
        qemu_bh_schedule(s->lora_bh);
    }
    return true;
}

/* ---- decode steps --------------------------------------------------- */

typedef struct Hc1Step {
    Hc1Ectx *e;
    Hc1Op *op;
    uint16_t sc;            /* failure; SUCCESS otherwise */
    bool stop;
    uint32_t reason;
    uint32_t index;
    Hc1Out *out;
} Hc1Step;

static bool hc1_is_eos(Hc1State *s, int32_t t)
{
    return (s->info.eos_id >= 0 && t == s->info.eos_id) ||
           (s->info.eot_id >= 0 && t == s->info.eot_id) ||
           (s->info.eom_id >= 0 && t == s->info.eom_id);
}

/*
 * The tokens that would end the decode if sampled now, while the token
 * about to be sampled is number gen + 1 < min_new (stop checks only
 * apply from token min_new on): the end-of-sequence ids unless
 * IGNORE_EOS, and the last token of every stop sequence whose other
 * tokens are the last ones this decode generated. Banning them keeps
 * the promise of min_new instead of streaming them as ordinary tokens.
 * Returns how many ids were stored in @ban.
 */
static uint32_t hc1_min_new_bans(Hc1State *s, Hc1Ectx *e, const Hc1Decode *d,
                                 uint32_t gen, int32_t *ban)
{
    uint32_t n = 0;

    if (gen + 1 >= d->min_new) {
        return 0;
    }
    if (!(d->flags & HC1_DECODE_F_IGNORE_EOS)) {
        int32_t eog[3] = { s->info.eos_id, s->info.eot_id, s->info.eom_id };

        for (uint32_t i = 0; i < 3; i++) {
            if (eog[i] >= 0 && (uint32_t)eog[i] < s->info.n_vocab) {
                ban[n++] = eog[i];
            }
        }
    }
    for (uint32_t i = 0; i < d->n_stop; i++) {
        uint32_t pre = d->stop_len[i] - 1;

        if (gen >= pre &&
            !memcmp(e->hist + e->hist_len - pre, d->stop[i],
                    pre * sizeof(int32_t))) {
            ban[n++] = d->stop[i][pre];
        }
    }
    return n;
}

/* One context's sampling in a step: its parameters and min_new bans. */
typedef struct Hc1Draw {
    Hc1Step *st;
    hc1_sampling samp;
    int32_t ban[3 + HC1_MAX_STOP_SEQS];
    float ban_bias[3 + HC1_MAX_STOP_SEQS];
} Hc1Draw;

/*
 * Before the draw: whether this step's context can sample (else @st
 * records why not), and its sampling parameters with the bans.
 */
static bool hc1_draw_prepare(Hc1State *s, Hc1Step *st, Hc1Draw *dr)
{
    Hc1Ectx *e = st->e;
    const Hc1Decode *d = &st->op->dec;

    if (!e->logits_valid) {
        st->sc = HC1_SC_NO_LOGITS;
        return false;
    }
    if (e->hist_len >= e->n_ctx) {
        st->stop = true;
        st->reason = HC1_STOP_KV_FULL;
        return false;
    }
    dr->st = st;
    dr->samp = d->samp;
    dr->samp.n_bias = hc1_min_new_bans(s, e, d, st->op->generated, dr->ban);
    for (uint32_t i = 0; i < dr->samp.n_bias; i++) {
        dr->ban_bias[i] = -INFINITY;
    }
    dr->samp.bias_ids = dr->ban;
    dr->samp.bias = dr->ban_bias;
    if (dr->samp.n_bias) {
        trace_hc1_decode_ban(e->id, st->op->generated + 1, dr->samp.n_bias);
    }
    return true;
}

/* After the draw: append the token, build its record, check the stops. */
static void hc1_draw_finish(Hc1State *s, Hc1Step *st, hc1_status r,
                            const hc1_token_out *to)
{
    Hc1Ectx *e = st->e;
    const Hc1Decode *d = &st->op->dec;
    Hc1Out *o;
    uint32_t gen;

    if (r != HC1_OK || to->id < 0 || (uint32_t)to->id >= s->info.n_vocab) {
        trace_hc1_err_engine(e->id, hc1_status_str(r));
        st->sc = HC1_SC_INTERNAL;
        return;
    }
    e->hist[e->hist_len++] = to->id;
    e->pending = true;
    e->logits_valid = false;
    gen = ++st->op->generated;

    o = g_new0(Hc1Out, 1);
    o->rec.token = cpu_to_le32(to->id);
    o->rec.pos = cpu_to_le32(e->hist_len - 1);
    o->rec.logprob = cpu_to_le32(hc1_f32_bits(to->logprob));
    o->rec.n_top = MIN(to->n_top, d->samp.n_top_logprobs);
    for (uint32_t i = 0; i < o->rec.n_top; i++) {
        o->top.top[i].token = cpu_to_le32(to->top_ids[i]);
        o->top.top[i].logprob = cpu_to_le32(hc1_f32_bits(to->top_logprobs[i]));
    }

    if (gen >= d->min_new) {
        if (!(d->flags & HC1_DECODE_F_IGNORE_EOS) && hc1_is_eos(s, to->id)) {
            st->stop = true;
            st->reason = HC1_STOP_EOS;
        }
        for (uint32_t i = 0; i < d->n_stop && !st->stop; i++) {
            uint32_t len = d->stop_len[i];

            if (gen >= len &&
                !memcmp(e->hist + e->hist_len - len, d->stop[i],
                        len * sizeof(int32_t))) {
                st->stop = true;
                st->reason = HC1_STOP_SEQUENCE;
                st->index = i;
            }
        }
    }
    if (!st->stop && gen >= d->max_new) {
        st->stop = true;
        st->reason = HC1_STOP_LENGTH;
    }
    o->rec.flags = cpu_to_le16((gen == 1 ? HC1_TREC_FIRST : 0) |
                               (st->stop ? HC1_TREC_LAST : 0));
    o->rec.stop_reason = st->stop ? st->reason : HC1_STOP_NONE;
    st->out = o;
}

/*
 * Sample the next token of every step that can, all in one call on the
 * engine's pool (each context's draw is its own: the batch changes no
 * result, only the time, since the card samples every context after
 * every step).
 */
static void hc1_sample_step(Hc1State *s, Hc1Step *steps, uint32_t n)
{
    g_autofree Hc1Draw *dr = g_new(Hc1Draw, n);
    g_autofree hc1_ctx **ctxs = g_new(hc1_ctx *, n);
    g_autofree hc1_sampling *samp = g_new(hc1_sampling, n);
    g_autofree hc1_token_out *to = g_new0(hc1_token_out, n);
    g_autofree hc1_status *st = g_new(hc1_status, n);
    uint32_t m = 0;

    for (uint32_t i = 0; i < n; i++) {
        if (steps[i].sc == HC1_SC_SUCCESS && steps[i].e->ec &&
            hc1_draw_prepare(s, &steps[i], &dr[m])) {
            m++;
        }
    }
    if (!m) {
        return;
    }
    for (uint32_t j = 0; j < m; j++) {
        ctxs[j] = dr[j].st->e->ec;
        samp[j] = dr[j].samp;
        /* what each keeps if the batch is refused whole */
        st[j] = HC1_E_INVAL;
    }
    hc1_sample_batch(ctxs, samp, to, st, m);
    for (uint32_t j = 0; j < m; j++) {
        hc1_draw_finish(s, dr[j].st, st[j], &to[j]);
    }
}

/* One batched step over @n decoding contexts. No lock held. */
static void hc1_decode_step(Hc1State *s, Hc1Step *steps, uint32_t n)
{
    g_autofree hc1_ctx **ctxs = g_new(hc1_ctx *, n);
    g_autofree int32_t *toks = g_new(int32_t, n);
    g_autofree hc1_status *st = g_new(hc1_status, n);
    g_autofree uint32_t *map = g_new(uint32_t, n);
    uint32_t m = 0;

    for (uint32_t i = 0; i < n; i++) {
        Hc1Ectx *e = steps[i].e;

        if (!e->ec) {
            steps[i].sc = HC1_SC_INTERNAL;
            continue;
        }
        if (e->pending) {
            ctxs[m] = e->ec;
            toks[m] = e->hist[e->hist_len - 1];
            map[m++] = i;
        }
    }
    if (m) {
        hc1_decode_batch(s->engine, ctxs, toks, m, st);
        for (uint32_t j = 0; j < m; j++) {
            Hc1Ectx *e = steps[map[j]].e;

            if (st[j] == HC1_OK) {
                e->pending = false;
                e->logits_valid = true;
            } else {
                trace_hc1_err_engine(e->id, hc1_status_str(st[j]));
                steps[map[j]].sc = st[j] == HC1_E_CTX_FULL ? HC1_SC_KV_FULL
                                                           : HC1_SC_INTERNAL;
                hc1_ectx_resync(e);
            }
        }
    }
    hc1_sample_step(s, steps, n);
}

/* ---- the thread ----------------------------------------------------- */

static Hc1Op *hc1_head(Hc1Ectx *e)
{
    return QTAILQ_FIRST(&e->ops);
}

/*
 * Finish, without computing, the head commands that cannot run: a lost
 * context, a thermal trip, a cancelled decode. wlock held.
 */
static bool hc1_finish_blocked(Hc1State *s, Hc1Ectx *e)
{
    Hc1Op *op = hc1_head(e);

    if (!op || e->dead || e->busy) {
        return false;
    }
    if (e->ecc && op->type != HC1_OP_CREATE) {
        hc1_op_finish(e, op, HC1_SC_CONTEXT_LOST, op->generated,
                      HC1_STOP_ERROR);
        return true;
    }
    if (s->tripped && (op->type == HC1_OP_PREFILL ||
                       op->type == HC1_OP_DECODE)) {
        hc1_op_finish(e, op, HC1_SC_THERMAL, op->generated, HC1_STOP_ERROR);
        return true;
    }
    if (op->type == HC1_OP_DECODE && op->cancel) {
        hc1_op_finish(e, op, op->cancel_sc, op->generated,
                      op->cancel_sc == HC1_SC_ABORTED ? HC1_STOP_CANCELLED
                                                      : HC1_STOP_ERROR);
        return true;
    }
    return false;
}

static void hc1_throttle(Hc1State *s, int64_t dt_ns)
{
    uint32_t pct = s->throttle_pct;

    if (pct < 100 && dt_ns > 0) {
        int64_t idle = dt_ns * (100 - MAX(pct, 1)) / MAX(pct, 1);

        qemu_mutex_unlock(&s->wlock);
        g_usleep(MIN(idle / 1000, G_USEC_PER_SEC));
        qemu_mutex_lock(&s->wlock);
    }
}

/* Run one command other than decode, alone. wlock held (dropped). */
static bool hc1_try_single(Hc1State *s)
{
    Hc1Ectx *e;
    int64_t t0, dt;

    QTAILQ_FOREACH(e, &s->ectxs, next) {
        Hc1Op *op = hc1_head(e);

        if (e->dead || !op || op->type == HC1_OP_DECODE) {
            continue;
        }
        e->busy = true;
        op->started = true;
        qemu_mutex_unlock(&s->wlock);
        t0 = get_clock();
        hc1_run_single(s, e, op);
        dt = get_clock() - t0;
        qemu_mutex_lock(&s->wlock);
        e->busy = false;
        s->busy_ns += dt;
        if (!e->dead) {
            trace_hc1_op_run(e->id, op->type, op->sc);
            hc1_op_finish(e, op, op->sc, op->dw0, op->dw1);
            qemu_bh_schedule(s->stream_bh);
        }
        /* Others get their turn first. */
        QTAILQ_REMOVE(&s->ectxs, e, next);
        QTAILQ_INSERT_TAIL(&s->ectxs, e, next);
        hc1_throttle(s, dt);
        return true;
    }
    return false;
}

/* One batched decode step over the contexts with ring space. */
static bool hc1_try_decode(Hc1State *s, Hc1Step *steps)
{
    Hc1Ectx *e;
    uint32_t n = 0;
    int64_t t0, dt;

    QTAILQ_FOREACH(e, &s->ectxs, next) {
        Hc1Op *op = hc1_head(e);

        if (n < s->max_batch && !e->dead && op &&
            op->type == HC1_OP_DECODE && e->n_out < HC1_OUT_MAX) {
            op->started = true;
            e->busy = true;
            steps[n++] = (Hc1Step) { .e = e, .op = op };
        }
    }
    if (!n) {
        return false;
    }
    qemu_mutex_unlock(&s->wlock);
    t0 = get_clock();
    hc1_decode_step(s, steps, n);
    dt = get_clock() - t0;
    qemu_mutex_lock(&s->wlock);
    s->busy_ns += dt;
    s->decode_steps++;
    s->batch_tokens += n;
    trace_hc1_decode_step(n, dt / 1000);
    for (uint32_t i = 0; i < n; i++) {
        Hc1Step *st = &steps[i];

        e = st->e;
        e->busy = false;
        if (st->out) {
            s->tok_decoded++;
        }
        if (e->dead) {
            g_free(st->out);
            continue;
        }
        if (st->out) {
            QTAILQ_INSERT_TAIL(&e->out, st->out, next);
            e->n_out++;
        }
        if (st->sc != HC1_SC_SUCCESS) {
            hc1_op_finish(e, st->op, st->sc, st->op->generated,
                          HC1_STOP_ERROR);
        } else if (st->stop) {
            hc1_op_finish(e, st->op, HC1_SC_SUCCESS, st->op->generated,
                          st->reason | (st->index << HC1_STOP_INDEX_SHIFT));
        }
        /* Round robin when more contexts decode than fit a batch. */
        QTAILQ_REMOVE(&s->ectxs, e, next);
        QTAILQ_INSERT_TAIL(&s->ectxs, e, next);
    }
    qemu_bh_schedule(s->stream_bh);
    hc1_throttle(s, dt);
    return true;
}

static void *hc1_worker_thread(void *opaque)
{
    Hc1State *s = opaque;
    g_autofree Hc1Step *steps = g_new0(Hc1Step, s->max_batch);
    bool last_single = false;

    qemu_mutex_lock(&s->wlock);
    while (!s->quit) {
        Hc1Ectx *e, *tmp;
        bool reaped = false, kick = false;

        /* Free what the device let go of. */
        QTAILQ_FOREACH_SAFE(e, &s->ectxs, next, tmp) {
            if (e->dead && !e->busy) {
                QTAILQ_REMOVE(&s->ectxs, e, next);
                qemu_mutex_unlock(&s->wlock);
                hc1_ectx_free(s, e);
                qemu_mutex_lock(&s->wlock);
                reaped = true;
                break;
            }
        }
        if (reaped) {
            continue;
        }
        QTAILQ_FOREACH(e, &s->ectxs, next) {
            while (hc1_finish_blocked(s, e)) {
                kick = true;
            }
        }
        if (kick) {
            qemu_bh_schedule(s->stream_bh);
        }
        /* Rare and run once: an adapter load goes before compute. */
        if (hc1_try_lora(s)) {
            continue;
        }
        /* Alternate, so neither kind of work starves the other. */
        if (last_single) {
            if (hc1_try_decode(s, steps)) {
                last_single = false;
                continue;
            }
            if (hc1_try_single(s)) {
                continue;
            }
        } else {
            if (hc1_try_single(s)) {
                last_single = true;
                continue;
            }
            if (hc1_try_decode(s, steps)) {
                continue;
            }
        }
        qemu_cond_wait(&s->wcond, &s->wlock);
    }
    qemu_mutex_unlock(&s->wlock);
    return NULL;
}

void hc1_worker_start(Hc1State *s)
{
    if (s->worker_started) {
        return;
    }
    s->quit = false;
    qemu_thread_create(&s->worker, "hc1-compute", hc1_worker_thread, s,
                       QEMU_THREAD_JOINABLE);
    s->worker_started = true;
}

void hc1_worker_stop(Hc1State *s)
{
    Hc1LoraJob *j;
    Hc1Ectx *e;

    if (s->worker_started) {
        qemu_mutex_lock(&s->wlock);
        s->quit = true;
        qemu_cond_signal(&s->wcond);
        qemu_mutex_unlock(&s->wlock);
        qemu_thread_join(&s->worker);
        s->worker_started = false;
    }
    while ((e = QTAILQ_FIRST(&s->ectxs))) {
        QTAILQ_REMOVE(&s->ectxs, e, next);
        hc1_ectx_free(s, e);
    }
    /* The thread stops between jobs: none is running. */
    while ((j = QTAILQ_FIRST(&s->lora_jobs))) {
        QTAILQ_REMOVE(&s->lora_jobs, j, next);
        hc1_lora_job_free(s, j);
    }
    s->lora_job = NULL;
}
