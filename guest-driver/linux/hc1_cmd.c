// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: admin commands (identify, queues, logs, features, tokenizer,
 * adapters, asynchronous events).
 *
 * Data moves through one admin bounce buffer (hc->xfer) under
 * hc->admin_lock: simple, IOMMU-safe, and admin traffic is small.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hc1_drv.h"

static void hc1_admin_init(struct hc1_cmd *cmd, u8 opcode)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->sqe.opcode = opcode;
}

static int hc1_admin(struct hc1_dev *hc, struct hc1_cmd *cmd)
{
	return hc1_submit_wait(hc->admin, cmd, HC1_ADMIN_TIMEOUT_MS);
}

static int hc1_identify_one(struct hc1_dev *hc, u32 cns, void *dst)
{
	struct hc1_cmd cmd;
	int ret;

	hc1_admin_init(&cmd, HC1_ADM_IDENTIFY);
	cmd.sqe.cdw10 = cns;
	mutex_lock(&hc->admin_lock);
	hc1_dmabuf_map(&hc->xfer, HC1_IDENTIFY_SIZE, &cmd.sqe);
	ret = hc1_admin(hc, &cmd);
	if (!ret)
		memcpy(dst, hc->xfer.cpu, HC1_IDENTIFY_SIZE);
	mutex_unlock(&hc->admin_lock);
	return ret;
}

int hc1_identify(struct hc1_dev *hc)
{
	int ret;

	ret = hc1_identify_one(hc, HC1_IDENTIFY_DEVICE, &hc->id_dev);
	if (ret)
		return ret;
	ret = hc1_identify_one(hc, HC1_IDENTIFY_MODEL, &hc->id_model);
	if (ret)
		return ret;
	/* Strings come from the card: never trust their termination. */
	hc->id_dev.serial[sizeof(hc->id_dev.serial) - 1] = 0;
	hc->id_dev.firmware[sizeof(hc->id_dev.firmware) - 1] = 0;
	hc->id_model.name[sizeof(hc->id_model.name) - 1] = 0;
	if (hc->id_dev.version != hc->version) {
		dev_err(hc->dev, "IDENTIFY version %#x differs from %#x\n",
			hc->id_dev.version, hc->version);
		return -EIO;
	}
	return 0;
}

/*
 * A create whose completion was lost may still have taken effect: delete
 * whatever exists under @q's id (errors for what does not are expected).
 * If even that gets no answer, only a controller reset gives certainty.
 */
static void hc1_undo_ioq(struct hc1_dev *hc, struct hc1_queue *q)
{
	struct hc1_cmd cmd;
	int ret;

	hc1_admin_init(&cmd, HC1_ADM_DELETE_SQ);
	cmd.sqe.cdw10 = q->qid;
	ret = hc1_admin(hc, &cmd);
	if (ret != -ETIMEDOUT) {
		hc1_admin_init(&cmd, HC1_ADM_DELETE_CQ);
		cmd.sqe.cdw10 = q->qid;
		ret = hc1_admin(hc, &cmd);
	}
	if (ret == -ETIMEDOUT)
		hc1_schedule_reset(hc, "queue cleanup timed out");
}

int hc1_create_ioq(struct hc1_dev *hc, struct hc1_queue *q)
{
	struct hc1_cmd cmd;
	int ret;

	hc1_admin_init(&cmd, HC1_ADM_CREATE_CQ);
	cmd.sqe.dptr1 = q->cq_dma;
	cmd.sqe.cdw10 = q->qid | (u32)q->depth << HC1_QCMD_SIZE_SHIFT;
	cmd.sqe.cdw11 = q->vector | HC1_CQ_IEN;
	ret = hc1_admin(hc, &cmd);
	if (ret)
		goto undo;

	hc1_admin_init(&cmd, HC1_ADM_CREATE_SQ);
	cmd.sqe.dptr1 = q->sq_dma;
	cmd.sqe.cdw10 = q->qid | (u32)q->depth << HC1_QCMD_SIZE_SHIFT;
	cmd.sqe.cdw11 = q->qid;
	ret = hc1_admin(hc, &cmd);
	if (ret)
		goto undo;
	q->live = true;
	return 0;
undo:
	if (ret == -ETIMEDOUT || cmd.sqe.opcode == HC1_ADM_CREATE_SQ)
		hc1_undo_ioq(hc, q);
	return ret;
}

/*
 * Deleting the submission queue destroys its contexts and drops its
 * unfinished commands without completions: the caller fails them.
 */
int hc1_delete_ioq(struct hc1_dev *hc, struct hc1_queue *q)
{
	struct hc1_cmd cmd;
	int ret, ret2;

	hc1_admin_init(&cmd, HC1_ADM_DELETE_SQ);
	cmd.sqe.cdw10 = q->qid;
	ret = hc1_admin(hc, &cmd);
	hc1_admin_init(&cmd, HC1_ADM_DELETE_CQ);
	cmd.sqe.cdw10 = q->qid;
	ret2 = hc1_admin(hc, &cmd);
	return ret ? ret : ret2;
}

