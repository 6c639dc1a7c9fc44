/*
 * Weight formats: every dot-product kernel (portable and each SIMD level
 * the CPU has) against the reference dequantisation, for F32, F16, BF16,
 * Q8_0, Q4_0, Q4_K and Q6_K with random blocks; the f16 conversions; the
 * activation quantisers; and batch invariance of the kernels (a column's
 * result is bit-identical whatever the number of columns), and of the
 * two-row kernels (a row's result is bit-identical alone or paired with
 * any other row, for any columns).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels.h"
#include "quant.h"
#include "testutil.h"
#include "vexp.h"

#include <math.h>
#include <string.h>

static int fails;

/* A random f16 scale of moderate size (no inf/nan). */
static uint16_t rand_scale(uint64_t *s, float mag)
{
    return hc1_f32_to_f16(mag * (0.25f + (trng(s) % 1000) / 1000.0f));
}

/* Random row of @n elements of @type into @w (row bytes). */
static void rand_row(uint32_t type, void *w, uint64_t n, uint64_t *s)
{
    size_t rb = ggml_row_size(type, n);
    uint8_t *b = w;
    for (size_t i = 0; i < rb; i++) {
        b[i] = (uint8_t)trng(s);
    }
    switch (type) {
    case GGML_F32:
        for (uint64_t i = 0; i < n; i++) {
            ((float *)w)[i] = trng_normal(s);
        }
        break;
    case GGML_F16:
        for (uint64_t i = 0; i < n; i++) {
            ((uint16_t *)w)[i] = hc1_f32_to_f16(trng_normal(s));
        }
        break;
    case GGML_BF16:
        for (uint64_t i = 0; i < n; i++) {
            ((uint16_t *)w)[i] = (uint16_t)(f32_bits(trng_normal(s)) >> 16);
        }
        break;
    case GGML_Q8_0:
        for (uint64_t i = 0; i < n / 32; i++) {
            ((blk_q8_0 *)w)[i].d = rand_scale(s, 0.01f);
        }
        break;
    case GGML_Q4_0:
        for (uint64_t i = 0; i < n / 32; i++) {
            ((blk_q4_0 *)w)[i].d = rand_scale(s, 0.1f);
        }
        break;
    case GGML_Q4_K:
        for (uint64_t i = 0; i < n / 256; i++) {
            ((blk_q4_K *)w)[i].d = rand_scale(s, 0.002f);
            ((blk_q4_K *)w)[i].dmin = rand_scale(s, 0.002f);
        }
        break;
    case GGML_Q6_K:
        for (uint64_t i = 0; i < n / 256; i++) {
            ((blk_q6_K *)w)[i].d = rand_scale(s, 0.001f);
        }
        break;
    }
}

static double ref_dot(uint32_t wtype, const void *w, const void *act,
                      uint64_t n)
{
    uint32_t at = hc1_vec_dot_type(wtype);
    float *a = malloc(n * 4), *b = malloc(n * 4);
    double acc = 0;
    hc1_dequant_row(wtype, w, a, n);
    if (at == GGML_Q8_0 || at == GGML_Q8_K) {
        hc1_actq_view v = hc1_actq(act, at, n);
        uint64_t bs = at == GGML_Q8_0 ? 32 : 256;
        for (uint64_t i = 0; i < n; i++) {
            b[i] = v.d[i / bs] * v.qs[i];
        }
    } else {
        /* F32, and F16/BF16 kept as rounded f32 values */
        memcpy(b, act, n * 4);
    }
    for (uint64_t i = 0; i < n; i++) {
        acc += (double)a[i] * b[i];
    }
    free(a);
    free(b);
    return acc;
}

/*
 * The panel kernel of @type at @isa (if there is one) must give every
 * (row, column) the bits of the two-row kernel (@res, rows of @w3 by
 * columns of @act), from any place in a panel of any width, paired or
 * alone.
 */
static int panel_checks;

static void test_panel(uint32_t type, hc1_isa isa, const uint8_t *w3,
                       size_t rb, uint64_t n, void *const *act,
                       float res[3][HC1_MAX_COLS])
{
    hc1_dotp_fn fp = hc1_dotp_kernel_x86(type, isa);
    uint32_t at = hc1_panel_kind(type);
    void *panel;
    float out[2 * HC1_MAX_COLS];

    if (!fp) {
        return;
    }
    panel_checks++;
    panel = aligned_alloc(64, (hc1_panel_bytes(at, n) + 63) & ~(size_t)63);
    for (int nc = 1; nc <= HC1_MAX_COLS; nc++) {
        for (int c0 = 0; c0 + nc <= HC1_MAX_COLS; c0 += nc > 4 ? 1 : 3) {
            hc1_panel_build(at, n, (const void *const *)&act[c0], nc, panel);
            for (int nr = 1; nr <= 2; nr++) {
                for (int r0 = 0; r0 + nr <= 3; r0++) {
                    fp(n, w3 + r0 * rb, rb, nr, panel, out,
                       nc & 1 ? w3 : NULL);
                    for (int r = 0; r < nr; r++) {
                        if (memcmp(&out[r * HC1_MAX_COLS], &res[r0 + r][c0],
                                   nc * sizeof(float))) {
                            fprintf(stderr, "%s isa=%s panel n=%llu: row %d "
                                    "differs from dot2 (nr %d, %d columns "
                                    "from %d: %.9g vs %.9g)\n",
                                    ggml_traits(type)->name,
                                    hc1_isa_name(isa), (unsigned long long)n,
                                    r0 + r, nr, nc, c0,
                                    out[r * HC1_MAX_COLS], res[r0 + r][c0]);
                            fails++;
                        }
                    }
                }
            }
        }
    }
    free(panel);
}

/*
 * A two-row kernel over three rows (@w and two random ones): rows (0, 1)
 * and (1, 2) with all columns give each row's result; then every
 * (nr, first row, nc, first column) must reproduce them bit for bit.
 */
/*
 * The span kernel of @type at @isa (if there is one) must give every
 * (row, column) the bits of the two-row kernel @f2: for any cut of the
 * inner dimension into spans, any number of rows (pairs, then a last
 * odd row alone) and of columns, with or without the prefetch hint;
 * also on n - 5 elements of the same rows, where a tail of fewer than
 * HC1_DOTK_STEP elements follows the last span.
 */
static int span_checks;

