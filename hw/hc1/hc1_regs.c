/*
 * HC1: the BAR0 register file and the doorbell BAR.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/pci/msix.h"
#include "trace.h"
#include "hc1_int.h"

static uint32_t hc1_float_bits(float f)
{
    uint32_t u;

    memcpy(&u, &f, sizeof(u));
    return u;
}

static uint32_t hc1_model_reg(Hc1State *s, hwaddr addr)
{
    const hc1_model_info *m = &s->info;

    if (!hc1_booted(s)) {
        return 0;
    }
    if (addr >= HC1_REG_MODEL_ID(0) && addr < HC1_REG_MODEL_ID(8)) {
        return ldl_le_p(&s->model_id[addr - HC1_REG_MODEL_ID(0)]);
    }
    if (addr >= HC1_REG_TOKENIZER_ID(0) && addr < HC1_REG_TOKENIZER_ID(8)) {
        return ldl_le_p(&s->tokenizer_id[addr - HC1_REG_TOKENIZER_ID(0)]);
    }
    switch (addr) {
    case HC1_REG_N_VOCAB:
        return m->n_vocab;
    case HC1_REG_N_CTX_TRAIN:
        return m->n_ctx_train;
    case HC1_REG_N_EMBD:
        return m->n_embd;
    case HC1_REG_N_LAYER:
        return m->n_layer;
    case HC1_REG_N_HEAD:
        return m->n_head;
    case HC1_REG_N_HEAD_KV:
        return m->n_head_kv;
    case HC1_REG_HEAD_DIM:
        return m->head_dim;
    case HC1_REG_N_FF:
        return m->n_ff;
    case HC1_REG_WEIGHT_TYPE:
        return m->weight_type;
    case HC1_REG_BOS_ID:
        return m->bos_id;
    case HC1_REG_EOS_ID:
        return m->eos_id;
    case HC1_REG_EOT_ID:
        return m->eot_id;
    case HC1_REG_EOM_ID:
        return m->eom_id;
    case HC1_REG_TOKBLOB_SIZE:
        return s->tokblob_len;
    case HC1_REG_ROPE_THETA:
        return hc1_float_bits(m->rope_theta);
    case HC1_REG_KV_CAPACITY:
        return s->kv_capacity;
    case HC1_REG_KV_TOKEN_BYTES:
        return s->kv_token_bytes;
    case HC1_REG_MAX_CTX_TOKENS:
        return s->max_ctx_tokens;
    }
    return 0;
}

static uint32_t hc1_cap(Hc1State *s)
{
    return HC1_CAP_SGL | HC1_CAP_INTX | HC1_CAP_MSIX | HC1_CAP_FLR |
           HC1_CAP_TOP_LOGPROBS | HC1_CAP_SELFTEST |
           (s->lora_slots ? HC1_CAP_LORA_LOAD | HC1_CAP_LORA_APPLY : 0);
}

static uint64_t hc1_regs_read(void *opaque, hwaddr addr, unsigned size)
{
    Hc1State *s = opaque;
    uint64_t rom_size = s->rom ? g_mapped_file_get_length(s->rom) : 0;
    uint64_t v64;
    uint32_t val = 0;
    bool hi = addr & 4;

    switch (addr) {
    case HC1_REG_MAGIC:
        val = HC1_MAGIC;
        break;
    case HC1_REG_VERSION:
        val = HC1_IFACE_VERSION;
        break;
    case HC1_REG_ROM_SIZE_LO:
    case HC1_REG_ROM_SIZE_HI:
        val = hi ? rom_size >> 32 : (uint32_t)rom_size;
        break;
    case HC1_REG_SCRATCH:
        val = s->scratch;
        break;
    case HC1_REG_MODEL_ID(0) ... HC1_REG_ROPE_THETA:
    case HC1_REG_KV_CAPACITY:
    case HC1_REG_KV_TOKEN_BYTES:
    case HC1_REG_MAX_CTX_TOKENS:
        val = hc1_model_reg(s, addr);
        break;
    case HC1_REG_CAP:
        val = hc1_cap(s);
        break;
    case HC1_REG_MAX_CONTEXTS:
        val = s->max_contexts;
        break;
    case HC1_REG_SRAM_SIZE_LO:
    case HC1_REG_SRAM_SIZE_HI:
        val = hi ? s->sram_size >> 32 : (uint32_t)s->sram_size;
        break;
    case HC1_REG_LORA_SLOTS:
        val = s->lora_slots;
        break;
    case HC1_REG_MAX_TOP_K:
        val = HC1_MAX_TOP_K;
        break;
    case HC1_REG_MAX_BATCH:
        val = s->max_batch;
        break;
    case HC1_REG_MAX_IO_QUEUES:
        val = HC1_MAX_IO_QUEUES;
        break;
    case HC1_REG_MAX_QUEUE_ENTRIES:
        val = HC1_MAX_QUEUE_ENTRIES;
        break;
    case HC1_REG_MSIX_VECTORS:
        val = HC1_MSIX_VECTORS;
        break;
    case HC1_REG_MAX_TOP_LOGPROBS:
        val = HC1_MAX_TOP_LOGPROBS;
        break;
    case HC1_REG_STOP_LIMITS:
        val = HC1_MAX_STOP_SEQS |
              (HC1_MAX_STOP_LEN << HC1_STOP_LIMITS_LEN_SHIFT);
        break;
    case HC1_REG_DB_STRIDE:
        val = HC1_DB_STRIDE;
        break;
    case HC1_REG_CC:
        val = s->cc;
        break;
    case HC1_REG_CSTS:
        val = s->csts;
        qemu_mutex_lock(&s->wlock);
        if (s->tripped) {
            val |= HC1_CSTS_TRIPPED;
        }
        if (s->throttle_pct < 100) {
            val |= HC1_CSTS_THROTTLED;
        }
        qemu_mutex_unlock(&s->wlock);
        if (hc1_compute_in_flight(s)) {
            val |= HC1_CSTS_BUSY;
        }
        break;
    case HC1_REG_FATAL_CODE:
        val = s->fatal_code;
        break;
    case HC1_REG_SRAM_USED_LO:
    case HC1_REG_SRAM_USED_HI:
        val = hi ? s->sram_used >> 32 : (uint32_t)s->sram_used;
        break;
    case HC1_REG_CONTEXTS_USED:
        val = s->n_ctx_used;
        break;
    case HC1_REG_AQA:
        val = s->aqa;
        break;
    case HC1_REG_ASQ_LO:
    case HC1_REG_ASQ_HI:
        val = hi ? s->asq >> 32 : (uint32_t)s->asq;
        break;
    case HC1_REG_ACQ_LO:
    case HC1_REG_ACQ_HI:
        val = hi ? s->acq >> 32 : (uint32_t)s->acq;
        break;
    case HC1_REG_INTSTS:
        val = s->intsts;
        break;
    case HC1_REG_INTMASK:
        val = s->intmask;
        break;
    case HC1_REG_INTMODE:
        val = msix_enabled(PCI_DEVICE(s)) ? HC1_INTMODE_MSIX
                                          : HC1_INTMODE_INTX;
        break;
    case HC1_REG_COAL_TOKENS:
        val = s->coal_tokens;
        break;
    case HC1_REG_COAL_TIMEOUT_US:
        val = s->coal_timeout_us;
        break;
    case HC1_REG_TEMP_MC:
        val = s->temp_mc;
        break;
    case HC1_REG_POWER_MW:
        val = s->power_mw;
        break;
    case HC1_REG_POWER_CAP_MW:
        val = s->power_cap_mw;
        break;
    case HC1_REG_THROTTLE_PCT:
        qemu_mutex_lock(&s->wlock);
        val = s->throttle_pct;
        qemu_mutex_unlock(&s->wlock);
        break;
    case HC1_REG_ENERGY_MJ_LO:
    case HC1_REG_ENERGY_MJ_HI:
        v64 = s->energy_uj / 1000;
        val = hi ? v64 >> 32 : (uint32_t)v64;
        break;
    case HC1_REG_TOK_DECODED_LO:
    case HC1_REG_TOK_DECODED_HI:
    case HC1_REG_TOK_PREFILLED_LO:
    case HC1_REG_TOK_PREFILLED_HI:
    case HC1_REG_BUSY_US_LO:
    case HC1_REG_BUSY_US_HI:
        qemu_mutex_lock(&s->wlock);
        v64 = addr < HC1_REG_TOK_PREFILLED_LO ? s->tok_decoded :
              addr < HC1_REG_BUSY_US_LO ? s->tok_prefilled :
              s->busy_ns / 1000;
        qemu_mutex_unlock(&s->wlock);
        val = hi ? v64 >> 32 : (uint32_t)v64;
        break;
    case HC1_REG_THERMAL_TRIPS:
        val = s->thermal_trips;
        break;
    case HC1_REG_CMDS_COMPLETED:
        val = s->commands;
        break;
    case HC1_REG_ERRORS:
        val = s->errors;
        break;
    case HC1_REG_UTIL_PCT:
        val = s->util_pct;
        break;
    case HC1_REG_BOOT_STATUS:
        val = qatomic_read(&s->boot_status);
        break;
    case HC1_REG_HEARTBEAT:
        val = s->heartbeat;
        break;
    case HC1_REG_UPTIME_MS:
        val = (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - s->boot_ns) /
              1000000;
        break;
    case HC1_REG_ST_DMA_ADDR_LO:
    case HC1_REG_ST_DMA_ADDR_HI:
        val = hi ? s->st_addr >> 32 : (uint32_t)s->st_addr;
        break;
    case HC1_REG_ST_DMA_LEN:
        val = s->st_len;
        break;
    case HC1_REG_ST_DMA_PATTERN:
        val = s->st_pattern;
        break;
    case HC1_REG_ST_DMA_STATUS:
        val = s->st_status;
        break;
    case HC1_REG_ST_DMA_RESULT:
        val = s->st_result;
        break;
    case HC1_REG_ST_DMA_CMD:
    case HC1_REG_ST_IRQ:
        break;
    default:
        trace_hc1_ub_mmio_read_unknown(addr);
        break;
    }
    trace_hc1_mmio_read(addr, val);
    return val;
}

static void hc1_cc_write(Hc1State *s, uint32_t val)
{
    bool was = s->cc & HC1_CC_EN;
    bool en = val & HC1_CC_EN;

    if (val & ~HC1_CC_EN) {
        trace_hc1_ub_mmio_write_reserved(HC1_REG_CC, val);
    }
    s->cc = val & HC1_CC_EN;
    if (en && !was) {
        trace_hc1_cc_enable();
        if (!hc1_booted(s)) {
            /* RDY follows when boot completes (or CFS if it fails). */
            if ((qatomic_read(&s->boot_status) & HC1_BOOT_STAGE_MASK) ==
                HC1_BOOT_FAILED) {
                hc1_fatal(s, HC1_FATAL_BOOT);
            }
            return;
        }
        if (hc1_admin_enable(s)) {
            s->csts |= HC1_CSTS_RDY;
        }
    } else if (!en && was) {
        trace_hc1_cc_disable();
        hc1_controller_reset(s);
    }
}

