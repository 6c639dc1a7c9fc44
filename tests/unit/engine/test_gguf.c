/*
 * The GGUF loader on a valid generated model and on malformed variants:
 * truncation at every byte of the metadata and at points of the data,
 * absurd counts and lengths, bad types, overlapping and misaligned
 * tensors, duplicates, and models whose shapes or ids contradict the
 * hyper-parameters. Each must be refused with a message naming the
 * problem, never a crash.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_engine.h"
#include "gguf.h"
#include "quant.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

static int fails;
static uint8_t *base;
static size_t base_len;
static tmodel_layout lay;

/* Open a copy of @buf; expect refusal whose message contains @want. */
static void expect_refused(const uint8_t *buf, size_t len, const char *want,
                           const char *what)
{
    hc1_model *m = NULL;
    char err[512] = "";
    /* a fresh heap copy of exactly len bytes: ASan-style overreads of a
     * malloc'd block are caught by the tests' MALLOC_PERTURB_ too */
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, buf, len);
    hc1_status st = hc1_model_open_mem(copy, len, &m, err, sizeof(err));
    if (st == HC1_OK) {
        fprintf(stderr, "%s: accepted, expected refusal\n", what);
        hc1_model_close(m);
        fails++;
    } else if (want && !strstr(err, want)) {
        fprintf(stderr, "%s: message '%s' lacks '%s'\n", what, err, want);
        fails++;
    } else if (!err[0]) {
        fprintf(stderr, "%s: refused without a message\n", what);
        fails++;
    }
    free(copy);
}

static uint8_t *mut(void)
{
    uint8_t *b = malloc(base_len);
    memcpy(b, base, base_len);
    return b;
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
    memcpy(b + off, &v, 4);
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
    memcpy(b + off, &v, 8);
}

static void test_valid(void)
{
    hc1_model *m;
    char err[256];
    CHECK(hc1_model_open_mem(base, base_len, &m, err, sizeof(err)) == HC1_OK);
    const hc1_model_info *in = hc1_model_get_info(m);
    CHECK(in->n_embd == 64 && in->n_layer == 2 && in->n_head == 4 &&
          in->n_head_kv == 2 && in->head_dim == 16 && in->n_ff == 96);
    CHECK(in->n_vocab == 267 && in->bos_id == 1 && in->eos_id == 2);
    CHECK(in->has_rope_freqs && !in->tied_output);
    CHECK(!strcmp(in->name, "hc1-test"));
    CHECK(hc1_model_n_tensors(m) == lay.n_tensors);
    hc1_model_close(m);
}

static void test_truncation(void)
{
    char what[64];
    /* every byte of header, metadata and tensor infos */
    for (size_t n = 0; n < lay.off_data; n++) {
        snprintf(what, sizeof(what), "truncated at %zu", n);
        expect_refused(base, n, NULL, what);
    }
    /* and points inside the data */
    for (size_t n = lay.off_data; n < base_len; n += 997) {
        snprintf(what, sizeof(what), "truncated at %zu", n);
        expect_refused(base, n, "beyond the end", what);
    }
    expect_refused(base, base_len - 1, "beyond the end", "last byte cut");
}

static void test_header(void)
{
    uint8_t *b = mut();
    b[0] = 'X';
    expect_refused(b, base_len, "not a GGUF file", "bad magic");
    free(b);
    b = mut();
    put32(b, 4, 1);
    expect_refused(b, base_len, "version 1", "version 1");
    put32(b, 4, 4);
    expect_refused(b, base_len, "version 4", "version 4");
    free(b);
    b = mut();
    put64(b, lay.off_n_kv, 1ull << 60);
    expect_refused(b, base_len, "metadata count", "absurd n_kv");
    free(b);
    b = mut();
    put64(b, lay.off_n_tensors, 1ull << 60);
    expect_refused(b, base_len, "tensor count", "absurd n_tensors");
    free(b);
    b = mut();
    put64(b, lay.off_n_kv, lay.n_kv + 1);
    expect_refused(b, base_len, NULL, "one key too many");
    free(b);
}

