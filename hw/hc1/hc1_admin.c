/*
 * HC1: the admin command set (queue 0).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "migration/misc.h"
#include "trace.h"
#include "hc1_int.h"

#define HC1_LORA_MAX_BYTES (256u << 20)

static uint32_t hc1_f32_bits(float f)
{
    uint32_t u;

    memcpy(&u, &f, sizeof(u));
    return u;
}

static uint32_t hc1_lora_max(Hc1State *s)
{
    return MIN(HC1_LORA_MAX_BYTES, s->sram_size);
}

static uint16_t hc1_identify(Hc1State *s, const struct hc1_sqe *sqe)
{
    uint32_t cns = le32_to_cpu(sqe->cdw10);
    PCIDevice *pci = PCI_DEVICE(s);
    const hc1_model_info *m = &s->info;

    if (cns == HC1_IDENTIFY_DEVICE) {
        g_autofree struct hc1_id_device *id = g_new0(struct hc1_id_device, 1);

        id->version = cpu_to_le32(HC1_IFACE_VERSION);
        id->cap = cpu_to_le32(HC1_CAP_SGL | HC1_CAP_INTX | HC1_CAP_MSIX |
                              HC1_CAP_FLR | HC1_CAP_TOP_LOGPROBS |
                              HC1_CAP_SELFTEST |
                              (s->lora_slots ? HC1_CAP_LORA_LOAD |
                                               HC1_CAP_LORA_APPLY : 0));
        id->max_contexts = cpu_to_le32(s->max_contexts);
        id->kv_capacity = cpu_to_le32(s->kv_capacity);
        id->kv_token_bytes = cpu_to_le32(s->kv_token_bytes);
        id->lora_slots = cpu_to_le32(s->lora_slots);
        id->sram_size = cpu_to_le64(s->sram_size);
        id->max_top_k = cpu_to_le32(HC1_MAX_TOP_K);
        id->max_batch = cpu_to_le32(s->max_batch);
        id->max_io_queues = cpu_to_le32(HC1_MAX_IO_QUEUES);
        id->max_queue_entries = cpu_to_le32(HC1_MAX_QUEUE_ENTRIES);
        id->msix_vectors = cpu_to_le32(HC1_MSIX_VECTORS);
        id->max_top_logprobs = cpu_to_le32(HC1_MAX_TOP_LOGPROBS);
        id->max_stop_seqs = cpu_to_le32(HC1_MAX_STOP_SEQS);
        id->max_stop_len = cpu_to_le32(HC1_MAX_STOP_LEN);
        id->max_ctx_tokens = cpu_to_le32(s->max_ctx_tokens);
        id->aer_limit = cpu_to_le32(HC1_AER_LIMIT);
        id->max_sgl_descs = cpu_to_le32(HC1_SGL_MAX_DESCS);
        id->lora_max_bytes = cpu_to_le32(hc1_lora_max(s));
        id->power_max_mw = cpu_to_le32(HC1_POWER_MAX_MW);
        id->power_idle_mw = cpu_to_le32(HC1_POWER_IDLE_MW);
        id->temp_trip_mc = cpu_to_le32(HC1_TEMP_TRIP_MC);
        id->error_log_entries = cpu_to_le32(HC1_ERROR_LOG_ENTRIES);
        snprintf(id->serial, sizeof(id->serial),
                 "HC1V-%02x%02x-%02x%02x%02x%02x",
                 pci_dev_bus_num(pci), pci->devfn, s->model_id[0],
                 s->model_id[1], s->model_id[2], s->model_id[3]);
        snprintf(id->firmware, sizeof(id->firmware), "qemu-hc1 %d.%d",
                 HC1_IFACE_MAJOR, HC1_IFACE_MINOR);
        return hc1_dptr_write(s, sqe, id, sizeof(*id));
    }
    if (cns == HC1_IDENTIFY_MODEL) {
        g_autofree struct hc1_id_model *id = g_new0(struct hc1_id_model, 1);

        memcpy(id->model_id, s->model_id, 32);
        memcpy(id->tokenizer_id, s->tokenizer_id, 32);
        id->rom_size = cpu_to_le64(g_mapped_file_get_length(s->rom));
        id->weight_bytes = cpu_to_le64(m->weight_bytes);
        id->n_vocab = cpu_to_le32(m->n_vocab);
        id->n_ctx_train = cpu_to_le32(m->n_ctx_train);
        id->n_embd = cpu_to_le32(m->n_embd);
        id->n_layer = cpu_to_le32(m->n_layer);
        id->n_head = cpu_to_le32(m->n_head);
        id->n_head_kv = cpu_to_le32(m->n_head_kv);
        id->head_dim = cpu_to_le32(m->head_dim);
        id->n_ff = cpu_to_le32(m->n_ff);
        id->rope_theta = cpu_to_le32(hc1_f32_bits(m->rope_theta));
        id->norm_eps = cpu_to_le32(hc1_f32_bits(m->norm_eps));
        id->weight_type = cpu_to_le32(m->weight_type);
        id->flags = cpu_to_le32((m->has_rope_freqs ? HC1_MODEL_F_ROPE_FREQS
                                                   : 0) |
                                (m->tied_output ? HC1_MODEL_F_TIED_OUTPUT
                                                : 0));
        id->bos_id = cpu_to_le32(m->bos_id);
        id->eos_id = cpu_to_le32(m->eos_id);
        id->eot_id = cpu_to_le32(m->eot_id);
        id->eom_id = cpu_to_le32(m->eom_id);
        id->tokblob_size = cpu_to_le32(s->tokblob_len);
        memcpy(id->name, m->name, MIN(sizeof(id->name), sizeof(m->name)));
        id->name[sizeof(id->name) - 1] = 0;
        return hc1_dptr_write(s, sqe, id, sizeof(*id));
    }
    return HC1_SC_INVALID_FIELD;
}

static void hc1_stats_page(Hc1State *s, struct hc1_stats_log *p)
{
    memset(p, 0, sizeof(*p));
    qemu_mutex_lock(&s->wlock);
    p->tokens_decoded = cpu_to_le64(s->tok_decoded);
    p->tokens_prefilled = cpu_to_le64(s->tok_prefilled);
    p->busy_us = cpu_to_le64(s->busy_ns / 1000);
    p->decode_steps = cpu_to_le64(s->decode_steps);
    p->batch_tokens = cpu_to_le64(s->batch_tokens);
    qemu_mutex_unlock(&s->wlock);
    p->energy_mj = cpu_to_le64(s->energy_uj / 1000);
    p->commands = cpu_to_le64(s->commands);
    p->errors = cpu_to_le64(s->errors);
    p->uptime_ms = cpu_to_le64((qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) -
                                s->boot_ns) / 1000000);
    p->contexts_created = cpu_to_le64(s->contexts_created);
    p->stream_records = cpu_to_le64(s->stream_records);
    p->interrupts = cpu_to_le64(s->interrupts);
    p->dropped_cqes = cpu_to_le64(s->dropped_cqes);
    p->thermal_trips = cpu_to_le32(s->thermal_trips);
    p->temp_mc = cpu_to_le32(s->temp_mc);
    p->power_mw = cpu_to_le32(s->power_mw);
    p->power_cap_mw = cpu_to_le32(s->power_cap_mw);
    p->contexts_used = cpu_to_le32(s->n_ctx_used);
    p->sram_used = cpu_to_le64(s->sram_used);
}

static uint16_t hc1_get_log_page(Hc1State *s, const struct hc1_sqe *sqe)
{
    uint32_t lid = le32_to_cpu(sqe->cdw10);
    uint32_t len = le32_to_cpu(sqe->cdw11);
    uint32_t off = le32_to_cpu(sqe->cdw12);
    g_autofree uint8_t *page = NULL;
    uint32_t size;

    switch (lid) {
    case HC1_LOG_ERROR:
        size = HC1_ERROR_LOG_SIZE;
        page = g_malloc0(size);
        for (uint32_t i = 0; i < HC1_ERROR_LOG_ENTRIES; i++) {
            uint32_t idx = (s->err_next + HC1_ERROR_LOG_ENTRIES - 1 - i) %
                           HC1_ERROR_LOG_ENTRIES;
            memcpy(page + i * sizeof(struct hc1_error_entry),
                   &s->errlog[idx], sizeof(struct hc1_error_entry));
        }
        break;
    case HC1_LOG_STATS:
        size = sizeof(struct hc1_stats_log);
        page = g_malloc0(size);
        hc1_stats_page(s, (struct hc1_stats_log *)page);
        break;
    default:
        return HC1_SC_INVALID_LOG;
    }
    if (!len || len % 4 || off % 4 || off >= size || len > size - off) {
        return HC1_SC_INVALID_FIELD;
    }
    return hc1_dptr_write(s, sqe, page + off, len);
}

static uint16_t hc1_features(Hc1State *s, const struct hc1_sqe *sqe,
                             bool set, uint32_t *dw0, uint32_t *dw1)
{
    uint32_t fid = le32_to_cpu(sqe->cdw10);
    uint32_t v = le32_to_cpu(sqe->cdw11);
    uint32_t v2 = le32_to_cpu(sqe->cdw12);

    switch (fid) {
    case HC1_FEAT_POWER_CAP:
        if (set) {
            if (v < HC1_POWER_CAP_MIN_MW || v > HC1_POWER_MAX_MW) {
                return HC1_SC_INVALID_FIELD;
            }
            s->power_cap_mw = v;
        }
        *dw0 = s->power_cap_mw;
        break;
    case HC1_FEAT_COALESCING:
        if (set) {
            if (!v || v > HC1_COAL_TOKENS_MAX || v2 > HC1_COAL_TIMEOUT_MAX) {
                return HC1_SC_INVALID_FIELD;
            }
            s->coal_tokens = v;
            s->coal_timeout_us = v2;
        }
        *dw0 = s->coal_tokens;
        *dw1 = s->coal_timeout_us;
        break;
    case HC1_FEAT_AEN_MASK:
        if (set) {
            if (v & ~HC1_AEN_MASK_ALL) {
                return HC1_SC_INVALID_FIELD;
            }
            s->aen_mask = v;
        }
        *dw0 = s->aen_mask;
        break;
    default:
        return HC1_SC_INVALID_FEATURE;
    }
    trace_hc1_feature(set, fid, *dw0, *dw1);
    return HC1_SC_SUCCESS;
}

static uint16_t hc1_get_tokenizer(Hc1State *s, const struct hc1_sqe *sqe,
                                  uint32_t *dw0)
{
    uint32_t section = le32_to_cpu(sqe->cdw10);
    uint64_t off = le32_to_cpu(sqe->cdw11) |
                   (uint64_t)le32_to_cpu(sqe->cdw12) << 32;
    uint32_t len = le32_to_cpu(sqe->cdw13);

    if (section != HC1_TOK_SECTION_BLOB) {
        return HC1_SC_INVALID_FIELD;
    }
    if (!s->tokblob) {
        return HC1_SC_UNSUPPORTED;
    }
    *dw0 = s->tokblob_len;
    if (!len) {
        return HC1_SC_SUCCESS;
    }
    if (len > HC1_TOK_MAX_XFER || off > s->tokblob_len ||
        len > s->tokblob_len - off) {
        return HC1_SC_INVALID_FIELD;
    }
    trace_hc1_tokenizer_xfer(off, len);
    return hc1_dptr_write(s, sqe, s->tokblob + off, len);
}

void hc1_lora_slot_free(Hc1State *s, uint32_t slot)
{
    Hc1Lora *l = &s->lora[slot];

    s->sram_used -= l->size;
    hc1_adapter_unref(s, l->ad);
    g_free(l->data);
    memset(l, 0, sizeof(*l));
}

/*
 * The data is read here, under the BQL (DMA is the main loop's); the
 * CRC check and the conversion, which take seconds for a large adapter,
 * run on the compute worker (hc1_worker.c) and hc1_lora_bh() completes
 * the command. The admin queue waits for it meanwhile.
 */
