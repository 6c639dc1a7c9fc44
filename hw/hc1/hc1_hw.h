/*
 * HC1 hard-wired LLM inference card: hardware interface.
 *
 * This header is the datasheet in code. It is shared, unchanged, by the
 * QEMU model (hw/hc1), the Linux driver (guest-driver/linux), the
 * bare-metal firmware (firmware/) and the tests. It therefore uses only
 * fixed-width integer types and preprocessor constants: no QEMU, kernel
 * or libc API. The prose contract is docs/hc1-prm.rst; the two change
 * together, and HC1_IFACE_VERSION is bumped whenever they do.
 *
 * Conventions: everything is little-endian. "RO" registers ignore
 * writes, "RW" registers read back what was written (within the field
 * masks), "W1C" bits are cleared by writing 1, "WO" registers read as 0.
 * Structures in guest memory are naturally aligned and packed by
 * construction (no implicit padding; every size is asserted below).
 * Floating-point fields are IEEE-754 binary32 carried as hc1_u32 so the
 * kernel never needs FPU code to pass them through.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_HW_H
#define HC1_HW_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef __u8 hc1_u8;
typedef __u16 hc1_u16;
typedef __u32 hc1_u32;
typedef __u64 hc1_u64;
typedef __s32 hc1_s32;
#else
#include <stdint.h>
typedef uint8_t hc1_u8;
typedef uint16_t hc1_u16;
typedef uint32_t hc1_u32;
typedef uint64_t hc1_u64;
typedef int32_t hc1_s32;
#endif

#define HC1_ASSERT_SIZE(type, size) \
    _Static_assert(sizeof(type) == (size), #type " is not " #size " bytes")
#define HC1_ASSERT_OFF(type, field, off) \
    _Static_assert(__builtin_offsetof(type, field) == (off), \
                   #type "." #field " is not at " #off)

/* ===================================================================== */
/* PCI identity                                                          */
/* ===================================================================== */

/* QEMU's range for unregistered experiments (docs/specs/pci-ids.rst). */
#define HC1_PCI_VENDOR_ID       0x1af4
#define HC1_PCI_DEVICE_ID       0x10f0
#define HC1_PCI_CLASS           0x1200  /* processing accelerator */
#define HC1_PCI_REVISION        0x01

/*
 * Interface version reported in HC1_REG_VERSION. A driver accepts any
 * minor version at or above the one it was written for with the same
 * major version; minor bumps only add registers, fields, commands or
 * status codes that an older driver never uses.
 */
#define HC1_IFACE_MAJOR         1
#define HC1_IFACE_MINOR         2
#define HC1_IFACE_VERSION       ((HC1_IFACE_MAJOR << 16) | HC1_IFACE_MINOR)
#define HC1_VERSION_MAJOR_SHIFT 16
#define HC1_VERSION_MINOR_MASK  0xffffu

/* "HC1!" read as a little-endian 32-bit word. */
#define HC1_MAGIC               0x21314348u

/* ===================================================================== */
/* BAR map                                                               */
/* ===================================================================== */

#define HC1_BAR_REGS            0       /* 64-bit, registers */
#define HC1_BAR_REGS_SIZE       0x4000u
#define HC1_BAR_DB              2       /* 64-bit, doorbells */
#define HC1_BAR_MSIX            4       /* 32-bit, MSI-X table and PBA */

/* Queue limits. Queue 0 is the admin queue pair. */
#define HC1_MAX_IO_QUEUES       16
#define HC1_NUM_QUEUES          (HC1_MAX_IO_QUEUES + 1)
#define HC1_MAX_QUEUE_ENTRIES   4096
#define HC1_MIN_QUEUE_ENTRIES   2

/*
 * Doorbell BAR: one 4 KiB page per queue id, so that a process can be
 * given a mapping of its own queue's doorbells only. The BAR is sized to
 * the next power of two.
 */
#define HC1_DB_STRIDE           0x1000u
#define HC1_BAR_DB_SIZE         0x20000u
#define HC1_DB_SQ_TAIL          0x000   /* WO  new SQ tail (entries) */
#define HC1_DB_CQ_HEAD          0x004   /* WO  new CQ head (entries) */
#define HC1_DB_OFFSET(qid, reg) ((qid) * HC1_DB_STRIDE + (reg))

/*
 * MSI-X: vector 0 serves the admin completion queue and asynchronous
 * events; each I/O completion queue names its own vector (1..16 when
 * each queue has its own).
 */
#define HC1_MSIX_VECTORS        (HC1_MAX_IO_QUEUES + 1)
#define HC1_VECTOR_ADMIN        0

/* ===================================================================== */
/* BAR0 registers                                                        */
/* ===================================================================== */

/*
 * Every register is 32 bits wide and must be accessed with naturally
 * aligned 32-bit loads and stores (a 64-bit access is split into two
 * 32-bit ones, low address first); 64-bit quantities are split into
 * _LO/_HI halves. Unlisted offsets read as 0 and ignore writes.
 */

/* -- 0x000 identity (RO) -- */
#define HC1_REG_MAGIC           0x000   /* HC1_MAGIC */
#define HC1_REG_VERSION         0x004   /* HC1_IFACE_VERSION */
#define HC1_REG_ROM_SIZE_LO     0x008   /* ROM (model) size in bytes */
#define HC1_REG_ROM_SIZE_HI     0x00c
#define HC1_REG_SCRATCH         0x010   /* RW  echo register, reset 0 */
#define HC1_REG_MODEL_ID(i)     (0x020 + 4 * (i))   /* SHA-256 of ROM */
#define HC1_REG_TOKENIZER_ID(i) (0x040 + 4 * (i))   /* SHA-256 of blob */
#define HC1_ID_WORDS            8   /* hash byte 4*i+j is bits 8j+7:8j */
#define HC1_REG_N_VOCAB         0x060
#define HC1_REG_N_CTX_TRAIN     0x064
#define HC1_REG_N_EMBD          0x068
#define HC1_REG_N_LAYER         0x06c
#define HC1_REG_N_HEAD          0x070
#define HC1_REG_N_HEAD_KV       0x074
#define HC1_REG_HEAD_DIM        0x078
#define HC1_REG_N_FF            0x07c
#define HC1_REG_WEIGHT_TYPE     0x080   /* GGML type number */
#define HC1_REG_BOS_ID          0x084   /* 0xffffffff when absent */
#define HC1_REG_EOS_ID          0x088
#define HC1_REG_EOT_ID          0x08c
#define HC1_REG_EOM_ID          0x090
#define HC1_REG_TOKBLOB_SIZE    0x094   /* bytes of the tokenizer blob */
#define HC1_REG_ROPE_THETA      0x098   /* binary32 */

