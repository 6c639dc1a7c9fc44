/*
 * hc1-mkmodel: a streaming GGUF v3 writer.
 *
 * Use: create, add metadata and tensor infos, open (writes the header,
 * metadata and tensor infos to PATH.tmp), stream each tensor's data in
 * the order the tensors were added, close (checks that every byte was
 * written and renames PATH.tmp to PATH). Only metadata is held in
 * memory; tensor data passes straight through.
 *
 * File layout (all little-endian): "GGUF", u32 version 3, u64 tensor
 * count, u64 metadata count; metadata as (string key, u32 type, value);
 * tensor infos as (string name, u32 n_dims, u64 ne[n_dims], u32 ggml
 * type, u64 offset); zero padding to the alignment; the tensor data,
 * each tensor at its offset (a multiple of the alignment) from the
 * start of the data. A string is a u64 byte count and the bytes.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MKMODEL_GGUF_WRITER_H
#define HC1_MKMODEL_GGUF_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quant.h"

/* GGUF metadata value types. */
typedef enum GgufValueType {
    GGUF_TYPE_UINT8 = 0,
    GGUF_TYPE_INT8 = 1,
    GGUF_TYPE_UINT16 = 2,
    GGUF_TYPE_INT16 = 3,
    GGUF_TYPE_UINT32 = 4,
    GGUF_TYPE_INT32 = 5,
    GGUF_TYPE_FLOAT32 = 6,
    GGUF_TYPE_BOOL = 7,
    GGUF_TYPE_STRING = 8,
    GGUF_TYPE_ARRAY = 9,
    GGUF_TYPE_UINT64 = 10,
    GGUF_TYPE_INT64 = 11,
    GGUF_TYPE_FLOAT64 = 12,
} GgufValueType;

#define GGUF_VERSION 3
#define GGUF_MAX_DIMS 4

typedef struct GgufWriter GgufWriter;

/*
 * @alignment: a power of two. Readers assume 32 unless the metadata has
 * a u32 general.alignment, which must then equal @alignment.
 */
GgufWriter *gguf_writer_new(uint32_t alignment);
/* Frees; an unfinished output file is removed. */
void gguf_writer_free(GgufWriter *w);
/* The first error, as one line of text ("" if none). */
const char *gguf_writer_error(const GgufWriter *w);

/* Metadata. All return false on error (see gguf_writer_error). */
bool gguf_kv_str(GgufWriter *w, const char *key, const char *val);
bool gguf_kv_strn(GgufWriter *w, const char *key, const char *val,
                  size_t len);
bool gguf_kv_u32(GgufWriter *w, const char *key, uint32_t val);
bool gguf_kv_i32(GgufWriter *w, const char *key, int32_t val);
bool gguf_kv_u64(GgufWriter *w, const char *key, uint64_t val);
bool gguf_kv_f32(GgufWriter *w, const char *key, float val);
bool gguf_kv_bool(GgufWriter *w, const char *key, bool val);
bool gguf_kv_str_array(GgufWriter *w, const char *key, size_t n,
                       const char *const *strs, const size_t *lens);
bool gguf_kv_i32_array(GgufWriter *w, const char *key, size_t n,
                       const int32_t *vals);

/* Tensor infos; ne[0] is the row length (the fastest-varying index). */
bool gguf_add_tensor(GgufWriter *w, const char *name, uint32_t n_dims,
                     const uint64_t *ne, Hc1GgmlType type);
/* Bytes of tensor data of tensor @i, without padding. */
uint64_t gguf_tensor_nbytes(const GgufWriter *w, size_t i);
size_t gguf_tensor_count(const GgufWriter *w);

/* Write everything before the tensor data to @path.tmp. */
bool gguf_writer_open(GgufWriter *w, const char *path);
/* Append tensor data (in tensor order; may cross tensor boundaries). */
bool gguf_writer_write(GgufWriter *w, const void *data, size_t len);
/* Check completeness, flush, close and rename @path.tmp to @path. */
bool gguf_writer_close(GgufWriter *w);

#endif
