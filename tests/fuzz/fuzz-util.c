/*
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-util.h"

static void *a_alloc(void *opaque, size_t n)
{
    (void)opaque;
    return malloc(n);
}

static void a_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

const hc1_tok_alloc fuzz_tok_alloc = { a_alloc, a_free, NULL };

uint8_t *fuzz_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f) {
        perror(path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(n ? (size_t)n : 1)) &&
        fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Room for every id of a short text, and a little less, so that the
 * "stores at most max_ids" paths run too. */
#define MAX_IDS 4096

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz: tokenizer property violated: %s\n", what);
        abort();
    }
}

/*
 * Three encodings, each once (encoding is what costs): plain, parsing
 * special tokens, and parsing them with BOS and EOS into a buffer too
 * small for the result. The third must count exactly the ids of the
 * second plus BOS and EOS, and store their first max_ids.
 */
long fuzz_tok_exercise(const hc1_tok *t, const char *text, size_t len,
                       const int32_t **plain)
{
    static int32_t ids[MAX_IDS], ids_sp[MAX_IDS], ids_be[MAX_IDS];
    static char out[4 * MAX_IDS];
    long n, n_sp, n_be;

    n = hc1_tok_encode(t, text, len, 0, ids, MAX_IDS);
    n_sp = hc1_tok_encode(t, text, len, HC1_ENC_PARSE_SPECIAL, ids_sp,
                          MAX_IDS);
    if (n_sp >= 0) {
        size_t got = n_sp < MAX_IDS ? (size_t)n_sp : MAX_IDS;
        size_t cap = got / 2, extra = 0, k = 0;

        n_be = hc1_tok_encode(t, text, len, HC1_ENC_PARSE_SPECIAL |
                              HC1_ENC_ADD_BOS | HC1_ENC_ADD_EOS, ids_be, cap);
        extra = (t->bos >= 0) + (t->eos >= 0);
        check(n_be == n_sp + (long)extra, "BOS/EOS change the count");
        if (t->bos >= 0 && cap > 0) {
            check(ids_be[k++] == t->bos, "BOS comes first");
        }
        for (; k < cap && k < got + (t->bos >= 0); k++) {
            check(ids_be[k] == ids_sp[k - (t->bos >= 0)],
                  "a truncated encoding is a prefix of the full one");
        }
        hc1_tok_decode(t, ids_sp, got, HC1_DEC_SPECIAL | HC1_DEC_STRIP_SPACE,
                       out, got);
        for (size_t i = 0; i < got; i++) {
            hc1_tok_is_eog(t, ids_sp[i]);
        }
    }
    if (n >= 0) {
        size_t got = n < MAX_IDS ? (size_t)n : MAX_IDS;
        hc1_tok_decode(t, ids, got, 0, out, sizeof(out));
    }
    hc1_tok_lookup(t, text, len);
    hc1_tok_add_bos(t);
    /* Ids around every edge: negative, 0, the last, past the end. */
    int32_t probe[] = { -1, 0, 1, (int32_t)t->n_vocab - 1,
                        (int32_t)t->n_vocab, INT32_MAX, INT32_MIN };
    for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
        hc1_tok_piece(t, probe[i], HC1_DEC_SPECIAL, out, sizeof(out));
        hc1_tok_piece(t, probe[i], 0, out, 1);
        hc1_tok_is_eog(t, probe[i]);
    }
    hc1_tok_decode(t, probe, sizeof(probe) / sizeof(probe[0]),
                   HC1_DEC_SPECIAL, out, sizeof(out));
    if (plain) {
        *plain = ids;
    }
    return n < MAX_IDS ? n : MAX_IDS;
}
