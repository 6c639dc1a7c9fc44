/*
 * Device-test helpers: see hc1-dev.h.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hc1-dev.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int tap_failures, tap_checks;

int tap_done(void)
{
    printf("1..%d\n", tap_checks);
    return tap_failures ? 1 : 0;
}

#define PCI_COMMAND 0x04
#define PCI_CAP_ID_MSIX 0x11

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Hc1Dev *hc1t_open(const char *qemu, const char *rom, const char *dev_opts)
{
    char dev[4096];
    const char *args[] = { "-device", dev, NULL };
    Hc1Dev *d = calloc(1, sizeof(*d));

    snprintf(dev, sizeof(dev), "hc1,addr=04.0,rom=%s%s", rom,
             dev_opts ? dev_opts : "");
    d->q = qtc_start(qemu, args);
    if (!d->q) {
        free(d);
        return NULL;
    }
    d->devfn = qtc_pci_find(d->q, HC1_PCI_VENDOR_ID, HC1_PCI_DEVICE_ID);
    if (d->devfn < 0) {
        qtc_stop(d->q);
        free(d);
        return NULL;
    }
    qtc_pci_map_bar64(d->q, d->devfn, 0x10, HC1T_BAR0);
    qtc_pci_map_bar64(d->q, d->devfn, 0x18, HC1T_BAR2);
    /* BAR4 (MSI-X) is a 32-bit BAR: the high half lands on BAR5, unused. */
    qtc_pci_map_bar64(d->q, d->devfn, 0x20, HC1T_BAR4);
    d->mem_next = HC1T_RAM_BASE;
    d->msi_page = hc1t_alloc(d, 4096, 4096);
    return d;
}

void hc1t_close(Hc1Dev *d)
{
    if (d) {
        qtc_stop(d->q);
        free(d);
    }
}

uint32_t hc1t_rd(Hc1Dev *d, uint32_t off)
{
    return qtc_readl(d->q, HC1T_BAR0 + off);
}

void hc1t_wr(Hc1Dev *d, uint32_t off, uint32_t val)
{
    qtc_writel(d->q, HC1T_BAR0 + off, val);
}

uint64_t hc1t_alloc(Hc1Dev *d, uint64_t size, uint64_t align)
{
    uint64_t a = (d->mem_next + align - 1) & ~(align - 1);

    if (a + size > HC1T_RAM_END) {
        fprintf(stderr, "hc1t_alloc: out of test memory\n");
        abort();
    }
    d->mem_next = a + size;
    qtc_memset(d->q, a, 0, size);
    return a;
}

bool hc1t_wait_boot(Hc1Dev *d)
{
    int64_t end = now_ms() + 60000;

    while (now_ms() < end) {
        uint32_t st = hc1t_rd(d, HC1_REG_BOOT_STATUS) & HC1_BOOT_STAGE_MASK;

        if (st == HC1_BOOT_READY) {
            d->n_vocab = hc1t_rd(d, HC1_REG_N_VOCAB);
            return true;
        }
        if (st == HC1_BOOT_FAILED || qtc_failed(d->q)) {
            return false;
        }
        usleep(1000);
    }
    return false;
}

bool hc1t_enable(Hc1Dev *d, uint32_t entries)
{
    Hc1TQueue *a = &d->queue[0];
    int64_t end;

    if (!hc1t_wait_boot(d)) {
        return false;
    }
    memset(a, 0, sizeof(*a));
    a->size = entries;
    a->sq = hc1t_alloc(d, entries * 64ull, 4096);
    a->cq = hc1t_alloc(d, entries * 16ull, 4096);
    a->phase = true;
    hc1t_wr(d, HC1_REG_AQA, entries | (entries << HC1_AQA_ACQS_SHIFT));
    hc1t_wr(d, HC1_REG_ASQ_LO, (uint32_t)a->sq);
    hc1t_wr(d, HC1_REG_ASQ_HI, a->sq >> 32);
    hc1t_wr(d, HC1_REG_ACQ_LO, (uint32_t)a->cq);
    hc1t_wr(d, HC1_REG_ACQ_HI, a->cq >> 32);
    hc1t_wr(d, HC1_REG_CC, HC1_CC_EN);
    end = now_ms() + 10000;
    while (now_ms() < end) {
        uint32_t csts = hc1t_rd(d, HC1_REG_CSTS);

        if (csts & HC1_CSTS_CFS) {
            return false;
        }
        if (csts & HC1_CSTS_RDY) {
            a->live = true;
            return true;
        }
        usleep(1000);
    }
    return false;
}