static void test_metadata(void)
{
    uint8_t *b = mut();
    /* key length huge */
    put64(b, lay.off_kv[0], 1ull << 62);
    expect_refused(b, base_len, "string length", "absurd key length");
    free(b);

    b = mut();
    put64(b, lay.off_kv[0], 0);
    expect_refused(b, base_len, "empty key", "empty key");
    free(b);

    /* value type out of range: key 0 is "general.architecture" */
    b = mut();
    put32(b, lay.off_kv[0] + 8 + strlen("general.architecture"), 99);
    expect_refused(b, base_len, "unknown value type", "bad kv type");
    free(b);

    /* string value length beyond the file */
    b = mut();
    put64(b, lay.off_kv[0] + 8 + 20 + 4, 1ull << 40);
    expect_refused(b, base_len, "general.architecture", "absurd value len");
    free(b);

    /* array count absurd */
    b = mut();
    put64(b, lay.off_tokens_arr, 1ull << 58);
    expect_refused(b, base_len, "tokenizer.ggml.tokens", "absurd array");
    free(b);

    /* array element type bad / nested */
    b = mut();
    put32(b, lay.off_tokens_arr - 4, 77);
    expect_refused(b, base_len, "unknown array element type", "bad elem");
    put32(b, lay.off_tokens_arr - 4, GGUF_T_ARRAY);
    expect_refused(b, base_len, "nested arrays", "nested array");
    free(b);

    /* a required key with the wrong type: llama.block_count as float */
    b = mut();
    put32(b, lay.off_kv[2] + 8 + strlen("llama.block_count"), GGUF_T_FLOAT32);
    expect_refused(b, base_len, "llama.block_count", "block_count float");
    free(b);

    /* hyper-parameter out of range: embedding 0 */
    b = mut();
    put32(b, lay.off_kv[4] + 8 + strlen("llama.embedding_length") + 4, 0);
    expect_refused(b, base_len, "llama.embedding_length", "n_embd 0");
    free(b);

    /* head_count_kv that does not divide head_count */
    b = mut();
    put32(b, lay.off_kv[7] + 8 + strlen("llama.attention.head_count_kv") + 4,
          3);
    expect_refused(b, base_len, "head_count_kv", "bad kv heads");
    free(b);

    /* block_count larger than the tensors present */
    b = mut();
    put32(b, lay.off_kv[2] + 8 + strlen("llama.block_count") + 4, 3);
    expect_refused(b, base_len, "missing tensor blk.2", "missing layer");
    free(b);
    /* block_count smaller: an unexpected tensor */
    b = mut();
    put32(b, lay.off_kv[2] + 8 + strlen("llama.block_count") + 4, 1);
    expect_refused(b, base_len, "unexpected tensor", "extra layer");
    free(b);

    /* token id out of the vocabulary */
    b = mut();
    put32(b, lay.off_kv[lay.n_kv - 2] + 8 +
          strlen("tokenizer.ggml.eos_token_id") + 4, 100000);
    expect_refused(b, base_len, "tokenizer.ggml.eos_token_id", "eos range");
    free(b);

    /* architecture other than llama */
    b = mut();
    memcpy(b + lay.off_kv[0] + 8 + 20 + 4 + 8, "gpt2x", 5);
    expect_refused(b, base_len, "general.architecture", "arch");
    free(b);
}

static void test_tensors(void)
{
    uint8_t *b;
    /* unknown ggml type */
    b = mut();
    put32(b, lay.off_info_type[1], 99);
    expect_refused(b, base_len, "unknown ggml type", "bad tensor type");
    free(b);
    /* a known type the engine does not compute with, on a matrix */
    b = mut();
    put32(b, lay.off_info_type[0], GGML_Q5_K);
    expect_refused(b, base_len, "Q5_K", "unsupported type");
    free(b);
    /* a norm that is not F32 (F16 shrinks it: still inside the file) */
    b = mut();
    put32(b, lay.off_info_type[1], GGML_F16);
    expect_refused(b, base_len, "expected F32", "norm type");
    free(b);
    /* misaligned offset */
    b = mut();
    uint64_t o;
    memcpy(&o, b + lay.off_info_offset[2], 8);
    put64(b, lay.off_info_offset[2], o + 4);
    expect_refused(b, base_len, "not a multiple of the alignment", "align");
    free(b);
    /* overlapping tensors: tensor 3 placed on tensor 2 */
    b = mut();
    memcpy(&o, b + lay.off_info_offset[2], 8);
    put64(b, lay.off_info_offset[3], o);
    expect_refused(b, base_len, "overlap", "overlap");
    free(b);
    /* offset far beyond the end, and one that overflows */
    b = mut();
    put64(b, lay.off_info_offset[0], 1ull << 40);
    expect_refused(b, base_len, "beyond the end", "offset beyond");
    put64(b, lay.off_info_offset[0], UINT64_MAX - 31);
    expect_refused(b, base_len, NULL, "offset overflow");
    free(b);
    /* dimensions: 0 and 5 */
    b = mut();
    put32(b, lay.off_info_ndims[0], 0);
    expect_refused(b, base_len, "dimensions", "0 dims");
    put32(b, lay.off_info_ndims[0], 5);
    expect_refused(b, base_len, "dimensions", "5 dims");
    free(b);
    /* a zero dimension, and a shape against the hyper-parameters */
    b = mut();
    put64(b, lay.off_info_ndims[0] + 4, 0);
    expect_refused(b, base_len, "dimension 0 is 0", "zero dim");
    put64(b, lay.off_info_ndims[0] + 4, 32);
    expect_refused(b, base_len, "token_embd.weight: shape", "wrong shape");
    free(b);
    /* duplicate tensor name: make tensor 2's name equal to tensor 1's
     * ("output_norm.weight" vs "output.weight": different lengths), so
     * use two layer tensors of equal length: blk.0.attn_k / blk.0.attn_v */
    b = mut();
    {
        /* find "blk.0.attn_v.weight" and rename it "blk.0.attn_k.weight" */
        for (size_t i = 0; i < lay.n_tensors; i++) {
            uint64_t nl;
            memcpy(&nl, b + lay.off_info[i], 8);
            if (nl == 19 && !memcmp(b + lay.off_info[i] + 8,
                                    "blk.0.attn_v.weight", 19)) {
                b[lay.off_info[i] + 8 + 11] = 'k';
            }
        }
    }
    expect_refused(b, base_len, "duplicate tensor name", "dup tensor");
    free(b);
    /* name too long */
    b = mut();
    put64(b, lay.off_info[0], 200);
    expect_refused(b, base_len, "string length", "long name");
    free(b);
}

