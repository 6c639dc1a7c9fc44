/*
 * HC1 on-card compute engine: the one narrow interface.
 *
 * This is everything the QEMU device (hw/hc1), the host tool hc1-llm,
 * the tests and the benchmarks may call. The engine has no QEMU
 * dependency. Every function is safe to call with hostile arguments
 * (token ids, positions, sizes): it returns an hc1_status, never aborts.
 *
 * Threading: one hc1_engine owns a thread pool. Calls on one engine are
 * serialised by the caller (the device runs them on its worker thread);
 * different engines are independent.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_ENGINE_H
#define HC1_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hc1_status {
    HC1_OK = 0,
    HC1_E_INVAL,        /* bad argument (token id >= n_vocab, bad option) */
    HC1_E_NOMEM,        /* host allocation failed */
    HC1_E_CTX_FULL,     /* context length (KV capacity) exceeded */
    HC1_E_FORMAT,       /* model file refused; message says why */
    HC1_E_IO,           /* cannot open or map a file */
    HC1_E_STATE,        /* call not valid now (decode before prefill) */
} hc1_status;

const char *hc1_status_str(hc1_status st);

/* ---- Model: the mask ROM ------------------------------------------- */

typedef struct hc1_model hc1_model;

typedef struct hc1_model_info {
    uint32_t n_vocab;
    uint32_t n_embd;
    uint32_t n_layer;
    uint32_t n_head;
    uint32_t n_head_kv;
    uint32_t head_dim;
    uint32_t n_ff;
    uint32_t n_ctx_train;
    float rope_theta;
    float norm_eps;
    bool has_rope_freqs;     /* llama3 rope scaling through rope_freqs */
    bool tied_output;        /* no output.weight: the embedding is reused */
    uint32_t weight_type;    /* ggml type of most matrices (GGML numbering) */
    int32_t bos_id;          /* -1 when absent */
    int32_t eos_id;
    int32_t eot_id;
    int32_t eom_id;
    uint64_t weight_bytes;   /* bytes of tensor data in the file */
    char name[64];           /* general.name, may be empty */
} hc1_model_info;

/*
 * Open a GGUF model by memory-mapping it read-only (no copy), or from a
 * caller-owned read-only buffer that outlives the model. The whole file
 * is validated first; on refusal @err names the problem.
 */
hc1_status hc1_model_open_file(const char *path, hc1_model **out,
                               char *err, size_t errlen);
hc1_status hc1_model_open_mem(const void *data, size_t len, hc1_model **out,
                              char *err, size_t errlen);
void hc1_model_close(hc1_model *m);
const hc1_model_info *hc1_model_get_info(const hc1_model *m);

/*
 * How the kernel maps a model opened from a file, now: @resident bytes
 * of it in memory, @huge of them in 2 MiB pages (see model.c). Linux
 * only (/proc/self/smaps); HC1_E_STATE for a model opened from memory
 * or where the kernel does not tell.
 */
hc1_status hc1_model_map_pages(const hc1_model *m, uint64_t *resident,
                               uint64_t *huge);

/*
 * The tokenizer as the card hands it to the host: one self-describing,
 * little-endian blob (format specified in hw/engine/tokenizer/hc1_tokblob.h,
 * parsed by the shared freestanding tokenizer in hw/engine/tokenizer).
 * Owned by the model. HC1_E_STATE (and NULL, 0) when the model has no
 * tokenizer (tokenizer.ggml.model "none").
 */
hc1_status hc1_model_tokenizer_blob(const hc1_model *m, const void **blob,
                                    size_t *len);

/* The tensors of the file, for tools ("hc1-llm info"). */
typedef struct hc1_tensor_info {
    char name[64];
    uint32_t type;           /* ggml type */
    uint32_t n_dims;
    uint64_t ne[4];
    uint64_t nbytes;
    uint64_t offset;         /* in the file */
} hc1_tensor_info;

uint32_t hc1_model_n_tensors(const hc1_model *m);
hc1_status hc1_model_tensor_info(const hc1_model *m, uint32_t i,
                                 hc1_tensor_info *out);
/* Name of a ggml type ("Q4_K"), "?" when unknown. */
const char *hc1_type_name(uint32_t ggml_type);

