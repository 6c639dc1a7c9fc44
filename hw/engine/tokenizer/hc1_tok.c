/*
 * The HC1 tokenizer (freestanding C: no libc).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_tok.h"
#include "hc1_unicode.h"

/* ---- freestanding helpers ----------------------------------------- */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

static size_t cstr_len(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static void *t_alloc(const hc1_tok *t, size_t n)
{
    return t->a.alloc(t->a.opaque, n ? n : 1);
}

static void t_free(const hc1_tok *t, void *p)
{
    if (p) {
        t->a.free(t->a.opaque, p);
    }
}

/* ---- blob access --------------------------------------------------- */

static inline uint32_t tok_start(const hc1_tok *t, uint32_t id)
{
    return rd32(t->text_idx + 4 * (size_t)id);
}

static inline uint32_t tok_len(const hc1_tok *t, uint32_t id)
{
    return tok_start(t, id + 1) - tok_start(t, id);
}

static inline const uint8_t *tok_text(const hc1_tok *t, uint32_t id)
{
    return t->text + tok_start(t, id);
}

static inline float tok_score(const hc1_tok *t, uint32_t id)
{
    union {
        uint32_t u;
        float f;
    } v;
    if (!t->scores) {
        return 0.0f;
    }
    v.u = rd32(t->scores + 4 * (size_t)id);
    return v.f;
}

int32_t hc1_tok_lookup(const hc1_tok *t, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    if (n > 0xffffffffu) {
        return -1;
    }
    uint32_t mask = t->vhash_n - 1;
    uint32_t h = hc1_tok_hash(p, (uint32_t)n) & mask;
    for (uint32_t probe = 0; probe < t->vhash_n; probe++) {
        uint32_t v = rd32(t->vhash + 4 * (size_t)h);
        if (v == 0) {
            return -1;
        }
        uint32_t id = v - 1;
        if (tok_len(t, id) == n && bytes_eq(tok_text(t, id), p, n)) {
            return (int32_t)id;
        }
        h = (h + 1) & mask;
    }
    return -1;
}

/* Merge rank of (l, r) and its result, or -1. */
static long merge_rank(const hc1_tok *t, int32_t l, int32_t r, int32_t *res)
{
    if (!t->mhash_n || l < 0 || r < 0) {
        return -1;
    }
    uint32_t mask = t->mhash_n - 1;
    uint32_t h = hc1_tok_pair_hash((uint32_t)l, (uint32_t)r) & mask;
    for (uint32_t probe = 0; probe < t->mhash_n; probe++) {
        uint32_t v = rd32(t->mhash + 4 * (size_t)h);
        if (v == 0) {
            return -1;
        }
        const uint8_t *m = t->merges + 12 * (size_t)(v - 1);
        if (rd32(m) == (uint32_t)l && rd32(m + 4) == (uint32_t)r) {
            *res = (int32_t)rd32(m + 8);
            return (long)(v - 1);
        }
        h = (h + 1) & mask;
    }
    return -1;
}

/* ---- init ---------------------------------------------------------- */

const char *hc1_tok_strerror(int err)
{
    switch (err) {
    case 0:
        return "ok";
    case HC1_TOK_E_BLOB:
        return "malformed tokenizer blob";
    case HC1_TOK_E_NOMEM:
        return "out of memory";
    case HC1_TOK_E_INVAL:
        return "invalid argument";
    default:
        return "unknown tokenizer error";
    }
}

/* Section [off, off + n) inside the blob, 4-byte aligned offset. */
static bool section(const hc1_tok *t, uint32_t off, uint64_t n)
{
    return off >= t->hdr_size && (off & 3) == 0 && off <= t->size &&
           n <= t->size - off;
}

static bool is_special_type(uint8_t ty, bool parse_control)
{
    if (ty == HC1_TT_USER_DEFINED) {
        return true;
    }
    return parse_control && (ty == HC1_TT_CONTROL || ty == HC1_TT_UNKNOWN);
}

int hc1_tok_init(hc1_tok *t, const void *blob, size_t len,
                 const hc1_tok_alloc *a)
{
    const uint8_t *b = blob;
    uint8_t *z = (uint8_t *)t;

    for (size_t i = 0; i < sizeof(*t); i++) {
        z[i] = 0;
    }
    if (!b || !a || !a->alloc || !a->free) {
        return HC1_TOK_E_INVAL;
    }
    t->a = *a;
    if (len < HC1_TOKBLOB_HDR_SIZE || rd32(b + HC1_TB_MAGIC) !=
        HC1_TOKBLOB_MAGIC) {
        return HC1_TOK_E_BLOB;
    }
    /* version 2 only appends header fields to version 1 */
    t->version = rd32(b + HC1_TB_VERSION);
    if (t->version == 1) {
        t->hdr_size = HC1_TOKBLOB_HDR_SIZE;
    } else if (t->version == 2) {
        t->hdr_size = HC1_TOKBLOB_HDR_SIZE_V2;
    } else {
        return HC1_TOK_E_BLOB;
    }
    t->blob = b;
    t->size = rd32(b + HC1_TB_SIZE);
    if (t->size > len || t->size < t->hdr_size) {
        return HC1_TOK_E_BLOB;
    }
    if (t->version >= 2) {
        uint32_t o_chat = rd32(b + HC1_TB_OFF_CHAT);
        uint32_t n_chat = rd32(b + HC1_TB_CHAT_LEN);

        /* the template and the NUL after it */
        if (o_chat ? !section(t, o_chat, n_chat + 1ull) ||
                     b[o_chat + n_chat] != 0
                   : n_chat != 0) {
            return HC1_TOK_E_BLOB;
        }
        if (o_chat) {
            t->chat = (const char *)b + o_chat;
            t->chat_len = n_chat;
        }
    }
    t->kind = rd32(b + HC1_TB_KIND);
    t->pre = rd32(b + HC1_TB_PRE);
    t->flags = rd32(b + HC1_TB_FLAGS);
    t->n_vocab = rd32(b + HC1_TB_N_VOCAB);
    t->n_merges = rd32(b + HC1_TB_N_MERGES);
    t->bos = (int32_t)rd32(b + HC1_TB_BOS);
    t->eos = (int32_t)rd32(b + HC1_TB_EOS);
    t->eot = (int32_t)rd32(b + HC1_TB_EOT);
    t->eom = (int32_t)rd32(b + HC1_TB_EOM);
    t->unk = (int32_t)rd32(b + HC1_TB_UNK);
    t->pad = (int32_t)rd32(b + HC1_TB_PAD);
    if ((t->kind != HC1_TOK_BPE && t->kind != HC1_TOK_SPM) ||
        t->n_vocab == 0 || t->n_vocab > (1u << 24)) {
        return HC1_TOK_E_BLOB;
    }
    int32_t *sp[] = { &t->bos, &t->eos, &t->eot, &t->eom, &t->unk, &t->pad };
    for (unsigned i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
        if (*sp[i] < -1 || *sp[i] >= (int32_t)t->n_vocab) {
            return HC1_TOK_E_BLOB;
        }
    }
    uint32_t o_idx = rd32(b + HC1_TB_OFF_TEXT_IDX);
    uint32_t o_text = rd32(b + HC1_TB_OFF_TEXT);
    uint32_t o_types = rd32(b + HC1_TB_OFF_TYPES);
    uint32_t o_scores = rd32(b + HC1_TB_OFF_SCORES);
    uint32_t o_merges = rd32(b + HC1_TB_OFF_MERGES);
    uint32_t o_vh = rd32(b + HC1_TB_OFF_VOCAB_HASH);
    uint32_t o_mh = rd32(b + HC1_TB_OFF_MERGE_HASH);
    t->text_len = rd32(b + HC1_TB_TEXT_LEN);
    t->vhash_n = rd32(b + HC1_TB_VOCAB_HASH_N);
    t->mhash_n = rd32(b + HC1_TB_MERGE_HASH_N);

    if (!section(t, o_idx, 4ull * (t->n_vocab + 1ull)) ||
        !section(t, o_text, t->text_len) ||
        !section(t, o_types, t->n_vocab)) {
        return HC1_TOK_E_BLOB;
    }
    t->text_idx = b + o_idx;
    t->text = b + o_text;
    t->types = b + o_types;
    if (o_scores) {
        if (!section(t, o_scores, 4ull * t->n_vocab)) {
            return HC1_TOK_E_BLOB;
        }
        t->scores = b + o_scores;
    }
    /* token text ranges: non-decreasing, inside the text section */
    uint32_t prev = 0;
    for (uint32_t i = 0; i <= t->n_vocab; i++) {
        uint32_t s = tok_start(t, i);
        if (s < prev || s > t->text_len) {
            return HC1_TOK_E_BLOB;
        }
        prev = s;
    }
    if (t->vhash_n < 2 || (t->vhash_n & (t->vhash_n - 1)) ||
        t->vhash_n <= t->n_vocab || !section(t, o_vh, 4ull * t->vhash_n)) {
        return HC1_TOK_E_BLOB;
    }
    t->vhash = b + o_vh;
    for (uint32_t i = 0; i < t->vhash_n; i++) {
        if (rd32(t->vhash + 4 * (size_t)i) > t->n_vocab) {
            return HC1_TOK_E_BLOB;
        }
    }
    if (t->n_merges) {
        if (!section(t, o_merges, 12ull * t->n_merges) ||
            t->mhash_n <= t->n_merges || (t->mhash_n & (t->mhash_n - 1)) ||
            !section(t, o_mh, 4ull * t->mhash_n)) {
            return HC1_TOK_E_BLOB;
        }
        t->merges = b + o_merges;
        t->mhash = b + o_mh;
        for (uint32_t i = 0; i < 3 * t->n_merges; i++) {
            if (rd32(t->merges + 4 * (size_t)i) >= t->n_vocab) {
                return HC1_TOK_E_BLOB;
            }
        }
        for (uint32_t i = 0; i < t->mhash_n; i++) {
            if (rd32(t->mhash + 4 * (size_t)i) > t->n_merges) {
                return HC1_TOK_E_BLOB;
            }
        }
    } else {
        t->mhash_n = 0;
    }

    /* byte tokens */
    for (int c = 0; c < 256; c++) {
        if (t->kind == HC1_TOK_BPE) {
            char s = (char)c;
            t->byte_tok[c] = hc1_tok_lookup(t, &s, 1);
        } else {
            static const char hex[] = "0123456789ABCDEF";
            char s[6] = { '<', '0', 'x', hex[c >> 4], hex[c & 15], '>' };
            t->byte_tok[c] = hc1_tok_lookup(t, s, 6);
        }
    }

    /* special tokens, longest first (insertion sort: there are few) */
    uint32_t ns = 0;
    for (uint32_t i = 0; i < t->n_vocab; i++) {
        if (is_special_type(t->types[i], true) && tok_len(t, i) > 0) {
            ns++;
        }
    }
    t->special = t_alloc(t, ns * sizeof(int32_t));
    if (!t->special) {
        return HC1_TOK_E_NOMEM;
    }
    for (uint32_t i = 0; i < t->n_vocab; i++) {
        if (!is_special_type(t->types[i], true) || tok_len(t, i) == 0) {
            continue;
        }
        uint32_t j = t->n_special++;
        while (j > 0 && tok_len(t, (uint32_t)t->special[j - 1]) <
               tok_len(t, i)) {
            t->special[j] = t->special[j - 1];
            j--;
        }
        t->special[j] = (int32_t)i;
        uint8_t c0 = tok_text(t, i)[0];
        t->special_first[c0 >> 3] |= (uint8_t)(1u << (c0 & 7));
    }
    return 0;
}

void hc1_tok_fini(hc1_tok *t)
{
    if (t->a.free) {
        t_free(t, t->special);
    }
    t->special = NULL;
}

bool hc1_tok_add_bos(const hc1_tok *t)
{
    return (t->flags & HC1_TOKF_ADD_BOS) && t->bos >= 0;
}

bool hc1_tok_is_eog(const hc1_tok *t, int32_t id)
{
    return id >= 0 && (id == t->eos || id == t->eot || id == t->eom);
}

const char *hc1_tok_chat_template(const hc1_tok *t, size_t *len)
{
    if (len) {
        *len = t->chat ? t->chat_len : 0;
    }
    return t->chat;
}

/* ---- output ------------------------------------------------------- */

typedef struct out_ids {
    int32_t *ids;
    size_t max;
    size_t n;
} out_ids;

static void emit(out_ids *o, int32_t id)
{
    if (o->n < o->max) {
        o->ids[o->n] = id;
    }
    o->n++;
}

/* ---- UTF-8 (llama.cpp's lenient rules: bad bytes become U+FFFD) ---- */

static uint32_t utf8_next(const uint8_t *s, size_t n, size_t *i)
{
    uint8_t c = s[*i];
    if (!(c & 0x80)) {
        *i += 1;
        return c;
    }
    if (!(c & 0x40)) {
        goto bad;
    }
    if (!(c & 0x20)) {
        if (*i + 1 >= n || (s[*i + 1] & 0xc0) != 0x80) {
            goto bad;
        }
        uint32_t cp = (uint32_t)(c & 0x1f) << 6 | (s[*i + 1] & 0x3f);
        *i += 2;
        return cp;
    }
    if (!(c & 0x10)) {
        if (*i + 2 >= n || (s[*i + 1] & 0xc0) != 0x80 ||
            (s[*i + 2] & 0xc0) != 0x80) {
            goto bad;
        }
        uint32_t cp = (uint32_t)(c & 0x0f) << 12 |
                      (uint32_t)(s[*i + 1] & 0x3f) << 6 | (s[*i + 2] & 0x3f);
        *i += 3;
        return cp;
    }
    if (!(c & 0x08)) {
        if (*i + 3 >= n || (s[*i + 1] & 0xc0) != 0x80 ||
            (s[*i + 2] & 0xc0) != 0x80 || (s[*i + 3] & 0xc0) != 0x80) {
            goto bad;
        }
        uint32_t cp = (uint32_t)(c & 0x07) << 18 |
                      (uint32_t)(s[*i + 1] & 0x3f) << 12 |
                      (uint32_t)(s[*i + 2] & 0x3f) << 6 | (s[*i + 3] & 0x3f);
        *i += 4;
        return cp;
    }
bad:
    *i += 1;
    return 0xFFFD;
}

static size_t utf8_put(uint32_t cp, uint8_t *o)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xc0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xe0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (uint8_t)(0xf0 | ((cp >> 18) & 0x07));
    o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

/* ---- byte-level BPE ------------------------------------------------ */

/* BPE-merge one pre-tokenized word of @n bytes. @sym/@rank: scratch of n. */
static void bpe_word(const hc1_tok *t, const uint8_t *w, size_t n,
                     int32_t *sym, long *rank, int32_t *res, out_ids *o)
{
    if (t->flags & HC1_TOKF_IGNORE_MERGES) {
        int32_t id = hc1_tok_lookup(t, (const char *)w, n);
        if (id >= 0) {
            emit(o, id);
            return;
        }
    }
    size_t k = n;
    for (size_t i = 0; i < n; i++) {
        sym[i] = t->byte_tok[w[i]];
    }
    for (size_t i = 0; i + 1 < k; i++) {
        rank[i] = merge_rank(t, sym[i], sym[i + 1], &res[i]);
    }
    for (;;) {
        long best = -1;
        size_t bi = 0;
        for (size_t i = 0; i + 1 < k; i++) {
            if (rank[i] >= 0 && (best < 0 || rank[i] < best)) {
                best = rank[i];
                bi = i;
            }
        }
        if (best < 0) {
            break;
        }
        sym[bi] = res[bi];
        for (size_t i = bi + 1; i + 1 < k; i++) {
            sym[i] = sym[i + 1];
            rank[i] = rank[i + 1];
            res[i] = res[i + 1];
        }
        k--;
        if (bi > 0) {
            rank[bi - 1] = merge_rank(t, sym[bi - 1], sym[bi], &res[bi - 1]);
        }
        if (bi + 1 < k) {
            rank[bi] = merge_rank(t, sym[bi], sym[bi + 1], &res[bi]);
        }
    }
    for (size_t i = 0; i < k; i++) {
        if (sym[i] >= 0) {
            emit(o, sym[i]);
        } else if (t->unk >= 0) {
            emit(o, t->unk);
        }
    }
}

/* Code point classes for the pre-tokenizer. */
enum { CF_LETTER = 1, CF_NUMBER = 2, CF_SPACE = 4, CF_DEFINED = 8 };

static unsigned cp_flags(uint32_t cp)
{
    unsigned f = 0;
    if (hc1_uc_is_assigned(cp)) {
        f |= CF_DEFINED;
    }
    if (hc1_uc_is_letter(cp)) {
        f |= CF_LETTER;
    }
    if (hc1_uc_is_number(cp)) {
        f |= CF_NUMBER;
    }
    if (hc1_uc_is_space(cp)) {
        f |= CF_SPACE | CF_DEFINED;
    }
    return f;
}

static uint32_t ascii_lower(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/*
 * Split code points cp[0..n) by the Llama 3 pre-tokenizer regex
 *   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 *    ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * writing the end of each piece to @ends; returns the piece count.
 * (A hand-written matcher: each branch below is one alternative.)
 */
static size_t split_llama3(const uint32_t *cp, const uint8_t *fl, size_t n,
                           size_t *ends)
{
    size_t ne = 0, pos = 0;
#define CPT(i) ((i) < n ? cp[i] : 0xffffffffu)
#define FL(i) ((i) < n ? fl[i] : 0u)
    while (pos < n) {
        uint32_t c = cp[pos];
        unsigned f = fl[pos];

        /* 's 't 're 've 'm 'll 'd, case-insensitive */
        if (c == '\'' && pos + 1 < n) {
            uint32_t c1 = ascii_lower(cp[pos + 1]);
            if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
                pos += 2;
                ends[ne++] = pos;
                continue;
            }
            if (pos + 2 < n) {
                uint32_t c2 = ascii_lower(cp[pos + 2]);
                if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') ||
                    (c1 == 'l' && c2 == 'l')) {
                    pos += 3;
                    ends[ne++] = pos;
                    continue;
                }
            }
        }
        /* [^\r\n\p{L}\p{N}]?\p{L}+ */
        if (!(c == '\r' || c == '\n' || (f & CF_NUMBER))) {
            if ((f & CF_LETTER) || (FL(pos + 1) & CF_LETTER)) {
                pos++;
                while (FL(pos) & CF_LETTER) {
                    pos++;
                }
                ends[ne++] = pos;
                continue;
            }
        }
        /* \p{N}{1,3} */
        if (f & CF_NUMBER) {
            size_t ini = pos;
            while (FL(pos) & CF_NUMBER) {
                if (++pos - ini >= 3) {
                    ends[ne++] = pos;
                    ini = pos;
                }
            }
            if (pos > ini) {
                ends[ne++] = pos;
            }
            continue;
        }
        /* ' ?[^\s\p{L}\p{N}]+[\r\n]*' */
        {
            unsigned f2 = c == ' ' ? FL(pos + 1) : f;
            if (!(f2 & (CF_SPACE | CF_LETTER | CF_NUMBER)) && f2) {
                pos += (c == ' ');
                while (!(f2 & (CF_SPACE | CF_LETTER | CF_NUMBER)) && f2) {
                    pos++;
                    f2 = FL(pos);
                }
                while (CPT(pos) == '\r' || CPT(pos) == '\n') {
                    pos++;
                }
                ends[ne++] = pos;
                continue;
            }
        }
        size_t nws = 0, last_nl = 0;
        while (FL(pos + nws) & CF_SPACE) {
            uint32_t c2 = cp[pos + nws];
            if (c2 == '\r' || c2 == '\n') {
                last_nl = pos + nws + 1;
            }
            nws++;
        }
        /* \s*[\r\n]+ */
        if (last_nl > 0) {
            pos = last_nl;
            ends[ne++] = pos;
            continue;
        }
        /* \s+(?!\S) */
        if (nws > 1 && pos + nws < n) {
            pos += nws - 1;
            ends[ne++] = pos;
            continue;
        }
        /* \s+ */
        if (nws > 0) {
            pos += nws;
            ends[ne++] = pos;
            continue;
        }
        /* anything else: one code point */
        pos++;
        ends[ne++] = pos;
    }
#undef CPT
#undef FL
    return ne;
}

