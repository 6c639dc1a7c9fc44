/*
 * The model (mask ROM) as the engine sees it: hyper-parameters and
 * tensors bound to the mapped GGUF file, validated once at open.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MODEL_H
#define HC1_MODEL_H

#include "hc1_engine.h"
#include "gguf.h"

typedef struct hc1_tensor {
    const void *data;       /* inside the mapping */
    uint32_t type;          /* ggml type */
    uint64_t ne0;           /* row length (input dimension) */
    uint64_t ne1;           /* rows (output dimension) */
    size_t row_bytes;
} hc1_tensor;

typedef struct hc1_layer {
    hc1_tensor attn_norm, wq, wk, wv, wo;
    hc1_tensor ffn_norm, w_gate, w_up, w_down;
} hc1_layer;

struct hc1_model {
    hc1_model_info info;
    gguf_file gf;
    void *map;              /* our mmap, or NULL for caller memory */
    size_t map_len;
    hc1_tensor tok_embd;
    hc1_tensor output_norm;
    hc1_tensor output;      /* == tok_embd when tied */
    const float *rope_freqs;    /* head_dim/2 divisors, or NULL */
    hc1_layer *layers;
    uint8_t *tokblob;
    size_t tokblob_len;
    char tokenizer_model[16];
    char chat_template_kind[16];
};

/* Build the tokenizer blob from the GGUF metadata (tokblob_build.c). */
hc1_status hc1_tokblob_build(const gguf_file *gf, uint32_t n_vocab,
                             uint8_t **blob, size_t *len,
                             char *err, size_t errlen);

#endif /* HC1_MODEL_H */
