/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hc1: Linux driver for the HC1 LLM inference card, internal interfaces.
 *
 * Layers, one file each: hc1_pci.c (probe, remove, interrupts),
 * hc1_regs.c (register access, enable/disable), hc1_selftest.c,
 * hc1_queue.c (queue pairs and command submission), hc1_cmd.c (the
 * admin and I/O commands), hc1_ctx.c (contexts and token streams),
 * hc1_cdev.c (the misc device and its ioctls), hc1_reset.c (heartbeat,
 * timeouts, controller reset), hc1_sysfs.c, hc1_hwmon.c, hc1_debugfs.c.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#ifndef HC1_DRV_H
#define HC1_DRV_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "hc1_hw.h"
#include "uapi/hc1.h"

#define HC1_DRV_NAME		"hc1"

/* The interface this driver was written for. */
#define HC1_DRV_IFACE_MAJOR	1
#define HC1_DRV_IFACE_MINOR	0

#define HC1_ADMIN_DEPTH		32
#define HC1_IO_DEPTH		64
#define HC1_RING_DEFAULT	256
#define HC1_XFER_SIZE		SZ_1M		/* admin bounce buffer */
#define HC1_PREFILL_CHUNK	SZ_64K		/* per-file bounce buffer */
#define HC1_ERRLOG_KEEP		32		/* recent errors kept */

/* ms; commands that compute (prefill) may take long under emulation. */
#define HC1_ADMIN_TIMEOUT_MS	5000
extern unsigned int hc1_io_timeout_ms;	/* module parameter */
#define HC1_WATCHDOG_MS		500
/* A decode's completion after its LAST record: lost if this late. */
#define HC1_DONE_GRACE_MS	2000

/* A DMA-coherent buffer with its PRP list, built once at allocation. */
struct hc1_dmabuf {
	void *cpu;
	dma_addr_t dma;
	size_t size;
	__le64 *prp;
	dma_addr_t prp_dma;
	size_t prp_size;
};

struct hc1_queue;
struct hc1_cmd;
typedef void (*hc1_cmd_end_fn)(struct hc1_queue *q, struct hc1_cmd *cmd);

struct hc1_cmd {
	struct hc1_sqe sqe;
	struct completion done;
	u16 sc;			/* HC1_SC_* */
	u32 dw0, dw1;
	int err;		/* 0, or -EIO etc. when the driver failed it */
	hc1_cmd_end_fn end;	/* asynchronous completion, else complete() */
	void *priv;
};

struct hc1_queue {
	struct hc1_dev *hc;
	u16 qid;
	u16 depth;
	u16 vector;
	spinlock_t lock;	/* sq_tail, cq_head, phase, cmds */
	struct hc1_sqe *sq;
	dma_addr_t sq_dma;
	struct hc1_cqe *cq;
	dma_addr_t cq_dma;
	u16 sq_tail;
	u16 sq_head;		/* as last reported by the card */
	u16 cq_head;
	u8 phase;
	bool live;
	unsigned int inflight;
	struct hc1_cmd **cmds;	/* by cid; ERR_PTR(-ETIME) for abandoned */
	wait_queue_head_t slot_wq;
	struct hc1_file *owner;	/* I/O queues: the file using it */
};

/* A context, owned by one open file. */
struct hc1_context {
	struct list_head node;
	struct hc1_file *hf;
	u32 id;			/* the card's id */
	u32 ring_entries;
	struct hc1_token_rec *ring;
	dma_addr_t ring_dma;
	/* Top-logprob ring (HC1_CTX_TOP_LOGPROBS), entry i for record i. */
	struct hc1_top_logprobs *lp_ring;
	dma_addr_t lp_ring_dma;
	u32 n_top;		/* alternatives asked for by the decode */
	u8 lp_n;		/* of the record at head: alternatives to send */
	u8 lp_sent;		/* of those, already read */
	bool tok_sent;		/* the record at head was read as a TOKEN */
	/* One page: stream control at 0, decode parameters at 256. */
	void *page;
	dma_addr_t page_dma;
	u32 head;		/* next record to read */
	bool decoding;
	bool done;		/* a DONE event is waiting to be read */
	bool lost;		/* the card lost it (reset, SRAM error) */
	u32 n_gen;		/* records of the running decode */
	unsigned long last_at;	/* jiffies the LAST record was read, or 0 */
	struct hc1_cmd decode;
	struct hc1_event done_ev;
};

