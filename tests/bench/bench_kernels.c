/*
 * Kernel throughput: each weight format's dot kernel at each ISA level
 * the CPU has (a level that keeps the kernel of the one below is not
 * repeated), single thread, over a 4096 x 2048 matrix (bigger than
 * L2, like decode) with 1 and 4 activation columns. Prints weight GB/s
 * and integer/float multiply-accumulates per second. The 8-column runs
 * take 8 distinct columns, as batched decode does: for the float formats
 * they do not fit L1 (8 x 8 KiB of f32), which is what the span path,
 * a tile of rows against spans of the columns as the matmul runs it,
 * is for. First it prints the core's ceiling for the integer kernels,
 * vpdpbusd from registers with no dependences.
 *
 *   bench_kernels [MIB]   the matrix as that many MiB of weights instead
 *                         (64: beyond L3, streamed from DRAM as in decode;
 *                         the two-row loop then prefetches as the matmul)
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "kernels.h"
#include "quant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * The core's own ceiling for the integer kernels: vpdpbusd on 512 bits
 * (64 byte products) from registers, twelve independent chains so
 * latency does not count. A kernel's GMAC/s over this is the share of
 * the multipliers it keeps busy. 0 where there is no AVX-512 VNNI.
 */
static double vnni_peak_gmacs(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (hc1_isa_best() < HC1_ISA_AVX512) {
        return 0;
    }
    const long iters = 20000000;
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now_s();
        for (long k = 0; k < iters; k++) {
            __asm__ volatile(
                "vpdpbusd %%zmm30, %%zmm31, %%zmm0\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm1\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm2\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm3\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm4\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm5\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm6\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm7\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm8\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm9\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm10\n\t"
                "vpdpbusd %%zmm30, %%zmm31, %%zmm11\n\t"
                : /* no outputs */
                : /* no inputs */
                : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11");
        }
        double dt = now_s() - t0;
        best = dt < best ? dt : best;
    }
    return iters * 12.0 * 64 / best / 1e9;
#else
    return 0;
#endif
}