/* ---- Engine: the compute fabric ------------------------------------ */

typedef struct hc1_engine hc1_engine;

typedef enum hc1_kv_type {
    HC1_KV_F16 = 0,
    HC1_KV_F32,
    HC1_KV_Q8,
} hc1_kv_type;

typedef struct hc1_engine_config {
    uint32_t n_threads;      /* 0: one per host CPU */
    hc1_kv_type kv_type;
} hc1_engine_config;

hc1_status hc1_engine_new(const hc1_model *m, const hc1_engine_config *cfg,
                          hc1_engine **out);
void hc1_engine_free(hc1_engine *e);

/* SRAM cost of one token of KV cache, for the device's budget. */
size_t hc1_engine_kv_bytes_per_token(const hc1_engine *e);
/* Threads in the pool (the caller's thread included). */
uint32_t hc1_engine_n_threads(const hc1_engine *e);
/*
 * Host memory the engine holds beyond the mapped weights (activations,
 * scratch), not counting contexts.
 */
size_t hc1_engine_scratch_bytes(const hc1_engine *e);
/*
 * The SIMD level the kernels use ("avx512-bf16", "avx512-vnni", "avx2",
 * "portable").
 */
const char *hc1_engine_isa(void);
/*
 * Restrict the kernels to a SIMD level ("portable", "avx2", "avx512",
 * "avx512-bf16"), process-wide, for tests and tools. Returns 0, or -1
 * for an unknown name. A level the CPU lacks falls back to the best it
 * has.
 */
int hc1_engine_force_isa(const char *name);

/* ---- Contexts: one sequence with its KV cache ---------------------- */

typedef struct hc1_ctx hc1_ctx;

/*
 * @stream_id keys the sampler's random generator together with the seed
 * and the position, so a context's tokens never depend on what else is
 * in the batch.
 */
hc1_status hc1_ctx_new(hc1_engine *e, uint32_t n_ctx, uint64_t stream_id,
                       hc1_ctx **out);
void hc1_ctx_free(hc1_ctx *c);
uint32_t hc1_ctx_pos(const hc1_ctx *c);        /* tokens in the KV cache */
hc1_status hc1_ctx_truncate(hc1_ctx *c, uint32_t n_keep);
/* The tokens in the cache (hc1_ctx_pos() of them). */
const int32_t *hc1_ctx_tokens(const hc1_ctx *c);
/* Host memory of the context (KV cache, logits, history). */
size_t hc1_ctx_bytes(const hc1_ctx *c);

/*
 * Append tokens to one context and compute the logits after the last
 * one. Prefill is the many-token case.
 */
hc1_status hc1_prefill(hc1_ctx *c, const int32_t *tokens, uint32_t n);

/*
 * Append one token to each of @n contexts (all of the same engine) and
 * compute their logits in one batched pass. @st receives one status per
 * context; a failing context does not affect the others. Returns HC1_OK
 * when every context succeeded, else the first failing status. A context
 * may appear at most once per call. Each context's logits are
 * bit-identical whatever else is in the batch and whatever the thread
 * count.
 */
hc1_status hc1_decode_batch(hc1_engine *e, hc1_ctx *const *ctxs,
                            const int32_t *tokens, uint32_t n,
                            hc1_status *st);

/* ---- LoRA adapters ------------------------------------------------- */

typedef struct hc1_lora hc1_lora;

/*
 * Open a LoRA adapter for model @m from @data (a GGUF file as llama.cpp's
 * convert_lora_to_gguf writes it: general.type "adapter", adapter.type
 * "lora", general.architecture "llama", adapter.lora.alpha (absent: 0),
 * tensors "blk.N.{attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,
 * ffn_down}.weight.lora_a / .lora_b" in F32, F16 or BF16, lora_a of
 * shape [n_in, r] and lora_b [r, n_out] for a base matrix [n_in, n_out],
 * rank 1..512). Everything is checked against @m; a refusal is
 * HC1_E_FORMAT with @err naming the key or tensor and what was expected.
 * The adapter copies what it needs: @data may go away after the call.
 * It must outlive every context it is attached to.
 */
hc1_status hc1_lora_open_mem(const hc1_model *m, const void *data, size_t len,
                             hc1_lora **out, char *err, size_t errlen);
