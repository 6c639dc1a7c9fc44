/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * HC1 LLM inference card: user-space interface of the hc1 driver.
 *
 * Each card is a misc character device /dev/hc1-N. Every open file gets
 * its own hardware queue pair, and the contexts it creates belong to that
 * file only: another file (another process) cannot name them.
 *
 * Extensibility: every ioctl argument starts with a __u32 size (the size
 * of the structure as the caller knows it) and a __u32 flags word. The
 * driver accepts smaller (older) structures and zero-fills what they
 * lack, and larger (newer) ones as long as the bytes it does not know are
 * zero; unknown flags are refused with EINVAL. The ioctl number is
 * matched on type and number only, never on the size it encodes. Output
 * fields are written back up to the caller's size.
 *
 * Tokens are read with read() as a stream of struct hc1_event records
 * (whole records only); poll() reports POLLIN while one is ready.
 *
 * History: version 2 added top log-probabilities (HC1_CTX_TOP_LOGPROBS,
 * hc1_ioc_decode.n_top_logprobs, HC1_EV_TOP_LOGPROBS records). A program
 * that does not ask for them gets exactly what version 1 gave it.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#ifndef _UAPI_HC1_H
#define _UAPI_HC1_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped when something is added; older fields never change meaning. */
#define HC1_UAPI_VERSION	2

#define HC1_IOCTL_TYPE		0xC1

/* Identity, limits and state of the card. */
struct hc1_ioc_info {
	__u32 size;
	__u32 flags;			/* in: 0 */
	__u32 uapi_version;		/* HC1_UAPI_VERSION of the driver */
	__u32 iface_version;		/* the card's interface, major << 16 */
	__u32 cap;			/* the card's capability bits */
	__u32 intmode;			/* 0 INTx, 1 MSI-X */
	__u32 n_vectors;		/* interrupt vectors in use */
	__u32 n_io_queues;		/* hardware I/O queues (one per file) */
	__u64 rom_size;
	__u64 sram_size;
	__u8 model_id[32];		/* SHA-256 of the ROM */
	__u8 tokenizer_id[32];		/* SHA-256 of the tokenizer blob */
	char name[64];			/* the model's name, NUL terminated */
	char serial[32];
	char firmware[32];
	__u32 n_vocab;
	__u32 n_ctx_train;
	__u32 n_embd;
	__u32 n_layer;
	__u32 n_head;
	__u32 n_head_kv;
	__u32 head_dim;
	__u32 n_ff;
	__u32 weight_type;		/* GGML type number */
	__u32 rope_theta;		/* IEEE-754 binary32 */
	__s32 bos_id;			/* -1 when absent, same below */
	__s32 eos_id;
	__s32 eot_id;
	__s32 eom_id;
	__u32 tokblob_size;
	__u32 max_contexts;
	__u32 kv_capacity;		/* tokens of KV in the card's SRAM */
	__u32 max_ctx_tokens;		/* largest KV reserve of one context */
	__u32 max_top_k;
	__u32 max_top_logprobs;
	__u32 max_stop_seqs;
	__u32 max_stop_len;
	__u32 lora_slots;
	__u32 lora_max_bytes;
	__u32 max_batch;
	__u32 reserved;
};

/*
 * Read part of the tokenizer blob (format: hc1_tokblob.h, "HC1T").
 * len 0 only reports total.
 */
struct hc1_ioc_tokenizer {
	__u32 size;
	__u32 flags;			/* in: 0 */
	__u64 offset;			/* in: byte offset into the blob */
	__u64 data;			/* in: user pointer */
	__u32 len;			/* in: bytes to read */
	__u32 total;			/* out: blob size */
};

#define HC1_LORA_NONE_SLOT	0xffu

/*
 * HC1_IOC_CTX_CREATE flags (since version 2).
 * HC1_CTX_TOP_LOGPROBS: give the context the memory for top
 * log-probabilities (ring_entries x 160 bytes), so that its decodes may
 * set n_top_logprobs. EOPNOTSUPP when the card lacks the capability
 * (cap bit 6, max_top_logprobs 0). Version 1 drivers refuse it (EINVAL).
 */
#define HC1_CTX_TOP_LOGPROBS	(1u << 0)