/* -- 0x0c0 capabilities and limits (RO) -- */
#define HC1_REG_CAP             0x0c0
#define HC1_REG_MAX_CONTEXTS    0x0c4
#define HC1_REG_KV_CAPACITY     0x0c8   /* tokens of KV the SRAM can hold */
#define HC1_REG_KV_TOKEN_BYTES  0x0cc   /* SRAM bytes per KV token */
#define HC1_REG_SRAM_SIZE_LO    0x0d0
#define HC1_REG_SRAM_SIZE_HI    0x0d4
#define HC1_REG_LORA_SLOTS      0x0d8
#define HC1_REG_MAX_TOP_K       0x0dc
#define HC1_REG_MAX_BATCH       0x0e0
#define HC1_REG_MAX_IO_QUEUES   0x0e4
#define HC1_REG_MAX_QUEUE_ENTRIES 0x0e8
#define HC1_REG_MSIX_VECTORS    0x0ec
#define HC1_REG_MAX_TOP_LOGPROBS 0x0f0
#define HC1_REG_STOP_LIMITS     0x0f4
#define HC1_REG_MAX_CTX_TOKENS  0x0f8   /* most KV tokens for one context */
#define HC1_REG_DB_STRIDE       0x0fc

#define HC1_CAP_SGL             (1u << 0)   /* SGL data pointers */
#define HC1_CAP_INTX            (1u << 1)   /* INTx fallback */
#define HC1_CAP_MSIX            (1u << 2)
#define HC1_CAP_FLR             (1u << 3)   /* function-level reset */
#define HC1_CAP_LORA_LOAD       (1u << 4)   /* LOAD/UNLOAD_LORA */
#define HC1_CAP_LORA_APPLY      (1u << 5)   /* contexts can use adapters */
#define HC1_CAP_TOP_LOGPROBS    (1u << 6)
#define HC1_CAP_SELFTEST        (1u << 7)

#define HC1_STOP_LIMITS_NSEQ_MASK   0xffu       /* sequences per decode */
#define HC1_STOP_LIMITS_LEN_SHIFT   8           /* tokens per sequence */

/* -- 0x100 control and status -- */
#define HC1_REG_CC              0x100   /* RW */
#define HC1_REG_CSTS            0x104   /* RO */
#define HC1_REG_FATAL_CODE      0x108   /* RO  HC1_FATAL_*, valid in CFS */
#define HC1_REG_SRAM_USED_LO    0x110   /* RO  bytes reserved */
#define HC1_REG_SRAM_USED_HI    0x114
#define HC1_REG_CONTEXTS_USED   0x118   /* RO */

#define HC1_CC_EN               (1u << 0)

#define HC1_CSTS_RDY            (1u << 0)   /* queues may be used */
#define HC1_CSTS_CFS            (1u << 1)   /* controller fatal status */
#define HC1_CSTS_THROTTLED      (1u << 2)   /* power cap or heat limits */
#define HC1_CSTS_TRIPPED        (1u << 3)   /* thermal trip: no compute */
#define HC1_CSTS_BUSY           (1u << 4)   /* compute in flight */

enum hc1_fatal_code {
    HC1_FATAL_NONE = 0,
    HC1_FATAL_INJECTED = 1,         /* fault injection */
    HC1_FATAL_ADMIN_QUEUE = 2,      /* AQA/ASQ/ACQ invalid at CC.EN */
    HC1_FATAL_BOOT = 3,             /* boot failed; see BOOT_STATUS */
};

/* -- 0x200 admin queue (RW while CC.EN = 0) -- */
#define HC1_REG_AQA             0x200
#define HC1_REG_ASQ_LO          0x208   /* 4 KiB aligned */
#define HC1_REG_ASQ_HI          0x20c
#define HC1_REG_ACQ_LO          0x210   /* 4 KiB aligned */
#define HC1_REG_ACQ_HI          0x214

#define HC1_AQA_ASQS_MASK       0xffffu     /* SQ entries (not 0-based) */
#define HC1_AQA_ACQS_SHIFT      16          /* CQ entries (not 0-based) */

/* -- 0x300 interrupts -- */
#define HC1_REG_INTSTS          0x300   /* W1C bit v: vector v pending */
#define HC1_REG_INTMASK         0x304   /* RW  bit v: vector v masked */
#define HC1_REG_INTMODE         0x308   /* RO  HC1_INTMODE_* */
#define HC1_REG_COAL_TOKENS     0x310   /* RW  default notify threshold */
#define HC1_REG_COAL_TIMEOUT_US 0x314   /* RW  default notify timeout */

#define HC1_INTMODE_INTX        0
#define HC1_INTMODE_MSIX        1

#define HC1_COAL_TOKENS_DEFAULT     16
#define HC1_COAL_TIMEOUT_DEFAULT    1000        /* microseconds */
#define HC1_COAL_TOKENS_MAX         65535
#define HC1_COAL_TIMEOUT_MAX        1000000

/* -- 0x400 telemetry (RO unless noted) -- */
#define HC1_REG_TEMP_MC         0x400   /* die temperature, milli-degC */
#define HC1_REG_POWER_MW        0x404   /* board power, mW */
#define HC1_REG_POWER_CAP_MW    0x408   /* RW  power cap, mW */
#define HC1_REG_THROTTLE_PCT    0x40c   /* allowed compute duty, 0..100 */
#define HC1_REG_ENERGY_MJ_LO    0x410   /* energy since reset, mJ */
#define HC1_REG_ENERGY_MJ_HI    0x414
#define HC1_REG_TOK_DECODED_LO  0x418
#define HC1_REG_TOK_DECODED_HI  0x41c
#define HC1_REG_TOK_PREFILLED_LO 0x420
#define HC1_REG_TOK_PREFILLED_HI 0x424
#define HC1_REG_BUSY_US_LO      0x428   /* compute busy time */
#define HC1_REG_BUSY_US_HI      0x42c
#define HC1_REG_THERMAL_TRIPS   0x430
#define HC1_REG_CMDS_COMPLETED  0x434
#define HC1_REG_ERRORS          0x438   /* error log entries written */
#define HC1_REG_UTIL_PCT        0x43c   /* compute utilisation, 0..100 */

#define HC1_POWER_IDLE_MW       30000
#define HC1_POWER_MAX_MW        200000
#define HC1_POWER_CAP_MIN_MW    40000
#define HC1_TEMP_AMBIENT_MC     35000
#define HC1_TEMP_TRIP_MC        105000
#define HC1_TEMP_RESUME_MC      85000

/* -- 0x500 boot and liveness (RO) -- */
#define HC1_REG_BOOT_STATUS     0x500
#define HC1_REG_HEARTBEAT       0x504   /* +1 every HC1_HEARTBEAT_MS */
#define HC1_REG_UPTIME_MS       0x508