static void hc1_regs_write(void *opaque, hwaddr addr, uint64_t val64,
                           unsigned size)
{
    Hc1State *s = opaque;
    uint32_t val = val64;
    bool hi = addr & 4;

    trace_hc1_mmio_write(addr, val);
    switch (addr) {
    case HC1_REG_SCRATCH:
        s->scratch = val;
        break;
    case HC1_REG_CC:
        hc1_cc_write(s, val);
        break;
    case HC1_REG_AQA:
    case HC1_REG_ASQ_LO:
    case HC1_REG_ASQ_HI:
    case HC1_REG_ACQ_LO:
    case HC1_REG_ACQ_HI:
        if (s->cc & HC1_CC_EN) {
            trace_hc1_ub_mmio_write_enabled(addr, val);
            break;
        }
        if (addr == HC1_REG_AQA) {
            s->aqa = val;
        } else if (addr <= HC1_REG_ASQ_HI) {
            s->asq = deposit64(s->asq, hi ? 32 : 0, 32, val);
        } else {
            s->acq = deposit64(s->acq, hi ? 32 : 0, 32, val);
        }
        break;
    case HC1_REG_INTSTS:
        s->intsts &= ~val;
        hc1_irq_update(s);
        break;
    case HC1_REG_INTMASK:
        s->intmask = val & ((1u << HC1_MSIX_VECTORS) - 1);
        hc1_irq_update(s);
        break;
    case HC1_REG_COAL_TOKENS:
        if (!val || val > HC1_COAL_TOKENS_MAX) {
            trace_hc1_ub_mmio_write_range(addr, val);
            val = MIN(MAX(val, 1), HC1_COAL_TOKENS_MAX);
        }
        s->coal_tokens = val;
        break;
    case HC1_REG_COAL_TIMEOUT_US:
        if (val > HC1_COAL_TIMEOUT_MAX) {
            trace_hc1_ub_mmio_write_range(addr, val);
            val = HC1_COAL_TIMEOUT_MAX;
        }
        s->coal_timeout_us = val;
        break;
    case HC1_REG_POWER_CAP_MW:
        if (val < HC1_POWER_CAP_MIN_MW || val > HC1_POWER_MAX_MW) {
            trace_hc1_ub_mmio_write_range(addr, val);
            val = MIN(MAX(val, HC1_POWER_CAP_MIN_MW), HC1_POWER_MAX_MW);
        }
        s->power_cap_mw = val;
        break;
    case HC1_REG_ST_DMA_ADDR_LO:
    case HC1_REG_ST_DMA_ADDR_HI:
        s->st_addr = deposit64(s->st_addr, hi ? 32 : 0, 32, val);
        break;
    case HC1_REG_ST_DMA_LEN:
        s->st_len = val;
        break;
    case HC1_REG_ST_DMA_PATTERN:
        s->st_pattern = val;
        break;
    case HC1_REG_ST_DMA_CMD:
        hc1_selftest_cmd(s, val);
        break;
    case HC1_REG_ST_IRQ:
        hc1_selftest_irq(s, val);
        break;
    case HC1_REG_MAGIC ... HC1_REG_ROM_SIZE_HI:
    case HC1_REG_MODEL_ID(0) ... HC1_REG_DB_STRIDE:
    case HC1_REG_CSTS ... HC1_REG_CONTEXTS_USED:
    case HC1_REG_INTMODE:
    case HC1_REG_TEMP_MC ... HC1_REG_POWER_MW:
    case HC1_REG_THROTTLE_PCT:
    case HC1_REG_ENERGY_MJ_LO ... HC1_REG_UPTIME_MS:
    case HC1_REG_ST_DMA_STATUS ... HC1_REG_ST_DMA_RESULT:
        trace_hc1_ub_mmio_write_ro(addr, val);
        break;
    default:
        trace_hc1_ub_mmio_write_unknown(addr, val);
        break;
    }
}

const MemoryRegionOps hc1_regs_ops = {
    .read = hc1_regs_read,
    .write = hc1_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

static uint64_t hc1_db_read(void *opaque, hwaddr addr, unsigned size)
{
    /* Doorbells are write-only. */
    trace_hc1_ub_db_read(addr);
    return 0;
}

static void hc1_db_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    hc1_doorbell_write(opaque, addr, val);
}

const MemoryRegionOps hc1_db_ops = {
    .read = hc1_db_read,
    .write = hc1_db_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};
