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
#include <stddef.h>
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

static float f32_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

int hc1_context_create(hc1_card *card, uint32_t kv_tokens,
                       uint64_t stream_id, hc1_context **out)
{
    return hc1_context_create_flags(card, kv_tokens, stream_id, 0, out);
}

int hc1_context_create_flags(hc1_card *card, uint32_t kv_tokens,
                             uint64_t stream_id, uint32_t flags,
                             hc1_context **out)
{
    struct hc1_ioc_ctx_create c = { 0 };
    hc1_context *ctx;
    int ret;

    *out = NULL;
    ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        return -ENOMEM;
    }
    c.flags = flags;
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

/* A token whose top log-probabilities are still arriving. */
typedef struct gen_token {
    bool have;
    struct hc1_event ev;
    uint32_t n_top, got;
    hc1_logprob top[256];       /* n_top is a __u8 */
} gen_token;

typedef struct gen_state {
    hc1_context *ctx;
    const hc1_tok *tok;
    hc1_token_info_cb cb;
    void *opaque;
    bool cancelled;
    gen_token cur;
} gen_state;

/* Hand the token in s->cur to the callback. */
static void gen_flush(gen_state *s)
{
    gen_token *g = &s->cur;
    hc1_token_info t = { 0 };
    char piece[256];
    long len;

    if (!g->have) {
        return;
    }
    g->have = false;
    if (!s->cb || s->cancelled) {
        return;
    }
    len = s->tok ? hc1_tok_piece(s->tok, g->ev.token, HC1_DEC_SPECIAL, piece,
                                 sizeof(piece)) : 0;
    if (len < 0) {
        len = 0;
    }
    if ((size_t)len > sizeof(piece)) {
        len = sizeof(piece);
    }
    t.token = g->ev.token;
    t.pos = g->ev.pos;
    t.logprob = f32_of(g->ev.logprob);
    t.text = piece;
    t.len = (size_t)len;
    t.n_top = g->got < g->n_top ? g->got : g->n_top;
    t.top = g->top;
    if (s->cb(s->opaque, &t)) {
        s->cancelled = true;
        hc1_cancel(s->ctx);
    }
}

/* A TOP_LOGPROBS record for the token in s->cur. */
static void gen_top(gen_state *s, const struct hc1_event *ev)
{
    const struct hc1_event_top *t = (const struct hc1_event_top *)ev;
    gen_token *g = &s->cur;
    uint32_t i, k;

    if (!g->have) {
        return;
    }
    g->n_top = t->n_top;
    for (i = 0; i < HC1_EV_TOP_PER_RECORD; i++) {
        k = t->index + i;
        if (k >= t->n_top) {
            break;
        }
        g->top[k].token = t->top[i].token;
        g->top[k].logprob = f32_of(t->top[i].logprob);
        if (k + 1 > g->got) {
            g->got = k + 1;
        }
    }
    if (g->got >= g->n_top) {
        gen_flush(s);
    }
}

int hc1_generate_info(hc1_context *ctx, const hc1_gen_params *p,
                      uint32_t n_top, hc1_token_info_cb cb, void *opaque,
                      hc1_gen_result *res)
{
    hc1_card *card = ctx->card;
    struct hc1_ioc_decode d = { 0 };
    struct hc1_event ev;
    gen_state *s;
    uint64_t t0;
    int ret;

    memset(res, 0, sizeof(*res));
    if (p->n_stop > HC1_DEC_MAX_STOP_SEQS) {
        return hc1__fail(card, -EINVAL, "too many stop sequences");
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        return hc1__fail(card, -ENOMEM, "decode");
    }
    s->ctx = ctx;
    s->cb = cb;
    s->opaque = opaque;
    if (cb && hc1_card_tokenizer(card, &s->tok)) {
        s->tok = NULL;  /* ids only; the error stays recorded */
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
    d.n_top_logprobs = n_top;

    t0 = now_ns();
    /* Without logprobs, the version 1 structure: any driver takes it. */
    ret = hc1__ioctl(card, HC1_IOC_DECODE, &d,
                     n_top ? sizeof(d) : offsetof(struct hc1_ioc_decode,
                                                  n_top_logprobs));
    if (ret) {
        free(s);
        if (n_top) {
            return hc1__fail(card, ret, "decode with %u top logprobs",
                             n_top);
        }
        return hc1__fail(card, ret, "decode");
    }
    for (;;) {
        ret = next_event(ctx, &ev);
        if (ret) {
            free(s);
            return hc1__fail(card, ret, "reading tokens");
        }
        if (ev.type == HC1_EV_TOP_LOGPROBS) {
            gen_top(s, &ev);
            continue;
        }
        if (ev.type != HC1_EV_TOKEN && ev.type != HC1_EV_DONE) {
            continue;
        }
        gen_flush(s);
        if (ev.type == HC1_EV_DONE) {
            break;
        }
        if (!res->n_tokens) {
            res->first_ns = now_ns() - t0;
        }
        res->n_tokens++;
        s->cur.have = true;
        s->cur.ev = ev;
        s->cur.n_top = s->cur.got = 0;
        if (!n_top) {
            gen_flush(s);
        }
    }
    res->end_ns = now_ns() - t0;
    res->stop_reason = ev.stop_reason;
    res->status = ev.status;
    if (s->cancelled && (ev.status == -ECANCELED || !ev.status)) {
        res->status = 0;
        res->stop_reason = HC1_EV_STOP_CANCELLED;
    }
    free(s);
    if (res->status) {
        return hc1__fail(card, res->status, "decode");
    }
    return 0;
}

typedef struct gen_compat {
    hc1_token_cb cb;
    void *opaque;
} gen_compat;

static int gen_compat_cb(void *opaque, const hc1_token_info *t)
{
    gen_compat *c = opaque;

    return c->cb(c->opaque, t->token, t->text, t->len);
}

int hc1_generate(hc1_context *ctx, const hc1_gen_params *p, hc1_token_cb cb,
                 void *opaque, hc1_gen_result *res)
{
    gen_compat c = { cb, opaque };

    return hc1_generate_info(ctx, p, 0, cb ? gen_compat_cb : NULL, &c, res);
}
