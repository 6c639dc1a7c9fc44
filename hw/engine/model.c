/*
 * Model open: map the GGUF file read-only, validate it completely and
 * bind the llama hyper-parameters and tensors.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "model.h"
#include "hugemem.h"
#include "quant.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sanity limits: far above Llama 3.1 405B, far below overflow. */
#define MAX_LAYERS      1024
#define MAX_EMBD        (1u << 17)
#define MAX_HEADS       4096
#define MAX_HEAD_DIM    1024
#define MAX_FF          (1u << 20)
#define MAX_VOCAB       (1u << 22)

const char *hc1_status_str(hc1_status st)
{
    switch (st) {
    case HC1_OK:
        return "ok";
    case HC1_E_INVAL:
        return "invalid argument";
    case HC1_E_NOMEM:
        return "out of memory";
    case HC1_E_CTX_FULL:
        return "context full";
    case HC1_E_FORMAT:
        return "bad model format";
    case HC1_E_IO:
        return "i/o error";
    case HC1_E_STATE:
        return "invalid state";
    }
    return "unknown status";
}

typedef struct binder {
    hc1_model *m;
    char *err;
    size_t errlen;
} binder;

static hc1_status berr(binder *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static hc1_status berr(binder *b, const char *fmt, ...)
{
    va_list ap;
    if (b->err && b->errlen) {
        va_start(ap, fmt);
        vsnprintf(b->err, b->errlen, fmt, ap);
        va_end(ap);
    }
    return HC1_E_FORMAT;
}

/* An integer key in [lo, hi]; @def used when absent and @required false. */
static hc1_status get_uint(binder *b, const char *key, bool required,
                           uint64_t def, uint64_t lo, uint64_t hi,
                           uint32_t *out)
{
    const gguf_kv *kv = gguf_find_kv(&b->m->gf, key);
    uint64_t v;
    if (!kv) {
        if (required) {
            return berr(b, "missing key %s", key);
        }
        *out = (uint32_t)def;
        return HC1_OK;
    }
    if (!gguf_kv_as_u64(kv, &v)) {
        return berr(b, "key %s: type %s, expected a non-negative integer",
                    key, gguf_type_name(kv->type));
    }
    if (v < lo || v > hi) {
        return berr(b, "key %s: %llu out of range, expected %llu..%llu", key,
                    (unsigned long long)v, (unsigned long long)lo,
                    (unsigned long long)hi);
    }
    *out = (uint32_t)v;
    return HC1_OK;
}

static hc1_status get_float(binder *b, const char *key, double def,
                            double lo, double hi, float *out)
{
    const gguf_kv *kv = gguf_find_kv(&b->m->gf, key);
    double v;
    if (!kv) {
        *out = (float)def;
        return HC1_OK;
    }
    if (kv->type != GGUF_T_FLOAT32 && kv->type != GGUF_T_FLOAT64) {
        return berr(b, "key %s: type %s, expected float32", key,
                    gguf_type_name(kv->type));
    }
    v = kv->v.f;
    if (!(v >= lo && v <= hi)) {
        return berr(b, "key %s: %g out of range, expected %g..%g", key, v,
                    lo, hi);
    }
    *out = (float)v;
    return HC1_OK;
}

static bool get_string(binder *b, const char *key, char *dst, size_t n)
{
    const gguf_kv *kv = gguf_find_kv(&b->m->gf, key);
    if (!kv || kv->type != GGUF_T_STRING) {
        dst[0] = 0;
        return false;
    }
    size_t l = kv->s.len < n - 1 ? kv->s.len : n - 1;
    memcpy(dst, kv->s.p, l);
    dst[l] = 0;
    return true;
}

/* Bind tensor @name with shape [ne0] or [ne0, ne1] and a usable type. */
static hc1_status bind(binder *b, const char *name, uint64_t ne0,
                       uint64_t ne1, bool matrix, bool required,
                       hc1_tensor *t, bool *found)
{
    const gguf_tensor *g = gguf_find_tensor(&b->m->gf, name);
    if (found) {
        *found = g != NULL;
    }
    if (!g) {
        return required ? berr(b, "missing tensor %s", name) : HC1_OK;
    }
    if (matrix) {
        if (g->n_dims != 2 || g->ne[0] != ne0 || g->ne[1] != ne1) {
            return berr(b, "tensor %s: shape [%llu, %llu, %llu] (%u dims), "
                        "expected [%llu, %llu]", name,
                        (unsigned long long)g->ne[0],
                        (unsigned long long)g->ne[1],
                        (unsigned long long)g->ne[2], g->n_dims,
                        (unsigned long long)ne0, (unsigned long long)ne1);
        }
        if (!hc1_weight_type_supported(g->type)) {
            const ggml_type_traits *tt = ggml_traits(g->type);
            return berr(b, "tensor %s: type %s is not supported (F32, F16, "
                        "BF16, Q8_0, Q4_0, Q4_K, Q6_K)", name,
                        tt ? tt->name : "?");
        }
    } else {
        if (g->n_dims != 1 || g->ne[0] != ne0) {
            return berr(b, "tensor %s: shape [%llu, %llu] (%u dims), "
                        "expected [%llu]", name,
                        (unsigned long long)g->ne[0],
                        (unsigned long long)g->ne[1], g->n_dims,
                        (unsigned long long)ne0);
        }
        if (g->type != GGML_F32) {
            return berr(b, "tensor %s: type %s, expected F32", name,
                        ggml_traits(g->type)->name);
        }
    }
    t->data = g->data;
    t->type = g->type;
    t->ne0 = g->ne[0];
    t->ne1 = g->ne[1];
    t->row_bytes = ggml_row_size(g->type, g->ne[0]);
    return HC1_OK;
}

static hc1_status check_token(binder *b, const char *key, int32_t *out)
{
    uint32_t v = UINT32_MAX;
    hc1_status st = get_uint(b, key, false, UINT32_MAX, 0, UINT32_MAX, &v);
    if (st) {
        return st;
    }
    if (v == UINT32_MAX) {
        *out = -1;
        return HC1_OK;
    }
    if (v >= b->m->info.n_vocab) {
        return berr(b, "key %s: token id %u >= vocabulary size %u", key, v,
                    b->m->info.n_vocab);
    }
    *out = (int32_t)v;
    return HC1_OK;
}

static hc1_status bind_model(binder *b)
{
    hc1_model *m = b->m;
    hc1_model_info *in = &m->info;
    const gguf_file *gf = &m->gf;
    char arch[32];
    hc1_status st;
    uint32_t rope_dim, key_len, val_len;

    if (!get_string(b, "general.architecture", arch, sizeof(arch))) {
        return berr(b, "missing key general.architecture (string)");
    }
    if (strcmp(arch, "llama") != 0) {
        return berr(b, "key general.architecture: '%s', expected 'llama'",
                    arch);
    }
    get_string(b, "general.name", in->name, sizeof(in->name));

#define U(key, req, def, lo, hi, dst) \
    do { \
        st = get_uint(b, key, req, def, lo, hi, dst); \
        if (st) { \
            return st; \
        } \
    } while (0)

    U("llama.block_count", true, 0, 1, MAX_LAYERS, &in->n_layer);
    U("llama.embedding_length", true, 0, 1, MAX_EMBD, &in->n_embd);
    U("llama.feed_forward_length", true, 0, 1, MAX_FF, &in->n_ff);
    U("llama.attention.head_count", true, 0, 1, MAX_HEADS, &in->n_head);
    U("llama.attention.head_count_kv", false, in->n_head, 1, MAX_HEADS,
      &in->n_head_kv);
    U("llama.context_length", false, 2048, 1, 1u << 30, &in->n_ctx_train);
    if (in->n_head % in->n_head_kv) {
        return berr(b, "key llama.attention.head_count_kv: %u does not "
                    "divide head_count %u", in->n_head_kv, in->n_head);
    }
    if (in->n_embd % in->n_head) {
        return berr(b, "key llama.embedding_length: %u is not a multiple of "
                    "head_count %u", in->n_embd, in->n_head);
    }
    U("llama.attention.key_length", false, in->n_embd / in->n_head, 2,
      MAX_HEAD_DIM, &key_len);
    U("llama.attention.value_length", false, key_len, 2, MAX_HEAD_DIM,
      &val_len);
    if (val_len != key_len) {
        return berr(b, "key llama.attention.value_length: %u, expected the "
                    "key length %u", val_len, key_len);
    }
    if (key_len % 2) {
        return berr(b, "key llama.attention.key_length: %u is odd, rope "
                    "needs pairs", key_len);
    }
    in->head_dim = key_len;
    U("llama.rope.dimension_count", false, in->head_dim, 1, MAX_HEAD_DIM,
      &rope_dim);
    if (rope_dim != in->head_dim) {
        return berr(b, "key llama.rope.dimension_count: %u, expected the head "
                    "size %u (partial rope is not supported)", rope_dim,
                    in->head_dim);
    }
    st = get_float(b, "llama.rope.freq_base", 10000.0, 1.0, 1e12,
                   &in->rope_theta);
    if (st) {
        return st;
    }
    st = get_float(b, "llama.attention.layer_norm_rms_epsilon", 1e-5, 0.0,
                   1.0, &in->norm_eps);
    if (st) {
        return st;
    }
    {
        const gguf_kv *kv = gguf_find_kv(gf, "llama.rope.scaling.factor");
        double f;
        if (kv && gguf_kv_as_f64(kv, &f) && f != 0.0 && f != 1.0) {
            return berr(b, "key llama.rope.scaling.factor: %g; linear rope "
                        "scaling is not supported", f);
        }
    }

    /*
     * vocabulary: the token list decides its size; a model may also
     * come without a tokenizer (tokenizer.ggml.model "none" or absent),
     * then llama.vocab_size or the embedding does
     */
    char tokm[16];
    get_string(b, "tokenizer.ggml.model", tokm, sizeof(tokm));
    bool has_tok = tokm[0] && strcmp(tokm, "none") != 0;
    const gguf_kv *tok = gguf_find_kv(gf, "tokenizer.ggml.tokens");
    if (has_tok) {
        if (!tok || tok->type != GGUF_T_ARRAY ||
            tok->arr_type != GGUF_T_STRING) {
            return berr(b, "missing key tokenizer.ggml.tokens (array of "
                        "string)");
        }
        if (tok->arr_n < 1 || tok->arr_n > MAX_VOCAB) {
            return berr(b, "key tokenizer.ggml.tokens: %llu tokens, "
                        "expected 1..%u", (unsigned long long)tok->arr_n,
                        MAX_VOCAB);
        }
        in->n_vocab = (uint32_t)tok->arr_n;
    } else {
        const gguf_tensor *te = gguf_find_tensor(gf, "token_embd.weight");
        uint64_t nv = te && te->n_dims == 2 ? te->ne[1] : 0;
        if (nv < 1 || nv > MAX_VOCAB) {
            return berr(b, "no tokenizer and no usable token_embd.weight "
                        "to size the vocabulary");
        }
        in->n_vocab = (uint32_t)nv;
    }
    {
        uint32_t vs;
        U("llama.vocab_size", false, in->n_vocab, 1, MAX_VOCAB, &vs);
        if (vs != in->n_vocab) {
            return berr(b, "key llama.vocab_size: %u, but the vocabulary "
                        "has %u entries", vs, in->n_vocab);
        }
    }
    static const char *const special[4] = {
        "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
        "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id",
    };
    int32_t *special_id[4] = { &in->bos_id, &in->eos_id, &in->eot_id,
                               &in->eom_id };
    for (int i = 0; i < 4; i++) {
        st = check_token(b, special[i], special_id[i]);
        if (st) {
            return st;
        }
    }
#undef U

    /* tensors */
    uint64_t E = in->n_embd, V = in->n_vocab, F = in->n_ff;
    uint64_t Q = (uint64_t)in->n_head * in->head_dim;
    uint64_t KV = (uint64_t)in->n_head_kv * in->head_dim;
    uint64_t n_bound = 0;
    bool found;

    st = bind(b, "token_embd.weight", E, V, true, true, &m->tok_embd, NULL);
    if (!st) {
        st = bind(b, "output_norm.weight", E, 1, false, true,
                  &m->output_norm, NULL);
    }
    if (!st) {
        st = bind(b, "output.weight", E, V, true, false, &m->output, &found);
    }
    if (st) {
        return st;
    }
    n_bound += 2 + found;
    in->tied_output = !found;
    if (!found) {
        m->output = m->tok_embd;
    }
    {
        hc1_tensor rf = { 0 };
        st = bind(b, "rope_freqs.weight", in->head_dim / 2, 1, false, false,
                  &rf, &found);
        if (st) {
            return st;
        }
        if (found) {
            const float *f = rf.data;
            for (uint32_t i = 0; i < in->head_dim / 2; i++) {
                if (!(f[i] > 0.0f) || !isfinite(f[i])) {
                    return berr(b, "tensor rope_freqs.weight: entry %u is "
                                "%g, expected a positive finite divisor", i,
                                f[i]);
                }
            }
            m->rope_freqs = f;
            n_bound++;
        }
        in->has_rope_freqs = found;
    }
    m->layers = calloc(in->n_layer, sizeof(hc1_layer));
    if (!m->layers) {
        return HC1_E_NOMEM;
    }
    for (uint32_t l = 0; l < in->n_layer; l++) {
        hc1_layer *L = &m->layers[l];
        char nm[64];
#define T(suffix, a, c, mat, dst) \
    do { \
        snprintf(nm, sizeof(nm), "blk.%u.%s.weight", l, suffix); \
        st = bind(b, nm, a, c, mat, true, dst, NULL); \
        if (st) { \
            return st; \
        } \
        n_bound++; \
    } while (0)
        T("attn_norm", E, 1, false, &L->attn_norm);
        T("attn_q", E, Q, true, &L->wq);
        T("attn_k", E, KV, true, &L->wk);
        T("attn_v", E, KV, true, &L->wv);
        T("attn_output", Q, E, true, &L->wo);
        T("ffn_norm", E, 1, false, &L->ffn_norm);
        T("ffn_gate", E, F, true, &L->w_gate);
        T("ffn_up", E, F, true, &L->w_up);
        T("ffn_down", F, E, true, &L->w_down);
#undef T
    }
    if (n_bound != gf->n_tensors) {
        /* name the first tensor we do not know */
        for (uint64_t i = 0; i < gf->n_tensors; i++) {
            const gguf_tensor *g = &gf->tensors[i];
            char nm[80];
            size_t k;
            for (k = 0; k < g->name.len && k < sizeof(nm) - 1; k++) {
                char c = g->name.p[k];
                nm[k] = (c >= 32 && c < 127) ? c : '?';
            }
            nm[k] = 0;
            unsigned layer;
            char rest[64];
            bool known = !strcmp(nm, "token_embd.weight") ||
                         !strcmp(nm, "output_norm.weight") ||
                         !strcmp(nm, "output.weight") ||
                         !strcmp(nm, "rope_freqs.weight");
            if (!known && sscanf(nm, "blk.%u.%63s", &layer, rest) == 2 &&
                layer < in->n_layer) {
                known = true;
            }
            if (!known) {
                return berr(b, "unexpected tensor %s (%llu tensors, %llu "
                            "expected for this llama model)", nm,
                            (unsigned long long)gf->n_tensors,
                            (unsigned long long)n_bound);
            }
        }
        return berr(b, "unexpected tensors: %llu in the file, %llu expected",
                    (unsigned long long)gf->n_tensors,
                    (unsigned long long)n_bound);
    }

    /*
     * the type of most matrices (by count: the output head alone is
     * often bigger than the rest), and the byte total
     */
    {
        uint64_t count[GGML_TYPE_MAX] = { 0 };
        uint32_t best = 0;
        for (uint64_t i = 0; i < gf->n_tensors; i++) {
            in->weight_bytes += gf->tensors[i].nbytes;
            if (gf->tensors[i].n_dims == 2 &&
                gf->tensors[i].type < GGML_TYPE_MAX) {
                count[gf->tensors[i].type]++;
            }
        }
        for (uint32_t t = 0; t < GGML_TYPE_MAX; t++) {
            if (count[t] > count[best]) {
                best = t;
            }
        }
        in->weight_type = best;
    }

    snprintf(m->tokenizer_model, sizeof(m->tokenizer_model), "%s", tokm);
    if (!has_tok) {
        return HC1_OK;      /* no blob: hc1_model_tokenizer_blob says so */
    }
    return hc1_tokblob_build(gf, in->n_vocab, &m->tokblob, &m->tokblob_len,
                             b->err, b->errlen);
}

static hc1_status open_common(hc1_model *m, char *err, size_t errlen)
{
    binder b = { .m = m, .err = err, .errlen = errlen };
    hc1_status st;

    hc1_quant_init();
    if (!gguf_parse(&m->gf, m->gf.base, m->gf.len, err, errlen)) {
        return HC1_E_FORMAT;
    }
    st = bind_model(&b);
    return st;
}

static hc1_model *model_alloc(const void *data, size_t len)
{
    hc1_model *m = calloc(1, sizeof(*m));
    if (m) {
        m->gf.base = data;
        m->gf.len = len;
        m->info.bos_id = m->info.eos_id = m->info.eot_id = m->info.eom_id = -1;
    }
    return m;
}

hc1_status hc1_model_open_mem(const void *data, size_t len, hc1_model **out,
                              char *err, size_t errlen)
{
    hc1_model *m;
    hc1_status st;

    if (!out) {
        return HC1_E_INVAL;
    }
    *out = NULL;
    if (err && errlen) {
        err[0] = 0;
    }
    if (!data) {
        if (err && errlen) {
            snprintf(err, errlen, "no model data");
        }
        return HC1_E_INVAL;
    }
    m = model_alloc(data, len);
    if (!m) {
        return HC1_E_NOMEM;
    }
    st = open_common(m, err, errlen);
    if (st) {
        hc1_model_close(m);
        return st;
    }
    *out = m;
    return HC1_OK;
}

/*
 * Map the file read-only at an address that is a multiple of 2 MiB and
 * ask for transparent huge pages there. Where the page cache holds the
 * file in 2 MiB folios, the kernel then maps it with 2 MiB pages too.
 * Decode streams every weight once per token; in 4 KiB pages that is a
 * TLB miss every 4 KiB, a nested page walk under a hypervisor, and the
 * tile kernel reads 9 to 25 pages side by side (matmul.c). The page
 * cache has 2 MiB folios when the file was written in large writes
 * (images/model/gguf-writer.c) or read in through a mapping advised so,
 * as this one is once the file is out of the cache (README: 2 MiB
 * pages). The address only needs to agree with the file offset modulo
 * 2 MiB; the file maps at offset 0.
 */
static void *map_weights(int fd, size_t len)
{
#if defined(MADV_HUGEPAGE)
    uint8_t *at = hc1_huge_reserve(len, PROT_NONE);

    if (at) {
        void *map = mmap(at, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
        if (map == MAP_FAILED) {
            munmap(at, len);
            return map;
        }
        /* advice only: without it the mapping still works */
        madvise(map, len, MADV_HUGEPAGE);
        return map;
    }
#endif
    return mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
}

hc1_status hc1_model_open_file(const char *path, hc1_model **out,
                               char *err, size_t errlen)
{
    struct stat sb;
    void *map;
    int fd;
    hc1_model *m;
    hc1_status st;

    if (!out || !path) {
        return HC1_E_INVAL;
    }
    *out = NULL;
    if (err && errlen) {
        err[0] = 0;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (err && errlen) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        }
        return HC1_E_IO;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        if (err && errlen) {
            snprintf(err, errlen, "%s: not a regular file", path);
        }
        close(fd);
        return HC1_E_IO;
    }
    if (sb.st_size == 0) {
        if (err && errlen) {
            snprintf(err, errlen, "%s: empty file", path);
        }
        close(fd);
        return HC1_E_FORMAT;
    }
    map = map_weights(fd, (size_t)sb.st_size);
    close(fd);
    if (map == MAP_FAILED) {
        if (err && errlen) {
            snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
        }
        return HC1_E_IO;
    }
    m = model_alloc(map, (size_t)sb.st_size);
    if (!m) {
        munmap(map, (size_t)sb.st_size);
        return HC1_E_NOMEM;
    }
    m->map = map;
    m->map_len = (size_t)sb.st_size;
    st = open_common(m, err, errlen);
    if (st) {
        hc1_model_close(m);
        return st;
    }
    *out = m;
    return HC1_OK;
}

void hc1_model_close(hc1_model *m)
{
    if (!m) {
        return;
    }
    gguf_free(&m->gf);
    free(m->layers);
    free(m->tokblob);
    if (m->map) {
        munmap(m->map, m->map_len);
    }
    free(m);
}

const hc1_model_info *hc1_model_get_info(const hc1_model *m)
{
    return m ? &m->info : NULL;
}

hc1_status hc1_model_map_pages(const hc1_model *m, uint64_t *resident,
                               uint64_t *huge)
{
    char head[32], line[256];
    bool in = false, found = false;
    unsigned long long rss = 0, pmd = 0;

    if (!m || !resident || !huge || !m->map) {
        return HC1_E_STATE;
    }
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) {
        return HC1_E_STATE;
    }
    /* the mapping's own entry starts "<start>-<end> " */
    snprintf(head, sizeof(head), "%lx-", (unsigned long)(uintptr_t)m->map);
    while (fgets(line, sizeof(line), f)) {
        if (!in) {
            in = !strncmp(line, head, strlen(head));
            continue;
        }
        if (sscanf(line, "Rss: %llu kB", &rss) == 1 ||
            sscanf(line, "FilePmdMapped: %llu kB", &pmd) == 1) {
            found = true;
        } else if (!strncmp(line, "VmFlags:", 8)) {
            break;      /* the entry's last line */
        }
    }
    fclose(f);
    if (!found) {
        return HC1_E_STATE;
    }
    *resident = rss * 1024;
    *huge = pmd * 1024;
    return HC1_OK;
}

