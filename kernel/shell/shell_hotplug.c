/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_hotplug.c - `rescan`: the PCIe hot-plug slots, and bringing up a card
 * that is present but not enumerated (see kernel/dev/pcie_hp.h). */
#include "shell.h"
#include "console.h"
#include "pcie_hp.h"

static int cmd_rescan(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	if (pcie_hp_slot_count() == 0)
		return shell_error("no hot-plug capable PCI Express slot (root or downstream port with "
				   "Hot-Plug Capable set)");
	int added = pcie_hp_rescan();
	for (int i = 0; i < pcie_hp_slot_count(); i++) {
		const struct pcie_hp_slot *s = pcie_hp_slot_at(i);
		uint16_t st = pcie_hp_status(s), ctl = pcie_hp_control(s);
		const struct pci_dev *p = s->port;
		kprintf("slot %u: port %02x:%02x.%x, ", (unsigned)s->number, p->bus, p->dev, p->fn);
		if (st == 0xFFFF || ctl == 0xFFFF) {
			kprintf("registers read all-ones (port gone)\n");
			continue;
		}
		kprintf("%s, power %s, removals %u, surprise %u, insertions %u, last: %s\n",
			(st & (1u << 6)) ? "card present" : "empty", (ctl & (1u << 10)) ? "off" : "on",
			(unsigned)s->removals, (unsigned)s->surprises, (unsigned)s->insertions, s->last);
	}
	kprintf("%d function%s added\n", added, added == 1 ? "" : "s");
	return SHELL_OK;
}

SHELL_COMMAND_HELP("rescan", "rescan", "PCIe hot-plug: handle slot events now, bring up present cards",
		   "Reads every hot-plug slot's status now (the prompt also polls it), powers on and\n"
		   "enumerates a card that is present but not in the PCI table (its memory BARs get\n"
		   "addresses inside the port's window, which the kernel opens itself in free\n"
		   "space of the 32-bit PCI hole when the firmware left none; an NVMe controller\n"
		   "is attached as at boot), and lists each slot: presence, power, removals,\n"
		   "surprise removals, insertions. Removal: the slot's attention button (QEMU:\n"
		   "device_del) marks its controller as being removed (new commands refused),\n"
		   "stops a running iochk or bench (its commands in flight: a bounded drain,\n"
		   "nvmeremovedrain=MS, then ended by the shutdown, each once) and is carried\n"
		   "out at the prompt.",
		   cmd_rescan);