/* Small hand-made files for what the model generator cannot express. */
static void test_small_files(void)
{
    gguf_file f;
    char err[256];
    gw w = { 0 };

    /* duplicate key */
    gw_u32(&w, 0x46554747u);
    gw_u32(&w, 3);
    gw_u64(&w, 0);
    gw_u64(&w, 2);
    gw_kv_u32(&w, "a.key", 1);
    gw_kv_u32(&w, "a.key", 2);
    CHECK(!gguf_parse(&f, w.b, w.n, err, sizeof(err)));
    CHECK(strstr(err, "duplicate key name a.key"));
    free(w.b);

    /* bad alignment value */
    memset(&w, 0, sizeof(w));
    gw_u32(&w, 0x46554747u);
    gw_u32(&w, 3);
    gw_u64(&w, 0);
    gw_u64(&w, 1);
    gw_kv_u32(&w, "general.alignment", 48);
    CHECK(!gguf_parse(&f, w.b, w.n, err, sizeof(err)));
    CHECK(strstr(err, "general.alignment"));
    free(w.b);

    /* bool that is neither 0 nor 1 */
    memset(&w, 0, sizeof(w));
    gw_u32(&w, 0x46554747u);
    gw_u32(&w, 2);
    gw_u64(&w, 0);
    gw_u64(&w, 1);
    gw_str(&w, "x.flag");
    gw_u32(&w, GGUF_T_BOOL);
    gw_u8(&w, 7);
    CHECK(!gguf_parse(&f, w.b, w.n, err, sizeof(err)));
    CHECK(strstr(err, "x.flag"));
    free(w.b);

    /* a valid empty v2 file parses (no model in it, though) */
    memset(&w, 0, sizeof(w));
    gw_u32(&w, 0x46554747u);
    gw_u32(&w, 2);
    gw_u64(&w, 0);
    gw_u64(&w, 0);
    CHECK(gguf_parse(&f, w.b, w.n, err, sizeof(err)));
    gguf_free(&f);
    expect_refused(w.b, w.n, "general.architecture", "empty model");
    free(w.b);
}

static void test_files(void)
{
    hc1_model *m;
    char err[256];
    CHECK(hc1_model_open_file("/nonexistent/x.gguf", &m, err, sizeof(err)) ==
          HC1_E_IO);
    CHECK(strstr(err, "/nonexistent/x.gguf") != NULL);
    CHECK(hc1_model_open_file("/dev/null", &m, err, sizeof(err)) != HC1_OK);
    CHECK(hc1_model_open_mem(NULL, 10, &m, err, sizeof(err)) == HC1_E_INVAL);
}

/*
 * The same model from a file: mapped (the 2 MiB-aligned mapping of
 * model.c, trimmed on both sides, must still read right and unmap
 * whole), and the kernel's account of the mapping where it gives one.
 */
static void test_mapped_file(void)
{
    char path[] = "/tmp/hc1-test-gguf-XXXXXX";
    hc1_model *m;
    char err[256];
    uint64_t res, huge;
    int fd = mkstemp(path);

    CHECK(fd >= 0);
    if (fd < 0) {
        return;
    }
    CHECK(write(fd, base, base_len) == (ssize_t)base_len);
    close(fd);
    for (int round = 0; round < 3; round++) {
        CHECK(hc1_model_open_file(path, &m, err, sizeof(err)) == HC1_OK);
        const hc1_model_info *in = hc1_model_get_info(m);
        CHECK(in->n_embd == 64 && in->n_vocab == 267);
        hc1_status st = hc1_model_map_pages(m, &res, &huge);
#if defined(__linux__)
        CHECK(st == HC1_OK);
        CHECK(res > 0 && res <= ((base_len + 4095) & ~(size_t)4095));
        CHECK(huge <= res);
#else
        (void)st;
#endif
        hc1_model_close(m);
    }
    unlink(path);
    CHECK(hc1_model_open_mem(base, base_len, &m, err, sizeof(err)) == HC1_OK);
    CHECK(hc1_model_map_pages(m, &res, &huge) == HC1_E_STATE);
    hc1_model_close(m);
}

int main(void)
{
    tmodel_opts o;
    tmodel_default(&o);
    base = tmodel_build(&o, &base_len, &lay);
    test_valid();
    test_truncation();
    test_header();
    test_metadata();
    test_tensors();
    test_small_files();
    test_files();
    test_mapped_file();
    free(base);
    printf("%d passed, %d failed\n", fails ? 0 : 1, fails ? 1 : 0);
    return fails ? 1 : 0;
}
