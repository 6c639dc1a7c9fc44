/*
 * Fuzz target: any byte string as text to tokenize, with the real
 * vocabularies the card ships (the blobs of the default model and of the
 * shared models, dumped at build time by tokblob-dump).
 *
 * Input: byte 0 picks the vocabulary (modulo their number); the rest is
 * the text. Besides crashes, one property is checked: byte-level BPE
 * loses nothing, so decoding the encoding of valid UTF-8 (control-token
 * text not parsed) gives back the text. Invalid UTF-8 is exempt, since
 * llama.cpp, which this tokenizer follows, replaces it with U+FFFD.
 *
 * The blobs: HC1_FUZZ_TOKBLOBS=path[:path...].
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz-util.h"

#define MAX_TOKS 8

static hc1_tok toks[MAX_TOKS];
static unsigned n_toks;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *env = getenv("HC1_FUZZ_TOKBLOBS");
    char *list, *path, *save = NULL;

    (void)argc;
    (void)argv;
    if (!env || !*env) {
        fprintf(stderr, "fuzz-toktext: set HC1_FUZZ_TOKBLOBS=blob[:blob...]\n");
        exit(2);
    }
    list = strdup(env);
    for (path = strtok_r(list, ":", &save); path && n_toks < MAX_TOKS;
         path = strtok_r(NULL, ":", &save)) {
        size_t len;
        uint8_t *blob = fuzz_read_file(path, &len);   /* kept for good */
        int rc = blob ? hc1_tok_init(&toks[n_toks], blob, len,
                                     &fuzz_tok_alloc) : -1;
        if (rc != 0) {
            fprintf(stderr, "fuzz-toktext: %s: not a usable blob (%d)\n",
                    path, rc);
            exit(2);
        }
        n_toks++;
    }
    free(list);
    return 0;
}

static bool valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            k = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + k >= n) {       /* truncated sequence */
            return false;
        }
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (s[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
            return false;
        }
        i += k + 1;
    }
    return true;
}

static void check_round_trip(const hc1_tok *t, const char *text, size_t len)
{
    static int32_t ids[1 << 16];
    static char out[1 << 18];
    long n, m;

    if (t->kind != HC1_TOK_BPE || !valid_utf8((const uint8_t *)text, len)) {
        return;
    }
    n = hc1_tok_encode(t, text, len, 0, ids, sizeof(ids) / sizeof(ids[0]));
    if (n < 0 || (size_t)n > sizeof(ids) / sizeof(ids[0])) {
        return;
    }
    m = hc1_tok_decode(t, ids, (size_t)n, HC1_DEC_SPECIAL, out, sizeof(out));
    if (m != (long)len || memcmp(out, text, len) != 0) {
        fprintf(stderr, "fuzz-toktext: BPE round trip lost bytes: %zu bytes "
                "in, %ld out\n", len, m);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc1_chat_msg msg[2];
    static char chat[1 << 18];

    if (size < 1) {
        return 0;
    }
    const hc1_tok *t = &toks[data[0] % n_toks];
    /* A copy of exactly the text, so a read past it is caught. */
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    memcpy(text, data + 1, len);

    fuzz_tok_exercise(t, text, len);
    check_round_trip(t, text, len);

    /* The chat renderer takes C strings: the text up to its first NUL. */
    char *z = malloc(len + 1);
    memcpy(z, text, len);
    z[len] = 0;
    msg[0].role = "user";
    msg[0].content = z;
    msg[1].role = z;
    msg[1].content = "ok";
    size_t n = hc1_tok_chat_llama31(msg, 2, HC1_CHAT_BOS |
                                    HC1_CHAT_ADD_ASSISTANT |
                                    HC1_CHAT_SYSTEM_DATE, z, chat,
                                    sizeof(chat));
    if (n < sizeof(chat)) {
        fuzz_tok_exercise(t, chat, n);
    }
    hc1_tok_chat_llama31(msg, 2, 0, NULL, chat, len / 2);
    free(z);
    free(text);
    return 0;
}
