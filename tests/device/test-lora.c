/*
 * HC1 device test: LoRA adapters applied by contexts (interface 1.2).
 * Adapters are written by the test (tests/unit/engine/tlora.c) for the
 * shapes the card reports, loaded with LOAD_LORA, used by contexts, and
 * unloaded: a zero-B adapter leaves the tokens and log-probabilities
 * untouched, a strong one changes them, a slot in use cannot be
 * unloaded, junk cannot be used, and the scale is checked.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hc1-dev.h"
#include "tlora.h"

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

/* LOAD_LORA of @len bytes at guest address @buf (an SGL-free PRP list). */
static uint16_t load(Hc1Dev *d, uint32_t slot, const void *data, size_t len,
                     struct hc1_cqe *cqe)
{
    struct hc1_sqe sqe;
    uint64_t buf = hc1t_alloc(d, (len + 4095) & ~4095ull, 4096);
    uint64_t n_pages = (len + 4095) / 4096;

    qtc_memwrite(d->q, buf, data, len);
    hc1t_sqe_init(&sqe, HC1_ADM_LOAD_LORA);
    sqe.dptr1 = buf;
    if (n_pages == 2) {
        sqe.dptr2 = buf + 4096;
    } else if (n_pages > 2) {
        uint64_t list = hc1t_alloc(d, 4096, 4096);

        for (uint64_t i = 1; i < n_pages; i++) {
            qtc_writeq(d->q, list + 8 * (i - 1), buf + 4096 * i);
        }
        sqe.dptr2 = list;
    }
    sqe.cdw10 = slot;
    sqe.cdw11 = (uint32_t)len;
    sqe.cdw12 = crc32c(data, len);
    return hc1t_cmd(d, 0, &sqe, cqe);
}

static uint16_t unload(Hc1Dev *d, uint32_t slot)
{
    struct hc1_sqe sqe;

    hc1t_sqe_init(&sqe, HC1_ADM_UNLOAD_LORA);
    sqe.cdw10 = slot;
    return hc1t_cmd(d, 0, &sqe, NULL);
}

