// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: the character device /dev/hc1-N and its ioctls.
 *
 * Every open file gets its own I/O queue pair on the card; the card ties
 * each context to the queue that created it, so one process can neither
 * see nor touch another's contexts.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hc1_drv.h"

static struct hc1_dev *hc1_from_file(struct file *file)
{
	struct miscdevice *misc = file->private_data;

	return container_of(misc, struct hc1_dev, misc);
}

/* Give @hf a free queue id and create its queue pair on the card. */
int hc1_file_queue_up(struct hc1_file *hf)
{
	struct hc1_dev *hc = hf->hc;
	struct hc1_queue *q;
	unsigned int qid;
	int ret;

	mutex_lock(&hc->files_lock);
	for (qid = 1; qid <= hc->max_ioq; qid++)
		if (!hc->ioq[qid])
			break;
	if (qid > hc->max_ioq) {
		ret = -EBUSY;
		goto out;
	}
	q = hc1_queue_alloc(hc, qid, HC1_IO_DEPTH, hc1_ioq_vector(hc, qid));
	if (!q) {
		ret = -ENOMEM;
		goto out;
	}
	q->owner = hf;
	ret = hc1_create_ioq(hc, q);
	if (ret) {
		hc1_queue_free(q);
		goto out;
	}
	hf->q = q;
	hf->gen = hc->gen;
	WRITE_ONCE(hc->ioq[qid], q);
	list_add_tail(&hf->node, &hc->files);
out:
	mutex_unlock(&hc->files_lock);
	return ret;
}

static void hc1_file_queue_down(struct hc1_file *hf)
{
	struct hc1_dev *hc = hf->hc;
	struct hc1_queue *q = hf->q;

	mutex_lock(&hc->files_lock);
	list_del(&hf->node);
	if (q && !hc->dead && hf->gen == hc->gen && q->live)
		hc1_delete_ioq(hc, q);
	if (q) {
		hc1_queue_fail_all(q, -ENODEV);
		if (hc->ioq[q->qid] == q)
			WRITE_ONCE(hc->ioq[q->qid], NULL);
	}
	mutex_unlock(&hc->files_lock);
	if (q) {
		if (hc->n_vectors)
			hc1_sync_vector(hc, q->vector);
		hc1_queue_free(q);
	}
	hf->q = NULL;
}

void hc1_wake_files(struct hc1_dev *hc)
{
	struct hc1_file *hf;

	mutex_lock(&hc->files_lock);
	list_for_each_entry(hf, &hc->files, node)
		wake_up_all(&hf->wq);
	mutex_unlock(&hc->files_lock);
}

static int hc1_open(struct inode *inode, struct file *file)
{
	struct hc1_dev *hc = hc1_from_file(file);
	struct hc1_file *hf;
	int ret;

	hf = kzalloc(sizeof(*hf), GFP_KERNEL);
	if (!hf)
		return -ENOMEM;
	hf->hc = hc;
	mutex_init(&hf->lock);
	spin_lock_init(&hf->ctx_lock);
	INIT_LIST_HEAD(&hf->contexts);
	init_waitqueue_head(&hf->wq);
	ret = hc1_dmabuf_alloc(hc, &hf->bounce, HC1_PREFILL_CHUNK);
	if (ret)
		goto err_free;

	down_read(&hc->state_lock);
	ret = hc->dead ? -ENODEV : hc1_file_queue_up(hf);
	up_read(&hc->state_lock);
	if (ret)
		goto err_buf;
	hc1_dev_get(hc);
	file->private_data = hf;
	return stream_open(inode, file);

err_buf:
	hc1_dmabuf_free(hc, &hf->bounce);
err_free:
	kfree(hf);
	return ret;
}

static int hc1_release(struct inode *inode, struct file *file)
{
	struct hc1_file *hf = file->private_data;
	struct hc1_dev *hc = hf->hc;

	mutex_lock(&hf->lock);
	hc1_ctx_destroy_all(hf);
	mutex_unlock(&hf->lock);
	down_read(&hc->state_lock);
	hc1_file_queue_down(hf);
	up_read(&hc->state_lock);
	hc1_dmabuf_free(hc, &hf->bounce);
	kfree(hf);
	hc1_dev_put(hc);
	return 0;
}

static ssize_t hc1_read(struct file *file, char __user *buf, size_t len,
			loff_t *off)
{
	struct hc1_file *hf = file->private_data;

	return hc1_ctx_read(hf, buf, len, file->f_flags & O_NONBLOCK);
}

static __poll_t hc1_poll(struct file *file, poll_table *wait)
{
	struct hc1_file *hf = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &hf->wq, wait);
	if (hc1_ctx_readable(hf))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (hf->hc->dead)
		mask |= EPOLLERR | EPOLLHUP;
	return mask;
}

