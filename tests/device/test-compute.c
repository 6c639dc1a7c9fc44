/*
 * Contexts, prefill, decode with streaming, sampling controls, stop
 * conditions, coalescing, cancel, truncate, reset during decode, and the
 * hostile-guest cases that involve compute. With the llama31-tiny-f16
 * test model the greedy tokens are also checked against llama.cpp's.
 *
 * usage: test-compute QEMU ROM.gguf
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc1-dev.h"

static const char *qemu, *rom;
static bool tiny;       /* the ROM is llama31-tiny-f16 */

/* "The capital of France is" with BOS, and llama.cpp's greedy answer. */
static const int32_t prompt[6] = { 128000, 791, 6864, 315, 9822, 374 };
static const int32_t ref_greedy[8] = {
    89833, 16309, 17546, 77671, 2852, 119130, 76887, 62586,
};
static int32_t first_run[16];

static int32_t ptok(Hc1Dev *d, int i)
{
    /* The prompt, folded into any model's vocabulary. */
    return prompt[i] % d->n_vocab;
}

static void prompt_ids(Hc1Dev *d, int32_t *t)
{
    for (int i = 0; i < 6; i++) {
        t[i] = ptok(d, i);
    }
}

static Hc1Dev *bring_up(const char *opts)
{
    Hc1Dev *d = hc1t_open(qemu, rom, opts);

    if (!d) {
        return NULL;
    }
    if (!hc1t_enable(d, 32)) {
        hc1t_close(d);
        return NULL;
    }
    hc1t_msix_enable(d);
    if (hc1t_create_ioq(d, 1, 64, 1, true) ||
        hc1t_create_ioq(d, 2, 64, 2, true)) {
        hc1t_close(d);
        return NULL;
    }
    return d;
}

/* Run a decode to completion and collect its records. */
static uint16_t run_decode(Hc1Dev *d, Hc1TCtx *c,
                           const struct hc1_decode_params *p,
                           struct hc1_cqe *cqe, struct hc1_token_rec *rec,
                           uint32_t *n)
{
    uint16_t cid = hc1t_decode_submit(d, c, p);
    struct hc1_cqe tmp;

    if (!cqe) {
        cqe = &tmp;
    }
    *n = 0;
    for (int i = 0; i < 60000; i++) {
        bool done = hc1t_wait(d, c->qid, cid, cqe, 1);

        *n += hc1t_stream_read(d, c, rec + *n, 512 - *n);
        if (done) {
            *n += hc1t_stream_read(d, c, rec + *n, 512 - *n);
            return hc1t_sc(cqe);
        }
        /* Let a stalled ring retry. */
        qtc_clock_step(d->q, 2 * 1000 * 1000);
    }
    return 0xffff;
}

