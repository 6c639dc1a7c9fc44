// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hc1: PCI driver for the HC1 LLM inference card: probe, interrupts,
 * remove and shutdown.
 *
 * Probe order follows the manual's bring-up: map the BARs, check the
 * identity and interface version, wait for the card to boot, set up
 * interrupts (MSI-X, one vector per queue, else INTx), run the self-test
 * (MMIO, DMA, every vector), enable the admin queue, identify. I/O queues
 * come later, one per open file.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 */

#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "hc1_drv.h"

/* PCI_IRQ_LEGACY was renamed in 6.8 and later removed. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

static DEFINE_IDA(hc1_ida);

/* Prefill of a long prompt on a big model under emulation is slow. */
unsigned int hc1_io_timeout_ms = 30000;
module_param_named(io_timeout_ms, hc1_io_timeout_ms, uint, 0644);
MODULE_PARM_DESC(io_timeout_ms, "I/O command timeout in ms (default 30000)");

static bool msix = true;
module_param(msix, bool, 0444);
MODULE_PARM_DESC(msix, "use MSI-X when the card has it (else INTx)");

static void hc1_dev_release(struct kref *ref)
{
	struct hc1_dev *hc = container_of(ref, struct hc1_dev, ref);

	hc1_dmabuf_free(hc, &hc->xfer);
	hc1_queue_free(hc->admin);
	ida_free(&hc1_ida, hc->id);
	put_device(hc->dev);
	kfree(hc);
}

void hc1_dev_get(struct hc1_dev *hc)
{
	kref_get(&hc->ref);
}

void hc1_dev_put(struct hc1_dev *hc)
{
	kref_put(&hc->ref, hc1_dev_release);
}

/* I/O queue @qid's vector: its own when there are enough, else shared. */
u16 hc1_ioq_vector(struct hc1_dev *hc, u16 qid)
{
	if (!hc->msix || hc->n_vectors < 2)
		return HC1_VECTOR_ADMIN;
	return 1 + (qid - 1) % (hc->n_vectors - 1);
}

/* Wait until no handler of @vector runs (before freeing its queue). */
void hc1_sync_vector(struct hc1_dev *hc, u16 vector)
{
	synchronize_irq(pci_irq_vector(hc->pdev, hc->msix ? vector : 0));
}

static void hc1_service_vector(struct hc1_dev *hc, unsigned int v, bool all)
{
	struct hc1_queue *q;
	unsigned int qid;

	/* The self-test fires vectors before there are queues. */
	if ((v == HC1_VECTOR_ADMIN || all) && hc->admin)
		hc1_queue_process(hc->admin);
	for (qid = 1; qid <= hc->max_ioq; qid++) {
		q = READ_ONCE(hc->ioq[qid]);
		if (!q || (!all && q->vector != v))
			continue;
		hc1_queue_process(q);
		/* Stream records may have arrived: wake the reader. */
		if (q->owner)
			wake_up_interruptible(&q->owner->wq);
	}
}

static irqreturn_t hc1_irq(int irq, void *data)
{
	struct hc1_vec *vec = data;
	struct hc1_dev *hc = vec->hc;
	unsigned int v;
	u32 sts;

	if (hc->msix) {
		hc->irq_count[vec->v]++;
		wake_up(&hc->irq_wq);
		hc1_service_vector(hc, vec->v, false);
		return IRQ_HANDLED;
	}

	/* INTx may be shared: only INTSTS says whether it was us. */
	if (hc->gone)
		return IRQ_NONE;
	sts = hc1_rd(hc, HC1_REG_INTSTS);
	if (!sts)
		return IRQ_NONE;
	if (sts == ~0u) {
		hc->gone = true;
		return IRQ_NONE;
	}
	hc1_wr(hc, HC1_REG_INTSTS, sts);
	for (v = 0; v < HC1_MSIX_VECTORS; v++)
		if (sts & BIT(v))
			hc->irq_count[v]++;
	wake_up(&hc->irq_wq);
	hc1_service_vector(hc, 0, true);
	return IRQ_HANDLED;
}

static void hc1_free_irqs(struct hc1_dev *hc)
{
	int i;

	for (i = 0; i < hc->n_vectors; i++)
		free_irq(pci_irq_vector(hc->pdev, i), &hc->vecs[i]);
	pci_free_irq_vectors(hc->pdev);
	hc->n_vectors = 0;
}

