/* SPDX-License-Identifier: BSD-2-Clause */
/* pci_caps.c - bounded, loop-proof capability list walks (see pci_caps.h). */
#include <stddef.h>
#include "pci_caps.h"

/* Marks the dword at off visited in seen (one bit per dword); false if it
 * was already: the list loops. */
static bool first_visit(uint8_t *seen, unsigned off)
{
	unsigned dw = off / 4u;
	if (seen[dw / 8] & (1u << (dw % 8)))
		return false;
	seen[dw / 8] |= (uint8_t)(1u << (dw % 8));
	return true;
}

int pci_caps_list(pci_caps_read32_fn rd, void *ctx, uint8_t ptr_reg, struct pci_cap *out, int max,
		  const char **trouble)
{
	uint8_t seen[64 / 8] = { 0 }; /* one bit per dword of the 256-byte space */
	int n = 0;
	*trouble = NULL;
	uint32_t w = rd(ctx, (uint16_t)(ptr_reg & 0xFC));
	uint8_t off = (uint8_t)(w >> (8 * (ptr_reg & 3)));
	if (w == 0xFFFFFFFFu) {
		*trouble = "configuration space reads all-ones";
		return 0;
	}
	while (off != 0) {
		off &= 0xFC;
		if (off < 0x40) {
			*trouble = "pointer into the header (below 0x40)";
			break;
		}
		if (!first_visit(seen, off)) {
			*trouble = "loop in the capability list";
			break;
		}
		uint32_t h = rd(ctx, off);
		if (h == 0xFFFFFFFFu) {
			*trouble = "entry reads all-ones";
			break;
		}
		if (n >= max) {
			*trouble = "more entries than expected";
			break;
		}
		out[n].off = off;
		out[n].id = (uint16_t)(h & 0xFF);
		out[n].version = 0;
		n++;
		off = (uint8_t)(h >> 8);
	}
	return n;
}

int pci_ext_caps_list(pci_caps_read32_fn rd, void *ctx, struct pci_cap *out, int max,
		      const char **trouble)
{
	uint8_t seen[1024 / 8] = { 0 }; /* one bit per dword of the 4 KiB space */
	int n = 0;
	uint16_t off = 0x100;
	*trouble = NULL;
	for (;;) {
		if (!first_visit(seen, off)) {
			*trouble = "loop in the extended capability list";
			break;
		}
		uint32_t h = rd(ctx, off);
		if (h == 0xFFFFFFFFu) {
			if (off != 0x100)
				*trouble = "extended capability reads all-ones";
			break;
		}
		if (h == 0)
			break; /* no (more) extended capabilities */
		if (n >= max) {
			*trouble = "more extended capabilities than expected";
			break;
		}
		out[n].off = off;
		out[n].id = (uint16_t)(h & 0xFFFF);
		out[n].version = (uint8_t)((h >> 16) & 0xF);
		n++;
		uint16_t next = (uint16_t)(h >> 20);
		if (next == 0)
			break;
		if (next < 0x100) {
			*trouble = "next pointer below 0x100";
			break;
		}
		off = next & 0xFFC;
	}
	return n;
}
