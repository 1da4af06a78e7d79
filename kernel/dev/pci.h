/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pci.h - PCI configuration mechanism #1 (ports 0xCF8/0xCFC), device table.
 *
 * pci_init() (after acpi_init()) enumerates once at boot. Configuration
 * space is reached through ECAM for every segment and bus range the ACPI MCFG
 * lists (4 KiB per function, extended capabilities), and through mechanism #1
 * (ports 0xCF8/0xCFC, 256 bytes, segment 0) only where there is no MCFG.
 * Every bus number of every range is probed (so the root buses of host
 * bridges that are not on bus 0, e.g. QEMU pxb/pxb-pcie, are found), bridges
 * are followed, all 8 functions of multi-function devices are listed. BARs
 * are decoded and sized (memory decoding is switched off while sizing).
 * A config read of a function or offset that cannot be reached returns
 * all-ones, like an absent device.
 *
 * The NVMe controller is class 01:08:02 (mass storage / NVM / NVMe):
 *   struct pci_dev *d = pci_find_class(0x01, 0x08, 0x02, NULL);
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdint.h>
#include <stdbool.h>

#define PCI_MAX_DEVICES 256

struct pci_bar {
	bool present;   /* decodes something (size > 0) */
	bool is_io;     /* I/O space BAR (base is a port number) */
	bool is_64;     /* 64-bit memory BAR (uses this and the next slot) */
	bool prefetch;  /* prefetchable memory */
	uint64_t base;  /* physical address (or I/O port) as programmed */
	uint64_t size;  /* bytes */
};

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t segment;        /* PCI segment group (MCFG); 0 without MCFG */
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type;     /* without the multi-function bit */
	bool multifunction;
	uint16_t subsys_vendor, subsys_id;
	uint8_t irq_line, irq_pin;
	uint8_t secondary_bus;   /* bridges only */
	struct pci_bar bar[6];   /* type 0: 6 BARs, bridges: 2; the upper half of a
	                          * 64-bit BAR is not present */
	bool removed;            /* hot-unplugged (pci_remove_bus): the entry stays (pointers
	                          * to it stay valid) but no lookup returns it */
};

void pci_init(void);
int pci_device_count(void);
/* Device number i (0 <= i < pci_device_count()), NULL otherwise. */
struct pci_dev *pci_device(int i);
/* Next device after `after` (NULL: from the start) matching the class;
 * pass -1 for subclass or prog_if to match any. */
struct pci_dev *pci_find_class(int class_code, int subclass, int prog_if, struct pci_dev *after);
/* Lookup by segment and address, NULL if absent. */
struct pci_dev *pci_find_sbdf(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn);
/* Number of PCI segment groups (lspci shows SSSS: prefixes when > 1). */
int pci_segment_count(void);
/* "ECAM (MCFG)", "mechanism #1" or "none". */
const char *pci_config_method(void);

/* Configuration space access; off is the byte offset (naturally aligned). */
uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
/* Extended configuration space (0x100-0xFFF, ECAM only): true if this
 * function's is reachable; reads beyond what is reachable return all-ones. */
bool pci_has_ext_config(const struct pci_dev *d);
uint32_t pci_read32_ext(const struct pci_dev *d, uint16_t off);
/* The capability lists of a function (pci_caps.h): at most max entries into
 * out; *trouble says why a walk stopped early (loop, wild pointer, all-ones),
 * else NULL. The extended list is empty without ECAM. */
#define PCI_CAP_MAX 48      /* (256 - 64) / 4 entries fit the legacy space */
#define PCI_EXT_CAP_MAX 96
struct pci_cap;
int pci_capabilities(const struct pci_dev *d, struct pci_cap *out, int max, const char **trouble);
int pci_ext_capabilities(const struct pci_dev *d, struct pci_cap *out, int max, const char **trouble);
/* Offset of the next PCIe extended capability with this ID after prev
 * (0 = first), 0 if none. */
uint16_t pci_find_ext_capability(const struct pci_dev *d, uint16_t prev, uint16_t cap_id);
/* Raw access by address (segment 0). */
uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off);
void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v);

/* Offset of the first capability with this ID (e.g. 0x11 MSI-X, 0x05 MSI,
 * 0x10 PCI Express), or 0 if the device has none. The list is walked with
 * pci_capabilities(): bounded, loop-proof, all-ones ends it. */
uint8_t pci_find_capability(const struct pci_dev *d, uint8_t cap_id);
/* Next capability with this ID after the one at offset `prev` (0 = first). */
uint8_t pci_find_next_capability(const struct pci_dev *d, uint8_t prev, uint8_t cap_id);

/* Sets Memory Space Enable and Bus Master Enable in the command register. */
void pci_enable_mmio_busmaster(const struct pci_dev *d);

/*
 * Hot-plug (pcie_hp.c). pci_remove_bus() marks every function on buses
 * sec..sub of segment seg removed (lookups skip them; pci_device() still
 * returns them with removed set). pci_rescan_bus() scans bus `bus` (and the
 * buses behind its bridges) again and adds the functions that are not in
 * the table; returns how many were added (the table may be full: see
 * PCI_MAX_DEVICES). pci_assign_bars() gives every memory BAR of d that
 * reads 0 an address inside the memory windows of `bridge` (the port above
 * it), aligned to its size, and checks the value read back; 0 or a negative
 * count of BARs that could not be placed (window absent or too small).
 */
void pci_remove_bus(uint16_t seg, uint8_t sec, uint8_t sub);
int pci_rescan_bus(uint16_t seg, uint8_t bus);
int pci_assign_bars(struct pci_dev *d, const struct pci_dev *bridge);
/* Bridge memory windows (type 1 header): false if the window is closed
 * (base above limit). */
bool pci_bridge_mem_window(const struct pci_dev *bridge, uint64_t *base, uint64_t *limit);
bool pci_bridge_pref_window(const struct pci_dev *bridge, uint64_t *base, uint64_t *limit);

/* Short human name for a class ("NVMe controller", "Host bridge", ...). */
const char *pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if);

#define PCI_CAP_MSI 0x05
#define PCI_CAP_PCIE 0x10
#define PCI_CAP_MSIX 0x11
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400

#endif