#define HC1_BOOT_STAGE_MASK     0xffu
#define HC1_BOOT_ERR_SHIFT      8       /* bits 15:8 HC1_BOOT_ERR_* */
#define HC1_HEARTBEAT_MS        10

enum hc1_boot_stage {
    HC1_BOOT_RESET = 0,
    HC1_BOOT_ROM_CHECK = 1,     /* hashing the ROM */
    HC1_BOOT_ENGINE_INIT = 2,   /* opening the model */
    HC1_BOOT_READY = 3,
    HC1_BOOT_FAILED = 0xff,
};

enum hc1_boot_err {
    HC1_BOOT_ERR_NONE = 0,
    HC1_BOOT_ERR_MODEL = 1,     /* the ROM is not a usable model */
    HC1_BOOT_ERR_ENGINE = 2,    /* the compute engine did not start */
};

/* -- 0x600 self-test -- */
#define HC1_REG_ST_DMA_ADDR_LO  0x600   /* RW */
#define HC1_REG_ST_DMA_ADDR_HI  0x604   /* RW */
#define HC1_REG_ST_DMA_LEN      0x608   /* RW  bytes, multiple of 4 */
#define HC1_REG_ST_DMA_PATTERN  0x60c   /* RW  seed */
#define HC1_REG_ST_DMA_CMD      0x610   /* WO  HC1_ST_CMD_* */
#define HC1_REG_ST_DMA_STATUS   0x614   /* RO  HC1_ST_STS_* */
#define HC1_REG_ST_DMA_RESULT   0x618   /* RO  first bad byte offset */
#define HC1_REG_ST_IRQ          0x61c   /* WO  vector number to fire */

#define HC1_ST_DMA_MAX_LEN      0x100000u
#define HC1_ST_CMD_FILL         1   /* word i := pattern + i */
#define HC1_ST_CMD_VERIFY       2   /* check word i == pattern + i */

#define HC1_ST_STS_BUSY         (1u << 0)
#define HC1_ST_STS_DONE         (1u << 1)
#define HC1_ST_STS_MISMATCH     (1u << 2)
#define HC1_ST_STS_DMA_ERR      (1u << 3)
#define HC1_ST_STS_BAD_ARGS     (1u << 4)

struct hc1_regs {
    hc1_u32 magic;                      /* 0x000 */
    hc1_u32 version;                    /* 0x004 */
    hc1_u32 rom_size_lo;                /* 0x008 */
    hc1_u32 rom_size_hi;                /* 0x00c */
    hc1_u32 scratch;                    /* 0x010 */
    hc1_u32 rsvd014[3];
    hc1_u32 model_id[HC1_ID_WORDS];     /* 0x020 */
    hc1_u32 tokenizer_id[HC1_ID_WORDS]; /* 0x040 */
    hc1_u32 n_vocab;                    /* 0x060 */
    hc1_u32 n_ctx_train;
    hc1_u32 n_embd;
    hc1_u32 n_layer;
    hc1_u32 n_head;                     /* 0x070 */
    hc1_u32 n_head_kv;
    hc1_u32 head_dim;
    hc1_u32 n_ff;
    hc1_u32 weight_type;                /* 0x080 */
    hc1_u32 bos_id;
    hc1_u32 eos_id;
    hc1_u32 eot_id;
    hc1_u32 eom_id;                     /* 0x090 */
    hc1_u32 tokblob_size;
    hc1_u32 rope_theta;
    hc1_u32 rsvd09c[9];
    hc1_u32 cap;                        /* 0x0c0 */
    hc1_u32 max_contexts;
    hc1_u32 kv_capacity;
    hc1_u32 kv_token_bytes;
    hc1_u32 sram_size_lo;               /* 0x0d0 */
    hc1_u32 sram_size_hi;
    hc1_u32 lora_slots;
    hc1_u32 max_top_k;
    hc1_u32 max_batch;                  /* 0x0e0 */
    hc1_u32 max_io_queues;
    hc1_u32 max_queue_entries;
    hc1_u32 msix_vectors;
    hc1_u32 max_top_logprobs;           /* 0x0f0 */
    hc1_u32 stop_limits;
    hc1_u32 max_ctx_tokens;
    hc1_u32 db_stride;
    hc1_u32 cc;                         /* 0x100 */
    hc1_u32 csts;
    hc1_u32 fatal_code;
    hc1_u32 rsvd10c;
    hc1_u32 sram_used_lo;               /* 0x110 */
    hc1_u32 sram_used_hi;
    hc1_u32 contexts_used;
    hc1_u32 rsvd11c[57];
    hc1_u32 aqa;                        /* 0x200 */
    hc1_u32 rsvd204;
    hc1_u32 asq_lo;                     /* 0x208 */
    hc1_u32 asq_hi;
    hc1_u32 acq_lo;                     /* 0x210 */
    hc1_u32 acq_hi;
    hc1_u32 rsvd218[58];
    hc1_u32 intsts;                     /* 0x300 */
    hc1_u32 intmask;
    hc1_u32 intmode;
    hc1_u32 rsvd30c;
    hc1_u32 coal_tokens;                /* 0x310 */
    hc1_u32 coal_timeout_us;
    hc1_u32 rsvd318[58];
    hc1_u32 temp_mc;                    /* 0x400 */
    hc1_u32 power_mw;
    hc1_u32 power_cap_mw;
    hc1_u32 throttle_pct;
    hc1_u32 energy_mj_lo;               /* 0x410 */
    hc1_u32 energy_mj_hi;
    hc1_u32 tok_decoded_lo;
    hc1_u32 tok_decoded_hi;
    hc1_u32 tok_prefilled_lo;           /* 0x420 */
    hc1_u32 tok_prefilled_hi;
    hc1_u32 busy_us_lo;
    hc1_u32 busy_us_hi;
    hc1_u32 thermal_trips;              /* 0x430 */
    hc1_u32 cmds_completed;
    hc1_u32 errors;
    hc1_u32 util_pct;
    hc1_u32 rsvd440[48];
    hc1_u32 boot_status;                /* 0x500 */
    hc1_u32 heartbeat;
    hc1_u32 uptime_ms;
    hc1_u32 rsvd50c[61];
    hc1_u32 st_dma_addr_lo;             /* 0x600 */
    hc1_u32 st_dma_addr_hi;
    hc1_u32 st_dma_len;
    hc1_u32 st_dma_pattern;
    hc1_u32 st_dma_cmd;                 /* 0x610 */
    hc1_u32 st_dma_status;
    hc1_u32 st_dma_result;
    hc1_u32 st_irq;
};