static uint16_t hc1_load_lora(Hc1State *s, const struct hc1_sqe *sqe)
{
    uint32_t slot = le32_to_cpu(sqe->cdw10);
    uint32_t len = le32_to_cpu(sqe->cdw11);
    g_autofree uint8_t *buf = NULL;
    Hc1LoraJob *j;
    uint16_t sc;

    if (slot >= s->lora_slots) {
        return HC1_SC_INVALID_SLOT;
    }
    if (s->lora[slot].loaded) {
        return HC1_SC_SLOT_IN_USE;
    }
    if (!len || len > hc1_lora_max(s)) {
        return HC1_SC_INVALID_FIELD;
    }
    if (len > s->sram_size - s->sram_used) {
        trace_hc1_err_sram_full(len, s->sram_used, s->sram_size);
        return HC1_SC_SRAM_FULL;
    }
    /*
     * A migration that started before anything blocked it has already
     * taken the card's state: an adapter loaded now would not go along.
     */
    if (!s->migration_blocker && migration_is_running()) {
        return HC1_SC_BUSY;
    }
    buf = g_try_malloc(len);
    if (!buf) {
        return HC1_SC_SRAM_FULL;
    }
    sc = hc1_dptr_read(s, sqe, buf, len);
    if (sc != HC1_SC_SUCCESS) {
        return sc;
    }
    j = g_new0(Hc1LoraJob, 1);
    j->cid = le16_to_cpu(sqe->cid);
    j->slot = slot;
    j->len = len;
    j->crc = le32_to_cpu(sqe->cdw12);
    j->buf = g_steal_pointer(&buf);
    /*
     * The image is in SRAM from now on: no context may take that space
     * while the adapter is being converted.
     */
    s->sram_used += len;
    s->lora_job = j;
    trace_hc1_lora_submit(slot, len);
    qemu_mutex_lock(&s->wlock);
    QTAILQ_INSERT_TAIL(&s->lora_jobs, j, next);
    qemu_cond_signal(&s->wcond);
    qemu_mutex_unlock(&s->wlock);
    return HC1_SC_DEFERRED;
}

