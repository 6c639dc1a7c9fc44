/*
 * HC1 hard-wired LLM inference card: PCI Express frontend.
 *
 * The card presents itself as a PCI Express endpoint of class 0x1200
 * (processing accelerator). The model it runs lives in a read-only ROM
 * image in GGUF format that the device maps, never copies.
 *
 * Usage:
 *   -device hc1[,rom=FILE.gguf][,vendor-id=ID][,device-id=ID]
 *              [,contexts=N][,sram-size=BYTES][,lora-slots=N]
 *              [,max-batch=N][,max-ctx-tokens=N][,threads=N]
 *
 *   rom             GGUF model image used as the card's mask ROM. A bare
 *                   file name is also looked up in QEMU's data
 *                   directories (-L); the default, hc1-default.gguf, is
 *                   the embedded model that images/ builds there.
 *   vendor-id       PCI vendor ID.
 *   device-id       PCI device ID.
 *   contexts        context slots (default 16, at most 64).
 *   sram-size       SRAM shared by KV caches and LoRA adapters
 *                   (default 512 MiB).
 *   lora-slots      LoRA adapter slots (default 4).
 *   max-batch       contexts decoded in one batched pass (default 16).
 *   max-ctx-tokens  KV tokens one context may reserve (default 8192,
 *                   never above the model's training context).
 *   threads         compute engine threads (default 0: one per host CPU).
 *
 * Fault injection (qom-set at run time, for driver developers):
 *   x-fault-dma-errors=N, x-fault-sram-ecc=CTX, x-fault-thermal-trip=on,
 *   x-fault-fatal=on, x-fault-drop-completions=N,
 *   x-fault-slow-completion-ms=MS. See docs/hc1-prm.rst.
 *
 * This file is the thin PCI/QOM shell: identity, BARs, MSI-X, FLR,
 * reset, boot and migration. The register file is hc1_regs.c, queues
 * hc1_queue.c, commands hc1_admin.c and hc1_ctx.c, DMA hc1_dma.c,
 * compute hc1_worker.c, telemetry hc1_telemetry.c, faults hc1_fault.c,
 * self-test hc1_selftest.c. The programming interface is
 * docs/hc1-prm.rst; the register map is hc1_hw.h.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/datadir.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "hw/pci/msix.h"
#include "hw/pci/pcie.h"
#include "hw/qdev-properties.h"
#include "migration/blocker.h"
#include "migration/vmstate.h"
#include "trace.h"
#include "hc1_int.h"

#define HC1_DEFAULT_ROM "hc1-default.gguf"
#define HC1_PCIE_CAP_OFFSET 0x80

bool hc1_booted(Hc1State *s)
{
    return (qatomic_read(&s->boot_status) & HC1_BOOT_STAGE_MASK) ==
           HC1_BOOT_READY;
}

/*
 * Map the ROM image read-only. A bare name that is not a readable file is
 * looked up in QEMU's data directories, where the embedded default model
 * is installed.
 */
static bool hc1_rom_open(Hc1State *s, Error **errp)
{
    const char *name = s->rom_path ? s->rom_path : HC1_DEFAULT_ROM;
    g_autofree char *path = NULL;
    g_autoptr(GError) gerr = NULL;
    const char *data;

    if (g_file_test(name, G_FILE_TEST_IS_REGULAR)) {
        path = g_strdup(name);
    } else {
        path = qemu_find_file(QEMU_FILE_TYPE_BIOS, name);
    }
    if (!path) {
        error_setg(errp, "hc1: ROM image '%s' not found; build the default "
                   "model (images/) or pass rom=FILE.gguf", name);
        return false;
    }

    s->rom = g_mapped_file_new(path, FALSE, &gerr);
    if (!s->rom) {
        error_setg(errp, "hc1: cannot map ROM image '%s': %s", path,
                   gerr->message);
        return false;
    }
    data = g_mapped_file_get_contents(s->rom);
    if (g_mapped_file_get_length(s->rom) < 4 || memcmp(data, "GGUF", 4)) {
        error_setg(errp, "hc1: ROM image '%s' is not a GGUF file", path);
        g_mapped_file_unref(s->rom);
        s->rom = NULL;
        return false;
    }
    trace_hc1_rom_mapped(path, g_mapped_file_get_length(s->rom));
    return true;
}

