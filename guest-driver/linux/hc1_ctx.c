// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: contexts and their token streams.
 *
 * A context lives on the card; the driver keeps, per context, the stream
 * ring the card writes token records into and a page holding the stream
 * control block and the decode parameters. read() turns ring records
 * into struct hc1_event records for the process that owns the context,
 * followed by one DONE record when the decode command completes.
 *
 * Locking: hf->lock serialises commands of one file (and its bounce
 * buffer); hf->ctx_lock protects the list and the stream state and is
 * taken from the completion path, in interrupt context.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/dma-mapping.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hc1_drv.h"

#define HC1_MAX_FILE_CONTEXTS	64
#define HC1_READ_BATCH		64

static struct hc1_context *hc1_ctx_find(struct hc1_file *hf, u32 id)
{
	struct hc1_context *c;

	list_for_each_entry(c, &hf->contexts, node)
		if (c->id == id)
			return c;
	return NULL;
}

/* Look up @id for a command; -EIO when the card lost it. */
static struct hc1_context *hc1_ctx_get(struct hc1_file *hf, u32 id)
{
	struct hc1_context *c;
	unsigned long flags;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	c = hc1_ctx_find(hf, id);
	if (c && c->lost)
		c = ERR_PTR(-EIO);
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	return c ? c : ERR_PTR(-ENOENT);
}

static void hc1_ctx_free(struct hc1_dev *hc, struct hc1_context *c)
{
	if (c->ring)
		dma_free_coherent(hc->dev, c->ring_entries * sizeof(*c->ring),
				  c->ring, c->ring_dma);
	if (c->lp_ring)
		dma_free_coherent(hc->dev,
				  c->ring_entries * sizeof(*c->lp_ring),
				  c->lp_ring, c->lp_ring_dma);
	if (c->page)
		dma_free_coherent(hc->dev, PAGE_SIZE, c->page, c->page_dma);
	kfree(c);
}

static void hc1_io_init(struct hc1_cmd *cmd, u8 opcode, u32 ctx)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->sqe.opcode = opcode;
	cmd->sqe.ctx = ctx;
}

static int hc1_io(struct hc1_file *hf, struct hc1_cmd *cmd)
{
	if (hf->gen != hf->hc->gen || !hf->q)
		return -EIO;
	return hc1_submit_wait(hf->q, cmd, hc1_io_timeout_ms);
}

int hc1_ctx_create(struct hc1_file *hf, struct hc1_ioc_ctx_create *a)
{
	struct hc1_dev *hc = hf->hc;
	struct hc1_ctx_params *p;
	struct hc1_context *c;
	struct hc1_cmd cmd;
	unsigned long flags;
	int ret;

	if (!a->ring_entries)
		a->ring_entries = HC1_RING_DEFAULT;
	if (a->ring_entries < 2 || a->ring_entries > HC1_RING_MAX_ENTRIES)
		return -EINVAL;
	if (a->lora_slot > HC1_LORA_NONE)
		return -EINVAL;
	if (a->flags & ~HC1_CTX_TOP_LOGPROBS)
		return -EINVAL;
	if ((a->flags & HC1_CTX_TOP_LOGPROBS) &&
	    (!(hc->cap & HC1_CAP_TOP_LOGPROBS) ||
	     !hc->id_dev.max_top_logprobs))
		return -EOPNOTSUPP;
	if (hf->n_contexts >= HC1_MAX_FILE_CONTEXTS)
		return -EMFILE;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->hf = hf;
	c->ring_entries = a->ring_entries;
	c->ring = dma_alloc_coherent(hc->dev,
				     c->ring_entries * sizeof(*c->ring),
				     &c->ring_dma, GFP_KERNEL);
	c->page = dma_alloc_coherent(hc->dev, PAGE_SIZE, &c->page_dma,
				     GFP_KERNEL);
	if (!c->ring || !c->page) {
		hc1_ctx_free(hc, c);
		return -ENOMEM;
	}
	if (a->flags & HC1_CTX_TOP_LOGPROBS) {
		c->lp_ring = dma_alloc_coherent(hc->dev, c->ring_entries *
						sizeof(*c->lp_ring),
						&c->lp_ring_dma, GFP_KERNEL);
		if (!c->lp_ring) {
			hc1_ctx_free(hc, c);
			return -ENOMEM;
		}
	}

	p = hf->bounce.cpu;
	memset(p, 0, sizeof(*p));
	p->kv_tokens = a->kv_tokens;
	p->ring_entries = c->ring_entries;
	p->ring_addr = c->ring_dma;
	p->ctl_addr = c->page_dma;
	p->lp_ring_addr = c->lp_ring ? c->lp_ring_dma : 0;
	p->stream_id = a->stream_id;
	p->notify_tokens = a->notify_tokens;
	p->notify_timeout_us = a->notify_timeout_us;
	p->lora_slot = a->lora_slot;

	hc1_io_init(&cmd, HC1_IO_CREATE_CONTEXT, 0);
	hc1_dmabuf_map(&hf->bounce, sizeof(*p), &cmd.sqe);
	ret = hc1_io(hf, &cmd);
	if (ret) {
		/* A timed-out create may still be read by the card. */
		if (ret != -ETIMEDOUT)
			hc1_ctx_free(hc, c);
		return ret;
	}
	c->id = cmd.dw0;
	a->ctx = c->id;
	spin_lock_irqsave(&hf->ctx_lock, flags);
	list_add_tail(&c->node, &hf->contexts);
	hf->n_contexts++;
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	return 0;
}

