/*
 * A LoRA adapter writer for tests: GGUF as llama.cpp's
 * convert_lora_to_gguf lays it out (general.type "adapter",
 * adapter.type "lora", adapter.lora.alpha, "<base>.lora_a" [n_in, r] and
 * "<base>.lora_b" [r, n_out]). Standalone C (no engine code), so the
 * device tests can use it too. The knobs make malformed adapters.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_TLORA_H
#define HC1_TLORA_H

#include <stddef.h>
#include <stdint.h>

typedef struct tlora_mat {
    char name[64];          /* base tensor, "blk.0.attn_q.weight" */
    uint32_t n_in, n_out, r;
    const float *a;         /* [r][n_in] */
    const float *b;         /* [n_out][r] */
    uint32_t type;          /* ggml type written for both: 0 F32 (data
                             * as given), 8 Q8_0 (zero blocks) */
    int omit_b;             /* write lora_a only */
    uint32_t b_rows;        /* 0: n_out; else this many rows of lora_b */
} tlora_mat;

typedef struct tlora_meta {
    const char *general_type;   /* "adapter" */
    const char *adapter_type;   /* "lora" */
    const char *arch;           /* "llama" */
    float alpha;
    int no_alpha;               /* leave adapter.lora.alpha out */
} tlora_meta;

void tlora_meta_default(tlora_meta *m);
/* The GGUF bytes (malloc'd), length in @len. */
void *tlora_build(const tlora_meta *meta, const tlora_mat *mats, int n,
                  size_t *len);

#endif
