/*
 * libhc1: user-space access to HC1 cards through the hc1 driver.
 *
 * Open a card, load its tokenizer from the card, render the Llama 3.1
 * chat format, create contexts, prefill, and generate with a streaming
 * callback; cancel from the callback or from another thread.
 *
 * Errors are negative errno values; hc1_card_error() has a one-line
 * description of the last failure on that card.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef LIBHC1_H
#define LIBHC1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hc1.h"        /* the driver's UAPI (guest-driver/include/uapi) */
#include "hc1_tok.h"    /* the shared tokenizer (hw/engine/tokenizer) */

typedef struct hc1_card hc1_card;
typedef struct hc1_context hc1_context;

/* @path NULL: /dev/hc1-0. */
int hc1_card_open(const char *path, hc1_card **out);
void hc1_card_close(hc1_card *card);
const struct hc1_ioc_info *hc1_card_info(const hc1_card *card);
const char *hc1_card_error(const hc1_card *card);
int hc1_card_fd(const hc1_card *card);
int hc1_card_stats(hc1_card *card, struct hc1_ioc_stats *st);
int hc1_card_reset(hc1_card *card);

/* LoRA adapters (root only): the library computes the CRC-32C. */
int hc1_lora_load(hc1_card *card, uint32_t slot, const void *data,
                  uint32_t len);
int hc1_lora_unload(hc1_card *card, uint32_t slot);
uint32_t hc1_crc32c(const void *data, size_t len);

/* The tokenizer, fetched from the card on first use. */
int hc1_card_tokenizer(hc1_card *card, const hc1_tok **out);

/*
 * Tokenize a prompt as the host tools do: parse special tokens, and add
 * BOS when the model asks for it (unless @no_bos). *ids is malloc'd.
 */
long hc1_tokenize(hc1_card *card, const char *text, bool no_bos,
                  int32_t **ids);

/* Render @n messages as a Llama 3.1 chat ending with the assistant
 * header (malloc'd, NUL terminated), or NULL. */
char *hc1_chat_render(const hc1_chat_msg *msgs, size_t n, bool bos);

/* ---- contexts and generation ------------------------------------------ */

typedef struct hc1_gen_params {
    uint32_t max_new;
    uint32_t min_new;
    float temperature;          /* 0: greedy */
    uint32_t top_k;             /* 0: off */
    float top_p;                /* 1: off */
    float min_p;                /* 0: off */
    float repeat_penalty;       /* 1: off */
    uint32_t repeat_last_n;
    uint64_t seed;
    bool ignore_eos;
    uint32_t n_stop;            /* token stop sequences */
    uint8_t stop_len[HC1_DEC_MAX_STOP_SEQS];
    int32_t stop[HC1_DEC_MAX_STOP_SEQS][HC1_DEC_MAX_STOP_LEN];
} hc1_gen_params;

void hc1_gen_params_default(hc1_gen_params *p);

typedef struct hc1_gen_result {
    uint32_t n_tokens;          /* generated */
    uint32_t stop_reason;       /* HC1_EV_STOP_* */
    int status;                 /* 0 or negative errno */
    uint64_t first_ns, end_ns;  /* from the decode start */
} hc1_gen_result;

/*
 * Called for each generated token with its text (the token's bytes,
 * special tokens rendered). A non-zero return cancels the generation.
 */
typedef int (*hc1_token_cb)(void *opaque, int32_t token, const char *text,
                            size_t len);

/*
 * Called for each generated token with everything the card returned for
 * it: the chosen token's log-probability and, when asked for, the most
 * likely tokens at that step, best first (@top is valid during the call
 * only). A non-zero return cancels the generation.
 */
typedef struct hc1_logprob {
    int32_t token;
    float logprob;              /* -INFINITY for a banned token */
} hc1_logprob;

typedef struct hc1_token_info {
    int32_t token;
    uint32_t pos;               /* position in the context */
    float logprob;              /* of the chosen token */
    const char *text;
    size_t len;
    uint32_t n_top;
    const hc1_logprob *top;
} hc1_token_info;

typedef int (*hc1_token_info_cb)(void *opaque, const hc1_token_info *t);

/* @kv_tokens: KV reserve; @stream_id keys the card's sampler. */
int hc1_context_create(hc1_card *card, uint32_t kv_tokens,
                       uint64_t stream_id, hc1_context **out);
/*
 * The same with HC1_CTX_* @flags: HC1_CTX_TOP_LOGPROBS lets the context's
 * generations ask for top log-probabilities.
 */
int hc1_context_create_flags(hc1_card *card, uint32_t kv_tokens,
                             uint64_t stream_id, uint32_t flags,
                             hc1_context **out);
void hc1_context_destroy(hc1_context *ctx);
uint32_t hc1_context_id(const hc1_context *ctx);
/* Tokens in the context after the call in *n_ctx (may be NULL). */
int hc1_context_prefill(hc1_context *ctx, const int32_t *ids, uint32_t n,
                        uint32_t *n_ctx);
int hc1_context_truncate(hc1_context *ctx, uint32_t keep, uint32_t *n_ctx);
int hc1_generate(hc1_context *ctx, const hc1_gen_params *p, hc1_token_cb cb,
                 void *opaque, hc1_gen_result *res);
/*
 * hc1_generate with @n_top (0..max_top_logprobs of the card) top
 * log-probabilities per token; n_top > 0 needs a context created with
 * HC1_CTX_TOP_LOGPROBS.
 */
int hc1_generate_info(hc1_context *ctx, const hc1_gen_params *p,
                      uint32_t n_top, hc1_token_info_cb cb, void *opaque,
                      hc1_gen_result *res);
/* Safe from another thread or a signal handler. */
int hc1_cancel(hc1_context *ctx);

#endif /* LIBHC1_H */
