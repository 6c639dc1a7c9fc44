/*
 * The engine on a model the test generates itself (no shared files):
 * the forward pass against a plain double-precision reference written
 * here from the llama definition; invariance of logits to thread count
 * and batch composition (bit for bit); sampling determinism; KV cache
 * types; argument and state errors.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_engine.h"
#include "gguf.h"
#include "quant.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static int fails;

/* ---- naive reference forward (double accumulation, f32 weights) ---- */

typedef struct refm {
    gguf_file f;
    uint32_t E, L, H, HKV, HD, F, V;
    float theta, eps;
} refm;

static const float *tw(refm *r, const char *fmt, int l)
{
    char nm[64];
    snprintf(nm, sizeof(nm), fmt, l);
    const gguf_tensor *t = gguf_find_tensor(&r->f, nm);
    CHECK(t && t->type == GGML_F32);
    return t->data;
}

static void matvec(const float *w, const float *x, float *y, uint32_t in,
                   uint32_t out)
{
    for (uint32_t o = 0; o < out; o++) {
        double s = 0;
        for (uint32_t i = 0; i < in; i++) {
            s += (double)w[(size_t)o * in + i] * x[i];
        }
        y[o] = (float)s;
    }
}

static void rms(const float *x, const float *w, float *y, uint32_t n,
                float eps)
{
    double s = 0;
    for (uint32_t i = 0; i < n; i++) {
        s += (double)x[i] * x[i];
    }
    double sc = 1.0 / sqrt(s / n + eps);
    for (uint32_t i = 0; i < n; i++) {
        y[i] = (float)(x[i] * sc * w[i]);
    }
}

/* Logits after feeding @toks[0..n) (only the last position's). */
static void ref_forward(refm *r, const int32_t *toks, uint32_t n,
                        float *logits)
{
    uint32_t E = r->E, HD = r->HD, Q = r->H * HD, KV = r->HKV * HD;
    float *kc = calloc((size_t)r->L * n * KV, 4);
    float *vc = calloc((size_t)r->L * n * KV, 4);
    float *x = malloc(E * 4), *xb = malloc(E * 4), *q = malloc(Q * 4);
    float *att = malloc(Q * 4), *h1 = malloc(r->F * 4), *h2 = malloc(r->F * 4);
    float *tmp = malloc((E > Q ? E : Q) * 4);
    const gguf_tensor *rf = gguf_find_tensor(&r->f, "rope_freqs.weight");
    const float *freqs = rf ? rf->data : NULL;

    for (uint32_t p = 0; p < n; p++) {
        memcpy(x, tw(r, "token_embd.weight", 0) + (size_t)toks[p] * E, E * 4);
        for (uint32_t l = 0; l < r->L; l++) {
            float *k = kc + ((size_t)l * n + p) * KV;
            float *v = vc + ((size_t)l * n + p) * KV;
            rms(x, tw(r, "blk.%d.attn_norm.weight", (int)l), xb, E, r->eps);
            matvec(tw(r, "blk.%d.attn_q.weight", (int)l), xb, q, E, Q);
            matvec(tw(r, "blk.%d.attn_k.weight", (int)l), xb, k, E, KV);
            matvec(tw(r, "blk.%d.attn_v.weight", (int)l), xb, v, E, KV);
            /* rope: adjacent pairs, theta_i = p * base^(-2i/HD) / f_i */
            for (uint32_t i = 0; i < HD / 2; i++) {
                double th = p * pow(r->theta, -2.0 * i / HD) /
                            (freqs ? freqs[i] : 1.0);
                double c = cos(th), s = sin(th);
                for (uint32_t h = 0; h < r->H; h++) {
                    float *a = q + h * HD + 2 * i;
                    float a0 = a[0], a1 = a[1];
                    a[0] = (float)(a0 * c - a1 * s);
                    a[1] = (float)(a0 * s + a1 * c);
                }
                for (uint32_t h = 0; h < r->HKV; h++) {
                    float *a = k + h * HD + 2 * i;
                    float a0 = a[0], a1 = a[1];
                    a[0] = (float)(a0 * c - a1 * s);
                    a[1] = (float)(a0 * s + a1 * c);
                }
            }
            for (uint32_t h = 0; h < r->H; h++) {
                uint32_t kh = h / (r->H / r->HKV);
                double sc[512], mx = -1e300, sum = 0;
                for (uint32_t t = 0; t <= p; t++) {
                    const float *kt = kc + ((size_t)l * n + t) * KV + kh * HD;
                    double d = 0;
                    for (uint32_t i = 0; i < HD; i++) {
                        d += (double)q[h * HD + i] * kt[i];
                    }
                    sc[t] = d / sqrt((double)HD);
                    mx = sc[t] > mx ? sc[t] : mx;
                }
                for (uint32_t t = 0; t <= p; t++) {
                    sc[t] = exp(sc[t] - mx);
                    sum += sc[t];
                }
                for (uint32_t i = 0; i < HD; i++) {
                    double o = 0;
                    for (uint32_t t = 0; t <= p; t++) {
                        o += sc[t] / sum *
                             vc[((size_t)l * n + t) * KV + kh * HD + i];
                    }
                    att[h * HD + i] = (float)o;
                }
            }
            matvec(tw(r, "blk.%d.attn_output.weight", (int)l), att, tmp, Q,
                   E);
            for (uint32_t i = 0; i < E; i++) {
                x[i] += tmp[i];
            }
            rms(x, tw(r, "blk.%d.ffn_norm.weight", (int)l), xb, E, r->eps);
            matvec(tw(r, "blk.%d.ffn_gate.weight", (int)l), xb, h1, E, r->F);
            matvec(tw(r, "blk.%d.ffn_up.weight", (int)l), xb, h2, E, r->F);
            for (uint32_t i = 0; i < r->F; i++) {
                h1[i] = (float)(h1[i] / (1.0 + exp(-h1[i])) * h2[i]);
            }
            matvec(tw(r, "blk.%d.ffn_down.weight", (int)l), h1, tmp, r->F, E);
            for (uint32_t i = 0; i < E; i++) {
                x[i] += tmp[i];
            }
        }
    }
    rms(x, tw(r, "output_norm.weight", 0), xb, E, r->eps);
    const gguf_tensor *out = gguf_find_tensor(&r->f, "output.weight");
    matvec(out ? out->data : tw(r, "token_embd.weight", 0), xb, logits, E,
           r->V);
    free(kc); free(vc); free(x); free(xb); free(q); free(att);
    free(h1); free(h2); free(tmp);
}

