/*
 * The freestanding tokenizer: llama.cpp's vectors for the Llama 3.1 BPE
 * vocabulary (tokenizer-llama31.json) and the stories260K prompts
 * (SentencePiece-style), the chat format, decoding, and refusal of
 * corrupted blobs.
 *
 *   test_tokenizer LLAMA31.gguf TOKENIZER.json STORIES.gguf STORIES.json
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_engine.h"
#include "gguf.h"
#include "hc1_stop.h"
#include "hc1_tok.h"
#include "json.h"
#include "testutil.h"

#include <string.h>

static int fails;

static void *a_alloc(void *o, size_t n)
{
    (void)o;
    return malloc(n);
}

static void a_free(void *o, void *p)
{
    (void)o;
    free(p);
}

static const hc1_tok_alloc alloc = { a_alloc, a_free, NULL };

static hc1_model *open_tok(const char *path, hc1_tok *t)
{
    hc1_model *m;
    char err[256];
    const void *blob;
    size_t len;
    CHECK(hc1_model_open_file(path, &m, err, sizeof(err)) == HC1_OK);
    CHECK(hc1_model_tokenizer_blob(m, &blob, &len) == HC1_OK);
    CHECK(hc1_tok_init(t, blob, len, &alloc) == 0);
    return m;
}

static void check_ids(const hc1_tok *t, const char *text, size_t len,
                      uint32_t flags, const jval *want, const char *what)
{
    int32_t ids[1024];
    long n = hc1_tok_encode(t, text, len, flags, ids, 1024);
    int ok = n == (long)want->len;
    for (long i = 0; ok && i < n; i++) {
        ok = ids[i] == (int32_t)json_at(want, (size_t)i)->num;
    }
    if (!ok) {
        fprintf(stderr, "%s: tokens differ (%ld vs %zu):", what, n,
                want->len);
        for (long i = 0; i < n && i < 40; i++) {
            fprintf(stderr, " %d", ids[i]);
        }
        fprintf(stderr, "\n");
        fails++;
        return;
    }
    /* decoding the ids (control tokens rendered) gives the text back */
    char buf[4096];
    long l = hc1_tok_decode(t, ids, (size_t)n, HC1_DEC_SPECIAL, buf,
                            sizeof(buf));
    const char *bos = "<|begin_of_text|>";
    if (t->kind == HC1_TOK_BPE &&
        (l != (long)(len + strlen(bos)) || memcmp(buf, bos, strlen(bos)) ||
         memcmp(buf + strlen(bos), text, len))) {
        fprintf(stderr, "%s: decode does not round-trip\n", what);
        fails++;
    }
}

