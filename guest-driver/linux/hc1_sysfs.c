// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: sysfs attributes of /sys/class/misc/hc1-N: model identity,
 * interface version, limits and counters.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include "hc1_drv.h"

static struct hc1_dev *hc1_from_dev(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return container_of(misc, struct hc1_dev, misc);
}

static ssize_t hc1_show_hash(char *buf, const u8 *h)
{
	return sysfs_emit(buf, "%32phN\n", h);
}

static ssize_t model_id_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return hc1_show_hash(buf, hc1_from_dev(dev)->id_model.model_id);
}
static DEVICE_ATTR_RO(model_id);

static ssize_t tokenizer_id_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return hc1_show_hash(buf, hc1_from_dev(dev)->id_model.tokenizer_id);
}
static DEVICE_ATTR_RO(tokenizer_id);

static ssize_t model_name_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", hc1_from_dev(dev)->id_model.name);
}
static DEVICE_ATTR_RO(model_name);

static ssize_t iface_version_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	u32 v = hc1_from_dev(dev)->version;

	return sysfs_emit(buf, "%u.%u\n", v >> HC1_VERSION_MAJOR_SHIFT,
			  v & HC1_VERSION_MINOR_MASK);
}
static DEVICE_ATTR_RO(iface_version);

static ssize_t uapi_version_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", HC1_UAPI_VERSION);
}
static DEVICE_ATTR_RO(uapi_version);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", hc1_from_dev(dev)->id_dev.serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", hc1_from_dev(dev)->id_dev.firmware);
}
static DEVICE_ATTR_RO(firmware);

static ssize_t irq_mode_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct hc1_dev *hc = hc1_from_dev(dev);

	return sysfs_emit(buf, "%s %d\n", hc->msix ? "msix" : "intx",
			  hc->n_vectors);
}
static DEVICE_ATTR_RO(irq_mode);

/*
 * Limits and model shape (one number each, from IDENTIFY) and driver
 * counters: a field of struct hc1_dev named by offset and size.
 */
struct hc1_num_attr {
	struct device_attribute dattr;
	size_t off;
	size_t size;
};

static ssize_t hc1_num_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	const struct hc1_num_attr *na =
		container_of(attr, struct hc1_num_attr, dattr);
	const u8 *p = (const u8 *)hc1_from_dev(dev) + na->off;
	u64 v;

	if (na->size == 8)
		v = *(const u64 *)p;
	else
		v = *(const u32 *)p;
	return sysfs_emit(buf, "%llu\n", v);
}

#define HC1_NUM_ATTR(_name, _field, _size)				\
static struct hc1_num_attr hc1_attr_##_name = {				\
	.dattr = __ATTR(_name, 0444, hc1_num_show, NULL),		\
	.off = offsetof(struct hc1_dev, _field),			\
	.size = _size,							\
}

HC1_NUM_ATTR(n_vocab, id_model.n_vocab, 4);
HC1_NUM_ATTR(n_ctx_train, id_model.n_ctx_train, 4);
HC1_NUM_ATTR(n_embd, id_model.n_embd, 4);
HC1_NUM_ATTR(n_layer, id_model.n_layer, 4);
HC1_NUM_ATTR(rom_size, id_model.rom_size, 8);
HC1_NUM_ATTR(max_contexts, id_dev.max_contexts, 4);
HC1_NUM_ATTR(kv_capacity, id_dev.kv_capacity, 4);
HC1_NUM_ATTR(max_ctx_tokens, id_dev.max_ctx_tokens, 4);
HC1_NUM_ATTR(sram_size, id_dev.sram_size, 8);
HC1_NUM_ATTR(lora_slots, id_dev.lora_slots, 4);
HC1_NUM_ATTR(max_batch, id_dev.max_batch, 4);
HC1_NUM_ATTR(io_queues, max_ioq, 4);
HC1_NUM_ATTR(resets, resets, 4);
HC1_NUM_ATTR(timeouts, timeouts, 4);
HC1_NUM_ATTR(commands_submitted, cmds_submitted, 8);
HC1_NUM_ATTR(driver_errors, errlog_total, 8);

