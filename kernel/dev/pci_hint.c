/* SPDX-License-Identifier: BSD-2-Clause */
/* pci_hint.c - hidden NVMe hint (see pci_hint.h). */
#include <stddef.h>
#include "pci_hint.h"

static const uint16_t vmd_ids[] = {
	0x201D, 0x28C0, 0x467F, 0x4C3D, 0x7D0B, 0x9A0B, 0xA77F, 0xAD0B, 0xB60B, 0xB06F,
};

bool pci_is_intel_vmd(uint16_t vendor, uint16_t device)
{
	if (vendor != 0x8086)
		return false;
	for (size_t i = 0; i < sizeof(vmd_ids) / sizeof(vmd_ids[0]); i++)
		if (vmd_ids[i] == device)
			return true;
	return false;
}

const struct pci_dev *pci_hidden_nvme_culprit(const struct pci_dev *devs, int n)
{
	const struct pci_dev *vmd = NULL, *raid = NULL;
	for (int i = 0; i < n; i++) {
		const struct pci_dev *d = &devs[i];
		if (d->class_code == 0x01 && d->subclass == 0x08 && d->prog_if == 0x02)
			return NULL; /* an NVMe controller is visible */
		if (!vmd && pci_is_intel_vmd(d->vendor, d->device))
			vmd = d;
		if (!raid && d->class_code == 0x01 && d->subclass == 0x04)
			raid = d;
	}
	return vmd ? vmd : raid;
}