static int encode_bpe(const hc1_tok *t, const uint8_t *s, size_t n,
                      out_ids *o)
{
    int ret = HC1_TOK_E_NOMEM;
    /* one allocation: code points, flags, piece ends, word bytes, BPE */
    size_t sz = n * (4 + 1 + sizeof(size_t)) + 4 * n + 4 +
                n * 4 * (sizeof(int32_t) * 2 + sizeof(long)) + 64;
    uint8_t *mem = t_alloc(t, sz);
    if (!mem) {
        return ret;
    }
    uint32_t *cp = (uint32_t *)mem;
    size_t *ends = (size_t *)(mem + ((n * 4 + 7) & ~(size_t)7));
    long *rank = (long *)(ends + n);
    int32_t *sym = (int32_t *)(rank + 4 * n);
    int32_t *res = sym + 4 * n;
    uint8_t *fl = (uint8_t *)(res + 4 * n);
    uint8_t *word = fl + n;

    size_t ncp = 0;
    for (size_t i = 0; i < n;) {
        cp[ncp] = utf8_next(s, n, &i);
        fl[ncp] = (uint8_t)cp_flags(cp[ncp]);
        ncp++;
    }
    size_t np = split_llama3(cp, fl, ncp, ends);
    size_t start = 0;
    for (size_t p = 0; p < np; p++) {
        size_t wl = 0;
        for (size_t i = start; i < ends[p]; i++) {
            wl += utf8_put(cp[i], word + wl);
        }
        bpe_word(t, word, wl, sym, rank, res, o);
        start = ends[p];
    }
    ret = 0;
    t_free(t, mem);
    return ret;
}

