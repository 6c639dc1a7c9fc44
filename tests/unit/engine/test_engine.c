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
#include "tlora.h"

#include <math.h>
#include <string.h>

static int fails;

/* ---- naive reference forward (double accumulation, f32 weights) ---- */

/* A LoRA adapter for the reference: matrix name -> A, B, rank. */
typedef struct refl {
    const char *mat;        /* "attn_q" ... */
    uint32_t layer, r;
    const float *a, *b;     /* [r][n_in], [n_out][r] */
} refl;

typedef struct refm {
    gguf_file f;
    uint32_t E, L, H, HKV, HD, F, V;
    float theta, eps;
    const refl *lora;       /* NULL: none */
    int n_lora;
    double lora_scale;      /* scale * alpha / r is applied per matrix */
    double lora_alpha;
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

/* y = W x, plus the adapter's s * B (A x) in double when it has W. */
static void mv(refm *r, const char *mat, uint32_t l, const float *x, float *y,
               uint32_t in, uint32_t out)
{
    char fmt[64];
    snprintf(fmt, sizeof(fmt), "blk.%%d.%s.weight", mat);
    matvec(tw(r, fmt, (int)l), x, y, in, out);
    for (int i = 0; i < r->n_lora; i++) {
        const refl *lo = &r->lora[i];
        if (lo->layer != l || strcmp(lo->mat, mat)) {
            continue;
        }
        double s = r->lora_alpha != 0 ? r->lora_scale * r->lora_alpha / lo->r
                                       : r->lora_scale;
        double ax[64];
        for (uint32_t k = 0; k < lo->r; k++) {
            ax[k] = 0;
            for (uint32_t j = 0; j < in; j++) {
                ax[k] += (double)lo->a[(size_t)k * in + j] * x[j];
            }
        }
        for (uint32_t o = 0; o < out; o++) {
            double d = 0;
            for (uint32_t k = 0; k < lo->r; k++) {
                d += (double)lo->b[(size_t)o * lo->r + k] * ax[k];
            }
            y[o] = (float)(y[o] + s * d);
        }
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
            mv(r, "attn_q", l, xb, q, E, Q);
            mv(r, "attn_k", l, xb, k, E, KV);
            mv(r, "attn_v", l, xb, v, E, KV);
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
            mv(r, "attn_output", l, att, tmp, Q, E);
            for (uint32_t i = 0; i < E; i++) {
                x[i] += tmp[i];
            }
            rms(x, tw(r, "blk.%d.ffn_norm.weight", (int)l), xb, E, r->eps);
            mv(r, "ffn_gate", l, xb, h1, E, r->F);
            mv(r, "ffn_up", l, xb, h2, E, r->F);
            for (uint32_t i = 0; i < r->F; i++) {
                h1[i] = (float)(h1[i] / (1.0 + exp(-h1[i])) * h2[i]);
            }
            mv(r, "ffn_down", l, h1, tmp, r->F, E);
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
    memset(&r, 0, sizeof(r));
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

/* ---- LoRA adapters --------------------------------------------------- */

static const char *const lmats[7] = {
    "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up",
    "ffn_down",
};

/* Shapes of the default test model's matrices: n_in, n_out. */
static void lshape(const tmodel_opts *o, int w, uint32_t *in, uint32_t *out)
{
    uint32_t hd = o->n_embd / o->n_head;
    uint32_t ins[7] = { o->n_embd, o->n_embd, o->n_embd, o->n_head * hd,
                        o->n_embd, o->n_embd, o->n_ff };
    uint32_t outs[7] = { o->n_head * hd, o->n_head_kv * hd,
                         o->n_head_kv * hd, o->n_embd, o->n_ff, o->n_ff,
                         o->n_embd };
    *in = ins[w];
    *out = outs[w];
}

/* Logits after @n tokens: prefill n - 3, then 3 decode steps. */
static void lora_logits(hc1_engine *e, const hc1_lora *lo, float scale,
                        const int32_t *toks, uint32_t n, float *out)
{
    hc1_ctx *c;
    hc1_status st;
    CHECK(hc1_ctx_new(e, 64, 0, &c) == HC1_OK);
    CHECK(hc1_ctx_set_lora(c, lo, scale) == HC1_OK);
    CHECK(hc1_prefill(c, toks, n - 3) == HC1_OK);
    for (uint32_t i = n - 3; i < n; i++) {
        CHECK(hc1_decode_batch(e, &c, &toks[i], 1, &st) == HC1_OK);
    }
    memcpy(out, hc1_ctx_logits(c), 267 * sizeof(float));
    hc1_ctx_free(c);
}

/* An adapter must be refused, with @what in the message. */
static void lora_refused(hc1_model *m, const tlora_meta *meta,
                         const tlora_mat *mats, int n, const char *what)
{
    size_t len;
    char err[256] = "";
    hc1_lora *lo = NULL;
    void *b = tlora_build(meta, mats, n, &len);
    hc1_status st = hc1_lora_open_mem(m, b, len, &lo, err, sizeof(err));
    if (st != HC1_E_FORMAT || lo || !strstr(err, what)) {
        fprintf(stderr, "adapter not refused as '%s': status %d, '%s'\n",
                what, st, err);
        fails++;
    }
    hc1_lora_close(lo);
    free(b);
}

static void test_lora(void)
{
    tmodel_opts o;
    size_t len, alen;
    refm r;
    char err[256];
    hc1_model *m;
    hc1_engine *e;
    hc1_lora *lo, *lz;
    tlora_mat mats[14];
    refl rl[14];
    float *ab[14][2];
    uint64_t seed = 99;
    int nm = 0;

    tmodel_default(&o);
    void *buf = tmodel_build(&o, &len, NULL);
    memset(&r, 0, sizeof(r));
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

    /* every matrix of layer 0 and two of layer 1, ranks 1..4 */
    for (uint32_t l = 0; l < 2; l++) {
        for (int w = 0; w < 7; w++) {
            if (l == 1 && w != 1 && w != 6) {
                continue;
            }
            tlora_mat *t = &mats[nm];
            memset(t, 0, sizeof(*t));
            snprintf(t->name, sizeof(t->name), "blk.%u.%s.weight", l,
                     lmats[w]);
            lshape(&o, w, &t->n_in, &t->n_out);
            t->r = 1 + (uint32_t)(nm % 4);
            ab[nm][0] = malloc((size_t)t->r * t->n_in * 4);
            ab[nm][1] = malloc((size_t)t->r * t->n_out * 4);
            for (uint32_t i = 0; i < t->r * t->n_in; i++) {
                ab[nm][0][i] = 0.2f * trng_normal(&seed);
            }
            for (uint32_t i = 0; i < t->r * t->n_out; i++) {
                ab[nm][1][i] = 0.2f * trng_normal(&seed);
            }
            t->a = ab[nm][0];
            t->b = ab[nm][1];
            rl[nm] = (refl) { lmats[w], l, t->r, t->a, t->b };
            nm++;
        }
    }
    tlora_meta meta;
    tlora_meta_default(&meta);
    meta.alpha = 4.0f;
    void *ad = tlora_build(&meta, mats, nm, &alen);
    CHECK(hc1_lora_open_mem(m, ad, alen, &lo, err, sizeof(err)) == HC1_OK);
    free(ad);       /* the adapter keeps its own copy */
    CHECK(hc1_lora_n_matrices(lo) == (uint32_t)nm);
    size_t want = 0;
    for (int i = 0; i < nm; i++) {
        want += (size_t)mats[i].r * (mats[i].n_in + mats[i].n_out) * 4;
    }
    CHECK(hc1_lora_sram_bytes(lo) == want);

    /* the same adapter with B = 0 */
    float *zero = calloc(4 * 96, 4);
    tlora_mat zm[14];
    memcpy(zm, mats, sizeof(zm));
    for (int i = 0; i < nm; i++) {
        zm[i].b = zero;
    }
    ad = tlora_build(&meta, zm, nm, &alen);
    CHECK(hc1_lora_open_mem(m, ad, alen, &lz, err, sizeof(err)) == HC1_OK);
    free(ad);

    int32_t toks[12];
    for (int i = 0; i < 12; i++) {
        toks[i] = (int32_t)(trng(&seed) % 267);
    }
    float base[267], with[267], ref[267], z[267], half[267];
    lora_logits(e, NULL, 1.0f, toks, 12, base);
    lora_logits(e, lo, 1.0f, toks, 12, with);
    lora_logits(e, lz, 1.0f, toks, 12, z);
    lora_logits(e, lo, 0.5f, toks, 12, half);

    /* the double-precision reference with the adapter, scale 1 and 0.5 */
    r.lora = rl;
    r.n_lora = nm;
    r.lora_alpha = 4.0;
    double md = 0, moved = 0;
    for (int pass = 0; pass < 2; pass++) {
        r.lora_scale = pass ? 0.5 : 1.0;
        ref_forward(&r, toks, 12, ref);
        const float *got = pass ? half : with;
        for (int i = 0; i < 267; i++) {
            double d = fabs(got[i] - ref[i]);
            md = d > md ? d : md;
            d = fabs(got[i] - base[i]);
            moved = d > moved ? d : moved;
        }
    }
    if (md > 1e-4 || moved < 0.05) {
        fprintf(stderr, "lora: max |dlogit| %.3g vs the reference, moved "
                "%.3g from the base\n", md, moved);
        fails++;
    }
    CHECK(!memcmp(z, base, sizeof(base)));

    /* in one batch with a plain context, each is as alone */
    {
        hc1_ctx *c[2];
        hc1_status st[2];
        CHECK(hc1_ctx_new(e, 64, 0, &c[0]) == HC1_OK);
        CHECK(hc1_ctx_new(e, 64, 0, &c[1]) == HC1_OK);
        CHECK(hc1_ctx_set_lora(c[0], lo, 1.0f) == HC1_OK);
        CHECK(hc1_prefill(c[0], toks, 9) == HC1_OK);
        CHECK(hc1_prefill(c[1], toks, 9) == HC1_OK);
        for (int i = 9; i < 12; i++) {
            int32_t tk[2] = { toks[i], toks[i] };
            CHECK(hc1_decode_batch(e, c, tk, 2, st) == HC1_OK);
        }
        CHECK(!memcmp(hc1_ctx_logits(c[0]), with, sizeof(with)));
        CHECK(!memcmp(hc1_ctx_logits(c[1]), base, sizeof(base)));
        /* argument errors */
        CHECK(hc1_ctx_set_lora(c[0], lo, NAN) == HC1_E_INVAL);
        CHECK(hc1_ctx_set_lora(c[0], NULL, 0.0f) == HC1_OK);
        hc1_ctx_free(c[0]);
        hc1_ctx_free(c[1]);
    }

    /* refusals name the problem */
    tlora_meta bad = meta;
    bad.general_type = "model";
    lora_refused(m, &bad, mats, nm, "general.type");
    bad = meta;
    bad.adapter_type = "prompt";
    lora_refused(m, &bad, mats, nm, "adapter.type");
    bad = meta;
    bad.arch = "gpt2";
    lora_refused(m, &bad, mats, nm, "general.architecture");
    bad = meta;
    bad.alpha = NAN;
    lora_refused(m, &bad, mats, nm, "adapter.lora.alpha");
    lora_refused(m, &meta, mats, 0, "no LoRA tensors");
    tlora_mat t = mats[0];
    t.omit_b = 1;
    lora_refused(m, &meta, &t, 1, "lora_a without lora_b");
    t = mats[0];
    t.b_rows = t.n_out + 1;
    lora_refused(m, &meta, &t, 1, "blk.0.attn_q.weight: lora_a");
    t = mats[1];                    /* attn_k's shapes under attn_q's name */
    snprintf(t.name, sizeof(t.name), "blk.0.attn_q.weight");
    lora_refused(m, &meta, &t, 1, "do not fit the base");
    t = mats[0];
    snprintf(t.name, sizeof(t.name), "blk.2.attn_q.weight");
    lora_refused(m, &meta, &t, 1, "blk.2.attn_q.weight.lora_a: not");
    snprintf(t.name, sizeof(t.name), "token_embd.weight");
    lora_refused(m, &meta, &t, 1, "token_embd.weight.lora_a: not");
    t = mats[0];
    t.type = 8;                     /* Q8_0 */
    lora_refused(m, &meta, &t, 1, "Q8_0");
    t = mats[0];
    float *nan = malloc((size_t)t.r * t.n_in * 4);
    memcpy(nan, t.a, (size_t)t.r * t.n_in * 4);
    nan[5] = NAN;
    t.a = nan;
    lora_refused(m, &meta, &t, 1, "not finite");
    free(nan);
    /* truncated at every 97th byte: refused, never a crash */
    ad = tlora_build(&meta, mats, nm, &alen);
    for (size_t cut = 0; cut < alen; cut += 97) {
        hc1_lora *x = NULL;
        CHECK(hc1_lora_open_mem(m, ad, cut, &x, err, sizeof(err)) ==
              HC1_E_FORMAT && !x);
    }
    free(ad);

    hc1_lora_close(lo);
    hc1_lora_close(lz);
    for (int i = 0; i < nm; i++) {
        free(ab[i][0]);
        free(ab[i][1]);
    }
    free(zero);
    hc1_engine_free(e);
    hc1_model_close(m);
    gguf_free(&r.f);
    free(buf);
}

/* ---- chunked prefill ---------------------------------------------------- */

/*
 * The device prefills in chunks so that CANCEL can stop it between them,
 * and rolls a cancelled prefill back by truncating and feeding the last
 * old token again. Both must leave every logit bit-identical. (One call
 * of 150 tokens has the matmuls tile rows against groups of columns;
 * chunks of 1 and 7 do not.)
 */
static void test_chunked_prefill(uint32_t wtype)
{
    tmodel_opts o;
    size_t len;
    char err[256];
    hc1_model *m;
    hc1_engine *e;
    hc1_ctx *a, *b;
    int32_t toks[151];
    uint64_t seed = 3;
    hc1_status st;
    float l100[267];

    tmodel_default(&o);
    o.wtype = wtype;
    if (wtype == GGML_Q4_K) {
        o.n_embd = 256;     /* whole super-blocks; heads of 64 */
        o.n_ff = 512;
    }
    void *buf = tmodel_build(&o, &len, NULL);
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    for (int i = 0; i < 151; i++) {
        toks[i] = (int32_t)(trng(&seed) % 267);
    }
    /* f16 and f32 caches (q8 needs heads of 32; these have 16) */
    for (int kv = 0; kv < 2; kv++) {
        hc1_engine_config cfg = { .n_threads = 2, .kv_type = kv };
        CHECK(hc1_engine_new(m, &cfg, &e) == HC1_OK);
        CHECK(hc1_ctx_new(e, 160, 0, &a) == HC1_OK);
        CHECK(hc1_ctx_new(e, 160, 0, &b) == HC1_OK);
        CHECK(hc1_prefill(a, toks, 150) == HC1_OK);
        const uint32_t chunks[] = { 1, 7, 64, 28, 37, 13 };
        uint32_t at = 0;
        for (int i = 0; i < 6; i++) {
            CHECK(hc1_prefill(b, toks + at, chunks[i]) == HC1_OK);
            at += chunks[i];
            if (at == 100) {
                memcpy(l100, hc1_ctx_logits(b), sizeof(l100));
            }
        }
        CHECK(at == 150);
        CHECK(!memcmp(hc1_ctx_logits(a), hc1_ctx_logits(b), 267 * 4));
        hc1_ctx *ab[2] = { a, b };
        int32_t t2[2] = { toks[150], toks[150] };
        hc1_status st2[2];
        CHECK(hc1_decode_batch(e, ab, t2, 2, st2) == HC1_OK);
        CHECK(!memcmp(hc1_ctx_logits(a), hc1_ctx_logits(b), 267 * 4));
        /* roll back to 100 as the device does: keep 99, feed the 100th */
        CHECK(hc1_ctx_truncate(b, 99) == HC1_OK);
        CHECK(hc1_prefill(b, &toks[99], 1) == HC1_OK);
        CHECK(!memcmp(hc1_ctx_logits(b), l100, sizeof(l100)));
        CHECK(hc1_decode_batch(e, &b, &toks[100], 1, &st) == HC1_OK);
        hc1_ctx_free(a);
        hc1_ctx_free(b);
        hc1_engine_free(e);
    }
    hc1_model_close(m);
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

static void test_invariance_shape(uint32_t wtype, uint32_t n_embd,
                                  uint32_t n_head, uint32_t n_head_kv,
                                  uint32_t n_ff);

static void test_invariance(uint32_t wtype)
{
    test_invariance_shape(wtype, 0, 0, 0, 0);
}

/*
 * With @n_embd (0: the default shape), @n_head and @n_head_kv set: 512,
 * 8 and 4 split q, k and v into two parts of 256 rows of whole KV heads
 * each, so the 2-thread batches take the tensor-parallel attention too.
 * @n_ff (0: 512) over the matmul's span (1024 elements) makes the float
 * formats' down matmul carry its sums from span to span.
 */
static void test_invariance_shape(uint32_t wtype, uint32_t n_embd,
                                  uint32_t n_head, uint32_t n_head_kv,
                                  uint32_t n_ff)
{
    tmodel_opts o;
    size_t len;
    char err[256];
    hc1_model *m;
    float base[267], got[267];
    int32_t sb[4], sg[4];

    tmodel_default(&o);
    o.wtype = wtype;
    /*
     * an FFN of 512 splits into two parts of 256: batches of 2 to 8 on
     * 2 threads take the tensor-parallel FFN (forward.c), 3 and 4
     * threads the other path
     */
    o.n_ff = n_ff ? n_ff : 512;
    if (wtype == GGML_Q4_K || wtype == GGML_Q6_K) {
        /* K-quant rows are whole super-blocks of 256 */
        o.n_embd = 256;
    }
    if (n_embd) {
        o.n_embd = n_embd;
        o.n_head = n_head;
        o.n_head_kv = n_head_kv;
    }
    void *buf = tmodel_build(&o, &len, NULL);
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    run_batch(m, 1, HC1_KV_F16, 1, 0, base, sb);
    for (int i = 0; i < 267; i++) {
        /* bit-identical NaNs would prove nothing */
        CHECK(isfinite(base[i]));
    }
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

/* Brute force: higher logit first, ties to the lower id. */
static const float *bf_logits;
static int bf_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (bf_logits[x] != bf_logits[y]) {
        return bf_logits[x] > bf_logits[y] ? -1 : 1;
    }
    return x - y;
}

/*
 * The tokens that survive top-k and top-p, by a full sort in double:
 * @in[i] is set for them. -1 if the top-p cut is too close to call
 * (within 1e-9 of the target), so the caller picks other parameters.
 */
static int bf_survivors(const float *lg, int V, int k, double top_p,
                        bool *in)
{
    int ord[267];
    for (int i = 0; i < V; i++) {
        ord[i] = i;
        in[i] = false;
    }
    bf_logits = lg;
    qsort(ord, V, sizeof(int), bf_cmp);
    int n = k > 0 && k < V ? k : V;
    double tot = 0.0, cum = 0.0;
    for (int i = 0; i < n; i++) {
        tot += exp((double)lg[ord[i]] - lg[ord[0]]);
    }
    int keep = n;
    for (int i = 0; i < n && top_p < 1.0; i++) {
        cum += exp((double)lg[ord[i]] - lg[ord[0]]);
        if (fabs(cum - top_p * tot) < 1e-9 * tot) {
            return -1;
        }
        if (cum >= top_p * tot) {
            keep = i + 1;
            break;
        }
    }
    for (int i = 0; i < keep; i++) {
        in[ord[i]] = true;
    }
    return keep;
}

/*
 * top-k (a heap) and top-p (buckets, one of them sorted) choose exactly
 * the set a full sort does: at a temperature of 1000 every survivor
 * comes up within 4000 draws and nothing else ever does. Logits with
 * runs of ties (so the cuts fall inside them), a spread of 30, and
 * -INFINITY.
 */
static void test_truncation_sets(hc1_ctx *c, float *lg)
{
    const int V = 267;
    const uint32_t ks[] = { 0, 1, 5, 64, 65, 100, 266 };
    const float ps[] = { 1.0f, 0.5f, 0.9f, 0.13f };
    hc1_sampling sp;
    hc1_token_out out;
    bool in[267], seen[267];
    float save[267];
    uint64_t rs = 5;

    memcpy(save, lg, sizeof(save));
    for (int i = 0; i < V; i++) {
        lg[i] = (float)(trng(&rs) % 61) * 0.5f - 15.0f;
    }
    lg[3] = lg[17] = -INFINITY;
    for (size_t a = 0; a < sizeof(ks) / sizeof(ks[0]); a++) {
        for (size_t b = 0; b < sizeof(ps) / sizeof(ps[0]); b++) {
            int n = bf_survivors(lg, V, (int)ks[a], ps[b], in);
            if (n < 0) {
                continue;
            }
            hc1_sampling_default(&sp);
            sp.temperature = 1000.0f;
            sp.top_k = ks[a];
            sp.top_p = ps[b];
            memset(seen, 0, sizeof(seen));
            bool ok = true;
            for (uint64_t seed = 0; seed < 4000 && ok; seed++) {
                sp.seed = seed;
                CHECK(hc1_sample(c, &sp, &out) == HC1_OK);
                ok = out.id >= 0 && out.id < V && in[out.id];
                seen[ok ? out.id : 0] = true;
            }
            for (int i = 0; i < V && ok; i++) {
                /* -INFINITY has weight 0 even when it survives */
                ok = seen[i] == (in[i] && lg[i] > -INFINITY);
            }
            if (!ok) {
                fprintf(stderr, "top-k %u top-p %g: the draws are not the "
                        "%d survivors of a full sort\n", ks[a], ps[b], n);
                fails++;
            }
        }
    }
    memcpy(lg, save, sizeof(save));
}

/*
 * hc1_sample_batch gives each context what hc1_sample gives it, bit for
 * bit, on a 2-thread pool with mixed parameters (greedy, temperature,
 * top-k, top-p, min-p, penalty, a ban, top logprobs); the same context
 * twice is allowed; contexts of two engines are refused.
 */
static void test_sample_batch(void)
{
    tmodel_opts o;
    size_t len;
    char err[256];
    hc1_model *m;
    hc1_engine *e, *e2;
    hc1_engine_config cfg = { .n_threads = 2 };
    enum { N = 6 };
    hc1_ctx *cs[N], *other;
    hc1_sampling sp[N];
    hc1_token_out a[N], b;
    hc1_status st[N];
    int32_t ban = 7;
    float neg = -INFINITY;

    tmodel_default(&o);
    void *buf = tmodel_build(&o, &len, NULL);
    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    CHECK(hc1_engine_new(m, &cfg, &e) == HC1_OK);
    CHECK(hc1_engine_new(m, &cfg, &e2) == HC1_OK);
    for (int i = 0; i < N; i++) {
        int32_t toks[4] = { 1 + i, 2 + 3 * i, 5, 9 + i };
        CHECK(hc1_ctx_new(e, 16, 10 + i, &cs[i]) == HC1_OK);
        CHECK(hc1_prefill(cs[i], toks, 4) == HC1_OK);
        hc1_sampling_default(&sp[i]);
        sp[i].seed = 40 + i;
        sp[i].n_top_logprobs = (uint32_t)i;
    }
    hc1_ctx_free(cs[5]);
    cs[5] = cs[1];                          /* one context twice */
    sp[1].temperature = 1.3f;
    sp[2].temperature = 0.9f;
    sp[2].top_k = 5;
    sp[3].temperature = 2.0f;
    sp[3].top_p = 0.7f;
    sp[3].min_p = 0.02f;
    sp[4].temperature = 0.5f;
    sp[4].repeat_penalty = 1.3f;
    sp[4].bias_ids = &ban;
    sp[4].bias = &neg;
    sp[4].n_bias = 1;
    sp[5].temperature = 1.0f;
    sp[5].top_k = 40;
    sp[5].top_p = 0.9f;
    CHECK(hc1_sample_batch(cs, sp, a, st, N) == HC1_OK);
    for (int i = 0; i < N; i++) {
        CHECK(st[i] == HC1_OK && hc1_sample(cs[i], &sp[i], &b) == HC1_OK);
        CHECK(a[i].id == b.id && !memcmp(&a[i].logprob, &b.logprob, 4) &&
              a[i].n_top == b.n_top &&
              !memcmp(a[i].top_ids, b.top_ids, 4 * b.n_top) &&
              !memcmp(a[i].top_logprobs, b.top_logprobs, 4 * b.n_top));
    }
    CHECK(a[4].id != 7);
    /* bad parameters on one context: its status, the others still run */
    sp[2].top_p = 2.0f;
    CHECK(hc1_sample_batch(cs, sp, a, st, N) == HC1_E_INVAL);
    CHECK(st[2] == HC1_E_INVAL && st[0] == HC1_OK && st[3] == HC1_OK);
    sp[2].top_p = 1.0f;
    /* another engine's context: refused whole */
    int32_t t1 = 3;
    CHECK(hc1_ctx_new(e2, 8, 1, &other) == HC1_OK);
    CHECK(hc1_prefill(other, &t1, 1) == HC1_OK);
    cs[5] = other;
    CHECK(hc1_sample_batch(cs, sp, a, st, N) == HC1_E_INVAL);
    CHECK(hc1_sample_batch(cs, sp, a, st, 0) == HC1_E_INVAL);
    hc1_ctx_free(other);
    for (int i = 0; i < 5; i++) {
        hc1_ctx_free(cs[i]);
    }
    hc1_engine_free(e2);
    hc1_engine_free(e);
    hc1_model_close(m);
    free(buf);
}

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

    /*
     * The plain greedy shortcut gives the bits of the general path (which
     * a zero bias forces): real logits, a NaN, -INFINITY, ties.
     */
    {
        hc1_sampling g = sp;
        hc1_token_out o2;
        int32_t bid = 5;
        float bz = 0.0f;

        memcpy(lg, save, sizeof(save));
        lg[7] = NAN;
        lg[8] = -INFINITY;
        lg[9] = lg[10];
        for (uint32_t nt = 0; nt <= HC1_MAX_TOP_LOGPROBS; nt += 10) {
            g.n_top_logprobs = nt;
            g.n_bias = 0;
            CHECK(hc1_sample(c, &g, &out) == HC1_OK);
            g.n_bias = 1;
            g.bias_ids = &bid;
            g.bias = &bz;
            CHECK(hc1_sample(c, &g, &o2) == HC1_OK);
            CHECK(out.id == o2.id && out.n_top == o2.n_top &&
                  !memcmp(&out.logprob, &o2.logprob, 4) &&
                  !memcmp(out.top_ids, o2.top_ids, 4 * out.n_top) &&
                  !memcmp(out.top_logprobs, o2.top_logprobs,
                          4 * out.n_top));
        }
        for (int i = 0; i < 267; i++) {
            lg[i] = 0.0f;
        }
        lg[40] = lg[30] = lg[200] = 5.0f;
    }

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

    test_truncation_sets(c, lg);

    /* logit bias: a ban is never drawn, at any temperature or filter */
    int32_t bid[2] = { 10, 12 };
    float bv[2] = { -INFINITY, 3.0f };
    sp.bias_ids = bid;
    sp.bias = bv;
    sp.n_bias = 1;
    for (uint64_t seed = 0; seed < 200; seed++) {
        sp.seed = seed;
        CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == 11);
    }
    sp.temperature = 0.0f;
    sp.n_top_logprobs = 2;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == 11);
    /* the log-probabilities are of the biased distribution */
    CHECK(fabsf(out.logprob - (float)-log(1.0 + 265 * exp(-50.0))) < 1e-5f);
    CHECK(out.top_ids[0] == 11 && out.top_logprobs[1] < -49.0f);
    /* a finite bias moves a token: -50 + 3 is still far below 0 */
    sp.n_bias = 2;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == 11);
    bv[1] = 60.0f;
    CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == 12);
    CHECK(fabsf(out.logprob - out.top_logprobs[0]) < 1e-6f);
    /* the caller's logits are not changed */
    CHECK(lg[10] == 0.0f && lg[12] == -50.0f);
    /* refused: an id out of range, NaN, +inf, bans that leave nothing */
    bid[1] = 267;
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);
    bid[1] = 12;
    bv[1] = NAN;
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);
    bv[1] = INFINITY;
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);
    sp.bias = NULL;
    CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);
    {
        int32_t all[267];
        float inf[267];
        for (int i = 0; i < 267; i++) {
            all[i] = i;
            inf[i] = -INFINITY;
        }
        sp.bias_ids = all;
        sp.bias = inf;
        sp.n_bias = 267;
        CHECK(hc1_sample(c, &sp, &out) == HC1_E_INVAL);
        sp.n_bias = 266;    /* all but the last: it must be chosen */
        sp.temperature = 1.5f;
        CHECK(hc1_sample(c, &sp, &out) == HC1_OK && out.id == 266);
    }
    hc1_sampling_default(&sp);

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