#define HC1_CTX_CTL(c)		((struct hc1_stream_ctl *)(c)->page)
#define HC1_CTX_PARAMS_OFF	256
#define HC1_CTX_PARAMS(c)	((struct hc1_decode_params *) \
				 ((u8 *)(c)->page + HC1_CTX_PARAMS_OFF))

struct hc1_file {
	struct hc1_dev *hc;
	struct list_head node;		/* in hc->files */
	struct mutex lock;		/* commands, bounce buffer */
	spinlock_t ctx_lock;		/* contexts list, stream state */
	struct hc1_queue *q;
	struct list_head contexts;
	unsigned int n_contexts;
	wait_queue_head_t wq;
	struct hc1_dmabuf bounce;
	unsigned int gen;		/* hc->gen when the queue was made */
};

struct hc1_errlog_ent {
	u64 when_ms;
	u32 code;
	u32 info;
	char what[48];
};

struct hc1_dev {
	struct pci_dev *pdev;
	struct device *dev;
	void __iomem *regs;
	void __iomem *db;
	int id;
	char name[16];
	struct miscdevice misc;
	struct kref ref;

	u32 version;
	u32 cap;
	int n_vectors;
	bool msix;
	struct hc1_vec {
		struct hc1_dev *hc;
		unsigned int v;
	} vecs[HC1_MSIX_VECTORS];
	u64 irq_count[HC1_MSIX_VECTORS];
	wait_queue_head_t irq_wq;	/* self-test */

	struct hc1_id_device id_dev;
	struct hc1_id_model id_model;

	struct hc1_queue *admin;
	struct hc1_queue *ioq[HC1_NUM_QUEUES];	/* by qid */
	unsigned int max_ioq;
	struct mutex admin_lock;	/* the admin bounce buffer */
	struct hc1_dmabuf xfer;

	/* Serialises enable, disable, reset, queue creation, removal. */
	struct rw_semaphore state_lock;
	bool dead;			/* removed or unrecoverable */
	bool gone;			/* hardware no longer answers */
	bool resetting;
	unsigned int gen;		/* incremented by every reset */
	struct list_head files;
	struct mutex files_lock;	/* files, ioq[] */

	struct delayed_work watchdog;
	bool watchdog_on;
	struct work_struct reset_work;
	u32 last_heartbeat;
	unsigned int stalled;

	/* Asynchronous events. */
	struct hc1_cmd aer;
	bool aer_armed;
	struct work_struct aer_work;

	spinlock_t errlog_lock;		/* errlog, from any context */
	struct hc1_errlog_ent errlog[HC1_ERRLOG_KEEP];
	unsigned int errlog_next;
	u64 errlog_total;

	u32 resets;
	u32 timeouts;
	u64 cmds_submitted;

	struct device *hwmon;
	struct dentry *debugfs;
};

/* hc1_regs.c */
u32 hc1_rd(struct hc1_dev *hc, u32 off);
void hc1_wr(struct hc1_dev *hc, u32 off, u32 val);
u64 hc1_rd64(struct hc1_dev *hc, u32 off);
bool hc1_is_gone(struct hc1_dev *hc);
int hc1_check_identity(struct hc1_dev *hc);
int hc1_wait_boot(struct hc1_dev *hc);
int hc1_enable(struct hc1_dev *hc);
int hc1_disable(struct hc1_dev *hc);
void hc1_ring_sq(struct hc1_queue *q);
void hc1_ring_cq(struct hc1_queue *q);

/* hc1_selftest.c */
int hc1_selftest(struct hc1_dev *hc);

/* hc1_pci.c */
u16 hc1_ioq_vector(struct hc1_dev *hc, u16 qid);
void hc1_sync_vector(struct hc1_dev *hc, u16 vector);
void hc1_dev_put(struct hc1_dev *hc);
void hc1_dev_get(struct hc1_dev *hc);

/* hc1_queue.c */
int hc1_dmabuf_alloc(struct hc1_dev *hc, struct hc1_dmabuf *b, size_t size);
void hc1_dmabuf_free(struct hc1_dev *hc, struct hc1_dmabuf *b);
void hc1_dmabuf_map(const struct hc1_dmabuf *b, size_t len,
		    struct hc1_sqe *sqe);