#define HC1_ASSERT_REG(field, off) HC1_ASSERT_OFF(struct hc1_regs, field, off)
HC1_ASSERT_REG(magic, HC1_REG_MAGIC);
HC1_ASSERT_REG(version, HC1_REG_VERSION);
HC1_ASSERT_REG(rom_size_lo, HC1_REG_ROM_SIZE_LO);
HC1_ASSERT_REG(rom_size_hi, HC1_REG_ROM_SIZE_HI);
HC1_ASSERT_REG(scratch, HC1_REG_SCRATCH);
HC1_ASSERT_REG(model_id, HC1_REG_MODEL_ID(0));
HC1_ASSERT_REG(tokenizer_id, HC1_REG_TOKENIZER_ID(0));
HC1_ASSERT_REG(n_vocab, HC1_REG_N_VOCAB);
HC1_ASSERT_REG(n_ctx_train, HC1_REG_N_CTX_TRAIN);
HC1_ASSERT_REG(n_embd, HC1_REG_N_EMBD);
HC1_ASSERT_REG(n_layer, HC1_REG_N_LAYER);
HC1_ASSERT_REG(n_head, HC1_REG_N_HEAD);
HC1_ASSERT_REG(n_head_kv, HC1_REG_N_HEAD_KV);
HC1_ASSERT_REG(head_dim, HC1_REG_HEAD_DIM);
HC1_ASSERT_REG(n_ff, HC1_REG_N_FF);
HC1_ASSERT_REG(weight_type, HC1_REG_WEIGHT_TYPE);
HC1_ASSERT_REG(bos_id, HC1_REG_BOS_ID);
HC1_ASSERT_REG(eos_id, HC1_REG_EOS_ID);
HC1_ASSERT_REG(eot_id, HC1_REG_EOT_ID);
HC1_ASSERT_REG(eom_id, HC1_REG_EOM_ID);
HC1_ASSERT_REG(tokblob_size, HC1_REG_TOKBLOB_SIZE);
HC1_ASSERT_REG(rope_theta, HC1_REG_ROPE_THETA);
HC1_ASSERT_REG(cap, HC1_REG_CAP);
HC1_ASSERT_REG(max_contexts, HC1_REG_MAX_CONTEXTS);
HC1_ASSERT_REG(kv_capacity, HC1_REG_KV_CAPACITY);
HC1_ASSERT_REG(kv_token_bytes, HC1_REG_KV_TOKEN_BYTES);
HC1_ASSERT_REG(sram_size_lo, HC1_REG_SRAM_SIZE_LO);
HC1_ASSERT_REG(sram_size_hi, HC1_REG_SRAM_SIZE_HI);
HC1_ASSERT_REG(lora_slots, HC1_REG_LORA_SLOTS);
HC1_ASSERT_REG(max_top_k, HC1_REG_MAX_TOP_K);
HC1_ASSERT_REG(max_batch, HC1_REG_MAX_BATCH);
HC1_ASSERT_REG(max_io_queues, HC1_REG_MAX_IO_QUEUES);
HC1_ASSERT_REG(max_queue_entries, HC1_REG_MAX_QUEUE_ENTRIES);
HC1_ASSERT_REG(msix_vectors, HC1_REG_MSIX_VECTORS);
HC1_ASSERT_REG(max_top_logprobs, HC1_REG_MAX_TOP_LOGPROBS);
HC1_ASSERT_REG(stop_limits, HC1_REG_STOP_LIMITS);
HC1_ASSERT_REG(max_ctx_tokens, HC1_REG_MAX_CTX_TOKENS);
HC1_ASSERT_REG(db_stride, HC1_REG_DB_STRIDE);
HC1_ASSERT_REG(cc, HC1_REG_CC);
HC1_ASSERT_REG(csts, HC1_REG_CSTS);
HC1_ASSERT_REG(fatal_code, HC1_REG_FATAL_CODE);
HC1_ASSERT_REG(sram_used_lo, HC1_REG_SRAM_USED_LO);
HC1_ASSERT_REG(sram_used_hi, HC1_REG_SRAM_USED_HI);
HC1_ASSERT_REG(contexts_used, HC1_REG_CONTEXTS_USED);
HC1_ASSERT_REG(aqa, HC1_REG_AQA);
HC1_ASSERT_REG(asq_lo, HC1_REG_ASQ_LO);
HC1_ASSERT_REG(asq_hi, HC1_REG_ASQ_HI);
HC1_ASSERT_REG(acq_lo, HC1_REG_ACQ_LO);
HC1_ASSERT_REG(acq_hi, HC1_REG_ACQ_HI);
HC1_ASSERT_REG(intsts, HC1_REG_INTSTS);
HC1_ASSERT_REG(intmask, HC1_REG_INTMASK);
HC1_ASSERT_REG(intmode, HC1_REG_INTMODE);
HC1_ASSERT_REG(coal_tokens, HC1_REG_COAL_TOKENS);
HC1_ASSERT_REG(coal_timeout_us, HC1_REG_COAL_TIMEOUT_US);
HC1_ASSERT_REG(temp_mc, HC1_REG_TEMP_MC);
HC1_ASSERT_REG(power_mw, HC1_REG_POWER_MW);
HC1_ASSERT_REG(power_cap_mw, HC1_REG_POWER_CAP_MW);
HC1_ASSERT_REG(throttle_pct, HC1_REG_THROTTLE_PCT);
HC1_ASSERT_REG(energy_mj_lo, HC1_REG_ENERGY_MJ_LO);
HC1_ASSERT_REG(energy_mj_hi, HC1_REG_ENERGY_MJ_HI);
HC1_ASSERT_REG(tok_decoded_lo, HC1_REG_TOK_DECODED_LO);
HC1_ASSERT_REG(tok_decoded_hi, HC1_REG_TOK_DECODED_HI);
HC1_ASSERT_REG(tok_prefilled_lo, HC1_REG_TOK_PREFILLED_LO);
HC1_ASSERT_REG(tok_prefilled_hi, HC1_REG_TOK_PREFILLED_HI);
HC1_ASSERT_REG(busy_us_lo, HC1_REG_BUSY_US_LO);
HC1_ASSERT_REG(busy_us_hi, HC1_REG_BUSY_US_HI);
HC1_ASSERT_REG(thermal_trips, HC1_REG_THERMAL_TRIPS);
HC1_ASSERT_REG(cmds_completed, HC1_REG_CMDS_COMPLETED);
HC1_ASSERT_REG(errors, HC1_REG_ERRORS);
HC1_ASSERT_REG(util_pct, HC1_REG_UTIL_PCT);
HC1_ASSERT_REG(boot_status, HC1_REG_BOOT_STATUS);
HC1_ASSERT_REG(heartbeat, HC1_REG_HEARTBEAT);
HC1_ASSERT_REG(uptime_ms, HC1_REG_UPTIME_MS);
HC1_ASSERT_REG(st_dma_addr_lo, HC1_REG_ST_DMA_ADDR_LO);
HC1_ASSERT_REG(st_dma_addr_hi, HC1_REG_ST_DMA_ADDR_HI);
HC1_ASSERT_REG(st_dma_len, HC1_REG_ST_DMA_LEN);
HC1_ASSERT_REG(st_dma_pattern, HC1_REG_ST_DMA_PATTERN);
HC1_ASSERT_REG(st_dma_cmd, HC1_REG_ST_DMA_CMD);
HC1_ASSERT_REG(st_dma_status, HC1_REG_ST_DMA_STATUS);
HC1_ASSERT_REG(st_dma_result, HC1_REG_ST_DMA_RESULT);
HC1_ASSERT_REG(st_irq, HC1_REG_ST_IRQ);
HC1_ASSERT_SIZE(struct hc1_regs, 0x620);