static void hc1_ctx_unlink(struct hc1_file *hf, struct hc1_context *c)
{
	unsigned long flags;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	list_del(&c->node);
	hf->n_contexts--;
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
}

static int hc1_ctx_cancel_one(struct hc1_file *hf, struct hc1_context *c,
			      u32 *count)
{
	struct hc1_cmd cmd;
	int ret;

	hc1_io_init(&cmd, HC1_IO_CANCEL, c->id);
	ret = hc1_io(hf, &cmd);
	if (!ret && count)
		*count = cmd.dw0;
	return ret;
}

static bool hc1_ctx_idle(struct hc1_file *hf, struct hc1_context *c)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	idle = !c->decoding;
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	return idle;
}

/*
 * Destroy one context: stop its decode, then free it on the card, and
 * only then its memory, which the card writes until it is gone. If the
 * card does not answer, the memory is leaked rather than reused.
 */
static int hc1_ctx_teardown(struct hc1_file *hf, struct hc1_context *c)
{
	struct hc1_dev *hc = hf->hc;
	struct hc1_cmd cmd;
	int ret = 0;

	if (!c->lost && !hc->dead && hf->gen == hc->gen) {
		if (!hc1_ctx_idle(hf, c)) {
			hc1_ctx_cancel_one(hf, c, NULL);
			wait_event_timeout(hf->wq, hc1_ctx_idle(hf, c),
					   msecs_to_jiffies(hc1_io_timeout_ms));
		}
		hc1_io_init(&cmd, HC1_IO_DESTROY_CONTEXT, c->id);
		ret = hc1_io(hf, &cmd);
	}
	hc1_ctx_unlink(hf, c);
	if (ret == -ETIMEDOUT || !hc1_ctx_idle(hf, c)) {
		dev_warn(hc->dev, "context %u did not stop; leaking its buffers\n",
			 c->id);
		return ret ? ret : -ETIMEDOUT;
	}
	hc1_ctx_free(hc, c);
	return ret == -ENOENT ? 0 : ret;
}

int hc1_ctx_destroy(struct hc1_file *hf, u32 id)
{
	struct hc1_context *c;
	unsigned long flags;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	c = hc1_ctx_find(hf, id);
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	if (!c)
		return -ENOENT;
	return hc1_ctx_teardown(hf, c);
}

void hc1_ctx_destroy_all(struct hc1_file *hf)
{
	struct hc1_context *c;

	while (!list_empty(&hf->contexts)) {
		c = list_first_entry(&hf->contexts, struct hc1_context, node);
		hc1_ctx_teardown(hf, c);
	}
}

/* After a controller reset, every context on the card is gone. */
void hc1_ctx_mark_lost(struct hc1_file *hf)
{
	struct hc1_context *c;
	unsigned long flags;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	list_for_each_entry(c, &hf->contexts, node)
		c->lost = true;
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	wake_up_interruptible(&hf->wq);
}

