/*
 * Expected results, computed at build time by mkgolden.py with the host
 * tool hc1-llm for the same ROM the tests give the card (golden.c is
 * generated; nothing here is typed in by hand).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_GOLDEN_H
#define FW_GOLDEN_H

#include <stdbool.h>
#include <stdint.h>

extern const char fw_golden_model_name[];
extern const bool fw_golden_have_model;     /* the SHA-256 below is real */
extern const uint8_t fw_golden_model_sha256[32];
extern const uint32_t fw_golden_n_prompt;
extern const int32_t fw_golden_prompt[];
extern const uint32_t fw_golden_n_ids;      /* 0: no golden ids */
extern const int32_t fw_golden_ids[];

#endif
