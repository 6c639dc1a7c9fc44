/*
 * What the portable part offers the platform entry code.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FW_PLAT_H
#define FW_PLAT_H

#include "fw.h"
#include "pci.h"

/* One line about the host bridge, in the same form on every platform. */
void plat_report_pci_host(uint64_t ecam_base, const PciHost *h);

/* Enumerate under @host and run fw_main on what was found. */
int fw_run(const PciHost *host, const FwConfig *cfg);

#endif
