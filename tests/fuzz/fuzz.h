/*
 * The libFuzzer entry points every target in tests/fuzz defines. The same
 * target object links either with libFuzzer (-fsanitize=fuzzer, clang
 * only) to search, or with replay.c to rerun saved inputs as tests.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HC1_FUZZ_H
#define HC1_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* HC1_FUZZ_H */