/* ===================================================================== */
/* Queue entries                                                         */
/* ===================================================================== */

#define HC1_PAGE_SIZE           4096u   /* PRP page size */
#define HC1_QUEUE_ALIGN         4096u   /* SQ and CQ base alignment */

/* Submission queue entry: 64 bytes. */
struct hc1_sqe {
    hc1_u8 opcode;          /* 0x00 HC1_ADM_* or HC1_IO_* */
    hc1_u8 flags;           /* 0x01 HC1_SQE_FLAGS_* */
    hc1_u16 cid;            /* 0x02 command id, echoed in the completion */
    hc1_u32 ctx;            /* 0x04 context id (I/O commands) */
    hc1_u32 cdw2;           /* 0x08 reserved */
    hc1_u32 cdw3;           /* 0x0c reserved */
    hc1_u64 rsvd;           /* 0x10 reserved */
    hc1_u64 dptr1;          /* 0x18 PRP1, or SGL descriptor bytes 0-7 */
    hc1_u64 dptr2;          /* 0x20 PRP2, or SGL descriptor bytes 8-15 */
    hc1_u32 cdw10;          /* 0x28 command specific */
    hc1_u32 cdw11;
    hc1_u32 cdw12;
    hc1_u32 cdw13;
    hc1_u32 cdw14;
    hc1_u32 cdw15;
};
HC1_ASSERT_SIZE(struct hc1_sqe, 64);
HC1_ASSERT_OFF(struct hc1_sqe, ctx, 0x04);
HC1_ASSERT_OFF(struct hc1_sqe, dptr1, 0x18);
HC1_ASSERT_OFF(struct hc1_sqe, dptr2, 0x20);
HC1_ASSERT_OFF(struct hc1_sqe, cdw10, 0x28);
HC1_ASSERT_OFF(struct hc1_sqe, cdw15, 0x3c);

#define HC1_SQE_FLAGS_PSDT_MASK 0x3u
#define HC1_SQE_PSDT_PRP        0x0u    /* dptr1/dptr2 are PRP1/PRP2 */
#define HC1_SQE_PSDT_SGL        0x1u    /* dptr is one SGL descriptor */

/* Completion queue entry: 16 bytes. */
struct hc1_cqe {
    hc1_u32 dw0;            /* command specific result */
    hc1_u32 dw1;            /* command specific result */
    hc1_u16 sq_head;        /* SQ head after this command was fetched */
    hc1_u16 sq_id;
    hc1_u16 cid;
    hc1_u16 status;         /* bit 0 phase, bits 15:1 HC1_SC_* */
};
HC1_ASSERT_SIZE(struct hc1_cqe, 16);
HC1_ASSERT_OFF(struct hc1_cqe, status, 14);

/*
 * The device writes bytes 0-11 of an entry first and the last dword (cid,
 * status and phase) after them, so a host that reads the status word,
 * sees the new phase, and only then (after a read barrier) reads the rest
 * never sees a torn entry.
 */
#define HC1_CQE_LAST_DW_OFFSET  12
HC1_ASSERT_OFF(struct hc1_cqe, cid, HC1_CQE_LAST_DW_OFFSET);

#define HC1_CQE_PHASE           0x1u
#define HC1_CQE_SC_SHIFT        1
#define HC1_CQE_SC(status)      ((hc1_u16)(status) >> HC1_CQE_SC_SHIFT)

/*
 * Scatter-gather list descriptor (16 bytes), NVMe layout. A data block
 * describes bytes to transfer; a segment points at a list of
 * descriptors (its length is a multiple of 16); a last segment is a
 * segment that holds no further segment descriptor.
 */
struct hc1_sgl_desc {
    hc1_u64 addr;
    hc1_u32 len;
    hc1_u8 rsvd[3];
    hc1_u8 type;            /* bits 7:4 HC1_SGL_TYPE_* */
};
HC1_ASSERT_SIZE(struct hc1_sgl_desc, 16);

#define HC1_SGL_TYPE_SHIFT      4
#define HC1_SGL_TYPE_DATA       0x0
#define HC1_SGL_TYPE_SEGMENT    0x2
#define HC1_SGL_TYPE_LAST_SEG   0x3
#define HC1_SGL_MAX_DESCS       8192    /* per command, all segments */

/* ===================================================================== */
/* Status codes (CQE status bits 15:1)                                   */
/* ===================================================================== */

enum hc1_status_code {
    /* generic */
    HC1_SC_SUCCESS = 0x00,
    HC1_SC_INVALID_OPCODE = 0x01,
    HC1_SC_INVALID_FIELD = 0x02,
    HC1_SC_DATA_XFER_ERROR = 0x04,  /* a DMA transfer failed */
    HC1_SC_ABORTED = 0x05,          /* cancelled or queue deleted */
    HC1_SC_INVALID_PRP = 0x06,      /* bad PRP offset or list */
    HC1_SC_INVALID_SGL = 0x07,      /* bad SGL descriptor or list */
    HC1_SC_INTERNAL = 0x08,         /* compute engine failure */
    HC1_SC_NOT_READY = 0x09,        /* device still booting */
    HC1_SC_BUSY = 0x0a,             /* try later (migration) */
    /* queues */
    HC1_SC_INVALID_QID = 0x10,
    HC1_SC_INVALID_QSIZE = 0x11,
    HC1_SC_INVALID_VECTOR = 0x12,
    HC1_SC_CQ_IN_USE = 0x13,        /* delete of a CQ with SQs */
    HC1_SC_INVALID_QADDR = 0x14,    /* not 4 KiB aligned */
    /* contexts */
    HC1_SC_INVALID_CONTEXT = 0x20,  /* no such context on this queue */
    HC1_SC_CONTEXT_LIMIT = 0x21,    /* all context slots in use */
    HC1_SC_SRAM_FULL = 0x22,        /* SRAM budget exhausted */
    HC1_SC_KV_FULL = 0x23,          /* the tokens do not fit */
    HC1_SC_INVALID_TOKEN = 0x24,    /* token id >= n_vocab */
    HC1_SC_CONTEXT_LOST = 0x25,     /* uncorrectable SRAM error */
    HC1_SC_NO_LOGITS = 0x26,        /* decode with nothing to continue */
    HC1_SC_INVALID_RING = 0x27,     /* bad stream ring setup */
    /* adapters, logs, features, events */
    HC1_SC_INVALID_SLOT = 0x30,
    HC1_SC_CHECKSUM = 0x31,         /* LoRA CRC-32C mismatch */
    HC1_SC_SLOT_IN_USE = 0x32,
    HC1_SC_UNSUPPORTED = 0x33,      /* capability bit clear */
    HC1_SC_INVALID_LOG = 0x34,
    HC1_SC_INVALID_FEATURE = 0x35,
    HC1_SC_AER_LIMIT = 0x36,
    HC1_SC_INVALID_ADAPTER = 0x37,  /* slot's content unusable (1.2) */
    /* device health */
    HC1_SC_THERMAL = 0x40,          /* thermal trip stopped compute */
};