/* Live counters, read from the card's registers. */
struct hc1_reg_attr {
	struct device_attribute dattr;
	u32 reg;
	bool wide;		/* a _LO/_HI pair */
};

static ssize_t hc1_reg_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	const struct hc1_reg_attr *ra =
		container_of(attr, struct hc1_reg_attr, dattr);
	struct hc1_dev *hc = hc1_from_dev(dev);

	if (hc->dead)
		return -ENODEV;
	return sysfs_emit(buf, "%llu\n", ra->wide ? hc1_rd64(hc, ra->reg) :
			  (u64)hc1_rd(hc, ra->reg));
}

#define HC1_REG_ATTR(_name, _reg, _wide)				\
static struct hc1_reg_attr hc1_attr_##_name = {				\
	.dattr = __ATTR(_name, 0444, hc1_reg_show, NULL),		\
	.reg = _reg,							\
	.wide = _wide,							\
}

HC1_REG_ATTR(tokens_decoded, HC1_REG_TOK_DECODED_LO, true);
HC1_REG_ATTR(tokens_prefilled, HC1_REG_TOK_PREFILLED_LO, true);
HC1_REG_ATTR(busy_us, HC1_REG_BUSY_US_LO, true);
HC1_REG_ATTR(energy_mj, HC1_REG_ENERGY_MJ_LO, true);
HC1_REG_ATTR(sram_used, HC1_REG_SRAM_USED_LO, true);
HC1_REG_ATTR(contexts_used, HC1_REG_CONTEXTS_USED, false);
HC1_REG_ATTR(commands_completed, HC1_REG_CMDS_COMPLETED, false);
HC1_REG_ATTR(errors, HC1_REG_ERRORS, false);
HC1_REG_ATTR(thermal_trips, HC1_REG_THERMAL_TRIPS, false);
HC1_REG_ATTR(utilization, HC1_REG_UTIL_PCT, false);
HC1_REG_ATTR(throttle, HC1_REG_THROTTLE_PCT, false);
HC1_REG_ATTR(status, HC1_REG_CSTS, false);

static struct attribute *hc1_attrs[] = {
	&dev_attr_model_id.attr,
	&dev_attr_tokenizer_id.attr,
	&dev_attr_model_name.attr,
	&dev_attr_iface_version.attr,
	&dev_attr_uapi_version.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware.attr,
	&dev_attr_irq_mode.attr,
	&hc1_attr_n_vocab.dattr.attr,
	&hc1_attr_n_ctx_train.dattr.attr,
	&hc1_attr_n_embd.dattr.attr,
	&hc1_attr_n_layer.dattr.attr,
	&hc1_attr_rom_size.dattr.attr,
	&hc1_attr_max_contexts.dattr.attr,
	&hc1_attr_kv_capacity.dattr.attr,
	&hc1_attr_max_ctx_tokens.dattr.attr,
	&hc1_attr_sram_size.dattr.attr,
	&hc1_attr_lora_slots.dattr.attr,
	&hc1_attr_max_batch.dattr.attr,
	&hc1_attr_io_queues.dattr.attr,
	&hc1_attr_resets.dattr.attr,
	&hc1_attr_timeouts.dattr.attr,
	&hc1_attr_commands_submitted.dattr.attr,
	&hc1_attr_driver_errors.dattr.attr,
	&hc1_attr_tokens_decoded.dattr.attr,
	&hc1_attr_tokens_prefilled.dattr.attr,
	&hc1_attr_busy_us.dattr.attr,
	&hc1_attr_energy_mj.dattr.attr,
	&hc1_attr_sram_used.dattr.attr,
	&hc1_attr_contexts_used.dattr.attr,
	&hc1_attr_commands_completed.dattr.attr,
	&hc1_attr_errors.dattr.attr,
	&hc1_attr_thermal_trips.dattr.attr,
	&hc1_attr_utilization.dattr.attr,
	&hc1_attr_throttle.dattr.attr,
	&hc1_attr_status.dattr.attr,
	NULL
};

static const struct attribute_group hc1_attr_group = {
	.attrs = hc1_attrs,
};

const struct attribute_group *hc1_attr_groups[] = {
	&hc1_attr_group,
	NULL
};
