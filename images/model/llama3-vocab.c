/*
 * hc1-mkmodel: the Llama 3 tokenizer as GGUF tokenizer arrays; see
 * llama3-vocab.h.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "llama3-vocab.h"
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_SPECIAL (LLAMA3_N_VOCAB - LLAMA3_N_BPE)

typedef struct FixedName {
    unsigned id;
    bool v31_only;
    const char *name;
} FixedName;

/* Special tokens with a name of their own; the rest are "reserved". */
static const FixedName fixed_names[] = {
    { 128000, false, "<|begin_of_text|>" },
    { 128001, false, "<|end_of_text|>" },
    { 128004, true, "<|finetune_right_pad_id|>" },
    { 128006, false, "<|start_header_id|>" },
    { 128007, false, "<|end_header_id|>" },
    { 128008, true, "<|eom_id|>" },
    { 128009, false, "<|eot_id|>" },
    { 128010, true, "<|python_tag|>" },
};

static const char *fixed_name(unsigned id, bool v31)
{
    size_t i;

    for (i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++) {
        if (fixed_names[i].id == id && (v31 || !fixed_names[i].v31_only)) {
            return fixed_names[i].name;
        }
    }
    return NULL;
}

const char *llama3_special_name(unsigned id, bool v31, char *buf,
                                size_t len)
{
    const char *f = fixed_name(id, v31);
    unsigned i, reserved = 0;

    if (f) {
        snprintf(buf, len, "%s", f);
        return buf;
    }
    /* Reserved tokens are numbered consecutively, skipping named ones. */
    for (i = LLAMA3_N_BPE; i < id; i++) {
        if (!fixed_name(i, v31)) {
            reserved++;
        }
    }
    snprintf(buf, len, "<|reserved_special_token_%u|>", reserved);
    return buf;
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static bool str_is(const char *s, size_t len, const char *lit)
{
    return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

static bool load_vocab(Llama3Vocab *v, const char *path,
                       const JsonValue *model, char *err, size_t errlen)
{
    const JsonValue *vocab = json_get(model, "vocab");
    size_t i;

    if (!vocab || vocab->type != JSON_OBJECT) {
        return fail(err, errlen, "%s: model.vocab is not an object", path);
    }
    if (vocab->len != LLAMA3_N_BPE) {
        return fail(err, errlen, "%s: model.vocab has %zu tokens, a Llama 3 "
                    "tokenizer has %d", path, vocab->len, LLAMA3_N_BPE);
    }
    for (i = 0; i < vocab->len; i++) {
        const JsonMember *m = &vocab->u.members[i];
        int64_t id;

        if (!json_int(&m->value, 0, LLAMA3_N_BPE - 1, &id)) {
            return fail(err, errlen, "%s: model.vocab[\"%.40s\"] is not a "
                        "token id below %d", path, m->key, LLAMA3_N_BPE);
        }
        if (v->tokens[id]) {
            return fail(err, errlen, "%s: token id %lld is used twice in "
                        "model.vocab", path, (long long)id);
        }
        v->tokens[id] = m->key;
        v->token_lens[id] = m->key_len;
        v->token_types[id] = LLAMA_TOKEN_TYPE_NORMAL;
    }
    return true;
}

static bool load_specials(Llama3Vocab *v, const char *path,
                          const JsonValue *root, char *err, size_t errlen)
{
    const JsonValue *added = json_get(root, "added_tokens");
    char want30[64], want31[64];
    char *p;
    size_t i;
    unsigned id;

    if (!added || added->type != JSON_ARRAY) {
        return fail(err, errlen, "%s: added_tokens is not an array", path);
    }
    for (i = 0; i < added->len; i++) {
        const JsonValue *t = &added->u.items[i];
        const JsonValue *content = json_get(t, "content");
        const JsonValue *special = json_get(t, "special");
        int64_t tid;

        if (!json_int(json_get(t, "id"), LLAMA3_N_BPE, LLAMA3_N_VOCAB - 1,
                      &tid)) {
            return fail(err, errlen, "%s: added_tokens[%zu].id is not in "
                        "%d..%d", path, i, LLAMA3_N_BPE, LLAMA3_N_VOCAB - 1);
        }
        if (!content || content->type != JSON_STRING) {
            return fail(err, errlen, "%s: added_tokens[%zu].content is not "
                        "a string", path, i);
        }
        if (special && special->type != JSON_TRUE &&
            special->type != JSON_FALSE) {
            return fail(err, errlen, "%s: added_tokens[%zu].special is not "
                        "a boolean", path, i);
        }
        if (v->tokens[tid]) {
            return fail(err, errlen, "%s: token id %lld is defined twice",
                        path, (long long)tid);
        }
        v->tokens[tid] = content->u.str;
        v->token_lens[tid] = content->len;
        v->token_types[tid] = special && special->type == JSON_TRUE ?
                              LLAMA_TOKEN_TYPE_CONTROL :
                              LLAMA_TOKEN_TYPE_USER_DEFINED;
    }

    /*
     * Every special token must carry its Llama 3.0 or 3.1 name; the
     * output always has the 3.1 name.
     */
    v->names = malloc((size_t)N_SPECIAL * 40);
    if (!v->names) {
        return fail(err, errlen, "out of memory");
    }
    p = v->names;
    for (id = LLAMA3_N_BPE; id < LLAMA3_N_VOCAB; id++) {
        size_t n;

        if (!v->tokens[id]) {
            return fail(err, errlen, "%s: token id %u is missing", path, id);
        }
        llama3_special_name(id, false, want30, sizeof(want30));
        llama3_special_name(id, true, want31, sizeof(want31));
        if (!str_is(v->tokens[id], v->token_lens[id], want30) &&
            !str_is(v->tokens[id], v->token_lens[id], want31)) {
            return fail(err, errlen, "%s: token %u is \"%.60s\", not %s or %s "
                        "(not a Llama 3 tokenizer)", path, id, v->tokens[id],
                        want30, want31);
        }
        if (v->token_types[id] != LLAMA_TOKEN_TYPE_CONTROL) {
            return fail(err, errlen, "%s: token %u (%s) is not marked "
                        "special", path, id, want31);
        }
        n = strlen(want31);
        memcpy(p, want31, n + 1);
        v->tokens[id] = p;
        v->token_lens[id] = n;
        p += n + 1;
    }
    return true;
}

static bool load_merges(Llama3Vocab *v, const char *path,
                        const JsonValue *model, char *err, size_t errlen)
{
    const JsonValue *merges = json_get(model, "merges");
    size_t i, joined_size = 0;
    char *p;

    if (!merges || merges->type != JSON_ARRAY || merges->len == 0) {
        return fail(err, errlen, "%s: model.merges is not a non-empty array",
                    path);
    }
    v->n_merges = merges->len;
    v->merges = calloc(merges->len, sizeof(*v->merges));
    v->merge_lens = calloc(merges->len, sizeof(*v->merge_lens));
    if (!v->merges || !v->merge_lens) {
        return fail(err, errlen, "out of memory");
    }
    /* Newer tokenizer.json files give merges as [left, right] pairs. */
    for (i = 0; i < merges->len; i++) {
        const JsonValue *m = &merges->u.items[i];

        if (m->type == JSON_ARRAY && m->len == 2 &&
            m->u.items[0].type == JSON_STRING &&
            m->u.items[1].type == JSON_STRING) {
            joined_size += m->u.items[0].len + m->u.items[1].len + 2;
        }
    }
    if (joined_size) {
        v->joined = malloc(joined_size);
        if (!v->joined) {
            return fail(err, errlen, "out of memory");
        }
    }
    p = v->joined;
    for (i = 0; i < merges->len; i++) {
        const JsonValue *m = &merges->u.items[i];

        if (m->type == JSON_STRING) {
            const char *sp = memchr(m->u.str, ' ', m->len);

            if (!sp || sp == m->u.str || sp == m->u.str + m->len - 1 ||
                memchr(sp + 1, ' ', m->len - (size_t)(sp + 1 - m->u.str))) {
                return fail(err, errlen, "%s: model.merges[%zu] \"%.60s\" is "
                            "not two tokens separated by one space", path, i,
                            m->u.str);
            }
            v->merges[i] = m->u.str;
            v->merge_lens[i] = m->len;
        } else if (m->type == JSON_ARRAY && m->len == 2 &&
                   m->u.items[0].type == JSON_STRING &&
                   m->u.items[1].type == JSON_STRING &&
                   m->u.items[0].len > 0 && m->u.items[1].len > 0) {
            const JsonValue *l = &m->u.items[0], *r = &m->u.items[1];

            v->merges[i] = p;
            memcpy(p, l->u.str, l->len);
            p[l->len] = ' ';
            memcpy(p + l->len + 1, r->u.str, r->len);
            p[l->len + 1 + r->len] = '\0';
            v->merge_lens[i] = l->len + 1 + r->len;
            p += v->merge_lens[i] + 1;
        } else {
            return fail(err, errlen, "%s: model.merges[%zu] is neither "
                        "\"left right\" nor [\"left\", \"right\"]", path, i);
        }
    }
    return true;
}

bool llama3_vocab_load(Llama3Vocab *v, const char *tokenizer_json,
                       const char *config_json, char *err, size_t errlen)
{
    const JsonValue *root, *model, *type;

    memset(v, 0, sizeof(*v));
    v->tok_doc = json_parse_file(tokenizer_json, err, errlen);
    if (!v->tok_doc) {
        return false;
    }
    root = json_root(v->tok_doc);
    model = json_get(root, "model");
    type = json_get(model, "type");
    if (!type || type->type != JSON_STRING ||
        !str_is(type->u.str, type->len, "BPE")) {
        return fail(err, errlen, "%s: model.type is not \"BPE\"",
                    tokenizer_json);
    }
    v->n_tokens = LLAMA3_N_VOCAB;
    v->tokens = calloc(LLAMA3_N_VOCAB, sizeof(*v->tokens));
    v->token_lens = calloc(LLAMA3_N_VOCAB, sizeof(*v->token_lens));
    v->token_types = calloc(LLAMA3_N_VOCAB, sizeof(*v->token_types));
    if (!v->tokens || !v->token_lens || !v->token_types) {
        return fail(err, errlen, "out of memory");
    }
    if (!load_vocab(v, tokenizer_json, model, err, errlen) ||
        !load_specials(v, tokenizer_json, root, err, errlen) ||
        !load_merges(v, tokenizer_json, model, err, errlen)) {
        return false;
    }

    if (config_json) {
        const JsonValue *tmpl;

        v->cfg_doc = json_parse_file(config_json, err, errlen);
        if (!v->cfg_doc) {
            return false;
        }
        tmpl = json_get(json_root(v->cfg_doc), "chat_template");
        if (!tmpl || tmpl->type != JSON_STRING || tmpl->len == 0) {
            return fail(err, errlen, "%s: chat_template is not a non-empty "
                        "string", config_json);
        }
        v->chat_template = tmpl->u.str;
        v->chat_template_len = tmpl->len;
    }
    return true;
}

void llama3_vocab_free(Llama3Vocab *v)
{
    free(v->tokens);
    free(v->token_lens);
    free(v->token_types);
    free(v->merges);
    free(v->merge_lens);
    free(v->names);
    free(v->joined);
    json_free(v->tok_doc);
    json_free(v->cfg_doc);
    memset(v, 0, sizeof(*v));
}
