/*
 * Activation conversion and kernel dispatch.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels.h"
#include "quant.h"
#include "vexp.h"

#include <math.h>
#include <string.h>

size_t hc1_act_bytes(uint32_t act_type, uint64_t n)
{
    switch (act_type) {
    case GGML_Q8_0:
        return n + (n / 32) * 4 + (n / 16) * 2;
    case GGML_Q8_K:
        return n + (n / 256) * 4 + (n / 16) * 2;
    case GGML_BF16:
        return hc1_act_bf16_off(n) + n * 2;
    default:
        return n * 4;
    }
}

static uint16_t f32_to_bf16(float f)
{
    uint32_t u = f32_bits(f);
    if ((u & 0x7fffffff) > 0x7f800000) {
        return (uint16_t)((u >> 16) | 64);
    }
    return (uint16_t)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

static void bsums16(const int8_t *qs, int16_t *bs, uint64_t n)
{
    for (uint64_t j = 0; j < n / 16; j++) {
        int s = 0;
        for (int l = 0; l < 16; l++) {
            s += qs[j * 16 + l];
        }
        bs[j] = (int16_t)s;
    }
}

/*
 * The quants and scales of Q8_0 and Q8_K activations: the definition.
 * The SIMD version (hc1_q8_quants_x86) gives the same bytes.
 */
static void q8_0_quants(const float *x, int8_t *qs, float *d, uint64_t n)
{
    for (uint64_t i = 0; i < n / 32; i++) {
        const float *v = x + i * 32;
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) {
            float a = fabsf(v[j]);
            amax = a > amax ? a : amax;
        }
        float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        d[i] = f16_to_f32(hc1_f32_to_f16(amax / 127.0f));
        for (int j = 0; j < 32; j++) {
            qs[i * 32 + j] = hc1_round_i8(v[j] * id);
        }
    }
}

static void q8_K_quants(const float *x, int8_t *qs, float *d, uint64_t n)
{
    for (uint64_t i = 0; i < n / 256; i++) {
        const float *v = x + i * 256;
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < 256; j++) {
            float a = fabsf(v[j]);
            if (a > amax) {
                amax = a;
                max = v[j];
            }
        }
        if (amax == 0.0f) {
            d[i] = 0.0f;
            for (int j = 0; j < 256; j++) {
                qs[i * 256 + j] = 0;
            }
            continue;
        }
        float iscale = -127.0f / max;
        for (int j = 0; j < 256; j++) {
            qs[i * 256 + j] = hc1_round_i8(iscale * v[j]);
        }
        d[i] = 1.0f / iscale;
    }
}

static bool q8_quants_simd(uint32_t type, const float *x, int8_t *qs,
                           float *d, uint64_t n)
{
    return hc1_isa_current() >= HC1_ISA_AVX512 &&
           hc1_q8_quants_x86(type, x, qs, d, n);
}

void hc1_to_f16(const float *x, uint16_t *h, float *r, uint64_t n)
{
    if (hc1_isa_current() >= HC1_ISA_AVX2 && hc1_to_f16_x86(x, h, r, n)) {
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint16_t b = hc1_f32_to_f16(x[i]);
        if (h) {
            h[i] = b;
        }
        if (r) {
            r[i] = f16_to_f32(b);
        }
    }
}

void hc1_act_convert(uint32_t act_type, const float *x, void *dst, uint64_t n)
{
    hc1_act_convert_range(act_type, x, dst, n, 0, n);
}

