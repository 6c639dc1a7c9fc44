/*
 * hc1-mkmodel: the Llama 3 tokenizer (a Hugging Face tokenizer.json and
 * tokenizer_config.json) as GGUF tokenizer arrays.
 *
 * The result has the Llama 3.1 layout: 128000 byte-level BPE tokens
 * (type 1, normal) in id order, then 256 special tokens 128000..128255
 * (type 3, control) carrying the Llama 3.1 names, whether the input
 * uses those or the Llama 3.0 names; the BPE merges as "left right"
 * strings in rank order; and the chat template.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MKMODEL_LLAMA3_VOCAB_H
#define HC1_MKMODEL_LLAMA3_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LLAMA3_N_BPE 128000
#define LLAMA3_N_VOCAB 128256
#define LLAMA3_BOS_ID 128000
#define LLAMA3_EOS_ID 128009
#define LLAMA3_EOT_ID 128009
#define LLAMA3_EOM_ID 128008

/* llama.cpp token types (tokenizer.ggml.token_type). */
#define LLAMA_TOKEN_TYPE_NORMAL 1
#define LLAMA_TOKEN_TYPE_CONTROL 3
#define LLAMA_TOKEN_TYPE_USER_DEFINED 4

typedef struct JsonDoc JsonDoc;

typedef struct Llama3Vocab {
    size_t n_tokens;
    const char **tokens;        /* [n_tokens] */
    size_t *token_lens;
    int32_t *token_types;
    size_t n_merges;
    const char **merges;        /* [n_merges], "left right" */
    size_t *merge_lens;
    const char *chat_template;  /* NULL without a config */
    size_t chat_template_len;

    /* storage */
    JsonDoc *tok_doc, *cfg_doc;
    char *names;                /* renamed special tokens */
    char *joined;               /* merges given as [left, right] pairs */
} Llama3Vocab;

/*
 * Load @tokenizer_json and, unless NULL, @config_json (for the chat
 * template). On failure returns false with one line of text in @err.
 */
bool llama3_vocab_load(Llama3Vocab *v, const char *tokenizer_json,
                       const char *config_json, char *err, size_t errlen);
void llama3_vocab_free(Llama3Vocab *v);

/*
 * The name of special token @id (128000..128255) under the Llama 3.1
 * (@v31) or Llama 3.0 naming, written to @buf.
 */
const char *llama3_special_name(unsigned id, bool v31, char *buf,
                                size_t len);

#endif