void hc1t_disable(Hc1Dev *d)
{
    hc1t_wr(d, HC1_REG_CC, 0);
    for (int i = 0; i < HC1_NUM_QUEUES; i++) {
        d->queue[i].live = false;
    }
}

void hc1t_msix_enable(Hc1Dev *d)
{
    int cap = qtc_pci_find_cap(d->q, d->devfn, PCI_CAP_ID_MSIX);
    uint32_t hdr, table, off;

    if (!cap) {
        return;
    }
    hdr = qtc_pci_cfg_readl(d->q, d->devfn, cap);
    table = qtc_pci_cfg_readl(d->q, d->devfn, cap + 4);
    off = table & ~7u;      /* BIR in bits 2:0, our BAR4 */
    for (int v = 0; v < HC1_MSIX_VECTORS; v++) {
        uint64_t e = HC1T_BAR4 + off + 16 * v;

        qtc_writel(d->q, e, (uint32_t)(d->msi_page + 4 * v));
        qtc_writel(d->q, e + 4, (d->msi_page + 4 * v) >> 32);
        qtc_writel(d->q, e + 8, HC1T_MSI_DATA(v));
        qtc_writel(d->q, e + 12, 0);
    }
    /* Message control is the upper half of the header: set enable. */
    qtc_pci_cfg_writel(d->q, d->devfn, cap, (hdr | (1u << 31)) & ~(1u << 30));
}

uint32_t hc1t_msi_take(Hc1Dev *d, int v)
{
    uint32_t val = qtc_readl(d->q, d->msi_page + 4 * v);

    qtc_writel(d->q, d->msi_page + 4 * v, 0);
    return val;
}

void hc1t_sqe_init(struct hc1_sqe *sqe, uint8_t opcode)
{
    memset(sqe, 0, sizeof(*sqe));
    sqe->opcode = opcode;
}

uint16_t hc1t_submit(Hc1Dev *d, uint16_t qid, struct hc1_sqe *sqe)
{
    Hc1TQueue *q = &d->queue[qid];

    sqe->cid = ++d->next_cid;
    qtc_memwrite(d->q, q->sq + q->sq_tail * 64ull, sqe, sizeof(*sqe));
    q->sq_tail = (q->sq_tail + 1) % q->size;
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(qid, HC1_DB_SQ_TAIL),
               q->sq_tail);
    return sqe->cid;
}

/* Pop one new completion into the stash; false when there is none. */
static bool hc1t_cq_pop(Hc1Dev *d, uint16_t qid)
{
    Hc1TQueue *q = &d->queue[qid];
    struct hc1_cqe cqe;

    qtc_memread(d->q, q->cq + q->cq_head * 16ull, &cqe, sizeof(cqe));
    if ((cqe.status & HC1_CQE_PHASE) != q->phase || qtc_failed(d->q)) {
        return false;
    }
    q->cq_head++;
    if (q->cq_head == q->size) {
        q->cq_head = 0;
        q->phase = !q->phase;
    }
    qtc_writel(d->q, HC1T_BAR2 + HC1_DB_OFFSET(qid, HC1_DB_CQ_HEAD),
               q->cq_head);
    if (q->n_stash < 64) {
        q->stash[q->n_stash++] = cqe;
    }
    return true;
}