static void test_llama31(const char *model, const char *vectors)
{
    hc1_tok t;
    hc1_model *m = open_tok(model, &t);
    jval *j = json_parse_file(vectors);
    CHECK(j);
    const jval *cases = json_get(j, "cases");
    for (size_t i = 0; i < cases->len; i++) {
        const jval *c = json_at(cases, i);
        const jval *text = json_get(c, "text");
        check_ids(&t, text->str, text->len,
                  HC1_ENC_ADD_BOS | HC1_ENC_PARSE_SPECIAL,
                  json_get(c, "ids"), text->str);
    }
    printf("llama31: %zu tokenizer vectors checked\n", cases->len);
    json_free(j);

    /* the chat format, as llama.cpp renders the reference's prompt 2 */
    hc1_chat_msg msg = { "user", "  Write a haiku about memory bandwidth.\n" };
    char buf[1024];
    size_t l = hc1_tok_chat_llama31(&msg, 1, HC1_CHAT_BOS |
                                    HC1_CHAT_ADD_ASSISTANT, NULL, buf,
                                    sizeof(buf));
    const int32_t want[] = { 128000, 128006, 882, 128007, 271, 8144, 264,
                             6520, 39342, 922, 5044, 34494, 13, 128009,
                             128006, 78191, 128007, 271 };
    int32_t ids[64];
    long n = hc1_tok_encode(&t, buf, l, HC1_ENC_PARSE_SPECIAL, ids, 64);
    CHECK(n == 18 && !memcmp(ids, want, sizeof(want)));
    /* with the instruct template's system block */
    l = hc1_tok_chat_llama31(&msg, 1, HC1_CHAT_SYSTEM_DATE |
                             HC1_CHAT_ADD_ASSISTANT, "1 Jan 2026", buf,
                             sizeof(buf));
    CHECK(strstr(buf, "Cutting Knowledge Date: December 2023\nToday Date: "
                 "1 Jan 2026\n\n<|eot_id|>"));
    CHECK(l == strlen(buf));
    /* special text is plain text without PARSE_SPECIAL */
    n = hc1_tok_encode(&t, "<|eot_id|>", 10, 0, ids, 64);
    CHECK(n > 1);
    for (long i = 0; i < n; i++) {
        CHECK(ids[i] < 128000);
    }
    /* invalid UTF-8 is tokenized (as U+FFFD), never refused */
    n = hc1_tok_encode(&t, "a\xff\xfe b\xc3", 6, 0, ids, 64);
    CHECK(n > 0);
    /* count-only call, and output truncated to the buffer */
    long full = hc1_tok_encode(&t, "Hello, world!", 13, HC1_ENC_ADD_BOS,
                               NULL, 0);
    CHECK(full == 5);
    CHECK(hc1_tok_encode(&t, "Hello, world!", 13, HC1_ENC_ADD_BOS, ids, 2)
          == 5 && ids[0] == 128000 && ids[1] == 9906);
    CHECK(hc1_tok_piece(&t, 128256, 0, buf, sizeof(buf)) == HC1_TOK_E_INVAL);
    CHECK(hc1_tok_piece(&t, 128009, 0, buf, sizeof(buf)) == 0);
    CHECK(hc1_tok_is_eog(&t, 128009) && hc1_tok_is_eog(&t, 128008));
    hc1_tok_fini(&t);

    /* corrupted blobs are refused */
    const void *blob;
    size_t blen;
    hc1_model_tokenizer_blob(m, &blob, &blen);
    uint8_t *b = malloc(blen);
    const size_t fields[] = { 0, 4, 8, 12, 24, 28, 56, 60, 64, 68, 76, 80,
                              84, 88, 92 };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        memcpy(b, blob, blen);
        uint32_t v = 0x7fffffff;
        memcpy(b + fields[i], &v, 4);
        if (hc1_tok_init(&t, b, blen, &alloc) == 0) {
            fprintf(stderr, "blob with field %zu corrupted accepted\n",
                    fields[i]);
            hc1_tok_fini(&t);
            fails++;
        }
    }
    /* a token index out of order */
    memcpy(b, blob, blen);
    uint32_t off;
    memcpy(&off, b + HC1_TB_OFF_TEXT_IDX, 4);
    memset(b + off + 4 * 100, 0xff, 4);
    CHECK(hc1_tok_init(&t, b, blen, &alloc) == HC1_TOK_E_BLOB);
    CHECK(hc1_tok_init(&t, blob, 50, &alloc) == HC1_TOK_E_BLOB);
    free(b);
    hc1_model_close(m);
}

/*
 * Blob version 2 carries the chat template: it must be the GGUF string
 * byte for byte. The same blob labelled version 1 still reads (without
 * the template), an unknown version and a bad template section do not.
 */
static void test_chat_template(const char *model)
{
    hc1_model *m;
    hc1_tok t;
    gguf_file gf;
    char err[256];
    const void *blob;
    size_t blen, clen;
    size_t flen;
    void *file = read_file(model, &flen);

    CHECK(file && gguf_parse(&gf, file, flen, err, sizeof(err)));
    const gguf_kv *kv = gguf_find_kv(&gf, "tokenizer.chat_template");
    CHECK(kv && kv->type == GGUF_T_STRING && kv->s.len > 100);

    m = open_tok(model, &t);
    const char *ct = hc1_tok_chat_template(&t, &clen);
    CHECK(ct && clen == kv->s.len && !memcmp(ct, kv->s.p, clen) &&
          ct[clen] == 0);
    CHECK(strstr(ct, "<|start_header_id|>") != NULL);
    hc1_tok_fini(&t);

    hc1_model_tokenizer_blob(m, &blob, &blen);
    uint8_t *b = malloc(blen);
    uint32_t v, off;
    memcpy(&v, (const uint8_t *)blob + HC1_TB_VERSION, 4);
    CHECK(v == 2);
    memcpy(&off, (const uint8_t *)blob + HC1_TB_OFF_CHAT, 4);
    struct { uint32_t field, value; int ok; } cases[] = {
        { HC1_TB_VERSION, 1, 1 },                   /* read as version 1 */
        { HC1_TB_VERSION, 3, 0 },
        { HC1_TB_VERSION, 0, 0 },
        { HC1_TB_CHAT_LEN, (uint32_t)clen + 1, 0 }, /* NUL not at the end */
        { HC1_TB_CHAT_LEN, 0xfffffffeu, 0 },
        { HC1_TB_CHAT_LEN, 0xffffffffu, 0 },
        { HC1_TB_OFF_CHAT, off + 2, 0 },            /* misaligned */
        { HC1_TB_OFF_CHAT, 64, 0 },                 /* inside the header */
        { HC1_TB_OFF_CHAT, 0, 0 },                  /* none, but a length */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(b, blob, blen);
        memcpy(b + cases[i].field, &cases[i].value, 4);
        int r = hc1_tok_init(&t, b, blen, &alloc);
        CHECK((r == 0) == cases[i].ok);
        if (r == 0) {
            CHECK(hc1_tok_chat_template(&t, &clen) == NULL && clen == 0);
            hc1_tok_fini(&t);
        }
    }
    free(b);
    hc1_model_close(m);
    gguf_free(&gf);
    free(file);
}