static void test_span(uint32_t type, hc1_isa isa, hc1_dot2_fn f2,
                      const uint8_t *w3, size_t rb, uint64_t n,
                      void *const *act)
{
    hc1_dotk_fn fk = hc1_dotk_kernel_x86(type, isa);
    const uint64_t cuts[] = { HC1_DOTK_STEP, 3 * HC1_DOTK_STEP, 512,
                              UINT64_MAX / 2 };
    const int ncs[] = { 1, 3, HC1_MAX_COLS };
    const void *const *x = (const void *const *)act;
    float *acc = aligned_alloc(64, 3 * HC1_MAX_COLS * HC1_DOTK_STEP * 4);
    float ref[3 * HC1_MAX_COLS], got[3 * HC1_MAX_COLS];

    if (!fk) {
        free(acc);
        return;
    }
    span_checks++;
    for (uint64_t m = n; m + 5 >= n; m -= 5) {
        uint64_t m16 = m & ~(uint64_t)(HC1_DOTK_STEP - 1);
        f2(m, w3, rb, 2, x, HC1_MAX_COLS, ref, NULL);
        f2(m, w3 + 2 * rb, rb, 1, x, HC1_MAX_COLS, ref + 2 * HC1_MAX_COLS,
           NULL);
        for (size_t ci = 0; ci < sizeof(cuts) / sizeof(cuts[0]); ci++) {
            for (uint32_t rows = 1; rows <= 3; rows++) {
                for (size_t ni = 0; ni < sizeof(ncs) / sizeof(ncs[0]); ni++) {
                    int nc = ncs[ni];
                    uint64_t k0 = 0, k1;
                    memset(got, 0xff, sizeof(got));
                    do {
                        k1 = m16 - k0 < cuts[ci] ? m16 : k0 + cuts[ci];
                        fk(m, k0, k1, w3, rb, rows, x, nc, acc, got,
                           nc & 1 ? w3 : NULL);
                        k0 = k1;
                    } while (k1 < m16);
                    for (uint32_t r = 0; r < rows; r++) {
                        if (memcmp(&got[r * HC1_MAX_COLS],
                                   &ref[r * HC1_MAX_COLS], nc * 4)) {
                            fprintf(stderr, "%s isa=%s span n=%llu: row %u "
                                    "differs from dot2 (spans of %llu, %u "
                                    "rows, %d columns: %.9g vs %.9g)\n",
                                    ggml_traits(type)->name,
                                    hc1_isa_name(isa), (unsigned long long)m,
                                    r, (unsigned long long)cuts[ci], rows, nc,
                                    got[r * HC1_MAX_COLS],
                                    ref[r * HC1_MAX_COLS]);
                            fails++;
                        }
                    }
                }
            }
        }
    }
    free(acc);
}

/*
 * The tile kernel of @type at @isa (if there is one) must give each of
 * its HC1_TILE_ROWS rows, against every column of a panel of any width,
 * the bits of the two-row kernel @f2, from any first row, with and
 * without the prefetch hint.
 */
static int tile_checks;

static void test_tile(uint32_t type, hc1_isa isa, hc1_dot2_fn f2, size_t rb,
                      uint64_t n, void *const *act, uint64_t *seed)
{
    enum { ROWS = HC1_TILE_ROWS + 3 };
    hc1_dott_fn ft = hc1_dott_kernel_x86(type, isa);
    uint32_t at = hc1_panel_kind(type);
    float (*res)[HC1_MAX_COLS] = malloc(ROWS * sizeof(*res));
    float *out = malloc(HC1_MAX_COLS * HC1_TILE_ROWS * sizeof(float));
    float *cols[HC1_MAX_COLS];
    uint8_t *w = malloc(ROWS * rb);
    void *panel;

    if (!ft) {
        free(res);
        free(out);
        free(w);
        return;
    }
    tile_checks++;
    for (int r = 0; r < ROWS; r++) {
        rand_row(type, w + r * rb, n, seed);
    }
    for (int r = 0; r < ROWS; r += 2) {
        float o2[2 * HC1_MAX_COLS];
        int nr = r + 1 < ROWS ? 2 : 1;
        f2(n, w + r * rb, rb, nr, (const void *const *)act, HC1_MAX_COLS,
           o2, NULL);
        for (int q = 0; q < nr; q++) {
            memcpy(res[r + q], &o2[q * HC1_MAX_COLS], sizeof(res[0]));
        }
    }
    panel = aligned_alloc(64, (hc1_panel_bytes(at, n) + 63) & ~(size_t)63);
    for (int nc = 1; nc <= HC1_MAX_COLS; nc++) {
        int c0 = (HC1_MAX_COLS - nc) / 2;
        hc1_panel_build(at, n, (const void *const *)&act[c0], nc, panel);
        for (int r0 = 0; r0 + HC1_TILE_ROWS <= ROWS; r0 += 3) {
            /* columns past nc must stay as they are: a canary */
            for (int c = 0; c < HC1_MAX_COLS; c++) {
                cols[c] = out + c * HC1_TILE_ROWS;
                for (int r = 0; r < HC1_TILE_ROWS; r++) {
                    cols[c][r] = -1.0f;
                }
            }
            ft(n, w + r0 * rb, rb, panel, cols, nc, nc & 1 ? w : NULL);
            for (int c = nc; c < HC1_MAX_COLS; c++) {
                for (int r = 0; r < HC1_TILE_ROWS; r++) {
                    if (cols[c][r] != -1.0f) {
                        fprintf(stderr, "%s isa=%s tile: column %d of %d "
                                "written\n", ggml_traits(type)->name,
                                hc1_isa_name(isa), c, nc);
                        fails++;
                        break;
                    }
                }
            }
            for (int r = 0; r < HC1_TILE_ROWS; r++) {
                for (int c = 0; c < nc; c++) {
                    if (memcmp(&cols[c][r], &res[r0 + r][c0 + c],
                               sizeof(float)) == 0) {
                        continue;
                    }
                    fprintf(stderr, "%s isa=%s tile n=%llu: row %d column "
                            "%d differs from dot2 (first row %d, %d columns "
                            "from %d: %.9g vs %.9g)\n",
                            ggml_traits(type)->name, hc1_isa_name(isa),
                            (unsigned long long)n, r0 + r, c, r0, nc, c0,
                            cols[c][r], res[r0 + r][c0 + c]);
                    fails++;
                }
            }
        }
    }
    free(panel);
    free(w);
    free(out);
    free(res);
}

