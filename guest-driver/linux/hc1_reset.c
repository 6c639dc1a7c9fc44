// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: liveness, errors and controller reset.
 *
 * A watchdog reads CSTS and the heartbeat counter: a fatal status or a
 * heartbeat that stops leads to a controller reset. A reset fails every
 * command in flight (so no process waits forever), marks every context
 * lost, disables and re-enables the controller, and gives each open file
 * a fresh I/O queue; a card that reads all ones is gone, and the driver
 * stops touching it.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/jiffies.h>

#include "hc1_drv.h"

/* The heartbeat ticks every 10 ms; allow a slow emulator a second. */
#define HC1_HEARTBEAT_STALLS	((1000 + HC1_WATCHDOG_MS - 1) / HC1_WATCHDOG_MS + 1)

void hc1_errlog_add(struct hc1_dev *hc, u32 code, u32 info, const char *what)
{
	struct hc1_errlog_ent *e;
	unsigned long flags;

	spin_lock_irqsave(&hc->errlog_lock, flags);
	e = &hc->errlog[hc->errlog_next];
	hc->errlog_next = (hc->errlog_next + 1) % HC1_ERRLOG_KEEP;
	hc->errlog_total++;
	e->when_ms = jiffies_to_msecs(get_jiffies_64());
	e->code = code;
	e->info = info;
	strscpy(e->what, what, sizeof(e->what));
	spin_unlock_irqrestore(&hc->errlog_lock, flags);
}

/* Fail everything in flight on every queue with @err. */
static void hc1_fail_all(struct hc1_dev *hc, int err)
{
	unsigned int qid;

	hc1_queue_fail_all(hc->admin, err);
	for (qid = 1; qid <= hc->max_ioq; qid++)
		if (hc->ioq[qid])
			hc1_queue_fail_all(hc->ioq[qid], err);
}

/* The card stopped answering (pulled out): never touch it again. */
void hc1_mark_gone(struct hc1_dev *hc)
{
	if (hc->dead)
		return;
	dev_err(hc->dev, "card no longer responds; giving up on it\n");
	hc1_errlog_add(hc, HC1_ERR_FATAL, 0, "card gone");
	hc->gone = true;
	hc->dead = true;
	mutex_lock(&hc->files_lock);
	hc1_fail_all(hc, -ENODEV);
	mutex_unlock(&hc->files_lock);
	hc1_wake_files(hc);
}

void hc1_schedule_reset(struct hc1_dev *hc, const char *why)
{
	if (hc->dead || hc->resetting)
		return;
	dev_err(hc->dev, "%s: resetting the controller\n", why);
	hc1_errlog_add(hc, HC1_ERR_FATAL, hc1_rd(hc, HC1_REG_FATAL_CODE), why);
	schedule_work(&hc->reset_work);
}

void hc1_watchdog_fn(struct work_struct *work)
{
	struct hc1_dev *hc = container_of(to_delayed_work(work),
					  struct hc1_dev, watchdog);
	u32 csts, hb;

	if (hc->dead || !hc->watchdog_on)
		return;
	if (hc->resetting)
		goto again;
	if (hc1_is_gone(hc)) {
		hc1_mark_gone(hc);
		return;
	}
	csts = hc1_rd(hc, HC1_REG_CSTS);
	if (csts & HC1_CSTS_CFS) {
		hc1_schedule_reset(hc, "controller fatal status");
		goto again;
	}
	hb = hc1_rd(hc, HC1_REG_HEARTBEAT);
	if (hb == hc->last_heartbeat) {
		if (++hc->stalled >= HC1_HEARTBEAT_STALLS) {
			hc->stalled = 0;
			hc1_schedule_reset(hc, "heartbeat stopped");
		}
	} else {
		hc->stalled = 0;
	}
	hc->last_heartbeat = hb;
again:
	schedule_delayed_work(&hc->watchdog, msecs_to_jiffies(HC1_WATCHDOG_MS));
}

void hc1_watchdog_start(struct hc1_dev *hc)
{
	hc->last_heartbeat = hc1_rd(hc, HC1_REG_HEARTBEAT);
	hc->stalled = 0;
	hc->watchdog_on = true;
	schedule_delayed_work(&hc->watchdog, msecs_to_jiffies(HC1_WATCHDOG_MS));
}

void hc1_watchdog_stop(struct hc1_dev *hc)
{
	hc->watchdog_on = false;
	cancel_delayed_work_sync(&hc->watchdog);
}

/* Bring every open file back with a new, empty I/O queue. */
static void hc1_requeue_files(struct hc1_dev *hc)
{
	struct hc1_file *hf;
	struct hc1_queue *q;

	list_for_each_entry(hf, &hc->files, node) {
		q = hf->q;
		hc1_ctx_mark_lost(hf);
		if (!q)
			continue;
		hc1_queue_reset(q);
		if (hc1_create_ioq(hc, q))
			dev_err(hc->dev, "cannot recreate I/O queue %u\n",
				q->qid);
		hf->gen = hc->gen;
	}
}

void hc1_reset_work(struct work_struct *work)
{
	struct hc1_dev *hc = container_of(work, struct hc1_dev, reset_work);
	int ret;

	down_write(&hc->state_lock);
	if (hc->dead)
		goto out;
	hc->resetting = true;
	hc->resets++;
	mutex_lock(&hc->files_lock);
	/* Clearing EN resets the controller: nothing in flight survives. */
	hc1_disable(hc);
	hc1_fail_all(hc, -EIO);
	cancel_work_sync(&hc->aer_work);
	hc->gen++;
	if (hc1_is_gone(hc)) {
		mutex_unlock(&hc->files_lock);
		hc->resetting = false;
		up_write(&hc->state_lock);
		hc1_mark_gone(hc);
		return;
	}
	hc1_queue_reset(hc->admin);
	ret = hc1_enable(hc);
	if (!ret)
		ret = hc1_identify(hc);
	if (ret) {
		dev_err(hc->dev, "reset failed (%d); the card is unusable\n",
			ret);
		hc->dead = true;
		mutex_unlock(&hc->files_lock);
		hc1_wake_files(hc);
		goto out;
	}
	hc1_set_feature(hc, HC1_FEAT_AEN_MASK, HC1_AEN_MASK_ALL, 0);
	hc1_aer_arm(hc);
	hc1_requeue_files(hc);
	mutex_unlock(&hc->files_lock);
	hc->last_heartbeat = hc1_rd(hc, HC1_REG_HEARTBEAT);
	hc->stalled = 0;
	dev_info(hc->dev, "controller reset done (%u so far)\n", hc->resets);
out:
	hc->resetting = false;
	up_write(&hc->state_lock);
}

int hc1_reset_sync(struct hc1_dev *hc)
{
	if (hc->dead)
		return -ENODEV;
	hc1_errlog_add(hc, 0, 0, "reset requested");
	schedule_work(&hc->reset_work);
	flush_work(&hc->reset_work);
	return hc->dead ? -EIO : 0;
}
