/*
 * libhc1: contexts and streaming generation.
 *
 * The driver delivers the tokens of every context of an open file
 * through read(); generation waits for the events of its own context
 * and keeps the others for later.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hc1_lib_int.h"

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hc1_gen_params_default(hc1_gen_params *p)
{
    memset(p, 0, sizeof(*p));
    p->max_new = 32;
    p->temperature = 0.0f;
    p->top_p = 1.0f;
    p->min_p = 0.0f;
    p->repeat_penalty = 1.0f;
    p->repeat_last_n = 64;
}

int hc1_context_create(hc1_card *card, uint32_t kv_tokens,
                       uint64_t stream_id, hc1_context **out)
{
    struct hc1_ioc_ctx_create c = { 0 };
    hc1_context *ctx;
    int ret;

    *out = NULL;
    ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        return -ENOMEM;
    }
    c.kv_tokens = kv_tokens;
    c.stream_id = stream_id;
    c.lora_slot = HC1_LORA_NONE_SLOT;
    ret = hc1__ioctl(card, HC1_IOC_CTX_CREATE, &c, sizeof(c));
    if (ret) {
        free(ctx);
        return hc1__fail(card, ret, "create a context of %u tokens",
                         kv_tokens);
    }
    ctx->card = card;
    ctx->id = c.ctx;
    ctx->kv_tokens = kv_tokens;
    *out = ctx;
    return 0;
}

void hc1_context_destroy(hc1_context *ctx)
{
    struct hc1_ioc_ctx c = { 0 };
    hc1_card *card;
    size_t i, j;

    if (!ctx) {
        return;
    }
    card = ctx->card;
    c.ctx = ctx->id;
    hc1__ioctl(card, HC1_IOC_CTX_DESTROY, &c, sizeof(c));
    /* Forget what was kept for it. */
    for (i = j = 0; i < card->n_stash; i++) {
        if (card->stash[i].ctx != ctx->id) {
            card->stash[j++] = card->stash[i];
        }
    }
    card->n_stash = j;
    free(ctx);
}

uint32_t hc1_context_id(const hc1_context *ctx)
{
    return ctx->id;
}

int hc1_context_prefill(hc1_context *ctx, const int32_t *ids, uint32_t n,
                        uint32_t *n_ctx)
{
    struct hc1_ioc_prefill p = { 0 };
    int ret;

    p.ctx = ctx->id;
    p.n_tokens = n;
    p.tokens = (uintptr_t)ids;
    ret = hc1__ioctl(ctx->card, HC1_IOC_PREFILL, &p, sizeof(p));
    if (ret) {
        return hc1__fail(ctx->card, ret, "prefill of %u tokens", n);
    }
    if (n_ctx) {
        *n_ctx = p.n_ctx;
    }
    return 0;
}

int hc1_context_truncate(hc1_context *ctx, uint32_t keep, uint32_t *n_ctx)
{
    struct hc1_ioc_truncate t = { 0 };
    int ret;

    t.ctx = ctx->id;
    t.keep = keep;
    ret = hc1__ioctl(ctx->card, HC1_IOC_TRUNCATE, &t, sizeof(t));
    if (ret) {
        return hc1__fail(ctx->card, ret, "truncate to %u tokens", keep);
    }
    if (n_ctx) {
        *n_ctx = t.n_ctx;
    }
    return 0;
}

int hc1_cancel(hc1_context *ctx)
{
    struct hc1_ioc_ctx c = { 0 };

    c.ctx = ctx->id;
    return hc1__ioctl(ctx->card, HC1_IOC_CANCEL, &c, sizeof(c));
}

static int stash(hc1_card *card, const struct hc1_event *ev)
{
    if (card->n_stash == card->cap_stash) {
        size_t cap = card->cap_stash ? 2 * card->cap_stash : 64;
        struct hc1_event *s = realloc(card->stash, cap * sizeof(*s));
        if (!s) {
            return -ENOMEM;
        }
        card->stash = s;
        card->cap_stash = cap;
    }
    card->stash[card->n_stash++] = *ev;
    return 0;
}

