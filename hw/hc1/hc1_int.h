/*
 * HC1 hard-wired LLM inference card: internal state shared by the files
 * of the device model. Nothing here is part of the guest contract; that
 * is hc1_hw.h and docs/hc1-prm.rst.
 *
 * Threads and locks:
 *   - Everything in Hc1State is owned by the BQL (MMIO handlers, bottom
 *     halves, timers, QOM setters) except what is marked [wlock].
 *   - One worker thread runs the compute engine. It never takes the BQL
 *     and never touches guest memory. It shares Hc1Ectx objects and the
 *     [wlock] fields with the BQL side under s->wlock. Lock order: BQL,
 *     then wlock.
 *   - All guest-memory DMA happens with the BQL held, in MMIO handlers
 *     (self-test only) or in guarded bottom halves.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_INT_H
#define HC1_INT_H

#include "qemu/queue.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "hw/pci/pci_device.h"
#include "hc1_hw.h"
#include "hc1_engine.h"

#define TYPE_HC1 "hc1"
OBJECT_DECLARE_SIMPLE_TYPE(Hc1State, HC1)

#define HC1_MAX_CONTEXTS_LIMIT  64
#define HC1_OUT_MAX             64      /* records held per context */
#define HC1_PREFILL_CHUNK       64      /* tokens between cancel checks */
#define HC1_SQ_BUDGET           256     /* commands per SQ bottom half */
#define HC1_AEN_QUEUE           16
#define HC1_STREAM_RETRY_NS     (1000 * 1000)   /* ring full: retry 1 ms */
#define HC1_TELEMETRY_NS        (HC1_HEARTBEAT_MS * 1000 * 1000)

/* ---- queues ---------------------------------------------------------- */

typedef struct Hc1Cqe {
    QTAILQ_ENTRY(Hc1Cqe) next;
    int64_t deadline;                   /* slow-completion fault */
    uint16_t sqid;
    uint16_t cid;
    uint16_t sc;
    uint16_t sq_head;
    uint32_t dw0;
    uint32_t dw1;
} Hc1Cqe;

typedef struct Hc1CQ {
    bool valid;
    uint16_t vector;
    bool ien;
    bool phase;
    uint32_t size;
    uint32_t head;
    uint32_t tail;
    uint64_t base;
    uint32_t n_sqs;
    QTAILQ_HEAD(, Hc1Cqe) pending;      /* waiting for CQ space */
} Hc1CQ;

typedef struct Hc1SQ {
    bool valid;
    bool fetch_err;                     /* last fetch failed */
    uint16_t cqid;
    uint32_t size;
    uint32_t head;
    uint32_t tail;
    uint64_t base;
    uint32_t outstanding;               /* fetched, not yet completed */
} Hc1SQ;

/* ---- compute: shared with the worker under wlock ---------------------- */

/*
 * An adapter the engine can apply, shared by its slot and by the compute
 * side of every context created with it: a context being freed by the
 * worker may outlive both the device-side context and the slot.
 */
typedef struct Hc1Adapter {
    hc1_lora *lora;
    uint32_t refs;                      /* [wlock] */
} Hc1Adapter;

typedef enum Hc1OpType {
    HC1_OP_CREATE,
    HC1_OP_PREFILL,
    HC1_OP_DECODE,
    HC1_OP_TRUNCATE,
} Hc1OpType;

typedef struct Hc1Decode {
    uint32_t max_new;
    uint32_t min_new;
    uint32_t flags;
    uint32_t n_stop;
    uint32_t stop_len[HC1_MAX_STOP_SEQS];
    int32_t stop[HC1_MAX_STOP_SEQS][HC1_MAX_STOP_LEN];
    hc1_sampling samp;
} Hc1Decode;

typedef struct Hc1Op {
    QTAILQ_ENTRY(Hc1Op) next;
    Hc1OpType type;
    uint16_t sqid;
    uint16_t cid;
    uint8_t opcode;
    bool started;
    bool cancel;                        /* [wlock] stop at next step */
    bool committed;                     /* [wlock] PREFILL uncancellable */
    uint16_t cancel_sc;                 /* status when cancelled */
    uint32_t n_tokens;
    int32_t *tokens;                    /* PREFILL */
    uint32_t n_keep;                    /* TRUNCATE */
    Hc1Decode dec;                      /* DECODE */
    uint32_t generated;
    /* result */
    uint16_t sc;
    uint32_t dw0;
    uint32_t dw1;
} Hc1Op;

typedef struct Hc1Out {
    QTAILQ_ENTRY(Hc1Out) next;
    struct hc1_token_rec rec;
    struct hc1_top_logprobs top;
} Hc1Out;

