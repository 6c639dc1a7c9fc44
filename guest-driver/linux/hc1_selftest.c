// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: the bring-up self-test: registers, DMA in both directions (and a
 * mismatch the card must catch), and every interrupt vector.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/iopoll.h>

#include "hc1_drv.h"

#define HC1_ST_LEN		(64u << 10)
#define HC1_ST_TIMEOUT_US	(2 * USEC_PER_SEC)
#define HC1_ST_IRQ_TIMEOUT	msecs_to_jiffies(1000)

static int hc1_selftest_mmio(struct hc1_dev *hc)
{
	static const u32 pat[] = { 0x5a5aa5a5, 0xa5a55a5a, 0xffffffff, 0 };
	unsigned int i;
	u32 v;

	for (i = 0; i < ARRAY_SIZE(pat); i++) {
		hc1_wr(hc, HC1_REG_SCRATCH, pat[i]);
		v = hc1_rd(hc, HC1_REG_SCRATCH);
		if (v != pat[i]) {
			dev_err(hc->dev, "self-test: SCRATCH wrote %#x read %#x\n",
				pat[i], v);
			return -EIO;
		}
	}
	return 0;
}

static int hc1_st_dma_cmd(struct hc1_dev *hc, struct hc1_dmabuf *b, u32 seed,
			  u32 cmd, u32 *status)
{
	int ret;

	hc1_wr(hc, HC1_REG_ST_DMA_ADDR_LO, lower_32_bits(b->dma));
	hc1_wr(hc, HC1_REG_ST_DMA_ADDR_HI, upper_32_bits(b->dma));
	hc1_wr(hc, HC1_REG_ST_DMA_LEN, HC1_ST_LEN);
	hc1_wr(hc, HC1_REG_ST_DMA_PATTERN, seed);
	hc1_wr(hc, HC1_REG_ST_DMA_CMD, cmd);
	ret = readl_poll_timeout(hc->regs + HC1_REG_ST_DMA_STATUS, *status,
				 !(*status & HC1_ST_STS_BUSY), 10,
				 HC1_ST_TIMEOUT_US);
	if (ret)
		dev_err(hc->dev, "self-test: DMA command %u did not finish\n",
			cmd);
	return ret;
}

static int hc1_selftest_dma(struct hc1_dev *hc)
{
	const u32 seed = 0x1c1c0000 ^ hc->id, words = HC1_ST_LEN / 4;
	struct hc1_dmabuf b;
	u32 *w, st, i;
	int ret;

	ret = hc1_dmabuf_alloc(hc, &b, HC1_ST_LEN);
	if (ret)
		return ret;
	w = b.cpu;

	/* Card to memory: the card writes, we check. */
	memset(w, 0, HC1_ST_LEN);
	ret = hc1_st_dma_cmd(hc, &b, seed, HC1_ST_CMD_FILL, &st);
	if (ret)
		goto out;
	if ((st & ~HC1_ST_STS_DONE) || !(st & HC1_ST_STS_DONE)) {
		dev_err(hc->dev, "self-test: DMA fill status %#x\n", st);
		ret = -EIO;
		goto out;
	}
	for (i = 0; i < words; i++) {
		if (w[i] != seed + i) {
			dev_err(hc->dev, "self-test: DMA fill word %u is %#x\n",
				i, w[i]);
			ret = -EIO;
			goto out;
		}
	}

	/* Memory to card: we write, the card checks... */
	for (i = 0; i < words; i++)
		w[i] = ~seed + i;
	ret = hc1_st_dma_cmd(hc, &b, ~seed, HC1_ST_CMD_VERIFY, &st);
	if (ret)
		goto out;
	if (st != HC1_ST_STS_DONE) {
		dev_err(hc->dev, "self-test: DMA verify status %#x at %#x\n",
			st, hc1_rd(hc, HC1_REG_ST_DMA_RESULT));
		ret = -EIO;
		goto out;
	}
	/* ...and must notice one wrong word. */
	w[words / 2] ^= 1;
	ret = hc1_st_dma_cmd(hc, &b, ~seed, HC1_ST_CMD_VERIFY, &st);
	if (ret)
		goto out;
	if (!(st & HC1_ST_STS_MISMATCH) ||
	    hc1_rd(hc, HC1_REG_ST_DMA_RESULT) != words / 2 * 4) {
		dev_err(hc->dev, "self-test: DMA mismatch not caught (%#x at %#x)\n",
			st, hc1_rd(hc, HC1_REG_ST_DMA_RESULT));
		ret = -EIO;
	}
out:
	hc1_dmabuf_free(hc, &b);
	return ret;
}

static int hc1_selftest_irq(struct hc1_dev *hc)
{
	unsigned int v, n = hc->msix ? hc->n_vectors : 1;
	u64 before;

	for (v = 0; v < n; v++) {
		before = READ_ONCE(hc->irq_count[v]);
		hc1_wr(hc, HC1_REG_ST_IRQ, v);
		if (!wait_event_timeout(hc->irq_wq,
					READ_ONCE(hc->irq_count[v]) != before,
					HC1_ST_IRQ_TIMEOUT)) {
			dev_err(hc->dev, "self-test: vector %u never fired\n",
				v);
			return -EIO;
		}
	}
	return 0;
}

int hc1_selftest(struct hc1_dev *hc)
{
	int ret;

	if (!(hc->cap & HC1_CAP_SELFTEST)) {
		dev_info(hc->dev, "card has no self-test\n");
		return 0;
	}
	ret = hc1_selftest_mmio(hc);
	if (!ret)
		ret = hc1_selftest_dma(hc);
	if (!ret)
		ret = hc1_selftest_irq(hc);
	if (!ret)
		dev_dbg(hc->dev, "self-test passed\n");
	return ret;
}