void hc1_act_convert_range(uint32_t act_type, const float *x, void *dst,
                           uint64_t n, uint64_t k0, uint64_t k1)
{
    uint8_t *p = dst;
    uint64_t len = k1 - k0;

    switch (act_type) {
    case GGML_F16: {
        /*
         * rounded to f16 but kept as f32: exact, and no conversion in
         * the kernels' inner loops
         */
        hc1_to_f16(x + k0, NULL, (float *)dst + k0, len);
        break;
    }
    case GGML_BF16: {
        float *y = dst;
        uint16_t *bf = (uint16_t *)(p + hc1_act_bf16_off(n));
        for (uint64_t i = k0; i < k1; i++) {
            bf[i] = f32_to_bf16(x[i]);
            y[i] = bf16_to_f32(bf[i]);
        }
        break;
    }
    case GGML_Q8_0: {
        /* same arithmetic as hc1_quant_row_q8_0, split layout */
        int8_t *qs = (int8_t *)p + k0;
        float *d = (float *)(p + n) + k0 / 32;
        if (!q8_quants_simd(GGML_Q8_0, x + k0, qs, d, len)) {
            q8_0_quants(x + k0, qs, d, len);
        }
        bsums16(qs, (int16_t *)(p + n + (n / 32) * 4) + k0 / 16, len);
        break;
    }
    case GGML_Q8_K: {
        int8_t *qs = (int8_t *)p + k0;
        float *d = (float *)(p + n) + k0 / 256;
        if (!q8_quants_simd(GGML_Q8_K, x + k0, qs, d, len)) {
            q8_K_quants(x + k0, qs, d, len);
        }
        bsums16(qs, (int16_t *)(p + n + (n / 256) * 4) + k0 / 16, len);
        break;
    }
    default: {
        float *y = dst;
        for (uint64_t i = k0; i < k1; i++) {
            y[i] = x[i];
        }
        break;
    }
    }
}

/* ---- dispatch ---------------------------------------------------- */

static hc1_isa isa_forced = (hc1_isa)-1;
static int isa_cached = -1;

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* F16C by CPUID (not every compiler's __builtin_cpu_supports knows it). */
static bool cpu_has_f16c(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) {
        return false;
    }
    return (c >> 29) & 1;
}

/*
 * AVX512_BF16: CPUID leaf 7 sub-leaf 1, EAX bit 5 (GCC 12's
 * __builtin_cpu_supports does not know it). The AVX-512 state itself is
 * checked with avx512f.
 */
static bool cpu_has_avx512bf16(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d)) {
        return false;
    }
    return (a >> 5) & 1;
}
#endif

static hc1_isa isa_detect(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512vnni") &&
        __builtin_cpu_supports("avx512dq")) {
        return cpu_has_avx512bf16() ? HC1_ISA_AVX512_BF16 : HC1_ISA_AVX512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        cpu_has_f16c()) {
        return HC1_ISA_AVX2;
    }
#endif
    return HC1_ISA_PORTABLE;
}

hc1_isa hc1_isa_best(void)
{
    /* benign race: every thread computes the same value */
    if (isa_cached < 0) {
        isa_cached = (int)isa_detect();
    }
    return (hc1_isa)isa_cached;
}

hc1_isa hc1_isa_current(void)
{
    return (int)isa_forced >= 0 ? isa_forced : hc1_isa_best();
}

hc1_isa hc1_isa_force(hc1_isa isa)
{
    hc1_isa best = hc1_isa_best();
    isa_forced = isa > best ? best : isa;
    return isa_forced;
}

const char *hc1_isa_name(hc1_isa isa)
{
    switch (isa) {
    case HC1_ISA_AVX2:
        return "avx2";
    case HC1_ISA_AVX512:
        return "avx512-vnni";
    case HC1_ISA_AVX512_BF16:
        return "avx512-bf16";
    default:
        return "portable";
    }
}

static hc1_dot_fn ref_kernel(uint32_t wtype)
{
    switch (wtype) {
    case GGML_F32:
        return hc1_dot_f32_ref;
    case GGML_F16:
        return hc1_dot_f16_ref;
    case GGML_BF16:
        return hc1_dot_bf16_ref;
    case GGML_Q8_0:
        return hc1_dot_q8_0_ref;
    case GGML_Q4_0:
        return hc1_dot_q4_0_ref;
    case GGML_Q4_K:
        return hc1_dot_q4_K_ref;
    case GGML_Q6_K:
        return hc1_dot_q6_K_ref;
    default:
        return NULL;
    }
}

