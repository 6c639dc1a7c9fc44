/*
 * hc1-mkmodel: the Llama 3.1 architecture as a list of GGUF tensors:
 * hyper-parameters, named shapes, the tensor types of each file type
 * (including llama.cpp's Q4_K_M mix), how each tensor is initialised,
 * and the Llama 3 rope scaling factors.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MKMODEL_LLAMA3_MODEL_H
#define HC1_MKMODEL_LLAMA3_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quant.h"

#define LLAMA3_CONTEXT_LENGTH 131072
#define LLAMA3_ROPE_FREQ_BASE 500000.0
#define LLAMA3_RMS_EPS 1e-5f
#define LLAMA3_ROPE_FACTOR 8.0
#define LLAMA3_ROPE_LOW_FREQ_FACTOR 1.0
#define LLAMA3_ROPE_HIGH_FREQ_FACTOR 4.0
#define LLAMA3_ROPE_ORIGINAL_CONTEXT 8192

typedef struct Llama3Hparams {
    uint32_t dim;           /* embedding length */
    uint32_t layers;
    uint32_t heads;
    uint32_t kv_heads;
    uint32_t ff;            /* feed-forward length */
    bool tied;              /* output head shares token_embd */
    uint32_t vocab;
} Llama3Hparams;

typedef struct Llama3Shape {
    const char *name;
    Llama3Hparams hp;
} Llama3Shape;

/* The named shapes (tiny, default, small, medium), NULL-name ended. */
extern const Llama3Shape llama3_shapes[];
const Llama3Shape *llama3_find_shape(const char *name);

/* Checks the hyper-parameters; on failure writes one line to @err. */
bool llama3_hparams_check(const Llama3Hparams *hp, char *err, size_t errlen);
uint32_t llama3_head_dim(const Llama3Hparams *hp);
uint64_t llama3_param_count(const Llama3Hparams *hp);

/* What --type asks for. */
typedef enum Llama3FileType {
    LLAMA3_FT_F32,
    LLAMA3_FT_F16,
    LLAMA3_FT_BF16,
    LLAMA3_FT_Q8_0,
    LLAMA3_FT_Q4_0,
    LLAMA3_FT_Q4_K_M,
} Llama3FileType;

bool llama3_file_type_parse(const char *s, Llama3FileType *ft);
/* The llama_ftype number stored as general.file_type. */
uint32_t llama3_file_type_id(Llama3FileType ft);
bool llama3_file_type_quantized(Llama3FileType ft);

typedef enum Llama3Init {
    LLAMA3_INIT_NORMAL,     /* seeded normal(mean, std), f16-rounded */
    LLAMA3_INIT_ROPE_FREQS, /* llama3_rope_freqs() */
} Llama3Init;

typedef struct Llama3Tensor {
    char name[48];
    uint32_t n_dims;
    uint64_t ne[2];         /* ne[0] = row length */
    Hc1GgmlType type;
    Llama3Init init;
    float mean, std;
} Llama3Tensor;

/* Number of tensors of a model. */
size_t llama3_tensor_count(const Llama3Hparams *hp);
/*
 * Fill @out (llama3_tensor_count() entries) with the tensors in file
 * order.
 */
void llama3_plan(const Llama3Hparams *hp, Llama3FileType ft,
                 Llama3Tensor *out);

/*
 * Per-pair divisors of the rotary frequencies (rope_freqs.weight,
 * head_dim / 2 entries): pair i rotates at
 * pos * base^(-2i/head_dim) / out[i].
 */
void llama3_rope_freqs(uint32_t head_dim, float *out);

/* llama.cpp's layer choice for more bits in Q4_K_M (attn_v, ffn_down). */
bool llama3_use_more_bits(uint32_t layer, uint32_t n_layers);

#endif