static void test_vs_reference(int tied)
{
    tmodel_opts o;
    size_t len;
    refm r;
    char err[256];
    hc1_model *m;
    hc1_engine *e;
    hc1_ctx *c;

    tmodel_default(&o);
    o.tied = tied;
    void *buf = tmodel_build(&o, &len, NULL);
    CHECK(gguf_parse(&r.f, buf, len, err, sizeof(err)));
    r.E = o.n_embd;
    r.L = o.n_layer;
    r.H = o.n_head;
    r.HKV = o.n_head_kv;
    r.HD = o.n_embd / o.n_head;
    r.F = o.n_ff;
    r.V = 267;
    r.theta = 10000.0f;
    r.eps = 1e-5f;
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    hc1_engine_config cfg = { .n_threads = 2, .kv_type = HC1_KV_F32 };
    CHECK(hc1_engine_new(m, &cfg, &e) == HC1_OK);
    CHECK(hc1_ctx_new(e, 64, 0, &c) == HC1_OK);

    int32_t toks[24];
    uint64_t s = 5;
    for (int i = 0; i < 24; i++) {
        toks[i] = (int32_t)(trng(&s) % 267);
    }
    float *ref = malloc(267 * 4);
    /* a prompt of 17 (crosses a column group boundary), then decode */
    CHECK(hc1_prefill(c, toks, 17) == HC1_OK);
    for (uint32_t n = 17; n <= 24; n++) {
        ref_forward(&r, toks, n, ref);
        const float *lg = hc1_ctx_logits(c);
        double md = 0;
        for (int i = 0; i < 267; i++) {
            double d = fabs(lg[i] - ref[i]);
            md = d > md ? d : md;
        }
        if (md > 1e-4) {
            fprintf(stderr, "tied=%d pos %u: max |dlogit| %.3g vs the plain "
                    "reference\n", tied, n, md);
            fails++;
        }
        if (n < 24) {
            hc1_status st1;
            CHECK(hc1_decode_batch(e, &c, &toks[n], 1, &st1) == HC1_OK);
        }
    }
    free(ref);
    hc1_ctx_free(c);
    hc1_engine_free(e);
    hc1_model_close(m);
    gguf_free(&r.f);
    free(buf);
}

/* ---- invariance ------------------------------------------------------ */

