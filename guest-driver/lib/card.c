/*
 * libhc1: opening a card, identity, statistics, the tokenizer.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hc1_lib_int.h"

int hc1__fail(hc1_card *card, int err, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (!card) {
        return err;
    }
    va_start(ap, fmt);
    vsnprintf(card->err, sizeof(card->err), fmt, ap);
    va_end(ap);
    n = strlen(card->err);
    if (err < 0 && n < sizeof(card->err)) {
        snprintf(card->err + n, sizeof(card->err) - n, ": %s",
                 strerror(-err));
    }
    return err;
}

int hc1__ioctl(hc1_card *card, unsigned long req, void *arg, uint32_t size)
{
    /* Every argument starts with its size and flags. */
    memcpy(arg, &size, sizeof(size));
    for (;;) {
        if (ioctl(card->fd, req, arg) == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

int hc1_card_open(const char *path, hc1_card **out)
{
    hc1_card *card;
    int ret;

    *out = NULL;
    card = calloc(1, sizeof(*card));
    if (!card) {
        return -ENOMEM;
    }
    if (!path) {
        path = "/dev/hc1-0";
    }
    card->fd = open(path, O_RDWR | O_CLOEXEC);
    if (card->fd < 0) {
        ret = -errno;
        free(card);
        return ret;
    }
    ret = hc1__ioctl(card, HC1_IOC_INFO, &card->info, sizeof(card->info));
    if (ret) {
        close(card->fd);
        free(card);
        return ret;
    }
    *out = card;
    return 0;
}

void hc1_card_close(hc1_card *card)
{
    if (!card) {
        return;
    }
    if (card->have_tok) {
        hc1_tok_fini(&card->tok);
    }
    free(card->blob);
    free(card->stash);
    close(card->fd);
    free(card);
}

const struct hc1_ioc_info *hc1_card_info(const hc1_card *card)
{
    return &card->info;
}

const char *hc1_card_error(const hc1_card *card)
{
    return card->err[0] ? card->err : "no error";
}

int hc1_card_fd(const hc1_card *card)
{
    return card->fd;
}

int hc1_card_stats(hc1_card *card, struct hc1_ioc_stats *st)
{
    memset(st, 0, sizeof(*st));
    int ret = hc1__ioctl(card, HC1_IOC_STATS, st, sizeof(*st));
    return ret ? hc1__fail(card, ret, "statistics") : 0;
}

int hc1_card_reset(hc1_card *card)
{
    struct hc1_ioc_reset r = { 0 };
    int ret = hc1__ioctl(card, HC1_IOC_RESET, &r, sizeof(r));
    return ret ? hc1__fail(card, ret, "reset") : 0;
}

static void *tok_alloc(void *opaque, size_t n)
{
    (void)opaque;
    return malloc(n);
}

static void tok_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

int hc1_card_tokenizer(hc1_card *card, const hc1_tok **out)
{
    const hc1_tok_alloc a = { tok_alloc, tok_free, NULL };
    struct hc1_ioc_tokenizer t = { 0 };
    uint32_t total;
    int ret;

    if (card->have_tok) {
        *out = &card->tok;
        return 0;
    }
    ret = hc1__ioctl(card, HC1_IOC_TOKENIZER, &t, sizeof(t));
    if (ret) {
        return hc1__fail(card, ret, "tokenizer size");
    }
    total = t.total;
    if (!total) {
        return hc1__fail(card, -ENOENT, "the card's model has no tokenizer");
    }
    card->blob = malloc(total);
    if (!card->blob) {
        return hc1__fail(card, -ENOMEM, "tokenizer blob");
    }
    memset(&t, 0, sizeof(t));
    t.data = (uintptr_t)card->blob;
    t.len = total;
    ret = hc1__ioctl(card, HC1_IOC_TOKENIZER, &t, sizeof(t));
    if (ret) {
        return hc1__fail(card, ret, "reading the tokenizer");
    }
    ret = hc1_tok_init(&card->tok, card->blob, total, &a);
    if (ret) {
        return hc1__fail(card, -EPROTO, "tokenizer blob from the card: %s",
                         hc1_tok_strerror(ret));
    }
    card->have_tok = true;
    *out = &card->tok;
    return 0;
}

long hc1_tokenize(hc1_card *card, const char *text, bool no_bos,
                  int32_t **ids)
{
    const hc1_tok *t;
    uint32_t fl = HC1_ENC_PARSE_SPECIAL;
    size_t len = strlen(text);
    long n;
    int ret;

    *ids = NULL;
    ret = hc1_card_tokenizer(card, &t);
    if (ret) {
        return ret;
    }
    if (!no_bos && hc1_tok_add_bos(t)) {
        fl |= HC1_ENC_ADD_BOS;
    }
    n = hc1_tok_encode(t, text, len, fl, NULL, 0);
    if (n < 0) {
        return hc1__fail(card, -EINVAL, "tokenize: %s",
                         hc1_tok_strerror((int)n));
    }
    *ids = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    if (!*ids) {
        return -ENOMEM;
    }
    hc1_tok_encode(t, text, len, fl, *ids, (size_t)n);
    return n;
}

char *hc1_chat_render(const hc1_chat_msg *msgs, size_t n, bool bos)
{
    uint32_t fl = HC1_CHAT_ADD_ASSISTANT | (bos ? HC1_CHAT_BOS : 0);
    size_t len = hc1_tok_chat_llama31(msgs, n, fl, NULL, NULL, 0);
    char *s = malloc(len + 1);

    if (s) {
        hc1_tok_chat_llama31(msgs, n, fl, NULL, s, len + 1);
        s[len] = 0;
    }
    return s;
}