bool hc1t_cq_peek(Hc1Dev *d, uint16_t qid)
{
    Hc1TQueue *q = &d->queue[qid];
    struct hc1_cqe cqe;

    if (q->n_stash) {
        return true;
    }
    qtc_memread(d->q, q->cq + q->cq_head * 16ull, &cqe, sizeof(cqe));
    return (cqe.status & HC1_CQE_PHASE) == q->phase;
}

bool hc1t_wait(Hc1Dev *d, uint16_t qid, uint16_t cid, struct hc1_cqe *cqe,
               int ms)
{
    Hc1TQueue *q = &d->queue[qid];
    int64_t end = now_ms() + ms;

    for (;;) {
        for (int i = 0; i < q->n_stash; i++) {
            if (q->stash[i].cid == cid) {
                if (cqe) {
                    *cqe = q->stash[i];
                }
                memmove(&q->stash[i], &q->stash[i + 1],
                        (q->n_stash - i - 1) * sizeof(q->stash[0]));
                q->n_stash--;
                return true;
            }
        }
        if (hc1t_cq_pop(d, qid)) {
            continue;
        }
        if (now_ms() >= end || qtc_failed(d->q)) {
            return false;
        }
        usleep(200);
    }
}

uint16_t hc1t_cmd(Hc1Dev *d, uint16_t qid, struct hc1_sqe *sqe,
                  struct hc1_cqe *cqe)
{
    struct hc1_cqe tmp;
    uint16_t cid = hc1t_submit(d, qid, sqe);

    if (!cqe) {
        cqe = &tmp;
    }
    if (!hc1t_wait(d, qid, cid, cqe, 30000)) {
        return 0xffff;
    }
    return hc1t_sc(cqe);
}

uint16_t hc1t_create_ioq(Hc1Dev *d, uint16_t qid, uint32_t entries,
                         uint16_t vector, bool ien)
{
    Hc1TQueue *q = &d->queue[qid];
    struct hc1_sqe sqe;
    uint16_t sc;

    memset(q, 0, sizeof(*q));
    q->size = entries;
    q->sq = hc1t_alloc(d, entries * 64ull, 4096);
    q->cq = hc1t_alloc(d, entries * 16ull, 4096);
    q->phase = true;
    hc1t_sqe_init(&sqe, HC1_ADM_CREATE_CQ);
    sqe.dptr1 = q->cq;
    sqe.cdw10 = qid | (entries << HC1_QCMD_SIZE_SHIFT);
    sqe.cdw11 = vector | (ien ? HC1_CQ_IEN : 0);
    sc = hc1t_cmd(d, 0, &sqe, NULL);
    if (sc) {
        return sc;
    }
    hc1t_sqe_init(&sqe, HC1_ADM_CREATE_SQ);
    sqe.dptr1 = q->sq;
    sqe.cdw10 = qid | (entries << HC1_QCMD_SIZE_SHIFT);
    sqe.cdw11 = qid;
    sc = hc1t_cmd(d, 0, &sqe, NULL);
    q->live = !sc;
    return sc;
}

uint16_t hc1t_ctx_create(Hc1Dev *d, uint16_t qid, uint32_t kv,
                         uint32_t entries, bool lp, uint32_t notify_tokens,
                         uint32_t notify_us, Hc1TCtx *c)
{
    return hc1t_ctx_create_lora(d, qid, kv, entries, lp, notify_tokens,
                                notify_us, HC1_LORA_NONE, 0, c);
}