static void hc1_sha256(const void *data, size_t len, uint8_t out[32])
{
    g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);
    const uint8_t *p = data;
    gsize n = 32;

    while (len) {
        size_t chunk = MIN(len, (size_t)1 << 30);
        g_checksum_update(ck, p, chunk);
        p += chunk;
        len -= chunk;
    }
    g_checksum_get_digest(ck, out, &n);
}

static void hc1_set_boot(Hc1State *s, uint32_t stage, uint32_t err)
{
    qatomic_set(&s->boot_status, stage | (err << HC1_BOOT_ERR_SHIFT));
}

/*
 * Boot: what the card's management core does at power-on. It checks the
 * ROM (SHA-256, the model identity), brings up the compute engine, and
 * hashes the tokenizer. It runs on its own thread, like the card's own
 * core, so that a large ROM does not stall QEMU's start; the guest
 * watches BOOT_STATUS.
 */
static void *hc1_boot_thread(void *opaque)
{
    Hc1State *s = opaque;
    const uint8_t *rom = (const uint8_t *)g_mapped_file_get_contents(s->rom);
    size_t len = g_mapped_file_get_length(s->rom);
    hc1_engine_config cfg = { .n_threads = s->threads, .kv_type = HC1_KV_F16 };
    char err[256] = "";
    const void *blob = NULL;
    size_t blob_len = 0;
    hc1_status st;

    hc1_set_boot(s, HC1_BOOT_ROM_CHECK, 0);
    hc1_sha256(rom, len, s->model_id);

    hc1_set_boot(s, HC1_BOOT_ENGINE_INIT, 0);
    st = hc1_model_open_mem(rom, len, &s->model, err, sizeof(err));
    if (st != HC1_OK) {
        error_report("hc1: the ROM is not a usable model: %s (%s)",
                     hc1_status_str(st), err);
        hc1_set_boot(s, HC1_BOOT_FAILED, HC1_BOOT_ERR_MODEL);
        goto out;
    }
    s->info = *hc1_model_get_info(s->model);
    if (hc1_model_tokenizer_blob(s->model, &blob, &blob_len) == HC1_OK) {
        s->tokblob = blob;
        s->tokblob_len = blob_len;
        hc1_sha256(blob, blob_len, s->tokenizer_id);
    }
    st = hc1_engine_new(s->model, &cfg, &s->engine);
    if (st != HC1_OK) {
        error_report("hc1: the compute engine did not start: %s",
                     hc1_status_str(st));
        hc1_set_boot(s, HC1_BOOT_FAILED, HC1_BOOT_ERR_ENGINE);
        goto out;
    }
    s->kv_token_bytes = hc1_engine_kv_bytes_per_token(s->engine);
    if (!s->kv_token_bytes) {
        s->kv_token_bytes = 1;
    }
    s->kv_capacity = MIN(s->sram_size / s->kv_token_bytes, UINT32_MAX);
    s->max_ctx_tokens = MIN(MIN(s->max_ctx_tokens_prop, s->kv_capacity),
                            s->info.n_ctx_train ? s->info.n_ctx_train
                                                : UINT32_MAX);
    /* READY is published by the bottom half, under the BQL. */
out:
    qemu_bh_schedule(s->boot_bh);
    return NULL;
}

static void hc1_boot_done(void *opaque)
{
    Hc1State *s = opaque;

    qemu_thread_join(&s->boot_thread);
    s->boot_thread_started = false;
    if (!s->engine) {
        trace_hc1_err_boot(qatomic_read(&s->boot_status));
        if (s->cc & HC1_CC_EN) {
            hc1_fatal(s, HC1_FATAL_BOOT);
        }
        return;
    }
    hc1_worker_start(s);
    hc1_set_boot(s, HC1_BOOT_READY, 0);
    trace_hc1_boot_ready(s->info.n_vocab, s->kv_token_bytes,
                         s->kv_capacity);
    /* A driver that enabled the controller early now sees it ready. */
    if ((s->cc & HC1_CC_EN) && !(s->csts & (HC1_CSTS_CFS | HC1_CSTS_RDY))) {
        if (hc1_admin_enable(s)) {
            s->csts |= HC1_CSTS_RDY;
        }
    }
    /* Doorbells rung before (an incoming migration) are served now. */
    qemu_bh_schedule(s->sq_bh);
}

