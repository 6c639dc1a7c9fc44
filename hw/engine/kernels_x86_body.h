/*
 * Body of the x86 kernels, included by kernels_x86.c once per ISA level
 * with KTARGET (the target attribute string), KSUF (name suffix) and
 * KDOT (u8 x s8 -> i32 accumulate over groups of 4) defined.
 *
 * Every kernel walks the weight row once and, for each block, runs the
 * same operations for each activation column into that column's own
 * accumulators, so a column's result never depends on the others.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define KCAT2(a, b) a##b
#define KCAT(a, b) KCAT2(a, b)
#define KFN(name) KCAT(name, KSUF)
#define KATTR __attribute__((target(KTARGET), unused))
#define KBODY static inline __attribute__((always_inline, target(KTARGET)))

/*
 * One instance per column count: with nc a compile-time constant the
 * compiler keeps every column's accumulators in registers.
 */
#define KDISPATCH(NAME)                                                     \
static KATTR void KFN(NAME)(uint64_t n, const void *w,                      \
                            const void *const *x, int nc, float *out)       \
{                                                                           \
    switch (nc) {                                                           \
    case 1: KFN(NAME##body_)(n, w, x, 1, out); break;                       \
    case 2: KFN(NAME##body_)(n, w, x, 2, out); break;                       \
    case 3: KFN(NAME##body_)(n, w, x, 3, out); break;                       \
    case 4: KFN(NAME##body_)(n, w, x, 4, out); break;                       \
    case 5: KFN(NAME##body_)(n, w, x, 5, out); break;                       \
    case 6: KFN(NAME##body_)(n, w, x, 6, out); break;                       \
    case 7: KFN(NAME##body_)(n, w, x, 7, out); break;                       \
    default: KFN(NAME##body_)(n, w, x, 8, out); break;                      \
    }                                                                       \
}

static inline KATTR float KFN(hsum8_)(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v),
                          _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline KATTR int KFN(hsumi8_)(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v),
                              _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* ---- float formats: 32 elements per step, 4 accumulators ---------- */

#define FLOAT_KERNEL(NAME, LOADW, LOADX)                                    \
KBODY void KFN(NAME##body_)(uint64_t n, const void *w,                      \
                            const void *const *x, const int nc,             \
                            float *out)                                     \
{                                                                           \
    __m256 acc[HC1_MAX_COLS][4];                                            \
    uint64_t i = 0;                                                         \
    for (int c = 0; c < nc; c++) {                                          \
        for (int k = 0; k < 4; k++) {                                       \
            acc[c][k] = _mm256_setzero_ps();                                \
        }                                                                   \
    }                                                                       \
    for (; i + 32 <= n; i += 32) {                                          \
        __m256 w0 = LOADW(w, i), w1 = LOADW(w, i + 8);                      \
        __m256 w2 = LOADW(w, i + 16), w3 = LOADW(w, i + 24);                \
        for (int c = 0; c < nc; c++) {                                      \
            acc[c][0] = _mm256_fmadd_ps(w0, LOADX(x[c], i), acc[c][0]);     \
            acc[c][1] = _mm256_fmadd_ps(w1, LOADX(x[c], i + 8), acc[c][1]); \
            acc[c][2] = _mm256_fmadd_ps(w2, LOADX(x[c], i + 16), acc[c][2]);\
            acc[c][3] = _mm256_fmadd_ps(w3, LOADX(x[c], i + 24), acc[c][3]);\
        }                                                                   \
    }                                                                       \
    for (; i + 8 <= n; i += 8) {                                            \
        __m256 w0 = LOADW(w, i);                                            \
        for (int c = 0; c < nc; c++) {                                      \
            acc[c][0] = _mm256_fmadd_ps(w0, LOADX(x[c], i), acc[c][0]);     \
        }                                                                   \
    }                                                                       \
    for (int c = 0; c < nc; c++) {                                          \
        __m256 s = _mm256_add_ps(_mm256_add_ps(acc[c][0], acc[c][1]),       \
                                 _mm256_add_ps(acc[c][2], acc[c][3]));      \
        float r = KFN(hsum8_)(s);                                           \
        for (uint64_t j = i; j < n; j++) {                                  \
            r += TAILW(w, j) * TAILX(x[c], j);                              \
        }                                                                   \
        out[c] = r;                                                         \
    }                                                                       \
}

#define LD_F32(p, i) _mm256_loadu_ps((const float *)(p) + (i))
#define LD_F16(p, i) \
    _mm256_cvtph_ps(_mm_loadu_si128( \
        (const __m128i *)((const uint16_t *)(p) + (i))))
#define LD_BF16(p, i) \
    _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32( \
        _mm_loadu_si128((const __m128i *)((const uint16_t *)(p) + (i)))), 16))

#define TAILW(p, j) (((const float *)(p))[j])
#define TAILX(p, j) (((const float *)(p))[j])
FLOAT_KERNEL(dot_f32_, LD_F32, LD_F32)
KDISPATCH(dot_f32_)
#undef TAILW
#undef TAILX
#define TAILW(p, j) f16_to_f32(((const uint16_t *)(p))[j])
#define TAILX(p, j) (((const float *)(p))[j])
FLOAT_KERNEL(dot_f16_, LD_F16, LD_F32)
KDISPATCH(dot_f16_)
#undef TAILW
#undef TAILX
#define TAILW(p, j) bf16_to_f32(((const uint16_t *)(p))[j])
#define TAILX(p, j) (((const float *)(p))[j])
FLOAT_KERNEL(dot_bf16_, LD_BF16, LD_F32)
KDISPATCH(dot_bf16_)
#undef TAILW
#undef TAILX

static inline KATTR float KFN(h2f_)(uint16_t h)
{
    return _cvtsh_ss(h);
}

/* ---- Q8_0 x Q8_0 --------------------------------------------------- */

/*
 * Two blocks per step into two accumulators, so the FMA latency chain
 * does not bound the loop; the odd block count ends in accumulator 0.
 */
KBODY void KFN(dot_q8_0_body_)(uint64_t n, const void *w,
                                   const void *const *x, const int nc,
                                   float *out)
{
    const blk_q8_0 *b = w;
    uint64_t nb = n / 32;
    hc1_actq_view a[HC1_MAX_COLS];
    __m256 acc[HC1_MAX_COLS][2];
    for (int c = 0; c < nc; c++) {
        a[c] = hc1_actq(x[c], GGML_Q8_0, n);
        acc[c][0] = acc[c][1] = _mm256_setzero_ps();
    }
    for (uint64_t i = 0; i < nb; i++) {
        int k = i & 1;
        __m256i q = _mm256_loadu_si256((const __m256i *)b[i].qs);
        __m256i aq = _mm256_sign_epi8(q, q);
        float dw = KFN(h2f_)(b[i].d);
        for (int c = 0; c < nc; c++) {
            __m256i y = _mm256_loadu_si256((const __m256i *)(a[c].qs + 32 * i));
            __m256i p = KDOT(_mm256_setzero_si256(), aq,
                             _mm256_sign_epi8(y, q));
            acc[c][k] = _mm256_fmadd_ps(_mm256_set1_ps(dw * a[c].d[i]),
                                        _mm256_cvtepi32_ps(p), acc[c][k]);
        }
    }
    for (int c = 0; c < nc; c++) {
        out[c] = KFN(hsum8_)(_mm256_add_ps(acc[c][0], acc[c][1]));
    }
}

KDISPATCH(dot_q8_0_)

/* ---- Q4_0 x Q8_0: nibbles minus 8, signed products ------------------ */

KBODY void KFN(dot_q4_0_body_)(uint64_t n, const void *w,
                                   const void *const *x, const int nc,
                                   float *out)
{
    const blk_q4_0 *b = w;
    uint64_t nb = n / 32;
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    const __m256i k8 = _mm256_set1_epi8(8);
    hc1_actq_view a[HC1_MAX_COLS];
    __m256 acc[HC1_MAX_COLS][2];
    for (int c = 0; c < nc; c++) {
        a[c] = hc1_actq(x[c], GGML_Q8_0, n);
        acc[c][0] = acc[c][1] = _mm256_setzero_ps();
    }
    for (uint64_t i = 0; i < nb; i++) {
        int k = i & 1;
        __m128i raw = _mm_loadu_si128((const __m128i *)b[i].qs);
        __m256i q = _mm256_sub_epi8(_mm256_and_si256(
            _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw), m4), k8);
        __m256i aq = _mm256_sign_epi8(q, q);
        float dw = KFN(h2f_)(b[i].d);
        for (int c = 0; c < nc; c++) {
            __m256i y = _mm256_loadu_si256((const __m256i *)(a[c].qs + 32 * i));
            __m256i p = KDOT(_mm256_setzero_si256(), aq,
                             _mm256_sign_epi8(y, q));
            acc[c][k] = _mm256_fmadd_ps(_mm256_set1_ps(dw * a[c].d[i]),
                                        _mm256_cvtepi32_ps(p), acc[c][k]);
        }
    }
    for (int c = 0; c < nc; c++) {
        out[c] = KFN(hsum8_)(_mm256_add_ps(acc[c][0], acc[c][1]));
    }
}

KDISPATCH(dot_q4_0_)

/* ---- Q4_K x Q8_K ------------------------------------------------------ */

/*
 * Unpack the 12 bytes of 6-bit scales and mins into 8 scale bytes
 * (sm[0..7]) and 8 min bytes (sm[8..15]), four at a time in 32-bit words:
 * sub-blocks 0-3 keep the low 6 bits of bytes 0-3 (scales) and 4-7
 * (mins); sub-blocks 4-7 take a nibble of bytes 8-11 plus the top two
 * bits of bytes 0-3 (scales) or 4-7 (mins).
 */
static inline KATTR void KFN(q4k_unpack_)(const uint8_t *s, uint8_t *sm)
{
    uint32_t u0, u1, u2, o[4];
    memcpy(&u0, s, 4);
    memcpy(&u1, s + 4, 4);
    memcpy(&u2, s + 8, 4);
    o[0] = u0 & 0x3f3f3f3fu;
    o[1] = (u2 & 0x0f0f0f0fu) | (((u0 >> 6) & 0x03030303u) << 4);
    o[2] = u1 & 0x3f3f3f3fu;
    o[3] = ((u2 >> 4) & 0x0f0f0f0fu) | (((u1 >> 6) & 0x03030303u) << 4);
    memcpy(sm, o, 16);
}

KBODY void KFN(dot_q4_K_body_)(uint64_t n, const void *w,
                                   const void *const *x, const int nc,
                                   float *out)
{
    const blk_q4_K *b = w;
    uint64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    hc1_actq_view a[HC1_MAX_COLS];
    __m256 acc[HC1_MAX_COLS];
    float accm[HC1_MAX_COLS];
    for (int c = 0; c < nc; c++) {
        a[c] = hc1_actq(x[c], GGML_Q8_K, n);
        acc[c] = _mm256_setzero_ps();
        accm[c] = 0.0f;
    }
    for (uint64_t i = 0; i < nb; i++) {
        uint8_t sm[16];
        KFN(q4k_unpack_)(b[i].scales, sm);
        __m256i sc32 = _mm256_cvtepu8_epi32(
            _mm_loadl_epi64((const __m128i *)sm));
        __m128i mn16 = _mm_cvtepu8_epi16(
            _mm_loadl_epi64((const __m128i *)(sm + 8)));
        __m256i scb[8];
        __m256i q[8];
        for (int k = 0; k < 4; k++) {
            __m256i raw = _mm256_loadu_si256(
                (const __m256i *)(b[i].qs + 32 * k));
            q[2 * k] = _mm256_and_si256(raw, m4);
            q[2 * k + 1] = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);
        }
        for (int j = 0; j < 8; j++) {
            scb[j] = _mm256_permutevar8x32_epi32(sc32, _mm256_set1_epi32(j));
        }
        float d = KFN(h2f_)(b[i].d), dmin = KFN(h2f_)(b[i].dmin);
        for (int c = 0; c < nc; c++) {
            const int8_t *y = a[c].qs + QK_K * i;
            const int16_t *bs = a[c].bsum + 16 * i;
            __m256i sum = _mm256_setzero_si256();
            for (int j = 0; j < 8; j++) {
                __m256i yj = _mm256_loadu_si256((const __m256i *)(y + 32 * j));
                __m256i p = KDOT(_mm256_setzero_si256(), q[j], yj);
                sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(p, scb[j]));
            }
            /* mins times the 32-sums of the activation quants */
            __m128i b32 = _mm_hadd_epi16(
                _mm_loadu_si128((const __m128i *)bs),
                _mm_loadu_si128((const __m128i *)(bs + 8)));
            __m128i mm = _mm_madd_epi16(mn16, b32);
            mm = _mm_add_epi32(mm, _mm_shuffle_epi32(mm, 0x4e));
            mm = _mm_add_epi32(mm, _mm_shuffle_epi32(mm, 0xb1));
            int summ = _mm_cvtsi128_si32(mm);
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(d * a[c].d[i]),
                                     _mm256_cvtepi32_ps(sum), acc[c]);
            accm[c] += dmin * a[c].d[i] * (float)summ;
        }
    }
    for (int c = 0; c < nc; c++) {
        out[c] = KFN(hsum8_)(acc[c]) - accm[c];
    }
}

KDISPATCH(dot_q4_K_)

/* ---- Q6_K x Q8_K ------------------------------------------------------ */

KBODY void KFN(dot_q6_K_body_)(uint64_t n, const void *w,
                                   const void *const *x, const int nc,
                                   float *out)
{
    const blk_q6_K *b = w;
    uint64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    const __m256i m2 = _mm256_set1_epi8(0x03);
    hc1_actq_view a[HC1_MAX_COLS];
    __m256 acc[HC1_MAX_COLS];
    for (int c = 0; c < nc; c++) {
        a[c] = hc1_actq(x[c], GGML_Q8_K, n);
        acc[c] = _mm256_setzero_ps();
    }
    for (uint64_t i = 0; i < nb; i++) {
        __m256i q[8];
        __m256i scv[8];
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b[i].ql + 64 * h;
            const uint8_t *qh = b[i].qh + 32 * h;
            const int8_t *sc = b[i].scales + 8 * h;
            __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            __m256i hh = _mm256_loadu_si256((const __m256i *)qh);
            q[4 * h + 0] = _mm256_or_si256(_mm256_and_si256(l0, m4),
                _mm256_slli_epi16(_mm256_and_si256(hh, m2), 4));
            q[4 * h + 1] = _mm256_or_si256(_mm256_and_si256(l1, m4),
                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hh, 2),
                                                   m2), 4));
            q[4 * h + 2] = _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hh, 4),
                                                   m2), 4));
            q[4 * h + 3] = _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hh, 6),
                                                   m2), 4));
            /* lanes 0-3: first 16 values (scale 2k), 4-7: next 16 */
            __m256i s32 = _mm256_cvtepi8_epi32(
                _mm_loadl_epi64((const __m128i *)sc));
            for (int k = 0; k < 4; k++) {
                scv[4 * h + k] = _mm256_permutevar8x32_epi32(
                    s32, _mm256_setr_epi32(2 * k, 2 * k, 2 * k, 2 * k,
                                           2 * k + 1, 2 * k + 1, 2 * k + 1,
                                           2 * k + 1));
            }
        }
        float d = KFN(h2f_)(b[i].d);
        /* the 16 scales as int16, for the offset-32 correction */
        __m256i sc16 = _mm256_cvtepi8_epi16(
            _mm_loadu_si128((const __m128i *)b[i].scales));
        for (int c = 0; c < nc; c++) {
            const int8_t *y = a[c].qs + QK_K * i;
            const int16_t *bs = a[c].bsum + 16 * i;
            __m256i sum = _mm256_setzero_si256();
            int corr = 0;
            for (int k = 0; k < 8; k++) {
                __m256i yk = _mm256_loadu_si256((const __m256i *)(y + 32 * k));
                __m256i p = KDOT(_mm256_setzero_si256(), q[k], yk);
                sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(p, scv[k]));
            }
            /* 16-groups g in order: scale index = g (see the layout) */
            corr = KFN(hsumi8_)(_mm256_madd_epi16(
                sc16, _mm256_loadu_si256((const __m256i *)bs)));
            int sumi = KFN(hsumi8_)(sum) - 32 * corr;
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(d * a[c].d[i]),
                                     _mm256_set1_ps((float)sumi), acc[c]);
        }
    }
    for (int c = 0; c < nc; c++) {
        /* all lanes hold the same value: take one */
        out[c] = _mm_cvtss_f32(_mm256_castps256_ps128(acc[c]));
    }
}

KDISPATCH(dot_q6_K_)

#undef KFN
#undef KATTR
#undef KBODY
#undef KDISPATCH