void hc1_lora_close(hc1_lora *l);
/* Bytes the adapter occupies on the card (its matrices, as f32). */
size_t hc1_lora_sram_bytes(const hc1_lora *l);
/* How many matrices it adapts. */
uint32_t hc1_lora_n_matrices(const hc1_lora *l);
/*
 * Attach @l (NULL: detach) to a context with @scale: from the next
 * token on, every adapted matrix W computes W x + s * B (A x), with
 * s = scale * alpha / r (s = scale when alpha is 0), as llama.cpp does.
 * Tokens already in the KV cache keep what they were computed with.
 * HC1_E_INVAL for an adapter of another model or a non-finite scale.
 */
hc1_status hc1_ctx_set_lora(hc1_ctx *c, const hc1_lora *l, float scale);

/* ---- Sampling ------------------------------------------------------ */

#define HC1_MAX_TOP_LOGPROBS 20

typedef struct hc1_sampling {
    float temperature;       /* 0: greedy (ties to the lowest id) */
    uint32_t top_k;          /* 0: off */
    float top_p;             /* 1 (or 0): off */
    float min_p;             /* 0: off */
    float repeat_penalty;    /* 1 (or 0): off */
    uint32_t repeat_last_n;  /* window for the penalty */
    uint64_t seed;
    uint32_t n_top_logprobs; /* 0..HC1_MAX_TOP_LOGPROBS */
    /*
     * Logit bias (added later; zero-initialised means none): bias[i] is
     * added to the logit of token bias_ids[i] before everything else, so
     * the log-probabilities are those of the biased distribution.
     * -INFINITY bans the token: it is never chosen, whatever the
     * sampling parameters. Other values must be finite. The arrays are
     * the caller's and are only read during hc1_sample.
     */
    const int32_t *bias_ids;
    const float *bias;
    uint32_t n_bias;
} hc1_sampling;

typedef struct hc1_token_out {
    int32_t id;
    float logprob;
    uint32_t n_top;
    int32_t top_ids[HC1_MAX_TOP_LOGPROBS];
    float top_logprobs[HC1_MAX_TOP_LOGPROBS];
} hc1_token_out;

/*
 * Choose the next token from the context's current logits. Order:
 * repetition penalty, top-k, top-p, min-p (on the untempered
 * distribution), temperature, then one draw keyed by (seed, stream_id,
 * position) over the surviving tokens in id order. logprob / top_logprobs are of the biased, penalised logits
 * before truncation and temperature. HC1_E_STATE when there are no
 * logits; HC1_E_INVAL for a bias id out of the vocabulary, a NaN or
 * +infinite bias, or bans that leave no token to choose; HC1_E_NOMEM
 * when the sampler's scratch (two floats a vocabulary entry, once per
 * engine) or a large top-k's list cannot be allocated.
 * A zero-initialised hc1_sampling is greedy with every filter off.
 */
hc1_status hc1_sample(hc1_ctx *c, const hc1_sampling *s, hc1_token_out *out);

/*
 * hc1_sample for @n contexts of one engine at once, on its thread pool,
 * one context to a thread at a time: out[i] and st[i] are what
 * hc1_sample(c[i], &s[i], &out[i]) gives (a context's draw depends only
 * on its own logits, parameters, seed, stream and position; the
 * contexts are only read). Returns the first st[i] that is not HC1_OK,
 * else HC1_OK; HC1_E_INVAL, with st untouched, for contexts of
 * different engines. The card samples each step's batch this way.
 */
hc1_status hc1_sample_batch(hc1_ctx *const *c, const hc1_sampling *s,
                            hc1_token_out *out, hc1_status *st, uint32_t n);
/* Greedy, no penalty, top_p 1, repeat_last_n 64. */
void hc1_sampling_default(hc1_sampling *s);
/* The counter-based generator: 64 random bits for (seed, stream, pos). */
uint64_t hc1_rng_u64(uint64_t seed, uint64_t stream, uint64_t pos);

/*
 * The last logits of a context (n_vocab floats), for tests and tools;
 * NULL before the first prefill and after a truncation.
 */
const float *hc1_ctx_logits(const hc1_ctx *c);

#ifdef __cplusplus
}
#endif

#endif /* HC1_ENGINE_H */