/* Install a converted adapter in its slot and complete LOAD_LORA. BQL. */
static void hc1_lora_finish(Hc1State *s, Hc1LoraJob *j)
{
    uint32_t dw0 = 0, dw1 = 0;
    uint64_t size;
    uint16_t sc;

    s->lora_job = NULL;
    s->sram_used -= j->len;
    if (s->csts & HC1_CSTS_CFS) {
        /* The card stopped meanwhile: nothing more completes. */
        hc1_lora_job_free(s, j);
        return;
    }
    if (j->crc_got != j->crc) {
        trace_hc1_err_lora_crc(j->slot, j->crc, j->crc_got);
        sc = HC1_SC_CHECKSUM;
        goto out;
    }
    /* the card holds the image and, to apply it, the adapter's matrices */
    size = MAX(j->len, j->ad ? hc1_lora_sram_bytes(j->ad->lora) : 0);
    if (size > s->sram_size - s->sram_used) {
        trace_hc1_err_sram_full(size, s->sram_used, s->sram_size);
        sc = HC1_SC_SRAM_FULL;
        goto out;
    }
    s->lora[j->slot] = (Hc1Lora) {
        .loaded = true, .size = size, .crc = j->crc,
        .ad = g_steal_pointer(&j->ad), .data = g_steal_pointer(&j->buf),
    };
    s->sram_used += size;
    sc = HC1_SC_SUCCESS;
    dw0 = j->len;
    dw1 = s->lora[j->slot].ad ? HC1_LORA_F_APPLICABLE : 0;
    trace_hc1_lora_load(j->slot, j->len, size, !!s->lora[j->slot].ad);
out:
    hc1_complete(s, 0, j->cid, HC1_ADM_LOAD_LORA, sc, dw0, dw1);
    hc1_lora_job_free(s, j);
    hc1_update_migration_blocker(s);
    /* the admin queue fetches again */
    qemu_bh_schedule(s->sq_bh);
}