/*
 * Controller reset: what CC.EN 1 -> 0, a function-level reset and a bus
 * reset have in common. In-flight work is cancelled without completions,
 * queues, contexts and adapters are gone, and the registers a driver
 * programs return to their reset values. Boot state, the ROM and the
 * telemetry model are kept.
 */
void hc1_controller_reset(Hc1State *s)
{
    hc1_contexts_reset(s);
    hc1_queues_reset(s);
    hc1_lora_jobs_cancel(s);
    for (uint32_t i = 0; i < s->lora_slots; i++) {
        hc1_lora_slot_free(s, i);
    }
    s->sram_used = 0;
    s->csts = 0;
    s->fatal_code = HC1_FATAL_NONE;
    s->intsts = 0;
    s->coal_tokens = HC1_COAL_TOKENS_DEFAULT;
    s->coal_timeout_us = HC1_COAL_TIMEOUT_DEFAULT;
    s->aen_mask = HC1_AEN_MASK_ALL;
    s->n_aer = 0;
    s->n_aen = 0;
    hc1_irq_update(s);
    hc1_update_migration_blocker(s);
}

static void hc1_reset_hold(Object *obj, ResetType type)
{
    Hc1State *s = HC1(obj);

    trace_hc1_reset((int)type);
    hc1_controller_reset(s);
    s->cc = 0;
    s->aqa = 0;
    s->asq = 0;
    s->acq = 0;
    s->intmask = 0;
    s->scratch = 0;
    s->st_addr = 0;
    s->st_len = 0;
    s->st_pattern = 0;
    s->st_status = 0;
    s->st_result = 0;
    s->power_cap_mw = HC1_POWER_MAX_MW;
    memset(s->errlog, 0, sizeof(s->errlog));
    s->err_next = 0;
    s->err_seq = 0;
    hc1_telemetry_reset(s);
}

/*
 * Migration: registers and queue state migrate; contexts (their KV
 * cache lives in device SRAM), loaded adapters and commands in flight
 * do not, so while any exist migration is blocked with a reason.
 */
void hc1_update_migration_blocker(Hc1State *s)
{
    bool busy = s->n_ctx_used > 0 || s->sram_used > 0 ||
                !QTAILQ_EMPTY(&s->slow);

    for (int i = 0; i < HC1_NUM_QUEUES && !busy; i++) {
        busy = !QTAILQ_EMPTY(&s->cq[i].pending) ||
               (s->sq[i].valid && s->sq[i].outstanding > (i ? 0 : s->n_aer));
    }
    if (busy && !s->migration_blocker) {
        error_setg(&s->migration_blocker,
                   "hc1: %u context(s) with KV cache in device SRAM, "
                   "LoRA adapters or commands in flight cannot be migrated; "
                   "destroy the contexts or reset the device first",
                   s->n_ctx_used);
        if (migrate_add_blocker(&s->migration_blocker, NULL) < 0) {
            /* migrate_add_blocker freed the reason. */
            trace_hc1_err_migration_blocker();
        }
    } else if (!busy && s->migration_blocker) {
        migrate_del_blocker(&s->migration_blocker);
    }
}

static int hc1_pre_save(void *opaque)
{
    Hc1State *s = opaque;

    memcpy(s->mig_model_id, s->model_id, sizeof(s->model_id));
    return 0;
}

static int hc1_post_load(void *opaque, int version_id)
{
    Hc1State *s = opaque;

    /* The destination must run the same ROM. */
    if (hc1_booted(s) &&
        memcmp(s->mig_model_id, s->model_id, sizeof(s->model_id))) {
        error_report("hc1: migration source ran a different ROM");
        return -EINVAL;
    }

    for (int i = 0; i < HC1_NUM_QUEUES; i++) {
        if (s->sq[i].valid && (s->sq[i].size < HC1_MIN_QUEUE_ENTRIES ||
                               s->sq[i].size > HC1_MAX_QUEUE_ENTRIES ||
                               s->sq[i].head >= s->sq[i].size ||
                               s->sq[i].tail >= s->sq[i].size ||
                               s->sq[i].cqid >= HC1_NUM_QUEUES)) {
            return -EINVAL;
        }
        if (s->cq[i].valid && (s->cq[i].size < HC1_MIN_QUEUE_ENTRIES ||
                               s->cq[i].size > HC1_MAX_QUEUE_ENTRIES ||
                               s->cq[i].head >= s->cq[i].size ||
                               s->cq[i].tail >= s->cq[i].size)) {
            return -EINVAL;
        }
        s->sq[i].outstanding = 0;
    }
    s->sq[0].outstanding = s->n_aer;
    if (s->n_aer > HC1_AER_LIMIT || s->n_aen > HC1_AEN_QUEUE) {
        return -EINVAL;
    }
    hc1_irq_update(s);
    qemu_bh_schedule(s->sq_bh);
    return 0;
}