static void test_greedy_stream(void)
{
    Hc1Dev *d = bring_up(",contexts=4,max-ctx-tokens=256");
    struct hc1_decode_params p;
    struct hc1_token_rec rec[512];
    struct hc1_cqe cqe;
    Hc1TCtx a, b;
    int32_t t[6];
    uint32_t n, pos;
    bool ok;

    CHECK(d != NULL, "card up, 2 I/O queues, MSI-X");
    if (!d) {
        return;
    }
    prompt_ids(d, t);
    CHECK(hc1t_ctx_create(d, 1, 64, 64, true, 0, 0, &a) == 0,
          "CREATE_CONTEXT kv 64 ring 64 (ctx %u)", a.id);
    CHECK(hc1t_rd(d, HC1_REG_CONTEXTS_USED) == 1 &&
          hc1t_rd(d, HC1_REG_SRAM_USED_LO) ==
          64 * hc1t_rd(d, HC1_REG_KV_TOKEN_BYTES),
          "the context reserves 64 tokens of SRAM");
    CHECK(hc1t_prefill(d, &a, t, 6, &pos) == 0 && pos == 6,
          "PREFILL 6 tokens: position 6");
    hc1t_decode_params(&p, 8);
    p.n_top_logprobs = 5;
    CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0, "DECODE 8 greedy");
    CHECK(cqe.dw0 == 8 && (cqe.dw1 & 0xff) == HC1_STOP_LENGTH,
          "completion: 8 tokens, stop LENGTH");
    CHECK(n == 8, "8 records streamed (%u)", n);
    ok = n == 8;
    for (uint32_t i = 0; i < n && i < 8; i++) {
        first_run[i] = rec[i].token;
        ok &= rec[i].pos == 6 + i && (rec[i].flags & HC1_TREC_PHASE) &&
              rec[i].n_top == 5 &&
              !!(rec[i].flags & HC1_TREC_FIRST) == (i == 0) &&
              !!(rec[i].flags & HC1_TREC_LAST) == (i == 7) &&
              rec[i].token >= 0 && (uint32_t)rec[i].token < d->n_vocab;
    }
    CHECK(ok, "positions 6..13, phase 1, FIRST then LAST, 5 alternatives");
    CHECK(rec[7].stop_reason == HC1_STOP_LENGTH, "LAST record says LENGTH");
    CHECK(qtc_readl(d->q, a.lp) == (uint32_t)rec[0].token &&
          u2f(qtc_readl(d->q, a.lp + 4)) <= 0.0f &&
          u2f(rec[0].logprob) == u2f(qtc_readl(d->q, a.lp + 4)),
          "top-logprob ring: the greedy token is the best alternative");
    CHECK(qtc_readl(d->q, a.ctl + 8) == 8, "control block counts 8 records");
    if (tiny) {
        CHECK(!memcmp(first_run, ref_greedy, sizeof(ref_greedy)),
              "tokens match llama.cpp's greedy run (%d %d %d ...)",
              first_run[0], first_run[1], first_run[2]);
    }

    /* Same prompt on another queue and context: same tokens. */
    CHECK(hc1t_ctx_create(d, 2, 64, 64, false, 0, 0, &b) == 0,
          "second context on queue 2");
    hc1t_prefill(d, &b, t, 6, NULL);
    p.n_top_logprobs = 0;
    run_decode(d, &b, &p, &cqe, rec, &n);
    ok = n == 8;
    for (uint32_t i = 0; i < n && i < 8; i++) {
        ok &= rec[i].token == first_run[i];
    }
    CHECK(ok, "deterministic: the same 8 tokens again");

    /* Truncate back to the prompt and decode again: same tokens. */
    CHECK(hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, &cqe) == 0 &&
          cqe.dw0 == 6, "TRUNCATE to 6");
    run_decode(d, &a, &p, &cqe, rec, &n);
    ok = n == 8;
    for (uint32_t i = 0; i < n && i < 8; i++) {
        ok &= rec[i].token == first_run[i] && rec[i].pos == 6 + i;
    }
    CHECK(ok, "after TRUNCATE the decode repeats itself");
    CHECK(hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 100, NULL) ==
          HC1_SC_INVALID_FIELD, "TRUNCATE beyond the reserve: INVALID_FIELD");
    CHECK(hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 30, NULL) ==
          HC1_SC_INVALID_FIELD, "TRUNCATE beyond the tokens: INVALID_FIELD");

    /* Stop sequence: the 3rd and 4th tokens of the first run. */
    hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, NULL);
    p.n_stop = 1;
    p.stop_len[0] = 2;
    p.stop[0][0] = first_run[2];
    p.stop[0][1] = first_run[3];
    run_decode(d, &a, &p, &cqe, rec, &n);
    CHECK(hc1t_sc(&cqe) == 0 && cqe.dw0 == 4 &&
          (cqe.dw1 & 0xff) == HC1_STOP_SEQUENCE && (cqe.dw1 >> 8) == 0 &&
          n == 4 && rec[3].stop_reason == HC1_STOP_SEQUENCE,
          "stop sequence ends the decode after 4 tokens");
    hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, NULL);
    p.min_new = 6;
    run_decode(d, &a, &p, &cqe, rec, &n);
    CHECK(cqe.dw0 == 8 && (cqe.dw1 & 0xff) == HC1_STOP_LENGTH,
          "min_new 6 keeps the stop sequence from ending it early");

    /* Sampling: seeded, reproducible. */
    {
        int32_t s1[8], s2[8];

        hc1t_decode_params(&p, 8);
        p.temperature = f2u(1.2f);
        p.top_k = 8;
        p.top_p = f2u(0.95f);
        p.min_p = f2u(0.01f);
        p.repeat_penalty = f2u(1.1f);
        p.repeat_last_n = 16;
        p.seed = 1234;
        hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, NULL);
        CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && n == 8,
              "sampled decode: temperature 1.2, top-k 8, top-p, min-p, "
              "penalty");
        for (int i = 0; i < 8; i++) {
            s1[i] = rec[i].token;
        }
        hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, NULL);
        run_decode(d, &a, &p, &cqe, rec, &n);
        for (int i = 0; i < 8; i++) {
            s2[i] = rec[i].token;
        }
        CHECK(n == 8 && !memcmp(s1, s2, sizeof(s1)),
              "the same seed gives the same tokens");
    }

    /* Telemetry follows the work. */
    {
        uint32_t maxp = 0;
        uint16_t tcid;
        Hc1TCtx c;

        CHECK(hc1t_rd(d, HC1_REG_TOK_DECODED_LO) >= 40 &&
              hc1t_rd(d, HC1_REG_TOK_PREFILLED_LO) >= 12 &&
              (hc1t_rd(d, HC1_REG_BUSY_US_LO) |
               hc1t_rd(d, HC1_REG_BUSY_US_HI)) != 0,
              "token counters (%u decoded, %u prefilled) and busy time",
              hc1t_rd(d, HC1_REG_TOK_DECODED_LO),
              hc1t_rd(d, HC1_REG_TOK_PREFILLED_LO));
        hc1t_ctx_create(d, 2, 256, 256, false, 0, 0, &c);
        hc1t_prefill(d, &c, t, 6, NULL);
        hc1t_decode_params(&p, 240);
        tcid = hc1t_decode_submit(d, &c, &p);
        for (int i = 0; i < 20000 && !hc1t_wait(d, 2, tcid, &cqe, 0); i++) {
            uint32_t pw;

            qtc_clock_step(d->q, 10 * 1000 * 1000);
            pw = hc1t_rd(d, HC1_REG_POWER_MW);
            maxp = pw > maxp ? pw : maxp;
            hc1t_stream_read(d, &c, rec, 512);
        }
        CHECK(maxp > HC1_POWER_IDLE_MW && maxp <= HC1_POWER_MAX_MW,
              "board power rises above idle while decoding (%u mW)", maxp);
        CHECK(hc1t_rd(d, HC1_REG_ENERGY_MJ_LO) > 0, "energy accumulates");
        hc1t_ctx_cmd(d, &c, HC1_IO_DESTROY_CONTEXT, 0, NULL);
    }

    /* Parameter checks. */
