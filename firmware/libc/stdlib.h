/*
 * Freestanding stdlib.h: libfdt includes it but, without fdt_overlay.c,
 * needs nothing from it.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_STDLIB_H
#define FW_STDLIB_H

#include <stddef.h>

#endif