hc1_dot_fn hc1_dot_kernel_isa(uint32_t wtype, hc1_isa isa)
{
    if (isa > hc1_isa_best()) {
        return NULL;
    }
    if (isa == HC1_ISA_PORTABLE) {
        return ref_kernel(wtype);
    }
    return hc1_dot_kernel_x86(wtype, isa);
}

hc1_dot_fn hc1_dot_kernel(uint32_t wtype)
{
    hc1_isa isa = (int)isa_forced >= 0 ? isa_forced : hc1_isa_best();
    /* fall back level by level when a format lacks a kernel */
    for (int l = isa; l >= 0; l--) {
        hc1_dot_fn f = hc1_dot_kernel_isa(wtype, (hc1_isa)l);
        if (f) {
            return f;
        }
    }
    return NULL;
}

float hc1_vec_dot_f32(const float *a, const float *b, uint64_t n)
{
    float r;
    const void *x[1] = { b };
    hc1_dot_kernel(GGML_F32)(n, a, x, 1, &r);
    return r;
}

/* ---- attention ----------------------------------------------------------- */

static void att_scores_ref16(const float *q, const uint8_t *k, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    for (uint32_t p = 0; p < n; p++) {
        const uint16_t *kp = (const uint16_t *)(k + p * stride);
        float s = 0.0f;
        for (uint32_t d = 0; d < hd; d++) {
            s += q[d] * f16_to_f32(kp[d]);
        }
        out[p] = s;
    }
}

static void att_scores_ref32(const float *q, const uint8_t *k, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    for (uint32_t p = 0; p < n; p++) {
        const float *kp = (const float *)(k + p * stride);
        float s = 0.0f;
        for (uint32_t d = 0; d < hd; d++) {
            s += q[d] * kp[d];
        }
        out[p] = s;
    }
}

static void att_values_ref16(const float *w, const uint8_t *v, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    for (uint32_t d = 0; d < hd; d++) {
        out[d] = 0.0f;
    }
    for (uint32_t p = 0; p < n; p++) {
        const uint16_t *vp = (const uint16_t *)(v + p * stride);
        for (uint32_t d = 0; d < hd; d++) {
            out[d] += w[p] * f16_to_f32(vp[d]);
        }
    }
}

static void att_values_ref32(const float *w, const uint8_t *v, size_t stride,
                             uint32_t n, uint32_t hd, float *out)
{
    for (uint32_t d = 0; d < hd; d++) {
        out[d] = 0.0f;
    }
    for (uint32_t p = 0; p < n; p++) {
        const float *vp = (const float *)(v + p * stride);
        for (uint32_t d = 0; d < hd; d++) {
            out[d] += w[p] * vp[d];
        }
    }
}

static void att_weights_ref16(float *w, uint32_t n, float inv)
{
    for (uint32_t p = 0; p < n; p++) {
        w[p] = f16_to_f32(hc1_f32_to_f16(w[p] * inv));
    }
}

static void att_weights_ref32(float *w, uint32_t n, float inv)
{
    for (uint32_t p = 0; p < n; p++) {
        w[p] *= inv;
    }
}

hc1_att_kernels hc1_att_kernel(bool kv16, uint32_t hd)
{
    hc1_att_kernels k;
    hc1_isa isa = hc1_isa_current();
    /* the SIMD versions need whole groups of 8 values per head */
    if (isa != HC1_ISA_PORTABLE && hd % 8 == 0) {
        k = hc1_att_kernel_x86(kv16, isa);
        if (k.scores) {
            return k;
        }
    }
    k.scores = kv16 ? att_scores_ref16 : att_scores_ref32;
    k.weights = kv16 ? att_weights_ref16 : att_weights_ref32;
    k.values = kv16 ? att_values_ref16 : att_values_ref32;
    k.values4 = NULL;
    k.scores4 = NULL;
    return k;
}

/* ---- exponentials ------------------------------------------------------ */

