/*
 * Unicode code point classes: binary search over generated ranges.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_unicode.h"
#include "hc1_unicode_tables.h"

static bool in_ranges(const uint32_t (*r)[2], uint32_t n, uint32_t cp)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid][0]) {
            hi = mid;
        } else if (cp > r[mid][1]) {
            lo = mid + 1;
        } else {
            return true;
        }
    }
    return false;
}

#define N_OF(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

bool hc1_uc_is_letter(uint32_t cp)
{
    if (cp < 0x80) {
        return (cp | 32) >= 'a' && (cp | 32) <= 'z';
    }
    return in_ranges(uc_letter, N_OF(uc_letter), cp);
}

bool hc1_uc_is_number(uint32_t cp)
{
    if (cp < 0x80) {
        return cp >= '0' && cp <= '9';
    }
    return in_ranges(uc_number, N_OF(uc_number), cp);
}

bool hc1_uc_is_space(uint32_t cp)
{
    switch (cp) {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20:
    case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202f: case 0x205f: case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200a;
    }
}

bool hc1_uc_is_assigned(uint32_t cp)
{
    return in_ranges(uc_assigned, N_OF(uc_assigned), cp);
}