#define BAD_DECODE(expr, sc, what) do { \
        hc1t_decode_params(&p, 4); \
        expr; \
        CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == (sc), what); \
    } while (0)
    BAD_DECODE(p.max_new = 0, HC1_SC_INVALID_FIELD, "max_new 0");
    BAD_DECODE(p.min_new = 5, HC1_SC_INVALID_FIELD, "min_new > max_new");
    BAD_DECODE(p.temperature = f2u(2.5f), HC1_SC_INVALID_FIELD,
               "temperature 2.5");
    BAD_DECODE(p.top_p = 0x7fc00000, HC1_SC_INVALID_FIELD, "top_p NaN");
    BAD_DECODE(p.top_k = 9, HC1_SC_INVALID_FIELD, "top_k 9");
    BAD_DECODE(p.n_top_logprobs = 21, HC1_SC_INVALID_FIELD,
               "21 top logprobs");
    BAD_DECODE(p.flags = 0x80, HC1_SC_INVALID_FIELD, "unknown flag");
    BAD_DECODE(p.n_stop = 5, HC1_SC_INVALID_FIELD, "5 stop sequences");
    BAD_DECODE((p.n_stop = 1, p.stop_len[0] = 9), HC1_SC_INVALID_FIELD,
               "stop sequence of 9 tokens");
    BAD_DECODE((p.n_stop = 1, p.stop_len[0] = 1, p.stop[0][0] = -5),
               HC1_SC_INVALID_TOKEN, "stop token -5");
    BAD_DECODE(p.repeat_penalty = f2u(0.5f), HC1_SC_INVALID_FIELD,
               "repeat penalty 0.5");

    /* Prefill checks. */
    {
        int32_t bad[3] = { 1, (int32_t)d->n_vocab, 2 };
        int32_t neg[1] = { -1 };
        int32_t many[60];

        CHECK(hc1t_prefill(d, &a, bad, 3, NULL) == HC1_SC_INVALID_TOKEN,
              "token id = n_vocab: INVALID_TOKEN");
        CHECK(hc1t_prefill(d, &a, neg, 1, NULL) == HC1_SC_INVALID_TOKEN,
              "token id -1: INVALID_TOKEN");
        CHECK(hc1t_prefill(d, &a, bad, 0, NULL) == HC1_SC_INVALID_FIELD,
              "0 tokens: INVALID_FIELD");
        for (int i = 0; i < 60; i++) {
            many[i] = i + 10;
        }
        CHECK(hc1t_prefill(d, &a, many, 60, NULL) == HC1_SC_KV_FULL,
              "60 more tokens into a 64-token context at 14: KV_FULL");
        CHECK(hc1t_prefill(d, &a, many, 40, &pos) == 0 && pos == 54,
              "40 fit: position 54");
    }

    /* KV full during decode. */
    hc1t_decode_params(&p, 100);
    run_decode(d, &a, &p, &cqe, rec, &n);
    CHECK(hc1t_sc(&cqe) == 0 && (cqe.dw1 & 0xff) == HC1_STOP_KV_FULL &&
          cqe.dw0 == 64 - 54 && n == cqe.dw0,
          "decode stops with KV_FULL when the reserve is used (%u tokens)",
          cqe.dw0);

    /* No logits. */
    {
        Hc1TCtx c;

        hc1t_ctx_create(d, 1, 16, 16, false, 0, 0, &c);
        hc1t_decode_params(&p, 4);
        CHECK(run_decode(d, &c, &p, &cqe, rec, &n) == HC1_SC_NO_LOGITS,
              "decode on an empty context: NO_LOGITS");
        CHECK(hc1t_ctx_cmd(d, &c, HC1_IO_DESTROY_CONTEXT, 0, NULL) == 0,
              "DESTROY_CONTEXT");
        CHECK(hc1t_prefill(d, &c, t, 2, NULL) == HC1_SC_INVALID_CONTEXT,
              "prefill on a destroyed context: INVALID_CONTEXT");
        CHECK(hc1t_ctx_cmd(d, &c, HC1_IO_DESTROY_CONTEXT, 0, NULL) ==
              HC1_SC_INVALID_CONTEXT, "destroy twice: INVALID_CONTEXT");
    }
    /* Another queue's context. */
    b.qid = 1;
    CHECK(hc1t_ctx_cmd(d, &b, HC1_IO_CANCEL, 0, NULL) ==
          HC1_SC_INVALID_CONTEXT, "queue 1 cannot touch queue 2's context");
    b.qid = 2;
    CHECK(hc1t_rd(d, HC1_REG_CONTEXTS_USED) == 2, "2 contexts in use");
    hc1t_close(d);
}