int hc1_get_log(struct hc1_dev *hc, u32 log, u32 off, void *buf, u32 len)
{
	struct hc1_cmd cmd;
	int ret;

	if (len > HC1_PAGE_SIZE || len % 4)
		return -EINVAL;
	hc1_admin_init(&cmd, HC1_ADM_GET_LOG_PAGE);
	cmd.sqe.cdw10 = log;
	cmd.sqe.cdw11 = len;
	cmd.sqe.cdw12 = off;
	mutex_lock(&hc->admin_lock);
	hc1_dmabuf_map(&hc->xfer, len, &cmd.sqe);
	ret = hc1_admin(hc, &cmd);
	if (!ret)
		memcpy(buf, hc->xfer.cpu, len);
	mutex_unlock(&hc->admin_lock);
	return ret;
}

int hc1_set_feature(struct hc1_dev *hc, u32 fid, u32 v1, u32 v2)
{
	struct hc1_cmd cmd;

	hc1_admin_init(&cmd, HC1_ADM_SET_FEATURES);
	cmd.sqe.cdw10 = fid;
	cmd.sqe.cdw11 = v1;
	cmd.sqe.cdw12 = v2;
	return hc1_admin(hc, &cmd);
}

/* Copy up to @len bytes of the blob at @off to user memory, in chunks. */
int hc1_get_tokenizer(struct hc1_dev *hc, u64 off, void __user *ubuf,
		      u32 len, u32 *total)
{
	struct hc1_cmd cmd;
	u32 n;
	int ret = 0;

	mutex_lock(&hc->admin_lock);
	do {
		n = min_t(u32, len, HC1_XFER_SIZE);
		hc1_admin_init(&cmd, HC1_ADM_GET_TOKENIZER);
		cmd.sqe.cdw10 = HC1_TOK_SECTION_BLOB;
		cmd.sqe.cdw11 = lower_32_bits(off);
		cmd.sqe.cdw12 = upper_32_bits(off);
		cmd.sqe.cdw13 = n;
		hc1_dmabuf_map(&hc->xfer, max_t(u32, n, 4), &cmd.sqe);
		ret = hc1_admin(hc, &cmd);
		if (ret)
			break;
		*total = cmd.dw0;
		if (n && copy_to_user(ubuf, hc->xfer.cpu, n)) {
			ret = -EFAULT;
			break;
		}
		ubuf += n;
		off += n;
		len -= n;
	} while (len);
	mutex_unlock(&hc->admin_lock);
	return ret;
}

int hc1_lora_load(struct hc1_dev *hc, u32 slot, const void __user *ubuf,
		  u32 len, u32 crc)
{
	struct hc1_dmabuf buf;
	struct hc1_cmd cmd;
	int ret;

	if (!(hc->cap & HC1_CAP_LORA_LOAD))
		return -EOPNOTSUPP;
	if (!len || (hc->id_dev.lora_max_bytes && len > hc->id_dev.lora_max_bytes))
		return -E2BIG;
	ret = hc1_dmabuf_alloc(hc, &buf, len);
	if (ret)
		return ret;
	if (copy_from_user(buf.cpu, ubuf, len)) {
		ret = -EFAULT;
		goto out;
	}
	hc1_admin_init(&cmd, HC1_ADM_LOAD_LORA);
	cmd.sqe.cdw10 = slot;
	cmd.sqe.cdw11 = len;
	cmd.sqe.cdw12 = crc;
	hc1_dmabuf_map(&buf, len, &cmd.sqe);
	ret = hc1_admin(hc, &cmd);
	/* An abandoned command may still read the buffer: keep it. */
	if (ret == -ETIMEDOUT)
		return ret;
out:
	hc1_dmabuf_free(hc, &buf);
	return ret;
}

int hc1_lora_unload(struct hc1_dev *hc, u32 slot)
{
	struct hc1_cmd cmd;

	hc1_admin_init(&cmd, HC1_ADM_UNLOAD_LORA);
	cmd.sqe.cdw10 = slot;
	return hc1_admin(hc, &cmd);
}

/* Asynchronous events complete in interrupt context; handle them later. */
static void hc1_aer_end(struct hc1_queue *q, struct hc1_cmd *cmd)
{
	schedule_work(&q->hc->aer_work);
}

void hc1_aer_arm(struct hc1_dev *hc)
{
	memset(&hc->aer, 0, sizeof(hc->aer));
	hc->aer.sqe.opcode = HC1_ADM_ASYNC_EVENT;
	hc->aer.end = hc1_aer_end;
	hc->aer_armed = !hc1_submit(hc->admin, &hc->aer);
}

void hc1_aer_work(struct work_struct *work)
{
	struct hc1_dev *hc = container_of(work, struct hc1_dev, aer_work);
	u32 dw0 = hc->aer.dw0, type, info;
	int err = hc->aer.err;
	char what[48];

	hc->aer_armed = false;
	if (err || hc->aer.sc)
		return;	/* failed by a reset or removal: re-armed after it */
	type = dw0 & 0xff;
	info = (dw0 >> 8) & 0xff;
	snprintf(what, sizeof(what), "event type %u info %u ctx %#x", type,
		 info, hc->aer.dw1);
	hc1_errlog_add(hc, type, info, what);
	dev_info(hc->dev, "asynchronous %s\n", what);
	if (type == HC1_AEN_ERROR && info == HC1_ERR_FATAL)
		hc1_schedule_reset(hc, "fatal error event");
	if (!hc->dead && !hc->resetting)
		hc1_aer_arm(hc);
}