uint16_t hc1t_ctx_create_lora(Hc1Dev *d, uint16_t qid, uint32_t kv,
                              uint32_t entries, bool lp,
                              uint32_t notify_tokens, uint32_t notify_us,
                              uint8_t lora_slot, uint32_t lora_scale,
                              Hc1TCtx *c)
{
    struct hc1_ctx_params p = { 0 };
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    uint64_t pa = hc1t_alloc(d, sizeof(p), 64);
    uint16_t sc;

    memset(c, 0, sizeof(*c));
    c->qid = qid;
    c->entries = entries;
    c->ring = hc1t_alloc(d, entries * 16ull, 4096);
    c->ctl = hc1t_alloc(d, 16, 64);
    c->lp = lp ? hc1t_alloc(d, entries * 160ull, 4096) : 0;
    p.kv_tokens = kv;
    p.ring_entries = entries;
    p.ring_addr = c->ring;
    p.ctl_addr = c->ctl;
    p.lp_ring_addr = c->lp;
    p.stream_id = 0;
    p.notify_tokens = notify_tokens;
    p.notify_timeout_us = notify_us;
    p.lora_slot = lora_slot;
    p.lora_scale = lora_scale;
    qtc_memwrite(d->q, pa, &p, sizeof(p));
    hc1t_sqe_init(&sqe, HC1_IO_CREATE_CONTEXT);
    sqe.dptr1 = pa;
    sc = hc1t_cmd(d, qid, &sqe, &cqe);
    c->id = cqe.dw0;
    return sc;
}

uint16_t hc1t_prefill(Hc1Dev *d, Hc1TCtx *c, const int32_t *tok, uint32_t n,
                      uint32_t *pos)
{
    uint64_t a = hc1t_alloc(d, n * 4ull, 4096);
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    uint16_t sc;

    qtc_memwrite(d->q, a, tok, n * 4);
    hc1t_sqe_init(&sqe, HC1_IO_PREFILL);
    sqe.ctx = c->id;
    sqe.dptr1 = a;
    /* A PRP2 for a list longer than one page. */
    if (n * 4 > 4096) {
        uint32_t pages = (n * 4 + 4095) / 4096 - 1;

        if (pages == 1) {
            sqe.dptr2 = a + 4096;
        } else {
            uint64_t list = hc1t_alloc(d, 4096, 4096);

            for (uint32_t i = 0; i < pages && i < 511; i++) {
                uint64_t e = a + 4096ull * (i + 1);
                qtc_memwrite(d->q, list + 8 * i, &e, 8);
            }
            sqe.dptr2 = list;
        }
    }
    sqe.cdw10 = n;
    sc = hc1t_cmd(d, c->qid, &sqe, &cqe);
    if (pos) {
        *pos = cqe.dw0;
    }
    return sc;
}

void hc1t_decode_params(struct hc1_decode_params *p, uint32_t max_new)
{
    memset(p, 0, sizeof(*p));
    p->max_new = max_new;
    p->temperature = f2u(0.0f);
    p->top_p = f2u(1.0f);
    p->min_p = f2u(0.0f);
    p->repeat_penalty = f2u(1.0f);
}

uint16_t hc1t_decode_submit(Hc1Dev *d, Hc1TCtx *c,
                            const struct hc1_decode_params *p)
{
    uint64_t a = hc1t_alloc(d, sizeof(*p), 256);
    struct hc1_sqe sqe;

    qtc_memwrite(d->q, a, p, sizeof(*p));
    hc1t_sqe_init(&sqe, HC1_IO_DECODE);
    sqe.ctx = c->id;
    sqe.dptr1 = a;
    return hc1t_submit(d, c->qid, &sqe);
}

uint16_t hc1t_ctx_cmd(Hc1Dev *d, Hc1TCtx *c, uint8_t opcode, uint32_t cdw10,
                      struct hc1_cqe *cqe)
{
    struct hc1_sqe sqe;

    hc1t_sqe_init(&sqe, opcode);
    sqe.ctx = c->id;
    sqe.cdw10 = cdw10;
    return hc1t_cmd(d, c->qid, &sqe, cqe);
}

uint32_t hc1t_stream_read(Hc1Dev *d, Hc1TCtx *c, struct hc1_token_rec *rec,
                          uint32_t max)
{
    uint32_t tail = qtc_readl(d->q, c->ctl);
    uint32_t n = 0;

    while (c->head != tail && n < max && tail < c->entries) {
        qtc_memread(d->q, c->ring + c->head * 16ull, &rec[n], 16);
        n++;
        c->head = (c->head + 1) % c->entries;
    }
    qtc_writel(d->q, c->ctl + 4, c->head);
    return n;
}
