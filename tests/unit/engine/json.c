/*
 * Minimal JSON reader (tests only).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct P {
    const char *s;
    size_t i, n;
    int bad;
} P;

static void ws(P *p)
{
    while (p->i < p->n && strchr(" \t\r\n", p->s[p->i])) {
        p->i++;
    }
}

static int val(P *p, jval *v);

static void put_utf8(char *o, size_t *k, unsigned cp)
{
    if (cp < 0x80) {
        o[(*k)++] = (char)cp;
    } else if (cp < 0x800) {
        o[(*k)++] = (char)(0xc0 | (cp >> 6));
        o[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        o[(*k)++] = (char)(0xe0 | (cp >> 12));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        o[(*k)++] = (char)(0xf0 | (cp >> 18));
        o[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[(*k)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static int str(P *p, char **out, size_t *len)
{
    if (p->s[p->i] != '"') {
        return -1;
    }
    p->i++;
    char *o = malloc(p->n - p->i + 1);
    size_t k = 0;
    while (p->i < p->n && p->s[p->i] != '"') {
        char c = p->s[p->i++];
        if (c != '\\') {
            o[k++] = c;
            continue;
        }
        c = p->s[p->i++];
        switch (c) {
        case 'n': o[k++] = '\n'; break;
        case 't': o[k++] = '\t'; break;
        case 'r': o[k++] = '\r'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'u': {
            unsigned cp = (unsigned)strtoul((char[5]){ p->s[p->i],
                p->s[p->i + 1], p->s[p->i + 2], p->s[p->i + 3], 0 }, NULL, 16);
            p->i += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && p->s[p->i] == '\\' &&
                p->s[p->i + 1] == 'u') {
                unsigned lo = (unsigned)strtoul((char[5]){ p->s[p->i + 2],
                    p->s[p->i + 3], p->s[p->i + 4], p->s[p->i + 5], 0 },
                    NULL, 16);
                p->i += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            put_utf8(o, &k, cp);
            break;
        }
        default: o[k++] = c; break;
        }
    }
    p->i++;
    o[k] = 0;
    *out = o;
    *len = k;
    return 0;
}

static int val(P *p, jval *v)
{
    memset(v, 0, sizeof(*v));
    ws(p);
    if (p->i >= p->n) {
        return -1;
    }
    char c = p->s[p->i];
    if (c == '{' || c == '[') {
        int obj = c == '{';
        size_t cap = 8;
        v->t = obj ? J_OBJ : J_ARR;
        v->items = malloc(cap * sizeof(jval));
        if (obj) {
            v->keys = malloc(cap * sizeof(char *));
        }
        p->i++;
        ws(p);
        if (p->s[p->i] == (obj ? '}' : ']')) {
            p->i++;
            return 0;
        }
        for (;;) {
            if (v->len == cap) {
                cap *= 2;
                v->items = realloc(v->items, cap * sizeof(jval));
                if (obj) {
                    v->keys = realloc(v->keys, cap * sizeof(char *));
                }
            }
            if (obj) {
                size_t kl;
                ws(p);
                if (str(p, &v->keys[v->len], &kl)) {
                    return -1;
                }
                ws(p);
                if (p->s[p->i++] != ':') {
                    return -1;
                }
            }
            if (val(p, &v->items[v->len])) {
                return -1;
            }
            v->len++;
            ws(p);
            c = p->s[p->i++];
            if (c == ',') {
                continue;
            }
            return c == (obj ? '}' : ']') ? 0 : -1;
        }
    }
    if (c == '"') {
        v->t = J_STR;
        return str(p, &v->str, &v->len);
    }
    if (!strncmp(p->s + p->i, "true", 4)) {
        v->t = J_BOOL;
        v->num = 1;
        p->i += 4;
        return 0;
    }
    if (!strncmp(p->s + p->i, "false", 5)) {
        v->t = J_BOOL;
        p->i += 5;
        return 0;
    }
    if (!strncmp(p->s + p->i, "null", 4)) {
        v->t = J_NULL;
        p->i += 4;
        return 0;
    }
    char *end;
    v->t = J_NUM;
    v->num = strtod(p->s + p->i, &end);
    if (end == p->s + p->i) {
        return -1;
    }
    p->i = (size_t)(end - p->s);
    return 0;
}

jval *json_parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(s);
        return NULL;
    }
    s[n] = 0;
    fclose(f);
    P p = { s, 0, (size_t)n, 0 };
    jval *v = malloc(sizeof(jval));
    if (val(&p, v)) {
        free(s);
        free(v);
        return NULL;
    }
    free(s);
    return v;
}

const jval *json_get(const jval *o, const char *key)
{
    if (!o || o->t != J_OBJ) {
        return NULL;
    }
    for (size_t i = 0; i < o->len; i++) {
        if (!strcmp(o->keys[i], key)) {
            return &o->items[i];
        }
    }
    return NULL;
}

const jval *json_at(const jval *a, size_t i)
{
    if (!a || (a->t != J_ARR && a->t != J_OBJ) || i >= a->len) {
        return NULL;
    }
    return &a->items[i];
}

static void jfree(jval *v)
{
    if (v->t == J_STR) {
        free(v->str);
    }
    if (v->t == J_ARR || v->t == J_OBJ) {
        for (size_t i = 0; i < v->len; i++) {
            jfree(&v->items[i]);
            if (v->t == J_OBJ) {
                free(v->keys[i]);
            }
        }
        free(v->items);
        free(v->keys);
    }
}

void json_free(jval *v)
{
    if (v) {
        jfree(v);
        free(v);
    }
}
