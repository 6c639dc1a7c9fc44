/*
 * HC1 hard-wired LLM inference card: PCI Express frontend.
 *
 * The card presents itself as a PCI Express endpoint of class 0x1200
 * (processing accelerator). The model it runs lives in a read-only ROM
 * image in GGUF format that the device maps, never copies.
 *
 * Usage:
 *   -device hc1[,rom=FILE.gguf][,vendor-id=ID][,device-id=ID]
 *
 *   rom        GGUF model image used as the card's mask ROM. A bare file
 *              name is also looked up in QEMU's data directories (-L);
 *              the default, hc1-default.gguf, is the embedded model that
 *              images/ builds and installs there.
 *   vendor-id  PCI vendor ID (default 0x1af4).
 *   device-id  PCI device ID (default 0x10f0).
 *
 * The programming interface is described in docs/hc1-prm.rst; the
 * register map is hc1_hw.h.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/datadir.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qom/object.h"
#include "trace.h"
#include "hc1_hw.h"

#define TYPE_HC1 "hc1"
OBJECT_DECLARE_SIMPLE_TYPE(Hc1State, HC1)

#define HC1_DEFAULT_ROM "hc1-default.gguf"
#define HC1_PCIE_CAP_OFFSET 0x80

struct Hc1State {
    PCIDevice parent_obj;

    MemoryRegion regs_mr;

    /* The ROM: a read-only mapping of the model file. */
    char *rom_path;
    GMappedFile *rom;

    uint16_t vendor_id;
    uint16_t device_id;

    uint32_t scratch;
};

static uint64_t hc1_rom_size(Hc1State *s)
{
    return s->rom ? g_mapped_file_get_length(s->rom) : 0;
}

static uint64_t hc1_regs_read(void *opaque, hwaddr addr, unsigned size)
{
    Hc1State *s = opaque;
    uint32_t val = 0;

    switch (addr) {
    case HC1_REG_MAGIC:
        val = HC1_MAGIC;
        break;
    case HC1_REG_VERSION:
        val = HC1_IFACE_VERSION;
        break;
    case HC1_REG_ROM_SIZE_LO:
        val = (uint32_t)hc1_rom_size(s);
        break;
    case HC1_REG_ROM_SIZE_HI:
        val = hc1_rom_size(s) >> 32;
        break;
    case HC1_REG_SCRATCH:
        val = s->scratch;
        break;
    default:
        trace_hc1_ub_mmio_read_unknown(addr);
        break;
    }
    trace_hc1_mmio_read(addr, val);
    return val;
}

static void hc1_regs_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    Hc1State *s = opaque;

    trace_hc1_mmio_write(addr, val);
    switch (addr) {
    case HC1_REG_SCRATCH:
        s->scratch = val;
        break;
    case HC1_REG_MAGIC:
    case HC1_REG_VERSION:
    case HC1_REG_ROM_SIZE_LO:
    case HC1_REG_ROM_SIZE_HI:
        trace_hc1_ub_mmio_write_ro(addr, val);
        break;
    default:
        trace_hc1_ub_mmio_write_unknown(addr, val);
        break;
    }
}

static const MemoryRegionOps hc1_regs_ops = {
    .read = hc1_regs_read,
    .write = hc1_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/*
 * Map the ROM image read-only. A bare name that is not a readable file is
 * looked up in QEMU's data directories, where the embedded default model
 * is installed.
 */
static bool hc1_rom_open(Hc1State *s, Error **errp)
{
    const char *name = s->rom_path ? s->rom_path : HC1_DEFAULT_ROM;
    g_autofree char *path = NULL;
    g_autoptr(GError) gerr = NULL;
    const char *data;

    if (g_file_test(name, G_FILE_TEST_IS_REGULAR)) {
        path = g_strdup(name);
    } else {
        path = qemu_find_file(QEMU_FILE_TYPE_BIOS, name);
    }
    if (!path) {
        error_setg(errp, "hc1: ROM image '%s' not found; build the default "
                   "model (images/) or pass rom=FILE.gguf", name);
        return false;
    }

    s->rom = g_mapped_file_new(path, FALSE, &gerr);
    if (!s->rom) {
        error_setg(errp, "hc1: cannot map ROM image '%s': %s", path,
                   gerr->message);
        return false;
    }
    data = g_mapped_file_get_contents(s->rom);
    if (g_mapped_file_get_length(s->rom) < 4 || memcmp(data, "GGUF", 4)) {
        error_setg(errp, "hc1: ROM image '%s' is not a GGUF file", path);
        g_mapped_file_unref(s->rom);
        s->rom = NULL;
        return false;
    }
    trace_hc1_rom_mapped(path, g_mapped_file_get_length(s->rom));
    return true;
}

static void hc1_realize(PCIDevice *pci_dev, Error **errp)
{
    Hc1State *s = HC1(pci_dev);
    uint8_t *conf = pci_dev->config;

    if (!hc1_rom_open(s, errp)) {
        return;
    }

    pci_set_word(conf + PCI_VENDOR_ID, s->vendor_id);
    pci_set_word(conf + PCI_DEVICE_ID, s->device_id);
    pci_config_set_interrupt_pin(conf, 1);

    if (pcie_endpoint_cap_init(pci_dev, HC1_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "hc1: cannot add the PCI Express capability");
        return;
    }

    memory_region_init_io(&s->regs_mr, OBJECT(s), &hc1_regs_ops, s,
                          "hc1-regs", HC1_BAR_REGS_SIZE);
    pci_register_bar(pci_dev, HC1_BAR_REGS,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->regs_mr);
}

static void hc1_exit(PCIDevice *pci_dev)
{
    Hc1State *s = HC1(pci_dev);

    if (s->rom) {
        g_mapped_file_unref(s->rom);
        s->rom = NULL;
    }
}

static void hc1_reset_hold(Object *obj, ResetType type)
{
    Hc1State *s = HC1(obj);

    s->scratch = 0;
}

static const Property hc1_properties[] = {
    DEFINE_PROP_STRING("rom", Hc1State, rom_path),
    DEFINE_PROP_UINT16("vendor-id", Hc1State, vendor_id, HC1_PCI_VENDOR_ID),
    DEFINE_PROP_UINT16("device-id", Hc1State, device_id, HC1_PCI_DEVICE_ID),
};

static const VMStateDescription hc1_vmstate = {
    .name = TYPE_HC1,
    .unmigratable = 1,
};

static void hc1_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    pc->realize = hc1_realize;
    pc->exit = hc1_exit;
    pc->vendor_id = HC1_PCI_VENDOR_ID;
    pc->device_id = HC1_PCI_DEVICE_ID;
    pc->class_id = HC1_PCI_CLASS;
    pc->revision = HC1_PCI_REVISION;
    rc->phases.hold = hc1_reset_hold;

    dc->desc = "HC1 hard-wired LLM inference card";
    dc->vmsd = &hc1_vmstate;
    device_class_set_props(dc, hc1_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo hc1_info = {
    .name = TYPE_HC1,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(Hc1State),
    .class_init = hc1_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void hc1_register_types(void)
{
    type_register_static(&hc1_info);
}

type_init(hc1_register_types)
