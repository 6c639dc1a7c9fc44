/*
 * Build the tokenizer blob (tokenizer/hc1_tokblob.h) from the GGUF
 * tokenizer metadata, validating it on the way.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "model.h"
#include "tokenizer/hc1_tokblob.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hc1_status terr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static hc1_status terr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return HC1_E_FORMAT;
}

/*
 * GPT-2 byte-level mapping: code point -> byte, or -1. Printable bytes
 * stand for themselves; the other 68, in byte order, are U+0100..U+0143.
 */
static int16_t unbyte_tab[256 + 68];

static void unbyte_init(void)
{
    int k = 0;
    for (int cp = 0; cp < 256 + 68; cp++) {
        unbyte_tab[cp] = -1;
    }
    for (int b = 0; b < 256; b++) {
        bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) ||
                         (b >= 174 && b <= 255);
        if (printable) {
            unbyte_tab[b] = (int16_t)b;
        } else {
            unbyte_tab[256 + k++] = (int16_t)b;
        }
    }
}

static int unbyte(uint32_t cp)
{
    return cp < 256 + 68 ? unbyte_tab[cp] : -1;
}

/* Decode byte-level text into raw bytes; false if it is not byte-level. */
static bool bytelevel_decode(const char *s, size_t n, uint8_t *out,
                             size_t *olen)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        if (p[i] < 0x80) {
            cp = p[i++];
        } else if ((p[i] & 0xe0) == 0xc0 && i + 1 < n &&
                   (p[i + 1] & 0xc0) == 0x80) {
            cp = (uint32_t)(p[i] & 0x1f) << 6 | (p[i + 1] & 0x3f);
            i += 2;
        } else {
            return false;
        }
        int b = unbyte(cp);
        if (b < 0) {
            return false;
        }
        out[o++] = (uint8_t)b;
    }
    *olen = o;
    return true;
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint32_t pow2_above(uint64_t n)
{
    uint64_t c = 16;
    while (c <= 2 * n) {
        c <<= 1;
    }
    return (uint32_t)c;
}

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

typedef struct vocab_tab {
    const uint8_t *text;
    const uint32_t *idx;
    uint32_t *hash;
    uint32_t n;
} vocab_tab;

static int32_t vlookup(const vocab_tab *v, const uint8_t *s, uint32_t n)
{
    uint32_t mask = v->n - 1;
    for (uint32_t h = hc1_tok_hash(s, n) & mask;; h = (h + 1) & mask) {
        uint32_t e = v->hash[h];
        if (!e) {
            return -1;
        }
        uint32_t id = e - 1;
        if (v->idx[id + 1] - v->idx[id] == n &&
            memcmp(v->text + v->idx[id], s, n) == 0) {
            return (int32_t)id;
        }
    }
}

static const gguf_kv *find_arr(const gguf_file *gf, const char *key)
{
    const gguf_kv *kv = gguf_find_kv(gf, key);
    return kv && kv->type == GGUF_T_ARRAY ? kv : NULL;
}

static bool get_bool(const gguf_file *gf, const char *key, bool def)
{
    const gguf_kv *kv = gguf_find_kv(gf, key);
    return kv && kv->type == GGUF_T_BOOL ? kv->v.b : def;
}

static int32_t get_id(const gguf_file *gf, const char *key, int32_t def,
                      uint32_t n_vocab)
{
    const gguf_kv *kv = gguf_find_kv(gf, key);
    uint64_t v;
    if (!kv || !gguf_kv_as_u64(kv, &v) || v >= n_vocab) {
        return def;
    }
    return (int32_t)v;
}

