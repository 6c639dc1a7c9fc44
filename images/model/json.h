/*
 * hc1-mkmodel: a small strict JSON parser (RFC 8259).
 *
 * Parses a whole document into a tree. Strict means: exactly one value
 * with only whitespace around it, no trailing commas, no comments, no
 * leading zeros or bare '.5', no control characters or invalid UTF-8
 * in strings, surrogate escapes only in valid pairs, no duplicate keys
 * in an object, and nesting at most JSON_MAX_DEPTH deep.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_MKMODEL_JSON_H
#define HC1_MKMODEL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 256

typedef enum JsonType {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} JsonType;

typedef struct JsonValue JsonValue;
typedef struct JsonMember JsonMember;

struct JsonValue {
    JsonType type;
    size_t len;             /* string bytes, array items, object members */
    union {
        double num;
        const char *str;    /* NUL-terminated; may contain \0 (see len) */
        JsonValue *items;
        JsonMember *members;
    } u;
};

struct JsonMember {
    const char *key;        /* NUL-terminated */
    size_t key_len;
    JsonValue value;
};

typedef struct JsonDoc JsonDoc;

/*
 * Parse @len bytes at @text. On success returns a document whose root
 * is json_root(); on failure returns NULL and writes a message with
 * line and column to @err.
 */
JsonDoc *json_parse(const char *text, size_t len, char *err, size_t errlen);
/* Read and parse a file; errors name the file. */
JsonDoc *json_parse_file(const char *path, char *err, size_t errlen);
const JsonValue *json_root(const JsonDoc *doc);
void json_free(JsonDoc *doc);

/* Member @key of object @obj, or NULL (also when @obj is no object). */
const JsonValue *json_get(const JsonValue *obj, const char *key);
/* True when @v is a number with an integral value in [lo, hi]. */
bool json_int(const JsonValue *v, int64_t lo, int64_t hi, int64_t *out);
const char *json_type_name(JsonType type);

#endif
