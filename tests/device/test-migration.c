/*
 * Migration: an idle card (registers and queues) migrates; while it holds
 * contexts or work in flight, migration is refused with a reason.
 *
 * usage: test-migration QEMU ROM.gguf
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc1-dev.h"

static const char *qemu, *rom;

static char *migrate(Hc1Dev *d, const char *file)
{
    return qtc_qmp(d->q, "{\"execute\": \"migrate\", \"arguments\": "
                   "{\"uri\": \"exec:cat > %s\"}}", file);
}

static bool wait_migrated(Hc1Dev *d)
{
    for (int i = 0; i < 3000; i++) {
        char *r = qtc_qmp(d->q, "{\"execute\": \"query-migrate\"}");
        bool done = r && strstr(r, "\"completed\"");
        bool failed = r && strstr(r, "\"failed\"");

        free(r);
        if (done || failed) {
            return done;
        }
        usleep(10000);
    }
    return false;
}

int main(int argc, char **argv)
{
    char file[] = "/tmp/hc1-migration.XXXXXX";
    char incoming[256], dev[4096];
    const char *args[] = { "-device", dev, "-incoming", incoming, NULL };
    struct hc1_sqe sqe;
    Hc1TQueue saved[2];
    uint16_t next_cid;
    uint64_t mem_next;
    Hc1Dev *d, *e;
    Hc1TCtx c;
    char *r;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: %s QEMU ROM.gguf\n", argv[0]);
        return 2;
    }
    qemu = argv[1];
    rom = argv[2];
    fd = mkstemp(file);
    if (fd >= 0) {
        close(fd);
    }

    d = hc1t_open(qemu, rom, NULL);
    CHECK(d && hc1t_enable(d, 16) && hc1t_create_ioq(d, 1, 32, 1, true) == 0,
          "card up with an I/O queue pair");
    if (!d) {
        return tap_done();
    }
    CHECK(hc1t_ctx_create(d, 1, 32, 16, false, 0, 0, &c) == 0,
          "a context exists");
    r = migrate(d, "/dev/null");
    CHECK(r && strstr(r, "\"error\"") && strstr(r, "hc1:") &&
          strstr(r, "SRAM"), "migration is refused while it exists");
    free(r);
    CHECK(hc1t_ctx_cmd(d, &c, HC1_IO_DESTROY_CONTEXT, 0, NULL) == 0,
          "destroy it");
    hc1t_wr(d, HC1_REG_SCRATCH, 0xfeedf00d);
    hc1t_wr(d, HC1_REG_COAL_TOKENS, 7);
    r = migrate(d, file);
    CHECK(r && strstr(r, "\"return\""), "then migration starts");
    free(r);
    CHECK(wait_migrated(d), "and completes");
    memcpy(saved, d->queue, sizeof(saved));
    next_cid = d->next_cid;
    mem_next = d->mem_next;
    hc1t_close(d);

    /* The destination resumes with the same registers and queues. */
    snprintf(dev, sizeof(dev), "hc1,addr=04.0,rom=%s", rom);
    snprintf(incoming, sizeof(incoming), "exec:cat %s", file);
    e = calloc(1, sizeof(*e));
    e->q = qtc_start(qemu, args);
    CHECK(e->q != NULL, "destination QEMU starts with -incoming");
    if (e->q) {
        bool ok = false;

        e->devfn = 0x20;
        for (int i = 0; i < 3000 && !ok; i++) {
            ok = qtc_readl(e->q, HC1T_BAR0 + HC1_REG_SCRATCH) == 0xfeedf00d;
            if (!ok) {
                usleep(10000);
            }
        }
        CHECK(ok, "SCRATCH arrived");
        CHECK(qtc_readl(e->q, HC1T_BAR0 + HC1_REG_COAL_TOKENS) == 7 &&
              (qtc_readl(e->q, HC1T_BAR0 + HC1_REG_CSTS) & HC1_CSTS_RDY),
              "COAL_TOKENS and CSTS.RDY arrived");
        /* Use the migrated admin queue and I/O queue as they were. */
        memcpy(e->queue, saved, sizeof(saved));
        e->next_cid = next_cid;
        e->mem_next = mem_next;
        hc1t_sqe_init(&sqe, HC1_ADM_IDENTIFY);
        sqe.dptr1 = hc1t_alloc(e, 4096, 4096);
        CHECK(hc1t_cmd(e, 0, &sqe, NULL) == 0 &&
              qtc_readl(e->q, sqe.dptr1) == HC1_IFACE_VERSION,
              "the migrated admin queue carries on");
        CHECK(hc1t_ctx_create(e, 1, 32, 16, false, 0, 0, &c) == 0,
              "so does the migrated I/O queue");
        hc1t_close(e);
    }
    unlink(file);
    return tap_done();
}