/* ---- SentencePiece-style ------------------------------------------- */

static size_t utf8_len_lead(uint8_t c)
{
    static const uint8_t lut[16] = { 1, 1, 1, 1, 1, 1, 1, 1,
                                     1, 1, 1, 1, 2, 2, 3, 4 };
    return lut[c >> 4];
}

static int encode_spm(const hc1_tok *t, const uint8_t *s, size_t n,
                      bool prefix_space, out_ids *o)
{
    /*
     * Escaped text: ' ' -> U+2581 (3 bytes), optional leading one. Symbols
     * are split by the UTF-8 length of their lead byte, as llama.cpp does,
     * without validating what follows: in invalid UTF-8 a lead byte can
     * swallow the start of an escaped space and leave its continuation
     * bytes as symbols of their own, so the only safe bound on the number
     * of symbols is the escaped length, one per byte.
     */
    size_t cap = 3 * (n + 1);
    size_t nsym_max = cap;
    size_t sz = cap + nsym_max * (2 * sizeof(size_t) + sizeof(float) +
                                  sizeof(int32_t)) + 64;
    uint8_t *mem = t_alloc(t, sz);
    if (!mem) {
        return HC1_TOK_E_NOMEM;
    }
    size_t *st = (size_t *)mem;             /* symbol start */
    size_t *ln = st + nsym_max;             /* symbol length */
    float *sc = (float *)(ln + nsym_max);   /* score of pair (i, i+1) */
    int32_t *ok = (int32_t *)(sc + nsym_max); /* pair exists */
    uint8_t *txt = (uint8_t *)(ok + nsym_max);
    size_t tl = 0;

    if (prefix_space) {
        txt[tl++] = 0xe2;
        txt[tl++] = 0x96;
        txt[tl++] = 0x81;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') {
            txt[tl++] = 0xe2;
            txt[tl++] = 0x96;
            txt[tl++] = 0x81;
        } else {
            txt[tl++] = s[i];
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < tl;) {
        size_t l = utf8_len_lead(txt[i]);
        if (l > tl - i) {
            l = tl - i;
        }
        st[k] = i;
        ln[k] = l;
        k++;
        i += l;
    }
#define PAIR(i) \
    do { \
        int32_t id_ = hc1_tok_lookup(t, (const char *)txt + st[i], \
                                     ln[i] + ln[(i) + 1]); \
        ok[i] = id_ >= 0; \
        sc[i] = id_ >= 0 ? tok_score(t, (uint32_t)id_) : 0.0f; \
    } while (0)
    for (size_t i = 0; i + 1 < k; i++) {
        PAIR(i);
    }
    for (;;) {
        bool found = false;
        size_t bi = 0;
        for (size_t i = 0; i + 1 < k; i++) {
            if (ok[i] && (!found || sc[i] > sc[bi])) {
                found = true;
                bi = i;
            }
        }
        if (!found) {
            break;
        }
        ln[bi] += ln[bi + 1];
        for (size_t i = bi + 1; i + 1 < k; i++) {
            st[i] = st[i + 1];
            ln[i] = ln[i + 1];
            ok[i] = ok[i + 1];
            sc[i] = sc[i + 1];
        }
        k--;
        if (bi > 0) {
            PAIR(bi - 1);
        }
        if (bi + 1 < k) {
            PAIR(bi);
        }
    }
#undef PAIR
    for (size_t i = 0; i < k; i++) {
        int32_t id = hc1_tok_lookup(t, (const char *)txt + st[i], ln[i]);
        if (id >= 0) {
            emit(o, id);
            continue;
        }
        for (size_t j = 0; j < ln[i]; j++) {
            int32_t b = t->byte_tok[txt[st[i] + j]];
            if (b >= 0) {
                emit(o, b);
            } else if (t->unk >= 0) {
                emit(o, t->unk);
            }
        }
    }
    t_free(t, mem);
    return 0;
}

