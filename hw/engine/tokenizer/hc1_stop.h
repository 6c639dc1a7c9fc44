/*
 * Stop sequences over generated text (freestanding, shared by the card
 * model, the guest library and host tools).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_STOP_H
#define HC1_STOP_H

#include <stddef.h>

/*
 * Find the earliest occurrence in @text[0..len) of any of the @n stop
 * strings (NUL-terminated; empty ones are ignored). Returns the index of
 * the stop string found, with its offset in *at, or -1 when none occurs.
 * *hold (optional) receives how many trailing bytes of @text begin some
 * stop string: a streaming caller withholds them until more text comes.
 */
int hc1_stop_find(const char *text, size_t len, const char *const *stops,
                  size_t n, size_t *at, size_t *hold);

#endif /* HC1_STOP_H */
