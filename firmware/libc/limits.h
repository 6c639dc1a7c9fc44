/*
 * Freestanding limits.h: GCC's own copy defers to a libc one we do not
 * have, so give the constants libfdt needs from GCC's predefined macros.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_LIMITS_H
#define FW_LIMITS_H

#define CHAR_BIT    __CHAR_BIT__
#define INT_MAX     __INT_MAX__
#define INT_MIN     (-INT_MAX - 1)
#define UINT_MAX    (INT_MAX * 2U + 1U)
#define LONG_MAX    __LONG_MAX__
#define LONG_MIN    (-LONG_MAX - 1L)
#define ULONG_MAX   (LONG_MAX * 2UL + 1UL)

#endif