static void test_dot2(uint32_t type, hc1_dot2_fn f2, hc1_isa isa,
                      const void *w, size_t rb, uint64_t n, void *const *act,
                      uint64_t *seed)
{
    const char *name = ggml_traits(type)->name;
    uint8_t *w3 = malloc(3 * rb);
    float res[3][HC1_MAX_COLS], out[2 * HC1_MAX_COLS];

    memcpy(w3, w, rb);
    rand_row(type, w3 + rb, n, seed);
    rand_row(type, w3 + 2 * rb, n, seed);
    f2(n, w3, rb, 2, (const void *const *)act, HC1_MAX_COLS, out, NULL);
    memcpy(res[0], out, sizeof(res[0]));
    memcpy(res[1], out + HC1_MAX_COLS, sizeof(res[1]));
    f2(n, w3 + rb, rb, 2, (const void *const *)act, HC1_MAX_COLS, out,
       w3);
    memcpy(res[2], out + HC1_MAX_COLS, sizeof(res[2]));
    if (memcmp(res[1], out, sizeof(res[1]))) {
        fprintf(stderr, "%s isa=%s dot2: row 1 differs paired with row 0 "
                "and with row 2\n", name, hc1_isa_name(isa));
        fails++;
    }
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            double ref = ref_dot(type, w3 + r * rb, act[c], n);
            double tol = 1e-4 * fabs(ref) + 1e-3;
            if (fabs(res[r][c] - ref) > tol) {
                fprintf(stderr, "%s isa=%s dot2 row %d col %d: %g vs %g\n",
                        name, hc1_isa_name(isa), r, c, res[r][c], ref);
                fails++;
            }
        }
    }
    for (int nr = 1; nr <= 2; nr++) {
        for (int r0 = 0; r0 + nr <= 3; r0++) {
            for (int nc = 1; nc <= HC1_MAX_COLS; nc++) {
                for (int c0 = 0; c0 + nc <= HC1_MAX_COLS; c0++) {
                    /* with and without the prefetch hint: same bits */
                    f2(n, w3 + r0 * rb, rb, nr,
                       (const void *const *)&act[c0], nc, out,
                       nc & 1 ? w3 : NULL);
                    for (int r = 0; r < nr; r++) {
                        if (memcmp(&out[r * HC1_MAX_COLS],
                                   &res[r0 + r][c0], nc * sizeof(float))) {
                            fprintf(stderr, "%s isa=%s dot2: row %d differs "
                                    "with nr %d nc %d from column %d\n",
                                    name, hc1_isa_name(isa), r0 + r, nr, nc,
                                    c0);
                            fails++;
                        }
                    }
                }
            }
        }
    }
    test_panel(type, isa, w3, rb, n, act, res);
    test_tile(type, isa, f2, rb, n, act, seed);
    test_span(type, isa, f2, w3, rb, n, act);
    free(w3);
}

static void test_type(uint32_t type)
{
    uint64_t seed = 42 + type;
    /* 32 x 7 and 32 x 23: odd block counts, partial groups of 16 */
    const uint64_t sizes[] = { 224, 256, 512, 736, 2048, 5632 + 256 };
    for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        uint64_t n = sizes[si];
        if (n % ggml_traits(type)->blck) {
            continue;
        }
        size_t rb = ggml_row_size(type, n);
        uint32_t at = hc1_vec_dot_type(type);
        void *w = malloc(rb);
        float *x[HC1_MAX_COLS];
        void *act[HC1_MAX_COLS];
        rand_row(type, w, n, &seed);
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            x[c] = malloc(n * 4);
            for (uint64_t i = 0; i < n; i++) {
                x[c][i] = trng_normal(&seed) * (c + 1);
            }
            /* an outlier, as activations have */
            x[c][(c * 77) % n] = 30.0f;
            act[c] = aligned_alloc(64, (hc1_act_bytes(at, n) + 63) & ~63ul);
            hc1_act_convert(at, x[c], act[c], n);
        }
        for (int isa = 0; isa <= HC1_ISA_AVX512_BF16; isa++) {
            hc1_dot_fn fn = hc1_dot_kernel_isa(type, (hc1_isa)isa);
            if (!fn || (isa > 0 &&
                        fn == hc1_dot_kernel_isa(type, (hc1_isa)(isa - 1)))) {
                continue;   /* none, or the level below's */
            }
            float all[HC1_MAX_COLS];
            fn(n, w, (const void *const *)act, HC1_MAX_COLS, all);
            for (int c = 0; c < HC1_MAX_COLS; c++) {
                double r = ref_dot(type, w, act[c], n);
                double mag = 0;
                /* scale of the terms: sum of |products| bound */
                float *a = malloc(n * 4);
                hc1_dequant_row(type, w, a, n);
                for (uint64_t i = 0; i < n; i++) {
                    mag += fabs(a[i] * x[c][i]);
                }
                free(a);
                double err = fabs(all[c] - r);
                if (err > 1e-5 * mag + 1e-6) {
                    fprintf(stderr, "%s n=%llu isa=%s col %d: %.9g vs ref "
                            "%.9g (err %.3g, scale %.3g)\n",
                            ggml_traits(type)->name, (unsigned long long)n,
                            hc1_isa_name((hc1_isa)isa), c, all[c], r, err,
                            mag);
                    fails++;
                }
                /* batch invariance: this column alone, or in a group */
                for (int nc = 1; nc <= HC1_MAX_COLS - c; nc++) {
                    float part[HC1_MAX_COLS];
                    fn(n, w, (const void *const *)&act[c], nc, part);
                    if (memcmp(&part[0], &all[c], 4)) {
                        fprintf(stderr, "%s isa=%s: column %d differs when "
                                "run in a group of %d\n",
                                ggml_traits(type)->name,
                                hc1_isa_name((hc1_isa)isa), c, nc);
                        fails++;
                    }
                }
            }
        }
        /*
         * Two-row kernels: each row against the reference, and every row
         * bit-identical whatever it is paired with (or alone, nr = 1),
         * whatever the number of columns and a column's place among them.
         */
        for (int isa = HC1_ISA_AVX2; isa <= HC1_ISA_AVX512_BF16; isa++) {
            hc1_dot2_fn f2 = isa <= (int)hc1_isa_best() ?
                             hc1_dot2_kernel_x86(type, (hc1_isa)isa) : NULL;
            if (isa >= HC1_ISA_AVX512 && isa <= (int)hc1_isa_best()) {
                /* every format has one: the cases below must not vanish */
                CHECK(f2 != NULL);
            }
            if (!f2 || f2 == hc1_dot2_kernel_x86(type, (hc1_isa)(isa - 1))) {
                continue;
            }
            test_dot2(type, f2, (hc1_isa)isa, w, rb, n, act, &seed);
        }
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            free(x[c]);
            free(act[c]);
        }
        free(w);
    }
}