/* ===================================================================== */
/* Admin command set (queue 0)                                           */
/* ===================================================================== */

enum hc1_admin_opcode {
    HC1_ADM_DELETE_SQ = 0x00,
    HC1_ADM_CREATE_SQ = 0x01,
    HC1_ADM_GET_LOG_PAGE = 0x02,
    HC1_ADM_DELETE_CQ = 0x04,
    HC1_ADM_CREATE_CQ = 0x05,
    HC1_ADM_IDENTIFY = 0x06,
    HC1_ADM_SET_FEATURES = 0x09,
    HC1_ADM_GET_FEATURES = 0x0a,
    HC1_ADM_ASYNC_EVENT = 0x0c,
    HC1_ADM_GET_TOKENIZER = 0x80,
    HC1_ADM_LOAD_LORA = 0x81,
    HC1_ADM_UNLOAD_LORA = 0x82,
};

/*
 * CREATE_CQ: dptr1 = base (4 KiB aligned, contiguous);
 *   cdw10 bits 15:0 qid (1..HC1_MAX_IO_QUEUES), 31:16 entries;
 *   cdw11 bits 15:0 MSI-X vector, bit 16 interrupts enabled.
 * CREATE_SQ: dptr1 = base; cdw10 qid and entries as above;
 *   cdw11 bits 15:0 id of the (existing) completion queue.
 * DELETE_SQ / DELETE_CQ: cdw10 bits 15:0 qid.
 */
#define HC1_QCMD_QID_MASK       0xffffu
#define HC1_QCMD_SIZE_SHIFT     16
#define HC1_CQ_VECTOR_MASK      0xffffu
#define HC1_CQ_IEN              (1u << 16)
#define HC1_SQ_CQID_MASK        0xffffu

/* IDENTIFY: cdw10 = CNS; 4096 bytes to dptr. */
#define HC1_IDENTIFY_DEVICE     0
#define HC1_IDENTIFY_MODEL      1
#define HC1_IDENTIFY_SIZE       4096

struct hc1_id_device {
    hc1_u32 version;            /* 0x000 HC1_IFACE_VERSION */
    hc1_u32 cap;                /* 0x004 HC1_CAP_* */
    hc1_u32 max_contexts;       /* 0x008 */
    hc1_u32 kv_capacity;        /* 0x00c tokens */
    hc1_u32 kv_token_bytes;     /* 0x010 */
    hc1_u32 lora_slots;         /* 0x014 */
    hc1_u64 sram_size;          /* 0x018 bytes */
    hc1_u32 max_top_k;          /* 0x020 */
    hc1_u32 max_batch;          /* 0x024 */
    hc1_u32 max_io_queues;      /* 0x028 */
    hc1_u32 max_queue_entries;  /* 0x02c */
    hc1_u32 msix_vectors;       /* 0x030 */
    hc1_u32 max_top_logprobs;   /* 0x034 */
    hc1_u32 max_stop_seqs;      /* 0x038 */
    hc1_u32 max_stop_len;       /* 0x03c */
    hc1_u32 max_ctx_tokens;     /* 0x040 */
    hc1_u32 aer_limit;          /* 0x044 outstanding ASYNC_EVENTs */
    hc1_u32 max_sgl_descs;      /* 0x048 */
    hc1_u32 lora_max_bytes;     /* 0x04c largest adapter accepted */
    hc1_u32 power_max_mw;       /* 0x050 */
    hc1_u32 power_idle_mw;      /* 0x054 */
    hc1_u32 temp_trip_mc;       /* 0x058 */
    hc1_u32 error_log_entries;  /* 0x05c */
    char serial[32];            /* 0x060 NUL padded */
    char firmware[32];          /* 0x080 NUL padded */
    hc1_u8 rsvd[4096 - 0xa0];
};
HC1_ASSERT_SIZE(struct hc1_id_device, HC1_IDENTIFY_SIZE);
HC1_ASSERT_OFF(struct hc1_id_device, sram_size, 0x18);
HC1_ASSERT_OFF(struct hc1_id_device, serial, 0x60);

struct hc1_id_model {
    hc1_u8 model_id[32];        /* 0x000 SHA-256 of the ROM image */
    hc1_u8 tokenizer_id[32];    /* 0x020 SHA-256 of the tokenizer blob */
    hc1_u64 rom_size;           /* 0x040 */
    hc1_u64 weight_bytes;       /* 0x048 */
    hc1_u32 n_vocab;            /* 0x050 */
    hc1_u32 n_ctx_train;
    hc1_u32 n_embd;
    hc1_u32 n_layer;
    hc1_u32 n_head;             /* 0x060 */
    hc1_u32 n_head_kv;
    hc1_u32 head_dim;
    hc1_u32 n_ff;
    hc1_u32 rope_theta;         /* 0x070 binary32 */
    hc1_u32 norm_eps;           /* binary32 */
    hc1_u32 weight_type;
    hc1_u32 flags;              /* HC1_MODEL_F_* */
    hc1_s32 bos_id;             /* 0x080 -1 when absent */
    hc1_s32 eos_id;
    hc1_s32 eot_id;
    hc1_s32 eom_id;
    hc1_u32 tokblob_size;       /* 0x090 */
    hc1_u32 rsvd094[3];
    char name[64];              /* 0x0a0 general.name, NUL padded */
    hc1_u8 rsvd[4096 - 0xe0];
};
HC1_ASSERT_SIZE(struct hc1_id_model, HC1_IDENTIFY_SIZE);
HC1_ASSERT_OFF(struct hc1_id_model, n_vocab, 0x50);
HC1_ASSERT_OFF(struct hc1_id_model, bos_id, 0x80);
HC1_ASSERT_OFF(struct hc1_id_model, name, 0xa0);

#define HC1_MODEL_F_ROPE_FREQS  (1u << 0)
#define HC1_MODEL_F_TIED_OUTPUT (1u << 1)

