/*
 * The HC1 tokenizer: written once in freestanding C and built both into
 * the guest library and into the host tools. It needs no libc: memory
 * comes from the caller's allocator callbacks, and the model's
 * vocabulary from a tokenizer blob (hc1_tokblob.h).
 *
 * Byte-level BPE with the Llama 3 pre-tokenizer, and SentencePiece-style
 * (score-driven merges with byte fallback), both as llama.cpp tokenizes.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_TOK_H
#define HC1_TOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hc1_tokblob.h"

typedef struct hc1_tok_alloc {
    void *(*alloc)(void *opaque, size_t n);
    void (*free)(void *opaque, void *p);
    void *opaque;
} hc1_tok_alloc;

typedef struct hc1_tok {
    const uint8_t *blob;
    uint32_t size;
    uint32_t version, hdr_size;
    const char *chat;           /* chat template (NUL follows) or NULL */
    uint32_t chat_len;
    uint32_t kind, pre, flags;
    uint32_t n_vocab, n_merges;
    int32_t bos, eos, eot, eom, unk, pad;
    const uint8_t *text_idx;    /* u32[n_vocab + 1], possibly unaligned */
    const uint8_t *text;
    uint32_t text_len;
    const uint8_t *types;
    const uint8_t *scores;      /* f32[n_vocab] or NULL */
    const uint8_t *merges;      /* u32[3 * n_merges] or NULL */
    const uint8_t *vhash;
    uint32_t vhash_n;
    const uint8_t *mhash;
    uint32_t mhash_n;
    int32_t byte_tok[256];      /* token of each byte, -1 if none */
    int32_t *special;           /* special token ids, longest text first */
    uint32_t n_special;
    uint8_t special_first[32];  /* bitmap of first bytes of specials */
    hc1_tok_alloc a;
} hc1_tok;

/* Errors (negative return values). */
#define HC1_TOK_E_BLOB      (-1)    /* blob malformed */
#define HC1_TOK_E_NOMEM     (-2)
#define HC1_TOK_E_INVAL     (-3)

/* Validate @blob (which must outlive @t) and prepare. 0 or HC1_TOK_E_*. */
int hc1_tok_init(hc1_tok *t, const void *blob, size_t len,
                 const hc1_tok_alloc *a);
void hc1_tok_fini(hc1_tok *t);
const char *hc1_tok_strerror(int err);

/* Encode flags. */
#define HC1_ENC_ADD_BOS         (1u << 0)   /* prepend BOS (if any) */
#define HC1_ENC_PARSE_SPECIAL   (1u << 1)   /* control-token text -> id */
#define HC1_ENC_ADD_EOS         (1u << 2)

/*
 * Tokenize @len bytes of @text. Returns the number of tokens (stores at
 * most @max_ids of them), or HC1_TOK_E_*. HC1_ENC_ADD_BOS adds BOS only
 * if the tokenizer has one; hc1_tok_add_bos() says whether the model
 * asks for it.
 */
long hc1_tok_encode(const hc1_tok *t, const char *text, size_t len,
                    uint32_t flags, int32_t *ids, size_t max_ids);
bool hc1_tok_add_bos(const hc1_tok *t);

/* Decode flags. */
#define HC1_DEC_SPECIAL         (1u << 0)   /* render control tokens */
#define HC1_DEC_STRIP_SPACE     (1u << 1)   /* SPM: drop the prefix space */

/*
 * The bytes of token @id (returns the length, storing at most @cap
 * bytes), or HC1_TOK_E_INVAL for an id out of range.
 */
long hc1_tok_piece(const hc1_tok *t, int32_t id, uint32_t flags, char *buf,
                   size_t cap);
/* Concatenate the pieces of @n ids; same return convention. */
long hc1_tok_decode(const hc1_tok *t, const int32_t *ids, size_t n,
                    uint32_t flags, char *buf, size_t cap);
bool hc1_tok_is_eog(const hc1_tok *t, int32_t id);
/*
 * The model's chat template (GGUF tokenizer.chat_template, a Jinja
 * template as the file has it), NUL-terminated, with its length in
 * @len; NULL (and 0) when the blob has none (blob version 1, or a model
 * without one).
 */
const char *hc1_tok_chat_template(const hc1_tok *t, size_t *len);
/* Token id of exactly these bytes, or -1. */
int32_t hc1_tok_lookup(const hc1_tok *t, const char *s, size_t n);

/* ---- Llama 3.1 chat format ---------------------------------------- */

typedef struct hc1_chat_msg {
    const char *role;       /* "system", "user", "assistant", "ipython" */
    const char *content;
} hc1_chat_msg;

#define HC1_CHAT_BOS            (1u << 0)   /* start with <|begin_of_text|> */
#define HC1_CHAT_ADD_ASSISTANT  (1u << 1)   /* end with the assistant header */
#define HC1_CHAT_SYSTEM_DATE    (1u << 2)   /* the instruct template's system
                                             * block with the knowledge and
                                             * today dates */

/*
 * Render @n messages in the Llama 3.1 instruct format. Without
 * HC1_CHAT_SYSTEM_DATE each message is
 * "<|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|>" with the
 * content trimmed (as llama.cpp's built-in llama3 template); with it, the
 * system block of the Jinja template comes first, using @date (NULL:
 * "26 Jul 2024"). Returns the length (storing at most @cap bytes and a
 * NUL when room remains).
 */
size_t hc1_tok_chat_llama31(const hc1_chat_msg *msgs, size_t n,
                            uint32_t flags, const char *date, char *buf,
                            size_t cap);

#endif /* HC1_TOK_H */
