/*
 * libhc1 internals shared by its files.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_LIB_INT_H
#define HC1_LIB_INT_H

#include "libhc1.h"

struct hc1_card {
    int fd;
    struct hc1_ioc_info info;
    char err[256];
    hc1_tok tok;
    bool have_tok;
    void *blob;
    /* Events read for a context other than the one being generated. */
    struct hc1_event *stash;
    size_t n_stash, cap_stash;
};

struct hc1_context {
    hc1_card *card;
    uint32_t id;
    uint32_t kv_tokens;
};

/* Record "what: strerror(-err)" as the card's last error; returns err. */
int hc1__fail(hc1_card *card, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ioctl with the size field filled in; 0 or -errno. */
int hc1__ioctl(hc1_card *card, unsigned long req, void *arg, uint32_t size);

#endif /* HC1_LIB_INT_H */
