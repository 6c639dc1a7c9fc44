/*
 * HC1: DMA. Data pointers are PRP pairs or one SGL descriptor, as in
 * NVMe; every guest-supplied address and length is checked for overflow
 * before use, list walks are bounded, and every transfer's MemTxResult
 * is checked. A failure is a status code for the command, never an
 * abort.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "trace.h"
#include "hc1_int.h"

#define PAGE HC1_PAGE_SIZE

static bool hc1_dma_fault(Hc1State *s, uint64_t addr, uint64_t len)
{
    if (s->fault_dma_errors) {
        s->fault_dma_errors--;
        trace_hc1_fault_dma(addr, len, s->fault_dma_errors);
        return true;
    }
    return false;
}

bool hc1_dma_read_raw(Hc1State *s, uint64_t addr, void *buf, uint64_t len)
{
    MemTxResult r = pci_dma_read(PCI_DEVICE(s), addr, buf, len);

    if (r != MEMTX_OK) {
        trace_hc1_err_dma_read(addr, len, r);
        return false;
    }
    trace_hc1_dma_read(addr, len);
    return true;
}

bool hc1_dma_write_raw(Hc1State *s, uint64_t addr, const void *buf,
                       uint64_t len)
{
    MemTxResult r = pci_dma_write(PCI_DEVICE(s), addr, buf, len);

    if (r != MEMTX_OK) {
        trace_hc1_err_dma_write(addr, len, r);
        return false;
    }
    trace_hc1_dma_write(addr, len);
    return true;
}

bool hc1_dma_read(Hc1State *s, uint64_t addr, void *buf, uint64_t len)
{
    MemTxResult r;

    if (hc1_dma_fault(s, addr, len)) {
        return false;
    }
    r = pci_dma_read(PCI_DEVICE(s), addr, buf, len);
    if (r != MEMTX_OK) {
        trace_hc1_err_dma_read(addr, len, r);
        return false;
    }
    trace_hc1_dma_read(addr, len);
    return true;
}

bool hc1_dma_write(Hc1State *s, uint64_t addr, const void *buf, uint64_t len)
{
    MemTxResult r;

    if (hc1_dma_fault(s, addr, len)) {
        return false;
    }
    r = pci_dma_write(PCI_DEVICE(s), addr, buf, len);
    if (r != MEMTX_OK) {
        trace_hc1_err_dma_write(addr, len, r);
        return false;
    }
    trace_hc1_dma_write(addr, len);
    return true;
}

void hc1_sg_free(Hc1Sg *sg)
{
    g_free(sg->seg);
    memset(sg, 0, sizeof(*sg));
}

/* Append one segment; false when the range wraps or the list is full. */
static bool hc1_sg_add(Hc1Sg *sg, uint64_t addr, uint64_t len)
{
    if (!len) {
        return true;
    }
    if (addr + len - 1 < addr) {
        return false;
    }
    if (sg->n >= HC1_SGL_MAX_DESCS + HC1_TOK_MAX_XFER / PAGE + 2) {
        return false;
    }
    if (sg->n == sg->alloc) {
        sg->alloc = sg->alloc ? sg->alloc * 2 : 8;
        sg->seg = g_renew(Hc1Seg, sg->seg, sg->alloc);
    }
    sg->seg[sg->n].addr = addr;
    sg->seg[sg->n].len = len;
    sg->n++;
    sg->len += len;
    return true;
}

static uint16_t hc1_map_prp(Hc1State *s, uint64_t prp1, uint64_t prp2,
                            uint64_t len, Hc1Sg *sg)
{
    uint64_t first, rem, list;

    if (prp1 & 3) {
        trace_hc1_err_prp_align(prp1);
        return HC1_SC_INVALID_PRP;
    }
    first = MIN(len, PAGE - (prp1 & (PAGE - 1)));
    if (!hc1_sg_add(sg, prp1, first)) {
        return HC1_SC_INVALID_PRP;
    }
    rem = len - first;
    if (!rem) {
        return HC1_SC_SUCCESS;
    }
    if (rem <= PAGE) {
        if (prp2 & (PAGE - 1)) {
            trace_hc1_err_prp_align(prp2);
            return HC1_SC_INVALID_PRP;
        }
        return hc1_sg_add(sg, prp2, rem) ? HC1_SC_SUCCESS
                                         : HC1_SC_INVALID_PRP;
    }

    /* PRP2 points at a PRP list; its last entry may chain to the next. */
    list = prp2;
    if (list & 7) {
        trace_hc1_err_prp_align(list);
        return HC1_SC_INVALID_PRP;
    }
    while (rem) {
        uint32_t n = (PAGE - (list & (PAGE - 1))) / 8;
        uint32_t need = MIN((uint64_t)n, DIV_ROUND_UP(rem, PAGE));
        uint64_t ent[PAGE / 8];

        if (!hc1_dma_read(s, list, ent, need * 8)) {
            return HC1_SC_DATA_XFER_ERROR;
        }
        for (uint32_t i = 0; i < need && rem; i++) {
            uint64_t e = le64_to_cpu(ent[i]);

            if (i == n - 1 && rem > PAGE) {
                /* Chain to the next list page, which must be a page. */
                if (e & (PAGE - 1)) {
                    trace_hc1_err_prp_align(e);
                    return HC1_SC_INVALID_PRP;
                }
                list = e;
                break;
            }
            if (e & (PAGE - 1)) {
                trace_hc1_err_prp_align(e);
                return HC1_SC_INVALID_PRP;
            }
            if (!hc1_sg_add(sg, e, MIN(rem, PAGE))) {
                return HC1_SC_INVALID_PRP;
            }
            rem -= MIN(rem, PAGE);
        }
    }
    return HC1_SC_SUCCESS;
}