/*
 * The vdpbf16ps kernel (where the CPU has it) against the portable one,
 * including lengths that are not a multiple of its 32-element step: the
 * products are exact, only the f32 summation order differs, so the
 * results agree within a few f32 roundings of the sum of |products|.
 * Rows stay bit-identical alone or paired on these lengths too.
 */
static void test_bf16_dp(void)
{
    const uint64_t sizes[] = { 1, 31, 32, 33, 100, 2048, 4095, 5632 };
    uint64_t seed = 4242;
    hc1_dot2_fn f2 = hc1_isa_best() >= HC1_ISA_AVX512_BF16 ?
                     hc1_dot2_kernel_x86(GGML_BF16, HC1_ISA_AVX512_BF16) :
                     NULL;

    if (!f2) {
        printf("bf16: no avx512_bf16 on this CPU, vdpbf16ps not tested\n");
        return;
    }
    CHECK(f2 != hc1_dot2_kernel_x86(GGML_BF16, HC1_ISA_AVX512));
    for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        uint64_t n = sizes[si];
        size_t rb = ggml_row_size(GGML_BF16, n);
        uint8_t *w = malloc(2 * rb);
        void *act[HC1_MAX_COLS];
        float *x = malloc(n * 4);
        float got[2 * HC1_MAX_COLS], ref[HC1_MAX_COLS];

        rand_row(GGML_BF16, w, n, &seed);
        rand_row(GGML_BF16, w + rb, n, &seed);
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            for (uint64_t i = 0; i < n; i++) {
                x[i] = trng_normal(&seed) * (c + 1);
            }
            x[(c * 77) % n] = 30.0f;
            act[c] = aligned_alloc(64, (hc1_act_bytes(GGML_BF16, n) + 63) &
                                   ~63ul);
            hc1_act_convert(GGML_BF16, x, act[c], n);
        }
        f2(n, w, rb, 2, (const void *const *)act, HC1_MAX_COLS, got, NULL);
        for (int r = 0; r < 2; r++) {
            const uint16_t *wr = (const uint16_t *)(w + r * rb);
            hc1_dot_bf16_ref(n, wr, (const void *const *)act, HC1_MAX_COLS,
                             ref);
            for (int c = 0; c < HC1_MAX_COLS; c++) {
                const float *a = act[c];
                double mag = 0;
                for (uint64_t i = 0; i < n; i++) {
                    mag += fabs((double)bf16_to_f32(wr[i]) * a[i]);
                }
                double err = fabs((double)got[r * HC1_MAX_COLS + c] - ref[c]);
                if (err > 1e-5 * mag + 1e-6) {
                    fprintf(stderr, "bf16 vdpbf16ps n=%llu row %d col %d: "
                            "%.9g vs portable %.9g (scale %.3g)\n",
                            (unsigned long long)n, r, c,
                            got[r * HC1_MAX_COLS + c], ref[c], mag);
                    fails++;
                }
            }
        }
        test_dot2(GGML_BF16, f2, HC1_ISA_AVX512_BF16, w, rb, n, act, &seed);
        for (int c = 0; c < HC1_MAX_COLS; c++) {
            free(act[c]);
        }
        free(x);
        free(w);
    }
}

static void test_f16(void)
{
    /* every half round-trips; f32 -> f16 rounds to nearest even */
    for (uint32_t h = 0; h < 65536; h++) {
        float f = hc1_f16_to_f32_slow((uint16_t)h);
        if (isnan(f)) {
            continue;
        }
        if (hc1_f32_to_f16(f) != h) {
            fprintf(stderr, "f16 %04x does not round-trip\n", h);
            fails++;
            break;
        }
    }
    CHECK(hc1_f32_to_f16(1.0f + 0x1p-11f) == 0x3c00);  /* tie to even */
    CHECK(hc1_f32_to_f16(1.0f + 0x1p-11f + 0x1p-20f) == 0x3c01);
    CHECK(hc1_f32_to_f16(65520.0f) == 0x7c00);
    CHECK(hc1_f32_to_f16(65519.0f) == 0x7bff);
    CHECK(hc1_f32_to_f16(0x1p-25f) == 0x0000);          /* tie to even 0 */
    CHECK(hc1_f32_to_f16(0x1.8p-25f) == 0x0001);
}

#define F16_EDGES_CAP (6 * 0x7c00 + 16)

/*
 * Floats at the edges of f16 rounding (into @x, F16_EDGES_CAP long):
 * the midpoints between neighbouring finite halves (ties to even) and
 * a float either side, both signs, overflow, underflow, signed zeros;
 * returns how many, an odd count, so masked tails run too.
 */
static uint32_t f16_edges(float *x)
{
    uint32_t n = 0;

    for (uint32_t h = 0; h < 0x7c00; h++) {
        float a = hc1_f16_to_f32_slow((uint16_t)h);
        float m = 0.5f * (a + hc1_f16_to_f32_slow((uint16_t)(h + 1)));
        const float v[3] = { m, nextafterf(m, 0.0f), nextafterf(m, 1e9f) };
        for (int i = 0; i < 3; i++) {
            x[n++] = v[i];
            x[n++] = -v[i];
        }
    }
    x[n++] = 65520.0f;
    x[n++] = -1e30f;
    x[n++] = 0x1p-140f;
    x[n++] = -0.0f;
    x[n++] = 0.0f;
    CHECK(n % 8 != 0 && n <= F16_EDGES_CAP);
    return n;
}

/*
 * hc1_to_f16 at every level gives hc1_f32_to_f16's bits, and the
 * values of those bits.
 */