/*
 * The compute side of a context. Created by the BQL side, freed by the
 * worker once the BQL side let go of it (dead) and it is not computing.
 */
typedef struct Hc1Ectx {
    QTAILQ_ENTRY(Hc1Ectx) next;         /* [wlock] s->ectxs */
    uint32_t id;
    uint32_t n_ctx;
    uint64_t stream_id;
    Hc1Adapter *ad;                     /* a reference, or NULL */
    float lora_scale;
    /* worker only */
    hc1_ctx *ec;
    int32_t *hist;                      /* tokens, the pending one included */
    uint32_t hist_len;
    bool pending;                       /* hist's last token not in KV yet */
    bool logits_valid;
    /* [wlock] */
    bool dead;
    bool busy;                          /* worker is computing on it */
    bool ecc;                           /* uncorrectable SRAM error */
    QTAILQ_HEAD(, Hc1Op) ops;           /* head = running or next */
    QTAILQ_HEAD(, Hc1Op) done;          /* finished, CQE not posted */
    QTAILQ_HEAD(, Hc1Out) out;          /* records not yet in the ring */
    uint32_t n_out;
} Hc1Ectx;

/* ---- contexts (device side) ------------------------------------------ */

typedef struct Hc1Ctx {
    Hc1State *s;
    bool valid;
    bool lost;                          /* SRAM ECC: commands fail */
    bool stalled;                       /* ring full */
    uint32_t id;
    uint16_t sqid;
    uint32_t kv_tokens;
    uint64_t sram_bytes;
    uint64_t ring_addr;
    uint64_t ctl_addr;
    uint64_t lp_addr;
    uint32_t ring_entries;
    uint32_t tail;
    uint32_t head_cache;
    uint32_t records;
    bool phase;
    uint32_t notify_tokens;
    uint32_t notify_timeout_us;
    uint32_t unnotified;
    QEMUTimer *notify_timer;
    Hc1Ectx *ectx;
    uint8_t lora_slot;                  /* HC1_LORA_NONE: none */
} Hc1Ctx;

/*
 * A LOAD_LORA whose data the BQL side has read: the worker checks the
 * CRC and converts the adapter (seconds for a large one), outside the
 * BQL; the LoRA bottom half installs the result and completes the
 * command. Linked in s->lora_jobs from submission until the bottom half
 * or a reset takes it out; while started and not done the worker reads
 * it without wlock, so then a reset only marks it cancelled.
 */
typedef struct Hc1LoraJob {
    QTAILQ_ENTRY(Hc1LoraJob) next;      /* [wlock] s->lora_jobs */
    uint16_t cid;
    uint32_t slot;
    uint32_t len;
    uint32_t crc;
    uint8_t *buf;
    bool started;                       /* [wlock] */
    bool done;                          /* [wlock] results below valid */
    bool cancelled;                     /* [wlock] reset: drop the result */
    uint32_t crc_got;
    Hc1Adapter *ad;                     /* NULL: not applicable */
} Hc1LoraJob;

typedef struct Hc1Lora {
    bool loaded;
    uint32_t size;                      /* SRAM reserved */
    uint32_t crc;
    uint8_t *data;
    Hc1Adapter *ad;                     /* NULL: not applicable */
    uint32_t users;                     /* contexts created with it */
} Hc1Lora;

/* ---- the device ------------------------------------------------------- */

struct Hc1State {
    PCIDevice parent_obj;

    MemoryRegion regs_mr;
    MemoryRegion db_mr;

    /* properties */
    char *rom_path;
    uint16_t vendor_id;
    uint16_t device_id;
    uint32_t max_contexts;
    uint64_t sram_size;
    uint32_t lora_slots;
    uint32_t max_batch;
    uint32_t max_ctx_tokens_prop;
    uint32_t threads;

    /* the ROM and what boot learnt from it */
    GMappedFile *rom;
    QemuThread boot_thread;
    bool boot_thread_started;
    QEMUBH *boot_bh;
    uint32_t boot_status;               /* atomic: written by boot thread */
    uint8_t model_id[32];
    uint8_t mig_model_id[32];
    uint8_t tokenizer_id[32];
    hc1_model *model;
    hc1_engine *engine;
    hc1_model_info info;
    const uint8_t *tokblob;
    size_t tokblob_len;
    uint32_t kv_token_bytes;
    uint32_t kv_capacity;
    uint32_t max_ctx_tokens;