static void test_limits(void)
{
    Hc1Dev *d = bring_up(",contexts=3,max-ctx-tokens=256");
    Hc1TCtx c[4];
    uint32_t kvb;
    char opts[128];

    CHECK(d != NULL, "card with 3 contexts");
    if (!d) {
        return;
    }
    CHECK(hc1t_ctx_create(d, 1, 0, 16, false, 0, 0, &c[0]) ==
          HC1_SC_INVALID_FIELD, "kv 0: INVALID_FIELD");
    CHECK(hc1t_ctx_create(d, 1, 257, 16, false, 0, 0, &c[0]) ==
          HC1_SC_INVALID_FIELD, "kv above MAX_CTX_TOKENS: INVALID_FIELD");
    CHECK(hc1t_ctx_create(d, 1, 16, 1, false, 0, 0, &c[0]) ==
          HC1_SC_INVALID_RING, "ring of 1 entry: INVALID_RING");
    CHECK(hc1t_ctx_create(d, 1, 16, 65537, false, 0, 0, &c[0]) ==
          HC1_SC_INVALID_RING, "ring of 65537 entries: INVALID_RING");
    for (int i = 0; i < 3; i++) {
        hc1t_ctx_create(d, 1, 16, 16, false, 0, 0, &c[i]);
    }
    CHECK(hc1t_ctx_create(d, 1, 16, 16, false, 0, 0, &c[3]) ==
          HC1_SC_CONTEXT_LIMIT, "a 4th context of 3: CONTEXT_LIMIT");
    kvb = hc1t_rd(d, HC1_REG_KV_TOKEN_BYTES);
    {
        struct hc1_sqe sqe;

        hc1t_sqe_init(&sqe, HC1_ADM_DELETE_SQ);
        sqe.cdw10 = 1;
        CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0 &&
              hc1t_rd(d, HC1_REG_CONTEXTS_USED) == 0 &&
              hc1t_rd(d, HC1_REG_SRAM_USED_LO) == 0,
              "deleting the SQ destroys its contexts and frees SRAM");
    }
    hc1t_close(d);

    snprintf(opts, sizeof(opts), ",sram-size=%u", kvb * 300);
    d = bring_up(opts);
    CHECK(d && hc1t_rd(d, HC1_REG_KV_CAPACITY) == 300,
          "SRAM for 300 tokens: KV_CAPACITY 300");
    if (!d) {
        return;
    }
    CHECK(hc1t_ctx_create(d, 1, 200, 16, false, 0, 0, &c[0]) == 0,
          "200 tokens fit");
    CHECK(hc1t_ctx_create(d, 1, 101, 16, false, 0, 0, &c[1]) ==
          HC1_SC_SRAM_FULL, "101 more: SRAM_FULL");
    CHECK(hc1t_ctx_create(d, 1, 100, 16, false, 0, 0, &c[1]) == 0,
          "100 more fit exactly");
    hc1t_close(d);
}