static int hc1_setup_irqs(struct hc1_dev *hc)
{
	struct pci_dev *pdev = hc->pdev;
	unsigned int flags = PCI_IRQ_INTX;
	int n, i, ret;

	if ((hc->cap & HC1_CAP_MSIX) && msix)
		flags |= PCI_IRQ_MSIX;
	n = pci_alloc_irq_vectors(pdev, 1, HC1_MSIX_VECTORS, flags);
	if (n < 0) {
		dev_err(hc->dev, "no interrupt vectors: %d\n", n);
		return n;
	}
	hc->msix = pdev->msix_enabled;
	if (hc->msix != (hc1_rd(hc, HC1_REG_INTMODE) == HC1_INTMODE_MSIX))
		dev_warn(hc->dev, "INTMODE %u disagrees with the PCI state\n",
			 hc1_rd(hc, HC1_REG_INTMODE));
	for (i = 0; i < n; i++) {
		hc->vecs[i].hc = hc;
		hc->vecs[i].v = i;
		ret = request_irq(pci_irq_vector(pdev, i), hc1_irq,
				  hc->msix ? 0 : IRQF_SHARED, hc->name,
				  &hc->vecs[i]);
		if (ret) {
			while (--i >= 0)
				free_irq(pci_irq_vector(pdev, i), &hc->vecs[i]);
			pci_free_irq_vectors(pdev);
			return ret;
		}
		hc->n_vectors = i + 1;
	}
	dev_info(hc->dev, "%d %s interrupt vector%s\n", n,
		 hc->msix ? "MSI-X" : "INTx", n == 1 ? "" : "s");
	return 0;
}

static int hc1_admin_up(struct hc1_dev *hc)
{
	int ret;

	hc->admin = hc1_queue_alloc(hc, 0, HC1_ADMIN_DEPTH, HC1_VECTOR_ADMIN);
	if (!hc->admin)
		return -ENOMEM;
	ret = hc1_dmabuf_alloc(hc, &hc->xfer, HC1_XFER_SIZE);
	if (ret)
		return ret;
	ret = hc1_enable(hc);
	if (ret)
		return ret;
	ret = hc1_identify(hc);
	if (ret) {
		dev_err(hc->dev, "IDENTIFY failed: %d\n", ret);
		return ret;
	}
	hc->max_ioq = min_t(u32, hc->id_dev.max_io_queues, HC1_MAX_IO_QUEUES);
	/* Events the card reports without being asked. */
	hc1_set_feature(hc, HC1_FEAT_AEN_MASK, HC1_AEN_MASK_ALL, 0);
	hc1_aer_arm(hc);
	return 0;
}

static int hc1_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct hc1_dev *hc;
	int ret;

	hc = kzalloc(sizeof(*hc), GFP_KERNEL);
	if (!hc)
		return -ENOMEM;
	kref_init(&hc->ref);
	hc->pdev = pdev;
	hc->dev = get_device(&pdev->dev);
	hc->id = ida_alloc(&hc1_ida, GFP_KERNEL);
	if (hc->id < 0) {
		put_device(hc->dev);
		kfree(hc);
		return -ENOMEM;
	}
	snprintf(hc->name, sizeof(hc->name), "hc1-%d", hc->id);
	init_rwsem(&hc->state_lock);
	mutex_init(&hc->admin_lock);
	mutex_init(&hc->files_lock);
	INIT_LIST_HEAD(&hc->files);
	spin_lock_init(&hc->errlog_lock);
	init_waitqueue_head(&hc->irq_wq);
	INIT_DELAYED_WORK(&hc->watchdog, hc1_watchdog_fn);
	INIT_WORK(&hc->reset_work, hc1_reset_work);
	INIT_WORK(&hc->aer_work, hc1_aer_work);
	pci_set_drvdata(pdev, hc);

	ret = pcim_enable_device(pdev);
	if (ret)
		goto err_put;
	ret = pcim_iomap_regions(pdev, BIT(HC1_BAR_REGS) | BIT(HC1_BAR_DB),
				 HC1_DRV_NAME);
	if (ret) {
		dev_err(&pdev->dev, "cannot map BARs: %d\n", ret);
		goto err_put;
	}
	hc->regs = pcim_iomap_table(pdev)[HC1_BAR_REGS];
	hc->db = pcim_iomap_table(pdev)[HC1_BAR_DB];
	if (pci_resource_len(pdev, HC1_BAR_REGS) < HC1_BAR_REGS_SIZE ||
	    pci_resource_len(pdev, HC1_BAR_DB) < HC1_BAR_DB_SIZE) {
		dev_err(&pdev->dev, "BARs too small\n");
		ret = -ENODEV;
		goto err_put;
	}
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_put;

	ret = hc1_check_identity(hc);
	if (ret)
		goto err_put;
	ret = hc1_wait_boot(hc);
	if (ret)
		goto err_put;
	ret = hc1_setup_irqs(hc);
	if (ret)
		goto err_put;
	ret = hc1_selftest(hc);
	if (ret)
		goto err_irqs;
	ret = hc1_admin_up(hc);
	if (ret)
		goto err_disable;

	ret = hc1_hwmon_register(hc);
	if (ret)
		dev_warn(hc->dev, "no hwmon device: %d\n", ret);
	ret = hc1_cdev_register(hc);
	if (ret)
		goto err_disable;
	hc1_debugfs_init(hc);
	hc1_watchdog_start(hc);
	dev_info(hc->dev,
		 "%s: interface %u.%u, model \"%s\", %u I/O queues, serial %s\n",
		 hc->name, hc->version >> 16, hc->version & 0xffff,
		 hc->id_model.name, hc->max_ioq, hc->id_dev.serial);
	return 0;

