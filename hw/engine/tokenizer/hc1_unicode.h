/*
 * Unicode code point classes the tokenizer needs (freestanding).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_UNICODE_H
#define HC1_UNICODE_H

#include <stdbool.h>
#include <stdint.h>

bool hc1_uc_is_letter(uint32_t cp);     /* \p{L} */
bool hc1_uc_is_number(uint32_t cp);     /* \p{N} */
bool hc1_uc_is_space(uint32_t cp);      /* \s (White_Space) */
bool hc1_uc_is_assigned(uint32_t cp);   /* general category is not Cn */

#endif /* HC1_UNICODE_H */
