/*
 * Helpers shared by the fuzz targets: the tokenizer's allocator, and
 * reading the fixed files a target is initialised with.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HC1_FUZZ_UTIL_H
#define HC1_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "hc1_tok.h"

/* malloc/free for hc1_tok_init. */
extern const hc1_tok_alloc fuzz_tok_alloc;

/* The whole of @path in a malloc'd buffer, or NULL with a message. */
uint8_t *fuzz_read_file(const char *path, size_t *len);

/*
 * Exercise a tokenizer that initialised: encode @text plain, parsing
 * special tokens, and with BOS and EOS into a short buffer (checking
 * that this adds exactly BOS and EOS and stores a prefix), decode what
 * came out, and look up and render a spread of ids. Any result is fine;
 * a crash, a sanitizer report or a violated property (abort) is a
 * finding. Returns the ids of the plain encoding (in *@plain, valid
 * until the next call; at most 4096 of them), or its negative error.
 */
long fuzz_tok_exercise(const hc1_tok *t, const char *text, size_t len,
                       const int32_t **plain);

#endif /* HC1_FUZZ_UTIL_H */
