/*
 * Unit test of hc1-mkmodel's tokenizer.json reader on synthetic Llama 3
 * tokenizers: the Llama 3.1 renaming of the special tokens, token
 * types, both spellings of merges, the chat template, and the errors a
 * wrong file must produce.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc1-check.h"

#include "llama3-vocab.h"


enum {
    V_DEFAULT = 0,
    V_NAMES31 = 1 << 0,         /* input already has 3.1 names */
    V_PAIRS = 1 << 1,           /* merges as [left, right] */
    V_BAD_NAME = 1 << 2,
    V_DUP_ID = 1 << 3,
    V_MISSING = 1 << 4,
    V_NOT_SPECIAL = 1 << 5,
    V_BAD_MERGE = 1 << 6,
    V_NOT_BPE = 1 << 7,
    V_SHORT = 1 << 8,
};

static char dir[4096];

static const char *path_of(const char *name)
{
    static char p[4][4200];
    static int k;

    k = (k + 1) % 4;
    snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
    return p[k];
}

/* Llama 3.0 names, as the npm tokenizer.json carries them. */
static void name30(unsigned id, char *buf, size_t len)
{
    static const struct {
        unsigned id;
        const char *name;
    } named[] = {
        { 128000, "<|begin_of_text|>" }, { 128001, "<|end_of_text|>" },
        { 128006, "<|start_header_id|>" }, { 128007, "<|end_header_id|>" },
        { 128009, "<|eot_id|>" },
    };
    unsigned i, k = 0;

    for (i = 0; i < 5; i++) {
        if (named[i].id == id) {
            snprintf(buf, len, "%s", named[i].name);
            return;
        }
    }
    for (i = 128000; i < id; i++) {
        k += !(i == 128000 || i == 128001 || i == 128006 || i == 128007 ||
               i == 128009);
    }
    snprintf(buf, len, "<|reserved_special_token_%u|>", k);
}

static void write_tokenizer(const char *path, int v)
{
    FILE *f = fopen(path, "w");
    unsigned i, n = (v & V_SHORT) ? 127999 : 128000;
    char name[64];
    int first = 1;

    fprintf(f, "{\"version\": \"1.0\", \"added_tokens\": [\n");
    for (i = 128000; i < 128256; i++) {
        if ((v & V_MISSING) && i == 128100) {
            continue;
        }
        if (v & V_NAMES31) {
            llama3_special_name(i, true, name, sizeof(name));
        } else {
            name30(i, name, sizeof(name));
        }
        if ((v & V_BAD_NAME) && i == 128005) {
            snprintf(name, sizeof(name), "<|foo|>");
        }
        fprintf(f, "%s{\"id\": %u, \"content\": \"%s\", \"special\": %s}\n",
                first ? "" : ",", i, name,
                ((v & V_NOT_SPECIAL) && i == 128200) ? "false" : "true");
        first = 0;
    }
    fprintf(f, "], \"model\": {\"type\": \"%s\", \"vocab\": {",
            (v & V_NOT_BPE) ? "WordPiece" : "BPE");
    for (i = 0; i < n; i++) {
        unsigned id = ((v & V_DUP_ID) && i == 500) ? 499 : i;

        /* Token 1 is "\u0120a" (U+0120 'a'), written as an escape. */
        if (i == 1) {
            fprintf(f, ",\"\\u0120a\": 1");
        } else {
            fprintf(f, "%s\"t%u\": %u", i ? "," : "", i, id);
        }
    }
    fprintf(f, "}, \"merges\": [");
    for (i = 0; i < 1000; i++) {
        if (v & V_PAIRS) {
            fprintf(f, "%s[\"t%u\", \"t%u\"]", i ? "," : "", i, i + 1);
        } else if ((v & V_BAD_MERGE) && i == 7) {
            fprintf(f, ",\"t7t8\"");
        } else {
            fprintf(f, "%s\"t%u t%u\"", i ? "," : "", i, i + 1);
        }
    }
    fprintf(f, "]}}\n");
    fclose(f);
}

static void write_config(const char *path, int with_template)
{
    FILE *f = fopen(path, "w");

    fprintf(f, "{\"bos_token\": \"<|begin_of_text|>\"%s}\n", with_template ?
            ", \"chat_template\": \"{{ bos_token }}\\n{% for m in messages "
            "%}<|start_header_id|>{% endfor %}\"" : "");
    fclose(f);
}

