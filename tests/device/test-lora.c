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
#include <time.h>

#include "hc1-dev.h"
#include "tlora.h"

static uint32_t crc32c(const uint8_t *p, size_t n)
{
    static uint32_t tab[256];
    uint32_t c = 0xffffffff;

    if (!tab[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t v = i;

            for (int k = 0; k < 8; k++) {
                v = v & 1 ? (v >> 1) ^ 0x82f63b78 : v >> 1;
            }
            tab[i] = v;
        }
    }
    while (n--) {
        c = tab[(c ^ *p++) & 0xff] ^ (c >> 8);
    }
    return ~c;
}

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000ll + ts.tv_nsec / 1000;
}

/* An image in guest memory, ready for LOAD_LORA. */
typedef struct GBuf {
    uint64_t dptr1, dptr2;
    uint32_t len, crc;
} GBuf;

/*
 * Copy @len bytes to a fresh guest buffer described by PRPs. The
 * allocator zeroes what it hands out, so only the 4 KiB pages with
 * something in them go through qtest: a large zero adapter is cheap.
 */
static GBuf guest_put(Hc1Dev *d, const void *data, size_t len)
{
    static const uint8_t zero[4096];
    uint64_t buf = hc1t_alloc(d, (len + 4095) & ~4095ull, 4096);
    uint64_t n_pages = (len + 4095) / 4096;
    GBuf g = { .dptr1 = buf, .len = (uint32_t)len, .crc = crc32c(data, len) };

    for (size_t off = 0; off < len; off += 4096) {
        size_t n = len - off < 4096 ? len - off : 4096;

        if (memcmp((const uint8_t *)data + off, zero, n)) {
            qtc_memwrite(d->q, buf + off, (const uint8_t *)data + off, n);
        }
    }
    if (n_pages == 2) {
        g.dptr2 = buf + 4096;
    } else if (n_pages > 2) {
        uint64_t list = hc1t_alloc(d, 4096, 4096), page = list;
        uint64_t ent[512];
        uint32_t k = 0;

        /* a page of entries; its last one chains when more follow */
        for (uint64_t i = 1; i < n_pages; i++) {
            if (k == 511 && n_pages - i > 1) {
                uint64_t next = hc1t_alloc(d, 4096, 4096);

                ent[k++] = next;
                qtc_memwrite(d->q, page, ent, 8 * k);
                page = next;
                k = 0;
            }
            ent[k++] = buf + 4096 * i;
        }
        qtc_memwrite(d->q, page, ent, 8 * k);
        g.dptr2 = list;
    }
    return g;
}

/* Submit LOAD_LORA of @g; @crc_xor spoils the CRC. The command id. */
static uint16_t load_at(Hc1Dev *d, uint32_t slot, const GBuf *g,
                        uint32_t crc_xor)
{
    struct hc1_sqe sqe;

    hc1t_sqe_init(&sqe, HC1_ADM_LOAD_LORA);
    sqe.dptr1 = g->dptr1;
    sqe.dptr2 = g->dptr2;
    sqe.cdw10 = slot;
    sqe.cdw11 = g->len;
    sqe.cdw12 = g->crc ^ crc_xor;
    return hc1t_submit(d, 0, &sqe);
}

static uint16_t load_wait(Hc1Dev *d, uint16_t cid, struct hc1_cqe *cqe)
{
    struct hc1_cqe c;

    if (!hc1t_wait(d, 0, cid, &c, 60000)) {
        return 0xffff;
    }
    if (cqe) {
        *cqe = c;
    }
    return hc1t_sc(&c);
}

/* LOAD_LORA of @len bytes at a fresh guest buffer, and wait for it. */
static uint16_t load(Hc1Dev *d, uint32_t slot, const void *data, size_t len,
                     struct hc1_cqe *cqe)
{
    GBuf g = guest_put(d, data, len);

