/* SPDX-License-Identifier: BSD-2-Clause */
/* usb_shell.c - `lsusb`: xHCI controllers and the devices on them. */
#include "shell.h"
#include "console.h"
#include "usb.h"
#include "usb_internal.h"
#include "time.h"
#include "kformat.h"
#include "kstring.h"

/* "USB 2: 1-4, USB 3: 5-8" from the Supported Protocol capabilities. */
static void port_ranges(const struct usb_hc *hc, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	unsigned ports = hc->max_ports < XHCI_MAX_PORTS ? hc->max_ports : XHCI_MAX_PORTS;
	for (unsigned p = 1; p <= ports && len + 24 < size;) {
		unsigned q = p;
		while (q + 1 <= ports && hc->port_major[q + 1] == hc->port_major[p])
			q++;
		const char *kind = hc->port_major[p] == 3 ? "USB 3" : hc->port_major[p] == 2 ? "USB 2" : "unknown";
		int k = q > p ? ksnprintf(buf + len, size - len, "%s%s: %u-%u", len ? ", " : "", kind, p, q)
			      : ksnprintf(buf + len, size - len, "%s%s: %u", len ? ", " : "", kind, p);
		if (k > 0)
			len += (size_t)k;
		p = q + 1;
	}
}

static void list_devices(const struct usb_hc *hc, const struct usb_dev *parent, bool verbose)
{
	for (int i = 0; i < USB_MAX_DEVICES; i++) {
		const struct usb_dev *d = &usb_devs[i];
		if (!d->used || d->hc != hc || d->parent != parent)
			continue;
		char path[24];
		usb_port_path(d, path, sizeof(path));
		uint8_t cls = d->dev_class ? d->dev_class : d->if_class;
		uint8_t sub = d->dev_class ? d->dev_sub : d->if_sub;
		uint8_t proto = d->dev_class ? d->dev_proto : d->if_proto;
		kprintf("  port %-9s %-6s %04x:%04x class %02x:%02x:%02x  %s%s%s%s\n", path,
			usb_speed_name(d->speed), d->vid, d->pid, cls, sub, proto,
			d->product[0] ? "\"" : "", d->product, d->product[0] ? "\"  " : "", d->role);
		if (verbose) {
			kprintf("      slot %u, route 0x%05x, EP0 max packet %u%s", d->slot,
				(unsigned)d->route, d->mps0,
				d->tt_slot ? ", behind a transaction translator" : "");
			if (d->is_kbd && d->kbd_led_ok)
				kprintf(", Caps Lock LED %s", (d->kbd_leds & 2) ? "on" : "off");
			kprintf("\n");
		}
		list_devices(hc, d, verbose);
	}
}

static int cmd_lsusb(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "verbose", .short_name = 'v' },
		{ 0 },
	};
	int rc = shell_getopt(argc, argv, opts, NULL, 0, NULL);
	if (rc)
		return rc;
	bool verbose = opts[0].set;
	int n = 0;
	for (int i = 0; i < USB_MAX_HC; i++) {
		struct usb_hc *hc = &usb_hcs[i];
		if (!hc->used)
			continue;
		n++;
		/* The input loop never reads controller registers; this is where a
		 * controller that died since boot is noticed at the latest. */
		if (hc->running)
			xhci_check_alive(hc);
		const struct pci_dev *p = hc->pci;
		if (!hc->running) {
			kprintf("xhci %02x:%02x.%x %04x:%04x: %s%s\n", p->bus, p->dev, p->fn, p->vendor,
				p->device, str_starts_with(hc->state, "stopped") ? "" : "skipped: ",
				hc->state);
			continue;
		}
		char ranges[96];
		port_ranges(hc, ranges, sizeof(ranges));
		kprintf("xhci %02x:%02x.%x %04x:%04x: xHCI %x.%02x, %u ports (%s), %u slots, %s DMA, "
			"%u-byte contexts\n",
			p->bus, p->dev, p->fn, p->vendor, p->device, hc->version >> 8,
			hc->version & 0xff, hc->max_ports, ranges, hc->max_slots,
			hc->ac64 ? "64-bit" : "32-bit", hc->ctx_size);
		list_devices(hc, NULL, verbose);
	}
	if (!n)
		kprintf("no xHCI controller (PCI class 0C:03:30) found\n");
	if (verbose) {
		/* What the console input loop pays per poll when nothing happens. */
		enum { N = 10000 };
		uint64_t t0 = time_rdtsc();
		for (int i = 0; i < N; i++)
			usb_poll();
		uint64_t dt = time_rdtsc() - t0;
		kprintf("usb_poll: %llu TSC cycles (%llu ns) per call while idle, over %d calls\n",
			(unsigned long long)(dt / N), (unsigned long long)(time_tsc_to_ns(dt) / N), N);
	}
	return SHELL_OK;
}

SHELL_COMMAND_HELP("lsusb", "lsusb [-v]", "list USB controllers and devices",
		   "Lists every xHCI controller (PCI address, IDs, version, which root ports are\n"
		   "USB 2 and USB 3) and each device below it: port path (root port, then hub\n"
		   "ports: 1.3 is port 3 of the hub on root port 1), speed, VID:PID, class\n"
		   "(the device's, or its first interface's), product string, and what the\n"
		   "kernel does with it: a boot-protocol keyboard is used for input, a hub is\n"
		   "scanned, anything else is left alone; a device that failed enumeration\n"
		   "says 'skipped:' and why. A controller found halted or in error here (or\n"
		   "when a command times out) is reported and left alone from then on. Root\n"
		   "port numbers are the controller's (QEMU's port=1 is xHCI port 5 when the\n"
		   "first four are USB 3). -v adds slot ID, route string, EP0 max packet, the\n"
		   "Caps Lock LED, and measures what one idle usb_poll() costs (the console\n"
		   "input loop calls it on every poll).",
		   cmd_lsusb);