static uint16_t hc1_map_sgl(Hc1State *s, const struct hc1_sgl_desc *first,
                            uint64_t len, Hc1Sg *sg)
{
    struct hc1_sgl_desc d = *first;
    g_autofree struct hc1_sgl_desc *seg = NULL;
    uint32_t total = 0;

    for (;;) {
        uint8_t type = d.type >> HC1_SGL_TYPE_SHIFT;
        uint64_t addr = le64_to_cpu(d.addr);
        uint32_t dlen = le32_to_cpu(d.len);
        uint32_t count;
        bool chained = false;

        if (type == HC1_SGL_TYPE_DATA) {
            return hc1_sg_add(sg, addr, dlen) ? HC1_SC_SUCCESS
                                              : HC1_SC_INVALID_SGL;
        }
        if (type != HC1_SGL_TYPE_SEGMENT && type != HC1_SGL_TYPE_LAST_SEG) {
            trace_hc1_err_sgl(addr, dlen, type);
            return HC1_SC_INVALID_SGL;
        }
        if (!dlen || dlen % sizeof(d)) {
            trace_hc1_err_sgl(addr, dlen, type);
            return HC1_SC_INVALID_SGL;
        }
        count = dlen / sizeof(d);
        total += count;
        if (total > HC1_SGL_MAX_DESCS) {
            trace_hc1_err_sgl(addr, dlen, type);
            return HC1_SC_INVALID_SGL;
        }
        seg = g_renew(struct hc1_sgl_desc, seg, count);
        if (!hc1_dma_read(s, addr, seg, dlen)) {
            return HC1_SC_DATA_XFER_ERROR;
        }
        for (uint32_t i = 0; i < count; i++) {
            uint8_t t = seg[i].type >> HC1_SGL_TYPE_SHIFT;

            if (t == HC1_SGL_TYPE_DATA) {
                if (!hc1_sg_add(sg, le64_to_cpu(seg[i].addr),
                                le32_to_cpu(seg[i].len))) {
                    trace_hc1_err_sgl(le64_to_cpu(seg[i].addr),
                                      le32_to_cpu(seg[i].len), t);
                    return HC1_SC_INVALID_SGL;
                }
            } else if ((t == HC1_SGL_TYPE_SEGMENT ||
                        t == HC1_SGL_TYPE_LAST_SEG) &&
                       i == count - 1 && type == HC1_SGL_TYPE_SEGMENT) {
                d = seg[i];
                chained = true;
            } else {
                trace_hc1_err_sgl(le64_to_cpu(seg[i].addr),
                                  le32_to_cpu(seg[i].len), t);
                return HC1_SC_INVALID_SGL;
            }
        }
        if (!chained || sg->len >= len) {
            return HC1_SC_SUCCESS;
        }
    }
}

/*
 * Describe the @len bytes of a command's data pointer. The list may be
 * longer than @len (the excess is not touched) but never shorter.
 */
uint16_t hc1_dma_map(Hc1State *s, const struct hc1_sqe *sqe, uint64_t len,
                     Hc1Sg *sg)
{
    uint16_t sc;

    memset(sg, 0, sizeof(*sg));
    if (!len) {
        return HC1_SC_SUCCESS;
    }
    switch (sqe->flags & HC1_SQE_FLAGS_PSDT_MASK) {
    case HC1_SQE_PSDT_PRP:
        sc = hc1_map_prp(s, le64_to_cpu(sqe->dptr1), le64_to_cpu(sqe->dptr2),
                         len, sg);
        break;
    case HC1_SQE_PSDT_SGL: {
        struct hc1_sgl_desc d;

        memcpy(&d, &sqe->dptr1, sizeof(d));
        sc = hc1_map_sgl(s, &d, len, sg);
        if (sc == HC1_SC_SUCCESS && sg->len < len) {
            trace_hc1_err_sgl_short(sg->len, len);
            sc = HC1_SC_INVALID_SGL;
        }
        break;
    }
    default:
        trace_hc1_err_psdt(sqe->flags);
        sc = HC1_SC_INVALID_FIELD;
        break;
    }
    if (sc != HC1_SC_SUCCESS) {
        hc1_sg_free(sg);
    }
    return sc;
}

uint16_t hc1_sg_xfer(Hc1State *s, Hc1Sg *sg, void *buf, uint64_t len,
                     bool to_guest)
{
    uint8_t *p = buf;

    for (uint32_t i = 0; i < sg->n && len; i++) {
        uint64_t n = MIN(len, sg->seg[i].len);
        bool ok = to_guest ? hc1_dma_write(s, sg->seg[i].addr, p, n)
                           : hc1_dma_read(s, sg->seg[i].addr, p, n);

        if (!ok) {
            return HC1_SC_DATA_XFER_ERROR;
        }
        p += n;
        len -= n;
    }
    return len ? HC1_SC_DATA_XFER_ERROR : HC1_SC_SUCCESS;
}

uint16_t hc1_dptr_read(Hc1State *s, const struct hc1_sqe *sqe, void *buf,
                       uint64_t len)
{
    Hc1Sg sg;
    uint16_t sc = hc1_dma_map(s, sqe, len, &sg);

    if (sc == HC1_SC_SUCCESS) {
        sc = hc1_sg_xfer(s, &sg, buf, len, false);
        hc1_sg_free(&sg);
    }
    return sc;
}

uint16_t hc1_dptr_write(Hc1State *s, const struct hc1_sqe *sqe,
                        const void *buf, uint64_t len)
{
    Hc1Sg sg;
    uint16_t sc = hc1_dma_map(s, sqe, len, &sg);

    if (sc == HC1_SC_SUCCESS) {
        sc = hc1_sg_xfer(s, &sg, (void *)buf, len, true);
        hc1_sg_free(&sg);
    }
    return sc;
}
