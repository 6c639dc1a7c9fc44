/*
 * hc1-mkmodel: a streaming GGUF v3 writer; see gguf-writer.h.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "gguf-writer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* stdio buffer: the size of the writes, and of the page cache folios */
#define IO_BUF_BYTES ((size_t)2 << 20)

typedef struct ByteBuf {
    uint8_t *data;
    size_t len, cap;
} ByteBuf;

typedef struct TensorInfo {
    char *name;
    uint32_t n_dims;
    uint64_t ne[GGUF_MAX_DIMS];
    Hc1GgmlType type;
    uint64_t offset;
    uint64_t nbytes;
} TensorInfo;

struct GgufWriter {
    uint32_t alignment;
    ByteBuf kv;                 /* serialized metadata */
    uint64_t n_kv;
    char **keys;                /* for duplicate detection */
    TensorInfo *tensors;
    size_t n_tensors, cap_tensors;
    uint64_t data_size;         /* padded size of all tensor data */

    char *path, *tmp_path;
    FILE *f;
    char *iobuf;                /* f's buffer (see gguf_writer_open) */
    size_t cur;                 /* tensor being written */
    uint64_t cur_written;       /* bytes of it written so far */
    bool alignment_key;         /* general.alignment was written */
    char err[512];
};

static bool set_error(GgufWriter *w, const char *fmt, ...)
{
    va_list ap;

    if (w->err[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(w->err, sizeof(w->err), fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool buf_put(GgufWriter *w, ByteBuf *b, const void *p, size_t n)
{
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 4096;
        uint8_t *d;

        while (cap - b->len < n) {
            cap *= 2;
        }
        d = realloc(b->data, cap);
        if (!d) {
            return set_error(w, "out of memory");
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

static bool buf_u32(GgufWriter *w, ByteBuf *b, uint32_t v)
{
    uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                      (uint8_t)(v >> 24) };

    return buf_put(w, b, le, 4);
}

static bool buf_u64(GgufWriter *w, ByteBuf *b, uint64_t v)
{
    uint8_t le[8];
    int i;

    for (i = 0; i < 8; i++) {
        le[i] = (uint8_t)(v >> (8 * i));
    }
    return buf_put(w, b, le, 8);
}

static bool buf_str(GgufWriter *w, ByteBuf *b, const char *s, size_t len)
{
    return buf_u64(w, b, len) && buf_put(w, b, s, len);
}

GgufWriter *gguf_writer_new(uint32_t alignment)
{
    GgufWriter *w;

    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        return NULL;
    }
    w = calloc(1, sizeof(*w));
    if (!w) {
        return NULL;
    }
    w->alignment = alignment;
    return w;
}

void gguf_writer_free(GgufWriter *w)
{
    size_t i;

    if (!w) {
        return;
    }
    if (w->f) {
        fclose(w->f);
        unlink(w->tmp_path);
    }
    free(w->iobuf);     /* only once f is closed */
    for (i = 0; i < w->n_kv; i++) {
        free(w->keys[i]);
    }
    free(w->keys);
    for (i = 0; i < w->n_tensors; i++) {
        free(w->tensors[i].name);
    }
    free(w->tensors);
    free(w->kv.data);
    free(w->path);
    free(w->tmp_path);
    free(w);
}

const char *gguf_writer_error(const GgufWriter *w)
{
    return w->err;
}

/* Start a metadata entry: key and value type. */
static bool kv_begin(GgufWriter *w, const char *key, GgufValueType type)
{
    char **keys;
    uint64_t i;

    if (w->f) {
        return set_error(w, "metadata \"%s\" added after open", key);
    }
    if (key[0] == '\0') {
        return set_error(w, "empty metadata key");
    }
    for (i = 0; i < w->n_kv; i++) {
        if (strcmp(w->keys[i], key) == 0) {
            return set_error(w, "duplicate metadata key \"%s\"", key);
        }
    }
    keys = realloc(w->keys, (size_t)(w->n_kv + 1) * sizeof(*keys));
    if (!keys) {
        return set_error(w, "out of memory");
    }
    w->keys = keys;
    w->keys[w->n_kv] = strdup(key);
    if (!w->keys[w->n_kv]) {
        return set_error(w, "out of memory");
    }
    w->n_kv++;
    return buf_str(w, &w->kv, key, strlen(key)) &&
           buf_u32(w, &w->kv, (uint32_t)type);
}

bool gguf_kv_strn(GgufWriter *w, const char *key, const char *val,
                  size_t len)
{
    return kv_begin(w, key, GGUF_TYPE_STRING) &&
           buf_str(w, &w->kv, val, len);
}

bool gguf_kv_str(GgufWriter *w, const char *key, const char *val)
{
    return gguf_kv_strn(w, key, val, strlen(val));
}

bool gguf_kv_u32(GgufWriter *w, const char *key, uint32_t val)
{
    if (strcmp(key, "general.alignment") == 0) {
        if (val != w->alignment) {
            return set_error(w, "general.alignment %u differs from the "
                             "writer's alignment %u", val, w->alignment);
        }
        w->alignment_key = true;
    }
    return kv_begin(w, key, GGUF_TYPE_UINT32) && buf_u32(w, &w->kv, val);
}

bool gguf_kv_i32(GgufWriter *w, const char *key, int32_t val)
{
    return kv_begin(w, key, GGUF_TYPE_INT32) &&
           buf_u32(w, &w->kv, (uint32_t)val);
}

bool gguf_kv_u64(GgufWriter *w, const char *key, uint64_t val)
{
    return kv_begin(w, key, GGUF_TYPE_UINT64) && buf_u64(w, &w->kv, val);
}

bool gguf_kv_f32(GgufWriter *w, const char *key, float val)
{
    uint32_t b;

    memcpy(&b, &val, sizeof(b));
    return kv_begin(w, key, GGUF_TYPE_FLOAT32) && buf_u32(w, &w->kv, b);
}

bool gguf_kv_bool(GgufWriter *w, const char *key, bool val)
{
    uint8_t b = val ? 1 : 0;

    return kv_begin(w, key, GGUF_TYPE_BOOL) && buf_put(w, &w->kv, &b, 1);
}

bool gguf_kv_str_array(GgufWriter *w, const char *key, size_t n,
                       const char *const *strs, const size_t *lens)
{
    size_t i;

    if (!kv_begin(w, key, GGUF_TYPE_ARRAY) ||
        !buf_u32(w, &w->kv, GGUF_TYPE_STRING) || !buf_u64(w, &w->kv, n)) {
        return false;
    }
    for (i = 0; i < n; i++) {
        size_t len = lens ? lens[i] : strlen(strs[i]);

        if (!buf_str(w, &w->kv, strs[i], len)) {
            return false;
        }
    }
    return true;
}

bool gguf_kv_i32_array(GgufWriter *w, const char *key, size_t n,
                       const int32_t *vals)
{
    size_t i;

    if (!kv_begin(w, key, GGUF_TYPE_ARRAY) ||
        !buf_u32(w, &w->kv, GGUF_TYPE_INT32) || !buf_u64(w, &w->kv, n)) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!buf_u32(w, &w->kv, (uint32_t)vals[i])) {
            return false;
        }
    }
    return true;
}

static uint64_t align_up(uint64_t v, uint32_t a)
{
    return (v + a - 1) & ~(uint64_t)(a - 1);
}

bool gguf_add_tensor(GgufWriter *w, const char *name, uint32_t n_dims,
                     const uint64_t *ne, Hc1GgmlType type)
{
    TensorInfo *t;
    uint64_t nvals = 1, bv;
    size_t i;

    if (w->f) {
        return set_error(w, "tensor \"%s\" added after open", name);
    }
    if (n_dims < 1 || n_dims > GGUF_MAX_DIMS) {
        return set_error(w, "tensor \"%s\": %u dimensions", name, n_dims);
    }
    if (!hc1_type_known(type)) {
        return set_error(w, "tensor \"%s\": unknown type %d", name, type);
    }
    for (i = 0; i < w->n_tensors; i++) {
        if (strcmp(w->tensors[i].name, name) == 0) {
            return set_error(w, "duplicate tensor \"%s\"", name);
        }
    }
    for (i = 0; i < n_dims; i++) {
        if (ne[i] == 0 || nvals > UINT64_MAX / 64 / ne[i]) {
            return set_error(w, "tensor \"%s\": bad shape", name);
        }
        nvals *= ne[i];
    }
    bv = hc1_type_block_values(type);
    if (ne[0] % bv != 0) {
        return set_error(w, "tensor \"%s\": row of %llu values is not a "
                         "multiple of the %s block (%llu)", name,
                         (unsigned long long)ne[0], hc1_type_name(type),
                         (unsigned long long)bv);
    }
    if (w->n_tensors == w->cap_tensors) {
        size_t cap = w->cap_tensors ? w->cap_tensors * 2 : 64;
        TensorInfo *n = realloc(w->tensors, cap * sizeof(*n));

        if (!n) {
            return set_error(w, "out of memory");
        }
        w->tensors = n;
        w->cap_tensors = cap;
    }
    t = &w->tensors[w->n_tensors];
    memset(t, 0, sizeof(*t));
    t->name = strdup(name);
    if (!t->name) {
        return set_error(w, "out of memory");
    }
    t->n_dims = n_dims;
    memcpy(t->ne, ne, n_dims * sizeof(ne[0]));
    t->type = type;
    t->nbytes = nvals / bv * hc1_type_block_bytes(type);
    t->offset = w->data_size;
    w->data_size = align_up(t->offset + t->nbytes, w->alignment);
    w->n_tensors++;
    return true;
}

uint64_t gguf_tensor_nbytes(const GgufWriter *w, size_t i)
{
    return i < w->n_tensors ? w->tensors[i].nbytes : 0;
}

size_t gguf_tensor_count(const GgufWriter *w)
{
    return w->n_tensors;
}

static bool write_raw(GgufWriter *w, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->f) != n) {
        return set_error(w, "%s: write failed: %s", w->tmp_path,
                         strerror(errno));
    }
    return true;
}