int main(int argc, char **argv)
{
    const uint32_t types[] = { GGML_F32, GGML_F16, GGML_BF16, GGML_Q8_0,
                               GGML_Q4_0, GGML_Q4_K, GGML_Q6_K };
    const uint64_t n = 2048;
    uint64_t mib = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
    hc1_quant_init();
    double peak = vnni_peak_gmacs();
    if (peak > 0) {
        printf("vpdpbusd on 512 bits, one core: %.0f GMAC/s (the integer "
               "kernels' ceiling)\n", peak);
    }
    printf("%-6s %-12s %4s %10s %10s\n", "type", "isa", "cols", "GB/s",
           "GMAC/s");
    for (size_t ti = 0; ti < sizeof(types) / sizeof(types[0]); ti++) {
        uint32_t t = types[ti];
        size_t rb = ggml_row_size(t, n);
        /* an even number of rows: the two-row loop takes them in pairs */
        uint64_t rows = mib ? ((mib << 20) / rb) & ~(uint64_t)1 : 4096;
        uint8_t *w = malloc(rb * rows);
        for (size_t i = 0; i < rb * rows; i++) {
            w[i] = (uint8_t)(i * 2654435761u >> 13);
        }
        /* sane scales: rewrite f16 fields to small values */
        for (uint64_t r = 0; r < rows; r++) {
            float *row = malloc(n * 4);
            for (uint64_t k = 0; k < n; k++) {
                row[k] = (float)((r * 31 + k * 17) % 97) / 97.0f - 0.5f;
            }
            if (t == GGML_F32) {
                memcpy(w + r * rb, row, rb);
            } else if (t == GGML_F16) {
                hc1_quant_row_f16(row, (uint16_t *)(w + r * rb), n);
            } else if (t == GGML_BF16) {
                for (uint64_t k = 0; k < n; k++) {
                    ((uint16_t *)(w + r * rb))[k] =
                        (uint16_t)(f32_bits(row[k]) >> 16);
                }
            } else if (t == GGML_Q8_0) {
                hc1_quant_row_q8_0(row, (blk_q8_0 *)(w + r * rb), n);
            }
            free(row);
        }
        uint32_t at = hc1_vec_dot_type(t);
        float *x = malloc(n * 4);
        for (uint64_t k = 0; k < n; k++) {
            x[k] = (float)(k % 13) - 6.0f;
        }
        size_t ab = (hc1_act_bytes(at, n) + 63) & ~(size_t)63;
        uint8_t *act = aligned_alloc(64, ab * 8);
        for (int c = 0; c < 8; c++) {
            hc1_act_convert(at, x, act + c * ab, n);
        }
        for (int isa = HC1_ISA_AVX2; isa <= (int)hc1_isa_best(); isa++) {
            hc1_dot2_fn f2 = hc1_dot2_kernel_x86(t, (hc1_isa)isa);
            if (!f2 || f2 == hc1_dot2_kernel_x86(t, (hc1_isa)(isa - 1))) {
                continue;   /* none, or the level below's */
            }
            for (int nc = 1; nc <= 8; nc += 7) {
                const void *xs[8];
                float out[16];
                double best = 1e9;
                for (int c = 0; c < 8; c++) {
                    xs[c] = act + c * ab;
                }
                for (int rep = 0; rep < 5; rep++) {
                    double t0 = now_s();
                    for (uint64_t r = 0; r < rows; r += 2) {
                        /* as the matmul does (matmul.c, PF_BYTES): a
                         * burst with one column, spread with more */
                        const uint8_t *pf = mib ? w + (r + 2) * rb + 4608
                                                : NULL;
                        if (pf && nc == 1) {
                            for (size_t o = 0; o < 2 * rb; o += 64) {
                                __builtin_prefetch(pf + o, 0, 0);
                            }
                            pf = NULL;
                        }
                        f2(n, w + r * rb, rb, 2, xs, nc, out, pf);
                    }
                    double dt = now_s() - t0;
                    best = dt < best ? dt : best;
                }
                printf("%-6s %-12s %4d %10.2f %10.2f  (2 rows)\n",
                       ggml_traits(t)->name, hc1_isa_name((hc1_isa)isa), nc,
                       rb * rows / best / 1e9, n * rows * nc / best / 1e9);
            }
        }
        /* the panel kernel, as the matmul runs it for 2..8 columns */
        hc1_dotp_fn fp = hc1_dotp_kernel(t);
        if (fp) {
            const void *xs[8];
            float out[16];
            double best = 1e9;
            uint32_t kind = hc1_panel_kind(t);
            void *panel = aligned_alloc(64, (hc1_panel_bytes(kind, n) + 63) &
                                            ~(size_t)63);
            for (int c = 0; c < 8; c++) {
                xs[c] = act + c * ab;
            }
            hc1_panel_build(kind, n, xs, 8, panel);
            for (int rep = 0; rep < 5; rep++) {
                double t0 = now_s();
                for (uint64_t r = 0; r < rows; r += 2) {
                    const uint8_t *pf = mib ? w + (r + 2) * rb + 4608 : NULL;
                    fp(n, w + r * rb, rb, 2, panel, out, pf);
                }
                double dt = now_s() - t0;
                best = dt < best ? dt : best;
            }
            printf("%-6s %-12s %4d %10.2f %10.2f  (2 rows, panel)\n",
                   ggml_traits(t)->name, hc1_isa_name(hc1_isa_current()), 8,
                   rb * rows / best / 1e9, n * rows * 8 / best / 1e9);
            /* the tile kernel, where the format has one: 32 rows a call */
            hc1_dott_fn ft = hc1_dott_kernel(t);
            if (ft) {
                float tout[HC1_TILE_ROWS * HC1_MAX_COLS];
                float *cols[HC1_MAX_COLS];
                for (int c = 0; c < HC1_MAX_COLS; c++) {
                    cols[c] = tout + c * HC1_TILE_ROWS;
                }
                best = 1e9;
                for (int rep = 0; rep < 5; rep++) {
                    double t0 = now_s();
                    for (uint64_t r = 0; r + HC1_TILE_ROWS <= rows;
                         r += HC1_TILE_ROWS) {
                        const uint8_t *pf = mib && r + 2 * HC1_TILE_ROWS <=
                                            rows ? w + (r + HC1_TILE_ROWS) *
                                            rb : NULL;
                        ft(n, w + r * rb, rb, panel, cols, 8, pf);
                    }
                    double dt = now_s() - t0;
                    best = dt < best ? dt : best;
                }
                printf("%-6s %-12s %4d %10.2f %10.2f  (32 rows, tile)\n",
                       ggml_traits(t)->name, hc1_isa_name(hc1_isa_current()),
                       8, rb * (rows & ~31ull) / best / 1e9,
                       n * (rows & ~31ull) * 8 / best / 1e9);
            }
            free(panel);
        }
        /*
         * the span kernel, as the matmul runs it for 2..8 columns
         * (matmul.c, mm_spans): tiles of 64 KiB of rows, spans of
         * HC1_DOTK_SPAN elements, the next tile prefetched
         */
        hc1_dotk_fn fk = hc1_dotk_kernel(t);
        if (fk) {
            const void *xs[8];
            uint32_t tile = (64 * 1024 / rb) & ~1u;
            uint64_t n16 = n & ~(uint64_t)(HC1_DOTK_STEP - 1);
            float *acc = aligned_alloc(64, tile * HC1_MAX_COLS *
                                           HC1_DOTK_STEP * 4);
            float *res = malloc(tile * HC1_MAX_COLS * 4);
            double best = 1e9;
            for (int c = 0; c < 8; c++) {
                xs[c] = act + c * ab;
            }
            for (int rep = 0; rep < 5; rep++) {
                double t0 = now_s();
                for (uint64_t r = 0; r + tile <= rows; r += tile) {
                    const uint8_t *pf = mib && r + 2 * tile <= rows ?
                                        w + (r + tile) * rb : NULL;
                    for (uint64_t k0 = 0; k0 < n16; k0 += HC1_DOTK_SPAN) {
                        uint64_t k1 = n16 - k0 < HC1_DOTK_SPAN
                                      ? n16 : k0 + HC1_DOTK_SPAN;
                        fk(n, k0, k1, w + r * rb, rb, tile, xs, 8, acc, res,
                           pf);
                    }
                }
                double dt = now_s() - t0;
                best = dt < best ? dt : best;
            }
            uint64_t done = rows / tile * tile;
            printf("%-6s %-12s %4d %10.2f %10.2f  (span tiles)\n",
                   ggml_traits(t)->name, hc1_isa_name(hc1_isa_current()), 8,
                   rb * done / best / 1e9, n * done * 8 / best / 1e9);
            free(acc);
            free(res);
        }
        for (int isa = 0; isa <= HC1_ISA_AVX512_BF16; isa++) {
            hc1_dot_fn fn = hc1_dot_kernel_isa(t, (hc1_isa)isa);
            if (!fn || (isa > 0 &&
                        fn == hc1_dot_kernel_isa(t, (hc1_isa)(isa - 1)))) {
                continue;
            }
            for (int nc = 1; nc <= 8; nc = nc == 1 ? 4 : nc * 2) {
                const void *xs[8];
                float out[8];
                for (int c = 0; c < 8; c++) {
                    xs[c] = act + c * ab;
                }
                double best = 1e9;
                for (int rep = 0; rep < 5; rep++) {
                    double t0 = now_s();
                    for (uint64_t r = 0; r < rows; r++) {
                        fn(n, w + r * rb, xs, nc, out);
                    }
                    double dt = now_s() - t0;
                    best = dt < best ? dt : best;
                }
                printf("%-6s %-12s %4d %10.2f %10.2f\n", ggml_traits(t)->name,
                       hc1_isa_name((hc1_isa)isa), nc,
                       rb * rows / best / 1e9, n * rows * nc / best / 1e9);
            }
        }
        free(w);
        free(x);
        free(act);
    }
    return 0;
}