/* ---- top level ------------------------------------------------------ */

/* Longest special token starting at s[i], or -1. */
static int32_t special_at(const hc1_tok *t, const uint8_t *s, size_t n,
                          size_t i, bool parse_control, uint32_t *len)
{
    uint8_t c0 = s[i];
    if (!(t->special_first[c0 >> 3] & (1u << (c0 & 7)))) {
        return -1;
    }
    for (uint32_t k = 0; k < t->n_special; k++) {
        uint32_t id = (uint32_t)t->special[k];
        uint32_t l = tok_len(t, id);
        if (!is_special_type(t->types[id], parse_control)) {
            continue;
        }
        if (l <= n - i && bytes_eq(tok_text(t, id), s + i, l)) {
            *len = l;
            return (int32_t)id;
        }
    }
    return -1;
}

static int encode_raw(const hc1_tok *t, const uint8_t *s, size_t n,
                      bool prev_special, out_ids *o)
{
    if (t->kind == HC1_TOK_SPM) {
        bool pfx = (t->flags & HC1_TOKF_ADD_SPACE_PREFIX) && prev_special;
        return n || pfx ? encode_spm(t, s, n, pfx, o) : 0;
    }
    return n ? encode_bpe(t, s, n, o) : 0;
}

long hc1_tok_encode(const hc1_tok *t, const char *text, size_t len,
                    uint32_t flags, int32_t *ids, size_t max_ids)
{
    const uint8_t *s = (const uint8_t *)text;
    out_ids o = { .ids = ids, .max = ids ? max_ids : 0, .n = 0 };
    bool parse_control = flags & HC1_ENC_PARSE_SPECIAL;
    bool prev_special = true;
    size_t frag = 0;

    if (!t || !t->blob || (!text && len)) {
        return HC1_TOK_E_INVAL;
    }
    if ((flags & HC1_ENC_ADD_BOS) && t->bos >= 0) {
        emit(&o, t->bos);
    }
    for (size_t i = 0; i < len;) {
        uint32_t sl = 0;
        int32_t id = t->n_special ?
                     special_at(t, s, len, i, parse_control, &sl) : -1;
        if (id < 0) {
            i++;
            continue;
        }
        if (i > frag) {
            int r = encode_raw(t, s + frag, i - frag, prev_special, &o);
            if (r) {
                return r;
            }
            prev_special = false;
        }
        emit(&o, id);
        prev_special = true;
        i += sl;
        frag = i;
    }
    if (len > frag) {
        int r = encode_raw(t, s + frag, len - frag, prev_special, &o);
        if (r) {
            return r;
        }
    }
    if ((flags & HC1_ENC_ADD_EOS) && t->eos >= 0) {
        emit(&o, t->eos);
    }
    return (long)o.n;
}