static void hc1_fill_info(struct hc1_dev *hc, struct hc1_ioc_info *a)
{
	const struct hc1_id_device *d = &hc->id_dev;
	const struct hc1_id_model *m = &hc->id_model;

	a->uapi_version = HC1_UAPI_VERSION;
	a->iface_version = hc->version;
	a->cap = hc->cap;
	a->intmode = hc->msix;
	a->n_vectors = hc->n_vectors;
	a->n_io_queues = hc->max_ioq;
	a->rom_size = m->rom_size;
	a->sram_size = d->sram_size;
	memcpy(a->model_id, m->model_id, sizeof(a->model_id));
	memcpy(a->tokenizer_id, m->tokenizer_id, sizeof(a->tokenizer_id));
	strscpy(a->name, m->name, sizeof(a->name));
	strscpy(a->serial, d->serial, sizeof(a->serial));
	strscpy(a->firmware, d->firmware, sizeof(a->firmware));
	a->n_vocab = m->n_vocab;
	a->n_ctx_train = m->n_ctx_train;
	a->n_embd = m->n_embd;
	a->n_layer = m->n_layer;
	a->n_head = m->n_head;
	a->n_head_kv = m->n_head_kv;
	a->head_dim = m->head_dim;
	a->n_ff = m->n_ff;
	a->weight_type = m->weight_type;
	a->rope_theta = m->rope_theta;
	a->bos_id = m->bos_id;
	a->eos_id = m->eos_id;
	a->eot_id = m->eot_id;
	a->eom_id = m->eom_id;
	a->tokblob_size = m->tokblob_size;
	a->max_contexts = d->max_contexts;
	a->kv_capacity = d->kv_capacity;
	a->max_ctx_tokens = d->max_ctx_tokens;
	a->max_top_k = d->max_top_k;
	a->max_top_logprobs = d->max_top_logprobs;
	a->max_stop_seqs = d->max_stop_seqs;
	a->max_stop_len = d->max_stop_len;
	a->lora_slots = d->lora_slots;
	a->lora_max_bytes = d->lora_max_bytes;
	a->max_batch = d->max_batch;
}

static int hc1_stats(struct hc1_dev *hc, struct hc1_ioc_stats *a)
{
	struct hc1_stats_log *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = hc1_get_log(hc, HC1_LOG_STATS, 0, s, sizeof(*s));
	if (!ret) {
		a->tokens_decoded = s->tokens_decoded;
		a->tokens_prefilled = s->tokens_prefilled;
		a->busy_us = s->busy_us;
		a->energy_mj = s->energy_mj;
		a->commands = s->commands;
		a->errors = s->errors;
		a->uptime_ms = s->uptime_ms;
		a->decode_steps = s->decode_steps;
		a->batch_tokens = s->batch_tokens;
		a->contexts_created = s->contexts_created;
		a->interrupts = s->interrupts;
		a->sram_used = s->sram_used;
		a->contexts_used = s->contexts_used;
		a->temp_mc = s->temp_mc;
		a->power_mw = s->power_mw;
		a->power_cap_mw = s->power_cap_mw;
	}
	a->resets = hc->resets;
	a->timeouts = hc->timeouts;
	kfree(s);
	return ret;
}

/* Largest argument structure: what copy_struct_from_user fills. */
union hc1_ioc_args {
	struct hc1_ioc_info info;
	struct hc1_ioc_tokenizer tok;
	struct hc1_ioc_ctx_create create;
	struct hc1_ioc_ctx ctx;
	struct hc1_ioc_prefill prefill;
	struct hc1_ioc_decode decode;
	struct hc1_ioc_truncate truncate;
	struct hc1_ioc_lora lora;
	struct hc1_ioc_stats stats;
	struct hc1_ioc_reset reset;
};

static const size_t hc1_ioc_size[] = {
	[_IOC_NR(HC1_IOC_INFO)] = sizeof(struct hc1_ioc_info),
	[_IOC_NR(HC1_IOC_TOKENIZER)] = sizeof(struct hc1_ioc_tokenizer),
	[_IOC_NR(HC1_IOC_CTX_CREATE)] = sizeof(struct hc1_ioc_ctx_create),
	[_IOC_NR(HC1_IOC_CTX_DESTROY)] = sizeof(struct hc1_ioc_ctx),
	[_IOC_NR(HC1_IOC_PREFILL)] = sizeof(struct hc1_ioc_prefill),
	[_IOC_NR(HC1_IOC_DECODE)] = sizeof(struct hc1_ioc_decode),
	[_IOC_NR(HC1_IOC_CANCEL)] = sizeof(struct hc1_ioc_ctx),
	[_IOC_NR(HC1_IOC_TRUNCATE)] = sizeof(struct hc1_ioc_truncate),
	[_IOC_NR(HC1_IOC_LORA_LOAD)] = sizeof(struct hc1_ioc_lora),
	[_IOC_NR(HC1_IOC_LORA_UNLOAD)] = sizeof(struct hc1_ioc_lora),
	[_IOC_NR(HC1_IOC_STATS)] = sizeof(struct hc1_ioc_stats),
	[_IOC_NR(HC1_IOC_RESET)] = sizeof(struct hc1_ioc_reset),
};

