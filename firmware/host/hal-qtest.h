/*
 * The hardware-access layer over QEMU's qtest protocol: the firmware's
 * logic drives a q35 machine with no guest CPU running, from the host.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_HAL_QTEST_H
#define FW_HAL_QTEST_H

#include "hal.h"
#include "qtest-client.h"

/* Point the global hal at @q, with DMA memory [dma_base, +dma_size). */
void hal_qtest_init(QtestClient *q, uint64_t dma_base, uint64_t dma_size);

#endif