/* ---- decoding -------------------------------------------------------- */

static size_t put(char *buf, size_t cap, size_t at, const void *src,
                  size_t n)
{
    const uint8_t *p = src;
    for (size_t i = 0; i < n; i++) {
        if (at + i < cap) {
            buf[at + i] = (char)p[i];
        }
    }
    return n;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

long hc1_tok_piece(const hc1_tok *t, int32_t id, uint32_t flags, char *buf,
                   size_t cap)
{
    if (!t || id < 0 || (uint32_t)id >= t->n_vocab) {
        return HC1_TOK_E_INVAL;
    }
    if (!buf) {
        cap = 0;
    }
    uint8_t ty = t->types[id];
    const uint8_t *p = tok_text(t, (uint32_t)id);
    size_t n = tok_len(t, (uint32_t)id);

    if (ty == HC1_TT_CONTROL) {
        return (flags & HC1_DEC_SPECIAL) ? (long)put(buf, cap, 0, p, n) : 0;
    }
    if (t->kind == HC1_TOK_BPE) {
        if (ty == HC1_TT_UNUSED || ty == HC1_TT_UNKNOWN) {
            return 0;
        }
        return (long)put(buf, cap, 0, p, n);
    }
    /* SPM */
    if (ty == HC1_TT_BYTE && n == 6 && p[0] == '<' && p[1] == '0' &&
        p[2] == 'x' && hexval(p[3]) >= 0 && hexval(p[4]) >= 0) {
        uint8_t b = (uint8_t)(hexval(p[3]) << 4 | hexval(p[4]));
        return (long)put(buf, cap, 0, &b, 1);
    }
    if (ty == HC1_TT_UNKNOWN) {
        static const uint8_t blk[3] = { 0xe2, 0x96, 0x85 };
        return (long)put(buf, cap, 0, blk, 3);
    }
    if (ty == HC1_TT_UNUSED) {
        return 0;
    }
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (i + 2 < n && p[i] == 0xe2 && p[i + 1] == 0x96 && p[i + 2] == 0x81) {
            o += put(buf, cap, o, " ", 1);
            i += 3;
        } else {
            o += put(buf, cap, o, p + i, 1);
            i++;
        }
    }
    return (long)o;
}