/* Logits of context @which after a fixed history, decoded in @batch. */
static void run_batch(hc1_model *m, uint32_t threads, hc1_kv_type kv,
                      int nb, int which, float *out, int32_t *sampled)
{
    hc1_engine_config cfg = { .n_threads = threads, .kv_type = kv };
    hc1_engine *e;
    hc1_ctx *cs[8];
    int32_t toks[8];
    hc1_status st[8];
    CHECK(hc1_engine_new(m, &cfg, &e) == HC1_OK);
    for (int b = 0; b < nb; b++) {
        /* every context has its own history; @which always the same */
        int32_t p[12];
        uint64_t s = (uint64_t)(b == which ? 99 : 1000 + b);
        for (int i = 0; i < 12; i++) {
            p[i] = (int32_t)(trng(&s) % 267);
        }
        CHECK(hc1_ctx_new(e, 64, b == which ? 7 : (uint64_t)b, &cs[b]) ==
              HC1_OK);
        CHECK(hc1_prefill(cs[b], p, 5 + (b == which ? 7 : b)) == HC1_OK);
    }
    hc1_sampling sp;
    hc1_sampling_default(&sp);
    sp.temperature = 0.9f;
    sp.top_k = 40;
    sp.top_p = 0.95f;
    sp.seed = 1234;
    for (int step = 0; step < 4; step++) {
        for (int b = 0; b < nb; b++) {
            hc1_token_out o;
            CHECK(hc1_sample(cs[b], &sp, &o) == HC1_OK);
            toks[b] = o.id;
            if (b == which) {
                sampled[step] = o.id;
            }
        }
        CHECK(hc1_decode_batch(e, cs, toks, (uint32_t)nb, st) == HC1_OK);
    }
    memcpy(out, hc1_ctx_logits(cs[which]), 267 * 4);
    for (int b = 0; b < nb; b++) {
        hc1_ctx_free(cs[b]);
    }
    hc1_engine_free(e);
}

