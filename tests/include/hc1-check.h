/*
 * Checks for the project's C unit tests: CHECK() counts every check,
 * prints the first failures with their place, and check_summary() ends
 * the test with "N checks, N failed" and the exit status meson reads.
 * Quiet on success, because some tests make millions of checks.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HC1_CHECK_H
#define HC1_CHECK_H

#include <stdio.h>

#define CHECK_MAX_REPORTED 20

static int check_failures, check_count;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        check_count++;                                                    \
        if (!(cond)) {                                                    \
            check_failures++;                                             \
            if (check_failures <= CHECK_MAX_REPORTED) {                   \
                printf("FAIL %s:%d: ", __FILE__, __LINE__);               \
                printf(__VA_ARGS__);                                      \
                printf("\n");                                             \
            }                                                             \
        }                                                                 \
    } while (0)

static inline int check_summary(void)
{
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif /* HC1_CHECK_H */
