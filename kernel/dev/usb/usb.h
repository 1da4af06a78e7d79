/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usb.h - USB keyboards on xHCI controllers, polled from the console input
 * loop (kernel/dev/console.c) next to serial and PS/2.
 *
 * usb_init() starts every xHCI controller (PCI class 0C:03:30) and
 * enumerates what is attached, through USB 2.0 hubs up to five tiers deep.
 * HID keyboards that offer the boot protocol are driven; every other device
 * is addressed, described (lsusb) and left alone. A controller or device
 * that fails is reported (lsusb) and skipped; nothing here is fatal.
 *
 * usb_poll() is cheap when nothing happens: it reads one event-ring cycle bit
 * per running controller (plain memory, no MMIO) and, while a key is held,
 * the TSC for key repeat. Plug and unplug are noticed through port status
 * change events (root ports) and hub status change endpoints.
 */
#ifndef KERNEL_USB_H
#define KERNEL_USB_H

#include <stddef.h>

void usb_init(void);
void usb_poll(void);
/* A key (ASCII, control character or a KEY_* code of console.h), or -1. */
int usb_trygetc(void);
int usb_keyboard_count(void);
/* " + USB keyboard "name" (00:04.0 port 1)" per keyboard, for the boot banner. */
void usb_describe_input(char *buf, size_t size);

#endif