static void test_invariance(uint32_t wtype)
{
    tmodel_opts o;
    size_t len;
    char err[256];
    hc1_model *m;
    float base[267], got[267];
    int32_t sb[4], sg[4];

    tmodel_default(&o);
    o.wtype = wtype;
    void *buf = tmodel_build(&o, &len, NULL);
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    run_batch(m, 1, HC1_KV_F16, 1, 0, base, sb);
    const struct { uint32_t th; int nb, which; } cases[] = {
        { 2, 1, 0 }, { 3, 1, 0 }, { 1, 3, 1 }, { 2, 5, 4 }, { 4, 8, 0 },
        { 2, 7, 3 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_batch(m, cases[i].th, HC1_KV_F16, cases[i].nb, cases[i].which,
                  got, sg);
        if (memcmp(base, got, sizeof(base)) || memcmp(sb, sg, sizeof(sb))) {
            fprintf(stderr, "%s: threads %u batch %d slot %d: logits or "
                    "samples differ\n", hc1_type_name(wtype), cases[i].th,
                    cases[i].nb, cases[i].which);
            fails++;
        }
    }
    hc1_model_close(m);
    free(buf);
}

/* ---- sampling --------------------------------------------------------- */

static void test_sampling(void)
{
    tmodel_opts o;
    size_t len;
    char err[256];
    hc1_model *m;
    hc1_engine *e;
    hc1_ctx *c;
    hc1_token_out out;
    hc1_sampling sp;

    tmodel_default(&o);
    void *buf = tmodel_build(&o, &len, NULL);
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    CHECK(hc1_engine_new(m, NULL, &e) == HC1_OK);
    CHECK(hc1_ctx_new(e, 8, 3, &c) == HC1_OK);
    hc1_sampling_default(&sp);

    /* state errors */
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_STATE);
    int32_t bad = 267, neg = -1, ok[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    CHECK(hc1_prefill(c, &bad, 1) == HC1_E_INVAL);
    CHECK(hc1_prefill(c, &neg, 1) == HC1_E_INVAL);
    CHECK(hc1_prefill(c, ok, 9) == HC1_E_CTX_FULL);
    CHECK(hc1_prefill(c, ok, 0) == HC1_E_INVAL);
    CHECK(hc1_prefill(c, ok, 7) == HC1_OK);
    CHECK(hc1_ctx_pos(c) == 7);

    /* greedy ties go to the lowest id */
    float *lg = (float *)hc1_ctx_logits(c);
    float save[267];
    memcpy(save, lg, sizeof(save));
    for (int i = 0; i < 267; i++) {
        lg[i] = 0.0f;
    }
    lg[40] = lg[30] = lg[200] = 5.0f;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == 30);
    sp.n_top_logprobs = 3;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK);
    CHECK(out.n_top == 3 && out.top_ids[0] == 30 && out.top_ids[1] == 40 &&
          out.top_ids[2] == 200);
    CHECK(fabsf(out.top_logprobs[0] - out.logprob) < 1e-6f);
    /* logprob of a 3-way tie among 267 */
    double lp = 5.0 - log(3 * exp(5.0) + 264.0);
    CHECK(fabs(out.logprob - lp) < 1e-4);

    /* top-k 1 at any temperature is greedy */
    sp.temperature = 2.0f;
    sp.top_k = 1;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == 30);
    /* min-p 0.5 keeps only the three maxima */
    sp.top_k = 0;
    sp.min_p = 0.5f;
    for (uint64_t seed = 0; seed < 50; seed++) {
        sp.seed = seed;
        CHECK(hc1_sample(c, &sp, &out) == HC1_OK);
        CHECK(out.id == 30 || out.id == 40 || out.id == 200);
    }
    /* repetition penalty pushes a seen token down */
    sp.min_p = 0.0f;
    sp.temperature = 0.0f;
    memcpy(lg, save, sizeof(save));
    const int32_t *hist = hc1_ctx_tokens(c);
    lg[hist[3]] = 100.0f;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == hist[3]);
    sp.repeat_penalty = 1000.0f;
    sp.repeat_last_n = 64;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id != hist[3]);
    /* same seed, stream and position: same draw; the stream matters */
    hc1_sampling_default(&sp);
    memcpy(lg, save, sizeof(save));
    sp.temperature = 5.0f;
    sp.seed = 77;
    hc1_token_out a, b;
    CHECK(hc1_sample(c, &sp, &a) == HC1_OK);
    CHECK(hc1_sample(c, &sp, &b) == HC1_OK && a.id == b.id);
    int differ = 0;
    for (uint64_t st = 0; st < 64; st++) {
        differ += hc1_rng_u64(77, st, 7) != hc1_rng_u64(77, 3, 7);
    }
    CHECK(differ == 63);
    /* bad parameters; a zeroed struct is plain greedy */
    hc1_sampling zero;
    memset(&zero, 0, sizeof(zero));
    CHECK(hc1_sample(c, &zero, &out) == HC1_OK);
    sp.top_p = -0.5f;
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);
    sp.top_p = 1.0f;
    sp.n_top_logprobs = HC1_MAX_TOP_LOGPROBS + 1;
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);
    sp.n_top_logprobs = 0;
    sp.temperature = NAN;
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);

    /* the distribution follows the temperature: at 1.0 on two equal
     * maxima far above the rest, both come up about equally */
    hc1_sampling_default(&sp);
    for (int i = 0; i < 267; i++) {
        lg[i] = -50.0f;
    }
    lg[10] = lg[11] = 0.0f;
    sp.temperature = 1.0f;
    int n10 = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        sp.seed = seed;
        CHECK(hc1_sample(c, &sp, &out) == HC1_OK);
        CHECK(out.id == 10 || out.id == 11);
        n10 += out.id == 10;
    }
    CHECK(n10 > 900 && n10 < 1100);

    /* decode batch errors: a context twice, a bad token */
    hc1_ctx *c2;
    CHECK(hc1_ctx_new(e, 8, 4, &c2) == HC1_OK);
    CHECK(hc1_prefill(c2, ok, 2) == HC1_OK);
    hc1_ctx *cs[3] = { c2, c2, c };
    int32_t tk[3] = { 1, 2, 300 };
    hc1_status st[3];
    CHECK(hc1_decode_batch(e, cs, tk, 3, st) != HC1_OK);
    CHECK(st[0] == HC1_OK && st[1] == HC1_E_INVAL && st[2] == HC1_E_INVAL);
    CHECK(hc1_ctx_pos(c2) == 3 && hc1_ctx_pos(c) == 7);
    /* truncate and full */
    CHECK(hc1_ctx_truncate(c, 9) == HC1_E_INVAL);
    CHECK(hc1_ctx_truncate(c, 2) == HC1_OK && hc1_ctx_pos(c) == 2);
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_STATE);
    CHECK(hc1_prefill(c, ok, 6) == HC1_OK);
    hc1_ctx *one[1] = { c };
    CHECK(hc1_decode_batch(e, one, tk, 1, st) == HC1_E_CTX_FULL);
    hc1_ctx_free(c2);
    hc1_ctx_free(c);
    hc1_engine_free(e);
    hc1_model_close(m);
    free(buf);
}