static void test_to_f16(void)
{
    float *x = malloc(F16_EDGES_CAP * 4), *r = malloc(F16_EDGES_CAP * 4);
    uint16_t *h = malloc(F16_EDGES_CAP * 2), *h2 = malloc(F16_EDGES_CAP * 2);
    uint32_t n = f16_edges(x);
    hc1_isa was = hc1_isa_current();

    for (int isa = HC1_ISA_PORTABLE; isa <= (int)hc1_isa_best(); isa++) {
        hc1_isa_force((hc1_isa)isa);
        hc1_to_f16(x, h, NULL, n);
        hc1_to_f16(x, h2, r, n);
        for (uint32_t i = 0; i < n; i++) {
            uint16_t want = hc1_f32_to_f16(x[i]);
            float wf = hc1_f16_to_f32_slow(want);
            if (h[i] != want || h2[i] != want || memcmp(&r[i], &wf, 4)) {
                fprintf(stderr, "to_f16 isa=%s: %a gives %04x / %a, not "
                        "%04x\n", hc1_isa_name((hc1_isa)isa), x[i], h[i],
                        r[i], want);
                fails++;
                break;
            }
        }
    }
    hc1_isa_force(was);
    free(x);
    free(r);
    free(h);
    free(h2);
}

/*
 * The attention's weights step at every SIMD level gives the portable
 * kernel's bits on the edges of f16 rounding (f16_edges), scaled by 1
 * and by 0.37.
 */
static void test_att_weights(void)
{
    float *x = malloc(F16_EDGES_CAP * 4), *w = malloc(F16_EDGES_CAP * 4);
    float *r = malloc(F16_EDGES_CAP * 4);
    uint32_t n = f16_edges(x);
    const float invs[2] = { 1.0f, 0.37f };
    hc1_isa was = hc1_isa_current();
    hc1_att_kernels ref[2];
    hc1_isa_force(HC1_ISA_PORTABLE);
    for (int kv16 = 0; kv16 < 2; kv16++) {
        ref[kv16] = hc1_att_kernel(kv16, 64);
    }
    hc1_isa_force(was);
    for (int isa = HC1_ISA_AVX2; isa <= (int)hc1_isa_best(); isa++) {
        for (int kv16 = 0; kv16 < 2; kv16++) {
            hc1_att_kernels ak = hc1_att_kernel_x86(kv16, (hc1_isa)isa);
            for (int k = 0; ak.weights && k < 2; k++) {
                memcpy(w, x, n * 4);
                memcpy(r, x, n * 4);
                ak.weights(w, n, invs[k]);
                ref[kv16].weights(r, n, invs[k]);
                for (uint32_t i = 0; i < n; i++) {
                    if (memcmp(&r[i], &w[i], 4)) {
                        fprintf(stderr, "att weights isa=%s kv16=%d: %a * "
                                "%g gives %a, not %a\n",
                                hc1_isa_name((hc1_isa)isa), kv16, x[i],
                                invs[k], w[i], r[i]);
                        fails++;
                        break;
                    }
                }
            }
        }
    }
    free(x);
    free(w);
    free(r);
}

/*
 * values4 (four heads at once) gives each head the bits of the level's
 * values kernel run for that head alone.
 */
static void check_values4(const uint8_t *v, size_t stride, uint32_t n,
                          uint32_t hd, bool kv16, uint64_t *rs)
{
    float *w[4], *a[4], *b[4];
    for (int h = 0; h < 4; h++) {
        w[h] = malloc(n * 4);
        a[h] = malloc(hd * 4);
        b[h] = malloc(hd * 4);
        for (uint32_t p = 0; p < n; p++) {
            w[h][p] = (float)(trng(rs) % 1000) / 1000.0f;
        }
    }
    for (int isa = HC1_ISA_AVX2; isa <= (int)hc1_isa_best(); isa++) {
        hc1_att_kernels ak = hc1_att_kernel_x86(kv16, (hc1_isa)isa);
        if (!ak.values4) {
            continue;
        }
        ak.values4((const float *const *)w, v, stride, n, hd, a);
        for (int h = 0; h < 4; h++) {
            ak.values(w[h], v, stride, n, hd, b[h]);
            if (memcmp(a[h], b[h], hd * 4)) {
                fprintf(stderr, "att values4 isa=%s hd=%u n=%u kv16=%d: "
                        "head %d differs from values\n",
                        hc1_isa_name((hc1_isa)isa), hd, n, kv16, h);
                fails++;
            }
        }
    }
    for (int h = 0; h < 4; h++) {
        free(w[h]);
        free(a[h]);
        free(b[h]);
    }
}

/*
 * scores4 (the four heads of a KV head in one pass) gives each head the
 * bits of the level's scores kernel run for that head alone.
 */
static void check_scores4(const uint8_t *k, size_t stride, uint32_t n,
                          uint32_t hd, bool kv16, uint64_t *rs)
{
    float *q[4], *a[4], *b[4];
    for (int h = 0; h < 4; h++) {
        q[h] = malloc(hd * 4);
        a[h] = malloc(n * 4);
        b[h] = malloc(n * 4);
        for (uint32_t d = 0; d < hd; d++) {
            q[h][d] = hc1_f16_to_f32_slow(hc1_f32_to_f16(trng_normal(rs)));
        }
    }
    for (int isa = HC1_ISA_AVX2; isa <= (int)hc1_isa_best(); isa++) {
        hc1_att_kernels ak = hc1_att_kernel_x86(kv16, (hc1_isa)isa);
        if (!ak.scores4) {
            continue;
        }
        ak.scores4((const float *const *)q, k, stride, n, hd, a);
        for (int h = 0; h < 4; h++) {
            ak.scores(q[h], k, stride, n, hd, b[h]);
            if (memcmp(a[h], b[h], n * 4)) {
                fprintf(stderr, "att scores4 isa=%s hd=%u n=%u kv16=%d: "
                        "head %d differs from scores\n",
                        hc1_isa_name((hc1_isa)isa), hd, n, kv16, h);
                fails++;
            }
        }
    }
    for (int h = 0; h < 4; h++) {
        free(q[h]);
        free(a[h]);
        free(b[h]);
    }
}

/*
 * Attention scores: every SIMD level gives the same bits (the sixteen
 * lanes and the fixed tree of kernels_x86_att.c), and the portable
 * kernel's sums within rounding, for head sizes 8 to 256, every count
 * of positions up to 40 (each tail of the blocks of eight) and 1000, f16
 * and f32 caches, rows 3 heads apart; and scores4 as scores, values4 as
 * values.
 */