struct hc1_queue *hc1_queue_alloc(struct hc1_dev *hc, u16 qid, u16 depth,
				  u16 vector);
void hc1_queue_free(struct hc1_queue *q);
void hc1_queue_reset(struct hc1_queue *q);
int hc1_submit(struct hc1_queue *q, struct hc1_cmd *cmd);
int hc1_submit_wait(struct hc1_queue *q, struct hc1_cmd *cmd,
		    unsigned int timeout_ms);
void hc1_queue_process(struct hc1_queue *q);
void hc1_queue_fail_all(struct hc1_queue *q, int err);
bool hc1_queue_abandon(struct hc1_queue *q, struct hc1_cmd *cmd);
void hc1_queue_kick(struct hc1_queue *q);
int hc1_sc_to_errno(u16 sc);

/* hc1_cmd.c */
int hc1_identify(struct hc1_dev *hc);
int hc1_create_ioq(struct hc1_dev *hc, struct hc1_queue *q);
int hc1_delete_ioq(struct hc1_dev *hc, struct hc1_queue *q);
int hc1_get_log(struct hc1_dev *hc, u32 log, u32 off, void *buf, u32 len);
int hc1_set_feature(struct hc1_dev *hc, u32 fid, u32 v1, u32 v2);
int hc1_get_tokenizer(struct hc1_dev *hc, u64 off, void __user *ubuf,
		      u32 len, u32 *total);
int hc1_lora_load(struct hc1_dev *hc, u32 slot, const void __user *ubuf,
		  u32 len, u32 crc);
int hc1_lora_unload(struct hc1_dev *hc, u32 slot);
void hc1_aer_arm(struct hc1_dev *hc);
void hc1_aer_work(struct work_struct *work);

/* hc1_ctx.c */
int hc1_ctx_create(struct hc1_file *hf, struct hc1_ioc_ctx_create *a);
int hc1_ctx_destroy(struct hc1_file *hf, u32 id);
void hc1_ctx_destroy_all(struct hc1_file *hf);
int hc1_ctx_prefill(struct hc1_file *hf, struct hc1_ioc_prefill *a);
int hc1_ctx_decode(struct hc1_file *hf, const struct hc1_ioc_decode *a);
int hc1_ctx_cancel(struct hc1_file *hf, struct hc1_ioc_ctx *a);
int hc1_ctx_truncate(struct hc1_file *hf, struct hc1_ioc_truncate *a);
ssize_t hc1_ctx_read(struct hc1_file *hf, char __user *buf, size_t len,
		     bool nonblock);
bool hc1_ctx_readable(struct hc1_file *hf);
void hc1_ctx_mark_lost(struct hc1_file *hf);

/* hc1_cdev.c */
int hc1_cdev_register(struct hc1_dev *hc);
void hc1_cdev_unregister(struct hc1_dev *hc);
int hc1_file_queue_up(struct hc1_file *hf);
void hc1_wake_files(struct hc1_dev *hc);

/* hc1_reset.c */
void hc1_watchdog_fn(struct work_struct *work);
void hc1_watchdog_start(struct hc1_dev *hc);
void hc1_watchdog_stop(struct hc1_dev *hc);
void hc1_reset_work(struct work_struct *work);
void hc1_schedule_reset(struct hc1_dev *hc, const char *why);
int hc1_reset_sync(struct hc1_dev *hc);
void hc1_errlog_add(struct hc1_dev *hc, u32 code, u32 info, const char *what);
void hc1_mark_gone(struct hc1_dev *hc);

/* hc1_sysfs.c, hc1_hwmon.c, hc1_debugfs.c */
extern const struct attribute_group *hc1_attr_groups[];
int hc1_hwmon_register(struct hc1_dev *hc);
void hc1_hwmon_unregister(struct hc1_dev *hc);
void hc1_debugfs_init(struct hc1_dev *hc);
void hc1_debugfs_exit(struct hc1_dev *hc);
void hc1_debugfs_module_init(void);
void hc1_debugfs_module_exit(void);

#endif /* HC1_DRV_H */
