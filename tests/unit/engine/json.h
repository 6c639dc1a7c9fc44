/*
 * A minimal JSON reader for the test references (numbers, strings,
 * arrays, objects, true/false/null). Test code only.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_TEST_JSON_H
#define HC1_TEST_JSON_H

#include <stddef.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
    jtype t;
    double num;
    char *str;              /* J_STR (NUL-terminated, may hold NULs) */
    size_t len;             /* J_STR bytes, J_ARR/J_OBJ count */
    struct jval *items;     /* J_ARR, J_OBJ values */
    char **keys;            /* J_OBJ */
} jval;

jval *json_parse_file(const char *path);
const jval *json_get(const jval *o, const char *key);
const jval *json_at(const jval *a, size_t i);
void json_free(jval *v);

#endif