static double expsum_ref(const float *x, float *y, uint32_t n, float shift,
                         float scale)
{
    double sum8[8] = { 0 };
    for (uint32_t i = 0; i < n; i++) {
        float a = (x[i] - shift) * scale;
        float e = isnan(a) ? 0.0f : hc1_expf(a);
        if (y) {
            y[i] = e;
        }
        sum8[i % 8] += (double)e;
    }
    double sum = ((sum8[0] + sum8[1]) + (sum8[2] + sum8[3])) +
                 ((sum8[4] + sum8[5]) + (sum8[6] + sum8[7]));
    return sum;
}

static double softmax_ref(float *s, uint32_t n, float scale)
{
    float mx8[8];
    for (int i = 0; i < 8; i++) {
        mx8[i] = -INFINITY;
    }
    for (uint32_t p = 0; p < n; p++) {
        s[p] *= scale;
        mx8[p % 8] = s[p] > mx8[p % 8] ? s[p] : mx8[p % 8];
    }
    float mx = mx8[0];
    for (int i = 1; i < 8; i++) {
        mx = mx8[i] > mx ? mx8[i] : mx;
    }
    return expsum_ref(s, s, n, mx, 1.0f);
}

static void swiglu_ref(float *g, const float *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g[i] = g[i] / (1.0f + hc1_expf(-g[i])) * u[i];
    }
}

static uint32_t argmax_ref(const float *x, uint32_t n, float *mx)
{
    float m = -INFINITY;
    uint32_t arg = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (x[i] > m) {
            m = x[i];
            arg = i;
        }
    }
    *mx = m;
    return arg;
}

hc1_exp_kernels hc1_exp_kernel(void)
{
    hc1_exp_kernels k = { softmax_ref, swiglu_ref, expsum_ref, argmax_ref };
    hc1_isa isa = hc1_isa_current();
    if (isa != HC1_ISA_PORTABLE) {
        hc1_exp_kernels x = hc1_exp_kernel_x86(isa);
        if (x.softmax) {
            k = x;
        }
    }
    return k;
}

size_t hc1_panel_bytes(uint32_t kind, uint64_t n)
{
    uint64_t nd = hc1_panel_nd(kind, n);
    /* qs and d, then no8 (nd * 32 bytes), s32 (n / 2) or nb (2 n) */
    return ((n * 8 + nd * 32 + 63) & ~(uint64_t)63) +
           (kind == GGML_Q8_0 ? nd * 32 : kind == GGML_Q8_K ? n / 2 : 2 * n);
}

uint32_t hc1_panel_kind(uint32_t wtype)
{
    return wtype == GGML_Q6_K ? GGML_Q6_K : hc1_vec_dot_type(wtype);
}

/*
 * Column @c of a Q6_K panel, super-blocks [i0, i1): vector k, lane
 * 4L + p takes elements 64p + 16L + 4k .. + 3, of group 4p + L
 */
static void panel_q6_K_col(const hc1_actq_view *a, uint64_t i0, uint64_t i1,
                           int c, const hc1_panel_view *pv)
{
    for (uint64_t i = i0; i < i1; i++) {
        int8_t *q = (int8_t *)pv->qs + (i * HC1_MAX_COLS + c) * 256;
        int32_t *nb = (int32_t *)pv->nb + (i * HC1_MAX_COLS + c) * 16;
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 16; j++) {
                int L = j / 4, p = j % 4;
                memcpy(q + 64 * k + 4 * j,
                       a->qs + 256 * i + 64 * p + 16 * L + 4 * k, 4);
            }
        }
        for (int j = 0; j < 16; j++) {
            nb[j] = -32 * a->bsum[16 * i + 4 * (j % 4) + j / 4];
        }
        ((float *)pv->d)[hc1_panel_bi(GGML_Q8_K, i, c)] = a->d[i];
    }
}

void hc1_panel_build(uint32_t kind, uint64_t n, const void *const *cols,
                     int nc, void *dst)
{
    hc1_panel_build_range(kind, n, cols, nc, dst, 0, n);
}