hc1_status hc1_tokblob_build(const gguf_file *gf, uint32_t n_vocab,
                             uint8_t **blob, size_t *len,
                             char *err, size_t errlen)
{
    const gguf_kv *kmodel = gguf_find_kv(gf, "tokenizer.ggml.model");
    const gguf_kv *ktok = find_arr(gf, "tokenizer.ggml.tokens");
    const gguf_kv *ktype = find_arr(gf, "tokenizer.ggml.token_type");
    const gguf_kv *kscore = find_arr(gf, "tokenizer.ggml.scores");
    const gguf_kv *kmerge = find_arr(gf, "tokenizer.ggml.merges");
    const gguf_kv *kpre = gguf_find_kv(gf, "tokenizer.ggml.pre");
    const gguf_kv *kchat = gguf_find_kv(gf, "tokenizer.chat_template");
    uint32_t kind, pre = HC1_PRE_DEFAULT, flags = 0;
    hc1_status st = HC1_E_NOMEM;

    *blob = NULL;
    *len = 0;
    {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, unbyte_init);
    }
    if (!kmodel || kmodel->type != GGUF_T_STRING) {
        return terr(err, errlen, "missing key tokenizer.ggml.model (string)");
    }
    if (gguf_str_eq(kmodel->s, "gpt2")) {
        kind = HC1_TOK_BPE;
    } else if (gguf_str_eq(kmodel->s, "llama")) {
        kind = HC1_TOK_SPM;
    } else {
        return terr(err, errlen, "key tokenizer.ggml.model: '%.*s' is not "
                    "supported (expected gpt2 or llama)",
                    (int)(kmodel->s.len > 32 ? 32 : kmodel->s.len),
                    kmodel->s.p);
    }
    if (ktype && (ktype->arr_n != n_vocab ||
                  (ktype->arr_type != GGUF_T_INT32 &&
                   ktype->arr_type != GGUF_T_UINT32))) {
        return terr(err, errlen, "key tokenizer.ggml.token_type: %llu "
                    "entries of %s, expected %u int32",
                    (unsigned long long)ktype->arr_n,
                    gguf_type_name(ktype->arr_type), n_vocab);
    }
    if (kscore && (kscore->arr_n != n_vocab ||
                   kscore->arr_type != GGUF_T_FLOAT32)) {
        return terr(err, errlen, "key tokenizer.ggml.scores: %llu entries "
                    "of %s, expected %u float32",
                    (unsigned long long)kscore->arr_n,
                    gguf_type_name(kscore->arr_type), n_vocab);
    }
    if (kind == HC1_TOK_BPE && (!kmerge || kmerge->arr_type != GGUF_T_STRING)) {
        return terr(err, errlen, "missing key tokenizer.ggml.merges (array "
                    "of string) for a gpt2 tokenizer");
    }
    if (kpre && kpre->type == GGUF_T_STRING &&
        (gguf_str_eq(kpre->s, "llama-bpe") || gguf_str_eq(kpre->s, "llama3") ||
         gguf_str_eq(kpre->s, "llama-v3"))) {
        pre = HC1_PRE_LLAMA3;
    }
    if (kind == HC1_TOK_SPM) {
        if (get_bool(gf, "tokenizer.ggml.add_bos_token", true)) {
            flags |= HC1_TOKF_ADD_BOS;
        }
        if (get_bool(gf, "tokenizer.ggml.add_space_prefix", true)) {
            flags |= HC1_TOKF_ADD_SPACE_PREFIX;
        }
    } else {
        if (get_bool(gf, "tokenizer.ggml.add_bos_token", false)) {
            flags |= HC1_TOKF_ADD_BOS;
        }
        if (get_bool(gf, "tokenizer.ggml.add_space_prefix", false)) {
            flags |= HC1_TOKF_ADD_SPACE_PREFIX;
        }
        if (pre == HC1_PRE_LLAMA3) {
            flags |= HC1_TOKF_IGNORE_MERGES;
        }
    }
    if (get_bool(gf, "tokenizer.ggml.add_eos_token", false)) {
        flags |= HC1_TOKF_ADD_EOS;
    }

    /* pass 1: token bytes */
    uint8_t *types = malloc(n_vocab);
    uint32_t *idx = malloc(4 * ((size_t)n_vocab + 1));
    uint8_t *text = malloc(ktok->arr_bytes + 1);
    uint8_t *mtab = NULL;
    uint32_t *vhash = NULL, *mhash = NULL;
    uint8_t *b = NULL;
    uint32_t n_merges = 0;
    if (!types || !idx || !text) {
        goto out;
    }
    {
        uint64_t pos = 0;
        size_t tl = 0;
        for (uint32_t i = 0; i < n_vocab; i++) {
            gguf_str s;
            if (!gguf_arr_next_str(ktok, &pos, &s)) {
                st = terr(err, errlen, "key tokenizer.ggml.tokens: entry %u "
                          "unreadable", i);
                goto out;
            }
            int32_t ty = HC1_TT_NORMAL;
            if (ktype) {
                ty = (int32_t)rd32(ktype->arr_data + 4 * (size_t)i);
                if (ty < 0 || ty > 6) {
                    st = terr(err, errlen, "key tokenizer.ggml.token_type: "
                              "entry %u is %d, expected 0..6", i, ty);
                    goto out;
                }
            }
            types[i] = (uint8_t)ty;
            idx[i] = (uint32_t)tl;
            size_t ol;
            if (kind == HC1_TOK_BPE && ty != HC1_TT_CONTROL &&
                ty != HC1_TT_USER_DEFINED &&
                bytelevel_decode(s.p, s.len, text + tl, &ol)) {
                tl += ol;
            } else {
                memcpy(text + tl, s.p, s.len);
                tl += s.len;
            }
            if (tl > UINT32_MAX / 2) {
                st = terr(err, errlen, "key tokenizer.ggml.tokens: too much "
                          "text");
                goto out;
            }
        }
        idx[n_vocab] = (uint32_t)tl;
    }
    uint32_t text_len = idx[n_vocab];

    /* vocabulary hash; a later duplicate wins */
    uint32_t vn = pow2_above(n_vocab);
    vhash = calloc(vn, 4);
    if (!vhash) {
        goto out;
    }
    vocab_tab vt = { .text = text, .idx = idx, .hash = vhash, .n = vn };
    for (uint32_t i = 0; i < n_vocab; i++) {
        uint32_t l = idx[i + 1] - idx[i];
        uint32_t h = hc1_tok_hash(text + idx[i], l) & (vn - 1);
        for (;; h = (h + 1) & (vn - 1)) {
            uint32_t e = vhash[h];
            if (!e) {
                vhash[h] = i + 1;
                break;
            }
            if (idx[e] - idx[e - 1] == l &&
                memcmp(text + idx[e - 1], text + idx[i], l) == 0) {
                vhash[h] = i + 1;
                break;
            }
        }
    }

    /* merges: "left right", byte-level encoded */
    uint32_t mn = 0;
    if (kind == HC1_TOK_BPE) {
        if (kmerge->arr_n > (1u << 24)) {
            st = terr(err, errlen, "key tokenizer.ggml.merges: %llu merges "
                      "is absurd", (unsigned long long)kmerge->arr_n);
            goto out;
        }
        mtab = malloc(12 * (size_t)kmerge->arr_n + 4);
        uint8_t *tmp = malloc(kmerge->arr_bytes + 2);
        if (!mtab || !tmp) {
            free(tmp);
            goto out;
        }
        uint64_t pos = 0;
        for (uint64_t i = 0; i < kmerge->arr_n; i++) {
            gguf_str s;
            size_t sp, l1, l2;
            gguf_arr_next_str(kmerge, &pos, &s);
            sp = 1;
            while (sp < s.len && s.p[sp] != ' ') {
                sp++;
            }
            if (s.len < 3 || sp >= s.len - 1) {
                free(tmp);
                st = terr(err, errlen, "key tokenizer.ggml.merges: entry "
                          "%llu is not 'left right'", (unsigned long long)i);
                goto out;
            }
            if (!bytelevel_decode(s.p, sp, tmp, &l1) ||
                !bytelevel_decode(s.p + sp + 1, s.len - sp - 1, tmp + l1,
                                  &l2)) {
                continue;   /* not byte-level text: cannot apply */
            }
            int32_t a = vlookup(&vt, tmp, (uint32_t)l1);
            int32_t c = vlookup(&vt, tmp + l1, (uint32_t)l2);
            int32_t r = vlookup(&vt, tmp, (uint32_t)(l1 + l2));
            if (a < 0 || c < 0 || r < 0) {
                continue;   /* parts not in the vocabulary: never fires */
            }
            wr32(mtab + 12 * (size_t)n_merges, (uint32_t)a);
            wr32(mtab + 12 * (size_t)n_merges + 4, (uint32_t)c);
            wr32(mtab + 12 * (size_t)n_merges + 8, (uint32_t)r);
            n_merges++;
        }
        free(tmp);
        mn = pow2_above(n_merges);
        mhash = calloc(mn, 4);
        if (!mhash) {
            goto out;
        }
        for (uint32_t i = 0; i < n_merges; i++) {
            uint32_t a = rd32(mtab + 12 * (size_t)i);
            uint32_t c = rd32(mtab + 12 * (size_t)i + 4);
            uint32_t h = hc1_tok_pair_hash(a, c) & (mn - 1);
            bool dup = false;
            for (; mhash[h]; h = (h + 1) & (mn - 1)) {
                const uint8_t *o = mtab + 12 * (size_t)(mhash[h] - 1);
                if (rd32(o) == a && rd32(o + 4) == c) {
                    dup = true;     /* the earlier (lower) rank wins */
                    break;
                }
            }
            if (!dup) {
                mhash[h] = i + 1;
            }
        }
    }

    /* layout */
    size_t o_idx = HC1_TOKBLOB_HDR_SIZE_V2;
    size_t o_text = align4(o_idx + 4 * ((size_t)n_vocab + 1));
    size_t o_types = align4(o_text + text_len);
    size_t o_scores = kscore ? align4(o_types + n_vocab) : 0;
    size_t o_after = kscore ? o_scores + 4 * (size_t)n_vocab
                            : align4(o_types + n_vocab);
    size_t o_merges = n_merges ? align4(o_after) : 0;
    size_t o_vh = align4(n_merges ? o_merges + 12 * (size_t)n_merges : o_after);
    size_t o_mh = n_merges ? o_vh + 4 * (size_t)vn : 0;
    size_t total = n_merges ? o_mh + 4 * (size_t)mn : o_vh + 4 * (size_t)vn;
    /* the chat template last, with a NUL after it (not counted) */
    size_t o_chat = 0, chat_len = 0;
    if (kchat && kchat->type != GGUF_T_STRING) {
        st = terr(err, errlen, "tokenizer.chat_template: expected a string, "
                  "found %s", gguf_type_name(kchat->type));
        goto out;
    }
    if (kchat && kchat->s.len > UINT32_MAX - 1) {
        st = terr(err, errlen, "tokenizer.chat_template too long");
        goto out;
    }
    if (kchat) {
        chat_len = kchat->s.len;
        o_chat = align4(total);
        total = o_chat + chat_len + 1;
    }
    if (total > UINT32_MAX) {
        st = terr(err, errlen, "tokenizer too large for the blob format");
        goto out;
    }
    b = calloc(1, total);
    if (!b) {
        goto out;
    }
    wr32(b + HC1_TB_MAGIC, HC1_TOKBLOB_MAGIC);
    wr32(b + HC1_TB_VERSION, HC1_TOKBLOB_VERSION);
    wr32(b + HC1_TB_SIZE, (uint32_t)total);
    wr32(b + HC1_TB_KIND, kind);
    wr32(b + HC1_TB_PRE, pre);
    wr32(b + HC1_TB_FLAGS, flags);
    wr32(b + HC1_TB_N_VOCAB, n_vocab);
    wr32(b + HC1_TB_N_MERGES, n_merges);
    wr32(b + HC1_TB_BOS, (uint32_t)get_id(gf, "tokenizer.ggml.bos_token_id",
                                          -1, n_vocab));
    wr32(b + HC1_TB_EOS, (uint32_t)get_id(gf, "tokenizer.ggml.eos_token_id",
                                          -1, n_vocab));
    wr32(b + HC1_TB_EOT, (uint32_t)get_id(gf, "tokenizer.ggml.eot_token_id",
                                          -1, n_vocab));
    wr32(b + HC1_TB_EOM, (uint32_t)get_id(gf, "tokenizer.ggml.eom_token_id",
                                          -1, n_vocab));
    wr32(b + HC1_TB_UNK, (uint32_t)get_id(gf, "tokenizer.ggml.unknown_token_id",
                                          kind == HC1_TOK_SPM ? 0 : -1,
                                          n_vocab));
    wr32(b + HC1_TB_PAD, (uint32_t)get_id(gf, "tokenizer.ggml.padding_token_id",
                                          -1, n_vocab));
    wr32(b + HC1_TB_OFF_TEXT_IDX, (uint32_t)o_idx);
    wr32(b + HC1_TB_OFF_TEXT, (uint32_t)o_text);
    wr32(b + HC1_TB_TEXT_LEN, text_len);
    wr32(b + HC1_TB_OFF_TYPES, (uint32_t)o_types);
    wr32(b + HC1_TB_OFF_SCORES, (uint32_t)o_scores);
    wr32(b + HC1_TB_OFF_MERGES, (uint32_t)o_merges);
    wr32(b + HC1_TB_OFF_VOCAB_HASH, (uint32_t)o_vh);
    wr32(b + HC1_TB_VOCAB_HASH_N, vn);
    wr32(b + HC1_TB_OFF_MERGE_HASH, (uint32_t)o_mh);
    wr32(b + HC1_TB_MERGE_HASH_N, n_merges ? mn : 0);
    wr32(b + HC1_TB_OFF_CHAT, (uint32_t)o_chat);
    wr32(b + HC1_TB_CHAT_LEN, (uint32_t)chat_len);
    if (kchat) {
        memcpy(b + o_chat, kchat->s.p, chat_len);     /* calloc: NUL after */
    }
    for (uint32_t i = 0; i <= n_vocab; i++) {
        wr32(b + o_idx + 4 * (size_t)i, idx[i]);
    }
    memcpy(b + o_text, text, text_len);
    memcpy(b + o_types, types, n_vocab);
    if (kscore) {
        memcpy(b + o_scores, kscore->arr_data, 4 * (size_t)n_vocab);
    }
    if (n_merges) {
        memcpy(b + o_merges, mtab, 12 * (size_t)n_merges);
        for (uint32_t i = 0; i < mn; i++) {
            wr32(b + o_mh + 4 * (size_t)i, mhash[i]);
        }
    }
    for (uint32_t i = 0; i < vn; i++) {
        wr32(b + o_vh + 4 * (size_t)i, vhash[i]);
    }
    *blob = b;
    *len = total;
    st = HC1_OK;
out:
    free(types);
    free(idx);
    free(text);
    free(mtab);
    free(vhash);
    free(mhash);
    if (st == HC1_E_NOMEM && err && errlen) {
        snprintf(err, errlen, "out of memory building the tokenizer");
    }
    return st;
}
