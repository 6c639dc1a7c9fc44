// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: queue pairs, DMA buffers and command submission.
 *
 * A queue pair is a submission ring of 64-byte entries and a completion
 * ring of 16-byte entries with a phase bit, both in coherent memory. A
 * command id (cid) is the index of its slot in q->cmds; a queue never
 * has more than depth - 1 commands in flight, so the submission ring
 * cannot overflow whatever the card reports as its head.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/dma-mapping.h>
#include <linux/slab.h>

#include "hc1_drv.h"

#define HC1_PRP_PER_PAGE	(HC1_PAGE_SIZE / sizeof(__le64))
#define HC1_CMD_ABANDONED	ERR_PTR(-ETIME)

/*
 * Allocate a coherent buffer and, when it spans more than two pages, the
 * PRP list that describes it: entries for pages 1..n-1, the last entry of
 * a full list page pointing at the next list page.
 */
int hc1_dmabuf_alloc(struct hc1_dev *hc, struct hc1_dmabuf *b, size_t size)
{
	size_t pages = DIV_ROUND_UP(size, HC1_PAGE_SIZE);
	size_t entries, lists, i, slot;
	dma_addr_t next;

	memset(b, 0, sizeof(*b));
	b->size = round_up(size, HC1_PAGE_SIZE);
	b->cpu = dma_alloc_coherent(hc->dev, b->size, &b->dma, GFP_KERNEL);
	if (!b->cpu)
		return -ENOMEM;
	if (pages <= 2)
		return 0;

	entries = pages - 1;
	lists = DIV_ROUND_UP(entries - 1, HC1_PRP_PER_PAGE - 1);
	b->prp_size = lists * HC1_PAGE_SIZE;
	b->prp = dma_alloc_coherent(hc->dev, b->prp_size, &b->prp_dma,
				    GFP_KERNEL);
	if (!b->prp) {
		dma_free_coherent(hc->dev, b->size, b->cpu, b->dma);
		b->cpu = NULL;
		return -ENOMEM;
	}
	slot = 0;
	for (i = 1; i < pages; i++) {
		/* The last slot of a list page chains on when more follow. */
		if (slot % HC1_PRP_PER_PAGE == HC1_PRP_PER_PAGE - 1 &&
		    i < pages - 1) {
			next = b->prp_dma + (slot + 1) * sizeof(__le64);
			b->prp[slot++] = cpu_to_le64(next);
		}
		b->prp[slot++] = cpu_to_le64(b->dma + i * HC1_PAGE_SIZE);
	}
	return 0;
}

void hc1_dmabuf_free(struct hc1_dev *hc, struct hc1_dmabuf *b)
{
	if (b->prp)
		dma_free_coherent(hc->dev, b->prp_size, b->prp, b->prp_dma);
	if (b->cpu)
		dma_free_coherent(hc->dev, b->size, b->cpu, b->dma);
	memset(b, 0, sizeof(*b));
}

/* Point @sqe's data pointer at the first @len bytes of @b. */
void hc1_dmabuf_map(const struct hc1_dmabuf *b, size_t len,
		    struct hc1_sqe *sqe)
{
	sqe->flags = HC1_SQE_PSDT_PRP;
	sqe->dptr1 = b->dma;
	if (len <= HC1_PAGE_SIZE)
		sqe->dptr2 = 0;
	else if (len <= 2 * HC1_PAGE_SIZE)
		sqe->dptr2 = b->dma + HC1_PAGE_SIZE;
	else
		sqe->dptr2 = b->prp_dma;
}

struct hc1_queue *hc1_queue_alloc(struct hc1_dev *hc, u16 qid, u16 depth,
				  u16 vector)
{
	struct hc1_queue *q;

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;
	q->hc = hc;
	q->qid = qid;
	q->depth = depth;
	q->vector = vector;
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->slot_wq);
	q->cmds = kcalloc(depth, sizeof(*q->cmds), GFP_KERNEL);
	if (!q->cmds)
		goto fail;
	q->sq = dma_alloc_coherent(hc->dev, depth * sizeof(struct hc1_sqe),
				   &q->sq_dma, GFP_KERNEL);
	if (!q->sq)
		goto fail;
	q->cq = dma_alloc_coherent(hc->dev, depth * sizeof(struct hc1_cqe),
				   &q->cq_dma, GFP_KERNEL);
	if (!q->cq)
		goto fail;
	hc1_queue_reset(q);
	return q;