static void test_stream_flow(void)
{
    Hc1Dev *d = bring_up(",contexts=4,max-ctx-tokens=256");
    struct hc1_decode_params p;
    struct hc1_token_rec rec[512];
    struct hc1_cqe cqe;
    Hc1TCtx a, b;
    int32_t t[6];
    uint32_t n;
    uint16_t cid;
    bool ok;

    CHECK(d != NULL, "card up");
    if (!d) {
        return;
    }
    prompt_ids(d, t);

    /* A ring of 8 stalls at 7 records; the head advancing resumes it. */
    hc1t_ctx_create(d, 1, 128, 8, false, 1000, 0, &a);
    hc1t_prefill(d, &a, t, 6, NULL);
    hc1t_decode_params(&p, 20);
    (void)hc1t_msi_take(d, 1);
    cid = hc1t_decode_submit(d, &a, &p);
    for (int i = 0; i < 2000 && qtc_readl(d->q, a.ctl) != 7; i++) {
        usleep(1000);
    }
    CHECK(qtc_readl(d->q, a.ctl) == 7, "ring of 8 holds 7 records");
    usleep(50000);
    CHECK(!hc1t_cq_peek(d, 1), "the decode waits for ring space");
    CHECK(hc1t_msi_take(d, 1) == 0,
          "7 records, notify threshold 1000, no timeout: no interrupt");
    n = 0;
    for (int i = 0; i < 20000 && !hc1t_wait(d, 1, cid, &cqe, 1); i++) {
        n += hc1t_stream_read(d, &a, rec + n, 512 - n);
        qtc_clock_step(d->q, 2 * 1000 * 1000);
    }
    n += hc1t_stream_read(d, &a, rec + n, 512 - n);
    ok = n == 20 && cqe.dw0 == 20;
    for (uint32_t i = 0; i < n; i++) {
        ok &= rec[i].pos == 6 + i &&
              !!(rec[i].flags & HC1_TREC_PHASE) == ((i / 8) % 2 == 0);
    }
    CHECK(ok, "all 20 records arrive in order, the phase flips per pass");
    CHECK(hc1t_msi_take(d, 1) == HC1T_MSI_DATA(1),
          "the completion interrupts on the queue's vector 1");

    /* Coalescing by count: threshold 4 is crossed by the 7 stalled. */
    hc1t_ctx_create(d, 2, 128, 8, false, 4, 0, &b);
    hc1t_prefill(d, &b, t, 6, NULL);
    (void)hc1t_msi_take(d, 2);
    hc1t_decode_params(&p, 100);    /* more than ring + card buffer */
    cid = hc1t_decode_submit(d, &b, &p);
    for (int i = 0; i < 2000 && qtc_readl(d->q, b.ctl) != 7; i++) {
        usleep(1000);
    }
    CHECK(hc1t_msi_take(d, 2) == HC1T_MSI_DATA(2),
          "notify every 4 tokens: interrupt on vector 2");
    CHECK(hc1t_ctx_cmd(d, &b, HC1_IO_CANCEL, 0, &cqe) == 0 && cqe.dw0 == 1,
          "CANCEL a stalled decode: 1 command aborted");
    n = 0;
    for (int i = 0; i < 20000 && !hc1t_wait(d, 2, cid, &cqe, 1); i++) {
        n += hc1t_stream_read(d, &b, rec + n, 512 - n);
        qtc_clock_step(d->q, 2 * 1000 * 1000);
    }
    CHECK(hc1t_sc(&cqe) == HC1_SC_ABORTED &&
          (cqe.dw1 & 0xff) == HC1_STOP_CANCELLED && cqe.dw0 < 100,
          "the decode completes ABORTED after %u tokens", cqe.dw0);
    CHECK(hc1t_ctx_cmd(d, &b, HC1_IO_CANCEL, 0, &cqe) == 0 && cqe.dw0 == 0,
          "CANCEL with nothing running: 0 aborted");

    /* A ring head out of range: the ring counts as full; cancel works. */
    {
        Hc1TCtx c;

        hc1t_ctx_create(d, 1, 128, 16, false, 0, 0, &c);
        hc1t_prefill(d, &c, t, 6, NULL);
        qtc_writel(d->q, c.ctl + 4, 1000);
        hc1t_decode_params(&p, 40);
        cid = hc1t_decode_submit(d, &c, &p);
        for (int i = 0; i < 2000 && qtc_readl(d->q, c.ctl) != 15; i++) {
            usleep(1000);
        }
        qtc_clock_step(d->q, 5 * 1000 * 1000);
        CHECK(qtc_readl(d->q, c.ctl) == 15 && !hc1t_cq_peek(d, 1),
              "ring head 1000 of 16: the decode waits at 15 records");
        hc1t_ctx_cmd(d, &c, HC1_IO_CANCEL, 0, NULL);
        CHECK(hc1t_wait(d, 1, cid, &cqe, 10000) &&
              hc1t_sc(&cqe) == HC1_SC_ABORTED,
              "and CANCEL ends it without the guest reading a record");
        hc1t_ctx_cmd(d, &c, HC1_IO_DESTROY_CONTEXT, 0, NULL);
    }

    /* Coalescing by time: threshold 1000, timeout 500 us. */
    {
        Hc1TCtx c;

        hc1t_ctx_create(d, 2, 128, 8, false, 1000, 500, &c);
        hc1t_prefill(d, &c, t, 6, NULL);
        (void)hc1t_msi_take(d, 2);
        cid = hc1t_decode_submit(d, &c, &p);
        for (int i = 0; i < 2000 && qtc_readl(d->q, c.ctl) != 7; i++) {
            usleep(1000);
        }
        CHECK(hc1t_msi_take(d, 2) == 0, "no interrupt before the timeout");
        qtc_clock_step(d->q, 600 * 1000);
        CHECK(hc1t_msi_take(d, 2) == HC1T_MSI_DATA(2),
              "the 500 us timeout interrupts");
        hc1t_ctx_cmd(d, &c, HC1_IO_CANCEL, 0, NULL);
        hc1t_wait(d, 2, cid, &cqe, 10000);
    }

    /* Many contexts decoding at once give each its solo tokens. */
    {
        Hc1TCtx m[3];
        uint16_t cids[3];
        uint32_t got[3] = { 0 };
        struct hc1_token_rec r3[3][64];

        hc1t_ctx_cmd(d, &a, HC1_IO_DESTROY_CONTEXT, 0, NULL);
        hc1t_ctx_cmd(d, &b, HC1_IO_DESTROY_CONTEXT, 0, NULL);
        hc1t_decode_params(&p, 8);
        for (int i = 0; i < 3; i++) {
            hc1t_ctx_create(d, 1 + i % 2, 64, 64, false, 0, 0, &m[i]);
        }
        for (int i = 0; i < 3; i++) {
            hc1t_prefill(d, &m[i], t, 6, NULL);
        }
        for (int i = 0; i < 3; i++) {
            cids[i] = hc1t_decode_submit(d, &m[i], &p);
        }
        ok = true;
        for (int i = 0; i < 3; i++) {
            ok &= hc1t_wait(d, m[i].qid, cids[i], &cqe, 30000) &&
                  hc1t_sc(&cqe) == 0;
            got[i] = hc1t_stream_read(d, &m[i], r3[i], 64);
            ok &= got[i] == 8;
            for (uint32_t j = 0; j < got[i]; j++) {
                ok &= r3[i][j].token == first_run[j];
            }
        }
        CHECK(ok, "3 contexts decoded together: each gets the solo tokens");
    }
    hc1t_close(d);
}

