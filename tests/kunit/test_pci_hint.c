/* SPDX-License-Identifier: BSD-2-Clause */
/* test_pci_hint.c - host unit tests of kernel/dev/pci_hint.c and kernel/arch/x86_64/msi.c. */
#include <string.h>
#include "kunit.h"
#include "msi.h"
#include "pci_hint.h"

static struct pci_dev fn(uint16_t vendor, uint16_t device, uint8_t cls, uint8_t sub, uint8_t pi)
{
	struct pci_dev d;
	memset(&d, 0, sizeof(d));
	d.vendor = vendor;
	d.device = device;
	d.class_code = cls;
	d.subclass = sub;
	d.prog_if = pi;
	return d;
}

KTEST(hint_vmd_without_nvme)
{
	struct pci_dev t[] = {
		fn(0x8086, 0x9A14, 0x06, 0x00, 0x00), /* host bridge */
		fn(0x8086, 0xA0D3, 0x01, 0x06, 0x01), /* AHCI */
		fn(0x8086, 0x9A0B, 0x01, 0x04, 0x00), /* Tiger Lake VMD */
	};
	KCHECK(pci_hidden_nvme_culprit(t, 3) == &t[2]);
	static const uint16_t ids[] = { 0x201D, 0x28C0, 0x467F, 0x4C3D, 0x7D0B, 0x9A0B,
					0xA77F, 0xAD0B, 0xB60B, 0xB06F };
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		/* VMD IDs whatever class the device reports (some say 01:04, some 08:80) */
		struct pci_dev v = fn(0x8086, ids[i], 0x08, 0x80, 0x00);
		KCHECK(pci_is_intel_vmd(0x8086, ids[i]));
		KCHECK(pci_hidden_nvme_culprit(&v, 1) == &v);
	}
	KCHECK(!pci_is_intel_vmd(0x1022, 0x9A0B)); /* the ID under another vendor */
	KCHECK(!pci_is_intel_vmd(0x8086, 0x9A0C));
}

KTEST(hint_raid_class_without_nvme)
{
	struct pci_dev t[] = {
		fn(0x8086, 0x29C0, 0x06, 0x00, 0x00),
		fn(0x1000, 0x0060, 0x01, 0x04, 0x00), /* MegaRAID, class 01:04 */
	};
	KCHECK(pci_hidden_nvme_culprit(t, 2) == &t[1]);
	/* VMD is named before a RAID controller when both are present */
	struct pci_dev u[] = { t[1], fn(0x8086, 0x467F, 0x01, 0x04, 0x00) };
	KCHECK(pci_hidden_nvme_culprit(u, 2) == &u[1]);
}

KTEST(hint_not_given)
{
	struct pci_dev t[] = {
		fn(0x8086, 0x9A0B, 0x01, 0x04, 0x00), /* VMD ... */
		fn(0x144D, 0xA808, 0x01, 0x08, 0x02), /* ... but an NVMe drive is visible */
	};
	KCHECK(pci_hidden_nvme_culprit(t, 2) == NULL);
	struct pci_dev plain[] = {
		fn(0x8086, 0x29C0, 0x06, 0x00, 0x00),
		fn(0x8086, 0x2922, 0x01, 0x06, 0x01), /* AHCI only */
		fn(0x1B36, 0x0010, 0x01, 0x08, 0x01), /* NVM class, not the NVMe interface */
	};
	KCHECK(pci_hidden_nvme_culprit(plain, 3) == NULL);
	KCHECK(pci_hidden_nvme_culprit(plain, 0) == NULL);
}

KTEST(msi_destination_apic_id)
{
	uint32_t a = 1, d = 1;
	KCHECK(msi_compose(0, 48, &a, &d) == 0 && a == 0xFEE00000u && d == 48);
	KCHECK(msi_compose(255, 200, &a, &d) == 0 && a == 0xFEEFF000u && d == 200);
	a = d = 7;
	KCHECK(msi_compose(256, 48, &a, &d) == -1 && a == 7 && d == 7); /* would reach APIC 0 */
	KCHECK(msi_compose(300, 48, &a, &d) == -1);
	KCHECK(msi_compose(0xFFFFFFFFu, 48, &a, &d) == -1);
	KCHECK(msi_compose(1, 15, &a, &d) == -1); /* reserved vector */
}
