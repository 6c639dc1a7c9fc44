// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: debugfs, /sys/kernel/debug/hc1/hc1-N/: queues (state of every
 * queue pair), errors (the driver's recent errors and the card's error
 * log), regs (a register dump).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "hc1_drv.h"

static struct dentry *hc1_debugfs_root;

static void hc1_show_queue(struct seq_file *s, struct hc1_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	seq_printf(s, "%3u %5u %6u %7u %7u %7u %5u %8u %4s\n", q->qid,
		   q->depth, q->vector, q->sq_tail, q->sq_head, q->cq_head,
		   q->phase, q->inflight, q->live ? "yes" : "no");
	spin_unlock_irqrestore(&q->lock, flags);
}

static int queues_show(struct seq_file *s, void *unused)
{
	struct hc1_dev *hc = s->private;
	unsigned int qid, v;

	seq_printf(s, "state: %s, generation %u, resets %u, timeouts %u\n",
		   hc->dead ? "dead" : hc->resetting ? "resetting" : "live",
		   hc->gen, hc->resets, hc->timeouts);
	seq_puts(s, "qid depth vector sq_tail sq_head cq_head phase inflight live\n");
	hc1_show_queue(s, hc->admin);
	mutex_lock(&hc->files_lock);
	for (qid = 1; qid <= hc->max_ioq; qid++)
		if (hc->ioq[qid])
			hc1_show_queue(s, hc->ioq[qid]);
	mutex_unlock(&hc->files_lock);
	seq_printf(s, "interrupts (%s):", hc->msix ? "MSI-X" : "INTx");
	for (v = 0; v < hc->n_vectors; v++)
		seq_printf(s, " %llu", hc->irq_count[v]);
	seq_putc(s, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(queues);

static int errors_show(struct seq_file *s, void *unused)
{
	struct hc1_dev *hc = s->private;
	struct hc1_error_entry *log;
	struct hc1_errlog_ent *e;
	unsigned long flags;
	unsigned int i, idx;

	seq_printf(s, "driver: %llu errors, most recent last\n",
		   hc->errlog_total);
	spin_lock_irqsave(&hc->errlog_lock, flags);
	for (i = 0; i < HC1_ERRLOG_KEEP; i++) {
		idx = (hc->errlog_next + i) % HC1_ERRLOG_KEEP;
		e = &hc->errlog[idx];
		if (!e->what[0])
			continue;
		seq_printf(s, "  %llu ms: %s (code %u, info %#x)\n",
			   e->when_ms, e->what, e->code, e->info);
	}
	spin_unlock_irqrestore(&hc->errlog_lock, flags);

	if (hc->dead)
		return 0;
	log = kzalloc(HC1_ERROR_LOG_SIZE, GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	if (hc1_get_log(hc, HC1_LOG_ERROR, 0, log, HC1_ERROR_LOG_SIZE)) {
		seq_puts(s, "card: error log unavailable\n");
		goto out;
	}
	seq_puts(s, "card: newest first\n");
	for (i = 0; i < HC1_ERROR_LOG_ENTRIES && log[i].seq; i++)
		seq_printf(s,
			   "  #%llu t=%lluns sev %u code %u status %#x sq %u cid %u op %#x ctx %#x info %#llx\n",
			   log[i].seq, log[i].timestamp_ns, log[i].severity,
			   log[i].code, log[i].status, log[i].sq_id,
			   log[i].cid, log[i].opcode, log[i].ctx, log[i].info);
out:
	kfree(log);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(errors);

static int regs_show(struct seq_file *s, void *unused)
{
	static const struct {
		const char *name;
		u32 off;
	} regs[] = {
		{ "VERSION", HC1_REG_VERSION }, { "CAP", HC1_REG_CAP },
		{ "CC", HC1_REG_CC }, { "CSTS", HC1_REG_CSTS },
		{ "FATAL_CODE", HC1_REG_FATAL_CODE },
		{ "INTSTS", HC1_REG_INTSTS }, { "INTMASK", HC1_REG_INTMASK },
		{ "INTMODE", HC1_REG_INTMODE },
		{ "TEMP_MC", HC1_REG_TEMP_MC }, { "POWER_MW", HC1_REG_POWER_MW },
		{ "BOOT_STATUS", HC1_REG_BOOT_STATUS },
		{ "HEARTBEAT", HC1_REG_HEARTBEAT },
		{ "CONTEXTS_USED", HC1_REG_CONTEXTS_USED },
	};
	struct hc1_dev *hc = s->private;
	unsigned int i;

	if (hc->dead)
		return -ENODEV;
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		seq_printf(s, "%-14s %#010x\n", regs[i].name,
			   hc1_rd(hc, regs[i].off));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(regs);

void hc1_debugfs_init(struct hc1_dev *hc)
{
	hc->debugfs = debugfs_create_dir(hc->name, hc1_debugfs_root);
	debugfs_create_file("queues", 0444, hc->debugfs, hc, &queues_fops);
	debugfs_create_file("errors", 0444, hc->debugfs, hc, &errors_fops);
	debugfs_create_file("regs", 0444, hc->debugfs, hc, &regs_fops);
}

void hc1_debugfs_exit(struct hc1_dev *hc)
{
	debugfs_remove_recursive(hc->debugfs);
	hc->debugfs = NULL;
}

void hc1_debugfs_module_init(void)
{
	hc1_debugfs_root = debugfs_create_dir(HC1_DRV_NAME, NULL);
}

void hc1_debugfs_module_exit(void)
{
	debugfs_remove_recursive(hc1_debugfs_root);
}
