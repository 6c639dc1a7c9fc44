/*
 * The firmware's logic as a host unit test: each case starts QEMU (q35,
 * qtest accelerator, no guest) with a card configuration, runs the same
 * fw_run() the bare-metal images run through the qtest accessors, and
 * checks the result code. TAP output; the firmware's report appears as
 * comments.
 *
 * usage: fw-host-test QEMU MODEL [CASE...]
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"
#include "hal-qtest.h"
#include "plat.h"

/* q35 under qtest: 128 MiB of RAM and nobody using it. */
#define DMA_BASE 0x01000000ull
#define DMA_SIZE 0x04000000ull
#define MEM32_BASE 0xc0000000ull
#define MEM32_END 0xfec00000ull

typedef struct Case {
    const char *name;
    const char *what;
    /* QEMU arguments; "%s" is replaced by the model path. */
    const char *args[8];
    int expect;
    const char *qom_prop;       /* fault to inject on "card", or NULL */
    const char *qom_value;      /* as JSON */
    uint32_t boot_timeout_ms;   /* 0: the default */
} Case;

#define CARD "hc1,id=card,rom=%s"

static const Case cases[] = {
    { .name = "pass", .what = "a card on the root bus passes everything",
      .args = { "-device", CARD }, .expect = FW_PASS },
    { .name = "bridge",
      .what = "a card behind a PCIe root port (bus 1) passes",
      .args = { "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
                "-device", CARD ",bus=rp1" }, .expect = FW_PASS },
    { .name = "absent", .what = "no card: reported as absent",
      .args = { "-device", "pcie-root-port,id=rp1,chassis=1,slot=1" },
      .expect = FW_ERR_NO_CARD },
    { .name = "not-ready", .what = "boot outlasts the firmware's timeout",
      .args = { "-device", CARD }, .expect = FW_ERR_NOT_READY,
      .boot_timeout_ms = 1 },
    { .name = "fatal", .what = "an injected fatal error is reported",
      .args = { "-device", CARD }, .expect = FW_ERR_FATAL,
      .qom_prop = "x-fault-fatal", .qom_value = "true" },
    { .name = "dma-error", .what = "an injected DMA error is reported",
      .args = { "-device", CARD }, .expect = FW_ERR_DMA,
      .qom_prop = "x-fault-dma-errors", .qom_value = "1" },
    { .name = "lost-completion",
      .what = "a dropped completion times out, no hang",
      .args = { "-device", CARD }, .expect = FW_ERR_QUEUE,
      .qom_prop = "x-fault-drop-completions", .qom_value = "1" },
};

static int run_case(const char *qemu, const char *model, const Case *c)
{
    char *argv_buf[ARRAY_SIZE(c->args) + 1];
    const char *argv[ARRAY_SIZE(c->args) + 1];
    QtestClient *q;
    PciHost host = { 0 };
    FwConfig cfg;
    size_t n = 0;
    int rc;

    for (; n < ARRAY_SIZE(c->args) && c->args[n]; n++) {
        size_t len = strlen(c->args[n]) + strlen(model) + 1;
        argv_buf[n] = malloc(len);
        snprintf(argv_buf[n], len, c->args[n], model);
        argv[n] = argv_buf[n];
    }
    argv[n] = NULL;
    q = qtc_start(qemu, argv);
    for (size_t i = 0; i < n; i++) {
        free(argv_buf[i]);
    }
    if (!q) {
        return -1;
    }
    if (c->qom_prop) {
        char *r = qtc_qmp(q, "{\"execute\": \"qom-set\", \"arguments\": "
                          "{\"path\": \"/machine/peripheral/card\", "
                          "\"property\": \"%s\", \"value\": %s}}",
                          c->qom_prop, c->qom_value);
        bool ok = r && !strstr(r, "\"error\"");
        if (!ok) {
            printf("# qom-set %s failed: %s\n", c->qom_prop, r ? r : "");
        }
        free(r);
        if (!ok) {
            qtc_stop(q);
            return -1;
        }
    }
    hal_qtest_init(q, DMA_BASE, DMA_SIZE);
    host.bus_start = 0;
    host.bus_end = 255;
    host.mem32.base = MEM32_BASE;
    host.mem32.size = MEM32_END - MEM32_BASE;
    fw_default_config(&cfg);
    cfg.ready_timeout_ms = c->qom_prop ? 1000 : 3000;
    cfg.cmd_timeout_ms = c->qom_prop ? 1000 : 10000;
    if (c->boot_timeout_ms) {
        cfg.boot_timeout_ms = c->boot_timeout_ms;
    }
    rc = fw_run(&host, &cfg);
    if (qtc_failed(q)) {
        rc = -1;
    }
    qtc_stop(q);
    return rc;
}

int main(int argc, char **argv)
{
    int failures = 0, planned = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: %s QEMU MODEL [CASE...]\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        bool want = argc == 3;
        for (int a = 3; a < argc; a++) {
            want |= !strcmp(argv[a], cases[i].name);
        }
        planned += want;
    }
    printf("1..%d\n", planned);
    for (size_t i = 0, t = 1; i < ARRAY_SIZE(cases); i++) {
        const Case *c = &cases[i];
        bool want = argc == 3;
        for (int a = 3; a < argc; a++) {
            want |= !strcmp(argv[a], c->name);
        }
        if (!want) {
            continue;
        }
        printf("# case %s: %s\n", c->name, c->what);
        fflush(stdout);
        int rc = run_case(argv[1], argv[2], c);
        bool ok = rc == c->expect;
        failures += !ok;
        printf("%s %zu - %s (result %d %s, expected %d %s)\n",
               ok ? "ok" : "not ok", t++, c->name, rc,
               rc < 0 ? "qtest error" : fw_result_name(rc), c->expect,
               fw_result_name(c->expect));
        fflush(stdout);
    }
    return failures ? 1 : 0;
}