static void test_reset_during_decode(void)
{
    Hc1Dev *d = bring_up(",max-ctx-tokens=1024");
    struct hc1_decode_params p;
    struct hc1_token_rec rec[512];
    struct hc1_cqe cqe;
    Hc1TCtx a;
    int32_t t[6];
    uint32_t n;
    int exp;

    CHECK(d != NULL, "card up");
    if (!d) {
        return;
    }
    prompt_ids(d, t);
    /* A ring of 8 keeps the decode in flight until we reset. */
    CHECK(hc1t_ctx_create(d, 1, 1000, 8, false, 0, 0, &a) == 0 &&
          hc1t_prefill(d, &a, t, 6, NULL) == 0, "context of 1000 tokens");
    hc1t_decode_params(&p, 900);
    hc1t_decode_submit(d, &a, &p);
    for (int i = 0; i < 2000 && qtc_readl(d->q, a.ctl) != 7; i++) {
        usleep(1000);
    }
    CHECK(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_BUSY, "CSTS.BUSY while decoding");
    hc1t_wr(d, HC1_REG_CC, 0);
    CHECK(hc1t_rd(d, HC1_REG_CSTS) == 0 &&
          hc1t_rd(d, HC1_REG_CONTEXTS_USED) == 0 &&
          hc1t_rd(d, HC1_REG_SRAM_USED_LO) == 0,
          "CC.EN = 0 during a decode: not ready, no contexts, SRAM free");
    CHECK(hc1t_enable(d, 32) && hc1t_create_ioq(d, 1, 64, 1, true) == 0,
          "enable again");
    hc1t_ctx_create(d, 1, 64, 64, false, 0, 0, &a);
    hc1t_prefill(d, &a, t, 6, NULL);
    hc1t_decode_params(&p, 8);
    CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && n == 8 &&
          rec[0].token == first_run[0] && rec[7].token == first_run[7],
          "after the reset a decode gives the same tokens as before");

    /* Function-level reset during a decode. */
    hc1t_ctx_create(d, 1, 1000, 8, false, 0, 0, &a);
    hc1t_prefill(d, &a, t, 6, NULL);
    hc1t_decode_params(&p, 900);
    hc1t_decode_submit(d, &a, &p);
    for (int i = 0; i < 2000 && qtc_readl(d->q, a.ctl) != 7; i++) {
        usleep(1000);
    }
    CHECK(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_BUSY, "decoding again");
    exp = qtc_pci_find_cap(d->q, d->devfn, 0x10);
    qtc_pci_cfg_writel(d->q, d->devfn, exp + 8,
                       qtc_pci_cfg_readl(d->q, d->devfn, exp + 8) |
                       (1u << 15));
    qtc_pci_map_bar64(d->q, d->devfn, 0x10, HC1T_BAR0);
    qtc_pci_map_bar64(d->q, d->devfn, 0x18, HC1T_BAR2);
    qtc_pci_map_bar64(d->q, d->devfn, 0x20, HC1T_BAR4);
    CHECK(hc1t_rd(d, HC1_REG_CC) == 0 && hc1t_rd(d, HC1_REG_CONTEXTS_USED) == 0,
          "FLR during a decode: controller reset, contexts gone");
    CHECK(hc1t_enable(d, 32) && hc1t_create_ioq(d, 1, 64, 1, true) == 0,
          "enable after FLR");
    hc1t_ctx_create(d, 1, 64, 64, false, 0, 0, &a);
    hc1t_prefill(d, &a, t, 6, NULL);
    hc1t_decode_params(&p, 8);
    CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && n == 8 &&
          rec[0].token == first_run[0],
          "and decodes the same tokens");

    /* A stream ring in unmapped memory fails only its own decode. */
    {
        Hc1TCtx bad;

        hc1t_ctx_create(d, 1, 64, 64, false, 0, 0, &bad);
        hc1t_prefill(d, &bad, t, 6, NULL);
        bad.ring = 0x10000000000ull;
        /* Re-create with the bad ring through raw parameters. */
        {
            struct hc1_ctx_params cp = { 0 };
            uint64_t pa = hc1t_alloc(d, 64, 64);
            struct hc1_sqe sqe;

            cp.kv_tokens = 32;
            cp.ring_entries = 16;
            cp.ring_addr = 0x10000000000ull;
            cp.ctl_addr = hc1t_alloc(d, 16, 16);
            cp.lora_slot = HC1_LORA_NONE;
            qtc_memwrite(d->q, pa, &cp, sizeof(cp));
            hc1t_sqe_init(&sqe, HC1_IO_CREATE_CONTEXT);
            sqe.dptr1 = pa;
            CHECK(hc1t_cmd(d, 1, &sqe, &cqe) == 0, "a context whose ring is "
                  "in unmapped memory is created");
            bad.id = cqe.dw0;
            bad.ctl = cp.ctl_addr;
            bad.entries = 16;
            bad.head = 0;
        }
        hc1t_prefill(d, &bad, t, 6, NULL);
        hc1t_decode_params(&p, 8);
        CHECK(run_decode(d, &bad, &p, &cqe, rec, &n) ==
              HC1_SC_DATA_XFER_ERROR,
              "its decode fails with DATA_XFER_ERROR");
        hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, NULL);
        CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && n == 8 &&
              rec[0].token == first_run[0],
              "the other context is unaffected");
        {
            struct hc1_ctx_params cp = { 0 };
            uint64_t pa = hc1t_alloc(d, 64, 64);
            struct hc1_sqe sqe;

            cp.kv_tokens = 32;
            cp.ring_entries = 16;
            cp.ring_addr = hc1t_alloc(d, 256, 256);
            cp.ctl_addr = HC1T_BAR0 + 0x10;     /* the scratch register */
            cp.lora_slot = HC1_LORA_NONE;
            qtc_memwrite(d->q, pa, &cp, sizeof(cp));
            hc1t_sqe_init(&sqe, HC1_IO_CREATE_CONTEXT);
            sqe.dptr1 = pa;
            CHECK(hc1t_cmd(d, 1, &sqe, &cqe) == HC1_SC_DATA_XFER_ERROR,
                  "a control block in the card's MMIO: DATA_XFER_ERROR");
            cp.ctl_addr = 0xfffffffffffffff8ull;
            qtc_memwrite(d->q, pa, &cp, sizeof(cp));
            CHECK(hc1t_cmd(d, 1, &sqe, &cqe) == HC1_SC_INVALID_RING,
                  "a control block that wraps: INVALID_RING");
        }
    }
    CHECK(hc1t_rd(d, HC1_REG_MAGIC) == HC1_MAGIC, "alive");
    hc1t_close(d);
}

