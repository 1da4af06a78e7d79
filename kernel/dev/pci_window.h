/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pci_window.h - a memory window for a bridge the firmware left without one
 * (a hot-plug port with no reservation: QEMU's pcie-root-port with
 * mem-reserve=0,pref64-reserve=0,io-reserve=0, or a real
 * firmware that reserves nothing for empty slots).
 *
 * Where the address space comes from: the 32-bit PCI hole, i.e. from the end
 * of the highest RAM-like memory map entry below 4 GiB (available, ACPI
 * reclaimable, ACPI NVS), rounded up to 1 MiB, to PCI_WINDOW_HOLE_END (the
 * fixed platform range starting with the I/O APIC at FEC00000h; lowered to
 * any I/O APIC, HPET or local APIC address found below it). The kernel does
 * not evaluate the host bridge's _CRS (no AML interpreter): it assumes the
 * root bridge decodes that hole, which holds for QEMU q35 and for the usual
 * PC layout (TOLUD up to the APIC range is PCI MMIO). Inside the hole a
 * range is taken only if it overlaps nothing known:
 *   - every memory map entry of any type (RAM, reserved, ACPI, bad),
 *   - every ECAM range of the MCFG (base + bus_start..bus_end, 1 MiB each),
 *   - the local APIC (MADT), every I/O APIC (MADT), the HPET (HPET table),
 *   - every memory BAR of every function in the PCI table (not removed) and
 *     every open memory and prefetchable window of every bridge.
 * The search is top-down (the highest free range under the hole's end, so
 * next to the BARs SeaBIOS packs at the top of its window), aligned to
 * max(1 MiB, the largest BAR). A 64-bit range above RAM is not used: the
 * non-prefetchable window of a bridge is 32-bit, and a device on a port
 * whose firmware gave it nothing may have 32-bit BARs.
 */
#ifndef KERNEL_PCI_WINDOW_H
#define KERNEL_PCI_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pci.h"

#define PCI_WINDOW_HOLE_END 0xFEC00000ull
#define PCI_WINDOW_GRANULE  (1ull << 20)   /* memory base/limit: 1 MiB units */

/*
 * Opens the memory window (Memory Base/Limit, 20h/22h) of bridge b, whose
 * window is closed, with at least need bytes (rounded up to a power of two,
 * at least 1 MiB) aligned to max(1 MiB, align), in free space as above.
 * 0 and the window in *base..*limit, or -1 with why set (no free range,
 * the bridge did not take the values).
 */
int pci_window_open(const struct pci_dev *b, uint64_t need, uint64_t align, uint64_t *base, uint64_t *limit,
		    char *why, size_t len);

#endif