static const VMStateDescription hc1_vmstate_sq = {
    .name = "hc1/sq",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(valid, Hc1SQ),
        VMSTATE_UINT16(cqid, Hc1SQ),
        VMSTATE_UINT32(size, Hc1SQ),
        VMSTATE_UINT32(head, Hc1SQ),
        VMSTATE_UINT32(tail, Hc1SQ),
        VMSTATE_UINT64(base, Hc1SQ),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription hc1_vmstate_cq = {
    .name = "hc1/cq",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(valid, Hc1CQ),
        VMSTATE_UINT16(vector, Hc1CQ),
        VMSTATE_BOOL(ien, Hc1CQ),
        VMSTATE_BOOL(phase, Hc1CQ),
        VMSTATE_UINT32(size, Hc1CQ),
        VMSTATE_UINT32(head, Hc1CQ),
        VMSTATE_UINT32(tail, Hc1CQ),
        VMSTATE_UINT64(base, Hc1CQ),
        VMSTATE_UINT32(n_sqs, Hc1CQ),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription hc1_vmstate = {
    .name = TYPE_HC1,
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = hc1_pre_save,
    .post_load = hc1_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, Hc1State),
        VMSTATE_MSIX(parent_obj, Hc1State),
        VMSTATE_UINT8_ARRAY(mig_model_id, Hc1State, 32),
        VMSTATE_UINT32(scratch, Hc1State),
        VMSTATE_UINT32(cc, Hc1State),
        VMSTATE_UINT32(csts, Hc1State),
        VMSTATE_UINT32(fatal_code, Hc1State),
        VMSTATE_UINT32(aqa, Hc1State),
        VMSTATE_UINT64(asq, Hc1State),
        VMSTATE_UINT64(acq, Hc1State),
        VMSTATE_UINT32(intsts, Hc1State),
        VMSTATE_UINT32(intmask, Hc1State),
        VMSTATE_UINT32(coal_tokens, Hc1State),
        VMSTATE_UINT32(coal_timeout_us, Hc1State),
        VMSTATE_UINT32(power_cap_mw, Hc1State),
        VMSTATE_UINT32(aen_mask, Hc1State),
        VMSTATE_UINT64(st_addr, Hc1State),
        VMSTATE_UINT32(st_len, Hc1State),
        VMSTATE_UINT32(st_pattern, Hc1State),
        VMSTATE_UINT32(st_status, Hc1State),
        VMSTATE_UINT32(st_result, Hc1State),
        VMSTATE_STRUCT_ARRAY(sq, Hc1State, HC1_NUM_QUEUES, 1,
                             hc1_vmstate_sq, Hc1SQ),
        VMSTATE_STRUCT_ARRAY(cq, Hc1State, HC1_NUM_QUEUES, 1,
                             hc1_vmstate_cq, Hc1CQ),
        VMSTATE_UINT16_ARRAY(aer_cid, Hc1State, HC1_AER_LIMIT),
        VMSTATE_UINT32(n_aer, Hc1State),
        VMSTATE_UINT32(heartbeat, Hc1State),
        VMSTATE_END_OF_LIST()
    },
};

static void hc1_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                             int len)
{
    pci_default_write_config(dev, addr, val, len);
    pcie_cap_flr_write_config(dev, addr, val, len);
    /* Turning MSI-X on or off changes where interrupts go. */
    hc1_irq_update(HC1(dev));
}