hc1_status hc1_model_tokenizer_blob(const hc1_model *m, const void **blob,
                                    size_t *len)
{
    if (!m || !blob || !len) {
        return HC1_E_INVAL;
    }
    *blob = m->tokblob;
    *len = m->tokblob_len;
    return m->tokblob ? HC1_OK : HC1_E_STATE;   /* model has no tokenizer */
}

uint32_t hc1_model_n_tensors(const hc1_model *m)
{
    return m ? (uint32_t)m->gf.n_tensors : 0;
}

hc1_status hc1_model_tensor_info(const hc1_model *m, uint32_t i,
                                 hc1_tensor_info *out)
{
    if (!m || !out || i >= m->gf.n_tensors) {
        return HC1_E_INVAL;
    }
    const gguf_tensor *t = &m->gf.tensors[i];
    size_t n = t->name.len < sizeof(out->name) - 1 ? t->name.len
                                                    : sizeof(out->name) - 1;
    memset(out, 0, sizeof(*out));
    memcpy(out->name, t->name.p, n);
    out->type = t->type;
    out->n_dims = t->n_dims;
    for (int d = 0; d < 4; d++) {
        out->ne[d] = t->ne[d];
    }
    out->nbytes = t->nbytes;
    out->offset = m->gf.data_offset + t->offset;
    return HC1_OK;
}

const char *hc1_type_name(uint32_t ggml_type)
{
    const ggml_type_traits *t = ggml_traits(ggml_type);
    return t ? t->name : "?";
}
