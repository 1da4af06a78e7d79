/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pci_ecam.h - PCIe configuration through ECAM, for a host bridge described
 * by a "pci-host-ecam-generic" device tree node, and BAR assignment from the
 * bridge's memory windows (its "ranges"), since with -kernel no firmware
 * has assigned anything.
 *
 * Scope: the bridge's first bus and the buses behind PCI-to-PCI bridges
 * (PCIe root ports, switches): the scan numbers them depth first; the NVMe
 * function's BARs are assigned and the bridges on its path get a memory
 * window that covers them. Other functions' BARs are left unassigned (and
 * their decoding off). No I/O space.
 */
#ifndef PCI_ECAM_H
#define PCI_ECAM_H

#include <stdbool.h>
#include <stdint.h>

#include "fdt.h"

/* One memory window of the host bridge: CPU address, PCI bus address. */
struct pci_window {
	uint64_t cpu, pci, size;
	uint64_t next;          /* next free offset inside the window */
	bool present;
};

struct pci_host {
	uint64_t ecam_phys, ecam_size;
	volatile uint8_t *ecam; /* mapped: buses bus_start..bus_end */
	uint32_t bus_start, bus_end;
	struct pci_window mem32;   /* below 4 GiB (32-bit BARs) */
	struct pci_window mem64;   /* 64-bit window (above 4 GiB on virt) */
	bool dma_coherent;         /* the node says "dma-coherent" */
};

/* A function found by the scan. */
struct pci_func {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_code;       /* class << 16 | subclass << 8 | prog-if */
	uint8_t header_type;       /* without the multi-function bit */
	int parent;                /* index of the bridge above it, -1 on the first bus */
	uint8_t secondary;         /* bridges: the bus number given to it */
};

/* Bridges nested deeper than this are not scanned. */
#define PCI_MAX_DEPTH 8

#define PCI_CLASS_NVME 0x010802u

/* Where a 64-bit BAR goes: the 64-bit window (default), or the 32-bit one
 * (so both paths can be exercised; a 32-bit BAR always goes low). */
enum pci_bar64_place { PCI_BAR64_HIGH, PCI_BAR64_LOW };

/* Find the host bridge in the DTB, parse reg, bus-range and ranges, map the
 * first bus's configuration space. 0, or -1 with a message printed. */
int pci_host_init(struct pci_host *h, const struct fdt *f);
/* Scan from the first bus, numbering the buses behind bridges, printing
 * each function; up to max kept in out (a bridge beyond max is not
 * followed). Returns the number kept. */
int pci_scan(struct pci_host *h, struct pci_func *out, int max);
/* Size BARs 0..5 of funcs[i], assign its memory BARs from a window, program
 * the memory window of every bridge above it and enable them, then enable
 * memory space and bus mastering on the function (and disable INTx: the
 * ports poll). Behind a bridge a non-prefetchable BAR must lie in the
 * bridge's 32-bit non-prefetchable window, so it goes to the host's 32-bit
 * window whatever place says. *bar0 and *bar0_size receive BAR0's CPU
 * address and size. 0 or -1 with a message printed. */
int pci_assign_and_enable(struct pci_host *h, const struct pci_func *funcs, int i,
			  enum pci_bar64_place place, uint64_t *bar0, uint64_t *bar0_size);

#endif /* PCI_ECAM_H */
