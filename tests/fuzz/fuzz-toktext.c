/*
 * Fuzz target: any byte string as text to tokenize, with the real
 * vocabularies the card ships (the blobs of the default model and of the
 * shared models, dumped at build time by tokblob-dump).
 *
 * Input: byte 0 picks the vocabulary (modulo their number); the rest is
 * the text. Besides crashes, properties are checked: those of
 * fuzz_tok_exercise, and that byte-level BPE loses nothing, so decoding
 * the encoding of valid UTF-8 (control-token text not parsed) gives back
 * the text. Invalid UTF-8 is exempt, since llama.cpp, which this
 * tokenizer follows, replaces it with U+FFFD.
 *
 * Encoding costs time quadratic in the length of a word (BPE) or of the
 * whole text (SentencePiece), so each input is encoded only a few times,
 * and run-fuzz.sh caps inputs at 512 bytes (-max_len).
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

/* Decoding @ids, the plain encoding of @text, gives back @text. */
static void check_round_trip(const hc1_tok *t, const char *text, size_t len,
                             const int32_t *ids, long n)
{
    static char out[1 << 18];
    long m;

    if (t->kind != HC1_TOK_BPE || n < 0 || n >= 4096 ||
        !valid_utf8((const uint8_t *)text, len)) {
        return;         /* not BPE, failed, or maybe cut at 4096 ids */
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
    static int32_t ids[1 << 14];
    static char chat[1 << 18];
    hc1_chat_msg msg[2];
    const int32_t *plain;

    if (size < 1) {
        return 0;
    }
    const hc1_tok *t = &toks[data[0] % n_toks];
    /* A copy of exactly the text, so a read past it is caught. */
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    memcpy(text, data + 1, len);

    long n = fuzz_tok_exercise(t, text, len, &plain);
    check_round_trip(t, text, len, plain, n);

    /*
     * The chat renderer takes C strings: the text up to its first NUL, as
     * content, role and date. What it renders is encoded the way the
     * guest encodes a chat, once, with the vocabulary whose format it
     * is (Llama 3.1 BPE; the SentencePiece model has no chat format).
     */
    char *z = malloc(len + 1);
    memcpy(z, text, len);
    z[len] = 0;
    msg[0].role = "user";
    msg[0].content = z;
    msg[1].role = z;
    msg[1].content = "ok";
    size_t c = hc1_tok_chat_llama31(msg, 2, HC1_CHAT_BOS |
                                    HC1_CHAT_ADD_ASSISTANT |
                                    HC1_CHAT_SYSTEM_DATE, z, chat,
                                    sizeof(chat));
    if (c < sizeof(chat) && t->kind == HC1_TOK_BPE) {
        long k = hc1_tok_encode(t, chat, c, HC1_ENC_PARSE_SPECIAL, ids,
                                sizeof(ids) / sizeof(ids[0]));
        if (k > 0) {
            size_t got = (size_t)k < sizeof(ids) / sizeof(ids[0]) ?
                         (size_t)k : sizeof(ids) / sizeof(ids[0]);
            hc1_tok_decode(t, ids, got, HC1_DEC_SPECIAL, chat, sizeof(chat));
        }
    }
    hc1_tok_chat_llama31(msg, 2, 0, NULL, chat, len / 2);
    free(z);
    free(text);
    return 0;
}