/*
 * Every ISA level agrees with the portable path within @tol plus @rel
 * times the largest |logit|.
 */
static void isa_agree(hc1_model *m, uint32_t wtype, const int32_t *toks,
                      float tol, float rel)
{
    float isa[4][267];
    const char *names[4] = { "portable", "avx2", "avx512", "avx512-bf16" };
    for (int k = 0; k < 4; k++) {
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
    hc1_engine_force_isa("avx512-bf16");     /* the best the CPU has */
    float mx = 0;
    for (int i = 0; i < 267; i++) {
        mx = fabsf(isa[0][i]) > mx ? fabsf(isa[0][i]) : mx;
    }
    tol += rel * mx;
    for (int k = 1; k < 4; k++) {
        for (int i = 0; i < 267; i++) {
            if (fabsf(isa[k][i] - isa[0][i]) > tol) {
                fprintf(stderr, "%s isa %s: logit %d differs from portable "
                        "(%g vs %g)\n", hc1_type_name(wtype),
                        names[k], i, isa[k][i], isa[0][i]);
                fails++;
                break;
            }
        }
    }
}

/* isa_agree on a model built from @o */
static void isa_agree_opts(const tmodel_opts *o, const int32_t *toks,
                           float tol, float rel)
{
    size_t len;
    char err[256];
    hc1_model *m;
    void *buf = tmodel_build(o, &len, NULL);

    CHECK(hc1_model_open_mem(buf, len, &m, err, sizeof(err)) == HC1_OK);
    isa_agree(m, o->wtype, toks, tol, rel);
    hc1_model_close(m);
    free(buf);
}

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
    isa_agree(m, GGML_Q8_0, toks, 1e-3f, 0);
    hc1_model_close(m);
    free(buf);
    /*
     * 8 query heads on 2 KV heads: the SIMD levels score and weigh each
     * group's 4 heads in one pass over its keys and values (scores4,
     * values4), the portable code one head at a time
     */
    tmodel_opts g4 = o;
    g4.n_embd = 256;
    g4.n_head = 8;
    g4.n_head_kv = 2;
    isa_agree_opts(&g4, toks, 1e-3f, 0);
    /*
     * BF16 weights: avx512-bf16 takes another kernel (vdpbf16ps). The
     * activations are rounded to 8 significant bits, so a summation
     * order change can move one by 2^-8 relative, and two layers carry
     * it: the f32-FMA kernels differ from the portable order by up to
     * 0.2% of the largest logit here; allow 1%.
     */
    o.wtype = GGML_BF16;
    isa_agree_opts(&o, toks, 0, 0.01f);
    /* q8 cache needs whole blocks per head */
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
    test_invariance(GGML_BF16);
    test_invariance(GGML_Q8_0);
    test_invariance(GGML_Q4_0);
    test_invariance(GGML_Q4_K);
    test_invariance(GGML_Q6_K);
    test_invariance_shape(GGML_Q4_0, 512, 8, 4, 0);
    test_invariance_shape(GGML_Q6_K, 512, 8, 4, 0);
    test_invariance_shape(GGML_F16, 512, 8, 4, 1536);
    /* groups of 4 query heads: the four-head attention kernels */
    test_invariance_shape(GGML_Q4_0, 512, 8, 2, 0);
    test_sampling();
    test_sample_batch();
    test_lora();
    test_chunked_prefill(GGML_Q8_0);
    test_chunked_prefill(GGML_Q4_0);
    test_chunked_prefill(GGML_BF16);
    test_chunked_prefill(GGML_Q4_K);
    test_kv_and_isa();
    printf("%d passed, %d failed\n", fails ? 0 : 1, fails ? 1 : 0);
    return fails ? 1 : 0;
}
