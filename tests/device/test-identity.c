/*
 * The card's PCI identity and its first registers, through qtest: what a
 * driver or firmware sees before it touches anything else.
 *
 * usage: test-identity QEMU ROM.gguf
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc1_hw.h"
#include "qtest-client.h"

#define BAR0_ADDR 0xe0000000ull
#define PCI_CLASS_REVISION 0x08
#define PCI_STATUS_COMMAND 0x04
#define PCI_STATUS_CAP_LIST (1u << (16 + 4))
#define PCI_CAPABILITY_LIST 0x34
#define PCI_CAP_ID_EXP 0x10
#define PCI_BAR0 0x10

static int failures;
static int checks;

#define CHECK(cond, ...) do { \
        checks++; \
        if (!(cond)) { \
            failures++; \
            printf("not ok %d - ", checks); \
            printf(__VA_ARGS__); \
            printf("\n"); \
        } else { \
            printf("ok %d - ", checks); \
            printf(__VA_ARGS__); \
            printf("\n"); \
        } \
    } while (0)

static bool has_pcie_cap(QtestClient *q, int devfn)
{
    int off;

    if (!(qtc_pci_cfg_readl(q, devfn, PCI_STATUS_COMMAND) & PCI_STATUS_CAP_LIST)) {
        return false;
    }
    off = qtc_pci_cfg_readl(q, devfn, PCI_CAPABILITY_LIST) & 0xfc;
    for (int hops = 0; off && hops < 48; hops++) {
        uint32_t hdr = qtc_pci_cfg_readl(q, devfn, off);
        if ((hdr & 0xff) == PCI_CAP_ID_EXP) {
            return true;
        }
        off = (hdr >> 8) & 0xfc;
    }
    return false;
}

static void test_identity(const char *qemu, const char *rom)
{
    char dev[4096];
    const char *args[] = { "-device", dev, NULL };
    struct stat st;
    QtestClient *q;
    int devfn;
    uint32_t v;

    snprintf(dev, sizeof(dev), "hc1,addr=04.0,rom=%s", rom);
    q = qtc_start(qemu, args);
    CHECK(q != NULL, "QEMU starts with -device hc1");
    if (!q) {
        return;
    }

    devfn = qtc_pci_find(q, HC1_PCI_VENDOR_ID, HC1_PCI_DEVICE_ID);
    CHECK(devfn == 0x20, "the card enumerates as 1af4:10f0 at 00:04.0");
    if (devfn < 0) {
        qtc_stop(q);
        return;
    }
    v = qtc_pci_cfg_readl(q, devfn, PCI_CLASS_REVISION);
    CHECK(v >> 16 == HC1_PCI_CLASS, "class 0x1200 (got 0x%04x)", v >> 16);
    CHECK((v & 0xff) == HC1_PCI_REVISION, "revision %d", v & 0xff);
    CHECK(has_pcie_cap(q, devfn), "a PCI Express capability");

    /* BAR2 (doorbells) and BAR4 (MSI-X) are 64-bit memory BARs too. */
    qtc_pci_cfg_writel(q, devfn, 0x18, 0xffffffff);
    v = qtc_pci_cfg_readl(q, devfn, 0x18);
    CHECK((v & 0x7) == 0x4 && ~(v & ~0xfu) + 1 == HC1_BAR_DB_SIZE,
          "BAR2: 64-bit, 128 KiB of doorbells");
    qtc_pci_cfg_writel(q, devfn, 0x20, 0xffffffff);
    v = qtc_pci_cfg_readl(q, devfn, 0x20);
    CHECK((v & 0x7) == 0x0 && ~(v & ~0xfu) + 1 >= 17 * 16,
          "BAR4: 32-bit memory, room for the MSI-X table");
    {
        int cap = qtc_pci_find_cap(q, devfn, 0x11);
        uint32_t hdr = cap ? qtc_pci_cfg_readl(q, devfn, cap) : 0;
        uint32_t tbl = cap ? qtc_pci_cfg_readl(q, devfn, cap + 4) : 0;

        CHECK(cap && ((hdr >> 16) & 0x7ff) + 1 == HC1_MSIX_VECTORS &&
              (tbl & 7) == HC1_BAR_MSIX,
              "MSI-X: %d vectors, table in BAR4", HC1_MSIX_VECTORS);
    }
    CHECK((qtc_pci_cfg_readl(q, devfn, 0x3c) >> 8 & 0xff) == 1,
          "interrupt pin INTA");

    /* BAR0 is a 64-bit memory BAR of HC1_BAR_REGS_SIZE bytes. */
    qtc_pci_cfg_writel(q, devfn, PCI_BAR0, 0xffffffff);
    v = qtc_pci_cfg_readl(q, devfn, PCI_BAR0);
    CHECK((v & 0x7) == 0x4, "BAR0 is 64-bit memory (0x%x)", v & 0xf);
    CHECK(~(v & ~0xfu) + 1 == HC1_BAR_REGS_SIZE, "BAR0 size 0x%x",
          ~(v & ~0xfu) + 1);
    qtc_pci_map_bar64(q, devfn, PCI_BAR0, BAR0_ADDR);

    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_MAGIC) == HC1_MAGIC, "magic");
    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_VERSION) == HC1_IFACE_VERSION,
          "interface version %d.%d", HC1_IFACE_MAJOR, HC1_IFACE_MINOR);
    CHECK(stat(rom, &st) == 0, "stat %s", rom);
    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_ROM_SIZE_LO) == (uint32_t)st.st_size &&
          qtc_readl(q, BAR0_ADDR + HC1_REG_ROM_SIZE_HI) ==
          (uint32_t)((uint64_t)st.st_size >> 32),
          "ROM size is the model file's size (%lld)", (long long)st.st_size);

    /* MODEL_ID is the SHA-256 of the ROM file, once boot is done. */
    for (int i = 0; i < 60000; i++) {
        v = qtc_readl(q, BAR0_ADDR + HC1_REG_BOOT_STATUS) & HC1_BOOT_STAGE_MASK;
        if (v == HC1_BOOT_READY || v == HC1_BOOT_FAILED) {
            break;
        }
        usleep(1000);
    }
    CHECK(v == HC1_BOOT_READY, "BOOT_STATUS reaches READY");
    {
        char cmd[4200], want[65] = "", got[65] = "";
        FILE *f;

        snprintf(cmd, sizeof(cmd), "sha256sum '%s'", rom);
        f = popen(cmd, "r");
        if (f) {
            if (fscanf(f, "%64s", want) != 1) {
                want[0] = 0;
            }
            pclose(f);
        }
        for (int i = 0; i < HC1_ID_WORDS; i++) {
            uint32_t w = qtc_readl(q, BAR0_ADDR + HC1_REG_MODEL_ID(i));

            for (int j = 0; j < 4; j++) {
                sprintf(got + 8 * i + 2 * j, "%02x", (w >> (8 * j)) & 0xff);
            }
        }
        CHECK(want[0] && !strcmp(want, got), "MODEL_ID is the ROM's SHA-256 "
              "(%.16s...)", got);
    }
    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_N_VOCAB) > 0, "N_VOCAB %u",
          qtc_readl(q, BAR0_ADDR + HC1_REG_N_VOCAB));
    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_TOKBLOB_SIZE) > 96,
          "a tokenizer blob of %u bytes",
          qtc_readl(q, BAR0_ADDR + HC1_REG_TOKBLOB_SIZE));

    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_SCRATCH) == 0, "scratch resets to 0");
    qtc_writel(q, BAR0_ADDR + HC1_REG_SCRATCH, 0xa5a55a5a);
    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_SCRATCH) == 0xa5a55a5a,
          "scratch echoes what was written");

    /* Guest misbehaviour is ignored, not fatal. */
    qtc_writel(q, BAR0_ADDR + HC1_REG_MAGIC, 0);
    CHECK(qtc_readl(q, BAR0_ADDR + HC1_REG_MAGIC) == HC1_MAGIC,
          "a write to a read-only register has no effect");
    CHECK(qtc_readl(q, BAR0_ADDR + HC1_BAR_REGS_SIZE - 4) == 0,
          "an unknown register reads as 0");
    CHECK(!qtc_failed(q), "no protocol errors");
    qtc_stop(q);
}

