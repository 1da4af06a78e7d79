/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pci_hint.h - why no NVMe controller is visible: Intel VMD / RST "RAID"
 * mode hides NVMe drives behind a VMD endpoint or a RAID-class controller
 * (nvme-cli issue #1021, Linux drivers/pci/controller/vmd.c IDs). Pure: the
 * host unit tests (tests/kunit) run it on hand-made PCI tables.
 */
#ifndef KERNEL_PCI_HINT_H
#define KERNEL_PCI_HINT_H

#include "pci.h"

/* True for the Intel VMD device IDs (vendor 8086). */
bool pci_is_intel_vmd(uint16_t vendor, uint16_t device);

/* When devs[0..n) holds no NVMe controller (class 01:08:02) but an Intel VMD
 * device or a RAID-class storage controller (01:04), returns that device
 * (the first VMD one if there are both); else NULL. */
const struct pci_dev *pci_hidden_nvme_culprit(const struct pci_dev *devs, int n);

#endif