/* ---- KV cache types and ISA levels -------------------------------------- */

static void test_kv_and_isa(void)
{
    tmodel_opts o;
    size_t len;
    char err[256];
    hc1_model *m;
    tmodel_default(&o);
    o.n_embd = 128;     /* head size 32: whole Q8_0 blocks */
    o.wtype = GGML_Q8_0;
    void *buf = tmodel_build(&o, &len, NULL);
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    float lg[3][267];
    const hc1_kv_type kvs[3] = { HC1_KV_F32, HC1_KV_F16, HC1_KV_Q8 };
    int32_t toks[20];
    for (int i = 0; i < 20; i++) {
        toks[i] = (i * 37) % 267;
    }
    for (int k = 0; k < 3; k++) {
        hc1_engine_config cfg = { .n_threads = 2, .kv_type = kvs[k] };
        hc1_engine *e;
        hc1_ctx *c;
        CHECK(hc1_engine_new(m, &cfg, &e) == HC1_OK);
        CHECK(hc1_ctx_new(e, 32, 0, &c) == HC1_OK);
        CHECK(hc1_prefill(c, toks, 20) == HC1_OK);
        memcpy(lg[k], hc1_ctx_logits(c), sizeof(lg[k]));
        hc1_ctx_free(c);
        hc1_engine_free(e);
    }
    for (int k = 1; k < 3; k++) {
        double md = 0;
        for (int i = 0; i < 267; i++) {
            double d = fabs(lg[k][i] - lg[0][i]);
            md = d > md ? d : md;
        }
        double mx = 0;
        for (int i = 0; i < 267; i++) {
            mx = fabs(lg[0][i]) > mx ? fabs(lg[0][i]) : mx;
        }
        /*
         * f16 K/V round at 2^-11 relative and q8 at 1/254 of each block's
         * range; with Q8_0 activations downstream, a rounding change can
         * flip an activation quant (1/127 of its block's range), so allow
         * 2% and 4% of the largest logit.
         */
        if (md > (k == 1 ? 0.02 : 0.04) * mx) {
            fprintf(stderr, "kv type %d: logits differ from f32 by %.3g "
                    "(max |logit| %.3g)\n", k, md, mx);
            fails++;
        }
    }
    /* every ISA level agrees with the portable path within tolerance */
    float isa[3][267];
    const char *names[3] = { "portable", "avx2", "avx512" };
    for (int k = 0; k < 3; k++) {
        hc1_engine *e;
        hc1_ctx *c;
        hc1_engine_force_isa(names[k]);
        CHECK(hc1_engine_new(m, NULL, &e) == HC1_OK);
        CHECK(hc1_ctx_new(e, 32, 0, &c) == HC1_OK);
        CHECK(hc1_prefill(c, toks, 20) == HC1_OK);
        memcpy(isa[k], hc1_ctx_logits(c), sizeof(isa[k]));
        hc1_ctx_free(c);
        hc1_engine_free(e);
    }
    hc1_engine_force_isa("avx512");
    for (int k = 1; k < 3; k++) {
        for (int i = 0; i < 267; i++) {
            if (fabsf(isa[k][i] - isa[0][i]) > 1e-3f) {
                fprintf(stderr, "isa %s: logit %d differs from portable "
                        "(%g vs %g)\n", names[k], i, isa[k][i], isa[0][i]);
                fails++;
                break;
            }
        }
    }
    /* q8 cache needs whole blocks per head */
    hc1_model_close(m);
    free(buf);
    tmodel_default(&o);
    buf = tmodel_build(&o, &len, NULL);
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    hc1_engine_config cfg = { .n_threads = 1, .kv_type = HC1_KV_Q8 };
    hc1_engine *e;
    CHECK(hc1_engine_new(m, &cfg, &e) == HC1_E_INVAL);
    cfg.kv_type = (hc1_kv_type)9;
    CHECK(hc1_engine_new(m, &cfg, &e) == HC1_E_INVAL);
    hc1_model_close(m);
    free(buf);
}

int main(void)
{
    test_vs_reference(0);
    test_vs_reference(1);
    test_invariance(GGML_F32);
    test_invariance(GGML_F16);
    test_invariance(GGML_Q8_0);
    test_sampling();
    test_kv_and_isa();
    printf("%d passed, %d failed\n", fails ? 0 : 1, fails ? 1 : 0);
    return fails ? 1 : 0;
}