struct hc1_ioc_ctx_create {
	__u32 size;
	__u32 flags;			/* in: HC1_CTX_* */
	__u32 kv_tokens;		/* in: KV reserve, tokens */
	__u32 ring_entries;		/* in: stream ring (0: driver default) */
	__u64 stream_id;		/* in: keys the sampler with the seed */
	__u32 notify_tokens;		/* in: 0 card default */
	__u32 notify_timeout_us;	/* in: 0 card default */
	__u32 lora_slot;		/* in: HC1_LORA_NONE_SLOT for none */
	__u32 ctx;			/* out: context handle */
};

/* DESTROY and CANCEL: ctx in; CANCEL's count out (commands aborted). */
struct hc1_ioc_ctx {
	__u32 size;
	__u32 flags;			/* in: 0 */
	__u32 ctx;
	__u32 count;
};

struct hc1_ioc_prefill {
	__u32 size;
	__u32 flags;			/* in: 0 */
	__u32 ctx;			/* in */
	__u32 n_tokens;			/* in */
	__u64 tokens;			/* in: user pointer to __s32 ids */
	__u32 n_ctx;			/* out: tokens in the context now */
	__u32 reserved;
};

struct hc1_ioc_truncate {
	__u32 size;
	__u32 flags;			/* in: 0 */
	__u32 ctx;			/* in */
	__u32 keep;			/* in: tokens to keep */
	__u32 n_ctx;			/* out */
	__u32 reserved;
};

#define HC1_DEC_MAX_STOP_SEQS	4
#define HC1_DEC_MAX_STOP_LEN	8

/* HC1_IOC_DECODE flags. */
#define HC1_DECODE_IGNORE_EOS	(1u << 0)

/*
 * Start generating. The call returns once the card has the command;
 * the tokens and then one HC1_EV_DONE record arrive through read().
 * A context runs one decode at a time (EBUSY otherwise).
 *
 * n_top_logprobs (since version 2; 0, what an older caller's smaller
 * structure gets, asks for nothing): 1..max_top_logprobs asks for that
 * many most likely tokens at each step, best first. Each HC1_EV_TOKEN
 * record is then followed by the HC1_EV_TOP_LOGPROBS records that carry
 * its list, before any other record of the same context. The context
 * must have been created with HC1_CTX_TOP_LOGPROBS (EINVAL otherwise).
 */
struct hc1_ioc_decode {
	__u32 size;
	__u32 flags;			/* in: HC1_DECODE_* */
	__u32 ctx;
	__u32 max_new;			/* 1.. */
	__u32 min_new;
	__u32 temperature;		/* binary32, 0 greedy */
	__u32 top_k;			/* 0 off */
	__u32 top_p;			/* binary32, 1 off */
	__u32 min_p;			/* binary32, 0 off */
	__u32 repeat_penalty;		/* binary32, 1 off */
	__u32 repeat_last_n;
	__u32 n_stop;
	__u64 seed;
	__u8 stop_len[HC1_DEC_MAX_STOP_SEQS];
	__u32 reserved;
	__s32 stop[HC1_DEC_MAX_STOP_SEQS][HC1_DEC_MAX_STOP_LEN];
	/* Version 2: 192 bytes before. */
	__u32 n_top_logprobs;		/* in: 0 none, else 1..max_top_logprobs */
	__u32 reserved2;		/* in: 0 */
};

/* LoRA: data/len/crc32c in for LOAD (CRC-32C of the bytes), slot for both. */
struct hc1_ioc_lora {
	__u32 size;
	__u32 flags;			/* in: 0 */
	__u32 slot;
	__u32 len;
	__u64 data;			/* user pointer */
	__u32 crc32c;
	__u32 reserved;
};

/* Card statistics (the card's statistics log and driver counters). */
struct hc1_ioc_stats {
	__u32 size;
	__u32 flags;			/* in: 0 */
	__u64 tokens_decoded;
	__u64 tokens_prefilled;
	__u64 busy_us;
	__u64 energy_mj;
	__u64 commands;
	__u64 errors;
	__u64 uptime_ms;
	__u64 decode_steps;
	__u64 batch_tokens;
	__u64 contexts_created;
	__u64 interrupts;		/* as counted by the card */
	__u64 sram_used;
	__u32 contexts_used;
	__u32 temp_mc;
	__u32 power_mw;
	__u32 power_cap_mw;
	__u32 resets;			/* controller resets by the driver */
	__u32 timeouts;			/* commands that timed out */
};