static bool write_zeros(GgufWriter *w, size_t n)
{
    static const uint8_t zeros[64];

    while (n > 0) {
        size_t k = n < sizeof(zeros) ? n : sizeof(zeros);

        if (!write_raw(w, zeros, k)) {
            return false;
        }
        n -= k;
    }
    return true;
}

bool gguf_writer_open(GgufWriter *w, const char *path)
{
    ByteBuf head = { 0 };
    size_t i, plen = strlen(path);
    bool ok;

    if (w->err[0] != '\0') {
        return false;
    }
    if (w->f) {
        return set_error(w, "already open");
    }
    if (w->alignment != 32 && !w->alignment_key) {
        return set_error(w, "alignment %u needs a general.alignment key",
                         w->alignment);
    }
    w->path = strdup(path);
    w->tmp_path = malloc(plen + 5);
    if (!w->path || !w->tmp_path) {
        return set_error(w, "out of memory");
    }
    memcpy(w->tmp_path, path, plen);
    memcpy(w->tmp_path + plen, ".tmp", 5);

    ok = buf_put(w, &head, "GGUF", 4) &&
         buf_u32(w, &head, GGUF_VERSION) &&
         buf_u64(w, &head, w->n_tensors) &&
         buf_u64(w, &head, w->n_kv) &&
         buf_put(w, &head, w->kv.data, w->kv.len);
    for (i = 0; ok && i < w->n_tensors; i++) {
        const TensorInfo *t = &w->tensors[i];
        uint32_t d;

        ok = buf_str(w, &head, t->name, strlen(t->name)) &&
             buf_u32(w, &head, t->n_dims);
        for (d = 0; ok && d < t->n_dims; d++) {
            ok = buf_u64(w, &head, t->ne[d]);
        }
        ok = ok && buf_u32(w, &head, (uint32_t)t->type) &&
             buf_u64(w, &head, t->offset);
    }
    if (!ok) {
        free(head.data);
        return false;
    }

    w->f = fopen(w->tmp_path, "wb");
    if (!w->f) {
        free(head.data);
        return set_error(w, "%s: %s", w->tmp_path, strerror(errno));
    }
    /*
     * Writes of 2 MiB at multiples of 2 MiB leave the file in the page
     * cache as 2 MiB folios, which the engine then maps with 2 MiB
     * pages (hw/engine/model.c). glibc ignores the size given with no
     * buffer and wrote 4 KiB, then whatever was left of each tensor's
     * rows: the folios came out small and the mapping in 4 KiB pages.
     */
    w->iobuf = malloc(IO_BUF_BYTES);
    if (w->iobuf) {
        setvbuf(w->f, w->iobuf, _IOFBF, IO_BUF_BYTES);
    }
    ok = write_raw(w, head.data, head.len) &&
         write_zeros(w, (size_t)(align_up(head.len, w->alignment) -
                                 head.len));
    free(head.data);
    w->cur = 0;
    w->cur_written = 0;
    return ok;
}

