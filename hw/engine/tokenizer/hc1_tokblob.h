/*
 * HC1 tokenizer blob: the self-describing form in which the card hands
 * its model's tokenizer to the guest (and host tools), built by the
 * engine from the GGUF metadata (hc1_model_tokenizer_blob) and parsed by
 * the freestanding tokenizer (hc1_tok.h).
 *
 * Format, version 2. Little-endian throughout. All offsets are in bytes
 * from the start of the blob; every section starts 4-byte aligned, lies
 * inside the blob and after the header. A reader must check every field
 * it uses.
 *
 * Versions: version 1 is the 96-byte header below without the fields
 * from offset 96 on. Version 2 appends header fields only (offsets and
 * meanings of version 1 fields are unchanged), so a version 2 reader
 * reads both, treating a version 1 blob as one without the new fields;
 * a version 1 reader refuses version 2 by the version field, cleanly.
 *
 *   Header (HC1_TOKBLOB_HDR_SIZE_V2 = 104 bytes in version 2,
 *   HC1_TOKBLOB_HDR_SIZE = 96 in version 1), u32 fields unless noted:
 *     0   magic          'H','C','1','T' (0x54314348 read as u32)
 *     4   version        2 (or 1)
 *     8   size           total blob size in bytes
 *     12  kind           HC1_TOK_BPE (byte-level BPE, GGUF "gpt2") or
 *                        HC1_TOK_SPM (SentencePiece-style, GGUF "llama")
 *     16  pre            pre-tokenizer: HC1_PRE_LLAMA3 or HC1_PRE_DEFAULT
 *     20  flags          HC1_TOKF_* below
 *     24  n_vocab        number of tokens
 *     28  n_merges       number of merge triples (BPE), else 0
 *     32  bos            i32 token id, -1 when absent (same for the next)
 *     36  eos            i32
 *     40  eot            i32
 *     44  eom            i32
 *     48  unk            i32
 *     52  pad            i32
 *     56  off_text_idx   u32[n_vocab + 1]: token i's bytes are
 *                        text[idx[i] .. idx[i+1]), non-decreasing
 *     60  off_text       the token bytes: raw bytes for BPE (the GPT-2
 *                        byte-to-unicode mapping already undone, except
 *                        for control/user-defined tokens, kept as
 *                        written); for SPM the text as in the vocabulary
 *                        (U+2581 for a space, "<0xNN>" byte tokens)
 *     64  text_len       bytes in the text section
 *     68  off_types      u8[n_vocab]: GGUF token types (1 normal,
 *                        2 unknown, 3 control, 4 user-defined,
 *                        5 unused, 6 byte)
 *     72  off_scores     f32[n_vocab] (SPM), or 0
 *     76  off_merges     u32[3 * n_merges]: (left id, right id, result
 *                        id) in rank order, rank = index (BPE), or 0
 *     80  off_vocab_hash u32[vocab_hash_n]: open addressing, linear
 *                        probing, slot = token id + 1 (0 empty); the
 *                        start slot is hc1_tok_hash(bytes) mod n
 *     84  vocab_hash_n   power of two > n_vocab
 *     88  off_merge_hash u32[merge_hash_n]: slot = rank + 1 (0 empty),
 *                        start slot hc1_tok_pair_hash(left, right) mod n
 *     92  merge_hash_n   power of two > n_merges, or 0
 *   version 2:
 *     96  off_chat       the chat template: the GGUF string
 *                        tokenizer.chat_template (a Jinja template,
 *                        UTF-8, as the model file has it), or 0 when
 *                        the model has none
 *     100 chat_len       its length in bytes (0 when absent); one NUL
 *                        byte follows it in the blob, not counted
 *
 * When two tokens have the same bytes, the hash holds the higher id
 * (as a later map insertion would).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_TOKBLOB_H
#define HC1_TOKBLOB_H

#include <stdint.h>

#define HC1_TOKBLOB_MAGIC       0x54314348u
#define HC1_TOKBLOB_VERSION     2u
#define HC1_TOKBLOB_HDR_SIZE    96u     /* version 1; the least to read */
#define HC1_TOKBLOB_HDR_SIZE_V2 104u

enum {
    HC1_TOK_BPE = 1,
    HC1_TOK_SPM = 2,
};

enum {
    HC1_PRE_DEFAULT = 0,    /* unknown pre-tokenizer: Llama 3 rules used */
    HC1_PRE_LLAMA3 = 1,
};

#define HC1_TOKF_ADD_BOS            (1u << 0)
#define HC1_TOKF_ADD_EOS            (1u << 1)
#define HC1_TOKF_ADD_SPACE_PREFIX   (1u << 2)
#define HC1_TOKF_IGNORE_MERGES      (1u << 3)

enum {
    HC1_TT_NORMAL = 1,
    HC1_TT_UNKNOWN = 2,
    HC1_TT_CONTROL = 3,
    HC1_TT_USER_DEFINED = 4,
    HC1_TT_UNUSED = 5,
    HC1_TT_BYTE = 6,
};

/* Header field offsets. */
enum {
    HC1_TB_MAGIC = 0, HC1_TB_VERSION = 4, HC1_TB_SIZE = 8, HC1_TB_KIND = 12,
    HC1_TB_PRE = 16, HC1_TB_FLAGS = 20, HC1_TB_N_VOCAB = 24,
    HC1_TB_N_MERGES = 28, HC1_TB_BOS = 32, HC1_TB_EOS = 36, HC1_TB_EOT = 40,
    HC1_TB_EOM = 44, HC1_TB_UNK = 48, HC1_TB_PAD = 52,
    HC1_TB_OFF_TEXT_IDX = 56, HC1_TB_OFF_TEXT = 60, HC1_TB_TEXT_LEN = 64,
    HC1_TB_OFF_TYPES = 68, HC1_TB_OFF_SCORES = 72, HC1_TB_OFF_MERGES = 76,
    HC1_TB_OFF_VOCAB_HASH = 80, HC1_TB_VOCAB_HASH_N = 84,
    HC1_TB_OFF_MERGE_HASH = 88, HC1_TB_MERGE_HASH_N = 92,
    HC1_TB_OFF_CHAT = 96, HC1_TB_CHAT_LEN = 100,         /* version 2 */
};

/* FNV-1a, 32 bit. */
static inline uint32_t hc1_tok_hash(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static inline uint32_t hc1_tok_pair_hash(uint32_t a, uint32_t b)
{
    uint64_t x = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

#endif /* HC1_TOKBLOB_H */
