/* SPDX-License-Identifier: BSD-2-Clause */
/* msi.c - MSI/MSI-X message composition (see msi.h). */
#include "msi.h"

int msi_compose(uint32_t apic_id, uint8_t vector, uint32_t *addr, uint32_t *data)
{
	if (apic_id > MSI_MAX_APIC_ID || vector < 16)
		return -1;
	*addr = MSI_ADDRESS_BASE | (apic_id << 12); /* physical destination mode, no redirection hint */
	*data = vector;                             /* fixed delivery, edge */
	return 0;
}
