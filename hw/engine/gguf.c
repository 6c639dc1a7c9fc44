/*
 * GGUF v2/v3 parser with complete validation.
 *
 * Layout: "GGUF", u32 version, u64 n_tensors, u64 n_kv; n_kv of
 * (string key, u32 type, value); n_tensors of (string name, u32 n_dims,
 * u64 ne[n_dims], u32 ggml type, u64 offset); padding to the alignment
 * (general.alignment, default 32); the data section. Strings are a u64
 * length and that many bytes. Everything is little-endian.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "gguf.h"
#include "quant.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits well beyond any real model, to refuse absurd counts early. */
#define GGUF_MAX_KV         (1u << 16)
#define GGUF_MAX_TENSORS    (1u << 20)
#define GGUF_MAX_KEY_LEN    (1u << 16)
#define GGUF_MAX_NAME_LEN   63          /* ggml's GGML_MAX_NAME - 1 */
#define GGUF_MAX_ALIGNMENT  (1u << 24)
/*
 * The GGUF specification: a multiple of 8. Below that, F32 tensors and
 * the fp16 scales of quantized blocks could sit misaligned.
 */
#define GGUF_MIN_ALIGNMENT  8u

typedef struct reader {
    const uint8_t *p;
    size_t len;
    size_t off;
    char *err;
    size_t errlen;
} reader;

