/*
 * libhc1: LoRA adapters. The card checks a CRC-32C (Castagnoli,
 * reflected, initial and final XOR 0xffffffff) of what it receives.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "hc1_lib_int.h"

uint32_t hc1_crc32c(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t crc = 0xffffffffu;

    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
        }
    }
    return crc ^ 0xffffffffu;
}

int hc1_lora_load(hc1_card *card, uint32_t slot, const void *data,
                  uint32_t len)
{
    struct hc1_ioc_lora l = { 0 };
    int ret;

    l.slot = slot;
    l.len = len;
    l.data = (uintptr_t)data;
    l.crc32c = hc1_crc32c(data, len);
    ret = hc1__ioctl(card, HC1_IOC_LORA_LOAD, &l, sizeof(l));
    return ret ? hc1__fail(card, ret, "load LoRA slot %u", slot) : 0;
}

int hc1_lora_unload(hc1_card *card, uint32_t slot)
{
    struct hc1_ioc_lora l = { 0 };
    int ret;

    l.slot = slot;
    ret = hc1__ioctl(card, HC1_IOC_LORA_UNLOAD, &l, sizeof(l));
    return ret ? hc1__fail(card, ret, "unload LoRA slot %u", slot) : 0;
}
