/*
 * GGUF v2/v3 container parser with complete validation.
 *
 * The parser works on a read-only byte range (normally an mmap of the
 * file) and never copies tensor data. Every count, length, type, offset
 * and size is checked against the range before it is used, so a hostile
 * file produces an error message, never an out-of-bounds read.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_GGUF_H
#define HC1_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GGUF metadata value types. */
enum {
    GGUF_T_UINT8 = 0,
    GGUF_T_INT8 = 1,
    GGUF_T_UINT16 = 2,
    GGUF_T_INT16 = 3,
    GGUF_T_UINT32 = 4,
    GGUF_T_INT32 = 5,
    GGUF_T_FLOAT32 = 6,
    GGUF_T_BOOL = 7,
    GGUF_T_STRING = 8,
    GGUF_T_ARRAY = 9,
    GGUF_T_UINT64 = 10,
    GGUF_T_INT64 = 11,
    GGUF_T_FLOAT64 = 12,
    GGUF_T_COUNT
};

/* A string inside the mapped file: not NUL-terminated. */
typedef struct gguf_str {
    const char *p;
    uint64_t len;
} gguf_str;

typedef struct gguf_kv {
    gguf_str key;
    uint32_t type;          /* GGUF_T_* */
    /* Scalars. */
    union {
        uint64_t u;
        int64_t i;
        double f;
        bool b;
    } v;
    gguf_str s;             /* GGUF_T_STRING */
    /* GGUF_T_ARRAY: element type, count, and the raw element bytes. */
    uint32_t arr_type;
    uint64_t arr_n;
    const uint8_t *arr_data;
    uint64_t arr_bytes;
} gguf_kv;

#define GGUF_MAX_DIMS 4

typedef struct gguf_tensor {
    gguf_str name;
    uint32_t n_dims;
    uint64_t ne[GGUF_MAX_DIMS];  /* unused dimensions are 1 */
    uint32_t type;               /* ggml type */
    uint64_t offset;             /* relative to the data section */
    uint64_t nbytes;
    const void *data;            /* inside the mapped range */
} gguf_tensor;

typedef struct gguf_file {
    const uint8_t *base;
    size_t len;
    uint32_t version;
    uint32_t alignment;
    uint64_t n_kv;
    gguf_kv *kv;
    uint64_t n_tensors;
    gguf_tensor *tensors;
    uint64_t info_offset;        /* start of the tensor infos */
    uint64_t data_offset;        /* start of the data section in the file */
} gguf_file;

/*
 * Parse and validate @base[0..len). On failure returns false and writes a
 * message to @err. On success, @f references @base (which must outlive
 * it); release with gguf_free().
 */
bool gguf_parse(gguf_file *f, const void *base, size_t len,
                char *err, size_t errlen);
void gguf_free(gguf_file *f);

const gguf_kv *gguf_find_kv(const gguf_file *f, const char *key);
const gguf_tensor *gguf_find_tensor(const gguf_file *f, const char *name);
bool gguf_str_eq(gguf_str s, const char *c);

/*
 * Iterate the strings of a string array (already validated by the
 * parser): *pos starts at 0; returns false after the last.
 */
bool gguf_arr_next_str(const gguf_kv *kv, uint64_t *pos, gguf_str *out);

/* Read a validated scalar as an integer / float (false on type mismatch). */
bool gguf_kv_as_u64(const gguf_kv *kv, uint64_t *out);
bool gguf_kv_as_f64(const gguf_kv *kv, double *out);
const char *gguf_type_name(uint32_t t);

#endif /* HC1_GGUF_H */
