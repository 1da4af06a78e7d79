/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pci_caps.h - walking PCI capability lists without trusting them (pure:
 * configuration space is read through a callback, so tests/kunit runs it on
 * hand-made lists with loops, wild pointers and all-ones reads).
 *
 * Capability list (PCI 3.0 section 6.7): the byte at 0x34 (0x14 for a
 * CardBus bridge) points at the first entry; each entry is ID (byte 0) and
 * next pointer (byte 1), in 0x40-0xFC, dword-aligned (the low two bits of a
 * pointer are reserved and ignored). Extended capabilities (PCIe 6.0 section
 * 7.6.3): a list from 0x100, each header ID [15:0], version [19:16], next
 * [31:20] in 0x100-0xFFC, zero next ends it.
 * A walk stops at a zero or all-ones entry, a pointer out of range, an entry
 * already visited (a loop) or after max entries, and says why when the
 * stop was not the normal end of the list.
 */
#ifndef KERNEL_PCI_CAPS_H
#define KERNEL_PCI_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* Returns the configuration dword at off (a multiple of 4, < 4096);
 * all-ones where nothing answers. */
typedef uint32_t (*pci_caps_read32_fn)(void *ctx, uint16_t off);

struct pci_cap {
	uint16_t off;
	uint16_t id;      /* legacy: 8-bit ID; extended: 16-bit ID */
	uint8_t version;  /* extended only */
};

/* Legacy list starting from the pointer register ptr_reg (0x34 or 0x14).
 * Returns the number of entries stored in out (at most max); *trouble is
 * NULL, or why the walk stopped early. */
int pci_caps_list(pci_caps_read32_fn rd, void *ctx, uint8_t ptr_reg, struct pci_cap *out, int max,
		  const char **trouble);
/* Extended list from 0x100; same contract. */
int pci_ext_caps_list(pci_caps_read32_fn rd, void *ctx, struct pci_cap *out, int max,
		      const char **trouble);

#endif