void hc1_lora_bh(void *opaque)
{
    Hc1State *s = opaque;
    Hc1LoraJob *j, *tmp;
    QTAILQ_HEAD(, Hc1LoraJob) done = QTAILQ_HEAD_INITIALIZER(done);

    qemu_mutex_lock(&s->wlock);
    QTAILQ_FOREACH_SAFE(j, &s->lora_jobs, next, tmp) {
        if (j->done) {
            QTAILQ_REMOVE(&s->lora_jobs, j, next);
            QTAILQ_INSERT_TAIL(&done, j, next);
        }
    }
    qemu_mutex_unlock(&s->wlock);
    while ((j = QTAILQ_FIRST(&done))) {
        QTAILQ_REMOVE(&done, j, next);
        hc1_lora_finish(s, j);
    }
}

void hc1_lora_jobs_cancel(Hc1State *s)
{
    Hc1LoraJob *j, *tmp;
    QTAILQ_HEAD(, Hc1LoraJob) drop = QTAILQ_HEAD_INITIALIZER(drop);

    qemu_mutex_lock(&s->wlock);
    QTAILQ_FOREACH_SAFE(j, &s->lora_jobs, next, tmp) {
        if (j->started && !j->done) {
            /* the worker frees it when the conversion returns */
            j->cancelled = true;
            continue;
        }
        QTAILQ_REMOVE(&s->lora_jobs, j, next);
        QTAILQ_INSERT_TAIL(&drop, j, next);
    }
    qemu_mutex_unlock(&s->wlock);
    while ((j = QTAILQ_FIRST(&drop))) {
        QTAILQ_REMOVE(&drop, j, next);
        trace_hc1_lora_cancelled(j->slot);
        hc1_lora_job_free(s, j);
    }
    /* its SRAM reservation goes with the rest of SRAM */
    s->lora_job = NULL;
}