long hc1_tok_decode(const hc1_tok *t, const int32_t *ids, size_t n,
                    uint32_t flags, char *buf, size_t cap)
{
    size_t o = 0;
    bool first = true;
    if (!t || (!ids && n)) {
        return HC1_TOK_E_INVAL;
    }
    if (!buf) {
        cap = 0;
    }
    for (size_t i = 0; i < n; i++) {
        char *dst = buf && o < cap ? buf + o : NULL;
        long l = hc1_tok_piece(t, ids[i], flags, dst, dst ? cap - o : 0);
        if (l < 0) {
            return l;
        }
        if (first && l > 0 && (flags & HC1_DEC_STRIP_SPACE) &&
            t->kind == HC1_TOK_SPM && (t->flags & HC1_TOKF_ADD_SPACE_PREFIX)) {
            /* drop the space the encoder put in front */
            if (dst && cap - o >= (size_t)l && dst[0] == ' ') {
                for (long j = 1; j < l; j++) {
                    dst[j - 1] = dst[j];
                }
                l--;
            }
        }
        if (l > 0 && ids[i] != t->bos) {
            first = false;
        }
        o += (size_t)l;
    }
    return (long)o;
}

/* ---- chat format ------------------------------------------------------ */

static size_t puts_(char *buf, size_t cap, size_t at, const char *s)
{
    return put(buf, cap, at, s, cstr_len(s));
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static size_t put_trimmed(char *buf, size_t cap, size_t at, const char *s)
{
    size_t n = cstr_len(s), a = 0;
    while (a < n && is_ws(s[a])) {
        a++;
    }
    while (n > a && is_ws(s[n - 1])) {
        n--;
    }
    return put(buf, cap, at, s + a, n - a);
}

size_t hc1_tok_chat_llama31(const hc1_chat_msg *msgs, size_t n,
                            uint32_t flags, const char *date, char *buf,
                            size_t cap)
{
    size_t o = 0, i = 0;
    if (!buf) {
        cap = 0;
    }
    if (flags & HC1_CHAT_BOS) {
        o += puts_(buf, cap, o, "<|begin_of_text|>");
    }
    if (flags & HC1_CHAT_SYSTEM_DATE) {
        o += puts_(buf, cap, o, "<|start_header_id|>system<|end_header_id|>"
                   "\n\nCutting Knowledge Date: December 2023\nToday Date: ");
        o += puts_(buf, cap, o, date ? date : "26 Jul 2024");
        o += puts_(buf, cap, o, "\n\n");
        if (n > 0 && msgs[0].role && msgs[0].content &&
            cstr_len(msgs[0].role) == 6 &&
            bytes_eq((const uint8_t *)msgs[0].role,
                     (const uint8_t *)"system", 6)) {
            o += put_trimmed(buf, cap, o, msgs[0].content);
            i = 1;
        }
        o += puts_(buf, cap, o, "<|eot_id|>");
    }
    for (; i < n; i++) {
        o += puts_(buf, cap, o, "<|start_header_id|>");
        o += puts_(buf, cap, o, msgs[i].role ? msgs[i].role : "user");
        o += puts_(buf, cap, o, "<|end_header_id|>\n\n");
        o += put_trimmed(buf, cap, o, msgs[i].content ? msgs[i].content : "");
        o += puts_(buf, cap, o, "<|eot_id|>");
    }
    if (flags & HC1_CHAT_ADD_ASSISTANT) {
        o += puts_(buf, cap, o,
                   "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }
    if (o < cap) {
        buf[o] = 0;
    }
    return o;
}
