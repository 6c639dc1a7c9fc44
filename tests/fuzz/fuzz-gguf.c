/*
 * Fuzz target: any byte string as the card's ROM file.
 *
 * The input goes to hc1_model_open_mem exactly as the device hands it the
 * mapped ROM. What loads is then used the way the card uses it: the
 * tensor table, the tokenizer blob it hands the guest (parsed by the
 * guest's tokenizer), and, for models small enough to keep the fuzzer
 * fast (COMPUTE_MAX_WEIGHT_BYTES), a prefill of three tokens, a sample,
 * one batched decode and a sample on the fuzzed weights.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "fuzz.h"
#include "fuzz-util.h"
#include "hc1_engine.h"

/*
 * Compute costs time in proportion to the weights (about 1 ms per token
 * per 300 KiB of K-quant weights under the sanitizers, against 0.2 ms for
 * the parse). Models with more weight bytes than this are loaded and
 * checked but not run. The build decides: fuzz-gguf runs models of up to
 * 64 KiB (every seed but the two K-quant ones, whose 256-wide blocks make
 * them 270-300 KiB); fuzz-gguf-compute, the same code, up to 1 MiB, for
 * the K-quant kernels; the replay build (the regression tests) also up to
 * 1 MiB, so it reproduces what either finds.
 */
#ifndef COMPUTE_MAX_WEIGHT_BYTES
#define COMPUTE_MAX_WEIGHT_BYTES (1u << 20)
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The portable kernels are the same on every host, so a finding
     * reproduces anywhere; the SIMD ones are covered by the unit suite. */
    hc1_engine_force_isa("portable");
    return 0;
}

static void use_tokenizer(const hc1_model *m)
{
    const void *blob;
    size_t len;
    hc1_tok t;
    static const char text[] =
        "<|begin_of_text|>Hello, world! 123 caf\xc3\xa9 \xe2\x96\x81x\n";

    if (hc1_model_tokenizer_blob(m, &blob, &len) != HC1_OK) {
        return;
    }
    if (hc1_tok_init(&t, blob, len, &fuzz_tok_alloc) == 0) {
        fuzz_tok_exercise(&t, text, sizeof(text) - 1, NULL);
        hc1_tok_fini(&t);
    }
}

static void compute(const hc1_model *m)
{
    const hc1_model_info *in = hc1_model_get_info(m);
    hc1_engine_config cfg = { .n_threads = 1, .kv_type = HC1_KV_F16 };
    hc1_engine *e;
    hc1_ctx *c;
    hc1_sampling s;
    hc1_token_out out;
    hc1_status st;

    if (in->weight_bytes > COMPUTE_MAX_WEIGHT_BYTES ||
        hc1_engine_new(m, &cfg, &e) != HC1_OK) {
        return;
    }
    if (hc1_ctx_new(e, 8, 1, &c) == HC1_OK) {
        int32_t toks[3] = { 0, (int32_t)in->n_vocab - 1, 0 };
        if (hc1_prefill(c, toks, 3) == HC1_OK) {
            hc1_sampling_default(&s);
            s.temperature = 0.8f;
            s.top_k = 5;
            s.top_p = 0.9f;
            s.min_p = 0.05f;
            s.repeat_penalty = 1.1f;
            s.n_top_logprobs = HC1_MAX_TOP_LOGPROBS;
            if (hc1_sample(c, &s, &out) == HC1_OK) {
                hc1_ctx *cs[1] = { c };
                hc1_decode_batch(e, cs, &out.id, 1, &st);
                hc1_sampling_default(&s);
                hc1_sample(c, &s, &out);
            }
        }
        hc1_ctx_free(c);
    }
    hc1_engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc1_model *m = NULL;
    char err[256];

    if (hc1_model_open_mem(data, size, &m, err, sizeof(err)) != HC1_OK) {
        return 0;
    }
    for (uint32_t i = 0; i < hc1_model_n_tensors(m); i++) {
        hc1_tensor_info ti;
        if (hc1_model_tensor_info(m, i, &ti) == HC1_OK) {
            hc1_type_name(ti.type);
        }
    }
    use_tokenizer(m);
    compute(m);
    hc1_model_close(m);
    return 0;
}