/* Greedy decode of 6 tokens after a fixed prompt; tokens and logprobs. */
static bool run(Hc1Dev *d, Hc1TCtx *c, int32_t *tok, uint32_t *lp)
{
    int32_t prompt[5];
    struct hc1_decode_params p;
    struct hc1_token_rec rec[8];
    struct hc1_cqe cqe;
    uint32_t n = 0;
    uint16_t cid;

    for (int i = 0; i < 5; i++) {
        prompt[i] = (int32_t)((1000u + 37u * i) % d->n_vocab);
    }
    if (hc1t_prefill(d, c, prompt, 5, NULL)) {
        return false;
    }
    hc1t_decode_params(&p, 6);
    cid = hc1t_decode_submit(d, c, &p);
    for (int i = 0; i < 60000 && n < 6; i++) {
        bool done = hc1t_wait(d, c->qid, cid, &cqe, 1);

        n += hc1t_stream_read(d, c, rec + n, 8 - n);
        if (done) {
            n += hc1t_stream_read(d, c, rec + n, 8 - n);
            break;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        tok[i] = rec[i].token;
        lp[i] = rec[i].logprob;
    }
    return n == 6;
}

int main(int argc, char **argv)
{
    Hc1Dev *d;
    struct hc1_cqe cqe;
    Hc1TCtx a, b, c, x;
    int32_t ta[6], tb[6], tc[6];
    uint32_t la[6], lb[6], lc[6];
    uint32_t E, F, L;
    tlora_meta meta;
    tlora_mat m[2];
    size_t len, zlen;

    if (argc != 3) {
        fprintf(stderr, "usage: %s QEMU ROM.gguf\n", argv[0]);
        return 2;
    }
    d = hc1t_open(argv[1], argv[2], ",contexts=4,lora-slots=2");
    if (!d || !hc1t_enable(d, 32)) {
        CHECK(false, "card up");
        return tap_done();
    }
    hc1t_msix_enable(d);
    CHECK(hc1t_create_ioq(d, 1, 64, 1, true) == 0, "I/O queue 1");
    CHECK(hc1t_rd(d, HC1_REG_CAP) & HC1_CAP_LORA_APPLY,
          "CAP.LORA_APPLY is set");

    /* layer 0: ffn_down (rank 2) and attn_q (rank 1), strong weights */
    E = hc1t_rd(d, HC1_REG_N_EMBD);
    F = hc1t_rd(d, HC1_REG_N_FF);
    L = hc1t_rd(d, HC1_REG_N_HEAD) * hc1t_rd(d, HC1_REG_HEAD_DIM);
    float *a0 = malloc(2 * F * 4), *b0 = malloc(2 * E * 4);
    float *a1 = malloc(E * 4), *b1 = malloc(L * 4), *z = calloc(2 * E + L, 4);
    for (uint32_t i = 0; i < 2 * F; i++) {
        a0[i] = (float)sin(i * 0.7) * 0.5f;
    }
    for (uint32_t i = 0; i < 2 * E; i++) {
        b0[i] = (float)cos(i * 1.3) * 2.0f;
    }
    for (uint32_t i = 0; i < E; i++) {
        a1[i] = (float)sin(i * 0.3);
    }
    for (uint32_t i = 0; i < L; i++) {
        b1[i] = (float)cos(i * 0.9);
    }
    memset(m, 0, sizeof(m));
    snprintf(m[0].name, sizeof(m[0].name), "blk.0.ffn_down.weight");
    m[0].n_in = F;
    m[0].n_out = E;
    m[0].r = 2;
    m[0].a = a0;
    m[0].b = b0;
    snprintf(m[1].name, sizeof(m[1].name), "blk.0.attn_q.weight");
    m[1].n_in = E;
    m[1].n_out = L;
    m[1].r = 1;
    m[1].a = a1;
    m[1].b = b1;
    tlora_meta_default(&meta);
    meta.alpha = 2.0f;
    void *strong = tlora_build(&meta, m, 2, &len);
    m[0].b = z;
    m[1].b = z;
    void *zero = tlora_build(&meta, m, 2, &zlen);

    CHECK(load(d, 0, strong, len, &cqe) == 0 && cqe.dw0 == len &&
          (cqe.dw1 & HC1_LORA_F_APPLICABLE),
          "LOAD_LORA slot 0: %zu bytes, applicable", len);
    uint32_t used = hc1t_rd(d, HC1_REG_SRAM_USED_LO);
    CHECK(used >= len, "the adapter takes at least its size in SRAM (%u)",
          used);
    CHECK(load(d, 1, zero, zlen, &cqe) == 0 &&
          (cqe.dw1 & HC1_LORA_F_APPLICABLE), "LOAD_LORA slot 1: B = 0");

    CHECK(hc1t_ctx_create(d, 1, 32, 16, false, 0, 0, &a) == 0,
          "context without an adapter");
    CHECK(hc1t_ctx_create_lora(d, 1, 32, 16, false, 0, 0, 1, 0, &b) == 0,
          "context with the zero adapter");
    CHECK(hc1t_ctx_create_lora(d, 1, 32, 16, false, 0, 0, 0, f2u(1.5f),
                               &c) == 0,
          "context with the strong adapter, scale 1.5");
    CHECK(run(d, &a, ta, la) && run(d, &b, tb, lb) && run(d, &c, tc, lc),
          "greedy decodes on all three");
    CHECK(!memcmp(ta, tb, sizeof(ta)) && !memcmp(la, lb, sizeof(la)),
          "B = 0: the same tokens and log-probabilities as no adapter");
    CHECK(memcmp(ta, tc, sizeof(ta)) || memcmp(la, lc, sizeof(la)),
          "the strong adapter changes the output (%d vs %d)", ta[0], tc[0]);

    CHECK(unload(d, 0) == HC1_SC_SLOT_IN_USE,
          "UNLOAD_LORA of a slot a context uses: SLOT_IN_USE");
    CHECK(hc1t_ctx_cmd(d, &c, HC1_IO_DESTROY_CONTEXT, 0, &cqe) == 0,
          "destroy that context");
    CHECK(unload(d, 0) == 0, "now UNLOAD_LORA succeeds");
    CHECK(hc1t_rd(d, HC1_REG_SRAM_USED_LO) < used + 3 * 32 *
          hc1t_rd(d, HC1_REG_KV_TOKEN_BYTES), "its SRAM is free");

    /* junk loads (opaque, as before 1.2) but cannot be used */
    memset(strong, 0x5a, 4096);
    CHECK(load(d, 0, strong, 4096, &cqe) == 0 &&
          !(cqe.dw1 & HC1_LORA_F_APPLICABLE),
          "junk loads, not applicable");
    CHECK(hc1t_ctx_create_lora(d, 1, 32, 16, false, 0, 0, 0, 0, &x) ==
          HC1_SC_INVALID_ADAPTER, "a context with junk: INVALID_ADAPTER");
    CHECK(hc1t_ctx_create_lora(d, 1, 32, 16, false, 0, 0, 1, 0x7fc00000,
                               &x) == HC1_SC_INVALID_FIELD,
          "lora_scale NaN: INVALID_FIELD");
    CHECK(hc1t_ctx_create_lora(d, 1, 32, 16, false, 0, 0, 1, f2u(4.5f),
                               &x) == HC1_SC_INVALID_FIELD,
          "lora_scale 4.5: INVALID_FIELD");
    CHECK(hc1t_ctx_create_lora(d, 1, 32, 16, false, 0, 0, 2, 0, &x) ==
          HC1_SC_INVALID_SLOT, "slot 2 of 2: INVALID_SLOT");

    /* a controller reset frees adapters still in use by contexts */
    hc1t_disable(d);
    CHECK(hc1t_rd(d, HC1_REG_SRAM_USED_LO) == 0,
          "controller reset: no adapter, no SRAM in use");
    free(a0);
    free(b0);
    free(a1);
    free(b1);
    free(z);
    free(strong);
    free(zero);
    hc1t_close(d);
    return tap_done();
}
