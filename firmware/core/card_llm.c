/*
 * The inference check: one context on the I/O queue, a prefill of the
 * fixed prompt, a greedy decode of N tokens read from the context's
 * token ring, compared with the ids hc1-llm computed at build time.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "card.h"
#include "golden.h"

#define RING_ENTRIES 64u        /* holds 63 records: more than N */
#define F32_ONE 0x3f800000u     /* 1.0f, for "off" in top_p / penalty */

typedef struct Stream {
    uint64_t ring, ctl;
    uint32_t head;
} Stream;

static int create_context(Card *c, Stream *s, uint32_t kv, uint32_t *ctx)
{
    struct hc1_ctx_params p;
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    uint64_t pa = hal_dma_alloc(sizeof(p), 64);
    int rc;

    s->ring = hal_dma_alloc(RING_ENTRIES * sizeof(struct hc1_token_rec),
                            HC1_PAGE_SIZE);
    s->ctl = hal_dma_alloc(sizeof(struct hc1_stream_ctl), 64);
    s->head = 0;
    if (!pa || !s->ring || !s->ctl) {
        return fw_fail(FW_ERR_PLATFORM, "out of DMA memory");
    }
    memset(&p, 0, sizeof(p));
    p.kv_tokens = kv;
    p.ring_entries = RING_ENTRIES;
    p.ring_addr = s->ring;
    p.ctl_addr = s->ctl;
    p.lora_slot = HC1_LORA_NONE;
    hal_mem_wr(pa, &p, sizeof(p));
    card_sqe_init(&sqe, HC1_IO_CREATE_CONTEXT);
    sqe.dptr1 = pa;
    rc = card_cmd(c, &c->io, &sqe, &cqe, "CREATE_CONTEXT");
    *ctx = cqe.dw0;
    return rc;
}

static int prefill(Card *c, uint32_t ctx)
{
    uint32_t n = fw_golden_n_prompt;
    uint64_t buf = hal_dma_alloc(n * 4, 64);
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    int rc;

    if (!buf) {
        return fw_fail(FW_ERR_PLATFORM, "out of DMA memory");
    }
    hal_mem_wr(buf, fw_golden_prompt, n * 4);
    card_sqe_init(&sqe, HC1_IO_PREFILL);
    sqe.ctx = ctx;
    sqe.dptr1 = buf;
    sqe.cdw10 = n;
    rc = card_cmd(c, &c->io, &sqe, &cqe, "PREFILL");
    if (rc) {
        return rc;
    }
    if (cqe.dw0 != n) {
        return fw_fail(FW_ERR_LLM, "PREFILL: context holds %u tokens, "
                       "expected %u", cqe.dw0, n);
    }
    fw_printf("hc1-fw: prefill: %u prompt tokens\n", n);
    return FW_PASS;
}

static int decode(Card *c, uint32_t ctx, uint32_t n, uint32_t *generated)
{
    struct hc1_decode_params p;
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    uint64_t pa = hal_dma_alloc(sizeof(p), 64);
    int rc;

    if (!pa) {
        return fw_fail(FW_ERR_PLATFORM, "out of DMA memory");
    }
    memset(&p, 0, sizeof(p));
    p.max_new = n;
    p.temperature = 0;          /* greedy */
    p.top_p = F32_ONE;
    p.repeat_penalty = F32_ONE;
    p.flags = HC1_DECODE_F_IGNORE_EOS;  /* as hc1-llm --ignore-eos */
    hal_mem_wr(pa, &p, sizeof(p));
    card_sqe_init(&sqe, HC1_IO_DECODE);
    sqe.ctx = ctx;
    sqe.dptr1 = pa;
    rc = card_cmd(c, &c->io, &sqe, &cqe, "DECODE");
    if (rc) {
        return rc;
    }
    *generated = cqe.dw0;
    if ((cqe.dw1 & HC1_STOP_REASON_MASK) != HC1_STOP_LENGTH || cqe.dw0 != n) {
        return fw_fail(FW_ERR_LLM, "DECODE: %u tokens, stop reason %u "
                       "(expected %u tokens, length)", cqe.dw0,
                       cqe.dw1 & HC1_STOP_REASON_MASK, n);
    }
    return FW_PASS;
}

/* Read the records between our head and the card's tail. */
static int read_stream(Card *c, Stream *s, int32_t *ids, uint32_t n)
{
    struct hc1_stream_ctl ctl;
    uint32_t got = 0;

    (void)c;
    hal_mem_rd(s->ctl, &ctl, sizeof(ctl));
    while (s->head != ctl.tail && got < n) {
        struct hc1_token_rec r;
        hal_mem_rd(s->ring + (uint64_t)s->head * sizeof(r), &r, sizeof(r));
        /* First pass through the ring: phase 1. */
        if (!(r.flags & HC1_TREC_PHASE)) {
            return fw_fail(FW_ERR_LLM, "token record %u has phase 0 on the "
                           "first pass", s->head);
        }
        if ((got == 0) != !!(r.flags & HC1_TREC_FIRST) ||
            (got == n - 1) != !!(r.flags & HC1_TREC_LAST)) {
            return fw_fail(FW_ERR_LLM, "token record %u: FIRST/LAST flags "
                           "0x%x wrong for token %u of %u", s->head, r.flags,
                           got, n);
        }
        ids[got++] = r.token;
        s->head = (s->head + 1) % RING_ENTRIES;
    }
    hal_mem_wr32(s->ctl + 4, s->head);  /* consumed: hc1_stream_ctl.head */
    if (got != n) {
        return fw_fail(FW_ERR_LLM, "token ring holds %u records, expected "
                       "%u (tail %u)", got, n, ctl.tail);
    }
    return FW_PASS;
}

static int destroy_context(Card *c, uint32_t ctx)
{
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;

    card_sqe_init(&sqe, HC1_IO_DESTROY_CONTEXT);
    sqe.ctx = ctx;
    return card_cmd(c, &c->io, &sqe, &cqe, "DESTROY_CONTEXT");
}

int card_generate(Card *c)
{
    uint32_t n = fw_golden_n_ids, ctx = 0, generated = 0;
    int32_t ids[RING_ENTRIES];
    Stream s;
    int rc;

    if (!n) {
        fw_printf("hc1-fw: generate: SKIPPED: no golden ids were computed "
                  "at build time\n");
        return FW_PASS;
    }
    if (n >= RING_ENTRIES) {
        n = RING_ENTRIES - 1;
    }
    rc = create_context(c, &s, fw_golden_n_prompt + n + 1, &ctx);
    if (rc) {
        return rc;
    }
    fw_printf("hc1-fw: context %u created\n", ctx);
    rc = prefill(c, ctx);
    if (!rc) {
        rc = decode(c, ctx, n, &generated);
    }
    if (!rc) {
        rc = read_stream(c, &s, ids, n);
    }
    if (!rc) {
        fw_printf("hc1-fw: decode: %u tokens:", n);
        for (uint32_t i = 0; i < n; i++) {
            fw_printf(" %d", ids[i]);
        }
        fw_printf("\n");
        for (uint32_t i = 0; i < n; i++) {
            if (ids[i] != fw_golden_ids[i]) {
                rc = fw_fail(FW_ERR_LLM, "token %u is %d, hc1-llm says %d",
                             i, ids[i], fw_golden_ids[i]);
                break;
            }
        }
    }
    if (!rc) {
        fw_printf("hc1-fw: decode matches the %u golden ids from hc1-llm\n",
                  n);
    }
    if (!rc) {
        rc = destroy_context(c, ctx);
    }
    return rc;
}