static long hc1_dispatch(struct hc1_file *hf, unsigned int nr,
			 union hc1_ioc_args *a)
{
	struct hc1_dev *hc = hf->hc;
	long ret;

	switch (nr) {
	case _IOC_NR(HC1_IOC_INFO):
		hc1_fill_info(hc, &a->info);
		return 0;
	case _IOC_NR(HC1_IOC_TOKENIZER):
		return hc1_get_tokenizer(hc, a->tok.offset,
					 u64_to_user_ptr(a->tok.data),
					 a->tok.len, &a->tok.total);
	case _IOC_NR(HC1_IOC_STATS):
		return hc1_stats(hc, &a->stats);
	case _IOC_NR(HC1_IOC_RESET):
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return hc1_reset_sync(hc);
	case _IOC_NR(HC1_IOC_LORA_LOAD):
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return hc1_lora_load(hc, a->lora.slot,
				     u64_to_user_ptr(a->lora.data),
				     a->lora.len, a->lora.crc32c);
	case _IOC_NR(HC1_IOC_LORA_UNLOAD):
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return hc1_lora_unload(hc, a->lora.slot);
	}

	/* Context commands: serialised per file (the bounce buffer). */
	mutex_lock(&hf->lock);
	switch (nr) {
	case _IOC_NR(HC1_IOC_CTX_CREATE):
		ret = hc1_ctx_create(hf, &a->create);
		break;
	case _IOC_NR(HC1_IOC_CTX_DESTROY):
		ret = hc1_ctx_destroy(hf, a->ctx.ctx);
		break;
	case _IOC_NR(HC1_IOC_PREFILL):
		ret = hc1_ctx_prefill(hf, &a->prefill);
		break;
	case _IOC_NR(HC1_IOC_DECODE):
		ret = hc1_ctx_decode(hf, &a->decode);
		break;
	case _IOC_NR(HC1_IOC_TRUNCATE):
		ret = hc1_ctx_truncate(hf, &a->truncate);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&hf->lock);
	return ret;
}

static long hc1_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct hc1_file *hf = file->private_data;
	void __user *uarg = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd);
	union hc1_ioc_args *a;
	u32 usize, flags;
	size_t ksize;
	long ret;

	if (_IOC_TYPE(cmd) != HC1_IOCTL_TYPE || nr >= ARRAY_SIZE(hc1_ioc_size))
		return -ENOTTY;
	if (hf->hc->dead)
		return -ENODEV;
	ksize = hc1_ioc_size[nr];
	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < 2 * sizeof(u32) || usize > PAGE_SIZE)
		return -EINVAL;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = copy_struct_from_user(a, ksize, uarg, usize);
	if (ret)
		goto out;
	flags = ((u32 *)a)[1];
	/* DECODE and CTX_CREATE check their flags; the rest take none. */
	if (nr != _IOC_NR(HC1_IOC_DECODE) &&
	    nr != _IOC_NR(HC1_IOC_CTX_CREATE) && flags) {
		ret = -EINVAL;
		goto out;
	}

	/* CANCEL must not queue behind a command of the same file. */
	if (nr == _IOC_NR(HC1_IOC_CANCEL))
		ret = hc1_ctx_cancel(hf, &a->ctx);
	else
		ret = hc1_dispatch(hf, nr, a);
	if (!ret && copy_to_user(uarg, a, min_t(size_t, usize, ksize)))
		ret = -EFAULT;
out:
	kfree(a);
	return ret;
}

static const struct file_operations hc1_fops = {
	.owner = THIS_MODULE,
	.open = hc1_open,
	.release = hc1_release,
	.read = hc1_read,
	.poll = hc1_poll,
	.unlocked_ioctl = hc1_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

int hc1_cdev_register(struct hc1_dev *hc)
{
	hc->misc.minor = MISC_DYNAMIC_MINOR;
	hc->misc.name = hc->name;
	hc->misc.fops = &hc1_fops;
	hc->misc.parent = hc->dev;
	hc->misc.groups = hc1_attr_groups;
	hc->misc.mode = 0666;
	return misc_register(&hc->misc);
}

void hc1_cdev_unregister(struct hc1_dev *hc)
{
	misc_deregister(&hc->misc);
}