static void test_att_scores(void)
{
    const uint32_t hds[] = { 8, 16, 24, 64, 128, 256 };
    const uint32_t heads = 3;
    uint64_t rs = 11;

    for (size_t h = 0; h < sizeof(hds) / sizeof(hds[0]); h++) {
        uint32_t hd = hds[h];
        size_t cap = 1000;
        float *q = malloc(hd * 4), *kf = malloc(cap * heads * hd * 4);
        uint16_t *kh = malloc(cap * heads * hd * 2);
        float *ref = malloc(cap * 4), *got = malloc(cap * 4);
        float *first = malloc(cap * 4);
        for (uint32_t d = 0; d < hd; d++) {
            q[d] = hc1_f16_to_f32_slow(hc1_f32_to_f16(trng_normal(&rs)));
        }
        for (size_t i = 0; i < cap * heads * hd; i++) {
            kh[i] = hc1_f32_to_f16(trng_normal(&rs));
            kf[i] = hc1_f16_to_f32_slow(kh[i]);
        }
        for (size_t n = 1; n <= cap; n = n < 40 ? n + 1 : cap) {
            for (int kv16 = 0; kv16 < 2; kv16++) {
                const uint8_t *k = kv16 ? (const uint8_t *)kh
                                        : (const uint8_t *)kf;
                size_t stride = (size_t)heads * hd * (kv16 ? 2 : 4);
                hc1_isa was = hc1_isa_current();
                hc1_isa_force(HC1_ISA_PORTABLE);
                hc1_att_kernel((bool)kv16, hd).scores(q, k, stride,
                                                      (uint32_t)n, hd, ref);
                hc1_isa_force(was);
                for (int isa = HC1_ISA_AVX2; isa <= (int)hc1_isa_best();
                     isa++) {
                    hc1_att_kernels ak = hc1_att_kernel_x86((bool)kv16,
                                                            (hc1_isa)isa);
                    if (!ak.scores) {
                        continue;
                    }
                    ak.scores(q, k, stride, (uint32_t)n, hd, got);
                    for (size_t p = 0; p < n; p++) {
                        bool near = fabsf(got[p] - ref[p]) <=
                                    1e-5f * (float)hd;
                        bool same = isa == HC1_ISA_AVX2 ||
                                    !memcmp(&got[p], &first[p], 4);
                        if (!near || !same) {
                            fprintf(stderr, "att scores isa=%s hd=%u n=%zu "
                                    "kv16=%d [%zu]: %a (portable %a, "
                                    "avx2 %a)\n",
                                    hc1_isa_name((hc1_isa)isa), hd, n, kv16,
                                    p, got[p], ref[p], first[p]);
                            fails++;
                            break;
                        }
                    }
                    if (isa == HC1_ISA_AVX2) {
                        memcpy(first, got, n * 4);
                    }
                }
                check_scores4(kv16 ? (const uint8_t *)kh
                                   : (const uint8_t *)kf,
                              stride, (uint32_t)n, hd, (bool)kv16, &rs);
                check_values4(kv16 ? (const uint8_t *)kh
                                   : (const uint8_t *)kf,
                              stride, (uint32_t)n, hd, (bool)kv16, &rs);
            }
            if (n == cap) {
                break;
            }
        }
        free(q);
        free(kf);
        free(kh);
        free(ref);
        free(got);
        free(first);
    }
}

/*
 * hc1_expf within 1.02 ulp of the exact exponential (a float's ulp,
 * 2^-149 below the normal range) at 2^20 points spread over every float
 * in [-110, 90]: every float there measured 1.01 at most. Infinity
 * above the largest float's logarithm, 0 far below, NaN kept.
 */
static void test_expf(void)
{
    double worst = 0.0;
    float wx = 0.0f;
    for (uint32_t i = 0; i < (1u << 20); i++) {
        /* the bit patterns in a stride that visits both signs */
        uint32_t b = i * 4093u;
        float x;
        memcpy(&x, &b, 4);
        if (!(x > -110.0f && x < 90.0f)) {
            continue;
        }
        double t = exp((double)x), ulp = 0x1p-149;
        float e = hc1_expf(x);
        if (t > 0x1.fffffep127) {
            CHECK(isinf(e) && e > 0);
            continue;
        }
        if (t >= 0x1p-126) {
            int ex;
            frexp(t, &ex);
            ulp = ldexp(1.0, ex - 24);
        }
        double err = fabs((double)e - t) / ulp;
        if (err > worst) {
            worst = err;
            wx = x;
        }
    }
    if (worst > 1.02) {
        fprintf(stderr, "hc1_expf: %.3f ulp at %a\n", worst, wx);
        fails++;
    }
    CHECK(isinf(hc1_expf(INFINITY)) && hc1_expf(89.0f) == INFINITY);
    CHECK(hc1_expf(-INFINITY) == 0.0f && hc1_expf(-200.0f) == 0.0f);
    CHECK(hc1_expf(-0.0f) == 1.0f && hc1_expf(0.0f) == 1.0f);
    CHECK(isnan(hc1_expf(NAN)));
    CHECK(hc1_expf(-103.0f) > 0.0f && hc1_expf(-103.0f) < 0x1p-126f);
}

/*
 * Every bit of @a and @b the same, but a NaN's sign and payload: which
 * NaN operand an x86 instruction passes on depends on the operand order
 * the compiler chose.
 */
static bool same_bits(const float *a, const float *b, size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        if (memcmp(&a[i], &b[i], 4) && !(isnan(a[i]) && isnan(b[i]))) {
            *at = i;
            return false;
        }
    }
    return true;
}

/*
 * The SIMD softmax, SwiGLU, expsum and argmax give the portable code's
 * bits, sums and positions, at
 * every length up to 40 (each tail) and at 1000, on random scores and
 * on what a broken model makes: infinities, NaN, zeros of both signs,
 * values that overflow or underflow the exponential.
 */