    /* registers */
    uint32_t scratch;
    uint32_t cc;
    uint32_t csts;
    uint32_t fatal_code;
    uint32_t aqa;
    uint64_t asq;
    uint64_t acq;
    uint32_t intsts;
    uint32_t intmask;
    uint32_t coal_tokens;
    uint32_t coal_timeout_us;
    uint32_t power_cap_mw;
    uint32_t aen_mask;
    bool irq_level;

    /* self-test */
    uint64_t st_addr;
    uint32_t st_len;
    uint32_t st_pattern;
    uint32_t st_status;
    uint32_t st_result;

    /* queues */
    Hc1SQ sq[HC1_NUM_QUEUES];
    Hc1CQ cq[HC1_NUM_QUEUES];
    QEMUBH *sq_bh;
    QEMUBH *cq_bh;
    QEMUBH *stream_bh;
    QEMUTimer *stream_timer;
    QEMUTimer *slow_timer;
    QTAILQ_HEAD(, Hc1Cqe) slow;         /* delayed by fault injection */

    /* asynchronous events */
    uint16_t aer_cid[HC1_AER_LIMIT];
    uint32_t n_aer;
    uint32_t aen_queue[HC1_AEN_QUEUE][2];
    uint32_t n_aen;

    /* error log: ring, newest at err_next - 1 */
    struct hc1_error_entry errlog[HC1_ERROR_LOG_ENTRIES];
    uint32_t err_next;
    uint64_t err_seq;

    /* contexts and SRAM */
    Hc1Ctx *ctx;
    uint32_t n_ctx_used;
    uint64_t sram_used;
    Hc1Lora *lora;
    /*
     * The LOAD_LORA in flight, if any: the admin queue fetches nothing
     * more until it completes (admin commands complete in order).
     */
    Hc1LoraJob *lora_job;
    QEMUBH *lora_bh;

    /* compute worker */
    QemuThread worker;
    bool worker_started;
    QemuMutex wlock;
    QemuCond wcond;
    bool quit;                          /* [wlock] */
    bool tripped;                       /* [wlock] thermal trip */
    uint32_t throttle_pct;              /* [wlock] */
    QTAILQ_HEAD(, Hc1Ectx) ectxs;       /* [wlock] */
    QTAILQ_HEAD(, Hc1LoraJob) lora_jobs; /* [wlock] */
    uint32_t rr;                        /* worker round robin */

    /* statistics: [wlock] for the worker's counters */
    uint64_t tok_decoded;
    uint64_t tok_prefilled;
    uint64_t busy_ns;
    uint64_t decode_steps;
    uint64_t batch_tokens;
    uint64_t energy_uj;
    uint64_t commands;
    uint64_t errors;
    uint64_t contexts_created;
    uint64_t stream_records;
    uint64_t interrupts;
    uint64_t dropped_cqes;
    uint32_t thermal_trips;

    /* telemetry model */
    QEMUTimer *telemetry_timer;
    int64_t boot_ns;
    uint32_t heartbeat;
    uint32_t temp_mc;
    uint32_t power_mw;
    uint32_t util_pct;
    uint64_t busy_ns_seen;

    /* fault injection (x-fault-* properties) */
    uint32_t fault_dma_errors;
    uint32_t fault_drop_cqes;
    uint32_t fault_slow_ms;

    /* migration */
    Error *migration_blocker;
};

/* hc1.c */
void hc1_controller_reset(Hc1State *s);
void hc1_update_migration_blocker(Hc1State *s);
bool hc1_booted(Hc1State *s);

/* hc1_regs.c */
extern const MemoryRegionOps hc1_regs_ops;
extern const MemoryRegionOps hc1_db_ops;

/* hc1_irq.c */
void hc1_irq_notify(Hc1State *s, uint16_t vector);
void hc1_irq_update(Hc1State *s);

/* hc1_dma.c */
typedef struct Hc1Seg {
    uint64_t addr;
    uint64_t len;
} Hc1Seg;

typedef struct Hc1Sg {
    Hc1Seg *seg;
    uint32_t n;
    uint32_t alloc;
    uint64_t len;
} Hc1Sg;

uint16_t hc1_dma_map(Hc1State *s, const struct hc1_sqe *sqe, uint64_t len,
                     Hc1Sg *sg);
uint16_t hc1_sg_xfer(Hc1State *s, Hc1Sg *sg, void *buf, uint64_t len,
                     bool to_guest);
void hc1_sg_free(Hc1Sg *sg);
/*
 * Both return false (and trace) on a failed or injected-failed DMA. The
 * _raw forms, for queue entries, are not subject to fault injection.
 */
bool hc1_dma_read_raw(Hc1State *s, uint64_t addr, void *buf, uint64_t len);
bool hc1_dma_write_raw(Hc1State *s, uint64_t addr, const void *buf,
                       uint64_t len);
