/*
 * Engine internals shared by engine.c, forward.c, matmul.c, sampler.c.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_ENGINE_INT_H
#define HC1_ENGINE_INT_H

#include "hc1_engine.h"
#include "kernels.h"
#include "quant.h"
#include "model.h"
#include "threadpool.h"

/* Tokens processed together in one forward pass (bounds scratch). */
#define HC1_UBATCH 64

/* One row of a forward pass: a token of some context at a position. */
typedef struct hc1_row {
    hc1_ctx *ctx;
    uint32_t pos;
    int32_t token;
    float *logits;          /* where to put the logits, or NULL */
} hc1_row;

struct hc1_ctx {
    hc1_engine *e;
    uint32_t n_ctx;
    uint64_t stream_id;
    uint32_t pos;           /* tokens in the KV cache */
    uint8_t *k;             /* [n_layer][n_head_kv][n_ctx][kv_head_bytes] */
    uint8_t *v;
    size_t kv_bytes;        /* of each of k and v (hugemem.c) */
    int32_t *tokens;        /* [n_ctx] history, for penalties */
    float *logits;          /* [n_vocab] */
    bool has_logits;
    const hc1_lora *lora;   /* attached adapter (the caller's), or NULL */
    float lora_scale;
};

/* lora.c: the adaptable matrices of a layer, in this order. */
enum {
    HC1_LORA_Q, HC1_LORA_K, HC1_LORA_V, HC1_LORA_O,
    HC1_LORA_GATE, HC1_LORA_UP, HC1_LORA_DOWN,
    HC1_LORA_N_MATS
};
#define HC1_LORA_MAX_RANK 512

typedef struct hc1_lora_mat {
    uint32_t r;             /* 0: this matrix is not adapted */
    float *a;               /* [r][n_in] */
    float *b;               /* [n_out][r] */
} hc1_lora_mat;

struct hc1_lora {
    const hc1_model *m;
    uint32_t n_layer;
    hc1_lora_mat *mats;     /* [n_layer][HC1_LORA_N_MATS] */
    float alpha;
    size_t bytes;
    uint32_t n_adapted;
};

/* Scratch of one forward pass of up to HC1_UBATCH rows. */
typedef struct hc1_scratch {
    float *x, *xb, *q, *k, *v, *att, *hb, *hb2;
    float *rope;            /* [rows][head_dim] cos/sin pairs */
    uint8_t *act[GGML_TYPE_MAX];    /* converted activations by type */
    size_t act_cap[GGML_TYPE_MAX];
    uint8_t *panel[GGML_TYPE_MAX];  /* column panels of those, by type */
    size_t panel_cap[GGML_TYPE_MAX];
    float *scores;          /* [n_threads][n_ctx_max] attention scores */
    size_t scores_cap;      /* floats per thread */
    float *samp;            /* sampler.c: [n_threads][2][n_vocab], lazily */
} hc1_scratch;

struct hc1_engine {
    const hc1_model *m;
    hc1_pool *pool;
    uint32_t n_threads;
    hc1_kv_type kv_type;
    size_t kv_row_bytes;    /* one token's K (or V) of one layer */
    size_t kv_head_bytes;   /* the same of one KV head */
    hc1_scratch s;
};

/*
 * matmul.c: out[t][r] = dot(W row r, x[t]) for t < T, all rows of W;
 * with @cols, token t's row goes to cols[t] instead (the output head
 * writes each context's logits in place).
 */
typedef struct hc1_mm {
    const hc1_tensor *w;
    float *out;             /* [T][w->ne1] */
    float *const *cols;     /* or [T] rows of w->ne1, or NULL */
} hc1_mm;

/*
 * Run up to 3 matmuls that share the input @x ([T][ne0] floats),
 * converting it once per activation type.
 */
hc1_status hc1_matmul(hc1_engine *e, const hc1_mm *mm, int n_mm,
                      const float *x, uint32_t T);

/*
 * Tensor-parallel pieces for batched decode (forward.c). With the pool's
 * P threads, hc1_matmul_parted() hands the pool part i of each matmul
 * in turn (part i of q, k and v; of gate and up), so thread i computes
 * part i of every one (unless stolen from), and what works on those
 * parts next (attention by KV head, SwiGLU element by element) reads
 * what its own thread wrote. hc1_matmul_parts() gives P where the
 * matmuls split so (each one's rows into P equal parts, a part of all
 * of them in whole 256s), else 0.
 */
uint32_t hc1_matmul_parts(const hc1_engine *e, const hc1_mm *mm, int n_mm);
hc1_status hc1_matmul_parted(hc1_engine *e, const hc1_mm *mm, int n_mm,
                             const float *x, uint32_t T);

/*
 * The converted input of a matmul of @w for @T columns, filled by the
 * caller range by range (hc1_mm_in_fill: elements [k0, k1) of every
 * column, multiples of 256 or the row's end, from x [T][ne0]) so each
 * thread converts what it computed; then hc1_matmul_in() runs the
 * matmul on it. The buffers are the engine's scratch: valid until the
 * next matmul.
 */
typedef struct hc1_mm_in {
    const hc1_tensor *w;
    uint32_t T;
    uint32_t act_type;
    uint32_t kind;          /* the panels' kind; 0: no panels */
    uint8_t *act;
    size_t stride;
    uint8_t *panel;
    size_t pstride;
} hc1_mm_in;

hc1_status hc1_mm_in_prepare(hc1_engine *e, const hc1_tensor *w, uint32_t T,
                             hc1_mm_in *in);
void hc1_mm_in_fill(const hc1_mm_in *in, const float *x, uint64_t k0,
                    uint64_t k1);
hc1_status hc1_matmul_in(hc1_engine *e, const hc1_mm *mm,
                         const hc1_mm_in *in);

void hc1_lora_apply(const hc1_row *rows, uint32_t T, uint32_t layer, int w,
                    const float *x, uint32_t n_in, float *out,
                    uint32_t n_out);

/* forward.c */
hc1_status hc1_forward(hc1_engine *e, hc1_row *rows, uint32_t T);
size_t hc1_kv_row_bytes(hc1_kv_type t, uint32_t kv_dim);

#endif /* HC1_ENGINE_INT_H */
