// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: hwmon sensors: die temperature, board power and the power cap.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/hwmon.h>

#include "hc1_drv.h"

static umode_t hc1_hwmon_visible(const void *data,
				 enum hwmon_sensor_types type, u32 attr,
				 int channel)
{
	if (type == hwmon_power && attr == hwmon_power_cap)
		return 0644;
	return 0444;
}

static int hc1_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			  u32 attr, int channel, long *val)
{
	struct hc1_dev *hc = dev_get_drvdata(dev);

	if (hc->dead)
		return -ENODEV;
	switch (type) {
	case hwmon_temp:
		if (attr == hwmon_temp_input)
			*val = hc1_rd(hc, HC1_REG_TEMP_MC);
		else if (attr == hwmon_temp_crit)
			*val = hc->id_dev.temp_trip_mc;
		else
			return -EOPNOTSUPP;
		return 0;
	case hwmon_power:
		/* hwmon counts microwatts, the card milliwatts. */
		if (attr == hwmon_power_input)
			*val = (long)hc1_rd(hc, HC1_REG_POWER_MW) * 1000;
		else if (attr == hwmon_power_cap)
			*val = (long)hc1_rd(hc, HC1_REG_POWER_CAP_MW) * 1000;
		else if (attr == hwmon_power_cap_min)
			*val = (long)HC1_POWER_CAP_MIN_MW * 1000;
		else if (attr == hwmon_power_cap_max)
			*val = (long)hc->id_dev.power_max_mw * 1000;
		else
			return -EOPNOTSUPP;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int hc1_hwmon_write(struct device *dev, enum hwmon_sensor_types type,
			   u32 attr, int channel, long val)
{
	struct hc1_dev *hc = dev_get_drvdata(dev);

	if (hc->dead)
		return -ENODEV;
	if (type != hwmon_power || attr != hwmon_power_cap)
		return -EOPNOTSUPP;
	val /= 1000;
	if (val < HC1_POWER_CAP_MIN_MW || val > hc->id_dev.power_max_mw)
		return -EINVAL;
	return hc1_set_feature(hc, HC1_FEAT_POWER_CAP, val, 0);
}

static const struct hwmon_channel_info *hc1_hwmon_info[] = {
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT | HWMON_T_CRIT),
	HWMON_CHANNEL_INFO(power, HWMON_P_INPUT | HWMON_P_CAP |
			   HWMON_P_CAP_MIN | HWMON_P_CAP_MAX),
	NULL
};

static const struct hwmon_ops hc1_hwmon_ops = {
	.is_visible = hc1_hwmon_visible,
	.read = hc1_hwmon_read,
	.write = hc1_hwmon_write,
};

static const struct hwmon_chip_info hc1_hwmon_chip = {
	.ops = &hc1_hwmon_ops,
	.info = hc1_hwmon_info,
};

int hc1_hwmon_register(struct hc1_dev *hc)
{
	struct device *hwmon;

	/* Not devm: it must go before hc does, in remove. */
	hwmon = hwmon_device_register_with_info(hc->dev, "hc1", hc,
						&hc1_hwmon_chip, NULL);
	if (IS_ERR(hwmon))
		return PTR_ERR(hwmon);
	hc->hwmon = hwmon;
	return 0;
}

void hc1_hwmon_unregister(struct hc1_dev *hc)
{
	if (hc->hwmon)
		hwmon_device_unregister(hc->hwmon);
	hc->hwmon = NULL;
}