static uint16_t hc1_unload_lora(Hc1State *s, const struct hc1_sqe *sqe)
{
    uint32_t slot = le32_to_cpu(sqe->cdw10);

    if (slot >= s->lora_slots || !s->lora[slot].loaded) {
        return HC1_SC_INVALID_SLOT;
    }
    if (s->lora[slot].users) {
        trace_hc1_err_lora_busy(slot, s->lora[slot].users);
        return HC1_SC_SLOT_IN_USE;
    }
    hc1_lora_slot_free(s, slot);
    trace_hc1_lora_unload(slot);
    hc1_update_migration_blocker(s);
    return HC1_SC_SUCCESS;
}

void hc1_admin_cmd(Hc1State *s, const struct hc1_sqe *sqe)
{
    uint16_t cid = le16_to_cpu(sqe->cid);
    uint32_t cdw10 = le32_to_cpu(sqe->cdw10);
    uint32_t cdw11 = le32_to_cpu(sqe->cdw11);
    uint32_t dw0 = 0, dw1 = 0;
    uint16_t sc;

    trace_hc1_admin_cmd(cid, sqe->opcode);
    switch (sqe->opcode) {
    case HC1_ADM_CREATE_CQ:
        sc = hc1_create_cq(s, cdw10 & HC1_QCMD_QID_MASK,
                           cdw10 >> HC1_QCMD_SIZE_SHIFT,
                           le64_to_cpu(sqe->dptr1),
                           cdw11 & HC1_CQ_VECTOR_MASK, cdw11 & HC1_CQ_IEN);
        break;
    case HC1_ADM_CREATE_SQ:
        sc = hc1_create_sq(s, cdw10 & HC1_QCMD_QID_MASK,
                           cdw10 >> HC1_QCMD_SIZE_SHIFT,
                           le64_to_cpu(sqe->dptr1),
                           cdw11 & HC1_SQ_CQID_MASK);
        break;
    case HC1_ADM_DELETE_SQ:
        sc = hc1_delete_sq(s, cdw10 & HC1_QCMD_QID_MASK);
        break;
    case HC1_ADM_DELETE_CQ:
        sc = hc1_delete_cq(s, cdw10 & HC1_QCMD_QID_MASK);
        break;
    case HC1_ADM_IDENTIFY:
        sc = hc1_identify(s, sqe);
        break;
    case HC1_ADM_GET_LOG_PAGE:
        sc = hc1_get_log_page(s, sqe);
        break;
    case HC1_ADM_SET_FEATURES:
        sc = hc1_features(s, sqe, true, &dw0, &dw1);
        break;
    case HC1_ADM_GET_FEATURES:
        sc = hc1_features(s, sqe, false, &dw0, &dw1);
        break;
    case HC1_ADM_ASYNC_EVENT:
        sc = hc1_aer_request(s, cid);
        break;
    case HC1_ADM_GET_TOKENIZER:
        sc = hc1_get_tokenizer(s, sqe, &dw0);
        break;
    case HC1_ADM_LOAD_LORA:
        sc = hc1_load_lora(s, sqe);
        break;
    case HC1_ADM_UNLOAD_LORA:
        sc = hc1_unload_lora(s, sqe);
        break;
    default:
        trace_hc1_ub_opcode(0, sqe->opcode);
        sc = HC1_SC_INVALID_OPCODE;
        break;
    }
    if (sc != HC1_SC_DEFERRED) {
        hc1_complete(s, 0, cid, sqe->opcode, sc, dw0, dw1);
    }
}
