/*
 * Fault injection (qom-set on the x-fault-* properties, through QMP):
 * each fault's effect on the guest interface as the manual describes.
 *
 * usage: test-faults QEMU ROM.gguf
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc1-dev.h"

static const char *qemu, *rom;

static bool qom_set(Hc1Dev *d, const char *prop, const char *json)
{
    char *r = qtc_qmp(d->q, "{\"execute\": \"qom-set\", \"arguments\": "
                      "{\"path\": \"/machine/peripheral/card\", "
                      "\"property\": \"%s\", \"value\": %s}}", prop, json);
    bool ok = r && strstr(r, "\"return\"");

    if (r && !ok) {
        fprintf(stderr, "qom-set %s: %s", prop, r);
    }
    free(r);
    return ok;
}

static uint16_t identify(Hc1Dev *d, uint64_t buf)
{
    struct hc1_sqe sqe;

    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    return hc1t_cmd(d, 0, &sqe, NULL);
}

static Hc1Dev *up(void)
{
    Hc1Dev *d = hc1t_open(qemu, rom, ",id=card,max-ctx-tokens=512");

    if (d && (!hc1t_enable(d, 32) ||
              hc1t_create_ioq(d, 1, 64, 1, true) ||
              hc1t_create_ioq(d, 2, 64, 2, true))) {
        hc1t_close(d);
        return NULL;
    }
    return d;
}

static void test_dma_drop_slow(void)
{
    Hc1Dev *d = up();
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    uint64_t buf;
    uint16_t cid;

    CHECK(d != NULL, "card up (id=card)");
    if (!d) {
        return;
    }
    buf = hc1t_alloc(d, 4096, 4096);
    CHECK(qom_set(d, "x-fault-dma-errors", "1"), "qom-set x-fault-dma-errors=1");
    CHECK(identify(d, buf) == HC1_SC_DATA_XFER_ERROR,
          "the next transfer fails: DATA_XFER_ERROR");
    CHECK(identify(d, buf) == 0, "the one after succeeds");

    CHECK(qom_set(d, "x-fault-drop-completions", "1"),
          "qom-set x-fault-drop-completions=1");
    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    cid = hc1t_submit(d, 0, &sqe);
    CHECK(!hc1t_wait(d, 0, cid, &cqe, 300), "that completion never comes");
    CHECK(identify(d, buf) == 0, "the next one does");
    hc1t_sqe_init(&sqe, HC1_ADM_GET_LOG_PAGE);
    sqe.dptr1 = buf;
    sqe.cdw10 = HC1_LOG_STATS;
    sqe.cdw11 = 256;
    CHECK(hc1t_cmd(d, 0, &sqe, NULL) == 0 && qtc_readl(d->q, buf + 0x60) == 1,
          "statistics count 1 dropped completion");

    CHECK(qom_set(d, "x-fault-slow-completion-ms", "50"),
          "qom-set x-fault-slow-completion-ms=50");
    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    cid = hc1t_submit(d, 0, &sqe);
    CHECK(!hc1t_wait(d, 0, cid, &cqe, 200), "not complete before 50 ms");
    qtc_clock_step(d->q, 60 * 1000 * 1000);
    CHECK(hc1t_wait(d, 0, cid, &cqe, 1000) && hc1t_sc(&cqe) == 0,
          "complete after 60 ms of virtual time");
    CHECK(!qom_set(d, "x-fault-sram-ecc", "7"),
          "x-fault-sram-ecc on a missing context is refused");
    hc1t_close(d);
}

static void test_ecc_thermal(void)
{
    Hc1Dev *d = up();
    struct hc1_decode_params p;
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    Hc1TCtx a, b;
    int32_t t[4] = { 1, 2, 3, 4 };
    uint16_t cid, aer;
    char num[16];

    CHECK(d != NULL, "card up");
    if (!d) {
        return;
    }
    hc1t_sqe_init(&sqe, HC1_ADM_ASYNC_EVENT);
    aer = hc1t_submit(d, 0, &sqe);
    hc1t_ctx_create(d, 1, 128, 8, false, 0, 0, &a);
    hc1t_ctx_create(d, 2, 128, 64, false, 0, 0, &b);
    hc1t_prefill(d, &a, t, 4, NULL);
    hc1t_prefill(d, &b, t, 4, NULL);
    hc1t_decode_params(&p, 50);
    cid = hc1t_decode_submit(d, &a, &p);    /* stalls on its ring of 8 */
    for (int i = 0; i < 2000 && qtc_readl(d->q, a.ctl) != 7; i++) {
        usleep(1000);
    }
    snprintf(num, sizeof(num), "%u", a.id);
    CHECK(qom_set(d, "x-fault-sram-ecc", num), "qom-set x-fault-sram-ecc=%u",
          a.id);
    CHECK(hc1t_wait(d, 1, cid, &cqe, 10000) &&
          hc1t_sc(&cqe) == HC1_SC_CONTEXT_LOST,
          "the running decode fails: CONTEXT_LOST");
    CHECK(hc1t_wait(d, 0, aer, &cqe, 5000) &&
          (cqe.dw0 & 0xff) == HC1_AEN_HEALTH &&
          ((cqe.dw0 >> 8) & 0xff) == HC1_ERR_SRAM_ECC && cqe.dw1 == a.id,
          "a health event names the context");
    CHECK(hc1t_prefill(d, &a, t, 1, NULL) == HC1_SC_CONTEXT_LOST,
          "later commands: CONTEXT_LOST");
    hc1t_decode_params(&p, 4);
    cid = hc1t_decode_submit(d, &b, &p);
    CHECK(hc1t_wait(d, 2, cid, &cqe, 10000) && hc1t_sc(&cqe) == 0 &&
          cqe.dw0 == 4, "another context is unaffected");
    CHECK(hc1t_ctx_cmd(d, &a, HC1_IO_DESTROY_CONTEXT, 0, NULL) == 0,
          "the lost context can be destroyed");

    /* Thermal trip. */
    hc1t_sqe_init(&sqe, HC1_ADM_ASYNC_EVENT);
    aer = hc1t_submit(d, 0, &sqe);
    CHECK(qom_set(d, "x-fault-thermal-trip", "true"),
          "qom-set x-fault-thermal-trip=on");
    CHECK(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_TRIPPED, "CSTS.TRIPPED");
    CHECK(hc1t_rd(d, HC1_REG_THERMAL_TRIPS) == 1 &&
          hc1t_rd(d, HC1_REG_TEMP_MC) >= HC1_TEMP_TRIP_MC,
          "THERMAL_TRIPS 1, TEMP %u mC", hc1t_rd(d, HC1_REG_TEMP_MC));
    CHECK(hc1t_wait(d, 0, aer, &cqe, 5000) &&
          (cqe.dw0 & 0xff) == HC1_AEN_HEALTH &&
          ((cqe.dw0 >> 8) & 0xff) == HC1_ERR_THERMAL_TRIP,
          "a health event reports the trip");
    CHECK(hc1t_prefill(d, &b, t, 1, NULL) == HC1_SC_THERMAL,
          "prefill while tripped: THERMAL");
    hc1t_sqe_init(&sqe, HC1_ADM_ASYNC_EVENT);
    aer = hc1t_submit(d, 0, &sqe);
    qtc_clock_step(d->q, 2000ll * 1000 * 1000);
    CHECK(!(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_TRIPPED) &&
          hc1t_rd(d, HC1_REG_TEMP_MC) <= HC1_TEMP_RESUME_MC,
          "cooled after 2 s: %u mC", hc1t_rd(d, HC1_REG_TEMP_MC));
    CHECK(hc1t_wait(d, 0, aer, &cqe, 5000) &&
          (cqe.dw0 & 0xff) == HC1_AEN_NOTICE,
          "a notice event reports the recovery");
    CHECK(hc1t_prefill(d, &b, t, 1, NULL) == 0, "compute works again");

    /* Power cap throttles. */
    hc1t_wr(d, HC1_REG_POWER_CAP_MW, 100000);
    qtc_clock_step(d->q, 20ll * 1000 * 1000);
    CHECK(hc1t_rd(d, HC1_REG_THROTTLE_PCT) < 100 &&
          (hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_THROTTLED),
          "a 100 W cap throttles compute to %u%%",
          hc1t_rd(d, HC1_REG_THROTTLE_PCT));
    hc1t_close(d);
}