bool hc1_dma_read(Hc1State *s, uint64_t addr, void *buf, uint64_t len);
bool hc1_dma_write(Hc1State *s, uint64_t addr, const void *buf,
                   uint64_t len);
uint16_t hc1_dptr_read(Hc1State *s, const struct hc1_sqe *sqe, void *buf,
                       uint64_t len);
uint16_t hc1_dptr_write(Hc1State *s, const struct hc1_sqe *sqe,
                        const void *buf, uint64_t len);

/* hc1_queue.c */
void hc1_queues_reset(Hc1State *s);
void hc1_sq_bh(void *opaque);
void hc1_cq_bh(void *opaque);
void hc1_slow_timer_cb(void *opaque);
void hc1_doorbell_write(Hc1State *s, hwaddr addr, uint32_t val);
bool hc1_admin_enable(Hc1State *s);
void hc1_complete(Hc1State *s, uint16_t sqid, uint16_t cid, uint8_t opcode,
                  uint16_t sc, uint32_t dw0, uint32_t dw1);
/* A command handler's answer when the completion comes later. */
#define HC1_SC_DEFERRED 0xffff
uint16_t hc1_create_cq(Hc1State *s, uint16_t qid, uint32_t size,
                       uint64_t base, uint16_t vector, bool ien);
uint16_t hc1_create_sq(Hc1State *s, uint16_t qid, uint32_t size,
                       uint64_t base, uint16_t cqid);
uint16_t hc1_delete_sq(Hc1State *s, uint16_t qid);
uint16_t hc1_delete_cq(Hc1State *s, uint16_t qid);
void hc1_log_error(Hc1State *s, uint32_t code, uint8_t severity,
                   uint16_t sc, uint16_t sqid, uint16_t cid, uint8_t opcode,
                   uint32_t ctx, uint64_t info);
void hc1_post_aen(Hc1State *s, uint8_t type, uint8_t info, uint32_t ctx);
uint16_t hc1_aer_request(Hc1State *s, uint16_t cid);
void hc1_stream_kick(Hc1State *s);
uint16_t hc1_sq_vector(Hc1State *s, uint16_t sqid, bool *ien);

/* hc1_admin.c */
void hc1_admin_cmd(Hc1State *s, const struct hc1_sqe *sqe);
void hc1_lora_bh(void *opaque);
/* Reset: forget the LOAD_LORA in flight; it never completes. BQL. */
void hc1_lora_jobs_cancel(Hc1State *s);

/* hc1_ctx.c */
void hc1_io_cmd(Hc1State *s, uint16_t sqid, const struct hc1_sqe *sqe);
void hc1_contexts_reset(Hc1State *s);
void hc1_contexts_of_sq_destroy(Hc1State *s, uint16_t sqid);
void hc1_stream_bh(void *opaque);
void hc1_stream_timer_cb(void *opaque);
void hc1_notify_timer_cb(void *opaque);
void hc1_ctx_sram_ecc(Hc1State *s, uint32_t id);
bool hc1_compute_in_flight(Hc1State *s);

/* hc1_worker.c */
void hc1_worker_start(Hc1State *s);
void hc1_worker_stop(Hc1State *s);
Hc1Ectx *hc1_ectx_new(Hc1State *s, uint32_t id, uint32_t n_ctx,
                      uint64_t stream_id);
void hc1_ectx_release(Hc1State *s, Hc1Ectx *e);     /* wlock held */
/* Take / drop a reference to an adapter. Without wlock held. */
void hc1_adapter_ref(Hc1State *s, Hc1Adapter *ad);
void hc1_adapter_unref(Hc1State *s, Hc1Adapter *ad);
/* Empty LoRA slot @slot (no context may use it). BQL. */
void hc1_lora_slot_free(Hc1State *s, uint32_t slot);
void hc1_op_free(Hc1Op *op);
/* Free a job and what it holds. Without wlock held. */
void hc1_lora_job_free(Hc1State *s, Hc1LoraJob *j);

/* hc1_telemetry.c */
void hc1_telemetry_start(Hc1State *s);
void hc1_telemetry_reset(Hc1State *s);
void hc1_thermal_trip(Hc1State *s);

/* hc1_selftest.c */
void hc1_selftest_cmd(Hc1State *s, uint32_t cmd);
void hc1_selftest_irq(Hc1State *s, uint32_t vector);

/* hc1_fault.c */
void hc1_fault_init(Object *obj);
void hc1_fatal(Hc1State *s, uint32_t code);

#endif /* HC1_INT_H */
