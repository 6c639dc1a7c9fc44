/*
 * HC1: the self-test facility, for driver probe and firmware bring-up:
 * the scratch register (hc1_regs.c), a DMA fill and verify engine, and a
 * test interrupt on any vector.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "trace.h"
#include "hc1_int.h"

void hc1_selftest_cmd(Hc1State *s, uint32_t cmd)
{
    g_autofree uint32_t *buf = NULL;
    uint32_t words = s->st_len / 4;

    s->st_result = 0;
    if ((cmd != HC1_ST_CMD_FILL && cmd != HC1_ST_CMD_VERIFY) ||
        !s->st_len || s->st_len % 4 || s->st_len > HC1_ST_DMA_MAX_LEN ||
        s->st_addr + s->st_len - 1 < s->st_addr) {
        trace_hc1_ub_selftest_args(cmd, s->st_addr, s->st_len);
        s->st_status = HC1_ST_STS_DONE | HC1_ST_STS_BAD_ARGS;
        return;
    }
    /*
     * The transfer is done before the store returns: BUSY is never seen
     * by the guest in this model, but drivers must poll for DONE.
     */
    buf = g_new(uint32_t, words);
    if (cmd == HC1_ST_CMD_FILL) {
        for (uint32_t i = 0; i < words; i++) {
            buf[i] = cpu_to_le32(s->st_pattern + i);
        }
        s->st_status = hc1_dma_write(s, s->st_addr, buf, s->st_len)
                       ? HC1_ST_STS_DONE
                       : HC1_ST_STS_DONE | HC1_ST_STS_DMA_ERR;
    } else {
        s->st_status = HC1_ST_STS_DONE;
        if (!hc1_dma_read(s, s->st_addr, buf, s->st_len)) {
            s->st_status |= HC1_ST_STS_DMA_ERR;
        } else {
            for (uint32_t i = 0; i < words; i++) {
                uint32_t want = cpu_to_le32(s->st_pattern + i);

                if (buf[i] != want) {
                    const uint8_t *a = (const uint8_t *)&buf[i];
                    const uint8_t *b = (const uint8_t *)&want;
                    uint32_t j = 0;

                    while (a[j] == b[j]) {
                        j++;
                    }
                    s->st_status |= HC1_ST_STS_MISMATCH;
                    s->st_result = i * 4 + j;
                    break;
                }
            }
        }
    }
    trace_hc1_selftest(cmd, s->st_addr, s->st_len, s->st_status);
}

void hc1_selftest_irq(Hc1State *s, uint32_t vector)
{
    if (vector >= HC1_MSIX_VECTORS) {
        trace_hc1_ub_selftest_irq(vector);
        return;
    }
    trace_hc1_selftest_irq(vector);
    hc1_irq_notify(s, vector);
}
