/*
 * hc1_expf (vexp.h) on a vector of lanes, step for step: included by
 * kernels_x86_exp.c once per vector width, with
 *   EXP_NAME    the function's name
 *   EXP_TARGET  its target attribute
 *   VF, VI      the float and integer vector types
 *   VF_(op)     the intrinsic _mm256_##op or _mm512_##op
 *   VF_TO_I, VI_TO_F  the bit casts between them
 * and undefines them again at the end.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

static inline __attribute__((always_inline, target(EXP_TARGET)))
VF EXP_NAME(VF x)
{
    /* min/max return their second operand for a NaN, as the C clamps */
    x = VF_(min_ps)(VF_(set1_ps)(HC1_EXP_HI), x);
    x = VF_(max_ps)(VF_(set1_ps)(HC1_EXP_LO), x);
    VF t = VF_(fmadd_ps)(x, VF_(set1_ps)(HC1_EXP_LOG2E),
                         VF_(set1_ps)(HC1_EXP_ROUND));
    VF n = VF_(sub_ps)(t, VF_(set1_ps)(HC1_EXP_ROUND));
    VF r = VF_(fmadd_ps)(n, VF_(set1_ps)(-HC1_EXP_LN2_HI), x);
    r = VF_(fmadd_ps)(n, VF_(set1_ps)(-HC1_EXP_LN2_LO), r);
    VF p = VF_(fmadd_ps)(VF_(set1_ps)(HC1_EXP_C7), r,
                         VF_(set1_ps)(HC1_EXP_C6));
    p = VF_(fmadd_ps)(p, r, VF_(set1_ps)(HC1_EXP_C5));
    p = VF_(fmadd_ps)(p, r, VF_(set1_ps)(HC1_EXP_C4));
    p = VF_(fmadd_ps)(p, r, VF_(set1_ps)(HC1_EXP_C3));
    p = VF_(fmadd_ps)(p, r, VF_(set1_ps)(HC1_EXP_C2));
    VF y = VF_(add_ps)(VF_(fmadd_ps)(p, VF_(mul_ps)(r, r), r),
                       VF_(set1_ps)(1.0f));
    VI ni = VF_(sub_epi32)(VF_TO_I(t), VF_(set1_epi32)(0x4b400000));
    VI n1 = VF_(srai_epi32)(ni, 1);
    VI n2 = VF_(sub_epi32)(ni, n1);
    VI bias = VF_(set1_epi32)(127);
    VF s1 = VI_TO_F(VF_(slli_epi32)(VF_(add_epi32)(n1, bias), 23));
    VF s2 = VI_TO_F(VF_(slli_epi32)(VF_(add_epi32)(n2, bias), 23));
    VF e = VF_(mul_ps)(VF_(mul_ps)(y, s1), s2);
    HC1_FP_OPAQUE(e);
    return e;
}

#undef EXP_NAME
#undef EXP_TARGET
#undef VF
#undef VI
#undef VF_
#undef VF_TO_I
#undef VI_TO_F