static void test_fatal(void)
{
    Hc1Dev *d = up();
    uint64_t buf;
    struct hc1_sqe sqe;
    struct hc1_cqe cqe;
    uint32_t hb;
    uint16_t cid;

    CHECK(d != NULL, "card up");
    if (!d) {
        return;
    }
    buf = hc1t_alloc(d, 4096, 4096);
    CHECK(qom_set(d, "x-fault-fatal", "true"), "qom-set x-fault-fatal=on");
    CHECK(hc1t_rd(d, HC1_REG_CSTS) & HC1_CSTS_CFS, "CSTS.CFS");
    CHECK(hc1t_rd(d, HC1_REG_FATAL_CODE) == HC1_FATAL_INJECTED,
          "FATAL_CODE: injected");
    hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
    sqe.dptr1 = buf;
    cid = hc1t_submit(d, 0, &sqe);
    CHECK(!hc1t_wait(d, 0, cid, &cqe, 200), "no command completes");
    hb = hc1t_rd(d, HC1_REG_HEARTBEAT);
    qtc_clock_step(d->q, 100 * 1000 * 1000);
    CHECK(hc1t_rd(d, HC1_REG_HEARTBEAT) == hb, "the heartbeat stopped");
    hc1t_disable(d);
    CHECK(hc1t_rd(d, HC1_REG_CSTS) == 0, "CC.EN = 0 recovers");
    CHECK(hc1t_enable(d, 16) && identify(d, buf) == 0,
          "the card works after re-enabling");
    hc1t_close(d);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s QEMU ROM.gguf\n", argv[0]);
        return 2;
    }
    qemu = argv[1];
    rom = argv[2];
    test_dma_drop_slow();
    test_ecc_thermal();
    test_fatal();
    return tap_done();
}