static void hc1_realize(PCIDevice *pci_dev, Error **errp)
{
    Hc1State *s = HC1(pci_dev);
    MemReentrancyGuard *guard = &DEVICE(s)->mem_reentrancy_guard;
    uint8_t *conf = pci_dev->config;

    if (!s->max_contexts || s->max_contexts > HC1_MAX_CONTEXTS_LIMIT) {
        error_setg(errp, "hc1: contexts must be 1..%d",
                   HC1_MAX_CONTEXTS_LIMIT);
        return;
    }
    if (s->lora_slots > 64) {
        error_setg(errp, "hc1: lora-slots must be 0..64");
        return;
    }
    if (!s->max_batch) {
        error_setg(errp, "hc1: max-batch must be at least 1");
        return;
    }
    if (!s->max_ctx_tokens_prop) {
        error_setg(errp, "hc1: max-ctx-tokens must be at least 1");
        return;
    }
    if (!hc1_rom_open(s, errp)) {
        return;
    }

    pci_set_word(conf + PCI_VENDOR_ID, s->vendor_id);
    pci_set_word(conf + PCI_DEVICE_ID, s->device_id);
    pci_config_set_interrupt_pin(conf, 1);

    if (pcie_endpoint_cap_init(pci_dev, HC1_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "hc1: cannot add the PCI Express capability");
        return;
    }
    pcie_cap_flr_init(pci_dev);

    memory_region_init_io(&s->regs_mr, OBJECT(s), &hc1_regs_ops, s,
                          "hc1-regs", HC1_BAR_REGS_SIZE);
    pci_register_bar(pci_dev, HC1_BAR_REGS,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->regs_mr);
    memory_region_init_io(&s->db_mr, OBJECT(s), &hc1_db_ops, s,
                          "hc1-doorbells", HC1_BAR_DB_SIZE);
    pci_register_bar(pci_dev, HC1_BAR_DB,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->db_mr);
    if (msix_init_exclusive_bar(pci_dev, HC1_MSIX_VECTORS, HC1_BAR_MSIX,
                                errp)) {
        return;
    }
    for (int v = 0; v < HC1_MSIX_VECTORS; v++) {
        msix_vector_use(pci_dev, v);
    }

    s->ctx = g_new0(Hc1Ctx, s->max_contexts);
    for (uint32_t i = 0; i < s->max_contexts; i++) {
        s->ctx[i].s = s;
        s->ctx[i].id = i;
        s->ctx[i].notify_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                              hc1_notify_timer_cb,
                                              &s->ctx[i]);
    }
    s->lora = g_new0(Hc1Lora, MAX(s->lora_slots, 1));
    for (int i = 0; i < HC1_NUM_QUEUES; i++) {
        QTAILQ_INIT(&s->cq[i].pending);
    }
    QTAILQ_INIT(&s->slow);
    QTAILQ_INIT(&s->ectxs);
    QTAILQ_INIT(&s->lora_jobs);
    qemu_mutex_init(&s->wlock);
    qemu_cond_init(&s->wcond);
    s->throttle_pct = 100;

    s->sq_bh = qemu_bh_new_guarded(hc1_sq_bh, s, guard);
    s->cq_bh = qemu_bh_new_guarded(hc1_cq_bh, s, guard);
    s->stream_bh = qemu_bh_new_guarded(hc1_stream_bh, s, guard);
    s->boot_bh = qemu_bh_new_guarded(hc1_boot_done, s, guard);
    s->lora_bh = qemu_bh_new_guarded(hc1_lora_bh, s, guard);
    s->stream_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, hc1_stream_timer_cb,
                                   s);
    s->slow_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, hc1_slow_timer_cb, s);

    s->power_cap_mw = HC1_POWER_MAX_MW;
    s->coal_tokens = HC1_COAL_TOKENS_DEFAULT;
    s->coal_timeout_us = HC1_COAL_TIMEOUT_DEFAULT;
    s->aen_mask = HC1_AEN_MASK_ALL;
    hc1_telemetry_start(s);

    hc1_set_boot(s, HC1_BOOT_RESET, 0);
    qemu_thread_create(&s->boot_thread, "hc1-boot", hc1_boot_thread, s,
                       QEMU_THREAD_JOINABLE);
    s->boot_thread_started = true;
}