void hc1_panel_build_range(uint32_t kind, uint64_t n,
                           const void *const *cols, int nc, void *dst,
                           uint64_t k0, uint64_t k1)
{
    hc1_panel_view pv = hc1_panel(dst, kind, n);
    uint32_t act_type = kind == GGML_Q6_K ? GGML_Q8_K : kind;
    int8_t *qs = (int8_t *)pv.qs;
    float *d = (float *)pv.d;

    /*
     * this range's share of every section zeroed first (missing
     * columns stay zero): Q8_0 scales by block pairs (the padding
     * block of an odd count with the last pair), the rest by
     * super-block
     */
    memset(qs + k0 * HC1_MAX_COLS, 0, (k1 - k0) * HC1_MAX_COLS);
    if (kind == GGML_Q8_0) {
        uint64_t p0 = k0 / 64, p1 = (k1 + 63) / 64;
        memset(d + p0 * 2 * HC1_MAX_COLS, 0,
               (p1 - p0) * 2 * HC1_MAX_COLS * sizeof(float));
        memset((int32_t *)pv.no8 + p0 * 2 * HC1_MAX_COLS, 0,
               (p1 - p0) * 2 * HC1_MAX_COLS * sizeof(int32_t));
    } else {
        uint64_t i0 = k0 / 256, i1 = k1 / 256;
        memset(d + i0 * HC1_MAX_COLS, 0,
               (i1 - i0) * HC1_MAX_COLS * sizeof(float));
        if (kind == GGML_Q8_K) {
            memset((int16_t *)pv.s32 + i0 * 64, 0,
                   (i1 - i0) * 64 * sizeof(int16_t));
        } else {
            memset((int32_t *)pv.nb + i0 * HC1_MAX_COLS * 16, 0,
                   (i1 - i0) * HC1_MAX_COLS * 16 * sizeof(int32_t));
        }
    }
    for (int c = 0; c < nc; c++) {
        hc1_actq_view a = hc1_actq(cols[c], act_type, n);
        if (kind == GGML_Q6_K) {
            panel_q6_K_col(&a, k0 / 256, k1 / 256, c, &pv);
            continue;
        }
        for (uint64_t k = k0 / 8; k < k1 / 8; k++) {
            memcpy(qs + (k * HC1_MAX_COLS + c) * 8, a.qs + k * 8, 8);
        }
        uint64_t bs = act_type == GGML_Q8_K ? 256 : 32;
        for (uint64_t i = k0 / bs; i < k1 / bs; i++) {
            d[hc1_panel_bi(act_type, i, c)] = a.d[i];
        }
        for (uint64_t i = k0 / 32; i < k1 / 32; i++) {
            if (act_type == GGML_Q8_0) {
                ((int32_t *)pv.no8)[hc1_panel_bi(act_type, i, c)] =
                    -8 * (a.bsum[2 * i] + a.bsum[2 * i + 1]);
            } else {
                /* |32 quants| <= 4096: an int16 */
                ((int16_t *)pv.s32)[hc1_panel_s32i(i / 8, i % 8, c)] =
                    (int16_t)(a.bsum[2 * i] + a.bsum[2 * i + 1]);
            }
        }
    }
}

hc1_dotp_fn hc1_dotp_kernel(uint32_t wtype)
{
    hc1_isa isa = hc1_isa_current();
    return isa == HC1_ISA_PORTABLE ? NULL : hc1_dotp_kernel_x86(wtype, isa);
}

hc1_dott_fn hc1_dott_kernel(uint32_t wtype)
{
    hc1_isa isa = hc1_isa_current();
    return isa == HC1_ISA_PORTABLE ? NULL : hc1_dott_kernel_x86(wtype, isa);
}

hc1_dotk_fn hc1_dotk_kernel(uint32_t wtype)
{
    hc1_isa isa = hc1_isa_current();
    return isa == HC1_ISA_PORTABLE ? NULL : hc1_dotk_kernel_x86(wtype, isa);
}

hc1_dot2_fn hc1_dot2_kernel(uint32_t wtype)
{
    hc1_isa isa = hc1_isa_current();
    return isa == HC1_ISA_PORTABLE ? NULL : hc1_dot2_kernel_x86(wtype, isa);
}