/*
 * GET_LOG_PAGE: cdw10 = log id, cdw11 = bytes (<= page size, multiple
 * of 4), cdw12 = byte offset into the page; data to dptr.
 */
#define HC1_LOG_ERROR           0x01
#define HC1_LOG_STATS           0x02
#define HC1_ERROR_LOG_ENTRIES   64

struct hc1_error_entry {
    hc1_u64 seq;                /* 0x00 1, 2, ...; 0: empty slot */
    hc1_u64 timestamp_ns;       /* 0x08 device time (virtual clock) */
    hc1_u16 status;             /* 0x10 HC1_SC_* (0 for events) */
    hc1_u16 sq_id;              /* 0x12 0xffff when not a command */
    hc1_u16 cid;                /* 0x14 */
    hc1_u8 opcode;              /* 0x16 */
    hc1_u8 severity;            /* 0x17 HC1_SEV_* */
    hc1_u32 ctx;                /* 0x18 0xffffffff when none */
    hc1_u32 code;               /* 0x1c HC1_ERR_* */
    hc1_u64 info;               /* 0x20 code specific */
    hc1_u8 rsvd[24];
};
HC1_ASSERT_SIZE(struct hc1_error_entry, 64);

/* The error page: newest entry first. */
#define HC1_ERROR_LOG_SIZE (HC1_ERROR_LOG_ENTRIES * 64)

enum hc1_severity {
    HC1_SEV_INFO = 0,
    HC1_SEV_COMMAND = 1,        /* one command failed */
    HC1_SEV_CONTEXT = 2,        /* one context is lost */
    HC1_SEV_DEVICE = 3,         /* the device is fatal */
};

enum hc1_err_code {
    HC1_ERR_COMMAND = 1,        /* a command failed, see status */
    HC1_ERR_DOORBELL = 2,       /* doorbell for a missing queue */
    HC1_ERR_DOORBELL_VALUE = 3, /* doorbell value out of range */
    HC1_ERR_SQ_FETCH = 4,       /* SQ memory unreadable */
    HC1_ERR_CQ_POST = 5,        /* CQ memory unwritable */
    HC1_ERR_STREAM = 6,         /* stream ring memory unwritable */
    HC1_ERR_SRAM_ECC = 7,       /* uncorrectable SRAM error */
    HC1_ERR_THERMAL_TRIP = 8,
    HC1_ERR_FATAL = 9,
};

struct hc1_stats_log {
    hc1_u64 tokens_decoded;     /* 0x00 */
    hc1_u64 tokens_prefilled;
    hc1_u64 busy_us;
    hc1_u64 energy_mj;
    hc1_u64 commands;           /* 0x20 completions posted */
    hc1_u64 errors;
    hc1_u64 uptime_ms;
    hc1_u64 decode_steps;       /* batched decode passes */
    hc1_u64 batch_tokens;       /* 0x40 sum of batch sizes */
    hc1_u64 contexts_created;
    hc1_u64 stream_records;
    hc1_u64 interrupts;
    hc1_u64 dropped_cqes;       /* 0x60 */
    hc1_u32 thermal_trips;
    hc1_u32 temp_mc;
    hc1_u32 power_mw;           /* 0x70 */
    hc1_u32 power_cap_mw;
    hc1_u32 contexts_used;
    hc1_u32 rsvd07c;
    hc1_u64 sram_used;          /* 0x80 */
    hc1_u8 rsvd[256 - 0x88];
};
HC1_ASSERT_SIZE(struct hc1_stats_log, 256);

/* SET_FEATURES / GET_FEATURES: cdw10 = feature id; dw0 = value. */
enum hc1_feature {
    HC1_FEAT_POWER_CAP = 0x01,  /* cdw11: mW, >= HC1_POWER_CAP_MIN_MW */
    HC1_FEAT_COALESCING = 0x02, /* cdw11: tokens; cdw12: timeout us */
    HC1_FEAT_AEN_MASK = 0x03,   /* cdw11: bit t enables event type t */
};

/*
 * ASYNC_EVENT: no fields; at most HC1_AER_LIMIT outstanding. Completes
 * when an event happens: dw0 bits 7:0 type, 15:8 info, 23:16 log page;
 * dw1 context id or 0xffffffff.
 */
#define HC1_AER_LIMIT           4
enum hc1_aen_type {
    HC1_AEN_ERROR = 0,          /* info: HC1_ERR_* */
    HC1_AEN_HEALTH = 1,         /* info: HC1_ERR_SRAM_ECC/THERMAL_TRIP */
    HC1_AEN_NOTICE = 2,         /* info: HC1_NOTICE_* */
};
#define HC1_AEN_MASK_ALL        0x7u
#define HC1_NOTICE_THERMAL_OK   1   /* cooled below the resume point */

/*
 * GET_TOKENIZER: cdw10 = section (HC1_TOK_SECTION_*), cdw11/12 = byte
 * offset low/high, cdw13 = bytes (0: only report the size); data to
 * dptr. dw0 = section size in bytes. The blob's format is
 * hw/engine/tokenizer/hc1_tokblob.h ("HC1T" version 1).
 */
#define HC1_TOK_SECTION_BLOB    0
#define HC1_TOK_MAX_XFER        (16u << 20)

/*
 * LOAD_LORA: cdw10 = slot, cdw11 = bytes, cdw12 = CRC-32C of the bytes
 * (Castagnoli, reflected, initial and final XOR 0xffffffff: "123456789"
 * gives 0xe3069283); data from dptr. dw0 = bytes stored, dw1 =
 * HC1_LORA_F_* (since 1.2). UNLOAD_LORA: cdw10 = slot; SLOT_IN_USE while
 * a context uses it (since 1.2).
 */
#define HC1_LORA_F_APPLICABLE   (1u << 0)   /* a valid adapter of this ROM */

/* ===================================================================== */
/* I/O command set (queues 1..)                                          */
/* ===================================================================== */

enum hc1_io_opcode {
    HC1_IO_CREATE_CONTEXT = 0x01,
    HC1_IO_DESTROY_CONTEXT = 0x02,
    HC1_IO_PREFILL = 0x03,
    HC1_IO_DECODE = 0x04,
    HC1_IO_CANCEL = 0x05,
    HC1_IO_TRUNCATE = 0x06,
};

/*
 * CREATE_CONTEXT: dptr -> struct hc1_ctx_params (64 bytes). dw0 = the
 * new context id. The context belongs to the submission queue that
 * created it; other queues get HC1_SC_INVALID_CONTEXT.
 */