err_disable:
	hc1_hwmon_unregister(hc);
	hc->dead = true;
	hc1_disable(hc);
	if (hc->admin)
		hc1_queue_fail_all(hc->admin, -ENODEV);
	cancel_work_sync(&hc->aer_work);
err_irqs:
	hc1_free_irqs(hc);
err_put:
	hc1_dev_put(hc);
	return ret;
}

/*
 * Stop the card and fail everything in flight. Used by remove (orderly
 * or surprise) and shutdown; files still open keep their memory until
 * they are closed, but can no longer reach the card.
 */
static void hc1_quiesce(struct hc1_dev *hc)
{
	unsigned int qid;

	hc1_watchdog_stop(hc);
	cancel_work_sync(&hc->reset_work);
	down_write(&hc->state_lock);
	hc->dead = true;
	if (!hc1_is_gone(hc))
		hc1_disable(hc);
	up_write(&hc->state_lock);
	hc1_queue_fail_all(hc->admin, -ENODEV);
	mutex_lock(&hc->files_lock);
	for (qid = 1; qid <= hc->max_ioq; qid++)
		if (hc->ioq[qid])
			hc1_queue_fail_all(hc->ioq[qid], -ENODEV);
	mutex_unlock(&hc->files_lock);
	cancel_work_sync(&hc->aer_work);
	hc1_wake_files(hc);
}

static void hc1_remove(struct pci_dev *pdev)
{
	struct hc1_dev *hc = pci_get_drvdata(pdev);

	hc1_cdev_unregister(hc);
	hc1_hwmon_unregister(hc);
	hc1_quiesce(hc);
	hc1_debugfs_exit(hc);
	hc1_free_irqs(hc);
	dev_info(hc->dev, "%s removed%s\n", hc->name,
		 hc->gone ? " (surprise)" : "");
	hc1_dev_put(hc);
}

static void hc1_shutdown(struct pci_dev *pdev)
{
	struct hc1_dev *hc = pci_get_drvdata(pdev);

	hc1_quiesce(hc);
}

static const struct pci_device_id hc1_pci_ids[] = {
	{ PCI_DEVICE(HC1_PCI_VENDOR_ID, HC1_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, hc1_pci_ids);

static struct pci_driver hc1_pci_driver = {
	.name = HC1_DRV_NAME,
	.id_table = hc1_pci_ids,
	.probe = hc1_probe,
	.remove = hc1_remove,
	.shutdown = hc1_shutdown,
};

static int __init hc1_init(void)
{
	int ret;

	hc1_debugfs_module_init();
	ret = pci_register_driver(&hc1_pci_driver);
	if (ret)
		hc1_debugfs_module_exit();
	return ret;
}
module_init(hc1_init);

static void __exit hc1_exit(void)
{
	pci_unregister_driver(&hc1_pci_driver);
	hc1_debugfs_module_exit();
}
module_exit(hc1_exit);

MODULE_DESCRIPTION("HC1 LLM inference card");
MODULE_AUTHOR("The HC1 virtual platform authors");
MODULE_LICENSE("GPL");