bool gguf_writer_write(GgufWriter *w, const void *data, size_t len)
{
    const uint8_t *p = data;

    if (!w->f || w->err[0] != '\0') {
        return set_error(w, "write without an open file");
    }
    while (len > 0) {
        const TensorInfo *t;
        uint64_t left;
        size_t k;

        if (w->cur >= w->n_tensors) {
            return set_error(w, "more tensor data than the tensors hold");
        }
        t = &w->tensors[w->cur];
        left = t->nbytes - w->cur_written;
        k = len < left ? len : (size_t)left;
        if (!write_raw(w, p, k)) {
            return false;
        }
        p += k;
        len -= k;
        w->cur_written += k;
        if (w->cur_written == t->nbytes) {
            uint64_t end = t->offset + t->nbytes;

            if (!write_zeros(w, (size_t)(align_up(end, w->alignment) - end))) {
                return false;
            }
            w->cur++;
            w->cur_written = 0;
        }
    }
    return true;
}

bool gguf_writer_close(GgufWriter *w)
{
    int rc;

    if (!w->f) {
        return set_error(w, "close without an open file");
    }
    if (w->err[0] == '\0' && w->cur != w->n_tensors) {
        set_error(w, "tensor \"%s\" is incomplete",
                  w->tensors[w->cur].name);
    }
    if (w->err[0] != '\0') {
        fclose(w->f);
        w->f = NULL;
        unlink(w->tmp_path);
        return false;
    }
    rc = fflush(w->f);
    if (rc != 0 || ferror(w->f)) {
        set_error(w, "%s: write failed: %s", w->tmp_path, strerror(errno));
        fclose(w->f);
        w->f = NULL;
        unlink(w->tmp_path);
        return false;
    }
    if (fclose(w->f) != 0) {
        w->f = NULL;
        set_error(w, "%s: close failed: %s", w->tmp_path, strerror(errno));
        unlink(w->tmp_path);
        return false;
    }
    w->f = NULL;
    if (rename(w->tmp_path, w->path) != 0) {
        set_error(w, "cannot rename %s to %s: %s", w->tmp_path, w->path,
                  strerror(errno));
        unlink(w->tmp_path);
        return false;
    }
    return true;
}