static void test_id_properties(const char *qemu, const char *rom)
{
    char dev[4096];
    const char *args[] = { "-device", dev, NULL };
    QtestClient *q;

    snprintf(dev, sizeof(dev),
             "hc1,rom=%s,vendor-id=0x1234,device-id=0x5678", rom);
    q = qtc_start(qemu, args);
    CHECK(q != NULL, "QEMU starts with overridden IDs");
    if (q) {
        CHECK(qtc_pci_find(q, 0x1234, 0x5678) >= 0,
              "vendor-id and device-id override the identity");
        CHECK(qtc_pci_find(q, HC1_PCI_VENDOR_ID, HC1_PCI_DEVICE_ID) < 0,
              "and the default identity is gone");
        qtc_stop(q);
    }
}

static void test_bad_rom(const char *qemu)
{
    char path[] = "/tmp/hc1-not-gguf.XXXXXX";
    const char *missing[] = { "-device", "hc1,rom=/nonexistent/model.gguf", NULL };
    char dev[256];
    const char *notgguf[] = { "-device", dev, NULL };
    QtestClient *q;
    int fd;

    q = qtc_start(qemu, missing);
    CHECK(q == NULL, "a missing ROM file is refused at start-up");
    if (q) {
        qtc_stop(q);
    }

    fd = mkstemp(path);
    if (fd >= 0) {
        (void)!write(fd, "NOT A MODEL", 11);
        close(fd);
    }
    snprintf(dev, sizeof(dev), "hc1,rom=%s", path);
    q = qtc_start(qemu, notgguf);
    CHECK(q == NULL, "a file that is not GGUF is refused at start-up");
    if (q) {
        qtc_stop(q);
    }
    unlink(path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s QEMU ROM.gguf\n", argv[0]);
        return 2;
    }
    test_identity(argv[1], argv[2]);
    test_id_properties(argv[1], argv[2]);
    test_bad_rom(argv[1]);
    printf("1..%d\n", checks);
    return failures ? 1 : 0;
}
