// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: register access, identity check, controller enable and disable.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/iopoll.h>

#include "hc1_drv.h"

#define HC1_BOOT_TIMEOUT_US	(60 * USEC_PER_SEC)
#define HC1_RDY_TIMEOUT_US	(5 * USEC_PER_SEC)

u32 hc1_rd(struct hc1_dev *hc, u32 off)
{
	return readl(hc->regs + off);
}

void hc1_wr(struct hc1_dev *hc, u32 off, u32 val)
{
	writel(val, hc->regs + off);
}

/* The manual splits 64-bit registers; read low then high as it says. */
u64 hc1_rd64(struct hc1_dev *hc, u32 off)
{
	u64 lo = hc1_rd(hc, off);

	return lo | (u64)hc1_rd(hc, off + 4) << 32;
}

/*
 * A device that was pulled out reads all ones; MAGIC can never be that,
 * so one read tells.
 */
bool hc1_is_gone(struct hc1_dev *hc)
{
	if (hc->gone)
		return true;
	if (readl(hc->regs + HC1_REG_MAGIC) == ~0u) {
		hc->gone = true;
		return true;
	}
	return false;
}

int hc1_check_identity(struct hc1_dev *hc)
{
	u32 magic = hc1_rd(hc, HC1_REG_MAGIC);
	u32 major, minor;

	if (magic != HC1_MAGIC) {
		dev_err(hc->dev, "bad magic %#010x (expected %#010x)\n",
			magic, HC1_MAGIC);
		return -ENODEV;
	}
	hc->version = hc1_rd(hc, HC1_REG_VERSION);
	major = hc->version >> HC1_VERSION_MAJOR_SHIFT;
	minor = hc->version & HC1_VERSION_MINOR_MASK;
	/* Minor bumps only add things; a major bump breaks the contract. */
	if (major != HC1_DRV_IFACE_MAJOR || minor < HC1_DRV_IFACE_MINOR) {
		dev_err(hc->dev,
			"interface version %u.%u not supported (driver: %u.%u)\n",
			major, minor, HC1_DRV_IFACE_MAJOR, HC1_DRV_IFACE_MINOR);
		return -ENODEV;
	}
	hc->cap = hc1_rd(hc, HC1_REG_CAP);
	if (hc1_rd(hc, HC1_REG_DB_STRIDE) != HC1_DB_STRIDE) {
		dev_err(hc->dev, "unexpected doorbell stride %#x\n",
			hc1_rd(hc, HC1_REG_DB_STRIDE));
		return -ENODEV;
	}
	return 0;
}

/* The card hashes its ROM and opens the model before it can be enabled. */
int hc1_wait_boot(struct hc1_dev *hc)
{
	u32 st;
	int ret;

	ret = readl_poll_timeout(hc->regs + HC1_REG_BOOT_STATUS, st,
				 (st & HC1_BOOT_STAGE_MASK) == HC1_BOOT_READY ||
				 (st & HC1_BOOT_STAGE_MASK) == HC1_BOOT_FAILED ||
				 st == ~0u,
				 1000, HC1_BOOT_TIMEOUT_US);
	if (ret) {
		dev_err(hc->dev, "card did not finish booting (status %#x)\n",
			st);
		return ret;
	}
	if ((st & HC1_BOOT_STAGE_MASK) != HC1_BOOT_READY) {
		dev_err(hc->dev, "card failed to boot: error %u (status %#x)\n",
			(st >> HC1_BOOT_ERR_SHIFT) & 0xff, st);
		return -ENODEV;
	}
	return 0;
}

int hc1_enable(struct hc1_dev *hc)
{
	struct hc1_queue *aq = hc->admin;
	u32 csts;
	int ret;

	hc1_wr(hc, HC1_REG_AQA, aq->depth | (u32)aq->depth << HC1_AQA_ACQS_SHIFT);
	hc1_wr(hc, HC1_REG_ASQ_LO, lower_32_bits(aq->sq_dma));
	hc1_wr(hc, HC1_REG_ASQ_HI, upper_32_bits(aq->sq_dma));
	hc1_wr(hc, HC1_REG_ACQ_LO, lower_32_bits(aq->cq_dma));
	hc1_wr(hc, HC1_REG_ACQ_HI, upper_32_bits(aq->cq_dma));
	hc1_wr(hc, HC1_REG_INTMASK, 0);
	hc1_wr(hc, HC1_REG_CC, HC1_CC_EN);

	ret = readl_poll_timeout(hc->regs + HC1_REG_CSTS, csts,
				 csts & (HC1_CSTS_RDY | HC1_CSTS_CFS),
				 100, HC1_RDY_TIMEOUT_US);
	if (ret || csts == ~0u) {
		dev_err(hc->dev, "card did not become ready (CSTS %#x)\n",
			csts);
		return ret ? ret : -ENODEV;
	}
	if (csts & HC1_CSTS_CFS) {
		dev_err(hc->dev, "card fatal on enable: code %u\n",
			hc1_rd(hc, HC1_REG_FATAL_CODE));
		return -EIO;
	}
	aq->live = true;
	return 0;
}

int hc1_disable(struct hc1_dev *hc)
{
	u32 csts;
	int ret;

	if (hc1_is_gone(hc))
		return -ENODEV;
	hc1_wr(hc, HC1_REG_CC, 0);
	ret = readl_poll_timeout(hc->regs + HC1_REG_CSTS, csts,
				 !(csts & HC1_CSTS_RDY) || csts == ~0u,
				 100, HC1_RDY_TIMEOUT_US);
	if (ret)
		dev_warn(hc->dev, "card did not stop (CSTS %#x)\n", csts);
	return ret;
}

void hc1_ring_sq(struct hc1_queue *q)
{
	writel(q->sq_tail, q->hc->db + HC1_DB_OFFSET(q->qid, HC1_DB_SQ_TAIL));
}

void hc1_ring_cq(struct hc1_queue *q)
{
	writel(q->cq_head, q->hc->db + HC1_DB_OFFSET(q->qid, HC1_DB_CQ_HEAD));
}