struct hc1_ctx_params {
    hc1_u32 kv_tokens;          /* 0x00 KV reserve (1..MAX_CTX_TOKENS) */
    hc1_u32 ring_entries;       /* 0x04 stream ring size, 2..65536 */
    hc1_u64 ring_addr;          /* 0x08 16-byte aligned, contiguous */
    hc1_u64 ctl_addr;           /* 0x10 struct hc1_stream_ctl, 8 aligned */
    hc1_u64 lp_ring_addr;       /* 0x18 top-logprob ring, 0: none */
    hc1_u64 stream_id;          /* 0x20 keys the sampler with the seed */
    hc1_u32 notify_tokens;      /* 0x28 0: COAL_TOKENS default */
    hc1_u32 notify_timeout_us;  /* 0x2c 0: COAL_TIMEOUT_US default */
    hc1_u8 lora_slot;           /* 0x30 HC1_LORA_NONE for none */
    hc1_u8 rsvd0[3];
    hc1_u32 lora_scale;         /* 0x34 binary32; 0: 1.0 (since 1.2) */
    hc1_u8 rsvd[8];
};
HC1_ASSERT_SIZE(struct hc1_ctx_params, 64);
HC1_ASSERT_OFF(struct hc1_ctx_params, stream_id, 0x20);
HC1_ASSERT_OFF(struct hc1_ctx_params, lora_slot, 0x30);
HC1_ASSERT_OFF(struct hc1_ctx_params, lora_scale, 0x34);

/* lora_scale: 0 means 1.0; otherwise finite, within +-HC1_LORA_SCALE_MAX */
#define HC1_LORA_SCALE_MAX      4.0f

#define HC1_LORA_NONE           0xffu
#define HC1_RING_MAX_ENTRIES    65536u

/* DESTROY_CONTEXT: no fields beyond ctx. */

/*
 * PREFILL: cdw10 = number of tokens (1..); dptr -> hc1_s32 token ids.
 * dw0 = tokens in the context afterwards.
 */

/*
 * DECODE: dptr -> struct hc1_decode_params (192 bytes). Tokens stream
 * into the context's ring; the completion comes when decoding stops:
 * dw0 = tokens generated, dw1 = HC1_STOP_* | stop sequence index << 8.
 */
#define HC1_MAX_STOP_SEQS       4
#define HC1_MAX_STOP_LEN        8
#define HC1_MAX_TOP_K           8
#define HC1_MAX_TOP_LOGPROBS    20

struct hc1_decode_params {
    hc1_u32 max_new;            /* 0x00 1.. */
    hc1_u32 min_new;            /* 0x04 <= max_new; stops banned before */
    hc1_u32 temperature;        /* 0x08 binary32, 0 (greedy) .. 2 */
    hc1_u32 top_k;              /* 0x0c 0 (off) .. MAX_TOP_K */
    hc1_u32 top_p;              /* 0x10 binary32, (0, 1]; 1 off */
    hc1_u32 min_p;              /* 0x14 binary32, [0, 1); 0 off */
    hc1_u32 repeat_penalty;     /* 0x18 binary32, [1, 2]; 1 off */
    hc1_u32 repeat_last_n;      /* 0x1c window, <= context size */
    hc1_u64 seed;               /* 0x20 */
    hc1_u32 flags;              /* 0x28 HC1_DECODE_F_* */
    hc1_u32 n_top_logprobs;     /* 0x2c 0..MAX_TOP_LOGPROBS */
    hc1_u32 n_stop;             /* 0x30 0..MAX_STOP_SEQS */
    hc1_u8 stop_len[HC1_MAX_STOP_SEQS];     /* 0x34 1..MAX_STOP_LEN */
    hc1_u32 rsvd[2];            /* 0x38 */
    hc1_s32 stop[HC1_MAX_STOP_SEQS][HC1_MAX_STOP_LEN];     /* 0x40 */
};
HC1_ASSERT_SIZE(struct hc1_decode_params, 192);
HC1_ASSERT_OFF(struct hc1_decode_params, seed, 0x20);
HC1_ASSERT_OFF(struct hc1_decode_params, stop_len, 0x34);
HC1_ASSERT_OFF(struct hc1_decode_params, stop, 0x40);

#define HC1_DECODE_F_IGNORE_EOS (1u << 0)

enum hc1_stop_reason {
    HC1_STOP_NONE = 0,          /* not stopped (record not LAST) */
    HC1_STOP_EOS = 1,           /* end-of-sequence token sampled */
    HC1_STOP_LENGTH = 2,        /* max_new tokens generated */
    HC1_STOP_SEQUENCE = 3,      /* a stop sequence matched */
    HC1_STOP_KV_FULL = 4,       /* the context's KV reserve is full */
    HC1_STOP_CANCELLED = 5,     /* CANCEL, queue deletion or reset */
    HC1_STOP_ERROR = 6,         /* the decode failed, see the status */
};
#define HC1_STOP_REASON_MASK    0xffu
#define HC1_STOP_INDEX_SHIFT    8

/* CANCEL: aborts the running and queued commands of ctx; dw0 = count. */
/* TRUNCATE: cdw10 = tokens to keep; dw0 = tokens in the context. */

/* ===================================================================== */
/* Token stream                                                          */
/* ===================================================================== */

/*
 * Each context has a ring of 16-byte token records in guest memory that
 * the device fills, and a control block: the device writes the tail
 * after the records, the host writes the head as it consumes. A ring of
 * N entries holds N - 1 records. The phase bit of a record is 1 on the
 * first pass through the ring, 0 on the second, and so on. With a
 * top-logprob ring, record i's alternatives are in entry i of it.
 */
struct hc1_token_rec {
    hc1_s32 token;              /* 0x0 token id */
    hc1_u32 pos;                /* 0x4 position in the context */
    hc1_u32 logprob;            /* 0x8 binary32, log-probability */
    hc1_u16 flags;              /* 0xc HC1_TREC_* */
    hc1_u8 n_top;               /* 0xe entries in the logprob ring */
    hc1_u8 stop_reason;         /* 0xf HC1_STOP_* on the LAST record */
};
HC1_ASSERT_SIZE(struct hc1_token_rec, 16);

#define HC1_TREC_PHASE          (1u << 0)
#define HC1_TREC_FIRST          (1u << 1)   /* first token of a decode */
#define HC1_TREC_LAST           (1u << 2)   /* last token of a decode */

struct hc1_stream_ctl {
    hc1_u32 tail;               /* 0x0 device: next record to write */
    hc1_u32 head;               /* 0x4 host: next record to read */
    hc1_u32 records;            /* 0x8 device: records written, wraps */
    hc1_u32 rsvd;
};
HC1_ASSERT_SIZE(struct hc1_stream_ctl, 16);

struct hc1_top_logprob {
    hc1_s32 token;
    hc1_u32 logprob;            /* binary32 */
};
struct hc1_top_logprobs {
    struct hc1_top_logprob top[HC1_MAX_TOP_LOGPROBS];
};
HC1_ASSERT_SIZE(struct hc1_top_logprobs, 160);

#endif /* HC1_HW_H */
