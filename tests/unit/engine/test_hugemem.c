/*
 * Memory in 2 MiB pages (hugemem.c): aligned, zeroed, writable, apart
 * from every other allocation, advised for huge pages, and refused
 * rather than wrapped round for absurd sizes.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "testutil.h"
#include "hugemem.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Is every byte of @p[0..@n) zero? */
static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return 0;
        }
    }
    return 1;
}

static void test_sizes(void)
{
    static const size_t lens[] = {
        1, 4095, 4096, 4097, (size_t)3 << 20, ((size_t)3 << 20) + 5,
        (size_t)4 << 20,
    };
    uint8_t *keep[7];

    for (int i = 0; i < 7; i++) {
        size_t n = lens[i];
        uint8_t *p = hc1_huge_alloc(n);
        CHECK(p);
        CHECK(((uintptr_t)p & (HC1_HUGE_PAGE - 1)) == 0);
        CHECK(all_zero(p, n));
        memset(p, 0xa0 + i, n);
        keep[i] = p;
    }
    /* each still holds its own pattern: none overlaps another */
    for (int i = 0; i < 7; i++) {
        for (size_t j = 0; j < lens[i]; j += 4093) {
            CHECK(keep[i][j] == 0xa0 + i);
        }
        CHECK(keep[i][lens[i] - 1] == 0xa0 + i);
        hc1_huge_free(keep[i], lens[i]);
    }
    hc1_huge_free(NULL, 4096);
}

static void test_absurd(void)
{
    CHECK(hc1_huge_alloc(0) == NULL);
    CHECK(hc1_huge_alloc(SIZE_MAX) == NULL);
    CHECK(hc1_huge_alloc(SIZE_MAX - 4096) == NULL);
    CHECK(hc1_huge_alloc(SIZE_MAX / 2 + 1) == NULL);
    CHECK(hc1_huge_reserve(SIZE_MAX, PROT_NONE) == NULL);
}

/*
 * The mapping of @p carries the kernel's huge-page advice ("hg" in its
 * VmFlags). Whether the kernel then gives 2 MiB pages depends on the
 * host (free memory, its settings), so that is not checked here.
 */
static int advised(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512], head[32];
    int in = 0, hg = -1;

    if (!f) {
        return -1;
    }
    snprintf(head, sizeof(head), "%lx-", (unsigned long)(uintptr_t)p);
    while (fgets(line, sizeof(line), f)) {
        if (!in) {
            in = !strncmp(line, head, strlen(head));
        } else if (!strncmp(line, "VmFlags:", 8)) {
            hg = strstr(line, " hg") != NULL;
            break;
        }
    }
    fclose(f);
    return hg;
}

static void test_advice(void)
{
    size_t n = (size_t)4 << 20;
    uint8_t *p;

    if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK)) {
        printf("hugemem: this kernel has no transparent huge pages, "
               "advice not checked\n");
        return;
    }
    p = hc1_huge_alloc(n);
    CHECK(p);
    int hg = advised(p);
    if (hg < 0) {
        printf("hugemem: no /proc/self/smaps entry, advice not checked\n");
    } else {
        CHECK(hg == 1);
    }
    hc1_huge_free(p, n);
}

int main(void)
{
    test_sizes();
    test_absurd();
    test_advice();
    printf("hugemem: ok\n");
    return 0;
}