    return load_wait(d, load_at(d, slot, &g, 0), cqe);
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

/*
 * The largest adapter up to 48 MiB: every matrix of every layer at the
 * largest rank allowed, all zero (so writing it to the guest is cheap).
 */
static void *large_adapter(Hc1Dev *d, size_t *len, uint32_t *n_mats)
{
    static const char *const names[7] = {
        "attn_q", "attn_k", "attn_v", "attn_output",
        "ffn_gate", "ffn_up", "ffn_down",
    };
    uint32_t E = hc1t_rd(d, HC1_REG_N_EMBD), F = hc1t_rd(d, HC1_REG_N_FF);
    uint32_t H = hc1t_rd(d, HC1_REG_HEAD_DIM);
    uint32_t Q = hc1t_rd(d, HC1_REG_N_HEAD) * H;
    uint32_t KV = hc1t_rd(d, HC1_REG_N_HEAD_KV) * H;
    uint32_t n_layer = hc1t_rd(d, HC1_REG_N_LAYER);
    uint32_t in[7] = { E, E, E, Q, E, E, F };
    uint32_t out[7] = { Q, KV, KV, E, F, F, E };
    tlora_mat *m = calloc(7 * n_layer, sizeof(*m));
    size_t bytes = 0, zmax = 0;
    tlora_meta meta;
    float *z;
    void *p;
    uint32_t n = 0;

    for (uint32_t l = 0; l < n_layer; l++) {
        for (int w = 0; w < 7; w++) {
            uint32_t r = in[w] < out[w] ? in[w] : out[w];
            size_t b;

            r = r < 512 ? r : 512;
            b = 4ull * r * (in[w] + out[w]);
            if (bytes + b > (48u << 20)) {
                break;
            }
            snprintf(m[n].name, sizeof(m[n].name), "blk.%u.%s.weight", l,
                     names[w]);
            m[n].n_in = in[w];
            m[n].n_out = out[w];
            m[n].r = r;
            bytes += b;
            zmax = zmax > (size_t)r * (in[w] > out[w] ? in[w] : out[w])
                   ? zmax : (size_t)r * (in[w] > out[w] ? in[w] : out[w]);
            n++;
        }
    }
    z = calloc(zmax, sizeof(float));
    for (uint32_t i = 0; i < n; i++) {
        m[i].a = z;
        m[i].b = z;
    }
    tlora_meta_default(&meta);
    p = tlora_build(&meta, m, n, len);
    *n_mats = n;
    free(z);
    free(m);
    return p;
}

/*
 * A large adapter is checked and converted on the card's compute
 * thread, not in QEMU's main loop: the VM keeps answering (here, qtest
 * register reads) while it loads; admin commands still complete in
 * order; a reset in the middle drops it without a completion.
 */
static void test_large(Hc1Dev *d)
{
    size_t len;
    uint32_t n_mats, answered = 0, used0, h;
    void *big = large_adapter(d, &len, &n_mats);
    GBuf g = guest_put(d, big, len);
    struct hc1_cqe cqe;
    struct hc1_sqe sqe;
    int64_t t0, worst = 0, total;
    uint16_t cid, cid2;
    bool ok;

    used0 = hc1t_rd(d, HC1_REG_SRAM_USED_LO);
    t0 = now_us();
    cid = load_at(d, 0, &g, 0);
    for (;;) {
        int64_t t = now_us();

        hc1t_rd(d, HC1_REG_SCRATCH);
        if (now_us() - t > worst) {
            worst = now_us() - t;
        }
        if (hc1t_cq_peek(d, 0) || now_us() - t0 > 60000000) {
            break;
        }
        answered++;
    }
    ok = hc1t_wait(d, 0, cid, &cqe, 60000);
    total = now_us() - t0;
    CHECK(ok && hc1t_sc(&cqe) == 0 && cqe.dw0 == len &&
          (cqe.dw1 & HC1_LORA_F_APPLICABLE),
          "LOAD_LORA of a %zu-byte adapter (%u matrices): applicable, "
          "%lld ms", len, n_mats, (long long)total / 1000);
    CHECK(answered >= 1,
          "the VM answered %u register reads while it loaded (slowest "
          "%lld us)", answered, (long long)worst);
    CHECK(unload(d, 0) == 0 && hc1t_rd(d, HC1_REG_SRAM_USED_LO) == used0,
          "unloaded, SRAM back to %u", used0);

    /* in order: a command behind LOAD_LORA completes after it */
    h = d->queue[0].cq_head;
    cid = load_at(d, 0, &g, 1);
    hc1t_sqe_init(&sqe, HC1_ADM_GET_FEATURES);
    sqe.cdw10 = HC1_FEAT_COALESCING;
    cid2 = hc1t_submit(d, 0, &sqe);
    ok = hc1t_wait(d, 0, cid2, NULL, 60000);
    qtc_memread(d->q, d->queue[0].cq + 16ull * h, &cqe, sizeof(cqe));
    CHECK(ok && cqe.cid == cid && hc1t_sc(&cqe) == HC1_SC_CHECKSUM,
          "a bad CRC: CHECKSUM, completed before the command behind it");
    hc1t_wait(d, 0, cid, NULL, 0);
    CHECK(hc1t_rd(d, HC1_REG_SRAM_USED_LO) == used0,
          "no SRAM held after CHECKSUM");

    /* a reset while the worker converts: no completion, no SRAM */
    load_at(d, 0, &g, 0);
    hc1t_disable(d);
    CHECK(hc1t_rd(d, HC1_REG_SRAM_USED_LO) == 0 &&
          !(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_RDY),
          "controller reset during LOAD_LORA: no SRAM in use");
    ok = hc1t_enable(d, 32) && load_wait(d, load_at(d, 0, &g, 0), &cqe) == 0;
    CHECK(ok && d->queue[0].n_stash == 0,
          "after the reset the slot loads again, and nothing stale "
          "completes");
    free(big);
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

    CHECK(hc1t_enable(d, 32), "card enabled again");
    test_large(d);
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