/*
 * min_new: a token that would stop the decode before min_new tokens is
 * never sampled (it is banned), so the stream never shows one as an
 * ordinary token. The greedy answer of test_greedy_stream supplies
 * stop sequences whose completion is known.
 */
static void test_min_new(void)
{
    Hc1Dev *d = bring_up(",contexts=2,max-ctx-tokens=256");
    struct hc1_decode_params p;
    struct hc1_token_rec rec[512];
    struct hc1_cqe cqe;
    int32_t t[6], eog[3];
    uint32_t n;
    Hc1TCtx a;
    bool ok;

    CHECK(d != NULL, "min_new: card up");
    if (!d) {
        return;
    }
    prompt_ids(d, t);
    CHECK(hc1t_ctx_create(d, 1, 128, 64, false, 0, 0, &a) == 0 &&
          hc1t_prefill(d, &a, t, 6, NULL) == 0, "context with the prompt");

    /* stop sequence {g0}: without min_new the first token stops */
    hc1t_decode_params(&p, 6);
    p.n_stop = 1;
    p.stop_len[0] = 1;
    p.stop[0][0] = first_run[0];
    CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && cqe.dw0 == 1 &&
          (cqe.dw1 & 0xff) == HC1_STOP_SEQUENCE && rec[0].token ==
          first_run[0], "min_new 0: stop sequence {g0} stops at token 1");
    hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, &cqe);
    /* min_new 3: g0 is banned for tokens 1 and 2 */
    p.min_new = 3;
    CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && cqe.dw0 >= 3 &&
          n == cqe.dw0 && rec[0].token != first_run[0] &&
          rec[1].token != first_run[0],
          "min_new 3: token 1 is not g0 (%d), %u tokens", rec[0].token,
          cqe.dw0);
    hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, &cqe);

    /* {g0, g1}: g0 stays allowed, g1 completes the sequence at token 2 */
    p.stop_len[0] = 2;
    p.stop[0][1] = first_run[1];
    p.min_new = 2;
    CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && cqe.dw0 == 2 &&
          (cqe.dw1 & 0xff) == HC1_STOP_SEQUENCE,
          "min_new 2: {g0, g1} completes at token 2 and stops");
    hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, &cqe);
    p.min_new = 3;
    CHECK(run_decode(d, &a, &p, &cqe, rec, &n) == 0 && cqe.dw0 >= 3 &&
          rec[0].token == first_run[0] && rec[1].token != first_run[1],
          "min_new 3: g0 then not g1 (%d)", rec[1].token);
    hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, &cqe);

    /* End-of-sequence ids never appear before min_new, at any seed. */
    eog[0] = (int32_t)hc1t_rd(d, HC1_REG_EOS_ID);
    eog[1] = (int32_t)hc1t_rd(d, HC1_REG_EOT_ID);
    eog[2] = (int32_t)hc1t_rd(d, HC1_REG_EOM_ID);
    hc1t_decode_params(&p, 16);
    p.min_new = 16;
    p.temperature = f2u(2.0f);
    ok = true;
    for (uint64_t seed = 1; seed <= 4 && ok; seed++) {
        p.seed = seed;
        ok &= run_decode(d, &a, &p, &cqe, rec, &n) == 0 && n == 16;
        for (uint32_t i = 0; i < n; i++) {
            ok &= rec[i].token != eog[0] && rec[i].token != eog[1] &&
                  rec[i].token != eog[2];
        }
        hc1t_ctx_cmd(d, &a, HC1_IO_TRUNCATE, 6, &cqe);
    }
    CHECK(ok, "temperature 2, min_new 16: no EOS/EOT/EOM in 4 x 16 tokens");
    hc1t_close(d);
}

