/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcie_hp.h - native PCI Express hot-plug, polled (PCIe Base 4.0 sections
 * 6.7 "PCI Express Hot-Plug Support" and 7.5.3.9-11 Slot Capabilities /
 * Control / Status).
 *
 * pcie_hp_init() (after pci_init) lists every root port and downstream port
 * whose PCI Express Capabilities register says "slot implemented" and whose
 * Slot Capabilities has Hot-Plug Capable set. No interrupt is enabled: Slot
 * Status is read
 *   - at the prompt, from the shell's idle hook (pcie_hp_poll(), at most
 *     every PCIE_HP_POLL_MS), and
 *   - inside long commands, from console_check_interrupt() (the busy hook,
 *     at most every PCIE_HP_POLL_MS): there only a removal request is
 *     noticed; the client's stopping() marks what is behind the slot as
 *     being removed (new commands refused) and the request interrupts the
 *     running command like Ctrl-C (an async command stops its in-flight
 *     commands through the client: nvme_port_retire(), see nvme_port.h);
 *     the removal itself is done at the next idle poll, where no driver
 *     call is in progress.
 *
 * Events at idle:
 *   Attention Button Pressed on a slot whose functions are in use: removal.
 *     The client's remove() stops using everything behind the port (NVMe:
 *     flush, CC.SHN shutdown, detach; commands still in flight complete
 *     once with NVME_ERR_ABORTED), the functions leave the PCI table, then
 *     Slot Control: power controller off, power and attention indicators
 *     off (QEMU removes a device_del'ed device at that moment).
 *   Presence Detect Changed (or the button) with Presence Detect State set
 *     and nothing in use behind the slot: insertion. Power on (indicator
 *     on), wait for Data Link Layer Link Active (PCIE_HP_LINK_TIMEOUT_MS,
 *     when the port reports it), PCIE_HP_SETTLE_MS, wait until function 0
 *     answers a configuration read (PCIE_HP_CONFIG_TIMEOUT_MS), enumerate
 *     the secondary bus, give unassigned memory BARs an address inside the
 *     port's memory windows (the firmware usually reserves one for an empty
 *     hot-plug port; if it left none, the kernel opens a memory window on
 *     the port first, sized for the new BARs, in free space of the 32-bit
 *     PCI hole: pci_window.h), enable memory decoding and bus mastering on
 *     the port, and hand each new function to the client's add().
 *   Presence Detect Changed with the slot now empty while functions were in
 *     use: surprise removal. remove() is called the same way (the driver
 *     finds the registers reading all-ones or the controller not answering
 *     and completes its commands with an error), then the slot is powered
 *     off.
 * Test hook, kernel command line pciehp=surprise: a button press noticed
 * inside a running command powers the slot off at once without telling the
 * driver (a card pulled without warning: its registers vanish under the
 * I/O); the command sees its commands fail and the next idle poll handles
 * the lost presence as a surprise removal.
 * Every Slot Control write waits for Command Completed (bounded by
 * PCIE_HP_CMD_TIMEOUT_MS) unless the slot says No Command Completed Support.
 * A port whose registers read all-ones is skipped.
 *
 * Limits: only the client (NVMe) stops using the functions of a removed
 * slot; any other driver's function there (e.g. an xHCI controller) loses
 * power under it. Each insertion adds new PCI table entries (removed ones
 * are not reused, so pointers to them stay valid): PCI_MAX_DEVICES in all.
 * A window the kernel opened stays open after the card is removed (the next
 * card uses it); it is never grown: a card whose BARs do not fit a window
 * the firmware or the kernel opened earlier is reported, not attached.
 * Windows are opened in the 32-bit hole only (pci_window.h).
 */
#ifndef KERNEL_PCIE_HP_H
#define KERNEL_PCIE_HP_H

#include <stdbool.h>
#include <stdint.h>
#include "pci.h"

#define PCIE_HP_MAX_SLOTS 32
#define PCIE_HP_POLL_MS 100             /* Slot Status read at most this often */
#define PCIE_HP_CMD_TIMEOUT_MS 1000     /* Command Completed after a Slot Control write */
#define PCIE_HP_LINK_TIMEOUT_MS 1000    /* Data Link Layer Link Active after power-on */
#define PCIE_HP_SETTLE_MS 100           /* link up to first configuration request (6.6.1) */
#define PCIE_HP_CONFIG_TIMEOUT_MS 1000  /* function 0 answering after that */

struct pcie_hp_slot {
	struct pci_dev *port;     /* the root or downstream port */
	uint8_t cap;              /* offset of its PCI Express capability */
	uint32_t sltcap;          /* Slot Capabilities as read at init */
	uint16_t number;          /* Physical Slot Number */
	bool remove_pending;      /* removal requested inside a command */
	uint32_t removals, insertions, surprises;
	const char *last;         /* last thing that happened, for `rescan` */
};

struct pcie_hp_client {
	/* Stop using every function on buses sec..sub of segment seg: they are
	 * about to lose power, or (surprise) already have: send them nothing.
	 * Called at idle only. */
	void (*remove)(uint16_t seg, uint8_t sec, uint8_t sub, bool surprise);
	/* A function enumerated behind a slot that was just powered on. */
	void (*add)(struct pci_dev *d);
	/* True if a function on buses sec..sub is in use (e.g. an attached
	 * controller): a button press on such a slot is a removal request. */
	bool (*in_use)(uint16_t seg, uint8_t sec, uint8_t sub);
	/* A removal was requested (or presence lost) while a command runs:
	 * refuse new work on buses sec..sub and let the running command stop
	 * (why: "pcie slot 1: removal requested"). May be called inside a
	 * driver callback: it must not call the driver. remove() follows at
	 * idle. gone: presence was lost (send the device nothing). May be
	 * NULL. */
	void (*stopping)(uint16_t seg, uint8_t sec, uint8_t sub, const char *why, bool gone);
};

void pcie_hp_init(void);
void pcie_hp_set_client(const struct pcie_hp_client *c);
/* At idle: handle pending events (rate limited unless force). Returns the
 * number of slots that changed. */
int pcie_hp_poll(bool force);
/* Check every slot for a card that is present but not powered/enumerated
 * and bring it up (the `rescan` command). Returns functions added. */
int pcie_hp_rescan(void);
int pcie_hp_slot_count(void);
const struct pcie_hp_slot *pcie_hp_slot_at(int i);
/* Current Slot Status / Slot Control of a slot (all-ones if unreachable). */
uint16_t pcie_hp_status(const struct pcie_hp_slot *s);
uint16_t pcie_hp_control(const struct pcie_hp_slot *s);

#endif