/* Controller reset (CAP_SYS_ADMIN). Every context on the card is lost. */
struct hc1_ioc_reset {
	__u32 size;
	__u32 flags;			/* in: 0 */
};

#define HC1_IOC_INFO		_IOWR(HC1_IOCTL_TYPE, 0x00, struct hc1_ioc_info)
#define HC1_IOC_TOKENIZER	_IOWR(HC1_IOCTL_TYPE, 0x01, struct hc1_ioc_tokenizer)
#define HC1_IOC_CTX_CREATE	_IOWR(HC1_IOCTL_TYPE, 0x02, struct hc1_ioc_ctx_create)
#define HC1_IOC_CTX_DESTROY	_IOWR(HC1_IOCTL_TYPE, 0x03, struct hc1_ioc_ctx)
#define HC1_IOC_PREFILL		_IOWR(HC1_IOCTL_TYPE, 0x04, struct hc1_ioc_prefill)
#define HC1_IOC_DECODE		_IOWR(HC1_IOCTL_TYPE, 0x05, struct hc1_ioc_decode)
#define HC1_IOC_CANCEL		_IOWR(HC1_IOCTL_TYPE, 0x06, struct hc1_ioc_ctx)
#define HC1_IOC_TRUNCATE	_IOWR(HC1_IOCTL_TYPE, 0x07, struct hc1_ioc_truncate)
#define HC1_IOC_LORA_LOAD	_IOWR(HC1_IOCTL_TYPE, 0x08, struct hc1_ioc_lora)
#define HC1_IOC_LORA_UNLOAD	_IOWR(HC1_IOCTL_TYPE, 0x09, struct hc1_ioc_lora)
#define HC1_IOC_STATS		_IOWR(HC1_IOCTL_TYPE, 0x0a, struct hc1_ioc_stats)
#define HC1_IOC_RESET		_IOWR(HC1_IOCTL_TYPE, 0x0b, struct hc1_ioc_reset)

/* read() records. */
#define HC1_EV_TOKEN		1	/* one generated token */
#define HC1_EV_DONE		2	/* the decode of ctx ended */
#define HC1_EV_TOP_LOGPROBS	3	/* struct hc1_event_top (version 2) */

#define HC1_EV_F_FIRST		(1u << 0)	/* first token of a decode */
#define HC1_EV_F_LAST		(1u << 1)	/* last token of a decode */

/* stop_reason of HC1_EV_DONE (and of a LAST token). */
#define HC1_EV_STOP_EOS		1
#define HC1_EV_STOP_LENGTH	2
#define HC1_EV_STOP_SEQUENCE	3
#define HC1_EV_STOP_KV_FULL	4
#define HC1_EV_STOP_CANCELLED	5
#define HC1_EV_STOP_ERROR	6

struct hc1_event {
	__u16 type;			/* HC1_EV_* */
	__u16 flags;			/* HC1_EV_F_* */
	__u32 ctx;
	__s32 token;			/* TOKEN: id */
	__u32 pos;			/* TOKEN: position in the context */
	__u32 logprob;			/* TOKEN: binary32 */
	__u32 count;			/* DONE: tokens generated */
	__s32 status;			/* DONE: 0 or a negative errno */
	__u8 stop_reason;		/* DONE: HC1_EV_STOP_* */
	__u8 stop_index;		/* DONE: which stop sequence matched */
	__u16 reserved;
};

/*
 * HC1_EV_TOP_LOGPROBS: part of the top log-probabilities of the token of
 * the HC1_EV_TOKEN record just before it (same ctx). A token's list of
 * n_top entries, best first, comes in ceil(n_top / 3) records in order:
 * entries index .. index + 2 of it, the unused tail of the last record
 * zeroed. Only decodes with n_top_logprobs > 0 produce these records.
 * A banned token (see min_new in the manual) has logprob -infinity.
 */
#define HC1_EV_TOP_PER_RECORD	3

struct hc1_ev_logprob {
	__s32 token;
	__u32 logprob;			/* binary32 */
};

struct hc1_event_top {
	__u16 type;			/* HC1_EV_TOP_LOGPROBS */
	__u8 index;			/* top[0]'s place in the token's list */
	__u8 n_top;			/* entries in the token's list */
	__u32 ctx;
	struct hc1_ev_logprob top[HC1_EV_TOP_PER_RECORD];
};

#endif /* _UAPI_HC1_H */
