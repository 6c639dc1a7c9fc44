/*
 * HC1: interrupt delivery. MSI-X when the guest enabled it (one vector
 * per completion queue, vector 0 for the admin queue and events),
 * otherwise INTx with the INTSTS/INTMASK registers.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/pci/msix.h"
#include "trace.h"
#include "hc1_int.h"

/* Drive the INTx pin from INTSTS and INTMASK (INTx mode only). */
void hc1_irq_update(Hc1State *s)
{
    PCIDevice *pci = PCI_DEVICE(s);
    bool level = !msix_enabled(pci) && (s->intsts & ~s->intmask);

    if (level != s->irq_level) {
        s->irq_level = level;
        trace_hc1_irq_intx(level);
        pci_set_irq(pci, level);
    }
}

void hc1_irq_notify(Hc1State *s, uint16_t vector)
{
    PCIDevice *pci = PCI_DEVICE(s);

    if (vector >= HC1_MSIX_VECTORS) {
        /* Refused when the queue was created; defensive. */
        trace_hc1_err_irq_vector(vector);
        return;
    }
    s->interrupts++;
    if (msix_enabled(pci)) {
        trace_hc1_irq_msix(vector);
        msix_notify(pci, vector);
        return;
    }
    s->intsts |= 1u << vector;
    hc1_irq_update(s);
}