static void test_exp_kernels(void)
{
    const size_t cap = 1000;
    float *x = malloc(cap * 4), *y = malloc(cap * 4), *a = malloc(cap * 4);
    float *b = malloc(cap * 4);
    const float odd[] = { INFINITY, -INFINITY, NAN, 0.0f, -0.0f, 95.0f,
                          -95.0f, 120.0f, -120.0f, 0x1p-140f, 1e30f };
    uint64_t rs = 99;
    hc1_isa was = hc1_isa_current();
    hc1_isa_force(HC1_ISA_PORTABLE);
    hc1_exp_kernels ref = hc1_exp_kernel();
    hc1_isa_force(was);

    for (int isa = HC1_ISA_AVX2; isa <= (int)hc1_isa_best(); isa++) {
        hc1_exp_kernels k = hc1_exp_kernel_x86((hc1_isa)isa);
        if (!k.softmax) {
            continue;
        }
        for (size_t n = 1; n <= cap; n = n < 40 ? n + 1 : cap) {
            for (int kind = 0; kind < 3; kind++) {
                for (size_t i = 0; i < n; i++) {
                    x[i] = (float)(((trng(&rs) % 1000003) / 1000003.0) * 40.0 - 20.0);
                    y[i] = (float)(((trng(&rs) % 1000003) / 1000003.0) * 4.0 - 2.0);
                    if (kind == 2 || (kind == 1 && i % 3 == 0)) {
                        x[i] = odd[(i + n) % (sizeof(odd) / 4)];
                    }
                }
                size_t at = 0;
                memcpy(a, x, n * 4);
                memcpy(b, x, n * 4);
                double sa = k.softmax(a, (uint32_t)n, 0.125f);
                double sb = ref.softmax(b, (uint32_t)n, 0.125f);
                if (!same_bits(a, b, n, &at) ||
                    (memcmp(&sa, &sb, sizeof(sa)) &&
                     !(isnan(sa) && isnan(sb)))) {
                    fprintf(stderr, "softmax isa=%s n=%zu kind=%d: [%zu] "
                            "%a, not %a; sum %a, not %a\n",
                            hc1_isa_name((hc1_isa)isa), n, kind, at, a[at],
                            b[at], sa, sb);
                    fails++;
                }
                /* expsum at a temperature, written out and in place */
                double ea = k.expsum(x, a, (uint32_t)n, 3.0f, 1.25f);
                double eb = ref.expsum(x, b, (uint32_t)n, 3.0f, 1.25f);
                double ec = k.expsum(x, NULL, (uint32_t)n, 3.0f, 1.25f);
                if (!same_bits(a, b, n, &at) || memcmp(&ea, &eb, 8) ||
                    memcmp(&ec, &eb, 8)) {
                    fprintf(stderr, "expsum isa=%s n=%zu kind=%d: [%zu] "
                            "%a, not %a; sum %a or %a, not %a\n",
                            hc1_isa_name((hc1_isa)isa), n, kind, at, a[at],
                            b[at], ea, ec, eb);
                    fails++;
                }
                float ma, mb;
                uint32_t ia = k.argmax(x, (uint32_t)n, &ma);
                uint32_t ib = ref.argmax(x, (uint32_t)n, &mb);
                if (ia != ib || memcmp(&ma, &mb, 4)) {
                    fprintf(stderr, "argmax isa=%s n=%zu kind=%d: %u (%a), "
                            "not %u (%a)\n", hc1_isa_name((hc1_isa)isa), n,
                            kind, ia, ma, ib, mb);
                    fails++;
                }
                memcpy(a, x, n * 4);
                memcpy(b, x, n * 4);
                k.swiglu(a, y, n);
                ref.swiglu(b, y, n);
                if (!same_bits(a, b, n, &at)) {
                    fprintf(stderr, "swiglu isa=%s n=%zu kind=%d: silu(%a) "
                            "* %a gives %a, not %a\n",
                            hc1_isa_name((hc1_isa)isa), n, kind, x[at],
                            y[at], a[at], b[at]);
                    fails++;
                }
            }
            if (n == cap) {
                break;
            }
        }
    }
    /* a softmax of finite scores sums to 1 after the division */
    for (size_t i = 0; i < 100; i++) {
        x[i] = (float)(((trng(&rs) % 1000003) / 1000003.0) * 30.0);
    }
    double s = ref.softmax(x, 100, 1.0f), t = 0.0;
    for (size_t i = 0; i < 100; i++) {
        CHECK(x[i] > 0.0f && x[i] <= 1.0f);
        t += x[i] / s;
    }
    CHECK(fabs(t - 1.0) < 1e-6);
    free(x);
    free(y);
    free(a);
    free(b);
}

/*
 * The SIMD activation quantiser gives the portable one's bytes, on
 * normal values and on what a broken model makes: NaN, infinities,
 * zeros, ties for the largest magnitude with either sign, denormals.
 */
static void test_actq_simd(void)
{
    const uint64_t n = 2048;
    float *x = malloc(n * 4);
    uint8_t *a = malloc(hc1_act_bytes(GGML_Q8_0, n) + 64);
    uint8_t *b = malloc(hc1_act_bytes(GGML_Q8_0, n) + 64);
    uint64_t s = 99;
    const uint32_t types[] = { GGML_Q8_0, GGML_Q8_K };
    hc1_isa best = hc1_isa_best();

    if (best < HC1_ISA_AVX512) {
        printf("actq: no avx512 on this CPU, SIMD quantiser not tested\n");
        free(x);
        free(a);
        free(b);
        return;
    }
    for (int round = 0; round < 40; round++) {
        for (uint64_t i = 0; i < n; i++) {
            x[i] = trng_normal(&s) * (float)(1 + round % 7);
        }
        for (int k = 0; k < 24; k++) {
            uint64_t at = trng(&s) % n;
            switch ((round + k) % 8) {
            case 0: x[at] = NAN; break;
            case 1: x[at] = INFINITY; break;
            case 2: x[at] = -INFINITY; break;
            case 3: x[at] = 0.0f; break;
            case 4: x[at] = 1e-40f; break;
            case 5: x[at] = -x[(at + 1) % n]; break;
            case 6: x[at] = 3e38f; break;
            default: x[at] = 0.5f; break;
            }
        }
        if (round % 5 == 0) {
            /* a block of zeros, a block of one value, a signed tie */
            memset(x, 0, 256 * 4);
            for (int i = 256; i < 512; i++) {
                x[i] = 0.25f;
            }
            x[600] = 7.0f;
            x[700] = -7.0f;
        }
        for (int t = 0; t < 2; t++) {
            size_t bytes = hc1_act_bytes(types[t], n);
            /* the same bytes in the gaps between sections */
            memset(a, 0x5a, bytes);
            memset(b, 0x5a, bytes);
            hc1_isa_force(HC1_ISA_PORTABLE);
            hc1_act_convert(types[t], x, a, n);
            hc1_isa_force(best);
            hc1_act_convert(types[t], x, b, n);
            if (memcmp(a, b, bytes)) {
                fprintf(stderr, "actq %s round %d: SIMD bytes differ\n",
                        ggml_traits(types[t])->name, round);
                fails++;
            }
        }
    }
    free(x);
    free(a);
    free(b);
}