static void test_stories(const char *model, const char *ref)
{
    hc1_tok t;
    hc1_model *m = open_tok(model, &t);
    jval *j = json_parse_file(ref);
    CHECK(j);
    const jval *prompts = json_get(json_at(json_get(json_at(
        json_get(j, "variants"), 0), "runs"), 0), "prompts");
    for (size_t i = 0; i < prompts->len; i++) {
        const jval *p = json_at(prompts, i);
        const char *text = json_get(p, "prompt_text")->str;
        /* the reference shows "<s> Once..." : BOS plus the text */
        CHECK(!strncmp(text, "<s> ", 4));
        check_ids(&t, text + 4, strlen(text + 4), HC1_ENC_ADD_BOS,
                  json_get(p, "prompt_ids"), text);
        /* greedy ids decode to the reference's greedy text */
        const jval *g = json_get(p, "greedy_ids");
        int32_t ids[64];
        char buf[512];
        for (size_t k = 0; k < g->len; k++) {
            ids[k] = (int32_t)json_at(g, k)->num;
        }
        long l = hc1_tok_decode(&t, ids, g->len, 0, buf, sizeof(buf));
        const char *want = json_get(p, "greedy_text")->str;
        if (l != (long)strlen(want) || memcmp(buf, want, (size_t)l)) {
            fprintf(stderr, "stories: decode '%.*s' vs '%s'\n", (int)l, buf,
                    want);
            fails++;
        }
    }
    /* byte fallback for characters outside the 512-token vocabulary */
    int32_t ids[64];
    char buf[64];
    long n = hc1_tok_encode(&t, "\xe6\x97\xa5", 3, 0, ids, 64);
    CHECK(n >= 3);
    long l = hc1_tok_decode(&t, ids, (size_t)n, HC1_DEC_STRIP_SPACE, buf,
                            sizeof(buf));
    CHECK(l == 3 && !memcmp(buf, "\xe6\x97\xa5", 3));
    json_free(j);
    hc1_tok_fini(&t);
    hc1_model_close(m);
}

static void test_stop(void)
{
    const char *stops[] = { "END", "\n\n", "" };
    size_t at, hold;
    CHECK(hc1_stop_find("abc END x", 9, stops, 3, &at, &hold) == 0 &&
          at == 4);
    CHECK(hc1_stop_find("a\n\nEND", 6, stops, 3, &at, &hold) == 1 && at == 1);
    CHECK(hc1_stop_find("abc EN", 6, stops, 3, &at, &hold) == -1 &&
          hold == 2);
    CHECK(hc1_stop_find("abc\n", 4, stops, 3, &at, &hold) == -1 &&
          hold == 1);
    CHECK(hc1_stop_find("", 0, stops, 3, &at, &hold) == -1 && hold == 0);
}

int main(int argc, char **argv)
{
    test_stop();
    if (argc < 5) {
        fprintf(stderr, "usage: %s LLAMA31.gguf VECTORS.json STORIES.gguf "
                "STORIES.json\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < 5; i++) {
        skip_if_missing(argv[i]);
    }
    test_llama31(argv[1], argv[2]);
    test_chat_template(argv[1]);
    test_stories(argv[3], argv[4]);
    printf("%d passed, %d failed\n", fails ? 0 : 1, fails ? 1 : 0);
    return fails ? 1 : 0;
}