/* The next event of @ctx: kept ones first, then from the driver. */
static int next_event(hc1_context *ctx, struct hc1_event *ev)
{
    hc1_card *card = ctx->card;
    struct hc1_event buf[64];
    ssize_t n;
    size_t i;

    for (;;) {
        for (i = 0; i < card->n_stash; i++) {
            if (card->stash[i].ctx == ctx->id) {
                *ev = card->stash[i];
                memmove(&card->stash[i], &card->stash[i + 1],
                        (card->n_stash - i - 1) * sizeof(*ev));
                card->n_stash--;
                return 0;
            }
        }
        n = read(card->fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        for (i = 0; i < (size_t)n / sizeof(buf[0]); i++) {
            if (stash(card, &buf[i])) {
                return -ENOMEM;
            }
        }
    }
}

int hc1_generate(hc1_context *ctx, const hc1_gen_params *p, hc1_token_cb cb,
                 void *opaque, hc1_gen_result *res)
{
    hc1_card *card = ctx->card;
    struct hc1_ioc_decode d = { 0 };
    const hc1_tok *tok = NULL;
    struct hc1_event ev;
    bool cancelled = false;
    uint64_t t0;
    char piece[256];
    long len;
    int ret;

    memset(res, 0, sizeof(*res));
    if (p->n_stop > HC1_DEC_MAX_STOP_SEQS) {
        return hc1__fail(card, -EINVAL, "too many stop sequences");
    }
    if (cb && hc1_card_tokenizer(card, &tok)) {
        tok = NULL;     /* ids only; the error stays recorded */
    }
    d.flags = p->ignore_eos ? HC1_DECODE_IGNORE_EOS : 0;
    d.ctx = ctx->id;
    d.max_new = p->max_new;
    d.min_new = p->min_new;
    d.temperature = f32_bits(p->temperature);
    d.top_k = p->top_k;
    d.top_p = f32_bits(p->top_p);
    d.min_p = f32_bits(p->min_p);
    d.repeat_penalty = f32_bits(p->repeat_penalty);
    /* The card refuses a window larger than the context. */
    d.repeat_last_n = p->repeat_last_n < ctx->kv_tokens ? p->repeat_last_n
                                                        : ctx->kv_tokens;
    d.seed = p->seed;
    d.n_stop = p->n_stop;
    memcpy(d.stop_len, p->stop_len, sizeof(d.stop_len));
    memcpy(d.stop, p->stop, sizeof(d.stop));

    t0 = now_ns();
    ret = hc1__ioctl(card, HC1_IOC_DECODE, &d, sizeof(d));
    if (ret) {
        return hc1__fail(card, ret, "decode");
    }
    for (;;) {
        ret = next_event(ctx, &ev);
        if (ret) {
            return hc1__fail(card, ret, "reading tokens");
        }
        if (ev.type == HC1_EV_DONE) {
            break;
        }
        if (ev.type != HC1_EV_TOKEN) {
            continue;
        }
        if (!res->n_tokens) {
            res->first_ns = now_ns() - t0;
        }
        res->n_tokens++;
        if (!cb || cancelled) {
            continue;
        }
        len = tok ? hc1_tok_piece(tok, ev.token, HC1_DEC_SPECIAL, piece,
                                  sizeof(piece)) : 0;
        if (len < 0) {
            len = 0;
        }
        if ((size_t)len > sizeof(piece)) {
            len = sizeof(piece);
        }
        if (cb(opaque, ev.token, piece, (size_t)len)) {
            cancelled = true;
            hc1_cancel(ctx);
        }
    }
    res->end_ns = now_ns() - t0;
    res->stop_reason = ev.stop_reason;
    res->status = ev.status;
    if (cancelled && (ev.status == -ECANCELED || !ev.status)) {
        res->status = 0;
        res->stop_reason = HC1_EV_STOP_CANCELLED;
    }
    if (res->status) {
        return hc1__fail(card, res->status, "decode");
    }
    return 0;
}