static bool fail(reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool fail(reader *r, const char *fmt, ...)
{
    va_list ap;
    if (r->err && r->errlen) {
        va_start(ap, fmt);
        vsnprintf(r->err, r->errlen, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool need(reader *r, uint64_t n, const char *what)
{
    if (n > r->len - r->off) {
        return fail(r, "truncated file: %s needs %llu bytes at offset %zu, "
                    "file has %zu", what, (unsigned long long)n, r->off,
                    r->len);
    }
    return true;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool get_u32(reader *r, uint32_t *v, const char *what)
{
    if (!need(r, 4, what)) {
        return false;
    }
    *v = rd32(r->p + r->off);
    r->off += 4;
    return true;
}

static bool get_u64(reader *r, uint64_t *v, const char *what)
{
    if (!need(r, 8, what)) {
        return false;
    }
    *v = rd64(r->p + r->off);
    r->off += 8;
    return true;
}

static bool get_str(reader *r, gguf_str *s, uint64_t maxlen, const char *what)
{
    uint64_t n;
    if (!get_u64(r, &n, what)) {
        return false;
    }
    if (n > maxlen) {
        return fail(r, "%s: string length %llu exceeds the limit %llu",
                    what, (unsigned long long)n, (unsigned long long)maxlen);
    }
    if (!need(r, n, what)) {
        return false;
    }
    s->p = (const char *)r->p + r->off;
    s->len = n;
    r->off += n;
    return true;
}

static const uint8_t scalar_size[GGUF_T_COUNT] = {
    [GGUF_T_UINT8] = 1, [GGUF_T_INT8] = 1, [GGUF_T_UINT16] = 2,
    [GGUF_T_INT16] = 2, [GGUF_T_UINT32] = 4, [GGUF_T_INT32] = 4,
    [GGUF_T_FLOAT32] = 4, [GGUF_T_BOOL] = 1, [GGUF_T_UINT64] = 8,
    [GGUF_T_INT64] = 8, [GGUF_T_FLOAT64] = 8,
};

static const char *const type_names[GGUF_T_COUNT] = {
    "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32",
    "bool", "string", "array", "uint64", "int64", "float64",
};

const char *gguf_type_name(uint32_t t)
{
    return t < GGUF_T_COUNT ? type_names[t] : "unknown";
}

/* Print a key or name safely (it may hold any bytes). */
static void str_print(char *dst, size_t n, gguf_str s)
{
    size_t j = 0;
    for (uint64_t i = 0; i < s.len && j + 1 < n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        dst[j++] = (c >= 32 && c < 127) ? (char)c : '?';
    }
    if (n) {
        dst[j] = 0;
    }
}

static bool read_scalar(reader *r, uint32_t type, gguf_kv *kv,
                        const char *key)
{
    const uint8_t *p;
    if (!need(r, scalar_size[type], key)) {
        return false;
    }
    p = r->p + r->off;
    switch (type) {
    case GGUF_T_UINT8:
        kv->v.u = p[0];
        break;
    case GGUF_T_INT8:
        kv->v.i = (int8_t)p[0];
        break;
    case GGUF_T_UINT16:
        kv->v.u = (uint16_t)(p[0] | p[1] << 8);
        break;
    case GGUF_T_INT16:
        kv->v.i = (int16_t)(p[0] | p[1] << 8);
        break;
    case GGUF_T_UINT32:
        kv->v.u = rd32(p);
        break;
    case GGUF_T_INT32:
        kv->v.i = (int32_t)rd32(p);
        break;
    case GGUF_T_FLOAT32:
        kv->v.f = f32_from_bits(rd32(p));
        break;
    case GGUF_T_BOOL:
        if (p[0] > 1) {
            return fail(r, "key %s: bool value %u is neither 0 nor 1", key,
                        p[0]);
        }
        kv->v.b = p[0];
        break;
    case GGUF_T_UINT64:
        kv->v.u = rd64(p);
        break;
    case GGUF_T_INT64:
        kv->v.i = (int64_t)rd64(p);
        break;
    case GGUF_T_FLOAT64: {
        uint64_t u = rd64(p);
        memcpy(&kv->v.f, &u, 8);
        break;
    }
    }
    r->off += scalar_size[type];
    return true;
}

static bool read_kv(reader *r, gguf_kv *kv, uint64_t idx)
{
    char key[96];
    uint32_t type;
    char what[64];

    snprintf(what, sizeof(what), "metadata key #%llu",
             (unsigned long long)idx);
    if (!get_str(r, &kv->key, GGUF_MAX_KEY_LEN, what)) {
        return false;
    }
    if (kv->key.len == 0) {
        return fail(r, "%s: empty key", what);
    }
    str_print(key, sizeof(key), kv->key);
    if (!get_u32(r, &type, key)) {
        return false;
    }
    if (type >= GGUF_T_COUNT) {
        return fail(r, "key %s: unknown value type %u", key, type);
    }
    kv->type = type;
    if (type == GGUF_T_STRING) {
        return get_str(r, &kv->s, r->len, key);
    }
    if (type != GGUF_T_ARRAY) {
        return read_scalar(r, type, kv, key);
    }
    /* array */
    uint32_t at;
    uint64_t n;
    if (!get_u32(r, &at, key) || !get_u64(r, &n, key)) {
        return false;
    }
    if (at >= GGUF_T_COUNT) {
        return fail(r, "key %s: unknown array element type %u", key, at);
    }
    if (at == GGUF_T_ARRAY) {
        return fail(r, "key %s: nested arrays are not supported", key);
    }
    kv->arr_type = at;
    kv->arr_n = n;
    kv->arr_data = r->p + r->off;
    if (at == GGUF_T_STRING) {
        /* every string needs at least its 8-byte length */
        if (n > (r->len - r->off) / 8) {
            return fail(r, "key %s: array count %llu cannot fit in the "
                        "%zu bytes left", key, (unsigned long long)n,
                        r->len - r->off);
        }
        for (uint64_t i = 0; i < n; i++) {
            gguf_str s;
            if (!get_str(r, &s, r->len, key)) {
                return false;
            }
        }
    } else {
        uint64_t es = scalar_size[at];
        if (n > (r->len - r->off) / es) {
            return fail(r, "key %s: array of %llu %s needs more than the "
                        "%zu bytes left", key, (unsigned long long)n,
                        type_names[at], r->len - r->off);
        }
        if (at == GGUF_T_BOOL) {
            for (uint64_t i = 0; i < n; i++) {
                if (r->p[r->off + i] > 1) {
                    return fail(r, "key %s: bool element %llu is not 0/1",
                                key, (unsigned long long)i);
                }
            }
        }
        r->off += n * es;
    }
    kv->arr_bytes = (uint64_t)(r->p + r->off - kv->arr_data);
    return true;
}

static bool read_tensor_info(reader *r, gguf_tensor *t, uint64_t idx)
{
    char what[64], name[96];
    snprintf(what, sizeof(what), "tensor info #%llu",
             (unsigned long long)idx);
    if (!get_str(r, &t->name, GGUF_MAX_NAME_LEN, what)) {
        return false;
    }
    if (t->name.len == 0) {
        return fail(r, "%s: empty tensor name", what);
    }
    str_print(name, sizeof(name), t->name);
    if (!get_u32(r, &t->n_dims, name)) {
        return false;
    }
    if (t->n_dims < 1 || t->n_dims > GGUF_MAX_DIMS) {
        return fail(r, "tensor %s: %u dimensions, expected 1..%d", name,
                    t->n_dims, GGUF_MAX_DIMS);
    }
    uint64_t nel = 1;
    for (uint32_t d = 0; d < GGUF_MAX_DIMS; d++) {
        t->ne[d] = 1;
    }
    for (uint32_t d = 0; d < t->n_dims; d++) {
        if (!get_u64(r, &t->ne[d], name)) {
            return false;
        }
        if (t->ne[d] == 0 || t->ne[d] > (1ull << 40)) {
            return fail(r, "tensor %s: dimension %u is %llu, expected "
                        "1..2^40", name, d, (unsigned long long)t->ne[d]);
        }
        if (nel > (UINT64_MAX >> 1) / t->ne[d]) {
            return fail(r, "tensor %s: element count overflows", name);
        }
        nel *= t->ne[d];
    }
    if (!get_u32(r, &t->type, name) || !get_u64(r, &t->offset, name)) {
        return false;
    }
    const ggml_type_traits *tt = ggml_traits(t->type);
    if (!tt) {
        return fail(r, "tensor %s: unknown ggml type %u", name, t->type);
    }
    if (t->ne[0] % tt->blck) {
        return fail(r, "tensor %s: row length %llu is not a multiple of the "
                    "%s block size %u", name, (unsigned long long)t->ne[0],
                    tt->name, tt->blck);
    }
    uint64_t blocks = nel / tt->blck;
    if (blocks > UINT64_MAX / tt->size) {
        return fail(r, "tensor %s: byte size overflows", name);
    }
    t->nbytes = blocks * tt->size;
    return true;
}

static int cmp_offset(const void *a, const void *b)
{
    const gguf_tensor *const *x = a, *const *y = b;
    if ((*x)->offset != (*y)->offset) {
        return (*x)->offset < (*y)->offset ? -1 : 1;
    }
    return 0;
}

static bool str_same(gguf_str a, gguf_str b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* FNV-1a for duplicate detection. */
static uint64_t str_hash(gguf_str s)
{
    uint64_t h = 1469598103934665603ull;
    for (uint64_t i = 0; i < s.len; i++) {
        h = (h ^ (uint8_t)s.p[i]) * 1099511628211ull;
    }
    return h;
}

/* Refuse duplicate names among @n strings reached through @get. */
static bool check_dups(reader *r, uint64_t n, const void *arr, size_t stride,
                       const char *what)
{
    uint64_t cap = 16;
    while (cap < 2 * n) {
        cap <<= 1;
    }
    uint64_t *slot = calloc(cap, sizeof(uint64_t));
    if (!slot) {
        return fail(r, "out of memory checking %s names", what);
    }
    for (uint64_t i = 0; i < n; i++) {
        const gguf_str *s = (const gguf_str *)((const char *)arr + i * stride);
        uint64_t h = str_hash(*s) & (cap - 1);
        while (slot[h]) {
            const gguf_str *o = (const gguf_str *)((const char *)arr +
                                                   (slot[h] - 1) * stride);
            if (str_same(*o, *s)) {
                char nm[96];
                str_print(nm, sizeof(nm), *s);
                free(slot);
                return fail(r, "duplicate %s name %s", what, nm);
            }
            h = (h + 1) & (cap - 1);
        }
        slot[h] = i + 1;
    }
    free(slot);
    return true;
}

bool gguf_parse(gguf_file *f, const void *base, size_t len,
                char *err, size_t errlen)
{
    reader r = { .p = base, .len = len, .off = 0, .err = err,
                 .errlen = errlen };
    uint32_t magic;

    memset(f, 0, sizeof(*f));
    f->base = base;
    f->len = len;
    if (err && errlen) {
        err[0] = 0;
    }
    if (!base) {
        return fail(&r, "no data");
    }
    if (!get_u32(&r, &magic, "header")) {
        return false;
    }
    if (magic != 0x46554747u) {
        return fail(&r, "not a GGUF file (magic 0x%08x, expected 'GGUF')",
                    magic);
    }
    if (!get_u32(&r, &f->version, "header")) {
        return false;
    }
    if (f->version != 2 && f->version != 3) {
        return fail(&r, "GGUF version %u is not supported (expected 2 or 3)",
                    f->version);
    }
    if (!get_u64(&r, &f->n_tensors, "header") ||
        !get_u64(&r, &f->n_kv, "header")) {
        return false;
    }
    if (f->n_kv > GGUF_MAX_KV || f->n_kv > (len - r.off) / 12) {
        return fail(&r, "metadata count %llu is absurd for a file of %zu "
                    "bytes (limit %u)", (unsigned long long)f->n_kv, len,
                    GGUF_MAX_KV);
    }
    if (f->n_tensors > GGUF_MAX_TENSORS ||
        f->n_tensors > (len - r.off) / 28) {
        return fail(&r, "tensor count %llu is absurd for a file of %zu "
                    "bytes (limit %u)", (unsigned long long)f->n_tensors,
                    len, GGUF_MAX_TENSORS);
    }

    f->kv = calloc(f->n_kv ? f->n_kv : 1, sizeof(gguf_kv));
    f->tensors = calloc(f->n_tensors ? f->n_tensors : 1, sizeof(gguf_tensor));
    if (!f->kv || !f->tensors) {
        gguf_free(f);
        return fail(&r, "out of memory");
    }
    for (uint64_t i = 0; i < f->n_kv; i++) {
        if (!read_kv(&r, &f->kv[i], i)) {
            goto bad;
        }
    }
    if (!check_dups(&r, f->n_kv, &f->kv[0].key, sizeof(gguf_kv), "key")) {
        goto bad;
    }

    f->info_offset = r.off;
    f->alignment = 32;
    const gguf_kv *al = gguf_find_kv(f, "general.alignment");
    if (al) {
        if (al->type != GGUF_T_UINT32) {
            fail(&r, "key general.alignment: type %s, expected uint32",
                 gguf_type_name(al->type));
            goto bad;
        }
        if (al->v.u < GGUF_MIN_ALIGNMENT || (al->v.u & (al->v.u - 1)) ||
            al->v.u > GGUF_MAX_ALIGNMENT) {
            fail(&r, "key general.alignment: %llu is not a power of two "
                 "in %u..%u", (unsigned long long)al->v.u, GGUF_MIN_ALIGNMENT,
                 GGUF_MAX_ALIGNMENT);
            goto bad;
        }
        f->alignment = (uint32_t)al->v.u;
    }

    for (uint64_t i = 0; i < f->n_tensors; i++) {
        if (!read_tensor_info(&r, &f->tensors[i], i)) {
            goto bad;
        }
    }
    if (!check_dups(&r, f->n_tensors, &f->tensors[0].name,
                    sizeof(gguf_tensor), "tensor")) {
        goto bad;
    }

    /* data section: aligned after the infos */
    uint64_t data = (r.off + f->alignment - 1) / f->alignment *
                    (uint64_t)f->alignment;
    if (f->n_tensors && data > len) {
        fail(&r, "truncated file: data section at %llu is past the end "
             "(%zu bytes)", (unsigned long long)data, len);
        goto bad;
    }
    f->data_offset = data;
    uint64_t avail = data <= len ? len - data : 0;

    gguf_tensor **order = malloc((f->n_tensors ? f->n_tensors : 1) *
                                 sizeof(*order));
    if (!order) {
        fail(&r, "out of memory");
        goto bad;
    }
    for (uint64_t i = 0; i < f->n_tensors; i++) {
        gguf_tensor *t = &f->tensors[i];
        char nm[96];
        str_print(nm, sizeof(nm), t->name);
        if (t->offset % f->alignment) {
            fail(&r, "tensor %s: offset %llu is not a multiple of the "
                 "alignment %u", nm, (unsigned long long)t->offset,
                 f->alignment);
            free(order);
            goto bad;
        }
        if (t->offset > avail || t->nbytes > avail - t->offset) {
            fail(&r, "tensor %s: data [%llu, +%llu) lies beyond the end of "
                 "the file (data section holds %llu bytes)", nm,
                 (unsigned long long)t->offset,
                 (unsigned long long)t->nbytes, (unsigned long long)avail);
            free(order);
            goto bad;
        }
        t->data = f->base + data + t->offset;
        order[i] = t;
    }
    qsort(order, f->n_tensors, sizeof(*order), cmp_offset);
    for (uint64_t i = 1; i < f->n_tensors; i++) {
        if (order[i - 1]->offset + order[i - 1]->nbytes > order[i]->offset) {
            char a[96], b[96];
            str_print(a, sizeof(a), order[i - 1]->name);
            str_print(b, sizeof(b), order[i]->name);
            fail(&r, "tensors %s and %s overlap (%s ends at %llu, %s starts "
                 "at %llu)", a, b, a,
                 (unsigned long long)(order[i - 1]->offset +
                                      order[i - 1]->nbytes),
                 b, (unsigned long long)order[i]->offset);
            free(order);
            goto bad;
        }
    }
    free(order);
    return true;

bad:
    gguf_free(f);
    return false;
}

void gguf_free(gguf_file *f)
{
    free(f->kv);
    free(f->tensors);
    f->kv = NULL;
    f->tensors = NULL;
    f->n_kv = 0;
    f->n_tensors = 0;
}

bool gguf_str_eq(gguf_str s, const char *c)
{
    size_t n = strlen(c);
    return s.len == n && memcmp(s.p, c, n) == 0;
}

const gguf_kv *gguf_find_kv(const gguf_file *f, const char *key)
{
    for (uint64_t i = 0; i < f->n_kv; i++) {
        if (gguf_str_eq(f->kv[i].key, key)) {
            return &f->kv[i];
        }
    }
    return NULL;
}

const gguf_tensor *gguf_find_tensor(const gguf_file *f, const char *name)
{
    for (uint64_t i = 0; i < f->n_tensors; i++) {
        if (gguf_str_eq(f->tensors[i].name, name)) {
            return &f->tensors[i];
        }
    }
    return NULL;
}

bool gguf_arr_next_str(const gguf_kv *kv, uint64_t *pos, gguf_str *out)
{
    if (kv->type != GGUF_T_ARRAY || kv->arr_type != GGUF_T_STRING ||
        *pos + 8 > kv->arr_bytes) {
        return false;
    }
    uint64_t n = rd64(kv->arr_data + *pos);
    /* lengths were validated by the parser; re-check anyway */
    if (n > kv->arr_bytes - *pos - 8) {
        return false;
    }
    out->p = (const char *)kv->arr_data + *pos + 8;
    out->len = n;
    *pos += 8 + n;
    return true;
}

bool gguf_kv_as_u64(const gguf_kv *kv, uint64_t *out)
{
    switch (kv->type) {
    case GGUF_T_UINT8:
    case GGUF_T_UINT16:
    case GGUF_T_UINT32:
    case GGUF_T_UINT64:
        *out = kv->v.u;
        return true;
    case GGUF_T_INT8:
    case GGUF_T_INT16:
    case GGUF_T_INT32:
    case GGUF_T_INT64:
        if (kv->v.i < 0) {
            return false;
        }
        *out = (uint64_t)kv->v.i;
        return true;
    default:
        return false;
    }
}

bool gguf_kv_as_f64(const gguf_kv *kv, double *out)
{
    uint64_t u;
    if (kv->type == GGUF_T_FLOAT32 || kv->type == GGUF_T_FLOAT64) {
        *out = kv->v.f;
        return true;
    }
    if (gguf_kv_as_u64(kv, &u)) {
        *out = (double)u;
        return true;
    }
    return false;
}