static void expect_ok(int variant)
{
    const char *tok = path_of("tokenizer.json");
    const char *cfg = path_of("tokenizer_config.json");
    char err[512] = "", want[64];
    Llama3Vocab v;
    unsigned i;

    write_tokenizer(tok, variant);
    write_config(cfg, 1);
    if (!llama3_vocab_load(&v, tok, cfg, err, sizeof(err))) {
        CHECK(0, "variant %#x rejected: %s", variant, err);
        llama3_vocab_free(&v);
        return;
    }
    CHECK(v.n_tokens == 128256, "token count %zu", v.n_tokens);
    CHECK(strcmp(v.tokens[0], "t0") == 0 && strcmp(v.tokens[127999],
          "t127999") == 0, "BPE tokens in id order");
    CHECK(v.token_lens[1] == 3 && memcmp(v.tokens[1], "\xc4\xa0" "a", 3) == 0,
          "escaped token decoded");
    CHECK(strcmp(v.tokens[128004], "<|finetune_right_pad_id|>") == 0 &&
          strcmp(v.tokens[128008], "<|eom_id|>") == 0 &&
          strcmp(v.tokens[128010], "<|python_tag|>") == 0 &&
          strcmp(v.tokens[128002], "<|reserved_special_token_0|>") == 0 &&
          strcmp(v.tokens[128003], "<|reserved_special_token_1|>") == 0 &&
          strcmp(v.tokens[128005], "<|reserved_special_token_2|>") == 0 &&
          strcmp(v.tokens[128011], "<|reserved_special_token_3|>") == 0 &&
          strcmp(v.tokens[128255], "<|reserved_special_token_247|>") == 0 &&
          strcmp(v.tokens[128009], "<|eot_id|>") == 0,
          "variant %#x: Llama 3.1 names", variant);
    for (i = 128000; i < 128256; i++) {
        llama3_special_name(i, true, want, sizeof(want));
        CHECK(strcmp(v.tokens[i], want) == 0 &&
              v.token_lens[i] == strlen(want), "name of %u", i);
    }
    for (i = 0; i < 128256; i++) {
        if (v.token_types[i] != (i < 128000 ? 1 : 3)) {
            CHECK(0, "type of %u is %d", i, v.token_types[i]);
            break;
        }
    }
    CHECK(v.n_merges == 1000, "merge count %zu", v.n_merges);
    CHECK(strcmp(v.merges[0], "t0 t1") == 0 && v.merge_lens[0] == 5 &&
          strcmp(v.merges[999], "t999 t1000") == 0, "merges %s", v.merges[0]);
    CHECK(v.chat_template && strncmp(v.chat_template, "{{ bos_token }}\n",
                                     16) == 0, "chat template");
    llama3_vocab_free(&v);
}

static void expect_error(int variant, int with_template, const char *want)
{
    const char *tok = path_of("tokenizer.json");
    const char *cfg = path_of("tokenizer_config.json");
    char err[512] = "";
    Llama3Vocab v;
    bool ok;

    write_tokenizer(tok, variant);
    write_config(cfg, with_template);
    ok = llama3_vocab_load(&v, tok, cfg, err, sizeof(err));
    CHECK(!ok, "variant %#x accepted", variant);
    CHECK(ok || strstr(err, want), "variant %#x: \"%s\" lacks \"%s\"",
          variant, err, want);
    CHECK(ok || !strchr(err, '\n'), "multi-line message \"%s\"", err);
    llama3_vocab_free(&v);
}

int main(int argc, char **argv)
{
    char err[512];
    Llama3Vocab v;

    snprintf(dir, sizeof(dir), "%s/vocab-test-%d", argc > 1 ? argv[1] : ".",
             (int)getpid());
    if (mkdir(dir, 0700) != 0) {
        printf("cannot create %s\n", dir);
        return 1;
    }

    expect_ok(V_DEFAULT);
    expect_ok(V_NAMES31);
    expect_ok(V_PAIRS);
    expect_error(V_BAD_NAME, 1, "token 128005 is \"<|foo|>\"");
    expect_error(V_DUP_ID, 1, "token id 499 is used twice");
    expect_error(V_MISSING, 1, "token id 128100 is missing");
    expect_error(V_NOT_SPECIAL, 1, "token 128200");
    expect_error(V_BAD_MERGE, 1, "model.merges[7] \"t7t8\"");
    expect_error(V_NOT_BPE, 1, "model.type is not \"BPE\"");
    expect_error(V_SHORT, 1, "model.vocab has 127999 tokens");
    expect_error(V_DEFAULT, 0, "chat_template is not a non-empty string");

    CHECK(!llama3_vocab_load(&v, path_of("nonexistent.json"), NULL, err,
                             sizeof(err)) && strstr(err, "No such file"),
          "missing file: %s", err);
    llama3_vocab_free(&v);

    remove(path_of("tokenizer.json"));
    remove(path_of("tokenizer_config.json"));
    rmdir(dir);
    return check_summary();
}
