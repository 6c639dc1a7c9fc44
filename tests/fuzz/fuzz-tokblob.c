/*
 * Fuzz target: any byte string as the tokenizer blob the guest reads
 * from the card (hc1_tokblob.h). The guest library and the host tools
 * parse it with hc1_tok_init; a driver must survive a card (or a ROM)
 * that hands it garbage. What initialises is then used on fixed texts.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz.h"
#include "fuzz-util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const texts[] = {
        "Hello, world!",
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
        " \xe2\x96\x81leading  spaces\t\r\n 12345 don't",
        "\xf0\x9f\x98\x80 caf\xc3\xa9 \xff\xfe bad utf-8 \xc3",
    };
    hc1_tok t;

    if (hc1_tok_init(&t, data, size, &fuzz_tok_alloc) != 0) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char *s = texts[i];
        size_t n = 0;
        while (s[n]) {
            n++;
        }
        fuzz_tok_exercise(&t, s, n, NULL);
    }
    hc1_tok_fini(&t);
    return 0;
}