int hc1_ctx_prefill(struct hc1_file *hf, struct hc1_ioc_prefill *a)
{
	const u32 chunk = HC1_PREFILL_CHUNK / sizeof(s32);
	const s32 __user *src = u64_to_user_ptr(a->tokens);
	struct hc1_context *c;
	struct hc1_cmd cmd;
	u32 done = 0, n;
	int ret;

	if (!a->n_tokens)
		return -EINVAL;
	c = hc1_ctx_get(hf, a->ctx);
	if (IS_ERR(c))
		return PTR_ERR(c);
	while (done < a->n_tokens) {
		n = min(a->n_tokens - done, chunk);
		if (copy_from_user(hf->bounce.cpu, src + done, n * sizeof(s32)))
			return -EFAULT;
		hc1_io_init(&cmd, HC1_IO_PREFILL, c->id);
		cmd.sqe.cdw10 = n;
		hc1_dmabuf_map(&hf->bounce, n * sizeof(s32), &cmd.sqe);
		ret = hc1_io(hf, &cmd);
		if (ret)
			return ret;
		a->n_ctx = cmd.dw0;
		done += n;
	}
	return 0;
}

/* Decode completion, in interrupt context with the queue lock held. */
static void hc1_decode_end(struct hc1_queue *q, struct hc1_cmd *cmd)
{
	struct hc1_context *c = cmd->priv;
	struct hc1_file *hf = c->hf;
	struct hc1_event *ev = &c->done_ev;
	unsigned long flags;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	if (!c->decoding) {
		/* Already ended from its LAST record (see hc1_ctx_reap). */
		spin_unlock_irqrestore(&hf->ctx_lock, flags);
		return;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = HC1_EV_DONE;
	ev->ctx = c->id;
	ev->count = cmd->dw0;
	ev->stop_reason = cmd->dw1 & HC1_STOP_REASON_MASK;
	ev->stop_index = (cmd->dw1 >> HC1_STOP_INDEX_SHIFT) & 0xff;
	ev->status = cmd->err ? cmd->err : hc1_sc_to_errno(cmd->sc);
	if (ev->status && ev->stop_reason == HC1_STOP_NONE)
		ev->stop_reason = ev->status == -ECANCELED ?
				  HC1_STOP_CANCELLED : HC1_STOP_ERROR;
	if (cmd->err)
		c->lost = true;
	c->decoding = false;
	c->done = true;
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	wake_up_interruptible(&hf->wq);
	wake_up(&hf->wq);
}

int hc1_ctx_decode(struct hc1_file *hf, const struct hc1_ioc_decode *a)
{
	struct hc1_decode_params *p;
	struct hc1_context *c;
	unsigned long flags;
	unsigned int i;
	int ret;

	if (a->flags & ~HC1_DECODE_IGNORE_EOS)
		return -EINVAL;
	if (!a->max_new || a->min_new > a->max_new ||
	    a->n_stop > HC1_MAX_STOP_SEQS)
		return -EINVAL;
	for (i = 0; i < a->n_stop; i++)
		if (!a->stop_len[i] || a->stop_len[i] > HC1_MAX_STOP_LEN)
			return -EINVAL;
	if (a->reserved2 ||
	    a->n_top_logprobs > min_t(u32, HC1_MAX_TOP_LOGPROBS,
				      hf->hc->id_dev.max_top_logprobs))
		return -EINVAL;

	c = hc1_ctx_get(hf, a->ctx);
	if (IS_ERR(c))
		return PTR_ERR(c);
	if (a->n_top_logprobs && !c->lp_ring)
		return -EINVAL;
	spin_lock_irqsave(&hf->ctx_lock, flags);
	if (c->decoding || c->done) {
		/* One decode at a time; its DONE must be read first. */
		spin_unlock_irqrestore(&hf->ctx_lock, flags);
		return -EBUSY;
	}
	c->decoding = true;
	c->n_top = a->n_top_logprobs;
	c->n_gen = 0;
	c->last_at = 0;
	spin_unlock_irqrestore(&hf->ctx_lock, flags);

	p = HC1_CTX_PARAMS(c);
	memset(p, 0, sizeof(*p));
	p->max_new = a->max_new;
	p->min_new = a->min_new;
	p->temperature = a->temperature;
	p->top_k = a->top_k;
	p->top_p = a->top_p;
	p->min_p = a->min_p;
	p->repeat_penalty = a->repeat_penalty;
	p->repeat_last_n = a->repeat_last_n;
	p->seed = a->seed;
	p->flags = a->flags & HC1_DECODE_IGNORE_EOS ? HC1_DECODE_F_IGNORE_EOS : 0;
	p->n_top_logprobs = a->n_top_logprobs;
	p->n_stop = a->n_stop;
	memcpy(p->stop_len, a->stop_len, sizeof(p->stop_len));
	memcpy(p->stop, a->stop, sizeof(p->stop));

	memset(&c->decode, 0, sizeof(c->decode));
	c->decode.sqe.opcode = HC1_IO_DECODE;
	c->decode.sqe.ctx = c->id;
	c->decode.sqe.dptr1 = c->page_dma + HC1_CTX_PARAMS_OFF;
	c->decode.end = hc1_decode_end;
	c->decode.priv = c;
	ret = hf->gen == hf->hc->gen ? hc1_submit(hf->q, &c->decode) : -EIO;
	if (ret) {
		spin_lock_irqsave(&hf->ctx_lock, flags);
		c->decoding = false;
		spin_unlock_irqrestore(&hf->ctx_lock, flags);
	}
	return ret;
}

int hc1_ctx_cancel(struct hc1_file *hf, struct hc1_ioc_ctx *a)
{
	struct hc1_context *c = hc1_ctx_get(hf, a->ctx);

	if (IS_ERR(c))
		return PTR_ERR(c);
	return hc1_ctx_cancel_one(hf, c, &a->count);
}

int hc1_ctx_truncate(struct hc1_file *hf, struct hc1_ioc_truncate *a)
{
	struct hc1_context *c = hc1_ctx_get(hf, a->ctx);
	struct hc1_cmd cmd;
	int ret;

	if (IS_ERR(c))
		return PTR_ERR(c);
	hc1_io_init(&cmd, HC1_IO_TRUNCATE, c->id);
	cmd.sqe.cdw10 = a->keep;
	ret = hc1_io(hf, &cmd);
	if (!ret)
		a->n_ctx = cmd.dw0;
	return ret;
}

/* Records the card has written that we have not read; ctx_lock held. */
static u32 hc1_ctx_pending(struct hc1_context *c)
{
	u32 tail = READ_ONCE(HC1_CTX_CTL(c)->tail);

	if (c->lost || tail >= c->ring_entries)
		return 0;
	return (tail + c->ring_entries - c->head) % c->ring_entries;
}

bool hc1_ctx_readable(struct hc1_file *hf)
{
	struct hc1_context *c;
	unsigned long flags;
	bool ready = false;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	list_for_each_entry(c, &hf->contexts, node) {
		if (c->done || hc1_ctx_pending(c)) {
			ready = true;
			break;
		}
	}
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	return ready || hf->hc->dead;
}

/* The TOKEN event of the record at c->head; ctx_lock held. */
static void hc1_ctx_token_ev(struct hc1_context *c, struct hc1_event *ev)
{
	struct hc1_token_rec *r = &c->ring[c->head];

	memset(ev, 0, sizeof(*ev));
	ev->type = HC1_EV_TOKEN;
	ev->ctx = c->id;
	ev->token = r->token;
	ev->pos = r->pos;
	ev->logprob = r->logprob;
	if (r->flags & HC1_TREC_FIRST) {
		ev->flags |= HC1_EV_F_FIRST;
		c->n_gen = 0;
	}
	c->n_gen++;
	if (r->flags & HC1_TREC_LAST) {
		ev->flags |= HC1_EV_F_LAST;
		ev->stop_reason = r->stop_reason;
		c->last_at = jiffies | 1;
	}
	c->lp_n = c->lp_ring ? min3((u32)r->n_top, c->n_top,
				    (u32)HC1_MAX_TOP_LOGPROBS) : 0;
	c->lp_sent = 0;
}

/* The next TOP_LOGPROBS event of the record at c->head; ctx_lock held. */
static void hc1_ctx_top_ev(struct hc1_context *c, struct hc1_event *ev)
{
	const struct hc1_top_logprob *top = c->lp_ring[c->head].top;
	struct hc1_event_top *t = (struct hc1_event_top *)ev;
	unsigned int i;

	BUILD_BUG_ON(sizeof(*t) != sizeof(*ev));
	memset(t, 0, sizeof(*t));
	t->type = HC1_EV_TOP_LOGPROBS;
	t->index = c->lp_sent;
	t->n_top = c->lp_n;
	t->ctx = c->id;
	for (i = 0; i < HC1_EV_TOP_PER_RECORD && c->lp_sent < c->lp_n; i++) {
		t->top[i].token = top[c->lp_sent].token;
		t->top[i].logprob = top[c->lp_sent].logprob;
		c->lp_sent++;
	}
}

/*
 * Turn the records of @c into events: each record gives a TOKEN event,
 * then its TOP_LOGPROBS events; the slot goes back to the card once all
 * of them are out, possibly over several reads. ctx_lock held.
 */
static unsigned int hc1_ctx_collect_one(struct hc1_context *c,
					struct hc1_event *ev, unsigned int max)
{
	u32 pending = hc1_ctx_pending(c);
	unsigned int n = 0;

	if (c->lost) {
		c->tok_sent = false;
		return 0;
	}
	/* The records are valid once the tail says so. */
	dma_rmb();
	while (pending && n < max) {
		if (!c->tok_sent) {
			hc1_ctx_token_ev(c, &ev[n++]);
			c->tok_sent = true;
		}
		while (c->lp_sent < c->lp_n && n < max)
			hc1_ctx_top_ev(c, &ev[n++]);
		if (c->lp_sent < c->lp_n)
			break;
		c->tok_sent = false;
		c->head = (c->head + 1) % c->ring_entries;
		pending--;
	}
	/* Give the slots back to the card. */
	WRITE_ONCE(HC1_CTX_CTL(c)->head, c->head);
	return n;
}

static unsigned int hc1_ctx_collect(struct hc1_file *hf, struct hc1_event *ev,
				    unsigned int max)
{
	struct hc1_context *c;
	unsigned long flags;
	unsigned int n = 0;
	bool kick = false;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	list_for_each_entry(c, &hf->contexts, node) {
		if (hc1_ctx_pending(c) == c->ring_entries - 1)
			kick = true;	/* the card may be waiting for room */
		n += hc1_ctx_collect_one(c, ev + n, max - n);
		if (c->done && !hc1_ctx_pending(c) && n < max) {
			ev[n++] = c->done_ev;
			c->done = false;
		}
		if (n == max)
			break;
	}
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	if (kick && hf->q)
		hc1_queue_kick(hf->q);
	return n;
}

/*
 * A decode whose LAST record was read long ago but whose completion never
 * came (the card lost it) ends here, from the record, so that its reader
 * does not wait forever. The late completion, if any, is ignored.
 */
static void hc1_ctx_reap(struct hc1_file *hf)
{
	struct hc1_context *c, *stale = NULL;
	unsigned long flags;
	u8 reason = 0;

	spin_lock_irqsave(&hf->ctx_lock, flags);
	list_for_each_entry(c, &hf->contexts, node) {
		if (c->decoding && c->last_at &&
		    time_after(jiffies, c->last_at +
			       msecs_to_jiffies(HC1_DONE_GRACE_MS))) {
			stale = c;
			break;
		}
	}
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
	if (!stale || !hf->q || !hc1_queue_abandon(hf->q, &stale->decode))
		return;

	dev_warn(hf->hc->dev, "context %u: decode completion lost\n",
		 stale->id);
	hc1_errlog_add(hf->hc, 0, stale->id, "decode completion lost");
	hf->hc->timeouts++;
	spin_lock_irqsave(&hf->ctx_lock, flags);
	reason = stale->ring[(stale->head + stale->ring_entries - 1) %
			     stale->ring_entries].stop_reason;
	memset(&stale->done_ev, 0, sizeof(stale->done_ev));
	stale->done_ev.type = HC1_EV_DONE;
	stale->done_ev.ctx = stale->id;
	stale->done_ev.count = stale->n_gen;
	stale->done_ev.stop_reason = reason;
	stale->decoding = false;
	stale->done = true;
	spin_unlock_irqrestore(&hf->ctx_lock, flags);
}

ssize_t hc1_ctx_read(struct hc1_file *hf, char __user *buf, size_t len,
		     bool nonblock)
{
	unsigned int max = min_t(size_t, len / sizeof(struct hc1_event),
				 HC1_READ_BATCH);
	struct hc1_event *ev;
	unsigned int n;
	int ret;

	if (!max)
		return -EINVAL;
	ev = kmalloc_array(max, sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	for (;;) {
		hc1_ctx_reap(hf);
		n = hc1_ctx_collect(hf, ev, max);
		if (n)
			break;
		if (hf->hc->dead) {
			ret = -ENODEV;
			goto out;
		}
		if (nonblock) {
			ret = -EAGAIN;
			goto out;
		}
		/*
		 * The card interrupts when records arrive; the timeout only
		 * bounds the damage of a lost notification.
		 */
		ret = wait_event_interruptible_timeout(hf->wq,
						       hc1_ctx_readable(hf),
						       HZ / 10);
		if (ret < 0)
			goto out;
	}
	ret = copy_to_user(buf, ev, n * sizeof(*ev)) ? -EFAULT :
	      n * sizeof(*ev);
out:
	kfree(ev);
	return ret;
}