static void test_actq(void)
{
    /* Q8_0 and Q8_K activations reproduce x within half a step */
    uint64_t s = 7;
    float x[512];
    uint8_t buf[2048];
    for (int i = 0; i < 512; i++) {
        x[i] = trng_normal(&s);
    }
    hc1_act_convert(GGML_Q8_K, x, buf, 512);
    hc1_actq_view v = hc1_actq(buf, GGML_Q8_K, 512);
    for (int i = 0; i < 512; i++) {
        CHECK(fabsf(v.d[i / 256] * v.qs[i] - x[i]) <=
              0.5f * fabsf(v.d[i / 256]) * 1.0001f);
    }
    for (int j = 0; j < 32; j++) {
        int sum = 0;
        for (int l = 0; l < 16; l++) {
            sum += v.qs[j * 16 + l];
        }
        CHECK(sum == v.bsum[j]);
    }
    /* same quants as the block-layout quantiser */
    blk_q8_K kb[2];
    hc1_quant_row_q8_K(x, kb, 512);
    CHECK(memcmp(kb[0].qs, v.qs, 256) == 0 && kb[0].d == v.d[0]);
    blk_q8_0 b0[16];
    hc1_quant_row_q8_0(x, b0, 512);
    hc1_act_convert(GGML_Q8_0, x, buf, 512);
    v = hc1_actq(buf, GGML_Q8_0, 512);
    for (int i = 0; i < 16; i++) {
        CHECK(memcmp(b0[i].qs, v.qs + 32 * i, 32) == 0);
        CHECK(f16_to_f32(b0[i].d) == v.d[i]);
    }
}

/*
 * Converting a row and building a panel range by range (as the
 * tensor-parallel FFN does, forward.c) must give the bytes of doing it
 * whole: every activation type, every panel kind, rows of 1 to 3 parts
 * of 256 (and a Q8_0 row whose last part is an odd number of blocks),
 * with the buffers first filled with garbage.
 */
static void test_ranges(void)
{
    const uint32_t acts[] = { GGML_F16, GGML_BF16, GGML_F32, GGML_Q8_0,
                              GGML_Q8_K };
    const uint32_t kinds[] = { GGML_Q8_0, GGML_Q8_K, GGML_Q6_K };
    const uint64_t ns[] = { 256, 768, 800 };
    uint64_t seed = 7;

    for (size_t a = 0; a < sizeof(acts) / sizeof(acts[0]); a++) {
        for (size_t q = 0; q < sizeof(ns) / sizeof(ns[0]); q++) {
            uint64_t n = ns[q];
            if (n % 256 && acts[a] == GGML_Q8_K) {
                continue;
            }
            size_t ab = hc1_act_bytes(acts[a], n);
            float *x = malloc(n * sizeof(float));
            uint8_t *whole = malloc(ab), *parts = malloc(ab);
            for (uint64_t i = 0; i < n; i++) {
                x[i] = (float)((int64_t)(trng(&seed) % 2001) - 1000) / 97.0f;
            }
            memset(whole, 0xa5, ab);
            memset(parts, 0xa5, ab);
            hc1_act_convert(acts[a], x, whole, n);
            for (uint64_t k0 = 0; k0 < n; k0 += 256) {
                hc1_act_convert_range(acts[a], x, parts, n, k0,
                                      k0 + 256 < n ? k0 + 256 : n);
            }
            if (memcmp(whole, parts, ab)) {
                fprintf(stderr, "%s n=%llu: conversion by ranges differs\n",
                        ggml_traits(acts[a])->name, (unsigned long long)n);
                fails++;
            }
            free(x);
            free(whole);
            free(parts);
        }
    }
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        uint32_t at = kinds[k] == GGML_Q6_K ? GGML_Q8_K : kinds[k];
        for (size_t q = 0; q < sizeof(ns) / sizeof(ns[0]); q++) {
            uint64_t n = ns[q];
            if (n % 256 && at == GGML_Q8_K) {
                continue;
            }
            size_t ab = (hc1_act_bytes(at, n) + 63) & ~(size_t)63;
            size_t pb = hc1_panel_bytes(kinds[k], n);
            uint8_t *act = aligned_alloc(64, ab * 5);
            uint8_t *whole = aligned_alloc(64, (pb + 63) & ~(size_t)63);
            uint8_t *parts = aligned_alloc(64, (pb + 63) & ~(size_t)63);
            const void *cols[5];
            float *x = malloc(n * sizeof(float));
            for (int c = 0; c < 5; c++) {
                for (uint64_t i = 0; i < n; i++) {
                    x[i] = (float)((int64_t)(trng(&seed) % 2001) - 1000) /
                           31.0f;
                }
                hc1_act_convert(at, x, act + c * ab, n);
                cols[c] = act + c * ab;
            }
            memset(whole, 0x5a, pb);
            memset(parts, 0x5a, pb);
            hc1_panel_build(kinds[k], n, cols, 5, whole);
            for (uint64_t k0 = 0; k0 < n; k0 += 256) {
                hc1_panel_build_range(kinds[k], n, cols, 5, parts, k0,
                                      k0 + 256 < n ? k0 + 256 : n);
            }
            /* the padding between sections is never read */
            hc1_panel_view vw = hc1_panel(whole, kinds[k], n);
            hc1_panel_view vp = hc1_panel(parts, kinds[k], n);
            size_t qd = (size_t)((const uint8_t *)vw.no8 - whole);
            size_t dend = n * 8 + hc1_panel_nd(kinds[k], n) * 32;
            if (memcmp(vw.qs, vp.qs, dend) ||
                memcmp(whole + qd, parts + qd, pb - qd)) {
                fprintf(stderr, "kind %s n=%llu: panel by ranges differs\n",
                        ggml_traits(kinds[k])->name, (unsigned long long)n);
                fails++;
            }
            free(x);
            free(act);
            free(whole);
            free(parts);
        }
    }
}

int main(void)
{
    hc1_quant_init();
    test_f16();
    test_to_f16();
    test_ranges();
    test_actq();
    test_actq_simd();
    test_bf16_dp();
    test_att_weights();
    test_att_scores();
    test_expf();
    test_exp_kernels();
    const uint32_t types[] = { GGML_F32, GGML_F16, GGML_BF16, GGML_Q8_0,
                               GGML_Q4_0, GGML_Q4_K, GGML_Q6_K };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        test_type(types[i]);
    }
    printf("kernels: best ISA %s; panel kernels checked on %d shapes, "
           "tile kernels on %d, span kernels on %d\n",
           hc1_isa_name(hc1_isa_best()), panel_checks, tile_checks,
           span_checks);
    printf("%d passed, %d failed\n", fails ? 0 : 1, fails ? 1 : 0);
    return fails ? 1 : 0;
}
