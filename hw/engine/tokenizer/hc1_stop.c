/*
 * Stop sequences (freestanding).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_stop.h"

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static int prefix_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

int hc1_stop_find(const char *text, size_t len, const char *const *stops,
                  size_t n, size_t *at, size_t *hold)
{
    int found = -1;
    size_t best = len, h = 0;

    for (size_t k = 0; k < n; k++) {
        if (!stops || !stops[k]) {
            continue;
        }
        size_t sl = slen(stops[k]);
        if (sl == 0) {
            continue;
        }
        for (size_t i = 0; i + sl <= len && i < best; i++) {
            if (prefix_eq(text + i, stops[k], sl)) {
                best = i;
                found = (int)k;
                break;
            }
        }
        /* longest tail of text that is a proper prefix of this stop */
        size_t m = sl - 1 < len ? sl - 1 : len;
        for (; m > h; m--) {
            if (prefix_eq(text + len - m, stops[k], m)) {
                h = m;
                break;
            }
        }
    }
    if (at) {
        *at = found >= 0 ? best : len;
    }
    if (hold) {
        *hold = found >= 0 ? 0 : h;
    }
    return found;
}
