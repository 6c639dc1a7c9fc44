/*
 * A LoRA adapter writer for tests (see tlora.h).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tlora.h"

#include <stdlib.h>
#include <string.h>

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            abort();
        }
    }
    if (p) {
        memcpy(b->p + b->n, p, n);
    } else {
        memset(b->p + b->n, 0, n);
    }
    b->n += n;
}

static void put32(buf *b, uint32_t v)
{
    put(b, &v, 4);
}

static void put64(buf *b, uint64_t v)
{
    put(b, &v, 8);
}

static void putstr(buf *b, const char *s)
{
    put64(b, strlen(s));
    put(b, s, strlen(s));
}

static void kv_str(buf *b, const char *k, const char *v)
{
    putstr(b, k);
    put32(b, 8);            /* GGUF string */
    putstr(b, v);
}

static void pad(buf *b)
{
    while (b->n % 32) {
        put(b, NULL, 1);
    }
}

/* Bytes of one tensor: rows of @ne0 in @type. */
static uint64_t tbytes(uint32_t type, uint64_t ne0, uint64_t ne1)
{
    return (type == 8 ? ne0 / 32 * 34 : ne0 * 4) * ne1;
}

void tlora_meta_default(tlora_meta *m)
{
    m->general_type = "adapter";
    m->adapter_type = "lora";
    m->arch = "llama";
    m->alpha = 0.0f;
    m->no_alpha = 0;
}

void *tlora_build(const tlora_meta *meta, const tlora_mat *mats, int n,
                  size_t *len)
{
    buf b = { 0 };
    uint64_t nt = 0, nkv = 0, off = 0;
    char nm[80];

    for (int i = 0; i < n; i++) {
        nt += mats[i].omit_b ? 1 : 2;
    }
    put32(&b, 0x46554747u);     /* "GGUF" */
    put32(&b, 3);
    put64(&b, nt);
    size_t at_nkv = b.n;
    put64(&b, 0);
    if (meta->arch) {
        kv_str(&b, "general.architecture", meta->arch);
        nkv++;
    }
    if (meta->general_type) {
        kv_str(&b, "general.type", meta->general_type);
        nkv++;
    }
    if (meta->adapter_type) {
        kv_str(&b, "adapter.type", meta->adapter_type);
        nkv++;
    }
    if (!meta->no_alpha) {
        putstr(&b, "adapter.lora.alpha");
        put32(&b, 6);       /* float32 */
        put(&b, &meta->alpha, 4);
        nkv++;
    }
    memcpy(b.p + at_nkv, &nkv, 8);

    for (int i = 0; i < n; i++) {
        const tlora_mat *m = &mats[i];
        uint64_t brows = m->b_rows ? m->b_rows : m->n_out;
        for (int h = 0; h < (m->omit_b ? 1 : 2); h++) {
            uint64_t ne0 = h ? m->r : m->n_in, ne1 = h ? brows : m->r;
            strcpy(nm, m->name);
            strcat(nm, h ? ".lora_b" : ".lora_a");
            putstr(&b, nm);
            put32(&b, 2);
            put64(&b, ne0);
            put64(&b, ne1);
            put32(&b, m->type);
            put64(&b, off);
            off += tbytes(m->type, ne0, ne1);
            off = (off + 31) / 32 * 32;
        }
    }
    pad(&b);
    for (int i = 0; i < n; i++) {
        const tlora_mat *m = &mats[i];
        uint64_t brows = m->b_rows ? m->b_rows : m->n_out;
        for (int h = 0; h < (m->omit_b ? 1 : 2); h++) {
            uint64_t ne0 = h ? m->r : m->n_in, ne1 = h ? brows : m->r;
            const float *src = h ? m->b : m->a;
            uint64_t nb = tbytes(m->type, ne0, ne1);
            if (m->type == 0 && src && !(h && m->b_rows)) {
                put(&b, src, nb);
            } else {
                put(&b, NULL, nb);
            }
            pad(&b);
        }
    }
    *len = b.n;
    return b.p;
}