static void hc1_exit(PCIDevice *pci_dev)
{
    Hc1State *s = HC1(pci_dev);

    if (s->boot_thread_started) {
        qemu_thread_join(&s->boot_thread);
        s->boot_thread_started = false;
    }
    hc1_contexts_reset(s);
    hc1_queues_reset(s);
    hc1_worker_stop(s);
    if (s->migration_blocker) {
        migrate_del_blocker(&s->migration_blocker);
    }
    for (uint32_t i = 0; i < s->max_contexts; i++) {
        timer_free(s->ctx[i].notify_timer);
    }
    for (uint32_t i = 0; i < s->lora_slots; i++) {
        hc1_lora_slot_free(s, i);
    }
    g_free(s->lora);
    g_free(s->ctx);
    timer_free(s->stream_timer);
    timer_free(s->slow_timer);
    timer_free(s->telemetry_timer);
    qemu_bh_delete(s->sq_bh);
    qemu_bh_delete(s->cq_bh);
    qemu_bh_delete(s->stream_bh);
    qemu_bh_delete(s->boot_bh);
    qemu_bh_delete(s->lora_bh);
    if (s->engine) {
        hc1_engine_free(s->engine);
        s->engine = NULL;
    }
    if (s->model) {
        hc1_model_close(s->model);
        s->model = NULL;
    }
    qemu_cond_destroy(&s->wcond);
    qemu_mutex_destroy(&s->wlock);
    msix_uninit_exclusive_bar(pci_dev);
    if (s->rom) {
        g_mapped_file_unref(s->rom);
        s->rom = NULL;
    }
}

static const Property hc1_properties[] = {
    DEFINE_PROP_STRING("rom", Hc1State, rom_path),
    DEFINE_PROP_UINT16("vendor-id", Hc1State, vendor_id, HC1_PCI_VENDOR_ID),
    DEFINE_PROP_UINT16("device-id", Hc1State, device_id, HC1_PCI_DEVICE_ID),
    DEFINE_PROP_UINT32("contexts", Hc1State, max_contexts, 16),
    DEFINE_PROP_SIZE("sram-size", Hc1State, sram_size, 512 * MiB),
    DEFINE_PROP_UINT32("lora-slots", Hc1State, lora_slots, 4),
    DEFINE_PROP_UINT32("max-batch", Hc1State, max_batch, 16),
    DEFINE_PROP_UINT32("max-ctx-tokens", Hc1State, max_ctx_tokens_prop,
                       8192),
    DEFINE_PROP_UINT32("threads", Hc1State, threads, 0),
};

static void hc1_instance_init(Object *obj)
{
    hc1_fault_init(obj);
}

static void hc1_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    pc->realize = hc1_realize;
    pc->exit = hc1_exit;
    pc->config_write = hc1_write_config;
    pc->vendor_id = HC1_PCI_VENDOR_ID;
    pc->device_id = HC1_PCI_DEVICE_ID;
    pc->class_id = HC1_PCI_CLASS;
    pc->revision = HC1_PCI_REVISION;
    rc->phases.hold = hc1_reset_hold;

    dc->desc = "HC1 hard-wired LLM inference card";
    dc->vmsd = &hc1_vmstate;
    device_class_set_props(dc, hc1_properties);
    object_class_property_set_description(klass, "rom",
        "GGUF model image used as the mask ROM (default " HC1_DEFAULT_ROM
        ", looked up in the -L data directories)");
    object_class_property_set_description(klass, "vendor-id",
        "PCI vendor ID");
    object_class_property_set_description(klass, "device-id",
        "PCI device ID");
    object_class_property_set_description(klass, "contexts",
        "context slots (1..64)");
    object_class_property_set_description(klass, "sram-size",
        "SRAM for KV caches and LoRA adapters");
    object_class_property_set_description(klass, "lora-slots",
        "LoRA adapter slots");
    object_class_property_set_description(klass, "max-batch",
        "contexts decoded in one batched pass");
    object_class_property_set_description(klass, "max-ctx-tokens",
        "KV tokens one context may reserve");
    object_class_property_set_description(klass, "threads",
        "compute engine threads (0: one per host CPU)");
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo hc1_info = {
    .name = TYPE_HC1,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(Hc1State),
    .instance_init = hc1_instance_init,
    .class_init = hc1_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void hc1_register_types(void)
{
    type_register_static(&hc1_info);
}

type_init(hc1_register_types)