fail:
	hc1_queue_free(q);
	return NULL;
}

void hc1_queue_free(struct hc1_queue *q)
{
	struct hc1_dev *hc;

	if (!q)
		return;
	hc = q->hc;
	if (q->cq)
		dma_free_coherent(hc->dev, q->depth * sizeof(struct hc1_cqe),
				  q->cq, q->cq_dma);
	if (q->sq)
		dma_free_coherent(hc->dev, q->depth * sizeof(struct hc1_sqe),
				  q->sq, q->sq_dma);
	kfree(q->cmds);
	kfree(q);
}

/* Back to the state the card expects of a new queue: empty, phase 1. */
void hc1_queue_reset(struct hc1_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	memset(q->cq, 0, q->depth * sizeof(struct hc1_cqe));
	q->sq_tail = 0;
	q->sq_head = 0;
	q->cq_head = 0;
	q->phase = 1;
	spin_unlock_irqrestore(&q->lock, flags);
}

int hc1_sc_to_errno(u16 sc)
{
	switch (sc) {
	case HC1_SC_SUCCESS:
		return 0;
	case HC1_SC_INVALID_OPCODE:
	case HC1_SC_UNSUPPORTED:
		return -EOPNOTSUPP;
	case HC1_SC_INVALID_FIELD:
	case HC1_SC_INVALID_TOKEN:
	case HC1_SC_INVALID_SLOT:
	case HC1_SC_INVALID_RING:
	case HC1_SC_INVALID_FEATURE:
	case HC1_SC_INVALID_LOG:
		return -EINVAL;
	case HC1_SC_ABORTED:
		return -ECANCELED;
	case HC1_SC_NOT_READY:
	case HC1_SC_BUSY:
	case HC1_SC_SLOT_IN_USE:
		return -EBUSY;
	case HC1_SC_INVALID_CONTEXT:
		return -ENOENT;
	case HC1_SC_CONTEXT_LIMIT:
		return -EMFILE;
	case HC1_SC_SRAM_FULL:
	case HC1_SC_KV_FULL:
		return -ENOSPC;
	case HC1_SC_NO_LOGITS:
		return -ENODATA;
	case HC1_SC_CHECKSUM:
		return -EBADMSG;
	case HC1_SC_CONTEXT_LOST:
		return -EIO;
	case HC1_SC_THERMAL:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

/* Queue @cmd; its completion calls cmd->end or completes cmd->done. */
int hc1_submit(struct hc1_queue *q, struct hc1_cmd *cmd)
{
	unsigned long flags;
	u16 cid;

	spin_lock_irqsave(&q->lock, flags);
	if (!q->live || q->hc->dead) {
		spin_unlock_irqrestore(&q->lock, flags);
		return q->hc->dead ? -ENODEV : -EIO;
	}
	if (q->inflight >= q->depth - 1) {
		spin_unlock_irqrestore(&q->lock, flags);
		return -EBUSY;
	}
	/* Use the slot after the tail so an id is not reused at once. */
	cid = q->sq_tail;
	while (q->cmds[cid])
		cid = (cid + 1) % q->depth;
	q->cmds[cid] = cmd;
	q->inflight++;
	cmd->sqe.cid = cid;
	cmd->err = 0;
	cmd->sc = 0;
	memcpy(&q->sq[q->sq_tail], &cmd->sqe, sizeof(cmd->sqe));
	q->sq_tail = (q->sq_tail + 1) % q->depth;
	q->hc->cmds_submitted++;
	/* writel orders the entry before the doorbell. */
	hc1_ring_sq(q);
	spin_unlock_irqrestore(&q->lock, flags);
	return 0;
}

static bool hc1_queue_has_room(struct hc1_queue *q)
{
	return q->inflight < q->depth - 1 || !q->live || q->hc->dead;
}

/*
 * Submit and wait. A command that times out is abandoned: its slot stays
 * taken until the card completes it or the queue is reset, so a late
 * completion can never be mistaken for a newer command's.
 */
int hc1_submit_wait(struct hc1_queue *q, struct hc1_cmd *cmd,
		    unsigned int timeout_ms)
{
	long left;
	int ret;

	init_completion(&cmd->done);
	cmd->end = NULL;
	for (;;) {
		ret = hc1_submit(q, cmd);
		if (ret != -EBUSY)
			break;
		left = wait_event_interruptible_timeout(q->slot_wq,
							hc1_queue_has_room(q),
							msecs_to_jiffies(timeout_ms));
		if (left < 0)
			return left;
		if (!left)
			return -ETIMEDOUT;
	}
	if (ret)
		return ret;

	left = wait_for_completion_timeout(&cmd->done,
					   msecs_to_jiffies(timeout_ms));
	if (!left) {
		if (hc1_queue_abandon(q, cmd)) {
			cmd->err = -ETIMEDOUT;
			q->hc->timeouts++;
			dev_warn(q->hc->dev,
				 "queue %u: command %#x (cid %u) timed out\n",
				 q->qid, cmd->sqe.opcode, cmd->sqe.cid);
			hc1_errlog_add(q->hc, 0, cmd->sqe.opcode,
				       "command timeout");
			/* Is the card alive? The watchdog decides at once. */
			if (q->hc->watchdog_on)
				mod_delayed_work(system_wq, &q->hc->watchdog, 0);
			return -ETIMEDOUT;
		}
		/* Completed while we gave up: take the result. */
		wait_for_completion(&cmd->done);
	}
	if (cmd->err)
		return cmd->err;
	return hc1_sc_to_errno(cmd->sc);
}

static void hc1_cmd_finish(struct hc1_queue *q, struct hc1_cmd *cmd)
{
	if (cmd->end)
		cmd->end(q, cmd);
	else
		complete(&cmd->done);
}

/*
 * Give up on @cmd (its completion was lost): its slot stays taken until
 * the card completes it or the queue is reset. False if it completed.
 */
bool hc1_queue_abandon(struct hc1_queue *q, struct hc1_cmd *cmd)
{
	unsigned long flags;
	bool ret = false;

	spin_lock_irqsave(&q->lock, flags);
	if (q->cmds[cmd->sqe.cid] == cmd) {
		q->cmds[cmd->sqe.cid] = HC1_CMD_ABANDONED;
		ret = true;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return ret;
}

/* A CQ head doorbell also makes the card retry streams waiting for room. */
void hc1_queue_kick(struct hc1_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (q->live && !q->hc->dead)
		hc1_ring_cq(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Consume new completions; called from the interrupt handler. */
void hc1_queue_process(struct hc1_queue *q)
{
	struct hc1_cqe *cqe;
	struct hc1_cmd *cmd;
	unsigned long flags;
	bool any = false;
	u16 status, cid;

	spin_lock_irqsave(&q->lock, flags);
	for (;;) {
		cqe = &q->cq[q->cq_head];
		status = READ_ONCE(cqe->status);
		if ((status & HC1_CQE_PHASE) != q->phase)
			break;
		/* Read the rest of the entry only after seeing its phase. */
		dma_rmb();
		any = true;
		cid = cqe->cid;
		q->sq_head = cqe->sq_head;
		if (++q->cq_head == q->depth) {
			q->cq_head = 0;
			q->phase ^= 1;
		}
		cmd = cid < q->depth ? q->cmds[cid] : NULL;
		if (!cmd) {
			dev_warn_ratelimited(q->hc->dev,
					     "queue %u: completion for idle cid %u\n",
					     q->qid, cid);
			continue;
		}
		q->cmds[cid] = NULL;
		q->inflight--;
		if (cmd == HC1_CMD_ABANDONED)
			continue;
		cmd->sc = HC1_CQE_SC(status);
		cmd->dw0 = cqe->dw0;
		cmd->dw1 = cqe->dw1;
		hc1_cmd_finish(q, cmd);
	}
	if (any)
		hc1_ring_cq(q);
	spin_unlock_irqrestore(&q->lock, flags);
	if (any)
		wake_up(&q->slot_wq);
}

/*
 * The card will not complete what is in flight (reset, removal): fail
 * every command with @err so nobody waits forever.
 */
void hc1_queue_fail_all(struct hc1_queue *q, int err)
{
	struct hc1_cmd *cmd;
	unsigned long flags;
	u16 cid;

	spin_lock_irqsave(&q->lock, flags);
	q->live = false;
	for (cid = 0; cid < q->depth; cid++) {
		cmd = q->cmds[cid];
		if (!cmd)
			continue;
		q->cmds[cid] = NULL;
		q->inflight--;
		if (cmd == HC1_CMD_ABANDONED)
			continue;
		cmd->err = err;
		hc1_cmd_finish(q, cmd);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	wake_up(&q->slot_wq);
}