/*
 * CANCEL stops a running PREFILL between chunks and rolls it back: the
 * context then decodes exactly what it would have without that PREFILL.
 */
static void test_prefill_cancel(void)
{
    Hc1Dev *d = bring_up(",contexts=2,max-ctx-tokens=4096");
    enum { N = 3000 };
    static int32_t big[N];
    struct hc1_decode_params p;
    struct hc1_token_rec rec[512];
    struct hc1_cqe cqe, pcqe;
    struct hc1_sqe sqe;
    uint32_t n, before;
    int32_t t[6];
    uint16_t cid;
    uint64_t a, list;
    Hc1TCtx c;
    bool ok;

    CHECK(d != NULL, "prefill cancel: card up");
    if (!d) {
        return;
    }
    prompt_ids(d, t);
    CHECK(hc1t_ctx_create(d, 1, 4096, 64, false, 0, 0, &c) == 0 &&
          hc1t_prefill(d, &c, t, 6, NULL) == 0, "context with the prompt");
    for (int i = 0; i < N; i++) {
        big[i] = (int32_t)((7u * i + 11u) % d->n_vocab);
    }
    a = hc1t_alloc(d, N * 4, 4096);
    list = hc1t_alloc(d, 4096, 4096);
    qtc_memwrite(d->q, a, big, N * 4);
    for (uint32_t i = 1; i < (N * 4 + 4095) / 4096; i++) {
        qtc_writeq(d->q, list + 8 * (i - 1), a + 4096ull * i);
    }
    hc1t_sqe_init(&sqe, HC1_IO_PREFILL);
    sqe.ctx = c.id;
    sqe.dptr1 = a;
    sqe.dptr2 = list;
    sqe.cdw10 = N;
    before = hc1t_rd(d, HC1_REG_TOK_PREFILLED_LO);
    cid = hc1t_submit(d, 1, &sqe);
    /* wait until it has computed a chunk or two, then cancel */
    for (int i = 0; i < 20000 &&
         hc1t_rd(d, HC1_REG_TOK_PREFILLED_LO) - before < 64; i++) {
        usleep(1000);
    }
    CHECK(hc1t_ctx_cmd(d, &c, HC1_IO_CANCEL, 0, &cqe) == 0 && cqe.dw0 == 1,
          "CANCEL during the PREFILL of %d tokens aborts 1 command", N);
    ok = hc1t_wait(d, 1, cid, &pcqe, 60000);
    n = hc1t_rd(d, HC1_REG_TOK_PREFILLED_LO) - before;
    CHECK(ok && hc1t_sc(&pcqe) == HC1_SC_ABORTED && pcqe.dw0 == 6 &&
          n < N, "the PREFILL completes ABORTED after %u of %d tokens, "
          "length 6", n, N);
    hc1t_decode_params(&p, 8);
    ok = run_decode(d, &c, &p, &cqe, rec, &n) == 0 && n == 8;
    for (uint32_t i = 0; i < n && i < 8; i++) {
        ok &= rec[i].token == first_run[i] && rec[i].pos == 6 + i;
    }
    CHECK(ok, "then DECODE gives the tokens of the prompt alone");
    hc1t_close(d);
}

int main(int argc, char **argv)
{
    const char *base;

    if (argc != 3) {
        fprintf(stderr, "usage: %s QEMU ROM.gguf\n", argv[0]);
        return 2;
    }
    qemu = argv[1];
    rom = argv[2];
    base = strrchr(rom, '/');
    tiny = !strcmp(base ? base + 1 : rom, "llama31-tiny-f16.gguf");
    test_greedy_stream();
    test_min_new();
    test_prefill_cancel();
    test_limits();
    test_stream_flow();
    test_reset_during_decode();
    return tap_done();
}
