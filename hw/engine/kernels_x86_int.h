/*
 * Shared by the x86 kernel files (kernels_x86.c, kernels_x86_block32.c,
 * kernels_x86_kquant.c): the AVX-512 target strings, the dispatch of the
 * two-row kernels to one instance per (rows, columns), the prefetch
 * helper, the mask of a loop's last lanes, and the kernels each file
 * gives the dispatch tables.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_KERNELS_X86_INT_H
#define HC1_KERNELS_X86_INT_H

#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)

#define T512 "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni,avx512dq"

/*
 * The bodies take nr and nc as compile-time constants (always inlined
 * into one instance per (nr, nc)): with run-time counts the compiler
 * keeps the accumulators in memory.
 */
#define KINL static inline __attribute__((always_inline, target(T512)))

/* AVX-512 VNNI plus vdpbf16ps (HC1_ISA_AVX512_BF16) */
#define T512BF T512 ",avx512bf16"

/* The mask of lanes [0, m) of sixteen: the tail of a loop 16 at a time. */
static inline uint16_t hc1_lanes16(uint64_t m)
{
    return m < 16 ? (uint16_t)((1u << m) - 1) : (uint16_t)0xffff;
}

/*
 * Defines NAME (prefix it with static for a file-local kernel), with
 * the target of BODY (T512, or T512BF for Z2_DISPATCH_T).
 */
#define Z2_DISPATCH(NAME, BODY) Z2_DISPATCH_T(NAME, BODY, T512)
#define Z2_DISPATCH_T(NAME, BODY, TARGET)                                   \
__attribute__((target(TARGET)))                                             \
void NAME(uint64_t n, const void *w, size_t rb, int nr,                     \
          const void *const *x, int nc, float *out, const void *pf)         \
{                                                                           \
    switch ((nr == 2 ? 8 : 0) + nc - 1) {                                   \
    case 0: BODY(n, w, rb, 1, x, 1, out, pf); break;                        \
    case 1: BODY(n, w, rb, 1, x, 2, out, pf); break;                        \
    case 2: BODY(n, w, rb, 1, x, 3, out, pf); break;                        \
    case 3: BODY(n, w, rb, 1, x, 4, out, pf); break;                        \
    case 4: BODY(n, w, rb, 1, x, 5, out, pf); break;                        \
    case 5: BODY(n, w, rb, 1, x, 6, out, pf); break;                        \
    case 6: BODY(n, w, rb, 1, x, 7, out, pf); break;                        \
    case 7: BODY(n, w, rb, 1, x, 8, out, pf); break;                        \
    case 8: BODY(n, w, rb, 2, x, 1, out, pf); break;                        \
    case 9: BODY(n, w, rb, 2, x, 2, out, pf); break;                        \
    case 10: BODY(n, w, rb, 2, x, 3, out, pf); break;                       \
    case 11: BODY(n, w, rb, 2, x, 4, out, pf); break;                       \
    case 12: BODY(n, w, rb, 2, x, 5, out, pf); break;                       \
    case 13: BODY(n, w, rb, 2, x, 6, out, pf); break;                       \
    case 14: BODY(n, w, rb, 2, x, 7, out, pf); break;                       \
    default: BODY(n, w, rb, 2, x, 8, out, pf); break;                       \
    }                                                                       \
}

/* The span kernels (hc1_dotk_fn) of the float formats, by columns. */
#define ZK_DISPATCH(NAME, BODY)                                             \
__attribute__((target(T512)))                                               \
void NAME(uint64_t n, uint64_t k0, uint64_t k1, const void *w, size_t rb,  \
          uint32_t rows, const void *const *x, int nc, float *acc,         \
          float *out, const void *pf)                                       \
{                                                                           \
    switch (nc) {                                                           \
    case 1: BODY(n, k0, k1, w, rb, rows, x, 1, acc, out, pf); break;        \
    case 2: BODY(n, k0, k1, w, rb, rows, x, 2, acc, out, pf); break;        \
    case 3: BODY(n, k0, k1, w, rb, rows, x, 3, acc, out, pf); break;        \
    case 4: BODY(n, k0, k1, w, rb, rows, x, 4, acc, out, pf); break;        \
    case 5: BODY(n, k0, k1, w, rb, rows, x, 5, acc, out, pf); break;        \
    case 6: BODY(n, k0, k1, w, rb, rows, x, 6, acc, out, pf); break;        \
    case 7: BODY(n, k0, k1, w, rb, rows, x, 7, acc, out, pf); break;        \
    default: BODY(n, k0, k1, w, rb, rows, x, 8, acc, out, pf); break;       \
    }                                                                       \
}

/*
 * Prefetch the bytes [@o, @o + @len) of each of the @nr rows at @pf
 * (rows @rb apart) while the kernel works on the same bytes of its own
 * rows: one request per cache line, spread over the compute.
 */
#define KPF(pf, rb, nr, o, len) KPF_HINT(pf, rb, nr, o, len, 0)
#define KPF_HINT(pf, rb, nr, o, len, hint) do {                             \
        if (pf) {                                                           \
            for (int r_ = 0; r_ < (nr); r_++) {                             \
                for (size_t q_ = 0; q_ < (size_t)(len); q_ += 64) {         \
                    __builtin_prefetch((const uint8_t *)(pf) + r_ * (rb) +  \
                                       (o) + q_, 0, hint);                  \
                }                                                           \
            }                                                               \
        }                                                                   \
    } while (0)

/* kernels_x86_block32.c: Q4_0 and Q8_0 weights, two rows and panel */
void hc1_dot2_q4_0_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *const *x, int nc, float *out,
                     const void *pf);
void hc1_dotp_q4_0_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *panel, float *out, const void *pf);
void hc1_dot2_q8_0_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *const *x, int nc, float *out,
                     const void *pf);
void hc1_dotp_q8_0_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *panel, float *out, const void *pf);

/* kernels_x86_tile.c: Q4_0 and Q4_K weights, 32 rows against a panel */
void hc1_dott_q4_0_z(uint64_t n, const void *w, size_t rb,
                     const void *panel, float *const *cols, int nc,
                     const void *pf);
void hc1_dott_q4_K_z(uint64_t n, const void *w, size_t rb,
                     const void *panel, float *const *cols, int nc,
                     const void *pf);

/* kernels_x86_kquant.c: Q4_K and Q6_K weights, two rows and panel */
void hc1_dot2_q4_K_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *const *x, int nc, float *out,
                     const void *pf);
void hc1_dot2_q6_K_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *const *x, int nc, float *out,
                     const void *pf);
void hc1_dotp_q4_K_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *panel, float *out, const void *pf);
void hc1_dotp_q6_K_z(uint64_t n, const void *w, size_t rb, int nr,
                     const void *panel, float *out, const void *pf);


#endif

#endif /* HC1_KERNELS_X86_INT_H */
